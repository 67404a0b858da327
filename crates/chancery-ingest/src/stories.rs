//! Stories at ingest: each new article is clustered online as it is
//! stored ([`StoryTracker`]), and the clusterer's state is saved with the
//! story ids, so the next ingest continues it.
//!
//! In a data directory the one writer clusters what it stores, as it
//! stores it. In PostgreSQL many processes store at once, so one of them,
//! elected by the store ([`PgStories::try_elect`]), clusters everything
//! the fleet stored, in id order, after each batch it commits; the others
//! only store, and ask again after each batch (a killed clusterer frees
//! the election). What a clusterer reads is what a data directory's writer
//! would have clustered in the same id order, so the stories are the same
//! given settle passes at the same points (the end of each run).

use std::collections::{BTreeMap, HashMap};

use chancery_store::{
    AnyReader, AnyStore, PgStories, SqliteStories, StoreError, StoryBook, StoryInput,
    StoryStateUpdate, StoryWriter,
};
use chancery_stories::{Clusterer, Config, Day, Document, StoryId};

use crate::IngestError;

/// Articles clustered between two saves while catching up or rebuilding.
const SAVE_EVERY: usize = 500;

/// Stories at ingest in either backend.
pub enum Stories {
    /// A data directory's stories, clustered by its one writer.
    Tracked(Box<StoryTracker>),
    /// PostgreSQL's stories, clustered by the elected process of the fleet.
    Fleet(Box<FleetStories>),
}

/// A process of the fleet: the clusterer when elected, else a candidate
/// that stores articles and asks again after each batch.
pub struct FleetStories {
    pg: PgStories,
    /// The tracker, once this process is elected.
    tracker: Option<StoryTracker>,
    /// The articles this process stored since the last catch-up, as the
    /// pipeline had them (while elected): a catch-up reads from the store
    /// only the articles other processes stored.
    kept: BTreeMap<i64, Kept>,
}

/// A stored article ready to cluster, with its story keys.
type Kept = (StoryInput, Vec<String>);

impl FleetStories {
    /// Connects and stands for election (see [`FleetStories::elect`]).
    pub fn open(url: &str) -> Result<FleetStories, StoreError> {
        let mut fleet = FleetStories {
            pg: PgStories::open(url)?,
            tracker: None,
            kept: BTreeMap::new(),
        };
        fleet.elect()?;
        Ok(fleet)
    }

    /// Whether this process is the clusterer: when it wins the election
    /// now, its tracker is restored from the saved state and caught up with
    /// everything committed (waiting for the batches in flight, which
    /// commit in a moment: a clusterer must not start past a gap).
    pub fn elect(&mut self) -> Result<bool, StoreError> {
        if self.tracker.is_none() && self.pg.try_elect()? {
            let horizon = self.pg.horizon(true)?.unwrap_or(0);
            self.tracker = Some(StoryTracker::open(&mut self.pg, horizon)?);
        }
        Ok(self.tracker.is_some())
    }

    /// The clusterer catches up with what the fleet committed: everything
    /// when `wait` (waiting for batches in flight), else only when no batch
    /// is being written at this instant (the next call catches up). A
    /// candidate stands for election instead. Returns how many articles
    /// were clustered.
    pub fn catch_up(&mut self, wait: bool) -> Result<usize, StoreError> {
        let Some(tracker) = self.tracker.as_mut() else {
            self.elect()?;
            return Ok(0);
        };
        let Some(horizon) = self.pg.horizon(wait)? else {
            return Ok(0);
        };
        let mut clustered = 0;
        while tracker.last_article < horizon {
            let ids = self
                .pg
                .article_ids(tracker.last_article, horizon, SAVE_EVERY)?;
            let Some(&last) = ids.last() else {
                break;
            };
            let missing: Vec<i64> = ids
                .iter()
                .copied()
                .filter(|id| !self.kept.contains_key(id))
                .collect();
            let mut read: HashMap<i64, StoryInput> = self
                .pg
                .story_inputs_by_id(&missing)?
                .into_iter()
                .map(|input| (input.article, input))
                .collect();
            let page: Vec<Kept> = ids
                .iter()
                .filter_map(|id| {
                    self.kept.remove(id).or_else(|| {
                        let input = read.remove(id)?;
                        let keys = keys_of(&input);
                        Some((input, keys))
                    })
                })
                .collect();
            clustered += page.len();
            tracker.add_and_save(&mut self.pg, page)?;
            tracker.last_article = tracker.last_article.max(last);
        }
        let done = tracker.last_article;
        self.kept.retain(|&id, _| id > done);
        Ok(clustered)
    }

    /// Keeps an article this process stored for the next catch-up (only
    /// while elected: a candidate's are read back by whoever clusters).
    fn keep(&mut self, arrival: &Arrival<'_>) {
        if self.tracker.is_some() {
            self.kept.insert(
                arrival.article,
                (
                    StoryInput {
                        article: arrival.article,
                        title: arrival.title.map(str::to_string),
                        text: arrival.text.to_string(),
                        published: arrival.published.map(str::to_string),
                        duplicate_of: arrival.duplicate_of,
                        story: None,
                        analysis: None,
                    },
                    arrival.keys.to_vec(),
                ),
            );
        }
    }

    /// At the end of a run: the clusterer (a candidate elected now
    /// included) catches up with everything committed, runs the settle
    /// pass and resigns; then, while articles are committed past the saved
    /// progress and the election is free, it takes it again and does the
    /// same. So whichever process resigns last has seen every batch
    /// committed before it looked: a candidate that ended while another
    /// held the election left its last batches to that one, which looks
    /// after resigning. Returns the articles moved.
    pub fn settle(&mut self) -> Result<usize, StoreError> {
        let mut moved = 0;
        while self.elect()? {
            self.catch_up(true)?;
            if let Some(tracker) = self.tracker.as_mut() {
                moved += tracker.settle(&mut self.pg)?;
            }
            self.tracker = None;
            self.kept.clear();
            self.pg.resign()?;
            if !self.pg.unclustered()? {
                break;
            }
        }
        Ok(moved)
    }

    /// The tracker, when this process is the clusterer.
    pub fn tracker(&self) -> Option<&StoryTracker> {
        self.tracker.as_ref()
    }
}

impl Stories {
    /// [`StoryTracker::open`] on a data directory; on PostgreSQL,
    /// [`FleetStories::open`].
    pub fn open(store: &mut AnyStore, reader: &AnyReader) -> Result<Stories, IngestError> {
        if let Some(url) = store.postgres_url() {
            return Ok(Stories::Fleet(Box::new(FleetStories::open(url)?)));
        }
        match (store.sqlite_mut(), reader.sqlite()) {
            (Some(store), Some(reader)) => Ok(Stories::Tracked(Box::new(StoryTracker::open(
                &mut SqliteStories { store, reader },
                i64::MAX,
            )?))),
            // A data directory's writer with a PostgreSQL reader: the
            // caller opened two stores.
            _ => Err(IngestError::Store(StoreError::NotInPostgres {
                what: "a data directory's stories",
            })),
        }
    }

    /// [`StoryTracker::rebuilt_because`].
    pub fn rebuilt_because(&self) -> Option<&str> {
        match self {
            Stories::Tracked(tracker) => tracker.rebuilt_because(),
            Stories::Fleet(fleet) => fleet.tracker().and_then(StoryTracker::rebuilt_because),
        }
    }

    /// [`StoryTracker::add`] in a data directory; in PostgreSQL the
    /// clusterer keeps the article for when the batch is saved, and then
    /// clusters every committed article in id order (its own from what it
    /// kept, the fleet's read from the store).
    pub fn add(
        &mut self,
        store: &mut AnyStore,
        arrival: &Arrival<'_>,
    ) -> Result<Vec<(i64, i64)>, StoreError> {
        match (self, store.sqlite_mut()) {
            (Stories::Tracked(tracker), Some(store)) => tracker.add(store, arrival),
            (Stories::Fleet(fleet), _) => {
                fleet.keep(arrival);
                Ok(Vec::new())
            }
            _ => Ok(Vec::new()),
        }
    }

    /// [`StoryTracker::save`] in a data directory; in PostgreSQL,
    /// [`FleetStories::catch_up`] without waiting.
    pub fn save(&mut self, store: &mut AnyStore, stories: &[(i64, i64)]) -> Result<(), StoreError> {
        match (self, store.sqlite_mut()) {
            (Stories::Tracked(tracker), Some(store)) => tracker.save(store, stories),
            (Stories::Fleet(fleet), _) => fleet.catch_up(false).map(|_| ()),
            _ => Ok(()),
        }
    }

    /// [`StoryTracker::settle`] in a data directory; in PostgreSQL,
    /// [`FleetStories::settle`].
    pub fn settle(&mut self, store: &mut AnyStore) -> Result<usize, StoreError> {
        match (self, store.sqlite_mut()) {
            (Stories::Tracked(tracker), Some(store)) => tracker.settle(store),
            (Stories::Fleet(fleet), _) => fleet.settle(),
            _ => Ok(0),
        }
    }
}

/// The online clusterer with the store's article ids, saved in the store
/// with the story ids it gives: an ingest continues the saved clusterer, so
/// its cost follows the new articles, not the corpus. Only when there is no
/// saved state (a store from before it, or other settings) are the stored
/// articles replayed, once.
pub struct StoryTracker {
    clusterer: Clusterer,
    /// The last stored article the clusterer has seen.
    last_article: i64,
    /// Stories given since the last save (a near-duplicate may follow its
    /// original before the original's story is stored).
    unsaved: HashMap<i64, i64>,
    /// Why the saved clusterer could not be used, when it could not.
    rebuilt_because: Option<String>,
}

impl StoryTracker {
    /// The saved clusterer, caught up with articles stored after it up to
    /// the one with id `upto` (a run killed between storing a batch and
    /// its stories; in PostgreSQL, what the fleet stored), or a clusterer
    /// rebuilt from the stored articles when none can be used.
    pub fn open(
        book: &mut (impl StoryBook + ?Sized),
        upto: i64,
    ) -> Result<StoryTracker, StoreError> {
        let config = Config::default();
        let saved = book.story_state()?;
        let mut rebuilt_because = None;
        let restored = saved.and_then(|state| {
            match Clusterer::restore(
                config.clone(),
                &state.header,
                &state.frequencies,
                state.frequency_changes.iter().map(Vec::as_slice),
                state.stories.iter().map(Vec::as_slice),
                state.norms.iter().map(Vec::as_slice),
            ) {
                Ok(mut clusterer) => {
                    // The settle window is not in the saved state: the
                    // latest articles it held are in the store.
                    if let Err(error) = recall(&mut clusterer, book, state.last_article) {
                        return Some(Err(error));
                    }
                    Some(Ok((clusterer, state.last_article)))
                }
                Err(error) => {
                    rebuilt_because = Some(error.to_string());
                    None
                }
            }
        });
        let mut tracker = match restored.transpose()? {
            Some((clusterer, last_article)) => StoryTracker {
                clusterer,
                last_article,
                unsaved: HashMap::new(),
                rebuilt_because,
            },
            None => {
                book.clear_story_state()?;
                StoryTracker {
                    clusterer: Clusterer::new(config),
                    last_article: 0,
                    unsaved: HashMap::new(),
                    rebuilt_because,
                }
            }
        };
        tracker.catch_up(book, upto)?;
        Ok(tracker)
    }

    /// Why the saved clusterer could not be restored (other settings, a
    /// damaged state), when [`StoryTracker::open`] rebuilt the stories
    /// from the stored articles instead.
    pub fn rebuilt_because(&self) -> Option<&str> {
        self.rebuilt_because.as_deref()
    }

    /// Clusters the articles stored after the last one seen, up to the one
    /// with id `upto`, in id order, saving every [`SAVE_EVERY`]; story ids
    /// already stored are rewritten only where they differ. Returns how
    /// many articles it clustered.
    pub fn catch_up(
        &mut self,
        book: &mut (impl StoryBook + ?Sized),
        upto: i64,
    ) -> Result<usize, StoreError> {
        let mut clustered = 0;
        while self.last_article < upto {
            let inputs = book.story_inputs(self.last_article, upto, SAVE_EVERY)?;
            let Some(last) = inputs.last().map(|input| input.article) else {
                break;
            };
            clustered += inputs.len();
            let page = inputs
                .into_iter()
                .map(|input| {
                    let keys = keys_of(&input);
                    (input, keys)
                })
                .collect();
            self.add_and_save(book, page)?;
            // Past ids rolled back or never committed (no article): the
            // mark moves on with the last one read.
            self.last_article = self.last_article.max(last);
        }
        Ok(clustered)
    }

    /// The settle pass over the latest articles (at the end of an ingest
    /// run, or on demand), stored with the clusterer's changes: the store's
    /// stories are then the batch result over the window.
    pub fn settle(&mut self, store: &mut (impl StoryWriter + ?Sized)) -> Result<usize, StoreError> {
        let moves: Vec<(i64, i64)> = self
            .clusterer
            .settle()
            .into_iter()
            .filter_map(|m| Some((m.id.parse::<i64>().ok()?, i64::from(m.to.0))))
            .collect();
        self.save(store, &moves)?;
        Ok(moves.len())
    }

    /// Clusters a page of stored articles in id order and saves what they
    /// changed.
    fn add_and_save(
        &mut self,
        store: &mut (impl StoryWriter + ?Sized),
        page: Vec<Kept>,
    ) -> Result<(), StoreError> {
        let mut changes = Vec::new();
        for (input, keys) in &page {
            let given = self.add(
                store,
                &Arrival {
                    article: input.article,
                    title: input.title.as_deref(),
                    text: &input.text,
                    published: input.published.as_deref(),
                    duplicate_of: input.duplicate_of,
                    keys,
                },
            )?;
            changes.extend(given.into_iter().filter(|&(article, story)| {
                // Only what differs from the store needs writing.
                page.iter()
                    .find(|(i, _)| i.article == article)
                    .is_none_or(|(i, _)| i.story != Some(story))
            }));
        }
        self.save(store, &changes)
    }

    /// Stores story ids with the clusterer's changes, in one transaction.
    pub fn save(
        &mut self,
        store: &mut (impl StoryWriter + ?Sized),
        stories: &[(i64, i64)],
    ) -> Result<(), StoreError> {
        let changes = self.clusterer.take_changes();
        store.save_stories(
            stories,
            Some(&StoryStateUpdate {
                header: &changes.header,
                frequencies: changes.frequencies.as_deref(),
                frequency_changes: changes.frequency_changes.as_deref(),
                stories: &changes.stories,
                norms: &changes.norms,
                retired: &changes.retired,
                last_article: self.last_article,
            }),
        )?;
        self.unsaved.clear();
        Ok(())
    }

    /// Clusters one stored article; returns the `(article, story)` pairs to
    /// store: its own, and earlier articles a split moved.
    pub fn add(
        &mut self,
        store: &mut (impl StoryWriter + ?Sized),
        arrival: &Arrival<'_>,
    ) -> Result<Vec<(i64, i64)>, StoreError> {
        self.last_article = self.last_article.max(arrival.article);
        // A near-duplicate belongs to its original's story and does not
        // weigh in the clustering (a syndicated copy is not more news).
        if let Some(original) = arrival.duplicate_of {
            let story = match self.unsaved.get(&original) {
                Some(&story) => Some(story),
                None => store.story_of(original)?,
            };
            return Ok(match story {
                Some(story) => {
                    self.unsaved.insert(arrival.article, story);
                    vec![(arrival.article, story)]
                }
                None => Vec::new(),
            });
        }
        let id = arrival.article.to_string();
        let published = arrival.published.and_then(day_of);
        let assignment = self.clusterer.add(&Document {
            id: &id,
            title: arrival.title.unwrap_or(""),
            text: arrival.text,
            published,
            entities: arrival.keys,
        });
        let story = i64::from(assignment.story.0);
        self.unsaved.insert(arrival.article, story);
        let mut changes = vec![(arrival.article, story)];
        for moved in assignment.moved {
            if let Ok(article) = moved.id.parse::<i64>() {
                let to = i64::from(moved.to.0);
                self.unsaved.insert(article, to);
                changes.push((article, to));
            }
        }
        Ok(changes)
    }
}

/// The story keys of a stored article (none when its analysis cannot be
/// read: the words still count).
fn keys_of(input: &StoryInput) -> Vec<String> {
    input
        .analysis
        .as_ref()
        .map(chancery_nlp::story_keys)
        .unwrap_or_default()
}

/// The publication day of an ISO 8601 date or time.
fn day_of(published: &str) -> Option<Day> {
    Day::parse_iso(published.get(..10).unwrap_or(published))
}

/// Gives a restored clusterer back its settle window: the latest canonical
/// articles it had seen, with their stored stories.
fn recall(
    clusterer: &mut Clusterer,
    book: &mut (impl StoryBook + ?Sized),
    last_article: i64,
) -> Result<(), StoreError> {
    let window = clusterer.config().settle_window;
    if window == 0 {
        return Ok(());
    }
    let inputs = book.recent_story_inputs(last_article, window)?;
    let keys: Vec<Vec<String>> = inputs.iter().map(keys_of).collect();
    let ids: Vec<String> = inputs.iter().map(|i| i.article.to_string()).collect();
    let documents: Vec<(Document<'_>, StoryId)> = inputs
        .iter()
        .zip(&keys)
        .zip(&ids)
        .filter_map(|((input, keys), id)| {
            let story = StoryId(u32::try_from(input.story?).ok()?);
            Some((
                Document {
                    id,
                    title: input.title.as_deref().unwrap_or(""),
                    text: &input.text,
                    published: input.published.as_deref().and_then(day_of),
                    entities: keys,
                },
                story,
            ))
        })
        .collect();
    clusterer.recall(&documents);
    Ok(())
}

/// A stored article as the tracker reads it.
pub struct Arrival<'a> {
    /// Its id in the store.
    pub article: i64,
    /// Its title.
    pub title: Option<&'a str>,
    /// Its clean text.
    pub text: &'a str,
    /// Its publication date (ISO 8601).
    pub published: Option<&'a str>,
    /// The article it is a near-duplicate of.
    pub duplicate_of: Option<i64>,
    /// Its story keys ([`chancery_nlp::story_keys`]).
    pub keys: &'a [String],
}
