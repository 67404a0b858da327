//! The README's quick start, run as written: every command of its
//! `console` block, in order, in a fresh folder that holds only the
//! repository's `crates/` (as a fresh clone does), each output compared with
//! the one the README shows. So the README cannot promise what chancery
//! does not do.
//!
//! The block's rules: a line `$ chancery …` or `$ curl -s URL` is a command;
//! the lines after it, up to the next command, are what it prints (stderr,
//! then stdout). In a shown line `…` stands for any text (a timing, a hash);
//! a line that is only `…` stands for any number of lines. `chancery serve`
//! is started in the background on a free port, which the shown output and
//! the `curl` URLs call `localhost:8080`; `curl` is done by the test itself.

use std::path::Path;
use std::process::Stdio;

use crate::{chancery, http_get, Server};

/// One command of the quick start and the output the README shows for it.
#[derive(Debug)]
struct Step {
    command: String,
    shown: Vec<String>,
}

/// The commands of the first `console` block after the `## Quick start`
/// heading.
fn quick_start(readme: &str) -> Vec<Step> {
    let section = readme
        .split("\n## ")
        .find(|s| s.starts_with("Quick start"))
        .expect("README.md has a `## Quick start` section");
    let block = section
        .split("```console\n")
        .nth(1)
        .and_then(|rest| rest.split("\n```").next())
        .expect("the quick start has a ```console block");
    let mut steps: Vec<Step> = Vec::new();
    for line in block.lines() {
        if let Some(command) = line.strip_prefix("$ ") {
            steps.push(Step {
                command: command.to_string(),
                shown: Vec::new(),
            });
        } else if let Some(step) = steps.last_mut() {
            step.shown.push(line.to_string());
        }
    }
    steps
}

/// Splits a command line as a POSIX shell does for words without
/// expansions: single and double quotes group, a backslash escapes in
/// double quotes.
fn words(command: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut chars = command.chars();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                in_word = true;
                for c in chars.by_ref() {
                    if c == '\'' {
                        break;
                    }
                    word.push(c);
                }
            }
            '"' => {
                in_word = true;
                while let Some(c) = chars.next() {
                    match c {
                        '"' => break,
                        '\\' => word.extend(chars.next()),
                        c => word.push(c),
                    }
                }
            }
            c if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            c => {
                in_word = true;
                word.push(c);
            }
        }
    }
    if in_word {
        words.push(word);
    }
    words
}

/// True when `line` is what `pattern` shows, `…` standing for any text.
fn line_matches(pattern: &str, line: &str) -> bool {
    let mut pieces = pattern.split('…');
    let first = pieces.next().unwrap_or("");
    let Some(mut rest) = line.strip_prefix(first) else {
        return false;
    };
    let pieces: Vec<&str> = pieces.collect();
    for (i, piece) in pieces.iter().enumerate() {
        if i + 1 == pieces.len() {
            return rest.ends_with(piece);
        }
        match rest.find(piece) {
            Some(at) => rest = &rest[at + piece.len()..],
            None => return false,
        }
    }
    rest.is_empty()
}

/// True when `lines` are what `shown` shows, a line `…` standing for any
/// number of lines.
fn lines_match(shown: &[String], lines: &[&str]) -> bool {
    match shown.split_first() {
        None => lines.is_empty(),
        Some((first, rest)) if first == "…" => {
            (0..=lines.len()).any(|skip| lines_match(rest, &lines[skip..]))
        }
        Some((first, rest)) => {
            !lines.is_empty() && line_matches(first, lines[0]) && lines_match(rest, &lines[1..])
        }
    }
}

#[test]
fn every_command_of_the_readme_quick_start_prints_what_it_shows() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let steps = quick_start(&readme);
    let names: Vec<String> = steps
        .iter()
        .map(|s| words(&s.command)[..2].join(" "))
        .collect();
    for needed in [
        "chancery analyze",
        "chancery ingest",
        "chancery search",
        "chancery similar",
        "chancery stories",
        "chancery entities",
        "chancery export",
        "chancery serve",
        "curl -s",
    ] {
        assert!(
            names.iter().any(|n| n == needed),
            "the quick start shows no `{needed}`: {names:?}"
        );
    }

    // A fresh clone: the repository's crates and nothing else.
    let dir = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(
        root.join("crates").canonicalize().unwrap(),
        dir.path().join("crates"),
    )
    .unwrap();
    let mut server: Option<Server> = None;
    for step in &steps {
        let args = words(&step.command);
        let printed = match args[0].as_str() {
            "chancery" if args[1] == "serve" => {
                let mut command = chancery();
                command
                    .args(&args[1..])
                    .current_dir(dir.path())
                    .env_remove("CHANCERY_DATA");
                let (started, line) = Server::start(command);
                let shown = line.replace(&format!("127.0.0.1:{}", started.port), "127.0.0.1:8080");
                server = Some(started);
                shown
            }
            "chancery" => {
                let output = chancery()
                    .args(&args[1..])
                    .current_dir(dir.path())
                    .env_remove("CHANCERY_DATA")
                    .stdin(Stdio::null())
                    .output()
                    .unwrap();
                assert!(
                    output.status.success(),
                    "`{}` failed: {}",
                    step.command,
                    String::from_utf8_lossy(&output.stderr)
                );
                format!(
                    "{}{}",
                    String::from_utf8_lossy(&output.stderr),
                    String::from_utf8_lossy(&output.stdout)
                )
            }
            "curl" => {
                let port = server.as_ref().expect("curl after chancery serve").port;
                let url = args.last().unwrap();
                let target = url
                    .strip_prefix("localhost:8080")
                    .unwrap_or_else(|| panic!("curl the server at localhost:8080, not {url}"));
                http_get(port, target).1
            }
            other => panic!("the quick start runs chancery and curl, not {other}"),
        };
        let lines: Vec<&str> = printed.lines().collect();
        assert!(
            lines_match(&step.shown, &lines),
            "`{}` printed:\n{printed}\nbut README.md shows:\n{}",
            step.command,
            step.shown.join("\n")
        );
    }
}

#[test]
fn shown_output_matches_with_ellipses() {
    assert!(line_matches("in … s (… docs/s)", "in 5.8 s (9 docs/s)"));
    assert!(!line_matches("in … s", "in 5.8 ms"));
    assert!(line_matches(
        "{\"total\":3,…}",
        "{\"total\":3,\"items\":[]}"
    ));
    assert!(!line_matches(
        "{\"total\":3,…}",
        "{\"total\":4,\"items\":[]}"
    ));
    let shown: Vec<String> = ["{", "…", "}"].iter().map(|s| s.to_string()).collect();
    assert!(lines_match(
        &shown,
        &["{", "  \"a\": 1,", "  \"b\": 2", "}"]
    ));
    assert!(!lines_match(&shown, &["{", "  \"a\": 1"]));
    assert_eq!(
        words(r#"search '"border guards"' --person "Tomasz Wierzbicki" -k 3"#),
        [
            "search",
            "\"border guards\"",
            "--person",
            "Tomasz Wierzbicki",
            "-k",
            "3"
        ]
    );
}
