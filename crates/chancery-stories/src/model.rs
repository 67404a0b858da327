//! How similar is similar enough: a logistic model over the cosines of each
//! kind of term, fit on labelled stories rather than weighed by hand.
//!
//! The features of an (article, story) pair are the cosines of their
//! idf-weighted vectors per [`Kind`](crate::features::Kind) (0 when a side has
//! no term of the kind) and, for the kinds an article may lack altogether
//! (title, entity keys, numbers), whether both sides have any: a missing kind
//! then costs what the data say it costs, not a cosine of 0. The model gives
//! the probability that the article belongs to the story; an article joins
//! the most probable story at or above [`Config::threshold`](crate::Config).
//!
//! [`fit`] learns the weights by L2-regularized logistic regression (Newton's
//! method, a handful of iterations, deterministic) from the pairs that
//! [`training_pairs`](crate::training_pairs) reads off a labelled stream.

use crate::features::KINDS;

/// How many features a pair has: a cosine per kind, three presence flags and
/// the story's size.
pub const FEATURES: usize = KINDS + 4;

/// The names of the features, in order, for reports.
pub const FEATURE_NAMES: [&str; FEATURES] = [
    "words",
    "names",
    "title",
    "keys",
    "numbers",
    "both_titled",
    "both_keyed",
    "both_numbered",
    "ln_story_size",
];

/// The features of one pair.
pub type PairFeatures = [f32; FEATURES];

/// Builds a pair's features from its cosines per kind (`None` when a side has
/// no term of the kind) and the number of articles in the story (1 for a
/// pair of articles). The size matters because a centroid of many articles
/// holds more of any story's vocabulary than one article does.
pub(crate) fn pair_features(cosines: [Option<f32>; KINDS], size: u32) -> PairFeatures {
    let mut x = [0.0f32; FEATURES];
    for (k, c) in cosines.iter().enumerate() {
        x[k] = c.unwrap_or(0.0);
    }
    use crate::features::Kind;
    let present = |kind: Kind| f32::from(u8::from(cosines[kind as usize].is_some()));
    x[KINDS] = present(Kind::Title);
    x[KINDS + 1] = present(Kind::Keys);
    x[KINDS + 2] = present(Kind::Numbers);
    x[KINDS + 3] = (size.max(1) as f32).ln();
    x
}

/// A logistic model of "this article belongs to this story".
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Model {
    /// One weight per feature ([`FEATURE_NAMES`]).
    pub weights: [f32; FEATURES],
    /// The intercept.
    pub bias: f32,
}

impl Model {
    /// The model fit on ECB+ dev (all its topics), as `chancery eval stories
    /// --fit` prints it; see BENCHMARKS.md for how it scores on topics it was
    /// not fit on.
    pub fn builtin() -> Model {
        crate::builtin::MODEL
    }

    /// The log-odds of a pair.
    pub fn logit(&self, x: &PairFeatures) -> f32 {
        self.bias + self.weights.iter().zip(x).map(|(w, v)| w * v).sum::<f32>()
    }

    /// The probability that a pair belongs together.
    pub fn probability(&self, x: &PairFeatures) -> f32 {
        1.0 / (1.0 + (-self.logit(x)).exp())
    }

    /// The model as Rust source for `src/builtin.rs`, with the settings
    /// chosen with it (threshold, split and merge checks).
    pub fn to_rust(
        &self,
        threshold: f32,
        split: bool,
        merge: bool,
        settle_window: usize,
    ) -> String {
        let weights: Vec<String> = self.weights.iter().map(|w| format!("{w:?}")).collect();
        format!(
            "//! The built-in story model: written by `chancery eval stories --cv 5 \
             --write-model`,\n//! not by hand (see BENCHMARKS.md).\n\n\
             use crate::Model;\n\n\
             /// Logistic weights fit on every ECB+ dev topic.\n\
             pub(crate) const MODEL: Model = Model {{\n    weights: [{}],\n    bias: {:?},\n}};\n\n\
             /// The join probability chosen by cross-validation over ECB+ dev topics.\n\
             pub(crate) const THRESHOLD: f32 = {threshold:?};\n\n\
             /// Whether young stories split, as cross-validation chose.\n\
             pub(crate) const SPLIT: bool = {split};\n\n\
             /// Whether young stories merge, as cross-validation chose.\n\
             pub(crate) const MERGE: bool = {merge};\n\n\
             /// The settle window chosen by cross-validation over ECB+ dev topics.\n\
             pub(crate) const SETTLE_WINDOW: usize = {settle_window};\n",
            weights.join(", "),
            self.bias
        )
    }
}

/// Fits a logistic model to labelled pairs, with an L2 penalty `l2` on the
/// weights (not the intercept). Pairs of either label may be missing; the
/// result is then the penalty's pull towards zero weights.
pub fn fit(pairs: &[(PairFeatures, bool)], l2: f64) -> Model {
    const P: usize = FEATURES + 1;
    let row = |x: &PairFeatures| {
        let mut r = [1.0f64; P];
        for (k, v) in x.iter().enumerate() {
            r[k + 1] = f64::from(*v);
        }
        r
    };
    let mut beta = [0.0f64; P];
    let positives = pairs.iter().filter(|(_, y)| *y).count();
    if !pairs.is_empty() && positives > 0 && positives < pairs.len() {
        let share = positives as f64 / pairs.len() as f64;
        beta[0] = (share / (1.0 - share)).ln();
    }
    for _ in 0..50 {
        let mut gradient = [0.0f64; P];
        let mut hessian = [[0.0f64; P]; P];
        for (x, y) in pairs {
            let r = row(x);
            let z: f64 = r.iter().zip(&beta).map(|(a, b)| a * b).sum();
            let p = 1.0 / (1.0 + (-z).exp());
            let residual = f64::from(u8::from(*y)) - p;
            let w = (p * (1.0 - p)).max(1e-9);
            for i in 0..P {
                gradient[i] += residual * r[i];
                for j in 0..P {
                    hessian[i][j] += w * r[i] * r[j];
                }
            }
        }
        for i in 1..P {
            gradient[i] -= l2 * beta[i];
            hessian[i][i] += l2;
        }
        // A tiny ridge on the intercept too keeps the system solvable when a
        // feature is constant.
        hessian[0][0] += 1e-6;
        let Some(step) = solve(hessian, gradient) else {
            break;
        };
        let mut largest = 0.0f64;
        for i in 0..P {
            beta[i] += step[i];
            largest = largest.max(step[i].abs());
        }
        if largest < 1e-7 {
            break;
        }
    }
    let mut weights = [0.0f32; FEATURES];
    for (k, w) in weights.iter_mut().enumerate() {
        *w = beta[k + 1] as f32;
    }
    Model {
        weights,
        bias: beta[0] as f32,
    }
}

/// Solves `a x = b` by Gaussian elimination with partial pivoting; `None`
/// when `a` is singular.
fn solve<const N: usize>(mut a: [[f64; N]; N], mut b: [f64; N]) -> Option<[f64; N]> {
    for col in 0..N {
        let pivot = (col..N).max_by(|&i, &j| a[i][col].abs().total_cmp(&a[j][col].abs()))?;
        if a[pivot][col].abs() < 1e-12 {
            return None;
        }
        a.swap(col, pivot);
        b.swap(col, pivot);
        for r in (col + 1)..N {
            let factor = a[r][col] / a[col][col];
            if factor == 0.0 {
                continue;
            }
            let pivot_row = a[col];
            for (cell, &p) in a[r].iter_mut().zip(&pivot_row).skip(col) {
                *cell -= factor * p;
            }
            b[r] -= factor * b[col];
        }
    }
    let mut x = [0.0f64; N];
    for r in (0..N).rev() {
        let tail: f64 = ((r + 1)..N).map(|c| a[r][c] * x[c]).sum();
        x[r] = (b[r] - tail) / a[r][r];
    }
    Some(x)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pair(words: f32, y: bool) -> (PairFeatures, bool) {
        let mut x = [0.0; FEATURES];
        x[0] = words;
        (x, y)
    }

    #[test]
    fn a_separating_feature_gets_a_positive_weight() {
        let pairs: Vec<_> = (0..40)
            .map(|i| {
                let words = i as f32 / 40.0;
                // Noisy labels: mostly above 0.5, with two exceptions each way.
                let y = (words > 0.5) ^ matches!(i, 5 | 12 | 28 | 33);
                pair(words, y)
            })
            .collect();
        let model = fit(&pairs, 0.1);
        assert!(model.weights[0] > 1.0, "{model:?}");
        let mut low = [0.0; FEATURES];
        low[0] = 0.1;
        let mut high = [0.0; FEATURES];
        high[0] = 0.9;
        assert!(model.probability(&low) < 0.3);
        assert!(model.probability(&high) > 0.7);
        // Deterministic.
        assert_eq!(model, fit(&pairs, 0.1));
    }

    #[test]
    fn one_label_only_gives_a_finite_model() {
        let pairs = vec![pair(0.2, false), pair(0.8, false)];
        let model = fit(&pairs, 1.0);
        assert!(model.bias.is_finite() && model.weights.iter().all(|w| w.is_finite()));
        assert!(fit(&[], 1.0).bias.is_finite());
    }

    #[test]
    fn solve_by_hand() {
        let x = solve([[2.0, 1.0], [1.0, 3.0]], [3.0, 5.0]).unwrap();
        assert!((x[0] - 0.8).abs() < 1e-12 && (x[1] - 1.4).abs() < 1e-12);
        assert!(solve([[1.0, 2.0], [2.0, 4.0]], [1.0, 2.0]).is_none());
    }

    #[test]
    fn the_builtin_model_prefers_similar_pairs() {
        let model = Model::builtin();
        let mut near = [1.0; FEATURES];
        near[0] = 0.6;
        let mut far = near;
        for v in far.iter_mut().take(KINDS) {
            *v = 0.0;
        }
        assert!(model.probability(&near) > model.probability(&far));
    }
}
