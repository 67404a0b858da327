//! A server started with a watcher (`chancery serve --watch`) over a
//! fixture news site on loopback: what the watcher stores is served, in
//! search and in /metrics, without a restart; stopping the server stops
//! the watcher.

use std::net::{IpAddr, Ipv4Addr};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use chancery_ingest::{WatchConfig, WatchEvent};
use chancery_server::{Config, Running, Watch};
use chancery_watch::fixture::{news_page, rss, Reply, Server};
use chancery_watch::{canonicalize, CrawlConfig, FetchConfig, PollPolicy, Source, SourceKind};

use crate::{get, get_json};

const DATE: &str = "Sun, 06 Dec 2026 08:00:00 GMT";

/// A site whose feed lists the first `listed` of its stories.
fn news_site(listed: Arc<AtomicUsize>) -> Server {
    let base: Arc<OnceLock<String>> = Arc::default();
    let known = base.clone();
    let server = Server::start(&[IpAddr::V4(Ipv4Addr::LOCALHOST)], move |r| {
        let base = known.get().expect("the base URL is set");
        match r.path.as_str() {
            "/robots.txt" => Reply::ok("text/plain", "User-agent: *\nAllow: /\n"),
            "/feed.xml" => {
                let items: Vec<(String, String, String)> = (1..=listed.load(Ordering::SeqCst))
                    .map(|n| {
                        (
                            format!("{base}/news/{n}"),
                            format!("Story {n}"),
                            DATE.into(),
                        )
                    })
                    .collect();
                Reply::ok("application/rss+xml", rss(&items))
            }
            path => match path.strip_prefix("/news/").and_then(|n| n.parse().ok()) {
                Some(n) => Reply::ok("text/html; charset=utf-8", news_page(n)),
                None => Reply::status(404),
            },
        }
    })
    .unwrap();
    let _ = base.set(format!("http://{}", server.addr(0)));
    server
}

/// Polls `check` until it holds, for at most a minute.
fn eventually(what: &str, mut check: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while !check() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn metric(server: &Running, name: &str) -> Option<u64> {
    let (status, text) = get(server, "/metrics");
    assert_eq!(status, 200, "{text}");
    text.lines()
        .find_map(|line| line.strip_prefix(&format!("{name} "))?.parse().ok())
}

#[test]
fn a_server_started_with_watch_serves_what_its_watcher_stores() {
    let listed = Arc::new(AtomicUsize::new(3));
    let site = news_site(listed.clone());
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let events: Arc<Mutex<Vec<WatchEvent>>> = Arc::default();
    let seen = events.clone();
    let mut config = Config::new(&data);
    config.addr = "127.0.0.1:0".parse().unwrap();
    config.rate_limit = None;
    config.watch = Some(Watch {
        config: WatchConfig {
            data: data.clone(),
            tables: Vec::new(),
            max_bytes: 1 << 22,
            crawl: CrawlConfig {
                fetch: FetchConfig {
                    allow_private: true,
                    ..FetchConfig::default()
                },
                host_delay: Duration::from_millis(5),
                backoff: Duration::from_millis(10),
                ..CrawlConfig::default()
            },
            // Polled again every second, so a new item shows up quickly.
            policy: PollPolicy {
                initial: Duration::from_secs(1),
                min: Duration::from_secs(1),
                max: Duration::from_secs(1),
                ..PollPolicy::default()
            },
            fetch_limit: 0,
            sources: vec![Source::new(
                canonicalize(&site.url(0, "/feed.xml"), None).unwrap(),
                SourceKind::Feed,
            )],
        },
        on_event: Some(Arc::new(move |event: &WatchEvent| {
            seen.lock().unwrap().push(event.clone())
        })),
    });
    let server = chancery_server::spawn(config).unwrap();

    eventually("the first three articles in /metrics", || {
        metric(&server, "chancery_articles") == Some(3)
    });
    // Searching opens the index, caught up with what the watcher stored.
    let (status, found) = get_json(&server, "/api/search?q=plan");
    assert_eq!(status, 200, "{found}");
    assert_eq!(found["total"], 3, "{found}");
    let (_, home) = get(&server, "/");
    assert!(home.contains("<strong>3</strong><span>articles</span>"));
    let (_, articles) = get(&server, "/articles");
    assert!(articles.contains("Story 3: the"));

    // A new item in the feed: stored by the running watcher, then found
    // by the index already open, without a restart.
    listed.store(4, Ordering::SeqCst);
    eventually("the fourth article in /metrics", || {
        metric(&server, "chancery_articles") == Some(4)
    });
    eventually("the fourth article in search", || {
        get_json(&server, "/api/search?q=plan").1["total"] == 4
    });
    let (_, home) = get(&server, "/");
    assert!(home.contains("<strong>4</strong><span>articles</span>"));
    let (_, articles) = get(&server, "/articles");
    assert!(articles.contains("Story 4: the"));
    assert_eq!(metric(&server, "chancery_watch_feeds"), Some(1));

    // Each page was fetched once, however often the feed was polled.
    for n in 1..=4 {
        assert_eq!(site.count(&format!("/news/{n}")), 1, "/news/{n}");
    }
    assert!(site.count("/feed.xml") >= 2);
    let committed: u64 = events
        .lock()
        .unwrap()
        .iter()
        .map(|e| match e {
            WatchEvent::Committed { stored } => *stored,
            _ => 0,
        })
        .sum();
    assert_eq!(committed, 4);

    // Stopping the server stops the watcher: the store's writer lock is
    // free again, and no request reaches the site any more.
    server.stop().unwrap();
    let requests = site.requests().len();
    drop(chancery_store::Store::open(&data).unwrap());
    std::thread::sleep(Duration::from_millis(1_500));
    assert_eq!(site.requests().len(), requests);
}

#[test]
fn a_watcher_that_cannot_open_the_store_stops_the_server_from_starting() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    // Another writer holds the store.
    let _writer = chancery_store::Store::open(&data).unwrap();
    let mut config = Config::new(&data);
    config.addr = "127.0.0.1:0".parse().unwrap();
    config.watch = Some(Watch {
        config: WatchConfig {
            data: data.clone(),
            tables: Vec::new(),
            max_bytes: 1 << 22,
            crawl: CrawlConfig::default(),
            policy: PollPolicy::default(),
            fetch_limit: 0,
            sources: Vec::new(),
        },
        on_event: None,
    });
    let err = chancery_server::spawn(config).unwrap_err();
    assert!(err.to_string().starts_with("the watcher: "), "{err}");
}
