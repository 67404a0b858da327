//! Articles as a search index reads them: canonical articles after a given
//! id, in id order, with the names and codes of their entities and events.
//!
//! Ids only grow and an article's `duplicate_of` and `is_stub` never change
//! once it is stored, so an index that remembers the last id it has seen can
//! catch up by reading what lies after it, without any help from the writer.
//! In PostgreSQL, where many writers commit in any order, the last id is the
//! horizon below which no batch is in flight (`pg::stories`), so nothing is
//! passed over that commits later.

use std::collections::{HashMap, VecDeque};
use std::path::{Path, PathBuf};

use rusqlite::{params, Connection, OptionalExtension, Row};

use crate::StoreError;

/// An entity of a [`FeedArticle`]: what a search filters on.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FeedEntity {
    /// The canonical name.
    pub name: String,
    /// `person`, `organization`, `country`, `place`, `group`.
    pub kind: String,
    /// Other names it goes by in the article.
    pub aliases: Vec<String>,
    /// Country affiliation (ISO 3166 alpha-3).
    pub country: Option<String>,
    /// CAMEO-style actor code (`IRNGOV`).
    pub actor_code: Option<String>,
}

/// An event of a [`FeedArticle`].
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FeedEvent {
    /// CAMEO code (`042`).
    pub code: String,
    /// CAMEO root (`04`).
    pub root: String,
    /// The source actor's code.
    pub source_code: Option<String>,
    /// The target actor's code.
    pub target_code: Option<String>,
}

/// One stored article with what a search index needs of it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FeedArticle {
    /// The internal id (`articles.id`).
    pub id: i64,
    /// The stable article id (`articles.doc_id`).
    pub doc_id: String,
    /// The caller's id, when one was given.
    pub external_id: Option<String>,
    /// The canonical URL, else the URL.
    pub url: Option<String>,
    /// The headline.
    pub title: Option<String>,
    /// The clean body text.
    pub text: String,
    /// ISO 8601 publication date, as stored.
    pub published: Option<String>,
    /// The publishing site.
    pub site: Option<String>,
    /// Where the document was read from (file, JSON Lines source, WARC URI).
    pub source: Option<String>,
    /// The article this one is a near-duplicate of.
    pub duplicate_of: Option<i64>,
    /// Flagged as a placeholder stub.
    pub is_stub: bool,
    /// Its entities, in order of first mention.
    pub entities: Vec<FeedEntity>,
    /// Its events, in text order.
    pub events: Vec<FeedEvent>,
}

/// A read-only view of a store for a search index: the articles after a
/// given id, one article by any of its ids, and the high-water mark.
///
/// ```
/// use chancery_model::{Analysis, Article};
/// use chancery_store::{Document, SearchFeed, Store};
///
/// # fn main() -> Result<(), chancery_store::StoreError> {
/// let dir = tempfile::tempdir().unwrap();
/// let mut store = Store::open(dir.path())?;
/// let article = Article {
///     id: "a1".into(),
///     title: Some("Council approves plan".into()),
///     text: "The council approved the plan on Thursday.".into(),
///     ..Article::default()
/// };
/// store.write(&[Document::new(Analysis::from_article(article))?])?;
///
/// let feed = SearchFeed::open(dir.path())?;
/// let upto = feed.last_id()?;
/// let titles: Vec<_> = feed
///     .canonical_after(0, upto, 100)
///     .map(|article| article.map(|a| a.title))
///     .collect::<Result<_, _>>()?;
/// assert_eq!(titles, [Some("Council approves plan".to_string())]);
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
pub struct SearchFeed {
    backend: Backend,
}

/// Where a [`SearchFeed`] reads.
#[derive(Debug)]
enum Backend {
    Sqlite { conn: Connection, path: PathBuf },
    Postgres(Box<crate::pg::PgFeed>),
}

/// The columns of a [`FeedArticle`], in order (a macro, for `concat!`).
macro_rules! article_columns {
    () => {
        "id, doc_id, external_id, coalesce(canonical_url, url), title, text, published, site, \
         source, duplicate_of, is_stub"
    };
}

impl SearchFeed {
    /// Opens the store `data` names for reading: a data directory, or a
    /// PostgreSQL database (a `postgres://` URL).
    ///
    /// Fails with [`StoreError::Missing`] when a directory holds no store.
    pub fn open(data: impl AsRef<Path>) -> Result<SearchFeed, StoreError> {
        let data = data.as_ref();
        let backend = match crate::postgres_url(data) {
            Some(url) => Backend::Postgres(Box::new(crate::pg::PgFeed::open(url)?)),
            None => {
                let (conn, path) = crate::store::open_read_only(data, 10, "opening for reading")?;
                Backend::Sqlite { conn, path }
            }
        };
        Ok(SearchFeed { backend })
    }

    /// The largest article id an index can read up to (0 for an empty
    /// store), duplicates and stubs included: an index that has read up to
    /// it has seen everything, and no article with a smaller id appears
    /// later (in PostgreSQL, it waits for the batches being written).
    pub fn last_id(&self) -> Result<i64, StoreError> {
        match &self.backend {
            Backend::Sqlite { conn, path } => conn
                .query_row("SELECT coalesce(max(id), 0) FROM articles", [], |row| {
                    row.get(0)
                })
                .map_err(StoreError::sqlite(path, "reading the last article id")),
            Backend::Postgres(feed) => feed.last_id(),
        }
    }

    /// The stable article id (`doc_id`) of the article with internal id `id`.
    ///
    /// An index keeps it beside the last id it read, to notice a store that
    /// was deleted and ingested again under the same path.
    pub fn doc_id(&self, id: i64) -> Result<Option<String>, StoreError> {
        self.one(DOC_ID_SQL, &[&id], "looking up an article")
    }

    /// The internal id of the article that `key` names: an internal id (all
    /// digits), a `doc_id` or an external id, tried in that order.
    pub fn resolve(&self, key: &str) -> Result<Option<i64>, StoreError> {
        if let Ok(id) = key.parse::<i64>() {
            if let Some(id) = self.one(ID_SQL, &[&id], "looking up an article")? {
                return Ok(Some(id));
            }
        }
        self.one(KEY_SQL, &[&key], "looking up an article")
    }

    /// The first column of the first row of `sql` (written with `$n`
    /// placeholders, which SQLite reads as `?n`), if any.
    fn one<T: rusqlite::types::FromSql + for<'r> postgres::types::FromSql<'r>>(
        &self,
        sql: &str,
        params: &[&dyn Param],
        context: &'static str,
    ) -> Result<Option<T>, StoreError> {
        match &self.backend {
            Backend::Sqlite { conn, path } => conn
                .query_row(
                    &sql.replace('$', "?"),
                    rusqlite::params_from_iter(params.iter().map(|p| p.sqlite())),
                    |row| row.get(0),
                )
                .optional()
                .map_err(StoreError::sqlite(path, context)),
            Backend::Postgres(feed) => feed.one(
                sql,
                &params.iter().map(|p| p.postgres()).collect::<Vec<_>>(),
                context,
            ),
        }
    }

    /// One article by internal id, whatever it is (near-duplicates and stubs
    /// included), with its entities and events.
    pub fn article(&self, id: i64) -> Result<Option<FeedArticle>, StoreError> {
        let mut found = self.articles(ONE_ARTICLE_SQL, &[&id], "reading an article")?;
        Ok(found.pop())
    }

    /// The internal ids of the near-duplicates of article `id` (the articles
    /// whose `duplicate_of` is `id`).
    pub fn duplicates_of(&self, id: i64) -> Result<Vec<i64>, StoreError> {
        let sql = "SELECT id FROM articles WHERE duplicate_of = $1 ORDER BY id";
        let context = "reading near-duplicates";
        match &self.backend {
            Backend::Sqlite { conn, path } => {
                let err = StoreError::sqlite(path, context);
                let rows = conn
                    .prepare_cached(&sql.replace('$', "?"))
                    .and_then(|mut statement| {
                        statement
                            .query_map([id], |row| row.get::<_, i64>(0))?
                            .collect::<Result<Vec<i64>, _>>()
                    });
                rows.map_err(err)
            }
            Backend::Postgres(feed) => feed.ids(sql, id, context),
        }
    }

    /// Canonical articles (not near-duplicates, not stubs) with ids in
    /// `(after, upto]`, in id order, read `batch` articles at a time so that
    /// memory stays bounded whatever the size of the store.
    ///
    /// Reading up to a fixed `upto` (taken from [`SearchFeed::last_id`]) keeps
    /// the walk to a known end while a writer goes on adding articles.
    pub fn canonical_after(&self, after: i64, upto: i64, batch: usize) -> CanonicalArticles<'_> {
        CanonicalArticles {
            feed: self,
            next_after: after,
            upto,
            batch: batch.max(1),
            buffer: VecDeque::new(),
            done: false,
        }
    }

    /// One page of [`SearchFeed::canonical_after`].
    fn page(&self, after: i64, upto: i64, limit: usize) -> Result<Vec<FeedArticle>, StoreError> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        self.articles(
            PAGE_SQL,
            &[&after, &upto, &limit],
            "reading articles for search",
        )
    }

    /// The articles `sql` selects (`article_columns!`, in id order) with
    /// their entities and events, read with one query each over the
    /// articles' id range.
    fn articles(
        &self,
        sql: &str,
        params: &[&dyn Param],
        context: &'static str,
    ) -> Result<Vec<FeedArticle>, StoreError> {
        let mut articles = match &self.backend {
            Backend::Sqlite { conn, path } => {
                let err = StoreError::sqlite(path, context);
                conn.prepare_cached(&sql.replace('$', "?"))
                    .and_then(|mut statement| {
                        statement
                            .query_map(
                                rusqlite::params_from_iter(params.iter().map(|p| p.sqlite())),
                                article_from_row,
                            )?
                            .collect::<Result<Vec<_>, _>>()
                    })
                    .map_err(err)?
            }
            Backend::Postgres(feed) => feed.articles(
                sql,
                &params.iter().map(|p| p.postgres()).collect::<Vec<_>>(),
                context,
            )?,
        };
        let (Some(first), Some(last)) = (articles.first(), articles.last()) else {
            return Ok(articles);
        };
        let (low, high) = (first.id, last.id);
        let position: HashMap<i64, usize> = articles
            .iter()
            .enumerate()
            .map(|(i, a)| (a.id, i))
            .collect();
        let (entities, events) = match &self.backend {
            Backend::Sqlite { conn, path } => (
                sqlite_entities(conn, path, low, high)?,
                sqlite_events(conn, path, low, high)?,
            ),
            Backend::Postgres(feed) => feed.annotations(low, high)?,
        };
        for (article, entity) in entities {
            if let Some(&i) = position.get(&article) {
                articles[i].entities.push(entity);
            }
        }
        for (article, event) in events {
            if let Some(&i) = position.get(&article) {
                articles[i].events.push(event);
            }
        }
        Ok(articles)
    }
}

/// A parameter of the feed's statements, bound by either driver.
pub(crate) trait Param {
    fn sqlite(&self) -> &dyn rusqlite::ToSql;
    fn postgres(&self) -> &(dyn postgres::types::ToSql + Sync);
}

impl Param for i64 {
    fn sqlite(&self) -> &dyn rusqlite::ToSql {
        self
    }
    fn postgres(&self) -> &(dyn postgres::types::ToSql + Sync) {
        self
    }
}

impl Param for &str {
    fn sqlite(&self) -> &dyn rusqlite::ToSql {
        self
    }
    fn postgres(&self) -> &(dyn postgres::types::ToSql + Sync) {
        self
    }
}

/// The feed's statements, in PostgreSQL's placeholders (`$n`; SQLite
/// reads them as `?n`).
const DOC_ID_SQL: &str = "SELECT doc_id FROM articles WHERE id = $1";
const ID_SQL: &str = "SELECT id FROM articles WHERE id = $1";
const KEY_SQL: &str = "SELECT id FROM articles WHERE doc_id = $1 \
     UNION ALL SELECT id FROM articles WHERE external_id = $1 LIMIT 1";
const ONE_ARTICLE_SQL: &str = concat!(
    "SELECT ",
    article_columns!(),
    " FROM articles WHERE id = $1"
);
const PAGE_SQL: &str = concat!(
    "SELECT ",
    article_columns!(),
    " FROM articles WHERE id > $1 AND id <= $2 AND duplicate_of IS NULL AND NOT is_stub \
     ORDER BY id LIMIT $3"
);
/// The entities and the events of the articles with ids in `[$1, $2]`.
pub(crate) const ENTITIES_SQL: &str =
    "SELECT article, name, kind, aliases, country, actor_code FROM entities \
     WHERE article BETWEEN $1 AND $2 ORDER BY article, id";
pub(crate) const EVENTS_SQL: &str =
    "SELECT article, code, root, source_code, target_code FROM events \
     WHERE article BETWEEN $1 AND $2 ORDER BY article, id";

/// An entity row read for search; a damaged alias list costs the aliases,
/// not the article.
pub(crate) fn feed_entity(
    (name, kind, aliases): (String, String, String),
    (country, actor_code): (Option<String>, Option<String>),
) -> FeedEntity {
    FeedEntity {
        name,
        kind,
        aliases: serde_json::from_str(&aliases).unwrap_or_default(),
        country,
        actor_code,
    }
}

/// The rows of `sql` over the articles with ids in `[low, high]`, each
/// mapped by `map`.
fn sqlite_range<T>(
    conn: &Connection,
    (path, context): (&Path, &'static str),
    sql: &str,
    (low, high): (i64, i64),
    map: impl FnMut(&Row<'_>) -> rusqlite::Result<T>,
) -> Result<Vec<T>, StoreError> {
    conn.prepare_cached(&sql.replace('$', "?"))
        .and_then(|mut statement| statement.query_map(params![low, high], map)?.collect())
        .map_err(StoreError::sqlite(path, context))
}

fn sqlite_entities(
    conn: &Connection,
    path: &Path,
    low: i64,
    high: i64,
) -> Result<Vec<(i64, FeedEntity)>, StoreError> {
    let at = (path, "reading entities for search");
    sqlite_range(conn, at, ENTITIES_SQL, (low, high), |row| {
        Ok((
            row.get(0)?,
            feed_entity(
                (row.get(1)?, row.get(2)?, row.get(3)?),
                (row.get(4)?, row.get(5)?),
            ),
        ))
    })
}

fn sqlite_events(
    conn: &Connection,
    path: &Path,
    low: i64,
    high: i64,
) -> Result<Vec<(i64, FeedEvent)>, StoreError> {
    let at = (path, "reading events for search");
    sqlite_range(conn, at, EVENTS_SQL, (low, high), |row| {
        Ok((
            row.get(0)?,
            FeedEvent {
                code: row.get(1)?,
                root: row.get(2)?,
                source_code: row.get(3)?,
                target_code: row.get(4)?,
            },
        ))
    })
}

fn article_from_row(row: &Row<'_>) -> rusqlite::Result<FeedArticle> {
    Ok(FeedArticle {
        id: row.get(0)?,
        doc_id: row.get(1)?,
        external_id: row.get(2)?,
        url: row.get(3)?,
        title: row.get(4)?,
        text: row.get(5)?,
        published: row.get(6)?,
        site: row.get(7)?,
        source: row.get(8)?,
        duplicate_of: row.get(9)?,
        is_stub: row.get(10)?,
        entities: Vec::new(),
        events: Vec::new(),
    })
}

/// The iterator of [`SearchFeed::canonical_after`]: reads a page when its
/// buffer runs dry, and stops after the first error.
#[derive(Debug)]
pub struct CanonicalArticles<'a> {
    feed: &'a SearchFeed,
    next_after: i64,
    upto: i64,
    batch: usize,
    buffer: VecDeque<FeedArticle>,
    done: bool,
}

impl Iterator for CanonicalArticles<'_> {
    type Item = Result<FeedArticle, StoreError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.buffer.is_empty() && !self.done {
            match self.feed.page(self.next_after, self.upto, self.batch) {
                Ok(page) => {
                    self.done = page.len() < self.batch;
                    if let Some(last) = page.last() {
                        self.next_after = last.id;
                    }
                    self.buffer.extend(page);
                }
                Err(e) => {
                    self.done = true;
                    return Some(Err(e));
                }
            }
        }
        self.buffer.pop_front().map(Ok)
    }
}

#[cfg(test)]
mod tests {
    use chancery_model::{
        Analysis, Article, Entity, EntityKind, Event, Flags, Modality, Published, Span,
    };

    use super::*;
    use crate::{Document, Store};

    fn article(id: &str, title: &str, text: &str) -> Article {
        Article {
            id: id.into(),
            title: Some(title.into()),
            text: text.into(),
            ..Article::default()
        }
    }

    fn store_all(dir: &Path, analyses: Vec<Analysis>) {
        let mut store = Store::open(dir).unwrap();
        let documents: Vec<Document> = analyses
            .into_iter()
            .map(|a| Document::new(a).unwrap())
            .collect();
        store.write(&documents).unwrap();
    }

    const LONG: &str = "The finance ministers of the two countries met in the capital on \
        Monday to discuss the trade agreement, the currency swap and the new port that both \
        governments want to open before the end of the year, officials said after the talks.";

    #[test]
    fn missing_store_says_to_ingest() {
        let dir = tempfile::tempdir().unwrap();
        let err = SearchFeed::open(dir.path()).unwrap_err();
        assert!(matches!(err, StoreError::Missing { .. }));
        assert!(err.to_string().contains("chancery ingest"));
    }

    #[test]
    fn canonical_after_skips_duplicates_and_stubs_and_pages() {
        let dir = tempfile::tempdir().unwrap();
        let mut stub = article("s", "Stub", "This article will be expanded soon.");
        stub.flags = Flags {
            stub: true,
            ..Flags::default()
        };
        let copy_text = format!("{LONG} Reuters contributed.");
        let mut analyses = vec![
            Analysis::from_article(article("a", "First", LONG)),
            Analysis::from_article(article("b", "Copy", &copy_text)),
            Analysis::from_article(stub),
        ];
        for i in 0..5 {
            let text = format!("Story number {i} is about a different matter {}.", i * 7);
            analyses.push(Analysis::from_article(article(
                &format!("n{i}"),
                "Other",
                &text,
            )));
        }
        store_all(dir.path(), analyses);

        let feed = SearchFeed::open(dir.path()).unwrap();
        assert_eq!(feed.last_id().unwrap(), 8);
        let ids: Vec<i64> = feed
            .canonical_after(0, 8, 2)
            .map(|a| a.unwrap().id)
            .collect();
        assert_eq!(ids, [1, 4, 5, 6, 7, 8]);
        let later: Vec<i64> = feed
            .canonical_after(5, 7, 100)
            .map(|a| a.unwrap().id)
            .collect();
        assert_eq!(later, [6, 7]);

        let copy = feed.article(2).unwrap().unwrap();
        assert_eq!(copy.duplicate_of, Some(1));
        assert_eq!(feed.duplicates_of(1).unwrap(), [2]);
        assert!(feed.article(3).unwrap().unwrap().is_stub);
        assert_eq!(feed.article(99).unwrap(), None);
    }

    #[test]
    fn articles_carry_entities_and_events() {
        let dir = tempfile::tempdir().unwrap();
        let mut first = article("a", "Ministers meet", LONG);
        first.external_id = Some("ext-1".into());
        first.published = Some(Published {
            value: "2025-02-10".into(),
            precision: chancery_model::DatePrecision::Day,
            from: "input".into(),
        });
        let mut analysis = Analysis::from_article(first);
        analysis.entities.push(Entity {
            id: "e1".into(),
            name: "Abbas Araghchi".into(),
            kind: EntityKind::Person,
            country: Some("IRN".into()),
            actor_code: Some("IRNGOV".into()),
            aliases: vec!["Araghchi".into()],
            roles: Vec::new(),
            mentions: Vec::new(),
        });
        analysis.events.push(Event {
            code: "042".into(),
            root: "04".into(),
            quad_class: 1,
            goldstein: 1.9,
            plover: None,
            source: None,
            target: None,
            modality: Modality::Asserted,
            date: None,
            location: None,
            trigger: Span::new(0, 3),
            evidence: Span::new(0, 10),
            mentions: Vec::new(),
            confidence: 0.8,
            background: false,
            reported_by: None,
        });
        let second = Analysis::from_article(article("b", "Other", "A short different text."));
        store_all(dir.path(), vec![analysis, second]);

        let feed = SearchFeed::open(dir.path()).unwrap();
        let all: Vec<FeedArticle> = feed.canonical_after(0, 2, 1).map(Result::unwrap).collect();
        assert_eq!(all.len(), 2);
        let first = &all[0];
        assert_eq!(first.published.as_deref(), Some("2025-02-10"));
        assert_eq!(first.entities[0].name, "Abbas Araghchi");
        assert_eq!(first.entities[0].aliases, ["Araghchi"]);
        assert_eq!(first.entities[0].actor_code.as_deref(), Some("IRNGOV"));
        assert_eq!(first.events[0].code, "042");
        assert!(all[1].entities.is_empty() && all[1].events.is_empty());

        assert_eq!(feed.resolve("1").unwrap(), Some(1));
        assert_eq!(feed.resolve("a").unwrap(), Some(1));
        assert_eq!(feed.resolve("ext-1").unwrap(), Some(1));
        assert_eq!(feed.resolve("b").unwrap(), Some(2));
        assert_eq!(feed.resolve("nothing").unwrap(), None);
        assert_eq!(feed.doc_id(2).unwrap().as_deref(), Some("b"));
    }
}
