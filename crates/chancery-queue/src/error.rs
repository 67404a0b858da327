//! The one error type of the queue library.

use chancery_ingest::IngestError;
use thiserror::Error;

/// What stops a queue operation. A job that fails is not an error of the
/// worker: it is retried, then dead-lettered with its problem.
#[derive(Debug, Error)]
pub enum QueueError {
    /// The queue's URL is not a PostgreSQL connection string.
    #[error(
        "{url:?} is not a PostgreSQL URL; give one like postgres://user@host:5432/dbname \
         (--queue or CHANCERY_QUEUE_URL)"
    )]
    Url {
        /// The URL as given, without its password.
        url: String,
        /// Why the driver refused it.
        #[source]
        source: postgres::Error,
    },
    /// PostgreSQL could not be reached or refused the login.
    #[error("cannot connect to the queue at {url}; is PostgreSQL running and the URL right?")]
    Connect {
        /// The URL as given, without its password.
        url: String,
        /// Why.
        #[source]
        source: postgres::Error,
    },
    /// A statement on the queue failed, said in `what`.
    #[error("{what}")]
    Sql {
        /// What was being done, as a sentence.
        what: &'static str,
        /// Why.
        #[source]
        source: postgres::Error,
    },
    /// The database holds a queue made by a newer chancery.
    #[error(
        "the queue's tables are version {found}, newer than this chancery knows ({known}); \
         run a chancery at least as new as the one that made them"
    )]
    NewerSchema {
        /// The version in the database.
        found: i32,
        /// The newest version this build knows.
        known: i32,
    },
    /// An input given to `enqueue` cannot be turned into jobs.
    #[error("{label}: {problem}")]
    Input {
        /// The file, line or URL.
        label: String,
        /// Why, with what to do.
        problem: String,
    },
    /// The ingest pipeline (the store) refused to start or stopped.
    #[error(transparent)]
    Ingest(#[from] IngestError),
    /// The operating system refused a thread.
    #[error("cannot start the worker's heartbeat thread")]
    Thread(#[source] std::io::Error),
}

impl QueueError {
    /// A failed statement, said in `what`.
    pub(crate) fn at(what: &'static str) -> impl FnOnce(postgres::Error) -> QueueError {
        move |source| QueueError::Sql { what, source }
    }
}

/// `url` without the password, for messages.
pub(crate) fn redact(url: &str) -> String {
    // postgres://user:password@host/…: the password is between the first
    // ':' after the scheme and the '@'.
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let Some((userinfo, host)) = rest.split_once('@') else {
        return url.to_string();
    };
    match userinfo.split_once(':') {
        Some((user, _)) => format!("{scheme}://{user}:***@{host}"),
        None => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_never_reach_messages() {
        assert_eq!(
            redact("postgres://chancery:s3cret@db:5432/news"),
            "postgres://chancery:***@db:5432/news"
        );
        assert_eq!(
            redact("postgres://chancery@db/news"),
            "postgres://chancery@db/news"
        );
        assert_eq!(redact("host=db user=x"), "host=db user=x");
    }
}
