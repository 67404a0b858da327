//! One store, two backends chosen at run time: a data directory (SQLite,
//! the default) or a PostgreSQL database (`--data postgres://…`).
//!
//! [`AnyStore`] is what the ingest writer needs of a store, [`AnyReader`]
//! what the pipeline reads before analysis, [`AnyExport`] what the
//! exports walk. Each is an enum over the two backends rather than a
//! trait object: the export walks are generic over the caller's error
//! type. [`AnyWatchState`] is the watcher's feeds and fetch queue in
//! either backend. A caller that needs what only a data directory keeps
//! asks for the SQLite store by name ([`AnyStore::sqlite`]) and gets an
//! error that says so on PostgreSQL.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use crate::pg::{is_postgres_url, PgExport, PgReader, PgStore};
use crate::registry::PersonSighting;
use crate::{ArticleStory, Stats, Store, StoreError, StorySummary};
use crate::{Document, ExportArticle, ExportEvent, ExportFilter, ExportReader, Outcome, Reader};
use crate::{FeedState, Finish, NewItem, QueueCounts, QueuedUrl};

/// The PostgreSQL URL that `data` (a `--data` value) is, if it is one
/// rather than a data directory.
pub fn postgres_url(data: &Path) -> Option<&str> {
    data.to_str().filter(|text| is_postgres_url(text))
}

/// A store opened for writing, in either backend.
#[derive(Debug)]
pub enum AnyStore {
    /// A data directory: one writer at a time.
    Sqlite(Store),
    /// A PostgreSQL database: any number of writers.
    Postgres(Box<PgStore>),
}

impl AnyStore {
    /// Opens `data` for writing: a PostgreSQL database when it is a
    /// `postgres://` URL, else a data directory ([`Store::open`]).
    pub fn open(data: &Path) -> Result<AnyStore, StoreError> {
        Ok(match postgres_url(data) {
            Some(url) => AnyStore::Postgres(Box::new(PgStore::open(url)?)),
            None => AnyStore::Sqlite(Store::open(data)?),
        })
    }

    /// Where the store is: the database file, or the URL without its
    /// password.
    pub fn location(&self) -> String {
        match self {
            AnyStore::Sqlite(store) => store.path().display().to_string(),
            AnyStore::Postgres(store) => store.url(),
        }
    }

    /// [`Store::write`]: one batch, one transaction.
    pub fn write(&mut self, documents: &[Document]) -> Result<Vec<Outcome>, StoreError> {
        match self {
            AnyStore::Sqlite(store) => store.write(documents),
            AnyStore::Postgres(store) => store.write(documents),
        }
    }

    /// [`Store::stored_before_open`].
    pub fn stored_before_open(&self) -> i64 {
        match self {
            AnyStore::Sqlite(store) => store.stored_before_open(),
            AnyStore::Postgres(store) => store.stored_before_open(),
        }
    }

    /// [`Store::begin_run`]: the point the run's actor registry is read up
    /// to. A data directory keeps it for a killed run to resume from; a
    /// PostgreSQL store, shared by many workers, gives everything stored.
    pub fn begin_run(&mut self) -> Result<i64, StoreError> {
        match self {
            AnyStore::Sqlite(store) => store.begin_run(),
            AnyStore::Postgres(store) => store.begin_run(),
        }
    }

    /// [`Store::end_run`] (nothing to end in PostgreSQL).
    pub fn end_run(&mut self) -> Result<(), StoreError> {
        match self {
            AnyStore::Sqlite(store) => store.end_run(),
            AnyStore::Postgres(_) => Ok(()),
        }
    }

    /// Counts of what the store holds.
    pub fn stats(&mut self) -> Result<Stats, StoreError> {
        match self {
            AnyStore::Sqlite(store) => store.stats(),
            AnyStore::Postgres(store) => store.stats(),
        }
    }

    /// The data directory's store, for what only it keeps (`what`, named
    /// in the error on PostgreSQL).
    pub fn sqlite(&self, what: &'static str) -> Result<&Store, StoreError> {
        match self {
            AnyStore::Sqlite(store) => Ok(store),
            AnyStore::Postgres(_) => Err(StoreError::NotInPostgres { what }),
        }
    }

    /// The database URL as given (password included: to connect with,
    /// never to show), when this is a PostgreSQL store.
    pub fn postgres_url(&self) -> Option<&str> {
        match self {
            AnyStore::Sqlite(_) => None,
            AnyStore::Postgres(store) => Some(store.url_as_given()),
        }
    }

    /// The data directory's store, when this is one.
    pub fn sqlite_mut(&mut self) -> Option<&mut Store> {
        match self {
            AnyStore::Sqlite(store) => Some(store),
            AnyStore::Postgres(_) => None,
        }
    }
}

/// A store opened for the pipeline's reads, in either backend.
#[derive(Debug)]
pub enum AnyReader {
    /// A data directory.
    Sqlite(Reader),
    /// A PostgreSQL database.
    Postgres(PgReader),
}

impl AnyReader {
    /// Opens `data` for reading (see [`AnyStore::open`]).
    pub fn open(data: &Path) -> Result<AnyReader, StoreError> {
        Ok(match postgres_url(data) {
            Some(url) => AnyReader::Postgres(PgReader::open(url)?),
            None => AnyReader::Sqlite(Reader::open(data)?),
        })
    }

    /// [`Reader::stored`]: which of `ids` are stored, with internal ids.
    pub fn stored(&self, ids: &[&str]) -> Result<HashMap<String, i64>, StoreError> {
        match self {
            AnyReader::Sqlite(reader) => reader.stored(ids),
            AnyReader::Postgres(reader) => reader.stored(ids),
        }
    }

    /// Counts of what the store holds.
    pub fn stats(&self) -> Result<Stats, StoreError> {
        match self {
            AnyReader::Sqlite(reader) => reader.stats(),
            AnyReader::Postgres(reader) => reader.stats(),
        }
    }

    /// [`Reader::for_each_person_upto`]: the rows of the actor registry.
    pub fn for_each_person_upto(
        &self,
        upto: i64,
        each: impl FnMut(PersonSighting),
    ) -> Result<(), StoreError> {
        match self {
            AnyReader::Sqlite(reader) => reader.for_each_person_upto(upto, each),
            AnyReader::Postgres(reader) => reader.for_each_person_upto(upto, each),
        }
    }

    /// [`Reader::stories`]: the stories, largest first.
    pub fn stories(&self, limit: usize) -> Result<Vec<StorySummary>, StoreError> {
        match self {
            AnyReader::Sqlite(reader) => reader.stories(limit),
            AnyReader::Postgres(reader) => reader.stories(limit),
        }
    }

    /// [`Reader::article_stories`]: every article with its story, in id
    /// order.
    pub fn article_stories(&self, each: impl FnMut(ArticleStory)) -> Result<(), StoreError> {
        match self {
            AnyReader::Sqlite(reader) => reader.article_stories(each),
            AnyReader::Postgres(reader) => reader.article_stories(each),
        }
    }

    /// The data directory's reader, when this is one.
    pub fn sqlite(&self) -> Option<&Reader> {
        match self {
            AnyReader::Sqlite(reader) => Some(reader),
            AnyReader::Postgres(_) => None,
        }
    }
}

/// A store opened for exporting, in either backend: the same walks in
/// the same order.
#[derive(Debug)]
pub enum AnyExport {
    /// A data directory.
    Sqlite(ExportReader),
    /// A PostgreSQL database.
    Postgres(Box<PgExport>),
}

impl AnyExport {
    /// Opens `data` for exporting (see [`AnyStore::open`]).
    pub fn open(data: &Path) -> Result<AnyExport, StoreError> {
        Ok(match postgres_url(data) {
            Some(url) => AnyExport::Postgres(Box::new(PgExport::open(url)?)),
            None => AnyExport::Sqlite(ExportReader::open(data)?),
        })
    }

    /// [`ExportReader::count_articles`].
    pub fn count_articles(&self, filter: &ExportFilter) -> Result<u64, StoreError> {
        match self {
            AnyExport::Sqlite(reader) => reader.count_articles(filter),
            AnyExport::Postgres(reader) => reader.count_articles(filter),
        }
    }

    /// [`ExportReader::count_events`].
    pub fn count_events(&self, filter: &ExportFilter) -> Result<u64, StoreError> {
        match self {
            AnyExport::Sqlite(reader) => reader.count_events(filter),
            AnyExport::Postgres(reader) => reader.count_events(filter),
        }
    }

    /// [`ExportReader::for_each_article`].
    pub fn for_each_article<E: From<StoreError>>(
        &self,
        filter: &ExportFilter,
        each: impl FnMut(ExportArticle) -> Result<(), E>,
    ) -> Result<u64, E> {
        match self {
            AnyExport::Sqlite(reader) => reader.for_each_article(filter, each),
            AnyExport::Postgres(reader) => reader.for_each_article(filter, each),
        }
    }

    /// [`ExportReader::article`].
    pub fn article(&self, id: i64) -> Result<Option<ExportArticle>, StoreError> {
        match self {
            AnyExport::Sqlite(reader) => reader.article(id),
            AnyExport::Postgres(reader) => reader.article(id),
        }
    }

    /// [`ExportReader::for_each_event`].
    pub fn for_each_event<E: From<StoreError>>(
        &self,
        filter: &ExportFilter,
        each: impl FnMut(ExportEvent) -> Result<(), E>,
    ) -> Result<u64, E> {
        match self {
            AnyExport::Sqlite(reader) => reader.for_each_event(filter, each),
            AnyExport::Postgres(reader) => reader.for_each_event(filter, each),
        }
    }
}

/// The watcher's feeds and fetch queue, in either backend: a data
/// directory's (one watcher at a time, as its writer) or a PostgreSQL
/// database's, which any number of watchers share by claiming what they
/// poll and fetch ([`PgWatchState`](crate::PgWatchState)).
#[derive(Debug)]
pub enum AnyWatchState {
    /// A data directory's, on a second connection beside the writer.
    Sqlite(crate::WatchState),
    /// A PostgreSQL database's, on a connection of its own.
    Postgres(Box<crate::PgWatchState>),
}

impl AnyStore {
    /// The watch state of this store, on a connection of its own (for a
    /// thread other than the one writing articles).
    pub fn watch_state(&self) -> Result<AnyWatchState, StoreError> {
        Ok(match self {
            AnyStore::Sqlite(store) => AnyWatchState::Sqlite(store.watch_state()?),
            AnyStore::Postgres(store) => {
                AnyWatchState::Postgres(Box::new(crate::PgWatchState::open(store.url_as_given())?))
            }
        })
    }
}

/// The followed feeds (by URL) and the fetch queue's counts of the corpus
/// `data` names (`chancery watch --status`).
pub fn watch_status(data: &Path) -> Result<(Vec<FeedState>, QueueCounts), StoreError> {
    match postgres_url(data) {
        Some(url) => {
            let mut state = crate::PgWatchState::open(url)?;
            Ok((state.feeds()?, state.queue_counts()?))
        }
        None => Reader::open(data)?.watch_status(),
    }
}

impl AnyWatchState {
    /// The state of one feed.
    pub fn feed(&mut self, url: &str) -> Result<Option<FeedState>, StoreError> {
        match self {
            AnyWatchState::Sqlite(state) => state.feed(url),
            AnyWatchState::Postgres(state) => state.feed(url),
        }
    }

    /// Every followed feed, by URL.
    pub fn feeds(&mut self) -> Result<Vec<FeedState>, StoreError> {
        match self {
            AnyWatchState::Sqlite(state) => state.feeds(),
            AnyWatchState::Postgres(state) => state.feeds(),
        }
    }

    /// Writes a feed's state (inserted or replaced).
    pub fn save_feed(&mut self, feed: &FeedState) -> Result<(), StoreError> {
        match self {
            AnyWatchState::Sqlite(state) => state.save_feed(feed),
            AnyWatchState::Postgres(state) => state.save_feed(feed),
        }
    }

    /// The feeds and sitemaps to poll now: those due at `now` (all with
    /// `everything`) but pages and those in `skip` (polled this round). In
    /// PostgreSQL they are claimed, so another watcher does not poll them
    /// too before this one saves them.
    pub fn due_feeds(
        &mut self,
        now: i64,
        everything: bool,
        skip: &HashSet<String>,
    ) -> Result<Vec<FeedState>, StoreError> {
        match self {
            AnyWatchState::Sqlite(state) => Ok(state
                .feeds()?
                .into_iter()
                .filter(|f| f.kind != "page" && !skip.contains(&f.url))
                .filter(|f| everything || f.next_poll <= now)
                .collect()),
            AnyWatchState::Postgres(state) => state.claim_feeds(now, everything, skip),
        }
    }

    /// [`WatchState::enqueue`](crate::WatchState::enqueue): the new items
    /// and those whose stamp changed, once each.
    pub fn enqueue(&mut self, items: &[NewItem], now: i64) -> Result<usize, StoreError> {
        match self {
            AnyWatchState::Sqlite(state) => state.enqueue(items, now),
            AnyWatchState::Postgres(state) => state.enqueue(items, now),
        }
    }

    /// Up to `limit` URLs due at `now` after queue place `after`, oldest
    /// first; in PostgreSQL claimed for this watcher until
    /// [`AnyWatchState::finish`] (or the lease's end).
    pub fn due(
        &mut self,
        now: i64,
        after: i64,
        limit: usize,
    ) -> Result<Vec<QueuedUrl>, StoreError> {
        match self {
            AnyWatchState::Sqlite(state) => state.due(now, after, limit),
            AnyWatchState::Postgres(state) => state.claim_due(now, after, limit),
        }
    }

    /// Records how queued URLs ended, in one transaction.
    pub fn finish(&mut self, results: &[(String, Finish)], now: i64) -> Result<(), StoreError> {
        match self {
            AnyWatchState::Sqlite(state) => state.finish(results, now),
            AnyWatchState::Postgres(state) => state.finish(results, now),
        }
    }

    /// How many queued URLs are in each state.
    pub fn queue_counts(&mut self) -> Result<QueueCounts, StoreError> {
        match self {
            AnyWatchState::Sqlite(state) => state.queue_counts(),
            AnyWatchState::Postgres(state) => state.queue_counts(),
        }
    }
}
