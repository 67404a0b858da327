//! Document frequencies in a fixed table of counters indexed by the term's
//! hash: memory is bounded however large the vocabulary grows, at the price of
//! rare collisions (which only make a term look a little more common).
//!
//! The table also marks which counters changed since it was last asked
//! ([`DocumentFrequency::take_changed`]), so that a saved copy can be kept
//! up to date by writing those counters only, not the whole table.

use crate::sparse::Term;

/// Document frequencies, updated one article at a time.
#[derive(Debug, Clone)]
pub(crate) struct DocumentFrequency {
    counts: Vec<u32>,
    mask: u64,
    documents: u32,
    /// One bit per counter: set when it changed since `take_changed`.
    changed: Vec<u64>,
    /// `idf` of a term counted in `df` articles, for `df` below
    /// [`IDF_CACHED`], under the current article count: most terms are rare,
    /// and the logarithm was a tenth of the clusterer's time.
    small: Vec<f32>,
}

/// Document counts whose inverse frequency is computed once per article
/// rather than once per look-up.
const IDF_CACHED: usize = 256;

/// The smoothed inverse document frequency, one formula for the cache and
/// the rest, so a cached value is the same number.
fn idf_of(documents: u32, df: u32) -> f32 {
    ((documents as f32 + 1.0) / (df as f32 + 1.0)).ln() + 1.0
}

impl DocumentFrequency {
    /// A table of `2^bits` counters.
    pub(crate) fn new(bits: u32) -> DocumentFrequency {
        let bits = bits.clamp(8, 28);
        DocumentFrequency::from_counts(vec![0; 1 << bits], 0)
    }

    /// A table from saved counters (as many as `new` makes for its bits),
    /// none of them marked changed.
    pub(crate) fn from_counts(counts: Vec<u32>, documents: u32) -> DocumentFrequency {
        let mut table = DocumentFrequency {
            mask: counts.len() as u64 - 1,
            changed: vec![0; counts.len().div_ceil(64)],
            counts,
            documents,
            small: vec![0.0; IDF_CACHED],
        };
        table.recache();
        table
    }

    /// The cached inverse frequencies, after the article count changed.
    fn recache(&mut self) {
        let documents = self.documents;
        for (df, idf) in (0u32..).zip(&mut self.small) {
            *idf = idf_of(documents, df);
        }
    }

    /// The counters.
    pub(crate) fn counts(&self) -> &[u32] {
        &self.counts
    }

    /// Sets saved counters (a saved change on top of a saved table) and the
    /// article count; the counters are not marked changed. False when a
    /// counter is past the table.
    pub(crate) fn set(&mut self, slots: &[(u32, u32)], documents: u32) -> bool {
        for &(slot, count) in slots {
            match self.counts.get_mut(slot as usize) {
                Some(c) => *c = count,
                None => return false,
            }
        }
        self.documents = documents;
        self.recache();
        true
    }

    /// The counters that changed since the last call (or since the table
    /// was made), in slot order, and forgets the marks. Costs a scan of one
    /// bit per counter plus the changed ones.
    pub(crate) fn take_changed(&mut self) -> Vec<u32> {
        let mut slots = Vec::new();
        for (w, word) in self.changed.iter_mut().enumerate() {
            let mut bits = std::mem::take(word);
            while bits != 0 {
                slots.push((w * 64) as u32 + bits.trailing_zeros());
                bits &= bits - 1;
            }
        }
        slots
    }

    /// Articles counted.
    pub(crate) fn documents(&self) -> u32 {
        self.documents
    }

    /// Counts one article with these distinct terms.
    pub(crate) fn observe<'a>(&mut self, terms: impl IntoIterator<Item = &'a Term>) {
        self.documents = self.documents.saturating_add(1);
        self.recache();
        for &term in terms {
            let index = (term & self.mask) as usize;
            let slot = &mut self.counts[index];
            *slot = slot.saturating_add(1);
            self.changed[index / 64] |= 1 << (index % 64);
        }
    }

    /// Smoothed inverse document frequency, `ln((n + 1) / (df + 1)) + 1`: a
    /// term in every article still weighs 1, never 0.
    pub(crate) fn idf(&self, term: Term) -> f32 {
        let df = self.counts[(term & self.mask) as usize];
        match self.small.get(df as usize) {
            Some(&idf) => idf,
            None => idf_of(self.documents, df),
        }
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

    /// Cached or not, the inverse frequency is the formula's number.
    #[test]
    fn cached_idf_is_the_formula() {
        let mut df = DocumentFrequency::new(10);
        for _ in 0..600 {
            df.observe(&[1]);
        }
        df.observe(&[2]);
        for (term, count) in [(1u64, 600u32), (2, 1), (3, 0)] {
            let expected = ((601f32 + 1.0) / (count as f32 + 1.0)).ln() + 1.0;
            assert_eq!(df.idf(term).to_bits(), expected.to_bits());
        }
        assert!(df.set(&[(3, 300)], 10_000));
        let expected = ((10_001f32) / 301.0).ln() + 1.0;
        assert_eq!(df.idf(3).to_bits(), expected.to_bits());
    }

    #[test]
    fn changed_counters_are_told_once() {
        let mut df = DocumentFrequency::new(10);
        df.observe(&[700, 3, 64, 3 + 1024]);
        assert_eq!(df.take_changed(), [3, 64, 700]);
        assert!(df.take_changed().is_empty());
        df.observe(&[1023]);
        assert_eq!(df.take_changed(), [1023]);
        let mut copy = DocumentFrequency::new(10);
        assert!(copy.set(&[(3, 2), (64, 1), (700, 1), (1023, 1)], 2));
        assert_eq!(copy.counts(), df.counts());
        assert_eq!(copy.documents(), df.documents());
        assert!(
            copy.take_changed().is_empty(),
            "set counters are not changes"
        );
        assert!(!copy.set(&[(1024, 1)], 2));
    }
}
