//! Every route says no: random parameter values, judged against the
//! OpenAPI document the server serves (the web pages by the API routes
//! whose parameters they read). A value outside its documented schema
//! (a country or actor code that is not among the codes the document
//! lists included) must be a 400 naming a parameter; a request whose
//! values all fit must not be refused (200, or 404 for an id or name that
//! is not there); nothing is ever a 5xx.

use std::cell::Cell;

use proptest::prelude::*;
use proptest::test_runner::{Config as RunnerConfig, TestCaseError, TestRunner};
use regex::Regex;
use serde_json::Value;

use crate::api::encode;
use crate::{get, get_json, server};

/// A parameter of a route as the document states it.
#[derive(Debug, Clone)]
struct DocParam {
    name: String,
    in_path: bool,
    schema: Value,
}

/// A parameter's schema with a `$ref` to the document's own schemas read
/// (country and actor codes are stated once, under `components.schemas`).
fn resolve(spec: &Value, schema: &Value) -> Value {
    match schema["$ref"].as_str() {
        Some(reference) => {
            let name = reference
                .strip_prefix("#/components/schemas/")
                .unwrap_or_else(|| panic!("a $ref this test does not read: {reference}"));
            let target = &spec["components"]["schemas"][name];
            assert!(target.is_object(), "{reference} is not in the document");
            target.clone()
        }
        None => schema.clone(),
    }
}

/// A pattern compiled once: the code patterns list every code, so
/// compiling them for each value would dominate the test.
fn pattern_matches(pattern: &str, value: &str) -> bool {
    thread_local! {
        static COMPILED: std::cell::RefCell<std::collections::HashMap<String, Regex>> =
            Default::default();
    }
    COMPILED.with(|compiled| {
        compiled
            .borrow_mut()
            .entry(pattern.to_string())
            .or_insert_with(|| Regex::new(pattern).unwrap())
            .is_match(value)
    })
}

/// True when `value` fits `schema` (an empty query value counts as absent).
fn fits(schema: &Value, value: &str) -> bool {
    match schema["type"].as_str() {
        Some("integer") => {
            let digits = value.strip_prefix('-').unwrap_or(value);
            if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return false;
            }
            let Ok(n) = value.parse::<i64>() else {
                return false;
            };
            schema["minimum"].as_i64().is_none_or(|min| n >= min)
                && schema["maximum"].as_i64().is_none_or(|max| n <= max)
        }
        Some("boolean") => value == "true" || value == "false",
        Some("string") => {
            if let Some(words) = schema["enum"].as_array() {
                if !words.iter().any(|w| w == value) {
                    return false;
                }
            }
            if let Some(max) = schema["maxLength"].as_u64() {
                if value.chars().count() as u64 > max {
                    return false;
                }
            }
            if let Some(pattern) = schema["pattern"].as_str() {
                if !pattern_matches(pattern, value) {
                    return false;
                }
            }
            match schema["format"].as_str() {
                Some("date") => calendar_date(value),
                Some("bbox") => south_not_north_of_north(value),
                _ => true,
            }
        }
        other => panic!("a schema type this test does not know: {other:?}"),
    }
}

/// The rule of a bounding box (`west,south,east,north`) that already fits
/// the pattern that its pattern cannot state: its south is not north of its
/// north.
fn south_not_north_of_north(value: &str) -> bool {
    let numbers: Vec<f64> = value
        .split(',')
        .map(|p| p.trim().parse().unwrap())
        .collect();
    numbers[1] <= numbers[3]
}

/// The month and day of a `YYYY[-MM[-DD]]` that already fits the pattern
/// exist.
fn calendar_date(value: &str) -> bool {
    let parts: Vec<u32> = value.split('-').map(|p| p.parse().unwrap()).collect();
    let Some(&month) = parts.get(1) else {
        return true;
    };
    if !(1..=12).contains(&month) {
        return false;
    }
    let Some(&day) = parts.get(2) else {
        return true;
    };
    let year = parts[0];
    let days = match month {
        2 if year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400)) => {
            29
        }
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    (1..=days).contains(&day)
}

/// Values worth trying for a parameter: ones drawn from its own schema
/// (most fit, some not: `2026-13-45` matches the date pattern) and ones
/// that are wrong in the ways clients are wrong.
fn values(param: &DocParam, known: &[String]) -> BoxedStrategy<String> {
    let schema = &param.schema;
    let mut fitting: Vec<BoxedStrategy<String>> = Vec::new();
    if let Some(words) = schema["enum"].as_array() {
        let words: Vec<String> = words
            .iter()
            .map(|w| w.as_str().unwrap().to_string())
            .collect();
        fitting.push(proptest::sample::select(words).boxed());
    }
    if let Some(pattern) = schema["pattern"].as_str() {
        // The generator takes the pattern without its anchors.
        let bare = pattern.trim_start_matches('^').trim_end_matches('$');
        fitting.push(proptest::string::string_regex(bare).unwrap().boxed());
    }
    if schema["type"] == "integer" {
        let min = schema["minimum"].as_i64().unwrap_or(-10);
        let max = schema["maximum"].as_i64().unwrap_or(1_000);
        fitting.push(
            (min.saturating_sub(2)..=max.saturating_add(2).min(i64::MAX - 1))
                .prop_map(|n| n.to_string())
                .boxed(),
        );
        fitting.push(
            (min..=max.min(min + 60))
                .prop_map(|n| n.to_string())
                .boxed(),
        );
    }
    if schema["type"] == "boolean" {
        fitting.push(
            proptest::sample::select(vec!["true", "false", "1", "yes", "TRUE"])
                .prop_map(String::from)
                .boxed(),
        );
    }
    if schema["type"] == "string" && schema["pattern"].is_null() && schema["enum"].is_null() {
        fitting.push("[A-Za-z ]{1,12}".boxed());
    }
    if !known.is_empty() {
        fitting.push(proptest::sample::select(known.to_vec()).boxed());
    }
    let wrong = prop_oneof![
        Just("notadate".to_string()),
        Just("2026-13-45".to_string()),
        Just("maybe".to_string()),
        Just("99".to_string()),
        Just("-1".to_string()),
        Just("0".to_string()),
        Just("100000".to_string()),
        Just("99999999999999999999".to_string()),
        Just("XXX".to_string()),
        Just("ZZZ".to_string()),
        Just("XXXGOV".to_string()),
        Just("IRNXXX".to_string()),
        Just("IRN,XXX".to_string()),
        Just("IRN,RUS".to_string()),
        Just("x".repeat(600)),
        "\\PC{0,8}",
        "[0-9]{1,6}",
    ];
    let fitting = proptest::strategy::Union::new(fitting);
    prop_oneof![3 => fitting, 2 => wrong].boxed()
}

/// Each web page, the API route whose parameters it reads, and whether it
/// reads its query parameters too (false: its path only).
const PAGES: &[(&str, &str, bool)] = &[
    ("/", "/api/stats", true),
    ("/articles", "/api/articles", true),
    ("/article/{id}", "/api/articles/{id}", true),
    ("/story/{story}", "/api/stories/{story}", false),
    ("/entities", "/api/entities", true),
    ("/entity/{name}", "/api/entities/{name}", false),
    ("/events", "/api/events", true),
    ("/dyad/{a}/{b}", "/api/dyads/{a}/{b}", true),
    ("/network", "/api/network", true),
    ("/search", "/api/search", true),
];

/// The message of an error page (its first paragraph), with its HTML
/// entities read back; empty when the page is not an error page.
fn page_message(body: &str) -> String {
    let message = body
        .split_once("<section class=\"card error\">")
        .and_then(|(_, card)| card.split_once("<p>"))
        .and_then(|(_, rest)| rest.split_once("</p>"))
        .map_or("", |(message, _)| message);
    message
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// One request: the route, its path values and query pairs.
#[derive(Debug, Clone)]
struct Request {
    route: usize,
    path: Vec<(String, String)>,
    query: Vec<(String, String)>,
}

#[test]
fn random_parameters_are_refused_or_fit_their_schema() {
    let server = server();
    let (_, spec) = get_json(&server, "/api/openapi.json");
    // Values of one field of a listing's items, as a client would send them.
    let listed = |path: &str, field: &str| -> Vec<String> {
        let (_, list) = get_json(&server, path);
        list["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|item| match &item[field] {
                Value::String(text) => text.clone(),
                other => other.to_string(),
            })
            .collect()
    };
    let ids = listed("/api/articles?limit=5", "id");
    let story_ids = listed("/api/stories", "id");
    assert!(story_ids.contains(&"0".to_string()), "{story_ids:?}");
    let names = listed("/api/entities?limit=5", "name");
    let mut routes: Vec<(String, Vec<DocParam>)> = Vec::new();
    for (path, item) in spec["paths"].as_object().unwrap() {
        let Some(operation) = item.get("get") else {
            continue;
        };
        let params = operation["parameters"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|p| DocParam {
                name: p["name"].as_str().unwrap().to_string(),
                in_path: p["in"] == "path",
                schema: resolve(&spec, &p["schema"]),
            })
            .collect();
        routes.push((path.clone(), params));
    }
    assert!(routes.len() >= 17, "{}", routes.len());
    // The web pages read the same parameters as the API routes they show,
    // so they are judged by the same document; a page that shows one thing
    // takes no query parameters at all.
    for (page, route, with_query) in PAGES {
        let (_, params) = routes
            .iter()
            .find(|(path, _)| path == route)
            .unwrap_or_else(|| panic!("{route} is not in the OpenAPI document"));
        // `format` (JSON or GeoJSON) is the API's alone: a page is HTML.
        let params = params
            .iter()
            .filter(|p| (*with_query && p.name != "format") || p.in_path)
            .cloned()
            .collect();
        routes.push((page.to_string(), params));
    }

    let route_strategy = (0..routes.len()).prop_flat_map(|route| {
        let (_, params) = &routes[route];
        let known = |p: &DocParam| -> Vec<String> {
            match p.name.as_str() {
                "id" | "article" => ids.clone(),
                "story" => story_ids.clone(),
                "name" | "entity" | "speaker" => names.clone(),
                "a" | "b" | "country" => vec!["IRN".into(), "RUS".into(), "POL".into()],
                "countries" => vec!["IRN,RUS".into(), "POL,BLR".into(), "igo,irn".into()],
                "actor" | "source" | "target" => {
                    vec!["IRN".into(), "POLGOV".into(), "IGOUNO".into(), "REB".into()]
                }
                _ => Vec::new(),
            }
        };
        let path: Vec<BoxedStrategy<(String, String)>> = params
            .iter()
            .filter(|p| p.in_path)
            .map(|p| {
                let name = p.name.clone();
                values(p, &known(p))
                    .prop_filter("a path segment is never empty", |v| !v.is_empty())
                    .prop_map(move |v| (name.clone(), v))
                    .boxed()
            })
            .collect();
        let mut query_params: Vec<BoxedStrategy<(String, String)>> = params
            .iter()
            .filter(|p| !p.in_path)
            .map(|p| {
                let name = p.name.clone();
                values(p, &known(p))
                    .prop_map(move |v| (name.clone(), v))
                    .boxed()
            })
            .collect();
        // A parameter no route takes, sometimes.
        query_params.push(
            proptest::sample::select(vec!["colour", "lmit", "page", "q", "limit"])
                .prop_map(|n| (n.to_string(), "1".to_string()))
                .boxed(),
        );
        let query = proptest::sample::subsequence(
            (0..query_params.len()).collect::<Vec<_>>(),
            0..=query_params.len().min(4),
        );
        query.prop_flat_map(move |picked| {
            let chosen: Vec<BoxedStrategy<(String, String)>> =
                picked.iter().map(|&i| query_params[i].clone()).collect();
            (path.clone(), chosen).prop_map(move |(path, query)| Request { route, path, query })
        })
    });

    let mut runner = TestRunner::new(RunnerConfig {
        cases: 1000,
        failure_persistence: None,
        ..RunnerConfig::default()
    });
    let seen: [Cell<usize>; 3] = Default::default();
    runner
        .run(&route_strategy, |request| {
            let (template, params) = &routes[request.route];
            let mut url = template.clone();
            let mut refused: Vec<&str> = Vec::new();
            for (name, value) in &request.path {
                url = url.replace(&format!("{{{name}}}"), &encode(value));
                let param = params.iter().find(|p| &p.name == name).unwrap();
                if !fits(&param.schema, value) {
                    refused.push(name);
                }
            }
            let mut given: Vec<&str> = Vec::new();
            let pairs: Vec<String> = request
                .query
                .iter()
                .map(|(name, value)| {
                    let param = params.iter().find(|p| &p.name == name && !p.in_path);
                    let fine = match param {
                        _ if given.contains(&name.as_str()) => false,
                        Some(_) if value.is_empty() => true,
                        Some(param) => fits(&param.schema, value),
                        None => false,
                    };
                    given.push(name);
                    if !fine {
                        refused.push(name);
                    }
                    format!("{}={}", encode(name), encode(value))
                })
                .collect();
            // The rules between parameters the document states: a `from`
            // whose first day is after the last day of `to`…
            let fitting = |name: &str| {
                request
                    .query
                    .iter()
                    .find(|(n, v)| n == name && !v.is_empty() && !refused.contains(&name))
                    .map(|(_, v)| v.as_str())
            };
            let dates = (fitting("from"), fitting("to"));
            // …and that a map of events draws located ones only.
            let unlocated_map =
                fitting("format") == Some("geojson") && fitting("located") == Some("false");
            if let (Some(from), Some(to)) = dates {
                let n = from.len().min(to.len());
                if from[..n] > to[..n] {
                    refused.push("from");
                }
            }
            if unlocated_map {
                refused.push("located");
            }
            if !pairs.is_empty() {
                url = format!("{url}?{}", pairs.join("&"));
            }
            let (status, body) = get(&server, &url);
            prop_assert!(status < 500, "{url}: {status} {body}");
            // A search query has a grammar beyond its schema: one the
            // parser cannot read ("-1" only excludes) is refused on its own.
            let page = !template.starts_with("/api/");
            let unreadable_query = (template == "/api/search" || template == "/search")
                && status == 400
                && body.contains("cannot read the query");
            if refused.is_empty() && !unreadable_query {
                let may_be_missing = !request.path.is_empty();
                prop_assert!(
                    status == 200 || (status == 404 && may_be_missing),
                    "{url}: every value fits its schema, yet {status} {body}"
                );
                let outcome = &seen[usize::from(status == 404)];
                outcome.set(outcome.get() + 1);
            } else if !unreadable_query {
                prop_assert_eq!(
                    status,
                    400,
                    "{} has {:?} outside their schemas: {}",
                    url,
                    refused,
                    body
                );
                let message = if page {
                    page_message(&body)
                } else {
                    let error: Value = serde_json::from_str(&body)
                        .map_err(|e| TestCaseError::fail(format!("{url}: {e}: {body}")))?;
                    prop_assert_eq!(&error["error"]["code"], "bad_request");
                    error["error"]["message"]
                        .as_str()
                        .unwrap_or_default()
                        .to_string()
                };
                prop_assert!(
                    refused
                        .iter()
                        .any(|name| message.contains(&format!("`{name}`"))
                            || message.contains(&format!("{name:?}"))),
                    "{}: the message names none of {:?}: {}",
                    url,
                    refused,
                    message
                );
                prop_assert!(
                    page || message.len() < 600,
                    "{url}: the message is {} bytes",
                    message.len()
                );
                seen[2].set(seen[2].get() + 1);
            }
            Ok(())
        })
        .unwrap();
    // The generator reaches all three outcomes, so the test can fail.
    let seen: Vec<usize> = seen.iter().map(Cell::get).collect();
    assert!(seen.iter().all(|&n| n > 20), "200, 404, 400: {seen:?}");
}
