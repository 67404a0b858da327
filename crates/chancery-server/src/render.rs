//! Text to HTML: escaping, URL encoding, and article text with its
//! entities, quotes and event triggers highlighted by their byte spans.

use chancery_model::{Analysis, Span, TextField};
use chancery_nlp::events::Lexicon;
use chancery_nlp::kb::KnowledgeBase;
use maud::{html, Markup, PreEscaped};

/// Escapes text for HTML content and quoted attribute values.
/// A count with its noun, singular for one: `1 article`, `3 articles`,
/// `2 entities`.
pub(crate) fn plural(n: u64, noun: &str) -> String {
    match (n, noun.strip_suffix('y')) {
        (1, _) => format!("1 {noun}"),
        (_, Some(stem)) => format!("{n} {stem}ies"),
        (_, None) => format!("{n} {noun}s"),
    }
}

pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// Percent-encodes a path segment or query value (everything but
/// unreserved characters).
pub(crate) fn encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// The link to an entity's page.
pub(crate) fn entity_href(name: &str) -> String {
    format!("/entity/{}", encode(name))
}

/// A URL from an article that may be shown as a link: http(s) only, so a
/// `javascript:` or `data:` URL in a hostile page never becomes one.
pub(crate) fn safe_url(url: &str) -> Option<&str> {
    let lower = url
        .trim_start()
        .get(..8)
        .unwrap_or(url)
        .to_ascii_lowercase();
    (lower.starts_with("http://") || lower.starts_with("https://")).then_some(url)
}

/// The CAMEO name of a code or root ("Make a visit"), or "" when unknown.
pub(crate) fn cameo_name(code: &str) -> String {
    Lexicon::builtin()
        .code(code)
        .map(|info| sentence_case(&info.name))
        .unwrap_or_default()
}

fn sentence_case(name: &str) -> String {
    if name.chars().any(|c| c.is_lowercase()) {
        return name.to_string();
    }
    let lower = name.to_lowercase();
    let mut chars = lower.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// "Iran (IRN)" for a country code, the code itself otherwise; actor codes
/// name their country ("IRNGOV" → "IRNGOV, Iran").
pub(crate) fn country_label(code: &str) -> String {
    let kb = KnowledgeBase::builtin();
    match (code.get(..3).and_then(|c| kb.country(c)), code.len()) {
        (Some(country), 3) => format!("{} ({code})", country.name),
        (Some(country), _) => format!("{code}, {}", country.name),
        (None, _) => code.to_string(),
    }
}

/// A highlighted stretch of text.
#[derive(Debug, Clone)]
struct Mark {
    start: usize,
    end: usize,
    /// Outer marks open first: quotes (0) hold entity mentions (1), which
    /// hold triggers (2).
    layer: u8,
    /// The opening tag, already escaped.
    open: String,
    close: &'static str,
}

/// The marks of an analysis that point into `field`.
fn marks(analysis: &Analysis, field: TextField) -> Vec<Mark> {
    let mut marks = Vec::new();
    let in_field = |span: &Span| span.field == field && span.start < span.end;
    for (index, quote) in analysis.quotes.iter().enumerate() {
        if !in_field(&quote.span) {
            continue;
        }
        let speaker = quote
            .speaker
            .as_ref()
            .and_then(|id| analysis.entities.iter().find(|e| &e.id == id))
            .map(|e| e.name.as_str())
            .or(quote.speaker_text.as_deref())
            .unwrap_or("unknown speaker");
        let kind = match quote.kind {
            chancery_model::QuoteKind::Direct => "direct",
            chancery_model::QuoteKind::Partial => "partial",
            chancery_model::QuoteKind::Indirect => "indirect",
        };
        marks.push(Mark {
            start: quote.span.start,
            end: quote.span.end,
            layer: 0,
            open: format!(
                "<span class=\"quote {kind}\" data-q=\"q{index}\" title=\"{}\">",
                escape(&format!("{kind} quote: {speaker}"))
            ),
            close: "</span>",
        });
    }
    for entity in &analysis.entities {
        let kind = format!("{:?}", entity.kind).to_lowercase();
        let title = match (&entity.actor_code, entity.roles.first()) {
            (Some(code), Some(role)) => format!("{} — {}, {code}", entity.name, role.title),
            (Some(code), None) => format!("{} — {code}", entity.name),
            (None, Some(role)) => format!("{} — {}", entity.name, role.title),
            (None, None) => entity.name.clone(),
        };
        for mention in &entity.mentions {
            if !in_field(&mention.span) {
                continue;
            }
            marks.push(Mark {
                start: mention.span.start,
                end: mention.span.end,
                layer: 1,
                open: format!(
                    "<a class=\"ent {kind}\" data-e=\"{}\" href=\"{}\" title=\"{}\">",
                    escape(&entity.id),
                    escape(&entity_href(&entity.name)),
                    escape(&title)
                ),
                close: "</a>",
            });
        }
    }
    for (index, event) in analysis.events.iter().enumerate() {
        if !in_field(&event.trigger) {
            continue;
        }
        marks.push(Mark {
            start: event.trigger.start,
            end: event.trigger.end,
            layer: 2,
            open: format!(
                "<span class=\"trigger q{}\" data-ev=\"ev{index}\" title=\"{}\">",
                event.quad_class.clamp(1, 4),
                escape(&format!("{} {}", event.code, cameo_name(&event.code)))
            ),
            close: "</span>",
        });
    }
    marks
}

/// `text[range]` as HTML with the marks that overlap it. Overlapping marks
/// are split where they cross, so the tags always nest; marks whose offsets
/// are not character boundaries of `text` are dropped, never trusted.
fn highlight(text: &str, range: std::ops::Range<usize>, marks: &[Mark]) -> String {
    let mut clipped: Vec<Mark> = marks
        .iter()
        .filter(|m| m.start < range.end && m.end > range.start)
        .filter(|m| text.is_char_boundary(m.start) && text.is_char_boundary(m.end))
        .map(|m| Mark {
            start: m.start.max(range.start),
            end: m.end.min(range.end),
            ..m.clone()
        })
        .collect();
    clipped.sort_by(|a, b| {
        a.layer
            .cmp(&b.layer)
            .then(a.start.cmp(&b.start))
            .then(b.end.cmp(&a.end))
    });
    let mut bounds: Vec<usize> = vec![range.start, range.end];
    for m in &clipped {
        bounds.push(m.start);
        bounds.push(m.end);
    }
    bounds.sort_unstable();
    bounds.dedup();
    let mut out = String::with_capacity((range.end - range.start) * 2);
    let mut open: Vec<usize> = Vec::new();
    for pair in bounds.windows(2) {
        let (start, end) = (pair[0], pair[1]);
        // The marks covering this piece, outermost first; of two marks of
        // one layer only the first is kept (a mention inside a mention).
        let mut active: Vec<usize> = Vec::new();
        for (i, m) in clipped.iter().enumerate() {
            if m.start <= start
                && m.end >= end
                && !active.iter().any(|&a| clipped[a].layer == m.layer)
            {
                active.push(i);
            }
        }
        let common = open.iter().zip(&active).take_while(|(a, b)| a == b).count();
        while open.len() > common {
            let closing = open.pop().expect("open is longer than common");
            out.push_str(clipped[closing].close);
        }
        for &i in &active[common..] {
            out.push_str(&clipped[i].open);
            open.push(i);
        }
        out.push_str(&escape(&text[start..end]));
    }
    while let Some(closing) = open.pop() {
        out.push_str(clipped[closing].close);
    }
    out
}

/// The article body as paragraphs, headings and list items with entities,
/// quotes and event triggers highlighted.
pub(crate) fn article_body(analysis: &Analysis) -> Markup {
    let text = &analysis.article.text;
    let marks = marks(analysis, TextField::Text);
    let blocks: Vec<(usize, usize, &str)> = if analysis.article.paragraphs.is_empty() {
        vec![(0, text.len(), "paragraph")]
    } else {
        analysis
            .article
            .paragraphs
            .iter()
            .filter(|b| {
                b.start < b.end
                    && b.end <= text.len()
                    && text.is_char_boundary(b.start)
                    && text.is_char_boundary(b.end)
            })
            .map(|b| {
                let kind = match b.kind {
                    chancery_model::BlockKind::Heading => "heading",
                    chancery_model::BlockKind::ListItem => "list_item",
                    _ => "paragraph",
                };
                (b.start, b.end, kind)
            })
            .collect()
    };
    html! {
        @for (start, end, kind) in blocks {
            @let inner = PreEscaped(highlight(text, start..end, &marks));
            @match kind {
                "heading" => h3 { (inner) },
                "list_item" => p class="item" { "• " (inner) },
                _ => p { (inner) },
            }
        }
    }
}

/// The title with its headline entities highlighted.
pub(crate) fn article_title(analysis: &Analysis) -> Markup {
    let title = analysis.article.title.as_deref().unwrap_or("(untitled)");
    if analysis.article.title.is_none() {
        return html! { (title) };
    }
    PreEscaped(highlight(
        title,
        0..title.len(),
        &marks(analysis, TextField::Title),
    ))
}

/// A sentence with `trigger` (byte offsets into it) emphasised.
pub(crate) fn evidence(sentence: &str, trigger: Option<(usize, usize)>) -> Markup {
    match trigger.filter(|(s, e)| s < e && sentence.get(*s..*e).is_some()) {
        Some((start, end)) => html! {
            (sentence[..start]) strong class="trig" { (sentence[start..end]) } (sentence[end..])
        },
        None => html! { (sentence) },
    }
}

/// `text` with every case-insensitive occurrence of the words marked.
pub(crate) fn mark_words(text: &str, words: &[String]) -> Markup {
    let lower = text.to_lowercase();
    if lower.len() != text.len() || words.is_empty() {
        // Lower-casing changed byte lengths (some non-ASCII letters): no
        // offsets to trust, so nothing is marked.
        return html! { (text) };
    }
    let mut ranges: Vec<(usize, usize)> = Vec::new();
    for word in words
        .iter()
        .map(|w| w.to_lowercase())
        .filter(|w| !w.is_empty())
    {
        let mut from = 0;
        while let Some(found) = lower[from..].find(&word) {
            let start = from + found;
            ranges.push((start, start + word.len()));
            from = start + word.len();
        }
    }
    ranges.sort_unstable();
    let mut out = String::new();
    let mut at = 0;
    for (start, end) in ranges {
        if start < at || !text.is_char_boundary(start) || !text.is_char_boundary(end) {
            continue;
        }
        out.push_str(&escape(&text[at..start]));
        out.push_str("<mark>");
        out.push_str(&escape(&text[start..end]));
        out.push_str("</mark>");
        at = end;
    }
    out.push_str(&escape(&text[at..]));
    PreEscaped(out)
}

#[cfg(test)]
mod tests {
    use chancery_model::{Article, Entity, EntityKind, Mention, Quote, QuoteKind};

    use super::*;

    fn analysis(text: &str) -> Analysis {
        Analysis::from_article(Article {
            id: "t".into(),
            text: text.into(),
            ..Article::default()
        })
    }

    fn entity(name: &str, spans: &[(usize, usize)]) -> Entity {
        Entity {
            id: format!("e-{name}"),
            name: name.into(),
            kind: EntityKind::Person,
            country: None,
            actor_code: None,
            aliases: Vec::new(),
            roles: Vec::new(),
            mentions: spans
                .iter()
                .map(|&(s, e)| Mention {
                    span: Span::new(s, e),
                })
                .collect(),
        }
    }

    fn quote(start: usize, end: usize) -> Quote {
        Quote {
            span: Span::new(start, end),
            kind: QuoteKind::Direct,
            speaker: None,
            speaker_text: Some("<b>x</b>".into()),
            speaker_start: None,
            speaker_end: None,
            cue: None,
            confidence: 1.0,
        }
    }

    #[test]
    fn mentions_nest_inside_quotes() {
        let text = "Lavrov said: We welcome Araghchi today.";
        let mut a = analysis(text);
        a.quotes.push(quote(13, 39));
        a.entities.push(entity("Sergey Lavrov", &[(0, 6)]));
        a.entities.push(entity("Abbas Araghchi", &[(24, 32)]));
        let html = article_body(&a).into_string();
        assert!(html.starts_with("<p><a class=\"ent person\""), "{html}");
        assert!(
            html.contains("We welcome <a class=\"ent person\" data-e=\"e-Abbas Araghchi\" href=\"/entity/Abbas%20Araghchi\""),
            "{html}"
        );
        assert!(
            html.contains("&lt;b&gt;x&lt;/b&gt;"),
            "speaker text is escaped: {html}"
        );
        assert!(html.ends_with("</a> today.</span></p>"), "{html}");
    }

    #[test]
    fn crossing_spans_are_split_so_tags_nest() {
        let text = "abcdefghij";
        let mut a = analysis(text);
        a.quotes.push(quote(0, 6));
        a.entities.push(entity("X", &[(4, 9)]));
        let html = highlight(text, 0..10, &marks(&a, TextField::Text));
        assert_eq!(
            html.matches("<a ").count(),
            2,
            "the mention is split at the quote's end: {html}"
        );
        let opens = html.matches("<span").count() + html.matches("<a ").count();
        let closes = html.matches("</span>").count() + html.matches("</a>").count();
        assert_eq!(opens, closes, "{html}");
    }

    #[test]
    fn spans_off_character_boundaries_or_out_of_range_are_dropped() {
        let text = "Tehran’s envoy";
        let mut a = analysis(text);
        a.entities.push(entity("Bad", &[(0, 7), (3, 99)]));
        a.entities.push(entity("Tehran", &[(0, 6)]));
        let html = article_body(&a).into_string();
        assert_eq!(html.matches("<a ").count(), 1, "{html}");
        assert!(html.contains("’s envoy"), "{html}");
    }

    #[test]
    fn text_is_escaped_everywhere() {
        let text = "<script>alert(1)</script> \"onmouseover=alert(2) x='y'";
        let mut a = analysis(text);
        a.entities
            .push(entity("\"><script>alert(3)</script>", &[(0, 8)]));
        let html = article_body(&a).into_string();
        assert!(!html.contains("<script>"), "{html}");
        assert!(
            html.contains("&lt;script&gt;</a>alert(1)&lt;/script&gt;"),
            "{html}"
        );
        assert!(!html.contains("\"onmouseover"), "{html}");
    }

    #[test]
    fn only_web_urls_are_links() {
        assert!(safe_url("https://example.com/a").is_some());
        assert!(safe_url("HTTP://example.com").is_some());
        assert!(safe_url("javascript:alert(1)").is_none());
        assert!(safe_url(" data:text/html,<script>").is_none());
    }

    #[test]
    fn encoding_keeps_unreserved_characters_only() {
        assert_eq!(encode("Abbas Araghchi"), "Abbas%20Araghchi");
        assert_eq!(encode("a/b?c&d=é"), "a%2Fb%3Fc%26d%3D%C3%A9");
    }

    #[test]
    fn search_words_are_marked_case_insensitively() {
        let html = mark_words("Talks in <Moscow>, moscow", &["MOSCOW".into()]).into_string();
        assert_eq!(
            html,
            "Talks in &lt;<mark>Moscow</mark>&gt;, <mark>moscow</mark>"
        );
    }
}
