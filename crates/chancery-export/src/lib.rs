//! chancery's corpus in the formats other tools read: GDELT 2.0 Event and
//! Mentions tables and the Global Knowledge Graph 2.1 (tab-separated, in the
//! codebooks' column order), PLOVER event records (the PLOVER manual's
//! fields and vocabulary, checked by [`validate_plover`]) and the analysis
//! contract as JSON Lines, and flat tables (articles, entities, mentions,
//! quotes, events) as CSV or, with the `parquet` feature, Parquet.
//!
//! **No SQL and no I/O beyond the writers it is given.** The store reads
//! articles (`chancery_store::ExportReader`); this crate turns each
//! [`Record`] into rows and writes them to a [`std::io::Write`]. Every writer
//! takes one article or one event at a time, so memory stays flat however
//! large the corpus.
//!
//! # What the GDELT columns hold
//!
//! GDELT's files have no header line, and neither have these unless asked
//! (`header`).
//!
//! - **Events** ([`GdeltEvents`], [`EventTable::Events`]): one row per event
//!   merged across canonical articles by [`MergeKey`] (day, source and target
//!   actor codes, CAMEO code; an event without a day or an actor code stands
//!   alone), and only when at least one actor has a CAMEO code, as GDELT.
//!   `GLOBALEVENTID` a hash of the key below 2^53; `SQLDATE`…`FractionDate`
//!   from the event's own day, else the publication day, else the day the
//!   article was stored (never empty); actor codes as GDELT builds them: an
//!   international actor of the knowledge base's CAMEO actor table gets its
//!   codebook code (`IGOUNO`, `IGOEEC`, `IGOWSTNAT`), countries their CAMEO
//!   spelling (`ROM`), and the code is read into country, known group,
//!   ethnic, religion and type columns; names in capitals; `IsRootEvent` when
//!   the event is in the headline or the lead paragraph; `EventCode`
//!   zero-padded, `EventBaseCode` its first three digits, `EventRootCode` its
//!   first two; `GoldsteinScale` GDELT's own value of the code;
//!   `NumMentions`, `NumSources` (domain), `NumArticles` over all articles
//!   of the event; `AvgTone` the mean tone of those articles;
//!   `ActionGeo_FullName` the event's location as written, `ActionGeo_Type` 1
//!   for a country, 3 or 4 for another place the article names, 0 otherwise;
//!   actor geography, FIPS codes, coordinates and feature ids empty;
//!   `DATEADDED` the 15-minute slot the first article was stored in;
//!   `SOURCEURL` its URL (else its id or file name, never a local path).
//!   Negated and hypothetical events are left out.
//! - **Mentions** ([`EventTable::Mentions`]): one row per article event;
//!   `SentenceID` counts body sentences from 1 (a headline event is placed
//!   at its first body telling, else sentence 1); character offsets (not
//!   bytes) into the body of the actors' mentions nearest the trigger (-1
//!   when an actor has no mention there) and of the trigger; `InRawText` 1
//!   when every actor is named in the sentence itself; `Confidence` the
//!   event's confidence in percent; `MentionSourceName` the domain, or the
//!   file name of a local file; `MentionDocTone` the article's tone;
//!   `Extras` the modality and the article id as XML.
//! - **GKG** ([`Gkg`]): one row per article; `GKGRECORDID` the time stored
//!   and the store's id; `V2.1DATE` the publication time, else the 15-minute
//!   slot stored in; persons, organizations (lower-cased in the V1 fields,
//!   as the codebook's), locations and all names with character offsets into
//!   the body; `V1.5TONE` the analysis's tone, all seven values (empty as a
//!   whole for an analysis made before tone was computed); `V2GCAM` is `wc:`
//!   and the word count; dates from the events; direct and partial quotations
//!   with their verbs; amounts as exact decimals (`8200000000`);
//!   `V2EXTRASXML` the title, authors and each quotation's speaker and actor
//!   code. Counts, themes, images and translation info are empty.
//!
//! ```
//! use chancery_export::{Gkg, Record, GKG_COLUMNS};
//! use chancery_model::{Analysis, Article};
//!
//! # fn main() -> Result<(), chancery_export::ExportError> {
//! let article = Article {
//!     id: "a1".into(),
//!     url: Some("https://news.example.org/story".into()),
//!     text: "The council approved 4,000 homes.".into(),
//!     ..Article::default()
//! };
//! let record = Record {
//!     id: 1,
//!     added: "2025-03-12T08:30:00.000Z".into(),
//!     analysis: Analysis::from_article(article),
//! };
//! let mut gkg = Gkg::new(Vec::new(), false)?;
//! gkg.push(&record)?;
//! let (bytes, rows) = gkg.finish()?;
//! let text = String::from_utf8(bytes).unwrap();
//! let row: Vec<&str> = text.lines().next().unwrap().split('\t').collect();
//! assert_eq!((rows, row.len()), (1, GKG_COLUMNS.len()));
//! assert_eq!(row[0], "20250312083000-1");
//! assert_eq!(row[24], "4000,homes,21");
//! # Ok(())
//! # }
//! ```

#![deny(missing_docs)]

mod cameo;
mod csv;
mod error;
mod format;
mod gdelt;
mod jsonl;
#[cfg(feature = "parquet")]
mod parquet;
mod plover;
mod record;
mod tables;
mod text;
mod xml;

pub use crate::csv::CsvTables;
#[cfg(feature = "parquet")]
pub use crate::parquet::ParquetTables;
pub use error::ExportError;
pub use format::Format;
pub use gdelt::{
    event_id, EventTable, GdeltEvents, Gkg, MergeKey, EVENT_COLUMNS, GKG_COLUMNS, MENTION_COLUMNS,
};
pub use jsonl::JsonLines;
pub use plover::{plover_of_cameo, validate as validate_plover, PloverLines, PLOVER_EXTENSION};
pub use record::Record;
pub use tables::{write_rows, Cell, Column, Kind, PerTable, RowSink, Table};

/// GDELT's Goldstein scale value of a CAMEO event code (its
/// `CAMEO.goldsteinscale.txt`), which the event table writes whatever value
/// the analysis carried; `None` for a code GDELT does not have.
pub fn gdelt_goldstein(code: &str) -> Option<f32> {
    gdelt::goldstein(code)
}

/// The day an event is filed under in GDELT's tables (`SQLDATE`) and merged
/// by: the event's own date when it names a day, else the publication day.
/// `precision` is the JSON name (`day`, `time`…). The store's event walk
/// sorts by the same rule (`chancery_store::event_day`).
pub fn event_day<'a>(value: &'a str, precision: &str) -> Option<&'a str> {
    let precision = match precision {
        "day" => chancery_model::DatePrecision::Day,
        "time" => chancery_model::DatePrecision::Time,
        _ => return None,
    };
    gdelt::event_day(value, precision)
}
