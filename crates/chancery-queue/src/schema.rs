//! The queue's tables, in their own PostgreSQL schema (`chancery_queue`),
//! created and upgraded by numbered migrations recorded in
//! `chancery_queue.schema_version`. A migration is applied once, in one
//! transaction, under an advisory lock, so many workers starting at once
//! migrate once.

use postgres::Client;

use crate::QueueError;

/// The newest version of the queue's tables this build knows.
pub const QUEUE_SCHEMA_VERSION: i32 = 1;

/// The advisory lock key migrations hold ("chancery" in ASCII, folded).
const MIGRATION_LOCK: i64 = 0x6368_616e_6365_7279;

/// Migrations in order; entry `i` makes version `i + 1`.
const MIGRATIONS: &[&str] = &[
    // 1: jobs, dead letters.
    r#"
    CREATE TABLE chancery_queue.jobs (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        -- What makes enqueueing idempotent: the kind and the input
        -- (absolute path, canonical URL, hash of a record's line).
        key text NOT NULL UNIQUE,
        kind text NOT NULL CHECK (kind IN ('file', 'url', 'record', 'warc')),
        -- How messages name the input (a path, FILE:LINE, a URL).
        label text NOT NULL,
        -- A path, a URL or the record's JSON line.
        payload text NOT NULL,
        state text NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'running', 'done')),
        attempts integer NOT NULL DEFAULT 0,
        max_attempts integer NOT NULL CHECK (max_attempts >= 1),
        run_after timestamptz NOT NULL DEFAULT now(),
        lease_owner text,
        lease_expires_at timestamptz,
        last_error text,
        -- For done jobs: stored, duplicate, or a WARC's counts.
        outcome text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        finished_at timestamptz
    );
    CREATE INDEX jobs_queued ON chancery_queue.jobs (id) WHERE state = 'queued';
    CREATE INDEX jobs_leases ON chancery_queue.jobs (lease_expires_at) WHERE state = 'running';
    CREATE INDEX jobs_owners ON chancery_queue.jobs (lease_owner) WHERE state = 'running';
    CREATE TABLE chancery_queue.dead_letters (
        id bigint PRIMARY KEY,
        key text NOT NULL UNIQUE,
        kind text NOT NULL,
        label text NOT NULL,
        payload text NOT NULL,
        attempts integer NOT NULL,
        max_attempts integer NOT NULL,
        error text NOT NULL,
        created_at timestamptz NOT NULL,
        died_at timestamptz NOT NULL DEFAULT now()
    );
    "#,
];

/// Creates or upgrades the queue's tables; returns the version now in force.
pub(crate) fn migrate(client: &mut Client) -> Result<i32, QueueError> {
    let mut tx = client
        .transaction()
        .map_err(QueueError::at("cannot begin the queue's migration"))?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])
        .map_err(QueueError::at("cannot take the queue's migration lock"))?;
    tx.batch_execute(
        "CREATE SCHEMA IF NOT EXISTS chancery_queue;
         CREATE TABLE IF NOT EXISTS chancery_queue.schema_version (
             version integer PRIMARY KEY,
             applied_at timestamptz NOT NULL DEFAULT now()
         );",
    )
    .map_err(QueueError::at(
        "cannot create the queue's schema (may this user CREATE in the database?)",
    ))?;
    let found: i32 = tx
        .query_one(
            "SELECT coalesce(max(version), 0) FROM chancery_queue.schema_version",
            &[],
        )
        .map_err(QueueError::at("cannot read the queue's schema version"))?
        .get(0);
    if found > QUEUE_SCHEMA_VERSION {
        return Err(QueueError::NewerSchema {
            found,
            known: QUEUE_SCHEMA_VERSION,
        });
    }
    for (index, sql) in MIGRATIONS.iter().enumerate().skip(found as usize) {
        let version = index as i32 + 1;
        tx.batch_execute(sql)
            .map_err(QueueError::at("cannot upgrade the queue's tables"))?;
        tx.execute(
            "INSERT INTO chancery_queue.schema_version (version) VALUES ($1)",
            &[&version],
        )
        .map_err(QueueError::at("cannot record the queue's schema version"))?;
    }
    tx.commit()
        .map_err(QueueError::at("cannot commit the queue's migration"))?;
    Ok(QUEUE_SCHEMA_VERSION)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_migration_per_version() {
        assert_eq!(MIGRATIONS.len(), QUEUE_SCHEMA_VERSION as usize);
    }
}
