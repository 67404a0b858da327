//! PLOVER event records as JSON Lines, as the PLOVER manual (Schrodt et al.,
//! openeventdata/PLOVER, `PLOVER_MANUAL.tex`) defines them: its field names
//! and types (table "PLOVER JSON"), its sixteen event categories, each
//! category's modes, its CAMEO translation table ("PLOVER equivalents to
//! CAMEO cue categories"), its entity objects (`code`, `sector`,
//! `entity_text`, `identifier_text`…) with ISO 3166 country codes and its
//! non-state codes (UNO, EUR, IGO, NGO, ISM, IMG, MNC), and its text and
//! citation objects. What chancery knows beyond the manual (modality,
//! confidence, the CAMEO code, where the date came from) is under the one
//! extension key `chancery`, as the manual allows named fields beyond its
//! own.
//!
//! CAMEO's public statements (01) and appeals (02), which the manual drops,
//! are left out, as are negated and hypothetical events (PLOVER records
//! events that happened or were announced), as are events with no actor,
//! and COOPERATE, AID and SANCTION events with no recipient (the manual
//! requires one). [`validate`] checks a record against the manual's tables;
//! [`PloverLines`] runs every record through it before writing it.

use std::io::Write;

use chancery_model::{Event, EventActor, Modality, TextField};
use serde_json::{json, Map, Value};

use crate::gdelt::{event_day, event_id, gdelt_actor, MergeKey};
use crate::tables::decimal_f64;
use crate::{cameo, ExportError, Record};

/// The version of the manual the records follow (its `codebook` value).
const CODEBOOK: &str = "plover-base-1.3.1";

/// The extension key: everything chancery adds beyond the manual's fields.
pub const PLOVER_EXTENSION: &str = "chancery";

/// The manual's event categories with their quad category (1 verbal
/// cooperation, 2 material cooperation, 3 verbal conflict, 4 material
/// conflict) and their modes.
const CATEGORIES: &[(&str, u8, &[&str])] = &[
    ("AGREE", 1, &[]),
    (
        "CONSULT",
        1,
        &["visit", "third-party", "multilateral", "phone"],
    ),
    ("SUPPORT", 1, &[]),
    ("CONCEDE", 1, &[]),
    ("COOPERATE", 2, &[]),
    ("AID", 2, &[]),
    (
        "RETREAT",
        2,
        &[
            "withdraw",
            "release",
            "disarm",
            "ceasefire",
            "access",
            "resign",
        ],
    ),
    ("REQUEST", 3, &["assist", "change", "yield", "meet"]),
    ("ACCUSE", 3, &["disapprove", "investigate", "allege"]),
    ("REJECT", 3, &["assist", "change", "yield", "meet"]),
    (
        "THREATEN",
        3,
        &[
            "restrict",
            "arrest",
            "relations",
            "expel",
            "territory",
            "violence",
        ],
    ),
    (
        "PROTEST",
        4,
        &[
            "demo",
            "riot",
            "strike",
            "hunger",
            "boycott",
            "obstruct",
            "vandalize",
        ],
    ),
    (
        "SANCTION",
        4,
        &["convict", "expel", "withdraw", "discontinue"],
    ),
    ("MOBILIZE", 4, &["troops", "weapons", "police", "militia"]),
    (
        "COERCE",
        4,
        &[
            "seize",
            "restrict",
            "censor",
            "curfew",
            "martial-law",
            "arrest",
            "deport",
            "withhold",
            "misinformation",
            "cyber",
        ],
    ),
    (
        "ASSAULT",
        4,
        &[
            "abduct",
            "beat",
            "torture",
            "sexual",
            "targeted",
            "destroy",
            "primitive",
            "firearms",
            "explosives",
            "suicide-attack",
            "aerial",
            "drone",
            "heavy-weapons",
            "crowd-control",
            "unconventional",
        ],
    ),
];

/// The categories whose section of the manual says "Requires recipient:
/// Yes": a record of one of them names the party it acts on.
const NEED_RECIPIENT: &[&str] = &["COOPERATE", "AID", "SANCTION"];

/// The manual's top-level fields ("PLOVER JSON" table), whether each is
/// required, and the extension key.
const FIELDS: &[(&str, bool)] = &[
    ("id", true),
    ("has_event", false),
    ("date", true),
    ("time", false),
    ("enddate", false),
    ("endtime", false),
    ("actor", true),
    ("recipient", false),
    ("event", true),
    ("event_loc", false),
    ("event_text", false),
    ("quad_code", false),
    ("event_scale", false),
    ("mode", false),
    ("context", false),
    ("link", false),
    ("text", false),
    ("text_info", false),
    ("cite_info", false),
    ("coder", false),
    ("coded_date", false),
    ("coded_time", false),
    ("comment", false),
    (PLOVER_EXTENSION, false),
];

/// The fields of the manual's entity, text, citation and location objects.
const ENTITY_FIELDS: &[&str] = &[
    "code",
    "sector",
    "entity_text",
    "identifier_id",
    "identifier_text",
    "religion",
    "ethnicity",
    "office",
    "gender",
    "age",
];
const TEXT_FIELDS: &[&str] = &["sequence", "start", "end", "text_story"];
const CITE_FIELDS: &[&str] = &[
    "corpus",
    "citation",
    "url",
    "title",
    "language",
    "publication",
    "license",
    "copyright",
    "coder",
    "codebook",
    "version",
];
const LOCATION_FIELDS: &[&str] = &[
    "extracted_place",
    "resolved_place",
    "geonameid",
    "lat",
    "lon",
    "city",
    "district",
    "province",
    "country",
    "country_code",
    "feature_class",
    "feature_code",
    "resolution",
];

/// The manual's non-state entity codes.
const NON_STATE: &[&str] = &["IGO", "UNO", "EUR", "NGO", "ISM", "IMG", "MNC"];

/// The manual's sector codes.
const SECTORS: &[&str] = &[
    "COP", "GOV", "JUD", "LEG", "MIL", "PRM", "PTY", "REB", "SPY", "UAF", "UNK", "AGR", "BUS",
    "CRM", "CVL", "EDU", "ELI", "JRN", "LAB", "MED", "REF", "OPP", "PRE", "REL", "SOC",
];

/// PLOVER's quad category of an event category.
pub(crate) fn quad_code(event_type: &str) -> Option<u8> {
    CATEGORIES
        .iter()
        .find(|(name, _, _)| *name == event_type)
        .map(|(_, quad, _)| *quad)
}

/// The PLOVER category and mode of a CAMEO code, by the manual's
/// translation table: 01 and 02 are dropped; 08 is CONCEDE for 080–083 and
/// RETREAT for 084–087; 09 and 11 are ACCUSE; 10 REQUEST; 18 and 19
/// ASSAULT; 20, whose "FIGHT" the manual no longer defines as a category,
/// ASSAULT with mode `unconventional` for weapons of mass destruction, as
/// its note asks. Modes follow the manual's mode tables.
pub fn plover_of_cameo(code: &str) -> Option<(&'static str, Option<&'static str>)> {
    let root = code.get(..2)?;
    let event = match root {
        "03" => "AGREE",
        "04" => "CONSULT",
        "05" => "SUPPORT",
        "06" => "COOPERATE",
        "07" => "AID",
        "08" if code.get(..3).is_some_and(|base| base >= "084") => "RETREAT",
        "08" => "CONCEDE",
        "09" | "11" => "ACCUSE",
        "10" => "REQUEST",
        "12" => "REJECT",
        "13" => "THREATEN",
        "14" => "PROTEST",
        "15" => "MOBILIZE",
        "16" => "SANCTION",
        "17" => "COERCE",
        "18" | "19" | "20" => "ASSAULT",
        _ => return None,
    };
    Some((event, cameo_mode(code)))
}

/// The mode a CAMEO code implies, when the manual's mode tables have one:
/// the mode of the PLOVER authors' CAMEO conversion table
/// (`CAMEO2PLOVER-2021.txt` in the PLOVER repository) wherever it names a
/// mode of the manual's tables (`ban`, `return`, `massacre`… it also uses
/// are not the manual's, and the code keeps no mode or a nearer one of the
/// manual: `aerial`, `drone`, `targeted`, `cyber`, `unconventional`); 143
/// is `strike` unless its trigger says boycott.
fn cameo_mode(code: &str) -> Option<&'static str> {
    let base = code.get(..3).unwrap_or(code);
    Some(match (base, code) {
        ("041", _) => "phone",
        ("042" | "043", _) => "visit",
        ("044", _) => "third-party",
        (_, "0841") => "release",
        ("086", _) => "access",
        (_, "0871") => "ceasefire",
        (_, "0872") => "withdraw",
        (_, "087" | "0873" | "0874") => "disarm",
        ("090" | "091" | "092" | "093" | "094", _) => "investigate",
        (_, "112") => "disapprove",
        ("112" | "114" | "115", _) => "allege",
        ("110" | "111" | "113" | "116", _) => "disapprove",
        ("101" | "102" | "103" | "121" | "122", _) => "assist",
        (_, "105" | "124" | "1241" | "1242") => "change",
        ("104" | "123", _) => "change",
        ("105" | "124" | "128" | "129", _) => "yield",
        ("106" | "107" | "108" | "125" | "126" | "127", _) => "meet",
        (_, "1312") | (_, "1381") => "restrict",
        ("132", _) => "restrict",
        (_, "1311") | (_, "1313") | ("133" | "134" | "135" | "139", _) => "relations",
        ("136", _) => "expel",
        (_, "1382") => "territory",
        ("137" | "138", _) => "violence",
        ("141", _) => "demo",
        ("142", _) => "hunger",
        // "Conduct strike or boycott": the conversion table says boycott;
        // news strikes outnumber boycotts, and the record's trigger decides
        // (`plover_record`).
        ("143", _) => "strike",
        ("144", _) => "obstruct",
        ("145", _) => "riot",
        ("161" | "164" | "165", _) => "withdraw",
        ("162", _) => "discontinue",
        ("166", _) => "expel",
        ("151" | "153", _) => "police",
        ("152" | "154", _) => "troops",
        (_, "1712") => return None,
        ("171", _) => "seize",
        (_, "1723") => "curfew",
        (_, "1724") => "martial-law",
        ("172", _) => "restrict",
        ("173", _) => "arrest",
        ("174", _) => "deport",
        ("176", _) => "cyber",
        ("181" | "184", _) => "abduct",
        (_, "1821") => "sexual",
        (_, "1822") => "torture",
        ("182", _) if code.len() == 3 => "beat",
        (_, "183" | "1831") => "suicide-attack",
        ("183", _) => "explosives",
        ("185" | "186", _) => "targeted",
        ("193", _) => "firearms",
        ("194", _) => "heavy-weapons",
        (_, "1952") => "drone",
        ("195", _) => "aerial",
        ("202", _) => "targeted",
        ("200" | "204", _) => "unconventional",
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
                // Every record is checked against the manual before it is
                // written, in release builds too: a file that fails a
                // PLOVER reader is worse than an export that stops.
                validate(&value).map_err(|problem| ExportError::Plover {
                    id: value["id"].as_str().unwrap_or_default().to_string(),
                    article: record.id,
                    problem,
                })?;
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

/// The PLOVER record of the `index`-th event, when PLOVER codes it.
pub(crate) fn plover_record(record: &Record, index: usize) -> Option<Value> {
    let event = record.analysis.events.get(index)?;
    if matches!(event.modality, Modality::Negated | Modality::Hypothetical) {
        return None;
    }
    let (category, code_mode) = plover_of_cameo(&event.code)?;
    let modes = CATEGORIES
        .iter()
        .find(|(name, _, _)| *name == category)
        .map_or(&[][..], |(_, _, modes)| *modes);
    let trigger = record.span_text(&event.trigger).unwrap_or_default();
    let code_mode = match code_mode {
        Some("strike") if trigger.to_lowercase().contains("boycott") => Some("boycott"),
        other => other,
    };
    // The coder's own mode when the code implies none and the manual has it.
    let mode = code_mode.or_else(|| {
        let coder = event.plover.as_ref()?.mode.as_deref()?;
        modes.iter().copied().find(|m| *m == coder)
    });
    let article = record.article();
    let key = MergeKey::of(record, index)?;
    let (date, basis) = plover_date(record, event);
    let actor = entities(record, event, event.source.as_ref());
    let recipient = entities(record, event, event.target.as_ref());
    // The manual requires an actor, and a recipient for the categories that
    // act on one: an event that names neither is no PLOVER record.
    if actor.is_empty() || (NEED_RECIPIENT.contains(&category) && recipient.is_empty()) {
        return None;
    }
    let text = &article.text;
    let evidence = (event.evidence.field == TextField::Text).then_some(event.evidence);
    let mut value = json!({
        "id": format!("{}-{}", article.id, index + 1),
        "date": date,
        "actor": actor,
        "recipient": recipient,
        "event": [category],
        "mode": mode.map_or_else(Vec::new, |m| vec![m]),
        "context": [],
        "event_text": record.span_text(&event.trigger).map_or_else(Vec::new, |t| vec![t]),
        "quad_code": quad_code(category),
        "event_scale": decimal_f64(event.goldstein),
        "link": event_id(&key).to_string(),
        "text": record.span_text(&event.evidence),
        "cite_info": {
            "corpus": record.short_source(),
            "citation": article.external_id.clone().unwrap_or_else(|| article.id.clone()),
            "url": record.url(),
            "title": article.title,
            "language": article.language,
            "publication": record.source_name(),
            "coder": format!("chancery {}", record.analysis.pipeline_version),
            "codebook": CODEBOOK,
        },
        "coder": format!("chancery {}", record.analysis.pipeline_version),
        PLOVER_EXTENSION: {
            "modality": crate::tables::modality_name(event.modality),
            "confidence": decimal_f64(event.confidence),
            "date_basis": basis,
            "cameo": {
                "code": event.code,
                "root": event.root,
                "quad_class": event.quad_class,
                "goldstein": decimal_f64(event.goldstein),
            },
            "article": article.id,
        },
    });
    let object = value.as_object_mut().expect("a record is an object");
    if let Some(day) = record.added_day() {
        object.insert("coded_date".into(), json!(day));
    }
    if let Some(evidence) = evidence {
        object.insert(
            "text_info".into(),
            json!({
                "sequence": record.sentence_number(&evidence),
                "start": record.chars_at(TextField::Text, evidence.start),
                "end": crate::record::char_offset(text, evidence.end),
            }),
        );
    }
    if let Some(place) = event.location.as_deref().filter(|l| !l.trim().is_empty()) {
        let entity = record
            .analysis
            .entities
            .iter()
            .find(|e| e.name == place || e.aliases.iter().any(|a| a == place));
        let mut loc = Map::new();
        loc.insert("extracted_place".into(), json!(place));
        if let Some(country) = entity.and_then(|e| e.country.as_deref()) {
            loc.insert("country_code".into(), json!(country));
        }
        object.insert("event_loc".into(), Value::Object(loc));
    }
    // Null citation fields say nothing: leave them out.
    if let Some(Value::Object(cite)) = object.get_mut("cite_info") {
        cite.retain(|_, v| !v.is_null());
    }
    if object.get("text").is_some_and(Value::is_null) {
        object.remove("text");
    }
    Some(value)
}

/// The record's date: the event's own day, else the publication day, else
/// the day the article was stored; with which it was (`event`,
/// `published`, `ingested`), so a reader can judge it.
fn plover_date(record: &Record, event: &Event) -> (String, &'static str) {
    if let Some(day) = event
        .date
        .as_ref()
        .and_then(|d| event_day(&d.value, d.precision))
    {
        return (day.to_string(), "event");
    }
    if let Some(day) = record
        .article()
        .published
        .as_ref()
        .and_then(|p| event_day(&p.value, p.precision))
    {
        return (day.to_string(), "published");
    }
    let day = record
        .added_day()
        .unwrap_or_else(|| record.added.chars().take(10).collect());
    (day, "ingested")
}

/// An actor or recipient as a list of the manual's entity objects (one, or
/// none when the event names no such actor): the ISO country or non-state
/// code, the sector, the words that name it (the mention nearest the
/// trigger) and its canonical name.
fn entities(record: &Record, event: &Event, actor: Option<&EventActor>) -> Vec<Value> {
    let Some(actor) = actor else {
        return Vec::new();
    };
    let gdelt = gdelt_actor(record, Some(actor));
    let entity = record.entity(actor.entity.as_ref());
    let parts = cameo::parts(&gdelt.code);
    let international = parts.types.first().and_then(|t| match t.as_str() {
        "IGO" => Some(match parts.group.as_deref() {
            _ if gdelt.code.starts_with("IGOUNO") => "UNO",
            Some("EEC") => "EUR",
            _ => "IGO",
        }),
        "NGO" => Some("NGO"),
        "NGM" => Some("ISM"),
        "IMG" => Some("IMG"),
        "MNC" => Some("MNC"),
        _ => None,
    });
    let code = international.map(String::from).or_else(|| {
        entity
            .and_then(|e| e.country.clone())
            .or_else(|| parts.country.as_deref().map(|c| cameo::iso(c).to_string()))
            .filter(|c| c.len() == 3)
    });
    let sector = parts
        .types
        .iter()
        .find_map(|t| plover_sector(t))
        .filter(|s| international.is_none() || *s != "SOC");
    let text = entity.and_then(|e| {
        e.mentions
            .iter()
            .filter(|m| m.span.field == event.evidence.field)
            .min_by_key(|m| m.span.start.abs_diff(event.trigger.start))
            .and_then(|m| record.span_text(&m.span))
    });
    let mut object = Map::new();
    if let Some(code) = code {
        object.insert("code".into(), json!(code));
    }
    if let Some(sector) = sector {
        object.insert("sector".into(), json!(sector));
    }
    if let Some(text) = text {
        object.insert("entity_text".into(), json!(text));
    }
    if let Some(entity) = entity {
        object.insert("identifier_text".into(), json!(entity.name));
    }
    if let Some(religion) = parts.religions.first() {
        object.insert("religion".into(), json!(religion));
    }
    if object.is_empty() {
        return Vec::new();
    }
    vec![Value::Object(object)]
}

/// The manual's sector of a CAMEO type code (CAMEO's MED, media, is PLOVER's
/// JRN; CAMEO's HLH, health, PLOVER's MED; insurgents and separatists are
/// rebels; civil-society types are SOC).
fn plover_sector(cameo: &str) -> Option<&'static str> {
    Some(match cameo {
        "COP" => "COP",
        "GOV" => "GOV",
        "JUD" => "JUD",
        "LEG" => "LEG",
        "MIL" => "MIL",
        "PTY" => "PTY",
        "REB" | "INS" | "SEP" => "REB",
        "SPY" => "SPY",
        "UAF" => "UAF",
        "AGR" => "AGR",
        "BUS" => "BUS",
        "CRM" => "CRM",
        "CVL" => "CVL",
        "EDU" => "EDU",
        "ELI" => "ELI",
        "MED" => "JRN",
        "HLH" => "MED",
        "LAB" => "LAB",
        "REF" => "REF",
        "OPP" => "OPP",
        "REL" => "REL",
        "HRI" | "ENV" | "DEV" | "NGO" | "NGM" => "SOC",
        _ => return None,
    })
}

/// Checks a record against the PLOVER manual's tables: only its fields
/// (plus the extension key), the required ones present, each of its type;
/// events from its sixteen categories, modes from their category's table,
/// the quad code the category's; entity objects with the manual's fields,
/// codes of three letters or its non-state codes, its sectors; text,
/// citation and location objects with their tables' fields. Returns the
/// first problem found.
pub fn validate(record: &Value) -> Result<(), String> {
    let object = record.as_object().ok_or("a record is a JSON object")?;
    for key in object.keys() {
        if !FIELDS.iter().any(|(name, _)| name == key) {
            return Err(format!("`{key}` is not a PLOVER field"));
        }
    }
    for (name, required) in FIELDS {
        if *required && !object.contains_key(*name) {
            return Err(format!("`{name}` is required"));
        }
    }
    let string = |key: &str| match object.get(key) {
        None | Some(Value::String(_)) => Ok(()),
        Some(other) => Err(format!("`{key}` is {other}, not a string")),
    };
    for key in [
        "id",
        "date",
        "time",
        "enddate",
        "endtime",
        "link",
        "text",
        "coder",
        "coded_date",
        "coded_time",
        "comment",
    ] {
        string(key)?;
    }
    for key in ["date", "enddate", "coded_date"] {
        if let Some(day) = object.get(key).and_then(Value::as_str) {
            if event_day(day, chancery_model::DatePrecision::Day) != Some(day) {
                return Err(format!("`{key}` {day:?} is not YYYY-MM-DD"));
            }
        }
    }
    let list = |key: &str| -> Result<Vec<&Value>, String> {
        match object.get(key) {
            None => Ok(Vec::new()),
            Some(Value::Array(items)) => Ok(items.iter().collect()),
            Some(other) => Err(format!("`{key}` is {other}, not a list")),
        }
    };
    let strings = |key: &str| -> Result<Vec<&str>, String> {
        list(key)?
            .into_iter()
            .map(|v| v.as_str().ok_or(format!("`{key}` holds {v}, not a string")))
            .collect()
    };
    let events = strings("event")?;
    if events.is_empty() {
        return Err("`event` is empty".into());
    }
    let mut allowed_modes: Vec<&str> = Vec::new();
    let mut quads = Vec::new();
    for event in &events {
        let (_, quad, modes) = CATEGORIES
            .iter()
            .find(|(name, _, _)| name == event)
            .ok_or(format!("`{event}` is not a PLOVER event category"))?;
        allowed_modes.extend(modes.iter());
        quads.push(*quad);
    }
    for mode in strings("mode")? {
        if !allowed_modes.contains(&mode) {
            return Err(format!("mode `{mode}` is not a mode of {events:?}"));
        }
    }
    strings("context")?;
    strings("event_text")?;
    if let Some(quad) = object.get("quad_code") {
        let quad = quad.as_u64().ok_or("`quad_code` is not 1, 2, 3 or 4")?;
        if !quads.iter().any(|q| u64::from(*q) == quad) {
            return Err(format!("quad_code {quad} is not that of {events:?}"));
        }
    }
    if let Some(scale) = object.get("event_scale") {
        scale.as_f64().ok_or("`event_scale` is not a number")?;
    }
    if let Some(flag) = object.get("has_event") {
        flag.as_bool().ok_or("`has_event` is not true or false")?;
    }
    if list("actor")?.is_empty() {
        return Err("`actor` lists no entity".into());
    }
    if let Some(event) = events.iter().find(|e| NEED_RECIPIENT.contains(e)) {
        if list("recipient")?.is_empty() {
            return Err(format!("{event} requires a recipient"));
        }
    }
    for key in ["actor", "recipient"] {
        for entity in list(key)? {
            let entity = entity
                .as_object()
                .ok_or(format!("`{key}` holds a non-object"))?;
            for field in entity.keys() {
                if !ENTITY_FIELDS.contains(&field.as_str()) {
                    return Err(format!("`{field}` is not a field of an entity object"));
                }
            }
            if let Some(code) = entity.get("code") {
                let code = code.as_str().ok_or("an entity `code` is not a string")?;
                let shaped = code.len() == 3 && code.bytes().all(|b| b.is_ascii_uppercase());
                if !shaped && !NON_STATE.contains(&code) {
                    return Err(format!("entity code `{code}` is not a 3-letter code"));
                }
            }
            if let Some(sector) = entity.get("sector") {
                let sector = sector.as_str().ok_or("a `sector` is not a string")?;
                if !SECTORS.contains(&sector) {
                    return Err(format!("sector `{sector}` is not a PLOVER sector"));
                }
            }
        }
    }
    for (key, fields) in [
        ("text_info", TEXT_FIELDS),
        ("cite_info", CITE_FIELDS),
        ("event_loc", LOCATION_FIELDS),
    ] {
        if let Some(value) = object.get(key) {
            let inner = value
                .as_object()
                .ok_or(format!("`{key}` is not an object"))?;
            for field in inner.keys() {
                if !fields.contains(&field.as_str()) {
                    return Err(format!("`{field}` is not a field of `{key}`"));
                }
            }
        }
    }
    if let Some(extension) = object.get(PLOVER_EXTENSION) {
        extension
            .as_object()
            .ok_or(format!("`{PLOVER_EXTENSION}` is not an object"))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quad_codes_follow_the_manual() {
        assert_eq!(quad_code("CONSULT"), Some(1));
        assert_eq!(quad_code("AID"), Some(2));
        assert_eq!(quad_code("ACCUSE"), Some(3));
        assert_eq!(quad_code("REQUEST"), Some(3));
        assert_eq!(quad_code("SANCTION"), Some(4));
        assert_eq!(quad_code("SOMETHING"), None);
    }

    #[test]
    fn cameo_translates_as_the_manuals_table() {
        assert_eq!(plover_of_cameo("010"), None);
        assert_eq!(plover_of_cameo("0214"), None, "appeals are dropped");
        assert_eq!(plover_of_cameo("042"), Some(("CONSULT", Some("visit"))));
        assert_eq!(plover_of_cameo("081").unwrap().0, "CONCEDE");
        assert_eq!(plover_of_cameo("0841"), Some(("RETREAT", Some("release"))));
        assert_eq!(plover_of_cameo("087").unwrap().0, "RETREAT");
        assert_eq!(plover_of_cameo("090").unwrap().0, "ACCUSE");
        assert_eq!(plover_of_cameo("1041"), Some(("REQUEST", Some("change"))));
        assert_eq!(plover_of_cameo("190"), Some(("ASSAULT", None)));
        assert_eq!(
            plover_of_cameo("2041"),
            Some(("ASSAULT", Some("unconventional")))
        );
        assert_eq!(plover_of_cameo("200").unwrap().1, Some("unconventional"));
    }

    #[test]
    fn modes_follow_the_authors_conversion_table() {
        // CAMEO2PLOVER-2021.txt, where its mode is one of the manual's.
        for (code, event, mode) in [
            ("043", "CONSULT", "visit"),
            ("087", "RETREAT", "disarm"),
            ("0874", "RETREAT", "disarm"),
            ("105", "REQUEST", "change"),
            ("1053", "REQUEST", "yield"),
            ("112", "ACCUSE", "disapprove"),
            ("1122", "ACCUSE", "allege"),
            ("114", "ACCUSE", "allege"),
            ("116", "ACCUSE", "disapprove"),
            ("1241", "REJECT", "change"),
            ("1244", "REJECT", "yield"),
            ("128", "REJECT", "yield"),
            ("133", "THREATEN", "relations"),
            ("139", "THREATEN", "relations"),
            ("1721", "COERCE", "restrict"),
            ("183", "ASSAULT", "suicide-attack"),
            ("1832", "ASSAULT", "explosives"),
            ("184", "ASSAULT", "abduct"),
        ] {
            assert_eq!(plover_of_cameo(code), Some((event, Some(mode))), "{code}");
        }
        // Its modes outside the manual's tables are not written.
        assert_eq!(
            plover_of_cameo("1322"),
            Some(("THREATEN", Some("restrict")))
        );
        assert_eq!(plover_of_cameo("163"), Some(("SANCTION", None)));
        assert_eq!(plover_of_cameo("0842"), Some(("RETREAT", None)));
        // Strikes are strikes unless the trigger says boycott.
        assert_eq!(plover_of_cameo("1432"), Some(("PROTEST", Some("strike"))));
    }

    #[test]
    fn every_cameo_mode_is_in_its_categorys_table() {
        let codes = crate::gdelt::goldstein::GOLDSTEIN.iter().map(|(c, _)| *c);
        let mut translated = 0;
        for code in codes {
            let Some((event, mode)) = plover_of_cameo(code) else {
                assert!(code.starts_with("01") || code.starts_with("02"), "{code}");
                continue;
            };
            translated += 1;
            let (_, _, modes) = CATEGORIES.iter().find(|(n, _, _)| *n == event).unwrap();
            if let Some(mode) = mode {
                assert!(
                    modes.contains(&mode),
                    "{code}: {mode} is not a mode of {event}"
                );
            }
        }
        assert!(translated > 250, "{translated}");
    }

    #[test]
    fn a_strike_is_a_boycott_when_its_trigger_says_so() {
        let mut record = crate::record::fixture_record();
        let at = record.analysis.article.text.len() + 1;
        record.analysis.article.text.push_str(" Workers boycott.");
        let event = &mut record.analysis.events[0];
        event.code = "1432".into();
        event.root = "14".into();
        event.quad_class = 4;
        let mode = |record: &Record| plover_record(record, 0).unwrap()["mode"].clone();
        // The trigger is the pact's "signed": a strike.
        assert_eq!(mode(&record), json!(["strike"]));
        record.analysis.events[0].trigger = chancery_model::Span::new(at + 8, at + 15);
        assert_eq!(mode(&record), json!(["boycott"]));
    }

    #[test]
    fn the_validator_holds_records_to_the_manual() {
        let good = json!({
            "id": "a-1", "date": "2016-07-24",
            "actor": [{"code": "USA", "sector": "GOV"}],
            "recipient": [{"code": "UNO"}],
            "event": ["CONSULT"], "mode": ["visit"], "quad_code": 1,
            "chancery": {"modality": "asserted"}
        });
        assert_eq!(validate(&good), Ok(()));
        let with = |key: &str, value: Value| {
            let mut bad = good.clone();
            bad[key] = value;
            validate(&bad)
        };
        assert!(with("event", json!(["FIGHT"])).is_err());
        assert!(with("event", json!("CONSULT")).is_err());
        assert!(with("mode", json!(["armed"])).is_err());
        assert!(with("quad_code", json!(4)).is_err());
        assert!(with("date", json!(null)).is_err());
        assert!(with("date", json!("24/07/2016")).is_err());
        assert!(with("event_type", json!("CONSULT")).is_err());
        assert!(with("actor", json!({"code": "USA"})).is_err());
        assert!(with("actor", json!([{"country": "USA"}])).is_err());
        assert!(with("actor", json!([{"sector": "MNC"}])).is_err());
        assert!(with("location", json!("Berlin")).is_err());
        let mut missing = good.clone();
        missing.as_object_mut().unwrap().remove("actor");
        assert!(validate(&missing).is_err());
        assert_eq!(
            with("actor", json!([])),
            Err("`actor` lists no entity".into())
        );
        // COOPERATE, AID and SANCTION require a recipient; CONSULT does not.
        let mut aid = good.clone();
        aid["event"] = json!(["AID"]);
        aid["quad_code"] = json!(2);
        aid["mode"] = json!([]);
        assert_eq!(validate(&aid), Ok(()));
        aid["recipient"] = json!([]);
        assert_eq!(validate(&aid), Err("AID requires a recipient".into()));
        assert_eq!(with("recipient", json!([])), Ok(()));
    }
}
