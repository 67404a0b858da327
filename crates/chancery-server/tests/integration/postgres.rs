//! The same corpus served from a data directory and from PostgreSQL
//! (`CHANCERY_TEST_POSTGRES`; skipped without it): every route family of
//! the API answers with the same JSON, and the pages with the same HTML.

use chancery_server::{Config, Running};
use chancery_store::testing::TestDb;
use chancery_store::{Document, PgStore, PgStories, Queries, StoryWriter};
use serde_json::Value;

use crate::{corpus, get, get_json, server};

/// The shared corpus copied into a fresh database, article by article in
/// id order (so ids are the same), with the same stories; and a server over
/// it with its own search index.
struct PgCorpus {
    // Dropped after the server (fields drop in order).
    server: Running,
    _index: tempfile::TempDir,
    _db: TestDb,
}

fn pg_corpus(test: &str) -> Option<PgCorpus> {
    let db = TestDb::new(test)?;
    let queries = Queries::open(corpus()).unwrap();
    let stored = queries.overview().unwrap().articles as i64;
    let mut documents = Vec::new();
    let mut stories = Vec::new();
    for id in 1..=stored {
        let article = queries
            .article(id)
            .unwrap()
            .expect("ids run from 1 without gaps");
        if let Some(story) = article.summary.story {
            stories.push((id, story));
        }
        documents.push(Document::new(article.analysis).unwrap());
    }
    let mut store = PgStore::open(&db.url).unwrap();
    let outcomes = store.write(&documents).unwrap();
    for (id, outcome) in (1..).zip(&outcomes) {
        assert!(
            matches!(outcome, chancery_store::Outcome::Stored { article, .. } if *article == id),
            "article {id}: {outcome:?}"
        );
    }
    PgStories::open(&db.url)
        .unwrap()
        .save_stories(&stories, None)
        .unwrap();
    let index = tempfile::tempdir().unwrap();
    let mut config = Config::new(&db.url);
    config.index = Some(index.path().to_path_buf());
    config.addr = "127.0.0.1:0".parse().unwrap();
    config.rate_limit = None;
    Some(PgCorpus {
        server: chancery_server::spawn(config).unwrap(),
        _index: index,
        _db: db,
    })
}

/// The JSON without what differs by nature between two stores holding
/// the same articles: when each stored them.
fn comparable(mut value: Value) -> Value {
    fn strip(value: &mut Value) {
        match value {
            Value::Object(map) => {
                map.remove("ingested_at");
                map.remove("last_ingested");
                map.values_mut().for_each(strip);
            }
            Value::Array(items) => items.iter_mut().for_each(strip),
            _ => {}
        }
    }
    strip(&mut value);
    value
}

/// Asserts that both servers answer every path with the same status (found
/// or not found) and JSON.
fn same_json(sqlite: &Running, postgres: &Running, paths: &[String]) {
    for path in paths {
        let (status, expected) = get_json(sqlite, path);
        let (pg_status, found) = get_json(postgres, path);
        assert_eq!(pg_status, status, "{path}");
        assert!(matches!(status, 200 | 404), "{path}: {status}");
        assert_eq!(comparable(found), comparable(expected), "{path}");
    }
}

/// Asserts that both servers answer every page with the same HTML.
fn same_pages(sqlite: &Running, postgres: &Running, paths: &[String]) {
    // When each store last stored an article differs by nature.
    let stored =
        regex::Regex::new(r#"<time datetime="[^"]*">[^<]*(</time></strong><span>last stored)"#)
            .unwrap();
    for path in paths {
        let (status, expected) = get(sqlite, path);
        let (pg_status, found) = get(postgres, path);
        assert_eq!((pg_status, status), (status, 200), "{path}");
        let expected = stored.replace_all(&expected, "$1").into_owned();
        let found = stored.replace_all(&found, "$1").into_owned();
        let at = found
            .bytes()
            .zip(expected.bytes())
            .position(|(a, b)| a != b)
            .unwrap_or(found.len().min(expected.len()));
        let around = |page: &str| {
            let start = page.floor_char_boundary(at.saturating_sub(80));
            page[start..page.ceil_char_boundary((at + 80).min(page.len()))].to_string()
        };
        assert!(
            found == expected,
            "{path}: the pages differ at byte {at}: PostgreSQL {:?}, data directory {:?}",
            around(&found),
            around(&expected)
        );
    }
}

fn first<'a>(value: &'a Value, list: &str, field: &str) -> &'a Value {
    &value[list][0][field]
}

/// Serves the corpus from PostgreSQL (unless `test` is skipped) and
/// compares the API routes `api` and the pages `pages` with the data
/// directory's.
fn compare(test: &str, api: &[String], pages: &[String]) {
    let Some(pg) = pg_corpus(test) else {
        return;
    };
    let sqlite = server();
    same_json(&sqlite, &pg.server, api);
    same_pages(&sqlite, &pg.server, pages);
}

fn strings(paths: &[&str]) -> Vec<String> {
    paths.iter().map(|p| p.to_string()).collect()
}

#[test]
fn articles_and_the_home_page_are_the_same_from_postgres() {
    let (_, list) = get_json(&server(), "/api/articles?limit=5");
    let id = first(&list, "items", "id").as_i64().unwrap();
    let mut api = strings(&[
        "/api/stats",
        "/api/articles",
        "/api/articles?limit=7&offset=3&include_duplicates=true",
        "/api/articles?country=IRN&from=2026-01-01",
        "/api/articles/999999",
        "/api/articles/999999/similar",
    ]);
    api.extend([
        format!("/api/articles/{id}"),
        format!("/api/articles/{id}/similar"),
    ]);
    let mut pages = strings(&["/", "/articles"]);
    pages.push(format!("/article/{id}"));
    compare("articles_and_the_home_page", &api, &pages);
}

#[test]
fn entities_are_the_same_from_postgres() {
    let (_, list) = get_json(&server(), "/api/entities?limit=3");
    let name = first(&list, "items", "name")
        .as_str()
        .unwrap()
        .replace(' ', "%20");
    let mut api = strings(&[
        "/api/entities",
        "/api/entities?kind=person&limit=20",
        "/api/entities?q=ir&offset=2",
        "/api/quotes",
    ]);
    api.extend([
        format!("/api/entities/{name}"),
        format!("/api/entities/{name}/cooccurring"),
        format!("/api/quotes?speaker={name}"),
    ]);
    compare(
        "entities",
        &api,
        &["/entities".into(), format!("/entity/{name}")],
    );
}

#[test]
fn stories_are_the_same_from_postgres() {
    let mut api = strings(&["/api/stories", "/api/stories?limit=2&offset=1"]);
    api.extend((0..6).map(|story| format!("/api/stories/{story}")));
    let pages: Vec<String> = (0..6).map(|story| format!("/story/{story}")).collect();
    compare("stories", &api, &pages);
}

#[test]
fn events_and_dyads_are_the_same_from_postgres() {
    let api = strings(&[
        "/api/events",
        "/api/events?countries=POL,BLR&limit=500",
        "/api/events?quad_class=4&modality=asserted&from=2026-09-01&to=2026-09-30",
        "/api/events?actor=IRN&story=0",
        "/api/events/mix",
        "/api/dyads/POL/BLR",
        "/api/dyads/IRN/RUS",
        "/api/actors",
        "/api/network?limit=200",
    ]);
    compare(
        "events_and_dyads",
        &api,
        &strings(&["/events", "/dyad/POL/BLR", "/network"]),
    );
}

#[test]
fn places_are_the_same_from_postgres() {
    let api = strings(&[
        "/api/places",
        "/api/places?q=mo",
        "/api/places?bbox=10,40,60,60&limit=5",
        "/api/events?located=true&bbox=-180,-90,180,90",
        "/api/events?country=UKR",
    ]);
    compare("places", &api, &[]);
}

#[test]
fn search_is_the_same_from_postgres() {
    let api = strings(&[
        "/api/search?q=ceasefire%20border",
        "/api/search?q=%22border%20guards%22%20clashes",
        "/api/search?q=ceasefire%20border&country=POL",
        "/api/search?q=border&limit=1&offset=2",
        "/api/search",
    ]);
    compare("search", &api, &strings(&["/search?q=border"]));
}

#[test]
fn an_empty_database_is_served_and_ingest_over_postgres_is_not_implemented() {
    let Some(db) = TestDb::new("an_empty_database_is_served") else {
        return;
    };
    let index = tempfile::tempdir().unwrap();
    let mut config = Config::new(&db.url);
    config.index = Some(index.path().to_path_buf());
    config.addr = "127.0.0.1:0".parse().unwrap();
    config.rate_limit = None;
    config.token = Some("a-token-long-enough-to-be-secret".into());
    let server = chancery_server::spawn(config).unwrap();
    let (status, stats) = get_json(&server, "/api/stats");
    assert_eq!(
        (status, &stats["articles"]),
        (200, &Value::from(0)),
        "{stats}"
    );
    assert_eq!(get(&server, "/").0, 200);
    assert_eq!(get_json(&server, "/api/search?q=border").0, 200);
    let (status, refused) = crate::post(
        &server,
        "/api/ingest",
        &[("Authorization", "Bearer a-token-long-enough-to-be-secret")],
        r#"{"id": "a", "text": "The council met on Monday."}"#,
    );
    assert_eq!(status, 501, "{refused}");
    assert_eq!(refused["error"]["code"], "not_in_postgres", "{refused}");
    let message = refused["error"]["message"].as_str().unwrap();
    assert!(message.contains("--data DIR"), "{message}");
}
