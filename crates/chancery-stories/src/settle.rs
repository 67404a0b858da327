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
//! the cost of a pass is bounded by the window, not the corpus. When the
//! caller asks, young stories are also checked again for merges under the
//! frequencies of the moment (`remerge`).

use crate::batch::{average_linkage, similarity_matrix};
use crate::features::{self, Features};
use crate::online::{Clusterer, Member, Move, Recent, Story, StoryId};
use crate::Document;

/// Fewer items than this are not worth a thread.
const SIDE_BY_SIDE_MIN: usize = 16;

/// `work` on every item, on as many threads as there are cores (item `i`
/// on thread `i mod threads`, so costly items spread out); the results in
/// the items' order.
fn side_by_side<T: Sync, R: Send>(items: &[T], work: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(items.len() / SIDE_BY_SIDE_MIN + 1);
    if threads <= 1 {
        return items.iter().map(work).collect();
    }
    let work = &work;
    let mut parts: Vec<std::vec::IntoIter<R>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|first| {
                scope.spawn(move || {
                    items
                        .iter()
                        .skip(first)
                        .step_by(threads)
                        .map(work)
                        .collect::<Vec<R>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|handle| {
                handle
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
                    .into_iter()
            })
            .collect()
    });
    (0..items.len())
        .filter_map(|i| parts[i % threads].next())
        .collect()
}

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
    ///
    /// Asked for by the caller (not every half window), the pass then
    /// re-checks young live stories for merges under the current document
    /// frequencies (`remerge`), when merge checks are on: its
    /// cost follows the live stories, so it runs once per call, not per
    /// window of arrivals.
    pub fn settle(&mut self) -> Vec<Move> {
        let mut moves = self.settle_window();
        if self.config.merge {
            let merged = self.remerge();
            self.follow(&merged);
            moves.extend(merged);
        }
        moves
    }

    /// The window part of [`Clusterer::settle`], also run every half
    /// window of arrivals.
    pub(crate) fn settle_window(&mut self) -> Vec<Move> {
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
                let gone = self.stories.remove(index);
                self.retired.push(id);
                self.unlist(&gone);
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

    /// Young stories merged as average linkage would merge them under the
    /// current document frequencies. An online merge check compares two
    /// stories once, with the frequencies of its day; early in a stream those
    /// are few and noisy, and two halves of one story that stayed apart then
    /// are never compared again once the settle window has moved past them.
    /// Each young live story is checked against the few young stories that
    /// share the most key terms with it (and whose days fit its window);
    /// pairs whose average probability reaches the threshold merge, the most
    /// probable first. The cost is bounded by the live stories and their
    /// kept members, not the corpus.
    fn remerge(&mut self) -> Vec<Move> {
        let young: Vec<StoryId> = self
            .stories
            .iter()
            .map(|s| s.id)
            .filter(|&id| self.is_young(id))
            .collect();
        let mut pairs: Vec<(StoryId, StoryId)> = Vec::new();
        for &id in &young {
            let story = &self.stories[self.position(id).expect("live")];
            let mut shared: std::collections::HashMap<StoryId, usize> = Default::default();
            for (term, _) in &story.posted {
                // A list may repeat a story (until the next compaction):
                // each story counts once per term, so a restored clusterer
                // (its lists rebuilt without repeats) picks the same ones.
                let mut others: Vec<StoryId> = self
                    .postings
                    .get(term)
                    .into_iter()
                    .flatten()
                    .map(|&(_, id)| id)
                    .collect();
                others.sort_unstable();
                others.dedup();
                for other in others.into_iter().filter(|&other| other != id) {
                    *shared.entry(other).or_default() += 1;
                }
            }
            let mut near: Vec<(usize, StoryId)> = shared
                .into_iter()
                .filter(|&(other, _)| young.binary_search(&other).is_ok())
                .filter(|&(other, _)| {
                    let other = &self.stories[self.position(other).expect("young is live")];
                    self.spans_fit(story, other)
                })
                .map(|(other, n)| (n, other))
                .collect();
            near.sort_unstable_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
            pairs.extend(
                near.into_iter()
                    .take(crate::online::MERGE_CANDIDATES)
                    .map(|(_, other)| (id.min(other), id.max(other))),
            );
        }
        pairs.sort_unstable();
        pairs.dedup();
        // A story is in several pairs: its articles' unit vectors are worked
        // out once for all of them (nothing changes until the merges below).
        // Stories and pairs are scored side by side: at the end of an ingest
        // this pass is all that is left to do, and each linkage is the same
        // sum on whichever thread adds it.
        let mut ids: Vec<StoryId> = pairs.iter().flat_map(|&(a, b)| [a, b]).collect();
        ids.sort_unstable();
        ids.dedup();
        let units: std::collections::HashMap<StoryId, _> = ids
            .iter()
            .copied()
            .zip(side_by_side(&ids, |&id| self.member_units(id)))
            .collect();
        let linkages = side_by_side(&pairs, |(a, b)| match (&units[a], &units[b]) {
            (Some(left), Some(right)) => Some(self.linkage_of(left, right)),
            _ => None,
        });
        let mut scored: Vec<(f32, StoryId, StoryId)> = pairs
            .into_iter()
            .zip(linkages)
            .filter_map(|((a, b), p)| Some((p?, a, b)))
            .filter(|&(p, _, _)| p >= self.config.threshold)
            .collect();
        scored.sort_unstable_by(|x, y| y.0.total_cmp(&x.0).then((x.1, x.2).cmp(&(y.1, y.2))));
        let mut moves = Vec::new();
        for (_, a, b) in scored {
            // A story merged away earlier is gone; `merge` checks again with
            // the members the stories have now.
            moves.extend(self.merge(a, b));
        }
        moves
    }

    /// Whether two stories' day spans are within the time window of each
    /// other (always, without days or window).
    fn spans_fit(&self, a: &Story, b: &Story) -> bool {
        match (self.config.window_days, a.days, b.days) {
            (Some(window), Some((a0, a1)), Some((b0, b1))) => {
                let window = window as i32;
                b0.0 <= a1.0.saturating_add(window) && a0.0 <= b1.0.saturating_add(window)
            }
            _ => true,
        }
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
                self.norms_due.push(std::cmp::Reverse((0, to)));
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
    use crate::Config;

    #[test]
    fn side_by_side_keeps_the_items_order() {
        for n in [0usize, 1, 15, 16, 17, 100, 1001] {
            let items: Vec<usize> = (0..n).collect();
            let squares = side_by_side(&items, |&i| i * i);
            assert_eq!(squares, items.iter().map(|&i| i * i).collect::<Vec<_>>());
        }
    }

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

    #[test]
    fn young_stories_an_early_check_kept_apart_merge_at_the_settle() {
        // (title, text, event): three reports of one earthquake and two of
        // one court-ordered rehab stay.
        let articles = [
            ("Magnitude 8.8 earthquake strikes Chile", "A magnitude 8.8 earthquake struck off the coast of Chile on Saturday, shaking Santiago and Concepcion. President Michelle Bachelet declared a state of catastrophe.", 0),
            ("Chile quake death toll rises", "The death toll from the magnitude 8.8 earthquake in Chile rose to 700 as rescuers reached Concepcion. Bachelet sent troops to the Maule region.", 0),
            ("Lindsay Lohan checks into Betty Ford", "Lindsay Lohan checked into the Betty Ford Center for a 90-day court-ordered rehab stay after the reckless driving case, her lawyer said.", 1),
            ("Bachelet: Chile will rebuild after the quake", "Michelle Bachelet said Chile would rebuild Concepcion and the Maule region after the magnitude 8.8 earthquake.", 0),
            ("Lohan begins court-ordered rehab at Betty Ford", "Lindsay Lohan arrived at the Betty Ford Center for the 90-day stay a judge ordered after the reckless driving case.", 1),
        ];
        let config = Config {
            settle_window: 0,
            split: false,
            ..Config::default()
        };
        let threshold = config.threshold;
        let mut clusterer = Clusterer::new(config);
        let mut stories = Vec::new();
        for (n, &(title, text, _)) in articles.iter().enumerate() {
            // From the second article on, a bar no probability reaches: each
            // opens a story of its own and no online merge check passes, as
            // when an early check ran with frequencies of too few articles.
            if n == 1 {
                clusterer.config.threshold = 1.1;
            }
            let given = clusterer.add(&Document {
                id: title,
                title,
                text,
                published: None,
                entities: &[],
            });
            stories.push(given.story);
        }
        assert_eq!(clusterer.stories().count(), articles.len());
        clusterer.config.threshold = threshold;
        for m in clusterer.settle() {
            stories[m.article as usize] = m.to;
        }
        for (i, a) in articles.iter().enumerate() {
            for (j, b) in articles.iter().enumerate() {
                assert_eq!(stories[i] == stories[j], a.2 == b.2, "{} and {}", a.0, b.0);
            }
        }
        assert_eq!(clusterer.stories().count(), 2);
        assert!(clusterer.settle().is_empty(), "a second pass moves nothing");
    }
}
