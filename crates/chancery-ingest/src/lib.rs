//! The ingest pipeline of chancery: sources → extract → analyze → write.
//!
//! Documents come from files, directories, JSON Lines, WARC, standard input
//! ([`Source`], [`Feeder::read`]) or the caller ([`Feeder::push`]: a page
//! the watcher fetched). A [`Pipeline`] extracts and analyses them in
//! batches on the rayon pool and hands each batch to one writer thread that
//! owns the store ([`chancery_store::AnyStore`]: a data directory, or a
//! PostgreSQL database when `Config::data` is a `postgres://` URL): the
//! batch is committed as one transaction, its new articles are clustered
//! into stories ([`StoryTracker`]; a data directory only) and the caller is told what became of each document
//! ([`Fate`], [`Progress`]). [`ingest_jsonl`] stores a body of JSON Lines
//! in one transaction (the server's `POST /api/ingest`). A [`Watcher`]
//! follows feeds, sitemaps and pages on the web (fetched by
//! `chancery_watch`) into the same pipeline: `chancery watch`, `chancery
//! fetch` and `chancery serve --watch`.
//!
//! The crate prints nothing and knows no command line or HTTP (fetching is
//! `chancery_watch`'s): what the user should see comes back as values ([`Tally`], [`Pipeline::
//! stories_rebuilt`], [`Pipeline::table_warnings`], notes while walking).
//!
//! ```no_run
//! use chancery_ingest::{sources, Config, Pipeline, Silent};
//!
//! # fn main() -> Result<(), chancery_ingest::IngestError> {
//! let config = Config {
//!     data: "chancery-data".into(),
//!     resumable: true,
//!     ..Config::default()
//! };
//! let mut pipeline = Pipeline::start(config, Box::new(Silent), None, |_| Ok(()))?;
//! let mut failures = Vec::new();
//! for source in sources(&["news".into()], false, &mut failures, &mut |_, _| {}) {
//!     pipeline.feeder.read(source, 1 << 24);
//! }
//! let (tally, stopped) = pipeline.finish()?;
//! assert!(stopped.is_none());
//! println!("{} stored, {} failed", tally.stored, tally.failed);
//! # Ok(())
//! # }
//! ```

mod error;
pub mod guard;
mod input;
mod pipeline;
mod records;
mod registry;
mod stories;
pub mod watch;

pub use error::IngestError;
pub use input::{
    extract_job, extract_record, is_jsonl_path, is_warc_path, looks_like_jsonl, open_lines,
    read_capped, sources, walk, Job, JsonlLines, Source,
};
pub use pipeline::{
    analyzer_with, Config, Fate, Feeder, OnCommit, Pipeline, Progress, Silent, Tally,
};
pub use records::{ingest_jsonl, IngestLine, IngestReport, Record};
pub use registry::{registry_of, registry_upto};
pub use stories::{Arrival, FleetStories, Stories, StoryTracker};
pub use watch::{
    fetch_pages, OnEvent, RoundReport, WatchConfig, WatchEvent, WatchSummary, Watcher,
};
