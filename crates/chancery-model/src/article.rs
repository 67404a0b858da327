use serde::{Deserialize, Serialize};

/// A clean news article: what extraction makes of a page, before analysis.
///
/// `text` holds the body only (never the title), its blocks joined by one blank
/// line; `paragraphs` gives each block's byte span and kind, in order.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Article {
    /// Stable identifier: a hash of the canonical URL when there is one, else of
    /// the normalized text (so the same story fetched twice gets the same id).
    pub id: String,
    /// The identifier the caller gave (JSON Lines `id`), carried through unchanged.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_id: Option<String>,
    /// Where the document came from: a file path, `-` for stdin, or the `source`
    /// field of a JSON Lines record.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// The URL the page was fetched from, when known.
    pub url: Option<String>,
    /// The page's own canonical URL (`<link rel=canonical>`, `og:url`), when given.
    pub canonical_url: Option<String>,
    /// The publication's name (`og:site_name`, JSON-LD publisher), when the
    /// page gives one; the host is in `url` / `canonical_url`.
    pub site: Option<String>,
    /// The headline, once.
    pub title: Option<String>,
    /// Bylines, each a person or organization name, without "By".
    pub authors: Vec<String>,
    /// When the article was first published.
    pub published: Option<Published>,
    /// When the article was last modified, if the page says so.
    pub modified: Option<Published>,
    /// The place a wire dateline names ("MONROVIA 1996-08-22", "WARSAW,
    /// Sept 4 —"), as written, with the region or country after its comma
    /// ("SAN JOSE, Costa Rica"): where the story was filed, which is most
    /// often the country it is about.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dateline: Option<String>,
    /// ISO 639-1 language code (`en`), from the page or detected from the text.
    pub language: Option<String>,
    /// The page's own summary (`<meta name=description>`, `og:description`).
    pub description: Option<String>,
    /// The clean body: blocks joined by a blank line (`"\n\n"`).
    pub text: String,
    /// The blocks of `text`, in order, with their kinds.
    pub paragraphs: Vec<Block>,
    /// Links and teasers to other articles that were cut from the body.
    pub related: Vec<RelatedItem>,
    /// Quality flags.
    pub flags: Flags,
    /// How the input was read: `html` or `text`.
    pub input_format: String,
    /// The character encoding the input was decoded from (`UTF-8`, `windows-1252`…).
    pub encoding: String,
}

impl Article {
    /// Appends a block to `text` (with the blank-line separator) and records its
    /// span; returns the new block. Empty or all-whitespace text is ignored.
    pub fn push_block(&mut self, block_text: &str, kind: BlockKind) -> Option<Block> {
        let block_text = block_text.trim();
        if block_text.is_empty() {
            return None;
        }
        if !self.text.is_empty() {
            self.text.push_str("\n\n");
        }
        let start = self.text.len();
        self.text.push_str(block_text);
        let block = Block {
            start,
            end: self.text.len(),
            kind,
        };
        self.paragraphs.push(block);
        Some(block)
    }

    /// The text of one of this article's blocks.
    pub fn block_text(&self, block: &Block) -> &str {
        self.text.get(block.start..block.end).unwrap_or("")
    }
}

/// One block of the body: a paragraph, a list item or a heading.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Block {
    /// First byte in [`Article::text`].
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
    /// What the block is.
    pub kind: BlockKind,
}

/// The kind of a body block.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BlockKind {
    /// Running text (also block quotes and preformatted text).
    Paragraph,
    /// One item of a bulleted or numbered list, without its bullet.
    ListItem,
    /// A sub-heading inside the body.
    Heading,
}

/// A teaser for another article ("Similar Posts", "Read more"…), cut from the body.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct RelatedItem {
    /// The linked article's headline (for a bare teaser, its only line).
    pub title: Option<String>,
    /// The teaser text under the headline, if any.
    pub summary: Option<String>,
    /// The link, when the page gives one.
    pub url: Option<String>,
    /// True when the teaser is a placeholder ("This article will be expanded
    /// soon…", lorem ipsum, filler, cut-off text) rather than a real summary.
    pub stub: bool,
}

/// A date or date-time with how much of it is known.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Published {
    /// ISO 8601: `2025-02-10`, `2025-02` or `2025-02-10T08:30:00+03:30`.
    pub value: String,
    /// How precise `value` is.
    pub precision: DatePrecision,
    /// Where the date was found (`json-ld`, `meta:article:published_time`,
    /// `time`, `url`, `input`), so a reader can judge it.
    pub from: String,
}

/// The precision of a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DatePrecision {
    /// Only the year.
    Year,
    /// Year and month.
    Month,
    /// A week, for relative expressions such as "later this week".
    Week,
    /// A calendar day.
    Day,
    /// A time of day down to the minute or second.
    Time,
}

/// Quality flags of an article. All are always present in JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Flags {
    /// The page is a placeholder with no real body ("This article will be
    /// expanded soon…", lorem ipsum, filler); its text is left empty.
    pub stub: bool,
    /// The title line was repeated at the top of the body and removed.
    pub duplicated_title: bool,
    /// The body ends mid-sentence or with an ellipsis, as if cut off.
    pub truncated: bool,
    /// Most of the page was boilerplate (navigation, links) rather than body.
    pub boilerplate_heavy: bool,
    /// The page does not look like an article (a listing, a product page…).
    pub non_article: bool,
    /// Some input bytes were invalid in the detected encoding and were replaced
    /// by U+FFFD.
    pub replaced_invalid_bytes: bool,
    /// The encoding was guessed from the bytes (no BOM, header or `<meta charset>`).
    pub encoding_guessed: bool,
    /// Analysis found more quotes or events than the article's size allows
    /// (text shaped so that quotes overlap without end); those past the
    /// budget were left out.
    #[serde(default)]
    pub output_capped: bool,
}
