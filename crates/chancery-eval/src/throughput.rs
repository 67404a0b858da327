//! Analysis throughput on a folder of news articles (the BBC corpus by
//! default): articles are extracted first (not timed), then the analysis
//! stages run over all of them on one thread, several passes, median kept.

use std::path::{Path, PathBuf};
use std::time::Instant;

use chancery_extract::{extract, Input, Options};
use chancery_model::Article;
use serde::Serialize;

use crate::EvalError;

/// The report of `chancery eval throughput`.
#[derive(Debug, Clone, Serialize)]
pub struct ThroughputReport {
    /// The folder read.
    pub corpus: String,
    /// Articles analyzed.
    pub articles: usize,
    /// Bytes of clean text (title and body).
    pub bytes: usize,
    /// Median seconds of one pass (one thread).
    pub seconds: f64,
    /// Megabytes (10^6 bytes) of text per second per thread.
    pub megabytes_per_second: f64,
    /// Articles per second per thread.
    pub articles_per_second: f64,
    /// Entities found over the corpus (a sanity figure).
    pub entities: usize,
    /// Quotes found over the corpus.
    pub quotes: usize,
    /// Median seconds of one pass without quote attribution.
    pub seconds_without_quotes: f64,
    /// Extra time quotes take, as a share of the time without them.
    pub quotes_overhead: f64,
}

/// `.txt` files under `dir`, sorted, at most `limit`.
fn text_files(dir: &Path, limit: usize) -> Result<Vec<PathBuf>, EvalError> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(folder) = stack.pop() {
        let entries = std::fs::read_dir(&folder).map_err(|source| EvalError::Read {
            path: folder.clone(),
            source,
        })?;
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "txt")
                && path.file_name().is_none_or(|n| n != "README.TXT")
            {
                files.push(path);
            }
        }
    }
    files.sort();
    files.truncate(limit);
    Ok(files)
}

/// Extracts up to `limit` articles of `dir` (files that fail to extract are skipped).
pub fn load_articles(dir: &Path, limit: usize) -> Result<Vec<Article>, EvalError> {
    let mut articles = Vec::new();
    for path in text_files(dir, limit)? {
        let bytes = std::fs::read(&path).map_err(|source| EvalError::Read {
            path: path.clone(),
            source,
        })?;
        let input = Input {
            bytes: &bytes,
            ..Input::default()
        };
        if let Ok(article) = extract(&input, &Options::default()) {
            articles.push(article);
        }
    }
    Ok(articles)
}

/// Times `analyzer` over `articles`.
pub fn measure(
    corpus: &str,
    articles: &[Article],
    analyzer: &chancery_nlp::Analyzer,
    passes: usize,
) -> ThroughputReport {
    let bytes: usize = articles
        .iter()
        .map(|a| a.text.len() + a.title.as_deref().map_or(0, str::len))
        .sum();
    // Passes with and without quotes alternate, so drifting machine load
    // touches both alike.
    let without = analyzer.clone().with_quotes(false);
    let mut times = Vec::new();
    let mut times_without = Vec::new();
    let mut entities = 0;
    let mut quotes = 0;
    for _ in 0..passes.max(1) {
        let copies = articles.to_vec();
        let started = Instant::now();
        let counts: Vec<(usize, usize)> = copies
            .into_iter()
            .map(|article| {
                let analysis = analyzer.analyze(article);
                (analysis.entities.len(), analysis.quotes.len())
            })
            .collect();
        times.push(started.elapsed().as_secs_f64());
        entities = counts.iter().map(|c| c.0).sum();
        quotes = counts.iter().map(|c| c.1).sum();
        let copies = articles.to_vec();
        let started = Instant::now();
        for article in copies {
            std::hint::black_box(without.analyze(article));
        }
        times_without.push(started.elapsed().as_secs_f64());
    }
    let median = |mut times: Vec<f64>| {
        times.sort_by(f64::total_cmp);
        times[times.len() / 2].max(1e-9)
    };
    let seconds = median(times);
    let seconds_without_quotes = median(times_without);
    ThroughputReport {
        corpus: corpus.to_string(),
        articles: articles.len(),
        bytes,
        seconds,
        megabytes_per_second: bytes as f64 / 1e6 / seconds,
        articles_per_second: articles.len() as f64 / seconds,
        entities,
        quotes,
        seconds_without_quotes,
        quotes_overhead: seconds / seconds_without_quotes - 1.0,
    }
}
