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
    /// The client sends requests faster than the rate limit allows.
    #[error("too many requests from this client (limit {per_second} per second); wait and retry")]
    RateLimited {
        /// The limit.
        per_second: u32,
    },
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
            ServerError::Bind { .. } | ServerError::Start(_) | ServerError::Internal(_) => {
                (StatusCode::INTERNAL_SERVER_ERROR, "internal")
            }
            ServerError::Store(StoreError::Missing { .. }) => {
                (StatusCode::SERVICE_UNAVAILABLE, "no_corpus")
            }
            ServerError::Store(StoreError::Locked { .. }) => (StatusCode::CONFLICT, "store_busy"),
            ServerError::Store(StoreError::SchemaVersion { .. } | StoreError::NotAStore { .. }) => {
                (StatusCode::SERVICE_UNAVAILABLE, "store_unreadable")
            }
            ServerError::Store(_) => (StatusCode::INTERNAL_SERVER_ERROR, "store_error"),
            ServerError::NotFound(_) => (StatusCode::NOT_FOUND, "not_found"),
            ServerError::BadRequest(_) => (StatusCode::BAD_REQUEST, "bad_request"),
            ServerError::TooLarge { .. } => (StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large"),
            ServerError::RateLimited { .. } => (StatusCode::TOO_MANY_REQUESTS, "rate_limited"),
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
}

/// Errors from API routes are JSON: `{"error": {"code": "...", "message": "..."}}`.
impl IntoResponse for ServerError {
    fn into_response(self) -> Response {
        let (status, code) = self.status_and_code();
        let body = serde_json::json!({"error": {"code": code, "message": self.to_string()}});
        (status, axum::Json(body)).into_response()
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
    }
}
