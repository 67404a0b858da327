//! The language gate: pages in other languages yield no invented entities,
//! quotes or events, and say why; other-language blocks of an English page
//! are left out of analysis.

use chancery_model::SkipReason;

use crate::analyze_fixture;

/// Each fixture with the language it must be detected as.
const FAMILIES: &[(&str, &str)] = &[
    ("de", "tests/fixtures/languages/de.txt"),
    ("es", "tests/fixtures/languages/es.txt"),
    ("fr", "tests/fixtures/languages/fr.txt"),
    ("ru", "tests/fixtures/languages/ru.txt"),
    ("ar", "tests/fixtures/languages/ar.txt"),
    ("zh", "tests/fixtures/languages/zh.txt"),
];

fn assert_skipped(language: &str, path: &str) {
    let analysis = analyze_fixture(path);
    assert_eq!(
        analysis.analysis_skipped,
        Some(SkipReason::Language),
        "{path}"
    );
    assert_eq!(
        analysis.detected_language.as_deref(),
        Some(language),
        "{path}"
    );
    assert!(
        analysis.entities.is_empty(),
        "{path}: {:?}",
        analysis.entities
    );
    assert!(analysis.quotes.is_empty(), "{path}: {:?}", analysis.quotes);
    assert!(analysis.events.is_empty(), "{path}: {:?}", analysis.events);
    // Tone is measured with the language's own word lists: sentiment where
    // it has a lexicon, words and pronouns everywhere.
    let tone = analysis
        .tone
        .as_ref()
        .expect("a page with words has a tone");
    assert_eq!(tone.language.as_deref(), Some(language), "{path}");
    assert!(tone.words > 0, "{path}");
    let has_lexicon = chancery_nlp::tone::language(language).is_some_and(|l| l.has_lexicon());
    assert_eq!(tone.tone.is_some(), has_lexicon, "{path}: {tone:?}");
    assert_eq!(tone.lexicon.is_some(), has_lexicon, "{path}: {tone:?}");
    // Extraction and segmentation are kept.
    assert!(analysis.article.title.is_some(), "{path}");
    assert!(!analysis.sentences.is_empty(), "{path}");
    let json = serde_json::to_value(&analysis).unwrap();
    assert_eq!(json["analysis_skipped"], "language", "{path}");
}

#[test]
fn german_page_yields_no_entities() {
    assert_skipped(FAMILIES[0].0, FAMILIES[0].1);
}

#[test]
fn spanish_page_yields_no_entities() {
    assert_skipped(FAMILIES[1].0, FAMILIES[1].1);
}

#[test]
fn french_page_yields_no_entities() {
    assert_skipped(FAMILIES[2].0, FAMILIES[2].1);
}

#[test]
fn russian_page_yields_no_entities() {
    assert_skipped(FAMILIES[3].0, FAMILIES[3].1);
}

#[test]
fn arabic_page_yields_no_entities() {
    assert_skipped(FAMILIES[4].0, FAMILIES[4].1);
}

#[test]
fn chinese_page_yields_no_entities() {
    assert_skipped(FAMILIES[5].0, FAMILIES[5].1);
}

/// The gate is what keeps these pages clean: the English tagger alone reads
/// names into the Latin-script ones.
#[test]
fn the_tagger_alone_would_invent_names_in_them() {
    for (_, path) in &FAMILIES[..3] {
        let text = std::fs::read_to_string(path).unwrap();
        let words: Vec<&str> = text.split_whitespace().collect();
        let whole = 0..words.len();
        let names = chancery_nlp::find_names(&words, std::slice::from_ref(&whole));
        assert!(names.len() >= 3, "{path}: {names:?}");
    }
}

#[test]
fn a_german_paragraph_in_an_english_page_is_left_out() {
    let analysis = analyze_fixture("tests/fixtures/languages/mixed.txt");
    assert_eq!(analysis.analysis_skipped, None);
    assert_eq!(analysis.skipped_blocks.len(), 1);
    let block = &analysis.skipped_blocks[0];
    assert_eq!(block.language.as_deref(), Some("de"));
    assert!(analysis.article.text[block.start..block.end].starts_with("Die Opposition"));
    let names: Vec<&str> = analysis.entities.iter().map(|e| e.name.as_str()).collect();
    assert!(names.contains(&"Klaus Brenner"), "{names:?}");
    for entity in &analysis.entities {
        for mention in &entity.mentions {
            let span = &mention.span;
            assert!(
                span.field == chancery_model::TextField::Title
                    || span.end <= block.start
                    || span.start >= block.end,
                "{} found in the German block",
                entity.name
            );
        }
    }
}
