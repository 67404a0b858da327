//! `chancery serve` and `chancery demo`: the command-line side of
//! `chancery-server`.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Args, FromArgMatches};

/// The sample corpus, compiled in so `chancery demo` works from anywhere.
const DEMO_ARTICLES: &str = include_str!("../demo/articles.jsonl");

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// The data directory of the corpus (need not exist yet: the front page
    /// then says how to add articles).
    #[arg(long, env = "CHANCERY_DATA", default_value = "chancery-data")]
    data: PathBuf,
    #[command(flatten)]
    server: ServerOptions,
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Where to keep the demo corpus [default: chancery-demo in the
    /// system's temporary directory].
    #[arg(long)]
    data: Option<PathBuf>,
    #[command(flatten)]
    server: ServerOptions,
}

#[derive(Debug, Args)]
struct ServerOptions {
    /// Address to listen on; the default is reachable from this machine only.
    #[arg(long, default_value = chancery_server::DEFAULT_ADDR)]
    addr: SocketAddr,
    /// Allow `POST /api/ingest` for requests that send this token
    /// (`Authorization: Bearer TOKEN`); without it the server is read-only.
    #[arg(long, env = "CHANCERY_TOKEN", hide_env_values = true)]
    token: Option<String>,
    /// Requests per second allowed per client address (0: no limit).
    #[arg(long, default_value_t = 20)]
    rate_limit: u32,
    /// Requests a client may send at once after a pause.
    #[arg(long, default_value_t = 100)]
    burst: u32,
}

impl ServerOptions {
    fn config(self, data: PathBuf) -> chancery_server::Config {
        let mut config = chancery_server::Config::new(data);
        config.addr = self.addr;
        config.token = self.token.filter(|t| !t.is_empty());
        config.rate_limit = (self.rate_limit > 0).then_some(chancery_server::RateLimit {
            per_second: self.rate_limit,
            burst: self.burst.max(1),
        });
        config
    }
}

pub fn serve(args: ServeArgs) -> anyhow::Result<ExitCode> {
    if args.server.token.as_deref().is_some_and(|t| t.len() < 16) {
        anyhow::bail!("--token is too short to be a secret: use at least 16 characters");
    }
    chancery_server::run(args.server.config(args.data))?;
    Ok(ExitCode::SUCCESS)
}

pub fn demo(args: DemoArgs) -> anyhow::Result<ExitCode> {
    let data = args
        .data
        .unwrap_or_else(|| std::env::temp_dir().join("chancery-demo"));
    std::fs::create_dir_all(&data)
        .with_context(|| format!("cannot create the demo directory {}", data.display()))?;
    // Ingest reads files: the compiled-in corpus is written beside the
    // store, and a rerun finds every article stored and adds nothing.
    let source = data.join("demo-articles.jsonl");
    std::fs::write(&source, DEMO_ARTICLES)
        .with_context(|| format!("cannot write {}", source.display()))?;
    let matches = crate::ingest::IngestArgs::augment_args(clap::Command::new("ingest"))
        .try_get_matches_from([
            "ingest".as_ref(),
            "--quiet".as_ref(),
            "--data".as_ref(),
            data.as_os_str(),
            source.as_os_str(),
        ])
        .context("cannot prepare the demo ingest")?;
    let ingest_args = crate::ingest::IngestArgs::from_arg_matches(&matches)
        .context("cannot prepare the demo ingest")?;
    let code = crate::ingest::run(ingest_args)?;
    if code != ExitCode::SUCCESS {
        anyhow::bail!("the demo corpus did not ingest cleanly (see above)");
    }
    eprintln!(
        "chancery: demo corpus ready in {}; open the address below in a browser",
        data.display()
    );
    chancery_server::run(args.server.config(data))?;
    Ok(ExitCode::SUCCESS)
}
