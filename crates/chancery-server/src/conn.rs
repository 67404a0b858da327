//! The accept loop: HTTP/1 connections served by hyper with a header-read
//! timeout (which is also the idle timeout between requests on a kept-alive
//! connection) and a cap on the connections one client address may hold,
//! so idle or trickling sockets from one client cannot lock out the rest.

use std::collections::HashMap;
use std::future::Future;
use std::net::{IpAddr, SocketAddr};
use std::pin::pin;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::Router;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;
use tokio::sync::watch;
use tower::ServiceExt;

/// Open connections per client address.
#[derive(Debug, Default)]
struct Connections(Mutex<HashMap<IpAddr, usize>>);

/// One open connection, counted until dropped.
struct Slot {
    connections: Arc<Connections>,
    client: IpAddr,
}

impl Connections {
    fn enter(self: &Arc<Self>, client: IpAddr, cap: usize) -> Option<Slot> {
        let mut open = self.0.lock().unwrap_or_else(|p| p.into_inner());
        let count = open.entry(client).or_insert(0);
        if *count >= cap.max(1) {
            return None;
        }
        *count += 1;
        Some(Slot {
            connections: Arc::clone(self),
            client,
        })
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut open = self.connections.0.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(count) = open.get_mut(&self.client) {
            *count = count.saturating_sub(1);
            if *count == 0 {
                open.remove(&self.client);
            }
        }
    }
}

/// Serves `app` on `listener` until `shutdown` completes, then lets open
/// connections finish their requests (for at most `drain`).
pub(crate) async fn serve(
    listener: TcpListener,
    app: Router,
    max_per_address: usize,
    header_timeout: Duration,
    shutdown: impl Future<Output = ()> + Send + 'static,
) {
    let connections = Arc::new(Connections::default());
    let (closing, close_signal) = watch::channel(false);
    let mut shutdown = pin!(shutdown);
    loop {
        let (stream, addr) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(err) => {
                    // Out of descriptors (EMFILE) or a connection reset
                    // while queued: wait a little rather than spin.
                    eprintln!("chancery: cannot accept a connection: {err}");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let Some(slot) = connections.enter(addr.ip(), max_per_address) else {
            // Over this address's cap: closed at once.
            drop(stream);
            continue;
        };
        let _ = stream.set_nodelay(true);
        let app = app.clone();
        let mut close_signal = close_signal.clone();
        tokio::spawn(async move {
            let _slot = slot;
            let service =
                hyper::service::service_fn(move |mut request: http::Request<Incoming>| {
                    request
                        .extensions_mut()
                        .insert(ConnectInfo::<SocketAddr>(addr));
                    app.clone().oneshot(request.map(Body::new))
                });
            let mut builder = http1::Builder::new();
            builder
                .timer(TokioTimer::new())
                .header_read_timeout(header_timeout)
                .keep_alive(true);
            let mut connection = pin!(builder.serve_connection(TokioIo::new(stream), service));
            tokio::select! {
                _ = connection.as_mut() => {}
                _ = close_signal.changed() => {
                    connection.as_mut().graceful_shutdown();
                    let _ = tokio::time::timeout(Duration::from_secs(5), connection).await;
                }
            }
        });
    }
    let _ = closing.send(true);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn connections_are_capped_per_address_and_freed_when_closed() {
        let connections = Arc::new(Connections::default());
        let a: IpAddr = "127.0.0.1".parse().unwrap();
        let b: IpAddr = "127.0.0.2".parse().unwrap();
        let first = connections.enter(a, 2).unwrap();
        let _second = connections.enter(a, 2).unwrap();
        assert!(connections.enter(a, 2).is_none());
        assert!(connections.enter(b, 2).is_some(), "caps are per address");
        drop(first);
        assert!(connections.enter(a, 2).is_some());
    }
}
