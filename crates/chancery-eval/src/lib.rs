//! Metrics and evaluation runners over the shared benchmark sets
//! (`../shared/bench`, see its README for the data and the exact metrics).
//!
//! Unlike the analysis crates, this one reads files: it loads benchmark sets,
//! runs an extractor over them and scores the result. The metrics themselves are
//! pure functions, tested on small hand-made cases.

pub mod crossval;
pub mod entities;
mod error;
pub mod events;
pub mod extraction;
pub mod geo;
pub mod metrics;
pub mod ner;
#[cfg(feature = "peers")]
pub mod peers;
pub mod petrarch;
pub mod quotes;
pub mod reuters;
pub mod seed;
pub mod stories;
pub mod stories_cv;
pub mod syntax;
pub mod throughput;

pub use error::EvalError;

/// Runs `pass` `passes` times (at least once) and returns the last result
/// with the median time in seconds (never zero, so rates stay finite).
pub fn timed_passes<T>(passes: usize, mut pass: impl FnMut() -> T) -> (T, f64) {
    let mut times = Vec::new();
    let mut result = None;
    for _ in 0..passes.max(1) {
        let started = std::time::Instant::now();
        result = Some(pass());
        times.push(started.elapsed().as_secs_f64());
    }
    times.sort_by(f64::total_cmp);
    let result = result.expect("at least one pass ran");
    (result, times[times.len() / 2].max(1e-9))
}
