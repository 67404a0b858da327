use std::path::PathBuf;

use thiserror::Error;

/// Why an evaluation could not run.
#[derive(Debug, Error)]
pub enum EvalError {
    /// A benchmark file is missing or unreadable.
    #[error("cannot read {path}: {source} (is --bench pointing at the shared bench folder?)")]
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// A benchmark file is not in the documented format.
    #[error("{path}: {problem}")]
    Format {
        /// The file.
        path: PathBuf,
        /// What is wrong with it.
        problem: String,
    },
    /// The set name is not one this command knows.
    #[error("unknown evaluation set {0:?}: choose one of {1}")]
    UnknownSet(String, &'static str),
}
