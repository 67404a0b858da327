//! `chancery ingest`: files, directories, JSON Lines, WARC and stdin into a
//! corpus on disk.
//!
//! The pipeline: this thread reads inputs into batches; each batch is
//! extracted on the rayon pool, checked against the store (documents already
//! stored are not analysed again, which makes a rerun after a crash cheap),
//! analysed and serialized on the pool, and sent through a bounded channel to
//! one writer thread that commits it as one transaction. At most a few
//! batches are in memory at once, whatever the size of the input.

use std::io::{self, BufRead, IsTerminal, Read};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::mpsc::{sync_channel, Receiver};
use std::thread;
use std::time::{Duration, Instant};

use anyhow::Context;
use chancery_extract::{extract, parse_published, warc, Input, Options, DEFAULT_MAX_BYTES};
use chancery_model::Article;
use chancery_store::{Document, Outcome, Reader, Store, StoreError};
use clap::Args;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rayon::prelude::*;

use crate::analyze::{
    analyze_record, analyzer_with_tables, analyzer_with_tables_and, is_jsonl_path, open_lines,
    read_capped, walk,
};

// The one analyzer is shared by reference across the rayon pool.
const _: fn() = || {
    fn shared_across_threads<T: Sync + Send>() {}
    shared_across_threads::<chancery_nlp::Analyzer>();
};

/// Documents per batch, and so per transaction.
const BATCH_DOCS: usize = 200;
/// A batch is also cut when the bytes read for it reach this, so a few huge
/// documents cannot pile up in memory.
const BATCH_BYTES: usize = 64 << 20;
/// Batches between the reader and the writer: enough to keep both busy.
const CHANNEL_BATCHES: usize = 2;
/// Failures kept with their reasons for the summary; the rest are counted.
const FAILURES_LISTED: usize = 1_000;
/// How often a progress line is printed when stderr is not a terminal.
const PLAIN_PROGRESS_EVERY: Duration = Duration::from_secs(5);

#[derive(Debug, Args)]
pub struct IngestArgs {
    /// Files, directories (read recursively), JSON Lines (.jsonl, .jsonl.gz),
    /// WARC (.warc, .warc.gz) or `-` for stdin. Default: stdin.
    paths: Vec<PathBuf>,
    /// The data directory of the corpus (created on first use).
    #[arg(long, env = "CHANCERY_DATA", default_value = "chancery-data")]
    data: PathBuf,
    /// Read every input as JSON Lines: one {id, url, title, text | html, published,
    /// source} object per line (automatic for .jsonl and .jsonl.gz files).
    #[arg(long)]
    jsonl: bool,
    /// Refuse documents larger than this many bytes (also after gunzip).
    #[arg(long, default_value_t = DEFAULT_MAX_BYTES)]
    max_bytes: usize,
    /// Extra knowledge-base tables (see `chancery analyze --kb`).
    #[arg(long, value_name = "PATH")]
    kb: Vec<PathBuf>,
    /// No progress bar or progress lines; the summary is still printed.
    #[arg(long)]
    quiet: bool,
}

/// One input, after directories were expanded.
enum Source {
    /// A file holding one document.
    Document(PathBuf),
    /// A JSON Lines file (or stdin), one document per line.
    Jsonl(PathBuf),
    /// A WARC file (or stdin), one document per HTTP response record.
    Warc(PathBuf),
    /// Standard input, one document, or WARC or JSON Lines by its content.
    Stdin,
}

/// One document to extract and analyse.
pub(crate) enum Job {
    /// A file read on the worker.
    File(PathBuf),
    /// A JSON Lines record.
    Record { label: String, line: String },
    /// Bytes already read (a WARC record, stdin).
    Bytes {
        label: String,
        source: String,
        bytes: Vec<u8>,
        url: Option<String>,
        /// A date to fall back on when the page gives none (WARC-Date).
        fallback_date: Option<String>,
    },
}

impl Job {
    fn label(&self) -> String {
        match self {
            Job::File(path) => path.display().to_string(),
            Job::Record { label, .. } | Job::Bytes { label, .. } => label.clone(),
        }
    }

    fn size(&self) -> usize {
        match self {
            Job::File(_) => 0,
            Job::Record { line, .. } => line.len(),
            Job::Bytes { bytes, .. } => bytes.len(),
        }
    }
}

/// A batch on its way to the writer.
#[derive(Default)]
struct Batch {
    documents: Vec<(String, Document)>,
    /// Documents found stored by an earlier run, before analysis.
    already_stored: u64,
    /// Documents found stored earlier in this run, or repeated in the batch.
    repeated: u64,
    /// The labels of the documents counted in the two above.
    skipped: Vec<String>,
    failures: Vec<(String, String)>,
}

/// What a run did.
#[derive(Debug, Default)]
pub(crate) struct Tally {
    pub(crate) stored: u64,
    pub(crate) near_duplicates: u64,
    pub(crate) duplicates: u64,
    pub(crate) already_stored: u64,
    pub(crate) failed: u64,
    pub(crate) failures: Vec<(String, String)>,
    /// Time in the story step: opening the saved clusterer (and catching
    /// up), clustering the new articles, the settle passes and saving
    /// stories with the state.
    pub(crate) stories: Duration,
    /// Of it, the settle pass at the end of the run.
    pub(crate) settle: Duration,
}

impl Tally {
    fn processed(&self) -> u64 {
        self.stored + self.duplicates + self.failed
    }

    fn fail(&mut self, label: String, problem: String) {
        self.failed += 1;
        if self.failures.len() < FAILURES_LISTED {
            self.failures.push((label, problem));
        }
    }
}

pub fn run(args: IngestArgs) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    let options = Options {
        max_bytes: args.max_bytes,
        ..Options::default()
    };
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from("-")]
    } else {
        args.paths.clone()
    };
    let mut listing_failures = Vec::new();
    let sources = sources(&paths, args.jsonl, &mut listing_failures);
    // The total is known when every input is one document.
    let total = sources
        .iter()
        .all(|s| matches!(s, Source::Document(_)))
        .then_some(sources.len() as u64);
    let mut pipeline = Pipeline::start(
        &args.data,
        &args.kb,
        options,
        Progress::new(total, args.quiet),
        None,
        true,
        |_| Ok(()),
    )?;
    eprintln!("chancery: ingesting into {}", args.data.display());
    for (label, problem) in listing_failures {
        pipeline.feeder.fail(label, problem.to_string());
    }
    for source in sources {
        if pipeline.feeder.sender.is_none() {
            break; // the writer stopped: its error is reported below
        }
        pipeline.feeder.read(source, args.max_bytes);
    }
    let (tally, error) = pipeline.finish()?;
    report(&tally, &args.data, started.elapsed());
    if let Some(error) = error {
        return Err(store_error(error)).context(
            "ingest stopped; every batch committed before the error is stored, rerun to add the rest",
        );
    }
    Ok(if tally.failed > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

/// What became of one document once its batch was committed, for callers
/// that keep their own books (`chancery watch` marks its queue).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Fate {
    /// Stored as a new article.
    Stored,
    /// Already stored (by an earlier run or earlier in this one).
    Duplicate,
    /// Not stored, with the reason.
    Failed(String),
}

/// Called on the writer thread after each committed batch with the label
/// and fate of every document of the batch.
pub(crate) type OnCommit = Box<dyn FnMut(Vec<(String, Fate)>) + Send>;

/// The ingest pipeline: documents pushed in are extracted, analysed and
/// stored by one writer thread, a batch at a time. `chancery ingest` and
/// `chancery watch`/`fetch` both feed it.
pub(crate) struct Pipeline {
    pub(crate) feeder: Feeder,
    writer: thread::JoinHandle<(Tally, Option<StoreError>)>,
}

impl Pipeline {
    /// Opens the store in `data` (the one writer), prepares the analyzer
    /// with the corpus's registry and starts the writer thread. `prepare`
    /// sees the store before the writer takes it.
    ///
    /// With `resumable`, the pipeline is an ingest run (`Store::begin_run`):
    /// its registry is the one of the articles stored when the run first
    /// began, so a run killed and started again analyses every document as
    /// an uninterrupted run would; the run ends when every batch is
    /// committed. Without it (a watcher that runs until stopped), the
    /// registry is that of everything stored.
    pub(crate) fn start(
        data: &Path,
        kb: &[PathBuf],
        options: Options,
        progress: Progress,
        on_commit: Option<OnCommit>,
        resumable: bool,
        prepare: impl FnOnce(&Store) -> Result<(), StoreError>,
    ) -> anyhow::Result<Pipeline> {
        let mut store = Store::open(data).map_err(store_error)?;
        prepare(&store).map_err(store_error)?;
        let registry_upto = if resumable {
            Some(store.begin_run().map_err(store_error)?)
        } else {
            None
        };
        let reader = Reader::open(data).map_err(store_error)?;
        // Stories continue across ingests: the clusterer saved by the last one
        // (caught up with articles a killed run stored without stories).
        let story_clock = Instant::now();
        let stories = crate::stories::StoryTracker::open(&mut store, &reader)?;
        let story_open = story_clock.elapsed();
        // The people earlier ingests met feed back into analysis: a bare surname
        // of a registered official resolves to them.
        let registry = crate::entities::registry_upto(&reader, registry_upto.unwrap_or(i64::MAX))?;
        let registry_table = registry.officeholder_table();
        let analyzer = if registry.people().is_empty() {
            analyzer_with_tables(kb)?
        } else {
            analyzer_with_tables_and(
                kb,
                vec![("the corpus's actor registry".to_string(), registry_table)],
            )?
        };
        let stored_before_open = store.stored_before_open();
        let (sender, receiver) = sync_channel::<Batch>(CHANNEL_BATCHES);
        let writer = thread::Builder::new()
            .name("chancery-writer".into())
            .spawn(move || {
                let (mut tally, error) =
                    write_batches(store, receiver, progress, stories, on_commit, resumable);
                tally.stories += story_open;
                (tally, error)
            })
            .context("cannot start the writer thread")?;
        Ok(Pipeline {
            feeder: Feeder {
                options,
                analyzer,
                reader,
                stored_before_open,
                jobs: Vec::with_capacity(BATCH_DOCS),
                bytes: 0,
                pending: Batch::default(),
                sender: Some(sender),
            },
            writer,
        })
    }

    /// Sends what is buffered and waits for the writer to commit it all.
    pub(crate) fn finish(mut self) -> anyhow::Result<(Tally, Option<StoreError>)> {
        self.feeder.flush();
        drop(self.feeder);
        match self.writer.join() {
            Ok(result) => Ok(result),
            Err(_) => {
                anyhow::bail!(
                    "the writer thread panicked; the store keeps every batch it committed"
                )
            }
        }
    }
}

fn store_error(error: StoreError) -> anyhow::Error {
    anyhow::Error::new(error)
}

/// Inputs in order, directories expanded (hidden files skipped), each file
/// classified by its name.
fn sources(paths: &[PathBuf], jsonl: bool, failures: &mut Vec<(String, String)>) -> Vec<Source> {
    let classify = |path: PathBuf| {
        if jsonl || is_jsonl_path(&path) {
            Source::Jsonl(path)
        } else if is_warc_path(&path) {
            Source::Warc(path)
        } else {
            Source::Document(path)
        }
    };
    let mut sources = Vec::new();
    for path in paths {
        if path.as_os_str() == "-" {
            sources.push(if jsonl {
                Source::Jsonl(path.clone())
            } else {
                Source::Stdin
            });
        } else if path.is_dir() {
            sources.extend(walk(path, failures).into_iter().map(classify));
        } else {
            sources.push(classify(path.clone()));
        }
    }
    sources
}

fn is_warc_path(path: &Path) -> bool {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    let name = name.to_ascii_lowercase();
    name.ends_with(".warc") || name.ends_with(".warc.gz")
}

/// Reads inputs into batches and sends them, analysed, to the writer.
pub(crate) struct Feeder {
    options: Options,
    analyzer: chancery_nlp::Analyzer,
    reader: Reader,
    /// Articles up to this internal id were stored by an earlier run.
    stored_before_open: i64,
    jobs: Vec<Job>,
    bytes: usize,
    pending: Batch,
    /// `None` once the writer has stopped.
    sender: Option<std::sync::mpsc::SyncSender<Batch>>,
}

impl Feeder {
    fn read(&mut self, source: Source, max_bytes: usize) {
        match source {
            Source::Document(path) => self.push(Job::File(path)),
            Source::Jsonl(path) => self.read_jsonl(&path, max_bytes),
            Source::Warc(path) => match open_lines(&path) {
                Ok(reader) => self.read_warc(reader, &path.display().to_string(), max_bytes),
                Err(err) => self.fail(path.display().to_string(), format!("{err:#}")),
            },
            Source::Stdin => self.read_stdin(max_bytes),
        }
    }

    fn read_jsonl(&mut self, path: &Path, max_bytes: usize) {
        match open_lines(path) {
            Ok(reader) => self.read_jsonl_from(reader, &path.display().to_string(), max_bytes),
            Err(err) => self.fail(path.display().to_string(), format!("{err:#}")),
        }
    }

    fn read_jsonl_from(&mut self, mut reader: Box<dyn BufRead>, name: &str, max_bytes: usize) {
        let mut line = Vec::new();
        for number in 1.. {
            let label = format!("{name}:{number}");
            match read_line_capped(&mut reader, &mut line, max_bytes) {
                Ok(Line::End) => break,
                Ok(Line::TooLong) => self.fail(
                    label,
                    format!("line is over the {max_bytes}-byte cap: raise it with --max-bytes"),
                ),
                Ok(Line::Read) => match String::from_utf8(std::mem::take(&mut line)) {
                    Ok(text) if text.trim().is_empty() => {}
                    Ok(line) => self.push(Job::Record { label, line }),
                    Err(_) => self.fail(label, "line is not UTF-8 text".into()),
                },
                Err(err) => {
                    self.fail(
                        label,
                        format!("cannot read line ({err}); the rest of the file is skipped (truncated or corrupt gzip?)"),
                    );
                    break;
                }
            }
        }
    }

    fn read_warc(&mut self, reader: Box<dyn BufRead>, name: &str, max_bytes: usize) {
        for item in warc::Records::new(reader, max_bytes) {
            match item {
                warc::Item::Document(record) => self.push(Job::Bytes {
                    label: format!("{name} record {}", record.number),
                    source: name.to_string(),
                    bytes: record.body,
                    url: record.uri,
                    fallback_date: record.date,
                }),
                warc::Item::Failed { number, problem } => {
                    self.fail(format!("{name} record {number}"), problem)
                }
                warc::Item::Broken { number, problem } => {
                    self.fail(
                        format!("{name} record {number}"),
                        format!("{problem}; the rest of the file is skipped"),
                    );
                }
            }
        }
    }

    fn read_stdin(&mut self, max_bytes: usize) {
        let mut reader = match open_lines(Path::new("-")) {
            Ok(reader) => reader,
            Err(err) => return self.fail("<stdin>".into(), format!("{err:#}")),
        };
        match reader.fill_buf() {
            Ok(head) if head.starts_with(b"WARC/") => {
                return self.read_warc(reader, "<stdin>", max_bytes)
            }
            Ok(head) if crate::analyze::looks_like_jsonl(head) => {
                return self.read_jsonl_from(reader, "<stdin>", max_bytes)
            }
            Ok(_) => {}
            Err(err) => return self.fail("<stdin>".into(), format!("cannot read: {err}")),
        }
        let mut bytes = Vec::new();
        match reader.take(max_bytes as u64 + 1).read_to_end(&mut bytes) {
            Ok(_) => self.push(Job::Bytes {
                label: "<stdin>".into(),
                source: "-".into(),
                bytes,
                url: None,
                fallback_date: None,
            }),
            Err(err) => self.fail(
                "<stdin>".into(),
                format!("cannot read standard input: {err}"),
            ),
        }
    }

    pub(crate) fn push(&mut self, job: Job) {
        self.bytes += job.size();
        self.jobs.push(job);
        if self.jobs.len() >= BATCH_DOCS || self.bytes >= BATCH_BYTES {
            self.flush();
        }
    }

    pub(crate) fn fail(&mut self, label: String, problem: String) {
        self.pending.failures.push((label, problem));
        // A file of nothing but bad lines must not pile up failures either.
        if self.pending.failures.len() >= BATCH_DOCS {
            self.flush();
        }
    }

    /// Extracts, skips what is stored, analyses and sends the batch.
    pub(crate) fn flush(&mut self) {
        let Some(sender) = &self.sender else {
            return;
        };
        let jobs = std::mem::take(&mut self.jobs);
        self.bytes = 0;
        let mut batch = std::mem::take(&mut self.pending);
        let options = &self.options;
        let extracted: Vec<(String, Result<Article, String>)> = jobs
            .into_par_iter()
            .map(|job| {
                let label = job.label();
                (label, crate::guard::contained(|| extract_job(job, options)))
            })
            .collect();

        // Documents already in the store are not analysed again. A lookup
        // error only costs the skip: the writer still refuses duplicates.
        let ids: Vec<&str> = extracted
            .iter()
            .filter_map(|(_, r)| r.as_ref().ok().map(|a| a.id.as_str()))
            .collect();
        let stored = self.reader.stored(&ids).unwrap_or_default();
        let mut seen = std::collections::HashSet::new();
        let mut articles = Vec::with_capacity(extracted.len());
        for (label, result) in extracted {
            match result {
                Ok(article) if stored.contains_key(&article.id) => {
                    if stored[&article.id] <= self.stored_before_open {
                        batch.already_stored += 1;
                    } else {
                        batch.repeated += 1;
                    }
                    batch.skipped.push(label);
                }
                Ok(article) if !seen.insert(article.id.clone()) => {
                    batch.repeated += 1;
                    batch.skipped.push(label);
                }
                Ok(article) => articles.push((label, article)),
                Err(problem) => batch.failures.push((label, problem)),
            }
        }

        let analyzer = &self.analyzer;
        let documents: Vec<(String, Result<Document, String>)> = articles
            .into_par_iter()
            .map(|(label, article)| {
                let document = crate::guard::analyze(analyzer, article).and_then(|analysis| {
                    crate::guard::contained(|| Document::new(analysis).map_err(|e| e.to_string()))
                });
                (label, document)
            })
            .collect();
        for (label, document) in documents {
            match document {
                Ok(document) => batch.documents.push((label, document)),
                Err(problem) => batch.failures.push((label, problem)),
            }
        }
        if sender.send(batch).is_err() {
            self.sender = None;
        }
    }
}

fn extract_job(job: Job, options: &Options) -> Result<Article, String> {
    match job {
        Job::File(path) => {
            let bytes = read_capped(&path, options.max_bytes)?;
            let input = Input {
                bytes: &bytes,
                source: Some(path.display().to_string()),
                ..Input::default()
            };
            extract(&input, options).map_err(|e| e.to_string())
        }
        Job::Record { line, .. } => analyze_record(&line, options),
        Job::Bytes {
            source,
            bytes,
            url,
            fallback_date,
            ..
        } => {
            let input = Input {
                bytes: &bytes,
                source: Some(source),
                url,
                ..Input::default()
            };
            let mut article = extract(&input, options).map_err(|e| e.to_string())?;
            if article.published.is_none() {
                article.published = fallback_date.as_deref().and_then(parse_published);
            }
            Ok(article)
        }
    }
}

enum Line {
    Read,
    TooLong,
    End,
}

/// Reads one line (without its newline) into `line`, reading at most `cap`
/// bytes of it: a file that is one endless line cannot exhaust memory.
fn read_line_capped(reader: &mut dyn BufRead, line: &mut Vec<u8>, cap: usize) -> io::Result<Line> {
    line.clear();
    let read = reader.take(cap as u64 + 1).read_until(b'\n', line)?;
    if read == 0 {
        return Ok(Line::End);
    }
    if line.last() == Some(&b'\n') {
        line.pop();
        if line.last() == Some(&b'\r') {
            line.pop();
        }
        return Ok(Line::Read);
    }
    if line.len() <= cap {
        return Ok(Line::Read); // the last line, without a newline
    }
    // Skip the rest of the long line.
    line.clear();
    loop {
        let buffer = reader.fill_buf()?;
        if buffer.is_empty() {
            break;
        }
        match buffer.iter().position(|&b| b == b'\n') {
            Some(i) => {
                reader.consume(i + 1);
                break;
            }
            None => {
                let n = buffer.len();
                reader.consume(n);
            }
        }
    }
    Ok(Line::TooLong)
}

/// The writer thread: commits each batch as one transaction and keeps the
/// tally. Returns the tally and the error that stopped it, if any.
fn write_batches(
    mut store: Store,
    batches: Receiver<Batch>,
    mut progress: Progress,
    mut stories: crate::stories::StoryTracker,
    mut on_commit: Option<OnCommit>,
    resumable: bool,
) -> (Tally, Option<StoreError>) {
    let mut tally = Tally::default();
    for batch in batches {
        tally.duplicates += batch.already_stored + batch.repeated;
        tally.already_stored += batch.already_stored;
        let mut fates: Vec<(String, Fate)> = Vec::new();
        if on_commit.is_some() {
            fates.extend(
                batch
                    .skipped
                    .into_iter()
                    .map(|label| (label, Fate::Duplicate)),
            );
            fates.extend(
                batch
                    .failures
                    .iter()
                    .map(|(label, problem)| (label.clone(), Fate::Failed(problem.clone()))),
            );
        }
        for (label, problem) in batch.failures {
            tally.fail(label, problem);
        }
        let (labels, documents): (Vec<String>, Vec<Document>) = batch.documents.into_iter().unzip();
        let outcomes = match write_contained(&mut store, &documents) {
            Ok(outcomes) => outcomes,
            Err(error) => {
                progress.finish();
                return (tally, Some(error));
            }
        };
        // Stories in a second transaction: a run killed between the two
        // leaves articles without a story, which the next ingest fills in.
        let story_clock = Instant::now();
        let mut story_ids = Vec::new();
        for (document, outcome) in documents.iter().zip(&outcomes) {
            if let Ok(Outcome::Stored {
                article,
                duplicate_of,
            }) = outcome
            {
                let analysis = document.analysis();
                let keys = chancery_nlp::story_keys(analysis);
                let given = stories.add(
                    &mut store,
                    &crate::stories::Arrival {
                        article: *article,
                        title: analysis.article.title.as_deref(),
                        text: &analysis.article.text,
                        published: analysis
                            .article
                            .published
                            .as_ref()
                            .map(|p| p.value.as_str()),
                        duplicate_of: *duplicate_of,
                        keys: &keys,
                    },
                );
                match given {
                    Ok(given) => story_ids.extend(given),
                    Err(error) => {
                        progress.finish();
                        return (tally, Some(error));
                    }
                }
            }
        }
        if let Err(error) = stories.save(&mut store, &story_ids) {
            progress.finish();
            return (tally, Some(error));
        }
        tally.stories += story_clock.elapsed();
        for (label, outcome) in labels.into_iter().zip(outcomes) {
            let outcome = match outcome {
                Ok(outcome) => outcome,
                Err(problem) => {
                    if on_commit.is_some() {
                        fates.push((label.clone(), Fate::Failed(problem.clone())));
                    }
                    tally.fail(label, problem);
                    continue;
                }
            };
            let fate = match outcome {
                Outcome::Stored { duplicate_of, .. } => {
                    tally.stored += 1;
                    if duplicate_of.is_some() {
                        tally.near_duplicates += 1;
                    }
                    Fate::Stored
                }
                Outcome::Duplicate { stored_before, .. } => {
                    tally.duplicates += 1;
                    if stored_before {
                        tally.already_stored += 1;
                    }
                    Fate::Duplicate
                }
                Outcome::ExternalIdTaken { external_id, .. } => {
                    let problem = format!(
                        "id {external_id:?} is already used by a different article in the store; \
                         give each record its own id"
                    );
                    tally.fail(label.clone(), problem.clone());
                    Fate::Failed(problem)
                }
            };
            if on_commit.is_some() {
                fates.push((label, fate));
            }
        }
        if let Some(on_commit) = on_commit.as_mut() {
            on_commit(fates);
        }
        progress.update(&tally);
    }
    // The run's last word on stories: the latest articles re-clustered at
    // once, so the store holds the settled stories, not the online guesses.
    let story_clock = Instant::now();
    if let Err(error) = stories.settle(&mut store) {
        progress.finish();
        return (tally, Some(error));
    }
    tally.settle = story_clock.elapsed();
    tally.stories += tally.settle;
    progress.finish();
    // Every batch is committed: the next ingest starts a run of its own,
    // with the registry of everything stored by then.
    if resumable {
        if let Err(error) = store.end_run() {
            return (tally, Some(error));
        }
    }
    (tally, None)
}

/// Writes a batch in one transaction; when that panics (a bug a document
/// triggers), the transaction is rolled back and the documents are written
/// one at a time, so the panicking one fails alone with its message.
fn write_contained(
    store: &mut Store,
    documents: &[Document],
) -> Result<Vec<Result<Outcome, String>>, StoreError> {
    use std::panic::{catch_unwind, AssertUnwindSafe};
    match catch_unwind(AssertUnwindSafe(|| store.write(documents))) {
        Ok(outcomes) => Ok(outcomes?.into_iter().map(Ok).collect()),
        Err(_) => {
            let mut outcomes = Vec::with_capacity(documents.len());
            for document in documents {
                match catch_unwind(AssertUnwindSafe(|| {
                    store.write(std::slice::from_ref(document))
                })) {
                    Ok(written) => match written?.pop() {
                        Some(outcome) => outcomes.push(Ok(outcome)),
                        None => outcomes.push(Err("the store wrote nothing for it".into())),
                    },
                    Err(payload) => {
                        outcomes.push(Err(crate::guard::panic_problem(payload.as_ref())))
                    }
                }
            }
            Ok(outcomes)
        }
    }
}

/// A bar on a terminal, periodic plain lines otherwise.
pub(crate) struct Progress {
    bar: Option<ProgressBar>,
    plain: bool,
    started: Instant,
    last_line: Instant,
}

impl Progress {
    pub(crate) fn new(total: Option<u64>, quiet: bool) -> Progress {
        let terminal = io::stderr().is_terminal();
        let bar = (!quiet && terminal).then(|| {
            let (bar, template) = match total {
                Some(total) => (
                    ProgressBar::new(total),
                    "{elapsed_precise} [{bar:30}] {pos}/{len} docs · {msg} · ETA {eta}",
                ),
                None => (
                    ProgressBar::new_spinner(),
                    "{spinner} {elapsed_precise} {pos} docs · {msg}",
                ),
            };
            if let Ok(style) = ProgressStyle::with_template(template) {
                bar.set_style(style.progress_chars("=> "));
            }
            bar.set_draw_target(ProgressDrawTarget::stderr());
            bar.enable_steady_tick(Duration::from_millis(200));
            bar
        });
        Progress {
            bar,
            plain: !quiet && !terminal,
            started: Instant::now(),
            last_line: Instant::now(),
        }
    }

    fn update(&mut self, tally: &Tally) {
        let processed = tally.processed();
        let rate = processed as f64 / self.started.elapsed().as_secs_f64().max(1e-3);
        let message = format!(
            "{rate:.0} docs/s · {} duplicates · {} failed",
            tally.duplicates, tally.failed
        );
        if let Some(bar) = &self.bar {
            bar.set_position(processed);
            bar.set_message(message);
        } else if self.plain && self.last_line.elapsed() >= PLAIN_PROGRESS_EVERY {
            self.last_line = Instant::now();
            eprintln!("chancery: ingest: {processed} documents · {message}");
        }
    }

    fn finish(&mut self) {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
    }
}

/// The summary on stderr.
fn report(tally: &Tally, data: &Path, elapsed: Duration) {
    let seconds = elapsed.as_secs_f64();
    let processed = tally.processed();
    eprintln!(
        "chancery: {processed} documents in {seconds:.1} s ({:.0} docs/s) into {}",
        processed as f64 / seconds.max(1e-3),
        data.display()
    );
    eprintln!(
        "  ingested:        {} new articles ({} near-duplicates of earlier ones, stored and marked)",
        tally.stored, tally.near_duplicates
    );
    eprintln!(
        "  duplicates:      {} ({} already in the store), not stored again",
        tally.duplicates, tally.already_stored
    );
    eprintln!("  failed:          {}", tally.failed);
    eprintln!(
        "  story step:      {:.3} s (saved clusterer opened, new articles clustered and settled, stories saved)",
        tally.stories.as_secs_f64()
    );
    eprintln!(
        "  settle pass:     {:.3} s of it (the latest articles re-clustered at the end)",
        tally.settle.as_secs_f64()
    );
    for (label, problem) in &tally.failures {
        eprintln!("chancery: {label}: {problem}");
    }
    if tally.failed as usize > tally.failures.len() {
        eprintln!(
            "chancery: … and {} more failures",
            tally.failed as usize - tally.failures.len()
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_lines_are_skipped_whole_and_reading_goes_on() {
        let mut reader: &[u8] = b"short\r\nfar too long a line\nnext\nlast";
        let mut line = Vec::new();
        let mut seen = Vec::new();
        loop {
            match read_line_capped(&mut reader, &mut line, 8).unwrap() {
                Line::End => break,
                Line::TooLong => seen.push("<too long>".to_string()),
                Line::Read => seen.push(String::from_utf8(line.clone()).unwrap()),
            }
        }
        assert_eq!(seen, ["short", "<too long>", "next", "last"]);
    }

    #[test]
    fn warc_files_are_known_by_name() {
        assert!(is_warc_path(Path::new("CC-NEWS-20240501-00000.warc.gz")));
        assert!(is_warc_path(Path::new("crawl.WARC")));
        assert!(!is_warc_path(Path::new("story.html.gz")));
    }
}
