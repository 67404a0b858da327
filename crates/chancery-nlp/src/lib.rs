//! Article → analysis: sentences, tokens, named entities, roles and actor
//! codes over a built-in knowledge base.
//!
//! Invariant: this crate does no I/O. Models and knowledge-base tables are
//! compiled in; user tables and dictionaries arrive as strings.

pub mod ner;
pub mod sentence;
pub mod token;

/// Everything that can go wrong in analysis set-up (analysis itself cannot fail).
#[derive(Debug, thiserror::Error)]
pub enum NlpError {
    /// A model file is damaged or from another version.
    #[error("NER model: {0}; rebuild it with `chancery train ner`")]
    Model(String),
}

use std::ops::Range;

use ner::{NameClass, NerModel, TaggerInput};

/// Per-token knowledge-base class bits the tagger uses as features. Training
/// and tagging must compute them the same way, so both call this.
pub fn gazetteer_bits(words: &[&str], sentences: &[Range<usize>]) -> Vec<u16> {
    let _ = (words, sentences);
    Vec::new()
}

/// Names in pre-tokenized sentences, with the built-in model and knowledge base.
pub fn find_names(words: &[&str], sentences: &[Range<usize>]) -> Vec<(Range<usize>, NameClass)> {
    let gazetteer = gazetteer_bits(words, sentences);
    let tags = NerModel::builtin().tag(&TaggerInput {
        words,
        sentences,
        gazetteer: &gazetteer,
    });
    ner::names(&tags)
}
