//! `chancery ingest` and `chancery export` with the store in PostgreSQL
//! (`--data postgres://…` or `CHANCERY_DATABASE_URL`), against a real
//! cluster (`CHANCERY_TEST_POSTGRES`; skipped with a note without it): the
//! same input gives the same exports as from a data directory.

use chancery_queue::testing::TestDb;

use crate::ingest::corpus;
use crate::{chancery, run, TempDir};

#[test]
fn ingest_and_export_through_postgres_match_a_data_directory() {
    const DOCS: usize = 60;
    let Some(db) = TestDb::new("ingest_and_export_through_postgres") else {
        return;
    };
    let dir = TempDir::new("pgstore");
    let file = corpus(&dir, DOCS);
    let file = file.to_str().unwrap();
    let data = dir.path().join("data");
    let data = data.to_str().unwrap();

    let out = run(["ingest", "--quiet", "--data", data, file]);
    assert_eq!(out.code(), 0, "{}", out.stderr);
    let out = run(["ingest", "--quiet", "--data", &db.url, file]);
    assert_eq!(out.code(), 0, "{}", out.stderr);
    assert!(
        out.stderr.contains(&format!("{DOCS} new articles")),
        "{}",
        out.stderr
    );
    // A rerun stores nothing twice.
    let out = run(["ingest", "--quiet", "--data", &db.url, file]);
    assert_eq!(out.code(), 0, "{}", out.stderr);
    assert!(out.stderr.contains("0 new articles"), "{}", out.stderr);
    assert!(
        out.stderr.contains(&format!(
            "duplicates:      {DOCS} ({DOCS} already in the store)"
        )),
        "{}",
        out.stderr
    );

    let from_directory = run(["export", "--quiet", "--format", "jsonl", "--data", data]);
    assert_eq!(from_directory.code(), 0, "{}", from_directory.stderr);
    assert_eq!(from_directory.stdout.lines().count(), DOCS);
    // The database named by CHANCERY_DATABASE_URL when --data is not given.
    let from_postgres = chancery()
        .args(["export", "--quiet", "--format", "jsonl"])
        .env_remove("CHANCERY_DATA")
        .env("CHANCERY_DATABASE_URL", &db.url)
        .output()
        .unwrap();
    assert!(
        from_postgres.status.success(),
        "{}",
        String::from_utf8_lossy(&from_postgres.stderr)
    );
    assert!(
        String::from_utf8_lossy(&from_postgres.stdout) == from_directory.stdout,
        "the PostgreSQL export differs from the data directory's"
    );
    // The formats that walk events and articles alike (GKG and CSV carry
    // the storing time, which differs).
    for format in ["plover", "gdelt-events", "gdelt-mentions"] {
        let exports: Vec<String> = [data, db.url.as_str()]
            .into_iter()
            .map(|from| {
                let out = run(["export", "--quiet", "--format", format, "--data", from]);
                assert_eq!(out.code(), 0, "{format} from {from}: {}", out.stderr);
                out.stdout
            })
            .collect();
        assert!(!exports[0].is_empty(), "{format}");
        assert!(
            exports[0] == exports[1],
            "{format} differs between the backends"
        );
    }
}

#[test]
fn commands_that_read_a_data_directory_refuse_a_postgres_url() {
    let dir = TempDir::new("pgrefuse");
    let url = "postgres://chancery:secret@127.0.0.1:1/news";
    let out = chancery()
        .args(["verify", "--data", url])
        .current_dir(dir.path())
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{stderr}");
    assert!(stderr.contains("--data DIR"), "{stderr}");
    assert!(!stderr.contains("secret"), "{stderr}");
    assert!(
        !dir.path().join("postgres:").exists(),
        "a URL was taken for a directory"
    );
}

/// The stories test corpus (a few made-up stories with copies) and 100
/// unrelated articles, in two files (two ingest runs).
fn story_corpus(dir: &TempDir) -> (std::path::PathBuf, std::path::PathBuf) {
    let mut lines = crate::stories::corpus_lines();
    let others = std::fs::read_to_string(corpus(dir, 100)).unwrap();
    lines.extend(others.lines().map(|line| format!("{line}\n")));
    let (head, tail) = lines.split_at(lines.len() / 2);
    (
        dir.write("head.jsonl", head.concat()),
        dir.write("tail.jsonl", tail.concat()),
    )
}

/// The `story_state` and `story_clusters` rows and every article's story.
type Saved = (
    Vec<(String, Vec<u8>)>,
    Vec<(i64, Vec<u8>)>,
    Vec<(i64, Option<i64>)>,
);

fn saved(client: &mut postgres::Client) -> Saved {
    let mut rows = |sql: &str| client.query(sql, &[]).unwrap();
    (
        rows("SELECT name, value FROM chancery.story_state")
            .iter()
            .map(|r| (r.get(0), r.get(1)))
            .collect(),
        rows("SELECT story, state FROM chancery.story_clusters")
            .iter()
            .map(|r| (r.get(0), r.get(1)))
            .collect(),
        rows("SELECT id, story FROM chancery.articles")
            .iter()
            .map(|r| (r.get(0), r.get(1)))
            .collect(),
    )
}

/// Stories kept in PostgreSQL equal a data directory's for the same input
/// in the same order with the same settle passes (one at the end of each
/// clusterer's run, as at the end of each ingest): two ingests; two
/// ingests while another process held the election (nothing clustered,
/// then `chancery stories` catches up at once, as one run over everything
/// would); a clusterer killed between a batch and its stories (the saved
/// state of before put back), caught up, not replayed; and a version 1
/// store upgraded, its stories rebuilt at once.
#[test]
fn stories_through_postgres_equal_a_data_directory_and_resume_after_a_kill() {
    let Some(whole) = TestDb::new("stories_through_postgres") else {
        return;
    };
    let dir = TempDir::new("pgstories");
    let (head, tail) = story_corpus(&dir);
    let data = dir.path().join("data");
    crate::stories::ingest(&data, &head);
    crate::stories::ingest(&data, &tail);
    let expected = crate::stories::stories_of(&data);
    assert_eq!(expected.len(), 112);
    assert!(expected.iter().all(|(_, s)| s.is_some()), "{expected:?}");
    // The same articles in one run: the same additions, one settle pass at
    // the end (rather than one after each half).
    let one_run = dir.path().join("one-run");
    let all = dir.write(
        "all.jsonl",
        std::fs::read_to_string(&head).unwrap() + &std::fs::read_to_string(&tail).unwrap(),
    );
    crate::stories::ingest(&one_run, &all);
    let expected_one_run = crate::stories::stories_of(&one_run);

    let url = std::path::Path::new(&whole.url);
    crate::stories::ingest(url, &head);
    crate::stories::ingest(url, &tail);
    assert_eq!(crate::stories::stories_of(url), expected, "one clusterer");
    // A command's output, which must succeed.
    let stdout_of = |args: Vec<&str>| {
        let out = run(args);
        assert_eq!(out.code(), 0, "{}", out.stderr);
        out.stdout
    };
    let tables: Vec<String> = [data.to_str().unwrap(), whole.url.as_str()]
        .into_iter()
        .map(|from| stdout_of(vec!["stories", "--data", from, "--limit", "10"]))
        .collect();
    assert_eq!(tables[0], tables[1], "the same table from either backend");
    // The actor registry too.
    let people: Vec<String> = [data.to_str().unwrap(), whole.url.as_str()]
        .into_iter()
        .map(|from| stdout_of(vec!["entities", "--data", from, "--format", "json"]))
        .collect();
    assert!(!people[0].is_empty());
    assert_eq!(people[0], people[1], "the same people from either backend");
    // Search: the PostgreSQL store's index derived into a directory of its
    // own (`--index`), the same hits as the data directory's.
    let index = dir.path().join("pg-index");
    let searches: Vec<String> = [
        vec!["search", "earthquake", "--data", data.to_str().unwrap()],
        vec![
            "search",
            "earthquake",
            "--data",
            &whole.url,
            "--index",
            index.to_str().unwrap(),
        ],
    ]
    .into_iter()
    .map(|mut args| {
        args.extend(["--format", "json"]);
        stdout_of(args)
    })
    .collect();
    assert!(searches[0].contains("Valdor"), "{}", searches[0]);
    assert_eq!(
        searches[0], searches[1],
        "the same hits from either backend"
    );
    assert!(
        index.join("meta.json").is_file(),
        "the index is where it was told"
    );

    // Another process holds the election: the ingests store articles only.
    let held = TestDb::new("stories_while_another_clusters").unwrap();
    let mut other = held.client();
    other
        .execute(
            "SELECT pg_advisory_lock($1)",
            &[&chancery_queue::testing::CLUSTERER_LOCK],
        )
        .unwrap();
    let held_url = std::path::Path::new(&held.url);
    crate::stories::ingest(held_url, &head);
    crate::stories::ingest(held_url, &tail);
    let out = run(["stories", "--data", &held.url, "--format", "jsonl"]);
    assert!(out.stderr.contains("another process"), "{}", out.stderr);
    assert!(out.json_lines().iter().all(|l| l["story"].is_null()));
    // It lets go (a killed clusterer's session ending does the same, a
    // moment later: the server notices the closed connection).
    other
        .execute(
            "SELECT pg_advisory_unlock($1)",
            &[&chancery_queue::testing::CLUSTERER_LOCK],
        )
        .unwrap();
    // Caught up at once: what one run over everything gives.
    assert_eq!(
        crate::stories::stories_of(held_url),
        expected_one_run,
        "caught up"
    );

    // Killed between the tail's articles and their stories.
    let killed = TestDb::new("stories_after_a_kill").unwrap();
    let killed_url = std::path::Path::new(&killed.url);
    crate::stories::ingest(killed_url, &head);
    let mut client = killed.client();
    let before = saved(&mut client);
    crate::stories::ingest(killed_url, &tail);
    let mut tx = client.transaction().unwrap();
    tx.batch_execute(
        "DELETE FROM chancery.story_state; DELETE FROM chancery.story_clusters; \
         UPDATE chancery.articles SET story = NULL",
    )
    .unwrap();
    for (name, value) in &before.0 {
        tx.execute(
            "INSERT INTO chancery.story_state (name, value) VALUES ($1, $2)",
            &[name, value],
        )
        .unwrap();
    }
    for (story, state) in &before.1 {
        tx.execute(
            "INSERT INTO chancery.story_clusters (story, state) VALUES ($1, $2)",
            &[story, state],
        )
        .unwrap();
    }
    for (id, story) in &before.2 {
        tx.execute(
            "UPDATE chancery.articles SET story = $1 WHERE id = $2",
            &[story, id],
        )
        .unwrap();
    }
    tx.commit().unwrap();
    let out = run(["stories", "--data", &killed.url, "--format", "jsonl"]);
    assert_eq!(out.code(), 0, "{}", out.stderr);
    assert!(
        !out.stderr.contains("rebuilt"),
        "resumed, not replayed: {}",
        out.stderr
    );
    assert_eq!(
        crate::stories::stories_of(killed_url),
        expected,
        "resume == replay"
    );

    // A store of PG_SCHEMA_VERSION 1, from before stories were kept in
    // PostgreSQL: the next command upgrades it and gives its articles
    // their stories from the stored articles.
    let mut client = whole.client();
    client
        .batch_execute(&format!(
            "{} UPDATE chancery.articles SET story = NULL",
            chancery_store::testing::pg_back_to(1)
        ))
        .unwrap();
    assert_eq!(
        crate::stories::stories_of(url),
        expected_one_run,
        "upgraded from 1: rebuilt from every article at once"
    );
    let version: i32 = client
        .query_one("SELECT max(version) FROM chancery.schema_version", &[])
        .unwrap()
        .get(0);
    assert_eq!(version, chancery_store::PG_SCHEMA_VERSION);
    // The upgrade counted the stored rows into the rollups, stories too.
    let queries = chancery_store::Queries::open_data(url).unwrap();
    assert_eq!(queries.rollup_mismatches().unwrap(), Vec::<String>::new());
}
