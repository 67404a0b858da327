//! What a feed or a sitemap lists: the article URLs to fetch.
//!
//! Feeds (RSS 2.0 and older, Atom, JSON Feed) are read by feed-rs; sitemaps,
//! sitemap indexes and the Google News extension (`news:publication_date`,
//! `news:title`) by quick-xml. Both are pure functions of the bytes.

use std::time::Duration;

use quick_xml::events::Event;
use quick_xml::Reader;
use url::Url;

use crate::{canonicalize, WatchError};

/// What kind of listing a document is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListingKind {
    /// An RSS, Atom or JSON feed.
    Feed,
    /// A sitemap (`<urlset>`): its items are pages.
    Sitemap,
    /// A sitemap index (`<sitemapindex>`): its items are sitemaps.
    SitemapIndex,
}

/// One URL a listing names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    /// The canonical URL.
    pub url: Url,
    /// When the listing says it last changed (as written), so a page that
    /// changes is fetched again.
    pub updated: Option<String>,
    /// The title the listing gives, if any.
    pub title: Option<String>,
}

/// A parsed feed or sitemap.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listing {
    /// Its kind.
    pub kind: ListingKind,
    /// The items in document order, each URL once.
    pub items: Vec<Item>,
    /// How long the feed may be cached (RSS `<ttl>`): never poll sooner.
    pub ttl: Option<Duration>,
    /// Items skipped because their URL is not http(s).
    pub skipped: usize,
}

/// Whether the bytes look like an HTML page rather than a listing.
pub fn looks_like_html(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(1024)];
    let head = String::from_utf8_lossy(head).to_ascii_lowercase();
    let head = head.trim_start_matches('\u{feff}').trim_start();
    head.starts_with("<!doctype html") || head.starts_with("<html") || head.contains("<html")
}

/// Parses a feed or a sitemap fetched from `base` (relative URLs resolve
/// against it).
pub fn parse_listing(bytes: &[u8], base: &Url) -> Result<Listing, WatchError> {
    let not = |problem: String| WatchError::NotAListing {
        url: base.to_string(),
        problem,
    };
    if looks_like_html(bytes) {
        return Err(not("it is an HTML page".into()));
    }
    match root_element(bytes).as_deref() {
        Some("urlset") => parse_sitemap(bytes, base, ListingKind::Sitemap),
        Some("sitemapindex") => parse_sitemap(bytes, base, ListingKind::SitemapIndex),
        _ => parse_feed(bytes, base).map_err(not),
    }
}

/// The local name of the first element of an XML document, if it is one.
fn root_element(bytes: &[u8]) -> Option<String> {
    let head = &bytes[..bytes.len().min(4096)];
    let text = String::from_utf8_lossy(head);
    let mut reader = Reader::from_str(text.trim_start_matches('\u{feff}'));
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) | Ok(Event::Empty(e)) => {
                return Some(e.local_name().as_ref().to_ascii_lowercase())
            }
            Ok(Event::Eof) | Err(_) => return None,
            Ok(_) => {}
        }
    }
}

fn parse_feed(bytes: &[u8], base: &Url) -> Result<Listing, String> {
    let parser = feed_rs::parser::Builder::new()
        .base_uri(Some(base.as_str()))
        .build();
    let feed = parser.parse(bytes).map_err(|e| e.to_string())?;
    let mut items = Vec::new();
    let mut skipped = 0;
    let mut seen = std::collections::HashSet::new();
    for entry in &feed.entries {
        // The entry's page: its alternate link, else an id that is a URL
        // (RSS guid isPermaLink, JSON Feed url).
        let link = entry
            .links
            .iter()
            .find(|l| l.rel.as_deref().is_none_or(|r| r == "alternate"))
            .map(|l| l.href.as_str())
            .or_else(|| entry.id.starts_with("http").then_some(entry.id.as_str()));
        let Some(link) = link else {
            skipped += 1;
            continue;
        };
        match canonicalize(link, Some(base)) {
            Ok(url) if seen.insert(url.clone()) => items.push(Item {
                url,
                updated: entry.updated.or(entry.published).map(|d| d.to_rfc3339()),
                title: entry.title.as_ref().map(|t| t.content.trim().to_string()),
            }),
            Ok(_) => {}
            Err(_) => skipped += 1,
        }
    }
    Ok(Listing {
        kind: ListingKind::Feed,
        items,
        ttl: feed
            .ttl
            .map(|minutes| Duration::from_secs(u64::from(minutes) * 60)),
        skipped,
    })
}

/// The XML entity or character reference `name` (between `&` and `;`).
fn reference(name: &str) -> Option<char> {
    match name {
        "amp" => Some('&'),
        "lt" => Some('<'),
        "gt" => Some('>'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        _ => {
            let code = name.strip_prefix('#')?;
            let value = match code.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => code.parse().ok()?,
            };
            char::from_u32(value)
        }
    }
}

fn parse_sitemap(bytes: &[u8], base: &Url, kind: ListingKind) -> Result<Listing, WatchError> {
    // Sitemaps are UTF-8 by the protocol.
    let text = String::from_utf8_lossy(bytes);
    let mut reader = Reader::from_str(text.trim_start_matches('\u{feff}'));
    let entry_tag = if kind == ListingKind::Sitemap {
        "url"
    } else {
        "sitemap"
    };
    let mut items = Vec::new();
    let mut skipped = 0;
    let mut seen = std::collections::HashSet::new();
    let mut in_entry = false;
    // The element whose text is being read, and the entry's fields.
    let mut field: Option<String> = None;
    let mut text_buf = String::new();
    let (mut loc, mut lastmod, mut news_date, mut news_title) = (None, None, None, None);
    loop {
        let event = reader.read_event().map_err(|e| WatchError::NotAListing {
            url: base.to_string(),
            problem: format!("broken XML at byte {}: {e}", reader.buffer_position()),
        })?;
        match event {
            Event::Start(e) => {
                let name = e.local_name().as_ref().to_ascii_lowercase();
                if name == entry_tag {
                    in_entry = true;
                    (loc, lastmod, news_date, news_title) = (None, None, None, None);
                } else if in_entry {
                    field = Some(name);
                    text_buf.clear();
                }
            }
            Event::Text(t) if field.is_some() => text_buf.push_str(&t),
            Event::CData(t) if field.is_some() => text_buf.push_str(&t),
            Event::GeneralRef(r) if field.is_some() => {
                if let Some(c) = reference(&r) {
                    text_buf.push(c);
                }
            }
            Event::End(e) => {
                let name = e.local_name().as_ref().to_ascii_lowercase();
                if name == entry_tag && in_entry {
                    in_entry = false;
                    match loc.take().map(|l: String| canonicalize(&l, Some(base))) {
                        Some(Ok(url)) if seen.insert(url.clone()) => items.push(Item {
                            url,
                            updated: news_date.take().or(lastmod.take()),
                            title: news_title.take(),
                        }),
                        Some(Ok(_)) => {}
                        _ => skipped += 1,
                    }
                } else if field.as_deref() == Some(name.as_str()) {
                    let value = text_buf.trim().to_string();
                    match name.as_str() {
                        "loc" => loc = Some(value),
                        "lastmod" => lastmod = Some(value),
                        "publication_date" => news_date = Some(value),
                        "title" => news_title = Some(value),
                        _ => {}
                    }
                    field = None;
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(Listing {
        kind,
        items,
        ttl: None,
        skipped,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> Url {
        Url::parse("https://news.example/feeds/world.xml").unwrap()
    }

    fn urls(listing: &Listing) -> Vec<&str> {
        listing.items.iter().map(|i| i.url.as_str()).collect()
    }

    #[test]
    fn rss_items_with_ttl() {
        let rss = br#"<?xml version="1.0"?><rss version="2.0"><channel><title>W</title><ttl>30</ttl>
<item><title>One</title><link>https://news.example/a?utm_source=rss</link><pubDate>Sun, 06 Dec 2026 08:00:00 GMT</pubDate></item>
<item><title>Two</title><link>/b</link></item>
<item><title>One again</title><link>https://news.example/a#x</link></item>
<item><title>Mail</title><link>mailto:x@news.example</link></item>
</channel></rss>"#;
        let listing = parse_listing(rss, &base()).unwrap();
        assert_eq!(listing.kind, ListingKind::Feed);
        assert_eq!(
            urls(&listing),
            ["https://news.example/a", "https://news.example/b"]
        );
        assert_eq!(listing.ttl, Some(Duration::from_secs(1800)));
        assert_eq!(
            listing.items[0].updated.as_deref(),
            Some("2026-12-06T08:00:00+00:00")
        );
        assert_eq!(listing.skipped, 1);
    }

    #[test]
    fn atom_and_json_feeds() {
        let atom = br#"<feed xmlns="http://www.w3.org/2005/Atom"><title>A</title><id>x</id>
<entry><title>E</title><id>urn:1</id><link rel="alternate" href="https://news.example/e1"/><updated>2026-12-06T07:00:00Z</updated></entry></feed>"#;
        assert_eq!(
            urls(&parse_listing(atom, &base()).unwrap()),
            ["https://news.example/e1"]
        );
        let json = br#"{"version":"https://jsonfeed.org/version/1.1","title":"J","items":[{"id":"1","url":"https://news.example/j1","title":"J1"}]}"#;
        assert_eq!(
            urls(&parse_listing(json, &base()).unwrap()),
            ["https://news.example/j1"]
        );
    }

    #[test]
    fn news_sitemaps_and_indexes() {
        let sitemap = br#"<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
<url><loc>https://news.example/s1?a=1&amp;b=2</loc><lastmod>2026-12-01</lastmod>
<news:news><news:publication><news:name>N</news:name><news:language>en</news:language></news:publication>
<news:publication_date>2026-12-06T06:00:00Z</news:publication_date><news:title>Story &amp; more</news:title></news:news></url>
<url><loc><![CDATA[https://news.example/s2]]></loc></url>
</urlset>"#;
        let listing = parse_listing(sitemap, &base()).unwrap();
        assert_eq!(listing.kind, ListingKind::Sitemap);
        assert_eq!(
            urls(&listing),
            ["https://news.example/s1?a=1&b=2", "https://news.example/s2"]
        );
        assert_eq!(
            listing.items[0].updated.as_deref(),
            Some("2026-12-06T06:00:00Z")
        );
        assert_eq!(listing.items[0].title.as_deref(), Some("Story & more"));
        let index = br#"<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><sitemap><loc>https://news.example/sm-1.xml</loc></sitemap></sitemapindex>"#;
        let listing = parse_listing(index, &base()).unwrap();
        assert_eq!(listing.kind, ListingKind::SitemapIndex);
        assert_eq!(urls(&listing), ["https://news.example/sm-1.xml"]);
    }

    #[test]
    fn pages_and_garbage_are_not_listings() {
        let err = parse_listing(b"<!DOCTYPE html><html><p>hi</p></html>", &base()).unwrap_err();
        assert!(err.to_string().contains("HTML page"), "{err}");
        assert!(parse_listing(b"\x00\x01garbage", &base()).is_err());
        let err = parse_listing(b"<urlset><url><loc>x</loc></url", &base()).unwrap_err();
        assert!(err.to_string().contains("broken XML"), "{err}");
    }
}
