//! The settle pass: the latest arrivals re-clustered all at once.
//!
//! Online, an article is placed with what came before it; an article that
//! arrives later can show that two stories are one, or that a story holds
//! two events, when the earlier articles are already placed. Every
//! `settle_window / 2` arrivals (and whenever the caller asks, as ingest does
//! at the end of a run) the clusterer re-clusters its latest
//! `settle_window` arrivals by average linkage with the same model and
//! threshold, as [`cluster_batch`](crate::cluster_batch) would, and moves
//! the articles whose story differs. Story ids stay stable where a story's
//! membership mostly carries over: each group of the batch result takes the
//! id of the story that holds most of its articles, when that story holds at
//! least half of them and no larger group took it first; any other group
//! opens a new story. Articles older than the window keep their stories, so
//! the cost of a pass is bounded by the window, not the corpus.

use crate::batch::{average_linkage, similarity_matrix};
use crate::features::{self, Features};
use crate::online::{Clusterer, Member, Move, Recent, Story, StoryId};
use crate::Document;

impl Clusterer {
    /// Arrivals between two settle passes: half the window, so that every
    /// article is settled at least once with the articles of half a window
    /// after it.
    pub(crate) fn settle_every(&self) -> u64 {
        (self.config.settle_window as u64 / 2).max(1)
    }

    /// Keeps an arrival for the next settle passes, dropping the oldest past
    /// the window.
    pub(crate) fn remember(&mut self, recent: Recent) {
        self.recent.push_back(recent);
        while self.recent.len() > self.config.settle_window {
            self.recent.pop_front();
        }
    }

    /// Records where moved articles went, for the settle pass.
    pub(crate) fn follow(&mut self, moved: &[Move]) {
        for m in moved {
            if let Some(r) = self.recent.iter_mut().rev().find(|r| r.member.id == m.id) {
                r.story = m.to;
            }
        }
    }

    /// Gives back the latest arrivals after [`Clusterer::restore`] (the saved
    /// state leaves them out: they are articles the caller keeps anyway),
    /// oldest first, each with its story now. They must be the articles last
    /// given to [`Clusterer::add`], in that order; only the latest
    /// `settle_window` are kept. A restored clusterer given them back settles
    /// as the uninterrupted one would.
    pub fn recall(&mut self, documents: &[(Document<'_>, StoryId)]) {
        if self.config.settle_window == 0 {
            return;
        }
        let skip = documents.len().saturating_sub(self.config.settle_window);
        let first = self
            .articles
            .saturating_sub((documents.len() - skip) as u64);
        for (n, (document, story)) in documents[skip..].iter().enumerate() {
            self.remember(Recent {
                member: Member {
                    article: first + n as u64,
                    id: document.id.to_string(),
                    day: document.published,
                    features: features::extract(document, &self.config),
                },
                story: *story,
            });
        }
    }

    /// Re-clusters the latest arrivals (at most `settle_window`, those of
    /// live stories and, when articles carry days, within the time window of
    /// the latest) by average linkage, and moves the articles whose story
    /// differs. Returns the moves (none when the online stories were already
    /// the batch result).
    pub fn settle(&mut self) -> Vec<Move> {
        let window: Vec<usize> = (0..self.recent.len())
            .filter(|&i| {
                let r = &self.recent[i];
                self.position(r.story).is_some() && self.recent_enough(r)
            })
            .collect();
        if window.len() < 2 {
            return Vec::new();
        }
        let features: Vec<&Features> = window
            .iter()
            .map(|&i| &self.recent[i].member.features)
            .collect();
        let n = features.len();
        let mut sim = similarity_matrix(&features, &self.df, &self.config.model);
        let groups = average_linkage(&mut sim, n, self.config.threshold);
        let current: Vec<StoryId> = window.iter().map(|&i| self.recent[i].story).collect();
        let mut ids = match_groups(&groups, &current);
        let targets: Vec<StoryId> = ids
            .iter_mut()
            .map(|id| {
                *id.get_or_insert_with(|| {
                    let fresh = StoryId(self.next_story);
                    self.next_story += 1;
                    fresh
                })
            })
            .collect();
        let mut moves = Vec::new();
        for (k, &i) in window.iter().enumerate() {
            let to = targets[groups[k]];
            if to != current[k] {
                moves.push((i, to));
            }
        }
        let mut changed = Vec::new();
        for &(i, to) in &moves {
            self.move_recent(i, to);
            changed.extend([
                current[window.binary_search(&i).expect("in the window")],
                to,
            ]);
        }
        changed.sort_unstable();
        changed.dedup();
        let (cap, articles) = (self.config.max_story_terms, self.articles);
        for id in changed {
            let Some(index) = self.position(id) else {
                continue;
            };
            let story = &mut self.stories[index];
            if story.size == 0 {
                self.stories.remove(index);
                self.retired.push(id);
                continue;
            }
            for centroid in &mut story.vecs {
                // What a departed article took back leaves rounding dust,
                // and terms the centroid had pruned would go negative.
                centroid.entries.retain(|&(_, w)| w > 1e-6);
            }
            story.settle(cap, &self.df, articles);
            self.dirty.push(id);
        }
        moves
            .into_iter()
            .map(|(i, to)| Move {
                article: self.recent[i].member.article,
                id: self.recent[i].member.id.clone(),
                to,
            })
            .collect()
    }

    /// The index of a live story.
    fn position(&self, id: StoryId) -> Option<usize> {
        self.stories.binary_search_by_key(&id, |s| s.id).ok()
    }

    /// Whether a recent arrival is within the time window of the latest day
    /// (always, without days).
    fn recent_enough(&self, r: &Recent) -> bool {
        match (self.config.window_days, self.clock, r.member.day) {
            (Some(window), Some(clock), Some(day)) => {
                day.0.saturating_add(window as i32) >= clock.0
            }
            _ => true,
        }
    }

    /// Moves one recent arrival to story `to` (opened when new): its vectors
    /// leave the old story's centroids and join the new one's.
    fn move_recent(&mut self, i: usize, to: StoryId) {
        let from = self.recent[i].story;
        let member = self.recent[i].member.clone();
        if let Some(index) = self.position(from) {
            let story = &mut self.stories[index];
            let complete = story.members.len() == story.size as usize;
            story.add_vectors(&member.features, -1.0);
            story.size = story.size.saturating_sub(1);
            story.members.retain(|m| m.id != member.id);
            if complete {
                // A young story knows all its articles: its span shrinks too.
                story.days = span(story.members.iter().filter_map(|m| m.day));
            }
        }
        let index = match self.position(to) {
            Some(index) => index,
            None => {
                // Fresh ids are larger than every live one: order is kept.
                self.stories.push(Story::new(to, &member.id, self.articles));
                self.stories.len() - 1
            }
        };
        let keys = self.key_terms(&member.features);
        self.post(&keys, index);
        let split_members = self.config.split_members;
        let story = &mut self.stories[index];
        let complete = story.members.len() == story.size as usize;
        story.absorb(&member.features, member.day);
        story.touched = story.touched.max(self.articles);
        if complete && story.size as usize <= split_members {
            story.members.push(member);
            story.members.sort_by_key(|m| m.article);
        } else {
            story.members = Vec::new();
        }
        self.recent[i].story = to;
    }
}

/// The earliest and latest of some days.
fn span(days: impl Iterator<Item = crate::Day>) -> Option<(crate::Day, crate::Day)> {
    days.fold(None, |acc, d| match acc {
        None => Some((d, d)),
        Some((a, b)) => Some((a.min(d), b.max(d))),
    })
}

/// The story id each batch group keeps (`None`: a new story). Greedy on the
/// largest overlaps (ties to the earlier group, then the smaller id): a
/// group takes the story that holds most of its articles when that story
/// holds at least half of them and no other group took it first.
/// `groups[k]` is article `k`'s group (numbered from 0), `current[k]` its
/// story now.
fn match_groups(groups: &[usize], current: &[StoryId]) -> Vec<Option<StoryId>> {
    let count = groups.iter().max().map_or(0, |&g| g + 1);
    let mut sizes = vec![0usize; count];
    let mut overlap: std::collections::BTreeMap<(usize, StoryId), usize> = Default::default();
    for (&g, &s) in groups.iter().zip(current) {
        sizes[g] += 1;
        *overlap.entry((g, s)).or_default() += 1;
    }
    let mut pairs: Vec<(usize, usize, StoryId)> =
        overlap.into_iter().map(|((g, s), n)| (n, g, s)).collect();
    pairs.sort_unstable_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
    let mut ids: Vec<Option<StoryId>> = vec![None; count];
    let mut taken = std::collections::HashSet::new();
    for (n, g, s) in pairs {
        if ids[g].is_none() && 2 * n >= sizes[g] && !taken.contains(&s) {
            ids[g] = Some(s);
            taken.insert(s);
        }
    }
    ids
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_keep_the_ids_of_the_stories_they_mostly_carry_over() {
        let s = StoryId;
        // Group 0: three of story 7 and one of 9 -> keeps 7. Group 1: two of
        // story 9 -> keeps 9. Group 2: one each of 7 and 8 -> 8 (7 is taken).
        // Group 3: one of 9, one of 5, one of 6 -> no story holds half: new.
        let groups = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 3];
        let current = [
            s(7),
            s(7),
            s(7),
            s(9),
            s(9),
            s(9),
            s(7),
            s(8),
            s(9),
            s(5),
            s(6),
        ];
        assert_eq!(
            match_groups(&groups, &current),
            vec![Some(s(7)), Some(s(9)), Some(s(8)), None]
        );
    }

    #[test]
    fn a_story_split_in_two_keeps_its_id_on_the_larger_half() {
        let s = StoryId;
        let groups = [0, 1, 1, 0, 1];
        let current = [s(3); 5];
        assert_eq!(match_groups(&groups, &current), vec![None, Some(s(3))]);
    }
}
