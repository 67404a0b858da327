//! Streaming reads for exports: canonical articles with their analysis JSON
//! in id order, and canonical events in the order that groups one event
//! told by several articles together.
//!
//! Nothing here buffers the corpus: each method walks one SQLite statement
//! and hands rows to a callback one at a time, so an export of a million
//! articles holds one article in memory at a time. The event walk sorts
//! small key rows (ids and codes, no text), which SQLite spills to its
//! temporary files when they outgrow its cache.

use std::path::{Path, PathBuf};

use rusqlite::types::Value as SqlValue;
use rusqlite::{params_from_iter, Connection, OptionalExtension, Row};

use crate::StoreError;

/// Which articles an export covers. Empty fields do not filter; near-
/// duplicates are always left out (an export counts a syndicated story once).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExportFilter {
    /// Published on or after this date (an ISO 8601 prefix: `2025`,
    /// `2025-03`, `2025-03-12`). Articles without a date are left out.
    pub from: Option<String>,
    /// Published on or before this date (an ISO 8601 prefix, inclusive:
    /// `2025-03` keeps all of March). Articles without a date are left out.
    pub to: Option<String>,
    /// Articles with an entity of this country (ISO 3166 alpha-3, `IRN`).
    pub country: Option<String>,
    /// Articles from this source: the site name, the host of the URL
    /// (`bbc.co.uk` also matches `www.bbc.co.uk`), or the `source` given at
    /// ingest (a file path, or a folder it lies in).
    pub source: Option<String>,
}

/// One canonical article as an export reads it.
#[derive(Debug, Clone, PartialEq)]
pub struct ExportArticle {
    /// The internal id (`articles.id`): articles come in this order.
    pub id: i64,
    /// When it was stored (UTC, ISO 8601 with milliseconds).
    pub ingested_at: String,
    /// The analysis JSON contract, exactly as `chancery analyze` printed it.
    pub analysis: String,
}

/// One canonical event, without its article: the key an export merges
/// events by, in the order [`ExportReader::for_each_event`] walks them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportEvent {
    /// The article it was found in (`articles.id`).
    pub article: i64,
    /// Its position in the article's `events` array (0-based).
    pub index: usize,
    /// [`event_day`]: the day the event took place, else the day of
    /// publication, as `YYYY-MM-DD`.
    pub day: Option<String>,
    /// The source actor's code.
    pub source_code: Option<String>,
    /// The target actor's code.
    pub target_code: Option<String>,
    /// The CAMEO code.
    pub code: String,
}

/// The day an event is filed under, as SQL over `events` (`ev`) and
/// `articles` (`a`): the event's own date when it names a day, else the
/// publication date when that names a day, as the first ten characters of
/// the ISO value. `chancery_export` computes the same from the analysis; the
/// two must agree, or an event told by two articles could be split.
const EVENT_DAY: &str = "CASE \
    WHEN ev.date_precision IN ('day', 'time') \
         AND ev.date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]*' \
    THEN substr(ev.date, 1, 10) \
    WHEN a.published_precision IN ('day', 'time') \
         AND a.published GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]*' \
    THEN substr(a.published, 1, 10) \
    END";

/// The rule behind [`ExportEvent::day`], for readers that hold the analysis
/// rather than the row: the first ten characters of `value` when `precision`
/// is `day` or `time` and they read `YYYY-MM-DD`.
pub fn event_day<'a>(value: &'a str, precision: &str) -> Option<&'a str> {
    if precision != "day" && precision != "time" {
        return None;
    }
    let day = value.get(..10)?;
    let shaped = day.bytes().enumerate().all(|(i, b)| match i {
        4 | 7 => b == b'-',
        _ => b.is_ascii_digit(),
    });
    shaped.then_some(day)
}

/// A store opened for exporting. Read-only; any number may run beside the
/// one writer, each seeing the batches committed before its walk began.
#[derive(Debug)]
pub struct ExportReader {
    conn: Connection,
    path: PathBuf,
}

impl ExportReader {
    /// Opens the store in `dir` for exporting. Fails with
    /// [`StoreError::Missing`] when there is none and
    /// [`StoreError::SchemaVersion`] when it was written by another version.
    pub fn open(dir: impl AsRef<Path>) -> Result<ExportReader, StoreError> {
        let (conn, path) = crate::store::open_read_only(dir.as_ref(), 10, "opening for export")?;
        Ok(ExportReader { conn, path })
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// How many canonical articles match `filter`.
    pub fn count_articles(&self, filter: &ExportFilter) -> Result<u64, StoreError> {
        let (clause, values) = where_clause(filter);
        let sql = format!("SELECT count(*) FROM articles a WHERE {clause}");
        self.conn
            .query_row(&sql, params_from_iter(values), |row| row.get::<_, i64>(0))
            .map(|n| n.max(0) as u64)
            .map_err(StoreError::sqlite(
                &self.path,
                "counting articles to export",
            ))
    }

    /// How many events of canonical articles match `filter`.
    pub fn count_events(&self, filter: &ExportFilter) -> Result<u64, StoreError> {
        let (clause, values) = where_clause(filter);
        let sql = format!(
            "SELECT count(*) FROM events ev JOIN articles a ON a.id = ev.article WHERE {clause}"
        );
        self.conn
            .query_row(&sql, params_from_iter(values), |row| row.get::<_, i64>(0))
            .map(|n| n.max(0) as u64)
            .map_err(StoreError::sqlite(&self.path, "counting events to export"))
    }

    /// Calls `each` with every canonical article that matches `filter`, in id
    /// order (the order they were stored), and returns how many there were.
    /// Stops at the first error `each` returns.
    pub fn for_each_article<E: From<StoreError>>(
        &self,
        filter: &ExportFilter,
        each: impl FnMut(ExportArticle) -> Result<(), E>,
    ) -> Result<u64, E> {
        let (clause, values) = where_clause(filter);
        let sql = format!(
            "SELECT a.id, a.ingested_at, a.analysis, a.doc_id, a.text FROM articles a \
             WHERE {clause} ORDER BY a.id"
        );
        self.walk(
            &sql,
            values,
            "reading articles to export",
            article_from,
            each,
        )
    }

    /// One canonical or duplicate article by internal id.
    pub fn article(&self, id: i64) -> Result<Option<ExportArticle>, StoreError> {
        let context = "reading an article to export";
        self.conn
            .prepare_cached(
                "SELECT id, ingested_at, analysis, doc_id, text FROM articles WHERE id = ?1",
            )
            .and_then(|mut s| s.query_row([id], article_from).optional())
            .map_err(StoreError::sqlite(&self.path, context))
    }

    /// Calls `each` with every event of the canonical articles that match
    /// `filter`, ordered by day, source code, target code and CAMEO code
    /// (missing values first), then by article and position, so that the
    /// events an export merges arrive one after another, the earliest stored
    /// first. Returns how many there were.
    pub fn for_each_event<E: From<StoreError>>(
        &self,
        filter: &ExportFilter,
        each: impl FnMut(ExportEvent) -> Result<(), E>,
    ) -> Result<u64, E> {
        let (clause, values) = where_clause(filter);
        // The position in the article is the rank of the row id among the
        // article's events: they are inserted in the analysis' order.
        let sql = format!(
            "SELECT ev.article, \
                    (SELECT count(*) FROM events e2 WHERE e2.article = ev.article AND e2.id < ev.id), \
                    {EVENT_DAY} AS day, ev.source_code, ev.target_code, ev.code \
             FROM events ev JOIN articles a ON a.id = ev.article \
             WHERE {clause} \
             ORDER BY day, ev.source_code, ev.target_code, ev.code, ev.article, ev.id"
        );
        self.walk(&sql, values, "reading events to export", event_from, each)
    }

    /// Runs one query and hands its rows to `each` one at a time.
    fn walk<T, E: From<StoreError>>(
        &self,
        sql: &str,
        values: Vec<SqlValue>,
        context: &'static str,
        read: fn(&Row<'_>) -> rusqlite::Result<T>,
        mut each: impl FnMut(T) -> Result<(), E>,
    ) -> Result<u64, E> {
        let fail = |e| StoreError::sqlite(&self.path, context)(e);
        let mut statement = self.conn.prepare(sql).map_err(fail)?;
        let mut rows = statement.query(params_from_iter(values)).map_err(fail)?;
        let mut count = 0;
        while let Some(row) = rows.next().map_err(fail)? {
            each(read(row).map_err(fail)?)?;
            count += 1;
        }
        Ok(count)
    }
}

/// A row of `id, ingested_at, analysis, doc_id, text`.
fn article_from(row: &Row<'_>) -> rusqlite::Result<ExportArticle> {
    let doc_id: String = row.get(3)?;
    let text: String = row.get(4)?;
    let analysis = crate::blob::decode_analysis_json(&doc_id, row.get_ref(2)?.as_bytes()?, &text)
        .map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(2, rusqlite::types::Type::Blob, Box::new(e))
    })?;
    Ok(ExportArticle {
        id: row.get(0)?,
        ingested_at: row.get(1)?,
        analysis,
    })
}

fn event_from(row: &Row<'_>) -> rusqlite::Result<ExportEvent> {
    Ok(ExportEvent {
        article: row.get(0)?,
        index: row.get::<_, i64>(1)?.max(0) as usize,
        day: row.get(2)?,
        source_code: row.get(3)?,
        target_code: row.get(4)?,
        code: row.get(5)?,
    })
}

/// The SQL a filter is written in: the two backends spell a few things
/// differently.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Dialect {
    Sqlite,
    Postgres,
}

/// The WHERE clause over `articles a` for a filter, with its bound values
/// (all text); the SQL text is built from fixed fragments only.
/// PostgreSQL's parameters are numbered from `$1`.
pub(crate) fn filter_sql(filter: &ExportFilter, dialect: Dialect) -> (String, Vec<String>) {
    let mut parts = vec!["a.duplicate_of IS NULL".to_string()];
    let mut values: Vec<String> = Vec::new();
    let pg = dialect == Dialect::Postgres;
    // Each call binds a value and gives its placeholder.
    let mut bind = |value: String| {
        values.push(value);
        if pg {
            format!("${}", values.len())
        } else {
            "?".to_string()
        }
    };
    // SQLite compares text bytewise and folds ASCII case in NOCASE and
    // LIKE; PostgreSQL is told to do the same whatever the database's
    // collation.
    let bytewise = if pg { " COLLATE \"C\"" } else { "" };
    let like = if pg { "ILIKE" } else { "LIKE" };
    let same_case_folded = |column: &str, placeholder: String| {
        if pg {
            format!("upper({column}) = upper({placeholder})")
        } else {
            format!("{column} = {placeholder} COLLATE NOCASE")
        }
    };
    if let Some(from) = nonempty(&filter.from) {
        parts.push(format!(
            "a.published{bytewise} >= {}",
            bind(from.to_string())
        ));
    }
    if let Some(to) = nonempty(&filter.to) {
        // Inclusive of everything that starts with `to` ("2025-03" keeps
        // "2025-03-31T23:00").
        parts.push(format!(
            "a.published{bytewise} < {}",
            bind(format!("{to}\u{10FFFF}"))
        ));
    }
    if let Some(country) = nonempty(&filter.country) {
        let same = same_case_folded("en.country", bind(country.to_string()));
        parts.push(format!(
            "EXISTS (SELECT 1 FROM entities en WHERE en.article = a.id AND {same})"
        ));
    }
    if let Some(source) = nonempty(&filter.source) {
        let escaped = escape_like(source.trim_end_matches('/'));
        let host = format!("%://{escaped}/%");
        let subdomain = format!("%://%.{escaped}/%");
        let site = same_case_folded("a.site", bind(source.to_string()));
        let mut alternatives = vec![site, format!("a.source = {}", bind(source.to_string()))];
        for (column, pattern) in [
            ("a.source", format!("{escaped}/%")),
            ("a.url", host.clone()),
            ("a.url", subdomain.clone()),
            ("a.canonical_url", host),
            ("a.canonical_url", subdomain),
        ] {
            alternatives.push(format!("{column} {like} {} ESCAPE '\\'", bind(pattern)));
        }
        parts.push(format!("({})", alternatives.join(" OR ")));
    }
    (parts.join(" AND "), values)
}

/// [`filter_sql`] for SQLite, with its values as SQLite values.
fn where_clause(filter: &ExportFilter) -> (String, Vec<SqlValue>) {
    let (clause, values) = filter_sql(filter, Dialect::Sqlite);
    (clause, values.into_iter().map(SqlValue::Text).collect())
}

fn nonempty(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

/// `value` with LIKE's wildcards and the escape character escaped.
fn escape_like(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use chancery_model::{
        Analysis, Article, DatePrecision, Entity, EntityKind, Event, EventActor, EventDate,
        Modality, Published, Span,
    };

    use super::*;
    use crate::{Document, Store};

    fn article(id: &str, url: &str, published: Option<&str>, text: &str) -> Analysis {
        Analysis::from_article(Article {
            id: id.into(),
            url: Some(url.into()),
            published: published.map(|p| Published {
                value: p.into(),
                precision: DatePrecision::Day,
                from: "input".into(),
            }),
            text: text.into(),
            ..Article::default()
        })
    }

    fn event(code: &str, source: &str, date: Option<&str>) -> Event {
        Event {
            code: code.into(),
            root: code[..2].into(),
            quad_class: 1,
            goldstein: 1.0,
            plover: None,
            source: Some(EventActor {
                code: Some(source.into()),
                entity: Some("e1".into()),
                name: None,
            }),
            target: None,
            modality: Modality::Asserted,
            date: date.map(|d| EventDate {
                value: d.into(),
                precision: DatePrecision::Day,
                text: None,
            }),
            location: None,
            trigger: Span::new(0, 4),
            evidence: Span::new(0, 10),
            mentions: vec![Span::new(0, 10)],
            confidence: 0.8,
            background: false,
            reported_by: None,
        }
    }

    fn country(name: &str, code: &str) -> Entity {
        Entity {
            id: "e1".into(),
            name: name.into(),
            kind: EntityKind::Country,
            country: Some(code.into()),
            actor_code: Some(code.into()),
            aliases: Vec::new(),
            roles: Vec::new(),
            mentions: Vec::new(),
        }
    }

    /// Three articles: two about France on different days (the second with
    /// two events), one about Chile without a date.
    fn corpus() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(dir.path()).unwrap();
        let mut a = article(
            "a",
            "https://www.example.org/world/a",
            Some("2025-03-12"),
            "France signed a treaty with its neighbours in the capital.",
        );
        a.entities = vec![country("France", "FRA")];
        a.events = vec![event("057", "FRA", None)];
        let mut b = article(
            "b",
            "https://news.example.com/b",
            Some("2025-04-02T10:00:00Z"),
            "France praised the agreement and hosted talks about trade routes.",
        );
        b.entities = vec![country("France", "FRA")];
        b.events = vec![
            event("051", "FRA", Some("2025-03-30")),
            event("036", "FRA", None),
        ];
        let mut c = article(
            "c",
            "https://example.net/c",
            None,
            "Chile opened a new port on the southern coast for fishing boats.",
        );
        c.entities = vec![country("Chile", "CHL")];
        c.events = vec![event("071", "CHL", None)];
        let documents: Vec<Document> = [a, b, c]
            .into_iter()
            .map(|a| Document::new(a).unwrap())
            .collect();
        store.write(&documents).unwrap();
        dir
    }

    fn ids(reader: &ExportReader, filter: &ExportFilter) -> Vec<String> {
        let mut ids = Vec::new();
        reader
            .for_each_article(filter, |article| -> Result<(), StoreError> {
                let value: serde_json::Value = serde_json::from_str(&article.analysis).unwrap();
                ids.push(value["id"].as_str().unwrap().to_string());
                Ok(())
            })
            .unwrap();
        ids
    }

    #[test]
    fn articles_come_in_id_order_and_filters_narrow_them() {
        let dir = corpus();
        let reader = ExportReader::open(dir.path()).unwrap();
        let all = ExportFilter::default();
        assert_eq!(ids(&reader, &all), ["a", "b", "c"]);
        assert_eq!(reader.count_articles(&all).unwrap(), 3);
        let march = ExportFilter {
            from: Some("2025-03".into()),
            to: Some("2025-03".into()),
            ..ExportFilter::default()
        };
        assert_eq!(ids(&reader, &march), ["a"]);
        let april_on = ExportFilter {
            from: Some("2025-04-01".into()),
            ..ExportFilter::default()
        };
        assert_eq!(ids(&reader, &april_on), ["b"]);
        let chile = ExportFilter {
            country: Some("chl".into()),
            ..ExportFilter::default()
        };
        assert_eq!(ids(&reader, &chile), ["c"]);
        let host = ExportFilter {
            source: Some("example.org".into()),
            ..ExportFilter::default()
        };
        assert_eq!(ids(&reader, &host), ["a"]);
        let nothing = ExportFilter {
            source: Some("100%_".into()),
            ..ExportFilter::default()
        };
        assert!(ids(&reader, &nothing).is_empty());
        assert_eq!(reader.count_articles(&nothing).unwrap(), 0);
    }

    #[test]
    fn events_come_grouped_by_day_actors_and_code() {
        let dir = corpus();
        let reader = ExportReader::open(dir.path()).unwrap();
        let mut events = Vec::new();
        reader
            .for_each_event(&ExportFilter::default(), |e| -> Result<(), StoreError> {
                events.push(e);
                Ok(())
            })
            .unwrap();
        let keys: Vec<(Option<&str>, &str, usize)> = events
            .iter()
            .map(|e| (e.day.as_deref(), e.code.as_str(), e.index))
            .collect();
        assert_eq!(
            keys,
            [
                (None, "071", 0),
                (Some("2025-03-12"), "057", 0),
                (Some("2025-03-30"), "051", 0),
                (Some("2025-04-02"), "036", 1),
            ]
        );
        assert_eq!(reader.count_events(&ExportFilter::default()).unwrap(), 4);
        let article = reader.article(events[0].article).unwrap().unwrap();
        assert!(article.analysis.contains("Chile"));
    }

    #[test]
    fn the_day_rule_reads_only_days() {
        assert_eq!(event_day("2025-03-12", "day"), Some("2025-03-12"));
        assert_eq!(
            event_day("2025-03-12T08:00:00+01:00", "time"),
            Some("2025-03-12")
        );
        assert_eq!(event_day("2025-03-10", "week"), None);
        assert_eq!(event_day("2025-03", "month"), None);
        assert_eq!(event_day("March 12", "day"), None);
    }

    #[test]
    fn a_missing_store_says_how_to_make_one() {
        let dir = tempfile::tempdir().unwrap();
        let err = ExportReader::open(dir.path()).unwrap_err();
        assert!(err.to_string().contains("chancery ingest"), "{err}");
    }
}
