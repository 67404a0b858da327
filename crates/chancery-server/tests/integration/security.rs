//! Hostile text stays text; limits hold; ingest needs the token.

use crate::{corpus, get, get_json, post, server};

/// The tags of a page with their attribute names, read the way a browser
/// tokenizes them (values in double quotes, as the server writes them).
fn tags(page: &str) -> Vec<(String, Vec<String>)> {
    let mut tags = Vec::new();
    let mut rest = page;
    while let Some(open) = rest.find('<') {
        rest = &rest[open + 1..];
        let name_end = rest
            .find(|c: char| c.is_whitespace() || c == '>' || c == '/')
            .unwrap_or(rest.len());
        let name = rest[..name_end].to_ascii_lowercase();
        rest = &rest[name_end..];
        let mut attributes = Vec::new();
        loop {
            rest = rest.trim_start_matches(|c: char| c.is_whitespace() || c == '/');
            if rest.is_empty() || rest.starts_with('>') {
                break;
            }
            let end = rest
                .find(|c: char| c.is_whitespace() || c == '=' || c == '>')
                .unwrap_or(rest.len());
            attributes.push(rest[..end].to_ascii_lowercase());
            rest = &rest[end..];
            if let Some(value) = rest.strip_prefix('=') {
                rest = match value.strip_prefix('"') {
                    Some(quoted) => &quoted[quoted.find('"').map_or(quoted.len(), |i| i + 1)..],
                    None => {
                        let end = value
                            .find(|c: char| c.is_whitespace() || c == '>')
                            .unwrap_or(value.len());
                        &value[end..]
                    }
                };
            }
        }
        tags.push((name, attributes));
    }
    tags
}

/// No tag but the server's own, no event-handler attribute, no script URL.
fn assert_inert(path: &str, page: &str) {
    for (name, attributes) in tags(page) {
        assert!(
            !matches!(name.as_str(), "img" | "iframe" | "object" | "embed"),
            "{path}: injected <{name}>"
        );
        for attribute in &attributes {
            assert!(
                !attribute.starts_with("on"),
                "{path}: <{name} {attribute}=…>"
            );
        }
    }
    let scripts = page.matches("<script").count();
    let ours = page
        .matches("<script src=\"/static/app.js\" defer></script>")
        .count();
    assert_eq!(scripts, ours, "{path}: a script tag that is not ours");
    assert!(
        !page.contains("href=\"javascript:"),
        "{path}: a javascript: link"
    );
    assert!(!page.contains("<svg onload"), "{path}");
}

#[test]
fn the_inertness_check_catches_injections() {
    let caught = |page: &str| std::panic::catch_unwind(|| assert_inert("test", page)).is_err();
    assert!(caught("<p><img src=x onerror=alert(1)></p>"));
    assert!(caught("<a href=\"/\" onmouseover='alert(1)'>x</a>"));
    assert!(caught("<script>alert(1)</script>"));
    assert!(caught("<a href=\"javascript:alert(1)\">x</a>"));
    assert!(!caught(
        "<p title=\"x onclick=y\">&lt;img src=x&gt; ' onmouseover='alert(1)'</p>"
    ));
}

#[test]
fn a_hostile_article_is_escaped_on_every_page() {
    let server = server();
    let (_, found) = get_json(&server, "/api/articles?external_id=hostile-1");
    let id = found["items"][0]["id"]
        .as_i64()
        .expect("the hostile article is stored");
    let (_, detail) = get_json(&server, &format!("/api/articles/{id}"));
    let entities = detail["analysis"]["entities"].as_array().unwrap();
    assert!(
        !entities.is_empty(),
        "the hostile article has entities to highlight"
    );
    assert!(
        !detail["analysis"]["quotes"].as_array().unwrap().is_empty(),
        "and a quote"
    );
    let mut paths = vec![
        "/".to_string(),
        format!("/article/{id}"),
        "/articles?source=%3Cscript%3Ealert('source')%3C%2Fscript%3E".into(),
        "/search?q=script".into(),
        "/search?q=%3Cscript%3E&country=%22%3E%3Cimg%20src%3Dx%3E".into(),
        "/events?entity=Abbas%20Araghchi".into(),
        "/entities?q=%3Cscript%3E".into(),
    ];
    for entity in entities {
        let name = entity["name"].as_str().unwrap();
        let encoded: String = name.bytes().map(|b| format!("%{b:02X}")).collect();
        paths.push(format!("/entity/{encoded}"));
    }
    for path in &paths {
        let (status, page) = get(&server, path);
        assert!(matches!(status, 200 | 400 | 404), "{path}: {status}");
        assert_inert(path, &page);
    }
    let (_, article) = get(&server, &format!("/article/{id}"));
    assert!(
        article.contains("&lt;script&gt;alert("),
        "the text is shown, escaped"
    );
    assert!(article.contains("class=\"ent "), "and highlighted");
    // A 404 page echoes the path escaped.
    let (status, page) = get(&server, "/%3Cscript%3Ealert(1)%3C/script%3E");
    assert_eq!(status, 404);
    assert_inert("404", &page);
}

#[test]
fn pages_forbid_inline_scripts() {
    let server = server();
    let agent = ureq::Agent::new_with_defaults();
    let response = agent
        .get(&format!("http://{}/", server.addr()))
        .call()
        .unwrap();
    let policy = response
        .headers()
        .get("content-security-policy")
        .unwrap()
        .to_str()
        .unwrap();
    assert!(policy.contains("script-src 'self'"), "{policy}");
    assert!(!policy.contains("unsafe-inline"), "{policy}");
    assert_eq!(
        response.headers().get("x-content-type-options").unwrap(),
        "nosniff"
    );
}

#[test]
fn a_client_over_its_rate_gets_429() {
    let mut config = chancery_server::Config::new(corpus());
    config.addr = "127.0.0.1:0".parse().unwrap();
    config.rate_limit = Some(chancery_server::RateLimit {
        per_second: 1,
        burst: 3,
    });
    let server = chancery_server::spawn(config).unwrap();
    let statuses: Vec<u16> = (0..6).map(|_| get(&server, "/api/stats").0).collect();
    assert_eq!(&statuses[..3], [200, 200, 200]);
    assert!(statuses[3..].contains(&429), "{statuses:?}");
    let (status, error) = get_json(&server, "/api/stats");
    assert_eq!(
        (status, error["error"]["code"].as_str()),
        (429, Some("rate_limited"))
    );
}

#[test]
fn ingest_needs_the_token_and_stores_what_it_is_sent() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = chancery_server::Config::new(dir.path());
    config.addr = "127.0.0.1:0".parse().unwrap();
    config.token = Some("a-long-enough-test-token".into());
    let server = chancery_server::spawn(config).unwrap();
    let body = concat!(
        r#"{"id": "w-1", "title": "Envoys meet", "published": "2026-09-02", "text": "Iran and Russia held talks in Moscow on Monday, officials said."}"#,
        "\n",
        r#"{"id": "w-2", "text": ""}"#,
        "\n"
    );
    let (status, error) = post(&server, "/api/ingest", &[], body);
    assert_eq!(
        (status, error["error"]["code"].as_str()),
        (401, Some("unauthorized"))
    );
    let wrong = [("authorization", "Bearer a-long-enough-test-tokeX")];
    assert_eq!(post(&server, "/api/ingest", &wrong, body).0, 401);
    let right = [("authorization", "Bearer a-long-enough-test-token")];
    let (status, report) = post(&server, "/api/ingest", &right, body);
    assert_eq!(status, 200, "{report}");
    assert_eq!(
        (report["stored"].as_u64(), report["failed"].as_u64()),
        (Some(1), Some(1))
    );
    let (_, stats) = get_json(&server, "/api/stats");
    assert_eq!(stats["articles"], 1);
    let (status, again) = post(&server, "/api/ingest", &right, body);
    assert_eq!((status, again["duplicates"].as_u64()), (200, Some(1)));

    // Without a token the server is read-only.
    let mut config = chancery_server::Config::new(dir.path());
    config.addr = "127.0.0.1:0".parse().unwrap();
    let read_only = chancery_server::spawn(config).unwrap();
    let (status, error) = post(&read_only, "/api/ingest", &right, body);
    assert_eq!(
        (status, error["error"]["code"].as_str()),
        (403, Some("ingest_disabled"))
    );
}
