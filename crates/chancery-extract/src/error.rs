use thiserror::Error;

/// Why a document could not be turned into an article. Messages are one line and
/// say what to do; callers prefix the file name.
#[derive(Debug, Error)]
pub enum ExtractError {
    /// Zero bytes, or only whitespace.
    #[error("empty input: the document has no content")]
    Empty,
    /// A PDF, image, archive or other binary format.
    #[error("{kind} data, not HTML or text: convert it to text first")]
    Binary {
        /// What the bytes look like (`PDF`, `PNG image`…).
        kind: &'static str,
    },
    /// Bigger than the configured cap.
    #[error("document is {size} bytes, over the {limit}-byte cap: raise it with --max-bytes")]
    TooLarge {
        /// Size seen so far.
        size: usize,
        /// The cap.
        limit: usize,
    },
    /// A gzip stream that is truncated or damaged.
    #[error("broken gzip data ({reason}): the file is truncated or damaged; re-download it")]
    Gzip {
        /// What the decoder said.
        reason: String,
    },
    /// A JSON Lines record that is not one (bad JSON, a field of the wrong
    /// type, no text): the message names the field and what it must be.
    #[error("{reason}")]
    Record {
        /// What is wrong with the record.
        reason: String,
    },
}
