//! The Rust HTML extraction crates people use today, behind the `peers` cargo
//! feature, so `chancery eval extraction --peers` scores them beside chancery's
//! own extractor on the same pages in the same run.
//!
//! Each adapter decodes the page as UTF-8 (lossy, like the benchmark pages are
//! stored), calls the crate's main-text API with its default options (plain text
//! output, comments left out) and maps the title, authors and date the crate
//! reports. A panic inside a crate is caught and reported as a refused page, so
//! one bad page cannot end the run.

use std::panic::{catch_unwind, AssertUnwindSafe};

use crate::extraction::{BodyExtractor, Extracted};

/// All peer extractors, in report order.
pub fn all() -> Vec<Box<dyn BodyExtractor>> {
    vec![
        Box::new(DomSmoothie),
        Box::new(RsTrafilatura),
        Box::new(Trafilatura),
    ]
}

/// Runs `f`, turning a panic into an error message.
fn guarded(f: impl FnOnce() -> Result<Extracted, String>) -> Result<Extracted, String> {
    catch_unwind(AssertUnwindSafe(f)).unwrap_or_else(|panic| {
        let message = panic
            .downcast_ref::<&str>()
            .map(|s| (*s).to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".into());
        Err(format!("panicked: {message}"))
    })
}

/// `Some(s)` when `s` has text after trimming.
fn non_empty(s: &str) -> Option<String> {
    let s = s.trim();
    (!s.is_empty()).then(|| s.to_string())
}

/// The trafilatura ports join several authors with `"; "`.
fn split_authors(s: &str) -> Vec<String> {
    s.split(';').filter_map(non_empty).collect()
}

/// `dom_smoothie`: a port of Mozilla's Readability.js.
pub struct DomSmoothie;

impl BodyExtractor for DomSmoothie {
    fn name(&self) -> String {
        "dom_smoothie 0.19".into()
    }

    fn extract(&self, html: &[u8], url: Option<&str>) -> Result<Extracted, String> {
        let html = String::from_utf8_lossy(html).into_owned();
        guarded(|| {
            // It refuses relative or malformed document URLs; run without one then.
            let mut readability = match dom_smoothie::Readability::new(html.as_str(), url, None) {
                Ok(r) => r,
                Err(_) => dom_smoothie::Readability::new(html.as_str(), None, None)
                    .map_err(|e| e.to_string())?,
            };
            let article = readability.parse().map_err(|e| e.to_string())?;
            Ok(Extracted {
                body: article.text_content.to_string(),
                title: non_empty(&article.title),
                authors: article
                    .byline
                    .as_deref()
                    .and_then(non_empty)
                    .into_iter()
                    .collect(),
                date: article.published_time.as_deref().and_then(non_empty),
                page_type: None,
                evidence: Vec::new(),
            })
        })
    }
}

/// `rs-trafilatura`: a trafilatura port with a page-type classifier.
pub struct RsTrafilatura;

impl BodyExtractor for RsTrafilatura {
    fn name(&self) -> String {
        "rs-trafilatura 0.2".into()
    }

    fn extract(&self, html: &[u8], url: Option<&str>) -> Result<Extracted, String> {
        let html = String::from_utf8_lossy(html);
        guarded(|| {
            // Defaults: text output, comments and markdown off, tables on.
            let options = rs_trafilatura::Options {
                url: url.map(String::from),
                ..rs_trafilatura::Options::default()
            };
            let result =
                rs_trafilatura::extract_with_options(&html, &options).map_err(|e| e.to_string())?;
            let meta = result.metadata;
            Ok(Extracted {
                body: result.content_text,
                title: meta.title.as_deref().and_then(non_empty),
                authors: meta
                    .author
                    .as_deref()
                    .map(split_authors)
                    .unwrap_or_default(),
                date: meta.date.map(|d| d.to_rfc3339()),
                page_type: None,
                evidence: Vec::new(),
            })
        })
    }
}

/// `trafilatura`: a port of go-trafilatura.
pub struct Trafilatura;

impl BodyExtractor for Trafilatura {
    fn name(&self) -> String {
        "trafilatura 0.6".into()
    }

    fn extract(&self, html: &[u8], _url: Option<&str>) -> Result<Extracted, String> {
        let html = String::from_utf8_lossy(html);
        guarded(|| {
            // Defaults but for comments, which it would otherwise extract (into a
            // separate field) at extra cost. The URL is left out: it only resolves
            // links, and the crate falls back to the page's canonical URL.
            let options = trafilatura::Options::default().with_exclude_comments(true);
            let result = trafilatura::extract(&html, &options).map_err(|e| e.to_string())?;
            let meta = result.metadata;
            Ok(Extracted {
                body: result.content_text,
                title: non_empty(&meta.title),
                authors: split_authors(&meta.author),
                date: meta.date.map(|d| d.to_string()),
                page_type: None,
                evidence: Vec::new(),
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = "<html><head><title>Rain in Spain</title>\
        <meta name=\"author\" content=\"Ana Ruiz\"></head><body>\
        <nav><a href=\"/\">Home</a> <a href=\"/news\">News</a></nav><article>\
        <h1>Rain in Spain</h1>\
        <p>The rain in Spain falls mainly on the plain, forecasters said on Monday, \
        after a week of storms that flooded roads across the south of the country.</p>\
        <p>Farmers welcomed the water after two dry years, but towns near the coast \
        counted the cost of damaged homes and closed schools, officials said.</p>\
        <p>More rain is expected later this week in the north, where rivers are \
        already high and the authorities have asked people to stay at home.</p>\
        </article><footer>Copyright 2024 Example News</footer></body></html>";

    #[test]
    fn every_peer_finds_the_article() {
        for peer in all() {
            let out = peer
                .extract(PAGE.as_bytes(), Some("https://example.com/rain"))
                .unwrap_or_else(|e| panic!("{} refused: {e}", peer.name()));
            assert!(
                out.body.contains("falls mainly on the plain"),
                "{}: {:?}",
                peer.name(),
                out.body
            );
            assert!(!out.body.contains("Copyright"), "{}", peer.name());
        }
    }

    #[test]
    fn names_carry_versions() {
        for peer in all() {
            assert!(peer.name().contains(" 0."), "{}", peer.name());
        }
    }

    #[test]
    fn relative_urls_are_tolerated() {
        assert!(DomSmoothie
            .extract(PAGE.as_bytes(), Some("/relative"))
            .is_ok());
    }

    #[test]
    fn authors_split_on_semicolons() {
        assert_eq!(split_authors("A B; C D;  "), vec!["A B", "C D"]);
    }
}
