//! Fault isolation: every per-document step (extract, analyze, store write)
//! runs as a unit that can fail alone. A panic inside one is caught at the
//! document's boundary and reported like bad input (the document's label and
//! a message), and the batch goes on.

use std::any::Any;
use std::panic::{catch_unwind, AssertUnwindSafe};

/// Runs one document's `work`, turning a panic into that document's error.
pub fn contained<T>(work: impl FnOnce() -> Result<T, String>) -> Result<T, String> {
    match catch_unwind(AssertUnwindSafe(work)) {
        Ok(result) => result,
        Err(payload) => Err(panic_problem(payload.as_ref())),
    }
}

/// The message a panic carries.
pub fn payload_message(payload: &(dyn Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".into())
}

/// The one-line problem for a caught panic.
pub fn panic_problem(payload: &(dyn Any + Send)) -> String {
    let message = payload_message(payload);
    format!(
        "internal error while processing this document ({message}); it was skipped, the rest \
         go on; please report it with the document"
    )
}

/// Analyses one article inside the guard.
pub fn analyze(
    analyzer: &chancery_nlp::Analyzer,
    article: chancery_model::Article,
) -> Result<chancery_model::Analysis, String> {
    analyze_unplaced(analyzer, article)
        .and_then(|unplaced| contained(|| Ok(analyzer.place(unplaced))))
}

/// [`analyze`] up to places ([`chancery_nlp::Analyzer::analyze_unplaced`]).
pub fn analyze_unplaced(
    analyzer: &chancery_nlp::Analyzer,
    article: chancery_model::Article,
) -> Result<chancery_nlp::Unplaced, String> {
    contained(|| {
        inject_fault(&article.text);
        Ok(analyzer.analyze_unplaced(article))
    })
}

/// The variable naming a marker: debug builds panic while analysing any
/// document whose text holds it. Tests use it to check that a panicking
/// document costs only itself; release builds ignore it.
#[cfg_attr(not(debug_assertions), allow(dead_code))]
pub const FAULT_MARKER_VAR: &str = "CHANCERY_TEST_PANIC_MARKER";

#[cfg(debug_assertions)]
fn inject_fault(text: &str) {
    if let Some(marker) = std::env::var_os(FAULT_MARKER_VAR) {
        let marker = marker.to_string_lossy();
        if !marker.is_empty() && text.contains(marker.as_ref()) {
            panic!("fault injected by {FAULT_MARKER_VAR}");
        }
    }
}

#[cfg(not(debug_assertions))]
fn inject_fault(_text: &str) {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_the_documents_error() {
        let result: Result<(), String> = contained(|| panic!("boom at {}", 3));
        let problem = result.unwrap_err();
        assert!(problem.contains("boom at 3"), "{problem}");
        assert!(problem.contains("internal error"), "{problem}");
        assert_eq!(contained(|| Ok::<_, String>(7)), Ok(7));
        assert_eq!(
            contained(|| Err::<(), _>("bad".to_string())),
            Err("bad".into())
        );
    }
}
