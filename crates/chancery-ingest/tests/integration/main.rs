//! The pipeline end to end on fixtures written here: JSON Lines in, a
//! corpus on disk out.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use chancery_ingest::{
    ingest_jsonl, sources, Config, Fate, Job, OnCommit, Pipeline, Progress, Silent, Source, Tally,
};
use chancery_store::Reader;

mod watch;

const ARTICLES: &[&str] = &[
    r#"{"id": "a1", "title": "Talks in Moscow", "published": "2024-03-04", "text": "Iran and Russia held talks in Moscow on Monday, officials said.\n\nThe foreign ministers met for three hours."}"#,
    r#"{"id": "a2", "title": "Harbour reopens", "published": "2024-03-05", "text": "The harbour in Valparaiso reopened on Tuesday after the storm.\n\nFishermen returned to work at dawn."}"#,
    r#"{"id": "a3", "title": "Budget vote", "published": "2024-03-06", "text": "Parliament in Oslo voted on the budget on Wednesday.\n\nThe vote was closer than expected."}"#,
];

fn write_jsonl(dir: &Path, lines: &[&str]) -> PathBuf {
    let path = dir.join("news.jsonl");
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    path
}

fn config(data: &Path) -> Config {
    Config {
        data: data.to_path_buf(),
        resumable: true,
        ..Config::default()
    }
}

fn ingest(data: &Path, input: &Path, on_commit: Option<OnCommit>) -> Tally {
    let mut pipeline =
        Pipeline::start(config(data), Box::new(Silent), on_commit, |_| Ok(())).unwrap();
    let mut failures = Vec::new();
    for source in sources(&[input.to_path_buf()], false, &mut failures, &mut |_, _| {}) {
        pipeline.feeder.read(source, 1 << 20);
    }
    assert!(failures.is_empty());
    let (tally, stopped) = pipeline.finish().unwrap();
    assert!(stopped.is_none(), "{stopped:?}");
    tally
}

#[test]
fn jsonl_is_stored_once_and_a_rerun_adds_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let input = write_jsonl(dir.path(), ARTICLES);
    let first = ingest(&data, &input, None);
    assert_eq!((first.stored, first.duplicates, first.failed), (3, 0, 0));
    let again = ingest(&data, &input, None);
    assert_eq!(
        (again.stored, again.duplicates, again.already_stored),
        (0, 3, 3)
    );
    let stats = Reader::open(&data).unwrap().stats().unwrap();
    assert_eq!(stats.articles, 3);
}

#[test]
fn an_input_of_known_size_ends_in_smaller_batches_and_is_stored_whole() {
    let dir = tempfile::tempdir().unwrap();
    let lines: Vec<String> = (0..260)
        .map(|i| {
            format!(
                r#"{{"id": "n{i}", "title": "Report {i}", "text": "Report number {i} came in on day {i} of the month."}}"#
            )
        })
        .collect();
    let input = write_jsonl(
        dir.path(),
        &lines.iter().map(String::as_str).collect::<Vec<_>>(),
    );
    for expect in [None, Some(260)] {
        let data = dir.path().join(format!("data-{expect:?}"));
        let sizes: Arc<Mutex<Vec<usize>>> = Arc::default();
        let sink = sizes.clone();
        let on_commit: OnCommit = Box::new(move |batch| sink.lock().unwrap().push(batch.len()));
        let mut pipeline =
            Pipeline::start(config(&data), Box::new(Silent), Some(on_commit), |_| Ok(())).unwrap();
        if let Some(documents) = expect {
            pipeline.feeder.expect(documents);
        }
        pipeline.feeder.read(Source::Jsonl(input.clone()), 1 << 20);
        let (tally, stopped) = pipeline.finish().unwrap();
        assert!(stopped.is_none(), "{stopped:?}");
        assert_eq!((tally.stored, tally.failed), (260, 0));
        let sizes = sizes.lock().unwrap().clone();
        match expect {
            None => assert_eq!(sizes, [200, 60]),
            // Within two full batches of the end: quarter batches.
            Some(_) => assert_eq!(sizes, [50, 50, 50, 50, 50, 10]),
        }
    }
}

#[test]
fn every_document_is_told_its_fate_after_its_batch_commits() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let mut lines = ARTICLES.to_vec();
    lines.push(r#"{"id": "bad", "text": 7}"#);
    lines.push(ARTICLES[0]);
    let input = write_jsonl(dir.path(), &lines);
    let fates: Arc<Mutex<Vec<(String, Fate)>>> = Arc::default();
    let sink = fates.clone();
    let tally = ingest(
        &data,
        &input,
        Some(Box::new(move |batch| sink.lock().unwrap().extend(batch))),
    );
    assert_eq!((tally.stored, tally.duplicates, tally.failed), (3, 1, 1));
    let mut fates = fates.lock().unwrap().clone();
    fates.sort_by(|a, b| a.0.cmp(&b.0));
    let name = input.display().to_string();
    let fate = |line: usize| {
        fates
            .iter()
            .find(|(label, _)| *label == format!("{name}:{line}"))
            .map(|(_, fate)| fate.clone())
            .unwrap()
    };
    assert_eq!(fate(1), Fate::Stored);
    assert_eq!(fate(5), Fate::Duplicate);
    match fate(4) {
        Fate::Failed(problem) => assert!(problem.contains("\"text\""), "{problem}"),
        other => panic!("line 4: {other:?}"),
    }
    assert_eq!(tally.failures.len(), 1);
}

/// Counts what the writer reports.
struct Counting(Arc<Mutex<(u64, bool)>>);

impl Progress for Counting {
    fn update(&mut self, tally: &Tally) {
        self.0.lock().unwrap().0 = tally.processed();
    }
    fn finish(&mut self) {
        self.0.lock().unwrap().1 = true;
    }
}

#[test]
fn pushed_pages_are_stored_and_progress_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let seen = Arc::new(Mutex::new((0, false)));
    let mut pipeline = Pipeline::start(
        Config {
            resumable: false,
            ..config(dir.path())
        },
        Box::new(Counting(seen.clone())),
        None,
        |_| Ok(()),
    )
    .unwrap();
    pipeline.feeder.push(Job::Bytes {
        label: "https://news.example.org/a".into(),
        source: "news.example.org".into(),
        bytes: b"<html><head><title>Storm</title></head><body><article><p>A storm closed the harbour in Valparaiso on Tuesday, the port authority said.</p><p>Ships waited offshore.</p></article></body></html>".to_vec(),
        url: Some("https://news.example.org/a".into()),
        fallback_date: Some("2024-03-05T10:00:00Z".into()),
    });
    let (tally, stopped) = pipeline.finish().unwrap();
    assert!(stopped.is_none());
    assert_eq!(tally.stored, 1);
    assert_eq!(*seen.lock().unwrap(), (1, true));
}

#[test]
fn a_second_writer_is_refused_with_the_stores_error() {
    let dir = tempfile::tempdir().unwrap();
    let first = Pipeline::start(config(dir.path()), Box::new(Silent), None, |_| Ok(())).unwrap();
    let second = Pipeline::start(config(dir.path()), Box::new(Silent), None, |_| Ok(()));
    let error = second.err().expect("the store is locked");
    assert!(
        matches!(error, chancery_ingest::IngestError::Store(_)),
        "{error}"
    );
    first.finish().unwrap();
}

#[test]
fn posted_jsonl_is_reported_line_by_line() {
    let dir = tempfile::tempdir().unwrap();
    let analyzer = chancery_nlp::Analyzer::new();
    let body = format!(
        "{}\n\n{{\"title\": \"no body\"}}\n{}\n",
        ARTICLES[0], ARTICLES[0]
    );
    let report = ingest_jsonl(dir.path(), &analyzer, &body, 1 << 20).unwrap();
    let statuses: Vec<_> = report.lines.iter().map(|l| (l.line, l.status)).collect();
    assert_eq!(statuses, [(1, "stored"), (3, "failed"), (4, "duplicate")]);
    assert_eq!((report.stored, report.duplicates, report.failed), (1, 1, 1));
}

#[test]
fn stdin_and_folders_are_sources_too() {
    let dir = tempfile::tempdir().unwrap();
    let found = sources(
        &[PathBuf::from("-"), dir.path().to_path_buf()],
        true,
        &mut Vec::new(),
        &mut |_, _| {},
    );
    assert_eq!(found, [Source::Jsonl(PathBuf::from("-"))]);
}
