//! `GET /metrics`: the corpus and the watcher's fetch queue in the
//! Prometheus text exposition format (version 0.0.4), for scraping.

use std::fmt::Write;

use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use chancery_store::CorpusMetrics;

use crate::error::ServerError;
use crate::params::{NoParams, Params};
use crate::{read, Shared};

/// The content type Prometheus scrapes.
const CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

pub(crate) async fn metrics(
    State(state): State<Shared>,
    Params(NoParams {}): Params<NoParams>,
) -> Result<impl IntoResponse, ServerError> {
    let metrics = read(&state, |q| q.metrics()).await?;
    Ok(([(header::CONTENT_TYPE, CONTENT_TYPE)], render(&metrics)))
}

/// The exposition text of `metrics`.
pub(crate) fn render(metrics: &CorpusMetrics) -> String {
    let mut out = String::new();
    let mut gauge = |name: &str, help: &str, value: u64| {
        let _ = writeln!(
            out,
            "# HELP {name} {help}\n# TYPE {name} gauge\n{name} {value}"
        );
    };
    gauge(
        "chancery_articles",
        "Articles stored, near-duplicates included.",
        metrics.articles,
    );
    gauge(
        "chancery_near_duplicates",
        "Articles stored as near-duplicates of an earlier one.",
        metrics.near_duplicates,
    );
    gauge(
        "chancery_events",
        "Events of all stored articles.",
        metrics.events,
    );
    gauge(
        "chancery_quotes",
        "Quotes of all stored articles.",
        metrics.quotes,
    );
    let watch = &metrics.watch;
    gauge(
        "chancery_watch_feeds",
        "Feeds and sitemaps followed.",
        watch.feeds,
    );
    gauge(
        "chancery_watch_failing_feeds",
        "Feeds whose last poll failed.",
        watch.failing_feeds,
    );
    let mut counter = |name: &str, help: &str, value: u64| {
        let _ = writeln!(
            out,
            "# HELP {name} {help}\n# TYPE {name} counter\n{name} {value}"
        );
    };
    counter(
        "chancery_watch_polls_total",
        "Polls of the followed feeds.",
        watch.polls,
    );
    counter(
        "chancery_watch_poll_errors_total",
        "Failed polls of the followed feeds.",
        watch.poll_errors,
    );
    counter(
        "chancery_watch_fetched_total",
        "Article pages fetched and handed to the store (stored, duplicate or unchanged).",
        watch.queue.done,
    );
    let name = "chancery_watch_queue";
    let _ = writeln!(
        out,
        "# HELP {name} Article URLs in the fetch queue by state (pending is the queue depth).\n\
         # TYPE {name} gauge"
    );
    for (state, count) in [
        ("pending", watch.queue.pending),
        ("done", watch.queue.done),
        ("retry", watch.queue.retry),
        ("gone", watch.queue.gone),
    ] {
        let _ = writeln!(out, "{name}{{state=\"{state}\"}} {count}");
    }
    let name = "chancery_watch_host_errors";
    let _ = writeln!(
        out,
        "# HELP {name} Failed fetches and polls by host (the {} hosts with most).\n\
         # TYPE {name} gauge",
        chancery_store::MAX_ERROR_HOSTS
    );
    for (host, count) in &watch.errors_by_host {
        let _ = writeln!(out, "{name}{{host=\"{}\"}} {count}", label_value(host));
    }
    let name = "chancery_last_ingest_timestamp_seconds";
    if let Some(seconds) = metrics.last_ingested.as_deref().and_then(unix_seconds) {
        let _ = writeln!(
            out,
            "# HELP {name} When the newest article was stored (Unix time).\n\
             # TYPE {name} gauge\n{name} {seconds}"
        );
    }
    out
}

/// A label value as the format escapes it: backslash, quote and newline.
fn label_value(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

/// Unix seconds of the store's "2026-12-06T18:48:35.123Z" stamps.
fn unix_seconds(stamp: &str) -> Option<i64> {
    chrono::DateTime::parse_from_rfc3339(stamp)
        .ok()
        .map(|time| time.timestamp())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chancery_store::{QueueCounts, WatchMetrics};

    #[test]
    fn the_exposition_text_has_every_family_once_and_escapes_labels() {
        let metrics = CorpusMetrics {
            articles: 12,
            near_duplicates: 2,
            events: 30,
            quotes: 7,
            last_ingested: Some("2026-12-06T18:48:35.123Z".into()),
            watch: WatchMetrics {
                feeds: 3,
                failing_feeds: 1,
                polls: 40,
                poll_errors: 4,
                queue: QueueCounts {
                    pending: 5,
                    done: 9,
                    retry: 1,
                    gone: 2,
                },
                errors_by_host: vec![("we\"ird.example".into(), 3)],
            },
        };
        let text = render(&metrics);
        assert!(text.contains("\nchancery_articles 12\n"), "{text}");
        assert!(
            text.contains("chancery_watch_queue{state=\"pending\"} 5\n"),
            "{text}"
        );
        assert!(
            text.contains("chancery_watch_host_errors{host=\"we\\\"ird.example\"} 3\n"),
            "{text}"
        );
        assert!(
            text.contains("chancery_last_ingest_timestamp_seconds 1796582915\n"),
            "{text}"
        );
        // Every sample's family is declared once, before its samples.
        let mut declared = std::collections::HashSet::new();
        for line in text.lines() {
            if let Some(rest) = line.strip_prefix("# TYPE ") {
                assert!(
                    declared.insert(rest.split(' ').next().unwrap().to_string()),
                    "{line}"
                );
            } else if !line.starts_with('#') {
                let family = line.split(['{', ' ']).next().unwrap();
                assert!(declared.contains(family), "{line}");
            }
        }
    }
}
