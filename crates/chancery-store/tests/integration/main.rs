//! The store contract: the same cases against both backends, a data
//! directory (SQLite) and a PostgreSQL database, each opened from a
//! `--data` value as the commands open it. The PostgreSQL cases run when
//! `CHANCERY_TEST_POSTGRES` names a cluster (`.ci/run` starts one) and
//! print a note and skip otherwise.

mod contract;
