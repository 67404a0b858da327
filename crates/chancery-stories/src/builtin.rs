//! The built-in story model: written by `chancery eval stories --cv 5 --write-model`,
//! not by hand (see BENCHMARKS.md).

use crate::Model;

/// Logistic weights fit on every ECB+ dev topic.
pub(crate) const MODEL: Model = Model {
    weights: [
        3.4622996,
        6.5366726,
        0.8667563,
        2.98233,
        5.570774,
        0.21333313,
        -0.43064958,
        -1.3413715,
        -0.76986146,
    ],
    bias: -2.9126718,
};

/// The join probability chosen by cross-validation over ECB+ dev topics.
pub(crate) const THRESHOLD: f32 = 0.35;

/// Whether young stories split, as cross-validation chose.
pub(crate) const SPLIT: bool = true;

/// Whether young stories merge, as cross-validation chose.
pub(crate) const MERGE: bool = true;

/// The settle window chosen by cross-validation over ECB+ dev topics.
pub(crate) const SETTLE_WINDOW: usize = 256;
