//! The corpus on disk: analysed articles with their entities, quotes and
//! events in one SQLite database per data directory, with exact and
//! near-duplicate detection.
//!
//! **Only the store knows SQL.** Other crates write through [`Store::write`]
//! and read through [`Reader`]; tools outside the project may query the
//! tables below with plain SQL.
//!
//! The same store can live in PostgreSQL instead (`--data postgres://…`):
//! [`AnyStore`], [`AnyReader`] and [`AnyExport`] open either backend from
//! one `--data` value; the PostgreSQL tables are described in `pg/schema.rs`
//! (those below, in the schema `chancery`, plus the writers' key locks).
//!
//! A data directory holds `chancery.db` (SQLite in WAL mode, with its `-wal`
//! and `-shm` files) and `lock`, which the one writer holds while it writes.
//! Each [`Store::write`] is one transaction, so a process killed at any point
//! leaves every batch it committed and none of the one it was writing.
//!
//! ```
//! use chancery_model::{Analysis, Article};
//! use chancery_store::{Document, Outcome, Reader, Store};
//!
//! # fn main() -> Result<(), chancery_store::StoreError> {
//! let dir = tempfile::tempdir().unwrap();
//! let mut store = Store::open(dir.path())?;
//! let article = Article {
//!     id: "a1".into(),
//!     text: "The council approved the plan on Thursday.".into(),
//!     ..Article::default()
//! };
//! let document = Document::new(Analysis::from_article(article))?;
//! let outcomes = store.write(&[document.clone(), document])?;
//! assert!(matches!(outcomes[0], Outcome::Stored { duplicate_of: None, .. }));
//! assert!(matches!(outcomes[1], Outcome::Duplicate { .. }));
//! assert_eq!(Reader::open(dir.path())?.stats()?.articles, 1);
//! # Ok(())
//! # }
//! ```
//!
//! # Tables (schema version [`SCHEMA_VERSION`], in `PRAGMA user_version`)
//!
//! - `articles`: `id` (internal, referenced by the other tables), `doc_id`
//!   (the article's stable id: a hash of its canonical URL, else of its
//!   normalized text; unique), `external_id` (the caller's id; unique),
//!   `url`, `canonical_url`, `content_hash` (of the lower-cased words),
//!   `simhash` (64-bit, over word 3-shingles), `minhash` (signature blob),
//!   `title`, `published` (ISO 8601) and `published_precision`, `source`,
//!   `site`, `language`, `text`, `analysis` (version 4: the JSON contract
//!   of `chancery analyze` with an empty `text`, as a blob: a format byte
//!   (1), then a zstd frame compressed with the dictionary
//!   `src/analysis-v1.dict`; the text is the `text` column, and
//!   [`decode_analysis`] puts the two together),
//!   `duplicate_of` (the first-seen article this one is
//!   a near-duplicate of) and `similarity` (estimated Jaccard with it),
//!   `is_stub`, `flags` (version 6: a JSON object of the quality flags
//!   that are set, `{}` when none; the analysis has them all),
//!   `ingested_at` (UTC).
//! - `entities`: `article`, `local_id` (`e1`…, as in the JSON), `name`,
//!   `kind`, `country`, `actor_code`, `aliases` and `roles` (JSON),
//!   `mentions` (count).
//! - `quotes`: `article`, `kind`, `start`, `end`, `text`, `speaker`
//!   (`entities.id`), `speaker_text`, `cue`, `confidence`.
//! - `events`: one row per event: `article`, `code`, `root`, `quad_class`,
//!   `goldstein`, `plover_type`, `plover_mode`, `source_code`,
//!   `source_entity`, `target_code`, `target_entity` (`entities.id`),
//!   `modality`, `date`, `date_precision`, `location`, `field` (`text` or
//!   `title`: what the spans point into), `trigger_start`, `trigger_end`,
//!   `evidence_start`, `evidence_end`, `evidence` (the sentence), `mentions`,
//!   `confidence`; where it happened (version 4, from the analysis's
//!   `event_places`; null when unlocated): `location_place` (`places.id`),
//!   `location_geonames_id`, `location_name` ("City, ADM1, Country"),
//!   `location_lat`, `location_lon` (WGS84), `location_country` (ISO
//!   alpha-3), `location_basis` (how it was located: `clause`, `actor`,
//!   `dateline` or `actor_country`, a fallback).
//! - `places` (version 4): one row per gazetteer feature the canonical
//!   articles name or locate events at: `id` (GDELT's FeatureID: GeoNames
//!   id, ADM1 code or FIPS country code), `geonames_id`, `name`, `name_key`
//!   (lower case, for prefixes), `full_name`, `feature_class`,
//!   `feature_code`, `lat`, `lon`, `country` (ISO alpha-3), `country_fips`,
//!   `adm1`, `articles` (canonical articles naming it, metonymy aside, or
//!   locating an event there), `events` (their events located there).
//!   Indexed by coordinates, country and name; kept on write, backfilled
//!   from the stored analyses when a version 1–3 store is upgraded.
//! - `lsh_buckets`: `key`, `article`: the near-duplicate index (MinHash LSH
//!   bands of first-seen articles; version 6: 32-bit keys).
//! - `content_checksums`: `article`, `checksum` (xxh3 of the article's
//!   title, text and analysis blob when written), read by `chancery verify`.
//! - `watch_feeds` (version 3): the feeds and sitemaps `chancery watch`
//!   follows: `url`, `kind`, `etag`, `last_modified`, `last_poll`,
//!   `next_poll`, `interval_secs`, `error_streak`, `last_error`,
//!   `new_items`, `total_items`, `polls`, `errors`.
//! - `watch_queue` (version 3): article URLs to fetch, each once: `url`
//!   (canonical, unique), `source`, `updated` (the listing's stamp),
//!   `state` (0 pending, 1 done, 2 retry at `next_try`, 3 failed for good),
//!   `attempts`, `etag`, `last_modified`, `last_error`, `queued_at`,
//!   `done_at` (Unix seconds).
//! - Rollups (version 7), kept by the writer in the batch's transaction,
//!   over canonical rows unless said: `rollup_totals` (`name`, `n`:
//!   `articles`, `near_duplicates`, `stubs` of all articles; `canonical`,
//!   `listed` (canonical, not stubs), `quotes`, `events`),
//!   `rollup_entities` (`name`, `all_rows` (near-duplicates' too),
//!   `articles`, `mentions`, `best`: `mentions * 2^40 - id` of the row its
//!   kind and codes are read from), `rollup_actors` (`code`, `as_source`,
//!   `as_target`), `rollup_edges` (`source_code`, `target_code`, `events`,
//!   `goldstein`: the sum in units of 2^-27), `rollup_roots` (`root`,
//!   `quad_class`, `events`), `rollup_days` (`day`: the event's date,
//!   else its article's publication date, `''` for neither; `events`).
//! - Keyed event rollups (version 8), the same way, per `key`: `e:` and
//!   an entity name (events whose source or target entity has it) or `d:`
//!   and two three-letter code prefixes, source then target (`d:USA>IRN`):
//!   `event_postings` (`key`, `date`: the event's, else its article's
//!   publication date, `''` for neither; `event`; `n`, always 1),
//!   `rollup_event_days` (`key`, `day`: the date's first ten characters,
//!   `quad_class`, `goldstein` in units of 2^-27, `events`),
//!   `rollup_event_roots` (`key`, `root`, `quad_class`, `events`).
//!   Version 9 keeps every rollup table `WITHOUT ROWID` (the same columns
//!   and rows; a table is then the b-tree of its key, not a table beside
//!   an index repeating the key) and makes new databases in pages of 16
//!   KiB (an upgrade converts when no other connection has the file open).
//! - Views `canonical_articles`, `canonical_entities`, `canonical_quotes`,
//!   `canonical_events`: the same rows without near-duplicates, so that a
//!   syndicated story counts once in statistics.

#![deny(missing_docs)]

mod backend;
mod blob;
mod error;
mod export;
mod fingerprint;
mod pg;
mod places;
mod query;
mod read;
mod registry;
mod rollup;
mod run;
mod schema;
mod search_feed;
mod store;
mod stories;
mod story_changes;
mod story_events;
pub mod testing;
mod verify;
mod watch;

pub use backend::{postgres_url, watch_status, AnyExport, AnyReader, AnyStore, AnyWatchState};
pub use blob::{decode_analysis, decode_analysis_json};
pub use error::StoreError;
pub use export::{event_day, ExportArticle, ExportEvent, ExportFilter, ExportReader};
pub use fingerprint::Fingerprint;
pub use pg::{
    is_postgres_url, redacted, PgExport, PgReader, PgStore, PgStories, PG_SCHEMA_VERSION,
};
pub use pg::{PgWatchState, FEED_LEASE_SECS, PAGE_LEASE_SECS, WATCH_SCHEMA_VERSION};
pub use places::BoundingBox;
pub use query::{
    ActorActivity, ArticleFilter, ArticleRef, ArticleSummary, CorpusMetrics, Count, CountryPair,
    Edge, EntityFilter, EntityProfile, EntitySummary, EventFilter, EventLocation, EventPoint,
    EventRollup, EventRow, EventTally, Evidence, Facets, Overview, Page, PlaceFilter, PlaceRow,
    Queries, QuoteFilter, QuoteRow, RoleOverTime, RootCount, SearchQuery, SearchResults,
    SimilarArticle, StoredArticle, StoryRow, COOCCURRENCE_ARTICLES, DEFAULT_LIMIT, MAX_LIMIT,
};
pub use registry::PersonSighting;
pub use schema::SCHEMA_VERSION;
pub use search_feed::{CanonicalArticles, FeedArticle, FeedEntity, FeedEvent, SearchFeed};
pub use store::{Document, Outcome, Reader, Stats, Store, DATABASE_FILE, LOCK_FILE};
pub use stories::{
    ArticleStory, SqliteStories, StoryBook, StoryInput, StoryState, StoryStateUpdate, StorySummary,
    StoryWriter,
};
pub use story_changes::{
    Change, ChangeEvidence, Changes, ReportRef, StoryChanges, MAX_CHANGES, MAX_REPORTS,
};
pub use story_events::{StoryEvent, STORY_EVENT_WINDOW_DAYS};
pub use verify::{content_checksum, Verification};
pub use watch::{
    FeedState, Finish, NewItem, QueueCounts, QueuedUrl, WatchMetrics, WatchState,
    MAX_HOSTS as MAX_ERROR_HOSTS,
};
