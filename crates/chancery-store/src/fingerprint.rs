//! Text fingerprints for duplicate detection: a normalized content hash, a
//! 64-bit SimHash and a MinHash signature with its LSH band keys, all over
//! word 3-shingles of the body.
//!
//! Near-duplicates are found with MinHash/LSH rather than SimHash: a
//! syndicated copy that gained a footer or lost a paragraph differs in a tenth
//! of its shingles, which flips several SimHash bits (beyond the 3 that a
//! banded SimHash index can find) but barely moves the Jaccard estimate. The
//! SimHash is stored beside it for later clustering work.
//!
//! This is pure computation; it moves to `chancery-corpus` when that crate
//! lands.

use xxhash_rust::xxh3::{xxh3_64, xxh3_64_with_seed};

/// Words per shingle.
const SHINGLE: usize = 3;
/// Hash functions in a MinHash signature.
pub(crate) const MINHASHES: usize = 60;
/// LSH bands; each band is `MINHASHES / BANDS` consecutive minima.
pub(crate) const BANDS: usize = 20;
const ROWS: usize = MINHASHES / BANDS;
/// Fewer shingles than this and the text is too short to call anything a
/// near-duplicate of it (stubs and one-liners would match each other).
const MIN_SHINGLES: usize = 8;
/// Estimated Jaccard similarity from which two texts are near-duplicates.
pub(crate) const NEAR_DUPLICATE_JACCARD: f64 = 0.6;

/// The fingerprints of one text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fingerprint {
    /// xxh3-64 of the lower-cased words joined by single spaces: equal for
    /// texts that differ only in case, punctuation and white space.
    pub content_hash: u64,
    /// 64-bit SimHash over the shingles (0 for a text without words).
    pub simhash: u64,
    /// MinHash signature, absent when the text is too short to compare.
    pub minhash: Option<[u32; MINHASHES]>,
}

impl Fingerprint {
    /// Fingerprints `text`.
    pub fn of(text: &str) -> Fingerprint {
        let words: Vec<u64> = words(text).map(|w| xxh3_64(w.as_bytes())).collect();
        let content_hash = {
            let mut state = Vec::with_capacity(words.len() * 8);
            for w in &words {
                state.extend_from_slice(&w.to_le_bytes());
            }
            xxh3_64(&state)
        };
        let shingles: Vec<u64> = if words.len() < SHINGLE {
            Vec::new()
        } else {
            words
                .windows(SHINGLE)
                .map(|w| {
                    let mut bytes = [0u8; 8 * SHINGLE];
                    for (i, h) in w.iter().enumerate() {
                        bytes[i * 8..i * 8 + 8].copy_from_slice(&h.to_le_bytes());
                    }
                    xxh3_64(&bytes)
                })
                .collect()
        };
        Fingerprint {
            content_hash,
            simhash: simhash(&shingles),
            minhash: (shingles.len() >= MIN_SHINGLES).then(|| minhash(&shingles)),
        }
    }

    /// The LSH keys of the signature: two signatures that agree on all rows of
    /// any band share a key. Empty without a signature.
    pub fn band_keys(&self) -> Vec<i64> {
        self.minhash
            .as_ref()
            .map(|signature| band_keys_of(signature))
            .unwrap_or_default()
    }
}

/// The LSH keys of a signature (see [`Fingerprint::band_keys`]): each band's
/// minima hashed, seeded by the band number so that equal minima in
/// different bands are different keys, and cut to 32 bits, which SQLite
/// stores in 4 bytes instead of 8 (version 6). Twenty keys per article
/// meet by chance about once in 200 million pairs of articles, and a
/// chance meeting costs only a signature compared, never a wrong answer.
pub(crate) fn band_keys_of(signature: &[u32]) -> Vec<i64> {
    signature
        .chunks(ROWS)
        .enumerate()
        .map(|(band, rows)| {
            let mut bytes = [0u8; 4 * ROWS];
            for (i, m) in rows.iter().enumerate() {
                bytes[i * 4..i * 4 + 4].copy_from_slice(&m.to_le_bytes());
            }
            i64::from(xxh3_64_with_seed(&bytes, band as u64) as u32 as i32)
        })
        .collect()
}

/// Lower-cased alphanumeric words.
fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            if w.is_ascii() {
                w.to_ascii_lowercase()
            } else {
                w.to_lowercase()
            }
        })
}

fn simhash(shingles: &[u64]) -> u64 {
    if shingles.is_empty() {
        return 0;
    }
    let mut counts = [0i32; 64];
    for &h in shingles {
        for (bit, count) in counts.iter_mut().enumerate() {
            *count += if h >> bit & 1 == 1 { 1 } else { -1 };
        }
    }
    counts
        .iter()
        .enumerate()
        .filter(|(_, &c)| c > 0)
        .fold(0u64, |acc, (bit, _)| acc | 1 << bit)
}

/// The MinHash signature: for each of the hash functions, the least hash of
/// any shingle. The functions are multiply-add permutations of the shingle's
/// xxh3 hash, keeping the high 32 bits.
fn minhash(shingles: &[u64]) -> [u32; MINHASHES] {
    let mut signature = [u32::MAX; MINHASHES];
    for &h in shingles {
        for (slot, (a, b)) in signature.iter_mut().zip(PERMUTATIONS.iter()) {
            let value = (h.wrapping_mul(*a).wrapping_add(*b) >> 32) as u32;
            if value < *slot {
                *slot = value;
            }
        }
    }
    signature
}

/// Odd multipliers and offsets from a SplitMix64 sequence, fixed at compile
/// time so signatures stay comparable across runs and builds.
const PERMUTATIONS: [(u64, u64); MINHASHES] = {
    let mut table = [(0u64, 0u64); MINHASHES];
    let mut state: u64 = 0x6368_616e_6365_7279; // "chancery"
    let mut i = 0;
    while i < MINHASHES {
        state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let a = splitmix(state) | 1;
        state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let b = splitmix(state);
        table[i] = (a, b);
        i += 1;
    }
    table
};

const fn splitmix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// The share of equal minima: an estimate of the Jaccard similarity of the
/// two shingle sets.
pub(crate) fn jaccard(a: &[u32], b: &[u32]) -> f64 {
    if a.is_empty() || a.len() != b.len() {
        return 0.0;
    }
    let equal = a.iter().zip(b).filter(|(x, y)| x == y).count();
    equal as f64 / a.len() as f64
}

/// A signature as stored: little-endian `u32`s.
pub(crate) fn signature_to_bytes(signature: &[u32; MINHASHES]) -> Vec<u8> {
    signature.iter().flat_map(|m| m.to_le_bytes()).collect()
}

/// A stored signature read back; `None` for a blob of the wrong size.
pub(crate) fn signature_from_bytes(bytes: &[u8]) -> Option<Vec<u32>> {
    (bytes.len() == MINHASHES * 4).then(|| {
        bytes
            .chunks_exact(4)
            .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const STORY: &str = "The city council approved a new transport plan on Thursday after a \
        long debate, with eleven votes in favour and four against. The plan takes effect \
        next spring and will be reviewed after two years, the council's chair told \
        reporters outside the chamber. Bus fares will be frozen for the first year while \
        two new tram lines are built along the river and through the northern suburbs. \
        Opposition members said the budget for the tram lines was too optimistic and \
        asked for an independent review of the costs before any contract is signed.";

    fn similarity(a: &str, b: &str) -> f64 {
        let (a, b) = (Fingerprint::of(a), Fingerprint::of(b));
        jaccard(&a.minhash.unwrap(), &b.minhash.unwrap())
    }

    #[test]
    fn content_hash_ignores_case_punctuation_and_spacing() {
        let a = Fingerprint::of("Hello, world!  How are you?");
        let b = Fingerprint::of("hello world\n\nhow are YOU");
        assert_eq!(a.content_hash, b.content_hash);
        assert_ne!(
            a.content_hash,
            Fingerprint::of("hello world how are we").content_hash
        );
    }

    #[test]
    fn a_copy_with_a_footer_is_a_near_duplicate() {
        let copy = format!("{STORY} Copyright 2025 The Wire. All rights reserved.");
        assert!(similarity(STORY, &copy) >= NEAR_DUPLICATE_JACCARD);
        let (a, b) = (Fingerprint::of(STORY), Fingerprint::of(&copy));
        let shared = a
            .band_keys()
            .iter()
            .filter(|k| b.band_keys().contains(k))
            .count();
        assert!(shared > 0, "the copy shares an LSH bucket");
    }

    #[test]
    fn a_different_story_is_not() {
        let other = "Heavy rain flooded several streets in the harbour district overnight, \
            and firefighters pumped water out of dozens of basements until the morning. \
            The weather service expects more storms on Saturday and advised residents to \
            move cars away from the quays. Schools in the district will stay closed.";
        assert!(similarity(STORY, other) < 0.1);
    }

    #[test]
    fn short_texts_get_no_signature() {
        let f = Fingerprint::of("This article will be expanded soon.");
        assert!(f.minhash.is_none());
        assert!(f.band_keys().is_empty());
        assert_eq!(Fingerprint::of("").simhash, 0);
    }

    #[test]
    fn signatures_round_trip_through_bytes() {
        let signature = Fingerprint::of(STORY).minhash.unwrap();
        let back = signature_from_bytes(&signature_to_bytes(&signature)).unwrap();
        assert_eq!(back, signature.to_vec());
        assert!(signature_from_bytes(&[1, 2, 3]).is_none());
    }

    #[test]
    fn band_keys_fit_in_32_bits_and_follow_the_signature() {
        let fingerprint = Fingerprint::of(STORY);
        let keys = fingerprint.band_keys();
        assert_eq!(keys.len(), BANDS);
        assert!(keys.iter().all(|&k| i64::from(k as i32) == k));
        assert_eq!(keys, band_keys_of(&fingerprint.minhash.unwrap()));
        let distinct: std::collections::HashSet<_> = keys.iter().collect();
        assert_eq!(distinct.len(), BANDS, "bands are seeded apart");
    }

    #[test]
    fn simhash_of_a_copy_is_close() {
        let copy = STORY.replace("Thursday", "Friday");
        let d = (Fingerprint::of(STORY).simhash ^ Fingerprint::of(&copy).simhash).count_ones();
        assert!(d < 16, "hamming distance {d}");
    }
}
