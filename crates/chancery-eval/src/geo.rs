//! Geoparsing on TR-News and GeoVirus (`bench/geo`): toponyms with their
//! character spans and gold coordinates, scored as the geoparsing
//! literature reports them (Gritta et al., "A Pragmatic Guide to
//! Geoparsing Evaluation"): geotagging precision, recall and F1 by span
//! overlap; over the gold toponyms found, accuracy within 161 km (an
//! unresolved one counts as wrong), the area under the curve of
//! ln(1 + error km) / ln(20039) and the median error; and, in the same run,
//! a population-only baseline that resolves each gold span to the most
//! populous gazetteer feature of that name.

use std::path::{Path, PathBuf};

use chancery_geo::{distance_km, Gazetteer, Kind};
use chancery_model::{Analysis, Article, Block, BlockKind, TextField};

use crate::metrics::{mean_and_spread, Prf};
use crate::EvalError;

/// The longest possible error on Earth (half the circumference), km.
const MAX_ERROR_KM: f64 = 20039.0;
/// The accuracy radius of the literature: 100 miles.
const RADIUS_KM: f64 = 161.0;
/// Folds for the spread of per-fold scores.
pub const FOLDS: usize = 5;

/// The fold of a document: a hash of its text (64-bit FNV-1a) modulo
/// [`FOLDS`]. A hash rather than the position in the file, so that
/// neighbouring documents (often one topic or one week of news) do not
/// fall into fold after fold in step, and a document keeps its fold
/// when the file is reordered.
pub fn fold_of(doc: &GeoDocument) -> usize {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in doc.text.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    (hash % FOLDS as u64) as usize
}

/// One gold toponym.
#[derive(Debug, Clone, PartialEq)]
pub struct GoldToponym {
    /// Byte span into the document's text.
    pub start: usize,
    /// End byte (exclusive).
    pub end: usize,
    /// Gold coordinates, when the annotation gives them.
    pub point: Option<(f64, f64)>,
}

/// One annotated document.
#[derive(Debug, Clone)]
pub struct GeoDocument {
    /// Position in the file (from 0).
    pub index: usize,
    /// The text the spans point into.
    pub text: String,
    /// The toponyms.
    pub toponyms: Vec<GoldToponym>,
}

/// The sets this module reads.
pub const SETS: &str = "trnews, geovirus";

/// Loads `trnews` or `geovirus` from the bench folder.
pub fn load(bench: &Path, set: &str) -> Result<Vec<GeoDocument>, EvalError> {
    let (file, item, text_tag) = match set {
        "trnews" => ("TR-News.xml", "toponym", "text"),
        "geovirus" => ("GeoVirus.xml", "location", "text"),
        other => return Err(EvalError::UnknownSet(other.to_string(), SETS)),
    };
    let path = bench.join("geo").join(file);
    let xml = std::fs::read_to_string(&path).map_err(|source| EvalError::Read {
        path: path.clone(),
        source,
    })?;
    parse(&xml, item, text_tag, &path)
}

/// Parses the XML of either set.
pub fn parse(
    xml: &str,
    item: &str,
    text_tag: &str,
    path: &Path,
) -> Result<Vec<GeoDocument>, EvalError> {
    let bad = |problem: String| EvalError::Format {
        path: PathBuf::from(path),
        problem,
    };
    let xml = strip_comments(xml);
    let mut docs = Vec::new();
    for (index, article) in elements(&xml, "article").into_iter().enumerate() {
        let raw = first(article, text_tag)
            .ok_or_else(|| bad(format!("article {} has no <{text_tag}>", index + 1)))?;
        let text = unescape(
            raw.strip_prefix("<![CDATA[")
                .and_then(|t| t.strip_suffix("]]>"))
                .unwrap_or(raw),
        );
        let mut toponyms = Vec::new();
        for t in elements(article, item) {
            let number = |tag: &str| -> Result<f64, EvalError> {
                first(t, tag)
                    .and_then(|v| v.trim().parse::<f64>().ok())
                    .ok_or_else(|| {
                        bad(format!(
                            "article {}: a <{item}> lacks a numeric <{tag}>",
                            index + 1
                        ))
                    })
            };
            let name = unescape(
                first(t, "phrase")
                    .or_else(|| first(t, "name"))
                    .unwrap_or("")
                    .trim(),
            );
            let (start, end) = (number("start")? as usize, number("end")? as usize);
            let point = match (first(t, "lat"), first(t, "lon")) {
                (Some(_), Some(_)) => Some((number("lat")?, number("lon")?)),
                _ => None,
            };
            // Character offsets to bytes; where the span does not hold the
            // name (GeoVirus counts from 1 on some articles), the nearest
            // occurrence of the name.
            let Some((start, end)) = locate(&text, &name, start, end) else {
                continue;
            };
            toponyms.push(GoldToponym { start, end, point });
        }
        docs.push(GeoDocument {
            index,
            text,
            toponyms,
        });
    }
    if docs.is_empty() {
        return Err(bad("no <article> found".into()));
    }
    Ok(docs)
}

/// The XML without its comments (GeoVirus ends in a commented-out
/// template article).
fn strip_comments(xml: &str) -> String {
    let mut out = String::with_capacity(xml.len());
    let mut rest = xml;
    while let Some(i) = rest.find("<!--") {
        out.push_str(&rest[..i]);
        match rest[i..].find("-->") {
            Some(j) => rest = &rest[i + j + 3..],
            None => {
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// Byte span of `name` at or near character offsets `start..end`.
fn locate(text: &str, name: &str, start: usize, end: usize) -> Option<(usize, usize)> {
    let byte = |c: usize| text.char_indices().nth(c).map_or(text.len(), |(b, _)| b);
    let (s, e) = (byte(start), byte(end));
    if text.get(s..e) == Some(name) || name.is_empty() {
        return (s < e && e <= text.len()).then_some((s, e));
    }
    text.match_indices(name)
        .map(|(b, _)| b)
        .min_by_key(|b| b.abs_diff(s))
        .filter(|b| b.abs_diff(s) <= 40)
        .map(|b| (b, b + name.len()))
}

/// The inner texts of every `<tag …>…</tag>` in `xml`.
fn elements<'a>(xml: &'a str, tag: &str) -> Vec<&'a str> {
    let open = format!("<{tag}");
    let close = format!("</{tag}>");
    let mut out = Vec::new();
    let mut rest = xml;
    while let Some(i) = rest.find(&open) {
        let after = &rest[i + open.len()..];
        if !after.starts_with(['>', ' ', '\n', '\t']) {
            rest = after;
            continue;
        }
        let Some(gt) = after.find('>') else { break };
        let body = &after[gt + 1..];
        let Some(j) = body.find(&close) else { break };
        out.push(&body[..j]);
        rest = &body[j + close.len()..];
    }
    out
}

fn first<'a>(xml: &'a str, tag: &str) -> Option<&'a str> {
    elements(xml, tag).into_iter().next()
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

/// The article analysed for a document: its text exactly, one paragraph
/// per line, so gold offsets stay valid.
pub fn article(doc: &GeoDocument) -> Article {
    let mut article = Article {
        text: doc.text.clone(),
        ..Article::default()
    };
    let mut at = 0;
    for line in doc.text.split('\n') {
        if !line.trim().is_empty() {
            article.paragraphs.push(Block {
                start: at,
                end: at + line.len(),
                kind: BlockKind::Paragraph,
            });
        }
        at += line.len() + 1;
    }
    article
}

/// Scores of one system over a set of documents.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct GeoScores {
    /// Gold toponyms.
    pub gold: usize,
    /// Predicted toponym mentions.
    pub predicted: usize,
    /// Geotagging by span overlap (one-to-one).
    pub geotagging: Prf,
    /// Gold toponyms with coordinates that were found.
    pub found: usize,
    /// Share of those resolved within 161 km.
    pub accuracy_161: f64,
    /// Area under the curve of normalized log errors (lower is better).
    pub auc: f64,
    /// Median error, km.
    pub median_km: f64,
}

/// The report of `chancery eval geo`.
#[derive(Debug, Clone, serde::Serialize)]
pub struct GeoReport {
    /// The set.
    pub set: String,
    /// Documents.
    pub documents: usize,
    /// chancery's analysis.
    pub chancery: GeoScores,
    /// Most populous feature of the gold span's name, given the gold spans.
    pub population_baseline: GeoScores,
    /// chancery's accuracy@161 per fold (documents by [`fold_of`]).
    pub fold_accuracy_161: Vec<f64>,
    /// Mean and spread of those.
    pub fold_mean_spread: (f64, f64),
    /// Fold geotagging F1.
    pub fold_f1: Vec<f64>,
    /// Mean and spread of those.
    pub fold_f1_mean_spread: (f64, f64),
}

/// Per-toponym outcomes of one document: (found, error km if resolved).
struct DocOutcome {
    predicted: usize,
    matched_predictions: usize,
    found_gold: usize,
    gold: usize,
    errors: Vec<Option<f64>>,
}

/// Scores analyses (one per document, in order).
pub fn score(docs: &[GeoDocument], analyses: &[Analysis], set: &str) -> GeoReport {
    let outcomes: Vec<DocOutcome> = docs
        .iter()
        .zip(analyses)
        .map(|(doc, analysis)| score_document(doc, analysis))
        .collect();
    let baseline: Vec<DocOutcome> = docs.iter().map(population_baseline).collect();
    let mut fold_accuracy = Vec::new();
    let mut fold_f1 = Vec::new();
    for fold in 0..FOLDS {
        let part: Vec<&DocOutcome> = outcomes
            .iter()
            .zip(docs)
            .filter(|(_, d)| fold_of(d) == fold)
            .map(|(o, _)| o)
            .collect();
        let s = aggregate(&part);
        fold_accuracy.push(s.accuracy_161);
        fold_f1.push(s.geotagging.f1);
    }
    GeoReport {
        set: set.to_string(),
        documents: docs.len(),
        chancery: aggregate(&outcomes.iter().collect::<Vec<_>>()),
        population_baseline: aggregate(&baseline.iter().collect::<Vec<_>>()),
        fold_mean_spread: mean_and_spread(&fold_accuracy),
        fold_accuracy_161: fold_accuracy,
        fold_f1_mean_spread: mean_and_spread(&fold_f1),
        fold_f1,
    }
}

fn overlaps(a: (usize, usize), b: (usize, usize)) -> bool {
    a.0 < b.1 && b.0 < a.1
}

/// Every place mention in the body with its place, in text order.
fn body_mentions(analysis: &Analysis) -> Vec<((usize, usize), &chancery_model::Geo)> {
    let mut predicted: Vec<((usize, usize), &chancery_model::Geo)> = analysis
        .places
        .iter()
        .flat_map(|p| {
            p.mentions
                .iter()
                .filter(|m| m.span.field == TextField::Text)
                .map(move |m| ((m.span.start, m.span.end), &p.geo))
        })
        .collect();
    predicted.sort_by_key(|(s, _)| *s);
    predicted
}

/// For each gold toponym, the first unmatched predicted mention that
/// overlaps it (one-to-one, in gold order).
fn match_gold(
    doc: &GeoDocument,
    predicted: &[((usize, usize), &chancery_model::Geo)],
) -> Vec<Option<usize>> {
    let mut used = vec![false; predicted.len()];
    doc.toponyms
        .iter()
        .map(|gold| {
            let hit = (0..predicted.len())
                .find(|&i| !used[i] && overlaps(predicted[i].0, (gold.start, gold.end)));
            if let Some(i) = hit {
                used[i] = true;
            }
            hit
        })
        .collect()
}

fn score_document(doc: &GeoDocument, analysis: &Analysis) -> DocOutcome {
    let predicted = body_mentions(analysis);
    let matched = match_gold(doc, &predicted);
    let errors = doc
        .toponyms
        .iter()
        .zip(&matched)
        .filter_map(|(gold, hit)| {
            let (lat, lon) = gold.point?;
            let geo = predicted[(*hit)?].1;
            Some(Some(distance_km(lat, lon, geo.lat, geo.lon)))
        })
        .collect();
    let found_gold = matched.iter().flatten().count();
    DocOutcome {
        predicted: predicted.len(),
        matched_predictions: found_gold,
        found_gold,
        gold: doc.toponyms.len(),
        errors,
    }
}

/// Per document, what went wrong: gold toponyms not found, predicted
/// mentions that are no gold toponym, and toponyms resolved more than
/// 161 km away (with the feature chosen and the error).
pub fn explain(docs: &[GeoDocument], analyses: &[Analysis]) -> Vec<String> {
    let mut lines = Vec::new();
    for (doc, analysis) in docs.iter().zip(analyses) {
        let predicted = body_mentions(analysis);
        let matched = match_gold(doc, &predicted);
        for (gold, hit) in doc.toponyms.iter().zip(&matched) {
            let name = &doc.text[gold.start..gold.end];
            match (hit, gold.point) {
                (None, _) => lines.push(format!("doc {} MISS {name:?}", doc.index)),
                (Some(i), Some((lat, lon))) => {
                    let geo = predicted[*i].1;
                    let km = distance_km(lat, lon, geo.lat, geo.lon);
                    if km > RADIUS_KM {
                        lines.push(format!(
                            "doc {} WRONG {name:?} -> {} ({}) {km:.0} km; gold {lat},{lon}",
                            doc.index, geo.full_name, geo.feature_code
                        ));
                    }
                }
                (Some(_), None) => {}
            }
        }
        for (i, ((s, e), geo)) in predicted.iter().enumerate() {
            if !matched.contains(&Some(i)) {
                lines.push(format!(
                    "doc {} EXTRA {:?} -> {}",
                    doc.index,
                    &doc.text[*s..*e],
                    geo.full_name
                ));
            }
        }
    }
    lines
}

/// Every gold span resolved to the most populous feature of its name (a
/// country or division has its population or none; no context at all).
fn population_baseline(doc: &GeoDocument) -> DocOutcome {
    let g = Gazetteer::builtin();
    let mut errors = Vec::new();
    for gold in &doc.toponyms {
        let Some((lat, lon)) = gold.point else {
            continue;
        };
        let name = &doc.text[gold.start..gold.end];
        let best = g
            .lookup(name)
            .filter(|(_, f, _)| f.kind != Kind::Continent || f.population > 0)
            .max_by_key(|(i, f, _)| (f.population, std::cmp::Reverse(*i)));
        errors.push(best.map(|(_, f, _)| distance_km(lat, lon, f.lat, f.lon)));
    }
    DocOutcome {
        predicted: doc.toponyms.len(),
        matched_predictions: doc.toponyms.len(),
        found_gold: doc.toponyms.len(),
        gold: doc.toponyms.len(),
        errors,
    }
}

fn aggregate(outcomes: &[&DocOutcome]) -> GeoScores {
    let predicted: usize = outcomes.iter().map(|o| o.predicted).sum();
    let matched: usize = outcomes.iter().map(|o| o.matched_predictions).sum();
    let gold: usize = outcomes.iter().map(|o| o.gold).sum();
    let found_gold: usize = outcomes.iter().map(|o| o.found_gold).sum();
    let ratio = |a: usize, b: usize| if b == 0 { 0.0 } else { a as f64 / b as f64 };
    // An unresolved toponym is as wrong as can be.
    let mut errors: Vec<f64> = outcomes
        .iter()
        .flat_map(|o| o.errors.iter().map(|e| e.unwrap_or(MAX_ERROR_KM)))
        .collect();
    errors.sort_by(f64::total_cmp);
    GeoScores {
        gold,
        predicted,
        geotagging: Prf::new(ratio(matched, predicted), ratio(found_gold, gold)),
        found: errors.len(),
        accuracy_161: ratio(
            errors.iter().filter(|e| **e <= RADIUS_KM).count(),
            errors.len(),
        ),
        auc: auc(&errors),
        median_km: errors.get(errors.len() / 2).copied().unwrap_or(0.0),
    }
}

/// Area under the sorted curve of ln(1 + error) / ln(20039), by the
/// trapezoid rule over unit steps, normalized to [0, 1].
pub fn auc(sorted_errors: &[f64]) -> f64 {
    if sorted_errors.len() < 2 {
        return sorted_errors
            .first()
            .map_or(0.0, |e| (1.0 + e).ln() / MAX_ERROR_KM.ln());
    }
    let y: Vec<f64> = sorted_errors.iter().map(|e| (1.0 + e).ln()).collect();
    let area: f64 = y.windows(2).map(|w| (w[0] + w[1]) / 2.0).sum();
    area / (MAX_ERROR_KM.ln() * (y.len() - 1) as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = r#"<articles><article><text>Rain in Paris &amp; Lyon.</text><locations>
<location><name>Paris</name><start>8</start><end>13</end><lat>48.85</lat><lon>2.35</lon></location>
<location><name>Lyon</name><start>17</start><end>21</end><lat>45.75</lat><lon>4.85</lon></location>
</locations></article></articles>"#;

    #[test]
    fn parses_and_repairs_offsets() {
        let docs = parse(SAMPLE, "location", "text", Path::new("s.xml")).unwrap();
        assert_eq!(docs[0].text, "Rain in Paris & Lyon.");
        let spans: Vec<&str> = docs[0]
            .toponyms
            .iter()
            .map(|t| &docs[0].text[t.start..t.end])
            .collect();
        // Lyon's offsets were off by one; the name nearby is taken.
        assert_eq!(spans, ["Paris", "Lyon"]);
    }

    #[test]
    fn folds_follow_the_text_not_the_position() {
        let doc = |index: usize, text: &str| GeoDocument {
            index,
            text: text.into(),
            toponyms: Vec::new(),
        };
        let texts: Vec<String> = (0..200).map(|i| format!("Report {i} from Lyon.")).collect();
        let folds: Vec<usize> = texts.iter().map(|t| fold_of(&doc(0, t))).collect();
        assert_eq!(
            fold_of(&doc(7, &texts[3])),
            folds[3],
            "the position plays no part"
        );
        for fold in 0..FOLDS {
            let n = folds.iter().filter(|&&f| f == fold).count();
            assert!((20..=60).contains(&n), "fold {fold} holds {n} of 200");
        }
    }

    #[test]
    fn bad_input_names_the_file() {
        let err = parse("<articles/>", "location", "text", Path::new("s.xml")).unwrap_err();
        assert!(err.to_string().contains("s.xml"), "{err}");
    }

    #[test]
    fn scores_spans_and_errors() {
        let docs = parse(SAMPLE, "location", "text", Path::new("s.xml")).unwrap();
        let mut analysis = Analysis::from_article(article(&docs[0]));
        let g = Gazetteer::builtin();
        let (paris, _, _) = g
            .lookup("Paris")
            .max_by_key(|(_, f, _)| f.population)
            .unwrap();
        analysis.places.push(chancery_model::Place {
            id: "g1".into(),
            entity: None,
            geo: g.geo(paris),
            mentions: vec![chancery_model::PlaceMention {
                span: chancery_model::Span {
                    start: 8,
                    end: 13,
                    field: TextField::Text,
                },
                metonymy: false,
            }],
        });
        let report = score(&docs, &[analysis], "sample");
        let s = &report.chancery;
        assert_eq!((s.gold, s.predicted, s.found), (2, 1, 1));
        assert!((s.geotagging.precision - 1.0).abs() < 1e-9);
        assert!((s.geotagging.recall - 0.5).abs() < 1e-9);
        assert!((s.accuracy_161 - 1.0).abs() < 1e-9);
        assert_eq!(report.population_baseline.found, 2);
    }

    #[test]
    fn auc_bounds() {
        assert!(auc(&[0.0, 0.0]) < 1e-9);
        assert!((auc(&[MAX_ERROR_KM, MAX_ERROR_KM]) - 1.0).abs() < 1e-4);
    }
}
