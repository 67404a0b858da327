//! What changed in a story between its first and its latest reports: the
//! actors, places, events (code and dyad), figures and quotes that the latest
//! reports tell and the first did not ("appeared"), and those the first told
//! and the latest no longer do ("disappeared"), each with the article and
//! byte span that says it.
//!
//! The first reports are the story's canonical articles of its first
//! publication day, the latest those of its last day (at most
//! [`MAX_REPORTS`] each: the earliest of the first day, the last of the
//! latest). When the story spans one day or has no dates, the first report
//! is its earliest article and the latest its last, in stored order. The
//! comparison is a pure function of the analyses ([`compare`]), so the same
//! story always gives the same answer.

use std::collections::HashSet;

use chancery_model::amounts::amounts;
use chancery_model::{Analysis, EntityKind, Modality, Span, TextField};
use serde::Serialize;

use crate::query::Queries;
use crate::StoreError;

/// Reports read on each side at most.
pub const MAX_REPORTS: usize = 25;

/// Changes listed per kind at most (the earliest told first).
pub const MAX_CHANGES: usize = 40;

/// One canonical article of a story, with its analysis.
#[derive(Debug, Clone)]
pub struct Report {
    /// The stored article id.
    pub article: i64,
    /// Its publication time as stored (`YYYY-MM-DD…`), if known.
    pub published: Option<String>,
    /// Its analysis.
    pub analysis: Analysis,
}

/// An article read as a first or latest report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReportRef {
    /// The stored article id.
    pub article: i64,
    /// Its headline.
    pub title: Option<String>,
    /// Its publication time.
    pub published: Option<String>,
}

/// Where a change is said: an article and a byte span of its text (or of
/// its title, when `field` is `title`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChangeEvidence {
    /// The stored article id.
    pub article: i64,
    /// First byte of the span.
    pub start: usize,
    /// One past its last byte.
    pub end: usize,
    /// `text` or `title`.
    pub field: &'static str,
    /// The spanned text.
    pub text: String,
    /// The sentence around it, when the span is shorter than its sentence.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub context: Option<String>,
}

/// One thing told on one side and not on the other.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Change {
    /// What is compared (a lowercased name, `code source target`, a
    /// normalized figure, a quote's words).
    pub key: String,
    /// How to show it.
    pub label: String,
    /// The first place it is said on its side.
    pub evidence: ChangeEvidence,
}

/// Changes by kind, each list in the order the reports tell them.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Changes {
    /// People, organizations and groups.
    pub actors: Vec<Change>,
    /// Countries and places.
    pub places: Vec<Change>,
    /// Events by CAMEO code and actor codes (negated and hypothetical ones
    /// left out).
    pub events: Vec<Change>,
    /// Figures: counts, amounts, percentages, with the noun they count.
    pub numbers: Vec<Change>,
    /// Quotes, by their words.
    pub quotes: Vec<Change>,
}

impl Changes {
    /// True when nothing changed.
    pub fn is_empty(&self) -> bool {
        self.actors.is_empty()
            && self.places.is_empty()
            && self.events.is_empty()
            && self.numbers.is_empty()
            && self.quotes.is_empty()
    }
}

/// What changed between a story's first and latest reports.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct StoryChanges {
    /// The articles read as the first reports.
    pub first: Vec<ReportRef>,
    /// The articles read as the latest reports.
    pub latest: Vec<ReportRef>,
    /// Told in the latest reports and not in the first.
    pub appeared: Changes,
    /// Told in the first reports and no longer in the latest.
    pub disappeared: Changes,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Kind {
    Actor,
    Place,
    Event,
    Number,
    Quote,
}

struct Item {
    kind: Kind,
    key: String,
    label: String,
    evidence: ChangeEvidence,
}

/// Splits a story's reports (in publication order, then stored order) into
/// its first and latest reports.
pub fn sides(reports: &[(i64, Option<String>)]) -> (Vec<i64>, Vec<i64>) {
    let day = |p: &Option<String>| p.as_deref().and_then(|p| p.get(..10)).map(str::to_string);
    let days: Vec<String> = reports.iter().filter_map(|(_, p)| day(p)).collect();
    let (Some(first_day), Some(last_day)) = (days.iter().min(), days.iter().max()) else {
        return ends(reports);
    };
    if first_day == last_day {
        return ends(reports);
    }
    let on = |d: &String| -> Vec<i64> {
        reports
            .iter()
            .filter(|(_, p)| day(p).as_ref() == Some(d))
            .map(|(id, _)| *id)
            .collect()
    };
    let mut first = on(first_day);
    first.truncate(MAX_REPORTS);
    let mut latest = on(last_day);
    latest.drain(..latest.len().saturating_sub(MAX_REPORTS));
    (first, latest)
}

fn ends(reports: &[(i64, Option<String>)]) -> (Vec<i64>, Vec<i64>) {
    match (reports.first(), reports.last()) {
        (Some(a), Some(b)) => (vec![a.0], vec![b.0]),
        _ => (Vec::new(), Vec::new()),
    }
}

/// Compares the first reports with the latest. An article on both sides
/// (a story of one article) changes nothing.
pub fn compare(first: &[Report], latest: &[Report]) -> StoryChanges {
    let refs = |reports: &[Report]| {
        reports
            .iter()
            .map(|r| ReportRef {
                article: r.article,
                title: r.analysis.article.title.clone(),
                published: r.published.clone(),
            })
            .collect()
    };
    let mut changes = StoryChanges {
        first: refs(first),
        latest: refs(latest),
        ..StoryChanges::default()
    };
    let same: HashSet<i64> = first.iter().map(|r| r.article).collect();
    if latest.iter().all(|r| same.contains(&r.article)) {
        return changes;
    }
    let before = side(first);
    let after = side(latest);
    let keys = |items: &[Item]| -> HashSet<(Kind, String)> {
        items.iter().map(|i| (i.kind, i.key.clone())).collect()
    };
    let (before_keys, after_keys) = (keys(&before), keys(&after));
    for item in after {
        if !before_keys.contains(&(item.kind, item.key.clone())) {
            push(&mut changes.appeared, item);
        }
    }
    for item in before {
        if !after_keys.contains(&(item.kind, item.key.clone())) {
            push(&mut changes.disappeared, item);
        }
    }
    changes
}

fn push(changes: &mut Changes, item: Item) {
    let list = match item.kind {
        Kind::Actor => &mut changes.actors,
        Kind::Place => &mut changes.places,
        Kind::Event => &mut changes.events,
        Kind::Number => &mut changes.numbers,
        Kind::Quote => &mut changes.quotes,
    };
    if list.len() < MAX_CHANGES {
        list.push(Change {
            key: item.key,
            label: item.label,
            evidence: item.evidence,
        });
    }
}

/// The items of one side, each key once (its first telling), in report
/// order and, within a report, in text order.
fn side(reports: &[Report]) -> Vec<Item> {
    let mut seen: HashSet<(Kind, String)> = HashSet::new();
    let mut out = Vec::new();
    for report in reports {
        let mut items = items(report);
        items.sort_by_key(|i| (i.evidence.field == "text", i.evidence.start, i.kind as u8));
        for item in items {
            if seen.insert((item.kind, item.key.clone())) {
                out.push(item);
            }
        }
    }
    out
}

/// Everything one report tells that the comparison reads.
fn items(report: &Report) -> Vec<Item> {
    let a = &report.analysis;
    let title = a.article.title.as_deref().unwrap_or("");
    let evidence = |span: &Span| -> Option<ChangeEvidence> {
        let (source, field) = match span.field {
            TextField::Text => (a.article.text.as_str(), "text"),
            TextField::Title => (title, "title"),
        };
        let text = span.slice(source)?.trim();
        if text.is_empty() {
            return None;
        }
        let context = (span.field == TextField::Text)
            .then(|| sentence_around(a, span))
            .flatten()
            .filter(|s| s.len() > text.len());
        Some(ChangeEvidence {
            article: report.article,
            start: span.start,
            end: span.end,
            field,
            text: text.to_string(),
            context,
        })
    };
    let mut out = Vec::new();
    for entity in &a.entities {
        let kind = match entity.kind {
            EntityKind::Person | EntityKind::Organization | EntityKind::Group => Kind::Actor,
            EntityKind::Country | EntityKind::Place => Kind::Place,
        };
        let Some(span) = entity.mentions.iter().map(|m| &m.span).min_by_key(|s| {
            (s.field == TextField::Text, s.start) // the headline first
        }) else {
            continue;
        };
        let Some(evidence) = evidence(span) else {
            continue;
        };
        let label = match &entity.actor_code {
            Some(code) => format!("{} ({code})", entity.name),
            None => entity.name.clone(),
        };
        out.push(Item {
            kind,
            key: entity.name.to_lowercase(),
            label,
            evidence,
        });
    }
    for place in &a.places {
        let Some(mention) = place.mentions.iter().find(|m| !m.metonymy) else {
            continue;
        };
        let Some(evidence) = evidence(&mention.span) else {
            continue;
        };
        out.push(Item {
            kind: Kind::Place,
            key: place.geo.name.to_lowercase(),
            label: place.geo.full_name.clone(),
            evidence,
        });
    }
    for event in &a.events {
        if matches!(event.modality, Modality::Negated | Modality::Hypothetical) {
            continue;
        }
        let code = |actor: &Option<chancery_model::EventActor>| {
            actor
                .as_ref()
                .and_then(|a| a.code.clone())
                .unwrap_or_else(|| "-".into())
        };
        let (source, target) = (code(&event.source), code(&event.target));
        let Some(evidence) = evidence(&event.evidence) else {
            continue;
        };
        out.push(Item {
            kind: Kind::Event,
            key: format!("{} {source} {target}", event.code),
            label: format!("{source} → {target} ({})", event.code),
            evidence,
        });
    }
    for (span, key) in figures(&a.article.text) {
        if let Some(evidence) = evidence(&span) {
            out.push(Item {
                kind: Kind::Number,
                key,
                label: evidence.text.clone(),
                evidence,
            });
        }
    }
    for quote in &a.quotes {
        let key = words(quote.span.slice(&a.article.text).unwrap_or(""));
        if key.is_empty() {
            continue;
        }
        let Some(evidence) = evidence(&quote.span) else {
            continue;
        };
        let label = match &quote.speaker_text {
            Some(speaker) => format!("{speaker}: “{}”", evidence.text),
            None => format!("“{}”", evidence.text),
        };
        out.push(Item {
            kind: Kind::Quote,
            key,
            label,
            evidence,
        });
    }
    out
}

/// The sentence of the body that holds `span`.
fn sentence_around(a: &Analysis, span: &Span) -> Option<String> {
    let i = a.sentences.partition_point(|s| s.end <= span.start);
    let s = a.sentences.get(i)?;
    (s.start <= span.start && span.end <= s.end)
        .then(|| s.slice(&a.article.text))
        .flatten()
        .map(|t| t.trim().to_string())
}

/// Lowercased words joined by single spaces: a quote's key, so that
/// punctuation and spacing differences between outlets do not count.
fn words(text: &str) -> String {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join(" ")
}

/// Words after a number word that are skipped to reach the noun it counts
/// ("three more people").
const COUNT_FILLERS: [&str; 5] = ["more", "other", "further", "additional", "new"];

/// Number words read as figures when a noun follows ("three people").
const NUMBER_WORDS: [(&str, &str); 18] = [
    ("two", "2"),
    ("three", "3"),
    ("four", "4"),
    ("five", "5"),
    ("six", "6"),
    ("seven", "7"),
    ("eight", "8"),
    ("nine", "9"),
    ("ten", "10"),
    ("eleven", "11"),
    ("twelve", "12"),
    ("twenty", "20"),
    ("thirty", "30"),
    ("forty", "40"),
    ("fifty", "50"),
    ("hundreds", "hundreds"),
    ("thousands", "thousands"),
    ("dozens", "dozens"),
];

/// The figures of a text, each with its span and a key that ignores how it
/// is written ("9,000 homes" and "9000 homes", "$2 billion" and
/// "$2bn" are one figure): the amounts `chancery_model::amounts` reads
/// (digits with an object or a scale; years, dates, times and percentages
/// are not figures), and number words with the noun they count ("three
/// people", not "one of them").
pub fn figures(text: &str) -> Vec<(Span, String)> {
    let mut out: Vec<(Span, String)> = amounts(text)
        .into_iter()
        .map(|a| {
            (
                Span::new(a.start, a.end),
                format!("{} {}", a.value, a.object),
            )
        })
        .collect();
    let mut at = 0;
    for word in text.split(|c: char| !c.is_alphanumeric()) {
        let start = at;
        let after = start + word.len();
        at = after + text[after..].chars().next().map_or(0, char::len_utf8);
        let lower = word.to_lowercase();
        let Some((_, value)) = NUMBER_WORDS.iter().find(|(w, _)| *w == lower) else {
            continue;
        };
        if let Some((end, noun)) = counted_noun(text, after) {
            out.push((Span::new(start, end), format!("{value} {noun}")));
        }
    }
    out.sort_by_key(|(span, _)| span.start);
    out
}

/// The plural noun after a number word that ends at `at` ("people" of
/// "three more people"), with the end of the noun.
fn counted_noun(text: &str, mut at: usize) -> Option<(usize, &str)> {
    for _ in 0..2 {
        let rest = text.get(at..)?.strip_prefix(' ')?;
        let len = rest
            .find(|c: char| !c.is_ascii_lowercase())
            .unwrap_or(rest.len());
        let word = &rest[..len];
        at += 1 + len;
        if !COUNT_FILLERS.contains(&word) {
            return (word.len() > 2 && word.ends_with('s')).then_some((at, word));
        }
    }
    None
}

impl Queries {
    /// What changed between a story's first and latest reports; `None` when
    /// no canonical article is in the story.
    pub fn story_changes(&self, story: i64) -> Result<Option<StoryChanges>, StoreError> {
        let order = self.story_report_order(story)?;
        if order.is_empty() {
            return Ok(None);
        }
        let (first, latest) = sides(&order);
        let read = |ids: &[i64]| -> Result<Vec<Report>, StoreError> {
            ids.iter()
                .map(|id| self.story_report(*id))
                .collect::<Result<Vec<_>, _>>()
                .map(|r| r.into_iter().flatten().collect())
        };
        Ok(Some(compare(&read(&first)?, &read(&latest)?)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chancery_model::{
        Article, Entity, Event, EventActor, Mention, Published, Quote, QuoteKind,
    };

    fn span_of(text: &str, needle: &str) -> Span {
        let start = text
            .find(needle)
            .unwrap_or_else(|| panic!("{needle} in {text}"));
        Span::new(start, start + needle.len())
    }

    fn entity(id: &str, name: &str, kind: EntityKind, code: &str, text: &str) -> Entity {
        Entity {
            id: id.into(),
            name: name.into(),
            kind,
            country: Some(code[..3].into()),
            actor_code: Some(code.into()),
            aliases: Vec::new(),
            roles: Vec::new(),
            mentions: vec![Mention {
                span: span_of(text, name),
            }],
        }
    }

    fn event(code: &str, source: &str, target: &str, sentence: Span) -> Event {
        let actor = |code: &str| {
            Some(EventActor {
                code: Some(code.into()),
                entity: None,
                name: None,
            })
        };
        Event {
            code: code.into(),
            root: code[..2].into(),
            quad_class: 4,
            goldstein: -10.0,
            plover: None,
            source: actor(source),
            target: actor(target),
            modality: Modality::Asserted,
            date: None,
            location: None,
            trigger: sentence,
            evidence: sentence,
            mentions: Vec::new(),
            confidence: 0.8,
            background: false,
            reported_by: None,
        }
    }

    /// A report with its sentences split at ". ", its entities, one event
    /// per given sentence and its quotes (the text between “ and ”).
    fn report(
        article: i64,
        day: &str,
        text: &str,
        entities: &[(&str, EntityKind, &str)],
        events: &[(&str, &str, &str, &str)],
    ) -> Report {
        let mut analysis = Analysis::from_article(Article {
            id: format!("a{article}"),
            title: Some(format!("Report {article}")),
            text: text.into(),
            published: Some(Published {
                value: day.into(),
                precision: chancery_model::DatePrecision::Day,
                from: "test".into(),
            }),
            ..Article::default()
        });
        let mut start = 0;
        for (i, _) in text.match_indices(". ") {
            analysis.sentences.push(Span::new(start, i + 1));
            start = i + 2;
        }
        analysis.sentences.push(Span::new(start, text.len()));
        analysis.entities = entities
            .iter()
            .enumerate()
            .map(|(i, (name, kind, code))| entity(&format!("e{i}"), name, *kind, code, text))
            .collect();
        analysis.events = events
            .iter()
            .map(|(code, s, t, sentence)| event(code, s, t, span_of(text, sentence)))
            .collect();
        let mut rest = 0;
        while let Some(open) = text[rest..].find('“') {
            let q0 = rest + open + '“'.len_utf8();
            let q1 = q0 + text[q0..].find('”').unwrap();
            analysis.quotes.push(Quote {
                span: Span::new(q0, q1),
                kind: QuoteKind::Direct,
                speaker: None,
                speaker_text: Some("the governor".into()),
                speaker_start: None,
                speaker_end: None,
                cue: None,
                confidence: 0.9,
            });
            rest = q1;
        }
        Report {
            article,
            published: Some(day.into()),
            analysis,
        }
    }

    const FIRST: &str = "A storm hit Valparaiso on Monday. At least 12 people were killed and \
        9,000 homes lost power, officials said. “We are counting the damage,” the governor said.";
    const LATEST: &str = "The death toll from the storm in Valparaiso rose to 31 people on \
        Thursday. Chile asked Argentina for help and 9000 homes are still without power. \
        The Red Cross sent 40 tonnes of food. “We are counting the damage,” the governor said. \
        “Nobody will be left behind,” she added.";

    fn story() -> (Report, Report) {
        let first = report(
            1,
            "2025-06-02",
            FIRST,
            &[("Valparaiso", EntityKind::Place, "CHL")],
            &[(
                "1831",
                "-",
                "CHL",
                "At least 12 people were killed and 9,000 homes lost power, officials said.",
            )],
        );
        let latest = report(
            2,
            "2025-06-05",
            LATEST,
            &[
                ("Valparaiso", EntityKind::Place, "CHL"),
                ("Chile", EntityKind::Country, "CHL"),
                ("Argentina", EntityKind::Country, "ARG"),
                ("Red Cross", EntityKind::Organization, "NGO"),
            ],
            &[
                (
                    "020",
                    "CHL",
                    "ARG",
                    "Chile asked Argentina for help and 9000 homes are still without power.",
                ),
                ("073", "NGO", "CHL", "The Red Cross sent 40 tonnes of food."),
            ],
        );
        (first, latest)
    }

    fn keys(changes: &[Change]) -> Vec<&str> {
        changes.iter().map(|c| c.key.as_str()).collect()
    }

    #[test]
    fn the_latest_reports_tell_what_the_first_did_not() {
        let (first, latest) = story();
        let changes = compare(&[first], &[latest]);
        let new = &changes.appeared;
        assert_eq!(keys(&new.actors), ["red cross"]);
        assert_eq!(keys(&new.places), ["chile", "argentina"]);
        assert_eq!(keys(&new.events), ["020 CHL ARG", "073 NGO CHL"]);
        // 9,000 homes is the same figure written 9000; the toll is new.
        assert_eq!(keys(&new.numbers), ["31 people", "40 tonnes"]);
        assert_eq!(keys(&new.quotes), ["nobody will be left behind"]);
        let gone = &changes.disappeared;
        assert_eq!(keys(&gone.numbers), ["12 people"]);
        assert_eq!(keys(&gone.events), ["1831 - CHL"]);
        assert!(gone.actors.is_empty() && gone.places.is_empty() && gone.quotes.is_empty());
    }

    #[test]
    fn each_change_points_at_the_bytes_that_say_it() {
        let (first, latest) = story();
        let changes = compare(&[first], &[latest]);
        let toll = &changes.appeared.numbers[0];
        assert_eq!(toll.label, "31 people");
        let e = &toll.evidence;
        assert_eq!((e.article, e.field), (2, "text"));
        assert_eq!(&LATEST[e.start..e.end], "31 people");
        assert_eq!(
            e.context.as_deref(),
            Some("The death toll from the storm in Valparaiso rose to 31 people on Thursday.")
        );
        let old = &changes.disappeared.numbers[0].evidence;
        assert_eq!((old.article, &FIRST[old.start..old.end]), (1, "12 people"));
        let quote = &changes.appeared.quotes[0];
        assert_eq!(quote.label, "the governor: “Nobody will be left behind,”");
        assert_eq!(
            &LATEST[quote.evidence.start..quote.evidence.end],
            "Nobody will be left behind,"
        );
        assert_eq!(changes.first[0].article, 1);
        assert_eq!(changes.latest[0].published.as_deref(), Some("2025-06-05"));
    }

    #[test]
    fn the_comparison_is_the_same_every_time_and_one_article_changes_nothing() {
        let (first, latest) = story();
        let (first, latest) = (vec![first], vec![latest]);
        let once = compare(&first, &latest);
        assert_eq!(once, compare(&first, &latest));
        let alone = compare(&first, &first);
        assert!(alone.appeared.is_empty() && alone.disappeared.is_empty());
        assert_eq!(alone.first, alone.latest);
    }

    #[test]
    fn sides_are_the_first_and_last_days() {
        let r = |id: i64, day: Option<&str>| (id, day.map(str::to_string));
        let order = [
            r(3, Some("2025-06-02T08:00:00Z")),
            r(4, Some("2025-06-02T10:00:00Z")),
            r(5, Some("2025-06-03")),
            r(6, Some("2025-06-05")),
            r(9, None),
        ];
        assert_eq!(sides(&order), (vec![3, 4], vec![6]));
        // One day, or none: the earliest and the last article.
        assert_eq!(sides(&order[..2]), (vec![3], vec![4]));
        assert_eq!(sides(&[r(1, None), r(2, None)]), (vec![1], vec![2]));
        assert_eq!(sides(&[]), (vec![], vec![]));
    }

    #[test]
    fn figures_leave_out_years_days_and_times() {
        let text = "On March 3, 2024 at 10:30 the G7 met; 1,250 soldiers and three more \
            tanks crossed, 45% of voters agreed, $2.5 billion was pledged, the 5th round \
            began on 14 May and one of them said 17 more.";
        let found: Vec<(String, String)> = figures(text)
            .into_iter()
            .map(|(s, k)| (text[s.start..s.end].to_string(), k))
            .collect();
        let expect = [
            ("1,250 soldiers", "1250 soldiers"),
            ("three more tanks", "3 tanks"),
            ("$2.5 billion", "2500000000 dollars"),
        ];
        let expect: Vec<(String, String)> = expect
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect();
        assert_eq!(found, expect);
    }
}
