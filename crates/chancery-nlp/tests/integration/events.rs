use crate::{analyze_bytes, analyze_fixture, render_events, span_text};

#[test]
fn events_fixture() {
    let analysis = analyze_fixture("tests/fixtures/events.txt");
    insta::assert_snapshot!(render_events(&analysis));
}

#[test]
fn seed_lookalike_events() {
    let analysis = analyze_fixture("../chancery-extract/tests/fixtures/text/seed_lookalike.txt");
    insta::assert_snapshot!(render_events(&analysis));
}

#[test]
fn events_point_at_their_evidence() {
    let analysis = analyze_fixture("tests/fixtures/events.txt");
    assert!(!analysis.events.is_empty());
    for e in &analysis.events {
        let evidence = span_text(&analysis, &e.evidence);
        let trigger = span_text(&analysis, &e.trigger);
        assert!(
            evidence.contains(trigger),
            "{trigger:?} not in {evidence:?}"
        );
        assert!(e.mentions.contains(&e.evidence));
        assert_eq!(e.root, e.code[..2]);
        assert!((1..=4).contains(&e.quad_class));
    }
}

#[test]
fn long_sentences_without_verbs_or_only_names() {
    for text in [
        format!(
            "Names\n\n{}",
            "Freedonia Sylvania Rufus Tarn ".repeat(1_500)
        ),
        format!("Verbs\n\n{}", "visit meet attack ".repeat(2_000)),
    ] {
        let analysis = analyze_bytes(text.as_bytes()).unwrap();
        for e in &analysis.events {
            assert!(e.trigger.start < e.trigger.end);
        }
    }
}
