//! Sparse vectors as sorted `(term, weight)` lists. Sorted order makes every
//! sum run in the same order on every run, so scores are bit-for-bit
//! reproducible (a hash map's iteration order is not).

/// A term: the 64-bit hash of a word, a word pair or a name, with the feature
/// kind mixed into the seed so the kinds never collide by construction.
pub(crate) type Term = u64;

/// A hash map keyed by terms. A term is a well-mixed 64-bit hash already,
/// so it is its own hash: the default hasher (SipHash) would hash it again
/// at every look-up, and the candidate postings are looked up for every
/// key term of every article. (Maps serve look-ups only, never an order.)
pub(crate) type TermMap<V> =
    std::collections::HashMap<Term, V, std::hash::BuildHasherDefault<TermHasher>>;

/// The hasher of [`TermMap`]: a term as it is.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct TermHasher(u64);

impl std::hash::Hasher for TermHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        // Only terms (`write_u64`) are hashed here; other keys still get a
        // usable hash.
        for &byte in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(byte);
        }
    }

    fn write_u64(&mut self, term: u64) {
        self.0 = term;
    }
}

/// Terms with weights, sorted by term, each term once.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct SparseVec {
    pub(crate) entries: Vec<(Term, f32)>,
}

impl SparseVec {
    /// Builds a vector from unsorted terms with repeats, summing the weights of
    /// a repeated term.
    pub(crate) fn from_unsorted(mut entries: Vec<(Term, f32)>) -> SparseVec {
        entries.sort_unstable_by_key(|&(term, _)| term);
        let mut merged: Vec<(Term, f32)> = Vec::with_capacity(entries.len());
        for (term, weight) in entries {
            match merged.last_mut() {
                Some(last) if last.0 == term => last.1 += weight,
                _ => merged.push((term, weight)),
            }
        }
        SparseVec { entries: merged }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub(crate) fn len(&self) -> usize {
        self.entries.len()
    }

    /// The weight of one term, if the vector has it. Terms are hashes,
    /// spread evenly over their range, so a term's place is close to its
    /// share of the range: the search starts there and widens by doubling
    /// steps, a few neighbouring entries instead of a binary search's
    /// scattered ones.
    pub(crate) fn weight_of(&self, term: Term) -> Option<f32> {
        let e = &self.entries;
        if e.is_empty() {
            return None;
        }
        let guess = ((u128::from(term) * e.len() as u128) >> 64) as usize;
        // [lo, hi): where the term is if anywhere.
        let (lo, hi) = if e[guess].0 < term {
            let (mut below, mut step) = (guess, 1);
            loop {
                let next = guess + step;
                if next >= e.len() {
                    break (below + 1, e.len());
                }
                if e[next].0 >= term {
                    break (below + 1, next + 1);
                }
                below = next;
                step *= 2;
            }
        } else {
            let (mut above, mut step) = (guess, 1);
            loop {
                if step > guess {
                    break (0, above + 1);
                }
                let next = guess - step;
                if e[next].0 < term {
                    break (next + 1, above + 1);
                }
                above = next;
                step *= 2;
            }
        };
        e[lo..hi]
            .binary_search_by_key(&term, |&(t, _)| t)
            .ok()
            .map(|i| e[lo + i].1)
    }

    /// Euclidean norm with each weight scaled by `scale(term)`.
    pub(crate) fn norm_scaled(&self, scale: impl Fn(Term) -> f32) -> f32 {
        self.entries
            .iter()
            .map(|&(t, w)| {
                let v = w * scale(t);
                v * v
            })
            .sum::<f32>()
            .sqrt()
    }

    /// Adds `factor * other` into this vector (a sorted merge).
    pub(crate) fn add_scaled(&mut self, other: &SparseVec, factor: f32) {
        self.entries = merge_by_term(
            &self.entries,
            &other.entries,
            |w| w * factor,
            |a, b| a + b * factor,
        );
    }

    /// Keeps the `cap` terms with the largest `weight * scale(term)` (ties to
    /// the smaller term), so a story's centroid stays bounded however many
    /// articles join it.
    pub(crate) fn truncate_to(&mut self, cap: usize, scale: impl Fn(Term) -> f32) {
        if self.entries.len() <= cap {
            return;
        }
        let mut ranked: Vec<(f32, Term)> = self
            .entries
            .iter()
            .map(|&(t, w)| (w * scale(t), t))
            .collect();
        ranked.sort_unstable_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        let mut keep: Vec<Term> = ranked[..cap].iter().map(|&(_, t)| t).collect();
        keep.sort_unstable();
        self.entries.retain(|(t, _)| keep.binary_search(t).is_ok());
    }
}

/// Two lists sorted by term, each term once, merged into one: a term of `b`
/// alone takes `only_b` of its value, a term of both `both` of the two
/// values (`a`'s first), a term of `a` alone its value.
pub(crate) fn merge_by_term<V: Copy>(
    a: &[(Term, V)],
    b: &[(Term, V)],
    only_b: impl Fn(V) -> V,
    both: impl Fn(V, V) -> V,
) -> Vec<(Term, V)> {
    let mut merged = Vec::with_capacity(a.len() + b.len());
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        match a[i].0.cmp(&b[j].0) {
            std::cmp::Ordering::Less => {
                merged.push(a[i]);
                i += 1;
            }
            std::cmp::Ordering::Greater => {
                merged.push((b[j].0, only_b(b[j].1)));
                j += 1;
            }
            std::cmp::Ordering::Equal => {
                merged.push((a[i].0, both(a[i].1, b[j].1)));
                i += 1;
                j += 1;
            }
        }
    }
    merged.extend_from_slice(&a[i..]);
    merged.extend(b[j..].iter().map(|&(t, v)| (t, only_b(v))));
    merged
}

/// Dot product of two sparse vectors with each product scaled by
/// `scale(term)` (a sorted merge). For two articles' vectors, each compared
/// once: one vector compared with many others goes through a [`TermTable`].
///
/// The merge steps without branching on which side is behind (both indices
/// advance by a comparison's result): the order of two vectors' terms is
/// unpredictable, and a mispredicted branch per step was most of its cost.
pub(crate) fn dot_scaled(a: &SparseVec, b: &SparseVec, scale: impl Fn(Term) -> f32) -> f32 {
    let (a, b) = (&a.entries, &b.entries);
    let (mut i, mut j) = (0, 0);
    let mut sum = 0.0;
    while i < a.len() && j < b.len() {
        let (ta, tb) = (a[i].0, b[j].0);
        if ta == tb {
            sum += a[i].1 * b[j].1 * scale(ta);
        }
        i += usize::from(ta <= tb);
        j += usize::from(tb <= ta);
    }
    sum
}

/// Dot product of a short vector and a much longer one (a sorted merge that
/// branches on which side is behind): the branch mostly goes one way, the
/// long side's, so it is predicted, and such a merge beats both the
/// branchless merge and a [`TermTable`]. The same number as [`dot_scaled`]
/// with no scale.
pub(crate) fn dot_lopsided(short: &SparseVec, long: &SparseVec) -> f32 {
    let (a, b) = (&short.entries, &long.entries);
    let (mut i, mut j) = (0, 0);
    let mut sum = 0.0;
    while i < a.len() && j < b.len() {
        match a[i].0.cmp(&b[j].0) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                sum += a[i].1 * b[j].1;
                i += 1;
                j += 1;
            }
        }
    }
    sum
}

/// A sparse vector's terms in an open-addressing table, for the dot
/// products of one vector with many others: an article's with each of its
/// candidate stories. [`TermTable::dot`] walks the other vector alone and
/// looks each of its terms up, instead of merging the two.
pub(crate) struct TermTable {
    /// Terms by slot; [`EMPTY`] where none.
    keys: Vec<Term>,
    weights: Vec<f32>,
    mask: usize,
    len: usize,
    /// The weight of term [`EMPTY`], which cannot be kept in a slot.
    empty_term: Option<f32>,
}

/// The term that marks a free slot (any term may be a hash's 0).
const EMPTY: Term = 0;

impl TermTable {
    /// The table of one vector's terms, a quarter full at most.
    pub(crate) fn new(v: &SparseVec) -> TermTable {
        let slots = (v.len() * 4).next_power_of_two().max(16);
        let mut table = TermTable {
            keys: vec![EMPTY; slots],
            weights: vec![0.0; slots],
            mask: slots - 1,
            len: v.len(),
            empty_term: None,
        };
        for &(term, weight) in &v.entries {
            if term == EMPTY {
                table.empty_term = Some(weight);
                continue;
            }
            let mut slot = term as usize & table.mask;
            while table.keys[slot] != EMPTY {
                slot = (slot + 1) & table.mask;
            }
            table.keys[slot] = term;
            table.weights[slot] = weight;
        }
        table
    }

    fn get(&self, term: Term) -> Option<f32> {
        if term == EMPTY {
            return self.empty_term;
        }
        let mut slot = term as usize & self.mask;
        loop {
            let key = self.keys[slot];
            if key == term {
                return Some(self.weights[slot]);
            }
            if key == EMPTY {
                return None;
            }
            slot = (slot + 1) & self.mask;
        }
    }

    /// How many terms the table holds.
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// The dot product with `other`: the same number as a sorted merge of
    /// the table's vector and `other` with no scale, since the shared terms'
    /// products are summed in `other`'s order, which is term order too.
    pub(crate) fn dot(&self, other: &SparseVec) -> f32 {
        let mut sum = 0.0;
        for &(term, weight) in &other.entries {
            if let Some(mine) = self.get(term) {
                sum += mine * weight;
            }
        }
        sum
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(entries: &[(Term, f32)]) -> SparseVec {
        SparseVec::from_unsorted(entries.to_vec())
    }

    #[test]
    fn repeats_are_summed_and_sorted() {
        assert_eq!(
            v(&[(3, 1.0), (1, 2.0), (3, 0.5)]).entries,
            vec![(1, 2.0), (3, 1.5)]
        );
    }

    #[test]
    fn dot_and_norm() {
        let a = v(&[(1, 1.0), (2, 2.0), (5, 1.0)]);
        let b = v(&[(2, 3.0), (5, 2.0), (9, 7.0)]);
        assert_eq!(dot_scaled(&a, &b, |_| 1.0), 8.0);
        assert_eq!(dot_scaled(&a, &b, |t| if t == 5 { 2.0 } else { 1.0 }), 10.0);
        assert_eq!(v(&[(1, 3.0), (2, 4.0)]).norm_scaled(|_| 1.0), 5.0);
    }

    /// The merge finds every shared term however the two interleave.
    #[test]
    fn dot_matches_a_plain_sum_over_shared_terms() {
        let mut seed = 7u64;
        let mut next = || {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            seed >> 40
        };
        for _ in 0..200 {
            let (n, m) = (next() % 40, next() % 40);
            let a = v(&(0..n)
                .map(|_| (next() % 64, (next() % 9) as f32))
                .collect::<Vec<_>>());
            let b = v(&(0..m)
                .map(|_| (next() % 64, (next() % 9) as f32))
                .collect::<Vec<_>>());
            let mut expected = 0.0;
            for &(t, w) in &a.entries {
                if let Ok(k) = b.entries.binary_search_by_key(&t, |e| e.0) {
                    expected += w * b.entries[k].1;
                }
            }
            assert_eq!(dot_scaled(&a, &b, |_| 1.0), expected);
            assert_eq!(TermTable::new(&a).dot(&b).to_bits(), expected.to_bits());
            assert_eq!(dot_lopsided(&a, &b).to_bits(), expected.to_bits());
        }
    }

    proptest::proptest! {
        /// The search from a term's likely place finds what a binary search
        /// finds, present or not, wherever the terms lie.
        #[test]
        fn weight_of_finds_what_a_binary_search_finds(
            terms in proptest::collection::vec(proptest::prelude::any::<u64>(), 0..200),
            small in proptest::collection::vec(0u64..64, 0..40),
            probes in proptest::collection::vec(proptest::prelude::any::<u64>(), 0..20),
        ) {
            for set in [&terms, &small] {
                let v = SparseVec::from_unsorted(set.iter().map(|&t| (t, t as f32 + 1.0)).collect());
                for &probe in probes.iter().chain(set.iter()).chain(small.iter()) {
                    let expected = v
                        .entries
                        .binary_search_by_key(&probe, |&(t, _)| t)
                        .ok()
                        .map(|i| v.entries[i].1);
                    proptest::prop_assert_eq!(v.weight_of(probe), expected);
                }
            }
        }
    }

    /// Term 0 (the free-slot mark) and crowded slots are looked up right.
    #[test]
    fn the_table_finds_every_term() {
        let a = v(&[(0, 2.0), (16, 3.0), (32, 5.0), (48, 7.0), (1 << 40, 11.0)]);
        let b = v(&[(0, 1.0), (32, 1.0), (48, 2.0), (64, 9.0), (1 << 40, 1.0)]);
        let table = TermTable::new(&a);
        assert_eq!(table.dot(&b), dot_scaled(&a, &b, |_| 1.0));
        assert_eq!(table.dot(&b), 2.0 + 5.0 + 14.0 + 11.0);
    }

    #[test]
    fn add_scaled_merges() {
        let mut a = v(&[(1, 1.0), (4, 1.0)]);
        a.add_scaled(&v(&[(2, 1.0), (4, 2.0), (8, 1.0)]), 0.5);
        assert_eq!(a.entries, vec![(1, 1.0), (2, 0.5), (4, 2.0), (8, 0.5)]);
    }

    #[test]
    fn truncation_keeps_the_heaviest() {
        let mut a = v(&[(1, 1.0), (2, 5.0), (3, 3.0), (4, 3.0)]);
        a.truncate_to(2, |_| 1.0);
        assert_eq!(a.entries, vec![(2, 5.0), (3, 3.0)]);
    }
}
