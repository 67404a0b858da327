//! The sources file: what to follow.
//!
//! Plain text, one source per line: a URL, optionally followed by its kind
//! (`feed`, `sitemap` or `page`); without a kind it is told from what the
//! server sends. `#` starts a comment; blank lines are skipped.
//!
//! ```text
//! # world news
//! https://example.org/world/rss.xml
//! https://example.org/sitemap-news.xml   sitemap
//! https://example.org/2026/12/06/story   page
//! ```

use std::collections::HashSet;
use std::path::Path;

use url::Url;

use crate::{canonicalize, WatchError};

/// What a source is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceKind {
    /// Told from the response: a feed, a sitemap, or else a page.
    Auto,
    /// An RSS, Atom or JSON feed.
    Feed,
    /// A sitemap or sitemap index (news sitemaps included).
    Sitemap,
    /// One article page, fetched once.
    Page,
}

impl SourceKind {
    /// The word used in sources files and in the store.
    pub fn as_str(self) -> &'static str {
        match self {
            SourceKind::Auto => "auto",
            SourceKind::Feed => "feed",
            SourceKind::Sitemap => "sitemap",
            SourceKind::Page => "page",
        }
    }

    /// The kind a word names.
    pub fn parse(word: &str) -> Option<SourceKind> {
        match word.to_ascii_lowercase().as_str() {
            "auto" => Some(SourceKind::Auto),
            "feed" | "rss" | "atom" | "json" => Some(SourceKind::Feed),
            "sitemap" => Some(SourceKind::Sitemap),
            "page" => Some(SourceKind::Page),
            _ => None,
        }
    }
}

/// One line of a sources file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    /// The canonical URL.
    pub url: Url,
    /// What it is, when the file says.
    pub kind: SourceKind,
}

/// Reads a sources file.
pub fn read_sources(path: &Path) -> Result<Vec<Source>, WatchError> {
    let text = std::fs::read(path).map_err(|source| WatchError::ReadSources {
        path: path.display().to_string(),
        source,
    })?;
    let text = String::from_utf8(text).map_err(|_| WatchError::Sources {
        path: path.display().to_string(),
        line: 0,
        problem: "the file is not UTF-8 text; save it as UTF-8".into(),
    })?;
    parse_sources(&text, &path.display().to_string())
}

/// Parses the text of a sources file; `name` labels errors. A URL listed
/// twice (after canonicalization) is kept once.
pub fn parse_sources(text: &str, name: &str) -> Result<Vec<Source>, WatchError> {
    let mut sources = Vec::new();
    let mut seen = HashSet::new();
    for (index, line) in text.lines().enumerate() {
        let line_no = index + 1;
        let error = |problem: String| WatchError::Sources {
            path: name.to_string(),
            line: line_no,
            problem,
        };
        // A comment starts at a `#` at the start of the line or after a
        // space; a `#` inside a URL is its fragment.
        let content = match line
            .char_indices()
            .find(|&(i, c)| c == '#' && (i == 0 || line[..i].ends_with(char::is_whitespace)))
        {
            Some((at, _)) => &line[..at],
            None => line,
        };
        let mut words = content.split_whitespace();
        let Some(url) = words.next() else {
            continue;
        };
        let kind = match words.next() {
            None => SourceKind::Auto,
            Some(word) => SourceKind::parse(word).ok_or_else(|| {
                error(format!(
                    "unknown source kind {word:?}; write feed, sitemap or page after the URL, or nothing"
                ))
            })?,
        };
        if let Some(extra) = words.next() {
            return Err(error(format!(
                "unexpected {extra:?}; a line is a URL and optionally its kind"
            )));
        }
        let url = canonicalize(url, None).map_err(|e| error(e.to_string()))?;
        if seen.insert(url.clone()) {
            sources.push(Source { url, kind });
        }
    }
    Ok(sources)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_comments_kinds_and_duplicates() {
        let text = "# comment\n\nhttps://a.example/rss.xml\n  https://b.example/sitemap.xml sitemap # news\nhttps://a.example/rss.xml?utm_source=x\nhttps://c.example/story#part page\n";
        let sources = parse_sources(text, "s.txt").unwrap();
        let listed: Vec<(String, SourceKind)> = sources
            .iter()
            .map(|s| (s.url.to_string(), s.kind))
            .collect();
        assert_eq!(
            listed,
            [
                ("https://a.example/rss.xml".to_string(), SourceKind::Auto),
                (
                    "https://b.example/sitemap.xml".to_string(),
                    SourceKind::Sitemap
                ),
                ("https://c.example/story".to_string(), SourceKind::Page),
            ]
        );
    }

    #[test]
    fn bad_lines_are_named() {
        let err = parse_sources("https://a.example/\nftp://b.example/x\n", "s.txt").unwrap_err();
        assert_eq!(
            err.to_string(),
            "s.txt:2: ftp://b.example/x: scheme \"ftp\" is not fetched; only http and https URLs are"
        );
        let err = parse_sources("https://a.example/ podcast\n", "s.txt").unwrap_err();
        assert!(
            err.to_string().starts_with("s.txt:1: unknown source kind"),
            "{err}"
        );
        let err = parse_sources("https://a.example/ feed extra\n", "s.txt").unwrap_err();
        assert!(err.to_string().contains("unexpected \"extra\""), "{err}");
    }
}
