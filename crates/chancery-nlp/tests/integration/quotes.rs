use crate::{analyze_bytes, analyze_fixture, render_quotes, span_text};

#[test]
fn quotes_fixture() {
    let analysis = analyze_fixture("tests/fixtures/quotes.txt");
    insta::assert_snapshot!(render_quotes(&analysis));
}

#[test]
fn seed_lookalike_quotes() {
    let analysis = analyze_fixture("../chancery-extract/tests/fixtures/text/seed_lookalike.txt");
    insta::assert_snapshot!(render_quotes(&analysis));
}

#[test]
fn speaker_spans_and_cues_point_at_their_text() {
    let analysis = analyze_fixture("tests/fixtures/quotes.txt");
    assert!(analysis.quotes.len() >= 6, "{}", render_quotes(&analysis));
    for q in &analysis.quotes {
        assert!(!span_text(&analysis, &q.span).is_empty());
        if let (Some(start), Some(end), Some(text)) =
            (q.speaker_start, q.speaker_end, &q.speaker_text)
        {
            assert_eq!(&analysis.article.text[start..end], text);
        }
        if let Some(cue) = &q.cue {
            assert_eq!(analysis.article.text[cue.start..cue.end], cue.text);
        }
        assert!((0.0..=1.0).contains(&q.confidence));
    }
}

#[test]
fn ten_thousand_quotes() {
    let mut text = String::from("Many Voices\n\n");
    for i in 0..10_000 {
        text.push_str(&format!(
            "“Point number {i} is a fine point,” Maria Lopez said.\n\n"
        ));
    }
    let analysis = analyze_bytes(text.as_bytes()).unwrap();
    assert!(analysis.quotes.len() >= 9_990, "{}", analysis.quotes.len());
}

#[test]
fn hostile_quote_marks() {
    for text in [
        "Marks\n\n\"a \"b \"c \"d \"e \"f \"g \"h \"i \"j said Tom Lee.",
        "Marks\n\n“Never closed, said Tom Lee.\n\nNext paragraph.",
        "Marks\n\n“” and \"\" and ‘’ said Tom Lee.",
        "Marks\n\nIt's the ministers' ‘plan’, they’re sure, said Tom Lee.",
        "Marks\n\n” backwards “ said Tom Lee.",
    ] {
        let analysis = analyze_bytes(text.as_bytes()).unwrap();
        for q in &analysis.quotes {
            assert!(q.span.start < q.span.end);
            assert!(analysis.article.text.is_char_boundary(q.span.start));
        }
    }
}
