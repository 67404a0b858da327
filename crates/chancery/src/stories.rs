//! Stories: which articles of a corpus tell the same story. `chancery ingest`
//! clusters each new article online as it is stored (`StoryTracker`);
//! `chancery stories` lists the result.

use std::collections::HashMap;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use chancery_store::{Reader, StoryInput};
use chancery_stories::{Clusterer, Config, Day, Document};
use clap::{Args, ValueEnum};

/// The online clusterer with the store's article ids. Clustering is
/// deterministic in arrival order, so replaying the stored articles in the
/// order they were stored rebuilds the clusterer of the last ingest, and new
/// articles continue its stories.
pub struct StoryTracker {
    clusterer: Clusterer,
    /// The clusterer numbers articles in arrival order; this maps them back.
    arrivals: Vec<i64>,
    story_of: HashMap<i64, i64>,
}

impl StoryTracker {
    /// Replays the stored articles; returns the tracker and the story ids
    /// that changed or were missing (an ingest killed between storing a
    /// batch and its stories), to be written.
    pub fn replay(reader: &Reader) -> anyhow::Result<(StoryTracker, Vec<(i64, i64)>)> {
        let mut tracker = StoryTracker {
            clusterer: Clusterer::new(Config::default()),
            arrivals: Vec::new(),
            story_of: HashMap::new(),
        };
        let mut stored: Vec<(i64, Option<i64>)> = Vec::new();
        let mut changed = Vec::new();
        reader
            .for_each_story_input(|input| {
                stored.push((input.article, input.story));
                changed.extend(tracker.add(&input));
            })
            .context("cannot read the stored articles to rebuild their stories")?;
        // Only what differs from the store needs writing.
        let on_disk: HashMap<i64, Option<i64>> = stored.into_iter().collect();
        let mut latest: HashMap<i64, i64> = HashMap::new();
        for (article, story) in changed {
            latest.insert(article, story);
        }
        let mut writes: Vec<(i64, i64)> = latest
            .into_iter()
            .filter(|(article, story)| on_disk.get(article) != Some(&Some(*story)))
            .collect();
        writes.sort_unstable();
        Ok((tracker, writes))
    }

    /// Clusters one stored article; returns the `(article, story)` pairs to
    /// store: its own, and earlier articles a split moved.
    pub fn add(&mut self, input: &StoryInput) -> Vec<(i64, i64)> {
        // A near-duplicate belongs to its original's story and does not
        // weigh in the clustering (a syndicated copy is not more news).
        if let Some(original) = input.duplicate_of {
            return match self.story_of.get(&original) {
                Some(&story) => {
                    self.story_of.insert(input.article, story);
                    vec![(input.article, story)]
                }
                None => Vec::new(),
            };
        }
        let id = input.article.to_string();
        let published = input
            .published
            .as_deref()
            .and_then(|p| Day::parse_iso(p.get(..10).unwrap_or(p)));
        let assignment = self.clusterer.add(&Document {
            id: &id,
            title: input.title.as_deref().unwrap_or(""),
            text: &input.text,
            published,
            entities: &[],
        });
        self.arrivals.push(input.article);
        let story = i64::from(assignment.story.0);
        self.story_of.insert(input.article, story);
        let mut changes = vec![(input.article, story)];
        for moved in assignment.moved {
            if let Some(&article) = usize::try_from(moved.article)
                .ok()
                .and_then(|i| self.arrivals.get(i))
            {
                let to = i64::from(moved.to.0);
                self.story_of.insert(article, to);
                changes.push((article, to));
            }
        }
        changes
    }
}

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
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Format {
    Table,
    Jsonl,
}

pub fn run(args: StoriesArgs) -> anyhow::Result<ExitCode> {
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
