//! Toponym resolution: which gazetteer feature each place mention names.
//!
//! Mentions come from the entities analysis found (places, countries,
//! nationalities; never organizations or people, so "Seagram" or "Warner
//! Bros" are no places) and from the gazetteer itself where the tagger
//! missed a place after a locative preposition. Each distinct name is
//! scored over its gazetteer candidates: population and feature type, the
//! entity's country, written containment ("Springfield, Illinois"), the
//! document's countries (its country mentions and the dateline), and, in a
//! second pass, the countries and divisions of the other resolved places.

use std::collections::HashMap;

use chancery_model::{Analysis, EntityKind, Place, PlaceMention, Span, TextField};

use crate::abbrev::{abbreviation, abbreviation_exact};
use crate::gazetteer::{normalize, Gazetteer, Kind};

/// A toponym mention before resolution.
#[derive(Debug, Clone)]
struct Candidate {
    span: Span,
    /// The look-up key of the name written.
    key: String,
    /// Index of the entity it belongs to.
    entity: Option<usize>,
    /// The entity's country (ISO alpha-2).
    country: Option<String>,
    /// The mention names its country by a country name or demonym: no
    /// search, the country it is.
    is_country: bool,
    /// A capital named for its government ("Moscow denied").
    metonymy: bool,
    /// Containment written after it: ", Illinois".
    within: Option<Within>,
    /// A feature known without scoring (an abbreviation, a container).
    fixed: Option<usize>,
}

/// A container written after a name ("Springfield, Illinois"): its
/// country, its division when it is one, its feature and where it is.
#[derive(Debug, Clone)]
struct Within {
    country: String,
    adm1: Option<String>,
    feature: usize,
    span: Span,
}

/// Weights of the resolution score; see `score`.
#[derive(Debug, Clone, Copy)]
pub struct Weights {
    /// Per unit of log10 population.
    pub population: f64,
    /// Feature's own name rather than an alternate name.
    pub primary_name: f64,
    /// Bonus for a country, which news names far more often than a
    /// same-named town.
    pub country: f64,
    /// Bonus for a first-level division.
    pub adm1: f64,
    /// The entity's own country (from the knowledge base).
    pub entity_country: f64,
    /// Written containment matching the candidate's country.
    pub within_country: f64,
    /// Written containment matching the candidate's division.
    pub within_adm1: f64,
    /// Times the share of the document's country weight on the
    /// candidate's country.
    pub document_country: f64,
    /// Times the share of the other places in the candidate's division.
    pub document_adm1: f64,
}

impl Default for Weights {
    fn default() -> Self {
        Weights {
            population: 1.0,
            primary_name: 1.0,
            country: 3.0,
            adm1: 2.0,
            entity_country: 4.0,
            within_country: 5.0,
            within_adm1: 6.0,
            document_country: 4.0,
            document_adm1: 2.0,
        }
    }
}

/// Pseudo-populations (log10) for features the table gives none: a
/// division counts as a large city.
const ADM1_LOG_POPULATION: f64 = 6.3;
const CONTINENT_LOG_POPULATION: f64 = 8.0;

/// Population from which a city is meant rather than the division of the
/// same name that holds it.
const CITY_OVER_DIVISION: u64 = 1_000_000;

/// Population under which a place is taken only where the document puts
/// it: a containment written after it in its division or country ("Edmonton,
/// Ky."), or other places of the document in its division (a story of
/// Kentucky towns). Villages share their names with the towns news names
/// without context ("London" of 8,000 people in Kentucky), and a name the
/// gazetteer knows only as villages is mostly no place at all ("Victoria
/// Park"), so a small place is never chosen on its name alone.
const LOCAL_POPULATION: u64 = 15_000;

/// Words that precede a place named as a location.
const LOCATIVE: &[&str] = &[
    "in",
    "at",
    "near",
    "from",
    "outside",
    "inside",
    "across",
    "to",
    "into",
    "towards",
    "toward",
    "around",
    "throughout",
    "via",
    "between",
    "of",
];

/// Capitalized words that open sentences or headings and are place names
/// somewhere; never taken as places without an entity.
const NOT_PLACES: &[&str] = &[
    "the",
    "a",
    "an",
    "this",
    "that",
    "he",
    "she",
    "it",
    "they",
    "we",
    "i",
    "you",
    "but",
    "and",
    "or",
    "in",
    "on",
    "at",
    "as",
    "of",
    "for",
    "by",
    "with",
    "if",
    "when",
    "after",
    "before",
    "while",
    "mr",
    "mrs",
    "ms",
    "dr",
    "president",
    "minister",
    "police",
    "march",
    "may",
    "june",
    "july",
    "august",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "god",
    "western",
    "eastern",
    "northern",
    "southern",
    "university",
    "city",
    "university of",
    "north",
    "south",
    "east",
    "west",
    "central",
    "new",
    "san",
    "santa",
    "saint",
    "lake",
    "mount",
    "fort",
    "port",
    "victoria",
    "china town",
];

/// Resolves the places of `analysis` into `analysis.places`; returns the
/// gazetteer feature of each place, in the same order.
pub fn resolve_places(analysis: &mut Analysis, weights: &Weights) -> Vec<usize> {
    let g = Gazetteer::builtin();
    let mut candidates = entity_candidates(analysis, g);
    candidates.extend(gazetteer_candidates(analysis, g, &candidates));
    // The container of "Springfield, Illinois" is a toponym too, whether or
    // not the tagger found it.
    let containers: Vec<Candidate> = candidates
        .iter()
        .filter_map(|c| c.within.as_ref())
        .filter(|w| w.span.end > w.span.start)
        .filter(|w| {
            !candidates.iter().any(|c| {
                c.span.field == w.span.field
                    && c.span.start < w.span.end
                    && w.span.start < c.span.end
            })
        })
        .map(|w| Candidate {
            span: w.span,
            key: normalize(span_text(analysis, &w.span)),
            entity: None,
            country: Some(w.country.clone()),
            is_country: false,
            metonymy: false,
            within: None,
            fixed: Some(w.feature),
        })
        .collect();
    for c in containers {
        if !candidates.iter().any(|d| d.span == c.span) {
            candidates.push(c);
        }
    }
    candidates.sort_by_key(|c| (c.span.field != TextField::Text, c.span.start));

    // The document's countries: country entities by mentions, the dateline
    // counting as three.
    let mut countries: HashMap<String, f64> = HashMap::new();
    for c in &candidates {
        if let Some(country) = &c.country {
            *countries.entry(country.clone()).or_default() += 1.0;
        }
    }
    let dateline = dateline_feature(analysis, g, weights, &countries);
    let mut dateline_adm1 = None;
    if let Some(d) = dateline {
        let f = g.feature(d);
        *countries.entry(f.country.clone()).or_default() += 3.0;
        if matches!(f.kind, Kind::Place | Kind::Adm1) {
            dateline_adm1 = Some((f.country.clone(), f.adm1.clone()));
        }
    }

    // Pass one: each name on its own with the document's countries; pass
    // two: again, with the countries and divisions of the other places.
    let mut chosen: HashMap<String, Option<usize>> = HashMap::new();
    for c in &candidates {
        if !chosen.contains_key(&c.key) || c.within.is_some() {
            let pick = best(g, c, weights, &countries, &HashMap::new());
            chosen.entry(c.key.clone()).or_insert(pick);
        }
    }
    // The dateline's division weighs like three places in it, as its
    // country weighs like three mentions.
    let mut adm1s: HashMap<(String, String), f64> = HashMap::new();
    if let Some(key) = dateline_adm1 {
        *adm1s.entry(key).or_default() += 3.0;
    }
    let mut place_countries = countries.clone();
    for f in chosen.values().flatten().map(|&i| g.feature(i)) {
        if f.kind == Kind::Place || f.kind == Kind::Adm1 {
            *adm1s
                .entry((f.country.clone(), f.adm1.clone()))
                .or_default() += 1.0;
            *place_countries.entry(f.country.clone()).or_default() += 1.0;
        }
    }
    let mut resolved: Vec<(usize, Option<usize>)> = Vec::with_capacity(candidates.len());
    for (i, c) in candidates.iter().enumerate() {
        // The candidate's own first-pass choice is taken out of the
        // context it is judged in.
        let mut own_adm1 = adm1s.clone();
        let mut own_countries = place_countries.clone();
        if let Some(Some(first)) = chosen.get(&c.key) {
            let f = g.feature(*first);
            if f.kind == Kind::Place || f.kind == Kind::Adm1 {
                if let Some(v) = own_adm1.get_mut(&(f.country.clone(), f.adm1.clone())) {
                    *v -= 1.0;
                }
                if let Some(v) = own_countries.get_mut(&f.country) {
                    *v -= 1.0;
                }
            }
        }
        resolved.push((i, best(g, c, weights, &own_countries, &own_adm1)));
    }

    // Group mentions by feature, keeping first-mention order.
    let mut places: Vec<Place> = Vec::new();
    let mut features: Vec<usize> = Vec::new();
    let mut by_feature: HashMap<usize, usize> = HashMap::new();
    for (i, feature) in resolved {
        let Some(feature) = feature else { continue };
        let c = &candidates[i];
        let mention = PlaceMention {
            span: c.span,
            metonymy: c.metonymy,
        };
        match by_feature.get(&feature) {
            Some(&p) => {
                let place = &mut places[p];
                place.mentions.push(mention);
                if place.entity.is_none() {
                    place.entity = c.entity.map(|e| analysis.entities[e].id.clone());
                }
            }
            None => {
                by_feature.insert(feature, places.len());
                features.push(feature);
                places.push(Place {
                    id: format!("g{}", places.len() + 1),
                    entity: c.entity.map(|e| analysis.entities[e].id.clone()),
                    geo: g.geo(feature),
                    mentions: vec![mention],
                });
            }
        }
    }
    analysis.places = places;
    features
}

/// The text a span points into.
fn span_text<'a>(analysis: &'a Analysis, span: &Span) -> &'a str {
    let text = match span.field {
        TextField::Text => analysis.article.text.as_str(),
        TextField::Title => analysis.article.title.as_deref().unwrap_or(""),
    };
    text.get(span.start..span.end).unwrap_or("")
}

/// Population a person or organization name needs for the tagger's
/// class to be overruled ("Calgary said" tagged as a person, "Montreal"
/// as an organization): only large places, whose names people and
/// companies rarely carry alone.
const RESCUE_POPULATION: u64 = 100_000;

/// A person or organization entity that is a place the tagger misread: a
/// name without the knowledge base's backing (no actor code, no roles),
/// one word for a person, that is the own name of a country, a division or
/// a large place.
fn misread_place(analysis: &Analysis, entity: &chancery_model::Entity, g: &Gazetteer) -> bool {
    // A person's name of several words ("Santa Ana") needs a mention where
    // only a place can stand: after a locative preposition.
    let locative = || {
        entity.mentions.iter().any(|m| {
            let text = match m.span.field {
                TextField::Text => analysis.article.text.as_str(),
                TextField::Title => analysis.article.title.as_deref().unwrap_or(""),
            };
            let before = text.get(..m.span.start).unwrap_or("").trim_end();
            let word = before
                .rsplit(|c: char| !c.is_alphabetic())
                .next()
                .unwrap_or("");
            LOCATIVE.contains(&word.to_lowercase().as_str())
        })
    };
    let shape = match entity.kind {
        EntityKind::Person => entity.roles.is_empty() && (!entity.name.contains(' ') || locative()),
        EntityKind::Organization => entity.country.is_none(),
        _ => false,
    };
    shape
        && entity.actor_code.is_none()
        && !NOT_PLACES.contains(&normalize(&entity.name).as_str())
        && g.lookup(&entity.name).any(|(_, f, primary)| {
            primary && (f.kind != Kind::Place || f.population >= RESCUE_POPULATION)
        })
}

fn entity_candidates(analysis: &Analysis, g: &Gazetteer) -> Vec<Candidate> {
    let mut out = Vec::new();
    for (e, entity) in analysis.entities.iter().enumerate() {
        let misread = misread_place(analysis, entity, g);
        if !misread
            && !matches!(
                entity.kind,
                EntityKind::Place | EntityKind::Country | EntityKind::Group
            )
        {
            continue;
        }
        let country = entity
            .country
            .as_deref()
            .and_then(|iso3| g.country_by_iso3(iso3))
            .map(|i| g.feature(i).country.clone());
        for mention in &entity.mentions {
            let surface = span_text(analysis, &mention.span);
            let key = normalize(surface);
            if key.is_empty() {
                continue;
            }
            let mut candidate = Candidate {
                span: mention.span,
                key,
                entity: (!misread).then_some(e),
                country: country.clone(),
                is_country: false,
                metonymy: false,
                within: within(analysis, &mention.span, g),
                fixed: abbreviation_exact(surface.trim()).and_then(|(cc, code)| g.adm1(cc, code)),
            };
            if entity.kind != EntityKind::Place && !misread {
                // A country entity's mention is the country, unless it is a
                // city of that country standing for its government.
                let city = country.as_ref().is_some_and(|cc| {
                    g.lookup_key(&candidate.key)
                        .any(|(_, f, _)| f.kind == Kind::Place && &f.country == cc)
                }) && !g
                    .lookup_key(&candidate.key)
                    .any(|(_, f, _)| f.kind == Kind::Country);
                if city && entity.kind == EntityKind::Country {
                    candidate.metonymy = true;
                } else if country.is_some() {
                    candidate.is_country = true;
                } else {
                    continue;
                }
            }
            out.push(candidate);
        }
    }
    out
}

/// Capitalized names the tagger left alone that the gazetteer knows, after
/// a locative preposition ("clashes in Pandi"), outside every entity.
fn gazetteer_candidates(analysis: &Analysis, g: &Gazetteer, taken: &[Candidate]) -> Vec<Candidate> {
    let text = analysis.article.text.as_str();
    let mut covered: Vec<(usize, usize)> = analysis
        .entities
        .iter()
        .flat_map(|e| e.mentions.iter())
        .filter(|m| m.span.field == TextField::Text)
        .map(|m| (m.span.start, m.span.end))
        .chain(
            taken
                .iter()
                .filter(|c| c.span.field == TextField::Text)
                .map(|c| (c.span.start, c.span.end)),
        )
        .collect();
    covered.sort_unstable();
    let is_covered = |s: usize, e: usize| {
        let i = covered.partition_point(|&(_, end)| end <= s);
        covered.get(i).is_some_and(|&(start, _)| start < e)
    };
    let words = words(text);
    let mut out = Vec::new();
    let mut i = 1;
    while i < words.len() {
        let (s, e) = words[i];
        let w = &text[s..e];
        let prev = &text[words[i - 1].0..words[i - 1].1];
        let capital = w.starts_with(|c: char| c.is_uppercase());
        if !capital || !LOCATIVE.contains(&prev.to_lowercase().as_str()) || is_covered(s, e) {
            i += 1;
            continue;
        }
        // The longest run of capitalized words from here that the
        // gazetteer knows.
        let mut best_end = None;
        let mut j = i;
        while j < words.len() && j < i + g.longest_name_words().min(4) {
            let (_, ej) = words[j];
            if !text[words[j].0..ej].starts_with(|c: char| c.is_uppercase())
                || is_covered(words[j].0, ej)
            {
                break;
            }
            if j > i && text[words[j - 1].1..words[j].0] != *" " {
                break;
            }
            let key = normalize(&text[s..ej]);
            if !NOT_PLACES.contains(&key.as_str())
                && g.lookup_key(&key).any(|(_, f, primary)| {
                    primary && (f.kind != Kind::Place || f.population >= 15_000)
                })
            {
                best_end = Some((j, ej));
            }
            j += 1;
        }
        // A run that goes on in capitals is a longer name ("in Paris Hilton's").
        if let Some((j, ej)) = best_end {
            let continues = words.get(j + 1).is_some_and(|&(sn, en)| {
                sn == ej + 1 && text[sn..en].starts_with(|c: char| c.is_uppercase())
            });
            if !continues {
                let span = Span {
                    start: s,
                    end: ej,
                    field: TextField::Text,
                };
                out.push(Candidate {
                    key: normalize(&text[s..ej]),
                    within: within(analysis, &span, g),
                    span,
                    entity: None,
                    country: None,
                    is_country: false,
                    metonymy: false,
                    fixed: None,
                });
            }
            i = j + 1;
        } else {
            i += 1;
        }
    }
    out
}

/// Word spans: runs of letters, digits, apostrophes, periods inside
/// abbreviations and hyphens; everything else separates.
fn words(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        let part = c.is_alphanumeric() || ((c == '-' || c == '.' || c == '\'') && start.is_some());
        match (part, start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                out.push((s, i));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push((s, text.len()));
    }
    // A trailing period ends the sentence, not the word ("in Paris.").
    for w in &mut out {
        while w.1 > w.0 && matches!(text.as_bytes()[w.1 - 1], b'.' | b'-' | b'\'') {
            w.1 -= 1;
        }
    }
    out.retain(|w| w.1 > w.0);
    out
}

/// Containment written right after a mention: ", Illinois", ", Ky." or
/// ", Turkey".
fn within(analysis: &Analysis, span: &Span, g: &Gazetteer) -> Option<Within> {
    let text = match span.field {
        TextField::Text => analysis.article.text.as_str(),
        TextField::Title => analysis.article.title.as_deref().unwrap_or(""),
    };
    let rest = text.get(span.end..)?.strip_prefix(", ")?;
    let at = span.end + 2;
    let here = |len: usize| Span {
        start: at,
        end: at + len,
        field: span.field,
    };
    if let Some((country, code, len)) = abbreviation(rest) {
        let feature = g.adm1(country, code)?;
        return Some(Within {
            country: country.to_string(),
            adm1: Some(code.to_string()),
            feature,
            span: here(len),
        });
    }
    let mut end = 0;
    let mut best = None;
    for (n, word) in rest.split(' ').take(4).enumerate() {
        let word = word.trim_end_matches(|c: char| !c.is_alphanumeric());
        if !word.starts_with(|c: char| c.is_uppercase()) {
            break;
        }
        end += if n == 0 { 0 } else { 1 } + word.len();
        let key = normalize(&rest[..end]);
        for (i, f, primary) in g.lookup_key(&key) {
            let found = |adm1| Within {
                country: f.country.clone(),
                adm1,
                feature: i,
                span: here(end),
            };
            match f.kind {
                Kind::Adm1 if primary => best = Some(found(Some(f.adm1.clone()))),
                Kind::Country
                    if primary && best.as_ref().is_none_or(|b: &Within| b.span.end < at + end) =>
                {
                    best = Some(found(None))
                }
                _ => {}
            }
        }
        if end < rest.len() && !rest[end..].starts_with(' ') {
            break;
        }
    }
    best
}

/// The feature of the article's dateline ("ANKARA, Turkey —" gives Ankara).
fn dateline_feature(
    analysis: &Analysis,
    g: &Gazetteer,
    weights: &Weights,
    countries: &HashMap<String, f64>,
) -> Option<usize> {
    let dateline = analysis.article.dateline.as_deref()?;
    let head = dateline
        .split(['(', '\u{2014}', '\u{2013}', '/'])
        .next()
        .unwrap_or("");
    let mut parts = head.split(',').map(str::trim).filter(|p| !p.is_empty());
    let first = parts.next()?;
    let within = parts.next().and_then(|p| {
        g.lookup(p).find_map(|(i, f, _)| {
            let adm1 = match f.kind {
                Kind::Adm1 => Some(f.adm1.clone()),
                Kind::Country => None,
                _ => return None,
            };
            Some(Within {
                country: f.country.clone(),
                adm1,
                feature: i,
                span: Span::default(),
            })
        })
    });
    let candidate = Candidate {
        span: Span::default(),
        key: normalize(first),
        entity: None,
        country: None,
        is_country: false,
        metonymy: false,
        within,
        fixed: None,
    };
    best(g, &candidate, weights, countries, &HashMap::new())
}

/// The dateline's place as resolved for the article, for event locations.
pub(crate) fn dateline_place(analysis: &Analysis, g: &Gazetteer) -> Option<usize> {
    dateline_feature(analysis, g, &Weights::default(), &HashMap::new())
}

/// The best feature for a candidate, if any scores.
fn best(
    g: &Gazetteer,
    c: &Candidate,
    w: &Weights,
    countries: &HashMap<String, f64>,
    adm1s: &HashMap<(String, String), f64>,
) -> Option<usize> {
    if c.fixed.is_some() {
        return c.fixed;
    }
    if c.is_country {
        let cc = c.country.as_ref()?;
        // A country named like a division of a country the document
        // weighs more ("Georgia" in a story of Atlanta and Texas).
        let own = countries.get(cc).copied().unwrap_or(0.0);
        let division = g
            .lookup_key(&c.key)
            .filter(|(_, f, primary)| *primary && f.kind == Kind::Adm1 && &f.country != cc)
            .map(|(i, f, _)| (countries.get(&f.country).copied().unwrap_or(0.0), i))
            .filter(|(weight, _)| *weight > own)
            .max_by(|a, b| a.0.total_cmp(&b.0).then(b.1.cmp(&a.1)));
        if let Some((_, i)) = division {
            return Some(i);
        }
        return g.country_codes(cc).map(|codes| codes.feature);
    }
    let country_total: f64 = countries.values().sum::<f64>().max(1.0);
    let adm1_total: f64 = adm1s.values().sum::<f64>().max(1.0);
    let consider = |key: &str| {
        let mut top: Option<(f64, usize)> = None;
        for (i, f, primary) in g.lookup_key(key) {
            if c.metonymy && f.kind != Kind::Place {
                continue;
            }
            if f.kind == Kind::Place
                && f.population < LOCAL_POPULATION
                && !placed_by_document(f, c, adm1s)
            {
                continue;
            }
            if foreign_namesake(f, c, countries) {
                continue;
            }
            // A division named for the great city inside it, under the
            // city's own name (Berlin, Moscow, Tokyo; not New York, whose
            // city is "New York City"): news means the city.
            if f.kind == Kind::Adm1
                && g.lookup_key(key).any(|(_, p, primary)| {
                    primary
                        && p.kind == Kind::Place
                        && p.country == f.country
                        && p.adm1 == f.adm1
                        && p.population >= CITY_OVER_DIVISION
                })
            {
                continue;
            }
            let s = score(
                f,
                primary,
                c,
                w,
                countries,
                country_total,
                adm1s,
                adm1_total,
            );
            if top.is_none_or(|(t, ti)| s > t || (s == t && i < ti)) {
                top = Some((s, i));
            }
        }
        top
    };
    let top = consider(&c.key).or_else(|| c.key.strip_prefix("the ").and_then(consider));
    top.map(|(_, i)| i)
}

/// Weight of the document's countries (mentions, the dateline, other
/// places) from which a document is somewhere: two mentions, or the
/// dateline alone.
const SITUATED: f64 = 2.0;

/// Whether a town is a namesake abroad that the document gives no reason
/// for: the document is situated in other countries, nothing in it is in
/// the town's country (no mention, no other place, not the entity's
/// knowledge-base country, no containment written), and the town is
/// neither a capital nor a city of a million. A story of Suffolk and
/// Cornwall names English counties, which the gazetteer lacks; their
/// namesakes in Virginia and Ontario are no answer, and no place is
/// better than a wrong one.
fn foreign_namesake(
    f: &crate::gazetteer::Feature,
    c: &Candidate,
    countries: &HashMap<String, f64>,
) -> bool {
    if f.kind != Kind::Place || f.code == "PPLC" || f.population >= CITY_OVER_DIVISION {
        return false;
    }
    if c.country.as_deref() == Some(f.country.as_str())
        || c.within.as_ref().is_some_and(|w| w.country == f.country)
    {
        return false;
    }
    let own = countries.get(&f.country).copied().unwrap_or(0.0);
    let elsewhere: f64 = countries
        .iter()
        .filter(|(cc, _)| **cc != f.country)
        .map(|(_, w)| w.max(0.0))
        .sum();
    own <= 0.0 && elsewhere >= SITUATED
}

/// Whether the document puts a place in its region: a containment written
/// after the mention in the place's division (or country, when only a
/// country is written), or other places of the document in its division.
fn placed_by_document(
    f: &crate::gazetteer::Feature,
    c: &Candidate,
    adm1s: &HashMap<(String, String), f64>,
) -> bool {
    let written = c
        .within
        .as_ref()
        .is_some_and(|w| w.country == f.country && w.adm1.as_ref().is_none_or(|a| *a == f.adm1));
    written
        || adm1s
            .get(&(f.country.clone(), f.adm1.clone()))
            .is_some_and(|&n| n > 0.0)
}

#[allow(clippy::too_many_arguments)]
fn score(
    f: &crate::gazetteer::Feature,
    primary: bool,
    c: &Candidate,
    w: &Weights,
    countries: &HashMap<String, f64>,
    country_total: f64,
    adm1s: &HashMap<(String, String), f64>,
    adm1_total: f64,
) -> f64 {
    let log_pop = match f.kind {
        Kind::Adm1 => ADM1_LOG_POPULATION,
        Kind::Continent => CONTINENT_LOG_POPULATION,
        _ => ((f.population as f64) + 1.0).log10(),
    };
    let mut s = w.population * log_pop;
    if primary {
        s += w.primary_name;
    }
    match f.kind {
        Kind::Country => s += w.country,
        Kind::Adm1 => s += w.adm1,
        _ => {}
    }
    if c.country.as_deref() == Some(f.country.as_str()) {
        s += w.entity_country;
    }
    if let Some(within) = &c.within {
        if within.country == f.country {
            s += w.within_country;
            if within.adm1.as_deref() == Some(f.adm1.as_str()) {
                s += w.within_adm1;
            }
        }
    }
    s += w.document_country * countries.get(&f.country).copied().unwrap_or(0.0).max(0.0)
        / country_total;
    if f.kind == Kind::Place {
        let key = (f.country.clone(), f.adm1.clone());
        s += w.document_adm1 * adm1s.get(&key).copied().unwrap_or(0.0).max(0.0) / adm1_total;
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn town(code: &str, population: u64, country: &str) -> crate::gazetteer::Feature {
        crate::gazetteer::Feature {
            kind: Kind::Place,
            geonames_id: 1,
            code: code.into(),
            name: "Suffolk".into(),
            lat: 0.0,
            lon: 0.0,
            population,
            country: country.into(),
            adm1: String::new(),
        }
    }

    fn mention(country: Option<&str>, within: Option<&str>) -> Candidate {
        Candidate {
            span: Span::default(),
            key: "suffolk".into(),
            entity: None,
            country: country.map(String::from),
            is_country: false,
            metonymy: false,
            within: within.map(|cc| Within {
                country: cc.into(),
                adm1: None,
                feature: 0,
                span: Span::default(),
            }),
            fixed: None,
        }
    }

    #[test]
    fn a_town_abroad_needs_a_reason_in_the_document() {
        let virginia = town("PPL", 85_000, "US");
        let plain = mention(None, None);
        let english: HashMap<String, f64> = [("GB".to_string(), 3.0)].into();
        assert!(foreign_namesake(&virginia, &plain, &english));
        // Any weight on its own country, however small, is a reason.
        let mixed: HashMap<String, f64> = [("GB".to_string(), 3.0), ("US".to_string(), 1.0)].into();
        assert!(!foreign_namesake(&virginia, &plain, &mixed));
        // So are the entity's own country and a containment written after it.
        assert!(!foreign_namesake(
            &virginia,
            &mention(Some("US"), None),
            &english
        ));
        assert!(!foreign_namesake(
            &virginia,
            &mention(None, Some("US")),
            &english
        ));
        // A document situated nowhere, or by one mention only, decides nothing.
        assert!(!foreign_namesake(&virginia, &plain, &HashMap::new()));
        let once: HashMap<String, f64> = [("GB".to_string(), 1.0)].into();
        assert!(!foreign_namesake(&virginia, &plain, &once));
        // Capitals and cities of a million are named without their country.
        assert!(!foreign_namesake(
            &town("PPLC", 85_000, "US"),
            &plain,
            &english
        ));
        assert!(!foreign_namesake(
            &town("PPL", 1_500_000, "US"),
            &plain,
            &english
        ));
    }

    #[test]
    fn words_split_and_trim() {
        let text = "clashes in St. Louis. Then";
        let w: Vec<&str> = words(text).iter().map(|&(s, e)| &text[s..e]).collect();
        assert_eq!(w, ["clashes", "in", "St", "Louis", "Then"]);
    }
}
