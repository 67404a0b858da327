//! Named-entity tagging: a linear-chain model over hashed features, decoded
//! with Viterbi under BIO constraints, trained as an averaged structured
//! perceptron by [`train`].
//!
//! The built-in weights (`models/ner.bin`) were trained on CoNLL-2003
//! `eng.train`; `chancery train ner` rebuilds them (see BENCHMARKS.md).

mod features;
pub mod train;

use std::ops::Range;
use std::sync::OnceLock;

use crate::pages::Pages;
use crate::NlpError;
use features::{mark_document, token_features};
pub(crate) use features::{mix_hashes, KeyHasher, TokenInfo, ALL_CAPS, HAS_DIGIT, INIT_CAP};

/// What a tagged name is, in CoNLL-2003's four classes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum NameClass {
    /// A person.
    Person,
    /// An organization.
    Organization,
    /// A location: country, city, region, landmark.
    Location,
    /// Everything else with a name: nationalities, events, products.
    Misc,
}

impl NameClass {
    const ALL: [NameClass; 4] = [
        NameClass::Person,
        NameClass::Organization,
        NameClass::Location,
        NameClass::Misc,
    ];

    /// The CoNLL label (`PER`, `ORG`, `LOC`, `MISC`).
    pub fn conll_label(self) -> &'static str {
        match self {
            NameClass::Person => "PER",
            NameClass::Organization => "ORG",
            NameClass::Location => "LOC",
            NameClass::Misc => "MISC",
        }
    }

    /// Parses a CoNLL label.
    pub fn from_conll_label(label: &str) -> Option<NameClass> {
        NameClass::ALL
            .into_iter()
            .find(|class| class.conll_label() == label)
    }
}

/// Number of BIO tags: `O`, then `B-` and `I-` for each [`NameClass`].
pub const TAG_COUNT: usize = 9;

/// A BIO tag: 0 is `O`, `1 + 2k` is `B-` of class k, `2 + 2k` is `I-`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Tag(pub u8);

impl Tag {
    /// Outside any name.
    pub const OUTSIDE: Tag = Tag(0);

    /// The first token of a name of `class`.
    pub fn begin(class: NameClass) -> Tag {
        Tag(1 + 2 * class as u8)
    }

    /// A later token of a name of `class`.
    pub fn inside(class: NameClass) -> Tag {
        Tag(2 + 2 * class as u8)
    }

    /// The class of the name this tag is part of.
    pub fn class(self) -> Option<NameClass> {
        match self.0 {
            0 => None,
            n => NameClass::ALL.get(((n - 1) / 2) as usize).copied(),
        }
    }

    /// True for a `B-` tag.
    pub fn is_begin(self) -> bool {
        self.0 % 2 == 1
    }
}

/// Names in a tag sequence: `(token range, class)` pairs.
pub fn names(tags: &[Tag]) -> Vec<(Range<usize>, NameClass)> {
    let mut out = Vec::new();
    let mut open: Option<(usize, NameClass)> = None;
    for (i, tag) in tags.iter().enumerate() {
        let continues =
            !tag.is_begin() && tag.class().is_some() && open.map(|o| o.1) == tag.class();
        if !continues {
            if let Some((start, class)) = open.take() {
                out.push((start..i, class));
            }
            if let Some(class) = tag.class() {
                open = Some((i, class));
            }
        }
    }
    if let Some((start, class)) = open {
        out.push((start..tags.len(), class));
    }
    out
}

const MAGIC: &[u8; 8] = b"CHNER\x00\x01\x00";

/// A trained tagger: hashed feature weights per tag and tag transitions.
#[derive(Debug, Clone)]
pub struct NerModel {
    /// Open-addressing table; a key of zero marks an empty slot. Key and
    /// weights sit together so a hit costs one cache line. Read at random,
    /// so kept in huge pages (see [`Pages`]).
    slots: Pages<Slot>,
    /// `transitions[previous][tag]`; row [`TAG_COUNT`] is the sentence start.
    transitions: [[i64; TAG_COUNT]; TAG_COUNT + 1],
    features: usize,
}

/// Words, sentences and knowledge-base classes of one document, as the tagger reads them.
#[derive(Debug, Clone, Copy)]
pub struct TaggerInput<'a> {
    /// Every token of the document, in order.
    pub words: &'a [&'a str],
    /// Sentences as ranges into `words`; they must cover tokens in order.
    pub sentences: &'a [Range<usize>],
    /// Per token, a bit set of gazetteer classes (or empty for none).
    pub gazetteer: &'a [u16],
}

pub(crate) fn token_infos(input: &TaggerInput<'_>) -> Vec<TokenInfo> {
    let mut infos: Vec<TokenInfo> = input.words.iter().map(|w| TokenInfo::new(w)).collect();
    for (info, bits) in infos.iter_mut().zip(input.gazetteer) {
        info.gazetteer = *bits;
    }
    mark_document(&mut infos, input.sentences);
    infos
}

impl NerModel {
    /// The model built into this binary, trained on CoNLL-2003 `eng.train`.
    pub fn builtin() -> &'static NerModel {
        static MODEL: OnceLock<NerModel> = OnceLock::new();
        MODEL.get_or_init(|| {
            NerModel::from_bytes(include_bytes!("../../models/ner.bin"))
                .expect("the built-in NER model is checked by a unit test")
        })
    }

    /// Number of weighted features.
    pub fn feature_count(&self) -> usize {
        self.features
    }

    /// Tags every token of `input`.
    pub fn tag(&self, input: &TaggerInput<'_>) -> Vec<Tag> {
        let infos = token_infos(input);
        let mut tags = vec![Tag::OUTSIDE; infos.len()];
        let mut scratch = Scratch::default();
        for range in input.sentences {
            self.decode(
                &infos[range.clone()],
                &mut scratch,
                &mut tags[range.clone()],
            );
        }
        tags
    }

    #[inline]
    fn row(slots: &[Slot], key: u64) -> Option<&[i16; TAG_COUNT]> {
        let mask = slots.len() - 1;
        let mut index = (key as usize) & mask;
        loop {
            let slot = &slots[index];
            if slot.key == key {
                return Some(&slot.weights);
            }
            if slot.key == 0 {
                return None;
            }
            index = (index + 1) & mask;
        }
    }

    fn decode(&self, sentence: &[TokenInfo], scratch: &mut Scratch, out: &mut [Tag]) {
        let n = sentence.len();
        scratch.emissions.clear();
        scratch.emissions.resize(n * TAG_COUNT, 0i64);
        // The table's bounds once, not at every lookup.
        let slots = &self.slots[..];
        let mask = slots.len() - 1;
        for i in 0..n {
            token_features(sentence, i, &mut scratch.features);
            // Two passes: first the table loads, independent of each other so
            // the processor overlaps their cache misses, then the sums.
            scratch.first_probe.clear();
            scratch.first_probe.extend(
                scratch
                    .features
                    .iter()
                    .map(|&key| slots[key as usize & mask].key),
            );
            let row = &mut scratch.emissions[i * TAG_COUNT..(i + 1) * TAG_COUNT];
            for (&key, &probed) in scratch.features.iter().zip(&scratch.first_probe) {
                if probed == 0 {
                    continue;
                }
                let weights = if probed == key {
                    Some(&slots[key as usize & mask].weights)
                } else {
                    Self::row(slots, key)
                };
                if let Some(weights) = weights {
                    for (score, &w) in row.iter_mut().zip(weights) {
                        *score += w as i64;
                    }
                }
            }
        }
        viterbi(
            &scratch.emissions,
            &self.transitions,
            &mut scratch.back,
            out,
        );
    }

    /// Serializes the model.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(16 + self.features * (8 + 2 * TAG_COUNT));
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&(TAG_COUNT as u32).to_le_bytes());
        out.extend_from_slice(&(self.features as u64).to_le_bytes());
        for row in &self.transitions {
            for &value in row {
                out.extend_from_slice(&(value as i32).to_le_bytes());
            }
        }
        // Keys in ascending order, so the file does not depend on table layout.
        let mut slots: Vec<&Slot> = self.slots.iter().filter(|s| s.key != 0).collect();
        slots.sort_unstable_by_key(|s| s.key);
        for slot in slots {
            out.extend_from_slice(&slot.key.to_le_bytes());
            for w in &slot.weights {
                out.extend_from_slice(&w.to_le_bytes());
            }
        }
        out
    }

    /// Reads a model written by [`NerModel::to_bytes`].
    pub fn from_bytes(bytes: &[u8]) -> Result<NerModel, NlpError> {
        let bad = |problem: &str| NlpError::Model(problem.to_string());
        let mut reader = Reader { bytes, at: 0 };
        if reader.take(8).ok_or_else(|| bad("file too short"))? != MAGIC {
            return Err(bad("not a chancery NER model (wrong magic bytes)"));
        }
        let tags = reader.u32().ok_or_else(|| bad("truncated header"))?;
        if tags as usize != TAG_COUNT {
            return Err(bad("model has a different tag set"));
        }
        let features = reader.u64().ok_or_else(|| bad("truncated header"))? as usize;
        let mut transitions = [[0i64; TAG_COUNT]; TAG_COUNT + 1];
        for row in &mut transitions {
            for value in row.iter_mut() {
                *value = reader.u32().ok_or_else(|| bad("truncated transitions"))? as i32 as i64;
            }
        }
        let record = 8 + 2 * TAG_COUNT;
        if reader.remaining() != features.saturating_mul(record) {
            return Err(bad("feature table size does not match the header"));
        }
        let mut model = NerBuilder::with_capacity(features, transitions);
        for _ in 0..features {
            let key = reader.u64().ok_or_else(|| bad("truncated features"))?;
            let mut row = [0i16; TAG_COUNT];
            for w in &mut row {
                *w = reader.u16().ok_or_else(|| bad("truncated features"))? as i16;
            }
            if key == 0 {
                return Err(bad("zero feature key"));
            }
            model.insert(key, &row);
        }
        Ok(model.finish())
    }
}

/// A [`NerModel`] being filled, feature by feature.
pub(crate) struct NerBuilder {
    slots: Vec<Slot>,
    transitions: [[i64; TAG_COUNT]; TAG_COUNT + 1],
    features: usize,
}

impl NerBuilder {
    pub(crate) fn with_capacity(
        features: usize,
        transitions: [[i64; TAG_COUNT]; TAG_COUNT + 1],
    ) -> NerBuilder {
        let size = (features + features / 2).max(16).next_power_of_two();
        NerBuilder {
            slots: vec![Slot::default(); size],
            transitions,
            features: 0,
        }
    }

    pub(crate) fn insert(&mut self, key: u64, row: &[i16; TAG_COUNT]) {
        let mask = self.slots.len() - 1;
        let mut index = (key as usize) & mask;
        while self.slots[index].key != 0 && self.slots[index].key != key {
            index = (index + 1) & mask;
        }
        if self.slots[index].key == 0 {
            self.features += 1;
        }
        self.slots[index] = Slot {
            key,
            weights: *row,
            padding: [0; 3],
        };
    }

    /// The model, its table in huge pages.
    pub(crate) fn finish(self) -> NerModel {
        NerModel {
            slots: Pages::new(&self.slots),
            transitions: self.transitions,
            features: self.features,
        }
    }
}

#[derive(Debug, Clone, Copy, Default, bytemuck::Pod, bytemuck::Zeroable)]
#[repr(C, align(32))]
struct Slot {
    key: u64,
    weights: [i16; TAG_COUNT],
    /// Up to the 32 bytes of the alignment, spelled out so that a slot is
    /// plain bytes ([`bytemuck::Pod`]) and can be copied into [`Pages`].
    padding: [u16; 3],
}

#[derive(Default)]
struct Scratch {
    features: Vec<u64>,
    first_probe: Vec<u64>,
    emissions: Vec<i64>,
    back: Vec<u8>,
}

/// `ALLOWED[previous][tag]`: BIO's rule that `I-X` continues `B-X` or `I-X`;
/// row [`TAG_COUNT`] is the sentence start.
const ALLOWED: [[bool; TAG_COUNT]; TAG_COUNT + 1] = {
    let mut table = [[true; TAG_COUNT]; TAG_COUNT + 1];
    let mut p = 0;
    while p <= TAG_COUNT {
        let mut t = 2;
        while t < TAG_COUNT {
            // t is an I- tag; it may follow only B- (t - 1) or I- (t) of its class.
            table[p][t] = p == t - 1 || p == t;
            t += 2;
        }
        p += 1;
    }
    table
};

/// A score type Viterbi can add and compare: `i64` when tagging, `f32` in training.
pub(crate) trait Score: Copy + PartialOrd + std::ops::Add<Output = Self> {
    /// Lower than any reachable score, and safe to add to another score.
    const IMPOSSIBLE: Self;
}

impl Score for i64 {
    const IMPOSSIBLE: i64 = i64::MIN / 4;
}

impl Score for f32 {
    const IMPOSSIBLE: f32 = -1e30;
}

/// Best tag sequence under BIO constraints; `emissions` is `n × TAG_COUNT`.
pub(crate) fn viterbi<S: Score>(
    emissions: &[S],
    transitions: &[[S; TAG_COUNT]; TAG_COUNT + 1],
    back: &mut Vec<u8>,
    out: &mut [Tag],
) {
    let n = out.len();
    if n == 0 {
        return;
    }
    back.clear();
    back.resize(n * TAG_COUNT, 0);
    let mut score = [S::IMPOSSIBLE; TAG_COUNT];
    for (t, s) in score.iter_mut().enumerate() {
        if ALLOWED[TAG_COUNT][t] {
            *s = transitions[TAG_COUNT][t] + emissions[t];
        }
    }
    for i in 1..n {
        let mut next = [S::IMPOSSIBLE; TAG_COUNT];
        for (t, slot) in next.iter_mut().enumerate() {
            let mut best: Option<(S, u8)> = None;
            for (p, &prev_score) in score.iter().enumerate() {
                if !ALLOWED[p][t] {
                    continue;
                }
                let s = prev_score + transitions[p][t];
                if best.is_none_or(|(b, _)| s > b) {
                    best = Some((s, p as u8));
                }
            }
            if let Some((s, p)) = best {
                *slot = s + emissions[i * TAG_COUNT + t];
                back[i * TAG_COUNT + t] = p;
            }
        }
        score = next;
    }
    let mut best = 0;
    for t in 1..TAG_COUNT {
        if score[t] > score[best] {
            best = t;
        }
    }
    for i in (0..n).rev() {
        out[i] = Tag(best as u8);
        best = back[i * TAG_COUNT + best] as usize;
    }
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let slice = self.bytes.get(self.at..self.at.checked_add(n)?)?;
        self.at += n;
        Some(slice)
    }
    fn u16(&mut self) -> Option<u16> {
        Some(u16::from_le_bytes(self.take(2)?.try_into().ok()?))
    }
    fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes(self.take(4)?.try_into().ok()?))
    }
    fn u64(&mut self) -> Option<u64> {
        Some(u64::from_le_bytes(self.take(8)?.try_into().ok()?))
    }
    fn remaining(&self) -> usize {
        self.bytes.len() - self.at
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_model_loads() {
        assert!(NerModel::builtin().feature_count() > 10_000);
    }

    #[test]
    fn names_follow_bio() {
        let per = NameClass::Person;
        let loc = NameClass::Location;
        let tags = [
            Tag::begin(per),
            Tag::inside(per),
            Tag::OUTSIDE,
            Tag::begin(loc),
            Tag::begin(loc),
        ];
        assert_eq!(names(&tags), vec![(0..2, per), (3..4, loc), (4..5, loc)]);
    }

    #[test]
    fn inside_tags_only_continue_their_class() {
        let per = NameClass::Person;
        let org = NameClass::Organization;
        let allowed =
            |p: Option<Tag>, t: Tag| ALLOWED[p.map_or(TAG_COUNT, |p| p.0 as usize)][t.0 as usize];
        assert!(allowed(Some(Tag::begin(per)), Tag::inside(per)));
        assert!(allowed(Some(Tag::inside(per)), Tag::inside(per)));
        assert!(!allowed(Some(Tag::OUTSIDE), Tag::inside(per)));
        assert!(!allowed(Some(Tag::begin(org)), Tag::inside(per)));
        assert!(!allowed(None, Tag::inside(org)));
        assert!(allowed(None, Tag::begin(org)));
        assert!(allowed(Some(Tag::inside(org)), Tag::OUTSIDE));
    }

    #[test]
    fn corrupt_models_are_errors() {
        assert!(NerModel::from_bytes(b"nope").is_err());
        let mut bytes = NerModel::builtin().to_bytes();
        bytes.truncate(bytes.len() - 3);
        assert!(NerModel::from_bytes(&bytes).is_err());
    }
}
