//! The JSON API over the demo corpus.

use crate::{get, get_json, post, server};

#[test]
fn every_route_in_the_openapi_document_answers() {
    let server = server();
    let (status, spec) = get_json(&server, "/api/openapi.json");
    assert_eq!(status, 200);
    assert_eq!(spec["openapi"], "3.0.3");
    let (_, articles) = get_json(&server, "/api/articles?limit=1");
    let article_id = articles["items"][0]["id"].as_i64().unwrap().to_string();
    let mut checked = 0;
    for (path, item) in spec["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            // Fill path parameters with their examples (ids with a real one).
            let mut url = path.clone();
            for parameter in operation["parameters"].as_array().into_iter().flatten() {
                if parameter["in"] == "path" {
                    let name = parameter["name"].as_str().unwrap();
                    let example = &parameter["example"];
                    let value = if name == "id" && path.starts_with("/api/articles") {
                        article_id.clone()
                    } else if let Some(number) = example.as_i64() {
                        number.to_string()
                    } else {
                        example.as_str().unwrap().to_string()
                    };
                    url = url.replace(&format!("{{{name}}}"), &value);
                }
            }
            let status = match method.as_str() {
                "get" => {
                    let (status, body) = get(&server, &url);
                    if let Err(err) = serde_json::from_str::<NoRepeatedKeys>(&body) {
                        panic!("GET {url}: {err}");
                    }
                    status
                }
                "post" if url == "/api/analyze" => {
                    post(
                        &server,
                        &url,
                        &[],
                        r#"{"text": "Iran and Russia held talks."}"#,
                    )
                    .0
                }
                // Ingest answers, but only with a token (tested below).
                "post" => post(&server, &url, &[], "").0,
                other => panic!("unexpected method {other}"),
            };
            let expected = if url == "/api/ingest" { 403 } else { 200 };
            assert_eq!(status, expected, "{method} {url}");
            checked += 1;
        }
    }
    assert!(checked >= 17, "{checked}");
}

/// A JSON value none of whose objects repeats a key: parsers keep one of
/// the two values (serde_json the last), so a repeated key loses data.
struct NoRepeatedKeys;

impl<'de> serde::Deserialize<'de> for NoRepeatedKeys {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(NoRepeatedKeysVisitor)
    }
}

struct NoRepeatedKeysVisitor;

impl<'de> serde::de::Visitor<'de> for NoRepeatedKeysVisitor {
    type Value = NoRepeatedKeys;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("JSON")
    }

    fn visit_bool<E>(self, _: bool) -> Result<NoRepeatedKeys, E> {
        Ok(NoRepeatedKeys)
    }

    fn visit_i64<E>(self, _: i64) -> Result<NoRepeatedKeys, E> {
        Ok(NoRepeatedKeys)
    }

    fn visit_u64<E>(self, _: u64) -> Result<NoRepeatedKeys, E> {
        Ok(NoRepeatedKeys)
    }

    fn visit_f64<E>(self, _: f64) -> Result<NoRepeatedKeys, E> {
        Ok(NoRepeatedKeys)
    }

    fn visit_str<E>(self, _: &str) -> Result<NoRepeatedKeys, E> {
        Ok(NoRepeatedKeys)
    }

    fn visit_unit<E>(self) -> Result<NoRepeatedKeys, E> {
        Ok(NoRepeatedKeys)
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(
        self,
        mut seq: A,
    ) -> Result<NoRepeatedKeys, A::Error> {
        while seq.next_element::<NoRepeatedKeys>()?.is_some() {}
        Ok(NoRepeatedKeys)
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(
        self,
        mut map: A,
    ) -> Result<NoRepeatedKeys, A::Error> {
        let mut seen = std::collections::HashSet::new();
        while let Some(key) = map.next_key::<String>()? {
            if !seen.insert(key.clone()) {
                return Err(serde::de::Error::custom(format!(
                    "the key {key:?} is repeated"
                )));
            }
            map.next_value::<NoRepeatedKeys>()?;
        }
        Ok(NoRepeatedKeys)
    }
}

#[test]
fn a_repeated_key_is_found() {
    assert!(serde_json::from_str::<NoRepeatedKeys>(
        r#"{"a": [{"b": 1, "c": {"d": null}}], "e": "f"}"#
    )
    .is_ok());
    let err = serde_json::from_str::<NoRepeatedKeys>(r#"{"a": 1, "b": {"c": 2, "c": {}}}"#)
        .err()
        .unwrap();
    assert!(err.to_string().contains("\"c\" is repeated"), "{err}");
}

#[test]
fn articles_filter_and_show_their_analysis_and_copies() {
    let server = server();
    let (_, all) = get_json(&server, "/api/articles?limit=500");
    let (_, with_copies) = get_json(&server, "/api/articles?limit=500&include_duplicates=true");
    let canonical = all["total"].as_u64().unwrap();
    assert_eq!(
        with_copies["total"].as_u64().unwrap(),
        canonical + 4,
        "four near-copies"
    );
    let (_, polish) = get_json(&server, "/api/articles?country=POL&to=2026-09-10");
    assert!(polish["total"].as_u64().unwrap() >= 1);
    for item in polish["items"].as_array().unwrap() {
        assert!(item["published"].as_str().unwrap() < "2026-09-11");
    }
    // A syndicated copy: its original lists it.
    let copy = with_copies["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["duplicate_of"].is_i64())
        .unwrap();
    let original = copy["duplicate_of"].as_i64().unwrap();
    let (status, article) = get_json(&server, &format!("/api/articles/{original}"));
    assert_eq!(status, 200);
    assert!(article["copies"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["id"] == copy["id"]));
    assert_eq!(article["analysis"]["schema_version"], 4);
    let tone = &article["analysis"]["tone"];
    assert!(tone["words"].as_u64().unwrap() > 0, "{tone}");
    assert!(tone["tone"].is_f64() && tone["polarity"].is_f64(), "{tone}");
    assert!(!article["analysis"]["entities"]
        .as_array()
        .unwrap()
        .is_empty());
    let (status, similar) = get_json(&server, &format!("/api/articles/{original}/similar"));
    assert_eq!(status, 200);
    let similar = similar.as_array().unwrap();
    assert!(!similar.is_empty());
    assert!(similar.iter().all(|s| s["article"]["id"] != copy["id"]));
}

#[test]
fn stories_list_their_articles_and_events() {
    let server = server();
    let (_, stories) = get_json(&server, "/api/stories");
    assert_eq!(stories["total"], 6, "{stories}");
    let latest = &stories["items"][0];
    assert!(
        latest["last"].as_str().unwrap().starts_with("2026-10-12"),
        "{latest}"
    );
    // Story 0 (the Kyrgyz-Tajik clash) is a story like any other.
    let (status, story) = get_json(&server, "/api/stories/0");
    assert_eq!(status, 200);
    assert!(
        story["articles"]["total"].as_u64().unwrap() >= 10,
        "{story}"
    );
    assert!(story["events"]["total"].as_u64().unwrap() > 0);
    assert!(!story["series"].as_array().unwrap().is_empty());
    let (_, kyrgyz) = get_json(&server, "/api/events?story=0&countries=KGZ,TJK");
    assert!(kyrgyz["total"].as_u64().unwrap() > 0);
    // It tells its story: its events once each, its actors and places, its
    // first and latest reports and what changed between them, each change
    // pointing at the bytes of the article that says it.
    assert!(!story["story_events"].as_array().unwrap().is_empty());
    let names = |list: &str| -> Vec<String> {
        story[list]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["name"].as_str().unwrap().to_string())
            .collect()
    };
    assert!(!names("actors").is_empty(), "{}", story["actors"]);
    assert!(
        names("places").iter().any(|p| p == "Kyrgyzstan"),
        "{}",
        story["places"]
    );
    let changes = &story["changes"];
    let (first, latest) = (&changes["first"][0], &changes["latest"][0]);
    assert!(
        first["published"].as_str() < latest["published"].as_str(),
        "{changes}"
    );
    let mut said = 0;
    for side in ["appeared", "disappeared"] {
        for kind in ["actors", "places", "events", "numbers", "quotes"] {
            for change in changes[side][kind].as_array().unwrap() {
                let e = &change["evidence"];
                let (_, article) = get_json(&server, &format!("/api/articles/{}", e["article"]));
                let text = article["analysis"][e["field"].as_str().unwrap()]
                    .as_str()
                    .unwrap();
                let (start, end) = (e["start"].as_u64().unwrap(), e["end"].as_u64().unwrap());
                assert_eq!(
                    text[start as usize..end as usize].trim(),
                    e["text"],
                    "{change}"
                );
                said += 1;
            }
        }
    }
    assert!(said > 0, "{changes}");
    let page = get(&server, "/story/0").1;
    for heading in [
        "First and latest report",
        "What changed",
        "Timeline of its events",
        "Its actors",
        "Its places",
    ] {
        assert!(page.contains(heading), "{heading}");
    }
    assert!(page.contains(&format!("href=\"/article/{}\"", latest["article"])));
    assert_eq!(get_json(&server, "/api/stories/99").0, 404);
    // Every story the list names opens, in the API and as a page, and so
    // do its articles and events filtered by it.
    for item in stories["items"].as_array().unwrap() {
        let id = item["id"].as_i64().unwrap();
        let (status, story) = get_json(&server, &format!("/api/stories/{id}"));
        assert_eq!((status, &story["title"]), (200, &item["title"]), "{id}");
        assert_eq!(get(&server, &format!("/story/{id}")).0, 200, "{id}");
        for list in ["articles", "events"] {
            let (status, page) = get_json(&server, &format!("/api/{list}?story={id}&limit=1"));
            assert_eq!(status, 200, "{list} of story {id}: {page}");
            assert!(
                page["total"].as_u64().unwrap() > 0 || list == "events",
                "{id}"
            );
        }
    }
    assert!(stories["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|s| s["id"] == 0));
}

#[test]
fn entities_have_roles_over_time_quotes_and_events() {
    let server = server();
    let (_, people) = get_json(&server, "/api/entities?kind=person&limit=100");
    let items = people["items"].as_array().unwrap();
    let titled = items
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .find_map(|name| {
            let (_, entity) = get_json(&server, &format!("/api/entities/{}", encode(name)));
            (!entity["roles"].as_array().unwrap().is_empty()
                && entity["quotes"]["total"].as_u64().unwrap() > 0)
                .then_some(entity)
        })
        .expect("some titled person is quoted");
    let role = &titled["roles"][0];
    assert!(role["first_seen"].as_str().unwrap().starts_with("2026-"));
    assert!(!role["evidence"][0]["text"].as_str().unwrap().is_empty());
    let name = titled["name"].as_str().unwrap();
    let (_, quotes) = get_json(&server, &format!("/api/quotes?speaker={}", encode(name)));
    assert_eq!(quotes["total"], titled["quotes"]["total"]);
    let (status, missing) = get_json(&server, "/api/entities/Nobody%20At%20All");
    assert_eq!(status, 404);
    assert_eq!(missing["error"]["code"], "not_found");
}

#[test]
fn events_filter_by_pair_class_modality_and_date() {
    let server = server();
    let (_, pair) = get_json(&server, "/api/events?countries=POL,BLR&limit=500");
    let items = pair["items"].as_array().unwrap();
    assert!(items.len() >= 5, "{pair}");
    for event in items {
        let codes: Vec<&str> = ["source_code", "target_code"]
            .iter()
            .map(|k| event[k].as_str().unwrap_or(""))
            .collect();
        assert!(
            codes.iter().any(|c| c.starts_with("POL"))
                && codes.iter().any(|c| c.starts_with("BLR")),
            "{event}"
        );
    }
    let (_, conflict) = get_json(
        &server,
        "/api/events?quad_class=4&modality=asserted&from=2026-09-01&to=2026-09-30",
    );
    for event in conflict["items"].as_array().unwrap() {
        assert_eq!(event["quad_class"], 4);
        assert_eq!(event["modality"], "asserted");
        assert!(event["date"].as_str().unwrap().starts_with("2026-09"));
    }
    let (status, dyad) = get_json(&server, "/api/dyads/POL/BLR");
    assert_eq!(status, 200);
    let series = dyad["series"].as_array().unwrap();
    assert!(!series.is_empty());
    let charted: u64 = series
        .iter()
        .flat_map(|b| {
            b["counts"]
                .as_array()
                .unwrap()
                .iter()
                .map(|n| n.as_u64().unwrap())
        })
        .sum();
    assert!(charted > 0 && charted <= dyad["events"]["total"].as_u64().unwrap());
    let (status, bad) = get_json(&server, "/api/events?countries=POL");
    assert_eq!(status, 400);
    assert!(
        bad["error"]["message"]
            .as_str()
            .unwrap()
            .contains("IRN,RUS"),
        "{bad}"
    );
    let (status, bad) = get_json(&server, "/api/dyads/pol/x");
    assert_eq!(
        (status, bad["error"]["code"].as_str()),
        (400, Some("bad_request"))
    );
}

#[test]
fn every_code_the_corpus_holds_is_accepted() {
    // The codes the analysis writes are codes the parameters know: each
    // actor of the demo filters to its own events, and each pair of the
    // country-level network (whose edges link to dyad pages) is a dyad.
    let server = server();
    let (status, actors) = get_json(&server, "/api/actors?limit=500");
    assert_eq!(status, 200, "{actors}");
    let actors = actors.as_array().unwrap();
    assert!(actors.len() > 10, "{actors:?}");
    for actor in actors {
        let code = actor["code"].as_str().unwrap();
        let (status, events) = get_json(&server, &format!("/api/events?actor={code}&limit=1"));
        assert_eq!(status, 200, "actor={code}: {events}");
        assert!(events["total"].as_u64().unwrap() > 0, "actor={code}");
    }
    let (_, network) = get_json(&server, "/api/network?limit=200");
    let edges = network["edges"].as_array().unwrap();
    assert!(!edges.is_empty());
    for edge in edges {
        let (a, b) = (
            edge["source"].as_str().unwrap(),
            edge["target"].as_str().unwrap(),
        );
        let (status, dyad) = get_json(&server, &format!("/api/dyads/{a}/{b}"));
        assert_eq!(status, 200, "{a}/{b}: {dyad}");
        assert!(dyad["a_to_b"].as_u64().unwrap() > 0, "{a}/{b}: {dyad}");
    }
}

#[test]
fn search_finds_every_word_with_facets() {
    let server = server();
    let (_, results) = get_json(&server, "/api/search?q=ceasefire%20border");
    assert!(results["total"].as_u64().unwrap() >= 1, "{results}");
    let facets = &results["facets"];
    assert!(facets["countries"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["value"] == "KGZ" || c["value"] == "TJK"));
    // Phrases and stems: the full-text index answers, not a word scan.
    let (_, phrase) = get_json(&server, "/api/search?q=%22border%20guards%22%20clashes");
    assert!(phrase["total"].as_u64().unwrap() >= 1, "{phrase}");
    let (status, bad) = get_json(&server, "/api/search?q=%22unclosed");
    assert!(status == 200 || status == 400, "{bad}");
    let (_, narrowed) = get_json(&server, "/api/search?q=ceasefire%20border&country=POL");
    assert!(narrowed["total"].as_u64() < results["total"].as_u64());
    // People are people: not a town the tagger once took for a name, not
    // the outlet of a dateline.
    let (_, wide) = get_json(&server, "/api/search?q=border&limit=1");
    let people: Vec<&str> = wide["facets"]["people"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["value"].as_str().unwrap())
        .collect();
    assert!(!people.is_empty(), "{wide}");
    for place_or_outlet in ["Batken", "Isfara", "Caravan Wire", "Meridian News Agency"] {
        assert!(!people.contains(&place_or_outlet), "{people:?}");
    }
}

#[test]
fn analyze_is_stateless_and_capped() {
    let server = server();
    let (_, before) = get_json(&server, "/api/stats");
    let (status, analysis) = post(
        &server,
        "/api/analyze",
        &[("content-type", "application/json")],
        r#"{"title": "Talks", "text": "Iran's Foreign Minister Abbas Araghchi met Russian Foreign Minister Sergey Lavrov in Moscow on Monday.", "body_only": true}"#,
    );
    assert_eq!(status, 200, "{analysis}");
    let names: Vec<&str> = analysis["entities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["name"].as_str().unwrap())
        .collect();
    assert!(names.contains(&"Sergey Lavrov"), "{names:?}");
    let (_, after) = get_json(&server, "/api/stats");
    assert_eq!(before, after, "analyze stores nothing");

    let big = format!(r#"{{"text": "{}"}}"#, "word ".repeat(300_000));
    let (status, error) = post(&server, "/api/analyze", &[], &big);
    assert_eq!(
        (status, error["error"]["code"].as_str()),
        (413, Some("payload_too_large"))
    );
    let (status, error) = post(&server, "/api/analyze", &[], "{not json");
    assert_eq!(
        (status, error["error"]["code"].as_str()),
        (400, Some("bad_request"))
    );
    let (status, error) = post(&server, "/api/analyze", &[], r#"{"title": "no body"}"#);
    assert_eq!(
        (status, error["error"]["code"].as_str()),
        (422, Some("unreadable"))
    );
}

#[test]
fn unknown_routes_and_methods_are_json_errors() {
    let server = server();
    let (status, error) = get_json(&server, "/api/nothing");
    assert_eq!(
        (status, error["error"]["code"].as_str()),
        (404, Some("not_found"))
    );
    let (status, error) = post(&server, "/api/stats", &[], "");
    assert_eq!(
        (status, error["error"]["code"].as_str()),
        (405, Some("method_not_allowed"))
    );
    let (status, error) = get_json(&server, "/api/articles?limit=x");
    assert_eq!(
        (status, error["error"]["code"].as_str()),
        (400, Some("bad_request"))
    );
    let (status, error) = get_json(&server, "/api/articles?colour=red");
    assert_eq!(status, 400, "unknown parameters are refused: {error}");
    // The issue's examples, each a JSON error naming what is wrong.
    for (path, status, names) in [
        ("/api/events?from=notadate", 400, "`from`"),
        ("/api/events?from=2026-13-45", 400, "`from`"),
        ("/api/events?modality=maybe", 400, "hypothetical"),
        ("/api/events?quad_class=9", 400, "`quad_class`"),
        ("/api/events?root=99", 400, "`root`"),
        ("/api/articles?limit=100000", 400, "1 to 500"),
        ("/api/stats?x=1", 400, "takes none"),
        ("/api/dyads/XXX/YYY", 400, "`a`"),
        ("/api/dyads/IRN/12", 400, "`b`"),
    ] {
        let (got, error) = get_json(&server, path);
        let message = error["error"]["message"].as_str().unwrap();
        assert_eq!(got, status, "{path}: {error}");
        assert!(message.contains(names), "{path}: {message}");
    }
    // A well-formed code nothing can match is refused, not answered with
    // an empty list; the message says what is accepted and where the
    // codes are listed, without listing them.
    for (path, names) in [
        ("/api/articles?country=XXX", "`country`"),
        ("/api/entities?country=XXX", "`country`"),
        ("/api/search?country=XXX", "`country`"),
        ("/api/events?countries=IRN,XXX", "`countries`"),
        ("/api/events?countries=XXX,YYY", "`countries`"),
        ("/api/events/mix?actor=ZZZ", "`actor`"),
        ("/api/events?actor=ZZZ", "`actor`"),
        ("/api/events?source=IRNXXX", "`source`"),
        ("/api/dyads/POL/BLR?target=XXXGOV", "`target`"),
        ("/api/dyads/IRN/XXX", "`b`"),
    ] {
        let (status, error) = get_json(&server, path);
        let message = error["error"]["message"].as_str().unwrap();
        assert_eq!(
            (status, error["error"]["code"].as_str()),
            (400, Some("bad_request")),
            "{path}: {error}"
        );
        assert!(message.contains(names), "{path}: {message}");
        assert!(message.contains("components.schemas"), "{path}: {message}");
        assert!(message.len() < 400, "{path}: {message}");
    }
    // Known codes, in any case, still answer, with what the demo holds.
    for path in [
        "/api/articles?country=IRN",
        "/api/entities?country=pol",
        "/api/events?countries=POL,BLR",
        "/api/events?actor=POL",
        "/api/events?actor=polgov",
        "/api/events/mix?source=BLR",
        "/api/dyads/IGO/POL",
    ] {
        let (status, body) = get_json(&server, path);
        assert_eq!(status, 200, "{path}: {body}");
    }
    // A blank text filter is no filter, in the index as in the store.
    let (status, found) = get_json(&server, "/api/search?entity=Poland&source=%20");
    assert_eq!(status, 200, "{found}");
    assert!(found["total"].as_u64().unwrap() > 0, "{found}");
    // Years the index cannot hold are a range like any other, not a 400.
    let (status, found) = get_json(&server, "/api/search?entity=A&from=0000&to=0000");
    assert_eq!(status, 200, "{found}");
    let (status, error) = get_json(&server, "/api/search?entity=A&from=2026&to=2025");
    assert_eq!(status, 400, "{error}");
    assert!(error.to_string().contains("`from`"), "{error}");
    let (_, events) = get_json(&server, "/api/events?countries=pol,blr");
    assert!(events["total"].as_u64().unwrap() > 0, "{events}");
    let long = "x".repeat(5000);
    let (status, error) = get_json(&server, &format!("/api/entities/{long}"));
    assert_eq!(status, 400, "names over 200 characters are refused");
    assert!(error.to_string().len() < 600, "{error}");
    let name = "y".repeat(150);
    let (status, error) = get_json(&server, &format!("/api/entities/{name}"));
    assert_eq!(status, 404);
    assert!(error.to_string().len() < 300, "the echo is cut: {error}");
    let (status, error) = get_json(&server, &format!("/api/events?entity={}", "z".repeat(9000)));
    assert_eq!(
        (status, error["error"]["code"].as_str()),
        (414, Some("uri_too_long"))
    );
    let (status, page) = get(&server, "/no/such/page");
    assert_eq!(status, 404);
    assert!(page.contains("<html"), "pages answer with HTML");
}

#[test]
fn pages_render_for_the_demo() {
    let server = server();
    let (_, articles) = get_json(&server, "/api/articles?limit=1");
    let id = articles["items"][0]["id"].as_i64().unwrap();
    for path in [
        "/".to_string(),
        "/articles?country=POL".into(),
        format!("/article/{id}"),
        "/entities?kind=person".into(),
        "/events?quad_class=4".into(),
        "/dyad/POL/BLR".into(),
        "/network".into(),
        "/story/0".into(),
        "/network?level=actor".into(),
        "/search?q=ceasefire&country=KGZ".into(),
    ] {
        let (status, page) = get(&server, &path);
        assert_eq!(status, 200, "{path}: {page}");
        assert!(page.starts_with("<!DOCTYPE html>"), "{path}");
    }
    let (_, article) = get(&server, &format!("/article/{id}"));
    assert!(
        article.contains("class=\"tone\""),
        "the article page shows its tone"
    );
    let (_, dyad) = get(&server, "/dyad/POL/BLR");
    assert!(dyad.contains("<svg class=\"chart timeline\""), "{dyad}");
    assert!(dyad.contains("class=\"bar q"), "{dyad}");
    // An entity with events charts them as a story does.
    let (_, entity) = get(&server, "/entity/Tomasz%20Wierzbicki");
    assert!(entity.contains("Its events over time"), "{entity}");
    assert!(entity.contains("<svg class=\"chart timeline\""), "{entity}");
    // Events dated after the latest article (the demo's "next year") are
    // planned, listed apart, never the latest events.
    let (_, stats) = get_json(&server, "/api/stats");
    let last = &stats["last_published"].as_str().unwrap()[..10];
    let (_, future) = get_json(&server, &format!("/api/events?from={}", &last[..4]));
    let future: Vec<String> = future["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["date"].as_str())
        .filter(|d| &d[..d.len().min(10)] > last)
        .map(|d| d[..d.len().min(10)].to_string())
        .collect();
    let (_, home) = get(&server, "/");
    let latest = home
        .split("<h2>Latest events</h2>")
        .nth(1)
        .and_then(|rest| rest.split("</section>").next())
        .unwrap();
    assert!(latest.contains("<table class=\"events\">"), "{latest}");
    for date in &future {
        assert!(
            !latest.contains(date.as_str()),
            "{date} among the latest events"
        );
    }
    if !future.is_empty() {
        let planned = home
            .split("Planned: dated after the latest article")
            .nth(1)
            .unwrap();
        assert!(planned.contains(future[0].as_str()), "{planned}");
    }
}

#[test]
fn an_empty_data_directory_says_how_to_add_articles() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = chancery_server::Config::new(dir.path().join("not-yet"));
    config.addr = "127.0.0.1:0".parse().unwrap();
    let server = chancery_server::spawn(config).unwrap();
    let (status, page) = get(&server, "/");
    assert_eq!(status, 200);
    assert!(page.contains("chancery ingest"), "{page}");
    let (status, error) = get_json(&server, "/api/stats");
    assert_eq!(
        (status, error["error"]["code"].as_str()),
        (503, Some("no_corpus"))
    );
}

pub(crate) fn encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

#[test]
fn metrics_count_the_corpus_and_the_home_page_says_when_it_changed() {
    let server = server();
    let (status, text) = get(&server, "/metrics");
    assert_eq!(status, 200);
    let (_, stats) = get_json(&server, "/api/stats");
    let articles = stats["articles"].as_u64().unwrap();
    assert!(
        text.contains(&format!("\nchancery_articles {articles}\n")),
        "{text}"
    );
    // The fixture corpus was never watched: an empty queue, no failing host.
    assert!(
        text.contains("chancery_watch_queue{state=\"pending\"} 0\n"),
        "{text}"
    );
    assert!(!text.contains("chancery_watch_host_errors{"), "{text}");
    assert!(
        text.contains("chancery_last_ingest_timestamp_seconds "),
        "{text}"
    );
    let (status, home) = get(&server, "/");
    assert_eq!(status, 200);
    assert!(home.contains("last stored"), "{home}");
}
