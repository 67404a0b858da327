//! The GDELT 2.0 Event and Mentions tables.
//!
//! GDELT files an event once and lists every article that reports it in the
//! Mentions table. chancery does the same across a corpus: the events of
//! canonical articles (near-duplicates are left out by the store, so a
//! syndicated copy never counts twice) are merged by [`MergeKey`] — the day,
//! the source and target actor codes and the CAMEO code — and NumMentions,
//! NumSources and NumArticles count over every article that reports the
//! event, not only the first batch that saw it as GDELT's do.
//!
//! Merging needs the events of one key to arrive together: callers feed
//! events in key order (the store's `for_each_event` walk), and the writer
//! holds one merged event at a time, so memory stays flat on any corpus.

use std::io::Write;

use chancery_model::{
    DatePrecision, Entity, EntityKind, Event, EventActor, Modality, Span, TextField,
};
use xxhash_rust::xxh3::xxh3_64;

use super::{Tsv, EVENT_COLUMNS, MENTION_COLUMNS};
use crate::cameo;
use crate::record::{char_offset, clean};
use crate::{ExportError, Record};

/// What one merged event is: events of different articles with equal keys
/// are one event. An event is merged only when its day is known and it has
/// at least one actor code; otherwise two reports cannot be told to be the
/// same event, and it stands alone (keyed by its article and position).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct MergeKey {
    /// The day the event took place when the text says (day precision),
    /// else the day of publication (`YYYY-MM-DD`).
    pub day: Option<String>,
    /// The source actor's code.
    pub source: Option<String>,
    /// The target actor's code.
    pub target: Option<String>,
    /// The CAMEO code.
    pub code: String,
    /// For an event that is not merged: its article's id and its position.
    pub alone: Option<(String, usize)>,
}

impl MergeKey {
    /// The key of the `index`-th event of a record.
    pub fn of(record: &Record, index: usize) -> Option<MergeKey> {
        let event = record.analysis.events.get(index)?;
        let day = event_day_of(record, event);
        let source = actor_code(event.source.as_ref());
        let target = actor_code(event.target.as_ref());
        let alone = (day.is_none() || (source.is_none() && target.is_none()))
            .then(|| (record.article().id.clone(), index));
        Some(MergeKey {
            day,
            source,
            target,
            code: event.code.clone(),
            alone,
        })
    }

    /// The part of the key events are sorted by.
    fn order(&self) -> (&Option<String>, &Option<String>, &Option<String>, &str) {
        (&self.day, &self.source, &self.target, &self.code)
    }
}

/// The GLOBALEVENTID of a merged event: a hash of its key, so the same event
/// keeps its id across exports and corpora. 53 bits, positive: below 2^53,
/// so R, Excel and JavaScript hold every id exactly.
pub fn event_id(key: &MergeKey) -> i64 {
    let text = match &key.alone {
        Some((article, index)) => format!("article\u{1f}{article}\u{1f}{index}"),
        None => format!(
            "{}\u{1f}{}\u{1f}{}\u{1f}{}",
            key.day.as_deref().unwrap_or(""),
            key.source.as_deref().unwrap_or(""),
            key.target.as_deref().unwrap_or(""),
            key.code
        ),
    };
    (xxh3_64(text.as_bytes()) >> 11) as i64
}

/// The day rule of the store's event walk (`chancery_store::event_day`),
/// over the analysis: the first ten characters of an ISO value of day or
/// time precision that read `YYYY-MM-DD`.
pub(crate) fn event_day(value: &str, precision: DatePrecision) -> Option<&str> {
    if !matches!(precision, DatePrecision::Day | DatePrecision::Time) {
        return None;
    }
    let day = value.get(..10)?;
    let shaped = day.bytes().enumerate().all(|(i, b)| match i {
        4 | 7 => b == b'-',
        _ => b.is_ascii_digit(),
    });
    shaped.then_some(day)
}

/// The day of an event: its own date, else the article's publication date.
pub(crate) fn event_day_of(record: &Record, event: &Event) -> Option<String> {
    let own = event
        .date
        .as_ref()
        .and_then(|d| event_day(&d.value, d.precision));
    let published = record
        .article()
        .published
        .as_ref()
        .and_then(|p| event_day(&p.value, p.precision));
    own.or(published).map(String::from)
}

fn actor_code(actor: Option<&EventActor>) -> Option<String> {
    actor.and_then(|a| a.code.clone()).filter(|c| !c.is_empty())
}

/// Which of GDELT's two event tables to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventTable {
    /// One row per merged event (61 columns).
    Events,
    /// One row per article event of each merged event (16 columns).
    Mentions,
}

/// Writes the GDELT Event or Mentions table from events fed in merge-key
/// order. Negated and hypothetical events are left out: GDELT's tables hold
/// events said to have happened (or to be planned), with no column to say
/// otherwise. So are events where neither actor has a CAMEO code: GDELT
/// never files one.
#[derive(Debug)]
pub struct GdeltEvents<W: Write> {
    table: EventTable,
    tsv: Tsv<W>,
    group: Option<Group>,
    rows: u64,
}

/// The merged event being gathered.
#[derive(Debug)]
struct Group {
    key: MergeKey,
    /// The Event row of the first article, counts still to fill.
    row: Vec<String>,
    added: String,
    /// The sum and count of the tones of the articles that report it.
    tone: (f64, u32),
    mentions: u64,
    articles: Vec<i64>,
    sources: Vec<String>,
    /// Mentions rows, EventTimeDate still to fill.
    mention_rows: Vec<Vec<String>>,
}

const NUM_MENTIONS: usize = 31;
const NUM_SOURCES: usize = 32;
const NUM_ARTICLES: usize = 33;
const AVG_TONE: usize = 34;

/// A tone value as GDELT writes it: a plain decimal (six places at most,
/// trailing zeros cut).
pub(crate) fn decimal(x: f64) -> String {
    let text = format!("{:.6}", (x * 1e6).round() / 1e6);
    let text = text.trim_end_matches('0').trim_end_matches('.');
    if text == "-0" {
        "0".to_string()
    } else {
        text.to_string()
    }
}

impl<W: Write> GdeltEvents<W> {
    /// A writer of `table` to `out`, with GDELT's column names as a first
    /// line when `header` is set (GDELT's own files have none).
    pub fn new(table: EventTable, out: W, header: bool) -> Result<GdeltEvents<W>, ExportError> {
        let columns: &[&str] = match table {
            EventTable::Events => &EVENT_COLUMNS,
            EventTable::Mentions => &MENTION_COLUMNS,
        };
        Ok(GdeltEvents {
            table,
            tsv: Tsv::new(out, columns, header)?,
            group: None,
            rows: 0,
        })
    }

    /// Adds the `index`-th event of `record`. Events must come in merge-key
    /// order (day, source code, target code, CAMEO code; missing values
    /// first), the earliest stored article first within a key.
    pub fn push(&mut self, record: &Record, index: usize) -> Result<(), ExportError> {
        let Some(event) = record.analysis.events.get(index) else {
            return Err(ExportError::Inconsistent {
                problem: format!(
                    "article {} has no event {index} in its analysis but one in the events table",
                    record.id
                ),
            });
        };
        if matches!(event.modality, Modality::Negated | Modality::Hypothetical) {
            return Ok(());
        }
        let codes = [
            gdelt_actor(record, event.source.as_ref()),
            gdelt_actor(record, event.target.as_ref()),
        ];
        if codes.iter().all(|c| c.code.is_empty()) {
            return Ok(());
        }
        let key = MergeKey::of(record, index).expect("the event exists");
        if let Some(group) = &self.group {
            if key.order() < group.key.order() {
                return Err(ExportError::Inconsistent {
                    problem: format!(
                        "events arrived out of merge order ({:?} after {:?})",
                        key.order(),
                        group.key.order()
                    ),
                });
            }
        }
        if self.group.as_ref().is_some_and(|g| g.key != key) {
            self.flush()?;
        }
        let source = record.short_source();
        let group = match &mut self.group {
            Some(group) => group,
            None => {
                let id = event_id(&key);
                let row = match self.table {
                    EventTable::Events => event_row(id, &key, record, index, &codes),
                    EventTable::Mentions => Vec::new(),
                };
                self.group.insert(Group {
                    key,
                    row,
                    added: record.added_slot(),
                    tone: (0.0, 0),
                    mentions: 0,
                    articles: Vec::new(),
                    sources: Vec::new(),
                    mention_rows: Vec::new(),
                })
            }
        };
        group.mentions += event.mentions.len().max(1) as u64;
        if group.articles.last() != Some(&record.id) && !group.articles.contains(&record.id) {
            group.articles.push(record.id);
            if let Some(tone) = record.analysis.tone.as_ref().and_then(|t| t.tone) {
                group.tone.0 += tone;
                group.tone.1 += 1;
            }
        }
        if !group.sources.contains(&source) {
            group.sources.push(source);
        }
        if self.table == EventTable::Mentions {
            group
                .mention_rows
                .push(mention_row(event_id(&group.key), record, event));
        }
        Ok(())
    }

    /// Writes the last merged event and returns the writer, flushed, with
    /// the number of rows written (the header not counted).
    pub fn finish(mut self) -> Result<(W, u64), ExportError> {
        self.flush()?;
        Ok((self.tsv.finish()?, self.rows))
    }

    fn flush(&mut self) -> Result<(), ExportError> {
        let Some(mut group) = self.group.take() else {
            return Ok(());
        };
        match self.table {
            EventTable::Events => {
                group.row[NUM_MENTIONS] = group.mentions.to_string();
                group.row[NUM_SOURCES] = group.sources.len().to_string();
                group.row[NUM_ARTICLES] = group.articles.len().to_string();
                if group.tone.1 > 0 {
                    group.row[AVG_TONE] = decimal(group.tone.0 / f64::from(group.tone.1));
                }
                self.tsv.row(group.row.iter().map(String::as_str))?;
                self.rows += 1;
            }
            EventTable::Mentions => {
                for mut row in group.mention_rows {
                    row[1] = group.added.clone();
                    self.tsv.row(row.iter().map(String::as_str))?;
                    self.rows += 1;
                }
            }
        }
        Ok(())
    }
}

/// The Event row of a merged event as its first article tells it; the
/// counts and the average tone are filled when the last article has been
/// seen.
fn event_row(
    id: i64,
    key: &MergeKey,
    record: &Record,
    index: usize,
    codes: &[GdeltActor; 2],
) -> Vec<String> {
    let event = &record.analysis.events[index];
    let mut row = Vec::with_capacity(EVENT_COLUMNS.len());
    row.push(id.to_string());
    // The event's day, else the publication day (both in the key), else the
    // day it was stored: GDELT leaves no date empty.
    let day = key.day.clone().or_else(|| record.added_day());
    row.extend(date_fields(day.as_deref()));
    row.extend(actor_fields(&codes[0]));
    row.extend(actor_fields(&codes[1]));
    row.push(u8::from(record.in_lead(&event.evidence)).to_string());
    let code = event.code.as_str();
    row.push(code.to_string());
    row.push(code.get(..3).unwrap_or(code).to_string());
    row.push(code.get(..2).unwrap_or(code).to_string());
    row.push(event.quad_class.to_string());
    // GDELT's own Goldstein value of the code, whatever scale the analysis
    // carried.
    let goldstein = super::goldstein::goldstein(code).unwrap_or(event.goldstein);
    row.push(format!("{goldstein:.1}"));
    // NumMentions, NumSources, NumArticles, AvgTone: filled at the end.
    row.extend([String::new(), String::new(), String::new(), String::new()]);
    // Resolved places where the analysis has them (schema version 3 on),
    // else the action's name as the text gave it.
    match super::geo::event_blocks(record, index) {
        Some([actor1, actor2, action]) => {
            row.extend(actor1.unwrap_or_else(no_geo));
            row.extend(actor2.unwrap_or_else(no_geo));
            row.extend(action.unwrap_or_else(no_geo));
        }
        None => {
            row.extend(no_geo());
            row.extend(no_geo());
            row.extend(action_geo(record, event));
        }
    }
    row.push(record.added_slot());
    row.push(record.gdelt_identifier().1);
    debug_assert_eq!(row.len(), EVENT_COLUMNS.len());
    row
}

/// SQLDATE, MonthYear, Year and FractionDate of a `YYYY-MM-DD` day.
fn date_fields(day: Option<&str>) -> [String; 4] {
    let Some(day) = day else {
        return Default::default();
    };
    let number = |range: std::ops::Range<usize>| day.get(range).and_then(|s| s.parse::<u32>().ok());
    let (Some(year), Some(month), Some(date)) = (number(0..4), number(5..7), number(8..10)) else {
        return Default::default();
    };
    // The codebook's approximation: YYYY + (MONTH * 30 + DAY) / 365.
    let fraction = f64::from(year) + f64::from(month * 30 + date) / 365.0;
    [
        format!("{year:04}{month:02}{date:02}"),
        format!("{year:04}{month:02}"),
        format!("{year:04}"),
        format!("{fraction:.4}"),
    ]
}

/// An event actor as GDELT codes it: the full CAMEO code and the name.
#[derive(Debug, Default)]
pub(crate) struct GdeltActor {
    /// The CAMEO actor code (empty when there is none).
    pub code: String,
    /// The name in capitals, as GDELT writes names.
    pub name: String,
    /// The entity's CAMEO country code, when it has a country.
    pub country: Option<String>,
}

/// The CAMEO code of an event actor as GDELT builds it: the code of the
/// knowledge base's CAMEO actor table when the entity is one of its
/// international actors (the UN is `IGOUNO`, not `IGO`), else the coder's
/// code, else the entity's own actor code, else its country; country parts
/// in CAMEO's spelling (`ROM`, not `ROU`).
pub(crate) fn gdelt_actor(record: &Record, actor: Option<&EventActor>) -> GdeltActor {
    let Some(actor) = actor else {
        return GdeltActor::default();
    };
    let entity = record.entity(actor.entity.as_ref());
    // Only an organization or a group can be one of the table's actors (a
    // person or a place that shares a name with one is not).
    let named = entity
        .filter(|e| matches!(e.kind, EntityKind::Organization | EntityKind::Group))
        .and_then(|e| {
            std::iter::once(&e.name)
                .chain(&e.aliases)
                .find_map(|n| cameo::named_actor(n))
        });
    let code = named
        .map(String::from)
        .or_else(|| actor.code.clone().filter(|c| !c.is_empty()))
        .or_else(|| {
            entity
                .and_then(|e| e.actor_code.clone())
                .filter(|c| !c.is_empty())
        })
        .or_else(|| entity.and_then(|e| e.country.clone()))
        .map(|c| cameo::cameo_code(&clean(&c, &[])))
        .unwrap_or_default();
    GdeltActor {
        code,
        name: entity
            .map(|e| clean(&e.name, &[]).to_uppercase())
            .unwrap_or_default(),
        country: entity
            .and_then(|e| e.country.as_deref())
            .map(|iso| cameo::country(iso).to_string()),
    }
}

/// Actor*Code … Actor*Type3Code: the code, the name, and the code read into
/// country, known group, ethnic, religion and type codes.
fn actor_fields(actor: &GdeltActor) -> [String; 10] {
    let mut fields: [String; 10] = Default::default();
    if actor.code.is_empty() {
        return fields;
    }
    let parts = cameo::parts(&actor.code);
    fields[0] = actor.code.clone();
    fields[1] = actor.name.clone();
    // An international actor has no country even when its entity has a
    // seat: GDELT files the UN under no country.
    fields[2] = parts
        .country
        .clone()
        .or_else(|| {
            let international = parts
                .types
                .first()
                .is_some_and(|t| matches!(t.as_str(), "IGO" | "NGO" | "NGM" | "IMG" | "MNC"));
            (!international && actor.code.len() <= 3)
                .then(|| actor.country.clone())
                .flatten()
        })
        .unwrap_or_default();
    fields[3] = parts.group.unwrap_or_default();
    fields[4] = parts.ethnic.unwrap_or_default();
    for (slot, religion) in fields[5..7].iter_mut().zip(parts.religions) {
        *slot = religion;
    }
    for (slot, kind) in fields[7..10].iter_mut().zip(parts.types) {
        *slot = kind;
    }
    fields
}

fn no_geo() -> [String; 8] {
    let mut geo: [String; 8] = Default::default();
    geo[0] = "0".into();
    geo
}

/// ActionGeo_*: the event's location as the text names it. The type is 1
/// for a country, 3 or 4 (a place in or outside the US) for another place
/// the article names, 0 when the name is not one of its entities; GDELT's
/// FIPS codes, coordinates and feature ids are not known.
fn action_geo(record: &Record, event: &Event) -> [String; 8] {
    let mut geo = no_geo();
    let Some(location) = event.location.as_deref().filter(|l| !l.trim().is_empty()) else {
        return geo;
    };
    let entity = record
        .analysis
        .entities
        .iter()
        .find(|e| e.name == location || e.aliases.iter().any(|a| a == location));
    geo[0] = geo_type(entity).to_string();
    geo[1] = clean(location, &[]);
    geo
}

/// GDELT's geographic type of an entity: 1 country, 3 US place, 4 other
/// place, 0 otherwise.
pub(crate) fn geo_type(entity: Option<&Entity>) -> u8 {
    match entity {
        Some(e) if e.kind == EntityKind::Country => 1,
        Some(e) if e.kind == EntityKind::Place => {
            if e.country.as_deref() == Some("USA") {
                3
            } else {
                4
            }
        }
        _ => 0,
    }
}

/// One Mentions row; EventTimeDate (the merged event's DATEADDED) is filled
/// when the merged event is complete. Positions are in the body, as GDELT's
/// are: an event read from the headline is placed at the first body
/// sentence that tells it again, else at sentence 1 with no actor offsets.
fn mention_row(id: i64, record: &Record, event: &Event) -> Vec<String> {
    let (kind, identifier) = record.gdelt_identifier();
    let (evidence, trigger) = if event.evidence.field == TextField::Text {
        (Some(event.evidence), event.trigger.start)
    } else {
        let again = event
            .mentions
            .iter()
            .find(|m| m.field == TextField::Text)
            .copied();
        (again, again.map_or(0, |m| m.start))
    };
    let (sentence, source, target) = match evidence {
        Some(evidence) => (
            record.sentence_number(&evidence).max(1),
            actor_offset(record, evidence, trigger, event.source.as_ref()),
            actor_offset(record, evidence, trigger, event.target.as_ref()),
        ),
        None => (1, None, None),
    };
    // In the raw text: every actor with a place in the text is named in the
    // evidence sentence itself (not only resolved from elsewhere).
    let in_raw = [source, target]
        .iter()
        .all(|o| o.is_none_or(|(_, inside)| inside));
    let offset = |o: Option<(usize, bool)>| o.map_or("-1".to_string(), |(at, _)| at.to_string());
    let text = &record.article().text;
    let modality = crate::tables::modality_name(event.modality);
    let row = vec![
        id.to_string(),
        String::new(),
        record.added_slot(),
        kind.to_string(),
        clean(&record.short_source(), &[]),
        clean(&identifier, &[]),
        sentence.to_string(),
        offset(source),
        offset(target),
        record.chars_at(TextField::Text, trigger).to_string(),
        u8::from(in_raw).to_string(),
        ((event.confidence * 100.0).round().clamp(0.0, 100.0) as u32).to_string(),
        char_offset(text, text.len()).to_string(),
        record
            .analysis
            .tone
            .as_ref()
            .and_then(|t| t.tone)
            .map(decimal)
            .unwrap_or_default(),
        // MentionDocTranslationInfo: nothing is machine-translated.
        String::new(),
        format!(
            "<MODALITY>{modality}</MODALITY><ARTICLE>{}</ARTICLE>",
            crate::xml::escape(&record.article().id)
        ),
    ];
    debug_assert_eq!(row.len(), MENTION_COLUMNS.len());
    row
}

/// The character offset in the body of the actor's mention nearest the
/// trigger, and whether it lies in the evidence sentence. `None` when the
/// actor has no entity with a mention in the body.
fn actor_offset(
    record: &Record,
    evidence: Span,
    trigger: usize,
    actor: Option<&EventActor>,
) -> Option<(usize, bool)> {
    let entity = record.entity(actor?.entity.as_ref())?;
    let inside = |start: usize| start >= evidence.start && start < evidence.end;
    let best = entity
        .mentions
        .iter()
        .map(|m| m.span)
        .filter(|span| span.field == TextField::Text)
        .min_by_key(|span| (!inside(span.start), span.start.abs_diff(trigger)))?;
    Some((
        record.chars_at(TextField::Text, best.start),
        inside(best.start),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_follow_the_codebook() {
        assert_eq!(
            date_fields(Some("2025-03-12")),
            [
                "20250312".to_string(),
                "202503".into(),
                "2025".into(),
                "2025.2795".into()
            ]
        );
        assert_eq!(date_fields(None), <[String; 4]>::default());
    }

    #[test]
    fn ids_are_stable_positive_and_below_two_to_the_53() {
        let key = MergeKey {
            day: Some("2025-03-12".into()),
            source: Some("FRA".into()),
            target: Some("DEU".into()),
            code: "057".into(),
            alone: None,
        };
        assert_eq!(event_id(&key), event_id(&key.clone()));
        assert!(event_id(&key) > 0 && event_id(&key) < 1 << 53);
        let other = MergeKey {
            code: "056".into(),
            ..key.clone()
        };
        assert_ne!(event_id(&key), event_id(&other));
        for i in 0..1000 {
            let key = MergeKey {
                alone: Some((format!("a{i}"), i)),
                ..key.clone()
            };
            assert!(event_id(&key) < 1 << 53);
        }
    }

    #[test]
    fn tones_are_plain_decimals() {
        assert_eq!(decimal(-1.25), "-1.25");
        assert_eq!(decimal(2.0), "2");
        assert_eq!(decimal(1.0 / 3.0), "0.333333");
        assert_eq!(decimal(-0.0000001), "0");
    }
}
