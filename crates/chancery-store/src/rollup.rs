//! Rollups: the counts the home, entity and network pages show, kept at
//! write time (schema version 7, PostgreSQL version 3) so that no page
//! counts the whole corpus per request.
//!
//! Every rollup is a sum over articles, and articles are only ever added
//! (an article whose id is stored is a duplicate and not written again; a
//! near-duplicate is one from its first write), so a batch adds what its
//! own articles contribute, in the batch's transaction: one upsert per
//! table, `INSERT … SELECT … GROUP BY … ON CONFLICT DO UPDATE SET n = n +
//! excluded.n`, computed by SQL from the rows the batch just wrote. The
//! same statements over every article build the rollups of an upgraded
//! store, and, without the insert, recount them for `chancery verify`
//! (`mismatches`), so the three cannot disagree on what is counted.
//!
//! What is kept (canonical: not a near-duplicate):
//! - `rollup_totals`: `articles`, `near_duplicates`, `stubs`, `canonical`,
//!   `listed` (canonical and not a stub), canonical `quotes` and `events`;
//! - `rollup_entities`: per name, its rows (near-duplicates' too), the
//!   canonical articles that name it, their mentions, and `best`, the
//!   entity row its kind and codes are read from (`mentions * 2^40 - id`,
//!   as `query::ENTITY_BEST` unpacks it);
//! - `rollup_actors`: per actor code, canonical events with it as source
//!   and as target;
//! - `rollup_edges`: per (source, target) of different known codes, the
//!   canonical events and their Goldstein sum in units of 2^-27 (exact for
//!   every value the CAMEO scale has, so the mean equals SQL's `avg`);
//! - `rollup_roots`: per CAMEO root and QuadClass, canonical events;
//! - `rollup_days`: per event day (the event's date, else its article's
//!   publication date, `''` for neither), canonical events;
//! - `rollup_stories`: per story, its canonical articles and copies, their
//!   first and last publication dates and canonical events. Articles move
//!   between stories, so this one is not a sum kept by adding alone:
//!   whenever story ids are saved, the rows of every story an article left
//!   are counted again from its articles (`restory`), and the other stories
//!   articles joined gain what those bring (`story_additions`).
//!
//! Version 8 (PostgreSQL 4) keys the events of one entity or one country
//! pair, so that the entity and dyad pages read what they show, not every
//! event they count. A key is `e:` and an entity name (the events whose
//! source or target entity has that name) or `d:` and the first three
//! letters of a source and a target code, `d:USA>IRN` (the events of one
//! direction; a dyad page reads both). Per key, canonical events only:
//! - `event_postings`: one row per (key, date, event), `date` the event's
//!   or else its article's (`''` for neither), so that the latest events
//!   of a key are an index range read newest first (`n` is always 1: a
//!   posting is a count like the others, so it is written, built and
//!   recounted by the same statements);
//! - `rollup_event_days`: per key, day (the date's first ten characters),
//!   QuadClass and Goldstein value (in 2^-27 units), events: a chart and
//!   its outliers without the events;
//! - `rollup_event_roots`: per key, CAMEO root and QuadClass, events: the
//!   event mix and the totals.
//!
//! And the canonical articles of one name, for the entity page's lists,
//! newest (or earliest) first through the key:
//! - `name_postings`: per key, date (publication, `''` for none) and
//!   article, `n`: under `l:` and a name, the listed articles (not stubs)
//!   that name it (`n` = 1); under `q:`, those where a speaker of that
//!   name is quoted (`n` = its quotes there); under `r:`, those where the
//!   name has titles (`n` = 1: an article there has at least one);
//! - `rollup_name_totals`: per key, the sum of `n` (listed articles,
//!   quotes, articles with titles).
//!
//! And for the entity page, over canonical rows:
//! - `rollup_entity_values`: per name, `kind` (`alias`: its other names,
//!   `code`: its actor codes) and value, the rows that give it.
//!
//! And for search facets, over all articles (near-duplicates too):
//! - `rollup_entity_kinds`: per name and kind, entity rows;
//! - `rollup_sources`: per value of `source` or `site`, the articles
//!   that give it (an article giving one value as both counts twice).

use rusqlite::types::Value as SqlValue;

use crate::StoreError;

/// The rollup tables, `$tail` after each table: SQLite keeps them
/// `WITHOUT ROWID` (version 9), so that a table is the b-tree of its key
/// rather than a table of row ids beside an index holding every key again;
/// PostgreSQL has no such choice and keeps its version 3 tables.
macro_rules! rollup_tables {
    ($tail:literal) => {
        concat!(
            "
CREATE TABLE rollup_totals (
    name TEXT PRIMARY KEY,
    n    BIGINT NOT NULL
) ",
            $tail,
            ";
CREATE TABLE rollup_entities (
    name     TEXT PRIMARY KEY,
    all_rows BIGINT NOT NULL,
    articles BIGINT NOT NULL,
    mentions BIGINT NOT NULL,
    best     BIGINT
) ",
            $tail,
            ";
CREATE INDEX rollup_entities_mentions ON rollup_entities(mentions DESC, name);
CREATE TABLE rollup_actors (
    code      TEXT PRIMARY KEY,
    as_source BIGINT NOT NULL,
    as_target BIGINT NOT NULL
) ",
            $tail,
            ";
CREATE TABLE rollup_edges (
    source_code TEXT NOT NULL,
    target_code TEXT NOT NULL,
    events      BIGINT NOT NULL,
    goldstein   BIGINT NOT NULL,
    PRIMARY KEY (source_code, target_code)
) ",
            $tail,
            ";
CREATE TABLE rollup_roots (
    root       TEXT NOT NULL,
    quad_class BIGINT NOT NULL,
    events     BIGINT NOT NULL,
    PRIMARY KEY (root, quad_class)
) ",
            $tail,
            ";
CREATE TABLE rollup_days (
    day    TEXT PRIMARY KEY,
    events BIGINT NOT NULL
) ",
            $tail,
            ";
CREATE TABLE rollup_stories (
    story     BIGINT PRIMARY KEY,
    canonical BIGINT NOT NULL,
    copies    BIGINT NOT NULL,
    first_published TEXT,
    last_published  TEXT,
    events    BIGINT NOT NULL
) ",
            $tail,
            ";
CREATE INDEX rollup_stories_latest ON rollup_stories(last_published, story);
"
        )
    };
}

/// The rollup tables in PostgreSQL (its version 3).
pub(crate) const ROLLUP_TABLES: &str = rollup_tables!("");

/// The rollup tables in a data directory (version 9: `WITHOUT ROWID`).
pub(crate) const ROLLUP_TABLES_SQLITE: &str = rollup_tables!("WITHOUT ROWID");

/// The keyed event rollups (version 8), `$tail` after each table (SQLite
/// keeps them `WITHOUT ROWID`: the postings since version 8, the others
/// since version 9).
macro_rules! keyed_tables {
    ($tail:literal) => {
        concat!(
            "
CREATE TABLE event_postings (
    key   TEXT NOT NULL,
    date  TEXT NOT NULL,
    event BIGINT NOT NULL,
    n     BIGINT NOT NULL,
    PRIMARY KEY (key, date, event)
) ",
            $tail,
            ";
CREATE TABLE rollup_event_days (
    key        TEXT NOT NULL,
    day        TEXT NOT NULL,
    quad_class BIGINT NOT NULL,
    goldstein  BIGINT NOT NULL,
    events     BIGINT NOT NULL,
    PRIMARY KEY (key, day, quad_class, goldstein)
) ",
            $tail,
            ";
CREATE TABLE rollup_event_roots (
    key        TEXT NOT NULL,
    root       TEXT NOT NULL,
    quad_class BIGINT NOT NULL,
    events     BIGINT NOT NULL,
    PRIMARY KEY (key, root, quad_class)
) ",
            $tail,
            ";
CREATE TABLE name_postings (
    key     TEXT NOT NULL,
    date    TEXT NOT NULL,
    article BIGINT NOT NULL,
    n       BIGINT NOT NULL,
    PRIMARY KEY (key, date, article)
) ",
            $tail,
            ";
CREATE TABLE rollup_name_totals (
    key TEXT PRIMARY KEY,
    n   BIGINT NOT NULL
) ",
            $tail,
            ";
CREATE TABLE rollup_entity_kinds (
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    n    BIGINT NOT NULL,
    PRIMARY KEY (name, kind)
) ",
            $tail,
            ";
CREATE TABLE rollup_entity_values (
    name  TEXT NOT NULL,
    kind  TEXT NOT NULL,
    value TEXT NOT NULL,
    n     BIGINT NOT NULL,
    PRIMARY KEY (name, kind, value)
) ",
            $tail,
            ";
CREATE TABLE rollup_sources (
    name TEXT PRIMARY KEY,
    n    BIGINT NOT NULL
) ",
            $tail,
            ";
"
        )
    };
}

/// The keyed event rollups in PostgreSQL (its version 4).
pub(crate) const KEYED_TABLES: &str = keyed_tables!("");

/// The keyed event rollups in a data directory (version 9).
pub(crate) const KEYED_TABLES_SQLITE: &str = keyed_tables!("WITHOUT ROWID");

/// The rollup tables, for an upgrade that builds them afresh.
pub(crate) const TABLES: [&str; 15] = [
    "rollup_totals",
    "rollup_entities",
    "rollup_actors",
    "rollup_edges",
    "rollup_roots",
    "rollup_days",
    "rollup_stories",
    "event_postings",
    "rollup_event_days",
    "rollup_event_roots",
    "name_postings",
    "rollup_name_totals",
    "rollup_entity_kinds",
    "rollup_entity_values",
    "rollup_sources",
];

/// The rows of `rollup_stories` for the stories that satisfy `{stories}`,
/// counted from their articles.
const STORY_ROWS: &str = "SELECT a.story, count(*) FILTER (WHERE a.duplicate_of IS NULL), \
     count(*) FILTER (WHERE a.duplicate_of IS NOT NULL), min(a.published), max(a.published), \
     (SELECT count(*) FROM events ev JOIN articles b ON b.id = ev.article \
      WHERE b.story = a.story AND b.duplicate_of IS NULL) \
     FROM articles a WHERE a.story {stories} GROUP BY a.story";

/// The statements that count the stories satisfying `stories` again:
/// their rows deleted, then those of the stories that still have articles
/// inserted.
pub(crate) fn restory(stories: &str) -> [String; 2] {
    [
        format!("DELETE FROM rollup_stories WHERE story {stories}"),
        format!(
            "INSERT INTO rollup_stories (story, canonical, copies, first_published, \
             last_published, events) {}",
            STORY_ROWS.replace("{stories}", stories)
        ),
    ]
}

/// The upsert that adds to `rollup_stories` what the articles satisfying
/// `articles` and their near-duplicates contribute to their (new) stories,
/// those of the stories that do not satisfy `recounted`. A story update
/// counts again only the stories its articles leave ([`stories_of`], taken
/// before it; `recounted`), where an article that goes is taken off: a
/// story none of whose articles left it only gains, and its row gains what
/// the articles that joined it bring, so that saving the stories of new
/// articles costs what they are, not what their stories hold (a recount
/// reads every article of a story and its events, at every batch a story
/// grows by). `{min}` is the engine's scalar minimum.
pub(crate) fn story_additions(articles: &str, recounted: &str, engine: Engine) -> String {
    let (min, max) = match engine {
        Engine::Sqlite => ("min", "max"),
        Engine::Postgres => ("least", "greatest"),
    };
    // A date of either side when the other has none (SQLite's `min` of a
    // null is null).
    let date = |f: &str, column: &str| {
        format!(
            "{column} = {f}(coalesce(rollup_stories.{column}, excluded.{column}), \
             coalesce(excluded.{column}, rollup_stories.{column}))"
        )
    };
    format!(
        "INSERT INTO rollup_stories (story, canonical, copies, first_published, \
         last_published, events) \
         SELECT a.story, count(*) FILTER (WHERE a.duplicate_of IS NULL), \
         count(*) FILTER (WHERE a.duplicate_of IS NOT NULL), min(a.published), \
         max(a.published), coalesce(sum(CASE WHEN a.duplicate_of IS NULL THEN \
         (SELECT count(*) FROM events ev WHERE ev.article = a.id) ELSE 0 END), 0) \
         FROM articles a WHERE (a.id {articles} OR a.duplicate_of {articles}) \
         AND a.story IS NOT NULL AND NOT (a.story {recounted}) GROUP BY a.story \
         ORDER BY a.story \
         ON CONFLICT (story) DO UPDATE SET \
         canonical = rollup_stories.canonical + excluded.canonical, \
         copies = rollup_stories.copies + excluded.copies, {first}, {last}, \
         events = rollup_stories.events + excluded.events",
        first = date(min, "first_published"),
        last = date(max, "last_published"),
    )
}

/// The stories of the articles satisfying `{articles}` and of their
/// near-duplicates: those a story update moves articles out of.
pub(crate) fn stories_of(articles: &str) -> String {
    format!(
        "SELECT DISTINCT story FROM articles WHERE (id {articles} OR duplicate_of {articles}) \
         AND story IS NOT NULL"
    )
}

/// Brings `rollup_stories` up to date in `tx` after the story ids of the
/// articles `articles` (and their near-duplicates) were saved: the stories
/// `left`, those they were in before, counted again, and what the articles
/// bring added to the other stories they are in now ([`story_additions`]).
pub(crate) fn restory_sqlite(
    tx: &rusqlite::Transaction<'_>,
    articles: &[i64],
    left: &[i64],
) -> rusqlite::Result<()> {
    let json = |ids: &[i64]| serde_json::to_string(ids).unwrap_or_else(|_| "[]".into());
    let (articles, left) = (json(articles), json(left));
    for sql in restory("IN (SELECT value FROM json_each(?1))") {
        tx.prepare_cached(&sql)?.execute([&left])?;
    }
    tx.prepare_cached(&story_additions(
        "IN (SELECT value FROM json_each(?1))",
        "IN (SELECT value FROM json_each(?2))",
        Engine::Sqlite,
    ))?
    .execute([&articles, &left])?;
    Ok(())
}

/// One Goldstein point in the units `rollup_edges.goldstein` sums (2^27).
pub(crate) const GOLDSTEIN_UNIT: f64 = 134_217_728.0;

/// Which engine a statement is for: the scalar maximum is `max(a, b)` in
/// SQLite and `greatest(a, b)` in PostgreSQL, the only difference here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Engine {
    Sqlite,
    Postgres,
}

/// One rollup: its table, its key and counted columns, what the batch's
/// rows add (a `SELECT` over the articles whose id satisfies `{ids}`, one
/// row per key, no row with nothing to add), and how a new sum is made.
struct Rollup {
    table: &'static str,
    keys: &'static str,
    columns: &'static str,
    select: &'static str,
    /// The `SET` list of the upsert, `{max}` the engine's scalar maximum.
    update: &'static str,
}

const CANONICAL_EVENTS: &str = "FROM events ev JOIN articles a ON a.id = ev.article \
     WHERE ev.article {ids} AND a.duplicate_of IS NULL";

const ROLLUPS: &[Rollup] = &[
    Rollup {
        table: "rollup_totals",
        keys: "name",
        columns: "n",
        select: "SELECT name, n FROM ( \
             SELECT 'articles' AS name, count(*) AS n FROM articles a WHERE a.id {ids} \
             UNION ALL SELECT 'near_duplicates', count(*) FROM articles a \
             WHERE a.id {ids} AND a.duplicate_of IS NOT NULL \
             UNION ALL SELECT 'stubs', count(*) FROM articles a WHERE a.id {ids} AND a.is_stub \
             UNION ALL SELECT 'canonical', count(*) FROM articles a \
             WHERE a.id {ids} AND a.duplicate_of IS NULL \
             UNION ALL SELECT 'listed', count(*) FROM articles a \
             WHERE a.id {ids} AND a.duplicate_of IS NULL AND NOT a.is_stub \
             UNION ALL SELECT 'quotes', count(*) FROM quotes q JOIN articles a ON a.id = q.article \
             WHERE q.article {ids} AND a.duplicate_of IS NULL \
             UNION ALL SELECT 'events', count(*) {events}) t WHERE n > 0",
        update: "n = rollup_totals.n + excluded.n",
    },
    Rollup {
        table: "rollup_entities",
        keys: "name",
        columns: "all_rows, articles, mentions, best",
        select: "SELECT e.name, count(*), \
             count(DISTINCT CASE WHEN a.duplicate_of IS NULL THEN e.article END), \
             CAST(coalesce(sum(CASE WHEN a.duplicate_of IS NULL THEN e.mentions END), 0) AS BIGINT), \
             max(CASE WHEN a.duplicate_of IS NULL THEN e.mentions * 1099511627776 - e.id END) \
             FROM entities e JOIN articles a ON a.id = e.article WHERE e.article {ids} \
             GROUP BY e.name",
        update: "all_rows = rollup_entities.all_rows + excluded.all_rows, \
             articles = rollup_entities.articles + excluded.articles, \
             mentions = rollup_entities.mentions + excluded.mentions, \
             best = {max}(coalesce(rollup_entities.best, excluded.best), \
             coalesce(excluded.best, rollup_entities.best))",
    },
    Rollup {
        table: "rollup_actors",
        keys: "code",
        columns: "as_source, as_target",
        select: "SELECT code, CAST(sum(s) AS BIGINT), CAST(sum(t) AS BIGINT) FROM ( \
             SELECT ev.source_code AS code, 1 AS s, 0 AS t {events} AND ev.source_code IS NOT NULL \
             UNION ALL SELECT ev.target_code, 0, 1 {events} AND ev.target_code IS NOT NULL) sides \
             GROUP BY code",
        update: "as_source = rollup_actors.as_source + excluded.as_source, \
             as_target = rollup_actors.as_target + excluded.as_target",
    },
    Rollup {
        table: "rollup_edges",
        keys: "source_code, target_code",
        columns: "events, goldstein",
        select: "SELECT ev.source_code, ev.target_code, count(*), \
             CAST(sum(CAST(round(ev.goldstein * 134217728) AS BIGINT)) AS BIGINT) {events} \
             AND ev.source_code IS NOT NULL AND ev.target_code IS NOT NULL \
             AND ev.source_code != ev.target_code GROUP BY ev.source_code, ev.target_code",
        update: "events = rollup_edges.events + excluded.events, \
             goldstein = rollup_edges.goldstein + excluded.goldstein",
    },
    Rollup {
        table: "rollup_roots",
        keys: "root, quad_class",
        columns: "events",
        select: "SELECT ev.root, ev.quad_class, count(*) {events} GROUP BY ev.root, ev.quad_class",
        update: "events = rollup_roots.events + excluded.events",
    },
    Rollup {
        table: "rollup_days",
        keys: "day",
        columns: "events",
        select: "SELECT coalesce(ev.date, a.published, ''), count(*) {events} \
             GROUP BY coalesce(ev.date, a.published, '')",
        update: "events = rollup_days.events + excluded.events",
    },
];

/// The canonical events of the articles `{ids}` under each of their keys:
/// key, event, date (`''` for none), root, QuadClass and Goldstein units.
/// `UNION` keeps an event once per key (a source and target of one name).
const KEYED_EVENTS: &str = "SELECT 'e:' || se.name AS key, ev.id AS event, \
     coalesce(ev.date, a.published, '') AS date, ev.root AS root, ev.quad_class AS quad_class, \
     CAST(round(ev.goldstein * 134217728) AS BIGINT) AS goldstein \
     FROM events ev JOIN articles a ON a.id = ev.article JOIN entities se ON se.id = ev.source_entity \
     WHERE ev.article {ids} AND a.duplicate_of IS NULL \
     UNION SELECT 'e:' || te.name, ev.id, coalesce(ev.date, a.published, ''), ev.root, \
     ev.quad_class, CAST(round(ev.goldstein * 134217728) AS BIGINT) \
     FROM events ev JOIN articles a ON a.id = ev.article JOIN entities te ON te.id = ev.target_entity \
     WHERE ev.article {ids} AND a.duplicate_of IS NULL \
     UNION SELECT 'd:' || substr(ev.source_code, 1, 3) || '>' || substr(ev.target_code, 1, 3), \
     ev.id, coalesce(ev.date, a.published, ''), ev.root, ev.quad_class, \
     CAST(round(ev.goldstein * 134217728) AS BIGINT) {events} \
     AND ev.source_code IS NOT NULL AND ev.target_code IS NOT NULL";

/// The postings of the articles `{ids}` under the names in them (see the
/// module's docs): key, date, article, `n`.
const NAMED_ARTICLES: &str = "SELECT key, date, article, \
     CASE WHEN substr(key, 1, 2) = 'q:' THEN CAST(sum(n) AS BIGINT) ELSE 1 END AS n FROM ( \
     SELECT 'l:' || e.name AS key, coalesce(a.published, '') AS date, e.article AS article, \
     1 AS n FROM entities e JOIN articles a ON a.id = e.article \
     WHERE e.article {ids} AND a.duplicate_of IS NULL AND NOT a.is_stub \
     UNION ALL SELECT 'r:' || e.name, coalesce(a.published, ''), e.article, 1 \
     FROM entities e JOIN articles a ON a.id = e.article \
     WHERE e.article {ids} AND a.duplicate_of IS NULL AND e.roles != '[]' \
     UNION ALL SELECT 'q:' || sp.name, coalesce(a.published, ''), q.article, 1 \
     FROM quotes q JOIN articles a ON a.id = q.article JOIN entities sp ON sp.id = q.speaker \
     WHERE q.article {ids} AND a.duplicate_of IS NULL) named GROUP BY key, date, article";

/// The keyed event rollups (version 8, PostgreSQL 4).
const KEYED_ROLLUPS: &[Rollup] = &[
    Rollup {
        table: "event_postings",
        keys: "key, date, event",
        columns: "n",
        select: "SELECT key, date, event, count(*) FROM ({keyed}) k GROUP BY key, date, event",
        update: "n = event_postings.n + excluded.n",
    },
    Rollup {
        table: "rollup_event_days",
        keys: "key, day, quad_class, goldstein",
        columns: "events",
        select:
            "SELECT key, substr(date, 1, 10), quad_class, goldstein, count(*) FROM ({keyed}) k \
             GROUP BY key, substr(date, 1, 10), quad_class, goldstein",
        update: "events = rollup_event_days.events + excluded.events",
    },
    Rollup {
        table: "rollup_event_roots",
        keys: "key, root, quad_class",
        columns: "events",
        select: "SELECT key, root, quad_class, count(*) FROM ({keyed}) k \
             GROUP BY key, root, quad_class",
        update: "events = rollup_event_roots.events + excluded.events",
    },
    Rollup {
        table: "name_postings",
        keys: "key, date, article",
        columns: "n",
        select: "{named}",
        update: "n = name_postings.n + excluded.n",
    },
    Rollup {
        table: "rollup_name_totals",
        keys: "key",
        columns: "n",
        select: "SELECT key, CAST(sum(n) AS BIGINT) FROM ({named}) p GROUP BY key",
        update: "n = rollup_name_totals.n + excluded.n",
    },
    Rollup {
        table: "rollup_entity_kinds",
        keys: "name, kind",
        columns: "n",
        select: "SELECT e.name, e.kind, count(*) FROM entities e WHERE e.article {ids} \
             GROUP BY e.name, e.kind",
        update: "n = rollup_entity_kinds.n + excluded.n",
    },
    Rollup {
        table: "rollup_entity_values",
        keys: "name, kind, value",
        columns: "n",
        select: "SELECT e.name, 'alias', alias.value, count(*) \
             FROM entities e JOIN articles a ON a.id = e.article, json_each(e.aliases) alias \
             WHERE e.article {ids} AND a.duplicate_of IS NULL AND alias.value != e.name \
             GROUP BY e.name, alias.value \
             UNION ALL SELECT e.name, 'code', e.actor_code, count(*) \
             FROM entities e JOIN articles a ON a.id = e.article \
             WHERE e.article {ids} AND a.duplicate_of IS NULL AND e.actor_code IS NOT NULL \
             GROUP BY e.name, e.actor_code",
        update: "n = rollup_entity_values.n + excluded.n",
    },
    Rollup {
        table: "rollup_sources",
        keys: "name",
        columns: "n",
        select: "SELECT name, count(*) FROM (SELECT a.source AS name FROM articles a \
             WHERE a.id {ids} AND a.source IS NOT NULL UNION ALL SELECT a.site FROM articles a \
             WHERE a.id {ids} AND a.site IS NOT NULL) s GROUP BY name",
        update: "n = rollup_sources.n + excluded.n",
    },
];

impl Rollup {
    /// What the articles whose id satisfies `ids` contribute, one row per
    /// key, in key order.
    fn contribution(&self, ids: &str) -> String {
        let events = CANONICAL_EVENTS.replace("{ids}", ids);
        let select = self
            .select
            .replace("{keyed}", KEYED_EVENTS)
            .replace("{named}", NAMED_ARTICLES)
            .replace("{events}", &events)
            .replace("{ids}", ids);
        format!(
            "SELECT * FROM ({select}) c ORDER BY {}",
            self.key_positions()
        )
    }

    /// `1, 2` for a two-column key: `ORDER BY` by position reads the same
    /// whatever the derived table names its columns.
    fn key_positions(&self) -> String {
        let count = self.keys.split(',').count();
        (1..=count)
            .map(|i| i.to_string())
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The upsert adding what the articles whose id satisfies `ids`
    /// contribute. Rows are taken in key order, so concurrent PostgreSQL
    /// writers lock shared rows in one order and cannot deadlock on them.
    fn upsert(&self, ids: &str, engine: Engine) -> String {
        let max = match engine {
            Engine::Sqlite => "max",
            Engine::Postgres => "greatest",
        };
        // `WHERE true`: SQLite would read `ON CONFLICT` after a bare
        // `SELECT … FROM …` as a join constraint.
        let contribution = self.contribution(ids);
        // The aliases as rows: PostgreSQL's JSON functions for SQLite's
        // (readers have `read::to_postgres` turn it for them).
        let select = match engine {
            Engine::Sqlite => contribution,
            Engine::Postgres => contribution.replace(
                "json_each(e.aliases) alias",
                "json_array_elements_text(e.aliases::json) AS alias(value)",
            ),
        };
        format!(
            "INSERT INTO {table} ({keys}, {columns}) SELECT * FROM ({select}) r WHERE true \
             ON CONFLICT ({keys}) DO UPDATE SET {update}",
            table = self.table,
            keys = self.keys,
            columns = self.columns,
            update = self.update.replace("{max}", max),
        )
    }
}

/// The upserts that add a batch's articles to every rollup, `ids` the
/// condition on an article id that picks them (`IN (…)`, `= ANY($1)`, or
/// `IS NOT NULL` for every article).
pub(crate) fn upserts(ids: &str, engine: Engine) -> Vec<String> {
    let mut all = first_upserts(ids, engine);
    all.extend(keyed_upserts(ids, engine));
    all
}

/// [`upserts`] of the rollups of version 7 (PostgreSQL 3) alone, which
/// that version's migration counts.
pub(crate) fn first_upserts(ids: &str, engine: Engine) -> Vec<String> {
    ROLLUPS.iter().map(|r| r.upsert(ids, engine)).collect()
}

/// [`upserts`] of the keyed event rollups alone (version 8, PostgreSQL 4).
pub(crate) fn keyed_upserts(ids: &str, engine: Engine) -> Vec<String> {
    KEYED_ROLLUPS
        .iter()
        .map(|r| r.upsert(ids, engine))
        .collect()
}

/// Adds the articles `ids` (just written in `tx`) to the rollups.
pub(crate) fn add_sqlite(tx: &rusqlite::Transaction<'_>, ids: &[i64]) -> rusqlite::Result<()> {
    let (Some(first), Some(last)) = (ids.iter().min(), ids.iter().max()) else {
        return Ok(());
    };
    // The one writer takes ids in order: a batch's articles are the ids
    // between its first and last, and no other writer adds rows between.
    for sql in upserts("BETWEEN ?1 AND ?2", Engine::Sqlite) {
        tx.prepare_cached(&sql)?
            .execute(rusqlite::params![first, last])?;
    }
    Ok(())
}

/// Builds the rollups of a store written before they existed, from all
/// its articles (the upgrade to version 7 or 8).
pub(crate) fn build_sqlite(tx: &rusqlite::Transaction<'_>) -> rusqlite::Result<()> {
    // Counted afresh whatever an older build left (none had these tables).
    for table in TABLES {
        tx.execute_batch(&format!("DROP TABLE IF EXISTS {table}"))?;
    }
    tx.execute_batch(ROLLUP_TABLES_SQLITE)?;
    tx.execute_batch(KEYED_TABLES_SQLITE)?;
    for sql in upserts("IS NOT NULL", Engine::Sqlite)
        .into_iter()
        .chain(restory("IS NOT NULL"))
    {
        tx.execute_batch(&sql)?;
    }
    Ok(())
}

/// The rollup tables whose rows differ from a recount over the base
/// tables (empty when every rollup is exact); `count` runs a statement
/// that returns counts, on whichever engine.
pub(crate) fn mismatches(
    mut count: impl FnMut(&str) -> Result<Vec<i64>, StoreError>,
) -> Result<Vec<String>, StoreError> {
    let mut checks: Vec<(&str, String, String)> = ROLLUPS
        .iter()
        .chain(KEYED_ROLLUPS)
        .map(|rollup| {
            (
                rollup.table,
                rollup.contribution("IS NOT NULL"),
                format!(
                    "SELECT {}, {} FROM {}",
                    rollup.keys, rollup.columns, rollup.table
                ),
            )
        })
        .collect();
    checks.push((
        "rollup_stories",
        STORY_ROWS.replace("{stories}", "IS NOT NULL"),
        "SELECT story, canonical, copies, first_published, last_published, events \
         FROM rollup_stories"
            .to_string(),
    ));
    let mut differ = Vec::new();
    for (table, recount, kept) in checks {
        // Rows either side has and the other lacks.
        let sql = format!(
            "SELECT count(*) FROM (SELECT * FROM ({recount}) x EXCEPT SELECT * FROM ({kept}) y) d1 \
             UNION ALL SELECT count(*) FROM (SELECT * FROM ({kept}) z EXCEPT \
             SELECT * FROM ({recount}) w) d2"
        );
        if count(&sql)?.iter().any(|&n| n != 0) {
            differ.push(table.to_string());
        }
    }
    Ok(differ)
}

/// [`mismatches`] in a data directory's database.
pub(crate) fn sqlite_mismatches(
    conn: &rusqlite::Connection,
    path: &std::path::Path,
) -> Result<Vec<String>, StoreError> {
    mismatches(|sql| {
        conn.prepare(sql)
            .and_then(|mut s| s.query_map([], |row| row.get(0))?.collect())
            .map_err(StoreError::sqlite(path, "recounting the rollups"))
    })
}

/// The value of a `rollup_totals` row (0 when absent).
pub(crate) fn total(conn: &crate::read::ReadConn, name: &str) -> Result<u64, StoreError> {
    let rows: Vec<i64> = conn.rows(
        "SELECT n FROM rollup_totals WHERE name = ?1",
        &[SqlValue::Text(name.to_string())],
        "reading the corpus totals",
        |row| row.get(0),
    )?;
    Ok(rows.first().map_or(0, |&n| n.max(0) as u64))
}
