//! From an article's strings to its term vectors, one per [`Kind`]: content
//! words and word pairs, names, title words, the caller's entity keys, and
//! numbers. Weights here are sublinear term frequencies; the inverse document
//! frequency is applied later, at comparison time, because it keeps changing
//! as articles arrive.

use xxhash_rust::xxh3::xxh3_64_with_seed;

use crate::sparse::{SparseVec, Term};
use crate::{Config, Document};

/// The kinds of terms, each compared by its own cosine: the model weighs the
/// cosines (`model.rs`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// Content words and adjacent pairs of the title and the text.
    Words = 0,
    /// Capitalized words inside sentences.
    Names = 1,
    /// Content words of the title alone.
    Title = 2,
    /// The caller's entity keys (linked names, actor codes, event codes).
    Keys = 3,
    /// Numbers and years: counts, tolls, scores and dates tell look-alike
    /// events apart.
    Numbers = 4,
}

/// How many kinds there are.
pub(crate) const KINDS: usize = 5;

const SEEDS: [u64; KINDS] = [
    0x5730_5244, // "W0RD"
    0x4e41_4d45, // "NAME"
    0x5449_544c, // "TITL"
    0x454e_5459, // "ENTY"
    0x4e55_4d42, // "NUMB"
];
const PAIR_SEED: u64 = 0x5041_4952; // "PAIR"

/// The features of one article: a vector per kind, weight `1 + ln(count)`.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Features {
    pub(crate) vecs: [SparseVec; KINDS],
}

impl Features {
    /// All terms of every kind (the kinds' seeds keep them apart).
    pub(crate) fn terms(&self) -> impl Iterator<Item = &(Term, f32)> {
        self.vecs.iter().flat_map(|v| v.entries.iter())
    }
}

/// Function words and reporting verbs: frequent in every story, so they only
/// add noise to similarity. Kept short on purpose; the inverse document
/// frequency discounts whatever else is common.
const STOPWORDS: &[&str] = &[
    "a", "about", "above", "after", "again", "against", "all", "also", "am", "an", "and", "any",
    "are", "as", "at", "be", "because", "been", "before", "being", "below", "between", "both",
    "but", "by", "can", "could", "did", "do", "does", "doing", "down", "during", "each", "few",
    "for", "from", "further", "had", "has", "have", "having", "he", "her", "here", "hers",
    "herself", "him", "himself", "his", "how", "i", "if", "in", "into", "is", "it", "its",
    "itself", "just", "me", "might", "more", "most", "mr", "mrs", "ms", "must", "my", "no", "nor",
    "not", "now", "of", "off", "on", "once", "one", "only", "or", "other", "our", "ours", "out",
    "over", "own", "per", "said", "same", "say", "says", "shall", "she", "should", "so", "some",
    "such", "than", "that", "the", "their", "theirs", "them", "then", "there", "these", "they",
    "this", "those", "through", "to", "told", "too", "two", "under", "until", "up", "upon", "us",
    "very", "via", "was", "we", "were", "what", "when", "where", "which", "while", "who", "whom",
    "whose", "why", "will", "with", "would", "you", "your", "yours",
];

/// The longest stop word: a longer word (most content words) is not
/// searched for.
const LONGEST_STOPWORD: usize = {
    let (mut i, mut longest) = (0, 0);
    while i < STOPWORDS.len() {
        if STOPWORDS[i].len() > longest {
            longest = STOPWORDS[i].len();
        }
        i += 1;
    }
    longest
};

fn is_stopword(word: &str) -> bool {
    word.len() <= LONGEST_STOPWORD && STOPWORDS.binary_search(&word).is_ok()
}

/// One word of the text with what the name heuristic needs to know about it.
struct Token<'a> {
    text: &'a str,
    /// Starts a sentence or a line (so its capital says nothing).
    sentence_start: bool,
}

/// Alphanumeric runs; a run right after `.`, `!`, `?`, a line break or the
/// start (quotes and brackets between do not count) begins a sentence.
fn tokens(text: &str) -> impl Iterator<Item = Token<'_>> {
    let mut at_start = true;
    let mut rest = text.char_indices().peekable();
    std::iter::from_fn(move || loop {
        let (start, c) = rest.next()?;
        if c.is_alphanumeric() {
            let mut end = start + c.len_utf8();
            while let Some(&(i, c)) = rest.peek() {
                if !c.is_alphanumeric() {
                    break;
                }
                end = i + c.len_utf8();
                rest.next();
            }
            let token = Token {
                text: &text[start..end],
                sentence_start: at_start,
            };
            at_start = false;
            return Some(token);
        }
        if matches!(c, '.' | '!' | '?' | '\n') {
            at_start = true;
        }
    })
}

/// A number worth comparing: digits (a year, a toll, a magnitude's "8" of
/// "8.8"), never a lone digit.
fn is_number(word: &str) -> bool {
    word.len() >= 2 && word.bytes().all(|b| b.is_ascii_digit())
}

/// Builds the features of one article.
pub(crate) fn extract(document: &Document<'_>, config: &Config) -> Features {
    let mut kinds: [Vec<(Term, f32)>; KINDS] = Default::default();
    let mut lower = String::new();
    for (text, weight, is_title) in [
        (document.title, config.title_weight, true),
        (document.text, 1.0, false),
    ] {
        // Pairs never span a dropped word, so "the" between two words does not
        // make them a pair.
        let mut previous: Option<Term> = None;
        for token in tokens(text) {
            lower.clear();
            lower.extend(token.text.chars().flat_map(char::to_lowercase));
            if is_number(&lower) {
                kinds[Kind::Numbers as usize].push((
                    xxh3_64_with_seed(lower.as_bytes(), SEEDS[Kind::Numbers as usize]),
                    1.0,
                ));
            }
            let keep = lower.chars().count() >= 2 && !is_stopword(&lower);
            if !keep {
                previous = None;
                continue;
            }
            let hash = xxh3_64_with_seed(lower.as_bytes(), SEEDS[Kind::Words as usize]);
            kinds[Kind::Words as usize].push((hash, weight));
            if is_title {
                kinds[Kind::Title as usize].push((
                    xxh3_64_with_seed(lower.as_bytes(), SEEDS[Kind::Title as usize]),
                    1.0,
                ));
            }
            if config.bigrams {
                if let Some(previous) = previous {
                    let mut pair = [0u8; 16];
                    pair[..8].copy_from_slice(&previous.to_le_bytes());
                    pair[8..].copy_from_slice(&hash.to_le_bytes());
                    kinds[Kind::Words as usize].push((xxh3_64_with_seed(&pair, PAIR_SEED), weight));
                }
            }
            previous = Some(hash);
            let capitalized = token.text.chars().next().is_some_and(char::is_uppercase);
            if capitalized && !token.sentence_start {
                kinds[Kind::Names as usize].push((
                    xxh3_64_with_seed(lower.as_bytes(), SEEDS[Kind::Names as usize]),
                    1.0,
                ));
            }
        }
    }
    for key in document.entities {
        let key = normalize_key(key);
        if !key.is_empty() {
            kinds[Kind::Keys as usize].push((
                xxh3_64_with_seed(key.as_bytes(), SEEDS[Kind::Keys as usize]),
                1.0,
            ));
        }
    }
    Features {
        vecs: kinds.map(sublinear),
    }
}

/// Lowercase with runs of whitespace as one space, so "Lindsay  Lohan" and
/// "lindsay lohan" are one key.
fn normalize_key(key: &str) -> String {
    let mut out = String::with_capacity(key.len());
    for word in key.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.extend(word.chars().flat_map(char::to_lowercase));
    }
    out
}

/// Sums counts per term, then dampens them (`1 + ln(count)`): a word said ten
/// times is not ten times the evidence.
fn sublinear(entries: Vec<(Term, f32)>) -> SparseVec {
    let mut vec = SparseVec::from_unsorted(entries);
    for entry in &mut vec.entries {
        entry.1 = 1.0 + entry.1.max(1.0).ln();
    }
    vec
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc<'a>(title: &'a str, text: &'a str, entities: &'a [String]) -> Document<'a> {
        Document {
            id: "x",
            title,
            text,
            published: None,
            entities,
        }
    }

    #[test]
    fn stopwords_are_sorted_for_binary_search() {
        assert!(STOPWORDS.windows(2).all(|w| w[0] < w[1]));
        assert!(STOPWORDS.iter().all(|w| is_stopword(w)));
        assert!(!is_stopword("themselves") && !is_stopword("earthquake"));
    }

    #[test]
    fn sentence_starts() {
        let starts: Vec<(&str, bool)> = tokens("The Quake hit. \"Rescuers came\"\nLater Today")
            .map(|t| (t.text, t.sentence_start))
            .collect();
        assert_eq!(
            starts,
            vec![
                ("The", true),
                ("Quake", false),
                ("hit", false),
                ("Rescuers", true),
                ("came", false),
                ("Later", true),
                ("Today", false)
            ]
        );
    }

    #[test]
    fn words_pairs_and_names() {
        let config = Config::default();
        let f = extract(&doc("", "The Quake hit Chile in 2010.", &[]), &config);
        // quake, hit, chile, 2010 and the pairs quake-hit, hit-chile ("in" breaks the pair).
        assert_eq!(f.vecs[Kind::Words as usize].len(), 6);
        // Quake and Chile (capitalized inside the sentence).
        assert_eq!(f.vecs[Kind::Names as usize].len(), 2);
        assert_eq!(f.vecs[Kind::Numbers as usize].len(), 1);
        assert!(f.vecs[Kind::Title as usize].is_empty());
    }

    #[test]
    fn entity_keys_are_normalized() {
        let config = Config::default();
        let a = extract(&doc("", "", &["Lindsay  Lohan".to_string()]), &config);
        let b = extract(&doc("", "", &["lindsay lohan".to_string()]), &config);
        assert_eq!(a.vecs, b.vecs);
        assert_eq!(a.vecs[Kind::Keys as usize].len(), 1);
    }

    #[test]
    fn repeated_words_are_dampened() {
        let config = Config {
            bigrams: false,
            ..Config::default()
        };
        let f = extract(&doc("", "quake quake quake", &[]), &config);
        let words = &f.vecs[Kind::Words as usize].entries;
        assert_eq!(words.len(), 1);
        assert!((words[0].1 - (1.0 + 3f32.ln())).abs() < 1e-6);
    }
}
