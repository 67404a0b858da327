//! The state of `chancery watch` in PostgreSQL: the followed feeds and the
//! fetch queue of every watcher over one database, in their own schema
//! (`chancery_watch`) with their own numbered migrations, so the watch
//! state can change without a new version of the store's tables.
//!
//! Several watchers may follow the same sources at once. A feed or a
//! queued URL is *claimed* before it is polled or fetched: one statement
//! picks the due rows no other session has locked (`FOR UPDATE SKIP
//! LOCKED`), moves their due time past a lease and writes the claimant's
//! session (`owner`, its backend pid), so another watcher does not take
//! them while the claimant works; the claimant then writes the real next
//! poll, or marks the URL done once its article is committed (clearing
//! `owner`). A watcher killed with claims in hand loses nothing: its
//! session ends with it, and a claim whose owner is no longer connected
//! is due at once (else when the lease runs out: a watcher that hangs, or
//! a pooler that hides sessions). URLs are unique, so a page is queued
//! once however many watchers list it, and the store refuses an article
//! it holds, so a page fetched twice is still stored once.

use std::collections::HashSet;

use postgres::{Client, NoTls, Row};

use super::{redacted, Failed, PgResult};
use crate::watch::MAX_HOSTS;
use crate::{FeedState, Finish, NewItem, QueueCounts, QueuedUrl, StoreError, WatchMetrics};

/// The newest version of the watch state's tables this build knows.
pub const WATCH_SCHEMA_VERSION: i32 = 1;

/// The schema the watch state lives in.
const SCHEMA: &str = "chancery_watch";

/// The advisory lock key migrations of the watch state hold ("chwatch" in
/// ASCII).
const MIGRATION_LOCK: i64 = 0x0063_6877_6174_6368;

/// How long a claimed feed is not due for other watchers: a poll is one
/// request (with the crawler's retries), so a watcher that still has not
/// saved the feed after this long is taken for dead.
pub const FEED_LEASE_SECS: i64 = 10 * 60;

/// How long a claimed URL is not due for other watchers: it is fetched,
/// analysed and committed within a chunk of the queue (politeness spreads
/// a chunk's fetches per host), then marked done.
pub const PAGE_LEASE_SECS: i64 = 30 * 60;

/// Migrations in order; entry `i` makes version `i + 1`. The columns are
/// those of the SQLite store's `watch_feeds` and `watch_queue`.
const MIGRATIONS: &[&str] = &[
    // 1: feeds and the fetch queue.
    r#"
    CREATE TABLE chancery_watch.feeds (
        url text PRIMARY KEY,
        kind text NOT NULL,
        etag text,
        last_modified text,
        last_poll bigint,
        next_poll bigint NOT NULL,
        interval_secs bigint NOT NULL,
        error_streak bigint NOT NULL,
        last_error text,
        new_items bigint NOT NULL,
        total_items bigint NOT NULL,
        polls bigint NOT NULL,
        errors bigint NOT NULL,
        -- The backend pid of the watcher polling it, while claimed.
        owner integer
    );
    CREATE TABLE chancery_watch.queue (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        url text NOT NULL UNIQUE,
        source text,
        updated text,
        -- 0 pending, 1 done, 2 retry, 3 gone (as in SQLite).
        state smallint NOT NULL,
        attempts bigint NOT NULL,
        next_try bigint NOT NULL,
        etag text,
        last_modified text,
        last_error text,
        queued_at bigint NOT NULL,
        done_at bigint,
        -- The backend pid of the watcher fetching it, while claimed.
        owner integer
    );
    CREATE INDEX queue_due ON chancery_watch.queue (id) WHERE state IN (0, 2);
    "#,
];

const PENDING: i16 = 0;
const DONE: i16 = 1;
const RETRY: i16 = 2;
const GONE: i16 = 3;

/// A claimed row whose claimant's session has ended (a watcher killed
/// or disconnected): due at once rather than at the end of its lease.
const OWNER_GONE: &str = "(owner IS NOT NULL AND owner NOT IN (SELECT pid FROM pg_stat_activity))";

const FEED_COLUMNS: &str = "url, kind, etag, last_modified, last_poll, next_poll, \
    interval_secs, error_streak, last_error, new_items, total_items, polls, errors";

/// The watch state in a PostgreSQL database, on a connection of its own.
pub struct PgWatchState {
    client: Client,
    url: String,
}

impl std::fmt::Debug for PgWatchState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgWatchState")
            .field("url", &redacted(&self.url))
            .finish_non_exhaustive()
    }
}

impl PgWatchState {
    /// Connects to the database at `url`, creating or upgrading the watch
    /// state's tables (a newer version is refused).
    pub fn open(url: &str) -> Result<PgWatchState, StoreError> {
        let mut client =
            Client::connect(url, NoTls).map_err(|e| Failed::at("connecting")(e).into_error(url))?;
        migrate(&mut client).map_err(|failed| match failed {
            Failed::Newer { found } => StoreError::PostgresWatchSchema {
                url: redacted(url),
                found,
                known: WATCH_SCHEMA_VERSION,
            },
            other => other.into_error(url),
        })?;
        Ok(PgWatchState {
            client,
            url: url.to_string(),
        })
    }

    /// A driver error while doing `context`, as the store's error.
    fn fail(&self, context: &'static str) -> impl Fn(postgres::Error) -> StoreError {
        let url = self.url.clone();
        move |source| Failed::at(context)(source).into_error(&url)
    }

    /// The state of one feed.
    pub fn feed(&mut self, url: &str) -> Result<Option<FeedState>, StoreError> {
        let sql = format!("SELECT {FEED_COLUMNS} FROM {SCHEMA}.feeds WHERE url = $1");
        let row = self
            .client
            .query_opt(&sql, &[&url])
            .map_err(self.fail("reading a feed's state"))?;
        Ok(row.as_ref().map(feed_row))
    }

    /// Every followed feed, by URL.
    pub fn feeds(&mut self) -> Result<Vec<FeedState>, StoreError> {
        let sql = format!("SELECT {FEED_COLUMNS} FROM {SCHEMA}.feeds ORDER BY url");
        let rows = self
            .client
            .query(&sql, &[])
            .map_err(self.fail("reading the feeds"))?;
        Ok(rows.iter().map(feed_row).collect())
    }

    /// Writes a feed's state (inserted or replaced).
    pub fn save_feed(&mut self, feed: &FeedState) -> Result<(), StoreError> {
        let sql = format!(
            "INSERT INTO {SCHEMA}.feeds ({FEED_COLUMNS}) VALUES \
             ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) \
             ON CONFLICT (url) DO UPDATE SET kind = excluded.kind, etag = excluded.etag, \
             last_modified = excluded.last_modified, last_poll = excluded.last_poll, \
             next_poll = excluded.next_poll, interval_secs = excluded.interval_secs, \
             error_streak = excluded.error_streak, last_error = excluded.last_error, \
             new_items = excluded.new_items, total_items = excluded.total_items, \
             polls = excluded.polls, errors = excluded.errors, owner = NULL"
        );
        self.client
            .execute(
                &sql,
                &[
                    &feed.url,
                    &feed.kind,
                    &feed.etag,
                    &feed.last_modified,
                    &feed.last_poll,
                    &feed.next_poll,
                    &feed.interval_secs,
                    &feed.error_streak,
                    &feed.last_error,
                    &feed.new_items,
                    &feed.total_items,
                    &feed.polls,
                    &feed.errors,
                ],
            )
            .map(drop)
            .map_err(self.fail("saving a feed's state"))
    }

    /// Claims the feeds and sitemaps due at `now` (all of them with
    /// `everything`) but those in `skip` and those another watcher is
    /// polling: they are not due again for [`FEED_LEASE_SECS`] unless the
    /// claimant saves them first (it saves them when the poll ends).
    pub fn claim_feeds(
        &mut self,
        now: i64,
        everything: bool,
        skip: &HashSet<String>,
    ) -> Result<Vec<FeedState>, StoreError> {
        let skip: Vec<&str> = skip.iter().map(String::as_str).collect();
        let sql = format!(
            "UPDATE {SCHEMA}.feeds SET next_poll = $1 + $4, owner = pg_backend_pid() \
             WHERE url IN ( \
               SELECT url FROM {SCHEMA}.feeds WHERE kind <> 'page' \
               AND ($2 OR next_poll <= $1 OR {OWNER_GONE}) AND NOT (url = ANY($3)) \
               ORDER BY url FOR UPDATE SKIP LOCKED) \
             RETURNING {FEED_COLUMNS}"
        );
        let rows = self
            .client
            .query(&sql, &[&now, &everything, &skip, &FEED_LEASE_SECS])
            .map_err(self.fail("claiming the due feeds"))?;
        let mut feeds: Vec<FeedState> = rows.iter().map(feed_row).collect();
        feeds.sort_by(|a, b| a.url.cmp(&b.url));
        Ok(feeds)
    }

    /// Queues the items not queued before, and queues again those whose
    /// `updated` stamp changed since (their page changed); one transaction.
    /// Returns how many were queued.
    pub fn enqueue(&mut self, items: &[NewItem], now: i64) -> Result<usize, StoreError> {
        let url = self.url.clone();
        enqueue(&mut self.client, items, now).map_err(|f| f.into_error(&url))
    }

    /// Claims up to `limit` URLs due at `now` after queue place `after`,
    /// oldest first, that no other watcher holds: they are not due again
    /// for [`PAGE_LEASE_SECS`] unless [`PgWatchState::finish`] records how
    /// they ended first.
    pub fn claim_due(
        &mut self,
        now: i64,
        after: i64,
        limit: usize,
    ) -> Result<Vec<QueuedUrl>, StoreError> {
        let sql = format!(
            "UPDATE {SCHEMA}.queue SET next_try = $1 + $4, owner = pg_backend_pid() \
             WHERE id IN ( \
               SELECT id FROM {SCHEMA}.queue WHERE state IN ({PENDING}, {RETRY}) \
               AND (next_try <= $1 OR {OWNER_GONE}) AND id > $2 \
               ORDER BY id LIMIT $3 FOR UPDATE SKIP LOCKED) \
             RETURNING id, url, source, attempts, etag, last_modified"
        );
        let rows = self
            .client
            .query(
                &sql,
                &[
                    &now,
                    &after,
                    &(limit.min(i64::MAX as usize) as i64),
                    &PAGE_LEASE_SECS,
                ],
            )
            .map_err(self.fail("claiming URLs of the fetch queue"))?;
        let mut due: Vec<QueuedUrl> = rows
            .iter()
            .map(|row| QueuedUrl {
                id: row.get(0),
                url: row.get(1),
                source: row.get(2),
                attempts: row.get(3),
                etag: row.get(4),
                last_modified: row.get(5),
            })
            .collect();
        due.sort_by_key(|queued| queued.id);
        Ok(due)
    }

    /// Records how queued URLs ended, in one transaction.
    pub fn finish(&mut self, results: &[(String, Finish)], now: i64) -> Result<(), StoreError> {
        let url = self.url.clone();
        finish(&mut self.client, results, now).map_err(|f| f.into_error(&url))
    }

    /// How many queued URLs are in each state.
    pub fn queue_counts(&mut self) -> Result<QueueCounts, StoreError> {
        let url = self.url.clone();
        queue_counts(&mut self.client).map_err(|f| f.into_error(&url))
    }
}

fn queue_counts(client: &mut Client) -> PgResult<QueueCounts> {
    let sql = format!("SELECT state, count(*) FROM {SCHEMA}.queue GROUP BY state");
    let rows = client
        .query(&sql, &[])
        .map_err(Failed::at("counting the fetch queue"))?;
    let mut counts = QueueCounts::default();
    for row in rows {
        counts.add(
            row.get::<_, i16>(0).into(),
            row.get::<_, i64>(1).max(0) as u64,
        );
    }
    Ok(counts)
}

/// What `/metrics` tells of the watchers sharing this database: all zero
/// when no watcher ever used it (no watch schema). Read on the caller's
/// connection, without creating the watch tables.
pub(crate) fn watch_metrics(client: &mut Client) -> PgResult<WatchMetrics> {
    let at = Failed::at("reading the watchers' metrics");
    let watched: bool = client
        .query_one(
            &format!(
                "SELECT to_regclass('{SCHEMA}.feeds') IS NOT NULL \
                 AND to_regclass('{SCHEMA}.queue') IS NOT NULL"
            ),
            &[],
        )
        .map_err(&at)?
        .get(0);
    if !watched {
        return Ok(WatchMetrics::default());
    }
    let row = client
        .query_one(
            &format!(
                "SELECT count(*), count(*) FILTER (WHERE error_streak > 0), \
                 coalesce(sum(polls), 0)::bigint, coalesce(sum(errors), 0)::bigint \
                 FROM {SCHEMA}.feeds"
            ),
            &[],
        )
        .map_err(&at)?;
    let count = |i: usize| row.get::<_, i64>(i).max(0) as u64;
    let (feeds, failing_feeds, polls, poll_errors) = (count(0), count(1), count(2), count(3));
    // The host of a URL: what follows "://" up to the next "/", as the
    // SQLite store reads it.
    let host = "split_part(substr(url, strpos(url, '://') + 3), '/', 1)";
    let sql = format!(
        "SELECT host, sum(n)::bigint FROM ( \
           SELECT {host} AS host, count(*) AS n FROM {SCHEMA}.queue \
           WHERE state IN ({RETRY}, {GONE}) GROUP BY 1 \
           UNION ALL \
           SELECT {host} AS host, sum(errors) AS n FROM {SCHEMA}.feeds \
           WHERE errors > 0 GROUP BY 1) AS failures \
         GROUP BY host ORDER BY sum(n) DESC, host LIMIT {MAX_HOSTS}"
    );
    let errors_by_host = client
        .query(&sql, &[])
        .map_err(&at)?
        .iter()
        .map(|row| (row.get::<_, String>(0), row.get::<_, i64>(1).max(0) as u64))
        .collect();
    Ok(WatchMetrics {
        feeds,
        failing_feeds,
        polls,
        poll_errors,
        queue: queue_counts(client)?,
        errors_by_host,
    })
}

fn feed_row(row: &Row) -> FeedState {
    FeedState {
        url: row.get(0),
        kind: row.get(1),
        etag: row.get(2),
        last_modified: row.get(3),
        last_poll: row.get(4),
        next_poll: row.get(5),
        interval_secs: row.get(6),
        error_streak: row.get(7),
        last_error: row.get(8),
        new_items: row.get(9),
        total_items: row.get(10),
        polls: row.get(11),
        errors: row.get(12),
    }
}

fn enqueue(client: &mut Client, items: &[NewItem], now: i64) -> PgResult<usize> {
    let at = Failed::at("queueing URLs");
    // Rows are locked in URL order, so two watchers queueing overlapping
    // listings at once wait for each other instead of deadlocking.
    let mut items: Vec<&NewItem> = items.iter().collect();
    items.sort_by(|a, b| a.url.cmp(&b.url));
    items.dedup_by(|a, b| a.url == b.url);
    let mut tx = client.transaction().map_err(at)?;
    let insert = tx
        .prepare(&format!(
            "INSERT INTO {SCHEMA}.queue (url, source, updated, state, attempts, next_try, \
             queued_at) VALUES ($1, $2, $3, {PENDING}, 0, 0, $4) ON CONFLICT (url) DO NOTHING"
        ))
        .map_err(at)?;
    let changed = tx
        .prepare(&format!(
            "UPDATE {SCHEMA}.queue SET updated = $2, state = {PENDING}, attempts = 0, \
             next_try = 0 WHERE url = $1 AND state = {DONE} AND $2::text IS NOT NULL \
             AND updated IS DISTINCT FROM $2"
        ))
        .map_err(at)?;
    let mut queued = 0;
    for item in items {
        let inserted = tx
            .execute(&insert, &[&item.url, &item.source, &item.updated, &now])
            .map_err(at)?;
        queued += if inserted > 0 {
            inserted
        } else {
            tx.execute(&changed, &[&item.url, &item.updated])
                .map_err(at)?
        };
    }
    tx.commit().map_err(at)?;
    Ok(queued as usize)
}

fn finish(client: &mut Client, results: &[(String, Finish)], now: i64) -> PgResult<()> {
    let at = Failed::at("updating the fetch queue");
    let mut results: Vec<&(String, Finish)> = results.iter().collect();
    results.sort_by(|a, b| a.0.cmp(&b.0));
    let mut tx = client.transaction().map_err(at)?;
    let done = tx
        .prepare(&format!(
            "UPDATE {SCHEMA}.queue SET state = {DONE}, attempts = attempts + 1, done_at = $2, \
             etag = coalesce($3, etag), last_modified = coalesce($4, last_modified), \
             last_error = NULL, owner = NULL WHERE url = $1"
        ))
        .map_err(at)?;
    let failed = tx
        .prepare(&format!(
            "UPDATE {SCHEMA}.queue SET state = $2, attempts = attempts + 1, next_try = $3, \
             last_error = $4, owner = NULL WHERE url = $1"
        ))
        .map_err(at)?;
    for (url, result) in results {
        match result {
            Finish::Done {
                etag,
                last_modified,
            } => tx.execute(&done, &[url, &now, etag, last_modified]),
            Finish::Retry { at: when, error } => tx.execute(&failed, &[url, &RETRY, when, error]),
            Finish::Gone { error } => tx.execute(&failed, &[url, &GONE, &0i64, error]),
        }
        .map_err(at)?;
    }
    tx.commit().map_err(at)
}

/// Creates or upgrades the watch state's tables, once however many
/// watchers start at once.
fn migrate(client: &mut Client) -> PgResult<i32> {
    let at = Failed::at("creating or upgrading the watch state's tables");
    let mut tx = client.transaction().map_err(at)?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])
        .map_err(at)?;
    tx.batch_execute(&format!(
        "CREATE SCHEMA IF NOT EXISTS {SCHEMA};
         CREATE TABLE IF NOT EXISTS {SCHEMA}.schema_version (
             version integer PRIMARY KEY,
             applied_at timestamptz NOT NULL DEFAULT now()
         );"
    ))
    .map_err(Failed::at(
        "creating the watch state's schema (may this user CREATE in the database?)",
    ))?;
    let found: i32 = tx
        .query_one(
            &format!("SELECT coalesce(max(version), 0) FROM {SCHEMA}.schema_version"),
            &[],
        )
        .map_err(at)?
        .get(0);
    if found > WATCH_SCHEMA_VERSION {
        return Err(Failed::Newer { found });
    }
    for (index, sql) in MIGRATIONS.iter().enumerate().skip(found as usize) {
        let version = index as i32 + 1;
        tx.batch_execute(sql).map_err(at)?;
        tx.execute(
            &format!("INSERT INTO {SCHEMA}.schema_version (version) VALUES ($1)"),
            &[&version],
        )
        .map_err(at)?;
    }
    tx.commit().map_err(at)?;
    Ok(WATCH_SCHEMA_VERSION)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::TestDb;
    use crate::watch::tests::{
        assert_fixture_metrics, failing_feed, first_fetches, item, metrics_fixture,
    };

    #[test]
    fn metrics_count_the_queue_and_failures_by_host() {
        let Some(db) = TestDb::new("pg watch metrics") else {
            return;
        };
        let mut client = Client::connect(&db.url, NoTls).unwrap();
        // A database no watcher used: nothing watched, no tables made.
        assert_eq!(watch_metrics(&mut client).unwrap(), WatchMetrics::default());
        let mut state = PgWatchState::open(&db.url).unwrap();
        let (items, finished, feed) = metrics_fixture();
        state.enqueue(&items, 100).unwrap();
        state.finish(&finished, 200).unwrap();
        state.save_feed(&feed).unwrap();
        assert_fixture_metrics(&watch_metrics(&mut client).unwrap());
    }

    #[test]
    fn one_migration_per_version() {
        assert_eq!(MIGRATIONS.len(), WATCH_SCHEMA_VERSION as usize);
    }

    #[test]
    fn urls_are_queued_once_claimed_by_one_watcher_and_again_only_when_changed() {
        let Some(db) = TestDb::new("pg watch queue") else {
            return;
        };
        let mut one = PgWatchState::open(&db.url).unwrap();
        let mut two = PgWatchState::open(&db.url).unwrap();
        let items = [
            item("https://a.example/1", Some("t1")),
            item("https://a.example/2", None),
        ];
        assert_eq!(one.enqueue(&items, 100).unwrap(), 2);
        assert_eq!(two.enqueue(&items, 101).unwrap(), 0);
        let claimed = one.claim_due(200, 0, 10).unwrap();
        assert_eq!(claimed.len(), 2);
        // Claimed: the other watcher finds nothing due until the lease ends.
        assert!(two.claim_due(200, 0, 10).unwrap().is_empty());
        assert_eq!(
            two.claim_due(200 + PAGE_LEASE_SECS, 0, 10).unwrap().len(),
            2,
            "a dead watcher's claims come due again"
        );
        // A watcher whose session ended: its claims are due at once.
        let mut dead = PgWatchState::open(&db.url).unwrap();
        assert_eq!(
            dead.enqueue(&[item("https://a.example/3", None)], 200)
                .unwrap(),
            1
        );
        assert_eq!(dead.claim_due(200, 0, 10).unwrap().len(), 1);
        assert!(two.claim_due(200, 0, 10).unwrap().is_empty());
        drop(dead);
        let mut left = Vec::new();
        for _ in 0..100 {
            left = two.claim_due(200, 0, 10).unwrap();
            if !left.is_empty() {
                break;
            }
            // The server forgets a closed session a moment after it closes.
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        assert_eq!(left.len(), 1, "a dead watcher's claim comes due");
        two.finish(
            &[(
                "https://a.example/3".into(),
                Finish::Gone {
                    error: "HTTP 404".into(),
                },
            )],
            200,
        )
        .unwrap();
        one.finish(&first_fetches(), 200).unwrap();
        assert!(two.claim_due(499, 0, 10).unwrap().is_empty());
        assert_eq!(
            two.claim_due(500, 0, 10).unwrap()[0].url,
            "https://a.example/2"
        );
        assert_eq!(
            one.enqueue(&[item("https://a.example/1", Some("t1"))], 300)
                .unwrap(),
            0
        );
        assert_eq!(
            one.enqueue(&[item("https://a.example/1", Some("t2"))], 300)
                .unwrap(),
            1
        );
        let again = one.claim_due(300, 0, 10).unwrap();
        assert_eq!(again.len(), 1);
        assert_eq!(again[0].etag.as_deref(), Some("\"e1\""));
        let counts = two.queue_counts().unwrap();
        assert_eq!((counts.pending, counts.retry), (1, 1));
    }

    #[test]
    fn feeds_round_trip_and_a_due_feed_is_claimed_once() {
        let Some(db) = TestDb::new("pg watch feeds") else {
            return;
        };
        let mut one = PgWatchState::open(&db.url).unwrap();
        let mut two = PgWatchState::open(&db.url).unwrap();
        let feed = failing_feed();
        one.save_feed(&feed).unwrap();
        let page = FeedState {
            url: "https://a.example/page".into(),
            kind: "page".into(),
            next_poll: i64::MAX,
            ..FeedState::default()
        };
        one.save_feed(&page).unwrap();
        assert_eq!(two.feed(&feed.url).unwrap().as_ref(), Some(&feed));
        assert_eq!(two.feeds().unwrap(), [page, feed.clone()]);
        let none = HashSet::new();
        assert!(one.claim_feeds(899, false, &none).unwrap().is_empty());
        let claimed = one.claim_feeds(900, false, &none).unwrap();
        assert_eq!(claimed.len(), 1, "pages are never polled");
        assert_eq!(claimed[0].etag, feed.etag);
        assert!(two.claim_feeds(900, false, &none).unwrap().is_empty());
        // A round polling everything takes it, unless it polled it already.
        assert_eq!(two.claim_feeds(900, true, &none).unwrap().len(), 1);
        let polled = HashSet::from([feed.url.clone()]);
        assert!(two.claim_feeds(900, true, &polled).unwrap().is_empty());
        // Saved after the poll: due at its own time again.
        one.save_feed(&feed).unwrap();
        assert_eq!(two.claim_feeds(900, false, &none).unwrap().len(), 1);
    }

    #[test]
    fn a_newer_watch_state_is_refused() {
        let Some(db) = TestDb::new("pg watch newer") else {
            return;
        };
        drop(PgWatchState::open(&db.url).unwrap());
        db.client()
            .execute(
                "INSERT INTO chancery_watch.schema_version (version) VALUES ($1)",
                &[&(WATCH_SCHEMA_VERSION + 1)],
            )
            .unwrap();
        let error = PgWatchState::open(&db.url).unwrap_err().to_string();
        assert!(error.contains("upgrade chancery"), "{error}");
    }
}
