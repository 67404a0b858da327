//! PETRARCH agent dictionaries (`Phoenix.agents.txt`) and discard lists.
//!
//! ```text
//! !PERSON! = MAN, MEN, WOMAN, WOMEN        a substitution set
//! CONGRESS!PERSON! [~LEG]                  CONGRESSMAN, CONGRESSMEN, … (no plurals)
//! GOLDEN_GOOSE {GOLDEN_GEESE} [~GGS]       an irregular plural
//! POLICE {} [~COP]                         no plural
//! HUMAN_RIGHTS_BODY [NGO~]                 `X~`: the code goes before the actor's
//! ```

use std::collections::HashMap;

use super::verbs::plural;
use super::Line;
use crate::NlpError;

/// What an agent adds to an actor code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Agent {
    /// The agent code (`GOV`, `NGO`, …).
    pub code: String,
    /// `NGO~`: the code goes before the actor's code rather than after it.
    pub prefix: bool,
    /// The dictionary line.
    pub line: usize,
}

/// A parsed agent dictionary: phrases (upper-case words) → agent.
#[derive(Debug, Clone, Default)]
pub struct AgentDictionary {
    /// Every phrase form, singular and plural, with its agent.
    pub phrases: Vec<(Vec<String>, Agent)>,
    /// Skipped lines, as `file, line N: problem` (the Phoenix agents file has
    /// a few entries without a code; one such line should not lose the file).
    pub warnings: Vec<String>,
}

fn words(phrase: &str) -> Vec<String> {
    phrase
        .split(['_', ' '])
        .filter(|w| !w.is_empty())
        .map(str::to_ascii_uppercase)
        .collect()
}

impl AgentDictionary {
    /// Parses an agent dictionary; `name` names the file in errors.
    ///
    /// A line that cannot be read is skipped with a warning; a file where
    /// most lines cannot be read is an error naming the first bad line (it
    /// is probably not an agent dictionary).
    pub fn parse(name: &str, text: &str) -> Result<AgentDictionary, NlpError> {
        let mut dict = AgentDictionary::default();
        let mut substitutions: HashMap<String, Vec<String>> = HashMap::new();
        let mut read = 0;
        let mut first_error: Option<NlpError> = None;
        for line in super::lines(text) {
            let number = line.number;
            match dict.parse_line(name, line, &mut substitutions) {
                Ok(()) => read += 1,
                Err(error) => {
                    dict.warnings.push(format!("{error}; line skipped"));
                    first_error.get_or_insert(error);
                }
            }
            let _ = number;
        }
        match first_error {
            Some(error) if dict.warnings.len() > read => Err(error),
            _ => Ok(dict),
        }
    }

    fn parse_line(
        &mut self,
        name: &str,
        Line { number, body }: Line<'_>,
        substitutions: &mut HashMap<String, Vec<String>>,
    ) -> Result<(), NlpError> {
        let dict = self;
        {
            let error = |problem: String| NlpError::Table {
                table: name.to_string(),
                line: number,
                problem,
            };
            if body.starts_with('!') {
                if let Some((label, values)) = body.split_once('=') {
                    let label = label.trim().to_ascii_uppercase();
                    let values = values
                        .split(',')
                        .map(|v| v.trim().to_ascii_uppercase())
                        .filter(|v| !v.is_empty())
                        .collect();
                    substitutions.insert(label, values);
                    return Ok(());
                }
            }
            let open = body
                .find('[')
                .ok_or_else(|| error("an agent without a `[~CODE]`".into()))?;
            // "[~LEG}" is a typo PETRARCH tolerates: the code ends at `]` or `}`.
            let rest = &body[open + 1..];
            let close = rest
                .find([']', '}'])
                .ok_or_else(|| error("an agent code with an unclosed `[`".into()))?;
            let raw_code: String = rest[..close].split_whitespace().collect();
            let (code, prefix) = if let Some(code) = raw_code.strip_prefix('~') {
                (code.to_string(), false)
            } else if let Some(code) = raw_code.strip_suffix('~') {
                (code.to_string(), true)
            } else {
                return Err(error(format!(
                    "the agent code [{raw_code}] needs a `~` before it (added after the actor) or after it (before the actor)"
                )));
            };
            if code.is_empty() || !code.chars().all(|c| c.is_ascii_alphanumeric()) {
                return Err(error(format!("the agent code [{raw_code}] is not a code")));
            }
            let agent = Agent {
                code: code.to_ascii_uppercase(),
                prefix,
                line: number,
            };
            let head = &body[..open];
            let (phrase, plurals) = match head.find('{') {
                Some(at) => {
                    let close = head[at..]
                        .find('}')
                        .ok_or_else(|| error("a plural with an unclosed `{`".into()))?;
                    (&head[..at], Some(&head[at + 1..at + close]))
                }
                None => (head, None),
            };
            let phrase = phrase.trim();
            if phrase.is_empty() {
                return Err(error("an agent line without a phrase".into()));
            }
            if let Some(start) = phrase.find('!') {
                let end = phrase[start + 1..]
                    .find('!')
                    .map(|e| start + 1 + e)
                    .ok_or_else(|| error("an unclosed `!…!` substitution".into()))?;
                let label = phrase[start..=end].to_ascii_uppercase();
                let values = substitutions.get(&label).ok_or_else(|| {
                    error(format!("the substitution {label} is not defined above"))
                })?;
                for value in values {
                    let expanded = format!("{}{}{}", &phrase[..start], value, &phrase[end + 1..]);
                    dict.phrases.push((words(&expanded), agent.clone()));
                }
                return Ok(());
            }
            let singular = words(phrase);
            match plurals {
                Some(forms) => {
                    for form in forms.split_whitespace() {
                        dict.phrases.push((words(form), agent.clone()));
                    }
                }
                None => {
                    let mut plural_words = singular.clone();
                    if let Some(last) = plural_words.last_mut() {
                        *last = plural(last);
                    }
                    dict.phrases.push((plural_words, agent.clone()));
                }
            }
            dict.phrases.push((singular, agent));
        }
        Ok(())
    }
}

/// A discard phrase: sentences (or whole stories) that contain it are not coded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Discard {
    /// The phrase, upper case, words separated by single spaces.
    pub phrase: String,
    /// `+PHRASE`: the whole story is not coded.
    pub story: bool,
    /// `PHRASE_`: the match must end at a word boundary (else it is a stem).
    pub whole_word: bool,
}

/// Parses a discard list; `name` names the file in errors.
pub fn parse_discards(name: &str, text: &str) -> Result<Vec<Discard>, NlpError> {
    let mut discards = Vec::new();
    for Line { number, body } in super::lines(text) {
        let (story, rest) = match body.strip_prefix('+') {
            Some(rest) => (true, rest),
            None => (false, body),
        };
        let whole_word = rest.trim_end().ends_with('_');
        let phrase = words(rest).join(" ");
        if phrase.is_empty() {
            return Err(NlpError::Table {
                table: name.to_string(),
                line: number,
                problem: "a discard line without a phrase".into(),
            });
        }
        discards.push(Discard {
            phrase,
            story,
            whole_word,
        });
    }
    Ok(discards)
}

/// Whether `text_upper` (a sentence in upper case, words separated by single
/// spaces) contains the discard phrase at a word start.
pub fn discard_matches(discard: &Discard, text_upper: &str) -> bool {
    let bytes = text_upper.as_bytes();
    let mut from = 0;
    while let Some(at) = text_upper[from..].find(&discard.phrase) {
        let start = from + at;
        let end = start + discard.phrase.len();
        let starts_word = start == 0 || !bytes[start - 1].is_ascii_alphanumeric();
        let ends_word = end == bytes.len() || !bytes[end].is_ascii_alphanumeric();
        if starts_word && (ends_word || !discard.whole_word) {
            return true;
        }
        from = start + 1;
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agents_with_plurals_prefixes_and_substitutions() {
        let text =
            "!PERSON! = MAN, MEN\nPOLICE {} [ ~COP] # c\nGOLDEN_GOOSE {GOLDEN_GEESE} [~GGS]\n\
CLERIC [~REL]\nMSF {} [NGO~]\nCONGRESS!PERSON! [~LEG]\nAUTHORITY [~GOV]\n";
        let dict = AgentDictionary::parse("a.txt", text).unwrap();
        let find = |w: &[&str]| {
            dict.phrases
                .iter()
                .find(|(p, _)| p.iter().map(String::as_str).eq(w.iter().copied()))
                .map(|(_, a)| a.clone())
        };
        assert_eq!(find(&["POLICE"]).unwrap().code, "COP");
        assert!(find(&["POLICES"]).is_none());
        assert!(find(&["GOLDEN", "GEESE"]).is_some());
        assert!(find(&["GOLDEN", "GOOSES"]).is_none());
        assert!(find(&["CLERICS"]).is_some());
        assert!(find(&["AUTHORITIES"]).is_some());
        assert!(find(&["MSF"]).unwrap().prefix);
        assert!(find(&["CONGRESSMEN"]).is_some());
        assert!(find(&["CONGRESSMENS"]).is_none());
    }

    #[test]
    fn broken_agent_lines_are_skipped_or_fail_with_their_line() {
        for bad in ["X [GOV]\n", "X ~GOV\n", "X!NOPE! [~GOV]\n", "X [~G*V]\n"] {
            let err = AgentDictionary::parse("a.txt", &format!("# c\n{bad}"))
                .unwrap_err()
                .to_string();
            assert!(err.contains("a.txt, line 2"), "{bad}: {err}");
            let mostly_good = format!("A [~GOV]\nB [~MIL]\n{bad}");
            let dict = AgentDictionary::parse("a.txt", &mostly_good).unwrap();
            assert_eq!(dict.warnings.len(), 1, "{bad}");
            assert!(dict.warnings[0].contains("line 3"), "{:?}", dict.warnings);
        }
    }

    #[test]
    fn discards_match_stems_and_whole_words() {
        let list = parse_discards("d.txt", "BASEBALL\n+TYPHOON # story\nWORLD CUP_\n").unwrap();
        assert!(list[1].story);
        assert!(discard_matches(&list[0], "THE BASEBALLS WERE LOST"));
        assert!(!discard_matches(&list[0], "NOTBASEBALL"));
        assert!(discard_matches(&list[2], "AT THE WORLD CUP ."));
        assert!(!discard_matches(&list[2], "THE WORLD CUPS"));
    }
}
