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

use chancery_model::Published;
use regex::Regex;
use scraper::{ElementRef, Html, Node};
use serde_json::Value;

use crate::dates::{date_from_url, parse_date};
use crate::language::normalize_tag;

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

/// Reads the metadata of a parsed page; `url` is where it was fetched from,
/// used to resolve a relative canonical link and as a last source of a date.
pub(crate) fn read_metadata(doc: &Html, url: Option<&str>) -> Metadata {
    let page = Page::walk(doc);
    let ld = JsonLd::read(&page.json_ld);

    let canonical_url = page
        .canonical
        .as_deref()
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
    fn walk(doc: &'a Html) -> Page<'a> {
        let mut page = Page::default();
        let root = doc.root_element();
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
            let marks = class_and_id(e);
            if marks
                .iter()
                .any(|m| (m.contains("author") && !m.contains("authoriz")) || m.contains("byline"))
            {
                push_capped(&mut page.author_classes, el);
            } else if marks.iter().any(|m| is_date_mark(m)) {
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
    text.len() <= 300 && BY_START.is_match(text)
}

/// A byline label with the names in the next element: `<p>Written by</p>
/// <p>Jane Doe</p>`.
fn is_bare_by_label(text: &str) -> bool {
    starts_with_by(text) && text.trim().trim_end_matches(':').split_whitespace().count() <= 2
        && text.trim().to_lowercase().trim_end_matches(':').trim_end().ends_with("by")
}

fn is_visible_element(name: &str) -> bool {
    !matches!(name, "script" | "style" | "noscript" | "template" | "title" | "textarea" | "option")
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

/// Class tokens and the id, lower-cased.
fn class_and_id(e: &scraper::node::Element) -> Vec<String> {
    let mut marks: Vec<String> = e.classes().map(str::to_ascii_lowercase).collect();
    if let Some(id) = e.id() {
        marks.push(id.to_ascii_lowercase());
    }
    marks
}

fn is_date_mark(mark: &str) -> bool {
    (mark.contains("date")
        || mark.contains("publish")
        || mark.contains("posted")
        || mark.contains("time"))
        && !mark.contains("update")
        && !mark.contains("modif")
        && !mark.contains("validate")
        && !mark.contains("picker")
}

fn has_ancestor(el: ElementRef<'_>, test: impl Fn(&scraper::node::Element) -> bool) -> bool {
    el.ancestors()
        .filter_map(|n| n.value().as_element())
        .any(test)
}

/// True when the element sits in comments, a sidebar, related-article lists
/// or page chrome: bylines and dates there belong to other texts. A footer
/// inside an `<article>` or `<main>` is the article's own (WordPress puts the
/// byline there), so it only counts when no article encloses it.
fn in_other_content(el: ElementRef<'_>) -> bool {
    const MARKS: [&str; 7] =
        ["comment", "related", "sidebar", "recommend", "popular", "trending", "more-from"];
    let mut in_footer = false;
    for e in std::iter::once(*el).chain(el.ancestors()).filter_map(|n| n.value().as_element()) {
        match e.name() {
            // <body> classes describe the layout ("has-sidebar", "comments-open").
            "body" | "html" => break,
            "aside" | "nav" => return true,
            "footer" => in_footer = true,
            "article" | "main" => in_footer = false,
            _ => {}
        }
        let marks = class_and_id(e);
        if marks.iter().any(|m| MARKS.iter().any(|k| m.contains(k))) {
            return true;
        }
        if marks.iter().any(|m| m.contains("footer")) {
            in_footer = true;
        }
    }
    in_footer
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
    let lines: Vec<String> = raw.lines().map(clean_text).filter(|l| !l.is_empty()).collect();
    let text = lines.join("\n");
    (text.len() <= max).then_some(text)
}

fn is_block(name: &str) -> bool {
    matches!(
        name,
        "div" | "p" | "li" | "ul" | "ol" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "section"
            | "header" | "footer" | "article" | "aside" | "nav" | "table" | "tr" | "td" | "th"
            | "dd" | "dt" | "dl" | "figure" | "figcaption" | "blockquote" | "address" | "main"
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
                "Recipe" | "HowTo" | "Review" | "CreativeWork" | "Guide" | "Course" | "Event"
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
                t.ends_with("Organization") || matches!(*t, "Corporation" | "Brand" | "WebSite" | "LocalBusiness")
            });
            let list = if is_org { &mut ld.org_authors } else { &mut ld.authors };
            for name in name.iter().filter(|n| !looks_like_url(n)).flat_map(|n| byline_names(n)) {
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
    if !text.contains('&') {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let decoded = rest.find(';').filter(|&end| end <= 10).and_then(|end| {
            let entity = &rest[1..end];
            let c = match entity {
                "amp" => '&',
                "quot" => '"',
                "apos" => '\'',
                "lt" => '<',
                "gt" => '>',
                "nbsp" => ' ',
                "ndash" => '–',
                "mdash" => '—',
                "rsquo" => '’',
                "lsquo" => '‘',
                "rdquo" => '”',
                "ldquo" => '“',
                "hellip" => '…',
                _ => {
                    let number = entity.strip_prefix('#')?;
                    let code = match number.strip_prefix(['x', 'X']) {
                        Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                        None => number.parse().ok()?,
                    };
                    char::from_u32(code)?
                }
            };
            Some((c, end))
        });
        match decoded {
            Some((c, end)) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

// ---------------------------------------------------------------------------
// Title.

/// Separators that join a headline and a site or section name in `<title>`.
const TITLE_SEPARATORS: [&str; 9] = [
    " | ", " - ", " – ", " — ", " :: ", " · ", " • ", " » ", " ~ ",
];

fn choose_title(page: &Page<'_>, ld: &JsonLd, sites: &[String]) -> Option<String> {
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
    Some(
        h1s.iter()
            .take(3)
            .find(about_the_same)
            .unwrap_or(first_declared)
            .clone(),
    )
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
                let names = element_author(source);
                let short = short_text(source, 100).is_some();
                if short && names.iter().all(|n| looks_like_name(n)) { names } else { Vec::new() }
            }
        }
    };
    let is_inside = |inner: &ElementRef<'_>, outer: ElementRef<'_>| inner.ancestors().any(|a| a.id() == outer.id());
    let mut names = Vec::new();
    let mut first: Option<(ElementRef<'_>, Option<ElementRef<'_>>)> = None;
    for (i, &el) in elements.iter().enumerate() {
        if let Some((first, container)) = first {
            let same_shape = el.value().name() == first.value().name()
                && el.value().attr("class") == first.value().attr("class");
            let same_byline = container.is_some_and(|c| is_inside(&el, c));
            if !same_shape || !same_byline {
                continue;
            }
        }
        // A byline wrapper ("By <span class=author>Jane Doe</span> · Feb 10")
        // is read through its inner author element when that has a name.
        let inner = &elements[i + 1..];
        if inner.iter().any(|o| is_inside(o, el) && !read(*o).is_empty()) {
            continue;
        }
        let before = names.len();
        if std::env::var("MDDEBUG").is_ok() {
            eprintln!("DEBUG {:?} {:?} -> {:?} other={} anc={:?}", el.value().name(), el.value().attr("class"), read(el), in_other_content(el), el.ancestors().filter_map(|n| n.value().as_element()).map(|e| format!("{}.{}#{}", e.name(), e.attr("class").unwrap_or(""), e.id().unwrap_or(""))).collect::<Vec<_>>());
        }
        for name in read(el) {
            push_name(&mut names, name);
        }
        if names.len() > before && first.is_none() {
            let container = el.parent().and_then(|p| p.parent()).and_then(ElementRef::wrap);
            first = Some((el, container));
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
        "title", "role", "rol", "job", "jobtitle", "position", "bio", "biography", "desc",
        "description", "avatar", "image", "img", "photo", "pic", "picture", "social", "date",
        "count", "label", "thumb", "thumbnail",
    ];
    let marks = class_and_id(el.value());
    let words = || marks.iter().flat_map(|m| m.split(|c: char| !c.is_ascii_alphanumeric()));
    if words().any(|w| w == "name" || w == "byline") {
        return false;
    }
    words().any(|w| PARTS.contains(&w))
}

/// `itemprop=author`: its `itemprop=name` (content or text) when it is an
/// item, else its own text.
fn microdata_author(el: ElementRef<'_>) -> Vec<String> {
    if let Some(content) = el.value().attr("content") {
        return if looks_like_url(content) { Vec::new() } else { byline_names(content) };
    }
    for node in el.descendants() {
        let Some(inner) = ElementRef::wrap(node) else {
            continue;
        };
        if inner.value().attr("itemprop").is_some_and(|p| p.eq_ignore_ascii_case("name")) {
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

/// The names in a byline: "By Jane Doe | Feb 10, 2025", "Feb 10, 2025 ·
/// Jane Doe", "Author: Jane Doe and John Roe". The byline is cut at its
/// separators; a part introduced by "by" is tried first, then the others.
fn byline_names(text: &str) -> Vec<String> {
    static SEPARATORS: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"\s*(?:[|•·—–\n]|\s-\s|\s/\s)\s*").expect("valid regex"));
    static BY: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r"(?i)^(?:by|von|par|por|door)\b[\s:]*|\b(?:written|posted|published|authored|story|words|text|reporting|report|articles?|post|recipe|guide|review|compiled)\s+by\b[\s:]*",
        )
        .expect("valid regex")
    });
    let segments: Vec<String> = SEPARATORS
        .split(text)
        .map(clean_text)
        .filter(|s| !s.is_empty())
        .collect();
    let introduced = segments.iter().filter_map(|s| BY.find(s).map(|m| &s[m.end()..]));
    let others = segments.iter().filter(|s| !BY.is_match(s)).map(String::as_str);
    for rest in introduced.chain(others) {
        let names: Vec<String> = split_names(&cut_byline(&rest))
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
        let part = part.trim();
        if part.is_empty() {
            continue;
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

/// "MD", "Ph.D.", "RN", "E-RYT 200", "Jr.": letters after a name, not a name.
fn is_credential(part: &str) -> bool {
    let words = word_count(part);
    let no_lower = !part.chars().any(char::is_lowercase);
    let known = [
        "phd", "ph.d.", "ph.d", "jr", "jr.", "sr", "sr.", "esq", "esq.", "msc", "mph", "mba", "mfa",
    ]
    .contains(&part.to_lowercase().as_str());
    known || (no_lower && (words == 1 || part.chars().any(|c| c.is_ascii_digit())) && part.len() <= 12)
}

/// Values that are links, not names.
fn looks_like_url(value: &str) -> bool {
    let value = value.trim().to_ascii_lowercase();
    value.contains("://") || value.starts_with("www.") || value.starts_with('/')
}

/// Whether a candidate is a name at all: not a URL, an email, a handle, a
/// slug, a sentence or a label.
fn is_name(name: &str) -> bool {
    const NOT_NAMES: [&str; 22] = [
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
    ];
    let lower = name.to_lowercase();
    // Avatar initials ("JD") sit next to the name in author boxes.
    let initials = name.chars().count() <= 2 && !name.chars().any(char::is_lowercase);
    let slug = !name.contains(' ')
        && name.contains(['-', '_'])
        && !name.chars().any(char::is_uppercase);
    !(name.is_empty()
        || name.chars().count() > 60
        || word_count(name) > 8
        || looks_like_url(name)
        || lower.starts_with('@')
        || (name.contains('@') && name.contains('.'))
        || !name.chars().any(char::is_alphabetic)
        || name.chars().filter(|c| c.is_ascii_digit()).count() > 3
        || name.contains(['?', '!', '{', '}', '<', '>', '=', ':', '[', ']', '#', '»', '«'])
        || slug
        || initials
        || NOT_NAMES.contains(&lower.as_str())
        || ["more about", "about ", "view ", "see ", "posts by", "all posts", "articles by", "follow "]
            .iter()
            .any(|p| lower.starts_with(p)))
}

/// Two to five capitalized words, allowing particles ("Ludwig van
/// Beethoven", "Ana de Souza"): what an unmarked "By …" line must contain to
/// count, since "Shop by Category" starts with "by" too.
fn looks_like_name(name: &str) -> bool {
    const PARTICLES: [&str; 12] =
        ["van", "von", "de", "der", "den", "da", "di", "du", "la", "le", "bin", "al"];
    let words: Vec<&str> = name.split_whitespace().collect();
    (2..=5).contains(&words.len())
        && words.iter().all(|w| {
            w.chars().next().is_some_and(char::is_uppercase) || PARTICLES.contains(w)
        })
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
    let from_ld = ld
        .published
        .as_deref()
        .and_then(|d| parse_date(d, "json-ld"));
    if ld.dates_from_article {
        if let Some(date) = from_ld {
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
    if from_ld.is_some() {
        return from_ld;
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
    let from_class = page
        .date_classes
        .iter()
        .filter(|el| !in_other_content(**el))
        .find_map(|el| short_text(*el, 120).and_then(|t| parse_date(&t, "byline")));
    from_class.or(from_url)
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

#[cfg(test)]
mod tests {
    use super::*;
    use chancery_model::DatePrecision;

    fn read(html: &str) -> Metadata {
        read_metadata(&Html::parse_document(html), None)
    }

    fn read_at(html: &str, url: &str) -> Metadata {
        read_metadata(&Html::parse_document(html), Some(url))
    }

    #[test]
    fn empty_page() {
        let meta = read("");
        assert_eq!(meta.title, None);
        assert!(meta.authors.is_empty());
        assert_eq!(meta.published, None);
    }
}
