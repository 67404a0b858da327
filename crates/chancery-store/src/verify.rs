//! Checking a store: SQLite's own integrity check, and every article's
//! content against the checksum taken when it was written, which catches
//! damage SQLite cannot see (a same-length overwrite inside a text).

use std::path::Path;

use rusqlite::{params, Connection, Transaction};
use xxhash_rust::xxh3::Xxh3;

use crate::StoreError;

/// The table of content checksums, created beside the articles on first
/// write; stores written before it existed have none for their articles.
pub(crate) const CHECKSUMS_TABLE: &str = "CREATE TABLE IF NOT EXISTS content_checksums (
    article  INTEGER PRIMARY KEY REFERENCES articles(id),
    checksum INTEGER NOT NULL
);";

/// The checksum of what an article row holds: title, text and the stored
/// analysis (the bytes of the column: a blob since version 4, JSON text
/// before), each length-prefixed so that moving bytes between them
/// changes it.
pub fn content_checksum(title: Option<&str>, text: &str, analysis: &[u8]) -> i64 {
    let mut hasher = Xxh3::new();
    for part in [
        title.unwrap_or("\u{0}").as_bytes(),
        text.as_bytes(),
        analysis,
    ] {
        hasher.update(&(part.len() as u64).to_le_bytes());
        hasher.update(part);
    }
    hasher.digest() as i64
}

/// The bytes of a text or blob column (an analysis is JSON text before
/// schema version 4 and a blob since).
pub(crate) fn column_bytes(value: rusqlite::types::ValueRef<'_>) -> &[u8] {
    match value {
        rusqlite::types::ValueRef::Text(bytes) | rusqlite::types::ValueRef::Blob(bytes) => bytes,
        _ => &[],
    }
}

/// Records the checksum of article `id` in the write transaction.
pub(crate) fn record(
    tx: &Transaction<'_>,
    id: i64,
    title: Option<&str>,
    text: &str,
    analysis: &[u8],
) -> rusqlite::Result<()> {
    tx.prepare_cached(
        "INSERT OR REPLACE INTO content_checksums (article, checksum) VALUES (?1, ?2)",
    )?
    .execute(params![id, content_checksum(title, text, analysis)])?;
    Ok(())
}

/// What [`crate::Reader::verify`] found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Verification {
    /// SQLite's complaints (`PRAGMA integrity_check`); empty when sound.
    pub integrity: Vec<String>,
    /// Articles in the store.
    pub articles: u64,
    /// Articles whose content matched their checksum.
    pub checked: u64,
    /// Articles written before checksums were kept (not checked).
    pub without_checksum: u64,
    /// Articles whose content no longer matches: (internal id, doc_id).
    pub changed: Vec<(i64, String)>,
    /// Rollup tables that differ from a recount of the rows they sum.
    pub rollups: Vec<String>,
}

impl Verification {
    /// True when nothing is wrong.
    pub fn is_sound(&self) -> bool {
        self.integrity.is_empty() && self.changed.is_empty() && self.rollups.is_empty()
    }
}

/// Reads every article and compares it with its checksum.
pub(crate) fn verify(conn: &Connection, path: &Path) -> Result<Verification, StoreError> {
    let err = |context| StoreError::sqlite(path, context);
    let mut verification = Verification {
        integrity: crate::store::integrity_check(conn, path)?,
        ..Verification::default()
    };
    let has_table: bool = conn
        .query_row(
            "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'content_checksums'",
            [],
            |row| row.get::<_, i64>(0),
        )
        .map_err(err("reading the checksums"))?
        > 0;
    let sql = if has_table {
        "SELECT a.id, a.doc_id, a.title, a.text, a.analysis, c.checksum FROM articles a \
         LEFT JOIN content_checksums c ON c.article = a.id ORDER BY a.id"
    } else {
        "SELECT id, doc_id, title, text, analysis, NULL FROM articles ORDER BY id"
    };
    let mut statement = conn
        .prepare(sql)
        .map_err(err("reading articles to verify"))?;
    let mut rows = statement
        .query([])
        .map_err(err("reading articles to verify"))?;
    while let Some(row) = rows.next().map_err(err("reading articles to verify"))? {
        verification.articles += 1;
        let id: i64 = row.get(0).map_err(err("reading articles to verify"))?;
        let doc_id: String = row.get(1).map_err(err("reading articles to verify"))?;
        let stored: Option<i64> = row.get(5).map_err(err("reading articles to verify"))?;
        let Some(stored) = stored else {
            verification.without_checksum += 1;
            continue;
        };
        // A text that is no longer valid UTF-8 is damage too.
        let read = (|| -> rusqlite::Result<i64> {
            let title: Option<String> = row.get(2)?;
            let text: String = row.get(3)?;
            let analysis = column_bytes(row.get_ref(4)?);
            Ok(content_checksum(title.as_deref(), &text, analysis))
        })();
        match read {
            Ok(sum) if sum == stored => verification.checked += 1,
            _ => verification.changed.push((id, doc_id)),
        }
    }
    verification.rollups = crate::rollup::sqlite_mismatches(conn, path)?;
    Ok(verification)
}
