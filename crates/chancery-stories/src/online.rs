//! The online path: each arriving article joins the most similar live story or
//! opens a new one.

use crate::df::DocumentFrequency;
use crate::features::{self, Features};
use crate::sparse::{dot_scaled, SparseVec};
use crate::{Config, Day, Document};

/// A story's number, given in the order stories open (0, 1, 2…).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct StoryId(pub u32);

/// Where one article went.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Assignment {
    /// The story the article now belongs to.
    pub story: StoryId,
    /// Its similarity to the story it joined, or to the closest live story
    /// when it opened a new one (0 when there was none).
    pub similarity: f32,
    /// True when the article opened a new story.
    pub opened: bool,
}

/// What the clusterer knows of a live story.
#[derive(Debug, Clone, PartialEq)]
pub struct StoryInfo<'a> {
    /// The story.
    pub id: StoryId,
    /// How many articles joined it.
    pub size: u32,
    /// The id of the article that opened it.
    pub opened_by: &'a str,
    /// The earliest and latest publication day of its dated articles.
    pub days: Option<(Day, Day)>,
}

#[derive(Debug, Clone)]
struct Story {
    id: StoryId,
    /// Sum of the members' word vectors, each scaled to unit length before
    /// the inverse document frequency (which is applied when comparing, since
    /// it keeps changing).
    words: SparseVec,
    /// The same for names.
    names: SparseVec,
    size: u32,
    /// Sum of the similarities at which members after the first joined.
    joined_similarity: f32,
    days: Option<(Day, Day)>,
    /// The article count when a member last joined: the least recently fed
    /// story is retired first when too many are live.
    touched: u64,
    opened_by: String,
}

/// Online story clustering. Feed articles in arrival order with
/// [`Clusterer::add`]; the same articles in the same order always give the
/// same stories.
#[derive(Debug, Clone)]
pub struct Clusterer {
    config: Config,
    df: DocumentFrequency,
    /// Live stories in the order they opened.
    stories: Vec<Story>,
    next_story: u32,
    articles: u64,
    /// The latest publication day seen: stories quiet for longer than the
    /// window before it are retired.
    clock: Option<Day>,
}

impl Clusterer {
    /// A clusterer with no articles yet.
    pub fn new(config: Config) -> Clusterer {
        Clusterer {
            df: DocumentFrequency::new(config.df_bits, config.idf_power),
            config,
            stories: Vec::new(),
            next_story: 0,
            articles: 0,
            clock: None,
        }
    }

    /// The settings in use.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Assigns one article to a story.
    pub fn add(&mut self, document: &Document<'_>) -> Assignment {
        let features = features::extract(document, &self.config);
        self.df.observe(
            features
                .words
                .entries
                .iter()
                .chain(&features.names.entries)
                .map(|(t, _)| t),
        );
        self.articles += 1;
        if let Some(day) = document.published {
            if self.clock.is_none_or(|clock| day > clock) {
                self.clock = Some(day);
                self.retire_quiet();
            }
        }
        let (best, similarity) = self.closest(&features, document.published);
        let index = match best {
            Some(index) if self.accepts(&self.stories[index], similarity) => index,
            _ => self.open(document.id),
        };
        let opened = self.stories[index].size == 0;
        if !opened {
            self.stories[index].joined_similarity += similarity;
        }
        self.join(index, &features, document.published);
        Assignment {
            story: self.stories[index].id,
            similarity,
            opened,
        }
    }

    /// The live stories, in the order they opened.
    pub fn stories(&self) -> impl Iterator<Item = StoryInfo<'_>> {
        self.stories.iter().map(|s| StoryInfo {
            id: s.id,
            size: s.size,
            opened_by: &s.opened_by,
            days: s.days,
        })
    }

    /// The index of the most similar live story that the article's day fits,
    /// with the similarity; ties go to the older story.
    fn closest(&self, features: &Features, day: Option<Day>) -> (Option<usize>, f32) {
        let idf = |t| self.df.idf(t);
        let words_norm = features.words.norm_scaled(idf);
        let names_norm = features.names.norm_scaled(idf);
        let mut best = (None, 0.0f32);
        for (index, story) in self.stories.iter().enumerate() {
            if !self.fits_window(story, day) {
                continue;
            }
            let similarity = self.similarity(features, words_norm, names_norm, story);
            if best.0.is_none() || similarity > best.1 {
                best = (Some(index), similarity);
            }
        }
        best
    }

    /// Whether a story takes an article this similar: above the threshold,
    /// and not far below the similarity at which its members joined (a
    /// look-alike event resembles a story less than the story's own articles
    /// resemble each other).
    fn accepts(&self, story: &Story, similarity: f32) -> bool {
        if similarity < self.config.threshold {
            return false;
        }
        if story.size < 2 {
            return true;
        }
        let cohesion = story.joined_similarity / (story.size - 1) as f32;
        similarity >= self.config.cohesion_share * cohesion
    }

    fn similarity(
        &self,
        features: &Features,
        words_norm: f32,
        names_norm: f32,
        story: &Story,
    ) -> f32 {
        let idf = |t| self.df.idf(t);
        let idf2 = |t| {
            let w = self.df.idf(t);
            w * w
        };
        let cosine = |a: &SparseVec, a_norm: f32, b: &SparseVec| {
            let b_norm = b.norm_scaled(idf);
            if a_norm == 0.0 || b_norm == 0.0 {
                return None;
            }
            Some(dot_scaled(a, b, idf2) / (a_norm * b_norm))
        };
        let words = cosine(&features.words, words_norm, &story.words).unwrap_or(0.0);
        match cosine(&features.names, names_norm, &story.names) {
            Some(names) => {
                (1.0 - self.config.name_weight) * words + self.config.name_weight * names
            }
            // With no names on one side, the words alone decide.
            None => words,
        }
    }

    fn fits_window(&self, story: &Story, day: Option<Day>) -> bool {
        let (Some(window), Some(day), Some((first, last))) =
            (self.config.window_days, day, story.days)
        else {
            return true;
        };
        let window = window as i32;
        day.0 >= first.0.saturating_sub(window) && day.0 <= last.0.saturating_add(window)
    }

    fn open(&mut self, article: &str) -> usize {
        if self.stories.len() >= self.config.max_live_stories.max(1) {
            // Deterministic: the least recently fed story, the oldest on ties.
            if let Some(stale) = (0..self.stories.len()).min_by_key(|&i| self.stories[i].touched) {
                self.stories.remove(stale);
            }
        }
        self.stories.push(Story {
            id: StoryId(self.next_story),
            words: SparseVec::default(),
            names: SparseVec::default(),
            size: 0,
            joined_similarity: 0.0,
            days: None,
            touched: self.articles,
            opened_by: article.to_string(),
        });
        self.next_story += 1;
        self.stories.len() - 1
    }

    fn join(&mut self, index: usize, features: &Features, day: Option<Day>) {
        let cap = self.config.max_story_terms;
        let df = &self.df;
        let story = &mut self.stories[index];
        for (centroid, vector) in [
            (&mut story.words, &features.words),
            (&mut story.names, &features.names),
        ] {
            let norm = vector.norm_scaled(|_| 1.0);
            if norm > 0.0 {
                centroid.add_scaled(vector, 1.0 / norm);
            }
            // Some slack before pruning, so the sort runs once every few joins.
            if centroid.len() > cap + cap / 2 {
                centroid.truncate_to(cap, |t| df.idf(t));
            }
        }
        story.size += 1;
        story.touched = self.articles;
        if let Some(day) = day {
            story.days = Some(match story.days {
                Some((first, last)) => (first.min(day), last.max(day)),
                None => (day, day),
            });
        }
    }

    /// Drops stories whose latest article is older than the window before the
    /// clock: no article that fits their window can arrive any more, unless
    /// articles arrive out of order by more than the window.
    fn retire_quiet(&mut self) {
        let (Some(window), Some(clock)) = (self.config.window_days, self.clock) else {
            return;
        };
        let window = window as i32;
        self.stories.retain(|s| match s.days {
            Some((_, last)) => last.0.saturating_add(window) >= clock.0,
            None => true,
        });
    }
}
