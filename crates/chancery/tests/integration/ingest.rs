//! `chancery ingest`: documents into a data directory, checked with plain SQL
//! on the store it leaves. Duplicates, near-duplicates, bad input, a locked or
//! read-only data directory, and a run killed with SIGKILL and resumed.

use std::ffi::OsStr;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use flate2::write::GzEncoder;
use flate2::Compression;
use rusqlite::{Connection, OpenFlags};
use serde_json::json;

use crate::{chancery, good_text, run_with_stdin, Output, TempDir};

/// Runs `chancery ingest --data DATA ARGS…`.
fn ingest<S: AsRef<OsStr>>(data: &Path, args: &[S]) -> Output {
    ingest_with_stdin(data, args, None)
}

fn ingest_with_stdin<S: AsRef<OsStr>>(data: &Path, args: &[S], stdin: Option<&[u8]>) -> Output {
    let mut all: Vec<&OsStr> = vec!["ingest".as_ref(), "--data".as_ref(), data.as_os_str()];
    all.extend(args.iter().map(AsRef::as_ref));
    run_with_stdin(all, stdin)
}

/// The store's database, opened read-only for checks.
fn db(data: &Path) -> Connection {
    Connection::open_with_flags(data.join("chancery.db"), OpenFlags::SQLITE_OPEN_READ_ONLY)
        .expect("the store's database opens")
}

/// The stored analysis of the article `condition` picks, as the JSON
/// contract (the store keeps it compressed, without the text).
fn analysis_where(data: &Path, condition: &str) -> String {
    let (doc_id, blob, text): (String, Vec<u8>, String) = db(data)
        .query_row(
            &format!("SELECT doc_id, analysis, text FROM articles WHERE {condition}"),
            [],
            |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
        )
        .unwrap_or_else(|err| panic!("{condition}: {err}"));
    chancery_store::decode_analysis_json(&doc_id, &blob, &text).unwrap()
}

fn count(data: &Path, sql: &str) -> i64 {
    db(data)
        .query_row(sql, [], |row| row.get(0))
        .unwrap_or_else(|err| panic!("{sql}: {err}"))
}

fn assert_sound(data: &Path) {
    let check: String = db(data)
        .query_row("PRAGMA integrity_check", [], |row| row.get(0))
        .unwrap();
    assert_eq!(check, "ok");
}

/// A made-up story of random words, different for each `n`, with a
/// sentence naming people and countries so analysis finds entities.
fn story(n: usize) -> String {
    const WORDS: &[&str] = &[
        "council",
        "river",
        "budget",
        "minister",
        "harbour",
        "election",
        "union",
        "court",
        "hospital",
        "school",
        "bridge",
        "farmers",
        "police",
        "museum",
        "airport",
        "railway",
        "festival",
        "market",
        "village",
        "factory",
        "storm",
        "teachers",
        "doctors",
        "mayor",
        "parliament",
        "treaty",
        "border",
        "station",
        "library",
        "stadium",
        "forest",
        "island",
        "approved",
        "delayed",
        "opened",
        "closed",
        "rebuilt",
        "visited",
        "funded",
        "blocked",
        "quickly",
        "finally",
        "again",
        "today",
        "after",
        "before",
        "during",
        "despite",
        "new",
        "old",
        "large",
        "small",
        "northern",
        "southern",
        "public",
        "private",
        "plan",
        "report",
        "vote",
        "strike",
        "deal",
        "talks",
        "fund",
        "law",
    ];
    const NAMES: &[&str] = &["Anna Berg", "Tomas Novak", "Leila Haddad", "Kofi Mensah"];
    const COUNTRIES: &[&str] = &["France", "Kenya", "Brazil", "Japan", "Canada"];
    // A small linear congruential generator: reproducible, no dependency.
    let mut state = n as u64 * 2_654_435_761 + 12_345;
    let mut next = |len: usize| {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (state >> 33) as usize % len
    };
    let mut text = format!(
        "{} of {} said on Monday that the talks with {} would go ahead.",
        NAMES[next(NAMES.len())],
        COUNTRIES[next(COUNTRIES.len())],
        COUNTRIES[next(COUNTRIES.len())]
    );
    for _ in 0..6 {
        let words: Vec<&str> = (0..10).map(|_| WORDS[next(WORDS.len())]).collect();
        text.push_str(&format!(" The {}.", words.join(" ")));
    }
    text
}

fn jsonl(records: &[serde_json::Value]) -> String {
    records.iter().map(|r| format!("{r}\n")).collect()
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = GzEncoder::new(Vec::new(), Compression::default());
    encoder.write_all(bytes).unwrap();
    encoder.finish().unwrap()
}

/// One WARC record.
fn warc_record(kind: &str, uri: &str, date: &str, block: &[u8]) -> Vec<u8> {
    let mut out = format!(
        "WARC/1.0\r\nWARC-Type: {kind}\r\nWARC-Target-URI: {uri}\r\nWARC-Date: {date}\r\n\
         Content-Type: application/http; msgtype={kind}\r\nContent-Length: {}\r\n\r\n",
        block.len()
    )
    .into_bytes();
    out.extend_from_slice(block);
    out.extend_from_slice(b"\r\n\r\n");
    out
}

fn html_response(title: &str, body: &str) -> Vec<u8> {
    format!(
        "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=UTF-8\r\n\r\n\
         <html><head><title>{title}</title></head><body><article><h1>{title}</h1>\
         <p>{body}</p></article></body></html>"
    )
    .into_bytes()
}

/// A WARC file as Common Crawl writes it: request, response and metadata
/// records, each its own gzip member when `gzipped`.
fn warc_file(pages: &[(&str, String)], gzipped: bool) -> Vec<u8> {
    let mut out = Vec::new();
    let mut add = |record: Vec<u8>| {
        if gzipped {
            out.extend(gzip(&record));
        } else {
            out.extend(record);
        }
    };
    add(warc_record(
        "warcinfo",
        "",
        "2024-05-01T00:00:00Z",
        b"software: test\r\n",
    ));
    for (i, (uri, body)) in pages.iter().enumerate() {
        add(warc_record(
            "request",
            uri,
            "2024-05-01T10:00:00Z",
            b"GET / HTTP/1.1\r\n\r\n",
        ));
        add(warc_record(
            "response",
            uri,
            "2024-05-01T10:00:00Z",
            &html_response(&format!("Story number {i}"), body),
        ));
    }
    out
}

#[test]
fn a_directory_is_stored_once_whatever_is_repeated() {
    let dir = TempDir::new("ingest-dir");
    let data = dir.path().join("data");
    let file = |n: usize| format!("Story number {n} from the wire\n\n{}\n", story(n));
    dir.write("in/a.txt", file(1));
    dir.write("in/b.txt", file(2));
    dir.write("in/sub/c.txt.gz", gzip(file(3).as_bytes()));
    // The same document again, under another name.
    dir.write("in/sub/copy-of-a.txt", file(1));
    // A syndicated copy: the same story with a sentence added at the end.
    dir.write(
        "in/syndicated.txt",
        format!(
            "{}\nThe council will publish the full plan on its website next week.\n",
            file(2)
        ),
    );
    let out = ingest(&data, &[dir.path().join("in")]);
    assert_eq!(out.code(), 0, "{}", out.stderr);
    assert!(out.stderr.contains("ingested:"), "{}", out.stderr);

    assert_eq!(count(&data, "SELECT count(*) FROM articles"), 4);
    assert_eq!(count(&data, "SELECT count(*) FROM canonical_articles"), 3);
    let syndicated_of: String = db(&data)
        .query_row(
            "SELECT original.source FROM articles copy JOIN articles original \
             ON original.id = copy.duplicate_of",
            [],
            |row| row.get(0),
        )
        .unwrap();
    assert!(syndicated_of.ends_with("b.txt"), "{syndicated_of}");
    // The analysis is kept whole, and its parts are rows.
    let analysis = analysis_where(&data, "source LIKE '%a.txt'");
    let analysis: serde_json::Value = serde_json::from_str(&analysis).unwrap();
    assert_eq!(analysis["title"], "Story number 1 from the wire");
    assert!(count(&data, "SELECT count(*) FROM entities") > 0);
    assert_sound(&data);

    // A rerun stores nothing new.
    let again = ingest(&data, &[dir.path().join("in")]);
    assert_eq!(again.code(), 0, "{}", again.stderr);
    assert!(
        again.stderr.contains("(5 already in the store)"),
        "{}",
        again.stderr
    );
    assert_eq!(count(&data, "SELECT count(*) FROM articles"), 4);
}

#[test]
fn json_lines_keep_their_ids_and_bad_lines_are_reported_by_line() {
    let dir = TempDir::new("ingest-jsonl");
    let data = dir.path().join("data");
    let mut lines = jsonl(&[
        json!({"id": "wire-1", "url": "https://news.example/a", "title": "Budget passes",
               "text": story(1), "published": "2025-01-14", "source": "wire"}),
        json!({"id": "wire-2", "html": format!("<html><body><p>{}</p></body></html>", story(2))}),
    ]);
    lines.push_str("{\"id\": \"wire-3\", \"text\": \"cut off\n");
    lines.push_str(&jsonl(&[
        json!({"id": "wire-4", "title": "no body"}),
        // The same id for another story: refused, not stored over the first.
        json!({"id": "wire-1", "url": "https://news.example/other", "text": story(5)}),
        // The first record again: a duplicate, not a failure.
        json!({"id": "wire-1", "url": "https://news.example/a", "title": "Budget passes",
               "text": story(1)}),
        json!({"id": "wire-6", "text": story(6)}),
    ]));
    let path = dir.write("batch.jsonl", lines);
    let out = ingest(&data, &[&path]);
    assert_eq!(out.code(), 1, "some records failed: {}", out.stderr);
    assert!(
        out.stderr.contains("batch.jsonl:3: invalid JSON"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("batch.jsonl:4: record has neither"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr
            .contains("batch.jsonl:5: id \"wire-1\" is already used"),
        "{}",
        out.stderr
    );
    let ids: Vec<String> = db(&data)
        .prepare("SELECT external_id FROM articles ORDER BY id")
        .unwrap()
        .query_map([], |row| row.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(ids, ["wire-1", "wire-2", "wire-6"]);
    let (url, published, source): (String, String, String) = db(&data)
        .query_row(
            "SELECT url, published, source FROM articles WHERE external_id = 'wire-1'",
            [],
            |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
        )
        .unwrap();
    assert_eq!(
        (url.as_str(), published.as_str(), source.as_str()),
        ("https://news.example/a", "2025-01-14", "wire")
    );
    let analysis = analysis_where(&data, "external_id = 'wire-2'");
    assert!(
        analysis.contains("\"external_id\":\"wire-2\""),
        "{analysis:.200}"
    );
    assert_sound(&data);
}

#[test]
fn warc_and_warc_gz_give_their_response_pages() {
    let dir = TempDir::new("ingest-warc");
    let data = dir.path().join("data");
    let plain = dir.write(
        "crawl.warc",
        warc_file(&[("https://news.example/one", story(1))], false),
    );
    let gzipped = dir.write(
        "CC-NEWS-00001.warc.gz",
        warc_file(
            &[
                ("https://news.example/two", story(2)),
                ("https://news.example/three", story(3)),
            ],
            true,
        ),
    );
    let out = ingest(&data, &[&plain, &gzipped]);
    assert_eq!(out.code(), 0, "{}", out.stderr);
    let urls: Vec<(String, String)> = db(&data)
        .prepare("SELECT url, published FROM articles ORDER BY id")
        .unwrap()
        .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let urls: Vec<(&str, &str)> = urls.iter().map(|(u, p)| (u.as_str(), p.as_str())).collect();
    // The pages give no date: the crawl date stands in.
    assert_eq!(
        urls,
        [
            ("https://news.example/one", "2024-05-01T10:00:00+00:00"),
            ("https://news.example/two", "2024-05-01T10:00:00+00:00"),
            ("https://news.example/three", "2024-05-01T10:00:00+00:00"),
        ]
    );
}

#[test]
fn truncated_gzip_and_warc_are_reported_and_what_came_before_is_kept() {
    let dir = TempDir::new("ingest-truncated");
    let data = dir.path().join("data");
    let warc = warc_file(
        &[
            ("https://news.example/w1", story(1)),
            ("https://news.example/w2", story(2)),
        ],
        true,
    );
    let warc = dir.write("cut.warc.gz", &warc[..warc.len() - 100]);
    let plain = warc_file(&[("https://news.example/p1", story(3))], false);
    let mut plain = plain.clone();
    plain.extend(warc_file(&[("https://news.example/p2", story(4))], false));
    let plain = dir.write("cut.warc", &plain[..plain.len() - 50]);
    let lines = gzip(
        jsonl(
            &(10..40)
                .map(|n| json!({"id": format!("j{n}"), "text": story(n)}))
                .collect::<Vec<_>>(),
        )
        .as_bytes(),
    );
    let jsonl_gz = dir.write("cut.jsonl.gz", &lines[..lines.len() * 2 / 3]);
    let good = dir.write("good.txt", good_text("parks"));

    let out = ingest(&data, &[&warc, &plain, &jsonl_gz, &good]);
    assert_eq!(out.code(), 1, "{}", out.stderr);
    assert!(out.stderr.contains("cut.warc.gz record"), "{}", out.stderr);
    assert!(
        out.stderr.contains("truncated WARC record"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("cut.jsonl.gz:"), "{}", out.stderr);
    assert!(out.stderr.contains("gzip"), "{}", out.stderr);
    assert_eq!(
        count(
            &data,
            "SELECT count(*) FROM articles WHERE url = 'https://news.example/w1'"
        ),
        1
    );
    assert_eq!(
        count(
            &data,
            "SELECT count(*) FROM articles WHERE url = 'https://news.example/p1'"
        ),
        1
    );
    assert!(
        count(
            &data,
            "SELECT count(*) FROM articles WHERE external_id LIKE 'j%'"
        ) > 0
    );
    assert_eq!(
        count(
            &data,
            "SELECT count(*) FROM articles WHERE source LIKE '%good.txt'"
        ),
        1
    );
    assert_sound(&data);
}

#[test]
fn unreadable_files_fail_alone() {
    let dir = TempDir::new("ingest-unreadable");
    let data = dir.path().join("data");
    let good = dir.write("good.txt", good_text("libraries"));
    let binary = dir.write("image.txt", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0");
    let missing = dir.path().join("missing.txt");
    let out = ingest(&data, &[&good, &binary, &missing]);
    assert_eq!(out.code(), 1, "{}", out.stderr);
    assert!(
        out.stderr.contains("missing.txt: cannot open file"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("image.txt:"), "{}", out.stderr);
    assert!(out.stderr.contains("failed:          2"), "{}", out.stderr);
    assert_eq!(count(&data, "SELECT count(*) FROM articles"), 1);
}

#[test]
fn stdin_takes_a_document_json_lines_or_warc() {
    let dir = TempDir::new("ingest-stdin");
    let data = dir.path().join("data");
    let out = ingest_with_stdin(&data, &["-"], Some(good_text("ferries").as_bytes()));
    assert_eq!(out.code(), 0, "{}", out.stderr);
    let lines = jsonl(&[json!({"id": "s1", "text": story(1)})]);
    let out = ingest_with_stdin(&data, &["--jsonl", "-"], Some(lines.as_bytes()));
    assert_eq!(out.code(), 0, "{}", out.stderr);
    let warc = warc_file(&[("https://news.example/stdin", story(2))], true);
    let out = ingest_with_stdin(&data, &["-"], Some(&warc));
    assert_eq!(out.code(), 0, "{}", out.stderr);
    assert_eq!(count(&data, "SELECT count(*) FROM articles"), 3);
    assert_eq!(
        count(&data, "SELECT count(*) FROM articles WHERE source = '-'"),
        1
    );
}

#[test]
fn the_data_directory_comes_from_chancery_data_by_default() {
    let dir = TempDir::new("ingest-env");
    let data = dir.path().join("from-env");
    let file = dir.write("a.txt", good_text("trams"));
    let out = chancery()
        .args(["ingest".as_ref(), file.as_os_str()])
        .env("CHANCERY_DATA", &data)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(count(&data, "SELECT count(*) FROM articles"), 1);
}

#[test]
fn a_second_ingest_into_the_same_directory_is_refused_clearly() {
    let dir = TempDir::new("ingest-lock");
    let data = dir.path().join("data");
    // The first ingest reads stdin, so it holds the store until stdin closes.
    let mut first = chancery()
        .args([
            "ingest".as_ref(),
            "--data".as_ref(),
            data.as_os_str(),
            "-".as_ref(),
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = BufReader::new(first.stderr.take().unwrap());
    let mut line = String::new();
    stderr.read_line(&mut line).unwrap();
    assert!(line.contains("ingesting into"), "{line}");

    let file = dir.write("a.txt", good_text("trams"));
    let second = ingest(&data, &[&file]);
    assert_eq!(second.code(), 2, "{}", second.stderr);
    assert!(
        second
            .stderr
            .contains("another chancery process is writing to"),
        "{}",
        second.stderr
    );

    let mut stdin = first.stdin.take().unwrap();
    stdin.write_all(good_text("buses").as_bytes()).unwrap();
    drop(stdin);
    assert!(first.wait().unwrap().success());
    // Once the first is done the directory is free again.
    assert_eq!(ingest(&data, &[&file]).code(), 0);
    assert_eq!(count(&data, "SELECT count(*) FROM articles"), 2);
}

/// Whether this process runs as root, which writes through any permission.
fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

#[test]
fn a_read_only_data_directory_is_reported_and_left_as_it_was() {
    let dir = TempDir::new("ingest-readonly");
    let data = dir.path().join("data");
    let file = dir.write("a.txt", good_text("trams"));
    let other = dir.write("b.txt", good_text("ports"));
    assert_eq!(ingest(&data, &[&file]).code(), 0);

    let readable = |path: &Path, mode: u32| {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
    };
    let mut command = if is_root() {
        // Root writes through permissions: run as nobody, for whom the
        // root-owned data directory is read-only.
        let mut command = Command::new("setpriv");
        command.args(["--reuid=65534", "--regid=65534", "--clear-groups", "--"]);
        command.arg(env!("CARGO_BIN_EXE_chancery"));
        readable(dir.path(), 0o755);
        command
    } else {
        for entry in std::fs::read_dir(&data).unwrap() {
            readable(&entry.unwrap().path(), 0o444);
        }
        readable(&data, 0o555);
        chancery()
    };
    let out = command
        .args([
            "ingest".as_ref(),
            "--data".as_ref(),
            data.as_os_str(),
            other.as_os_str(),
        ])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("cannot write to"), "{stderr}");
    assert!(
        stderr.contains("choose a data directory you can write to"),
        "{stderr}"
    );
    if !is_root() {
        readable(&data, 0o755);
    }
    assert_eq!(count(&data, "SELECT count(*) FROM articles"), 1);
    assert_sound(&data);
}

#[test]
fn a_store_of_another_schema_version_is_refused() {
    let dir = TempDir::new("ingest-version");
    let data = dir.path().join("data");
    let file = dir.write("a.txt", good_text("trams"));
    assert_eq!(ingest(&data, &[&file]).code(), 0);
    Connection::open(data.join("chancery.db"))
        .unwrap()
        .pragma_update(None, "user_version", 99)
        .unwrap();
    let out = ingest(&data, &[&file]);
    assert_eq!(out.code(), 2, "{}", out.stderr);
    assert!(out.stderr.contains("schema version 99"), "{}", out.stderr);
    assert!(out.stderr.contains("upgrade chancery"), "{}", out.stderr);
}

/// Writes `n` distinct JSON Lines records with ids `doc-0` … and returns the
/// file.
pub(crate) fn corpus(dir: &TempDir, n: usize) -> PathBuf {
    let records: Vec<serde_json::Value> = (0..n)
        .map(|i| {
            json!({"id": format!("doc-{i}"), "url": format!("https://news.example/{i}"),
                   "title": format!("Story {i}"), "text": story(i)})
        })
        .collect();
    dir.write("corpus.jsonl", jsonl(&records))
}

/// Articles committed so far, read while an ingest may be writing (0 before
/// the store exists).
pub(crate) fn stored_articles(data: &Path) -> i64 {
    Connection::open_with_flags(data.join("chancery.db"), OpenFlags::SQLITE_OPEN_READ_ONLY)
        .and_then(|c| c.query_row("SELECT count(*) FROM articles", [], |r| r.get::<_, i64>(0)))
        .unwrap_or(0)
}

/// An ingest of `corpus` into `data` running in the background, to be killed.
fn spawn_ingest(data: &Path, corpus: &Path) -> std::process::Child {
    chancery()
        .args([
            "ingest".as_ref(),
            "--data".as_ref(),
            data.as_os_str(),
            corpus.as_os_str(),
        ])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

#[test]
fn an_ingest_killed_mid_way_resumes_to_a_complete_sound_corpus() {
    const DOCS: usize = 1_500;
    let dir = TempDir::new("ingest-kill");
    let data = dir.path().join("data");
    let corpus = corpus(&dir, DOCS);

    let mut child = spawn_ingest(&data, &corpus);
    // Wait for the first committed batch, then SIGKILL (Child::kill on Unix).
    let deadline = Instant::now() + Duration::from_secs(120);
    let stored_at_kill = loop {
        let stored = stored_articles(&data);
        if stored > 0 || Instant::now() > deadline {
            child.kill().unwrap();
            break stored;
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let status = child.wait().unwrap();
    assert!(
        !status.success(),
        "the ingest was killed before it finished"
    );
    let after_kill = count(&data, "SELECT count(*) FROM articles");
    assert!(
        stored_at_kill > 0 && (after_kill as usize) < DOCS,
        "killed mid-way: {after_kill} of {DOCS} stored"
    );
    assert_sound(&data);

    let out = ingest(&data, &[&corpus]);
    assert_eq!(out.code(), 0, "{}", out.stderr);
    assert!(
        out.stderr
            .contains(&format!("({after_kill} already in the store)")),
        "the rerun skips what the killed run committed: {}",
        out.stderr
    );
    assert_eq!(count(&data, "SELECT count(*) FROM articles"), DOCS as i64);
    assert_eq!(
        count(&data, "SELECT count(DISTINCT external_id) FROM articles"),
        DOCS as i64
    );
    assert_eq!(
        count(
            &data,
            "SELECT count(*) FROM articles WHERE duplicate_of IS NOT NULL"
        ),
        0
    );
    // Every article's annotations were written with it, never half.
    assert_eq!(
        count(
            &data,
            "SELECT count(*) FROM articles WHERE NOT EXISTS \
             (SELECT 1 FROM entities WHERE entities.article = articles.id)"
        ),
        0
    );
    assert_sound(&data);
}

/// Every article's stored analysis and story, by id.
fn analyses_and_stories(data: &Path) -> Vec<(String, String, Option<i64>)> {
    let conn = db(data);
    let mut statement = conn
        .prepare(
            "SELECT external_id, doc_id, analysis, text, story FROM articles ORDER BY external_id",
        )
        .unwrap();
    let rows = statement
        .query_map([], |r| {
            let (doc_id, blob, text): (String, Vec<u8>, String) = (r.get(1)?, r.get(2)?, r.get(3)?);
            let analysis = chancery_store::decode_analysis_json(&doc_id, &blob, &text).unwrap();
            Ok((r.get(0)?, analysis, r.get(4)?))
        })
        .unwrap();
    rows.map(Result::unwrap).collect()
}

/// Records whose analyses depend on the corpus's registry: officials named
/// in full every hundred records, by surname alone in the others (a bare
/// surname the registry knows resolves to its holder's country and code).
fn registry_corpus(dir: &TempDir, n: usize) -> PathBuf {
    const OFFICIALS: &[(&str, &str)] = &[
        ("French Foreign Minister Ada Korvalainen", "Korvalainen"),
        ("German Finance Minister Bruno Tesselaar", "Tesselaar"),
        ("Italian Interior Minister Carla Vintimiglia", "Vintimiglia"),
        ("Spanish Defence Minister Elena Marquesado", "Marquesado"),
        ("Polish Prime Minister Jonas Wilkoszewski", "Wilkoszewski"),
    ];
    let records: Vec<serde_json::Value> = (0..n)
        .map(|i| {
            let (full, surname) = OFFICIALS[(i / 100) % OFFICIALS.len()];
            let first = if i % 100 == 0 {
                format!("{full} arrived in Berlin on Monday for talks with German officials.")
            } else {
                format!(
                    "{surname} and Korvalainen met German officials in Berlin on Thursday, \
                     officials said."
                )
            };
            json!({"id": format!("doc-{i:04}"), "url": format!("https://news.example/{i}"),
                   "published": "2026-03-02T09:00:00Z",
                   "title": format!("Story {i}"), "text": format!("{first} {}", story(i))})
        })
        .collect();
    dir.write("corpus.jsonl", jsonl(&records))
}

/// A seed for the kill points, printed so a failure can be replayed
/// (`CHANCERY_TEST_SEED`).
fn kill_seed() -> u64 {
    let seed = std::env::var("CHANCERY_TEST_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(1, |d| d.as_nanos() as u64)
        });
    eprintln!("kill points from CHANCERY_TEST_SEED={seed}");
    seed
}

#[test]
fn a_resumed_ingest_stores_what_an_uninterrupted_one_stores() {
    const DOCS: usize = 800;
    let dir = TempDir::new("ingest-exact");
    let corpus = registry_corpus(&dir, DOCS);
    let whole = dir.path().join("whole");
    let out = ingest(&whole, &[&corpus]);
    assert_eq!(out.code(), 0, "{}", out.stderr);
    let expected = analyses_and_stories(&whole);
    assert_eq!(expected.len(), DOCS);

    let mut state = kill_seed() | 1;
    let mut random = |below: u64| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state % below
    };
    let resumed = dir.path().join("resumed");
    let mut kills = 0;
    for _ in 0..3 {
        let before = stored_articles(&resumed);
        let mut child = spawn_ingest(&resumed, &corpus);
        // Once the run has committed something, kill it at a random moment
        // of its next stretch of work.
        let deadline = Instant::now() + Duration::from_secs(120);
        while stored_articles(&resumed) <= before && Instant::now() < deadline {
            if child.try_wait().unwrap().is_some() {
                break;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        std::thread::sleep(Duration::from_millis(random(1_500)));
        if child.try_wait().unwrap().is_none() {
            child.kill().unwrap();
            kills += 1;
        }
        child.wait().unwrap();
        if stored_articles(&resumed) as usize == DOCS {
            break;
        }
    }
    assert!(kills > 0, "no run was killed mid-way");
    let out = ingest(&resumed, &[&corpus]);
    assert_eq!(out.code(), 0, "{}", out.stderr);
    let got = analyses_and_stories(&resumed);
    assert_eq!(got.len(), DOCS);
    let differing: Vec<&str> = expected
        .iter()
        .zip(&got)
        .filter(|(a, b)| a != b)
        .map(|(a, _)| a.0.as_str())
        .collect();
    assert!(
        differing.is_empty(),
        "{} of {DOCS} articles differ after {kills} kills, first {:?}",
        differing.len(),
        &differing[..differing.len().min(5)]
    );
    assert_sound(&resumed);
    // The finished run ended: the next ingest reads the whole registry.
    assert_eq!(
        count(&resumed, "SELECT count(*) FROM ingest_run"),
        0,
        "the run is over"
    );
}
