//! `chancery eval extraction`: body extraction scored on the Scrapinghub
//! article-extraction benchmark and on WCXB, with speed and the worst pages.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::Instant;

use chancery_extract::{extract_with, Heuristic, Heuristics, Input, Options};
use serde::Serialize;
use serde_json::Value;

use crate::metrics::{bag_of_words, normalize_for_match, shingle_overlap, Prf};
use crate::EvalError;

/// The extraction sets this module knows.
pub const SETS: &str = "scrapinghub, wcxb";

/// One benchmark page with its gold answers.
#[derive(Debug, Clone)]
pub struct Page {
    /// The benchmark's id of the page.
    pub id: String,
    /// The page's URL.
    pub url: Option<String>,
    /// The site the page comes from (its registrable domain, see
    /// [`site_of`]): the unit cross-validation keeps whole.
    pub site: String,
    /// The HTML, gunzipped.
    pub html: Vec<u8>,
    /// WCXB page type (`article`, `forum`…); `article` for Scrapinghub.
    pub page_type: String,
    /// The gold main text.
    pub body: String,
    /// Gold title, author and date, where the set has them.
    pub title: Option<String>,
    /// Gold author.
    pub author: Option<String>,
    /// Gold publication date (`YYYY-MM-DD…`).
    pub date: Option<String>,
    /// Snippets that must appear in the extraction.
    pub with: Vec<String>,
    /// Snippets that must not appear.
    pub without: Vec<String>,
}

/// A loaded benchmark set.
#[derive(Debug, Clone)]
pub struct PageSet {
    /// `scrapinghub` or `wcxb`.
    pub name: String,
    /// Its pages, in id order.
    pub pages: Vec<Page>,
}

/// What an extractor returns for a page.
#[derive(Debug, Clone, Default)]
pub struct Extracted {
    /// The main text.
    pub body: String,
    /// The title.
    pub title: Option<String>,
    /// The authors.
    pub authors: Vec<String>,
    /// The publication date, ISO 8601.
    pub date: Option<String>,
    /// The kind of page the extractor took it for (`article`, `forum`,
    /// `listing`…), when it says.
    pub page_type: Option<String>,
    /// What the extractor based `page_type` on, as `name=value` pairs, for
    /// studying the recognizer.
    pub evidence: Vec<(String, String)>,
}

/// Anything that turns HTML into main text: chancery itself, or a peer crate.
pub trait BodyExtractor {
    /// Name in reports.
    fn name(&self) -> String;
    /// Extracts one page.
    fn extract(&self, html: &[u8], url: Option<&str>) -> Result<Extracted, String>;
}

/// chancery's own extractor.
pub struct Chancery;

impl BodyExtractor for Chancery {
    fn name(&self) -> String {
        format!("chancery {}", env!("CARGO_PKG_VERSION"))
    }

    fn extract(&self, html: &[u8], url: Option<&str>) -> Result<Extracted, String> {
        ChanceryWith(Heuristics::all()).extract(html, url)
    }
}

/// chancery's extractor with some heuristics switched off, to measure them.
pub struct ChanceryWith(pub Heuristics);

impl BodyExtractor for ChanceryWith {
    fn name(&self) -> String {
        let off: Vec<&str> = Heuristic::ALL
            .into_iter()
            .filter(|&h| !self.0.on(h))
            .map(Heuristic::name)
            .collect();
        if off.is_empty() {
            Chancery.name()
        } else {
            format!("{} without {}", Chancery.name(), off.join(", "))
        }
    }

    fn extract(&self, html: &[u8], url: Option<&str>) -> Result<Extracted, String> {
        let input = Input {
            bytes: html,
            url: url.map(String::from),
            ..Input::default()
        };
        let page = extract_with(&input, &Options::default(), self.0).map_err(|e| e.to_string())?;
        let article = &page.article;
        Ok(Extracted {
            body: article.text.clone(),
            title: article.title.clone(),
            authors: article.authors.clone(),
            date: article.published.as_ref().map(|p| p.value.clone()),
            page_type: Some(page.page_type.as_str().to_string()),
            evidence: vec![
                ("cards".into(), page.shape.cards.to_string()),
                ("posts".into(), page.shape.posts.to_string()),
                ("prices".into(), page.shape.prices.to_string()),
                ("chars".into(), page.shape.chars.to_string()),
                ("link_share".into(), format!("{:.3}", page.shape.link_share)),
                ("dated".into(), article.published.is_some().to_string()),
                ("authored".into(), (!article.authors.is_empty()).to_string()),
                ("ld_types".into(), page.ld_types.join(" ")),
                ("og_type".into(), page.og_type.clone().unwrap_or_default()),
                ("url".into(), url.unwrap_or_default().to_string()),
            ],
        })
    }
}

/// Loads a set from the bench folder (`../shared/bench` by default).
pub fn load_set(bench: &Path, name: &str) -> Result<PageSet, EvalError> {
    match name {
        "scrapinghub" => load_scrapinghub(&bench.join("extraction/scrapinghub-dev")),
        "wcxb" => load_wcxb(&bench.join("extraction/wcxb-dev")),
        other => Err(EvalError::UnknownSet(other.to_string(), SETS)),
    }
}

fn read(path: &Path) -> Result<Vec<u8>, EvalError> {
    std::fs::read(path).map_err(|source| EvalError::Read {
        path: path.to_path_buf(),
        source,
    })
}

fn read_gz(path: &Path) -> Result<Vec<u8>, EvalError> {
    let raw = read(path)?;
    let mut out = Vec::with_capacity(raw.len() * 5);
    flate2::read::MultiGzDecoder::new(&raw[..])
        .read_to_end(&mut out)
        .map_err(|source| EvalError::Read {
            path: path.to_path_buf(),
            source,
        })?;
    Ok(out)
}

fn read_json(path: &Path) -> Result<Value, EvalError> {
    serde_json::from_slice(&read(path)?).map_err(|e| EvalError::Format {
        path: path.to_path_buf(),
        problem: format!("invalid JSON: {e}"),
    })
}

fn str_field(value: &Value, key: &str) -> Option<String> {
    value
        .get(key)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(String::from)
}

fn load_scrapinghub(dir: &Path) -> Result<PageSet, EvalError> {
    let truth_path = dir.join("ground-truth.json");
    let truth = read_json(&truth_path)?;
    let Some(entries) = truth.as_object() else {
        return Err(EvalError::Format {
            path: truth_path,
            problem: "expected an object of id → {articleBody, url}".into(),
        });
    };
    let mut pages = Vec::with_capacity(entries.len());
    for (id, gold) in entries {
        let url = str_field(gold, "url");
        pages.push(Page {
            id: id.clone(),
            site: url.as_deref().map(site_of).unwrap_or_default(),
            url,
            html: read_gz(&dir.join("html").join(format!("{id}.html.gz")))?,
            page_type: "article".into(),
            body: gold
                .get("articleBody")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string(),
            title: None,
            author: None,
            date: None,
            with: Vec::new(),
            without: Vec::new(),
        });
    }
    pages.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(PageSet {
        name: "scrapinghub".into(),
        pages,
    })
}

fn load_wcxb(dir: &Path) -> Result<PageSet, EvalError> {
    let meta_path = dir.join("metadata.json");
    let meta = read_json(&meta_path)?;
    let Some(files) = meta.get("files").and_then(Value::as_object) else {
        return Err(EvalError::Format {
            path: meta_path,
            problem: "expected {\"files\": {id: {page_type}}}".into(),
        });
    };
    let mut pages = Vec::with_capacity(files.len());
    for (id, info) in files {
        let gold_path = dir.join("ground-truth").join(format!("{id}.json"));
        let gold_file = read_json(&gold_path)?;
        let Some(gold) = gold_file.get("ground_truth") else {
            return Err(EvalError::Format {
                path: gold_path,
                problem: "no ground_truth object".into(),
            });
        };
        let snippets = |key: &str| -> Vec<String> {
            gold.get(key)
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(Value::as_str)
                        .map(String::from)
                        .collect()
                })
                .unwrap_or_default()
        };
        let url = str_field(&gold_file, "url");
        // The metadata names the page's domain; the URL is the fallback.
        let site = str_field(info, "domain")
            .or_else(|| url.clone())
            .map(|d| site_of(&d))
            .unwrap_or_default();
        pages.push(Page {
            id: id.clone(),
            site,
            url,
            html: read_gz(&dir.join("html").join(format!("{id}.html.gz")))?,
            page_type: str_field(info, "page_type").unwrap_or_else(|| "unknown".into()),
            body: gold
                .get("main_content")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string(),
            title: str_field(gold, "title"),
            author: str_field(gold, "author"),
            date: str_field(gold, "publish_date"),
            with: snippets("with"),
            without: snippets("without"),
        });
    }
    pages.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(PageSet {
        name: "wcxb".into(),
        pages,
    })
}

/// Scores of one extractor on one set.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// The set.
    pub set: String,
    /// The extractor.
    pub extractor: String,
    /// Pages scored.
    pub pages: usize,
    /// Pages the extractor refused (scored as empty output).
    pub failures: usize,
    /// The set's main metric over all pages (shingle P/R/F1 for Scrapinghub,
    /// bag-of-words for WCXB).
    pub overall: Prf,
    /// The main metric per page type (WCXB).
    pub by_page_type: BTreeMap<String, TypeScore>,
    /// Share of `with` snippets found (WCXB).
    pub with_found: Option<f64>,
    /// Share of `without` snippets absent (WCXB).
    pub without_absent: Option<f64>,
    /// Exact-match rates of title, author and date over pages that have them (WCXB).
    pub title_match: Option<f64>,
    /// Author exact-match rate.
    pub author_match: Option<f64>,
    /// Date exact-match rate (on the `YYYY-MM-DD` prefix).
    pub date_match: Option<f64>,
    /// Pages per second, one thread, median pass.
    pub pages_per_second: f64,
    /// Seconds of the median pass.
    pub seconds: f64,
    /// The lowest-scoring pages.
    pub worst: Vec<PageScore>,
}

/// The score of one page type.
#[derive(Debug, Clone, Serialize)]
pub struct TypeScore {
    /// Pages of this type.
    pub pages: usize,
    /// Their mean score.
    pub score: Prf,
}

/// The score of one page.
#[derive(Debug, Clone, Serialize)]
pub struct PageScore {
    /// Benchmark id.
    pub id: String,
    /// Page type.
    pub page_type: String,
    /// The site it comes from.
    pub site: String,
    /// The page type the extractor took it for, when it says.
    pub predicted_type: Option<String>,
    /// What the extractor based it on.
    pub evidence: Vec<(String, String)>,
    /// Its score.
    pub score: Prf,
    /// Words extracted and expected.
    pub words: (usize, usize),
    /// The extractor's error, if it refused the page.
    pub error: Option<String>,
}

/// Runs `extractor` over `set` (`passes` timed passes, one thread) and scores it.
pub fn evaluate(
    set: &PageSet,
    extractor: &dyn BodyExtractor,
    passes: usize,
    worst: usize,
) -> Report {
    let (mut report, mut scores) = evaluate_pages(set, extractor, passes);
    scores.truncate(worst);
    report.worst = scores;
    report
}

/// Like [`evaluate`], with the score of every page (worst first) beside the
/// report, whose `worst` list is left empty.
pub fn evaluate_pages(
    set: &PageSet,
    extractor: &dyn BodyExtractor,
    passes: usize,
) -> (Report, Vec<PageScore>) {
    let mut times = Vec::with_capacity(passes.max(1));
    let mut outputs = Vec::new();
    for _ in 0..passes.max(1) {
        let started = Instant::now();
        outputs = set
            .pages
            .iter()
            .map(|page| extractor.extract(&page.html, page.url.as_deref()))
            .collect();
        times.push(started.elapsed().as_secs_f64());
    }
    times.sort_by(f64::total_cmp);
    let seconds = times[times.len() / 2];

    let mut scores = Vec::with_capacity(set.pages.len());
    let (mut with_found, mut with_total, mut without_absent, mut without_total) = (0, 0, 0, 0);
    let mut title = Rate::default();
    let mut author = Rate::default();
    let mut date = Rate::default();
    for (page, output) in set.pages.iter().zip(&outputs) {
        let (extracted, error) = match output {
            Ok(extracted) => (extracted.clone(), None),
            Err(err) => (Extracted::default(), Some(err.clone())),
        };
        let score = if set.name == "scrapinghub" {
            let o = shingle_overlap(&page.body, &extracted.body);
            Prf::new(o.precision(), o.recall())
        } else {
            bag_of_words(&page.body, &extracted.body)
        };
        let body_norm = normalize_for_match(&extracted.body);
        for snippet in &page.with {
            with_total += 1;
            with_found += usize::from(body_norm.contains(&normalize_for_match(snippet)));
        }
        for snippet in &page.without {
            without_total += 1;
            without_absent += usize::from(!body_norm.contains(&normalize_for_match(snippet)));
        }
        if let Some(gold) = &page.title {
            title.add(
                extracted
                    .title
                    .as_deref()
                    .is_some_and(|t| normalize_for_match(t) == normalize_for_match(gold)),
            );
        }
        if let Some(gold) = &page.author {
            let seen = extracted.authors.join(", ");
            author.add(normalize_for_match(&seen) == normalize_for_match(gold));
        }
        if let Some(gold) = &page.date {
            let day = |d: &str| d.get(..10).map(String::from);
            date.add(
                extracted
                    .date
                    .as_deref()
                    .and_then(day)
                    .is_some_and(|d| Some(d) == day(gold)),
            );
        }
        scores.push(PageScore {
            id: page.id.clone(),
            page_type: page.page_type.clone(),
            site: page.site.clone(),
            predicted_type: extracted.page_type.clone(),
            evidence: extracted.evidence.clone(),
            score,
            words: (
                crate::metrics::tokens(&extracted.body).len(),
                crate::metrics::tokens(&page.body).len(),
            ),
            error,
        });
    }

    // Scrapinghub's F1 comes from the mean precision and recall; WCXB's is the
    // mean of the pages' F1 (bench/README.md).
    let corpus_score = |pages: &[&PageScore]| {
        if set.name == "scrapinghub" {
            Prf::mean_of(pages.iter().map(|s| (s.score.precision, s.score.recall)))
        } else {
            Prf::mean_of_pages(pages.iter().map(|s| s.score))
        }
    };
    let overall = corpus_score(&scores.iter().collect::<Vec<_>>());
    let mut by_type: BTreeMap<String, Vec<&PageScore>> = BTreeMap::new();
    for score in &scores {
        by_type
            .entry(score.page_type.clone())
            .or_default()
            .push(score);
    }
    let by_page_type = by_type
        .into_iter()
        .map(|(kind, list)| {
            let score = corpus_score(&list);
            (
                kind,
                TypeScore {
                    pages: list.len(),
                    score,
                },
            )
        })
        .collect();
    let failures = scores.iter().filter(|s| s.error.is_some()).count();
    let pages = scores.len();
    scores.sort_by(|a, b| {
        a.score
            .f1
            .total_cmp(&b.score.f1)
            .then_with(|| a.id.cmp(&b.id))
    });
    let share = |hit: usize, total: usize| (total > 0).then(|| hit as f64 / total as f64);
    let report = Report {
        set: set.name.clone(),
        extractor: extractor.name(),
        pages,
        failures,
        overall,
        by_page_type,
        with_found: share(with_found, with_total),
        without_absent: share(without_absent, without_total),
        title_match: title.rate(),
        author_match: author.rate(),
        date_match: date.rate(),
        pages_per_second: if seconds > 0.0 {
            pages as f64 / seconds
        } else {
            0.0
        },
        seconds,
        worst: Vec::new(),
    };
    (report, scores)
}

#[derive(Default)]
struct Rate {
    hit: usize,
    total: usize,
}

impl Rate {
    fn add(&mut self, hit: bool) {
        self.total += 1;
        self.hit += usize::from(hit);
    }

    fn rate(&self) -> Option<f64> {
        (self.total > 0).then(|| self.hit as f64 / self.total as f64)
    }
}

/// The site of a page from its URL or domain: the host without `www.`,
/// cut to its registrable part (`news.bbc.co.uk` → `bbc.co.uk`,
/// `blog.example.com` → `example.com`), lower-cased. Pages of one site share
/// templates, so cross-validation keeps a site in one fold.
pub fn site_of(url_or_domain: &str) -> String {
    let rest = url_or_domain
        .trim()
        .split_once("://")
        .map_or(url_or_domain.trim(), |(_, rest)| rest);
    let host = rest.split(['/', '?', '#']).next().unwrap_or(rest);
    let host = host.rsplit_once('@').map_or(host, |(_, h)| h);
    let host = host.split(':').next().unwrap_or(host);
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    let labels: Vec<&str> = host.split('.').filter(|l| !l.is_empty()).collect();
    if labels.len() <= 2 {
        return labels.join(".");
    }
    // A two-letter country domain under a generic second level (`co.uk`,
    // `com.au`, `ac.jp`) keeps three labels.
    let n = labels.len();
    let generic_second = matches!(
        labels[n - 2],
        "co" | "com" | "org" | "net" | "ac" | "gov" | "edu" | "ne" | "or" | "go"
    );
    let keep = if labels[n - 1].len() == 2 && generic_second {
        3
    } else {
        2
    };
    labels[n - keep..].join(".")
}

/// The default bench folder: `../shared/bench` relative to the working directory.
pub fn default_bench_dir() -> PathBuf {
    PathBuf::from("../shared/bench")
}

#[cfg(test)]
mod tests {
    use super::site_of;

    #[test]
    fn site_is_the_registrable_domain() {
        assert_eq!(site_of("https://www.Example.com/news/a?b=1"), "example.com");
        assert_eq!(site_of("news.bbc.co.uk"), "bbc.co.uk");
        assert_eq!(
            site_of("http://user@blog.example.org:8080/x"),
            "example.org"
        );
        assert_eq!(site_of("https://shop.example.com.au/"), "example.com.au");
        assert_eq!(site_of("localhost"), "localhost");
        assert_eq!(site_of(""), "");
    }
}
