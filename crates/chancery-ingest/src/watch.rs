//! The watch loop: news from the web into the corpus, for `chancery watch`,
//! `chancery fetch` and `chancery serve --watch` alike.
//!
//! A round polls the sources that are due (feeds and sitemaps, with
//! conditional GETs), queues the article URLs they list that were never
//! queued (or whose stamp changed), then fetches the queue and hands every
//! page to the [`Pipeline`] (the one `chancery ingest` runs). The feed
//! state and the queue live in the store; a URL is marked done on the
//! writer thread once its batch is committed, so a killed watcher loses
//! nothing and stores nothing twice. Fetching, manners and the SSRF guard
//! are `chancery_watch`'s; this module keeps the books and knows no HTTP.
//!
//! In a data directory one watcher runs at a time (it is the store's
//! writer). In PostgreSQL (`data` a `postgres://` URL) any number of
//! watchers, on any machines, may follow the same sources: the feeds and
//! the queue are shared in the database, and each watcher claims the
//! feeds it polls and the URLs it fetches
//! ([`AnyWatchState::due_feeds`], [`AnyWatchState::due`]) until it saves
//! or marks them, so a page is fetched by one watcher, and stored once
//! whoever fetched it (the store refuses an article it holds). Their
//! articles reach the fleet's elected story clusterer as any worker's do.
//!
//! The loop prints nothing: what happens comes to the caller's
//! [`OnEvent`] as a [`WatchEvent`], whose `Display` is the line to show.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use chancery_extract::Options;
use chancery_store::{AnyWatchState, FeedState, Finish, NewItem, StoreError};
use chancery_watch::{
    canonicalize, looks_like_html, parse_listing, Body, CrawlConfig, Crawler, ListingKind,
    PollPolicy, Response, Source, SourceKind, Task, Url, Validators, Want, WatchError,
};

use crate::{Config, Fate, IngestError, Job, OnCommit, Pipeline, Progress, Silent, Tally};

/// Queued URLs taken per fetch pass: enough that the URLs of many hosts
/// (queued feed by feed) are fetched side by side.
const CHUNK: usize = 10_000;
/// A page that failed this many times (transiently) is given up.
const MAX_PAGE_ATTEMPTS: i64 = 5;
/// Sitemap indexes nest; polls in one round go at most this deep.
const MAX_LISTING_DEPTH: usize = 4;
/// A progress event at most this often while a queue is fetched.
const PROGRESS_EVERY: Duration = Duration::from_secs(5);
/// The longest sleep between two rounds (failed pages come due too).
const MAX_SLEEP: Duration = Duration::from_secs(60);
/// How often a sleeping watcher looks at its stop flag.
const STOP_CHECK: Duration = Duration::from_millis(200);

/// How a watcher runs.
#[derive(Debug, Clone)]
pub struct WatchConfig {
    /// The corpus: a data directory (created on first use) or a
    /// `postgres://` URL.
    pub data: PathBuf,
    /// The user's knowledge-base tables, `(name, text)`, already read.
    pub tables: Vec<(String, String)>,
    /// Refuse pages larger than this many bytes (also after gunzip).
    pub max_bytes: usize,
    /// The crawler's manners, caps and guard.
    pub crawl: CrawlConfig,
    /// Polling intervals (a source's own bounds override `min` and `max`).
    pub policy: PollPolicy,
    /// Fetch at most this many pages per round (0: all that are due).
    pub fetch_limit: usize,
    /// What to follow (a `chancery fetch` follows nothing).
    pub sources: Vec<Source>,
}

/// Something a watcher did that its user may want to see. `Display`
/// gives it as a line (without a program-name prefix).
#[derive(Debug, Clone, PartialEq)]
pub enum WatchEvent {
    /// A feed or sitemap was polled.
    Polled {
        /// The source.
        url: String,
        /// What it turned out to be (`feed`, `sitemap`, `page`).
        kind: String,
        /// URLs new to the queue.
        new: usize,
    },
    /// A poll failed; the source is tried again after `wait`.
    PollFailed {
        /// The source.
        url: String,
        /// Failures in a row.
        streak: i64,
        /// Until the next try.
        wait: Duration,
        /// Why, with what to do.
        error: String,
    },
    /// A page could not be fetched, or its document failed in the pipeline.
    PageFailed {
        /// The page's queue URL.
        url: String,
        /// Why.
        problem: String,
    },
    /// Pages are being fetched (now and then during a long fetch pass).
    Fetching {
        /// Pages with a body so far in this pass.
        fetched: usize,
        /// Pages per second in this pass.
        per_second: f64,
        /// New articles stored by this watcher so far.
        stored: u64,
    },
    /// A batch was committed: readers of the store see its articles now
    /// (sent on the writer thread; a search index may catch up).
    Committed {
        /// New articles in the batch.
        stored: u64,
    },
    /// A round ended.
    Round(RoundReport),
}

/// What one round did, and the watcher's totals so far.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RoundReport {
    /// Sources polled.
    pub polls: usize,
    /// Pages fetched with a body.
    pub fetched: usize,
    /// The round's duration.
    pub elapsed: Duration,
    /// New articles stored so far.
    pub stored: u64,
    /// Documents found stored already, so far.
    pub duplicates: u64,
    /// Documents that failed in the pipeline, so far.
    pub failed: u64,
    /// HTTP requests sent so far.
    pub requests: u64,
    /// Connections the address guard refused so far.
    pub refused: u64,
}

impl fmt::Display for WatchEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WatchEvent::Polled { url, kind, new } => write!(f, "polled {url} ({kind}): {new} new"),
            WatchEvent::PollFailed {
                streak,
                wait,
                error,
                ..
            } => write!(
                f,
                "poll failed ({streak} in a row, next try in {} s): {error}",
                wait.as_secs()
            ),
            WatchEvent::PageFailed { url, problem } => write!(f, "{url}: {problem}"),
            WatchEvent::Fetching {
                fetched,
                per_second,
                stored,
            } => write!(
                f,
                "watch: {fetched} pages fetched ({per_second:.0}/s), {stored} stored"
            ),
            WatchEvent::Committed { stored } => write!(f, "watch: {stored} new articles committed"),
            WatchEvent::Round(r) => write!(
                f,
                "watch: {} polls, {} pages fetched in {:.1} s; stored so far {} new, {} duplicates, {} failed; {} requests, {} refused by the address guard",
                r.polls,
                r.fetched,
                r.elapsed.as_secs_f64(),
                r.stored,
                r.duplicates,
                r.failed,
                r.requests,
                r.refused
            ),
        }
    }
}

/// Told of every [`WatchEvent`], from the watcher's thread and the
/// pipeline's writer thread.
pub type OnEvent = Arc<dyn Fn(&WatchEvent) + Send + Sync>;

/// What a watcher or a fetch did in all, when it ends.
#[derive(Debug)]
pub struct WatchSummary {
    /// The pipeline's tally (stored, duplicates, failed…).
    pub tally: Tally,
    /// Pages that could not be fetched (404, robots.txt, the guard…).
    pub not_fetched: u64,
    /// HTTP requests sent.
    pub requests: u64,
    /// Connections the address guard refused.
    pub refused: u64,
    /// URLs robots.txt disallowed (never requested).
    pub robots_denied: u64,
    /// From start to end.
    pub elapsed: Duration,
    /// Why the writer stopped early, when it did: every batch committed
    /// before it is stored and marked, and a rerun goes on.
    pub stopped: Option<StoreError>,
}

fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

/// What the writer thread reports back as batches commit.
#[derive(Default)]
struct Committed {
    stored: AtomicU64,
    duplicates: AtomicU64,
    failed: AtomicU64,
}

/// Validators of fetched pages waiting for their batch to commit.
type Awaiting = Arc<Mutex<HashMap<String, Validators>>>;

/// A source's own settings, by its URL.
#[derive(Debug, Clone, Default)]
struct Own {
    name: Option<String>,
    min: Option<Duration>,
    max: Option<Duration>,
}

/// The watch loop over one corpus: the crawler, the pipeline (which owns
/// the store's writer) and the feed state and queue.
pub struct Watcher {
    pipeline: Pipeline,
    /// Shared so that a run's results can go to `&mut self` as they come.
    crawler: Arc<Crawler>,
    committed: Arc<Committed>,
    awaiting: Awaiting,
    state: AnyWatchState,
    policy: PollPolicy,
    fetch_limit: usize,
    own: HashMap<String, Own>,
    not_fetched: u64,
    on_event: OnEvent,
    started: Instant,
}

impl Watcher {
    /// Opens the store (taking a data directory's writer's lock), starts
    /// the pipeline and follows the configured sources
    /// ([`Watcher::follow`]); committed pages are marked done in the fetch
    /// queue on the writer thread.
    pub fn start(mut config: WatchConfig, on_event: OnEvent) -> Result<Watcher, IngestError> {
        let sources = std::mem::take(&mut config.sources);
        let mut watcher = Watcher::start_with(config, on_event, true)?;
        watcher.follow(&sources)?;
        Ok(watcher)
    }

    fn start_with(
        config: WatchConfig,
        on_event: OnEvent,
        queue: bool,
    ) -> Result<Watcher, IngestError> {
        let committed = Arc::new(Committed::default());
        let awaiting: Awaiting = Arc::default();
        // The writer thread's own connection to the watch state.
        let writer_state = Arc::new(Mutex::new(None::<AnyWatchState>));
        let on_commit: OnCommit = {
            let committed = committed.clone();
            let awaiting = awaiting.clone();
            let writer_state = writer_state.clone();
            let on_event = on_event.clone();
            Box::new(move |fates: Vec<(String, Fate)>| {
                let mut finishes = Vec::with_capacity(fates.len());
                let mut stored = 0;
                for (label, fate) in fates {
                    let validators = lock(&awaiting).remove(&label).unwrap_or_default();
                    let done = Finish::Done {
                        etag: validators.etag,
                        last_modified: validators.last_modified,
                    };
                    let finish = match fate {
                        Fate::Stored => {
                            stored += 1;
                            done
                        }
                        Fate::Duplicate => {
                            committed.duplicates.fetch_add(1, Ordering::Relaxed);
                            done
                        }
                        Fate::Failed(problem) => {
                            committed.failed.fetch_add(1, Ordering::Relaxed);
                            on_event(&WatchEvent::PageFailed {
                                url: label.clone(),
                                problem: problem.clone(),
                            });
                            Finish::Gone { error: problem }
                        }
                    };
                    finishes.push((label, finish));
                }
                committed.stored.fetch_add(stored, Ordering::Relaxed);
                if let Some(state) = lock(&writer_state).as_mut() {
                    if let Err(error) = state.finish(&finishes, unix_now()) {
                        // The pages are stored; their queue rows stay
                        // pending and are found stored on the next run.
                        on_event(&WatchEvent::PageFailed {
                            url: batch_label(&finishes),
                            problem: format!("cannot mark fetched pages done: {error}"),
                        });
                    }
                }
                if stored > 0 {
                    on_event(&WatchEvent::Committed { stored });
                }
            })
        };
        let options = Options {
            max_bytes: config.max_bytes,
            ..Options::default()
        };
        let mut main_state = None;
        let progress: Box<dyn Progress> = Box::new(Silent);
        let pipeline = Pipeline::start(
            Config {
                data: config.data.clone(),
                tables: config.tables,
                options,
                resumable: false,
            },
            progress,
            Some(on_commit),
            |store| {
                main_state = Some(store.watch_state()?);
                if queue {
                    *lock(&writer_state) = Some(store.watch_state()?);
                }
                Ok(())
            },
        )?;
        let state = main_state.expect("`prepare` ran when the pipeline started");
        Ok(Watcher {
            pipeline,
            crawler: Arc::new(Crawler::new(config.crawl)),
            committed,
            awaiting,
            state,
            policy: config.policy,
            fetch_limit: config.fetch_limit,
            own: HashMap::new(),
            not_fetched: 0,
            on_event,
            started: Instant::now(),
        })
    }

    /// The pipeline's notes on its start: why the stories were rebuilt
    /// (when they were) and knowledge-base lines skipped.
    pub fn notes(&self) -> (Option<&str>, &[String]) {
        (
            self.pipeline.stories_rebuilt.as_deref(),
            &self.pipeline.table_warnings,
        )
    }

    /// The User-Agent the crawler sends.
    pub fn user_agent(&self) -> String {
        self.crawler.config().fetch.user_agent()
    }

    /// The stop flag: once set, no request starts and [`Watcher::run`]
    /// returns after the pages in flight are stored (Ctrl-C, a server
    /// shutting down).
    pub fn stopper(&self) -> Arc<AtomicBool> {
        self.crawler.stopper()
    }

    fn stopped(&self) -> bool {
        self.crawler.stopper().load(Ordering::Relaxed)
    }

    /// Follows `sources`: every source has a row in the store (one new to
    /// it is due now; a page is queued once), and its own name and poll
    /// bounds apply from now on.
    pub fn follow(&mut self, sources: &[Source]) -> Result<(), IngestError> {
        let now = unix_now();
        for source in sources {
            let url = source.url.to_string();
            self.own.insert(
                url.clone(),
                Own {
                    name: source.name.clone(),
                    min: source.min_interval,
                    max: source.max_interval,
                },
            );
            if self.state.feed(&url)?.is_some() {
                continue;
            }
            let page = source.kind == SourceKind::Page;
            if page {
                self.state.enqueue(
                    &[NewItem {
                        url: url.clone(),
                        source: url.clone(),
                        updated: None,
                    }],
                    now,
                )?;
            }
            self.state.save_feed(&FeedState {
                url: url.clone(),
                kind: source.kind.as_str().to_string(),
                next_poll: if page { i64::MAX } else { now },
                interval_secs: self.policy_for(&url).initial.as_secs() as i64,
                ..FeedState::default()
            })?;
        }
        Ok(())
    }

    /// The polling policy of one source: the global one within its own
    /// bounds.
    fn policy_for(&self, url: &str) -> PollPolicy {
        let mut policy = self.policy;
        if let Some(own) = self.own.get(url) {
            if let Some(min) = own.min {
                policy.min = min;
            }
            if let Some(max) = own.max {
                policy.max = max;
            }
            policy.max = policy.max.max(policy.min);
            policy.initial = policy.initial.clamp(policy.min, policy.max);
        }
        policy
    }

    /// One round: polls the due sources (all of them with `everything`),
    /// then fetches the due part of the queue.
    pub fn round(&mut self, everything: bool) -> Result<RoundReport, IngestError> {
        let started = Instant::now();
        let polls = self.poll_due(everything)?;
        let fetched = self.fetch_queue()?;
        let report = RoundReport {
            polls,
            fetched,
            elapsed: started.elapsed(),
            stored: self.committed.stored.load(Ordering::Relaxed),
            duplicates: self.committed.duplicates.load(Ordering::Relaxed),
            failed: self.committed.failed.load(Ordering::Relaxed),
            requests: self.crawler.stats().requests.load(Ordering::Relaxed),
            refused: self.crawler.refused(),
        };
        (self.on_event)(&WatchEvent::Round(report));
        Ok(report)
    }

    /// Rounds until stopped ([`Watcher::stopper`]) or, with `once`, one
    /// round that polls every source; then the pipeline is finished.
    pub fn run(mut self, once: bool) -> Result<WatchSummary, IngestError> {
        loop {
            if self.stopped() || !self.pipeline.feeder.is_open() {
                break;
            }
            self.round(once)?;
            if once {
                break;
            }
            // Sleep until the next feed is due (at most a minute, so
            // retries of failed pages are picked up too).
            let next = self
                .state
                .feeds()?
                .iter()
                .filter(|f| f.kind != "page")
                .map(|f| f.next_poll)
                .min()
                .unwrap_or(i64::MAX);
            let wait = Duration::from_secs((next - unix_now()).max(1) as u64).min(MAX_SLEEP);
            let until = Instant::now() + wait;
            while Instant::now() < until && !self.stopped() {
                std::thread::sleep(STOP_CHECK.min(until - Instant::now()));
            }
        }
        self.finish()
    }

    /// Ends the pipeline (its last batch committed) and sums up.
    pub fn finish(self) -> Result<WatchSummary, IngestError> {
        let Watcher {
            pipeline,
            crawler,
            not_fetched,
            started,
            ..
        } = self;
        let (tally, stopped) = pipeline.finish()?;
        let stats = crawler.stats();
        Ok(WatchSummary {
            tally,
            not_fetched,
            requests: stats.requests.load(Ordering::Relaxed),
            refused: crawler.refused(),
            robots_denied: stats.robots_denied.load(Ordering::Relaxed),
            elapsed: started.elapsed(),
            stopped,
        })
    }

    /// Hands a fetched page to the pipeline under `label` (its queue URL),
    /// filed under its source's name when the sources file gave one.
    fn push(&mut self, label: String, feed: Option<&str>, body: Body) {
        lock(&self.awaiting).insert(label.clone(), body.validators.clone());
        let source = feed
            .and_then(|feed| self.own.get(feed))
            .and_then(|own| own.name.clone())
            .unwrap_or_else(|| body.url.host_str().unwrap_or("").to_string());
        self.pipeline.feeder.push(Job::Bytes {
            label,
            source,
            bytes: body.bytes,
            url: Some(body.url.to_string()),
            fallback_date: None,
        });
    }

    fn fail(&mut self, url: String, problem: String) {
        self.not_fetched += 1;
        (self.on_event)(&WatchEvent::PageFailed { url, problem });
    }

    /// Polls the due feeds and sitemaps (all with `everything`), queueing
    /// what they list; sitemap indexes add their sitemaps, polled in the
    /// same round.
    fn poll_due(&mut self, everything: bool) -> Result<usize, IngestError> {
        let mut polled = 0;
        let mut polled_now = HashSet::new();
        for _ in 0..MAX_LISTING_DEPTH {
            if self.stopped() {
                break;
            }
            let now = unix_now();
            let due = self.state.due_feeds(now, everything, &polled_now)?;
            if due.is_empty() {
                break;
            }
            let tasks: Vec<Task<FeedState>> = due
                .into_iter()
                .filter_map(|feed| {
                    let url = canonicalize(&feed.url, None).ok()?;
                    polled_now.insert(feed.url.clone());
                    Some(Task {
                        url,
                        validators: Validators {
                            etag: feed.etag.clone(),
                            last_modified: feed.last_modified.clone(),
                        },
                        want: Want::Listing,
                        tag: feed,
                    })
                })
                .collect();
            polled += tasks.len();
            let mut results = Vec::new();
            self.crawler.run(tasks, |finished| results.push(finished));
            for finished in results {
                let feed = self.take_poll(finished.tag, finished.result)?;
                self.state.save_feed(&feed)?;
            }
        }
        Ok(polled)
    }

    /// A feed's state after one poll.
    fn take_poll(
        &mut self,
        mut feed: FeedState,
        result: Result<Response, WatchError>,
    ) -> Result<FeedState, IngestError> {
        let now = unix_now();
        let policy = self.policy_for(&feed.url);
        feed.last_poll = Some(now);
        feed.polls += 1;
        let previous = Duration::from_secs(feed.interval_secs.max(1) as u64);
        let outcome: Result<(usize, Option<Duration>), WatchError> = match result {
            Ok(Response::NotModified) => Ok((0, None)),
            Ok(Response::Redirect(location)) => Err(WatchError::Redirect {
                url: feed.url.clone(),
                problem: format!("redirect to {location} not followed"),
            }),
            Ok(Response::Body(body)) => {
                feed.etag = body.validators.etag.clone();
                feed.last_modified = body.validators.last_modified.clone();
                self.take_listing(&mut feed, body, now)
            }
            Err(error) => Err(error),
        };
        match outcome {
            Ok((new, ttl)) => {
                let interval = policy.next_interval(previous, new, ttl);
                feed.new_items = new as i64;
                feed.total_items += new as i64;
                feed.error_streak = 0;
                feed.last_error = None;
                feed.interval_secs = interval.as_secs() as i64;
                feed.next_poll = if feed.kind == "page" {
                    i64::MAX
                } else {
                    now + feed.interval_secs
                };
                (self.on_event)(&WatchEvent::Polled {
                    url: feed.url.clone(),
                    kind: feed.kind.clone(),
                    new,
                });
            }
            Err(error) => {
                feed.error_streak += 1;
                feed.errors += 1;
                feed.new_items = 0;
                let mut wait = policy.error_delay(feed.error_streak as u32);
                if let Some(asked) = error.retry_after() {
                    wait = wait.max(asked);
                }
                feed.next_poll = now + wait.as_secs() as i64;
                feed.last_error = Some(error.to_string());
                (self.on_event)(&WatchEvent::PollFailed {
                    url: feed.url.clone(),
                    streak: feed.error_streak,
                    wait,
                    error: error.to_string(),
                });
            }
        }
        Ok(feed)
    }

    /// Reads a polled body: queues a feed's or sitemap's items, adds an
    /// index's sitemaps as sources, or takes a page given without a kind as
    /// the article it is. Returns the new items and the feed's TTL.
    fn take_listing(
        &mut self,
        feed: &mut FeedState,
        body: Body,
        now: i64,
    ) -> Result<(usize, Option<Duration>), WatchError> {
        let listing = match parse_listing(&body.bytes, &body.url) {
            Ok(listing) => listing,
            Err(_) if feed.kind == "auto" && looks_like_html(&body.bytes) => {
                // A page listed in the sources: an article, taken once.
                feed.kind = "page".into();
                let new = self
                    .state
                    .enqueue(
                        &[NewItem {
                            url: feed.url.clone(),
                            source: feed.url.clone(),
                            updated: None,
                        }],
                        now,
                    )
                    .map_err(|e| store_failure(&feed.url, e))?;
                return Ok((new, None));
            }
            Err(error) => return Err(error),
        };
        let ttl = listing.ttl;
        match listing.kind {
            ListingKind::Feed => feed.kind = "feed".into(),
            ListingKind::Sitemap | ListingKind::SitemapIndex => feed.kind = "sitemap".into(),
        }
        if listing.kind == ListingKind::SitemapIndex {
            let mut added = 0;
            for item in listing.items {
                let url = item.url.to_string();
                let known = self
                    .state
                    .feed(&url)
                    .map_err(|e| store_failure(&feed.url, e))?;
                if known.is_none() {
                    self.state
                        .save_feed(&FeedState {
                            url: url.clone(),
                            kind: "sitemap".into(),
                            next_poll: now,
                            interval_secs: feed.interval_secs,
                            ..FeedState::default()
                        })
                        .map_err(|e| store_failure(&feed.url, e))?;
                    added += 1;
                }
                // The index's name and bounds hold for its sitemaps.
                if let Some(own) = self.own.get(&feed.url).cloned() {
                    self.own.entry(url).or_insert(own);
                }
            }
            return Ok((added, ttl));
        }
        let items: Vec<NewItem> = listing
            .items
            .into_iter()
            .map(|item| NewItem {
                url: item.url.to_string(),
                source: feed.url.clone(),
                updated: item.updated,
            })
            .collect();
        let new = self
            .state
            .enqueue(&items, now)
            .map_err(|e| store_failure(&feed.url, e))?;
        Ok((new, ttl))
    }

    /// Fetches every due URL of the queue, a chunk at a time, into the
    /// pipeline. Returns how many pages came back with a body.
    fn fetch_queue(&mut self) -> Result<usize, IngestError> {
        let mut after = 0;
        let mut fetched = 0;
        let mut taken = 0;
        let started = Instant::now();
        let mut last_event = Instant::now();
        let limit = self.fetch_limit;
        loop {
            if self.stopped() {
                break;
            }
            let chunk = if limit == 0 {
                CHUNK
            } else {
                CHUNK.min(limit - taken)
            };
            if chunk == 0 {
                break;
            }
            let due = self.state.due(unix_now(), after, chunk)?;
            taken += due.len();
            let Some(last) = due.last() else {
                break;
            };
            after = last.id;
            let mut finishes = Vec::new();
            let tasks: Vec<Task<(String, Option<String>, i64)>> = due
                .into_iter()
                .filter_map(|queued| match canonicalize(&queued.url, None) {
                    Ok(url) => Some(Task {
                        url,
                        validators: Validators {
                            etag: queued.etag,
                            last_modified: queued.last_modified,
                        },
                        want: Want::Page,
                        tag: (queued.url, queued.source, queued.attempts),
                    }),
                    Err(error) => {
                        finishes.push((
                            queued.url,
                            Finish::Gone {
                                error: error.to_string(),
                            },
                        ));
                        None
                    }
                })
                .collect();
            let crawler = Arc::clone(&self.crawler);
            crawler.run(tasks, |finished| {
                let (label, feed, attempts) = finished.tag;
                match finished.result {
                    Ok(Response::Body(body)) => {
                        fetched += 1;
                        self.push(label, feed.as_deref(), body);
                    }
                    Ok(Response::NotModified) | Ok(Response::Redirect(_)) => finishes.push((
                        label,
                        Finish::Done {
                            etag: None,
                            last_modified: None,
                        },
                    )),
                    Err(error) => {
                        let attempts = attempts + 1;
                        let finish = if error.is_transient() && attempts < MAX_PAGE_ATTEMPTS {
                            let wait = error
                                .retry_after()
                                .unwrap_or(Duration::from_secs(60 << attempts.min(10)));
                            Finish::Retry {
                                at: unix_now() + wait.as_secs() as i64,
                                error: error.to_string(),
                            }
                        } else {
                            Finish::Gone {
                                error: error.to_string(),
                            }
                        };
                        self.fail(label.clone(), error.to_string());
                        finishes.push((label, finish));
                    }
                }
                if last_event.elapsed() >= PROGRESS_EVERY {
                    last_event = Instant::now();
                    (self.on_event)(&WatchEvent::Fetching {
                        fetched,
                        per_second: fetched as f64 / started.elapsed().as_secs_f64().max(1e-3),
                        stored: self.committed.stored.load(Ordering::Relaxed),
                    });
                }
            });
            self.state.finish(&finishes, unix_now())?;
        }
        self.pipeline.feeder.flush();
        Ok(fetched)
    }
}

/// A label for a failure to mark a batch done: its first URL.
fn batch_label(finishes: &[(String, Finish)]) -> String {
    finishes
        .first()
        .map_or_else(|| "a batch".to_string(), |(url, _)| url.clone())
}

fn store_failure(url: &str, error: StoreError) -> WatchError {
    WatchError::Transport {
        url: url.to_string(),
        problem: format!("cannot keep its items in the store: {error}"),
    }
}

/// Pages fetched once (`chancery fetch`), analysed and stored; the fetch
/// queue is not used. A page that cannot be fetched is a
/// [`WatchEvent::PageFailed`] and counts in `not_fetched`.
pub fn fetch_pages(
    config: WatchConfig,
    urls: Vec<Url>,
    on_event: OnEvent,
) -> Result<WatchSummary, IngestError> {
    let mut watcher = Watcher::start_with(config, on_event, false)?;
    let tasks = urls
        .into_iter()
        .map(|url| Task {
            url: url.clone(),
            validators: Validators::default(),
            want: Want::Page,
            tag: url.to_string(),
        })
        .collect();
    let crawler = Arc::clone(&watcher.crawler);
    crawler.run(tasks, |finished| match finished.result {
        Ok(Response::Body(body)) => watcher.push(finished.tag, None, body),
        Ok(_) => {}
        Err(error) => watcher.fail(finished.tag, error.to_string()),
    });
    watcher.finish()
}
