//! Helpers shared by the golden tests: reading fixtures, checking spans, and
//! the snapshot view of an article.

use chancery_extract::{extract, Input, Options};
use chancery_model::{Article, BlockKind};

/// Reads `tests/fixtures/<dir>/<name>`.
pub fn fixture(dir: &str, name: &str) -> Vec<u8> {
    let path = format!("{}/tests/fixtures/{dir}/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|err| panic!("cannot read {path}: {err}"))
}

/// Extracts a fixture of `tests/fixtures/<dir>/`, which must be read as the
/// format its folder names (`html` or `text`), and checks its spans.
pub fn extract_fixture(dir: &str, name: &str) -> Article {
    let bytes = fixture(dir, name);
    let article = extract(&Input::bytes(&bytes), &Options::default()).expect("fixture extracts");
    assert_eq!(article.input_format, dir, "{name} should be read as {dir}");
    assert_spans_sound(&article);
    article
}

/// Blocks are non-empty, in order, inside `text` and on character boundaries
/// (text taken verbatim, as with `--body-only`, keeps its own separators).
pub fn assert_spans_within(article: &Article) {
    let mut last_end = 0;
    for (i, block) in article.paragraphs.iter().enumerate() {
        assert!(block.start < block.end, "block {i} is empty");
        assert!(
            block.start >= last_end && block.end <= article.text.len(),
            "block {i} is out of order or past the end"
        );
        assert!(
            article.text.is_char_boundary(block.start) && article.text.is_char_boundary(block.end),
            "block {i} splits a character"
        );
        last_end = block.end;
    }
}

/// Blocks are non-empty, in order, inside `text`, on character boundaries, and
/// joined by exactly one blank line.
pub fn assert_spans_sound(article: &Article) {
    let mut last_end = 0;
    for (i, block) in article.paragraphs.iter().enumerate() {
        assert!(block.start < block.end, "block {i} is empty");
        assert!(block.end <= article.text.len(), "block {i} is past the end");
        assert!(block.start >= last_end, "block {i} overlaps the one before");
        assert!(
            article.text.is_char_boundary(block.start) && article.text.is_char_boundary(block.end),
            "block {i} splits a character"
        );
        let gap = &article.text[last_end..block.start];
        assert_eq!(
            gap,
            if i == 0 { "" } else { "\n\n" },
            "separator before block {i}"
        );
        last_end = block.end;
    }
    assert_eq!(
        last_end,
        article.text.len(),
        "text ends with the last block"
    );
}

fn kind_name(kind: BlockKind) -> &'static str {
    match kind {
        BlockKind::Paragraph => "paragraph",
        BlockKind::ListItem => "list_item",
        BlockKind::Heading => "heading",
    }
}

/// The article as the snapshots show it: the JSON, and every block as
/// `[kind] text` for reading. The id is a hash of what the snapshot already
/// shows, so it is blanked to keep diffs about the content.
pub fn snapshot_view(mut article: Article) -> serde_json::Value {
    let blocks: Vec<String> = article
        .paragraphs
        .iter()
        .map(|b| format!("[{}] {}", kind_name(b.kind), article.block_text(b)))
        .collect();
    article.id = "[id]".into();
    serde_json::json!({ "blocks": blocks, "article": article })
}
