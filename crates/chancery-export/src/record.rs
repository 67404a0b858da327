//! One stored article as every format reads it, and what the formats ask of
//! it: where it came from, when it was stored, offsets in characters.

use chancery_model::{Analysis, Article, Entity, Span, TextField};

use crate::ExportError;

/// One stored article: its analysis and the store's bookkeeping.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    /// The store's internal id: unique in a data directory, and the order
    /// articles were stored in.
    pub id: i64,
    /// When it was stored (UTC, ISO 8601: `2025-03-12T08:30:00.000Z`).
    pub added: String,
    /// The analysis.
    pub analysis: Analysis,
}

impl Record {
    /// Parses a stored analysis (the JSON contract of `chancery analyze`).
    pub fn parse(id: i64, added: String, json: &str) -> Result<Record, ExportError> {
        let analysis = serde_json::from_str(json).map_err(|source| ExportError::Analysis {
            article: id,
            source,
        })?;
        Ok(Record {
            id,
            added,
            analysis,
        })
    }

    /// The article.
    pub fn article(&self) -> &Article {
        &self.analysis.article
    }

    /// `added` as GDELT writes times: `YYYYMMDDHHMMSS`.
    pub(crate) fn added_stamp(&self) -> String {
        timestamp(&self.added).unwrap_or_default()
    }

    /// `added` on GDELT's 15-minute grid (`YYYYMMDDHHMM00` with the minutes
    /// floored to 00, 15, 30 or 45): the update slot the article was stored
    /// in, as GDELT's `DATEADDED` and Mentions times are.
    pub(crate) fn added_slot(&self) -> String {
        let stamp = self.added_stamp();
        match stamp.get(10..12).and_then(|m| m.parse::<u32>().ok()) {
            Some(minutes) if stamp.len() == 14 => {
                format!("{}{:02}00", &stamp[..10], minutes - minutes % 15)
            }
            _ => stamp,
        }
    }

    /// The day the article was stored (`YYYY-MM-DD`), the date of last
    /// resort for an article that gives none.
    pub(crate) fn added_day(&self) -> Option<String> {
        let day = self.added.get(..10)?;
        crate::gdelt::event_day(day, chancery_model::DatePrecision::Day).map(String::from)
    }

    /// The entity with a document-local id (`e1`).
    pub(crate) fn entity(&self, id: Option<&String>) -> Option<&Entity> {
        let id = id?;
        self.analysis.entities.iter().find(|e| &e.id == id)
    }

    /// The text a span points into.
    pub(crate) fn field_text(&self, field: TextField) -> &str {
        match field {
            TextField::Text => &self.analysis.article.text,
            TextField::Title => self.analysis.article.title.as_deref().unwrap_or(""),
        }
    }

    /// The text of a span, when it is in range.
    pub(crate) fn span_text(&self, span: &Span) -> Option<&str> {
        span.slice(self.field_text(span.field))
    }

    /// A byte offset into a span's field as a character offset (GDELT counts
    /// characters; chancery's spans count UTF-8 bytes).
    pub(crate) fn chars_at(&self, field: TextField, byte: usize) -> usize {
        char_offset(self.field_text(field), byte)
    }

    /// The web page's URL, when known: the fetched URL, else the canonical one.
    pub(crate) fn url(&self) -> Option<&str> {
        let article = self.article();
        article
            .url
            .as_deref()
            .or(article.canonical_url.as_deref())
            .filter(|u| !u.is_empty())
    }

    /// GDELT's source collection (1 = web page with a URL, 2 = a citation
    /// only) and the document identifier: the URL, else the caller's id, the
    /// source path, or the article id.
    pub(crate) fn identifier(&self) -> (u8, String) {
        if let Some(url) = self.url() {
            return (1, url.to_string());
        }
        let article = self.article();
        let citation = article
            .external_id
            .clone()
            .or_else(|| article.source.clone())
            .unwrap_or_else(|| article.id.clone());
        (2, citation)
    }

    /// A human-friendly name of the source: the site's name, else the host
    /// of the URL (without `www.`), else the `source` given at ingest.
    pub(crate) fn source_name(&self) -> String {
        let article = self.article();
        if let Some(site) = article.site.as_deref().filter(|s| !s.trim().is_empty()) {
            return site.trim().to_string();
        }
        if let Some(host) = self.url().and_then(host_of) {
            return host.to_string();
        }
        article.source.clone().unwrap_or_default()
    }

    /// The short source name GDELT writes (`MentionSourceName`,
    /// `V2SOURCECOMMONNAME`): the domain of the URL (without `www.`), else
    /// the file name the article was read from, else the source given at
    /// ingest.
    pub(crate) fn short_source(&self) -> String {
        if let Some(host) = self.url().and_then(host_of) {
            return host.to_lowercase();
        }
        let article = self.article();
        match article.source.as_deref().map(str::trim) {
            Some(source) if !source.is_empty() => file_name(source).to_string(),
            _ => format!("article {}", self.id),
        }
    }

    /// The document identifier GDELT writes (`SOURCEURL`,
    /// `MentionIdentifier`, `V2DOCUMENTIDENTIFIER`): the URL, else the
    /// caller's id, else the file name, else the article id; never a local
    /// path.
    pub(crate) fn gdelt_identifier(&self) -> (u8, String) {
        let (kind, identifier) = self.identifier();
        if kind == 1 || self.article().external_id.is_some() {
            return (kind, identifier);
        }
        (kind, file_name(&identifier).to_string())
    }

    /// The first sentence (1-based) that holds a body offset; 0 for the title.
    pub(crate) fn sentence_number(&self, span: &Span) -> usize {
        if span.field == TextField::Title {
            return 0;
        }
        let sentences = &self.analysis.sentences;
        let after = sentences.partition_point(|s| s.end <= span.start);
        match sentences.get(after) {
            Some(s) if s.start <= span.start => after + 1,
            // Between sentences or past the last: the one before.
            _ => after.max(1),
        }
    }

    /// Whether a span lies in the lead: the title or the first paragraph.
    pub(crate) fn in_lead(&self, span: &Span) -> bool {
        if span.field == TextField::Title {
            return true;
        }
        self.article()
            .paragraphs
            .first()
            .is_none_or(|lead| span.start < lead.end)
    }
}

/// The host of a URL, without a `www.` prefix or a port.
pub(crate) fn host_of(url: &str) -> Option<&str> {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let host = rest.split(['/', '?', '#']).next()?;
    let host = host.rsplit_once('@').map_or(host, |(_, h)| h);
    let host = host.split(':').next()?;
    let host = host.strip_prefix("www.").unwrap_or(host);
    (!host.is_empty()).then_some(host)
}

/// The last part of a path (`corpus/bbc/001.txt` → `001.txt`).
pub(crate) fn file_name(path: &str) -> &str {
    path.trim_end_matches(['/', '\\'])
        .rsplit(['/', '\\'])
        .next()
        .filter(|n| !n.is_empty())
        .unwrap_or(path)
}

/// `2025-03-12T08:30:05.123Z` (or any ISO 8601 date-time or date) as
/// `20250312083005`; a date alone gets `000000`.
pub(crate) fn timestamp(iso: &str) -> Option<String> {
    let digits: String = iso
        .chars()
        .take_while(|c| *c != '.' && *c != 'Z' && *c != '+')
        .filter(char::is_ascii_digit)
        .take(14)
        .collect();
    match digits.len() {
        8 => Some(format!("{digits}000000")),
        12 => Some(format!("{digits}00")),
        14 => Some(digits),
        _ => None,
    }
}

/// The number of characters before byte `byte` of `text` (a byte inside a
/// character counts as that character's start; past the end, the length).
pub(crate) fn char_offset(text: &str, byte: usize) -> usize {
    let mut byte = byte.min(text.len());
    while !text.is_char_boundary(byte) {
        byte -= 1;
    }
    text[..byte].chars().count()
}

/// `value` made safe for one field of a delimited format: tabs, line breaks
/// and the given delimiters become spaces, runs of spaces one space.
pub(crate) fn clean(value: &str, delimiters: &[char]) -> String {
    let mut out = String::with_capacity(value.len());
    let mut space = false;
    for c in value.chars() {
        let c = if c.is_control() || delimiters.contains(&c) {
            ' '
        } else {
            c
        };
        if c == ' ' {
            if !space && !out.is_empty() {
                out.push(' ');
            }
            space = true;
        } else {
            out.push(c);
            space = false;
        }
    }
    if out.ends_with(' ') {
        out.pop();
    }
    out
}

/// The first article of the integration tests' fixture corpus (the energy
/// pact told by a wire story), for unit tests that change one thing in it.
#[cfg(test)]
pub(crate) fn fixture_record() -> Record {
    let line = include_str!("../tests/integration/fixtures/analyses.jsonl")
        .lines()
        .next()
        .expect("the fixture has an article");
    Record::parse(1, "2025-03-13T00:00:00.000Z".into(), line).expect("the fixture parses")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_lose_www_ports_and_paths() {
        assert_eq!(
            host_of("https://www.bbc.co.uk/news/1?x#y"),
            Some("bbc.co.uk")
        );
        assert_eq!(
            host_of("http://user@example.org:8080/a"),
            Some("example.org")
        );
        assert_eq!(host_of("https:///nothing"), None);
    }

    #[test]
    fn timestamps_keep_fourteen_digits() {
        assert_eq!(
            timestamp("2025-03-12T08:30:05.123Z").as_deref(),
            Some("20250312083005")
        );
        assert_eq!(
            timestamp("2025-03-12T08:30+03:30").as_deref(),
            Some("20250312083000")
        );
        assert_eq!(timestamp("2025-03-12").as_deref(), Some("20250312000000"));
        assert_eq!(timestamp("2025-03"), None);
    }

    #[test]
    fn file_names_lose_their_folders() {
        assert_eq!(file_name("corpus/bbc/001.txt"), "001.txt");
        assert_eq!(file_name("C:\\news\\a.html"), "a.html");
        assert_eq!(file_name("plain"), "plain");
    }

    #[test]
    fn character_offsets_count_characters_not_bytes() {
        let text = "Tehran’s envoy";
        assert_eq!(char_offset(text, 9), 7);
        assert_eq!(char_offset(text, 7), 6);
        assert_eq!(char_offset(text, 999), 14);
    }

    #[test]
    fn cleaning_removes_delimiters_and_breaks() {
        assert_eq!(clean("a\tb\n\nc;d", &[';']), "a b c d");
        assert_eq!(clean("  x  ", &[]), "x");
    }
}
