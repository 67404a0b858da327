//! Tagging and dependency parsing on UD English EWT: UPOS accuracy, UAS and
//! LAS over every word, punctuation included, relation subtypes ignored (the
//! CoNLL 2018 shared task's definitions), with predicted tags, and speed.

use std::path::{Path, PathBuf};

use chancery_nlp::syntax::conllu::{self, Sentence};
use chancery_nlp::syntax::Parse;
use serde::Serialize;

use crate::EvalError;

/// The CoNLL-U file of a named split (`ewt-test`, `ewt-dev`, `ewt-train`).
pub fn set_path(bench: &Path, set: &str) -> Result<PathBuf, EvalError> {
    let split = match set {
        "ewt-test" => "test",
        "ewt-dev" => "dev",
        "ewt-train" => "train",
        _ => {
            return Err(EvalError::UnknownSet(
                set.to_string(),
                "ewt-test, ewt-dev, ewt-train",
            ))
        }
    };
    Ok(treebank_file(
        &bench.join("syntax").join("ud-english-ewt"),
        split,
    ))
}

/// `en_ewt-ud-<split>.conllu` in a treebank folder.
pub fn treebank_file(dir: &Path, split: &str) -> PathBuf {
    dir.join(format!("en_ewt-ud-{split}.conllu"))
}

/// Reads a CoNLL-U file.
pub fn load(path: &Path) -> Result<Vec<Sentence>, EvalError> {
    let text = std::fs::read_to_string(path).map_err(|source| EvalError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    conllu::parse(&text).map_err(|(line, problem)| EvalError::Format {
        path: path.to_path_buf(),
        problem: format!("line {line}: {problem}"),
    })
}

/// The report of `chancery eval syntax` for one split.
#[derive(Debug, Clone, Serialize)]
pub struct SyntaxReport {
    /// The set scored.
    pub set: String,
    /// Sentences.
    pub sentences: usize,
    /// Words (syntactic words, punctuation included).
    pub words: usize,
    /// UPOS accuracy.
    pub upos: f64,
    /// Unlabeled attachment score.
    pub uas: f64,
    /// Labeled attachment score (relation subtypes ignored).
    pub las: f64,
    /// Labeled attachment score with subtypes compared too.
    pub las_subtyped: f64,
    /// Tagging and parsing time (one thread; median of the passes).
    pub seconds: f64,
    /// Sentences per second.
    pub sentences_per_second: f64,
    /// Words per second.
    pub tokens_per_second: f64,
}

/// Something that tags and parses one sentence.
pub type Parser<'a> = dyn Fn(&[&str]) -> Parse + 'a;

/// Scores `parser` on `sentences`, timing `passes` runs and keeping the median.
pub fn evaluate(
    set: &str,
    sentences: &[Sentence],
    parser: &Parser<'_>,
    passes: usize,
) -> SyntaxReport {
    let words: Vec<Vec<&str>> = sentences
        .iter()
        .map(|s| s.words.iter().map(String::as_str).collect())
        .collect();
    let (parses, seconds): (Vec<Parse>, f64) =
        crate::timed_passes(passes, || words.iter().map(|w| parser(w)).collect());
    let scores = conllu::score(sentences, &parses);
    SyntaxReport {
        set: set.to_string(),
        sentences: sentences.len(),
        words: scores.words,
        upos: scores.upos,
        uas: scores.uas,
        las: scores.las,
        las_subtyped: scores.las_subtyped,
        seconds,
        sentences_per_second: sentences.len() as f64 / seconds,
        tokens_per_second: scores.words as f64 / seconds,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chancery_nlp::syntax::{DepRel, Upos};

    #[test]
    fn scores_a_parser_that_attaches_everything_to_the_first_word() {
        let text = "1\tRain\train\tNOUN\t_\t_\t2\tnsubj\t_\t_\n\
                    2\tfell\tfall\tVERB\t_\t_\t0\troot\t_\t_\n\
                    3\t.\t.\tPUNCT\t_\t_\t2\tpunct\t_\t_\n";
        let sentences = conllu::parse(text).unwrap();
        let parser = |words: &[&str]| Parse {
            upos: vec![Upos::Noun; words.len()],
            heads: (0..words.len())
                .map(|i| if i == 0 { None } else { Some(0) })
                .collect(),
            deprels: vec![DepRel::Dep; words.len()],
        };
        let report = evaluate("toy", &sentences, &parser, 1);
        assert_eq!(report.words, 3);
        assert!((report.upos - 1.0 / 3.0).abs() < 1e-9);
        assert_eq!(report.uas, 0.0);
        assert!(report.tokens_per_second > 0.0);
    }

    #[test]
    fn unknown_sets_are_errors() {
        assert!(set_path(Path::new("."), "ptb").is_err());
        assert!(set_path(Path::new("."), "ewt-dev")
            .unwrap()
            .ends_with("syntax/ud-english-ewt/en_ewt-ud-dev.conllu"));
    }
}
