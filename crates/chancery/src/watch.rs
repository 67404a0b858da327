//! `chancery watch` and `chancery fetch`: news from the web into the corpus.
//!
//! A watch round polls the sources that are due (feeds and sitemaps, with
//! conditional GETs), queues the article URLs they list that were never
//! queued (or whose stamp changed), then fetches the queue and hands every
//! page to the ingest pipeline (`chancery_ingest::Pipeline`, the same one
//! `chancery ingest` runs). The feed state and the queue live in the store; a URL is
//! marked done on the writer thread once its batch is committed, so a killed
//! watcher loses nothing and stores nothing twice. Fetching, manners and the
//! SSRF guard are `chancery_watch`'s.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use anyhow::Context;
use chancery_extract::{Options, DEFAULT_MAX_BYTES};
use chancery_store::{FeedState, Finish, NewItem, Reader, WatchState};
use chancery_watch::{
    canonicalize, looks_like_html, parse_listing, read_sources, CrawlConfig, Crawler, FetchConfig,
    ListingKind, PollPolicy, Response, SourceKind, Task, Validators, Want, WatchError,
};
use clap::Args;

use chancery_ingest::{Config, Fate, Job, OnCommit, Pipeline};

use crate::analyze::read_tables;
use crate::ingest::Bar;

/// Queued URLs taken per fetch pass: enough that the URLs of many hosts
/// (queued feed by feed) are fetched side by side.
const CHUNK: usize = 10_000;
/// A page that failed this many times (transiently) is given up.
const MAX_PAGE_ATTEMPTS: i64 = 5;
/// Sitemap indexes nest; polls in one round go at most this deep.
const MAX_LISTING_DEPTH: usize = 4;

/// How the crawler behaves (shared by `watch` and `fetch`).
#[derive(Debug, Args)]
pub struct Manners {
    /// A URL or e-mail where site owners can reach you; sent in the User-Agent.
    #[arg(long, value_name = "URL")]
    contact: Option<String>,
    /// Allow fetching from loopback, private, link-local and other non-public
    /// addresses (intranets, tests). Off by default: a guard against SSRF.
    #[arg(long)]
    allow_private: bool,
    /// Allow this one non-public address while the guard stays on for the
    /// rest (an intranet host; the benchmark's fixture hosts). Repeatable.
    #[arg(long, value_name = "IP")]
    allow_address: Vec<std::net::IpAddr>,
    /// Least time between two requests to one host, in milliseconds (a
    /// site's robots.txt Crawl-delay is honoured when longer).
    #[arg(long, default_value_t = 1000, value_name = "MS")]
    host_delay_ms: u64,
    /// Requests per second across all hosts.
    #[arg(long, default_value_t = 20.0)]
    rate: f64,
    /// Fetching threads (at most one request per host at a time).
    #[arg(long, default_value_t = 16)]
    workers: usize,
    /// Time allowed for one request, body included, in seconds.
    #[arg(long, default_value_t = 30)]
    timeout: u64,
    /// Attempts per URL on 429, 5xx and timeouts within a run.
    #[arg(long, default_value_t = 3)]
    attempts: u32,
    /// The wait before the first retry in milliseconds (doubled for each
    /// further one, with jitter), unless the server sends Retry-After.
    #[arg(long, default_value_t = 2000, value_name = "MS")]
    backoff_ms: u64,
    /// Refuse responses larger than this many bytes (also after gunzip).
    #[arg(long, default_value_t = DEFAULT_MAX_BYTES)]
    max_bytes: usize,
}

impl Manners {
    fn crawl_config(&self) -> CrawlConfig {
        CrawlConfig {
            fetch: FetchConfig {
                contact: self.contact.clone(),
                allow_private: self.allow_private,
                allow_addresses: self.allow_address.clone(),
                timeout: Duration::from_secs(self.timeout.max(1)),
                connect_timeout: Duration::from_secs(self.timeout.clamp(1, 10)),
                max_body: self.max_bytes as u64,
                max_decoded: self.max_bytes as u64,
                ..FetchConfig::default()
            },
            host_delay: Duration::from_millis(self.host_delay_ms),
            rate: self.rate,
            workers: self.workers.max(1),
            max_attempts: self.attempts.max(1),
            backoff: Duration::from_millis(self.backoff_ms),
            ..CrawlConfig::default()
        }
    }
}

#[derive(Debug, Args)]
pub struct WatchArgs {
    /// The sources file: one feed, sitemap or page URL per line (`#` comments),
    /// optionally followed by its kind (feed, sitemap, page).
    #[arg(long, value_name = "FILE", required_unless_present = "status")]
    sources: Option<PathBuf>,
    /// The data directory of the corpus (created on first use).
    #[arg(long, env = "CHANCERY_DATA", default_value = "chancery-data")]
    data: PathBuf,
    /// Poll every source once, fetch what is new, and exit (for cron and tests).
    #[arg(long)]
    once: bool,
    /// Print the state of every followed feed and of the fetch queue, and exit.
    #[arg(long)]
    status: bool,
    /// Never poll a feed more often than this, in seconds (nor than its TTL).
    #[arg(long, default_value_t = 300)]
    min_interval: u64,
    /// Poll every feed at least this often, in seconds.
    #[arg(long, default_value_t = 6 * 3600)]
    max_interval: u64,
    /// Fetch at most this many pages per round (0: all that are due); the
    /// rest stay queued for the next round.
    #[arg(long, default_value_t = 0, value_name = "N")]
    fetch_limit: usize,
    #[command(flatten)]
    manners: Manners,
    /// Extra knowledge-base tables (see `chancery analyze --kb`).
    #[arg(long, value_name = "PATH")]
    kb: Vec<PathBuf>,
    /// No progress lines; the summary is still printed.
    #[arg(long)]
    quiet: bool,
}

#[derive(Debug, Args)]
pub struct FetchArgs {
    /// Article pages to fetch, analyse and store.
    #[arg(required = true, value_name = "URL")]
    urls: Vec<String>,
    /// The data directory of the corpus (created on first use).
    #[arg(long, env = "CHANCERY_DATA", default_value = "chancery-data")]
    data: PathBuf,
    #[command(flatten)]
    manners: Manners,
    /// Extra knowledge-base tables (see `chancery analyze --kb`).
    #[arg(long, value_name = "PATH")]
    kb: Vec<PathBuf>,
}

fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
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

/// The pipeline with the writer-side bookkeeping of the queue.
struct Sink {
    pipeline: Pipeline,
    committed: Arc<Committed>,
    awaiting: Awaiting,
    state: WatchState,
    /// Pages that could not be fetched (404, robots.txt, the guard…).
    fetch_failed: u64,
    /// Failures to print, as they happen.
    quiet: bool,
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

impl Sink {
    /// Starts the pipeline; with `queue`, committed pages are marked done in
    /// the fetch queue on the writer thread.
    fn start(
        data: &Path,
        kb: &[PathBuf],
        max_bytes: usize,
        queue: bool,
        quiet: bool,
    ) -> anyhow::Result<Sink> {
        let committed = Arc::new(Committed::default());
        let awaiting: Awaiting = Arc::default();
        // The writer thread's own connection to the watch state.
        let writer_state = Arc::new(Mutex::new(None::<WatchState>));
        let on_commit: OnCommit = {
            let committed = committed.clone();
            let awaiting = awaiting.clone();
            let writer_state = writer_state.clone();
            Box::new(move |fates: Vec<(String, Fate)>| {
                let mut finishes = Vec::with_capacity(fates.len());
                for (label, fate) in fates {
                    let validators = lock(&awaiting).remove(&label).unwrap_or_default();
                    let done = Finish::Done {
                        etag: validators.etag,
                        last_modified: validators.last_modified,
                    };
                    let finish = match fate {
                        Fate::Stored => {
                            committed.stored.fetch_add(1, Ordering::Relaxed);
                            done
                        }
                        Fate::Duplicate => {
                            committed.duplicates.fetch_add(1, Ordering::Relaxed);
                            done
                        }
                        Fate::Failed(problem) => {
                            committed.failed.fetch_add(1, Ordering::Relaxed);
                            if !quiet {
                                eprintln!("chancery: {label}: {problem}");
                            }
                            Finish::Gone { error: problem }
                        }
                    };
                    finishes.push((label, finish));
                }
                if let Some(state) = lock(&writer_state).as_mut() {
                    if let Err(error) = state.finish(&finishes, unix_now()) {
                        // The pages are stored; their queue rows stay
                        // pending and are found stored on the next run.
                        eprintln!("chancery: cannot mark fetched pages done: {error}");
                    }
                }
            })
        };
        let options = Options {
            max_bytes,
            ..Options::default()
        };
        let mut main_state = None;
        let pipeline = crate::ingest::start(
            Config {
                data: data.to_path_buf(),
                tables: read_tables(kb)?,
                options,
                resumable: false,
            },
            Bar::new(None, true),
            Some(on_commit),
            |store| {
                main_state = Some(store.watch_state()?);
                if queue {
                    *lock(&writer_state) = Some(store.watch_state()?);
                }
                Ok(())
            },
        )?;
        let state = main_state.context("the watch state was not opened")?;
        Ok(Sink {
            pipeline,
            committed,
            awaiting,
            state,
            fetch_failed: 0,
            quiet,
        })
    }

    /// Hands a fetched page to the pipeline under `label` (its queue URL).
    fn push(&mut self, label: String, body: chancery_watch::Body) {
        lock(&self.awaiting).insert(label.clone(), body.validators.clone());
        self.pipeline.feeder.push(Job::Bytes {
            label,
            source: body.url.host_str().unwrap_or("").to_string(),
            bytes: body.bytes,
            url: Some(body.url.to_string()),
            fallback_date: None,
        });
    }

    fn fail(&mut self, label: String, problem: String) {
        self.fetch_failed += 1;
        if !self.quiet {
            eprintln!("chancery: {label}: {problem}");
        }
    }
}

/// `chancery watch`.
pub fn run_watch(args: WatchArgs) -> anyhow::Result<ExitCode> {
    if args.status {
        return status(&args.data);
    }
    let sources_path = args
        .sources
        .as_deref()
        .context("give the sources file with --sources FILE")?;
    let sources = read_sources(sources_path)?;
    if sources.is_empty() {
        anyhow::bail!(
            "{}: no sources in the file; write one feed, sitemap or page URL per line",
            sources_path.display()
        );
    }
    let policy = PollPolicy {
        min: Duration::from_secs(args.min_interval.max(1)),
        max: Duration::from_secs(args.max_interval.max(args.min_interval).max(1)),
        ..PollPolicy::default()
    };
    let crawler = Crawler::new(args.manners.crawl_config());
    let mut sink = Sink::start(
        &args.data,
        &args.kb,
        args.manners.max_bytes,
        true,
        args.quiet,
    )?;
    // Every source has a row; a source new to the store is due now.
    let now = unix_now();
    for source in &sources {
        let url = source.url.to_string();
        if sink.state.feed(&url)?.is_none() {
            if source.kind == SourceKind::Page {
                sink.state.enqueue(
                    &[NewItem {
                        url: url.clone(),
                        source: url.clone(),
                        updated: None,
                    }],
                    now,
                )?;
            }
            sink.state.save_feed(&FeedState {
                url,
                kind: source.kind.as_str().to_string(),
                next_poll: if source.kind == SourceKind::Page {
                    i64::MAX
                } else {
                    now
                },
                interval_secs: policy.initial.as_secs() as i64,
                ..FeedState::default()
            })?;
        }
    }
    eprintln!(
        "chancery: watching {} sources into {} (user agent {})",
        sources.len(),
        args.data.display(),
        crawler.config().fetch.user_agent()
    );
    let started = Instant::now();
    loop {
        let round = Instant::now();
        let polled = poll_due(&crawler, &mut sink, &policy, args.once, args.quiet)?;
        let fetched = fetch_queue(&crawler, &mut sink, args.fetch_limit, args.quiet)?;
        if !args.quiet {
            let committed = &sink.committed;
            eprintln!(
                "chancery: watch: {polled} polls, {fetched} pages fetched in {:.1} s; stored so far {} new, {} duplicates, {} failed; {} requests, {} refused by the address guard",
                round.elapsed().as_secs_f64(),
                committed.stored.load(Ordering::Relaxed),
                committed.duplicates.load(Ordering::Relaxed),
                committed.failed.load(Ordering::Relaxed),
                crawler.stats().requests.load(Ordering::Relaxed),
                crawler.refused(),
            );
        }
        if args.once {
            break;
        }
        // Sleep until the next feed is due (at most a minute, so retries of
        // failed pages are picked up too).
        let next = sink
            .state
            .feeds()?
            .iter()
            .filter(|f| f.kind != "page")
            .map(|f| f.next_poll)
            .min()
            .unwrap_or(i64::MAX);
        let wait = (next - unix_now()).clamp(1, 60) as u64;
        std::thread::sleep(Duration::from_secs(wait));
    }
    let Sink {
        pipeline,
        fetch_failed,
        ..
    } = sink;
    let (tally, error) = pipeline.finish()?;
    let seconds = started.elapsed().as_secs_f64();
    eprintln!(
        "chancery: watch: {} new articles, {} duplicates not stored again, {} failed, {fetch_failed} not fetched, in {seconds:.1} s ({:.0} pages/s; {} requests; {} refused by the address guard; {} disallowed by robots.txt)",
        tally.stored,
        tally.duplicates,
        tally.failed,
        (tally.stored + tally.duplicates + tally.failed) as f64 / seconds.max(1e-3),
        crawler.stats().requests.load(Ordering::Relaxed),
        crawler.refused(),
        crawler.stats().robots_denied.load(Ordering::Relaxed),
    );
    if let Some(error) = error {
        return Err(anyhow::Error::new(error))
            .context("watch stopped; every committed page is stored and marked, rerun to go on");
    }
    Ok(ExitCode::SUCCESS)
}

/// Polls the due feeds and sitemaps (all with `everything`), queueing what
/// they list; sitemap indexes add their sitemaps, polled in the same round.
fn poll_due(
    crawler: &Crawler,
    sink: &mut Sink,
    policy: &PollPolicy,
    everything: bool,
    quiet: bool,
) -> anyhow::Result<usize> {
    let mut polled = 0;
    let mut polled_now = std::collections::HashSet::new();
    for _ in 0..MAX_LISTING_DEPTH {
        let now = unix_now();
        let due: Vec<FeedState> = sink
            .state
            .feeds()?
            .into_iter()
            .filter(|f| f.kind != "page" && !polled_now.contains(&f.url))
            .filter(|f| everything || f.next_poll <= now)
            .collect();
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
        crawler.run(tasks, |finished| results.push(finished));
        for finished in results {
            let mut feed = finished.tag;
            let now = unix_now();
            feed.last_poll = Some(now);
            feed.polls += 1;
            let previous = Duration::from_secs(feed.interval_secs.max(1) as u64);
            let outcome: Result<(usize, Option<Duration>), WatchError> = match finished.result {
                Ok(Response::NotModified) => Ok((0, None)),
                Ok(Response::Redirect(location)) => Err(WatchError::Redirect {
                    url: feed.url.clone(),
                    problem: format!("redirect to {location} not followed"),
                }),
                Ok(Response::Body(body)) => {
                    feed.etag = body.validators.etag.clone();
                    feed.last_modified = body.validators.last_modified.clone();
                    take_listing(sink, &mut feed, body, now)
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
                    if !quiet {
                        eprintln!("chancery: polled {} ({}): {new} new", feed.url, feed.kind);
                    }
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
                    if !quiet {
                        eprintln!(
                            "chancery: poll failed ({} in a row, next try in {} s): {error}",
                            feed.error_streak,
                            wait.as_secs()
                        );
                    }
                }
            }
            sink.state.save_feed(&feed)?;
        }
    }
    Ok(polled)
}

/// Reads a polled body: queues a feed's or sitemap's items, adds an index's
/// sitemaps as sources, or takes a page given without a kind as the article
/// it is. Returns the new items and the feed's TTL.
fn take_listing(
    sink: &mut Sink,
    feed: &mut FeedState,
    body: chancery_watch::Body,
    now: i64,
) -> Result<(usize, Option<Duration>), WatchError> {
    let listing = match parse_listing(&body.bytes, &body.url) {
        Ok(listing) => listing,
        Err(_) if feed.kind == "auto" && looks_like_html(&body.bytes) => {
            // A page listed in the sources: an article, taken once.
            feed.kind = "page".into();
            let new = sink
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
            if sink
                .state
                .feed(&url)
                .map_err(|e| store_failure(&feed.url, e))?
                .is_none()
            {
                sink.state
                    .save_feed(&FeedState {
                        url,
                        kind: "sitemap".into(),
                        next_poll: now,
                        interval_secs: feed.interval_secs,
                        ..FeedState::default()
                    })
                    .map_err(|e| store_failure(&feed.url, e))?;
                added += 1;
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
    let new = sink
        .state
        .enqueue(&items, now)
        .map_err(|e| store_failure(&feed.url, e))?;
    Ok((new, ttl))
}

fn store_failure(url: &str, error: chancery_store::StoreError) -> WatchError {
    WatchError::Transport {
        url: url.to_string(),
        problem: format!("cannot keep its items in the store: {error}"),
    }
}

/// Fetches every due URL of the queue, a chunk at a time, into the
/// pipeline. Returns how many pages came back with a body.
fn fetch_queue(
    crawler: &Crawler,
    sink: &mut Sink,
    limit: usize,
    quiet: bool,
) -> anyhow::Result<usize> {
    let mut after = 0;
    let mut fetched = 0;
    let mut taken = 0;
    let started = Instant::now();
    let mut last_line = Instant::now();
    loop {
        let now = unix_now();
        let chunk = if limit == 0 {
            CHUNK
        } else {
            CHUNK.min(limit - taken)
        };
        if chunk == 0 {
            break;
        }
        let due = sink.state.due(now, after, chunk)?;
        taken += due.len();
        let Some(last) = due.last() else {
            break;
        };
        after = last.id;
        let mut finishes = Vec::new();
        let tasks: Vec<Task<(String, i64)>> = due
            .into_iter()
            .filter_map(|queued| match canonicalize(&queued.url, None) {
                Ok(url) => Some(Task {
                    url,
                    validators: Validators {
                        etag: queued.etag,
                        last_modified: queued.last_modified,
                    },
                    want: Want::Page,
                    tag: (queued.url, queued.attempts),
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
        crawler.run(tasks, |finished| {
            let (label, attempts) = finished.tag;
            match finished.result {
                Ok(Response::Body(body)) => {
                    fetched += 1;
                    sink.push(label, body);
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
                    sink.fail(label.clone(), error.to_string());
                    finishes.push((label, finish));
                }
            }
            if !quiet && last_line.elapsed() >= Duration::from_secs(5) {
                last_line = Instant::now();
                eprintln!(
                    "chancery: watch: {fetched} pages fetched ({:.0}/s), {} stored",
                    fetched as f64 / started.elapsed().as_secs_f64().max(1e-3),
                    sink.committed.stored.load(Ordering::Relaxed)
                );
            }
        });
        sink.state.finish(&finishes, unix_now())?;
    }
    sink.pipeline.feeder.flush();
    Ok(fetched)
}

/// `chancery watch --status`: the feeds and the queue.
fn status(data: &Path) -> anyhow::Result<ExitCode> {
    let reader = Reader::open(data)?;
    let (feeds, counts) = reader.watch_status()?;
    let now = unix_now();
    println!(
        "{:<60} {:<8} {:>10} {:>5} {:>7} {:>8} {:>10}  last error",
        "source", "kind", "last poll", "new", "total", "errors", "next poll"
    );
    for feed in &feeds {
        let ago = |t: Option<i64>| match t {
            Some(t) => format!("{} ago", span(now - t)),
            None => "never".into(),
        };
        let next = if feed.next_poll == i64::MAX {
            "-".to_string()
        } else if feed.next_poll <= now {
            "due".to_string()
        } else {
            format!("in {}", span(feed.next_poll - now))
        };
        println!(
            "{:<60} {:<8} {:>10} {:>5} {:>7} {:>8} {:>10}  {}",
            feed.url,
            feed.kind,
            ago(feed.last_poll),
            feed.new_items,
            feed.total_items,
            format!("{}/{}", feed.error_streak, feed.errors),
            next,
            feed.last_error.as_deref().unwrap_or("")
        );
    }
    println!(
        "queue: {} pending, {} done, {} to retry, {} failed",
        counts.pending, counts.done, counts.retry, counts.gone
    );
    Ok(ExitCode::SUCCESS)
}

/// A short duration: 45s, 12m, 3h, 2d.
fn span(seconds: i64) -> String {
    let s = seconds.max(0);
    match s {
        0..60 => format!("{s}s"),
        60..3600 => format!("{}m", s / 60),
        3600..86400 => format!("{}h", s / 3600),
        _ => format!("{}d", s / 86400),
    }
}

/// `chancery fetch URL...`: pages fetched once, analysed and stored.
pub fn run_fetch(args: FetchArgs) -> anyhow::Result<ExitCode> {
    let mut tasks = Vec::new();
    let mut failed = 0u64;
    for raw in &args.urls {
        match canonicalize(raw, None) {
            Ok(url) => tasks.push(Task {
                url: url.clone(),
                validators: Validators::default(),
                want: Want::Page,
                tag: url.to_string(),
            }),
            Err(error) => {
                eprintln!("chancery: {error}");
                failed += 1;
            }
        }
    }
    let crawler = Crawler::new(args.manners.crawl_config());
    let mut sink = Sink::start(&args.data, &args.kb, args.manners.max_bytes, false, false)?;
    crawler.run(tasks, |finished| match finished.result {
        Ok(Response::Body(body)) => sink.push(finished.tag, body),
        Ok(_) => {}
        Err(error) => {
            failed += 1;
            sink.fail(finished.tag, error.to_string());
        }
    });
    let (tally, error) = sink.pipeline.finish()?;
    eprintln!(
        "chancery: fetch: {} new articles, {} duplicates not stored again, {} failed, into {}",
        tally.stored,
        tally.duplicates,
        tally.failed + failed,
        args.data.display()
    );
    if let Some(error) = error {
        return Err(anyhow::Error::new(error));
    }
    Ok(if tally.failed + failed > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_read_short() {
        assert_eq!(span(5), "5s");
        assert_eq!(span(600), "10m");
        assert_eq!(span(7200), "2h");
        assert_eq!(span(200_000), "2d");
        assert_eq!(span(-3), "0s");
    }
}
