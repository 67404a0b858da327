//! Metrics and evaluation runners over the shared benchmark sets
//! (`../shared/bench`, see its README for the data and the exact metrics).
//!
//! Unlike the analysis crates, this one reads files: it loads benchmark sets,
//! runs an extractor over them and scores the result. The metrics themselves are
//! pure functions, tested on small hand-made cases.

pub mod crossval;
mod error;
pub mod events;
pub mod extraction;
pub mod metrics;
pub mod ner;
#[cfg(feature = "peers")]
pub mod peers;
pub mod petrarch;
pub mod quotes;
pub mod seed;
pub mod stories;
pub mod throughput;

pub use error::EvalError;
