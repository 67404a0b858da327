//! Numeric amounts in a text: "4,000 megawatts", "$2 billion", "£25m",
//! "120 soldiers". The GDELT knowledge graph's V2.1AMOUNTS (`chancery-export`)
//! and a story's changed figures (`chancery-store`) read them.
//!
//! A plain scan of the text, kept deliberately narrow: numbers written in
//! digits, with thousands commas, decimals, a currency sign and a scale word
//! or suffix; the object is the word after. Percentages, years, times,
//! scores, dates ("12 March") and parts of names ("G7", "4th") are not
//! amounts; numbers in words ("two million") are not read. A plain function
//! of the text beside the types, so that the crates that read amounts share
//! one scanner.

/// An amount: its value, what it counts, and where it is (byte offsets into
/// the text).
#[derive(Debug, Clone, PartialEq)]
pub struct Amount {
    /// The value, scale applied, without thousands separators (`2000000000`).
    pub value: String,
    /// What it is an amount of (`megawatts`, `dollars`), possibly empty.
    pub object: String,
    /// Byte offset of the number (or its currency sign).
    pub start: usize,
    /// One past the last byte of the amount: its object when it has one,
    /// else its scale or number.
    pub end: usize,
}

/// Words that end an amount without being its object.
const NOT_OBJECTS: &[&str] = &[
    "a", "an", "and", "are", "as", "at", "be", "been", "but", "by", "for", "from", "had", "has",
    "have", "in", "into", "is", "it", "its", "more", "of", "on", "or", "over", "than", "that",
    "the", "this", "to", "under", "was", "were", "will", "with", "died", "killed", "said", "dead",
    "injured", "left", "less", "fewer",
];

/// Every amount in `text`, in order.
pub fn amounts(text: &str) -> Vec<Amount> {
    let bytes = text.as_bytes();
    let mut found = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if !bytes[i].is_ascii_digit() || (i > 0 && continues_token(text, i)) {
            i += 1;
            continue;
        }
        let (end, number) = read_number(bytes, i);
        if let Some(amount) = amount_at(text, i, end, &number) {
            found.push(amount);
        }
        i = end.max(i + 1);
    }
    found
}

/// True when the digit at `i` continues a word or a number ("G7", "1.5",
/// "3-1"), so it does not start an amount.
fn continues_token(text: &str, i: usize) -> bool {
    let before = text[..i].chars().next_back();
    match before {
        Some(c) if c.is_alphanumeric() => true,
        Some('.' | ',' | '-' | '/' | ':') => {
            // "-5" or "/5" after a digit is a score, range or date; "- 5" is fine.
            let two_back = text[..i].chars().rev().nth(1);
            two_back.is_some_and(|c| c.is_alphanumeric())
        }
        _ => false,
    }
}

/// Reads digits with thousands commas and one decimal point from `start`;
/// returns the end and the number without commas.
fn read_number(bytes: &[u8], start: usize) -> (usize, String) {
    let mut end = start;
    let mut number = String::new();
    let mut seen_point = false;
    while end < bytes.len() {
        let b = bytes[end];
        if b.is_ascii_digit() {
            number.push(b as char);
            end += 1;
        } else if b == b','
            && !seen_point
            && bytes.len() >= end + 4
            && bytes[end + 1..end + 4].iter().all(u8::is_ascii_digit)
            && bytes.get(end + 4).is_none_or(|b| !b.is_ascii_digit())
        {
            end += 1;
        } else if b == b'.' && !seen_point && bytes.get(end + 1).is_some_and(u8::is_ascii_digit) {
            seen_point = true;
            number.push('.');
            end += 1;
        } else {
            break;
        }
    }
    (end, number)
}

fn amount_at(text: &str, start: usize, end: usize, number: &str) -> Option<Amount> {
    let before = &text[..start];
    let currency = before.chars().next_back().and_then(|c| match c {
        '$' => Some("dollars"),
        '£' => Some("pounds"),
        '€' => Some("euros"),
        '¥' => Some("yen"),
        _ => None,
    });
    let begin = match currency {
        Some(_) => before
            .char_indices()
            .next_back()
            .map_or(start, |(at, _)| at),
        None => start,
    };
    let rest = &text[end..];
    let mut scale = 1.0_f64;
    // Suffixes glued to the number: "25m", "2bn", "3k".
    let glued: String = rest.chars().take_while(|c| c.is_alphanumeric()).collect();
    let mut rest = match glued.to_ascii_lowercase().as_str() {
        "" => rest,
        "m" => {
            scale = 1e6;
            &rest[1..]
        }
        "bn" => {
            scale = 1e9;
            &rest[2..]
        }
        "k" => {
            scale = 1e3;
            &rest[1..]
        }
        "tn" => {
            scale = 1e12;
            &rest[2..]
        }
        // "4th", "3D", "10am": not an amount.
        _ => return None,
    };
    if rest.starts_with(['%', ':']) || rest.starts_with(['-', '/']) && followed_by_digit(rest) {
        return None;
    }
    let mut words = rest
        .split(|c: char| c.is_whitespace())
        .filter(|w| !w.is_empty());
    let mut next = words.next().map(word_of);
    if let Some(word) = next.as_deref() {
        let word_scale = match word {
            "thousand" => 1e3,
            "million" => 1e6,
            "billion" => 1e9,
            "trillion" => 1e12,
            _ => 1.0,
        };
        if word_scale > 1.0
            && rest
                .trim_start()
                .chars()
                .next()
                .is_some_and(char::is_lowercase)
        {
            scale *= word_scale;
            let skip = rest.find(word).map_or(0, |at| at + word.len());
            rest = &rest[skip..];
            next = words.next().map(word_of);
        }
    }
    if matches!(next.as_deref(), Some("per" | "percent" | "pc")) {
        return None;
    }
    let previous = before
        .split(|c: char| !c.is_alphabetic())
        .rfind(|w| !w.is_empty())
        .map(str::to_lowercase);
    let is_month = |w: Option<&str>| w.is_some_and(|w| crate::calendar::month_of_word(w).is_some());
    if is_month(next.as_deref()) || is_month(previous.as_deref()) {
        return None;
    }
    let plain = currency.is_none() && scale == 1.0 && !number.contains('.');
    let digits_only = !text[start..end].contains(',');
    if plain && digits_only && number.len() == 4 {
        if let Ok(year) = number.parse::<u32>() {
            if (1800..=2100).contains(&year) {
                return None;
            }
        }
    }
    // The object: up to two lower-case words ("soldiers", "new homes"),
    // ending at punctuation, a function word or a verb of the clause.
    let mut object = String::new();
    let mut last = text.len() - rest.len();
    let end_of = |word: &str, from: usize| text[from..].find(word).map(|at| from + at + word.len());
    if let Some(first) = next.filter(|w| is_object_word(w)) {
        let ends_here = rest
            .trim_start()
            .get(first.len()..)
            .is_none_or(|after| !after.starts_with(' '));
        object = first.clone();
        last = end_of(&first, last).unwrap_or(last);
        if !ends_here && !first.ends_with('s') {
            if let Some(second) = words.next().map(word_of).filter(|w| is_object_word(w)) {
                last = end_of(&second, last).unwrap_or(last);
                object = format!("{first} {second}");
            }
        }
    }
    let object = match (currency, object.is_empty()) {
        (Some(currency), true) => currency.to_string(),
        _ => object,
    };
    // A bare number with nothing it counts is page, rank or score noise.
    if object.is_empty() && scale == 1.0 {
        return None;
    }
    number.parse::<f64>().ok()?;
    Some(Amount {
        value: scaled(number, scale),
        object,
        start: begin,
        end: last,
    })
}

fn is_object_word(word: &str) -> bool {
    !word.is_empty()
        && word.chars().all(|c| c.is_lowercase() || c == '-')
        && !NOT_OBJECTS.contains(&word)
}

fn followed_by_digit(rest: &str) -> bool {
    rest.chars().nth(1).is_some_and(|c| c.is_ascii_digit())
}

/// A word with its trailing punctuation cut ("soldiers," → "soldiers").
fn word_of(word: &str) -> String {
    word.trim_end_matches(|c: char| !c.is_alphanumeric())
        .trim_start_matches(|c: char| !c.is_alphanumeric())
        .to_string()
}

/// A decimal number (`8.2`) times a power of ten (`1e9`) as the exact
/// decimal it is (`8200000000`, never `8199999999.999999`): the point is
/// moved in the digits, not multiplied in floating point.
fn scaled(number: &str, scale: f64) -> String {
    let shift = scale.log10().round().max(0.0) as usize;
    let (int, frac) = number.split_once('.').unwrap_or((number, ""));
    let mut digits = format!("{int}{frac}");
    let point = int.len() + shift;
    while digits.len() < point {
        digits.push('0');
    }
    let (whole, fraction) = digits.split_at(point);
    let whole = whole.trim_start_matches('0');
    let whole = if whole.is_empty() { "0" } else { whole };
    let fraction = fraction.trim_end_matches('0');
    if fraction.is_empty() {
        whole.to_string()
    } else {
        format!("{whole}.{fraction}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(text: &str) -> Vec<(String, String)> {
        amounts(text)
            .into_iter()
            .map(|a| (a.value, a.object))
            .collect()
    }

    fn pair(value: &str, object: &str) -> (String, String) {
        (value.to_string(), object.to_string())
    }

    #[test]
    fn scaling_is_exact() {
        assert_eq!(scaled("8.2", 1e9), "8200000000");
        assert_eq!(scaled("4000", 1.0), "4000");
        assert_eq!(scaled("1.25", 1e3), "1250");
        assert_eq!(scaled("0.5", 1.0), "0.5");
        assert_eq!(scaled("2.123456789", 1e3), "2123.456789");
        assert_eq!(scaled("007", 1.0), "7");
    }

    #[test]
    fn amounts_with_scales_currencies_and_objects() {
        assert_eq!(
            found("The deal covers 4,000 megawatts and costs $2 billion."),
            [pair("4000", "megawatts"), pair("2000000000", "dollars")]
        );
        assert_eq!(
            found("We spent £25m on 1.5 million vaccines."),
            [pair("25000000", "pounds"), pair("1500000", "vaccines")]
        );
        assert_eq!(
            found("About 120 soldiers were sent."),
            [pair("120", "soldiers")]
        );
        assert_eq!(
            found("It built 4,000 new homes."),
            [pair("4000", "new homes")]
        );
    }

    #[test]
    fn years_percentages_dates_and_names_are_not_amounts() {
        assert!(found("In 2004 profits rose 76% to 12 per cent of sales.").is_empty());
        assert!(found("The G7 met on 12 March at 10:30 and won 3-1 in the 4th round.").is_empty());
        assert!(found("On March 3 the story ran at number 2.").is_empty());
    }

    #[test]
    fn offsets_point_at_the_number_or_its_sign() {
        let text = "Costs: $5 million.";
        let amount = &amounts(text)[0];
        assert_eq!(&text[amount.start..amount.end], "$5 million");
        let text = "About 120 soldiers were sent and it built 4,000 new homes.";
        let spans: Vec<&str> = amounts(text)
            .iter()
            .map(|a| &text[a.start..a.end])
            .collect();
        assert_eq!(spans, ["120 soldiers", "4,000 new homes"]);
    }
}
