//! Sentence boundaries over tokens.
//!
//! A sentence ends at a line break, or at `.`, `!`, `?` or an ellipsis
//! (with any closing quotes and brackets after it) when the next token can
//! start a sentence. Titles ("Mr.", "Gen.") and initials ("J.") never end one;
//! "U.S." ends one only when a word that usually starts sentences follows.

use std::ops::Range;

use crate::token::{is_title_abbreviation, Token};

/// Words that, capitalized after an abbreviation such as "U.S.", show a new
/// sentence has begun rather than a name continuing.
const SENTENCE_STARTERS: &[&str] = &[
    "The",
    "A",
    "An",
    "He",
    "She",
    "It",
    "They",
    "We",
    "I",
    "You",
    "This",
    "That",
    "These",
    "Those",
    "But",
    "And",
    "In",
    "On",
    "At",
    "As",
    "If",
    "When",
    "While",
    "After",
    "Before",
    "His",
    "Her",
    "Its",
    "Their",
    "Our",
    "There",
    "Some",
    "Many",
    "Most",
    "Officials",
    "Yet",
    "However",
    "Meanwhile",
    "Earlier",
    "Later",
    "Last",
    "Next",
    "On",
    "For",
    "Since",
    "So",
];

fn is_closer(token: &str) -> bool {
    matches!(
        token,
        "\"" | "'" | "\u{201d}" | "\u{2019}" | ")" | "]" | "}" | "\u{bb}" | "\u{203a}"
    )
}

fn is_terminal(token: &str) -> bool {
    matches!(token, "!" | "?" | "\u{2026}")
        || (!token.is_empty() && token.bytes().all(|b| b == b'.' || b == b'!' || b == b'?'))
}

/// Starts a sentence: not a lower-case word and not a closing mark.
fn can_start(token: &str) -> bool {
    let Some(first) = token.chars().next() else {
        return false;
    };
    !first.is_lowercase() && !matches!(token, "," | ";" | ":" | ")" | "]" | "%")
}

/// True for "U.S." or "Inc.": a word token that swallowed a sentence's final period.
fn has_swallowed_period(token: &str) -> bool {
    token.len() > 1 && token.ends_with('.') && !is_title_abbreviation(token) && {
        // A single initial ("J.") is part of a name.
        token.chars().filter(|c| c.is_alphanumeric()).count() > 1
    }
}

/// Splits `tokens` of `text` into sentences, returned as token index ranges.
pub fn split(text: &str, tokens: &[Token]) -> Vec<Range<usize>> {
    let mut sentences = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < tokens.len() {
        let word = tokens[i].text(text);
        let mut end = i + 1;
        let mut boundary = false;
        if is_terminal(word) {
            // A closing mark hugs the word before it; a straight quote after a
            // space opens the next sentence instead.
            while end < tokens.len()
                && is_closer(tokens[end].text(text))
                && tokens[end].start == tokens[end - 1].end
            {
                end += 1;
            }
            boundary = end == tokens.len() || can_start(tokens[end].text(text));
        } else if has_swallowed_period(word) {
            boundary = end < tokens.len()
                && SENTENCE_STARTERS.contains(&tokens[end].text(text))
                && !line_break_between(text, tokens[i], tokens[end]);
        }
        if !boundary && end < tokens.len() && line_break_between(text, tokens[end - 1], tokens[end])
        {
            boundary = true;
        }
        if boundary || end == tokens.len() {
            sentences.push(start..end);
            start = end;
        }
        i = end;
    }
    cap_length(text, tokens, sentences)
}

/// The most tokens a sentence may have. Longer runs (text whose line
/// breaks were lost, tables flattened into one line, "said … said …"
/// chains) are split, so that every stage reading a sentence, and every
/// span ending at one, stays bounded by this length rather than by the
/// document's.
pub const MAX_SENTENCE_TOKENS: usize = 200;

/// Splits sentences over [`MAX_SENTENCE_TOKENS`]: after the last stop,
/// semicolon or comma in the second half of the window, else at the cap.
fn cap_length(text: &str, tokens: &[Token], sentences: Vec<Range<usize>>) -> Vec<Range<usize>> {
    if sentences.iter().all(|s| s.len() <= MAX_SENTENCE_TOKENS) {
        return sentences;
    }
    let mut capped = Vec::with_capacity(sentences.len());
    for sentence in sentences {
        let mut start = sentence.start;
        while sentence.end - start > MAX_SENTENCE_TOKENS {
            let limit = start + MAX_SENTENCE_TOKENS;
            let half = start + MAX_SENTENCE_TOKENS / 2;
            let after = |good: fn(&str) -> bool| {
                (half..limit)
                    .rev()
                    .find(|&k| good(tokens[k - 1].text(text)))
            };
            let end = after(is_terminal)
                .or_else(|| after(|t| t == ";"))
                .or_else(|| after(|t| t == ","))
                .unwrap_or(limit);
            capped.push(start..end);
            start = end;
        }
        capped.push(start..sentence.end);
    }
    capped
}

fn line_break_between(text: &str, left: Token, right: Token) -> bool {
    text[left.end..right.start].contains('\n')
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::token::tokenize;

    fn sentences(text: &str) -> Vec<String> {
        let tokens = tokenize(text);
        split(text, &tokens)
            .into_iter()
            .map(|r| text[tokens[r.start].start..tokens[r.end - 1].end].to_string())
            .collect()
    }

    #[test]
    fn overlong_sentences_are_split_at_a_stop_or_the_cap() {
        let text = "the market said rates rose and the bank said sales fell. ".repeat(400);
        let tokens = tokenize(&text);
        let ranges = split(&text, &tokens);
        assert!(ranges.len() > 1);
        assert!(ranges.iter().all(|r| r.len() <= MAX_SENTENCE_TOKENS));
        // Every token in exactly one sentence, in order.
        assert_eq!(ranges.first().unwrap().start, 0);
        assert_eq!(ranges.last().unwrap().end, tokens.len());
        assert!(ranges.windows(2).all(|w| w[0].end == w[1].start));
        // Split after a full stop, not inside a clause.
        assert!(ranges[..ranges.len() - 1]
            .iter()
            .all(|r| tokens[r.end - 1].text(&text) == "."));
        let words = "word ".repeat(1000);
        let tokens = tokenize(&words);
        let ranges = split(&words, &tokens);
        assert_eq!(ranges.len(), 5);
    }

    #[test]
    fn titles_and_initials_do_not_end_sentences() {
        assert_eq!(
            sentences("Mr. Smith met Gen. J. Doe in the U.S. capital. They talked."),
            [
                "Mr. Smith met Gen. J. Doe in the U.S. capital.",
                "They talked."
            ]
        );
    }

    #[test]
    fn abbreviation_at_sentence_end() {
        assert_eq!(
            sentences("He flew to the U.S. The talks began."),
            ["He flew to the U.S.", "The talks began."]
        );
    }

    #[test]
    fn quotes_that_end_sentences() {
        assert_eq!(
            sentences("She said: \u{201c}We agree.\u{201d} Then she left. \"Why?\" he asked."),
            [
                "She said: \u{201c}We agree.\u{201d}",
                "Then she left.",
                "\"Why?\" he asked."
            ]
        );
    }

    #[test]
    fn lines_are_sentences() {
        assert_eq!(
            sentences("Key points\nIran and Russia talk\nNo deal yet"),
            ["Key points", "Iran and Russia talk", "No deal yet"]
        );
    }

    #[test]
    fn lower_case_after_period_continues() {
        assert_eq!(
            sentences("It rose 3.5 p.c. on Monday."),
            ["It rose 3.5 p.c. on Monday."]
        );
    }
}
