//! `chancery export`: a fixture corpus (four invented wire stories, one a
//! syndicated copy) ingested through the binary, exported in every format
//! and read back by `export_roundtrip.py`, a reader that uses only Python's
//! standard library (`.ci/run` runs it again with pyarrow for Parquet).
//! Then the bad input: an unknown format, paths that cannot be written, a
//! filter that matches nothing, a store of another version.

use std::path::{Path, PathBuf};
use std::process::Command;

use rusqlite::Connection;

use crate::{run, Output, TempDir};

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/integration/fixtures/export/corpus.jsonl")
}

fn reader_script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/integration/export_roundtrip.py")
}

/// A data directory with the fixture corpus ingested.
fn ingested(dir: &TempDir) -> PathBuf {
    let data = dir.path().join("data");
    let out = run([
        "ingest".as_ref(),
        "--quiet".as_ref(),
        "--data".as_ref(),
        data.as_os_str(),
        corpus().as_os_str(),
    ]);
    assert_eq!(out.code(), 0, "{}", out.stderr);
    data
}

fn export(data: &Path, args: &[&str]) -> Output {
    let mut all = vec![
        "export".to_string(),
        "--data".to_string(),
        data.display().to_string(),
    ];
    all.extend(args.iter().map(|a| a.to_string()));
    run(all)
}

/// Every format under the names `export_roundtrip.py` reads.
fn export_all(data: &Path, folder: &Path) {
    for (format, name) in [
        ("gdelt-events", "events.tsv"),
        ("gdelt-mentions", "mentions.tsv"),
        ("gdelt-gkg", "gkg.tsv"),
        ("plover", "plover.jsonl"),
        ("jsonl", "analyses.jsonl"),
        ("csv", "csv"),
        ("parquet", "parquet"),
    ] {
        let path = folder.join(name);
        let out = export(
            data,
            &["--format", format, "-o", &path.display().to_string()],
        );
        assert_eq!(out.code(), 0, "{format}: {}", out.stderr);
        assert!(out.stderr.contains("exported"), "{format}: {}", out.stderr);
        assert!(
            path.exists(),
            "{format} wrote nothing at {}",
            path.display()
        );
    }
}

#[test]
fn every_format_reads_back_with_an_independent_reader() {
    let dir = TempDir::new("export-all");
    let data = ingested(&dir);
    let folder = dir.path().join("out");
    std::fs::create_dir_all(&folder).unwrap();
    export_all(&data, &folder);
    let reader = Command::new("python3")
        .arg(reader_script())
        .arg(&folder)
        .output()
        .expect("python3 runs (the round trip needs it; install python3)");
    assert!(
        reader.status.success(),
        "{}{}",
        String::from_utf8_lossy(&reader.stdout),
        String::from_utf8_lossy(&reader.stderr)
    );
    // Parquet is read back by pyarrow in .ci/run; here, its framing.
    for table in ["articles", "entities", "mentions", "quotes", "events"] {
        let bytes = std::fs::read(folder.join("parquet").join(format!("{table}.parquet"))).unwrap();
        assert!(
            bytes.starts_with(b"PAR1") && bytes.ends_with(b"PAR1"),
            "{table}"
        );
    }
    // No partial files are left beside the finished ones.
    let leftovers: Vec<_> = walk(&folder)
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "part"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

fn walk(folder: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(folder).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            found.extend(walk(&path));
        } else {
            found.push(path);
        }
    }
    found
}

#[test]
fn stdout_is_the_default_and_filters_narrow_the_articles() {
    let dir = TempDir::new("export-filters");
    let data = ingested(&dir);
    let all = export(&data, &["--format", "jsonl"]);
    assert_eq!(all.code(), 0, "{}", all.stderr);
    assert_eq!(all.json_lines().len(), 3);
    let chile = export(&data, &["--format", "jsonl", "--country", "CHL"]);
    let lines = chile.json_lines();
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["external_id"], "wire-4");
    let april = export(
        &data,
        &["-f", "jsonl", "--from", "2025-04", "--to", "2025-04"],
    );
    assert_eq!(april.json_lines().len(), 1);
    let host = export(&data, &["-f", "jsonl", "--source", "example-news.org"]);
    assert_eq!(host.json_lines()[0]["external_id"], "wire-1");
    let gdelt = export(&data, &["-f", "gdelt-events"]);
    assert!(
        !gdelt.stdout.starts_with("GLOBALEVENTID"),
        "no header by default"
    );
    let rows = gdelt.stdout.lines().count();
    let with_header = export(&data, &["-f", "gdelt-events", "--header"]);
    assert!(with_header.stdout.starts_with("GLOBALEVENTID\tSQLDATE\t"));
    assert_eq!(with_header.stdout.lines().count(), rows + 1);
}

#[test]
fn a_filter_that_matches_nothing_writes_the_header_and_succeeds() {
    let dir = TempDir::new("export-empty");
    let data = ingested(&dir);
    let out = export(
        &data,
        &["--format", "gdelt-gkg", "--country", "ZZZ", "--header"],
    );
    assert_eq!(out.code(), 0, "{}", out.stderr);
    assert_eq!(out.stdout.lines().count(), 1);
    assert!(out.stdout.starts_with("GKGRECORDID\tV2.1DATE\t"));
    assert!(
        out.stderr.contains("no articles match the filters"),
        "{}",
        out.stderr
    );
    let folder = dir.path().join("empty-csv");
    let out = export(
        &data,
        &[
            "-f",
            "csv",
            "--from",
            "2030",
            "-o",
            &folder.display().to_string(),
        ],
    );
    assert_eq!(out.code(), 0, "{}", out.stderr);
    let events = std::fs::read_to_string(folder.join("events.csv")).unwrap();
    assert_eq!(events.lines().count(), 1);
    assert!(events.starts_with("article,event,gdelt_event_id,code,"));
}

#[test]
fn an_unknown_format_lists_the_known_ones() {
    let dir = TempDir::new("export-format");
    let data = ingested(&dir);
    let out = export(&data, &["--format", "gdelt"]);
    assert_eq!(out.code(), 2);
    assert!(
        out.stderr.contains("unknown export format `gdelt`")
            && out
                .stderr
                .contains("gdelt-events, gdelt-mentions, gdelt-gkg, plover"),
        "{}",
        out.stderr
    );
    assert!(out.stdout.is_empty());
}

#[test]
fn paths_that_cannot_be_written_are_named() {
    let dir = TempDir::new("export-paths");
    let data = ingested(&dir);
    let missing = dir.path().join("no-such-folder").join("events.tsv");
    let out = export(
        &data,
        &["-f", "gdelt-events", "-o", &missing.display().to_string()],
    );
    assert_eq!(out.code(), 2);
    assert!(
        out.stderr.contains("cannot write") && out.stderr.contains("no-such-folder"),
        "{}",
        out.stderr
    );
    let file = dir.write("a-file", "x");
    let out = export(&data, &["-f", "csv", "-o", &file.display().to_string()]);
    assert_eq!(out.code(), 2);
    assert!(out.stderr.contains("is a file"), "{}", out.stderr);
    let out = export(&data, &["-f", "parquet"]);
    assert_eq!(out.code(), 2);
    assert!(out.stderr.contains("-o FOLDER"), "{}", out.stderr);
    let out = export(
        &data,
        &["-f", "plover", "-o", &dir.path().display().to_string()],
    );
    assert_eq!(out.code(), 2);
    assert!(out.stderr.contains("is a folder"), "{}", out.stderr);
    let out = export(&data, &["-f", "plover", "--from", "last week"]);
    assert_eq!(out.code(), 2);
    assert!(out.stderr.contains("YYYY-MM-DD"), "{}", out.stderr);
}

#[test]
fn a_store_of_another_version_says_what_to_run() {
    let dir = TempDir::new("export-version");
    let data = ingested(&dir);
    let conn = Connection::open(data.join("chancery.db")).unwrap();
    conn.pragma_update(None, "user_version", 0).unwrap();
    drop(conn);
    let out = export(&data, &["-f", "jsonl"]);
    assert_eq!(out.code(), 2);
    assert!(
        out.stderr.contains("older chancery") && out.stderr.contains("ingest the corpus again"),
        "{}",
        out.stderr
    );
    let missing = dir.path().join("nothing-here");
    let out = export(&missing, &["-f", "jsonl"]);
    assert_eq!(out.code(), 2);
    assert!(
        out.stderr.contains("run `chancery ingest`"),
        "{}",
        out.stderr
    );
}
