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
use crate::sparse::{SparseVec, Term};
use crate::Config;

/// The format of the bytes below. Format 4 writes a story's record
/// compactly (see [`encode_story`]): the same values as format 3, bit for
/// bit, in fewer bytes; a format-3 state is read (its records by
/// [`decode_story`]) and every record is written again at the next save.
/// Format 3 kept, with each key term a story was posted under, when it last
/// was (the candidate postings are ordered by it and capped). Format 2 kept
/// the key terms alone, format 1 also every counter of the frequency table;
/// both were saved by clusterers without `postings_per_term`, whose stories
/// these settings would not make, so they are refused as
/// [`StateError::Incompatible`] and the caller rebuilds the stories from the
/// articles (as a chancery that knows only format 2 does with a format 3
/// state).
const FORMAT: u32 = 4;

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
    fn norms(&mut self, norms: &[f32; KINDS]) {
        for &n in norms {
            self.f32(n);
        }
    }
    /// A story's span of days, both ends or neither.
    fn span(&mut self, days: Option<(Day, Day)>) {
        self.day(days.map(|d| d.0));
        self.day(days.map(|d| d.1));
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
    /// Places in a record's sorted term table, increasing: how many, the
    /// first, then each as the gap from the one before.
    fn places(&mut self, places: impl ExactSizeIterator<Item = usize>) {
        self.varint(places.len() as u64);
        let mut previous = 0;
        for place in places {
            self.varint((place - previous) as u64);
            previous = place;
        }
    }
    #[cfg(test)]
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
    /// A story's norms, one per kind.
    fn norms(&mut self) -> Result<[f32; KINDS], StateError> {
        let mut norms = [0.0f32; KINDS];
        for n in &mut norms {
            *n = self.f32()?;
        }
        Ok(norms)
    }
    /// A story's span of days: both ends or neither.
    fn span(&mut self) -> Result<Option<(Day, Day)>, StateError> {
        match (self.day()?, self.day()?) {
            (Some(a), Some(b)) => Ok(Some((a, b))),
            (None, None) => Ok(None),
            _ => Err(StateError::Damaged("half a day span")),
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
    /// A varint count of items of at least `each` bytes, which can never
    /// promise more than the bytes left.
    fn count(&mut self, each: usize) -> Result<usize, StateError> {
        let n = usize::try_from(self.varint()?).unwrap_or(usize::MAX);
        if n.saturating_mul(each) > self.0.len() {
            return Err(StateError::Damaged("a length past the end"));
        }
        Ok(n)
    }
    /// Moves `at` on by the next gap of an increasing list (the first item
    /// may be at 0, no later one where the one before was: `twice`).
    fn step(&mut self, at: &mut u64, first: bool, twice: &'static str) -> Result<(), StateError> {
        let gap = self.varint()?;
        if !first && gap == 0 {
            return Err(StateError::Damaged(twice));
        }
        *at = at.saturating_add(gap);
        Ok(())
    }
    /// The terms of places from [`Out::places`] in `terms`, increasing.
    fn places(&mut self, terms: &[Term]) -> Result<Vec<Term>, StateError> {
        let n = self.count(1)?;
        let mut out = Vec::with_capacity(n);
        let mut place = 0u64;
        for i in 0..n {
            self.step(&mut place, i == 0, "a term twice in a vector")?;
            let term = usize::try_from(place)
                .ok()
                .and_then(|p| terms.get(p))
                .ok_or(StateError::Damaged("a term past the table"))?;
            out.push(*term);
        }
        Ok(out)
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
        r.step(&mut slot, i == 0, "a counter saved twice")?;
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

/// A story's record, format 4. Term hashes are written once each, in a
/// sorted table at the head of the record, and every vector and key term
/// names them by the gap from the previous one's place in it (a byte, most
/// often): a young story's members share most of their terms with each
/// other and with the centroid. Members' weights (`1 + ln(count)`, a handful
/// of values) are named by their place in a table of the record's distinct
/// weights. The centroids are left out when adding up the members' vectors
/// in order gives them back bit for bit (a story that has neither lost nor
/// merged members, nor been pruned), and rebuilt so by [`decode_story`].
fn encode_story(story: &Story) -> Vec<u8> {
    let rebuilt =
        !story.members.is_empty() && same_bits(&centroids_of(&story.members), &story.vecs);
    let mut terms: Vec<Term> = story
        .members
        .iter()
        .flat_map(|m| m.features.terms().map(|&(t, _)| t))
        .chain(story.posted.iter().map(|&(t, _)| t))
        .collect();
    if !rebuilt {
        terms.extend(
            story
                .vecs
                .iter()
                .flat_map(|v| v.entries.iter().map(|&(t, _)| t)),
        );
    }
    terms.sort_unstable();
    terms.dedup();
    let mut weights: Vec<u32> = story
        .members
        .iter()
        .flat_map(|m| m.features.terms().map(|&(_, w)| w.to_bits()))
        .collect();
    weights.sort_unstable();
    weights.dedup();
    let place = |t: Term| terms.binary_search(&t).expect("every term is in the table");

    let mut out = Out(Vec::new());
    out.u32(story.id.0);
    out.varint(terms.len() as u64);
    for &t in &terms {
        out.u64(t);
    }
    out.varint(weights.len() as u64);
    for &w in &weights {
        out.u32(w);
    }
    out.0.push(u8::from(rebuilt));
    if !rebuilt {
        for v in &story.vecs {
            out.places(v.entries.iter().map(|&(t, _)| place(t)));
            for &(_, w) in &v.entries {
                out.f32(w);
            }
        }
    }
    out.norms(&story.norms);
    out.varint(story.normed_at);
    out.varint(u64::from(story.size));
    out.span(story.days);
    out.varint(story.touched);
    out.str(&story.opened_by);
    out.varint(story.members.len() as u64);
    for m in &story.members {
        out.varint(m.article);
        out.str(&m.id);
        out.day(m.day);
        for v in &m.features.vecs {
            out.places(v.entries.iter().map(|&(t, _)| place(t)));
            for &(_, w) in &v.entries {
                let i = weights
                    .binary_search(&w.to_bits())
                    .expect("every weight is in the table");
                out.varint(i as u64);
            }
        }
    }
    out.places(story.posted.iter().map(|&(t, _)| place(t)));
    for &(_, at) in &story.posted {
        out.varint(at);
    }
    out.0
}

/// Whether two sets of vectors hold the same terms and the same weights bit
/// for bit (`==` on floats would take -0.0 for 0.0).
fn same_bits(a: &[SparseVec; KINDS], b: &[SparseVec; KINDS]) -> bool {
    a.iter().zip(b).all(|(a, b)| {
        a.entries.len() == b.entries.len()
            && a.entries
                .iter()
                .zip(&b.entries)
                .all(|(x, y)| x.0 == y.0 && x.1.to_bits() == y.1.to_bits())
    })
}

/// A young story's centroids as its members' vectors give them, added in
/// order as [`Story::absorb`] adds them.
fn centroids_of(members: &[Member]) -> [SparseVec; KINDS] {
    let mut story = Story::new(StoryId(0), "", 0);
    for m in members {
        story.add_vectors(&m.features, 1.0);
    }
    story.vecs
}

/// A story's norms and when they were computed: what a refresh changes.
fn encode_norms(story: &Story) -> Vec<u8> {
    let mut out = Out(Vec::with_capacity(12 + 4 * KINDS));
    out.u32(story.id.0);
    out.norms(&story.norms);
    out.u64(story.normed_at);
    out.0
}

/// Applies norms from [`encode_norms`] to their story among `live` (sorted
/// by id).
fn apply_norms(live: &mut [Story], bytes: &[u8]) -> Result<(), StateError> {
    let mut r = In(bytes);
    let id = StoryId(r.u32()?);
    let norms = r.norms()?;
    let normed_at = r.u64()?;
    r.end()?;
    let i = live
        .binary_search_by_key(&id, |s| s.id)
        .map_err(|_| StateError::Damaged("norms of a story that is not saved"))?;
    live[i].norms = norms;
    live[i].normed_at = normed_at;
    Ok(())
}

/// A story's record from [`encode_story`], or as format 3 wrote it (terms
/// and weights in full, fixed-width numbers, the centroids always), which is
/// read once when a format-3 state is restored: the next save writes every
/// story again in the current format.
fn decode_story(bytes: &[u8], format: u32) -> Result<Story, StateError> {
    let v3 = format == 3;
    let mut r = In(bytes);
    let id = StoryId(r.u32()?);
    // Format 4's tables of the record's terms and members' weights.
    let (mut terms, mut weights) = (Vec::new(), Vec::new());
    let mut rebuilt = false;
    if !v3 {
        let n = r.count(8)?;
        for _ in 0..n {
            terms.push(r.u64()?);
        }
        if !terms.windows(2).all(|w| w[0] < w[1]) {
            return Err(StateError::Damaged("an unsorted term table"));
        }
        let n = r.count(4)?;
        for _ in 0..n {
            weights.push(r.f32()?);
        }
        rebuilt = match r.u8()? {
            0 => false,
            1 => true,
            _ => return Err(StateError::Damaged("a bad centroid flag")),
        };
    }
    let mut vecs: [SparseVec; KINDS] = Default::default();
    if !rebuilt {
        for v in &mut vecs {
            *v = if v3 {
                r.vec()?
            } else {
                let places = r.places(&terms)?;
                let mut entries = Vec::with_capacity(places.len());
                for t in places {
                    entries.push((t, r.f32()?));
                }
                SparseVec { entries }
            };
        }
    }
    let norms = r.norms()?;
    let number = |r: &mut In, v3_width: usize| match (v3, v3_width) {
        (true, 4) => r.u32().map(u64::from),
        (true, _) => r.u64(),
        (false, _) => r.varint(),
    };
    let normed_at = number(&mut r, 8)?;
    let size = u32::try_from(number(&mut r, 4)?)
        .map_err(|_| StateError::Damaged("a size out of range"))?;
    let days = r.span()?;
    let touched = number(&mut r, 8)?;
    let opened_by = r.str()?;
    let count = if v3 { r.len(1)? } else { r.count(3)? };
    let mut members = Vec::with_capacity(count);
    for _ in 0..count {
        let article = number(&mut r, 8)?;
        let id = r.str()?;
        let day = r.day()?;
        let mut features = Features::default();
        for v in &mut features.vecs {
            if v3 {
                *v = r.vec()?;
                continue;
            }
            let places = r.places(&terms)?;
            let mut entries = Vec::with_capacity(places.len());
            for t in places {
                let w = usize::try_from(r.varint()?)
                    .ok()
                    .and_then(|i| weights.get(i))
                    .ok_or(StateError::Damaged("a weight past the table"))?;
                entries.push((t, *w));
            }
            *v = SparseVec { entries };
        }
        members.push(Member {
            article,
            id,
            day,
            features,
        });
    }
    if rebuilt {
        if members.is_empty() {
            return Err(StateError::Damaged("centroids of no members"));
        }
        vecs = centroids_of(&members);
    }
    let posted = if v3 {
        let count = r.len(9)?;
        let mut posted = Vec::with_capacity(count);
        for _ in 0..count {
            posted.push((r.u64()?, r.varint()?));
        }
        if !posted.windows(2).all(|w| w[0].0 < w[1].0) {
            return Err(StateError::Damaged("unsorted key terms"));
        }
        posted
    } else {
        let places = r.places(&terms)?;
        let mut posted = Vec::with_capacity(places.len());
        for t in places {
            posted.push((t, r.varint()?));
        }
        posted
    };
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
        if !(format == FORMAT || format == 3) || r.u64()? != fingerprint(&config) {
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
            let story = decode_story(bytes, format)?;
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
        if format != FORMAT {
            // The next save writes every record again, in this format, with
            // the header that says so (one transaction).
            clusterer.dirty = live.iter().map(|s| s.id).collect();
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

    /// A story's record as format 3 wrote it, for the upgrade test.
    fn encode_story_v3(story: &Story) -> Vec<u8> {
        let mut out = Out(Vec::new());
        out.u32(story.id.0);
        for v in &story.vecs {
            out.vec(v);
        }
        out.norms(&story.norms);
        out.u64(story.normed_at);
        out.u32(story.size);
        out.span(story.days);
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

    /// A format-3 state is read as it was saved, and the next save writes
    /// every live story again in the current format (with the header that
    /// says so), from which the same clusterer is restored; the records are
    /// smaller than format 3's and the centroids of some are left out.
    #[test]
    fn a_format_3_state_is_read_and_rewritten_in_the_current_format() {
        let topics = [
            "quake chile coast",
            "election vote party",
            "match goal league",
        ];
        let mut c = Clusterer::new(Config::default());
        for i in 0..120 {
            let text = format!("{} report{} detail{}", topics[i % 3], i % 7, i);
            add_text(&mut c, &text);
        }
        let changes = c.take_changes();
        let frequencies = changes.frequencies.clone().unwrap();
        let mut header = changes.header.clone();
        header[..4].copy_from_slice(&3u32.to_le_bytes());
        let old: Vec<Vec<u8>> = c.stories.iter().map(encode_story_v3).collect();
        let mut restored = Clusterer::restore(
            Config::default(),
            &header,
            &frequencies,
            [],
            old.iter().map(Vec::as_slice),
            [],
        )
        .unwrap();
        let encoded = |c: &Clusterer| c.stories.iter().map(encode_story).collect::<Vec<_>>();
        assert_eq!(encoded(&restored), encoded(&c));

        let rewritten = restored.take_changes();
        assert_eq!(rewritten.header, changes.header, "the current format");
        let ids: Vec<u32> = rewritten.stories.iter().map(|(id, _)| *id).collect();
        let live: Vec<u32> = c.stories.iter().map(|s| s.id.0).collect();
        assert_eq!(ids, live, "every live story rewritten");
        let again = Clusterer::restore(
            Config::default(),
            &rewritten.header,
            &frequencies,
            [],
            rewritten.stories.iter().map(|(_, b)| b.as_slice()),
            [],
        )
        .unwrap();
        assert_eq!(encoded(&again), encoded(&c));

        let size = |records: &mut dyn Iterator<Item = usize>| records.sum::<usize>();
        let (v3, v4) = (
            size(&mut old.iter().map(Vec::len)),
            size(&mut rewritten.stories.iter().map(|(_, b)| b.len())),
        );
        assert!(2 * v4 < v3, "format 4: {v4} bytes, format 3: {v3}");
        let young = c.stories.iter().filter(|s| !s.members.is_empty()).count();
        let left_out = rewritten.stories.iter().filter(|(_, b)| {
            let mut r = In(b);
            r.u32().unwrap();
            let n = r.count(8).unwrap();
            r.take(8 * n).unwrap();
            let n = r.count(4).unwrap();
            r.take(4 * n).unwrap();
            r.u8().unwrap() == 1
        });
        assert!(young > 0 && left_out.count() > 0, "{young} young stories");
    }
}
