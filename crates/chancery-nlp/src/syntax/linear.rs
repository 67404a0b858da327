//! Sparse multi-class linear models: the compact table the tagger and the
//! parser score with, and the averaged perceptron that fills it.
//!
//! A feature is a 64-bit hash. Most features only ever speak for a few
//! classes (a word's tags, an arc's labels), so each keeps a short list of
//! `(class, weight)` pairs instead of a full row: the parser has ~95 classes
//! and a dense table would be tens of times larger.

use std::collections::{HashMap, HashSet};
use std::hash::BuildHasherDefault;
use std::ops::Range;

use crate::ner::KeyHasher;

/// A trained model: an open-addressing table from feature key to a run of
/// `(class, weight)` entries.
#[derive(Debug, Clone)]
pub(crate) struct Linear {
    classes: usize,
    /// A key of zero marks an empty slot (features are hashed with the low bit set).
    slots: Vec<Slot>,
    entries: Vec<Entry>,
    features: usize,
    /// Right shift that takes a key's high bits to a home slot.
    shift: u32,
}

#[derive(Debug, Clone, Copy, Default)]
struct Slot {
    key: u64,
    start: u32,
    len: u32,
}

#[derive(Debug, Clone, Copy)]
struct Entry {
    class: u8,
    weight: i16,
}

/// Feature keys have this many bits (see [`key_of`]).
const KEY_BITS: u32 = 40;

/// A feature's key from its 64-bit hash: 40 bits, so the model file can
/// store sorted keys as gaps of about three bytes while a million features
/// still collide with an unseen one about once in a million probes; the
/// low bit set keeps zero free as the empty-slot marker.
#[inline]
pub(crate) fn key_of(hash: u64) -> u64 {
    (hash >> (64 - KEY_BITS)) | 1
}

impl Linear {
    /// An empty table sized for `features` rows and `entries` weights.
    fn with_capacity(classes: usize, features: usize, entries: usize) -> Linear {
        let size = (features + features / 2).max(16).next_power_of_two();
        Linear {
            classes,
            slots: vec![Slot::default(); size],
            entries: Vec::with_capacity(entries),
            features: 0,
            shift: KEY_BITS - size.trailing_zeros(),
        }
    }

    /// Adds a feature whose weights were just pushed to `entries` from `start`.
    fn insert(&mut self, key: u64, start: usize) {
        // The home slot comes from the key's high bits, so keys inserted
        // in ascending order (as the file stores them) fill the table front
        // to back, which keeps loading cache-friendly.
        let mask = self.slots.len() - 1;
        let mut index = (key >> self.shift) as usize & mask;
        while self.slots[index].key != 0 {
            index = (index + 1) & mask;
        }
        self.slots[index] = Slot {
            key,
            start: start as u32,
            len: (self.entries.len() - start) as u32,
        };
        self.features += 1;
    }

    /// A model from rows of quantized weights.
    pub(crate) fn from_rows(classes: usize, mut rows: Vec<(u64, Vec<(u8, i16)>)>) -> Linear {
        rows.sort_unstable_by_key(|row| row.0);
        let entries = rows.iter().map(|r| r.1.len()).sum();
        let mut model = Linear::with_capacity(classes, rows.len(), entries);
        for (key, row) in rows {
            let start = model.entries.len();
            model
                .entries
                .extend(row.iter().map(|&(class, weight)| Entry { class, weight }));
            model.insert(key, start);
        }
        model
    }

    pub(crate) fn feature_count(&self) -> usize {
        self.features
    }

    #[inline]
    fn lookup(&self, key: u64) -> Option<Range<usize>> {
        let mask = self.slots.len() - 1;
        let mut index = (key >> self.shift) as usize & mask;
        loop {
            let slot = self.slots[index];
            if slot.key == key {
                let start = slot.start as usize;
                return Some(start..start + slot.len as usize);
            }
            if slot.key == 0 {
                return None;
            }
            index = (index + 1) & mask;
        }
    }

    /// Adds the weights of `features` into `scores` (one per class), cleared first.
    pub(crate) fn score(&self, features: &[u64], scores: &mut [i32]) {
        scores.fill(0);
        let mask = self.slots.len() - 1;
        for chunk in features.chunks(32) {
            // Two passes: first the home slots' keys, loads independent of
            // each other so the processor overlaps their cache misses, then
            // the sums (as the NER tagger does).
            let mut homes = [0u64; 32];
            for (home, &key) in homes.iter_mut().zip(chunk) {
                *home = self.slots[(key >> self.shift) as usize & mask].key;
            }
            for (&key, &home) in chunk.iter().zip(&homes) {
                if home == 0 {
                    continue;
                }
                if let Some(range) = self.lookup(key) {
                    for entry in &self.entries[range] {
                        scores[entry.class as usize] += entry.weight as i32;
                    }
                }
            }
        }
    }

    /// Appends the model: class count, feature count, then per feature in
    /// ascending key order the gap from the previous key (LEB128), its entry
    /// count and the entries as (class, 8-bit μ-law code). Keys are 40-bit,
    /// so gaps take about three bytes; the μ-law keeps small weights, which
    /// matter in bulk, at a few percent of relative error.
    pub(crate) fn write(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&(self.classes as u32).to_le_bytes());
        out.extend_from_slice(&(self.features as u64).to_le_bytes());
        let mut slots: Vec<&Slot> = self.slots.iter().filter(|s| s.key != 0).collect();
        slots.sort_unstable_by_key(|s| s.key);
        let mut previous = 0u64;
        for slot in slots {
            write_varint(out, slot.key - previous);
            previous = slot.key;
            let entries = &self.entries[slot.start as usize..(slot.start + slot.len) as usize];
            out.push(entries.len() as u8);
            for entry in entries {
                out.push(entry.class);
                out.push(mu_law_encode(entry.weight) as u8);
            }
        }
    }

    /// Reads what [`Linear::write`] wrote, checking the class count.
    pub(crate) fn read(reader: &mut Reader<'_>, classes: usize) -> Result<Linear, String> {
        let found = reader.u32().ok_or("truncated header")? as usize;
        if found != classes {
            return Err(format!(
                "model has {found} classes where this version has {classes}"
            ));
        }
        let count = reader.u64().ok_or("truncated header")? as usize;
        // Each feature takes at least two bytes: a corrupt count must not
        // make us reserve memory the file cannot fill.
        if count > reader.remaining() / 2 {
            return Err("feature count does not match the file size".into());
        }
        let decode = mu_law_table();
        let mut model = Linear::with_capacity(classes, count, reader.remaining() / 2);
        let mut key = 0u64;
        for _ in 0..count {
            let gap = reader.varint().ok_or("truncated features")?;
            key = key
                .checked_add(gap)
                .filter(|&k| gap != 0 && k < 1 << KEY_BITS)
                .ok_or("feature keys out of order")?;
            let len = reader.take(1).ok_or("truncated features")?[0] as usize;
            let bytes = reader.take(len * 2).ok_or("truncated features")?;
            let start = model.entries.len();
            for pair in bytes.chunks_exact(2) {
                if pair[0] as usize >= classes {
                    return Err("class number out of range".into());
                }
                model.entries.push(Entry {
                    class: pair[0],
                    weight: decode[pair[1] as usize],
                });
            }
            model.insert(key, start);
        }
        Ok(model)
    }
}

/// Largest quantized weight; weights are stored in memory as `i16` in
/// `-SCALE..=SCALE`.
const SCALE: f32 = 32_000.0;
/// μ of the μ-law (as in telephony): 255 gives steps of about 4.5%.
const MU: f32 = 255.0;

fn mu_law_encode(weight: i16) -> i8 {
    let x = (weight as f32 / SCALE).clamp(-1.0, 1.0);
    let code = (127.0 * (1.0 + MU * x.abs()).ln() / (1.0 + MU).ln()).round();
    (code.copysign(x)) as i8
}

/// Weight of each code, indexed by the code's byte (`code as u8`).
fn mu_law_table() -> [i16; 256] {
    let mut table = [0i16; 256];
    for (byte, value) in table.iter_mut().enumerate() {
        let code = byte as u8 as i8 as f32;
        let magnitude = ((1.0 + MU).powf(code.abs() / 127.0) - 1.0) / MU;
        *value = (magnitude * SCALE).round().copysign(code) as i16;
    }
    table
}

fn write_varint(out: &mut Vec<u8>, mut value: u64) {
    while value >= 0x80 {
        out.push((value as u8) | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

/// Words the parser knows by name: those seen at least twice in training.
/// Any other word is read as its shape, as rare words were in training, so
/// the weights learned for unknown words apply to unseen ones.
#[derive(Debug, Clone, Default)]
pub(crate) struct Vocabulary(HashSet<u64, BuildHasherDefault<KeyHasher>>);

/// Words are kept by the low 48 bits of their hash.
const VOCABULARY_BITS: u64 = 0xffff_ffff_ffff;

impl Vocabulary {
    /// The words of `hashes` that occur at least `min_count` times.
    pub(crate) fn from_counts(hashes: impl Iterator<Item = u64>, min_count: usize) -> Vocabulary {
        let mut counts: HashMap<u64, usize, BuildHasherDefault<KeyHasher>> = HashMap::default();
        for hash in hashes {
            *counts.entry(hash & VOCABULARY_BITS).or_default() += 1;
        }
        Vocabulary(
            counts
                .into_iter()
                .filter(|&(_, count)| count >= min_count)
                .map(|(hash, _)| hash)
                .collect(),
        )
    }

    pub(crate) fn contains(&self, hash: u64) -> bool {
        self.0.contains(&(hash & VOCABULARY_BITS))
    }

    /// Appends the word count, then the sorted hashes as LEB128 gaps.
    pub(crate) fn write(&self, out: &mut Vec<u8>) {
        let mut hashes: Vec<u64> = self.0.iter().copied().collect();
        hashes.sort_unstable();
        out.extend_from_slice(&(hashes.len() as u64).to_le_bytes());
        let mut previous = 0;
        for hash in hashes {
            write_varint(out, hash - previous);
            previous = hash;
        }
    }

    pub(crate) fn read(reader: &mut Reader<'_>) -> Result<Vocabulary, String> {
        let count = reader.u64().ok_or("truncated vocabulary")? as usize;
        if count > reader.remaining() {
            return Err("vocabulary size does not match the file size".into());
        }
        let mut set = HashSet::with_capacity_and_hasher(count, Default::default());
        let mut hash = 0u64;
        for _ in 0..count {
            hash = hash
                .checked_add(reader.varint().ok_or("truncated vocabulary")?)
                .ok_or("vocabulary out of order")?;
            set.insert(hash);
        }
        Ok(Vocabulary(set))
    }
}

/// A little-endian reader over a byte slice.
pub(crate) struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    pub(crate) fn new(bytes: &'a [u8]) -> Reader<'a> {
        Reader { bytes, at: 0 }
    }
    pub(crate) fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let slice = self.bytes.get(self.at..self.at.checked_add(n)?)?;
        self.at += n;
        Some(slice)
    }
    pub(crate) fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes(self.take(4)?.try_into().ok()?))
    }
    pub(crate) fn u64(&mut self) -> Option<u64> {
        Some(u64::from_le_bytes(self.take(8)?.try_into().ok()?))
    }
    pub(crate) fn remaining(&self) -> usize {
        self.bytes.len() - self.at
    }
    fn varint(&mut self) -> Option<u64> {
        let mut value = 0u64;
        for shift in (0..64).step_by(7) {
            let byte = self.take(1)?[0];
            value |= ((byte & 0x7f) as u64) << shift;
            if byte < 0x80 {
                return Some(value);
            }
        }
        None
    }
}

/// One class's weight of a feature during training.
#[derive(Debug, Clone, Copy)]
struct Cell {
    class: u8,
    current: f32,
    /// Sum over updates of `step × delta`, for averaging (Daumé's trick:
    /// the average is `current − timed / steps`).
    timed: f64,
}

/// An averaged perceptron with sparse rows.
pub(crate) struct Perceptron {
    classes: usize,
    rows: HashMap<u64, u32, BuildHasherDefault<KeyHasher>>,
    cells: Vec<Vec<Cell>>,
    step: f64,
}

impl Perceptron {
    pub(crate) fn new(classes: usize) -> Perceptron {
        Perceptron {
            classes,
            rows: HashMap::default(),
            cells: Vec::new(),
            step: 1.0,
        }
    }

    pub(crate) fn feature_count(&self) -> usize {
        self.rows.len()
    }

    /// Current (not averaged) scores of `features`, into `scores`.
    pub(crate) fn score(&self, features: &[u64], scores: &mut [f32]) {
        scores.fill(0.0);
        for key in features {
            if let Some(&row) = self.rows.get(key) {
                for cell in &self.cells[row as usize] {
                    scores[cell.class as usize] += cell.current;
                }
            }
        }
    }

    /// Moves the weights of `features` for `class` by `delta`.
    pub(crate) fn update(&mut self, features: &[u64], class: usize, delta: f32) {
        for &key in features {
            let next = self.cells.len() as u32;
            let row = *self.rows.entry(key).or_insert(next);
            if row == next {
                self.cells.push(Vec::new());
            }
            let cells = &mut self.cells[row as usize];
            let cell = match cells.iter().position(|c| c.class as usize == class) {
                Some(i) => &mut cells[i],
                None => {
                    cells.push(Cell {
                        class: class as u8,
                        current: 0.0,
                        timed: 0.0,
                    });
                    cells.last_mut().expect("just pushed")
                }
            };
            cell.current += delta;
            cell.timed += self.step * delta as f64;
        }
    }

    /// Counts one training example (for averaging).
    pub(crate) fn tick(&mut self) {
        self.step += 1.0;
    }

    /// The averaged weights as a compact model: entries whose average is
    /// below `prune` times the largest in absolute value are dropped, the rest quantized to
    /// 16 bits with one scale (scores only ever compare within a model).
    pub(crate) fn finish(&self, prune: f32) -> Linear {
        let average = |c: &Cell| (c.current as f64 - c.timed / self.step) as f32;
        let largest = self
            .cells
            .iter()
            .flatten()
            .fold(0.0f32, |m, c| m.max(average(c).abs()));
        let threshold = (prune * largest).max(f32::MIN_POSITIVE);
        let mut rows: Vec<(u64, Vec<(u8, f32)>)> = Vec::new();
        for (&key, &row) in &self.rows {
            let kept: Vec<(u8, f32)> = self.cells[row as usize]
                .iter()
                .map(|c| (c.class, average(c)))
                .filter(|(_, w)| w.abs() >= threshold)
                .collect();
            if !kept.is_empty() {
                rows.push((key, kept));
            }
        }
        let scale = if largest > 0.0 { SCALE / largest } else { 1.0 };
        let table = mu_law_table();
        let rows: Vec<(u64, Vec<(u8, i16)>)> = rows
            .into_iter()
            .map(|(key, row)| {
                let row = row
                    .into_iter()
                    .map(|(c, w)| (c, (w * scale).round() as i16))
                    // What the file cannot keep is dropped now, so a trained
                    // model scores as it will after saving and loading.
                    .map(|(c, w)| (c, table[mu_law_encode(w) as u8 as usize]))
                    .filter(|(_, w)| *w != 0)
                    .collect();
                (key, row)
            })
            .filter(|(_, row): &(u64, Vec<(u8, i16)>)| !row.is_empty())
            .collect();
        Linear::from_rows(self.classes, rows)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mu_law_round_trips_within_a_few_percent() {
        let table = mu_law_table();
        for w in [-32_000i16, -5_000, -100, -7, 0, 3, 50, 1_234, 32_000] {
            let back = table[mu_law_encode(w) as u8 as usize];
            // Steps are about 4.5% apart, and the smallest is about 6.
            assert!(
                (back as f32 - w as f32).abs() <= 0.05 * (w as f32).abs() + 6.0,
                "{w} -> {back}"
            );
        }
    }

    #[test]
    fn perceptron_learns_and_round_trips() {
        let mut p = Perceptron::new(3);
        for _ in 0..5 {
            p.update(&[11, 13], 2, 1.0);
            p.update(&[11], 0, -1.0);
            p.tick();
        }
        let model = p.finish(0.0);
        let mut scores = [0i32; 3];
        model.score(&[11, 13, 99], &mut scores);
        assert!(scores[2] > scores[1] && scores[1] > scores[0]);
        let mut bytes = Vec::new();
        model.write(&mut bytes);
        let mut reader = Reader::new(&bytes);
        let again = Linear::read(&mut reader, 3).unwrap();
        let mut rescored = [0i32; 3];
        again.score(&[11, 13, 99], &mut rescored);
        assert_eq!(scores, rescored);
        assert!(Linear::read(&mut Reader::new(&bytes), 4).is_err());
        assert!(Linear::read(&mut Reader::new(&bytes[..bytes.len() - 1]), 3).is_err());
    }
}
