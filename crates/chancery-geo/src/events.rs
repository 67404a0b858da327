//! Where events happened and where their actors are, from the places
//! resolved for the article and the events' spans.
//!
//! An event happens at the place its own clause names as a location ("the
//! attack in Ankara": a place after a locative preposition in the evidence
//! sentence, nearest the trigger and on its side of any semicolon; a
//! visit's destination, "travel to Moscow"), else
//! at the dateline's place, else in its actors' country, flagged as such
//! (`PlaceBasis::ActorCountry`). An actor is at the place it is (a city or
//! country entity, the mention nearest the trigger), else in its country.

use std::collections::HashMap;

use chancery_model::{Analysis, EventPlace, EventPlaces, Place, PlaceBasis, Span, TextField};

use crate::gazetteer::Gazetteer;
use crate::resolve::dateline_place;

/// Prepositions that make the place after them where something happens.
const LOCATIVE: &[&str] = &[
    "in",
    "at",
    "near",
    "outside",
    "inside",
    "across",
    "throughout",
    "around",
    "on",
];

/// Fills `analysis.event_places`; `features` is the gazetteer feature of
/// each of `analysis.places`. Places the events need that the text does not
/// mention (a dateline, an actor's country) are added without mentions.
pub fn locate_events(analysis: &mut Analysis, features: &mut Vec<usize>) {
    let g = Gazetteer::builtin();
    let mut by_feature: HashMap<usize, usize> =
        features.iter().enumerate().map(|(p, &f)| (f, p)).collect();
    let dateline = dateline_place(analysis, g);
    let mut out = Vec::with_capacity(analysis.events.len());
    for (index, event) in analysis.events.iter().enumerate() {
        let actors: Vec<&str> = [&event.source, &event.target]
            .into_iter()
            .flatten()
            .filter_map(|a| a.entity.as_deref())
            .collect();
        let action = clause_place(analysis, event, &actors)
            .map(|p| (p, PlaceBasis::Clause))
            .or_else(|| dateline.map(|f| (Need::Feature(f), PlaceBasis::Dateline)))
            .or_else(|| {
                actors
                    .iter()
                    .find_map(|&e| country_feature(analysis, g, e))
                    .map(|f| (Need::Feature(f), PlaceBasis::ActorCountry))
            });
        let actor_place = |actor: &Option<chancery_model::EventActor>| {
            let entity = actor.as_ref()?.entity.as_deref()?;
            entity_place(analysis, entity, &event.trigger)
                .map(|p| (Need::Place(p), PlaceBasis::Actor))
                .or_else(|| {
                    country_feature(analysis, g, entity)
                        .map(|f| (Need::Feature(f), PlaceBasis::ActorCountry))
                })
        };
        out.push((
            index,
            action,
            actor_place(&event.source),
            actor_place(&event.target),
        ));
    }
    let mut event_places = Vec::with_capacity(out.len());
    for (event, action, source, target) in out {
        let mut place = |need: Option<(Need, PlaceBasis)>| {
            need.map(|(need, basis)| {
                let p = match need {
                    Need::Place(p) => p,
                    Need::Feature(f) => *by_feature.entry(f).or_insert_with(|| {
                        features.push(f);
                        analysis.places.push(Place {
                            id: format!("g{}", analysis.places.len() + 1),
                            entity: None,
                            geo: g.geo(f),
                            mentions: Vec::new(),
                        });
                        analysis.places.len() - 1
                    }),
                };
                EventPlace {
                    place: analysis.places[p].id.clone(),
                    basis,
                }
            })
        };
        let action = place(action);
        let source = place(source);
        let target = place(target);
        if action.is_some() || source.is_some() || target.is_some() {
            event_places.push(EventPlaces {
                event,
                action,
                source,
                target,
            });
        }
    }
    analysis.event_places = event_places;
}

/// A place to give: one already listed, or a feature to list.
enum Need {
    Place(usize),
    Feature(usize),
}

/// The place the clause of `trigger` names as a location: a place mention
/// after a locative preposition inside the evidence sentence, on the
/// trigger's side of any semicolon, nearest it; for a visit (CAMEO 04x),
/// the destination after "to" too. A capital read as its government
/// ("Moscow said") or an actor's own place counts only when a preposition
/// makes it a location ("talks in Moscow").
fn clause_place(
    analysis: &Analysis,
    event: &chancery_model::Event,
    actors: &[&str],
) -> Option<Need> {
    let (evidence, trigger) = (&event.evidence, &event.trigger);
    let text = match evidence.field {
        TextField::Text => analysis.article.text.as_str(),
        TextField::Title => analysis.article.title.as_deref().unwrap_or(""),
    };
    let visit = event.code.starts_with("04");
    let mut best: Option<(usize, usize)> = None;
    for (p, place) in analysis.places.iter().enumerate() {
        let actor = place.entity.as_deref().is_some_and(|e| actors.contains(&e));
        for m in &place.mentions {
            if m.span.field != evidence.field
                || m.span.start < evidence.start
                || m.span.end > evidence.end
            {
                continue;
            }
            let (lo, hi) = if m.span.start < trigger.start {
                (m.span.end, trigger.start)
            } else {
                (trigger.end, m.span.start)
            };
            if text.get(lo..hi).is_none_or(|between| between.contains(';')) {
                continue;
            }
            let before = text.get(evidence.start..m.span.start).unwrap_or("");
            let word = before
                .trim_end()
                .rsplit(|c: char| !c.is_alphabetic())
                .next()
                .unwrap_or("")
                .to_lowercase();
            let locative = LOCATIVE.contains(&word.as_str()) || (visit && word == "to");
            // Only a mention after the trigger's own preposition: a
            // metonym or an actor's place elsewhere is an actor.
            if !locative || ((m.metonymy || actor) && m.span.start < trigger.start) {
                continue;
            }
            let distance = hi.saturating_sub(lo);
            if best.is_none_or(|(d, _)| distance < d) {
                best = Some((distance, p));
            }
        }
    }
    best.map(|(_, p)| Need::Place(p))
}

/// The place an actor entity is: its mention nearest the trigger.
fn entity_place(analysis: &Analysis, entity: &str, trigger: &Span) -> Option<usize> {
    analysis
        .places
        .iter()
        .enumerate()
        .filter(|(_, p)| p.entity.as_deref() == Some(entity))
        .filter_map(|(i, p)| {
            p.mentions
                .iter()
                .filter(|m| m.span.field == trigger.field)
                .map(|m| m.span.start.abs_diff(trigger.start))
                .min()
                .map(|d| (d, i))
        })
        .min()
        .map(|(_, i)| i)
}

/// The country feature of an entity's country.
fn country_feature(analysis: &Analysis, g: &Gazetteer, entity: &str) -> Option<usize> {
    let e = analysis.entities.iter().find(|e| e.id == entity)?;
    g.country_by_iso3(e.country.as_deref()?)
}
