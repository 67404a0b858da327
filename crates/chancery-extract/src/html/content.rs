//! Finding the main text of a page.
//!
//! The method, in three passes over the parsed tree:
//! 1. **Pruning**: elements that are never body text (scripts, navigation, forms
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
//! together, the page's paragraphs are used instead.

use std::collections::HashMap;
use std::sync::LazyLock;

use chancery_model::{BlockKind, RelatedItem};
use ego_tree::{NodeId, NodeRef};
use regex::Regex;
use scraper::{Html, Node};

use crate::boilerplate;

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
    pub node: Option<NodeId>,
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
}

/// Per-element text statistics, over the unpruned parts of the subtree.
#[derive(Debug, Clone, Copy, Default)]
struct Stats {
    /// Visible characters (whitespace runs count once).
    chars: u32,
    /// Characters inside links.
    link_chars: u32,
    /// Characters inside `<p>`-like paragraphs.
    para_chars: u32,
}

/// Tags whose content is never body text.
fn never_content(tag: &str) -> bool {
    matches!(
        tag,
        "script"
            | "style"
            | "noscript"
            | "template"
            | "svg"
            | "math"
            | "iframe"
            | "object"
            | "embed"
            | "canvas"
            | "video"
            | "audio"
            | "picture"
            | "button"
            | "input"
            | "select"
            | "option"
            | "textarea"
            | "label"
            | "nav"
            | "aside"
            | "footer"
            | "figure"
            | "figcaption"
            | "dialog"
            | "menu"
            | "head"
            | "title"
            | "meta"
            | "link"
            | "map"
    )
}

fn is_block_tag(tag: &str) -> bool {
    matches!(
        tag,
        "p" | "div"
            | "section"
            | "article"
            | "main"
            | "header"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "ul"
            | "ol"
            | "li"
            | "dl"
            | "dt"
            | "dd"
            | "blockquote"
            | "pre"
            | "table"
            | "thead"
            | "tbody"
            | "tfoot"
            | "tr"
            | "td"
            | "th"
            | "caption"
            | "form"
            | "fieldset"
            | "address"
            | "hr"
            | "center"
            | "details"
            | "summary"
            | "body"
            | "html"
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
        if boilerplate_word(&token) {
            return true;
        }
        let mut parts = token.split(['-', '_']).filter(|p| !p.is_empty());
        let first = parts.next();
        let last = parts.next_back();
        first.is_some_and(boilerplate_word) || last.is_some_and(boilerplate_word)
    })
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

fn hidden(element: &scraper::node::Element) -> bool {
    if element.attr("hidden").is_some() || element.attr("aria-hidden") == Some("true") {
        return true;
    }
    element.attr("style").is_some_and(|style| {
        let style: String = style
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_ascii_lowercase();
        style.contains("display:none") || style.contains("visibility:hidden")
    })
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
}

/// The pass over the tree: pruning decisions and statistics.
struct Analysis<'a> {
    pruning: Pruning,
    stats: HashMap<NodeId, Stats>,
    pruned: HashMap<NodeId, bool>,
    body: NodeRef<'a, Node>,
}

fn element_tag<'a>(node: &NodeRef<'a, Node>) -> Option<&'a str> {
    node.value().as_element().map(|e| e.name())
}

/// Text of a text node, whitespace runs counted once.
fn visible_chars(text: &str) -> u32 {
    let mut count = 0u32;
    let mut in_space = true;
    for c in text.chars() {
        if c.is_whitespace() {
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

impl<'a> Analysis<'a> {
    fn new(doc: &'a Html, pruning: Pruning) -> Option<Analysis<'a>> {
        let root = doc.tree.root();
        let html = root.children().find(|n| element_tag(n) == Some("html"))?;
        let body = html.children().find(|n| element_tag(n) == Some("body"))?;
        let mut analysis = Analysis {
            pruning,
            stats: HashMap::new(),
            pruned: HashMap::new(),
            body,
        };
        // First without class-based pruning, to know where the paragraph text is.
        let unpruned = analysis.measure(body, false, 0);
        let guard = unpruned.para_chars / 2;
        analysis.prune(body, guard, 0);
        analysis.stats.clear();
        analysis.measure(body, true, 0);
        Some(analysis)
    }

    /// Bottom-up statistics. With `pruned`, pruned elements count as empty.
    fn measure(&mut self, node: NodeRef<'a, Node>, pruned: bool, depth: usize) -> Stats {
        let mut stats = Stats::default();
        match node.value() {
            Node::Text(text) => {
                stats.chars = visible_chars(text);
                return stats;
            }
            Node::Element(element) => {
                if never_content(element.name())
                    || (pruned && self.is_pruned(node.id()))
                    || depth > 400
                {
                    return stats;
                }
            }
            _ => return stats,
        }
        for child in node.children() {
            let child_stats = self.measure(child, pruned, depth + 1);
            stats.chars += child_stats.chars;
            stats.link_chars += child_stats.link_chars;
            stats.para_chars += child_stats.para_chars;
        }
        if element_tag(&node) == Some("a") {
            stats.link_chars = stats.chars;
        } else if is_paragraph_like(node) {
            stats.para_chars = stats.chars.saturating_sub(stats.link_chars);
        } else {
            // Text written straight into a container, between its blocks, is a
            // paragraph too (blogs write `<div>text<br><br>text</div>`).
            stats.para_chars += loose_text_chars(node);
        }
        self.stats.insert(node.id(), stats);
        stats
    }

    /// Decides which elements are boilerplate by class, id, role or hiddenness.
    /// Elements holding more than `guard` paragraph characters are kept whatever
    /// their names say.
    fn prune(&mut self, node: NodeRef<'a, Node>, guard: u32, depth: usize) {
        let Some(element) = node.value().as_element() else {
            return;
        };
        let tag = element.name();
        if never_content(tag) || depth > 400 {
            return;
        }
        let structural = matches!(tag, "body" | "html" | "article" | "main");
        if !structural {
            let para = self.stats.get(&node.id()).map_or(0, |s| s.para_chars);
            let prune_hidden = self.pruning != Pruning::TagsOnly && hidden(element);
            let prune_named = self.pruning == Pruning::Full
                && (para <= guard || para == 0)
                && is_named_boilerplate(element);
            if prune_hidden || prune_named {
                self.pruned.insert(node.id(), true);
                return;
            }
        }
        for child in node.children() {
            self.prune(child, guard, depth + 1);
        }
    }

    fn is_pruned(&self, id: NodeId) -> bool {
        self.pruned.contains_key(&id)
    }

    fn stats(&self, id: NodeId) -> Stats {
        self.stats.get(&id).copied().unwrap_or_default()
    }
}

fn is_named_boilerplate(element: &scraper::node::Element) -> bool {
    if element.attr("role").is_some_and(negative_role) {
        return true;
    }
    if matches!(element.attr("itemprop"), Some("articleBody" | "text")) {
        return false;
    }
    [element.attr("class"), element.attr("id")]
        .into_iter()
        .flatten()
        .any(|value| boilerplate_name(value) && !POSITIVE.is_match(value))
}

/// Readability-style candidate scoring.
fn score_candidates<'a>(analysis: &Analysis<'a>) -> HashMap<NodeId, (NodeRef<'a, Node>, f32)> {
    let mut scores: HashMap<NodeId, (NodeRef<'a, Node>, f32)> = HashMap::new();
    let mut stack = vec![(analysis.body, 0usize)];
    while let Some((node, depth)) = stack.pop() {
        let Some(element) = node.value().as_element() else {
            continue;
        };
        if never_content(element.name()) || analysis.is_pruned(node.id()) || depth > 400 {
            continue;
        }
        // A paragraph scores for its ancestors; text written loose into a
        // container is a paragraph whose parent is the container itself.
        let (own, first_ancestor) = if is_paragraph_like(node) {
            let stats = analysis.stats(node.id());
            (stats.chars.saturating_sub(stats.link_chars), node.parent())
        } else {
            (loose_text_chars(node), Some(node))
        };
        if own >= 25 {
            let text_score = 1.0 + commas(node) as f32 + (own as f32 / 100.0).floor().min(3.0);
            let chain = std::iter::successors(first_ancestor, |n| n.parent());
            for (level, ancestor) in chain.take(5).enumerate() {
                if ancestor.value().as_element().is_none() || ancestor.id() == analysis.body.id() {
                    break;
                }
                let divider = match level {
                    0 => 1.0,
                    1 => 2.0,
                    n => n as f32 * 3.0,
                };
                let entry = scores
                    .entry(ancestor.id())
                    .or_insert_with(|| (ancestor, initial_score(ancestor)));
                entry.1 += text_score / divider;
            }
        }
        for child in node.children() {
            stack.push((child, depth + 1));
        }
    }
    for (id, entry) in scores.iter_mut() {
        let stats = analysis.stats(*id);
        let density = stats.link_chars as f32 / stats.chars.max(1) as f32;
        entry.1 *= 1.0 - density.min(1.0);
    }
    scores
}

fn initial_score(node: NodeRef<'_, Node>) -> f32 {
    let Some(element) = node.value().as_element() else {
        return 0.0;
    };
    let by_tag = match element.name() {
        "div" | "article" | "main" | "section" => 5.0,
        "pre" | "td" | "blockquote" => 3.0,
        "address" | "ol" | "ul" | "dl" | "dd" | "dt" | "li" | "form" => -3.0,
        "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "th" => -5.0,
        _ => 0.0,
    };
    by_tag + class_weight(element)
}

fn class_weight(element: &scraper::node::Element) -> f32 {
    let mut weight = 0.0;
    for value in [element.attr("class"), element.attr("id")]
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
    if matches!(element.attr("itemprop"), Some("articleBody")) {
        weight += 50.0;
    }
    weight
}

/// `<p>`, `<pre>`, `<td>`, and `<div>`s that hold text but no blocks.
fn is_paragraph_like(node: NodeRef<'_, Node>) -> bool {
    match element_tag(&node) {
        Some("p" | "pre" | "td" | "blockquote") => true,
        Some("div" | "section" | "span" | "font" | "article") => {
            !node.children().any(|c| {
                element_tag(&c).is_some_and(|t| is_block_tag(t) && t != "center")
                    || c.children().any(|g| {
                        element_tag(&g)
                            .is_some_and(|t| matches!(t, "p" | "div" | "ul" | "ol" | "table"))
                    })
            }) && node
                .children()
                .any(|c| c.value().as_text().is_some_and(|t| !t.trim().is_empty()))
        }
        _ => false,
    }
}

/// Characters of text written directly into `node` (not inside child elements
/// other than inline ones).
fn loose_text_chars(node: NodeRef<'_, Node>) -> u32 {
    let mut chars = 0;
    for child in node.children() {
        match child.value() {
            Node::Text(text) => chars += visible_chars(text),
            Node::Element(e)
                if matches!(
                    e.name(),
                    "b" | "i"
                        | "em"
                        | "strong"
                        | "span"
                        | "font"
                        | "u"
                        | "small"
                        | "sup"
                        | "sub"
                        | "cite"
                        | "q"
                        | "abbr"
                        | "time"
                        | "mark"
                ) =>
            {
                chars += child
                    .descendants()
                    .filter_map(|d| d.value().as_text())
                    .map(|t| visible_chars(t))
                    .sum::<u32>();
            }
            _ => {}
        }
    }
    chars
}

fn commas(node: NodeRef<'_, Node>) -> usize {
    node.descendants()
        .filter_map(|n| n.value().as_text())
        .map(|t| {
            t.chars()
                .filter(|&c| c == ',' || c == '，' || c == '、')
                .count()
        })
        .sum()
}

/// Chooses the content elements: the top candidate, widened.
fn choose_content<'a>(analysis: &Analysis<'a>) -> Vec<NodeRef<'a, Node>> {
    let scores = score_candidates(analysis);
    let Some((_, &(top_node, top_score))) = scores
        .iter()
        .max_by(|a, b| a.1 .1.total_cmp(&b.1 .1).then_with(|| b.0.cmp(a.0)))
    else {
        return Vec::new();
    };
    let mut top = top_node;
    let mut top_score = top_score;
    if std::env::var_os("CHANCERY_DEBUG").is_some() {
        let e = top.value().as_element();
        eprintln!(
            "top: {:?} class={:?} score {top_score} body {:?} top {:?}",
            e.map(|e| e.name()),
            e.and_then(|e| e.attr("class")),
            analysis.body.id(),
            top.id()
        );
    }
    let score_of = |node: NodeRef<'a, Node>| scores.get(&node.id()).map(|e| e.1);

    // Several strong candidates under one ancestor: the ancestor is the content
    // (articles split into several <div>s of paragraphs).
    let mut ranked: Vec<_> = scores.values().copied().collect();
    ranked.sort_by(|a, b| b.1.total_cmp(&a.1));
    let strong: Vec<_> = ranked
        .iter()
        .skip(1)
        .take(5)
        .filter(|(_, s)| *s >= top_score * 0.75)
        .map(|(n, _)| *n)
        .collect();
    if strong.len() >= 3 {
        let mut ancestor = top.parent();
        while let Some(candidate) = ancestor {
            if candidate.id() == analysis.body.id() {
                break;
            }
            let holding = strong
                .iter()
                .filter(|n| n.ancestors().any(|a| a.id() == candidate.id()))
                .count();
            if holding >= 3 {
                top = candidate;
                break;
            }
            ancestor = candidate.parent();
        }
    }

    // Climb while the parent scores as well (the text continues above).
    let mut last = score_of(top).unwrap_or(top_score);
    let threshold = last / 3.0;
    let mut parent = top.parent();
    while let Some(p) = parent {
        if p.id() == analysis.body.id() || p.value().as_element().is_none() {
            break;
        }
        match score_of(p) {
            None => {}
            Some(s) if s < threshold => break,
            Some(s) if s > last => {
                top = p;
                break;
            }
            Some(s) => last = s,
        }
        parent = p.parent();
    }
    // An only child says nothing its parent doesn't.
    while let Some(p) = top.parent() {
        if p.id() == analysis.body.id() || p.value().as_element().is_none() {
            break;
        }
        if p.children().filter(|c| c.value().is_element()).count() != 1 {
            break;
        }
        top = p;
    }
    top_score = score_of(top).unwrap_or(top_score);

    // Siblings that score well, or look like paragraphs of the same story.
    let Some(parent) = top.parent() else {
        return vec![top];
    };
    let threshold = (top_score * 0.2).max(10.0);
    let top_class = top
        .value()
        .as_element()
        .and_then(|e| e.attr("class"))
        .unwrap_or("");
    let mut content = Vec::new();
    for sibling in parent.children() {
        if sibling.id() == top.id() {
            content.push(sibling);
            continue;
        }
        let Some(element) = sibling.value().as_element() else {
            continue;
        };
        if never_content(element.name()) || analysis.is_pruned(sibling.id()) {
            continue;
        }
        let mut bonus = 0.0;
        if !top_class.is_empty() && element.attr("class") == Some(top_class) {
            bonus += top_score * 0.2;
        }
        if score_of(sibling).is_some_and(|s| s + bonus >= threshold) {
            content.push(sibling);
            continue;
        }
        if element.name() == "p" {
            let stats = analysis.stats(sibling.id());
            let density = stats.link_chars as f32 / stats.chars.max(1) as f32;
            if (stats.chars > 80 && density < 0.25)
                || (stats.chars > 0
                    && stats.chars <= 80
                    && density == 0.0
                    && ends_sentence(sibling))
            {
                content.push(sibling);
            }
        }
    }
    content
}

fn ends_sentence(node: NodeRef<'_, Node>) -> bool {
    let text: String = node
        .descendants()
        .filter_map(|n| n.value().as_text())
        .map(|t| &**t)
        .collect();
    text.trim_end().ends_with(['.', '!', '?', '"', '”'])
}

/// Writes the content out as blocks.
struct Emitter<'a, 'b> {
    analysis: &'b Analysis<'a>,
    blocks: Vec<TextBlock>,
    current: String,
    current_links: usize,
    current_href: Option<String>,
    kind_stack: Vec<(BlockKind, NodeId)>,
    in_link: usize,
    in_pre: usize,
}

impl<'a> Emitter<'a, '_> {
    fn emit(&mut self, node: NodeRef<'a, Node>, depth: usize) {
        match node.value() {
            Node::Text(text) => self.push_text(text),
            Node::Element(element) => {
                let tag = element.name();
                if never_content(tag) || self.analysis.is_pruned(node.id()) || depth > 400 {
                    return;
                }
                if tag == "br" {
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
                    "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => Some(BlockKind::Heading),
                    "li" | "dd" | "dt" => Some(BlockKind::ListItem),
                    _ if block => Some(BlockKind::Paragraph),
                    _ => None,
                };
                if block {
                    self.finish_block();
                }
                if let Some(kind) = kind {
                    self.kind_stack.push((kind, node.id()));
                }
                let is_link = tag == "a";
                if is_link {
                    self.in_link += 1;
                    if self.current_href.is_none() {
                        self.current_href = element.attr("href").map(String::from);
                    }
                }
                if tag == "pre" {
                    self.in_pre += 1;
                }
                for child in node.children() {
                    self.emit(child, depth + 1);
                }
                if is_link {
                    self.in_link -= 1;
                }
                if block {
                    self.finish_block();
                }
                if tag == "pre" {
                    self.in_pre -= 1;
                }
                if kind.is_some() {
                    self.kind_stack.pop();
                }
            }
            _ => {}
        }
    }

    fn push_space(&mut self) {
        if !self.current.is_empty() && !self.current.ends_with(' ') {
            self.current.push(' ');
        }
    }

    fn push_text(&mut self, text: &str) {
        let before = self.current.chars().count();
        if self.in_pre > 0 {
            self.current.push_str(text);
        } else {
            for (i, word) in text.split(|c: char| c.is_whitespace()).enumerate() {
                if i > 0 {
                    self.push_space();
                }
                if !word.is_empty() {
                    if text.starts_with(char::is_whitespace) && i == 0 {
                        self.push_space();
                    }
                    self.current.push_str(word);
                }
            }
        }
        if self.in_link > 0 {
            self.current_links += self.current.chars().count() - before;
        }
    }

    fn finish_block(&mut self) {
        let text = normalize_block(&self.current, self.in_pre > 0);
        if !text.is_empty() {
            let (kind, node) = self
                .kind_stack
                .last()
                .copied()
                .map_or((BlockKind::Paragraph, None), |(k, n)| (k, Some(n)));
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
    for word in text.split(|c: char| c.is_whitespace()) {
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

fn emit_blocks<'a>(analysis: &Analysis<'a>, roots: &[NodeRef<'a, Node>]) -> Vec<TextBlock> {
    let mut emitter = Emitter {
        analysis,
        blocks: Vec::new(),
        current: String::new(),
        current_links: 0,
        current_href: None,
        kind_stack: Vec::new(),
        in_link: 0,
        in_pre: 0,
    };
    for root in roots {
        // A root inside a link (a teaser card wrapped in `<a>`) is link text.
        emitter.in_link = root
            .ancestors()
            .filter(|a| element_tag(a) == Some("a"))
            .count();
        emitter.emit(*root, 0);
        emitter.finish_block();
    }
    emitter.blocks
}

/// Short lines that are page furniture, not text.
fn is_furniture(text: &str) -> bool {
    let lower = text.trim().trim_end_matches([':', '.']).to_lowercase();
    matches!(
        lower.as_str(),
        "advertisement"
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

/// Drops link lists and furniture from the blocks, and moves a trailing related
/// section out of the body.
fn clean_blocks(
    doc: &Html,
    blocks: Vec<TextBlock>,
    title: Option<&str>,
) -> (Vec<TextBlock>, Vec<RelatedItem>) {
    let title_norm = title.map(normalize_title);
    let mut body = Vec::with_capacity(blocks.len());
    let mut related = Vec::new();
    // The element that holds the current related-links section, if any.
    let mut related_region: Option<NodeId> = None;
    for block in blocks {
        if related_region.is_some_and(|region| !block_inside(doc, &block, region)) {
            related_region = None;
        }
        if block.text.len() < 60
            && block.kind != BlockKind::ListItem
            && boilerplate::is_related_heading(&block.text)
        {
            related_region = Some(section_of(doc, &block));
            continue;
        }
        if related_region.is_some() {
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
            continue;
        }
        if is_furniture(&block.text) || looks_like_markup(&block.text) {
            continue;
        }
        let words = block.text.split_whitespace().count();
        let density = block.link_density();
        if density > 0.5 && (words < 40 || block.kind == BlockKind::ListItem) {
            continue;
        }
        if block.kind == BlockKind::Heading {
            if let Some(title) = &title_norm {
                if normalize_title(&block.text) == *title {
                    continue;
                }
            }
        }
        body.push(block);
    }
    // A heading with nothing after it heads something that was cut.
    while body.last().is_some_and(|b| b.kind == BlockKind::Heading) {
        body.pop();
    }
    (body, related)
}

/// The section a related-links heading names: its parent, widened while the
/// parent holds nothing but the heading.
fn section_of(doc: &Html, heading: &TextBlock) -> NodeId {
    let Some(node) = heading.node.and_then(|id| doc.tree.get(id)) else {
        return doc.tree.root().id();
    };
    let heading_text = text_len(node);
    let mut region = node;
    while let Some(parent) = region.parent() {
        if parent
            .value()
            .as_element()
            .is_none_or(|e| matches!(e.name(), "body" | "html"))
        {
            break;
        }
        region = parent;
        if text_len(region) > heading_text {
            break;
        }
    }
    region.id()
}

fn text_len(node: NodeRef<'_, Node>) -> u32 {
    node.descendants()
        .filter_map(|n| n.value().as_text())
        .map(|t| visible_chars(t))
        .sum()
}

fn block_inside(doc: &Html, block: &TextBlock, region: NodeId) -> bool {
    let Some(node) = block.node.and_then(|id| doc.tree.get(id)) else {
        return false;
    };
    node.id() == region || node.ancestors().any(|a| a.id() == region)
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

/// Extracts the main content of a parsed page.
pub(crate) fn main_content(doc: &Html, title: Option<&str>) -> MainContent {
    let mut best: Option<MainContent> = None;
    for pruning in [Pruning::Full, Pruning::NoClassNames, Pruning::TagsOnly] {
        let Some(analysis) = Analysis::new(doc, pruning) else {
            return MainContent::default();
        };
        let content = content_of(doc, &analysis, title);
        let chars = block_chars(&content.blocks);
        if chars >= ENOUGH_TEXT {
            return content;
        }
        if best.as_ref().is_none_or(|b| chars > block_chars(&b.blocks)) {
            best = Some(content);
        }
    }
    best.unwrap_or_default()
}

fn content_of(doc: &Html, analysis: &Analysis<'_>, title: Option<&str>) -> MainContent {
    let analysis = analysis;
    let roots = choose_content(analysis);
    if std::env::var_os("CHANCERY_DEBUG").is_some() {
        for root in &roots {
            let e = root.value().as_element();
            eprintln!(
                "root: {:?} class={:?} id={:?} stats={:?}",
                e.map(|e| e.name()),
                e.and_then(|e| e.attr("class")),
                e.and_then(|e| e.attr("id")),
                analysis.stats(root.id())
            );
        }
    }
    let (mut blocks, mut related) = clean_blocks(doc, emit_blocks(analysis, &roots), title);

    // A poor choice: the page's paragraphs together say much more.
    let body_stats = analysis.stats(analysis.body.id());
    let chosen = block_chars(&blocks);
    if (chosen as u32) < body_stats.para_chars / 3 || chosen < 100 {
        let paragraphs = all_paragraphs(analysis);
        let (fallback, fallback_related) = clean_blocks(doc, paragraphs, title);
        if std::env::var_os("CHANCERY_DEBUG").is_some() {
            eprintln!(
                "fallback: chosen {chosen} chars, paragraphs {} chars, page paragraphs {}",
                block_chars(&fallback),
                body_stats.para_chars
            );
        }
        if block_chars(&fallback) > chosen * 2 {
            blocks = fallback;
            related = fallback_related;
        }
    }
    let total = body_stats.chars.max(1) as f32;
    let boilerplate_share = (1.0 - block_chars(&blocks) as f32 / total).clamp(0.0, 1.0);
    MainContent {
        blocks,
        related,
        boilerplate_share,
    }
}

/// Every paragraph-like element of the page, in order.
fn all_paragraphs<'a>(analysis: &Analysis<'a>) -> Vec<TextBlock> {
    let nodes: Vec<NodeRef<'a, Node>> = analysis
        .body
        .descendants()
        .filter(|n| {
            matches!(
                element_tag(n),
                Some("p" | "pre" | "blockquote" | "li" | "h2" | "h3" | "h4")
            )
        })
        .filter(|n| {
            !n.ancestors().any(|a| {
                a.value().as_element().is_some_and(|e| {
                    never_content(e.name()) || matches!(e.name(), "p" | "li" | "blockquote" | "pre")
                }) || analysis.is_pruned(a.id())
            })
        })
        .filter(|n| !analysis.is_pruned(n.id()))
        .collect();
    emit_blocks(analysis, &nodes)
}
