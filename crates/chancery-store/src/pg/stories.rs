//! Stories in PostgreSQL (schema version 2): the same `articles.story`,
//! `story_state` and `story_clusters` as a data directory keeps, written
//! by one clusterer at a time for the whole fleet.
//!
//! **One clusterer.** [`PgStories::try_elect`] takes a session-level advisory
//! lock (`pg_try_advisory_lock`) on a connection of its own: the process
//! that holds it clusters, the others only store articles. The server
//! drops the lock when the session ends, so a killed clusterer frees it
//! and the next process to ask takes over from the saved state.
//!
//! **In id order, none skipped.** Writers take ids from one identity but
//! commit in any order, so an article with a lower id may become visible
//! after one with a higher id. Every batch a writer stores holds a shared
//! transaction-level advisory lock ([`WRITE_LOCK`]) from its first
//! statement to its commit; [`PgStories::horizon`] takes that lock
//! exclusively for an instant, when no batch is in flight, and reads the
//! largest id. Every id at or below it is then committed (or rolled back
//! for good), and every later batch takes larger ids, so the clusterer
//! reads `(last, horizon]` in id order and never meets a gap that fills in
//! afterwards.
//!
//! **Resumable.** The clusterer's changes and its progress mark
//! (`last_article`) are saved in the same transaction as the story ids
//! they gave ([`crate::stories::apply_update`], the same rows as SQLite's):
//! a clusterer killed at any point resumes from the last save, and no
//! process replays the corpus.

use postgres::{Client, Statement, Transaction};

use crate::pg::{connect, Failed, PgResult};
use crate::stories::FREQUENCY_LOG;
use crate::stories::{apply_update, assemble_state, StateRows, STORY_INPUT_COLUMNS};
use crate::{StoreError, StoryBook, StoryInput, StoryState, StoryStateUpdate, StoryWriter};

/// The advisory lock the elected clusterer holds for its session
/// ("chstory" in ASCII).
pub(crate) const CLUSTERER_LOCK: i64 = 0x0063_6873_746f_7279;

/// The advisory lock every batch holds shared until it commits, and the
/// horizon takes exclusively ("chwrite" in ASCII).
pub(crate) const WRITE_LOCK: i64 = 0x0063_6877_7269_7465;

/// The elected clusterer's connection: holds [`CLUSTERER_LOCK`] while it
/// lives, reads the articles to cluster and saves their stories.
pub struct PgStories {
    client: Client,
    url: String,
    statements: Statements,
    /// Whether this session holds [`CLUSTERER_LOCK`].
    elected: bool,
}

impl std::fmt::Debug for PgStories {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgStories")
            .field("url", &crate::pg::redacted(&self.url))
            .finish_non_exhaustive()
    }
}

struct Statements {
    put: Statement,
    forget: Statement,
    put_story: Statement,
    retire: Statement,
    story_of: Statement,
    set_stories: Statement,
    inputs: Statement,
    inputs_by_id: Statement,
    ids: Statement,
    recent: Statement,
    /// The stories of articles `$1` and their copies (`rollup::stories_of`).
    stories_of: Statement,
    /// `rollup::restory` for the stories `$1`.
    restory: [Statement; 2],
    /// `rollup::story_additions` of the articles `$1` to their stories but
    /// those `$2`.
    add_to_stories: Statement,
}

impl Statements {
    fn prepare(client: &mut Client) -> PgResult<Statements> {
        let at = Failed::at("preparing the stories' statements");
        let mut prepare = |sql: &str| client.prepare(sql).map_err(at);
        Ok(Statements {
            put: prepare(
                "INSERT INTO story_state (name, value) VALUES ($1, $2) \
                 ON CONFLICT (name) DO UPDATE SET value = excluded.value",
            )?,
            forget: prepare("DELETE FROM story_state WHERE name = $1")?,
            put_story: prepare(
                "INSERT INTO story_clusters (story, state) VALUES ($1, $2) \
                 ON CONFLICT (story) DO UPDATE SET state = excluded.state",
            )?,
            retire: prepare("DELETE FROM story_clusters WHERE story = $1")?,
            story_of: prepare("SELECT story FROM articles WHERE id = $1")?,
            // The pairs applied as SQLite applies them one by one: each row
            // (the article, or a near-duplicate of it) takes the last pair
            // that names it.
            set_stories: prepare(
                "UPDATE articles a SET story = last.story FROM ( \
                     SELECT DISTINCT ON (target) target, story FROM ( \
                         SELECT t.id AS target, u.story, u.n \
                         FROM unnest($1::bigint[], $2::bigint[]) WITH ORDINALITY \
                              AS u(article, story, n) \
                         JOIN articles t ON t.id = u.article \
                         UNION ALL \
                         SELECT t.id, u.story, u.n \
                         FROM unnest($1::bigint[], $2::bigint[]) WITH ORDINALITY \
                              AS u(article, story, n) \
                         JOIN articles t ON t.duplicate_of = u.article \
                     ) pairs ORDER BY target, n DESC \
                 ) last WHERE a.id = last.target AND a.story IS DISTINCT FROM last.story",
            )?,
            inputs: prepare(&format!(
                "SELECT {STORY_INPUT_COLUMNS} FROM articles \
                 WHERE id > $1 AND id <= $2 ORDER BY id LIMIT $3"
            ))?,
            inputs_by_id: prepare(&format!(
                "SELECT {STORY_INPUT_COLUMNS} FROM articles WHERE id = ANY($1) ORDER BY id"
            ))?,
            ids: prepare(
                "SELECT id FROM articles WHERE id > $1 AND id <= $2 ORDER BY id LIMIT $3",
            )?,
            recent: prepare(&format!(
                "SELECT {STORY_INPUT_COLUMNS} FROM \
                 (SELECT * FROM articles WHERE id <= $1 AND duplicate_of IS NULL \
                  ORDER BY id DESC LIMIT $2) r ORDER BY id"
            ))?,
            stories_of: prepare(&crate::rollup::stories_of("= ANY($1::bigint[])"))?,
            restory: {
                let [delete, insert] = crate::rollup::restory("= ANY($1::bigint[])");
                [prepare(&delete)?, prepare(&insert)?]
            },
            add_to_stories: prepare(&crate::rollup::story_additions(
                "= ANY($1::bigint[])",
                "= ANY($2::bigint[])",
                crate::rollup::Engine::Postgres,
            ))?,
        })
    }
}

impl PgStories {
    /// A connection for the story clusterer, not yet elected
    /// ([`PgStories::try_elect`]).
    pub fn open(url: &str) -> Result<PgStories, StoreError> {
        let mut client = connect(url)?;
        let statements = Statements::prepare(&mut client).map_err(|f| f.into_error(url))?;
        Ok(PgStories {
            client,
            url: url.to_string(),
            statements,
            elected: false,
        })
    }

    /// Whether this connection is the clusterer: takes the election lock
    /// when no other session holds it (never waits). Once elected, stays
    /// so until the connection closes.
    pub fn try_elect(&mut self) -> Result<bool, StoreError> {
        if !self.elected {
            self.elected = self
                .client
                .query_one("SELECT pg_try_advisory_lock($1)", &[&CLUSTERER_LOCK])
                .map_err(|e| Failed::at("electing the story clusterer")(e).into_error(&self.url))?
                .get(0);
        }
        Ok(self.elected)
    }

    /// Gives up the election (the tracker's state is saved: whoever is
    /// elected next restores it).
    pub fn resign(&mut self) -> Result<(), StoreError> {
        if self.elected {
            self.client
                .execute("SELECT pg_advisory_unlock($1)", &[&CLUSTERER_LOCK])
                .map_err(|e| Failed::at("resigning as story clusterer")(e).into_error(&self.url))?;
            self.elected = false;
        }
        Ok(())
    }

    /// The ids of at most `limit` stored articles in `(after, upto]`, in
    /// order: which articles a catch-up page holds, before reading those
    /// the caller does not hold already.
    pub fn article_ids(
        &mut self,
        after: i64,
        upto: i64,
        limit: usize,
    ) -> Result<Vec<i64>, StoreError> {
        self.client
            .query(&self.statements.ids, &[&after, &upto, &(limit as i64)])
            .map(|rows| rows.iter().map(|row| row.get(0)).collect())
            .map_err(|e| Failed::at("reading articles for stories")(e).into_error(&self.url))
    }

    /// The articles with these ids, in id order.
    pub fn story_inputs_by_id(&mut self, ids: &[i64]) -> Result<Vec<StoryInput>, StoreError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let statement = self.statements.inputs_by_id.clone();
        self.inputs(&statement, &[&ids])
    }

    /// Whether articles are committed past the saved clusterer's progress
    /// mark (waiting for the batches in flight): work for a clusterer.
    pub fn unclustered(&mut self) -> Result<bool, StoreError> {
        let horizon = self.horizon(true)?.unwrap_or(0);
        let mark: Option<Vec<u8>> = self
            .client
            .query_opt(
                "SELECT value FROM story_state WHERE name = 'last_article'",
                &[],
            )
            .map_err(|e| Failed::at("reading the stories' progress")(e).into_error(&self.url))?
            .map(|row| row.get(0));
        let last = mark
            .and_then(|bytes| <[u8; 8]>::try_from(bytes.as_slice()).ok())
            .map_or(0, i64::from_le_bytes);
        Ok(horizon > last)
    }

    /// The database URL, without its password.
    pub fn url(&self) -> String {
        crate::pg::redacted(&self.url)
    }

    fn fail(&self) -> impl Fn(Failed) -> StoreError + '_ {
        |failed| failed.into_error(&self.url)
    }

    /// The largest article id below which every id is committed or never
    /// will be (see the module docs), or `None` when `wait` is false and a
    /// batch is being written at this instant (ask again after the next).
    /// With `wait`, waits for the batches in flight to commit.
    pub fn horizon(&mut self, wait: bool) -> Result<Option<i64>, StoreError> {
        let at = Failed::at("reading how far the stored articles are committed");
        let result = (|| {
            let mut tx = self.client.transaction().map_err(at)?;
            if wait {
                tx.execute("SELECT pg_advisory_xact_lock($1)", &[&WRITE_LOCK])
                    .map_err(at)?;
            } else {
                let got: bool = tx
                    .query_one("SELECT pg_try_advisory_xact_lock($1)", &[&WRITE_LOCK])
                    .map_err(at)?
                    .get(0);
                if !got {
                    return Ok(None);
                }
            }
            let max: i64 = tx
                .query_one("SELECT coalesce(max(id), 0)::bigint FROM articles", &[])
                .map_err(at)?
                .get(0);
            tx.commit().map_err(at)?;
            Ok(Some(max))
        })();
        result.map_err(self.fail())
    }

    fn inputs(
        &mut self,
        statement: &Statement,
        params: &[&(dyn postgres::types::ToSql + Sync)],
    ) -> Result<Vec<StoryInput>, StoreError> {
        let at = Failed::at("reading articles for stories");
        let rows = self
            .client
            .query(statement, params)
            .map_err(|e| at(e).into_error(&self.url))?;
        rows.iter()
            .map(|row| {
                let blob: Option<&[u8]> = row.try_get(6).map_err(at)?;
                Ok(StoryInput::decoded(
                    (
                        row.try_get(0).map_err(at)?,
                        row.try_get(1).map_err(at)?,
                        row.try_get(2).map_err(at)?,
                    ),
                    (
                        row.try_get(3).map_err(at)?,
                        row.try_get(4).map_err(at)?,
                        row.try_get(5).map_err(at)?,
                    ),
                    blob,
                ))
            })
            .collect::<PgResult<Vec<_>>>()
            .map_err(self.fail())
    }
}

impl StoryWriter for PgStories {
    fn save_stories(
        &mut self,
        stories: &[(i64, i64)],
        state: Option<&StoryStateUpdate<'_>>,
    ) -> Result<(), StoreError> {
        if stories.is_empty() && state.is_none() {
            return Ok(());
        }
        let at = Failed::at("storing story ids");
        let url = self.url.clone();
        let statements = &self.statements;
        let mut tx = self
            .client
            .transaction()
            .map_err(|e| at(e).into_error(&url))?;
        if !stories.is_empty() {
            let (articles, ids): (Vec<i64>, Vec<i64>) = stories.iter().copied().unzip();
            // The stories articles leave, counted again after; the others
            // they join gain what they bring.
            let left: Vec<i64> = tx
                .query(&statements.stories_of, &[&articles])
                .map_err(|e| at(e).into_error(&url))?
                .iter()
                .map(|row| row.get(0))
                .collect();
            tx.execute(&statements.set_stories, &[&articles, &ids])
                .map_err(|e| at(e).into_error(&url))?;
            for statement in &statements.restory {
                tx.execute(statement, &[&left])
                    .map_err(|e| at(e).into_error(&url))?;
            }
            tx.execute(&statements.add_to_stories, &[&articles, &left])
                .map_err(|e| at(e).into_error(&url))?;
        }
        if let Some(state) = state {
            apply_update(
                &mut PgRows {
                    tx: &mut tx,
                    statements,
                    url: &url,
                },
                state,
            )?;
        }
        tx.commit().map_err(|e| at(e).into_error(&url))
    }

    fn story_of(&mut self, article: i64) -> Result<Option<i64>, StoreError> {
        self.client
            .query_opt(&self.statements.story_of, &[&article])
            .map(|row| row.and_then(|row| row.get::<_, Option<i64>>(0)))
            .map_err(|e| Failed::at("reading an article's story")(e).into_error(&self.url))
    }
}

impl StoryBook for PgStories {
    fn story_state(&mut self) -> Result<Option<StoryState>, StoreError> {
        let at = Failed::at("reading the saved stories");
        let read = (|| {
            let named: Vec<(String, Vec<u8>)> = self
                .client
                .query("SELECT name, value FROM story_state", &[])
                .map_err(at)?
                .iter()
                .map(|row| (row.get(0), row.get(1)))
                .collect();
            let clusters: Vec<Vec<u8>> = self
                .client
                .query("SELECT state FROM story_clusters ORDER BY story", &[])
                .map_err(at)?
                .iter()
                .map(|row| row.get(0))
                .collect();
            Ok((named, clusters))
        })();
        let (named, clusters) = read.map_err(self.fail())?;
        // A progress mark that is not 8 bytes is a damaged state: rebuilt.
        Ok(assemble_state(named, &clusters).unwrap_or(None))
    }

    fn clear_story_state(&mut self) -> Result<(), StoreError> {
        self.client
            .batch_execute("DELETE FROM story_state; DELETE FROM story_clusters;")
            .map_err(|e| Failed::at("clearing the saved stories")(e).into_error(&self.url))
    }

    fn story_inputs(
        &mut self,
        after: i64,
        upto: i64,
        limit: usize,
    ) -> Result<Vec<StoryInput>, StoreError> {
        let statement = self.statements.inputs.clone();
        self.inputs(&statement, &[&after, &upto, &(limit as i64)])
    }

    fn recent_story_inputs(
        &mut self,
        up_to: i64,
        limit: usize,
    ) -> Result<Vec<StoryInput>, StoreError> {
        let statement = self.statements.recent.clone();
        self.inputs(&statement, &[&up_to, &(limit as i64)])
    }
}

/// [`StateRows`] in a PostgreSQL transaction.
struct PgRows<'a, 't> {
    tx: &'a mut Transaction<'t>,
    statements: &'a Statements,
    url: &'a str,
}

impl PgRows<'_, '_> {
    fn run(
        &mut self,
        statement: &Statement,
        params: &[&(dyn postgres::types::ToSql + Sync)],
    ) -> Result<u64, StoreError> {
        self.tx
            .execute(statement, params)
            .map_err(|e| Failed::at("saving the story clusterer")(e).into_error(self.url))
    }

    /// Runs `sql` over the logged frequency changes (`LIKE $1`: the
    /// prefix has no `_` or `%` to escape).
    fn log_sql(&mut self, sql: &str) -> Result<i64, StoreError> {
        self.tx
            .query_one(sql, &[&format!("{FREQUENCY_LOG}%")])
            .map(|row| row.get::<_, Option<i64>>(0).unwrap_or(0))
            .map_err(|e| Failed::at("saving the story clusterer")(e).into_error(self.url))
    }
}

impl StateRows for PgRows<'_, '_> {
    fn put(&mut self, name: &str, value: &[u8]) -> Result<(), StoreError> {
        let statement = self.statements.put.clone();
        self.run(&statement, &[&name, &value]).map(|_| ())
    }

    fn forget(&mut self, name: &str) -> Result<(), StoreError> {
        let statement = self.statements.forget.clone();
        self.run(&statement, &[&name]).map(|_| ())
    }

    fn logged_changes(&mut self) -> Result<i64, StoreError> {
        self.log_sql("SELECT count(*) FROM story_state WHERE name LIKE $1")
    }

    fn forget_frequency_log(&mut self) -> Result<(), StoreError> {
        self.log_sql(
            "WITH gone AS (DELETE FROM story_state WHERE name LIKE $1 RETURNING 1) \
             SELECT count(*) FROM gone",
        )
        .map(|_| ())
    }

    fn put_story(&mut self, story: u32, packed: &[u8]) -> Result<(), StoreError> {
        let statement = self.statements.put_story.clone();
        self.run(&statement, &[&i64::from(story), &packed])
            .map(|_| ())
    }

    fn retire(&mut self, story: u32) -> Result<(), StoreError> {
        let statement = self.statements.retire.clone();
        self.run(&statement, &[&i64::from(story)]).map(|_| ())
    }

    fn packing(&self, error: std::io::Error) -> StoreError {
        StoreError::PackingStories {
            url: crate::pg::redacted(self.url),
            source: error,
        }
    }
}

impl crate::PgReader {
    /// [`crate::Reader::stories`]: the stories, largest first (then the
    /// most recent), titled by the same rule, dates compared bytewise as
    /// SQLite compares them.
    pub fn stories(&self, limit: usize) -> Result<Vec<crate::StorySummary>, StoreError> {
        let rows = self
            .client()
            .query(
                "SELECT story, count(*) FILTER (WHERE duplicate_of IS NULL), \
                        count(*) FILTER (WHERE duplicate_of IS NOT NULL), \
                        min(published COLLATE \"C\"), max(published COLLATE \"C\") AS last, \
                        (SELECT f.title FROM articles f \
                         WHERE f.story = a.story AND f.duplicate_of IS NULL \
                         ORDER BY f.published IS NULL, f.published COLLATE \"C\", f.id LIMIT 1) \
                 FROM articles a WHERE story IS NOT NULL \
                 GROUP BY story \
                 ORDER BY 2 DESC, last DESC NULLS LAST, story \
                 LIMIT $1",
                &[&(limit as i64)],
            )
            .map_err(|e| Failed::at("reading the stories")(e).into_error(self.url()))?;
        Ok(rows
            .iter()
            .map(|row| crate::StorySummary {
                story: row.get(0),
                articles: row.get(1),
                copies: row.get(2),
                first: row.get(3),
                last: row.get(4),
                title: row.get(5),
            })
            .collect())
    }

    /// [`crate::Reader::article_stories`]: every article with its story,
    /// in id order, streamed.
    pub fn article_stories(
        &self,
        mut each: impl FnMut(crate::ArticleStory),
    ) -> Result<(), StoreError> {
        let context = "reading the stories";
        let fail = |f: Failed| f.into_error(self.url());
        crate::pg::walk_rows(
            &mut self.client(),
            "SELECT id, doc_id, external_id, story FROM articles ORDER BY id",
            &[],
            context,
            fail,
            |row| {
                let get = |e| fail(Failed::at(context)(e));
                each(crate::ArticleStory {
                    article: row.try_get(0).map_err(get)?,
                    doc_id: row.try_get(1).map_err(get)?,
                    external_id: row.try_get(2).map_err(get)?,
                    story: row.try_get(3).map_err(get)?,
                });
                Ok(())
            },
        )
        .map(|_| ())
    }
}
