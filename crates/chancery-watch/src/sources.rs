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
//!
//! Or TOML (a file named `*.toml`), which also says a source's name (the
//! outlet its articles are filed under), its own polling bounds, and the
//! crawler's identity and rate:
//!
//! ```toml
//! user_agent = "newsdesk"                      # the User-Agent's product token
//! contact = "https://example.org/crawler"      # sent in the User-Agent
//! rate = 5.0                                   # requests per second, all hosts
//!
//! [[source]]
//! url = "https://example.org/world/rss.xml"
//! kind = "feed"                                # feed, sitemap, page or auto
//! name = "Example News"
//! min_interval = 600                           # seconds
//! max_interval = 7200
//! ```

use std::collections::HashSet;
use std::path::Path;
use std::time::Duration;

use serde::Deserialize;
use toml::Spanned;
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

/// One source of a sources file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    /// The canonical URL.
    pub url: Url,
    /// What it is, when the file says.
    pub kind: SourceKind,
    /// The outlet its articles are filed under (else the page's host).
    pub name: Option<String>,
    /// Never poll it more often than this (overrides the global bound).
    pub min_interval: Option<Duration>,
    /// Poll it at least this often (overrides the global bound).
    pub max_interval: Option<Duration>,
}

impl Source {
    /// A source with no settings of its own.
    pub fn new(url: Url, kind: SourceKind) -> Source {
        Source {
            url,
            kind,
            name: None,
            min_interval: None,
            max_interval: None,
        }
    }
}

/// What a sources file says: the sources, and for a TOML file the
/// crawler's settings it gives (command-line options override them).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SourcesFile {
    /// The sources, each URL once.
    pub sources: Vec<Source>,
    /// The User-Agent's product token.
    pub user_agent: Option<String>,
    /// A URL or e-mail where site owners can reach whoever runs it.
    pub contact: Option<String>,
    /// Requests per second across all hosts.
    pub rate: Option<f64>,
}

/// Reads a sources file: TOML when its name ends in `.toml`, else the
/// plain-text form.
pub fn read_sources(path: &Path) -> Result<SourcesFile, WatchError> {
    let text = std::fs::read(path).map_err(|source| WatchError::ReadSources {
        path: path.display().to_string(),
        source,
    })?;
    let text = String::from_utf8(text).map_err(|_| WatchError::Sources {
        path: path.display().to_string(),
        line: 0,
        problem: "the file is not UTF-8 text; save it as UTF-8".into(),
    })?;
    let name = path.display().to_string();
    let toml = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("toml"));
    if toml {
        parse_toml_sources(&text, &name)
    } else {
        Ok(SourcesFile {
            sources: parse_sources(&text, &name)?,
            ..SourcesFile::default()
        })
    }
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
            sources.push(Source::new(url, kind));
        }
    }
    Ok(sources)
}

/// The TOML form, as written.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TomlFile {
    user_agent: Option<Spanned<String>>,
    contact: Option<Spanned<String>>,
    rate: Option<Spanned<f64>>,
    #[serde(default)]
    source: Vec<Spanned<TomlSource>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TomlSource {
    url: Spanned<String>,
    kind: Option<Spanned<String>>,
    name: Option<Spanned<String>>,
    min_interval: Option<Spanned<u64>>,
    max_interval: Option<Spanned<u64>>,
}

/// The longest source name kept.
const MAX_NAME_CHARS: usize = 200;

/// Parses the TOML form of a sources file; `name` labels errors, which
/// give the line. A URL listed twice (after canonicalization) is kept once,
/// with the settings of its first entry.
pub fn parse_toml_sources(text: &str, name: &str) -> Result<SourcesFile, WatchError> {
    let line_of = |at: usize| text[..at.min(text.len())].matches('\n').count() + 1;
    let error = |at: usize, problem: String| WatchError::Sources {
        path: name.to_string(),
        line: line_of(at),
        problem,
    };
    let file: TomlFile = toml::from_str(text).map_err(|e| {
        let at = e.span().map_or(0, |s| s.start);
        error(at, e.message().trim_end().replace('\n', "; "))
    })?;
    let mut out = SourcesFile::default();
    if let Some(agent) = file.user_agent {
        let token = agent.get_ref();
        let valid = !token.is_empty()
            && token.len() <= 64
            && token
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
        if !valid {
            return Err(error(
                agent.span().start,
                format!("user_agent {token:?} is not a product token; write letters, digits, '-', '_' or '.' (the version and contact are added)"),
            ));
        }
        out.user_agent = Some(token.clone());
    }
    if let Some(contact) = file.contact {
        let value = contact.get_ref().trim();
        if value.is_empty() || value.chars().any(|c| c.is_control() || c == ')') {
            return Err(error(
                contact.span().start,
                "contact must be a URL or e-mail address on one line".into(),
            ));
        }
        out.contact = Some(value.to_string());
    }
    if let Some(rate) = file.rate {
        let value = *rate.get_ref();
        if !(value.is_finite() && value > 0.0) {
            return Err(error(
                rate.span().start,
                format!("rate {value} is not a number of requests per second above 0"),
            ));
        }
        out.rate = Some(value);
    }
    let mut seen = HashSet::new();
    for entry in file.source {
        let at = entry.span().start;
        let entry = entry.into_inner();
        let url = canonicalize(entry.url.get_ref(), None)
            .map_err(|e| error(entry.url.span().start, e.to_string()))?;
        let kind = match &entry.kind {
            None => SourceKind::Auto,
            Some(word) => SourceKind::parse(word.get_ref()).ok_or_else(|| {
                error(
                    word.span().start,
                    format!(
                        "unknown source kind {:?}; write feed, sitemap, page or auto",
                        word.get_ref()
                    ),
                )
            })?,
        };
        let source_name = match entry.name {
            None => None,
            Some(given) => {
                let value = given.get_ref().trim();
                if value.is_empty()
                    || value.chars().count() > MAX_NAME_CHARS
                    || value.chars().any(char::is_control)
                {
                    return Err(error(
                        given.span().start,
                        format!("name must be one line of 1 to {MAX_NAME_CHARS} characters"),
                    ));
                }
                Some(value.to_string())
            }
        };
        let seconds = |bound: &Option<Spanned<u64>>, key: &str| match bound {
            Some(b) if *b.get_ref() == 0 => Err(error(
                b.span().start,
                format!("{key} must be a number of seconds above 0"),
            )),
            Some(b) => Ok(Some(Duration::from_secs(*b.get_ref()))),
            None => Ok(None),
        };
        let min_interval = seconds(&entry.min_interval, "min_interval")?;
        let max_interval = seconds(&entry.max_interval, "max_interval")?;
        if let (Some(min), Some(max)) = (min_interval, max_interval) {
            if min > max {
                return Err(error(
                    at,
                    format!(
                        "min_interval ({} s) is longer than max_interval ({} s)",
                        min.as_secs(),
                        max.as_secs()
                    ),
                ));
            }
        }
        if seen.insert(url.clone()) {
            out.sources.push(Source {
                url,
                kind,
                name: source_name,
                min_interval,
                max_interval,
            });
        }
    }
    Ok(out)
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

    const TOML: &str = r#"# a newsroom's sources
user_agent = "newsdesk"
contact = "https://example.org/crawler"
rate = 2.5

[[source]]
url = "https://a.example/rss.xml?utm_source=x"
kind = "feed"
name = "A News"
min_interval = 600
max_interval = 7200

[[source]]
url = "https://b.example/sitemap.xml"
kind = "sitemap"

[[source]]
url = "https://a.example/rss.xml"
name = "listed twice"
"#;

    #[test]
    fn toml_sources_carry_names_bounds_and_manners() {
        let file = parse_toml_sources(TOML, "s.toml").unwrap();
        assert_eq!(file.user_agent.as_deref(), Some("newsdesk"));
        assert_eq!(file.contact.as_deref(), Some("https://example.org/crawler"));
        assert_eq!(file.rate, Some(2.5));
        assert_eq!(file.sources.len(), 2);
        let a = &file.sources[0];
        assert_eq!(a.url.as_str(), "https://a.example/rss.xml");
        assert_eq!(a.kind, SourceKind::Feed);
        assert_eq!(a.name.as_deref(), Some("A News"));
        assert_eq!(a.min_interval, Some(Duration::from_secs(600)));
        assert_eq!(a.max_interval, Some(Duration::from_secs(7200)));
        let b = &file.sources[1];
        assert_eq!(
            (b.kind, b.name.as_deref(), b.min_interval),
            (SourceKind::Sitemap, None, None)
        );
        // Nothing but sources is fine too.
        let bare =
            parse_toml_sources("[[source]]\nurl = \"https://c.example/\"\n", "s.toml").unwrap();
        assert_eq!(bare.sources[0].kind, SourceKind::Auto);
        assert_eq!(bare.rate, None);
    }

    #[test]
    fn toml_errors_name_the_file_and_line() {
        let cases = [
            // Not TOML at all.
            ("[[source]]\nurl = https://a.example/\n", "s.toml:2: "),
            // An unknown key, with the key named.
            (
                "[[source]]\nurl = \"https://a.example/\"\nevery = 5\n",
                "s.toml:3: ",
            ),
            (
                "\n\n[[source]]\nurl = \"ftp://a.example/\"\n",
                "s.toml:4: ftp://a.example/",
            ),
            (
                "[[source]]\nurl = \"https://a.example/\"\nkind = \"podcast\"\n",
                "s.toml:3: unknown source kind \"podcast\"",
            ),
            (
                "[[source]]\nurl = \"https://a.example/\"\nmin_interval = 0\n",
                "s.toml:3: min_interval must be",
            ),
            (
                "[[source]]\nurl = \"https://a.example/\"\nmin_interval = -5\n",
                "s.toml:3: ",
            ),
            (
                "[[source]]\nurl = \"https://a.example/\"\nmin_interval = 900\nmax_interval = 60\n",
                "s.toml:1: min_interval (900 s) is longer than max_interval (60 s)",
            ),
            (
                "[[source]]\nurl = \"https://a.example/\"\nname = \"\"\n",
                "s.toml:3: name must be",
            ),
            (
                "user_agent = \"news desk/1.0\"\n",
                "s.toml:1: user_agent \"news desk/1.0\" is not a product token",
            ),
            ("\nrate = 0.0\n", "s.toml:2: rate 0 is not"),
            ("contact = \"a\\nb\"\n", "s.toml:1: contact must be"),
            ("[[source]]\nkind = \"feed\"\n", "s.toml:1: "),
        ];
        for (text, expected) in cases {
            let err = parse_toml_sources(text, "s.toml").unwrap_err().to_string();
            assert!(err.starts_with(expected), "{text:?}: {err}");
        }
        let unknown = parse_toml_sources(
            "[[source]]\nurl = \"https://a.example/\"\nevery = 5\n",
            "s.toml",
        )
        .unwrap_err()
        .to_string();
        assert!(unknown.contains("every"), "{unknown}");
        let missing = parse_toml_sources("[[source]]\nkind = \"feed\"\n", "s.toml")
            .unwrap_err()
            .to_string();
        assert!(missing.contains("url"), "{missing}");
    }
}
