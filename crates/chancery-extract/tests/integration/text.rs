//! Golden tests for scraped plain text: invented articles in
//! `tests/fixtures/text/` run through the public API, with the extracted
//! article kept as a snapshot. Each snapshot shows the article JSON and, for
//! reading, every block as `[kind] text`.

use chancery_extract::{extract, Input, Options};
use chancery_model::{Article, BlockKind};

use crate::support::{assert_spans_within, snapshot_view};

fn extract_fixture(name: &str) -> Article {
    crate::support::extract_fixture("text", name)
}

fn fixture(name: &str) -> Vec<u8> {
    crate::support::fixture("text", name)
}

fn list_items(article: &Article) -> Vec<&str> {
    article
        .paragraphs
        .iter()
        .filter(|b| b.kind == BlockKind::ListItem)
        .map(|b| article.block_text(b))
        .collect()
}

#[test]
fn seed_lookalike() {
    let article = extract_fixture("seed_lookalike.txt");
    let title = article.title.as_deref().expect("a title");
    assert!(title.starts_with("Minister Okafor Carries"));
    assert!(article.flags.duplicated_title);
    assert!(
        !article.text.contains("Minister Okafor Carries"),
        "the title is not part of the body"
    );
    assert!(article.text.starts_with("In a notable diplomatic step"));
    assert_eq!(
        list_items(&article),
        [
            "Trade and Energy Accord: The accord has cleared Brazil’s Chamber of Deputies and is now before Nigeria’s National Assembly.",
            "Agricultural Cooperation: The talks are expected to cover fertiliser supply, crop research and joint investment in storage.",
            "High-level Contacts: The meetings will bring together senior officials from both foreign ministries.",
        ]
    );
    assert!(article
        .text
        .contains("Key points regarding the Nigeria–Brazil relationship include:"));
    assert!(!article.text.contains("Similar Posts"));
    assert!(!article.text.contains("will be expanded"));
    assert!(
        !article.text.contains("Mongolia"),
        "related teasers are not body text"
    );
    assert!(article.text.ends_with("for years to come."));

    assert_eq!(article.related.len(), 6);
    let stubs: Vec<usize> = (0..6).filter(|&i| article.related[i].stub).collect();
    assert_eq!(stubs, [0, 3]);
    for &i in &stubs {
        let item = &article.related[i];
        assert!(item
            .title
            .as_deref()
            .is_some_and(|t| t.starts_with("This post will be expanded soon.")));
        assert_eq!(item.summary, None);
    }
    let real = &article.related[1];
    assert_eq!(
        real.title.as_deref(),
        Some("Chile Sends 300 Tonnes of Relief Supplies to Flood-Hit Southern Peru")
    );
    assert!(real
        .summary
        .as_deref()
        .is_some_and(|s| s.starts_with("The Chilean Red Cross") && s.ends_with("districts.")));
    assert!(article.related.iter().all(|item| item.url.is_none()));
    assert!(!article.flags.stub && !article.flags.truncated);

    insta::assert_json_snapshot!("seed_lookalike", snapshot_view(article));
}

#[test]
fn related_articles_heading_and_inline_teaser() {
    let article = extract_fixture("related_articles.txt");
    assert_eq!(
        article.title.as_deref(),
        Some("Harbour Pilots End Strike After Pay Deal in Rotterdam")
    );
    assert!(!article.flags.duplicated_title);
    assert_eq!(article.authors, ["Ana Silva"]);
    let published = article.published.as_ref().expect("the date line is read");
    assert!(published.value.starts_with("2025-03-03T09:15"));
    assert!(!article.text.contains("Published"));
    assert!(!article.text.contains("Read more"));
    assert!(!article.text.contains("Leave a Reply"));
    assert!(!article.text.contains("Antwerp Braces"));
    let titles: Vec<_> = article.related.iter().map(|r| r.title.as_deref()).collect();
    assert_eq!(
        titles,
        [
            Some("Shipping rates climb as North Sea ports struggle with backlog"),
            Some("Antwerp Braces for Extra Traffic as Rotterdam Dispute Drags On"),
            Some("Dockworkers in Hamburg Vote on Wage Offer"),
        ]
    );
    assert_eq!(
        article.related[1].url.as_deref(),
        Some("https://news.example.invalid/antwerp-traffic")
    );
    // A teaser cut off with an ellipsis is a placeholder, not a summary to trust.
    assert!(article.related[2].stub);
    insta::assert_json_snapshot!("related_articles", snapshot_view(article));
}

#[test]
fn french_lire_aussi() {
    let article = extract_fixture("french_lire_aussi.txt");
    assert!(article.flags.duplicated_title);
    assert!(!article.text.contains("lire aussi"));
    assert!(!article.text.contains("Publicité") && !article.text.contains("Partager"));
    assert_eq!(article.related.len(), 2);
    assert_eq!(
        article.related[0].title.as_deref(),
        Some("Grenoble : les cantines passent au bio à 100 %")
    );
    insta::assert_json_snapshot!("french_lire_aussi", snapshot_view(article));
}

#[test]
fn german_mehr_zum_thema() {
    let article = extract_fixture("german_mehr_zum_thema.txt");
    assert!(!article.text.contains("interessieren"));
    assert!(
        article.flags.truncated,
        "the body ends with a cut-off sentence"
    );
    assert_eq!(article.related.len(), 3);
    assert!(article.related[2].stub);
    assert!(!article.related[0].stub && !article.related[1].stub);
    insta::assert_json_snapshot!("german_mehr_zum_thema", snapshot_view(article));
}

#[test]
fn no_related_block() {
    let article = extract_fixture("no_related.txt");
    assert!(article.related.is_empty());
    assert!(!article.text.contains("Advertisement"));
    let kinds: Vec<_> = article.paragraphs.iter().map(|b| b.kind).collect();
    assert_eq!(
        kinds,
        [
            BlockKind::Paragraph,
            BlockKind::Paragraph,
            BlockKind::Heading,
            BlockKind::Paragraph,
            BlockKind::Paragraph
        ]
    );
    insta::assert_json_snapshot!("no_related", snapshot_view(article));
}

#[test]
fn stub_page_expanded_soon() {
    let article = extract_fixture("stub_expanded.txt");
    assert!(article.flags.stub);
    assert!(article.flags.duplicated_title);
    assert_eq!(
        article.title.as_deref(),
        Some("Regional Leaders Meet to Discuss Water Sharing")
    );
    assert_eq!(article.text, "");
    assert!(article.paragraphs.is_empty());
    insta::assert_json_snapshot!("stub_expanded", snapshot_view(article));
}

#[test]
fn stub_page_lorem_ipsum() {
    let article = extract_fixture("stub_lorem.txt");
    assert!(article.flags.stub);
    assert_eq!(article.text, "");
    insta::assert_json_snapshot!("stub_lorem", snapshot_view(article));
}

#[test]
fn hard_wrapped_with_numbered_list() {
    let article = extract_fixture("hard_wrapped.txt");
    assert_eq!(
        list_items(&article),
        [
            "A 4 percent increase in funding for primary schools, mainly for teachers' salaries and new textbooks.",
            "Repairs to the harbour road between the town centre and Sarpsborg, which has been closed to heavy traffic since the spring floods.",
            "A new bus line between the railway station and the hospital.",
        ]
    );
    assert!(article.text.starts_with(
        "The city council approved next year's budget for the town of Halden late on Tuesday after a debate"
    ));
    let titles: Vec<_> = article
        .related
        .iter()
        .filter_map(|r| r.title.as_deref())
        .collect();
    assert_eq!(
        titles,
        [
            "Halden Approves Plan for Waterfront Housing",
            "Fredrikstad Votes to Keep Ferry Service"
        ]
    );
    insta::assert_json_snapshot!("hard_wrapped", snapshot_view(article));
}

#[test]
fn line_endings_do_not_change_the_result() {
    for name in [
        "seed_lookalike.txt",
        "hard_wrapped.txt",
        "related_articles.txt",
    ] {
        let unix = fixture(name);
        let windows = String::from_utf8(unix.clone())
            .expect("utf-8 fixture")
            .replace('\n', "\r\n");
        let a = extract(&Input::bytes(&unix), &Options::default()).expect("extracts");
        let b = extract(&Input::bytes(windows.as_bytes()), &Options::default()).expect("extracts");
        assert_eq!(a, b, "{name}: CRLF and LF differ");
    }
}

#[test]
fn given_title_is_kept_and_its_repeat_removed() {
    let bytes = fixture("no_related.txt");
    let input = Input {
        title: Some("Quiet comeback for lake trout in the Alps.".into()),
        ..Input::bytes(&bytes)
    };
    let article = extract(&input, &Options::default()).expect("extracts");
    assert_eq!(
        article.title.as_deref(),
        Some("Quiet comeback for lake trout in the Alps.")
    );
    assert!(article.flags.duplicated_title);
    assert!(article.text.starts_with("Lake trout have returned"));
}

#[test]
fn body_only_keeps_the_text_byte_for_byte() {
    let bytes = fixture("seed_lookalike.txt");
    let options = Options {
        body_only: true,
        ..Options::default()
    };
    let article = extract(&Input::bytes(&bytes), &options).expect("extracts");
    assert_eq!(article.text.as_bytes(), &bytes[..]);
    assert_eq!(article.title, None);
    assert!(article.related.is_empty());
    assert_spans_within(&article);
    // The three key points and the six bulleted teasers.
    assert_eq!(list_items(&article).len(), 9);
    assert_eq!(
        list_items(&article)[0],
        list_items(&extract_fixture("seed_lookalike.txt"))[0]
    );
}
