use crate::{analyze_fixture, render_entities};

#[test]
fn seed_lookalike_entities() {
    let analysis = analyze_fixture("../chancery-extract/tests/fixtures/text/seed_lookalike.txt");
    insta::assert_snapshot!(render_entities(&analysis));
}

#[test]
fn officials_entities() {
    let analysis = analyze_fixture("tests/fixtures/officials.txt");
    insta::assert_snapshot!(render_entities(&analysis));
}

#[test]
fn lowercase_and_all_caps_entities() {
    let analysis = analyze_fixture("tests/fixtures/lowercase.txt");
    insta::assert_snapshot!(render_entities(&analysis));
}

#[test]
fn sentences_cover_the_body_in_order() {
    let analysis = analyze_fixture("tests/fixtures/officials.txt");
    assert!(
        analysis.sentences.len() >= 10,
        "{}",
        analysis.sentences.len()
    );
    for pair in analysis.sentences.windows(2) {
        assert!(pair[0].end <= pair[1].start);
    }
    let first = &analysis.article.text[analysis.sentences[0].start..analysis.sentences[0].end];
    assert!(first.starts_with("VIENNA"), "{first}");
}
