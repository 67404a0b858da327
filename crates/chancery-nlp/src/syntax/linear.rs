//! Sparse multi-class linear models: the compact table the tagger and the
//! parser score with, and the averaged perceptron that fills it.
//!
//! A feature is a 64-bit hash. Most features only ever speak for a few
//! classes (a word's tags, an arc's labels), so each keeps a short list of
//! `(class, weight)` pairs instead of a full row: the parser has ~95 classes
//! and a dense table would be tens of times larger.
//!
//! Scoring is bound by memory, not arithmetic: a parser transition looks up
//! 79 features, most of them in a table far larger than the processor's
//! caches. So the table is laid out to be small and to need few cache
//! lines per lookup: features sorted by key, grouped into buckets by the
//! key's high bits (a dense array of bucket starts, about one feature per
//! bucket), each row a 4-byte header then 2 bytes per weight (its class and
//! its μ-law code, the form the model file keeps). A lookup reads one start
//! pair and, unless the bucket is empty, the bucket's rows, which mostly
//! share one cache line.

use std::collections::{HashMap, HashSet};
use std::hash::BuildHasherDefault;

use crate::ner::KeyHasher;
use crate::pages::Pages;

/// A trained model: features sorted by key in buckets of their high bits,
/// each with a run of `(class, weight)` entries. The tables are read at
/// random, so they are kept in huge pages (see [`Pages`]).
#[derive(Debug, Clone)]
pub(crate) struct Linear {
    classes: usize,
    features: usize,
    /// Right shift that takes a key to its bucket; the bits below it are the
    /// key's remainder, which a row header keeps.
    shift: u32,
    /// Bucket `b`'s rows are `cells[starts[b]..starts[b + 1]]`.
    starts: Pages<u32>,
    /// Rows in ascending key order. A row is its header in two cells (the
    /// key's remainder in the low 24 bits, the entry count in the high 8),
    /// for a row of [`DENSE_MIN`] entries or more the number of its dense
    /// row in two cells, then one cell per entry: the class in the low
    /// byte, the weight's μ-law code in the high byte.
    cells: Pages<u16>,
    /// The weight of each μ-law code, indexed by the code's byte.
    weights: [i16; 256],
    /// The long rows again, each as one weight per class (zero where the
    /// row has no entry), `classes` apart.
    dense: Pages<i32>,
}

/// A [`Linear`] being filled, feature by feature in ascending key order.
struct Builder {
    classes: usize,
    features: usize,
    shift: u32,
    starts: Vec<u32>,
    cells: Vec<u16>,
    weights: [i16; 256],
    dense: Vec<i32>,
}

/// Rows with at least this many entries are also kept dense. A parser
/// transition sums about 1,800 entries, most of them from a few thousand
/// rows of tags and labels with 20 to 66 classes each: added as whole
/// rows (a loop the compiler vectorizes) instead of entry by entry (a
/// read-modify-write of a class's score each), they cost a fraction.
/// The entries stay, for writing the model back.
const DENSE_MIN: usize = 24;

/// Feature keys have this many bits (see [`key_of`]).
const KEY_BITS: u32 = 40;
/// Bits of a key's remainder below its bucket that a row header keeps.
const REMAINDER_BITS: u32 = 24;

/// A feature's key from its 64-bit hash: 40 bits, so the model file can
/// store sorted keys as gaps of about three bytes while a million features
/// still collide with an unseen one about once in a million probes; the
/// low bit set keeps zero free.
#[inline]
pub(crate) fn key_of(hash: u64) -> u64 {
    (hash >> (64 - KEY_BITS)) | 1
}

/// Features looked up together: the bucket starts of a chunk are all read
/// before any row, so the processor overlaps their cache misses.
const CHUNK: usize = 80;

impl Builder {
    /// An empty table sized for `features` rows and `entries` weights.
    fn with_capacity(classes: usize, features: usize, entries: usize) -> Builder {
        // About one feature per bucket: a bucket's rows then mostly fit one
        // cache line, and the starts array stays a quarter of the rows'
        // size. Never fewer buckets than the header's remainder allows.
        let bits = features
            .max(1)
            .next_power_of_two()
            .trailing_zeros()
            .max(KEY_BITS - REMAINDER_BITS);
        Builder {
            classes,
            features: 0,
            shift: KEY_BITS - bits,
            starts: Vec::with_capacity((1 << bits) + 1),
            cells: Vec::with_capacity(2 * features + entries),
            weights: mu_law_table(),
            dense: Vec::new(),
        }
    }

    /// Adds a feature (keys in strictly ascending order) with its entries
    /// as `(class, μ-law code)` pairs.
    fn push(&mut self, key: u64, entries: impl ExactSizeIterator<Item = (u8, u8)>) {
        let bucket = (key >> self.shift) as usize;
        let here = self.cells.len() as u32;
        // Buckets up to this key's own start here (the empty ones end here too).
        while self.starts.len() <= bucket {
            self.starts.push(here);
        }
        let len = entries.len();
        let header = (key & ((1 << self.shift) - 1)) as u32 | (len as u32) << 24;
        self.cells.push(header as u16);
        self.cells.push((header >> 16) as u16);
        if len >= DENSE_MIN {
            let row = (self.dense.len() / self.classes) as u32;
            self.cells.push(row as u16);
            self.cells.push((row >> 16) as u16);
            self.dense.resize(self.dense.len() + self.classes, 0);
        }
        let first = self.cells.len();
        self.cells
            .extend(entries.map(|(class, code)| class as u16 | (code as u16) << 8));
        if len >= DENSE_MIN {
            let row = self.dense.len() - self.classes;
            for &cell in &self.cells[first..] {
                // Classes were checked against `classes` by the callers.
                self.dense[row + (cell & 0xff) as usize] +=
                    self.weights[(cell >> 8) as usize] as i32;
            }
        }
        self.features += 1;
    }

    /// Closes the last bucket once every feature is in.
    fn seal(mut self) -> Linear {
        let end = self.cells.len() as u32;
        let buckets = 1usize << (KEY_BITS - self.shift);
        while self.starts.len() <= buckets {
            self.starts.push(end);
        }
        Linear {
            classes: self.classes,
            features: self.features,
            shift: self.shift,
            starts: Pages::new(&self.starts),
            cells: Pages::new(&self.cells),
            weights: self.weights,
            dense: Pages::new(&self.dense),
        }
    }
}

impl Linear {
    /// A model from rows of quantized weights (each a weight of the μ-law
    /// table, as [`Perceptron::finish`] makes them).
    pub(crate) fn from_rows(classes: usize, mut rows: Vec<(u64, Vec<(u8, i16)>)>) -> Linear {
        rows.sort_unstable_by_key(|row| row.0);
        let entries = rows.iter().map(|r| r.1.len()).sum();
        let mut model = Builder::with_capacity(classes, rows.len(), entries);
        for (key, row) in rows {
            model.push(
                key,
                row.iter()
                    .map(|&(class, weight)| (class, mu_law_encode(weight) as u8)),
            );
        }
        model.seal()
    }

    pub(crate) fn feature_count(&self) -> usize {
        self.features
    }

    /// Every feature in ascending key order: its key and its entries' cells.
    fn rows(&self) -> impl Iterator<Item = (u64, &[u16])> + '_ {
        self.starts
            .windows(2)
            .enumerate()
            .flat_map(move |(bucket, w)| {
                let mut at = w[0] as usize;
                let end = w[1] as usize;
                std::iter::from_fn(move || {
                    if at >= end {
                        return None;
                    }
                    let header = self.cells[at] as u64 | (self.cells[at + 1] as u64) << 16;
                    let len = (header >> 24) as usize;
                    let key = (bucket as u64) << self.shift | (header & 0xff_ffff);
                    let first = at + head_cells(len);
                    let entries = &self.cells[first..first + len];
                    at = first + len;
                    Some((key, entries))
                })
            })
    }

    /// Adds the weights of `features` into `scores` (one per class), cleared first.
    pub(crate) fn score(&self, features: &[u64], scores: &mut [i32]) {
        scores.fill(0);
        let remainder = (1u64 << self.shift) - 1;
        // Each table's bounds once, not at every lookup.
        let (starts, cells, dense) = (&self.starts[..], &self.cells[..], &self.dense[..]);
        for chunk in features.chunks(CHUNK) {
            // Three passes, so that the processor overlaps the cache misses
            // of a chunk's features rather than waiting for each in turn:
            // every bucket's bounds (loads independent of each other), then
            // a read of each bucket's first row (independent again, and
            // without a branch on what was read), then the rows themselves.
            let mut bounds = [(0u32, 0u32); CHUNK];
            for (bound, &key) in bounds.iter_mut().zip(chunk) {
                let bucket = (key >> self.shift) as usize;
                *bound = (starts[bucket], starts[bucket + 1]);
            }
            let mut touched = 0u16;
            for &(start, end) in &bounds[..chunk.len()] {
                // An empty bucket reads the first cell, which stays cached.
                let at = if start < end { start as usize } else { 0 };
                touched ^= cells.get(at).copied().unwrap_or(0);
            }
            std::hint::black_box(touched);
            for (&key, &(start, end)) in chunk.iter().zip(&bounds) {
                let want = (key & remainder) as u32;
                let mut at = start as usize;
                let end = end as usize;
                while at < end {
                    let header = cells[at] as u32 | (cells[at + 1] as u32) << 16;
                    let len = (header >> 24) as usize;
                    let found = header & 0xff_ffff;
                    if found >= want {
                        if found == want && len >= DENSE_MIN {
                            let row = (cells[at + 2] as usize | (cells[at + 3] as usize) << 16)
                                * self.classes;
                            let dense = &dense[row..row + self.classes];
                            for (score, &weight) in scores.iter_mut().zip(dense) {
                                *score += weight;
                            }
                        } else if found == want {
                            for &cell in &cells[at + 2..at + 2 + len] {
                                scores[(cell & 0xff) as usize] +=
                                    self.weights[(cell >> 8) as usize] as i32;
                            }
                        }
                        break;
                    }
                    at += head_cells(len) + len;
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
        let mut previous = 0u64;
        for (key, entries) in self.rows() {
            write_varint(out, key - previous);
            previous = key;
            out.push(entries.len() as u8);
            for &cell in entries {
                out.push(cell as u8);
                out.push((cell >> 8) as u8);
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
        let mut model = Builder::with_capacity(classes, count, reader.remaining() / 2);
        let mut key = 0u64;
        for _ in 0..count {
            let gap = reader.varint().ok_or("truncated features")?;
            key = key
                .checked_add(gap)
                .filter(|&k| gap != 0 && k < 1 << KEY_BITS)
                .ok_or("feature keys out of order")?;
            let len = reader.take(1).ok_or("truncated features")?[0] as usize;
            let bytes = reader.take(len * 2).ok_or("truncated features")?;
            if bytes
                .chunks_exact(2)
                .any(|pair| pair[0] as usize >= classes)
            {
                return Err("class number out of range".into());
            }
            model.push(key, bytes.chunks_exact(2).map(|pair| (pair[0], pair[1])));
        }
        Ok(model.seal())
    }
}

/// Cells before a row's entries: its header, and the number of its dense
/// row when it has one.
#[inline]
fn head_cells(len: usize) -> usize {
    if len >= DENSE_MIN {
        4
    } else {
        2
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
pub(crate) mod tests {
    use super::*;

    /// The next number of a xorshift sequence: random enough for tests,
    /// and the same on every run.
    pub(crate) fn xorshift(seed: &mut u64) -> u64 {
        *seed ^= *seed << 13;
        *seed ^= *seed >> 7;
        *seed ^= *seed << 17;
        *seed
    }

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
    fn mu_law_codes_survive_decoding() {
        // Models keep codes, trained ones keep weights of the table: both
        // must be the same weights.
        let table = mu_law_table();
        for code in -127i8..=127 {
            assert_eq!(mu_law_encode(table[code as u8 as usize]), code);
        }
    }

    #[test]
    fn scores_as_a_plain_map_would() {
        // Enough features for many buckets, some of them crowded, keys
        // absent or colliding with present ones in their high bits.
        let table = mu_law_table();
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut next = || xorshift(&mut seed);
        let mut rows: HashMap<u64, Vec<(u8, i16)>> = HashMap::new();
        for row in 0..200_000 {
            let key = key_of(next());
            // Every fiftieth row long enough to be kept dense too.
            let len = if row % 50 == 0 {
                DENSE_MIN as u64 + next() % 40
            } else {
                1 + next() % 6
            };
            let row = (0..len)
                .map(|_| {
                    // Codes -127..=127: the ones a file can hold.
                    let code = ((next() % 255) as i64 - 127) as i8;
                    ((next() % 96) as u8, table[code as u8 as usize])
                })
                .collect();
            rows.insert(key, row);
        }
        let model = Linear::from_rows(96, rows.clone().into_iter().collect());
        assert_eq!(model.feature_count(), rows.len());
        let keys: Vec<u64> = rows.keys().copied().collect();
        let mut scores = [0i32; 96];
        for round in 0..500 {
            let features: Vec<u64> = (0..79)
                .map(|k| match k % 3 {
                    0 => keys[(next() % keys.len() as u64) as usize],
                    // Same bucket as a present key, different remainder.
                    1 => keys[(next() % keys.len() as u64) as usize] ^ 0x10,
                    _ => key_of(next()),
                })
                .collect();
            let mut expected = [0i32; 96];
            for key in &features {
                for &(class, weight) in rows.get(key).map_or(&[][..], |r| r.as_slice()) {
                    expected[class as usize] += weight as i32;
                }
            }
            model.score(&features, &mut scores);
            assert_eq!(scores, expected, "round {round}");
        }
        let mut bytes = Vec::new();
        model.write(&mut bytes);
        let again = Linear::read(&mut Reader::new(&bytes), 96).unwrap();
        let mut again_bytes = Vec::new();
        again.write(&mut again_bytes);
        assert_eq!(bytes, again_bytes);
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
