//! Excluded clauses (`-word`, `-"a phrase"`) behind a guard that keeps
//! tantivy's exclusion within the contract of its scorers.
//!
//! tantivy 0.27 builds an exclusion by asking the excluded scorer, for each
//! candidate document, whether it holds that document (`seek_danger`). The
//! first candidate can lie *below* the document the excluded scorer already
//! stands on (a scorer positions itself on its first match when built), and
//! the phrase scorer asserts `target >= doc` (a `debug_assert!`: debug
//! builds panic, release builds answer). [`Guarded`] answers a question
//! about a document the scorer has passed itself, so the scorer is only ever
//! moved forward, whatever the query's shape.

use tantivy::query::{EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::{DocId, DocSet, Score, Searcher, SeekDangerResult, SegmentReader, Term, TERMINATED};

/// A query that matches what its inner query matches, with a scorer that
/// never moves the inner one backwards. Used for excluded clauses.
#[derive(Debug)]
pub(crate) struct Guarded(pub(crate) Box<dyn Query>);

impl Clone for Guarded {
    fn clone(&self) -> Self {
        Guarded(self.0.box_clone())
    }
}

impl Query for Guarded {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(GuardedWeight(self.0.weight(enable_scoring)?)))
    }

    fn count(&self, searcher: &Searcher) -> tantivy::Result<usize> {
        self.0.count(searcher)
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        self.0.query_terms(visitor);
    }
}

struct GuardedWeight(Box<dyn Weight>);

impl Weight for GuardedWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        Ok(Box::new(GuardedScorer(self.0.scorer(reader, boost)?)))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        self.0.explain(reader, doc)
    }

    fn count(&self, reader: &SegmentReader) -> tantivy::Result<u32> {
        self.0.count(reader)
    }
}

/// Only ever calls the inner scorer's `advance` and `seek` with a target at
/// or above its document, so the inner scorer is always in a valid state and
/// its `doc()` can be read.
struct GuardedScorer(Box<dyn Scorer>);

impl DocSet for GuardedScorer {
    fn advance(&mut self) -> DocId {
        self.0.advance()
    }

    fn seek(&mut self, target: DocId) -> DocId {
        let doc = self.0.doc();
        if target <= doc {
            doc
        } else {
            self.0.seek(target)
        }
    }

    fn seek_danger(&mut self, target: DocId) -> SeekDangerResult {
        if target >= TERMINATED {
            return SeekDangerResult::SeekLowerBound(TERMINATED);
        }
        let doc = self.seek(target);
        if doc == target {
            SeekDangerResult::Found
        } else {
            SeekDangerResult::SeekLowerBound(doc)
        }
    }

    fn doc(&self) -> DocId {
        self.0.doc()
    }

    fn size_hint(&self) -> u32 {
        self.0.size_hint()
    }

    fn cost(&self) -> u64 {
        self.0.cost()
    }
}

impl Scorer for GuardedScorer {
    fn score(&mut self) -> Score {
        self.0.score()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::query::{BitSetDocSet, ConstScorer};

    fn over(docs: &[DocId]) -> GuardedScorer {
        let mut bits = tantivy::BitSet::with_max_value(100);
        for &doc in docs {
            bits.insert(doc);
        }
        GuardedScorer(Box::new(ConstScorer::new(BitSetDocSet::from(bits), 1.0)))
    }

    #[test]
    fn a_target_below_the_current_document_does_not_move_it() {
        let mut scorer = over(&[5, 9]);
        assert_eq!(scorer.doc(), 5);
        assert_eq!(scorer.seek_danger(2), SeekDangerResult::SeekLowerBound(5));
        assert_eq!(scorer.seek_danger(5), SeekDangerResult::Found);
        assert_eq!(scorer.seek_danger(7), SeekDangerResult::SeekLowerBound(9));
        assert_eq!(scorer.seek(3), 9);
        assert_eq!(scorer.seek_danger(9), SeekDangerResult::Found);
        assert_eq!(
            scorer.seek_danger(10),
            SeekDangerResult::SeekLowerBound(TERMINATED)
        );
        assert_eq!(
            scorer.seek_danger(TERMINATED),
            SeekDangerResult::SeekLowerBound(TERMINATED)
        );
    }
}
