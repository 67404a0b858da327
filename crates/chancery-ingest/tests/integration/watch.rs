//! The watch loop (`Watcher`) against a fixture news site on loopback.

use std::net::{IpAddr, Ipv4Addr};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use chancery_ingest::{WatchConfig, WatchEvent, Watcher};
use chancery_watch::fixture::{news_page, rss, Reply, Server};
use chancery_watch::{canonicalize, CrawlConfig, FetchConfig, PollPolicy, Source, SourceKind};

const DATES: [&str; 2] = [
    "Sun, 06 Dec 2026 08:00:00 GMT",
    "Mon, 07 Dec 2026 08:00:00 GMT",
];

/// A site with a feed of three stories; `version` 1 changes story 1's page
/// (new text, new ETag) and its date in the feed.
fn site(version: Arc<AtomicUsize>) -> Server {
    site_of(version, 3)
}

/// [`site`] with a feed of `stories` stories.
fn site_of(version: Arc<AtomicUsize>, stories: usize) -> Server {
    let base: Arc<OnceLock<String>> = Arc::default();
    let known = base.clone();
    let server = Server::start(&[IpAddr::V4(Ipv4Addr::LOCALHOST)], move |r| {
        let base = known.get().expect("the base URL is set");
        let v = version.load(Ordering::SeqCst);
        match r.path.as_str() {
            "/robots.txt" => Reply::status(404),
            "/feed.xml" => {
                let items: Vec<(String, String, String)> = (1..=stories)
                    .map(|n| {
                        let date = if n == 1 { DATES[v] } else { DATES[0] };
                        (
                            format!("{base}/news/{n}"),
                            format!("Story {n}"),
                            date.into(),
                        )
                    })
                    .collect();
                Reply::ok("application/rss+xml", rss(&items))
            }
            "/news/1" => {
                let etag = format!("\"v{v}\"");
                if r.header("if-none-match") == Some(etag.as_str()) {
                    return Reply::status(304);
                }
                let page = news_page(1).replace(
                    "</article>",
                    &format!("<p>Correction number {v} was appended to this story.</p></article>"),
                );
                Reply::ok("text/html; charset=utf-8", page).header("ETag", &etag)
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

fn config(data: &Path, server: &Server, name: Option<&str>) -> WatchConfig {
    let mut source = Source::new(
        canonicalize(&server.url(0, "/feed.xml"), None).unwrap(),
        SourceKind::Feed,
    );
    source.name = name.map(str::to_string);
    WatchConfig {
        data: data.to_path_buf(),
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
        policy: PollPolicy::default(),
        fetch_limit: 0,
        sources: vec![source],
    }
}

fn rows(data: &Path, sql: &str) -> Vec<String> {
    let conn = rusqlite::Connection::open(data.join("chancery.db")).unwrap();
    let mut statement = conn.prepare(sql).unwrap();
    let found = statement
        .query_map([], |row| row.get::<_, String>(0))
        .unwrap()
        .collect::<Result<Vec<_>, _>>()
        .unwrap();
    found
}

fn quiet() -> chancery_ingest::OnEvent {
    Arc::new(|_: &WatchEvent| {})
}

#[test]
fn a_watcher_stores_each_article_once_under_its_sources_name() {
    let server = site(Arc::default());
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let events: Arc<Mutex<Vec<String>>> = Arc::default();
    let seen = events.clone();
    let on_event = Arc::new(move |e: &WatchEvent| seen.lock().unwrap().push(e.to_string()));
    let watcher = Watcher::start(config(&data, &server, Some("Fixture News")), on_event).unwrap();
    let summary = watcher.run(true).unwrap();
    assert_eq!(summary.tally.stored, 3, "{summary:?}");
    assert!(summary.stopped.is_none());
    assert_eq!(
        rows(&data, "SELECT DISTINCT source FROM articles"),
        ["Fixture News"]
    );
    let events = events.lock().unwrap();
    assert!(
        events.iter().any(|e| e.ends_with("(feed): 3 new")),
        "{events:?}"
    );
    assert!(
        events
            .iter()
            .any(|e| e == "watch: 3 new articles committed"),
        "{events:?}"
    );

    // Again: nothing new, nothing fetched again.
    let again = Watcher::start(config(&data, &server, None), quiet())
        .unwrap()
        .run(true)
        .unwrap();
    assert_eq!(again.tally.stored, 0);
    for n in 1..=3 {
        assert_eq!(server.count(&format!("/news/{n}")), 1);
    }
}

/// The corpus keeps the first version of a page: a page whose feed stamp
/// changes is fetched again (conditionally), and its new text, under the
/// same URL, is the same article, not stored again (docs/SCHEMA.md,
/// "Pages that change").
#[test]
fn a_changed_page_is_refetched_and_its_first_version_kept() {
    let version = Arc::new(AtomicUsize::new(0));
    let server = site(version.clone());
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let first = Watcher::start(config(&data, &server, None), quiet())
        .unwrap()
        .run(true)
        .unwrap();
    assert_eq!(first.tally.stored, 3);

    version.store(1, Ordering::SeqCst);
    let second = Watcher::start(config(&data, &server, None), quiet())
        .unwrap()
        .run(true)
        .unwrap();
    // Fetched again with the old ETag; the server sent the new text.
    assert_eq!(server.count("/news/1"), 2);
    let conditional = server
        .requests()
        .iter()
        .filter(|r| r.path == "/news/1" && r.header("if-none-match") == Some("\"v0\""))
        .count();
    assert_eq!(conditional, 1);
    assert_eq!(server.count("/news/2"), 1);
    assert_eq!((second.tally.stored, second.tally.duplicates), (0, 1));
    let texts = rows(&data, "SELECT text FROM articles WHERE url LIKE '%/news/1'");
    assert_eq!(texts.len(), 1);
    assert!(texts[0].contains("Correction number 0"), "{}", texts[0]);
    assert!(!texts[0].contains("Correction number 1"));
    // The queue keeps the new version's ETag for the next change; while
    // the stamp stays, the page is not asked for again.
    assert_eq!(
        rows(
            &data,
            "SELECT etag FROM watch_queue WHERE url LIKE '%/news/1'"
        ),
        ["\"v1\""]
    );
    let third = Watcher::start(config(&data, &server, None), quiet())
        .unwrap()
        .run(true)
        .unwrap();
    assert_eq!(third.tally.processed(), 0);
    assert_eq!(server.count("/news/1"), 2);
}

#[test]
fn a_stopped_watcher_ends_its_run_without_polling() {
    let server = site(Arc::default());
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let watcher = Watcher::start(config(&data, &server, None), quiet()).unwrap();
    let stop = watcher.stopper();
    let started = Instant::now();
    let thread = std::thread::spawn(move || watcher.run(false));
    // A running watcher (not --once) waits between rounds; the flag ends it.
    while server.count("/news/3") == 0 {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "nothing fetched"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    stop.store(true, Ordering::Relaxed);
    let summary = thread.join().unwrap().unwrap();
    assert_eq!(summary.tally.stored, 3);
    // The store's writer lock is free again.
    drop(chancery_store::Store::open(&data).unwrap());
}

/// Watchers over one PostgreSQL database share its feeds and fetch queue:
/// two running at once fetch every page once between them, store every
/// article once, and the articles reach the fleet's story clusterer.
#[test]
fn watchers_over_postgres_fetch_and_store_each_page_once() {
    let Some(db) = chancery_store::testing::TestDb::new("watchers over postgres") else {
        return;
    };
    const STORIES: usize = 24;
    let server = site_of(Arc::default(), STORIES);
    let data = Path::new(&db.url).to_path_buf();
    let watchers: Vec<_> = (0..2)
        .map(|_| {
            let config = config(&data, &server, Some("Fixture News"));
            std::thread::spawn(move || Watcher::start(config, quiet()).unwrap().run(true))
        })
        .collect();
    let summaries: Vec<_> = watchers
        .into_iter()
        .map(|watcher| watcher.join().unwrap().unwrap())
        .collect();
    let stored: u64 = summaries.iter().map(|s| s.tally.stored).sum();
    let duplicates: u64 = summaries.iter().map(|s| s.tally.duplicates).sum();
    assert_eq!((stored, duplicates), (STORIES as u64, 0), "{summaries:?}");
    for n in 1..=STORIES {
        assert_eq!(server.count(&format!("/news/{n}")), 1, "/news/{n}");
    }
    let count = |sql: &str| -> i64 { db.client().query_one(sql, &[]).unwrap().get(0) };
    assert_eq!(
        count("SELECT count(*) FROM chancery.articles"),
        STORIES as i64
    );
    assert_eq!(
        count("SELECT count(*) FROM chancery.articles WHERE story IS NULL"),
        0,
        "every article reached the clusterer"
    );
    assert_eq!(
        count("SELECT count(*) FROM chancery_watch.queue WHERE state = 1"),
        STORIES as i64
    );
    let (feeds, counts) = chancery_store::watch_status(&data).unwrap();
    assert_eq!(feeds.len(), 1);
    assert_eq!((counts.done, counts.pending), (STORIES as u64, 0));

    // Again, one watcher: nothing new, nothing fetched again.
    let again = Watcher::start(config(&data, &server, None), quiet())
        .unwrap()
        .run(true)
        .unwrap();
    assert_eq!(again.tally.processed(), 0);
    assert_eq!(server.count("/news/1"), 1);
}
