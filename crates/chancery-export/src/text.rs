//! Measures of a text that need no lexicon: words and pronoun density.

/// English personal pronouns, for GKG's Self/Group Reference Density.
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

/// The words of a text: runs of letters, digits and inner apostrophes.
pub(crate) fn words(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '’'))
        .map(|w| w.trim_matches(|c| c == '\'' || c == '’'))
        .filter(|w| w.chars().any(char::is_alphanumeric))
}

/// The number of words and the share of them (in percent) that are
/// personal pronouns.
pub(crate) fn word_count_and_pronouns(text: &str) -> (usize, f64) {
    let mut count = 0;
    let mut pronouns = 0;
    for word in words(text) {
        count += 1;
        if word.len() <= 10 && PRONOUNS.contains(&word.to_lowercase().as_str()) {
            pronouns += 1;
        }
    }
    let density = if count == 0 {
        0.0
    } else {
        pronouns as f64 * 100.0 / count as f64
    };
    (count, density)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_and_pronouns_are_counted() {
        let (count, density) = word_count_and_pronouns("We said it's theirs: four trucks.");
        assert_eq!(count, 6);
        assert!((density - 200.0 / 6.0).abs() < 1e-9, "{density}");
        assert_eq!(word_count_and_pronouns(""), (0, 0.0));
    }
}
