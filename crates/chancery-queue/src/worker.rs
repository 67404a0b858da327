//! The worker: claims jobs, runs them through the same
//! `chancery_ingest::Pipeline` that `chancery ingest` uses (URLs through
//! `chancery_ingest::fetch_pages`, as `chancery fetch`), and marks each job
//! done only after the store committed its document (`OnCommit`), so a
//! worker killed at any moment loses nothing: its jobs' leases run out and
//! another worker takes them; what it had committed is found stored and
//! not written twice (the store refuses an article it holds).
//!
//! The store is whatever `WorkerConfig::data` names. A data directory
//! (SQLite) has one writer at a time: a worker takes it for a session (up
//! to `session_jobs` jobs or until nothing is due) and gives it up, and a
//! worker that finds it taken waits without holding jobs, so workers on
//! one machine take turns on it, each using every core for extraction and
//! analysis. A PostgreSQL store (`postgres://…`) takes any number of
//! writers: every worker, on any machine, holds its session at once.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread;
use std::time::{Duration, Instant};

use chancery_extract::Options;
use chancery_ingest::{
    fetch_pages, Config, Fate, IngestError, Job, OnCommit, Pipeline, Silent, Source, WatchConfig,
    WatchEvent,
};
use chancery_store::StoreError;
use chancery_watch::{CrawlConfig, PollPolicy, Url};

use crate::queue::{Claimed, Failed, Kind, Queue};
use crate::QueueError;

/// The kinds a document session takes.
const DOCUMENT_KINDS: &[Kind] = &[Kind::File, Kind::Record, Kind::Warc];
/// How often a worker waiting for the store tries it again.
const STORE_RETRY: Duration = Duration::from_millis(250);

/// How a worker runs.
#[derive(Debug, Clone)]
pub struct WorkerConfig {
    /// The data directory of the corpus the jobs are stored in.
    pub data: PathBuf,
    /// The user's knowledge-base tables, `(name, text)`, already read.
    pub tables: Vec<(String, String)>,
    /// Extraction options (the size cap among them).
    pub options: Options,
    /// The crawler's manners for URL jobs.
    pub crawl: CrawlConfig,
    /// This worker's name in the queue's leases (unique per process).
    pub owner: String,
    /// How long a claimed job stays leased without a heartbeat.
    pub lease: Duration,
    /// The wait before a failed job's second attempt (doubled each time).
    pub backoff: Duration,
    /// Jobs per claim.
    pub batch: usize,
    /// Jobs per hold of the store, before it is given up for others.
    pub session_jobs: usize,
    /// The wait between looks at an idle queue.
    pub poll: Duration,
    /// Stop once no job is queued or running (batch jobs, tests).
    pub exit_when_idle: bool,
}

/// A unique name for this process in the queue's leases:
/// `host:pid:start`.
pub fn worker_name() -> String {
    let host = std::fs::read_to_string("/etc/hostname")
        .ok()
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
        .or_else(|| std::env::var("HOSTNAME").ok())
        .unwrap_or_else(|| "localhost".into());
    let started = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64 & 0xffff_ffff);
    format!("{host}:{}:{started:08x}", std::process::id())
}

/// Something a worker did that its user may want to see.
#[derive(Debug, Clone, PartialEq)]
pub enum WorkerEvent {
    /// The store is another worker's; waiting for it (said once per wait).
    WaitingForStore,
    /// Jobs were claimed.
    Claimed {
        /// How many.
        jobs: usize,
    },
    /// A job failed and is queued again.
    Retry {
        /// The job's label.
        label: String,
        /// The attempt that failed.
        attempt: i32,
        /// The backoff before the next.
        after: Duration,
        /// Why it failed.
        error: String,
    },
    /// A job failed its last attempt and was dead-lettered.
    Dead {
        /// The job's label.
        label: String,
        /// Why it failed.
        error: String,
    },
    /// Jobs whose lease ran out were taken back.
    Reaped {
        /// How many.
        jobs: u64,
    },
    /// Jobs this worker finished had been taken by another worker (its
    /// lease ran out first); the other worker finishes them.
    LeasesLost {
        /// How many.
        jobs: usize,
    },
    /// A statement on the queue failed; tried again later.
    QueueProblem {
        /// What went wrong.
        error: String,
    },
    /// A hold of the store ended.
    SessionEnded {
        /// Jobs done in it.
        done: u64,
        /// Jobs that failed in it.
        failed: u64,
        /// How long it held the store.
        elapsed: Duration,
    },
}

/// Told what a worker does, from any of its threads.
pub type OnWorkerEvent = Arc<dyn Fn(&WorkerEvent) + Send + Sync>;

/// What a worker did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct WorkerSummary {
    /// Jobs done.
    pub done: u64,
    /// Of those, documents stored as new articles.
    pub stored: u64,
    /// Failed attempts queued again.
    pub retried: u64,
    /// Jobs dead-lettered.
    pub dead: u64,
    /// Holds of the store.
    pub sessions: u64,
    /// Time in the pipelines' story step (clustering, when this worker
    /// was elected to cluster for the fleet; settling at each hold's end).
    pub stories: std::time::Duration,
}

/// Runs a worker on the queue at `url` until the queue is idle (with
/// `exit_when_idle`) or `stop` is set.
pub fn run_worker(
    url: &str,
    config: WorkerConfig,
    on_event: OnWorkerEvent,
    stop: Arc<AtomicBool>,
) -> Result<WorkerSummary, QueueError> {
    let queue = Queue::connect(url)?;
    let marks = Arc::new(Mutex::new(Marks::new(
        queue.reconnect()?,
        config.owner.clone(),
        config.backoff,
        on_event.clone(),
    )));
    let heartbeat = Heartbeat::start(queue.reconnect()?, &config, on_event.clone())?;
    let mut worker = Worker {
        queue,
        config,
        on_event,
        stop,
        marks,
        last_reap: None,
    };
    let result = worker.run();
    heartbeat.stop();
    let summary = lock(&worker.marks).summary;
    result.map(|()| summary)
}

struct Worker {
    queue: Queue,
    config: WorkerConfig,
    on_event: OnWorkerEvent,
    stop: Arc<AtomicBool>,
    marks: Arc<Mutex<Marks>>,
    last_reap: Option<Instant>,
}

impl Worker {
    fn run(&mut self) -> Result<(), QueueError> {
        while !self.stop.load(Ordering::Relaxed) {
            self.reap_when_due(false)?;
            let (documents_due, _) = self.queue.pending(DOCUMENT_KINDS)?;
            if documents_due {
                self.document_session()?;
                continue;
            }
            let (urls_due, unfinished) = self.queue.pending(&[Kind::Url])?;
            if urls_due {
                self.url_session()?;
                continue;
            }
            if !unfinished && self.config.exit_when_idle {
                // Nothing queued nor running anywhere: the marks this
                // worker could not write yet are the last thing to do.
                lock(&self.marks).flush();
                break;
            }
            // Retries wait out their backoff, other workers run the rest;
            // a lease that runs out is taken back at the next reap.
            sleep_unless(&self.stop, self.config.poll);
            self.reap_when_due(true)?;
        }
        Ok(())
    }

    /// Takes back expired leases, at most twice per lease (`force`: now).
    fn reap_when_due(&mut self, force: bool) -> Result<(), QueueError> {
        let due = self
            .last_reap
            .is_none_or(|at| at.elapsed() >= self.config.lease / 2);
        if !(force || due) {
            return Ok(());
        }
        self.last_reap = Some(Instant::now());
        let jobs = self.queue.reap()?;
        if jobs > 0 {
            (self.on_event)(&WorkerEvent::Reaped { jobs });
        }
        Ok(())
    }

    /// Opens the pipeline (waiting while another worker holds the store),
    /// or `None` when asked to stop while waiting.
    fn open_pipeline(&self) -> Result<Option<Pipeline>, QueueError> {
        let mut told = false;
        loop {
            let config = Config {
                data: self.config.data.clone(),
                tables: self.config.tables.clone(),
                options: self.config.options.clone(),
                resumable: true,
            };
            let on_commit: OnCommit = {
                let marks = self.marks.clone();
                Box::new(move |fates: Vec<(String, Fate)>| lock(&marks).committed(fates))
            };
            match Pipeline::start(config, Box::new(Silent), Some(on_commit), |_| Ok(())) {
                Ok(pipeline) => return Ok(Some(pipeline)),
                Err(IngestError::Store(StoreError::Locked { .. })) => {
                    if !told {
                        (self.on_event)(&WorkerEvent::WaitingForStore);
                        told = true;
                    }
                    if self.stop.load(Ordering::Relaxed) {
                        return Ok(None);
                    }
                    thread::sleep(STORE_RETRY);
                }
                Err(error) => return Err(error.into()),
            }
        }
    }

    /// Holds the store for up to `session_jobs` file, record and WARC jobs.
    fn document_session(&mut self) -> Result<(), QueueError> {
        let Some(mut pipeline) = self.open_pipeline()? else {
            return Ok(());
        };
        let started = Instant::now();
        lock(&self.marks).begin_session();
        let mut taken = 0;
        let mut claim_error = None;
        while taken < self.config.session_jobs
            && pipeline.feeder.is_open()
            && !self.stop.load(Ordering::Relaxed)
        {
            if let Err(error) = self.reap_when_due(false) {
                claim_error = Some(error);
                break;
            }
            let limit = self.config.batch.min(self.config.session_jobs - taken);
            let claimed =
                match self
                    .queue
                    .claim(&self.config.owner, DOCUMENT_KINDS, limit, self.config.lease)
                {
                    Ok(claimed) => claimed,
                    Err(error) => {
                        claim_error = Some(error);
                        break;
                    }
                };
            if claimed.is_empty() {
                break;
            }
            taken += claimed.len();
            (self.on_event)(&WorkerEvent::Claimed {
                jobs: claimed.len(),
            });
            for job in claimed {
                let feed = lock(&self.marks).expect(&job);
                match feed {
                    Feed::Job(job) => pipeline.feeder.push(job),
                    Feed::Source(source) => {
                        pipeline.feeder.read(source, self.config.options.max_bytes)
                    }
                    Feed::Nothing => {}
                }
            }
            pipeline.feeder.flush();
        }
        // Every batch committed (or the writer's error) before the session
        // ends; what no commit reported fails with that error.
        let stopped = match pipeline.finish() {
            Ok((tally, stopped)) => {
                lock(&self.marks).summary.stories += tally.stories;
                stopped.map(|e| e.to_string())
            }
            Err(error) => Some(error.to_string()),
        };
        let (done, failed) = lock(&self.marks).end_session(stopped.as_deref());
        (self.on_event)(&WorkerEvent::SessionEnded {
            done,
            failed,
            elapsed: started.elapsed(),
        });
        match claim_error {
            Some(error) => Err(error),
            None => Ok(()),
        }
    }

    /// Fetches up to `batch` URL jobs as `chancery fetch` does.
    fn url_session(&mut self) -> Result<(), QueueError> {
        let claimed = self.queue.claim(
            &self.config.owner,
            &[Kind::Url],
            self.config.batch,
            self.config.lease,
        )?;
        if claimed.is_empty() {
            return Ok(());
        }
        let started = Instant::now();
        (self.on_event)(&WorkerEvent::Claimed {
            jobs: claimed.len(),
        });
        let mut urls = Vec::new();
        let mut done = Vec::new();
        let mut failed = Vec::new();
        let mut fetching = Vec::new();
        for job in claimed {
            match Url::parse(&job.payload) {
                Ok(url) => {
                    urls.push(url);
                    fetching.push(job);
                }
                Err(error) => failed.push((job, format!("not a URL: {error}"))),
            }
        }
        let page_failures: Arc<Mutex<HashMap<String, String>>> = Arc::default();
        let on_page: chancery_ingest::OnEvent = {
            let page_failures = page_failures.clone();
            Arc::new(move |event: &WatchEvent| {
                if let WatchEvent::PageFailed { url, problem } = event {
                    lock(&page_failures).insert(url.clone(), problem.clone());
                }
            })
        };
        let config = WatchConfig {
            data: self.config.data.clone(),
            tables: self.config.tables.clone(),
            max_bytes: self.config.options.max_bytes,
            crawl: self.config.crawl.clone(),
            policy: PollPolicy::default(),
            fetch_limit: 0,
            sources: Vec::new(),
        };
        let mut stored = 0;
        let stopped = match fetch_pages(config, urls, on_page) {
            Ok(summary) => {
                stored = summary.tally.stored;
                summary.stopped.map(|e| e.to_string())
            }
            Err(IngestError::Store(StoreError::Locked { .. })) => {
                // Never started: the jobs go back uncounted.
                let ids: Vec<i64> = fetching.iter().map(|j| j.id).collect();
                self.queue.release(&self.config.owner, &ids)?;
                (self.on_event)(&WorkerEvent::WaitingForStore);
                sleep_unless(&self.stop, STORE_RETRY);
                return Ok(());
            }
            Err(error) => Some(error.to_string()),
        };
        let page_failures = lock(&page_failures);
        for job in fetching {
            match (page_failures.get(&job.payload), &stopped) {
                (Some(problem), _) => failed.push((job, problem.clone())),
                (None, Some(error)) => failed.push((job, error.clone())),
                (None, None) => done.push((job.id, "fetched".to_string())),
            }
        }
        let mut marks = lock(&self.marks);
        let done_count = done.len() as u64;
        let failed_count = failed.len() as u64;
        marks.summary.stored += stored;
        marks.labels_of_failed(&failed);
        marks.pending_done.extend(done);
        marks
            .pending_failed
            .extend(failed.into_iter().map(|(job, e)| (job.id, e)));
        marks.flush();
        (self.on_event)(&WorkerEvent::SessionEnded {
            done: done_count,
            failed: failed_count,
            elapsed: started.elapsed(),
        });
        Ok(())
    }
}

/// What the pipeline is given for a job.
enum Feed {
    Job(Job),
    Source(Source),
    /// Nothing for the pipeline: the job failed already.
    Nothing,
}

/// A WARC job's records, reported as their batches commit.
#[derive(Default)]
struct WarcBook {
    id: i64,
    stored: u64,
    duplicates: u64,
    failures: Vec<String>,
    failed: u64,
}

/// The worker's books: which pipeline label is which job, and the queue
/// updates not written yet. Shared by the feeding thread and the
/// pipeline's writer thread (`OnCommit`), which has its own connection.
struct Marks {
    queue: Queue,
    owner: String,
    backoff: Duration,
    on_event: OnWorkerEvent,
    by_label: HashMap<String, i64>,
    warcs: HashMap<String, WarcBook>,
    labels: HashMap<i64, String>,
    pending_done: Vec<(i64, String)>,
    pending_failed: Vec<(i64, String)>,
    session_done: u64,
    session_failed: u64,
    summary: WorkerSummary,
}

impl Marks {
    fn new(queue: Queue, owner: String, backoff: Duration, on_event: OnWorkerEvent) -> Marks {
        Marks {
            queue,
            owner,
            backoff,
            on_event,
            by_label: HashMap::new(),
            warcs: HashMap::new(),
            labels: HashMap::new(),
            pending_done: Vec::new(),
            pending_failed: Vec::new(),
            session_done: 0,
            session_failed: 0,
            summary: WorkerSummary::default(),
        }
    }

    fn begin_session(&mut self) {
        self.session_done = 0;
        self.session_failed = 0;
        self.summary.sessions += 1;
    }

    /// Books a claimed job and says what to feed the pipeline.
    fn expect(&mut self, job: &Claimed) -> Feed {
        self.labels.insert(job.id, job.label.clone());
        match job.kind {
            Kind::File => {
                self.by_label.insert(job.payload.clone(), job.id);
                Feed::Job(Job::File(PathBuf::from(&job.payload)))
            }
            Kind::Record => {
                // The job's id keeps labels unique when two files' lines
                // share a name.
                let label = format!("{} [job {}]", job.label, job.id);
                self.by_label.insert(label.clone(), job.id);
                Feed::Job(Job::Record {
                    label,
                    line: job.payload.clone(),
                })
            }
            Kind::Url => {
                // URL jobs are fetched in sessions of their own.
                self.pending_failed.push((
                    job.id,
                    "a URL job was claimed for a document session (a bug); it is tried again"
                        .into(),
                ));
                Feed::Nothing
            }
            Kind::Warc => {
                self.warcs.insert(
                    job.payload.clone(),
                    WarcBook {
                        id: job.id,
                        ..WarcBook::default()
                    },
                );
                Feed::Source(Source::Warc(PathBuf::from(&job.payload)))
            }
        }
    }

    /// The writer thread's report of a committed batch.
    fn committed(&mut self, fates: Vec<(String, Fate)>) {
        for (label, fate) in fates {
            if let Some(id) = self.by_label.remove(&label) {
                match fate {
                    Fate::Stored => {
                        self.summary.stored += 1;
                        self.pending_done.push((id, "stored".into()));
                    }
                    Fate::Duplicate => self.pending_done.push((id, "duplicate".into())),
                    Fate::Failed(problem) => self.pending_failed.push((id, problem)),
                }
                continue;
            }
            // A WARC's record ("PATH record N"), or the WARC itself when
            // it could not be opened.
            let path = label
                .rsplit_once(" record ")
                .map_or(label.as_str(), |(path, _)| path);
            let book = match self.warcs.get_mut(path) {
                Some(book) => book,
                None => match self.warcs.get_mut(&label) {
                    Some(book) => book,
                    None => continue,
                },
            };
            match fate {
                Fate::Stored => {
                    book.stored += 1;
                    self.summary.stored += 1;
                }
                Fate::Duplicate => book.duplicates += 1,
                Fate::Failed(problem) => {
                    book.failed += 1;
                    if book.failures.len() < 3 {
                        book.failures.push(format!("{label}: {problem}"));
                    }
                }
            }
        }
        self.flush();
    }

    /// Writes the marks not written yet; on a queue error they are kept
    /// for the next try (the jobs stay leased to this worker meanwhile).
    fn flush(&mut self) {
        let done = std::mem::take(&mut self.pending_done);
        match self.queue.complete(&self.owner, &done) {
            Ok(marked) => {
                self.session_done += done.len() as u64;
                self.summary.done += marked;
                for (id, _) in &done {
                    self.labels.remove(id);
                }
                if (marked as usize) < done.len() {
                    (self.on_event)(&WorkerEvent::LeasesLost {
                        jobs: done.len() - marked as usize,
                    });
                }
            }
            Err(error) => {
                (self.on_event)(&WorkerEvent::QueueProblem {
                    error: error.to_string(),
                });
                self.pending_done = done;
            }
        }
        let failed = std::mem::take(&mut self.pending_failed);
        let errors: HashMap<i64, String> = failed.iter().cloned().collect();
        match self.queue.fail(&self.owner, &failed, self.backoff) {
            Ok(outcomes) => {
                self.session_failed += failed.len() as u64;
                for outcome in outcomes {
                    let (id, event) = match outcome {
                        Failed::Retry { id, attempt, after } => {
                            self.summary.retried += 1;
                            let event = WorkerEvent::Retry {
                                label: self.labels.get(&id).cloned().unwrap_or_default(),
                                attempt,
                                after,
                                error: errors.get(&id).cloned().unwrap_or_default(),
                            };
                            (id, event)
                        }
                        Failed::Dead { id } => {
                            self.summary.dead += 1;
                            let event = WorkerEvent::Dead {
                                label: self.labels.get(&id).cloned().unwrap_or_default(),
                                error: errors.get(&id).cloned().unwrap_or_default(),
                            };
                            (id, event)
                        }
                    };
                    self.labels.remove(&id);
                    (self.on_event)(&event);
                }
            }
            Err(error) => {
                (self.on_event)(&WorkerEvent::QueueProblem {
                    error: error.to_string(),
                });
                self.pending_failed = failed;
            }
        }
    }

    /// Remembers the labels of jobs failed outside the pipeline.
    fn labels_of_failed(&mut self, failed: &[(Claimed, String)]) {
        for (job, _) in failed {
            self.labels.insert(job.id, job.label.clone());
        }
    }

    /// Settles the session's jobs once the pipeline finished: WARC jobs
    /// by their records, jobs no commit reported failed with the writer's
    /// error (`stopped`). Returns the session's done and failed counts.
    fn end_session(&mut self, stopped: Option<&str>) -> (u64, u64) {
        for (_, book) in std::mem::take(&mut self.warcs) {
            if let Some(error) = stopped {
                self.pending_failed.push((book.id, error.to_string()));
            } else if book.failed > 0 {
                let mut error = format!(
                    "{} of {} records failed: {}",
                    book.failed,
                    book.failed + book.stored + book.duplicates,
                    book.failures.join("; ")
                );
                if book.failed as usize > book.failures.len() {
                    error.push_str("; …");
                }
                self.pending_failed.push((book.id, error));
            } else {
                self.pending_done.push((
                    book.id,
                    format!("{} stored, {} duplicates", book.stored, book.duplicates),
                ));
            }
        }
        let error = stopped.unwrap_or("the pipeline reported nothing for it (a bug)");
        for (_, id) in std::mem::take(&mut self.by_label) {
            self.pending_failed.push((id, error.to_string()));
        }
        self.flush();
        (self.session_done, self.session_failed)
    }
}

/// The heartbeat thread: renews the worker's leases every third of a
/// lease, on its own connection.
struct Heartbeat {
    stop: Arc<AtomicBool>,
    thread: thread::JoinHandle<()>,
}

impl Heartbeat {
    fn start(
        mut queue: Queue,
        config: &WorkerConfig,
        on_event: OnWorkerEvent,
    ) -> Result<Heartbeat, QueueError> {
        let stop = Arc::new(AtomicBool::new(false));
        let owner = config.owner.clone();
        let lease = config.lease;
        let thread = {
            let stop = stop.clone();
            thread::Builder::new()
                .name("chancery-heartbeat".into())
                .spawn(move || {
                    while !stop.load(Ordering::Relaxed) {
                        sleep_unless(&stop, lease / 3);
                        if stop.load(Ordering::Relaxed) {
                            break;
                        }
                        if let Err(error) = queue.heartbeat(&owner, lease) {
                            on_event(&WorkerEvent::QueueProblem {
                                error: error.to_string(),
                            });
                            if let Ok(fresh) = queue.reconnect() {
                                queue = fresh;
                            }
                        }
                    }
                })
                .map_err(QueueError::Thread)?
        };
        Ok(Heartbeat { stop, thread })
    }

    fn stop(self) {
        self.stop.store(true, Ordering::Relaxed);
        let _ = self.thread.join();
    }
}

/// Sleeps `total`, waking early when `stop` is set.
fn sleep_unless(stop: &AtomicBool, total: Duration) {
    let until = Instant::now() + total;
    while !stop.load(Ordering::Relaxed) {
        let left = until.saturating_duration_since(Instant::now());
        if left.is_zero() {
            break;
        }
        thread::sleep(left.min(Duration::from_millis(100)));
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn worker_names_differ_between_processes_and_name_the_pid() {
        let name = worker_name();
        let parts: Vec<&str> = name.rsplitn(3, ':').collect();
        assert_eq!(parts.len(), 3, "{name}");
        assert_eq!(parts[1], std::process::id().to_string());
    }

    #[test]
    fn sleeping_stops_when_asked() {
        let stop = AtomicBool::new(true);
        let started = Instant::now();
        sleep_unless(&stop, Duration::from_secs(30));
        assert!(started.elapsed() < Duration::from_secs(30));
    }
}
