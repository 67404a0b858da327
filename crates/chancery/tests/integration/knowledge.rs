//! `chancery analyze --kb`: user tables and PETRARCH dictionaries extend the
//! built-in knowledge base; malformed ones stop the run with a clear message.

use serde_json::Value;

use crate::{good_text, run, span_text, TempDir};

const ARTICLE: &str = "Freedonia Talks Resume\n\n\
The Freedonia Liberation Front said on Monday that talks would resume. \
Commander Rufus Tarn, the FLF's chief negotiator, met envoys in Sylvania.\n";

fn entity<'a>(object: &'a Value, name: &str) -> &'a Value {
    object["entities"]
        .as_array()
        .expect("entities")
        .iter()
        .find(|e| e["name"] == name)
        .unwrap_or_else(|| panic!("no entity {name} in {:#}", object["entities"]))
}

#[test]
fn user_tables_link_organizations_and_countries() {
    let dir = TempDir::new("kb");
    let article = dir.write("story.txt", ARTICLE);
    dir.write(
        "tables/countries.tsv",
        "# invented countries for a test\nalpha3\talpha2\tname\talt_names\tdemonyms\tcapital\tcapital_alt\tseats\tstatus\n\
         FRD\tFD\tFreedonia\t\tFreedonian|Freedonians\tFredville\t\t\tother\n\
         SYL\tSY\tSylvania\t\tSylvanian\tSylburg\t\t\tother\n",
    );
    dir.write(
        "tables/groups.tsv",
        "name\taliases\tcountry\tsector\tkind\nFreedonia Liberation Front\tFLF\tFRD\tREB\tarmed_group\n",
    );
    let output = run([
        "analyze".as_ref(),
        "--kb".as_ref(),
        dir.path().join("tables").as_os_str(),
        article.as_os_str(),
    ]);
    assert_eq!(output.code(), 0, "{}", output.stderr);
    let object = output.one_object();
    let front = entity(&object, "Freedonia Liberation Front");
    assert_eq!(front["actor_code"], "FRDREB");
    assert!(front["aliases"]
        .as_array()
        .unwrap()
        .iter()
        .any(|a| a == "FLF"));
    let tarn = entity(&object, "Rufus Tarn");
    assert_eq!(tarn["actor_code"], "FRDREB", "{tarn:#}");
    let sylvania = object["entities"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["country"] == "SYL");
    assert!(sylvania.is_some(), "{:#}", object["entities"]);
}

#[test]
fn petrarch_actor_dictionaries_give_dated_codes() {
    let dir = TempDir::new("kb-petrarch");
    let record = |id: &str, published: &str| {
        format!(
            "{{\"id\":\"{id}\",\"title\":\"Envoy Visits\",\"published\":\"{published}\",\
             \"text\":\"The envoy Rufus Tarn arrived on Monday. Tarn said little.\"}}\n"
        )
    };
    let input = dir.write(
        "stories.jsonl",
        record("old", "2015-03-02") + &record("new", "2022-01-10"),
    );
    let dictionary = dir.write(
        "test.actors.txt",
        "# a made-up dictionary\nRUFUS_TARN_  # test\n+R._TARN_\n\t[FRDGOV 010101-191231]\n\t[FRDMIL >20200101]\n",
    );
    let output = run([
        "analyze".as_ref(),
        "--kb".as_ref(),
        dictionary.as_os_str(),
        input.as_os_str(),
    ]);
    assert_eq!(output.code(), 0, "{}", output.stderr);
    let lines = output.json_lines();
    assert_eq!(lines.len(), 2);
    assert_eq!(entity(&lines[0], "Rufus Tarn")["actor_code"], "FRDGOV");
    assert_eq!(entity(&lines[1], "Rufus Tarn")["actor_code"], "FRDMIL");
}

#[test]
fn malformed_tables_name_the_file_and_line() {
    let dir = TempDir::new("kb-bad");
    let article = dir.write("story.txt", ARTICLE);
    let table = dir.write(
        "orgs.tsv",
        "name\taliases\tcountry\tsector\tkind\nFreedonia Liberation Front\tFLF\tFRD\n",
    );
    let output = run([
        "analyze".as_ref(),
        "--kb".as_ref(),
        table.as_os_str(),
        article.as_os_str(),
    ]);
    assert_eq!(output.code(), 2);
    assert!(output.stdout.is_empty());
    assert!(
        output.stderr.contains("orgs.tsv") && output.stderr.contains("line 2"),
        "{}",
        output.stderr
    );
}

/// Invented PETRARCH dictionaries: a verb block with a synonym-set pattern,
/// dated actors, an agent, a discard.
fn write_dictionaries(dir: &TempDir) {
    dir.write(
        "dicts/test.verbs.txt",
        "&MONEY\n+DUCATS\n\n--- PLEDGE [050] ---\nPLEDGE\n- * &MONEY [071]\n",
    );
    dir.write(
        "dicts/test.actors.txt",
        "VALDORIA [VAL]\n+VALDORIAN_\nKESTRIA [KES]\n",
    );
    dir.write("dicts/test.agents.txt", "MINISTER [~GOV]\n");
    dir.write("dicts/test.discards.txt", "FOOTBALL\n");
    dir.write("dicts/README.md", "not a dictionary: ignored\n");
}

#[test]
fn dictionaries_code_events_with_their_patterns() {
    let dir = TempDir::new("dicts");
    write_dictionaries(&dir);
    let article = dir.write(
        "story.txt",
        "Aid pledged\n\nThe Valdorian minister pledged 5 million ducats to Kestria on Monday. \
         Valdoria pledged ducats to Kestria at a football match.\n",
    );
    let output = run([
        "analyze".as_ref(),
        "--dictionaries".as_ref(),
        dir.path().join("dicts").as_os_str(),
        article.as_os_str(),
    ]);
    assert_eq!(output.code(), 0, "{}", output.stderr);
    let object = output.one_object();
    let events = object["events"].as_array().expect("events");
    assert_eq!(
        events.len(),
        1,
        "the football sentence is discarded: {events:#?}"
    );
    let event = &events[0];
    assert_eq!(event["code"], "071");
    assert_eq!(event["source"]["code"], "VALGOV");
    assert_eq!(event["target"]["code"], "KES");
    let text = object["text"].as_str().unwrap();
    assert!(span_text(text, &event["evidence"]).contains("5 million ducats"));
}

#[test]
fn broken_dictionaries_stop_with_file_and_line() {
    let dir = TempDir::new("dicts-broken");
    dir.write("dicts/bad.verbs.txt", "# a comment\n- * AID [070]\n");
    let article = dir.write("story.txt", good_text("water"));
    let output = run([
        "analyze".as_ref(),
        "--dictionaries".as_ref(),
        dir.path().join("dicts").as_os_str(),
        article.as_os_str(),
    ]);
    assert_eq!(output.code(), 2, "{}", output.stderr);
    assert!(
        output.stderr.contains("bad.verbs.txt, line 2") && output.stderr.contains("outside"),
        "{}",
        output.stderr
    );
    let empty = TempDir::new("dicts-none");
    empty.write("notes.txt", "nothing here\n");
    let output = run([
        "analyze".as_ref(),
        "--dictionaries".as_ref(),
        empty.path().as_os_str(),
        article.as_os_str(),
    ]);
    assert_eq!(output.code(), 2);
    assert!(
        output.stderr.contains("holds no PETRARCH dictionary"),
        "{}",
        output.stderr
    );
}
