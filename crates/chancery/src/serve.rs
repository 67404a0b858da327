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
    /// The corpus: a data directory (need not exist yet: the front page
    /// then says how to add articles), or a PostgreSQL database as a
    /// postgres:// URL (as for `chancery ingest`; any number of servers
    /// may serve one database while workers fill it); default:
    /// CHANCERY_DATABASE_URL when set, else chancery-data.
    #[arg(long, env = "CHANCERY_DATA")]
    data: Option<PathBuf>,
    /// Where the search index is kept (derived from the store, caught up by
    /// article id); default: DATA/search, for PostgreSQL under the user's
    /// cache directory. Give each server on one machine its own.
    #[arg(long, value_name = "DIR")]
    index: Option<PathBuf>,
    #[command(flatten)]
    server: ServerOptions,
    /// Follow the sources in FILE (as `chancery watch --sources FILE`) in
    /// the background while serving: new articles appear on the pages, in
    /// search and in /metrics as they are stored. In a data directory the
    /// watcher is then the corpus's one writer (`POST /api/ingest` and
    /// `chancery ingest` wait for the server to stop); over PostgreSQL it
    /// shares the feeds and queue with any other watcher of the database.
    #[arg(long, value_name = "FILE")]
    watch: Option<PathBuf>,
    #[command(flatten, next_help_heading = "Watching (with --watch)")]
    follow: crate::watch::Following,
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
    /// Requests per second allowed per client address (0: no limit). Work
    /// a request makes a worker do is charged too, this many tokens per
    /// second of it.
    #[arg(long, default_value_t = 20)]
    rate_limit: u32,
    /// Requests a client may send at once after a pause.
    #[arg(long, default_value_t = 100)]
    burst: u32,
    /// A host name the server answers for (repeat for more; `*` for any).
    /// Default: loopback names only, so a web page elsewhere cannot reach
    /// the server by rebinding its own name to this address. Name the
    /// host clients use when serving on another address.
    #[arg(long = "allow-host", value_name = "NAME")]
    allow_hosts: Vec<String>,
}

impl ServerOptions {
    fn config(self, data: PathBuf) -> chancery_server::Config {
        let mut config = chancery_server::Config::new(data);
        config.addr = self.addr;
        config.token = self.token.filter(|t| !t.is_empty());
        config.allowed_hosts = self.allow_hosts;
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
    let data = crate::data::resolve(args.data.as_deref());
    let watch = match &args.watch {
        Some(path) => {
            let config = args.follow.config(&data, path)?;
            eprintln!(
                "chancery: watching {} sources from {} into {}",
                config.sources.len(),
                path.display(),
                crate::data::shown(&data)
            );
            Some(chancery_server::Watch {
                config,
                on_event: Some(crate::watch::printer(false)),
            })
        }
        None => None,
    };
    let mut config = args.server.config(data);
    config.watch = watch;
    config.index = args.index;
    chancery_server::run(config)?;
    Ok(ExitCode::SUCCESS)
}

pub fn demo(args: DemoArgs) -> anyhow::Result<ExitCode> {
    let data = match args.data {
        Some(data) => {
            std::fs::create_dir_all(&data)
                .with_context(|| format!("cannot create the demo directory {}", data.display()))?;
            data
        }
        None => demo_directory(&std::env::temp_dir().join("chancery-demo"))?,
    };
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

/// The marker `demo` leaves in a directory it created.
const DEMO_MARKER: &str = ".chancery-demo";

/// The default demo directory in a shared temp folder, made safely: created
/// afresh (private to the user) with a marker, or reused only when it is a
/// real directory (not a symbolic link), owned by this user and marked as
/// made by `demo`. Anything else someone may have planted there is refused.
fn demo_directory(path: &std::path::Path) -> anyhow::Result<PathBuf> {
    match std::fs::symlink_metadata(path) {
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
            let mut builder = std::fs::DirBuilder::new();
            #[cfg(unix)]
            std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
            builder
                .create(path)
                .with_context(|| format!("cannot create the demo directory {}", path.display()))?;
            std::fs::write(path.join(DEMO_MARKER), "made by chancery demo\n")
                .with_context(|| format!("cannot write in {}", path.display()))?;
            Ok(path.to_path_buf())
        }
        Err(err) => Err(err).with_context(|| format!("cannot inspect {}", path.display())),
        Ok(meta) => {
            let refuse = |why: &str| {
                anyhow::anyhow!(
                    "{} {why}; chancery demo will not use it: remove it or pass --data DIR",
                    path.display()
                )
            };
            if meta.file_type().is_symlink() {
                return Err(refuse("is a symbolic link"));
            }
            if !meta.is_dir() {
                return Err(refuse("is not a directory"));
            }
            #[cfg(unix)]
            {
                use std::os::unix::fs::MetadataExt;
                // Our own user, as the owner of our /proc entry (Linux).
                let me = std::fs::metadata("/proc/self").map(|m| m.uid());
                if me.is_ok_and(|me| meta.uid() != me) {
                    return Err(refuse("belongs to another user"));
                }
            }
            if !path.join(DEMO_MARKER).is_file() {
                return Err(refuse("was not created by chancery demo"));
            }
            Ok(path.to_path_buf())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_directory_is_made_fresh_or_reused_only_when_ours() {
        let tmp = tempfile::tempdir().unwrap();
        let fresh = tmp.path().join("chancery-demo");
        assert_eq!(demo_directory(&fresh).unwrap(), fresh);
        assert!(fresh.join(DEMO_MARKER).is_file());
        // A rerun reuses it.
        assert_eq!(demo_directory(&fresh).unwrap(), fresh);
        // A directory someone else made is refused.
        let planted = tmp.path().join("planted");
        std::fs::create_dir(&planted).unwrap();
        let err = demo_directory(&planted).unwrap_err().to_string();
        assert!(err.contains("not created by chancery demo"), "{err}");
        #[cfg(unix)]
        {
            // A symbolic link, even to a directory of ours, is refused.
            let link = tmp.path().join("link");
            std::os::unix::fs::symlink(&fresh, &link).unwrap();
            let err = demo_directory(&link).unwrap_err().to_string();
            assert!(err.contains("symbolic link"), "{err}");
        }
        let file = tmp.path().join("file");
        std::fs::write(&file, "x").unwrap();
        assert!(demo_directory(&file).is_err());
    }
}
