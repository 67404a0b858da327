//! The tables of a store and the check that a database file is one this build
//! can read.
//!
//! Documented column by column in the crate docs; readers (search, export, the
//! server) query these tables with plain SQL.

use std::path::Path;

use rusqlite::Connection;

use crate::StoreError;

/// The version of the tables below, kept in `PRAGMA user_version`. Bump it
/// whenever a table or a column's meaning changes.
pub const SCHEMA_VERSION: i64 = 4;

/// Marks the file as a chancery store (`PRAGMA application_id`, "chnc").
const APPLICATION_ID: i64 = 0x6368_6e63;

const TABLES: &str = r#"
CREATE TABLE articles (
    id            INTEGER PRIMARY KEY,
    doc_id        TEXT NOT NULL UNIQUE,
    external_id   TEXT UNIQUE,
    url           TEXT,
    canonical_url TEXT,
    content_hash  INTEGER NOT NULL,
    simhash       INTEGER NOT NULL,
    minhash       BLOB,
    title         TEXT,
    published     TEXT,
    published_precision TEXT,
    source        TEXT,
    site          TEXT,
    language      TEXT,
    text          TEXT NOT NULL,
    analysis      TEXT NOT NULL,
    duplicate_of  INTEGER REFERENCES articles(id),
    similarity    REAL,
    story         INTEGER,
    is_stub       INTEGER NOT NULL,
    flags         TEXT NOT NULL,
    ingested_at   TEXT NOT NULL
);
CREATE INDEX articles_content_hash ON articles(content_hash);
CREATE INDEX articles_published ON articles(published);
CREATE INDEX articles_duplicate_of ON articles(duplicate_of) WHERE duplicate_of IS NOT NULL;
CREATE INDEX articles_story ON articles(story) WHERE story IS NOT NULL;

CREATE TABLE lsh_buckets (
    key     INTEGER NOT NULL,
    article INTEGER NOT NULL REFERENCES articles(id),
    PRIMARY KEY (key, article)
) WITHOUT ROWID;

CREATE TABLE entities (
    id         INTEGER PRIMARY KEY,
    article    INTEGER NOT NULL REFERENCES articles(id),
    local_id   TEXT NOT NULL,
    name       TEXT NOT NULL,
    kind       TEXT NOT NULL,
    country    TEXT,
    actor_code TEXT,
    aliases    TEXT NOT NULL,
    roles      TEXT NOT NULL,
    mentions   INTEGER NOT NULL
);
CREATE INDEX entities_article ON entities(article);
CREATE INDEX entities_name ON entities(name);
CREATE INDEX entities_actor_code ON entities(actor_code);

CREATE TABLE quotes (
    id             INTEGER PRIMARY KEY,
    article        INTEGER NOT NULL REFERENCES articles(id),
    kind           TEXT NOT NULL,
    start          INTEGER NOT NULL,
    end            INTEGER NOT NULL,
    text           TEXT,
    speaker        INTEGER REFERENCES entities(id),
    speaker_text   TEXT,
    cue            TEXT,
    confidence     REAL NOT NULL
);
CREATE INDEX quotes_article ON quotes(article);
CREATE INDEX quotes_speaker ON quotes(speaker);

CREATE TABLE events (
    id             INTEGER PRIMARY KEY,
    article        INTEGER NOT NULL REFERENCES articles(id),
    code           TEXT NOT NULL,
    root           TEXT NOT NULL,
    quad_class     INTEGER NOT NULL,
    goldstein      REAL NOT NULL,
    plover_type    TEXT,
    plover_mode    TEXT,
    source_code    TEXT,
    source_entity  INTEGER REFERENCES entities(id),
    target_code    TEXT,
    target_entity  INTEGER REFERENCES entities(id),
    modality       TEXT NOT NULL,
    date           TEXT,
    date_precision TEXT,
    location       TEXT,
    field          TEXT NOT NULL,
    trigger_start  INTEGER NOT NULL,
    trigger_end    INTEGER NOT NULL,
    evidence_start INTEGER NOT NULL,
    evidence_end   INTEGER NOT NULL,
    evidence       TEXT,
    mentions       INTEGER NOT NULL,
    confidence     REAL NOT NULL,
    -- Version 4, last so that an upgraded store has the same columns in
    -- the same order (ALTER TABLE appends them).
    location_place TEXT,
    location_geonames_id INTEGER,
    location_name  TEXT,
    location_lat   REAL,
    location_lon   REAL,
    location_country TEXT,
    location_basis TEXT
);
CREATE INDEX events_article ON events(article);
CREATE INDEX events_code ON events(code);
CREATE INDEX events_root ON events(root);
CREATE INDEX events_date ON events(date);

CREATE VIEW canonical_articles AS
    SELECT * FROM articles WHERE duplicate_of IS NULL;
CREATE VIEW canonical_entities AS
    SELECT entities.* FROM entities JOIN articles ON articles.id = entities.article
    WHERE articles.duplicate_of IS NULL;
CREATE VIEW canonical_quotes AS
    SELECT quotes.* FROM quotes JOIN articles ON articles.id = quotes.article
    WHERE articles.duplicate_of IS NULL;
CREATE VIEW canonical_events AS
    SELECT events.* FROM events JOIN articles ON articles.id = events.article
    WHERE articles.duplicate_of IS NULL;
"#;

/// The state of `chancery watch` (version 3): one row per followed feed or
/// sitemap, and the fetch queue of article URLs (canonical, each once).
/// Times are Unix seconds; `state` is 0 pending, 1 done, 2 failed for now
/// (tried again at `next_try`), 3 failed for good.
pub(crate) const WATCH_TABLES: &str = "
CREATE TABLE watch_feeds (
    url           TEXT PRIMARY KEY,
    kind          TEXT NOT NULL,
    etag          TEXT,
    last_modified TEXT,
    last_poll     INTEGER,
    next_poll     INTEGER NOT NULL,
    interval_secs INTEGER NOT NULL,
    error_streak  INTEGER NOT NULL,
    last_error    TEXT,
    new_items     INTEGER NOT NULL,
    total_items   INTEGER NOT NULL,
    polls         INTEGER NOT NULL,
    errors        INTEGER NOT NULL
);
CREATE TABLE watch_queue (
    id            INTEGER PRIMARY KEY,
    url           TEXT NOT NULL UNIQUE,
    source        TEXT,
    updated       TEXT,
    state         INTEGER NOT NULL,
    attempts      INTEGER NOT NULL,
    next_try      INTEGER NOT NULL,
    etag          TEXT,
    last_modified TEXT,
    last_error    TEXT,
    queued_at     INTEGER NOT NULL,
    done_at       INTEGER
);
CREATE INDEX watch_queue_due ON watch_queue(state, next_try);
";

/// Creates the tables in an empty database, or checks that an existing one is
/// a store of this version.
pub(crate) fn prepare(conn: &mut Connection, path: &Path) -> Result<(), StoreError> {
    prepare_tables(conn, path)?;
    // Content checksums (`chancery verify`): a table beside the articles,
    // so stores of this version written before it gain it on their next
    // write, and readers of either kind read both.
    conn.execute_batch(crate::verify::CHECKSUMS_TABLE)
        .map_err(StoreError::sqlite(path, "creating the checksum table"))?;
    // The unfinished ingest run (`Store::begin_run`), the same way.
    conn.execute_batch(crate::run::RUNS_TABLE)
        .map_err(StoreError::sqlite(path, "creating the ingest run table"))?;
    // The saved story clusterer, the same way.
    conn.execute_batch(crate::stories::STORY_STATE_TABLES)
        .map_err(StoreError::sqlite(path, "creating the story state tables"))
}

fn prepare_tables(conn: &mut Connection, path: &Path) -> Result<(), StoreError> {
    let (version, application, objects) = read_identity(conn, path)?;
    if version == 0 && objects == 0 {
        let tx = conn
            .transaction()
            .map_err(StoreError::sqlite(path, "creating the tables"))?;
        tx.execute_batch(TABLES)
            .and_then(|()| tx.execute_batch(WATCH_TABLES))
            .and_then(|()| tx.execute_batch(crate::places::PLACES_TABLE))
            .and_then(|()| tx.pragma_update(None, "application_id", APPLICATION_ID))
            .and_then(|()| tx.pragma_update(None, "user_version", SCHEMA_VERSION))
            .map_err(StoreError::sqlite(path, "creating the tables"))?;
        return tx
            .commit()
            .map_err(StoreError::sqlite(path, "creating the tables"));
    }
    if application == APPLICATION_ID && (1..SCHEMA_VERSION).contains(&version) {
        // Version 2 added `articles.story`, version 3 the watch tables,
        // version 4 where events happened and the places table; an older
        // store gains what it lacks in one transaction, the located events
        // and places backfilled from its stored analyses.
        let context = "upgrading the store to version 4";
        let tx = conn
            .transaction()
            .map_err(StoreError::sqlite(path, context))?;
        let from_1 = if version == 1 { MIGRATE_1_TO_2 } else { "" };
        let from_2 = if version <= 2 { WATCH_TABLES } else { "" };
        tx.execute_batch(from_1)
            .and_then(|()| tx.execute_batch(from_2))
            .and_then(|()| add_location_columns(&tx))
            .and_then(|()| tx.execute_batch(crate::places::PLACES_TABLE))
            .map_err(StoreError::sqlite(path, context))?;
        crate::places::backfill(&tx, path)?;
        tx.pragma_update(None, "user_version", SCHEMA_VERSION)
            .map_err(StoreError::sqlite(path, context))?;
        return tx.commit().map_err(StoreError::sqlite(path, context));
    }
    check(path, version, application)
}

/// From version 1: the story column.
const MIGRATE_1_TO_2: &str = "ALTER TABLE articles ADD COLUMN story INTEGER;
CREATE INDEX articles_story ON articles(story) WHERE story IS NOT NULL;";

/// From version 3: the located columns of `events`, those it lacks (so a
/// store that has some of them is completed, not refused).
fn add_location_columns(tx: &rusqlite::Transaction<'_>) -> rusqlite::Result<()> {
    for (name, kind) in crate::places::LOCATION_COLUMNS {
        let present: bool = tx.query_row(
            "SELECT count(*) > 0 FROM pragma_table_info('events') WHERE name = ?1",
            [name],
            |row| row.get(0),
        )?;
        if !present {
            // Names and types are the fixed ones above, never input.
            tx.execute_batch(&format!("ALTER TABLE events ADD COLUMN {name} {kind};"))?;
        }
    }
    Ok(())
}

/// Checks a database opened for reading.
pub(crate) fn check_readable(conn: &Connection, path: &Path) -> Result<(), StoreError> {
    let (version, application, _) = read_identity(conn, path)?;
    check(path, version, application)
}

fn read_identity(conn: &Connection, path: &Path) -> Result<(i64, i64, i64), StoreError> {
    let read = |sql: &str| conn.query_row(sql, [], |row| row.get::<_, i64>(0));
    let version = read("PRAGMA user_version")
        .map_err(StoreError::sqlite(path, "reading the schema version"))?;
    let application = read("PRAGMA application_id")
        .map_err(StoreError::sqlite(path, "reading the schema version"))?;
    let objects = read("SELECT count(*) FROM sqlite_schema")
        .map_err(StoreError::sqlite(path, "reading the schema version"))?;
    Ok((version, application, objects))
}

fn check(path: &Path, version: i64, application: i64) -> Result<(), StoreError> {
    if application != APPLICATION_ID {
        return Err(StoreError::NotAStore {
            path: path.to_path_buf(),
        });
    }
    if version != SCHEMA_VERSION {
        let advice = if version > SCHEMA_VERSION {
            "it was written by a newer chancery: upgrade chancery to read it"
        } else if (1..SCHEMA_VERSION).contains(&version) {
            "run `chancery ingest` on it once (with no input, or new input) to upgrade it"
        } else {
            "it was written by an older chancery: ingest the corpus again into a new data \
             directory (this version has no migration from it)"
        };
        return Err(StoreError::SchemaVersion {
            path: path.to_path_buf(),
            found: version,
            expected: SCHEMA_VERSION,
            advice,
        });
    }
    Ok(())
}
