//! The batch path: all articles at once, TF-IDF over the whole set and
//! average-linkage agglomerative clustering. It sees every article before
//! deciding, so it can serve to re-cluster a finished set; its cost is
//! quadratic in memory and close to it in time, for sets of a few thousand.

use crate::df::DocumentFrequency;
use crate::features::{self, Features, KINDS};
use crate::model::{pair_features, Model};
use crate::sparse::{dot_scaled, SparseVec};
use crate::{Config, Document};

/// Clusters a whole set; returns each article's story as a number from 0,
/// numbered in the order of each story's first article. Groups merge while
/// their average probability of belonging together is at least
/// `config.threshold`.
pub fn cluster_batch(documents: &[Document<'_>], config: &Config) -> Vec<usize> {
    let features: Vec<Features> = documents
        .iter()
        .map(|d| features::extract(d, config))
        .collect();
    let mut df = DocumentFrequency::new(config.df_bits);
    for f in &features {
        df.observe(f.terms().map(|(t, _)| t));
    }
    let n = documents.len();
    let features: Vec<&Features> = features.iter().collect();
    let mut sim = similarity_matrix(&features, &df, &config.model);
    average_linkage(&mut sim, n, config.threshold)
}

/// Scales each kind's vector to unit length under the idf (empty stays
/// empty).
pub(crate) fn unit_vectors(f: &Features, df: &DocumentFrequency) -> [SparseVec; KINDS] {
    std::array::from_fn(|k| {
        let v = &f.vecs[k];
        let norm = v.norm_scaled(|t| df.idf(t));
        let scale = if norm > 0.0 { 1.0 / norm } else { 0.0 };
        SparseVec {
            entries: v
                .entries
                .iter()
                .map(|&(t, w)| (t, w * df.idf(t) * scale))
                .collect(),
        }
    })
}

/// The cosines per kind of two sets of unit vectors (`None` where a side has
/// no term of the kind).
pub(crate) fn unit_cosines(a: &[SparseVec; KINDS], b: &[SparseVec; KINDS]) -> [Option<f32>; KINDS] {
    std::array::from_fn(|k| {
        (!a[k].is_empty() && !b[k].is_empty()).then(|| dot_scaled(&a[k], &b[k], |_| 1.0))
    })
}

/// The pairwise probabilities of articles belonging together as a full
/// symmetric matrix (row major), from the cosines of their idf-weighted
/// vectors as on the online path.
pub(crate) fn similarity_matrix(
    features: &[&Features],
    df: &DocumentFrequency,
    model: &Model,
) -> Vec<f32> {
    let vectors: Vec<[SparseVec; KINDS]> = features.iter().map(|f| unit_vectors(f, df)).collect();
    let n = vectors.len();
    let mut sim = vec![0.0f32; n * n];
    for i in 0..n {
        for j in (i + 1)..n {
            let s = model.probability(&pair_features(unit_cosines(&vectors[i], &vectors[j]), 1));
            sim[i * n + j] = s;
            sim[j * n + i] = s;
        }
    }
    sim
}

/// Average-linkage agglomerative clustering of `n` items: merges clusters
/// while the best average similarity is at least `threshold`; returns each
/// item's cluster numbered from 0 in order of first appearance. `sim` is the
/// full symmetric `n × n` matrix (row major) and is overwritten. The
/// nearest-neighbour cache keeps each step linear in the number of clusters
/// for most merges.
pub fn average_linkage(sim: &mut [f32], n: usize, threshold: f32) -> Vec<usize> {
    assert_eq!(sim.len(), n * n, "an n × n similarity matrix");
    number_by_first(&linkage_representatives(sim, n, threshold))
}

fn linkage_representatives(sim: &mut [f32], n: usize, threshold: f32) -> Vec<usize> {
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
        let clusters = average_linkage(&mut sim, 4, 0.5);
        assert_eq!(clusters, vec![0, 0, 1, 1]);
    }

    #[test]
    fn average_not_single_linkage() {
        // 2 is close to 1 but far from 0: the average (0.45) stays below 0.5.
        let mut sim = matrix(3, &[(0, 1, 0.9), (1, 2, 0.8), (0, 2, 0.1)]);
        let clusters = average_linkage(&mut sim, 3, 0.5);
        assert_eq!(clusters, vec![0, 0, 1]);
    }
}
