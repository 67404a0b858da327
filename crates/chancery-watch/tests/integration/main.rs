//! The crawler against a fixture server on loopback: one test per behaviour
//! of issue 15 (feeds, sitemaps, conditional GET, errors and retries, caps,
//! redirects, the SSRF guard, robots.txt, politeness).

use std::io::Write;
use std::net::{IpAddr, Ipv4Addr};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chancery_watch::fixture::{Payload, Reply, Request, Server};
use chancery_watch::{
    canonicalize, parse_listing, CrawlConfig, Crawler, FetchConfig, Finished, ListingKind,
    Response, Task, Url, Validators, Want, WatchError,
};

const HOST_1: IpAddr = IpAddr::V4(Ipv4Addr::new(127, 0, 0, 1));
const HOST_2: IpAddr = IpAddr::V4(Ipv4Addr::new(127, 0, 0, 2));

fn config() -> CrawlConfig {
    CrawlConfig {
        fetch: FetchConfig {
            allow_private: true,
            timeout: Duration::from_secs(2),
            max_body: 256 * 1024,
            max_decoded: 1024 * 1024,
            contact: Some("https://example.org/contact".into()),
            ..FetchConfig::default()
        },
        host_delay: Duration::from_millis(10),
        rate: 1000.0,
        backoff: Duration::from_millis(50),
        workers: 4,
        ..CrawlConfig::default()
    }
}

/// A fixture on two loopback addresses; robots.txt is a 404 (no rules)
/// unless the handler serves `/robots.txt` itself (see `server_with_robots`).
fn server(handler: impl Fn(&Request) -> Reply + Send + Sync + 'static) -> Server {
    server_with_robots(move |r| {
        if r.path == "/robots.txt" {
            Reply::status(404)
        } else {
            handler(r)
        }
    })
}

fn server_with_robots(handler: impl Fn(&Request) -> Reply + Send + Sync + 'static) -> Server {
    Server::start(&[HOST_1, HOST_2], handler).expect("a loopback fixture server")
}

fn fetch_with(crawler: &Crawler, url: &str, validators: Validators, want: Want) -> Finished<()> {
    let mut out = Vec::new();
    let task = Task {
        url: canonicalize(url, None).unwrap(),
        validators,
        want,
        tag: (),
    };
    crawler.run(vec![task], |f| out.push(f));
    out.pop().expect("one result")
}

fn fetch(crawler: &Crawler, url: &str) -> Finished<()> {
    fetch_with(crawler, url, Validators::default(), Want::Page)
}

fn body(finished: Finished<()>) -> chancery_watch::Body {
    match finished.result {
        Ok(Response::Body(body)) => body,
        other => panic!("a body, not {other:?}"),
    }
}

const RSS: &str = r#"<?xml version="1.0"?><rss version="2.0"><channel><title>F</title>
<item><title>A</title><link>/a?utm_source=rss</link></item>
<item><title>B</title><link>/b</link></item></channel></rss>"#;

const ATOM: &str = r#"<feed xmlns="http://www.w3.org/2005/Atom"><title>F</title><id>f</id>
<entry><title>B</title><id>b</id><link href="/b#comments"/></entry>
<entry><title>C</title><id>c</id><link href="/c"/></entry></feed>"#;

const JSON_FEED: &str =
    r#"{"version":"https://jsonfeed.org/version/1.1","title":"F","items":[{"id":"d","url":"/d"}]}"#;

const SITEMAP: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
<url><loc>/e</loc><news:news><news:publication_date>2026-12-06T06:00:00Z</news:publication_date><news:title>E</news:title></news:news></url>
</urlset>"#;

fn listing_urls(crawler: &Crawler, url: &str) -> (ListingKind, Vec<String>) {
    let body = body(fetch_with(
        crawler,
        url,
        Validators::default(),
        Want::Listing,
    ));
    let listing = parse_listing(&body.bytes, &body.url).unwrap();
    let paths = listing
        .items
        .iter()
        .map(|i| i.url.path().to_string())
        .collect();
    (listing.kind, paths)
}

#[test]
fn feeds_of_each_kind_and_sitemaps_list_their_items() {
    let server = server(|r| match r.path.as_str() {
        "/rss" => Reply::ok("application/rss+xml", RSS),
        "/atom" => Reply::ok("application/atom+xml", ATOM),
        "/json" => Reply::ok("application/feed+json", JSON_FEED),
        "/sitemap.xml" => Reply::ok("application/xml", SITEMAP),
        "/index.xml" => Reply::ok(
            "text/xml",
            r#"<sitemapindex><sitemap><loc>/sitemap.xml</loc></sitemap></sitemapindex>"#,
        ),
        _ => Reply::status(404),
    });
    let crawler = Crawler::new(config());
    assert_eq!(
        listing_urls(&crawler, &server.url(0, "/rss")),
        (ListingKind::Feed, vec!["/a".into(), "/b".into()])
    );
    assert_eq!(
        listing_urls(&crawler, &server.url(0, "/atom")),
        (ListingKind::Feed, vec!["/b".into(), "/c".into()])
    );
    assert_eq!(
        listing_urls(&crawler, &server.url(0, "/json")),
        (ListingKind::Feed, vec!["/d".into()])
    );
    assert_eq!(
        listing_urls(&crawler, &server.url(0, "/sitemap.xml")),
        (ListingKind::Sitemap, vec!["/e".into()])
    );
    assert_eq!(
        listing_urls(&crawler, &server.url(0, "/index.xml")),
        (ListingKind::SitemapIndex, vec!["/sitemap.xml".into()])
    );
}

#[test]
fn duplicate_items_across_feeds_have_one_canonical_url() {
    let base = Url::parse("http://127.0.0.1/").unwrap();
    let rss = parse_listing(RSS.as_bytes(), &base).unwrap();
    let atom = parse_listing(ATOM.as_bytes(), &base).unwrap();
    let shared: Vec<&Url> = rss
        .items
        .iter()
        .map(|i| &i.url)
        .filter(|u| atom.items.iter().any(|a| &a.url == *u))
        .collect();
    assert_eq!(shared, [&Url::parse("http://127.0.0.1/b").unwrap()]);
}

#[test]
fn a_304_answers_a_conditional_get() {
    let server = server(|r| {
        if r.header("if-none-match") == Some("\"v1\"") || r.header("if-modified-since").is_some() {
            Reply::status(304)
        } else {
            Reply::ok("text/html", "<p>page</p>")
                .header("ETag", "\"v1\"")
                .header("Last-Modified", "Sun, 06 Dec 2026 08:00:00 GMT")
        }
    });
    let crawler = Crawler::new(config());
    let first = body(fetch(&crawler, &server.url(0, "/p")));
    assert_eq!(first.validators.etag.as_deref(), Some("\"v1\""));
    let again = fetch_with(
        &crawler,
        &server.url(0, "/p"),
        first.validators.clone(),
        Want::Page,
    );
    assert!(
        matches!(again.result, Ok(Response::NotModified)),
        "{:?}",
        again.result
    );
    let by_date = Validators {
        etag: None,
        last_modified: first.validators.last_modified,
    };
    let again = fetch_with(&crawler, &server.url(0, "/p"), by_date, Want::Page);
    assert!(matches!(again.result, Ok(Response::NotModified)));
}

#[test]
fn a_404_fails_at_once_without_retries() {
    let server = server(|_| Reply::status(404));
    let crawler = Crawler::new(config());
    let finished = fetch(&crawler, &server.url(0, "/missing"));
    assert!(matches!(
        finished.result,
        Err(WatchError::Status { status: 404, .. })
    ));
    assert_eq!(finished.attempts, 1);
    assert_eq!(server.count("/missing"), 1);
}

#[test]
fn a_429_is_retried_after_its_retry_after() {
    let times = Arc::new(Mutex::new(Vec::new()));
    let seen = times.clone();
    let server = server(move |r| {
        if r.path != "/busy" {
            return Reply::status(404);
        }
        let mut times = seen.lock().unwrap();
        times.push(Instant::now());
        if times.len() == 1 {
            Reply::status(429).header("Retry-After", "1")
        } else {
            Reply::ok("text/html", "<p>ok</p>")
        }
    });
    let crawler = Crawler::new(config());
    let finished = fetch(&crawler, &server.url(0, "/busy"));
    assert!(matches!(finished.result, Ok(Response::Body(_))));
    assert_eq!(finished.attempts, 2);
    let times = times.lock().unwrap();
    assert!(
        times[1] - times[0] >= Duration::from_millis(950),
        "{:?}",
        times[1] - times[0]
    );
}

#[test]
fn a_retry_after_beyond_the_cap_is_not_waited_for() {
    let server = server(|_| Reply::status(503).header("Retry-After", "3600"));
    let crawler = Crawler::new(config());
    let finished = fetch(&crawler, &server.url(0, "/later"));
    let error = finished.result.unwrap_err();
    assert_eq!(error.retry_after(), Some(Duration::from_secs(3600)));
    assert_eq!(server.count("/later"), 1);
}

#[test]
fn a_500_streak_backs_off_exponentially_then_gives_up() {
    let times = Arc::new(Mutex::new(Vec::new()));
    let seen = times.clone();
    let server = server(move |r| {
        if r.path == "/down" {
            seen.lock().unwrap().push(Instant::now());
        }
        Reply::status(500)
    });
    let crawler = Crawler::new(CrawlConfig {
        max_attempts: 4,
        backoff: Duration::from_millis(100),
        ..config()
    });
    let finished = fetch(&crawler, &server.url(0, "/down"));
    let error = finished.result.unwrap_err();
    assert!(error.is_transient(), "{error}");
    assert_eq!(finished.attempts, 4);
    let times = times.lock().unwrap();
    assert_eq!(times.len(), 4);
    // Backoff 100, 200, 400 ms (plus up to half again of jitter).
    for (i, least) in [100u64, 200, 400].into_iter().enumerate() {
        let gap = times[i + 1] - times[i];
        assert!(gap >= Duration::from_millis(least), "retry {i}: {gap:?}");
    }
}

#[test]
fn a_slow_body_times_out() {
    let server = server(|_| Reply {
        status: 200,
        headers: vec![("Content-Type".into(), "text/html".into())],
        payload: Payload::Slow {
            total: 1000,
            pause: Duration::from_millis(50),
        },
    });
    let crawler = Crawler::new(CrawlConfig {
        max_attempts: 1,
        fetch: FetchConfig {
            timeout: Duration::from_millis(500),
            ..config().fetch
        },
        ..config()
    });
    let finished = fetch(&crawler, &server.url(0, "/slow"));
    assert!(
        matches!(finished.result, Err(WatchError::Timeout { .. })),
        "{:?}",
        finished.result
    );
}

#[test]
fn an_endless_body_stops_at_the_size_cap() {
    let server = server(|_| Reply {
        status: 200,
        headers: vec![("Content-Type".into(), "text/html".into())],
        payload: Payload::Endless,
    });
    let crawler = Crawler::new(config());
    let finished = fetch(&crawler, &server.url(0, "/endless"));
    assert!(
        matches!(
            finished.result,
            Err(WatchError::TooLarge {
                decompressed: false,
                ..
            })
        ),
        "{:?}",
        finished.result
    );
}

#[test]
fn a_gzip_bomb_stops_at_the_decompression_cap() {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    gz.write_all(&vec![b' '; 64 << 20]).unwrap();
    let bomb = gz.finish().unwrap();
    assert!(bomb.len() < 256 * 1024, "the bomb fits under the body cap");
    let server =
        server(move |_| Reply::ok("text/html", bomb.clone()).header("Content-Encoding", "gzip"));
    let crawler = Crawler::new(config());
    let finished = fetch(&crawler, &server.url(0, "/bomb"));
    assert!(
        matches!(
            finished.result,
            Err(WatchError::TooLarge {
                decompressed: true,
                ..
            })
        ),
        "{:?}",
        finished.result
    );
}

#[test]
fn a_gzipped_page_is_decoded() {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(b"<p>zipped</p>").unwrap();
    let zipped = gz.finish().unwrap();
    let server =
        server(move |_| Reply::ok("text/html", zipped.clone()).header("Content-Encoding", "gzip"));
    let crawler = Crawler::new(config());
    assert_eq!(
        body(fetch(&crawler, &server.url(0, "/z"))).bytes,
        b"<p>zipped</p>"
    );
}

#[test]
fn redirect_loops_and_long_chains_are_stopped() {
    let server = server(|r| {
        if r.path == "/loop-a" {
            Reply::redirect(302, "/loop-b")
        } else if r.path == "/loop-b" {
            Reply::redirect(301, "/loop-a")
        } else if let Some(n) = r.path.strip_prefix("/hop/") {
            let n: u32 = n.parse().unwrap_or(0);
            Reply::redirect(307, &format!("/hop/{}", n + 1))
        } else if r.path == "/moved" {
            Reply::redirect(308, "/here?utm_medium=x")
        } else if r.path == "/here" {
            Reply::ok("text/html", "<p>here</p>")
        } else {
            Reply::status(404)
        }
    });
    let crawler = Crawler::new(config());
    let error = fetch(&crawler, &server.url(0, "/loop-a"))
        .result
        .unwrap_err();
    assert!(error.to_string().contains("redirect loop"), "{error}");
    let error = fetch(&crawler, &server.url(0, "/hop/0"))
        .result
        .unwrap_err();
    assert!(
        error.to_string().contains("more than 5 redirects"),
        "{error}"
    );
    assert_eq!(
        server
            .requests()
            .iter()
            .filter(|r| r.path.starts_with("/hop/"))
            .count(),
        6
    );
    let moved = body(fetch(&crawler, &server.url(0, "/moved")));
    assert_eq!(moved.url.path(), "/here");
    assert_eq!(moved.url.query(), None);
}

/// The guard on, with only the fixture's first address allowed: the
/// second loopback address stands for a private one.
fn guarded() -> Crawler {
    Crawler::new(CrawlConfig {
        fetch: FetchConfig {
            allow_private: false,
            allow_addresses: vec![HOST_1],
            ..config().fetch
        },
        ..config()
    })
}

#[test]
fn a_redirect_to_a_private_address_is_refused_before_connecting() {
    let server = Server::start(&[HOST_1, HOST_2], |_| Reply::ok("text/html", "<p>x</p>")).unwrap();
    let target = server.url(1, "/secret");
    let redirecting = Server::start(&[HOST_1], move |_| Reply::redirect(302, &target)).unwrap();
    let crawler = guarded();
    let finished = fetch(&crawler, &redirecting.url(0, "/go"));
    let error = finished.result.unwrap_err();
    assert!(matches!(error, WatchError::Forbidden { .. }), "{error}");
    assert!(
        error.to_string().contains("127.0.0.2, a loopback address"),
        "{error}"
    );
    assert_eq!(
        server.count_at(1),
        0,
        "no request reached the private address"
    );
    assert!(crawler.refused() >= 1);
}

#[test]
fn private_and_metadata_addresses_are_refused_by_default() {
    let crawler = Crawler::new(CrawlConfig {
        fetch: FetchConfig {
            allow_private: false,
            ..config().fetch
        },
        ..config()
    });
    for url in [
        "http://169.254.169.254/latest/meta-data/",
        "http://localhost:9/",
        "http://10.0.0.1/",
        "http://[::1]:9/",
        "http://0.0.0.0:9/",
    ] {
        let error = fetch(&crawler, url).result.unwrap_err();
        assert!(
            matches!(error, WatchError::Forbidden { .. }),
            "{url}: {error}"
        );
    }
    assert_eq!(crawler.stats().requests.load(Ordering::Relaxed), 0);
}

#[test]
fn robots_txt_disallow_is_honoured() {
    let server = server_with_robots(|r| {
        match r.path.as_str() {
        "/robots.txt" => Reply::ok(
            "text/plain",
            "User-agent: *\nDisallow: /private/\n\nUser-agent: chancery\nDisallow: /private/\nDisallow: /nochancery\n",
        ),
        _ => Reply::ok("text/html", "<p>page</p>"),
    }
    });
    let crawler = Crawler::new(config());
    for path in ["/private/x", "/nochancery"] {
        let error = fetch(&crawler, &server.url(0, path)).result.unwrap_err();
        assert!(matches!(error, WatchError::Robots { .. }), "{error}");
        assert_eq!(server.count(path), 0);
    }
    assert!(fetch(&crawler, &server.url(0, "/public")).result.is_ok());
    // robots.txt was read once for the host.
    assert_eq!(server.count("/robots.txt"), 1);
}

#[test]
fn an_unreadable_robots_txt_fetches_nothing_from_the_host() {
    let server = server_with_robots(|r| match r.path.as_str() {
        "/robots.txt" => Reply::status(503),
        _ => Reply::ok("text/html", "<p>page</p>"),
    });
    let crawler = Crawler::new(CrawlConfig {
        max_attempts: 1,
        ..config()
    });
    let error = fetch(&crawler, &server.url(0, "/page")).result.unwrap_err();
    assert!(
        error.to_string().contains("robots.txt cannot be read"),
        "{error}"
    );
    assert!(error.is_transient());
    assert_eq!(server.count("/page"), 0);
}

#[test]
fn one_request_at_a_time_per_host_with_the_delay_between() {
    let in_flight: Arc<[AtomicUsize; 2]> = Arc::new([AtomicUsize::new(0), AtomicUsize::new(0)]);
    let most = Arc::new(AtomicUsize::new(0));
    let (flight, top) = (in_flight.clone(), most.clone());
    let server = server(move |r| {
        let i = usize::from(r.local.ip() == HOST_2);
        let now = flight[i].fetch_add(1, Ordering::SeqCst) + 1;
        top.fetch_max(now, Ordering::SeqCst);
        std::thread::sleep(Duration::from_millis(20));
        flight[i].fetch_sub(1, Ordering::SeqCst);
        Reply::ok("text/html", "<p>page</p>")
    });
    let crawler = Crawler::new(CrawlConfig {
        host_delay: Duration::from_millis(30),
        workers: 8,
        ..config()
    });
    let tasks: Vec<Task<usize>> = (0..16)
        .map(|n| Task {
            url: canonicalize(&server.url(n % 2, &format!("/p{n}")), None).unwrap(),
            validators: Validators::default(),
            want: Want::Page,
            tag: n,
        })
        .collect();
    let mut done = 0;
    crawler.run(tasks, |f| {
        assert!(f.result.is_ok(), "{:?}", f.result);
        done += 1;
    });
    assert_eq!(done, 16);
    assert_eq!(
        most.load(Ordering::SeqCst),
        1,
        "never two requests at once to a host"
    );
    // Both hosts were served (each with its robots.txt).
    assert_eq!(server.count_at(0), 9);
    assert_eq!(server.count_at(1), 9);
}

#[test]
fn crawl_delay_spaces_a_hosts_requests() {
    let times = Arc::new(Mutex::new(Vec::new()));
    let seen = times.clone();
    let server = server_with_robots(move |r| {
        if r.path == "/robots.txt" {
            return Reply::ok("text/plain", "User-agent: *\nCrawl-delay: 1\n");
        }
        seen.lock().unwrap().push(Instant::now());
        Reply::ok("text/html", "<p>page</p>")
    });
    let crawler = Crawler::new(config());
    let tasks: Vec<Task<()>> = ["/a", "/b"]
        .iter()
        .map(|p| Task {
            url: canonicalize(&server.url(0, p), None).unwrap(),
            validators: Validators::default(),
            want: Want::Page,
            tag: (),
        })
        .collect();
    crawler.run(tasks, |_| {});
    let times = times.lock().unwrap();
    assert_eq!(times.len(), 2);
    assert!(
        times[1] - times[0] >= Duration::from_millis(950),
        "{:?}",
        times[1] - times[0]
    );
}

#[test]
fn the_user_agent_names_chancery_and_the_contact() {
    let server = server(|_| Reply::ok("text/html", "<p>x</p>"));
    let crawler = Crawler::new(config());
    fetch(&crawler, &server.url(0, "/ua")).result.unwrap();
    let request = server
        .requests()
        .into_iter()
        .find(|r| r.path == "/ua")
        .unwrap();
    let agent = request.header("user-agent").unwrap();
    assert!(agent.starts_with("chancery/"), "{agent}");
    assert!(agent.ends_with("(+https://example.org/contact)"), "{agent}");
}

#[test]
fn images_and_other_non_pages_are_refused_by_content_type() {
    let server = server(|_| Reply::ok("image/png", vec![0x89, b'P', b'N', b'G']));
    let crawler = Crawler::new(config());
    let error = fetch(&crawler, &server.url(0, "/img")).result.unwrap_err();
    assert!(matches!(error, WatchError::ContentType { .. }), "{error}");
}

#[test]
fn a_body_in_another_charset_is_passed_on_as_sent() {
    // Extraction decodes charsets (BOM, meta, statistics); the fetcher must
    // not re-encode what it got, whatever the header claims.
    let latin1 =
        b"<html><head><meta charset=\"windows-1252\"></head><body><p>caf\xe9</p></body></html>"
            .to_vec();
    let sent = latin1.clone();
    let server = server(move |_| Reply::ok("text/html; charset=utf-8", sent.clone()));
    let crawler = Crawler::new(config());
    assert_eq!(
        body(fetch(&crawler, &server.url(0, "/latin1"))).bytes,
        latin1
    );
}

#[test]
fn the_shipped_world_news_sources_parse() {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../sources/world-news.txt");
    let sources = chancery_watch::read_sources(&path).unwrap().sources;
    assert!(sources.len() >= 12, "{}", sources.len());
    assert!(sources.iter().all(|s| s.url.scheme() == "https"));
    let hosts: std::collections::HashSet<_> = sources
        .iter()
        .map(|s| s.url.host_str().unwrap().to_string())
        .collect();
    assert_eq!(hosts.len(), sources.len(), "one feed per outlet");
}

#[test]
fn the_shipped_toml_sources_are_the_text_file_with_names() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../sources");
    let text = chancery_watch::read_sources(&dir.join("world-news.txt")).unwrap();
    let toml = chancery_watch::read_sources(&dir.join("world-news.toml")).unwrap();
    let urls = |file: &chancery_watch::SourcesFile| -> Vec<String> {
        file.sources.iter().map(|s| s.url.to_string()).collect()
    };
    assert_eq!(urls(&toml), urls(&text));
    assert!(toml.sources.iter().all(|s| s.name.is_some()
        && s.kind == chancery_watch::SourceKind::Feed
        && s.min_interval <= s.max_interval));
    assert_eq!(toml.user_agent.as_deref(), Some("chancery"));
    assert!(toml.rate.is_some());
}
