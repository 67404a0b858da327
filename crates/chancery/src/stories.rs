//! `chancery stories`: which articles of a corpus tell the same story.
//! `chancery ingest` clusters each new article as it is stored
//! (`chancery_ingest::StoryTracker`); this command lists the result. In
//! PostgreSQL it first catches up with what the fleet stored, when no
//! other process is clustering (`chancery_ingest::FleetStories`).

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use chancery_ingest::{FleetStories, StoryTracker};
use chancery_store::{AnyReader, Reader, SqliteStories, Store};
use clap::{Args, ValueEnum};

#[derive(Debug, Args)]
pub struct StoriesArgs {
    /// The corpus: a data directory, or a PostgreSQL database as a
    /// postgres:// URL (as for `chancery ingest`); default:
    /// CHANCERY_DATABASE_URL when set, else chancery-data.
    #[arg(long, env = "CHANCERY_DATA")]
    data: Option<PathBuf>,
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
    let data = crate::data::resolve(args.data.as_deref());
    let shown = crate::data::shown(&data);
    if let Some(url) = chancery_store::postgres_url(&data) {
        // The clusterer, when no other process is: caught up with what the
        // fleet stored, then settled as an ingest run ends.
        let mut fleet = FleetStories::open(url)
            .with_context(|| format!("cannot continue the stories of {shown}"))?;
        match fleet.tracker() {
            Some(tracker) => {
                if let Some(reason) = tracker.rebuilt_because() {
                    eprintln!("chancery: {reason}: rebuilt the stories from the stored articles");
                }
                let moved = fleet.settle().context("cannot store the settled stories")?;
                if args.settle || moved > 0 {
                    eprintln!("chancery: settled the latest stories ({moved} articles moved)");
                }
            }
            None => eprintln!(
                "chancery: another process is clustering the stories of {shown}; listing them \
                 as stored now"
            ),
        }
    } else if args.settle {
        let mut store = Store::open(&data)?;
        let reader = Reader::open(&data)?;
        let mut tracker = StoryTracker::open(
            &mut SqliteStories {
                store: &mut store,
                reader: &reader,
            },
            i64::MAX,
        )?;
        if let Some(reason) = tracker.rebuilt_because() {
            eprintln!("chancery: {reason}: rebuilding the stories from the stored articles");
        }
        let moved = tracker
            .settle(&mut store)
            .context("cannot store the settled stories")?;
        eprintln!("chancery: settled the latest stories ({moved} articles moved)");
    }
    let reader = AnyReader::open(&data)?;
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
                    "chancery: no stories in {shown} yet: run `chancery ingest` (it assigns them)"
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
