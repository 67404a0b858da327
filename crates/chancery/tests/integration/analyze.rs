//! `chancery analyze` on good input: the contract's shape, pretty and JSON Lines
//! output, directories, stdin, `--body-only` and closed pipes.

use std::io::Read;
use std::process::Stdio;

use serde_json::Value;

use crate::{
    blocks_of_kind, chancery, fixture, good_text, run, run_with_stdin, seed_lookalike, span_text,
    TempDir, CONTRACT_KEYS,
};

const SEED_TITLE: &str =
    "Minister Okafor Carries President’s Letter to Lula: A Turning Point for South–South Ties";

/// Checks every body span of an output object: paragraphs, sentences, summary
/// and key points slice `text` on character boundaries, paragraphs in order.
fn assert_spans_slice_text(object: &Value) {
    let text = object["text"].as_str().expect("text is a string");
    let mut last_end = 0;
    for block in object["paragraphs"].as_array().expect("paragraphs") {
        let slice = span_text(text, block);
        assert!(
            !slice.is_empty() && slice == slice.trim(),
            "block {block} is {slice:?}"
        );
        let start = block["start"].as_u64().unwrap() as usize;
        assert!(start >= last_end, "blocks are in order");
        last_end = block["end"].as_u64().unwrap() as usize;
    }
    for key in ["sentences", "summary", "key_points"] {
        for span in object[key].as_array().expect(key) {
            if span.get("field").is_none() {
                span_text(text, span);
            }
        }
    }
}

#[test]
fn text_file_gives_one_contract_object() {
    let out = run(["analyze".as_ref(), seed_lookalike().as_os_str()]);
    assert_eq!(out.code(), 0, "{}", out.stderr);
    assert_eq!(out.stderr, "");
    assert_eq!(out.stdout.lines().count(), 1, "compact JSON on one line");
    let object = out.one_object();
    for key in CONTRACT_KEYS {
        assert!(object.get(key).is_some(), "key {key:?} is missing");
    }
    assert_eq!(object["schema_version"], 4);
    assert!(object["id"].as_str().is_some_and(|id| !id.is_empty()));

    let text = object["text"].as_str().unwrap();
    assert_eq!(object["title"], SEED_TITLE);
    assert!(
        !text.contains("Minister Okafor Carries"),
        "the title is not in the text"
    );
    assert!(object["flags"]["duplicated_title"].as_bool().unwrap());
    assert_eq!(object["flags"]["stub"], false);
    assert!(text.starts_with("In a notable diplomatic step"));

    let items = blocks_of_kind(&object, "list_item");
    assert_eq!(items.len(), 3, "{items:#?}");
    assert!(items[0].starts_with("Trade and Energy Accord:"));
    assert!(items[2].starts_with("High-level Contacts:"));

    let related = object["related"].as_array().unwrap();
    assert_eq!(related.len(), 6);
    let stubs = related.iter().filter(|r| r["stub"] == true).count();
    assert_eq!(stubs, 2);
    for item in related {
        for key in ["title", "summary", "url", "stub"] {
            assert!(item.get(key).is_some(), "related item has {key:?}");
        }
    }
    assert!(!text.contains("Similar Posts") && !text.contains("will be expanded"));
    assert_spans_slice_text(&object);
}

#[test]
fn html_page_gives_metadata_and_clean_body() {
    let out = run(["analyze".as_ref(), fixture("news_page.html").as_os_str()]);
    assert_eq!(out.code(), 0, "{}", out.stderr);
    let object = out.one_object();
    assert_eq!(object["input_format"], "html");
    assert_eq!(
        object["title"],
        "Lake Tamsin towns vote to share a single water utility"
    );
    assert_eq!(
        object["authors"],
        serde_json::json!(["Dana Okonkwo-Reyes", "Felix Aaltonen"])
    );
    assert_eq!(object["published"]["value"], "2024-05-21T18:05:00-05:00");
    assert_eq!(object["site"], "Lakeland Ledger");
    assert_eq!(
        object["canonical_url"],
        "https://lakelandledger.example/local/2024/05/21/lake-tamsin-water-utility-vote"
    );
    assert_eq!(object["language"], "en");

    let text = object["text"].as_str().unwrap();
    let paragraphs = blocks_of_kind(&object, "paragraph");
    for start in [
        "Voters in Millbrook, Stoney Point and Carver Bay approved a plan",
        "The joint referendum passed in all three towns",
        "Supporters said a single utility",
        "Opponents, most of them in Carver Bay",
        "The merger will take effect on January 1.",
    ] {
        assert!(
            paragraphs.iter().any(|p| p.starts_with(start)),
            "no paragraph starts with {start:?}: {paragraphs:#?}"
        );
    }
    assert!(text.contains("“We share one lake and one set of problems,”"));
    for furniture in [
        "County Government",
        "High School Sports",
        "E-Edition",
        "Related Stories",
        "boil-water notice",
        "algae blooms",
        "Comments (2)",
        "lakeviewer58",
        "My bill went up twice",
        "outvoted again",
        "12 Harbor Street",
        "Terms of Service",
        "Advertise With Us",
        "Copyright 2024",
    ] {
        assert!(
            !text.contains(furniture),
            "{furniture:?} is in the text:\n{text}"
        );
    }
    assert_spans_slice_text(&object);
}

/// The `<time>` dateline under the byline is metadata, not a paragraph.
#[test]
fn html_dateline_is_not_body_text() {
    let out = run(["analyze".as_ref(), fixture("news_page.html").as_os_str()]);
    let object = out.one_object();
    let text = object["text"].as_str().unwrap();
    assert!(
        text.starts_with("Voters in Millbrook"),
        "the body starts with the story: {text:.80}"
    );
    assert!(!text.contains("May 21, 2024"));
}

#[test]
fn pretty_prints_one_indented_object() {
    let path = seed_lookalike();
    let compact = run(["analyze".as_ref(), path.as_os_str()]);
    let pretty = run(["analyze".as_ref(), "--pretty".as_ref(), path.as_os_str()]);
    assert_eq!(pretty.code(), 0, "{}", pretty.stderr);
    assert!(
        pretty.stdout.lines().count() > 20,
        "pretty output spans many lines"
    );
    assert!(pretty.stdout.contains("\n  \"schema_version\": 4,"));
    assert_eq!(pretty.one_object(), compact.one_object());
}

#[test]
fn two_files_give_json_lines_in_order() {
    let dir = TempDir::new("two-files");
    let a = dir.write("a.txt", good_text("parking"));
    let b = dir.write("b.txt", good_text("library"));
    let out = run(["analyze".as_ref(), a.as_os_str(), b.as_os_str()]);
    assert_eq!(out.code(), 0, "{}", out.stderr);
    let lines = out.json_lines();
    assert_eq!(lines.len(), 2, "one line per document");
    assert_eq!(lines[0]["title"], "Council approves new parking plan");
    assert_eq!(lines[1]["title"], "Council approves new library plan");
    assert_eq!(lines[0]["source"], a.display().to_string());
    assert_eq!(lines[1]["source"], b.display().to_string());
    for line in &lines {
        for key in CONTRACT_KEYS {
            assert!(line.get(key).is_some(), "key {key:?} is missing");
        }
    }
}

#[test]
fn directory_with_bad_files_prints_the_good_and_lists_the_bad() {
    let dir = TempDir::new("mixed-dir");
    dir.write("a_good.txt", good_text("harbour"));
    dir.write("empty.txt", "");
    dir.write(
        "news/b_good.html",
        std::fs::read(fixture("news_page.html")).unwrap(),
    );
    dir.write(
        "news/scan.pdf",
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n",
    );
    dir.write("news/deeper/c_good.txt", good_text("bridge"));
    dir.write(".hidden/notes.txt", good_text("hidden"));
    let out = run(["analyze".as_ref(), dir.path().as_os_str()]);

    assert_eq!(out.code(), 1, "a failure makes the exit code 1");
    let lines = out.json_lines();
    let sources: Vec<&str> = lines
        .iter()
        .map(|l| l["source"].as_str().unwrap())
        .collect();
    assert_eq!(sources.len(), 3, "the three good files: {sources:?}");
    for name in ["a_good.txt", "b_good.html", "c_good.txt"] {
        assert!(
            sources.iter().any(|s| s.ends_with(name)),
            "{name} in {sources:?}"
        );
    }
    assert!(
        !out.stdout.contains("Council approves new hidden plan"),
        "hidden folders are skipped"
    );

    let stderr: Vec<&str> = out.stderr.lines().collect();
    assert!(
        stderr.iter().any(|l| l.contains("2 of 5 documents failed")),
        "a summary line: {stderr:#?}"
    );
    let empty_line = stderr
        .iter()
        .find(|l| l.contains("empty.txt"))
        .expect("the empty file is named");
    assert!(empty_line.contains("empty"), "{empty_line}");
    let pdf_line = stderr
        .iter()
        .find(|l| l.contains("scan.pdf"))
        .expect("the PDF is named");
    assert!(pdf_line.contains("PDF"), "{pdf_line}");
    assert_eq!(
        stderr.len(),
        3,
        "a summary and one line per failure: {stderr:#?}"
    );
}

#[test]
fn all_good_directory_exits_zero() {
    let dir = TempDir::new("good-dir");
    dir.write("one.txt", good_text("transit"));
    dir.write("two/three.txt", good_text("school"));
    let out = run(["analyze".as_ref(), dir.path().as_os_str()]);
    assert_eq!(out.code(), 0, "{}", out.stderr);
    assert_eq!(out.stderr, "");
    assert_eq!(out.json_lines().len(), 2);
}

#[test]
fn stdin_dash_and_no_path_read_standard_input() {
    let text = good_text("museum");
    for args in [vec!["analyze", "-"], vec!["analyze"]] {
        let out = run_with_stdin(&args, Some(text.as_bytes()));
        assert_eq!(out.code(), 0, "{args:?}: {}", out.stderr);
        let object = out.one_object();
        assert_eq!(object["title"], "Council approves new museum plan");
        assert_eq!(object["source"], "-");
    }
}

#[test]
fn body_only_keeps_the_input_text_exactly() {
    let path = seed_lookalike();
    let input = std::fs::read_to_string(&path).unwrap();
    let out = run(["analyze".as_ref(), "--body-only".as_ref(), path.as_os_str()]);
    assert_eq!(out.code(), 0, "{}", out.stderr);
    let object = out.one_object();
    assert_eq!(object["text"].as_str(), Some(input.as_str()));
    assert_eq!(object["title"], Value::Null);
    let blocks = object["paragraphs"].as_array().unwrap();
    assert!(!blocks.is_empty());
    for block in blocks {
        let slice = span_text(&input, block);
        assert!(!slice.is_empty(), "block {block} is empty");
        assert_eq!(slice, slice.trim(), "block {block} is not trimmed");
    }
    assert_spans_slice_text(&object);

    // The same from stdin, with Windows line endings kept as they are.
    let crlf = input.replace('\n', "\r\n");
    let out = run_with_stdin(["analyze", "--body-only", "-"], Some(crlf.as_bytes()));
    assert_eq!(out.one_object()["text"].as_str(), Some(crlf.as_str()));
}

/// `chancery analyze … | head -c 10`: the reader goes away early, and chancery
/// ends quietly rather than printing a panic or an error.
fn assert_quiet_on_closed_pipe(args: &[&std::ffi::OsStr]) {
    let mut child = chancery()
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("chancery runs");
    let mut stdout = child.stdout.take().unwrap();
    let mut head = [0u8; 10];
    stdout
        .read_exact(&mut head)
        .expect("some output comes first");
    assert_eq!(head[0], b'{');
    drop(stdout);
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    let status = child.wait().unwrap();
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(
        !stderr.to_lowercase().contains("broken pipe"),
        "a closed pipe is not an error: {stderr}"
    );
    assert_eq!(status.code(), Some(0), "{stderr}");
}

#[test]
fn closed_pipe_on_a_large_document_is_quiet() {
    let dir = TempDir::new("closed-pipe-one");
    // About 600 kB of output, far more than a pipe buffer holds.
    let mut text = String::from("A very long report on the harbour\n\n");
    for i in 0..3000 {
        text.push_str(&format!(
            "Paragraph {i} of the report says the harbour needs new cranes, a wider channel and more berths.\n\n"
        ));
    }
    let path = dir.write("long.txt", text);
    assert_quiet_on_closed_pipe(&["analyze".as_ref(), path.as_os_str()]);
}

#[test]
fn closed_pipe_on_many_documents_is_quiet() {
    let dir = TempDir::new("closed-pipe-many");
    let mut records = String::new();
    for i in 0..600 {
        let record = serde_json::json!({"id": i, "text": good_text(&format!("plan number {i}"))});
        records.push_str(&record.to_string());
        records.push('\n');
    }
    let path = dir.write("many.jsonl", records);
    assert_quiet_on_closed_pipe(&["analyze".as_ref(), path.as_os_str()]);
}
