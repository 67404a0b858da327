//! Bytes to a clean [`Article`]: decompression, encoding detection, HTML main-content
//! and metadata extraction, and cleanup of scraped plain text.
//!
//! This crate does no I/O: callers hand it bytes they read (see the `chancery`
//! binary), which keeps extraction deterministic and trivially parallel.
//!
//! ```
//! use chancery_extract::{extract, Input, Options};
//!
//! let page = b"Talks in Vienna\n\nTalks in Vienna\n\nMinisters met on Monday.\n";
//! let article = extract(&Input::bytes(page), &Options::default()).unwrap();
//! assert_eq!(article.title.as_deref(), Some("Talks in Vienna"));
//! assert!(article.flags.duplicated_title);
//! assert_eq!(article.text, "Ministers met on Monday.");
//! ```

mod boilerplate;
mod dates;
mod decode;
mod error;
mod heuristics;
mod html;
mod language;
mod page_type;
mod record;
mod text;
pub mod warc;

use chancery_model::{Article, Published};

pub use decode::{decode, Decoded, Format};
pub use error::ExtractError;
pub use heuristics::{Heuristic, Heuristics};
pub use page_type::{PageType, Shape};
pub use record::extract_record;

/// Default cap on a document's size, before and after decompression.
pub const DEFAULT_MAX_BYTES: usize = 50 * 1024 * 1024;

/// How to read inputs.
#[derive(Debug, Clone)]
pub struct Options {
    /// Refuse documents larger than this many bytes (also after gunzip).
    pub max_bytes: usize,
    /// Take plain text as body only: no title line, no cleanup, so the article
    /// text is exactly the text given and offsets point into it.
    pub body_only: bool,
    /// Force HTML or plain text instead of detecting it from the content.
    pub format: Option<Format>,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            max_bytes: DEFAULT_MAX_BYTES,
            body_only: false,
            format: None,
        }
    }
}

/// One document to extract, with what the caller already knows about it.
#[derive(Debug, Clone, Default)]
pub struct Input<'a> {
    /// The raw bytes: HTML or text, possibly gzipped, in any encoding.
    pub bytes: &'a [u8],
    /// The caller's id for the document (a JSON Lines `id`).
    pub external_id: Option<String>,
    /// Where it came from (a path, `-`, a feed name).
    pub source: Option<String>,
    /// The URL it was fetched from.
    pub url: Option<String>,
    /// A title given separately (JSON Lines `title`): used as the title, and a
    /// repeat of it at the top of the text is removed.
    pub title: Option<String>,
    /// A publication date given separately (JSON Lines `published`).
    pub published: Option<String>,
}

impl<'a> Input<'a> {
    /// An input with bytes only.
    pub fn bytes(bytes: &'a [u8]) -> Input<'a> {
        Input {
            bytes,
            ..Input::default()
        }
    }
}

/// An extracted document with the kind of page it was recognized as.
#[derive(Debug, Clone, PartialEq)]
pub struct Extraction {
    /// The article; `flags.non_article` is set when `page_type` is not
    /// [`PageType::Article`] (or the page declares itself something else).
    pub article: Article,
    /// What kind of page it is; plain text is always an article.
    pub page_type: PageType,
    /// The evidence for `page_type`: the shape of the body (HTML only).
    pub shape: Shape,
    /// The page's JSON-LD types (HTML only), also evidence.
    pub ld_types: Vec<String>,
    /// The page's `og:type`, lower-cased (HTML only).
    pub og_type: Option<String>,
}

/// Extracts a clean article from one document.
///
/// Errors name the problem (empty, binary, too large, truncated gzip…); the
/// caller adds the file name. Pages that are readable but poor (no body, a stub)
/// come back as articles with flags set rather than as errors.
pub fn extract(input: &Input<'_>, options: &Options) -> Result<Article, ExtractError> {
    extract_page(input, options).map(|page| page.article)
}

/// Like [`extract`], and says what kind of page the document is: for forums,
/// listings and collections the text holds what a reader of such a page wants
/// (the posts of the thread, the items with their teasers).
///
/// ```
/// use chancery_extract::{extract_page, Input, Options, PageType};
///
/// let page = b"Talks in Vienna\n\nMinisters met on Monday.\n";
/// let got = extract_page(&Input::bytes(page), &Options::default()).unwrap();
/// assert_eq!(got.page_type, PageType::Article);
/// ```
pub fn extract_page(input: &Input<'_>, options: &Options) -> Result<Extraction, ExtractError> {
    extract_with(input, options, Heuristics::all())
}

/// Like [`extract_page`] with some main-content heuristics switched off: for
/// measuring what each one is worth (`chancery eval extraction --ablate`).
pub fn extract_with(
    input: &Input<'_>,
    options: &Options,
    rules: Heuristics,
) -> Result<Extraction, ExtractError> {
    let decoded = decode(input.bytes, options.max_bytes)?;
    let format = options.format.unwrap_or(decoded.format);
    let mut article = Article {
        external_id: input.external_id.clone(),
        source: input.source.clone(),
        url: input.url.clone(),
        title: input
            .title
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(String::from),
        encoding: decoded.encoding.to_string(),
        ..Article::default()
    };
    article.flags.replaced_invalid_bytes = decoded.replaced_invalid_bytes;
    article.flags.encoding_guessed = decoded.encoding_guessed;
    let mut found = html::Found::default();
    match format {
        Format::Html => {
            article.input_format = "html".into();
            found = html::extract_html(&decoded.text, &mut article, rules);
        }
        Format::Text => {
            article.input_format = "text".into();
            if options.body_only {
                text::take_body_verbatim(&decoded.text, &mut article);
            } else {
                text::clean_scraped_text(&decoded.text, &mut article);
            }
        }
    }
    if let Some(given) = input.published.as_deref() {
        if let Some(date) = dates::parse_date(given, "input") {
            article.published = Some(date);
        }
    }
    if article.language.is_none() {
        article.language = language::detect(&article.text);
    }
    article.id = article_id(&article);
    Ok(Extraction {
        article,
        page_type: found.page_type,
        shape: found.shape,
        ld_types: found.ld_types,
        og_type: found.og_type,
    })
}

/// The stable id of an article: from its canonical URL (or URL) when it has one,
/// else from its whitespace-normalized title and text.
pub fn article_id(article: &Article) -> String {
    use xxhash_rust::xxh3::xxh3_128;
    let key = match article.canonical_url.as_deref().or(article.url.as_deref()) {
        Some(url) => format!("url:{}", normalize_url(url)),
        None => {
            let mut key = String::from("text:");
            let title = article.title.as_deref().unwrap_or("");
            for word in title
                .split_whitespace()
                .chain(article.text.split_whitespace())
            {
                key.push_str(word);
                key.push(' ');
            }
            key
        }
    };
    format!("{:032x}", xxh3_128(key.as_bytes()))
}

/// Lower-cases scheme and host and drops the fragment and a trailing slash, so
/// that trivially different spellings of one URL get one id.
fn normalize_url(url: &str) -> String {
    let url = url.trim();
    let url = url.split('#').next().unwrap_or(url);
    let (scheme, rest) = match url.split_once("://") {
        Some((scheme, rest)) => (scheme.to_ascii_lowercase(), rest),
        None => (String::new(), url),
    };
    let (host, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, ""),
    };
    let host = host.to_ascii_lowercase();
    let host = host.strip_prefix("www.").unwrap_or(&host);
    let path = path.strip_suffix('/').unwrap_or(path);
    let scheme = if scheme == "http" {
        "https".to_string()
    } else {
        scheme
    };
    format!("{scheme}://{host}{path}")
}

/// A date string from elsewhere (a feed, a JSON Lines record) read the way page
/// metadata is read.
pub fn parse_published(value: &str) -> Option<Published> {
    dates::parse_date(value, "input")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_spellings_of_one_page_share_an_id() {
        let a = normalize_url("http://WWW.Example.com/news/story/#top");
        let b = normalize_url("https://example.com/news/story");
        assert_eq!(a, b);
        assert_ne!(a, normalize_url("https://example.com/news/other"));
    }
}
