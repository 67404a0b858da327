//! [`crate::SearchFeed`] over PostgreSQL: the same statements (written
//! with `$n` placeholders for both drivers) on one connection.

use std::sync::Mutex;

use postgres::types::{FromSql, ToSql};
use postgres::Client;

use crate::pg::{connect, Failed, WRITE_LOCK};
use crate::search_feed::{feed_entity, ENTITIES_SQL, EVENTS_SQL};
use crate::{FeedArticle, FeedEntity, FeedEvent, StoreError};

/// A connection for a search index's reads.
pub(crate) struct PgFeed {
    client: Mutex<Client>,
    url: String,
}

impl std::fmt::Debug for PgFeed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgFeed")
            .field("url", &crate::pg::redacted(&self.url))
            .finish_non_exhaustive()
    }
}

type Params<'a> = [&'a (dyn ToSql + Sync)];

impl PgFeed {
    pub(crate) fn open(url: &str) -> Result<PgFeed, StoreError> {
        Ok(PgFeed {
            client: Mutex::new(connect(url)?),
            url: url.to_string(),
        })
    }

    fn client(&self) -> std::sync::MutexGuard<'_, Client> {
        // A panic while holding the client leaves no state to repair.
        self.client
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn fail(&self, context: &'static str) -> impl Fn(postgres::Error) -> StoreError + '_ {
        move |e| Failed::at(context)(e).into_error(&self.url)
    }

    /// The horizon: the largest id once no batch is in flight (waits for
    /// those being written, a moment), so no smaller id commits later.
    pub(crate) fn last_id(&self) -> Result<i64, StoreError> {
        let fail = self.fail("reading the last article id");
        let mut client = self.client();
        let mut tx = client.transaction().map_err(&fail)?;
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&WRITE_LOCK])
            .map_err(&fail)?;
        let last: i64 = tx
            .query_one("SELECT coalesce(max(id), 0)::bigint FROM articles", &[])
            .map_err(&fail)?
            .get(0);
        tx.commit().map_err(&fail)?;
        Ok(last)
    }

    /// The rows of `sql`, each mapped by `map`.
    fn rows<T>(
        &self,
        sql: &str,
        params: &Params<'_>,
        context: &'static str,
        map: impl Fn(&postgres::Row) -> Result<T, postgres::Error>,
    ) -> Result<Vec<T>, StoreError> {
        let rows = self
            .client()
            .query(sql, params)
            .map_err(self.fail(context))?;
        rows.iter()
            .map(map)
            .collect::<Result<_, _>>()
            .map_err(self.fail(context))
    }

    pub(crate) fn one<T: for<'r> FromSql<'r>>(
        &self,
        sql: &str,
        params: &Params<'_>,
        context: &'static str,
    ) -> Result<Option<T>, StoreError> {
        Ok(self
            .rows(sql, params, context, |row| row.try_get(0))?
            .into_iter()
            .next())
    }

    pub(crate) fn ids(
        &self,
        sql: &str,
        id: i64,
        context: &'static str,
    ) -> Result<Vec<i64>, StoreError> {
        self.rows(sql, &[&id], context, |row| row.try_get(0))
    }

    pub(crate) fn articles(
        &self,
        sql: &str,
        params: &Params<'_>,
        context: &'static str,
    ) -> Result<Vec<FeedArticle>, StoreError> {
        self.rows(sql, params, context, |row| {
            Ok(FeedArticle {
                id: row.try_get(0)?,
                doc_id: row.try_get(1)?,
                external_id: row.try_get(2)?,
                url: row.try_get(3)?,
                title: row.try_get(4)?,
                text: row.try_get(5)?,
                published: row.try_get(6)?,
                site: row.try_get(7)?,
                source: row.try_get(8)?,
                duplicate_of: row.try_get(9)?,
                is_stub: row.try_get(10)?,
                entities: Vec::new(),
                events: Vec::new(),
            })
        })
    }

    /// The entities and events of the articles with ids in `[low, high]`.
    #[allow(clippy::type_complexity)]
    pub(crate) fn annotations(
        &self,
        low: i64,
        high: i64,
    ) -> Result<(Vec<(i64, FeedEntity)>, Vec<(i64, FeedEvent)>), StoreError> {
        let range: &Params<'_> = &[&low, &high];
        let entities = self.rows(ENTITIES_SQL, range, "reading entities for search", |row| {
            Ok((
                row.try_get(0)?,
                feed_entity(
                    (row.try_get(1)?, row.try_get(2)?, row.try_get(3)?),
                    (row.try_get(4)?, row.try_get(5)?),
                ),
            ))
        })?;
        let events = self.rows(EVENTS_SQL, range, "reading events for search", |row| {
            Ok((
                row.try_get(0)?,
                FeedEvent {
                    code: row.try_get(1)?,
                    root: row.try_get(2)?,
                    source_code: row.try_get(3)?,
                    target_code: row.try_get(4)?,
                },
            ))
        })?;
        Ok((entities, events))
    }
}
