//! Integration tests: a server on a random loopback port over a data
//! directory ingested from the demo corpus and a hostile article.

mod api;
mod browser;
mod connections;
mod places;
mod postgres;
mod security;
mod validation;
mod watch;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use chancery_server::{Config, Running};

/// The bundled demo corpus (`chancery demo` serves the same file).
pub const DEMO: &str = include_str!("../../../chancery/demo/articles.jsonl");

/// An article written to break out of every context it is shown in.
pub const HOSTILE: &str = r#"{"id": "hostile-1", "url": "javascript:alert('url')", "published": "2026-09-15", "source": "<script>alert('source')</script>", "title": "<script>alert('title')</script> Iran \"><img src=x onerror=alert('t')>", "text": "Foreign Minister Abbas Araghchi of Iran met Sergey Lavrov in Moscow on Monday <script>alert('body')</script>.\n\n\"We reject <img src=x onerror=alert('quote')> ' onmouseover='alert(1)' everything,\" Araghchi said in Moscow.\n\nRussia and Iran will hold talks in Tehran next week, officials said \"><svg onload=alert('svg')>."}"#;

/// A data directory holding the demo corpus and the hostile article,
/// ingested once per test run.
pub fn corpus() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        // One directory per test build, emptied at the start of each run.
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("chancery-server-corpus");
        let _ = std::fs::remove_dir_all(&dir);
        let analyzer = chancery_nlp::Analyzer::new();
        let input = format!("{DEMO}\n{HOSTILE}\n");
        let report = chancery_server::ingest_jsonl(&dir, &analyzer, &input, 1 << 20).unwrap();
        assert_eq!(report.failed, 0, "{report:?}");
        // `chancery ingest` clusters stories as it stores; this path does
        // not, so the demo's storylines (crates/chancery/demo/README.md) are
        // assigned here: line n is article demo-n.
        let stories: Vec<(i64, i64)> = report
            .lines
            .iter()
            .filter_map(|line| Some((line.article?, storyline(line.line)?)))
            .collect();
        let mut store = chancery_store::Store::open(&dir).unwrap();
        store.set_stories(&stories).unwrap();
        drop(store);
        // The search index, built before any server opens it.
        chancery_search::SearchIndex::open(&dir).unwrap();
        dir
    })
}

/// The story of demo article `n`, from the demo README's table, numbered
/// from 0 as `chancery ingest` numbers stories (so story 0 is served too).
fn storyline(n: usize) -> Option<i64> {
    const STORIES: [&[usize]; 6] = [
        &[1, 2, 3, 8, 9, 11, 12, 14, 15, 18, 24, 30, 47],
        &[4, 5, 10, 13, 20, 29, 35, 37, 40, 44, 46],
        &[6, 7, 17, 26, 33, 34, 41, 48],
        &[16, 19, 21, 22, 23, 25, 27, 43],
        &[28, 31, 32, 36, 38, 42, 45, 49, 50],
        &[39],
    ];
    STORIES
        .iter()
        .position(|members| members.contains(&n))
        .map(|i| i as i64)
}

/// A server over the shared corpus, with no rate limit.
pub fn server() -> Running {
    let mut config = Config::new(corpus());
    config.addr = "127.0.0.1:0".parse().unwrap();
    config.rate_limit = None;
    chancery_server::spawn(config).unwrap()
}

/// GET, returning status and body (errors included).
pub fn get(server: &Running, path: &str) -> (u16, String) {
    let (status, _, body) = get_typed(server, path);
    (status, body)
}

/// GET, returning status, media type (`Content-Type`) and body.
pub fn get_typed(server: &Running, path: &str) -> (u16, String, String) {
    let agent = ureq::Agent::new_with_config(
        ureq::Agent::config_builder()
            .http_status_as_error(false)
            .build(),
    );
    let mut response = agent
        .get(&format!("http://{}{path}", server.addr()))
        .call()
        .unwrap();
    let status = response.status().as_u16();
    let media = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    (status, media, response.body_mut().read_to_string().unwrap())
}

/// GET a JSON document.
pub fn get_json(server: &Running, path: &str) -> (u16, serde_json::Value) {
    let (status, body) = get(server, path);
    let json = serde_json::from_str(&body).unwrap_or_else(|e| panic!("{path}: {e}: {body}"));
    (status, json)
}

/// POST a body with headers.
pub fn post(
    server: &Running,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> (u16, serde_json::Value) {
    let agent = ureq::Agent::new_with_config(
        ureq::Agent::config_builder()
            .http_status_as_error(false)
            .build(),
    );
    let mut request = agent.post(&format!("http://{}{path}", server.addr()));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let mut response = request.send(body).unwrap();
    let status = response.status().as_u16();
    let text = response.body_mut().read_to_string().unwrap();
    let json = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}: {text}"));
    (status, json)
}
