//! The entity noise a reader of the demo corpus noticed, pinned at zero:
//! dates, datelines' agencies, storms and places are never people; an
//! outlet is an organization; international bodies carry their own CAMEO
//! codes; the Holy See's nuncio is the Vatican's.

use chancery_extract::{extract, Input, Options};
use chancery_model::{Analysis, EntityKind};

const DEMO: &str = include_str!("../../../chancery/demo/articles.jsonl");

/// Every demo article, extracted and analysed as `chancery ingest` does.
fn demo() -> Vec<Analysis> {
    let analyzer = chancery_nlp::Analyzer::new();
    DEMO.lines()
        .map(|line| {
            let record: serde_json::Value = serde_json::from_str(line).expect("a JSON line");
            let field = |k: &str| record[k].as_str().map(str::to_string);
            let text = field("text").expect("a text");
            let input = Input {
                bytes: text.as_bytes(),
                external_id: field("id"),
                url: field("url"),
                title: field("title"),
                published: field("published"),
                ..Input::default()
            };
            analyzer.analyze(extract(&input, &Options::default()).expect("extracts"))
        })
        .collect()
}

fn named<'a>(analyses: &'a [Analysis], name: &str) -> Vec<&'a chancery_model::Entity> {
    analyses
        .iter()
        .flat_map(|a| &a.entities)
        .filter(|e| e.name == name || e.aliases.iter().any(|a| a == name))
        .collect()
}

#[test]
fn the_demo_corpus_has_none_of_the_noise_readers_saw() {
    let analyses = demo();
    let all = || analyses.iter().flat_map(|a| &a.entities);
    // A month abbreviation is no entity at all.
    assert!(
        all().all(|e| !e.name.starts_with("Sept")),
        "Sept. as an entity"
    );
    // The dateline's agency and the storm are not people; the agency is an outlet.
    for name in ["Caravan Wire", "Cyclone Ilona", "Batken"] {
        let people: Vec<_> = all()
            .filter(|e| e.kind == EntityKind::Person)
            .filter(|e| e.name.contains(name))
            .map(|e| &e.name)
            .collect();
        assert!(people.is_empty(), "{name} as a person: {people:?}");
    }
    assert!(named(&analyses, "Cyclone Ilona").is_empty());
    assert!(named(&analyses, "Batken")
        .iter()
        .all(|e| e.kind == EntityKind::Place));
}

#[test]
fn international_bodies_carry_their_own_codes() {
    let analyses = demo();
    for (name, code) in [("OSCE", "IGOSCE"), ("WFP", "IGOUNOWFP")] {
        let found = named(&analyses, name);
        assert!(!found.is_empty(), "{name} is found");
        for entity in found {
            assert_eq!(entity.actor_code.as_deref(), Some(code), "{entity:?}");
        }
    }
    assert!(analyses
        .iter()
        .flat_map(|a| &a.entities)
        .all(|e| e.actor_code.as_deref() != Some("IGO")));
}

#[test]
fn the_nuncio_serves_the_holy_see() {
    let analyses = demo();
    let nuncio = named(&analyses, "Giancarlo Ferrante");
    assert!(!nuncio.is_empty());
    for entity in nuncio {
        if entity.roles.iter().any(|r| r.title == "Apostolic Nuncio") {
            assert_eq!(entity.country.as_deref(), Some("VAT"), "{entity:?}");
            assert_eq!(entity.actor_code.as_deref(), Some("VATREL"), "{entity:?}");
        }
    }
}

/// A role's country is the one the text gives it, not the story's.
#[test]
fn a_possessive_country_beats_the_story_country() {
    let text = "Brazil signs farm deal in Abuja\n\nABUJA - Nigeria and Brazil signed six agreements on Monday. Brazil's foreign minister, Ricardo Monteiro, met Nigerian officials in Abuja. Monteiro said the deals would double trade. Nigeria welcomed the investment, Nigerian officials said.\n";
    let analysis = crate::analyze_bytes(text.as_bytes()).expect("analyses");
    let minister = analysis
        .entities
        .iter()
        .find(|e| e.name == "Ricardo Monteiro")
        .expect("the minister is found");
    assert_eq!(minister.country.as_deref(), Some("BRA"), "{minister:?}");
    assert_eq!(
        minister.actor_code.as_deref(),
        Some("BRAGOV"),
        "{minister:?}"
    );
}
