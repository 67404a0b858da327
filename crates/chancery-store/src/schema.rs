//! The tables of a store and the check that a database file is one this build
//! can read.
//!
//! Documented column by column in the crate docs; readers (search, export, the
//! server) query these tables with plain SQL.

use std::path::Path;

use rusqlite::Connection;

use crate::{Fingerprint, StoreError};

/// The version of the tables below, kept in `PRAGMA user_version`. Bump it
/// whenever a table or a column's meaning changes.
pub const SCHEMA_VERSION: i64 = 9;

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
    analysis      BLOB NOT NULL,
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

"#;

/// The same rows without near-duplicates, so that a syndicated story counts
/// once; the same SQL in both backends.
pub(crate) const CANONICAL_VIEWS: &str = "
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
";

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
            .and_then(|()| tx.execute_batch(CANONICAL_VIEWS))
            .and_then(|()| tx.execute_batch(WATCH_TABLES))
            .and_then(|()| tx.execute_batch(crate::places::PLACES_TABLE))
            .and_then(|()| tx.execute_batch(crate::rollup::ROLLUP_TABLES_SQLITE))
            .and_then(|()| tx.execute_batch(crate::rollup::KEYED_TABLES_SQLITE))
            .and_then(|()| tx.pragma_update(None, "application_id", APPLICATION_ID))
            .and_then(|()| tx.pragma_update(None, "user_version", SCHEMA_VERSION))
            .map_err(StoreError::sqlite(path, "creating the tables"))?;
        return tx
            .commit()
            .map_err(StoreError::sqlite(path, "creating the tables"));
    }
    if application == APPLICATION_ID && (1..SCHEMA_VERSION).contains(&version) {
        // Version 2 added `articles.story`, version 3 the watch tables,
        // version 4 where events happened and the places table, version 5
        // compressed analyses without their text, version 6 slimmer article
        // rows and LSH keys, version 7 the rollups, version 8 the keyed
        // event rollups, version 9 the rollup tables `WITHOUT ROWID` (all
        // rollups are counted again). An older store gains
        // what it lacks in one transaction: located events and places are
        // backfilled from its stored analyses while they are still JSON,
        // then the analyses are compressed, then the rows slimmed, then the
        // rollups counted from the rows.
        let context = "upgrading the store to version 9";
        let tx = conn
            .transaction()
            .map_err(StoreError::sqlite(path, context))?;
        let from_1 = if version == 1 { MIGRATE_1_TO_2 } else { "" };
        let from_2 = if version <= 2 { WATCH_TABLES } else { "" };
        tx.execute_batch(from_1)
            .and_then(|()| tx.execute_batch(from_2))
            .and_then(|()| {
                if version <= 3 {
                    add_location_columns(&tx)
                        .and_then(|()| tx.execute_batch(crate::places::PLACES_TABLE))
                } else {
                    Ok(())
                }
            })
            .map_err(StoreError::sqlite(path, context))?;
        if version <= 3 {
            crate::places::backfill(&tx, path)?;
        }
        let mut converted = 0;
        if version <= 4 {
            converted += compress_analyses(&tx, path)? + pack_story_state(&tx, path)?;
        }
        if version <= 5 {
            converted += slim_articles(&tx, path)?;
        }
        crate::rollup::build_sqlite(&tx).map_err(StoreError::sqlite(
            path,
            "counting the rollups (upgrade to version 9)",
        ))?;
        tx.pragma_update(None, "user_version", SCHEMA_VERSION)
            .map_err(StoreError::sqlite(path, context))?;
        tx.commit().map_err(StoreError::sqlite(path, context))?;
        // The space the JSON held, and the rollup tables rebuilt without
        // row ids (version 9), go back to the file system once.
        if converted > 0 || version <= 8 {
            compact(conn, path)?;
        }
        return Ok(());
    }
    check(path, version, application)
}

/// Rewrites the database without free pages, in pages of
/// [`crate::store::PAGE_SIZE`] when it can: SQLite changes a page size only
/// while vacuuming outside WAL mode, which another open connection (a
/// server reading the store) prevents; the store is then compacted in the
/// pages it has.
fn compact(conn: &Connection, path: &Path) -> Result<(), StoreError> {
    let context = "compacting the upgraded store";
    let page_size: i64 = conn
        .query_row("PRAGMA page_size", [], |row| row.get(0))
        .map_err(StoreError::sqlite(path, context))?;
    let resized = page_size != crate::store::PAGE_SIZE
        && conn
            .query_row("PRAGMA journal_mode = DELETE", [], |row| {
                row.get::<_, String>(0)
            })
            .is_ok_and(|mode| mode.eq_ignore_ascii_case("delete"));
    if resized {
        conn.pragma_update(None, "page_size", crate::store::PAGE_SIZE)
            .map_err(StoreError::sqlite(path, context))?;
    }
    let vacuumed = conn.execute_batch("VACUUM");
    if resized {
        crate::store::switch_to_wal(conn, path)?;
    }
    vacuumed.map_err(StoreError::sqlite(path, context))
}

/// Version 5: the saved story clusterer packed (`crate::blob::pack_state`).
/// Returns how many rows were packed.
fn pack_story_state(tx: &rusqlite::Transaction<'_>, path: &Path) -> Result<u64, StoreError> {
    let context = "upgrading the saved stories to version 5";
    tx.execute_batch(crate::stories::STORY_STATE_TABLES)
        .map_err(StoreError::sqlite(path, context))?;
    let rows: Vec<(String, i64, Vec<u8>)> = tx
        .prepare(
            "SELECT 'frequencies', 0, value FROM story_state WHERE name = 'frequencies' \
             UNION ALL SELECT 'story', story, state FROM story_clusters",
        )
        .and_then(|mut s| {
            s.query_map([], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))?
                .collect()
        })
        .map_err(StoreError::sqlite(path, context))?;
    let mut packed = 0;
    for (kind, story, bytes) in rows {
        let Ok(value) = crate::blob::pack_state(&bytes) else {
            continue;
        };
        let sql = if kind == "frequencies" {
            "UPDATE story_state SET value = ?1 WHERE name = 'frequencies' AND ?2 = 0"
        } else {
            "UPDATE story_clusters SET state = ?1 WHERE story = ?2"
        };
        tx.prepare_cached(sql)
            .and_then(|mut s| s.execute(rusqlite::params![value, story]))
            .map_err(StoreError::sqlite(path, context))?;
        packed += 1;
    }
    Ok(packed)
}

/// Version 6: the LSH keys of the first-seen articles are taken again from
/// their text at 32 bits, and `flags` keeps only the flags that are set.
/// Returns how many articles were slimmed.
fn slim_articles(tx: &rusqlite::Transaction<'_>, path: &Path) -> Result<u64, StoreError> {
    let context = "upgrading the article rows to version 6";
    tx.execute_batch("DELETE FROM lsh_buckets")
        .map_err(StoreError::sqlite(path, context))?;
    let mut slimmed = 0;
    let mut after = 0_i64;
    loop {
        type Row = (i64, String, String, bool);
        let rows: Vec<Row> = tx
            .prepare_cached(
                "SELECT id, text, flags, duplicate_of IS NULL FROM articles \
                 WHERE id > ?1 ORDER BY id LIMIT ?2",
            )
            .and_then(|mut s| {
                s.query_map(rusqlite::params![after, UPGRADE_PAGE], |row| {
                    Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?))
                })?
                .collect()
            })
            .map_err(StoreError::sqlite(path, context))?;
        let Some(last) = rows.last() else {
            return Ok(slimmed);
        };
        after = last.0;
        for (id, text, flags, first_seen) in rows {
            // Flags that cannot be read are kept as they are.
            let flags = serde_json::from_str::<chancery_model::Flags>(&flags)
                .map(|f| crate::store::flags_set(&f))
                .unwrap_or(flags);
            tx.prepare_cached("UPDATE articles SET flags = ?1 WHERE id = ?2")
                .and_then(|mut s| s.execute(rusqlite::params![flags, id]))
                .map_err(StoreError::sqlite(path, context))?;
            // Only first-seen articles are in the buckets, as on write.
            if first_seen {
                crate::store::index_buckets(tx, id, &Fingerprint::of(&text).band_keys())
                    .map_err(StoreError::sqlite(path, context))?;
            }
            slimmed += 1;
        }
    }
}

/// Articles converted per read while upgrading, so memory stays flat.
const UPGRADE_PAGE: i64 = 1_000;

/// Version 5: every analysis stored as JSON text becomes a compressed blob
/// without the article's text; a checksum that held for the old row is
/// taken again for the new one (one that did not hold is left, so `chancery
/// verify` still reports the damage). An analysis that cannot be read is
/// left as it is, and reading it says so. Returns how many were converted.
fn compress_analyses(tx: &rusqlite::Transaction<'_>, path: &Path) -> Result<u64, StoreError> {
    use chancery_model::Analysis;
    let context = "upgrading the stored analyses to version 5";
    tx.execute_batch(crate::verify::CHECKSUMS_TABLE)
        .map_err(StoreError::sqlite(path, context))?;
    let mut converted = 0;
    let mut after = 0_i64;
    loop {
        type Row = (i64, Option<String>, String, String, Option<i64>);
        let rows: Vec<Row> = tx
            .prepare_cached(
                "SELECT a.id, a.title, a.text, a.analysis, c.checksum FROM articles a \
                 LEFT JOIN content_checksums c ON c.article = a.id \
                 WHERE a.id > ?1 AND typeof(a.analysis) = 'text' ORDER BY a.id LIMIT ?2",
            )
            .and_then(|mut s| {
                s.query_map(rusqlite::params![after, UPGRADE_PAGE], |row| {
                    Ok((
                        row.get(0)?,
                        row.get(1)?,
                        row.get(2)?,
                        row.get(3)?,
                        row.get(4)?,
                    ))
                })?
                .collect()
            })
            .map_err(StoreError::sqlite(path, context))?;
        let Some(last) = rows.last() else {
            return Ok(converted);
        };
        after = last.0;
        for (id, title, text, json, checksum) in rows {
            let Ok(mut analysis) = serde_json::from_str::<Analysis>(&json) else {
                continue;
            };
            let Ok(blob) = crate::blob::json_without_text(&mut analysis)
                .map_err(|e| e.to_string())
                .and_then(|json| crate::blob::compress(&json).map_err(|e| e.to_string()))
            else {
                continue;
            };
            tx.prepare_cached("UPDATE articles SET analysis = ?1 WHERE id = ?2")
                .and_then(|mut s| s.execute(rusqlite::params![blob, id]))
                .map_err(StoreError::sqlite(path, context))?;
            let held = checksum.is_some_and(|sum| {
                sum == crate::verify::content_checksum(title.as_deref(), &text, json.as_bytes())
            });
            if held {
                crate::verify::record(tx, id, title.as_deref(), &text, &blob)
                    .map_err(StoreError::sqlite(path, context))?;
            }
            converted += 1;
        }
    }
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

#[cfg(test)]
mod tests {
    use chancery_model::{Analysis, Article};
    use rusqlite::{params, Connection};

    use crate::{Document, ExportReader, Reader, Store, DATABASE_FILE};

    fn analysis(id: &str, text: &str) -> Analysis {
        Analysis::from_article(Article {
            id: id.into(),
            title: Some(format!("Headline {id}")),
            text: text.into(),
            ..Article::default()
        })
    }

    /// A store of this version holding `texts`, and a connection to it.
    fn current_store(dir: &std::path::Path, texts: &[(&str, &str)]) -> Connection {
        let mut store = Store::open(dir).unwrap();
        let documents: Vec<Document> = texts
            .iter()
            .map(|(id, text)| Document::new(analysis(id, text)).unwrap())
            .collect();
        store.write(&documents).unwrap();
        drop(store);
        Connection::open(dir.join(DATABASE_FILE)).unwrap()
    }

    /// A store as version 3 wrote it: analyses as JSON text, text included,
    /// checksums over that JSON.
    fn version_3_store(dir: &std::path::Path, texts: &[(&str, &str)]) {
        let conn = current_store(dir, texts);
        for (id, text) in texts {
            let json = serde_json::to_string(&analysis(id, text)).unwrap();
            let title = format!("Headline {id}");
            let sum = crate::verify::content_checksum(Some(&title), text, json.as_bytes());
            conn.execute(
                "UPDATE articles SET analysis = ?1 WHERE doc_id = ?2",
                params![json, id],
            )
            .unwrap();
            conn.execute(
                "UPDATE content_checksums SET checksum = ?1 \
                 WHERE article = (SELECT id FROM articles WHERE doc_id = ?2)",
                params![sum, id],
            )
            .unwrap();
        }
        // The saved story clusterer, as version 3 kept it: plain bytes.
        conn.execute_batch(
            "INSERT INTO story_state (name, value) VALUES \
             ('header', x'0102'), ('frequencies', zeroblob(65536)), \
             ('last_article', x'0200000000000000'); \
             INSERT INTO story_clusters (story, state) VALUES (0, x'0a0b0c'), (1, x'0d');",
        )
        .unwrap();
        conn.pragma_update(None, "user_version", 3).unwrap();
    }

    #[test]
    fn a_version_3_store_is_upgraded_in_place_and_reads_the_same() {
        let dir = tempfile::tempdir().unwrap();
        let texts = [
            ("a1", "The council approved the plan on Thursday."),
            ("a2", "Fishermen returned to the harbour at dawn on Friday."),
        ];
        version_3_store(dir.path(), &texts);
        let err = Reader::open(dir.path()).unwrap_err().to_string();
        assert!(err.contains("run `chancery ingest` on it once"), "{err}");
        drop(Store::open(dir.path()).unwrap());

        let conn = Connection::open(dir.path().join(DATABASE_FILE)).unwrap();
        let blobs: i64 = conn
            .query_row(
                "SELECT count(*) FROM articles WHERE typeof(analysis) = 'blob'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(blobs, 2);
        let exports = ExportReader::open(dir.path()).unwrap();
        for (number, (id, text)) in texts.iter().enumerate() {
            let stored = exports.article(number as i64 + 1).unwrap().unwrap();
            assert_eq!(
                stored.analysis,
                serde_json::to_string(&analysis(id, text)).unwrap()
            );
        }
        let verification = Reader::open(dir.path()).unwrap().verify().unwrap();
        assert!(verification.is_sound(), "{verification:?}");
        assert_eq!(verification.checked, 2);
        let state = Reader::open(dir.path())
            .unwrap()
            .story_state()
            .unwrap()
            .expect("the saved stories survive the upgrade");
        assert_eq!(state.frequencies, vec![0; 65536]);
        assert_eq!(state.stories, [vec![0x0a, 0x0b, 0x0c], vec![0x0d]]);
        assert_eq!((state.header, state.last_article), (vec![1, 2], 2));
    }

    /// A store as version 5 wrote it: every flag in `flags`, 64-bit LSH
    /// keys.
    fn version_5_store(dir: &std::path::Path, texts: &[(&str, &str)]) {
        let conn = current_store(dir, texts);
        conn.execute_batch("DELETE FROM lsh_buckets").unwrap();
        for (number, (_, text)) in texts.iter().enumerate() {
            let id = number as i64 + 1;
            let fingerprint = crate::Fingerprint::of(text);
            let flags = serde_json::to_string(&chancery_model::Flags::default()).unwrap();
            conn.execute(
                "UPDATE articles SET flags = ?1 WHERE id = ?2",
                params![flags, id],
            )
            .unwrap();
            for key in fingerprint.band_keys() {
                // Version 5 kept all 64 bits of a key.
                let wide = key.wrapping_mul(0x1_0000_0001);
                conn.execute(
                    "INSERT INTO lsh_buckets (key, article) VALUES (?1, ?2)",
                    params![wide, id],
                )
                .unwrap();
            }
        }
        conn.pragma_update(None, "user_version", 5).unwrap();
    }

    const STORY: &str = "The city council approved a new transport plan on Thursday after a \
        long debate, with eleven votes in favour and four against. The plan takes effect \
        next spring and will be reviewed after two years, the council's chair told \
        reporters outside the chamber.";

    #[test]
    fn a_version_5_store_is_slimmed_in_place_and_still_finds_copies() {
        let dir = tempfile::tempdir().unwrap();
        let texts = [
            ("a1", STORY),
            ("a2", "Fishermen returned to the harbour at dawn on Friday."),
        ];
        version_5_store(dir.path(), &texts);
        let before: Vec<String> = {
            let exports = ExportReader::open(dir.path());
            assert!(exports.is_err(), "a reader refuses the version-5 store");
            texts
                .iter()
                .map(|(id, text)| serde_json::to_string(&analysis(id, text)).unwrap())
                .collect()
        };
        let mut store = Store::open(dir.path()).unwrap();
        let conn = Connection::open(dir.path().join(DATABASE_FILE)).unwrap();
        let flags: String = conn
            .query_row(
                "SELECT group_concat(DISTINCT flags) FROM articles",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(flags, "{}");
        let mut keys: Vec<i64> = conn
            .prepare("SELECT key FROM lsh_buckets WHERE article = 1 ORDER BY key")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        let mut expected = crate::Fingerprint::of(STORY).band_keys();
        expected.sort();
        keys.dedup();
        assert_eq!(keys, expected, "the keys are taken again at 32 bits");
        let short: i64 = conn
            .query_row(
                "SELECT count(*) FROM lsh_buckets WHERE article = 2",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(short, 0, "a text too short for a signature has no keys");

        // A copy written after the upgrade still finds its original.
        let copy = format!("{STORY} Copyright 2025 The Wire. All rights reserved.");
        let outcomes = store
            .write(&[Document::new(analysis("a3", &copy)).unwrap()])
            .unwrap();
        assert!(
            matches!(
                outcomes[0],
                crate::Outcome::Stored {
                    duplicate_of: Some(1),
                    ..
                }
            ),
            "{outcomes:?}"
        );
        drop(store);
        let exports = ExportReader::open(dir.path()).unwrap();
        for (number, json) in before.iter().enumerate() {
            let stored = exports.article(number as i64 + 1).unwrap().unwrap();
            assert_eq!(&stored.analysis, json);
        }
        let verification = Reader::open(dir.path()).unwrap().verify().unwrap();
        assert!(verification.is_sound(), "{verification:?}");
        assert_eq!(verification.checked, 3);
    }

    #[test]
    fn a_version_6_store_gains_rollups_equal_to_a_recount() {
        let dir = tempfile::tempdir().unwrap();
        let conn = current_store(
            dir.path(),
            &[
                ("a1", STORY),
                ("a2", "Fishermen returned to the harbour at dawn."),
            ],
        );
        // Version 6 had no rollups.
        conn.execute_batch(
            "DROP TABLE rollup_totals; DROP TABLE rollup_entities; DROP TABLE rollup_actors; \
             DROP TABLE rollup_edges; DROP TABLE rollup_roots; DROP TABLE rollup_days;",
        )
        .unwrap();
        conn.pragma_update(None, "user_version", 6).unwrap();
        drop(conn);
        let err = Reader::open(dir.path()).unwrap_err().to_string();
        assert!(err.contains("run `chancery ingest` on it once"), "{err}");
        let mut store = Store::open(dir.path()).unwrap();
        // Written after the upgrade: added to the built rollups.
        store
            .write(&[Document::new(analysis("a3", "A third story, told later.")).unwrap()])
            .unwrap();
        drop(store);
        let verification = Reader::open(dir.path()).unwrap().verify().unwrap();
        assert!(verification.is_sound(), "{verification:?}");
        let queries = crate::Queries::open(dir.path()).unwrap();
        assert_eq!(queries.overview().unwrap().articles, 3);
    }

    #[test]
    fn damage_from_before_the_upgrade_is_still_reported() {
        let dir = tempfile::tempdir().unwrap();
        version_3_store(
            dir.path(),
            &[("a1", "The council approved the plan on Thursday.")],
        );
        let conn = Connection::open(dir.path().join(DATABASE_FILE)).unwrap();
        conn.execute("UPDATE articles SET text = 'The council rejected it.'", [])
            .unwrap();
        drop(conn);
        drop(Store::open(dir.path()).unwrap());
        let verification = Reader::open(dir.path()).unwrap().verify().unwrap();
        assert_eq!(verification.changed.len(), 1, "{verification:?}");
    }
}
