//! The built-in story model: written by `chancery eval stories --cv 5 --write-model`,
//! not by hand (see BENCHMARKS.md).

use crate::Model;

/// Logistic weights fit on every ECB+ dev topic.
pub(crate) const MODEL: Model = Model {
    weights: [
        3.4458547,
        6.5148873,
        0.87378395,
        3.0669558,
        5.578739,
        0.20607674,
        -0.43692997,
        -1.3261893,
        -0.77325785,
    ],
    bias: -2.9103427,
};

/// The join probability chosen by cross-validation over ECB+ dev topics.
pub(crate) const THRESHOLD: f32 = 0.3;

/// Whether young stories split, as cross-validation chose.
pub(crate) const SPLIT: bool = true;

/// Whether young stories merge, as cross-validation chose.
pub(crate) const MERGE: bool = true;

/// The settle window chosen by cross-validation over ECB+ dev topics.
pub(crate) const SETTLE_WINDOW: usize = 256;
