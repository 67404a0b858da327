//! The one error type of the ingest library.

use chancery_nlp::NlpError;
use chancery_store::StoreError;
use thiserror::Error;

/// What stops an ingest as a whole. A document that cannot be read,
/// extracted or analysed is not an error of the run: it fails alone with a
/// one-line problem ([`crate::Tally::failures`], [`crate::Fate::Failed`]).
#[derive(Debug, Error)]
pub enum IngestError {
    /// The store refused (locked by another writer, a newer schema, a full
    /// disk…); its message says what to do.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A step on the store failed (reading what the corpus holds, storing
    /// stories), said in `what`.
    #[error("{what}")]
    Step {
        /// What was being done, as a sentence.
        what: &'static str,
        /// Why it failed (boxed: the error stays small to pass around).
        #[source]
        source: Box<StoreError>,
    },
    /// A knowledge-base table (the user's, or the corpus's registry) could
    /// not be loaded.
    #[error("a knowledge-base table could not be loaded; see docs/KNOWLEDGE_BASE.md")]
    KnowledgeBase(#[source] NlpError),
    /// The operating system refused a thread.
    #[error("cannot start the writer thread")]
    Thread(#[source] std::io::Error),
    /// A bug on the writer thread; every batch committed before it is kept.
    #[error("the writer thread panicked; the store keeps every batch it committed")]
    WriterPanicked,
    /// The store gave fewer outcomes than it was given documents (a bug).
    #[error("the store returned fewer outcomes than documents")]
    MissingOutcome,
}

impl IngestError {
    /// A step on the store, said in `what`.
    pub(crate) fn at(what: &'static str) -> impl FnOnce(StoreError) -> IngestError {
        move |source| IngestError::Step {
            what,
            source: Box::new(source),
        }
    }
}
