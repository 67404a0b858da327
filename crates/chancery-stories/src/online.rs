//! The online path: each arriving article joins the most similar live story or
//! opens a new one; a young story that turns out to hold two look-alike events
//! splits in two.

use crate::batch::{average_linkage, number_by_first, similarity_matrix};
use crate::df::DocumentFrequency;
use crate::features::{self, Features};
use std::collections::HashMap;

use crate::sparse::{dot_scaled, SparseVec, Term};
use crate::{mix, Config, Day, Document};

/// How many of an article's heaviest terms index it and find its candidate
/// stories: a story that shares none of them with an article is not scored.
const KEY_TERMS: usize = 40;

/// The fewest articles a group needs to split off as a story of its own.
const MIN_SPLIT: usize = 3;

/// A story's number, given in the order stories open (0, 1, 2…).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct StoryId(pub u32);

/// An earlier article that a split moved to another story.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Move {
    /// The article's arrival number: 0 for the first article given to
    /// [`Clusterer::add`], 1 for the next…
    pub article: u64,
    /// Its story from now on.
    pub to: StoryId,
}

/// Where one article went.
#[derive(Debug, Clone, PartialEq)]
pub struct Assignment {
    /// The story the article belongs to (after any split it caused).
    pub story: StoryId,
    /// Its similarity to the story it joined, or to the closest live story
    /// when it opened a new one (0 when there was none).
    pub similarity: f32,
    /// True when the article opened a new story.
    pub opened: bool,
    /// Earlier articles that changed story because this one made a story
    /// split (usually none).
    pub moved: Vec<Move>,
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

/// An article's vectors ready for comparison with stories.
struct Weighted {
    /// Weights times the idf squared.
    words: SparseVec,
    names: SparseVec,
    /// Norms of the idf-weighted vectors.
    norms: (f32, f32),
}

/// An article of a young story, kept for the split check.
#[derive(Debug, Clone)]
struct Member {
    article: u64,
    id: String,
    day: Option<Day>,
    features: Features,
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
    /// The norms of `words` and `names` under the inverse document
    /// frequencies of when they were last computed, and the article count
    /// then. Recomputing them for every comparison would dominate the cost;
    /// the frequencies drift slowly, so they are refreshed when the article
    /// count has grown by a sixteenth since.
    norms: (f32, f32),
    normed_at: u64,
    size: u32,
    days: Option<(Day, Day)>,
    /// The article count when a member last joined: the least recently fed
    /// story is retired first when too many are live.
    touched: u64,
    opened_by: String,
    /// Every member while the story is young (at most `split_members`);
    /// emptied for good once it grows past that.
    members: Vec<Member>,
}

impl Story {
    fn new(id: StoryId, opened_by: &str, touched: u64) -> Story {
        Story {
            id,
            words: SparseVec::default(),
            names: SparseVec::default(),
            norms: (0.0, 0.0),
            normed_at: 0,
            size: 0,
            days: None,
            touched,
            opened_by: opened_by.to_string(),
            members: Vec::new(),
        }
    }

    /// Adds one article's vectors to the centroids and its day to the span.
    fn absorb(&mut self, features: &Features, day: Option<Day>) {
        for (centroid, vector) in [
            (&mut self.words, &features.words),
            (&mut self.names, &features.names),
        ] {
            let norm = vector.norm_scaled(|_| 1.0);
            if norm > 0.0 {
                centroid.add_scaled(vector, 1.0 / norm);
            }
        }
        self.size += 1;
        if let Some(day) = day {
            self.days = Some(match self.days {
                Some((first, last)) => (first.min(day), last.max(day)),
                None => (day, day),
            });
        }
    }

    /// Bounds the centroids and refreshes their norms after a change.
    fn settle(&mut self, cap: usize, df: &DocumentFrequency, articles: u64) {
        // Some slack before pruning, so the sort runs once every few joins.
        for centroid in [&mut self.words, &mut self.names] {
            if centroid.len() > cap + cap / 2 {
                centroid.truncate_to(cap, |t| df.idf(t));
            }
        }
        self.refresh(df, articles);
    }

    fn refresh(&mut self, df: &DocumentFrequency, articles: u64) {
        let idf = |t| df.idf(t);
        self.norms = (self.words.norm_scaled(idf), self.names.norm_scaled(idf));
        self.normed_at = articles;
    }

    fn stale(&self, articles: u64) -> bool {
        articles > self.normed_at + self.normed_at / 16
    }
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
    /// For each key term of a member, the stories it joined: only stories
    /// found here through an article's own key terms are scored. Entries of
    /// retired stories linger until the next compaction.
    postings: HashMap<Term, Vec<StoryId>>,
    /// Postings entries, and their count after the last compaction.
    posted: usize,
    posted_after_compaction: usize,
}

impl Clusterer {
    /// A clusterer with no articles yet.
    pub fn new(config: Config) -> Clusterer {
        Clusterer {
            df: DocumentFrequency::new(config.df_bits),
            config,
            stories: Vec::new(),
            next_story: 0,
            articles: 0,
            clock: None,
            postings: HashMap::new(),
            posted: 0,
            posted_after_compaction: 0,
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
        let article = self.articles;
        self.articles += 1;
        if let Some(day) = document.published {
            if self.clock.is_none_or(|clock| day > clock) {
                self.clock = Some(day);
                self.retire_quiet();
            }
        }
        let (df, articles) = (&self.df, self.articles);
        for story in self.stories.iter_mut().filter(|s| s.stale(articles)) {
            story.refresh(df, articles);
        }
        let (best, similarity) = self.closest(&features, document.published);
        self.compact();
        let index = match best {
            Some(index) if similarity >= self.config.threshold => index,
            _ => self.open(document.id),
        };
        let keys = self.key_terms(&features);
        self.post(&keys, self.stories[index].id);
        let story = &mut self.stories[index];
        let opened = story.size == 0;
        story.absorb(&features, document.published);
        story.touched = self.articles;
        story.settle(self.config.max_story_terms, &self.df, self.articles);
        let mut assignment = Assignment {
            story: story.id,
            similarity,
            opened,
            moved: Vec::new(),
        };
        if story.size as usize > self.config.split_members {
            // Settled: the members' vectors are no longer needed.
            story.members = Vec::new();
        } else if self.config.split_threshold.is_some() {
            story.members.push(Member {
                article,
                id: document.id.to_string(),
                day: document.published,
                features,
            });
            assignment.moved = self.split(index);
            if let Some(m) = assignment.moved.iter().find(|m| m.article == article) {
                assignment.story = m.to;
            }
        }
        assignment
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
        // The article's weights times the idf once more: a dot product with a
        // story's unweighted sums is then the idf-weighted dot product, with
        // no look-up per story.
        let idf = |t| self.df.idf(t);
        let twice = |v: &SparseVec| SparseVec {
            entries: v
                .entries
                .iter()
                .map(|&(t, w)| {
                    let idf = self.df.idf(t);
                    (t, w * idf * idf)
                })
                .collect(),
        };
        let article = Weighted {
            words: twice(&features.words),
            names: twice(&features.names),
            norms: (
                features.words.norm_scaled(idf),
                features.names.norm_scaled(idf),
            ),
        };
        let mut candidates: Vec<StoryId> = self
            .key_terms(features)
            .iter()
            .filter_map(|t| self.postings.get(t))
            .flatten()
            .copied()
            .collect();
        candidates.sort_unstable();
        candidates.dedup();
        let mut best = (None, 0.0f32);
        for (index, story) in self.stories.iter().enumerate() {
            if candidates.binary_search(&story.id).is_err() || !self.fits_window(story, day) {
                continue;
            }
            let similarity = self.similarity(&article, story);
            if best.0.is_none() || similarity > best.1 {
                best = (Some(index), similarity);
            }
        }
        best
    }

    fn similarity(&self, article: &Weighted, story: &Story) -> f32 {
        let cosine = |a: &SparseVec, a_norm: f32, b: &SparseVec, b_norm: f32| {
            if a_norm == 0.0 || b_norm == 0.0 {
                return None;
            }
            Some(dot_scaled(a, b, |_| 1.0) / (a_norm * b_norm))
        };
        let words = cosine(&article.words, article.norms.0, &story.words, story.norms.0);
        let names = cosine(&article.names, article.norms.1, &story.names, story.norms.1);
        mix(self.config.name_weight, words.unwrap_or(0.0), names)
    }

    /// The article's heaviest terms (raw weight times idf, both kinds
    /// together; ties to the smaller term).
    fn key_terms(&self, features: &Features) -> Vec<Term> {
        let mut ranked: Vec<(f32, Term)> = features
            .words
            .entries
            .iter()
            .chain(&features.names.entries)
            .map(|&(t, w)| (w * self.df.idf(t), t))
            .collect();
        ranked.sort_unstable_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        ranked.truncate(KEY_TERMS);
        ranked.into_iter().map(|(_, t)| t).collect()
    }

    fn post(&mut self, keys: &[Term], story: StoryId) {
        for &term in keys {
            let list = self.postings.entry(term).or_default();
            // Members of one story tend to come in runs; a repeat further back
            // only costs a duplicate, removed when candidates are gathered.
            if list.last() != Some(&story) {
                list.push(story);
                self.posted += 1;
            }
        }
    }

    /// Drops the postings of retired stories and repeated entries once the
    /// postings have doubled since the last compaction, so memory follows the
    /// live stories and their distinct key terms.
    fn compact(&mut self) {
        if self.posted < 2 * self.posted_after_compaction + 64 * KEY_TERMS {
            return;
        }
        let mut live: Vec<StoryId> = self.stories.iter().map(|s| s.id).collect();
        live.sort_unstable();
        self.posted = 0;
        self.postings.retain(|_, list| {
            // Order within a list does not matter: candidates are sorted.
            list.sort_unstable();
            list.dedup();
            list.retain(|id| live.binary_search(id).is_ok());
            self.posted += list.len();
            !list.is_empty()
        });
        self.posted_after_compaction = self.posted;
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
        self.stories
            .push(Story::new(StoryId(self.next_story), article, self.articles));
        self.next_story += 1;
        self.stories.len() - 1
    }

    /// Re-clusters a young story's members by average linkage; each group of
    /// two or more that stays apart from the opening article's group becomes
    /// a new story (a lone article stays: one article is too little evidence
    /// of a second event). Returns the articles that moved.
    fn split(&mut self, index: usize) -> Vec<Move> {
        let Some(threshold) = self.config.split_threshold else {
            return Vec::new();
        };
        let members = &self.stories[index].members;
        let n = members.len();
        // Checked as the story reaches 4, 6, 8, 12, 16, 24, 32… members: the
        // check is quadratic in the members, and a group big enough to split
        // off is still there a few articles later.
        let checkpoint = n >= 4 && {
            let high = usize::BITS - 1 - n.leading_zeros();
            n == 1 << high || n == 3 << (high - 1)
        };
        if !checkpoint {
            return Vec::new();
        }
        let features: Vec<&Features> = members.iter().map(|m| &m.features).collect();
        let mut sim = similarity_matrix(&features, &self.df, self.config.name_weight);
        let groups = number_by_first(&average_linkage(&mut sim, n, threshold));
        let mut sizes = vec![0usize; groups.iter().max().map_or(0, |&g| g + 1)];
        for &g in &groups {
            sizes[g] += 1;
        }
        // Group 0 holds the opening article; lone articles stay with it.
        if !sizes.iter().skip(1).any(|&s| s >= MIN_SPLIT) {
            return Vec::new();
        }
        let members = std::mem::take(&mut self.stories[index].members);
        let old = &self.stories[index];
        let mut home = Story::new(old.id, &old.opened_by, old.touched);
        let mut parts: Vec<Option<Story>> = vec![None; sizes.len()];
        let mut moved = Vec::new();
        let mut repost = Vec::new();
        for (member, &group) in members.into_iter().zip(&groups) {
            let story = if group == 0 || sizes[group] < MIN_SPLIT {
                &mut home
            } else {
                let part = parts[group].get_or_insert_with(|| {
                    let story = Story::new(StoryId(self.next_story), &member.id, old.touched);
                    self.next_story += 1;
                    story
                });
                moved.push(Move {
                    article: member.article,
                    to: part.id,
                });
                repost.push((part.id, member.features.clone()));
                part
            };
            story.absorb(&member.features, member.day);
            story.members.push(member);
        }
        let cap = self.config.max_story_terms;
        home.settle(cap, &self.df, self.articles);
        self.stories[index] = home;
        for mut part in parts.into_iter().flatten() {
            part.settle(cap, &self.df, self.articles);
            self.stories.push(part);
        }
        for (story, features) in repost {
            let keys = self.key_terms(&features);
            self.post(&keys, story);
        }
        moved
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A stream of unrelated dated articles: every story retires, and the
    /// postings stay bounded instead of growing with the stream.
    #[test]
    fn postings_follow_the_live_stories() {
        let mut clusterer = Clusterer::new(Config::default());
        let mut most = 0;
        for i in 0..3_000u32 {
            let text = format!("Alpha{i} met Beta{i} in Gamma{i} about delta{i} and epsilon{i}.");
            let day = Day(i as i32 * 100);
            clusterer.add(&Document {
                id: "x",
                title: "",
                text: &text,
                published: Some(day),
                entities: &[],
            });
            assert!(clusterer.stories.len() <= 1);
            most = most.max(clusterer.posted);
        }
        assert!(most <= 3 * 64 * KEY_TERMS, "{most} postings");
    }
}
