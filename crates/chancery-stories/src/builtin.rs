//! The built-in story model: written by `chancery eval stories --cv 5 --write-model`,
//! not by hand (see BENCHMARKS.md).

use crate::Model;

/// Logistic weights fit on every ECB+ dev topic.
pub(crate) const MODEL: Model = Model {
    weights: [
        3.4526916, 6.518639, 0.8655572, 3.0359983, 5.5669203, 0.21457815, -0.4352686, -1.3384603,
        -0.7693996,
    ],
    bias: -2.9140623,
};

/// The join probability chosen by cross-validation over ECB+ dev topics.
pub(crate) const THRESHOLD: f32 = 0.4;

/// Whether young stories split, as cross-validation chose.
pub(crate) const SPLIT: bool = true;

/// Whether young stories merge, as cross-validation chose.
pub(crate) const MERGE: bool = true;

/// The settle window chosen by cross-validation over ECB+ dev topics.
pub(crate) const SETTLE_WINDOW: usize = 0;
