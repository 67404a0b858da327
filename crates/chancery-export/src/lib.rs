//! chancery's corpus in the formats other tools read: GDELT 2.0 Event and
//! Mentions tables and the Global Knowledge Graph 2.1 (tab-separated, in the
//! codebooks' column order), PLOVER-style event records and the analysis
//! contract as JSON Lines, and flat tables (articles, entities, mentions,
//! quotes, events) as CSV or, with the `parquet` feature, Parquet.
//!
//! **No SQL and no I/O beyond the writers it is given.** The store reads
//! articles (`chancery_store::ExportReader`); this crate turns each
//! [`Record`] into rows and writes them to a [`std::io::Write`]. Every writer
//! takes one article or one event at a time, so memory stays flat however
//! large the corpus.
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
//! let mut gkg = Gkg::new(Vec::new(), true)?;
//! gkg.push(&record)?;
//! let (bytes, rows) = gkg.finish()?;
//! let text = String::from_utf8(bytes).unwrap();
//! let row: Vec<&str> = text.lines().nth(1).unwrap().split('\t').collect();
//! assert_eq!((rows, row.len()), (1, GKG_COLUMNS.len()));
//! assert_eq!(row[0], "20250312083000-1");
//! assert_eq!(row[24], "4000,homes,21");
//! # Ok(())
//! # }
//! ```

#![deny(missing_docs)]

mod amounts;
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
pub use plover::PloverLines;
pub use record::Record;
pub use tables::{write_rows, Cell, Column, Kind, PerTable, RowSink, Table};

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
