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
fn commands_not_yet_on_postgres_say_so() {
    let Some(db) = TestDb::new("commands_not_yet_on_postgres_say_so") else {
        return;
    };
    let dir = TempDir::new("pgwatch");
    // Nothing listens on port 9: the watcher refuses before polling anyway.
    let sources = dir.write("sources.txt", "https://127.0.0.1:9/feed.xml\n");
    let out = run([
        "watch",
        "--once",
        "--data",
        &db.url,
        "--sources",
        sources.to_str().unwrap(),
    ]);
    assert_ne!(out.code(), 0, "{}", out.stderr);
    assert!(out.stderr.contains("--data DIR"), "{}", out.stderr);
}

#[test]
fn commands_that_read_a_data_directory_refuse_a_postgres_url() {
    let dir = TempDir::new("pgrefuse");
    let url = "postgres://chancery:secret@127.0.0.1:1/news";
    for args in [
        vec!["search", "election", "--data", url],
        vec!["stories", "--data", url],
        vec!["entities", "--data", url],
        vec!["verify", "--data", url],
        vec!["serve", "--data", url, "--addr", "127.0.0.1:0"],
    ] {
        let out = chancery()
            .args(&args)
            .current_dir(dir.path())
            .stdin(std::process::Stdio::null())
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{args:?}: {stderr}");
        assert!(stderr.contains("--data DIR"), "{args:?}: {stderr}");
        assert!(!stderr.contains("secret"), "{args:?}: {stderr}");
    }
    assert!(
        !dir.path().join("postgres:").exists(),
        "a URL was taken for a directory"
    );
}
