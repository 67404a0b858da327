//! `chancery search` and `chancery similar` on a small invented corpus:
//! ingest, then stemming, phrases, filters, date ranges, similar articles
//! without the near-duplicate, an index that catches up and rebuilds, and bad
//! input.

use std::path::Path;

use serde_json::{json, Value};

use crate::{run, Output, TempDir};

const TALKS: &str = "Iranian Foreign Minister Abbas Araghchi arrived in Moscow on Monday for \
    talks with Russian President Vladimir Putin. The two sides discussed the nuclear agreement, \
    trade across the Caspian Sea and a new railway corridor. Araghchi told reporters that the \
    talks were constructive and that Tehran wanted closer ties with Moscow. Putin said Russia \
    would support the railway project and invited Iran to a summit later this year. Officials \
    from both ministries will meet again in Tehran next month to prepare the documents.";

/// Seven articles: a1 and its syndicated copy a2, a stub a6, a7 on the same
/// story as a1 in other words, and three on other things.
fn corpus() -> Vec<Value> {
    vec![
        json!({"id": "a1", "url": "https://www.example-news.com/world/iran-russia-talks",
               "title": "Araghchi holds talks with Putin in Moscow", "text": TALKS,
               "published": "2025-02-10", "source": "Example News"}),
        json!({"id": "a2", "url": "https://other-wire.org/iran-russia",
               "title": "Araghchi holds talks with Putin in Moscow",
               "text": format!("{TALKS} Copyright Other Wire, all rights reserved."),
               "published": "2025-02-11", "source": "Other Wire"}),
        json!({"id": "a3", "url": "https://www.example-news.com/local/harbour",
               "title": "Council approves harbour budget",
               "text": "The city council approved a larger budget for the harbour on Wednesday \
                        after a long debate. Councillors voted twelve to three to dredge the \
                        channel and repair the old pier. The mayor said the work would start in \
                        the spring and take two years. Fishermen welcomed the decision but shop \
                        owners worried about noise and traffic during the works.",
               "published": "2025-03-05", "source": "Example News"}),
        json!({"id": "a4", "url": "https://third.net/norway-vote",
               "title": "Norway counts votes in tight election",
               "text": "Norwegians voted on Sunday in an election that polls said was too close \
                        to call. The minister of finance said the prime cost of the new pension \
                        plan would be known by autumn. Turnout was higher than four years ago, \
                        and results are expected overnight. Analysts said the oil fund and taxes \
                        had dominated the campaign.",
               "published": "2024-11-20", "source": "Third"}),
        json!({"id": "a5", "url": "https://third.net/france-budget",
               "title": "French prime minister presents budget",
               "text": "The prime minister of France presented the budget to parliament in Paris \
                        on Tuesday. The plan cuts spending on defence and raises taxes on large \
                        companies. Opposition parties said they would vote against it, and unions \
                        called a strike for next week. The government needs the support of \
                        centrist deputies to pass the bill.",
               "published": "2025-01-15", "source": "Third"}),
        json!({"id": "a6", "url": "https://www.example-news.com/placeholder",
               "title": "Railway summit", "text": "This article will be expanded soon.",
               "published": "2025-02-15", "source": "Example News"}),
        json!({"id": "a7", "url": "https://third.net/caspian-railway",
               "title": "Iran and Russia agree on Caspian railway corridor",
               "text": "Iran and Russia agreed on Friday to build a railway corridor along the \
                        Caspian Sea, officials in Moscow and Tehran said. The deal follows talks \
                        between the foreign ministers earlier this month. Russian engineers will \
                        help lay the track, and Iran will pay for the stations. Trade between the \
                        two countries has grown since the sanctions, and both governments expect \
                        the corridor to carry freight within three years.",
               "published": "2025-02-20", "source": "Third"}),
    ]
}

fn jsonl(articles: &[Value]) -> String {
    articles.iter().map(|a| format!("{a}\n")).collect()
}

/// A data directory with the corpus ingested.
fn ingested(name: &str) -> TempDir {
    let dir = TempDir::new(name);
    let input = dir.write("corpus.jsonl", jsonl(&corpus()));
    let out = run([
        "ingest".as_ref(),
        "--data".as_ref(),
        dir.path().join("data").as_os_str(),
        input.as_os_str(),
    ]);
    assert_eq!(out.code(), 0, "{}", out.stderr);
    dir
}

fn data(dir: &TempDir) -> std::path::PathBuf {
    dir.path().join("data")
}

fn search(data: &Path, args: &[&str]) -> Output {
    let mut all = vec![
        "search",
        "--data",
        data.to_str().unwrap(),
        "--format",
        "json",
    ];
    all.extend_from_slice(args);
    run(all)
}

/// The external ids of the hits of a JSON search, best first.
fn ids(out: &Output) -> Vec<String> {
    assert_eq!(out.code(), 0, "{}", out.stderr);
    out.one_object()["hits"]
        .as_array()
        .expect("hits")
        .iter()
        .map(|hit| hit["external_id"].as_str().unwrap_or("?").to_string())
        .collect()
}

fn sorted(mut ids: Vec<String>) -> Vec<String> {
    ids.sort();
    ids
}

#[test]
fn search_stems_quotes_phrases_and_filters() {
    let dir = ingested("search-basics");
    let data = data(&dir);

    // "elections" finds the article that says only "election".
    assert_eq!(ids(&search(&data, &["elections"])), ["a4"]);
    // Every word must match; a phrase must match as a phrase.
    assert_eq!(ids(&search(&data, &["prime minister"])), ["a5", "a4"]);
    assert_eq!(ids(&search(&data, &["\"prime minister\""])), ["a5"]);
    assert_eq!(
        sorted(ids(&search(&data, &["harbour OR election"]))),
        ["a3", "a4"]
    );
    assert_eq!(ids(&search(&data, &["budget -harbour"])), ["a5"]);

    // The copy (a2) and the stub (a6) are not searchable.
    assert_eq!(ids(&search(&data, &["Putin"])), ["a1"]);
    assert!(ids(&search(&data, &["expanded"])).is_empty());

    // Filters, alone (newest first) or with words.
    assert_eq!(
        ids(&search(&data, &["", "--person", "vladimir putin"])),
        ["a1"]
    );
    assert!(ids(&search(&data, &["", "--person", "putin vladimir"])).is_empty());
    assert_eq!(ids(&search(&data, &["", "--country", "fra"])), ["a5"]);
    assert_eq!(ids(&search(&data, &["", "--country", "IRN"])), ["a7", "a1"]);
    assert_eq!(
        ids(&search(&data, &["railway", "--source", "third.net"])),
        ["a7"]
    );
    assert_eq!(
        ids(&search(
            &data,
            &["railway", "--source", "www.example-news.com"]
        )),
        ["a1"]
    );
    let events = ids(&search(&data, &["", "--event", "04"]));
    assert!(events.contains(&"a1".to_string()), "{events:?}");
    assert!(ids(&search(&data, &["", "--event", "19"])).is_empty());

    // Date ranges: a month, an open end, a single day.
    let february = ["", "--from", "2025-02", "--to", "2025-02"];
    assert_eq!(ids(&search(&data, &february)), ["a7", "a1"]);
    assert_eq!(ids(&search(&data, &["", "--from", "2025-03-01"])), ["a3"]);
    assert_eq!(ids(&search(&data, &["", "--to", "2024"])), ["a4"]);
    assert_eq!(
        ids(&search(&data, &["talks", "--to", "2025-02-10"])),
        ["a1"]
    );
}

#[test]
fn search_json_and_table_output() {
    let dir = ingested("search-output");
    let data = data(&dir);

    let out = search(&data, &["railway", "--limit", "1"]);
    let object = out.one_object();
    assert_eq!(object["total"], 2);
    let hit = &object["hits"][0];
    assert_eq!(hit["published"], "2025-02-20");
    assert_eq!(hit["url"], "https://third.net/caspian-railway");
    let snippet = hit["snippet"]["text"].as_str().unwrap();
    let highlights = hit["snippet"]["highlights"].as_array().unwrap();
    assert!(!highlights.is_empty());
    for range in highlights {
        let (start, end) = (range[0].as_u64().unwrap(), range[1].as_u64().unwrap());
        assert_eq!(
            snippet[start as usize..end as usize].to_lowercase(),
            "railway"
        );
    }

    // A table for people: rank, number, date, title, score; the snippet
    // below with the query's words in brackets (stdout is a pipe here).
    let out = run([
        "search",
        "--data",
        data.to_str().unwrap(),
        "railway",
        "--source",
        "third.net",
    ]);
    assert_eq!(out.code(), 0, "{}", out.stderr);
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(lines[0], "1 of 1 matching articles (5 searched)");
    assert!(
        lines[1].starts_with(
            "  1  #7      2025-02-20  Iran and Russia agree on Caspian railway corridor  "
        ),
        "{}",
        lines[1]
    );
    assert!(
        lines[2]
            .starts_with("      Iran and Russia agreed on Friday to build a [railway] corridor"),
        "{}",
        lines[2]
    );
    // The index was built by the first search of this corpus, not this one.
    assert!(!out.stderr.contains("built"), "{}", out.stderr);

    let out = run(["search", "--data", data.to_str().unwrap(), "zeppelin"]);
    assert_eq!(out.stdout, "no articles match\n");
}

#[test]
fn similar_leaves_out_the_article_its_copies_and_stubs() {
    let dir = ingested("similar");
    let data = data(&dir);
    let similar = |key: &str| {
        let out = run([
            "similar",
            "--data",
            data.to_str().unwrap(),
            key,
            "-k",
            "10",
            "--format",
            "json",
        ]);
        assert_eq!(out.code(), 0, "{}", out.stderr);
        let object = out.one_object();
        let hits: Vec<String> = object["hits"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h["external_id"].as_str().unwrap().to_string())
            .collect();
        (object["article"].clone(), hits)
    };

    // By external id: the same story in other words comes first; the copy
    // and the stub never come.
    let (article, hits) = similar("a1");
    assert_eq!(article["id"], 1);
    assert_eq!(hits[0], "a7");
    for excluded in ["a1", "a2", "a6"] {
        assert!(!hits.contains(&excluded.to_string()), "{hits:?}");
    }
    // By store number, for the copy itself: its original is left out.
    let (article, hits) = similar("2");
    assert_eq!(article["duplicate_of"], 1);
    assert_eq!(hits[0], "a7");
    assert!(!hits.iter().any(|h| h == "a1" || h == "a2"), "{hits:?}");
    // By article id.
    let doc_id = article["doc_id"].as_str().unwrap().to_string();
    assert_eq!(similar(&doc_id).0["id"], 2);

    let out = run(["similar", "--data", data.to_str().unwrap(), "a1", "-k", "1"]);
    assert_eq!(out.code(), 0, "{}", out.stderr);
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(
        lines[0],
        "similar to #1 Araghchi holds talks with Putin in Moscow"
    );
    assert!(lines[1].starts_with("  1  #7 "), "{}", lines[1]);
    assert_eq!(lines.len(), 2);
}

#[test]
fn similar_answers_the_same_every_time() {
    // The demo corpus, whose articles share many words of equal weight:
    // each run is a new process with new hash seeds, and the answer (order
    // and scores) must not depend on them.
    let dir = TempDir::new("similar-demo");
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("demo/articles.jsonl");
    let data = data(&dir);
    let out = run([
        "ingest".as_ref(),
        "--data".as_ref(),
        data.as_os_str(),
        demo.as_os_str(),
    ]);
    assert_eq!(out.code(), 0, "{}", out.stderr);
    let similar = || {
        let out = run(["similar", "--data", data.to_str().unwrap(), "1", "-k", "8"]);
        assert_eq!(out.code(), 0, "{}", out.stderr);
        out.stdout
    };
    let first = similar();
    assert_eq!(first.lines().count(), 9, "{first}");
    for _ in 0..4 {
        assert_eq!(similar(), first);
    }
}

#[test]
fn the_index_catches_up_and_can_be_deleted() {
    let dir = ingested("catch-up");
    let data = data(&dir);
    let out = search(&data, &["harbour"]);
    assert!(
        out.stderr
            .contains("built the search index: 5 new articles"),
        "{}",
        out.stderr
    );
    assert_eq!(ids(&out), ["a3"]);

    let more = dir.write(
        "more.jsonl",
        jsonl(&[
            json!({"id": "a8", "url": "https://third.net/harbour-strike",
            "title": "Harbour workers strike over pay",
            "text": "Workers at the harbour walked out on Thursday in a dispute over pay and \
                     hours. The union said the strike would last until the council agreed to \
                     talks. Ships were diverted to other ports, and the mayor asked both sides \
                     to return to negotiations before the weekend.",
            "published": "2025-03-07", "source": "Third"}),
        ]),
    );
    let out = run([
        "ingest",
        "--data",
        data.to_str().unwrap(),
        more.to_str().unwrap(),
    ]);
    assert_eq!(out.code(), 0, "{}", out.stderr);
    let out = search(&data, &["harbour"]);
    assert!(
        out.stderr
            .contains("updated the search index: 1 new article"),
        "{}",
        out.stderr
    );
    assert_eq!(sorted(ids(&out)), ["a3", "a8"]);
    // Nothing new: nothing said.
    let out = search(&data, &["harbour"]);
    assert_eq!(out.stderr, "");

    // Derived data: delete it and it comes back, the same.
    std::fs::remove_dir_all(data.join("search")).unwrap();
    let out = search(&data, &["harbour"]);
    assert!(
        out.stderr
            .contains("built the search index: 6 new articles"),
        "{}",
        out.stderr
    );
    assert_eq!(sorted(ids(&out)), ["a3", "a8"]);
    let out = search(&data, &["harbour", "--rebuild"]);
    assert!(
        out.stderr.contains("built the search index"),
        "{}",
        out.stderr
    );
}

#[test]
fn the_index_of_another_store_is_rebuilt() {
    let dir = ingested("replaced-store");
    let data = data(&dir);
    assert_eq!(ids(&search(&data, &["harbour"])), ["a3"]);
    // The store is deleted and another corpus ingested in its place; the old
    // index must not answer for it.
    for file in ["chancery.db", "chancery.db-wal", "chancery.db-shm"] {
        let _ = std::fs::remove_file(data.join(file));
    }
    let other = dir.write("other.jsonl", jsonl(&corpus()[4..5]));
    let out = run([
        "ingest",
        "--data",
        data.to_str().unwrap(),
        other.to_str().unwrap(),
    ]);
    assert_eq!(out.code(), 0, "{}", out.stderr);
    let out = search(&data, &["harbour OR budget"]);
    assert!(
        out.stderr.contains("built the search index: 1 new article"),
        "{}",
        out.stderr
    );
    assert_eq!(ids(&out), ["a5"]);
}

#[test]
fn bad_search_input_is_explained() {
    let dir = ingested("search-bad-input");
    let data = data(&dir);
    let data = data.to_str().unwrap();

    let missing = dir.path().join("nowhere");
    let out = run(["search", "--data", missing.to_str().unwrap(), "talks"]);
    assert_eq!(out.code(), 2);
    assert!(
        out.stderr.contains("no chancery corpus at"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("run `chancery ingest"),
        "{}",
        out.stderr
    );
    assert!(!missing.exists(), "a search creates no data directory");
    let out = run(["similar", "--data", missing.to_str().unwrap(), "1"]);
    assert_eq!(out.code(), 2);
    assert!(
        out.stderr.contains("run `chancery ingest"),
        "{}",
        out.stderr
    );

    for (query, says) in [
        ("\"unclosed", "syntax error"),
        ("nosuchfield:talks", "there is no field \"nosuchfield\""),
        ("-talks", "only excludes words"),
    ] {
        let out = run(["search", "--data", data, query]);
        assert_eq!(out.code(), 2, "{query}: {}", out.stdout);
        assert!(
            out.stderr.contains("cannot read the query"),
            "{}",
            out.stderr
        );
        assert!(out.stderr.contains(says), "{query}: {}", out.stderr);
        assert_eq!(out.stdout, "");
    }

    for (args, says) in [
        (vec!["", "--from", "yesterday"], "bad --from \"yesterday\""),
        (vec!["", "--to", "2025-02-30"], "bad --to"),
        (
            vec!["", "--from", "2025-03", "--to", "2025-02"],
            "on or before --to",
        ),
        (vec!["", "--person", "!!"], "bad --person"),
        (vec!["", "--country", "I R N"], "bad --country"),
        (vec![""], "nothing to search for"),
    ] {
        let mut all = vec!["search", "--data", data];
        all.extend(args.iter().copied());
        let out = run(&all);
        assert_eq!(out.code(), 2, "{args:?}");
        assert!(out.stderr.contains(says), "{args:?}: {}", out.stderr);
    }

    let out = run(["similar", "--data", data, "no-such-article"]);
    assert_eq!(out.code(), 2);
    assert!(
        out.stderr.contains("no article \"no-such-article\""),
        "{}",
        out.stderr
    );
    let out = run(["similar", "--data", data, "a1", "-k", "0"]);
    assert_eq!(out.code(), 2);
}

#[test]
fn bench_mode_times_every_request() {
    let dir = ingested("search-bench");
    let data = data(&dir);
    let requests = dir.write(
        "requests.jsonl",
        "{\"query\": \"talks\"}\n\n{\"query\": \"\", \"person\": \"Putin\"}\n",
    );
    let out = run([
        "search",
        "--data",
        data.to_str().unwrap(),
        "--bench",
        requests.to_str().unwrap(),
        "--runs",
        "3",
    ]);
    assert_eq!(out.code(), 0, "{}", out.stderr);
    assert!(
        out.stdout
            .starts_with("2 requests x 3 runs over 5 articles"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("all: p50 "), "{}", out.stdout);
    assert!(out.stdout.contains("(6 searches)"), "{}", out.stdout);

    let bad = dir.write("bad.jsonl", "{\"qeury\": \"talks\"}\n");
    let out = run([
        "search",
        "--data",
        data.to_str().unwrap(),
        "--bench",
        bad.to_str().unwrap(),
    ]);
    assert_eq!(out.code(), 2);
    assert!(
        out.stderr.contains("bad.jsonl:1: not a search request"),
        "{}",
        out.stderr
    );

    let out = run(["similar", "--data", data.to_str().unwrap(), "--bench", "4"]);
    assert_eq!(out.code(), 0, "{}", out.stderr);
    assert!(
        out.stdout.starts_with("similar -k 10 for 4 articles: p50 "),
        "{}",
        out.stdout
    );
}
