//! The state of `chancery watch`: followed feeds and the fetch queue.
//!
//! [`WatchState`] is a second connection to the store's database, opened
//! from the [`Store`] that holds the data directory's lock, so the watcher
//! keeps its state while the writer thread commits articles; SQLite
//! serializes the two. A URL is queued once (the queue's `url` is unique)
//! and marked done only after its article was committed, so a watcher
//! killed at any point resumes without losing an article, and refetches at
//! most the pages of the batch it was in (which the store then finds
//! stored, so nothing is stored twice).

use std::path::{Path, PathBuf};

use rusqlite::{params, Connection, OptionalExtension, Row};

use crate::store::{configure, Reader, Store};
use crate::StoreError;

/// One followed feed or sitemap.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FeedState {
    /// The canonical URL from the sources file (or a sitemap index).
    pub url: String,
    /// `feed`, `sitemap`, `page` or `auto` (not yet polled).
    pub kind: String,
    /// The ETag of the last 200.
    pub etag: Option<String>,
    /// The Last-Modified of the last 200.
    pub last_modified: Option<String>,
    /// When it was last polled (Unix seconds).
    pub last_poll: Option<i64>,
    /// When it is due again (Unix seconds).
    pub next_poll: i64,
    /// The current polling interval in seconds.
    pub interval_secs: i64,
    /// Failed polls in a row.
    pub error_streak: i64,
    /// The last failure, kept until a poll succeeds.
    pub last_error: Option<String>,
    /// New items found by the last poll.
    pub new_items: i64,
    /// New items found over all polls.
    pub total_items: i64,
    /// Polls made.
    pub polls: i64,
    /// Polls that failed.
    pub errors: i64,
}

/// A URL a listing named, to queue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewItem {
    /// The canonical URL.
    pub url: String,
    /// The feed or sitemap that named it.
    pub source: String,
    /// When the listing says it changed: a queued URL whose stamp changes
    /// is fetched again (conditionally).
    pub updated: Option<String>,
}

/// A queued URL due for fetching.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueuedUrl {
    /// Its place in the queue (increasing).
    pub id: i64,
    /// The canonical URL.
    pub url: String,
    /// The listing that named it.
    pub source: Option<String>,
    /// Attempts so far.
    pub attempts: i64,
    /// The ETag of an earlier fetch (a changed page is refetched
    /// conditionally).
    pub etag: Option<String>,
    /// The Last-Modified of an earlier fetch.
    pub last_modified: Option<String>,
}

/// How a queued URL ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Finish {
    /// Fetched and handed to the store (stored, a duplicate, or not an
    /// article), or unchanged (304).
    Done {
        /// The ETag of the response.
        etag: Option<String>,
        /// Its Last-Modified.
        last_modified: Option<String>,
    },
    /// Failed for now: try again at this time (Unix seconds).
    Retry {
        /// When.
        at: i64,
        /// Why it failed.
        error: String,
    },
    /// Failed for good (404, robots.txt, the guard, not a page…).
    Gone {
        /// Why.
        error: String,
    },
}

/// How many queued URLs are in each state.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct QueueCounts {
    /// Not fetched yet.
    pub pending: u64,
    /// Fetched.
    pub done: u64,
    /// Failed, to be tried again.
    pub retry: u64,
    /// Failed for good.
    pub gone: u64,
}

const PENDING: i64 = 0;
const DONE: i64 = 1;
const RETRY: i64 = 2;
const GONE: i64 = 3;

/// The watcher's read-write view of its state.
#[derive(Debug)]
pub struct WatchState {
    conn: Connection,
    path: PathBuf,
}

impl Store {
    /// Opens the watch state of this store on a connection of its own, for
    /// a thread other than the one writing articles.
    pub fn watch_state(&self) -> Result<WatchState, StoreError> {
        let path = self.path().to_path_buf();
        let conn = Connection::open(&path)
            .map_err(StoreError::sqlite(&path, "opening the watch state"))?;
        configure(&conn, &path)?;
        conn.busy_timeout(std::time::Duration::from_secs(60))
            .map_err(StoreError::sqlite(&path, "opening the watch state"))?;
        Ok(WatchState { conn, path })
    }
}

impl Reader {
    /// The followed feeds (by URL) and the queue's counts, for
    /// `chancery watch --status`.
    pub fn watch_status(&self) -> Result<(Vec<FeedState>, QueueCounts), StoreError> {
        let (conn, path) = self.connection();
        Ok((feeds(conn, path)?, queue_counts(conn, path)?))
    }
}

impl WatchState {
    /// The state of one feed.
    pub fn feed(&self, url: &str) -> Result<Option<FeedState>, StoreError> {
        self.conn
            .query_row(&format!("{FEED_SELECT} WHERE url = ?1"), [url], feed_row)
            .optional()
            .map_err(StoreError::sqlite(&self.path, "reading a feed's state"))
    }

    /// Every followed feed, by URL.
    pub fn feeds(&self) -> Result<Vec<FeedState>, StoreError> {
        feeds(&self.conn, &self.path)
    }

    /// Writes a feed's state (inserted or replaced).
    pub fn save_feed(&self, feed: &FeedState) -> Result<(), StoreError> {
        self.conn
            .execute(
                "INSERT OR REPLACE INTO watch_feeds (url, kind, etag, last_modified, last_poll, \
                 next_poll, interval_secs, error_streak, last_error, new_items, total_items, polls, \
                 errors) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
                params![
                    feed.url,
                    feed.kind,
                    feed.etag,
                    feed.last_modified,
                    feed.last_poll,
                    feed.next_poll,
                    feed.interval_secs,
                    feed.error_streak,
                    feed.last_error,
                    feed.new_items,
                    feed.total_items,
                    feed.polls,
                    feed.errors,
                ],
            )
            .map(drop)
            .map_err(StoreError::sqlite(&self.path, "saving a feed's state"))
    }

    /// Queues the items not queued before, and queues again those whose
    /// `updated` stamp changed since (their page changed); one transaction.
    /// Returns how many were queued.
    pub fn enqueue(&mut self, items: &[NewItem], now: i64) -> Result<usize, StoreError> {
        let context = "queueing URLs";
        let tx = self
            .conn
            .transaction()
            .map_err(StoreError::sqlite(&self.path, context))?;
        let mut queued = 0;
        {
            let mut insert = tx
                .prepare_cached(
                    "INSERT OR IGNORE INTO watch_queue (url, source, updated, state, attempts, \
                     next_try, queued_at) VALUES (?1, ?2, ?3, 0, 0, 0, ?4)",
                )
                .map_err(StoreError::sqlite(&self.path, context))?;
            let mut changed = tx
                .prepare_cached(
                    "UPDATE watch_queue SET updated = ?2, state = 0, attempts = 0, next_try = 0 \
                     WHERE url = ?1 AND state = 1 AND ?2 IS NOT NULL AND updated IS NOT ?2",
                )
                .map_err(StoreError::sqlite(&self.path, context))?;
            for item in items {
                let inserted = insert
                    .execute(params![item.url, item.source, item.updated, now])
                    .map_err(StoreError::sqlite(&self.path, context))?;
                queued += if inserted > 0 {
                    inserted
                } else {
                    changed
                        .execute(params![item.url, item.updated])
                        .map_err(StoreError::sqlite(&self.path, context))?
                };
            }
        }
        tx.commit()
            .map_err(StoreError::sqlite(&self.path, context))?;
        Ok(queued)
    }

    /// Up to `limit` URLs due at `now` after queue place `after`, oldest
    /// first. A pass over the queue moves `after` on, so pages still on
    /// their way to the store are not taken twice.
    pub fn due(&self, now: i64, after: i64, limit: usize) -> Result<Vec<QueuedUrl>, StoreError> {
        let mut statement = self
            .conn
            .prepare_cached(
                "SELECT id, url, source, attempts, etag, last_modified FROM watch_queue \
                 WHERE state IN (0, 2) AND next_try <= ?1 AND id > ?2 ORDER BY id LIMIT ?3",
            )
            .map_err(StoreError::sqlite(&self.path, "reading the fetch queue"))?;
        let rows = statement
            .query_map(params![now, after, limit as i64], |row| {
                Ok(QueuedUrl {
                    id: row.get(0)?,
                    url: row.get(1)?,
                    source: row.get(2)?,
                    attempts: row.get(3)?,
                    etag: row.get(4)?,
                    last_modified: row.get(5)?,
                })
            })
            .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
            .map_err(StoreError::sqlite(&self.path, "reading the fetch queue"))?;
        Ok(rows)
    }

    /// Records how queued URLs ended, in one transaction.
    pub fn finish(&mut self, results: &[(String, Finish)], now: i64) -> Result<(), StoreError> {
        let context = "updating the fetch queue";
        let tx = self
            .conn
            .transaction()
            .map_err(StoreError::sqlite(&self.path, context))?;
        {
            let mut done = tx
                .prepare_cached(
                    "UPDATE watch_queue SET state = 1, attempts = attempts + 1, done_at = ?2, \
                     etag = coalesce(?3, etag), last_modified = coalesce(?4, last_modified), \
                     last_error = NULL WHERE url = ?1",
                )
                .map_err(StoreError::sqlite(&self.path, context))?;
            let mut failed = tx
                .prepare_cached(
                    "UPDATE watch_queue SET state = ?2, attempts = attempts + 1, next_try = ?3, \
                     last_error = ?4 WHERE url = ?1",
                )
                .map_err(StoreError::sqlite(&self.path, context))?;
            for (url, finish) in results {
                match finish {
                    Finish::Done {
                        etag,
                        last_modified,
                    } => done.execute(params![url, now, etag, last_modified]),
                    Finish::Retry { at, error } => failed.execute(params![url, RETRY, at, error]),
                    Finish::Gone { error } => failed.execute(params![url, GONE, 0, error]),
                }
                .map_err(StoreError::sqlite(&self.path, context))?;
            }
        }
        tx.commit().map_err(StoreError::sqlite(&self.path, context))
    }

    /// How many queued URLs are in each state.
    pub fn queue_counts(&self) -> Result<QueueCounts, StoreError> {
        queue_counts(&self.conn, &self.path)
    }
}

const FEED_SELECT: &str = "SELECT url, kind, etag, last_modified, last_poll, next_poll, \
    interval_secs, error_streak, last_error, new_items, total_items, polls, errors FROM watch_feeds";

fn feed_row(row: &Row<'_>) -> rusqlite::Result<FeedState> {
    Ok(FeedState {
        url: row.get(0)?,
        kind: row.get(1)?,
        etag: row.get(2)?,
        last_modified: row.get(3)?,
        last_poll: row.get(4)?,
        next_poll: row.get(5)?,
        interval_secs: row.get(6)?,
        error_streak: row.get(7)?,
        last_error: row.get(8)?,
        new_items: row.get(9)?,
        total_items: row.get(10)?,
        polls: row.get(11)?,
        errors: row.get(12)?,
    })
}

fn feeds(conn: &Connection, path: &Path) -> Result<Vec<FeedState>, StoreError> {
    let mut statement = conn
        .prepare_cached(&format!("{FEED_SELECT} ORDER BY url"))
        .map_err(StoreError::sqlite(path, "reading the feeds"))?;
    let rows = statement
        .query_map([], feed_row)
        .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
        .map_err(StoreError::sqlite(path, "reading the feeds"))?;
    Ok(rows)
}

/// What `/metrics` tells of the watcher: its feeds, its queue, and where
/// fetches fail.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WatchMetrics {
    /// Followed feeds and sitemaps.
    pub feeds: u64,
    /// Feeds whose last poll failed.
    pub failing_feeds: u64,
    /// Polls of all feeds so far.
    pub polls: u64,
    /// Failed polls of all feeds so far.
    pub poll_errors: u64,
    /// The fetch queue by state.
    pub queue: QueueCounts,
    /// Hosts with failed fetches (to be retried or given up) or failing
    /// polls, with how many, most first (at most [`MAX_HOSTS`]).
    pub errors_by_host: Vec<(String, u64)>,
}

/// Hosts listed in [`WatchMetrics::errors_by_host`] at most.
pub const MAX_HOSTS: usize = 100;

/// The watcher's metrics; all zero in a store the watcher never used.
pub(crate) fn watch_metrics(conn: &Connection, path: &Path) -> Result<WatchMetrics, StoreError> {
    let context = "reading the watcher's metrics";
    // A store from before the watcher (version 2, not yet upgraded by a
    // writer) has no watch tables: nothing watched.
    let watched: bool = conn
        .query_row(
            "SELECT count(*) = 2 FROM sqlite_master WHERE type = 'table' \
             AND name IN ('watch_feeds', 'watch_queue')",
            [],
            |row| row.get(0),
        )
        .map_err(StoreError::sqlite(path, context))?;
    if !watched {
        return Ok(WatchMetrics::default());
    }
    let (feeds, failing_feeds, polls, poll_errors): (i64, i64, i64, i64) = conn
        .query_row(
            "SELECT count(*), coalesce(sum(error_streak > 0), 0), coalesce(sum(polls), 0), \
             coalesce(sum(errors), 0) FROM watch_feeds",
            [],
            |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?)),
        )
        .map_err(StoreError::sqlite(path, context))?;
    // The host of a URL: what follows "://" up to the next "/".
    let host = "CASE WHEN instr(rest, '/') > 0 THEN substr(rest, 1, instr(rest, '/') - 1) \
                ELSE rest END";
    let sql = format!(
        "SELECT host, sum(n) FROM ( \
           SELECT {host} AS host, count(*) AS n FROM ( \
             SELECT substr(url, instr(url, '://') + 3) AS rest FROM watch_queue \
             WHERE state IN ({RETRY}, {GONE})) GROUP BY host \
           UNION ALL \
           SELECT {host} AS host, sum(errors) AS n FROM ( \
             SELECT substr(url, instr(url, '://') + 3) AS rest, errors FROM watch_feeds \
             WHERE errors > 0) GROUP BY host) \
         GROUP BY host ORDER BY sum(n) DESC, host LIMIT {MAX_HOSTS}"
    );
    let mut statement = conn
        .prepare(&sql)
        .map_err(StoreError::sqlite(path, context))?;
    let errors_by_host = statement
        .query_map([], |row| {
            Ok((
                row.get::<_, String>(0)?,
                row.get::<_, i64>(1)?.max(0) as u64,
            ))
        })
        .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
        .map_err(StoreError::sqlite(path, context))?;
    Ok(WatchMetrics {
        feeds: feeds.max(0) as u64,
        failing_feeds: failing_feeds.max(0) as u64,
        polls: polls.max(0) as u64,
        poll_errors: poll_errors.max(0) as u64,
        queue: queue_counts(conn, path)?,
        errors_by_host,
    })
}

fn queue_counts(conn: &Connection, path: &Path) -> Result<QueueCounts, StoreError> {
    let mut counts = QueueCounts::default();
    let mut statement = conn
        .prepare_cached("SELECT state, count(*) FROM watch_queue GROUP BY state")
        .map_err(StoreError::sqlite(path, "counting the fetch queue"))?;
    let rows = statement
        .query_map([], |row| Ok((row.get::<_, i64>(0)?, row.get::<_, i64>(1)?)))
        .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
        .map_err(StoreError::sqlite(path, "counting the fetch queue"))?;
    for (state, count) in rows {
        counts.add(state, count.max(0) as u64);
    }
    Ok(counts)
}

impl QueueCounts {
    /// Counts `count` URLs in the queue state numbered `state` (the same
    /// numbers in both stores); an unknown state counts nowhere.
    pub(crate) fn add(&mut self, state: i64, count: u64) {
        match state {
            PENDING => self.pending += count,
            DONE => self.done += count,
            RETRY => self.retry += count,
            GONE => self.gone += count,
            _ => {}
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// The test feed, due at 900, after two failed polls.
    pub(crate) fn failing_feed() -> FeedState {
        FeedState {
            url: "https://a.example/rss".into(),
            kind: "feed".into(),
            etag: Some("\"x\"".into()),
            next_poll: 900,
            interval_secs: 900,
            error_streak: 2,
            last_error: Some("HTTP 500".into()),
            ..FeedState::default()
        }
    }

    /// How the test feed's first two items end: the first fetched (ETag
    /// "e1"), the second to be tried again at 500.
    pub(crate) fn first_fetches() -> [(String, Finish); 2] {
        [
            (
                "https://a.example/1".into(),
                Finish::Done {
                    etag: Some("\"e1\"".into()),
                    last_modified: None,
                },
            ),
            (
                "https://a.example/2".into(),
                Finish::Retry {
                    at: 500,
                    error: "HTTP 503".into(),
                },
            ),
        ]
    }

    /// A listed item of the test feed (the PostgreSQL state's tests too).
    pub(crate) fn item(url: &str, updated: Option<&str>) -> NewItem {
        NewItem {
            url: url.into(),
            source: "https://a.example/rss".into(),
            updated: updated.map(String::from),
        }
    }

    #[test]
    fn urls_are_queued_once_and_again_only_when_changed() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let mut state = store.watch_state().unwrap();
        let items = [
            item("https://a.example/1", Some("t1")),
            item("https://a.example/2", None),
        ];
        assert_eq!(state.enqueue(&items, 100).unwrap(), 2);
        assert_eq!(state.enqueue(&items, 101).unwrap(), 0);
        let due = state.due(200, 0, 10).unwrap();
        assert_eq!(due.len(), 2);
        state.finish(&first_fetches(), 200).unwrap();
        assert!(state.due(200, 0, 10).unwrap().is_empty());
        assert_eq!(state.due(500, 0, 10).unwrap()[0].url, "https://a.example/2");
        // The same stamp queues nothing; a new one queues it again, with
        // its ETag for a conditional GET.
        assert_eq!(
            state
                .enqueue(&[item("https://a.example/1", Some("t1"))], 300)
                .unwrap(),
            0
        );
        assert_eq!(
            state
                .enqueue(&[item("https://a.example/1", Some("t2"))], 300)
                .unwrap(),
            1
        );
        let again = state.due(300, 0, 10).unwrap();
        assert_eq!(again[0].etag.as_deref(), Some("\"e1\""));
        let counts = state.queue_counts().unwrap();
        assert_eq!((counts.pending, counts.retry), (1, 1));
    }

    #[test]
    fn feed_state_round_trips_and_is_read_beside_the_writer() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let state = store.watch_state().unwrap();
        let feed = failing_feed();
        state.save_feed(&feed).unwrap();
        assert_eq!(state.feed(&feed.url).unwrap().as_ref(), Some(&feed));
        let (feeds, counts) = Reader::open(dir.path()).unwrap().watch_status().unwrap();
        assert_eq!(feeds, [feed]);
        assert_eq!(counts, QueueCounts::default());
    }

    /// A queue and a feed with failures on two hosts, for the metrics
    /// tests of both stores: URLs to queue at 100, how their fetches ended
    /// at 200, and a failing feed.
    pub(crate) fn metrics_fixture() -> (Vec<NewItem>, Vec<(String, Finish)>, FeedState) {
        let items = vec![
            item("https://a.example/1", None),
            item("https://b.example:8080/x/2", None),
            item("https://b.example:8080/3", None),
            item("http://c.example", None),
        ];
        let retry = |error: &str| Finish::Retry {
            at: 500,
            error: error.into(),
        };
        let gone = Finish::Gone {
            error: "HTTP 404".into(),
        };
        let finished = vec![
            ("https://b.example:8080/x/2".into(), retry("HTTP 503")),
            ("https://b.example:8080/3".into(), gone),
            ("http://c.example".into(), retry("timed out")),
        ];
        let feed = FeedState {
            url: "https://c.example/feed.xml".into(),
            kind: "feed".into(),
            error_streak: 1,
            polls: 5,
            errors: 2,
            ..FeedState::default()
        };
        (items, finished, feed)
    }

    /// The metrics [`metrics_fixture`] must give.
    pub(crate) fn assert_fixture_metrics(metrics: &WatchMetrics) {
        assert_eq!((metrics.feeds, metrics.failing_feeds), (1, 1));
        assert_eq!((metrics.polls, metrics.poll_errors), (5, 2));
        assert_eq!(
            (
                metrics.queue.pending,
                metrics.queue.retry,
                metrics.queue.gone
            ),
            (1, 2, 1)
        );
        assert_eq!(
            metrics.errors_by_host,
            [
                ("c.example".to_string(), 3),
                ("b.example:8080".to_string(), 2)
            ]
        );
    }

    #[test]
    fn metrics_count_the_queue_and_failures_by_host() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let mut state = store.watch_state().unwrap();
        let (items, finished, feed) = metrics_fixture();
        state.enqueue(&items, 100).unwrap();
        state.finish(&finished, 200).unwrap();
        state.save_feed(&feed).unwrap();
        let reader = Reader::open(dir.path()).unwrap();
        let (conn, path) = reader.connection();
        assert_fixture_metrics(&watch_metrics(conn, path).unwrap());
    }

    #[test]
    fn a_version_2_store_gains_the_watch_tables() {
        let dir = tempfile::tempdir().unwrap();
        drop(Store::open(dir.path()).unwrap());
        let conn = Connection::open(dir.path().join(crate::DATABASE_FILE)).unwrap();
        conn.execute_batch(
            "DROP TABLE watch_queue; DROP TABLE watch_feeds; PRAGMA user_version = 2;",
        )
        .unwrap();
        drop(conn);
        let err = Reader::open(dir.path()).unwrap_err().to_string();
        assert!(err.contains("run `chancery ingest` on it once"), "{err}");
        let store = Store::open(dir.path()).unwrap();
        assert_eq!(
            store.watch_state().unwrap().queue_counts().unwrap(),
            QueueCounts::default()
        );
        assert!(Reader::open(dir.path()).unwrap().watch_status().is_ok());
    }
}
