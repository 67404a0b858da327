//! The event lexicon: CAMEO codes with names and Goldstein values
//! (`kb/cameo_codes.tsv`) and the triggers that express them
//! (`kb/event_lexicon.tsv`), indexed by their first word.

use std::collections::HashMap;
use std::hash::BuildHasherDefault;

use crate::ner::KeyHasher;
use std::sync::OnceLock;

use crate::kb::table::Table;
use crate::NlpError;

/// A CAMEO code's facts.
#[derive(Debug, Clone, PartialEq)]
pub struct CodeInfo {
    /// The code's name ("Make a visit").
    pub name: String,
    /// Its Goldstein scale value, −10 (conflict) to +10 (cooperation).
    pub goldstein: f32,
}

/// Whether a trigger is a verb or a noun.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TriggerKind {
    /// "visited", "will meet".
    Verb,
    /// "a visit to", "talks with".
    Noun,
}

/// One way of saying an event.
#[derive(Debug, Clone, PartialEq)]
pub struct Trigger {
    /// The CAMEO code.
    pub code: String,
    /// Verb or noun.
    pub kind: TriggerKind,
    /// The form's words, lower case.
    pub words: Vec<String>,
    /// Alternatives for the words that must follow (empty: none needed).
    pub after: Vec<Vec<String>>,
}

/// Codes and triggers.
#[derive(Debug, Clone, Default)]
pub struct Lexicon {
    codes: HashMap<String, CodeInfo>,
    by_first_word: HashMap<String, Vec<Trigger>, BuildHasherDefault<KeyHasher>>,
}

impl Lexicon {
    /// The lexicon written in the project.
    pub fn builtin() -> &'static Lexicon {
        static LEXICON: OnceLock<Lexicon> = OnceLock::new();
        LEXICON.get_or_init(|| {
            Lexicon::from_tables(
                include_str!("../../kb/cameo_codes.tsv"),
                include_str!("../../kb/event_lexicon.tsv"),
            )
            .expect("the built-in event tables are checked by a unit test")
        })
    }

    /// Builds a lexicon from a codes table and a triggers table.
    pub fn from_tables(codes: &str, triggers: &str) -> Result<Lexicon, NlpError> {
        let mut lexicon = Lexicon::default();
        let table = Table::parse("kb/cameo_codes.tsv", codes, &["code", "name", "goldstein"])?;
        for (line, row) in table.rows() {
            let goldstein = row.get("goldstein").parse().map_err(|_| {
                table.error(
                    line,
                    format!("Goldstein value {:?} is not a number", row.get("goldstein")),
                )
            })?;
            lexicon.codes.insert(
                row.get("code").to_string(),
                CodeInfo {
                    name: row.get("name").to_string(),
                    goldstein,
                },
            );
        }
        let table = Table::parse(
            "kb/event_lexicon.tsv",
            triggers,
            &["code", "kind", "lemma", "forms"],
        )?;
        for (line, row) in table.rows() {
            let code = row.get("code").to_string();
            if !lexicon.codes.contains_key(&code) {
                return Err(table.error(line, format!("unknown CAMEO code {code:?}")));
            }
            let kind = match row.get("kind") {
                "verb" => TriggerKind::Verb,
                "noun" => TriggerKind::Noun,
                other => {
                    return Err(table.error(line, format!("kind {other:?} is not verb or noun")))
                }
            };
            let after: Vec<Vec<String>> = row
                .list("after")
                .iter()
                .map(|a| a.split_whitespace().map(str::to_lowercase).collect())
                .collect();
            for form in row.list("forms") {
                let words: Vec<String> = form.split_whitespace().map(str::to_lowercase).collect();
                let Some(first) = words.first().cloned() else {
                    continue;
                };
                lexicon
                    .by_first_word
                    .entry(first)
                    .or_default()
                    .push(Trigger {
                        code: code.clone(),
                        kind,
                        words,
                        after: after.clone(),
                    });
            }
        }
        // Longer forms first, so "call for" wins over "call".
        for triggers in lexicon.by_first_word.values_mut() {
            triggers.sort_by_key(|t| {
                std::cmp::Reverse(t.words.len() + t.after.iter().map(Vec::len).max().unwrap_or(0))
            });
        }
        Ok(lexicon)
    }

    /// The facts of a code.
    pub fn code(&self, code: &str) -> Option<&CodeInfo> {
        self.codes.get(code)
    }

    /// Triggers whose first word is `word` (lower case).
    pub fn triggers(&self, word: &str) -> &[Trigger] {
        self.by_first_word.get(word).map_or(&[], Vec::as_slice)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_lexicon_loads() {
        let lexicon = Lexicon::builtin();
        assert_eq!(lexicon.code("042").map(|c| c.goldstein), Some(1.9));
        assert!(!lexicon.triggers("visited").is_empty());
        assert!(lexicon.codes.len() >= 300);
    }

    #[test]
    fn unknown_codes_are_errors() {
        let codes = "code\tname\tgoldstein\n042\tMake a visit\t1.9\n";
        let bad = "code\tkind\tlemma\tforms\tafter\tnote\n999\tverb\tx\tx\t\t\n";
        let err = Lexicon::from_tables(codes, bad).unwrap_err().to_string();
        assert!(err.contains("line 2") && err.contains("999"), "{err}");
    }
}
