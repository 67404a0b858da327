//! A worker in this process drains a queue into a data directory: records
//! and files stored, a poison record dead-lettered after its attempts, and
//! a second round over the same inputs storing nothing twice.

use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chancery_queue::{enqueue_inputs, run_worker, worker_name, Queue, WorkerConfig, WorkerEvent};

use chancery_queue::testing::TestDb;

fn config(data: &std::path::Path) -> WorkerConfig {
    WorkerConfig {
        data: data.to_path_buf(),
        tables: Vec::new(),
        options: Default::default(),
        crawl: Default::default(),
        owner: worker_name(),
        lease: Duration::from_secs(30),
        backoff: Duration::from_millis(50),
        batch: 3,
        session_jobs: 100,
        poll: Duration::from_millis(50),
        exit_when_idle: true,
    }
}

fn story(n: usize) -> String {
    format!(
        "The harbour board of Port {n} approved a new ferry timetable on Monday after \
         months of complaints from commuters. Ferries will run every {n} minutes in the \
         morning, the board's chair said, and a review follows in spring."
    )
}

#[test]
fn a_worker_stores_every_job_once_and_dead_letters_the_poison() {
    let Some(db) = TestDb::new("a_worker_stores_every_job_once") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let mut lines: String = (0..5)
        .map(|n| {
            format!(
                "{{\"id\": \"doc-{n}\", \"url\": \"https://news.example/{n}\", \"title\": \"Ferries {n}\", \"text\": \"{}\"}}\n",
                story(n)
            )
        })
        .collect();
    lines.push_str("{\"id\": \"broken\", \"text\": 42}\n");
    std::fs::write(dir.path().join("news.jsonl"), lines).unwrap();
    std::fs::write(
        dir.path().join("page.txt"),
        format!("Ferries for Port 99\n\n{}\n", story(99)),
    )
    .unwrap();
    let inputs = vec![
        dir.path().join("news.jsonl").display().to_string(),
        dir.path().join("page.txt").display().to_string(),
    ];
    let mut queue = Queue::connect(&db.url).unwrap();
    let report = enqueue_inputs(&mut queue, &inputs, false, 1 << 20, 2, &mut |_, _| {}).unwrap();
    assert_eq!(report.jobs.added, 7);

    let data = dir.path().join("data");
    let events: Arc<Mutex<Vec<WorkerEvent>>> = Arc::default();
    let on_event = {
        let events = events.clone();
        Arc::new(move |e: &WorkerEvent| events.lock().unwrap().push(e.clone()))
    };
    let summary = run_worker(
        &db.url,
        config(&data),
        on_event,
        Arc::new(AtomicBool::new(false)),
    )
    .unwrap();
    assert_eq!(summary.done, 6, "{summary:?}");
    assert_eq!(summary.stored, 6, "{summary:?}");
    assert_eq!((summary.retried, summary.dead), (1, 1), "{summary:?}");

    let counts = queue.counts().unwrap();
    assert_eq!((counts.done, counts.dead, counts.unfinished()), (6, 1, 0));
    let letters = queue.dead_letters(10).unwrap();
    assert_eq!(letters[0].label, format!("{}:6", inputs[0]));
    assert!(letters[0].error.contains("text"), "{}", letters[0].error);
    let events = events.lock().unwrap();
    assert!(events
        .iter()
        .any(|e| matches!(e, WorkerEvent::Retry { attempt: 1, .. })));
    assert!(events.iter().any(|e| matches!(e, WorkerEvent::Dead { .. })));
    drop(events);

    // The same documents under new keys (a copy of the file): each job is
    // done again, as a duplicate; the store gains nothing.
    std::fs::copy(dir.path().join("page.txt"), dir.path().join("copy.txt")).unwrap();
    let copy = vec![dir.path().join("copy.txt").display().to_string()];
    enqueue_inputs(&mut queue, &copy, false, 1 << 20, 2, &mut |_, _| {}).unwrap();
    let summary = run_worker(
        &db.url,
        config(&data),
        Arc::new(|_: &WorkerEvent| {}),
        Arc::new(AtomicBool::new(false)),
    )
    .unwrap();
    assert_eq!((summary.done, summary.stored), (1, 0), "{summary:?}");
    let reader = chancery_store::Reader::open(&data).unwrap();
    assert_eq!(reader.stats().unwrap().articles, 6);
}

/// One WARC response record holding an HTML page.
fn warc_response(uri: &str, title: &str, body: &str) -> Vec<u8> {
    let block = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=UTF-8\r\n\r\n\
         <html><head><title>{title}</title></head><body><article><h1>{title}</h1>\
         <p>{body}</p></article></body></html>"
    );
    let mut out = format!(
        "WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: {uri}\r\n\
         WARC-Date: 2026-12-01T08:00:00Z\r\n\
         Content-Type: application/http; msgtype=response\r\nContent-Length: {}\r\n\r\n",
        block.len()
    )
    .into_bytes();
    out.extend_from_slice(block.as_bytes());
    out.extend_from_slice(b"\r\n\r\n");
    out
}

#[test]
fn warc_files_and_urls_are_jobs_too() {
    use chancery_watch::fixture::{news_page, Reply, Server};
    use std::net::{IpAddr, Ipv4Addr};

    let Some(db) = TestDb::new("warc_files_and_urls_are_jobs_too") else {
        return;
    };
    let server = Server::start(&[IpAddr::V4(Ipv4Addr::LOCALHOST)], |r| {
        match r.path.as_str() {
            "/news/1" => Reply::ok("text/html; charset=utf-8", news_page(1)),
            "/news/2" => Reply::ok("text/html; charset=utf-8", news_page(2)),
            _ => Reply::status(404),
        }
    })
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut warc = warc_response("https://news.example/w1", "Ferries one", &story(1));
    warc.extend(warc_response(
        "https://news.example/w2",
        "Ferries two",
        &story(2),
    ));
    std::fs::write(dir.path().join("crawl.warc"), warc).unwrap();
    let inputs = vec![
        dir.path().join("crawl.warc").display().to_string(),
        server.url(0, "/news/1"),
        server.url(0, "/news/2"),
        server.url(0, "/gone"),
    ];
    let mut queue = Queue::connect(&db.url).unwrap();
    let report = enqueue_inputs(&mut queue, &inputs, false, 1 << 20, 1, &mut |_, _| {}).unwrap();
    assert_eq!(report.jobs.added, 4, "{report:?}");

    let mut config = config(&dir.path().join("data"));
    config.crawl = chancery_watch::CrawlConfig {
        fetch: chancery_watch::FetchConfig {
            allow_private: true,
            ..Default::default()
        },
        host_delay: Duration::from_millis(5),
        backoff: Duration::from_millis(10),
        max_attempts: 1,
        ..Default::default()
    };
    let summary = run_worker(
        &db.url,
        config,
        Arc::new(|_: &WorkerEvent| {}),
        Arc::new(AtomicBool::new(false)),
    )
    .unwrap();
    // The WARC (two articles) and two pages; the missing page is dead.
    assert_eq!(
        (summary.done, summary.stored, summary.dead),
        (3, 4, 1),
        "{summary:?}"
    );
    let letters = queue.dead_letters(10).unwrap();
    assert!(letters[0].label.ends_with("/gone"), "{letters:?}");
    let mut client = db.client();
    let outcome: String = client
        .query_one(
            "SELECT outcome FROM chancery_queue.jobs WHERE kind = 'warc'",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(outcome, "2 stored, 0 duplicates");
}
