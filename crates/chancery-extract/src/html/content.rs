//! Finding the main text of a page.
//!
//! The method, in three passes over the parsed tree:
//! 1. **Pruning**: elements that are never body text (scripts, navigation, form
//!    controls, hidden elements) and elements whose class, id or role names
//!    boilerplate (comments, sharing, related links, ads…) are set aside. A
//!    guard keeps any element that holds most of the page's paragraph text, so a
//!    wrapper with an unlucky class name does not take the article with it.
//! 2. **Scoring**: every paragraph-like element scores by its length and
//!    commas; the score flows to its ancestors, damped by distance, and each
//!    candidate is discounted by its link density (the Readability approach).
//!    The best candidate, widened to its parent when the parent holds as much
//!    and to siblings that score well, is the content.
//! 3. **Emission**: the content is written out as paragraphs, headings and list
//!    items; link-heavy or boilerplate blocks are dropped, and a "Related" or
//!    "Read more" section becomes related items instead of body.
//!
//! When the chosen content is much poorer than the page's paragraphs taken
//! together, the page's paragraphs are used instead; when a page yields almost
//! nothing, it is tried again with less pruning.
//!
//! Nodes of [`Dom`] are numbered in document order, parents before children, so
//! the bottom-up statistics are one reverse sweep over an array.

use std::sync::LazyLock;

use chancery_model::{BlockKind, RelatedItem};
use regex::Regex;

use super::dom::{Dom, Ix, Kind, Tag};
use crate::boilerplate;
use crate::heuristics::{Heuristic, Heuristics};
use crate::page_type::{PageType, Shape};

/// A block of main text, before it is written into the article.
#[derive(Debug, Clone)]
pub(crate) struct TextBlock {
    /// Whitespace-normalized text.
    pub text: String,
    /// Paragraph, heading or list item.
    pub kind: BlockKind,
    /// Characters of `text` that sit inside links.
    pub link_chars: usize,
    /// The first link's target, for related items.
    pub href: Option<String>,
    /// The element the block came from.
    pub node: Option<Ix>,
}

impl TextBlock {
    fn link_density(&self) -> f32 {
        let len = self.text.chars().count().max(1);
        self.link_chars as f32 / len as f32
    }
}

/// The main content of a page.
#[derive(Debug, Default)]
pub(crate) struct MainContent {
    /// Body blocks, in page order.
    pub blocks: Vec<TextBlock>,
    /// Teasers cut from the body.
    pub related: Vec<RelatedItem>,
    /// Share of the page's visible text that is not in the body.
    pub boilerplate_share: f32,
    /// The title was repeated as the first paragraph and removed.
    pub duplicated_title: bool,
    /// The shape of the page's body, for recognizing its type.
    pub shape: Shape,
}

/// Per-node text statistics, over the unpruned parts of the subtree.
#[derive(Debug, Clone, Copy, Default)]
struct Stats {
    /// Visible characters (whitespace runs count once).
    chars: u32,
    /// Characters inside links.
    link_chars: u32,
    /// Characters inside paragraph-like elements, links excluded.
    para_chars: u32,
    /// Commas (and CJK commas) in the text.
    commas: u32,
    /// Characters of text written straight into this element or its inline
    /// children (not inside its blocks).
    loose_chars: u32,
    /// This element holds text of its own next to no block children: a paragraph.
    paragraph_like: bool,
}

/// Page chrome by tag: navigation, asides, footers, figures. Set aside at every
/// pruning level but the last, which is for pages that (by an unclosed
/// `<aside>`, say) put their whole body inside one.
fn chrome(tag: Tag) -> bool {
    use Tag::*;
    matches!(
        tag,
        Nav | Aside | Footer | Figure | Figcaption | Dialog | Menu
    )
}

/// Tags whose content is never body text.
fn never_content(tag: Tag) -> bool {
    use Tag::*;
    matches!(
        tag,
        Script
            | Style
            | Noscript
            | Template
            | Svg
            | Math
            | Iframe
            | Object
            | Embed
            | Canvas
            | Video
            | Audio
            | Picture
            | Button
            | Input
            | Select
            | Option
            | Optgroup
            | Textarea
            | Label
            | Head
            | Title
            | Meta
            | Link
            | Map
            | Base
            | Noembed
            | Noframes
    )
}

fn is_block_tag(tag: Tag) -> bool {
    use Tag::*;
    matches!(
        tag,
        P | Div
            | Section
            | Article
            | Main
            | Header
            | H1
            | H2
            | H3
            | H4
            | H5
            | H6
            | Ul
            | Ol
            | Li
            | Dl
            | Dt
            | Dd
            | Blockquote
            | Pre
            | Table
            | Tbody
            | Thead
            | Tfoot
            | Tr
            | Td
            | Th
            | Caption
            | Form
            | Fieldset
            | Address
            | Hr
            | Center
            | Details
            | Summary
            | Body
            | Html
            | Hgroup
            | Dir
            | Listing
            | Xmp
            | Plaintext
    )
}

/// Inline elements whose text counts as loose text of their parent.
fn is_inline_text_tag(tag: Tag) -> bool {
    use Tag::*;
    matches!(
        tag,
        B | I
            | Em
            | Strong
            | Span
            | Font
            | U
            | Small
            | Sup
            | Sub
            | Cite
            | Q
            | Abbr
            | Time
            | Mark
            | Code
            | S
    )
}

/// Words that, leading or ending a class or id token (`comment-list`,
/// `inline-ad`, `related_posts`), name boilerplate. Words in the middle of a
/// token (`elementor-hidden-tablet`) say too little to act on.
fn boilerplate_word(word: &str) -> bool {
    matches!(
        word,
        "comment"
            | "comments"
            | "commentlist"
            | "disqus"
            | "respond"
            | "replies"
            | "share"
            | "shares"
            | "sharing"
            | "sharebar"
            | "social"
            | "sociable"
            | "addthis"
            | "shareaholic"
            | "related"
            | "relacionadas"
            | "similar"
            | "recommended"
            | "recommendations"
            | "recirculation"
            | "outbrain"
            | "taboola"
            | "zergnet"
            | "trending"
            | "popular"
            | "mostread"
            | "most-read"
            | "sidebar"
            | "widgets"
            | "widget-area"
            | "rail"
            | "nav"
            | "navbar"
            | "navigation"
            | "menu"
            | "breadcrumb"
            | "breadcrumbs"
            | "pagination"
            | "pager"
            | "footer"
            | "masthead"
            | "topbar"
            | "toolbar"
            | "ad"
            | "ads"
            | "advert"
            | "adverts"
            | "advertisement"
            | "advertising"
            | "adsense"
            | "dfp"
            | "sponsor"
            | "sponsored"
            | "promo"
            | "promotion"
            | "newsletter"
            | "subscribe"
            | "subscription"
            | "signup"
            | "paywall"
            | "cookie"
            | "cookies"
            | "consent"
            | "gdpr"
            | "popup"
            | "modal"
            | "tags"
            | "tagcloud"
            | "categories"
            | "byline"
            | "author"
            | "bio"
            | "caption"
            | "credit"
            | "credits"
            | "sr-only"
            | "screen-reader-text"
            | "visually-hidden"
            | "skip-link"
    )
}

/// True when a class or id value names boilerplate.
fn boilerplate_name(value: &str) -> bool {
    value.split_ascii_whitespace().any(|token| {
        let token = token.to_ascii_lowercase();
        // A token that also says content (`sidebar-content`, `article-aside`)
        // or embedded media (`social-media-embed`: tweets quoted in a story)
        // is not boilerplate by its name alone.
        if [
            "content", "article", "body", "main", "story", "entry", "text", "embed",
        ]
        .iter()
        .any(|w| token.contains(w))
        {
            return false;
        }
        token_names(&token, boilerplate_word)
    })
}

/// True when a lower-cased class or id token is a `word`, or starts or ends
/// with one (`comment-list`, `inline-ad`); words in the middle of a token
/// (`elementor-hidden-tablet`) say too little to act on.
fn token_names(token: &str, word: fn(&str) -> bool) -> bool {
    if word(token) {
        return true;
    }
    let mut parts = token.split(['-', '_']).filter(|p| !p.is_empty());
    let first = parts.next();
    let last = parts.next_back();
    first.is_some_and(word) || last.is_some_and(word)
}

/// Class and id values that name article text; they win over [`NEGATIVE`].
static POSITIVE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"(?i)article-?body|articlebody|article-?content|article-?text|story-?body|story-?content|",
        r"entry-?content|post-?content|post-?body|post-?text|content-?body|main-?content|",
        r"body-?text|text-?body|rich-?text|article__body|c-entry|field-?body|news-?text"
    ))
    .expect("valid regex")
});

/// Roles of ARIA landmarks that are not content.
fn negative_role(role: &str) -> bool {
    matches!(
        role,
        "navigation"
            | "banner"
            | "contentinfo"
            | "complementary"
            | "menu"
            | "menubar"
            | "search"
            | "dialog"
            | "alert"
    )
}

/// Short lines that are page furniture, not text.
fn is_furniture(text: &str) -> bool {
    let lower = text
        .trim()
        .trim_end_matches(|c: char| matches!(c, ':' | '.' | '…') || c.is_whitespace())
        .to_lowercase();
    matches!(
        lower.as_str(),
        "advertisement"
            | "advert"
            | "like this"
            | "like loading"
            | "caption"
            | "this slideshow requires javascript"
            | "advertisment"
            | "ad"
            | "sponsored"
            | "share"
            | "share this"
            | "share this article"
            | "share on facebook"
            | "share on twitter"
            | "tweet"
            | "email"
            | "print"
            | "comments"
            | "comment"
            | "leave a comment"
            | "leave a reply"
            | "skip to content"
            | "skip to main content"
            | "menu"
            | "close"
            | "subscribe"
            | "sign up"
            | "log in"
            | "login"
            | "continue reading"
            | "story continues below"
            | "story continues below advertisement"
            | "scroll to continue with content"
            | "loading"
            | "loading..."
    )
}

/// Collapses whitespace (line breaks too, except in preformatted text).
fn normalize_block(text: &str, preformatted: bool) -> String {
    let mut out = String::with_capacity(text.len());
    if preformatted {
        for line in text.split('\n') {
            let line = line.trim_end();
            if line.trim().is_empty() {
                continue;
            }
            if !out.is_empty() {
                out.push('\n');
            }
            out.push_str(line);
        }
        return out;
    }
    super::collapse_whitespace(text)
}

/// The attributes pruning looks at, gathered in one pass over an element's
/// attributes (this runs for every element of the page).
#[derive(Default)]
struct PruningAttrs<'d> {
    hidden: bool,
    style: Option<&'d str>,
    role: Option<&'d str>,
    itemprop: Option<&'d str>,
    class: Option<&'d str>,
    id: Option<&'d str>,
}

impl<'d> PruningAttrs<'d> {
    fn of(dom: &'d Dom<'_>, ix: Ix) -> PruningAttrs<'d> {
        let mut attrs = PruningAttrs::default();
        for (name, value) in dom.attrs(ix) {
            match name.len() {
                2 if name.eq_ignore_ascii_case("id") => attrs.id = Some(value),
                4 if name.eq_ignore_ascii_case("role") => attrs.role = Some(value),
                5 if name.eq_ignore_ascii_case("class") => attrs.class = Some(value),
                5 if name.eq_ignore_ascii_case("style") => attrs.style = Some(value),
                6 if name.eq_ignore_ascii_case("hidden") => attrs.hidden = true,
                8 if name.eq_ignore_ascii_case("itemprop") => attrs.itemprop = Some(value),
                11 if name.eq_ignore_ascii_case("aria-hidden") => attrs.hidden |= value == "true",
                _ => {}
            }
        }
        attrs
    }

    fn hidden(&self) -> bool {
        // React streams server-rendered parts in `<div hidden id="S:…">` and
        // moves them into place with a script: hidden only until then.
        let streamed = self.id.is_some_and(|id| id.starts_with("S:"));
        (self.hidden && !streamed)
            || self.style.is_some_and(|style| {
                let style: String = style
                    .chars()
                    .filter(|c| !c.is_whitespace())
                    .collect::<String>()
                    .to_ascii_lowercase();
                style.contains("display:none") || style.contains("visibility:hidden")
            })
    }

    /// The class or id names a related-articles section ("related-posts",
    /// "similar", "read-more"…), whose links become related items.
    fn names_related(&self) -> bool {
        const WORDS: [&str; 8] = [
            "related",
            "similar",
            "recommend",
            "read-more",
            "readmore",
            "more-stories",
            "also-read",
            "relacionad",
        ];
        [self.class, self.id].into_iter().flatten().any(|value| {
            let value = value.to_ascii_lowercase();
            WORDS.iter().any(|w| value.contains(w))
        })
    }

    fn named_boilerplate(&self) -> bool {
        if self.role.is_some_and(negative_role) {
            return true;
        }
        if matches!(self.itemprop, Some("articleBody" | "text")) {
            return false;
        }
        [self.class, self.id]
            .into_iter()
            .flatten()
            .any(|value| boilerplate_name(value) && !POSITIVE.is_match(value))
    }
}

/// How much to set aside before scoring. Pages whose content hides behind
/// unlucky class names or `hidden` wrappers (filled in by scripts) are retried
/// with less.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Pruning {
    /// Tags, hidden elements and boilerplate class names.
    Full,
    /// Tags and hidden elements.
    NoClassNames,
    /// Tags only.
    TagsOnly,
    /// Only what is never text (scripts, styles, form controls); the
    /// `<noscript>` fallbacks are read too.
    TextOnly,
}

/// Text of a text node, whitespace runs counted once.
fn visible_chars(text: &str) -> u32 {
    let mut count = 0u32;
    let mut in_space = true;
    for &b in text.as_bytes() {
        // Count characters, not bytes: skip UTF-8 continuation bytes.
        if b & 0xc0 == 0x80 {
            continue;
        }
        if b.is_ascii_whitespace() {
            if !in_space {
                count += 1;
                in_space = true;
            }
        } else {
            count += 1;
            in_space = false;
        }
    }
    count
}

/// Visible characters and commas (ASCII and CJK) of a text, in one pass.
fn chars_and_commas(text: &str) -> (u32, u32) {
    let bytes = text.as_bytes();
    let (mut chars, mut commas) = (0u32, 0u32);
    let mut in_space = true;
    for (i, &b) in bytes.iter().enumerate() {
        if b & 0xc0 == 0x80 {
            continue;
        }
        if b.is_ascii_whitespace() {
            if !in_space {
                chars += 1;
                in_space = true;
            }
            continue;
        }
        chars += 1;
        in_space = false;
        // `,`, fullwidth `，` (EF BC 8C) and ideographic `、` (E3 80 81).
        commas += u32::from(
            b == b','
                || (b == 0xef && bytes.get(i + 1..i + 3) == Some(&[0xbc, 0x8c]))
                || (b == 0xe3 && bytes.get(i + 1..i + 3) == Some(&[0x80, 0x81])),
        );
    }
    (chars, commas)
}

/// Pruning decisions and statistics for one pass over a page.
struct Analysis<'d, 'a> {
    dom: &'d Dom<'a>,
    body: Ix,
    /// Per node: never content, pruned, or inside such an element.
    excluded: Vec<bool>,
    stats: Vec<Stats>,
    /// Elements pruned because their names say "related articles".
    related_sections: Vec<Ix>,
    /// The heuristics that are on.
    rules: Heuristics,
}

impl<'d, 'a> Analysis<'d, 'a> {
    fn new(dom: &'d Dom<'a>, pruning: Pruning, rules: Heuristics) -> Analysis<'d, 'a> {
        let pruning = if pruning == Pruning::Full && !rules.on(Heuristic::ClassNames) {
            Pruning::NoClassNames
        } else {
            pruning
        };
        let body = dom.body();
        let mut excluded = vec![false; dom.len()];
        // Tags that are never content, and everything outside the body.
        for ix in 0..dom.len() as Ix {
            let inherited = dom.parent(ix).is_some_and(|p| excluded[p as usize]);
            let by_tag = dom.tag(ix).is_some_and(|tag| {
                if pruning == Pruning::TextOnly {
                    never_content(tag) && tag != Tag::Noscript
                } else {
                    never_content(tag) || chrome(tag)
                }
            });
            excluded[ix as usize] = inherited || by_tag;
        }
        let mut analysis = Analysis {
            dom,
            body,
            excluded,
            stats: Vec::new(),
            related_sections: Vec::new(),
            rules,
        };
        analysis.measure();
        // The guard: an element holding half the page's paragraph text stays,
        // whatever its class says.
        let guard = analysis.stats[body as usize].para_chars / 2;
        let mut changed = false;
        for ix in 0..dom.len() as Ix {
            if analysis.excluded[ix as usize] {
                continue;
            }
            if dom
                .parent(ix)
                .is_some_and(|p| analysis.excluded[p as usize])
            {
                analysis.excluded[ix as usize] = true;
                continue;
            }
            let Some(tag) = dom.tag(ix) else { continue };
            if matches!(tag, Tag::Body | Tag::Html | Tag::Article | Tag::Main) {
                continue;
            }
            let para = analysis.stats[ix as usize].para_chars;
            if !dom.has_attrs(ix) {
                continue;
            }
            let attrs = PruningAttrs::of(dom, ix);
            let prune_hidden =
                matches!(pruning, Pruning::Full | Pruning::NoClassNames) && attrs.hidden();
            let prune_named =
                pruning == Pruning::Full && para <= guard && attrs.named_boilerplate();
            if prune_hidden || prune_named {
                analysis.excluded[ix as usize] = true;
                changed = true;
                if prune_named && !prune_hidden && attrs.names_related() {
                    analysis.related_sections.push(ix);
                }
            }
        }
        if changed {
            analysis.measure();
        }
        analysis
    }

    /// Bottom-up statistics in one reverse sweep: children come after their
    /// parents in the arena, so each node is complete when its turn comes.
    fn measure(&mut self) {
        let dom = self.dom;
        let mut stats = vec![Stats::default(); dom.len()];
        // Whether a node has a block child (or a grandchild that is a major block).
        let mut block_child = vec![false; dom.len()];
        let mut major_child = vec![false; dom.len()];
        let mut direct_text = vec![false; dom.len()];
        for ix in (0..dom.len() as Ix).rev() {
            if self.excluded[ix as usize] {
                continue;
            }
            let i = ix as usize;
            let mut own = stats[i];
            let tag = match dom.node(ix).kind {
                Kind::Text { .. } => {
                    let text = dom.raw_text(ix).unwrap_or("");
                    (own.chars, own.commas) = chars_and_commas(text);
                    own.loose_chars = own.chars;
                    None
                }
                Kind::Element { tag, .. } => Some(tag),
                Kind::Document => None,
            };
            if let Some(tag) = tag {
                own.paragraph_like = match tag {
                    Tag::P | Tag::Pre | Tag::Td | Tag::Blockquote => true,
                    Tag::Div | Tag::Section | Tag::Span | Tag::Font | Tag::Article | Tag::Other => {
                        !block_child[i] && direct_text[i]
                    }
                    _ => false,
                };
                if tag == Tag::A {
                    own.link_chars = own.chars;
                }
                if own.paragraph_like {
                    own.para_chars = own.chars.saturating_sub(own.link_chars);
                } else {
                    // Text written straight into a container, between its
                    // blocks, is a paragraph too (`<div>text<br><br>text</div>`).
                    own.para_chars += own.loose_chars.saturating_sub(own_link_loose(&own, tag));
                }
            }
            stats[i] = own;
            let Some(parent) = dom.parent(ix) else {
                continue;
            };
            let p = parent as usize;
            let parent_stats = &mut stats[p];
            parent_stats.chars += own.chars;
            parent_stats.link_chars += own.link_chars;
            parent_stats.commas += own.commas;
            match tag {
                None => {
                    parent_stats.loose_chars += own.chars;
                    if own.chars > 0 {
                        direct_text[p] = true;
                    }
                }
                Some(tag) => {
                    parent_stats.para_chars += own.para_chars;
                    if is_inline_text_tag(tag) {
                        parent_stats.loose_chars += own.chars;
                    }
                    if (is_block_tag(tag) && tag != Tag::Center) || major_child[i] {
                        block_child[p] = true;
                    }
                    if matches!(tag, Tag::P | Tag::Div | Tag::Ul | Tag::Ol | Tag::Table) {
                        major_child[p] = true;
                    }
                }
            }
        }
        self.stats = stats;
    }

    fn stats(&self, ix: Ix) -> Stats {
        self.stats[ix as usize]
    }

    fn is_excluded(&self, ix: Ix) -> bool {
        self.excluded[ix as usize]
    }
}

/// Loose text inside links does not make a paragraph.
fn own_link_loose(stats: &Stats, tag: Tag) -> u32 {
    if tag == Tag::A {
        stats.loose_chars
    } else {
        0
    }
}

/// Readability-style candidate scoring: (node, score) for every scored node.
fn score_candidates(analysis: &Analysis<'_, '_>) -> Vec<(Ix, f32)> {
    let dom = analysis.dom;
    let mut score = vec![f32::NAN; dom.len()];
    let mut scored = Vec::new();
    for ix in dom.descendants(analysis.body) {
        if analysis.is_excluded(ix) || dom.tag(ix).is_none() {
            continue;
        }
        let stats = analysis.stats(ix);
        // A paragraph scores for its ancestors; text written loose into a
        // container is a paragraph whose parent is the container itself.
        let (own, first_ancestor) = if stats.paragraph_like {
            (stats.chars.saturating_sub(stats.link_chars), dom.parent(ix))
        } else {
            (stats.loose_chars, Some(ix))
        };
        if own < 25 {
            continue;
        }
        let text_score = 1.0 + stats.commas as f32 + (own as f32 / 100.0).floor().min(3.0);
        let chain = std::iter::successors(first_ancestor, |&n| dom.parent(n));
        for (level, ancestor) in chain.take(5).enumerate() {
            if dom.tag(ancestor).is_none() || dom.tag(ancestor) == Some(Tag::Html) {
                break;
            }
            let divider = match level {
                0 => 1.0,
                1 => 2.0,
                n => n as f32 * 3.0,
            };
            let slot = &mut score[ancestor as usize];
            if slot.is_nan() {
                *slot = initial_score(dom, ancestor);
                scored.push(ancestor);
            }
            *slot += text_score / divider;
            // The body may be the content (text written straight into it),
            // but nothing above it is.
            if ancestor == analysis.body {
                break;
            }
        }
    }
    scored
        .into_iter()
        .map(|ix| {
            let stats = analysis.stats(ix);
            let density = stats.link_chars as f32 / stats.chars.max(1) as f32;
            (ix, score[ix as usize] * (1.0 - density.min(1.0)))
        })
        .collect()
}

fn initial_score(dom: &Dom<'_>, ix: Ix) -> f32 {
    use Tag::*;
    let by_tag = match dom.tag(ix) {
        Some(Div | Article | Main | Section) => 5.0,
        Some(Pre | Td | Blockquote) => 3.0,
        Some(Address | Ol | Ul | Dl | Dd | Dt | Li | Form) => -3.0,
        Some(H1 | H2 | H3 | H4 | H5 | H6 | Th) => -5.0,
        _ => 0.0,
    };
    by_tag + class_weight(dom, ix)
}

fn class_weight(dom: &Dom<'_>, ix: Ix) -> f32 {
    let mut weight = 0.0;
    for value in [dom.attr(ix, "class"), dom.attr(ix, "id")]
        .into_iter()
        .flatten()
    {
        if POSITIVE.is_match(value) || value.contains("article") || value.contains("content") {
            weight += 25.0;
        }
        if boilerplate_name(value) && !POSITIVE.is_match(value) {
            weight -= 25.0;
        }
    }
    if dom.attr(ix, "itemprop") == Some("articleBody") {
        weight += 50.0;
    }
    weight
}

/// Chooses the content elements: the top candidate, widened.
fn choose_content(analysis: &Analysis<'_, '_>) -> Vec<Ix> {
    let dom = analysis.dom;
    let body = analysis.body;
    let on = |h: Heuristic| analysis.rules.on(h);
    let mut ranked = score_candidates(analysis);
    ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let Some(&(first, first_score)) = ranked.first() else {
        return Vec::new();
    };
    let score_of = |ix: Ix| ranked.iter().find(|(n, _)| *n == ix).map(|e| e.1);
    let mut top = first;

    // Several strong candidates under one ancestor: the ancestor is the content
    // (articles split into several `<div>`s of paragraphs).
    let strong: Vec<Ix> = ranked
        .iter()
        .skip(1)
        .take(5)
        .filter(|(_, s)| *s >= first_score * 0.75)
        .map(|(n, _)| *n)
        .collect();
    if strong.len() >= 3 && on(Heuristic::StrongAncestor) {
        for candidate in dom.ancestors(top) {
            if candidate == body {
                break;
            }
            let holding = strong
                .iter()
                .filter(|&&n| dom.ancestors(n).any(|a| a == candidate))
                .count();
            if holding >= 3 {
                top = candidate;
                break;
            }
        }
    }

    // Climb while the parent scores as well (the text continues above).
    let mut last = score_of(top).unwrap_or(first_score);
    let threshold = last / 3.0;
    for parent in dom.ancestors(top).collect::<Vec<_>>() {
        if !on(Heuristic::Climb) || parent == body || dom.tag(parent).is_none() {
            break;
        }
        match score_of(parent) {
            None => {}
            Some(s) if s < threshold => break,
            Some(s) if s > last => {
                top = parent;
                break;
            }
            Some(s) => last = s,
        }
    }
    // An only child says nothing its parent doesn't.
    while let Some(parent) = dom.parent(top) {
        if !on(Heuristic::OnlyChild) || parent == body || dom.tag(parent).is_none() {
            break;
        }
        if dom
            .children(parent)
            .filter(|&c| dom.tag(c).is_some())
            .count()
            != 1
        {
            break;
        }
        top = parent;
    }
    let top_score = score_of(top).unwrap_or(first_score);

    // Siblings that score well, or look like paragraphs of the same story
    // (a lede in its own `<p>` beside the body).
    let Some(parent) = dom.parent(top) else {
        return vec![top];
    };
    if top == body || !on(Heuristic::Siblings) {
        return vec![top];
    }
    let threshold = (top_score * 0.2).max(10.0);
    let top_class = dom.attr(top, "class").unwrap_or_default();
    let mut content = Vec::new();
    for sibling in dom.children(parent) {
        if sibling == top {
            content.push(sibling);
            continue;
        }
        let Some(tag) = dom.tag(sibling) else {
            continue;
        };
        if analysis.is_excluded(sibling) {
            continue;
        }
        let mut bonus = 0.0;
        if !top_class.is_empty() && dom.attr(sibling, "class") == Some(top_class) {
            bonus += top_score * 0.2;
        }
        if score_of(sibling).is_some_and(|s| s + bonus >= threshold) {
            content.push(sibling);
            continue;
        }
        if tag == Tag::P && on(Heuristic::SiblingParagraphs) {
            let stats = analysis.stats(sibling);
            let density = stats.link_chars as f32 / stats.chars.max(1) as f32;
            let long_prose = stats.chars > 80 && density < 0.25;
            let short_sentence = stats.chars > 0
                && stats.chars <= 80
                && density == 0.0
                && ends_sentence(dom, sibling);
            if long_prose || short_sentence {
                content.push(sibling);
            }
        }
    }
    content
}

fn ends_sentence(dom: &Dom<'_>, ix: Ix) -> bool {
    dom.text_content(ix)
        .trim_end()
        .ends_with(['.', '!', '?', '"', '”'])
}

/// Writes the content out as blocks.
struct Emitter<'d, 'a> {
    analysis: &'d Analysis<'d, 'a>,
    blocks: Vec<TextBlock>,
    current: String,
    current_links: usize,
    current_href: Option<String>,
    block_stack: Vec<(BlockKind, Ix)>,
    in_link: usize,
    in_pre: usize,
}

impl Emitter<'_, '_> {
    fn emit(&mut self, ix: Ix) {
        let dom = self.analysis.dom;
        if self.analysis.is_excluded(ix) {
            return;
        }
        let tag = match dom.node(ix).kind {
            Kind::Text { .. } => {
                if let Some(text) = dom.text(ix) {
                    self.push_text(text);
                }
                return;
            }
            Kind::Element { tag, .. } => tag,
            Kind::Document => return,
        };
        if tag == Tag::Br {
            // Two breaks in a row end a paragraph; one is a line break.
            if self.in_pre == 0 && self.current.trim_end_matches(' ').ends_with('\n') {
                self.finish_block();
            } else {
                self.current.push('\n');
            }
            return;
        }
        let block = is_block_tag(tag);
        let kind = match tag {
            _ if tag.is_heading() => Some(BlockKind::Heading),
            Tag::Li | Tag::Dd | Tag::Dt => Some(BlockKind::ListItem),
            _ if block => Some(BlockKind::Paragraph),
            _ => None,
        };
        if block {
            self.finish_block();
        }
        if let Some(kind) = kind {
            self.block_stack.push((kind, ix));
        }
        let is_link = tag == Tag::A;
        if is_link {
            self.in_link += 1;
            if self.current_href.is_none() {
                self.current_href = dom.attr(ix, "href").map(String::from);
            }
        }
        if tag == Tag::Pre {
            self.in_pre += 1;
        }
        for child in dom.children(ix) {
            self.emit(child);
        }
        if is_link {
            self.in_link -= 1;
        }
        if block {
            self.finish_block();
        }
        if tag == Tag::Pre {
            self.in_pre -= 1;
        }
        if kind.is_some() {
            self.block_stack.pop();
        }
    }

    fn push_space(&mut self) {
        if !self.current.is_empty() && !self.current.ends_with([' ', '\n']) {
            self.current.push(' ');
        }
    }

    fn push_text(&mut self, text: &str) {
        let before = self.current.len();
        if self.in_pre > 0 {
            self.current.push_str(text);
        } else {
            if text.starts_with(char::is_whitespace) {
                self.push_space();
            }
            let mut words = text.split_whitespace().peekable();
            while let Some(word) = words.next() {
                self.current.push_str(word);
                if words.peek().is_some() {
                    self.current.push(' ');
                }
            }
            if text.ends_with(char::is_whitespace) && !text.trim().is_empty() {
                self.push_space();
            }
        }
        if self.in_link > 0 {
            self.current_links += self.current[before..].chars().count();
        }
    }

    fn finish_block(&mut self) {
        let text = normalize_block(&self.current, self.in_pre > 0);
        if !text.is_empty() {
            let (kind, node) = self
                .block_stack
                .last()
                .map_or((BlockKind::Paragraph, None), |&(k, n)| (k, Some(n)));
            self.blocks.push(TextBlock {
                link_chars: self.current_links.min(text.chars().count()),
                text,
                kind,
                href: self.current_href.take(),
                node,
            });
        }
        self.current.clear();
        self.current_links = 0;
        self.current_href = None;
    }
}

fn emit_blocks(analysis: &Analysis<'_, '_>, roots: &[Ix]) -> Vec<TextBlock> {
    let dom = analysis.dom;
    let mut emitter = Emitter {
        analysis,
        blocks: Vec::new(),
        current: String::new(),
        current_links: 0,
        current_href: None,
        block_stack: Vec::new(),
        in_link: 0,
        in_pre: 0,
    };
    for &root in roots {
        // A root inside a link (a teaser card wrapped in `<a>`) is link text.
        emitter.in_link = dom
            .ancestors(root)
            .filter(|&a| dom.tag(a) == Some(Tag::A))
            .count();
        emitter.emit(root);
        emitter.finish_block();
    }
    emitter.blocks
}

/// Where a related-links section is while its blocks are read.
#[derive(Clone, Copy)]
enum RelatedSection {
    /// Inside this element.
    Region(Ix),
    /// In the link blocks that follow the heading in running text.
    Following,
}

/// Body blocks, related items cut from them, and whether the title was
/// repeated at the top.
struct Cleaned {
    body: Vec<TextBlock>,
    related: Vec<RelatedItem>,
    duplicated_title: bool,
}

/// Drops link lists and furniture from the blocks, removes a repeated title and
/// datelines, and moves related-links sections out of the body.
fn clean_blocks(
    dom: &Dom<'_>,
    blocks: Vec<TextBlock>,
    title: Option<&str>,
    rules: Heuristics,
) -> Cleaned {
    clean_blocks_keeping(dom, blocks, title, Keep::default(), rules)
}

/// Which link blocks a listing keeps: the item titles of a listing are
/// links, and they are what its reader wants.
#[derive(Debug, Clone, Copy, Default)]
struct Keep {
    /// Link blocks inside this element (the group of item cards). (Keeping
    /// link blocks anywhere in a listing's content was tried: it moved the
    /// WCXB fold means up in one fold and down in another, so it went.)
    items: Option<Ix>,
    /// The element holding the posts of a thread, which joins the content.
    thread: Option<Ix>,
}

/// [`clean_blocks`], keeping the link blocks `keep` names.
fn clean_blocks_keeping(
    dom: &Dom<'_>,
    blocks: Vec<TextBlock>,
    title: Option<&str>,
    keep: Keep,
    rules: Heuristics,
) -> Cleaned {
    let on = |h: Heuristic| rules.on(h);
    let title_norm = title.map(normalize_title).filter(|t| !t.is_empty());
    let mut out = Cleaned {
        body: Vec::with_capacity(blocks.len()),
        related: Vec::new(),
        duplicated_title: false,
    };
    let mut section: Option<RelatedSection> = None;
    for block in blocks {
        section = match section {
            Some(RelatedSection::Region(region)) if !block_inside(dom, &block, region) => None,
            Some(RelatedSection::Following) if block.link_density() <= 0.5 => None,
            other => other,
        };
        if block.text.len() < 60
            && block.kind != BlockKind::ListItem
            && on(Heuristic::RelatedHeadings)
            && boilerplate::is_related_heading(&block.text)
        {
            let region = section_of(dom, &block);
            section = Some(if mostly_links(dom, region) {
                RelatedSection::Region(region)
            } else {
                RelatedSection::Following
            });
            continue;
        }
        if section.is_some() {
            add_related(&mut out.related, block);
            continue;
        }
        if on(Heuristic::Furniture) && is_furniture(&block.text)
            || looks_like_markup(&block.text)
            || on(Heuristic::CreditsTimestamps) && is_credit_or_timestamp(&block.text)
            || on(Heuristic::Datelines) && is_dateline(&block.text)
            || on(Heuristic::PageChrome)
                && (boilerplate::is_page_chrome(&block.text)
                    || boilerplate::is_footer_start(&block.text))
        {
            continue;
        }
        let words = block.text.split_whitespace().count();
        let item_title = words >= 2
            && keep
                .items
                .is_some_and(|region| block_inside(dom, &block, region));
        if on(Heuristic::LinkBlocks)
            && block.link_density() > 0.5
            && (words < 40 || block.kind == BlockKind::ListItem)
            && !item_title
        {
            continue;
        }
        if title_norm
            .as_ref()
            .is_some_and(|t| normalize_title(&block.text) == *t)
        {
            // The headline as a heading is the page's title; as the first
            // paragraph it is a repeat.
            if block.kind != BlockKind::Heading && out.body.is_empty() {
                out.duplicated_title = true;
            }
            if block.kind == BlockKind::Heading || out.body.is_empty() {
                continue;
            }
        }
        out.body.push(block);
    }
    // A heading with nothing after it heads something that was cut.
    while on(Heuristic::TrailingHeadings)
        && out
            .body
            .last()
            .is_some_and(|b| b.kind == BlockKind::Heading)
    {
        out.body.pop();
    }
    out
}

/// Adds a block of a related section: a link starts an item, plain text is
/// the summary of the item before it.
fn add_related(related: &mut Vec<RelatedItem>, block: TextBlock) {
    if block.link_chars > 0 || block.kind == BlockKind::ListItem || related.is_empty() {
        related.push(RelatedItem {
            stub: boilerplate::is_stub(&block.text),
            title: Some(block.text),
            summary: None,
            url: block.href,
        });
    } else if let Some(last) = related.last_mut() {
        match &mut last.summary {
            Some(summary) => {
                summary.push(' ');
                summary.push_str(&block.text);
            }
            None => last.summary = Some(block.text),
        }
        last.stub = last.stub || last.summary.as_deref().is_some_and(boilerplate::is_stub);
    }
}

/// A block that is only a date ("May 21, 2024", "Published 10.02.2025").
fn is_dateline(text: &str) -> bool {
    text.split_whitespace().count() <= 6 && crate::dates::parse_date(text, "text").is_some()
}

/// Teasers from the sections pruned for their "related" names: one item per
/// link, with the rest of its list item or card as the summary.
fn section_teasers(dom: &Dom<'_>, sections: &[Ix]) -> Vec<RelatedItem> {
    const MAX_ITEMS: usize = 30;
    let mut items: Vec<RelatedItem> = Vec::new();
    for &section in sections {
        for link in dom
            .descendants(section)
            .filter(|&n| dom.tag(n) == Some(Tag::A))
        {
            let title = normalize_block(&dom.text_content(link), false);
            if title.chars().count() < 12 || items.len() >= MAX_ITEMS {
                continue;
            }
            let url = dom.attr(link, "href").map(String::from);
            if items
                .iter()
                .any(|i| i.title.as_deref() == Some(&title) || (url.is_some() && i.url == url))
            {
                continue;
            }
            let card = dom
                .ancestors(link)
                .take_while(|&a| a != section)
                .find(|&a| matches!(dom.tag(a), Some(Tag::Li | Tag::Article)));
            let summary = card
                .map(|card| normalize_block(&dom.text_content(card), false))
                .map(|all| all.replacen(&title, "", 1).trim().to_string())
                .filter(|rest| rest.chars().count() >= 20);
            let stub = boilerplate::is_stub(&title)
                || summary.as_deref().is_some_and(boilerplate::is_stub);
            items.push(RelatedItem {
                title: Some(title),
                summary,
                url,
                stub,
            });
        }
    }
    items
}

/// The section a related-links heading names: its parent, widened while the
/// parent holds nothing but the heading.
fn section_of(dom: &Dom<'_>, heading: &TextBlock) -> Ix {
    let Some(node) = heading.node else {
        return dom.body();
    };
    let heading_text = text_len(dom, node);
    let mut region = node;
    while let Some(parent) = dom.parent(region) {
        if matches!(dom.tag(parent), None | Some(Tag::Body | Tag::Html)) {
            break;
        }
        region = parent;
        if text_len(dom, region) > heading_text {
            break;
        }
    }
    region
}

/// True when most of the text under `ix` is link text.
fn mostly_links(dom: &Dom<'_>, ix: Ix) -> bool {
    let (mut all, mut links) = (0u32, 0u32);
    for n in dom.descendants(ix) {
        if let Some(text) = dom.raw_text(n) {
            let chars = visible_chars(text);
            all += chars;
            if dom
                .ancestors(n)
                .take_while(|&a| a != ix)
                .any(|a| dom.tag(a) == Some(Tag::A))
            {
                links += chars;
            }
        }
    }
    links * 2 >= all.saturating_sub(text_len_of_headings(dom, ix))
}

/// Text inside headings under `ix` (a section's title is not its content).
fn text_len_of_headings(dom: &Dom<'_>, ix: Ix) -> u32 {
    dom.descendants(ix)
        .filter(|&n| dom.tag(n).is_some_and(Tag::is_heading))
        .map(|n| text_len(dom, n))
        .sum()
}

fn text_len(dom: &Dom<'_>, ix: Ix) -> u32 {
    dom.descendants(ix)
        .filter_map(|n| dom.raw_text(n))
        .map(visible_chars)
        .sum()
}

fn block_inside(dom: &Dom<'_>, block: &TextBlock, region: Ix) -> bool {
    block
        .node
        .is_some_and(|node| node == region || dom.ancestors(node).any(|a| a == region))
}

/// Photo credits ("Photo: Jane Doe, AP") and update stamps ("Updated at
/// 1:23 p.m.") that sit between paragraphs.
fn is_credit_or_timestamp(text: &str) -> bool {
    let words = text.split_whitespace().count();
    if words > 12 {
        return false;
    }
    let lower = text.trim_start().to_lowercase();
    [
        "photo:",
        "photo by",
        "photograph:",
        "image:",
        "image by",
        "picture:",
        "credit:",
        "photo credit",
        "updated ",
        "last updated",
        "published ",
    ]
    .iter()
    .any(|prefix| lower.starts_with(prefix))
        || (lower.starts_with('(') && lower.contains("photo") && lower.ends_with(')'))
}

/// Raw markup that leaked into text (the inside of a `<noscript>`, say).
fn looks_like_markup(text: &str) -> bool {
    let text = text.trim();
    text.starts_with('<') && text.ends_with('>')
}

fn normalize_title(text: &str) -> String {
    text.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

fn block_chars(blocks: &[TextBlock]) -> usize {
    blocks.iter().map(|b| b.text.chars().count()).sum()
}

/// Below this many characters of body, extraction is retried with less pruning.
const ENOUGH_TEXT: usize = 250;

/// Extracts the main content of a parsed page. `recognize` tells the page's
/// type from the shape of its body (measured on the first pass); listings
/// and collections keep their items.
pub(crate) fn main_content(
    dom: &Dom<'_>,
    title: Option<&str>,
    rules: Heuristics,
    recognize: impl FnOnce(&Shape) -> PageType,
) -> (MainContent, PageType) {
    let mut best: Option<MainContent> = None;
    let mut recognize = Some(recognize);
    let mut found: Option<(Shape, PageType, Regions)> = None;
    for pruning in [
        Pruning::Full,
        Pruning::NoClassNames,
        Pruning::TagsOnly,
        Pruning::TextOnly,
    ] {
        let analysis = Analysis::new(dom, pruning, rules);
        let (shape, page_type, regions) = *found.get_or_insert_with(|| {
            let (shape, regions) = measure_shape(&analysis);
            let page_type = recognize.take().map_or(PageType::Article, |f| f(&shape));
            (shape, page_type, regions)
        });
        let listing = matches!(page_type, PageType::Listing | PageType::Collection);
        let keep = Keep {
            items: regions
                .cards
                .filter(|_| listing && shape.cards >= 5 && rules.on(Heuristic::ListingItems)),
            thread: regions
                .thread
                .filter(|_| page_type == PageType::Forum && rules.on(Heuristic::ThreadPosts)),
        };
        let mut content = content_of(&analysis, title, keep);
        content.shape = shape;
        let chars = block_chars(&content.blocks);
        if chars >= ENOUGH_TEXT {
            return (content, page_type);
        }
        if best.as_ref().is_none_or(|b| chars > block_chars(&b.blocks)) {
            best = Some(content);
        }
    }
    let page_type = found.map_or(PageType::Article, |f| f.1);
    (best.unwrap_or_default(), page_type)
}

/// Words that, as a whole class token or its first or last part, name one
/// post of a thread.
fn post_word(word: &str) -> bool {
    matches!(
        word,
        "post"
            | "message"
            | "reply"
            | "answer"
            | "comment"
            | "postbody"
            | "post__body"
            | "messagecontent"
    )
}

fn names_post(value: &str) -> bool {
    value
        .split_ascii_whitespace()
        .any(|token| token_names(&token.to_ascii_lowercase(), post_word))
}

/// Where the repeated parts of a page sit.
#[derive(Debug, Clone, Copy, Default)]
struct Regions {
    /// The element holding the largest group of cards.
    cards: Option<Ix>,
    /// The element holding the most posts (at least two).
    thread: Option<Ix>,
}

/// The shape of a page's body (repeated teaser cards, posts, prices), and
/// where its cards and posts are.
fn measure_shape(analysis: &Analysis<'_, '_>) -> (Shape, Regions) {
    let dom = analysis.dom;
    let body_stats = analysis.stats(analysis.body);
    let mut shape = Shape {
        chars: body_stats.chars as usize,
        link_share: body_stats.link_chars as f32 / body_stats.chars.max(1) as f32,
        ..Shape::default()
    };
    // One walk over the body. Posts: outermost elements named as posts, with
    // text of their own, looked for in the whole page (comment-like names are
    // pruned). Cards: the largest group of siblings of one tag and class,
    // each with a link and some text. Prices: a currency sign by a digit.
    let mut inside_post: Vec<bool> = vec![false; dom.len()];
    let mut groups: Vec<(Tag, &str, usize)> = Vec::new();
    let mut cards_parent = None;
    let mut post_parents: Vec<(Ix, usize)> = Vec::new();
    for ix in dom.descendants(analysis.body) {
        let excluded = analysis.is_excluded(ix);
        if let Some(text) = dom.raw_text(ix) {
            if !excluded {
                shape.prices += count_prices(text);
            }
            continue;
        }
        if dom.parent(ix).is_some_and(|p| inside_post[p as usize]) {
            inside_post[ix as usize] = true;
        } else if dom.has_attrs(ix) && dom.tag(ix).is_some() {
            let named = dom
                .attrs(ix)
                .filter(|(name, _)| {
                    name.eq_ignore_ascii_case("class") || name.eq_ignore_ascii_case("id")
                })
                .any(|(_, value)| names_post(value));
            if named && visible_text_at_least(dom, ix, 40) {
                inside_post[ix as usize] = true;
                shape.posts += 1;
                if let Some(parent) = dom.parent(ix) {
                    match post_parents.iter_mut().find(|(p, _)| *p == parent) {
                        Some(entry) => entry.1 += 1,
                        None => post_parents.push((parent, 1)),
                    }
                }
            }
        }
        if excluded || dom.tag(ix).is_none() {
            continue;
        }
        groups.clear();
        for child in dom.children(ix) {
            let Some(tag) = dom.tag(child) else { continue };
            if analysis.is_excluded(child) {
                continue;
            }
            let stats = analysis.stats(child);
            if stats.link_chars == 0 || stats.chars < 15 || stats.chars > 2000 {
                continue;
            }
            let class = dom.attr(child, "class").unwrap_or("");
            match groups.iter_mut().find(|(t, c, _)| *t == tag && *c == class) {
                Some(group) => group.2 += 1,
                None => groups.push((tag, class, 1)),
            }
        }
        if let Some(max) = groups.iter().map(|g| g.2).max() {
            if max > shape.cards {
                shape.cards = max;
                cards_parent = Some(ix);
            }
        }
    }
    let thread = post_parents
        .iter()
        .filter(|(_, n)| *n >= 2)
        .max_by_key(|(p, n)| (*n, std::cmp::Reverse(*p)))
        .map(|(p, _)| *p);
    (
        shape,
        Regions {
            cards: cards_parent,
            thread,
        },
    )
}

/// True when the text under `ix` has at least `min` visible characters.
fn visible_text_at_least(dom: &Dom<'_>, ix: Ix, min: u32) -> bool {
    let mut seen = 0;
    for n in dom.descendants(ix) {
        if let Some(text) = dom.raw_text(n) {
            seen += visible_chars(text);
            if seen >= min {
                return true;
            }
        }
    }
    false
}

/// Prices in a text: `$`, `€`, `£` or `¥` right before or after a digit.
fn count_prices(text: &str) -> usize {
    let bytes = text.as_bytes();
    // `$`, or the lead byte of `£` and `¥` (C2 A3, C2 A5), or `€` (E2 82 AC).
    if memchr::memchr2(b'$', 0xc2, bytes).is_none()
        && memchr::memmem::find(bytes, "€".as_bytes()).is_none()
    {
        return 0;
    }
    let mut count = 0;
    let mut prev: Option<char> = None;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if matches!(c, '$' | '€' | '£' | '¥') {
            let before = prev.is_some_and(|p| p.is_ascii_digit());
            let after = chars
                .clone()
                .find(|n| *n != ' ' && *n != '\u{a0}')
                .is_some_and(|n| n.is_ascii_digit());
            count += usize::from(before || after);
        }
        prev = Some(c);
    }
    count
}

fn content_of(analysis: &Analysis<'_, '_>, title: Option<&str>, keep: Keep) -> MainContent {
    let dom = analysis.dom;
    let mut roots = choose_content(analysis);
    for region in [keep.items, keep.thread].into_iter().flatten() {
        if analysis.is_excluded(region) {
            continue;
        }
        // The region joins the chosen content: a root inside it gives way,
        // and it is not added when a root already holds it.
        let inside = |ix: Ix, region: Ix| ix == region || dom.ancestors(ix).any(|a| a == region);
        if !roots.iter().any(|&r| inside(region, r)) {
            roots.retain(|&r| !inside(r, region));
            roots.push(region);
            roots.sort_unstable();
        }
    }
    let rules = analysis.rules;
    let blocks = emit_blocks(analysis, &roots);
    let mut cleaned = clean_blocks_keeping(dom, blocks, title, keep, rules);

    // A poor choice: the page's paragraphs together say much more.
    let body_stats = analysis.stats(analysis.body);
    let chosen = block_chars(&cleaned.body);
    let poor = (chosen as u32) < body_stats.para_chars / 3 || chosen < 100;
    if poor && rules.on(Heuristic::ParagraphFallback) {
        let fallback = clean_blocks(dom, all_paragraphs(analysis), title, rules);
        if block_chars(&fallback.body) > chosen * 2 {
            cleaned = fallback;
        }
    }
    for teaser in section_teasers(dom, &analysis.related_sections) {
        let known = cleaned
            .related
            .iter()
            .any(|r| r.title == teaser.title || (teaser.url.is_some() && r.url == teaser.url));
        if !known {
            cleaned.related.push(teaser);
        }
    }
    let total = body_stats.chars.max(1) as f32;
    let boilerplate_share = (1.0 - block_chars(&cleaned.body) as f32 / total).clamp(0.0, 1.0);
    MainContent {
        blocks: cleaned.body,
        related: cleaned.related,
        boilerplate_share,
        duplicated_title: cleaned.duplicated_title,
        shape: Shape::default(),
    }
}

/// Every paragraph-like element of the page, outermost ones only, in order.
fn all_paragraphs(analysis: &Analysis<'_, '_>) -> Vec<TextBlock> {
    let dom = analysis.dom;
    let is_paragraph = |ix: Ix| {
        matches!(
            dom.tag(ix),
            Some(Tag::P | Tag::Pre | Tag::Blockquote | Tag::Li | Tag::H2 | Tag::H3 | Tag::H4)
        )
    };
    let nodes: Vec<Ix> = dom
        .descendants(analysis.body)
        .filter(|&ix| !analysis.is_excluded(ix) && is_paragraph(ix))
        .filter(|&ix| {
            !dom.ancestors(ix).any(|a| {
                matches!(
                    dom.tag(a),
                    Some(Tag::P | Tag::Li | Tag::Blockquote | Tag::Pre)
                )
            })
        })
        .collect();
    emit_blocks(analysis, &nodes)
}
