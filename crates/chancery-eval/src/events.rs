//! Event coding on the CAMEO codebook's example sentences
//! (`../shared/bench/events/cameo/examples-dev.jsonl`): accuracy of the best
//! event's code at root level and at three-digit level.

use std::path::Path;
use std::time::Instant;

use serde::Serialize;

use crate::EvalError;

/// One codebook example.
#[derive(Debug, Clone)]
pub struct Example {
    /// Gold code, zero-padded (`042`, `0233`).
    pub code: String,
    /// The sentence.
    pub text: String,
}

/// Reads the examples file.
pub fn load_examples(bench: &Path) -> Result<Vec<Example>, EvalError> {
    let path = bench
        .join("events")
        .join("cameo")
        .join("examples-dev.jsonl");
    let text = std::fs::read_to_string(&path).map_err(|source| EvalError::Read {
        path: path.clone(),
        source,
    })?;
    let mut examples = Vec::new();
    for (number, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let value: serde_json::Value =
            serde_json::from_str(line).map_err(|e| EvalError::Format {
                path: path.clone(),
                problem: format!("line {}: {e}", number + 1),
            })?;
        let field = |name: &str| value.get(name).and_then(|v| v.as_str()).map(str::to_string);
        match (field("code"), field("example")) {
            (Some(code), Some(text)) => examples.push(Example { code, text }),
            _ => {
                return Err(EvalError::Format {
                    path: path.clone(),
                    problem: format!("line {}: expected code and example", number + 1),
                })
            }
        }
    }
    Ok(examples)
}

/// A wrongly coded example.
#[derive(Debug, Clone, Serialize)]
pub struct Miss {
    /// Gold code.
    pub gold: String,
    /// The code chancery gave, if any.
    pub coded: Option<String>,
    /// The sentence.
    pub text: String,
}

/// The report of `chancery eval events --set cameo`.
#[derive(Debug, Clone, Serialize)]
pub struct CameoReport {
    /// Examples scored.
    pub examples: usize,
    /// Share whose best event has the gold root.
    pub root_accuracy: f64,
    /// Share whose best event has the gold three-digit code.
    pub code_accuracy: f64,
    /// Examples with no event at all.
    pub uncoded: usize,
    /// Sentences per second (one thread).
    pub sentences_per_second: f64,
    /// Examples coded wrongly at three digits.
    pub misses: Vec<Miss>,
}

/// Codes every example with the built-in lexicon and scores it.
pub fn evaluate(examples: &[Example]) -> CameoReport {
    let lexicon = chancery_nlp::events::Lexicon::builtin();
    evaluate_with(examples, |text| {
        chancery_nlp::events::best_code(text, lexicon)
    })
}

/// Codes every example with PETRARCH dictionaries and scores it; the best
/// event is the first verb's code other than a plain statement (010), as for
/// the built-in coder.
pub fn evaluate_dictionaries(
    examples: &[Example],
    dictionaries: &chancery_nlp::petrarch::Dictionaries,
) -> CameoReport {
    evaluate_with(examples, |text| {
        let tokens = chancery_nlp::token::tokenize(text);
        let words: Vec<&str> = tokens.iter().map(|t| t.text(text)).collect();
        let codes = dictionaries.verb_codes(&words);
        codes
            .iter()
            .find(|(code, _)| code != "010")
            .or(codes.first())
            .map(|(code, _)| code.clone())
    })
}

/// Scores the codes `coder` gives the examples.
fn evaluate_with(examples: &[Example], coder: impl Fn(&str) -> Option<String>) -> CameoReport {
    let started = Instant::now();
    let coded: Vec<Option<String>> = examples.iter().map(|e| coder(&e.text)).collect();
    let seconds = started.elapsed().as_secs_f64();
    let three = |code: &str| code.get(..3).unwrap_or(code).to_string();
    let (mut root, mut code) = (0, 0);
    let mut misses = Vec::new();
    for (example, coded) in examples.iter().zip(&coded) {
        if let Some(c) = coded {
            if c.get(..2) == example.code.get(..2) {
                root += 1;
            }
            if three(c) == three(&example.code) {
                code += 1;
                continue;
            }
        }
        misses.push(Miss {
            gold: example.code.clone(),
            coded: coded.clone(),
            text: example.text.clone(),
        });
    }
    let n = examples.len().max(1) as f64;
    CameoReport {
        examples: examples.len(),
        root_accuracy: root as f64 / n,
        code_accuracy: code as f64 / n,
        uncoded: coded.iter().filter(|c| c.is_none()).count(),
        sentences_per_second: examples.len() as f64 / seconds.max(1e-9),
        misses,
    }
}
