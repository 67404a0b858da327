//! The trainer: an averaged structured perceptron (Collins 2002) over the
//! same features and Viterbi decoder the tagger uses, so training and tagging
//! can never disagree about a feature.

use std::collections::HashMap;
use std::hash::BuildHasherDefault;
use std::ops::Range;

use super::features::{token_features, KeyHasher};
use super::{token_infos, viterbi, NerBuilder, NerModel, Tag, TaggerInput, TAG_COUNT};

/// One training document: tokens, sentence ranges, gold tags and gazetteer bits.
#[derive(Debug, Clone, Default)]
pub struct TrainingDocument {
    /// The tokens.
    pub words: Vec<String>,
    /// Sentences as ranges into `words`.
    pub sentences: Vec<Range<usize>>,
    /// The gold BIO tag of every token.
    pub tags: Vec<Tag>,
    /// Per-token gazetteer class bits (empty for none).
    pub gazetteer: Vec<u16>,
}

/// Training settings.
#[derive(Debug, Clone, Copy)]
pub struct TrainOptions {
    /// Passes over the training data.
    pub epochs: usize,
    /// Seed of the shuffling between passes.
    pub seed: u64,
    /// Averaged weights smaller than this (in absolute value, for every tag)
    /// are dropped from the model.
    pub prune_below: f32,
}

impl Default for TrainOptions {
    fn default() -> Self {
        TrainOptions {
            epochs: 12,
            seed: 2003,
            prune_below: 0.05,
        }
    }
}

/// Progress of one pass, reported to the caller.
#[derive(Debug, Clone, Copy)]
pub struct EpochReport {
    /// Pass number, from 1.
    pub epoch: usize,
    /// Share of tokens the current weights tagged correctly during the pass.
    pub token_accuracy: f64,
    /// Features with weights so far.
    pub features: usize,
}

type KeyMap = HashMap<u64, usize, BuildHasherDefault<KeyHasher>>;

/// Training example: one sentence's feature lists and gold tags.
struct Example {
    /// Offsets into the flat feature list, one range per token.
    token_features: Vec<Range<usize>>,
    gold: Vec<Tag>,
}

struct Weights {
    rows: KeyMap,
    current: Vec<f32>,
    /// Sum over updates of `step × delta`, for averaging.
    timed: Vec<f32>,
    transitions: [[f32; TAG_COUNT]; TAG_COUNT + 1],
    timed_transitions: [[f32; TAG_COUNT]; TAG_COUNT + 1],
}

impl Weights {
    fn row_index(&mut self, key: u64) -> usize {
        let next = self.rows.len();
        let index = *self.rows.entry(key).or_insert(next);
        if index == next {
            self.current.extend([0.0; TAG_COUNT]);
            self.timed.extend([0.0; TAG_COUNT]);
        }
        index
    }

    fn update(&mut self, key: u64, tag: Tag, delta: f32, step: f32) {
        let row = self.row_index(key);
        self.current[row * TAG_COUNT + tag.0 as usize] += delta;
        self.timed[row * TAG_COUNT + tag.0 as usize] += step * delta;
    }

    fn update_transition(&mut self, previous: usize, tag: Tag, delta: f32, step: f32) {
        self.transitions[previous][tag.0 as usize] += delta;
        self.timed_transitions[previous][tag.0 as usize] += step * delta;
    }
}

/// Trains a tagger on `documents`, calling `report` after each pass.
pub fn train(
    documents: &[TrainingDocument],
    options: TrainOptions,
    mut report: impl FnMut(EpochReport),
) -> NerModel {
    let mut features = Vec::new();
    let mut examples = Vec::new();
    let mut scratch = Vec::new();
    for document in documents {
        let words: Vec<&str> = document.words.iter().map(String::as_str).collect();
        let input = TaggerInput {
            words: &words,
            sentences: &document.sentences,
            gazetteer: &document.gazetteer,
        };
        let infos = token_infos(&input);
        for range in &document.sentences {
            let sentence = &infos[range.clone()];
            let mut token_ranges = Vec::with_capacity(sentence.len());
            for i in 0..sentence.len() {
                token_features(sentence, i, &mut scratch);
                let start = features.len();
                features.extend_from_slice(&scratch);
                token_ranges.push(start..features.len());
            }
            examples.push(Example {
                token_features: token_ranges,
                gold: document.tags[range.clone()].to_vec(),
            });
        }
    }

    let mut weights = Weights {
        rows: KeyMap::default(),
        current: Vec::new(),
        timed: Vec::new(),
        transitions: [[0.0; TAG_COUNT]; TAG_COUNT + 1],
        timed_transitions: [[0.0; TAG_COUNT]; TAG_COUNT + 1],
    };
    let mut order: Vec<usize> = (0..examples.len()).collect();
    let mut rng = options.seed | 1;
    let mut step = 1.0f32;
    let mut emissions = Vec::new();
    let mut back = Vec::new();
    let mut predicted = Vec::new();
    for epoch in 1..=options.epochs {
        shuffle(&mut order, &mut rng);
        let (mut correct, mut total) = (0usize, 0usize);
        for &index in &order {
            let example = &examples[index];
            let n = example.gold.len();
            emissions.clear();
            emissions.resize(n * TAG_COUNT, 0.0f32);
            for (i, range) in example.token_features.iter().enumerate() {
                for key in &features[range.clone()] {
                    if let Some(&row) = weights.rows.get(key) {
                        let w = &weights.current[row * TAG_COUNT..(row + 1) * TAG_COUNT];
                        for (e, w) in emissions[i * TAG_COUNT..(i + 1) * TAG_COUNT]
                            .iter_mut()
                            .zip(w)
                        {
                            *e += *w;
                        }
                    }
                }
            }
            predicted.clear();
            predicted.resize(n, Tag::OUTSIDE);
            viterbi(&emissions, &weights.transitions, &mut back, &mut predicted);
            total += n;
            correct += predicted
                .iter()
                .zip(&example.gold)
                .filter(|(p, g)| p == g)
                .count();
            if predicted != example.gold {
                for i in 0..n {
                    let (gold, guess) = (example.gold[i], predicted[i]);
                    if gold != guess {
                        for &key in &features[example.token_features[i].clone()] {
                            weights.update(key, gold, 1.0, step);
                            weights.update(key, guess, -1.0, step);
                        }
                    }
                    let gold_prev = if i == 0 {
                        TAG_COUNT
                    } else {
                        example.gold[i - 1].0 as usize
                    };
                    let guess_prev = if i == 0 {
                        TAG_COUNT
                    } else {
                        predicted[i - 1].0 as usize
                    };
                    if gold != guess || gold_prev != guess_prev {
                        weights.update_transition(gold_prev, gold, 1.0, step);
                        weights.update_transition(guess_prev, guess, -1.0, step);
                    }
                }
            }
            step += 1.0;
        }
        report(EpochReport {
            epoch,
            token_accuracy: correct as f64 / total.max(1) as f64,
            features: weights.rows.len(),
        });
    }
    average(&weights, step, options.prune_below)
}

/// Averages, prunes and quantizes the weights into a model.
fn average(weights: &Weights, step: f32, prune_below: f32) -> NerModel {
    let averaged = |current: f32, timed: f32| current - timed / step;
    let mut rows: Vec<(u64, [f32; TAG_COUNT])> = Vec::with_capacity(weights.rows.len());
    let mut largest = 0.0f32;
    for (&key, &row) in &weights.rows {
        let mut values = [0.0; TAG_COUNT];
        for (t, value) in values.iter_mut().enumerate() {
            let i = row * TAG_COUNT + t;
            *value = averaged(weights.current[i], weights.timed[i]);
        }
        if values.iter().any(|v| v.abs() >= prune_below) {
            largest = values.iter().fold(largest, |m, v| m.max(v.abs()));
            rows.push((key, values));
        }
    }
    let mut transitions = [[0.0f32; TAG_COUNT]; TAG_COUNT + 1];
    for (p, row) in transitions.iter_mut().enumerate() {
        for (t, value) in row.iter_mut().enumerate() {
            *value = averaged(weights.transitions[p][t], weights.timed_transitions[p][t]);
        }
    }
    // One scale for features and transitions keeps their sums comparable.
    let scale = if largest > 0.0 {
        32_000.0 / largest
    } else {
        1.0
    };
    let quantized_transitions = transitions.map(|row| row.map(|v| (v * scale).round() as i64));
    let mut model = NerBuilder::with_capacity(rows.len(), quantized_transitions);
    for (key, values) in rows {
        model.insert(key, &values.map(|v| (v * scale).round() as i16));
    }
    model.finish()
}

/// Fisher–Yates with a xorshift generator: reproducible across platforms.
pub(crate) fn shuffle(order: &mut [usize], state: &mut u64) {
    for i in (1..order.len()).rev() {
        *state ^= *state << 13;
        *state ^= *state >> 7;
        *state ^= *state << 17;
        let j = (*state % (i as u64 + 1)) as usize;
        order.swap(i, j);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ner::{names, NameClass};

    fn document(text: &str) -> TrainingDocument {
        let mut doc = TrainingDocument::default();
        let mut start = 0;
        for line in text.lines() {
            for item in line.split_whitespace() {
                let (word, tag) = item.split_once('/').unwrap_or((item, "O"));
                doc.words.push(word.to_string());
                doc.tags.push(match tag {
                    "B-PER" => Tag::begin(NameClass::Person),
                    "I-PER" => Tag::inside(NameClass::Person),
                    "B-LOC" => Tag::begin(NameClass::Location),
                    _ => Tag::OUTSIDE,
                });
            }
            doc.sentences.push(start..doc.words.len());
            start = doc.words.len();
        }
        doc
    }

    #[test]
    fn learns_a_toy_pattern_and_round_trips() {
        let doc = document(
            "Anna/B-PER Berg/I-PER visited Oslo/B-LOC today\n\
             Omar/B-PER Diaz/I-PER visited Lima/B-LOC yesterday\n\
             the minister visited Rome/B-LOC again",
        );
        let model = train(&[doc.clone(), doc], TrainOptions::default(), |_| {});
        let words = ["Anna", "Berg", "visited", "Lima"];
        let input = TaggerInput {
            words: &words,
            sentences: &[Range { start: 0, end: 4 }],
            gazetteer: &[],
        };
        let tags = model.tag(&input);
        assert_eq!(
            names(&tags),
            vec![(0..2, NameClass::Person), (3..4, NameClass::Location)]
        );
        let reloaded = NerModel::from_bytes(&model.to_bytes()).unwrap();
        assert_eq!(reloaded.tag(&input), tags);
    }
}
