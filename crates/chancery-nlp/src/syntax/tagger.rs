//! The part-of-speech tagger: greedy, left to right, an averaged-perceptron
//! score per tag over the word, its affixes and shape, its neighbours and
//! the two tags already chosen.
//!
//! Two passes: the second reads the same features plus the first pass's
//! tags to the right, which a left-to-right pass cannot see ("that" before
//! a verb or a noun).
//!
//! Words are read lower-cased; capitalization reaches the model only as
//! flags combined with whether the whole sentence is in capitals or in
//! Title Case, so wire headlines do not turn every word into a name.

use super::linear::{key_of, Linear, Vocabulary};
use crate::ner::{mix_hashes, TokenInfo};

/// Number of tag classes ([`super::Upos`]).
pub(crate) const CLASSES: usize = 17;
/// The "tag" before the first word.
const START: u64 = CLASSES as u64;

/// Per-word hashes and flags the tagger and parser read.
#[derive(Debug, Clone, Copy)]
pub(crate) struct WordInfo {
    pub lower: u64,
    /// The word as the parser reads it: `lower` for a word in the
    /// vocabulary, else a class of unknown words by shape.
    pub form: u64,
    pub shape: u64,
    pub suffix2: u64,
    pub suffix3: u64,
    pub suffix4: u64,
    pub prefix: u64,
    pub prefix3: u64,
    /// Capitalization in context (see the `CAP_*` bits).
    pub caps: u64,
}

const CAP_INITIAL: u64 = 1;
const CAP_ALL: u64 = 1 << 1;
const CAP_FIRST_WORD: u64 = 1 << 2;
const CAP_SENTENCE_UPPER: u64 = 1 << 3;
const CAP_SENTENCE_TITLE: u64 = 1 << 4;
const CAP_DIGIT: u64 = 1 << 5;
const CAP_HYPHEN: u64 = 1 << 6;

/// The hash of a feature: a template number and two values.
#[inline]
pub(crate) fn key(template: u64, a: u64, b: u64) -> u64 {
    key_of(mix_hashes(mix_hashes(template, a), b))
}

/// Hashes and flags of every word of one sentence.
pub(crate) fn word_infos(words: &[&str], vocabulary: &Vocabulary) -> Vec<WordInfo> {
    let tokens: Vec<TokenInfo> = words.iter().map(|w| TokenInfo::new(w)).collect();
    let lettered = || {
        words
            .iter()
            .zip(&tokens)
            .filter(|(w, _)| w.chars().filter(|c| c.is_alphabetic()).count() >= 2)
    };
    let (mut letter_words, mut upper_words) = (0, 0);
    let (mut long_words, mut title_words) = (0, 0);
    for (word, token) in lettered() {
        letter_words += 1;
        upper_words += (token.flags & crate::ner::ALL_CAPS != 0) as usize;
        if word.chars().count() > 3 {
            long_words += 1;
            title_words += (token.flags & crate::ner::INIT_CAP != 0) as usize;
        }
    }
    let mut sentence_caps = 0;
    if letter_words >= 2 && upper_words == letter_words {
        sentence_caps |= CAP_SENTENCE_UPPER;
    } else if long_words >= 3 && title_words * 10 >= long_words * 8 {
        sentence_caps |= CAP_SENTENCE_TITLE;
    }
    words
        .iter()
        .zip(&tokens)
        .enumerate()
        .map(|(i, (word, token))| {
            let mut caps = sentence_caps;
            if token.flags & crate::ner::INIT_CAP != 0 {
                caps |= CAP_INITIAL;
            }
            if token.flags & crate::ner::ALL_CAPS != 0 {
                caps |= CAP_ALL;
            }
            if token.flags & crate::ner::HAS_DIGIT != 0 {
                caps |= CAP_DIGIT;
            }
            if i == 0 {
                caps |= CAP_FIRST_WORD;
            }
            if word.len() > 1 && word.contains('-') {
                caps |= CAP_HYPHEN;
            }
            let mut prefix3 = 0x7072_6533;
            let mut first = 0;
            for (k, c) in word
                .chars()
                .flat_map(char::to_lowercase)
                .take(3)
                .enumerate()
            {
                if k == 0 {
                    first = c as u64;
                }
                prefix3 = mix_hashes(prefix3, c as u64);
            }
            let form = if vocabulary.contains(token.lower) {
                token.lower
            } else {
                mix_hashes(0x756e_6b6e, token.shape)
            };
            WordInfo {
                lower: token.lower,
                form,
                shape: token.shape,
                suffix2: token.suffix2,
                suffix3: token.suffix3,
                suffix4: token.suffix4,
                prefix: mix_hashes(0x7072_6566, first),
                prefix3,
                caps,
            }
        })
        .collect()
}

/// A word outside the sentence (before its start or after its end).
const OUTSIDE: WordInfo = WordInfo {
    lower: 0x5eed_0001,
    form: 0x5eed_0001,
    shape: 0x5eed_0002,
    suffix2: 0x5eed_0003,
    suffix3: 0x5eed_0004,
    suffix4: 0x5eed_0005,
    prefix: 0x5eed_0006,
    prefix3: 0x5eed_0008,
    caps: 0x5eed_0007,
};

/// The features of word `i` given the two tags before it and, in the
/// second pass, the first pass's tags of the whole sentence (`ahead`).
pub(crate) fn features(
    infos: &[WordInfo],
    i: usize,
    (p1, p2): (u64, u64),
    ahead: Option<&[u8]>,
    out: &mut Vec<u64>,
) {
    let at = |offset: isize| -> &WordInfo {
        i.checked_add_signed(offset)
            .and_then(|j| infos.get(j))
            .unwrap_or(&OUTSIDE)
    };
    let w = at(0);
    let (before, before2, after, after2) = (at(-1), at(-2), at(1), at(2));
    out.clear();
    out.extend([
        key(0, 0, 0),
        key(1, w.lower, 0),
        key(2, w.suffix2, 0),
        key(3, w.suffix3, 0),
        key(4, w.suffix4, 0),
        key(5, w.prefix, 0),
        key(6, w.shape, 0),
        key(7, p1, 0),
        key(8, p1, p2),
        key(9, p1, w.lower),
        key(10, before.lower, 0),
        key(11, before.suffix3, 0),
        key(12, before2.lower, 0),
        key(13, after.lower, 0),
        key(14, after.suffix3, 0),
        key(15, after2.lower, 0),
        key(16, before.lower, w.lower),
        key(17, w.lower, after.lower),
        key(18, w.caps, 0),
        key(19, w.caps, w.lower),
        key(20, after.shape, w.shape),
        key(21, p1, w.suffix3),
        key(22, w.caps, w.suffix3),
        key(23, after.caps, w.caps),
        key(24, p2, 0),
        key(25, before.lower, p1),
        key(26, w.prefix3, 0),
        key(27, w.lower, after.suffix3),
    ]);
    if let Some(first) = ahead {
        // The right context's tags, which a left-to-right pass cannot see.
        let tag_at = |j: usize| first.get(j).map_or(START + 1, |&t| t as u64);
        let (own, r1, r2) = (tag_at(i), tag_at(i + 1), tag_at(i + 2));
        out.extend([
            key(40, own, 0),
            key(41, r1, 0),
            key(42, r1, r2),
            key(43, p1, r1),
            key(44, r1, w.lower),
            key(45, own, w.lower),
            key(46, r1, w.suffix3),
        ]);
    }
}

/// Tags one sentence: class numbers of [`super::Upos`]. `ahead` is the
/// first pass's tags when this is the second.
pub(crate) fn tag(model: &Linear, infos: &[WordInfo], ahead: Option<&[u8]>) -> Vec<u8> {
    tag_with(model, infos, ahead, &[])
}

/// As [`tag`], with some words' tags given (`forced[i]`, where present and
/// `Some`): the given tag is taken, and the words after it are tagged in its
/// light, as a reader who knows a name is a name reads on.
pub(crate) fn tag_with(
    model: &Linear,
    infos: &[WordInfo],
    ahead: Option<&[u8]>,
    forced: &[Option<u8>],
) -> Vec<u8> {
    let mut tags = Vec::with_capacity(infos.len());
    let mut features_buf = Vec::new();
    let mut scores = [0i32; CLASSES];
    let (mut p1, mut p2) = (START, START);
    for i in 0..infos.len() {
        features(infos, i, (p1, p2), ahead, &mut features_buf);
        let best = match forced.get(i).copied().flatten() {
            Some(tag) => usize::from(tag),
            None => {
                model.score(&features_buf, &mut scores);
                argmax(&scores)
            }
        };
        tags.push(best as u8);
        p2 = p1;
        p1 = best as u64;
    }
    tags
}

/// Index of the largest score (the first on ties).
pub(crate) fn argmax<T: PartialOrd + Copy>(scores: &[T]) -> usize {
    let mut best = 0;
    for (i, &s) in scores.iter().enumerate() {
        if s > scores[best] {
            best = i;
        }
    }
    best
}

/// The tagger's training loop body for one sentence: tags it with the
/// current weights, updates on each mistake; returns the number correct.
pub(crate) fn train_sentence(
    model: &mut super::linear::Perceptron,
    infos: &[WordInfo],
    gold: &[u8],
    ahead: Option<&[u8]>,
    features_buf: &mut Vec<u64>,
) -> usize {
    let mut scores = [0f32; CLASSES];
    let (mut p1, mut p2) = (START, START);
    let mut correct = 0;
    for (i, &truth) in gold.iter().enumerate().take(infos.len()) {
        features(infos, i, (p1, p2), ahead, features_buf);
        model.score(features_buf, &mut scores);
        let guess = argmax(&scores);
        let truth = truth as usize;
        if guess == truth {
            correct += 1;
        } else {
            model.update(features_buf, truth, 1.0);
            model.update(features_buf, guess, -1.0);
        }
        model.tick();
        p2 = p1;
        p1 = guess as u64;
    }
    correct
}
