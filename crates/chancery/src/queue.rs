//! `chancery enqueue`, `chancery worker` and `chancery queue`: the fleet's
//! work queue in PostgreSQL. The queue and the worker loop are
//! `chancery_queue`'s; this module reads the arguments and prints.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use chancery_extract::{Options, DEFAULT_MAX_BYTES};
use chancery_queue::{
    bench_claims, enqueue_inputs, run_worker, worker_name, OnWorkerEvent, Queue, WorkerConfig,
    WorkerEvent,
};
use clap::{Args, Subcommand};

use crate::analyze::{print_note, read_tables};
use crate::search::percentile;
use crate::watch::Manners;

/// Where the queue is.
#[derive(Debug, Args)]
pub struct QueueUrl {
    /// The queue: a PostgreSQL URL (postgres://user@host:5432/dbname); its
    /// tables are created in the schema chancery_queue on first use.
    #[arg(long = "queue", env = "CHANCERY_QUEUE_URL", value_name = "URL")]
    url: String,
}

#[derive(Debug, Args)]
pub struct EnqueueArgs {
    /// Files, directories (read recursively), JSON Lines (.jsonl, .jsonl.gz:
    /// one job per record), WARC (.warc, .warc.gz), http(s) URLs, or `-`
    /// for JSON Lines on stdin. Workers read files by their absolute path:
    /// they must see the same files (one machine, or a shared file system).
    #[arg(required = true)]
    inputs: Vec<String>,
    #[command(flatten)]
    queue: QueueUrl,
    /// Read every file as JSON Lines (automatic for .jsonl and .jsonl.gz).
    #[arg(long)]
    jsonl: bool,
    /// Refuse JSON Lines records longer than this many bytes.
    #[arg(long, default_value_t = DEFAULT_MAX_BYTES)]
    max_bytes: usize,
    /// Attempts a job is allowed before it goes to the dead letters.
    #[arg(long, default_value_t = 3)]
    max_attempts: i32,
}

#[derive(Debug, Args)]
pub struct WorkerArgs {
    #[command(flatten)]
    queue: QueueUrl,
    /// The corpus the jobs are stored in: a data directory, which workers
    /// on one machine share (taking turns on its one writer), or a
    /// PostgreSQL database as a postgres:// URL, which any number of
    /// workers on any number of machines write at once (one of them,
    /// elected, clusters the stories of all). Default: CHANCERY_DATABASE_URL
    /// when set, else chancery-data.
    #[arg(long, env = "CHANCERY_DATA")]
    data: Option<PathBuf>,
    /// Exit once no job is queued or running (for batch jobs and tests).
    #[arg(long)]
    exit_when_idle: bool,
    /// Seconds a claimed job stays leased without a heartbeat (the worker
    /// renews it every third of this); a killed worker's jobs go to another
    /// worker after it.
    #[arg(long, default_value_t = 60.0, value_name = "SECONDS")]
    lease: f64,
    /// Seconds before a failed job's second attempt, doubled for each
    /// further attempt (at most an hour).
    #[arg(long, default_value_t = 10.0, value_name = "SECONDS")]
    backoff: f64,
    /// Jobs claimed at a time.
    #[arg(long, default_value_t = 200)]
    batch: usize,
    /// Jobs per hold of the store before it is given up to other workers
    /// (the stories are settled at the end of each hold).
    #[arg(long, default_value_t = 5_000)]
    session_jobs: usize,
    /// Seconds between looks at an idle queue.
    #[arg(long, default_value_t = 1.0, value_name = "SECONDS")]
    poll: f64,
    /// Print a line per job that fails, and per hold of the store.
    #[arg(long)]
    verbose: bool,
    /// Extra knowledge-base tables (see `chancery analyze --kb`).
    #[arg(long, value_name = "PATH")]
    kb: Vec<PathBuf>,
    /// How URL jobs are fetched (as `chancery fetch`).
    #[command(flatten)]
    manners: Manners,
}

#[derive(Debug, Subcommand)]
pub enum QueueCommand {
    /// Jobs by state, and the latest dead letters with their errors.
    Status {
        #[command(flatten)]
        queue: QueueUrl,
        /// Dead letters listed.
        #[arg(long, default_value_t = 20)]
        dead: usize,
    },
    /// Put every dead letter back in the queue with fresh attempts (once
    /// the cause is fixed).
    RetryDead {
        #[command(flatten)]
        queue: QueueUrl,
        /// Attempts each is allowed.
        #[arg(long, default_value_t = 3)]
        max_attempts: i32,
    },
    /// Measure the queue's own cost per job (claim and mark done) on a
    /// queue no worker serves.
    Bench {
        #[command(flatten)]
        queue: QueueUrl,
        /// Jobs claimed one at a time (and as many again in batches).
        #[arg(long, default_value_t = 2_000)]
        jobs: usize,
        /// Jobs per claim in the batched pass.
        #[arg(long, default_value_t = 200)]
        batch: usize,
    },
}

pub fn run_enqueue(args: EnqueueArgs) -> anyhow::Result<ExitCode> {
    let mut queue = Queue::connect(&args.queue.url)?;
    let report = enqueue_inputs(
        &mut queue,
        &args.inputs,
        args.jsonl,
        args.max_bytes,
        args.max_attempts,
        &mut print_note,
    )?;
    for (label, problem) in &report.failures {
        eprintln!("chancery: {label}: {problem}");
    }
    eprintln!(
        "chancery: {} jobs queued, {} already known to the queue (queued, done or dead), {} inputs not queued",
        report.jobs.added,
        report.jobs.known,
        report.failures.len()
    );
    Ok(if report.failures.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

pub fn run_worker_command(args: WorkerArgs) -> anyhow::Result<ExitCode> {
    let seconds = |value: f64, name: &str| -> anyhow::Result<Duration> {
        Duration::try_from_secs_f64(value)
            .ok()
            .filter(|d| !d.is_zero())
            .with_context(|| format!("--{name} {value} is not a number of seconds above 0"))
    };
    let owner = worker_name();
    let data = crate::data::resolve(args.data.as_deref());
    let config = WorkerConfig {
        data: data.clone(),
        tables: read_tables(&args.kb)?,
        options: Options {
            max_bytes: args.manners.max_bytes(),
            ..Options::default()
        },
        crawl: args
            .manners
            .crawl_config(&chancery_watch::SourcesFile::default())?,
        owner: owner.clone(),
        lease: seconds(args.lease, "lease")?,
        backoff: seconds(args.backoff, "backoff")?,
        batch: args.batch.max(1),
        session_jobs: args.session_jobs.max(1),
        poll: seconds(args.poll, "poll")?,
        exit_when_idle: args.exit_when_idle,
    };
    eprintln!(
        "chancery: worker {owner} on the queue, storing into {}",
        crate::data::shown(&data)
    );
    let summary = run_worker(
        &args.queue.url,
        config,
        printer(args.verbose),
        Arc::new(AtomicBool::new(false)),
    )?;
    eprintln!(
        "chancery: worker {owner}: {} jobs done ({} new articles), {} failed attempts queued again, {} dead-lettered, {} holds of the store, story step {:.3} s",
        summary.done, summary.stored, summary.retried, summary.dead, summary.sessions,
        summary.stories.as_secs_f64()
    );
    Ok(ExitCode::SUCCESS)
}

/// Prints what a worker does: failures and problems always, holds of the
/// store with `verbose`.
fn printer(verbose: bool) -> OnWorkerEvent {
    Arc::new(move |event: &WorkerEvent| {
        match event {
        WorkerEvent::WaitingForStore if verbose => {
            eprintln!("chancery: the store is another worker's; waiting for it")
        }
        WorkerEvent::Claimed { jobs } if verbose => eprintln!("chancery: claimed {jobs} jobs"),
        WorkerEvent::SessionEnded {
            done,
            failed,
            elapsed,
        } if verbose => eprintln!(
            "chancery: {done} jobs done, {failed} failed in {:.1} s; store given up",
            elapsed.as_secs_f64()
        ),
        WorkerEvent::Retry {
            label,
            attempt,
            after,
            error,
        } => eprintln!(
            "chancery: {label}: attempt {attempt} failed ({error}); again in {:.0} s",
            after.as_secs_f64()
        ),
        WorkerEvent::Dead { label, error } => {
            eprintln!("chancery: {label}: dead-lettered after its last attempt: {error}")
        }
        WorkerEvent::Reaped { jobs } => eprintln!(
            "chancery: took back {jobs} jobs whose worker's lease ran out (killed or stalled)"
        ),
        WorkerEvent::LeasesLost { jobs } => eprintln!(
            "chancery: {jobs} jobs finished here had already gone to another worker (lease ran out); stored once all the same"
        ),
        WorkerEvent::QueueProblem { error } => {
            eprintln!("chancery: queue: {error}; trying again")
        }
        _ => {}
    }
    })
}

pub fn run_queue(command: QueueCommand) -> anyhow::Result<ExitCode> {
    match command {
        QueueCommand::Status { queue, dead } => {
            let mut queue = Queue::connect(&queue.url)?;
            let counts = queue.counts()?;
            println!("ready    {}", counts.ready);
            println!("waiting  {} (retries in backoff)", counts.waiting);
            println!("running  {}", counts.running);
            println!(
                "expired  {} (leases ran out; taken back by the next worker)",
                counts.expired
            );
            println!("done     {}", counts.done);
            println!("dead     {}", counts.dead);
            let letters = queue.dead_letters(dead)?;
            if !letters.is_empty() {
                println!();
                println!("latest dead letters:");
            }
            for letter in letters {
                println!(
                    "  {} {} [{} job {}, {} attempts]: {}",
                    letter.died_at,
                    letter.label,
                    letter.kind,
                    letter.id,
                    letter.attempts,
                    letter.error
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        QueueCommand::RetryDead {
            queue,
            max_attempts,
        } => {
            let mut queue = Queue::connect(&queue.url)?;
            let back = queue.retry_dead(max_attempts)?;
            eprintln!("chancery: {back} dead letters queued again");
            Ok(ExitCode::SUCCESS)
        }
        QueueCommand::Bench { queue, jobs, batch } => {
            let report = bench_claims(&queue.url, jobs.max(1), batch)?;
            let ms = |d: Duration| d.as_secs_f64() * 1e3;
            println!("jobs                       {}", report.jobs);
            println!(
                "enqueue                    {:.3} ms per job ({} jobs in {:.0} ms)",
                ms(report.enqueue) / (2 * report.jobs) as f64,
                2 * report.jobs,
                ms(report.enqueue)
            );
            println!(
                "round trip (SELECT 1)      {:.3} ms median",
                ms(percentile(&report.round_trips, 50))
            );
            println!(
                "claim + done, 1 per claim  {:.3} ms median, {:.3} ms p95, {:.3} ms p99 per job",
                ms(percentile(&report.single, 50)),
                ms(percentile(&report.single, 95)),
                ms(percentile(&report.single, 99))
            );
            println!(
                "claim + done, {} per claim {:.3} ms per job",
                report.batch,
                ms(report.batched)
            );
            println!(
                "heartbeat ({} leases)     {:.3} ms median",
                report.batch,
                ms(percentile(&report.heartbeats, 50))
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}
