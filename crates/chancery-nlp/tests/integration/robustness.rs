//! Hostile input degrades gracefully: no panic, spans stay on char boundaries.

use proptest::prelude::*;

use crate::analyze_bytes;

fn check_spans(analysis: &chancery_model::Analysis) {
    let text = &analysis.article.text;
    let title = analysis.article.title.as_deref().unwrap_or("");
    for e in &analysis.entities {
        for m in &e.mentions {
            let source = match m.span.field {
                chancery_model::TextField::Title => title,
                chancery_model::TextField::Text => text,
            };
            assert!(m.span.start < m.span.end && m.span.end <= source.len());
            assert!(source.is_char_boundary(m.span.start) && source.is_char_boundary(m.span.end));
        }
    }
    for s in &analysis.sentences {
        assert!(text.is_char_boundary(s.start) && text.is_char_boundary(s.end) && s.start < s.end);
    }
}

#[test]
fn very_long_sentence_and_flattened_table() {
    let mut text = String::from("Long\n\n");
    for i in 0..20_000 {
        text.push_str(&format!("Berlin {i} Paris | Tokyo , "));
    }
    let analysis = analyze_bytes(text.as_bytes()).unwrap();
    check_spans(&analysis);
    assert!(analysis
        .entities
        .iter()
        .any(|e| e.country.as_deref() == Some("DEU")));
}

#[test]
fn non_english_text() {
    let analysis = analyze_bytes(
        "Москва и Тегеран\n\nМинистр иностранных дел России Сергей Лавров встретился с коллегой. 東京で会談が行われた。"
            .as_bytes(),
    )
    .unwrap();
    check_spans(&analysis);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn random_unicode_never_panics(text in "\\PC{0,400}") {
        if let Some(analysis) = analyze_bytes(text.as_bytes()) {
            check_spans(&analysis);
        }
    }

    #[test]
    fn random_capitalized_words_never_panic(words in proptest::collection::vec("[A-Z][a-z]{0,8}|[A-Z]{2,5}|\\.|,|'s|\"|Mr\\.|\\(|\\)", 0..200)) {
        let text = words.join(" ");
        if let Some(analysis) = analyze_bytes(text.as_bytes()) {
            check_spans(&analysis);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// Broken user tables and dictionaries are errors with a line number, never panics.
    #[test]
    fn knowledge_tables_never_panic(
        lines in proptest::collection::vec("[A-Z_a-z0-9 \\t\\[\\]+<>#;{}|.-]{0,40}", 0..12),
        header in prop_oneof![
            Just("alpha3\talpha2\tname"),
            Just("name\taliases\tcountry\tsector\tkind"),
            Just("title\tvariants\tsector\trank"),
            Just("name\taliases\tcountry\ttitle\tstart\tend"),
            Just("VLADIMIR_PUTIN_"),
        ],
    ) {
        let text = format!("{header}\n{}", lines.join("\n"));
        match chancery_nlp::kb::KnowledgeBase::with_user_tables(&[("user.tsv".into(), text)]) {
            Ok(_) => {}
            Err(err) => {
                let message = err.to_string();
                prop_assert!(message.contains("user.tsv"), "{}", message);
            }
        }
    }
}

/// A small valid set of PETRARCH dictionaries (invented words) to code with.
fn small_dictionaries() -> chancery_nlp::petrarch::Dictionaries {
    chancery_nlp::petrarch::Dictionaries::parse(&[
        (
            "t.verbs.txt".into(),
            "&AID\n+DUCATS\n--- PLEDGE [050] ---\nPLEDGE\n- * &AID [071]\n- + WAS_ * BY $ [052]\n\
             --- MEET [036:036] ---\nMEET {MET MEETS}\n- % * [036]\n- * ^ IN + [037]\n"
                .into(),
        ),
        (
            "t.actors.txt".into(),
            "VALDORIA [VAL]\nKESTRIA [KES/KEZ]\nANNA_VOSS\n\t[VALGOV 20200101-20241231]\n".into(),
        ),
        (
            "t.agents.txt".into(),
            "MINISTER [~GOV]\nRELIEF_AGENCY [NGO~]\n".into(),
        ),
    ])
    .expect("valid dictionaries")
}

#[test]
fn dictionary_coder_survives_a_five_thousand_word_sentence() {
    let dicts = small_dictionaries();
    let vocabulary = [
        "Valdoria", "pledged", "met", "Kestria", "the", "ducats", "and", ",", "by", "in",
        "minister", "was", "^",
    ];
    let words: Vec<&str> = (0..5_000)
        .map(|i| vocabulary[(i * 7 + i / 3) % vocabulary.len()])
        .collect();
    let events = dicts.code_sentence(&words, Some(20_220_101));
    for event in &events {
        assert!(event.verb.end <= words.len() && event.source_words.end <= words.len());
    }
    assert!(!events.is_empty());
    assert!(
        dicts
            .code_sentence(&["Valdoria", "Kestria", "Anna", "Voss"], None)
            .is_empty(),
        "only names"
    );
    assert!(
        dicts.code_sentence(&[",", ".", "_", "__"], None).is_empty(),
        "no words"
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// Any text given as any kind of PETRARCH dictionary is parsed or refused
    /// with the file's name; it never panics.
    #[test]
    fn petrarch_dictionaries_never_panic(
        lines in proptest::collection::vec("[A-Z_a-z0-9 \\t\\[\\]+<>#;{}()&$%^*~!=:,|.-]{0,40}", 0..14),
        name in prop_oneof![
            Just("x.verbs.txt"),
            Just("x.actors.txt"),
            Just("x.agents.txt"),
            Just("x.discards.txt"),
        ],
    ) {
        let text = lines.join("\n");
        match chancery_nlp::petrarch::Dictionaries::parse(&[(name.to_string(), text)]) {
            Ok(dicts) => {
                // Whatever was read codes without panicking.
                let _ = dicts.code_sentence(&["A", "B", "*", "C", "pledged", "D"], None);
            }
            Err(err) => {
                let message = err.to_string();
                prop_assert!(message.contains(name), "{}", message);
            }
        }
    }

    /// Random sentences over the dictionaries' own words code without panicking,
    /// and every event's word ranges lie inside the sentence.
    #[test]
    fn dictionary_coder_never_panics(
        words in proptest::collection::vec(
            "Valdoria|Kestria|Anna|Voss|minister|relief|agency|pledged|met|meets|was|by|in|ducats|the|and|,|'s|_|[a-z]{1,6}",
            0..60,
        ),
        date in proptest::option::of(19_000_101u32..21_001_231),
    ) {
        let dicts = small_dictionaries();
        let words: Vec<&str> = words.iter().map(String::as_str).collect();
        for event in dicts.code_sentence(&words, date) {
            prop_assert!(event.verb.start < event.verb.end && event.verb.end <= words.len());
            prop_assert!(event.source_words.end <= words.len() && event.target_words.end <= words.len());
            prop_assert!(event.source != event.target);
        }
    }
}

/// What the store keeps for an analysis: its JSON plus the text of every
/// quote and every event's evidence (stored beside it).
fn stored_size(analysis: &chancery_model::Analysis) -> usize {
    let json = serde_json::to_string(analysis).unwrap().len();
    let quoted: usize = analysis
        .quotes
        .iter()
        .map(|q| q.span.end - q.span.start)
        .sum();
    let evidence: usize = analysis
        .events
        .iter()
        .map(|e| e.evidence.end - e.evidence.start)
        .sum();
    json + quoted + evidence
}

/// Text shaped to make output explode: clauses that each open reported
/// speech, names, quote marks that never close, all on few lines.
fn explosive_text(units: &[usize], repeat: usize, line_breaks: bool) -> String {
    const PIECES: &[&str] = &[
        "the market said rates rose and the bank said sales fell. ",
        "Anna Berg said that ",
        "\u{201c}We will not wait, ",
        "according to officials, ",
        "Iran accused Russia and France criticised Germany, ",
        "Minister Pavel Orlov told reporters ",
        "\" ",
        "the council warned ",
    ];
    let mut text = String::from("Headline about talks\n\n");
    for _ in 0..repeat {
        for &u in units {
            text.push_str(PIECES[u % PIECES.len()]);
        }
        if line_breaks {
            text.push('\n');
        }
    }
    text
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(12))]

    /// Output stays within a constant multiple of the input, whatever its
    /// shape (the budgets of `budget.rs`: quoted text and evidence 4x the
    /// input each, one item per 64 bytes, plus per-article slack).
    #[test]
    fn output_size_is_bounded_by_input_size(
        units in proptest::collection::vec(0usize..8, 1..12),
        repeat in 200usize..1500,
        line_breaks in any::<bool>(),
    ) {
        let text = explosive_text(&units, repeat, line_breaks);
        if let Some(analysis) = analyze_bytes(text.as_bytes()) {
            let input = text.len();
            let stored = stored_size(&analysis);
            prop_assert!(
                stored <= 30 * input + 200_000,
                "{} bytes in, {} bytes out",
                input,
                stored
            );
            for s in &analysis.sentences {
                let words = analysis.article.text[s.start..s.end].split_whitespace().count();
                prop_assert!(words <= chancery_nlp::sentence::MAX_SENTENCE_TOKENS);
            }
        }
    }
}

/// The shape: 14,000 lines of "the market said … said …" made
/// one sentence and a quote per "said" running to the end of the document.
#[test]
fn said_chains_do_not_explode() {
    let text = "the market said rates rose and the bank said sales fell.\n".repeat(14_000);
    let analysis = analyze_bytes(text.as_bytes()).unwrap();
    let stored = stored_size(&analysis);
    assert!(
        stored <= 30 * text.len(),
        "{} bytes in, {stored} bytes out",
        text.len()
    );
    let longest = analysis
        .quotes
        .iter()
        .map(|q| q.span.end - q.span.start)
        .max()
        .unwrap_or(0);
    assert!(longest < 4_000, "a quote of {longest} bytes");
}
