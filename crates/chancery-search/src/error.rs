use std::path::PathBuf;

/// What can go wrong with a search. Each message says what to do about it.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    /// The data directory holds no store to search.
    #[error(
        "no chancery corpus at {dir}; run `chancery ingest --data {dir} PATH...` first to \
         create one, or point --data (or CHANCERY_DATA) at an existing data directory"
    )]
    NoStore {
        /// The data directory.
        dir: PathBuf,
    },
    /// The store could not be read.
    #[error(transparent)]
    Store(#[from] chancery_store::StoreError),
    /// The index directory could not be created, opened or written.
    #[error(
        "cannot {action} the search index in {dir}: {source}; the index is rebuilt from the \
         store, so deleting {dir} is always safe (it needs write access to the data directory)"
    )]
    Index {
        /// The index directory (`DATA/search`).
        dir: PathBuf,
        /// What was being done.
        action: &'static str,
        /// tantivy's error.
        #[source]
        source: tantivy::TantivyError,
    },
    /// Another process is rebuilding the index.
    #[error(
        "another chancery process is rebuilding the search index in {dir}; wait for it to \
         finish and run again"
    )]
    Busy {
        /// The index directory.
        dir: PathBuf,
    },
    /// The query text could not be parsed.
    #[error(
        "cannot read the query {query:?}: {reason}. Words are stemmed and all must match; \
         quote phrases (\"prime minister\"), join alternatives with OR, exclude with - or NOT, \
         and name fields as title:, body:, entity:, person:, country:, actor:, event:, source:"
    )]
    Query {
        /// The query as given.
        query: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A filter value could not be used.
    #[error("bad {filter} {value:?}: {expected}")]
    Filter {
        /// The filter (`--from`, `--person`…).
        filter: &'static str,
        /// The value given.
        value: String,
        /// What was expected.
        expected: &'static str,
    },
    /// The article to find similar ones for is not in the store.
    #[error(
        "no article {key:?} in the corpus at {dir}; give the number `chancery search` shows, \
         the article's id or the id it was ingested with"
    )]
    UnknownArticle {
        /// The id as given.
        key: String,
        /// The data directory.
        dir: PathBuf,
    },
    /// The index could not be read: its files are damaged in a way tantivy
    /// did not report as an error. It is derived data, rebuilt from the
    /// store ([`crate::SearchIndex::rebuild`]; opening rebuilds it too).
    #[error(
        "the search index in {dir} is damaged ({detail}); it is rebuilt from the store when          opened again"
    )]
    Damaged {
        /// The index directory.
        dir: PathBuf,
        /// What failed, for the log.
        detail: String,
    },
    /// tantivy failed while searching.
    #[error("search failed in {dir}: {source}; if this persists, delete {dir} to rebuild it")]
    Search {
        /// The index directory.
        dir: PathBuf,
        /// tantivy's error.
        #[source]
        source: tantivy::TantivyError,
    },
}
