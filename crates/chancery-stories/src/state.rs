//! The clusterer's state as bytes, so that a store can keep it and an ingest
//! can continue where the last one stopped instead of replaying the corpus.
//!
//! The state is cut into parts that change at different rates: a small
//! header (counters, clock, a fingerprint of the settings), the document
//! frequency table, and one record per live story. [`Clusterer::take_changes`]
//! hands over only what changed since the last call — the stories that
//! articles joined, split or refreshed, and the ids of those retired — so
//! saving costs what the new articles touched, not what the corpus holds.
//! [`Clusterer::restore`] rebuilds a clusterer from the parts that gives the
//! same assignments as the one that was saved: floats are kept bit for bit,
//! and the candidate postings are rebuilt from each story's key terms.

use crate::day::Day;
use crate::df::DocumentFrequency;
use crate::features::{Features, KINDS};
use crate::online::{Clusterer, Member, Story, StoryId};
use crate::sparse::SparseVec;
use crate::Config;

/// The format of the bytes below; a state of another format is refused.
const FORMAT: u32 = 1;

/// A saved state that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum StateError {
    /// The bytes end early or hold impossible values.
    #[error("the saved story state is damaged ({0}); delete it to rebuild the stories from the articles")]
    Damaged(&'static str),
    /// The state was saved by another format or with other settings.
    #[error("the saved story state was made by another version or with other settings; rebuild it from the articles")]
    Incompatible,
}

/// What changed in a clusterer since the last [`Clusterer::take_changes`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StateChanges {
    /// The header: always written.
    pub header: Vec<u8>,
    /// The document-frequency table, when any article arrived.
    pub frequencies: Option<Vec<u8>>,
    /// Live stories that changed, by story id.
    pub stories: Vec<(u32, Vec<u8>)>,
    /// Stories retired since (their records are to be deleted).
    pub retired: Vec<u32>,
}

struct Out(Vec<u8>);

impl Out {
    fn u32(&mut self, v: u32) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    fn u64(&mut self, v: u64) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    fn f32(&mut self, v: f32) {
        self.u32(v.to_bits());
    }
    fn day(&mut self, day: Option<Day>) {
        match day {
            Some(d) => {
                self.0.push(1);
                self.0.extend_from_slice(&d.0.to_le_bytes());
            }
            None => self.0.push(0),
        }
    }
    fn str(&mut self, s: &str) {
        self.u32(s.len() as u32);
        self.0.extend_from_slice(s.as_bytes());
    }
    fn vec(&mut self, v: &SparseVec) {
        self.u32(v.entries.len() as u32);
        for &(t, w) in &v.entries {
            self.u64(t);
            self.f32(w);
        }
    }
}

struct In<'a>(&'a [u8]);

impl<'a> In<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], StateError> {
        if self.0.len() < n {
            return Err(StateError::Damaged("it ends early"));
        }
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        Ok(head)
    }
    fn u8(&mut self) -> Result<u8, StateError> {
        Ok(self.take(1)?[0])
    }
    fn u32(&mut self) -> Result<u32, StateError> {
        let b = self.take(4)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }
    fn u64(&mut self) -> Result<u64, StateError> {
        let b = self.take(8)?;
        let mut a = [0u8; 8];
        a.copy_from_slice(b);
        Ok(u64::from_le_bytes(a))
    }
    fn f32(&mut self) -> Result<f32, StateError> {
        Ok(f32::from_bits(self.u32()?))
    }
    fn day(&mut self) -> Result<Option<Day>, StateError> {
        match self.u8()? {
            0 => Ok(None),
            1 => Ok(Some(Day(self.u32()? as i32))),
            _ => Err(StateError::Damaged("a bad day")),
        }
    }
    fn len(&mut self, each: usize) -> Result<usize, StateError> {
        let n = self.u32()? as usize;
        // A length can never promise more than the bytes left.
        if n.saturating_mul(each) > self.0.len() {
            return Err(StateError::Damaged("a length past the end"));
        }
        Ok(n)
    }
    fn str(&mut self) -> Result<String, StateError> {
        let n = self.len(1)?;
        String::from_utf8(self.take(n)?.to_vec()).map_err(|_| StateError::Damaged("a bad string"))
    }
    fn vec(&mut self) -> Result<SparseVec, StateError> {
        let n = self.len(12)?;
        let mut entries = Vec::with_capacity(n);
        for _ in 0..n {
            entries.push((self.u64()?, self.f32()?));
        }
        if !entries.windows(2).all(|w| w[0].0 < w[1].0) {
            return Err(StateError::Damaged("an unsorted vector"));
        }
        Ok(SparseVec { entries })
    }
    fn end(&self) -> Result<(), StateError> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(StateError::Damaged("bytes after the end"))
        }
    }
}

/// A fingerprint of the settings: a state saved under others is not used,
/// since the stories would not be what these settings make.
fn fingerprint(config: &Config) -> u64 {
    xxhash_rust::xxh3::xxh3_64(format!("{config:?}").as_bytes())
}

fn encode_story(story: &Story) -> Vec<u8> {
    let mut out = Out(Vec::new());
    out.u32(story.id.0);
    for v in &story.vecs {
        out.vec(v);
    }
    for &n in &story.norms {
        out.f32(n);
    }
    out.u64(story.normed_at);
    out.u32(story.size);
    out.day(story.days.map(|d| d.0));
    out.day(story.days.map(|d| d.1));
    out.u64(story.touched);
    out.str(&story.opened_by);
    out.u32(story.members.len() as u32);
    for m in &story.members {
        out.u64(m.article);
        out.str(&m.id);
        out.day(m.day);
        for v in &m.features.vecs {
            out.vec(v);
        }
    }
    out.u32(story.posted.len() as u32);
    for &t in &story.posted {
        out.u64(t);
    }
    out.0
}

fn decode_story(bytes: &[u8]) -> Result<Story, StateError> {
    let mut r = In(bytes);
    let id = StoryId(r.u32()?);
    let mut vecs: [SparseVec; KINDS] = Default::default();
    for v in &mut vecs {
        *v = r.vec()?;
    }
    let mut norms = [0.0f32; KINDS];
    for n in &mut norms {
        *n = r.f32()?;
    }
    let normed_at = r.u64()?;
    let size = r.u32()?;
    let days = match (r.day()?, r.day()?) {
        (Some(a), Some(b)) => Some((a, b)),
        (None, None) => None,
        _ => return Err(StateError::Damaged("half a day span")),
    };
    let touched = r.u64()?;
    let opened_by = r.str()?;
    let count = r.len(1)?;
    let mut members = Vec::with_capacity(count);
    for _ in 0..count {
        let article = r.u64()?;
        let id = r.str()?;
        let day = r.day()?;
        let mut features = Features::default();
        for v in &mut features.vecs {
            *v = r.vec()?;
        }
        members.push(Member {
            article,
            id,
            day,
            features,
        });
    }
    let count = r.len(8)?;
    let mut posted = Vec::with_capacity(count);
    for _ in 0..count {
        posted.push(r.u64()?);
    }
    r.end()?;
    Ok(Story {
        id,
        vecs,
        norms,
        normed_at,
        size,
        days,
        touched,
        opened_by,
        members,
        posted,
    })
}

impl Clusterer {
    /// What changed since the last call (or since the clusterer was made):
    /// the header, the frequency table when articles arrived, the stories
    /// that changed and the ids of those retired. Saving these over the
    /// previous ones and [`restore`](Clusterer::restore)-ing gives a
    /// clusterer that continues exactly as this one does.
    pub fn take_changes(&mut self) -> StateChanges {
        let mut header = Out(Vec::new());
        header.u32(FORMAT);
        header.u64(fingerprint(&self.config));
        header.u32(self.next_story);
        header.u64(self.articles);
        header.day(self.clock);
        let frequencies = std::mem::take(&mut self.df_changed).then(|| {
            let mut out = Out(Vec::new());
            out.u32(self.df.documents());
            for &c in self.df.counts() {
                out.u32(c);
            }
            out.0
        });
        let mut dirty = std::mem::take(&mut self.dirty);
        dirty.sort_unstable();
        dirty.dedup();
        let stories = dirty
            .iter()
            .filter_map(|id| self.stories.binary_search_by_key(id, |s| s.id).ok())
            .map(|i| (self.stories[i].id.0, encode_story(&self.stories[i])))
            .collect();
        let mut retired: Vec<u32> = std::mem::take(&mut self.retired)
            .into_iter()
            .map(|id| id.0)
            .collect();
        retired.sort_unstable();
        retired.dedup();
        StateChanges {
            header: header.0,
            frequencies,
            stories,
            retired,
        }
    }

    /// A clusterer from saved parts: the latest header and frequency table
    /// and the records of the live stories (in any order). Refused when the
    /// parts are damaged or were saved with other settings.
    pub fn restore<'a>(
        config: Config,
        header: &[u8],
        frequencies: &[u8],
        stories: impl IntoIterator<Item = &'a [u8]>,
    ) -> Result<Clusterer, StateError> {
        let mut r = In(header);
        if r.u32()? != FORMAT || r.u64()? != fingerprint(&config) {
            return Err(StateError::Incompatible);
        }
        let next_story = r.u32()?;
        let articles = r.u64()?;
        let clock = r.day()?;
        r.end()?;
        let mut clusterer = Clusterer::new(config);
        let mut f = In(frequencies);
        let documents = f.u32()?;
        let size = clusterer.df.counts().len();
        if f.0.len() != size * 4 {
            return Err(StateError::Damaged("a frequency table of another size"));
        }
        let mut counts = Vec::with_capacity(size);
        for _ in 0..size {
            counts.push(f.u32()?);
        }
        clusterer.df = DocumentFrequency::from_counts(counts, documents);
        let mut live = Vec::new();
        for bytes in stories {
            let story = decode_story(bytes)?;
            if story.id.0 >= next_story {
                return Err(StateError::Damaged("a story newer than the header"));
            }
            live.push(story);
        }
        // Live stories are always in the order they opened, which is id order.
        live.sort_by_key(|s| s.id);
        if live.windows(2).any(|w| w[0].id == w[1].id) {
            return Err(StateError::Damaged("a story saved twice"));
        }
        clusterer.stories = live;
        clusterer.next_story = next_story;
        clusterer.articles = articles;
        clusterer.clock = clock;
        clusterer.rebuild_postings();
        Ok(clusterer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn damaged_parts_are_refused_not_panicked_on() {
        let mut c = Clusterer::new(Config::default());
        c.add(&crate::Document {
            id: "a",
            title: "Quake",
            text: "A quake hit Chile in 2010.",
            published: None,
            entities: &[],
        });
        let changes = c.take_changes();
        let frequencies = changes.frequencies.clone().unwrap();
        let story = changes.stories[0].1.clone();
        assert!(Clusterer::restore(
            Config::default(),
            &changes.header,
            &frequencies,
            [story.as_slice()]
        )
        .is_ok());
        for cut in [0, 1, story.len() / 2, story.len() - 1] {
            assert!(Clusterer::restore(
                Config::default(),
                &changes.header,
                &frequencies,
                [&story[..cut]]
            )
            .is_err());
        }
        assert!(
            Clusterer::restore(Config::default(), &changes.header, &frequencies[..8], []).is_err()
        );
        let other = Config {
            threshold: 0.99,
            ..Config::default()
        };
        assert!(matches!(
            Clusterer::restore(other, &changes.header, &frequencies, []),
            Err(StateError::Incompatible)
        ));
    }
}
