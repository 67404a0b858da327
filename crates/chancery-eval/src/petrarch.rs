//! PETRARCH-2's unit-test suite (`../shared/bench/events/petrarch2`): each
//! sentence coded with the suite's `PETR.Validate.*` dictionaries; the score is
//! the share of expected (source, target, code) triples produced exactly, with
//! the events produced that were not expected, per test category.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Instant;

use chancery_nlp::petrarch::Dictionaries;
use chancery_nlp::token::tokenize;
use serde::Serialize;

use crate::EvalError;

/// One unit test.
#[derive(Debug, Clone)]
pub struct UnitTest {
    /// Test id (`DEMO-01`).
    pub id: String,
    /// Category (`DEMO`, `SYNSET`, …).
    pub category: String,
    /// Story date, `YYYYMMDD`.
    pub date: Option<u32>,
    /// The sentence.
    pub text: String,
    /// Expected (source, target, code) triples; tests that expect no event
    /// (`noevents`, or a null triple) have none.
    pub expected: Vec<(String, String, String)>,
}

/// Reads `unit_tests.jsonl`.
pub fn load_tests(bench: &Path) -> Result<Vec<UnitTest>, EvalError> {
    let path = bench
        .join("events")
        .join("petrarch2")
        .join("unit_tests.jsonl");
    let text = read(&path)?;
    let mut tests = Vec::new();
    for (number, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let problem = |what: String| EvalError::Format {
            path: path.clone(),
            problem: format!("line {}: {what}", number + 1),
        };
        let value: serde_json::Value =
            serde_json::from_str(line).map_err(|e| problem(e.to_string()))?;
        let field = |name: &str| value.get(name).and_then(|v| v.as_str()).map(str::to_string);
        let (Some(id), Some(text)) = (field("id"), field("text")) else {
            return Err(problem("expected id and text".into()));
        };
        let mut expected = Vec::new();
        for event in value
            .get("events")
            .and_then(|e| e.as_array())
            .into_iter()
            .flatten()
        {
            let part = |name: &str| event.get(name).and_then(|v| v.as_str()).map(str::to_string);
            if let (Some(s), Some(t), Some(c)) = (part("source"), part("target"), part("code")) {
                expected.push((s, t, c));
            }
        }
        tests.push(UnitTest {
            id,
            category: field("category").unwrap_or_default(),
            date: field("date").and_then(|d| d.parse().ok()),
            text,
            expected,
        });
    }
    Ok(tests)
}

fn read(path: &Path) -> Result<String, EvalError> {
    std::fs::read_to_string(path).map_err(|source| EvalError::Read {
        path: path.to_path_buf(),
        source,
    })
}

/// Loads the suite's validation dictionaries (`PETR.Validate.*`).
pub fn load_validation_dictionaries(bench: &Path) -> Result<Dictionaries, EvalError> {
    let dir = bench.join("events").join("petrarch2").join("dictionaries");
    let mut files = Vec::new();
    for kind in ["verbs", "actors", "agents", "discards"] {
        let path = dir.join(format!("PETR.Validate.{kind}.txt"));
        files.push((path.display().to_string(), read(&path)?));
    }
    Dictionaries::parse(&files).map_err(|e| EvalError::Format {
        path: dir,
        problem: e.to_string(),
    })
}

/// Scores for one category (or all).
#[derive(Debug, Clone, Default, Serialize)]
pub struct Tally {
    /// Unit tests.
    pub tests: usize,
    /// Expected triples.
    pub expected: usize,
    /// Expected triples produced exactly.
    pub produced: usize,
    /// Events produced that no test expected.
    pub extra: usize,
    /// `produced / expected`.
    pub share: f64,
}

impl Tally {
    fn finish(&mut self) {
        self.share = if self.expected == 0 {
            0.0
        } else {
            self.produced as f64 / self.expected as f64
        };
    }
}

/// A test whose expected triples were not all produced.
#[derive(Debug, Clone, Serialize)]
pub struct Miss {
    /// Test id.
    pub id: String,
    /// Expected triples as `SRC>TGT:CODE`.
    pub expected: Vec<String>,
    /// Produced triples.
    pub produced: Vec<String>,
    /// The sentence.
    pub text: String,
}

/// The suite's result.
#[derive(Debug, Clone, Serialize)]
pub struct PetrarchReport {
    /// All tests together.
    pub all: Tally,
    /// Per category.
    pub categories: BTreeMap<String, Tally>,
    /// Tests with a missing triple or an extra event.
    pub misses: Vec<Miss>,
    /// Coding speed, sentences per second (tokenizing included).
    pub sentences_per_second: f64,
}

fn triple(s: &str, t: &str, c: &str) -> String {
    format!("{s}>{t}:{c}")
}

/// Codes every test sentence and scores the triples.
pub fn evaluate(tests: &[UnitTest], dicts: &Dictionaries) -> PetrarchReport {
    let started = Instant::now();
    let coded: Vec<Vec<(String, String, String)>> = tests
        .iter()
        .map(|test| {
            let tokens = tokenize(&test.text);
            let words: Vec<&str> = tokens.iter().map(|t| t.text(&test.text)).collect();
            dicts
                .code_sentence(&words, test.date)
                .into_iter()
                .map(|e| (e.source, e.target, e.code))
                .collect()
        })
        .collect();
    let seconds = started.elapsed().as_secs_f64();
    let mut all = Tally::default();
    let mut categories: BTreeMap<String, Tally> = BTreeMap::new();
    let mut misses = Vec::new();
    for (test, produced) in tests.iter().zip(&coded) {
        let mut remaining = produced.clone();
        let mut found = 0;
        for expected in &test.expected {
            if let Some(at) = remaining.iter().position(|p| p == expected) {
                remaining.remove(at);
                found += 1;
            }
        }
        let tally = categories.entry(test.category.clone()).or_default();
        for t in [&mut all, tally] {
            t.tests += 1;
            t.expected += test.expected.len();
            t.produced += found;
            t.extra += remaining.len();
        }
        if found < test.expected.len() || !remaining.is_empty() {
            misses.push(Miss {
                id: test.id.clone(),
                expected: test
                    .expected
                    .iter()
                    .map(|(s, t, c)| triple(s, t, c))
                    .collect(),
                produced: produced.iter().map(|(s, t, c)| triple(s, t, c)).collect(),
                text: test.text.clone(),
            });
        }
    }
    all.finish();
    categories.values_mut().for_each(Tally::finish);
    PetrarchReport {
        all,
        categories,
        misses,
        sentences_per_second: tests.len() as f64 / seconds.max(1e-9),
    }
}
