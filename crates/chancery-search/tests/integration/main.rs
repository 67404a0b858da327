//! The search library against real stores in temporary data directories:
//! catching up, rebuilding, concurrency with a writer, and the answers of
//! search and similar through the public API.

mod catch_up;
mod queries;

use std::path::Path;

use chancery_model::{Analysis, Article, Entity, EntityKind, Flags, Published};
use chancery_model::{DatePrecision, Event, Modality, Span};
use chancery_store::{Document, Store};

/// An article with a title, a body and an optional day.
pub fn article(id: &str, title: &str, text: &str, day: Option<&str>) -> Analysis {
    Analysis::from_article(Article {
        id: id.into(),
        title: Some(title.into()),
        text: text.into(),
        published: day.map(|d| Published {
            value: d.into(),
            precision: DatePrecision::Day,
            from: "input".into(),
        }),
        ..Article::default()
    })
}

/// A stub: what a placeholder page becomes.
pub fn stub(id: &str) -> Analysis {
    let mut analysis = article(
        id,
        "Coming soon",
        "This article will be expanded soon.",
        None,
    );
    analysis.article.flags = Flags {
        stub: true,
        ..Flags::default()
    };
    analysis
}

/// Adds a person entity of `country` to an analysis.
pub fn with_person(mut analysis: Analysis, name: &str, country: &str) -> Analysis {
    let id = format!("e{}", analysis.entities.len() + 1);
    analysis.entities.push(Entity {
        id,
        name: name.into(),
        kind: EntityKind::Person,
        country: Some(country.into()),
        actor_code: Some(format!("{country}GOV")),
        aliases: Vec::new(),
        roles: Vec::new(),
        mentions: Vec::new(),
    });
    analysis
}

/// Adds an event of CAMEO `code` to an analysis.
pub fn with_event(mut analysis: Analysis, code: &str) -> Analysis {
    analysis.events.push(Event {
        code: code.into(),
        root: code[..2].into(),
        quad_class: 1,
        goldstein: 1.0,
        plover: None,
        source: None,
        target: None,
        modality: Modality::Asserted,
        date: None,
        location: None,
        trigger: Span::new(0, 1),
        evidence: Span::new(0, 1),
        mentions: Vec::new(),
        confidence: 0.5,
        background: false,
        reported_by: None,
    });
    analysis
}

/// Writes analyses to the store in `dir` as one batch.
pub fn store(dir: &Path, analyses: Vec<Analysis>) {
    let mut store = Store::open(dir).expect("the store opens");
    let documents: Vec<Document> = analyses
        .into_iter()
        .map(|a| Document::new(a).expect("the document serializes"))
        .collect();
    store.write(&documents).expect("the batch is written");
}

/// A body of words for article `n`, long enough not to be a stub and
/// different enough not to be a near-duplicate of another.
pub fn filler(n: usize) -> String {
    const WORDS: &[&str] = &[
        "river", "budget", "harbour", "union", "court", "hospital", "school", "railway",
        "festival", "museum", "bridge", "airport", "library", "factory", "stadium", "market",
        "council", "teacher", "farmer", "storm", "election", "minister", "tunnel", "garden",
    ];
    // A small linear congruential walk: the same words for the same n.
    let mut state = (n as u64).wrapping_mul(2_654_435_761).wrapping_add(1);
    (0..60)
        .map(|_| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            WORDS[((state >> 33) % WORDS.len() as u64) as usize]
        })
        .collect::<Vec<_>>()
        .join(" ")
}
