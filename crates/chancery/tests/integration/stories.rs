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
        ingest(&data, file);
    }
    let story: HashMap<String, i64> = stories_of(&data)
        .into_iter()
        .map(|(id, story)| (id, story.expect("every article has a story")))
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

/// Articles of a few made-up stories, dated over some weeks, with copies.
pub(crate) fn corpus_lines() -> Vec<String> {
    let mut lines = Vec::new();
    for week in 0..4 {
        for (n, (title, text)) in [
            ("Earthquake in Valdor province", QUAKE),
            ("Mirelia election", ELECTION),
            ("Valdor quake toll rises", QUAKE_LATER),
        ]
        .iter()
        .enumerate()
        {
            let day = format!("2026-05-{:02}", 1 + week * 7 + n);
            let text = format!("{text} Report {week} from the desk of bureau {n}.");
            lines.push(line(&format!("w{week}-{n}"), &day, title, &text));
        }
    }
    lines
}

pub(crate) fn ingest(data: &std::path::Path, file: &std::path::Path) {
    let output = run([
        "ingest".as_ref(),
        "--quiet".as_ref(),
        "--data".as_ref(),
        data.as_os_str(),
        file.as_os_str(),
    ]);
    assert_eq!(output.code(), 0, "{}", output.stderr);
}

pub(crate) fn stories_of(data: &std::path::Path) -> Vec<(String, Option<i64>)> {
    let output = run([
        "stories".as_ref(),
        "--data".as_ref(),
        data.as_os_str(),
        "--format".as_ref(),
        "jsonl".as_ref(),
    ]);
    assert_eq!(output.code(), 0, "{}", output.stderr);
    output
        .json_lines()
        .iter()
        .map(|l| (l["id"].as_str().unwrap().to_string(), l["story"].as_i64()))
        .collect()
}

/// The rows of `story_state` and `story_clusters`.
type SavedTables = (Vec<(String, Vec<u8>)>, Vec<(i64, Vec<u8>)>);

/// The saved clusterer continues where the last ingest stopped: ingesting in
/// four runs gives the stories of one run over everything, and a run killed
/// after storing articles but before their stories is caught up by the next.
#[test]
fn saved_stories_equal_a_single_run_and_survive_a_kill() {
    let dir = TempDir::new("stories-saved");
    let lines = corpus_lines();
    let whole = dir.path().join("whole");
    ingest(&whole, &dir.write("all.jsonl", lines.concat()));
    let expected = stories_of(&whole);
    assert!(expected.iter().all(|(_, s)| s.is_some()), "{expected:?}");
    // Ingest settled at its end: settling again on demand moves nothing.
    let settled = run([
        "stories".as_ref(),
        "--settle".as_ref(),
        "--data".as_ref(),
        whole.as_os_str(),
    ]);
    assert_eq!(settled.code(), 0, "{}", settled.stderr);
    assert!(
        settled.stderr.contains("0 articles moved"),
        "{}",
        settled.stderr
    );
    assert_eq!(stories_of(&whole), expected);

    let parts = dir.path().join("parts");
    let chunks: Vec<_> = lines.chunks(3).collect();
    for (i, chunk) in chunks.iter().enumerate() {
        ingest(
            &parts,
            &dir.write(&format!("part{i}.jsonl"), chunk.concat()),
        );
    }
    assert_eq!(stories_of(&parts), expected, "four runs, one result");

    // A kill between the two transactions of a batch: articles stored, their
    // stories and the clusterer's state not. Made here by putting back the
    // state saved before the last run and clearing that run's story ids.
    let killed = dir.path().join("killed");
    let (head, last) = chunks.split_at(chunks.len() - 1);
    ingest(&killed, &dir.write("head.jsonl", head.concat().concat()));
    let db = killed.join("chancery.db");
    let saved = |conn: &rusqlite::Connection| -> SavedTables {
        let state = conn
            .prepare("SELECT name, value FROM story_state")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        let clusters = conn
            .prepare("SELECT story, state FROM story_clusters")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        (state, clusters)
    };
    let before = saved(&rusqlite::Connection::open(&db).unwrap());
    let stored_before: i64 = rusqlite::Connection::open(&db)
        .unwrap()
        .query_row("SELECT max(id) FROM articles", [], |r| r.get(0))
        .unwrap();
    let stories_before: Vec<(i64, Option<i64>)> = rusqlite::Connection::open(&db)
        .unwrap()
        .prepare("SELECT id, story FROM articles")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    ingest(&killed, &dir.write("last.jsonl", last[0].concat()));
    {
        let conn = rusqlite::Connection::open(&db).unwrap();
        conn.execute_batch("DELETE FROM story_state; DELETE FROM story_clusters;")
            .unwrap();
        for (name, value) in &before.0 {
            conn.execute(
                "INSERT INTO story_state (name, value) VALUES (?1, ?2)",
                (name, value),
            )
            .unwrap();
        }
        for (story, state) in &before.1 {
            conn.execute(
                "INSERT INTO story_clusters (story, state) VALUES (?1, ?2)",
                (story, state),
            )
            .unwrap();
        }
        conn.execute(
            "UPDATE articles SET story = NULL WHERE id > ?1",
            [stored_before],
        )
        .unwrap();
        // The last run's settle pass may have moved earlier articles too:
        // their stories go back with the state.
        for (id, story) in &stories_before {
            conn.execute("UPDATE articles SET story = ?1 WHERE id = ?2", (story, id))
                .unwrap();
        }
    }
    assert!(stories_of(&killed).iter().any(|(_, s)| s.is_none()));
    // The next ingest (nothing new in it) catches up.
    ingest(&killed, &dir.write("empty.jsonl", String::new()));
    assert_eq!(stories_of(&killed), expected, "a killed run is caught up");
}

/// A store whose clusterer was saved by an older chancery (story state
/// format 2: key terms without when they were posted) is not half-used: the
/// next ingest says so, rebuilds the stories from the stored articles and
/// saves them in the current format, and they are a single run's.
#[test]
fn a_state_of_an_older_format_is_rebuilt_from_the_articles() {
    let dir = TempDir::new("stories-format");
    let lines = corpus_lines();
    let whole = dir.path().join("whole");
    ingest(&whole, &dir.write("all.jsonl", lines.concat()));
    let expected = stories_of(&whole);

    let data = dir.path().join("data");
    let (head, tail) = lines.split_at(lines.len() / 2);
    ingest(&data, &dir.write("head.jsonl", head.concat()));
    let db = data.join("chancery.db");
    let format = |conn: &rusqlite::Connection| -> u32 {
        let header: Vec<u8> = conn
            .query_row(
                "SELECT value FROM story_state WHERE name = 'header'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        u32::from_le_bytes(header[..4].try_into().unwrap())
    };
    {
        let conn = rusqlite::Connection::open(&db).unwrap();
        assert_eq!(format(&conn), 4);
        // What the earlier chancery wrote first in its header.
        conn.execute(
            "UPDATE story_state SET value = CAST(x'02000000' || substr(value, 5) AS BLOB) \
             WHERE name = 'header'",
            [],
        )
        .unwrap();
        assert_eq!(format(&conn), 2);
    }
    let out = run([
        "ingest".as_ref(),
        "--quiet".as_ref(),
        "--data".as_ref(),
        data.as_os_str(),
        dir.write("tail.jsonl", tail.concat()).as_os_str(),
    ]);
    assert_eq!(out.code(), 0, "{}", out.stderr);
    assert!(
        out.stderr.contains("another version") && out.stderr.contains("rebuilding the stories"),
        "{}",
        out.stderr
    );
    assert_eq!(format(&rusqlite::Connection::open(&db).unwrap()), 4);
    assert_eq!(stories_of(&data), expected, "rebuilt, then as one run");
}
