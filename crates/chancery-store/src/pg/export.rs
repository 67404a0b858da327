//! Exports from PostgreSQL: the same walks as [`crate::ExportReader`],
//! in the same order, streamed through a cursor in a read-only snapshot
//! (a walk holds `CURSOR_ROWS` rows at a time, whatever the corpus).

use std::sync::{Mutex, MutexGuard};

use postgres::{Client, Row};

use crate::export::{filter_sql, Dialect};
use crate::pg::{connect, redacted, walk_rows, Failed};
use crate::{ExportArticle, ExportEvent, ExportFilter, StoreError};

/// [`crate::export`]'s event day in PostgreSQL's spelling.
const EVENT_DAY: &str = "CASE \
    WHEN ev.date_precision IN ('day', 'time') \
         AND ev.date ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}' \
    THEN substr(ev.date, 1, 10) \
    WHEN a.published_precision IN ('day', 'time') \
         AND a.published ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}' \
    THEN substr(a.published, 1, 10) \
    END";

/// A PostgreSQL store opened for exporting: one connection walks, the
/// other answers look-ups made while walking (an event's article).
pub struct PgExport {
    walker: Mutex<Client>,
    lookups: Mutex<Client>,
    url: String,
}

impl std::fmt::Debug for PgExport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgExport")
            .field("url", &redacted(&self.url))
            .finish_non_exhaustive()
    }
}

fn locked(client: &Mutex<Client>) -> MutexGuard<'_, Client> {
    client
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl PgExport {
    /// Connects to the database at `url`.
    pub fn open(url: &str) -> Result<PgExport, StoreError> {
        Ok(PgExport {
            walker: Mutex::new(connect(url)?),
            lookups: Mutex::new(connect(url)?),
            url: url.to_string(),
        })
    }

    /// The database URL, without its password.
    pub fn url(&self) -> String {
        redacted(&self.url)
    }

    fn fail(&self, context: &'static str) -> impl Fn(postgres::Error) -> StoreError + '_ {
        move |e| Failed::at(context)(e).into_error(&self.url)
    }

    fn count(
        &self,
        sql: &str,
        values: &[String],
        context: &'static str,
    ) -> Result<u64, StoreError> {
        let params: Vec<&(dyn postgres::types::ToSql + Sync)> = values
            .iter()
            .map(|v| v as &(dyn postgres::types::ToSql + Sync))
            .collect();
        locked(&self.lookups)
            .query_one(sql, &params)
            .map(|row| row.get::<_, i64>(0).max(0) as u64)
            .map_err(self.fail(context))
    }

    /// How many canonical articles match `filter`.
    pub fn count_articles(&self, filter: &ExportFilter) -> Result<u64, StoreError> {
        let (clause, values) = filter_sql(filter, Dialect::Postgres);
        let sql = format!("SELECT count(*) FROM articles a WHERE {clause}");
        self.count(&sql, &values, "counting articles to export")
    }

    /// How many events of canonical articles match `filter`.
    pub fn count_events(&self, filter: &ExportFilter) -> Result<u64, StoreError> {
        let (clause, values) = filter_sql(filter, Dialect::Postgres);
        let sql = format!(
            "SELECT count(*) FROM events ev JOIN articles a ON a.id = ev.article WHERE {clause}"
        );
        self.count(&sql, &values, "counting events to export")
    }

    /// [`crate::ExportReader::for_each_article`]: canonical articles in id
    /// order.
    pub fn for_each_article<E: From<StoreError>>(
        &self,
        filter: &ExportFilter,
        each: impl FnMut(ExportArticle) -> Result<(), E>,
    ) -> Result<u64, E> {
        let (clause, values) = filter_sql(filter, Dialect::Postgres);
        let sql = format!(
            "SELECT a.id, a.ingested_at, a.analysis, a.doc_id, a.text FROM articles a \
             WHERE {clause} ORDER BY a.id"
        );
        self.walk(
            &sql,
            &values,
            "reading articles to export",
            article_from,
            each,
        )
    }

    /// One canonical or duplicate article by internal id.
    pub fn article(&self, id: i64) -> Result<Option<ExportArticle>, StoreError> {
        let context = "reading an article to export";
        let row = locked(&self.lookups)
            .query_opt(
                "SELECT id, ingested_at, analysis, doc_id, text FROM articles WHERE id = $1",
                &[&id],
            )
            .map_err(self.fail(context))?;
        row.as_ref()
            .map(article_from)
            .transpose()
            .map_err(|f| f.into_error(&self.url))
    }

    /// [`crate::ExportReader::for_each_event`]: events ordered by day,
    /// source, target and CAMEO code (missing values first, text compared
    /// bytewise as SQLite does), then by article and position.
    pub fn for_each_event<E: From<StoreError>>(
        &self,
        filter: &ExportFilter,
        each: impl FnMut(ExportEvent) -> Result<(), E>,
    ) -> Result<u64, E> {
        let (clause, values) = filter_sql(filter, Dialect::Postgres);
        let sql = format!(
            "SELECT article, position, day, source_code, target_code, code FROM ( \
                 SELECT ev.article, ev.id, \
                        row_number() OVER (PARTITION BY ev.article ORDER BY ev.id) - 1 \
                            AS position, \
                        {EVENT_DAY} AS day, ev.source_code, ev.target_code, ev.code \
                 FROM events ev JOIN articles a ON a.id = ev.article \
                 WHERE {clause}) e \
             ORDER BY day COLLATE \"C\" NULLS FIRST, source_code COLLATE \"C\" NULLS FIRST, \
                      target_code COLLATE \"C\" NULLS FIRST, code COLLATE \"C\", article, id"
        );
        self.walk(&sql, &values, "reading events to export", event_from, each)
    }

    /// Runs one query and hands its rows to `each` one at a time
    /// ([`walk_rows`]: a cursor in a read-only snapshot).
    fn walk<T, E: From<StoreError>>(
        &self,
        sql: &str,
        values: &[String],
        context: &'static str,
        read: fn(&Row) -> Result<T, Failed>,
        mut each: impl FnMut(T) -> Result<(), E>,
    ) -> Result<u64, E> {
        let params: Vec<&(dyn postgres::types::ToSql + Sync)> = values
            .iter()
            .map(|v| v as &(dyn postgres::types::ToSql + Sync))
            .collect();
        let fail = |f: Failed| E::from(f.into_error(&self.url));
        walk_rows(
            &mut locked(&self.walker),
            sql,
            &params,
            context,
            fail,
            |row| each(read(row).map_err(fail)?),
        )
    }
}

/// A row of `id, ingested_at, analysis, doc_id, text`.
fn article_from(row: &Row) -> Result<ExportArticle, Failed> {
    let at = Failed::at("reading an article to export");
    let doc_id: String = row.try_get(3).map_err(at)?;
    let text: String = row.try_get(4).map_err(at)?;
    let blob: &[u8] = row.try_get(2).map_err(at)?;
    let analysis =
        crate::blob::decode_analysis_json(&doc_id, blob, &text).map_err(Failed::Store)?;
    Ok(ExportArticle {
        id: row.try_get(0).map_err(at)?,
        ingested_at: row.try_get(1).map_err(at)?,
        analysis,
    })
}

fn event_from(row: &Row) -> Result<ExportEvent, Failed> {
    let at = Failed::at("reading events to export");
    Ok(ExportEvent {
        article: row.try_get(0).map_err(at)?,
        index: row.try_get::<_, i64>(1).map_err(at)?.max(0) as usize,
        day: row.try_get(2).map_err(at)?,
        source_code: row.try_get(3).map_err(at)?,
        target_code: row.try_get(4).map_err(at)?,
        code: row.try_get(5).map_err(at)?,
    })
}
