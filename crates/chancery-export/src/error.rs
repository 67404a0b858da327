use std::io;

/// What can go wrong in an export. Each message says what to do about it.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// The format name is not one this build writes.
    #[error("unknown export format `{name}`; choose one of: {known}")]
    UnknownFormat {
        /// What was asked for.
        name: String,
        /// The formats this build writes.
        known: String,
    },
    /// The format exists but this build leaves it out.
    #[error(
        "this chancery was built without {name} support; build it with `cargo build --release \
         -p chancery --features {name}`"
    )]
    NotBuilt {
        /// The format.
        name: &'static str,
    },
    /// A stored analysis is not the JSON contract this build reads.
    #[error(
        "article {article} holds an analysis this chancery cannot read ({source}); ingest the \
         corpus again with this version into a new data directory"
    )]
    Analysis {
        /// The article's internal id.
        article: i64,
        /// Why.
        #[source]
        source: serde_json::Error,
    },
    /// The store and the analysis of an article disagree (an event row the
    /// analysis does not have, events out of the merge order).
    #[error(
        "the store is inconsistent: {problem}; run `chancery ingest` into a new data directory"
    )]
    Inconsistent {
        /// What disagrees.
        problem: String,
    },
    /// A record chancery made breaks the PLOVER manual's tables: a bug in
    /// the exporter, reported rather than written.
    #[error(
        "PLOVER record {id} of article {article} breaks the PLOVER manual ({problem}); nothing \
         after it was written: please report this with the article"
    )]
    Plover {
        /// The record's id.
        id: String,
        /// The article's internal id.
        article: i64,
        /// What `validate_plover` found.
        problem: String,
    },
    /// Writing the output failed.
    #[error("cannot write the export: {0}; check the output path and the free disk space")]
    Io(#[from] io::Error),
    /// The Parquet writer refused a value or a file.
    #[cfg(feature = "parquet")]
    #[error("cannot write Parquet: {0}")]
    Parquet(#[from] parquet::errors::ParquetError),
}
