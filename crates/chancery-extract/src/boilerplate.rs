//! Recognisers for the junk around articles: the headings of related-article
//! blocks, placeholder ("stub") text, teasers cut off with an ellipsis, and page
//! chrome such as share buttons and comment forms.
//!
//! Both the scraped-text cleaner and the HTML extractor call these on every
//! line or block of every document, so they do no per-call setup: the phrase
//! tables are built once, and long lines are rejected before any allocation.

use std::collections::HashSet;
use std::sync::LazyLock;

use regex::Regex;

/// Longest label, in bytes, that can be a heading or a chrome line. Headings of
/// related blocks are a few words; 120 bytes leaves room for non-Latin scripts
/// (Cyrillic and Arabic letters take two bytes, CJK three).
const MAX_LABEL_BYTES: usize = 120;

/// Most words a related-block heading has ("Das könnte Sie auch interessieren"
/// has five, "Ces articles pourraient vous intéresser" five).
const MAX_HEADING_WORDS: usize = 7;

/// Headings of related-article blocks, lower-cased, without trailing punctuation.
const RELATED_HEADINGS: &[&str] = &[
    // English
    "related",
    "related articles",
    "related posts",
    "related stories",
    "related news",
    "related content",
    "related coverage",
    "related reading",
    "related links",
    "related topics",
    "related videos",
    "similar posts",
    "similar articles",
    "similar stories",
    "similar news",
    "read more",
    "read also",
    "also read",
    "read next",
    "what to read next",
    "see also",
    "further reading",
    "you may also like",
    "you might also like",
    "you may like",
    "you might like",
    "you may also be interested in",
    "you might also be interested in",
    "you might be interested in",
    "you may be interested in",
    "you may have missed",
    "recommended",
    "recommended for you",
    "recommended articles",
    "recommended stories",
    "recommended reading",
    "more stories",
    "more news",
    "more articles",
    "more like this",
    "more to read",
    "other news",
    "other stories",
    "latest news",
    "latest posts",
    "latest stories",
    "recent posts",
    "recent articles",
    "popular posts",
    "popular stories",
    "most popular",
    "most read",
    "trending",
    "trending now",
    "top stories",
    "don't miss",
    "dont miss",
    "editor's picks",
    "editors' picks",
    "around the web",
    "from the web",
    "sponsored stories",
    "promoted stories",
    "suggested articles",
    "suggested reading",
    // French
    "à lire aussi",
    "a lire aussi",
    "à lire également",
    "lire aussi",
    "lire également",
    "à voir aussi",
    "voir aussi",
    "articles similaires",
    "articles liés",
    "articles connexes",
    "sur le même sujet",
    "sur le même thème",
    "dans la même rubrique",
    "vous aimerez aussi",
    "vous aimerez peut-être aussi",
    "vous pourriez aimer",
    "vous pourriez aussi aimer",
    "ces articles peuvent vous intéresser",
    "ces articles pourraient vous intéresser",
    "les plus lus",
    "pour aller plus loin",
    // German
    "das könnte sie auch interessieren",
    "das könnte dich auch interessieren",
    "das könnte ihnen auch gefallen",
    "mehr zum thema",
    "mehr zu diesem thema",
    "auch interessant",
    "auch lesenswert",
    "lesen sie auch",
    "lesen sie mehr",
    "lies auch",
    "weitere artikel",
    "weitere nachrichten",
    "ähnliche artikel",
    "ähnliche beiträge",
    "verwandte artikel",
    "passend zum thema",
    "zum weiterlesen",
    "meistgelesen",
    "meistgelesene artikel",
    "empfohlene artikel",
    // Spanish
    "noticias relacionadas",
    "artículos relacionados",
    "contenido relacionado",
    "entradas relacionadas",
    "publicaciones relacionadas",
    "publicaciones similares",
    "te puede interesar",
    "también te puede interesar",
    "le puede interesar",
    "quizás te interese",
    "te recomendamos",
    "lee también",
    "lea también",
    "leer más",
    "más noticias",
    "lo más leído",
    // Italian
    "articoli correlati",
    "notizie correlate",
    "post correlati",
    "articoli simili",
    "altri articoli",
    "leggi anche",
    "vedi anche",
    "potrebbe interessarti",
    "ti potrebbe interessare",
    "potrebbero interessarti",
    "i più letti",
    // Portuguese
    "notícias relacionadas",
    "artigos relacionados",
    "posts relacionados",
    "conteúdo relacionado",
    "publicações relacionadas",
    "leia também",
    "leia mais",
    "veja também",
    "saiba mais",
    "você pode gostar",
    "você também pode gostar",
    "mais lidas",
    // Dutch
    "lees ook",
    "lees meer",
    "gerelateerde artikelen",
    "gerelateerd",
    "meer nieuws",
    "ook interessant",
    "meer over dit onderwerp",
    // Scandinavian
    "läs också",
    "relaterade artiklar",
    "les også",
    "relaterte artikler",
    "læs også",
    "relaterede artikler",
    // Polish
    "czytaj także",
    "czytaj też",
    "zobacz też",
    "zobacz także",
    "podobne artykuły",
    "powiązane artykuły",
    "polecamy",
    // Turkish
    "ilgili haberler",
    "benzer haberler",
    "bunlar da ilginizi çekebilir",
    "ayrıca okuyun",
    // Indonesian / Malay
    "baca juga",
    "berita terkait",
    "artikel terkait",
    // Russian / Ukrainian
    "читайте также",
    "читайте еще",
    "читайте ещё",
    "смотрите также",
    "похожие статьи",
    "похожие новости",
    "по теме",
    "новости по теме",
    "другие новости",
    "связанные статьи",
    "вам может быть интересно",
    "рекомендуем",
    "читайте також",
    "схожі новини",
    "новини за темою",
    // Arabic / Persian
    "اقرأ أيضا",
    "اقرأ أيضاً",
    "إقرأ أيضا",
    "إقرأ أيضاً",
    "مقالات ذات صلة",
    "أخبار ذات صلة",
    "مواضيع ذات صلة",
    "قد يعجبك أيضا",
    "مطالب مرتبط",
    "اخبار مرتبط",
    "بیشتر بخوانید",
    "همچنین بخوانید",
    // CJK, Hindi
    "相关文章",
    "相关新闻",
    "相关阅读",
    "延伸阅读",
    "推荐阅读",
    "猜你喜欢",
    "相關文章",
    "相關新聞",
    "延伸閱讀",
    "関連記事",
    "関連ニュース",
    "こちらもおすすめ",
    "관련기사",
    "관련 기사",
    "추천 기사",
    "संबंधित खबरें",
    "ये भी पढ़ें",
    "यह भी पढ़ें",
];

/// Heading openings that take a section or site name after them ("More from
/// Politics", "Mehr aus Berlin"). Only matched on short labels.
const RELATED_HEADING_PREFIXES: &[&str] = &[
    "more from ",
    "more in ",
    "more on ",
    "more about ",
    "more stories from ",
    "more news from ",
    "more articles from ",
    "latest from ",
    "also on ",
    "mehr aus ",
    "mehr von ",
    "plus de ",
    "plus d'",
    "altre notizie ",
    "другие новости ",
];

/// Single lines that are page furniture, never body text.
const CHROME_LINES: &[&str] = &[
    "advertisement",
    "advertisements",
    "advertising",
    "sponsored",
    "sponsored content",
    "share",
    "share this",
    "share this article",
    "share this story",
    "share this post",
    "share this page",
    "share article",
    "share via email",
    "tweet",
    "print",
    "print this article",
    "email",
    "e-mail",
    "whatsapp",
    "facebook",
    "twitter",
    "linkedin",
    "telegram",
    "pinterest",
    "reddit",
    "copy link",
    "link copied",
    "skip to content",
    "skip to main content",
    "toggle navigation",
    "menu",
    "search",
    "close",
    "subscribe",
    "subscribe now",
    "sign up",
    "sign in",
    "log in",
    "login",
    "listen to this article",
    "listen to article",
    "publicité",
    "partager",
    "anzeige",
    "werbung",
    "teilen",
    "publicidad",
    "compartir",
    "pubblicità",
    "condividi",
    "реклама",
    "поделиться",
];

/// Openings of single lines that are page furniture.
const CHROME_PREFIXES: &[&str] = &[
    "click to share on ",
    "share on ",
    "share to ",
    "follow us on ",
    "tags:",
    "filed under:",
    "posted in:",
    "categories:",
];

/// Lines after which a page has no more body: comment forms, author boxes,
/// post navigation, copyright notices.
const FOOTER_LINES: &[&str] = &[
    "leave a reply",
    "leave a comment",
    "post a comment",
    "add a comment",
    "add comment",
    "comments",
    "responses",
    "about the author",
    "about the authors",
    "post navigation",
    "previous post",
    "next post",
    "previous article",
    "next article",
    "laisser un commentaire",
    "commentaires",
    "kommentar schreiben",
    "kommentare",
    "deja un comentario",
    "comentarios",
    "lascia un commento",
    "commenti",
    "комментарии",
];

/// Stretches of the lorem ipsum filler: any one marks a paragraph as filler,
/// since its later paragraphs no longer say "lorem ipsum".
const LOREM_IPSUM: &[&str] = &[
    "lorem ipsum",
    "dolor sit amet",
    "consectetur adipiscing",
    "sed do eiusmod",
    "ut enim ad minim veniam",
    "quis nostrud exercitation",
    "ullamco laboris nisi",
    "duis aute irure dolor",
    "excepteur sint occaecat",
    "sunt in culpa qui officia",
];

/// Phrases that only placeholders contain, wherever they stand in a sentence.
const PLACEHOLDER_PHRASES: &[&str] = &[
    "will be expanded with more detailed information",
    "this article will be expanded",
    "this article will be updated",
    "this article will be completed",
    "this post will be expanded",
    "this post will be updated",
    "this story will be expanded",
    "this story will be updated",
    "this page will be expanded",
    "this page will be updated",
    "this section will be expanded",
    "this article is a stub",
    "this page is under construction",
    "this is a developing story",
    "this story is developing",
    "content coming soon",
    "placeholder text",
    "sera complété prochainement",
    "sera complété sous peu",
    "sera enrichi prochainement",
    "wird in kürze erweitert",
    "wird in kürze ergänzt",
    "wird demnächst erweitert",
    "wird demnächst ergänzt",
    "se ampliará próximamente",
    "se ampliará en breve",
    "será ampliado em breve",
    "sarà ampliato a breve",
    "verrà ampliato",
    "будет дополнена",
    "будет дополнен",
];

/// Whole sentences that are placeholders ("Coming soon."), lower-cased, without
/// their final punctuation. As parts of longer sentences they are real text
/// ("The film is coming soon to theatres"), so these only match whole.
const PLACEHOLDER_SENTENCES: &[&str] = &[
    "coming soon",
    "content coming soon",
    "will be expanded soon",
    "will be expanded shortly",
    "it will be expanded soon",
    "this will be expanded soon",
    "this will be expanded shortly",
    "this will be updated soon",
    "this will be updated shortly",
    "to be expanded",
    "more coming soon",
    "details coming soon",
    "more details coming soon",
    "more details soon",
    "details to follow",
    "more details to follow",
    "more to follow",
    "more to come",
    "check back soon",
    "check back later",
    "check back soon for updates",
    "check back later for updates",
    "check back soon for more",
    "please check back later",
    "stay tuned",
    "stay tuned for updates",
    "stay tuned for more",
    "to be updated",
    "to be added",
    "to be announced",
    "to be confirmed",
    "tbd",
    "tba",
    "tbc",
    "todo",
    "placeholder",
    "n/a",
    "no content",
    "no content available",
    "content not available",
    "no description available",
    "no summary available",
    "summary not available",
    "under construction",
    "untitled",
    "bientôt disponible",
    "contenu à venir",
    "à venir",
    "prochainement",
    "demnächst",
    "in kürze",
    "inhalt folgt",
    "mehr in kürze",
    "próximamente",
    "contenido próximamente",
    "em breve",
    "prossimamente",
    "скоро",
    "в разработке",
];

static RELATED_HEADING_SET: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| RELATED_HEADINGS.iter().copied().collect());
static CHROME_LINE_SET: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| CHROME_LINES.iter().copied().collect());
static FOOTER_LINE_SET: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| FOOTER_LINES.iter().copied().collect());
static LOREM_IPSUM_PATTERN: LazyLock<Regex> = LazyLock::new(|| any_phrase(LOREM_IPSUM));
static PLACEHOLDER_PHRASE_PATTERN: LazyLock<Regex> =
    LazyLock::new(|| any_phrase(PLACEHOLDER_PHRASES));
static PLACEHOLDER_SENTENCE_SET: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| PLACEHOLDER_SENTENCES.iter().copied().collect());

/// A pattern matching any of `phrases` literally: one pass over the text
/// instead of one search per phrase.
fn any_phrase(phrases: &[&str]) -> Regex {
    let alternation: Vec<String> = phrases.iter().map(|p| regex::escape(p)).collect();
    // The phrases are escaped literals, so the pattern always compiles.
    Regex::new(&alternation.join("|")).expect("escaped literals form a valid pattern")
}

/// True when `line` is the heading of a related-articles block ("Similar Posts",
/// "Read more:", "À lire aussi", "Читайте также"…): a short line that is such a
/// label and nothing else. A sentence that merely mentions related stories is
/// not one.
pub(crate) fn is_related_heading(line: &str) -> bool {
    let Some(label) = label(line) else {
        return false;
    };
    if RELATED_HEADING_SET.contains(label.as_str()) {
        return true;
    }
    label.split(' ').count() <= MAX_HEADING_WORDS
        && RELATED_HEADING_PREFIXES
            .iter()
            .any(|prefix| label.len() > prefix.len() && label.starts_with(prefix))
}

/// The headline of a one-line teaser for another article placed inside a body
/// ("Read more: Talks resume in Geneva", "Lesen Sie auch | …"), when `line` is one.
pub(crate) fn related_teaser(line: &str) -> Option<&str> {
    let line = line.trim();
    let (head, rest) = line.split_once([':', '|', '»'])?;
    if head.len() > 48 || !is_related_heading(head) {
        return None;
    }
    let rest = rest.trim_matches(|c: char| c.is_whitespace() || c == ':' || c == '|' || c == '»');
    let words = rest.split_whitespace().count();
    (words >= 2 && rest.len() <= 400).then_some(rest)
}

/// True when `line` is page furniture that is never body text: "Advertisement",
/// share buttons, "Skip to content", tag lists.
pub(crate) fn is_page_chrome(line: &str) -> bool {
    let Some(label) = label(line) else {
        return false;
    };
    CHROME_LINE_SET.contains(label.as_str())
        || CHROME_PREFIXES
            .iter()
            .any(|prefix| label.starts_with(prefix))
}

/// True when `line` starts the page footer (comment form, author box, post
/// navigation, copyright notice): nothing after it is article text.
pub(crate) fn is_footer_start(line: &str) -> bool {
    let trimmed = line.trim();
    if trimmed.starts_with('©') || starts_with_ignore_ascii_case(trimmed, "copyright ©") {
        return true;
    }
    let Some(label) = label(trimmed) else {
        return false;
    };
    FOOTER_LINE_SET.contains(label.as_str())
        || label.starts_with("you must be logged in to post a comment")
        || (label.ends_with("all rights reserved") && label.split(' ').count() <= 12)
}

/// True when `text` is a placeholder rather than content: "This article will be
/// expanded soon…", "Coming soon", lorem ipsum, or one or two sentences repeated
/// as filler. Empty text is not a placeholder (it is nothing at all).
///
/// Text that is merely cut off with an ellipsis is not a placeholder by this
/// test: in a body that means a truncated article, which [`looks_cut_off`]
/// detects; for teasers the caller combines the two.
pub(crate) fn is_stub(text: &str) -> bool {
    let lower = fold_for_matching(text);
    if lower.is_empty() {
        return false;
    }
    if LOREM_IPSUM_PATTERN.is_match(&lower) {
        return true;
    }
    let mut sentences: Vec<&str> = sentences(&lower).collect();
    if sentences.is_empty() {
        return false;
    }
    // One scan of the whole text decides whether any sentence can hold a
    // placeholder phrase, so real paragraphs are not searched sentence by sentence.
    let has_phrase = PLACEHOLDER_PHRASE_PATTERN.is_match(&lower);
    let is_placeholder_sentence = |sentence: &&str| {
        PLACEHOLDER_SENTENCE_SET.contains(sentence)
            || (has_phrase && PLACEHOLDER_PHRASE_PATTERN.is_match(sentence))
    };
    if sentences.iter().all(is_placeholder_sentence) {
        return true;
    }
    is_repeated_filler(&mut sentences)
}

/// True when `text` ends with an ellipsis right after a word ("…has sent 500
/// tons of…", "Read the full [...]"), as teasers cut off at a length limit do.
/// An ellipsis after finished punctuation or inside a closing quote is style,
/// not a cut.
pub(crate) fn looks_cut_off(text: &str) -> bool {
    let text = text.trim_end();
    let before = ["[…]", "[...]", "(…)", "(...)", "…", "...", ". . ."]
        .iter()
        .find_map(|marker| text.strip_suffix(marker));
    let Some(before) = before else {
        return false;
    };
    // "word...." and "word ..." are the same cut.
    let before = before.trim_end_matches('.').trim_end();
    match before.chars().next_back() {
        Some(last) => {
            (last.is_alphanumeric() || matches!(last, ',' | ';' | '-' | '–'))
                && before.chars().any(char::is_alphabetic)
        }
        None => false,
    }
}

/// The line as a comparable label: trimmed of bullets, punctuation and
/// decoration at both ends, whitespace collapsed, lower-cased, curly
/// apostrophes straightened. `None` when the line is too long to be a label.
fn label(line: &str) -> Option<String> {
    let trimmed = line.trim_matches(|c: char| !c.is_alphanumeric());
    if trimmed.is_empty() || trimmed.len() > MAX_LABEL_BYTES {
        return None;
    }
    let mut out = String::with_capacity(trimmed.len());
    for word in trimmed
        .split(|c: char| c.is_whitespace())
        .filter(|w| !w.is_empty())
    {
        if !out.is_empty() {
            out.push(' ');
        }
        for c in word.chars() {
            match c {
                '\u{2019}' | '\u{2018}' | '`' => out.push('\''),
                c if is_invisible(c) => {}
                c => out.extend(c.to_lowercase()),
            }
        }
    }
    Some(out)
}

/// Lower-cases `text`, collapses whitespace to single spaces and drops
/// invisible characters, so that phrase tests see one spelling.
fn fold_for_matching(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending_space = false;
    for c in text.chars() {
        if c.is_whitespace() {
            pending_space = !out.is_empty();
            continue;
        }
        if is_invisible(c) {
            continue;
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        match c {
            '\u{2019}' | '\u{2018}' => out.push('\''),
            c if c.is_ascii() => out.push(c.to_ascii_lowercase()),
            c => out.extend(c.to_lowercase()),
        }
    }
    out
}

/// Zero-width and formatting characters that scraped pages carry invisibly.
pub(crate) fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}' | '\u{00AD}' | '\u{180E}'
    ) || (c.is_control() && !c.is_whitespace())
}

/// The sentences of folded text, trimmed and without their final punctuation.
/// Splitting at every `.` followed by a space also splits after abbreviations;
/// that only makes the placeholder test stricter, never looser.
fn sentences(folded: &str) -> impl Iterator<Item = &str> {
    let mut rest = folded;
    std::iter::from_fn(move || loop {
        if rest.is_empty() {
            return None;
        }
        let (sentence, tail) = rest.split_at(sentence_end(rest));
        rest = tail;
        let sentence = sentence
            .trim()
            .trim_end_matches(|c: char| !c.is_alphanumeric());
        if !sentence.is_empty() {
            return Some(sentence);
        }
    })
}

/// Byte offset just past the first sentence of `text`: after terminal
/// punctuation (and any closing quotes or brackets) that a space follows, or
/// after a CJK full stop, which needs no space.
fn sentence_end(text: &str) -> usize {
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if matches!(c, '\u{3002}' | '\u{FF01}' | '\u{FF1F}') {
            return i + c.len_utf8();
        }
        if !matches!(c, '.' | '!' | '?' | '\u{2026}') {
            continue;
        }
        while let Some(&(_, closing)) = chars.peek() {
            if matches!(
                closing,
                '"' | '\'' | '\u{201D}' | '\u{2019}' | '\u{BB}' | ')' | ']'
            ) {
                chars.next();
            } else {
                break;
            }
        }
        match chars.peek() {
            None => return text.len(),
            Some(&(j, ' ')) => return j,
            Some(_) => {}
        }
    }
    text.len()
}

/// True when a few sentences repeated make up the text: filler that pads an
/// empty page ("Text here. Text here. Text here."). A page scraped twice has
/// every sentence exactly twice, so beyond a single sentence repeated, filler
/// needs some sentence three times.
fn is_repeated_filler(sentences: &mut [&str]) -> bool {
    if sentences.len() < 2 {
        return false;
    }
    let total: usize = sentences.iter().map(|s| s.len()).sum();
    sentences.sort_unstable();
    let mut distinct = 0;
    let mut most_repeats = 0;
    let mut repeated_len = 0;
    for run in sentences.chunk_by(|a, b| a == b) {
        distinct += 1;
        most_repeats = most_repeats.max(run.len());
        if run.len() >= 2 {
            repeated_len += run.iter().map(|s| s.len()).sum::<usize>();
        }
    }
    let enough_repeats = if distinct == 1 {
        most_repeats >= 2
    } else {
        distinct <= 3 && most_repeats >= 3
    };
    enough_repeats && repeated_len * 5 >= total * 4
}

fn starts_with_ignore_ascii_case(text: &str, prefix: &str) -> bool {
    text.len() >= prefix.len()
        && text.as_bytes()[..prefix.len()].eq_ignore_ascii_case(prefix.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn related_headings_in_many_languages() {
        for heading in [
            "Similar Posts",
            "SIMILAR POSTS",
            "Related",
            "Related:",
            "Related Articles",
            "  Read more  ",
            "Read more »",
            "Read also:",
            "You may also like",
            "You May Also Like…",
            "More from Politics",
            "More from The Harbour Times",
            "Recommended",
            "More stories",
            "— Related —",
            "Don’t miss",
            "À lire aussi",
            "A LIRE AUSSI :",
            "Articles similaires",
            "Das könnte Sie auch interessieren",
            "Mehr zum Thema",
            "Noticias relacionadas",
            "Te puede interesar",
            "Leggi anche",
            "Articoli correlati",
            "Leia também",
            "Notícias relacionadas",
            "Читайте также:",
            "Похожие новости",
            "Baca juga",
            "اقرأ أيضاً",
            "相关阅读",
            "関連記事",
        ] {
            assert!(
                is_related_heading(heading),
                "{heading:?} should be a related heading"
            );
        }
    }

    #[test]
    fn sentences_and_body_headings_are_not_related_headings() {
        for line in [
            "",
            "   ",
            "Related news emerged on Monday when the ministers met in Oslo.",
            "Read more about the agreement in our earlier report, officials said.",
            "The two cases are related",
            "More from the same source is expected later this week, she said.",
            "Recommended dosage",
            "Background",
            "Key points regarding the deal include:",
            "Similar posts were removed from the forum after the ruling.",
            "More",
            "More from",
            "Lire aussi le rapport de la commission publié mardi dernier à Paris.",
            &"Related ".repeat(40),
        ] {
            assert!(
                !is_related_heading(line),
                "{line:?} should not be a related heading"
            );
        }
    }

    #[test]
    fn inline_teasers_give_their_headline() {
        assert_eq!(
            related_teaser("Read more: Talks resume in Geneva"),
            Some("Talks resume in Geneva")
        );
        assert_eq!(
            related_teaser("RELATED | Port strike ends after nine days"),
            Some("Port strike ends after nine days")
        );
        assert_eq!(
            related_teaser("Lesen Sie auch: Neue Gespräche in Wien"),
            Some("Neue Gespräche in Wien")
        );
        assert_eq!(related_teaser("Read more:"), None);
        assert_eq!(
            related_teaser("Officials said: the talks will resume"),
            None
        );
        assert_eq!(related_teaser("Related news: none"), None);
    }

    #[test]
    fn page_chrome_lines() {
        for line in [
            "Advertisement",
            "ADVERTISEMENT",
            "Share this:",
            "Share on Facebook",
            "Tags: trade, ports",
            "Skip to content",
            "Werbung",
        ] {
            assert!(is_page_chrome(line), "{line:?} should be chrome");
        }
        for line in [
            "The advertisement campaign drew criticism.",
            "Share prices fell sharply on Monday.",
            "Print media struggled",
            "Searchlight",
        ] {
            assert!(!is_page_chrome(line), "{line:?} should not be chrome");
        }
    }

    #[test]
    fn footer_lines() {
        for line in [
            "Leave a Reply",
            "Comments",
            "About the author",
            "© 2025 Harbour Times",
            "Copyright © 2024 Example Media",
            "2025 Example Media. All rights reserved.",
        ] {
            assert!(is_footer_start(line), "{line:?} should start the footer");
        }
        for line in ["Comments from the minister came late on Friday.", "The author of the report, Ana Silva, said the data were clear.", "All rights reserved, the statement added, belong to the state of Norway and its citizens and shall be protected."] {
            assert!(!is_footer_start(line), "{line:?} should not start the footer");
        }
    }

    #[test]
    fn placeholders_are_stubs() {
        for text in [
            "This article will be expanded soon.",
            "This article will be expanded soon. This article will be expanded soon. This article will be expanded with more detailed information shortly.",
            "This post will be expanded shortly. This post will be expanded with more…",
            "Coming soon",
            "Content coming soon.",
            "Coming soon! Check back later.",
            "TBD",
            "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor.",
            "Duis aute irure dolor in reprehenderit in voluptate velit esse cillum dolore.",
            "Sample text goes here. Sample text goes here. Sample text goes here.",
            "Text here. More text here. Text here. More text here. Text here.",
            "Cet article sera complété prochainement.",
            "Dieser Artikel wird in Kürze erweitert.",
            "Próximamente",
            "This is a developing story and will be updated.",
        ] {
            assert!(is_stub(text), "{text:?} should be a stub");
        }
    }

    #[test]
    fn real_text_is_not_a_stub() {
        for text in [
            "",
            "   ",
            "...",
            "The programme will be expanded soon to five more provinces, the ministry said.",
            "The film is coming soon to theatres, the studio said on Monday.",
            "Ministers met on Monday. They agreed to meet again in March.",
            "Stay tuned, the coach told reporters, before leaving the stadium in Porto.",
            "The envoy said: “We will see.” The envoy said: “We will see.” Then he left the room and the talks resumed without him.",
            "The minister said on Tuesday that the talks had been…",
            "Coming soon: a new tax on imported steel, which exporters say will hurt them badly.",
        ] {
            assert!(!is_stub(text), "{text:?} should not be a stub");
        }
    }

    #[test]
    fn a_page_scraped_twice_is_not_filler() {
        let once = "Ministers met in Oslo on Monday. They discussed fishing quotas. A deal is expected in June. ";
        assert!(!is_stub(&once.repeat(2)));
    }

    #[test]
    fn cut_off_teasers() {
        for text in [
            "The Red Cross has sent 500 tons of…",
            "The Red Cross has sent 500 tons of ...",
            "The Red Cross has sent 500 tons of...",
            "Officials met in Lima, …",
            "The talks continued [...]",
            "The talks continued […]",
            "Loading...",
        ] {
            assert!(looks_cut_off(text), "{text:?} should look cut off");
        }
        for text in [
            "",
            "…",
            "...",
            "The talks ended.",
            "He said: “We will see…”",
            "Is this the end?...",
            "The talks ended. …",
            "Prices rose 5%.",
        ] {
            assert!(!looks_cut_off(text), "{text:?} should not look cut off");
        }
    }

    #[test]
    fn sentence_splitting_keeps_decimals_and_drops_final_punctuation() {
        let folded = fold_for_matching("Growth was 3.5 percent. Really?  Yes!");
        let got: Vec<&str> = sentences(&folded).collect();
        assert_eq!(got, ["growth was 3.5 percent", "really", "yes"]);
    }
}
