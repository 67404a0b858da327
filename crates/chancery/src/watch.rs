//! `chancery watch` and `chancery fetch`: news from the web into the corpus.
//!
//! The watch loop is `chancery_ingest::Watcher` (which `chancery serve
//! --watch` runs too); fetching, manners and the SSRF guard are
//! `chancery_watch`'s. This module reads the arguments and the sources
//! file, prints what the watcher reports and the summary.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use anyhow::Context;
use chancery_extract::DEFAULT_MAX_BYTES;
use chancery_ingest::{OnEvent, WatchConfig, WatchEvent, WatchSummary, Watcher};
use chancery_watch::{canonicalize, read_sources, CrawlConfig, FetchConfig, PollPolicy};
use clap::Args;

use crate::analyze::{print_warnings, read_tables};

/// How the crawler behaves (shared by `watch`, `fetch` and `serve --watch`).
#[derive(Debug, Args)]
pub struct Manners {
    /// A URL or e-mail where site owners can reach you; sent in the
    /// User-Agent [default: the sources file's `contact`, else none].
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
    /// Requests per second across all hosts [default: the sources file's
    /// `rate`, else 20].
    #[arg(long)]
    rate: Option<f64>,
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

/// Requests per second when neither the command line nor the sources
/// file says.
const DEFAULT_RATE: f64 = 20.0;

impl Manners {
    /// The size cap of a page (also after gunzip).
    pub(crate) fn max_bytes(&self) -> usize {
        self.max_bytes
    }

    /// The crawler's configuration: the command line first, then what the
    /// sources file says, then the defaults.
    pub(crate) fn crawl_config(
        &self,
        file: &chancery_watch::SourcesFile,
    ) -> anyhow::Result<CrawlConfig> {
        let rate = self.rate.or(file.rate).unwrap_or(DEFAULT_RATE);
        if !(rate.is_finite() && rate > 0.0) {
            anyhow::bail!("--rate {rate} is not a number of requests per second above 0");
        }
        let defaults = FetchConfig::default();
        Ok(CrawlConfig {
            fetch: FetchConfig {
                agent_name: file
                    .user_agent
                    .clone()
                    .unwrap_or(defaults.agent_name.clone()),
                contact: self.contact.clone().or_else(|| file.contact.clone()),
                allow_private: self.allow_private,
                allow_addresses: self.allow_address.clone(),
                timeout: Duration::from_secs(self.timeout.max(1)),
                connect_timeout: Duration::from_secs(self.timeout.clamp(1, 10)),
                max_body: self.max_bytes as u64,
                max_decoded: self.max_bytes as u64,
            },
            host_delay: Duration::from_millis(self.host_delay_ms),
            rate,
            workers: self.workers.max(1),
            max_attempts: self.attempts.max(1),
            backoff: Duration::from_millis(self.backoff_ms),
            ..CrawlConfig::default()
        })
    }
}

/// What to follow and how: `watch`'s options, and `serve --watch`'s.
#[derive(Debug, Args)]
pub struct Following {
    /// Never poll a feed more often than this, in seconds (nor than its
    /// TTL); a source's own `min_interval` in a TOML file wins.
    #[arg(long, default_value_t = 300)]
    min_interval: u64,
    /// Poll every feed at least this often, in seconds; a source's own
    /// `max_interval` wins.
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
}

impl Following {
    /// The watcher's configuration for the sources file at `path`.
    pub(crate) fn config(&self, data: &Path, path: &Path) -> anyhow::Result<WatchConfig> {
        let file = read_sources(path)?;
        if file.sources.is_empty() {
            anyhow::bail!(
                "{}: no sources in the file; write one feed, sitemap or page URL per line (or a [[source]] table with a url in a .toml file)",
                path.display()
            );
        }
        Ok(WatchConfig {
            data: data.to_path_buf(),
            tables: read_tables(&self.kb)?,
            max_bytes: self.manners.max_bytes,
            crawl: self.manners.crawl_config(&file)?,
            policy: PollPolicy {
                min: Duration::from_secs(self.min_interval.max(1)),
                max: Duration::from_secs(self.max_interval.max(self.min_interval).max(1)),
                ..PollPolicy::default()
            },
            fetch_limit: self.fetch_limit,
            sources: file.sources,
        })
    }
}

#[derive(Debug, Args)]
pub struct WatchArgs {
    /// The sources file: one feed, sitemap or page URL per line (`#`
    /// comments), optionally followed by its kind (feed, sitemap, page); or
    /// a `.toml` file of `[[source]]` tables (see the README).
    #[arg(long, value_name = "FILE", required_unless_present = "status")]
    sources: Option<PathBuf>,
    /// The corpus: a data directory (created on first use), or a PostgreSQL
    /// database as a postgres:// URL, whose watch state any number of
    /// watchers share. Default: CHANCERY_DATABASE_URL when set, else
    /// chancery-data.
    #[arg(long, env = "CHANCERY_DATA")]
    data: Option<PathBuf>,
    /// Poll every source once, fetch what is new, and exit (for cron and tests).
    #[arg(long)]
    once: bool,
    /// Print the state of every followed feed and of the fetch queue, and exit.
    #[arg(long)]
    status: bool,
    #[command(flatten)]
    follow: Following,
    /// No progress lines; the summary is still printed.
    #[arg(long)]
    quiet: bool,
}

#[derive(Debug, Args)]
pub struct FetchArgs {
    /// Article pages to fetch, analyse and store.
    #[arg(required = true, value_name = "URL")]
    urls: Vec<String>,
    /// The corpus: a data directory (created on first use), or a PostgreSQL
    /// database as a postgres:// URL. Default: CHANCERY_DATABASE_URL when
    /// set, else chancery-data.
    #[arg(long, env = "CHANCERY_DATA")]
    data: Option<PathBuf>,
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

/// Prints the watcher's events on stderr (none with `quiet`); a committed
/// batch is not news to the reader of a terminal, nor is a round that
/// found nothing due (a long-running watcher has one a minute).
pub(crate) fn printer(quiet: bool) -> OnEvent {
    Arc::new(move |event: &WatchEvent| {
        let idle = match event {
            WatchEvent::Committed { .. } => true,
            WatchEvent::Round(round) => round.polls == 0 && round.fetched == 0,
            _ => false,
        };
        if !quiet && !idle {
            eprintln!("chancery: {event}");
        }
    })
}

/// Prints what the pipeline says of its start.
fn print_notes(watcher: &Watcher) {
    let (rebuilt, warnings) = watcher.notes();
    if let Some(reason) = rebuilt {
        eprintln!("chancery: {reason}: rebuilding the stories from the stored articles");
    }
    print_warnings(
        warnings.iter().map(String::as_str),
        "skipped dictionary lines",
    );
}

/// `chancery watch`.
pub fn run_watch(args: WatchArgs) -> anyhow::Result<ExitCode> {
    let data = crate::data::resolve(args.data.as_deref());
    if args.status {
        return status(&data);
    }
    let sources_path = args
        .sources
        .as_deref()
        .context("give the sources file with --sources FILE")?;
    let config = args.follow.config(&data, sources_path)?;
    let count = config.sources.len();
    let watcher = Watcher::start(config, printer(args.quiet))?;
    print_notes(&watcher);
    eprintln!(
        "chancery: watching {count} sources into {} (user agent {})",
        crate::data::shown(&data),
        watcher.user_agent()
    );
    // Ctrl-C ends the process: the queue and the store are kept so that
    // nothing is lost or stored twice (see chancery_ingest::watch).
    let summary = watcher.run(args.once)?;
    report("watch", &summary, &data);
    if let Some(error) = summary.stopped {
        return Err(anyhow::Error::new(error))
            .context("watch stopped; every committed page is stored and marked, rerun to go on");
    }
    Ok(ExitCode::SUCCESS)
}

/// The summary line of a watch or a fetch.
fn report(what: &str, summary: &WatchSummary, data: &Path) {
    let tally = &summary.tally;
    let seconds = summary.elapsed.as_secs_f64();
    eprintln!(
        "chancery: {what}: {} new articles, {} duplicates not stored again, {} failed, {} not fetched, in {seconds:.1} s ({:.0} pages/s; {} requests; {} refused by the address guard; {} disallowed by robots.txt) into {}",
        tally.stored,
        tally.duplicates,
        tally.failed,
        summary.not_fetched,
        (tally.stored + tally.duplicates + tally.failed) as f64 / seconds.max(1e-3),
        summary.requests,
        summary.refused,
        summary.robots_denied,
        crate::data::shown(data),
    );
}

/// `chancery watch --status`: the feeds and the queue.
fn status(data: &Path) -> anyhow::Result<ExitCode> {
    let (feeds, counts) = chancery_store::watch_status(data)?;
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
    let mut urls = Vec::new();
    let mut failed = 0u64;
    for raw in &args.urls {
        match canonicalize(raw, None) {
            Ok(url) => urls.push(url),
            Err(error) => {
                eprintln!("chancery: {error}");
                failed += 1;
            }
        }
    }
    let data = crate::data::resolve(args.data.as_deref());
    let config = WatchConfig {
        data: data.clone(),
        tables: read_tables(&args.kb)?,
        max_bytes: args.manners.max_bytes,
        crawl: args
            .manners
            .crawl_config(&chancery_watch::SourcesFile::default())?,
        policy: PollPolicy::default(),
        fetch_limit: 0,
        sources: Vec::new(),
    };
    let summary = chancery_ingest::fetch_pages(config, urls, printer(false))?;
    report("fetch", &summary, &data);
    if let Some(error) = summary.stopped {
        return Err(anyhow::Error::new(error));
    }
    let failed = failed + summary.tally.failed + summary.not_fetched;
    Ok(if failed > 0 {
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
