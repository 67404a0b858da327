//! The formats on a fixture corpus: two invented wire stories about one
//! energy pact (analysed by `chancery analyze`, kept as JSON), written in
//! every format, checked field by field and pinned as golden snapshots.

use chancery_export::{
    event_id, validate_plover, write_rows, CsvTables, EventTable, GdeltEvents, Gkg, MergeKey,
    PerTable, PloverLines, Record, Table, EVENT_COLUMNS, GKG_COLUMNS, MENTION_COLUMNS,
    PLOVER_EXTENSION,
};

const ANALYSES: &str = include_str!("fixtures/analyses.jsonl");

fn records() -> Vec<Record> {
    ANALYSES
        .lines()
        .enumerate()
        .map(|(i, line)| {
            Record::parse(i as i64 + 1, format!("2025-03-13T0{i}:00:00.000Z"), line).unwrap()
        })
        .collect()
}

/// Every event of the records in the store's walk order: by day, source,
/// target and code (missing first), then article and position.
fn in_merge_order(records: &[Record]) -> Vec<(&Record, usize)> {
    let mut events: Vec<(&Record, usize)> = records
        .iter()
        .flat_map(|r| (0..r.analysis.events.len()).map(move |i| (r, i)))
        .collect();
    events.sort_by_key(|(r, i)| {
        let key = MergeKey::of(r, *i).unwrap();
        (key.day, key.source, key.target, key.code, r.id, *i)
    });
    events
}

fn gdelt(table: EventTable) -> String {
    gdelt_of(&records(), table, false)
}

fn gdelt_of(records: &[Record], table: EventTable, header: bool) -> String {
    let mut writer = GdeltEvents::new(table, Vec::new(), header).unwrap();
    for (record, index) in in_merge_order(records) {
        writer.push(record, index).unwrap();
    }
    let (bytes, _) = writer.finish().unwrap();
    String::from_utf8(bytes).unwrap()
}

/// The rows of a table written without a header, as GDELT's files are.
fn rows(tsv: &str) -> Vec<Vec<&str>> {
    tsv.lines().map(|l| l.split('\t').collect()).collect()
}

fn column<'a>(columns: &[&str], row: &[&'a str], name: &str) -> &'a str {
    let at = columns.iter().position(|c| *c == name).unwrap();
    row[at]
}

#[test]
fn one_pact_told_twice_is_one_event_counted_over_both_articles() {
    let tsv = gdelt(EventTable::Events);
    let with_header = gdelt_of(&records(), EventTable::Events, true);
    assert_eq!(
        with_header.lines().next().unwrap(),
        EVENT_COLUMNS.join("\t")
    );
    assert_eq!(
        with_header.lines().skip(1).collect::<Vec<_>>(),
        tsv.lines().collect::<Vec<_>>()
    );
    let rows = rows(&tsv);
    // The pact (057) merged; Russia's criticism (111) alone; the negated
    // attack left out.
    assert_eq!(rows.len(), 2, "{tsv}");
    for row in &rows {
        assert_eq!(row.len(), 61);
    }
    let pact = rows
        .iter()
        .find(|r| column(&EVENT_COLUMNS, r, "EventCode") == "057")
        .unwrap();
    let get = |name| column(&EVENT_COLUMNS, pact, name);
    assert_eq!(
        (get("NumMentions"), get("NumSources"), get("NumArticles")),
        ("2", "2", "2")
    );
    assert_eq!(
        (get("SQLDATE"), get("MonthYear"), get("Year")),
        ("20250312", "202503", "2025")
    );
    assert_eq!(
        (
            get("Actor1Code"),
            get("Actor1Name"),
            get("Actor1CountryCode")
        ),
        ("FRA", "FRANCE", "FRA")
    );
    assert_eq!((get("Actor2Code"), get("Actor2Name")), ("DEU", "GERMANY"));
    assert_eq!(
        (get("EventBaseCode"), get("EventRootCode"), get("QuadClass")),
        ("057", "05", "1")
    );
    assert_eq!(get("GoldsteinScale"), "8.0");
    // The average over the articles with a tone (the second fixture was
    // analysed before tone was computed).
    assert_eq!(get("AvgTone"), "11.111111");
    // The first article's location, URL and time.
    assert_eq!(
        (get("ActionGeo_Type"), get("ActionGeo_FullName")),
        ("4", "Berlin")
    );
    assert_eq!(
        get("SOURCEURL"),
        "https://www.example-news.org/world/2025/03/12/energy-pact"
    );
    assert_eq!(get("DATEADDED"), "20250313000000");
    let key = MergeKey::of(&records()[0], 0).unwrap();
    assert_eq!(get("GLOBALEVENTID"), event_id(&key).to_string());
    insta::assert_snapshot!("gdelt_events", tsv);
}

#[test]
fn mentions_link_the_event_to_each_article_with_offsets() {
    let tsv = gdelt(EventTable::Mentions);
    let rows = rows(&tsv);
    assert_eq!(rows.len(), 3, "{tsv}");
    let records = records();
    let pact: Vec<&Vec<&str>> = rows
        .iter()
        .filter(|r| r[0] == event_id(&MergeKey::of(&records[0], 0).unwrap()).to_string())
        .collect();
    assert_eq!(pact.len(), 2);
    for row in &pact {
        let get = |name| column(&MENTION_COLUMNS, row, name);
        // The event's time is the first article's; the mention's its own.
        assert_eq!(get("EventTimeDate"), "20250313000000");
        assert_eq!(get("SentenceID"), "1");
        // "France signed…": France at 0, the trigger at 7.
        assert_eq!(
            (get("Actor1CharOffset"), get("ActionCharOffset")),
            ("0", "7")
        );
        assert_eq!((get("InRawText"), get("Confidence")), ("1", "90"));
        assert_eq!(get("MentionType"), "1");
    }
    assert_eq!(
        column(&MENTION_COLUMNS, pact[0], "MentionDocTone"),
        "11.111111"
    );
    let second = pact[1];
    assert_eq!(
        column(&MENTION_COLUMNS, second, "MentionTimeDate"),
        "20250313010000"
    );
    assert_eq!(
        column(&MENTION_COLUMNS, second, "MentionSourceName"),
        "daily.example.com"
    );
    insta::assert_snapshot!("gdelt_mentions", tsv);
}

/// A page the analysis skipped for its language gets a GKG row with its
/// metadata and nothing read from its text in English.
#[test]
fn a_page_skipped_for_language_has_no_amounts() {
    let mut record = records().remove(0);
    record.analysis.analysis_skipped = Some(chancery_model::SkipReason::Language);
    record.analysis.detected_language = Some("de".into());
    let mut gkg = Gkg::new(Vec::new(), false).unwrap();
    gkg.push(&record).unwrap();
    let (bytes, _) = gkg.finish().unwrap();
    let tsv = String::from_utf8(bytes).unwrap();
    let rows = rows(&tsv);
    assert_eq!(column(&GKG_COLUMNS, &rows[0], "V2.1AMOUNTS"), "");
    assert_eq!(
        column(&GKG_COLUMNS, &rows[0], "GKGRECORDID"),
        "20250313000000-1"
    );
}

#[test]
fn the_knowledge_graph_has_names_quotes_amounts_and_speakers() {
    let mut gkg = Gkg::new(Vec::new(), false).unwrap();
    for record in records() {
        gkg.push(&record).unwrap();
    }
    let (bytes, count) = gkg.finish().unwrap();
    let tsv = String::from_utf8(bytes).unwrap();
    assert_eq!(count, 2);
    let rows = rows(&tsv);
    let first = &rows[0];
    assert_eq!(first.len(), 27);
    let get = |name| column(&GKG_COLUMNS, first, name);
    assert_eq!(get("GKGRECORDID"), "20250313000000-1");
    assert_eq!(get("V2.1DATE"), "20250312000000");
    // V1 names lower-cased as the codebook's; V2 names as written.
    assert_eq!(get("V1PERSONS"), "emmanuel macron");
    assert!(get("V2ENHANCEDPERSONS").starts_with("Emmanuel Macron,"));
    assert!(
        get("V1LOCATIONS").contains("1#France#####"),
        "{}",
        get("V1LOCATIONS")
    );
    assert_eq!(
        get("V2.1AMOUNTS"),
        "4000,megawatts,186;2000000000,dollars,224"
    );
    assert_eq!(
        get("V2.1QUOTATIONS"),
        "89|33|said|This agreement secures our winter"
    );
    assert!(get("V2EXTRASXML").contains("<SPEAKER>Emmanuel Macron</SPEAKER>"));
    assert!(get("V2EXTRASXML").contains("<SPEAKERCODE>FRAGOV</SPEAKERCODE>"));
    assert_eq!(
        get("V1.5TONE"),
        "11.111111,11.111111,0,11.111111,8.333333,2.777778,36"
    );
    assert_eq!(get("V2GCAM"), "wc:36");
    // An analysis without a tone leaves the whole field empty, never a row
    // of empty values between commas.
    assert_eq!(column(&GKG_COLUMNS, &rows[1], "V1.5TONE"), "");
    assert_eq!(get("V2.1ENHANCEDDATES"), "3#3#12#2025#50");
    insta::assert_snapshot!("gdelt_gkg", tsv);
}

#[test]
fn plover_records_follow_the_manual_and_pass_its_validator() {
    let mut plover = PloverLines::new(Vec::new());
    for record in records() {
        plover.push(&record).unwrap();
    }
    let (bytes, count) = plover.finish().unwrap();
    let text = String::from_utf8(bytes).unwrap();
    // The pact twice and the criticism; the negated attack is left out.
    assert_eq!(count, 3);
    let records: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    for record in &records {
        assert_eq!(validate_plover(record), Ok(()), "{record}");
    }
    let first = &records[0];
    assert_eq!(first["event"], serde_json::json!(["SUPPORT"]));
    assert_eq!(first["quad_code"], 1);
    assert_eq!(first["date"], "2025-03-12");
    assert_eq!(
        first["actor"],
        serde_json::json!([{"code": "FRA", "entity_text": "France", "identifier_text": "France"}])
    );
    assert_eq!(first["recipient"][0]["code"], "DEU");
    assert_eq!(first["event_text"], serde_json::json!(["signed"]));
    assert_eq!(first["event_loc"]["extracted_place"], "Berlin");
    assert_eq!(first["text_info"]["sequence"], 1);
    assert_eq!(first["cite_info"]["corpus"], "example-news.org");
    assert_eq!(first[PLOVER_EXTENSION]["modality"], "reported");
    assert_eq!(first[PLOVER_EXTENSION]["date_basis"], "event");
    assert_eq!(first[PLOVER_EXTENSION]["cameo"]["code"], "057");
    let criticism = &records[2];
    assert_eq!(criticism["event"], serde_json::json!(["ACCUSE"]));
    assert_eq!(criticism["mode"], serde_json::json!(["disapprove"]));
    assert_eq!(criticism["recipient"], serde_json::json!([]));
    assert_eq!(criticism[PLOVER_EXTENSION]["date_basis"], "published");
    insta::assert_snapshot!("plover", text);
}

#[test]
fn plover_dates_fall_back_to_the_ingest_day_and_say_so() {
    let mut records = records();
    for record in records.iter_mut() {
        record.analysis.article.published = None;
        for event in &mut record.analysis.events {
            event.date = None;
        }
    }
    let mut plover = PloverLines::new(Vec::new());
    plover.push(&records[1]).unwrap();
    let (bytes, _) = plover.finish().unwrap();
    for line in String::from_utf8(bytes).unwrap().lines() {
        let record: serde_json::Value = serde_json::from_str(line).unwrap();
        assert_eq!(record["date"], "2025-03-13");
        assert_eq!(record[PLOVER_EXTENSION]["date_basis"], "ingested");
        assert_eq!(validate_plover(&record), Ok(()));
    }
}

#[test]
fn csv_tables_have_one_header_and_rows_of_equal_width() {
    let mut tables =
        CsvTables::new(PerTable::try_new(|_| Ok::<_, std::io::Error>(Vec::new())).unwrap())
            .unwrap();
    for record in records() {
        write_rows(&record, &mut tables).unwrap();
    }
    for (table, bytes, rows) in tables.finish().unwrap() {
        let text = String::from_utf8(bytes).unwrap();
        let header = text.lines().next().unwrap();
        assert_eq!(header.split(',').count(), table.columns().len());
        assert!(rows > 0, "{}", table.name());
        if table == Table::Events {
            assert_eq!(rows, 4);
            insta::assert_snapshot!("csv_events", text);
        }
    }
}

#[test]
fn events_carry_gdelts_actor_codes_and_need_one() {
    let mut records = records();
    // Russia's criticism, its actor now the United Nations with the coder's
    // bare sector code, as chancery's analysis writes international bodies.
    let criticism = &mut records[1];
    let un = criticism
        .analysis
        .entities
        .iter_mut()
        .find(|e| e.id == "e5")
        .unwrap();
    un.name = "United Nations".into();
    un.kind = chancery_model::EntityKind::Organization;
    un.aliases = vec!["UN".into()];
    un.country = None;
    un.actor_code = Some("IGO".into());
    criticism.analysis.events[1].source.as_mut().unwrap().code = Some("IGO".into());
    // The pact's actors in Romania's ISO code.
    for record in records.iter_mut() {
        let event = &mut record.analysis.events[0];
        event.source.as_mut().unwrap().code = Some("ROUGOV".into());
    }
    let tsv = gdelt_of(&records, EventTable::Events, false);
    let rows = rows(&tsv);
    let find = |code: &str| {
        rows.iter()
            .find(|r| column(&EVENT_COLUMNS, r, "EventCode") == code)
            .unwrap_or_else(|| panic!("no {code} in {tsv}"))
    };
    let criticism = find("111");
    let get = |name| column(&EVENT_COLUMNS, criticism, name);
    assert_eq!(
        (
            get("Actor1Code"),
            get("Actor1Name"),
            get("Actor1CountryCode"),
            get("Actor1KnownGroupCode"),
            get("Actor1Type1Code"),
        ),
        ("IGOUNO", "UNITED NATIONS", "", "UNO", "IGO")
    );
    let pact = find("057");
    let get = |name| column(&EVENT_COLUMNS, pact, name);
    assert_eq!(
        (
            get("Actor1Code"),
            get("Actor1CountryCode"),
            get("Actor1Type1Code")
        ),
        ("ROMGOV", "ROM", "GOV")
    );

    // An event whose actors have no code at all is no row.
    for record in records.iter_mut() {
        for event in &mut record.analysis.events {
            for actor in [event.source.as_mut(), event.target.as_mut()]
                .into_iter()
                .flatten()
            {
                actor.code = None;
                actor.entity = None;
            }
        }
    }
    assert_eq!(gdelt_of(&records, EventTable::Events, false), "");
    assert_eq!(gdelt_of(&records, EventTable::Mentions, false), "");
}

#[test]
fn undated_articles_are_filed_under_the_day_they_were_stored() {
    let mut records = records();
    for record in records.iter_mut() {
        record.analysis.article.published = None;
        for event in &mut record.analysis.events {
            event.date = None;
        }
        record.added = "2025-04-01T10:44:59.000Z".into();
    }
    let tsv = gdelt_of(&records, EventTable::Events, false);
    for row in rows(&tsv) {
        let get = |name| column(&EVENT_COLUMNS, &row, name);
        assert_eq!(
            (get("SQLDATE"), get("MonthYear"), get("Year")),
            ("20250401", "202504", "2025")
        );
        assert!(!get("FractionDate").is_empty());
        // On GDELT's 15-minute grid.
        assert_eq!(get("DATEADDED"), "20250401103000");
    }
    let mut gkg = Gkg::new(Vec::new(), false).unwrap();
    gkg.push(&records[0]).unwrap();
    let (bytes, _) = gkg.finish().unwrap();
    let text = String::from_utf8(bytes).unwrap();
    assert_eq!(
        column(&GKG_COLUMNS, &rows(&text)[0], "V2.1DATE"),
        "20250401103000"
    );
}

#[test]
fn goldstein_follows_gdelt_where_it_differs_from_cameos_manual() {
    for (code, value) in [("016", -2.0), ("022", 3.2), ("164", -7.0), ("165", -6.5)] {
        assert_eq!(chancery_export::gdelt_goldstein(code), Some(value));
    }
}

#[test]
#[ignore = "needs ../shared/bench/events/gdelt (or CHANCERY_GDELT_LOOKUPS); run with -- --include-ignored, as .ci/run does"]
fn goldstein_is_gdelts_on_every_code() {
    // GDELT's own table from the benchmark folder: every code of its
    // CAMEO.goldsteinscale.txt carries its value.
    let folder = std::env::var_os("CHANCERY_GDELT_LOOKUPS")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| {
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../../../shared/bench/events/gdelt")
        });
    let path = std::path::Path::new(&folder).join("CAMEO.goldsteinscale.txt");
    let table = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e}; set CHANCERY_GDELT_LOOKUPS", path.display()));
    let mut checked = 0;
    for line in table.lines().skip(1).filter(|l| !l.trim().is_empty()) {
        let (code, value) = line.split_once('\t').unwrap();
        let value: f32 = value.trim().parse().unwrap();
        assert_eq!(
            chancery_export::gdelt_goldstein(code.trim()),
            Some(value),
            "{code}"
        );
        checked += 1;
    }
    assert!(checked > 300, "{checked} codes in {}", path.display());
    println!("Goldstein: {checked} codes equal to {}", path.display());
}

/// A resolved place as `chancery-geo` writes it, for the geo fields.
fn vienna() -> chancery_model::Geo {
    chancery_model::Geo {
        geonames_id: Some(2761369),
        name: "Vienna".into(),
        full_name: "Vienna, Vienna, Austria".into(),
        feature_class: "P".into(),
        feature_code: "PPLC".into(),
        lat: 48.20849,
        lon: 16.37208,
        country: Some("AUT".into()),
        country_fips: Some("AU".into()),
        adm1: Some("AU09".into()),
        adm1_name: Some("Vienna".into()),
        geo_type: 4,
        feature_id: "2761369".into(),
    }
}

#[test]
fn resolved_places_fill_gdelts_geo_fields() {
    use chancery_model::{EventPlace, EventPlaces, Place, PlaceBasis, PlaceMention, Span};
    let mut records = records();
    let record = records
        .iter_mut()
        .find(|r| !r.analysis.events.is_empty())
        .expect("a fixture article with events");
    record.analysis.places = vec![Place {
        id: "g1".into(),
        entity: None,
        geo: vienna(),
        mentions: vec![PlaceMention {
            span: Span::new(0, 1),
            metonymy: false,
        }],
    }];
    let at = |basis| {
        Some(EventPlace {
            place: "g1".into(),
            basis,
        })
    };
    record.analysis.event_places = (0..record.analysis.events.len())
        .map(|event| EventPlaces {
            event,
            action: at(PlaceBasis::Clause),
            source: at(PlaceBasis::Actor),
            target: None,
        })
        .collect();
    let id = record.id;

    let tsv = gdelt_of(&records, EventTable::Events, false);
    let located: Vec<Vec<&str>> = rows(&tsv)
        .into_iter()
        .filter(|r| column(&EVENT_COLUMNS, r, "ActionGeo_FeatureID") == "2761369")
        .collect();
    assert!(!located.is_empty(), "{tsv}");
    let row = &located[0];
    let get = |name| column(&EVENT_COLUMNS, row, name);
    assert_eq!(get("ActionGeo_Type"), "4");
    assert_eq!(get("ActionGeo_FullName"), "Vienna, Vienna, Austria");
    assert_eq!(get("ActionGeo_CountryCode"), "AU");
    assert_eq!(get("ActionGeo_ADM1Code"), "AU09");
    assert_eq!(get("ActionGeo_ADM2Code"), "");
    assert_eq!(get("ActionGeo_Lat"), "48.2085");
    assert_eq!(get("ActionGeo_Long"), "16.3721");
    assert_eq!(get("Actor1Geo_FeatureID"), "2761369");
    // No place for the target: type 0 and the rest empty, as GDELT writes it.
    assert_eq!(get("Actor2Geo_Type"), "0");
    assert_eq!(get("Actor2Geo_FullName"), "");

    let mut gkg = Gkg::new(Vec::new(), false).unwrap();
    for record in &records {
        gkg.push(record).unwrap();
    }
    let (bytes, _) = gkg.finish().unwrap();
    let tsv = String::from_utf8(bytes).unwrap();
    let row = rows(&tsv)
        .into_iter()
        .find(|r| column(&GKG_COLUMNS, r, "GKGRECORDID").ends_with(&format!("-{id}")))
        .unwrap();
    assert_eq!(
        column(&GKG_COLUMNS, &row, "V1LOCATIONS"),
        "4#Vienna, Vienna, Austria#AU#AU09#48.2085#16.3721#2761369"
    );
    assert_eq!(
        column(&GKG_COLUMNS, &row, "V2ENHANCEDLOCATIONS"),
        "4#Vienna, Vienna, Austria#AU#AU09##48.2085#16.3721#2761369#0"
    );
}
