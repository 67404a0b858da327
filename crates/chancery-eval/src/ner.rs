//! Named-entity evaluation on CoNLL-2003: conlleval's entity-level micro
//! precision, recall and F1 (an entity counts only with exact boundaries and
//! class), overall, per class and without MISC.

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

use chancery_nlp::ner::{NameClass, Tag};
use serde::Serialize;

use crate::EvalError;

/// One CoNLL document with gold tags converted to BIO.
#[derive(Debug, Clone, Default)]
pub struct ConllDocument {
    /// Tokens.
    pub words: Vec<String>,
    /// Sentences as ranges into `words`.
    pub sentences: Vec<Range<usize>>,
    /// Gold BIO tags.
    pub tags: Vec<Tag>,
}

/// The CoNLL-2003 files of a named set.
pub fn set_path(bench: &Path, set: &str) -> Result<PathBuf, EvalError> {
    let file = match set {
        "conll-testa" => "eng.testa",
        "conll-train" => "eng.train",
        _ => {
            return Err(EvalError::UnknownSet(
                set.to_string(),
                "conll-testa, conll-train",
            ))
        }
    };
    Ok(bench.join("ner").join("conll2003").join(file))
}

/// Reads a CoNLL-2003 file (`token POS chunk tag` per line, IOB1 tags).
pub fn load_conll(path: &Path) -> Result<Vec<ConllDocument>, EvalError> {
    let text = std::fs::read_to_string(path).map_err(|source| EvalError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    parse_conll(&text).map_err(|(line, problem)| EvalError::Format {
        path: path.to_path_buf(),
        problem: format!("line {line}: {problem}"),
    })
}

/// Parses CoNLL-2003 text; errors carry a 1-based line number.
pub fn parse_conll(text: &str) -> Result<Vec<ConllDocument>, (usize, String)> {
    let mut documents = Vec::new();
    let mut doc = ConllDocument::default();
    let mut sentence_start = 0;
    let mut previous_class: Option<NameClass> = None;
    let close_sentence = |doc: &mut ConllDocument, start: &mut usize| {
        if doc.words.len() > *start {
            doc.sentences.push(*start..doc.words.len());
        }
        *start = doc.words.len();
    };
    for (number, line) in text.lines().enumerate() {
        let line = line.trim_end();
        if line.is_empty() {
            close_sentence(&mut doc, &mut sentence_start);
            previous_class = None;
            continue;
        }
        let fields: Vec<&str> = line.split_whitespace().collect();
        if fields[0] == "-DOCSTART-" {
            close_sentence(&mut doc, &mut sentence_start);
            if !doc.words.is_empty() {
                documents.push(std::mem::take(&mut doc));
            }
            sentence_start = 0;
            previous_class = None;
            continue;
        }
        let [word, .., label] = fields[..] else {
            return Err((number + 1, "expected `token POS chunk tag`".into()));
        };
        if fields.len() < 2 {
            return Err((number + 1, "expected `token POS chunk tag`".into()));
        }
        let tag = if label == "O" {
            previous_class = None;
            Tag::OUTSIDE
        } else {
            let (prefix, name) = label
                .split_once('-')
                .ok_or_else(|| (number + 1, format!("unknown tag {label:?}")))?;
            let class = NameClass::from_conll_label(name)
                .ok_or_else(|| (number + 1, format!("unknown entity class {name:?}")))?;
            // IOB1: I- continues a same-class name; B- only separates two adjacent ones.
            let tag = if prefix == "B" || previous_class != Some(class) {
                Tag::begin(class)
            } else {
                Tag::inside(class)
            };
            previous_class = Some(class);
            tag
        };
        doc.words.push(word.to_string());
        doc.tags.push(tag);
    }
    close_sentence(&mut doc, &mut sentence_start);
    if !doc.words.is_empty() {
        documents.push(doc);
    }
    Ok(documents)
}

/// Entity-level counts and scores.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct EntityScore {
    /// Gold entities.
    pub gold: usize,
    /// Predicted entities.
    pub predicted: usize,
    /// Predicted entities with exact boundaries and class.
    pub correct: usize,
    /// correct / predicted.
    pub precision: f64,
    /// correct / gold.
    pub recall: f64,
    /// Harmonic mean.
    pub f1: f64,
}

impl EntityScore {
    fn finish(mut self) -> EntityScore {
        self.precision = ratio(self.correct, self.predicted);
        self.recall = ratio(self.correct, self.gold);
        let sum = self.precision + self.recall;
        self.f1 = if sum > 0.0 {
            2.0 * self.precision * self.recall / sum
        } else {
            0.0
        };
        self
    }

    fn add(&mut self, other: &EntityScore) {
        self.gold += other.gold;
        self.predicted += other.predicted;
        self.correct += other.correct;
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        0.0
    } else {
        a as f64 / b as f64
    }
}

/// The report of `chancery eval ner`.
#[derive(Debug, Clone, Serialize)]
pub struct NerReport {
    /// The set scored.
    pub set: String,
    /// Documents.
    pub documents: usize,
    /// Tokens.
    pub tokens: usize,
    /// All four classes.
    pub overall: EntityScore,
    /// PER, ORG and LOC only.
    pub without_misc: EntityScore,
    /// Per CoNLL class.
    pub by_class: BTreeMap<String, EntityScore>,
    /// Tagging time (one thread; median of the passes).
    pub seconds: f64,
    /// Tokens tagged per second.
    pub tokens_per_second: f64,
}

/// Something that finds names in pre-tokenized sentences.
pub type NameTagger<'a> = dyn Fn(&[&str], &[Range<usize>]) -> Vec<(Range<usize>, NameClass)> + 'a;

/// Scores `tagger` on `documents`, timing `passes` runs and keeping the median.
pub fn evaluate(
    set: &str,
    documents: &[ConllDocument],
    tagger: &NameTagger<'_>,
    passes: usize,
) -> NerReport {
    let words: Vec<Vec<&str>> = documents
        .iter()
        .map(|d| d.words.iter().map(String::as_str).collect())
        .collect();
    let (predictions, seconds): (Vec<_>, f64) = crate::timed_passes(passes, || {
        documents
            .iter()
            .zip(&words)
            .map(|(doc, words)| tagger(words, &doc.sentences))
            .collect()
    });
    let mut by_class: BTreeMap<String, EntityScore> = BTreeMap::new();
    for (doc, predicted) in documents.iter().zip(&predictions) {
        let gold = chancery_nlp::ner::names(&doc.tags);
        for class in [
            NameClass::Person,
            NameClass::Organization,
            NameClass::Location,
            NameClass::Misc,
        ] {
            let score = by_class.entry(class.conll_label().to_string()).or_default();
            let of_class = |names: &[(Range<usize>, NameClass)]| -> Vec<Range<usize>> {
                names
                    .iter()
                    .filter(|n| n.1 == class)
                    .map(|n| n.0.clone())
                    .collect()
            };
            let gold_names = of_class(&gold);
            let predicted_names = of_class(predicted);
            score.gold += gold_names.len();
            score.predicted += predicted_names.len();
            score.correct += predicted_names
                .iter()
                .filter(|p| gold_names.contains(p))
                .count();
        }
    }
    let mut overall = EntityScore::default();
    let mut without_misc = EntityScore::default();
    for (label, score) in by_class.iter_mut() {
        overall.add(score);
        if label != "MISC" {
            without_misc.add(score);
        }
        *score = score.finish();
    }
    let tokens = documents.iter().map(|d| d.words.len()).sum();
    NerReport {
        set: set.to_string(),
        documents: documents.len(),
        tokens,
        overall: overall.finish(),
        without_misc: without_misc.finish(),
        by_class,
        seconds,
        tokens_per_second: tokens as f64 / seconds.max(1e-9),
    }
}

/// The report of `chancery eval ner --cv K`: the tagger trained afresh on
/// all but one fold of the pooled documents and scored on the fold it did
/// not see, for every fold.
#[derive(Debug, Clone, Serialize)]
pub struct NerCrossValidation {
    /// Folds.
    pub folds: usize,
    /// Documents pooled.
    pub documents: usize,
    /// Each fold's scores, in fold order.
    pub by_fold: Vec<NerReport>,
    /// Mean and sample standard deviation over folds of overall F1.
    pub f1: (f64, f64),
    /// The same per CoNLL class.
    pub by_class: BTreeMap<String, (f64, f64)>,
}

/// Cross-validates the tagger over `documents` (say, CoNLL-2003 train and
/// test-A pooled): document `i` is in fold `i % folds`; for each fold a
/// model is trained with `options` on the others and scored on it. Training
/// is deterministic, so the figure is too.
pub fn cross_validate(
    documents: &[ConllDocument],
    folds: usize,
    options: chancery_nlp::ner::train::TrainOptions,
) -> NerCrossValidation {
    use chancery_nlp::ner::train::{train, TrainingDocument};
    use chancery_nlp::ner::{NerModel, TaggerInput};
    let folds = folds.max(2);
    let training: Vec<TrainingDocument> = documents
        .iter()
        .map(|doc| {
            let words: Vec<&str> = doc.words.iter().map(String::as_str).collect();
            TrainingDocument {
                gazetteer: chancery_nlp::gazetteer_bits(&words),
                words: doc.words.clone(),
                sentences: doc.sentences.clone(),
                tags: doc.tags.clone(),
            }
        })
        .collect();
    let mut by_fold = Vec::new();
    for fold in 0..folds {
        let train_set: Vec<TrainingDocument> = training
            .iter()
            .enumerate()
            .filter(|(i, _)| i % folds != fold)
            .map(|(_, d)| d.clone())
            .collect();
        let held_out: Vec<ConllDocument> = documents
            .iter()
            .enumerate()
            .filter(|(i, _)| i % folds == fold)
            .map(|(_, d)| d.clone())
            .collect();
        let model: NerModel = train(&train_set, options, |_| {});
        let tagger = |words: &[&str], sentences: &[Range<usize>]| {
            let gazetteer = chancery_nlp::gazetteer_bits(words);
            chancery_nlp::ner::names(&model.tag(&TaggerInput {
                words,
                sentences,
                gazetteer: &gazetteer,
            }))
        };
        by_fold.push(evaluate(
            &format!("fold {}", fold + 1),
            &held_out,
            &tagger,
            1,
        ));
    }
    let f1: Vec<f64> = by_fold.iter().map(|r| r.overall.f1).collect();
    let mut by_class = BTreeMap::new();
    for class in ["PER", "ORG", "LOC", "MISC"] {
        let values: Vec<f64> = by_fold
            .iter()
            .map(|r| r.by_class.get(class).map_or(0.0, |s| s.f1))
            .collect();
        by_class.insert(class.to_string(), crate::metrics::mean_and_spread(&values));
    }
    NerCrossValidation {
        folds,
        documents: documents.len(),
        by_fold,
        f1: crate::metrics::mean_and_spread(&f1),
        by_class,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "-DOCSTART- -X- O O\n\nEU NNP I-NP I-ORG\nrejects VBZ I-VP O\nGerman JJ I-NP I-MISC\ncall NN I-NP O\n\nPeter NNP I-NP I-PER\nBlackburn NNP I-NP I-PER\nB-PER NNP I-NP B-PER\n";

    #[test]
    fn parses_iob1_into_names() {
        let docs = parse_conll(SAMPLE).unwrap();
        assert_eq!(docs.len(), 1);
        assert_eq!(docs[0].sentences, vec![0..4, 4..7]);
        let names = chancery_nlp::ner::names(&docs[0].tags);
        assert_eq!(
            names,
            vec![
                (0..1, NameClass::Organization),
                (2..3, NameClass::Misc),
                (4..6, NameClass::Person),
                (6..7, NameClass::Person)
            ]
        );
    }

    #[test]
    fn scores_exact_matches_only() {
        let docs = parse_conll(SAMPLE).unwrap();
        let tagger = |_: &[&str], _: &[Range<usize>]| {
            vec![(0..1, NameClass::Organization), (4..7, NameClass::Person)]
        };
        let report = evaluate("sample", &docs, &tagger, 1);
        assert_eq!(report.overall.gold, 4);
        assert_eq!(report.overall.predicted, 2);
        assert_eq!(report.overall.correct, 1);
        assert!((report.overall.f1 - 1.0 / 3.0).abs() < 1e-9);
        assert_eq!(report.by_class["ORG"].f1, 1.0);
    }

    #[test]
    fn malformed_lines_are_errors_with_line_numbers() {
        assert_eq!(parse_conll("word X X I-FOO\n").unwrap_err().0, 1);
    }
}
