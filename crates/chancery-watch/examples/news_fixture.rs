//! A fixture news web for `bench/watch.sh`: HOSTS loopback hosts
//! (127.0.0.1, 127.0.0.2, …), each with a robots.txt, an RSS feed of its
//! PAGES article pages (plus, with tracking parameters, a few of the next
//! host's, so feeds repeat each other) and the pages; a trap host on the
//! next address, which feeds link to and pages redirect to, stands for a
//! private address the watcher must never reach. With `--big N`, host 1
//! also serves a sitemap index of N URLs (sitemaps of 50,000).
//!
//! Writes the sources file and waits; prints the requests per kind when
//! standard input closes, the trap's count last.
//!
//!     cargo run --release --features fixture --example news_fixture -- \
//!         --hosts 20 --pages 100 --sources /tmp/sources.txt

use std::io::Read;
use std::net::{IpAddr, Ipv4Addr};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};

use chancery_watch::fixture::{news_page, rss, Reply, Server};

const DATE: &str = "Sun, 06 Dec 2026 08:00:00 GMT";
const PER_SITEMAP: usize = 50_000;

fn main() {
    let mut hosts = 20usize;
    let mut pages = 100usize;
    let mut big = 0usize;
    let mut sources = String::from("sources.txt");
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let value = args
            .next()
            .unwrap_or_else(|| panic!("{flag} needs a value"));
        match flag.as_str() {
            "--hosts" => hosts = value.parse().expect("--hosts N"),
            "--pages" => pages = value.parse().expect("--pages N"),
            "--big" => big = value.parse().expect("--big N"),
            "--sources" => sources = value,
            other => panic!("unknown option {other}"),
        }
    }
    let ips: Vec<IpAddr> = (1..=hosts as u8 + 1)
        .map(|i| IpAddr::V4(Ipv4Addr::new(127, 0, 0, i)))
        .collect();
    let bases: Arc<OnceLock<Vec<String>>> = Arc::default();
    let names = bases.clone();
    let trap_hits = Arc::new(AtomicU64::new(0));
    let page_hits = Arc::new(AtomicU64::new(0));
    let (trap, served) = (trap_hits.clone(), page_hits.clone());
    let listen = ips.clone();
    let server = Server::start(&listen, move |r| {
        let bases = names.get().expect("bases set");
        let host = ips.iter().position(|ip| *ip == r.local.ip()).unwrap_or(0);
        if host == hosts {
            trap.fetch_add(1, Ordering::Relaxed);
            return Reply::ok("text/html", news_page(999_999));
        }
        let path = r.path.split('?').next().unwrap_or("");
        match path {
            "/robots.txt" => Reply::ok("text/plain", "User-agent: *\nDisallow: /private/\n"),
            "/feed.xml" => {
                let mut items: Vec<(String, String, String)> = (0..pages)
                    .map(|n| {
                        (
                            format!("{}/news/{n}", bases[host]),
                            format!("Story {n}"),
                            DATE.into(),
                        )
                    })
                    .collect();
                let next = (host + 1) % hosts;
                for n in 0..5.min(pages) {
                    items.push((
                        format!("{}/news/{n}?utm_source=partner", bases[next]),
                        "Again".into(),
                        DATE.into(),
                    ));
                }
                items.push((
                    format!("{}/news/1", bases[hosts]),
                    "Trap".into(),
                    DATE.into(),
                ));
                items.push((
                    format!("{}/moved/1", bases[host]),
                    "Moved".into(),
                    DATE.into(),
                ));
                items.push((
                    format!("{}/private/1", bases[host]),
                    "Private".into(),
                    DATE.into(),
                ));
                Reply::ok("application/rss+xml", rss(&items))
            }
            "/sitemap-index.xml" => {
                let mut xml = String::from(
                    "<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">",
                );
                for i in 0..big.div_ceil(PER_SITEMAP) {
                    xml.push_str(&format!(
                        "<sitemap><loc>{}/sitemap-{i}.xml</loc></sitemap>",
                        bases[host]
                    ));
                }
                xml.push_str("</sitemapindex>");
                Reply::ok("application/xml", xml)
            }
            p if p.starts_with("/sitemap-") => {
                let i: usize = p
                    .trim_start_matches("/sitemap-")
                    .trim_end_matches(".xml")
                    .parse()
                    .unwrap_or(0);
                let mut xml =
                    String::from("<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">");
                for n in i * PER_SITEMAP..((i + 1) * PER_SITEMAP).min(big) {
                    xml.push_str(&format!("<url><loc>{}/big/{n}</loc></url>", bases[host]));
                }
                xml.push_str("</urlset>");
                Reply::ok("application/xml", xml)
            }
            p if p.starts_with("/moved/") => {
                Reply::redirect(302, &format!("{}/news/2", bases[hosts]))
            }
            p if p.starts_with("/news/")
                || p.starts_with("/big/")
                || p.starts_with("/private/") =>
            {
                served.fetch_add(1, Ordering::Relaxed);
                let n: usize = p
                    .rsplit('/')
                    .next()
                    .and_then(|n| n.parse().ok())
                    .unwrap_or(0);
                let id = if p.starts_with("/big/") {
                    1_000_000 + n
                } else {
                    host * 100_000 + n
                };
                Reply::ok("text/html; charset=utf-8", news_page(id))
            }
            _ => Reply::status(404),
        }
    })
    .expect("the fixture listens");
    let urls: Vec<String> = (0..=hosts).map(|i| server.url(i, "")).collect();
    let _ = bases.set(urls);
    let mut list = String::from("# fixture news hosts (bench/watch.sh)\n");
    for i in 0..hosts {
        list.push_str(&format!("{}\n", server.url(i, "/feed.xml")));
    }
    if big > 0 {
        list.push_str(&format!(
            "{} sitemap\n",
            server.url(0, "/sitemap-index.xml")
        ));
    }
    std::fs::write(&sources, list).expect("the sources file is written");
    let allowed: Vec<String> = (1..=hosts).map(|i| format!("127.0.0.{i}")).collect();
    println!("ready {}", allowed.join(" "));
    let _ = std::io::stdin().read_to_end(&mut Vec::new());
    println!("pages served: {}", page_hits.load(Ordering::Relaxed));
    println!("requests: {}", server.requests().len());
    println!("forbidden requests: {}", trap_hits.load(Ordering::Relaxed));
}
