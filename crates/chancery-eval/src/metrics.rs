//! The text-overlap metrics of the extraction benchmarks, implemented exactly as
//! `bench/README.md` defines them so that scores compare with published ones.

use std::collections::HashMap;
use std::sync::LazyLock;

use regex::Regex;

static WORD: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\w+").expect("valid regex"));

/// Matches of `\w+` (Unicode), case kept.
pub fn tokens(text: &str) -> Vec<&str> {
    WORD.find_iter(text).map(|m| m.as_str()).collect()
}

/// True/false positive and false negative mass of one document, normalized so
/// that the three sum to 1 (all zero when both texts are empty).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Overlap {
    /// Shared mass.
    pub tp: f64,
    /// Mass only in the prediction.
    pub fp: f64,
    /// Mass only in the truth.
    pub fn_: f64,
}

impl Overlap {
    /// Precision: 1 when nothing is wrong, 0 when nothing was predicted right.
    pub fn precision(&self) -> f64 {
        if self.fp == 0.0 && self.fn_ == 0.0 {
            1.0
        } else if self.tp == 0.0 && self.fp == 0.0 {
            0.0
        } else {
            self.tp / (self.tp + self.fp)
        }
    }

    /// Recall: 1 when nothing is wrong, 0 when nothing true was found.
    pub fn recall(&self) -> f64 {
        if self.fp == 0.0 && self.fn_ == 0.0 {
            1.0
        } else if self.tp == 0.0 && self.fn_ == 0.0 {
            0.0
        } else {
            self.tp / (self.tp + self.fn_)
        }
    }
}

/// The Scrapinghub article-extraction metric for one document: token 4-gram
/// shingles as multisets (one shingle of all tokens when there are fewer than 4).
pub fn shingle_overlap(truth: &str, prediction: &str) -> Overlap {
    let truth = shingles(&tokens(truth), 4);
    let prediction = shingles(&tokens(prediction), 4);
    multiset_overlap(&truth, &prediction)
}

fn shingles<'a>(tokens: &[&'a str], n: usize) -> HashMap<Vec<&'a str>, usize> {
    let mut counts = HashMap::new();
    if tokens.is_empty() {
        return counts;
    }
    if tokens.len() < n {
        counts.insert(tokens.to_vec(), 1);
        return counts;
    }
    for window in tokens.windows(n) {
        *counts.entry(window.to_vec()).or_insert(0) += 1;
    }
    counts
}

fn multiset_overlap<K: std::hash::Hash + Eq>(
    truth: &HashMap<K, usize>,
    prediction: &HashMap<K, usize>,
) -> Overlap {
    let (mut tp, mut fp, mut fn_) = (0usize, 0usize, 0usize);
    for (key, &t) in truth {
        let p = prediction.get(key).copied().unwrap_or(0);
        tp += t.min(p);
        fn_ += t.saturating_sub(p);
    }
    for (key, &p) in prediction {
        let t = truth.get(key).copied().unwrap_or(0);
        fp += p.saturating_sub(t);
    }
    let sum = (tp + fp + fn_) as f64;
    if sum == 0.0 {
        return Overlap::default();
    }
    Overlap {
        tp: tp as f64 / sum,
        fp: fp as f64 / sum,
        fn_: fn_ as f64 / sum,
    }
}

/// Precision, recall and F1 of one document or a corpus.
#[derive(Debug, Clone, Copy, PartialEq, Default, serde::Serialize)]
pub struct Prf {
    /// Precision.
    pub precision: f64,
    /// Recall.
    pub recall: f64,
    /// Harmonic mean of the two.
    pub f1: f64,
}

impl Prf {
    /// From precision and recall.
    pub fn new(precision: f64, recall: f64) -> Prf {
        let f1 = if precision + recall > 0.0 {
            2.0 * precision * recall / (precision + recall)
        } else {
            0.0
        };
        Prf {
            precision,
            recall,
            f1,
        }
    }

    /// The corpus score: plain means of per-document precision and recall, and
    /// F1 computed from those two means.
    pub fn mean_of(docs: impl IntoIterator<Item = (f64, f64)>) -> Prf {
        let (mut p, mut r, mut n) = (0.0, 0.0, 0usize);
        for (dp, dr) in docs {
            p += dp;
            r += dr;
            n += 1;
        }
        if n == 0 {
            return Prf::default();
        }
        Prf::new(p / n as f64, r / n as f64)
    }
}

impl Prf {
    /// The WCXB corpus score: plain means of per-page precision, recall and F1
    /// (F1 averaged over pages, not computed from the means).
    pub fn mean_of_pages(pages: impl IntoIterator<Item = Prf>) -> Prf {
        let (mut sum, mut n) = (Prf::default(), 0usize);
        for page in pages {
            sum.precision += page.precision;
            sum.recall += page.recall;
            sum.f1 += page.f1;
            n += 1;
        }
        if n == 0 {
            return Prf::default();
        }
        let n = n as f64;
        Prf {
            precision: sum.precision / n,
            recall: sum.recall / n,
            f1: sum.f1 / n,
        }
    }
}

/// WCXB's bag-of-words score of one page: multiset overlap of lowercased `\w+`
/// tokens. Both empty counts as perfect; one empty as zero.
pub fn bag_of_words(truth: &str, prediction: &str) -> Prf {
    let truth = word_bag(truth);
    let prediction = word_bag(prediction);
    let true_total: usize = truth.values().sum();
    let pred_total: usize = prediction.values().sum();
    if true_total == 0 && pred_total == 0 {
        return Prf::new(1.0, 1.0);
    }
    if true_total == 0 || pred_total == 0 {
        return Prf::default();
    }
    let shared: usize = truth
        .iter()
        .map(|(w, &t)| t.min(prediction.get(w).copied().unwrap_or(0)))
        .sum();
    Prf::new(
        shared as f64 / pred_total as f64,
        shared as f64 / true_total as f64,
    )
}

fn word_bag(text: &str) -> HashMap<String, usize> {
    let mut bag = HashMap::new();
    for token in WORD.find_iter(text) {
        *bag.entry(token.as_str().to_lowercase()).or_insert(0) += 1;
    }
    bag
}

/// Lower-cases and collapses whitespace, for snippet and exact-match checks.
pub fn normalize_for_match(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.extend(word.chars().flat_map(char::to_lowercase));
    }
    out
}

/// Mean and sample standard deviation (n − 1) of per-fold scores: what a
/// cross-validated figure is reported as. Zero spread for fewer than two.
pub fn mean_and_spread(values: &[f64]) -> (f64, f64) {
    let n = values.len();
    if n == 0 {
        return (0.0, 0.0);
    }
    let mean = values.iter().sum::<f64>() / n as f64;
    let spread = if n < 2 {
        0.0
    } else {
        (values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1) as f64).sqrt()
    };
    (mean, spread)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identical_texts_score_one() {
        let o = shingle_overlap("one two three four five", "one two three four five");
        assert_eq!((o.precision(), o.recall()), (1.0, 1.0));
    }

    #[test]
    fn empty_prediction_scores_zero_precision_and_recall() {
        let o = shingle_overlap("one two three four five", "");
        assert_eq!((o.precision(), o.recall()), (0.0, 0.0));
    }

    #[test]
    fn both_empty_is_perfect() {
        let o = shingle_overlap("", "");
        assert_eq!((o.precision(), o.recall()), (1.0, 1.0));
    }

    #[test]
    fn extra_text_costs_precision_only() {
        // truth: 2 shingles; prediction: the same 2 plus 2 more.
        let o = shingle_overlap("a b c d e", "a b c d e f g");
        assert!((o.precision() - 0.5).abs() < 1e-9, "{o:?}");
        assert_eq!(o.recall(), 1.0);
    }

    #[test]
    fn short_texts_are_one_shingle() {
        let o = shingle_overlap("a b", "a b");
        assert_eq!(o.precision(), 1.0);
        let o = shingle_overlap("a b", "a c");
        assert_eq!(o.precision(), 0.0);
    }

    #[test]
    fn multiset_counts_repeats() {
        // The prediction repeats the only shingle: one is right, one is extra.
        let o = shingle_overlap("w x y z", "w x y z. w x y z");
        assert!(o.precision() < 1.0 && o.recall() == 1.0, "{o:?}");
    }

    #[test]
    fn corpus_f1_comes_from_mean_precision_and_recall() {
        let prf = Prf::mean_of([(1.0, 0.5), (0.5, 1.0)]);
        assert!((prf.precision - 0.75).abs() < 1e-9);
        assert!((prf.f1 - 0.75).abs() < 1e-9);
    }

    #[test]
    fn page_mean_f1_is_not_the_f1_of_means() {
        let pages = [Prf::new(1.0, 0.0), Prf::new(0.0, 1.0)];
        let mean = Prf::mean_of_pages(pages);
        assert_eq!((mean.precision, mean.recall, mean.f1), (0.5, 0.5, 0.0));
    }

    #[test]
    fn bag_of_words_is_case_insensitive_multiset() {
        let prf = bag_of_words("The cat the hat", "the CAT sat");
        assert!((prf.precision - 2.0 / 3.0).abs() < 1e-9, "{prf:?}");
        assert!((prf.recall - 0.5).abs() < 1e-9, "{prf:?}");
    }
}
