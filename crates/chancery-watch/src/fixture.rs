//! A tiny HTTP/1.1 server on loopback for tests and benchmarks (feature
//! `fixture`): one listener per address given, a thread per connection,
//! every request logged, replies from a handler, misbehaviour on demand
//! (slow bodies, endless bodies). Never for serving anything real.

use std::io::{self, BufRead, BufReader, Write};
use std::net::{IpAddr, Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

/// A request as the server saw it.
#[derive(Debug, Clone)]
pub struct Request {
    /// The address it arrived at (which fixture host).
    pub local: SocketAddr,
    /// The method.
    pub method: String,
    /// The path with its query.
    pub path: String,
    /// Headers, names lower-cased.
    pub headers: Vec<(String, String)>,
}

impl Request {
    /// A header's value.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// How a reply's body is sent.
#[derive(Debug, Clone)]
pub enum Payload {
    /// All at once, with a Content-Length.
    Bytes(Vec<u8>),
    /// `total` bytes announced, sent a byte at a time with `pause` between.
    Slow {
        /// The announced length.
        total: usize,
        /// The pause between bytes.
        pause: Duration,
    },
    /// Chunked and never ending (until the client hangs up).
    Endless,
}

/// A reply.
#[derive(Debug, Clone)]
pub struct Reply {
    /// The status code.
    pub status: u16,
    /// Headers besides Content-Length and Connection.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub payload: Payload,
}

impl Reply {
    /// 200 with a body of this type.
    pub fn ok(content_type: &str, body: impl Into<Vec<u8>>) -> Reply {
        Reply {
            status: 200,
            headers: vec![("Content-Type".into(), content_type.into())],
            payload: Payload::Bytes(body.into()),
        }
    }

    /// A bare status with an empty body.
    pub fn status(status: u16) -> Reply {
        Reply {
            status,
            headers: Vec::new(),
            payload: Payload::Bytes(Vec::new()),
        }
    }

    /// A redirect.
    pub fn redirect(status: u16, location: &str) -> Reply {
        Reply::status(status).header("Location", location)
    }

    /// The reply with one more header.
    pub fn header(mut self, name: &str, value: &str) -> Reply {
        self.headers.push((name.into(), value.into()));
        self
    }
}

type Handler = dyn Fn(&Request) -> Reply + Send + Sync;

/// The running server; stops when dropped.
pub struct Server {
    addrs: Vec<SocketAddr>,
    log: Arc<Mutex<Vec<Request>>>,
    stop: Arc<AtomicBool>,
}

impl Server {
    /// Listens on an ephemeral port of each address (`127.0.0.1`,
    /// `127.0.0.2`… are all loopback on Linux).
    pub fn start(
        ips: &[IpAddr],
        handler: impl Fn(&Request) -> Reply + Send + Sync + 'static,
    ) -> io::Result<Server> {
        let handler: Arc<Handler> = Arc::new(handler);
        let log = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let mut addrs = Vec::new();
        for ip in ips {
            let listener = TcpListener::bind(SocketAddr::new(*ip, 0))?;
            addrs.push(listener.local_addr()?);
            let (handler, log, stop) = (handler.clone(), log.clone(), stop.clone());
            thread::spawn(move || {
                for stream in listener.incoming() {
                    if stop.load(Ordering::Relaxed) {
                        break;
                    }
                    let Ok(stream) = stream else { continue };
                    let (handler, log, stop) = (handler.clone(), log.clone(), stop.clone());
                    thread::spawn(move || {
                        let _ = serve(stream, &*handler, &log, &stop);
                    });
                }
            });
        }
        Ok(Server { addrs, log, stop })
    }

    /// The address of listener `i`.
    pub fn addr(&self, i: usize) -> SocketAddr {
        self.addrs[i]
    }

    /// `http://ADDR{path}` on listener `i`.
    pub fn url(&self, i: usize, path: &str) -> String {
        format!("http://{}{path}", self.addrs[i])
    }

    /// Every request so far.
    pub fn requests(&self) -> Vec<Request> {
        self.log.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Requests for exactly this path (with query), on any listener.
    pub fn count(&self, path: &str) -> usize {
        self.requests().iter().filter(|r| r.path == path).count()
    }

    /// Requests that arrived at listener `i`.
    pub fn count_at(&self, i: usize) -> usize {
        self.requests()
            .iter()
            .filter(|r| r.local == self.addrs[i])
            .count()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        for addr in &self.addrs {
            // Wakes the accept loop so it sees the flag.
            let _ = TcpStream::connect_timeout(addr, Duration::from_millis(100));
        }
    }
}

fn serve(
    stream: TcpStream,
    handler: &Handler,
    log: &Mutex<Vec<Request>>,
    stop: &AtomicBool,
) -> io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let local = stream.local_addr()?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut line = String::new();
    reader.read_line(&mut line)?;
    let mut parts = line.split_whitespace();
    let (Some(method), Some(path)) = (parts.next(), parts.next()) else {
        return Ok(());
    };
    let (method, path) = (method.to_string(), path.to_string());
    let mut headers = Vec::new();
    loop {
        line.clear();
        if reader.read_line(&mut line)? == 0 || line.trim().is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            headers.push((name.trim().to_ascii_lowercase(), value.trim().to_string()));
        }
    }
    let request = Request {
        local,
        method,
        path,
        headers,
    };
    if stop.load(Ordering::Relaxed) {
        return Ok(());
    }
    log.lock()
        .unwrap_or_else(|e| e.into_inner())
        .push(request.clone());
    let reply = handler(&request);
    let mut out = io::BufWriter::new(stream.try_clone()?);
    write!(out, "HTTP/1.1 {} X\r\nConnection: close\r\n", reply.status)?;
    for (name, value) in &reply.headers {
        write!(out, "{name}: {value}\r\n")?;
    }
    match reply.payload {
        Payload::Bytes(body) => {
            write!(out, "Content-Length: {}\r\n\r\n", body.len())?;
            out.write_all(&body)?;
            out.flush()?;
        }
        Payload::Slow { total, pause } => {
            write!(out, "Content-Length: {total}\r\n\r\n")?;
            out.flush()?;
            for _ in 0..total {
                thread::sleep(pause);
                out.write_all(b"x")?;
                out.flush()?;
            }
        }
        Payload::Endless => {
            write!(out, "Transfer-Encoding: chunked\r\n\r\n")?;
            let chunk = vec![b'a'; 16 * 1024];
            loop {
                write!(out, "{:x}\r\n", chunk.len())?;
                out.write_all(&chunk)?;
                out.write_all(b"\r\n")?;
                out.flush()?;
            }
        }
    }
    let _ = stream.shutdown(Shutdown::Both);
    Ok(())
}

/// Words the made-up articles are written from.
const WORDS: &[&str] = &[
    "council", "river", "budget", "minister", "harbour", "election", "union", "court", "hospital",
    "railway", "festival", "drought", "factory", "treaty", "museum", "bridge", "school", "market",
    "border", "airport", "harvest", "storm", "reform", "strike", "summit", "vaccine", "pipeline",
    "library", "stadium", "forest",
];
const PEOPLE: &[&str] = &[
    "Maria Alvarez",
    "John Okafor",
    "Li Wei",
    "Anna Petrova",
    "Ahmed Hassan",
    "Sofia Rossi",
];
const PLACES: &[&str] = &[
    "France", "Kenya", "Brazil", "Japan", "Canada", "Egypt", "India",
];

/// A made-up news article page, different for every `n` (deterministic):
/// a title, a byline, a date and a few paragraphs naming people and
/// countries, so that extraction and analysis have real work.
pub fn news_page(n: usize) -> String {
    let mut state = (n as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
    let mut next = move |m: usize| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % m as u64) as usize
    };
    let topic = WORDS[n % WORDS.len()];
    let mut paragraphs = String::new();
    for p in 0..5 {
        let mut sentences = Vec::new();
        for _ in 0..3 {
            let words: Vec<&str> = (0..12).map(|_| WORDS[next(WORDS.len())]).collect();
            sentences.push(format!(
                "{} said the {} plan for {} would change the {} in {}.",
                PEOPLE[next(PEOPLE.len())],
                topic,
                PLACES[next(PLACES.len())],
                words.join(" "),
                PLACES[next(PLACES.len())],
            ));
        }
        paragraphs.push_str(&format!(
            "<p>{} (story {n}, part {p})</p>\n",
            sentences.join(" ")
        ));
    }
    format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Story {n}: the {topic} plan</title>\
         <meta property=\"og:type\" content=\"article\"></head><body><header><nav><a href=\"/\">Home</a></nav></header>\
         <article><h1>Story {n}: the {topic} plan</h1><p class=\"byline\">By {}</p>\
         <time datetime=\"2026-12-0{}T08:00:00Z\">December 2026</time>\n{paragraphs}</article>\
         <footer>© Fixture News</footer></body></html>",
        PEOPLE[n % PEOPLE.len()],
        1 + n % 6,
    )
}

/// An RSS 2.0 feed of these (link, title, pubDate) items.
pub fn rss(items: &[(String, String, String)]) -> String {
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><rss version=\"2.0\"><channel><title>Fixture</title>\n",
    );
    for (link, title, date) in items {
        out.push_str(&format!(
            "<item><title>{}</title><link>{}</link><pubDate>{date}</pubDate></item>\n",
            escape(title),
            escape(link)
        ));
    }
    out.push_str("</channel></rss>");
    out
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}
