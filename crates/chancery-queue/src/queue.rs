//! `Queue`: one connection to the queue's tables and every statement on
//! them. A job goes `queued` → `running` (claimed with `FOR UPDATE SKIP
//! LOCKED`, leased to one worker until `lease_expires_at`, which heartbeats
//! push forward) → `done`; a failed attempt goes back to `queued` after a
//! backoff, and the attempt that exhausts `max_attempts` moves the job to
//! `dead_letters` with its error. A lease that runs out (the worker was
//! killed) puts the job back for another worker; every change to a running
//! job checks that its lease is still the caller's, so a worker that lost
//! its lease cannot finish a job another worker holds.

use std::time::Duration;

use postgres::{Client, NoTls};

use crate::error::redact;
use crate::schema::migrate;
use crate::QueueError;

/// What a job's payload is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// A path to a file holding one document, read by the worker.
    File,
    /// A URL to fetch (politely, through `chancery_watch`).
    Url,
    /// One JSON Lines record, the line itself.
    Record,
    /// A path to a WARC file, all of its response records.
    Warc,
}

impl Kind {
    /// The name in the `kind` column.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::File => "file",
            Kind::Url => "url",
            Kind::Record => "record",
            Kind::Warc => "warc",
        }
    }

    fn parse(name: &str) -> Option<Kind> {
        Some(match name {
            "file" => Kind::File,
            "url" => Kind::Url,
            "record" => Kind::Record,
            "warc" => Kind::Warc,
            _ => return None,
        })
    }
}

/// A job to enqueue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewJob {
    /// What the payload is.
    pub kind: Kind,
    /// The idempotency key: a second job with the same key is not added.
    pub key: String,
    /// How messages name it.
    pub label: String,
    /// A path, a URL or a JSON line.
    pub payload: String,
}

/// What `enqueue` did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Enqueued {
    /// Jobs added.
    pub added: u64,
    /// Jobs whose key was queued, done or dead-lettered already.
    pub known: u64,
}

/// A job leased to a worker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claimed {
    /// The job's id.
    pub id: i64,
    /// What the payload is.
    pub kind: Kind,
    /// How messages name it.
    pub label: String,
    /// A path, a URL or a JSON line.
    pub payload: String,
    /// This attempt's number, from 1.
    pub attempt: i32,
    /// Attempts allowed before the job is dead-lettered.
    pub max_attempts: i32,
}

/// What became of a failed attempt.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Failed {
    /// Queued again, to run after `after`.
    Retry {
        /// The job.
        id: i64,
        /// The attempt that failed.
        attempt: i32,
        /// The backoff before the next attempt.
        after: Duration,
    },
    /// Attempts exhausted: moved to the dead letters.
    Dead {
        /// The job.
        id: i64,
    },
}

/// Counts by state.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    /// Queued and due.
    pub ready: i64,
    /// Queued, waiting out a retry's backoff.
    pub waiting: i64,
    /// Leased to a live worker.
    pub running: i64,
    /// Leased, but the lease ran out (its worker died); taken again soon.
    pub expired: i64,
    /// Done.
    pub done: i64,
    /// Dead-lettered.
    pub dead: i64,
}

impl Counts {
    /// Jobs not yet done nor dead.
    pub fn unfinished(&self) -> i64 {
        self.ready + self.waiting + self.running + self.expired
    }
}

/// A job whose attempts were exhausted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeadLetter {
    /// The job's id.
    pub id: i64,
    /// What the payload was.
    pub kind: String,
    /// How messages name it.
    pub label: String,
    /// Attempts made.
    pub attempts: i32,
    /// The last attempt's error.
    pub error: String,
    /// When it died (ISO 8601, UTC).
    pub died_at: String,
}

/// One connection to a queue.
pub struct Queue {
    client: Client,
    url: String,
}

impl Queue {
    /// Connects to the PostgreSQL database at `url` and creates or upgrades
    /// the queue's tables.
    pub fn connect(url: &str) -> Result<Queue, QueueError> {
        let mut config: postgres::Config = url.parse().map_err(|source| QueueError::Url {
            url: redact(url),
            source,
        })?;
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(Duration::from_secs(10));
        }
        if config.get_application_name().is_none() {
            config.application_name("chancery");
        }
        let mut client = config
            .connect(NoTls)
            .map_err(|source| QueueError::Connect {
                url: redact(url),
                source,
            })?;
        migrate(&mut client)?;
        Ok(Queue {
            client,
            url: url.to_string(),
        })
    }

    /// A second connection to the same queue (for another thread).
    pub fn reconnect(&self) -> Result<Queue, QueueError> {
        Queue::connect(&self.url)
    }

    /// Adds the jobs whose keys the queue has never seen (neither queued,
    /// done nor dead-lettered), each allowed `max_attempts` attempts.
    pub fn enqueue(&mut self, jobs: &[NewJob], max_attempts: i32) -> Result<Enqueued, QueueError> {
        let mut report = Enqueued::default();
        for chunk in jobs.chunks(1_000) {
            let keys: Vec<&str> = chunk.iter().map(|j| j.key.as_str()).collect();
            let kinds: Vec<&str> = chunk.iter().map(|j| j.kind.as_str()).collect();
            let labels: Vec<&str> = chunk.iter().map(|j| j.label.as_str()).collect();
            let payloads: Vec<&str> = chunk.iter().map(|j| j.payload.as_str()).collect();
            let added = self
                .client
                .execute(
                    "INSERT INTO chancery_queue.jobs (key, kind, label, payload, max_attempts)
                     SELECT t.key, t.kind, t.label, t.payload, $5
                     FROM unnest($1::text[], $2::text[], $3::text[], $4::text[])
                          WITH ORDINALITY AS t(key, kind, label, payload, n)
                     WHERE NOT EXISTS (
                         SELECT 1 FROM chancery_queue.dead_letters d WHERE d.key = t.key)
                     ORDER BY t.n
                     ON CONFLICT (key) DO NOTHING",
                    &[&keys, &kinds, &labels, &payloads, &max_attempts.max(1)],
                )
                .map_err(QueueError::at("cannot add jobs to the queue"))?;
            report.added += added;
            report.known += chunk.len() as u64 - added;
        }
        Ok(report)
    }

    /// Leases up to `limit` due jobs of `kinds` to `owner` for `lease`,
    /// oldest first, skipping rows other workers are claiming; counts the
    /// attempt.
    pub fn claim(
        &mut self,
        owner: &str,
        kinds: &[Kind],
        limit: usize,
        lease: Duration,
    ) -> Result<Vec<Claimed>, QueueError> {
        let kinds: Vec<&str> = kinds.iter().map(|k| k.as_str()).collect();
        let rows = self
            .client
            .query(
                "UPDATE chancery_queue.jobs j
                 SET state = 'running', attempts = j.attempts + 1, lease_owner = $1,
                     lease_expires_at = now() + $2 * interval '1 second', updated_at = now()
                 FROM (SELECT id FROM chancery_queue.jobs
                       WHERE state = 'queued' AND run_after <= now() AND kind = ANY($3)
                       ORDER BY id LIMIT $4
                       FOR UPDATE SKIP LOCKED) picked
                 WHERE j.id = picked.id
                 RETURNING j.id, j.kind, j.label, j.payload, j.attempts, j.max_attempts",
                &[&owner, &lease.as_secs_f64(), &kinds, &(limit as i64)],
            )
            .map_err(QueueError::at("cannot claim jobs from the queue"))?;
        let mut claimed: Vec<Claimed> = rows
            .iter()
            .filter_map(|row| {
                Some(Claimed {
                    id: row.get(0),
                    kind: Kind::parse(row.get(1))?,
                    label: row.get(2),
                    payload: row.get(3),
                    attempt: row.get(4),
                    max_attempts: row.get(5),
                })
            })
            .collect();
        claimed.sort_by_key(|c| c.id);
        Ok(claimed)
    }

    /// Pushes the leases of every job `owner` runs to `lease` from now;
    /// returns how many it holds.
    pub fn heartbeat(&mut self, owner: &str, lease: Duration) -> Result<u64, QueueError> {
        self.client
            .execute(
                "UPDATE chancery_queue.jobs
                 SET lease_expires_at = now() + $2 * interval '1 second'
                 WHERE state = 'running' AND lease_owner = $1",
                &[&owner, &lease.as_secs_f64()],
            )
            .map_err(QueueError::at("cannot renew the worker's leases"))
    }

    /// Marks jobs `owner` still holds done, each with its outcome; returns
    /// how many were (a job whose lease ran out and went to another worker
    /// is left to it).
    pub fn complete(&mut self, owner: &str, done: &[(i64, String)]) -> Result<u64, QueueError> {
        if done.is_empty() {
            return Ok(0);
        }
        let ids: Vec<i64> = done.iter().map(|(id, _)| *id).collect();
        let outcomes: Vec<&str> = done.iter().map(|(_, o)| o.as_str()).collect();
        self.client
            .execute(
                "UPDATE chancery_queue.jobs j
                 SET state = 'done', outcome = d.outcome, lease_owner = NULL,
                     lease_expires_at = NULL, last_error = NULL,
                     finished_at = now(), updated_at = now()
                 FROM unnest($1::bigint[], $2::text[]) AS d(id, outcome)
                 WHERE j.id = d.id AND j.state = 'running' AND j.lease_owner = $3",
                &[&ids, &outcomes, &owner],
            )
            .map_err(QueueError::at("cannot mark jobs done"))
    }

    /// Records failed attempts of jobs `owner` holds: each goes back to the
    /// queue after `backoff` × 2^(attempt − 1) (at most an hour), or, on its
    /// last attempt, to the dead letters with its error.
    pub fn fail(
        &mut self,
        owner: &str,
        failed: &[(i64, String)],
        backoff: Duration,
    ) -> Result<Vec<Failed>, QueueError> {
        if failed.is_empty() {
            return Ok(Vec::new());
        }
        let ids: Vec<i64> = failed.iter().map(|(id, _)| *id).collect();
        let errors: Vec<&str> = failed.iter().map(|(_, e)| e.as_str()).collect();
        let rows = self
            .client
            .query(
                "WITH f AS (SELECT * FROM unnest($1::bigint[], $2::text[]) AS f(id, error)),
                 dead AS (
                     DELETE FROM chancery_queue.jobs j USING f
                     WHERE j.id = f.id AND j.state = 'running' AND j.lease_owner = $3
                       AND j.attempts >= j.max_attempts
                     RETURNING j.id, j.key, j.kind, j.label, j.payload, j.attempts,
                               j.max_attempts, f.error, j.created_at),
                 moved AS (
                     INSERT INTO chancery_queue.dead_letters
                         (id, key, kind, label, payload, attempts, max_attempts, error, created_at)
                     SELECT id, key, kind, label, payload, attempts, max_attempts, error, created_at
                     FROM dead
                     RETURNING id, attempts),
                 retried AS (
                     UPDATE chancery_queue.jobs j
                     SET state = 'queued', last_error = f.error, lease_owner = NULL,
                         lease_expires_at = NULL, updated_at = now(),
                         run_after = now() + least($4 * power(2, j.attempts - 1), 3600.0)
                                             * interval '1 second'
                     FROM f
                     WHERE j.id = f.id AND j.state = 'running' AND j.lease_owner = $3
                       AND j.attempts < j.max_attempts
                     RETURNING j.id, j.attempts,
                               extract(epoch FROM j.run_after - now())::float8 AS wait)
                 SELECT id, attempts, -1.0::float8 FROM moved
                 UNION ALL
                 SELECT id, attempts, wait FROM retried",
                &[&ids, &errors, &owner, &backoff.as_secs_f64()],
            )
            .map_err(QueueError::at("cannot record failed jobs"))?;
        Ok(rows
            .iter()
            .map(|row| {
                let id: i64 = row.get(0);
                let wait: f64 = row.get(2);
                if wait < 0.0 {
                    Failed::Dead { id }
                } else {
                    Failed::Retry {
                        id,
                        attempt: row.get(1),
                        after: Duration::from_secs_f64(wait),
                    }
                }
            })
            .collect())
    }

    /// Gives jobs `owner` claimed but never started back to the queue, the
    /// attempt not counted (the store was busy).
    pub fn release(&mut self, owner: &str, ids: &[i64]) -> Result<u64, QueueError> {
        self.client
            .execute(
                "UPDATE chancery_queue.jobs
                 SET state = 'queued', attempts = greatest(attempts - 1, 0),
                     lease_owner = NULL, lease_expires_at = NULL, updated_at = now()
                 WHERE id = ANY($1) AND state = 'running' AND lease_owner = $2",
                &[&ids, &owner],
            )
            .map_err(QueueError::at("cannot give jobs back to the queue"))
    }

    /// Takes back jobs whose lease ran out (their worker died or stalled):
    /// queued again at once, or dead-lettered when that was their last
    /// attempt. Returns how many were taken back.
    pub fn reap(&mut self) -> Result<u64, QueueError> {
        let row = self
            .client
            .query_one(
                "WITH expired AS (
                     SELECT id FROM chancery_queue.jobs
                     WHERE state = 'running' AND lease_expires_at < now()
                     FOR UPDATE SKIP LOCKED),
                 dead AS (
                     DELETE FROM chancery_queue.jobs j USING expired e
                     WHERE j.id = e.id AND j.attempts >= j.max_attempts
                     RETURNING j.*),
                 moved AS (
                     INSERT INTO chancery_queue.dead_letters
                         (id, key, kind, label, payload, attempts, max_attempts, error, created_at)
                     SELECT id, key, kind, label, payload, attempts, max_attempts,
                            'the lease of ' || coalesce(lease_owner, '?') || ' ran out on attempt '
                            || attempts || ' of ' || max_attempts
                            || ' (the worker was killed or stalled running it)'
                            || coalesce('; before: ' || last_error, ''),
                            created_at
                     FROM dead
                     RETURNING id),
                 requeued AS (
                     UPDATE chancery_queue.jobs j
                     SET state = 'queued', run_after = now(), updated_at = now(),
                         last_error = 'the lease of ' || coalesce(j.lease_owner, '?')
                             || ' ran out on attempt ' || j.attempts
                             || ' (the worker was killed or stalled running it)',
                         lease_owner = NULL, lease_expires_at = NULL
                     FROM expired e
                     WHERE j.id = e.id AND j.attempts < j.max_attempts
                     RETURNING j.id)
                 SELECT (SELECT count(*) FROM moved) + (SELECT count(*) FROM requeued)",
                &[],
            )
            .map_err(QueueError::at("cannot take back jobs whose lease ran out"))?;
        Ok(row.get::<_, i64>(0) as u64)
    }

    /// Counts of jobs by state.
    pub fn counts(&mut self) -> Result<Counts, QueueError> {
        let row = self
            .client
            .query_one(
                "SELECT
                     count(*) FILTER (WHERE state = 'queued' AND run_after <= now()),
                     count(*) FILTER (WHERE state = 'queued' AND run_after > now()),
                     count(*) FILTER (WHERE state = 'running' AND lease_expires_at >= now()),
                     count(*) FILTER (WHERE state = 'running' AND lease_expires_at < now()),
                     count(*) FILTER (WHERE state = 'done'),
                     (SELECT count(*) FROM chancery_queue.dead_letters)
                 FROM chancery_queue.jobs",
                &[],
            )
            .map_err(QueueError::at("cannot count the queue's jobs"))?;
        Ok(Counts {
            ready: row.get(0),
            waiting: row.get(1),
            running: row.get(2),
            expired: row.get(3),
            done: row.get(4),
            dead: row.get(5),
        })
    }

    /// Whether a job of `kinds` is due now, and whether any job at all is
    /// unfinished (queued, waiting or running): cheap, for idle workers.
    pub fn pending(&mut self, kinds: &[Kind]) -> Result<(bool, bool), QueueError> {
        let kinds: Vec<&str> = kinds.iter().map(|k| k.as_str()).collect();
        let row = self
            .client
            .query_one(
                "SELECT
                     EXISTS (SELECT 1 FROM chancery_queue.jobs
                             WHERE state = 'queued' AND run_after <= now() AND kind = ANY($1)),
                     EXISTS (SELECT 1 FROM chancery_queue.jobs WHERE state = 'queued')
                     OR EXISTS (SELECT 1 FROM chancery_queue.jobs WHERE state = 'running')",
                &[&kinds],
            )
            .map_err(QueueError::at("cannot look for due jobs"))?;
        Ok((row.get(0), row.get(1)))
    }

    /// The latest dead letters, newest first.
    pub fn dead_letters(&mut self, limit: usize) -> Result<Vec<DeadLetter>, QueueError> {
        let rows = self
            .client
            .query(
                "SELECT id, kind, label, attempts, error,
                        to_char(died_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')
                 FROM chancery_queue.dead_letters ORDER BY died_at DESC, id DESC LIMIT $1",
                &[&(limit as i64)],
            )
            .map_err(QueueError::at("cannot read the dead letters"))?;
        Ok(rows
            .iter()
            .map(|row| DeadLetter {
                id: row.get(0),
                kind: row.get(1),
                label: row.get(2),
                attempts: row.get(3),
                error: row.get(4),
                died_at: row.get(5),
            })
            .collect())
    }

    /// Puts every dead letter back in the queue with fresh attempts (after
    /// the cause was fixed); returns how many.
    pub fn retry_dead(&mut self, max_attempts: i32) -> Result<u64, QueueError> {
        self.client
            .execute(
                "WITH back AS (DELETE FROM chancery_queue.dead_letters
                               RETURNING key, kind, label, payload, error, created_at)
                 INSERT INTO chancery_queue.jobs
                     (key, kind, label, payload, max_attempts, last_error, created_at)
                 SELECT key, kind, label, payload, $1, error, created_at FROM back
                 ON CONFLICT (key) DO NOTHING",
                &[&max_attempts.max(1)],
            )
            .map_err(QueueError::at(
                "cannot put the dead letters back in the queue",
            ))
    }

    /// One round trip to the server: the floor under every statement.
    pub fn ping(&mut self) -> Result<(), QueueError> {
        self.client
            .simple_query("SELECT 1")
            .map_err(QueueError::at("cannot reach the queue"))?;
        Ok(())
    }

    /// Deletes the jobs whose keys start with `prefix` (the benchmark's
    /// own), whatever their state; returns how many.
    pub(crate) fn forget(&mut self, prefix: &str) -> Result<u64, QueueError> {
        self.client
            .execute(
                "DELETE FROM chancery_queue.jobs WHERE starts_with(key, $1)",
                &[&prefix],
            )
            .map_err(QueueError::at("cannot delete the benchmark's jobs"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_read_back_as_written() {
        for kind in [Kind::File, Kind::Url, Kind::Record, Kind::Warc] {
            assert_eq!(Kind::parse(kind.as_str()), Some(kind));
        }
        assert_eq!(Kind::parse("folder"), None);
    }

    #[test]
    fn unfinished_jobs_are_all_but_done_and_dead() {
        let counts = Counts {
            ready: 1,
            waiting: 2,
            running: 3,
            expired: 4,
            done: 100,
            dead: 7,
        };
        assert_eq!(counts.unfinished(), 10);
    }
}
