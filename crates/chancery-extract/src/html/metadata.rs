//! Page metadata (placeholder: replaced by the full version).

use chancery_model::Published;
use scraper::{Html, Selector};

/// What a page says about itself.
#[derive(Debug, Clone, Default)]
pub(crate) struct Metadata {
    pub title: Option<String>,
    pub authors: Vec<String>,
    pub published: Option<Published>,
    pub modified: Option<Published>,
    pub site: Option<String>,
    pub canonical_url: Option<String>,
    pub language: Option<String>,
    pub description: Option<String>,
}

/// Reads the metadata of a parsed page.
pub(crate) fn read_metadata(doc: &Html, _url: Option<&str>) -> Metadata {
    let title = Selector::parse("title").ok().and_then(|s| {
        doc.select(&s).next().map(|t| t.text().collect::<String>().trim().to_string())
    });
    Metadata { title, ..Metadata::default() }
}
