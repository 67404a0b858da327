//! Quotation marks paired into quoted spans, in one pass over the text.
//!
//! Double marks (“ ” " „ « ») open and close quotes; single marks (‘ ’ ')
//! do too when they stand at word edges, so the apostrophes of "Iran’s" and
//! "don't" are never taken for quote marks. A quote left open at the end of a
//! paragraph continues when the next paragraph opens with a mark (the
//! convention for quotes over several paragraphs); otherwise it is dropped as
//! unbalanced.

/// A quoted stretch of text: byte offsets of the marks and of the content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Quoted {
    /// The opening mark.
    pub open: usize,
    /// One past the closing mark.
    pub close: usize,
    /// First byte after the opening mark.
    pub start: usize,
    /// The closing mark's first byte.
    pub end: usize,
    /// Single marks (‘…’): usually a partial quote or a quote inside a quote.
    pub single: bool,
}

/// Longest quote accepted, in bytes: a runaway mark must not swallow an article.
const LONGEST: usize = 6_000;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mark {
    Open { single: bool },
    Close { single: bool },
    Either { single: bool },
    None,
}

fn classify(c: char, before: Option<char>, after: Option<char>) -> Mark {
    let space_before = before.is_none_or(|b| b.is_whitespace() || "([{—–-/".contains(b));
    let space_after = after.is_none_or(|a| a.is_whitespace());
    let letter_before = before.is_some_and(char::is_alphanumeric);
    let letter_after = after.is_some_and(char::is_alphanumeric);
    match c {
        '\u{201c}' | '\u{201e}' | '\u{ab}' => Mark::Open { single: false },
        '\u{201d}' | '\u{bb}' => Mark::Close { single: false },
        '"' if space_before && !space_after => Mark::Open { single: false },
        '"' if !space_before && space_after => Mark::Close { single: false },
        '"' => Mark::Either { single: false },
        '\u{2018}' if !letter_before => Mark::Open { single: true },
        // ’ between letters is an apostrophe; after a letter and before a
        // non-letter it may close a quote ("‘historic’ deal") or be a plural
        // possessive ("ministers’ meeting"): only an open single quote decides.
        '\u{2019}' | '\'' if letter_before && letter_after => Mark::None,
        '\'' if space_before && letter_after => Mark::Open { single: true },
        '\u{2019}' | '\'' if !letter_after => Mark::Close { single: true },
        _ => Mark::None,
    }
}

/// Bytes that can start a quotation mark or a line break: `"`, `'`, `\n`,
/// and the lead bytes of “ ” ‘ ’ „ (0xE2) and « » (0xC2).
const CANDIDATE: [bool; 256] = {
    let mut table = [false; 256];
    table[b'"' as usize] = true;
    table[b'\'' as usize] = true;
    table[b'\n' as usize] = true;
    table[b'`' as usize] = true;
    table[0xE2] = true;
    table[0xC2] = true;
    table
};

/// Every quoted span of `text`, in order; quotes inside quotes are not listed.
pub(crate) fn find_quoted(text: &str) -> Vec<Quoted> {
    let bytes = text.as_bytes();
    let mut found = Vec::new();
    let mut open: Option<(usize, bool)> = None;
    let mut i = 0;
    while i < bytes.len() {
        if !CANDIDATE[bytes[i] as usize] {
            i += 1;
            continue;
        }
        // Candidates are ASCII or UTF-8 lead bytes, so `i` is a char boundary.
        let Some(c) = text[i..].chars().next() else {
            break;
        };
        let mut len = c.len_utf8();
        if c == '\n' {
            if let Some((start, _)) = open {
                // Open at a paragraph's end: continues only if the next
                // paragraph starts with an opening mark.
                let rest = text[i..].trim_start();
                let continues = rest.starts_with(['\u{201c}', '"', '\u{ab}', '\u{201e}'])
                    || rest.starts_with("''");
                if continues && i - start <= LONGEST {
                    // Past the next paragraph's opening mark, so it neither
                    // closes nor reopens the quote.
                    let mark = if rest.starts_with("''") {
                        2
                    } else {
                        rest.chars().next().map_or(1, char::len_utf8)
                    };
                    i = text.len() - rest.len() + mark;
                    continue;
                }
                open = None;
            }
            i += 1;
            continue;
        }
        // Two apostrophes (or backquotes) make a double mark in some wires'
        // house style: ''Like this,'' he said.
        let doubled = (c == '\'' && bytes.get(i + 1) == Some(&b'\''))
            || (c == '`' && bytes.get(i + 1) == Some(&b'`'));
        if doubled {
            len = 2;
        }
        let before = text[..i].chars().next_back();
        let after = text[i + len..].chars().next();
        let mark = if doubled {
            classify('"', before, after)
        } else {
            classify(c, before, after)
        };
        match (open, mark) {
            (None, Mark::Open { single }) | (None, Mark::Either { single }) => {
                open = Some((i, single));
            }
            (Some((start, single)), Mark::Close { single: s })
            | (Some((start, single)), Mark::Either { single: s })
                if s == single =>
            {
                let end = i;
                let close = i + len;
                let first = if text[start..].starts_with("''") || text[start..].starts_with("``") {
                    2
                } else {
                    text[start..].chars().next().map_or(0, char::len_utf8)
                };
                if close - start <= LONGEST && end > start + first {
                    found.push(Quoted {
                        open: start,
                        close,
                        start: start + first,
                        end,
                        single,
                    });
                }
                open = None;
            }
            (Some((_, true)), Mark::Open { single: false }) => {
                // A double mark inside a single quote: the single "quote" was
                // an apostrophe after all.
                open = Some((i, false));
            }
            (Some((start, false)), Mark::Open { single: false }) if i - start > LONGEST => {
                open = Some((i, false));
            }
            _ => {}
        }
        i += len;
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn contents(text: &str) -> Vec<&str> {
        find_quoted(text)
            .iter()
            .map(|q| &text[q.start..q.end])
            .collect()
    }

    #[test]
    fn curly_and_straight_double_quotes() {
        assert_eq!(
            contents("He said, “We agree.” She said, \"No way.\" Done."),
            ["We agree.", "No way."]
        );
    }

    #[test]
    fn apostrophes_are_not_quotes() {
        assert_eq!(
            contents("Iran’s minister said the ministers’ talks didn't end. “Yes,” he said."),
            ["Yes,"]
        );
    }

    #[test]
    fn single_quotes_and_nesting() {
        assert_eq!(
            contents("He called the deal ‘historic’ on Monday."),
            ["historic"]
        );
        assert_eq!(
            contents("“He told me ‘never again’ twice,” she said."),
            ["He told me ‘never again’ twice,"]
        );
    }

    #[test]
    fn quotes_over_paragraphs() {
        let text =
            "“First part of it.\n\n“Second part.” he said.\n\n“Unclosed quote\n\nNext paragraph.";
        let quotes = find_quoted(text);
        assert_eq!(quotes.len(), 1);
        assert_eq!(
            &text[quotes[0].start..quotes[0].end],
            "First part of it.\n\n“Second part."
        );
    }

    #[test]
    fn doubled_apostrophes() {
        assert_eq!(
            contents("''This isn't tax reform,'' said Mr. Holtz-Eakin. ``Yes,'' he said."),
            ["This isn't tax reform,", "Yes,"]
        );
    }

    #[test]
    fn guillemets() {
        assert_eq!(contents("Il a dit « non » hier."), [" non "]);
    }

    #[test]
    fn a_mark_in_every_word_stays_linear_and_sane() {
        let text = "\"a \"b \"c \"d ".repeat(5_000);
        let quotes = find_quoted(&text);
        assert!(quotes.len() <= 10_000);
        for q in quotes {
            assert!(text.is_char_boundary(q.start) && text.is_char_boundary(q.end));
        }
    }
}
