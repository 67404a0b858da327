//! One client cannot tie the server up: the Host header is checked, idle
//! and trickling connections are closed, and one address holds a capped
//! number of connections.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use chancery_server::{Config, Running};

use crate::{corpus, get};

fn server_with(change: impl FnOnce(&mut Config)) -> Running {
    let mut config = Config::new(corpus());
    config.addr = "127.0.0.1:0".parse().unwrap();
    config.rate_limit = None;
    change(&mut config);
    chancery_server::spawn(config).unwrap()
}

/// Sends a raw request and reads the answer until the server closes.
fn raw(server: &Running, request: &str) -> String {
    let mut stream = TcpStream::connect(server.addr()).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    stream.write_all(request.as_bytes()).unwrap();
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    String::from_utf8_lossy(&answer).into_owned()
}

fn status_of(answer: &str) -> &str {
    answer.split(' ').nth(1).unwrap_or("")
}

#[test]
fn a_host_the_server_does_not_answer_for_is_refused() {
    let server = server_with(|_| {});
    let port = server.addr().port();
    let ask = |host: &str| {
        raw(
            &server,
            &format!("GET /api/stats HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"),
        )
    };
    let rebound = ask(&format!("attacker.example:{port}"));
    assert_eq!(status_of(&rebound), "421", "{rebound}");
    assert!(rebound.contains("host_not_allowed"), "{rebound}");
    for host in [
        format!("127.0.0.1:{port}"),
        format!("localhost:{port}"),
        "localhost".to_string(),
        format!("[::1]:{port}"),
    ] {
        let answer = ask(&host);
        assert_eq!(status_of(&answer), "200", "{host}: {answer}");
    }
    let configured = server_with(|c| c.allowed_hosts = vec!["news.example".into()]);
    let answer = raw(
        &configured,
        "GET /api/stats HTTP/1.1\r\nHost: news.example\r\nConnection: close\r\n\r\n",
    );
    assert_eq!(status_of(&answer), "200", "{answer}");
}

#[test]
fn a_connection_that_sends_no_complete_headers_is_closed() {
    let server = server_with(|c| c.header_timeout = Duration::from_millis(300));
    // Half a request, then nothing: closed by the server, not held open.
    let answer = raw(&server, "GET /api/stats HTTP/1.1\r\nHost: local");
    assert!(!answer.contains("200 OK"), "{answer}");
    // An idle connection (no request at all) is closed too.
    let answer = raw(&server, "");
    assert!(answer.is_empty() || answer.contains("408"), "{answer}");
}

#[test]
fn one_address_holds_a_capped_number_of_connections() {
    let server = server_with(|c| c.max_connections_per_address = 3);
    let idle: Vec<TcpStream> = (0..3)
        .map(|_| TcpStream::connect(server.addr()).unwrap())
        .collect();
    // Give the server time to accept the three before the fourth comes.
    std::thread::sleep(Duration::from_millis(200));
    let answer = raw(
        &server,
        "GET /api/stats HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
    );
    assert_eq!(answer, "", "the fourth connection is closed unanswered");
    drop(idle);
    std::thread::sleep(Duration::from_millis(200));
    let (status, _) = get(&server, "/api/stats");
    assert_eq!(status, 200);
}

#[test]
fn requests_hyper_refuses_are_answered_in_the_json_error_shape() {
    // (Headers over hyper's buffer, a 431, are rewritten the same way; how
    // much a single read takes in decides whether hyper refuses them, so
    // that case is a unit test of conn.rs.)
    let server = server_with(|_| {});
    let long = "x".repeat(100_000);
    for (request, status, code) in [
        (
            format!("GET /api/events?entity={long} HTTP/1.1\r\nHost: localhost\r\n\r\n"),
            "414",
            "uri_too_long",
        ),
        (
            "NOT HTTP AT ALL\r\n\r\n".to_string(),
            "400",
            "malformed_request",
        ),
    ] {
        let answer = raw(&server, &request);
        assert_eq!(status_of(&answer), status, "{answer}");
        let (head, body) = answer.split_once("\r\n\r\n").unwrap();
        assert!(head.contains("content-type: application/json"), "{head}");
        let json: serde_json::Value = serde_json::from_str(body).unwrap();
        assert_eq!(json["error"]["code"], code, "{body}");
    }
}
