//! `chancery enqueue`, `chancery worker` and `chancery queue` against a real
//! PostgreSQL (`CHANCERY_TEST_POSTGRES`; skipped with a note without it):
//! a fleet of three workers on one queue, one killed with SIGKILL while it
//! holds jobs, then the store's counts checked (nothing lost, nothing
//! twice) and the queue's (every job done once); the fleet stores into a
//! data directory, or into the queue's own database (`--data postgres://`).

use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use chancery_queue::testing::TestDb;

use crate::ingest::{corpus, stored_articles};
use crate::{chancery, http_get, run, Server, TempDir};

fn worker(queue: &str, data: &Path) -> Child {
    chancery()
        .args(["worker", "--queue", queue, "--data"])
        .arg(data)
        .args([
            "--exit-when-idle",
            "--lease",
            "2",
            "--batch",
            "40",
            "--poll",
            "0.2",
        ])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// The workers holding leases now, by process id.
fn lease_holders(client: &mut postgres::Client) -> Vec<u32> {
    client
        .query(
            "SELECT DISTINCT lease_owner FROM chancery_queue.jobs WHERE state = 'running'",
            &[],
        )
        .unwrap()
        .iter()
        .filter_map(|row| {
            let owner: String = row.get(0);
            owner.rsplit(':').nth(1)?.parse().ok()
        })
        .collect()
}

fn count(client: &mut postgres::Client, sql: &str) -> i64 {
    client.query_one(sql, &[]).unwrap().get(0)
}

/// Articles and distinct external ids in the fleet's store (0 before it
/// exists).
fn stored(data: &Path, client: &mut postgres::Client) -> (i64, i64) {
    if chancery_store::postgres_url(data).is_none() {
        let articles = stored_articles(data);
        // Read-only: a connection that may create the file would leave an
        // empty database for the workers to refuse when it looks between a
        // worker making the directory and writing the database's header.
        let distinct = rusqlite::Connection::open_with_flags(
            data.join("chancery.db"),
            rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
        )
        .and_then(|c| {
            c.query_row(
                "SELECT count(DISTINCT external_id) FROM articles",
                [],
                |r| r.get(0),
            )
        })
        .unwrap_or(0);
        return (articles, distinct);
    }
    let exists: bool = client
        .query_one("SELECT to_regclass('chancery.articles') IS NOT NULL", &[])
        .unwrap()
        .get(0);
    if !exists {
        return (0, 0);
    }
    let row = client
        .query_one(
            "SELECT count(*), count(DISTINCT external_id) FROM chancery.articles",
            &[],
        )
        .unwrap();
    (row.get(0), row.get(1))
}

#[test]
fn a_fleet_with_a_worker_killed_mid_run_stores_everything_once() {
    fleet("a_fleet_with_a_worker_killed_mid_run", false);
}

#[test]
fn a_fleet_storing_into_postgres_with_a_worker_killed_mid_run_stores_everything_once() {
    fleet("a_fleet_storing_into_postgres", true);
}

/// Three workers on 400 queued records, the one holding leases killed
/// once something is stored; the store in a data directory, or in the
/// queue's database when `in_postgres`.
fn fleet(test: &str, in_postgres: bool) {
    const DOCS: usize = 400;
    let Some(db) = TestDb::new(test) else {
        return;
    };
    let dir = TempDir::new("fleet");
    let data = if in_postgres {
        PathBuf::from(&db.url)
    } else {
        dir.path().join("data")
    };
    let file = corpus(&dir, DOCS);
    let file = file.to_str().unwrap();
    let out = run(["enqueue", "--queue", &db.url, file]);
    assert_eq!(out.code(), 0, "{}", out.stderr);
    assert!(
        out.stderr.contains(&format!("{DOCS} jobs queued")),
        "{}",
        out.stderr
    );
    // Idempotent: the same file again adds nothing.
    let out = run(["enqueue", "--queue", &db.url, file]);
    assert!(
        out.stderr
            .contains(&format!("0 jobs queued, {DOCS} already known")),
        "{}",
        out.stderr
    );

    // A server over the fleet's database, started before the workers, with
    // its own search index: it answers while they store.
    let server = in_postgres.then(|| {
        let mut command = chancery();
        command
            .args(["serve", "--rate-limit", "0", "--data", &db.url, "--index"])
            .arg(dir.path().join("server-index"));
        Server::start(command).0
    });
    let mut answered_during_ingest = 0;
    let mut workers: Vec<Child> = (0..3).map(|_| worker(&db.url, &data)).collect();
    let mut client = db.client();
    // Once something is stored, kill whichever worker holds leases.
    let deadline = Instant::now() + Duration::from_secs(300);
    let killed = loop {
        assert!(Instant::now() < deadline, "no worker got going");
        let holders = lease_holders(&mut client);
        if stored(&data, &mut client).0 > 0 {
            if let Some(index) = workers.iter().position(|w| holders.contains(&w.id())) {
                break index;
            }
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    workers[killed].kill().unwrap(); // SIGKILL
    let status = workers[killed].wait().unwrap();
    assert!(status.code().is_none(), "the worker was killed by a signal");
    let done_at_kill = count(
        &mut client,
        "SELECT count(*) FROM chancery_queue.jobs WHERE state = 'done'",
    );
    assert!(
        (done_at_kill as usize) < DOCS,
        "killed mid-run: {done_at_kill} of {DOCS} jobs done"
    );

    for (index, mut child) in workers.into_iter().enumerate() {
        if index == killed {
            continue;
        }
        let output = loop {
            if child.try_wait().unwrap().is_some() {
                break child.wait_with_output().unwrap();
            }
            assert!(
                Instant::now() < deadline + Duration::from_secs(300),
                "a worker never went idle"
            );
            if let Some(server) = &server {
                for target in ["/api/search?q=story", "/"] {
                    let (status, body) = http_get(server.port, target);
                    assert_eq!(status, 200, "{target} during ingest: {body}");
                }
                answered_during_ingest += 1;
            }
            std::thread::sleep(Duration::from_millis(100));
        };
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(output.status.success(), "{stderr}");
    }

    // Nothing lost, nothing twice.
    assert_eq!(stored(&data, &mut client), (DOCS as i64, DOCS as i64));
    if let Some(server) = &server {
        assert!(
            answered_during_ingest > 0,
            "the workers ended before the server was asked"
        );
        // Every article, as the store counts them, on the server's pages.
        let (status, body) = http_get(server.port, "/api/stats");
        assert_eq!(status, 200, "{body}");
        let stats: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(stats["articles"], DOCS, "{stats}");
        let (_, home) = http_get(server.port, "/");
        assert!(home.contains(&DOCS.to_string()), "{home}");
    }
    if in_postgres {
        // Stories for everything: the killed worker may have been the
        // elected clusterer; whoever was elected after it caught up, and
        // the last worker to finish clustered what the others stored.
        assert_eq!(
            count(
                &mut client,
                "SELECT count(*) FROM chancery.articles WHERE story IS NULL"
            ),
            0,
            "every article has a story"
        );
    }
    assert_eq!(
        count(
            &mut client,
            "SELECT count(*) FROM chancery_queue.jobs WHERE state = 'done'"
        ),
        DOCS as i64
    );
    assert_eq!(
        count(
            &mut client,
            "SELECT count(*) FROM chancery_queue.dead_letters"
        ),
        0
    );
    // The killed worker's jobs went to another after its lease ran out.
    assert!(
        count(
            &mut client,
            "SELECT count(*) FROM chancery_queue.jobs WHERE attempts > 1"
        ) > 0,
        "some job was taken over from the killed worker"
    );

    let out = run(["queue", "status", "--queue", &db.url]);
    assert_eq!(out.code(), 0, "{}", out.stderr);
    assert!(
        out.stdout.contains(&format!("done     {DOCS}")),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("dead     0"), "{}", out.stdout);
}

#[test]
fn a_poison_job_is_dead_lettered_and_listed_with_its_error() {
    let Some(db) = TestDb::new("a_poison_job_is_dead_lettered") else {
        return;
    };
    let dir = TempDir::new("poison");
    let file = dir.write("bad.jsonl", "{\"title\": \"No text\", \"text\": [1, 2]}\n");
    let out = run([
        "enqueue",
        "--queue",
        &db.url,
        "--max-attempts",
        "2",
        file.to_str().unwrap(),
    ]);
    assert_eq!(out.code(), 0, "{}", out.stderr);
    let data = dir.path().join("data");
    let out = run([
        "worker",
        "--queue",
        &db.url,
        "--data",
        data.to_str().unwrap(),
        "--exit-when-idle",
        "--backoff",
        "0.1",
        "--poll",
        "0.1",
    ]);
    assert_eq!(out.code(), 0, "{}", out.stderr);
    assert!(out.stderr.contains("attempt 1 failed"), "{}", out.stderr);
    assert!(out.stderr.contains("dead-lettered"), "{}", out.stderr);
    let out = run(["queue", "status", "--queue", &db.url]);
    assert!(out.stdout.contains("dead     1"), "{}", out.stdout);
    assert!(out.stdout.contains("bad.jsonl:1"), "{}", out.stdout);
    assert!(
        out.stdout.contains("text"),
        "the error names the field: {}",
        out.stdout
    );
}

#[test]
fn without_a_queue_url_enqueue_says_what_to_give() {
    let out = crate::run_with_stdin(["enqueue", "news.jsonl", "--queue", "not-a-url://x"], None);
    assert_eq!(out.code(), 2, "{}", out.stderr);
    assert!(out.stderr.contains("PostgreSQL URL"), "{}", out.stderr);
}
