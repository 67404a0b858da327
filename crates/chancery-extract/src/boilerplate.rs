//! Recognisers for the junk around articles (placeholder: replaced by the full version).

/// True when `line` is the heading of a related-articles block.
pub(crate) fn is_related_heading(line: &str) -> bool {
    let line = line.trim().trim_end_matches(':').to_lowercase();
    matches!(line.as_str(), "similar posts" | "related" | "related posts" | "read more" | "you may also like")
}

/// True when `text` is a placeholder rather than real content.
pub(crate) fn is_stub(text: &str) -> bool {
    text.contains("will be expanded")
}

/// True when `text` ends as if cut off.
pub(crate) fn looks_cut_off(text: &str) -> bool {
    text.trim_end().ends_with('…')
}
