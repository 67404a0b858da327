//! Quote attribution on PolNeAR (`../shared/bench/quotes/polnear`): for each
//! gold attribution, a predicted quote matches when their content spans
//! overlap. Recall is the share of gold attributions matched; precision the
//! gold attributions matched per prediction (each gold attribution vouches for
//! one prediction at most, so a quote split in two counts once); speaker
//! accuracy is over the matched pairs (the predicted speaker span overlaps the
//! gold source span, or the predicted speaker entity has a mention that
//! does). Direct quotes — gold contents that open with a quotation mark,
//! predicted quotes of kind `direct` — are scored again on their own, as is
//! indirect speech; a slice leaves out predictions that overlap gold of the
//! other slice.

use std::ops::Range;
use std::path::{Path, PathBuf};
use std::time::Instant;

use chancery_extract::{extract, Format, Input, Options};
use chancery_model::{Analysis, QuoteKind};
use serde::Serialize;

use crate::EvalError;

/// One gold attribution, in byte offsets of the article text.
#[derive(Debug, Clone)]
pub struct GoldAttribution {
    /// Content fragments (PolNeAR contents may be discontinuous).
    pub content: Vec<Range<usize>>,
    /// Source fragments, when annotated.
    pub source: Vec<Range<usize>>,
    /// True when the content opens with a quotation mark.
    pub direct: bool,
}

/// One PolNeAR article with its gold attributions.
#[derive(Debug, Clone)]
pub struct PolnearDocument {
    /// File stem.
    pub name: String,
    /// The article text.
    pub text: String,
    /// Gold attributions of one annotator.
    pub gold: Vec<GoldAttribution>,
}

/// The folder of a split.
pub fn split_dir(bench: &Path, set: &str) -> Result<PathBuf, EvalError> {
    let split = match set {
        "polnear" | "polnear-dev" => "dev",
        "polnear-train" => "train",
        _ => {
            return Err(EvalError::UnknownSet(
                set.to_string(),
                "polnear, polnear-train",
            ))
        }
    };
    Ok(bench
        .join("quotes")
        .join("polnear")
        .join("data")
        .join(split))
}

fn read(path: &Path) -> Result<String, EvalError> {
    std::fs::read_to_string(path).map_err(|source| EvalError::Read {
        path: path.to_path_buf(),
        source,
    })
}

/// Reads a split: every text with the first (by name) annotator's file.
pub fn load_polnear(dir: &Path) -> Result<Vec<PolnearDocument>, EvalError> {
    let texts = dir.join("text");
    let annotations = dir.join("attributions");
    let list = |folder: &Path| -> Result<Vec<PathBuf>, EvalError> {
        let mut files: Vec<PathBuf> = std::fs::read_dir(folder)
            .map_err(|source| EvalError::Read {
                path: folder.to_path_buf(),
                source,
            })?
            .flatten()
            .map(|e| e.path())
            .collect();
        files.sort();
        Ok(files)
    };
    let ann_files = list(&annotations)?;
    let mut documents = Vec::new();
    for text_path in list(&texts)? {
        let Some(stem) = text_path.file_stem().and_then(|s| s.to_str()) else {
            continue;
        };
        let prefix = format!("{stem}_");
        let Some(ann) = ann_files.iter().find(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with(&prefix) && n.ends_with(".ann"))
        }) else {
            continue;
        };
        let text = read(&text_path)?;
        let gold = parse_brat(&text, &read(ann)?).map_err(|(line, problem)| EvalError::Format {
            path: ann.clone(),
            problem: format!("line {line}: {problem}"),
        })?;
        documents.push(PolnearDocument {
            name: stem.to_string(),
            text,
            gold,
        });
    }
    Ok(documents)
}

/// Parses brat standoff (character offsets) into attributions over `text`.
pub fn parse_brat(text: &str, ann: &str) -> Result<Vec<GoldAttribution>, (usize, String)> {
    // Character offset → byte offset.
    let mut bytes: Vec<usize> = text.char_indices().map(|(b, _)| b).collect();
    bytes.push(text.len());
    let to_byte = |c: usize| bytes.get(c).copied();
    let mut spans: std::collections::HashMap<&str, Vec<Range<usize>>> = Default::default();
    let mut relations = Vec::new();
    for (number, line) in ann.lines().enumerate() {
        let fields: Vec<&str> = line.split('\t').collect();
        let Some(id) = fields.first() else { continue };
        // A span's text may run over several lines; those continuation lines
        // carry no annotation.
        let is_id = id.len() > 1
            && id.starts_with(['T', 'E', 'A', 'R', 'N', '#'])
            && id[1..].bytes().all(|b| b.is_ascii_digit());
        if !is_id || fields.len() < 2 {
            continue;
        }
        if id.starts_with('T') {
            let spec = fields
                .get(1)
                .ok_or((number + 1, "a T line without a span".to_string()))?;
            let mut parts = spec.splitn(2, ' ');
            let _kind = parts.next();
            let offsets = parts
                .next()
                .ok_or((number + 1, "a T line without offsets".to_string()))?;
            let mut fragments = Vec::new();
            for fragment in offsets.split(';') {
                let mut numbers = fragment.split_whitespace().map(str::parse::<usize>);
                let (Some(Ok(a)), Some(Ok(b))) = (numbers.next(), numbers.next()) else {
                    return Err((number + 1, format!("bad offsets {fragment:?}")));
                };
                let (Some(a), Some(b)) = (to_byte(a), to_byte(b)) else {
                    return Err((number + 1, "offsets beyond the text".to_string()));
                };
                fragments.push(a..b);
            }
            spans.insert(id, fragments);
        } else if id.starts_with('E') {
            relations.push((number + 1, fields.get(1).copied().unwrap_or("")));
        }
    }
    let mut gold = Vec::new();
    for (number, relation) in relations {
        let mut content = None;
        let mut source = Vec::new();
        for part in relation.split_whitespace() {
            let Some((role, target)) = part.split_once(':') else {
                continue;
            };
            let fragments = spans
                .get(target)
                .ok_or((number, format!("relation names an unknown span {target}")))?;
            match role {
                "Content" => content = Some(fragments.clone()),
                "Source" => source = fragments.clone(),
                _ => {}
            }
        }
        if let Some(content) = content {
            let first = content.first().map_or("", |r| &text[r.clone()]);
            let direct = first
                .trim_start()
                .starts_with(['\u{201c}', '"', '\u{2018}', '\u{ab}']);
            gold.push(GoldAttribution {
                content,
                source,
                direct,
            });
        }
    }
    Ok(gold)
}

/// Scores of one slice (all attributions, or direct quotes only).
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct QuoteScore {
    /// Gold attributions.
    pub gold: usize,
    /// Predicted quotes.
    pub predicted: usize,
    /// Gold attributions matched by a prediction.
    pub gold_matched: usize,
    /// Predictions that match a gold attribution, one per gold attribution
    /// at most (per article).
    pub predicted_matched: usize,
    /// predicted_matched / predicted.
    pub precision: f64,
    /// gold_matched / gold.
    pub recall: f64,
    /// Harmonic mean.
    pub f1: f64,
    /// Matched pairs whose gold attribution names a source.
    pub speaker_pairs: usize,
    /// …of which the predicted speaker is right.
    pub speaker_correct: usize,
    /// speaker_correct / speaker_pairs.
    pub speaker_accuracy: f64,
}

impl QuoteScore {
    fn finish(mut self) -> QuoteScore {
        let ratio = |a: usize, b: usize| if b == 0 { 0.0 } else { a as f64 / b as f64 };
        self.precision = ratio(self.predicted_matched, self.predicted);
        self.recall = ratio(self.gold_matched, self.gold);
        let sum = self.precision + self.recall;
        self.f1 = if sum > 0.0 {
            2.0 * self.precision * self.recall / sum
        } else {
            0.0
        };
        self.speaker_accuracy = ratio(self.speaker_correct, self.speaker_pairs);
        self
    }
}

/// The report of `chancery eval quotes`.
#[derive(Debug, Clone, Serialize)]
pub struct QuoteReport {
    /// The set.
    pub set: String,
    /// Articles.
    pub documents: usize,
    /// Every attribution.
    pub all: QuoteScore,
    /// Direct quotes only.
    pub direct: QuoteScore,
    /// Indirect speech only (gold contents not opening with a mark; predicted
    /// indirect and partial quotes).
    pub indirect: QuoteScore,
    /// Analysis time over the set (one thread, median of passes).
    pub seconds: f64,
    /// Articles per second.
    pub articles_per_second: f64,
}

fn overlaps(a: &Range<usize>, b: &Range<usize>) -> bool {
    a.start < b.end && b.start < a.end
}

fn overlap_len(a: &Range<usize>, b: &Range<usize>) -> usize {
    a.end.min(b.end).saturating_sub(a.start.max(b.start))
}

/// Analyzes every document (body only, so offsets are the file's) and scores it.
pub fn evaluate(
    set: &str,
    documents: &[PolnearDocument],
    analyzer: &chancery_nlp::Analyzer,
    passes: usize,
) -> QuoteReport {
    let articles: Vec<_> = documents
        .iter()
        .filter_map(|d| {
            let input = Input {
                bytes: d.text.as_bytes(),
                ..Input::default()
            };
            let options = Options {
                body_only: true,
                format: Some(Format::Text),
                ..Options::default()
            };
            extract(&input, &options).ok()
        })
        .collect();
    let mut times = Vec::new();
    let mut analyses: Vec<Analysis> = Vec::new();
    for _ in 0..passes.max(1) {
        let copies = articles.clone();
        let started = Instant::now();
        analyses = copies.into_iter().map(|a| analyzer.analyze(a)).collect();
        times.push(started.elapsed().as_secs_f64());
    }
    times.sort_by(f64::total_cmp);
    let seconds = times[times.len() / 2];
    let mut all = QuoteScore::default();
    let mut direct = QuoteScore::default();
    let mut indirect = QuoteScore::default();
    for (document, analysis) in documents.iter().zip(&analyses) {
        score(document, analysis, |_| true, |_| true, &mut all);
        score(
            document,
            analysis,
            |g| g.direct,
            |k| k == QuoteKind::Direct,
            &mut direct,
        );
        score(
            document,
            analysis,
            |g| !g.direct,
            |k| k != QuoteKind::Direct,
            &mut indirect,
        );
    }
    QuoteReport {
        set: set.to_string(),
        documents: documents.len(),
        all: all.finish(),
        direct: direct.finish(),
        indirect: indirect.finish(),
        seconds,
        articles_per_second: documents.len() as f64 / seconds.max(1e-9),
    }
}

fn score(
    document: &PolnearDocument,
    analysis: &Analysis,
    gold_filter: impl Fn(&GoldAttribution) -> bool,
    kind_filter: impl Fn(QuoteKind) -> bool,
    out: &mut QuoteScore,
) {
    let overlaps_gold = |q: &chancery_model::Quote, g: &GoldAttribution| {
        let span = q.span.start..q.span.end;
        g.content.iter().any(|c| overlaps(c, &span))
    };
    let gold: Vec<_> = document.gold.iter().filter(|g| gold_filter(g)).collect();
    let other: Vec<_> = document.gold.iter().filter(|g| !gold_filter(g)).collect();
    let predicted: Vec<_> = analysis
        .quotes
        .iter()
        .filter(|q| kind_filter(q.kind) && !other.iter().any(|g| overlaps_gold(q, g)))
        .collect();
    out.gold += gold.len();
    out.predicted += predicted.len();
    let overlapping = predicted
        .iter()
        .filter(|q| gold.iter().any(|g| overlaps_gold(q, g)))
        .count();
    let matched_before = out.gold_matched;
    for g in gold {
        let best = predicted
            .iter()
            .map(|p| {
                let span = p.span.start..p.span.end;
                (
                    g.content
                        .iter()
                        .map(|c| overlap_len(c, &span))
                        .sum::<usize>(),
                    p,
                )
            })
            .filter(|(overlap, _)| *overlap > 0)
            .max_by_key(|(overlap, _)| *overlap);
        let Some((_, p)) = best else { continue };
        out.gold_matched += 1;
        if g.source.is_empty() {
            continue;
        }
        out.speaker_pairs += 1;
        let by_span = match (p.speaker_start, p.speaker_end) {
            (Some(s), Some(e)) => g.source.iter().any(|src| overlaps(src, &(s..e))),
            _ => false,
        };
        let by_entity = p.speaker.as_ref().is_some_and(|id| {
            analysis.entities.iter().any(|e| {
                &e.id == id
                    && e.mentions.iter().any(|m| {
                        m.span.field == chancery_model::TextField::Text
                            && g.source
                                .iter()
                                .any(|src| overlaps(src, &(m.span.start..m.span.end)))
                    })
            })
        });
        if by_span || by_entity {
            out.speaker_correct += 1;
        }
    }
    out.predicted_matched += overlapping.min(out.gold_matched - matched_before);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn brat_offsets_are_characters() {
        let text = "“Yes,” said Zoë Ann.";
        let ann = "T1\tContent 0 6\t“Yes,”\nT2\tSource 12 19\tZoë Ann\nT3\tCue 7 11\tsaid\nE1\tAttribution:T3 Content:T1 Source:T2 Cue:T3\n";
        let gold = parse_brat(text, ann).unwrap();
        assert_eq!(gold.len(), 1);
        assert!(gold[0].direct);
        assert_eq!(&text[gold[0].source[0].clone()], "Zoë Ann");
        assert_eq!(&text[gold[0].content[0].clone()], "“Yes,”");
    }

    #[test]
    fn span_text_over_several_lines_is_skipped() {
        let text = "ab\ncd said X";
        let ann = "T1\tContent 0 5\tab\ncd\nT2\tSource 11 12\tX\nE1\tAttribution:T1 Content:T1 Source:T2\n";
        let gold = parse_brat(text, ann).unwrap();
        assert_eq!(gold.len(), 1);
        assert_eq!(gold[0].source, vec![11..12]);
    }

    #[test]
    fn discontinuous_contents_and_errors() {
        let text = "abcdefghij";
        let gold = parse_brat(
            text,
            "T1\tContent 0 2;4 6\tab ef\nE1\tAttribution:T1 Content:T1\n",
        )
        .unwrap();
        assert_eq!(gold[0].content, vec![0..2, 4..6]);
        assert!(gold[0].source.is_empty());
        assert!(parse_brat(text, "T1\tContent 0 99\tx\n").is_err());
    }
}
