//! `chancery entities`: the people of a corpus merged across articles, and the
//! registry feeding back into the next ingest (a bare surname resolves).

use serde_json::Value;

use crate::{news_line as line, run, TempDir};

#[test]
fn people_merge_across_ingests_and_bare_surnames_resolve() {
    let dir = TempDir::new("registry");
    let data = dir.path().join("data");
    let first = dir.write(
        "first.jsonl",
        line(
            "r1",
            "2026-03-02T09:00:00Z",
            "Minister in Berlin",
            "French Foreign Minister Ada Korvalainen arrived in Berlin on Monday for talks \
             with German officials. Korvalainen said the talks would focus on trade.",
        ),
    );
    let second = dir.write(
        "second.jsonl",
        line(
            "r2",
            "2026-03-20T09:00:00Z",
            "Talks go on",
            "Korvalainen met German officials in Berlin on Thursday, officials said. \
             The meeting lasted two hours.",
        ),
    );
    for file in [&first, &second] {
        let output = run([
            "ingest".as_ref(),
            "--quiet".as_ref(),
            "--data".as_ref(),
            data.as_os_str(),
            file.as_os_str(),
        ]);
        assert_eq!(output.code(), 0, "{}", output.stderr);
    }
    let output = run([
        "entities".as_ref(),
        "--data".as_ref(),
        data.as_os_str(),
        "--format".as_ref(),
        "json".as_ref(),
    ]);
    assert_eq!(output.code(), 0, "{}", output.stderr);
    let people = output.json_lines();
    let ada: &Value = people
        .iter()
        .find(|p| p["name"] == "Ada Korvalainen")
        .unwrap_or_else(|| panic!("no Ada Korvalainen in {people:#?}"));
    assert_eq!(ada["country"], "FRA");
    assert_eq!(ada["actor_code"], "FRAGOV");
    assert_eq!(
        ada["articles"], 2,
        "the bare surname of the second article joins her: {ada:#}"
    );
    assert_eq!(ada["first_seen"], "2026-03-02");
    assert_eq!(ada["last_seen"], "2026-03-20");
    let role = &ada["roles"][0];
    assert_eq!(role["title"], "Foreign Minister");
    assert_eq!(role["of"], "FRA");
    assert_eq!(role["evidence"][0]["article"], "r1");

    let table = run([
        "entities".as_ref(),
        "--data".as_ref(),
        data.as_os_str(),
        "--role".as_ref(),
        "minister".as_ref(),
    ]);
    assert!(
        table
            .stdout
            .contains("Ada Korvalainen  [FRA FRAGOV]  2 articles"),
        "{}",
        table.stdout
    );
    let none = run([
        "entities".as_ref(),
        "--data".as_ref(),
        data.as_os_str(),
        "--country".as_ref(),
        "DEU".as_ref(),
    ]);
    assert_eq!(none.code(), 0);
    assert!(!none.stdout.contains("Korvalainen"));
}

#[test]
fn entities_without_a_store_says_to_ingest() {
    let dir = TempDir::new("registry-missing");
    let output = run([
        "entities".as_ref(),
        "--data".as_ref(),
        dir.path().join("nothing").as_os_str(),
    ]);
    assert_eq!(output.code(), 2);
    assert!(
        output.stderr.contains("chancery ingest"),
        "{}",
        output.stderr
    );
}
