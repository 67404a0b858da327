//! Scraped plain text to an article (placeholder: replaced by the full version).

use chancery_model::{Article, Block, BlockKind};

/// Cleans scraped text into `article`.
pub(crate) fn clean_scraped_text(input: &str, article: &mut Article) {
    for block in input.split("\n\n") {
        article.push_block(block, BlockKind::Paragraph);
    }
}

/// Takes `input` as the body exactly.
pub(crate) fn take_body_verbatim(input: &str, article: &mut Article) {
    article.text = input.to_string();
    let mut offset = 0;
    for block in input.split("\n\n") {
        let lead = block.len() - block.trim_start().len();
        let trimmed = block.trim();
        if !trimmed.is_empty() {
            let start = offset + lead;
            article.paragraphs.push(Block { start, end: start + trimmed.len(), kind: BlockKind::Paragraph });
        }
        offset += block.len() + 2;
    }
}
