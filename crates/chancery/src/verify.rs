//! `chancery verify`: is the corpus sound? SQLite's integrity check, every
//! article against the checksum taken when it was written, and the search
//! index against the store; each problem with what to do about it.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::Args;

#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// The data directory of the corpus.
    #[arg(long, env = "CHANCERY_DATA", default_value = "chancery-data")]
    data: PathBuf,
}

/// How many ids of each kind of problem are listed.
const SHOWN: usize = 10;

fn ids(list: &[i64]) -> String {
    let mut shown: Vec<String> = list.iter().take(SHOWN).map(|i| format!("#{i}")).collect();
    if list.len() > SHOWN {
        shown.push(format!("and {} more", list.len() - SHOWN));
    }
    shown.join(", ")
}

pub fn run(args: VerifyArgs) -> anyhow::Result<ExitCode> {
    let data = &args.data;
    let reader = chancery_store::Reader::open(data)
        .with_context(|| format!("cannot open the corpus in {}", crate::data::shown(data)))?;
    let store = reader
        .verify()
        .with_context(|| format!("cannot read the corpus in {}", data.display()))?;
    let mut sound = true;
    if store.integrity.is_empty() {
        println!("database: SQLite integrity check ok");
    } else {
        sound = false;
        println!(
            "database: SQLite integrity check FAILED ({} problems):",
            store.integrity.len()
        );
        for line in store.integrity.iter().take(SHOWN) {
            println!("  {line}");
        }
        println!(
            "  what to do: restore {} from a backup, or ingest the sources again into a new \
             data directory",
            data.join(chancery_store::DATABASE_FILE).display()
        );
    }
    println!(
        "articles: {} stored, {} match their checksum, {} written before checksums were kept",
        store.articles, store.checked, store.without_checksum
    );
    if !store.changed.is_empty() {
        sound = false;
        let changed: Vec<i64> = store.changed.iter().map(|(id, _)| *id).collect();
        println!(
            "articles CHANGED since they were written ({}): {}",
            changed.len(),
            ids(&changed)
        );
        for (id, doc_id) in store.changed.iter().take(SHOWN) {
            println!("  #{id} {doc_id}");
        }
        println!(
            "  what to do: the database was altered outside chancery (disk damage or another \
             program); restore it from a backup, or ingest the sources again into a new data \
             directory"
        );
    }
    if store.rollups.is_empty() {
        println!("rollups: equal to a recount of the articles");
    } else {
        sound = false;
        println!(
            "rollups DIFFER from a recount of the articles: {}",
            store.rollups.join(", ")
        );
        println!(
            "  what to do: the database was altered outside chancery; restore it from a backup, \
             or ingest the sources again into a new data directory"
        );
    }
    match chancery_search::check_index(data) {
        Ok(index) if !index.present => {
            println!("search index: none yet (built on the first search)");
        }
        Ok(index) if index.is_sound() => println!(
            "search index: ok ({} articles, caught up to #{})",
            index.indexed, index.caught_up_to
        ),
        Ok(index) => {
            sound = false;
            println!(
                "search index: DISAGREES with the store ({} articles, caught up to #{})",
                index.indexed, index.caught_up_to
            );
            for (what, list) in [
                ("missing", &index.missing),
                ("not in the store", &index.extra),
                ("with other text than the store's", &index.stale),
                ("indexed twice", &index.repeated),
            ] {
                if !list.is_empty() {
                    println!("  {} {what}: {}", list.len(), ids(list));
                }
            }
            println!(
                "  what to do: rebuild it with `chancery search --rebuild --data {} WORD` \
                 (it is derived from the store; deleting {} is also safe)",
                data.display(),
                data.join(chancery_search::INDEX_DIR).display()
            );
        }
        Err(err) => {
            sound = false;
            println!("search index: cannot be read ({err})");
            println!(
                "  what to do: rebuild it with `chancery search --rebuild --data {} WORD`",
                data.display()
            );
        }
    }
    Ok(if sound {
        println!("verify: the corpus is sound");
        ExitCode::SUCCESS
    } else {
        println!("verify: problems found (see above)");
        ExitCode::FAILURE
    })
}
