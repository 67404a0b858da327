//! `chancery ingest`: files, directories, JSON Lines, WARC and stdin into a
//! corpus on disk. The pipeline is `chancery_ingest`'s; this module reads
//! the arguments, shows progress and prints the summary.

use std::io::{self, IsTerminal};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::Context;
use chancery_extract::{Options, DEFAULT_MAX_BYTES};
use chancery_ingest::{sources, Config, Pipeline, Source, Tally};
use clap::Args;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::analyze::{print_note, print_warnings, read_tables};

/// How often a progress line is printed when stderr is not a terminal.
const PLAIN_PROGRESS_EVERY: Duration = Duration::from_secs(5);

#[derive(Debug, Args)]
pub struct IngestArgs {
    /// Files, directories (read recursively), JSON Lines (.jsonl, .jsonl.gz),
    /// WARC (.warc, .warc.gz) or `-` for stdin. Default: stdin.
    paths: Vec<PathBuf>,
    /// The corpus: a data directory (created on first use), or a PostgreSQL
    /// database as a postgres:// URL (postgres://user@host:5432/dbname; its tables
    /// are created in the schema chancery on first use). Default:
    /// CHANCERY_DATABASE_URL when set, else chancery-data.
    #[arg(long, env = "CHANCERY_DATA")]
    data: Option<PathBuf>,
    /// Read every input as JSON Lines: one {id, url, title, text | html, published,
    /// source} object per line (automatic for .jsonl and .jsonl.gz files).
    #[arg(long)]
    jsonl: bool,
    /// Refuse documents larger than this many bytes (also after gunzip).
    #[arg(long, default_value_t = DEFAULT_MAX_BYTES)]
    max_bytes: usize,
    /// Extra knowledge-base tables (see `chancery analyze --kb`).
    #[arg(long, value_name = "PATH")]
    kb: Vec<PathBuf>,
    /// No progress bar or progress lines; the summary is still printed.
    #[arg(long)]
    quiet: bool,
}

pub fn run(args: IngestArgs) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    let data = crate::data::resolve(args.data.as_deref());
    let options = Options {
        max_bytes: args.max_bytes,
        ..Options::default()
    };
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from("-")]
    } else {
        args.paths.clone()
    };
    let mut listing_failures = Vec::new();
    let sources = sources(&paths, args.jsonl, &mut listing_failures, &mut print_note);
    // The total is known when every input is one document.
    let total = sources
        .iter()
        .all(|s| matches!(s, Source::Document(_)))
        .then_some(sources.len() as u64);
    let mut pipeline = start(
        Config {
            data: data.clone(),
            tables: read_tables(&args.kb)?,
            options,
            resumable: true,
        },
        Bar::new(total, args.quiet),
        None,
        |_| Ok(()),
    )?;
    eprintln!("chancery: ingesting into {}", crate::data::shown(&data));
    for (label, problem) in listing_failures {
        pipeline.feeder.fail(label, problem.to_string());
    }
    if let Some(total) = total {
        pipeline.feeder.expect(total as usize);
    }
    for source in sources {
        if !pipeline.feeder.is_open() {
            break; // the writer stopped: its error is reported below
        }
        pipeline.feeder.read(source, args.max_bytes);
    }
    let (tally, error) = pipeline.finish()?;
    report(&tally, &data, started.elapsed());
    if let Some(error) = error {
        return Err(anyhow::Error::new(error)).context(
            "ingest stopped; every batch committed before the error is stored, rerun to add the rest",
        );
    }
    Ok(if tally.failed > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

/// Starts the pipeline and prints what the user should know of its start:
/// stories rebuilt, knowledge-base lines skipped.
pub(crate) fn start(
    config: Config,
    progress: Bar,
    on_commit: Option<chancery_ingest::OnCommit>,
    prepare: impl FnOnce(&chancery_store::AnyStore) -> Result<(), chancery_store::StoreError>,
) -> anyhow::Result<Pipeline> {
    let pipeline = Pipeline::start(config, Box::new(progress), on_commit, prepare)?;
    if let Some(reason) = &pipeline.stories_rebuilt {
        eprintln!("chancery: {reason}: rebuilding the stories from the stored articles");
    }
    print_warnings(
        pipeline.table_warnings.iter().map(String::as_str),
        "skipped dictionary lines",
    );
    Ok(pipeline)
}

/// A bar on a terminal, periodic plain lines otherwise.
pub(crate) struct Bar {
    bar: Option<ProgressBar>,
    plain: bool,
    started: Instant,
    last_line: Instant,
}

impl Bar {
    pub(crate) fn new(total: Option<u64>, quiet: bool) -> Bar {
        let terminal = io::stderr().is_terminal();
        let bar = (!quiet && terminal).then(|| {
            let (bar, template) = match total {
                Some(total) => (
                    ProgressBar::new(total),
                    "{elapsed_precise} [{bar:30}] {pos}/{len} docs · {msg} · ETA {eta}",
                ),
                None => (
                    ProgressBar::new_spinner(),
                    "{spinner} {elapsed_precise} {pos} docs · {msg}",
                ),
            };
            if let Ok(style) = ProgressStyle::with_template(template) {
                bar.set_style(style.progress_chars("=> "));
            }
            bar.set_draw_target(ProgressDrawTarget::stderr());
            bar.enable_steady_tick(Duration::from_millis(200));
            bar
        });
        Bar {
            bar,
            plain: !quiet && !terminal,
            started: Instant::now(),
            last_line: Instant::now(),
        }
    }
}

impl chancery_ingest::Progress for Bar {
    fn update(&mut self, tally: &Tally) {
        let processed = tally.processed();
        let rate = processed as f64 / self.started.elapsed().as_secs_f64().max(1e-3);
        let message = format!(
            "{rate:.0} docs/s · {} duplicates · {} failed",
            tally.duplicates, tally.failed
        );
        if let Some(bar) = &self.bar {
            bar.set_position(processed);
            bar.set_message(message);
        } else if self.plain && self.last_line.elapsed() >= PLAIN_PROGRESS_EVERY {
            self.last_line = Instant::now();
            eprintln!("chancery: ingest: {processed} documents · {message}");
        }
    }

    fn finish(&mut self) {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
    }
}

/// The summary on stderr.
fn report(tally: &Tally, data: &Path, elapsed: Duration) {
    let seconds = elapsed.as_secs_f64();
    let processed = tally.processed();
    eprintln!(
        "chancery: {processed} documents in {seconds:.1} s ({:.0} docs/s) into {}",
        processed as f64 / seconds.max(1e-3),
        crate::data::shown(data)
    );
    eprintln!(
        "  ingested:        {} new articles ({} near-duplicates of earlier ones, stored and marked)",
        tally.stored, tally.near_duplicates
    );
    eprintln!(
        "  duplicates:      {} ({} already in the store), not stored again",
        tally.duplicates, tally.already_stored
    );
    eprintln!("  failed:          {}", tally.failed);
    eprintln!(
        "  story step:      {:.3} s (saved clusterer opened, new articles clustered and settled, stories saved)",
        tally.stories.as_secs_f64()
    );
    eprintln!(
        "  settle pass:     {:.3} s of it (the latest articles re-clustered at the end)",
        tally.settle.as_secs_f64()
    );
    for (label, problem) in &tally.failures {
        eprintln!("chancery: {label}: {problem}");
    }
    if tally.failed as usize > tally.failures.len() {
        eprintln!(
            "chancery: … and {} more failures",
            tally.failed as usize - tally.failures.len()
        );
    }
}
