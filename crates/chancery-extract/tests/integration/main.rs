//! Integration tests of chancery-extract through its public API: golden
//! snapshots over fixture pages written by the team.

mod html;
mod props;
mod support;
mod text;
