use std::io;
use std::path::PathBuf;

/// What can go wrong with a store. Each message says what to do about it.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// Another process holds the data directory's write lock.
    #[error(
        "another chancery process is writing to {dir} (it holds {dir}/lock); wait for it to \
         finish, or give this one another data directory"
    )]
    Locked {
        /// The data directory.
        dir: PathBuf,
    },
    /// The data directory or a file in it cannot be created or written.
    #[error(
        "cannot write to {path}: {source}; choose a data directory you can write to \
         (--data or CHANCERY_DATA)"
    )]
    NotWritable {
        /// What could not be written.
        path: PathBuf,
        /// Why.
        #[source]
        source: io::Error,
    },
    /// No store exists where one was to be read.
    #[error("no chancery store at {dir}; run `chancery ingest` to create one")]
    Missing {
        /// The data directory.
        dir: PathBuf,
    },
    /// The database was written by another version of the store.
    #[error(
        "{path} has store schema version {found}, but this chancery reads version {expected}; \
         {advice}"
    )]
    SchemaVersion {
        /// The database file.
        path: PathBuf,
        /// The version on disk.
        found: i64,
        /// The version this build reads and writes.
        expected: i64,
        /// What to do.
        advice: &'static str,
    },
    /// The file is an SQLite database, but not a chancery store.
    #[error(
        "{path} is not a chancery store (it holds other tables); use an empty or new data \
         directory"
    )]
    NotAStore {
        /// The database file.
        path: PathBuf,
    },
    /// The database file exists but holds nothing: not a store chancery
    /// made (it creates the file and its tables at once), so it is not
    /// taken for a new one.
    #[error(
        "{path} is empty (0 bytes) where a chancery store was expected; if the corpus was \
         lost, restore it from a backup, or delete the file to start a new corpus"
    )]
    EmptyDatabase {
        /// The database file.
        path: PathBuf,
    },
    /// An article could not be serialized for storage.
    #[error("cannot serialize article {id} for storage: {source}")]
    Serialize {
        /// The article's id.
        id: String,
        /// Why.
        #[source]
        source: serde_json::Error,
    },
    /// A stored analysis could not be read back (while upgrading a store).
    #[error(
        "the stored analysis of article {article} in {path} cannot be read: {source}; run \
         `chancery verify` on the data directory, and ingest the corpus again into a new one \
         if it reports damage"
    )]
    StoredAnalysis {
        /// The database file.
        path: PathBuf,
        /// The article's id (`doc_id`).
        article: String,
        /// Why.
        #[source]
        source: serde_json::Error,
    },
    /// A stored analysis cannot be read back (damaged on disk).
    #[error(
        "the stored analysis of article {id} cannot be read ({reason}); run `chancery verify` \
         and ingest the article again into a new data directory if it is damaged"
    )]
    Unreadable {
        /// The article's id.
        id: String,
        /// Why.
        reason: String,
    },
    /// The story clusterer's state could not be compressed for saving.
    #[error(
        "cannot compress the story clusterer's state for {url}: {source}; the machine may be \
         out of memory: free some and run again (the stories resume from the last save)"
    )]
    PackingStories {
        /// Where it was to be saved (a URL without its password).
        url: String,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The PostgreSQL store refused an operation, or could not be reached.
    #[error(
        "PostgreSQL error while {context} ({url}): {}{advice}",
        postgres_reason(source)
    )]
    Postgres {
        /// The database URL, its password left out.
        url: String,
        /// What the store was doing.
        context: &'static str,
        /// The driver's error.
        #[source]
        source: postgres::Error,
        /// What to do, when the error suggests something.
        advice: &'static str,
    },
    /// The PostgreSQL store was made by a newer chancery.
    #[error(
        "the PostgreSQL store at {url} has schema version {found}, but this chancery knows \
         versions up to {known}; upgrade chancery, or give it another database"
    )]
    PostgresSchema {
        /// The database URL, its password left out.
        url: String,
        /// The version in the database.
        found: i32,
        /// The newest version this build knows.
        known: i32,
    },
    /// PostgreSQL refused an article as a duplicate of a row it does not
    /// show (a conflict on a key this store does not write).
    #[error(
        "article {id} conflicts with a row the PostgreSQL store does not show; run the \
         ingest again, and check that nothing else writes the store's tables"
    )]
    Conflict {
        /// The article's id.
        id: String,
    },
    /// Something this build keeps only in a data directory (SQLite).
    #[error(
        "{what} is not kept in PostgreSQL yet; run this command with a data directory \
         (--data DIR) instead of a postgres:// URL"
    )]
    NotInPostgres {
        /// What was asked for.
        what: &'static str,
    },
    /// A value read back is not of the type its column holds.
    #[error(
        "unexpected value in column {column} while {context} ({location}): {detail}; the store \
         may be damaged or written by another version of chancery"
    )]
    Column {
        /// The database file, or the URL without its password.
        location: String,
        /// What the store was reading.
        context: &'static str,
        /// The column's position in the result.
        column: usize,
        /// What was expected and found.
        detail: String,
    },
    /// The database refused an operation.
    #[error("database error while {context} ({path}): {source}{advice}")]
    Sqlite {
        /// The database file.
        path: PathBuf,
        /// What the store was doing.
        context: &'static str,
        /// SQLite's error.
        #[source]
        source: rusqlite::Error,
        /// What to do, when the error code suggests something.
        advice: &'static str,
    },
    /// The watch state in PostgreSQL was made by a newer chancery.
    #[error(
        "the watch state in the PostgreSQL database at {url} (schema chancery_watch) has \
         version {found}, but this chancery knows versions up to {known}; upgrade chancery"
    )]
    PostgresWatchSchema {
        /// The database URL, its password left out.
        url: String,
        /// The version in the database.
        found: i32,
        /// The newest version this build knows.
        known: i32,
    },
}

impl StoreError {
    /// Wraps an SQLite error with what the store was doing and, for the error
    /// codes a user can act on, what to do.
    pub(crate) fn sqlite<'a>(
        path: &'a std::path::Path,
        context: &'static str,
    ) -> impl FnOnce(rusqlite::Error) -> StoreError + 'a {
        move |source| {
            use rusqlite::ErrorCode;
            let advice = match source.sqlite_error_code() {
                Some(ErrorCode::ReadOnly | ErrorCode::CannotOpen | ErrorCode::PermissionDenied) => {
                    "; choose a data directory you can write to (--data or CHANCERY_DATA)"
                }
                Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => {
                    "; another process is using the store: wait for it to finish"
                }
                Some(ErrorCode::DiskFull) => "; free some disk space and run again",
                Some(ErrorCode::DatabaseCorrupt | ErrorCode::NotADatabase) => {
                    "; the file is damaged or not a database: move it away and ingest again"
                }
                _ => "",
            };
            StoreError::Sqlite {
                path: path.to_path_buf(),
                context,
                source,
                advice,
            }
        }
    }
}

/// What PostgreSQL said, when it said something: the driver's own text for
/// a refused statement is only "db error".
fn postgres_reason(error: &postgres::Error) -> String {
    match error.as_db_error() {
        Some(db) => format!("{}: {}", db.code().code(), db.message()),
        None => error.to_string(),
    }
}
