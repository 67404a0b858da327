//! Throw-away PostgreSQL databases for the tests of this crate, of
//! `chancery-queue` and of the `chancery` binary: each test makes a database of its own in the cluster
//! `CHANCERY_TEST_POSTGRES` names (a URL such as
//! postgres://postgres@127.0.0.1:54329/postgres; `scripts/pg_throwaway.sh`
//! starts one) and drops it at the end. Without the variable a test prints
//! a note and skips, so `cargo test` needs no PostgreSQL.

use std::sync::atomic::{AtomicUsize, Ordering};

use postgres::{Client, NoTls};

/// The advisory lock every batch a PostgreSQL writer stores holds shared
/// until it commits: a test that holds it shared plays a batch in flight.
pub const WRITE_LOCK: i64 = crate::pg::WRITE_LOCK;

/// The advisory lock the elected story clusterer holds for its session: a
/// test that holds it plays another process clustering.
pub const CLUSTERER_LOCK: i64 = crate::pg::CLUSTERER_LOCK;

/// Statements that take a PostgreSQL store's tables back to schema version
/// `version`: what every later migration created dropped and its version
/// forgotten, the rows of the tables kept (a test makes an old store so,
/// then lets the next connection upgrade it).
pub fn pg_back_to(version: i32) -> String {
    // What each version's migration creates besides columns of tables
    // that stay.
    let added: [(i32, &str); 3] = [
        (
            2,
            "DROP TABLE chancery.story_state; DROP TABLE chancery.story_clusters;",
        ),
        (
            3,
            "DROP TABLE chancery.rollup_totals; DROP TABLE chancery.rollup_entities; \
             DROP TABLE chancery.rollup_actors; DROP TABLE chancery.rollup_edges; \
             DROP TABLE chancery.rollup_roots; DROP TABLE chancery.rollup_days; \
             DROP TABLE chancery.rollup_stories;",
        ),
        (
            4,
            "DROP TABLE chancery.event_postings; DROP TABLE chancery.rollup_event_days; \
             DROP TABLE chancery.rollup_event_roots; DROP TABLE chancery.name_postings; \
             DROP TABLE chancery.rollup_name_totals; DROP TABLE chancery.rollup_entity_kinds; \
             DROP TABLE chancery.rollup_entity_values; DROP TABLE chancery.rollup_sources; \
             DROP INDEX chancery.entities_name_id;",
        ),
    ];
    let mut sql: String = added
        .iter()
        .filter(|(since, _)| *since > version)
        .map(|(_, drop)| *drop)
        .collect::<Vec<_>>()
        .join(" ");
    sql.push_str(&format!(
        " DELETE FROM chancery.schema_version WHERE version > {version};"
    ));
    sql
}

/// The variable that names the test cluster.
pub const TEST_POSTGRES_VAR: &str = "CHANCERY_TEST_POSTGRES";

/// A throw-away database, dropped with the value.
pub struct TestDb {
    admin: String,
    name: String,
    /// The database's URL.
    pub url: String,
}

impl TestDb {
    /// A fresh database, or `None` (with a note naming `test`) when no
    /// cluster is given. Panics when the cluster is given but refuses: a
    /// test run that was promised PostgreSQL must not pass without it.
    pub fn new(test: &str) -> Option<TestDb> {
        let Ok(admin) = std::env::var(TEST_POSTGRES_VAR) else {
            eprintln!(
                "note: {test} skipped: {TEST_POSTGRES_VAR} is not set (a PostgreSQL URL; \
                 scripts/pg_throwaway.sh starts a throw-away cluster, .ci/run does)"
            );
            return None;
        };
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let name = format!(
            "chancery_test_{}_{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        );
        let mut client = Client::connect(&admin, NoTls)
            .unwrap_or_else(|e| panic!("{TEST_POSTGRES_VAR}={admin}: {e}"));
        // One statement per call: several would run as one transaction,
        // which CREATE DATABASE refuses. template0 takes no connections, so
        // tests creating databases at once do not contend for it.
        for sql in [
            format!("DROP DATABASE IF EXISTS {name}"),
            format!("CREATE DATABASE {name} TEMPLATE template0"),
        ] {
            client
                .batch_execute(&sql)
                .unwrap_or_else(|e| panic!("{sql}: {e:?}"));
        }
        let base = admin.split('?').next().unwrap_or(&admin);
        let server = base.rsplit_once('/').map_or(base, |(server, _)| server);
        Some(TestDb {
            url: format!("{server}/{name}"),
            admin,
            name,
        })
    }

    /// A plain client on the test database, for looking behind the API.
    pub fn client(&self) -> Client {
        Client::connect(&self.url, NoTls)
            .unwrap_or_else(|e| panic!("cannot connect to {}: {e}", self.url))
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Ok(mut client) = Client::connect(&self.admin, NoTls) {
            let _ = client.batch_execute(&format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            ));
        }
    }
}
