//! The queue against a real PostgreSQL (`chancery_queue::testing`): each
//! test makes a database of its own in the cluster `CHANCERY_TEST_POSTGRES`
//! names and drops it; without the variable every test prints a note and
//! passes, so `cargo test` needs no PostgreSQL.

mod queue;
mod worker;
