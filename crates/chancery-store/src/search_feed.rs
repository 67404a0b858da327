//! Articles as a search index reads them: canonical articles after a given
//! id, in id order, with the names and codes of their entities and events.
//!
//! Ids only grow and an article's `duplicate_of` and `is_stub` never change
//! once it is stored, so an index that remembers the last id it has seen can
//! catch up by reading what lies after it, without any help from the writer.

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
    conn: Connection,
    path: PathBuf,
}

const ARTICLE_COLUMNS: &str = "id, doc_id, external_id, coalesce(canonical_url, url), title, \
     text, published, site, source, duplicate_of, is_stub";

impl SearchFeed {
    /// Opens the store in `dir` for reading.
    ///
    /// Fails with [`StoreError::Missing`] when `dir` holds no store.
    pub fn open(dir: impl AsRef<Path>) -> Result<SearchFeed, StoreError> {
        let (conn, path) = crate::store::open_read_only(dir.as_ref(), 10, "opening for reading")?;
        Ok(SearchFeed { conn, path })
    }

    /// The largest article id stored (0 for an empty store), duplicates and
    /// stubs included: an index that has read up to it has seen everything.
    pub fn last_id(&self) -> Result<i64, StoreError> {
        self.conn
            .query_row("SELECT coalesce(max(id), 0) FROM articles", [], |row| {
                row.get(0)
            })
            .map_err(StoreError::sqlite(
                &self.path,
                "reading the last article id",
            ))
    }

    /// The stable article id (`doc_id`) of the article with internal id `id`.
    ///
    /// An index keeps it beside the last id it read, to notice a store that
    /// was deleted and ingested again under the same path.
    pub fn doc_id(&self, id: i64) -> Result<Option<String>, StoreError> {
        self.conn
            .query_row("SELECT doc_id FROM articles WHERE id = ?1", [id], |row| {
                row.get(0)
            })
            .optional()
            .map_err(StoreError::sqlite(&self.path, "looking up an article"))
    }

    /// The internal id of the article that `key` names: an internal id (all
    /// digits), a `doc_id` or an external id, tried in that order.
    pub fn resolve(&self, key: &str) -> Result<Option<i64>, StoreError> {
        let err = self.error("looking up an article");
        if let Ok(id) = key.parse::<i64>() {
            let found = self
                .conn
                .query_row("SELECT id FROM articles WHERE id = ?1", [id], |row| {
                    row.get::<_, i64>(0)
                })
                .optional();
            match found {
                Ok(Some(id)) => return Ok(Some(id)),
                Ok(None) => {}
                Err(e) => return Err(err(e)),
            }
        }
        self.conn
            .query_row(
                "SELECT id FROM articles WHERE doc_id = ?1 \
                 UNION ALL SELECT id FROM articles WHERE external_id = ?1 LIMIT 1",
                [key],
                |row| row.get(0),
            )
            .optional()
            .map_err(err)
    }

    /// One article by internal id, whatever it is (near-duplicates and stubs
    /// included), with its entities and events.
    pub fn article(&self, id: i64) -> Result<Option<FeedArticle>, StoreError> {
        let sql = format!("SELECT {ARTICLE_COLUMNS} FROM articles WHERE id = ?1");
        let article = self
            .conn
            .query_row(&sql, [id], article_from_row)
            .optional()
            .map_err(StoreError::sqlite(&self.path, "reading an article"))?;
        let Some(mut article) = article else {
            return Ok(None);
        };
        let mut batch = [article.clone()];
        self.annotate(&mut batch)?;
        [article] = batch;
        Ok(Some(article))
    }

    /// The internal ids of the near-duplicates of article `id` (the articles
    /// whose `duplicate_of` is `id`).
    pub fn duplicates_of(&self, id: i64) -> Result<Vec<i64>, StoreError> {
        let err = self.error("reading near-duplicates");
        let mut statement = self
            .conn
            .prepare_cached("SELECT id FROM articles WHERE duplicate_of = ?1 ORDER BY id")
            .map_err(&err)?;
        let rows = statement
            .query_map([id], |row| row.get::<_, i64>(0))
            .and_then(|rows| rows.collect::<Result<Vec<i64>, _>>());
        rows.map_err(err)
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

    /// A reusable wrapper of SQLite errors with what the feed was doing.
    fn error(&self, context: &'static str) -> impl Fn(rusqlite::Error) -> StoreError + '_ {
        move |source| StoreError::sqlite(&self.path, context)(source)
    }

    /// One page of [`SearchFeed::canonical_after`].
    fn page(&self, after: i64, upto: i64, limit: usize) -> Result<Vec<FeedArticle>, StoreError> {
        let sql = format!(
            "SELECT {ARTICLE_COLUMNS} FROM articles \
             WHERE id > ?1 AND id <= ?2 AND duplicate_of IS NULL AND NOT is_stub \
             ORDER BY id LIMIT ?3"
        );
        let err = self.error("reading articles for search");
        let mut statement = self.conn.prepare_cached(&sql).map_err(&err)?;
        let mut articles = statement
            .query_map(
                params![after, upto, i64::try_from(limit).unwrap_or(i64::MAX)],
                article_from_row,
            )
            .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
            .map_err(err)?;
        self.annotate(&mut articles)?;
        Ok(articles)
    }

    /// Fills in the entities and events of `articles` (sorted by id) with one
    /// query each over their id range.
    fn annotate(&self, articles: &mut [FeedArticle]) -> Result<(), StoreError> {
        let (Some(first), Some(last)) = (articles.first(), articles.last()) else {
            return Ok(());
        };
        let (low, high) = (first.id, last.id);
        let position: HashMap<i64, usize> = articles
            .iter()
            .enumerate()
            .map(|(i, a)| (a.id, i))
            .collect();

        let err = self.error("reading entities for search");
        let mut statement = self
            .conn
            .prepare_cached(
                "SELECT article, name, kind, aliases, country, actor_code FROM entities \
                 WHERE article BETWEEN ?1 AND ?2 ORDER BY article, id",
            )
            .map_err(&err)?;
        let mut rows = statement.query(params![low, high]).map_err(&err)?;
        while let Some(row) = rows.next().map_err(&err)? {
            let article: i64 = row.get(0).map_err(&err)?;
            let Some(&i) = position.get(&article) else {
                continue;
            };
            let aliases: String = row.get(3).map_err(&err)?;
            articles[i].entities.push(FeedEntity {
                name: row.get(1).map_err(&err)?,
                kind: row.get(2).map_err(&err)?,
                // A damaged alias list costs the aliases, not the article.
                aliases: serde_json::from_str(&aliases).unwrap_or_default(),
                country: row.get(4).map_err(&err)?,
                actor_code: row.get(5).map_err(&err)?,
            });
        }

        let err = self.error("reading events for search");
        let mut statement = self
            .conn
            .prepare_cached(
                "SELECT article, code, root, source_code, target_code FROM events \
                 WHERE article BETWEEN ?1 AND ?2 ORDER BY article, id",
            )
            .map_err(&err)?;
        let mut rows = statement.query(params![low, high]).map_err(&err)?;
        while let Some(row) = rows.next().map_err(&err)? {
            let article: i64 = row.get(0).map_err(&err)?;
            let Some(&i) = position.get(&article) else {
                continue;
            };
            articles[i].events.push(FeedEvent {
                code: row.get(1).map_err(&err)?,
                root: row.get(2).map_err(&err)?,
                source_code: row.get(3).map_err(&err)?,
                target_code: row.get(4).map_err(&err)?,
            });
        }
        Ok(())
    }
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
