//! Search: the full-text index of `chancery-search` (stemming, phrases,
//! BM25) when it can be opened, else the store's plain word search, so a
//! read-only data directory still answers. Facets come from the store in
//! both cases.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, RwLock};
use std::time::{Duration, Instant};

use chancery_search::{OpenOptions, SearchError, SearchIndex, SearchRequest};
use chancery_store::{Queries, SearchQuery, SearchResults};

use crate::ServerError;

/// How often the index is brought up to date with the store.
const REFRESH_EVERY: Duration = Duration::from_secs(30);
/// After the server's own watcher stored articles, the next search
/// catches up at once, but at most this often.
const REFRESH_STALE_EVERY: Duration = Duration::from_secs(1);
/// Facets are counted over at most this many of the best matches: the
/// index writes a snippet for every hit it returns (about 0.2 ms a hit on
/// the BBC corpus), so counting over every match would make a common word
/// slow. An ids-only search in `chancery-search` would lift this.
pub(crate) const FACET_HITS: usize = 50;
/// Hits per page when the request does not say.
pub(crate) const PAGE_HITS: u32 = 20;

/// The index of the data directory, opened on first use.
#[derive(Default)]
pub(crate) struct Search {
    index: RwLock<Option<SearchIndex>>,
    refreshed: Mutex<Option<Instant>>,
    /// Set when the server's watcher committed articles the index has not
    /// read yet.
    stale: AtomicBool,
    /// Why the index could not be opened, once it failed: the store's word
    /// search answers from then on.
    unavailable: Mutex<Option<String>>,
}

impl std::fmt::Debug for Search {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Search").finish_non_exhaustive()
    }
}

impl Search {
    /// Says that the store has new articles (the server's watcher
    /// committed a batch): the next search catches the index up.
    pub(crate) fn mark_stale(&self) {
        self.stale.store(true, Ordering::Relaxed);
    }

    /// Runs a search (on a blocking thread): the index when it is there,
    /// else the store.
    pub(crate) fn run(
        &self,
        config: &crate::Config,
        queries: &Queries,
        query: &SearchQuery,
    ) -> Result<SearchResults, ServerError> {
        if !self.ready(config) {
            return Ok(queries.search(query)?);
        }
        let guard = self.index.read().map_err(|_| poisoned())?;
        let Some(index) = guard.as_ref() else {
            return Ok(queries.search(query)?);
        };
        let text = query.q.trim();
        let filtered = [
            &query.country,
            &query.entity,
            &query.root,
            &query.source,
            &query.from,
            &query.to,
        ]
        .iter()
        .any(|f| f.as_deref().is_some_and(|v| !v.trim().is_empty()));
        if text.is_empty() && !filtered {
            // Nothing asked: the newest articles, as the store lists them.
            return Ok(queries.search(query)?);
        }
        let limit = query
            .limit
            .unwrap_or(PAGE_HITS)
            .clamp(1, chancery_store::MAX_LIMIT) as usize;
        let offset = query.offset.unwrap_or(0) as usize;
        // Any entity, not only people: a phrase in the entity field.
        let text = match query.entity.as_deref().map(str::trim) {
            Some(name) if !name.is_empty() => {
                format!("{text} entity:\"{}\"", name.replace('"', " "))
            }
            _ => text.to_string(),
        };
        let request = SearchRequest {
            query: text.trim().to_string(),
            from: query.from.clone(),
            to: query.to.clone(),
            person: None,
            country: query.country.clone(),
            event: query.root.clone(),
            // A blank source is no filter, as the store reads it (the
            // index refuses one).
            source: query.source.clone().filter(|s| !s.trim().is_empty()),
            limit: (offset + limit).max(FACET_HITS),
        };
        let found = match index.search(&request) {
            Err(SearchError::Damaged { detail, .. }) => {
                // Derived data: rebuild it from the store, then answer.
                eprintln!("chancery: the search index was damaged ({detail}); rebuilding it");
                drop(guard);
                let mut write = self.index.write().map_err(|_| poisoned())?;
                let Some(index) = write.as_mut() else {
                    return Ok(queries.search(query)?);
                };
                index.rebuild().map_err(search_error)?;
                let found = index.search(&request).map_err(search_error)?;
                return self.finish(queries, found, offset, limit);
            }
            other => other.map_err(search_error)?,
        };
        self.finish(queries, found, offset, limit)
    }

    /// The page of hits and the facets of a search's results.
    fn finish(
        &self,
        queries: &Queries,
        found: chancery_search::SearchResults,
        offset: usize,
        limit: usize,
    ) -> Result<SearchResults, ServerError> {
        let ids: Vec<i64> = found.hits.iter().map(|h| h.id).collect();
        let page: Vec<i64> = ids.iter().skip(offset).take(limit).copied().collect();
        let mut hits = queries.article_summaries(&page)?;
        for hit in &mut hits {
            if let Some(found) = found.hits.iter().find(|h| h.id == hit.id) {
                if !found.snippet.text.is_empty() {
                    hit.snippet.clone_from(&found.snippet.text);
                }
            }
        }
        Ok(SearchResults {
            total: found.total as u64,
            hits,
            facets: queries.facets(&ids)?,
        })
    }

    /// Opens the index on first use and refreshes it now and then; false
    /// when it cannot be had.
    fn ready(&self, config: &crate::Config) -> bool {
        if self.unavailable.lock().map(|u| u.is_some()).unwrap_or(true) {
            return false;
        }
        let every = if self.stale.load(Ordering::Relaxed) {
            REFRESH_STALE_EVERY
        } else {
            REFRESH_EVERY
        };
        let due = self
            .refreshed
            .lock()
            .map(|last| last.is_none_or(|t| t.elapsed() >= every))
            .unwrap_or(false);
        if !due {
            return true;
        }
        let Ok(mut guard) = self.index.write() else {
            return false;
        };
        // Cleared before reading the store: a batch committed while the
        // index catches up marks it again.
        self.stale.store(false, Ordering::Relaxed);
        let outcome = match guard.as_mut() {
            Some(index) => index.refresh().map(|_| ()),
            None => match &config.index {
                Some(dir) => SearchIndex::open_in(&config.data, dir, OpenOptions::default()),
                None => SearchIndex::open(&config.data),
            }
            .map(|index| {
                *guard = Some(index);
            }),
        };
        match outcome {
            Ok(()) => {
                if let Ok(mut last) = self.refreshed.lock() {
                    *last = Some(Instant::now());
                }
                true
            }
            // Another process is writing the index: search what is there.
            Err(SearchError::Busy { .. }) if guard.is_some() => true,
            Err(error) if guard.is_none() => {
                eprintln!("chancery: the search index is unavailable ({error}); searching the store's text instead");
                if let Ok(mut unavailable) = self.unavailable.lock() {
                    *unavailable = Some(error.to_string());
                }
                false
            }
            Err(_) => true,
        }
    }
}

fn poisoned() -> ServerError {
    ServerError::Internal("the search index lock was poisoned".into())
}

fn search_error(error: SearchError) -> ServerError {
    match error {
        SearchError::Query { .. } | SearchError::Filter { .. } => {
            ServerError::BadRequest(error.to_string())
        }
        SearchError::Store(store) => ServerError::Store(store),
        other => ServerError::Internal(other.to_string()),
    }
}
