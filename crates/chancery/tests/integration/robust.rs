//! Fault isolation and input edges: a document that makes chancery panic
//! costs only itself, every real page the repository holds analyses without
//! one, and walking folders survives FIFOs and symbolic-link loops.

use std::path::{Path, PathBuf};
use std::process::Stdio;

use rusqlite::{Connection, OpenFlags};
use serde_json::json;

use crate::{chancery, good_text, run, Output, TempDir};

/// The variable that makes debug builds panic on a marked document.
const MARKER_VAR: &str = "CHANCERY_TEST_PANIC_MARKER";
const MARKER: &str = "Xyzzyplugh";

fn run_with_marker(args: &[&std::ffi::OsStr]) -> Output {
    let out = chancery()
        .args(args)
        .env(MARKER_VAR, MARKER)
        .stdin(Stdio::null())
        .output()
        .expect("chancery runs");
    let output = Output {
        status: out.status,
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    };
    output.assert_no_panic();
    output
}

fn articles(data: &Path) -> i64 {
    Connection::open_with_flags(data.join("chancery.db"), OpenFlags::SQLITE_OPEN_READ_ONLY)
        .unwrap()
        .query_row("SELECT count(*) FROM articles", [], |r| r.get(0))
        .unwrap()
}

fn records(marked: usize) -> String {
    let mut lines = String::new();
    for n in 0..4 {
        let mut text = good_text(&format!("harbours{n}"));
        if n == marked {
            text.push_str(&format!("\n\nThe {MARKER} committee met."));
        }
        lines.push_str(
            &json!({"id": format!("doc-{n}"), "title": format!("Story {n}"), "text": text})
                .to_string(),
        );
        lines.push('\n');
    }
    lines
}

#[test]
fn a_panicking_document_costs_only_itself_in_ingest() {
    let dir = TempDir::new("fault-ingest");
    let data = dir.path().join("data");
    let input = dir.write("batch.jsonl", records(1));
    let out = run_with_marker(&[
        "ingest".as_ref(),
        "--data".as_ref(),
        data.as_os_str(),
        input.as_os_str(),
    ]);
    assert_eq!(out.code(), 1, "{}", out.stderr);
    assert!(
        out.stderr.contains("batch.jsonl:2: internal error"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("failed:          1"), "{}", out.stderr);
    assert_eq!(articles(&data), 3);
    // A resume does not die on it either, and adds nothing twice.
    let again = run_with_marker(&[
        "ingest".as_ref(),
        "--data".as_ref(),
        data.as_os_str(),
        input.as_os_str(),
    ]);
    assert_eq!(again.code(), 1, "{}", again.stderr);
    assert_eq!(articles(&data), 3);
}

#[test]
fn a_panicking_document_costs_only_itself_in_analyze() {
    let dir = TempDir::new("fault-analyze");
    let input = dir.write("batch.jsonl", records(2));
    let out = run_with_marker(&["analyze".as_ref(), input.as_os_str()]);
    assert_eq!(out.code(), 1, "{}", out.stderr);
    assert_eq!(out.json_lines().len(), 3, "{}", out.stderr);
    assert!(
        out.stderr.contains("batch.jsonl:3: internal error"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("1 of 4 documents failed"),
        "{}",
        out.stderr
    );
}

/// The straddling page of the issue: a name at the end of the title and
/// one opening the body used to make one token range across both.
#[test]
fn a_title_and_body_that_straddle_do_not_panic() {
    let dir = TempDir::new("straddle");
    let line = json!({
        "title": "Mit der richtigen Konfliktkultur zum Erfolg - ERFOLG Magazin",
        "text": "Magazin Berlin Paris: Konflikte gehören zum Alltag. \u{201e}Streit ist normal\u{201c}, sagt Anna Berg.\n\nErfolg Magazin Redaktion sagte, man müsse reden.",
    });
    let input = dir.write("page.jsonl", format!("{line}\n"));
    let out = run(["analyze".as_ref(), input.as_os_str()]);
    assert_eq!(out.code(), 0, "{}", out.stderr);
}

/// Every real page the repository holds (extraction fixtures, the demo
/// corpus, the NLP fixtures): analysis may refuse a page, never panic.
#[test]
fn every_real_page_in_the_repository_analyses_without_a_panic() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let inputs: Vec<PathBuf> = [
        "chancery-extract/tests/fixtures",
        "chancery-nlp/tests/fixtures",
        "chancery/tests/integration/fixtures",
        "chancery/demo/articles.jsonl",
    ]
    .iter()
    .map(|p| root.join(p))
    .filter(|p| p.exists())
    .collect();
    let mut args: Vec<&std::ffi::OsStr> = vec!["analyze".as_ref()];
    args.extend(inputs.iter().map(|p| p.as_os_str()));
    let out = run(args);
    assert!(out.code() == 0 || out.code() == 1, "{}", out.stderr);
    assert!(out.json_lines().len() > 20, "{}", out.stderr);
    assert!(!out.stderr.contains("internal error"), "{}", out.stderr);
}

#[cfg(unix)]
#[test]
fn walking_skips_fifos_and_enters_each_folder_once() {
    let dir = TempDir::new("walk-edges");
    let docs = dir.path().join("docs");
    dir.write("docs/a.txt", good_text("rivers"));
    dir.write("docs/sub/b.txt", good_text("bridges"));
    std::os::unix::fs::symlink(".", docs.join("self")).unwrap();
    std::os::unix::fs::symlink("..", docs.join("sub/up")).unwrap();
    std::os::unix::fs::symlink(".", docs.join("sub/again")).unwrap();
    let fifo = docs.join("pipe.txt");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    let out = run(["analyze".as_ref(), docs.as_os_str()]);
    assert_eq!(out.code(), 0, "{}", out.stderr);
    // Each file once, whatever the links.
    assert_eq!(out.json_lines().len(), 2, "{}", out.stderr);
    assert!(out.stderr.contains("already walked"), "{}", out.stderr);
    if made.is_ok_and(|s| s.success()) {
        assert!(
            out.stderr
                .contains("pipe.txt: skipped, not a regular file (a FIFO)"),
            "{}",
            out.stderr
        );
    }
}

#[test]
fn json_lines_on_standard_input_are_records() {
    let lines = format!(
        "{}\n{}\n",
        json!({"id": "s1", "title": "One", "text": good_text("ferries")}),
        json!({"id": "s2", "title": "Two", "text": good_text("tunnels")})
    );
    let out = crate::run_with_stdin(["analyze"], Some(lines.as_bytes()));
    assert_eq!(out.code(), 0, "{}", out.stderr);
    let objects = out.json_lines();
    assert_eq!(objects.len(), 2);
    assert_eq!(objects[0]["title"], "One");
}

#[test]
fn wrong_typed_fields_are_reported_by_line() {
    let dir = TempDir::new("typed");
    let lines = format!(
        "{}\n{}\n{}\n",
        json!({"id": 7, "title": "Fine", "text": good_text("canals")}),
        json!({"title": "Dated", "published": 12345, "text": good_text("locks")}),
        json!({"title": ["not", "a", "title"], "text": good_text("weirs")})
    );
    let input = dir.write("typed.jsonl", lines);
    let out = run(["analyze".as_ref(), input.as_os_str()]);
    assert_eq!(out.code(), 1, "{}", out.stderr);
    assert_eq!(out.json_lines().len(), 1);
    assert!(
        out.stderr
            .contains("typed.jsonl:2: field \"published\" is a number"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr
            .contains("typed.jsonl:3: field \"title\" is an array"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("2 of 3 documents failed"),
        "{}",
        out.stderr
    );
}

#[test]
fn an_empty_database_file_is_refused_by_ingest() {
    let dir = TempDir::new("empty-db");
    let data = dir.path().join("data");
    std::fs::create_dir_all(&data).unwrap();
    std::fs::write(data.join("chancery.db"), b"").unwrap();
    let doc = dir.write("a.txt", good_text("quays"));
    let out = run([
        "ingest".as_ref(),
        "--data".as_ref(),
        data.as_os_str(),
        doc.as_os_str(),
    ]);
    assert_eq!(out.code(), 2, "{}", out.stderr);
    assert!(out.stderr.contains("is empty (0 bytes)"), "{}", out.stderr);
    assert_eq!(
        std::fs::metadata(data.join("chancery.db")).unwrap().len(),
        0
    );
    let out = run(["verify".as_ref(), "--data".as_ref(), data.as_os_str()]);
    assert_eq!(out.code(), 2, "{}", out.stderr);
}

/// `verify` passes a fresh corpus and finds a same-length overwrite inside
/// a stored text, which SQLite's own checks cannot see.
#[test]
fn verify_finds_a_same_length_overwrite() {
    let dir = TempDir::new("verify");
    let data = dir.path().join("data");
    let a = dir.write("a.txt", good_text("piers"));
    let b = dir.write("b.txt", good_text("docks"));
    let out = run([
        "ingest".as_ref(),
        "--data".as_ref(),
        data.as_os_str(),
        a.as_os_str(),
        b.as_os_str(),
    ]);
    assert_eq!(out.code(), 0, "{}", out.stderr);
    let out = run([
        "search".as_ref(),
        "--data".as_ref(),
        data.as_os_str(),
        "council".as_ref(),
    ]);
    assert_eq!(out.code(), 0, "{}", out.stderr);
    let out = run(["verify".as_ref(), "--data".as_ref(), data.as_os_str()]);
    assert_eq!(out.code(), 0, "{}{}", out.stdout, out.stderr);
    assert!(out.stdout.contains("the corpus is sound"), "{}", out.stdout);

    let db = Connection::open(data.join("chancery.db")).unwrap();
    let changed = db
        .execute(
            "UPDATE articles SET text = replace(text, 'council', 'COUNCIL') WHERE id = 1",
            [],
        )
        .unwrap();
    assert_eq!(changed, 1);
    drop(db);
    let out = run(["verify".as_ref(), "--data".as_ref(), data.as_os_str()]);
    assert_eq!(out.code(), 1, "{}", out.stdout);
    assert!(
        out.stdout
            .contains("CHANGED since they were written (1): #1"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("with other text than the store's"),
        "{}",
        out.stdout
    );
}
