//! One HTTP request, with the caps: the SSRF guard in the resolver, a time
//! limit for the whole exchange, a size limit on the body and on what it
//! decompresses to, and content-type checks. Redirects are returned, not
//! followed, so the caller checks each hop (robots.txt, politeness, loops).

use std::io::Read;
use std::time::{Duration, SystemTime};

use url::Url;

use crate::guard::{GuardedResolver, REFUSED};
use crate::WatchError;

/// Limits and identity of the fetcher.
#[derive(Debug, Clone)]
pub struct FetchConfig {
    /// The product token of the User-Agent (also the robots.txt agent).
    pub agent_name: String,
    /// A URL or address where site owners can reach whoever runs the
    /// watcher; added to the User-Agent.
    pub contact: Option<String>,
    /// Allow loopback, private, link-local… addresses (tests, intranets).
    pub allow_private: bool,
    /// Addresses allowed even though they are not public (one intranet
    /// host; a test fixture while the guard stays on for the rest).
    pub allow_addresses: Vec<std::net::IpAddr>,
    /// Time allowed for one request, body included.
    pub timeout: Duration,
    /// Time allowed to connect.
    pub connect_timeout: Duration,
    /// Largest body kept, as sent.
    pub max_body: u64,
    /// Largest body kept after gzip/deflate decoding.
    pub max_decoded: u64,
}

impl Default for FetchConfig {
    fn default() -> FetchConfig {
        FetchConfig {
            agent_name: "chancery".into(),
            contact: None,
            allow_private: false,
            allow_addresses: Vec::new(),
            timeout: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(10),
            max_body: 8 << 20,
            max_decoded: 16 << 20,
        }
    }
}

impl FetchConfig {
    /// The User-Agent header: `chancery/0.1.0 (+contact)`.
    pub fn user_agent(&self) -> String {
        let version = env!("CARGO_PKG_VERSION");
        match &self.contact {
            Some(contact) => format!("{}/{version} (+{contact})", self.agent_name),
            None => format!("{}/{version}", self.agent_name),
        }
    }
}

/// Validators of an earlier response, for a conditional GET.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Validators {
    /// The `ETag` it had.
    pub etag: Option<String>,
    /// The `Last-Modified` it had.
    pub last_modified: Option<String>,
}

/// What the caller will do with the body, for the content-type check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Want {
    /// An article page: HTML or text.
    Page,
    /// A feed or sitemap: XML, JSON or text; HTML too (a source given
    /// without a kind may turn out to be a page).
    Listing,
    /// robots.txt.
    Robots,
}

/// A response body that passed the caps.
#[derive(Debug, Clone)]
pub struct Body {
    /// The URL it came from.
    pub url: Url,
    /// The decoded bytes (gzip and deflate undone; charset untouched).
    pub bytes: Vec<u8>,
    /// The Content-Type header.
    pub content_type: Option<String>,
    /// Validators for the next conditional GET.
    pub validators: Validators,
}

/// The answer to one request.
#[derive(Debug, Clone)]
pub enum Response {
    /// 200 with a body.
    Body(Body),
    /// 304: unchanged since the validators sent.
    NotModified,
    /// A redirect to this (absolute, not yet checked) URL.
    Redirect(String),
}

/// Sends requests through the guarded resolver.
#[derive(Debug, Clone)]
pub struct Fetcher {
    agent: ureq::Agent,
    resolver: GuardedResolver,
    config: FetchConfig,
}

impl Fetcher {
    /// A fetcher with these limits.
    pub fn new(config: FetchConfig) -> Fetcher {
        let resolver = GuardedResolver::new(config.allow_private, config.allow_addresses.clone());
        let agent_config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            // Never through a proxy from the environment: the guard checks
            // the address connected to, which must be the site's.
            .proxy(None)
            .timeout_global(Some(config.timeout))
            .timeout_connect(Some(config.connect_timeout))
            .user_agent(config.user_agent())
            .max_idle_connections_per_host(2)
            .build();
        let agent = ureq::Agent::with_parts(
            agent_config,
            ureq::unversioned::transport::DefaultConnector::new(),
            resolver.clone(),
        );
        Fetcher {
            agent,
            resolver,
            config,
        }
    }

    /// The limits it was made with.
    pub fn config(&self) -> &FetchConfig {
        &self.config
    }

    /// How many connections the SSRF guard refused.
    pub fn refused(&self) -> u64 {
        self.resolver.refused()
    }

    /// One GET of `url`, conditional when `validators` has any.
    pub fn get(
        &self,
        url: &Url,
        validators: &Validators,
        want: Want,
    ) -> Result<Response, WatchError> {
        let mut request = self
            .agent
            .get(url.as_str())
            .header("Accept-Encoding", "gzip, deflate")
            .header("Accept", accept(want));
        if let Some(etag) = &validators.etag {
            request = request.header("If-None-Match", etag);
        }
        if let Some(date) = &validators.last_modified {
            request = request.header("If-Modified-Since", date);
        }
        let mut response = request.call().map_err(|e| transport_error(url, e))?;
        let status = response.status().as_u16();
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        match status {
            200 => {}
            304 => return Ok(Response::NotModified),
            301 | 302 | 303 | 307 | 308 => {
                let location = header("location").ok_or_else(|| WatchError::Redirect {
                    url: url.to_string(),
                    problem: format!("HTTP {status} without a Location header"),
                })?;
                return Ok(Response::Redirect(location));
            }
            _ => {
                return Err(WatchError::Status {
                    url: url.to_string(),
                    status,
                    retry_after: header("retry-after")
                        .and_then(|v| parse_retry_after(&v, SystemTime::now())),
                })
            }
        }
        let content_type = header("content-type");
        if let Some(kind) = &content_type {
            if !acceptable(kind, want) {
                return Err(WatchError::ContentType {
                    url: url.to_string(),
                    content_type: kind.clone(),
                });
            }
        }
        let validators = Validators {
            etag: header("etag"),
            last_modified: header("last-modified"),
        };
        let encoding = header("content-encoding").map(|e| e.trim().to_ascii_lowercase());
        let raw = response
            .body_mut()
            .with_config()
            .limit(self.config.max_body)
            .read_to_vec()
            .map_err(|e| match e {
                ureq::Error::BodyExceedsLimit(_) => WatchError::TooLarge {
                    url: url.to_string(),
                    limit: self.config.max_body,
                    decompressed: false,
                },
                other => transport_error(url, other),
            })?;
        let bytes =
            decode(raw, encoding.as_deref(), self.config.max_decoded).map_err(|problem| {
                match problem {
                    Decode::TooLarge => WatchError::TooLarge {
                        url: url.to_string(),
                        limit: self.config.max_decoded,
                        decompressed: true,
                    },
                    Decode::Broken(problem) => WatchError::Transport {
                        url: url.to_string(),
                        problem,
                    },
                }
            })?;
        Ok(Response::Body(Body {
            url: url.clone(),
            bytes,
            content_type,
            validators,
        }))
    }
}

fn accept(want: Want) -> &'static str {
    match want {
        Want::Page => "text/html,application/xhtml+xml;q=0.9,text/plain;q=0.5",
        Want::Listing => "application/rss+xml,application/atom+xml,application/feed+json,application/xml;q=0.9,text/xml;q=0.9,*/*;q=0.1",
        Want::Robots => "text/plain",
    }
}

/// Whether a Content-Type is one we read for this purpose.
fn acceptable(content_type: &str, want: Want) -> bool {
    let mime = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    let textual = mime.starts_with("text/") || mime.contains("html");
    match want {
        Want::Page => textual || mime.is_empty(),
        Want::Robots => true,
        Want::Listing => {
            textual || mime.contains("xml") || mime.contains("json") || mime.is_empty()
            // Sitemaps are often served gzipped as a file.
            || mime == "application/x-gzip" || mime == "application/gzip" || mime == "application/octet-stream"
        }
    }
}

enum Decode {
    TooLarge,
    Broken(String),
}

/// Undoes Content-Encoding (and a gzipped file served as is), stopping at
/// `cap` bytes: a gzip bomb stops there.
fn decode(raw: Vec<u8>, encoding: Option<&str>, cap: u64) -> Result<Vec<u8>, Decode> {
    let gzip_magic = raw.starts_with(&[0x1f, 0x8b]);
    let reader: Box<dyn Read + '_> = match encoding {
        Some("gzip") | Some("x-gzip") => Box::new(flate2::read::MultiGzDecoder::new(&raw[..])),
        Some("deflate") => Box::new(flate2::read::ZlibDecoder::new(&raw[..])),
        Some("identity") | None if gzip_magic => {
            Box::new(flate2::read::MultiGzDecoder::new(&raw[..]))
        }
        Some("identity") | None => return Ok(raw),
        Some(other) => {
            return Err(Decode::Broken(format!(
                "unsupported Content-Encoding {other:?}"
            )))
        }
    };
    let mut out = Vec::new();
    reader
        .take(cap + 1)
        .read_to_end(&mut out)
        .map_err(|e| Decode::Broken(format!("cannot decompress the body: {e}")))?;
    if out.len() as u64 > cap {
        return Err(Decode::TooLarge);
    }
    Ok(out)
}

/// Retry-After as seconds or an HTTP date, relative to `now`.
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let when = httpdate::parse_http_date(value).ok()?;
    Some(when.duration_since(now).unwrap_or(Duration::ZERO))
}

fn transport_error(url: &Url, error: ureq::Error) -> WatchError {
    match error {
        ureq::Error::Io(io) if io.to_string().starts_with(REFUSED) => WatchError::Forbidden {
            url: url.to_string(),
            problem: io
                .to_string()
                .trim_start_matches(REFUSED)
                .trim()
                .to_string(),
        },
        ureq::Error::Timeout(what) => WatchError::Timeout {
            url: url.to_string(),
            what: what.to_string(),
        },
        ureq::Error::Io(io) if io.kind() == std::io::ErrorKind::TimedOut => WatchError::Timeout {
            url: url.to_string(),
            what: io.to_string(),
        },
        other => WatchError::Transport {
            url: url.to_string(),
            problem: other.to_string(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn retry_after_in_seconds_or_as_a_date() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000_000);
        assert_eq!(
            parse_retry_after("120", now),
            Some(Duration::from_secs(120))
        );
        let later = httpdate::fmt_http_date(now + Duration::from_secs(30));
        assert_eq!(
            parse_retry_after(&later, now),
            Some(Duration::from_secs(30))
        );
        assert_eq!(parse_retry_after("soon", now), None);
    }

    #[test]
    fn decompression_stops_at_the_cap() {
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        gz.write_all(&vec![b'a'; 1 << 20]).unwrap();
        let bomb = gz.finish().unwrap();
        assert!(matches!(
            decode(bomb.clone(), Some("gzip"), 1000),
            Err(Decode::TooLarge)
        ));
        assert_eq!(
            decode(bomb, None, 2 << 20).ok().map(|b| b.len()),
            Some(1 << 20)
        );
        assert_eq!(
            decode(b"plain".to_vec(), None, 10).ok(),
            Some(b"plain".to_vec())
        );
    }

    #[test]
    fn content_types() {
        assert!(acceptable("text/html; charset=iso-8859-1", Want::Page));
        assert!(!acceptable("image/png", Want::Page));
        assert!(!acceptable("application/pdf", Want::Page));
        assert!(acceptable("application/rss+xml", Want::Listing));
        assert!(acceptable("application/feed+json", Want::Listing));
        assert!(!acceptable("video/mp4", Want::Listing));
    }
}
