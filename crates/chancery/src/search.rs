//! `chancery search` and `chancery similar`: full-text search and similar
//! articles over a data directory or a PostgreSQL store, with the index
//! (`DATA/search`, or `--index DIR`; for PostgreSQL under the user's cache
//! directory unless told) brought up to date with the store on the way.

use std::fs::File;
use std::io::{self, BufRead, BufReader, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use chancery_search::{Hit, OpenOptions, SearchError, SearchIndex, SearchRequest, Snippet};
use clap::{Args, ValueEnum};
use serde::Serialize;

use crate::output::write_json;

#[derive(Debug, Args)]
pub struct SearchArgs {
    /// The query: words (stemmed, all must match), "quoted phrases", OR, -word,
    /// field:value (title, body, entity, person, country, actor, event, source).
    /// May be empty when a filter is given.
    #[arg(required_unless_present = "bench", allow_hyphen_values = true)]
    query: Option<String>,
    /// The corpus: a data directory, or a PostgreSQL database as a
    /// postgres:// URL (as for `chancery ingest`); default:
    /// CHANCERY_DATABASE_URL when set, else chancery-data.
    #[arg(long, env = "CHANCERY_DATA")]
    data: Option<PathBuf>,
    /// Where the search index is kept (derived from the store, caught up by
    /// article id). Default: DATA/search in a data directory; for a
    /// PostgreSQL store, chancery/search/DATABASE-HASH under the user's
    /// cache directory ($XDG_CACHE_HOME, else ~/.cache).
    #[arg(long, value_name = "DIR")]
    index: Option<PathBuf>,
    /// Published on or after this date: YYYY, YYYY-MM or YYYY-MM-DD.
    #[arg(long)]
    from: Option<String>,
    /// Published on or before this date (the whole year, month or day).
    #[arg(long)]
    to: Option<String>,
    /// Only articles that name this person ("Putin", "Vladimir Putin").
    #[arg(long)]
    person: Option<String>,
    /// Only articles with an entity of this country (ISO alpha-3: IRN).
    #[arg(long)]
    country: Option<String>,
    /// Only articles with an event of this CAMEO code or root (04, 042).
    #[arg(long)]
    event: Option<String>,
    /// Only articles from this site, URL host or source (bbc.co.uk).
    #[arg(long)]
    source: Option<String>,
    /// At most this many results.
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=10_000))]
    limit: u64,
    /// Output format: a table with highlighted snippets, or one JSON object.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
    /// Delete the search index and build it again from the store first.
    #[arg(long)]
    rebuild: bool,
    /// Instead of one search, time the searches of a JSON Lines file (one
    /// request a line, keys as the flags: {"query": "...", "person": "..."})
    /// and print p50/p95 latencies.
    #[arg(long, value_name = "FILE", conflicts_with = "query")]
    bench: Option<PathBuf>,
    /// With --bench: how many times to run each request.
    #[arg(long, default_value_t = 50, requires = "bench")]
    runs: usize,
}

#[derive(Debug, Args)]
pub struct SimilarArgs {
    /// The article: the number `chancery search` shows, its article id or the
    /// id it was ingested with.
    #[arg(required_unless_present = "bench")]
    id: Option<String>,
    /// The corpus: a data directory, or a PostgreSQL database as a
    /// postgres:// URL (as for `chancery ingest`); default:
    /// CHANCERY_DATABASE_URL when set, else chancery-data.
    #[arg(long, env = "CHANCERY_DATA")]
    data: Option<PathBuf>,
    /// Where the search index is kept (derived from the store, caught up by
    /// article id). Default: DATA/search in a data directory; for a
    /// PostgreSQL store, chancery/search/DATABASE-HASH under the user's
    /// cache directory ($XDG_CACHE_HOME, else ~/.cache).
    #[arg(long, value_name = "DIR")]
    index: Option<PathBuf>,
    /// How many similar articles.
    #[arg(short, long, default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=1_000))]
    k: u64,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
    /// Instead of one article, time `similar` for this many articles spread
    /// over the store and print p50/p95 latencies.
    #[arg(long, value_name = "N", conflicts_with = "id")]
    bench: Option<usize>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Table,
    Json,
}

pub fn run_search(args: SearchArgs) -> anyhow::Result<ExitCode> {
    let mut index = open(args.data.as_deref(), args.index.as_deref(), args.rebuild)?;
    if let Some(file) = &args.bench {
        return bench_search(&index, file, args.runs);
    }
    let request = SearchRequest {
        query: args.query.clone().unwrap_or_default(),
        from: args.from,
        to: args.to,
        person: args.person,
        country: args.country,
        event: args.event,
        source: args.source,
        limit: args.limit as usize,
    };
    let results = match index.search(&request) {
        Err(SearchError::Damaged { detail, .. }) => {
            eprintln!(
                "chancery: the search index was damaged ({detail}); rebuilding it from the store"
            );
            index.rebuild()?;
            index.search(&request)?
        }
        other => other?,
    };
    let mut out = io::stdout().lock();
    match args.format {
        Format::Json => {
            #[derive(Serialize)]
            struct Output<'a> {
                request: &'a SearchRequest,
                total: usize,
                hits: &'a [Hit],
            }
            let output = Output {
                request: &request,
                total: results.total,
                hits: &results.hits,
            };
            write_json(&mut out, &output, false)?;
        }
        Format::Table => {
            let style = Style::for_stdout();
            if results.hits.is_empty() {
                writeln!(out, "no articles match")?;
            } else {
                writeln!(
                    out,
                    "{} of {} matching articles ({} searched)",
                    results.hits.len(),
                    results.total,
                    index.num_articles()
                )?;
            }
            for (rank, hit) in results.hits.iter().enumerate() {
                write_row(&mut out, rank + 1, hit)?;
                writeln!(out, "      {}", style.snippet(&hit.snippet))?;
            }
        }
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

pub fn run_similar(args: SimilarArgs) -> anyhow::Result<ExitCode> {
    let mut index = open(args.data.as_deref(), args.index.as_deref(), false)?;
    if let Some(count) = args.bench {
        return bench_similar(&index, count, args.k as usize);
    }
    let key = args.id.unwrap_or_default();
    let results = match index.similar(&key, args.k as usize) {
        Err(SearchError::Damaged { detail, .. }) => {
            eprintln!(
                "chancery: the search index was damaged ({detail}); rebuilding it from the store"
            );
            index.rebuild()?;
            index.similar(&key, args.k as usize)?
        }
        other => other?,
    };
    let mut out = io::stdout().lock();
    match args.format {
        Format::Json => write_json(&mut out, &results, false)?,
        Format::Table => {
            let article = &results.article;
            let title = article.title.as_deref().unwrap_or("(no title)");
            write!(out, "similar to #{} {}", article.id, one_line(title))?;
            if let Some(original) = article.duplicate_of {
                write!(out, " (a near-duplicate of #{original})")?;
            }
            writeln!(out)?;
            if results.hits.is_empty() {
                writeln!(out, "no similar articles")?;
            }
            for (rank, hit) in results.hits.iter().enumerate() {
                write_row(&mut out, rank + 1, hit)?;
            }
        }
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// Opens the index of the corpus `data` names (in `index`, else its
/// default place), saying on stderr what catching up with the store did.
fn open(data: Option<&Path>, index: Option<&Path>, rebuild: bool) -> anyhow::Result<SearchIndex> {
    let data = crate::data::resolve(data);
    let dir = index.map_or_else(
        || chancery_search::default_index_dir(&data),
        Path::to_path_buf,
    );
    let index = SearchIndex::open_in(&data, &dir, OpenOptions { rebuild })
        .with_context(|| format!("cannot search {}", crate::data::shown(&data)))?;
    let catch_up = index.catch_up();
    if catch_up.deferred {
        eprintln!(
            "chancery: another process is updating the search index; the newest articles may \
             be missing from these results"
        );
    } else if catch_up.rebuilt || catch_up.indexed > 0 {
        eprintln!(
            "chancery: {} the search index: {} {} in {:.2} s",
            if catch_up.rebuilt { "built" } else { "updated" },
            catch_up.indexed,
            if catch_up.indexed == 1 {
                "new article"
            } else {
                "new articles"
            },
            catch_up.elapsed.as_secs_f64()
        );
    }
    Ok(index)
}

/// `  1  #231  2005-02-10  Title …  12.41`, the site in brackets when known.
fn write_row(out: &mut impl Write, rank: usize, hit: &Hit) -> io::Result<()> {
    let date = hit
        .published
        .as_deref()
        .and_then(|p| p.get(..10).or(Some(p)))
        .unwrap_or("-");
    let title = one_line(hit.title.as_deref().unwrap_or("(no title)"));
    let site = hit
        .site
        .as_deref()
        .map(|s| format!("  [{s}]"))
        .unwrap_or_default();
    writeln!(
        out,
        "{rank:>3}  #{:<6} {date:<10}  {}{site}  {:.2}",
        hit.id,
        truncate(&title, 72),
        hit.score
    )
}

/// How highlighted words are marked: bold on a terminal, [brackets] in a
/// pipe or with NO_COLOR, so a saved table still shows them.
struct Style {
    open: &'static str,
    close: &'static str,
}

impl Style {
    fn for_stdout() -> Style {
        let color = io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
        if color {
            Style {
                open: "\x1b[1;33m",
                close: "\x1b[0m",
            }
        } else {
            Style {
                open: "[",
                close: "]",
            }
        }
    }

    fn snippet(&self, snippet: &Snippet) -> String {
        let text = &snippet.text;
        let mut marked = String::with_capacity(text.len() + 8 * snippet.highlights.len());
        let mut at = 0;
        for &(start, end) in &snippet.highlights {
            // Ranges come from the snippet generator over this very text; a
            // range that is not on character boundaries is skipped, not cut.
            let (Some(before), Some(word)) = (text.get(at..start), text.get(start..end)) else {
                continue;
            };
            marked.push_str(before);
            marked.push_str(self.open);
            marked.push_str(word);
            marked.push_str(self.close);
            at = end;
        }
        marked.push_str(text.get(at..).unwrap_or_default());
        one_line(&marked)
    }
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn truncate(text: &str, max_chars: usize) -> String {
    match text.char_indices().nth(max_chars) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_string(),
    }
}

/// Times every request of a JSON Lines file `runs` times after one warm-up
/// pass, and prints the latency distribution.
fn bench_search(index: &SearchIndex, file: &Path, runs: usize) -> anyhow::Result<ExitCode> {
    let reader = BufReader::new(
        File::open(file).with_context(|| format!("cannot open {}", file.display()))?,
    );
    let mut requests = Vec::new();
    for (number, line) in reader.lines().enumerate() {
        let line = line.with_context(|| format!("cannot read {}", file.display()))?;
        if line.trim().is_empty() {
            continue;
        }
        let request: SearchRequest = serde_json::from_str(&line).with_context(|| {
            format!(
                "{}:{}: not a search request (a JSON object with query, from, to, person, \
                 country, event, source, limit)",
                file.display(),
                number + 1
            )
        })?;
        requests.push(request);
    }
    if requests.is_empty() {
        bail!("{} holds no search requests", file.display());
    }
    let mut matched = Vec::with_capacity(requests.len());
    for request in &requests {
        let results = index
            .search(request)
            .with_context(|| format!("request {request:?}"))?;
        matched.push(results.total);
    }
    let mut all = Vec::with_capacity(requests.len() * runs);
    let mut out = io::stdout().lock();
    writeln!(
        out,
        "{} requests x {runs} runs over {} articles",
        requests.len(),
        index.num_articles()
    )?;
    writeln!(
        out,
        "{:>9} {:>9} {:>7}  request",
        "p50 ms", "p95 ms", "hits"
    )?;
    for (request, total) in requests.iter().zip(&matched) {
        let mut times = Vec::with_capacity(runs);
        for _ in 0..runs.max(1) {
            let started = Instant::now();
            let results = index.search(request)?;
            times.push(started.elapsed());
            // The work must not be optimized away, and must not change.
            if results.total != *total {
                bail!("request {request:?} matched {} then {total}", results.total);
            }
        }
        times.sort();
        writeln!(
            out,
            "{:>9.3} {:>9.3} {total:>7}  {}",
            millis(percentile(&times, 50)),
            millis(percentile(&times, 95)),
            describe(request)
        )?;
        all.extend(times);
    }
    all.sort();
    writeln!(
        out,
        "all: p50 {:.3} ms, p95 {:.3} ms, p99 {:.3} ms, max {:.3} ms ({} searches)",
        millis(percentile(&all, 50)),
        millis(percentile(&all, 95)),
        millis(percentile(&all, 99)),
        millis(all.last().copied().unwrap_or_default()),
        all.len()
    )?;
    Ok(ExitCode::SUCCESS)
}

/// A request as flags: `"prime minister" --person Putin`.
fn describe(request: &SearchRequest) -> String {
    let mut parts = vec![serde_json::to_string(&request.query).unwrap_or_default()];
    for (flag, value) in [
        ("--from", &request.from),
        ("--to", &request.to),
        ("--person", &request.person),
        ("--country", &request.country),
        ("--event", &request.event),
        ("--source", &request.source),
    ] {
        if let Some(value) = value {
            parts.push(format!("{flag} {value:?}"));
        }
    }
    if request.limit != 0 {
        parts.push(format!("--limit {}", request.limit));
    }
    parts.join(" ")
}

/// Times `similar` for `count` articles spread evenly over the store's ids.
fn bench_similar(index: &SearchIndex, count: usize, k: usize) -> anyhow::Result<ExitCode> {
    let last = index.catch_up().last_article;
    if last == 0 {
        bail!("the corpus is empty; ingest some articles first");
    }
    let count = count.clamp(1, last as usize);
    let step = last as f64 / count as f64;
    let mut times = Vec::with_capacity(count);
    let mut found = 0;
    for i in 0..count {
        let id = 1 + (i as f64 * step) as i64;
        let started = Instant::now();
        let results = index.similar(&id.to_string(), k)?;
        times.push(started.elapsed());
        found += results.hits.len();
    }
    times.sort();
    writeln!(
        io::stdout().lock(),
        "similar -k {k} for {count} articles: p50 {:.3} ms, p95 {:.3} ms, max {:.3} ms \
         ({found} results)",
        millis(percentile(&times, 50)),
        millis(percentile(&times, 95)),
        millis(times.last().copied().unwrap_or_default()),
    )?;
    Ok(ExitCode::SUCCESS)
}

/// The nearest-rank percentile of sorted durations.
pub(crate) fn percentile(sorted: &[Duration], p: usize) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = (p * sorted.len()).div_ceil(100).max(1);
    sorted[rank.min(sorted.len()) - 1]
}

fn millis(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_by_nearest_rank() {
        let times: Vec<Duration> = (1..=20).map(Duration::from_millis).collect();
        assert_eq!(percentile(&times, 50), Duration::from_millis(10));
        assert_eq!(percentile(&times, 95), Duration::from_millis(19));
        assert_eq!(percentile(&times, 100), Duration::from_millis(20));
        assert_eq!(percentile(&[], 95), Duration::ZERO);
    }

    #[test]
    fn snippets_mark_their_highlights() {
        let style = Style {
            open: "[",
            close: "]",
        };
        let snippet = Snippet {
            text: "Talks on the\ntalks".into(),
            highlights: vec![(0, 5), (13, 18)],
        };
        assert_eq!(style.snippet(&snippet), "[Talks] on the [talks]");
        let odd = Snippet {
            text: "é".into(),
            highlights: vec![(1, 2)],
        };
        assert_eq!(style.snippet(&odd), "é");
    }

    #[test]
    fn bench_lines_name_requests_as_flags() {
        let request = SearchRequest {
            query: "\"prime minister\"".into(),
            person: Some("Tony Blair".into()),
            limit: 20,
            ..SearchRequest::default()
        };
        assert_eq!(
            describe(&request),
            r#""\"prime minister\"" --person "Tony Blair" --limit 20"#
        );
    }

    #[test]
    fn long_titles_are_cut() {
        assert_eq!(truncate("abcdef", 3), "abc…");
        assert_eq!(truncate("abc", 3), "abc");
    }
}
