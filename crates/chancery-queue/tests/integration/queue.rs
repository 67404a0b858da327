//! The queue's statements: migrations, idempotent enqueueing, claims that
//! skip locked rows, leases, heartbeats, retries and dead letters.

use std::time::Duration;

use chancery_queue::{enqueue_inputs, Failed, Kind, NewJob, Queue, QueueError};

use chancery_queue::testing::TestDb;

fn record(n: usize) -> NewJob {
    NewJob {
        kind: Kind::Record,
        key: format!("record:{n}"),
        label: format!("test.jsonl:{n}"),
        payload: format!(r#"{{"id": "{n}", "text": "story {n}"}}"#),
    }
}

fn ids(claimed: &[chancery_queue::Claimed]) -> Vec<i64> {
    claimed.iter().map(|c| c.id).collect()
}

const MINUTE: Duration = Duration::from_secs(60);

#[test]
fn migrations_run_once_and_a_newer_queue_is_refused() {
    let Some(db) = TestDb::new("migrations_run_once_and_a_newer_queue_is_refused") else {
        return;
    };
    Queue::connect(&db.url).unwrap();
    Queue::connect(&db.url).unwrap();
    let mut client = db.client();
    let versions: i64 = client
        .query_one("SELECT count(*) FROM chancery_queue.schema_version", &[])
        .unwrap()
        .get(0);
    assert_eq!(versions, 1);
    client
        .execute(
            "INSERT INTO chancery_queue.schema_version (version) VALUES (99)",
            &[],
        )
        .unwrap();
    match Queue::connect(&db.url) {
        Err(QueueError::NewerSchema { found: 99, known }) => {
            assert_eq!(known, chancery_queue::QUEUE_SCHEMA_VERSION)
        }
        other => panic!("expected NewerSchema, got {:?}", other.err()),
    }
}

#[test]
fn a_bad_url_and_an_unreachable_server_say_so() {
    let err = Queue::connect("mysql://nobody").err().unwrap();
    assert!(err.to_string().contains("not a PostgreSQL URL"), "{err}");
    // A closed port on loopback: refused at once.
    let err = Queue::connect("postgres://nobody:secret@127.0.0.1:1/x")
        .err()
        .unwrap();
    let message = err.to_string();
    assert!(message.contains("cannot connect"), "{message}");
    assert!(
        !message.contains("secret"),
        "the password leaked: {message}"
    );
}

#[test]
fn enqueueing_twice_adds_each_job_once() {
    let Some(db) = TestDb::new("enqueueing_twice_adds_each_job_once") else {
        return;
    };
    let mut queue = Queue::connect(&db.url).unwrap();
    let mut jobs: Vec<NewJob> = (0..5).map(record).collect();
    jobs.push(record(2)); // repeated within one call
    let first = queue.enqueue(&jobs, 3).unwrap();
    assert_eq!((first.added, first.known), (5, 1));
    let second = queue.enqueue(&jobs, 3).unwrap();
    assert_eq!((second.added, second.known), (0, 6));
    assert_eq!(queue.counts().unwrap().ready, 5);
}

#[test]
fn claims_skip_rows_another_transaction_holds_and_never_share_a_job() {
    let Some(db) = TestDb::new("claims_skip_rows_another_transaction_holds") else {
        return;
    };
    let mut a = Queue::connect(&db.url).unwrap();
    let mut b = Queue::connect(&db.url).unwrap();
    a.enqueue(&(0..6).map(record).collect::<Vec<_>>(), 3)
        .unwrap();

    // Another session locks the oldest job: a claim passes over it at once.
    let mut other = db.client();
    let mut tx = other.transaction().unwrap();
    let locked: i64 = tx
        .query_one(
            "SELECT id FROM chancery_queue.jobs ORDER BY id LIMIT 1 FOR UPDATE",
            &[],
        )
        .unwrap()
        .get(0);
    let first = a.claim("a", &[Kind::Record], 2, MINUTE).unwrap();
    assert_eq!(first.len(), 2);
    assert!(!ids(&first).contains(&locked));
    tx.rollback().unwrap();

    let second = b.claim("b", &[Kind::Record], 10, MINUTE).unwrap();
    assert_eq!(second.len(), 4);
    assert!(ids(&second).contains(&locked));
    assert!(ids(&first).iter().all(|id| !ids(&second).contains(id)));
    assert!(second.iter().all(|c| c.attempt == 1 && c.max_attempts == 3));
    assert!(a
        .claim("a", &[Kind::Record], 10, MINUTE)
        .unwrap()
        .is_empty());

    // Kinds not asked for are left alone.
    a.enqueue(
        &[NewJob {
            kind: Kind::Url,
            key: "url:https://news.example/a".into(),
            label: "https://news.example/a".into(),
            payload: "https://news.example/a".into(),
        }],
        3,
    )
    .unwrap();
    assert!(a
        .claim("a", &[Kind::Record], 10, MINUTE)
        .unwrap()
        .is_empty());
    assert_eq!(a.claim("a", &[Kind::Url], 10, MINUTE).unwrap().len(), 1);
}

#[test]
fn an_expired_lease_goes_to_another_worker_and_fences_the_first() {
    let Some(db) = TestDb::new("an_expired_lease_goes_to_another_worker") else {
        return;
    };
    let mut queue = Queue::connect(&db.url).unwrap();
    queue.enqueue(&[record(1)], 3).unwrap();
    let short = Duration::from_millis(200);
    let first = queue
        .claim("dead-worker", &[Kind::Record], 1, short)
        .unwrap();
    assert_eq!(first.len(), 1);
    std::thread::sleep(Duration::from_millis(400));
    let counts = queue.counts().unwrap();
    assert_eq!((counts.running, counts.expired), (0, 1));
    // Not claimable until taken back.
    assert!(queue
        .claim("live", &[Kind::Record], 1, MINUTE)
        .unwrap()
        .is_empty());
    assert_eq!(queue.reap().unwrap(), 1);
    let second = queue.claim("live", &[Kind::Record], 1, MINUTE).unwrap();
    assert_eq!(ids(&second), ids(&first));
    assert_eq!(second[0].attempt, 2);
    // The first worker, back from the dead, cannot finish it…
    assert_eq!(
        queue
            .complete("dead-worker", &[(first[0].id, "stored".into())])
            .unwrap(),
        0
    );
    assert!(queue
        .fail("dead-worker", &[(first[0].id, "late".into())], short)
        .unwrap()
        .is_empty());
    // …the new holder does.
    assert_eq!(
        queue
            .complete("live", &[(second[0].id, "stored".into())])
            .unwrap(),
        1
    );
    let counts = queue.counts().unwrap();
    assert_eq!((counts.done, counts.unfinished()), (1, 0));
}

#[test]
fn heartbeats_keep_a_lease_alive() {
    let Some(db) = TestDb::new("heartbeats_keep_a_lease_alive") else {
        return;
    };
    let mut queue = Queue::connect(&db.url).unwrap();
    queue.enqueue(&[record(1), record(2)], 3).unwrap();
    let lease = Duration::from_millis(600);
    queue.claim("w", &[Kind::Record], 2, lease).unwrap();
    for _ in 0..4 {
        std::thread::sleep(Duration::from_millis(250));
        assert_eq!(queue.heartbeat("w", lease).unwrap(), 2);
    }
    assert_eq!(queue.reap().unwrap(), 0);
    assert_eq!(queue.counts().unwrap().running, 2);
    assert_eq!(queue.heartbeat("someone-else", lease).unwrap(), 0);
}

#[test]
fn failures_back_off_then_go_to_the_dead_letters_with_their_error() {
    let Some(db) = TestDb::new("failures_back_off_then_go_to_the_dead_letters") else {
        return;
    };
    let mut queue = Queue::connect(&db.url).unwrap();
    queue.enqueue(&[record(7)], 2).unwrap();
    let backoff = Duration::from_millis(300);

    let job = queue
        .claim("w", &[Kind::Record], 1, MINUTE)
        .unwrap()
        .remove(0);
    let outcome = queue
        .fail("w", &[(job.id, "bad line".into())], backoff)
        .unwrap();
    match outcome.as_slice() {
        [Failed::Retry {
            id,
            attempt: 1,
            after,
        }] => {
            assert_eq!(*id, job.id);
            assert!(
                *after > Duration::from_millis(200) && *after <= backoff,
                "{after:?}"
            );
        }
        other => panic!("expected a retry, got {other:?}"),
    }
    assert_eq!(queue.counts().unwrap().waiting, 1);
    assert!(queue
        .claim("w", &[Kind::Record], 1, MINUTE)
        .unwrap()
        .is_empty());
    std::thread::sleep(Duration::from_millis(400));
    let again = queue
        .claim("w", &[Kind::Record], 1, MINUTE)
        .unwrap()
        .remove(0);
    assert_eq!(again.attempt, 2);
    let outcome = queue
        .fail("w", &[(again.id, "still bad".into())], backoff)
        .unwrap();
    assert_eq!(outcome, [Failed::Dead { id: job.id }]);

    let counts = queue.counts().unwrap();
    assert_eq!((counts.dead, counts.unfinished()), (1, 0));
    let letters = queue.dead_letters(10).unwrap();
    assert_eq!(letters.len(), 1);
    assert_eq!(letters[0].error, "still bad");
    assert_eq!(letters[0].label, "test.jsonl:7");
    assert_eq!(letters[0].attempts, 2);
    // A dead job is not queued again by enqueueing it again…
    assert_eq!(queue.enqueue(&[record(7)], 2).unwrap().added, 0);
    // …but by retrying the dead letters.
    assert_eq!(queue.retry_dead(3).unwrap(), 1);
    let counts = queue.counts().unwrap();
    assert_eq!((counts.ready, counts.dead), (1, 0));
    let back = queue
        .claim("w", &[Kind::Record], 1, MINUTE)
        .unwrap()
        .remove(0);
    assert_eq!((back.attempt, back.max_attempts), (1, 3));
}

#[test]
fn a_job_whose_worker_died_on_its_last_attempt_is_dead_lettered() {
    let Some(db) = TestDb::new("a_job_whose_worker_died_on_its_last_attempt") else {
        return;
    };
    let mut queue = Queue::connect(&db.url).unwrap();
    queue.enqueue(&[record(1)], 1).unwrap();
    queue
        .claim(
            "host:4242:0",
            &[Kind::Record],
            1,
            Duration::from_millis(100),
        )
        .unwrap();
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(queue.reap().unwrap(), 1);
    let letters = queue.dead_letters(10).unwrap();
    assert_eq!(letters.len(), 1);
    assert!(
        letters[0].error.contains("host:4242:0") && letters[0].error.contains("ran out"),
        "{}",
        letters[0].error
    );
}

#[test]
fn enqueue_reads_what_ingest_reads() {
    let Some(db) = TestDb::new("enqueue_reads_what_ingest_reads") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let news = dir.path().join("news");
    std::fs::create_dir_all(news.join("more")).unwrap();
    std::fs::write(news.join("a.html"), "<p>news</p>").unwrap();
    std::fs::write(news.join("more/b.txt"), "Title\n\nText.").unwrap();
    std::fs::write(news.join(".hidden"), "no").unwrap();
    std::fs::write(news.join("c.warc"), "WARC/1.0\r\n").unwrap();
    std::fs::write(
        news.join("d.jsonl"),
        "{\"text\": \"one\"}\n\n{\"text\": \"two\"}\n{\"text\": \"one\"}\n",
    )
    .unwrap();
    let inputs = vec![
        news.display().to_string(),
        "https://news.example/story?utm_source=x".to_string(),
        "https://news.example/story".to_string(),
        "http://[not a url".to_string(),
        dir.path().join("missing.html").display().to_string(),
    ];
    let mut queue = Queue::connect(&db.url).unwrap();
    let report = enqueue_inputs(&mut queue, &inputs, false, 1 << 20, 3, &mut |_, _| {}).unwrap();
    // a.html, b.txt, c.warc, two distinct records, one URL.
    assert_eq!(report.jobs.added, 6, "{report:?}");
    // The repeated record and the URL spelt with a tracking parameter.
    assert_eq!(report.jobs.known, 2, "{report:?}");
    assert_eq!(report.failures.len(), 2, "{report:?}");
    assert!(report
        .failures
        .iter()
        .any(|(label, _)| label.contains("missing.html")));

    let mut client = db.client();
    let kinds: Vec<(String, i64)> = client
        .query(
            "SELECT kind, count(*) FROM chancery_queue.jobs GROUP BY kind ORDER BY kind",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    let kinds: Vec<(&str, i64)> = kinds.iter().map(|(k, n)| (k.as_str(), *n)).collect();
    assert_eq!(kinds, [("file", 2), ("record", 2), ("url", 1), ("warc", 1)]);
    let file: String = client
        .query_one(
            "SELECT payload FROM chancery_queue.jobs WHERE kind = 'file' ORDER BY id LIMIT 1",
            &[],
        )
        .unwrap()
        .get(0);
    assert!(std::path::Path::new(&file).is_absolute(), "{file}");
    let url: String = client
        .query_one(
            "SELECT payload FROM chancery_queue.jobs WHERE kind = 'url'",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(url, "https://news.example/story");

    // The same inputs again, by another spelling of the folder: nothing new.
    let again = vec![news.join("more/..").display().to_string()];
    let report = enqueue_inputs(&mut queue, &again, false, 1 << 20, 3, &mut |_, _| {}).unwrap();
    assert_eq!(report.jobs.added, 0, "{report:?}");
}
