//! The dependency parser: arc-eager transitions (Nivre 2003) chosen greedily
//! by a linear model over the feature set of Zhang and Nivre (2011), with
//! the root at the bottom of the stack and allowed one dependent, so the
//! result always has exactly one root.
//!
//! Every transition either moves the first buffer word onto the stack
//! (shift, right-arc) or pops the stack (reduce, left-arc), so a sentence
//! of `n` words takes at most `2n` transitions, each of constant work.

use super::linear::Linear;
use super::tagger::{key, WordInfo};
use super::{DepRel, Upos, DEPREL_COUNT};
use crate::ner::mix_hashes;

/// Number of relation labels.
pub(crate) const LABELS: usize = DEPREL_COUNT;
/// Transition classes: shift, reduce, then left-arc and right-arc per label.
pub(crate) const CLASSES: usize = 2 + 2 * LABELS;
pub(crate) const SHIFT: usize = 0;
pub(crate) const REDUCE: usize = 1;
const LEFT: usize = 2;
const RIGHT: usize = 2 + LABELS;

/// How many of a configuration's features, at the start of
/// [`State::features`], depend on nothing but the buffer's first words.
const BUFFER_FEATURES: usize = 13;

/// No word (an empty position, or a word without a head yet).
pub(crate) const NONE: usize = usize::MAX;
const NO_LABEL: u8 = u8::MAX;
const ROOT_LABEL: u8 = DepRel::Root as u8;
const PUNCT_TAG: u8 = Upos::Punct as u8;

/// A parser configuration. Word `n` is the artificial root.
#[derive(Debug, Clone)]
pub(crate) struct State {
    n: usize,
    stack: Vec<usize>,
    /// The first word not yet on the stack; the buffer is `buffer..n`.
    buffer: usize,
    pub heads: Vec<usize>,
    pub labels: Vec<u8>,
    left1: Vec<usize>,
    left2: Vec<usize>,
    right1: Vec<usize>,
    right2: Vec<usize>,
    left_count: Vec<u8>,
    right_count: Vec<u8>,
    left_labels: Vec<u64>,
    right_labels: Vec<u64>,
    on_stack: Vec<bool>,
}

impl State {
    pub(crate) fn new(n: usize) -> State {
        let mut on_stack = vec![false; n + 1];
        on_stack[n] = true;
        State {
            n,
            stack: vec![n],
            buffer: 0,
            heads: vec![NONE; n + 1],
            labels: vec![NO_LABEL; n + 1],
            left1: vec![NONE; n + 1],
            left2: vec![NONE; n + 1],
            right1: vec![NONE; n + 1],
            right2: vec![NONE; n + 1],
            left_count: vec![0; n + 1],
            right_count: vec![0; n + 1],
            left_labels: vec![0; n + 1],
            right_labels: vec![0; n + 1],
            on_stack,
        }
    }

    /// True once every word has left the buffer.
    pub(crate) fn is_final(&self) -> bool {
        self.buffer >= self.n
    }

    fn s0(&self) -> usize {
        *self.stack.last().expect("the root never leaves the stack")
    }

    /// The root is word `n`, after every word: its one dependent is a left one.
    fn root_taken(&self) -> bool {
        self.left1[self.n] != NONE
    }

    /// Whether `class` may be applied now.
    pub(crate) fn legal(&self, class: usize) -> bool {
        let s0 = self.s0();
        let root = s0 == self.n;
        let buffered = self.buffer < self.n;
        match class {
            SHIFT => buffered,
            REDUCE => !root && self.heads[s0] != NONE,
            c if c < RIGHT => {
                buffered && !root && self.heads[s0] == NONE && (c - LEFT) as u8 != ROOT_LABEL
            }
            c => {
                // Only the root takes the root label, and only once.
                let is_root_label = (c - RIGHT) as u8 == ROOT_LABEL;
                buffered && root == is_root_label && !(root && self.root_taken())
            }
        }
    }

    /// Applies a legal transition.
    pub(crate) fn apply(&mut self, class: usize) {
        let s0 = self.s0();
        let b = self.buffer;
        match class {
            SHIFT => self.push(b),
            REDUCE => self.pop(),
            c if c < RIGHT => {
                self.arc(b, s0, (c - LEFT) as u8);
                self.pop();
            }
            c => {
                self.arc(s0, b, (c - RIGHT) as u8);
                self.push(b);
            }
        }
    }

    fn push(&mut self, word: usize) {
        self.stack.push(word);
        self.on_stack[word] = true;
        self.buffer += 1;
    }

    fn pop(&mut self) {
        if let Some(word) = self.stack.pop() {
            self.on_stack[word] = false;
        }
    }

    fn arc(&mut self, head: usize, dependent: usize, label: u8) {
        self.heads[dependent] = head;
        self.labels[dependent] = label;
        let bit = 1u64 << (label as u64 % 64);
        if dependent < head {
            let (first, second) = (&mut self.left1[head], &mut self.left2[head]);
            if *first == NONE || dependent < *first {
                *second = *first;
                *first = dependent;
            } else if *second == NONE || dependent < *second {
                *second = dependent;
            }
            self.left_count[head] = self.left_count[head].saturating_add(1);
            self.left_labels[head] |= bit;
        } else {
            let (first, second) = (&mut self.right1[head], &mut self.right2[head]);
            if *first == NONE || dependent > *first {
                *second = *first;
                *first = dependent;
            } else if *second == NONE || dependent > *second {
                *second = dependent;
            }
            self.right_count[head] = self.right_count[head].saturating_add(1);
            self.right_labels[head] |= bit;
        }
    }

    /// How many gold arcs each transition would make unreachable (Goldberg
    /// and Nivre 2012's dynamic oracle for arc-eager); `u32::MAX` for an
    /// illegal transition. `gold_heads` uses `n` for the root.
    pub(crate) fn costs(&self, gold_heads: &[usize], gold_labels: &[u8], out: &mut [u32]) {
        let n = self.n;
        let s0 = self.s0();
        let b = self.buffer;
        // A gold head on the stack can still take a dependent, unless it is
        // the root and already has its one.
        let reachable_on_stack = |k: usize| -> bool {
            k != NONE && k <= n && self.on_stack[k] && !(k == n && self.root_taken())
        };
        let in_buffer_after_b = |k: usize| k != NONE && k > b && k < n;
        let dependents_in_buffer = |h: usize| (b..n).filter(|&k| gold_heads[k] == h).count() as u32;
        let headless_dependents_on_stack = |h: usize| {
            self.stack
                .iter()
                .filter(|&&k| k != n && gold_heads[k] == h && self.heads[k] == NONE)
                .count() as u32
        };
        let buffered = b < n;
        let shift = if buffered {
            headless_dependents_on_stack(b) + reachable_on_stack(gold_heads[b]) as u32
        } else {
            0
        };
        let reduce = if s0 != n { dependents_in_buffer(s0) } else { 0 };
        let left = if buffered && s0 != n {
            dependents_in_buffer(s0)
                + (gold_heads[s0] != b && in_buffer_after_b(gold_heads[s0])) as u32
        } else {
            0
        };
        let right = if buffered {
            let h = gold_heads[b];
            headless_dependents_on_stack(b)
                + (h != s0 && (reachable_on_stack(h) || in_buffer_after_b(h))) as u32
        } else {
            0
        };
        for (class, cost) in out.iter_mut().enumerate() {
            *cost = if !self.legal(class) {
                u32::MAX
            } else {
                match class {
                    SHIFT => shift,
                    REDUCE => reduce,
                    c if c < RIGHT => {
                        let wrong_label =
                            gold_heads[s0] == b && gold_labels[s0] != (c - LEFT) as u8;
                        left + wrong_label as u32
                    }
                    c => {
                        let wrong_label =
                            gold_heads[b] == s0 && gold_labels[b] != (c - RIGHT) as u8;
                        right + wrong_label as u32
                    }
                }
            };
        }
    }

    /// The features of this configuration.
    pub(crate) fn features(&self, infos: &[WordInfo], tags: &[u8], out: &mut Vec<u64>) {
        let n = self.n;
        let word = |i: usize| -> u64 {
            match i {
                NONE => 0x6e6f_6e65,
                i if i == n => 0x726f_6f74,
                i => infos[i].form,
            }
        };
        let tag = |i: usize| -> u64 {
            match i {
                NONE => 100,
                i if i == n => 101,
                i => tags[i] as u64,
            }
        };
        let label = |i: usize| -> u64 {
            if i == NONE || i == n {
                300
            } else {
                200 + self.labels[i] as u64
            }
        };
        let of = |v: &[usize], i: usize| if i == NONE { NONE } else { v[i] };
        let s0 = self.s0();
        let s1 = if self.stack.len() >= 2 {
            self.stack[self.stack.len() - 2]
        } else {
            NONE
        };
        let at_buffer = |k: usize| {
            let i = self.buffer + k;
            if i < n {
                i
            } else {
                NONE
            }
        };
        let (n0, n1, n2, n3) = (at_buffer(0), at_buffer(1), at_buffer(2), at_buffer(3));
        let s0h = if s0 == n { NONE } else { self.heads[s0] };
        let s0h = if s0h == n { NONE } else { s0h };
        let s0h2 = if s0h == NONE { NONE } else { self.heads[s0h] };
        let (s0l, s0l2) = (of(&self.left1, s0), of(&self.left2, s0));
        let (s0r, s0r2) = (of(&self.right1, s0), of(&self.right2, s0));
        let (n0l, n0l2) = (of(&self.left1, n0), of(&self.left2, n0));
        let distance = if s0 == n || n0 == NONE {
            0
        } else {
            match n0 - s0 {
                d @ 1..=4 => d as u64,
                5..=9 => 5,
                _ => 6,
            }
        };
        let (s0vl, s0vr) = (self.left_count[s0] as u64, self.right_count[s0] as u64);
        let n0vl = if n0 == NONE {
            0
        } else {
            self.left_count[n0] as u64
        };
        let (s0sl, s0sr) = (self.left_labels[s0], self.right_labels[s0]);
        let n0sl = if n0 == NONE { 0 } else { self.left_labels[n0] };

        let (s0w, s0p, n0w, n0p) = (word(s0), tag(s0), word(n0), tag(n0));
        let (n1w, n1p, n2w, n2p) = (word(n1), tag(n1), word(n2), tag(n2));
        let s0wp = mix_hashes(s0w, s0p);
        let n0wp = mix_hashes(n0w, n0p);
        let n1wp = mix_hashes(n1w, n1p);
        let n2wp = mix_hashes(n2w, n2p);
        let three = |t: u64, a: u64, b: u64, c: u64| key(t, mix_hashes(a, b), c);
        out.clear();
        // The first BUFFER_FEATURES read only the buffer's first words,
        // which stay the same until a word leaves the buffer.
        out.extend([
            key(4, n0wp, 0),
            key(5, n0w, 0),
            key(6, n0p, 0),
            key(7, n1wp, 0),
            key(8, n1w, 0),
            key(9, n1p, 0),
            key(10, n2wp, 0),
            key(11, n2w, 0),
            key(12, n2p, 0),
            key(20, n0p, n1p),
            three(21, n0p, n1p, n2p),
            key(77, n0w, n1w),
            three(79, n1p, n2p, tag(n3)),
            key(1, s0wp, 0),
            key(2, s0w, 0),
            key(3, s0p, 0),
            key(13, s0wp, n0wp),
            key(14, s0wp, n0w),
            key(15, s0w, n0wp),
            key(16, s0wp, n0p),
            key(17, s0p, n0wp),
            key(18, s0w, n0w),
            key(19, s0p, n0p),
            three(22, s0p, n0p, n1p),
            three(23, tag(s0h), s0p, n0p),
            three(24, s0p, tag(s0l), n0p),
            three(25, s0p, tag(s0r), n0p),
            three(26, s0p, n0p, tag(n0l)),
            key(27, s0w, distance),
            key(28, s0p, distance),
            key(29, n0w, distance),
            key(30, n0p, distance),
            three(31, s0w, n0w, distance),
            three(32, s0p, n0p, distance),
            key(33, s0w, s0vr),
            key(34, s0p, s0vr),
            key(35, s0w, s0vl),
            key(36, s0p, s0vl),
            key(37, n0w, n0vl),
            key(38, n0p, n0vl),
            key(39, word(s0h), 0),
            key(40, tag(s0h), 0),
            key(41, label(s0), 0),
            key(42, word(s0l), 0),
            key(43, tag(s0l), 0),
            key(44, label(s0l), 0),
            key(45, word(s0r), 0),
            key(46, tag(s0r), 0),
            key(47, label(s0r), 0),
            key(48, word(n0l), 0),
            key(49, tag(n0l), 0),
            key(50, label(n0l), 0),
            key(51, word(s0h2), 0),
            key(52, tag(s0h2), 0),
            key(53, label(s0h), 0),
            key(54, word(s0l2), 0),
            key(55, tag(s0l2), 0),
            key(56, label(s0l2), 0),
            key(57, word(s0r2), 0),
            key(58, tag(s0r2), 0),
            key(59, label(s0r2), 0),
            key(60, word(n0l2), 0),
            key(61, tag(n0l2), 0),
            key(62, label(n0l2), 0),
            three(63, s0p, tag(s0l), tag(s0l2)),
            three(64, s0p, tag(s0r), tag(s0r2)),
            three(65, s0p, tag(s0h), tag(s0h2)),
            three(66, n0p, tag(n0l), tag(n0l2)),
            key(67, s0w, s0sr),
            key(68, s0p, s0sr),
            key(69, s0w, s0sl),
            key(70, s0p, s0sl),
            key(71, n0w, n0sl),
            key(72, n0p, n0sl),
            key(73, tag(s1), s0p),
            three(74, tag(s1), s0p, n0p),
            key(75, word(s1), tag(s1)),
            three(76, s0p, label(s0), n0p),
            three(78, s0w, n0p, n1p),
        ]);
    }
}

/// The best legal class by `scores`: the first of the highest, as a scan
/// of every class asking [`State::legal`] would choose, with legality
/// worked out once for each kind of transition rather than per class.
pub(crate) fn best_legal<T: PartialOrd + Copy>(state: &State, scores: &[T]) -> usize {
    let s0 = state.s0();
    let root = s0 == state.n;
    let buffered = state.buffer < state.n;
    let headed = !root && state.heads[s0] != NONE;
    let root_label = ROOT_LABEL as usize;
    let mut best = NONE;
    let mut consider = |class: usize| {
        if best == NONE || scores[class] > scores[best] {
            best = class;
        }
    };
    if buffered {
        consider(SHIFT);
    }
    if headed {
        consider(REDUCE);
    }
    if buffered && !root && !headed {
        (LEFT..RIGHT)
            .filter(|&c| c - LEFT != root_label)
            .for_each(&mut consider);
    }
    if buffered && !(root && state.root_taken()) {
        // Only the root takes the root label.
        (RIGHT..CLASSES)
            .filter(|&c| (c - RIGHT == root_label) == root)
            .for_each(&mut consider);
    }
    // Shift is legal whenever the buffer is not empty, so there is a best.
    best
}

/// Parses one tagged sentence: heads (`None` for the root) and label numbers.
pub(crate) fn parse(
    model: &Linear,
    infos: &[WordInfo],
    tags: &[u8],
) -> (Vec<Option<usize>>, Vec<u8>) {
    let n = infos.len();
    let mut state = State::new(n);
    let mut features = Vec::with_capacity(80);
    let mut scores = [0i32; CLASSES];
    // The scores of the features that read only the buffer, for the
    // buffer position they were scored at: reduce and left-arc leave the
    // buffer as it was, so about half the transitions reuse them.
    let mut buffer_scores = [0i32; CLASSES];
    let mut scored_buffer = NONE;
    while !state.is_final() {
        // With only the root on the stack and its one dependent taken,
        // shifting is the one legal move: no need to score it.
        let class = if state.s0() == n && state.root_taken() {
            SHIFT
        } else {
            state.features(infos, tags, &mut features);
            let (buffer_part, rest) = features.split_at(BUFFER_FEATURES);
            if scored_buffer != state.buffer {
                model.score(buffer_part, &mut buffer_scores);
                scored_buffer = state.buffer;
            }
            model.score(rest, &mut scores);
            for (score, buffer_score) in scores.iter_mut().zip(&buffer_scores) {
                *score += buffer_score;
            }
            best_legal(&state, &scores)
        };
        state.apply(class);
    }
    finish(state, tags)
}

/// Attaches the words left without a head: to the root's dependent, or,
/// when the root has none, the first of them that is not punctuation
/// becomes it.
pub(crate) fn finish(mut state: State, tags: &[u8]) -> (Vec<Option<usize>>, Vec<u8>) {
    let n = state.n;
    let headless = |state: &State, i: usize| state.heads[i] == NONE;
    let mut root = state.left1[n];
    if root == NONE {
        let candidates = || (0..n).filter(|&i| headless(&state, i));
        root = candidates()
            .find(|&i| tags[i] != PUNCT_TAG)
            .or_else(|| candidates().next())
            .unwrap_or(NONE);
        if root != NONE {
            state.heads[root] = n;
            state.labels[root] = ROOT_LABEL;
        }
    }
    for (i, &tag) in tags.iter().enumerate().take(n) {
        if headless(&state, i) {
            state.heads[i] = root;
            state.labels[i] = if tag == PUNCT_TAG {
                DepRel::Punct as u8
            } else {
                DepRel::Parataxis as u8
            };
        }
    }
    let heads = state.heads[..n]
        .iter()
        .map(|&h| if h == n { None } else { Some(h) })
        .collect();
    state.labels.truncate(n);
    (heads, state.labels)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::syntax::conllu;
    use crate::syntax::linear::tests::xorshift;

    /// Heads in range, none its own, exactly one root, no cycles.
    pub(crate) fn assert_tree(heads: &[Option<usize>]) {
        let n = heads.len();
        if n == 0 {
            return;
        }
        assert_eq!(heads.iter().filter(|h| h.is_none()).count(), 1, "{heads:?}");
        for (i, head) in heads.iter().enumerate() {
            if let Some(h) = *head {
                assert!(h < n && h != i, "{heads:?}");
            }
            // Walking up from any word reaches the root within n steps.
            let mut at = i;
            let mut steps = 0;
            while let Some(h) = heads[at] {
                at = h;
                steps += 1;
                assert!(steps <= n, "cycle through {i} in {heads:?}");
            }
        }
    }

    const TREES: &str = "1\tThe\t_\tDET\t_\t_\t2\tdet\t_\t_\n\
2\tarmy\t_\tNOUN\t_\t_\t3\tnsubj\t_\t_\n\
3\tshelled\t_\tVERB\t_\t_\t0\troot\t_\t_\n\
4\tthe\t_\tDET\t_\t_\t5\tdet\t_\t_\n\
5\ttown\t_\tNOUN\t_\t_\t3\tobj\t_\t_\n\
6\ton\t_\tADP\t_\t_\t7\tcase\t_\t_\n\
7\tMonday\t_\tPROPN\t_\t_\t3\tobl\t_\t_\n\
8\t,\t_\tPUNCT\t_\t_\t10\tpunct\t_\t_\n\
9\tofficials\t_\tNOUN\t_\t_\t10\tnsubj\t_\t_\n\
10\tsaid\t_\tVERB\t_\t_\t3\tparataxis\t_\t_\n\
11\t.\t_\tPUNCT\t_\t_\t3\tpunct\t_\t_\n\
\n\
1\tTalks\t_\tNOUN\t_\t_\t3\tnsubj:pass\t_\t_\n\
2\twere\t_\tAUX\t_\t_\t3\taux:pass\t_\t_\n\
3\tcalled\t_\tVERB\t_\t_\t0\troot\t_\t_\n\
4\toff\t_\tADP\t_\t_\t3\tcompound:prt\t_\t_\n\
5\tby\t_\tADP\t_\t_\t6\tcase\t_\t_\n\
6\tKyiv\t_\tPROPN\t_\t_\t3\tobl:agent\t_\t_\n";

    fn gold_of(sentence: &conllu::Sentence) -> (Vec<usize>, Vec<u8>) {
        let n = sentence.words.len();
        (
            sentence.heads.iter().map(|h| h.unwrap_or(n)).collect(),
            sentence.deprels.iter().map(|&d| d as u8).collect(),
        )
    }

    #[test]
    fn following_zero_cost_transitions_rebuilds_a_projective_tree() {
        for sentence in conllu::parse(TREES).unwrap() {
            let (heads, labels) = gold_of(&sentence);
            let n = heads.len();
            let mut state = State::new(n);
            let mut costs = vec![0; CLASSES];
            let mut steps = 0;
            while !state.is_final() {
                state.costs(&heads, &labels, &mut costs);
                let class = costs
                    .iter()
                    .position(|&c| c == 0)
                    .expect("a zero-cost move");
                state.apply(class);
                steps += 1;
            }
            assert!(steps <= 2 * n);
            let tags = vec![0u8; n];
            let (parsed, parsed_labels) = finish(state, &tags);
            assert_eq!(parsed, sentence.heads);
            let expected: Vec<u8> = labels.clone();
            assert_eq!(parsed_labels, expected);
        }
    }

    /// The scan `best_legal` stands for: every class, asking `legal`.
    fn best_legal_by_scan(state: &State, scores: &[i32]) -> usize {
        let mut best = NONE;
        for (class, &score) in scores.iter().enumerate() {
            if state.legal(class) && (best == NONE || score > scores[best]) {
                best = class;
            }
        }
        best
    }

    #[test]
    fn best_legal_chooses_as_a_scan_of_every_class() {
        let mut seed = 0x853c_49e6_748f_ea9bu64;
        let mut next = || xorshift(&mut seed);
        for n in [1usize, 2, 5, 20] {
            for _ in 0..200 {
                let mut state = State::new(n);
                while !state.is_final() {
                    // Few distinct scores, so ties are common.
                    let scores: Vec<i32> = (0..CLASSES).map(|_| (next() % 4) as i32).collect();
                    let best = best_legal(&state, &scores);
                    assert_eq!(best, best_legal_by_scan(&state, &scores));
                    if state.s0() == n && state.root_taken() {
                        // What `parse` takes without scoring.
                        assert_eq!(
                            (0..CLASSES).filter(|&c| state.legal(c)).collect::<Vec<_>>(),
                            [SHIFT]
                        );
                    }
                    state.apply(best);
                }
            }
        }
    }

    #[test]
    fn the_first_features_read_only_the_buffer() {
        // Random words and tags, random legal transitions: whenever the
        // buffer is where it was, so are the first BUFFER_FEATURES.
        let mut seed = 0x6a09_e667_f3bc_c908u64;
        let n = 12;
        let words: Vec<String> = (0..n).map(|i| format!("w{}", i % 5)).collect();
        let words: Vec<&str> = words.iter().map(String::as_str).collect();
        let infos = super::super::tagger::word_infos(&words, &Default::default());
        for _ in 0..100 {
            let tags: Vec<u8> = (0..n).map(|_| (xorshift(&mut seed) % 17) as u8).collect();
            let mut state = State::new(n);
            let mut seen: Vec<Option<Vec<u64>>> = vec![None; n + 1];
            let mut features = Vec::new();
            while !state.is_final() {
                state.features(&infos, &tags, &mut features);
                let first = features[..BUFFER_FEATURES].to_vec();
                let earlier = seen[state.buffer].get_or_insert_with(|| first.clone());
                assert_eq!(*earlier, first);
                let legal: Vec<usize> = (0..CLASSES).filter(|&c| state.legal(c)).collect();
                state.apply(legal[xorshift(&mut seed) as usize % legal.len()]);
            }
        }
    }

    #[test]
    fn any_legal_transition_sequence_ends_in_a_tree() {
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        for n in [0usize, 1, 2, 3, 7, 30] {
            for _ in 0..50 {
                let mut state = State::new(n);
                let mut steps = 0;
                while !state.is_final() {
                    let legal: Vec<usize> = (0..CLASSES).filter(|&c| state.legal(c)).collect();
                    assert!(!legal.is_empty());
                    state.apply(legal[xorshift(&mut seed) as usize % legal.len()]);
                    steps += 1;
                }
                assert!(steps <= 2 * n);
                let (heads, labels) = finish(state, &vec![0; n]);
                assert_eq!(labels.len(), n);
                assert_tree(&heads);
                for (h, l) in heads.iter().zip(&labels) {
                    assert_eq!(h.is_none(), *l == ROOT_LABEL);
                }
            }
        }
    }
}
