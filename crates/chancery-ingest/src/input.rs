//! Where documents come from: files, directories, JSON Lines, WARC and
//! standard input, read into [`Job`]s, and a job extracted to an article.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use chancery_extract::{extract, parse_published, Input, Options};
use chancery_model::Article;
use serde_json::Value;

/// One input, after directories were expanded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A file holding one document.
    Document(PathBuf),
    /// A JSON Lines file (or stdin), one document per line.
    Jsonl(PathBuf),
    /// A WARC file (or stdin), one document per HTTP response record.
    Warc(PathBuf),
    /// Standard input, one document, or WARC or JSON Lines by its content.
    Stdin,
}

/// One document to extract and analyse.
#[derive(Debug)]
pub enum Job {
    /// A file read on the worker.
    File(PathBuf),
    /// A JSON Lines record.
    Record {
        /// `FILE:LINE`, how failures name it.
        label: String,
        /// The line, without its newline.
        line: String,
    },
    /// Bytes already read (a WARC record, stdin, a fetched page).
    Bytes {
        /// How failures (and the watcher's queue) name it.
        label: String,
        /// The article's source (a file name, a host).
        source: String,
        /// The document.
        bytes: Vec<u8>,
        /// Where it was fetched from.
        url: Option<String>,
        /// A date to fall back on when the page gives none (WARC-Date).
        fallback_date: Option<String>,
    },
}

impl Job {
    /// How failures name the document.
    pub fn label(&self) -> String {
        match self {
            Job::File(path) => path.display().to_string(),
            Job::Record { label, .. } | Job::Bytes { label, .. } => label.clone(),
        }
    }

    /// The bytes held in memory for it (a file is read later, on a worker).
    pub(crate) fn size(&self) -> usize {
        match self {
            Job::File(_) => 0,
            Job::Record { line, .. } => line.len(),
            Job::Bytes { bytes, .. } => bytes.len(),
        }
    }
}

/// Inputs in order, directories expanded (hidden files skipped), each file
/// classified by its name; `-` is standard input. Directories that cannot
/// be listed go to `failures`; entries skipped while walking go to `note`.
pub fn sources(
    paths: &[PathBuf],
    jsonl: bool,
    failures: &mut Vec<(String, String)>,
    note: &mut dyn FnMut(&Path, &str),
) -> Vec<Source> {
    let classify = |path: PathBuf| {
        if jsonl || is_jsonl_path(&path) {
            Source::Jsonl(path)
        } else if is_warc_path(&path) {
            Source::Warc(path)
        } else {
            Source::Document(path)
        }
    };
    let mut sources = Vec::new();
    for path in paths {
        if path.as_os_str() == "-" {
            sources.push(if jsonl {
                Source::Jsonl(path.clone())
            } else {
                Source::Stdin
            });
        } else if path.is_dir() {
            sources.extend(walk(path, failures, note).into_iter().map(classify));
        } else {
            sources.push(classify(path.clone()));
        }
    }
    sources
}

/// True for `.jsonl`, `.jsonl.gz` and `.ndjson` files.
pub fn is_jsonl_path(path: &Path) -> bool {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    name.ends_with(".jsonl") || name.ends_with(".jsonl.gz") || name.ends_with(".ndjson")
}

/// True for `.warc` and `.warc.gz` files, in any case.
pub fn is_warc_path(path: &Path) -> bool {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    let name = name.to_ascii_lowercase();
    name.ends_with(".warc") || name.ends_with(".warc.gz")
}

/// True when the start of a stream reads as JSON Lines: its first line is
/// a JSON object (a news page or scraped text does not open with `{`).
pub fn looks_like_jsonl(head: &[u8]) -> bool {
    let head = head.trim_ascii_start();
    if !head.starts_with(b"{") {
        return false;
    }
    let first = head.split(|&b| b == b'\n').next().unwrap_or(head);
    let complete = first.len() < head.len();
    match serde_json::from_slice::<Value>(first) {
        Ok(value) => value.is_object(),
        // A first line longer than what was peeked: an object still
        // opening looks like JSON Lines too.
        Err(err) => !complete && err.is_eof(),
    }
}

/// Files under `dir`, recursively, in a stable order; hidden entries
/// skipped. Only regular files are listed: FIFOs, sockets and devices are
/// skipped with a note (reading a FIFO would wait forever). Symbolic links
/// are followed, but each directory is entered once, known by its (device,
/// inode), so a link to `.` or `..` cannot loop.
pub fn walk(
    dir: &Path,
    failures: &mut Vec<(String, String)>,
    note: &mut dyn FnMut(&Path, &str),
) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut entered = std::collections::HashSet::new();
    if let Ok(meta) = std::fs::metadata(dir) {
        entered.insert(file_identity(dir, &meta));
    }
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let entries = match std::fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(err) => {
                failures.push((
                    dir.display().to_string(),
                    format!("cannot list directory: {err}"),
                ));
                continue;
            }
        };
        let mut children: Vec<PathBuf> = entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| {
                !p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with('.'))
            })
            .collect();
        children.sort();
        for child in children.into_iter().rev() {
            // Follows a link to what it names.
            let meta = match std::fs::metadata(&child) {
                Ok(meta) => meta,
                Err(err) => {
                    note(&child, &format!("skipped, cannot read it ({err})"));
                    continue;
                }
            };
            if meta.is_dir() {
                if entered.insert(file_identity(&child, &meta)) {
                    stack.push(child);
                } else {
                    note(&child, "skipped, a folder already walked (a link loop?)");
                }
            } else if meta.is_file() {
                files.push(child);
            } else {
                note(
                    &child,
                    &format!("skipped, not a regular file ({})", special_kind(&meta)),
                );
            }
        }
    }
    files.sort();
    files
}

/// What identifies a file whatever the path to it: (device, inode).
#[cfg(unix)]
fn file_identity(_path: &Path, meta: &std::fs::Metadata) -> (u64, u64, PathBuf) {
    use std::os::unix::fs::MetadataExt;
    (meta.dev(), meta.ino(), PathBuf::new())
}

#[cfg(not(unix))]
fn file_identity(path: &Path, _meta: &std::fs::Metadata) -> (u64, u64, PathBuf) {
    (
        0,
        0,
        std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf()),
    )
}

#[cfg(unix)]
fn special_kind(meta: &std::fs::Metadata) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    let kind = meta.file_type();
    if kind.is_fifo() {
        "a FIFO"
    } else if kind.is_socket() {
        "a socket"
    } else if kind.is_block_device() || kind.is_char_device() {
        "a device"
    } else {
        "a special file"
    }
}

#[cfg(not(unix))]
fn special_kind(_meta: &std::fs::Metadata) -> &'static str {
    "a special file"
}

/// A line reader over a (possibly gzipped) file, or stdin for `-`. The
/// error is the one-line problem to report with the file's name.
pub fn open_lines(path: &Path) -> Result<Box<dyn BufRead>, String> {
    let raw: Box<dyn Read> = if path.as_os_str() == "-" {
        Box::new(io::stdin())
    } else {
        Box::new(File::open(path).map_err(|e| format!("cannot open file: {e}"))?)
    };
    let mut reader = BufReader::new(raw);
    let gzipped = reader
        .fill_buf()
        .map_err(|e| e.to_string())?
        .starts_with(&[0x1f, 0x8b]);
    Ok(if gzipped {
        Box::new(BufReader::new(flate2::read::MultiGzDecoder::new(reader)))
    } else {
        Box::new(reader)
    })
}

/// A whole file, refused when over `max_bytes`.
pub fn read_capped(path: &Path, max_bytes: usize) -> Result<Vec<u8>, String> {
    let file = File::open(path).map_err(|e| format!("cannot open file: {e}"))?;
    let size = file.metadata().map(|m| m.len()).unwrap_or(0);
    if size > max_bytes as u64 {
        return Err(format!(
            "document is {size} bytes, over the {max_bytes}-byte cap: raise it with --max-bytes"
        ));
    }
    let mut bytes = Vec::with_capacity(size as usize);
    file.take(max_bytes as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read file: {e}"))?;
    Ok(bytes)
}

/// One JSON Lines record (`{id, url, title, text | html, published,
/// source}`) to an article.
pub fn extract_record(line: &str, options: &Options) -> Result<Article, String> {
    chancery_extract::extract_record(line, options).map_err(|e| e.to_string())
}

/// A job to its article (reading the file of a [`Job::File`]).
pub fn extract_job(job: Job, options: &Options) -> Result<Article, String> {
    match job {
        Job::File(path) => {
            let bytes = read_capped(&path, options.max_bytes)?;
            let input = Input {
                bytes: &bytes,
                source: Some(path.display().to_string()),
                ..Input::default()
            };
            extract(&input, options).map_err(|e| e.to_string())
        }
        Job::Record { line, .. } => extract_record(&line, options),
        Job::Bytes {
            source,
            bytes,
            url,
            fallback_date,
            ..
        } => {
            let input = Input {
                bytes: &bytes,
                source: Some(source),
                url,
                ..Input::default()
            };
            let mut article = extract(&input, options).map_err(|e| e.to_string())?;
            if article.published.is_none() {
                article.published = fallback_date.as_deref().and_then(parse_published);
            }
            Ok(article)
        }
    }
}

pub(crate) enum Line {
    Read,
    TooLong,
    End,
}

/// The records of a JSON Lines stream, one item per non-blank line:
/// `Ok((label, line))` with the label `NAME:LINE`, or `Err((label,
/// problem))` for a line over the cap or not UTF-8; a read error (a
/// truncated gzip) is the last item.
pub struct JsonlLines {
    reader: Box<dyn BufRead>,
    name: String,
    max_bytes: usize,
    number: usize,
    line: Vec<u8>,
    ended: bool,
}

impl JsonlLines {
    /// The records of `reader`, named `name` in labels, each at most
    /// `max_bytes` long.
    pub fn new(reader: Box<dyn BufRead>, name: &str, max_bytes: usize) -> JsonlLines {
        JsonlLines {
            reader,
            name: name.to_string(),
            max_bytes,
            number: 0,
            line: Vec::new(),
            ended: false,
        }
    }
}

impl Iterator for JsonlLines {
    type Item = Result<(String, String), (String, String)>;

    fn next(&mut self) -> Option<Self::Item> {
        while !self.ended {
            self.number += 1;
            let label = format!("{}:{}", self.name, self.number);
            let cap = self.max_bytes;
            match read_line_capped(&mut self.reader, &mut self.line, cap) {
                Ok(Line::End) => self.ended = true,
                Ok(Line::TooLong) => {
                    return Some(Err((
                        label,
                        format!("line is over the {cap}-byte cap: raise it with --max-bytes"),
                    )))
                }
                Ok(Line::Read) => match String::from_utf8(std::mem::take(&mut self.line)) {
                    Ok(text) if text.trim().is_empty() => {}
                    Ok(line) => return Some(Ok((label, line))),
                    Err(_) => return Some(Err((label, "line is not UTF-8 text".into()))),
                },
                Err(err) => {
                    self.ended = true;
                    return Some(Err((
                        label,
                        format!(
                            "cannot read line ({err}); the rest of the file is skipped \
                             (truncated or corrupt gzip?)"
                        ),
                    )));
                }
            }
        }
        None
    }
}

/// Reads one line (without its newline) into `line`, reading at most `cap`
/// bytes of it: a file that is one endless line cannot exhaust memory.
pub(crate) fn read_line_capped(
    reader: &mut dyn BufRead,
    line: &mut Vec<u8>,
    cap: usize,
) -> io::Result<Line> {
    line.clear();
    let read = reader.take(cap as u64 + 1).read_until(b'\n', line)?;
    if read == 0 {
        return Ok(Line::End);
    }
    if line.last() == Some(&b'\n') {
        line.pop();
        if line.last() == Some(&b'\r') {
            line.pop();
        }
        return Ok(Line::Read);
    }
    if line.len() <= cap {
        return Ok(Line::Read); // the last line, without a newline
    }
    // Skip the rest of the long line.
    line.clear();
    loop {
        let buffer = reader.fill_buf()?;
        if buffer.is_empty() {
            break;
        }
        match buffer.iter().position(|&b| b == b'\n') {
            Some(i) => {
                reader.consume(i + 1);
                break;
            }
            None => {
                let n = buffer.len();
                reader.consume(n);
            }
        }
    }
    Ok(Line::TooLong)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_lines_are_skipped_whole_and_reading_goes_on() {
        let mut reader: &[u8] = b"short\r\nfar too long a line\nnext\nlast";
        let mut line = Vec::new();
        let mut seen = Vec::new();
        loop {
            match read_line_capped(&mut reader, &mut line, 8).unwrap() {
                Line::End => break,
                Line::TooLong => seen.push("<too long>".to_string()),
                Line::Read => seen.push(String::from_utf8(line.clone()).unwrap()),
            }
        }
        assert_eq!(seen, ["short", "<too long>", "next", "last"]);
    }

    #[test]
    fn warc_files_are_known_by_name() {
        assert!(is_warc_path(Path::new("CC-NEWS-20240501-00000.warc.gz")));
        assert!(is_warc_path(Path::new("crawl.WARC")));
        assert!(!is_warc_path(Path::new("story.html.gz")));
    }

    #[test]
    fn jsonl_is_known_by_its_first_line() {
        assert!(looks_like_jsonl(
            b"  {\"text\": \"a\"}\n{\"text\": \"b\"}\n"
        ));
        assert!(looks_like_jsonl(
            b"{\"text\": \"a long line cut off by the pe"
        ));
        assert!(!looks_like_jsonl(b"{not json}\nmore"));
        assert!(!looks_like_jsonl(b"<html><body>news</body></html>"));
        assert!(is_jsonl_path(Path::new("a.jsonl.gz")));
        assert!(!is_jsonl_path(Path::new("a.json")));
    }

    #[test]
    fn a_folder_is_walked_in_order_without_hidden_files() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("b")).unwrap();
        std::fs::write(dir.path().join("b/2.txt"), "two").unwrap();
        std::fs::write(dir.path().join("a.jsonl"), "{}").unwrap();
        std::fs::write(dir.path().join(".hidden"), "no").unwrap();
        std::fs::write(dir.path().join("c.warc"), "WARC/1.0").unwrap();
        let mut failures = Vec::new();
        let found = sources(
            &[dir.path().to_path_buf()],
            false,
            &mut failures,
            &mut |_, _| {},
        );
        assert!(failures.is_empty());
        assert_eq!(
            found,
            [
                Source::Jsonl(dir.path().join("a.jsonl")),
                Source::Document(dir.path().join("b/2.txt")),
                Source::Warc(dir.path().join("c.warc")),
            ]
        );
    }
}
