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
    let index = Index::new(analysis);
    let mut out = Vec::with_capacity(analysis.events.len());
    for (event_index, event) in analysis.events.iter().enumerate() {
        let actors: Vec<&str> = [&event.source, &event.target]
            .into_iter()
            .flatten()
            .filter_map(|a| a.entity.as_deref())
            .collect();
        let action = clause_place(analysis, &index, event, &actors)
            .map(|p| (p, PlaceBasis::Clause))
            .or_else(|| dateline.map(|f| (Need::Feature(f), PlaceBasis::Dateline)))
            .or_else(|| {
                actors
                    .iter()
                    .find_map(|&e| country_feature(&index, g, e))
                    .map(|f| (Need::Feature(f), PlaceBasis::ActorCountry))
            });
        let actor_place = |actor: &Option<chancery_model::EventActor>| {
            let entity = actor.as_ref()?.entity.as_deref()?;
            entity_place(analysis, &index, entity, &event.trigger)
                .map(|p| (Need::Place(p), PlaceBasis::Actor))
                .or_else(|| {
                    country_feature(&index, g, entity)
                        .map(|f| (Need::Feature(f), PlaceBasis::ActorCountry))
                })
        };
        out.push((
            event_index,
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
    index: &Index,
    event: &chancery_model::Event,
    actors: &[&str],
) -> Option<Need> {
    let (evidence, trigger) = (&event.evidence, &event.trigger);
    let text = match evidence.field {
        TextField::Text => analysis.article.text.as_str(),
        TextField::Title => analysis.article.title.as_deref().unwrap_or(""),
    };
    let visit = event.code.starts_with("04");
    // Ties go to the first place, then its first mention, as a walk over
    // every place and mention in order would have it.
    let mut best: Option<(usize, usize, usize)> = None;
    for &(p, i) in index.mentions_within(evidence) {
        let place = &analysis.places[p];
        let m = &place.mentions[i];
        if m.span.end > evidence.end {
            continue;
        }
        let actor = place.entity.as_deref().is_some_and(|e| actors.contains(&e));
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
        let candidate = (hi.saturating_sub(lo), p, i);
        if best.is_none_or(|b| candidate < b) {
            best = Some(candidate);
        }
    }
    best.map(|(_, p, _)| Need::Place(p))
}

/// The place an actor entity is: its mention nearest the trigger.
fn entity_place(analysis: &Analysis, index: &Index, entity: &str, trigger: &Span) -> Option<usize> {
    index
        .places_of
        .get(entity)?
        .iter()
        .filter_map(|&i| {
            analysis.places[i]
                .mentions
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
fn country_feature(index: &Index, g: &Gazetteer, entity: &str) -> Option<usize> {
    g.country_by_iso3(index.entities.get(entity)?.country.as_deref()?)
}

/// Look-ups built once per analysis, so that locating each event costs
/// what its own sentence holds, not what the whole document holds: a long
/// document has as many events as place mentions, and a scan of every
/// mention per event made this stage quadratic (issue 21).
struct Index<'a> {
    /// Every place mention as (place, mention) indexes, ordered by field and
    /// start.
    mentions: Vec<(usize, usize)>,
    /// The field and start of each of `mentions`, for binary search.
    keys: Vec<(TextField, usize)>,
    /// The places of each entity, in order.
    places_of: HashMap<&'a str, Vec<usize>>,
    /// Each entity by id (the first, should an id repeat).
    entities: HashMap<&'a str, &'a chancery_model::Entity>,
}

impl<'a> Index<'a> {
    fn new(analysis: &'a Analysis) -> Self {
        let mut mentions: Vec<(TextField, usize, usize, usize)> = Vec::new();
        let mut places_of: HashMap<&str, Vec<usize>> = HashMap::new();
        for (p, place) in analysis.places.iter().enumerate() {
            if let Some(entity) = place.entity.as_deref() {
                places_of.entry(entity).or_default().push(p);
            }
            for (i, m) in place.mentions.iter().enumerate() {
                mentions.push((m.span.field, m.span.start, p, i));
            }
        }
        mentions.sort_unstable_by_key(|&(field, start, p, i)| (field_rank(field), start, p, i));
        let mut entities = HashMap::new();
        for entity in &analysis.entities {
            entities.entry(entity.id.as_str()).or_insert(entity);
        }
        Index {
            keys: mentions
                .iter()
                .map(|&(f, start, _, _)| (f, start))
                .collect(),
            mentions: mentions.iter().map(|&(_, _, p, i)| (p, i)).collect(),
            places_of,
            entities,
        }
    }

    /// The mentions in `span`'s field that start inside it or at its end
    /// (they may end past it).
    fn mentions_within(&self, span: &Span) -> &[(usize, usize)] {
        let rank = field_rank(span.field);
        let from = self
            .keys
            .partition_point(|&(f, start)| (field_rank(f), start) < (rank, span.start));
        let to = self
            .keys
            .partition_point(|&(f, start)| (field_rank(f), start) <= (rank, span.end));
        &self.mentions[from..to.max(from)]
    }
}

/// An order on fields for sorting (`TextField` has none).
fn field_rank(field: TextField) -> u8 {
    match field {
        TextField::Title => 0,
        TextField::Text => 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chancery_model::{Article, PlaceMention};

    fn mention(field: TextField, start: usize, end: usize) -> PlaceMention {
        PlaceMention {
            span: Span { start, end, field },
            metonymy: false,
        }
    }

    #[test]
    fn mentions_within_a_span_are_those_a_scan_finds_in_the_same_order() {
        let mut analysis = Analysis::from_article(Article::default());
        let geo = Gazetteer::builtin().geo(0);
        let spans = [
            vec![(TextField::Text, 30, 36), (TextField::Text, 4, 9)],
            vec![(TextField::Title, 4, 9), (TextField::Text, 30, 34)],
            vec![(TextField::Text, 12, 12), (TextField::Text, 50, 60)],
        ];
        for (p, mentions) in spans.iter().enumerate() {
            analysis.places.push(Place {
                id: format!("g{}", p + 1),
                entity: None,
                geo: geo.clone(),
                mentions: mentions
                    .iter()
                    .map(|&(field, start, end)| mention(field, start, end))
                    .collect(),
            });
        }
        let index = Index::new(&analysis);
        for field in [TextField::Text, TextField::Title] {
            for start in 0..62 {
                for end in start..62 {
                    let span = Span { start, end, field };
                    let mut scan: Vec<(usize, usize, usize)> = Vec::new();
                    for (p, place) in analysis.places.iter().enumerate() {
                        for (i, m) in place.mentions.iter().enumerate() {
                            if m.span.field == field && (start..=end).contains(&m.span.start) {
                                scan.push((m.span.start, p, i));
                            }
                        }
                    }
                    scan.sort_unstable();
                    let scan: Vec<(usize, usize)> = scan.iter().map(|&(_, p, i)| (p, i)).collect();
                    assert_eq!(index.mentions_within(&span), scan, "{span:?}");
                }
            }
        }
    }
}
