//! The store in PostgreSQL: the same articles, annotations and
//! near-duplicate index as the SQLite store, for many writers on many
//! machines sharing one corpus (`--data postgres://…`).
//!
//! [`PgStore`] writes batches of [`Document`]s with the SQLite store's
//! semantics (an article stored once by its id, an external id used once,
//! near-duplicates pointing at the first-seen copy); any number of them
//! may write at once. [`PgReader`] answers what the ingest pipeline asks
//! before analysis (which ids are stored, the people of the registry) and
//! [`PgExport`] streams exports through a cursor.
//!
//! Stories are kept too, by one elected clusterer at a time
//! ([`PgStories`]), and [`crate::Queries`] answers the server's queries
//! from it (`read.rs`). The watch state ([`PgWatchState`]) has a schema
//! of its own, `chancery_watch`.

mod export;
mod schema;
mod search_feed;
mod stories;
pub(crate) mod watch;
mod write;

use std::collections::HashMap;
use std::sync::Mutex;

use postgres::{Client, NoTls};

use crate::registry::PersonSighting;
use crate::store::SignatureCache;
use crate::{Document, Outcome, Stats, StoreError};

pub use export::PgExport;
pub use schema::PG_SCHEMA_VERSION;
pub(crate) use search_feed::PgFeed;
pub use stories::PgStories;
pub(crate) use stories::{CLUSTERER_LOCK, WRITE_LOCK};
pub use watch::{PgWatchState, FEED_LEASE_SECS, PAGE_LEASE_SECS, WATCH_SCHEMA_VERSION};

/// Whether `data` (a `--data` value) names a PostgreSQL database rather
/// than a data directory: a `postgres://` or `postgresql://` URL.
pub fn is_postgres_url(data: &str) -> bool {
    let lower = data.trim_start().to_ascii_lowercase();
    lower.starts_with("postgres://") || lower.starts_with("postgresql://")
}

/// `url` without its password, for messages and logs.
pub fn redacted(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    // The user information ends at the last '@' before the path.
    let authority_end = rest.find('/').unwrap_or(rest.len());
    let (authority, path) = rest.split_at(authority_end);
    match authority.rsplit_once('@') {
        Some((user_info, host)) => match user_info.split_once(':') {
            Some((user, _password)) => format!("{scheme}://{user}:***@{host}{path}"),
            None => url.to_string(),
        },
        None => url.to_string(),
    }
}

/// A driver error with what the store was doing, before the URL is known
/// to the code that failed.
#[derive(Debug)]
pub(crate) enum Failed {
    Db {
        context: &'static str,
        source: postgres::Error,
    },
    Newer {
        found: i32,
    },
    Store(StoreError),
}

pub(crate) type PgResult<T> = Result<T, Failed>;

impl Failed {
    /// Wraps a driver error with what was being done.
    pub(crate) fn at(context: &'static str) -> impl Fn(postgres::Error) -> Failed + Copy {
        move |source| Failed::Db { context, source }
    }

    /// Whether trying the transaction again may succeed: PostgreSQL broke
    /// a deadlock between writers by aborting this one.
    fn retryable(&self) -> bool {
        use postgres::error::SqlState;
        matches!(self, Failed::Db { source, .. }
            if source.code() == Some(&SqlState::T_R_DEADLOCK_DETECTED)
                || source.code() == Some(&SqlState::T_R_SERIALIZATION_FAILURE))
    }

    pub(crate) fn into_error(self, url: &str) -> StoreError {
        match self {
            Failed::Db { context, source } => {
                use postgres::error::SqlState;
                let advice = match source.code() {
                    None if source.as_db_error().is_none() => {
                        "; is the server running, and are the host, port, user and database \
                         in the URL right (--data or CHANCERY_DATABASE_URL)?"
                    }
                    Some(c) if *c == SqlState::INSUFFICIENT_PRIVILEGE => {
                        "; grant this user CREATE and USAGE on the database, or connect as \
                         its owner"
                    }
                    Some(c) if *c == SqlState::INVALID_CATALOG_NAME => {
                        "; create the database first (createdb NAME)"
                    }
                    Some(c) if *c == SqlState::DISK_FULL => {
                        "; free some disk space on the server and run again"
                    }
                    _ => "",
                };
                StoreError::Postgres {
                    url: redacted(url),
                    context,
                    source,
                    advice,
                }
            }
            Failed::Newer { found } => StoreError::PostgresSchema {
                url: redacted(url),
                found,
                known: PG_SCHEMA_VERSION,
            },
            Failed::Store(error) => error,
        }
    }
}

/// Connects to `url`, creates or upgrades the tables and puts the store's
/// schema on the connection's search path.
pub(crate) fn connect(url: &str) -> Result<Client, StoreError> {
    let mut client =
        Client::connect(url, NoTls).map_err(|e| Failed::at("connecting")(e).into_error(url))?;
    schema::migrate(&mut client, url)?;
    client
        .batch_execute(&format!("SET search_path TO {}", schema::SCHEMA))
        .map_err(|e| Failed::at("connecting")(e).into_error(url))?;
    Ok(client)
}

/// How many times a batch is tried when PostgreSQL aborts it to break a
/// deadlock with another writer (two writers storing the same article at
/// once, in different orders).
const WRITE_ATTEMPTS: u32 = 5;

/// A PostgreSQL store opened for writing. Unlike a data directory, any
/// number of writers may have one database open at once: each batch is a
/// transaction, and writers storing near-duplicates at the same time take
/// turns on their LSH keys.
pub struct PgStore {
    client: Client,
    url: String,
    /// The largest article id when the store was opened.
    opened_at: i64,
    statements: write::Statements,
    /// Signatures of first-seen articles read or written so far (they
    /// never change once committed, whoever wrote them).
    signatures: SignatureCache,
}

impl std::fmt::Debug for PgStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgStore")
            .field("url", &redacted(&self.url))
            .field("opened_at", &self.opened_at)
            .finish_non_exhaustive()
    }
}

impl PgStore {
    /// Connects to the database at `url` (a `postgres://` URL), creating
    /// the store's tables on first use.
    pub fn open(url: &str) -> Result<PgStore, StoreError> {
        let mut client = connect(url)?;
        let opened_at = max_article_id(&mut client).map_err(|f| f.into_error(url))?;
        let statements = write::Statements::prepare(&mut client).map_err(|f| f.into_error(url))?;
        Ok(PgStore {
            client,
            url: url.to_string(),
            opened_at,
            statements,
            signatures: SignatureCache::default(),
        })
    }

    /// The database URL, without its password.
    pub fn url(&self) -> String {
        redacted(&self.url)
    }

    /// The URL as given (password included: to connect with, never to
    /// show).
    pub(crate) fn url_as_given(&self) -> &str {
        &self.url
    }

    /// The largest internal article id when the store was opened.
    pub fn stored_before_open(&self) -> i64 {
        self.opened_at
    }

    /// Writes a batch of documents in one transaction, as
    /// [`crate::Store::write`] does; a batch PostgreSQL aborts to break a
    /// deadlock with another writer is tried again.
    pub fn write(&mut self, documents: &[Document]) -> Result<Vec<Outcome>, StoreError> {
        let mut attempt = 1;
        loop {
            let mut seen = Vec::new();
            let written = write::batch(
                &mut self.client,
                &self.statements,
                documents,
                self.opened_at,
                (&self.signatures, &mut seen),
            );
            match written {
                Ok(outcomes) => {
                    for (article, signature) in seen {
                        self.signatures.insert(article, signature);
                    }
                    return Ok(outcomes);
                }
                Err(failed) if failed.retryable() && attempt < WRITE_ATTEMPTS => {
                    // The other writer is committing what it holds.
                    std::thread::sleep(std::time::Duration::from_millis(20 << attempt));
                    attempt += 1;
                }
                Err(failed) => return Err(failed.into_error(&self.url)),
            }
        }
    }

    /// The point an ingest run reads the actor registry up to: everything
    /// stored now. (A data directory remembers it for a killed run to
    /// resume with; here each process takes its own.)
    pub fn begin_run(&mut self) -> Result<i64, StoreError> {
        max_article_id(&mut self.client).map_err(|f| f.into_error(&self.url))
    }

    /// Counts of what the store holds.
    pub fn stats(&mut self) -> Result<Stats, StoreError> {
        stats(&mut self.client).map_err(|f| f.into_error(&self.url))
    }
}

/// A PostgreSQL store opened for the reads of the ingest pipeline.
pub struct PgReader {
    client: Mutex<Client>,
    url: String,
}

impl std::fmt::Debug for PgReader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgReader")
            .field("url", &redacted(&self.url))
            .finish_non_exhaustive()
    }
}

impl PgReader {
    /// Connects to the database at `url`.
    pub fn open(url: &str) -> Result<PgReader, StoreError> {
        Ok(PgReader {
            client: Mutex::new(connect(url)?),
            url: url.to_string(),
        })
    }

    /// The URL as given (with its password: for errors, which redact it).
    pub(crate) fn url(&self) -> &str {
        &self.url
    }

    fn client(&self) -> std::sync::MutexGuard<'_, Client> {
        // A panic while holding the client leaves no state to repair: the
        // next query is a new statement on the same connection.
        self.client
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Which of `ids` ([`Document::id`]) are stored, with their internal ids.
    pub fn stored(&self, ids: &[&str]) -> Result<HashMap<String, i64>, StoreError> {
        let ids: Vec<&str> = ids.to_vec();
        let rows = self
            .client()
            .query(
                "SELECT doc_id, id FROM articles WHERE doc_id = ANY($1)",
                &[&ids],
            )
            .map_err(|e| Failed::at("looking up article ids")(e).into_error(&self.url))?;
        Ok(rows.iter().map(|row| (row.get(0), row.get(1))).collect())
    }

    /// Counts of what the store holds.
    pub fn stats(&self) -> Result<Stats, StoreError> {
        stats(&mut self.client()).map_err(|f| f.into_error(&self.url))
    }

    /// [`crate::Reader::for_each_person_upto`]: every person of every
    /// canonical article with an id up to `upto`, oldest article first.
    pub fn for_each_person_upto(
        &self,
        upto: i64,
        mut each: impl FnMut(PersonSighting),
    ) -> Result<(), StoreError> {
        let context = "reading the people of the corpus";
        let fail = |f: Failed| f.into_error(&self.url);
        let at = Failed::at(context);
        walk_rows(
            &mut self.client(),
            "SELECT a.id, a.doc_id, a.external_id, a.published, e.name, e.country, \
                    e.actor_code, e.aliases, e.roles \
             FROM entities e JOIN articles a ON a.id = e.article \
             WHERE e.kind = 'person' AND a.duplicate_of IS NULL AND a.id <= $1 \
             ORDER BY a.published IS NULL, a.published COLLATE \"C\", a.id, e.id",
            &[&upto],
            context,
            fail,
            |row| {
                let get = |e| fail(at(e));
                let aliases: String = row.try_get(7).map_err(get)?;
                let roles: String = row.try_get(8).map_err(get)?;
                each(PersonSighting {
                    article: row.try_get(0).map_err(get)?,
                    doc_id: row.try_get(1).map_err(get)?,
                    external_id: row.try_get(2).map_err(get)?,
                    published: row.try_get(3).map_err(get)?,
                    name: row.try_get(4).map_err(get)?,
                    country: row.try_get(5).map_err(get)?,
                    actor_code: row.try_get(6).map_err(get)?,
                    // As the SQLite reader: a row that does not parse
                    // has none rather than failing the registry.
                    aliases: serde_json::from_str(&aliases).unwrap_or_default(),
                    roles: serde_json::from_str(&roles).unwrap_or_default(),
                });
                Ok(())
            },
        )
        .map(|_| ())
    }
}

/// Runs `sql` in a read-only snapshot and hands its rows to `each` one at
/// a time, fetched from a cursor [`CURSOR_ROWS`] at a time, so a walk over
/// any corpus holds that many rows; returns how many there were. Driver
/// errors go through `fail`; the first error `each` returns stops it.
pub(crate) fn walk_rows<E>(
    client: &mut Client,
    sql: &str,
    params: &[&(dyn postgres::types::ToSql + Sync)],
    context: &'static str,
    fail: impl Fn(Failed) -> E,
    mut each: impl FnMut(&postgres::Row) -> Result<(), E>,
) -> Result<u64, E> {
    let at = |e| fail(Failed::at(context)(e));
    let mut tx = client
        .build_transaction()
        .isolation_level(postgres::IsolationLevel::RepeatableRead)
        .read_only(true)
        .start()
        .map_err(at)?;
    let portal = tx.bind(sql, params).map_err(at)?;
    let mut count = 0;
    loop {
        let rows = tx.query_portal(&portal, CURSOR_ROWS).map_err(at)?;
        for row in &rows {
            each(row)?;
            count += 1;
        }
        if rows.len() < CURSOR_ROWS as usize {
            break;
        }
    }
    tx.commit().map_err(at)?;
    Ok(count)
}

/// Rows fetched from a cursor at a time: a walk holds this many in memory.
pub(crate) const CURSOR_ROWS: i32 = 500;

fn max_article_id(client: &mut Client) -> PgResult<i64> {
    client
        .query_one("SELECT coalesce(max(id), 0)::bigint FROM articles", &[])
        .map(|row| row.get(0))
        .map_err(Failed::at("reading the article count"))
}

fn stats(client: &mut Client) -> PgResult<Stats> {
    let row = client
        .query_one(
            "SELECT (SELECT count(*) FROM articles), \
                    (SELECT count(*) FROM articles WHERE duplicate_of IS NOT NULL), \
                    (SELECT count(*) FROM articles WHERE is_stub), \
                    (SELECT count(*) FROM entities), \
                    (SELECT count(*) FROM quotes), \
                    (SELECT count(*) FROM events)",
            &[],
        )
        .map_err(Failed::at("counting"))?;
    let count = |i: usize| row.get::<_, i64>(i).max(0) as u64;
    Ok(Stats {
        articles: count(0),
        near_duplicates: count(1),
        stubs: count(2),
        entities: count(3),
        quotes: count(4),
        events: count(5),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_told_from_directories() {
        assert!(is_postgres_url("postgres://localhost/news"));
        assert!(is_postgres_url("postgresql://u@h:5432/db"));
        assert!(is_postgres_url("POSTGRES://h/db"));
        assert!(!is_postgres_url("chancery-data"));
        assert!(!is_postgres_url("./postgres/data"));
    }

    #[test]
    fn passwords_are_left_out_of_messages() {
        assert_eq!(
            redacted("postgres://news:s3cret@db.example:5432/corpus"),
            "postgres://news:***@db.example:5432/corpus"
        );
        assert_eq!(
            redacted("postgres://news@db.example/corpus"),
            "postgres://news@db.example/corpus"
        );
        assert_eq!(redacted("postgres://db/x?a=@b"), "postgres://db/x?a=@b");
    }
}
