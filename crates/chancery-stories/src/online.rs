//! The online path: each arriving article joins the most similar live story or
//! opens a new one; a young story that turns out to hold two look-alike events
//! splits in two.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap, VecDeque};

use crate::batch::{average_linkage, similarity_matrix, unit_cosines, unit_vectors};
use crate::df::DocumentFrequency;
use crate::features::{self, Features, Kind, KINDS};
use crate::model::{pair_features, PairFeatures};
use crate::sparse::{dot_lopsided, merge_by_term, SparseVec, Term, TermMap, TermTable};
use crate::{Config, Day, Document};

/// How many of an article's heaviest terms index it and find its candidate
/// stories: a story that shares none of them with an article is not scored.
const KEY_TERMS: usize = 40;

/// How many of an article's heaviest terms per kind preview a candidate
/// story when there are more candidates than [`Config::max_candidates`].
const PREVIEW_TERMS: usize = 12;

/// A centroid this many times an article's terms or more is compared by a
/// merge, not through the article's term table (`cosines`).
const LOPSIDED: usize = 4;

/// How many of the other closest stories a merge check looks at.
pub(crate) const MERGE_CANDIDATES: usize = 3;

/// The fewest articles a group needs to split off as a story of its own.
const MIN_SPLIT: usize = 3;

/// A story's number, given in the order stories open (0, 1, 2…).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct StoryId(pub u32);

/// An earlier article that a split moved to another story.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Move {
    /// The article's arrival number: 0 for the first article given to
    /// [`Clusterer::add`], 1 for the next…
    pub article: u64,
    /// The id the article was given with ([`Document::id`]).
    pub id: String,
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
    /// Weights times the idf squared, per kind.
    vecs: [SparseVec; KINDS],
    /// The same in tables: each is dotted with every candidate story's
    /// centroid of a similar size (`cosines`).
    tables: [TermTable; KINDS],
    /// Norms of the idf-weighted vectors.
    norms: [f32; KINDS],
}

/// An article of a young story, kept for the split check.
#[derive(Debug, Clone)]
pub(crate) struct Member {
    pub(crate) article: u64,
    pub(crate) id: String,
    pub(crate) day: Option<Day>,
    pub(crate) features: Features,
}

/// A recent arrival, kept for the settle pass (`settle.rs`).
#[derive(Debug, Clone)]
pub(crate) struct Recent {
    /// The article, as a young story keeps it.
    pub(crate) member: Member,
    /// Its story now (kept up to date through splits, merges and settles).
    pub(crate) story: StoryId,
}

#[derive(Debug, Clone)]
pub(crate) struct Story {
    pub(crate) id: StoryId,
    /// Per kind, the sum of the members' vectors, each scaled to unit length
    /// before the inverse document frequency (which is applied when
    /// comparing, since it keeps changing).
    pub(crate) vecs: [SparseVec; KINDS],
    /// The norms of `vecs` under the inverse document
    /// frequencies of when they were last computed, and the article count
    /// then. Recomputing them for every comparison would dominate the cost;
    /// the frequencies drift slowly, so they are refreshed when the article
    /// count has grown by a sixteenth since.
    pub(crate) norms: [f32; KINDS],
    pub(crate) normed_at: u64,
    pub(crate) size: u32,
    pub(crate) days: Option<(Day, Day)>,
    /// The article count when a member last joined: the least recently fed
    /// story is retired first when too many are live.
    pub(crate) touched: u64,
    pub(crate) opened_by: String,
    /// Every member while the story is young (at most `split_members`);
    /// emptied for good once it grows past that.
    pub(crate) members: Vec<Member>,
    /// The key terms its articles were posted under (sorted by term), each
    /// with the arrival count when it last was: the candidate postings and
    /// their order by recency are rebuilt from these when a saved state is
    /// restored.
    pub(crate) posted: Vec<(Term, u64)>,
}

impl Story {
    pub(crate) fn new(id: StoryId, opened_by: &str, touched: u64) -> Story {
        Story {
            id,
            vecs: Default::default(),
            norms: [0.0; KINDS],
            normed_at: 0,
            size: 0,
            days: None,
            touched,
            opened_by: opened_by.to_string(),
            members: Vec::new(),
            posted: Vec::new(),
        }
    }

    /// Adds one article's vectors to the centroids and its day to the span.
    pub(crate) fn absorb(&mut self, features: &Features, day: Option<Day>) {
        self.add_vectors(features, 1.0);
        self.size += 1;
        if let Some(day) = day {
            self.days = Some(match self.days {
                Some((first, last)) => (first.min(day), last.max(day)),
                None => (day, day),
            });
        }
    }

    /// Adds `sign` times one article's unit vectors to the centroids (-1
    /// takes back what [`Story::absorb`] added).
    pub(crate) fn add_vectors(&mut self, features: &Features, sign: f32) {
        for (centroid, vector) in self.vecs.iter_mut().zip(&features.vecs) {
            let norm = vector.norm_scaled(|_| 1.0);
            if norm > 0.0 {
                centroid.add_scaled(vector, sign / norm);
            }
        }
    }

    /// Bounds the centroids and refreshes their norms after a change.
    pub(crate) fn settle(&mut self, cap: usize, df: &DocumentFrequency, articles: u64) {
        // Some slack before pruning, so the sort runs once every few joins.
        for centroid in &mut self.vecs {
            if centroid.len() > cap + cap / 2 {
                centroid.truncate_to(cap, |t| df.idf(t));
            }
        }
        self.refresh(df, articles);
    }

    fn refresh(&mut self, df: &DocumentFrequency, articles: u64) {
        let idf = |t| df.idf(t);
        self.norms = std::array::from_fn(|k| self.vecs[k].norm_scaled(idf));
        self.normed_at = articles;
    }

    fn stale(&self, articles: u64) -> bool {
        articles >= self.norms_due()
    }

    /// The first article count at which the norms are stale.
    fn norms_due(&self) -> u64 {
        self.normed_at + self.normed_at / 16 + 1
    }
}

/// Online story clustering. Feed articles in arrival order with
/// [`Clusterer::add`]; the same articles in the same order always give the
/// same stories.
#[derive(Debug, Clone)]
pub struct Clusterer {
    pub(crate) config: Config,
    pub(crate) df: DocumentFrequency,
    /// Live stories in the order they opened.
    pub(crate) stories: Vec<Story>,
    pub(crate) next_story: u32,
    pub(crate) articles: u64,
    /// The latest publication day seen: stories quiet for longer than the
    /// window before it are retired.
    pub(crate) clock: Option<Day>,
    /// For each key term of a member, every story it joined, as `(arrival
    /// count when put here, story)` in the order put (entries of retired
    /// stories and repeats linger until the next compaction). A story's
    /// latest entry is never older than its `posted` time for the term, so
    /// refilling `latest` when a listed story goes reads from the end only
    /// as far as the time found. The settle pass's merge re-check counts
    /// shared terms in these lists.
    pub(crate) postings: TermMap<Vec<(u64, StoryId)>>,
    /// For each key term, at most `config.postings_per_term` live stories:
    /// those posted under it most recently, as `(arrival count, story)`,
    /// ascending. Only stories found here through an article's own key
    /// terms are scored. Always the same function of the live stories'
    /// `posted` (the greatest pairs per term), so a restored clusterer
    /// rebuilds the lists the saved one had: a story that goes is replaced
    /// at once by the next one from `postings`.
    pub(crate) latest: TermMap<Vec<(u64, StoryId)>>,
    /// When each live story's norms are next due for a refresh, earliest
    /// first (`(article count, story)`; an entry may be early, or of a
    /// story gone since): an arrival looks at the stories due, not at every
    /// live story. Not saved; rebuilt on restore.
    pub(crate) norms_due: BinaryHeap<Reverse<(u64, StoryId)>>,
    /// Postings entries, and their count after the last compaction.
    pub(crate) posted: usize,
    posted_after_compaction: usize,
    /// Stories changed, and retired, since the last `take_changes`, and
    /// whether the frequencies changed (`state.rs`).
    pub(crate) dirty: Vec<StoryId>,
    pub(crate) retired: Vec<StoryId>,
    /// Stories whose norms alone were refreshed since the last
    /// `take_changes`: saved as a small patch, not a whole record.
    pub(crate) refreshed: Vec<StoryId>,
    pub(crate) df_changed: bool,
    /// What was last handed over of the frequency table (`state.rs`);
    /// `None` until a whole table was.
    pub(crate) df_saved: Option<crate::state::SavedTable>,
    /// The latest `config.settle_window` arrivals, oldest first: what a
    /// settle pass re-clusters. Not part of the saved state; a caller that
    /// restores one gives them back with [`Clusterer::recall`].
    pub(crate) recent: VecDeque<Recent>,
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
            postings: TermMap::default(),
            latest: TermMap::default(),
            norms_due: BinaryHeap::new(),
            posted: 0,
            posted_after_compaction: 0,
            dirty: Vec::new(),
            refreshed: Vec::new(),
            retired: Vec::new(),
            df_changed: false,
            df_saved: None,
            recent: VecDeque::new(),
        }
    }

    /// The settings in use.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Assigns one article to a story.
    pub fn add(&mut self, document: &Document<'_>) -> Assignment {
        let (features, article) = self.arrive(document);
        let scored = self.score(&features, document.published);
        let mut best: (Option<usize>, f32) = (None, 0.0);
        for &(index, ref x) in &scored {
            let p = self.config.model.probability(x);
            if best.0.is_none() || p > best.1 {
                best = (Some(index), p);
            }
        }
        let (best, similarity) = best;
        // The other close stories, most probable first: a merge looks at them.
        let mut near: Vec<(f32, StoryId)> = scored
            .iter()
            .map(|(index, x)| (self.config.model.probability(x), self.stories[*index].id))
            .collect();
        near.sort_unstable_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        near.truncate(MERGE_CANDIDATES + 1);
        self.compact();
        let index = match best {
            Some(index) if similarity >= self.config.threshold => index,
            _ => self.open(document.id),
        };
        let opened = self.join(index, &features, document.published);
        if self.config.settle_window > 0 {
            self.remember(Recent {
                member: Member {
                    article,
                    id: document.id.to_string(),
                    day: document.published,
                    features: features.clone(),
                },
                story: self.stories[index].id,
            });
        }
        let story = &mut self.stories[index];
        let mut assignment = Assignment {
            story: story.id,
            similarity,
            opened,
            moved: Vec::new(),
        };
        if story.size as usize > self.config.split_members {
            // Settled: the members' vectors are no longer needed.
            story.members = Vec::new();
        } else if self.config.split || self.config.merge {
            story.members.push(Member {
                article,
                id: document.id.to_string(),
                day: document.published,
                features,
            });
            if self.config.split {
                assignment.moved = self.split(index);
            }
            if let Some(m) = assignment.moved.iter().find(|m| m.article == article) {
                assignment.story = m.to;
            }
            if self.config.merge {
                let home = assignment.story;
                // The home story's member vectors, computed once for the
                // merge checks against the near stories (until one merges).
                let mut units = None;
                for (_, other) in near.into_iter().filter(|&(_, id)| id != home) {
                    let moved = self.merge_with(assignment.story, &mut units, other);
                    if let Some(m) = moved.iter().find(|m| m.article == article) {
                        assignment.story = m.to;
                    }
                    assignment.moved.extend(moved);
                }
            }
        }
        self.follow(&assignment.moved);
        if self.config.settle_window > 0 && self.articles.is_multiple_of(self.settle_every()) {
            let moved = self.settle_window();
            if let Some(m) = moved.iter().find(|m| m.article == article) {
                assignment.story = m.to;
            }
            assignment.moved.extend(moved);
        }
        assignment
    }

    /// Whether a live story is young: it still keeps all its articles.
    pub(crate) fn is_young(&self, id: StoryId) -> bool {
        self.stories
            .binary_search_by_key(&id, |s| s.id)
            .is_ok_and(|i| {
                let s = &self.stories[i];
                !s.members.is_empty() && s.members.len() == s.size as usize
            })
    }

    /// The unit vectors of a young story's articles under the current
    /// document frequencies; `None` when it is settled or gone.
    pub(crate) fn member_units(&self, id: StoryId) -> Option<Vec<[SparseVec; KINDS]>> {
        if !self.is_young(id) {
            return None;
        }
        let story = &self.stories[self.stories.binary_search_by_key(&id, |s| s.id).ok()?];
        Some(
            story
                .members
                .iter()
                .map(|m| unit_vectors(&m.features, &self.df))
                .collect(),
        )
    }

    /// Average linkage of two groups of articles given by their unit
    /// vectors: the mean probability over the pairs across them.
    pub(crate) fn linkage_of(
        &self,
        left: &[[SparseVec; KINDS]],
        right: &[[SparseVec; KINDS]],
    ) -> f32 {
        let mut total = 0.0f32;
        for l in left {
            for r in right {
                total += self
                    .config
                    .model
                    .probability(&pair_features(unit_cosines(l, r), 1));
            }
        }
        total / ((left.len() * right.len()) as f32)
    }

    /// Merges two young stories when their articles' average probability of
    /// belonging together reaches the threshold, as average linkage would
    /// merge them: the younger story's articles move to the older one.
    /// Returns the articles that moved (none when the stories stay apart, or
    /// one of them is settled or gone).
    pub(crate) fn merge(&mut self, a: StoryId, b: StoryId) -> Vec<Move> {
        self.merge_with(a, &mut None, b)
    }

    /// [`Clusterer::merge`] with `a`'s member vectors ([`member_units`]) kept
    /// in `units` between calls: reused while they are `a`'s, computed
    /// otherwise, forgotten when a merge changes the stories.
    ///
    /// [`member_units`]: Clusterer::member_units
    pub(crate) fn merge_with(
        &mut self,
        a: StoryId,
        units: &mut Option<(StoryId, Option<Vec<[SparseVec; KINDS]>>)>,
        b: StoryId,
    ) -> Vec<Move> {
        if a == b {
            return Vec::new();
        }
        if units.as_ref().is_none_or(|(of, _)| *of != a) {
            *units = Some((a, self.member_units(a)));
        }
        let Some((_, Some(left))) = units.as_ref() else {
            return Vec::new();
        };
        let Some(right) = self.member_units(b) else {
            return Vec::new();
        };
        match self.linkage_of(left, &right) {
            average if average >= self.config.threshold => {}
            _ => return Vec::new(),
        }
        *units = None;
        let find = |id: StoryId| self.stories.binary_search_by_key(&id, |s| s.id).ok();
        let (Some(i), Some(j)) = (find(a.min(b)), find(a.max(b))) else {
            return Vec::new();
        };
        let gone = self.stories.remove(j);
        self.retired.push(gone.id);
        self.unlist(&gone);
        let keep_id = self.stories[i].id;
        let mut moved = Vec::new();
        // The kept story is posted under the gone one's terms, each as
        // recently as either story was.
        self.stories[i].posted = merge_posted(&self.stories[i].posted, &gone.posted);
        for &(term, _) in &gone.posted {
            self.postings
                .entry(term)
                .or_default()
                .push((self.articles, keep_id));
            self.posted += 1;
            if let Some(at) = posted_at(&self.stories[i].posted, term) {
                list_latest(
                    &mut self.latest,
                    self.config.postings_per_term,
                    term,
                    at,
                    keep_id,
                );
            }
        }
        let keep = &mut self.stories[i];
        keep.touched = keep.touched.max(gone.touched);
        for member in gone.members {
            keep.absorb(&member.features, member.day);
            moved.push(Move {
                article: member.article,
                id: member.id.clone(),
                to: keep_id,
            });
            keep.members.push(member);
        }
        keep.settle(self.config.max_story_terms, &self.df, self.articles);
        if keep.size as usize > self.config.split_members {
            keep.members = Vec::new();
        }
        self.dirty.push(keep_id);
        moved
    }

    /// Counts an arriving article: its features, its terms in the document
    /// frequencies, the clock, the stories' norms. Returns the features and
    /// the article's arrival number.
    fn arrive(&mut self, document: &Document<'_>) -> (Features, u64) {
        let features = features::extract(document, &self.config);
        self.df.observe(features.terms().map(|(t, _)| t));
        self.df_changed = true;
        let article = self.articles;
        self.articles += 1;
        if let Some(day) = document.published {
            if self.clock.is_none_or(|clock| day > clock) {
                self.clock = Some(day);
                self.retire_quiet();
            }
        }
        // Every live story has one entry, due no later than its norms: popped
        // when due, refreshed if stale (a join may have refreshed it since),
        // and put back as due next.
        let articles = self.articles;
        while let Some(&Reverse((due, id))) = self.norms_due.peek() {
            if due > articles {
                break;
            }
            self.norms_due.pop();
            let Ok(i) = self.stories.binary_search_by_key(&id, |s| s.id) else {
                continue;
            };
            let story = &mut self.stories[i];
            if story.stale(articles) {
                story.refresh(&self.df, articles);
                self.refreshed.push(id);
            }
            self.norms_due.push(Reverse((story.norms_due(), id)));
        }
        (features, article)
    }

    /// Adds an article to the story at `index`; true when it opened it.
    pub(crate) fn join(&mut self, index: usize, features: &Features, day: Option<Day>) -> bool {
        let keys = self.key_terms(features);
        self.post(&keys, index);
        let story = &mut self.stories[index];
        self.dirty.push(story.id);
        let opened = story.size == 0;
        story.absorb(features, day);
        story.touched = self.articles;
        story.settle(self.config.max_story_terms, &self.df, self.articles);
        opened
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

    /// The pair features of the article against the candidate stories (those
    /// that share a key term with it and whose window its day fits; past
    /// `max_candidates` of them, the most probable by a preview), in the
    /// stories' order.
    fn score(&self, features: &Features, day: Option<Day>) -> Vec<(usize, PairFeatures)> {
        // The article's weights times the idf once more: a dot product with a
        // story's unweighted sums is then the idf-weighted dot product, with
        // no look-up per story.
        let idf = |t| self.df.idf(t);
        let vecs: [SparseVec; KINDS] = std::array::from_fn(|k| SparseVec {
            entries: features.vecs[k]
                .entries
                .iter()
                .map(|&(t, w)| {
                    let idf = self.df.idf(t);
                    (t, w * idf * idf)
                })
                .collect(),
        });
        let article = Weighted {
            tables: std::array::from_fn(|k| TermTable::new(&vecs[k])),
            vecs,
            norms: std::array::from_fn(|k| features.vecs[k].norm_scaled(idf)),
        };
        let mut candidates: Vec<StoryId> = self
            .key_terms(features)
            .iter()
            .filter_map(|t| self.latest.get(t))
            .flatten()
            .map(|&(_, id)| id)
            .collect();
        candidates.sort_unstable();
        candidates.dedup();
        // Live stories are in id order, as the candidates are: each found by
        // its id, in the stories' order, at a cost that follows the
        // candidates (at most `postings_per_term` per key term), not the
        // live stories.
        let mut candidates: Vec<usize> = candidates
            .iter()
            .filter_map(|id| self.stories.binary_search_by_key(id, |s| s.id).ok())
            .filter(|&index| self.fits_window(&self.stories[index], day))
            .collect();
        let max = self.config.max_candidates.max(1);
        if candidates.len() > max {
            // Too many to score in full: each is first previewed by the
            // article's heaviest terms alone, and only the most probable
            // by that preview are scored, so the cosines per article stay
            // the same however many stories are live.
            let preview = Preview::new(&article);
            let mut previewed: Vec<(f32, usize)> = candidates
                .iter()
                .map(|&index| {
                    let story = &self.stories[index];
                    let x = pair_features(preview.cosines(&article, story), story.size);
                    (self.config.model.probability(&x), index)
                })
                .collect();
            // The most probable first, the older story on ties.
            previewed
                .select_nth_unstable_by(max - 1, |a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
            candidates = previewed[..max].iter().map(|&(_, index)| index).collect();
            // Scored in the stories' order (the first of equally probable
            // stories wins).
            candidates.sort_unstable();
        }
        candidates
            .into_iter()
            .map(|index| {
                let story = &self.stories[index];
                (index, pair_features(cosines(&article, story), story.size))
            })
            .collect()
    }

    /// The article's heaviest terms (raw weight times idf) among its words,
    /// names and entity keys (titles and numbers repeat or add little); ties
    /// to the smaller term.
    pub(crate) fn key_terms(&self, features: &Features) -> Vec<Term> {
        let mut ranked: Vec<(f32, Term)> = [Kind::Words, Kind::Names, Kind::Keys]
            .iter()
            .flat_map(|&k| &features.vecs[k as usize].entries)
            .map(|&(t, w)| (w * self.df.idf(t), t))
            .collect();
        ranked.sort_unstable_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        ranked.truncate(KEY_TERMS);
        ranked.into_iter().map(|(_, t)| t).collect()
    }

    /// Posts the story at `index` under key terms, as of now.
    pub(crate) fn post(&mut self, keys: &[Term], index: usize) {
        let story = self.stories[index].id;
        let at = self.articles;
        let mut fresh: Vec<(Term, u64)> = keys.iter().map(|&t| (t, at)).collect();
        fresh.sort_unstable();
        fresh.dedup();
        self.stories[index].posted = merge_posted(&self.stories[index].posted, &fresh);
        for &(term, _) in &fresh {
            let list = self.postings.entry(term).or_default();
            // Members of one story tend to come in runs; a repeat further back
            // only costs a duplicate, removed at the next compaction.
            match list.last_mut() {
                Some(last) if last.1 == story => last.0 = at,
                _ => {
                    list.push((at, story));
                    self.posted += 1;
                }
            }
            list_latest(
                &mut self.latest,
                self.config.postings_per_term,
                term,
                at,
                story,
            );
        }
    }

    /// Takes a story that is no longer live (already out of
    /// `self.stories`) off the recency lists; each list it leaves takes the
    /// live story next in line for the term, so the lists stay what
    /// `rebuild_postings` makes of the live stories.
    pub(crate) fn unlist(&mut self, gone: &Story) {
        for &(term, _) in &gone.posted {
            let Some(list) = self.latest.get_mut(&term) else {
                continue;
            };
            let Some(i) = list.iter().position(|&(_, id)| id == gone.id) else {
                continue;
            };
            list.remove(i);
            // The list was full, or every live story posted under the term
            // is in it already and nothing is found below. Entries are in
            // the order put, each no older than its story's time for the
            // term: once one was put before the best time found, no earlier
            // one can beat it.
            let mut next: Option<(u64, StoryId)> = None;
            for &(put, id) in self.postings.get(&term).into_iter().flatten().rev() {
                if next.is_some_and(|(at, _)| put < at) {
                    break;
                }
                if list.iter().any(|&(_, listed)| listed == id) {
                    continue;
                }
                let Ok(s) = self.stories.binary_search_by_key(&id, |s| s.id) else {
                    continue;
                };
                if let Some(at) = posted_at(&self.stories[s].posted, term) {
                    next = next.max(Some((at, id)));
                }
            }
            match next {
                // Below every listed pair: it was not among the greatest.
                Some(entry) => list.insert(list.partition_point(|&e| e < entry), entry),
                None if list.is_empty() => {
                    self.latest.remove(&term);
                }
                None => {}
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
        let mut kept: std::collections::HashSet<StoryId> = Default::default();
        self.postings.retain(|_, list| {
            // Each live story's latest entry stays, in the order put.
            kept.clear();
            let mut latest: Vec<(u64, StoryId)> = list
                .iter()
                .rev()
                .filter(|&&(_, id)| live.binary_search(&id).is_ok() && kept.insert(id))
                .copied()
                .collect();
            latest.reverse();
            *list = latest;
            self.posted += list.len();
            !list.is_empty()
        });
        self.posted_after_compaction = self.posted;
    }

    pub(crate) fn fits_window(&self, story: &Story, day: Option<Day>) -> bool {
        let (Some(window), Some(day), Some((first, last))) =
            (self.config.window_days, day, story.days)
        else {
            return true;
        };
        let window = window as i32;
        day.0 >= first.0.saturating_sub(window) && day.0 <= last.0.saturating_add(window)
    }

    /// The candidate postings from the live stories' key terms (after a
    /// restore): every story per term in story order, and the most recent
    /// ones per term as `post` and `unlist` keep them; and when each
    /// story's norms are due.
    pub(crate) fn rebuild_postings(&mut self) {
        self.postings.clear();
        self.latest.clear();
        self.posted = 0;
        for story in &self.stories {
            for &(term, at) in &story.posted {
                self.postings.entry(term).or_default().push((at, story.id));
                self.posted += 1;
            }
        }
        // In the order put, as if each story had been put last when it last
        // was; the greatest of them are the recency list.
        let cap = self.config.postings_per_term.max(1);
        for (&term, list) in &mut self.postings {
            list.sort_unstable();
            self.latest
                .insert(term, list[list.len().saturating_sub(cap)..].to_vec());
        }
        self.posted_after_compaction = self.posted;
        self.norms_due = self
            .stories
            .iter()
            .map(|s| Reverse((s.norms_due(), s.id)))
            .collect();
    }

    fn open(&mut self, article: &str) -> usize {
        if self.stories.len() >= self.config.max_live_stories.max(1) {
            // Deterministic: the least recently fed story, the oldest on ties.
            if let Some(stale) = (0..self.stories.len()).min_by_key(|&i| self.stories[i].touched) {
                let gone = self.stories.remove(stale);
                self.retired.push(gone.id);
                self.unlist(&gone);
            }
        }
        let id = StoryId(self.next_story);
        self.stories.push(Story::new(id, article, self.articles));
        // Checked at the next arrival (the join refreshes it first).
        self.norms_due.push(Reverse((0, id)));
        self.next_story += 1;
        self.stories.len() - 1
    }

    /// Re-clusters a young story's members by average linkage; each group of
    /// two or more that stays apart from the opening article's group becomes
    /// a new story (a lone article stays: one article is too little evidence
    /// of a second event). Returns the articles that moved.
    fn split(&mut self, index: usize) -> Vec<Move> {
        let threshold = self.config.threshold;
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
        let mut sim = similarity_matrix(&features, &self.df, &self.config.model);
        let groups = average_linkage(&mut sim, n, threshold);
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
        // The postings keep every term the story was posted under.
        home.posted = old.posted.clone();
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
                    id: member.id.clone(),
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
            self.dirty.push(part.id);
            self.norms_due.push(Reverse((part.norms_due(), part.id)));
            self.stories.push(part);
        }
        self.dirty.push(self.stories[index].id);
        for (story, features) in repost {
            let keys = self.key_terms(&features);
            if let Ok(i) = self.stories.binary_search_by_key(&story, |s| s.id) {
                self.post(&keys, i);
                self.dirty.push(story);
            }
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
        let quiet = |s: &Story| {
            s.days
                .is_some_and(|(_, last)| last.0.saturating_add(window) < clock.0)
        };
        if !self.stories.iter().any(quiet) {
            return;
        }
        let (gone, live): (Vec<Story>, Vec<Story>) = std::mem::take(&mut self.stories)
            .into_iter()
            .partition(quiet);
        self.stories = live;
        for story in &gone {
            self.retired.push(story.id);
            self.unlist(story);
        }
    }
}

/// Sorted `(term, arrival count)` lists merged; a term in both keeps the
/// later count.
fn merge_posted(a: &[(Term, u64)], b: &[(Term, u64)]) -> Vec<(Term, u64)> {
    merge_by_term(a, b, |at| at, u64::max)
}

/// When a story was last posted under a term (its `posted`, sorted).
pub(crate) fn posted_at(posted: &[(Term, u64)], term: Term) -> Option<u64> {
    posted
        .binary_search_by_key(&term, |&(t, _)| t)
        .ok()
        .map(|i| posted[i].1)
}

/// Puts `(at, story)` into a term's recency list (replacing the story's
/// earlier entry) and drops what falls past `cap`: the list keeps the
/// greatest pairs, ascending.
fn list_latest(
    latest: &mut TermMap<Vec<(u64, StoryId)>>,
    cap: usize,
    term: Term,
    at: u64,
    story: StoryId,
) {
    let list = latest.entry(term).or_default();
    if let Some(i) = list.iter().position(|&(_, id)| id == story) {
        list.remove(i);
    }
    let entry = (at, story);
    list.insert(list.partition_point(|&e| e < entry), entry);
    if list.len() > cap.max(1) {
        list.remove(0);
    }
}

/// An article's heaviest terms per kind, for a cheap first look at many
/// candidate stories: each term is looked up in a story's centroid, instead
/// of walking the whole centroid.
struct Preview {
    /// Per kind, at most [`PREVIEW_TERMS`] of the article's terms (weights as
    /// in [`Weighted::vecs`]), the heaviest.
    terms: [Vec<(Term, f32)>; KINDS],
}

impl Preview {
    fn new(article: &Weighted) -> Preview {
        Preview {
            terms: std::array::from_fn(|k| {
                let mut terms = article.vecs[k].entries.clone();
                if terms.len() > PREVIEW_TERMS {
                    terms.select_nth_unstable_by(PREVIEW_TERMS - 1, |a, b| {
                        b.1.total_cmp(&a.1).then(a.0.cmp(&b.0))
                    });
                    terms.truncate(PREVIEW_TERMS);
                }
                terms
            }),
        }
    }

    /// The cosines per kind over the previewed terms alone: the whole
    /// cosine for a kind with few terms, a part of it otherwise (as
    /// [`cosines`], `None` where a side has no term of the kind).
    fn cosines(&self, article: &Weighted, story: &Story) -> [Option<f32>; KINDS] {
        std::array::from_fn(|k| {
            let (a, b) = (article.norms[k], story.norms[k]);
            (a > 0.0 && b > 0.0).then(|| {
                let centroid = &story.vecs[k];
                let dot: f32 = self.terms[k]
                    .iter()
                    .filter_map(|&(t, w)| Some(w * centroid.weight_of(t)?))
                    .sum();
                dot / (a * b)
            })
        })
    }
}

/// The cosines per kind of an article and a story (`None` where a side has
/// no term of the kind).
fn cosines(article: &Weighted, story: &Story) -> [Option<f32>; KINDS] {
    std::array::from_fn(|k| {
        let (a, b) = (article.norms[k], story.norms[k]);
        (a > 0.0 && b > 0.0).then(|| {
            // A centroid many times the article's length is merged (short
            // articles against full stories); otherwise the centroid is
            // walked against the article's table. The same number either way.
            let centroid = &story.vecs[k];
            let dot = if centroid.len() >= LOPSIDED * article.tables[k].len() {
                dot_lopsided(&article.vecs[k], centroid)
            } else {
                article.tables[k].dot(centroid)
            };
            dot / (a * b)
        })
    })
}

/// Labelled pairs for [`fit`](crate::fit), read off a stream whose stories
/// are known: the articles arrive in order as they would online, each is
/// compared with the candidate stories as [`Clusterer::add`] compares it
/// (label: the story is its own), then joins its own story. `gold` gives each
/// document's story (any numbering).
pub fn training_pairs(
    documents: &[Document<'_>],
    gold: &[usize],
    config: &Config,
) -> Vec<(PairFeatures, bool)> {
    let mut clusterer = Clusterer::new(Config {
        split: false,
        ..config.clone()
    });
    let mut story_of: HashMap<usize, StoryId> = HashMap::new();
    let mut pairs = Vec::new();
    for (document, &label) in documents.iter().zip(gold) {
        let (features, _) = clusterer.arrive(document);
        let own = story_of.get(&label).copied();
        for (index, x) in clusterer.score(&features, document.published) {
            pairs.push((x, Some(clusterer.stories[index].id) == own));
        }
        clusterer.compact();
        let index = match own.and_then(|id| clusterer.stories.iter().position(|s| s.id == id)) {
            Some(index) => index,
            None => {
                let index = clusterer.open(document.id);
                story_of.insert(label, clusterer.stories[index].id);
                index
            }
        };
        clusterer.join(index, &features, document.published);
    }
    pairs
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A clusterer in which every article opens its own story (no
    /// threshold is reached), fed `n` articles that share their common
    /// words, plus one with a word of its own each.
    fn many_stories(max_candidates: usize, n: usize) -> Clusterer {
        let mut clusterer = Clusterer::new(Config {
            threshold: 2.0,
            split: false,
            merge: false,
            max_candidates,
            ..Config::default()
        });
        for i in 0..n {
            let text = format!("The harbour council met about the budget and word{i}.");
            clusterer.add(&Document {
                id: "x",
                title: "",
                text: &text,
                published: None,
                entities: &[],
            });
        }
        clusterer
    }

    fn features_of(clusterer: &Clusterer, text: &str) -> Features {
        features::extract(
            &Document {
                id: "y",
                title: "",
                text,
                published: None,
                entities: &[],
            },
            &clusterer.config,
        )
    }

    /// Past `max_candidates` only that many stories are scored, and the
    /// preview keeps the one closest to the article among them.
    #[test]
    fn candidates_past_the_cap_are_previewed_and_the_closest_kept() {
        let text = "The harbour council met about the budget and word7 and word7.";
        let all = many_stories(usize::MAX, 30);
        let scored = all.score(&features_of(&all, text), None);
        assert_eq!(scored.len(), 30);
        let best = |scored: &[(usize, PairFeatures)], c: &Clusterer| {
            scored
                .iter()
                .max_by(|a, b| {
                    let p = |x| c.config.model.probability(x);
                    p(&a.1).total_cmp(&p(&b.1))
                })
                .map(|&(index, _)| c.stories[index].id)
        };
        assert_eq!(best(&scored, &all), Some(StoryId(7)));

        let capped = many_stories(4, 30);
        let few = capped.score(&features_of(&capped, text), None);
        assert_eq!(few.len(), 4);
        assert_eq!(best(&few, &capped), Some(StoryId(7)));
        // The stories scored are scored in full, as without the cap, and in
        // the stories' order.
        for (index, x) in &few {
            assert!(scored.contains(&(*index, *x)));
        }
        assert!(few.windows(2).all(|w| w[0].0 < w[1].0));
    }

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

    /// The recency lists kept up as stories are posted, split, merged,
    /// settled and retired are at every step what a restore rebuilds from
    /// the live stories, and never longer than `postings_per_term`.
    #[test]
    fn recency_lists_are_what_a_rebuild_makes_at_every_step() {
        let mut clusterer = Clusterer::new(Config {
            postings_per_term: 3,
            max_live_stories: 8,
            settle_window: 12,
            ..Config::default()
        });
        let topics = [
            "harbour council budget",
            "river flood rescue",
            "league match goal",
        ];
        let mut longest = 0;
        for i in 0..240u32 {
            let text = format!(
                "The {} report{} met the mayor about word{} and the {}.",
                topics[(i % 3) as usize],
                i % 11,
                i % 17,
                topics[(i / 7 % 3) as usize],
            );
            clusterer.add(&Document {
                id: "x",
                title: "",
                text: &text,
                published: Some(Day((i as i32) * 3 / 2)),
                entities: &[],
            });
            let mut rebuilt = clusterer.clone();
            rebuilt.rebuild_postings();
            assert_eq!(rebuilt.latest, clusterer.latest, "after article {i}");
            // As if every live story were checked at every arrival.
            let articles = clusterer.articles;
            assert!(clusterer.stories.iter().all(|s| !s.stale(articles)));
            longest = longest.max(clusterer.latest.values().map(Vec::len).max().unwrap_or(0));
        }
        assert_eq!(longest, 3, "the lists filled up to the cap");
        assert!(clusterer.retired.len() > 3, "stories retired along the way");
    }

    /// A story that leaves a full recency list (here: retired by date) is
    /// replaced by the live story next in line, which had been pushed off.
    #[test]
    fn a_story_leaving_a_full_list_makes_room_for_the_next() {
        let mut clusterer = Clusterer::new(Config {
            threshold: 2.0,
            split: false,
            merge: false,
            postings_per_term: 3,
            ..Config::default()
        });
        // Stories 0 and 1 are dated late, 2, 3 and 4 (the latest posted)
        // early: the clock stays at the late day until article 5.
        for (i, day) in [100, 100, 0, 0, 0, 101].into_iter().enumerate() {
            let text = format!("Zeta council word{i}.");
            clusterer.add(&Document {
                id: "x",
                title: "",
                text: &text,
                published: Some(Day(day)),
                entities: &[],
            });
            let listed = |c: &Clusterer| -> Vec<u32> {
                let term = c.key_terms(&features_of(c, "Zeta."))[0];
                c.latest[&term].iter().map(|&(_, id)| id.0).collect()
            };
            match i {
                4 => assert_eq!(listed(&clusterer), [2, 3, 4]),
                5 => {
                    assert_eq!(clusterer.retired, [StoryId(2), StoryId(3), StoryId(4)]);
                    assert_eq!(listed(&clusterer), [0, 1, 5]);
                }
                _ => {}
            }
            let mut rebuilt = clusterer.clone();
            rebuilt.rebuild_postings();
            assert_eq!(rebuilt.latest, clusterer.latest, "after article {i}");
        }
    }
}
