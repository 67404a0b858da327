//! Document-level events on real newswire: `../shared/bench/events/reuters-dev`
//! (Reuters articles of 1996 with hand-made gold events), scored the way its
//! reference scorer `score.py` scores them.
//!
//! Each document's events become sets of tuples, compared as sets, so an
//! event told twice counts once on both sides:
//! - dyad-root: (source country, target country, CAMEO root),
//! - dyad-code: (source country, target country, three-digit code),
//! - actor-code: (full source code, full target code, three-digit code),
//! - dyadic: dyad-root of events with two different known countries.
//!
//! Only asserted, planned and reported events count. Scores are micro
//! precision, recall and F1 over documents. The scorer here must give the
//! same numbers as `score.py` on the same predictions; a test pins the rules
//! on a hand-made case.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::time::Instant;

use chancery_extract::{extract, Format, Input, Options};
use chancery_model::{Analysis, Article, Event, Modality, Span, TextField};
use serde::Serialize;

use crate::metrics::Prf;
use crate::EvalError;

/// Role codes that, at the head of an actor code, mean the country is unknown.
const ROLES: &[&str] = &[
    "GOV", "MIL", "REB", "OPP", "PTY", "COP", "JUD", "LEG", "BUS", "MED", "LAB", "CVL", "REF",
    "CRM", "UAF", "EDU", "HLH", "SPY", "ELI", "AGR", "ENV", "MNC", "IMG", "SEP", "INS", "RAD",
    "MOD", "REL", "NGM", "DEV", "HRI", "SET", "ATH", "NGO", "IGO",
];

/// The four views, in the order `score.py` prints them.
pub const VIEWS: [&str; 4] = ["dyad-root", "dyad-code", "actor-code", "dyadic"];

/// One article of the set.
#[derive(Debug, Clone)]
pub struct Document {
    /// `train-NNNN`.
    pub id: String,
    /// The headline.
    pub title: String,
    /// The body.
    pub text: String,
}

/// One gold (or predicted) event reduced to what the scorer reads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ScoredEvent {
    /// Source actor code, `None` or `---` when unknown.
    pub source: Option<String>,
    /// Target actor code.
    pub target: Option<String>,
    /// CAMEO code.
    pub code: String,
    /// `asserted`, `planned`, `reported`, `negated`, `hypothetical` (or empty).
    pub modality: String,
    /// The sentence that reports it.
    pub evidence: String,
}

/// The set: its articles and their gold events.
#[derive(Debug, Clone)]
pub struct ReutersSet {
    /// Articles in file order.
    pub documents: Vec<Document>,
    /// Gold events by document id (every document of the gold folder).
    pub gold: BTreeMap<String, Vec<ScoredEvent>>,
}

/// The folder of the set under a bench folder.
pub fn set_dir(bench: &Path) -> PathBuf {
    bench.join("events").join("reuters-dev")
}

fn read(path: &Path) -> Result<String, EvalError> {
    std::fs::read_to_string(path).map_err(|source| EvalError::Read {
        path: path.to_path_buf(),
        source,
    })
}

fn format_error(path: &Path, problem: String) -> EvalError {
    EvalError::Format {
        path: path.to_path_buf(),
        problem,
    }
}

/// Reads `docs.jsonl` and `gold/*.json`.
pub fn load(bench: &Path) -> Result<ReutersSet, EvalError> {
    let dir = set_dir(bench);
    load_from(&dir.join("docs.jsonl"), &dir.join("gold"))
}

/// Reads articles (`{id, title, text}` JSON Lines) and a folder of gold
/// files in reuters-dev's format. A gold event may point at its evidence by
/// character offsets into its article (`evidence_start`, `evidence_end`)
/// instead of quoting it, as the project's own annotations do.
pub fn load_from(docs_path: &Path, gold_dir: &Path) -> Result<ReutersSet, EvalError> {
    let mut documents = Vec::new();
    for (number, line) in read(docs_path)?.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let value: serde_json::Value = serde_json::from_str(line)
            .map_err(|e| format_error(docs_path, format!("line {}: {e}", number + 1)))?;
        let field = |name: &str| value.get(name).and_then(|v| v.as_str()).map(str::to_string);
        match (field("id"), field("text")) {
            (Some(id), Some(text)) => documents.push(Document {
                id,
                title: field("title").unwrap_or_default(),
                text,
            }),
            _ => {
                return Err(format_error(
                    docs_path,
                    format!("line {}: expected id and text", number + 1),
                ))
            }
        }
    }
    let entries = std::fs::read_dir(gold_dir).map_err(|source| EvalError::Read {
        path: gold_dir.to_path_buf(),
        source,
    })?;
    let mut paths: Vec<PathBuf> = entries
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    paths.sort();
    let mut gold = BTreeMap::new();
    for path in paths {
        let value: serde_json::Value =
            serde_json::from_str(&read(&path)?).map_err(|e| format_error(&path, e.to_string()))?;
        let id = value
            .get("id")
            .and_then(|v| v.as_str())
            .map(str::to_string)
            .or_else(|| path.file_stem().map(|s| s.to_string_lossy().into_owned()))
            .unwrap_or_default();
        let text = documents
            .iter()
            .find(|d| d.id == id)
            .map(|d| d.text.as_str());
        let events = value
            .get("events")
            .and_then(|v| v.as_array())
            .map(|events| events.iter().map(|e| gold_event(e, text)).collect())
            .unwrap_or_default();
        gold.insert(id, events);
    }
    Ok(ReutersSet { documents, gold })
}

fn gold_event(value: &serde_json::Value, article: Option<&str>) -> ScoredEvent {
    let text = |name: &str| match value.get(name) {
        Some(serde_json::Value::String(s)) => Some(s.clone()),
        Some(serde_json::Value::Object(o)) => {
            o.get("code").and_then(|c| c.as_str()).map(str::to_string)
        }
        _ => None,
    };
    ScoredEvent {
        source: text("source"),
        target: text("target"),
        code: text("code").unwrap_or_default(),
        modality: text("modality").unwrap_or_default(),
        evidence: text("evidence")
            .or_else(|| {
                let offset = |name: &str| value.get(name)?.as_u64().map(|n| n as usize);
                let (start, end) = (offset("evidence_start")?, offset("evidence_end")?);
                // Offsets count characters, as Python's indexing does.
                let sentence: String = article?
                    .chars()
                    .skip(start)
                    .take(end.saturating_sub(start))
                    .collect();
                Some(sentence)
            })
            .unwrap_or_default(),
    }
}

/// A predicted event as the scorer reads it.
pub fn predicted_event(analysis: &Analysis, event: &Event) -> ScoredEvent {
    let modality = match event.modality {
        Modality::Asserted => "asserted",
        Modality::Planned => "planned",
        Modality::Reported => "reported",
        Modality::Negated => "negated",
        Modality::Hypothetical => "hypothetical",
    };
    ScoredEvent {
        source: event.source.as_ref().and_then(|a| a.code.clone()),
        target: event.target.as_ref().and_then(|a| a.code.clone()),
        code: event.code.clone(),
        modality: modality.to_string(),
        evidence: span_text(analysis, &event.evidence).to_string(),
    }
}

/// The text a span covers, empty when it does not fit its field.
pub fn span_text<'a>(analysis: &'a Analysis, span: &Span) -> &'a str {
    let field = match span.field {
        TextField::Title => analysis.article.title.as_deref().unwrap_or(""),
        TextField::Text => &analysis.article.text,
    };
    field.get(span.start..span.end).unwrap_or("")
}

/// The country (ISO alpha-3), `IGO` or `NGO` an actor code belongs to, `---` if unknown.
pub fn principal(code: Option<&str>) -> String {
    let Some(code) = code.filter(|c| !c.is_empty() && !c.starts_with("---")) else {
        return "---".to_string();
    };
    let upper = code.to_uppercase();
    if upper.starts_with("IGO") {
        return "IGO".to_string();
    }
    if upper.starts_with("NGO") {
        return "NGO".to_string();
    }
    let head: String = upper.chars().take(3).collect();
    if ROLES.contains(&head.as_str()) {
        return "---".to_string();
    }
    head
}

fn full(code: Option<&str>) -> String {
    match code.filter(|c| !c.is_empty() && !c.starts_with("---")) {
        Some(code) => code.to_uppercase(),
        None => "---".to_string(),
    }
}

/// Whether an event counts: asserted, planned, reported (or no modality).
pub fn counts(event: &ScoredEvent) -> bool {
    matches!(
        event.modality.as_str(),
        "asserted" | "planned" | "reported" | ""
    ) && !event.code.is_empty()
}

/// A scored tuple: source, target, code (root or three digits).
pub type Tuple = (String, String, String);

/// The tuples of one document's events in each view.
pub fn tuples(events: &[ScoredEvent]) -> [BTreeSet<Tuple>; 4] {
    let mut out: [BTreeSet<Tuple>; 4] = Default::default();
    for event in events.iter().filter(|e| counts(e)) {
        let (s, t) = (event.source.as_deref(), event.target.as_deref());
        let (ps, pt) = (principal(s), principal(t));
        let root: String = event.code.chars().take(2).collect();
        let code3: String = event.code.chars().take(3).collect();
        out[0].insert((ps.clone(), pt.clone(), root.clone()));
        out[1].insert((ps.clone(), pt.clone(), code3.clone()));
        out[2].insert((full(s), full(t), code3));
        if ps != "---" && pt != "---" && ps != pt {
            out[3].insert((ps, pt, root));
        }
    }
    out
}

/// Precision, recall and F1 of one view.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct ViewScore {
    /// Precision.
    pub p: f64,
    /// Recall.
    pub r: f64,
    /// F1.
    pub f1: f64,
    /// Gold tuples.
    pub gold: usize,
    /// Predicted tuples.
    pub pred: usize,
    /// Tuples in both.
    pub tp: usize,
}

impl ViewScore {
    fn from_counts(tp: usize, pred: usize, gold: usize) -> ViewScore {
        let share = |part: usize, whole: usize| {
            if whole > 0 {
                part as f64 / whole as f64
            } else {
                0.0
            }
        };
        let prf = Prf::new(share(tp, pred), share(tp, gold));
        ViewScore {
            p: prf.precision,
            r: prf.recall,
            f1: prf.f1,
            gold,
            pred,
            tp,
        }
    }
}

/// One document's comparison, for `--explain`.
#[derive(Debug, Clone, Serialize)]
pub struct DocumentReport {
    /// Document id.
    pub id: String,
    /// Dyad-root tuples in gold and prediction.
    pub matched: Vec<Tuple>,
    /// Gold dyad-root tuples not predicted, with the gold evidence.
    pub missed: Vec<(Tuple, String)>,
    /// Predicted dyad-root tuples not in gold, with the evidence sentence.
    pub false_alarms: Vec<(Tuple, String)>,
}

/// The report of `chancery eval events --set reuters`.
#[derive(Debug, Clone, Serialize)]
pub struct ReutersReport {
    /// Gold documents.
    pub docs: usize,
    /// Gold documents with no prediction.
    pub missing_docs: usize,
    /// Scores by view, in [`VIEWS`] order.
    pub views: Vec<(String, ViewScore)>,
    /// Share of counted predicted events with no actor on one side or both.
    pub missing_side: f64,
    /// The same share among the gold events.
    pub gold_missing_side: f64,
    /// Counted predicted events.
    pub predicted_events: usize,
    /// Documents analysed per second (analysis only, one thread).
    pub documents_per_second: f64,
    /// Per document, the tuples matched, missed and falsely predicted.
    pub documents: Vec<DocumentReport>,
    /// Dyad-root F1 of each of [`FOLDS`] folds (documents in id order,
    /// document `i` in fold `i % FOLDS`), for the spread across documents.
    pub fold_f1: Vec<f64>,
}

/// How many folds `fold_f1` splits the documents into.
pub const FOLDS: usize = 5;

impl ReutersReport {
    /// The score of a view by name (`dyad-root`…) and measure (`p`, `r`, `f1`).
    pub fn score(&self, view: &str, measure: &str) -> Option<f64> {
        let (_, s) = self.views.iter().find(|(name, _)| name == view)?;
        match measure {
            "p" => Some(s.p),
            "r" => Some(s.r),
            "f1" => Some(s.f1),
            _ => None,
        }
    }
}

fn missing_a_side(event: &ScoredEvent) -> bool {
    let unknown = |code: &Option<String>| {
        code.as_deref()
            .is_none_or(|c| c.is_empty() || c.starts_with("---"))
    };
    unknown(&event.source) || unknown(&event.target)
}

fn share(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 / whole as f64
    }
}

/// Scores predictions (by document id) against gold as `score.py` does.
pub fn score(
    gold: &BTreeMap<String, Vec<ScoredEvent>>,
    predicted: &BTreeMap<String, Vec<ScoredEvent>>,
) -> ReutersReport {
    let mut tp = [0usize; 4];
    let mut np = [0usize; 4];
    let mut ng = [0usize; 4];
    let mut documents = Vec::new();
    let empty = Vec::new();
    for (id, gold_events) in gold {
        let pred_events = predicted.get(id).unwrap_or(&empty);
        let g = tuples(gold_events);
        let p = tuples(pred_events);
        for v in 0..4 {
            tp[v] += g[v].intersection(&p[v]).count();
            np[v] += p[v].len();
            ng[v] += g[v].len();
        }
        let evidence_of = |events: &[ScoredEvent], tuple: &Tuple| {
            events
                .iter()
                .filter(|e| counts(e))
                .find(|e| {
                    let root: String = e.code.chars().take(2).collect();
                    (
                        principal(e.source.as_deref()),
                        principal(e.target.as_deref()),
                        root,
                    ) == *tuple
                })
                .map(|e| e.evidence.clone())
                .unwrap_or_default()
        };
        documents.push(DocumentReport {
            id: id.clone(),
            matched: g[0].intersection(&p[0]).cloned().collect(),
            missed: g[0]
                .difference(&p[0])
                .map(|t| (t.clone(), evidence_of(gold_events, t)))
                .collect(),
            false_alarms: p[0]
                .difference(&g[0])
                .map(|t| (t.clone(), evidence_of(pred_events, t)))
                .collect(),
        });
    }
    let counted_pred: Vec<&ScoredEvent> = gold
        .keys()
        .filter_map(|id| predicted.get(id))
        .flatten()
        .filter(|e| counts(e))
        .collect();
    let counted_gold: Vec<&ScoredEvent> = gold.values().flatten().filter(|e| counts(e)).collect();
    ReutersReport {
        docs: gold.len(),
        missing_docs: gold
            .keys()
            .filter(|id| !predicted.contains_key(*id))
            .count(),
        views: VIEWS
            .iter()
            .enumerate()
            .map(|(v, name)| {
                (
                    name.to_string(),
                    ViewScore::from_counts(tp[v], np[v], ng[v]),
                )
            })
            .collect(),
        missing_side: share(
            counted_pred.iter().filter(|e| missing_a_side(e)).count(),
            counted_pred.len(),
        ),
        gold_missing_side: share(
            counted_gold.iter().filter(|e| missing_a_side(e)).count(),
            counted_gold.len(),
        ),
        predicted_events: counted_pred.len(),
        documents_per_second: 0.0,
        documents,
        fold_f1: (0..FOLDS)
            .map(|fold| {
                let (mut tp, mut np, mut ng) = (0, 0, 0);
                for (i, (id, gold_events)) in gold.iter().enumerate() {
                    if i % FOLDS != fold {
                        continue;
                    }
                    let g = &tuples(gold_events)[0];
                    let p = &tuples(predicted.get(id).unwrap_or(&empty))[0];
                    tp += g.intersection(p).count();
                    np += p.len();
                    ng += g.len();
                }
                ViewScore::from_counts(tp, np, ng).f1
            })
            .collect(),
    }
}

/// The article `chancery analyze --jsonl` makes of a `{id, title, text}` record.
pub fn article(doc: &Document) -> Result<Article, EvalError> {
    let input = Input {
        bytes: doc.text.as_bytes(),
        external_id: Some(doc.id.clone()),
        title: Some(doc.title.clone()).filter(|t| !t.is_empty()),
        ..Input::default()
    };
    let options = Options {
        format: Some(Format::Text),
        ..Options::default()
    };
    extract(&input, &options).map_err(|e| EvalError::Format {
        path: PathBuf::from(&doc.id),
        problem: e.to_string(),
    })
}

/// Analyses every document with `analyze` and scores the events; also
/// returns the analyses (for writing predictions).
pub fn evaluate(
    set: &ReutersSet,
    analyze: impl Fn(Article) -> Analysis,
) -> Result<(ReutersReport, Vec<(String, Analysis)>), EvalError> {
    let articles = set
        .documents
        .iter()
        .map(|doc| Ok((doc.id.clone(), article(doc)?)))
        .collect::<Result<Vec<_>, EvalError>>()?;
    let started = Instant::now();
    let analyses: Vec<(String, Analysis)> = articles
        .into_iter()
        .map(|(id, article)| (id, analyze(article)))
        .collect();
    let seconds = started.elapsed().as_secs_f64();
    let predicted: BTreeMap<String, Vec<ScoredEvent>> = analyses
        .iter()
        .map(|(id, analysis)| {
            (
                id.clone(),
                analysis
                    .events
                    .iter()
                    .map(|e| predicted_event(analysis, e))
                    .collect(),
            )
        })
        .collect();
    let mut report = score(&set.gold, &predicted);
    report.documents_per_second = if seconds > 0.0 {
        set.documents.len() as f64 / seconds
    } else {
        0.0
    };
    Ok((report, analyses))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gold_evidence_may_be_offsets_into_the_article() {
        let dir = std::env::temp_dir().join(format!("chancery-reuters-{}", std::process::id()));
        let gold_dir = dir.join("gold");
        std::fs::create_dir_all(&gold_dir).unwrap();
        let docs = dir.join("docs.jsonl");
        std::fs::write(
            &docs,
            "{\"id\": \"d1\", \"title\": \"T\", \"text\": \"Zürich said. Iran accused Iraq.\"}\n",
        )
        .unwrap();
        std::fs::write(
            gold_dir.join("d1.json"),
            r#"{"id": "d1", "events": [{"source": "IRN", "target": "IRQ", "code": "112",
                "modality": "asserted", "evidence_start": 13, "evidence_end": 31}]}"#,
        )
        .unwrap();
        let set = load_from(&docs, &gold_dir).unwrap();
        std::fs::remove_dir_all(&dir).unwrap();
        // Character offsets, so "ü" counts once.
        assert_eq!(set.gold["d1"][0].evidence, "Iran accused Iraq.");
        assert_eq!(set.documents.len(), 1);
    }

    fn event(source: &str, target: &str, code: &str, modality: &str) -> ScoredEvent {
        let code_of = |s: &str| (!s.is_empty()).then(|| s.to_string());
        ScoredEvent {
            source: code_of(source),
            target: code_of(target),
            code: code.to_string(),
            modality: modality.to_string(),
            evidence: String::new(),
        }
    }

    #[test]
    fn principal_follows_the_reference_rules() {
        assert_eq!(principal(Some("CHNGOV")), "CHN");
        assert_eq!(principal(Some("igoUNO")), "IGO");
        assert_eq!(principal(Some("NGOMSF")), "NGO");
        assert_eq!(principal(Some("REB")), "---");
        assert_eq!(principal(Some("---")), "---");
        assert_eq!(principal(None), "---");
        assert_eq!(principal(Some("")), "---");
    }

    #[test]
    fn sets_per_document_and_modalities() {
        let mut gold = BTreeMap::new();
        gold.insert(
            "a".to_string(),
            vec![
                event("CHNGOV", "TWN", "112", "asserted"),
                event("CHN", "TWN", "111", "asserted"),
                event("USA", "IRQ", "190", "negated"),
                event("---", "JORGOV", "173", "planned"),
            ],
        );
        gold.insert("b".to_string(), vec![event("RUS", "IGO", "042", "")]);
        let mut pred = BTreeMap::new();
        pred.insert(
            "a".to_string(),
            vec![
                // Told twice: one tuple.
                event("CHN", "TWNGOV", "112", "asserted"),
                event("CHN", "TWNGOV", "112", "reported"),
                event("", "JOR", "173", "planned"),
                // Hypothetical: left out.
                event("USA", "IRQ", "190", "hypothetical"),
                event("ISR", "PSE", "190", "asserted"),
            ],
        );
        let report = score(&gold, &pred);
        let root = report.views[0].1;
        // Gold roots: (CHN,TWN,11) once, (---,JOR,17); doc b (RUS,IGO,04).
        assert_eq!((root.gold, root.pred, root.tp), (3, 3, 2));
        let code = report.views[1].1;
        // Gold codes: 112, 111, 173 and 042; predicted 112, 173, 190.
        assert_eq!((code.gold, code.pred, code.tp), (4, 3, 2));
        let actor = report.views[2].1;
        // Full codes differ for CHNGOV/TWN and JORGOV/JOR.
        assert_eq!((actor.gold, actor.pred, actor.tp), (4, 3, 0));
        let dyadic = report.views[3].1;
        assert_eq!((dyadic.gold, dyadic.pred, dyadic.tp), (2, 2, 1));
        assert_eq!(report.missing_docs, 1);
        assert!((report.missing_side - 0.25).abs() < 1e-9);
        assert!((report.gold_missing_side - 0.25).abs() < 1e-9);
    }
}
