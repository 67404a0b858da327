//! Language codes: the ISO 639-1 code the JSON contract uses for a language
//! named by its ISO 639-3 code (what language detectors report).

/// ISO 639-3 → ISO 639-1, for the languages that have a two-letter code
/// (facts, from ISO 639; macrolanguages map to their two-letter code:
/// Mandarin `cmn` → `zh`, Iranian Persian `pes` → `fa`, Norwegian Bokmål
/// `nob` → `nb`).
const ISO_639_3_TO_1: &[(&str, &str)] = &[
    ("afr", "af"),
    ("aka", "ak"),
    ("amh", "am"),
    ("ara", "ar"),
    ("aze", "az"),
    ("bel", "be"),
    ("ben", "bn"),
    ("bul", "bg"),
    ("cat", "ca"),
    ("ces", "cs"),
    ("cmn", "zh"),
    ("cym", "cy"),
    ("dan", "da"),
    ("deu", "de"),
    ("ell", "el"),
    ("eng", "en"),
    ("epo", "eo"),
    ("est", "et"),
    ("fin", "fi"),
    ("fra", "fr"),
    ("guj", "gu"),
    ("heb", "he"),
    ("hin", "hi"),
    ("hrv", "hr"),
    ("hun", "hu"),
    ("hye", "hy"),
    ("ind", "id"),
    ("ita", "it"),
    ("jav", "jv"),
    ("jpn", "ja"),
    ("kan", "kn"),
    ("kat", "ka"),
    ("khm", "km"),
    ("kor", "ko"),
    ("lat", "la"),
    ("lav", "lv"),
    ("lit", "lt"),
    ("mal", "ml"),
    ("mar", "mr"),
    ("mkd", "mk"),
    ("mya", "my"),
    ("nep", "ne"),
    ("nld", "nl"),
    ("nob", "nb"),
    ("ori", "or"),
    ("pan", "pa"),
    ("pes", "fa"),
    ("pol", "pl"),
    ("por", "pt"),
    ("ron", "ro"),
    ("rus", "ru"),
    ("sin", "si"),
    ("slk", "sk"),
    ("slv", "sl"),
    ("sna", "sn"),
    ("spa", "es"),
    ("srp", "sr"),
    ("swe", "sv"),
    ("tam", "ta"),
    ("tel", "te"),
    ("tgl", "tl"),
    ("tha", "th"),
    ("tuk", "tk"),
    ("tur", "tr"),
    ("ukr", "uk"),
    ("urd", "ur"),
    ("uzb", "uz"),
    ("vie", "vi"),
    ("yid", "yi"),
    ("zul", "zu"),
];

/// The ISO 639-1 code of a language given by its ISO 639-3 code (`deu` →
/// `de`), when it has one.
pub fn iso_639_1(iso_639_3: &str) -> Option<&'static str> {
    ISO_639_3_TO_1
        .binary_search_by_key(&iso_639_3, |(three, _)| three)
        .ok()
        .map(|i| ISO_639_3_TO_1[i].1)
}

/// Function words of English that other languages in Latin script do not
/// write as words (no "in", "is", "was": Dutch, German and Italian have them).
const ENGLISH_WORDS: &[&str] = &[
    "the", "and", "of", "to", "that", "with", "for", "said", "it", "he", "by", "from", "have",
    "has", "are", "were", "this", "which", "his", "they", "will", "would", "been", "their",
];

/// Fewer words than this decide nothing.
const MIN_WORDS: usize = 8;

/// Signs outside ASCII that belong to no language's letters: currencies
/// and typographic punctuation, which English news writes (a pound sign is
/// in a third of the BBC's articles) as much as any other.
const NEUTRAL_SIGNS: &[char] = &[
    '£', '€', '¥', '¢', '\u{a0}', '‘', '’', '“', '”', '–', '—', '…',
];

/// English told cheaply: a sample of eight words or more in plain ASCII
/// (currency signs and typographic punctuation aside, which no language
/// owns), one in eight of its words an English function word (running
/// prose has one in four or more). Language detectors' trigram models cost
/// far more, and most news is English, so both the extractor's guess and
/// the language gate ask this first.
pub fn plainly_english(sample: &str) -> bool {
    if !sample.is_ascii()
        && !sample
            .chars()
            .all(|c| c.is_ascii() || NEUTRAL_SIGNS.contains(&c))
    {
        return false;
    }
    let (mut words, mut english) = (0usize, 0usize);
    for word in sample.split(|c: char| !c.is_ascii_alphabetic()) {
        if word.is_empty() {
            continue;
        }
        words += 1;
        if word.len() <= 5 && ENGLISH_WORDS.iter().any(|w| w.eq_ignore_ascii_case(word)) {
            english += 1;
        }
    }
    words >= MIN_WORDS && english * 8 >= words
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_sorted_for_binary_search() {
        assert!(ISO_639_3_TO_1.windows(2).all(|w| w[0].0 < w[1].0));
    }

    #[test]
    fn plain_english_is_told_without_a_model() {
        assert!(plainly_english(
            "The minister said on Monday that the talks with Russia would go on."
        ));
        // Too short, another language, another script.
        assert!(!plainly_english("The talks."));
        assert!(!plainly_english(
            "De minister zei maandag dat de gesprekken met Rusland doorgaan."
        ));
        assert!(!plainly_english(
            "Министр сказал, что переговоры продолжатся."
        ));
        // Prices and curly quotes are no other language; accented letters are.
        assert!(plainly_english(
            "The firm said on Monday that its profit rose to £1.2bn, “ahead of forecasts”."
        ));
        assert!(!plainly_english(
            "The firm said that the café and the crèche would close, and the staff with it."
        ));
    }

    #[test]
    fn three_letter_codes_map_to_two() {
        assert_eq!(iso_639_1("deu"), Some("de"));
        assert_eq!(iso_639_1("cmn"), Some("zh"));
        assert_eq!(iso_639_1("xxx"), None);
    }
}
