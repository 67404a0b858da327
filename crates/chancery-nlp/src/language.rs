//! The language gate: which text the English-only analyses may read.
//!
//! The tagger, the knowledge-base linking, the quote cues and the event
//! lexicon are all English (tone has word lists per language and reads a
//! skipped document in its detected language). Run over German or Spanish they do
//! not fail, they invent ("Im Rahmen der Energieversorgung" as a person), so
//! text in another language is kept out of them: a document whose body is
//! mostly in another language is not analysed at all, and blocks in another
//! language inside an English document are masked (their bytes turned into
//! spaces, so every offset stays valid) and listed as skipped.
//!
//! Detection is whatlang's trigram model per block. A block in a non-Latin
//! script (Cyrillic, Arabic, Han…) is not English however short it is; a
//! block in Latin script needs [`MIN_LATIN_WORDS`] words and a reliable
//! guess before it counts as another language, so a short English
//! paragraph full of names is never skipped.

use chancery_model::{Article, SkippedBlock};
use whatlang::Script;

/// Fewer lower-case words than this in Latin script decide nothing: trigram
/// guesses on a line or two, or on a list of names, are noise.
const MIN_LATIN_WORDS: usize = 8;

/// Letters a non-Latin block needs before its script decides.
const MIN_OTHER_SCRIPT_LETTERS: usize = 4;

/// Bytes of a block that detection reads; a few sentences decide as well as
/// a long paragraph.
const SAMPLE_BYTES: usize = 1024;

/// What the gate decided for one article.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// The document is English (or cannot be told apart from it): analyse
    /// it, with these blocks masked out.
    Analyse(Vec<SkippedBlock>),
    /// The document is in another language (ISO 639-1 when known): analyse
    /// nothing.
    Skip(Option<String>),
}

/// The language of one stretch of text, as far as it can be told.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Judged {
    English,
    Other(Option<&'static str>),
    Unknown,
}

fn judge_text(text: &str) -> Judged {
    let sample = &text[..text.floor_char_boundary(SAMPLE_BYTES)];
    if chancery_model::plainly_english(sample) {
        return Judged::English;
    }
    // Prose has many words in lower case; a line-up or a list of names
    // ("Dimitri Yachvili (Biarritz), Pierre Mignoni (Clermont), …") has
    // almost none, and trigrams of names say nothing about a language.
    let lower_words = lower_case_words(sample);
    // Such a sample in Latin script (or without letters) is Unknown
    // whatever the trigrams say, and whatlang decides the script first, by
    // the same count `detect_script` makes: that alone is asked.
    if lower_words < MIN_LATIN_WORDS
        && matches!(whatlang::detect_script(sample), None | Some(Script::Latin))
    {
        return Judged::Unknown;
    }
    judge_by_trigrams(sample, lower_words)
}

fn lower_case_words(sample: &str) -> usize {
    sample
        .split_whitespace()
        .filter(|w| w.starts_with(char::is_lowercase))
        .count()
}

/// whatlang's full guess on a sample that is not plainly English, with the
/// sample's count of lower-case words.
fn judge_by_trigrams(sample: &str, lower_words: usize) -> Judged {
    let Some(info) = whatlang::detect(sample) else {
        return Judged::Unknown;
    };
    let code = chancery_model::iso_639_1(info.lang().code());
    if info.script() != Script::Latin {
        let letters = sample.chars().filter(|c| c.is_alphabetic()).count();
        // The script alone says "not English"; which language it is, only a
        // reliable guess says (a short Russian line reads as Bulgarian).
        return if letters >= MIN_OTHER_SCRIPT_LETTERS {
            Judged::Other(code.filter(|_| info.is_reliable()))
        } else {
            Judged::Unknown
        };
    }
    if lower_words < MIN_LATIN_WORDS {
        return Judged::Unknown;
    }
    match code {
        Some("en") => Judged::English,
        _ if info.is_reliable() => Judged::Other(code),
        _ => Judged::Unknown,
    }
}

/// Decides which of `article` the English-only analyses read.
pub fn gate(article: &Article) -> Verdict {
    let whole = [chancery_model::Block {
        start: 0,
        end: article.text.len(),
        kind: chancery_model::BlockKind::Paragraph,
    }];
    let blocks = if article.paragraphs.is_empty() {
        &whole[..]
    } else {
        &article.paragraphs[..]
    };
    let mut english = 0usize;
    // Bytes per other language, in first-seen order (a handful at most).
    let mut other: Vec<(Option<&'static str>, usize)> = Vec::new();
    let mut skipped = Vec::new();
    for block in blocks {
        let Some(text) = article.text.get(block.start..block.end) else {
            continue;
        };
        match judge_text(text) {
            Judged::English => english += text.len(),
            Judged::Other(code) => {
                match other.iter_mut().find(|(c, _)| *c == code) {
                    Some((_, bytes)) => *bytes += text.len(),
                    None => other.push((code, text.len())),
                }
                skipped.push(SkippedBlock {
                    start: block.start,
                    end: block.end,
                    language: code.map(String::from),
                });
            }
            Judged::Unknown => {}
        }
    }
    let other_bytes: usize = other.iter().map(|(_, bytes)| bytes).sum();
    if english == 0 && other_bytes == 0 {
        // No block long enough on its own: the body as a whole, then the
        // article's language — but only where the text shows letters English
        // does not use: that language may be the extractor's own guess on a
        // line of names ("… met Sergey Lavrov in Moscow" read as Indonesian).
        let foreign_letters = article
            .text
            .chars()
            .any(|c| c.is_alphabetic() && !c.is_ascii());
        return match judge_text(&article.text) {
            Judged::Other(code) => Verdict::Skip(code.map(String::from)),
            Judged::English => Verdict::Analyse(Vec::new()),
            Judged::Unknown => match article.language.as_deref() {
                Some(declared) if declared != "en" && foreign_letters => {
                    Verdict::Skip(Some(declared.to_string()))
                }
                _ => Verdict::Analyse(Vec::new()),
            },
        };
    }
    if other_bytes > english {
        let main = other
            .iter()
            .max_by_key(|(_, bytes)| *bytes)
            .and_then(|(code, _)| *code);
        return Verdict::Skip(main.map(String::from));
    }
    Verdict::Analyse(skipped)
}

/// `text` with the skipped blocks' bytes turned into spaces (line breaks
/// kept), so that offsets into it are offsets into `text`.
pub fn mask(text: &str, skipped: &[SkippedBlock]) -> String {
    let mut bytes = text.as_bytes().to_vec();
    for block in skipped {
        for b in &mut bytes[block.start.min(text.len())..block.end.min(text.len())] {
            if *b != b'\n' {
                *b = b' ';
            }
        }
    }
    // Blocks start and end on character boundaries and every byte inside
    // became ASCII, so the result is UTF-8; the fallback never runs.
    String::from_utf8(bytes).unwrap_or_else(|_| text.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chancery_model::BlockKind;

    fn article(blocks: &[&str]) -> Article {
        let mut article = Article::default();
        for block in blocks {
            article.push_block(block, BlockKind::Paragraph);
        }
        article
    }

    const ENGLISH: &str = "The foreign minister will travel to Moscow later this week for talks with his Russian counterpart, officials said on Monday.";
    const GERMAN: &str = "Der Außenminister wird später in dieser Woche zu Gesprächen nach Moskau reisen, teilte das Ministerium am Montag mit.";

    #[test]
    fn an_english_article_is_analysed_whole() {
        assert_eq!(
            gate(&article(&[ENGLISH, ENGLISH])),
            Verdict::Analyse(vec![])
        );
    }

    #[test]
    fn a_german_article_is_skipped_with_its_language() {
        assert_eq!(
            gate(&article(&[GERMAN, GERMAN])),
            Verdict::Skip(Some("de".into()))
        );
    }

    #[test]
    fn a_german_block_in_an_english_article_is_masked() {
        let article = article(&[ENGLISH, GERMAN, ENGLISH]);
        let Verdict::Analyse(skipped) = gate(&article) else {
            panic!("an English article");
        };
        assert_eq!(skipped.len(), 1);
        assert_eq!(&article.text[skipped[0].start..skipped[0].end], GERMAN);
        assert_eq!(skipped[0].language.as_deref(), Some("de"));
        let masked = mask(&article.text, &skipped);
        assert_eq!(masked.len(), article.text.len());
        assert!(masked.starts_with(ENGLISH) && masked.ends_with(ENGLISH));
        assert!(!masked.contains("Moskau"));
    }

    #[test]
    fn function_words_tell_english_and_only_english() {
        assert!(chancery_model::plainly_english(ENGLISH));
        for other in [
            GERMAN,
            "El ministro de Economía anunció que viajará a Moscú la próxima semana para firmar acuerdos.",
            "De minister van Buitenlandse Zaken is in het weekend naar Moskou gereisd voor overleg met zijn collega.",
            "Il ministro degli Esteri è partito per Mosca in settimana per colloqui con il suo omologo russo.",
        ] {
            assert!(!chancery_model::plainly_english(other), "{other}");
        }
    }

    #[test]
    fn short_latin_lines_decide_nothing_but_other_scripts_do() {
        assert_eq!(judge_text("Tony Blair, Gordon Brown"), Judged::Unknown);
        assert_eq!(
            judge_text("Dimitri Yachvili (Biarritz), Pierre Mignoni (Clermont), Yann Delaigue (Castres), Frederic Michalak (Stade Toulousain), Julien Laharrague (Brive)"),
            Judged::Unknown
        );
        assert!(matches!(
            judge_text("Москва, понедельник"),
            Judged::Other(_)
        ));
        assert_eq!(
            judge_text("Министр иностранных дел России провёл переговоры в Москве в понедельник."),
            Judged::Other(Some("ru"))
        );
    }

    #[test]
    fn short_samples_are_judged_as_the_full_guess_judged_them() {
        let pieces = [
            "Tony Blair",
            "said the",
            "£1.2bn",
            "Москва",
            "понедельник в",
            "東京",
            "Zürich",
            "été",
            "12:30",
            "—",
            "Ελλάδα",
            "the talks",
            "der Minister",
            "",
        ];
        // Every sequence of up to four pieces, so samples of every script
        // mix, length and count of lower-case words are met.
        let mut samples = vec![String::new()];
        for _ in 0..4 {
            let longer: Vec<String> = samples
                .iter()
                .flat_map(|s| pieces.iter().map(move |p| format!("{s} {p}")))
                .collect();
            samples.extend(longer);
        }
        samples.push(ENGLISH.into());
        samples.push(GERMAN.into());
        for text in &samples {
            // What `judge_text` was: whatlang's full guess on every sample
            // that is not plainly English.
            let sample = &text[..text.floor_char_boundary(SAMPLE_BYTES)];
            let full_guess = if chancery_model::plainly_english(sample) {
                Judged::English
            } else {
                judge_by_trigrams(sample, lower_case_words(sample))
            };
            assert_eq!(judge_text(text), full_guess, "{text:?}");
        }
    }

    #[test]
    fn a_short_page_follows_its_declared_language() {
        let mut short = article(&["Pleno del Comité Central"]);
        short.language = Some("es".into());
        assert_eq!(gate(&short), Verdict::Skip(Some("es".into())));
        short.language = Some("en".into());
        assert_eq!(gate(&short), Verdict::Analyse(vec![]));
        // A guess on a line of names in plain ASCII is not believed.
        let mut names = article(&["Iran's Foreign Minister Abbas Araghchi met Russian Foreign Minister Sergey Lavrov in Moscow on Monday."]);
        names.language = Some("id".into());
        assert_eq!(gate(&names), Verdict::Analyse(vec![]));
    }
}
