//! `docs/SCHEMA.md` cannot drift from the code: a fully populated [`Analysis`] is
//! serialized, its keys are collected per object kind, and they must equal the
//! keys the document's tables list — with the JSON type the table gives, and
//! with `null` or "omitted" marked exactly where a sparse analysis has them.

use std::collections::{BTreeMap, BTreeSet};

use chancery_model::{
    Analysis, Article, BlockKind, Cue, DatePrecision, Entity, EntityKind, Event, EventActor,
    EventDate, EventPlace, EventPlaces, Flags, Geo, Mention, Modality, Place, PlaceBasis,
    PlaceMention, Plover, Published, Quote, QuoteKind, RelatedItem, Role, SkipReason, SkippedBlock,
    Span, Tone, ToneMeasure,
};
use serde_json::{Map, Value};

const SCHEMA_MD: &str = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/SCHEMA.md"));

/// The object kinds, named as the document's `###` headings name them.
const KINDS: &[&str] = &[
    "top level",
    "block",
    "related item",
    "flags",
    "published date",
    "entity",
    "role",
    "mention",
    "quote",
    "cue",
    "event",
    "plover",
    "event actor",
    "event date",
    "span",
    "tone",
    "place",
    "place mention",
    "geo",
    "event places",
    "event place",
    "skipped block",
];

/// Every optional value set, every list non-empty, every span into the title so
/// that `field` is written out.
fn full_analysis() -> Analysis {
    let mut article = Article {
        id: "0123456789abcdef0123456789abcdef".into(),
        external_id: Some("wire-1".into()),
        dateline: Some("VIENNA".into()),
        source: Some("pages/talks.html".into()),
        url: Some("https://news.example/talks".into()),
        canonical_url: Some("https://news.example/world/talks".into()),
        site: Some("Example News".into()),
        title: Some("Ministers meet in Vienna".into()),
        authors: vec!["A. Writer".into()],
        published: Some(Published {
            value: "2025-02-10T08:30:00+03:30".into(),
            precision: DatePrecision::Time,
            from: "json-ld".into(),
        }),
        modified: Some(Published {
            value: "2025-02-11".into(),
            precision: DatePrecision::Day,
            from: "meta:article:modified_time".into(),
        }),
        language: Some("en".into()),
        description: Some("Talks in Vienna.".into()),
        related: vec![RelatedItem {
            title: Some("Earlier talks".into()),
            summary: Some("They met before.".into()),
            url: Some("https://news.example/earlier".into()),
            stub: false,
        }],
        flags: Flags {
            duplicated_title: true,
            ..Flags::default()
        },
        input_format: "html".into(),
        encoding: "UTF-8".into(),
        ..Article::default()
    };
    article.push_block(
        "Foreign ministers met in Vienna on Monday.",
        BlockKind::Paragraph,
    );
    article.push_block("Talks resume next week.", BlockKind::ListItem);

    let mut analysis = Analysis::from_article(article);
    analysis.sentences = vec![Span::new(0, 42), Span::in_title(0, 9)];
    analysis.summary = vec![Span::new(0, 42)];
    analysis.key_points = vec![Span::new(44, 67)];
    analysis.tone = Some(Tone {
        language: Some("fr".into()),
        lexicon: Some("pattern-fr".into()),
        tone: Some(-1.25),
        positive: Some(2.5),
        negative: Some(3.75),
        polarity: Some(6.25),
        activity: 12.5,
        self_group: 0.0,
        words: 80,
        unmeasured: vec![ToneMeasure::Activity],
    });
    analysis.entities = vec![Entity {
        id: "e1".into(),
        name: "Foreign ministers".into(),
        kind: EntityKind::Person,
        country: Some("AUT".into()),
        actor_code: Some("AUTGOV".into()),
        aliases: vec!["ministers".into()],
        roles: vec![Role {
            title: "Minister".into(),
            of: Some("AUT".into()),
            span: Span::in_title(0, 9),
        }],
        mentions: vec![Mention {
            span: Span::in_title(0, 9),
        }],
    }];
    analysis.quotes = vec![Quote {
        span: Span::in_title(10, 14),
        kind: QuoteKind::Direct,
        speaker: Some("e1".into()),
        speaker_text: Some("ministers".into()),
        speaker_start: Some(8),
        speaker_end: Some(17),
        cue: Some(Cue {
            start: 18,
            end: 21,
            text: "met".into(),
        }),
        confidence: 0.9,
    }];
    analysis.events = vec![Event {
        code: "036".into(),
        root: "03".into(),
        quad_class: 1,
        goldstein: 4.0,
        plover: Some(Plover {
            event_type: "CONSULT".into(),
            mode: Some("visit".into()),
        }),
        source: Some(EventActor {
            code: Some("AUTGOV".into()),
            entity: Some("e1".into()),
            name: None,
        }),
        target: Some(EventActor {
            code: Some("DEUGOV".into()),
            entity: Some("e1".into()),
            name: Some("ministers".into()),
        }),
        modality: Modality::Asserted,
        date: Some(EventDate {
            value: "2025-02-10".into(),
            precision: DatePrecision::Day,
            text: Some("on Monday".into()),
        }),
        location: Some("Vienna".into()),
        trigger: Span::in_title(10, 14),
        evidence: Span::in_title(0, 24),
        mentions: vec![Span::in_title(0, 24)],
        confidence: 0.8,
        background: false,
        reported_by: Some(EventActor {
            code: Some("AUTGOV".into()),
            entity: Some("e1".into()),
            name: Some("ministers".into()),
        }),
    }];
    analysis.background_events = vec![Event {
        background: true,
        ..analysis.events[0].clone()
    }];
    analysis.places = vec![Place {
        id: "g1".into(),
        entity: Some("e1".into()),
        geo: Geo {
            geonames_id: Some(2761369),
            name: "Vienna".into(),
            full_name: "Vienna, Vienna, Austria".into(),
            feature_class: "P".into(),
            feature_code: "PPLC".into(),
            lat: 48.2,
            lon: 16.37,
            country: Some("AUT".into()),
            country_fips: Some("AU".into()),
            adm1: Some("AU09".into()),
            adm1_name: Some("Vienna".into()),
            geo_type: 4,
            feature_id: "2761369".into(),
        },
        mentions: vec![PlaceMention {
            span: Span::in_title(17, 23),
            metonymy: true,
        }],
    }];
    let place = EventPlace {
        place: "g1".into(),
        basis: PlaceBasis::Clause,
    };
    analysis.event_places = vec![EventPlaces {
        event: 0,
        action: Some(place.clone()),
        source: Some(place.clone()),
        target: Some(place),
    }];
    analysis.analysis_skipped = Some(SkipReason::Language);
    analysis.detected_language = Some("de".into());
    analysis.skipped_blocks = vec![SkippedBlock {
        start: 44,
        end: 67,
        language: Some("de".into()),
    }];
    analysis
}

/// The same shape with every optional value left out: what is `null` or
/// missing in these must be marked so in the document. Two analyses, so that
/// `published` and `modified` are each once `null` and once an object.
fn sparse_analyses() -> [Analysis; 2] {
    let first = sparse_analysis();
    let mut second = first.clone();
    second.article.modified = second.article.published.take();
    second.tone = None;
    second.places.clear();
    second.event_places.clear();
    second.skipped_blocks = vec![SkippedBlock {
        start: 0,
        end: 6,
        language: None,
    }];
    [first, second]
}

fn sparse_analysis() -> Analysis {
    let mut article = Article::default();
    article.push_block("Talks.", BlockKind::Paragraph);
    article.published = Some(Published {
        value: "2025".into(),
        precision: DatePrecision::Year,
        from: "url".into(),
    });
    article.related = vec![RelatedItem::default()];
    let mut analysis = Analysis::from_article(article);
    let span = Span::new(0, 6);
    analysis.sentences = vec![span];
    analysis.summary = vec![span];
    analysis.key_points = vec![span];
    // A language tone has no word lists for: words only.
    analysis.tone = Some(Tone {
        language: None,
        lexicon: None,
        tone: None,
        positive: None,
        negative: None,
        polarity: None,
        activity: 0.0,
        self_group: 0.0,
        words: 1,
        unmeasured: vec![],
    });
    analysis.entities = vec![Entity {
        id: "e1".into(),
        name: "Talks".into(),
        kind: EntityKind::Group,
        country: None,
        actor_code: None,
        aliases: vec![],
        roles: vec![Role {
            title: "Host".into(),
            of: None,
            span,
        }],
        mentions: vec![Mention { span }],
    }];
    analysis.quotes = vec![Quote {
        span,
        kind: QuoteKind::Indirect,
        speaker: None,
        speaker_text: None,
        speaker_start: None,
        speaker_end: None,
        cue: None,
        confidence: 0.5,
    }];
    // Optional objects of an event, each present once with its own optional
    // fields empty, and once absent.
    let event = Event {
        code: "010".into(),
        root: "01".into(),
        quad_class: 1,
        goldstein: 0.0,
        plover: Some(Plover {
            event_type: "OTHER".into(),
            mode: None,
        }),
        source: Some(EventActor {
            code: None,
            entity: None,
            name: None,
        }),
        target: None,
        modality: Modality::Reported,
        date: Some(EventDate {
            value: "2025".into(),
            precision: DatePrecision::Year,
            text: None,
        }),
        location: None,
        trigger: span,
        evidence: span,
        mentions: Vec::new(),
        confidence: 0.1,
        background: false,
        reported_by: None,
    };
    analysis.quotes.push(Quote {
        cue: Some(Cue {
            start: 0,
            end: 1,
            text: "T".into(),
        }),
        ..analysis.quotes[0].clone()
    });
    analysis.events = vec![
        event.clone(),
        Event {
            plover: None,
            source: None,
            date: None,
            ..event
        },
    ];
    analysis.places = vec![Place {
        id: "g1".into(),
        entity: None,
        geo: Geo {
            geonames_id: None,
            name: "Africa".into(),
            full_name: "Africa".into(),
            feature_class: "L".into(),
            feature_code: "CONT".into(),
            lat: 7.0,
            lon: 21.0,
            country: None,
            country_fips: None,
            adm1: None,
            adm1_name: None,
            geo_type: 0,
            feature_id: "6255146".into(),
        },
        mentions: vec![PlaceMention {
            span,
            metonymy: false,
        }],
    }];
    let located = EventPlaces {
        event: 0,
        action: Some(EventPlace {
            place: "g1".into(),
            basis: PlaceBasis::ActorCountry,
        }),
        source: None,
        target: None,
    };
    analysis.event_places = vec![
        located.clone(),
        EventPlaces {
            event: 1,
            action: None,
            ..located
        },
    ];
    analysis
}

/// Keys seen per object kind, each with the values seen under it.
type Seen = BTreeMap<&'static str, BTreeMap<String, Vec<Value>>>;

fn record(seen: &mut Seen, kind: &'static str, object: &Map<String, Value>) {
    let keys = seen.entry(kind).or_default();
    for (key, value) in object {
        keys.entry(key.clone()).or_default().push(value.clone());
    }
}

fn objects<'v>(value: &'v Value, key: &str) -> Vec<&'v Map<String, Value>> {
    match value.get(key) {
        Some(Value::Array(items)) => items.iter().filter_map(Value::as_object).collect(),
        Some(Value::Object(object)) => vec![object],
        _ => vec![],
    }
}

/// Walks serialized analyses and files every object under its kind.
fn collect(analyses: &[Analysis]) -> Seen {
    let mut seen = Seen::new();
    for analysis in analyses {
        collect_one(analysis, &mut seen);
    }
    seen
}

fn collect_one(analysis: &Analysis, seen: &mut Seen) {
    let value = serde_json::to_value(analysis).expect("an analysis serializes");
    let top = value.as_object().expect("the top level is an object");
    record(seen, "top level", top);
    let simple: [(&str, &'static str); 10] = [
        ("paragraphs", "block"),
        ("related", "related item"),
        ("flags", "flags"),
        ("published", "published date"),
        ("modified", "published date"),
        ("sentences", "span"),
        ("summary", "span"),
        ("key_points", "span"),
        ("tone", "tone"),
        ("skipped_blocks", "skipped block"),
    ];
    for (key, kind) in simple {
        for object in objects(&value, key) {
            record(seen, kind, object);
        }
    }
    for entity in objects(&value, "entities") {
        record(seen, "entity", entity);
        let entity = Value::Object(entity.clone());
        for role in objects(&entity, "roles") {
            record(seen, "role", role);
        }
        for mention in objects(&entity, "mentions") {
            record(seen, "mention", mention);
        }
    }
    for place in objects(&value, "places") {
        record(seen, "place", place);
        let place = Value::Object(place.clone());
        for geo in objects(&place, "geo") {
            record(seen, "geo", geo);
        }
        for mention in objects(&place, "mentions") {
            record(seen, "place mention", mention);
        }
    }
    for places in objects(&value, "event_places") {
        record(seen, "event places", places);
        let places = Value::Object(places.clone());
        for key in ["action", "source", "target"] {
            for object in objects(&places, key) {
                record(seen, "event place", object);
            }
        }
    }
    for quote in objects(&value, "quotes") {
        record(seen, "quote", quote);
        for cue in objects(&Value::Object(quote.clone()), "cue") {
            record(seen, "cue", cue);
        }
    }
    let all_events = objects(&value, "events")
        .into_iter()
        .chain(objects(&value, "background_events"));
    for event in all_events {
        record(seen, "event", event);
        let event = Value::Object(event.clone());
        for (key, kind) in [
            ("plover", "plover"),
            ("source", "event actor"),
            ("target", "event actor"),
            ("reported_by", "event actor"),
            ("date", "event date"),
            ("trigger", "span"),
            ("evidence", "span"),
        ] {
            for object in objects(&event, key) {
                record(seen, kind, object);
            }
        }
    }
}

/// One documented key: its type cell.
#[derive(Debug)]
struct Documented {
    kind: String,
    key: String,
    json_type: String,
}

/// Reads the `| key | type | meaning |` tables of docs/SCHEMA.md, each under the
/// `###` heading that names its object kind.
fn documented() -> Vec<Documented> {
    let mut heading = String::new();
    let mut rows = Vec::new();
    for line in SCHEMA_MD.lines() {
        if let Some(title) = line.strip_prefix("### ") {
            heading = title.trim().to_lowercase();
            continue;
        }
        if line.starts_with("## ") {
            heading.clear();
            continue;
        }
        let Some(row) = line.trim().strip_prefix('|') else {
            continue;
        };
        // Split on `|` that are not escaped as `\|`.
        let cells: Vec<String> = row
            .replace("\\|", "\u{0}")
            .split('|')
            .map(|c| c.replace('\u{0}', "|").trim().to_string())
            .collect();
        let key = cells[0].as_str();
        if key == "key" || key.starts_with("---") {
            continue;
        }
        assert!(
            !heading.is_empty(),
            "a table row outside an object section: {line}"
        );
        assert!(
            cells.len() >= 3,
            "a row needs key, type and meaning: {line}"
        );
        let key = key
            .strip_prefix('`')
            .and_then(|k| k.strip_suffix('`'))
            .unwrap_or_else(|| panic!("keys are written as `code`: {line}"));
        assert!(!cells[2].is_empty(), "{heading}.{key} has no meaning");
        rows.push(Documented {
            kind: heading.clone(),
            key: key.to_string(),
            json_type: cells[1].clone(),
        });
    }
    rows
}

fn documented_keys(kind: &str) -> BTreeSet<String> {
    documented()
        .into_iter()
        .filter(|d| d.kind == kind)
        .map(|d| d.key)
        .collect()
}

#[test]
fn every_documented_section_is_an_object_kind() {
    let kinds: BTreeSet<String> = documented().into_iter().map(|d| d.kind).collect();
    let expected: BTreeSet<String> = KINDS.iter().map(|k| k.to_string()).collect();
    assert_eq!(kinds, expected);
}

#[test]
fn documented_keys_equal_serialized_keys() {
    let seen = collect(&[full_analysis()]);
    for kind in KINDS {
        let serialized: BTreeSet<String> = seen
            .get(kind)
            .unwrap_or_else(|| panic!("the full analysis has no {kind} object"))
            .keys()
            .cloned()
            .collect();
        assert_eq!(
            documented_keys(kind),
            serialized,
            "docs/SCHEMA.md's {kind:?} table (left) differs from the serialized keys (right)"
        );
    }
}

#[test]
fn documented_types_match_serialized_values() {
    let seen = collect(&[full_analysis()]);
    for doc in documented() {
        let values = &seen[doc.kind.as_str()][&doc.key];
        for value in values {
            let json_type = match value {
                Value::Null => panic!("{}.{} is null in the full analysis", doc.kind, doc.key),
                Value::Bool(_) => "boolean",
                Value::Number(n) if n.is_u64() => "integer",
                Value::Number(_) => "number",
                Value::String(_) => "string",
                Value::Array(_) => "array",
                Value::Object(_) => "object",
            };
            let documented_type = doc.json_type.split(" | null").next().unwrap();
            let first_word = documented_type
                .split([' ', ','])
                .find(|w| ["string", "integer", "number", "boolean", "array", "object"].contains(w))
                .unwrap_or_else(|| {
                    panic!(
                        "{}.{}: no JSON type in {:?}",
                        doc.kind, doc.key, doc.json_type
                    )
                });
            assert_eq!(
                first_word, json_type,
                "{}.{} is documented as {:?} but serializes as {value}",
                doc.kind, doc.key, doc.json_type
            );
        }
    }
}

#[test]
fn nullable_and_omitted_keys_are_marked() {
    let full = collect(&[full_analysis()]);
    let sparse = collect(&sparse_analyses());
    for doc in documented() {
        let where_ = format!("{}.{}", doc.kind, doc.key);
        let sparse_values = sparse
            .get(doc.kind.as_str())
            .unwrap_or_else(|| panic!("the sparse analysis has no {} object", doc.kind))
            .get(&doc.key);
        let full_count = full[doc.kind.as_str()][&doc.key].len();
        let marked_null = doc.json_type.contains("| null");
        let marked_omitted = doc.json_type.contains("omitted");
        let any_null = sparse_values.is_some_and(|v| v.iter().any(Value::is_null));
        let sometimes_missing = {
            // Objects of this kind in the sparse analysis that lack the key.
            let objects = sparse[doc.kind.as_str()]
                .values()
                .map(Vec::len)
                .max()
                .unwrap_or(0);
            sparse_values.map_or(0, Vec::len) < objects
        };
        assert_eq!(
            marked_null, any_null,
            "{where_}: documented {:?}, but null in a sparse analysis: {any_null}",
            doc.json_type
        );
        assert_eq!(
            marked_omitted, sometimes_missing,
            "{where_}: documented {:?}, but omitted in a sparse analysis: {sometimes_missing}",
            doc.json_type
        );
        assert!(full_count > 0);
    }
}

#[test]
fn schema_version_is_documented() {
    assert!(SCHEMA_MD.contains(&format!(
        "describes `schema_version` **{}**",
        chancery_model::SCHEMA_VERSION
    )));
    assert!(SCHEMA_MD.contains("UTF-8 byte offsets into `text`"));
    assert!(SCHEMA_MD.contains("`end` **exclusive**"));
    assert!(SCHEMA_MD.contains("\"field\": \"title\""));
}

#[test]
fn the_example_is_a_valid_analysis() {
    let start = SCHEMA_MD.find("```json\n").expect("an example") + "```json\n".len();
    let end = start + SCHEMA_MD[start..].find("```").expect("the example ends");
    let example: Analysis =
        serde_json::from_str(&SCHEMA_MD[start..end]).expect("the example parses");
    let text = &example.article.text;
    assert!(!example.article.paragraphs.is_empty());
    for block in &example.article.paragraphs {
        assert!(text.get(block.start..block.end).is_some(), "{block:?}");
    }
    for span in example
        .sentences
        .iter()
        .chain(&example.summary)
        .chain(&example.key_points)
    {
        assert!(span.slice(text).is_some(), "{span:?}");
    }
}
