//! Codes one sentence with the dictionaries: actors and agents into noun
//! phrases, compounds and "AGENT of ACTOR" phrases; verbs into patterns;
//! subject and object by position.

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use super::agents::Agent;
use super::verbs::{Element, Pattern, Step, VerbForm};
use super::{Code, Dictionaries};

/// An event coded from one sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodedEvent {
    /// Source actor code (`---` plus agents when only an agent was named).
    pub source: String,
    /// Target actor code.
    pub target: String,
    /// Event code as the dictionary gives it.
    pub code: String,
    /// The verb's words (index range into the sentence's words).
    pub verb: Range<usize>,
    /// The source's words.
    pub source_words: Range<usize>,
    /// The target's words.
    pub target_words: Range<usize>,
    /// The dictionary line of the pattern (or verb) that gave the code.
    pub line: usize,
}

/// A word trie: the longest dictionary phrase starting at a word, in as many
/// lookups as it has words (the Phoenix actor files have hundreds of phrases
/// starting with "INTERNATIONAL" or "JOHN").
#[derive(Debug, Clone, Default)]
struct Trie {
    /// Node 0 is the root.
    nodes: Vec<(HashMap<String, u32>, Option<usize>)>,
}

impl Trie {
    /// Adds a phrase; the first value given for a phrase is kept.
    fn insert(&mut self, words: &[String], value: usize) {
        if self.nodes.is_empty() {
            self.nodes.push(Default::default());
        }
        let mut node = 0usize;
        for word in words {
            node = match self.nodes[node].0.get(word) {
                Some(&next) => next as usize,
                None => {
                    let next = self.nodes.len();
                    self.nodes[node].0.insert(word.clone(), next as u32);
                    self.nodes.push(Default::default());
                    next
                }
            };
        }
        self.nodes[node].1.get_or_insert(value);
    }

    /// The longest phrase at the start of `words`: (its length, its value).
    fn longest(&self, words: &[String]) -> Option<(usize, usize)> {
        let mut node = 0usize;
        let mut best = None;
        for (i, word) in words.iter().enumerate() {
            match self.nodes.get(node).and_then(|n| n.0.get(word.as_str())) {
                Some(&next) => node = next as usize,
                None => break,
            }
            if let Some(value) = self.nodes[node].1 {
                best = Some((i + 1, value));
            }
        }
        best
    }
}

/// Phrase lookup tables built once from the dictionaries.
#[derive(Debug, Clone, Default)]
pub(crate) struct Index {
    /// Actor phrases → actor record.
    actors: Trie,
    /// Agent phrases → agent phrase index.
    agents: Trie,
    /// Per synonym set: first word → its phrases starting with it, and last
    /// word → its phrases ending with it (patterns test sets at every word).
    synset_first: Vec<HashMap<String, Vec<usize>>>,
    synset_last: Vec<HashMap<String, Vec<usize>>>,
    /// First word of each discard phrase → the discards that start with it.
    discards: HashMap<String, Vec<usize>>,
    /// Per block, its patterns most specific first (file order among equals),
    /// each with the words it cannot match without.
    patterns: Vec<Vec<(usize, Vec<String>)>>,
}

impl Index {
    pub(crate) fn build(dicts: &Dictionaries) -> Index {
        let mut index = Index::default();
        for (i, record) in dicts.actors.records.iter().enumerate() {
            for phrase in &record.phrases {
                let words: Vec<String> = phrase
                    .split(' ')
                    .filter(|w| !w.is_empty())
                    .map(str::to_ascii_uppercase)
                    .collect();
                if !words.is_empty() {
                    index.actors.insert(&words, i);
                }
            }
        }
        for (i, (words, _)) in dicts.agents.phrases.iter().enumerate() {
            if !words.is_empty() {
                index.agents.insert(words, i);
            }
        }
        for synset in &dicts.verbs.synsets {
            let mut first: HashMap<String, Vec<usize>> = HashMap::new();
            let mut last: HashMap<String, Vec<usize>> = HashMap::new();
            for (p, phrase) in synset.iter().enumerate() {
                if let (Some(a), Some(b)) = (phrase.first(), phrase.last()) {
                    first.entry(a.clone()).or_default().push(p);
                    last.entry(b.clone()).or_default().push(p);
                }
            }
            index.synset_first.push(first);
            index.synset_last.push(last);
        }
        for (i, discard) in dicts.discards.iter().enumerate() {
            if let Some(first) = discard.phrase.split(' ').next() {
                index.discards.entry(first.to_string()).or_default().push(i);
            }
        }
        for block in &dicts.verbs.blocks {
            let mut order: Vec<(usize, Vec<String>)> = block
                .patterns
                .iter()
                .enumerate()
                .map(|(i, pattern)| {
                    let required = pattern
                        .before
                        .iter()
                        .chain(&pattern.after)
                        .filter_map(|step| match &step.element {
                            Element::Word(word) => Some(word.clone()),
                            _ => None,
                        })
                        .collect();
                    (i, required)
                })
                .collect();
            order.sort_by_key(|(i, _)| std::cmp::Reverse(block.patterns[*i].weight()));
            index.patterns.push(order);
        }
        index
    }
}

/// Upper case with single spaces, for discard matching.
pub(crate) fn normalized_upper(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_uppercase()
}

const MODALS: &[&str] = &[
    "WILL", "WOULD", "SHOULD", "CAN", "COULD", "MAY", "MIGHT", "MUST", "SHALL",
];
const DETERMINERS: &[&str] = &[
    "A", "AN", "THE", "ITS", "HIS", "HER", "THEIR", "OUR", "MY", "YOUR", "THIS", "THESE", "THOSE",
    "SOME", "ANY", "NO", "EVERY", "EACH", "'S", "'", "ANOTHER", "SUCH",
];
const PREPOSITIONS: &[&str] = &[
    "OF", "FOR", "IN", "ON", "AT", "WITH", "BY", "FROM", "INTO", "DURING", "AFTER", "BEFORE",
    "AGAINST", "OVER", "UNDER", "BETWEEN", "AMONG", "TOWARD", "TOWARDS", "ABOUT", "THROUGH",
    "WITHOUT", "WITHIN", "UPON", "NEAR",
];
/// Words that are prepositions but may also open a clause ("after Gondor attacked").
const SUBORDINATORS: &[&str] = &["AFTER", "BEFORE", "SINCE", "UNTIL"];
/// Degree adverbs: the word after them is an adjective ("very close").
const DEGREE: &[&str] = &[
    "VERY", "TOO", "SO", "MORE", "MOST", "LESS", "LEAST", "QUITE",
];
const BE: &[&str] = &["WAS", "WERE", "IS", "ARE", "BEEN", "BEING", "BE"];
const CONJUNCTIONS: &[&str] = &["AND", "OR", "NOR"];
const FUNCTION_WORDS: &[&str] = &[
    "IS", "ARE", "WAS", "WERE", "BE", "BEEN", "BEING", "HAS", "HAVE", "HAD", "DO", "DOES", "DID",
    "NOT", "N'T", "TO", "THAT", "WHICH", "WHO", "WHOM", "WHOSE", "IT", "HE", "SHE", "THEY", "WE",
    "I", "YOU", "BUT", "IF", "WHEN", "WHILE", "AS", "THAN", "THEN", "ALSO",
];

#[derive(Debug)]
enum MentionKind {
    /// Actor codes (several for `[FRO/BIL/SAM]`, none for a null code).
    Actor(Vec<String>),
    Agent(usize),
}

#[derive(Debug)]
struct Mention {
    start: usize,
    end: usize,
    kind: MentionKind,
}

/// A noun phrase built from adjacent mentions.
#[derive(Debug, Default, Clone)]
struct Group<'d> {
    start: usize,
    end: usize,
    actors: Vec<String>,
    has_actor: bool,
    agents: Vec<&'d Agent>,
    former: bool,
}

/// A source or target: one or more actors (a compound) over a word range.
#[derive(Debug, Clone)]
struct Unit {
    start: usize,
    end: usize,
    codes: Vec<String>,
}

struct Sentence<'d> {
    dicts: &'d Dictionaries,
    upper: Vec<String>,
    /// The input word each word comes from ("Dol_Amroth" gives two words).
    origin: Vec<usize>,
    lower_case: Vec<bool>,
    in_mention: Vec<bool>,
    /// Words inside an actor (not agent) mention.
    in_actor: Vec<bool>,
    units: Vec<Unit>,
}

fn find_mentions(
    dicts: &Dictionaries,
    upper: &[String],
    date: Option<u32>,
    known: &[(Range<usize>, String)],
) -> Vec<Mention> {
    let mut mentions = Vec::new();
    let mut i = 0;
    while i < upper.len() {
        let actor = dicts.index.actors.longest(&upper[i..]);
        let agent = dicts.index.agents.longest(&upper[i..]);
        let chosen = match (actor, agent) {
            (Some((len, record)), Some((agent_len, _))) if len >= agent_len => {
                Some((len, MentionKind::Actor(actor_codes(dicts, record, date))))
            }
            (_, Some((len, agent))) => Some((len, MentionKind::Agent(agent))),
            (Some((len, record)), None) => {
                Some((len, MentionKind::Actor(actor_codes(dicts, record, date))))
            }
            (None, None) => known
                .iter()
                .find(|(range, _)| range.start == i && range.end > i && range.end <= upper.len())
                .map(|(range, code)| (range.len(), MentionKind::Actor(vec![code.clone()]))),
        };
        match chosen {
            Some((len, kind)) => {
                mentions.push(Mention {
                    start: i,
                    end: i + len,
                    kind,
                });
                i += len;
            }
            None => i += 1,
        }
    }
    mentions
}

fn actor_codes(dicts: &Dictionaries, record: usize, date: Option<u32>) -> Vec<String> {
    match dicts.actors.records[record].code_on(date) {
        Some(code) if code != "---" => code
            .split('/')
            .filter(|c| !c.is_empty())
            .map(str::to_ascii_uppercase)
            .collect(),
        _ => Vec::new(),
    }
}

/// The code a verb gets: from the most specific of its blocks' patterns that
/// matches (most elements, then the earliest line), else its own or its
/// block's code; with the dictionary line and what the pattern bound.
fn verb_code(
    dicts: &Dictionaries,
    verb: &Verb,
    present: &HashSet<&str>,
    matcher: &mut Matcher,
) -> (Code, usize, Binding) {
    // The best pattern of any block the verb belongs to: the most
    // elements, then the earliest line.
    let mut best: Option<(&Pattern, Binding)> = None;
    for form in &verb.forms {
        let block = &dicts.verbs.blocks[form.block];
        for (i, required) in &dicts.index.patterns[form.block] {
            let pattern = &block.patterns[*i];
            let better = best.as_ref().is_none_or(|(b, _)| {
                pattern.weight() > b.weight()
                    || (pattern.weight() == b.weight() && pattern.line < b.line)
            });
            if !better {
                // Patterns come most specific first: none later in this block wins.
                break;
            }
            if !required.iter().all(|w| present.contains(w.as_str())) {
                continue;
            }
            if let Some(binding) = matcher.pattern(pattern, verb) {
                best = Some((pattern, binding));
                break;
            }
        }
    }
    match best {
        Some((pattern, binding)) => (pattern.code.clone(), pattern.line, binding),
        None => {
            let form = verb.forms.last().expect("a verb has a form");
            let code = verb
                .forms
                .iter()
                .rev()
                .find_map(|f| f.code.clone())
                .unwrap_or_else(|| dicts.verbs.blocks[form.block].code.clone());
            (code, form.line, Binding::default())
        }
    }
}

/// Whether a discard phrase occurs in the sentence: its words in a row, the
/// last one a stem unless the phrase ends with `_` (a one-word stem matches
/// the start of a word).
fn discarded(dicts: &Dictionaries, upper: &[String]) -> bool {
    if dicts.index.discards.is_empty() {
        return false;
    }
    upper.iter().enumerate().any(|(i, word)| {
        word.char_indices()
            .map(|(at, c)| at + c.len_utf8())
            .filter_map(|end| dicts.index.discards.get(&word[..end]))
            .flatten()
            .any(|&d| {
                let discard = &dicts.discards[d];
                let phrase: Vec<&str> = discard.phrase.split(' ').collect();
                let last = phrase.len() - 1;
                i + phrase.len() <= upper.len()
                    && phrase.iter().enumerate().all(|(k, part)| {
                        let word = upper[i + k].as_str();
                        word == *part
                            || (k == last && !discard.whole_word && word.starts_with(part))
                    })
            })
    })
}

/// Adds an agent's code to an actor code, three letters at a time, skipping
/// parts the code already has ("USAGOV" + "GOV" stays "USAGOV").
fn compose(actor: &str, agents: &[&Agent], former: bool) -> String {
    if former {
        return format!("{actor}ELI");
    }
    let mut prefix = String::new();
    let mut code = actor.to_string();
    for agent in agents {
        if agent.prefix {
            prefix.push_str(&agent.code);
            continue;
        }
        let bytes = agent.code.as_bytes();
        for chunk in bytes.chunks(3) {
            let chunk = std::str::from_utf8(chunk).unwrap_or("");
            let present = code.as_bytes().chunks(3).any(|c| c == chunk.as_bytes());
            if !present {
                code.push_str(chunk);
            }
        }
    }
    if prefix.is_empty() {
        code
    } else if code == "---" {
        prefix
    } else {
        prefix + &code
    }
}

impl Group<'_> {
    fn codes(&self) -> Vec<String> {
        if self.actors.is_empty() {
            if self.agents.is_empty() && !self.has_actor {
                return Vec::new();
            }
            if self.has_actor && self.agents.is_empty() {
                return Vec::new();
            }
            return vec![compose("---", &self.agents, self.former)];
        }
        self.actors
            .iter()
            .map(|actor| compose(actor, &self.agents, self.former))
            .collect()
    }
}

impl<'d> Sentence<'d> {
    fn new(
        dicts: &'d Dictionaries,
        words: &[&str],
        date: Option<u32>,
        known: &[(Range<usize>, String)],
    ) -> Self {
        let mut upper = Vec::with_capacity(words.len());
        let mut origin = Vec::with_capacity(words.len());
        let mut lower_case = Vec::with_capacity(words.len());
        for (i, word) in words.iter().enumerate() {
            // Dictionary phrases join words with `_`; text that does the same
            // ("Dol_Amroth") is read as separate words.
            for part in word.split('_').filter(|p| !p.is_empty()) {
                upper.push(part.to_uppercase().replace('\u{2019}', "'"));
                origin.push(i);
                lower_case.push(part.chars().next().is_some_and(|c| c.is_lowercase()));
            }
        }
        // Known actors are given in input words; move them onto split words.
        let known: Vec<(Range<usize>, String)> = known
            .iter()
            .filter_map(|(range, code)| {
                let start = origin.iter().position(|&o| o == range.start)?;
                let end = origin.iter().rposition(|&o| o + 1 == range.end)? + 1;
                (start < end).then(|| (start..end, code.clone()))
            })
            .collect();
        let mentions = find_mentions(dicts, &upper, date, &known);
        let mut in_mention = vec![false; upper.len()];
        let mut in_actor = vec![false; upper.len()];
        for m in &mentions {
            in_mention[m.start..m.end]
                .iter_mut()
                .for_each(|b| *b = true);
            if matches!(m.kind, MentionKind::Actor(_)) {
                in_actor[m.start..m.end].iter_mut().for_each(|b| *b = true);
            }
        }
        let mut sentence = Sentence {
            dicts,
            upper,
            origin,
            lower_case,
            in_mention,
            in_actor,
            units: Vec::new(),
        };
        let groups = sentence.groups(&mentions);
        sentence.units = sentence.units_from(groups);
        sentence
    }

    fn word(&self, i: usize) -> &str {
        &self.upper[i]
    }

    fn is(&self, i: usize, list: &[&str]) -> bool {
        list.contains(&self.word(i))
    }

    /// A lower-case word that may sit inside a noun phrase (an adjective).
    fn is_modifier(&self, i: usize) -> bool {
        self.lower_case[i]
            && !self.in_mention[i]
            && self.word(i).chars().all(|c| c.is_alphabetic() || c == '-')
            && !self.is(i, DETERMINERS)
            && !self.is(i, PREPOSITIONS)
            && !self.is(i, CONJUNCTIONS)
            && !self.is(i, FUNCTION_WORDS)
            && !self.is(i, MODALS)
            && self.dicts.verbs.forms(self.word(i)).is_empty()
    }

    fn groups(&self, mentions: &[Mention]) -> Vec<Group<'d>> {
        let mut groups: Vec<Group<'d>> = Vec::new();
        for m in mentions {
            let joins = groups.last().is_some_and(|g| {
                let between = g.end..m.start;
                let possessive = between
                    .clone()
                    .next()
                    .is_some_and(|i| self.is(i, &["'S", "'"]));
                let modifiers = between.clone().filter(|&i| self.is_modifier(i)).count();
                between.clone().all(|i| {
                    self.is(i, &["'S", "'"])
                        || self.is_modifier(i)
                        || (possessive && (self.is(i, &["AND"]) || self.is(i, &["FIRST"])))
                }) && (possessive || modifiers <= 2)
            });
            if !joins {
                let mut group = Group {
                    start: m.start,
                    end: m.start,
                    ..Group::default()
                };
                group.former = m.start > 0 && self.is(m.start - 1, &["FORMER"]);
                groups.push(group);
            }
            let group = groups.last_mut().expect("pushed above");
            if (group.start..m.start).any(|i| self.is(i, &["FORMER"])) {
                group.former = true;
            }
            group.end = m.end;
            match &m.kind {
                MentionKind::Actor(codes) => {
                    if !group.has_actor {
                        group.actors = codes.clone();
                    }
                    group.has_actor = true;
                }
                MentionKind::Agent(index) => {
                    group.agents.push(&self.dicts.agents.phrases[*index].1)
                }
            }
        }
        groups
    }

    /// Joins groups into compounds ("A, B and C") and "AGENT of ACTOR" phrases.
    fn units_from(&self, groups: Vec<Group<'d>>) -> Vec<Unit> {
        // Compounds: a chain of groups linked by commas, conjunctions,
        // determiners and at most two modifiers, with at least one conjunction.
        let mut chains: Vec<Vec<usize>> = Vec::new();
        let mut i = 0;
        while i < groups.len() {
            let mut chain = vec![i];
            let mut has_conjunction = false;
            while let Some(next) = groups.get(chain.last().unwrap() + 1) {
                let prev = &groups[*chain.last().unwrap()];
                let between = prev.end..next.start;
                if between.is_empty() {
                    break;
                }
                let mut modifiers = 0;
                let mut conjunction = false;
                let ok = between.clone().all(|k| {
                    if self.is(k, CONJUNCTIONS) {
                        conjunction = true;
                        true
                    } else if self.is(k, &[",", "THE", "A", "AN", "BOTH", "EITHER", "NEITHER"]) {
                        true
                    } else if self.is_modifier(k) {
                        modifiers += 1;
                        true
                    } else {
                        false
                    }
                });
                if !ok || modifiers > 2 {
                    break;
                }
                has_conjunction |= conjunction;
                chain.push(chain.last().unwrap() + 1);
            }
            if !has_conjunction {
                chain.truncate(1);
            } else {
                // A trailing comma-only link is not part of the list.
                while chain.len() > 1 {
                    let last = chain[chain.len() - 1];
                    let prev = &groups[chain[chain.len() - 2]];
                    if (prev.end..groups[last].start).any(|k| self.is(k, CONJUNCTIONS)) {
                        break;
                    }
                    chain.pop();
                }
            }
            i = chain.last().unwrap() + 1;
            chains.push(chain);
        }
        let mut chains: Vec<Vec<Group<'d>>> = chains
            .into_iter()
            .map(|chain| chain.into_iter().map(|g| groups[g].clone()).collect())
            .collect();
        let mut units: Vec<Unit> = Vec::new();
        let mut c = 0;
        while c < chains.len() {
            let linked = chains.get(c + 1).is_some_and(|next| {
                let last = chains[c].last().expect("chains are not empty");
                let between = last.end..next[0].start;
                !between.is_empty()
                    && self.is(between.start, &["OF", "IN", "FROM"])
                    && between.clone().skip(1).all(|k| self.is(k, &["THE"]))
                    && next.iter().any(|g| g.has_actor)
            });
            let agents_only = chains[c].iter().all(|g| !g.has_actor);
            if linked && agents_only {
                // "Lawmakers and officials in Fornost and Gondor": every agent
                // with every actor.
                let next = &chains[c + 1];
                let mut codes = Vec::new();
                for a in &chains[c] {
                    for group in next {
                        let mut agents = a.agents.clone();
                        agents.extend(group.agents.iter().copied());
                        for actor in &group.actors {
                            let code = compose(actor, &agents, a.former || group.former);
                            if !codes.contains(&code) {
                                codes.push(code);
                            }
                        }
                    }
                }
                units.push(Unit {
                    start: chains[c][0].start,
                    end: next.last().expect("chains are not empty").end,
                    codes,
                });
                c += 2;
                continue;
            }
            if linked && chains[c + 1].len() == 1 && !chains[c].last().is_some_and(|g| g.has_actor)
            {
                // "Ithilen and the government of Gondor": the last member takes the actor.
                let next = chains[c + 1].remove(0);
                let last = chains[c].last_mut().expect("chains are not empty");
                last.actors = next.actors;
                last.has_actor = next.has_actor;
                last.agents.extend(next.agents);
                last.former |= next.former;
                last.end = next.end;
                chains[c + 1].clear();
            }
            // "Danish media and government": a member with only an agent
            // takes the actor of the member before it.
            let chain = &mut chains[c];
            for k in 1..chain.len() {
                if !chain[k].has_actor && chain[k - 1].has_actor {
                    chain[k].actors = chain[k - 1].actors.clone();
                    chain[k].has_actor = true;
                }
            }
            let mut codes = Vec::new();
            for group in chain.iter() {
                for code in group.codes() {
                    if !codes.contains(&code) {
                        codes.push(code);
                    }
                }
            }
            units.push(Unit {
                start: chain[0].start,
                end: chain.last().expect("chains are not empty").end,
                codes,
            });
            c += 1;
            while chains.get(c).is_some_and(Vec::is_empty) {
                c += 1;
            }
        }
        units.retain(|u| !u.codes.is_empty());
        units
    }

    /// Whether the verb word at `i` is used as a noun ("an attack", "a brief
    /// private visit", "of fighting").
    fn governed_as_noun(&self, i: usize, past: bool) -> bool {
        if i == 0 {
            return false;
        }
        if self.is(i - 1, DETERMINERS) {
            return true;
        }
        if past {
            return false;
        }
        if self.is(i - 1, PREPOSITIONS) || self.is(i - 1, DEGREE) {
            return true;
        }
        // "a brief private visit": up to three lower-case words (which may
        // themselves look like verbs: "brief") after a determiner.
        let mut k = i;
        let mut modifiers = 0;
        let mut passed_actor = false;
        while k > 0 && modifiers < 4 {
            k -= 1;
            if self.is(k, DETERMINERS) {
                // "The Philippines and the Central African Republic agree":
                // a determiner after a conjunction opens the next member of
                // a compound subject, not a noun phrase around the verb.
                let compound = k > 0 && (self.is(k - 1, CONJUNCTIONS) || self.is(k - 1, &[","]));
                return modifiers > 0 && !self.is(k, &["'S", "'"]) && !(passed_actor && compound);
            }
            // "a Valdorian attack": an actor used as an adjective, unless the
            // word agrees with it as a verb ("the United States agrees").
            if self.in_actor[k] {
                if self.word(i).ends_with('S') {
                    return false;
                }
                passed_actor = true;
                while k > 0 && self.in_actor[k - 1] {
                    k -= 1;
                }
                modifiers += 1;
                continue;
            }
            let adjective_like = self.is_modifier(k)
                || self.is(k, &["-", "--"])
                || (self.lower_case[k]
                    && !self.in_mention[k]
                    && self
                        .dicts
                        .verbs
                        .forms(self.word(k))
                        .iter()
                        .all(|f| !f.past && f.before.is_empty() && f.after.is_empty())
                    && !self.dicts.verbs.forms(self.word(k)).is_empty()
                    && !self.word(k).ends_with("ING"));
            if !adjective_like {
                return false;
            }
            modifiers += 1;
        }
        false
    }

    fn verbs(&self) -> Vec<Verb<'d>> {
        let mut verbs: Vec<Verb<'d>> = Vec::new();
        // The last verb word read as a noun: "a new bombing and shelling
        // offensive" makes "shelling" a noun too.
        let mut last_noun: Option<usize> = None;
        let mut i = 0;
        while i < self.upper.len() {
            if self.in_mention[i] || self.is(i, MODALS) {
                i += 1;
                continue;
            }
            let forms = self.dicts.verbs.forms(self.word(i));
            let mut best: Option<(usize, usize)> = None;
            let mut chosen: Vec<&'d VerbForm> = Vec::new();
            for form in forms {
                let before = form.before.len();
                if before > i || i + 1 + form.after.len() > self.upper.len() {
                    continue;
                }
                let ok = self.upper[i - before..i].iter().eq(form.before.iter())
                    && self.upper[i + 1..i + 1 + form.after.len()]
                        .iter()
                        .eq(form.after.iter());
                if !ok {
                    continue;
                }
                let span = (i - before, i + 1 + form.after.len());
                match best {
                    Some(b) if b.1 - b.0 > span.1 - span.0 => {}
                    Some(b) if b == span => chosen.push(form),
                    _ => {
                        best = Some(span);
                        chosen = vec![form];
                    }
                }
            }
            let Some((start, end)) = best else {
                i += 1;
                continue;
            };
            let past = chosen.iter().any(|f| f.past);
            let coordinated_noun =
                last_noun.is_some_and(|n| n + 2 == i && self.is(i - 1, CONJUNCTIONS));
            if start == i && (coordinated_noun || self.governed_as_noun(i, past)) {
                last_noun = Some(i);
                i += 1;
                continue;
            }
            verbs.push(Verb {
                start,
                end,
                past,
                forms: chosen,
            });
            i = end;
        }
        verbs
    }

    /// The nearest unit ending at or before `at` that is not the object of
    /// a preposition (else the nearest at all).
    fn subject_before(&self, at: usize) -> Option<usize> {
        // Units do not overlap, so they are sorted by end as well as start.
        let before = self.units.partition_point(|u| u.end <= at);
        (0..before)
            .rev()
            .find(|&u| {
                let start = self.units[u].start;
                start == 0 || !self.is(start - 1, PREPOSITIONS) || self.is(start - 1, SUBORDINATORS)
            })
            .or_else(|| before.checked_sub(1))
    }

    /// The first unit after `at` that is not `not` and not the subject of
    /// a later verb ("…, a senior official said").
    fn first_unit_after(
        &self,
        at: usize,
        not: Option<usize>,
        verb_starts: &HashSet<usize>,
    ) -> Option<usize> {
        let first = self.units.partition_point(|u| u.start < at);
        (first..self.units.len())
            .find(|&u| Some(u) != not && !self.is_subject_of_later_verb(u, verb_starts))
    }

    fn is_subject_of_later_verb(&self, unit: usize, verb_starts: &HashSet<usize>) -> bool {
        let mut k = self.units[unit].end;
        while k < self.upper.len()
            && (self.is(k, MODALS)
                || self.is(k, BE)
                || self.is(k, &["HAS", "HAVE", "HAD", "NOT", "N'T", "ALSO"])
                || (self.lower_case[k] && self.word(k).ends_with("LY")))
        {
            k += 1;
        }
        verb_starts.contains(&k)
    }

    fn passive_agent(&self, verb: &Verb) -> Option<usize> {
        if !verb.past {
            return None;
        }
        let mut k = verb.start;
        let mut seen = 0;
        let mut be = false;
        while k > 0 && seen < 3 {
            k -= 1;
            if self.is(k, BE) {
                be = true;
                break;
            }
            if !self.word(k).ends_with("LY") {
                break;
            }
            seen += 1;
        }
        if !be {
            return None;
        }
        let by = (verb.end..(verb.end + 4).min(self.upper.len())).find(|&k| self.is(k, &["BY"]))?;
        self.units
            .iter()
            .position(|u| u.start > by && u.start <= by + 2)
    }
}

struct Verb<'d> {
    start: usize,
    end: usize,
    past: bool,
    forms: Vec<&'d VerbForm>,
}

/// What a matched pattern bound.
#[derive(Debug, Default, Clone)]
struct Binding {
    source: Option<usize>,
    target: Option<usize>,
    compound: Option<usize>,
    leftmost: Option<usize>,
}

/// How far (in words) a pattern's words may lie from the verb.
const REACH: usize = 40;

struct Matcher<'s, 'd> {
    sentence: &'s Sentence<'d>,
    failed: HashSet<(bool, usize, usize)>,
}

impl Matcher<'_, '_> {
    /// Phrase lengths of `element` ending at `end` (exclusive) — leftward —
    /// or starting at `start` — rightward.
    fn literal_lengths(&self, element: &Element, at: usize, leftward: bool) -> Vec<usize> {
        let s = self.sentence;
        let fits = |phrase: &[String]| -> bool {
            let len = phrase.len();
            if leftward {
                len <= at && s.upper[at - len..at].iter().eq(phrase.iter())
            } else {
                at + len <= s.upper.len() && s.upper[at..at + len].iter().eq(phrase.iter())
            }
        };
        match element {
            Element::Word(word) => {
                if fits(std::slice::from_ref(word)) {
                    vec![1]
                } else {
                    Vec::new()
                }
            }
            Element::Synset(index) => {
                let key = if leftward {
                    at.checked_sub(1)
                } else {
                    Some(at)
                };
                let table = if leftward {
                    &s.dicts.index.synset_last[*index]
                } else {
                    &s.dicts.index.synset_first[*index]
                };
                let phrases = &s.dicts.verbs.synsets[*index];
                let mut lens: Vec<usize> = key
                    .and_then(|k| s.upper.get(k))
                    .and_then(|word| table.get(word.as_str()))
                    .into_iter()
                    .flatten()
                    .map(|&p| &phrases[p])
                    .filter(|p| fits(p))
                    .map(Vec::len)
                    .collect();
                lens.sort_unstable_by(|a, b| b.cmp(a));
                lens.dedup();
                lens
            }
            _ => Vec::new(),
        }
    }

    /// Matches `steps[..k]` leftward, the last of them ending at or before
    /// `limit` (exactly at `limit` when `touch`).
    fn left(
        &mut self,
        steps: &[Step],
        k: usize,
        limit: usize,
        touch: bool,
        b: &mut Binding,
    ) -> bool {
        if k == 0 {
            return true;
        }
        let key = (false, k, limit * 2 + touch as usize);
        if self.failed.contains(&key) {
            return false;
        }
        let step = &steps[k - 1];
        let s = self.sentence;
        let lowest = limit.saturating_sub(REACH);
        let ends: Vec<usize> = if touch {
            vec![limit]
        } else {
            (lowest..=limit).rev().collect()
        };
        for end in ends {
            let options: Vec<(usize, Option<usize>)> = match &step.element {
                Element::Word(_) | Element::Synset(_) => self
                    .literal_lengths(&step.element, end, true)
                    .into_iter()
                    .map(|len| (end - len, None))
                    .collect(),
                Element::Source | Element::Target | Element::Compound => s
                    .units
                    .iter()
                    .enumerate()
                    .filter(|(_, u)| u.end == end)
                    .filter(|(_, u)| {
                        !matches!(step.element, Element::Compound) || u.codes.len() > 1
                    })
                    .map(|(i, u)| (u.start, Some(i)))
                    .collect(),
                Element::Skip => {
                    let unit = s
                        .units
                        .iter()
                        .position(|u| u.end <= end && u.end + 3 > end && u.start < end);
                    match unit {
                        Some(u) => vec![(s.units[u].start, None)],
                        None if end > 0 => vec![(end - 1, None)],
                        None => Vec::new(),
                    }
                }
            };
            for (start, unit) in options {
                let mut next = b.clone();
                match step.element {
                    Element::Source => next.source = unit,
                    Element::Target => next.target = unit,
                    Element::Compound => next.compound = unit,
                    _ => {}
                }
                next.leftmost = Some(start);
                let touch_prev = k >= 2 && steps[k - 2].adjacent;
                if self.left(steps, k - 1, start, touch_prev, &mut next) {
                    *b = next;
                    return true;
                }
            }
        }
        self.failed.insert(key);
        false
    }

    /// Matches `steps[k..]` rightward from `from` (starting exactly there when `touch`).
    fn right(
        &mut self,
        steps: &[Step],
        k: usize,
        from: usize,
        touch: bool,
        b: &mut Binding,
    ) -> bool {
        if k == steps.len() {
            return true;
        }
        let key = (true, k, from * 2 + touch as usize);
        if self.failed.contains(&key) {
            return false;
        }
        let step = &steps[k];
        let s = self.sentence;
        let highest = (from + REACH).min(s.upper.len());
        let starts: Vec<usize> = if touch {
            vec![from]
        } else {
            (from..=highest).collect()
        };
        for start in starts {
            let options: Vec<(usize, Option<usize>)> = match &step.element {
                Element::Word(_) | Element::Synset(_) => self
                    .literal_lengths(&step.element, start, false)
                    .into_iter()
                    .map(|len| (start + len, None))
                    .collect(),
                Element::Source | Element::Target | Element::Compound => s
                    .units
                    .iter()
                    .enumerate()
                    .filter(|(_, u)| u.start == start)
                    .map(|(i, u)| (u.end, Some(i)))
                    .collect(),
                Element::Skip => {
                    let unit = s
                        .units
                        .iter()
                        .position(|u| u.start >= start && u.start < start + 3);
                    match unit {
                        Some(u) => vec![(s.units[u].end, None)],
                        None if start < s.upper.len() => vec![(start + 1, None)],
                        None => Vec::new(),
                    }
                }
            };
            for (end, unit) in options {
                let mut next = b.clone();
                match step.element {
                    Element::Source => next.source = unit,
                    Element::Target | Element::Compound => next.target = unit,
                    _ => {}
                }
                if self.right(steps, k + 1, end, step.adjacent, &mut next) {
                    *b = next;
                    return true;
                }
            }
        }
        self.failed.insert(key);
        false
    }

    fn pattern(&mut self, pattern: &Pattern, verb: &Verb) -> Option<Binding> {
        self.failed.clear();
        let mut binding = Binding::default();
        let touch = pattern.before.last().is_some_and(|s| s.adjacent);
        if !self.left(
            &pattern.before,
            pattern.before.len(),
            verb.start,
            touch,
            &mut binding,
        ) {
            return None;
        }
        self.failed.clear();
        if !self.right(
            &pattern.after,
            0,
            verb.end,
            pattern.after_adjacent,
            &mut binding,
        ) {
            return None;
        }
        Some(binding)
    }
}

/// The event code of every verb of a sentence, in order, whether or not it
/// has actors: (code, the verb's words). For scoring codes alone (the CAMEO
/// codebook's examples name no actors the dictionaries know).
pub(crate) fn verb_codes(dicts: &Dictionaries, words: &[&str]) -> Vec<(String, Range<usize>)> {
    let sentence = Sentence::new(dicts, words, None, &[]);
    if sentence.upper.is_empty() || discarded(dicts, &sentence.upper) {
        return Vec::new();
    }
    let present: HashSet<&str> = sentence.upper.iter().map(String::as_str).collect();
    let mut matcher = Matcher {
        sentence: &sentence,
        failed: HashSet::new(),
    };
    let mut codes = Vec::new();
    for verb in sentence.verbs() {
        if let (Code::Event { primary, secondary }, _, _) =
            verb_code(dicts, &verb, &present, &mut matcher)
        {
            if let Some(code) = primary.or(secondary) {
                let start = sentence.origin[verb.start];
                let end = sentence.origin[verb.end - 1] + 1;
                codes.push((code, start..end));
            }
        }
    }
    codes
}

pub(crate) fn code(
    dicts: &Dictionaries,
    words: &[&str],
    date: Option<u32>,
    known: &[(Range<usize>, String)],
) -> Vec<CodedEvent> {
    if words.is_empty() {
        return Vec::new();
    }
    let sentence = Sentence::new(dicts, words, date, known);
    if sentence.upper.is_empty() || discarded(dicts, &sentence.upper) {
        return Vec::new();
    }
    let verbs = sentence.verbs();
    let verb_starts: HashSet<usize> = verbs.iter().map(|v| v.start).collect();
    let present: HashSet<&str> = sentence.upper.iter().map(String::as_str).collect();
    let mut events: Vec<CodedEvent> = Vec::new();
    let mut previous_source: Option<usize> = None;
    let mut matcher = Matcher {
        sentence: &sentence,
        failed: HashSet::new(),
    };
    for verb in &verbs {
        let (code, line, binding) = verb_code(dicts, verb, &present, &mut matcher);
        let coordinated = {
            let mut k = verb.start;
            while k > 0
                && (sentence.word(k - 1).ends_with("LY") || sentence.is(k - 1, &["ALSO", "THEN"]))
            {
                k -= 1;
            }
            k > 0 && sentence.is(k - 1, &["AND", "BUT", "OR"])
        };
        let passive = sentence.passive_agent(verb);
        let subject = if coordinated && previous_source.is_some() {
            previous_source
        } else if binding.target.is_some() && binding.leftmost.is_some_and(|l| l < verb.start) {
            sentence.subject_before(binding.leftmost.unwrap_or(verb.start))
        } else {
            sentence.subject_before(verb.start)
        };
        previous_source = subject;
        let Code::Event { primary, secondary } = code else {
            continue;
        };
        if let Some(compound) = binding.compound {
            let unit = &sentence.units[compound];
            for (i, a) in unit.codes.iter().enumerate() {
                for (j, b) in unit.codes.iter().enumerate() {
                    if i == j || a == b {
                        continue;
                    }
                    let code = match (&secondary, i < j) {
                        (Some(second), false) => second.clone(),
                        _ => match &primary {
                            Some(primary) => primary.clone(),
                            None => continue,
                        },
                    };
                    events.push(CodedEvent {
                        source: a.clone(),
                        target: b.clone(),
                        code,
                        verb: verb.start..verb.end,
                        source_words: unit.start..unit.end,
                        target_words: unit.start..unit.end,
                        line,
                    });
                }
            }
            continue;
        }
        let (mut source, mut target) = (binding.source, binding.target);
        if source.is_none() && target.is_none() {
            if let Some(agent) = passive {
                source = Some(agent);
                target = subject;
            }
        }
        let source = source.or(subject);
        let target = target.or_else(|| sentence.first_unit_after(verb.end, source, &verb_starts));
        let (Some(source), Some(target)) = (source, target) else {
            continue;
        };
        if source == target {
            continue;
        }
        let (s, t) = (&sentence.units[source], &sentence.units[target]);
        for a in &s.codes {
            for b in &t.codes {
                if a == b {
                    continue;
                }
                if let Some(primary) = &primary {
                    events.push(CodedEvent {
                        source: a.clone(),
                        target: b.clone(),
                        code: primary.clone(),
                        verb: verb.start..verb.end,
                        source_words: s.start..s.end,
                        target_words: t.start..t.end,
                        line,
                    });
                }
                if let Some(second) = &secondary {
                    events.push(CodedEvent {
                        source: b.clone(),
                        target: a.clone(),
                        code: second.clone(),
                        verb: verb.start..verb.end,
                        source_words: t.start..t.end,
                        target_words: s.start..s.end,
                        line,
                    });
                }
            }
        }
    }
    // The same event found twice in a sentence is one event.
    let mut seen = HashSet::new();
    events.retain(|e| seen.insert((e.source.clone(), e.target.clone(), e.code.clone())));
    let origin = |r: &Range<usize>| {
        let start = sentence.origin[r.start];
        let end = sentence.origin[r.end.max(r.start + 1) - 1] + 1;
        start..end
    };
    for event in &mut events {
        event.verb = origin(&event.verb);
        event.source_words = origin(&event.source_words);
        event.target_words = origin(&event.target_words);
    }
    events
}

#[cfg(test)]
mod tests {
    use super::*;

    const VERBS: &str = "&MONEY\n+DUCATS\n+GOLD_CROWNS_\n\n\
--- PLEDGE [050] ---\nPLEDGE\n- * &MONEY [071]\n- + WAS_ * BY $ [052]\n\n\
--- MEET [036:036] ---\nMEET {MEETS MET MEETING}\n- % * [036:036]\n\n\
--- ATTACK [190] ---\nATTACK\n+OPEN_FIRE {+OPENED_FIRE +OPENS_FIRE}\n";
    const ACTORS: &str = "VALDORIA [VAL]\n+VALDORIAN_\nKESTRIA [KES]\n+KESTRIAN_\n\
ANNA_VOSS [VAL]\n\t[VALGOV 20200101-20241231]\n\t[VALELI >20250101]\n";
    const AGENTS: &str = "MINISTER [~GOV]\nPOLICE {} [~COP]\nRELIEF_AGENCY [NGO~]\n";
    const DISCARDS: &str = "FOOTBALL\n";

    fn dicts() -> Dictionaries {
        Dictionaries::parse(&[
            ("test.verbs.txt".into(), VERBS.into()),
            ("test.actors.txt".into(), ACTORS.into()),
            ("test.agents.txt".into(), AGENTS.into()),
            ("test.discards.txt".into(), DISCARDS.into()),
        ])
        .unwrap()
    }

    fn coded(text: &str, date: Option<u32>) -> Vec<String> {
        let tokens = crate::token::tokenize(text);
        let words: Vec<&str> = tokens.iter().map(|t| t.text(text)).collect();
        dicts()
            .code_sentence(&words, date)
            .into_iter()
            .map(|e| format!("{}>{}:{}", e.source, e.target, e.code))
            .collect()
    }

    #[test]
    fn patterns_refine_the_block_code() {
        assert_eq!(
            coded("Valdoria pledged 5 million ducats to Kestria.", None),
            ["VAL>KES:071"]
        );
        assert_eq!(
            coded("Valdoria pledged gold crowns to Kestria.", None),
            ["VAL>KES:071"]
        );
        assert_eq!(
            coded("Valdoria pledged support to Kestria.", None),
            ["VAL>KES:050"]
        );
        assert_eq!(
            coded("Kestria was pledged aid by Valdoria.", None),
            ["VAL>KES:052"]
        );
    }

    #[test]
    fn agents_compounds_and_multiword_verbs() {
        assert_eq!(
            coded("The Valdorian minister and police attacked Kestria.", None),
            ["VALGOV>KES:190", "VALCOP>KES:190"]
        );
        assert_eq!(
            coded(
                "Police in Kestria opened fire on Valdorian protesters.",
                None
            ),
            ["KESCOP>VAL:190"]
        );
        assert_eq!(
            coded("Valdoria and Kestria met on Monday.", None),
            ["VAL>KES:036", "KES>VAL:036"]
        );
        assert_eq!(
            coded("A Kestrian relief agency met Valdoria.", None),
            ["NGOKES>VAL:036", "VAL>NGOKES:036"]
        );
    }

    #[test]
    fn dated_actors_nouns_and_discards() {
        assert_eq!(
            coded("Anna Voss met Kestria.", Some(20_220_101))[0],
            "VALGOV>KES:036"
        );
        assert_eq!(
            coded("Anna Voss met Kestria.", Some(20_260_101))[0],
            "VALELI>KES:036"
        );
        assert!(coded("A Valdorian attack on Kestria failed.", None).is_empty());
        assert!(coded("Valdoria attacked Kestria at a football match.", None).is_empty());
        assert!(coded("", None).is_empty());
        assert!(
            coded("Valdoria attacked.", None).is_empty(),
            "no target, no event"
        );
    }

    #[test]
    fn event_spans_point_at_the_input_words() {
        let text = "Valdoria attacked Kestria_Province today";
        let words: Vec<&str> = text.split(' ').collect();
        let events = dicts().code_sentence(&words, None);
        assert_eq!(events.len(), 1);
        assert_eq!(events[0].verb, 1..2);
        assert_eq!(events[0].source_words, 0..1);
        assert_eq!(events[0].target_words, 2..3);
    }
}
