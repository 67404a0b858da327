//! The batch path: all articles at once, TF-IDF over the whole set and
//! average-linkage agglomerative clustering. It sees every article before
//! deciding, so it can serve to re-cluster a finished set; its cost is
//! quadratic in memory and close to it in time, for sets of a few thousand.

use crate::df::DocumentFrequency;
use crate::features::{self, Features};
use crate::sparse::{dot_scaled, SparseVec};
use crate::{mix, Config, Document};

/// Clusters a whole set; returns each article's story as a number from 0,
/// numbered in the order of each story's first article. Articles whose
/// average similarity stays below `config.batch_threshold` stay apart.
pub fn cluster_batch(documents: &[Document<'_>], config: &Config) -> Vec<usize> {
    let features: Vec<Features> = documents
        .iter()
        .map(|d| features::extract(d, config))
        .collect();
    let mut df = DocumentFrequency::new(config.df_bits);
    for f in &features {
        df.observe(
            f.words
                .entries
                .iter()
                .chain(&f.names.entries)
                .map(|(t, _)| t),
        );
    }
    let n = documents.len();
    let features: Vec<&Features> = features.iter().collect();
    let mut sim = similarity_matrix(&features, &df, config.name_weight);
    let clusters = average_linkage(&mut sim, n, config.batch_threshold);
    number_by_first(&clusters)
}

/// The pairwise similarities of articles as a full symmetric matrix (row
/// major): cosines of their idf-weighted vectors, mixed as on the online path.
pub(crate) fn similarity_matrix(
    features: &[&Features],
    df: &DocumentFrequency,
    name_weight: f32,
) -> Vec<f32> {
    let unit = |v: &SparseVec| {
        let norm = v.norm_scaled(|t| df.idf(t));
        let scale = if norm > 0.0 { 1.0 / norm } else { 0.0 };
        SparseVec {
            entries: v
                .entries
                .iter()
                .map(|&(t, w)| (t, w * df.idf(t) * scale))
                .collect(),
        }
    };
    let vectors: Vec<(SparseVec, SparseVec)> = features
        .iter()
        .map(|f| (unit(&f.words), unit(&f.names)))
        .collect();
    let n = vectors.len();
    let mut sim = vec![0.0f32; n * n];
    for i in 0..n {
        for j in (i + 1)..n {
            let (a, b) = (&vectors[i], &vectors[j]);
            let words = dot_scaled(&a.0, &b.0, |_| 1.0);
            let names =
                (!a.1.is_empty() && !b.1.is_empty()).then(|| dot_scaled(&a.1, &b.1, |_| 1.0));
            let s = mix(name_weight, words, names);
            sim[i * n + j] = s;
            sim[j * n + i] = s;
        }
    }
    sim
}

/// Merges clusters while the best average similarity is at least
/// `threshold`; returns each item's cluster representative. `sim` is the
/// full symmetric matrix and is overwritten. The nearest-neighbour cache
/// keeps each step linear in the number of clusters for most merges.
pub(crate) fn average_linkage(sim: &mut [f32], n: usize, threshold: f32) -> Vec<usize> {
    let mut size = vec![1u32; n];
    let mut live = vec![true; n];
    let mut parent: Vec<usize> = (0..n).collect();
    let best_of = |sim: &[f32], live: &[bool], i: usize| -> (usize, f32) {
        let mut best = (usize::MAX, f32::NEG_INFINITY);
        for j in 0..n {
            if j != i && live[j] && sim[i * n + j] > best.1 {
                best = (j, sim[i * n + j]);
            }
        }
        best
    };
    let mut best: Vec<(usize, f32)> = (0..n).map(|i| best_of(sim, &live, i)).collect();
    loop {
        let mut pick: Option<usize> = None;
        for i in 0..n {
            if live[i] && best[i].0 != usize::MAX && pick.is_none_or(|p| best[i].1 > best[p].1) {
                pick = Some(i);
            }
        }
        let Some(a) = pick else { break };
        let (b, s) = best[a];
        if s < threshold {
            break;
        }
        let (keep, gone) = (a.min(b), a.max(b));
        let (sk, sg) = (size[keep] as f32, size[gone] as f32);
        for k in 0..n {
            if live[k] && k != keep && k != gone {
                let merged = (sk * sim[keep * n + k] + sg * sim[gone * n + k]) / (sk + sg);
                sim[keep * n + k] = merged;
                sim[k * n + keep] = merged;
            }
        }
        live[gone] = false;
        size[keep] += size[gone];
        parent[gone] = keep;
        best[gone] = (usize::MAX, f32::NEG_INFINITY);
        for k in 0..n {
            if !live[k] {
                continue;
            }
            if k == keep || best[k].0 == keep || best[k].0 == gone {
                best[k] = best_of(sim, &live, k);
            } else if sim[k * n + keep] > best[k].1
                || (sim[k * n + keep] == best[k].1 && keep < best[k].0)
            {
                best[k] = (keep, sim[k * n + keep]);
            }
        }
    }
    (0..n)
        .map(|mut i| {
            while parent[i] != i {
                i = parent[i];
            }
            i
        })
        .collect()
}

/// Renumbers cluster representatives 0, 1, 2… in order of first appearance.
pub(crate) fn number_by_first(representatives: &[usize]) -> Vec<usize> {
    let mut numbers = std::collections::HashMap::new();
    representatives
        .iter()
        .map(|&r| {
            let next = numbers.len();
            *numbers.entry(r).or_insert(next)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A symmetric similarity matrix with the given pairs set, the rest 0.
    fn matrix(n: usize, pairs: &[(usize, usize, f32)]) -> Vec<f32> {
        let mut sim = vec![0.0f32; n * n];
        for &(i, j, s) in pairs {
            sim[i * n + j] = s;
            sim[j * n + i] = s;
        }
        sim
    }

    #[test]
    fn linkage_merges_above_the_threshold_only() {
        // Items 0-1 and 2-3 are close pairs; the pairs are far apart.
        let mut sim = matrix(4, &[(0, 1, 0.9), (2, 3, 0.8), (0, 2, 0.2), (1, 3, 0.3)]);
        let clusters = number_by_first(&average_linkage(&mut sim, 4, 0.5));
        assert_eq!(clusters, vec![0, 0, 1, 1]);
    }

    #[test]
    fn average_not_single_linkage() {
        // 2 is close to 1 but far from 0: the average (0.45) stays below 0.5.
        let mut sim = matrix(3, &[(0, 1, 0.9), (1, 2, 0.8), (0, 2, 0.1)]);
        let clusters = number_by_first(&average_linkage(&mut sim, 3, 0.5));
        assert_eq!(clusters, vec![0, 0, 1]);
    }
}
