//! The GDELT Global Knowledge Graph 2.1: one row per article.
//!
//! What chancery fills: the record id; the date (publication, else the
//! 15-minute slot the article was stored in); the source (the domain, or
//! the file name for a local file) and identifier; locations (countries and
//! places the article names), persons and organizations (lower-cased in the
//! V1 fields, as the codebook's are) with character offsets; V1.5TONE, all
//! seven values, from the analysis's tone; event dates; GCAM's `wc` (word
//! count) entry; quotations (direct and partial) with their verbs; all
//! names; amounts as exact decimals; and, beyond GDELT, the title, authors
//! and each quotation's speaker in V2EXTRASXML. What it leaves empty:
//! counts, themes, images and embeds, translation info, and the FIPS codes
//! and coordinates of locations. Offsets count characters in the body; title mentions are
//! listed in the name-only fields but not in the offset fields.

use std::io::Write;

use chancery_model::amounts::amounts;
use chancery_model::{DatePrecision, Entity, EntityKind, QuoteKind, TextField};

use super::events::decimal;
use super::events::geo_type;
use super::{Tsv, GKG_COLUMNS};
use crate::record::{clean, timestamp};
use crate::text::words;
use crate::{xml, ExportError, Record};

/// Characters that delimit GKG's sub-fields; they never appear in values.
const DELIMITERS: &[char] = &[';', ',', '#', '|'];

/// Writes the GKG 2.1 table, one row per article.
#[derive(Debug)]
pub struct Gkg<W: Write> {
    tsv: Tsv<W>,
    rows: u64,
}

impl<W: Write> Gkg<W> {
    /// A writer to `out`, with the codebook's column names as a first line
    /// when `header` is set (GDELT's own files have none).
    pub fn new(out: W, header: bool) -> Result<Gkg<W>, ExportError> {
        Ok(Gkg {
            tsv: Tsv::new(out, &GKG_COLUMNS, header)?,
            rows: 0,
        })
    }

    /// Writes the row of one article.
    pub fn push(&mut self, record: &Record) -> Result<(), ExportError> {
        let row = gkg_row(record);
        self.tsv.row(row.iter().map(String::as_str))?;
        self.rows += 1;
        Ok(())
    }

    /// The writer, flushed, with the number of rows written.
    pub fn finish(self) -> Result<(W, u64), ExportError> {
        Ok((self.tsv.finish()?, self.rows))
    }
}

fn gkg_row(record: &Record) -> Vec<String> {
    let article = record.article();
    let (collection, identifier) = record.gdelt_identifier();
    let entities = &record.analysis.entities;
    let is_location = |e: &&Entity| matches!(e.kind, EntityKind::Country | EntityKind::Place);
    let of_kind = |kind: EntityKind| move |e: &&Entity| e.kind == kind;
    // The publication time, else the 15-minute slot the article was stored
    // in: GDELT leaves no date empty.
    let published = article
        .published
        .as_ref()
        .filter(|p| matches!(p.precision, DatePrecision::Day | DatePrecision::Time))
        .and_then(|p| timestamp(&p.value))
        .unwrap_or_else(|| record.added_slot());

    let mut row = Vec::with_capacity(GKG_COLUMNS.len());
    row.push(format!("{}-{}", record.added_stamp(), record.id));
    row.push(published);
    row.push(collection.to_string());
    row.push(clean(&record.short_source(), &[]));
    row.push(clean(&identifier, &[]));
    // V1COUNTS, V2.1COUNTS, V1THEMES, V2ENHANCEDTHEMES: not coded.
    row.extend([String::new(), String::new(), String::new(), String::new()]);
    // Resolved places (schema version 3 on), else the location entities
    // with their type and name only.
    if super::geo::has_places(record) {
        row.push(super::geo::v1_locations(record));
        row.push(super::geo::v2_locations(record));
    } else {
        row.push(names(entities.iter().filter(is_location), |e| {
            format!("{}#{}#####", geo_type(Some(e)), name(e))
        }));
        row.push(mentions(record, entities.iter().filter(is_location), |e| {
            format!("{}#{}#######", geo_type(Some(e)), name(e))
        }));
    }
    // The V1 lists are lower-cased, as the codebook's are.
    row.push(names(
        entities.iter().filter(of_kind(EntityKind::Person)),
        lower_name,
    ));
    row.push(mentions(
        record,
        entities.iter().filter(of_kind(EntityKind::Person)),
        |e| format!("{},", name(e)),
    ));
    row.push(names(
        entities.iter().filter(of_kind(EntityKind::Organization)),
        lower_name,
    ));
    row.push(mentions(
        record,
        entities.iter().filter(of_kind(EntityKind::Organization)),
        |e| format!("{},", name(e)),
    ));
    // V1.5TONE: all seven values from the analysis's tone, or nothing at
    // all for an analysis made before tone was computed or in a language
    // with no sentiment lexicon (never a row of empty values between
    // commas; the word count is still in the counts as `wc:`).
    let tone = record.analysis.tone.as_ref();
    let scored = tone.and_then(|t| Some((t, [t.tone?, t.positive?, t.negative?, t.polarity?])));
    row.push(scored.map_or_else(String::new, |(t, sentiment)| {
        sentiment
            .iter()
            .chain([t.activity, t.self_group].iter())
            .map(|x| decimal(*x))
            .chain(std::iter::once(t.words.to_string()))
            .collect::<Vec<_>>()
            .join(",")
    }));
    row.push(dates(record));
    let words = tone.map_or_else(|| words(&article.text).count(), |t| t.words as usize);
    row.push(format!("wc:{words}"));
    // Sharing image, related images, social image and video embeds.
    row.extend([String::new(), String::new(), String::new(), String::new()]);
    let quotes = quotations(record);
    row.push(
        quotes
            .iter()
            .map(|q| format!("{}|{}|{}|{}", q.offset, q.length, q.verb, q.text))
            .collect::<Vec<_>>()
            .join("#"),
    );
    row.push(mentions(record, entities.iter(), |e| {
        format!("{},", name(e))
    }));
    // Amounts are read with English number words and units: a page the
    // analysis skipped for its language has none we could trust.
    let amounts = if record.analysis.analysis_skipped.is_some() {
        Vec::new()
    } else {
        amounts(&article.text)
    };
    row.push(
        amounts
            .into_iter()
            .map(|a| {
                format!(
                    "{},{},{}",
                    a.value,
                    clean(&a.object, DELIMITERS),
                    record.chars_at(TextField::Text, a.start)
                )
            })
            .collect::<Vec<_>>()
            .join(";"),
    );
    // V2.1TRANSLATIONINFO: nothing is machine-translated.
    row.push(String::new());
    row.push(extras(record, &quotes));
    debug_assert_eq!(row.len(), GKG_COLUMNS.len());
    row
}

/// An entity's name lower-cased, as the V1 fields hold names.
fn lower_name(entity: &Entity) -> String {
    name(entity).to_lowercase()
}

/// An entity's name, safe inside GKG's sub-fields.
fn name(entity: &Entity) -> String {
    clean(&entity.name, DELIMITERS)
}

/// `V1*`-style lists: each entity once, `;`-separated.
fn names<'a>(
    entities: impl Iterator<Item = &'a Entity>,
    show: impl Fn(&Entity) -> String,
) -> String {
    let mut seen: Vec<String> = Vec::new();
    for entity in entities {
        let shown = show(entity);
        if !seen.contains(&shown) {
            seen.push(shown);
        }
    }
    seen.join(";")
}

/// `V2ENHANCED*`-style lists: one block per mention in the body, each
/// `prefix` followed by the mention's character offset, in text order.
fn mentions<'a>(
    record: &Record,
    entities: impl Iterator<Item = &'a Entity>,
    prefix: impl Fn(&Entity) -> String,
) -> String {
    let mut blocks: Vec<(usize, String)> = Vec::new();
    for entity in entities {
        let shown = prefix(entity);
        for mention in &entity.mentions {
            if mention.span.field == TextField::Text {
                blocks.push((mention.span.start, shown.clone()));
            }
        }
    }
    blocks.sort();
    blocks
        .into_iter()
        .map(|(start, shown)| format!("{shown}{}", record.chars_at(TextField::Text, start)))
        .collect::<Vec<_>>()
        .join(";")
}

/// V2.1ENHANCEDDATES from the events' resolved dates: resolution (3 day, 2
/// month, 1 year; weeks are not a GDELT resolution and are left out),
/// month, day, year and the offset of the date's words in the evidence.
fn dates(record: &Record) -> String {
    let mut blocks: Vec<(usize, String)> = Vec::new();
    for event in &record.analysis.events {
        let Some(date) = &event.date else { continue };
        if event.evidence.field != TextField::Text {
            continue;
        }
        let parts: Vec<u32> = date
            .value
            .get(..10.min(date.value.len()))
            .unwrap_or("")
            .split('-')
            .map_while(|p| p.parse().ok())
            .collect();
        let (resolution, year, month, day) = match (date.precision, parts.as_slice()) {
            (DatePrecision::Day | DatePrecision::Time, [y, m, d]) => (3, *y, *m, *d),
            (DatePrecision::Month, [y, m, ..]) => (2, *y, *m, 0),
            (DatePrecision::Year, [y, ..]) => (1, *y, 0, 0),
            _ => continue,
        };
        let text = &record.article().text;
        let sentence = event.evidence.slice(text).unwrap_or("");
        let at = date
            .text
            .as_deref()
            .and_then(|words| sentence.to_lowercase().find(&words.to_lowercase()))
            .filter(|at| sentence.is_char_boundary(*at))
            .map_or(event.evidence.start, |at| event.evidence.start + at);
        let block = format!("{resolution}#{month}#{day}#{year}#");
        if !blocks.iter().any(|(s, b)| *s == at && *b == block) {
            blocks.push((at, block));
        }
    }
    blocks.sort();
    blocks
        .into_iter()
        .map(|(at, block)| format!("{block}{}", record.chars_at(TextField::Text, at)))
        .collect::<Vec<_>>()
        .join(";")
}

/// A quotation as GKG lists it, with its speaker for the Extras.
struct Quotation {
    offset: usize,
    length: usize,
    verb: String,
    text: String,
    speaker: String,
    speaker_code: String,
    kind: &'static str,
}

/// Direct and partial quotes (GKG's quotations are quoted statements;
/// reported speech is not one), in text order.
fn quotations(record: &Record) -> Vec<Quotation> {
    let mut quotes = Vec::new();
    for quote in &record.analysis.quotes {
        let kind = match quote.kind {
            QuoteKind::Direct => "direct",
            QuoteKind::Partial => "partial",
            QuoteKind::Indirect => continue,
        };
        let Some(text) = record.span_text(&quote.span) else {
            continue;
        };
        let speaker = record.entity(quote.speaker.as_ref());
        quotes.push(Quotation {
            offset: record.chars_at(quote.span.field, quote.span.start),
            length: text.chars().count(),
            verb: quote
                .cue
                .as_ref()
                .map(|c| clean(&c.text, DELIMITERS))
                .unwrap_or_default(),
            text: clean(text, &['|', '#']),
            speaker: speaker
                .map(|e| e.name.clone())
                .or_else(|| quote.speaker_text.clone())
                .unwrap_or_default(),
            // In CAMEO's spelling, as the event table's codes (`ROMGOV`).
            speaker_code: speaker
                .and_then(|e| e.actor_code.as_deref())
                .map(crate::cameo::cameo_code)
                .unwrap_or_default(),
            kind,
        });
    }
    quotes.sort_by_key(|q| q.offset);
    quotes
}

/// V2EXTRASXML: the page title and authors (as GDELT's later files carry
/// them) and, beyond GDELT, who said each quotation.
fn extras(record: &Record, quotes: &[Quotation]) -> String {
    let article = record.article();
    let mut out = String::new();
    if let Some(title) = article.title.as_deref().filter(|t| !t.is_empty()) {
        out.push_str(&format!("<PAGE_TITLE>{}</PAGE_TITLE>", xml::escape(title)));
    }
    if !article.authors.is_empty() {
        out.push_str(&format!(
            "<PAGE_AUTHORS>{}</PAGE_AUTHORS>",
            xml::escape(&article.authors.join(";"))
        ));
    }
    if !quotes.is_empty() {
        out.push_str("<QUOTATIONS>");
        for quote in quotes {
            out.push_str(&format!(
                "<QUOTATION><OFFSET>{}</OFFSET><LENGTH>{}</LENGTH><KIND>{}</KIND>\
                 <SPEAKER>{}</SPEAKER><SPEAKERCODE>{}</SPEAKERCODE></QUOTATION>",
                quote.offset,
                quote.length,
                quote.kind,
                xml::escape(&quote.speaker),
                xml::escape(&quote.speaker_code),
            ));
        }
        out.push_str("</QUOTATIONS>");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn speaker_codes_use_cameos_country_spelling() {
        let mut record = crate::record::fixture_record();
        let speaker = record
            .analysis
            .quotes
            .iter()
            .find(|q| q.kind == QuoteKind::Direct)
            .and_then(|q| q.speaker.clone())
            .unwrap();
        let entity = record
            .analysis
            .entities
            .iter_mut()
            .find(|e| e.id == speaker)
            .unwrap();
        // Romania is ROU in ISO 3166 and ROM in CAMEO, as GDELT writes it.
        entity.actor_code = Some("ROUGOV".into());
        let extras = &gkg_row(&record)[GKG_COLUMNS.len() - 1];
        assert!(
            extras.contains("<SPEAKERCODE>ROMGOV</SPEAKERCODE>"),
            "{extras}"
        );
    }
}
