//! HTML pages to articles: metadata, then main content.

mod content;
mod dom;
mod entities;
mod metadata;
mod view;

use chancery_model::Article;

use dom::Dom;

/// Fills `article` from an HTML page.
pub(crate) fn extract_html(html: &str, article: &mut Article) {
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

    let content = content::main_content(&dom, article.title.as_deref());
    for block in &content.blocks {
        article.push_block(&block.text, block.kind);
    }
    article.related = content.related;
    article.flags.duplicated_title = content.duplicated_title;
    article.flags.boilerplate_heavy = content.boilerplate_share > 0.8;
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
