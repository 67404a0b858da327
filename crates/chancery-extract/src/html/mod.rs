//! HTML pages to articles: metadata, then main content.

mod content;
mod dom;
mod entities;
mod metadata;
mod view;

use chancery_model::Article;

use crate::heuristics::Heuristics;
use crate::page_type::{self, PageType, Shape, Signals};
use dom::Dom;

/// What an HTML page is, besides its article.
#[derive(Debug, Default)]
pub(crate) struct Found {
    pub page_type: PageType,
    pub shape: Shape,
    pub ld_types: Vec<String>,
    pub og_type: Option<String>,
}

/// Fills `article` from an HTML page and says what kind of page it is.
pub(crate) fn extract_html(html: &str, article: &mut Article, rules: Heuristics) -> Found {
    let dom = Dom::parse(html);
    let meta = metadata::read_metadata(&dom, article.url.as_deref());
    if article.title.is_none() {
        article.title = meta.title;
    }
    if article.authors.is_empty() {
        article.authors = meta.authors;
    }
    article.published = meta.published;
    article.modified = meta.modified;
    article.site = meta.site;
    article.canonical_url = meta.canonical_url;
    article.language = meta.language;
    article.description = meta.description;
    let meta_page_type = meta.page_type;
    let ld_types = meta.ld_types;

    let title = article.title.as_deref();
    let (content, page_type) = content::main_content(&dom, title, rules, |shape| {
        page_type::recognize(&Signals {
            url: article.url.as_deref().or(article.canonical_url.as_deref()),
            og_type: meta_page_type.as_deref(),
            ld_types: &ld_types,
            dated: article.published.is_some(),
            authored: !article.authors.is_empty(),
            shape: *shape,
        })
    });
    // Placeholder paragraphs ("This article will be expanded soon…", lorem
    // ipsum) are never body; a page of nothing else is a stub.
    let mut placeholders = 0;
    for block in &content.blocks {
        if crate::boilerplate::is_stub(&block.text) {
            placeholders += 1;
        } else {
            article.push_block(&block.text, block.kind);
        }
    }
    article.flags.stub = placeholders > 0 && article.text.is_empty();
    article.related = content.related;
    article.flags.non_article =
        declared_non_article(meta_page_type.as_deref()) || page_type.is_non_article();
    if let Some(last) = article.paragraphs.last() {
        article.flags.truncated = crate::boilerplate::looks_cut_off(article.block_text(last));
    }

    article.flags.duplicated_title = content.duplicated_title;
    article.flags.boilerplate_heavy = content.boilerplate_share > 0.8;
    Found {
        page_type,
        shape: content.shape,
        ld_types,
        og_type: meta_page_type,
    }
}

/// True when the page declares itself something other than an article
/// (`og:type` of a product, profile, video…). `website` says nothing: news
/// sites use it for their stories too.
fn declared_non_article(og_type: Option<&str>) -> bool {
    let Some(kind) = og_type else { return false };
    let kind = kind.split(':').next().unwrap_or(kind);
    matches!(
        kind,
        "product" | "profile" | "video" | "music" | "book" | "place" | "restaurant" | "business"
    ) || kind.starts_with("product")
}

/// Collapses runs of whitespace (non-breaking and zero-width spaces too) to one
/// space and trims the ends.
pub(crate) fn collapse_whitespace(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text.split(|c: char| c.is_whitespace() || c == '\u{200b}' || c == '\u{feff}') {
        if word.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}
