//! Scraped plain text to an article.
//!
//! Scrapers hand us pages flattened to text: the headline (often twice), a
//! byline, paragraphs separated by blank lines or hard-wrapped at a fixed
//! width, bulleted lists, and below the article a block of teasers for other
//! stories ("Similar Posts"), some of them placeholders. [`clean_scraped_text`]
//! turns that into a title, body blocks with spans, related items and flags;
//! [`take_body_verbatim`] only finds the blocks of a body the caller vouches for.
//!
//! The work is done line by line over borrowed slices: a line is copied only
//! when it needs cleaning (odd whitespace, invisible characters) or when
//! hard-wrapped lines are joined into one paragraph.

use std::borrow::Cow;

use chancery_model::{Article, Block, BlockKind, DatePrecision, Published, RelatedItem};

use crate::boilerplate::{self, is_invisible, is_related_heading, is_stub, looks_cut_off};

/// A first line longer than this is running text, not a headline.
const MAX_TITLE_CHARS: usize = 300;

/// Lines longer than this are not hard-wrapped: nobody wraps text this wide.
const MAX_WRAP_WIDTH: usize = 100;

/// How many lines under the title may hold a byline or a date line.
const TOP_LINES_WINDOW: usize = 3;

/// Bullets that mark a list item wherever they stand.
const BULLETS: &[char] = &['•', '·', '▪', '◦', '●', '‣', '▸', '►', '■', '➢', '➤'];

/// Bullets that are also ordinary punctuation at a line start ("- 5 degrees",
/// "— he said"): they need a space after them and must not continue a
/// hard-wrapped sentence.
const AMBIGUOUS_BULLETS: &[char] = &['-', '*', '–', '—', '+'];

/// Cleans scraped text into `article`: title, body blocks, related items and
/// quality flags.
///
/// The first non-empty line is the title unless the caller gave one; repeats
/// of the title at the top of the body are dropped (`flags.duplicated_title`).
/// A "By …" line and a date line right under the title fill `authors` and
/// `published` (when not known yet) and leave the body.
/// A related-articles heading ("Similar Posts", "À lire aussi"…) ends the body:
/// what follows becomes `article.related`. Placeholder paragraphs are dropped,
/// and a body made only of placeholders leaves `text` empty with `flags.stub`.
pub(crate) fn clean_scraped_text(input: &str, article: &mut Article) {
    let mut lines = read_lines(input);
    let start = take_title(&lines, article);
    if let Some(first) = lines.get_mut(start) {
        // Whatever shared a block with the title, the body starts a new one.
        first.starts_block = true;
    }
    if article.authors.is_empty() {
        if let Some((index, authors)) = find_top_line(&lines, start, byline_names) {
            article.authors = authors;
            remove_line(&mut lines, index);
        }
    }
    if let Some((index, published)) = find_top_line(&lines, start, dateline) {
        article.published.get_or_insert(published);
        if article.dateline.is_none() {
            article.dateline = dateline_place(&lines[index].text);
        }
        remove_line(&mut lines, index);
    }

    let (body_end, related) = find_body_end(&lines, start);
    let mut body = segment(&lines[start..body_end], Mode::Body);
    mark_headings(&mut body);

    for teaser in body.iter().filter(|s| s.kind == SegmentKind::Teaser) {
        push_item(
            Draft::titled(teaser.text.to_string(), false),
            &mut article.related,
        );
    }
    if let Some(range) = related {
        itemize(segment(&lines[range], Mode::Related), &mut article.related);
    }

    article.text.reserve(input.len().min(1 << 20));
    push_body(body, article);
}

/// Takes `input` as the body exactly as given (`--body-only`): `article.text`
/// is `input` byte for byte, and `article.paragraphs` are the spans of its
/// blank-line-separated blocks, list items spanning from after their bullet.
///
/// Nothing is removed, so offsets computed elsewhere on the same text stay
/// valid; `flags.stub` and `flags.truncated` are still set when they apply.
pub(crate) fn take_body_verbatim(input: &str, article: &mut Article) {
    input.clone_into(&mut article.text);
    article.paragraphs.clear();
    let blocks = &mut article.paragraphs;

    let mut current: Option<Block> = None;
    let mut item_indent = 0;
    let mut prev_line: Option<&str> = None;
    let mut offset = 0;
    for raw in input.split_inclusive('\n') {
        let line_start = offset;
        offset += raw.len();
        let content = raw.trim_end_matches(['\n', '\r']);
        let after_indent = content.trim_start_matches(is_space_or_invisible);
        let indent = content.len() - after_indent.len();
        let line = after_indent.trim_end_matches(is_space_or_invisible);
        if line.is_empty() {
            blocks.extend(current.take());
            prev_line = None;
            continue;
        }
        let start = line_start + indent;
        let end = start + line.len();
        let prev_was_item = current.is_some_and(|b| b.kind == BlockKind::ListItem);
        if let Some(item) = list_item_text(line, prev_line, prev_was_item) {
            blocks.extend(current.take());
            // The item text is a suffix of the line, so its start is the line's
            // end minus its length.
            current = Some(Block {
                start: end - item.len(),
                end,
                kind: BlockKind::ListItem,
            });
            item_indent = indent;
        } else {
            current = match current {
                Some(block)
                    if block.kind == BlockKind::ListItem
                        && !(starts_lowercase(line) || indent > item_indent) =>
                {
                    blocks.push(block);
                    Some(Block {
                        start,
                        end,
                        kind: BlockKind::Paragraph,
                    })
                }
                Some(block) => Some(Block { end, ..block }),
                None => Some(Block {
                    start,
                    end,
                    kind: BlockKind::Paragraph,
                }),
            };
        }
        prev_line = Some(line);
    }
    blocks.extend(current.take());

    let block_texts = || {
        article
            .paragraphs
            .iter()
            .map(|b| article.text.get(b.start..b.end).unwrap_or(""))
    };
    article.flags.stub =
        is_stub(input) || (!article.paragraphs.is_empty() && block_texts().all(is_stub));
    article.flags.truncated = !article.flags.stub
        && article
            .paragraphs
            .last()
            .filter(|b| b.kind == BlockKind::Paragraph)
            .is_some_and(|b| ends_cut_off(article.block_text(b)));
}

fn is_space_or_invisible(c: char) -> bool {
    c.is_whitespace() || is_invisible(c)
}

/// One non-blank input line, cleaned.
#[derive(Debug)]
struct Line<'a> {
    /// Trimmed, whitespace runs collapsed to one space, invisible characters removed.
    text: Cow<'a, str>,
    /// Leading whitespace of the raw line, in characters: indented lines under
    /// a bullet continue it.
    indent: usize,
    /// True when a blank line (or the start of the text) comes before this line.
    starts_block: bool,
    /// Length of `text` in characters, for the hard-wrap tests.
    chars: usize,
}

/// Splits the input into cleaned non-blank lines. Page chrome ("Advertisement",
/// share buttons) and lines without a letter or digit ("* * *") are dropped and
/// act as block separators.
fn read_lines(input: &str) -> Vec<Line<'_>> {
    let mut lines = Vec::with_capacity(input.len() / 64 + 1);
    let mut blank_before = true;
    for physical in input.split('\n') {
        let physical = physical.strip_suffix('\r').unwrap_or(physical);
        for (n, paragraph_piece) in physical.split('\u{2029}').enumerate() {
            if n > 0 {
                blank_before = true;
            }
            for raw in paragraph_piece.split(['\r', '\u{2028}', '\u{0B}', '\u{0C}', '\u{85}']) {
                let indent = raw
                    .chars()
                    .take_while(|&c| is_space_or_invisible(c))
                    .count();
                let text = clean_line(raw);
                if !text.chars().any(char::is_alphanumeric) || boilerplate::is_page_chrome(&text) {
                    blank_before = true;
                    continue;
                }
                let chars = text.chars().count();
                lines.push(Line {
                    text,
                    indent,
                    starts_block: blank_before,
                    chars,
                });
                blank_before = false;
            }
        }
    }
    lines
}

/// Trims a raw line, turns every whitespace run (tabs, NBSP, thin spaces) into
/// one space and drops invisible characters. Borrows when nothing changes,
/// which is the common case.
fn clean_line(raw: &str) -> Cow<'_, str> {
    let trimmed = raw.trim_matches(is_space_or_invisible);
    let mut prev_space = false;
    let clean = trimmed.chars().all(|c| {
        let ok = if c == ' ' {
            !prev_space
        } else {
            !c.is_whitespace() && !is_invisible(c)
        };
        prev_space = c == ' ';
        ok
    });
    if clean {
        return Cow::Borrowed(trimmed);
    }
    let mut out = String::with_capacity(trimmed.len());
    let mut pending_space = false;
    for c in trimmed.chars() {
        if c.is_whitespace() {
            pending_space = true;
        } else if !is_invisible(c) {
            if pending_space && !out.is_empty() {
                out.push(' ');
            }
            pending_space = false;
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Sets the title from the first line when the caller gave none, drops repeats
/// of the title at the top, and returns the index of the first body line.
fn take_title(lines: &[Line<'_>], article: &mut Article) -> usize {
    let mut next = 0;
    if article.title.is_none() {
        if let Some(first) = lines.first().filter(|line| is_title_candidate(line)) {
            article.title = Some(first.text.clone().into_owned());
            next = 1;
        }
    }
    if let Some(title) = &article.title {
        // A repeat may come bulleted ("• Headline") when the page's markup
        // was flattened.
        let repeats = |line: &Line<'_>| {
            same_title(title, &line.text)
                || list_item_text(&line.text, None, false)
                    .is_some_and(|item| same_title(title, item))
        };
        while lines.get(next).is_some_and(repeats) {
            article.flags.duplicated_title = true;
            next += 1;
        }
    }
    next
}

fn is_title_candidate(line: &Line<'_>) -> bool {
    line.chars <= MAX_TITLE_CHARS
        && list_item_text(&line.text, None, false).is_none()
        && !is_related_heading(&line.text)
        && !boilerplate::is_footer_start(&line.text)
        && !is_stub(&line.text)
}

/// True when two titles are the same headline: compared with whitespace
/// collapsed, case folded, curly apostrophes straightened and trailing
/// punctuation ignored.
fn same_title(a: &str, b: &str) -> bool {
    title_key(a).eq(title_key(b))
}

fn title_key(title: &str) -> impl Iterator<Item = char> + '_ {
    let title = title.trim_end_matches(|c: char| {
        c.is_whitespace()
            || matches!(
                c,
                '.' | ':' | ';' | ',' | '!' | '?' | '…' | '-' | '–' | '—' | '|'
            )
    });
    title
        .split_whitespace()
        .flat_map(|word| std::iter::once(' ').chain(word.chars()))
        .skip(1)
        .filter(|&c| !is_invisible(c))
        .map(|c| {
            if matches!(c, '\u{2019}' | '\u{2018}') {
                '\''
            } else {
                c
            }
        })
        .flat_map(char::to_lowercase)
}

/// The first of the few lines under the title that stands alone in its block
/// and that `read` accepts (a byline, a date line): its index and what `read`
/// made of it.
fn find_top_line<T>(
    lines: &[Line<'_>],
    start: usize,
    read: impl Fn(&str) -> Option<T>,
) -> Option<(usize, T)> {
    let window = lines
        .get(start..)?
        .iter()
        .enumerate()
        .take(TOP_LINES_WINDOW);
    for (offset, line) in window {
        let alone = line.starts_block
            && lines
                .get(start + offset + 1)
                .is_none_or(|next| next.starts_block);
        if alone {
            if let Some(found) = read(&line.text) {
                return Some((start + offset, found));
            }
        }
    }
    None
}

/// Removes a line that stood alone in its block, keeping the block boundary.
fn remove_line(lines: &mut Vec<Line<'_>>, index: usize) {
    lines.remove(index);
    if let Some(next) = lines.get_mut(index) {
        next.starts_block = true;
    }
}

/// The publication date of a date line under the title ("February 10, 2025",
/// "Published: 10.02.2025 08:30"): short, not a sentence, and giving at least a
/// day, so that a sub-heading such as "Budget 2025" is not read as one.
fn dateline(line: &str) -> Option<Published> {
    let short = line.chars().count() <= 48 && line.split_whitespace().count() <= 8;
    if !short || !line.contains(|c: char| c.is_ascii_digit()) || line.ends_with(['.', '!', '?']) {
        return None;
    }
    crate::dates::parse_date(line, "text")
        .filter(|date| matches!(date.precision, DatePrecision::Day | DatePrecision::Time))
}

/// The place a date line opens with ("MONROVIA 1996-08-22", "WARSAW, Sept
/// 4"): one to three capitalized words before the date, and after a comma
/// the region or country that places it ("SAN JOSE, Costa Rica
/// 1996-08-28" gives "SAN JOSE, Costa Rica").
fn dateline_place(line: &str) -> Option<String> {
    // A month name is the date itself ("August 22, 1996"), and a label
    // is no place ("Published 10.02.2025").
    let not_place = |word: &str| {
        let word = word.trim_end_matches('.');
        crate::dates::month_number(&word.to_lowercase()).is_some()
            || matches!(word, "Published" | "Updated" | "Posted")
    };
    let capitalized_run = |text: &str| {
        let mut words = Vec::new();
        for word in text.split_whitespace() {
            let capitalized = word.starts_with(char::is_uppercase)
                && word
                    .chars()
                    .all(|c| c.is_alphabetic() || c == '-' || c == '.');
            if !capitalized || words.len() == 3 {
                break;
            }
            words.push(word);
        }
        while words.last().is_some_and(|w| not_place(w)) {
            words.pop();
        }
        (!words.is_empty() && !not_place(words[0])).then(|| words.join(" "))
    };
    let (head, rest) = line.split_once(',').unwrap_or((line, ""));
    let place = capitalized_run(head)?;
    // Only a place of a few words before the comma: "Sept 4" after it is
    // the date.
    if head.split_whitespace().count() > 3 {
        return Some(place);
    }
    Some(match capitalized_run(rest) {
        Some(region) => format!("{place}, {region}"),
        None => place,
    })
}

/// The names of a byline ("By Jane Doe, Harbour Times"), or `None` when the
/// line is anything else ("By Monday, talks had stalled.").
fn byline_names(line: &str) -> Option<Vec<String>> {
    const PARTICLES: &[&str] = &[
        "de", "da", "del", "der", "di", "van", "von", "la", "le", "al", "el", "bin", "ibn",
    ];
    const NOT_NAMES: &[&str] = &[
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    let rest = ["By ", "BY ", "by "]
        .iter()
        .find_map(|prefix| line.strip_prefix(prefix))?;
    if rest.chars().count() > 100 || rest.ends_with(['.', '!', '?', ':']) {
        return None;
    }
    let mut names = Vec::new();
    for part in rest
        .split([',', '&', '|', ';'])
        .flat_map(|part| part.split(" and "))
    {
        let part = part.trim();
        if part.is_empty() {
            continue;
        }
        let mut words = 0;
        for word in part.split_whitespace() {
            words += 1;
            let capitalized = word.chars().next().is_some_and(char::is_uppercase);
            if !(capitalized || PARTICLES.contains(&word)) || NOT_NAMES.contains(&word) {
                return None;
            }
        }
        if words > 5 {
            return None;
        }
        names.push(part.to_owned());
    }
    (!names.is_empty()).then_some(names)
}

/// Where the body ends, and the lines of the related block if there is one.
///
/// A related heading ends the body and starts the related block; a footer line
/// ("Leave a Reply", "© 2025 …") ends whichever of the two it falls in. A footer
/// before any body line is ignored: share bars and such sometimes sit on top.
fn find_body_end(lines: &[Line<'_>], start: usize) -> (usize, Option<std::ops::Range<usize>>) {
    let mut body_end = None;
    for (index, line) in lines.iter().enumerate().skip(start) {
        // A heading word inside a hard-wrapped sentence ("...are\nrelated\n...")
        // is not a heading.
        if !line.starts_block && starts_lowercase(&line.text) {
            continue;
        }
        if is_related_heading(&line.text) {
            let related_end = lines[index + 1..]
                .iter()
                .position(|line| boilerplate::is_footer_start(&line.text))
                .map_or(lines.len(), |n| index + 1 + n);
            return (body_end.unwrap_or(index), Some(index + 1..related_end));
        }
        if body_end.is_none() && index > start && boilerplate::is_footer_start(&line.text) {
            body_end = Some(index);
        }
    }
    (body_end.unwrap_or(lines.len()), None)
}

/// Where a run of lines is being read: body lines and related-block lines are
/// joined the same way, except that an indented line under a bullet continues
/// the item in a body but starts the teaser text in a related block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Body,
    Related,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SegmentKind {
    Block(BlockKind),
    /// A one-line teaser for another article inside the body ("Read more: …"),
    /// holding the teaser's headline.
    Teaser,
}

/// A paragraph, list item, heading or teaser built from one or more lines.
#[derive(Debug)]
struct Segment<'a> {
    text: Cow<'a, str>,
    kind: SegmentKind,
    /// Made of a single line: only such a segment can be a heading.
    single_line: bool,
}

impl<'a> Segment<'a> {
    fn new(text: &'a str, kind: SegmentKind) -> Segment<'a> {
        Segment {
            text: Cow::Borrowed(text),
            kind,
            single_line: true,
        }
    }

    /// Appends a wrapped line. A word split with a hyphen at the line end is
    /// rejoined without a space ("inter-\nnational" → "inter-national"): the
    /// hyphen stays, since it may be real ("well-\nknown").
    fn append(&mut self, line: &str) {
        let text = self.text.to_mut();
        let hyphenated = text.ends_with('-')
            && text[..text.len() - 1]
                .chars()
                .next_back()
                .is_some_and(char::is_alphabetic)
            && starts_lowercase(line);
        if !hyphenated {
            text.push(' ');
        }
        text.push_str(line);
        self.single_line = false;
    }
}

/// The width of a block's text and whether it looks hard-wrapped.
#[derive(Debug, Clone, Copy)]
struct BlockShape {
    width: usize,
    hard_wrapped: bool,
}

impl BlockShape {
    fn of(lines: &[Line<'_>]) -> BlockShape {
        let width = lines.iter().map(|line| line.chars).max().unwrap_or(0);
        // Wrapped text fills most lines to nearly the same width.
        let full_lines = lines
            .iter()
            .filter(|line| line.chars * 5 >= width * 4)
            .count();
        // It also breaks lines mid-sentence, where one short paragraph per
        // line ends nearly every line with a full stop.
        let breaks = lines.len().saturating_sub(1);
        let mid_sentence_breaks = lines[..breaks]
            .iter()
            .filter(|line| ends_mid_sentence(&line.text))
            .count();
        let hard_wrapped = lines.len() >= 2
            && (30..=MAX_WRAP_WIDTH).contains(&width)
            && full_lines >= 2
            && mid_sentence_breaks * 2 >= breaks;
        BlockShape {
            width,
            hard_wrapped,
        }
    }

    /// True when `line` reached the wrap width, so the text goes on below it.
    fn is_full(&self, line: &Line<'_>) -> bool {
        line.chars * 10 >= self.width * 7
    }
}

/// Groups lines into segments: lines of one block are joined while they look
/// like one hard-wrapped paragraph, and every bullet line starts a list item.
fn segment<'a>(lines: &'a [Line<'_>], mode: Mode) -> Vec<Segment<'a>> {
    let mut out = Vec::new();
    let mut current: Option<Segment<'a>> = None;
    let mut shape = BlockShape {
        width: 0,
        hard_wrapped: false,
    };
    let mut item_indent = 0;
    for (index, line) in lines.iter().enumerate() {
        let prev = if line.starts_block {
            None
        } else {
            index.checked_sub(1).and_then(|i| lines.get(i))
        };
        if line.starts_block {
            out.extend(current.take());
            let block_len = 1 + lines[index + 1..]
                .iter()
                .take_while(|next| !next.starts_block)
                .count();
            shape = BlockShape::of(&lines[index..index + block_len]);
        }
        if bare_url(&line.text).is_some() {
            // A lone link belongs to the teaser around it, never to a sentence.
            out.extend(current.take());
            out.push(Segment::new(
                &line.text,
                SegmentKind::Block(BlockKind::Paragraph),
            ));
            continue;
        }
        let alone = line.starts_block && lines.get(index + 1).is_none_or(|next| next.starts_block);
        if alone {
            if let Some(headline) = boilerplate::related_teaser(&line.text) {
                out.extend(current.take());
                out.push(Segment::new(headline, SegmentKind::Teaser));
                continue;
            }
        }
        let prev_was_item = current
            .as_ref()
            .is_some_and(|s| s.kind == SegmentKind::Block(BlockKind::ListItem));
        if let Some(item) = list_item_text(&line.text, prev.map(|p| &*p.text), prev_was_item) {
            out.extend(current.take());
            current = Some(Segment::new(item, SegmentKind::Block(BlockKind::ListItem)));
            item_indent = line.indent;
            continue;
        }
        let joins = match (&current, prev) {
            (Some(_), Some(prev)) if prev_was_item => {
                (mode == Mode::Body && line.indent > item_indent)
                    || continues_line(prev, line, shape)
            }
            (Some(_), Some(prev)) => continues_line(prev, line, shape),
            _ => false,
        };
        match current.as_mut() {
            Some(segment) if joins => segment.append(&line.text),
            _ => {
                out.extend(current.take());
                current = Some(Segment::new(
                    &line.text,
                    SegmentKind::Block(BlockKind::Paragraph),
                ));
            }
        }
    }
    out.extend(current);
    out
}

/// True when `line` continues the text of the line before it in the same block
/// rather than starting a new paragraph.
fn continues_line(prev: &Line<'_>, line: &Line<'_>, shape: BlockShape) -> bool {
    if starts_lowercase(&line.text) {
        return true;
    }
    // A "- " or "10. " that `list_item_text` refused as a bullet because it
    // follows a sentence broken off mid-way carries on that sentence.
    let starts_like_marker = line
        .text
        .starts_with(|c: char| AMBIGUOUS_BULLETS.contains(&c) || c.is_ascii_digit());
    if starts_like_marker && prev.chars >= 50 && ends_mid_sentence(&prev.text) {
        return true;
    }
    if shape.hard_wrapped {
        // In wrapped text a paragraph ends on a short line.
        return shape.is_full(prev);
    }
    // Unwrapped text puts one paragraph on each line; a break after a long
    // line that stops mid-sentence is a stray break inside a paragraph.
    prev.chars >= 40 && ends_mid_sentence(&prev.text) && ends_with_lowercase_word(&prev.text)
}

/// The text of a list item after its bullet or number, when `line` is one.
/// `prev` is the line before in the same block: a "- " or "10. " after a line
/// that stops mid-sentence is a hard-wrapped continuation, not a list.
fn list_item_text<'a>(line: &'a str, prev: Option<&str>, prev_was_item: bool) -> Option<&'a str> {
    let first = line.chars().next()?;
    let rest = if BULLETS.contains(&first) {
        line[first.len_utf8()..].trim_start()
    } else {
        let after_marker = if AMBIGUOUS_BULLETS.contains(&first) {
            &line[first.len_utf8()..]
        } else {
            let unparenthesized = line.strip_prefix('(').unwrap_or(line);
            let digits = unparenthesized
                .bytes()
                .take_while(u8::is_ascii_digit)
                .count();
            if !(1..=3).contains(&digits) {
                return None;
            }
            let after = &unparenthesized[digits..];
            let closer: &[char] = if unparenthesized.len() < line.len() {
                &[')']
            } else {
                &['.', ')']
            };
            after.strip_prefix(closer)?
        };
        if !after_marker.starts_with(char::is_whitespace) {
            return None;
        }
        if let Some(prev) = prev {
            if !prev_was_item && prev.chars().count() >= 50 && ends_mid_sentence(prev) {
                return None;
            }
        }
        after_marker.trim_start()
    };
    rest.chars().any(char::is_alphanumeric).then_some(rest)
}

/// Marks single-line paragraphs that read as section headings. Conservative:
/// a heading must be short, capitalized, without final punctuation, and be
/// followed by body text.
fn mark_headings(segments: &mut [Segment<'_>]) {
    for index in 0..segments.len() {
        let followed_by_text = segments.get(index + 1).is_some_and(|next| {
            matches!(
                next.kind,
                SegmentKind::Block(BlockKind::Paragraph | BlockKind::ListItem)
            )
        });
        let segment = &mut segments[index];
        if followed_by_text
            && segment.single_line
            && segment.kind == SegmentKind::Block(BlockKind::Paragraph)
            && heading_like(&segment.text)
        {
            segment.kind = SegmentKind::Block(BlockKind::Heading);
        }
    }
}

fn heading_like(text: &str) -> bool {
    let chars = text.chars().count();
    let (Some(first), Some(last)) = (text.chars().next(), text.chars().next_back()) else {
        return false;
    };
    if !(2..=80).contains(&chars) || !first.is_uppercase() || !last.is_alphanumeric() {
        return false;
    }
    // Dates and scores are datelines and results, not headings.
    if text.bytes().filter(u8::is_ascii_digit).count() >= 4 || text.contains(". ") {
        return false;
    }
    let words = text.split_whitespace().count();
    if words > 10 {
        return false;
    }
    if words <= 4 {
        return true;
    }
    let mut significant = 0;
    let mut capitalized = 0;
    for word in text.split_whitespace() {
        if word.chars().filter(|c| c.is_alphabetic()).count() >= 4 {
            significant += 1;
            if word.chars().next().is_some_and(char::is_uppercase) {
                capitalized += 1;
            }
        }
    }
    capitalized * 3 >= significant * 2
}

/// Appends the body segments to the article, dropping placeholders, and sets
/// the stub and truncated flags.
fn push_body(body: Vec<Segment<'_>>, article: &mut Article) {
    let is_content = |s: &Segment<'_>| {
        matches!(
            s.kind,
            SegmentKind::Block(BlockKind::Paragraph | BlockKind::ListItem)
        )
    };
    let mut content = body.iter().filter(|s| is_content(s));
    let filler = match content.next() {
        // The same short paragraph over and over ("Sample text." ×3) is filler
        // even though no single paragraph is. Long ones are a page scraped twice.
        Some(first) if first.text.split_whitespace().nth(15).is_none() => {
            let mut rest = content.peekable();
            rest.peek().is_some() && rest.all(|s| same_title(&s.text, &first.text))
        }
        _ => false,
    };
    let mut dropped_stub = false;
    let mut kept = Vec::with_capacity(body.len());
    for segment in body {
        if let SegmentKind::Block(kind) = segment.kind {
            if is_stub(&segment.text) {
                dropped_stub = true;
            } else {
                kept.push((segment.text, kind));
            }
        }
    }
    let has_content = kept.iter().any(|(_, kind)| *kind != BlockKind::Heading);
    if filler || (dropped_stub && !has_content) {
        article.flags.stub = true;
        return;
    }
    for (text, kind) in &kept {
        article.push_block(text, *kind);
    }
    article.flags.truncated = kept
        .last()
        .is_some_and(|(text, kind)| *kind == BlockKind::Paragraph && ends_cut_off(text));
}

/// True when a body's last paragraph stops as if cut off: an ellipsis after a
/// word, or a long paragraph that ends on a lower-case word or a comma.
fn ends_cut_off(text: &str) -> bool {
    if looks_cut_off(text) {
        return true;
    }
    let last = text.chars().next_back();
    last.is_some_and(|c| c.is_lowercase() || c == ',') && text.split_whitespace().nth(19).is_some()
}

/// A related item being assembled.
#[derive(Debug, Default)]
struct Draft {
    title: Option<String>,
    summary: Option<String>,
    url: Option<String>,
    /// The title is a sentence or more, not a headline: a bare teaser, so
    /// prose after it is another item rather than its summary.
    title_is_prose: bool,
}

impl Draft {
    /// An item headed by `title`, with a link in it taken out as the item's URL.
    fn titled(title: String, title_is_prose: bool) -> Draft {
        match split_off_url(&title) {
            Some((rest, url)) => Draft {
                title: (!rest.is_empty()).then_some(rest),
                url: Some(url),
                title_is_prose,
                ..Draft::default()
            },
            None => Draft {
                title: Some(title),
                title_is_prose,
                ..Draft::default()
            },
        }
    }
}

/// Turns the segments of a related block into items: each bullet or headline
/// starts an item, and prose under a headline is its summary.
fn itemize(segments: Vec<Segment<'_>>, items: &mut Vec<RelatedItem>) {
    let mut draft: Option<Draft> = None;
    for segment in segments {
        let text = segment.text;
        if let Some(url) = bare_url(&text) {
            match draft.as_mut() {
                Some(open) if open.url.is_none() => open.url = Some(url.to_owned()),
                _ => {
                    push_item_opt(draft.take(), items);
                    draft = Some(Draft {
                        url: Some(url.to_owned()),
                        ..Draft::default()
                    });
                }
            }
            continue;
        }
        let prose = looks_like_prose(&text);
        let is_paragraph = segment.kind == SegmentKind::Block(BlockKind::Paragraph);
        match draft.as_mut() {
            Some(open) if is_paragraph && prose && open.title.is_some() && !open.title_is_prose => {
                match &mut open.summary {
                    Some(summary) => {
                        summary.push_str("\n\n");
                        summary.push_str(&text);
                    }
                    None => open.summary = Some(text.into_owned()),
                }
            }
            // A link given before its headline.
            Some(open) if open.title.is_none() && open.summary.is_none() && !prose => {
                open.title = Some(text.into_owned());
            }
            _ => {
                push_item_opt(draft.take(), items);
                draft = Some(Draft::titled(text.into_owned(), prose));
            }
        }
    }
    push_item_opt(draft, items);
}

fn push_item_opt(draft: Option<Draft>, items: &mut Vec<RelatedItem>) {
    if let Some(draft) = draft {
        push_item(draft, items);
    }
}

/// Finishes a related item: takes a URL out of its text and flags placeholders
/// (stub text, or a teaser cut off with an ellipsis).
fn push_item(mut draft: Draft, items: &mut Vec<RelatedItem>) {
    if draft.url.is_none() {
        for field in [&mut draft.title, &mut draft.summary] {
            if let Some((text, url)) = field.as_deref().and_then(split_off_url) {
                draft.url = Some(url);
                *field = (!text.is_empty()).then_some(text);
                break;
            }
        }
    }
    let stub = draft.title.as_deref().is_some_and(is_stub)
        || draft.summary.as_deref().is_some_and(is_stub)
        || draft
            .summary
            .as_deref()
            .or(draft.title.as_deref())
            .is_some_and(looks_cut_off);
    if draft.title.is_none() && draft.summary.is_none() && draft.url.is_none() {
        return;
    }
    items.push(RelatedItem {
        title: draft.title,
        summary: draft.summary,
        url: draft.url,
        stub,
    });
}

/// `text` itself when it is a lone link.
fn bare_url(text: &str) -> Option<&str> {
    let is_url =
        (text.starts_with("http://") || text.starts_with("https://") || text.starts_with("www."))
            && !text.contains(char::is_whitespace);
    is_url.then_some(text)
}

/// Splits the first link out of `text`: the text without it (and without the
/// separator that introduced it) and the link.
fn split_off_url(text: &str) -> Option<(String, String)> {
    let start = ["https://", "http://", "www."]
        .iter()
        .filter_map(|scheme| text.find(scheme))
        .min()?;
    let len = text[start..]
        .find(|c: char| c.is_whitespace() || matches!(c, '<' | '>' | '"' | ')' | ']'))
        .unwrap_or(text.len() - start);
    let url = text[start..start + len].trim_end_matches(['.', ',', ';']);
    let separators =
        |c: char| c.is_whitespace() || matches!(c, '-' | '–' | '—' | '|' | ':' | '(' | '[' | '<');
    let before = text[..start].trim_end_matches(separators);
    let after = text[start + url.len()..]
        .trim_start_matches(|c: char| separators(c) || matches!(c, ')' | ']' | '>'));
    let rest = match (before.is_empty(), after.is_empty()) {
        (true, _) => after.to_owned(),
        (_, true) => before.to_owned(),
        _ => format!("{before} {after}"),
    };
    Some((rest, url.to_owned()))
}

/// True for sentences (a teaser's summary) as opposed to headlines: long, or
/// ending with a full stop or a closing quote after several words.
fn looks_like_prose(text: &str) -> bool {
    let words = text.split_whitespace().count();
    let ends_like_sentence = text.ends_with(['.', '…', '"', '”', '»']);
    words >= 20 || (ends_like_sentence && words >= 6)
}

fn starts_lowercase(text: &str) -> bool {
    text.chars().next().is_some_and(char::is_lowercase)
}

/// True when `text` stops where a sentence cannot end: on a letter, digit,
/// comma or hyphen.
fn ends_mid_sentence(text: &str) -> bool {
    text.chars()
        .next_back()
        .is_some_and(|c| c.is_alphanumeric() || matches!(c, ',' | ';' | '-' | '–' | '('))
}

fn ends_with_lowercase_word(text: &str) -> bool {
    text.split_whitespace()
        .next_back()
        .is_some_and(starts_lowercase)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn clean(input: &str) -> Article {
        let mut article = Article::default();
        clean_scraped_text(input, &mut article);
        article
    }

    fn blocks(article: &Article) -> Vec<(BlockKind, &str)> {
        article
            .paragraphs
            .iter()
            .map(|b| (b.kind, article.block_text(b)))
            .collect()
    }

    #[test]
    fn a_dateline_keeps_the_region_after_its_comma_but_not_the_date() {
        assert_eq!(
            dateline_place("MONROVIA 1996-08-22").as_deref(),
            Some("MONROVIA")
        );
        assert_eq!(dateline_place("WARSAW, Sept 4").as_deref(), Some("WARSAW"));
        assert_eq!(
            dateline_place("PORT LOUIS, Mauritius 1997-03-01").as_deref(),
            Some("PORT LOUIS, Mauritius")
        );
        assert_eq!(dateline_place("August 22, 1996"), None);
    }

    #[test]
    fn repeated_title_is_kept_once() {
        let article = clean("Talks in Oslo\n\nTalks in Oslo.\n\nMinisters met on Monday.\n");
        assert_eq!(article.title.as_deref(), Some("Talks in Oslo"));
        assert!(article.flags.duplicated_title);
        assert_eq!(article.text, "Ministers met on Monday.");
    }

    #[test]
    fn a_given_title_repeated_on_the_first_line_is_removed() {
        let mut article = Article {
            title: Some("Port strike ends".into()),
            ..Article::default()
        };
        clean_scraped_text(
            "PORT  STRIKE ENDS\nDockers returned to work.\n",
            &mut article,
        );
        assert_eq!(article.title.as_deref(), Some("Port strike ends"));
        assert!(article.flags.duplicated_title);
        assert_eq!(article.text, "Dockers returned to work.");
    }

    #[test]
    fn a_given_title_leaves_a_different_first_line_in_the_body() {
        let mut article = Article {
            title: Some("Port strike ends".into()),
            ..Article::default()
        };
        clean_scraped_text("Dockers returned to work.\n", &mut article);
        assert!(!article.flags.duplicated_title);
        assert_eq!(article.text, "Dockers returned to work.");
    }

    #[test]
    fn bullets_become_list_items_and_the_intro_stays_a_paragraph() {
        let article = clean(
            "Title\n\nKey points of the deal include:\n\n  • Fishing: quotas rise.\n  - Ports: fees fall.\n  1. Visas: eased.\n2) Trade: doubled.\n",
        );
        assert_eq!(
            blocks(&article),
            [
                (BlockKind::Paragraph, "Key points of the deal include:"),
                (BlockKind::ListItem, "Fishing: quotas rise."),
                (BlockKind::ListItem, "Ports: fees fall."),
                (BlockKind::ListItem, "Visas: eased."),
                (BlockKind::ListItem, "Trade: doubled."),
            ]
        );
    }

    #[test]
    fn hard_wrapped_lines_are_joined() {
        let article = clean(
            "Title\n\nThe ministers met in Oslo on Monday to discuss the fishing\nquotas that inter-\nnational fleets have disputed for years, and they\nagreed to meet again.\n",
        );
        assert_eq!(
            article.text,
            "The ministers met in Oslo on Monday to discuss the fishing quotas that inter-national fleets have disputed for years, and they agreed to meet again."
        );
    }

    #[test]
    fn one_paragraph_per_line_is_kept_apart() {
        let long_a = "The ministers met in Oslo on Monday to discuss the fishing quotas that fleets have disputed for years.";
        let long_b = "They agreed to meet again in March, when a working group will present its findings to both cabinets.";
        let article = clean(&format!("Title\n{long_a}\n{long_b}\n"));
        assert_eq!(
            blocks(&article),
            [
                (BlockKind::Paragraph, long_a),
                (BlockKind::Paragraph, long_b)
            ]
        );
    }

    #[test]
    fn short_paragraphs_one_per_line_are_not_mistaken_for_wrapped_text() {
        let lines = [
            "The ministers met in Oslo on Monday to discuss the fishing quotas.",
            "Both sides said the talks had been useful and would continue soon.",
            "A working group will report to the two cabinets early next year.",
        ];
        let article = clean(&format!("Title\n{}\n", lines.join("\n")));
        let texts: Vec<_> = blocks(&article).into_iter().map(|(_, text)| text).collect();
        assert_eq!(texts, lines);
    }

    #[test]
    fn related_block_is_cut_into_items() {
        let article = clean(
            "Title\n\nBody text here.\n\nSimilar Posts\n\n• Coming soon\n\n• Port Strike Ends After Nine Days\n\nDockers in Bergen returned to work on Monday after a deal on wages.\n\n• Fleet Returns Home\n",
        );
        assert_eq!(article.text, "Body text here.");
        assert_eq!(article.related.len(), 3);
        assert!(article.related[0].stub);
        assert_eq!(
            article.related[1].title.as_deref(),
            Some("Port Strike Ends After Nine Days")
        );
        assert_eq!(
            article.related[1].summary.as_deref(),
            Some("Dockers in Bergen returned to work on Monday after a deal on wages.")
        );
        assert!(!article.related[1].stub);
        assert_eq!(article.related[2].summary, None);
    }

    #[test]
    fn related_links_are_taken_out_of_the_text() {
        let article = clean(
            "Title\n\nBody text here.\n\nRead more:\nPort strike ends - https://example.invalid/strike\nhttps://example.invalid/fleet\n",
        );
        let urls: Vec<_> = article.related.iter().map(|r| r.url.as_deref()).collect();
        assert_eq!(
            urls,
            [
                Some("https://example.invalid/strike"),
                Some("https://example.invalid/fleet")
            ]
        );
        assert_eq!(
            article.related[0].title.as_deref(),
            Some("Port strike ends")
        );
    }

    #[test]
    fn inline_teasers_move_to_related_and_the_body_goes_on() {
        let article = clean("Title\n\nFirst paragraph.\n\nRead more: Port strike ends in Bergen\n\nSecond paragraph.\n");
        assert_eq!(article.text, "First paragraph.\n\nSecond paragraph.");
        assert_eq!(
            article.related[0].title.as_deref(),
            Some("Port strike ends in Bergen")
        );
    }

    #[test]
    fn stub_pages_have_no_body() {
        let article = clean("Some headline\n\nThis article will be expanded soon.\n\nThis article will be expanded soon.\n");
        assert!(article.flags.stub);
        assert_eq!(article.text, "");
        assert!(article.paragraphs.is_empty());
        assert_eq!(article.title.as_deref(), Some("Some headline"));

        let filler = clean("Some headline\n\nSample paragraph text.\n\nSample paragraph text.\n\nSample paragraph text.\n");
        assert!(filler.flags.stub);
    }

    #[test]
    fn stub_paragraphs_inside_a_real_body_are_dropped() {
        let article =
            clean("Title\n\nMinisters met.\n\nThis post will be expanded soon.\n\nThey agreed.\n");
        assert!(!article.flags.stub);
        assert_eq!(article.text, "Ministers met.\n\nThey agreed.");
    }

    #[test]
    fn truncated_bodies_are_flagged() {
        assert!(
            clean("Title\n\nMinisters met in Oslo and said that…\n")
                .flags
                .truncated
        );
        assert!(!clean("Title\n\nMinisters met in Oslo.\n").flags.truncated);
        // A short caption without a full stop is not a cut.
        assert!(
            !clean("Title\n\nMinisters met in Oslo.\n\nphoto by staff\n")
                .flags
                .truncated
        );
    }

    #[test]
    fn headings_are_conservative() {
        let article = clean(
            "Title\n\nIntro paragraph here.\n\nWhat Comes Next\n\nMore text follows.\n\nThe End\n",
        );
        assert_eq!(
            blocks(&article),
            [
                (BlockKind::Paragraph, "Intro paragraph here."),
                (BlockKind::Heading, "What Comes Next"),
                (BlockKind::Paragraph, "More text follows."),
                (BlockKind::Paragraph, "The End"),
            ]
        );
    }

    #[test]
    fn bylines_become_authors() {
        let article = clean("Title\n\nBy Ana Silva and Tomas Reyes\n\nMinisters met.\n");
        assert_eq!(article.authors, ["Ana Silva", "Tomas Reyes"]);
        assert_eq!(article.text, "Ministers met.");
        let not_a_byline = clean("Title\n\nBy Monday, talks had stalled.\n");
        assert!(not_a_byline.authors.is_empty());
        assert_eq!(not_a_byline.text, "By Monday, talks had stalled.");
    }

    #[test]
    fn a_date_line_under_the_title_becomes_the_publication_date() {
        let article = clean("Title\n\nFebruary 10, 2025\n\nMinisters met.\n");
        assert_eq!(
            article.published.map(|p| p.value).as_deref(),
            Some("2025-02-10")
        );
        assert_eq!(article.text, "Ministers met.");
        let sub_heading = clean("Title\n\nBudget 2025\n\nMinisters met.\n");
        assert_eq!(sub_heading.published, None);
        assert_eq!(sub_heading.paragraphs.len(), 2);
    }

    #[test]
    fn odd_whitespace_and_invisible_characters_are_normalized() {
        let article = clean("Title\r\n\r\nMinisters\u{a0}met\u{200b} on\tMonday.  \r\n\u{feff}\r\nThey\u{2009}agreed.\r");
        assert_eq!(article.text, "Ministers met on Monday.\n\nThey agreed.");
    }

    #[test]
    fn degenerate_inputs_do_not_panic() {
        for input in [
            "",
            "\n\n\n",
            "•",
            "• \n- \n1.",
            "Similar Posts",
            "\u{fffd}\u{fffd}",
            "Title",
            "—\n*\n***",
            "(1)",
            "-",
        ] {
            let article = clean(input);
            check_spans(&article);
        }
        assert_eq!(clean("Title").title.as_deref(), Some("Title"));
        assert!(clean("Similar Posts").title.is_none());
    }

    #[test]
    fn a_page_of_bullets_has_no_title() {
        let article = clean("• Fishing quotas rise\n• Port fees fall\n");
        assert_eq!(article.title, None);
        assert_eq!(
            blocks(&article),
            [
                (BlockKind::ListItem, "Fishing quotas rise"),
                (BlockKind::ListItem, "Port fees fall")
            ]
        );
    }

    #[test]
    fn a_hyphen_at_a_line_start_after_a_wrapped_sentence_is_not_a_bullet() {
        let article = clean(
            "Title\n\nThe ministers said the agreement would be signed in Oslo\n- probably in March - and ratified later.\n",
        );
        assert_eq!(article.paragraphs.len(), 1);
        assert_eq!(article.paragraphs[0].kind, BlockKind::Paragraph);
    }

    #[test]
    fn large_inputs_are_handled_in_linear_time() {
        let page = "Title\n\nMinisters met in Oslo on Monday to talk about fishing quotas.\n\n• A point\n\n";
        let many_blocks = page.repeat(5_000);
        let one_block =
            "Ministers met in Oslo on Monday to talk about fishing quotas\n".repeat(5_000);
        let one_line =
            "Ministers met in Oslo on Monday to talk about fishing quotas. ".repeat(5_000);
        for input in [many_blocks, one_block, one_line] {
            let started = std::time::Instant::now();
            let article = clean(&input);
            check_spans(&article);
            // Generous even for unoptimized builds on a busy machine; a
            // quadratic step would take minutes.
            assert!(started.elapsed() < std::time::Duration::from_secs(20));
        }
    }

    #[test]
    fn verbatim_body_keeps_the_text_and_finds_blocks() {
        let input = "  First para\nwraps here.\n\n\u{2022} item one\n  - item two\n\nLast.  \n";
        let mut article = Article::default();
        take_body_verbatim(input, &mut article);
        assert_eq!(article.text, input);
        assert_eq!(
            blocks(&article),
            [
                (BlockKind::Paragraph, "First para\nwraps here."),
                (BlockKind::ListItem, "item one"),
                (BlockKind::ListItem, "item two"),
                (BlockKind::Paragraph, "Last."),
            ]
        );
        assert!(article.title.is_none());
        assert!(!article.flags.stub);
    }

    #[test]
    fn verbatim_placeholder_is_flagged_but_kept() {
        let input = "Coming soon\n\nComing soon\n";
        let mut article = Article::default();
        take_body_verbatim(input, &mut article);
        assert_eq!(article.text, input);
        assert!(article.flags.stub);
    }

    fn check_spans(article: &Article) {
        let mut last_end = 0;
        for block in &article.paragraphs {
            assert!(block.start < block.end, "empty block {block:?}");
            assert!(block.start >= last_end, "overlapping block {block:?}");
            assert!(block.end <= article.text.len());
            assert!(article.text.is_char_boundary(block.start));
            assert!(article.text.is_char_boundary(block.end));
            last_end = block.end;
        }
    }

    /// Text made of the pieces that steer the cleaner, so that random inputs
    /// reach the interesting branches rather than only "one long line".
    fn scraped_text() -> impl Strategy<Value = String> {
        let piece = prop_oneof![
            Just("\n".to_owned()),
            Just("\n\n".to_owned()),
            Just("\r\n".to_owned()),
            Just("  • ".to_owned()),
            Just("- ".to_owned()),
            Just("1. ".to_owned()),
            Just("Similar Posts".to_owned()),
            Just("Read more: ".to_owned()),
            Just("This article will be expanded soon. ".to_owned()),
            Just("…".to_owned()),
            Just("\u{a0}\u{200b}\u{2029}\u{fffd}".to_owned()),
            Just("https://example.invalid/x ".to_owned()),
            Just("By Ana Silva".to_owned()),
            Just("inter-".to_owned()),
            "[A-Za-zéø ,.:;\"”-]{0,40}",
            any::<String>(),
        ];
        proptest::collection::vec(piece, 0..40).prop_map(|pieces| pieces.concat())
    }

    proptest! {
        #[test]
        fn cleaning_never_panics_and_spans_are_sound(input in scraped_text()) {
            let article = clean(&input);
            check_spans(&article);
            if let Some(title) = &article.title {
                prop_assert!(!title.is_empty());
            }
            if article.flags.stub {
                prop_assert!(article.text.is_empty());
            }
        }

        #[test]
        fn cleaning_arbitrary_strings_never_panics(input in any::<String>()) {
            check_spans(&clean(&input));
        }

        #[test]
        fn verbatim_keeps_the_text(input in scraped_text()) {
            let mut article = Article::default();
            take_body_verbatim(&input, &mut article);
            prop_assert_eq!(&article.text, &input);
            check_spans(&article);
        }
    }
}
