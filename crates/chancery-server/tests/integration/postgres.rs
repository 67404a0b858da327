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

const TOKEN: &str = "a-token-long-enough-to-be-secret";

/// A server over `data` that takes ingests with [`TOKEN`] (bodies up to
/// 64 KiB), with its search index in `index` (for PostgreSQL).
fn ingesting_server(data: &std::path::Path, index: &std::path::Path) -> Running {
    let mut config = Config::new(data);
    config.index = Some(index.to_path_buf());
    config.addr = "127.0.0.1:0".parse().unwrap();
    config.rate_limit = None;
    config.token = Some(TOKEN.into());
    config.max_ingest_bytes = 64 << 10;
    chancery_server::spawn(config).unwrap()
}

#[test]
fn an_empty_database_is_served() {
    let Some(db) = TestDb::new("an_empty_database_is_served") else {
        return;
    };
    let index = tempfile::tempdir().unwrap();
    let server = ingesting_server(std::path::Path::new(&db.url), index.path());
    let (status, stats) = get_json(&server, "/api/stats");
    assert_eq!(
        (status, &stats["articles"]),
        (200, &Value::from(0)),
        "{stats}"
    );
    assert_eq!(get(&server, "/").0, 200);
    assert_eq!(get_json(&server, "/api/search?q=border").0, 200);
}

/// `POST /api/ingest` over PostgreSQL answers what it answers over a data
/// directory (the same report line by line, the same errors), the
/// articles get their stories, and every server's search finds them.
#[test]
fn ingest_over_postgres_answers_as_over_a_data_directory() {
    let Some(db) = TestDb::new("ingest_over_postgres") else {
        return;
    };
    let [dir, sqlite_index, index, other_index] = [(); 4].map(|_| tempfile::tempdir().unwrap());
    let sqlite = ingesting_server(dir.path(), sqlite_index.path());
    let postgres = ingesting_server(std::path::Path::new(&db.url), index.path());
    let story = "Iran and Russia held talks in Moscow on Monday about the border crossing, \
                 officials said. The envoys agreed to meet again in Tehran next month to \
                 discuss trade, grain shipments and the reopening of the rail link.";
    let body = [
        format!(r#"{{"id": "p-1", "title": "Envoys meet", "published": "2026-09-02", "url": "https://news.example/envoys", "text": "{story}"}}"#),
        format!(r#"{{"id": "p-2", "title": "Envoys meet", "published": "2026-09-02", "url": "https://wire.example/envoys", "text": "{story} Copyright Wire."}}"#),
        String::new(),
        r#"{"id": "p-3", "text": ""}"#.to_string(),
        "not json".to_string(),
        r#"{"id": "p-1", "text": "Another article under an id already used by the first line."}"#
            .to_string(),
        r#"{"id": "p-4", "title": "Floods", "text": "Heavy rain flooded the river valley on Tuesday and the army evacuated three villages near the dam."}"#.to_string(),
    ]
    .join("\n");
    let right = [("authorization", "Bearer a-token-long-enough-to-be-secret")];
    let (status, from_sqlite) = crate::post(&sqlite, "/api/ingest", &right, &body);
    assert_eq!(status, 200, "{from_sqlite}");
    let (status, from_postgres) = crate::post(&postgres, "/api/ingest", &right, &body);
    assert_eq!(status, 200, "{from_postgres}");
    assert_eq!(from_postgres, from_sqlite);
    assert_eq!(
        (
            &from_postgres["stored"],
            &from_postgres["near_duplicates"],
            &from_postgres["failed"]
        ),
        (&Value::from(3), &Value::from(1), &Value::from(3)),
        "{from_postgres}"
    );
    // Posted again: every article is a duplicate, on both.
    let (_, again_sqlite) = crate::post(&sqlite, "/api/ingest", &right, &body);
    let (status, again) = crate::post(&postgres, "/api/ingest", &right, &body);
    assert_eq!((status, &again), (200, &again_sqlite));
    assert_eq!(again["duplicates"], 3, "{again}");

    // The same refusals as over a data directory.
    let (status, error) = crate::post(&postgres, "/api/ingest", &[], &body);
    assert_eq!(
        (status, error["error"]["code"].as_str()),
        (401, Some("unauthorized"))
    );
    let large = format!(r#"{{"text": "{}"}}"#, "word ".repeat(20_000));
    let (status, error) = crate::post(&postgres, "/api/ingest", &right, &large);
    assert_eq!(
        (status, error["error"]["code"].as_str()),
        (413, Some("payload_too_large"))
    );

    // The articles have their stories (the server clustered them: no
    // process held the election), the copy its original's.
    let mut client = db.client();
    let stories: Vec<(i64, Option<i64>)> = client
        .query("SELECT id, story FROM chancery.articles ORDER BY id", &[])
        .unwrap()
        .iter()
        .map(|row| (row.get(0), row.get(1)))
        .collect();
    assert_eq!(stories.len(), 3, "{stories:?}");
    assert!(
        stories.iter().all(|(_, story)| story.is_some()),
        "{stories:?}"
    );
    assert_eq!(stories[0].1, stories[1].1, "{stories:?}");
    let (status, listed) = get_json(&postgres, "/api/stories");
    assert_eq!(status, 200, "{listed}");
    let (_, listed_sqlite) = get_json(&sqlite, "/api/stats");
    let (_, stats) = get_json(&postgres, "/api/stats");
    assert_eq!(stats["articles"], listed_sqlite["articles"], "{stats}");

    // This server's search and a server started later over the same
    // database find the new articles (each index catches up by id).
    let later = ingesting_server(std::path::Path::new(&db.url), other_index.path());
    for server in [&postgres, &later] {
        let (status, found) = get_json(server, "/api/search?q=Moscow");
        assert_eq!((status, &found["total"]), (200, &Value::from(1)), "{found}");
        let (_, found) = get_json(server, "/api/search?q=villages");
        assert_eq!(found["total"], 1, "{found}");
    }
}
