//! Opening the index and catching it up with the store.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use chancery_store::{SearchFeed, StoreError};
use serde::{Deserialize, Serialize};
use tantivy::directory::error::LockError;
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument, TantivyError};

use crate::fields::{register_analyzers, Fields};
use crate::SearchError;

/// The index's folder inside a data directory.
pub const INDEX_DIR: &str = "search";

/// Where the index of `data` (a `--data` value) lives unless told: inside a
/// data directory (`DATA/search`); for a PostgreSQL store, which has no
/// directory, under the user's cache directory (`$XDG_CACHE_HOME`, else
/// `~/.cache`): `chancery/search/DATABASE-HASH`, the hash of the URL
/// without its password, so each database has its own index and a new
/// password keeps it. Derived data: deleting it costs a rebuild.
pub fn default_index_dir(data: &Path) -> PathBuf {
    let Some(url) = chancery_store::postgres_url(data) else {
        return data.join(INDEX_DIR);
    };
    let shown = chancery_store::redacted(url);
    let database = shown
        .split(['?', '#'])
        .next()
        .and_then(|base| base.rsplit('/').next())
        .filter(|name| !name.is_empty())
        .unwrap_or("postgres");
    let name: String = database
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let without_password = shown.replacen(":***@", "@", 1);
    let hash = xxhash_rust::xxh3::xxh3_64(without_password.as_bytes());
    let cache = std::env::var_os("XDG_CACHE_HOME")
        .filter(|dir| !dir.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cache")))
        .unwrap_or_else(std::env::temp_dir);
    cache
        .join("chancery")
        .join(INDEX_DIR)
        .join(format!("{name}-{hash:016x}"))
}

/// The version of the index's fields and analyzers. An index of another
/// version is rebuilt from the store on open.
const INDEX_FORMAT: u32 = 1;

/// Articles read from the store per page while catching up.
pub(crate) const FEED_PAGE: usize = 256;

/// The indexing heap: one segment holds a few thousand articles, and a
/// catch-up of a large store flushes as it goes.
const WRITER_HEAP_BYTES: usize = 64 * 1024 * 1024;

/// What the index remembers of the store, in its commit payload: how far it
/// has read, and the `doc_id` of that article, to notice a store that was
/// deleted and ingested again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Marker {
    format: u32,
    pub(crate) last_article: i64,
    last_doc_id: Option<String>,
}

/// How [`SearchIndex::open_with`] treats the index on disk.
#[derive(Debug, Clone, Copy, Default)]
pub struct OpenOptions {
    /// Delete the index and build it again from the store.
    pub rebuild: bool,
}

/// What opening the index did to bring it up to date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CatchUp {
    /// Articles added to the index.
    pub indexed: u64,
    /// Whether the index was built from scratch (new, asked for, or of
    /// another version or another store).
    pub rebuilt: bool,
    /// Whether another process held the index's writer, so new articles
    /// were left for a later open.
    pub deferred: bool,
    /// The last article id the index has read up to.
    pub last_article: i64,
    /// Time spent indexing and committing.
    pub elapsed: Duration,
}

/// A search index over one store (a data directory, or a PostgreSQL
/// database), caught up with it by article id.
///
/// Opening is cheap when nothing is new (a read of the index's metadata and
/// one query to the store); a store that grew since is indexed on the way.
pub struct SearchIndex {
    pub(crate) index: Index,
    pub(crate) reader: IndexReader,
    pub(crate) fields: Fields,
    pub(crate) data_dir: PathBuf,
    pub(crate) dir: PathBuf,
    catch_up: CatchUp,
}

impl std::fmt::Debug for SearchIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SearchIndex")
            .field("dir", &self.dir)
            .field("catch_up", &self.catch_up)
            .finish_non_exhaustive()
    }
}

impl SearchIndex {
    /// Opens the index of the data directory `data_dir` (in
    /// `data_dir/search`), creating it on first use and indexing what the
    /// store holds beyond it.
    pub fn open(data_dir: impl AsRef<Path>) -> Result<SearchIndex, SearchError> {
        SearchIndex::open_with(data_dir, OpenOptions::default())
    }

    /// [`SearchIndex::open`] with options.
    pub fn open_with(
        data_dir: impl AsRef<Path>,
        options: OpenOptions,
    ) -> Result<SearchIndex, SearchError> {
        let data_dir = data_dir.as_ref();
        SearchIndex::open_in(data_dir, &default_index_dir(data_dir), options)
    }

    /// The index of the store `data` names (a data directory or a
    /// `postgres://` URL) kept in the folder `dir`, created on first use and
    /// caught up with the store.
    pub fn open_in(
        data: impl AsRef<Path>,
        dir: &Path,
        options: OpenOptions,
    ) -> Result<SearchIndex, SearchError> {
        let data_dir = data.as_ref();
        let dir = dir.to_path_buf();
        let open = |options| contain(&dir, || SearchIndex::open_once(data_dir, &dir, options));
        match open(options) {
            // A damaged index (a lost, truncated or scribbled segment file,
            // whether tantivy reports it or panics on it) is derived data
            // like any other: build it again before giving up.
            Err(
                SearchError::Index { .. }
                | SearchError::Search { .. }
                | SearchError::Damaged { .. },
            ) if !options.rebuild => open(OpenOptions { rebuild: true }),
            result => result,
        }
    }

    /// Deletes the index and builds it again from the store: what to do
    /// after [`SearchError::Damaged`].
    pub fn rebuild(&mut self) -> Result<(), SearchError> {
        let (data_dir, dir) = (self.data_dir.clone(), self.dir.clone());
        *self = SearchIndex::open_in(data_dir, &dir, OpenOptions { rebuild: true })?;
        Ok(())
    }

    fn open_once(
        data_dir: &Path,
        dir: &Path,
        options: OpenOptions,
    ) -> Result<SearchIndex, SearchError> {
        let data_dir = data_dir.to_path_buf();
        let feed = open_feed(&data_dir)?;
        let dir = dir.to_path_buf();
        let index = open_index(&dir, options.rebuild)?;
        let fields = Fields::of(&index.schema()).map_err(|field| SearchError::Index {
            dir: dir.clone(),
            action: "read",
            source: TantivyError::SchemaError(format!("no field {field}")),
        })?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()
            .map_err(index_error(&dir, "open"))?;
        let mut search = SearchIndex {
            index,
            reader,
            fields,
            data_dir,
            dir,
            catch_up: CatchUp::default(),
        };
        search.catch_up = search.catch_up_with(&feed, options.rebuild)?;
        Ok(search)
    }

    /// Indexes what the store holds beyond the index: for a process that
    /// keeps an index open while ingests go on.
    pub fn refresh(&mut self) -> Result<CatchUp, SearchError> {
        let feed = open_feed(&self.data_dir)?;
        self.catch_up = self.catch_up_with(&feed, false)?;
        Ok(self.catch_up)
    }

    /// What the last open or refresh did.
    pub fn catch_up(&self) -> CatchUp {
        self.catch_up
    }

    /// The number of articles searchable.
    pub fn num_articles(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// The index's folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn catch_up_with(&self, feed: &SearchFeed, rebuild: bool) -> Result<CatchUp, SearchError> {
        let metas = self
            .index
            .load_metas()
            .map_err(index_error(&self.dir, "read"))?;
        let marker = metas
            .payload
            .as_deref()
            .and_then(|p| serde_json::from_str::<Marker>(p).ok());
        let store_last = feed.last_id()?;
        let (start, rebuild) = match &marker {
            _ if rebuild => (0, true),
            // A new index, one of another format, or one whose store was
            // replaced: what it holds cannot be trusted, so start over.
            None => (0, true),
            Some(m) if m.format != INDEX_FORMAT => (0, true),
            Some(m) if m.last_article > store_last => (0, true),
            Some(m) if m.last_article > 0 && feed.doc_id(m.last_article)? != m.last_doc_id => {
                (0, true)
            }
            Some(m) if m.last_article == store_last => {
                return Ok(CatchUp {
                    last_article: store_last,
                    ..CatchUp::default()
                });
            }
            Some(m) => (m.last_article, false),
        };

        let started = Instant::now();
        let mut writer: IndexWriter<TantivyDocument> =
            match self.index.writer_with_num_threads(1, WRITER_HEAP_BYTES) {
                Ok(writer) => writer,
                Err(TantivyError::LockFailure(LockError::LockBusy, _)) if !rebuild => {
                    // Another process is catching up: search what is
                    // committed now rather than wait for it.
                    return Ok(CatchUp {
                        deferred: true,
                        last_article: marker.map_or(0, |m| m.last_article),
                        ..CatchUp::default()
                    });
                }
                Err(TantivyError::LockFailure(LockError::LockBusy, _)) => {
                    return Err(SearchError::Busy {
                        dir: self.dir.clone(),
                    })
                }
                Err(e) => return Err(index_error(&self.dir, "write")(e)),
            };
        if rebuild {
            writer
                .delete_all_documents()
                .map_err(index_error(&self.dir, "write"))?;
        }
        let mut indexed = 0;
        for article in feed.canonical_after(start, store_last, FEED_PAGE) {
            let article = article?;
            writer
                .add_document(self.fields.document(&article))
                .map_err(index_error(&self.dir, "write"))?;
            indexed += 1;
        }
        let marker = Marker {
            format: INDEX_FORMAT,
            last_article: store_last,
            last_doc_id: if store_last > 0 {
                feed.doc_id(store_last)?
            } else {
                None
            },
        };
        let payload = serde_json::to_string(&marker).unwrap_or_default();
        let mut commit = writer
            .prepare_commit()
            .map_err(index_error(&self.dir, "write"))?;
        commit.set_payload(&payload);
        commit.commit().map_err(index_error(&self.dir, "write"))?;
        // Merges run in the background; waiting for them leaves few segments
        // for the next search, which opens them all.
        writer
            .wait_merging_threads()
            .map_err(index_error(&self.dir, "write"))?;
        self.reader
            .reload()
            .map_err(index_error(&self.dir, "open"))?;
        Ok(CatchUp {
            indexed,
            rebuilt: rebuild,
            deferred: false,
            last_article: store_last,
            elapsed: started.elapsed(),
        })
    }
}

pub(crate) fn open_feed(data_dir: &Path) -> Result<SearchFeed, SearchError> {
    SearchFeed::open(data_dir).map_err(|e| match e {
        StoreError::Missing { dir } => SearchError::NoStore { dir },
        other => SearchError::Store(other),
    })
}

/// Opens the index in `dir`, or creates it when it is missing, of another
/// format, unreadable, or to be rebuilt.
fn open_index(dir: &Path, rebuild: bool) -> Result<Index, SearchError> {
    if !rebuild && dir.join("meta.json").is_file() {
        if let Ok(index) = Index::open_in_dir(dir) {
            if Fields::of(&index.schema()).is_ok() {
                register_analyzers(index.tokenizers());
                return Ok(index);
            }
        }
    }
    // Derived data: whatever is there is rebuilt from the store.
    if dir.exists() {
        std::fs::remove_dir_all(dir).map_err(|e| SearchError::Index {
            dir: dir.to_path_buf(),
            action: "replace",
            source: TantivyError::from(e),
        })?;
    }
    std::fs::create_dir_all(dir).map_err(|e| SearchError::Index {
        dir: dir.to_path_buf(),
        action: "create",
        source: TantivyError::from(e),
    })?;
    let index = Index::create_in_dir(dir, Fields::schema()).map_err(index_error(dir, "create"))?;
    register_analyzers(index.tokenizers());
    Ok(index)
}

/// Runs `work` on the index in `dir`, turning a panic inside tantivy (its
/// answer to some kinds of damage on disk) into [`SearchError::Damaged`].
pub(crate) fn contain<T>(
    dir: &Path,
    work: impl FnOnce() -> Result<T, SearchError>,
) -> Result<T, SearchError> {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(work)) {
        Ok(result) => result,
        Err(payload) => {
            let detail = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown failure".into());
            Err(SearchError::Damaged {
                dir: dir.to_path_buf(),
                detail,
            })
        }
    }
}

pub(crate) fn index_error<'a>(
    dir: &'a Path,
    action: &'static str,
) -> impl FnOnce(TantivyError) -> SearchError + 'a {
    move |source| SearchError::Index {
        dir: dir.to_path_buf(),
        action,
        source,
    }
}
