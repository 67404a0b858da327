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
const FREQUENCY_LOG: &str = "frequencies+";

/// The name of a story's saved norms, before its id.
const NORMS: &str = "norms:";

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
        {
            let mut update = tx
                .prepare_cached("UPDATE articles SET story = ?1 WHERE id = ?2 OR duplicate_of = ?2")
                .map_err(failed)?;
            for (article, story) in stories {
                update.execute((story, article)).map_err(failed)?;
            }
        }
        if let Some(state) = state {
            let mut put = tx
                .prepare_cached("INSERT OR REPLACE INTO story_state (name, value) VALUES (?1, ?2)")
                .map_err(failed)?;
            put.execute(("header", state.header)).map_err(failed)?;
            put.execute(("last_article", state.last_article.to_le_bytes().as_slice()))
                .map_err(failed)?;
            if let Some(frequencies) = state.frequencies {
                let packed = crate::blob::pack_state(frequencies).map_err(|e| packing(path, e))?;
                put.execute(("frequencies", packed)).map_err(failed)?;
                tx.execute(
                    &format!("DELETE FROM story_state WHERE name GLOB '{FREQUENCY_LOG}*'"),
                    [],
                )
                .map_err(failed)?;
            }
            if let Some(changes) = state.frequency_changes {
                let logged: i64 = tx
                    .query_row(
                        &format!(
                            "SELECT count(*) FROM story_state WHERE name GLOB '{FREQUENCY_LOG}*'"
                        ),
                        [],
                        |row| row.get(0),
                    )
                    .map_err(failed)?;
                let packed = crate::blob::pack_state(changes).map_err(|e| packing(path, e))?;
                put.execute((format!("{FREQUENCY_LOG}{}", logged + 1), packed))
                    .map_err(failed)?;
            }
            let mut story = tx
                .prepare_cached(
                    "INSERT OR REPLACE INTO story_clusters (story, state) VALUES (?1, ?2)",
                )
                .map_err(failed)?;
            let mut forget_norms = tx
                .prepare_cached("DELETE FROM story_state WHERE name = ?1")
                .map_err(failed)?;
            for (id, bytes) in state.stories {
                let packed = crate::blob::pack_state(bytes).map_err(|e| packing(path, e))?;
                story.execute((id, packed)).map_err(failed)?;
                forget_norms
                    .execute([format!("{NORMS}{id}")])
                    .map_err(failed)?;
            }
            for (id, bytes) in state.norms {
                put.execute((format!("{NORMS}{id}"), bytes))
                    .map_err(failed)?;
            }
            let mut retire = tx
                .prepare_cached("DELETE FROM story_clusters WHERE story = ?1")
                .map_err(failed)?;
            for id in state.retired {
                retire.execute([id]).map_err(failed)?;
                forget_norms
                    .execute([format!("{NORMS}{id}")])
                    .map_err(failed)?;
            }
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
            .prepare(
                "SELECT id, title, text, published, duplicate_of, story, analysis FROM articles \
                 WHERE id > ?1 ORDER BY id",
            )
            .map_err(failed)?;
        let mut rows = statement.query([after]).map_err(failed)?;
        while let Some(row) = rows.next().map_err(failed)? {
            each(story_input(row).map_err(failed)?);
        }
        Ok(())
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
        let (conn, path) = self.connection();
        let failed =
            |e: rusqlite::Error| StoreError::sqlite(path, "reading the latest articles")(e);
        let mut statement = conn
            .prepare(
                "SELECT id, title, text, published, duplicate_of, story, analysis FROM \
                 (SELECT * FROM articles WHERE id <= ?1 AND duplicate_of IS NULL \
                  ORDER BY id DESC LIMIT ?2) ORDER BY id",
            )
            .map_err(failed)?;
        let rows = statement
            .query_map((up_to, limit as i64), story_input)
            .map_err(failed)?;
        rows.collect::<Result<Vec<_>, _>>().map_err(failed)
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
        let get = |name: &str| -> Result<Option<Vec<u8>>, StoreError> {
            conn.query_row(
                "SELECT value FROM story_state WHERE name = ?1",
                [name],
                |row| row.get(0),
            )
            .optional()
            .map_err(failed)
        };
        let (Some(header), Some(frequencies), Some(last)) =
            (get("header")?, get("frequencies")?, get("last_article")?)
        else {
            return Ok(None);
        };
        // Packed since version 4; what cannot be unpacked is no usable state.
        let Some(frequencies) = crate::blob::unpack_state(&frequencies) else {
            return Ok(None);
        };
        let last_article = <[u8; 8]>::try_from(last.as_slice())
            .map(i64::from_le_bytes)
            .map_err(|_| {
                StoreError::sqlite(path, "reading the saved stories")(
                    rusqlite::Error::InvalidColumnType(
                        0,
                        "last_article".into(),
                        rusqlite::types::Type::Blob,
                    ),
                )
            })?;
        let Some(frequency_changes) = read_frequency_log(conn).map_err(failed)? else {
            return Ok(None);
        };
        let mut statement = conn
            .prepare("SELECT state FROM story_clusters ORDER BY story")
            .map_err(failed)?;
        let packed = statement
            .query_map([], |row| row.get::<_, Vec<u8>>(0))
            .map_err(failed)?
            .collect::<Result<Vec<_>, _>>()
            .map_err(failed)?;
        let Some(stories) = packed
            .iter()
            .map(|p| crate::blob::unpack_state(p))
            .collect::<Option<Vec<_>>>()
        else {
            return Ok(None);
        };
        let mut norms = conn
            .prepare(&format!(
                "SELECT name, value FROM story_state WHERE name GLOB '{NORMS}*'"
            ))
            .map_err(failed)?
            .query_map([], |row| {
                let name: String = row.get(0)?;
                Ok((
                    name[NORMS.len()..].parse::<u32>().ok(),
                    row.get::<_, Vec<u8>>(1)?,
                ))
            })
            .map_err(failed)?
            .collect::<Result<Vec<_>, _>>()
            .map_err(failed)?;
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

/// The saved changes to the frequency table, in order; `None` when one
/// is missing or cannot be unpacked (no usable state).
fn read_frequency_log(conn: &rusqlite::Connection) -> rusqlite::Result<Option<Vec<Vec<u8>>>> {
    let mut statement = conn.prepare(&format!(
        "SELECT name, value FROM story_state WHERE name GLOB '{FREQUENCY_LOG}*'"
    ))?;
    let mut numbered = statement
        .query_map([], |row| {
            let name: String = row.get(0)?;
            Ok((
                name[FREQUENCY_LOG.len()..].parse::<usize>().ok(),
                row.get::<_, Vec<u8>>(1)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    numbered.sort_unstable_by_key(|(n, _)| *n);
    // Numbered 1, 2, 3… with none missing, or the log is not whole.
    let whole = numbered
        .iter()
        .enumerate()
        .all(|(i, (n, _))| *n == Some(i + 1));
    Ok(whole
        .then(|| {
            numbered
                .iter()
                .map(|(_, packed)| crate::blob::unpack_state(packed))
                .collect::<Option<Vec<_>>>()
        })
        .flatten())
}

/// A row of `id, title, text, published, duplicate_of, story, analysis`.
fn story_input(row: &rusqlite::Row<'_>) -> rusqlite::Result<StoryInput> {
    let article: i64 = row.get(0)?;
    let text: String = row.get(2)?;
    let analysis = row
        .get_ref(6)?
        .as_bytes()
        .ok()
        .and_then(|blob| crate::blob::decode_analysis(&article.to_string(), blob, &text).ok());
    Ok(StoryInput {
        article,
        title: row.get(1)?,
        text,
        published: row.get(3)?,
        duplicate_of: row.get(4)?,
        story: row.get(5)?,
        analysis,
    })
}

/// A story state that could not be compressed (out of memory).
fn packing(path: &std::path::Path, error: std::io::Error) -> StoreError {
    StoreError::sqlite(path, "compressing the saved stories")(
        rusqlite::Error::ToSqlConversionFailure(Box::new(error)),
    )
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
