//! Story ids: which articles tell the same story. The clustering itself is
//! `chancery-stories`; the store keeps its result in `articles.story`, the
//! clusterer's saved state beside it (`story_state`, `story_clusters`: opaque
//! bytes the clusterer writes and reads, saved in the same transaction as the
//! story ids they produced), and hands articles back in the order they were
//! stored — those after a given one to catch up, or all to rebuild.
//!
//! The frequency table is saved whole now and then (`frequencies`) and, in
//! between, as a log of the changes to it (`frequencies+1`, `frequencies+2`…
//! in `story_state`, in order; a whole table deletes them): most batches
//! write what they changed, not the table. A story whose norms alone
//! changed is saved as those norms (`norms:ID` in `story_state`) over its
//! record, which a new record or its retirement deletes.

use rusqlite::OptionalExtension;

use crate::{Reader, Store, StoreError};

/// The tables of the saved clusterer, created beside the articles on first
/// write (like the checksums) so older stores of this version gain them.
pub(crate) const STORY_STATE_TABLES: &str = "
CREATE TABLE IF NOT EXISTS story_state (
    name  TEXT PRIMARY KEY,
    value BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS story_clusters (
    story INTEGER PRIMARY KEY,
    state BLOB NOT NULL
);";

/// The name of a saved change to the frequency table, before its number
/// (1 for the first change after the whole table).
pub(crate) const FREQUENCY_LOG: &str = "frequencies+";

/// The name of a story's saved norms, before its id.
pub(crate) const NORMS: &str = "norms:";

/// What changed in the clusterer with a batch, to save with its story ids.
#[derive(Debug, Clone, Copy)]
pub struct StoryStateUpdate<'a> {
    /// The clusterer's header (replaces the saved one).
    pub header: &'a [u8],
    /// Its whole frequency table, when it is handed over whole: it replaces
    /// the saved one and the saved changes to it.
    pub frequencies: Option<&'a [u8]>,
    /// Changes to the frequency table, when handed over as changes: saved
    /// after the earlier ones.
    pub frequency_changes: Option<&'a [u8]>,
    /// Changed stories' records by story id (replace the saved ones and
    /// their saved norms).
    pub stories: &'a [(u32, Vec<u8>)],
    /// Stories' norms by story id (replace their saved norms).
    pub norms: &'a [(u32, Vec<u8>)],
    /// Retired stories (their records are deleted).
    pub retired: &'a [u32],
    /// The last stored article the clusterer has seen.
    pub last_article: i64,
}

/// The saved clusterer, as [`StoryStateUpdate`]s left it.
#[derive(Debug, Clone, PartialEq)]
pub struct StoryState {
    /// The header.
    pub header: Vec<u8>,
    /// The last whole frequency table.
    pub frequencies: Vec<u8>,
    /// The changes to it saved since, oldest first.
    pub frequency_changes: Vec<Vec<u8>>,
    /// The live stories' records, in story order.
    pub stories: Vec<Vec<u8>>,
    /// Norms saved over those records since, in story order.
    pub norms: Vec<Vec<u8>>,
    /// The last stored article the clusterer had seen.
    pub last_article: i64,
}

/// What story clustering reads of a stored article.
#[derive(Debug, Clone, PartialEq)]
pub struct StoryInput {
    /// The article's internal id.
    pub article: i64,
    /// Its title.
    pub title: Option<String>,
    /// Its clean text.
    pub text: String,
    /// Its publication date (`YYYY-MM-DD…`), when known.
    pub published: Option<String>,
    /// The article it is a near-duplicate of (which gives it its story).
    pub duplicate_of: Option<i64>,
    /// Its story, when one was assigned.
    pub story: Option<i64>,
    /// Its stored analysis, for the story keys; `None` when it cannot be
    /// read (a damaged row: its words still count).
    pub analysis: Option<chancery_model::Analysis>,
}

/// The title of a story, one rule for every place that shows one (the
/// `stories` command, the web pages, the API): the headline of its earliest
/// canonical article (by publication, then as stored). It names the event
/// that started the story and stays the same as later reports arrive. SQL:
/// a scalar subquery for the story of the row `a`.
pub(crate) const STORY_TITLE: &str = "(SELECT f.title FROM articles f \
     WHERE f.story = a.story AND f.duplicate_of IS NULL \
     ORDER BY f.published IS NULL, f.published, f.id LIMIT 1)";

/// One story of the corpus.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StorySummary {
    /// The story id.
    pub story: i64,
    /// Canonical articles in it.
    pub articles: i64,
    /// Near-duplicates of them (counted apart: a syndicated copy is not news).
    pub copies: i64,
    /// The earliest and latest publication dates.
    pub first: Option<String>,
    /// The latest publication date.
    pub last: Option<String>,
    /// Its title ([`STORY_TITLE`]).
    pub title: Option<String>,
}

/// An article with its story, for `{id, story}` listings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArticleStory {
    /// The article's internal id.
    pub article: i64,
    /// Its stable id.
    pub doc_id: String,
    /// The caller's id, when ingest was given one.
    pub external_id: Option<String>,
    /// Its story.
    pub story: Option<i64>,
}

/// Where a saved clusterer's rows go, in either backend: the one place
/// that knows how a [`StoryStateUpdate`] lands in `story_state` and
/// `story_clusters` ([`apply_update`]), whichever SQL writes them.
pub(crate) trait StateRows {
    /// Puts the `story_state` row `name` (replacing it).
    fn put(&mut self, name: &str, value: &[u8]) -> Result<(), StoreError>;
    /// Deletes the `story_state` row `name`, if any.
    fn forget(&mut self, name: &str) -> Result<(), StoreError>;
    /// How many frequency changes are logged since the whole table.
    fn logged_changes(&mut self) -> Result<i64, StoreError>;
    /// Deletes the logged frequency changes.
    fn forget_frequency_log(&mut self) -> Result<(), StoreError>;
    /// Puts a story's packed record (replacing it).
    fn put_story(&mut self, story: u32, packed: &[u8]) -> Result<(), StoreError>;
    /// Deletes a story's record.
    fn retire(&mut self, story: u32) -> Result<(), StoreError>;
    /// The error for a state that could not be compressed.
    fn packing(&self, error: std::io::Error) -> StoreError;
}

/// Writes what changed in the clusterer (see the module docs).
pub(crate) fn apply_update(
    rows: &mut impl StateRows,
    state: &StoryStateUpdate<'_>,
) -> Result<(), StoreError> {
    let pack = |rows: &dyn StateRows, bytes: &[u8]| {
        crate::blob::pack_state(bytes).map_err(|e| rows.packing(e))
    };
    rows.put("header", state.header)?;
    rows.put("last_article", &state.last_article.to_le_bytes())?;
    if let Some(frequencies) = state.frequencies {
        let packed = pack(rows, frequencies)?;
        rows.put("frequencies", &packed)?;
        rows.forget_frequency_log()?;
    }
    if let Some(changes) = state.frequency_changes {
        let logged = rows.logged_changes()?;
        let packed = pack(rows, changes)?;
        rows.put(&format!("{FREQUENCY_LOG}{}", logged + 1), &packed)?;
    }
    for (id, bytes) in state.stories {
        let packed = pack(rows, bytes)?;
        rows.put_story(*id, &packed)?;
        rows.forget(&format!("{NORMS}{id}"))?;
    }
    for (id, bytes) in state.norms {
        rows.put(&format!("{NORMS}{id}"), bytes)?;
    }
    for id in state.retired {
        rows.retire(*id)?;
        rows.forget(&format!("{NORMS}{id}"))?;
    }
    Ok(())
}

/// The saved clusterer from its rows: every `story_state` row and the
/// packed `story_clusters` records in story order. `None` when a part is
/// missing or cannot be unpacked (no usable state); `Err` names a
/// `last_article` that is not 8 bytes.
pub(crate) fn assemble_state(
    named: Vec<(String, Vec<u8>)>,
    clusters: &[Vec<u8>],
) -> Result<Option<StoryState>, ()> {
    let mut header = None;
    let mut frequencies = None;
    let mut last = None;
    let mut log = Vec::new();
    let mut norms = Vec::new();
    for (name, value) in named {
        if let Some(n) = name.strip_prefix(FREQUENCY_LOG) {
            log.push((n.parse::<usize>().ok(), value));
        } else if let Some(id) = name.strip_prefix(NORMS) {
            norms.push((id.parse::<u32>().ok(), value));
        } else {
            match name.as_str() {
                "header" => header = Some(value),
                "frequencies" => frequencies = Some(value),
                "last_article" => last = Some(value),
                _ => {}
            }
        }
    }
    let (Some(header), Some(frequencies), Some(last)) = (header, frequencies, last) else {
        return Ok(None);
    };
    let last_article = <[u8; 8]>::try_from(last.as_slice())
        .map(i64::from_le_bytes)
        .map_err(|_| ())?;
    // Packed since version 4; what cannot be unpacked is no usable state.
    let Some(frequencies) = crate::blob::unpack_state(&frequencies) else {
        return Ok(None);
    };
    log.sort_unstable_by_key(|(n, _)| *n);
    // Numbered 1, 2, 3… with none missing, or the log is not whole.
    if !log.iter().enumerate().all(|(i, (n, _))| *n == Some(i + 1)) {
        return Ok(None);
    }
    let Some(frequency_changes) = log
        .iter()
        .map(|(_, packed)| crate::blob::unpack_state(packed))
        .collect::<Option<Vec<_>>>()
    else {
        return Ok(None);
    };
    let Some(stories) = clusters
        .iter()
        .map(|p| crate::blob::unpack_state(p))
        .collect::<Option<Vec<_>>>()
    else {
        return Ok(None);
    };
    norms.sort_unstable();
    let norms = norms.into_iter().map(|(_, value)| value).collect();
    Ok(Some(StoryState {
        header,
        frequencies,
        frequency_changes,
        stories,
        norms,
        last_article,
    }))
}

/// What the story tracker writes as it clusters, in either backend: a
/// data directory's writer ([`Store`]) or the elected clusterer's
/// connection to PostgreSQL ([`crate::PgStories`]).
pub trait StoryWriter {
    /// Sets articles' stories and saves the clusterer's changes, in one
    /// transaction ([`Store::save_stories`]).
    fn save_stories(
        &mut self,
        stories: &[(i64, i64)],
        state: Option<&StoryStateUpdate<'_>>,
    ) -> Result<(), StoreError>;
    /// An article's story, when it has one.
    fn story_of(&mut self, article: i64) -> Result<Option<i64>, StoreError>;
}

/// What the story tracker reads as well, to restore and catch up: a data
/// directory's writer with a reader beside it ([`SqliteStories`]), or the
/// elected clusterer's connection ([`crate::PgStories`]).
pub trait StoryBook: StoryWriter {
    /// The saved clusterer, if one is saved and usable.
    fn story_state(&mut self) -> Result<Option<StoryState>, StoreError>;
    /// Forgets the saved clusterer (before a rebuild from the articles).
    fn clear_story_state(&mut self) -> Result<(), StoreError>;
    /// At most `limit` stored articles with ids in `(after, upto]`, in id
    /// order (near-duplicates included).
    fn story_inputs(
        &mut self,
        after: i64,
        upto: i64,
        limit: usize,
    ) -> Result<Vec<StoryInput>, StoreError>;
    /// [`Reader::recent_story_inputs`]: the settle window after a restore.
    fn recent_story_inputs(
        &mut self,
        up_to: i64,
        limit: usize,
    ) -> Result<Vec<StoryInput>, StoreError>;
}

impl StoryWriter for Store {
    fn save_stories(
        &mut self,
        stories: &[(i64, i64)],
        state: Option<&StoryStateUpdate<'_>>,
    ) -> Result<(), StoreError> {
        Store::save_stories(self, stories, state)
    }

    fn story_of(&mut self, article: i64) -> Result<Option<i64>, StoreError> {
        Store::story_of(self, article)
    }
}

/// A data directory's stories: its one writer, with a reader beside it.
pub struct SqliteStories<'a> {
    /// The writer.
    pub store: &'a mut Store,
    /// A reader of the same directory.
    pub reader: &'a Reader,
}

impl StoryWriter for SqliteStories<'_> {
    fn save_stories(
        &mut self,
        stories: &[(i64, i64)],
        state: Option<&StoryStateUpdate<'_>>,
    ) -> Result<(), StoreError> {
        self.store.save_stories(stories, state)
    }

    fn story_of(&mut self, article: i64) -> Result<Option<i64>, StoreError> {
        self.store.story_of(article)
    }
}

impl StoryBook for SqliteStories<'_> {
    fn story_state(&mut self) -> Result<Option<StoryState>, StoreError> {
        self.reader.story_state()
    }

    fn clear_story_state(&mut self) -> Result<(), StoreError> {
        self.store.clear_story_state()
    }

    fn story_inputs(
        &mut self,
        after: i64,
        upto: i64,
        limit: usize,
    ) -> Result<Vec<StoryInput>, StoreError> {
        self.reader.story_inputs(after, upto, limit)
    }

    fn recent_story_inputs(
        &mut self,
        up_to: i64,
        limit: usize,
    ) -> Result<Vec<StoryInput>, StoreError> {
        self.reader.recent_story_inputs(up_to, limit)
    }
}

/// [`StateRows`] in a SQLite transaction.
struct SqliteRows<'t> {
    tx: &'t rusqlite::Transaction<'t>,
    path: &'t std::path::Path,
}

impl SqliteRows<'_> {
    fn failed(&self) -> impl FnOnce(rusqlite::Error) -> StoreError + '_ {
        StoreError::sqlite(self.path, "storing story ids")
    }

    fn run(&self, sql: &str, params: impl rusqlite::Params) -> Result<(), StoreError> {
        self.tx
            .prepare_cached(sql)
            .and_then(|mut statement| statement.execute(params))
            .map(|_| ())
            .map_err(self.failed())
    }
}

impl StateRows for SqliteRows<'_> {
    fn put(&mut self, name: &str, value: &[u8]) -> Result<(), StoreError> {
        self.run(
            "INSERT OR REPLACE INTO story_state (name, value) VALUES (?1, ?2)",
            (name, value),
        )
    }

    fn forget(&mut self, name: &str) -> Result<(), StoreError> {
        self.run("DELETE FROM story_state WHERE name = ?1", [name])
    }

    fn logged_changes(&mut self) -> Result<i64, StoreError> {
        self.tx
            .query_row(
                &format!("SELECT count(*) FROM story_state WHERE name GLOB '{FREQUENCY_LOG}*'"),
                [],
                |row| row.get(0),
            )
            .map_err(self.failed())
    }

    fn forget_frequency_log(&mut self) -> Result<(), StoreError> {
        self.run(
            &format!("DELETE FROM story_state WHERE name GLOB '{FREQUENCY_LOG}*'"),
            [],
        )
    }

    fn put_story(&mut self, story: u32, packed: &[u8]) -> Result<(), StoreError> {
        self.run(
            "INSERT OR REPLACE INTO story_clusters (story, state) VALUES (?1, ?2)",
            (story, packed),
        )
    }

    fn retire(&mut self, story: u32) -> Result<(), StoreError> {
        self.run("DELETE FROM story_clusters WHERE story = ?1", [story])
    }

    fn packing(&self, error: std::io::Error) -> StoreError {
        self.failed()(rusqlite::Error::ToSqlConversionFailure(Box::new(error)))
    }
}

impl Store {
    /// Sets articles' stories, `(article, story)`, in one transaction.
    pub fn set_stories(&mut self, stories: &[(i64, i64)]) -> Result<(), StoreError> {
        self.save_stories(stories, None)
    }

    /// Sets articles' stories and saves what changed in the clusterer that
    /// made them, in one transaction: the saved state always matches the
    /// stored story ids, whenever a run is killed. An article's
    /// near-duplicates follow it to its new story.
    pub fn save_stories(
        &mut self,
        stories: &[(i64, i64)],
        state: Option<&StoryStateUpdate<'_>>,
    ) -> Result<(), StoreError> {
        if stories.is_empty() && state.is_none() {
            return Ok(());
        }
        let (conn, path) = self.connection_mut();
        let failed = |e: rusqlite::Error| StoreError::sqlite(path, "storing story ids")(e);
        let tx = conn.transaction().map_err(failed)?;
        if !stories.is_empty() {
            // The stories articles leave, counted again below.
            let articles: Vec<i64> = stories.iter().map(|(article, _)| *article).collect();
            let list = serde_json::to_string(&articles).unwrap_or_else(|_| "[]".into());
            let left: Vec<i64> = tx
                .prepare_cached(&crate::rollup::stories_of(
                    "IN (SELECT value FROM json_each(?1))",
                ))
                .and_then(|mut s| s.query_map([&list], |row| row.get(0))?.collect())
                .map_err(failed)?;
            let mut update = tx
                .prepare_cached("UPDATE articles SET story = ?1 WHERE id = ?2 OR duplicate_of = ?2")
                .map_err(failed)?;
            for (article, story) in stories {
                update.execute((story, article)).map_err(failed)?;
            }
            drop(update);
            crate::rollup::restory_sqlite(&tx, &articles, &left).map_err(failed)?;
        }
        if let Some(state) = state {
            apply_update(&mut SqliteRows { tx: &tx, path }, state)?;
        }
        tx.commit().map_err(failed)
    }

    /// An article's story, when it has one (as [`Reader::story_of`]).
    pub fn story_of(&mut self, article: i64) -> Result<Option<i64>, StoreError> {
        let (conn, path) = self.connection_mut();
        read_story_of(conn, path, article)
    }

    /// Forgets the saved clusterer (before a rebuild from the articles).
    pub fn clear_story_state(&mut self) -> Result<(), StoreError> {
        let (conn, path) = self.connection_mut();
        conn.execute_batch("DELETE FROM story_state; DELETE FROM story_clusters;")
            .map_err(StoreError::sqlite(path, "clearing the saved stories"))
    }
}

impl Reader {
    /// Calls `each` with every stored article (near-duplicates included), in
    /// the order they were stored, one at a time.
    pub fn for_each_story_input(&self, each: impl FnMut(StoryInput)) -> Result<(), StoreError> {
        self.for_each_story_input_after(0, each)
    }

    /// The same for the articles stored after the one with id `after`.
    pub fn for_each_story_input_after(
        &self,
        after: i64,
        mut each: impl FnMut(StoryInput),
    ) -> Result<(), StoreError> {
        let (conn, path) = self.connection();
        let failed =
            |e: rusqlite::Error| StoreError::sqlite(path, "reading articles for stories")(e);
        let mut statement = conn
            .prepare(&format!(
                "SELECT {STORY_INPUT_COLUMNS} FROM articles WHERE id > ?1 ORDER BY id"
            ))
            .map_err(failed)?;
        let mut rows = statement.query([after]).map_err(failed)?;
        while let Some(row) = rows.next().map_err(failed)? {
            each(story_input(row).map_err(failed)?);
        }
        Ok(())
    }

    /// At most `limit` stored articles with ids in `(after, upto]`, in the
    /// order they were stored: a page of a catch-up.
    pub fn story_inputs(
        &self,
        after: i64,
        upto: i64,
        limit: usize,
    ) -> Result<Vec<StoryInput>, StoreError> {
        self.story_inputs_of(
            &format!(
                "SELECT {STORY_INPUT_COLUMNS} FROM articles \
                 WHERE id > ?1 AND id <= ?2 ORDER BY id LIMIT ?3"
            ),
            (after, upto, limit as i64),
            "reading articles for stories",
        )
    }

    /// The [`StoryInput`]s `sql` selects.
    fn story_inputs_of(
        &self,
        sql: &str,
        params: impl rusqlite::Params,
        context: &'static str,
    ) -> Result<Vec<StoryInput>, StoreError> {
        let (conn, path) = self.connection();
        conn.prepare_cached(sql)
            .and_then(|mut statement| statement.query_map(params, story_input)?.collect())
            .map_err(StoreError::sqlite(path, context))
    }

    /// The latest `limit` canonical articles (no near-duplicates) stored up
    /// to the one with id `up_to`, oldest first: the clusterer's settle
    /// window, given back after a restore. Reads at most `limit` rows, so it
    /// costs the same on any corpus.
    pub fn recent_story_inputs(
        &self,
        up_to: i64,
        limit: usize,
    ) -> Result<Vec<StoryInput>, StoreError> {
        self.story_inputs_of(
            &format!(
                "SELECT {STORY_INPUT_COLUMNS} FROM \
                 (SELECT * FROM articles WHERE id <= ?1 AND duplicate_of IS NULL \
                  ORDER BY id DESC LIMIT ?2) ORDER BY id"
            ),
            (up_to, limit as i64),
            "reading the latest articles",
        )
    }

    /// An article's story, when it has one.
    pub fn story_of(&self, article: i64) -> Result<Option<i64>, StoreError> {
        let (conn, path) = self.connection();
        read_story_of(conn, path, article)
    }

    /// The saved clusterer, if a writer has saved one.
    pub fn story_state(&self) -> Result<Option<StoryState>, StoreError> {
        let (conn, path) = self.connection();
        let failed = |e: rusqlite::Error| StoreError::sqlite(path, "reading the saved stories")(e);
        let exists: i64 = conn
            .query_row(
                "SELECT count(*) FROM sqlite_schema WHERE name IN ('story_state', 'story_clusters')",
                [],
                |row| row.get(0),
            )
            .map_err(failed)?;
        if exists < 2 {
            return Ok(None);
        }
        let named = conn
            .prepare("SELECT name, value FROM story_state")
            .map_err(failed)?
            .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))
            .map_err(failed)?
            .collect::<Result<Vec<_>, _>>()
            .map_err(failed)?;
        let clusters = conn
            .prepare("SELECT state FROM story_clusters ORDER BY story")
            .map_err(failed)?
            .query_map([], |row| row.get::<_, Vec<u8>>(0))
            .map_err(failed)?
            .collect::<Result<Vec<_>, _>>()
            .map_err(failed)?;
        assemble_state(named, &clusters).map_err(|()| {
            failed(rusqlite::Error::InvalidColumnType(
                0,
                "last_article".into(),
                rusqlite::types::Type::Blob,
            ))
        })
    }

    /// The stories of the corpus, largest first (then the most recent).
    pub fn stories(&self, limit: usize) -> Result<Vec<StorySummary>, StoreError> {
        let (conn, path) = self.connection();
        let failed = |e: rusqlite::Error| StoreError::sqlite(path, "reading the stories")(e);
        let mut statement = conn
            .prepare(&format!(
                "SELECT story, \
                        sum(duplicate_of IS NULL), sum(duplicate_of IS NOT NULL), \
                        min(published), max(published), {STORY_TITLE} \
                 FROM articles a WHERE story IS NOT NULL \
                 GROUP BY story \
                 ORDER BY sum(duplicate_of IS NULL) DESC, max(published) DESC, story \
                 LIMIT ?1"
            ))
            .map_err(failed)?;
        let rows = statement
            .query_map([limit as i64], |row| {
                Ok(StorySummary {
                    story: row.get(0)?,
                    articles: row.get(1)?,
                    copies: row.get(2)?,
                    first: row.get(3)?,
                    last: row.get(4)?,
                    title: row.get(5)?,
                })
            })
            .map_err(failed)?;
        rows.collect::<Result<Vec<_>, _>>().map_err(failed)
    }

    /// Every article with its story, in the order they were stored.
    pub fn article_stories(&self, mut each: impl FnMut(ArticleStory)) -> Result<(), StoreError> {
        let (conn, path) = self.connection();
        let failed = |e: rusqlite::Error| StoreError::sqlite(path, "reading the stories")(e);
        let mut statement = conn
            .prepare("SELECT id, doc_id, external_id, story FROM articles ORDER BY id")
            .map_err(failed)?;
        let mut rows = statement.query([]).map_err(failed)?;
        while let Some(row) = rows.next().map_err(failed)? {
            each(ArticleStory {
                article: row.get(0).map_err(failed)?,
                doc_id: row.get(1).map_err(failed)?,
                external_id: row.get(2).map_err(failed)?,
                story: row.get(3).map_err(failed)?,
            });
        }
        Ok(())
    }
}

fn read_story_of(
    conn: &rusqlite::Connection,
    path: &std::path::Path,
    article: i64,
) -> Result<Option<i64>, StoreError> {
    conn.query_row(
        "SELECT story FROM articles WHERE id = ?1",
        [article],
        |row| row.get::<_, Option<i64>>(0),
    )
    .optional()
    .map(Option::flatten)
    .map_err(StoreError::sqlite(path, "reading an article's story"))
}

/// The columns a [`StoryInput`] is read from, in this order, in either
/// backend.
pub(crate) const STORY_INPUT_COLUMNS: &str =
    "id, title, text, published, duplicate_of, story, analysis";

impl StoryInput {
    /// An article as stored, its analysis decoded from its blob (none
    /// when the blob cannot be read: its words still count).
    pub(crate) fn decoded(
        (article, title, text): (i64, Option<String>, String),
        (published, duplicate_of, story): (Option<String>, Option<i64>, Option<i64>),
        blob: Option<&[u8]>,
    ) -> StoryInput {
        let analysis = blob
            .and_then(|blob| crate::blob::decode_analysis(&article.to_string(), blob, &text).ok());
        StoryInput {
            article,
            title,
            text,
            published,
            duplicate_of,
            story,
            analysis,
        }
    }
}

/// A row of [`STORY_INPUT_COLUMNS`].
fn story_input(row: &rusqlite::Row<'_>) -> rusqlite::Result<StoryInput> {
    Ok(StoryInput::decoded(
        (row.get(0)?, row.get(1)?, row.get(2)?),
        (row.get(3)?, row.get(4)?, row.get(5)?),
        row.get_ref(6)?.as_bytes().ok(),
    ))
}

#[cfg(test)]
mod tests {
    use chancery_model::{Analysis, Article};

    use crate::{Document, Outcome, Reader, Store, StoryStateUpdate};

    fn document(id: &str, text: &str) -> Document {
        Document::new(Analysis::from_article(Article {
            id: id.into(),
            title: Some(format!("Title {id}")),
            text: text.into(),
            ..Article::default()
        }))
        .unwrap()
    }

    #[test]
    fn stories_are_stored_and_summarized() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(dir.path()).unwrap();
        let outcomes = store
            .write(&[
                document(
                    "a",
                    "The harbour council approved the ferry budget after a long debate on Monday.",
                ),
                document(
                    "b",
                    "Ministers signed the fisheries accord after talks that ran into the night.",
                ),
                document(
                    "c",
                    "The harbour council approved the ferry budget after a long debate on Monday!",
                ),
            ])
            .unwrap();
        let ids: Vec<i64> = outcomes
            .iter()
            .map(|o| match o {
                Outcome::Stored { article, .. } => *article,
                other => panic!("{other:?}"),
            })
            .collect();
        store
            .set_stories(&[(ids[0], 7), (ids[1], 8), (ids[2], 7)])
            .unwrap();
        let reader = Reader::open(dir.path()).unwrap();
        let mut inputs = Vec::new();
        reader.for_each_story_input(|i| inputs.push(i)).unwrap();
        assert_eq!(inputs.len(), 3);
        assert_eq!(
            inputs[2].duplicate_of,
            Some(ids[0]),
            "c is a near-copy of a"
        );
        assert_eq!(inputs[2].story, Some(7));
        let stories = reader.stories(10).unwrap();
        assert_eq!(stories.len(), 2);
        assert_eq!(
            (stories[0].story, stories[0].articles, stories[0].copies),
            (7, 1, 1)
        );
        assert_eq!(stories[0].title.as_deref(), Some("Title a"));
        // The web pages and the API title it by the same rule.
        let queries = crate::Queries::open(dir.path()).unwrap();
        let story = queries.story(7).unwrap().unwrap();
        assert_eq!(story.title, stories[0].title);
        let mut listed = Vec::new();
        reader
            .article_stories(|a| listed.push((a.doc_id, a.story)))
            .unwrap();
        assert_eq!(listed[1], ("b".to_string(), Some(8)));
        // The settle window: the latest canonical articles, oldest first.
        let recent = reader.recent_story_inputs(ids[2], 1).unwrap();
        assert_eq!(
            recent.iter().map(|i| i.article).collect::<Vec<_>>(),
            [ids[1]]
        );
        let recent = reader.recent_story_inputs(ids[2], 5).unwrap();
        assert_eq!(
            recent.iter().map(|i| i.article).collect::<Vec<_>>(),
            [ids[0], ids[1]]
        );
        assert!(reader
            .recent_story_inputs(ids[0] - 1, 5)
            .unwrap()
            .is_empty());
        // A settle pass moves a: its near-copy c follows.
        store.set_stories(&[(ids[0], 9)]).unwrap();
        assert_eq!(reader.story_of(ids[2]).unwrap(), Some(9));
        assert_eq!(reader.story_of(ids[1]).unwrap(), Some(8));
    }

    /// The frequency table saved whole, then as changes in order; a whole
    /// table again drops the changes; a gap in the log is no usable state.
    #[test]
    fn frequency_changes_are_kept_in_order_until_the_next_whole_table() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(dir.path()).unwrap();
        let save = |store: &mut Store, whole: Option<&[u8]>, change: Option<&[u8]>| {
            store
                .save_stories(
                    &[],
                    Some(&StoryStateUpdate {
                        header: b"h",
                        frequencies: whole,
                        frequency_changes: change,
                        stories: &[],
                        norms: &[],
                        retired: &[],
                        last_article: 1,
                    }),
                )
                .unwrap();
        };
        save(&mut store, Some(b"table 1"), None);
        for change in 1..=11u8 {
            save(&mut store, None, Some(&[change]));
        }
        save(&mut store, None, None);
        let reader = Reader::open(dir.path()).unwrap();
        let state = reader.story_state().unwrap().unwrap();
        assert_eq!(state.frequencies, b"table 1");
        let expected: Vec<Vec<u8>> = (1..=11u8).map(|c| vec![c]).collect();
        assert_eq!(state.frequency_changes, expected, "in the order saved");
        save(&mut store, Some(b"table 2"), None);
        save(&mut store, None, Some(b"after"));
        let state = reader.story_state().unwrap().unwrap();
        assert_eq!(state.frequencies, b"table 2");
        assert_eq!(state.frequency_changes, [b"after".to_vec()]);
        save(&mut store, None, Some(b"later"));
        let (conn, _) = store.connection_mut();
        conn.execute("DELETE FROM story_state WHERE name = 'frequencies+1'", [])
            .unwrap();
        assert_eq!(reader.story_state().unwrap(), None, "a change is missing");
    }

    /// A story's norms are kept until its next record or its retirement.
    #[test]
    fn norms_are_kept_until_the_story_is_saved_again() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(dir.path()).unwrap();
        let save = |store: &mut Store,
                    stories: &[(u32, Vec<u8>)],
                    norms: &[(u32, Vec<u8>)],
                    retired: &[u32]| {
            store
                .save_stories(
                    &[],
                    Some(&StoryStateUpdate {
                        header: b"h",
                        frequencies: Some(b"f"),
                        frequency_changes: None,
                        stories,
                        norms,
                        retired,
                        last_article: 1,
                    }),
                )
                .unwrap();
        };
        let reader = Reader::open(dir.path()).unwrap();
        save(
            &mut store,
            &[(2, b"two".to_vec()), (10, b"ten".to_vec())],
            &[],
            &[],
        );
        save(
            &mut store,
            &[],
            &[(10, b"n10".to_vec()), (2, b"n2".to_vec())],
            &[],
        );
        let state = reader.story_state().unwrap().unwrap();
        assert_eq!(state.stories, [b"two".to_vec(), b"ten".to_vec()]);
        assert_eq!(
            state.norms,
            [b"n2".to_vec(), b"n10".to_vec()],
            "in story order"
        );
        save(&mut store, &[(2, b"two again".to_vec())], &[], &[10]);
        let state = reader.story_state().unwrap().unwrap();
        assert_eq!(state.stories, [b"two again".to_vec()]);
        assert!(
            state.norms.is_empty(),
            "a new record and a retirement drop the norms"
        );
    }
}
