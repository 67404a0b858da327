//! Event coding with PETRARCH/TABARI dictionaries: verb patterns, actors with
//! date ranges, agents and discard lists, the formats political scientists
//! maintain (PETRARCH-2's `dictionaries.rst`).
//!
//! The dictionaries arrive as text (this crate does no I/O); [`Dictionaries`]
//! parses them and [`Dictionaries::code_sentence`] codes one sentence. PETRARCH
//! needs a constituency parse of every sentence; this coder reads the flat
//! token sequence instead: noun phrases are runs of dictionary actors and
//! agents, verbs are dictionary verb forms not governed by a determiner, and
//! patterns are matched as TABARI matched them — words in order, `_` meaning
//! "next word", `$`/`+`/`%` binding the source, target or a compound actor.

mod agents;
mod coder;
mod verbs;

pub use agents::{parse_discards, Agent, AgentDictionary, Discard};
pub use coder::CodedEvent;
pub use verbs::{Element, Pattern, Step, VerbBlock, VerbDictionary, VerbForm};

use crate::kb::petrarch::{parse_actors, ActorDictionary};
use crate::NlpError;

/// An event code from a dictionary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Code {
    /// `---`: matches, but no event is coded.
    Null,
    /// `[031]`, `[032:033]` or `[:173]`: the code for source → target and,
    /// when given, the code for the reverse event target → source.
    Event {
        /// The code of the source → target event (none for `[:173]`).
        primary: Option<String>,
        /// The code of the target → source event.
        secondary: Option<String>,
    },
}

impl Code {
    /// Reads `031`, `032:033`, `---`; `None` for codes that are not codes
    /// (`+++`, `###`, `025?`), which PETRARCH skips.
    pub fn parse(text: &str) -> Option<Code> {
        let text = text.trim();
        if text == "---" {
            return Some(Code::Null);
        }
        let valid = |c: &str| !c.is_empty() && c.chars().all(|ch| ch.is_ascii_alphanumeric());
        match text.split_once(':') {
            Some((a, b)) => {
                let a = a.trim();
                let b = b.trim();
                let a_ok = valid(a) || a.is_empty() || a == "---";
                let b_ok = valid(b) || b == "---";
                if !a_ok || !b_ok || (!valid(a) && !valid(b)) {
                    return None;
                }
                Some(Code::Event {
                    primary: valid(a).then(|| a.to_string()),
                    secondary: valid(b).then(|| b.to_string()),
                })
            }
            None => valid(text).then(|| Code::Event {
                primary: Some(text.to_string()),
                secondary: None,
            }),
        }
    }
}

/// A dictionary line with its comments removed.
pub(crate) struct Line<'a> {
    pub(crate) number: usize,
    pub(crate) body: &'a str,
}

/// The non-blank lines of a dictionary without `#` comments (a `#` inside
/// `[...]` is part of a code) and `<!-- ... -->` comments, which may span lines.
pub(crate) fn lines(text: &str) -> impl Iterator<Item = Line<'_>> {
    let mut in_html_comment = false;
    text.lines().enumerate().filter_map(move |(index, raw)| {
        let mut line = raw;
        if in_html_comment {
            match line.find("-->") {
                Some(end) => {
                    in_html_comment = false;
                    line = &line[end + 3..];
                }
                None => return None,
            }
        }
        let mut kept = line;
        if let Some(start) = line.find("<!") {
            // "<!-- … -->" on one line, or the start of a comment that ends
            // on a later line.
            if !line[start..].contains("-->") {
                in_html_comment = true;
            }
            kept = &line[..start];
        }
        let body = strip_comment(kept).trim_end();
        (!body.trim().is_empty()).then_some(Line {
            number: index + 1,
            body: if body.starts_with([' ', '\t']) {
                body
            } else {
                body.trim()
            },
        })
    })
}

/// `line` up to its first `#` outside brackets.
pub(crate) fn strip_comment(line: &str) -> &str {
    let mut depth = 0i32;
    for (i, c) in line.char_indices() {
        match c {
            '[' => depth += 1,
            ']' => depth -= 1,
            '#' if depth <= 0 => return &line[..i],
            _ => {}
        }
    }
    line
}

/// The dictionaries one coder uses.
#[derive(Debug, Clone, Default)]
pub struct Dictionaries {
    /// Verbs and patterns.
    pub verbs: VerbDictionary,
    /// Actors (people, countries, organizations) with dated codes.
    pub actors: ActorDictionary,
    /// Agents (roles and sectors that qualify an actor).
    pub agents: AgentDictionary,
    /// Sentences and stories not to code.
    pub discards: Vec<Discard>,
    index: coder::Index,
}

/// Which dictionary a file is, from its name (as PETRARCH names them:
/// `*.verbs.txt` or `CAMEO.*`, `*.actors.txt`, `*.agents.txt`,
/// `*.discards.txt`); `None` for other files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DictionaryKind {
    /// A verb pattern dictionary.
    Verbs,
    /// An actor dictionary.
    Actors,
    /// An agent dictionary.
    Agents,
    /// A discard list.
    Discards,
}

impl DictionaryKind {
    /// The kind of the dictionary file called `file_name`.
    pub fn of(file_name: &str) -> Option<DictionaryKind> {
        let base = file_name.rsplit(['/', '\\']).next().unwrap_or(file_name);
        let lower = base.to_ascii_lowercase();
        if lower.contains("verbs") || lower.starts_with("cameo") {
            Some(DictionaryKind::Verbs)
        } else if lower.contains("actors") {
            Some(DictionaryKind::Actors)
        } else if lower.contains("agents") {
            Some(DictionaryKind::Agents)
        } else if lower.contains("discard") {
            Some(DictionaryKind::Discards)
        } else {
            None
        }
    }
}

impl Dictionaries {
    /// Parses dictionary files given as `(file name, text)`; the kind of each
    /// comes from its name ([`DictionaryKind::of`]). Several files of one
    /// kind are merged in order.
    pub fn parse(files: &[(String, String)]) -> Result<Dictionaries, NlpError> {
        let mut dicts = Dictionaries::default();
        for (name, text) in files {
            match DictionaryKind::of(name) {
                Some(DictionaryKind::Verbs) => {
                    let verbs = VerbDictionary::parse(name, text)?;
                    dicts.verbs.merge(verbs);
                }
                Some(DictionaryKind::Actors) => {
                    let actors = parse_actors(name, text)?;
                    dicts.actors.records.extend(actors.records);
                    dicts.actors.warnings.extend(actors.warnings);
                }
                Some(DictionaryKind::Agents) => {
                    let agents = AgentDictionary::parse(name, text)?;
                    dicts.agents.phrases.extend(agents.phrases);
                    dicts.agents.warnings.extend(agents.warnings);
                }
                Some(DictionaryKind::Discards) => {
                    dicts.discards.extend(parse_discards(name, text)?);
                }
                None => {
                    return Err(NlpError::Table {
                        table: name.clone(),
                        line: 0,
                        problem: "not a PETRARCH dictionary name: name verb files *.verbs.txt \
                                  (or CAMEO*), actors *.actors.txt, agents *.agents.txt, \
                                  discards *.discards.txt"
                            .into(),
                    })
                }
            }
        }
        dicts.index = coder::Index::build(&dicts);
        Ok(dicts)
    }

    /// Lines skipped while reading, as `file, line N: problem`.
    pub fn warnings(&self) -> impl Iterator<Item = &str> {
        self.verbs
            .warnings
            .iter()
            .chain(&self.actors.warnings)
            .chain(&self.agents.warnings)
            .map(String::as_str)
    }

    /// Codes one sentence given as its words (tokens as they appear in the
    /// text) on `date` (`YYYYMMDD`, for dated actor codes).
    pub fn code_sentence(&self, words: &[&str], date: Option<u32>) -> Vec<CodedEvent> {
        coder::code(self, words, date, &[])
    }

    /// Like [`Dictionaries::code_sentence`], with actors already known
    /// (word range → actor code, e.g. from entity linking) standing where
    /// no dictionary actor or agent matches.
    pub fn code_sentence_with(
        &self,
        words: &[&str],
        date: Option<u32>,
        known: &[(std::ops::Range<usize>, String)],
    ) -> Vec<CodedEvent> {
        coder::code(self, words, date, known)
    }

    /// The code of every verb of a sentence, in order, with or without
    /// actors: (code, the verb's word range).
    pub fn verb_codes(&self, words: &[&str]) -> Vec<(String, std::ops::Range<usize>)> {
        coder::verb_codes(self, words)
    }

    /// Whether a discard phrase in `text` stops the whole story from being coded.
    pub fn discards_story(&self, text: &str) -> bool {
        let upper = coder::normalized_upper(text);
        self.discards
            .iter()
            .any(|d| d.story && agents::discard_matches(d, &upper))
    }
}

impl VerbDictionary {
    /// Adds another verb dictionary's entries after this one's.
    fn merge(&mut self, other: VerbDictionary) {
        let block_offset = self.blocks.len();
        let synset_offset = self.synsets.len();
        for mut block in other.blocks {
            for pattern in &mut block.patterns {
                for step in pattern.before.iter_mut().chain(pattern.after.iter_mut()) {
                    if let Element::Synset(index) = &mut step.element {
                        *index += synset_offset;
                    }
                }
            }
            self.blocks.push(block);
        }
        self.synsets.extend(other.synsets);
        for (word, forms) in other.forms {
            let entry = self.forms.entry(word).or_default();
            entry.extend(forms.into_iter().map(|mut f| {
                f.block += block_offset;
                f
            }));
        }
        self.warnings.extend(other.warnings);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_parse_like_petrarch() {
        assert_eq!(Code::parse("---"), Some(Code::Null));
        assert_eq!(
            Code::parse("032:033"),
            Some(Code::Event {
                primary: Some("032".into()),
                secondary: Some("033".into())
            })
        );
        assert!(Code::parse("174K").is_some());
        assert_eq!(
            Code::parse(":173"),
            Some(Code::Event {
                primary: None,
                secondary: Some("173".into())
            })
        );
        for bad in ["+++", "###", "025?", ""] {
            assert_eq!(Code::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn comments_are_dropped_but_hash_codes_kept() {
        let text = "<!-- a\nb -->\nA [###] # c\n<!-- one line -->\n# only\nB\n";
        let kept: Vec<(usize, &str)> = lines(text).map(|l| (l.number, l.body)).collect();
        assert_eq!(kept, [(3, "A [###]"), (6, "B")]);
    }

    #[test]
    fn file_kinds_come_from_names() {
        assert_eq!(
            DictionaryKind::of("CAMEO.2.0.txt"),
            Some(DictionaryKind::Verbs)
        );
        assert_eq!(
            DictionaryKind::of("Phoenix.Countries.actors.txt"),
            Some(DictionaryKind::Actors)
        );
        assert_eq!(DictionaryKind::of("README.md"), None);
        assert_eq!(
            DictionaryKind::of("/x/cameo/CAMEO.2.0.txt"),
            Some(DictionaryKind::Verbs)
        );
        let err = Dictionaries::parse(&[("notes.txt".into(), String::new())]).unwrap_err();
        assert!(err.to_string().contains("notes.txt"));
    }
}
