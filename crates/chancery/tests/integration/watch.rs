//! `chancery watch` and `chancery fetch` against a fixture web server on
//! loopback (two addresses, two hosts).

use std::net::{IpAddr, Ipv4Addr};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use chancery_watch::fixture::{news_page, rss, Reply, Server};
use rusqlite::{Connection, OpenFlags};

use crate::{run, Output, TempDir};

const HOST_1: IpAddr = IpAddr::V4(Ipv4Addr::new(127, 0, 0, 1));
const HOST_2: IpAddr = IpAddr::V4(Ipv4Addr::new(127, 0, 0, 2));

fn count(data: &Path, sql: &str) -> i64 {
    Connection::open_with_flags(data.join("chancery.db"), OpenFlags::SQLITE_OPEN_READ_ONLY)
        .unwrap()
        .query_row(sql, [], |row| row.get(0))
        .unwrap_or_else(|err| panic!("{sql}: {err}"))
}

fn watch(data: &Path, sources: &Path, extra: &[&str]) -> Output {
    let mut args = vec![
        "watch",
        "--sources",
        sources.to_str().unwrap(),
        "--data",
        data.to_str().unwrap(),
        "--host-delay-ms",
        "5",
        "--backoff-ms",
        "10",
    ];
    args.extend_from_slice(extra);
    run(args)
}

const DATE: &str = "Sun, 06 Dec 2026 08:00:00 GMT";

/// Host 1: robots.txt, an RSS feed, a news sitemap and pages; host 2: an
/// Atom feed repeating one of host 1's items. `version` changes the RSS
/// feed's date for item 1 (its page changed).
fn news_server(version: Arc<AtomicUsize>) -> Server {
    let hosts: Arc<std::sync::OnceLock<(String, String)>> = Arc::default();
    let names = hosts.clone();
    let server = Server::start(&[HOST_1, HOST_2], move |r| {
        let (one, _two) = names.get().expect("hosts known");
        let at_two = r.local.ip() == HOST_2;
        let etag = format!("\"{}\"", r.path.len());
        if r.header("if-none-match") == Some(etag.as_str()) {
            return Reply::status(304);
        }
        let reply = match (at_two, r.path.as_str()) {
            (_, "/robots.txt") => Reply::ok("text/plain", "User-agent: *\nDisallow: /private/\n"),
            (false, "/feed.xml") => {
                let date_1 = if version.load(Ordering::SeqCst) == 0 { DATE } else { "Mon, 07 Dec 2026 08:00:00 GMT" };
                let items = [
                    (format!("{one}/news/1"), "One".to_string(), date_1.to_string()),
                    (format!("{one}/news/2?utm_source=rss&utm_medium=feed"), "Two".into(), DATE.into()),
                    (format!("{one}/private/3"), "Private".into(), DATE.into()),
                ];
                // The feed itself has no ETag, so it is read every time.
                return Reply::ok("application/rss+xml", rss(&items));
            }
            (false, "/sitemap.xml") => Reply::ok(
                "application/xml",
                format!(
                    "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" xmlns:news=\"http://www.google.com/schemas/sitemap-news/0.9\">\
                     <url><loc>{one}/news/5</loc><news:news><news:publication_date>2026-12-06</news:publication_date></news:news></url>\
                     <url><loc>{one}/news/1#top</loc></url><url><loc>{one}/news/6</loc></url></urlset>"
                ),
            ),
            (true, "/atom.xml") => Reply::ok(
                "application/atom+xml",
                format!(
                    "<feed xmlns=\"http://www.w3.org/2005/Atom\"><title>Two</title><id>t</id>\
                     <entry><title>Two again</title><id>a</id><link href=\"{one}/news/2?fbclid=xyz\"/></entry>\
                     <entry><title>Four</title><id>b</id><link href=\"/world/4\"/></entry></feed>"
                ),
            ),
            // A page in Windows-1252 whose header claims UTF-8.
            (false, "/news/6") => {
                let mut page = news_page(6).replace("utf-8", "windows-1252").into_bytes();
                let at = page.windows(4).position(|w| w == b"<p>(").unwrap_or(0);
                let mut cafe = b"<p>The caf\xe9 on the square reopened on Friday after the storm.</p>".to_vec();
                cafe.extend(page.split_off(at));
                page.extend(cafe);
                return Reply::ok("text/html; charset=utf-8", page).header("ETag", &etag);
            }
            (false, path) if path.starts_with("/news/") || path.starts_with("/private/") => {
                let n: usize = path.rsplit('/').next().unwrap().parse().unwrap_or(0);
                Reply::ok("text/html; charset=utf-8", news_page(n))
            }
            (true, path) if path.starts_with("/world/") => Reply::ok("text/html", news_page(4)),
            _ => Reply::status(404),
        };
        reply.header("ETag", &etag)
    })
    .unwrap();
    let _ = hosts.set((
        format!("http://{}", server.addr(0)),
        format!("http://{}", server.addr(1)),
    ));
    server
}

#[test]
fn watch_once_stores_each_new_article_once_and_a_second_run_nothing() {
    let version = Arc::new(AtomicUsize::new(0));
    let server = news_server(version.clone());
    let dir = TempDir::new("watch");
    let data = dir.path().join("data");
    let sources = dir.path().join("sources.txt");
    std::fs::write(
        &sources,
        format!(
            "# fixture news\n{}\n{} sitemap\n{}   # a second host\n{} page\n",
            server.url(0, "/feed.xml"),
            server.url(0, "/sitemap.xml"),
            server.url(1, "/atom.xml"),
            server.url(0, "/news/7"),
        ),
    )
    .unwrap();

    let first = watch(&data, &sources, &["--once", "--allow-private"]);
    assert_eq!(first.code(), 0, "{first:#?}");
    // 1, 2, 4, 5, 6 and 7; 3 is disallowed by robots.txt.
    assert_eq!(
        count(&data, "SELECT count(*) FROM articles"),
        6,
        "{}",
        first.stderr
    );
    assert!(first.stderr.contains("6 new articles"), "{}", first.stderr);
    assert_eq!(server.count("/private/3"), 0);
    // Item 2 is in two feeds, with different tracking parameters: one fetch.
    assert_eq!(server.count("/news/2"), 1);
    // The page in Windows-1252 with a wrong header reads right.
    assert_eq!(
        count(
            &data,
            "SELECT count(*) FROM articles WHERE text LIKE '%café on the square%'"
        ),
        1
    );
    assert_eq!(
        count(&data, "SELECT count(*) FROM watch_queue WHERE state = 1"),
        6
    );
    assert_eq!(
        count(&data, "SELECT count(*) FROM watch_queue WHERE state = 3"),
        1
    );

    let second = watch(&data, &sources, &["--once", "--allow-private"]);
    assert_eq!(second.code(), 0, "{second:#?}");
    assert!(
        second.stderr.contains("0 new articles"),
        "{}",
        second.stderr
    );
    assert_eq!(count(&data, "SELECT count(*) FROM articles"), 6);
    for page in [
        "/news/1", "/news/2", "/news/5", "/news/6", "/news/7", "/world/4",
    ] {
        assert_eq!(server.count(page), 1, "{page} fetched again");
    }
    // The sitemap and the Atom feed answered 304 to their ETags.
    let conditional = |path: &str| {
        server
            .requests()
            .iter()
            .filter(|r| r.path == path && r.header("if-none-match").is_some())
            .count()
    };
    assert_eq!(conditional("/sitemap.xml"), 1);
    assert_eq!(conditional("/atom.xml"), 1);

    // Item 1's page changed: fetched again, conditionally; its 304 stores
    // nothing new.
    version.store(1, Ordering::SeqCst);
    let third = watch(&data, &sources, &["--once", "--allow-private"]);
    assert_eq!(third.code(), 0, "{third:#?}");
    assert_eq!(server.count("/news/1"), 2);
    assert_eq!(conditional("/news/1"), 1);
    assert_eq!(server.count("/news/2"), 1);
    assert_eq!(count(&data, "SELECT count(*) FROM articles"), 6);
    assert_eq!(
        count(
            &data,
            "SELECT count(*) FROM articles GROUP BY url ORDER BY 1 DESC LIMIT 1"
        ),
        1
    );

    let status = run(["watch", "--status", "--data", data.to_str().unwrap()]);
    assert_eq!(status.code(), 0, "{status:#?}");
    assert!(
        status.stdout.contains(&server.url(1, "/atom.xml")),
        "{}",
        status.stdout
    );
    assert!(status.stdout.contains("feed"), "{}", status.stdout);
    assert!(
        status
            .stdout
            .contains("queue: 0 pending, 6 done, 0 to retry, 1 failed"),
        "{}",
        status.stdout
    );
}

#[test]
fn without_allow_private_loopback_sources_are_refused_and_nothing_is_requested() {
    let server = news_server(Arc::new(AtomicUsize::new(0)));
    let dir = TempDir::new("watch-guard");
    let data = dir.path().join("data");
    let sources = dir.path().join("sources.txt");
    std::fs::write(&sources, format!("{}\n", server.url(0, "/feed.xml"))).unwrap();
    let out = watch(&data, &sources, &["--once"]);
    assert_eq!(out.code(), 0, "{out:#?}");
    assert!(out.stderr.contains("a loopback address"), "{}", out.stderr);
    assert!(out.stderr.contains("--allow-private"), "{}", out.stderr);
    assert!(server.requests().is_empty());
    let status = run(["watch", "--status", "--data", data.to_str().unwrap()]);
    assert!(
        status.stdout.contains("1/1"),
        "the error streak: {}",
        status.stdout
    );
}

#[test]
fn fetch_stores_pages_by_url() {
    let server = news_server(Arc::new(AtomicUsize::new(0)));
    let dir = TempDir::new("fetch");
    let data = dir.path().join("data");
    let page = server.url(0, "/news/11");
    let out = run([
        "fetch",
        "--allow-private",
        "--data",
        data.to_str().unwrap(),
        &page,
        &format!("{page}?utm_source=x"),
    ]);
    assert_eq!(out.code(), 0, "{out:#?}");
    assert_eq!(count(&data, "SELECT count(*) FROM articles"), 1);
    let bad = run([
        "fetch",
        "--data",
        data.to_str().unwrap(),
        "file:///etc/passwd",
        &page,
    ]);
    assert_eq!(bad.code(), 1, "{bad:#?}");
    assert!(bad.stderr.contains("only http and https"), "{}", bad.stderr);
    assert!(bad.stderr.contains("refused"), "{}", bad.stderr);
}

#[test]
fn a_bad_sources_file_is_named_with_its_line() {
    let dir = TempDir::new("watch-bad");
    let sources = dir.path().join("sources.txt");
    std::fs::write(&sources, "https://a.example/rss\nnot-a-url\n").unwrap();
    let out = watch(&dir.path().join("data"), &sources, &["--once"]);
    assert_eq!(out.code(), 2, "{out:#?}");
    assert!(
        out.stderr.contains("sources.txt:2: not-a-url: not a URL"),
        "{}",
        out.stderr
    );
    std::fs::write(&sources, "https://a.example/rss podcast\n").unwrap();
    let out = watch(&dir.path().join("data"), &sources, &["--once"]);
    assert!(
        out.stderr
            .contains("sources.txt:1: unknown source kind \"podcast\""),
        "{}",
        out.stderr
    );
}

/// Pages in the feed of [`feed_of_pages`].
const KILL_PAGES: usize = 40;

/// One host with a feed of [`KILL_PAGES`] pages.
fn feed_of_pages() -> Server {
    let bases: Arc<std::sync::OnceLock<String>> = Arc::default();
    let names = bases.clone();
    let server = Server::start(&[HOST_1], move |r| {
        let base = names.get().expect("base known");
        match r.path.as_str() {
            "/robots.txt" => Reply::status(404),
            "/feed.xml" => {
                let items: Vec<(String, String, String)> = (0..KILL_PAGES)
                    .map(|n| {
                        (
                            format!("{base}/news/{n}"),
                            format!("Story {n}"),
                            DATE.to_string(),
                        )
                    })
                    .collect();
                Reply::ok("application/rss+xml", rss(&items))
            }
            path => {
                let n: usize = path.rsplit('/').next().unwrap().parse().unwrap_or(0);
                Reply::ok("text/html", news_page(1000 + n))
            }
        }
    })
    .unwrap();
    let _ = bases.set(format!("http://{}", server.addr(0)));
    server
}

/// A watcher of `server`'s feed into `data`, killed (SIGKILL) once a third
/// of the pages were fetched, then run again to its end. Returns the
/// pages fetched in all.
fn kill_and_rerun(server: &Server, data: &Path, dir: &TempDir) -> usize {
    let sources = dir.path().join("sources.txt");
    std::fs::write(&sources, format!("{}\n", server.url(0, "/feed.xml"))).unwrap();
    let mut child = crate::chancery()
        .args([
            "watch",
            "--once",
            "--allow-private",
            "--host-delay-ms",
            "20",
            "--sources",
        ])
        .arg(&sources)
        .arg("--data")
        .arg(data)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let fetched = || {
        server
            .requests()
            .iter()
            .filter(|r| r.path.starts_with("/news/"))
            .count()
    };
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while fetched() < KILL_PAGES / 3 {
        assert!(
            std::time::Instant::now() < deadline,
            "the watcher fetched too little"
        );
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let out = watch(data, &sources, &["--once", "--allow-private"]);
    assert_eq!(out.code(), 0, "{out:#?}");
    fetched()
}

#[test]
fn a_watcher_killed_mid_run_loses_and_duplicates_nothing() {
    let server = feed_of_pages();
    let dir = TempDir::new("watch-kill");
    let data = dir.path().join("data");
    let fetched = kill_and_rerun(&server, &data, &dir);
    assert_eq!(
        count(&data, "SELECT count(*) FROM articles"),
        KILL_PAGES as i64,
        "nothing lost"
    );
    assert_eq!(
        count(&data, "SELECT count(DISTINCT url) FROM articles"),
        KILL_PAGES as i64,
        "nothing twice"
    );
    assert_eq!(
        count(&data, "SELECT count(*) FROM watch_queue WHERE state = 1"),
        KILL_PAGES as i64
    );
    // Only pages whose batch had not been committed were fetched again.
    assert!(fetched < 2 * KILL_PAGES, "{fetched} fetches");
}

/// Over PostgreSQL too, and the rerun does not wait for the killed
/// watcher's claims to run out: its session is gone.
#[test]
fn a_watcher_killed_mid_run_over_postgres_loses_and_duplicates_nothing() {
    let Some(db) = chancery_queue::testing::TestDb::new("watch_killed_over_postgres") else {
        return;
    };
    let server = feed_of_pages();
    let dir = TempDir::new("pgwatch-kill");
    let fetched = kill_and_rerun(&server, Path::new(&db.url), &dir);
    let count = |sql: &str| -> i64 { db.client().query_one(sql, &[]).unwrap().get(0) };
    assert_eq!(
        count("SELECT count(*) FROM chancery.articles"),
        KILL_PAGES as i64,
        "nothing lost"
    );
    assert_eq!(
        count("SELECT count(DISTINCT url) FROM chancery.articles"),
        KILL_PAGES as i64,
        "nothing twice"
    );
    assert_eq!(
        count("SELECT count(*) FROM chancery_watch.queue WHERE state = 1 AND owner IS NULL"),
        KILL_PAGES as i64
    );
    assert!(fetched < 2 * KILL_PAGES, "{fetched} fetches");
}

#[test]
fn a_toml_sources_file_names_the_outlet_and_the_user_agent() {
    let server = news_server(Arc::new(AtomicUsize::new(0)));
    let dir = TempDir::new("watch-toml");
    let data = dir.path().join("data");
    let sources = dir.path().join("sources.toml");
    std::fs::write(
        &sources,
        format!(
            "user_agent = \"newsdesk\"\ncontact = \"https://example.org/crawler\"\nrate = 50.0\n\n\
             [[source]]\nurl = \"{}\"\nkind = \"sitemap\"\nname = \"Fixture Daily\"\nmin_interval = 60\n",
            server.url(0, "/sitemap.xml")
        ),
    )
    .unwrap();
    let out = watch(&data, &sources, &["--once", "--allow-private"]);
    assert_eq!(out.code(), 0, "{out:#?}");
    // The sitemap lists 5, 1 and 6.
    assert_eq!(count(&data, "SELECT count(*) FROM articles"), 3);
    assert_eq!(
        count(
            &data,
            "SELECT count(*) FROM articles WHERE source = 'Fixture Daily'"
        ),
        3
    );
    let agents: Vec<String> = server
        .requests()
        .iter()
        .filter_map(|r| r.header("user-agent").map(str::to_string))
        .collect();
    assert!(!agents.is_empty());
    for agent in &agents {
        assert!(
            agent.starts_with("newsdesk/") && agent.ends_with("(+https://example.org/crawler)"),
            "{agent}"
        );
    }
}

#[test]
fn serve_watch_reads_its_sources_file_before_serving() {
    let dir = TempDir::new("serve-watch-bad");
    let sources = dir.path().join("sources.toml");
    std::fs::write(
        &sources,
        "[[source]]\nurl = \"https://a.example/rss\"\nkind = \"podcast\"\n",
    )
    .unwrap();
    let data = dir.path().join("data");
    let out = run([
        "serve",
        "--addr",
        "127.0.0.1:0",
        "--data",
        data.to_str().unwrap(),
        "--watch",
        sources.to_str().unwrap(),
    ]);
    assert_eq!(out.code(), 2, "{out:#?}");
    assert!(
        out.stderr
            .contains("sources.toml:3: unknown source kind \"podcast\""),
        "{}",
        out.stderr
    );
    assert!(!data.exists(), "nothing was started");
}

/// `chancery watch` over PostgreSQL (`--data postgres://…`, or
/// `CHANCERY_DATABASE_URL`): the same articles as into a data directory,
/// the feeds and queue kept in the database (`--status` reads them), a
/// rerun fetching nothing again, and two watchers at once fetching each
/// page once.
#[test]
fn watch_over_postgres_keeps_its_state_in_the_database() {
    let Some(db) = chancery_queue::testing::TestDb::new("watch_over_postgres") else {
        return;
    };
    let server = news_server(Arc::default());
    let dir = TempDir::new("pgwatch");
    let sources = dir.path().join("sources.txt");
    std::fs::write(
        &sources,
        format!(
            "{}\n{} sitemap\n{}\n{} page\n",
            server.url(0, "/feed.xml"),
            server.url(0, "/sitemap.xml"),
            server.url(1, "/atom.xml"),
            server.url(0, "/news/7"),
        ),
    )
    .unwrap();
    let url = Path::new(&db.url);
    // Two watchers at once over one database.
    let both: Vec<_> = (0..2)
        .map(|_| {
            let (url, sources) = (url.to_path_buf(), sources.clone());
            std::thread::spawn(move || watch(&url, &sources, &["--once", "--allow-private"]))
        })
        .collect();
    for watcher in both {
        let out = watcher.join().unwrap();
        assert_eq!(out.code(), 0, "{out:#?}");
    }
    let count = |sql: &str| -> i64 { db.client().query_one(sql, &[]).unwrap().get(0) };
    // 1, 2, 4, 5, 6 and 7, as into a data directory; each fetched once.
    assert_eq!(count("SELECT count(*) FROM chancery.articles"), 6);
    for page in [
        "/news/1", "/news/2", "/news/5", "/news/6", "/news/7", "/world/4",
    ] {
        assert_eq!(server.count(page), 1, "{page}");
    }
    assert_eq!(
        count("SELECT count(*) FROM chancery.articles WHERE story IS NULL"),
        0
    );
    let again = watch(url, &sources, &["--once", "--allow-private"]);
    assert_eq!(again.code(), 0, "{again:#?}");
    assert!(again.stderr.contains("0 new articles"), "{}", again.stderr);
    assert_eq!(server.count("/news/1"), 1);

    let status = crate::chancery()
        .args(["watch", "--status"])
        .env("CHANCERY_DATABASE_URL", &db.url)
        .env_remove("CHANCERY_DATA")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&status.stdout);
    assert!(status.status.success(), "{status:?}");
    assert!(stdout.contains(&server.url(1, "/atom.xml")), "{stdout}");
    assert!(
        stdout.contains("queue: 0 pending, 6 done, 0 to retry, 1 failed"),
        "{stdout}"
    );
}
