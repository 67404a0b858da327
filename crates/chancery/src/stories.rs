//! `chancery stories`: which articles of a corpus tell the same story.
//! `chancery ingest` clusters each new article as it is stored
//! (`chancery_ingest::StoryTracker`); this command lists the result.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use chancery_ingest::StoryTracker;
use chancery_store::{Reader, Store};
use clap::{Args, ValueEnum};

#[derive(Debug, Args)]
pub struct StoriesArgs {
    /// The data directory (as for `chancery ingest`).
    #[arg(long, env = "CHANCERY_DATA", default_value = "chancery-data")]
    data: PathBuf,
    /// At most this many stories in the table (largest first).
    #[arg(long, default_value_t = 30)]
    limit: usize,
    /// `table`, or `jsonl`: one `{id, story}` line per article.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
    /// First run the settle pass over the latest articles (as every ingest
    /// does at its end) and store the result.
    #[arg(long)]
    settle: bool,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Format {
    Table,
    Jsonl,
}

pub fn run(args: StoriesArgs) -> anyhow::Result<ExitCode> {
    if args.settle {
        let mut store = Store::open(&args.data)?;
        let reader = Reader::open(&args.data)?;
        let mut tracker = StoryTracker::open(&mut store, &reader)?;
        if let Some(reason) = tracker.rebuilt_because() {
            eprintln!("chancery: {reason}: rebuilding the stories from the stored articles");
        }
        let moved = tracker
            .settle(&mut store)
            .context("cannot store the settled stories")?;
        eprintln!("chancery: settled the latest stories ({moved} articles moved)");
    }
    let reader = Reader::open(&args.data)?;
    let mut out = std::io::stdout().lock();
    match args.format {
        Format::Jsonl => {
            let mut result = Ok(());
            reader.article_stories(|a| {
                if result.is_ok() {
                    let line = serde_json::json!({
                        "id": a.external_id.as_deref().unwrap_or(&a.doc_id),
                        "article": a.article,
                        "story": a.story,
                    });
                    result = writeln!(out, "{line}");
                }
            })?;
            result?;
        }
        Format::Table => {
            let stories = reader.stories(args.limit)?;
            if stories.is_empty() {
                eprintln!(
                    "chancery: no stories in {} yet: run `chancery ingest` (it assigns them)",
                    args.data.display()
                );
            }
            writeln!(
                out,
                "{:>6} {:>8} {:>6}  {:<10} {:<10}  first title",
                "story", "articles", "copies", "from", "to"
            )?;
            for s in stories {
                let day = |d: &Option<String>| {
                    d.as_deref()
                        .map(|d| d.get(..10).unwrap_or(d).to_string())
                        .unwrap_or_else(|| "?".into())
                };
                writeln!(
                    out,
                    "{:>6} {:>8} {:>6}  {:<10} {:<10}  {}",
                    s.story,
                    s.articles,
                    s.copies,
                    day(&s.first),
                    day(&s.last),
                    s.title.as_deref().unwrap_or("")
                )?;
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
