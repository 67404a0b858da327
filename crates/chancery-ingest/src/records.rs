//! Records posted whole (the server's `POST /api/analyze` and `POST
//! /api/ingest`): JSON Lines in one string, stored in one transaction with
//! a report line by line, into a data directory or a PostgreSQL store.

use std::path::Path;

use chancery_extract::{extract, Format, Input, Options};
use chancery_model::Article;
use chancery_nlp::Analyzer;
use chancery_store::{AnyStore, Document, Outcome};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::IngestError;

/// One document: the fields of a `chancery ingest --jsonl` line, and
/// `body_only`. Unknown fields are refused.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Record {
    /// The caller's id (string or number).
    pub id: Option<Value>,
    /// Where the article was published.
    pub url: Option<String>,
    /// Its headline.
    pub title: Option<String>,
    /// Its text (scraped plain text), when there is no `html`.
    pub text: Option<String>,
    /// Its page.
    pub html: Option<String>,
    /// Its publication date (ISO 8601).
    pub published: Option<String>,
    /// Its source (a site, an agency).
    pub source: Option<String>,
    /// Take `text` as the body only, so offsets point into it exactly.
    #[serde(default)]
    pub body_only: bool,
}

impl Record {
    /// The record extracted to an article, or the one-line problem.
    pub fn article(&self, max_bytes: usize) -> Result<Article, String> {
        let (body, format) = match (&self.html, &self.text) {
            (Some(html), _) => (html, Format::Html),
            (None, Some(text)) => (text, Format::Text),
            (None, None) => return Err("the record has neither \"text\" nor \"html\"".into()),
        };
        let external_id = match &self.id {
            None | Some(Value::Null) => None,
            Some(Value::String(id)) => Some(id.clone()),
            Some(Value::Number(id)) => Some(id.to_string()),
            Some(_) => return Err("\"id\" must be a string or a number".into()),
        };
        let input = Input {
            bytes: body.as_bytes(),
            external_id,
            source: self.source.clone(),
            url: self.url.clone(),
            title: self.title.clone(),
            published: self.published.clone(),
        };
        let options = Options {
            max_bytes,
            body_only: self.body_only,
            format: Some(format),
        };
        extract(&input, &options).map_err(|e| e.to_string())
    }
}

/// What became of each line of an ingest.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IngestReport {
    /// Articles stored (near-duplicates included).
    pub stored: u64,
    /// Of those, near-duplicates of an earlier article.
    pub near_duplicates: u64,
    /// Lines whose article was already stored.
    pub duplicates: u64,
    /// Lines that could not be read or analysed, or whose id was taken.
    pub failed: u64,
    /// One entry per non-empty line, in order.
    pub lines: Vec<IngestLine>,
}

/// What became of one line.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IngestLine {
    /// 1-based line number.
    pub line: usize,
    /// `stored`, `near_duplicate`, `duplicate`, `external_id_taken` or
    /// `failed`.
    pub status: &'static str,
    /// The stored article's internal id (the one in `/article/{id}`).
    pub article: Option<i64>,
    /// What went wrong.
    pub error: Option<String>,
}

/// Reads JSON Lines (`{id, url, title, text | html, published, source}` per
/// line), analyses each record and stores them in the store `data` names
/// (a data directory, or a `postgres://` URL) in one transaction. A line
/// that cannot be read is reported and skipped; the rest are stored.
///
/// In a data directory the stories of the new articles wait for the next
/// `chancery ingest` (which catches up what it did not cluster). In
/// PostgreSQL they are the fleet's elected clusterer's: when no process
/// holds the election, this call takes it, clusters everything committed
/// up to the horizon, settles and resigns, as a worker does at the end of
/// its run; when one does, that one catches them up after its next batch
/// or at the end of its run.
pub fn ingest_jsonl(
    data: &Path,
    analyzer: &Analyzer,
    jsonl: &str,
    max_bytes: usize,
) -> Result<IngestReport, IngestError> {
    let mut lines = Vec::new();
    let mut documents = Vec::new();
    for (index, line) in jsonl.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let number = index + 1;
        let document = serde_json::from_str::<Record>(line)
            .map_err(|e| format!("invalid record: {e}"))
            .and_then(|record| record.article(max_bytes))
            .and_then(|article| {
                Document::new(analyzer.analyze(article)).map_err(|e| e.to_string())
            });
        match document {
            Ok(document) => {
                documents.push(document);
                lines.push(IngestLine {
                    line: number,
                    status: "stored",
                    article: None,
                    error: None,
                });
            }
            Err(error) => lines.push(IngestLine {
                line: number,
                status: "failed",
                article: None,
                error: Some(error),
            }),
        }
    }
    let mut store = AnyStore::open(data)?;
    let outcomes = store.write(&documents)?;
    let stored_any = outcomes
        .iter()
        .any(|outcome| matches!(outcome, Outcome::Stored { .. }));
    if let Some(url) = store.postgres_url().filter(|_| stored_any) {
        crate::FleetStories::open(url)
            .and_then(|mut fleet| fleet.settle())
            .map_err(IngestError::at(
                "the articles are stored, but they could not be given stories now; the next \
                 ingest, worker or watcher over this database clusters them",
            ))?;
    }
    let mut report = IngestReport {
        stored: 0,
        near_duplicates: 0,
        duplicates: 0,
        failed: 0,
        lines: Vec::new(),
    };
    let mut outcomes = outcomes.into_iter();
    for mut line in lines {
        if line.status == "stored" {
            match outcomes.next() {
                Some(Outcome::Stored {
                    article,
                    duplicate_of,
                }) => {
                    report.stored += 1;
                    if duplicate_of.is_some() {
                        report.near_duplicates += 1;
                        line.status = "near_duplicate";
                    }
                    line.article = Some(article);
                }
                Some(Outcome::Duplicate { article, .. }) => {
                    report.duplicates += 1;
                    line.status = "duplicate";
                    line.article = Some(article);
                }
                Some(Outcome::ExternalIdTaken {
                    external_id,
                    article,
                }) => {
                    report.failed += 1;
                    line.status = "external_id_taken";
                    line.article = Some(article);
                    line.error = Some(format!(
                        "external id {external_id:?} is already used by article {article}"
                    ));
                }
                None => return Err(IngestError::MissingOutcome),
            }
        } else {
            report.failed += 1;
        }
        report.lines.push(line);
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_reported_one_by_one() {
        let dir = tempfile::tempdir().unwrap();
        let analyzer = Analyzer::new();
        let jsonl = concat!(
            r#"{"id": 7, "title": "Talks", "text": "Iran and Russia held talks in Moscow on Monday."}"#,
            "\n\n",
            r#"{"title": "Nothing"}"#,
            "\n",
            "not json\n",
            r#"{"id": 7, "text": "A different article with the same id as the first."}"#,
            "\n",
        );
        let report = ingest_jsonl(dir.path(), &analyzer, jsonl, 1 << 20).unwrap();
        let statuses: Vec<_> = report.lines.iter().map(|l| (l.line, l.status)).collect();
        assert_eq!(
            statuses,
            [
                (1, "stored"),
                (3, "failed"),
                (4, "failed"),
                (5, "external_id_taken")
            ]
        );
        assert_eq!((report.stored, report.failed), (1, 3));
        assert!(report.lines[1]
            .error
            .as_deref()
            .unwrap()
            .contains("neither"));
    }
}
