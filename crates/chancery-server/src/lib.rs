//! The HTTP JSON API and the server-rendered web UI over a chancery corpus.
//!
//! **Only the server knows HTTP.** It reads the corpus through
//! [`chancery_store::Queries`] (the store keeps all SQL), analyses posted
//! documents with `chancery-extract` and `chancery-nlp`, and renders pages
//! on the server with maud, which escapes every interpolated value; the
//! pages need no JavaScript build, only a small script for hover
//! highlighting.
//!
//! - `/api/…`: JSON, described by the OpenAPI 3 document at
//!   `/api/openapi.json`. Errors are `{"error": {"code", "message"}}` with a
//!   stable code (see [`ServerError::code`]).
//! - `/`, `/articles`, `/article/{id}`, `/story/{story}`, `/entities`, `/entity/{name}`,
//!   `/events`, `/dyad/{a}/{b}`, `/network`, `/search`: the web UI.
//!
//! The corpus is a data directory or a PostgreSQL database ([`Config::data`]
//! a `postgres://` URL), which any number of servers may serve at once,
//! each with its own search index ([`Config::index`]).
//!
//! The server is read-only unless started with a token, which allows
//! `POST /api/ingest`. With [`Config::watch`] it also runs a watcher
//! ([`chancery_ingest::Watcher`]) in the background over the same store,
//! so new articles from the followed feeds appear on the pages, in search
//! and in `/metrics` as they are committed; stopping the server stops it. Every client gets a token bucket of requests, bodies
//! are capped, and slow requests are abandoned.
//!
//! ```no_run
//! let config = chancery_server::Config::new("chancery-data");
//! chancery_server::run(config)?;
//! # Ok::<(), chancery_server::ServerError>(())
//! ```

#![deny(missing_docs)]

mod api;
mod codes;
mod conn;
mod error;
mod geojson;
mod ingest;
mod limit;
mod map;
mod metrics;
mod pages;
mod params;
mod render;
mod search;
mod svg;

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use axum::extract::{ConnectInfo, DefaultBodyLimit, State};
use axum::http::{header, HeaderValue, Request};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use chancery_nlp::Analyzer;
use chancery_store::{Queries, StoreError};
use tokio::sync::{oneshot, Semaphore};

pub use chancery_ingest::{IngestLine, IngestReport};
pub use error::ServerError;
pub use ingest::ingest_jsonl;
pub use limit::RateLimit;

/// The default address: loopback only, so a corpus is not shared by
/// accident.
pub const DEFAULT_ADDR: &str = "127.0.0.1:8080";

/// How the server runs.
#[derive(Debug, Clone)]
pub struct Config {
    /// The corpus: a data directory, or a PostgreSQL database as a
    /// `postgres://` URL (any number of servers may serve one database).
    pub data: PathBuf,
    /// Where the search index is kept; default: inside a data directory,
    /// for PostgreSQL under the user's cache directory
    /// (`chancery_search::default_index_dir`). Each server over one
    /// database keeps its own, caught up with the store by article id.
    pub index: Option<PathBuf>,
    /// Where to listen.
    pub addr: SocketAddr,
    /// When set, `POST /api/ingest` accepts requests that carry it as a
    /// bearer token; when not, the server is read-only.
    pub token: Option<String>,
    /// Requests per client address, each also charged `per_second`
    /// tokens per second of worker time it used; `None` for no limit
    /// (benchmarks).
    pub rate_limit: Option<RateLimit>,
    /// The largest body of `POST /api/analyze`, in bytes.
    pub max_analyze_bytes: usize,
    /// The largest body of `POST /api/ingest`, in bytes.
    pub max_ingest_bytes: usize,
    /// Requests running longer are answered with a timeout error.
    pub timeout: Duration,
    /// Host names (without port) the server answers for; requests naming
    /// another host in their `Host` header are refused, so a web page on
    /// another site cannot reach the API through DNS rebinding. Empty:
    /// loopback names only (`localhost`, `127.0.0.1`, `[::1]`); `*`: any.
    pub allowed_hosts: Vec<String>,
    /// Connections one client address may hold open at once; more are
    /// closed as they arrive.
    pub max_connections_per_address: usize,
    /// How long a connection may take to send a request's headers, and may
    /// stay idle between requests, before it is closed.
    pub header_timeout: Duration,
    /// Analyses and ingests one client address may run at once.
    pub max_analyses_per_address: usize,
    /// Other requests one client address may have running at once.
    pub max_requests_per_address: usize,
    /// Follow news feeds into the store while serving (`--watch`).
    pub watch: Option<Watch>,
}

/// The background watcher of a server: what to follow and whom to tell.
#[derive(Clone)]
pub struct Watch {
    /// The watcher's configuration (its `data` is the server's).
    pub config: chancery_ingest::WatchConfig,
    /// Told of every event (to print them); the server itself catches its
    /// search index up after each committed batch.
    pub on_event: Option<chancery_ingest::OnEvent>,
}

impl std::fmt::Debug for Watch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Watch")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl Config {
    /// The defaults for a data directory: loopback port 8080, read-only,
    /// 20 requests a second per client (bursts of 100), 1 MiB analyze and
    /// 32 MiB ingest bodies, 30 s per request.
    pub fn new(data: impl Into<PathBuf>) -> Config {
        Config {
            data: data.into(),
            index: None,
            addr: DEFAULT_ADDR.parse().expect("the default address parses"),
            token: None,
            rate_limit: Some(RateLimit {
                per_second: 20,
                burst: 100,
            }),
            max_analyze_bytes: 1 << 20,
            max_ingest_bytes: 32 << 20,
            timeout: Duration::from_secs(30),
            allowed_hosts: Vec::new(),
            max_connections_per_address: 32,
            header_timeout: Duration::from_secs(10),
            max_analyses_per_address: 1,
            max_requests_per_address: 4,
            watch: None,
        }
    }

    /// True when a request's `Host` header (`name` or `name:port`) is one
    /// this server answers for.
    pub fn allows_host(&self, host: &str) -> bool {
        let host = host.trim().to_ascii_lowercase();
        // "[::1]:8080", "[::1]", "name:8080", "name".
        let name = if let Some(rest) = host.strip_prefix('[') {
            rest.split(']')
                .next()
                .map(|n| format!("[{n}]"))
                .unwrap_or_default()
        } else {
            host.rsplit_once(':')
                .map_or(host.as_str(), |(name, _)| name)
                .to_string()
        };
        let name = name.trim_end_matches('.');
        if self.allowed_hosts.is_empty() {
            return matches!(name, "localhost" | "127.0.0.1" | "[::1]")
                || name.ends_with(".localhost");
        }
        self.allowed_hosts.iter().any(|allowed| {
            let allowed = allowed.trim().to_ascii_lowercase();
            allowed == "*" || allowed.trim_end_matches('.') == name
        })
    }
}

/// Readers kept open between requests.
const POOL_KEEP: usize = 8;
/// Queries running at once on the blocking pool.
const QUERY_SLOTS: usize = 8;
/// Analyses or ingests running at once: they are CPU-bound.
const ANALYSIS_SLOTS: usize = 2;

tokio::task_local! {
    /// The address of the client whose request the task serves, so work
    /// it sends to the blocking pool is charged to it
    /// ([`limit::Limiter::charge`]).
    static CLIENT: IpAddr;
}

/// What every handler shares.
pub(crate) struct AppState {
    config: Config,
    pool: Mutex<Vec<Queries>>,
    query_slots: Arc<Semaphore>,
    analysis_slots: Arc<Semaphore>,
    /// Requests running per client address: (analyses, others).
    running: Mutex<HashMap<IpAddr, (usize, usize)>>,
    analyzer: OnceLock<Analyzer>,
    limiter: Option<limit::Limiter>,
    search: search::Search,
}

pub(crate) type Shared = Arc<AppState>;

impl Drop for AppState {
    /// The pooled readers are closed on a thread of their own: a
    /// PostgreSQL connection closes by blocking on its driver, which
    /// panics on the server's runtime threads, where the state may be
    /// dropped.
    fn drop(&mut self) {
        let pool = std::mem::take(self.pool.get_mut().unwrap_or_else(|p| p.into_inner()));
        if pool.iter().any(Queries::is_postgres) {
            let _ = std::thread::Builder::new()
                .name("chancery-close".into())
                .spawn(move || drop(pool));
        }
    }
}

impl AppState {
    fn new(config: Config) -> AppState {
        AppState {
            limiter: config.rate_limit.map(limit::Limiter::new),
            config,
            pool: Mutex::new(Vec::new()),
            query_slots: Arc::new(Semaphore::new(QUERY_SLOTS)),
            analysis_slots: Arc::new(Semaphore::new(ANALYSIS_SLOTS)),
            running: Mutex::new(HashMap::new()),
            analyzer: OnceLock::new(),
            search: search::Search::default(),
        }
    }

    pub(crate) fn data(&self) -> &Path {
        &self.config.data
    }

    pub(crate) fn config(&self) -> &Config {
        &self.config
    }

    pub(crate) fn analyzer(&self) -> &Analyzer {
        self.analyzer.get_or_init(Analyzer::new)
    }

    fn checkout(&self) -> Result<Queries, StoreError> {
        let pooled = self.pool.lock().map(|mut pool| pool.pop()).unwrap_or(None);
        match pooled {
            Some(queries) => Ok(queries),
            None => Queries::open_data(&self.config.data),
        }
    }

    fn checkin(&self, queries: Queries) {
        if let Ok(mut pool) = self.pool.lock() {
            if pool.len() < POOL_KEEP {
                pool.push(queries);
            }
        }
    }
}

/// Runs `f` with a reader on the blocking pool.
pub(crate) async fn read<T, F>(state: &Shared, f: F) -> Result<T, ServerError>
where
    T: Send + 'static,
    F: FnOnce(&Queries) -> Result<T, StoreError> + Send + 'static,
{
    let slots = Arc::clone(&state.query_slots);
    on_pool(state, slots, "a query thread", move |state| {
        let queries = state.checkout()?;
        let result = f(&queries);
        state.checkin(queries);
        Ok(result?)
    })
    .await
}

/// Runs `work` on the blocking pool once one of `slots` is free. The slot
/// is held until the work ends, not until the request is answered, so a
/// timed-out request does not free a slot its work still uses; work whose
/// request was given up (timed out, client gone) before it started is not
/// started at all.
async fn on_pool<T, F>(
    state: &Shared,
    slots: Arc<Semaphore>,
    what: &'static str,
    work: F,
) -> Result<T, ServerError>
where
    T: Send + 'static,
    F: FnOnce(&AppState) -> Result<T, ServerError> + Send + 'static,
{
    let slot = slots
        .acquire_owned()
        .await
        .map_err(|_| ServerError::Internal("the worker slots were closed".into()))?;
    let state = Arc::clone(state);
    let abandoned = Abandoned::new();
    let flag = abandoned.flag();
    let client = CLIENT.try_with(|client| *client).ok();
    tokio::task::spawn_blocking(move || {
        let _slot = slot;
        if flag.load(Ordering::Relaxed) {
            return Err(ServerError::Internal("the request was abandoned".into()));
        }
        let started = Instant::now();
        let result = work(&state);
        // The client pays for the work its request made, whether or not
        // it still waits for the answer.
        if let (Some(client), Some(limiter)) = (client, &state.limiter) {
            limiter.charge(client, started.elapsed(), Instant::now());
        }
        result
    })
    .await
    .map_err(|err| worker_failed(what, err))?
}

/// Set when the request's future is dropped (it timed out or the client
/// left), so work queued for it is not started.
struct Abandoned(Arc<AtomicBool>);

impl Abandoned {
    fn new() -> Abandoned {
        Abandoned(Arc::new(AtomicBool::new(false)))
    }

    fn flag(&self) -> Arc<AtomicBool> {
        Arc::clone(&self.0)
    }
}

impl Drop for Abandoned {
    fn drop(&mut self) {
        self.0.store(true, Ordering::Relaxed);
    }
}

/// A worker that panicked or was cancelled: the detail (panic text) goes
/// to the log, the client gets a plain internal error.
fn worker_failed(what: &str, err: tokio::task::JoinError) -> ServerError {
    eprintln!("chancery: {what} failed: {err}");
    ServerError::Internal(format!("{what} failed"))
}

/// Searches on the blocking pool: the full-text index, else the store.
pub(crate) async fn search(
    state: &Shared,
    query: chancery_store::SearchQuery,
) -> Result<chancery_store::SearchResults, ServerError> {
    let slots = Arc::clone(&state.query_slots);
    on_pool(state, slots, "a search thread", move |state| {
        let queries = state.checkout()?;
        let result = state.search.run(&state.config, &queries, &query);
        state.checkin(queries);
        result
    })
    .await
}

/// Runs CPU-bound work (analysis, ingest) on the blocking pool, at most
/// [`ANALYSIS_SLOTS`] at once.
pub(crate) async fn compute<T, F>(state: &Shared, f: F) -> Result<T, ServerError>
where
    T: Send + 'static,
    F: FnOnce(&AppState) -> Result<T, ServerError> + Send + 'static,
{
    let slots = Arc::clone(&state.analysis_slots);
    on_pool(state, slots, "an analysis thread", f).await
}

/// The API routes: a test checks that the OpenAPI document lists exactly
/// these and that the router registers each.
#[cfg(test)]
pub(crate) const API_ROUTES: &[(&str, &str)] = &[
    ("GET", "/api/openapi.json"),
    ("GET", "/api/stats"),
    ("GET", "/api/articles"),
    ("GET", "/api/articles/{id}"),
    ("GET", "/api/articles/{id}/similar"),
    ("GET", "/api/stories"),
    ("GET", "/api/stories/{story}"),
    ("GET", "/api/entities"),
    ("GET", "/api/entities/{name}"),
    ("GET", "/api/entities/{name}/cooccurring"),
    ("GET", "/api/events"),
    ("GET", "/api/events/mix"),
    ("GET", "/api/places"),
    ("GET", "/api/dyads/{a}/{b}"),
    ("GET", "/api/actors"),
    ("GET", "/api/network"),
    ("GET", "/api/quotes"),
    ("GET", "/api/search"),
    ("POST", "/api/analyze"),
    ("POST", "/api/ingest"),
];

fn router(state: Shared) -> Router {
    let body_limit = state
        .config
        .max_analyze_bytes
        .max(state.config.max_ingest_bytes);
    let api = Router::new()
        .route("/api/openapi.json", get(api::openapi))
        .route("/api/stats", get(api::stats))
        .route("/api/articles", get(api::articles))
        .route("/api/articles/{id}", get(api::article))
        .route("/api/articles/{id}/similar", get(api::similar))
        .route("/api/stories", get(api::stories))
        .route("/api/stories/{story}", get(api::story))
        .route("/api/entities", get(api::entities))
        .route("/api/entities/{name}", get(api::entity))
        .route("/api/entities/{name}/cooccurring", get(api::cooccurring))
        .route("/api/events", get(api::events))
        .route("/api/events/mix", get(api::event_mix))
        .route("/api/places", get(api::places))
        .route("/api/dyads/{a}/{b}", get(api::dyad))
        .route("/api/actors", get(api::actors))
        .route("/api/network", get(api::network))
        .route("/api/quotes", get(api::quotes))
        .route("/api/search", get(api::search))
        .route("/api/analyze", post(api::analyze))
        .route("/api/ingest", post(api::ingest))
        .route("/api/{*rest}", get(api::not_found).post(api::not_found))
        .method_not_allowed_fallback(api::method_not_allowed);
    let pages = Router::new()
        .route("/", get(pages::home))
        .route("/articles", get(pages::articles))
        .route("/article/{id}", get(pages::article))
        .route("/story/{story}", get(pages::story))
        .route("/entities", get(pages::entities))
        .route("/entity/{name}", get(pages::entity))
        .route("/events", get(pages::events))
        .route("/dyad/{a}/{b}", get(pages::dyad))
        .route("/network", get(pages::network))
        .route("/search", get(pages::search))
        .route("/metrics", get(metrics::metrics))
        .route("/static/style.css", get(pages::stylesheet))
        .route("/static/app.js", get(pages::script))
        .fallback(pages::not_found);
    api.merge(pages)
        // Bodies are capped per route in the handlers; this is the outer cap.
        .layer(DefaultBodyLimit::max(body_limit))
        .layer(middleware::from_fn_with_state(Arc::clone(&state), guard))
        .with_state(state)
}

/// Rate limit, time limit and security headers for every request.
async fn guard(
    State(state): State<Shared>,
    request: Request<axum::body::Body>,
    next: Next,
) -> Response {
    // A browser always names the host it thinks it talks to: a page of
    // another site that rebound its name to this address names that site.
    if let Some(host) = request.headers().get(header::HOST) {
        let allowed = host
            .to_str()
            .is_ok_and(|host| state.config.allows_host(host));
        if !allowed {
            return ServerError::HostNotAllowed.into_response();
        }
    }
    // Checked before any handler reads a parameter: one place for every
    // route, pages included.
    let target = request
        .uri()
        .path_and_query()
        .map_or(0, |p| p.as_str().len());
    if target > params::MAX_URI_BYTES {
        return ServerError::UriTooLong {
            limit: params::MAX_URI_BYTES,
        }
        .into_response();
    }
    let client = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| addr.ip())
        .unwrap_or(IpAddr::from([0, 0, 0, 0]));
    let expensive = request.method() == axum::http::Method::POST;
    let _in_flight = match InFlight::enter(&state, client, expensive) {
        Ok(running) => running,
        Err(error) => {
            let mut response = error.into_response();
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
            return response;
        }
    };
    if let Some(limiter) = &state.limiter {
        if !limiter.allow(client, Instant::now()) {
            let mut response = ServerError::RateLimited {
                per_second: limiter.limit().per_second,
            }
            .into_response();
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
            return response;
        }
    }
    let timeout = state.config.timeout;
    let work = CLIENT.scope(client, tokio::time::timeout(timeout, next.run(request)));
    let mut response = match work.await {
        Ok(response) => response,
        Err(_) => ServerError::Timeout {
            seconds: timeout.as_secs(),
        }
        .into_response(),
    };
    let headers = response.headers_mut();
    // No inline scripts or styles run, so a value that escaped escaping
    // still could not execute.
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
             connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
        ),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    response
}

/// One request counted against its client address's caps while it runs.
struct InFlight {
    state: Shared,
    client: IpAddr,
    expensive: bool,
}

impl InFlight {
    /// Counts a request of `client`, or refuses it when the address already
    /// runs as many as it may (analyses and ingests, which are POSTs, have
    /// their own smaller cap).
    fn enter(state: &Shared, client: IpAddr, expensive: bool) -> Result<InFlight, ServerError> {
        let mut running = state
            .running
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let counts = running.entry(client).or_insert((0, 0));
        let (count, cap) = if expensive {
            (&mut counts.0, state.config.max_analyses_per_address)
        } else {
            (&mut counts.1, state.config.max_requests_per_address)
        };
        if *count >= cap.max(1) {
            return Err(ServerError::TooManyAtOnce { running: *count });
        }
        *count += 1;
        Ok(InFlight {
            state: Arc::clone(state),
            client,
            expensive,
        })
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        let mut running = self
            .state
            .running
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(counts) = running.get_mut(&self.client) {
            if self.expensive {
                counts.0 = counts.0.saturating_sub(1);
            } else {
                counts.1 = counts.1.saturating_sub(1);
            }
            if *counts == (0, 0) {
                running.remove(&self.client);
            }
        }
    }
}

/// A server running on its own threads, stopped when dropped.
#[derive(Debug)]
pub struct Running {
    addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<Result<(), ServerError>>>,
}

/// A watcher running beside the server.
struct WatchThread {
    stop: Arc<AtomicBool>,
    thread: std::thread::JoinHandle<
        Result<chancery_ingest::WatchSummary, chancery_ingest::IngestError>,
    >,
}

impl WatchThread {
    /// Starts the configured watcher over the server's store, its
    /// committed batches catching the search index up; `None` without one.
    /// The store is opened here, so an error (another writer holds it)
    /// stops the server from starting.
    fn start(state: &Shared) -> Result<Option<WatchThread>, ServerError> {
        let Some(watch) = state.config.watch.clone() else {
            return Ok(None);
        };
        let mut config = watch.config;
        config.data.clone_from(&state.config.data);
        let told = watch.on_event;
        let weak = Arc::downgrade(state);
        let on_event: chancery_ingest::OnEvent = Arc::new(move |event| {
            if let chancery_ingest::WatchEvent::Committed { .. } = event {
                if let Some(state) = weak.upgrade() {
                    state.search.mark_stale();
                }
            }
            if let Some(told) = &told {
                told(event);
            }
        });
        let watcher =
            chancery_ingest::Watcher::start(config, on_event).map_err(ServerError::Watch)?;
        let stop = watcher.stopper();
        let thread = std::thread::Builder::new()
            .name("chancery-watch".into())
            .spawn(move || watcher.run(false))
            .map_err(ServerError::Start)?;
        Ok(Some(WatchThread { stop, thread }))
    }

    /// Stops it: no request starts, the pages in flight are stored.
    fn stop(self) -> Result<chancery_ingest::WatchSummary, ServerError> {
        self.stop.store(true, Ordering::Relaxed);
        match self.thread.join() {
            Ok(result) => result.map_err(ServerError::Watch),
            Err(_) => Err(ServerError::Internal("the watcher thread panicked".into())),
        }
    }
}

/// Serves, then stops the watcher once serving ends; the first error wins.
async fn serve_and_watch(
    listener: tokio::net::TcpListener,
    state: Shared,
    watcher: Option<WatchThread>,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> Result<Option<chancery_ingest::WatchSummary>, ServerError> {
    let served = serve(listener, state, shutdown).await;
    let watched = match watcher {
        Some(watcher) => tokio::task::spawn_blocking(move || watcher.stop())
            .await
            .map_err(|err| worker_failed("the watcher", err))?
            .map(Some),
        None => Ok(None),
    };
    served?;
    watched
}

impl Running {
    /// The address it listens on (with the port chosen, when 0 was asked).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Stops it and waits for it to finish.
    pub fn stop(mut self) -> Result<(), ServerError> {
        self.shutdown()
    }

    fn shutdown(&mut self) -> Result<(), ServerError> {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        match self.thread.take().map(|t| t.join()) {
            Some(Ok(result)) => result,
            Some(Err(_)) => Err(ServerError::Internal("the server thread panicked".into())),
            None => Ok(()),
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.shutdown();
    }
}

/// Starts a server on background threads and returns once it listens.
pub fn spawn(config: Config) -> Result<Running, ServerError> {
    let runtime = runtime()?;
    let (listener, addr) = bind(&runtime, config.addr)?;
    let state = Arc::new(AppState::new(config));
    let watcher = WatchThread::start(&state)?;
    let (stop, stopped) = oneshot::channel::<()>();
    let thread = std::thread::Builder::new()
        .name("chancery-server".into())
        .spawn(move || {
            runtime
                .block_on(serve_and_watch(listener, state, watcher, async {
                    let _ = stopped.await;
                }))
                .map(|_| ())
        })
        .map_err(ServerError::Start)?;
    Ok(Running {
        addr,
        stop: Some(stop),
        thread: Some(thread),
    })
}

/// Serves until Ctrl-C, printing where; with [`Config::watch`], watches
/// in the background until then too.
pub fn run(config: Config) -> Result<(), ServerError> {
    let runtime = runtime()?;
    let (listener, addr) = bind(&runtime, config.addr)?;
    let state = Arc::new(AppState::new(config));
    let watcher = WatchThread::start(&state)?;
    eprintln!(
        "chancery: serving {} at http://{addr}/ (Ctrl-C stops){}",
        shown(&state.config.data),
        if watcher.is_some() {
            "; watching its sources in the background"
        } else {
            ""
        }
    );
    let summary = runtime.block_on(serve_and_watch(listener, state, watcher, async {
        let _ = tokio::signal::ctrl_c().await;
    }))?;
    if let Some(summary) = summary {
        eprintln!(
            "chancery: the watcher stopped: {} new articles stored while serving, {} pages not fetched",
            summary.tally.stored, summary.not_fetched
        );
        if let Some(error) = summary.stopped {
            return Err(ServerError::Store(error));
        }
    }
    Ok(())
}

/// The corpus as shown in logs: a data directory, or a URL without its
/// password.
fn shown(data: &Path) -> String {
    match chancery_store::postgres_url(data) {
        Some(url) => chancery_store::redacted(url),
        None => data.display().to_string(),
    }
}

/// The listener on `addr`, and the address it got (the port, when 0 asked
/// for any).
fn bind(
    runtime: &tokio::runtime::Runtime,
    addr: SocketAddr,
) -> Result<(tokio::net::TcpListener, SocketAddr), ServerError> {
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind(addr))
        .map_err(|source| ServerError::Bind { addr, source })?;
    let local = listener.local_addr().map_err(ServerError::Start)?;
    Ok((listener, local))
}

fn runtime() -> Result<tokio::runtime::Runtime, ServerError> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_name("chancery-http")
        .build()
        .map_err(ServerError::Start)
}

async fn serve(
    listener: tokio::net::TcpListener,
    state: Shared,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> Result<(), ServerError> {
    let (per_address, header_timeout) = (
        state.config.max_connections_per_address,
        state.config.header_timeout,
    );
    conn::serve(
        listener,
        router(state),
        per_address,
        header_timeout,
        shutdown,
    )
    .await;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn work_on_the_pool_is_charged_to_its_client() {
        let mut config = Config::new(std::env::temp_dir());
        config.rate_limit = Some(RateLimit {
            per_second: 2,
            burst: 2,
        });
        let state: Shared = Arc::new(AppState::new(config));
        let client: IpAddr = "127.0.0.9".parse().unwrap();
        let other: IpAddr = "127.0.0.10".parse().unwrap();
        let limiter = state.limiter.as_ref().unwrap();
        assert!(limiter.allow(client, Instant::now()));
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        // 1.5 s of work at 2 tokens a second costs 3: the bucket (2 at
        // most) owes at least one, so the next request waits a second.
        let work = compute(&state, |_| {
            std::thread::sleep(Duration::from_millis(1_500));
            Ok(())
        });
        runtime.block_on(CLIENT.scope(client, work)).unwrap();
        assert!(!limiter.allow(client, Instant::now()));
        assert!(limiter.allow(other, Instant::now()));
    }

    #[test]
    fn the_openapi_document_lists_exactly_the_routes() {
        let spec: serde_json::Value = serde_json::from_str(api::OPENAPI).unwrap();
        let mut documented: Vec<(String, String)> = Vec::new();
        for (path, item) in spec["paths"].as_object().unwrap() {
            for method in item.as_object().unwrap().keys() {
                documented.push((method.to_uppercase(), path.clone()));
            }
        }
        documented.sort();
        let mut routes: Vec<(String, String)> = API_ROUTES
            .iter()
            .map(|(m, p)| (m.to_string(), p.to_string()))
            .collect();
        routes.sort();
        assert_eq!(documented, routes);
        let source = include_str!("lib.rs");
        for (_, path) in API_ROUTES {
            assert!(
                source.contains(&format!(".route(\"{path}\"")),
                "{path} is not registered in the router"
            );
        }
    }
}
