//! Who said what: direct, partial and indirect quotes with their cues and
//! speakers, resolved to the document's entities.
//!
//! Quoted spans come from pairing quotation marks (`marks.rs`); a reporting
//! verb or phrase (`cues.rs`) next to a quote, or heading a clause of reported
//! speech, makes an attribution; its speaker is the noun phrase the cue hangs
//! on ("Baghaei", "he", "the spokeswoman", "a source"), resolved to an entity
//! by mention overlap, pronoun recency, role or organization noun.

pub(crate) mod cues;
mod marks;

use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::HashMap;
use std::ops::Range;

use chancery_model::{Cue, Entity, EntityKind, Quote, QuoteKind, Span, TextField};

use crate::doc::Doc;
use crate::kb::KnowledgeBase;
use cues::{
    is_cue, is_participle, is_strong, ALSO_NOUNS, BETWEEN, DETERMINERS, PEOPLE, PRONOUNS,
    TAKES_LISTENER,
};
use marks::{find_quoted, Quoted};

/// Words that end a speaker phrase after the cue ("said Friday", "said in a
/// statement"): prepositions and times.
const NOT_SPEAKERS: &[&str] = &[
    "in",
    "on",
    "at",
    "to",
    "for",
    "with",
    "by",
    "from",
    "during",
    "after",
    "before",
    "of",
    "that",
    "and",
    "but",
    "as",
    "about",
    "while",
    "when",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "today",
    "yesterday",
    "tonight",
    "morning",
    "afternoon",
    "evening",
    "night",
    "last",
    "this",
    "earlier",
    "later",
    "recently",
    "then",
    "again",
    "also",
    "told",
    "is",
    "was",
    "will",
    "would",
    "had",
    "has",
    "have",
];

/// Words that open a circumstance after a trailing cue ("said Friday", "said
/// in a statement", "said after the vote").
const CIRCUMSTANCES: &[&str] = &[
    "in",
    "at",
    "on",
    "during",
    "after",
    "before",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "today",
    "yesterday",
    "tonight",
    "last",
    "earlier",
    "later",
    "recently",
    "late",
    "early",
];

/// Finds the quotes of a document's body.
pub(crate) struct QuoteFinder<'d, 'a> {
    doc: &'d Doc<'a>,
    entities: &'d [Entity],
    kb: &'d KnowledgeBase,
    /// Entity mentions in the body as (start, end, entity index), by start.
    mentions: Vec<(usize, usize, usize)>,
    /// Mention end byte → the earliest start of a mention ending there.
    start_by_end: HashMap<usize, usize>,
    /// Mention start byte → the latest end and entity of a mention starting there.
    end_by_start: HashMap<usize, (usize, usize)>,
    /// Indices into `mentions` of people, in order: a pronoun's speaker is
    /// looked up here by bisection rather than by a scan of every earlier
    /// mention (which made long documents quadratic).
    people: Vec<usize>,
    /// A lower-case word of an organization's name → indices into
    /// `mentions` of that organization's mentions, in order.
    organizations_by_word: HashMap<String, Vec<usize>>,
    /// A KB title → indices into `mentions` of entities holding a role
    /// whose title ends with it, in order; filled once per title asked.
    holders_by_title: RefCell<HashMap<String, Vec<usize>>>,
}

impl Frame {
    /// An attribution with its own cue and speaker.
    fn new(
        content: Range<usize>,
        kind: QuoteKind,
        cue: Option<Range<usize>>,
        speaker: Option<Range<usize>>,
    ) -> Frame {
        Frame {
            content,
            kind,
            cue,
            speaker,
            inherited: None,
            resumes: false,
            resumed_end: None,
        }
    }
}

/// The last attributed quote: its speaker entity, speaker span and end byte,
/// for a paragraph that continues it.
type PreviousQuote = (Option<usize>, Option<Range<usize>>, usize);

/// An attribution under construction, in body token indices.
struct Frame {
    content: Range<usize>,
    kind: QuoteKind,
    cue: Option<Range<usize>>,
    speaker: Option<Range<usize>>,
    /// The entity of a continuation, inherited from the previous quote.
    inherited: Option<(Option<usize>, Option<Range<usize>>)>,
    /// This quote resumes the previous one after its attribution
    /// (“…,” she said. “…”): the two are one quote.
    resumes: bool,
    /// The content end of the last part of a quote that resumed.
    resumed_end: Option<usize>,
}

impl<'d, 'a> QuoteFinder<'d, 'a> {
    pub fn new(doc: &'d Doc<'a>, entities: &'d [Entity], kb: &'d KnowledgeBase) -> Self {
        let mut mentions: Vec<(usize, usize, usize)> = entities
            .iter()
            .enumerate()
            .flat_map(|(i, e)| {
                e.mentions
                    .iter()
                    .filter(|m| m.span.field == TextField::Text)
                    .map(move |m| (m.span.start, m.span.end, i))
            })
            .collect();
        mentions.sort_unstable();
        let mut start_by_end: HashMap<usize, usize> = HashMap::new();
        let mut end_by_start: HashMap<usize, (usize, usize)> = HashMap::new();
        for &(start, end, entity) in &mentions {
            let earliest = start_by_end.entry(end).or_insert(start);
            *earliest = (*earliest).min(start);
            let latest = end_by_start.entry(start).or_insert((end, entity));
            if end > latest.0 {
                *latest = (end, entity);
            }
        }
        let mut people = Vec::new();
        let mut organizations_by_word: HashMap<String, Vec<usize>> = HashMap::new();
        for (k, &(_, _, entity)) in mentions.iter().enumerate() {
            let entity = &entities[entity];
            match entity.kind {
                EntityKind::Person => people.push(k),
                EntityKind::Organization => {
                    let name = entity.name.to_lowercase();
                    let mut words: Vec<&str> = name.split(' ').collect();
                    words.sort_unstable();
                    words.dedup();
                    for word in words {
                        organizations_by_word
                            .entry(word.to_string())
                            .or_default()
                            .push(k);
                    }
                }
                _ => {}
            }
        }
        QuoteFinder {
            doc,
            entities,
            kb,
            mentions,
            start_by_end,
            end_by_start,
            people,
            organizations_by_word,
            holders_by_title: RefCell::new(HashMap::new()),
        }
    }

    /// The latest of `candidates` (indices into `mentions`, in order) among
    /// the first `limit` mentions that ends by `before` and passes `ok`.
    fn latest(
        &self,
        candidates: &[usize],
        limit: usize,
        before: usize,
        ok: impl Fn(&(usize, usize, usize)) -> bool,
    ) -> Option<usize> {
        let below = candidates.partition_point(|&k| k < limit);
        candidates[..below]
            .iter()
            .rev()
            .map(|&k| &self.mentions[k])
            .find(|m| m.1 <= before && ok(m))
            .map(|m| m.2)
    }

    fn word(&self, i: usize) -> &'a str {
        self.doc.words[i]
    }

    fn lower(&self, i: usize) -> Cow<'a, str> {
        self.doc.lower(i)
    }

    /// The first body token at or after byte `offset`.
    fn token_at(&self, offset: usize) -> usize {
        let body = &self.doc.tokens[self.doc.body_start..];
        self.doc.body_start + body.partition_point(|t| t.start < offset)
    }

    pub fn find(&self) -> Vec<Quote> {
        let text = self.doc.text;
        let body = self.doc.body_start..self.doc.words.len();
        if body.is_empty() {
            return Vec::new();
        }
        let quoted: Vec<Quoted> = find_quoted(text);
        // Token ranges of quotes (marks included), and which tokens they cover.
        let mut inside = vec![false; self.doc.words.len()];
        let quote_tokens: Vec<Range<usize>> = quoted
            .iter()
            .map(|q| {
                let range = self.token_at(q.open)..self.token_at(q.close);
                for flag in &mut inside[range.clone()] {
                    *flag = true;
                }
                range
            })
            .collect();
        let mut used_cues = vec![false; self.doc.words.len()];
        let mut frames: Vec<Frame> = Vec::new();
        let mut previous: Option<PreviousQuote> = None;
        for (q, tokens) in quoted.iter().zip(&quote_tokens) {
            if tokens.is_empty() {
                continue;
            }
            let frame = self.frame_for_quote(q, tokens.clone(), &inside, &previous);
            if let Some(frame) = frame.as_ref().filter(|f| f.resumes) {
                if let Some(last) = frames.last_mut().filter(|l| l.kind == QuoteKind::Direct) {
                    last.resumed_end = Some(q.end);
                    if let Some(p) = previous.as_mut() {
                        p.2 = q.close;
                    }
                    let _ = frame;
                    continue;
                }
            }
            if let Some(frame) = frame {
                if let Some(cue) = &frame.cue {
                    for flag in &mut used_cues[cue.clone()] {
                        *flag = true;
                    }
                }
                let speaker_entity = match (&frame.inherited, &frame.speaker) {
                    (Some((entity, _)), _) => *entity,
                    (None, Some(span)) => self.resolve(span.clone(), &frame.cue, &quoted),
                    (None, None) => None,
                };
                let speaker_span = frame
                    .speaker
                    .clone()
                    .or_else(|| frame.inherited.as_ref().and_then(|i| i.1.clone()));
                previous = Some((speaker_entity, speaker_span, q.close));
                frames.push(frame);
            }
        }
        // Sentences that hold a quote's attribution already.
        let sentences = &self.doc.sentences[self.doc.body_sentence_start..];
        let mut framed = vec![false; sentences.len()];
        for frame in &frames {
            let k = sentences.partition_point(|s| s.end <= frame.content.start);
            if sentences.get(k).is_some_and(|s| frame.content.end <= s.end) {
                framed[k] = true;
            }
        }
        for (sentence, framed) in sentences.iter().zip(framed) {
            self.indirect_frames(
                sentence.clone(),
                framed,
                &inside,
                &mut used_cues,
                &mut frames,
            );
        }
        frames.sort_by_key(|f| f.content.start);
        frames
            .into_iter()
            .filter_map(|frame| self.render(frame, &quoted))
            .collect()
    }

    /// The attribution of one quoted span, if a cue or a previous speaker
    /// claims it.
    fn frame_for_quote(
        &self,
        q: &Quoted,
        tokens: Range<usize>,
        inside: &[bool],
        previous: &Option<PreviousQuote>,
    ) -> Option<Frame> {
        let content = tokens.clone();
        let words_inside = content.len().saturating_sub(2);
        // A cue right before the quote ("Eze said, “…”") wins; otherwise one
        // after it ("“…,” he said"), which may also be a short sentence of
        // its own ("“….” Baghaei said."), but not a long one that only
        // mentions a speaker-like subject.
        let before = self.frame_before(q, tokens.clone(), inside);
        let adjacent = before.as_ref().is_some_and(|f| {
            f.cue
                .as_ref()
                .is_some_and(|cue| tokens.start - cue.end <= 2)
        });
        if adjacent {
            return before;
        }
        if let Some(frame) = self.frame_after(q, tokens.clone(), inside) {
            return Some(frame);
        }
        if before.is_some() {
            return before;
        }
        // A quote that opens a paragraph right after another attributed one
        // continues its speaker.
        if let Some((entity, span, end)) = previous {
            let between = &self.doc.text[*end..q.open];
            let paragraphs = between.matches("\n\n").count();
            let opens_paragraph = self.doc.text[..q.open].ends_with('\n');
            let paragraph_end = self.doc.text[q.close..]
                .find('\n')
                .map_or(self.doc.text.len(), |k| q.close + k);
            let rest = self.doc.text[q.close..paragraph_end].trim();
            // The quote is (nearly) the whole paragraph.
            let fills_paragraph = rest.len() <= 3;
            // “…,” she said. “…”: the next quote of the same paragraph.
            let same_paragraph = !between.contains('\n') && between.len() < 80;
            if (opens_paragraph && fills_paragraph && paragraphs <= 1 || same_paragraph)
                && words_inside >= 4
                && between.len() < 600
            {
                return Some(Frame {
                    content,
                    kind: QuoteKind::Direct,
                    cue: None,
                    speaker: None,
                    inherited: Some((*entity, span.clone())),
                    resumes: same_paragraph && !(opens_paragraph && fills_paragraph),
                    resumed_end: None,
                });
            }
        }
        None
    }

    /// An attribution after the quote: “…,” he said / “…,” said Baghaei.
    fn frame_after(&self, q: &Quoted, tokens: Range<usize>, inside: &[bool]) -> Option<Frame> {
        let content = tokens.clone();
        let closes_sentence = self.doc.text[..q.end].ends_with(['.', '?', '!']);
        // After the quote: “…,” he said / “…,” said Baghaei / “…,” Baghaei said.
        let mut after = tokens.end;
        let after_limit = self.doc.words.len().min(tokens.end + 24);
        if after < after_limit && matches!(self.word(after), "," | "\u{2014}" | "-") {
            after += 1;
        }
        let mut depth = 0usize;
        for (c, &quoted) in inside.iter().enumerate().take(after_limit).skip(after) {
            match self.word(c) {
                "(" => depth += 1,
                ")" => depth = depth.saturating_sub(1),
                _ => {}
            }
            let new_line =
                self.doc.text[self.doc.tokens[c - 1].end..self.doc.tokens[c].start].contains('\n');
            if quoted || new_line || (depth == 0 && self.ends_sentence(c)) {
                break;
            }
            // "“…” — Adriana Rodarte": a dash and a name.
            if c == tokens.end
                && matches!(self.word(c), "\u{2014}" | "\u{2015}" | "\u{2013}" | "--")
            {
                if let Some(speaker) = self.noun_phrase_after(c + 1, after_limit + 6) {
                    if self.animate(&speaker) {
                        return Some(Frame::new(
                            content,
                            QuoteKind::Direct,
                            Some(c..c + 1),
                            Some(speaker),
                        ));
                    }
                }
            }
            // After a quote that ended its sentence, the attribution must be a
            // short sentence of its own ("Baghaei said.").
            let short_enough = !closes_sentence
                || (c..self.doc.words.len().min(c + 10)).any(|k| self.ends_sentence(k));
            if short_enough && self.is_cue_at(c) {
                let speaker = self
                    .noun_phrase_before(c, after)
                    .or_else(|| self.noun_phrase_after(c + 1, after_limit.max(c + 1) + 6))
                    .filter(|s| self.attributes(c, s));
                if speaker.is_some() {
                    return Some(Frame::new(
                        content,
                        self.kind_of(q, &tokens),
                        Some(c..c + 1),
                        speaker,
                    ));
                }
            }
        }
        None
    }

    /// An attribution before the quote: X said, “…” / X said: “…” / …, stating, “…”.
    fn frame_before(&self, q: &Quoted, tokens: Range<usize>, inside: &[bool]) -> Option<Frame> {
        let content = tokens.clone();
        let first_sentence = self.doc.sentence_of(tokens.start);
        // Before the quote: X said, “…” / X said: “…” / …, stating, “…”.
        let mut c = tokens.start;
        let floor = first_sentence.start;
        while c > floor {
            c -= 1;
            if inside[c] {
                break;
            }
            let lower = self.lower(c);
            // "Loretta Lynch: “…”": a name and a colon.
            if c + 1 == tokens.start && lower == ":" {
                let speaker = self
                    .noun_phrase_before(c, floor)
                    .filter(|s| s.start == floor)
                    .or_else(|| self.sentence_subject(floor, c));
                if let Some(speaker) = speaker {
                    if self.animate(&speaker) {
                        return Some(Frame::new(
                            content,
                            QuoteKind::Direct,
                            Some(c..c + 1),
                            Some(speaker),
                        ));
                    }
                }
            }
            if self.is_cue_at(c) {
                let speaker = if is_participle(&lower) && c > floor && self.word(c - 1) == "," {
                    self.sentence_subject(floor, c)
                } else {
                    self.noun_phrase_before(c, floor)
                        .or_else(|| self.noun_phrase_after(c + 1, tokens.start))
                }
                .filter(|s| self.attributes(c, s));
                if speaker.is_some() {
                    return Some(Frame::new(
                        content,
                        self.kind_of(q, &tokens),
                        Some(c..c + 1),
                        speaker,
                    ));
                }
            }
            if tokens.start - c > 25 {
                break;
            }
        }
        None
    }

    /// True when token `i` is a reporting cue here: a lower-case verb form,
    /// not a noun after a determiner ("the report"), not a passive ("is
    /// expected to").
    fn is_cue_at(&self, i: usize) -> bool {
        let word = self.word(i);
        if !word.starts_with(|c: char| c.is_ascii_lowercase()) || !is_cue(word) {
            return false;
        }
        let previous = i.checked_sub(1).map(|p| self.lower(p));
        let previous = previous.as_deref().unwrap_or("");
        // "the report", "her comments", "the final say": a noun after a
        // determiner, with at most one word between.
        let before_previous = i.checked_sub(2).map(|p| self.lower(p));
        let before_previous = before_previous.as_deref().unwrap_or("");
        let after_determiner = DETERMINERS.contains(&previous)
            || matches!(previous, "'s" | "\u{2019}s")
            || (DETERMINERS.contains(&before_previous)
                && self.word(i - 1).chars().all(|c| c.is_ascii_lowercase())
                && !is_cue(previous));
        if ALSO_NOUNS.contains(&word) && after_determiner {
            return false;
        }
        !matches!(
            previous,
            "is" | "are" | "was" | "were" | "be" | "been" | "being"
        )
    }

    /// True when the speaker phrase can speak: a person or organization, a
    /// pronoun, a title or a word for people.
    fn animate(&self, speaker: &Range<usize>) -> bool {
        let start = self.doc.tokens[speaker.start].start;
        let end = self.doc.tokens[speaker.end - 1].end;
        let first = self.mentions.partition_point(|m| m.0 < start);
        let mentioned = self.mentions[first..]
            .iter()
            .take_while(|m| m.0 < end)
            .any(|m| {
                matches!(
                    self.entities[m.2].kind,
                    EntityKind::Person | EntityKind::Organization
                )
            });
        let head = self.lower(speaker.end - 1);
        mentioned
            || matches!(head.as_ref(), "he" | "she" | "they" | "we" | "i")
            || PEOPLE.contains(&head.as_ref())
            || self.kb.title(&head).is_some()
    }

    /// A cue and speaker make an attribution when the cue is strong or the
    /// speaker animate.
    fn attributes(&self, cue: usize, speaker: &Range<usize>) -> bool {
        is_strong(&self.lower(cue)) || self.animate(speaker)
    }

    /// A stop that ends the sentence: not the period of "(D-Wis.)" or "R-Ky.,".
    fn ends_sentence(&self, i: usize) -> bool {
        match self.word(i) {
            "!" | "?" | ";" => true,
            "." => self.doc.words.get(i + 1).is_none_or(|next| {
                !matches!(*next, "," | ")") && !next.starts_with(char::is_lowercase)
            }),
            _ => false,
        }
    }

    /// Direct when the quote is a clause of its own; partial when it sits
    /// inside a sentence's words ("called the deal ‘historic’").
    fn kind_of(&self, q: &Quoted, tokens: &Range<usize>) -> QuoteKind {
        let sentence = self.doc.sentence_of(tokens.start);
        let before = tokens.start.checked_sub(1).filter(|&b| b >= sentence.start);
        let opens_clause = before.is_none_or(|b| {
            matches!(self.word(b), "," | ":" | ";" | "\u{2014}" | "-" | "(") || self.is_cue_at(b)
        });
        let words = tokens.len().saturating_sub(2);
        if q.single || words < 4 || !opens_clause {
            QuoteKind::Partial
        } else {
            QuoteKind::Direct
        }
    }

    /// The noun phrase ending right before `cue` (after skipping "has also"),
    /// not reaching below `floor`.
    fn noun_phrase_before(&self, cue: usize, floor: usize) -> Option<Range<usize>> {
        let mut end = cue;
        while end > floor && BETWEEN.contains(&self.lower(end - 1).as_ref()) {
            end -= 1;
        }
        // "Gwen Moore (D-Wis.) said": step over a parenthesis.
        if end > floor && self.word(end - 1) == ")" {
            if let Some(open) = (end.saturating_sub(12).max(floor)..end - 1)
                .rev()
                .find(|&k| self.word(k) == "(")
            {
                end = open;
            }
        }
        // "McConnell, R-Ky., said" / "Flynn, a top surrogate, said": step over an appositive.
        // Up to two in a row: "Scott Pruitt, the attorney general of Oklahoma,
        // one of the states suing, said".
        for _ in 0..2 {
            if end > floor && self.word(end - 1) == "," {
                let comma = (end.saturating_sub(18).max(floor)..end - 1)
                    .rev()
                    .find(|&k| self.word(k) == ",");
                match comma {
                    // "Her spokesman, Tomas Reyes, told": the name between the commas.
                    Some(k)
                        if self.start_by_end.get(&self.doc.tokens[end - 2].end)
                            == Some(&self.doc.tokens[k + 1].start) =>
                    {
                        return Some(k + 1..end - 1);
                    }
                    Some(k) if k > floor => end = k,
                    _ => return None,
                }
                // The appositive belongs to a name: stop once one ends here.
                if self
                    .start_by_end
                    .contains_key(&self.doc.tokens[end - 1].end)
                {
                    break;
                }
            }
        }
        if end <= floor {
            return None;
        }
        let end_byte = self.doc.tokens[end - 1].end;
        // An entity mention ending there is the speaker.
        if let Some(&start) = self
            .start_by_end
            .get(&end_byte)
            .filter(|&&start| start >= self.doc.tokens[floor].start)
        {
            let first = self.token_at(start);
            return Some(first..end);
        }
        let last = self.lower(end - 1);
        if PRONOUNS.contains(&last.as_ref()) {
            return Some(end - 1..end);
        }
        // Walk back over a noun phrase: words, up to and including a determiner.
        let mut start = end;
        while start > floor && end - start < 6 {
            let word = self.word(start - 1);
            let lower = word.to_lowercase();
            if !word.chars().next().is_some_and(char::is_alphabetic)
                && word != "'s"
                && word != "\u{2019}s"
            {
                break;
            }
            if matches!(
                lower.as_str(),
                "and"
                    | "but"
                    | "or"
                    | "that"
                    | "which"
                    | "who"
                    | "as"
                    | "in"
                    | "on"
                    | "at"
                    | "for"
                    | "with"
                    | "by"
                    | "from"
                    | "to"
                    | "of"
                    | "is"
                    | "was"
                    | "were"
                    | "are"
                    | "be"
                    | "been"
                    | "if"
                    | "when"
                    | "while"
                    | "because"
                    | "so"
                    | "than"
            ) || is_cue(&lower)
            {
                break;
            }
            start -= 1;
            if DETERMINERS.contains(&lower.as_ref()) {
                break;
            }
        }
        (start < end).then_some(start..end)
    }

    /// The noun phrase starting at `from` ("said Baghaei", "said the spokeswoman").
    fn noun_phrase_after(&self, from: usize, limit: usize) -> Option<Range<usize>> {
        let limit = limit.min(self.doc.words.len());
        if from >= limit {
            return None;
        }
        let start_byte = self.doc.tokens[from].start;
        if let Some(&(end, _)) = self.end_by_start.get(&start_byte) {
            let last = self.token_at(end);
            return Some(from..last);
        }
        let first = self.lower(from);
        if PRONOUNS.contains(&first.as_ref()) {
            return Some(from..from + 1);
        }
        if NOT_SPEAKERS.contains(&first.as_ref()) {
            return None;
        }
        let mut end = from;
        if DETERMINERS.contains(&first.as_ref()) {
            end += 1;
        }
        while end < limit && end - from < 6 {
            let word = self.word(end);
            let lower = word.to_lowercase();
            if !word.chars().next().is_some_and(char::is_alphanumeric)
                || is_cue(&lower)
                || NOT_SPEAKERS.contains(&lower.as_ref())
            {
                break;
            }
            end += 1;
        }
        (end > from && !DETERMINERS.contains(&self.lower(end - 1).as_ref())).then_some(from..end)
    }

    /// The subject a participle cue hangs on: the first mention or pronoun of the sentence.
    fn sentence_subject(&self, floor: usize, cue: usize) -> Option<Range<usize>> {
        for i in floor..cue {
            let lower = self.lower(i);
            if PRONOUNS.contains(&lower.as_ref()) {
                return Some(i..i + 1);
            }
            let byte = self.doc.tokens[i].start;
            if let Some(&(end, e)) = self.end_by_start.get(&byte) {
                if matches!(
                    self.entities[e].kind,
                    EntityKind::Person | EntityKind::Organization
                ) {
                    return Some(i..self.token_at(end));
                }
            }
        }
        None
    }

    /// Reported speech without quotation marks, one attribution per free cue.
    fn indirect_frames(
        &self,
        sentence: Range<usize>,
        framed: bool,
        inside: &[bool],
        used: &mut [bool],
        frames: &mut Vec<Frame>,
    ) {
        // Cues are lower-case words, so raw words serve; only "According"
        // needs a case-blind look.
        let at = |i: usize| self.word(i);
        let mut end = sentence.end;
        while end > sentence.start && matches!(at(end - 1), "." | "!" | "?" | "\"" | "\u{201d}") {
            end -= 1;
        }
        // "PENCE: Well, look, …" and "Pat Caddell: Democrat voters worried":
        // a name that opens the sentence, a colon, then what they say.
        let mut opening = sentence.start;
        if opening < end && matches!(at(opening), "\"" | "\u{201c}") {
            opening += 1;
        }
        if let Some(colon) = (opening + 1..end.min(opening + 5)).find(|&k| at(k) == ":") {
            let speaker = opening..colon;
            let named = self.start_by_end.get(&self.doc.tokens[colon - 1].end)
                == Some(&self.doc.tokens[opening].start)
                && self.animate(&speaker);
            let shouted = colon == opening + 1
                && at(opening).chars().count() >= 3
                && at(opening).chars().all(|c| c.is_uppercase());
            if (named || shouted) && colon + 3 < end && !used[colon] && !inside[colon] {
                used[colon] = true;
                frames.push(Frame::new(
                    colon + 1..end,
                    QuoteKind::Indirect,
                    Some(colon..colon + 1),
                    Some(speaker),
                ));
            }
        }
        // "According to X, …" and "…, according to X."
        for i in sentence.start..end.saturating_sub(1) {
            if !at(i).eq_ignore_ascii_case("according") || at(i + 1) != "to" || inside[i] || used[i]
            {
                continue;
            }
            let Some(speaker) = self.noun_phrase_after(i + 2, end) else {
                continue;
            };
            let content = if i == sentence.start {
                let mut from = speaker.end;
                if from < end && at(from) == "," {
                    from += 1;
                }
                from..end
            } else {
                let mut to = i;
                if to > sentence.start && at(to - 1) == "," {
                    to -= 1;
                }
                sentence.start..to
            };
            if content.len() >= 3 {
                used[i] = true;
                used[i + 1] = true;
                frames.push(Frame::new(
                    content,
                    QuoteKind::Indirect,
                    Some(i..i + 2),
                    Some(speaker),
                ));
            }
        }
        for c in sentence.start..end {
            if inside[c] || used[c] || !self.is_cue_at(c) {
                continue;
            }
            // A cue word in quotes' sentences was already weighed with the quote.
            if framed {
                continue;
            }
            // Trailing: "…, a source said." / "…, said the source."
            // "…, lawmakers said Friday after the vote.": only circumstances
            // (times, places) may follow a trailing cue.
            let near_end = end - c <= 8
                || self
                    .doc
                    .words
                    .get(c + 1)
                    .is_some_and(|w| CIRCUMSTANCES.contains(&w.to_lowercase().as_str()));
            if near_end {
                if let Some(speaker) = self
                    .noun_phrase_before(c, sentence.start)
                    .filter(|s| self.attributes(c, s))
                {
                    let comma = speaker
                        .start
                        .checked_sub(1)
                        .filter(|&k| k >= sentence.start && at(k) == ",");
                    let tail_ok = (c + 1..end).all(|k| !inside[k]);
                    if let (Some(comma), true) = (comma, tail_ok) {
                        if comma - sentence.start >= 3 {
                            used[c] = true;
                            frames.push(Frame::new(
                                sentence.start..comma,
                                QuoteKind::Indirect,
                                Some(c..c + 1),
                                Some(speaker),
                            ));
                            continue;
                        }
                    }
                }
                if c > sentence.start && at(c - 1) == "," {
                    if let Some(speaker) = self
                        .noun_phrase_after(c + 1, end)
                        .filter(|s| self.attributes(c, s))
                    {
                        if c - 1 - sentence.start >= 3 {
                            used[c] = true;
                            frames.push(Frame::new(
                                sentence.start..c - 1,
                                QuoteKind::Indirect,
                                Some(c..c + 1),
                                Some(speaker),
                            ));
                            continue;
                        }
                    }
                }
            }
            // Leading: "X said (that) …", "X told reporters (that) …", and
            // "…, saying (that) …" on the sentence's subject.
            let participle = is_participle(at(c)) && c > sentence.start && at(c - 1) == ",";
            let speaker = if participle {
                self.sentence_subject(sentence.start, c)
            } else {
                self.noun_phrase_before(c, sentence.start)
            };
            let Some(speaker) = speaker.filter(|s| self.attributes(c, s)) else {
                continue;
            };
            let mut from = c + 1;
            if TAKES_LISTENER.contains(&at(c)) {
                if let Some(listener) = self.noun_phrase_after(from, end) {
                    from = listener.end;
                }
            }
            while from < end && matches!(at(from), "on" | "that" | "," | ":") {
                if at(from) == "on" {
                    // "said on Monday that …": skip the day.
                    from += 2;
                } else {
                    from += 1;
                }
            }
            if from + 3 <= end && (from..end).all(|k| !inside[k]) {
                used[c] = true;
                frames.push(Frame::new(
                    from..end,
                    QuoteKind::Indirect,
                    Some(c..c + 1),
                    Some(speaker),
                ));
            }
        }
    }

    /// The entity a speaker phrase refers to.
    fn resolve(
        &self,
        speaker: Range<usize>,
        cue: &Option<Range<usize>>,
        quoted: &[Quoted],
    ) -> Option<usize> {
        let start = self.doc.tokens[speaker.start].start;
        let end = self.doc.tokens[speaker.end - 1].end;
        // A mention inside the phrase.
        let first = self.mentions.partition_point(|m| m.0 < start);
        let last = self.mentions.partition_point(|m| m.0 < end);
        let within = &self.mentions[first..last.max(first)];
        if let Some(&(_, _, e)) = within
            .iter()
            .rev()
            .find(|m| m.1 <= end && self.entities[m.2].kind == EntityKind::Person)
            .or_else(|| within.iter().rev().find(|m| m.1 <= end))
        {
            return Some(e);
        }
        let head = self.lower(speaker.end - 1);
        let before = cue
            .as_ref()
            .map_or(start, |c| self.doc.tokens[c.start].start.min(start));
        let in_quote = |offset: usize| {
            let k = quoted.partition_point(|q| q.close <= offset);
            quoted.get(k).is_some_and(|q| q.open <= offset)
        };
        // Mentions that start before the cue.
        let earlier = self.mentions.partition_point(|m| m.0 < before);
        // A pronoun: the latest person named outside quotes before it.
        if matches!(head.as_ref(), "he" | "she" | "i" | "him" | "her") {
            return self.latest(&self.people, earlier, before, |m| !in_quote(m.0));
        }
        if matches!(head.as_ref(), "they" | "it" | "we") {
            return None;
        }
        // A role noun ("the spokeswoman"): the latest holder of that title.
        if let Some(title) = self.kb.title(&head) {
            let mut holders = self.holders_by_title.borrow_mut();
            let holders = holders.entry(title.title.to_string()).or_insert_with(|| {
                (0..self.mentions.len())
                    .filter(|&k| {
                        self.entities[self.mentions[k].2]
                            .roles
                            .iter()
                            .any(|r| r.title.ends_with(&title.title))
                    })
                    .collect()
            });
            if let Some(holder) = self.latest(holders, earlier, before, |_| true) {
                return Some(holder);
            }
        }
        // An organization noun ("the ministry"): the latest organization named so.
        self.organizations_by_word
            .get(head.as_ref())
            .and_then(|mentions| self.latest(mentions, earlier, before, |_| true))
    }

    fn render(&self, frame: Frame, quoted: &[Quoted]) -> Option<Quote> {
        let tokens = &self.doc.tokens;
        if frame.content.is_empty() {
            return None;
        }
        let (start, end) = match frame.kind {
            QuoteKind::Indirect => (
                tokens[frame.content.start].start,
                tokens[frame.content.end - 1].end,
            ),
            _ => {
                // The content inside the marks.
                let open = tokens[frame.content.start].start;
                // `quoted` is in text order and its stretches do not
                // overlap: bisect, as a scan per frame is quadratic in a
                // long document (issue 21).
                let q = quoted
                    .get(quoted.partition_point(|q| q.open < open))
                    .filter(|q| q.open == open)?;
                (q.start, frame.resumed_end.unwrap_or(q.end))
            }
        };
        let trimmed = self.doc.text[start..end].trim_end_matches([',', ' ']);
        let end = start + trimmed.len();
        if end <= start {
            return None;
        }
        let (speaker, speaker_span) = match (&frame.inherited, &frame.speaker) {
            (Some((entity, span)), _) => (*entity, span.clone()),
            (None, Some(span)) => (
                self.resolve(span.clone(), &frame.cue, quoted),
                Some(span.clone()),
            ),
            (None, None) => (None, None),
        };
        let cue = frame.cue.as_ref().map(|c| Cue {
            start: tokens[c.start].start,
            end: tokens[c.end - 1].end,
            text: self.doc.text[tokens[c.start].start..tokens[c.end - 1].end].to_string(),
        });
        let base: f32 = match frame.kind {
            QuoteKind::Direct => 0.9,
            QuoteKind::Partial => 0.7,
            QuoteKind::Indirect => 0.75,
        };
        let confidence = if speaker.is_some() { base } else { base - 0.2 }
            - if frame.inherited.is_some() { 0.1 } else { 0.0 };
        Some(Quote {
            span: Span {
                start,
                end,
                field: TextField::Text,
            },
            kind: frame.kind,
            speaker: speaker.map(|e| self.entities[e].id.clone()),
            speaker_text: speaker_span
                .as_ref()
                .map(|s| self.doc.text[tokens[s.start].start..tokens[s.end - 1].end].to_string()),
            speaker_start: speaker_span.as_ref().map(|s| tokens[s.start].start),
            speaker_end: speaker_span.as_ref().map(|s| tokens[s.end - 1].end),
            cue,
            confidence,
        })
    }
}
