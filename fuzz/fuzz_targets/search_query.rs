//! Arbitrary text as a search query (and as its filters) against a small
//! index built once: hits or a query/filter error; a panic, or an error
//! that blames the index (damage) for a bad query, is a bug.

#![no_main]

use std::path::PathBuf;
use std::sync::OnceLock;

use chancery_model::{Analysis, Article};
use chancery_search::{SearchError, SearchIndex, SearchRequest};
use chancery_store::{Document, Store};
use libfuzzer_sys::fuzz_target;

fn index() -> &'static SearchIndex {
    static INDEX: OnceLock<(PathBuf, SearchIndex)> = OnceLock::new();
    &INDEX
        .get_or_init(|| {
            let dir = std::env::temp_dir().join(format!("chancery-fuzz-{}", std::process::id()));
            let _ = std::fs::remove_dir_all(&dir);
            let mut store = Store::open(&dir).expect("a store in the temp dir");
            let texts = [
                (
                    "a",
                    "Talks in Vienna",
                    "Ministers met in Vienna on Monday for talks.",
                ),
                (
                    "b",
                    "Strike at the port",
                    "Dock workers went on strike on Tuesday.",
                ),
                (
                    "c",
                    "Budget vote",
                    "Parliament voted on the budget after a long debate.",
                ),
            ];
            let documents: Vec<Document> = texts
                .iter()
                .map(|(id, title, text)| {
                    Document::new(Analysis::from_article(Article {
                        id: (*id).into(),
                        title: Some((*title).into()),
                        text: (*text).into(),
                        ..Article::default()
                    }))
                    .expect("a document")
                })
                .collect();
            store.write(&documents).expect("the documents are stored");
            drop(store);
            let mut index = SearchIndex::open(&dir).expect("the index opens");
            index.rebuild().expect("the index builds");
            (dir, index)
        })
        .1
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data).into_owned();
    let (query, filter) = text.split_once('\u{0}').unwrap_or((&text, ""));
    let filter = (!filter.is_empty()).then(|| filter.to_string());
    let requests = [
        SearchRequest {
            query: query.to_string(),
            ..SearchRequest::default()
        },
        SearchRequest {
            query: query.to_string(),
            from: filter.clone(),
            person: filter.clone(),
            ..SearchRequest::default()
        },
        SearchRequest {
            query: query.to_string(),
            to: filter.clone(),
            country: filter.clone(),
            event: filter.clone(),
            source: filter,
            limit: 3,
            ..SearchRequest::default()
        },
    ];
    for request in &requests {
        match index().search(request) {
            Ok(results) => assert!(results.hits.len() <= results.total),
            Err(SearchError::Query { .. } | SearchError::Filter { .. }) => {}
            Err(other) => panic!("{request:?} gave {other}"),
        }
    }
});
