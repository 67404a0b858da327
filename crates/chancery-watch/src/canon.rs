//! URL canonicalization: the one spelling of a URL under which it is
//! queued, deduplicated and fetched.

use url::Url;

use crate::WatchError;

/// Query parameters that only track the reader and never change the page.
const TRACKING: &[&str] = &[
    "fbclid",
    "gclid",
    "dclid",
    "gbraid",
    "wbraid",
    "msclkid",
    "yclid",
    "igshid",
    "mc_cid",
    "mc_eid",
    "_ga",
    "_gl",
    "_hsenc",
    "_hsmi",
    "mkt_tok",
    "oly_anon_id",
    "oly_enc_id",
    "vero_id",
    "wt_mc",
    "at_medium",
    "at_campaign",
    "cmpid",
    "ocid",
];

fn is_tracking(key: &str) -> bool {
    let key = key.to_ascii_lowercase();
    key.starts_with("utm_") || TRACKING.contains(&key.as_str())
}

/// Parses `raw` (relative to `base` when given) and returns its canonical
/// form: http or https only, lower-case host and default port dropped (the
/// `url` crate's normalization), no fragment, no user or password, tracking
/// parameters (`utm_*`, `fbclid`, `gclid`…) removed and the remaining
/// parameters kept in their order and spelling.
pub fn canonicalize(raw: &str, base: Option<&Url>) -> Result<Url, WatchError> {
    let raw = raw.trim();
    let bad = |problem: &str| WatchError::BadUrl {
        url: raw.to_string(),
        problem: problem.to_string(),
    };
    let parsed = match base {
        Some(base) => base.join(raw),
        None => Url::parse(raw),
    };
    let mut url =
        parsed.map_err(|e| bad(&format!("not a URL ({e}); write an absolute http(s) URL")))?;
    if url.scheme() != "http" && url.scheme() != "https" {
        return Err(bad(&format!(
            "scheme {:?} is not fetched; only http and https URLs are",
            url.scheme()
        )));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(bad("the URL has no host"));
    }
    url.set_fragment(None);
    // Neither can fail on an http(s) URL with a host.
    let _ = url.set_username("");
    let _ = url.set_password(None);
    if let Some(query) = url.query() {
        let kept: Vec<&str> = query
            .split('&')
            .filter(|pair| !pair.is_empty())
            .filter(|pair| !is_tracking(pair.split('=').next().unwrap_or("")))
            .collect();
        let kept = kept.join("&");
        url.set_query(if kept.is_empty() { None } else { Some(&kept) });
    }
    Ok(url)
}

/// The key of a URL's host for politeness and robots.txt: scheme, host and
/// port, as robots.txt applies to exactly that.
pub fn host_key(url: &Url) -> String {
    format!(
        "{}://{}:{}",
        url.scheme(),
        url.host_str().unwrap_or(""),
        url.port_or_known_default().unwrap_or(0)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn canon(raw: &str) -> String {
        canonicalize(raw, None).unwrap().to_string()
    }

    #[test]
    fn fragments_tracking_and_case_go() {
        assert_eq!(
            canon("HTTPS://News.Example.COM:443/a/b?id=7&utm_source=x&UTM_Medium=y&fbclid=z#top"),
            "https://news.example.com/a/b?id=7"
        );
        assert_eq!(canon("http://a.example/?gclid=1"), "http://a.example/");
        assert_eq!(canon("http://user:pw@a.example/x"), "http://a.example/x");
        assert_eq!(
            canon("http://a.example/x?b=2&a=1"),
            "http://a.example/x?b=2&a=1"
        );
    }

    #[test]
    fn relative_urls_resolve_against_the_base() {
        let base = Url::parse("https://a.example/news/feed.xml").unwrap();
        assert_eq!(
            canonicalize("../story/1?utm_campaign=rss", Some(&base))
                .unwrap()
                .as_str(),
            "https://a.example/story/1"
        );
    }

    #[test]
    fn other_schemes_are_refused() {
        for raw in [
            "file:///etc/passwd",
            "ftp://a.example/x",
            "javascript:alert(1)",
            "gopher://x/",
        ] {
            let err = canonicalize(raw, None).unwrap_err().to_string();
            assert!(err.contains("only http and https"), "{err}");
        }
        assert!(canonicalize("not a url", None).is_err());
    }

    #[test]
    fn host_keys_tell_ports_apart() {
        let a = Url::parse("http://127.0.0.1:8080/x").unwrap();
        let b = Url::parse("http://127.0.0.1:8081/x").unwrap();
        assert_ne!(host_key(&a), host_key(&b));
        assert_eq!(
            host_key(&Url::parse("https://a.example/").unwrap()),
            "https://a.example:443"
        );
    }
}
