//! Reading WARC files (ISO 28500), as Common Crawl writes them: records of
//! WARC headers and a block; for `response` records the block is an HTTP
//! response whose body is the page.
//!
//! Like the rest of this crate it opens nothing: the caller hands it a
//! reader. A damaged record costs only itself: reading resyncs at the next
//! `WARC/1.` line.

use std::io::{self, BufRead, Read};

/// A header line longer than this is not a WARC header.
const MAX_HEADER_LINE: u64 = 64 * 1024;

/// A page from a response record.
pub struct Record {
    /// 1-based record number in the file.
    pub number: usize,
    /// WARC-Target-URI.
    pub uri: Option<String>,
    /// WARC-Date: when it was crawled.
    pub date: Option<String>,
    /// The HTTP body.
    pub body: Vec<u8>,
}

/// What reading the next record gave.
pub enum Item {
    /// A page.
    Document(Record),
    /// A record that could not be taken; reading goes on.
    Failed {
        /// 1-based record number in the file.
        number: usize,
        /// What is wrong with it.
        problem: String,
    },
    /// The file cannot be read on; this is the last item.
    Broken {
        /// 1-based number of the record being read.
        number: usize,
        /// Why reading stopped.
        problem: String,
    },
}

/// The page records of a WARC stream, in order. Requests, metadata and
/// responses that are not pages (redirects, errors, images) are passed
/// over.
pub struct Records {
    reader: Box<dyn BufRead>,
    max_bytes: usize,
    number: usize,
    done: bool,
    /// After a damaged record: skip to the next `WARC/1.` line.
    resync: bool,
    /// A record's first line, found while resyncing.
    pending: Option<Vec<u8>>,
}

/// A record header that cannot be read: the reader resyncs at the next
/// `WARC/1.` line rather than give up the rest of the file.
struct Damaged(String);

/// Why reading stopped or skipped.
enum Stop {
    /// Reading can go on at the next record; true when the damaged
    /// record was counted already.
    Resync(String, bool),
    /// The stream cannot be read on.
    Fatal(String),
}

impl From<String> for Stop {
    fn from(problem: String) -> Stop {
        Stop::Fatal(problem)
    }
}

impl From<Damaged> for Stop {
    fn from(damaged: Damaged) -> Stop {
        Stop::Resync(damaged.0, false)
    }
}

impl Records {
    /// Reads records from `reader`; a page body over `max_bytes` is passed
    /// over as a failed record.
    pub fn new(reader: Box<dyn BufRead>, max_bytes: usize) -> Records {
        Records {
            reader,
            max_bytes,
            number: 0,
            done: false,
            resync: false,
            pending: None,
        }
    }

    /// Skips to the next line that opens a WARC 1.x record; false at the
    /// end of the stream.
    fn skip_to_next_record(&mut self) -> Result<bool, String> {
        let mut line = Vec::new();
        loop {
            if self.read_line(&mut line)? == 0 {
                return Ok(false);
            }
            if line.starts_with(b"WARC/1.") {
                self.pending = Some(line);
                return Ok(true);
            }
        }
    }

    fn next_item(&mut self) -> Result<Option<Item>, Stop> {
        if std::mem::take(&mut self.resync) && !self.skip_to_next_record()? {
            return Ok(None);
        }
        loop {
            let Some(headers) = self.read_headers()? else {
                return Ok(None);
            };
            self.number += 1;
            let length: u64 = header(&headers, "content-length")
                .and_then(|v| v.trim().parse().ok())
                .ok_or_else(|| {
                    Stop::Resync("WARC record has no valid Content-Length".into(), true)
                })?;
            let kind = header(&headers, "warc-type")
                .unwrap_or("")
                .to_ascii_lowercase();
            let wanted = kind == "response" || kind == "resource";
            if !wanted || length > self.max_bytes as u64 {
                let skipped = io::copy(&mut (&mut self.reader).take(length), &mut io::sink())
                    .map_err(read_error)?;
                if skipped < length {
                    return Err(truncated(length, skipped).into());
                }
                if wanted {
                    return Ok(Some(Item::Failed {
                        number: self.number,
                        problem: format!(
                            "record is {length} bytes, over the {}-byte cap: raise it with --max-bytes",
                            self.max_bytes
                        ),
                    }));
                }
                continue;
            }
            let mut block = Vec::with_capacity(length as usize);
            (&mut self.reader)
                .take(length)
                .read_to_end(&mut block)
                .map_err(read_error)?;
            if (block.len() as u64) < length {
                return Err(truncated(length, block.len() as u64).into());
            }
            let body = if kind == "response" {
                match http_body(block) {
                    Some(body) => body,
                    None => continue, // not a page
                }
            } else {
                block
            };
            return Ok(Some(Item::Document(Record {
                number: self.number,
                uri: header(&headers, "warc-target-uri")
                    .map(|u| u.trim_matches(|c| c == '<' || c == '>').to_string()),
                date: header(&headers, "warc-date").map(String::from),
                body,
            })));
        }
    }

    /// Reads one line, at most [`MAX_HEADER_LINE`] bytes, into `line`
    /// (cleared first); 0 at the end of the stream.
    fn read_line(&mut self, line: &mut Vec<u8>) -> Result<usize, String> {
        line.clear();
        (&mut self.reader)
            .take(MAX_HEADER_LINE)
            .read_until(b'\n', line)
            .map_err(read_error)
    }

    /// The header lines of the next record; `None` at the end of the
    /// stream.
    fn read_headers(&mut self) -> Result<Option<Vec<(String, String)>>, Stop> {
        let mut line = Vec::new();
        if let Some(first) = self.pending.take() {
            line = first;
        } else {
            // Blank lines separate records.
            loop {
                if self.read_line(&mut line)? == 0 {
                    return Ok(None);
                }
                if !line.trim_ascii().is_empty() {
                    break;
                }
            }
        }
        if !line.starts_with(b"WARC/") {
            return Err(Damaged(format!(
                "expected a WARC record header, found {:?}",
                String::from_utf8_lossy(&line[..line.len().min(40)]).trim_end()
            ))
            .into());
        }
        let mut headers = Vec::new();
        loop {
            if self.read_line(&mut line)? == 0 {
                return Err(Stop::Fatal(
                    "the file ends inside a WARC header (truncated?)".into(),
                ));
            }
            let text = String::from_utf8_lossy(&line);
            let text = text.trim_end_matches(['\r', '\n']);
            if text.is_empty() {
                return Ok(Some(headers));
            }
            if let Some((name, value)) = text.split_once(':') {
                headers.push((name.trim().to_ascii_lowercase(), value.trim().to_string()));
            }
        }
    }
}

impl Iterator for Records {
    type Item = Item;

    fn next(&mut self) -> Option<Item> {
        if self.done {
            return None;
        }
        match self.next_item() {
            Ok(Some(item)) => Some(item),
            Ok(None) => {
                self.done = true;
                None
            }
            Err(Stop::Resync(problem, counted)) => {
                // The damaged record is counted; reading goes on at the
                // next record header.
                if !counted {
                    self.number += 1;
                }
                self.resync = true;
                Some(Item::Failed {
                    number: self.number,
                    problem: format!("{problem}; reading resumes at the next WARC record"),
                })
            }
            Err(Stop::Fatal(problem)) => {
                self.done = true;
                Some(Item::Broken {
                    number: self.number.max(1),
                    problem,
                })
            }
        }
    }
}

fn header<'h>(headers: &'h [(String, String)], name: &str) -> Option<&'h str> {
    headers
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
}

fn read_error(err: io::Error) -> String {
    format!("cannot read ({err}): truncated or corrupt gzip?")
}

fn truncated(expected: u64, got: u64) -> String {
    format!(
        "truncated WARC record: its block should be {expected} bytes, the file ends after {got}"
    )
}

/// The body of an HTTP response that is a page (status 2xx, an HTML or
/// text type or none), de-chunked; `None` for anything else.
fn http_body(block: Vec<u8>) -> Option<Vec<u8>> {
    let end = find(&block, b"\r\n\r\n")
        .map(|i| i + 4)
        .or_else(|| find(&block, b"\n\n").map(|i| i + 2))?;
    let head = String::from_utf8_lossy(&block[..end]);
    let mut lines = head.lines();
    let status: u16 = lines.next()?.split_whitespace().nth(1)?.parse().ok()?;
    if !(200..300).contains(&status) {
        return None;
    }
    let mut chunked = false;
    for line in lines {
        let Some((name, value)) = line.split_once(':') else {
            continue;
        };
        let (name, value) = (name.trim().to_ascii_lowercase(), value.to_ascii_lowercase());
        if name == "content-type"
            && !(value.contains("html") || value.contains("text/plain") || value.contains("xml"))
        {
            return None;
        }
        if name == "transfer-encoding" && value.contains("chunked") {
            chunked = true;
        }
    }
    let body = block[end..].to_vec();
    Some(if chunked {
        dechunk(&body).unwrap_or(body)
    } else {
        body
    })
}

/// Decodes HTTP chunked transfer coding; `None` when it is not well formed.
fn dechunk(mut data: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(data.len());
    loop {
        let line_end = find(data, b"\r\n")?;
        let size_text = std::str::from_utf8(&data[..line_end]).ok()?;
        let size = usize::from_str_radix(size_text.split(';').next()?.trim(), 16).ok()?;
        data = &data[line_end + 2..];
        if size == 0 {
            return Some(out);
        }
        out.extend_from_slice(data.get(..size)?);
        data = data.get(size.checked_add(2)?..)?;
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(kind: &str, uri: &str, block: &[u8]) -> Vec<u8> {
        let mut out = format!(
            "WARC/1.0\r\nWARC-Type: {kind}\r\nWARC-Target-URI: {uri}\r\n\
             WARC-Date: 2024-05-01T10:00:00Z\r\nContent-Length: {}\r\n\r\n",
            block.len()
        )
        .into_bytes();
        out.extend_from_slice(block);
        out.extend_from_slice(b"\r\n\r\n");
        out
    }

    fn items(bytes: Vec<u8>) -> Vec<Item> {
        Records::new(Box::new(io::Cursor::new(bytes)), 1 << 20).collect()
    }

    #[test]
    fn response_bodies_are_taken_and_other_records_passed_over() {
        let mut file = record("warcinfo", "", b"software: test\r\n");
        file.extend(record(
            "request",
            "https://a.example/x",
            b"GET /x HTTP/1.1\r\n\r\n",
        ));
        file.extend(record(
            "response",
            "https://a.example/x",
            b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>Hi</p>",
        ));
        file.extend(record(
            "response",
            "https://a.example/y",
            b"HTTP/1.1 301 Moved\r\nLocation: /z\r\n\r\n",
        ));
        file.extend(record(
            "response",
            "https://a.example/img",
            b"HTTP/1.1 200 OK\r\nContent-Type: image/png\r\n\r\n\x89PNG",
        ));
        let items = items(file);
        assert_eq!(items.len(), 1);
        let Item::Document(record) = &items[0] else {
            panic!("a document")
        };
        assert_eq!(record.body, b"<p>Hi</p>");
        assert_eq!(record.uri.as_deref(), Some("https://a.example/x"));
        assert_eq!(record.date.as_deref(), Some("2024-05-01T10:00:00Z"));
        assert_eq!(record.number, 3);
    }

    #[test]
    fn chunked_bodies_are_decoded() {
        let file = record(
            "response",
            "https://a.example/c",
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\n<p>a\r\n5\r\nb</p>\r\n0\r\n\r\n",
        );
        let items = items(file);
        let Item::Document(record) = &items[0] else {
            panic!("a document")
        };
        assert_eq!(record.body, b"<p>ab</p>");
    }

    #[test]
    fn a_truncated_record_ends_the_file_with_a_reason() {
        let mut file = record(
            "response",
            "https://a.example/x",
            b"HTTP/1.1 200 OK\r\n\r\n<p>first</p>",
        );
        let second = record(
            "response",
            "https://a.example/y",
            b"HTTP/1.1 200 OK\r\n\r\n<p>second page with more text</p>",
        );
        file.extend_from_slice(&second[..second.len() - 20]);
        let items = items(file);
        assert_eq!(items.len(), 2);
        assert!(matches!(items[0], Item::Document(_)));
        let Item::Broken { number, problem } = &items[1] else {
            panic!("broken")
        };
        assert_eq!(*number, 2);
        assert!(problem.contains("truncated WARC record"), "{problem}");
    }

    #[test]
    fn garbage_is_not_a_warc_record() {
        let items = items(b"<html>not a warc</html>".to_vec());
        assert!(matches!(&items[..], [Item::Failed { .. }]));
    }

    #[test]
    fn reading_resumes_at_the_next_record_after_a_damaged_one() {
        let mut file = record("resource", "https://a.example/1", b"first page");
        file.extend(b"WARC/1.1\r\nWARC-Type: resource\r\nContent-Length: many\r\n\r\njunk\r\n\r\n");
        file.extend(b"garbage between records\r\n");
        file.extend(record("resource", "https://a.example/3", b"third page"));
        let items = items(file);
        let uris: Vec<String> = items
            .iter()
            .filter_map(|i| match i {
                Item::Document(r) => r.uri.clone(),
                _ => None,
            })
            .collect();
        assert_eq!(uris, ["https://a.example/1", "https://a.example/3"]);
        assert!(items.iter().any(|i| matches!(
            i,
            Item::Failed { number: 2, problem } if problem.contains("resumes")
        )));
        assert!(!items.iter().any(|i| matches!(i, Item::Broken { .. })));
    }

    #[test]
    fn an_oversized_record_fails_alone() {
        let big = format!("HTTP/1.1 200 OK\r\n\r\n{}", "x".repeat(2000));
        let mut file = record("response", "https://a.example/big", big.as_bytes());
        file.extend(record(
            "response",
            "https://a.example/small",
            b"HTTP/1.1 200 OK\r\n\r\nsmall",
        ));
        let items: Vec<Item> = Records::new(Box::new(io::Cursor::new(file)), 1000).collect();
        assert!(matches!(items[0], Item::Failed { number: 1, .. }));
        assert!(matches!(items[1], Item::Document(_)));
    }

    #[test]
    fn damaged_files_never_panic() {
        let mut file = record(
            "response",
            "https://a.example/x",
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\n<p>a\r\n0\r\n\r\n",
        );
        file.extend(record("resource", "https://a.example/y", b"plain text"));
        // Every truncation, and every byte set to a few troublesome values.
        for end in 0..file.len() {
            let _ = items(file[..end].to_vec());
        }
        for i in 0..file.len() {
            for byte in [0u8, b'\n', b':', b'f', 0xff] {
                let mut damaged = file.clone();
                damaged[i] = byte;
                let _ = items(damaged);
            }
        }
        assert_eq!(dechunk(b"ffffffffffffffff\r\nx"), None);
    }
}
