//! Language identification for bodies whose page does not declare one.

/// ISO 639-1 code of the text's language, when the text is long enough for a
/// reliable guess.
pub(crate) fn detect(text: &str) -> Option<String> {
    // whatlang looks at trigrams; a few kilobytes decide as well as the whole body.
    let sample = &text[..text.floor_char_boundary(4096)];
    if sample.split_whitespace().count() < 8 {
        return None;
    }
    if chancery_model::plainly_english(sample) {
        return Some("en".to_string());
    }
    let info = whatlang::detect(sample)?;
    if !info.is_reliable() && info.confidence() < 0.5 {
        return None;
    }
    chancery_model::iso_639_1(info.lang().code()).map(String::from)
}

/// The primary subtag of a language tag, lower-cased (`en-US` → `en`), when it
/// looks like an ISO 639 code.
pub(crate) fn normalize_tag(tag: &str) -> Option<String> {
    let primary = tag.trim().split(['-', '_']).next()?.to_ascii_lowercase();
    let valid = (2..=3).contains(&primary.len()) && primary.bytes().all(|b| b.is_ascii_lowercase());
    valid.then_some(primary)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_common_languages_on_sentences() {
        assert_eq!(detect("The foreign minister will travel to Moscow later this week for talks with his counterpart.").as_deref(), Some("en"));
        assert_eq!(detect("Le ministre des affaires étrangères se rendra à Moscou plus tard cette semaine pour des entretiens.").as_deref(), Some("fr"));
        assert_eq!(detect("Der Außenminister wird später in dieser Woche zu Gesprächen nach Moskau reisen und dort verhandeln.").as_deref(), Some("de"));
    }

    #[test]
    fn too_short_to_tell() {
        assert_eq!(detect("Hello"), None);
    }

    #[test]
    fn tags_reduce_to_their_primary_subtag() {
        assert_eq!(normalize_tag("en-US").as_deref(), Some("en"));
        assert_eq!(normalize_tag("pt_BR").as_deref(), Some("pt"));
        assert_eq!(normalize_tag("").as_deref(), None);
        assert_eq!(normalize_tag("x1").as_deref(), None);
    }
}
