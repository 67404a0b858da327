use crate::{analyze_bytes, analyze_fixture, render_entities};

#[test]
fn seed_lookalike_entities() {
    let analysis = analyze_fixture("../chancery-extract/tests/fixtures/text/seed_lookalike.txt");
    insta::assert_snapshot!(render_entities(&analysis));
}

#[test]
fn officials_entities() {
    let analysis = analyze_fixture("tests/fixtures/officials.txt");
    insta::assert_snapshot!(render_entities(&analysis));
}

#[test]
fn lowercase_and_all_caps_entities() {
    let analysis = analyze_fixture("tests/fixtures/lowercase.txt");
    insta::assert_snapshot!(render_entities(&analysis));
}

#[test]
fn sentences_cover_the_body_in_order() {
    let analysis = analyze_fixture("tests/fixtures/officials.txt");
    assert!(
        analysis.sentences.len() >= 10,
        "{}",
        analysis.sentences.len()
    );
    for pair in analysis.sentences.windows(2) {
        assert!(pair[0].end <= pair[1].start);
    }
    let first = &analysis.article.text[analysis.sentences[0].start..analysis.sentences[0].end];
    assert!(first.starts_with("VIENNA"), "{first}");
}

#[test]
fn a_country_after_the_name_and_the_dateline_give_an_office_its_country() {
    let analysis = analyze_bytes(
        b"Visit\n\nBEIJING 1996-08-24\n\nKing Gyanendra Shah of Nepal has told China his nation \
will stay neutral. Prime Minister Li Wen met him on Friday.",
    )
    .expect("extracts");
    let code = |name: &str| {
        analysis
            .entities
            .iter()
            .find(|e| e.name.contains(name))
            .and_then(|e| e.actor_code.clone())
    };
    // "of Nepal" after the name, though the story is filed from Beijing.
    assert_eq!(code("Gyanendra").as_deref(), Some("NPLGOV"));
    // A national title with no country named: the dateline's.
    assert_eq!(code("Li Wen").as_deref(), Some("CHNGOV"));
}

#[test]
fn a_known_person_is_known_by_the_office_of_the_articles_date() {
    let code = |text: &[u8]| {
        let analysis = analyze_bytes(text).expect("extracts");
        let prodi = analysis
            .entities
            .iter()
            .find(|e| e.name.contains("Prodi"))
            .expect("Prodi is found");
        (prodi.country.clone(), prodi.actor_code.clone())
    };
    // Italy's prime minister in 1996; the European Commission's head in 2002.
    assert_eq!(
        code(b"Visit\n\nROME 1996-08-24\n\nRomano Prodi met Helmut Kohl on Friday."),
        (Some("ITA".to_string()), Some("ITAGOV".to_string()))
    );
    assert_ne!(
        code(b"Visit\n\nBRUSSELS 2002-03-24\n\nRomano Prodi met Helmut Kohl on Friday.").0,
        Some("ITA".to_string())
    );
}

#[test]
fn a_demonym_before_an_unknown_persons_name_gives_the_nationality() {
    let analysis = analyze_bytes(
        b"Missionaries\n\nNAIROBI 1996-08-27\n\nRebels are holding Australian Sister Moira Lynch \
and Italian Brother Raniero Iacomella in a compound, the church said. Israeli President \
Ezer Weizman spoke on Monday.",
    )
    .expect("extracts");
    let country = |name: &str| {
        analysis
            .entities
            .iter()
            .find(|e| e.name == name)
            .and_then(|e| e.country.clone())
    };
    assert_eq!(country("Moira Lynch").as_deref(), Some("AUS"));
    assert_eq!(country("Raniero Iacomella").as_deref(), Some("ITA"));
    // A title between is the role's: Israel's president, through the role.
    assert_eq!(country("Ezer Weizman").as_deref(), Some("ISR"));
}
