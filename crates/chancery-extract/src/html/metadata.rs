//! Page metadata: headline, bylines, dates, site, canonical URL, language and
//! description.
//!
//! Sources are read in order of trust: JSON-LD and `<meta>` tags written for
//! search engines and social networks first, then microdata, then what the
//! page shows (`<h1>`, bylines, `<time>`), then the URL. One walk over the tree
//! collects every candidate; the choices are made afterwards, so a huge page
//! costs one traversal plus a few short text reads. Scripts other than
//! `application/ld+json` are never read: their strings are templates, other
//! articles' data and tracking, not this page's metadata.

use std::collections::HashMap;
use std::sync::LazyLock;

use super::dom::Dom;
use super::view::{Element, ElementRef, Node};
use chancery_model::Published;
use regex::Regex;
use serde_json::Value;

use crate::dates::{date_from_url, parse_date};
use crate::language::normalize_tag;

/// What a page says about itself.
#[derive(Debug, Clone, Default)]
pub(crate) struct Metadata {
    /// The headline: the visible `<h1>` when it matches a declared title, else
    /// `og:title` / JSON-LD `headline` / `<title>` without the site name.
    pub title: Option<String>,
    /// Person (or, failing that, organization) bylines, deduplicated.
    pub authors: Vec<String>,
    /// First publication; `from` names the source (`json-ld`,
    /// `meta:article:published_time`, `itemprop:datePublished`, `time`,
    /// `url`, `text`, `byline`).
    pub published: Option<Published>,
    /// Last modification, from JSON-LD, `<meta>` or microdata.
    pub modified: Option<Published>,
    /// The publication's name; `None` when the page does not say (the caller
    /// falls back to the host).
    pub site: Option<String>,
    /// `<link rel=canonical>` resolved against the page URL, else `og:url`.
    pub canonical_url: Option<String>,
    /// ISO 639 primary language subtag from `<html lang>` or `<meta>`.
    pub language: Option<String>,
    /// The page's own summary, whitespace-normalized.
    pub description: Option<String>,
    /// The page's own `og:type`, lower-cased (`article`, `product`, `website`…).
    pub page_type: Option<String>,
    /// The schema.org types of the page's JSON-LD items (top level, `@graph`
    /// and `mainEntity`), without a vocabulary prefix, sorted and deduplicated.
    pub ld_types: Vec<String>,
}

/// Reads the metadata of a parsed page; `url` is where it was fetched from,
/// used to resolve a relative canonical link and as a last source of a date.
pub(crate) fn read_metadata<'a>(dom: &'a Dom<'a>, url: Option<&str>) -> Metadata {
    let page = Page::walk(dom);
    let ld = JsonLd::read(&page.json_ld);

    let canonical_url = page
        .canonical
        .or_else(|| page.meta("og:url"))
        .and_then(|href| resolve_url(href, url));
    let site = page
        .meta("og:site_name")
        .map(clean_text)
        .or_else(|| ld.site.clone())
        .or_else(|| page.meta("application-name").map(clean_text))
        .filter(|s| !s.is_empty() && s.chars().count() <= 100);
    let host = url.or(canonical_url.as_deref()).and_then(host_of);
    let site_keys = site_keys(site.as_deref(), ld.site.as_deref(), host);

    let title = choose_title(&page, &ld, &site_keys);
    let authors = choose_authors(&page, &ld, &site_keys);
    let published = choose_published(&page, &ld, [url, canonical_url.as_deref()]);
    let modified = choose_modified(&page, &ld);
    let language = page
        .lang
        .as_deref()
        .and_then(normalize_tag)
        .or_else(|| page.meta("content-language").and_then(first_tag))
        .or_else(|| page.meta("og:locale").and_then(normalize_tag))
        .or_else(|| page.meta("language").and_then(first_tag))
        .or_else(|| ld.language.as_deref().and_then(normalize_tag));
    let description = ["og:description", "description", "twitter:description"]
        .into_iter()
        .filter_map(|key| page.meta(key))
        .map(clean_text)
        .find(|d| !d.is_empty())
        .or_else(|| ld.description.clone());

    Metadata {
        title,
        authors,
        published,
        modified,
        site,
        canonical_url,
        language,
        description,
        page_type: page.meta("og:type").map(|t| t.trim().to_ascii_lowercase()),
        ld_types: ld.types,
    }
}

/// `content-language` may list several tags ("en, fr"): the first is the page's.
fn first_tag(value: &str) -> Option<String> {
    value.split([',', ';']).next().and_then(normalize_tag)
}

// ---------------------------------------------------------------------------
// Collecting candidates in one walk.

/// How many candidates of one kind to keep: pages repeat bylines and dates in
/// every teaser, and only the first few can be this article's.
const MAX_CANDIDATES: usize = 30;
/// Bylines are short; a longer "author" element is a bio box or a listing.
const MAX_BYLINE_CHARS: usize = 150;

/// Everything the walk found, unjudged.
#[derive(Default)]
struct Page<'a> {
    lang: Option<String>,
    /// `(key, content)` of `<meta>` tags, keys lower-cased: `property`, `name`,
    /// `itemprop` and `http-equiv` all name the field.
    metas: Vec<(String, &'a str)>,
    canonical: Option<&'a str>,
    title: Option<String>,
    h1s: Vec<String>,
    /// The first `<h1>` element, where a scan for a shown date starts.
    first_h1: Option<ElementRef<'a>>,
    json_ld: Vec<String>,
    times: Vec<ElementRef<'a>>,
    /// Elements with `itemprop=author` (microdata bylines).
    author_props: Vec<ElementRef<'a>>,
    /// Links with `rel=author`.
    author_rels: Vec<ElementRef<'a>>,
    /// Elements whose class or id says author or byline.
    author_classes: Vec<ElementRef<'a>>,
    /// Elements whose text starts with "By" (an unmarked byline).
    by_texts: Vec<ElementRef<'a>>,
    /// Links to an author page (`/author/jane-doe`).
    author_links: Vec<ElementRef<'a>>,
    /// Non-meta elements with `itemprop=datePublished` / `dateModified`.
    date_props: Vec<(ElementRef<'a>, bool)>,
    /// Elements whose class says date, published or posted.
    date_classes: Vec<ElementRef<'a>>,
}

impl<'a> Page<'a> {
    fn walk(dom: &'a Dom<'a>) -> Page<'a> {
        let mut page = Page::default();
        let root = ElementRef::root(dom);
        page.lang = root
            .attr("lang")
            .or_else(|| root.attr("xml:lang"))
            .map(str::to_string);
        for node in root.descendants() {
            if let Node::Text(text) = node.value() {
                if page.by_texts.len() < MAX_CANDIDATES && starts_with_by(text) {
                    let parent = node.parent().and_then(ElementRef::wrap);
                    if let Some(parent) = parent.filter(|p| is_visible_element(p.value().name())) {
                        page.by_texts.push(parent);
                    }
                }
                continue;
            }
            let Some(el) = ElementRef::wrap(node) else {
                continue;
            };
            let e = el.value();
            match e.name() {
                "meta" => {
                    if let Some(content) = e.attr("content") {
                        for attr in ["property", "name", "itemprop", "http-equiv"] {
                            if let Some(key) = e.attr(attr) {
                                if page.metas.len() < 1000 {
                                    page.metas.push((key.trim().to_ascii_lowercase(), content));
                                }
                            }
                        }
                    }
                    continue;
                }
                "link" => {
                    if page.canonical.is_none() && has_token(e.attr("rel"), "canonical") {
                        page.canonical = e.attr("href").filter(|h| !h.trim().is_empty());
                    }
                    continue;
                }
                "script" => {
                    let is_ld = e
                        .attr("type")
                        .is_some_and(|t| t.to_ascii_lowercase().contains("ld+json"));
                    if is_ld && page.json_ld.len() < MAX_CANDIDATES {
                        page.json_ld.push(el.text().collect());
                    }
                    continue;
                }
                "style" | "noscript" | "template" => continue,
                "title" if page.title.is_none() && !has_ancestor(el, |a| a.name() == "svg") => {
                    page.title = Some(clean_text(&el.text().collect::<String>()));
                }
                "h1" if page.h1s.len() < 5 => {
                    if page.first_h1.is_none() {
                        page.first_h1 = Some(el);
                    }
                    if let Some(text) = short_text(el, 500) {
                        if !text.is_empty() {
                            page.h1s.push(text);
                        }
                    }
                }
                "time" if page.times.len() < MAX_CANDIDATES => page.times.push(el),
                "a" => {
                    if has_token(e.attr("rel"), "author") && page.author_rels.len() < MAX_CANDIDATES
                    {
                        page.author_rels.push(el);
                    } else if e.attr("href").is_some_and(is_author_href)
                        && page.author_links.len() < MAX_CANDIDATES
                    {
                        page.author_links.push(el);
                    }
                }
                _ => {}
            }
            if let Some(prop) = e.attr("itemprop") {
                let prop = prop.to_ascii_lowercase();
                if prop
                    .split_whitespace()
                    .any(|p| p == "author" || p == "creator")
                {
                    push_capped(&mut page.author_props, el);
                } else if prop.contains("datepublished") || prop.contains("datecreated") {
                    push_capped(&mut page.date_props, (el, true));
                } else if prop.contains("datemodified") {
                    push_capped(&mut page.date_props, (el, false));
                }
            }
            // Class names and ids are matched without allocating: this runs
            // for every element of the page.
            if marks(e).any(is_author_mark) {
                push_capped(&mut page.author_classes, el);
            } else if marks(e).any(is_date_mark) {
                push_capped(&mut page.date_classes, el);
            }
        }
        page
    }

    /// The first non-empty `<meta>` content for a key.
    fn meta(&self, key: &str) -> Option<&'a str> {
        self.metas
            .iter()
            .find(|(k, v)| k == key && !v.trim().is_empty())
            .map(|(_, v)| *v)
    }
}

/// "By Jane Doe", "by:", "Written by", "Article by": the start of an
/// unmarked byline.
fn starts_with_by(text: &str) -> bool {
    static BY_START: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r"(?i)^\s*(?:(?:written|posted|published|authored|story|words|text|article|post|recipe|guide|review)\s+)?by(?:\s|:|$)",
        )
        .expect("valid regex")
    });
    // Most text nodes are whitespace or prose: look at the first letter
    // before running the regex.
    let first = text
        .trim_start()
        .bytes()
        .next()
        .map(|b| b.to_ascii_lowercase());
    text.len() <= 300
        && matches!(
            first,
            Some(b'a' | b'b' | b'g' | b'p' | b'r' | b's' | b't' | b'w')
        )
        && BY_START.is_match(text)
}

/// A byline label with the names in the next element: `<p>Written by</p>
/// <p>Jane Doe</p>`.
fn is_bare_by_label(text: &str) -> bool {
    starts_with_by(text)
        && text.trim().trim_end_matches(':').split_whitespace().count() <= 2
        && text
            .trim()
            .to_lowercase()
            .trim_end_matches(':')
            .trim_end()
            .ends_with("by")
}

fn is_visible_element(name: &str) -> bool {
    !matches!(
        name,
        "script" | "style" | "noscript" | "template" | "title" | "textarea" | "option"
    )
}

fn push_capped<T>(list: &mut Vec<T>, item: T) {
    if list.len() < MAX_CANDIDATES {
        list.push(item);
    }
}

fn has_token(attr: Option<&str>, token: &str) -> bool {
    attr.is_some_and(|a| a.split_whitespace().any(|t| t.eq_ignore_ascii_case(token)))
}

fn is_author_href(href: &str) -> bool {
    let href = href.to_ascii_lowercase();
    [
        "/author/",
        "/authors/",
        "/autor/",
        "/auteur/",
        "/profile/",
        "/people/",
        "/staff/",
        "/writers/",
    ]
    .iter()
    .any(|p| href.contains(p))
        && !href.contains("/feed")
}

/// Class names and the id of an element.
fn marks<'a>(e: Element<'a>) -> impl Iterator<Item = &'a str> {
    e.classes().chain(e.id())
}

/// Class names and the id, lower-cased, for the few elements judged closely.
fn class_and_id(e: Element<'_>) -> Vec<String> {
    marks(e).map(str::to_ascii_lowercase).collect()
}

/// The words class names and ids are judged by, found in one pass over each
/// name (this runs for every element of the page).
static MARK_WORDS: LazyLock<aho_corasick::AhoCorasick> = LazyLock::new(|| {
    aho_corasick::AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .build(MARK_WORD_LIST)
        .expect("valid patterns")
});

const MARK_WORD_LIST: [&str; 11] = [
    "author", "authoriz", "byline", "date", "publish", "posted", "time", "update", "modif",
    "validate", "picker",
];

/// Bit `i` set when `MARK_WORD_LIST[i]` occurs in `mark` (overlapping matches
/// included, so "authoriz" does not hide "author").
fn mark_words(mark: &str) -> u16 {
    let mut found = 0u16;
    for m in MARK_WORDS.find_overlapping_iter(mark) {
        found |= 1 << m.pattern().as_usize();
    }
    found
}

fn is_author_mark(mark: &str) -> bool {
    const AUTHOR: u16 = 1;
    const AUTHORIZ: u16 = 1 << 1;
    const BYLINE: u16 = 1 << 2;
    let found = mark_words(mark);
    (found & AUTHOR != 0 && found & AUTHORIZ == 0) || found & BYLINE != 0
}

fn is_date_mark(mark: &str) -> bool {
    const DATE_WORDS: u16 = 0b1111 << 3;
    const NOT_DATE_WORDS: u16 = 0b1111 << 7;
    let found = mark_words(mark);
    found & DATE_WORDS != 0 && found & NOT_DATE_WORDS == 0
}

fn has_ancestor(el: ElementRef<'_>, test: impl Fn(&Element<'_>) -> bool) -> bool {
    el.ancestors()
        .filter_map(|n| n.value().as_element())
        .any(|e| test(&e))
}

/// True when the element sits in comments, related-article lists or page
/// chrome: bylines and dates there belong to other texts. A footer or
/// "sidebar" column inside an `<article>` or `<main>` is the article's own
/// (themes put the byline and date there), so those only count when no
/// article encloses them.
fn in_other_content(el: ElementRef<'_>) -> bool {
    const OTHER: [&str; 6] = [
        "comment",
        "related",
        "recommend",
        "popular",
        "trending",
        "more-from",
    ];
    const CHROME: [&str; 2] = ["footer", "sidebar"];
    let mut in_chrome = false;
    for e in std::iter::once(*el)
        .chain(el.ancestors())
        .filter_map(|n| n.value().as_element())
    {
        match e.name() {
            // <body> classes describe the layout ("has-sidebar", "comments-open").
            "body" | "html" => break,
            "aside" | "nav" | "footer" => in_chrome = true,
            "article" | "main" => in_chrome = false,
            _ => {}
        }
        let marks = class_and_id(e);
        if marks.iter().any(|m| OTHER.iter().any(|k| m.contains(k))) {
            return true;
        }
        if marks.iter().any(|m| CHROME.iter().any(|k| m.contains(k))) {
            in_chrome = true;
        }
    }
    in_chrome
}

/// True when the element is inside the article proper (`<article>`,
/// `<main>`, a `<header>`, or an element whose class says post or entry).
fn in_article(el: ElementRef<'_>) -> bool {
    has_ancestor(el, |e| {
        matches!(e.name(), "article" | "main" | "header")
            || e.classes().any(|c| {
                let c = c.to_ascii_lowercase();
                c.contains("post") || c.contains("entry") || c.contains("article")
            })
    })
}

/// The element's visible text, whitespace-normalized, or `None` when it is
/// longer than `max` bytes (read no further: a byline is never that long).
fn short_text(el: ElementRef<'_>, max: usize) -> Option<String> {
    short_lines(el, max).map(|t| t.replace('\n', " "))
}

/// Like [`short_text`], with a line break wherever a block element (or
/// `<br>`) starts or ends, so that a name and the role under it ("Jane Doe" /
/// "Senior Writer") stay apart.
fn short_lines(el: ElementRef<'_>, max: usize) -> Option<String> {
    fn walk(el: ElementRef<'_>, out: &mut String, limit: usize, depth: usize) -> bool {
        if depth > 64 {
            return true;
        }
        for child in el.children() {
            match child.value() {
                Node::Text(t) => {
                    // Separate text nodes are spaced even without whitespace:
                    // bylines are built of spans ("by" + "<a>Jane Doe</a>")
                    // that CSS, not the markup, keeps apart.
                    for word in t.split_whitespace() {
                        out.push(' ');
                        out.push_str(word);
                    }
                    if out.len() > limit {
                        return false;
                    }
                }
                Node::Element(e) => {
                    let name = e.name();
                    if !is_visible_element(name) {
                        continue;
                    }
                    let block = is_block(name);
                    if block || name == "br" {
                        out.push('\n');
                    }
                    if let Some(inner) = ElementRef::wrap(child) {
                        if !walk(inner, out, limit, depth + 1) {
                            return false;
                        }
                    }
                    if block {
                        out.push('\n');
                    }
                }
                _ => {}
            }
        }
        true
    }
    let mut raw = String::new();
    if !walk(el, &mut raw, max * 2 + 200, 0) {
        return None;
    }
    let lines: Vec<String> = raw
        .lines()
        .map(clean_text)
        .filter(|l| !l.is_empty())
        .collect();
    let text = lines.join("\n");
    (text.len() <= max).then_some(text)
}

fn is_block(name: &str) -> bool {
    matches!(
        name,
        "div"
            | "p"
            | "li"
            | "ul"
            | "ol"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "section"
            | "header"
            | "footer"
            | "article"
            | "aside"
            | "nav"
            | "table"
            | "tr"
            | "td"
            | "th"
            | "dd"
            | "dt"
            | "dl"
            | "figure"
            | "figcaption"
            | "blockquote"
            | "address"
            | "main"
            | "form"
    )
}

// ---------------------------------------------------------------------------
// JSON-LD.

/// What the page's JSON-LD says about its main item.
#[derive(Default)]
struct JsonLd {
    headline: Option<String>,
    /// People (and untyped names) credited as authors.
    authors: Vec<String>,
    /// Organizations credited as authors: used only when no person is named
    /// anywhere on the page.
    org_authors: Vec<String>,
    published: Option<String>,
    modified: Option<String>,
    /// `publisher.name`, else the `WebSite` name.
    site: Option<String>,
    language: Option<String>,
    description: Option<String>,
    /// Whether the dates came from an article-like item rather than a
    /// `WebPage`, whose dates are less often the article's.
    dates_from_article: bool,
    /// The types of all collected items, sorted, deduplicated.
    types: Vec<String>,
}

impl JsonLd {
    fn read(scripts: &[String]) -> JsonLd {
        let values: Vec<Value> = scripts.iter().flat_map(|s| parse_json_ld(s)).collect();
        let mut nodes = Vec::new();
        for value in &values {
            collect_nodes(value, &mut nodes, 0);
        }
        let ids: HashMap<&str, &Value> = nodes
            .iter()
            .filter_map(|n| Some((n.get("@id")?.as_str()?, *n)))
            .collect();

        let main = nodes
            .iter()
            .filter_map(|n| Some((item_rank(n)?, *n)))
            .min_by_key(|(rank, _)| *rank);
        let mut ld = JsonLd::default();
        let mut all_types: Vec<String> = nodes
            .iter()
            .flat_map(|n| types(n))
            .map(String::from)
            .collect();
        all_types.sort_unstable();
        all_types.dedup();
        ld.types = all_types;
        let Some((rank, main)) = main else {
            ld.site = nodes
                .iter()
                .find(|n| has_type(n, &["WebSite"]))
                .and_then(|n| string_field(n, "name"));
            return ld;
        };
        ld.headline = string_field(main, "headline").or_else(|| string_field(main, "name"));
        for key in ["author", "creator"] {
            if let Some(author) = main.get(key) {
                collect_authors(author, &ids, &mut ld, 0);
            }
            if !ld.authors.is_empty() || !ld.org_authors.is_empty() {
                break;
            }
        }
        // A WebPage item's dates are often the page's, not the article's;
        // prefer any article-like item's, then fall back.
        let dated = nodes
            .iter()
            .filter(|n| item_rank(n).is_some_and(|r| r <= 1) && n.get("datePublished").is_some())
            .min_by_key(|n| item_rank(n))
            .copied()
            .unwrap_or(main);
        ld.dates_from_article = item_rank(dated).is_some_and(|r| r <= 1);
        ld.published = ["datePublished", "dateCreated", "uploadDate"]
            .iter()
            .find_map(|k| string_field(dated, k));
        ld.modified = string_field(dated, "dateModified");
        ld.site = main
            .get("publisher")
            .and_then(|p| resolve(p, &ids))
            .and_then(|p| string_field(p, "name"))
            .or_else(|| {
                nodes
                    .iter()
                    .find(|n| has_type(n, &["WebSite"]))
                    .and_then(|n| string_field(n, "name"))
            });
        ld.language = string_field(main, "inLanguage");
        ld.description = string_field(main, "description").filter(|_| rank <= 1);
        ld
    }
}

/// Parses one `<script type="application/ld+json">`, tolerating what CMSs
/// emit: HTML comments or CDATA around it, trailing commas, raw newlines in
/// strings, several objects in a row. Gives up quietly when that is not enough.
fn parse_json_ld(raw: &str) -> Vec<Value> {
    fn stream(text: &str) -> (Vec<Value>, bool) {
        let mut values = Vec::new();
        for value in serde_json::Deserializer::from_str(text).into_iter::<Value>() {
            match value {
                Ok(value) => values.push(value),
                Err(_) => return (values, false),
            }
        }
        (values, true)
    }
    let (values, complete) = stream(raw.trim());
    if complete {
        return values;
    }
    static TRAILING_COMMA: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r",(\s*[}\]])").expect("valid regex"));
    let mut cleaned = raw.trim().to_string();
    for wrapper in ["//<![CDATA[", "//]]>", "<![CDATA[", "]]>", "<!--", "-->"] {
        cleaned = cleaned.replace(wrapper, "");
    }
    cleaned = cleaned
        .replace(|c: char| c.is_control(), " ")
        .replace("\\'", "'");
    let cleaned = TRAILING_COMMA.replace_all(&cleaned, "$1");
    let (retry, _) = stream(cleaned.trim().trim_end_matches(';'));
    if retry.len() > values.len() {
        retry
    } else {
        values
    }
}

/// Gathers the typed objects of a JSON-LD document: top-level items, arrays,
/// `@graph` members and `mainEntity`. Nested values elsewhere (list items,
/// `hasPart`, reviews) describe other things and are not collected.
fn collect_nodes<'v>(value: &'v Value, out: &mut Vec<&'v Value>, depth: usize) {
    if depth > 4 || out.len() > 500 {
        return;
    }
    match value {
        Value::Array(items) => {
            for item in items {
                collect_nodes(item, out, depth + 1);
            }
        }
        Value::Object(map) => {
            if map.contains_key("@type") {
                out.push(value);
            }
            for key in ["@graph", "mainEntity"] {
                if let Some(inner) = map.get(key) {
                    collect_nodes(inner, out, depth + 1);
                }
            }
        }
        _ => {}
    }
}

/// The schema.org type names of an item, without a vocabulary prefix.
fn types(node: &Value) -> Vec<&str> {
    fn short(t: &str) -> &str {
        t.rsplit(['/', ':', '#']).next().unwrap_or(t)
    }
    match node.get("@type") {
        Some(Value::String(t)) => vec![short(t)],
        Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).map(short).collect(),
        _ => Vec::new(),
    }
}

fn has_type(node: &Value, wanted: &[&str]) -> bool {
    types(node).iter().any(|t| wanted.contains(t))
}

/// How likely an item is to be the page's article: 0 for articles and posts,
/// 1 for other authored works, 2 for web pages; `None` for everything else.
fn item_rank(node: &Value) -> Option<u8> {
    types(node)
        .iter()
        .filter_map(|t| {
            if t.ends_with("Article") || t.ends_with("Posting") || *t == "Report" {
                Some(0)
            } else if matches!(
                *t,
                "Recipe"
                    | "HowTo"
                    | "Review"
                    | "CreativeWork"
                    | "Guide"
                    | "Course"
                    | "Event"
                    | "Question"
            ) {
                Some(1)
            } else if t.ends_with("Page") {
                Some(2)
            } else {
                None
            }
        })
        .min()
}

/// A reference (`{"@id": …}`) resolved to the item it names, else the value.
fn resolve<'v>(value: &'v Value, ids: &HashMap<&str, &'v Value>) -> Option<&'v Value> {
    match value {
        Value::Object(map) if !map.contains_key("name") => {
            let id = map.get("@id").and_then(Value::as_str);
            Some(id.and_then(|id| ids.get(id).copied()).unwrap_or(value))
        }
        Value::Array(items) => items.first().and_then(|v| resolve(v, ids)),
        _ => Some(value),
    }
}

fn collect_authors(value: &Value, ids: &HashMap<&str, &Value>, ld: &mut JsonLd, depth: usize) {
    if depth > 3 {
        return;
    }
    match value {
        Value::String(s) if !looks_like_url(s) => {
            for name in byline_names(&clean_text(&decode_entities(s))) {
                push_name(&mut ld.authors, name);
            }
        }
        Value::Array(items) => {
            for item in items {
                collect_authors(item, ids, ld, depth + 1);
            }
        }
        Value::Object(_) => {
            let Some(item) = resolve(value, ids) else {
                return;
            };
            let name = string_field(item, "name").or_else(|| {
                let given = string_field(item, "givenName")?;
                Some(match string_field(item, "familyName") {
                    Some(family) => format!("{given} {family}"),
                    None => given,
                })
            });
            let is_org = types(item).iter().any(|t| {
                t.ends_with("Organization")
                    || matches!(*t, "Corporation" | "Brand" | "WebSite" | "LocalBusiness")
            });
            let list = if is_org {
                &mut ld.org_authors
            } else {
                &mut ld.authors
            };
            for name in name
                .iter()
                .filter(|n| !looks_like_url(n))
                .flat_map(|n| byline_names(n))
            {
                push_name(list, name);
            }
        }
        _ => {}
    }
}

/// A string field (or the first string of an array, or an object's `@value`),
/// entity-decoded and whitespace-normalized.
fn string_field(node: &Value, key: &str) -> Option<String> {
    let value = node.get(key)?;
    let text = match value {
        Value::String(s) => s.as_str(),
        Value::Array(items) => items.iter().find_map(Value::as_str)?,
        Value::Object(map) => map.get("@value").and_then(Value::as_str)?,
        Value::Number(n) => return Some(n.to_string()),
        _ => return None,
    };
    let text = clean_text(&decode_entities(text));
    (!text.is_empty()).then_some(text)
}

/// Decodes the HTML entities CMSs leave in JSON-LD and double-escaped meta
/// content (`&amp;`, `&#8217;`, `&#x2019;`…).
fn decode_entities(text: &str) -> String {
    super::entities::decode(text, false).into_owned()
}

// ---------------------------------------------------------------------------
// Title.

/// Separators that join a headline and a site or section name in `<title>`.
const TITLE_SEPARATORS: [&str; 10] = [
    " | ", " - ", " – ", " — ", " :: ", " · ", " • ", " » ", " ~ ", ": ",
];

fn choose_title(page: &Page<'_>, ld: &JsonLd, sites: &[String]) -> Option<String> {
    // A segment the <title> repeats ("Blog: Post | Blog") is the site's name,
    // even when no tag says so.
    let mut sites = sites.to_vec();
    if let Some(title) = &page.title {
        let segments: Vec<String> = title
            .split([' ', '\u{a0}'])
            .collect::<Vec<_>>()
            .join(" ")
            .split(['|', '–', '—', ':', '»', '·'])
            .map(squash)
            .filter(|segment| segment.len() >= 3)
            .collect();
        for (i, segment) in segments.iter().enumerate() {
            if segments[i + 1..].contains(segment) && !sites.contains(segment) {
                sites.push(segment.clone());
            }
        }
    }
    let sites = &sites[..];
    let metas = ["og:title", "twitter:title"]
        .map(|k| page.meta(k).map(|t| clean_text(&decode_entities(t))));
    let declared: Vec<String> = [
        metas[0].clone(),
        ld.headline.clone(),
        metas[1].clone(),
        page.title.clone(),
    ]
    .into_iter()
    .flatten()
    .map(|t| strip_site(&t, sites))
    .filter(|t| !t.is_empty() && !is_site_name(t, sites))
    .collect();
    let h1s: Vec<String> = page
        .h1s
        .iter()
        .map(|h| {
            let h = decode_entities(h);
            let h = h
                .trim_start_matches('#')
                .trim_end_matches(['¶', '#', '§', '\u{f0c1}'])
                .trim();
            strip_section(h)
        })
        .filter(|h| !h.is_empty() && word_count(h) <= 30 && !is_site_name(h, sites))
        .collect();

    // The visible headline is what readers (and citations) call the article;
    // <title> and og:title are often rewritten for search and sharing. Take
    // the first <h1> that is about the same thing as a declared title, so a
    // logo or slogan <h1> is passed over.
    let Some(first_declared) = declared.first() else {
        return h1s
            .into_iter()
            .next()
            .or_else(|| page.title.clone().filter(|t| !t.is_empty()));
    };
    let about_the_same = |h1: &&String| declared.iter().any(|t| overlaps(h1, t));
    let Some(h1) = h1s.iter().take(3).find(about_the_same) else {
        return Some(first_declared.clone());
    };
    // An all-capitals <h1> is styling; a declared title with the same words
    // has the real capitalization.
    if !h1.chars().any(char::is_lowercase) {
        if let Some(same) = declared.iter().find(|t| squash(t) == squash(h1)) {
            return Some(same.clone());
        }
    }
    Some(h1.clone())
}

/// True when two titles share most of their content words (either way round),
/// so one is a rewording of the other rather than a different text.
fn overlaps(a: &str, b: &str) -> bool {
    const STOP: [&str; 24] = [
        "the", "a", "an", "and", "or", "of", "in", "to", "for", "on", "with", "is", "are", "at",
        "by", "your", "our", "how", "what", "why", "this", "that", "from", "you",
    ];
    let words = |t: &str| -> Vec<String> {
        t.split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(|w| w.to_lowercase())
            .filter(|w| !STOP.contains(&w.as_str()))
            .map(|w| {
                if w.len() > 3 {
                    w.trim_end_matches('s').to_string()
                } else {
                    w
                }
            })
            .collect()
    };
    let (a, b) = (words(a), words(b));
    if a.is_empty() || b.is_empty() {
        return false;
    }
    let shared_a = a.iter().filter(|w| b.contains(w)).count();
    let shared_b = b.iter().filter(|w| a.contains(w)).count();
    shared_a * 2 >= a.len() || shared_b * 2 >= b.len()
}

/// Drops one short trailing segment after a bar ("Headline | Opinion"), which
/// is nearly always a section or brand rather than part of the headline.
fn strip_section(title: &str) -> String {
    if let Some((head, tail)) = title.rsplit_once(" | ") {
        if word_count(tail) <= 3 && word_count(head) >= 3 {
            return head.trim().to_string();
        }
    }
    title.to_string()
}

/// Cuts a site-name prefix or suffix ("Talks in Vienna | Example News",
/// "Example News - Talks in Vienna") and a short trailing segment ("… | World").
fn strip_site(title: &str, sites: &[String]) -> String {
    let mut title = title.trim().to_string();
    // Site names first, from either end, as often as they appear.
    for _ in 0..3 {
        let Some((head, tail)) = split_last(&title) else {
            break;
        };
        if is_site_name(tail, sites) && !head.trim().is_empty() {
            title = head.trim().to_string();
            continue;
        }
        let Some((head, tail)) = split_first(&title) else {
            break;
        };
        if is_site_name(head, sites) && !tail.trim().is_empty() {
            title = tail.trim().to_string();
            continue;
        }
        break;
    }
    strip_section(&title)
}

fn split_last(title: &str) -> Option<(&str, &str)> {
    TITLE_SEPARATORS
        .iter()
        .filter_map(|sep| title.rfind(sep).map(|i| (i, sep.len())))
        .max_by_key(|(i, _)| *i)
        .map(|(i, len)| (&title[..i], &title[i + len..]))
}

fn split_first(title: &str) -> Option<(&str, &str)> {
    TITLE_SEPARATORS
        .iter()
        .filter_map(|sep| title.find(sep).map(|i| (i, sep.len())))
        .min_by_key(|(i, _)| *i)
        .map(|(i, len)| (&title[..i], &title[i + len..]))
}

/// Lower-cased letters and digits only, to compare names spelled differently
/// ("The Example-News" ~ "theexamplenews").
fn squash(text: &str) -> String {
    text.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Names a site goes by: its declared names and its host's main label.
fn site_keys(site: Option<&str>, ld_site: Option<&str>, host: Option<String>) -> Vec<String> {
    let mut keys: Vec<String> = [site, ld_site]
        .into_iter()
        .flatten()
        .map(squash)
        .filter(|k| k.len() >= 3)
        .collect();
    if let Some(host) = host {
        let labels: Vec<&str> = host.trim_start_matches("www.").split('.').collect();
        // The label before the public suffix ("example" in news.example.co.uk);
        // short second-level labels such as "co" are skipped.
        let main = labels
            .iter()
            .rev()
            .skip(1)
            .find(|l| {
                l.len() > 3 || !matches!(**l, "co" | "com" | "org" | "net" | "gov" | "ac" | "edu")
            })
            .copied();
        if let Some(main) = main {
            let key = squash(main);
            if key.len() >= 3 {
                keys.push(key);
            }
        }
        keys.push(squash(&host));
    }
    keys
}

/// True when a title segment is the site's name: equal to one of its names,
/// a name plus a word ("Example Blog"), or part of one ("Example" for
/// "examplenews").
fn is_site_name(segment: &str, sites: &[String]) -> bool {
    let key = squash(segment);
    if key.len() < 3 {
        return false;
    }
    let short = word_count(segment) <= 2;
    sites.iter().any(|site| {
        key == *site
            || (short && site.len() >= 4 && key.contains(site.as_str()))
            || (key.len() >= 4 && site.contains(&key))
    })
}

fn word_count(text: &str) -> usize {
    text.split_whitespace().count()
}

// ---------------------------------------------------------------------------
// Authors.

fn choose_authors(page: &Page<'_>, ld: &JsonLd, sites: &[String]) -> Vec<String> {
    // Organizations, and bylines that only repeat the publication's name
    // ("Jane Doe, USA TODAY" gives "USA TODAY"), are kept for last: any person
    // named elsewhere on the page is the likelier author.
    let mut fallback = ld.org_authors.clone();
    let mut people = |names: Vec<String>| -> Option<Vec<String>> {
        let (publisher, people): (Vec<String>, Vec<String>) =
            names.into_iter().partition(|n| sites.contains(&squash(n)));
        if fallback.is_empty() {
            fallback = publisher;
        }
        (!people.is_empty()).then_some(people)
    };
    if let Some(names) = people(ld.authors.clone()) {
        return names;
    }
    for key in META_AUTHOR_KEYS {
        let mut names = Vec::new();
        for (k, v) in &page.metas {
            if k != key || looks_like_url(v) {
                continue;
            }
            let value = clean_text(&decode_entities(v));
            if key == "citation_author" {
                // One author per tag, written "Last, First".
                let name = match value.split_once(',') {
                    Some((last, first)) => format!("{} {}", first.trim(), last.trim()),
                    None => value,
                };
                push_name(&mut names, name);
            } else {
                for name in byline_names(&value) {
                    push_name(&mut names, name);
                }
            }
        }
        if let Some(names) = people(names) {
            return names;
        }
    }
    let sources: [(&[ElementRef<'_>], Byline); 5] = [
        (&page.author_props, Byline::Microdata),
        (&page.author_rels, Byline::Marked),
        (&page.author_classes, Byline::Marked),
        (&page.by_texts, Byline::Unmarked),
        (&page.author_links, Byline::Marked),
    ];
    for (elements, kind) in sources {
        if let Some(names) = people(names_from_elements(elements, kind)) {
            return names;
        }
    }
    fallback
}

/// `<meta>` keys that name the author.
const META_AUTHOR_KEYS: [&str; 8] = [
    "author",
    "article:author",
    "parsely-author",
    "sailthru.author",
    "dc.creator",
    "dcterms.creator",
    "byl",
    "citation_author",
];

/// How much an element byline is to be trusted.
#[derive(Clone, Copy, PartialEq)]
enum Byline {
    /// `itemprop=author`: its `itemprop=name` is the name.
    Microdata,
    /// An element marked as a byline by class, id, `rel` or link target.
    Marked,
    /// Text that starts with "By": only names that look like names count.
    Unmarked,
}

/// Names from the first byline element, plus co-author elements of the same
/// shape in the same byline container. Later bylines on the page belong to
/// teasers, and an author box's other parts (role, bio) are not names.
fn names_from_elements(elements: &[ElementRef<'_>], kind: Byline) -> Vec<String> {
    let read = |el: ElementRef<'_>| -> Vec<String> {
        if in_other_content(el) || (kind != Byline::Unmarked && is_byline_part(el)) {
            return Vec::new();
        }
        match kind {
            Byline::Microdata => microdata_author(el),
            Byline::Marked => element_author(el),
            Byline::Unmarked => {
                // Only a short line made of names: "By clicking you agree to
                // our Privacy Policy" starts with "by" too.
                let label = short_text(el, 40).filter(|t| is_bare_by_label(t));
                let source = match label {
                    Some(_) => el.next_siblings().find_map(ElementRef::wrap).unwrap_or(el),
                    None => el,
                };
                short_lines(source, 70)
                    .map(|text| unmarked_names(&text, label.is_some()))
                    .unwrap_or_default()
            }
        }
    };
    let is_inside = |inner: &ElementRef<'_>, outer: ElementRef<'_>| {
        inner.ancestors().any(|a| a.id() == outer.id())
    };
    let mut names = Vec::new();
    let mut first: Option<ElementRef<'_>> = None;
    for (i, &el) in elements.iter().enumerate() {
        if let Some(first) = first {
            // Co-authors: the same kind of element, and the smallest block
            // holding both is a byline, not a list of teasers.
            let same_shape = el.value().name() == first.value().name()
                && el.value().attr("class") == first.value().attr("class");
            let common = first
                .ancestors()
                .take(4)
                .filter_map(ElementRef::wrap)
                .find(|a| is_inside(&el, *a));
            let one_byline = common.is_some_and(|c| {
                !matches!(c.value().name(), "body" | "main" | "article" | "section")
                    && short_text(c, 2 * MAX_BYLINE_CHARS).is_some()
            });
            if !same_shape || !one_byline {
                continue;
            }
        }
        // A byline wrapper ("By <span class=author>Jane Doe</span> · Feb 10")
        // is read through its inner author element when that has a name.
        let inner = &elements[i + 1..];
        if inner
            .iter()
            .any(|o| is_inside(o, el) && !read(*o).is_empty())
        {
            continue;
        }
        let before = names.len();
        for name in read(el) {
            push_name(&mut names, name);
        }
        if names.len() > before && first.is_none() {
            first = Some(el);
        }
    }
    names
}

/// Parts of an author box that are not the name: role, bio, avatar, social
/// links. Class names are split into words ("author-job-title" → author, job,
/// title) so that "jobber" is not a job; a part named "name" is the name even
/// when a styling class says "title".
fn is_byline_part(el: ElementRef<'_>) -> bool {
    const PARTS: [&str; 22] = [
        "title",
        "role",
        "rol",
        "job",
        "jobtitle",
        "position",
        "bio",
        "biography",
        "desc",
        "description",
        "avatar",
        "image",
        "img",
        "photo",
        "pic",
        "picture",
        "social",
        "date",
        "count",
        "label",
        "thumb",
        "thumbnail",
    ];
    let marks = class_and_id(el.value());
    let words = || {
        marks
            .iter()
            .flat_map(|m| m.split(|c: char| !c.is_ascii_alphanumeric()))
    };
    if words().any(|w| w == "name" || w == "byline") {
        return false;
    }
    words().any(|w| PARTS.contains(&w))
}

/// `itemprop=author`: its `itemprop=name` (content or text) when it is an
/// item, else its own text.
fn microdata_author(el: ElementRef<'_>) -> Vec<String> {
    if let Some(content) = el.value().attr("content") {
        return if looks_like_url(content) {
            Vec::new()
        } else {
            byline_names(content)
        };
    }
    for node in el.descendants() {
        let Some(inner) = ElementRef::wrap(node) else {
            continue;
        };
        if inner
            .value()
            .attr("itemprop")
            .is_some_and(|p| p.eq_ignore_ascii_case("name"))
        {
            let name = inner
                .value()
                .attr("content")
                .map(clean_text)
                .or_else(|| short_lines(inner, MAX_BYLINE_CHARS));
            return name.map(|n| byline_names(&n)).unwrap_or_default();
        }
    }
    element_author(el)
}

fn element_author(el: ElementRef<'_>) -> Vec<String> {
    match short_lines(el, MAX_BYLINE_CHARS) {
        Some(text) => byline_names(&text),
        None => Vec::new(),
    }
}

/// Where a byline splits into parts: bars, bullets, dashes, line breaks.
static BYLINE_SEPARATORS: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\s*(?:[|•·—–\n]|\s-\s|\s/\s)\s*").expect("valid regex"));

/// "By", "Written by", "Recipe by"… up to the names.
static BY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)^(?:by|von|par|por|door)\b[\s:]*|\b(?:written|posted|published|authored|story|words|text|reporting|report|articles?|post|recipe|guide|review|compiled)\s+by\b[\s:]*",
    )
    .expect("valid regex")
});

/// The names of an unmarked "By …" line, or none unless every part of it is
/// a name: "By clicking you agree to our Terms and Privacy Policy" starts
/// with "by" too. With `after_label`, the text follows a bare "Written by".
fn unmarked_names(text: &str, after_label: bool) -> Vec<String> {
    let segments = BYLINE_SEPARATORS.split(text).map(clean_text);
    let names = if after_label {
        segments.into_iter().find(|s| !s.is_empty())
    } else {
        segments
            .into_iter()
            .find_map(|s| BY.find(&s).map(|m| s[m.end()..].to_string()))
    };
    let parts = names
        .map(|n| split_names(&cut_byline(&n)))
        .unwrap_or_default();
    let all_names = parts.iter().all(|p| is_name(p) && looks_like_name(p));
    if all_names {
        parts
    } else {
        Vec::new()
    }
}

/// The names in a byline: "By Jane Doe | Feb 10, 2025", "Feb 10, 2025 ·
/// Jane Doe", "Author: Jane Doe and John Roe". The byline is cut at its
/// separators; a part introduced by "by" is tried first, then the others.
fn byline_names(text: &str) -> Vec<String> {
    let segments: Vec<String> = BYLINE_SEPARATORS
        .split(text)
        .map(clean_text)
        .filter(|s| !s.is_empty())
        .collect();
    let introduced = segments
        .iter()
        .filter_map(|s| BY.find(s).map(|m| &s[m.end()..]));
    let others = segments
        .iter()
        .filter(|s| !BY.is_match(s))
        .map(String::as_str);
    for rest in introduced.chain(others) {
        let names: Vec<String> = split_names(&cut_byline(rest))
            .into_iter()
            .filter(|n| is_name(n))
            .collect();
        if !names.is_empty() {
            return names;
        }
    }
    Vec::new()
}

/// Drops a leading label ("Author:") and whatever follows the names: a date,
/// "on Monday", "Updated…", "Reviewed by…", "5 min read", "on behalf of…".
fn cut_byline(text: &str) -> String {
    static LABEL: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r"(?i)^\s*(?:about\s+the\s+)?(?:authors?|writer|reporter|byline|contributors?|posted|written)\b(?:\s*(?:by)?\s*[:\-–]\s*|\s+)",
        )
        .expect("valid regex")
    });
    static TAIL: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r"(?i)\s*(?:\bon\s+(?:\w+day\b|\w+\.?\s+\d|\d)|\bon\s+behalf\s+of\b|\b(?:published|updated|posted|last\s+updated|reviewed\s+by|medically\s+reviewed|fact[\s-]checked|edited\s+by|follow\b|view\s+all|read\s+more|see\s+all|more\s+about|about\s+the\s+author)|\d{1,2}[/.]\d{1,2}[/.]\d{2,4}|\d{4}-\d{2}-\d{2}|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{1,2}\b|\b\d{1,2}\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{4}|\b\d+\s+(?:min|minute|hour|day)s?\b|\bmins?\s+read\b|\bread(?:ing)?\s+time\b).*$",
        )
        .expect("valid regex")
    });
    let text = LABEL.replace(text, "");
    let text = TAIL.replace(&text, "");
    text.trim()
        .trim_matches(|c: char| matches!(c, ',' | ':' | ';' | '-' | '|'))
        .trim()
        .to_string()
}

/// Splits "Jane Doe and John Roe", "Jane Doe, John Roe & Ann Poe"; keeps
/// credentials with their name ("Jane Doe, MD, PhD").
fn split_names(text: &str) -> Vec<String> {
    static SPLIT: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)\s*(?:,\s*(?:and|&)\s+|\s+(?:and|und|et|y|en|&)\s+|;|,)\s*")
            .expect("valid regex")
    });
    let mut names: Vec<String> = Vec::new();
    for part in SPLIT.split(text) {
        let part = part.trim().trim_end_matches(',').trim_end();
        let part = part.strip_suffix(" .").unwrap_or(part);
        if part.is_empty() {
            continue;
        }
        // "Jane Doe, Senior Writer, Business & Tech": what follows a role
        // describes the person, it names no one else.
        if !names.is_empty() && is_role(part) {
            break;
        }
        match names.last_mut() {
            Some(last) if is_credential(part) => {
                last.push_str(", ");
                last.push_str(part);
            }
            _ => names.push(part.to_string()),
        }
    }
    names
}

/// A job title after a name ("Senior Writer", "Head of Marketing").
fn is_role(part: &str) -> bool {
    const ROLES: [&str; 30] = [
        "writer",
        "editor",
        "reporter",
        "correspondent",
        "columnist",
        "contributor",
        "director",
        "manager",
        "head",
        "chief",
        "founder",
        "co-founder",
        "ceo",
        "cto",
        "president",
        "expert",
        "specialist",
        "analyst",
        "officer",
        "senior",
        "lead",
        "staff",
        "producer",
        "journalist",
        "consultant",
        "strategist",
        "marketing",
        "professor",
        "researcher",
        "engineer",
    ];
    part.split(|c: char| !c.is_alphanumeric() && c != '-')
        .any(|w| ROLES.contains(&w.to_lowercase().as_str()))
}

/// "MD", "Ph.D.", "RN", "E-RYT 200", "Jr.": letters after a name, not a name.
fn is_credential(part: &str) -> bool {
    let words = word_count(part);
    let no_lower = !part.chars().any(char::is_lowercase);
    let known = [
        "phd", "ph.d.", "ph.d", "jr", "jr.", "sr", "sr.", "esq", "esq.", "msc", "mph", "mba", "mfa",
    ]
    .contains(&part.to_lowercase().as_str());
    known
        || (no_lower
            && (words == 1 || part.chars().any(|c| c.is_ascii_digit()))
            && part.len() <= 12)
}

/// Values that are links, not names.
fn looks_like_url(value: &str) -> bool {
    let value = value.trim().to_ascii_lowercase();
    value.contains("://") || value.starts_with("www.") || value.starts_with('/')
}

/// Lower-case words inside names: "Ludwig van Beethoven", "Ana de Souza".
const PARTICLES: [&str; 12] = [
    "van", "von", "de", "der", "den", "da", "di", "du", "la", "le", "bin", "al",
];

/// Whether a candidate is a name at all: not a URL, an email, a handle, a
/// slug, a sentence or a label.
fn is_name(name: &str) -> bool {
    const NOT_NAMES: [&str; 42] = [
        "author",
        "authors",
        "by",
        "byline",
        "about the author",
        "the author",
        "unknown",
        "anonymous",
        "null",
        "none",
        "undefined",
        "written by",
        "posted by",
        "share",
        "follow",
        "contributor",
        "contributors",
        "profile",
        "my account",
        "join today",
        "admin",
        "editor",
        "webmaster",
        "member login",
        "login",
        "bluesky",
        "twitter",
        "facebook",
        "linkedin",
        "mastodon",
        "instagram",
        "github",
        "rss",
        "email",
        "threads",
        "youtube",
        "tiktok",
        "website",
        "homepage",
        "home",
        "contact",
        "bio",
    ];
    let lower = name.to_lowercase();
    // Avatar initials ("JD") sit next to the name in author boxes.
    let initials = name.chars().count() <= 2 && !name.chars().any(char::is_lowercase);
    // Slugs and template keys: "jane-doe", "page.head.extra.author".
    let slug = !name.contains(' ')
        && name.contains(['-', '_', '.'])
        && !name.chars().any(char::is_uppercase);
    // Prose, not a name: "This review is", "for the Go team", "Insights from",
    // "I review different modules". Lower-case user names ("jane doe") and
    // "the Example Team" still pass.
    const ENDS: [&str; 16] = [
        "the", "a", "an", "of", "for", "from", "by", "with", "and", "or", "to", "in", "on", "at",
        "is", "this",
    ];
    const VERBS: [&str; 6] = ["is", "are", "was", "were", "this", "that"];
    let words: Vec<&str> = name.split_whitespace().collect();
    let first_word = words.first().is_some_and(|w| ENDS[3..].contains(w));
    let last_word = words.len() >= 2 && words.last().is_some_and(|w| ENDS.contains(w));
    let verb = words.iter().any(|w| VERBS.contains(w));
    let lower_words = words
        .iter()
        .filter(|w| w.chars().next().is_some_and(char::is_lowercase))
        .filter(|w| !PARTICLES.contains(w))
        .count();
    let prose = words.len() >= 2
        && (first_word || last_word || verb || (words.len() >= 3 && lower_words >= 2));
    !(name.is_empty()
        || name.chars().count() > 60
        || word_count(name) > 8
        || looks_like_url(name)
        || lower.starts_with('@')
        || (name.contains('@') && name.contains('.'))
        || !name.chars().any(char::is_alphabetic)
        || name.chars().filter(|c| c.is_ascii_digit()).count() > 3
        || name.contains([
            '?', '!', '{', '}', '<', '>', '=', ':', '[', ']', '#', '»', '«',
        ])
        || slug
        || prose
        || initials
        || NOT_NAMES.contains(&lower.as_str())
        || [
            "more about",
            "about ",
            "view ",
            "see ",
            "posts by",
            "all posts",
            "articles by",
            "follow ",
        ]
        .iter()
        .any(|p| lower.starts_with(p)))
}

/// Two to five capitalized words, allowing particles ("Ludwig van
/// Beethoven", "Ana de Souza"): what an unmarked "By …" line must contain to
/// count, since "Shop by Category" starts with "by" too.
fn looks_like_name(name: &str) -> bool {
    let words: Vec<&str> = name.split_whitespace().collect();
    (2..=5).contains(&words.len())
        && words
            .iter()
            .all(|w| w.chars().next().is_some_and(char::is_uppercase) || PARTICLES.contains(w))
}

/// Adds a cleaned author name unless it is not a name or is already there.
fn push_name(names: &mut Vec<String>, name: impl AsRef<str>) {
    let name = clean_text(name.as_ref());
    let name = name
        .trim_matches(|c: char| matches!(c, ',' | ':' | ';' | '-' | '|' | '"' | '\'' | '“' | '”'))
        .trim();
    if !is_name(name) {
        return;
    }
    let key = squash(name);
    if !names.iter().any(|n| squash(n) == key) {
        names.push(name.to_string());
    }
}

// ---------------------------------------------------------------------------
// Dates.

/// `<meta>` keys that carry the publication date, most specific first.
const PUBLISHED_KEYS: [&str; 24] = [
    "article:published_time",
    "og:published_time",
    "og:article:published_time",
    "article:published",
    "published_time",
    "datepublished",
    "pubdate",
    "publishdate",
    "publish-date",
    "publish_date",
    "parsely-pub-date",
    "sailthru.date",
    "article.published",
    "dc.date.issued",
    "dcterms.issued",
    "dc.date",
    "dcterms.date",
    "dc.date.created",
    "dcterms.created",
    "datecreated",
    "citation_publication_date",
    "citation_date",
    "originalpublicationdate",
    "date",
];

/// `<meta>` keys that carry the modification date.
const MODIFIED_KEYS: [&str; 7] = [
    "article:modified_time",
    "og:updated_time",
    "article:modified",
    "datemodified",
    "dc.date.modified",
    "dcterms.modified",
    "last-modified",
];

fn choose_published(page: &Page<'_>, ld: &JsonLd, urls: [Option<&str>; 2]) -> Option<Published> {
    // A `WebPage` item's date alone is not used: SEO plugins emit one for
    // every page (product, service and landing pages included), and when the
    // page is an article they also emit an `Article` item or
    // `article:published_time`.
    if ld.dates_from_article {
        if let Some(date) = ld
            .published
            .as_deref()
            .and_then(|d| parse_date(d, "json-ld"))
        {
            return Some(date);
        }
    }
    let from_meta = PUBLISHED_KEYS.iter().find_map(|key| {
        let value = page.meta(key)?;
        parse_date(value, &format!("meta:{key}"))
    });
    if from_meta.is_some() {
        return from_meta;
    }
    // Site-specific names ("published", "w-published-date", "pub_date").
    let from_other_meta = page.metas.iter().find_map(|(key, value)| {
        let publish = (key.contains("publish") && !key.contains("publisher"))
            || key.contains("pubdate")
            || key.contains("pub_date")
            || key.contains("pub-date");
        let other = key.contains("modif") || key.contains("updat") || key.contains("expir");
        (publish && !other)
            .then(|| parse_date(value, &format!("meta:{key}")))
            .flatten()
    });
    if from_other_meta.is_some() {
        return from_other_meta;
    }
    let from_props = page
        .date_props
        .iter()
        .filter(|(el, published)| *published && !in_other_content(*el))
        .find_map(|(el, _)| {
            let e = el.value();
            let value = e
                .attr("content")
                .or_else(|| e.attr("datetime"))
                .map(str::to_string);
            value
                .or_else(|| short_text(*el, 100))
                .and_then(|v| parse_date(&v, "itemprop:datePublished"))
        });
    if from_props.is_some() {
        return from_props;
    }
    let (marked, other): (Vec<ElementRef<'_>>, Vec<ElementRef<'_>>) = page
        .times
        .iter()
        .copied()
        .filter(|el| !in_other_content(*el))
        .partition(|el| {
            let e = el.value();
            e.attr("pubdate").is_some()
                || e.classes().any(|c| {
                    let c = c.to_ascii_lowercase();
                    c.contains("publish") || c.contains("posted") || c.contains("entry-date")
                })
        });
    let from_marked = marked.iter().find_map(|el| time_value(*el));
    if from_marked.is_some() {
        return from_marked;
    }
    let from_url = urls.iter().flatten().find_map(|u| date_from_url(u));
    if let Some(date) = &from_url {
        if date.precision >= chancery_model::DatePrecision::Day {
            return from_url;
        }
    }
    let from_time = other
        .iter()
        .filter(|el| in_article(**el) && !is_modified_time(**el))
        .find_map(|el| time_value(*el));
    if from_time.is_some() {
        return from_time;
    }
    if let Some(date) = date_near_headline(page) {
        return Some(date);
    }
    let from_class = page
        .date_classes
        .iter()
        .filter(|el| !in_other_content(**el))
        .find_map(|el| short_text(*el, 120).and_then(|t| parse_date(&t, "byline")));
    from_class.or(from_url)
}

/// How many text nodes from the headline's container to look at for a date.
const HEADLINE_SCAN: usize = 80;

/// The first date shown as its own short line near the headline: pages that
/// mark nothing up still print "Dec 12, 2025" above or under the `<h1>`. A
/// date labelled "Updated" is kept only if no other date is shown.
fn date_near_headline(page: &Page<'_>) -> Option<Published> {
    static LABEL: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)^\W*(?:published|posted|updated|last\s+updated|date|on|publié|veröffentlicht|publicado)\b")
            .expect("valid regex")
    });
    let h1 = page.first_h1?;
    // Start at the headline's block: the date line often comes before the h1.
    let start = h1
        .parent()
        .and_then(|p| p.parent())
        .and_then(ElementRef::wrap)
        .unwrap_or(h1);
    // The nodes from `start` on in document order: its subtree, then the
    // subtrees of the siblings that follow it and its ancestors.
    let following = std::iter::once(*start)
        .chain(start.ancestors())
        .flat_map(|n| n.next_siblings())
        .flat_map(|n| n.descendants());
    let mut seen = 0;
    let mut updated = None;
    let mut previous = String::new();
    for node in start.descendants().chain(following) {
        let Node::Text(text) = node.value() else {
            continue;
        };
        let Some(parent) = node.parent().and_then(ElementRef::wrap) else {
            continue;
        };
        if !is_visible_element(parent.value().name()) {
            continue;
        }
        let text = clean_text(text);
        if text.is_empty() {
            continue;
        }
        seen += 1;
        if seen > HEADLINE_SCAN {
            break;
        }
        // A date line, not a sentence that mentions a date.
        let line = text.len() <= 40 || (text.len() <= 100 && LABEL.is_match(&text));
        let date = line
            .then(|| parse_date(&text, "text"))
            .flatten()
            .filter(|d| d.precision >= chancery_model::DatePrecision::Day);
        let Some(date) = date else {
            // A bare label ("Last updated:") qualifies the date that follows it.
            previous = text;
            continue;
        };
        if !in_other_content(parent) {
            let label = format!("{previous} {text}").to_lowercase();
            if label.contains("updat") || label.contains("modif") || label.contains("revised") {
                updated.get_or_insert(date);
            } else {
                return Some(date);
            }
        }
        previous.clear();
    }
    updated
}

fn is_modified_time(el: ElementRef<'_>) -> bool {
    class_and_id(el.value())
        .iter()
        .any(|c| c.contains("updat") || c.contains("modif"))
        || el
            .value()
            .attr("itemprop")
            .is_some_and(|p| p.eq_ignore_ascii_case("dateModified"))
}

/// A `<time>` element's date: its `datetime`, else its text.
fn time_value(el: ElementRef<'_>) -> Option<Published> {
    let attr = el
        .value()
        .attr("datetime")
        .and_then(|d| parse_date(d, "time"));
    attr.or_else(|| short_text(el, 100).and_then(|t| parse_date(&t, "time")))
}

fn choose_modified(page: &Page<'_>, ld: &JsonLd) -> Option<Published> {
    let from_ld = ld
        .modified
        .as_deref()
        .and_then(|d| parse_date(d, "json-ld"));
    from_ld
        .or_else(|| {
            MODIFIED_KEYS
                .iter()
                .find_map(|key| parse_date(page.meta(key)?, &format!("meta:{key}")))
        })
        .or_else(|| {
            page.date_props
                .iter()
                .filter(|(_, published)| !published)
                .find_map(|(el, _)| {
                    let e = el.value();
                    let value = e
                        .attr("content")
                        .or_else(|| e.attr("datetime"))
                        .map(str::to_string);
                    value
                        .or_else(|| short_text(*el, 100))
                        .and_then(|v| parse_date(&v, "itemprop:dateModified"))
                })
        })
}

// ---------------------------------------------------------------------------
// URLs and text.

/// The host of an absolute URL, lower-cased, without a port or credentials.
fn host_of(url: &str) -> Option<String> {
    let (_, rest) = url.trim().split_once("://")?;
    let authority = rest.split(['/', '?', '#']).next()?;
    let host = authority.rsplit('@').next()?.split(':').next()?;
    (!host.is_empty()).then(|| host.to_ascii_lowercase())
}

/// Resolves `href` against `base`; an absolute `href` is kept as is, and a
/// relative one without a base is dropped (a relative canonical URL means
/// nothing on its own).
fn resolve_url(href: &str, base: Option<&str>) -> Option<String> {
    let href = href.trim();
    if href.is_empty() || href.starts_with('#') {
        return None;
    }
    if href.starts_with("http://") || href.starts_with("https://") {
        return Some(href.to_string());
    }
    let base = base?.trim();
    let (scheme, rest) = base.split_once("://")?;
    if let Some(rest_href) = href.strip_prefix("//") {
        return Some(format!("{scheme}://{rest_href}"));
    }
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let origin = format!("{scheme}://{}", &rest[..authority_end]);
    if href.starts_with('/') {
        return Some(format!("{origin}{href}"));
    }
    let path = rest[authority_end..].split(['?', '#']).next().unwrap_or("");
    let dir = path.rfind('/').map_or("/", |i| &path[..=i]);
    let mut segments: Vec<&str> = dir.split('/').filter(|s| !s.is_empty()).collect();
    for part in href.split('/') {
        match part {
            "." => {}
            ".." => {
                segments.pop();
            }
            _ => segments.push(part),
        }
    }
    Some(format!("{origin}/{}", segments.join("/")))
}

/// Collapses whitespace runs (including non-breaking spaces) to one space.
fn clean_text(text: &str) -> String {
    super::collapse_whitespace(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chancery_model::DatePrecision;

    fn read(html: &str) -> Metadata {
        read_metadata(&Dom::parse(html), None)
    }

    fn read_at(html: &str, url: &str) -> Metadata {
        read_metadata(&Dom::parse(html), Some(url))
    }

    fn page(head: &str, body: &str) -> String {
        format!("<!doctype html><html><head>{head}</head><body>{body}</body></html>")
    }

    fn published(meta: &Metadata) -> Option<(&str, &str)> {
        meta.published
            .as_ref()
            .map(|p| (p.value.as_str(), p.from.as_str()))
    }

    #[test]
    fn empty_page() {
        let meta = read("");
        assert_eq!(meta.title, None);
        assert!(meta.authors.is_empty());
        assert_eq!(meta.published, None);
        assert_eq!(meta.site, None);
    }

    // --- Title -------------------------------------------------------------

    #[test]
    fn title_from_og_title_without_site_suffix() {
        let html = page(
            r#"<title>Talks in Vienna | Example News</title>
               <meta property="og:title" content="Talks in Vienna | Example News">
               <meta property="og:site_name" content="Example News">"#,
            "<p>Body.</p>",
        );
        assert_eq!(read(&html).title.as_deref(), Some("Talks in Vienna"));
    }

    #[test]
    fn title_site_prefix_and_host_name_stripped() {
        let html = page("<title>Example News - Talks in Vienna resume</title>", "");
        let meta = read_at(&html, "https://www.examplenews.com/world/talks");
        assert_eq!(meta.title.as_deref(), Some("Talks in Vienna resume"));
    }

    #[test]
    fn title_short_section_suffix_stripped() {
        let html = page("<title>Ministers meet in Vienna again | World</title>", "");
        assert_eq!(
            read(&html).title.as_deref(),
            Some("Ministers meet in Vienna again")
        );
    }

    #[test]
    fn title_separator_inside_headline_kept() {
        let html = page(
            "<title>Iran - Russia talks: what we know so far</title>",
            "",
        );
        assert_eq!(
            read(&html).title.as_deref(),
            Some("Iran - Russia talks: what we know so far")
        );
    }

    #[test]
    fn title_prefers_visible_headline_over_seo_title() {
        let html = page(
            r#"<title>Iran FM Carries Letter To Putin, Meets Lavrov | Example</title>
               <meta property="og:title" content="Iran FM carries letter to Putin">"#,
            "<header><a class=logo>Example</a><h1>Iran's foreign minister carries a letter to Putin</h1></header>",
        );
        assert_eq!(
            read(&html).title.as_deref(),
            Some("Iran's foreign minister carries a letter to Putin")
        );
    }

    #[test]
    fn title_ignores_logo_and_slogan_headings() {
        let html = page(
            r#"<title>Talks in Vienna resume after a pause | Example News</title>
               <meta property="og:site_name" content="Example News">"#,
            "<h1>Example News</h1><h1>We bring you the world</h1><p>Body.</p>",
        );
        assert_eq!(
            read(&html).title.as_deref(),
            Some("Talks in Vienna resume after a pause")
        );
    }

    #[test]
    fn title_all_caps_heading_takes_declared_spelling() {
        let html = page(
            "<title>Talks in Vienna Resume</title>",
            "<h1>TALKS IN VIENNA RESUME</h1>",
        );
        assert_eq!(read(&html).title.as_deref(), Some("Talks in Vienna Resume"));
    }

    #[test]
    fn title_normalized_and_decoded() {
        let html = page("<title>  Talks &amp; \n  treaties\t</title>", "");
        assert_eq!(read(&html).title.as_deref(), Some("Talks & treaties"));
        let html = page(
            r#"<meta property="og:title" content="Q&amp;amp;A with the minister">"#,
            "",
        );
        assert_eq!(read(&html).title.as_deref(), Some("Q&A with the minister"));
    }

    #[test]
    fn title_from_json_ld_headline_or_h1_alone() {
        let html = page(
            r#"<script type="application/ld+json">{"@type":"NewsArticle","headline":"Talks in Vienna"}</script>"#,
            "",
        );
        assert_eq!(read(&html).title.as_deref(), Some("Talks in Vienna"));
        let html = page("", "<h1>Only a heading</h1>");
        assert_eq!(read(&html).title.as_deref(), Some("Only a heading"));
    }

    #[test]
    fn svg_title_is_not_the_page_title() {
        let html = page(
            "",
            "<svg><title>icon</title></svg><h1>Real headline here</h1>",
        );
        assert_eq!(read(&html).title.as_deref(), Some("Real headline here"));
    }

    // --- Authors -----------------------------------------------------------

    fn authors(head: &str, body: &str) -> Vec<String> {
        read(&page(head, body)).authors
    }

    fn ld(json: &str) -> String {
        format!(r#"<script type="application/ld+json">{json}</script>"#)
    }

    #[test]
    fn json_ld_author_string_object_and_array() {
        let got = authors(&ld(r#"{"@type":"NewsArticle","author":"Jane Doe"}"#), "");
        assert_eq!(got, ["Jane Doe"]);
        let got = authors(
            &ld(r#"{"@type":"Article","author":{"@type":"Person","name":"Jane Doe"}}"#),
            "",
        );
        assert_eq!(got, ["Jane Doe"]);
        let got = authors(
            &ld(
                r#"[{"@type":"BlogPosting","author":[{"name":"Jane Doe"},{"name":"John Roe"},{"name":"Jane Doe"}]}]"#,
            ),
            "",
        );
        assert_eq!(got, ["Jane Doe", "John Roe"]);
    }

    #[test]
    fn json_ld_author_by_reference_in_graph() {
        let json = r#"{"@context":"https://schema.org","@graph":[
            {"@type":"WebPage","@id":"https://x.example/a#page","name":"A page"},
            {"@type":"NewsArticle","headline":"H","author":{"@id":"https://x.example/#/person/1"}},
            {"@type":"Person","@id":"https://x.example/#/person/1","name":"Jane Doe"}]}"#;
        assert_eq!(authors(&ld(json), ""), ["Jane Doe"]);
    }

    #[test]
    fn json_ld_organization_author_yields_to_a_person_byline() {
        let json =
            r#"{"@type":"NewsArticle","author":{"@type":"Organization","name":"Example News"}}"#;
        let body =
            r#"<article><p class="byline">By <a href="/people/jane">Jane Doe</a></p></article>"#;
        assert_eq!(authors(&ld(json), body), ["Jane Doe"]);
        assert_eq!(authors(&ld(json), "<p>No byline.</p>"), ["Example News"]);
    }

    #[test]
    fn publication_name_is_not_an_author() {
        let head = format!(
            r#"<meta property="og:site_name" content="USA TODAY">{}"#,
            ld(r#"{"@type":"NewsArticle","author":{"@type":"Person","name":", USA TODAY"}}"#)
        );
        let body = r#"<div class="byline"><span class="author">Brian Roe</span> <span>USA TODAY</span></div>"#;
        assert_eq!(authors(&head, body), ["Brian Roe"]);
    }

    #[test]
    fn meta_author_split_into_names() {
        let got = authors(
            r#"<meta name="author" content="Jane Doe and John Roe">"#,
            "",
        );
        assert_eq!(got, ["Jane Doe", "John Roe"]);
        let got = authors(
            r#"<meta name="author" content="Jane Doe, John Roe &amp; Ann Poe">"#,
            "",
        );
        assert_eq!(got, ["Jane Doe", "John Roe", "Ann Poe"]);
    }

    #[test]
    fn article_author_url_is_skipped() {
        let head = r#"<meta property="article:author" content="https://www.facebook.com/janedoe">
                      <meta name="author" content="Jane Doe">"#;
        assert_eq!(authors(head, ""), ["Jane Doe"]);
        let head = r#"<meta property="article:author" content="https://www.facebook.com/janedoe">"#;
        assert!(authors(head, "").is_empty());
    }

    #[test]
    fn rel_author_link() {
        let body = r#"<article><p>Posted by <a rel="author" href="/u/jd">Jane Doe</a> on 10 Feb</p></article>"#;
        assert_eq!(authors("", body), ["Jane Doe"]);
    }

    #[test]
    fn byline_class_with_date_and_separator() {
        let body = r#"<article><h1>Headline</h1>
            <div class="byline">By Jane Doe and John Roe | February 10, 2025</div></article>"#;
        assert_eq!(authors("", body), ["Jane Doe", "John Roe"]);
        let body = r#"<div class="post-meta-author">Written by: Jane Doe · 5 min read</div>"#;
        assert_eq!(authors("", body), ["Jane Doe"]);
    }

    #[test]
    fn microdata_author_name() {
        let body = r#"<article><span itemprop="author" itemscope itemtype="https://schema.org/Person">
            <a href="/jd"><span itemprop="name">Jane Doe</span></a></span></article>"#;
        assert_eq!(authors("", body), ["Jane Doe"]);
    }

    #[test]
    fn author_box_name_without_role_or_bio() {
        let body = r#"<div class="author-box"><img class="author-avatar" src="a.jpg">
            <div class="author-name">Jane Doe</div>
            <div class="author-title">Senior Writer</div>
            <p class="author-bio">Jane writes about diplomacy and has covered the region for years.</p></div>"#;
        assert_eq!(authors("", body), ["Jane Doe"]);
        let body = r#"<div class="author"><b>Jane Doe</b><br>Senior Writer</div>"#;
        assert_eq!(authors("", body), ["Jane Doe"]);
    }

    #[test]
    fn unmarked_by_line() {
        let body = "<h1>Headline</h1><p>By Jane Doe</p><p>Text of the story.</p>";
        assert_eq!(authors("", body), ["Jane Doe"]);
        let body = "<h1>Headline</h1><p>Written by</p><p>Jane Doe</p>";
        assert_eq!(authors("", body), ["Jane Doe"]);
    }

    #[test]
    fn unmarked_by_needs_a_name() {
        let body = "<p>By clicking subscribe you agree to our Terms and Privacy Policy.</p>";
        assert!(authors("", body).is_empty());
        let body = "<a>Shop by Category</a><p>by the way, nothing here</p>";
        assert!(authors("", body).is_empty());
    }

    #[test]
    fn credentials_stay_with_the_name() {
        let got = authors(r#"<meta name="author" content="Jane Doe, MD, PhD">"#, "");
        assert_eq!(got, ["Jane Doe, MD, PhD"]);
        let got = authors(
            r#"<meta name="author" content="Jane Doe, Senior Writer, Business">"#,
            "",
        );
        assert_eq!(got, ["Jane Doe"]);
    }

    #[test]
    fn non_names_rejected() {
        for bad in [
            "https://example.com/jane",
            "jane@example.com",
            "@janedoe",
            "jane-doe",
            "A very long string that is certainly not the name of any person at all",
            "Author",
        ] {
            let head = format!(r#"<meta name="author" content="{bad}">"#);
            assert!(authors(&head, "").is_empty(), "{bad}");
        }
    }

    #[test]
    fn comment_authors_ignored() {
        let body = r#"<article><h1>Headline</h1><p>Story.</p></article>
            <section id="comments"><div class="comment-author vcard">Troll McTroll</div></section>"#;
        assert!(authors("", body).is_empty());
    }

    #[test]
    fn teaser_bylines_are_not_coauthors() {
        let body = r#"<article><div class="byline"><span class="author">Jane Doe</span></div></article>
            <div class="more"><div class="card"><div><span class="author">John Roe</span></div></div></div>"#;
        assert_eq!(authors("", body), ["Jane Doe"]);
    }

    #[test]
    fn coauthor_links_in_one_byline() {
        let body = r#"<div class="byline">By <a class="author-link" href="/author/jane">Jane Doe</a>
            and <a class="author-link" href="/author/john">John Roe</a></div>"#;
        assert_eq!(authors("", body), ["Jane Doe", "John Roe"]);
    }

    // --- Dates -------------------------------------------------------------

    #[test]
    fn json_ld_date_published_and_modified() {
        let json = r#"{"@graph":[{"@type":"WebPage","datePublished":"2020-01-01"},
            {"@type":"NewsArticle","datePublished":"2025-02-10T08:30:00+03:30","dateModified":"2025-02-11"}]}"#;
        let meta = read(&page(&ld(json), ""));
        assert_eq!(
            published(&meta),
            Some(("2025-02-10T08:30:00+03:30", "json-ld"))
        );
        assert_eq!(
            meta.published.as_ref().map(|p| p.precision),
            Some(DatePrecision::Time)
        );
        assert_eq!(
            meta.modified.map(|m| m.value).as_deref(),
            Some("2025-02-11")
        );
    }

    #[test]
    fn web_page_date_alone_is_not_a_publication_date() {
        let json = r#"{"@type":"WebPage","name":"Our services","datePublished":"2019-05-05"}"#;
        assert_eq!(published(&read(&page(&ld(json), ""))), None);
    }

    #[test]
    fn meta_published_time() {
        let head = r#"<meta property="article:published_time" content="2025-02-10T08:30:00Z">
                      <meta property="article:modified_time" content="2025-02-12T10:00:00Z">"#;
        let meta = read(&page(head, ""));
        assert_eq!(
            published(&meta),
            Some(("2025-02-10T08:30:00+00:00", "meta:article:published_time"))
        );
        assert_eq!(
            meta.modified.map(|m| m.value).as_deref(),
            Some("2025-02-12T10:00:00+00:00")
        );
    }

    #[test]
    fn other_meta_date_names() {
        for key in [
            "pubdate",
            "publish-date",
            "dc.date",
            "sailthru.date",
            "parsely-pub-date",
            "date",
        ] {
            let head = format!(r#"<meta name="{key}" content="2025-02-10">"#);
            let got = read(&page(&head, "")).published.map(|p| p.value);
            assert_eq!(got.as_deref(), Some("2025-02-10"), "{key}");
        }
        let head = r#"<meta name="published" content="February 10, 2025">"#;
        assert_eq!(
            published(&read(&page(head, ""))),
            Some(("2025-02-10", "meta:published"))
        );
    }

    #[test]
    fn unix_timestamp_in_meta() {
        let head = r#"<meta name="publish-date" content="1739176200">"#;
        assert_eq!(
            published(&read(&page(head, ""))),
            Some(("2025-02-10T08:30:00+00:00", "meta:publish-date"))
        );
    }

    #[test]
    fn itemprop_date_published() {
        let body = r#"<article><span itemprop="datePublished" content="2025-02-10">Feb 10</span></article>"#;
        assert_eq!(
            published(&read(&page("", body))),
            Some(("2025-02-10", "itemprop:datePublished"))
        );
    }

    #[test]
    fn time_element_in_article_and_pubdate() {
        let body = r#"<nav><time datetime="2025-01-01">today</time></nav>
            <article><header><h1>H</h1><time datetime="2025-02-10T08:30">Feb 10</time></header></article>"#;
        assert_eq!(
            published(&read(&page("", body))),
            Some(("2025-02-10T08:30:00", "time"))
        );
        let body = r#"<article><time class="updated" datetime="2025-03-01">x</time>
            <time pubdate datetime="2025-02-10">y</time></article>"#;
        assert_eq!(
            published(&read(&page("", body))),
            Some(("2025-02-10", "time"))
        );
    }

    #[test]
    fn date_from_url_and_canonical() {
        let meta = read_at(
            &page("", "<p>x</p>"),
            "https://example.com/2025/02/10/talks/",
        );
        assert_eq!(published(&meta), Some(("2025-02-10", "url")));
        let head = r#"<link rel="canonical" href="/news/2025/02/11/talks">"#;
        let meta = read_at(&page(head, ""), "https://example.com/amp/talks");
        assert_eq!(published(&meta), Some(("2025-02-11", "url")));
    }

    #[test]
    fn date_shown_near_the_headline() {
        let body = r#"<div class="hero"><div><h1>Headline</h1></div>
            <div class="meta"><span>Jane Doe</span><span>Dec 12, 2025</span></div></div>
            <p>On March 3, 2024 something else happened, which the story recalls at length.</p>"#;
        assert_eq!(
            published(&read(&page("", body))),
            Some(("2025-12-12", "text"))
        );
    }

    #[test]
    fn updated_date_only_when_nothing_else() {
        let body = r#"<div><div><h1>Headline</h1></div>
            <p>Last updated: Dec 12, 2025</p><p>Published Dec 1, 2025</p></div>"#;
        assert_eq!(
            published(&read(&page("", body))),
            Some(("2025-12-01", "text"))
        );
        let body = r#"<div><div><h1>Headline</h1></div><p>Last updated: Dec 12, 2025</p></div>"#;
        assert_eq!(
            published(&read(&page("", body))),
            Some(("2025-12-12", "text"))
        );
    }

    #[test]
    fn dates_in_scripts_ignored() {
        let body = r#"<h1>Headline</h1>
            <script>var page = {"datePublished": "2025-02-10", "author": "Jane Doe"};</script>
            <script type="application/json">{"datePublished":"2025-02-10"}</script>
            <p>Story text without a date.</p>"#;
        let meta = read(&page("", body));
        assert_eq!(meta.published, None);
        assert!(meta.authors.is_empty());
    }

    // --- JSON-LD robustness --------------------------------------------------

    #[test]
    fn broken_json_ld_is_tolerated() {
        let head = format!(
            "{}{}",
            ld(r#"{"@type": "NewsArticle", "headline": "Broken", "#),
            r#"<meta name="author" content="Jane Doe">"#
        );
        let meta = read(&page(&head, ""));
        assert_eq!(meta.authors, ["Jane Doe"]);
    }

    #[test]
    fn json_ld_cleanup_pass() {
        let json = "<!--\n{\"@type\": \"NewsArticle\", \"author\": {\"name\": \"Jane Doe\",},\n \"headline\": \"Line\nbreak\",}\n-->";
        assert_eq!(authors(&ld(json), ""), ["Jane Doe"]);
        let json = "//<![CDATA[\n{\"@type\":\"NewsArticle\",\"author\":\"John Roe\"}\n//]]>";
        assert_eq!(authors(&ld(json), ""), ["John Roe"]);
        let json =
            r#"{"@type":"WebSite","name":"Example"}{"@type":"NewsArticle","author":"Ann Poe"}"#;
        assert_eq!(authors(&ld(json), ""), ["Ann Poe"]);
    }

    #[test]
    fn json_ld_entities_decoded() {
        let json = r#"{"@type":"NewsArticle","headline":"Talks &amp; treaties","author":"Ren&#233;e Doe"}"#;
        let meta = read(&page(&ld(json), ""));
        assert_eq!(meta.title.as_deref(), Some("Talks & treaties"));
        assert_eq!(meta.authors, ["Renée Doe"]);
    }

    // --- Site, canonical URL, language, description --------------------------

    #[test]
    fn site_name_sources() {
        let head = r#"<meta property="og:site_name" content="Example News">"#;
        assert_eq!(read(&page(head, "")).site.as_deref(), Some("Example News"));
        let json = r#"{"@type":"NewsArticle","publisher":{"@type":"Organization","name":"Example Times"}}"#;
        assert_eq!(
            read(&page(&ld(json), "")).site.as_deref(),
            Some("Example Times")
        );
        let head = r#"<meta name="application-name" content="Example App">"#;
        assert_eq!(read(&page(head, "")).site.as_deref(), Some("Example App"));
        assert_eq!(read(&page("", "")).site, None);
    }

    #[test]
    fn canonical_url_resolved() {
        let head = r#"<link rel="canonical" href="/world/talks?ref=1">"#;
        let meta = read_at(&page(head, ""), "https://example.com/amp/world/talks");
        assert_eq!(
            meta.canonical_url.as_deref(),
            Some("https://example.com/world/talks?ref=1")
        );
        let head = r#"<meta property="og:url" content="https://example.com/talks">"#;
        assert_eq!(
            read(&page(head, "")).canonical_url.as_deref(),
            Some("https://example.com/talks")
        );
        let head = r#"<link rel="canonical" href="talks-2">"#;
        assert_eq!(read(&page(head, "")).canonical_url, None);
    }

    #[test]
    fn resolve_relative_urls() {
        let base = Some("https://example.com/a/b/c.html?x=1");
        assert_eq!(
            resolve_url("d.html", base).as_deref(),
            Some("https://example.com/a/b/d.html")
        );
        assert_eq!(
            resolve_url("../d", base).as_deref(),
            Some("https://example.com/a/d")
        );
        assert_eq!(
            resolve_url("//cdn.example.com/x", base).as_deref(),
            Some("https://cdn.example.com/x")
        );
        assert_eq!(resolve_url("#top", base), None);
    }

    #[test]
    fn language_sources() {
        let html = r#"<html lang="en-US"><head></head><body></body></html>"#;
        assert_eq!(read(html).language.as_deref(), Some("en"));
        let head = r#"<meta http-equiv="content-language" content="de-DE, en">"#;
        assert_eq!(read(&page(head, "")).language.as_deref(), Some("de"));
        let head = r#"<meta property="og:locale" content="fr_FR">"#;
        assert_eq!(read(&page(head, "")).language.as_deref(), Some("fr"));
    }

    #[test]
    fn description_sources() {
        let head = r#"<meta name="description" content="  A   summary.  ">
                      <meta name="twitter:description" content="Other">"#;
        assert_eq!(
            read(&page(head, "")).description.as_deref(),
            Some("A summary.")
        );
        let head = r#"<meta property="og:description" content="First"><meta name="description" content="Second">"#;
        assert_eq!(read(&page(head, "")).description.as_deref(), Some("First"));
    }

    #[test]
    fn duplicate_tags_first_non_empty_wins() {
        let head = r#"<meta property="og:title" content=""><meta property="og:title" content="Second title here">
                      <meta property="og:title" content="Third title here">"#;
        assert_eq!(
            read(&page(head, "")).title.as_deref(),
            Some("Second title here")
        );
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]
        #[test]
        fn bylines_never_panic(text in "\\PC{0,120}") {
            let _ = byline_names(&text);
            let _ = unmarked_names(&text, false);
            let _ = strip_site(&text, &["example".to_string()]);
        }

        #[test]
        fn pages_never_panic(
            parts in proptest::collection::vec(
                proptest::prop_oneof![
                    proptest::prelude::Just("<h1>".to_string()),
                    proptest::prelude::Just("</h1>".to_string()),
                    proptest::prelude::Just("<div class=byline>By ".to_string()),
                    proptest::prelude::Just("<time datetime=".to_string()),
                    proptest::prelude::Just("<script type=application/ld+json>{\"@type\":\"Article\",".to_string()),
                    proptest::prelude::Just("</script>".to_string()),
                    proptest::prelude::Just("<meta name=author content=".to_string()),
                    "\\PC{0,20}",
                ],
                0..30,
            )
        ) {
            let _ = read_at(&parts.concat(), "https://example.com/2025/02/10/x");
        }
    }

    #[test]
    fn huge_page_stays_bounded() {
        let mut body = String::from("<h1>Headline of the story</h1>");
        for i in 0..5000 {
            body.push_str(&format!(
                r#"<div class="card"><span class="author">Jane Doe {i}</span><time datetime="2020-01-01">x</time></div>"#
            ));
        }
        let meta = read(&page("", &body));
        assert_eq!(meta.title.as_deref(), Some("Headline of the story"));
        assert_eq!(meta.authors, ["Jane Doe 0"]);
    }
}
