//! Document tone as the GDELT Global Knowledge Graph defines it (`V1.5TONE`):
//! the percentages of a text's words that a sentiment lexicon scores
//! positive and negative, their difference (the tone) and sum (polarity),
//! the percentage that name an action (activity reference density) and
//! that are personal pronouns (self/group reference density), and the
//! word count.
//!
//! The sentiment lexicon is VADER's (MIT licence), reduced to its word
//! entries by `bench/tone-lexicon.sh` (`kb/tone_lexicon.tsv`); a word counts
//! by the sign of its valence, as GDELT counts dictionary matches. Action
//! words are every single-word verb form of the event lexicon
//! (`kb/event_lexicon.tsv`; the first word of a phrasal verb). Both tables
//! are compiled in: this module does no I/O.

use std::collections::HashMap;
use std::sync::OnceLock;

use chancery_model::Tone;

/// The sentiment lexicon: word, valence (-4 … +4).
const LEXICON: &str = include_str!("../kb/tone_lexicon.tsv");
/// The event lexicon, whose verb forms are the action words.
const EVENT_LEXICON: &str = include_str!("../kb/event_lexicon.tsv");

/// English personal pronouns (GDELT's self/group references).
const PRONOUNS: &[&str] = &[
    "i",
    "me",
    "my",
    "mine",
    "myself",
    "we",
    "us",
    "our",
    "ours",
    "ourselves",
    "you",
    "your",
    "yours",
    "yourself",
    "yourselves",
    "he",
    "him",
    "his",
    "himself",
    "she",
    "her",
    "hers",
    "herself",
    "it",
    "its",
    "itself",
    "they",
    "them",
    "their",
    "theirs",
    "themselves",
];

/// What a word is for tone.
#[derive(Debug, Clone, Copy, Default)]
struct WordClass {
    /// The sign of its valence: -1, 0 or +1.
    sentiment: i8,
    /// Whether it is a verb form of the event lexicon.
    action: bool,
    /// Whether it is a personal pronoun.
    pronoun: bool,
}

/// The compiled tables, keyed by lower-case word.
fn classes() -> &'static HashMap<String, WordClass> {
    static TABLE: OnceLock<HashMap<String, WordClass>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut table: HashMap<String, WordClass> = HashMap::new();
        for (word, valence) in table_rows(LEXICON, &["word", "valence"])
            .filter_map(|row| Some((row[0], row[1].parse::<f64>().ok()?)))
        {
            let sentiment = if valence > 0.0 {
                1
            } else if valence < 0.0 {
                -1
            } else {
                0
            };
            table.entry(word.to_lowercase()).or_default().sentiment = sentiment;
        }
        for row in table_rows(EVENT_LEXICON, &["kind", "forms"]) {
            if row[0] != "verb" {
                continue;
            }
            for form in row[1].split('|') {
                if let Some(head) = form.split_whitespace().next() {
                    table.entry(head.to_lowercase()).or_default().action = true;
                }
            }
        }
        for pronoun in PRONOUNS {
            table.entry((*pronoun).to_string()).or_default().pronoun = true;
        }
        table
    })
}

/// The named columns of each row of a built-in tab-separated table (`#`
/// comments and blank lines skipped, the first other line the header).
/// The tables are the project's own and checked by tests, so a row that
/// lacks a column is skipped rather than reported.
fn table_rows<'a>(
    table: &'a str,
    columns: &'a [&'a str],
) -> impl Iterator<Item = Vec<&'a str>> + 'a {
    let mut lines = table
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'));
    let header: Vec<&str> = lines.next().unwrap_or("").split('\t').collect();
    let positions: Vec<Option<usize>> = columns
        .iter()
        .map(|c| header.iter().position(|h| h.trim() == *c))
        .collect();
    lines.filter_map(move |line| {
        let fields: Vec<&str> = line.split('\t').collect();
        positions
            .iter()
            .map(|p| p.and_then(|i| fields.get(i)).map(|f| f.trim()))
            .collect()
    })
}

/// The words of a text: runs of letters and digits with inner apostrophes
/// (straight or curly) and hyphens kept ("don't", "well-being"). The same
/// rule as the GKG word count.
pub fn words(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '’' || c == '-'))
        .map(|w| w.trim_matches(|c| c == '\'' || c == '’' || c == '-'))
        .filter(|w| w.chars().any(char::is_alphanumeric))
}

/// The tone of `text`; `None` when it has no words.
pub fn tone(text: &str) -> Option<Tone> {
    let table = classes();
    let mut counts = [0u32; 5]; // words, positive, negative, action, pronoun
    let mut key = String::new();
    for word in words(text) {
        counts[0] += 1;
        key.clear();
        for c in word.chars() {
            match c {
                '’' => key.push('\''),
                c => key.extend(c.to_lowercase()),
            }
        }
        let class = table.get(&key).or_else(|| {
            // "well-being" is in the lexicon whole; "anti-war" is not, and
            // then its last part speaks for it.
            key.rsplit_once('-').and_then(|(_, last)| table.get(last))
        });
        let Some(class) = class else { continue };
        match class.sentiment {
            1 => counts[1] += 1,
            -1 => counts[2] += 1,
            _ => {}
        }
        counts[3] += u32::from(class.action);
        counts[4] += u32::from(class.pronoun);
    }
    let words = counts[0];
    if words == 0 {
        return None;
    }
    let percent = |n: u32| round6(f64::from(n) * 100.0 / f64::from(words));
    let positive = percent(counts[1]);
    let negative = percent(counts[2]);
    Some(Tone {
        tone: round6(positive - negative),
        positive,
        negative,
        polarity: round6(positive + negative),
        activity: percent(counts[3]),
        self_group: percent(counts[4]),
        words,
    })
}

/// `x` rounded to six decimals, so the JSON holds a short exact decimal.
fn round6(x: f64) -> f64 {
    (x * 1e6).round() / 1e6
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lexicons_are_read() {
        let table = classes();
        assert!(table.len() > 7000, "{}", table.len());
        assert_eq!(table["peace"].sentiment, 1);
        assert_eq!(table["killed"].sentiment, -1);
        assert!(table["visited"].action, "event verbs are action words");
        assert!(table["they"].pronoun);
    }

    #[test]
    fn tone_is_positive_minus_negative_in_percent_of_words() {
        // 9 words: "welcomed" and "peace" positive, "condemned" and
        // "attack" negative; "welcomed" and "condemned" are event verbs;
        // "they" a pronoun.
        let tone = tone("They welcomed the peace talks but condemned the attack.").unwrap();
        assert_eq!(tone.words, 9);
        let share = |n: f64| round6(n * 100.0 / 9.0);
        assert_eq!(tone.positive, share(2.0));
        assert_eq!(tone.negative, share(2.0));
        assert_eq!(tone.tone, round6(tone.positive - tone.negative));
        assert_eq!(tone.polarity, round6(tone.positive + tone.negative));
        assert_eq!(tone.self_group, share(1.0));
        assert!(tone.activity >= share(2.0), "{tone:?}");
    }

    #[test]
    fn direction_follows_the_words() {
        let good = tone("A wonderful, happy celebration of peace and friendship.").unwrap();
        let bad = tone("A terrible, deadly attack killed dozens and wounded many.").unwrap();
        assert!(good.tone > 0.0 && bad.tone < 0.0, "{good:?} {bad:?}");
    }

    #[test]
    fn no_words_no_tone() {
        assert_eq!(tone(""), None);
        assert_eq!(tone(" — … "), None);
    }

    #[test]
    fn curly_apostrophes_and_hyphens_match() {
        let t = tone("Don’t worry about well-being.").unwrap();
        assert_eq!(t.words, 4);
        assert!(t.polarity > 0.0);
    }
}
