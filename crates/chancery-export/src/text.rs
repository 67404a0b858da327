//! Measures of a text that need no lexicon: its words.

/// The words of a text: runs of letters, digits and inner apostrophes.
pub(crate) fn words(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '’'))
        .map(|w| w.trim_matches(|c| c == '\'' || c == '’'))
        .filter(|w| w.chars().any(char::is_alphanumeric))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_counted() {
        assert_eq!(words("We said it's theirs: four trucks.").count(), 6);
        assert_eq!(words("").count(), 0);
    }
}
