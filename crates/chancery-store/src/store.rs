//! Opening a data directory, writing batches of analysed articles, reading
//! what is there.

use std::collections::{HashMap, HashSet};
use std::fs::{File, OpenOptions, TryLockError};
use std::path::{Path, PathBuf};

use chancery_model::{Analysis, Span, TextField};
use rusqlite::{params, Connection, OpenFlags, OptionalExtension, Transaction};
use serde::Serialize;

use crate::fingerprint::{
    jaccard, signature_from_bytes, signature_to_bytes, Fingerprint, NEAR_DUPLICATE_JACCARD,
};
use crate::schema;
use crate::StoreError;

/// The database file inside a data directory.
pub const DATABASE_FILE: &str = "chancery.db";
/// The lock file that one writer holds while a store is open for writing.
pub const LOCK_FILE: &str = "lock";

/// An analysed article, serialized and fingerprinted, ready to be written.
///
/// Building one is the CPU-heavy part of storing an article (JSON,
/// compression and fingerprints), so it is done on the analysis threads,
/// not by the writer.
#[derive(Debug, Clone)]
pub struct Document {
    analysis: Analysis,
    /// The analysis without its text, compressed (`articles.analysis`).
    blob: Vec<u8>,
    fingerprint: Fingerprint,
}

impl Document {
    /// Serializes, compresses and fingerprints an analysis.
    pub fn new(mut analysis: Analysis) -> Result<Document, StoreError> {
        let json = crate::blob::json_without_text(&mut analysis).map_err(|source| {
            StoreError::Serialize {
                id: analysis.article.id.clone(),
                source,
            }
        })?;
        let blob = crate::blob::compress(&json).map_err(|e| StoreError::Unreadable {
            id: analysis.article.id.clone(),
            reason: format!("compressing it failed: {e}"),
        })?;
        let fingerprint = Fingerprint::of(&analysis.article.text);
        Ok(Document {
            analysis,
            blob,
            fingerprint,
        })
    }

    /// The article's stable id (from its canonical URL, else its text).
    pub fn id(&self) -> &str {
        &self.analysis.article.id
    }

    /// The caller's id (JSON Lines `id`), when one was given.
    pub fn external_id(&self) -> Option<&str> {
        self.analysis.article.external_id.as_deref()
    }

    /// The analysis.
    pub fn analysis(&self) -> &Analysis {
        &self.analysis
    }

    /// The compressed analysis without its text, as stored.
    pub(crate) fn blob(&self) -> &[u8] {
        &self.blob
    }

    /// The fingerprints of the text.
    pub(crate) fn fingerprint(&self) -> &Fingerprint {
        &self.fingerprint
    }
}

/// What became of one document given to [`Store::write`].
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// Stored as a new article.
    Stored {
        /// The article's internal id (`articles.id`).
        article: i64,
        /// The first-seen article this one is a near-duplicate of, if any.
        duplicate_of: Option<i64>,
    },
    /// An article with the same id (same canonical URL, or same text) is
    /// already stored; nothing was written.
    Duplicate {
        /// The stored article.
        article: i64,
        /// Whether that article was stored before this store was opened (a
        /// rerun over the same input) rather than earlier in this run.
        stored_before: bool,
    },
    /// The external id is already used by a different article; nothing was
    /// written.
    ExternalIdTaken {
        /// The external id.
        external_id: String,
        /// The article that has it.
        article: i64,
    },
}

/// Counts of what a store holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Stats {
    /// All articles, near-duplicates included.
    pub articles: u64,
    /// Articles that are near-duplicates of an earlier one.
    pub near_duplicates: u64,
    /// Articles flagged as placeholder stubs.
    pub stubs: u64,
    /// Entity rows (one per entity per article).
    pub entities: u64,
    /// Quote rows.
    pub quotes: u64,
    /// Event rows.
    pub events: u64,
}

/// A store opened for writing: holds the data directory's lock until dropped,
/// so there is one writer per data directory at a time.
#[derive(Debug)]
pub struct Store {
    conn: Connection,
    path: PathBuf,
    /// The largest article id when the store was opened: articles at or below
    /// it were stored by an earlier run.
    opened_at: i64,
    /// MinHash signatures of first-seen articles read or written so far:
    /// the candidates of a bucket are compared by signature, and a bucket
    /// of boilerplate shingles ("officials said") holds a share of the
    /// whole corpus, so each signature is read from the database once, not
    /// at every article that meets it.
    signatures: SignatureCache,
    _lock: File,
}

/// Signatures by article id, up to [`SIGNATURES_CACHED`] of them.
#[derive(Debug, Default)]
pub(crate) struct SignatureCache {
    by_article: HashMap<i64, Box<[u32]>>,
}

/// Signatures met while writing a batch, for the cache once it commits.
pub(crate) type Seen = Vec<(i64, Box<[u32]>)>;

/// At most this many signatures are kept (240 bytes each, about 70 MB
/// with the map); past it, the rest are read from the database each time.
const SIGNATURES_CACHED: usize = 250_000;

impl SignatureCache {
    pub(crate) fn get(&self, article: i64) -> Option<&[u32]> {
        self.by_article.get(&article).map(|s| &**s)
    }

    pub(crate) fn insert(&mut self, article: i64, signature: Box<[u32]>) {
        if self.by_article.len() < SIGNATURES_CACHED {
            self.by_article.insert(article, signature);
        }
    }
}

impl Store {
    /// The connection and the database path, for the write-side modules of
    /// this crate (story ids).
    pub(crate) fn connection_mut(&mut self) -> (&mut Connection, &Path) {
        (&mut self.conn, &self.path)
    }

    /// Opens the store in `dir` for writing, creating the directory and the
    /// database on first use.
    ///
    /// Fails with [`StoreError::Locked`] when another process has it open for
    /// writing, [`StoreError::NotWritable`] when the directory cannot be
    /// written, and [`StoreError::SchemaVersion`] when it holds a store of
    /// another version.
    pub fn open(dir: impl AsRef<Path>) -> Result<Store, StoreError> {
        let dir = dir.as_ref();
        refuse_postgres(dir)?;
        std::fs::create_dir_all(dir).map_err(|source| StoreError::NotWritable {
            path: dir.to_path_buf(),
            source,
        })?;
        let lock = take_lock(dir)?;
        let path = dir.join(DATABASE_FILE);
        // A store is made only where there was no database: an empty file
        // (a lost corpus, a botched copy) is refused, not started afresh.
        if std::fs::metadata(&path).is_ok_and(|m| m.len() == 0) {
            return Err(StoreError::EmptyDatabase { path });
        }
        let mut conn = Connection::open(&path).map_err(StoreError::sqlite(&path, "opening"))?;
        configure(&conn, &path)?;
        // A write transaction up front, so a store that cannot be written is
        // reported now rather than after the first batch was analysed.
        conn.execute_batch("BEGIN IMMEDIATE; ROLLBACK;")
            .map_err(StoreError::sqlite(
                &path,
                "checking that the store is writable",
            ))?;
        schema::prepare(&mut conn, &path)?;
        let opened_at = max_article_id(&conn, &path)?;
        Ok(Store {
            conn,
            path,
            opened_at,
            signatures: SignatureCache::default(),
            _lock: lock,
        })
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The largest internal article id when the store was opened: articles
    /// up to it were stored before (by an earlier run).
    pub fn stored_before_open(&self) -> i64 {
        self.opened_at
    }

    /// Writes a batch of documents in one transaction: either all of the
    /// batch is stored or, on error, none of it.
    ///
    /// Exact duplicates (same [`Document::id`]) are not stored again;
    /// near-duplicates are stored with `duplicate_of` pointing at the
    /// first-seen copy.
    pub fn write(&mut self, documents: &[Document]) -> Result<Vec<Outcome>, StoreError> {
        let path = self.path.clone();
        let tx = self
            .conn
            .transaction()
            .map_err(StoreError::sqlite(&path, "starting a batch"))?;
        let mut outcomes = Vec::with_capacity(documents.len());
        // Signatures read or written in this batch join the cache only once
        // it is committed: a batch rolled back gives its ids out again.
        let mut seen = Vec::new();
        for document in documents {
            outcomes.push(write_one(
                &tx,
                document,
                self.opened_at,
                &path,
                (&self.signatures, &mut seen),
            )?);
        }
        crate::rollup::add_sqlite(&tx, &stored_ids(&outcomes))
            .map_err(StoreError::sqlite(&path, "adding the batch to the rollups"))?;
        tx.commit()
            .map_err(StoreError::sqlite(&path, "committing a batch"))?;
        for (article, signature) in seen {
            self.signatures.insert(article, signature);
        }
        Ok(outcomes)
    }

    /// Counts of what the store holds.
    pub fn stats(&self) -> Result<Stats, StoreError> {
        stats(&self.conn, &self.path)
    }

    /// SQLite's `PRAGMA integrity_check`: empty when the database is sound,
    /// else its complaints.
    pub fn integrity_check(&self) -> Result<Vec<String>, StoreError> {
        integrity_check(&self.conn, &self.path)
    }
}

/// Opens the store in `dir` read-only, waiting up to `busy_seconds` for the
/// writer, and checks its schema version: what every reader of this crate
/// (`Reader`, `Queries`, `ExportReader`, `SearchFeed`) opens with.
pub(crate) fn open_read_only(
    dir: &Path,
    busy_seconds: u64,
    context: &'static str,
) -> Result<(Connection, PathBuf), StoreError> {
    refuse_postgres(dir)?;
    let path = dir.join(DATABASE_FILE);
    if !path.is_file() {
        return Err(StoreError::Missing {
            dir: dir.to_path_buf(),
        });
    }
    if std::fs::metadata(&path).is_ok_and(|m| m.len() == 0) {
        return Err(StoreError::EmptyDatabase { path });
    }
    let conn = Connection::open_with_flags(
        &path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(StoreError::sqlite(&path, context))?;
    conn.busy_timeout(std::time::Duration::from_secs(busy_seconds))
        .map_err(StoreError::sqlite(&path, context))?;
    tune_memory(&conn, &path, READER_CACHE_KIB)?;
    schema::check_readable(&conn, &path)?;
    Ok((conn, path))
}

/// A store opened for reading. Any number of readers may share a data
/// directory with its one writer (SQLite's WAL mode): a reader sees the
/// batches committed before each of its queries.
#[derive(Debug)]
pub struct Reader {
    conn: Connection,
    path: PathBuf,
}

impl Reader {
    /// Opens the store in `dir` for reading.
    pub fn open(dir: impl AsRef<Path>) -> Result<Reader, StoreError> {
        let (conn, path) = open_read_only(dir.as_ref(), 10, "opening for reading")?;
        Ok(Reader { conn, path })
    }

    /// The read-only connection and the database path, for the read-side
    /// modules of this crate (search feed, export, queries, registry).
    pub(crate) fn connection(&self) -> (&Connection, &Path) {
        (&self.conn, &self.path)
    }

    /// Which of `ids` (article ids, [`Document::id`]) are stored, with their
    /// internal ids.
    pub fn stored(&self, ids: &[&str]) -> Result<HashMap<String, i64>, StoreError> {
        let mut statement = self
            .conn
            .prepare_cached("SELECT id FROM articles WHERE doc_id = ?1")
            .map_err(StoreError::sqlite(&self.path, "looking up article ids"))?;
        let mut found = HashMap::new();
        for id in ids {
            if let Some(article) = statement
                .query_row([id], |row| row.get::<_, i64>(0))
                .optional()
                .map_err(StoreError::sqlite(&self.path, "looking up article ids"))?
            {
                found.insert(id.to_string(), article);
            }
        }
        Ok(found)
    }

    /// Counts of what the store holds.
    pub fn stats(&self) -> Result<Stats, StoreError> {
        stats(&self.conn, &self.path)
    }

    /// SQLite's `PRAGMA integrity_check`: empty when the database is sound.
    pub fn integrity_check(&self) -> Result<Vec<String>, StoreError> {
        integrity_check(&self.conn, &self.path)
    }

    /// The integrity check, then every article's title, text and analysis
    /// against the checksum taken when it was written.
    pub fn verify(&self) -> Result<crate::Verification, StoreError> {
        crate::verify::verify(&self.conn, &self.path)
    }
}

/// A `postgres://` URL given where only a data directory will do (the
/// commands whose reads and writes are not in PostgreSQL yet) is refused
/// with that said, rather than taken for a directory named `postgres:`.
fn refuse_postgres(dir: &Path) -> Result<(), StoreError> {
    match crate::postgres_url(dir) {
        Some(_) => Err(StoreError::NotInPostgres {
            what: "what this command reads or writes",
        }),
        None => Ok(()),
    }
}

fn take_lock(dir: &Path) -> Result<File, StoreError> {
    let path = dir.join(LOCK_FILE);
    let file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|source| StoreError::NotWritable {
            path: path.clone(),
            source,
        })?;
    // An advisory lock, released by the kernel when the process ends however
    // it ends, so a killed ingest never leaves a stale lock behind.
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(TryLockError::WouldBlock) => Err(StoreError::Locked {
            dir: dir.to_path_buf(),
        }),
        Err(TryLockError::Error(source)) => Err(StoreError::NotWritable { path, source }),
    }
}

/// Puts the database in WAL mode, or says it could not (a file system
/// without shared memory keeps it in another mode).
pub(crate) fn switch_to_wal(conn: &Connection, path: &Path) -> Result<(), StoreError> {
    let mode: String = conn
        .query_row("PRAGMA journal_mode = WAL", [], |row| row.get(0))
        .map_err(StoreError::sqlite(path, "switching to WAL mode"))?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(StoreError::sqlite(path, "switching to WAL mode")(
            rusqlite::Error::ExecuteReturnedResults,
        ));
    }
    Ok(())
}

pub(crate) fn configure(conn: &Connection, path: &Path) -> Result<(), StoreError> {
    // WAL: readers never block the writer, and a commit is one append, so a
    // process killed mid-batch leaves the last committed batch intact.
    // synchronous=NORMAL keeps that guarantee for a killed process (not for a
    // power cut, which may lose the last batches but never corrupts).
    conn.busy_timeout(std::time::Duration::from_secs(10))
        .map_err(StoreError::sqlite(path, "configuring"))?;
    // Before the first write, which fixes it (a no-op on an existing file).
    conn.pragma_update(None, "page_size", PAGE_SIZE)
        .map_err(StoreError::sqlite(path, "configuring"))?;
    switch_to_wal(conn, path)?;
    conn.execute_batch("PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;")
        .map_err(StoreError::sqlite(path, "configuring"))?;
    // A checkpoint copies the WAL into the database and syncs it; every
    // 16 MB whatever the page size (SQLite's default of 1,000 pages is only
    // 4 MB in a store made in 4 KiB pages), a page
    // the writer changes in several batches in a row (an index's right
    // edge, the story tables) is copied once instead of several times.
    let page_size: i64 = conn
        .query_row("PRAGMA page_size", [], |row| row.get(0))
        .map_err(StoreError::sqlite(path, "configuring"))?;
    conn.pragma_update(
        None,
        "wal_autocheckpoint",
        WAL_CHECKPOINT_BYTES / page_size.max(512),
    )
    .map_err(StoreError::sqlite(path, "configuring"))?;
    tune_memory(conn, path, writer_cache_kib())
}

/// The page size of a new database (bytes). An article row (text,
/// compressed analysis, signature) is about 1.6 KB, so a 4 KiB page held
/// two and left a fifth of the articles table empty; larger pages waste a
/// fraction of a row per page (BENCHMARKS.md, store16g).
pub(crate) const PAGE_SIZE: i64 = 16_384;

/// The WAL's bytes between two automatic checkpoints.
const WAL_CHECKPOINT_BYTES: i64 = 16_384_000;

/// The most of the database mapped into memory. SQLite caps it at its
/// compiled-in limit (2 GiB in the bundled build); the map only reserves
/// address space, the kernel's page cache holds what is read.
const MMAP_BYTES: i64 = 1 << 31;

/// SQLite's own page cache of a reader (KiB): with the file mapped, reads
/// come from the kernel's cache, so a reader needs little of its own and
/// the server's pool of readers stays small.
const READER_CACHE_KIB: i64 = 16 * 1024;

/// The writer's page cache (KiB), sized to the machine: a sixty-fourth of
/// its memory, between 16 and 256 MiB. The writer changes pages all over
/// the indexes of a large store (entity names, LSH keys); what falls out of
/// this cache is read back, and what it holds is written once per batch.
fn writer_cache_kib() -> i64 {
    const MIB: i64 = 1024;
    let total_kib = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find_map(|line| line.strip_prefix("MemTotal:"))
                .and_then(|rest| {
                    rest.trim()
                        .trim_end_matches("kB")
                        .trim()
                        .parse::<i64>()
                        .ok()
                })
        })
        // Elsewhere, or unreadable: a machine of 4 GiB.
        .unwrap_or(4 * 1024 * MIB);
    (total_kib / 64).clamp(16 * MIB, 256 * MIB)
}

/// Memory-mapped reads and the page cache (`cache_kib`): without the map,
/// SQLite reads every page it misses with a system call of its own, which
/// on a store larger than its cache cost as much system time as the whole
/// ingest spent in user time.
fn tune_memory(conn: &Connection, path: &Path, cache_kib: i64) -> Result<(), StoreError> {
    // `mmap_size` answers with the size it took (a row), so it is queried,
    // not executed.
    conn.query_row(&format!("PRAGMA mmap_size = {MMAP_BYTES}"), [], |_| Ok(()))
        .optional()
        .map_err(StoreError::sqlite(path, "configuring"))?;
    // A negative cache size is in KiB rather than pages.
    conn.pragma_update(None, "cache_size", -cache_kib)
        .map_err(StoreError::sqlite(path, "configuring"))
}

fn max_article_id(conn: &Connection, path: &Path) -> Result<i64, StoreError> {
    conn.query_row("SELECT coalesce(max(id), 0) FROM articles", [], |row| {
        row.get(0)
    })
    .map_err(StoreError::sqlite(path, "reading the article count"))
}

fn stats(conn: &Connection, path: &Path) -> Result<Stats, StoreError> {
    let count = |sql: &str| -> Result<u64, StoreError> {
        conn.query_row(sql, [], |row| row.get::<_, i64>(0))
            .map(|n| n.max(0) as u64)
            .map_err(StoreError::sqlite(path, "counting"))
    };
    Ok(Stats {
        articles: count("SELECT count(*) FROM articles")?,
        near_duplicates: count("SELECT count(*) FROM articles WHERE duplicate_of IS NOT NULL")?,
        stubs: count("SELECT count(*) FROM articles WHERE is_stub")?,
        entities: count("SELECT count(*) FROM entities")?,
        quotes: count("SELECT count(*) FROM quotes")?,
        events: count("SELECT count(*) FROM events")?,
    })
}

pub(crate) fn integrity_check(conn: &Connection, path: &Path) -> Result<Vec<String>, StoreError> {
    let mut statement = conn
        .prepare("PRAGMA integrity_check")
        .map_err(StoreError::sqlite(path, "checking integrity"))?;
    let rows = statement
        .query_map([], |row| row.get::<_, String>(0))
        .and_then(|rows| rows.collect::<Result<Vec<String>, _>>())
        .map_err(StoreError::sqlite(path, "checking integrity"))?;
    Ok(rows.into_iter().filter(|r| r != "ok").collect())
}

fn write_one(
    tx: &Transaction<'_>,
    document: &Document,
    opened_at: i64,
    path: &Path,
    (cached, seen): (&SignatureCache, &mut Seen),
) -> Result<Outcome, StoreError> {
    let err = |context| StoreError::sqlite(path, context);
    let article = &document.analysis.article;
    if let Some(existing) = tx
        .prepare_cached("SELECT id FROM articles WHERE doc_id = ?1")
        .and_then(|mut s| {
            s.query_row([&article.id], |row| row.get::<_, i64>(0))
                .optional()
        })
        .map_err(err("looking up an article"))?
    {
        return Ok(Outcome::Duplicate {
            article: existing,
            stored_before: existing <= opened_at,
        });
    }
    if let Some(external_id) = &article.external_id {
        if let Some(existing) = tx
            .prepare_cached("SELECT id FROM articles WHERE external_id = ?1")
            .and_then(|mut s| {
                s.query_row([external_id], |row| row.get::<_, i64>(0))
                    .optional()
            })
            .map_err(err("looking up an external id"))?
        {
            return Ok(Outcome::ExternalIdTaken {
                external_id: external_id.clone(),
                article: existing,
            });
        }
    }

    let fingerprint = &document.fingerprint;
    let keys = fingerprint.band_keys();
    let original = find_original(tx, fingerprint, &keys, (cached, &mut *seen))
        .map_err(err("finding near-duplicates"))?;
    let published = article.published.as_ref();
    tx.prepare_cached(
        "INSERT INTO articles (doc_id, external_id, url, canonical_url, content_hash, simhash, \
         minhash, title, published, published_precision, source, site, language, text, \
         analysis, duplicate_of, similarity, is_stub, flags, ingested_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, \
         ?18, ?19, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))",
    )
    .and_then(|mut s| {
        s.execute(params![
            article.id,
            article.external_id,
            article.url,
            article.canonical_url,
            fingerprint.content_hash as i64,
            fingerprint.simhash as i64,
            fingerprint.minhash.as_ref().map(signature_to_bytes),
            article.title,
            published.map(|p| p.value.as_str()),
            published.map(|p| name_of(&p.precision)),
            article.source,
            article.site,
            article.language,
            article.text,
            document.blob,
            original.map(|(id, _)| id),
            original.map(|(_, similarity)| similarity),
            article.flags.stub,
            flags_set(&article.flags),
        ])
    })
    .map_err(err("storing an article"))?;
    let id = tx.last_insert_rowid();
    crate::verify::record(
        tx,
        id,
        article.title.as_deref(),
        &article.text,
        &document.blob,
    )
    .map_err(err("recording the content checksum"))?;
    // Only first-seen copies go into the buckets: a later copy then finds the
    // original, never a copy of it, and buckets stay small.
    if original.is_none() {
        index_buckets(tx, id, &keys).map_err(err("indexing near-duplicates"))?;
        if let Some(signature) = &fingerprint.minhash {
            seen.push((id, Box::from(&signature[..])));
        }
    }
    write_annotations(tx, id, &document.analysis, original.is_none())
        .map_err(err("storing annotations"))?;
    Ok(Outcome::Stored {
        article: id,
        duplicate_of: original.map(|(id, _)| id),
    })
}

/// The articles a batch stored (not its duplicates or refusals).
pub(crate) fn stored_ids(outcomes: &[Outcome]) -> Vec<i64> {
    outcomes
        .iter()
        .filter_map(|outcome| match outcome {
            Outcome::Stored { article, .. } => Some(*article),
            _ => None,
        })
        .collect()
}

/// Puts an article into the LSH buckets of its band keys.
pub(crate) fn index_buckets(
    tx: &Transaction<'_>,
    article: i64,
    keys: &[i64],
) -> rusqlite::Result<()> {
    let mut insert =
        tx.prepare_cached("INSERT OR IGNORE INTO lsh_buckets (key, article) VALUES (?1, ?2)")?;
    for key in keys {
        insert.execute(params![key, article])?;
    }
    Ok(())
}

/// The first-seen article that this one is a near-duplicate of, with the
/// estimated similarity: the same normalized text, else the most similar
/// candidate from the LSH buckets above the threshold.
fn find_original(
    tx: &Transaction<'_>,
    fingerprint: &Fingerprint,
    keys: &[i64],
    (cached, seen): (&SignatureCache, &mut Seen),
) -> rusqlite::Result<Option<(i64, f64)>> {
    if let Some(signature) = &fingerprint.minhash {
        let mut candidates = HashSet::new();
        let mut bucket = tx.prepare_cached("SELECT article FROM lsh_buckets WHERE key = ?1")?;
        for key in keys {
            for article in bucket.query_map([key], |row| row.get::<_, i64>(0))? {
                candidates.insert(article?);
            }
        }
        let mut best = Best::default();
        let mut read = tx.prepare_cached("SELECT minhash FROM articles WHERE id = ?1")?;
        for candidate in candidates {
            // The stored signature, not one taken again from the text: a
            // bucket of boilerplate shingles holds hundreds of candidates.
            match cached.get(candidate) {
                Some(other) => best.consider(signature, candidate, other),
                None => {
                    let bytes: Option<Vec<u8>> = read.query_row([candidate], |row| row.get(0))?;
                    best.consider_stored(signature, candidate, bytes.as_deref(), seen);
                }
            }
        }
        if best.0.is_some() {
            return Ok(best.0);
        }
    }
    // Texts too short for a signature are near-duplicates only when equal.
    if fingerprint.content_hash != Fingerprint::of("").content_hash {
        let equal = tx
            .prepare_cached(
                "SELECT coalesce(duplicate_of, id) FROM articles WHERE content_hash = ?1 \
                 ORDER BY id LIMIT 1",
            )?
            .query_row([fingerprint.content_hash as i64], |row| {
                row.get::<_, i64>(0)
            })
            .optional()?;
        return Ok(equal.map(|id| (id, 1.0)));
    }
    Ok(None)
}

/// The most similar candidate so far at or above the near-duplicate
/// threshold, with its estimated similarity: what both backends decide a
/// near-duplicate by.
#[derive(Debug, Default)]
pub(crate) struct Best(pub(crate) Option<(i64, f64)>);

impl Best {
    /// Weighs `candidate`, whose signature is `other`, against `signature`.
    pub(crate) fn consider(&mut self, signature: &[u32], candidate: i64, other: &[u32]) {
        let similarity = jaccard(signature, other);
        let better = match self.0 {
            None => true,
            // Ties go to the earlier article: the first-seen copy.
            Some((id, s)) => similarity > s || (similarity == s && candidate < id),
        };
        if similarity >= NEAR_DUPLICATE_JACCARD && better {
            self.0 = Some((candidate, similarity));
        }
    }

    /// Weighs `candidate` by its stored signature (`articles.minhash`;
    /// none, or one of the wrong size, is no candidate) and keeps the
    /// signature in `seen` for the cache.
    pub(crate) fn consider_stored(
        &mut self,
        signature: &[u32],
        candidate: i64,
        bytes: Option<&[u8]>,
        seen: &mut Seen,
    ) {
        let Some(other) = bytes.and_then(signature_from_bytes) else {
            return;
        };
        self.consider(signature, candidate, &other);
        seen.push((candidate, other.into_boxed_slice()));
    }
}

/// Writes the entities, quotes and events of an article, its events with
/// where they happened, and adds a canonical article's places to the
/// `places` aggregate.
fn write_annotations(
    tx: &Transaction<'_>,
    article_id: i64,
    analysis: &Analysis,
    canonical: bool,
) -> rusqlite::Result<()> {
    let places = crate::places::locate(
        &analysis.places,
        &analysis.event_places,
        analysis.events.len(),
    );
    let mut entity_ids: HashMap<&str, i64> = HashMap::new();
    let mut insert_entity = tx.prepare_cached(
        "INSERT INTO entities (article, local_id, name, kind, country, actor_code, aliases, \
         roles, mentions) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?;
    for entity in &analysis.entities {
        insert_entity.execute(params![
            article_id,
            entity.id,
            entity.name,
            name_of(&entity.kind),
            entity.country,
            entity.actor_code,
            serde_json::to_string(&entity.aliases).unwrap_or_default(),
            serde_json::to_string(&entity.roles).unwrap_or_default(),
            entity.mentions.len() as i64,
        ])?;
        entity_ids.insert(entity.id.as_str(), tx.last_insert_rowid());
    }
    let entity = |local: Option<&String>| local.and_then(|l| entity_ids.get(l.as_str()).copied());

    let mut insert_quote = tx.prepare_cached(
        "INSERT INTO quotes (article, kind, start, end, text, speaker, speaker_text, cue, \
         confidence) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?;
    for quote in &analysis.quotes {
        insert_quote.execute(params![
            article_id,
            name_of(&quote.kind),
            quote.span.start as i64,
            quote.span.end as i64,
            span_text(analysis, &quote.span),
            entity(quote.speaker.as_ref()),
            quote.speaker_text,
            quote.cue.as_ref().map(|c| c.text.as_str()),
            f64::from(quote.confidence),
        ])?;
    }

    let mut insert_event = tx.prepare_cached(
        "INSERT INTO events (article, code, root, quad_class, goldstein, plover_type, \
         plover_mode, source_code, source_entity, target_code, target_entity, modality, date, \
         date_precision, location, field, trigger_start, trigger_end, evidence_start, \
         evidence_end, evidence, mentions, confidence, location_place, location_geonames_id, \
         location_name, location_lat, location_lon, location_country, location_basis) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, \
         ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29, ?30)",
    )?;
    for (event, location) in analysis.events.iter().zip(&places.events) {
        let source = event.source.as_ref();
        let target = event.target.as_ref();
        let at = crate::places::LocationValues::of(location.as_ref());
        insert_event.execute(params![
            article_id,
            event.code,
            event.root,
            i64::from(event.quad_class),
            f64::from(event.goldstein),
            event.plover.as_ref().map(|p| p.event_type.as_str()),
            event.plover.as_ref().and_then(|p| p.mode.as_deref()),
            source.and_then(|a| a.code.as_deref()),
            entity(source.and_then(|a| a.entity.as_ref())),
            target.and_then(|a| a.code.as_deref()),
            entity(target.and_then(|a| a.entity.as_ref())),
            name_of(&event.modality),
            event.date.as_ref().map(|d| d.value.as_str()),
            event.date.as_ref().map(|d| name_of(&d.precision)),
            event.location,
            name_of(&event.evidence.field),
            event.trigger.start as i64,
            event.trigger.end as i64,
            event.evidence.start as i64,
            event.evidence.end as i64,
            span_text(analysis, &event.evidence),
            event.mentions.len().max(1) as i64,
            f64::from(event.confidence),
            at.place,
            at.geonames_id,
            at.name,
            at.lat,
            at.lon,
            at.country,
            at.basis,
        ])?;
    }
    if canonical {
        crate::places::tally(tx, &places.places)?;
    }
    Ok(())
}

/// The `flags` column (version 6): the article's flags that are set, as a
/// JSON object (`{}` for most articles, `{"stub":true}`), rather than all
/// eight of them; the analysis keeps every flag.
pub(crate) fn flags_set(flags: &chancery_model::Flags) -> String {
    match serde_json::to_value(flags) {
        Ok(serde_json::Value::Object(mut all)) => {
            all.retain(|_, set| set.as_bool() == Some(true));
            serde_json::Value::Object(all).to_string()
        }
        _ => "{}".to_string(),
    }
}

/// The text a span points into, when the span is in range.
pub(crate) fn span_text<'a>(analysis: &'a Analysis, span: &Span) -> Option<&'a str> {
    let text = match span.field {
        TextField::Text => analysis.article.text.as_str(),
        TextField::Title => analysis.article.title.as_deref()?,
    };
    text.get(span.start..span.end)
}

/// The JSON name of a unit enum variant (`"person"`, `"asserted"`).
pub(crate) fn name_of<T: Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(name)) => name,
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use chancery_model::{
        Article, Entity, EntityKind, Event, EventActor, Modality, Quote, QuoteKind,
    };

    use super::*;

    const STORY: &str = "The city council approved a new transport plan on Thursday after a \
        long debate, with eleven votes in favour and four against. The plan takes effect \
        next spring and will be reviewed after two years, the council's chair told \
        reporters outside the chamber. Bus fares will be frozen for the first year while \
        two new tram lines are built along the river and through the northern suburbs.";

    fn document(id: &str, external_id: Option<&str>, text: &str) -> Document {
        let article = Article {
            id: id.into(),
            external_id: external_id.map(String::from),
            title: Some("Council approves transport plan".into()),
            text: text.into(),
            ..Article::default()
        };
        Document::new(Analysis::from_article(article)).unwrap()
    }

    fn annotated() -> Document {
        let mut analysis = Analysis::from_article(Article {
            id: "annotated".into(),
            text: "Iran said Russia will host talks.".into(),
            ..Article::default()
        });
        let entity = |id: &str, name: &str, code: &str, start| Entity {
            id: id.into(),
            name: name.into(),
            kind: EntityKind::Country,
            country: Some(code.into()),
            actor_code: Some(code.into()),
            aliases: Vec::new(),
            roles: Vec::new(),
            mentions: vec![chancery_model::Mention {
                span: Span::new(start, start + name.len()),
            }],
        };
        analysis.entities = vec![
            entity("e1", "Iran", "IRN", 0),
            entity("e2", "Russia", "RUS", 10),
        ];
        analysis.quotes = vec![Quote {
            span: Span::new(10, 32),
            kind: QuoteKind::Indirect,
            speaker: Some("e1".into()),
            speaker_text: Some("Iran".into()),
            speaker_start: Some(0),
            speaker_end: Some(4),
            cue: None,
            confidence: 0.7,
        }];
        analysis.events = vec![Event {
            code: "036".into(),
            root: "03".into(),
            quad_class: 1,
            goldstein: 4.0,
            plover: None,
            source: Some(EventActor {
                code: Some("RUS".into()),
                entity: Some("e2".into()),
                name: None,
            }),
            target: None,
            modality: Modality::Planned,
            date: None,
            location: None,
            trigger: Span::new(22, 26),
            evidence: Span::new(0, 33),
            mentions: vec![Span::new(0, 33)],
            confidence: 0.8,
            background: false,
            reported_by: None,
        }];
        Document::new(analysis).unwrap()
    }

    #[test]
    fn the_same_document_is_stored_once() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(dir.path()).unwrap();
        let first = store.write(&[document("a", None, STORY)]).unwrap();
        assert!(matches!(
            first[0],
            Outcome::Stored {
                duplicate_of: None,
                ..
            }
        ));
        let again = store.write(&[document("a", None, STORY)]).unwrap();
        assert!(matches!(
            again[0],
            Outcome::Duplicate {
                stored_before: false,
                ..
            }
        ));
        drop(store);

        let mut reopened = Store::open(dir.path()).unwrap();
        let rerun = reopened.write(&[document("a", None, STORY)]).unwrap();
        assert!(matches!(
            rerun[0],
            Outcome::Duplicate {
                stored_before: true,
                ..
            }
        ));
        assert_eq!(reopened.stats().unwrap().articles, 1);
    }

    #[test]
    fn a_syndicated_copy_points_at_the_first_seen_article() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(dir.path()).unwrap();
        let copy = format!("{STORY} Copyright 2025 The Wire. All rights reserved.");
        let copy_of_copy = format!("{copy} Share this story.");
        let other = "Heavy rain flooded several streets in the harbour district overnight, \
            and firefighters pumped water out of dozens of basements until the morning.";
        let outcomes = store
            .write(&[
                document("original", None, STORY),
                document("copy", None, &copy),
                document("other", None, other),
                document("copy-of-copy", None, &copy_of_copy),
            ])
            .unwrap();
        let Outcome::Stored {
            article: original, ..
        } = outcomes[0]
        else {
            panic!("{outcomes:?}")
        };
        assert!(
            matches!(outcomes[1], Outcome::Stored { duplicate_of: Some(o), .. } if o == original)
        );
        assert!(matches!(
            outcomes[2],
            Outcome::Stored {
                duplicate_of: None,
                ..
            }
        ));
        assert!(
            matches!(outcomes[3], Outcome::Stored { duplicate_of: Some(o), .. } if o == original)
        );
        let stats = store.stats().unwrap();
        assert_eq!((stats.articles, stats.near_duplicates), (4, 2));
        let canonical: i64 = store
            .conn
            .query_row("SELECT count(*) FROM canonical_articles", [], |r| r.get(0))
            .unwrap();
        assert_eq!(canonical, 2);
    }

    #[test]
    fn a_copy_in_a_later_batch_or_run_finds_its_original() {
        let dir = tempfile::tempdir().unwrap();
        let copy = |n: usize| format!("{STORY} Reported by desk {n}. All rights reserved.");
        let mut store = Store::open(dir.path()).unwrap();
        store.write(&[document("original", None, STORY)]).unwrap();
        // The original's signature from the cache, then from the database.
        let later = store.write(&[document("copy-1", None, &copy(1))]).unwrap();
        drop(store);
        let mut reopened = Store::open(dir.path()).unwrap();
        let next_run = reopened
            .write(&[document("copy-2", None, &copy(2))])
            .unwrap();
        for outcomes in [later, next_run] {
            assert!(
                matches!(
                    outcomes[0],
                    Outcome::Stored {
                        duplicate_of: Some(1),
                        ..
                    }
                ),
                "{outcomes:?}"
            );
        }
    }

    #[test]
    fn short_equal_texts_are_near_duplicates_by_content_hash() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(dir.path()).unwrap();
        let outcomes = store
            .write(&[
                document("x", None, "Markets closed higher."),
                document("y", None, "Markets  closed HIGHER"),
            ])
            .unwrap();
        assert!(matches!(
            outcomes[1],
            Outcome::Stored {
                duplicate_of: Some(_),
                ..
            }
        ));
    }

    #[test]
    fn an_external_id_used_by_another_article_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(dir.path()).unwrap();
        let outcomes = store
            .write(&[
                document("a", Some("wire-1"), STORY),
                document("b", Some("wire-1"), "A different text altogether."),
            ])
            .unwrap();
        assert!(matches!(
            &outcomes[1],
            Outcome::ExternalIdTaken { external_id, .. } if external_id == "wire-1"
        ));
        assert_eq!(store.stats().unwrap().articles, 1);
    }

    #[test]
    fn annotations_become_rows_with_entity_references() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(dir.path()).unwrap();
        store.write(&[annotated()]).unwrap();
        let stats = store.stats().unwrap();
        assert_eq!((stats.entities, stats.quotes, stats.events), (2, 1, 1));
        let (code, source, evidence): (String, String, String) = store
            .conn
            .query_row(
                "SELECT events.code, entities.name, events.evidence FROM events \
                 JOIN entities ON entities.id = events.source_entity",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .unwrap();
        assert_eq!(
            (code.as_str(), source.as_str(), evidence.as_str()),
            ("036", "Russia", "Iran said Russia will host talks.")
        );
        let speaker: String = store
            .conn
            .query_row(
                "SELECT entities.name FROM quotes JOIN entities ON entities.id = quotes.speaker",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(speaker, "Iran");
        assert!(store.integrity_check().unwrap().is_empty());
    }

    #[test]
    fn a_second_writer_is_refused_while_the_first_holds_the_lock() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let err = Store::open(dir.path()).unwrap_err();
        assert!(matches!(err, StoreError::Locked { .. }), "{err}");
        assert!(
            err.to_string().contains("another chancery process"),
            "{err}"
        );
        // Readers are welcome meanwhile.
        assert_eq!(
            Reader::open(dir.path()).unwrap().stats().unwrap().articles,
            0
        );
        drop(store);
        Store::open(dir.path()).unwrap();
    }

    #[test]
    fn a_store_of_another_version_is_refused_with_advice() {
        let dir = tempfile::tempdir().unwrap();
        drop(Store::open(dir.path()).unwrap());
        let conn = Connection::open(dir.path().join(DATABASE_FILE)).unwrap();
        conn.pragma_update(None, "user_version", schema::SCHEMA_VERSION + 1)
            .unwrap();
        drop(conn);
        let err = Store::open(dir.path()).unwrap_err();
        assert!(matches!(err, StoreError::SchemaVersion { .. }), "{err}");
        assert!(err.to_string().contains("newer chancery"), "{err}");
        let err = Reader::open(dir.path()).unwrap_err();
        assert!(matches!(err, StoreError::SchemaVersion { .. }), "{err}");
    }

    #[test]
    fn another_database_is_not_taken_for_a_store() {
        let dir = tempfile::tempdir().unwrap();
        let conn = Connection::open(dir.path().join(DATABASE_FILE)).unwrap();
        conn.execute_batch("CREATE TABLE notes (body TEXT)")
            .unwrap();
        drop(conn);
        let err = Store::open(dir.path()).unwrap_err();
        assert!(matches!(err, StoreError::NotAStore { .. }), "{err}");
    }

    #[test]
    fn a_file_that_is_not_a_database_is_reported() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(DATABASE_FILE), vec![b'x'; 4096]).unwrap();
        let err = Store::open(dir.path()).unwrap_err();
        assert!(err.to_string().contains("not a database"), "{err}");
    }

    #[test]
    fn a_data_directory_that_cannot_be_created_is_reported() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("plain-file");
        std::fs::write(&file, "").unwrap();
        let err = Store::open(file.join("data")).unwrap_err();
        assert!(matches!(err, StoreError::NotWritable { .. }), "{err}");
        assert!(err.to_string().contains("choose a data directory"), "{err}");
    }

    #[test]
    fn a_postgres_url_is_not_taken_for_a_data_directory() {
        for error in [
            Store::open("postgres://db.example/news").unwrap_err(),
            Reader::open("postgres://db.example/news").unwrap_err(),
        ] {
            assert!(matches!(error, StoreError::NotInPostgres { .. }), "{error}");
            assert!(error.to_string().contains("--data DIR"), "{error}");
        }
        assert!(!Path::new("postgres:").exists());
    }

    #[test]
    fn reading_a_missing_store_says_how_to_make_one() {
        let dir = tempfile::tempdir().unwrap();
        let err = Reader::open(dir.path().join("nothing")).unwrap_err();
        assert!(err.to_string().contains("chancery ingest"), "{err}");
    }

    #[test]
    fn the_reader_finds_stored_ids() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(dir.path()).unwrap();
        store.write(&[document("a", None, STORY)]).unwrap();
        let reader = Reader::open(dir.path()).unwrap();
        let found = reader.stored(&["a", "b"]).unwrap();
        assert_eq!(found.keys().collect::<Vec<_>>(), ["a"]);
    }
}
