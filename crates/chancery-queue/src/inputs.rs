//! What `chancery enqueue` reads: the inputs `chancery ingest` reads
//! (files, folders walked by `chancery_ingest::sources`, JSON Lines, WARC)
//! and URLs, turned into jobs and added to the queue a thousand at a time.
//! A file is queued by its absolute path (the workers read it, so it must
//! be where they can: the same machine or a shared file system), a JSON
//! Lines file one job per record (the line itself travels in the queue), a
//! WARC file as one job, a URL by its canonical form.

use std::io::BufRead;
use std::path::{Path, PathBuf};

use chancery_ingest::{looks_like_jsonl, open_lines, sources, JsonlLines, Source};

use crate::queue::{Enqueued, Kind, NewJob, Queue};
use crate::QueueError;

/// Jobs sent to the queue per statement.
const CHUNK: usize = 1_000;

/// What enqueueing a list of inputs did.
#[derive(Debug, Default)]
pub struct EnqueueReport {
    /// Jobs added and jobs already known.
    pub jobs: Enqueued,
    /// Inputs (or lines) that could not be queued, with the problem.
    pub failures: Vec<(String, String)>,
}

/// True when `input` names a URL rather than a path.
pub fn is_url(input: &str) -> bool {
    let lower = input.get(..8).unwrap_or(input).to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://")
}

/// Adds a job for every document of `inputs` (paths, `-` for JSON Lines
/// on standard input, or http(s) URLs); `jsonl` reads every file as JSON
/// Lines, lines over `max_bytes` are refused. `note` hears of entries
/// skipped while walking folders.
pub fn enqueue_inputs(
    queue: &mut Queue,
    inputs: &[String],
    jsonl: bool,
    max_bytes: usize,
    max_attempts: i32,
    note: &mut dyn FnMut(&Path, &str),
) -> Result<EnqueueReport, QueueError> {
    let mut sink = Sink {
        queue,
        max_attempts,
        pending: Vec::with_capacity(CHUNK),
        report: EnqueueReport::default(),
    };
    let mut paths = Vec::new();
    for input in inputs {
        if is_url(input) {
            match chancery_watch::canonicalize(input, None) {
                Ok(url) => sink.push(NewJob {
                    kind: Kind::Url,
                    key: format!("url:{url}"),
                    label: url.to_string(),
                    payload: url.to_string(),
                })?,
                Err(error) => sink.fail(input.clone(), error.to_string()),
            }
        } else {
            paths.push(PathBuf::from(input));
        }
    }
    let mut listing_failures = Vec::new();
    for source in sources(&paths, jsonl, &mut listing_failures, note) {
        match source {
            Source::Document(path) => match absolute(&path) {
                Ok(path) => sink.push(path_job(Kind::File, &path))?,
                Err(problem) => sink.fail(path.display().to_string(), problem),
            },
            Source::Warc(path) => match absolute(&path) {
                Ok(path) => sink.push(path_job(Kind::Warc, &path))?,
                Err(problem) => sink.fail(path.display().to_string(), problem),
            },
            Source::Jsonl(path) => {
                let name = display_name(&path);
                match open_lines(&path) {
                    Ok(reader) => sink.records(reader, &name, max_bytes)?,
                    Err(problem) => sink.fail(name, problem),
                }
            }
            Source::Stdin => match open_lines(Path::new("-")) {
                Ok(mut reader) => match reader.fill_buf() {
                    Ok(head) if head.is_empty() || looks_like_jsonl(head) => {
                        sink.records(reader, "<stdin>", max_bytes)?
                    }
                    Ok(_) => sink.fail(
                        "<stdin>".into(),
                        "only JSON Lines can be queued from standard input (a worker cannot \
                         read this terminal's input); save the document to a file and queue \
                         the file"
                            .into(),
                    ),
                    Err(error) => sink.fail("<stdin>".into(), format!("cannot read: {error}")),
                },
                Err(problem) => sink.fail("<stdin>".into(), problem),
            },
        }
    }
    sink.report.failures.extend(listing_failures);
    sink.flush()?;
    Ok(sink.report)
}

/// A job for the file at an absolute path.
fn path_job(kind: Kind, path: &Path) -> NewJob {
    let path = path.display().to_string();
    NewJob {
        kind,
        key: format!("{}:{path}", kind.as_str()),
        label: path.clone(),
        payload: path,
    }
}

/// The path as workers will open it: absolute, links resolved, so one
/// file is one key however it was named.
fn absolute(path: &Path) -> Result<PathBuf, String> {
    let absolute = std::fs::canonicalize(path).map_err(|e| format!("cannot find file: {e}"))?;
    if absolute.to_str().is_none() {
        return Err("the path is not UTF-8; rename the file to queue it".into());
    }
    Ok(absolute)
}

fn display_name(path: &Path) -> String {
    if path.as_os_str() == "-" {
        "<stdin>".into()
    } else {
        path.display().to_string()
    }
}

/// The idempotency key of a JSON Lines record: its bytes, hashed, so the
/// same record queued twice (from one file or two) is one job.
fn record_key(line: &str) -> String {
    format!(
        "record:{:032x}",
        xxhash_rust::xxh3::xxh3_128(line.as_bytes())
    )
}

/// Jobs on their way to the queue, sent a chunk at a time.
struct Sink<'a> {
    queue: &'a mut Queue,
    max_attempts: i32,
    pending: Vec<NewJob>,
    report: EnqueueReport,
}

impl Sink<'_> {
    fn push(&mut self, job: NewJob) -> Result<(), QueueError> {
        self.pending.push(job);
        if self.pending.len() >= CHUNK {
            self.flush()?;
        }
        Ok(())
    }

    fn fail(&mut self, label: String, problem: String) {
        self.report.failures.push((label, problem));
    }

    fn flush(&mut self) -> Result<(), QueueError> {
        let added = self.queue.enqueue(&self.pending, self.max_attempts)?;
        self.report.jobs.added += added.added;
        self.report.jobs.known += added.known;
        self.pending.clear();
        Ok(())
    }

    /// One job per non-blank line of a JSON Lines stream.
    fn records(
        &mut self,
        reader: Box<dyn BufRead>,
        name: &str,
        max_bytes: usize,
    ) -> Result<(), QueueError> {
        for record in JsonlLines::new(reader, name, max_bytes) {
            match record {
                Ok((label, line)) => self.push(NewJob {
                    kind: Kind::Record,
                    key: record_key(&line),
                    label,
                    payload: line,
                })?,
                Err((label, problem)) => self.fail(label, problem),
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_told_from_paths() {
        assert!(is_url("https://news.example/a"));
        assert!(is_url("HTTP://news.example/a"));
        assert!(!is_url("news/https.html"));
        assert!(!is_url("-"));
    }

    #[test]
    fn a_record_is_keyed_by_its_bytes() {
        let a = record_key(r#"{"text": "a"}"#);
        assert_eq!(a, record_key(r#"{"text": "a"}"#));
        assert_ne!(a, record_key(r#"{"text": "b"}"#));
        assert!(a.starts_with("record:") && a.len() == "record:".len() + 32);
    }

    #[test]
    fn a_file_is_keyed_by_its_absolute_path_whatever_the_spelling() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.html"), "<p>news</p>").unwrap();
        let plain = absolute(&dir.path().join("a.html")).unwrap();
        let roundabout = absolute(&dir.path().join(".").join("a.html")).unwrap();
        assert_eq!(
            path_job(Kind::File, &plain).key,
            path_job(Kind::File, &roundabout).key
        );
        assert!(absolute(&dir.path().join("missing.html")).is_err());
    }
}
