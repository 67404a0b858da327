//! A small load generator for `bench/serve.sh`: finds articles, entities,
//! country pairs and search words through a running server's API, then
//! requests the article, entity, dyad and search pages and the home,
//! `/entities` and `/network` pages from several threads
//! on loopback and prints latency percentiles per page kind (the median of
//! several passes). Every response must be 200, or the run fails.
//!
//! ```sh
//! cargo run --release -p chancery-server --example load -- http://127.0.0.1:8080 \
//!     --requests 1000 --concurrency 4 --passes 3 [--pages home,entities,network]
//! ```

use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::Value;

const SEARCHES: &[&str] = &[
    "government",
    "minister talks",
    "election",
    "market shares",
    "ceasefire",
    "film award",
    "police",
    "bank interest rates",
    "mobile phone",
    "border",
];

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let base = args
        .first()
        .filter(|a| a.starts_with("http"))
        .cloned()
        .unwrap_or_else(|| "http://127.0.0.1:8080".into());
    let option = |name: &str, default: usize| -> usize {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
    };
    let requests = option("--requests", 1000);
    let concurrency = option("--concurrency", 4).max(1);
    let passes = option("--passes", 3).max(1);
    // `--pages home,network`: only those page kinds (default: all).
    let only: Option<Vec<String>> = args
        .iter()
        .position(|a| a == "--pages")
        .and_then(|i| args.get(i + 1))
        .map(|list| list.split(',').map(String::from).collect());
    match run(&base, requests, concurrency, passes, only.as_deref()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("load: {err}");
            ExitCode::FAILURE
        }
    }
}

fn agent() -> ureq::Agent {
    ureq::Agent::new_with_config(
        ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(30)))
            .build(),
    )
}

fn json(agent: &ureq::Agent, url: &str) -> Result<Value, String> {
    let mut response = agent.get(url).call().map_err(|e| format!("{url}: {e}"))?;
    if response.status() != 200 {
        return Err(format!("{url}: status {}", response.status()));
    }
    response
        .body_mut()
        .read_json()
        .map_err(|e| format!("{url}: {e}"))
}

fn encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// The pages to request, by kind.
fn discover(base: &str) -> Result<Vec<(&'static str, Vec<String>)>, String> {
    let agent = agent();
    let mut articles = Vec::new();
    for offset in (0..2000).step_by(500) {
        let page = json(
            &agent,
            &format!("{base}/api/articles?limit=500&offset={offset}"),
        )?;
        let items = page["items"].as_array().cloned().unwrap_or_default();
        articles.extend(
            items
                .iter()
                .filter_map(|a| a["id"].as_i64())
                .map(|id| format!("/article/{id}")),
        );
        if items.len() < 500 {
            break;
        }
    }
    // The most mentioned entities: the heaviest entity pages.
    let entities: Vec<String> = json(&agent, &format!("{base}/api/entities?limit=200"))?["items"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .filter_map(|e| e["name"].as_str())
        .map(|name| format!("/entity/{}", encode(name)))
        .collect();
    let dyads: Vec<String> = json(&agent, &format!("{base}/api/network?limit=60"))?["edges"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .filter_map(|e| Some((e["source"].as_str()?, e["target"].as_str()?)))
        .filter(|(a, b)| a.len() == 3 && b.len() == 3)
        .map(|(a, b)| format!("/dyad/{a}/{b}"))
        .collect();
    let searches: Vec<String> = SEARCHES
        .iter()
        .map(|q| format!("/search?q={}", encode(q)))
        .collect();
    let kinds = vec![
        ("article", articles),
        ("entity", entities),
        ("dyad", dyads),
        ("search", searches),
        // The pages that summarise the whole corpus.
        ("home", vec!["/".to_string()]),
        ("entities", vec!["/entities".to_string()]),
        ("network", vec!["/network".to_string()]),
    ];
    for (kind, paths) in &kinds {
        if paths.is_empty() {
            return Err(format!("no {kind} pages found: is the corpus empty?"));
        }
    }
    Ok(kinds)
}

/// Requests `count` paths (cycling through them) from `concurrency`
/// threads; returns each request's latency.
fn hammer(
    base: &str,
    paths: &[String],
    count: usize,
    concurrency: usize,
) -> Result<Vec<Duration>, String> {
    let next = Arc::new(AtomicUsize::new(0));
    let paths = Arc::new(paths.to_vec());
    let threads: Vec<_> = (0..concurrency)
        .map(|_| {
            let (next, paths, base) = (Arc::clone(&next), Arc::clone(&paths), base.to_string());
            std::thread::spawn(move || -> Result<Vec<Duration>, String> {
                let agent = agent();
                let mut latencies = Vec::new();
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= count {
                        return Ok(latencies);
                    }
                    let url = format!("{base}{}", paths[i % paths.len()]);
                    let started = Instant::now();
                    let mut response = agent.get(&url).call().map_err(|e| format!("{url}: {e}"))?;
                    let body = response
                        .body_mut()
                        .with_config()
                        .limit(64 << 20)
                        .read_to_string()
                        .map_err(|e| format!("{url}: {e}"))?;
                    latencies.push(started.elapsed());
                    if response.status() != 200 || !body.starts_with("<!DOCTYPE html>") {
                        return Err(format!("{url}: status {}", response.status()));
                    }
                }
            })
        })
        .collect();
    let mut all = Vec::with_capacity(count);
    for thread in threads {
        all.extend(
            thread
                .join()
                .map_err(|_| "a load thread panicked".to_string())??,
        );
    }
    Ok(all)
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    let index = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[index].as_secs_f64() * 1000.0
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

fn run(
    base: &str,
    requests: usize,
    concurrency: usize,
    passes: usize,
    only: Option<&[String]>,
) -> Result<(), String> {
    let mut kinds = discover(base)?;
    if let Some(only) = only {
        kinds.retain(|(kind, _)| only.iter().any(|o| o == kind));
        if kinds.is_empty() {
            return Err(format!("no page kind among {}", only.join(",")));
        }
    }
    println!(
        "{requests} requests per page kind and pass, {concurrency} connections, median of {passes} passes"
    );
    println!("| page | pages | p50 ms | p95 ms | p99 ms | max ms | req/s |");
    println!("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
    for (kind, paths) in &kinds {
        // A warm-up pass over every page once, so the first pass does not
        // measure cold caches.
        hammer(base, paths, paths.len().min(requests), concurrency)?;
        let mut stats: Vec<[f64; 5]> = Vec::new();
        for _ in 0..passes {
            let started = Instant::now();
            let mut latencies = hammer(base, paths, requests, concurrency)?;
            let elapsed = started.elapsed().as_secs_f64();
            latencies.sort();
            stats.push([
                percentile(&latencies, 0.50),
                percentile(&latencies, 0.95),
                percentile(&latencies, 0.99),
                percentile(&latencies, 1.0),
                requests as f64 / elapsed,
            ]);
        }
        let column = |i: usize| median(stats.iter().map(|s| s[i]).collect());
        println!(
            "| {kind} | {} | {:.1} | {:.1} | {:.1} | {:.1} | {:.0} |",
            paths.len(),
            column(0),
            column(1),
            column(2),
            column(3),
            column(4)
        );
    }
    Ok(())
}
