//! Which articles tell the same story.
//!
//! An online clusterer: articles arrive one at a time and each joins the most
//! similar live story, or opens a new one when no story is similar enough.
//! Similarity mixes two cosines over TF-IDF vectors whose document
//! frequencies are kept up to date as articles arrive: one over content words
//! and word pairs of the title and text, one over names (capitalized words
//! inside sentences, years, and the entity keys the caller passes, such as
//! linked entity names or actor codes from `chancery_nlp`). When articles carry
//! a publication day, a story only takes articles within a window of its own
//! days, and stories quiet for longer than the window are retired.
//!
//! Two events that look alike (two earthquakes, two arrests of players of one
//! team) can share one story when the first article of the second event
//! arrives: a young story is therefore re-clustered inside as it grows, and a
//! group of its articles that stands apart splits off as a story of its own.
//! The [`Assignment`] of the article that caused it lists the earlier
//! articles that moved.
//!
//! The crate is pure: no I/O, and the same articles in the same order give the
//! same stories on any machine. Memory is bounded: document frequencies live in
//! a fixed table of counters, each story keeps at most a fixed number of terms
//! (and its members' vectors only while young), and the number of live stories
//! is capped. So is the work per article: however many stories are live, at
//! most [`Config::max_candidates`] of them are compared in full.
//!
//! ```
//! use chancery_stories::{Clusterer, Config, Day, Document};
//!
//! let mut stories = Clusterer::new(Config::default());
//! let entities = ["Chile".to_string()];
//! let a = stories.add(&Document {
//!     id: "a",
//!     title: "Magnitude 8.8 earthquake strikes Chile",
//!     text: "A magnitude 8.8 earthquake struck off the coast of Chile on Saturday.",
//!     published: Day::from_ymd(2010, 2, 27),
//!     entities: &entities,
//! });
//! let b = stories.add(&Document {
//!     id: "b",
//!     title: "Chile earthquake: magnitude 8.8 quake strikes",
//!     text: "The magnitude 8.8 earthquake that struck Chile on Saturday killed hundreds.",
//!     published: Day::from_ymd(2010, 2, 28),
//!     entities: &entities,
//! });
//! assert!(a.opened);
//! assert_eq!(a.story, b.story);
//! ```
//!
//! [`cluster_batch`] clusters a whole set at once (average linkage), for
//! re-clustering a finished set. The online clusterer does the same with its
//! latest arrivals from time to time ([`Clusterer::settle`], bounded by
//! [`Config::settle_window`]): online placement is what a reader sees as
//! articles arrive, the settled stories what the window shows in the end.

mod batch;
mod builtin;
mod day;
mod df;
mod features;
mod model;
mod online;
mod settle;
mod sparse;
mod state;

pub use batch::{average_linkage, cluster_batch};
pub use day::Day;
pub use model::{fit, Model, PairFeatures, FEATURES, FEATURE_NAMES};
pub use online::{training_pairs, Assignment, Clusterer, Move, StoryId, StoryInfo};
pub use state::{StateChanges, StateError};

/// One article as the clusterer sees it.
#[derive(Debug, Clone, Copy)]
pub struct Document<'a> {
    /// The caller's identifier (kept for the story it opens).
    pub id: &'a str,
    /// The headline (may be empty).
    pub title: &'a str,
    /// The body text.
    pub text: &'a str,
    /// The publication day, when known.
    pub published: Option<Day>,
    /// Entity keys: linked names, actor codes or any strings that identify who
    /// and what the article is about. Compared case-insensitively.
    pub entities: &'a [String],
}

/// Settings of the clusterer. The defaults are the ones measured in
/// BENCHMARKS.md: the model and its threshold learned from ECB+ dev, the rest
/// bounds on memory and time.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// How similar an article and a story are: the probability, from the
    /// cosines of each kind of term, that they tell the same story.
    pub model: Model,
    /// An article joins the most probable story when the probability is at
    /// least this; otherwise it opens a new story. Young stories split, and
    /// [`cluster_batch`] merges, at the same probability.
    pub threshold: f32,
    /// How many times a title word counts against a body word.
    pub title_weight: f32,
    /// Whether adjacent content words also count as a pair.
    pub bigrams: bool,
    /// A story takes only articles published within this many days of its
    /// own; `None` for no window.
    pub window_days: Option<u32>,
    /// Terms kept per story and feature kind (the most weighty).
    pub max_story_terms: usize,
    /// Live stories at most; past it the least recently fed one is retired.
    pub max_live_stories: usize,
    /// An article is compared with at most this many of the live stories
    /// that share a key term with it and whose window its day fits: those
    /// sharing the most key weight. It keeps the cost of an article the same
    /// however many stories are live.
    pub max_candidates: usize,
    /// Each key term lists at most this many stories for finding an
    /// article's candidates: those most recently posted under it (ties to
    /// the newer story). A term every story shares would otherwise list
    /// every live story, and gathering the candidates would grow with them.
    pub postings_per_term: usize,
    /// The document-frequency table has `2^df_bits` counters.
    pub df_bits: u32,
    /// A young story (up to `split_members` articles) is re-clustered inside
    /// by average linkage at `threshold` as it grows; a group of three or
    /// more of its articles that falls apart from the opening article's group
    /// becomes a story of its own (earlier articles move: see
    /// [`Assignment::moved`]). False turns the check off.
    pub split: bool,
    /// A young story that an article joins is compared with the other
    /// closest young stories, and merged with one when their articles'
    /// average probability reaches `threshold` (average linkage, online):
    /// this rejoins a story whose first articles opened two. A settle
    /// pass the caller asks for checks young stories again under the
    /// frequencies of its time.
    pub merge: bool,
    /// Stories keep their articles' vectors up to this size, for the split
    /// check; a larger story is settled and keeps only its centroid.
    pub split_members: usize,
    /// The settle pass ([`Clusterer::settle`]) re-clusters this many of the
    /// latest arrivals at once, every half of it and when asked; 0 turns it
    /// off. It bounds the pass's cost (quadratic in the window).
    pub settle_window: usize,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            model: Model::builtin(),
            threshold: builtin::THRESHOLD,
            title_weight: 1.0,
            bigrams: true,
            window_days: Some(30),
            max_story_terms: 400,
            max_live_stories: 5_000,
            max_candidates: 16,
            postings_per_term: 32,
            df_bits: 20,
            split: builtin::SPLIT,
            merge: builtin::MERGE,
            split_members: 32,
            settle_window: builtin::SETTLE_WINDOW,
        }
    }
}
