//! `chancery stories`: articles of one story share a story id, across ingest
//! runs (the clusterer replays what is stored), and copies join their original's.

use std::collections::HashMap;

use crate::{news_line, run, TempDir};

fn line(id: &str, day: &str, title: &str, text: &str) -> String {
    news_line(id, &format!("{day}T08:00:00Z"), title, text)
}

const QUAKE: &str =
    "A strong earthquake of magnitude 6.8 struck the mountain province of Valdor on \
    Tuesday, collapsing houses in three villages and cutting the main highway to the capital. \
    Rescue teams from the Red Crescent searched the rubble through the night, and the provincial \
    governor said at least 40 people had died in the quake and its aftershocks.";
const ELECTION: &str =
    "Voters in the coastal republic of Mirelia chose a new parliament on Sunday in \
    an election the opposition called the most open in a decade. Turnout reached 71 percent, the \
    electoral commission said, and the ruling party conceded defeat in the capital's districts \
    before the final count of ballots was published.";
const QUAKE_LATER: &str = "The death toll from Tuesday's earthquake in Valdor province rose to 63 as \
    rescue teams reached the last of the three collapsed mountain villages, the provincial governor \
    said. Aftershocks of magnitude 5 kept survivors in tents near the damaged highway, and the Red \
    Crescent appealed for blankets and clean water for the quake victims.";

#[test]
fn stories_continue_across_ingests() {
    let dir = TempDir::new("stories");
    let data = dir.path().join("data");
    let first = dir.write(
        "first.jsonl",
        line(
            "q1",
            "2026-05-05",
            "Earthquake kills 40 in Valdor province",
            QUAKE,
        ) + &line(
            "e1",
            "2026-05-06",
            "Mirelia votes in open election",
            ELECTION,
        ) + &line(
            "q1-copy",
            "2026-05-05",
            "Earthquake kills 40 in Valdor province.",
            &QUAKE.replace("Tuesday", "Tuesday evening"),
        ),
    );
    let second = dir.write(
        "second.jsonl",
        line(
            "q2",
            "2026-05-07",
            "Valdor earthquake toll rises to 63",
            QUAKE_LATER,
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
        "stories".as_ref(),
        "--data".as_ref(),
        data.as_os_str(),
        "--format".as_ref(),
        "jsonl".as_ref(),
    ]);
    assert_eq!(output.code(), 0, "{}", output.stderr);
    let story: HashMap<String, i64> = output
        .json_lines()
        .iter()
        .map(|l| {
            (
                l["id"].as_str().unwrap().to_string(),
                l["story"].as_i64().expect("every article has a story"),
            )
        })
        .collect();
    assert_eq!(story.len(), 4, "{story:?}");
    assert_eq!(
        story["q1"], story["q2"],
        "the follow-up continues the story: {story:?}"
    );
    assert_eq!(
        story["q1"], story["q1-copy"],
        "a copy joins its original's story: {story:?}"
    );
    assert_ne!(story["q1"], story["e1"], "{story:?}");

    let table = run(["stories".as_ref(), "--data".as_ref(), data.as_os_str()]);
    assert!(
        table
            .stdout
            .contains("Earthquake kills 40 in Valdor province"),
        "{}",
        table.stdout
    );
    let missing = run([
        "stories".as_ref(),
        "--data".as_ref(),
        dir.path().join("none").as_os_str(),
    ]);
    assert_eq!(missing.code(), 2);
    assert!(
        missing.stderr.contains("chancery ingest"),
        "{}",
        missing.stderr
    );
}
