//! GDELT's geography fields from the analysis's resolved places: the
//! Actor1Geo, Actor2Geo and ActionGeo blocks of the Event table and the
//! GKG's V1LOCATIONS and V2ENHANCEDLOCATIONS, as the codebooks define them:
//! geo type (1 country, 2 US state, 3 US city, 4 world city, 5 world
//! state), full name ("City, ADM1, Country"), FIPS country code, ADM1 code
//! (FIPS country code + division code), latitude, longitude and feature id.
//! ADM2 codes are not known and left empty.

use chancery_model::{Geo, Place, TextField};

use crate::record::clean;
use crate::Record;

/// Characters that delimit GKG location blocks and their fields.
const DELIMITERS: &[char] = &[';', '#', '|'];

/// A coordinate as GDELT writes it (four decimals).
fn coordinate(value: f64) -> String {
    format!("{value:.4}")
}

/// GDELT's ADM1 code of a feature: the division's code, or for a country
/// its FIPS code (as GDELT fills ADM1Code for country-level rows).
fn adm1_code(geo: &Geo) -> String {
    geo.adm1
        .clone()
        .or_else(|| {
            (geo.geo_type == 1)
                .then(|| geo.country_fips.clone())
                .flatten()
        })
        .unwrap_or_default()
}

/// The eight fields of one Event-table geo block.
pub(crate) fn block(geo: &Geo) -> [String; 8] {
    [
        geo.geo_type.to_string(),
        clean(&geo.full_name, &[]),
        geo.country_fips.clone().unwrap_or_default(),
        adm1_code(geo),
        String::new(),
        coordinate(geo.lat),
        coordinate(geo.lon),
        geo.feature_id.clone(),
    ]
}

fn place<'a>(record: &'a Record, id: &str) -> Option<&'a Place> {
    record.analysis.places.iter().find(|p| p.id == id)
}

/// Actor1Geo, Actor2Geo and ActionGeo of the `index`-th event, when the
/// analysis located it (analyses before schema version 3 did not: `None`).
pub(crate) fn event_blocks(record: &Record, index: usize) -> Option<[Option<[String; 8]>; 3]> {
    let located = record
        .analysis
        .event_places
        .iter()
        .find(|p| p.event == index)?;
    let of = |p: &Option<chancery_model::EventPlace>| {
        p.as_ref()
            .and_then(|p| place(record, &p.place))
            .filter(|p| p.geo.geo_type != 0)
            .map(|p| block(&p.geo))
    };
    Some([
        of(&located.source),
        of(&located.target),
        of(&located.action),
    ])
}

/// The places a GKG row lists: resolved, with a GDELT geo type (no
/// continents), named as locations in the body (metonymic mentions are
/// actors, not locations).
fn located(record: &Record) -> impl Iterator<Item = (&Place, usize)> {
    record
        .analysis
        .places
        .iter()
        .filter(|p| p.geo.geo_type != 0)
        .flat_map(|p| {
            p.mentions
                .iter()
                .filter(|m| m.span.field == TextField::Text && !m.metonymy)
                .map(move |m| (p, m.span.start))
        })
}

/// Whether the analysis carries resolved places (schema version 3 on).
pub(crate) fn has_places(record: &Record) -> bool {
    !record.analysis.places.is_empty()
}

/// A GKG location block: `TYPE#FULLNAME#COUNTRY#ADM1`, then `#ADM2` in
/// V2, then `#LAT#LONG#FEATUREID`.
fn location(g: &Geo, with_adm2: bool) -> String {
    format!(
        "{}#{}#{}#{}{}#{}#{}#{}",
        g.geo_type,
        clean(&g.full_name, DELIMITERS),
        g.country_fips.as_deref().unwrap_or(""),
        adm1_code(g),
        if with_adm2 { "#" } else { "" },
        coordinate(g.lat),
        coordinate(g.lon),
        g.feature_id
    )
}

/// V1LOCATIONS: each place once, `TYPE#FULLNAME#COUNTRY#ADM1#LAT#LONG#FEATUREID`.
pub(crate) fn v1_locations(record: &Record) -> String {
    let mut seen: Vec<&str> = Vec::new();
    let mut blocks = Vec::new();
    for (p, _) in located(record) {
        if !seen.contains(&p.id.as_str()) {
            seen.push(&p.id);
            blocks.push(location(&p.geo, false));
        }
    }
    blocks.join(";")
}

/// V2ENHANCEDLOCATIONS: one block per mention in text order,
/// `TYPE#FULLNAME#COUNTRY#ADM1#ADM2#LAT#LONG#FEATUREID#CHAROFFSET`.
pub(crate) fn v2_locations(record: &Record) -> String {
    let mut blocks: Vec<(usize, String)> = located(record)
        .map(|(p, start)| {
            let offset = record.chars_at(TextField::Text, start);
            (start, format!("{}#{offset}", location(&p.geo, true)))
        })
        .collect();
    blocks.sort();
    blocks
        .into_iter()
        .map(|(_, b)| b)
        .collect::<Vec<_>>()
        .join(";")
}
