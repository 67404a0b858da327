//! The one error type of the crate.

use std::time::Duration;

/// What can go wrong while reading sources or fetching. Each message names
/// the file or URL and says what to do.
#[derive(Debug, thiserror::Error)]
pub enum WatchError {
    /// The sources file cannot be read.
    #[error("cannot read the sources file {path}: {source}; check the path given to --sources")]
    ReadSources {
        /// The file.
        path: String,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// A line of the sources file is not a source.
    #[error("{path}:{line}: {problem}")]
    Sources {
        /// The file.
        path: String,
        /// The line number, from 1.
        line: usize,
        /// What is wrong with it and what to write instead.
        problem: String,
    },
    /// A URL that cannot be fetched: unparsable, or not http(s).
    #[error("{url}: {problem}")]
    BadUrl {
        /// The URL as given.
        url: String,
        /// Why it is refused.
        problem: String,
    },
    /// The host resolves to an address the SSRF guard refuses.
    #[error("{url}: refused: {problem} (pass --allow-private to fetch from private networks)")]
    Forbidden {
        /// The URL.
        url: String,
        /// The address and why it is refused.
        problem: String,
    },
    /// robots.txt of the host disallows the URL for our user agent.
    #[error("{url}: disallowed by the site's robots.txt; not fetched")]
    Robots {
        /// The URL.
        url: String,
    },
    /// The server answered with an error status.
    #[error("{url}: HTTP {status}{}", retry_after.map(|d| format!(" (Retry-After {}s)", d.as_secs())).unwrap_or_default())]
    Status {
        /// The URL.
        url: String,
        /// The status code.
        status: u16,
        /// When the server asked us to come back.
        retry_after: Option<Duration>,
    },
    /// The request or the body took longer than allowed.
    #[error("{url}: timed out ({what})")]
    Timeout {
        /// The URL.
        url: String,
        /// Which limit.
        what: String,
    },
    /// The body (or its decompressed form) is over the size cap.
    #[error("{url}: response is over the {limit}-byte cap{}; not kept", if *decompressed { " after decompression" } else { "" })]
    TooLarge {
        /// The URL.
        url: String,
        /// The cap in bytes.
        limit: u64,
        /// Whether the cap was hit while decompressing.
        decompressed: bool,
    },
    /// The response is of a kind we do not read (an image, a PDF…).
    #[error("{url}: content type {content_type:?} is not a page or a feed; skipped")]
    ContentType {
        /// The URL.
        url: String,
        /// The content type the server gave.
        content_type: String,
    },
    /// Too many redirects, or a redirect loop.
    #[error("{url}: {problem}")]
    Redirect {
        /// The URL first asked for.
        url: String,
        /// The loop or the cap.
        problem: String,
    },
    /// Connection refused, reset, DNS failure, a broken response.
    #[error("{url}: {problem}")]
    Transport {
        /// The URL.
        url: String,
        /// What the HTTP client said.
        problem: String,
    },
    /// The body is neither a feed nor a sitemap.
    #[error("{url}: not an RSS, Atom or JSON feed or a sitemap: {problem}")]
    NotAListing {
        /// The URL.
        url: String,
        /// What the parser said.
        problem: String,
    },
}

impl WatchError {
    /// Whether trying again later may succeed: 429, 5xx, timeouts and
    /// broken connections; never 4xx, robots, the guard or size caps.
    pub fn is_transient(&self) -> bool {
        match self {
            WatchError::Status { status, .. } => *status == 429 || *status >= 500,
            WatchError::Timeout { .. } | WatchError::Transport { .. } => true,
            _ => false,
        }
    }

    /// The delay the server asked for, if any.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            WatchError::Status { retry_after, .. } => *retry_after,
            _ => None,
        }
    }
}
