//! Feature extraction for the named-entity tagger.
//!
//! Every feature is a 64-bit hash of a template id and the hashes of the words
//! it looks at. Per-token hashes are computed once per document, so a feature
//! costs a multiply and a table probe, and nothing is allocated per token.

/// Per-token facts that feature templates combine.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct TokenInfo {
    pub word: u64,
    pub lower: u64,
    pub shape: u64,
    pub suffix2: u64,
    pub suffix3: u64,
    pub suffix4: u64,
    pub flags: u16,
    /// Knowledge-base classes of a phrase this token is part of (see [`Gazetteer`](crate::ner::GazetteerClass)).
    pub gazetteer: u16,
}

/// The token starts with an upper-case letter.
pub(crate) const INIT_CAP: u16 = 1;
/// Every letter of the token is upper case (and it has at least one).
pub(crate) const ALL_CAPS: u16 = 1 << 1;
/// The token has a digit.
pub(crate) const HAS_DIGIT: u16 = 1 << 2;
/// The lower-case form of this word occurs in lower case elsewhere in the document.
pub(crate) const SEEN_LOWER: u16 = 1 << 3;
/// The word occurs capitalized, not first in its sentence, in a mixed-case sentence of the document.
pub(crate) const SEEN_CAPITALIZED_INSIDE: u16 = 1 << 4;
/// The token is in a sentence written all in capitals (a headline).
pub(crate) const CAPS_SENTENCE: u16 = 1 << 5;
/// The token starts with a letter.
pub(crate) const ALPHA_START: u16 = 1 << 6;

/// Keys here are already hashes; hashing them again is wasted time.
#[derive(Default)]
pub(crate) struct KeyHasher(u64);

impl std::hash::Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            self.0 = fx(self.0, u64::from_le_bytes(word));
        }
    }
    fn write_u8(&mut self, byte: u8) {
        self.0 = fx(self.0, byte as u64);
    }
    fn write_u32(&mut self, value: u32) {
        self.0 = fx(self.0, value as u64);
    }
    fn write_u64(&mut self, key: u64) {
        self.0 = key;
    }
}

type KeySet = std::collections::HashSet<u64, std::hash::BuildHasherDefault<KeyHasher>>;

const FX: u64 = 0x51_7c_c1_b7_27_22_0a_95;

#[inline]
fn fx(h: u64, x: u64) -> u64 {
    (h.rotate_left(5) ^ x).wrapping_mul(FX)
}

/// Final avalanche so that nearby inputs spread over the whole table.
#[inline]
pub(crate) fn finish(mut h: u64) -> u64 {
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^= h >> 33;
    h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    h ^= h >> 33;
    h
}

/// Combines two hashes into one (for chains of words).
pub(crate) fn mix_hashes(a: u64, b: u64) -> u64 {
    finish(fx(fx(0x2545_f491_4f6c_dd1d, a), b))
}

/// Hashes a feature: a template id and up to three word hashes.
#[inline]
pub(crate) fn feature(template: u64, a: u64, b: u64) -> u64 {
    let h = finish(fx(fx(fx(0x9e37_79b9_7f4a_7c15, template), a), b));
    // Zero marks an empty slot in the weight table.
    h | 1
}

fn hash_chars(chars: impl Iterator<Item = char>) -> u64 {
    let mut h = 0xcbf2_9ce4_8422_2325;
    for c in chars {
        h = fx(h, c as u64);
    }
    finish(h)
}

/// Digits all look alike to the tagger: "1996" and "2024" are one word.
fn normalize_digit(c: char) -> char {
    if c.is_ascii_digit() {
        '0'
    } else {
        c
    }
}

fn shape_class(c: char) -> char {
    if c.is_uppercase() {
        'X'
    } else if c.is_lowercase() {
        'x'
    } else if c.is_numeric() {
        'd'
    } else if c.is_alphabetic() {
        'a'
    } else {
        c
    }
}

impl TokenInfo {
    /// Computes the per-token hashes and surface flags of `word`.
    pub(crate) fn new(word: &str) -> TokenInfo {
        let mut flags = 0;
        let mut letters = 0usize;
        let mut upper = 0usize;
        let mut first = true;
        for c in word.chars() {
            if c.is_alphabetic() {
                letters += 1;
                if c.is_uppercase() {
                    upper += 1;
                    if first {
                        flags |= INIT_CAP;
                    }
                }
                if first {
                    flags |= ALPHA_START;
                }
            } else if c.is_numeric() {
                flags |= HAS_DIGIT;
            }
            first = false;
        }
        if letters > 0 && upper == letters {
            flags |= ALL_CAPS;
        }
        // One pass collects the lower-cased, digit-normalized characters of
        // words up to 32 characters; longer ones (rare) hash by streaming.
        let mut buffer = ['\0'; 32];
        let mut count = 0usize;
        if word.is_ascii() {
            for b in word.bytes() {
                if count < buffer.len() {
                    buffer[count] = normalize_digit(b.to_ascii_lowercase() as char);
                }
                count += 1;
            }
        } else {
            for c in word
                .chars()
                .flat_map(char::to_lowercase)
                .map(normalize_digit)
            {
                if count < buffer.len() {
                    buffer[count] = c;
                }
                count += 1;
            }
        }
        let mut shape = 0xcbf2_9ce4_8422_2325u64;
        let mut last = '\0';
        for class in word.chars().map(shape_class) {
            if class != last {
                shape = fx(shape, class as u64);
                last = class;
            }
        }
        let (lower, suffix): (u64, [u64; 3]) = if count <= buffer.len() {
            let chars = &buffer[..count];
            let slice_hash = |s: &[char]| hash_chars(s.iter().copied());
            let suffix = |n: usize| {
                if count < n {
                    0
                } else {
                    slice_hash(&chars[count - n..])
                }
            };
            (slice_hash(chars), [suffix(2), suffix(3), suffix(4)])
        } else {
            let lower_chars = || {
                word.chars()
                    .flat_map(char::to_lowercase)
                    .map(normalize_digit)
            };
            (
                hash_chars(lower_chars()),
                [
                    hash_chars(lower_chars().skip(count - 2)),
                    hash_chars(lower_chars().skip(count - 3)),
                    hash_chars(lower_chars().skip(count - 4)),
                ],
            )
        };
        TokenInfo {
            word: hash_chars(word.chars().map(normalize_digit)),
            lower,
            shape: finish(shape ^ (count.min(6) as u64) << 56),
            suffix2: suffix[0],
            suffix3: suffix[1],
            suffix4: suffix[2],
            flags,
            gazetteer: 0,
        }
    }
}

const BOUNDARY: TokenInfo = TokenInfo {
    word: 0x1111,
    lower: 0x1111,
    shape: 0x1111,
    suffix2: 0,
    suffix3: 0,
    suffix4: 0,
    flags: 0,
    gazetteer: 0,
};

/// Writes the features of token `i` of `sentence` into `out` (cleared first).
pub(crate) fn token_features(sentence: &[TokenInfo], i: usize, out: &mut Vec<u64>) {
    out.clear();
    let at = |offset: isize| -> &TokenInfo {
        let j = i as isize + offset;
        if j < 0 || j as usize >= sentence.len() {
            &BOUNDARY
        } else {
            &sentence[j as usize]
        }
    };
    let w = at(0);
    let (p1, p2, n1, n2) = (at(-1), at(-2), at(1), at(2));
    let caps_sentence = w.flags & CAPS_SENTENCE != 0;
    let position = if i == 0 { 1 } else { 0 };
    let surface = (w.flags & (INIT_CAP | ALL_CAPS | HAS_DIGIT | ALPHA_START)) as u64;
    let doc = (w.flags & (SEEN_LOWER | SEEN_CAPITALIZED_INSIDE)) as u64;

    out.push(feature(0, 0, 0));
    out.push(feature(1, w.word, 0));
    out.push(feature(2, w.lower, 0));
    out.push(feature(3, w.shape, position));
    out.push(feature(4, p1.lower, 0));
    out.push(feature(5, n1.lower, 0));
    out.push(feature(6, p2.lower, 0));
    out.push(feature(7, n2.lower, 0));
    out.push(feature(8, p1.shape, w.shape));
    out.push(feature(9, w.shape, n1.shape));
    out.push(feature(12, w.suffix2, 0));
    out.push(feature(13, w.suffix3, 0));
    out.push(feature(14, w.suffix4, 0));
    out.push(feature(19, p1.lower, w.shape));
    out.push(feature(20, w.shape, n1.lower));
    out.push(feature(
        21,
        surface | doc << 8 | (caps_sentence as u64) << 16,
        position,
    ));
    out.push(feature(
        22,
        w.lower,
        doc | (caps_sentence as u64) << 16 | position << 20,
    ));
    if w.gazetteer != 0 || p1.gazetteer != 0 || n1.gazetteer != 0 {
        out.push(feature(25, w.gazetteer as u64, surface));
        out.push(feature(26, p1.gazetteer as u64, n1.gazetteer as u64));
    }
}

/// Marks document-level and sentence-level flags on `infos`, given the
/// sentence ranges.
pub(crate) fn mark_document(infos: &mut [TokenInfo], sentences: &[std::ops::Range<usize>]) {
    let mut seen_lower = KeySet::default();
    let mut seen_inside = KeySet::default();
    for range in sentences {
        let sentence = &infos[range.clone()];
        let alpha = sentence
            .iter()
            .filter(|t| t.flags & ALPHA_START != 0)
            .count();
        let caps = sentence
            .iter()
            .filter(|t| t.flags & ALPHA_START != 0 && t.flags & ALL_CAPS != 0)
            .count();
        let caps_sentence = alpha >= 2 && caps * 10 >= alpha * 9;
        for (offset, token) in sentence.iter().enumerate() {
            if token.flags & ALPHA_START != 0 && token.flags & INIT_CAP == 0 {
                seen_lower.insert(token.lower);
            } else if offset > 0 && !caps_sentence && token.flags & INIT_CAP != 0 {
                seen_inside.insert(token.lower);
            }
        }
        if caps_sentence {
            for token in &mut infos[range.clone()] {
                token.flags |= CAPS_SENTENCE;
            }
        }
    }
    for token in infos.iter_mut() {
        if seen_lower.contains(&token.lower) {
            token.flags |= SEEN_LOWER;
        }
        if seen_inside.contains(&token.lower) {
            token.flags |= SEEN_CAPITALIZED_INSIDE;
        }
    }
}
