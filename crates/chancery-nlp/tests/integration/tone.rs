//! Tone on whole analyses: present on every article with words, and
//! consistent with GDELT's definition.

use proptest::prelude::*;

use crate::{analyze_bytes, analyze_fixture};

fn check(analysis: &chancery_model::Analysis) {
    let language = analysis.tone.as_ref().and_then(|t| t.language.as_deref());
    let words = chancery_nlp::tone::words(&analysis.article.text, language).len();
    let Some(tone) = &analysis.tone else {
        assert_eq!(words, 0, "an article with words has no tone");
        return;
    };
    assert_eq!(tone.words as usize, words);
    for share in [
        tone.positive.unwrap_or(0.0),
        tone.negative.unwrap_or(0.0),
        tone.polarity.unwrap_or(0.0),
        tone.activity,
        tone.self_group,
    ] {
        assert!((0.0..=100.0).contains(&share), "{tone:?}");
    }
    // All four sentiment values, or none (no lexicon for the language).
    match (tone.tone, tone.positive, tone.negative, tone.polarity) {
        (Some(value), Some(positive), Some(negative), Some(polarity)) => {
            assert!(tone.lexicon.is_some(), "{tone:?}");
            assert!((value - (positive - negative)).abs() < 1e-5, "{tone:?}");
            assert!((polarity - (positive + negative)).abs() < 1e-5, "{tone:?}");
        }
        (None, None, None, None) => {
            assert!(tone.lexicon.is_none(), "{tone:?}");
            assert!(
                tone.unmeasured
                    .contains(&chancery_model::ToneMeasure::Sentiment),
                "{tone:?}"
            );
        }
        _ => panic!("sentiment values half filled: {tone:?}"),
    }
}

#[test]
fn every_fixture_article_has_a_consistent_tone() {
    for fixture in ["events", "lowercase", "officials", "quotes"] {
        let analysis = analyze_fixture(&format!("tests/fixtures/{fixture}.txt"));
        assert!(analysis.tone.is_some(), "{fixture}");
        check(&analysis);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(100))]

    #[test]
    fn any_text_with_words_has_a_tone(text in "\\PC{0,300}") {
        if let Some(analysis) = analyze_bytes(text.as_bytes()) {
            check(&analysis);
        }
    }
}

/// One line per language fixture: the tone measured with the fixture's
/// language, so that a change to a lexicon, a pronoun list or the word
/// rules shows as a diff.
#[test]
fn tone_of_each_language_fixture() {
    let mut lines = Vec::new();
    for code in [
        "de", "es", "fr", "it", "nl", "pt", "sv", "ru", "ar", "zh", "pl", "id", "ja", "ko", "tr",
    ] {
        let analysis = analyze_fixture(&format!("tests/fixtures/languages/{code}.txt"));
        check(&analysis);
        let tone = analysis.tone.expect("a fixture with words has a tone");
        let value = |x: Option<f64>| x.map_or("-".to_string(), |x| format!("{x:.3}"));
        lines.push(format!(
            "{code}: language={} lexicon={} tone={} positive={} negative={} polarity={} activity={:.3} self_group={:.3} words={} unmeasured={:?}",
            tone.language.as_deref().unwrap_or("-"),
            tone.lexicon.as_deref().unwrap_or("-"),
            value(tone.tone),
            value(tone.positive),
            value(tone.negative),
            value(tone.polarity),
            tone.activity,
            tone.self_group,
            tone.words,
            tone.unmeasured,
        ));
    }
    insta::assert_snapshot!(lines.join("\n"));
}
