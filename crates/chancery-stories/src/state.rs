//! The clusterer's state as bytes, so that a store can keep it and an ingest
//! can continue where the last one stopped instead of replaying the corpus.
//!
//! The state is cut into parts that change at different rates: a small
//! header (counters, clock, a fingerprint of the settings), the document
//! frequency table, and one record per live story. [`Clusterer::take_changes`]
//! hands over only what changed since the last call — the counters of the
//! frequency table that articles raised, the stories that articles joined
//! or split, the norms of those only refreshed under newer frequencies (a
//! few bytes each, where a whole record holds a young story's articles), and
//! the ids of those retired — so saving costs what
//! the new articles touched, not what the corpus holds. The frequency table
//! is handed over whole only now and then (first, and when the changes saved
//! since would outgrow it), so that a saved table never needs more than a
//! bounded log of changes on top. [`Clusterer::restore`] rebuilds a
//! clusterer from the parts that gives the same assignments as the one that
//! was saved: floats are kept bit for bit, and the candidate postings are
//! rebuilt from each story's key terms.
use crate::day::Day;
use crate::features::{Features, KINDS};
use crate::online::{Clusterer, Member, Story, StoryId};
use crate::sparse::SparseVec;
use crate::Config;

/// The format of the bytes below; a state of another format is refused.
/// Format 3 keeps, with each key term a story was posted under, when it
/// last was (the candidate postings are ordered by it and capped). Format 2
/// kept the key terms alone, format 1 also every counter of the frequency
/// table; both were saved by clusterers without `postings_per_term`, whose
/// stories these settings would not make, so they are refused as
/// [`StateError::Incompatible`] and the caller rebuilds the stories from the
/// articles (as a chancery that knows only format 2 does with a format 3
/// state).
const FORMAT: u32 = 3;

/// The log of changed counters on a saved table may hold as many entries
/// as the table has nonzero counters, and at least this many, before the
/// table is handed over whole again: restoring reads at most about twice the
/// table, and a whole table is written once per as many changes as it holds.
const MIN_LOG: usize = 1 << 16;

/// What was last handed over of the frequency table.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SavedTable {
    /// Nonzero counters in the last whole table.
    base: usize,
    /// Counters in the changes handed over since.
    logged: usize,
}

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
    /// The whole document-frequency table, when it is to replace the saved
    /// one and the saved changes to it (first, and now and then).
    pub frequencies: Option<Vec<u8>>,
    /// The counters of the frequency table that changed since the last
    /// call, when articles arrived and the table is not handed over whole:
    /// to be saved after the saved table's earlier changes, in order.
    pub frequency_changes: Option<Vec<u8>>,
    /// Live stories that changed, by story id (a record replaces the saved
    /// one and any saved norms of the story).
    pub stories: Vec<(u32, Vec<u8>)>,
    /// Live stories whose norms alone changed, by story id: a patch to
    /// apply over the story's saved record (replacing an earlier patch).
    pub norms: Vec<(u32, Vec<u8>)>,
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
    /// LEB128: seven bits a byte, low first.
    fn varint(&mut self, mut v: u64) {
        while v >= 0x80 {
            self.0.push(v as u8 | 0x80);
            v >>= 7;
        }
        self.0.push(v as u8);
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
    fn varint(&mut self) -> Result<u64, StateError> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let byte = self.u8()?;
            v |= u64::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                return Ok(v);
            }
        }
        Err(StateError::Damaged("a number too long"))
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

/// Counters as formats 2 and 3 keep them, a whole table's nonzero ones or the
/// changed ones: the article count, how many counters, then each as the gap
/// from the previous slot and its count.
fn encode_counters(documents: u32, counters: impl ExactSizeIterator<Item = (u32, u32)>) -> Vec<u8> {
    let mut out = Out(Vec::with_capacity(8 + 4 * counters.len()));
    out.u32(documents);
    out.u32(counters.len() as u32);
    let mut previous = 0;
    for (slot, count) in counters {
        out.varint(u64::from(slot - previous));
        out.varint(u64::from(count));
        previous = slot;
    }
    out.0
}

/// The counters back from [`encode_counters`]: the article count and the
/// `(slot, count)` pairs, slots increasing.
fn decode_counters(bytes: &[u8]) -> Result<(u32, Vec<(u32, u32)>), StateError> {
    let mut r = In(bytes);
    let documents = r.u32()?;
    let n = r.len(2)?;
    let mut counters = Vec::with_capacity(n);
    let mut slot = 0u64;
    for i in 0..n {
        let gap = r.varint()?;
        if i > 0 && gap == 0 {
            return Err(StateError::Damaged("a counter saved twice"));
        }
        slot = slot.saturating_add(gap);
        let count = r.varint()?;
        let (Ok(slot), Ok(count)) = (u32::try_from(slot), u32::try_from(count)) else {
            return Err(StateError::Damaged("a counter out of range"));
        };
        counters.push((slot, count));
    }
    r.end()?;
    Ok((documents, counters))
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
    for &(t, at) in &story.posted {
        out.u64(t);
        out.varint(at);
    }
    out.0
}

/// A story's norms and when they were computed: what a refresh changes.
fn encode_norms(story: &Story) -> Vec<u8> {
    let mut out = Out(Vec::with_capacity(12 + 4 * KINDS));
    out.u32(story.id.0);
    for &n in &story.norms {
        out.f32(n);
    }
    out.u64(story.normed_at);
    out.0
}

/// Applies norms from [`encode_norms`] to their story among `live` (sorted
/// by id).
fn apply_norms(live: &mut [Story], bytes: &[u8]) -> Result<(), StateError> {
    let mut r = In(bytes);
    let id = StoryId(r.u32()?);
    let mut norms = [0.0f32; KINDS];
    for n in &mut norms {
        *n = r.f32()?;
    }
    let normed_at = r.u64()?;
    r.end()?;
    let i = live
        .binary_search_by_key(&id, |s| s.id)
        .map_err(|_| StateError::Damaged("norms of a story that is not saved"))?;
    live[i].norms = norms;
    live[i].normed_at = normed_at;
    Ok(())
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
    let count = r.len(9)?;
    let mut posted = Vec::with_capacity(count);
    for _ in 0..count {
        posted.push((r.u64()?, r.varint()?));
    }
    if !posted.windows(2).all(|w| w[0].0 < w[1].0) {
        return Err(StateError::Damaged("unsorted key terms"));
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
        let (frequencies, frequency_changes) = self.take_frequencies();
        let mut dirty = std::mem::take(&mut self.dirty);
        dirty.sort_unstable();
        dirty.dedup();
        let stories = dirty
            .iter()
            .filter_map(|id| self.stories.binary_search_by_key(id, |s| s.id).ok())
            .map(|i| (self.stories[i].id.0, encode_story(&self.stories[i])))
            .collect();
        let mut refreshed = std::mem::take(&mut self.refreshed);
        refreshed.sort_unstable();
        refreshed.dedup();
        let norms = refreshed
            .iter()
            .filter(|id| dirty.binary_search(id).is_err())
            .filter_map(|id| self.stories.binary_search_by_key(id, |s| s.id).ok())
            .map(|i| (self.stories[i].id.0, encode_norms(&self.stories[i])))
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
            frequency_changes,
            stories,
            norms,
            retired,
        }
    }

    /// The frequency table's part of [`Clusterer::take_changes`]: the whole
    /// table, or the counters changed since the last call, or neither when
    /// no article arrived.
    fn take_frequencies(&mut self) -> (Option<Vec<u8>>, Option<Vec<u8>>) {
        if !std::mem::take(&mut self.df_changed) {
            return (None, None);
        }
        let changed = self.df.take_changed();
        let documents = self.df.documents();
        let counts = self.df.counts();
        match self.df_saved {
            Some(ref mut saved) if saved.logged + changed.len() <= saved.base.max(MIN_LOG) => {
                saved.logged += changed.len();
                let counters = changed.iter().map(|&slot| (slot, counts[slot as usize]));
                (None, Some(encode_counters(documents, counters)))
            }
            _ => {
                let nonzero: Vec<(u32, u32)> = (0u32..)
                    .zip(counts)
                    .filter(|&(_, &c)| c > 0)
                    .map(|(slot, &c)| (slot, c))
                    .collect();
                self.df_saved = Some(SavedTable {
                    base: nonzero.len(),
                    logged: 0,
                });
                (Some(encode_counters(documents, nonzero.into_iter())), None)
            }
        }
    }

    /// A clusterer from saved parts: the latest header, the last whole
    /// frequency table and the changes to it saved since (oldest first), and
    /// the records of the live stories and the norms saved over them since
    /// (each in any order). Refused when the parts are damaged or were saved
    /// with other settings.
    pub fn restore<'a>(
        config: Config,
        header: &[u8],
        frequencies: &[u8],
        frequency_changes: impl IntoIterator<Item = &'a [u8]>,
        stories: impl IntoIterator<Item = &'a [u8]>,
        norms: impl IntoIterator<Item = &'a [u8]>,
    ) -> Result<Clusterer, StateError> {
        let mut r = In(header);
        let format = r.u32()?;
        if format != FORMAT || r.u64()? != fingerprint(&config) {
            return Err(StateError::Incompatible);
        }
        let next_story = r.u32()?;
        let articles = r.u64()?;
        let clock = r.day()?;
        r.end()?;
        let mut clusterer = Clusterer::new(config);
        let mut logged = 0;
        let (documents, counters) = decode_counters(frequencies)?;
        if !clusterer.df.set(&counters, documents) {
            return Err(StateError::Damaged("a frequency table of another size"));
        }
        for bytes in frequency_changes {
            let (documents, counters) = decode_counters(bytes)?;
            if !clusterer.df.set(&counters, documents) {
                return Err(StateError::Damaged("a frequency change past the table"));
            }
            logged += counters.len();
        }
        // The next save continues the saved log.
        clusterer.df_saved = Some(SavedTable {
            base: clusterer.df.counts().iter().filter(|&&c| c > 0).count(),
            logged,
        });
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
        for bytes in norms {
            apply_norms(&mut live, bytes)?;
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

    /// Adds an undated article of this text alone.
    fn add_text(c: &mut Clusterer, text: &str) {
        c.add(&crate::Document {
            id: "a",
            title: "",
            text,
            published: None,
            entities: &[],
        });
    }

    /// A clusterer that has seen one article, and its first changes.
    fn one_quake() -> (Clusterer, StateChanges) {
        let mut c = Clusterer::new(Config::default());
        c.add(&crate::Document {
            id: "a",
            title: "Quake",
            text: "A quake hit Chile in 2010.",
            published: None,
            entities: &[],
        });
        let changes = c.take_changes();
        (c, changes)
    }

    #[test]
    fn damaged_parts_are_refused_not_panicked_on() {
        let (c, changes) = one_quake();
        let frequencies = changes.frequencies.clone().unwrap();
        let story = changes.stories[0].1.clone();
        let restore = |frequencies: &[u8], log: &[&[u8]], stories: &[&[u8]]| {
            Clusterer::restore(
                Config::default(),
                &changes.header,
                frequencies,
                log.iter().copied(),
                stories.iter().copied(),
                [],
            )
        };
        assert!(restore(&frequencies, &[], &[&story]).is_ok());
        // Norms of a story that is not saved, norms cut short.
        let mut norms = encode_norms(&c.stories[0]);
        let ok = |norms: &[u8]| {
            Clusterer::restore(
                Config::default(),
                &changes.header,
                &frequencies,
                [],
                [story.as_slice()],
                [norms],
            )
            .is_ok()
        };
        assert!(ok(&norms));
        assert!(!ok(&norms[..norms.len() - 1]));
        norms[0] = 9;
        assert!(!ok(&norms));
        for cut in [0, 1, story.len() / 2, story.len() - 1] {
            assert!(restore(&frequencies, &[], &[&story[..cut]]).is_err());
        }
        for cut in [0, 1, 6, 8, frequencies.len() - 1] {
            assert!(restore(&frequencies[..cut], &[], &[]).is_err());
        }
        // A counter past the table, a counter twice.
        let past = encode_counters(1, [(1 << 20, 1)].into_iter());
        assert!(restore(&past, &[], &[]).is_err());
        assert!(restore(&frequencies, &[&past], &[]).is_err());
        let twice = encode_counters(1, [(5, 1), (5, 2)].into_iter());
        assert!(restore(&twice, &[], &[]).is_err());
        let other = Config {
            threshold: 0.99,
            ..Config::default()
        };
        assert!(matches!(
            Clusterer::restore(other, &changes.header, &frequencies, [], [], []),
            Err(StateError::Incompatible)
        ));
    }

    /// The frequency table goes whole first, then as the counters that
    /// changed, and whole again once the changes would outgrow it; a table
    /// restored from the last whole one and the changes since is the same.
    #[test]
    fn the_frequency_table_is_saved_as_changes_and_now_and_then_whole() {
        let mut c = Clusterer::new(Config::default());
        let (mut whole, mut log) = (Vec::new(), Vec::<Vec<u8>>::new());
        let mut kinds = Vec::new();
        for i in 0..400 {
            let text: String = (0..300).map(|w| format!("w{}x{} ", i, w)).collect();
            add_text(&mut c, &text);
            let changes = c.take_changes();
            match (changes.frequencies, changes.frequency_changes) {
                (Some(f), None) => {
                    whole = f;
                    log.clear();
                    kinds.push('W');
                }
                (None, Some(d)) => {
                    log.push(d);
                    kinds.push('d');
                }
                other => panic!("{other:?}"),
            }
            if i % 20 != 19 {
                continue;
            }
            let restored = Clusterer::restore(
                Config::default(),
                &changes.header,
                &whole,
                log.iter().map(Vec::as_slice),
                [],
                [],
            )
            .unwrap();
            assert_eq!(restored.df.counts(), c.df.counts(), "after article {i}");
            assert_eq!(restored.df.documents(), c.df.documents());
        }
        assert_eq!(kinds[0], 'W');
        let wholes = kinds.iter().filter(|&&k| k == 'W').count();
        assert!(
            (2..=6).contains(&wholes),
            "{wholes} whole tables of 400 saves"
        );
        assert!(
            c.take_changes().frequencies.is_none(),
            "no article, no table"
        );
    }

    /// Saved as changes after every few articles — whole records, norms
    /// patches, frequency changes — and restored, the stories are the
    /// uninterrupted clusterer's bit for bit.
    #[test]
    fn a_restored_state_is_the_saved_one_bit_for_bit() {
        let topics = [
            "quake chile coast",
            "election vote party",
            "match goal league",
        ];
        let mut c = Clusterer::new(Config::default());
        let mut whole = Vec::new();
        let mut log: Vec<Vec<u8>> = Vec::new();
        let mut records = std::collections::BTreeMap::new();
        let mut norms = std::collections::BTreeMap::new();
        let mut patched = 0;
        for i in 0..300 {
            let text = format!("{} report{} detail{}", topics[i % 3], i % 7, i);
            add_text(&mut c, &text);
            if i % 7 != 6 {
                continue;
            }
            let changes = c.take_changes();
            if let Some(f) = changes.frequencies {
                whole = f;
                log.clear();
            }
            log.extend(changes.frequency_changes);
            for (id, bytes) in changes.stories {
                records.insert(id, bytes);
                norms.remove(&id);
            }
            patched += changes.norms.len();
            norms.extend(changes.norms);
            for id in changes.retired {
                records.remove(&id);
                norms.remove(&id);
            }
            let restored = Clusterer::restore(
                Config::default(),
                &changes.header,
                &whole,
                log.iter().map(Vec::as_slice),
                records.values().map(Vec::as_slice),
                norms.values().map(Vec::as_slice),
            )
            .unwrap();
            let encoded = |c: &Clusterer| c.stories.iter().map(encode_story).collect::<Vec<_>>();
            assert_eq!(encoded(&restored), encoded(&c), "after article {i}");
        }
        assert!(patched > 0, "norms were saved apart");
    }

    /// A state saved by format 2 or 1 (key terms without when they were
    /// posted, settings without `postings_per_term`) is refused as
    /// incompatible, not half-used: the caller rebuilds the stories from the
    /// articles.
    #[test]
    fn a_format_2_or_1_state_is_refused_as_incompatible() {
        let (_, changes) = one_quake();
        let frequencies = changes.frequencies.clone().unwrap();
        let stories = || changes.stories.iter().map(|(_, b)| b.as_slice());
        assert!(Clusterer::restore(
            Config::default(),
            &changes.header,
            &frequencies,
            [],
            stories(),
            []
        )
        .is_ok());
        for old in [1u32, 2] {
            let mut header = changes.header.clone();
            header[..4].copy_from_slice(&old.to_le_bytes());
            assert!(matches!(
                Clusterer::restore(Config::default(), &header, &frequencies, [], stories(), []),
                Err(StateError::Incompatible)
            ));
        }
    }
}
