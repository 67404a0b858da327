//! `chancery eval extraction --cv K`: extraction scores over folds of sites.
//!
//! The held-out pages of the benchmarks come from the same sources as the dev
//! pages but from other sites, so a rule that only fits the sites it was
//! written for shows up as a gap between dev and held-out scores. Here the dev
//! pages of both sets are dealt into folds by site (a site's pages always sit
//! in one fold, whichever set they come from), and every score is reported
//! per fold with the mean and spread over folds: a change that raises the
//! mean in most folds generalizes; one that helps one fold and hurts others
//! does not.
//!
//! One slice of the sites — [`HOLDOUT_PERCENT`] of them, chosen by a hash of
//! the site — is left out of the folds altogether and scored only on request
//! ([`Slice::Holdout`]), so that there is one set of pages no decision was
//! taken on.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::extraction::PageScore;
use crate::metrics::Prf;

/// Share of the sites, in percent, kept out of every fold.
pub const HOLDOUT_PERCENT: u64 = 20;

/// Where a site's pages go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Slice {
    /// The untouched slice, scored only on request.
    Holdout,
    /// One of the cross-validation folds.
    Fold(usize),
}

/// A stable 64-bit hash of a site name (FNV-1a, then the SplitMix64 finisher
/// so that neighbouring names land far apart). Fixed here rather than taken
/// from a hashing crate so that folds never move with a dependency upgrade.
fn site_hash(site: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in site.as_bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h = (h ^ (h >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    h = (h ^ (h >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    h ^ (h >> 31)
}

/// The slice of a site for `folds` folds (`folds` ≥ 1). The holdout slice
/// does not depend on `folds`.
pub fn slice_of(site: &str, folds: usize) -> Slice {
    let h = site_hash(site);
    if h % 100 < HOLDOUT_PERCENT {
        Slice::Holdout
    } else {
        Slice::Fold(((h / 100) % folds.max(1) as u64) as usize)
    }
}

/// One scored page, as saved by `--save` and read back by `--compare`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PageRecord {
    /// `scrapinghub` or `wcxb`.
    pub set: String,
    /// The benchmark's id of the page.
    pub id: String,
    /// The site (registrable domain); the page's set and id when unknown.
    pub site: String,
    /// The gold page type.
    pub page_type: String,
    /// The page type the extractor recognized, if it says.
    pub predicted_type: Option<String>,
    /// The page's precision under its set's metric.
    pub precision: f64,
    /// The page's recall.
    pub recall: f64,
    /// The page's F1.
    pub f1: f64,
    /// What the extractor based `predicted_type` on.
    #[serde(default)]
    pub evidence: Vec<(String, String)>,
}

impl PageRecord {
    /// A record of one page of `set` as [`crate::extraction::evaluate_pages`] scored it.
    pub fn new(set: &str, score: &PageScore) -> PageRecord {
        let site = if score.site.is_empty() {
            format!("{set}:{}", score.id)
        } else {
            score.site.clone()
        };
        PageRecord {
            set: set.to_string(),
            id: score.id.clone(),
            site,
            page_type: score.page_type.clone(),
            predicted_type: score.predicted_type.clone(),
            precision: score.score.precision,
            recall: score.score.recall,
            f1: score.score.f1,
            evidence: score.evidence.clone(),
        }
    }
}

/// The corpus score of some pages of one set, by the set's own convention:
/// Scrapinghub's F1 comes from the mean precision and recall, WCXB's is the
/// mean of the pages' F1.
fn corpus_f1(set: &str, pages: &[&PageRecord]) -> f64 {
    if set == "scrapinghub" {
        Prf::mean_of(pages.iter().map(|p| (p.precision, p.recall))).f1
    } else {
        Prf::mean_of_pages(pages.iter().map(|p| Prf::new(p.precision, p.recall))).f1
    }
}

/// The score of one group of pages in one fold.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct FoldScore {
    /// Pages of the group in the fold.
    pub pages: usize,
    /// Their score (F1 under the set's metric, or accuracy for page types).
    pub score: f64,
}

/// One group of pages (a set, or one page type of a set) over the folds.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GroupScore {
    /// `scrapinghub`, `wcxb`, or `wcxb:<page type>`; `page_type` for the
    /// accuracy of page-type recognition on WCXB.
    pub group: String,
    /// Per fold; `None` where the fold has no page of the group.
    pub folds: Vec<Option<FoldScore>>,
    /// Mean of the fold scores (folds with pages).
    pub mean: f64,
    /// Sample standard deviation of the fold scores.
    pub spread: f64,
    /// Lowest fold score.
    pub min: f64,
    /// The score of all the group's pages in the folds taken together.
    pub pooled: f64,
    /// Pages in the folds.
    pub pages: usize,
}

/// A confusion matrix of page types: gold type → recognized type → pages.
pub type Confusion = BTreeMap<String, BTreeMap<String, usize>>;

/// What `--cv` reports.
#[derive(Debug, Clone, Serialize)]
pub struct CvReport {
    /// Number of folds.
    pub folds: usize,
    /// Sites per fold.
    pub sites: Vec<usize>,
    /// Share of sites kept out, in percent.
    pub holdout_percent: u64,
    /// Every group, sets first, then their page types, then page-type accuracy.
    pub groups: Vec<GroupScore>,
    /// Page-type recognition on the WCXB pages of the folds.
    pub confusion: Confusion,
    /// The same groups on the untouched slice (one pooled score each), when
    /// asked for.
    pub holdout: Option<Vec<(String, FoldScore)>>,
}

impl CvReport {
    /// The fold mean of a group, for floors.
    pub fn mean_of(&self, group: &str) -> Option<f64> {
        self.groups
            .iter()
            .find(|g| g.group == group)
            .map(|g| g.mean)
    }
}

/// A group of pages: a whole set, or one page type of a set.
struct Group {
    name: String,
    set: String,
    page_type: Option<String>,
}

impl Group {
    fn holds(&self, r: &PageRecord) -> bool {
        r.set == self.set && self.page_type.as_ref().is_none_or(|t| *t == r.page_type)
    }

    fn of<'r>(&self, records: &[&'r PageRecord]) -> Vec<&'r PageRecord> {
        records.iter().copied().filter(|r| self.holds(r)).collect()
    }
}

/// The groups of some records: each set, then each page type of a set that
/// has several.
fn groups(records: &[&PageRecord]) -> Vec<Group> {
    let mut types: BTreeMap<&str, std::collections::BTreeSet<&str>> = BTreeMap::new();
    for r in records {
        types.entry(&r.set).or_default().insert(&r.page_type);
    }
    let mut out = Vec::new();
    for (set, kinds) in types {
        out.push(Group {
            name: set.to_string(),
            set: set.to_string(),
            page_type: None,
        });
        if kinds.len() > 1 {
            for kind in kinds {
                out.push(Group {
                    name: format!("{set}:{kind}"),
                    set: set.to_string(),
                    page_type: Some(kind.to_string()),
                });
            }
        }
    }
    out
}

/// Share of WCXB pages whose recognized type is the gold one (pages with no
/// recognized type are left out; `None` when there are none).
fn type_accuracy(pages: &[&PageRecord]) -> Option<(usize, f64)> {
    let judged: Vec<&&PageRecord> = pages
        .iter()
        .filter(|p| p.set == "wcxb" && p.predicted_type.is_some())
        .collect();
    if judged.is_empty() {
        return None;
    }
    let right = judged
        .iter()
        .filter(|p| p.predicted_type.as_deref() == Some(p.page_type.as_str()))
        .count();
    Some((judged.len(), right as f64 / judged.len() as f64))
}

fn summarize(
    group: String,
    per_fold: Vec<Option<FoldScore>>,
    pooled: f64,
    pages: usize,
) -> GroupScore {
    let scores: Vec<f64> = per_fold.iter().flatten().map(|f| f.score).collect();
    let (mean, spread) = crate::metrics::mean_and_spread(&scores);
    let min = scores.iter().copied().fold(f64::INFINITY, f64::min);
    GroupScore {
        group,
        folds: per_fold,
        mean,
        spread,
        min: if min.is_finite() { min } else { 0.0 },
        pooled,
        pages,
    }
}

/// Scores `records` over `folds` folds of sites (`folds` ≥ 2), leaving the
/// holdout slice out; with `holdout`, scores that slice too.
pub fn cross_validate(records: &[PageRecord], folds: usize, holdout: bool) -> CvReport {
    let folds = folds.max(2);
    let mut in_fold: Vec<Vec<&PageRecord>> = vec![Vec::new(); folds];
    let mut held: Vec<&PageRecord> = Vec::new();
    let mut fold_sites: Vec<std::collections::BTreeSet<&str>> = vec![Default::default(); folds];
    for r in records {
        match slice_of(&r.site, folds) {
            Slice::Holdout => held.push(r),
            Slice::Fold(f) => {
                in_fold[f].push(r);
                fold_sites[f].insert(r.site.as_str());
            }
        }
    }
    let all: Vec<&PageRecord> = in_fold.iter().flatten().copied().collect();
    let mut out = Vec::new();
    for group in groups(&all) {
        let per_fold = in_fold
            .iter()
            .map(|fold| {
                let mine = group.of(fold);
                (!mine.is_empty()).then(|| FoldScore {
                    pages: mine.len(),
                    score: corpus_f1(&group.set, &mine),
                })
            })
            .collect();
        let pages = group.of(&all);
        out.push(summarize(
            group.name,
            per_fold,
            corpus_f1(&group.set, &pages),
            pages.len(),
        ));
    }
    if let Some((judged, pooled)) = type_accuracy(&all) {
        let per_fold = in_fold
            .iter()
            .map(|fold| type_accuracy(fold).map(|(pages, score)| FoldScore { pages, score }))
            .collect();
        out.push(summarize("page_type".into(), per_fold, pooled, judged));
    }
    let mut confusion = Confusion::new();
    for r in all.iter().filter(|r| r.set == "wcxb") {
        if let Some(predicted) = &r.predicted_type {
            *confusion
                .entry(r.page_type.clone())
                .or_default()
                .entry(predicted.clone())
                .or_default() += 1;
        }
    }
    let holdout = holdout.then(|| {
        let mut scores: Vec<(String, FoldScore)> = groups(&held)
            .into_iter()
            .map(|group| {
                let pages = group.of(&held);
                let score = corpus_f1(&group.set, &pages);
                (
                    group.name,
                    FoldScore {
                        pages: pages.len(),
                        score,
                    },
                )
            })
            .collect();
        if let Some((pages, score)) = type_accuracy(&held) {
            scores.push(("page_type".into(), FoldScore { pages, score }));
        }
        scores
    });
    CvReport {
        folds,
        sites: fold_sites.iter().map(|s| s.len()).collect(),
        holdout_percent: HOLDOUT_PERCENT,
        groups: out,
        confusion,
        holdout,
    }
}

/// How one group moved against a baseline, fold by fold.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GroupChange {
    /// The group.
    pub group: String,
    /// Change of each fold's score (`None` where a fold has no such page).
    pub deltas: Vec<Option<f64>>,
    /// Change of the fold mean.
    pub mean_delta: f64,
    /// Folds that went up, and down, by more than 0.0005.
    pub better: usize,
    /// Folds that went down.
    pub worse: usize,
}

/// Compares two cross-validations of the same folds, group by group.
pub fn compare(current: &CvReport, baseline: &CvReport) -> Vec<GroupChange> {
    const NOISE: f64 = 0.0005;
    let mut out = Vec::new();
    for group in &current.groups {
        let Some(base) = baseline.groups.iter().find(|g| g.group == group.group) else {
            continue;
        };
        let deltas: Vec<Option<f64>> = group
            .folds
            .iter()
            .zip(&base.folds)
            .map(|(now, before)| Some(now.as_ref()?.score - before.as_ref()?.score))
            .collect();
        out.push(GroupChange {
            group: group.group.clone(),
            better: deltas.iter().flatten().filter(|d| **d > NOISE).count(),
            worse: deltas.iter().flatten().filter(|d| **d < -NOISE).count(),
            deltas,
            mean_delta: group.mean - base.mean,
        });
    }
    out
}

/// The report as a plain-text table: one row per group with each fold's
/// score, the fold mean ± spread, the lowest fold and the pooled score; with
/// `changes`, each row's per-fold change against the baseline below it; then
/// the page-type confusion matrix and, when scored, the untouched slice.
pub fn render(report: &CvReport, changes: Option<&[GroupChange]>) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    let sites: Vec<String> = report.sites.iter().map(usize::to_string).collect();
    let _ = writeln!(
        out,
        "{} folds by site ({} sites per fold; {}% of sites held out, not in any fold)",
        report.folds,
        sites.join("/"),
        report.holdout_percent
    );
    let _ = write!(out, "{:<22} {:>5}", "group", "pages");
    for f in 0..report.folds {
        let _ = write!(out, " {:>7}", format!("fold {f}"));
    }
    let _ = writeln!(
        out,
        "  {:>15} {:>7} {:>7}",
        "mean ± spread", "min", "pooled"
    );
    for group in &report.groups {
        let _ = write!(out, "{:<22} {:>5}", group.group, group.pages);
        for fold in &group.folds {
            match fold {
                Some(f) => {
                    let _ = write!(out, " {:>7.4}", f.score);
                }
                None => {
                    let _ = write!(out, " {:>7}", "-");
                }
            }
        }
        let _ = writeln!(
            out,
            "  {:>6.4} ± {:.4} {:>7.4} {:>7.4}",
            group.mean, group.spread, group.min, group.pooled
        );
        if let Some(change) = changes.and_then(|c| c.iter().find(|c| c.group == group.group)) {
            let _ = write!(out, "{:<22} {:>5}", "  change", "");
            for delta in &change.deltas {
                match delta {
                    Some(d) => {
                        let _ = write!(out, " {:>+7.4}", d);
                    }
                    None => {
                        let _ = write!(out, " {:>7}", "-");
                    }
                }
            }
            let _ = writeln!(
                out,
                "  {:>+6.4}  up in {}, down in {} of {} folds",
                change.mean_delta,
                change.better,
                change.worse,
                change.deltas.iter().flatten().count()
            );
        }
    }
    if !report.confusion.is_empty() {
        let predicted: std::collections::BTreeSet<&String> = report
            .confusion
            .values()
            .flat_map(|row| row.keys())
            .collect();
        let _ = writeln!(out, "page types on WCXB (rows: gold, columns: recognized)");
        let _ = write!(out, "{:<14}", "");
        for p in &predicted {
            let _ = write!(out, " {:>8}", short(p));
        }
        let _ = writeln!(out, "  recall");
        for (gold, row) in &report.confusion {
            let _ = write!(out, "{:<14}", gold);
            for p in &predicted {
                let _ = write!(out, " {:>8}", row.get(*p).copied().unwrap_or(0));
            }
            let total: usize = row.values().sum();
            let right = row.get(gold).copied().unwrap_or(0);
            let _ = writeln!(out, "  {:.3}", right as f64 / total.max(1) as f64);
        }
    }
    if let Some(held) = &report.holdout {
        let _ = writeln!(
            out,
            "untouched slice ({}% of sites):",
            report.holdout_percent
        );
        for (group, score) in held {
            let _ = writeln!(out, "{:<22} {:>5}  {:.4}", group, score.pages, score.score);
        }
    }
    out
}

/// The groups an ablation table shows.
const ABLATION_GROUPS: [&str; 6] = [
    "scrapinghub",
    "wcxb",
    "wcxb:article",
    "wcxb:listing",
    "wcxb:collection",
    "wcxb:forum",
];

/// The ablation table: for each heuristic switched off, the change of the
/// fold mean of the main groups and in how many folds it went up and down.
/// A heuristic earns its place when switching it off costs in most folds.
pub fn render_ablation(rows: &[(String, Vec<GroupChange>)]) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "without heuristic: change of the fold mean (folds up/down); negative = the heuristic helps"
    );
    let _ = write!(out, "{:<20}", "heuristic off");
    for group in ABLATION_GROUPS {
        let _ = write!(out, " {:>17}", group.trim_start_matches("wcxb:"));
    }
    let _ = writeln!(out);
    for (name, changes) in rows {
        let _ = write!(out, "{name:<20}");
        for group in ABLATION_GROUPS {
            match changes.iter().find(|c| c.group == group) {
                Some(c) => {
                    let _ = write!(out, " {:>+8.4} ({}/{})", c.mean_delta, c.better, c.worse);
                    let _ = write!(out, "{}", " ".repeat(3));
                }
                None => {
                    let _ = write!(out, " {:>17}", "-");
                }
            }
        }
        let _ = writeln!(out);
    }
    out
}

/// A page type cut to fit a column.
fn short(kind: &str) -> &str {
    kind.get(..8).unwrap_or(kind)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(set: &str, id: &str, site: &str, kind: &str, f1: f64) -> PageRecord {
        PageRecord {
            set: set.into(),
            id: id.into(),
            site: site.into(),
            page_type: kind.into(),
            predicted_type: Some(kind.into()),
            precision: f1,
            recall: f1,
            f1,
            evidence: Vec::new(),
        }
    }

    #[test]
    fn a_site_always_lands_in_one_slice() {
        for site in ["example.com", "bbc.co.uk", "a.org"] {
            assert_eq!(slice_of(site, 5), slice_of(site, 5));
        }
        // The holdout slice does not move with the number of folds.
        let sites: Vec<String> = (0..500).map(|i| format!("site{i}.com")).collect();
        for site in &sites {
            assert_eq!(
                slice_of(site, 3) == Slice::Holdout,
                slice_of(site, 7) == Slice::Holdout
            );
        }
        let held = sites
            .iter()
            .filter(|s| slice_of(s, 5) == Slice::Holdout)
            .count();
        assert!((70..=130).contains(&held), "{held} of 500 held out");
    }

    #[test]
    fn folds_are_scored_apart_and_summarized() {
        let mut records = Vec::new();
        for i in 0..200 {
            let site = format!("site{i}.org");
            let f1 = if i % 2 == 0 { 1.0 } else { 0.5 };
            records.push(record("wcxb", &format!("{i}"), &site, "article", f1));
        }
        let report = cross_validate(&records, 4, true);
        assert_eq!(report.folds, 4);
        let wcxb = report.groups.iter().find(|g| g.group == "wcxb").unwrap();
        assert_eq!(wcxb.folds.len(), 4);
        assert!(wcxb.mean > 0.6 && wcxb.mean < 0.9, "{wcxb:?}");
        assert!(wcxb.spread >= 0.0);
        let held = report.holdout.as_ref().unwrap();
        let kept: usize = wcxb.pages;
        assert_eq!(kept + held[0].1.pages, 200);
        assert_eq!(report.mean_of("page_type"), Some(1.0));
    }

    #[test]
    fn scrapinghub_f1_comes_from_mean_precision_and_recall() {
        let mut a = record("scrapinghub", "a", "a.com", "article", 0.0);
        a.precision = 1.0;
        a.recall = 0.5;
        let mut b = record("scrapinghub", "b", "b.com", "article", 0.0);
        b.precision = 0.5;
        b.recall = 1.0;
        assert!((corpus_f1("scrapinghub", &[&a, &b]) - 0.75).abs() < 1e-9);
    }

    #[test]
    fn a_change_is_counted_per_fold() {
        let base: Vec<PageRecord> = (0..100)
            .map(|i| record("wcxb", &i.to_string(), &format!("s{i}.net"), "forum", 0.5))
            .collect();
        let better: Vec<PageRecord> = base
            .iter()
            .map(|r| PageRecord {
                f1: 0.6,
                precision: 0.6,
                recall: 0.6,
                ..r.clone()
            })
            .collect();
        let changes = compare(
            &cross_validate(&better, 3, false),
            &cross_validate(&base, 3, false),
        );
        let forum = changes.iter().find(|c| c.group == "wcxb").unwrap();
        assert_eq!((forum.better, forum.worse), (3, 0));
        assert!((forum.mean_delta - 0.1).abs() < 1e-9);
    }
}
