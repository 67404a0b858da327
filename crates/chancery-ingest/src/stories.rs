//! Stories at ingest: each new article is clustered online as it is
//! stored ([`StoryTracker`]), and the clusterer's state is saved with the
//! story ids, so the next ingest continues it.

use std::collections::HashMap;

use chancery_store::{
    AnyReader, AnyStore, Reader, Store, StoreError, StoryInput, StoryStateUpdate,
};
use chancery_stories::{Clusterer, Config, Day, Document, StoryId};

use crate::IngestError;

/// Articles clustered between two saves while catching up or rebuilding.
const SAVE_EVERY: usize = 500;

/// Stories at ingest in either backend: tracked in a data directory; not
/// kept in PostgreSQL yet, where an ingest stores articles without them.
pub enum Stories {
    /// A data directory's stories.
    Tracked(Box<StoryTracker>),
    /// No stories (a PostgreSQL store).
    Off,
}

impl Stories {
    /// [`StoryTracker::open`] on a data directory; nothing on PostgreSQL.
    pub fn open(store: &mut AnyStore, reader: &AnyReader) -> Result<Stories, IngestError> {
        Ok(match (store.sqlite_mut(), reader.sqlite()) {
            (Some(store), Some(reader)) => {
                Stories::Tracked(Box::new(StoryTracker::open(store, reader)?))
            }
            _ => Stories::Off,
        })
    }

    /// [`StoryTracker::rebuilt_because`].
    pub fn rebuilt_because(&self) -> Option<&str> {
        match self {
            Stories::Tracked(tracker) => tracker.rebuilt_because(),
            Stories::Off => None,
        }
    }

    /// [`StoryTracker::add`]; no stories when off.
    pub fn add(
        &mut self,
        store: &mut AnyStore,
        arrival: &Arrival<'_>,
    ) -> Result<Vec<(i64, i64)>, StoreError> {
        match (self, store.sqlite_mut()) {
            (Stories::Tracked(tracker), Some(store)) => tracker.add(store, arrival),
            _ => Ok(Vec::new()),
        }
    }

    /// [`StoryTracker::save`]; nothing when off.
    pub fn save(&mut self, store: &mut AnyStore, stories: &[(i64, i64)]) -> Result<(), StoreError> {
        match (self, store.sqlite_mut()) {
            (Stories::Tracked(tracker), Some(store)) => tracker.save(store, stories),
            _ => Ok(()),
        }
    }

    /// [`StoryTracker::settle`]; nothing when off.
    pub fn settle(&mut self, store: &mut AnyStore) -> Result<usize, StoreError> {
        match (self, store.sqlite_mut()) {
            (Stories::Tracked(tracker), Some(store)) => tracker.settle(store),
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
    /// The saved clusterer, caught up with articles stored after it (a run
    /// killed between storing a batch and its stories), or a clusterer
    /// rebuilt from all stored articles when none can be used.
    pub fn open(store: &mut Store, reader: &Reader) -> Result<StoryTracker, IngestError> {
        let config = Config::default();
        let saved = reader
            .story_state()
            .map_err(IngestError::at("cannot read the saved stories"))?;
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
                    if let Err(error) = recall(&mut clusterer, reader, state.last_article) {
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
                store.clear_story_state()?;
                StoryTracker {
                    clusterer: Clusterer::new(config),
                    last_article: 0,
                    unsaved: HashMap::new(),
                    rebuilt_because,
                }
            }
        };
        tracker.catch_up(store, reader)?;
        Ok(tracker)
    }

    /// Why the saved clusterer could not be restored (other settings, a
    /// damaged state), when [`StoryTracker::open`] rebuilt the stories
    /// from the stored articles instead.
    pub fn rebuilt_because(&self) -> Option<&str> {
        self.rebuilt_because.as_deref()
    }

    /// Clusters the articles stored after the last one seen, saving as it
    /// goes; story ids already stored are rewritten only where they differ.
    fn catch_up(&mut self, store: &mut Store, reader: &Reader) -> Result<(), IngestError> {
        let mut pending: Vec<StoryInput> = Vec::new();
        let mut failure: Option<IngestError> = None;
        reader
            .for_each_story_input_after(self.last_article, |input| {
                if failure.is_some() {
                    return;
                }
                pending.push(input);
                if pending.len() >= SAVE_EVERY {
                    if let Err(e) = self.add_and_save(store, std::mem::take(&mut pending)) {
                        failure = Some(e);
                    }
                }
            })
            .map_err(IngestError::at(
                "cannot read the stored articles to continue their stories",
            ))?;
        if let Some(e) = failure {
            return Err(e);
        }
        self.add_and_save(store, pending)
    }

    /// The settle pass over the latest articles (at the end of an ingest
    /// run, or on demand), stored with the clusterer's changes: the store's
    /// stories are then the batch result over the window.
    pub fn settle(&mut self, store: &mut Store) -> Result<usize, StoreError> {
        let moves: Vec<(i64, i64)> = self
            .clusterer
            .settle()
            .into_iter()
            .filter_map(|m| Some((m.id.parse::<i64>().ok()?, i64::from(m.to.0))))
            .collect();
        self.save(store, &moves)?;
        Ok(moves.len())
    }

    fn add_and_save(
        &mut self,
        store: &mut Store,
        inputs: Vec<StoryInput>,
    ) -> Result<(), IngestError> {
        let mut changes = Vec::new();
        for input in &inputs {
            let keys = keys_of(input);
            let given = self.add(
                store,
                &Arrival {
                    article: input.article,
                    title: input.title.as_deref(),
                    text: &input.text,
                    published: input.published.as_deref(),
                    duplicate_of: input.duplicate_of,
                    keys: &keys,
                },
            )?;
            changes.extend(given.into_iter().filter(|&(article, story)| {
                // Only what differs from the store needs writing.
                inputs
                    .iter()
                    .find(|i| i.article == article)
                    .is_none_or(|i| i.story != Some(story))
            }));
        }
        self.save(store, &changes)
            .map_err(IngestError::at("cannot store the stories"))
    }

    /// Stores story ids with the clusterer's changes, in one transaction.
    pub fn save(&mut self, store: &mut Store, stories: &[(i64, i64)]) -> Result<(), StoreError> {
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
        store: &mut Store,
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
    reader: &Reader,
    last_article: i64,
) -> Result<(), IngestError> {
    let window = clusterer.config().settle_window;
    if window == 0 {
        return Ok(());
    }
    let inputs = reader
        .recent_story_inputs(last_article, window)
        .map_err(IngestError::at(
            "cannot read the latest articles to settle their stories",
        ))?;
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
