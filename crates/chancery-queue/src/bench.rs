//! `chancery queue bench`: what the queue itself costs per job, apart from
//! the work: claim and mark done, one job per claim and a batch per claim,
//! beside the bare round trip to the server. It adds record jobs of its
//! own (keys `bench:OWNER:N`; a worker on the same queue would take them,
//! so it refuses a queue with unfinished jobs: run it on a queue no worker
//! serves) and deletes them at the end.

use std::time::{Duration, Instant};

use crate::queue::{Kind, NewJob, Queue};
use crate::QueueError;

/// What the benchmark measured.
#[derive(Debug, Clone)]
pub struct BenchReport {
    /// Jobs claimed one at a time (and as many in batches).
    pub jobs: usize,
    /// Jobs per claim in the batched pass.
    pub batch: usize,
    /// Adding all the benchmark's jobs (2 × `jobs`).
    pub enqueue: Duration,
    /// Per job, one at a time: claim (`FOR UPDATE SKIP LOCKED`) then done,
    /// sorted.
    pub single: Vec<Duration>,
    /// Per job in the batched pass (the worker's way): total / jobs.
    pub batched: Duration,
    /// Bare round trips (`SELECT 1`), 200, sorted.
    pub round_trips: Vec<Duration>,
    /// Heartbeats renewing `batch` leases, 50, sorted.
    pub heartbeats: Vec<Duration>,
}

/// Measures claim overhead on the queue at `url` with `jobs` jobs.
pub fn bench_claims(url: &str, jobs: usize, batch: usize) -> Result<BenchReport, QueueError> {
    let mut queue = Queue::connect(url)?;
    let counts = queue.counts()?;
    if counts.unfinished() > 0 {
        return Err(QueueError::Input {
            label: "queue bench".into(),
            problem: format!(
                "the queue holds {} unfinished jobs; run the benchmark on a queue no worker \
                 serves (a throw-away database: scripts/pg_throwaway.sh)",
                counts.unfinished()
            ),
        });
    }
    let owner = format!("bench:{}", crate::worker_name());
    let prefix = format!("{owner}:");
    let lease = Duration::from_secs(60);
    let batch = batch.max(1);
    let new: Vec<NewJob> = (0..2 * jobs)
        .map(|n| NewJob {
            kind: Kind::Record,
            key: format!("{prefix}{n}"),
            label: format!("bench job {n}"),
            payload: "{}".into(),
        })
        .collect();
    let result = (|| {
        let started = Instant::now();
        queue.enqueue(&new, 1)?;
        let enqueue = started.elapsed();

        let mut round_trips = Vec::with_capacity(200);
        for _ in 0..200 {
            let started = Instant::now();
            queue.ping()?;
            round_trips.push(started.elapsed());
        }
        round_trips.sort();

        let mut single = Vec::with_capacity(jobs);
        for _ in 0..jobs {
            let started = Instant::now();
            let claimed = queue.claim(&owner, &[Kind::Record], 1, lease)?;
            let done: Vec<(i64, String)> = claimed.iter().map(|c| (c.id, "bench".into())).collect();
            queue.complete(&owner, &done)?;
            single.push(started.elapsed());
        }
        single.sort();

        let mut heartbeats = Vec::with_capacity(50);
        let started = Instant::now();
        let mut claimed_total = 0;
        let mut first = true;
        while claimed_total < jobs {
            let claimed = queue.claim(&owner, &[Kind::Record], batch, lease)?;
            if claimed.is_empty() {
                break;
            }
            claimed_total += claimed.len();
            if first {
                // Heartbeats with a batch leased, outside the batched timing.
                first = false;
                for _ in 0..50 {
                    let beat = Instant::now();
                    queue.heartbeat(&owner, lease)?;
                    heartbeats.push(beat.elapsed());
                }
                heartbeats.sort();
            }
            let done: Vec<(i64, String)> = claimed.iter().map(|c| (c.id, "bench".into())).collect();
            queue.complete(&owner, &done)?;
        }
        let batched_total = started.elapsed().saturating_sub(heartbeats.iter().sum());
        Ok(BenchReport {
            jobs,
            batch,
            enqueue,
            single,
            batched: batched_total / claimed_total.max(1) as u32,
            round_trips,
            heartbeats,
        })
    })();
    queue.forget(&prefix)?;
    result
}
