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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_sorted_for_binary_search() {
        assert!(ISO_639_3_TO_1.windows(2).all(|w| w[0].0 < w[1].0));
    }

    #[test]
    fn three_letter_codes_map_to_two() {
        assert_eq!(iso_639_1("deu"), Some("de"));
        assert_eq!(iso_639_1("cmn"), Some("zh"));
        assert_eq!(iso_639_1("xxx"), None);
    }
}
