//! Live news for chancery: what to follow (a sources file), what feeds and
//! sitemaps list, and fetching it over HTTP with manners and safety.
//!
//! This crate does network I/O and nothing else: no analysis, no storage.
//! `chancery_ingest::Watcher` (run by `chancery watch` and `chancery serve
//! --watch`) keeps feed state and the fetch queue in the store
//! (`chancery_store::WatchState`) and hands fetched pages to the same
//! pipeline as `chancery ingest`.
//!
//! - [`read_sources`]: the sources file (plain text or TOML).
//! - [`canonicalize`]: the one spelling of a URL (no fragment, no tracking
//!   parameters), under which it is deduplicated.
//! - [`parse_listing`]: the items of an RSS/Atom/JSON feed, a sitemap or a
//!   sitemap index (news extension included).
//! - [`Crawler`]: fetches URLs politely (robots.txt, one request at a time
//!   per host with a delay, a global rate, retries with backoff and jitter,
//!   Retry-After, capped redirects) and safely ([`guard`]: no connection to
//!   a non-public address unless allowed; size, time and decompression caps;
//!   content types).
//! - [`PollPolicy`]: adaptive polling intervals.

#![deny(missing_docs)]

mod canon;
mod crawl;
mod discover;
mod error;
mod fetch;
#[cfg(feature = "fixture")]
pub mod fixture;
pub mod guard;
mod schedule;
mod sources;

pub use canon::{canonicalize, host_key};
pub use crawl::{CrawlConfig, CrawlStats, Crawler, Finished, Task};
pub use discover::{looks_like_html, parse_listing, Item, Listing, ListingKind};
pub use error::WatchError;
pub use fetch::{parse_retry_after, Body, FetchConfig, Fetcher, Response, Validators, Want};
pub use schedule::PollPolicy;
pub use sources::{
    parse_sources, parse_toml_sources, read_sources, Source, SourceKind, SourcesFile,
};
pub use url::Url;
