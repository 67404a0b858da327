//! Integration tests of chancery-geo: hand-built analyses (the entities a
//! tagger would give) through `locate`, checked for the place each mention
//! gets and where each event happens.

use chancery_geo::locate;
use chancery_model::{
    Analysis, Article, BlockKind, Entity, EntityKind, Event, EventActor, Mention, Modality,
    PlaceBasis, Span,
};

/// An analysis of `text` with entities given as (name, kind, ISO alpha-3
/// country, the surfaces of its mentions in order of appearance).
fn analysis(text: &str, entities: &[(&str, EntityKind, Option<&str>, &[&str])]) -> Analysis {
    let mut article = Article::default();
    article.push_block(text, BlockKind::Paragraph);
    let mut analysis = Analysis::from_article(article);
    for (i, (name, kind, country, surfaces)) in entities.iter().enumerate() {
        let mut from = 0;
        let mut mentions = Vec::new();
        for surface in *surfaces {
            let start = from
                + text[from..]
                    .find(surface)
                    .expect("the surface is in the text");
            mentions.push(Mention {
                span: Span::new(start, start + surface.len()),
            });
            from = start + surface.len();
        }
        analysis.entities.push(Entity {
            id: format!("e{}", i + 1),
            name: name.to_string(),
            kind: *kind,
            country: country.map(str::to_string),
            actor_code: None,
            aliases: vec![],
            roles: vec![],
            mentions,
        });
    }
    analysis
}

fn event(text: &str, trigger: &str, source: Option<&str>, target: Option<&str>) -> Event {
    let start = text.find(trigger).expect("trigger in text");
    let actor = |e: Option<&str>| {
        e.map(|e| EventActor {
            code: None,
            entity: Some(e.to_string()),
            name: None,
        })
    };
    Event {
        code: "190".into(),
        root: "19".into(),
        quad_class: 4,
        goldstein: -10.0,
        plover: None,
        source: actor(source),
        target: actor(target),
        modality: Modality::Asserted,
        date: None,
        location: None,
        trigger: Span::new(start, start + trigger.len()),
        evidence: Span::new(0, text.len()),
        mentions: vec![],
        confidence: 0.5,
        background: false,
        reported_by: None,
    }
}

/// The place (full name) each mention surface resolved to.
fn resolved(analysis: &Analysis) -> Vec<(String, String)> {
    let mut out: Vec<(usize, String, String)> = analysis
        .places
        .iter()
        .flat_map(|p| {
            p.mentions.iter().map(|m| {
                (
                    m.span.start,
                    analysis.article.text[m.span.start..m.span.end].to_string(),
                    p.geo.full_name.clone(),
                )
            })
        })
        .collect();
    out.sort();
    out.into_iter().map(|(_, s, n)| (s, n)).collect()
}

#[test]
fn written_containment_picks_the_division() {
    let text = "A tornado hit Springfield, Illinois, and Springfield, Mo., on Monday.";
    let mut a = analysis(
        text,
        &[(
            "Springfield",
            EntityKind::Place,
            None,
            &["Springfield", "Springfield"],
        )],
    );
    locate(&mut a);
    let places = resolved(&a);
    assert_eq!(
        places,
        [
            (
                "Springfield".to_string(),
                "Springfield, Illinois, United States".to_string()
            ),
            ("Illinois".into(), "Illinois, United States".into()),
            (
                "Springfield".into(),
                "Springfield, Missouri, United States".into()
            ),
            ("Mo.".into(), "Missouri, United States".into()),
        ]
    );
    let illinois = &a.places[0].geo;
    assert_eq!(illinois.adm1.as_deref(), Some("USIL"));
    assert_eq!(illinois.geo_type, 3);
    assert_eq!(illinois.country_fips.as_deref(), Some("US"));
}

#[test]
fn document_countries_and_neighbours_disambiguate() {
    // London, Ontario: the story's other places are Canadian.
    let text = "Police in London and Toronto said Ontario would review the case.";
    let mut a = analysis(
        text,
        &[
            ("London", EntityKind::Place, None, &["London"]),
            ("Toronto", EntityKind::Place, None, &["Toronto"]),
            ("Ontario", EntityKind::Place, None, &["Ontario"]),
        ],
    );
    locate(&mut a);
    assert_eq!(
        resolved(&a)[0],
        ("London".into(), "London, Ontario, Canada".into())
    );
}

#[test]
fn metonymy_stays_with_the_actor_and_is_no_event_place() {
    let text = "Moscow denied that its jets bombed a market in Aleppo.";
    let mut a = analysis(
        text,
        &[
            ("Russia", EntityKind::Country, Some("RUS"), &["Moscow"]),
            ("Aleppo", EntityKind::Place, Some("SYR"), &["Aleppo"]),
        ],
    );
    a.events.push(event(text, "bombed", Some("e1"), None));
    locate(&mut a);
    let moscow = a
        .places
        .iter()
        .find(|p| p.geo.name == "Moscow")
        .expect("Moscow resolved");
    assert!(moscow.mentions[0].metonymy);
    assert_eq!(moscow.entity.as_deref(), Some("e1"));
    let located = &a.event_places[0];
    let action = located.action.as_ref().expect("located");
    assert_eq!(action.basis, PlaceBasis::Clause);
    let place = a.places.iter().find(|p| p.id == action.place).unwrap();
    assert_eq!(place.geo.name, "Aleppo");
    // The source actor is where its name puts it: Moscow.
    let source = located.source.as_ref().expect("source placed");
    assert_eq!(source.basis, PlaceBasis::Actor);
}

#[test]
fn organizations_named_after_places_are_not_places() {
    let text = "Warner Bros and Seagram signed a deal in Paris.";
    let mut a = analysis(
        text,
        &[
            (
                "Warner Bros",
                EntityKind::Organization,
                None,
                &["Warner Bros"],
            ),
            ("Seagram", EntityKind::Organization, None, &["Seagram"]),
        ],
    );
    locate(&mut a);
    // Paris is found by the gazetteer after "in"; the companies are not places.
    assert_eq!(
        resolved(&a),
        [(
            "Paris".to_string(),
            "Paris, Ile-de-France, France".to_string()
        )]
    );
}

#[test]
fn unplaced_events_fall_back_to_the_dateline_then_the_actors_country() {
    let text = "Turkish police arrested two journalists.";
    let mut a = analysis(
        text,
        &[("Turkey", EntityKind::Country, Some("TUR"), &["Turkish"])],
    );
    a.events.push(event(text, "arrested", Some("e1"), None));
    locate(&mut a);
    let action = a.event_places[0].action.as_ref().unwrap();
    assert_eq!(action.basis, PlaceBasis::ActorCountry);
    let place = a.places.iter().find(|p| p.id == action.place).unwrap();
    assert_eq!(
        (
            place.geo.feature_code.as_str(),
            place.geo.feature_id.as_str()
        ),
        ("PCLI", "TU")
    );

    a.article.dateline = Some("ANKARA".into());
    locate(&mut a);
    let action = a.event_places[0].action.as_ref().unwrap();
    assert_eq!(action.basis, PlaceBasis::Dateline);
    let place = a.places.iter().find(|p| p.id == action.place).unwrap();
    assert_eq!(place.geo.name, "Ankara");
    assert!(place.mentions.is_empty());
}

#[test]
fn country_named_like_a_state_follows_the_story() {
    let text = "Storms crossed Georgia after hitting Texas and Alabama in the United States.";
    let mut a = analysis(
        text,
        &[
            ("Georgia", EntityKind::Country, Some("GEO"), &["Georgia"]),
            ("Texas", EntityKind::Place, None, &["Texas"]),
            ("Alabama", EntityKind::Place, None, &["Alabama"]),
            (
                "United States",
                EntityKind::Country,
                Some("USA"),
                &["United States"],
            ),
        ],
    );
    locate(&mut a);
    assert_eq!(
        resolved(&a)[0],
        ("Georgia".into(), "Georgia, United States".into())
    );
}

#[test]
fn any_text_gives_places_without_panicking() {
    for text in [
        "",
        "in",
        "in ,",
        "in Ünïcödé, Ky.",
        "clashes in St. Louis, Mo.",
        ", , ,",
    ] {
        let mut a = analysis(text, &[]);
        locate(&mut a);
        for p in &a.places {
            for m in &p.mentions {
                assert!(a.article.text.get(m.span.start..m.span.end).is_some());
            }
        }
    }
}

#[test]
fn a_great_city_is_meant_over_the_division_named_for_it() {
    let text = "The two ministers signed the pact in Berlin.";
    let mut a = analysis(
        text,
        &[("Berlin", EntityKind::Place, Some("DEU"), &["Berlin"])],
    );
    locate(&mut a);
    assert_eq!(a.places[0].geo.feature_code, "PPLC");
    assert_eq!(a.places[0].geo.full_name, "Berlin, Berlin, Germany");
}

#[test]
fn a_visit_happens_at_its_destination() {
    let text = "Araghchi will travel to Moscow next week.";
    let mut a = analysis(
        text,
        &[
            (
                "Abbas Araghchi",
                EntityKind::Person,
                Some("IRN"),
                &["Araghchi"],
            ),
            ("Russia", EntityKind::Country, Some("RUS"), &["Moscow"]),
        ],
    );
    let mut visit = event(text, "travel", Some("e1"), Some("e2"));
    visit.code = "042".into();
    a.events.push(visit);
    locate(&mut a);
    let action = a.event_places[0].action.as_ref().unwrap();
    assert_eq!(action.basis, PlaceBasis::Clause);
    let place = a.places.iter().find(|p| p.id == action.place).unwrap();
    assert_eq!(place.geo.name, "Moscow");
    // The traveller is placed in his country, flagged as a fallback.
    let source = a.event_places[0].source.as_ref().unwrap();
    assert_eq!(source.basis, PlaceBasis::ActorCountry);
}

#[test]
fn a_village_needs_the_story_to_put_it_in_its_region() {
    // On its name alone, Edmonton is the Alberta city, not the Kentucky
    // village of 1,600 people.
    let text = "Flights to Edmonton resumed.";
    let mut a = analysis(
        text,
        &[("Edmonton", EntityKind::Place, None, &["Edmonton"])],
    );
    locate(&mut a);
    assert_eq!(
        resolved(&a),
        [("Edmonton".into(), "Edmonton, Alberta, Canada".into())]
    );
    // A story of Kentucky places puts it there.
    let text = "A storm hit Edmonton and Bowling Green, Kentucky officials said.";
    let mut a = analysis(
        text,
        &[
            ("Edmonton", EntityKind::Place, None, &["Edmonton"]),
            ("Bowling Green", EntityKind::Place, None, &["Bowling Green"]),
            ("Kentucky", EntityKind::Place, None, &["Kentucky"]),
        ],
    );
    locate(&mut a);
    assert_eq!(
        resolved(&a)[0],
        (
            "Edmonton".into(),
            "Edmonton, Kentucky, United States".into()
        )
    );
    // So does containment written after it.
    let text = "A storm hit Edmonton, Ky., on Monday.";
    let mut a = analysis(
        text,
        &[("Edmonton", EntityKind::Place, None, &["Edmonton"])],
    );
    locate(&mut a);
    assert_eq!(
        resolved(&a)[0],
        (
            "Edmonton".into(),
            "Edmonton, Kentucky, United States".into()
        )
    );
}

#[test]
fn countries_and_divisions_sit_at_their_geonames_points() {
    let text = "Canada and Ontario signed the deal with Queensland.";
    let mut a = analysis(
        text,
        &[
            ("Canada", EntityKind::Country, Some("CAN"), &["Canada"]),
            ("Ontario", EntityKind::Place, None, &["Ontario"]),
            ("Queensland", EntityKind::Place, None, &["Queensland"]),
        ],
    );
    locate(&mut a);
    let point = |name: &str| {
        let p = a
            .places
            .iter()
            .find(|p| p.geo.name == name)
            .unwrap_or_else(|| panic!("{name} resolved"));
        (p.geo.geonames_id, p.geo.lat, p.geo.lon)
    };
    assert_eq!(point("Canada"), (Some(6251999), 60.10867, -113.64258));
    assert_eq!(point("Ontario"), (Some(6093943), 49.25014, -84.49983));
    assert_eq!(point("Queensland"), (Some(2152274), -20.0, 145.0));
}
