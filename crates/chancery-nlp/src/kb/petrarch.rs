//! PETRARCH/TABARI actor dictionaries: phrases with CAMEO actor codes, some
//! valid only between dates. Format: `dictionaries.rst` of PETRARCH2.
//!
//! ```text
//! VLADIMIR_PUTIN_  # comment
//! +PUTIN_
//!     [RUSGOV 991231-080507]
//!     [RUSGOV >080508]
//! HAMAS [PSEREBHMS]
//! ```

use crate::NlpError;

/// A date restriction on an actor code: the code applies from `after` to
/// `before`, both inclusive, as `YYYYMMDD` numbers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DatedCode {
    /// The CAMEO actor code.
    pub code: String,
    /// First day it applies (`None`: since always).
    pub from: Option<u32>,
    /// Last day it applies (`None`: still).
    pub until: Option<u32>,
}

/// One record of an actor dictionary.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ActorRecord {
    /// The primary phrase and its synonyms, words separated by single spaces.
    pub phrases: Vec<String>,
    /// The code when no date restriction applies.
    pub default_code: Option<String>,
    /// Date-restricted codes, in file order.
    pub dated: Vec<DatedCode>,
}

impl ActorRecord {
    /// The code that applies on `date` (`YYYYMMDD`); without a date, or when
    /// no restriction covers it, the default code, else the most recent
    /// restriction's code.
    pub fn code_on(&self, date: Option<u32>) -> Option<&str> {
        if let Some(date) = date {
            for dated in &self.dated {
                if dated.from.is_none_or(|f| date >= f) && dated.until.is_none_or(|u| date <= u) {
                    return Some(&dated.code);
                }
            }
        }
        self.default_code.as_deref().or_else(|| {
            self.dated
                .iter()
                .max_by_key(|d| (d.until.unwrap_or(u32::MAX), d.from.unwrap_or(0)))
                .map(|d| d.code.as_str())
        })
    }
}

/// Turns `VLADIMIR_V._PUTIN_` into `VLADIMIR V. PUTIN`.
fn phrase(text: &str) -> String {
    text.split(['_', ' '])
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// `YYYYMMDD` or `YYMMDD` (years below 30 are 20xx, as in the Phoenix files).
fn date(text: &str) -> Option<u32> {
    let value: u32 = text.parse().ok()?;
    match text.len() {
        8 => Some(value),
        6 => {
            let year = value / 10_000;
            let century = if year < 30 { 2000 } else { 1900 };
            Some((century + year) * 10_000 + value % 10_000)
        }
        _ => None,
    }
}

fn restriction(inner: &str) -> Option<DatedCode> {
    let mut parts = inner.split_whitespace();
    let code = parts.next()?.to_string();
    let mut dated = DatedCode {
        code,
        from: None,
        until: None,
    };
    // "[HOB < 950601]": a space may follow the comparison sign.
    let rest: String = parts.collect::<Vec<_>>().join("");
    if !rest.is_empty() {
        let range = rest.as_str();
        if let Some(d) = range.strip_prefix('<') {
            dated.until = Some(date(d)?);
        } else if let Some(d) = range.strip_prefix('>') {
            dated.from = Some(date(d)?);
        } else {
            let (a, b) = range.split_once('-')?;
            dated.from = Some(date(a)?);
            dated.until = Some(date(b)?);
        }
    }
    Some(dated)
}

/// A parsed actor dictionary and the lines it had to skip.
#[derive(Debug, Clone, Default)]
pub struct ActorDictionary {
    /// The records.
    pub records: Vec<ActorRecord>,
    /// Skipped date restrictions, as `file, line N: problem` (real dictionaries
    /// have typos such as seven-digit dates; one bad line should not lose the file).
    pub warnings: Vec<String>,
}

/// Parses an actor dictionary; `name` names the file in errors.
pub fn parse_actors(name: &str, text: &str) -> Result<ActorDictionary, NlpError> {
    let mut records: Vec<ActorRecord> = Vec::new();
    let mut warnings = Vec::new();
    let mut in_html_comment = false;
    let error = |line: usize, problem: String| NlpError::Table {
        table: name.to_string(),
        line,
        problem,
    };
    for (index, raw) in text.lines().enumerate() {
        let number = index + 1;
        let mut line = raw;
        if in_html_comment {
            match line.find("-->") {
                Some(end) => {
                    in_html_comment = false;
                    line = &line[end + 3..];
                }
                None => continue,
            }
        }
        if let Some(start) = line.find("<!--") {
            if line[start..].contains("-->") {
                line = &line[..start];
            } else {
                in_html_comment = true;
                line = &line[..start];
            }
        }
        let line = line.split(['#', ';']).next().unwrap_or("");
        if line.trim().is_empty() {
            continue;
        }
        let indented = line.starts_with([' ', '\t']);
        let body = line.trim();
        if indented && body.starts_with('[') {
            let inner = body
                .strip_prefix('[')
                .and_then(|b| b.split(']').next())
                .ok_or_else(|| error(number, "unclosed `[`".into()))?;
            let record = records
                .last_mut()
                .ok_or_else(|| error(number, "a date restriction before any actor".into()))?;
            match restriction(inner) {
                // "\t[CODE]" alone is the default code (dictionaries.rst).
                Some(dated) if dated.from.is_none() && dated.until.is_none() => {
                    record.default_code.get_or_insert(dated.code);
                }
                Some(dated) => record.dated.push(dated),
                None => warnings.push(format!(
                    "{name}, line {number}: skipped the unreadable date restriction [{inner}]"
                )),
            }
            continue;
        }
        let (text_part, code) = match body.find('[') {
            Some(open) => {
                let close = body[open..]
                    .find(']')
                    .ok_or_else(|| error(number, "unclosed `[`".into()))?;
                let code = body[open + 1..open + close]
                    .split_whitespace()
                    .next()
                    .map(str::to_string);
                (&body[..open], code)
            }
            None => (body, None),
        };
        if let Some(synonym) = text_part.trim().strip_prefix('+') {
            let record = records
                .last_mut()
                .ok_or_else(|| error(number, "a `+` synonym before any actor".into()))?;
            let p = phrase(synonym);
            if !p.is_empty() {
                record.phrases.push(p);
            }
            if code.is_some() && record.default_code.is_none() {
                record.default_code = code;
            }
            continue;
        }
        let p = phrase(text_part);
        if p.is_empty() {
            return Err(error(number, "an actor line without a phrase".into()));
        }
        // A primary phrase without a code, directly after another such
        // phrase, still starts a new record: the restrictions that follow
        // belong to the newest one.
        records.push(ActorRecord {
            phrases: vec![p],
            default_code: code.map(|c| c.to_ascii_uppercase()),
            dated: Vec::new(),
        });
    }
    Ok(ActorDictionary { records, warnings })
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "<!-- header\n still comment -->\nVLADIMIR_PUTIN_  # CountryInfo.txt\n+PUTIN_\n+PRESIDENT_PUTIN_\n\t[RUSELI 700101-990809]\n\t[RUSGOV >080508]\n\t[RUSELI]\nHAMAS [PSEREBHMS]\nPALESTINIAN [pse]\n";

    #[test]
    fn reads_records_synonyms_and_dates() {
        let records = parse_actors("test.actors", SAMPLE).unwrap().records;
        assert_eq!(records.len(), 3);
        assert_eq!(
            records[0].phrases,
            ["VLADIMIR PUTIN", "PUTIN", "PRESIDENT PUTIN"]
        );
        assert_eq!(records[0].code_on(Some(20_100_101)), Some("RUSGOV"));
        assert_eq!(records[0].code_on(Some(19_800_101)), Some("RUSELI"));
        assert_eq!(records[0].code_on(None), Some("RUSELI"));
        assert_eq!(records[2].default_code.as_deref(), Some("PSE"));
    }

    #[test]
    fn orphan_lines_are_errors() {
        let err = parse_actors("x.txt", "+PUTIN_\n").unwrap_err().to_string();
        assert!(err.contains("x.txt") && err.contains("line 1"), "{err}");
        let skipped = parse_actors("x.txt", "A_ [ABC]\n\t[XYZ 1-2]\n\t[DEF < 950601]\n").unwrap();
        assert_eq!(skipped.records[0].dated.len(), 1);
        assert_eq!(skipped.records[0].code_on(Some(19_900_101)), Some("DEF"));
        assert_eq!(skipped.warnings.len(), 1);
        assert!(
            skipped.warnings[0].contains("line 2"),
            "{:?}",
            skipped.warnings
        );
    }
}
