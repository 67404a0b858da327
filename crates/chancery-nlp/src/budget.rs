//! Output budgets: what analysis returns for an article stays within a
//! constant multiple of the article's size, whatever the input's shape.
//!
//! Sentences are capped in length (`sentence::MAX_SENTENCE_TOKENS`), and a
//! quote or an event's evidence cannot outrun its sentence or paragraph, so
//! every item is bounded. What is left is their number and overlap: text
//! built so that every clause opens a reported-speech quote ("the market
//! said rates rose and the bank said sales fell." repeated) makes each
//! quote overlap the next. The budgets below bound the total: quotes and
//! events past them are dropped, in document order, and the article is
//! flagged `output_capped`. Real news stays far below them.

use chancery_model::Analysis;

/// Quoted text may total this many times the article's text (plus
/// [`SLACK_BYTES`]): the store keeps every quote's text.
pub const QUOTED_TEXT_FACTOR: usize = 4;
/// Event evidence may total this many times the article's text (plus
/// [`SLACK_BYTES`]).
pub const EVIDENCE_FACTOR: usize = 4;
/// At most one quote, and one event, for this many bytes of text (plus
/// [`SLACK_ITEMS`]).
pub const BYTES_PER_ITEM: usize = 24;
/// Budget every article has, however short.
pub const SLACK_BYTES: usize = 16 * 1024;
/// Items every article may have, however short.
pub const SLACK_ITEMS: usize = 64;

/// Drops quotes and events over the budgets; flags the article when any
/// were dropped.
pub(crate) fn cap_output(analysis: &mut Analysis) {
    let size = analysis.article.text.len() + analysis.article.title.as_ref().map_or(0, String::len);
    let most_items = size / BYTES_PER_ITEM + SLACK_ITEMS;
    let capped_quotes = keep_within(
        &mut analysis.quotes,
        |q| q.span.end.saturating_sub(q.span.start),
        size * QUOTED_TEXT_FACTOR + SLACK_BYTES,
        most_items,
    );
    let capped_events = keep_within(
        &mut analysis.events,
        |e| e.evidence.end.saturating_sub(e.evidence.start),
        size * EVIDENCE_FACTOR + SLACK_BYTES,
        most_items,
    );
    let capped_background = keep_within(
        &mut analysis.background_events,
        |e| e.evidence.end.saturating_sub(e.evidence.start),
        size * EVIDENCE_FACTOR + SLACK_BYTES,
        most_items,
    );
    if capped_quotes || capped_events || capped_background {
        analysis.article.flags.output_capped = true;
    }
}

/// Keeps `items` in order while their total `len` fits `budget` (an item
/// that does not fit is dropped, a later shorter one may still fit), then at
/// most `most`. True when any was dropped.
fn keep_within<T>(
    items: &mut Vec<T>,
    len: impl Fn(&T) -> usize,
    budget: usize,
    most: usize,
) -> bool {
    let before = items.len();
    let mut total = 0;
    items.retain(|item| {
        let len = len(item);
        if total + len > budget {
            return false;
        }
        total += len;
        true
    });
    items.truncate(most);
    items.len() < before
}
