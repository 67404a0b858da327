//! `chancery eval stories --cv K`: story clustering on ECB+ topics the model
//! was not fit on, beside a plain TF-IDF baseline.
//!
//! The held-out ECB+ topics are other stories of the same kind, so what
//! matters is how the clusterer does on topics it has never seen. The dev
//! topics are dealt into `K` folds (sorted by number, topic `i` to fold
//! `i mod K`: every fold gets topics from the whole range). For each fold the
//! model is fit on the other folds' topics, its global settings (the join
//! probability, whether young stories split or merge, and the settle window)
//! are chosen by an inner cross-validation over those topics alone, and the
//! whole set is then
//! clustered in file order — the fold's unseen topics among the others, as
//! news arrives — and the fold's documents are scored against their
//! subtopics.
//!
//! The baseline is batch TF-IDF (scikit-learn's defaults: `\w\w+` lower-cased
//! tokens, raw counts, smoothed idf, unit length) with cosine similarity and
//! average-linkage agglomerative clustering, its threshold chosen on the same
//! training topics by the best B-cubed F1, and scored the same way. It sees
//! all articles at once; the clusterer sees them one at a time.

use std::collections::{BTreeMap, HashMap};
use std::sync::LazyLock;

use chancery_stories::{average_linkage, fit, training_pairs, Config, Model};
use regex::Regex;
use serde::Serialize;

use crate::metrics::mean_and_spread;
use crate::stories::{cluster, ClusterScores, EcbDocument, Mode, Prepared};

/// The L2 penalty of the logistic fit: weak, since the features are few and
/// the pairs many thousands.
pub const L2: f64 = 1.0;

/// The join probabilities the inner cross-validation chooses from.
pub const THRESHOLDS: [f32; 8] = [0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.5];

/// The settle windows the inner cross-validation chooses from (0: no settle
/// pass, plain online clustering).
pub const SETTLE_WINDOWS: [usize; 4] = [0, 128, 256, 512];

/// The cosine thresholds the baseline chooses from: 0.02 to 0.60.
fn baseline_thresholds() -> impl Iterator<Item = f32> {
    (1..=30).map(|i| i as f32 * 0.02)
}

/// The global settings that cross-validation chooses.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Choice {
    /// The join probability.
    pub threshold: f32,
    /// Whether young stories are checked for a split.
    pub split: bool,
    /// Whether young stories are checked for a merge.
    pub merge: bool,
    /// The settle window (0: none).
    pub settle_window: usize,
}

/// One outer fold.
#[derive(Debug, Clone, Serialize)]
pub struct FoldReport {
    /// The fold's number from 0.
    pub fold: usize,
    /// The gold topics held out in it.
    pub topics: Vec<String>,
    /// Its documents.
    pub documents: usize,
    /// The settings the inner cross-validation chose on the other folds.
    pub choice: Choice,
    /// The clusterer on the fold, against subtopics.
    pub subtopic: ClusterScores,
    /// The baseline's threshold, chosen on the other folds.
    pub baseline_threshold: f32,
    /// The baseline on the fold, against subtopics.
    pub baseline: ClusterScores,
}

/// The report of `chancery eval stories --cv K`.
#[derive(Debug, Clone, Serialize)]
pub struct CvReport {
    /// The folds.
    pub folds: Vec<FoldReport>,
    /// Mean B-cubed F1 (subtopics) over folds.
    pub mean: f64,
    /// Its sample standard deviation.
    pub spread: f64,
    /// The baseline's mean over folds.
    pub baseline_mean: f64,
    /// Its spread.
    pub baseline_spread: f64,
    /// The smallest margin of the clusterer over the baseline on a fold
    /// (negative when the baseline wins a fold).
    pub min_margin: f64,
    /// The model fit on every dev topic, and the settings a cross-validation
    /// over all of them chooses: what `--write-model` writes.
    #[serde(skip)]
    pub full_model: Model,
    /// Those settings.
    pub full_choice: Choice,
    /// That model on the whole dev set (fit on it: optimistic).
    pub full: ClusterScores,
    /// The baseline on the whole dev set with the threshold best on it.
    pub baseline_full: ClusterScores,
    /// Its threshold.
    pub baseline_full_threshold: f32,
}

/// Deals topics into `k` folds: sorted by number (then name), topic `i` goes
/// to fold `i mod k`. Returns each fold's document indices, in file order.
pub fn topic_folds(documents: &[EcbDocument], indices: &[usize], k: usize) -> Vec<Vec<usize>> {
    let mut topics: Vec<&str> = indices
        .iter()
        .map(|&i| documents[i].topic.as_str())
        .collect();
    topics.sort_unstable_by(|a, b| {
        let number = |t: &str| t.parse::<u64>().unwrap_or(u64::MAX);
        number(a).cmp(&number(b)).then(a.cmp(b))
    });
    topics.dedup();
    let k = k.max(1);
    let fold_of: HashMap<&str, usize> = topics
        .iter()
        .enumerate()
        .map(|(i, t)| (*t, i % k))
        .collect();
    let mut folds = vec![Vec::new(); k];
    for &i in indices {
        folds[fold_of[documents[i].topic.as_str()]].push(i);
    }
    folds
}

/// Fits the model on the documents at `indices` (gold: their subtopics).
pub fn fit_on(documents: &[EcbDocument], prepared: &Prepared, indices: &[usize]) -> Model {
    let inputs = prepared.inputs(documents, indices);
    let mut numbers: HashMap<&str, usize> = HashMap::new();
    let gold: Vec<usize> = indices
        .iter()
        .map(|&i| {
            let next = numbers.len();
            *numbers
                .entry(documents[i].subtopic.as_str())
                .or_insert(next)
        })
        .collect();
    fit(&training_pairs(&inputs, &gold, &Config::default()), L2)
}

fn subtopics<'a>(documents: &'a [EcbDocument], indices: &[usize]) -> Vec<&'a str> {
    indices
        .iter()
        .map(|&i| documents[i].subtopic.as_str())
        .collect()
}

/// Clusters the documents at `stream` (in file order) with `model` and
/// `choice`, and scores the stories of those at `scored` (a subset):
/// held-out topics are clustered among all the others, as unseen news
/// arrives among news the model was fit on, but only they are scored.
pub fn score_with(
    documents: &[EcbDocument],
    prepared: &Prepared,
    stream: &[usize],
    scored: &[usize],
    model: Model,
    choice: Choice,
    mode: Mode,
) -> ClusterScores {
    let config = Config {
        model,
        threshold: choice.threshold,
        split: choice.split,
        merge: choice.merge,
        settle_window: choice.settle_window,
        ..Config::default()
    };
    let predicted = cluster(&prepared.inputs(documents, stream), mode, &config);
    let (predicted, gold) = restrict(documents, stream, &predicted, scored);
    ClusterScores::of(&predicted, &gold)
}

/// The predicted and gold labels of the documents at `scored`, from labels
/// predicted for those at `stream`.
fn restrict<'a>(
    documents: &'a [EcbDocument],
    stream: &[usize],
    predicted: &[usize],
    scored: &[usize],
) -> (Vec<usize>, Vec<&'a str>) {
    let position: HashMap<usize, usize> = stream.iter().enumerate().map(|(p, &i)| (i, p)).collect();
    let labels = scored.iter().map(|i| predicted[position[i]]).collect();
    (labels, subtopics(documents, scored))
}

/// Chooses the settings by `k`-fold cross-validation over the topics of the
/// documents at `indices`: the choice with the best mean F1 over the inner
/// folds (ties to the earlier choice in grid order).
pub fn choose(
    documents: &[EcbDocument],
    prepared: &Prepared,
    indices: &[usize],
    k: usize,
    mode: Mode,
) -> Choice {
    let folds = topic_folds(documents, indices, k);
    let grid = grid(mode);
    let mut totals = vec![0.0f64; grid.len()];
    for (f, test) in folds.iter().enumerate() {
        if test.is_empty() {
            continue;
        }
        let train: Vec<usize> = folds
            .iter()
            .enumerate()
            .filter(|&(g, _)| g != f)
            .flat_map(|(_, fold)| fold.iter().copied())
            .collect();
        let mut train = train;
        train.sort_unstable();
        let model = fit_on(documents, prepared, &train);
        let scores = map_parallel(&grid, |&choice| {
            score_with(documents, prepared, indices, test, model, choice, mode).f1
        });
        for (total, score) in totals.iter_mut().zip(scores) {
            *total += score;
        }
    }
    let mut best = 0;
    for (i, total) in totals.iter().enumerate() {
        if *total > totals[best] + 1e-12 {
            best = i;
        }
    }
    grid[best]
}

/// The settings cross-validation chooses from, in order of preference on
/// ties (the cheaper first): online, every join threshold with and without
/// the split and merge checks and no settle pass, then each settle window
/// (with both checks); batch, the thresholds alone.
pub fn grid(mode: Mode) -> Vec<Choice> {
    let checks = [(true, true), (true, false), (false, true), (false, false)];
    let plain = checks.into_iter().flat_map(|(split, merge)| {
        THRESHOLDS.map(|threshold| Choice {
            threshold,
            split,
            merge,
            settle_window: 0,
        })
    });
    let settled = SETTLE_WINDOWS[1..].iter().flat_map(|&settle_window| {
        THRESHOLDS.map(|threshold| Choice {
            threshold,
            split: true,
            merge: true,
            settle_window,
        })
    });
    match mode {
        Mode::Online => plain.chain(settled).collect(),
        Mode::Batch => plain.filter(|c| !(c.split || c.merge)).collect(),
    }
}

/// `f` over `items` on the machine's cores, results in the items' order (so
/// the choice does not depend on the number of threads).
fn map_parallel<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let chunk = items.len().div_ceil(threads.max(1)).max(1);
    std::thread::scope(|scope| {
        let handles: Vec<_> = items
            .chunks(chunk)
            .map(|part| scope.spawn(|| part.iter().map(&f).collect::<Vec<R>>()))
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("a scoring thread does not panic"))
            .collect()
    })
}

/// The baseline's tokens: scikit-learn's default `(?u)\b\w\w+\b`, lower-cased.
static TOKEN: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\b\w\w+\b").expect("the token pattern compiles"));

/// Unit-length TF-IDF vectors of the documents at `indices` (idf over them).
fn tfidf(prepared: &Prepared, indices: &[usize]) -> Vec<Vec<(u32, f32)>> {
    let mut vocabulary: HashMap<String, u32> = HashMap::new();
    let counts: Vec<BTreeMap<u32, f32>> = indices
        .iter()
        .map(|&i| {
            let (title, body) = &prepared.parts[i];
            let text = format!("{title}\n{body}").to_lowercase();
            let mut counts = BTreeMap::new();
            for token in TOKEN.find_iter(&text) {
                let next = vocabulary.len() as u32;
                let id = *vocabulary.entry(token.as_str().to_string()).or_insert(next);
                *counts.entry(id).or_insert(0.0) += 1.0;
            }
            counts
        })
        .collect();
    let mut df = vec![0u32; vocabulary.len()];
    for c in &counts {
        for &t in c.keys() {
            df[t as usize] += 1;
        }
    }
    let n = counts.len() as f32;
    counts
        .into_iter()
        .map(|c| {
            let mut v: Vec<(u32, f32)> = c
                .into_iter()
                .map(|(t, tf)| {
                    (
                        t,
                        tf * (((1.0 + n) / (1.0 + df[t as usize] as f32)).ln() + 1.0),
                    )
                })
                .collect();
            let norm = v.iter().map(|(_, w)| w * w).sum::<f32>().sqrt();
            if norm > 0.0 {
                for e in &mut v {
                    e.1 /= norm;
                }
            }
            v
        })
        .collect()
}

/// The baseline's cosine matrix of the documents at `indices`.
fn baseline_matrix(prepared: &Prepared, indices: &[usize]) -> Vec<f32> {
    let vectors = tfidf(prepared, indices);
    let n = vectors.len();
    let mut sim = vec![0.0f32; n * n];
    for i in 0..n {
        for j in (i + 1)..n {
            let (a, b) = (&vectors[i], &vectors[j]);
            let (mut x, mut y, mut dot) = (0, 0, 0.0f32);
            while x < a.len() && y < b.len() {
                match a[x].0.cmp(&b[y].0) {
                    std::cmp::Ordering::Less => x += 1,
                    std::cmp::Ordering::Greater => y += 1,
                    std::cmp::Ordering::Equal => {
                        dot += a[x].1 * b[y].1;
                        x += 1;
                        y += 1;
                    }
                }
            }
            sim[i * n + j] = dot;
            sim[j * n + i] = dot;
        }
    }
    sim
}

/// The baseline's clusters of the documents at `indices` at a cosine
/// threshold.
pub fn baseline(prepared: &Prepared, indices: &[usize], threshold: f32) -> Vec<usize> {
    let mut sim = baseline_matrix(prepared, indices);
    average_linkage(&mut sim, indices.len(), threshold)
}

/// The baseline threshold with the best F1 on the documents at `indices`,
/// and that score.
pub fn baseline_tuned(
    documents: &[EcbDocument],
    prepared: &Prepared,
    indices: &[usize],
) -> (f32, ClusterScores) {
    let sim = baseline_matrix(prepared, indices);
    let gold = subtopics(documents, indices);
    let mut best: Option<(f32, ClusterScores)> = None;
    for threshold in baseline_thresholds() {
        let mut m = sim.clone();
        let scores = ClusterScores::of(&average_linkage(&mut m, indices.len(), threshold), &gold);
        if best.is_none_or(|(_, b)| scores.f1 > b.f1 + 1e-12) {
            best = Some((threshold, scores));
        }
    }
    best.expect("the grid is not empty")
}

/// Runs the `k`-fold cross-validation (inner folds: `k - 1`) and the
/// full-dev fit.
pub fn cross_validate(
    documents: &[EcbDocument],
    prepared: &Prepared,
    k: usize,
    mode: Mode,
) -> CvReport {
    let k = k.max(2);
    let all: Vec<usize> = (0..documents.len()).collect();
    let folds = topic_folds(documents, &all, k);
    let mut reports = Vec::new();
    for (f, test) in folds.iter().enumerate() {
        if test.is_empty() {
            continue;
        }
        let mut train: Vec<usize> = folds
            .iter()
            .enumerate()
            .filter(|&(g, _)| g != f)
            .flat_map(|(_, fold)| fold.iter().copied())
            .collect();
        train.sort_unstable();
        let choice = choose(documents, prepared, &train, k - 1, mode);
        let model = fit_on(documents, prepared, &train);
        let subtopic = score_with(documents, prepared, &all, test, model, choice, mode);
        let (baseline_threshold, _) = baseline_tuned(documents, prepared, &train);
        let (predicted, gold) = restrict(
            documents,
            &all,
            &baseline(prepared, &all, baseline_threshold),
            test,
        );
        let baseline = ClusterScores::of(&predicted, &gold);
        let mut topics: Vec<String> = test.iter().map(|&i| documents[i].topic.clone()).collect();
        topics.dedup();
        reports.push(FoldReport {
            fold: f,
            topics,
            documents: test.len(),
            choice,
            subtopic,
            baseline_threshold,
            baseline,
        });
    }
    let scores: Vec<f64> = reports.iter().map(|r| r.subtopic.f1).collect();
    let baselines: Vec<f64> = reports.iter().map(|r| r.baseline.f1).collect();
    let (mean, spread) = mean_and_spread(&scores);
    let (baseline_mean, baseline_spread) = mean_and_spread(&baselines);
    let min_margin = scores
        .iter()
        .zip(&baselines)
        .map(|(s, b)| s - b)
        .fold(f64::INFINITY, f64::min);
    let full_choice = choose(documents, prepared, &all, k, mode);
    let full_model = fit_on(documents, prepared, &all);
    let full = score_with(
        documents,
        prepared,
        &all,
        &all,
        full_model,
        full_choice,
        mode,
    );
    let (baseline_full_threshold, baseline_full) = baseline_tuned(documents, prepared, &all);
    CvReport {
        folds: reports,
        mean,
        spread,
        baseline_mean,
        baseline_spread,
        min_margin,
        full_model,
        full_choice,
        full,
        baseline_full,
        baseline_full_threshold,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(topic: &str, subtopic: &str, text: &str) -> EcbDocument {
        EcbDocument {
            doc: format!("{subtopic}-{text}"),
            topic: topic.into(),
            subtopic: subtopic.into(),
            text: text.into(),
        }
    }

    #[test]
    fn folds_keep_topics_whole_and_deal_them_in_number_order() {
        let documents: Vec<EcbDocument> = ["1", "3", "11", "5", "3", "1", "7"]
            .iter()
            .map(|t| doc(t, &format!("{t}a"), "x"))
            .collect();
        let all: Vec<usize> = (0..documents.len()).collect();
        let folds = topic_folds(&documents, &all, 2);
        // Topics by number: 1, 3, 5, 7, 11 -> folds 0, 1, 0, 1, 0.
        assert_eq!(folds, vec![vec![0, 2, 3, 5], vec![1, 4, 6]]);
    }

    #[test]
    fn the_grid_offers_settle_windows_online_only() {
        let online = grid(Mode::Online);
        assert_eq!(
            online.len(),
            THRESHOLDS.len() * (4 + SETTLE_WINDOWS.len() - 1)
        );
        // Plain online first, so a tie goes to the cheaper setting.
        assert_eq!(online[0].settle_window, 0);
        for &w in &SETTLE_WINDOWS {
            assert!(online.iter().any(|c| c.settle_window == w));
        }
        let batch = grid(Mode::Batch);
        assert_eq!(batch.len(), THRESHOLDS.len());
        assert!(batch
            .iter()
            .all(|c| c.settle_window == 0 && !c.split && !c.merge));
    }

    #[test]
    fn parallel_map_keeps_the_order() {
        let items: Vec<u32> = (0..37).collect();
        assert_eq!(
            map_parallel(&items, |x| x * 2),
            items.iter().map(|x| x * 2).collect::<Vec<_>>()
        );
    }

    #[test]
    fn the_baseline_groups_shared_words() {
        let documents = vec![
            doc("1", "1a", "ferry budget approved by harbour council"),
            doc("1", "1b", "fisheries accord signed after night talks"),
            doc("1", "1a", "harbour council approves ferry budget"),
            doc("1", "1b", "night talks end in fisheries accord"),
        ];
        let prepared = Prepared::new(&documents, false);
        let all: Vec<usize> = (0..4).collect();
        assert_eq!(baseline(&prepared, &all, 0.2), vec![0, 1, 0, 1]);
        let (_, best) = baseline_tuned(&documents, &prepared, &all);
        assert!((best.f1 - 1.0).abs() < 1e-9);
    }
}
