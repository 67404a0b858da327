//! The formats on a fixture corpus: two invented wire stories about one
//! energy pact (analysed by `chancery analyze`, kept as JSON), written in
//! every format, checked field by field and pinned as golden snapshots.

use chancery_export::{
    event_id, write_rows, CsvTables, EventTable, GdeltEvents, Gkg, MergeKey, PerTable, PloverLines,
    Record, Table, EVENT_COLUMNS, GKG_COLUMNS, MENTION_COLUMNS,
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
    let records = records();
    let mut writer = GdeltEvents::new(table, Vec::new(), true).unwrap();
    for (record, index) in in_merge_order(&records) {
        writer.push(record, index).unwrap();
    }
    let (bytes, _) = writer.finish().unwrap();
    String::from_utf8(bytes).unwrap()
}

fn rows(tsv: &str) -> Vec<Vec<&str>> {
    tsv.lines()
        .skip(1)
        .map(|l| l.split('\t').collect())
        .collect()
}

fn column<'a>(columns: &[&str], row: &[&'a str], name: &str) -> &'a str {
    let at = columns.iter().position(|c| *c == name).unwrap();
    row[at]
}

#[test]
fn one_pact_told_twice_is_one_event_counted_over_both_articles() {
    let tsv = gdelt(EventTable::Events);
    assert_eq!(tsv.lines().next().unwrap(), EVENT_COLUMNS.join("\t"));
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
    assert_eq!(get("AvgTone"), "");
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
    assert_eq!(tsv.lines().next().unwrap(), MENTION_COLUMNS.join("\t"));
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

#[test]
fn the_knowledge_graph_has_names_quotes_amounts_and_speakers() {
    let mut gkg = Gkg::new(Vec::new(), true).unwrap();
    for record in records() {
        gkg.push(&record).unwrap();
    }
    let (bytes, count) = gkg.finish().unwrap();
    let tsv = String::from_utf8(bytes).unwrap();
    assert_eq!(count, 2);
    assert_eq!(tsv.lines().next().unwrap(), GKG_COLUMNS.join("\t"));
    let rows = rows(&tsv);
    let first = &rows[0];
    assert_eq!(first.len(), 27);
    let get = |name| column(&GKG_COLUMNS, first, name);
    assert_eq!(get("GKGRECORDID"), "20250313000000-1");
    assert_eq!(get("V2.1DATE"), "20250312000000");
    assert_eq!(get("V1PERSONS"), "Emmanuel Macron");
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
    let tone: Vec<&str> = get("V1.5TONE").split(',').collect();
    assert_eq!(tone.len(), 7);
    assert_eq!(get("V2GCAM"), format!("wc:{}", tone[6]));
    assert_eq!(get("V2.1ENHANCEDDATES"), "3#3#12#2025#50");
    insta::assert_snapshot!("gdelt_gkg", tsv);
}

#[test]
fn plover_records_carry_actors_types_and_sources() {
    let mut plover = PloverLines::new(Vec::new());
    for record in records() {
        plover.push(&record).unwrap();
    }
    let (bytes, count) = plover.finish().unwrap();
    let text = String::from_utf8(bytes).unwrap();
    assert_eq!(count, 4);
    let first: serde_json::Value = serde_json::from_str(text.lines().next().unwrap()).unwrap();
    assert_eq!(first["event_type"], "SUPPORT");
    assert_eq!(first["quad_code"], 1);
    assert_eq!(first["actor"]["name"], "France");
    assert_eq!(first["recipient"]["code"], "DEU");
    assert_eq!(first["event_text"], "signed");
    assert_eq!(first["date"], "2025-03-12");
    assert_eq!(first["source"]["site"], "example-news.org");
    insta::assert_snapshot!("plover", text);
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
