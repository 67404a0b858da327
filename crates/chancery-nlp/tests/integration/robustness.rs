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
