//! Story clustering on ECB+ (`../shared/bench/clustering/ecbplus-dev.jsonl`):
//! B-cubed precision, recall and F1 and the adjusted Rand index of the
//! predicted stories against the gold subtopics (a story is a subtopic, the
//! main metric) and against the topics, with clustering speed.

use std::collections::HashMap;
use std::hash::Hash;
use std::path::{Path, PathBuf};
use std::time::Instant;

use chancery_model::{Analysis, Article};
use chancery_stories::{Clusterer, Config, Document};
use serde::Serialize;

use crate::EvalError;

/// One ECB+ document.
#[derive(Debug, Clone)]
pub struct EcbDocument {
    /// The file name in the corpus (`1_10ecb.xml`); never shown to the
    /// clusterer, since it names the subtopic.
    pub doc: String,
    /// The gold topic.
    pub topic: String,
    /// The gold subtopic: one story.
    pub subtopic: String,
    /// The text, rebuilt from tokens.
    pub text: String,
}

/// The path of a clustering set under the bench folder.
pub fn set_path(bench: &Path, set: &str) -> Result<PathBuf, EvalError> {
    match set {
        "ecbplus" => Ok(bench.join("clustering").join("ecbplus-dev.jsonl")),
        other => Err(EvalError::UnknownSet(other.to_string(), "ecbplus")),
    }
}

/// Reads an ECB+ JSON Lines file (fields doc, topic, subtopic, text).
pub fn load_ecbplus(path: &Path) -> Result<Vec<EcbDocument>, EvalError> {
    let text = std::fs::read_to_string(path).map_err(|source| EvalError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    let mut documents = Vec::new();
    for (number, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let format = |problem: String| EvalError::Format {
            path: path.to_path_buf(),
            problem: format!("line {}: {problem}", number + 1),
        };
        let value: serde_json::Value =
            serde_json::from_str(line).map_err(|e| format(e.to_string()))?;
        let field = |name: &str| value.get(name).and_then(|v| v.as_str()).map(str::to_string);
        match (
            field("doc"),
            field("topic"),
            field("subtopic"),
            field("text"),
        ) {
            (Some(doc), Some(topic), Some(subtopic), Some(text)) => documents.push(EcbDocument {
                doc,
                topic,
                subtopic,
                text,
            }),
            _ => return Err(format("expected doc, topic, subtopic and text".to_string())),
        }
    }
    Ok(documents)
}

/// B-cubed precision, recall and F1.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct BCubed {
    /// Mean over items of the share of its predicted cluster that is in its
    /// gold cluster.
    pub precision: f64,
    /// Mean over items of the share of its gold cluster that is in its
    /// predicted cluster.
    pub recall: f64,
    /// Harmonic mean of the two.
    pub f1: f64,
}

/// How many items each (predicted, gold) label pair has, and each label alone.
struct Contingency {
    /// `(predicted, gold, count)` for the pairs that occur, in a fixed order.
    cells: Vec<(usize, usize, u64)>,
    predicted: Vec<u64>,
    gold: Vec<u64>,
}

fn contingency<P: Hash + Eq, G: Hash + Eq>(predicted: &[P], gold: &[G]) -> Contingency {
    assert_eq!(
        predicted.len(),
        gold.len(),
        "one label per item on each side"
    );
    // Labels are numbered in order of first appearance and the cells sorted,
    // so sums over them run in one order and the scores are reproducible.
    let mut counts: HashMap<(usize, usize), u64> = HashMap::new();
    let (mut p_ids, mut g_ids) = (HashMap::new(), HashMap::new());
    for (p, g) in predicted.iter().zip(gold) {
        let next = p_ids.len();
        let p = *p_ids.entry(p).or_insert(next);
        let next = g_ids.len();
        let g = *g_ids.entry(g).or_insert(next);
        *counts.entry((p, g)).or_default() += 1;
    }
    let mut cells: Vec<(usize, usize, u64)> =
        counts.into_iter().map(|((p, g), n)| (p, g, n)).collect();
    cells.sort_unstable();
    let mut c = Contingency {
        cells,
        predicted: vec![0; p_ids.len()],
        gold: vec![0; g_ids.len()],
    };
    for &(p, g, n) in &c.cells {
        c.predicted[p] += n;
        c.gold[g] += n;
    }
    c
}

/// B-cubed scores of a predicted clustering against the gold one, each given
/// as one label per item (the labels' values do not matter, only which items
/// share one). All 1 for no items.
pub fn b_cubed<P: Hash + Eq, G: Hash + Eq>(predicted: &[P], gold: &[G]) -> BCubed {
    if predicted.is_empty() {
        return BCubed {
            precision: 1.0,
            recall: 1.0,
            f1: 1.0,
        };
    }
    let c = contingency(predicted, gold);
    // Each of the n items of a cell finds n of its predicted cluster's |p|
    // items in its gold cluster: n² / |p| per cell (and n² / |g| for recall).
    let (mut precision, mut recall) = (0.0, 0.0);
    for &(p, g, n) in &c.cells {
        let n = n as f64;
        precision += n * n / c.predicted[p] as f64;
        recall += n * n / c.gold[g] as f64;
    }
    let total = predicted.len() as f64;
    let (precision, recall) = (precision / total, recall / total);
    BCubed {
        precision,
        recall,
        f1: 2.0 * precision * recall / (precision + recall),
    }
}

/// The adjusted Rand index (Hubert and Arabie): agreement on pairs of items,
/// 1 for identical clusterings and about 0 for random ones. When the
/// expected and the best agreement coincide (e.g. both sides put every item
/// alone, or all in one cluster) it is 1, as in scikit-learn.
pub fn adjusted_rand_index<P: Hash + Eq, G: Hash + Eq>(predicted: &[P], gold: &[G]) -> f64 {
    let c = contingency(predicted, gold);
    let pairs = |n: u64| (n * n.saturating_sub(1) / 2) as f64;
    let index: f64 = c.cells.iter().map(|&(_, _, n)| pairs(n)).sum();
    let a: f64 = c.predicted.iter().map(|&n| pairs(n)).sum();
    let b: f64 = c.gold.iter().map(|&n| pairs(n)).sum();
    let all = pairs(predicted.len() as u64);
    let expected = if all > 0.0 { a * b / all } else { 0.0 };
    let best = (a + b) / 2.0;
    if (best - expected).abs() < 1e-12 {
        return 1.0;
    }
    (index - expected) / (best - expected)
}

/// B-cubed scores and the adjusted Rand index against one gold clustering.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ClusterScores {
    /// B-cubed precision.
    pub precision: f64,
    /// B-cubed recall.
    pub recall: f64,
    /// B-cubed F1.
    pub f1: f64,
    /// Adjusted Rand index.
    pub ari: f64,
}

impl ClusterScores {
    /// Scores `predicted` against `gold`.
    pub fn of<P: Hash + Eq, G: Hash + Eq>(predicted: &[P], gold: &[G]) -> ClusterScores {
        let b = b_cubed(predicted, gold);
        ClusterScores {
            precision: b.precision,
            recall: b.recall,
            f1: b.f1,
            ari: adjusted_rand_index(predicted, gold),
        }
    }
}

/// Online (the product) or batch re-clustering.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// What ingest stores: one article at a time in file order, the latest
    /// arrivals settled every half window, and a settle pass at the end (as
    /// at the end of an ingest run). A settle window of 0 is plain online.
    Online,
    /// The whole set at once, average linkage.
    Batch,
}

/// How to run the clusterer on the set.
#[derive(Debug, Clone)]
pub struct Options {
    /// Online or batch.
    pub mode: Mode,
    /// Pass the names of the entities `chancery_nlp` finds as entity keys.
    pub entities: bool,
    /// The clusterer's settings.
    pub config: Config,
    /// Timed passes over the set (the set is small, so one pass is noisy);
    /// each gives the same stories.
    pub passes: usize,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            mode: Mode::Online,
            entities: true,
            config: Config::default(),
            passes: 5,
        }
    }
}

/// The settings a run used, for the record.
#[derive(Debug, Clone, Serialize)]
pub struct Settings {
    /// Online or batch.
    pub mode: Mode,
    /// Whether entity keys from `chancery_nlp` were passed.
    pub entities: bool,
    /// The join probability (online) or merge probability (batch).
    pub threshold: f32,
    /// The model's weights by feature name, and its intercept.
    pub model: Vec<(String, f32)>,
    /// The weight of a title word.
    pub title_weight: f32,
    /// Whether word pairs count.
    pub bigrams: bool,
    /// Terms kept per story.
    pub max_story_terms: usize,
    /// Whether young stories are checked for a split.
    pub split: bool,
    /// Whether young stories are checked for a merge.
    pub merge: bool,
    /// Stories are checked for a split up to this size.
    pub split_members: usize,
    /// Arrivals the settle pass re-clusters (0: none).
    pub settle_window: usize,
    /// Timed passes (the median is reported).
    pub passes: usize,
}

/// The report of `chancery eval stories`.
#[derive(Debug, Clone, Serialize)]
pub struct StoriesReport {
    /// The set's name.
    pub set: String,
    /// Documents clustered.
    pub documents: usize,
    /// Stories predicted.
    pub stories: usize,
    /// Gold subtopics (stories) and topics.
    pub gold_subtopics: usize,
    /// Gold topics.
    pub gold_topics: usize,
    /// Against the subtopics: the main metric.
    pub subtopic: ClusterScores,
    /// Against the topics.
    pub topic: ClusterScores,
    /// Baseline: every document alone, against the subtopics.
    pub singletons: ClusterScores,
    /// Baseline: the gold topics as stories, against the subtopics.
    pub topics_as_stories: ClusterScores,
    /// Documents per second through the clusterer (features and assignment,
    /// one thread), without entity analysis.
    pub documents_per_second: f64,
    /// Documents per second through `chancery_nlp` for the entity keys, when
    /// they were used.
    pub analysis_documents_per_second: Option<f64>,
    /// The settings of the run.
    pub settings: Settings,
    /// Each document's predicted story, in file order (`--write-pred`).
    #[serde(skip)]
    pub predicted: Vec<usize>,
}

/// Splits an ECB+ text into its URL line (the newer half of the corpus
/// starts with the source URL, spaced out like the rest), the headline (the
/// first line when it reads like one: short, no final stop) and the body.
/// The URL is page metadata, not story text, and it would tell the clusterer
/// which half of the corpus a document comes from, so it is left out.
pub fn split_text(text: &str) -> (Option<&str>, &str, &str) {
    let (url, rest) = match text.split_once('\n') {
        Some((first, rest)) if first.starts_with("http") => (Some(first), rest),
        _ => (None, text),
    };
    match rest.split_once('\n') {
        Some((first, body))
            if first.len() <= 150 && !first.trim_end().ends_with(['.', '"', '\'']) =>
        {
            (url, first, body)
        }
        _ => (url, "", rest),
    }
}

/// Story keys of one text, as ingest gives them to the clusterer:
/// [`chancery_nlp::story_keys`] of its analysis (entities, actor codes,
/// event codes and dyads).
pub fn entity_keys(analyzer: &chancery_nlp::Analyzer, title: &str, body: &str) -> Vec<String> {
    let article = Article {
        title: (!title.is_empty()).then(|| title.to_string()),
        text: body.to_string(),
        ..Article::default()
    };
    let analysis: Analysis = analyzer.analyze(article);
    chancery_nlp::story_keys(&analysis)
}

/// The model's weights by feature name, then `bias`.
pub fn model_weights(model: &chancery_stories::Model) -> Vec<(String, f32)> {
    chancery_stories::FEATURE_NAMES
        .iter()
        .zip(model.weights)
        .map(|(name, w)| (name.to_string(), w))
        .chain([("bias".to_string(), model.bias)])
        .collect()
}

/// The titles, bodies and story keys of a set, as the clusterer reads them.
pub struct Prepared {
    /// `(title, body)` per document.
    pub parts: Vec<(String, String)>,
    /// Story keys per document (empty without entities).
    pub keys: Vec<Vec<String>>,
    /// Documents per second through `chancery_nlp` for the keys, when run.
    pub analysis_documents_per_second: Option<f64>,
}

impl Prepared {
    /// Splits the texts and, with `entities`, analyses them for story keys.
    pub fn new(documents: &[EcbDocument], entities: bool) -> Prepared {
        let parts: Vec<(String, String)> = documents
            .iter()
            .map(|d| {
                let (_, title, body) = split_text(&d.text);
                (title.to_string(), body.to_string())
            })
            .collect();
        let mut analysis_documents_per_second = None;
        let keys = if entities {
            let analyzer = chancery_nlp::Analyzer::new().with_quotes(false);
            let started = Instant::now();
            let keys = parts
                .iter()
                .map(|(title, body)| entity_keys(&analyzer, title, body))
                .collect();
            analysis_documents_per_second =
                Some(documents.len() as f64 / started.elapsed().as_secs_f64().max(1e-9));
            keys
        } else {
            vec![Vec::new(); documents.len()]
        };
        Prepared {
            parts,
            keys,
            analysis_documents_per_second,
        }
    }

    /// The clusterer's documents for the items at `indices`, in that order.
    pub fn inputs<'a>(
        &'a self,
        documents: &'a [EcbDocument],
        indices: &[usize],
    ) -> Vec<Document<'a>> {
        indices
            .iter()
            .map(|&i| Document {
                id: &documents[i].doc,
                title: &self.parts[i].0,
                text: &self.parts[i].1,
                published: None,
                entities: &self.keys[i],
            })
            .collect()
    }
}

/// Each document's story, numbered from 0.
pub fn cluster(inputs: &[Document<'_>], mode: Mode, config: &Config) -> Vec<usize> {
    match mode {
        Mode::Online => {
            let mut clusterer = Clusterer::new(config.clone());
            let mut stories = Vec::with_capacity(inputs.len());
            for document in inputs {
                let assignment = clusterer.add(document);
                stories.push(assignment.story.0 as usize);
                // Splits, merges and settle passes move earlier articles: the
                // score is of the final stories, as the store holds them.
                for moved in &assignment.moved {
                    stories[moved.article as usize] = moved.to.0 as usize;
                }
            }
            // Ingest settles at the end of every run; the set is one run.
            for moved in clusterer.settle() {
                stories[moved.article as usize] = moved.to.0 as usize;
            }
            stories
        }
        Mode::Batch => chancery_stories::cluster_batch(inputs, config),
    }
}

/// Clusters the set and scores the stories against subtopics and topics.
pub fn evaluate(set: &str, documents: &[EcbDocument], options: &Options) -> StoriesReport {
    let prepared = Prepared::new(documents, options.entities);
    let all: Vec<usize> = (0..documents.len()).collect();
    let inputs = prepared.inputs(documents, &all);
    let analysis_documents_per_second = prepared.analysis_documents_per_second;
    let mut times = Vec::new();
    let mut predicted = Vec::new();
    for _ in 0..options.passes.max(1) {
        let started = Instant::now();
        predicted = cluster(&inputs, options.mode, &options.config);
        times.push(started.elapsed().as_secs_f64());
    }
    times.sort_by(f64::total_cmp);
    let seconds = times[times.len() / 2];
    let subtopics: Vec<&str> = documents.iter().map(|d| d.subtopic.as_str()).collect();
    let topics: Vec<&str> = documents.iter().map(|d| d.topic.as_str()).collect();
    let count = |labels: &[&str]| {
        let mut l = labels.to_vec();
        l.sort_unstable();
        l.dedup();
        l.len()
    };
    let mut stories = predicted.clone();
    stories.sort_unstable();
    stories.dedup();
    let c = &options.config;
    StoriesReport {
        set: set.to_string(),
        documents: documents.len(),
        stories: stories.len(),
        gold_subtopics: count(&subtopics),
        gold_topics: count(&topics),
        subtopic: ClusterScores::of(&predicted, &subtopics),
        topic: ClusterScores::of(&predicted, &topics),
        singletons: ClusterScores::of(&(0..documents.len()).collect::<Vec<_>>(), &subtopics),
        topics_as_stories: ClusterScores::of(&topics, &subtopics),
        documents_per_second: documents.len() as f64 / seconds.max(1e-9),
        analysis_documents_per_second,
        settings: Settings {
            mode: options.mode,
            entities: options.entities,
            threshold: c.threshold,
            model: model_weights(&c.model),
            title_weight: c.title_weight,
            bigrams: c.bigrams,
            max_story_terms: c.max_story_terms,
            split: c.split,
            merge: c.merge,
            split_members: c.split_members,
            settle_window: c.settle_window,
            passes: options.passes.max(1),
        },
        predicted,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    #[test]
    fn b_cubed_by_hand() {
        // Gold {0,1,2} {3,4}; predicted {0,1} {2,3,4}.
        // Precision per item: 1, 1, 1/3, 2/3, 2/3 -> 11/15.
        // Recall per item: 2/3, 2/3, 1/3, 1, 1 -> 11/15.
        let b = b_cubed(&[0, 0, 1, 1, 1], &["a", "a", "a", "b", "b"]);
        assert!(close(b.precision, 11.0 / 15.0), "{b:?}");
        assert!(close(b.recall, 11.0 / 15.0), "{b:?}");
        assert!(close(b.f1, 11.0 / 15.0), "{b:?}");
    }

    #[test]
    fn b_cubed_of_the_extremes() {
        let gold = ["a", "a", "b", "b"];
        // All alone: precision 1, recall 1/2.
        let alone = b_cubed(&[0, 1, 2, 3], &gold);
        assert!(close(alone.precision, 1.0) && close(alone.recall, 0.5));
        // All together: precision 1/2, recall 1.
        let together = b_cubed(&[0, 0, 0, 0], &gold);
        assert!(close(together.precision, 0.5) && close(together.recall, 1.0));
        assert!(close(together.f1, 2.0 / 3.0));
    }

    #[test]
    fn ari_by_hand() {
        // Contingency [[2,0],[1,2]]: index 2, row pairs 1+3, column pairs 3+1,
        // 10 pairs in all: expected 1.6, best 4 -> (2-1.6)/(4-1.6) = 1/6.
        let ari = adjusted_rand_index(&[0, 0, 1, 1, 1], &["a", "a", "a", "b", "b"]);
        assert!(close(ari, 1.0 / 6.0), "{ari}");
        // Two pairs split across each other: below chance.
        let ari = adjusted_rand_index(&[0, 1, 0, 1], &["a", "a", "b", "b"]);
        assert!(close(ari, -0.5), "{ari}");
    }

    #[test]
    fn ari_degenerate_cases_are_one() {
        assert!(close(adjusted_rand_index(&[0, 1, 2], &[5, 6, 7]), 1.0));
        assert!(close(adjusted_rand_index(&[0, 0, 0], &[1, 1, 1]), 1.0));
        assert!(close(adjusted_rand_index::<u8, u8>(&[], &[]), 1.0));
    }

    #[test]
    fn url_line_and_headline_are_split_off() {
        let text =
            "http: / / example. com / quake\nChile quake kills 700\nMay 3, 2010\nThe quake struck.";
        let (url, title, body) = split_text(text);
        assert_eq!(url, Some("http: / / example. com / quake"));
        assert_eq!(title, "Chile quake kills 700");
        assert_eq!(body, "May 3, 2010\nThe quake struck.");
        // A first line that is a sentence stays in the body.
        let (url, title, body) = split_text("The quake struck Chile.\nRescuers came.");
        assert_eq!((url, title), (None, ""));
        assert_eq!(body, "The quake struck Chile.\nRescuers came.");
    }

    #[test]
    fn unknown_sets_are_refused() {
        assert!(set_path(Path::new("bench"), "ecbplus").is_ok());
        assert!(matches!(
            set_path(Path::new("bench"), "tdt"),
            Err(EvalError::UnknownSet(..))
        ));
    }

    fn labels() -> impl Strategy<Value = (Vec<u8>, Vec<u8>)> {
        (1usize..40).prop_flat_map(|n| {
            (
                prop::collection::vec(0u8..6, n),
                prop::collection::vec(0u8..6, n),
            )
        })
    }

    proptest! {
        #[test]
        fn gold_against_itself_is_perfect(gold in prop::collection::vec(0u8..8, 1..50)) {
            let b = b_cubed(&gold, &gold);
            prop_assert!(close(b.precision, 1.0) && close(b.recall, 1.0) && close(b.f1, 1.0));
            prop_assert!(close(adjusted_rand_index(&gold, &gold), 1.0));
        }

        #[test]
        fn relabeling_changes_nothing((predicted, gold) in labels(), shift in 1u8..200) {
            let renamed: Vec<u16> = predicted.iter().map(|&p| (p as u16 + shift as u16) * 7).collect();
            let gold_names: Vec<String> = gold.iter().map(|g| format!("story-{g}")).collect();
            let a = ClusterScores::of(&predicted, &gold);
            let b = ClusterScores::of(&renamed, &gold_names);
            prop_assert!(close(a.precision, b.precision) && close(a.recall, b.recall));
            prop_assert!(close(a.f1, b.f1) && close(a.ari, b.ari));
        }

        #[test]
        fn precision_and_recall_swap_with_the_sides((predicted, gold) in labels()) {
            let a = b_cubed(&predicted, &gold);
            let b = b_cubed(&gold, &predicted);
            prop_assert!(close(a.precision, b.recall) && close(a.recall, b.precision));
            prop_assert!(close(adjusted_rand_index(&predicted, &gold), adjusted_rand_index(&gold, &predicted)));
        }

        #[test]
        fn scores_are_in_range((predicted, gold) in labels()) {
            let s = ClusterScores::of(&predicted, &gold);
            for v in [s.precision, s.recall, s.f1] {
                prop_assert!((0.0..=1.0 + 1e-12).contains(&v));
            }
            prop_assert!(s.ari <= 1.0 + 1e-12 && s.ari >= -1.0 - 1e-12);
        }
    }

    /// The runner on the real set, from the shared bench folder beside the
    /// clone (not part of the repository): reported as ignored without it,
    /// run by `.ci/run` with `--include-ignored`.
    #[test]
    #[ignore = "needs ../shared/bench; run with -- --include-ignored, as .ci/run does"]
    fn ecbplus_dev() {
        let bench = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/bench");
        let path = set_path(&bench, "ecbplus").unwrap();
        let documents = load_ecbplus(&path)
            .unwrap_or_else(|e| panic!("{e}: this test reads ../shared/bench beside the clone"));
        assert_eq!(documents.len(), 496);
        let options = Options {
            entities: false,
            passes: 1,
            ..Options::default()
        };
        let report = evaluate("ecbplus", &documents, &options);
        assert_eq!(report.gold_subtopics, 42);
        assert!(report.subtopic.f1 >= 0.85, "{:?}", report.subtopic);
        // The baselines of bench/PEERS.md.
        assert!(
            (report.singletons.f1 - 0.156).abs() < 0.001,
            "{:?}",
            report.singletons
        );
        assert!((report.topics_as_stories.f1 - 0.683).abs() < 0.001);
    }
}
