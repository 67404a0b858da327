//! Places and located events over a small corpus of their own: analyses
//! written here, with places and event locations set by hand (coordinates
//! and ids from GeoNames, CC BY 4.0), so the answers do not move when the
//! analysis improves.
//!
//! The corpus: Ankara (three events, two located), Istanbul (named only),
//! Moscow (named only by metonymy: an actor, no place), Wellington, Suva
//! and Apia (the Pacific, on both sides of the antimeridian), Bucharest
//! (Romania, which CAMEO spells ROM), and an article with unlocated events.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use chancery_model::{
    Analysis, Article, Event, EventActor, EventPlace, EventPlaces, Geo, Modality, Place,
    PlaceBasis, PlaceMention, Published, Span,
};
use chancery_server::{Config, Running};
use serde_json::Value;

/// A GeoNames feature: id, name, feature code, lat, lon, ISO and FIPS
/// country, country name.
type Feature = (
    u64,
    &'static str,
    &'static str,
    f64,
    f64,
    &'static str,
    &'static str,
    &'static str,
);

const ANKARA: Feature = (
    323786, "Ankara", "PPLC", 39.91987, 32.85427, "TUR", "TU", "Turkey",
);
const ISTANBUL: Feature = (
    745044, "Istanbul", "PPLA", 41.01384, 28.94966, "TUR", "TU", "Turkey",
);
const MOSCOW: Feature = (
    524901, "Moscow", "PPLC", 55.75222, 37.61556, "RUS", "RS", "Russia",
);
const WELLINGTON: Feature = (
    2179537,
    "Wellington",
    "PPLC",
    -41.28664,
    174.77557,
    "NZL",
    "NZ",
    "New Zealand",
);
const SUVA: Feature = (
    2198148, "Suva", "PPLC", -18.14161, 178.44149, "FJI", "FJ", "Fiji",
);
const APIA: Feature = (
    4035413, "Apia", "PPLC", -13.83333, -171.76666, "WSM", "WS", "Samoa",
);
const BUCHAREST: Feature = (
    683506,
    "Bucharest",
    "PPLC",
    44.43225,
    26.10626,
    "ROU",
    "RO",
    "Romania",
);

fn geo(f: Feature) -> Geo {
    let (id, name, code, lat, lon, iso, fips, country) = f;
    Geo {
        geonames_id: Some(id),
        name: name.into(),
        full_name: format!("{name}, {country}"),
        feature_class: "P".into(),
        feature_code: code.into(),
        lat,
        lon,
        country: Some(iso.into()),
        country_fips: Some(fips.into()),
        adm1: None,
        adm1_name: None,
        geo_type: 4,
        feature_id: id.to_string(),
    }
}

/// One article: its text, the places it names (with whether the mention
/// is metonymy), and its events as (CAMEO code, source actor, where).
struct Fixture {
    id: &'static str,
    url: &'static str,
    text: &'static str,
    places: &'static [(Feature, bool)],
    events: &'static [(&'static str, &'static str, Option<usize>)],
}

const FIXTURES: &[Fixture] = &[
    Fixture {
        id: "ankara",
        url: "https://news.example/ankara-clashes",
        text: "Turkish troops clashed with militants in Ankara on Monday, officials said, \
               while Moscow denied any role. Police later detained dozens in Istanbul.",
        places: &[(ANKARA, false), (MOSCOW, true), (ISTANBUL, false)],
        events: &[
            ("190", "TURMIL", Some(0)),
            ("173", "TURCOP", Some(0)),
            ("012", "RUS", None),
        ],
    },
    Fixture {
        id: "wellington",
        url: "https://news.example/wellington-protest",
        text: "Thousands of protesters marched on parliament in Wellington over the new \
               fisheries law, which the government defended in a statement.",
        places: &[(WELLINGTON, false)],
        events: &[("141", "NZLCVL", Some(0))],
    },
    Fixture {
        id: "pacific",
        url: "https://news.example/pacific-forum",
        text: "Leaders met in Suva for the regional forum before travelling on to Apia, \
               where they signed a fisheries pact with the Samoan government.",
        places: &[(SUVA, false), (APIA, false)],
        events: &[("036", "FJIGOV", Some(0)), ("057", "WSMGOV", Some(1))],
    },
    Fixture {
        id: "bucharest",
        url: "https://news.example/bucharest-budget",
        text: "Romania's parliament in Bucharest approved the budget after a night of debate \
               and a vote that split the governing coalition.",
        places: &[(BUCHAREST, false)],
        events: &[("051", "ROULEG", Some(0))],
    },
    Fixture {
        id: "nowhere",
        url: "https://news.example/committee-vote",
        text: "The committee postponed its vote again, citing the need for more \
               consultations with member states before any decision is taken.",
        places: &[],
        events: &[("091", "IGO", None), ("080", "IGO", None)],
    },
];

fn document(fixture: &Fixture) -> chancery_store::Document {
    let mut analysis = Analysis::from_article(Article {
        id: fixture.id.into(),
        url: Some(fixture.url.into()),
        canonical_url: Some(fixture.url.into()),
        title: Some(format!("Report {}", fixture.id)),
        text: fixture.text.into(),
        published: Some(Published {
            value: "2026-09-01".into(),
            precision: chancery_model::DatePrecision::Day,
            from: "input".into(),
        }),
        ..Article::default()
    });
    analysis.places = fixture
        .places
        .iter()
        .enumerate()
        .map(|(i, &(feature, metonymy))| {
            let start = fixture
                .text
                .find(feature.1)
                .expect("the text names its places");
            Place {
                id: format!("g{}", i + 1),
                entity: None,
                geo: geo(feature),
                mentions: vec![PlaceMention {
                    span: Span::new(start, start + feature.1.len()),
                    metonymy,
                }],
            }
        })
        .collect();
    analysis.events = fixture
        .events
        .iter()
        .map(|&(code, source, _)| Event {
            code: code.into(),
            root: code[..2].into(),
            quad_class: if code < "06" { 1 } else { 4 },
            goldstein: 1.0,
            plover: None,
            source: Some(EventActor {
                code: Some(source.into()),
                entity: None,
                name: None,
            }),
            target: None,
            modality: Modality::Asserted,
            date: None,
            location: None,
            trigger: Span::new(0, 8),
            evidence: Span::new(0, fixture.text.find(',').unwrap_or(fixture.text.len())),
            mentions: Vec::new(),
            confidence: 0.8,
            background: false,
            reported_by: None,
        })
        .collect();
    analysis.event_places = fixture
        .events
        .iter()
        .enumerate()
        .filter_map(|(event, &(_, _, place))| {
            Some(EventPlaces {
                event,
                action: Some(EventPlace {
                    place: format!("g{}", place? + 1),
                    basis: PlaceBasis::Clause,
                }),
                source: None,
                target: None,
            })
        })
        .collect();
    chancery_store::Document::new(analysis).unwrap()
}

fn corpus() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("chancery-server-places");
        let _ = std::fs::remove_dir_all(&dir);
        let documents: Vec<_> = FIXTURES.iter().map(document).collect();
        let mut store = chancery_store::Store::open(&dir).unwrap();
        store.write(&documents).unwrap();
        drop(store);
        chancery_search::SearchIndex::open(&dir).unwrap();
        dir
    })
}

fn server() -> Running {
    let mut config = Config::new(corpus());
    config.addr = "127.0.0.1:0".parse().unwrap();
    config.rate_limit = None;
    chancery_server::spawn(config).unwrap()
}

/// GET a JSON answer with its media type.
fn fetch(server: &Running, path: &str) -> (u16, String, Value) {
    let (status, media, body) = crate::get_typed(server, path);
    let json = serde_json::from_str(&body).unwrap_or_else(|e| panic!("{path}: {e}: {body}"));
    (status, media, json)
}

fn ok(server: &Running, path: &str) -> Value {
    let (status, _, json) = fetch(server, path);
    assert_eq!(status, 200, "{path}: {json}");
    json
}

fn names(page: &Value) -> Vec<&str> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect()
}

fn total(page: &Value) -> u64 {
    page["total"].as_u64().unwrap()
}

#[test]
fn places_list_with_counts_and_filter_by_box_country_and_name() {
    let server = server();
    let all = ok(&server, "/api/places");
    // Moscow is named only as an actor ("Moscow denied"): no place.
    assert_eq!(total(&all), 7 - 1);
    assert_eq!(names(&all)[0], "Ankara", "most events first among equals");
    let ankara = &all["items"][0];
    assert_eq!(
        (
            ankara["id"].as_str(),
            ankara["geonames_id"].as_u64(),
            ankara["country"].as_str(),
            ankara["articles"].as_u64(),
            ankara["events"].as_u64(),
            ankara["lat"].as_f64(),
            ankara["lon"].as_f64(),
        ),
        (
            Some("323786"),
            Some(323786),
            Some("TUR"),
            Some(1),
            Some(2),
            Some(39.91987),
            Some(32.85427)
        )
    );

    let turkey_box = ok(&server, "/api/places?bbox=26,36,45,42");
    assert_eq!(
        names(&turkey_box),
        ["Ankara", "Istanbul"],
        "Bucharest is north of 42"
    );
    let pacific = ok(&server, "/api/places?bbox=170,-50,-170,-10");
    let mut found = names(&pacific);
    found.sort_unstable();
    assert_eq!(found, ["Apia", "Suva", "Wellington"]);
    // The same numbers the other way round: the world but the Pacific.
    let rest = ok(&server, "/api/places?bbox=-170,-50,170,-10");
    assert_eq!(total(&rest), 0);

    assert_eq!(
        names(&ok(&server, "/api/places?country=TUR")),
        ["Ankara", "Istanbul"]
    );
    // CAMEO's spelling of Romania reads as ISO's.
    assert_eq!(
        names(&ok(&server, "/api/places?country=ROM")),
        ["Bucharest"]
    );
    assert_eq!(
        names(&ok(&server, "/api/places?country=rou")),
        ["Bucharest"]
    );
    assert_eq!(names(&ok(&server, "/api/places?q=ank")), ["Ankara"]);
    assert_eq!(
        names(&ok(&server, "/api/places?q=A")).len(),
        2,
        "Ankara and Apia"
    );
    assert_eq!(
        total(&ok(&server, "/api/places?q=kara")),
        0,
        "a prefix, not a substring"
    );

    let page = ok(&server, "/api/places?limit=2&offset=1");
    assert_eq!((total(&page), names(&page).len()), (6, 2));
    assert_eq!(names(&page), names(&all)[1..3]);
}

#[test]
fn events_filter_by_where_they_happened() {
    let server = server();
    let all = ok(&server, "/api/events?limit=500");
    assert_eq!(total(&all), 9);
    let located = ok(&server, "/api/events?located=true");
    assert_eq!(total(&located), 6);
    assert_eq!(total(&ok(&server, "/api/events?located=false")), 3);

    let in_turkey = ok(&server, "/api/events?bbox=26,36,45,42");
    assert_eq!(total(&in_turkey), 2);
    for event in in_turkey["items"].as_array().unwrap() {
        let location = &event["location"];
        assert_eq!(location["name"], "Ankara, Turkey");
        assert_eq!(location["basis"], "clause");
        assert_eq!(event["article_url"], "https://news.example/ankara-clashes");
    }
    assert_eq!(
        total(&ok(&server, "/api/events?bbox=-10,35,20,60")),
        0,
        "Western Europe"
    );
    assert_eq!(total(&ok(&server, "/api/events?bbox=170,-50,-170,-10")), 3);
    assert_eq!(
        total(&ok(&server, "/api/events?bbox=175,-20,180,-10")),
        1,
        "Suva alone"
    );
    assert_eq!(total(&ok(&server, "/api/events?country=TUR")), 2);
    assert_eq!(total(&ok(&server, "/api/events?country=ROM")), 1);
    assert_eq!(
        total(&ok(&server, "/api/events?country=RUS")),
        0,
        "Moscow is an actor"
    );
    // Location filters combine with the others.
    assert_eq!(total(&ok(&server, "/api/events?country=TUR&root=19")), 1);
    let mix = ok(&server, "/api/events/mix?country=TUR");
    assert_eq!(mix.as_array().unwrap().len(), 2, "roots 17 and 19: {mix}");
    // An unlocated event has a null location in JSON.
    let unlocated = ok(&server, "/api/events?located=false&limit=1");
    assert!(unlocated["items"][0]["location"].is_null());
}

/// Checks a FeatureCollection as QGIS (GDAL) and Kepler.gl read one:
/// RFC 7946 structure, Points in `[lon, lat]` order and in range, no `crs`,
/// flat properties with the same keys in every feature. Returns the
/// features.
fn check_collection(collection: &Value) -> &Vec<Value> {
    assert_eq!(collection["type"], "FeatureCollection");
    assert!(
        collection.get("crs").is_none(),
        "RFC 7946 has no crs member"
    );
    let features = collection["features"]
        .as_array()
        .expect("features is an array");
    let mut keys: Option<Vec<&String>> = None;
    for feature in features {
        let object = feature.as_object().unwrap();
        assert_eq!(object["type"], "Feature");
        assert!(
            object["id"].is_string() || object["id"].is_number(),
            "{feature}"
        );
        let geometry = object["geometry"].as_object().unwrap();
        assert_eq!(geometry["type"], "Point");
        let position = geometry["coordinates"].as_array().unwrap();
        assert_eq!(position.len(), 2, "{feature}");
        let (lon, lat) = (position[0].as_f64().unwrap(), position[1].as_f64().unwrap());
        assert!(
            (-180.0..=180.0).contains(&lon) && (-90.0..=90.0).contains(&lat),
            "{feature}"
        );
        let properties = object["properties"].as_object().unwrap();
        for (key, value) in properties {
            assert!(
                !value.is_object() && !value.is_array(),
                "{key} is not flat: {value}"
            );
        }
        let these: Vec<&String> = properties.keys().collect();
        match &keys {
            None => keys = Some(these),
            Some(first) => assert_eq!(first, &these, "every feature has the same properties"),
        }
    }
    features
}

#[test]
fn events_as_geojson_are_points_in_lon_lat_order_and_count_the_unlocated() {
    let server = server();
    let (status, media, collection) = fetch(&server, "/api/events?format=geojson");
    assert_eq!(status, 200, "{collection}");
    assert_eq!(media, "application/geo+json");
    let features = check_collection(&collection);
    assert_eq!(features.len(), 6);
    assert_eq!(
        (
            collection["total"].as_u64(),
            collection["unlocated"].as_u64()
        ),
        (Some(6), Some(3))
    );
    assert_eq!(
        (collection["limit"].as_u64(), collection["offset"].as_u64()),
        (Some(50), Some(0))
    );

    let apia = features
        .iter()
        .find(|f| f["properties"]["place_name"] == "Apia, Samoa")
        .unwrap();
    assert_eq!(
        apia["geometry"]["coordinates"],
        serde_json::json!([-171.76666, -13.83333])
    );
    let properties = &apia["properties"];
    assert_eq!(properties["code"], "057");
    assert_eq!(properties["root"], "05");
    assert_eq!(properties["quad_class"], 1);
    assert_eq!(properties["source_code"], "WSMGOV");
    assert_eq!(properties["country"], "WSM");
    assert_eq!(properties["geonames_id"], 4035413);
    assert_eq!(properties["location_basis"], "clause");
    assert_eq!(
        properties["article_url"],
        "https://news.example/pacific-forum"
    );
    assert_eq!(properties["date"], "2026-09-01");
    assert!(properties["article_id"].is_i64() && properties["goldstein"].is_f64());

    // Filters and pages apply; a box leaves no unlocated event to count.
    let (_, _, turkey) = fetch(&server, "/api/events?format=geojson&country=TUR&limit=1");
    assert_eq!(check_collection(&turkey).len(), 1);
    assert_eq!(
        (turkey["total"].as_u64(), turkey["unlocated"].as_u64()),
        (Some(2), Some(0))
    );
    let (_, _, boxed) = fetch(&server, "/api/events?format=geojson&bbox=170,-50,-170,-10");
    assert_eq!(check_collection(&boxed).len(), 3);
    assert_eq!(boxed["unlocated"], 0);
    let (_, _, root) = fetch(&server, "/api/events?format=geojson&root=09");
    assert_eq!(
        (check_collection(&root).len(), root["unlocated"].as_u64()),
        (0, Some(1))
    );
    // format=json is the plain list.
    let (_, media, json) = fetch(&server, "/api/events?format=json");
    assert!(media.starts_with("application/json"), "{media}");
    assert_eq!(total(&json), 9);
}

#[test]
fn places_as_geojson() {
    let server = server();
    let (status, media, collection) = fetch(&server, "/api/places?format=geojson&country=TUR");
    assert_eq!((status, media.as_str()), (200, "application/geo+json"));
    let features = check_collection(&collection);
    assert_eq!(features.len(), 2);
    assert_eq!(features[0]["id"], "323786");
    assert_eq!(
        features[0]["geometry"]["coordinates"],
        serde_json::json!([32.85427, 39.91987])
    );
    let properties = &features[0]["properties"];
    assert_eq!(
        (
            properties["name"].as_str(),
            properties["feature_code"].as_str()
        ),
        (Some("Ankara"), Some("PPLC"))
    );
    assert_eq!(
        (
            properties["articles"].as_u64(),
            properties["events"].as_u64()
        ),
        (Some(1), Some(2))
    );
    assert_eq!(collection["total"], 2);
    assert!(collection.get("unlocated").is_none());
}

#[test]
fn bad_location_parameters_are_400s_that_say_what_to_send() {
    let server = server();
    for (path, says) in [
        ("/api/events?bbox=1,2,3", "got 3 parts"),
        ("/api/events?bbox=1,2,3,4,5", "west,south,east,north"),
        ("/api/places?bbox=west,2,3,4", "is not a number"),
        (
            "/api/events?bbox=10,-91,20,0",
            "south -91 is not a latitude from -90 to 90",
        ),
        ("/api/places?bbox=10,0,20,95", "north 95 is not a latitude"),
        (
            "/api/events?bbox=190,0,200,10",
            "west 190 is not a longitude from -180 to 180",
        ),
        (
            "/api/events?bbox=10,40,20,30",
            "south 40 is north of north 30",
        ),
        ("/api/events?bbox=1,2,3,4&bbox=1,2,3,4", "given twice"),
        ("/api/events?country=XYZ", "alpha-3"),
        ("/api/places?country=Turkey", "alpha-3"),
        ("/api/events?format=kml", "json, geojson"),
        ("/api/places?format=shapefile", "json, geojson"),
        (
            "/api/events?format=geojson&located=false",
            "located events only",
        ),
        ("/api/places?name=Ankara", "this route takes"),
        ("/api/events/mix?format=geojson", "unknown parameter"),
        ("/api/places?limit=501", "from 1 to 500"),
    ] {
        let (status, _, body) = fetch(&server, path);
        assert_eq!(status, 400, "{path}: {body}");
        assert_eq!(body["error"]["code"], "bad_request", "{path}");
        let message = body["error"]["message"].as_str().unwrap();
        assert!(message.contains(says), "{path}: {message}");
    }
}

/// The events rows an events page shows: one "article →" link each.
fn rows(html: &str) -> usize {
    html.matches("article →").count()
}

/// The `href` of the pager's "older" link, its `&amp;`s read back.
fn older_link(html: &str) -> Option<String> {
    let (before, _) = html.split_once("\">older →")?;
    let (_, href) = before.rsplit_once("href=\"")?;
    Some(href.replace("&amp;", "&"))
}

#[test]
fn events_page_filters_by_where_they_happened_and_pages_keep_it() {
    let server = server();
    let page = |path: &str| {
        let (status, media, body) = crate::get_typed(&server, path);
        assert!(media.starts_with("text/html"), "{path}: {media}");
        (status, body)
    };

    // The form has the location fields, empty when unused.
    let (status, all) = page("/events");
    assert_eq!(status, 200);
    for field in [
        "name=\"country\" placeholder=\"in country (SYR)\"",
        "name=\"bbox\" placeholder=\"west,south,east,north\"",
        "type=\"checkbox\" name=\"located\" value=\"true\">",
    ] {
        assert!(all.contains(field), "{field} missing from the form");
    }
    assert_eq!(rows(&all), 9);

    // The form as a browser sends it: every field, the empty ones too.
    let sent = "/events?actor=&source=&target=&code=&quad_class=&modality=&from=&to=";
    let (status, body) = page(&format!("{sent}&country=&bbox="));
    assert_eq!((status, rows(&body)), (200, 9));
    let (status, body) = page(&format!("{sent}&country=tur&bbox=&located=true"));
    assert_eq!((status, rows(&body)), (200, 2), "Ankara's located events");
    assert!(
        body.contains("value=\"TUR\""),
        "the country is shown as read"
    );
    assert!(body.contains("name=\"located\" value=\"true\" checked"));
    let (status, body) = page(&format!("{sent}&country=&bbox=26%2C36%2C45%2C42"));
    assert_eq!((status, rows(&body)), (200, 2), "a box around Turkey");
    assert!(
        body.contains("value=\"26,36,45,42\""),
        "the box is kept in its field"
    );
    let (_, body) = page("/events?country=ROM");
    assert_eq!(rows(&body), 1, "CAMEO's spelling of Romania");
    let (_, body) = page("/events?country=RUS");
    assert_eq!(rows(&body), 0, "Moscow is an actor, not a place");
    let (_, body) = page("/events?located=true");
    assert_eq!(rows(&body), 6);
    let (_, body) = page("/events?located=false");
    assert_eq!(rows(&body), 3);

    // Paging keeps the location filters and the page size: the Pacific
    // box across the antimeridian holds three events, one a page.
    let mut path = "/events?bbox=170,-50,-170,-10&located=true&limit=1".to_string();
    let mut seen = 0;
    loop {
        let (status, body) = page(&path);
        assert_eq!(status, 200, "{path}");
        assert_eq!(rows(&body), 1, "{path}");
        seen += 1;
        match older_link(&body) {
            Some(next) => {
                for kept in ["bbox=170%2C-50%2C-170%2C-10", "located=true", "limit=1"] {
                    assert!(next.contains(kept), "{next} lost {kept}");
                }
                path = next;
            }
            None => break,
        }
    }
    assert_eq!(seen, 3);
    let (_, body) = page("/events?country=TUR&limit=1");
    let next = older_link(&body).expect("two events in Turkey, one a page");
    assert!(next.contains("country=TUR"), "{next}");

    // A mistake is a 400 page that says what is wrong, with the form
    // holding what was sent so it can be corrected.
    for (path, says, kept) in [
        ("/events?bbox=1,2,3", "got 3 parts", "value=\"1,2,3\""),
        (
            "/events?bbox=10,40,20,30&country=TUR",
            "south 40 is north of north 30",
            "value=\"TUR\"",
        ),
        (
            "/events?bbox=a,2,3,4",
            "is not a number",
            "value=\"a,2,3,4\"",
        ),
        (
            "/events?bbox=190,0,200,10",
            "west 190 is not a longitude",
            "value=\"190,0,200,10\"",
        ),
        ("/events?country=Turkey", "alpha-3", "value=\"Turkey\""),
        ("/events?located=maybe", "true or false", "name=\"located\""),
    ] {
        let (status, body) = page(path);
        assert_eq!(status, 400, "{path}: {body}");
        assert!(body.contains("class=\"card error\""), "{path}");
        assert!(body.contains(says), "{path}: {body}");
        assert!(body.contains(kept), "{path}: the form lost what was sent");
        assert!(body.contains("<form class=\"filters\""), "{path}");
        assert_eq!(rows(&body), 0, "{path}: no events under a refused filter");
    }
}
