//! The corpus as flat tables for pandas, Polars, DuckDB or Spark: articles,
//! entities, entity mentions, quotes and events, one row per item, joined by
//! the article id (`article`) and the document-local entity id (`entity`,
//! `e1`…). Offsets are UTF-8 byte offsets into the article's `text` (or its
//! title, where `field` says `title`), as in the JSON contract. The store
//! keeps no stories yet, so there is no stories table.

use std::borrow::Cow;

use chancery_model::{DatePrecision, EntityKind, Modality, QuoteKind, TextField};

use crate::gdelt::{event_day_of, event_id, MergeKey};
use crate::text::words;
use crate::{ExportError, Record};

/// One of the tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Table {
    /// One row per article.
    Articles,
    /// One row per entity of an article.
    Entities,
    /// One row per mention of an entity.
    Mentions,
    /// One row per quote.
    Quotes,
    /// One row per event of an article (not merged across articles; the
    /// `gdelt_event_id` column names the merged event).
    Events,
}

impl Table {
    /// Every table, in the order they are written.
    pub const ALL: [Table; 5] = [
        Table::Articles,
        Table::Entities,
        Table::Mentions,
        Table::Quotes,
        Table::Events,
    ];

    /// The table's name, which is also its file's stem.
    pub fn name(self) -> &'static str {
        match self {
            Table::Articles => "articles",
            Table::Entities => "entities",
            Table::Mentions => "mentions",
            Table::Quotes => "quotes",
            Table::Events => "events",
        }
    }

    /// The table's columns, in order.
    pub fn columns(self) -> &'static [Column] {
        match self {
            Table::Articles => ARTICLES,
            Table::Entities => ENTITIES,
            Table::Mentions => MENTIONS,
            Table::Quotes => QUOTES,
            Table::Events => EVENTS,
        }
    }
}

/// One table per [`Table`]: the writers or buffers of a multi-table format.
#[derive(Debug)]
pub struct PerTable<T> {
    items: [T; 5],
}

impl<T> PerTable<T> {
    /// One `T` per table, made in [`Table::ALL`] order; stops at the first
    /// error.
    pub fn try_new<E>(mut make: impl FnMut(Table) -> Result<T, E>) -> Result<PerTable<T>, E> {
        let [a, b, c, d, e] = Table::ALL;
        Ok(PerTable {
            items: [make(a)?, make(b)?, make(c)?, make(d)?, make(e)?],
        })
    }

    /// The item of a table.
    pub fn get_mut(&mut self, table: Table) -> &mut T {
        &mut self.items[table as usize]
    }

    /// The items with their tables.
    pub fn into_tables(self) -> impl Iterator<Item = (Table, T)> {
        Table::ALL.into_iter().zip(self.items)
    }
}

/// The type of a column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// UTF-8 text.
    Text,
    /// A 64-bit integer.
    Int,
    /// A 64-bit float.
    Float,
    /// True or false.
    Bool,
}

/// A column: its name and type. Every column may be empty (null).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    /// The name.
    pub name: &'static str,
    /// The type.
    pub kind: Kind,
}

const fn text(name: &'static str) -> Column {
    Column {
        name,
        kind: Kind::Text,
    }
}
const fn int(name: &'static str) -> Column {
    Column {
        name,
        kind: Kind::Int,
    }
}
const fn float(name: &'static str) -> Column {
    Column {
        name,
        kind: Kind::Float,
    }
}
const fn boolean(name: &'static str) -> Column {
    Column {
        name,
        kind: Kind::Bool,
    }
}

const ARTICLES: &[Column] = &[
    text("article"),
    int("store_id"),
    text("external_id"),
    text("url"),
    text("canonical_url"),
    text("site"),
    text("source"),
    text("title"),
    text("authors"),
    text("published"),
    text("published_precision"),
    text("language"),
    text("description"),
    int("words"),
    boolean("stub"),
    boolean("truncated"),
    int("entities"),
    int("quotes"),
    int("events"),
    text("added"),
    text("text"),
];

const ENTITIES: &[Column] = &[
    text("article"),
    text("entity"),
    text("name"),
    text("kind"),
    text("country"),
    text("actor_code"),
    text("aliases"),
    text("roles"),
    int("mentions"),
];

const MENTIONS: &[Column] = &[
    text("article"),
    text("entity"),
    int("start"),
    int("end"),
    text("field"),
    text("text"),
];

const QUOTES: &[Column] = &[
    text("article"),
    int("quote"),
    text("kind"),
    int("start"),
    int("end"),
    text("field"),
    text("text"),
    text("speaker"),
    text("speaker_name"),
    text("speaker_text"),
    text("cue"),
    int("cue_start"),
    int("cue_end"),
    float("confidence"),
];

const EVENTS: &[Column] = &[
    text("article"),
    int("event"),
    int("gdelt_event_id"),
    text("code"),
    text("base_code"),
    text("root"),
    int("quad_class"),
    float("goldstein"),
    text("plover_type"),
    text("plover_mode"),
    text("source_code"),
    text("source_entity"),
    text("source_name"),
    text("target_code"),
    text("target_entity"),
    text("target_name"),
    text("modality"),
    text("date"),
    text("date_precision"),
    text("date_text"),
    text("day"),
    text("location"),
    text("field"),
    int("trigger_start"),
    int("trigger_end"),
    text("trigger"),
    int("evidence_start"),
    int("evidence_end"),
    text("evidence"),
    int("sentence"),
    int("mentions"),
    float("confidence"),
];

/// One value of a row.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell<'a> {
    /// No value.
    Null,
    /// Text.
    Text(Cow<'a, str>),
    /// An integer.
    Int(i64),
    /// A float.
    Float(f64),
    /// A boolean.
    Bool(bool),
}

impl<'a> From<&'a str> for Cell<'a> {
    fn from(value: &'a str) -> Cell<'a> {
        Cell::Text(Cow::Borrowed(value))
    }
}

impl<'a> From<&'a String> for Cell<'a> {
    fn from(value: &'a String) -> Cell<'a> {
        Cell::Text(Cow::Borrowed(value))
    }
}

impl From<String> for Cell<'_> {
    fn from(value: String) -> Self {
        Cell::Text(Cow::Owned(value))
    }
}

impl<'a, T: Into<Cell<'a>>> From<Option<T>> for Cell<'a> {
    fn from(value: Option<T>) -> Cell<'a> {
        value.map_or(Cell::Null, Into::into)
    }
}

impl From<i64> for Cell<'_> {
    fn from(value: i64) -> Self {
        Cell::Int(value)
    }
}

impl From<usize> for Cell<'_> {
    fn from(value: usize) -> Self {
        Cell::Int(value as i64)
    }
}

/// An `f32` as the decimal it was written as: `-9.2`, not the
/// `-9.199999809265137` a widening cast gives, so Parquet's doubles compare
/// equal to the values in the text formats.
pub(crate) fn decimal_f64(x: f32) -> f64 {
    x.to_string().parse().unwrap_or(f64::from(x))
}

impl From<f32> for Cell<'_> {
    fn from(value: f32) -> Self {
        Cell::Float(decimal_f64(value))
    }
}

impl From<f64> for Cell<'_> {
    fn from(value: f64) -> Self {
        Cell::Float(value)
    }
}

impl From<bool> for Cell<'_> {
    fn from(value: bool) -> Self {
        Cell::Bool(value)
    }
}

/// Where the rows of the tables go: a CSV folder, Parquet files.
pub trait RowSink {
    /// Takes one row of `table`, its cells in the table's column order.
    fn row(&mut self, table: Table, cells: &[Cell<'_>]) -> Result<(), ExportError>;
}

/// Sends the rows of one article to `sink`: its article row, then its
/// entities, mentions, quotes and events.
pub fn write_rows(record: &Record, sink: &mut impl RowSink) -> Result<(), ExportError> {
    let analysis = &record.analysis;
    let article = record.article();
    let doc = article.id.as_str();
    let words = words(&article.text).count();
    let authors = serde_json::to_string(&article.authors).map_err(std::io::Error::from)?;
    sink.row(
        Table::Articles,
        &[
            doc.into(),
            record.id.into(),
            article.external_id.as_ref().into(),
            article.url.as_ref().into(),
            article.canonical_url.as_ref().into(),
            article.site.as_ref().into(),
            article.source.as_ref().into(),
            article.title.as_ref().into(),
            authors.into(),
            article.published.as_ref().map(|p| &p.value).into(),
            article
                .published
                .as_ref()
                .map(|p| precision_name(p.precision))
                .into(),
            article.language.as_ref().into(),
            article.description.as_ref().into(),
            words.into(),
            article.flags.stub.into(),
            article.flags.truncated.into(),
            analysis.entities.len().into(),
            analysis.quotes.len().into(),
            analysis.events.len().into(),
            record.added.as_str().into(),
            article.text.as_str().into(),
        ],
    )?;

    for entity in &analysis.entities {
        let aliases = serde_json::to_string(&entity.aliases).map_err(std::io::Error::from)?;
        let roles = serde_json::to_string(&entity.roles).map_err(std::io::Error::from)?;
        sink.row(
            Table::Entities,
            &[
                doc.into(),
                entity.id.as_str().into(),
                entity.name.as_str().into(),
                kind_name(entity.kind).into(),
                entity.country.as_ref().into(),
                entity.actor_code.as_ref().into(),
                aliases.into(),
                roles.into(),
                entity.mentions.len().into(),
            ],
        )?;
        for mention in &entity.mentions {
            sink.row(
                Table::Mentions,
                &[
                    doc.into(),
                    entity.id.as_str().into(),
                    mention.span.start.into(),
                    mention.span.end.into(),
                    field_name(mention.span.field).into(),
                    record.span_text(&mention.span).into(),
                ],
            )?;
        }
    }

    for (index, quote) in analysis.quotes.iter().enumerate() {
        let speaker = record.entity(quote.speaker.as_ref());
        let kind = match quote.kind {
            QuoteKind::Direct => "direct",
            QuoteKind::Partial => "partial",
            QuoteKind::Indirect => "indirect",
        };
        sink.row(
            Table::Quotes,
            &[
                doc.into(),
                (index + 1).into(),
                kind.into(),
                quote.span.start.into(),
                quote.span.end.into(),
                field_name(quote.span.field).into(),
                record.span_text(&quote.span).into(),
                quote.speaker.as_ref().into(),
                speaker.map(|e| e.name.as_str()).into(),
                quote.speaker_text.as_ref().into(),
                quote.cue.as_ref().map(|c| c.text.as_str()).into(),
                quote.cue.as_ref().map(|c| c.start).into(),
                quote.cue.as_ref().map(|c| c.end).into(),
                quote.confidence.into(),
            ],
        )?;
    }

    for (index, event) in analysis.events.iter().enumerate() {
        let key = MergeKey::of(record, index).expect("the event exists");
        let source = event.source.as_ref();
        let target = event.target.as_ref();
        let name = |actor: Option<&chancery_model::EventActor>| {
            record
                .entity(actor.and_then(|a| a.entity.as_ref()))
                .map(|e| e.name.as_str())
        };
        let code = event.code.as_str();
        sink.row(
            Table::Events,
            &[
                doc.into(),
                (index + 1).into(),
                event_id(&key).into(),
                code.into(),
                code.get(..3).unwrap_or(code).into(),
                event.root.as_str().into(),
                i64::from(event.quad_class).into(),
                event.goldstein.into(),
                event.plover.as_ref().map(|p| p.event_type.as_str()).into(),
                event.plover.as_ref().and_then(|p| p.mode.as_deref()).into(),
                source.and_then(|a| a.code.as_ref()).into(),
                source.and_then(|a| a.entity.as_ref()).into(),
                name(source).into(),
                target.and_then(|a| a.code.as_ref()).into(),
                target.and_then(|a| a.entity.as_ref()).into(),
                name(target).into(),
                modality_name(event.modality).into(),
                event.date.as_ref().map(|d| &d.value).into(),
                event
                    .date
                    .as_ref()
                    .map(|d| precision_name(d.precision))
                    .into(),
                event.date.as_ref().and_then(|d| d.text.as_ref()).into(),
                event_day_of(record, event).into(),
                event.location.as_ref().into(),
                field_name(event.evidence.field).into(),
                event.trigger.start.into(),
                event.trigger.end.into(),
                record.span_text(&event.trigger).into(),
                event.evidence.start.into(),
                event.evidence.end.into(),
                record.span_text(&event.evidence).into(),
                record.sentence_number(&event.evidence).into(),
                event.mentions.len().max(1).into(),
                event.confidence.into(),
            ],
        )?;
    }
    Ok(())
}

fn field_name(field: TextField) -> &'static str {
    match field {
        TextField::Text => "text",
        TextField::Title => "title",
    }
}

fn kind_name(kind: EntityKind) -> &'static str {
    match kind {
        EntityKind::Person => "person",
        EntityKind::Organization => "organization",
        EntityKind::Country => "country",
        EntityKind::Place => "place",
        EntityKind::Group => "group",
    }
}

fn precision_name(precision: DatePrecision) -> &'static str {
    match precision {
        DatePrecision::Year => "year",
        DatePrecision::Month => "month",
        DatePrecision::Week => "week",
        DatePrecision::Day => "day",
        DatePrecision::Time => "time",
    }
}

pub(crate) fn modality_name(modality: Modality) -> &'static str {
    match modality {
        Modality::Asserted => "asserted",
        Modality::Planned => "planned",
        Modality::Reported => "reported",
        Modality::Negated => "negated",
        Modality::Hypothetical => "hypothetical",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floats_are_the_decimals_written_not_widened_f32() {
        assert_eq!(Cell::from(-9.2_f32), Cell::Float(-9.2));
        assert_eq!(Cell::from(0.9_f32), Cell::Float(0.9));
        assert_eq!(decimal_f64(3.4), 3.4);
    }
}
