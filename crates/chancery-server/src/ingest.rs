//! Documents posted over HTTP: one JSON record analysed (`POST
//! /api/analyze`) or JSON Lines stored (`POST /api/ingest`, through
//! `chancery_ingest::ingest_jsonl`).

use std::path::Path;

use chancery_ingest::{IngestError, IngestReport, Record};
use chancery_model::Analysis;
use chancery_nlp::Analyzer;

use crate::ServerError;

/// Analyses one record.
pub(crate) fn analyze(
    analyzer: &Analyzer,
    record: &Record,
    max_bytes: usize,
) -> Result<Analysis, ServerError> {
    let article = record.article(max_bytes).map_err(ServerError::Unreadable)?;
    Ok(analyzer.analyze(article))
}

/// Reads JSON Lines (`{id, url, title, text | html, published, source}` per
/// line), analyses each record and stores them in the store `data` names
/// (a data directory or a PostgreSQL database) in one transaction, with the
/// same report from either. A line that cannot be read is reported and
/// skipped; the rest are stored.
pub fn ingest_jsonl(
    data: &Path,
    analyzer: &Analyzer,
    jsonl: &str,
    max_bytes: usize,
) -> Result<IngestReport, ServerError> {
    chancery_ingest::ingest_jsonl(data, analyzer, jsonl, max_bytes).map_err(|error| match error {
        IngestError::Store(error) => ServerError::Store(error),
        other => ServerError::Internal(other.to_string()),
    })
}
