use std::io;
use std::net::SocketAddr;

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chancery_store::StoreError;

/// What can go wrong in the server. Each message says what to do; each
/// variant has a stable `code` that API clients can match on
/// ([`ServerError::code`]).
#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    /// The address could not be bound.
    #[error("cannot listen on {addr}: {source}; choose another address with --addr")]
    Bind {
        /// The address.
        addr: SocketAddr,
        /// Why.
        #[source]
        source: io::Error,
    },
    /// The async runtime or a server thread could not be started.
    #[error("cannot start the server: {0}")]
    Start(#[source] io::Error),
    /// The watcher (`--watch`) could not start or stopped with an error.
    #[error("the watcher: {0}")]
    Watch(#[source] chancery_ingest::IngestError),
    /// The corpus refused a query or a write.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Nothing at this address.
    #[error("{0} not found")]
    NotFound(String),
    /// The request is malformed; the message says which part.
    #[error("bad request: {0}")]
    BadRequest(String),
    /// The request body is over the limit.
    #[error("the request body is over the {limit}-byte limit; send less (one article per analyze request)")]
    TooLarge {
        /// The limit in bytes.
        limit: usize,
    },
    /// The request target (path and query string) is over the limit.
    #[error("the request's path and query string are over {limit} bytes; send fewer or shorter parameters")]
    UriTooLong {
        /// The limit in bytes.
        limit: usize,
    },
    /// The request's headers are over what the server reads.
    #[error("the request's headers are too large; send fewer or shorter headers")]
    HeadersTooLarge,
    /// The request could not be read as HTTP/1.1 at all.
    #[error("the request is not HTTP/1.1 the server can read")]
    Malformed,
    /// The client sends requests faster than the rate limit allows.
    #[error("too many requests from this client (limit {per_second} per second); wait and retry")]
    RateLimited {
        /// The limit.
        per_second: u32,
    },
    /// The client already runs as many requests at once as it may.
    #[error(
        "this client already has {running} requests running; wait for them to finish (analyses \
         and ingests run one at a time per client)"
    )]
    TooManyAtOnce {
        /// Requests of the client running.
        running: usize,
    },
    /// The request's `Host` header names a host this server does not
    /// answer for.
    #[error(
        "this server does not answer for the host this request names; open it by its own \
         address, or start it with --allow-host NAME"
    )]
    HostNotAllowed,
    /// Ingest over HTTP was not enabled.
    #[error(
        "ingest over HTTP is off; start the server with --token (or CHANCERY_TOKEN) to allow it"
    )]
    IngestDisabled,
    /// The ingest token is missing or wrong.
    #[error("missing or wrong token; send the header `Authorization: Bearer <token>`")]
    Unauthorized,
    /// A document could not be read (not text, empty, over the cap).
    #[error("cannot read the document: {0}")]
    Unreadable(String),
    /// The request took too long and was abandoned.
    #[error("the request took longer than {seconds} s and was abandoned; narrow the query")]
    Timeout {
        /// The time limit.
        seconds: u64,
    },
    /// A bug or a lost worker thread.
    #[error("internal error: {0}; please report it")]
    Internal(String),
}

impl ServerError {
    /// The HTTP status and the stable error code of each error: the one
    /// table that maps failures to HTTP.
    pub fn status_and_code(&self) -> (StatusCode, &'static str) {
        match self {
            ServerError::Bind { .. }
            | ServerError::Start(_)
            | ServerError::Watch(_)
            | ServerError::Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
            ServerError::Store(StoreError::Missing { .. }) => {
                (StatusCode::SERVICE_UNAVAILABLE, "no_corpus")
            }
            ServerError::Store(StoreError::Locked { .. }) => (StatusCode::CONFLICT, "store_busy"),
            ServerError::Store(StoreError::NotInPostgres { .. }) => {
                (StatusCode::NOT_IMPLEMENTED, "not_in_postgres")
            }
            ServerError::Store(
                StoreError::SchemaVersion { .. }
                | StoreError::NotAStore { .. }
                | StoreError::EmptyDatabase { .. },
            ) => (StatusCode::SERVICE_UNAVAILABLE, "store_unreadable"),
            ServerError::Store(_) => (StatusCode::INTERNAL_SERVER_ERROR, "store_error"),
            ServerError::NotFound(_) => (StatusCode::NOT_FOUND, "not_found"),
            ServerError::BadRequest(_) => (StatusCode::BAD_REQUEST, "bad_request"),
            ServerError::TooLarge { .. } => (StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large"),
            ServerError::UriTooLong { .. } => (StatusCode::URI_TOO_LONG, "uri_too_long"),
            ServerError::HeadersTooLarge => (
                StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
                "headers_too_large",
            ),
            ServerError::Malformed => (StatusCode::BAD_REQUEST, "malformed_request"),
            ServerError::RateLimited { .. } => (StatusCode::TOO_MANY_REQUESTS, "rate_limited"),
            ServerError::TooManyAtOnce { .. } => {
                (StatusCode::TOO_MANY_REQUESTS, "too_many_at_once")
            }
            ServerError::HostNotAllowed => (StatusCode::MISDIRECTED_REQUEST, "host_not_allowed"),
            ServerError::IngestDisabled => (StatusCode::FORBIDDEN, "ingest_disabled"),
            ServerError::Unauthorized => (StatusCode::UNAUTHORIZED, "unauthorized"),
            ServerError::Unreadable(_) => (StatusCode::UNPROCESSABLE_ENTITY, "unreadable"),
            ServerError::Timeout { .. } => (StatusCode::SERVICE_UNAVAILABLE, "timeout"),
        }
    }

    /// The stable error code (`not_found`, `bad_request`…).
    pub fn code(&self) -> &'static str {
        self.status_and_code().1
    }

    /// The message a client sees: the caller's mistakes in full; for
    /// faults of the server or its corpus a message without paths, panic
    /// text or internals (those go to the server's log).
    pub fn public_message(&self) -> String {
        match self {
            ServerError::Bind { .. }
            | ServerError::Start(_)
            | ServerError::Watch(_)
            | ServerError::Internal(_) => {
                "internal error while answering this request; the server log has the details"
                    .into()
            }
            ServerError::Store(StoreError::Missing { .. }) => {
                "there is no corpus in the served data directory yet; fill it with `chancery ingest`"
                    .into()
            }
            ServerError::Store(StoreError::Locked { .. }) => {
                "the corpus is busy with a write; retry in a moment".into()
            }
            ServerError::Store(error @ StoreError::NotInPostgres { .. }) => error.to_string(),
            ServerError::Store(
                StoreError::SchemaVersion { .. }
                | StoreError::NotAStore { .. }
                | StoreError::EmptyDatabase { .. },
            ) => {
                "the served database cannot be read by this chancery; the server log says why"
                    .into()
            }
            ServerError::Store(_) => {
                "the corpus could not answer this request; the server log has the details".into()
            }
            other => other.to_string(),
        }
    }

    /// The JSON body of the error: `{"error": {"code", "message"}}`.
    pub fn body(&self) -> serde_json::Value {
        serde_json::json!({"error": {"code": self.code(), "message": self.public_message()}})
    }

    /// True when the full message belongs in the server's log only.
    fn is_fault(&self) -> bool {
        self.status_and_code().0.is_server_error() && !matches!(self, ServerError::Timeout { .. })
    }
}

/// Errors from API routes are JSON: `{"error": {"code": "...", "message": "..."}}`.
impl IntoResponse for ServerError {
    fn into_response(self) -> Response {
        let (status, code) = self.status_and_code();
        if self.is_fault() {
            eprintln!("chancery: {code}: {self}");
        }
        (status, axum::Json(self.body())).into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_corpus_is_its_own_code() {
        let err = ServerError::from(StoreError::Missing {
            dir: "/tmp/nothing".into(),
        });
        assert_eq!(
            err.status_and_code(),
            (StatusCode::SERVICE_UNAVAILABLE, "no_corpus")
        );
        assert!(err.to_string().contains("chancery ingest"), "{err}");
        assert!(
            !err.public_message().contains("/tmp"),
            "{}",
            err.public_message()
        );
    }

    #[test]
    fn faults_keep_panic_text_and_paths_out_of_the_body() {
        let err = ServerError::Internal(
            "an analysis thread failed: task 7 panicked with message \"begin > end\" at /home/x/src/doc.rs"
                .into(),
        );
        let message = err.public_message();
        assert!(
            !message.contains("panicked") && !message.contains("/home"),
            "{message}"
        );
        assert_eq!(err.status_and_code().0, StatusCode::INTERNAL_SERVER_ERROR);
        let bad = ServerError::BadRequest("limit must be a number".into());
        assert!(bad.public_message().contains("limit must be a number"));
    }
}
