//! Tone on whole analyses: present on every article with words, and
//! consistent with GDELT's definition.

use proptest::prelude::*;

use crate::{analyze_bytes, analyze_fixture};

fn check(analysis: &chancery_model::Analysis) {
    let words = chancery_nlp::tone::words(&analysis.article.text).count();
    let Some(tone) = analysis.tone else {
        assert_eq!(words, 0, "an article with words has no tone");
        return;
    };
    assert_eq!(tone.words as usize, words);
    for share in [
        tone.positive,
        tone.negative,
        tone.polarity,
        tone.activity,
        tone.self_group,
    ] {
        assert!((0.0..=100.0).contains(&share), "{tone:?}");
    }
    assert!(
        (tone.tone - (tone.positive - tone.negative)).abs() < 1e-5,
        "{tone:?}"
    );
    assert!(
        (tone.polarity - (tone.positive + tone.negative)).abs() < 1e-5,
        "{tone:?}"
    );
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
