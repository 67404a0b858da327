//! PETRARCH/TABARI verb dictionaries (`CAMEO.2.0.txt`, `PETR.Validate.verbs.txt`):
//! synonym sets, verb blocks with their forms and codes, and the patterns that
//! refine a block's code by the words around the verb.
//!
//! ```text
//! &CURRENCY                      a synonym set; `+` lines are its phrases
//! +DOLLARS
//! --- CONTRIBUTE [070] ---       a block and its default code
//! CONTRIBUTE                     a verb; regular forms are generated
//! BREAK {BROKE BROKEN}           irregular forms
//! +CORDON_OFF {+CORDONED_OFF}    a multi-word verb: `+` marks the verb word
//! - * &CURRENCY [903]            a pattern: words before `*`, the verb, words after
//! - + WAS * DEAD IN $ [224]      `$` source, `+` target, `%` compound, `^` skip
//! ```

use std::collections::HashMap;

use super::{Code, Line};
use crate::NlpError;

/// One element of a pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Element {
    /// A word, upper case.
    Word(String),
    /// Any phrase of a synonym set (index into [`VerbDictionary::synsets`]).
    Synset(usize),
    /// The source actor (`$`).
    Source,
    /// The target actor (`+`).
    Target,
    /// A compound actor whose members act on each other (`%`).
    Compound,
    /// Skip a noun phrase (`^`).
    Skip,
}

/// A pattern element and whether the next element must follow it directly
/// (an underscore between them) rather than after other words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// What must be found.
    pub element: Element,
    /// The next element (or the verb, at the end of the words before it)
    /// must come right after this one.
    pub adjacent: bool,
}

/// A pattern: words before and after the verb and the code they give.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pattern {
    /// Elements before the verb, in sentence order; the last one's
    /// `adjacent` says whether it must touch the verb.
    pub before: Vec<Step>,
    /// Whether the first element after the verb must touch it.
    pub after_adjacent: bool,
    /// Elements after the verb, in sentence order.
    pub after: Vec<Step>,
    /// The event code (or the null code, which matches and codes nothing).
    pub code: Code,
    /// The line in the dictionary (evidence for a coded event).
    pub line: usize,
}

impl Pattern {
    /// How specific the pattern is: the number of elements it must find.
    pub fn weight(&self) -> usize {
        self.before.len() + self.after.len()
    }
}

/// A block of synonymous verbs that share patterns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerbBlock {
    /// The block's name from its `--- NAME [CODE] ---` header.
    pub name: String,
    /// The code of a verb without a code of its own and without a matching pattern.
    pub code: Code,
    /// The patterns, in file order.
    pub patterns: Vec<Pattern>,
}

/// One form of a verb as it appears in text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerbForm {
    /// Index of the block in [`VerbDictionary::blocks`].
    pub block: usize,
    /// The verb's own code, when its line gives one.
    pub code: Option<Code>,
    /// Words that must come right before the verb word (multi-word verbs).
    pub before: Vec<String>,
    /// Words that must come right after the verb word.
    pub after: Vec<String>,
    /// The dictionary line of the verb.
    pub line: usize,
    /// A past form (regular `-ED`, or an irregular form other than `-S`/`-ING`),
    /// which can head a passive.
    pub past: bool,
}

/// A parsed verb dictionary.
#[derive(Debug, Clone, Default)]
pub struct VerbDictionary {
    /// Synonym sets: each a list of phrases (word lists).
    pub synsets: Vec<Vec<Vec<String>>>,
    /// Verb blocks in file order.
    pub blocks: Vec<VerbBlock>,
    /// Word (upper case) → the verb forms it can be.
    pub forms: HashMap<String, Vec<VerbForm>>,
    /// Lines skipped with the reason, as `file, line N: problem`.
    pub warnings: Vec<String>,
}

/// The regular plural of a noun, as PETRARCH forms it for synonym sets.
pub(crate) fn plural(word: &str) -> String {
    if let Some(stem) = word.strip_suffix('Y') {
        format!("{stem}IES")
    } else if word.ends_with("SS") {
        format!("{word}ES")
    } else {
        format!("{word}S")
    }
}

/// The regular forms of a verb: `S`, `ED` (or `D` after a final `E`) and `ING`
/// (dropping a final `E`), as TABARI and PETRARCH generate them.
fn regular_forms(root: &str) -> [String; 3] {
    match root.strip_suffix('E') {
        Some(stem) if !stem.is_empty() => {
            [format!("{root}S"), format!("{root}D"), format!("{stem}ING")]
        }
        _ => [
            format!("{root}S"),
            format!("{root}ED"),
            format!("{root}ING"),
        ],
    }
}

/// Splits `KLM_NOP_+RST` into (words before, verb word, words after).
fn multiword(text: &str) -> Option<(Vec<String>, String, Vec<String>)> {
    let words: Vec<&str> = text.split('_').filter(|w| !w.is_empty()).collect();
    let at = words.iter().position(|w| w.starts_with('+')).unwrap_or(0);
    let verb = words.get(at)?.trim_start_matches('+').to_ascii_uppercase();
    if verb.is_empty() {
        return None;
    }
    let up = |w: &&str| w.to_ascii_uppercase();
    Some((
        words[..at].iter().map(up).collect(),
        verb,
        words[at + 1..].iter().map(up).collect(),
    ))
}

enum Context {
    None,
    Synset(usize, bool),
    Block(usize),
}

impl VerbDictionary {
    /// Parses a verb dictionary; `name` names the file in errors and warnings.
    ///
    /// Malformed lines that would change what is coded (a pattern without a
    /// code, a pattern outside a block) are errors with the line number;
    /// patterns that use an unknown synonym set or an unusable code are
    /// skipped with a warning, as PETRARCH does.
    pub fn parse(name: &str, text: &str) -> Result<VerbDictionary, NlpError> {
        let mut dict = VerbDictionary::default();
        let mut labels: HashMap<String, usize> = HashMap::new();
        let mut context = Context::None;
        for Line { number, body } in super::lines(text) {
            let error = |problem: String| NlpError::Table {
                table: name.to_string(),
                line: number,
                problem,
            };
            if body.starts_with("---") {
                let inner = body.trim_matches('-').trim();
                let (block_name, code) = match inner.find('[') {
                    Some(open) => {
                        let code_text = bracket(&inner[open..])
                            .ok_or_else(|| error("a block header with an unclosed `[`".into()))?;
                        (inner[..open].trim(), Code::parse(code_text))
                    }
                    None => (inner, Some(Code::Null)),
                };
                let code = code.unwrap_or_else(|| {
                    dict.warnings.push(format!(
                        "{name}, line {number}: block {block_name} has an unusable code; its verbs code nothing"
                    ));
                    Code::Null
                });
                dict.blocks.push(VerbBlock {
                    name: block_name.to_string(),
                    code,
                    patterns: Vec::new(),
                });
                context = Context::Block(dict.blocks.len() - 1);
                continue;
            }
            if let Some(label) = body.strip_prefix('&') {
                let label = label.split_whitespace().next().unwrap_or("");
                if label.is_empty() {
                    return Err(error("a synonym set without a name".into()));
                }
                let no_plurals = label.ends_with('_');
                let key = label.trim_end_matches('_').to_ascii_uppercase();
                dict.synsets.push(Vec::new());
                let index = dict.synsets.len() - 1;
                labels.insert(key, index);
                context = Context::Synset(index, no_plurals);
                continue;
            }
            if let Some(rest) = body.strip_prefix('~') {
                // Transformations ("~ a (a b WILL_ATTACK) SAY = a b 138") rewrite
                // events coded from nested verbs; the coder codes each verb on its
                // own, so they are read past with a note.
                let _ = rest;
                dict.warnings.push(format!(
                    "{name}, line {number}: transformation lines are not applied"
                ));
                continue;
            }
            if let Some(rest) = body.strip_prefix('-') {
                let Context::Block(block) = context else {
                    return Err(error("a pattern outside a verb block".into()));
                };
                let open = rest
                    .rfind('[')
                    .ok_or_else(|| error("a pattern without a `[code]`".into()))?;
                let code_text = bracket(&rest[open..])
                    .ok_or_else(|| error("a pattern with an unclosed `[`".into()))?;
                let Some(code) = Code::parse(code_text) else {
                    dict.warnings.push(format!(
                        "{name}, line {number}: skipped a pattern with the unusable code [{code_text}]"
                    ));
                    continue;
                };
                match parse_pattern(&rest[..open], &labels) {
                    Ok(Some((before, after_adjacent, after))) => {
                        dict.blocks[block].patterns.push(Pattern {
                            before,
                            after_adjacent,
                            after,
                            code,
                            line: number,
                        })
                    }
                    Ok(None) => {}
                    Err(problem) => dict.warnings.push(format!(
                        "{name}, line {number}: skipped a pattern: {problem}"
                    )),
                }
                continue;
            }
            match context {
                Context::Synset(index, no_plurals) if body.starts_with('+') => {
                    let phrase = body[1..].split_whitespace().collect::<Vec<_>>().join(" ");
                    dict.add_synset_phrase(index, no_plurals, &phrase, &labels);
                }
                Context::Block(block) => dict.add_verb_line(name, number, block, body)?,
                Context::Synset(..) | Context::None => {
                    return Err(error(format!(
                    "`{body}` is neither a synonym (`+…`) nor inside a `--- VERB [code] ---` block"
                )))
                }
            }
        }
        Ok(dict)
    }

    fn add_synset_phrase(
        &mut self,
        index: usize,
        no_plurals: bool,
        phrase: &str,
        labels: &HashMap<String, usize>,
    ) {
        // A set may include another one ("+&TIETYPES").
        if let Some(label) = phrase.strip_prefix('&') {
            if let Some(&other) = labels.get(&label.trim_end_matches('_').to_ascii_uppercase()) {
                let members = self.synsets[other].clone();
                self.synsets[index].extend(members);
            }
            return;
        }
        let stopped = no_plurals || phrase.ends_with('_');
        let words: Vec<String> = phrase
            .split(['_', ' '])
            .filter(|w| !w.is_empty())
            .map(str::to_ascii_uppercase)
            .collect();
        if words.is_empty() {
            return;
        }
        if !stopped {
            let mut plural_words = words.clone();
            let last = plural_words.len() - 1;
            plural_words[last] = plural(&plural_words[last]);
            self.synsets[index].push(words);
            self.synsets[index].push(plural_words);
        } else {
            self.synsets[index].push(words);
        }
    }

    fn add_verb_line(
        &mut self,
        name: &str,
        number: usize,
        block: usize,
        body: &str,
    ) -> Result<(), NlpError> {
        let error = |problem: String| NlpError::Table {
            table: name.to_string(),
            line: number,
            problem,
        };
        let (before_code, code) = match body.find('[') {
            Some(open) => {
                let text = bracket(&body[open..])
                    .ok_or_else(|| error("a verb with an unclosed `[`".into()))?;
                (&body[..open], Code::parse(text))
            }
            None => (body, None),
        };
        let (head, irregular) = match before_code.find('{') {
            Some(open) => {
                let close = before_code[open..]
                    .find('}')
                    .ok_or_else(|| error("a verb with an unclosed `{`".into()))?;
                (
                    &before_code[..open],
                    Some(&before_code[open + 1..open + close]),
                )
            }
            None => (before_code, None),
        };
        // "LASH OUT" (words without `_` or `+`) is read as LASH_OUT with the
        // first word as the verb.
        let head = head.split_whitespace().collect::<Vec<_>>().join("_");
        let Some((pre, verb, post)) = multiword(&head) else {
            return Err(error("a verb line without a verb".into()));
        };
        let mut add = |word: String, pre: Vec<String>, post: Vec<String>, past: bool| {
            let form = VerbForm {
                block,
                code: code.clone(),
                before: pre,
                after: post,
                line: number,
                past,
            };
            let entry = self.forms.entry(word).or_default();
            if !entry.contains(&form) {
                entry.push(form);
            }
        };
        add(verb.clone(), pre.clone(), post.clone(), false);
        match irregular {
            Some(forms) => {
                for form in forms.split_whitespace() {
                    if let Some((p, v, a)) = multiword(form) {
                        let past = !v.ends_with('S') && !v.ends_with("ING");
                        add(v, p, a, past);
                    }
                }
            }
            None => {
                let [third, past, progressive] = regular_forms(&verb);
                add(third, pre.clone(), post.clone(), false);
                add(past, pre.clone(), post.clone(), true);
                add(progressive, pre.clone(), post.clone(), false);
            }
        }
        Ok(())
    }

    /// The verb forms a word (upper case) can be.
    pub fn forms(&self, word: &str) -> &[VerbForm] {
        self.forms.get(word).map(Vec::as_slice).unwrap_or(&[])
    }
}

/// The text inside the first `[...]` of `text`.
fn bracket(text: &str) -> Option<&str> {
    let open = text.find('[')?;
    let close = text[open..].find(']')?;
    Some(text[open + 1..open + close].trim())
}

type ParsedPattern = (Vec<Step>, bool, Vec<Step>);

/// Parses the part of a pattern line before its code.
fn parse_pattern(
    text: &str,
    labels: &HashMap<String, usize>,
) -> Result<Option<ParsedPattern>, String> {
    // PETRARCH-2 marks noun phrases with `{…}` and prepositional phrases with
    // `(…)`; their words are matched in sentence order like any others.
    let cleaned: String = text
        .chars()
        .map(|c| {
            if matches!(c, '{' | '}' | '(' | ')') {
                ' '
            } else {
                c
            }
        })
        .collect();
    let mut steps: Vec<Step> = Vec::new();
    let mut verb_at: Option<usize> = None;
    let mut verb_adjacent_before = false;
    let mut verb_adjacent_after = false;
    // "*SCEPTICAL" (a typo for "* SCEPTICAL") is read as the verb and a word.
    let chunks = cleaned
        .split_whitespace()
        .flat_map(|chunk| match chunk.strip_prefix('*') {
            Some(rest) if !rest.is_empty() && !rest.starts_with('_') => vec!["*", rest],
            _ => vec![chunk],
        });
    for chunk in chunks {
        let parts: Vec<&str> = chunk.split('_').collect();
        for (i, part) in parts.iter().enumerate() {
            let joined_to_next = i + 1 < parts.len();
            if part.is_empty() {
                continue;
            }
            if *part == "*" {
                if verb_at.is_some() {
                    return Err("two `*` in one pattern".into());
                }
                verb_at = Some(steps.len());
                verb_adjacent_before = i > 0;
                verb_adjacent_after = joined_to_next;
                continue;
            }
            let element = match *part {
                "$" => Element::Source,
                "+" => Element::Target,
                "%" => Element::Compound,
                "^" => Element::Skip,
                word if word.starts_with('&') => {
                    let key = word[1..].trim_end_matches('_').to_ascii_uppercase();
                    match labels.get(&key) {
                        Some(&index) => Element::Synset(index),
                        None => return Err(format!("the synonym set {word} is not defined above")),
                    }
                }
                word => Element::Word(word.to_ascii_uppercase()),
            };
            steps.push(Step {
                element,
                adjacent: joined_to_next,
            });
        }
    }
    let Some(at) = verb_at else {
        return Err("no `*` marks the verb".into());
    };
    let after = steps.split_off(at);
    let mut before = steps;
    if let Some(last) = before.last_mut() {
        last.adjacent = last.adjacent || verb_adjacent_before;
    }
    Ok(Some((before, verb_adjacent_after, after)))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "&CURRENCY\n+DOLLARS\n+SWISS FRANCS\n+YEN_\n\n\
--- CONTRIBUTE [070] ---\nCONTRIBUTE   # a comment\n- * &CURRENCY [903]\n- * RUPEES  [071]\n\
- PLAN_TO_* [201]\n- + WAS_ * TO_ ^ FROM $  [174]\n- * DIPLXMATIC  [###]\n\n\
--- BREAK [1717] ---\nBREAK { BROKE BROKEN }\n+BREAK_DOWN {+BROKE_DOWN +BROKEN_DOWN}\n\
WIRE_+TAP [1711]\n--- MEET [031:032] ---\nMEET\n";

    #[test]
    fn reads_blocks_forms_and_patterns() {
        let dict = VerbDictionary::parse("test.verbs", SAMPLE).unwrap();
        assert_eq!(dict.blocks.len(), 3);
        assert_eq!(dict.blocks[0].patterns.len(), 4, "{:?}", dict.warnings);
        assert_eq!(dict.warnings.len(), 1, "the ### code is skipped");
        for word in ["CONTRIBUTE", "CONTRIBUTES", "CONTRIBUTED", "CONTRIBUTING"] {
            assert_eq!(dict.forms(word).len(), 1, "{word}");
        }
        assert!(
            dict.forms("BREAKS").is_empty(),
            "irregular verbs list their forms"
        );
        assert_eq!(dict.forms("BROKE").len(), 2, "BROKE and BROKE_DOWN");
        let tap = &dict.forms("TAPPED");
        assert!(tap.is_empty(), "regular forms: TAPS, TAPED… not doubled");
        assert_eq!(dict.forms("TAP")[0].before, ["WIRE"]);
        assert_eq!(dict.forms("TAP")[0].code, Code::parse("1711"));
        assert_eq!(
            dict.blocks[2].code,
            Code::Event {
                primary: Some("031".into()),
                secondary: Some("032".into())
            }
        );
        // Synonym sets get regular plurals unless stopped with `_`.
        assert!(dict.synsets[0].contains(&vec!["SWISS".into(), "FRANCS".into()]));
        assert!(dict.synsets[0].contains(&vec!["DOLLARSS".into()]));
        assert!(!dict.synsets[0].contains(&vec!["YENS".into()]));
        let plan = &dict.blocks[0].patterns[2];
        assert_eq!(plan.before.len(), 2);
        assert!(plan.before[1].adjacent, "PLAN_TO_* touches the verb");
        let passive = &dict.blocks[0].patterns[3];
        assert_eq!(passive.before[0].element, Element::Target);
        assert_eq!(
            passive.after.iter().map(|s| &s.element).collect::<Vec<_>>(),
            [
                &Element::Word("TO".into()),
                &Element::Skip,
                &Element::Word("FROM".into()),
                &Element::Source
            ]
        );
    }

    #[test]
    fn malformed_lines_name_the_line() {
        let err = VerbDictionary::parse("v.txt", "--- X [010] ---\nX\n- * FOO\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("v.txt, line 3"), "{err}");
        let err = VerbDictionary::parse("v.txt", "- * FOO [010]\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("line 1") && err.contains("outside"), "{err}");
        let undefined =
            VerbDictionary::parse("v.txt", "--- X [010] ---\nX\n- * &NOPE [011]\n").unwrap();
        assert!(undefined.blocks[0].patterns.is_empty());
        assert_eq!(undefined.warnings.len(), 1);
    }
}
