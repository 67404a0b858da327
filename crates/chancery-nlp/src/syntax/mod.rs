//! Syntax: a part-of-speech tagger and a dependency parser in Universal
//! Dependencies, so the event coder can read who did what to whom from the
//! sentence's structure rather than from word order.
//!
//! Both are greedy linear models over hashed features, trained as averaged
//! perceptrons by [`train`] on UD English EWT (`chancery train syntax`):
//!
//! - the tagger reads left to right, each token's features seeing the two
//!   tags before it;
//! - the parser is arc-eager (Nivre 2003) with the root at the bottom of the
//!   stack, trained with a dynamic oracle (Goldberg and Nivre 2012) so it
//!   learns to recover from its own mistakes.
//!
//! Invariants: no I/O (the weights are compiled in); at most `2n` transitions
//! for `n` words, so parsing is linear in the sentence's length and never
//! recurses; every parse is a tree with exactly one root, whatever the input.
//!
//! ```
//! use chancery_nlp::syntax::{DepRel, SyntaxModel};
//!
//! let words = ["Police", "arrested", "the", "protesters", "."];
//! let parse = SyntaxModel::builtin().parse(&words);
//! assert_eq!(parse.root(), Some(1));
//! assert_eq!(parse.deprels[0], DepRel::Nsubj);
//! ```

pub mod conllu;
mod linear;
mod parser;
mod tagger;
pub mod train;

use std::sync::OnceLock;

use crate::NlpError;
use linear::{Linear, Reader, Vocabulary};

/// Universal part-of-speech tags (UD v2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[allow(missing_docs)] // The UD names are the documentation.
pub enum Upos {
    Adj,
    Adp,
    Adv,
    Aux,
    Cconj,
    Det,
    Intj,
    Noun,
    Num,
    Part,
    Pron,
    Propn,
    Punct,
    Sconj,
    Sym,
    Verb,
    X,
}

impl Upos {
    /// Every tag, in the order of their class numbers.
    pub const ALL: [Upos; 17] = [
        Upos::Adj,
        Upos::Adp,
        Upos::Adv,
        Upos::Aux,
        Upos::Cconj,
        Upos::Det,
        Upos::Intj,
        Upos::Noun,
        Upos::Num,
        Upos::Part,
        Upos::Pron,
        Upos::Propn,
        Upos::Punct,
        Upos::Sconj,
        Upos::Sym,
        Upos::Verb,
        Upos::X,
    ];

    /// The UD name (`NOUN`, `PROPN`…).
    pub fn as_str(self) -> &'static str {
        const NAMES: [&str; 17] = [
            "ADJ", "ADP", "ADV", "AUX", "CCONJ", "DET", "INTJ", "NOUN", "NUM", "PART", "PRON",
            "PROPN", "PUNCT", "SCONJ", "SYM", "VERB", "X",
        ];
        NAMES[self as usize]
    }

    /// Parses a UD name; `None` for anything else (including `_`).
    pub fn from_name(name: &str) -> Option<Upos> {
        Upos::ALL.into_iter().find(|tag| tag.as_str() == name)
    }
}

/// Universal dependency relations, with the subtypes that matter for events
/// kept apart (`nsubj:pass`, `obl:agent`, `acl:relcl`, `compound:prt`,
/// `nmod:poss`, the bare-noun-phrase `obl:unmarked`…); rarer subtypes are
/// folded into their base relation (see [`DepRel::from_name`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[allow(missing_docs)] // The UD names are the documentation.
pub enum DepRel {
    Acl,
    AclRelcl,
    Advcl,
    Advmod,
    Amod,
    Appos,
    Aux,
    AuxPass,
    Case,
    Cc,
    CcPreconj,
    Ccomp,
    Compound,
    CompoundPrt,
    Conj,
    Cop,
    Csubj,
    CsubjPass,
    Dep,
    Det,
    DetPredet,
    Discourse,
    Dislocated,
    Expl,
    Fixed,
    Flat,
    Goeswith,
    Iobj,
    List,
    Mark,
    Nmod,
    NmodPoss,
    /// `nmod:unmarked`: a bare noun phrase modifying a noun (formerly
    /// `nmod:tmod` and `nmod:npmod`).
    NmodUnmarked,
    Nsubj,
    NsubjPass,
    Nummod,
    Obj,
    Obl,
    /// `obl:agent`: the "by" phrase of a passive (the doer).
    OblAgent,
    /// `obl:unmarked`: a bare noun phrase modifying a verb, mostly times
    /// ("met *last week*"); formerly `obl:tmod` and `obl:npmod`.
    #[doc(alias = "obl:tmod")]
    OblUnmarked,
    Orphan,
    Parataxis,
    Punct,
    Reparandum,
    Root,
    Vocative,
    Xcomp,
}

/// Relation names, in the order of [`DepRel`]'s variants.
const DEPREL_NAMES: [&str; DEPREL_COUNT] = [
    "acl",
    "acl:relcl",
    "advcl",
    "advmod",
    "amod",
    "appos",
    "aux",
    "aux:pass",
    "case",
    "cc",
    "cc:preconj",
    "ccomp",
    "compound",
    "compound:prt",
    "conj",
    "cop",
    "csubj",
    "csubj:pass",
    "dep",
    "det",
    "det:predet",
    "discourse",
    "dislocated",
    "expl",
    "fixed",
    "flat",
    "goeswith",
    "iobj",
    "list",
    "mark",
    "nmod",
    "nmod:poss",
    "nmod:unmarked",
    "nsubj",
    "nsubj:pass",
    "nummod",
    "obj",
    "obl",
    "obl:agent",
    "obl:unmarked",
    "orphan",
    "parataxis",
    "punct",
    "reparandum",
    "root",
    "vocative",
    "xcomp",
];

/// Number of [`DepRel`] variants.
pub const DEPREL_COUNT: usize = 47;

impl DepRel {
    /// The UD name with its subtype (`nsubj:pass`).
    pub fn as_str(self) -> &'static str {
        DEPREL_NAMES[self as usize]
    }

    /// The relation without its subtype (`nsubj` for `nsubj:pass`), as the
    /// CoNLL 2018 shared task compares labels.
    pub fn base(self) -> &'static str {
        let name = self.as_str();
        name.split_once(':').map_or(name, |(base, _)| base)
    }

    /// The relation of class number `index` (its position in the enum).
    pub(crate) fn from_index(index: usize) -> DepRel {
        Self::from_name(DEPREL_NAMES[index]).expect("every name in the table parses")
    }

    /// Parses a UD relation. Old names map to the current ones (`obl:tmod`
    /// and `obl:npmod` to `obl:unmarked`); subtypes not kept here fold into
    /// their base (`nmod:desc` to `nmod`, `flat:name` to `flat`); `None`
    /// only when even the base relation is unknown.
    pub fn from_name(name: &str) -> Option<DepRel> {
        let name = match name {
            "obl:tmod" | "obl:npmod" => "obl:unmarked",
            "nmod:tmod" | "nmod:npmod" => "nmod:unmarked",
            "nsubj:outer" => "nsubj",
            "csubj:outer" => "csubj",
            other => other,
        };
        let index = DEPREL_NAMES.iter().position(|&n| n == name).or_else(|| {
            let base = name.split_once(':')?.0;
            DEPREL_NAMES.iter().position(|&n| n == base)
        })?;
        Some(ALL_DEPRELS[index])
    }
}

const ALL_DEPRELS: [DepRel; DEPREL_COUNT] = [
    DepRel::Acl,
    DepRel::AclRelcl,
    DepRel::Advcl,
    DepRel::Advmod,
    DepRel::Amod,
    DepRel::Appos,
    DepRel::Aux,
    DepRel::AuxPass,
    DepRel::Case,
    DepRel::Cc,
    DepRel::CcPreconj,
    DepRel::Ccomp,
    DepRel::Compound,
    DepRel::CompoundPrt,
    DepRel::Conj,
    DepRel::Cop,
    DepRel::Csubj,
    DepRel::CsubjPass,
    DepRel::Dep,
    DepRel::Det,
    DepRel::DetPredet,
    DepRel::Discourse,
    DepRel::Dislocated,
    DepRel::Expl,
    DepRel::Fixed,
    DepRel::Flat,
    DepRel::Goeswith,
    DepRel::Iobj,
    DepRel::List,
    DepRel::Mark,
    DepRel::Nmod,
    DepRel::NmodPoss,
    DepRel::NmodUnmarked,
    DepRel::Nsubj,
    DepRel::NsubjPass,
    DepRel::Nummod,
    DepRel::Obj,
    DepRel::Obl,
    DepRel::OblAgent,
    DepRel::OblUnmarked,
    DepRel::Orphan,
    DepRel::Parataxis,
    DepRel::Punct,
    DepRel::Reparandum,
    DepRel::Root,
    DepRel::Vocative,
    DepRel::Xcomp,
];

/// One sentence tagged and parsed. All three vectors have one entry per word.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Parse {
    /// Part of speech of each word.
    pub upos: Vec<Upos>,
    /// Head of each word as an index into the sentence; `None` for the root
    /// (exactly one word, unless the sentence is empty).
    pub heads: Vec<Option<usize>>,
    /// Relation of each word to its head ([`DepRel::Root`] for the root).
    pub deprels: Vec<DepRel>,
}

impl Parse {
    /// Number of words.
    pub fn len(&self) -> usize {
        self.heads.len()
    }

    /// True for the parse of an empty sentence.
    pub fn is_empty(&self) -> bool {
        self.heads.is_empty()
    }

    /// The root word (`None` only for an empty sentence).
    pub fn root(&self) -> Option<usize> {
        self.heads.iter().position(Option::is_none)
    }

    /// The dependents of word `head`, left to right.
    pub fn children(&self, head: usize) -> impl Iterator<Item = usize> + '_ {
        self.heads
            .iter()
            .enumerate()
            .filter(move |(_, h)| **h == Some(head))
            .map(|(i, _)| i)
    }

    /// The first dependent of `head` with relation `rel`.
    pub fn child_with(&self, head: usize, rel: DepRel) -> Option<usize> {
        self.children(head).find(|&c| self.deprels[c] == rel)
    }

    /// For every word, the words its subtree covers, from its leftmost to
    /// its rightmost descendant (the phrase it heads). Linear time.
    pub fn subtree_spans(&self) -> Vec<std::ops::Range<usize>> {
        const END: usize = usize::MAX;
        let n = self.len();
        let mut first_child = vec![END; n];
        let mut next_sibling = vec![END; n];
        for i in (0..n).rev() {
            if let Some(h) = self.heads[i] {
                next_sibling[i] = first_child[h];
                first_child[h] = i;
            }
        }
        // Breadth-first from the root, then spans grow from the leaves up.
        let mut order: Vec<usize> = self.root().into_iter().collect();
        let mut next = 0;
        while next < order.len() {
            let mut child = first_child[order[next]];
            while child != END {
                order.push(child);
                child = next_sibling[child];
            }
            next += 1;
        }
        let mut spans: Vec<std::ops::Range<usize>> = (0..n).map(|i| i..i + 1).collect();
        for &i in order.iter().rev() {
            if let Some(h) = self.heads[i] {
                let (start, end) = (spans[i].start, spans[i].end);
                spans[h].start = spans[h].start.min(start);
                spans[h].end = spans[h].end.max(end);
            }
        }
        spans
    }
}

const MAGIC: &[u8; 8] = b"CHSYN\x00\x02\x00";

/// The tagger and parser weights.
#[derive(Debug, Clone)]
pub struct SyntaxModel {
    vocabulary: Vocabulary,
    tagger: Linear,
    /// The tagger's second pass.
    retagger: Linear,
    parser: Linear,
}

impl SyntaxModel {
    /// The model compiled into the binary, trained on UD English EWT
    /// (CC BY-SA 4.0); loaded once.
    pub fn builtin() -> &'static SyntaxModel {
        static MODEL: OnceLock<SyntaxModel> = OnceLock::new();
        MODEL.get_or_init(|| {
            SyntaxModel::from_bytes(include_bytes!("../../models/syntax.bin"))
                .expect("the built-in syntax model is checked by a unit test")
        })
    }

    /// Tags and parses one sentence of tokens, split as chancery's
    /// tokenizer splits them ("'s" and "n't" apart, punctuation alone).
    /// Any input gives a tree; an empty one gives an empty parse.
    pub fn parse(&self, words: &[&str]) -> Parse {
        self.parse_with_names(words, &[])
    }

    /// As [`SyntaxModel::parse`], knowing which words are inside proper
    /// names (`names[i]`, from the entity tagger): those are proper nouns,
    /// whatever their spelling says ("Lebed" is no past tense, "rebel
    /// chief Maskhadov" no verb), so the tree around them holds.
    pub fn parse_with_names(&self, words: &[&str], names: &[bool]) -> Parse {
        let infos: Vec<tagger::WordInfo> = tagger::word_infos(words, &self.vocabulary);
        let propn = Upos::ALL
            .iter()
            .position(|&u| u == Upos::Propn)
            .map(|p| p as u8);
        let forced: Vec<Option<u8>> = words
            .iter()
            .enumerate()
            .map(|(i, w)| {
                let capitalized = w.chars().next().is_some_and(char::is_uppercase);
                if names.get(i).copied().unwrap_or(false) && capitalized {
                    propn
                } else {
                    None
                }
            })
            .collect();
        let first = tagger::tag_with(&self.tagger, &infos, None, &forced);
        let tags = tagger::tag_with(&self.retagger, &infos, Some(&first), &forced);
        let (heads, labels) = parser::parse(&self.parser, &infos, &tags);
        Parse {
            upos: tags.iter().map(|&t| Upos::ALL[t as usize]).collect(),
            heads,
            deprels: labels
                .into_iter()
                .map(|l| DepRel::from_index(l as usize))
                .collect(),
        }
    }

    /// Part-of-speech tags alone (cheaper than a parse).
    pub fn tag(&self, words: &[&str]) -> Vec<Upos> {
        let infos = tagger::word_infos(words, &self.vocabulary);
        self.tags(&infos)
            .into_iter()
            .map(|t| Upos::ALL[t as usize])
            .collect()
    }

    fn tags(&self, infos: &[tagger::WordInfo]) -> Vec<u8> {
        let first = tagger::tag(&self.tagger, infos, None);
        tagger::tag(&self.retagger, infos, Some(&first))
    }

    /// Number of weighted features (tagger's two passes, parser).
    pub fn feature_counts(&self) -> (usize, usize) {
        (
            self.tagger.feature_count() + self.retagger.feature_count(),
            self.parser.feature_count(),
        )
    }

    /// Serializes the model.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::new();
        out.extend_from_slice(MAGIC);
        self.vocabulary.write(&mut out);
        self.tagger.write(&mut out);
        self.retagger.write(&mut out);
        self.parser.write(&mut out);
        out
    }

    /// Reads a model written by [`SyntaxModel::to_bytes`].
    pub fn from_bytes(bytes: &[u8]) -> Result<SyntaxModel, NlpError> {
        let bad = |problem: &str| {
            NlpError::SyntaxModel(format!(
                "{problem}; rebuild it with `chancery train syntax`"
            ))
        };
        let mut reader = Reader::new(bytes);
        if reader.take(8).ok_or_else(|| bad("file too short"))? != MAGIC {
            return Err(bad("not a chancery syntax model (wrong magic bytes)"));
        }
        let vocabulary = Vocabulary::read(&mut reader).map_err(|p| bad(&p))?;
        let tagger = Linear::read(&mut reader, tagger::CLASSES).map_err(|p| bad(&p))?;
        let retagger = Linear::read(&mut reader, tagger::CLASSES).map_err(|p| bad(&p))?;
        let parser = Linear::read(&mut reader, parser::CLASSES).map_err(|p| bad(&p))?;
        if reader.remaining() != 0 {
            return Err(bad("trailing bytes after the parser"));
        }
        Ok(SyntaxModel {
            vocabulary,
            tagger,
            retagger,
            parser,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deprel_names_round_trip() {
        for (i, rel) in ALL_DEPRELS.iter().enumerate() {
            assert_eq!(*rel as usize, i);
            assert_eq!(DepRel::from_name(rel.as_str()), Some(*rel));
        }
        assert_eq!(DepRel::from_name("obl:tmod"), Some(DepRel::OblUnmarked));
        assert_eq!(DepRel::from_name("nmod:desc"), Some(DepRel::Nmod));
        assert_eq!(DepRel::from_name("flat:foreign"), Some(DepRel::Flat));
        assert_eq!(DepRel::from_name("nonsense"), None);
        assert_eq!(DepRel::NsubjPass.base(), "nsubj");
        for (i, tag) in Upos::ALL.iter().enumerate() {
            assert_eq!(*tag as usize, i);
            assert_eq!(Upos::from_name(tag.as_str()), Some(*tag));
        }
    }

    #[test]
    fn words_inside_names_are_proper_nouns() {
        let words = [
            "Moscow",
            "peacemaker",
            "Alexander",
            "Lebed",
            "signed",
            "an",
            "agreement",
            ".",
        ];
        let names = [true, false, true, true, false, false, false, false];
        let parse = SyntaxModel::builtin().parse_with_names(&words, &names);
        assert_eq!(parse.upos[2], Upos::Propn);
        assert_eq!(parse.upos[3], Upos::Propn);
        assert_eq!(parse.upos[0], Upos::Propn);
        // Lower-case words of a name ("of" in "Bank of England") keep their
        // own tags; words outside names are tagged as before.
        assert_eq!(parse.upos[4], Upos::Verb);
        assert_eq!(parse.len(), words.len());
    }

    use proptest::prelude::*;

    const POOL: &[&str] = &[
        "the",
        "The",
        "THE",
        "police",
        "POLICE",
        "arrested",
        "ARRESTED",
        "Kyiv",
        "Zürich",
        "北京",
        "ÉTAT",
        "'s",
        "n't",
        ",",
        ".",
        "\"",
        "(",
        ")",
        "-",
        "--",
        "",
        " ",
        "1,200",
        "U.S.",
        "well-known",
        "said",
        "by",
        "on",
        "🙂",
        "\u{0}",
        "ǅ",
        "ß",
        "İstanbul",
    ];

    proptest! {
        #[test]
        fn every_parse_is_a_tree(picks in proptest::collection::vec(0..POOL.len(), 0..60)) {
            let words: Vec<&str> = picks.iter().map(|&i| POOL[i]).collect();
            let parse = SyntaxModel::builtin().parse(&words);
            prop_assert_eq!(parse.len(), words.len());
            prop_assert_eq!(parse.upos.len(), words.len());
            prop_assert_eq!(parse.deprels.len(), words.len());
            parser::tests::assert_tree(&parse.heads);
            for (head, rel) in parse.heads.iter().zip(&parse.deprels) {
                prop_assert_eq!(head.is_none(), *rel == DepRel::Root);
            }
        }
    }

    #[test]
    fn subtree_spans_cover_descendants() {
        // "The army shelled the town": det, nsubj, root, det, obj.
        let parse = Parse {
            upos: vec![Upos::Det, Upos::Noun, Upos::Verb, Upos::Det, Upos::Noun],
            heads: vec![Some(1), Some(2), None, Some(4), Some(2)],
            deprels: vec![
                DepRel::Det,
                DepRel::Nsubj,
                DepRel::Root,
                DepRel::Det,
                DepRel::Obj,
            ],
        };
        assert_eq!(parse.subtree_spans(), vec![0..1, 0..2, 0..5, 3..4, 3..5]);
        assert_eq!(parse.children(2).collect::<Vec<_>>(), vec![1, 4]);
        assert_eq!(parse.child_with(2, DepRel::Obj), Some(4));
    }

    #[test]
    fn empty_and_single_word_sentences() {
        let model = SyntaxModel::builtin();
        assert!(model.parse(&[]).is_empty());
        let one = model.parse(&["Stop"]);
        assert_eq!(one.heads, [None]);
        assert_eq!(one.root(), Some(0));
    }

    #[test]
    fn a_long_sentence_parses_in_linear_time() {
        let model = SyntaxModel::builtin();
        let pattern = [
            "The",
            "army",
            "shelled",
            "the",
            "town",
            "and",
            "officials",
            "said",
            ",",
        ];
        let sentence =
            |n: usize| -> Vec<&str> { pattern.iter().copied().cycle().take(n).collect() };
        let (short, long) = (sentence(250), sentence(5_000));
        let time = |words: &[&str]| {
            let mut best = f64::MAX;
            for _ in 0..3 {
                let started = std::time::Instant::now();
                let parse = model.parse(words);
                best = best.min(started.elapsed().as_secs_f64());
                parser::tests::assert_tree(&parse.heads);
            }
            best
        };
        let (t_short, t_long) = (time(&short), time(&long));
        // Twenty times the words: linear is about 20 times the time,
        // quadratic 400 times. 80 leaves room for a busy machine.
        assert!(
            t_long < 80.0 * t_short.max(1e-5),
            "{t_short} s for 250 words, {t_long} s for 5000"
        );
    }

    #[test]
    fn reads_who_did_what_to_whom() {
        let model = SyntaxModel::builtin();
        for words in [
            [
                "Police",
                "arrested",
                "dozens",
                "of",
                "protesters",
                "in",
                "Paris",
                ".",
            ],
            [
                "POLICE",
                "ARRESTED",
                "DOZENS",
                "OF",
                "PROTESTERS",
                "IN",
                "PARIS",
                ".",
            ],
        ] {
            let parse = model.parse(&words);
            assert_eq!(parse.root(), Some(1), "{words:?}: {parse:?}");
            assert_eq!(parse.child_with(1, DepRel::Nsubj), Some(0), "{parse:?}");
            assert_eq!(parse.child_with(1, DepRel::Obj), Some(2), "{parse:?}");
            assert_eq!(parse.upos[1], Upos::Verb, "{parse:?}");
        }
        let passive = ["The", "talks", "were", "called", "off", "by", "Kyiv", "."];
        let parse = model.parse(&passive);
        assert_eq!(parse.root(), Some(3), "{parse:?}");
        assert_eq!(parse.deprels[1], DepRel::NsubjPass, "{parse:?}");
    }

    #[test]
    fn builtin_model_loads_and_rejects_damage() {
        let model = SyntaxModel::builtin();
        let (tagger, parser) = model.feature_counts();
        assert!(tagger > 1000 && parser > 1000);
        assert!(SyntaxModel::from_bytes(b"nope").is_err());
        let mut bytes = model.to_bytes();
        // What was read is what is kept: the tables write back the file.
        assert!(bytes == include_bytes!("../../models/syntax.bin"));
        bytes.truncate(bytes.len() - 3);
        assert!(SyntaxModel::from_bytes(&bytes).is_err());
    }
}
