//! The `chancery` command: analyze news pages and evaluate the pipeline.

mod analyze;
mod data;
mod entities;
mod eval;
mod eval_geo;
mod eval_stories;
mod export;
mod ingest;
mod output;
mod queue;
mod search;
mod serve;
mod stories;
mod train;
mod verify;
mod watch;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// chancery turns news into structured, searchable knowledge.
#[derive(Debug, Parser)]
#[command(name = "chancery", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Extract and analyze news pages (HTML or scraped text) and print the JSON contract.
    Analyze(analyze::AnalyzeArgs),
    /// The people of a corpus: merged across articles, with roles over time.
    Entities(entities::EntitiesArgs),
    /// Extract, analyze and store news into a corpus on disk (a data directory).
    Ingest(ingest::IngestArgs),
    /// The stories of a corpus: which articles tell the same story.
    Stories(stories::StoriesArgs),
    /// Write a corpus out as GDELT 2.0 tables, PLOVER records, JSON Lines, CSV or Parquet.
    Export(export::ExportArgs),
    /// Search a corpus: words, "phrases", AND/OR, filters by date, person, country, event, source.
    Search(search::SearchArgs),
    /// The articles most like one article of a corpus (near-duplicates and stubs left out).
    Similar(search::SimilarArgs),
    /// Score chancery on the shared benchmark sets.
    #[command(subcommand)]
    Eval(eval::EvalCommand),
    /// Serve a corpus: a JSON API and a web UI (read-only unless given a token).
    Serve(serve::ServeArgs),
    /// Ingest the bundled sample corpus and serve it: the whole product at once.
    Demo(serve::DemoArgs),
    /// Follow news feeds, sitemaps and pages and store new articles as they appear.
    Watch(watch::WatchArgs),
    /// Fetch article pages by URL, analyse and store them.
    Fetch(watch::FetchArgs),
    /// Add files, JSON Lines records, WARC files or URLs to a work queue in PostgreSQL.
    Enqueue(queue::EnqueueArgs),
    /// Take jobs from a work queue in PostgreSQL, analyse and store them (any number of workers).
    Worker(queue::WorkerArgs),
    /// The work queue: status and dead letters, retrying them, its cost per job.
    #[command(subcommand)]
    Queue(queue::QueueCommand),
    /// Check a corpus: SQLite integrity, every article against its checksum, the search index against the store.
    Verify(verify::VerifyArgs),
    /// Rebuild a model compiled into chancery from training data.
    #[command(subcommand)]
    Train(train::TrainCommand),
}

fn main() -> ExitCode {
    // Panics are bugs; one inside a document's step is caught at the
    // document's boundary (`guard`) and reported with it. This line keeps
    // where it happened, for the bug report.
    std::panic::set_hook(Box::new(|info| {
        let at = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        eprintln!(
            "chancery: internal error{at}: {}",
            chancery_ingest::guard::payload_message(info.payload())
        );
    }));
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Analyze(args) => analyze::run(args),
        Command::Entities(args) => entities::run(args),
        Command::Ingest(args) => ingest::run(args),
        Command::Stories(args) => stories::run(args),
        Command::Export(args) => export::run(args),
        Command::Search(args) => search::run_search(args),
        Command::Similar(args) => search::run_similar(args),
        Command::Eval(command) => eval::run(command),
        Command::Serve(args) => serve::serve(args),
        Command::Demo(args) => serve::demo(args),
        Command::Train(command) => train::run(command),
        Command::Verify(args) => verify::run(args),
        Command::Watch(args) => watch::run_watch(args),
        Command::Fetch(args) => watch::run_fetch(args),
        Command::Enqueue(args) => queue::run_enqueue(args),
        Command::Worker(args) => queue::run_worker_command(args),
        Command::Queue(command) => queue::run_queue(command),
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            if output::is_broken_pipe(&err) {
                return ExitCode::SUCCESS;
            }
            eprintln!("chancery: {err:#}");
            ExitCode::from(2)
        }
    }
}
