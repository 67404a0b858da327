//! `chancery analyze` on JSON Lines: `{id, url, title, text | html}` records in,
//! one output line per record, failures by `FILE:LINE`.

use std::io::Write;

use serde_json::json;

use crate::{run, run_with_stdin, TempDir};

fn records(values: &[serde_json::Value]) -> String {
    values.iter().map(|v| format!("{v}\n")).collect()
}

fn text_record() -> serde_json::Value {
    json!({
        "id": "wire-0001",
        "url": "https://news.example/politics/2025/01/14/budget-vote",
        "title": "Parliament passes budget after all-night session",
        "text": "Parliament passes budget after all-night session\n\n\
                 Lawmakers approved the budget at dawn on Tuesday after a debate that lasted \
                 more than fourteen hours.\n\nThe opposition said it would challenge two of \
                 the spending measures in court.",
    })
}

fn html_record() -> serde_json::Value {
    json!({
        "id": "crawl-77",
        "html": "<html><head><title>Rail strike called off</title></head><body>\
                 <nav><a href=\"/\">Home</a></nav><article><h1>Rail strike called off</h1>\
                 <p>The rail unions called off next week's strike late on Sunday after \
                 the operator improved its pay offer for drivers and guards.</p>\
                 <p>Services will run normally, the operator said, and tickets bought for \
                 the strike days remain valid.</p></article></body></html>",
    })
}

#[test]
fn jsonl_flag_reads_text_and_html_records() {
    let dir = TempDir::new("jsonl-flag");
    let path = dir.write("batch.txt", records(&[text_record(), html_record()]));
    let out = run(["analyze".as_ref(), "--jsonl".as_ref(), path.as_os_str()]);
    assert_eq!(out.code(), 0, "{}", out.stderr);
    let lines = out.json_lines();
    assert_eq!(lines.len(), 2, "one output line per record");

    let text = &lines[0];
    assert_eq!(text["external_id"], "wire-0001");
    assert_eq!(
        text["url"],
        "https://news.example/politics/2025/01/14/budget-vote"
    );
    assert_eq!(
        text["title"],
        "Parliament passes budget after all-night session"
    );
    assert_eq!(text["input_format"], "text");
    let body = text["text"].as_str().unwrap();
    assert!(body.starts_with("Lawmakers approved the budget"), "{body}");
    assert!(
        !body.contains("Parliament passes budget"),
        "the repeated title is removed"
    );

    let html = &lines[1];
    assert_eq!(html["external_id"], "crawl-77");
    assert_eq!(html["input_format"], "html");
    assert_eq!(html["title"], "Rail strike called off");
    assert!(html["text"]
        .as_str()
        .unwrap()
        .starts_with("The rail unions called off"));
    assert_ne!(text["id"], html["id"]);
}

#[test]
fn malformed_line_is_reported_by_file_and_line() {
    let dir = TempDir::new("jsonl-bad");
    let mut content = records(&[text_record()]);
    content.push_str("{\"id\": \"broken\", \"text\": \"no closing\n");
    content.push('\n');
    content.push_str(&records(&[html_record()]));
    content.push_str("[1, 2, 3]\n");
    content.push_str("{\"id\": \"nothing\"}\n");
    let path = dir.write("mixed.jsonl", content);
    let out = run(["analyze".as_ref(), path.as_os_str()]);
    assert_eq!(out.code(), 1, "{}", out.stderr);
    let lines = out.json_lines();
    let ids: Vec<&str> = lines
        .iter()
        .map(|l| l["external_id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        ["wire-0001", "crawl-77"],
        "the good records are still processed"
    );

    let name = path.display().to_string();
    let stderr = &out.stderr;
    assert!(
        stderr.contains(&format!("{name}:2: invalid JSON")),
        "the bad line is named by FILE:LINE: {stderr}"
    );
    assert!(stderr.contains(&format!("{name}:5:")), "{stderr}");
    assert!(stderr.contains(&format!("{name}:6:")), "{stderr}");
    assert!(
        !stderr.contains(&format!("{name}:3:")),
        "blank lines are skipped: {stderr}"
    );
    assert!(stderr.contains("3 of 5 documents failed"), "{stderr}");
}

#[test]
fn gzipped_jsonl_is_detected_by_extension() {
    let dir = TempDir::new("jsonl-gz");
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder
        .write_all(records(&[text_record(), html_record()]).as_bytes())
        .unwrap();
    let path = dir.write("batch.jsonl.gz", encoder.finish().unwrap());
    let out = run(["analyze".as_ref(), path.as_os_str()]);
    assert_eq!(out.code(), 0, "{}", out.stderr);
    let lines = out.json_lines();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["external_id"], "wire-0001");
    assert_eq!(lines[1]["external_id"], "crawl-77");
}

#[test]
fn numbers_are_accepted_as_ids() {
    let dir = TempDir::new("jsonl-numbers");
    let path = dir.write(
        "numbers.jsonl",
        records(&[
            json!({"id": 42, "text": "Bridge reopens\n\nThe bridge reopened to traffic on Friday after repairs."}),
            json!({"id": 7.5, "text": "Market closes higher\n\nShares rose for a third day on Monday."}),
        ]),
    );
    let out = run(["analyze".as_ref(), path.as_os_str()]);
    assert_eq!(out.code(), 0, "{}", out.stderr);
    let lines = out.json_lines();
    assert_eq!(lines[0]["external_id"], "42");
    assert_eq!(lines[1]["external_id"], "7.5");
}

#[test]
fn jsonl_from_stdin() {
    let input = records(&[html_record(), text_record()]);
    let out = run_with_stdin(["analyze", "--jsonl", "-"], Some(input.as_bytes()));
    assert_eq!(out.code(), 0, "{}", out.stderr);
    let ids: Vec<String> = out
        .json_lines()
        .iter()
        .map(|l| l["external_id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(ids, ["crawl-77", "wire-0001"]);
}
