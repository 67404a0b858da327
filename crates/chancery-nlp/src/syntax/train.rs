//! Training: the tagger as a greedy averaged perceptron, the parser as an
//! averaged perceptron with a dynamic oracle (Goldberg and Nivre 2012),
//! both over the same feature functions that tagging and parsing use.
//!
//! The parser learns from tags the tagger predicted, not gold ones
//! (jackknifed: each fold of the training set is tagged by a tagger trained
//! on the others), so at parse time it meets the kind of tag errors it saw
//! in training. A share of training sentences is upper-cased or put in
//! Title Case so that wire headlines are read as well as running text.

use super::conllu::Sentence;
use super::linear::{Linear, Perceptron, Vocabulary};
use super::parser::{self, State};
use super::tagger::{self, WordInfo};
use super::{Parse, SyntaxModel};
use crate::ner::train::shuffle;

/// Training settings.
#[derive(Debug, Clone, Copy)]
pub struct TrainOptions {
    /// Most passes of the tagger; the pass best on dev is kept.
    pub tagger_epochs: usize,
    /// Most passes of the parser; the pass best on dev (LAS) is kept.
    pub parser_epochs: usize,
    /// Folds for jackknifed training tags (below 2: train on gold tags).
    pub folds: usize,
    /// Seed of shuffling, case changes and exploration.
    pub seed: u64,
    /// Tagger weights smaller than this share of the largest (in absolute
    /// value, after averaging) are dropped: most features are seen in one
    /// or two mistakes and their tiny weights change few decisions.
    pub prune_below: f32,
    /// The same for the parser, whose table is several times larger.
    pub parser_prune_below: f32,
    /// Share of training sentences written in capitals.
    pub upper_share: f64,
    /// Share of training sentences written in Title Case.
    pub title_share: f64,
    /// After the first pass, how often the parser follows its own
    /// (possibly wrong) transition instead of the oracle's.
    pub explore: f64,
}

impl Default for TrainOptions {
    fn default() -> Self {
        TrainOptions {
            tagger_epochs: 10,
            parser_epochs: 15,
            folds: 4,
            seed: 2012,
            prune_below: 0.012,
            // Measured on dev: from 0.012 to 0.016 the model loses 0.7 MB
            // (to 7.9 MB) and no accuracy; at 0.02 UPOS starts to drop.
            parser_prune_below: 0.0162,
            upper_share: 0.05,
            title_share: 0.03,
            explore: 0.9,
        }
    }
}

/// Progress of one pass, reported to the caller.
#[derive(Debug, Clone, Copy)]
pub struct EpochReport {
    /// `"tagger fold k"`, `"tagger"`, `"retagger"` (the second pass) or `"parser"`.
    pub stage: &'static str,
    /// Pass number, from 1.
    pub epoch: usize,
    /// Share of tags (tagger) or transitions (parser) the current weights
    /// got right during the pass.
    pub train_accuracy: f64,
    /// UPOS accuracy (tagger) or LAS (parser) on dev with averaged weights,
    /// when dev is given.
    pub dev_score: Option<f64>,
    /// Features with weights so far.
    pub features: usize,
}

/// Trains the tagger and parser on `train`, choosing passes on `dev`.
pub fn train(
    train: &[Sentence],
    dev: &[Sentence],
    options: TrainOptions,
    mut report: impl FnMut(EpochReport),
) -> SyntaxModel {
    let mut rng = Rng(options.seed | 1);
    let forms: Vec<Vec<String>> = train
        .iter()
        .map(|s| recase(&s.words, &options, &mut rng))
        .collect();
    let vocabulary = Vocabulary::from_counts(
        train
            .iter()
            .flat_map(|s| &s.words)
            .map(|w| crate::ner::TokenInfo::new(w).lower),
        2,
    );
    let infos_of = |words: &[String]| {
        let words: Vec<&str> = words.iter().map(String::as_str).collect();
        tagger::word_infos(&words, &vocabulary)
    };
    let infos: Vec<Vec<WordInfo>> = forms.iter().map(|f| infos_of(f)).collect();
    let gold_tags: Vec<Vec<u8>> = train
        .iter()
        .map(|s| s.upos.iter().map(|&t| t as u8).collect())
        .collect();
    let dev_infos: Vec<Vec<WordInfo>> = dev.iter().map(|s| infos_of(&s.words)).collect();
    let dev_tags: Vec<Vec<u8>> = dev
        .iter()
        .map(|s| s.upos.iter().map(|&t| t as u8).collect())
        .collect();

    // Jackknifed first-pass tags: each fold tagged by a tagger trained on
    // the others. The second pass learns from them what first-pass tags to
    // the right are worth, and the parser learns from them too.
    let gold = Tagged {
        infos: &infos,
        tags: &gold_tags,
        ahead: None,
    };
    let dev_gold = Tagged {
        infos: &dev_infos,
        tags: &dev_tags,
        ahead: None,
    };
    let mut predicted_tags = gold_tags.clone();
    if options.folds >= 2 {
        for fold in 0..options.folds {
            let (held, kept): (Vec<usize>, Vec<usize>) =
                (0..train.len()).partition(|i| i % options.folds == fold);
            let stage = FOLD_NAMES[fold.min(FOLD_NAMES.len() - 1)];
            let model = train_tagger(&gold, &kept, None, options, &mut rng, stage, &mut report);
            for i in held {
                predicted_tags[i] = tagger::tag(&model, &infos[i], None);
            }
        }
    }
    let all: Vec<usize> = (0..train.len()).collect();
    let dev_set = (!dev.is_empty()).then_some(&dev_gold);
    let tagger_model = train_tagger(
        &gold,
        &all,
        dev_set,
        options,
        &mut rng,
        "tagger",
        &mut report,
    );
    if options.folds < 2 {
        for (tags, infos) in predicted_tags.iter_mut().zip(&infos) {
            *tags = tagger::tag(&tagger_model, infos, None);
        }
    }
    let dev_first: Vec<Vec<u8>> = dev_infos
        .iter()
        .map(|i| tagger::tag(&tagger_model, i, None))
        .collect();
    let retagger_model = train_tagger(
        &Tagged {
            ahead: Some(&predicted_tags),
            ..gold
        },
        &all,
        dev_set
            .map(|_| Tagged {
                ahead: Some(&dev_first),
                ..dev_gold
            })
            .as_ref(),
        options,
        &mut rng,
        "retagger",
        &mut report,
    );
    let dev_predicted: Vec<Vec<u8>> = dev_infos
        .iter()
        .zip(&dev_first)
        .map(|(i, first)| tagger::tag(&retagger_model, i, Some(first)))
        .collect();

    let gold_heads: Vec<Vec<usize>> = train
        .iter()
        .map(|s| {
            let n = s.words.len();
            s.heads.iter().map(|h| h.unwrap_or(n)).collect()
        })
        .collect();
    let gold_labels: Vec<Vec<u8>> = train
        .iter()
        .map(|s| s.deprels.iter().map(|&d| d as u8).collect())
        .collect();
    let mut perceptron = Perceptron::new(parser::CLASSES);
    let mut order = all;
    let mut best: Option<(f64, Linear)> = None;
    let mut scratch = ParserScratch::default();
    for epoch in 1..=options.parser_epochs {
        shuffle(&mut order, &mut rng.0);
        let (mut correct, mut total) = (0usize, 0usize);
        for &i in &order {
            let (c, t) = train_parser_sentence(
                &mut perceptron,
                &infos[i],
                &predicted_tags[i],
                &gold_heads[i],
                &gold_labels[i],
                if epoch > 1 { options.explore } else { 0.0 },
                &mut rng,
                &mut scratch,
            );
            correct += c;
            total += t;
        }
        let model = perceptron.finish(options.parser_prune_below);
        let dev_score = (!dev.is_empty()).then(|| {
            let parses: Vec<Parse> = dev_infos
                .iter()
                .zip(&dev_predicted)
                .map(|(infos, tags)| parse_with(&model, infos, tags))
                .collect();
            super::conllu::score(dev, &parses).las
        });
        report(EpochReport {
            stage: "parser",
            epoch,
            train_accuracy: correct as f64 / total.max(1) as f64,
            dev_score,
            features: perceptron.feature_count(),
        });
        let score = dev_score.unwrap_or(epoch as f64);
        if best.as_ref().is_none_or(|(b, _)| score > *b) {
            best = Some((score, model));
        }
    }
    let parser_model = match best {
        Some((_, model)) => model,
        None => perceptron.finish(options.parser_prune_below),
    };
    SyntaxModel {
        vocabulary,
        tagger: tagger_model,
        retagger: retagger_model,
        parser: parser_model,
    }
}

const FOLD_NAMES: [&str; 6] = [
    "tagger fold 1",
    "tagger fold 2",
    "tagger fold 3",
    "tagger fold 4",
    "tagger fold 5",
    "tagger fold 6+",
];

fn parse_with(model: &Linear, infos: &[WordInfo], tags: &[u8]) -> Parse {
    let (heads, labels) = parser::parse(model, infos, tags);
    Parse {
        upos: tags.iter().map(|&t| super::Upos::ALL[t as usize]).collect(),
        heads,
        deprels: labels
            .into_iter()
            .map(|l| super::DepRel::from_index(l as usize))
            .collect(),
    }
}

/// Sentences with their gold tags and, for a second pass, first-pass tags.
#[derive(Clone, Copy)]
struct Tagged<'a> {
    infos: &'a [Vec<WordInfo>],
    tags: &'a [Vec<u8>],
    ahead: Option<&'a [Vec<u8>]>,
}

impl Tagged<'_> {
    fn ahead(&self, i: usize) -> Option<&[u8]> {
        self.ahead.map(|a| a[i].as_slice())
    }
}

/// Trains a tagger on the sentences `which` of `train`; with dev
/// sentences, keeps the pass that tags them best.
fn train_tagger(
    train: &Tagged<'_>,
    which: &[usize],
    dev: Option<&Tagged<'_>>,
    options: TrainOptions,
    rng: &mut Rng,
    stage: &'static str,
    report: &mut impl FnMut(EpochReport),
) -> Linear {
    let mut perceptron = Perceptron::new(tagger::CLASSES);
    let mut order = which.to_vec();
    let mut features = Vec::new();
    let mut best: Option<(f64, Linear)> = None;
    for epoch in 1..=options.tagger_epochs {
        shuffle(&mut order, &mut rng.0);
        let (mut correct, mut total) = (0usize, 0usize);
        for &i in &order {
            let (infos, tags) = (&train.infos[i], &train.tags[i]);
            correct +=
                tagger::train_sentence(&mut perceptron, infos, tags, train.ahead(i), &mut features);
            total += tags.len();
        }
        let dev_score = if let Some(dev) = dev {
            let model = perceptron.finish(options.prune_below);
            let (mut right, mut count) = (0usize, 0usize);
            for (i, (infos, gold)) in dev.infos.iter().zip(dev.tags).enumerate() {
                let guess = tagger::tag(&model, infos, dev.ahead(i));
                right += guess.iter().zip(gold).filter(|(a, b)| a == b).count();
                count += gold.len();
            }
            let score = right as f64 / count.max(1) as f64;
            if best.as_ref().is_none_or(|(b, _)| score > *b) {
                best = Some((score, model));
            }
            Some(score)
        } else {
            None
        };
        report(EpochReport {
            stage,
            epoch,
            train_accuracy: correct as f64 / total.max(1) as f64,
            dev_score,
            features: perceptron.feature_count(),
        });
    }
    match best {
        Some((_, model)) => model,
        None => perceptron.finish(options.prune_below),
    }
}

#[derive(Default)]
struct ParserScratch {
    features: Vec<u64>,
    scores: Vec<f32>,
    costs: Vec<u32>,
}

/// One sentence of parser training; returns (transitions right, transitions).
#[allow(clippy::too_many_arguments)]
fn train_parser_sentence(
    model: &mut Perceptron,
    infos: &[WordInfo],
    tags: &[u8],
    gold_heads: &[usize],
    gold_labels: &[u8],
    explore: f64,
    rng: &mut Rng,
    scratch: &mut ParserScratch,
) -> (usize, usize) {
    let mut state = State::new(infos.len());
    scratch.scores.resize(parser::CLASSES, 0.0);
    scratch.costs.resize(parser::CLASSES, 0);
    let (mut correct, mut total) = (0, 0);
    while !state.is_final() {
        state.features(infos, tags, &mut scratch.features);
        model.score(&scratch.features, &mut scratch.scores);
        state.costs(gold_heads, gold_labels, &mut scratch.costs);
        let guess = parser::best_legal(&state, &scratch.scores);
        let least = *scratch.costs.iter().min().expect("classes");
        let mut target = parser::NONE;
        for (class, &cost) in scratch.costs.iter().enumerate() {
            if cost == least
                && (target == parser::NONE || scratch.scores[class] > scratch.scores[target])
            {
                target = class;
            }
        }
        total += 1;
        if scratch.costs[guess] == least {
            correct += 1;
        } else {
            model.update(&scratch.features, target, 1.0);
            model.update(&scratch.features, guess, -1.0);
        }
        model.tick();
        let next = if explore > 0.0 && rng.unit() < explore {
            guess
        } else {
            target
        };
        state.apply(next);
    }
    (correct, total)
}

/// Xorshift: reproducible across platforms, and enough for coin flips.
struct Rng(u64);

impl Rng {
    fn unit(&mut self) -> f64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// The sentence as written, or now and then in capitals or Title Case.
fn recase(words: &[String], options: &TrainOptions, rng: &mut Rng) -> Vec<String> {
    let draw = rng.unit();
    if draw < options.upper_share {
        words.iter().map(|w| w.to_uppercase()).collect()
    } else if draw < options.upper_share + options.title_share {
        words
            .iter()
            .map(|w| {
                let mut chars = w.chars();
                match chars.next() {
                    Some(first) if w.chars().count() > 3 => {
                        first.to_uppercase().chain(chars).collect()
                    }
                    _ => w.clone(),
                }
            })
            .collect()
    } else {
        words.to_vec()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::conllu;

    /// A toy treebank: subject-verb-object sentences with determiners.
    fn toy() -> Vec<Sentence> {
        let mut text = String::new();
        let nouns = ["police", "rebels", "troops", "protesters", "talks"];
        let verbs = ["attacked", "arrested", "met", "blocked"];
        for (i, a) in nouns.iter().enumerate() {
            for (j, v) in verbs.iter().enumerate() {
                let b = nouns[(i + j + 1) % nouns.len()];
                text.push_str(&format!(
                    "1\tThe\tthe\tDET\t_\t_\t2\tdet\t_\t_\n\
                     2\t{a}\t_\tNOUN\t_\t_\t3\tnsubj\t_\t_\n\
                     3\t{v}\t_\tVERB\t_\t_\t0\troot\t_\t_\n\
                     4\tthe\tthe\tDET\t_\t_\t5\tdet\t_\t_\n\
                     5\t{b}\t_\tNOUN\t_\t_\t3\tobj\t_\t_\n\
                     6\t.\t.\tPUNCT\t_\t_\t3\tpunct\t_\t_\n\n"
                ));
            }
        }
        conllu::parse(&text).unwrap()
    }

    #[test]
    fn learns_a_toy_treebank_and_round_trips() {
        let sentences = toy();
        let options = TrainOptions {
            tagger_epochs: 5,
            parser_epochs: 5,
            folds: 2,
            prune_below: 0.0,
            parser_prune_below: 0.0,
            ..TrainOptions::default()
        };
        let model = train(&sentences, &sentences, options, |_| {});
        let words = ["The", "rebels", "blocked", "the", "troops", "."];
        let parse = model.parse(&words);
        assert_eq!(
            parse.heads,
            [Some(1), Some(2), None, Some(4), Some(2), Some(2)]
        );
        let reloaded = SyntaxModel::from_bytes(&model.to_bytes()).unwrap();
        assert_eq!(reloaded.parse(&words), parse);
    }
}
