//! Tokens with byte spans, split the way news treebanks split English.
//!
//! The named-entity model was trained on Penn-Treebank-style tokens (CoNLL-2003),
//! so the tokenizer follows the same conventions: possessive `'s` and `n't` are
//! tokens of their own, hyphenated words and abbreviations with periods ("U.S.",
//! "Mr.") stay whole, and every other punctuation mark stands alone.

/// One token: a byte range into the text it was cut from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    /// Byte offset of the first byte.
    pub start: usize,
    /// Byte offset one past the last byte.
    pub end: usize,
}

impl Token {
    /// The token's text in `source`.
    pub fn text<'a>(&self, source: &'a str) -> &'a str {
        &source[self.start..self.end]
    }
}

/// Abbreviations that keep their period and usually do not end a sentence.
/// Compared case-sensitively without the final period.
pub(crate) const TITLE_ABBREVIATIONS: &[&str] = &[
    "Mr", "Mrs", "Ms", "Dr", "Prof", "Gen", "Lt", "Col", "Maj", "Capt", "Sgt", "Adm", "Cmdr",
    "Brig", "Gov", "Sen", "Rep", "Rev", "Fr", "St", "Sr", "Jr", "Hon", "Pres", "Amb", "Sec",
    "Supt", "Insp", "Cpl", "Pvt", "Gens", "Messrs", "Mt", "Ft",
];

/// Abbreviations that keep their period and may end a sentence.
const OTHER_ABBREVIATIONS: &[&str] = &[
    "Inc", "Ltd", "Co", "Corp", "Bros", "vs", "etc", "Jan", "Feb", "Mar", "Apr", "Aug", "Sept",
    "Sep", "Oct", "Nov", "Dec", "approx", "Ave", "Blvd", "Dept", "Univ", "Fig", "Vol", "pp", "cf",
    "al", "Calif", "Conn", "Fla", "Tenn", "Ariz", "Colo", "Mich", "Minn", "Okla",
];

/// True for a token like "Mr." or "Gen." that titles the name after it.
pub(crate) fn is_title_abbreviation(token: &str) -> bool {
    token
        .strip_suffix('.')
        .is_some_and(|stem| TITLE_ABBREVIATIONS.contains(&stem))
}

fn is_known_abbreviation(stem: &str) -> bool {
    TITLE_ABBREVIATIONS.contains(&stem) || OTHER_ABBREVIATIONS.contains(&stem)
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || is_combining(c)
}

fn is_combining(c: char) -> bool {
    matches!(c as u32, 0x300..=0x36f | 0x1ab0..=0x1aff | 0x20d0..=0x20ff)
}

fn is_apostrophe(c: char) -> bool {
    c == '\'' || c == '\u{2019}'
}

/// Characters that join two word pieces into one token when letters follow.
fn is_inner_joiner(c: char) -> bool {
    matches!(c, '-' | '\u{2010}' | '\u{2011}' | '&' | '/' | '@' | '_')
}

/// Splits `text` into tokens, appending them to `out` with offsets shifted by
/// `base` (the position of `text` in a larger string).
pub fn tokenize_into(text: &str, base: usize, out: &mut Vec<Token>) {
    let bytes = text.as_bytes();
    let mut chars = text.char_indices().peekable();
    while let Some(&(start, c)) = chars.peek() {
        if c.is_whitespace() || c.is_control() || c == '\u{200b}' || c == '\u{feff}' {
            chars.next();
            continue;
        }
        let end = if is_word_char(c) {
            word_end(text, start)
        } else {
            punctuation_end(bytes, start, c)
        };
        // Split clitics off word tokens: "Iran's" → "Iran" "'s"; "don't" → "do" "n't".
        let (head_end, tail) = split_clitic(&text[start..end]);
        out.push(Token {
            start: base + start,
            end: base + start + head_end,
        });
        if let Some(tail_len) = tail {
            out.push(Token {
                start: base + start + head_end,
                end: base + start + head_end + tail_len,
            });
        }
        while chars.peek().is_some_and(|&(i, _)| i < end) {
            chars.next();
        }
    }
}

/// Splits `text` into tokens.
pub fn tokenize(text: &str) -> Vec<Token> {
    let mut out = Vec::with_capacity(text.len() / 5 + 1);
    tokenize_into(text, 0, &mut out);
    out
}

/// The end of a word token starting at `start`: letters and digits, joined by
/// inner hyphens, apostrophes, periods of abbreviations and number separators.
fn word_end(text: &str, start: usize) -> usize {
    let mut end = start;
    let mut iter = text[start..]
        .char_indices()
        .map(|(i, c)| (start + i, c))
        .peekable();
    let mut all_single_letters_with_periods = true;
    let mut piece_len = 0usize;
    while let Some((i, c)) = iter.next() {
        if is_word_char(c) {
            end = i + c.len_utf8();
            piece_len += 1;
            continue;
        }
        let next = iter.peek().map(|&(_, n)| n);
        let prev = text[..i].chars().next_back();
        let next_is_word = next.is_some_and(is_word_char);
        match c {
            '.' => {
                // "U.S." / "e.g." / "3.5": a period between word pieces, or after
                // a single letter that began an initialism.
                if next_is_word && (piece_len == 1 || prev.is_some_and(|p| p.is_ascii_digit())) {
                    if piece_len != 1 {
                        all_single_letters_with_periods = false;
                    }
                    end = i + 1;
                    piece_len = 0;
                    continue;
                }
                // A final period belongs to "U.S." and to known abbreviations.
                let stem = &text[start..i];
                let initialism = piece_len == 1 && all_single_letters_with_periods;
                if initialism
                    && stem.chars().all(|ch| ch.is_alphabetic() || ch == '.')
                    && stem.chars().next().is_some_and(|ch| ch.is_uppercase())
                    || is_known_abbreviation(stem)
                {
                    end = i + 1;
                }
                break;
            }
            ',' | ':' if next_is_word && prev.is_some_and(|p| p.is_ascii_digit()) => {
                if next.is_some_and(|n| n.is_ascii_digit()) {
                    end = i + 1;
                    piece_len = 0;
                    all_single_letters_with_periods = false;
                    continue;
                }
                break;
            }
            c if is_apostrophe(c) && next_is_word => {
                end = i + c.len_utf8();
                piece_len = 0;
                all_single_letters_with_periods = false;
            }
            c if is_inner_joiner(c) && next_is_word => {
                end = i + c.len_utf8();
                piece_len = 0;
                all_single_letters_with_periods = false;
            }
            _ => break,
        }
    }
    end
}

fn punctuation_end(bytes: &[u8], start: usize, c: char) -> usize {
    let len = c.len_utf8();
    // Runs of the same ASCII mark ("...", "--", "!!") are one token.
    if c.is_ascii() && matches!(c, '.' | '-' | '!' | '?' | '=' | '*' | '_' | '~') {
        let mut end = start + 1;
        while end < bytes.len() && bytes[end] == bytes[start] {
            end += 1;
        }
        return end;
    }
    start + len
}

/// If `word` ends in a clitic that treebanks split off, returns the head length
/// and the clitic length.
fn split_clitic(word: &str) -> (usize, Option<usize>) {
    let lower_tail = |n: usize| -> Option<&str> { word.get(word.len().checked_sub(n)?..) };
    for suffix in ["'s", "\u{2019}s", "'S", "\u{2019}S"] {
        if let Some(tail) = lower_tail(suffix.len()) {
            if tail == suffix && word.len() > suffix.len() {
                return (word.len() - suffix.len(), Some(suffix.len()));
            }
        }
    }
    for suffix in ["n't", "n\u{2019}t", "N'T"] {
        if let Some(tail) = lower_tail(suffix.len()) {
            if tail == suffix && word.len() > suffix.len() {
                return (word.len() - suffix.len(), Some(suffix.len()));
            }
        }
    }
    // A trailing apostrophe of a plural possessive ("ministers'") stays with
    // punctuation handling: the word scanner never includes it.
    (word.len(), None)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<&str> {
        tokenize(text).iter().map(|t| t.text(text)).collect()
    }

    #[test]
    fn splits_punctuation_and_keeps_abbreviations() {
        assert_eq!(
            words("Mr. Araghchi met U.S. officials in Moscow."),
            [
                "Mr.",
                "Araghchi",
                "met",
                "U.S.",
                "officials",
                "in",
                "Moscow",
                "."
            ]
        );
    }

    #[test]
    fn splits_possessives_and_negation() {
        assert_eq!(words("Iran's minister"), ["Iran", "'s", "minister"]);
        assert_eq!(words("Russia\u{2019}s"), ["Russia", "\u{2019}s"]);
        assert_eq!(words("didn't go"), ["did", "n't", "go"]);
    }

    #[test]
    fn keeps_numbers_and_hyphenated_words() {
        assert_eq!(
            words("a 1,000-strong force, 3.5% and al-Qaeda at 10:30"),
            [
                "a",
                "1,000-strong",
                "force",
                ",",
                "3.5",
                "%",
                "and",
                "al-Qaeda",
                "at",
                "10:30"
            ]
        );
    }

    #[test]
    fn initials_and_quotes() {
        assert_eq!(
            words("J. Smith said: \u{201c}No.\u{201d}"),
            ["J.", "Smith", "said", ":", "\u{201c}", "No", ".", "\u{201d}"]
        );
    }

    #[test]
    fn ellipsis_is_one_token() {
        assert_eq!(words("wait... now"), ["wait", "...", "now"]);
    }

    #[test]
    fn spans_are_char_boundaries() {
        let text = "Zürich’s «Élysée» — ok";
        for token in tokenize(text) {
            assert!(text.is_char_boundary(token.start) && text.is_char_boundary(token.end));
            assert!(token.start < token.end);
        }
    }
}
