//! The tokenized document every analysis stage reads: title and body tokens
//! in one sequence, sentences over them, and the spans they map back to.

use std::borrow::Cow;
use std::collections::HashSet;
use std::hash::BuildHasherDefault;

use crate::ner::KeyHasher;
use std::ops::Range;

use chancery_model::{Span, TextField};

use crate::sentence;
use crate::token::{tokenize_into, Token};

/// A tokenized article.
#[derive(Debug)]
pub(crate) struct Doc<'a> {
    pub title: &'a str,
    pub text: &'a str,
    /// Title tokens first, then body tokens.
    pub tokens: Vec<Token>,
    pub words: Vec<&'a str>,
    pub sentences: Vec<Range<usize>>,
    /// Tokens before this index are the title's.
    pub body_start: usize,
    /// Sentences before this index are the title's.
    pub body_sentence_start: usize,
    /// Words written in lower case somewhere in the document.
    lower_vocabulary: HashSet<&'a str, BuildHasherDefault<KeyHasher>>,
}

impl<'a> Doc<'a> {
    pub fn new(title: &'a str, text: &'a str) -> Doc<'a> {
        let mut tokens = Vec::with_capacity((title.len() + text.len()) / 5 + 1);
        tokenize_into(title, 0, &mut tokens);
        let body_start = tokens.len();
        let mut sentences = sentence::split(title, &tokens);
        let body_sentence_start = sentences.len();
        tokenize_into(text, 0, &mut tokens);
        let body_sentences = sentence::split(text, &tokens[body_start..]);
        sentences.extend(
            body_sentences
                .into_iter()
                .map(|r| r.start + body_start..r.end + body_start),
        );
        let words: Vec<&str> = tokens
            .iter()
            .enumerate()
            .map(|(i, t)| {
                let source = if i < body_start { title } else { text };
                t.text(source)
            })
            .collect();
        let lower_vocabulary = words
            .iter()
            .copied()
            .filter(|w| w.starts_with(char::is_lowercase))
            .collect();
        Doc {
            title,
            text,
            tokens,
            words,
            sentences,
            body_start,
            body_sentence_start,
            lower_vocabulary,
        }
    }

    pub fn field(&self, token: usize) -> TextField {
        if token < self.body_start {
            TextField::Title
        } else {
            TextField::Text
        }
    }

    /// `range` cut to the field (title or body) where it starts and to the
    /// tokens there are: a range that runs from the title into the body
    /// keeps its title part.
    fn within_field(&self, range: Range<usize>) -> Range<usize> {
        let limit = if range.start < self.body_start {
            self.body_start
        } else {
            self.tokens.len()
        };
        let end = range.end.min(limit);
        range.start..end.max(range.start)
    }

    /// The span of tokens `range`, cut to the field it starts in.
    pub fn span(&self, range: Range<usize>) -> Span {
        let field = self.field(range.start);
        let range = self.within_field(range);
        match (self.tokens.get(range.start), range.end.checked_sub(1)) {
            (Some(first), Some(last)) if !range.is_empty() => Span {
                start: first.start,
                end: self.tokens[last].end,
                field,
            },
            (Some(first), _) => Span {
                start: first.start,
                end: first.start,
                field,
            },
            (None, _) => {
                let end = match field {
                    TextField::Title => self.title.len(),
                    _ => self.text.len(),
                };
                Span {
                    start: end,
                    end,
                    field,
                }
            }
        }
    }

    /// The source text of tokens `range`, cut to the field it starts in
    /// (empty for an empty range).
    pub fn slice(&self, range: Range<usize>) -> &'a str {
        let range = self.within_field(range);
        if range.is_empty() {
            return "";
        }
        let source = if range.start < self.body_start {
            self.title
        } else {
            self.text
        };
        &source[self.tokens[range.start].start..self.tokens[range.end - 1].end]
    }

    /// The sentence holding token `i`.
    pub fn sentence_of(&self, i: usize) -> Range<usize> {
        let at = self.sentences.partition_point(|s| s.end <= i);
        self.sentences.get(at).cloned().unwrap_or(i..i + 1)
    }

    /// Token `i` in lower case, borrowed when it already is (most words of
    /// running text).
    pub fn lower(&self, i: usize) -> Cow<'a, str> {
        let word = self.words[i];
        if word.is_ascii() && !word.bytes().any(|b| b.is_ascii_uppercase()) {
            Cow::Borrowed(word)
        } else {
            Cow::Owned(word.to_lowercase())
        }
    }

    /// True when the word occurs in lower case somewhere in the document.
    pub fn seen_lower(&self, word: &str) -> bool {
        if word.starts_with(char::is_lowercase) {
            return true;
        }
        let lower = word.to_lowercase();
        self.lower_vocabulary.contains(lower.as_str())
    }
}
