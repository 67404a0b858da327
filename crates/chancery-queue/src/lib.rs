//! The fleet's work queue, in PostgreSQL, and the worker that drains it.
//!
//! `chancery enqueue` turns inputs (files, folders, JSON Lines records,
//! WARC files, URLs) into jobs ([`enqueue_inputs`]); any number of
//! `chancery worker` processes claim them with `FOR UPDATE SKIP LOCKED`,
//! hold them under leases their heartbeats renew, run them through the
//! same `chancery_ingest` pipeline as `chancery ingest` ([`run_worker`])
//! and mark each done once the store committed it. A failed attempt is
//! retried after a doubling backoff; the attempt that exhausts a job's
//! attempts moves it to the dead letters with its error. A worker killed
//! with SIGKILL loses nothing (its leases run out and another worker takes
//! the jobs) and stores nothing twice (the store refuses an article it
//! holds). Enqueueing is idempotent: a job's key (kind and absolute path,
//! canonical URL, or a record's hash) is unique.
//!
//! Of the queue's PostgreSQL, only this crate knows (the store's tables
//! in PostgreSQL are `chancery_store`'s). Its tables live in the schema
//! `chancery_queue`, versioned in `chancery_queue.schema_version`
//! ([`QUEUE_SCHEMA_VERSION`]) and migrated on connect.
//!
//! ```no_run
//! use chancery_queue::{Kind, NewJob, Queue};
//! use std::time::Duration;
//!
//! # fn main() -> Result<(), chancery_queue::QueueError> {
//! let mut queue = Queue::connect("postgres://chancery@localhost/news")?;
//! let line = r#"{"url": "https://news.example/a", "text": "…"}"#;
//! queue.enqueue(
//!     &[NewJob {
//!         kind: Kind::Record,
//!         key: "record:a".into(),
//!         label: "a.jsonl:1".into(),
//!         payload: line.into(),
//!     }],
//!     3,
//! )?;
//! let jobs = queue.claim("me", &[Kind::Record], 10, Duration::from_secs(60))?;
//! let done: Vec<(i64, String)> = jobs.iter().map(|j| (j.id, "stored".into())).collect();
//! queue.complete("me", &done)?;
//! # Ok(())
//! # }
//! ```

mod bench;
mod error;
mod inputs;
mod queue;
mod schema;
/// Throw-away test databases (kept in `chancery_store`, which tests
/// against PostgreSQL too).
pub use chancery_store::testing;
mod worker;

pub use bench::{bench_claims, BenchReport};
pub use error::QueueError;
pub use inputs::{enqueue_inputs, is_url, EnqueueReport};
pub use queue::{Claimed, Counts, DeadLetter, Enqueued, Failed, Kind, NewJob, Queue};
pub use schema::QUEUE_SCHEMA_VERSION;
pub use worker::{
    run_worker, worker_name, OnWorkerEvent, WorkerConfig, WorkerEvent, WorkerSummary,
};
