//! Month names as English news writes them, for the date and amount
//! scanners of every stage.

/// The months, lower case, January first.
pub const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// The month (1–12) a lower-case word names, and whether it was a short
/// form ("sept." → 9, true). Only the usual short forms count: "Marc" and
/// "Augustin" are names.
pub fn month_of_word(word: &str) -> Option<(u32, bool)> {
    let word = word.trim_end_matches('.');
    if let Some(i) = MONTHS.iter().position(|m| *m == word) {
        return Some((i as u32 + 1, false));
    }
    let short = matches!(
        word,
        "jan"
            | "feb"
            | "mar"
            | "apr"
            | "jun"
            | "jul"
            | "aug"
            | "sep"
            | "sept"
            | "oct"
            | "nov"
            | "dec"
    );
    short
        .then(|| MONTHS.iter().position(|m| m.starts_with(word)))
        .flatten()
        .map(|i| (i as u32 + 1, true))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_and_short_forms_but_no_names() {
        assert_eq!(month_of_word("march"), Some((3, false)));
        assert_eq!(month_of_word("sept."), Some((9, true)));
        assert_eq!(month_of_word("dec"), Some((12, true)));
        assert_eq!(month_of_word("marc"), None);
        assert_eq!(month_of_word("augustin"), None);
    }
}
