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
    /// Events coded over the corpus.
    pub events: usize,
    /// Sentences in the corpus.
    pub sentences: usize,
    /// Median seconds of one pass of sentences and entities only.
    pub seconds_entities: f64,
    /// MB/s per thread of sentences and entities only.
    pub entities_megabytes_per_second: f64,
    /// Median seconds of one pass with quotes but no events.
    pub seconds_without_events: f64,
    /// Extra time quotes take, as a share of sentences and entities alone.
    pub quotes_overhead: f64,
    /// Sentences per second of the event coder alone (on top of entities
    /// and quotes).
    pub coder_sentences_per_second: f64,
    /// Places resolved over the corpus.
    pub places: usize,
    /// Median seconds of one pass of the whole analysis but places and
    /// event places (`chancery-geo`).
    pub seconds_without_geo: f64,
    /// Extra time places and event places take, as a share of the rest of
    /// the analysis.
    pub geo_overhead: f64,
    /// Articles the language gate kept out of analysis (on an English
    /// corpus, every one is a false alarm).
    pub skipped_articles: usize,
    /// Blocks of analysed articles the gate kept out as another language.
    pub skipped_blocks: usize,
    /// Median seconds of one pass of the language gate alone.
    pub seconds_language_gate: f64,
    /// The language gate's share of the time of all stages.
    pub language_gate_share: f64,
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
    // The four configurations alternate pass by pass, so drifting machine
    // load touches them alike.
    // The partial configurations leave places out, so that they measure
    // the stages they name.
    let entities_only = analyzer
        .clone()
        .with_quotes(false)
        .with_events(false)
        .with_geo(false);
    let without_events = analyzer.clone().with_events(false).with_geo(false);
    let without_geo = analyzer.clone().with_geo(false);
    let mut times = Vec::new();
    let mut times_entities = Vec::new();
    let mut times_without_events = Vec::new();
    let mut times_without_geo = Vec::new();
    let (mut entities, mut quotes, mut events, mut sentences, mut places) = (0, 0, 0, 0, 0);
    let mut times_gate = Vec::new();
    let (mut skipped_articles, mut skipped_blocks) = (0, 0);
    let time = |analyzer: &chancery_nlp::Analyzer, times: &mut Vec<f64>| {
        let copies = articles.to_vec();
        let started = Instant::now();
        let analyses: Vec<_> = copies.into_iter().map(|a| analyzer.analyze(a)).collect();
        times.push(started.elapsed().as_secs_f64());
        analyses
    };
    for _ in 0..passes.max(1) {
        let analyses = time(analyzer, &mut times);
        entities = analyses.iter().map(|a| a.entities.len()).sum();
        quotes = analyses.iter().map(|a| a.quotes.len()).sum();
        events = analyses.iter().map(|a| a.events.len()).sum();
        sentences = analyses.iter().map(|a| a.sentences.len()).sum();
        places = analyses.iter().map(|a| a.places.len()).sum();
        drop(analyses);
        drop(time(&entities_only, &mut times_entities));
        drop(time(&without_events, &mut times_without_events));
        drop(time(&without_geo, &mut times_without_geo));
        let started = Instant::now();
        let verdicts: Vec<_> = articles.iter().map(chancery_nlp::language::gate).collect();
        times_gate.push(started.elapsed().as_secs_f64());
        skipped_articles = verdicts
            .iter()
            .filter(|v| matches!(v, chancery_nlp::language::Verdict::Skip(_)))
            .count();
        skipped_blocks = verdicts
            .iter()
            .map(|v| match v {
                chancery_nlp::language::Verdict::Analyse(blocks) => blocks.len(),
                chancery_nlp::language::Verdict::Skip(_) => 0,
            })
            .sum();
    }
    let median = |mut times: Vec<f64>| {
        times.sort_by(f64::total_cmp);
        times[times.len() / 2].max(1e-9)
    };
    let seconds = median(times);
    let seconds_entities = median(times_entities);
    let seconds_without_events = median(times_without_events);
    let seconds_without_geo = median(times_without_geo);
    let seconds_language_gate = median(times_gate);
    ThroughputReport {
        corpus: corpus.to_string(),
        articles: articles.len(),
        bytes,
        seconds,
        megabytes_per_second: bytes as f64 / 1e6 / seconds,
        articles_per_second: articles.len() as f64 / seconds,
        entities,
        quotes,
        events,
        sentences,
        seconds_entities,
        entities_megabytes_per_second: bytes as f64 / 1e6 / seconds_entities,
        seconds_without_events,
        quotes_overhead: seconds_without_events / seconds_entities - 1.0,
        coder_sentences_per_second: sentences as f64
            / (seconds_without_geo - seconds_without_events).max(1e-9),
        places,
        seconds_without_geo,
        geo_overhead: seconds / seconds_without_geo - 1.0,
        skipped_articles,
        skipped_blocks,
        seconds_language_gate,
        language_gate_share: seconds_language_gate / seconds,
    }
}
