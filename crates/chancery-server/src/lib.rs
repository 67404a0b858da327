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
//! - `/`, `/articles`, `/article/{id}`, `/story/{id}`, `/entities`, `/entity/{name}`,
//!   `/events`, `/dyad/{a}/{b}`, `/network`, `/search`: the web UI.
//!
//! The server is read-only unless started with a token, which allows
//! `POST /api/ingest`. Every client gets a token bucket of requests, bodies
//! are capped, and slow requests are abandoned.
//!
//! ```no_run
//! let config = chancery_server::Config::new("chancery-data");
//! chancery_server::run(config)?;
//! # Ok::<(), chancery_server::ServerError>(())
//! ```

#![deny(missing_docs)]

mod api;
mod error;
mod ingest;
mod limit;
mod pages;
mod render;
mod search;
mod svg;

use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
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

pub use error::ServerError;
pub use ingest::{ingest_jsonl, IngestLine, IngestReport};
pub use limit::RateLimit;

/// The default address: loopback only, so a corpus is not shared by
/// accident.
pub const DEFAULT_ADDR: &str = "127.0.0.1:8080";

/// How the server runs.
#[derive(Debug, Clone)]
pub struct Config {
    /// The data directory of the corpus.
    pub data: PathBuf,
    /// Where to listen.
    pub addr: SocketAddr,
    /// When set, `POST /api/ingest` accepts requests that carry it as a
    /// bearer token; when not, the server is read-only.
    pub token: Option<String>,
    /// Requests per client address; `None` for no limit (benchmarks).
    pub rate_limit: Option<RateLimit>,
    /// The largest body of `POST /api/analyze`, in bytes.
    pub max_analyze_bytes: usize,
    /// The largest body of `POST /api/ingest`, in bytes.
    pub max_ingest_bytes: usize,
    /// Requests running longer are answered with a timeout error.
    pub timeout: Duration,
}

impl Config {
    /// The defaults for a data directory: loopback port 8080, read-only,
    /// 20 requests a second per client (bursts of 100), 1 MiB analyze and
    /// 32 MiB ingest bodies, 30 s per request.
    pub fn new(data: impl Into<PathBuf>) -> Config {
        Config {
            data: data.into(),
            addr: DEFAULT_ADDR.parse().expect("the default address parses"),
            token: None,
            rate_limit: Some(RateLimit {
                per_second: 20,
                burst: 100,
            }),
            max_analyze_bytes: 1 << 20,
            max_ingest_bytes: 32 << 20,
            timeout: Duration::from_secs(30),
        }
    }
}

/// Readers kept open between requests.
const POOL_KEEP: usize = 8;
/// Queries running at once on the blocking pool.
const QUERY_SLOTS: usize = 8;
/// Analyses or ingests running at once: they are CPU-bound.
const ANALYSIS_SLOTS: usize = 2;

/// What every handler shares.
pub(crate) struct AppState {
    config: Config,
    pool: Mutex<Vec<Queries>>,
    query_slots: Semaphore,
    analysis_slots: Semaphore,
    analyzer: OnceLock<Analyzer>,
    limiter: Option<limit::Limiter>,
    search: search::Search,
}

pub(crate) type Shared = Arc<AppState>;

impl AppState {
    fn new(config: Config) -> AppState {
        AppState {
            limiter: config.rate_limit.map(limit::Limiter::new),
            config,
            pool: Mutex::new(Vec::new()),
            query_slots: Semaphore::new(QUERY_SLOTS),
            analysis_slots: Semaphore::new(ANALYSIS_SLOTS),
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
            None => Queries::open(&self.config.data),
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
    let _slot = state
        .query_slots
        .acquire()
        .await
        .map_err(|_| ServerError::Internal("the query slots were closed".into()))?;
    let state = Arc::clone(state);
    tokio::task::spawn_blocking(move || {
        let queries = state.checkout()?;
        let result = f(&queries);
        state.checkin(queries);
        Ok(result?)
    })
    .await
    .map_err(|err| ServerError::Internal(format!("a query thread failed: {err}")))?
}

/// Searches on the blocking pool: the full-text index, else the store.
pub(crate) async fn search(
    state: &Shared,
    query: chancery_store::SearchQuery,
) -> Result<chancery_store::SearchResults, ServerError> {
    let _slot = state
        .query_slots
        .acquire()
        .await
        .map_err(|_| ServerError::Internal("the query slots were closed".into()))?;
    let state = Arc::clone(state);
    tokio::task::spawn_blocking(move || {
        let queries = state.checkout()?;
        let result = state.search.run(&state.config.data, &queries, &query);
        state.checkin(queries);
        result
    })
    .await
    .map_err(|err| ServerError::Internal(format!("a search thread failed: {err}")))?
}

/// Runs CPU-bound work (analysis, ingest) on the blocking pool, at most
/// [`ANALYSIS_SLOTS`] at once.
pub(crate) async fn compute<T, F>(state: &Shared, f: F) -> Result<T, ServerError>
where
    T: Send + 'static,
    F: FnOnce(&AppState) -> Result<T, ServerError> + Send + 'static,
{
    let _slot = state
        .analysis_slots
        .acquire()
        .await
        .map_err(|_| ServerError::Internal("the analysis slots were closed".into()))?;
    let state = Arc::clone(state);
    tokio::task::spawn_blocking(move || f(&state))
        .await
        .map_err(|err| ServerError::Internal(format!("an analysis thread failed: {err}")))?
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
    ("GET", "/api/stories/{id}"),
    ("GET", "/api/entities"),
    ("GET", "/api/entities/{name}"),
    ("GET", "/api/entities/{name}/cooccurring"),
    ("GET", "/api/events"),
    ("GET", "/api/events/mix"),
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
        .route("/api/stories/{id}", get(api::story))
        .route("/api/entities", get(api::entities))
        .route("/api/entities/{name}", get(api::entity))
        .route("/api/entities/{name}/cooccurring", get(api::cooccurring))
        .route("/api/events", get(api::events))
        .route("/api/events/mix", get(api::event_mix))
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
        .route("/story/{id}", get(pages::story))
        .route("/entities", get(pages::entities))
        .route("/entity/{name}", get(pages::entity))
        .route("/events", get(pages::events))
        .route("/dyad/{a}/{b}", get(pages::dyad))
        .route("/network", get(pages::network))
        .route("/search", get(pages::search))
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
    if let Some(limiter) = &state.limiter {
        let client = request
            .extensions()
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(addr)| addr.ip())
            .unwrap_or(IpAddr::from([0, 0, 0, 0]));
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
    let mut response = match tokio::time::timeout(timeout, next.run(request)).await {
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

/// A server running on its own threads, stopped when dropped.
#[derive(Debug)]
pub struct Running {
    addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<Result<(), ServerError>>>,
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
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind(config.addr))
        .map_err(|source| ServerError::Bind {
            addr: config.addr,
            source,
        })?;
    let addr = listener.local_addr().map_err(ServerError::Start)?;
    let (stop, stopped) = oneshot::channel::<()>();
    let thread = std::thread::Builder::new()
        .name("chancery-server".into())
        .spawn(move || {
            runtime.block_on(serve(listener, config, async {
                let _ = stopped.await;
            }))
        })
        .map_err(ServerError::Start)?;
    Ok(Running {
        addr,
        stop: Some(stop),
        thread: Some(thread),
    })
}

/// Serves until Ctrl-C, printing where.
pub fn run(config: Config) -> Result<(), ServerError> {
    let runtime = runtime()?;
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(config.addr)
            .await
            .map_err(|source| ServerError::Bind {
                addr: config.addr,
                source,
            })?;
        let addr = listener.local_addr().map_err(ServerError::Start)?;
        eprintln!(
            "chancery: serving {} at http://{addr}/ (Ctrl-C stops)",
            config.data.display()
        );
        serve(listener, config, async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
    })
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
    config: Config,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> Result<(), ServerError> {
    let state = Arc::new(AppState::new(config));
    let app = router(state).into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await
        .map_err(ServerError::Start)
}

#[cfg(test)]
mod tests {
    use super::*;

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
