//! End-to-end tests of the `chancery` binary: each test runs the built binary on
//! files written to a fresh temporary folder and checks what it prints, on which
//! stream, and its exit code.

mod analyze;
mod bad_input;
mod eval;
mod export;
mod ingest;
mod jsonl;
mod knowledge;
mod pgstore;
mod queue;
mod readme;
mod registry;
mod robust;
mod search;
mod stories;
mod watch;

use std::ffi::OsStr;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::Value;

/// The contract's top-level keys that every `chancery analyze` object has.
pub const CONTRACT_KEYS: &[&str] = &[
    "schema_version",
    "id",
    "title",
    "text",
    "paragraphs",
    "related",
    "flags",
    "sentences",
    "entities",
    "quotes",
    "events",
    "summary",
    "key_points",
];

/// A command for the binary under test.
pub fn chancery() -> Command {
    Command::new(env!("CARGO_BIN_EXE_chancery"))
}

/// A fixture of this test suite.
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/integration/fixtures")
        .join(name)
}

/// The scraped-text fixture that mimics the seed article, shared with the
/// extraction tests.
pub fn seed_lookalike() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../chancery-extract/tests/fixtures/text/seed_lookalike.txt")
}

/// What one run printed and how it ended.
#[derive(Debug)]
pub struct Output {
    pub status: ExitStatus,
    pub stdout: String,
    pub stderr: String,
}

impl Output {
    /// The exit code; a run killed by a signal (a stack overflow aborts) fails
    /// the test here.
    pub fn code(&self) -> i32 {
        self.status
            .code()
            .unwrap_or_else(|| panic!("chancery was killed by a signal: {self:#?}"))
    }

    /// Every stdout line parsed as one JSON value.
    pub fn json_lines(&self) -> Vec<Value> {
        self.stdout
            .lines()
            .map(|line| {
                serde_json::from_str(line)
                    .unwrap_or_else(|err| panic!("stdout line is not JSON ({err}): {line:.200}"))
            })
            .collect()
    }

    /// The only JSON object printed: stdout holds exactly one value.
    pub fn one_object(&self) -> Value {
        let values: Vec<Value> = serde_json::Deserializer::from_str(&self.stdout)
            .into_iter::<Value>()
            .collect::<Result<_, _>>()
            .unwrap_or_else(|err| panic!("stdout is not JSON ({err}): {:.300}", self.stdout));
        assert_eq!(values.len(), 1, "exactly one JSON value on stdout");
        assert!(values[0].is_object(), "the value is an object");
        values.into_iter().next().unwrap()
    }

    /// Asserts the run did not panic or overflow its stack.
    pub fn assert_no_panic(&self) -> &Output {
        assert!(
            !self.stderr.contains("panicked") && !self.stderr.contains("overflowed"),
            "chancery panicked: {}",
            self.stderr
        );
        assert_ne!(
            self.code(),
            101,
            "exit code 101 is a panic: {}",
            self.stderr
        );
        self
    }
}

/// Runs the binary with `args`, no stdin.
pub fn run<I, S>(args: I) -> Output
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    run_with_stdin(args, None)
}

/// Runs the binary with `args`, feeding `stdin` when given.
pub fn run_with_stdin<I, S>(args: I, stdin: Option<&[u8]>) -> Output
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    let mut child = chancery()
        .args(args)
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the chancery binary runs");
    if let Some(bytes) = stdin {
        let mut pipe = child.stdin.take().expect("stdin is piped");
        let bytes = bytes.to_vec();
        // Written from a thread so a large input cannot deadlock against a full stdout.
        std::thread::spawn(move || {
            let _ = pipe.write_all(&bytes);
        });
    }
    let out = child.wait_with_output().expect("chancery finishes");
    let output = Output {
        status: out.status,
        stdout: String::from_utf8(out.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(out.stderr).expect("stderr is UTF-8"),
    };
    output.assert_no_panic();
    output
}

/// A fresh folder under the system temp dir, removed when dropped.
pub struct TempDir {
    path: PathBuf,
}

impl TempDir {
    pub fn new(name: &str) -> TempDir {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let path =
            std::env::temp_dir().join(format!("chancery-it-{}-{n}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).expect("create temp dir");
        TempDir { path }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Writes `bytes` to `name` (sub-folders created) and returns the path.
    pub fn write(&self, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
        let path = self.path.join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("create sub-folder");
        }
        std::fs::write(&path, bytes).expect("write temp file");
        path
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

/// The text a `{start, end}` span of an output object points at, checking the
/// offsets are in range and on character boundaries.
pub fn span_text<'t>(text: &'t str, span: &Value) -> &'t str {
    let start = span["start"].as_u64().expect("span start") as usize;
    let end = span["end"].as_u64().expect("span end") as usize;
    text.get(start..end).unwrap_or_else(|| {
        panic!(
            "span {start}..{end} is not a slice of a {}-byte text",
            text.len()
        )
    })
}

/// The texts of an object's blocks of one kind.
pub fn blocks_of_kind(object: &Value, kind: &str) -> Vec<String> {
    let text = object["text"].as_str().expect("text");
    object["paragraphs"]
        .as_array()
        .expect("paragraphs")
        .iter()
        .filter(|b| b["kind"] == kind)
        .map(|b| span_text(text, b).to_string())
        .collect()
}

/// A short, clean news text that extracts without trouble.
pub fn good_text(topic: &str) -> String {
    format!(
        "Council approves new {topic} plan\n\n\
         The city council approved a new {topic} plan on Thursday after a long debate, \
         with eleven votes in favour and four against.\n\n\
         The plan takes effect next spring and will be reviewed after two years, the \
         council's chair told reporters outside the chamber.\n"
    )
}

/// One JSON Lines record as `chancery ingest` reads it, with an invented URL.
pub fn news_line(id: &str, published: &str, title: &str, text: &str) -> String {
    serde_json::json!({
        "id": id,
        "url": format!("https://news.example/{id}"),
        "published": published,
        "title": title,
        "text": text,
    })
    .to_string()
        + "\n"
}

/// A `chancery serve` started in the background on a free port; stopped
/// when dropped.
pub struct Server {
    child: std::process::Child,
    /// The port it listens on.
    pub port: u16,
}

impl Server {
    /// Starts `command` (`chancery serve …`, given no `--addr`) on a free
    /// loopback port; returns it with the line it printed on start.
    pub fn start(mut command: Command) -> (Server, String) {
        use std::io::BufRead;
        let mut child = command
            .args(["--addr", "127.0.0.1:0"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut line = String::new();
        std::io::BufReader::new(child.stderr.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let port: u16 = line
            .split("http://127.0.0.1:")
            .nth(1)
            .and_then(|rest| rest.split('/').next())
            .and_then(|port| port.parse().ok())
            .unwrap_or_else(|| panic!("serve printed no address: {line}"));
        (Server { child, port }, line)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// GET `target` from a server on a loopback port: the status and the body.
pub fn http_get(port: u16, target: &str) -> (u16, String) {
    use std::io::Read;
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream
        .set_read_timeout(Some(std::time::Duration::from_secs(30)))
        .unwrap();
    write!(
        stream,
        "GET {target} HTTP/1.0\r\nHost: localhost:{port}\r\n\r\n"
    )
    .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    let status = answer
        .split(' ')
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or(0);
    let body = answer
        .split_once("\r\n\r\n")
        .map(|(_, body)| body.to_string())
        .unwrap_or(answer);
    (status, body)
}
