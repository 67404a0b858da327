//! The pipeline: the caller's thread reads inputs into batches; each batch
//! is extracted on the rayon pool, checked against the store (documents
//! already stored are not analysed again, which makes a rerun after a crash
//! cheap), analysed and serialized on the pool, and sent through a bounded
//! channel to one writer thread that commits it as one transaction. At most
//! a few batches are in memory at once, whatever the size of the input.

use std::io::{BufRead, Read};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{sync_channel, Receiver};
use std::thread;
use std::time::{Duration, Instant};

use chancery_extract::{warc, Options};
use chancery_model::Article;
use chancery_nlp::{Analyzer, Unplaced};
use chancery_store::{AnyReader, AnyStore, Document, Outcome, StoreError};
use rayon::prelude::*;

use crate::input::{extract_job, open_lines, Job, JsonlLines, Source};
use crate::stories::{Arrival, Stories};
use crate::IngestError;

// The one analyzer is shared by reference across the rayon pool.
const _: fn() = || {
    fn shared_across_threads<T: Sync + Send>() {}
    shared_across_threads::<Analyzer>();
};

/// Documents per batch, and so per transaction.
const BATCH_DOCS: usize = 200;
/// Documents per batch at the end of an input of known size
/// ([`Feeder::expect`]): the writer's last batch is work nothing overlaps,
/// so the last batches are cut smaller.
const LAST_BATCH_DOCS: usize = BATCH_DOCS / 4;
/// A batch is also cut when the bytes read for it reach this, so a few huge
/// documents cannot pile up in memory.
const BATCH_BYTES: usize = 64 << 20;
/// Batches between the reader and the writer: enough to keep both busy.
const CHANNEL_BATCHES: usize = 2;
/// Failures kept with their reasons for the summary; the rest are counted.
const FAILURES_LISTED: usize = 1_000;

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
pub struct Tally {
    /// New articles stored (near-duplicates included).
    pub stored: u64,
    /// Of those, near-duplicates of an earlier article.
    pub near_duplicates: u64,
    /// Documents whose article was stored already (by an earlier run or
    /// earlier in this one), not stored again.
    pub duplicates: u64,
    /// Of those, stored by an earlier run.
    pub already_stored: u64,
    /// Documents that could not be read, extracted, analysed or stored.
    pub failed: u64,
    /// The first failures with their labels and problems (at most 1,000).
    pub failures: Vec<(String, String)>,
    /// Time in the story step: opening the saved clusterer (and catching
    /// up), clustering the new articles, the settle passes and saving
    /// stories with the state.
    pub stories: Duration,
    /// Of it, the settle pass at the end of the run.
    pub settle: Duration,
}

impl Tally {
    /// Documents the run is done with: stored, duplicates and failed.
    pub fn processed(&self) -> u64 {
        self.stored + self.duplicates + self.failed
    }

    fn fail(&mut self, label: String, problem: String) {
        self.failed += 1;
        if self.failures.len() < FAILURES_LISTED {
            self.failures.push((label, problem));
        }
    }
}

/// What became of one document once its batch was committed, for callers
/// that keep their own books (`chancery watch` marks its queue).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fate {
    /// Stored as a new article.
    Stored,
    /// Already stored (by an earlier run or earlier in this one).
    Duplicate,
    /// Not stored, with the reason.
    Failed(String),
}

/// Called on the writer thread after each committed batch with the label
/// and fate of every document of the batch.
pub type OnCommit = Box<dyn FnMut(Vec<(String, Fate)>) + Send>;

/// Told how the run goes, on the writer thread (a progress bar, log lines).
pub trait Progress: Send {
    /// After each committed batch, with the run's tally so far.
    fn update(&mut self, tally: &Tally);
    /// Once, when the writer has written its last batch or stopped.
    fn finish(&mut self);
}

/// A [`Progress`] that is told nothing.
pub struct Silent;

impl Progress for Silent {
    fn update(&mut self, _: &Tally) {}
    fn finish(&mut self) {}
}

/// How a pipeline runs.
#[derive(Debug, Clone, Default)]
pub struct Config {
    /// The data directory of the corpus (created on first use), or a
    /// `postgres://` URL of a PostgreSQL database holding it.
    pub data: PathBuf,
    /// The user's knowledge-base tables, `(name, text)`, already read
    /// (formats in docs/KNOWLEDGE_BASE.md).
    pub tables: Vec<(String, String)>,
    /// Extraction options (the size cap among them).
    pub options: Options,
    /// An ingest run (`Store::begin_run`): its registry is the one of the
    /// articles stored when the run first began, so a run killed and
    /// started again analyses every document as an uninterrupted run
    /// would; the run ends when every batch is committed. Without it (a
    /// watcher that runs until stopped), the registry is that of everything
    /// stored.
    pub resumable: bool,
}

/// The analyzer with the built-in knowledge base plus `tables`, and the
/// warnings of the tables (lines skipped).
/// Its models are loaded before it returns ([`Analyzer::warm_up`]).
pub fn analyzer_with(tables: &[(String, String)]) -> Result<(Analyzer, Vec<String>), IngestError> {
    let (analyzer, warnings) = unloaded_analyzer_with(tables)?;
    analyzer.warm_up();
    Ok((analyzer, warnings))
}

/// [`analyzer_with`] without waiting for the models: they load on first use
/// (or on the threads of [`Analyzer::warm_up_in_background`]).
fn unloaded_analyzer_with(
    tables: &[(String, String)],
) -> Result<(Analyzer, Vec<String>), IngestError> {
    if tables.is_empty() {
        return Ok((Analyzer::new(), Vec::new()));
    }
    let kb = chancery_nlp::kb::KnowledgeBase::with_user_tables(tables)
        .map_err(IngestError::KnowledgeBase)?;
    let warnings = kb.warnings.clone();
    Ok((Analyzer::with_knowledge_base(kb), warnings))
}

/// The ingest pipeline: documents pushed in are extracted, analysed and
/// stored by one writer thread, a batch at a time. `chancery ingest`,
/// `chancery watch` and `chancery fetch` all feed it.
pub struct Pipeline {
    /// Where documents go in.
    pub feeder: Feeder,
    /// Why the stories were rebuilt from the stored articles, when the
    /// saved clusterer could not be used.
    pub stories_rebuilt: Option<String>,
    /// Lines of the knowledge-base tables that were skipped, and why.
    pub table_warnings: Vec<String>,
    writer: thread::JoinHandle<(Tally, Option<StoreError>)>,
}

impl Pipeline {
    /// Opens the store in `config.data` (the one writer), prepares the
    /// analyzer with the corpus's registry and starts the writer thread.
    /// `prepare` sees the store before the writer takes it.
    pub fn start(
        config: Config,
        progress: Box<dyn Progress>,
        on_commit: Option<OnCommit>,
        prepare: impl FnOnce(&AnyStore) -> Result<(), StoreError>,
    ) -> Result<Pipeline, IngestError> {
        let Config {
            data,
            tables,
            options,
            resumable,
        } = config;
        // The models load while the store opens, the stories are restored
        // and the first batch is read and analysed up to its places.
        Analyzer::warm_up_in_background();
        let mut store = AnyStore::open(&data)?;
        prepare(&store)?;
        let registry_upto = if resumable {
            Some(store.begin_run()?)
        } else {
            None
        };
        let reader = AnyReader::open(&data)?;
        // Stories continue across ingests: the clusterer saved by the last one
        // (caught up with articles a killed run stored without stories).
        let story_clock = Instant::now();
        let stories = Stories::open(&mut store, &reader)?;
        let story_open = story_clock.elapsed();
        let stories_rebuilt = stories.rebuilt_because().map(str::to_string);
        // The people earlier ingests met feed back into analysis: a bare surname
        // of a registered official resolves to them.
        let registry = crate::registry::registry_of(&reader, registry_upto.unwrap_or(i64::MAX))?;
        let mut all_tables = Vec::with_capacity(tables.len() + 1);
        if !registry.people().is_empty() {
            all_tables.push((
                "the corpus's actor registry".to_string(),
                registry.officeholder_table(),
            ));
        }
        all_tables.extend(tables);
        let (analyzer, table_warnings) = unloaded_analyzer_with(&all_tables)?;
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
            .map_err(IngestError::Thread)?;
        Ok(Pipeline {
            feeder: Feeder {
                options,
                analyzer,
                reader,
                stored_before_open,
                jobs: Vec::with_capacity(BATCH_DOCS),
                bytes: 0,
                expected: None,
                pending: Batch::default(),
                sender: Some(sender),
            },
            stories_rebuilt,
            table_warnings,
            writer,
        })
    }

    /// Sends what is buffered and waits for the writer to commit it all.
    /// Returns the tally and the store error that stopped the writer, if
    /// one did (every batch committed before it is stored).
    pub fn finish(mut self) -> Result<(Tally, Option<StoreError>), IngestError> {
        self.feeder.flush();
        drop(self.feeder);
        self.writer.join().map_err(|_| IngestError::WriterPanicked)
    }
}

/// Reads inputs into batches and sends them, analysed, to the writer.
pub struct Feeder {
    options: Options,
    analyzer: Analyzer,
    reader: AnyReader,
    /// Articles up to this internal id were stored by an earlier run.
    stored_before_open: i64,
    jobs: Vec<Job>,
    bytes: usize,
    /// Documents still to come, counting those in `jobs`, when the caller
    /// said how many there are.
    expected: Option<usize>,
    pending: Batch,
    /// `None` once the writer has stopped.
    sender: Option<std::sync::mpsc::SyncSender<Batch>>,
}

impl Feeder {
    /// False once the writer has stopped (its error comes with
    /// [`Pipeline::finish`]); what is pushed then is dropped.
    pub fn is_open(&self) -> bool {
        self.sender.is_some()
    }

    /// Reads every document of `source` into the pipeline; documents over
    /// `max_bytes` (lines, records, stdin) fail alone.
    pub fn read(&mut self, source: Source, max_bytes: usize) {
        match source {
            Source::Document(path) => self.push(Job::File(path)),
            Source::Jsonl(path) => self.read_jsonl(&path, max_bytes),
            Source::Warc(path) => match open_lines(&path) {
                Ok(reader) => self.read_warc(reader, &path.display().to_string(), max_bytes),
                Err(err) => self.fail(path.display().to_string(), err),
            },
            Source::Stdin => self.read_stdin(max_bytes),
        }
    }

    fn read_jsonl(&mut self, path: &Path, max_bytes: usize) {
        match open_lines(path) {
            Ok(reader) => self.read_jsonl_from(reader, &path.display().to_string(), max_bytes),
            Err(err) => self.fail(path.display().to_string(), err),
        }
    }

    fn read_jsonl_from(&mut self, reader: Box<dyn BufRead>, name: &str, max_bytes: usize) {
        for record in JsonlLines::new(reader, name, max_bytes) {
            match record {
                Ok((label, line)) => self.push(Job::Record { label, line }),
                Err((label, problem)) => self.fail(label, problem),
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
            Err(err) => return self.fail("<stdin>".into(), err),
        };
        match reader.fill_buf() {
            Ok(head) if head.starts_with(b"WARC/") => {
                return self.read_warc(reader, "<stdin>", max_bytes)
            }
            Ok(head) if crate::input::looks_like_jsonl(head) => {
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

    /// Says how many documents are still to be pushed (every file of a
    /// listing is one): the batches that end the input are cut smaller, so
    /// the writer finishes soon after the analysis. Only a hint: more or
    /// fewer documents are read all the same.
    pub fn expect(&mut self, documents: usize) {
        self.expected = Some(documents + self.jobs.len());
    }

    /// Adds one document; a full batch is processed and sent.
    pub fn push(&mut self, job: Job) {
        self.bytes += job.size();
        self.jobs.push(job);
        // Two full batches from the end, batches shrink.
        let batch_docs = match self.expected {
            Some(left) if left <= 2 * BATCH_DOCS => LAST_BATCH_DOCS,
            _ => BATCH_DOCS,
        };
        if self.jobs.len() >= batch_docs || self.bytes >= BATCH_BYTES {
            self.flush();
        }
    }

    /// Counts a document that failed before it could be pushed.
    pub fn fail(&mut self, label: String, problem: String) {
        self.pending.failures.push((label, problem));
        // A file of nothing but bad lines must not pile up failures either.
        if self.pending.failures.len() >= BATCH_DOCS {
            self.flush();
        }
    }

    /// Extracts, skips what is stored, analyses and sends the batch.
    pub fn flush(&mut self) {
        let Some(sender) = &self.sender else {
            return;
        };
        let jobs = std::mem::take(&mut self.jobs);
        self.bytes = 0;
        if let Some(left) = self.expected.as_mut() {
            *left = left.saturating_sub(jobs.len());
        }
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
        let finish = |unplaced: Result<Unplaced, String>| {
            unplaced.and_then(|unplaced| {
                crate::guard::contained(|| {
                    Document::new(analyzer.place(unplaced)).map_err(|e| e.to_string())
                })
            })
        };
        let documents: Vec<(String, Result<Document, String>)> = if analyzer.places_ready() {
            // One pass: a pass more is a wait more for the core that
            // finishes its share first.
            articles
                .into_par_iter()
                .map(|(label, article)| {
                    let unplaced = crate::guard::analyze_unplaced(analyzer, article);
                    (label, finish(unplaced))
                })
                .collect()
        } else {
            // Places in a second pass: they need the gazetteer, the slowest
            // model to load, so the first batch is analysed this far while
            // it loads rather than waiting for it.
            let unplaced: Vec<(String, Result<Unplaced, String>)> = articles
                .into_par_iter()
                .map(|(label, article)| (label, crate::guard::analyze_unplaced(analyzer, article)))
                .collect();
            unplaced
                .into_par_iter()
                .map(|(label, unplaced)| (label, finish(unplaced)))
                .collect()
        };
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

/// The writer thread: commits each batch as one transaction and keeps the
/// tally. Returns the tally and the error that stopped it, if any.
fn write_batches(
    mut store: AnyStore,
    batches: Receiver<Batch>,
    mut progress: Box<dyn Progress>,
    mut stories: Stories,
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
                    &Arrival {
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
    store: &mut AnyStore,
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
