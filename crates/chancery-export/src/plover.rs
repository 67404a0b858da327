//! PLOVER-style event records as JSON Lines: one object per event of each
//! article, with the actor and recipient, event type, mode, context and
//! quad code of the PLOVER/POLECAT ontology, the words that carry the event
//! and where it was read.
//!
//! Events without a PLOVER type (CAMEO's public statements, which PLOVER
//! drops) are left out. `context` is always an empty list: chancery does
//! not code PLOVER contexts yet.

use std::io::Write;

use chancery_model::{EventActor, TextField};
use serde_json::{json, Value};

use crate::gdelt::{code_sector, event_day_of, event_id, MergeKey};
use crate::{ExportError, Record};

/// PLOVER's quad category of an event type: 1 verbal cooperation, 2
/// material cooperation, 3 verbal conflict, 4 material conflict (POLECAT's
/// categories, and the PLOVER manual's older ones).
pub(crate) fn quad_code(event_type: &str) -> Option<u8> {
    Some(match event_type {
        "AGREE" | "CONSULT" | "SUPPORT" | "CONCEDE" => 1,
        "COOPERATE" | "AID" | "RETREAT" | "INVESTIGATE" => 2,
        "REQUEST" | "ACCUSE" | "REJECT" | "THREATEN" | "DEMAND" | "DISAPPROVE" => 3,
        "PROTEST" | "SANCTION" | "MOBILIZE" | "COERCE" | "ASSAULT" | "FIGHT" | "CRIME" => 4,
        _ => return None,
    })
}

/// Writes PLOVER records, one JSON object a line.
#[derive(Debug)]
pub struct PloverLines<W: Write> {
    out: W,
    rows: u64,
}

impl<W: Write> PloverLines<W> {
    /// A writer to `out`.
    pub fn new(out: W) -> PloverLines<W> {
        PloverLines { out, rows: 0 }
    }

    /// Writes the records of one article's events.
    pub fn push(&mut self, record: &Record) -> Result<(), ExportError> {
        for index in 0..record.analysis.events.len() {
            if let Some(value) = plover_record(record, index) {
                serde_json::to_writer(&mut self.out, &value).map_err(std::io::Error::from)?;
                self.out.write_all(b"\n")?;
                self.rows += 1;
            }
        }
        Ok(())
    }

    /// The writer, flushed, with the number of records written.
    pub fn finish(mut self) -> Result<(W, u64), ExportError> {
        self.out.flush()?;
        Ok((self.out, self.rows))
    }
}

/// The PLOVER record of the `index`-th event, when it has a PLOVER type.
pub(crate) fn plover_record(record: &Record, index: usize) -> Option<Value> {
    let event = record.analysis.events.get(index)?;
    let plover = event.plover.as_ref()?;
    let article = record.article();
    let key = MergeKey::of(record, index)?;
    let modality = crate::tables::modality_name(event.modality);
    Some(json!({
        "id": format!("{}-{}", article.id, index + 1),
        "event_id": event_id(&key),
        "date": event_day_of(record, event),
        "event_type": plover.event_type,
        "mode": plover.mode.clone().unwrap_or_default(),
        "context": [],
        "quad_code": quad_code(&plover.event_type).unwrap_or(event.quad_class),
        "actor": actor(record, event.source.as_ref(), event.trigger.start, event.evidence.field),
        "recipient": actor(record, event.target.as_ref(), event.trigger.start, event.evidence.field),
        "event_text": record.span_text(&event.trigger),
        "text": record.span_text(&event.evidence),
        "location": event.location,
        "modality": modality,
        "confidence": short(event.confidence),
        "cameo": {
            "code": event.code,
            "root": event.root,
            "quad_class": event.quad_class,
            "goldstein": short(event.goldstein),
        },
        "source": {
            "article": article.id,
            "external_id": article.external_id,
            "url": record.url(),
            "site": record.source_name(),
            "title": article.title,
            "published": article.published.as_ref().map(|p| p.value.clone()),
            "language": article.language,
            "sentence": record.sentence_number(&event.evidence),
        },
        "coder": format!("chancery {}", record.analysis.pipeline_version),
    }))
}

/// An `f32` as the decimal it was written as (0.9, not 0.8999999761581421).
fn short(x: f32) -> f64 {
    x.to_string().parse().unwrap_or(f64::from(x))
}

/// An actor as PLOVER records it: the words that name it (the mention
/// nearest the trigger), its name, code, country and sector.
fn actor(record: &Record, actor: Option<&EventActor>, trigger: usize, field: TextField) -> Value {
    let Some(actor) = actor else {
        return Value::Null;
    };
    let entity = record.entity(actor.entity.as_ref());
    let code = actor.code.clone().unwrap_or_default();
    let (country, sector) = code_sector(&code);
    let text = entity.and_then(|e| {
        e.mentions
            .iter()
            .filter(|m| m.span.field == field)
            .min_by_key(|m| m.span.start.abs_diff(trigger))
            .and_then(|m| record.span_text(&m.span))
    });
    json!({
        "actor_text": text,
        "name": entity.map(|e| e.name.clone()),
        "code": actor.code,
        "country": entity.and_then(|e| e.country.clone()).or(country),
        "sector": sector,
        "entity": actor.entity,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quad_codes_follow_the_ontology() {
        assert_eq!(quad_code("CONSULT"), Some(1));
        assert_eq!(quad_code("AID"), Some(2));
        assert_eq!(quad_code("ACCUSE"), Some(3));
        assert_eq!(quad_code("SANCTION"), Some(4));
        assert_eq!(quad_code("SOMETHING"), None);
    }
}
