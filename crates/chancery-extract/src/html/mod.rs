//! HTML pages to articles: metadata, then main content.

mod metadata;

use chancery_model::{Article, BlockKind};
use scraper::Html;

/// Fills `article` from an HTML page.
pub(crate) fn extract_html(html: &str, article: &mut Article) {
    let doc = Html::parse_document(html);
    let meta = metadata::read_metadata(&doc, article.url.as_deref());
    if article.title.is_none() {
        article.title = meta.title;
    }
    article.authors = meta.authors;
    article.published = meta.published;
    article.modified = meta.modified;
    article.site = meta.site;
    article.canonical_url = meta.canonical_url;
    article.language = meta.language;
    article.description = meta.description;
    let body: String = doc.root_element().text().collect();
    article.push_block(&body, BlockKind::Paragraph);
}
