//! Document frequencies in a fixed table of counters indexed by the term's
//! hash: memory is bounded however large the vocabulary grows, at the price of
//! rare collisions (which only make a term look a little more common).

use crate::sparse::Term;

/// Document frequencies, updated one article at a time.
#[derive(Debug, Clone)]
pub(crate) struct DocumentFrequency {
    counts: Vec<u32>,
    mask: u64,
    documents: u32,
}

impl DocumentFrequency {
    /// A table of `2^bits` counters.
    pub(crate) fn new(bits: u32) -> DocumentFrequency {
        let bits = bits.clamp(8, 28);
        DocumentFrequency {
            counts: vec![0; 1 << bits],
            mask: (1u64 << bits) - 1,
            documents: 0,
        }
    }

    /// A table from saved counters (as many as `new` makes for its bits).
    pub(crate) fn from_counts(counts: Vec<u32>, documents: u32) -> DocumentFrequency {
        DocumentFrequency {
            mask: counts.len() as u64 - 1,
            counts,
            documents,
        }
    }

    /// The counters.
    pub(crate) fn counts(&self) -> &[u32] {
        &self.counts
    }

    /// Articles counted.
    pub(crate) fn documents(&self) -> u32 {
        self.documents
    }

    /// Counts one article with these distinct terms.
    pub(crate) fn observe<'a>(&mut self, terms: impl IntoIterator<Item = &'a Term>) {
        self.documents = self.documents.saturating_add(1);
        for &term in terms {
            let slot = &mut self.counts[(term & self.mask) as usize];
            *slot = slot.saturating_add(1);
        }
    }

    /// Smoothed inverse document frequency, `ln((n + 1) / (df + 1)) + 1`: a
    /// term in every article still weighs 1, never 0.
    pub(crate) fn idf(&self, term: Term) -> f32 {
        let df = self.counts[(term & self.mask) as usize] as f32;
        ((self.documents as f32 + 1.0) / (df + 1.0)).ln() + 1.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rare_terms_weigh_more() {
        let mut df = DocumentFrequency::new(10);
        df.observe(&[1, 2]);
        df.observe(&[1, 3]);
        df.observe(&[1]);
        assert!((df.idf(1) - 1.0).abs() < 1e-6);
        assert!(df.idf(2) > df.idf(1));
        assert!(df.idf(99) > df.idf(2));
    }
}
