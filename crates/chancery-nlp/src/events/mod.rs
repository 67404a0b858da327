//! Who did what to whom: CAMEO events coded from sentences, with actors from
//! the document's entities, modality, a date resolved against the
//! publication date, location, trigger and evidence spans.
//!
//! A trigger from the lexicon (`lexicon.rs`) opens an event; its source is
//! the nearest actor before it in the sentence, its target the first actor
//! after it; auxiliaries and frames around the trigger ("is set to", "will",
//! "did not", "if") give the modality. The same event told twice is one event
//! with two mentions.

mod actors;
mod arguments;
pub mod lexicon;

use std::borrow::Cow;
use std::collections::HashMap;
use std::ops::Range;

use chancery_model::{
    Entity, EntityKind, Event, EventActor, Modality, Plover, Quote, Span, TextField,
};
use chrono::NaiveDate;

use crate::dates::find_date_near;
use crate::doc::Doc;
use crate::kb::{KbRef, KnowledgeBase};
use crate::petrarch::Dictionaries;
use crate::syntax::{DepRel, Parse, SyntaxModel, Upos};
use actors::{ActorFinder, Actors};
pub use lexicon::Lexicon;
use lexicon::{Trigger, TriggerKind};

/// QuadClass of a CAMEO root, by the table DESIGN.md sets: 01–05 verbal
/// cooperation, 06–09 material cooperation, 10–14 verbal conflict, 15–20
/// material conflict.
pub fn quad_class(root: u8) -> u8 {
    match root {
        1..=5 => 1,
        6..=9 => 2,
        10..=14 => 3,
        _ => 4,
    }
}

/// PLOVER event type and mode of a CAMEO code.
pub fn plover(code: &str) -> Option<Plover> {
    let root: u8 = code.get(..2)?.parse().ok()?;
    let event_type = match root {
        2 | 10 => "REQUEST",
        3 => "AGREE",
        4 => "CONSULT",
        5 => "SUPPORT",
        6 => "COOPERATE",
        7 => "AID",
        8 => "CONCEDE",
        9 | 11 => "ACCUSE",
        12 => "REJECT",
        13 => "THREATEN",
        14 => "PROTEST",
        15 => "MOBILIZE",
        16 => "SANCTION",
        17 => "COERCE",
        18..=20 => "ASSAULT",
        _ => return None,
    };
    let mode = match code {
        "042" | "043" => Some("visit"),
        "040" | "044" | "036" => Some("meet"),
        "041" => Some("phone"),
        "045" | "046" => Some("mediate"),
        "057" => Some("formal"),
        "173" => Some("arrest"),
        "190" | "193" | "194" | "195" => Some("armed"),
        _ => None,
    };
    Some(Plover {
        event_type: event_type.to_string(),
        mode: mode.map(str::to_string),
    })
}

/// The code of an appeal (`02`), intent (`03`) or demand (`10`) whose
/// content is the event `content` ("called on X to release", "pledged to
/// send aid"): CAMEO gives each its own sub-code by what is asked or offered.
pub fn compose(frame_root: &str, content: &str) -> Option<String> {
    let root = content.get(..2)?;
    let third = content.get(2..3).unwrap_or("0");
    match frame_root {
        // Threats: of reduced relations (131), repression (137), force (138x).
        "13" => {
            return Some(
                match (root, content) {
                    ("16", _) => "131",
                    ("17", _) => "137",
                    ("19", "191") => "1381",
                    ("19", "192") => "1382",
                    ("18", _) => "1383",
                    ("19", _) => "1384",
                    ("20", _) => "1385",
                    _ => return None,
                }
                .to_string(),
            );
        }
        // Rejections mirror appeals with their own digits.
        "12" => {
            let digit = match (root, content) {
                (_, "057") => "7",
                ("04", "045" | "046") => "6",
                ("04", _) => "5",
                ("06", _) => "1",
                ("07", _) => "2",
                ("08", "083") => "3",
                ("08", _) => "4",
                _ => return None,
            };
            return Some(format!("12{digit}"));
        }
        _ => {}
    }
    let (digit, sub) = match (root, content) {
        (_, "057") => ("7", None),
        ("04", "045" | "046") => ("8", None),
        ("04", _) => ("6", None),
        ("05", _) => ("2", None),
        ("06", _) => ("1", Some(third)),
        ("07", _) => ("3", Some(third)),
        ("08", "083") => ("4", None),
        ("08", _) => {
            let sub = match third {
                "1" => "1",
                "2" => "2",
                "4" => "3",
                "5" => "4",
                "6" => "5",
                "7" => "6",
                _ => "0",
            };
            ("5", Some(sub))
        }
        _ => return None,
    };
    let mut code = format!("{frame_root}{digit}");
    if let Some(sub) = sub.filter(|s| *s != "0") {
        code.push_str(sub);
    }
    Some(code)
}

/// Words that cannot start a context reached over modifiers.
const FUNCTION_WORDS: &[&str] = &[
    "the", "a", "an", "to", "of", "in", "on", "at", "for", "with", "by", "from", "that", "his",
    "her", "their", "its", "our", "and", "or", "as", "into", "against", "about", "it", "them",
];

/// A word that may stand between a verb and its object's head: numbers,
/// determiners, adjectives.
fn is_modifier(word: &str) -> bool {
    !word.is_empty()
        && !matches!(
            word,
            "." | "," | ";" | ":" | "and" | "or" | "but" | "to" | "that" | "which" | "who"
        )
        && word
            .chars()
            .all(|c| c.is_alphanumeric() || c == '-' || c == ',')
}

/// Words before a trigger that make it planned ("is set to travel").
const PLANNING: &[&str] = &[
    "set",
    "plans",
    "plan",
    "planned",
    "planning",
    "expected",
    "scheduled",
    "due",
    "intends",
    "intend",
    "intended",
    "going",
    "aims",
    "aim",
    "hopes",
    "hope",
    "wants",
    "want",
    "agreed",
    "agree",
    "decided",
    "ready",
    "prepared",
    "preparing",
    "poised",
    "vowed",
    "pledged",
    "promised",
    "offered",
    "proposed",
    "seeks",
    "sought",
];

/// One coded event before merging.
#[derive(Clone)]
struct Coded {
    code: String,
    trigger: Range<usize>,
    sentence: Range<usize>,
    /// Indexes into the document's actor mentions.
    source: Option<usize>,
    target: Option<usize>,
    modality: Modality,
    reporting: bool,
    /// The actor mention reporting the event ("X said Y will visit Z": X).
    reported_by: Option<usize>,
    /// Told as background: inside a non-restrictive relative clause, or
    /// long-past history.
    background: bool,
    /// The target's code where the event gives it: an unnamed target whose
    /// country the text does not say ("police arrested two men") is of the
    /// source's country.
    target_code: Option<String>,
    /// A source code standing for an agent the text leaves implicit: the
    /// police of "was arrested", the court of "was sentenced".
    source_code: Option<String>,
    /// An act with one side by nature (a legislature ratifying a treaty),
    /// kept without a target.
    one_sided: bool,
    /// Source and target codes from a PETRARCH dictionary, which take the
    /// place of the entities' codes.
    dictionary: Option<(String, String)>,
    /// Which sides the parse found as arguments of the trigger (the others,
    /// if any, are the nearest actors by position).
    parsed: (bool, bool),
    /// A place that stands for the target: where a visit goes ("arrived in
    /// Dhaka"); an index into the entities, its country in `target_code`.
    target_place: Option<usize>,
    /// The noun the act is aimed at when that is no actor but an earlier
    /// act ("denied the charges"): a token of the document.
    aimed_at_act: Option<usize>,
}

/// Codes the events of a document.
pub(crate) struct EventCoder<'d, 'a> {
    doc: &'d Doc<'a>,
    entities: &'d [Entity],
    lexicon: &'d Lexicon,
    published: Option<NaiveDate>,
    /// Every mention that can act, and the mention each token belongs to.
    actors: Actors,
    /// Tokens inside quoted content.
    quoted: Vec<bool>,
    /// PETRARCH dictionaries to code with, and whether the built-in lexicon
    /// codes too.
    dictionaries: Option<(&'d Dictionaries, bool)>,
    /// The article reports sport: no fights or attacks are coded from it.
    sport: bool,
    /// Sources and targets from the dependency parse (else by position).
    syntax: bool,
    /// For each token, the place or country entity it names, if any.
    places: Vec<Option<usize>>,
    /// Tokens inside proper names, which the parser takes as proper nouns.
    names: Vec<bool>,
}

impl<'d, 'a> EventCoder<'d, 'a> {
    pub fn new(
        doc: &'d Doc<'a>,
        entities: &'d [Entity],
        quotes: &'d [Quote],
        kb: &'d KnowledgeBase,
        lexicon: &'d Lexicon,
        published: Option<&str>,
        dateline: Option<&str>,
    ) -> Self {
        let actors = ActorFinder::new(doc, entities, kb, dateline).find();
        let mut quoted = vec![false; doc.words.len()];
        for quote in quotes {
            for flag in &mut quoted[token_range(doc, &quote.span)] {
                *flag = true;
            }
        }
        let mut places = vec![None; doc.words.len()];
        for (e, entity) in entities.iter().enumerate() {
            if !matches!(entity.kind, EntityKind::Place | EntityKind::Country)
                || entity.country.is_none()
            {
                continue;
            }
            for mention in &entity.mentions {
                for slot in &mut places[token_range(doc, &mention.span)] {
                    *slot = Some(e);
                }
            }
        }
        // Names of people, organizations and places, and countries called by
        // name (not by demonym: "Russian" stays an adjective).
        let mut names = vec![false; doc.words.len()];
        for entity in entities {
            for mention in &entity.mentions {
                let by_name = match entity.kind {
                    EntityKind::Person | EntityKind::Organization | EntityKind::Place => true,
                    EntityKind::Country => {
                        !is_demonym(kb, doc.slice(token_range(doc, &mention.span)))
                    }
                    _ => false,
                };
                if by_name {
                    for flag in &mut names[token_range(doc, &mention.span)] {
                        *flag = true;
                    }
                }
            }
        }
        EventCoder {
            names,
            places,
            doc,
            entities,
            lexicon,
            published: published.and_then(crate::dates::publication_date),
            sport: is_sport(doc),
            syntax: true,
            actors,
            quoted,
            dictionaries: None,
        }
    }

    /// Codes with PETRARCH dictionaries instead of the built-in lexicon, or
    /// as well as it when `with_lexicon`.
    pub fn with_dictionaries(mut self, dictionaries: &'d Dictionaries, with_lexicon: bool) -> Self {
        self.dictionaries = Some((dictionaries, with_lexicon));
        self
    }

    /// Every event of the document, merged: the news, then the background.
    pub fn code(&self) -> (Vec<Event>, Vec<Event>) {
        let mut coded = Vec::new();
        for sentence in &self.doc.sentences {
            match self.dictionaries {
                Some((dictionaries, with_lexicon)) => {
                    coded.extend(self.code_with_dictionaries(dictionaries, sentence.clone()));
                    if with_lexicon {
                        coded.extend(self.code_sentence(sentence.clone()));
                    }
                }
                None => coded.extend(self.code_sentence(sentence.clone())),
            }
        }
        self.doers_named_by_their_act(&mut coded);
        self.aim_at_earlier_acts(&mut coded);
        self.merge(coded)
    }

    /// "A plane was hijacked by six men, who police say may be Iraqis. The
    /// hijackers released 140 people": an unnamed group named for an
    /// earlier act ("hijackers", "kidnappers", "attackers") whose country
    /// the text does not give are those who did that act.
    fn doers_named_by_their_act(&self, coded: &mut [Coded]) {
        let mut doers: HashMap<String, usize> = HashMap::new();
        for c in coded.iter_mut() {
            if let Some(source) = c.source {
                let m = &self.actors.mentions[source];
                if m.kind == actors::MentionKind::Nominal && m.guessed_sector.is_some() {
                    let head = self.lower(m.tokens.end - 1);
                    let singular = head.trim_end_matches('s');
                    let agent = singular
                        .strip_suffix("er")
                        .or_else(|| singular.strip_suffix("or"));
                    if let Some(&doer) = agent.and_then(|a| doers.get(&act_stem(a))) {
                        c.source = Some(doer);
                    }
                } else if !c.reporting && self.actor_code(Some(source)).is_some() {
                    doers.insert(act_stem(&self.lower(c.trigger.start)), source);
                }
            }
        }
    }

    /// "Albania charged Thompson with spying. Thompson denied the charges":
    /// an act aimed at an earlier act (its object a noun of the same stem as
    /// the earlier act's trigger) is aimed at whoever did that act.
    fn aim_at_earlier_acts(&self, coded: &mut [Coded]) {
        // Who did the latest act per trigger stem, as the story goes: an
        // actor mention, or the code of an institution a passive implies
        // ("was charged": a court).
        let mut latest: HashMap<String, (Option<usize>, Option<String>)> = HashMap::new();
        for c in coded.iter_mut() {
            if let (Some(noun), Some(source)) = (c.aimed_at_act, c.source) {
                match latest.get(&act_stem(&self.lower(noun))) {
                    Some((Some(doer), _)) if *doer != source && !self.same_actor(source, *doer) => {
                        c.target = Some(*doer);
                        c.target_code = None;
                    }
                    Some((None, Some(code))) => c.target_code = Some(code.clone()),
                    _ => {}
                }
            }
            // Acts others answer by name: demands, accusations, rejections,
            // threats, sanctions, charges and sentences.
            let answered = matches!(
                c.code.get(..2),
                Some("10" | "11" | "12" | "13" | "16" | "17")
            );
            if answered && !c.reporting && (c.source.is_some() || c.source_code.is_some()) {
                let stem = act_stem(&self.lower(c.trigger.start));
                latest.insert(stem, (c.source, c.source_code.clone()));
            }
        }
    }

    /// The events PETRARCH dictionaries find in a sentence; the document's
    /// linked actors stand in where the dictionaries name no actor.
    fn code_with_dictionaries(&self, dicts: &Dictionaries, sentence: Range<usize>) -> Vec<Coded> {
        let words = &self.doc.words[sentence.clone()];
        let known: Vec<(Range<usize>, String)> = self
            .actors
            .mentions
            .iter()
            .filter(|m| m.tokens.start >= sentence.start && m.tokens.end <= sentence.end)
            .filter_map(|m| {
                let code = m.code.clone()?;
                Some((
                    m.tokens.start - sentence.start..m.tokens.end - sentence.start,
                    code,
                ))
            })
            .collect();
        let date = self.published.map(|d| {
            use chrono::Datelike;
            d.year() as u32 * 10_000 + d.month() * 100 + d.day()
        });
        let lower: Vec<Cow<'a, str>> = sentence.clone().map(|i| self.lower(i)).collect();
        let at = |r: &Range<usize>| r.start + sentence.start..r.end + sentence.start;
        let entity_in = |r: &Range<usize>| at(r).find_map(|k| self.actors.at[k]);
        dicts
            .code_sentence_with(words, date, &known)
            .into_iter()
            .map(|event| {
                let trigger = at(&event.verb);
                Coded {
                    modality: self.modality(&sentence, trigger.start, &lower),
                    code: event.code,
                    trigger,
                    sentence: sentence.clone(),
                    source: entity_in(&event.source_words),
                    target: entity_in(&event.target_words),
                    reporting: false,
                    reported_by: None,
                    background: false,
                    one_sided: false,
                    target_code: None,
                    source_code: None,
                    dictionary: Some((event.source, event.target)),
                    parsed: (true, true),
                    target_place: None,
                    aimed_at_act: None,
                }
            })
            .collect()
    }

    /// Token `i` in lower case with a straight apostrophe, as the lexicon spells it.
    fn lower(&self, i: usize) -> Cow<'a, str> {
        let word = self.doc.lower(i);
        if word.contains('\u{2019}') {
            Cow::Owned(word.replace('\u{2019}', "'"))
        } else {
            word
        }
    }

    /// The trigger matching at token `i`, if any, and its length.
    fn trigger_at(
        &self,
        i: usize,
        end: usize,
        lower: &[Cow<'a, str>],
        start: usize,
        syntax: Option<(&Parse, &[Vec<usize>])>,
    ) -> Option<(&'d Trigger, usize, Option<Range<usize>>)> {
        let at = |k: usize| lower.get(k - start).map(|w| w.as_ref()).unwrap_or("");
        let lexicon: &'d Lexicon = self.lexicon;
        for trigger in lexicon.triggers(at(i)) {
            let n = trigger.words.len();
            if i + n > end || (1..n).any(|k| at(i + k) != trigger.words[k]) {
                continue;
            }
            let mut context = None;
            if !trigger.after.is_empty() {
                // Where a context fits when it starts at token `from`.
                let fits_from = |from: usize, after: &[String]| {
                    (from + after.len() <= end
                        && after.iter().enumerate().all(|(k, w)| at(from + k) == w))
                    .then(|| from..from + after.len())
                };
                // A context opening with an article still fits with up to
                // two words after the article ("broke the previous
                // ceasefire" for "the ceasefire").
                let over_article = |after: &Vec<String>| {
                    let (article, rest) = after.split_first()?;
                    if rest.is_empty()
                        || !matches!(article.as_str(), "the" | "a" | "an")
                        || at(i + n) != article
                    {
                        return None;
                    }
                    (1..=2).find_map(|gap| {
                        let from = i + n + 1 + gap;
                        (i + n + 1..from)
                            .all(|k| {
                                k < end && is_modifier(at(k)) && !FUNCTION_WORDS.contains(&at(k))
                            })
                            .then(|| fits_from(from, rest))
                            .flatten()
                            .map(|found| i + n..found.end)
                    })
                };
                // The context follows at once, or, when it starts with a
                // content word, after up to three modifiers ("expelled two
                // Croatian diplomats", "released 50 prisoners").
                let adjacent = trigger.after.iter().find_map(|after| {
                    fits_from(i + n, after)
                        .or_else(|| over_article(after))
                        .or_else(|| {
                            after
                                .first()
                                .is_some_and(|w| !FUNCTION_WORDS.contains(&w.as_str()))
                                .then(|| {
                                    (1..=3).find_map(|gap| {
                                        (i + n..i + n + gap)
                                            .all(|k| k < end && is_modifier(at(k)))
                                            .then(|| fits_from(i + n + gap, after))
                                            .flatten()
                                    })
                                })
                                .flatten()
                        })
                });
                // A row whose contexts name personal objects ("thank him",
                // "release them") takes any actor as its object ("thanked
                // Gabon").
                let personal = trigger
                    .after
                    .iter()
                    .any(|after| matches!(after.as_slice(), [w] if w == "him" || w == "them"));
                let actor_object = i + n < end
                    && self.actors.at[i + n]
                        .is_some_and(|m| self.actors.mentions[m].tokens.start == i + n);
                // With the parse, the context may open any complement of the
                // verb, not only the next words: "asked an Iraqi diplomat
                // to leave", "released a group of policemen", "agreed to end
                // six days of fighting".
                let through_parse = || -> Option<Option<Range<usize>>> {
                    let (parse, kids) = syntax?;
                    let local = i - start;
                    if local >= parse.len()
                        || trigger.kind != TriggerKind::Verb
                        || !matches!(parse.upos[local], Upos::Verb)
                    {
                        return None;
                    }
                    kids[local + n - 1].iter().find_map(|&c| {
                        let complement = matches!(
                            parse.deprels[c],
                            DepRel::Obj
                                | DepRel::Iobj
                                | DepRel::Xcomp
                                | DepRel::Obl
                                | DepRel::Ccomp
                        );
                        if !complement || c < local + n {
                            return None;
                        }
                        // The context opens the complement ("to leave"), is
                        // its head word ("any such involvement") or the head
                        // of an "of" phrase it measures ("six days of
                        // fighting").
                        // ("asked an Iraqi diplomat to leave": an infinitive
                        // a parse hangs on the object opens the context too.)
                        let mut starts = vec![arguments::leftmost(kids, c), c];
                        if parse.deprels[c] == DepRel::Obj {
                            starts.extend(
                                kids[c]
                                    .iter()
                                    .filter(|&&k| parse.deprels[k] == DepRel::Nmod)
                                    .copied(),
                            );
                            starts.extend(
                                kids[c]
                                    .iter()
                                    .filter(|&&k| parse.deprels[k] == DepRel::Acl)
                                    .map(|&k| arguments::leftmost(kids, k)),
                            );
                        }
                        let found = starts.iter().find_map(|&k| {
                            let from = k + start;
                            (from >= i + n)
                                .then(|| trigger.after.iter().find_map(|a| fits_from(from, a)))
                                .flatten()
                        });
                        if found.is_some() {
                            return Some(found);
                        }
                        (personal
                            && matches!(parse.deprels[c], DepRel::Obj)
                            && self.mention_under(c, parse, kids, start).is_some())
                        .then_some(None)
                    })
                };
                if let Some(range) = adjacent {
                    context = Some(range);
                } else if !(personal && actor_object) {
                    match through_parse() {
                        Some(range) => context = range,
                        None => continue,
                    }
                }
            }
            // A noun trigger needs a determiner or adjective before it, not a subject.
            if trigger.kind == TriggerKind::Noun && i > start && at(i - 1) == "to" {
                continue;
            }
            return Some((trigger, n, context));
        }
        None
    }

    fn code_sentence(&self, sentence: Range<usize>) -> Vec<Coded> {
        let lower: Vec<Cow<'a, str>> = sentence.clone().map(|i| self.lower(i)).collect();
        let mut found = Vec::new();
        // Parsed on the first trigger: most sentences have none.
        let mut parsed: Option<(Parse, Vec<Vec<usize>>)> = None;
        // An event needs an actor on each side: with fewer than two actor
        // mentions in the sentence the parse cannot find both, so only acts
        // whose other side needs no actor (a protest's government, a
        // visit's destination, the police of an arrest) are worth parsing for.
        let actors_here = {
            let mut seen: Vec<usize> = Vec::new();
            for k in sentence.clone() {
                if let Some(m) = self.actors.at[k] {
                    if !seen.contains(&m) {
                        seen.push(m);
                        if seen.len() == 2 {
                            break;
                        }
                    }
                }
            }
            seen.len()
        };
        let worth_parsing = |code: &str| {
            actors_here >= 2
                || actors_here == 1
                    && (code.starts_with("14") || code == "042" || implicit_agent(code).is_some())
        };
        let mut i = sentence.start;
        // Tokens before this belong to a matched trigger's context.
        let mut consumed = sentence.start;
        while i < sentence.end {
            let mut matched = self.trigger_at(i, sentence.end, &lower, sentence.start, None);
            // A row that took any actor as its object ("asked Norway") gives
            // way to one whose context the parse finds ("asked a Russian
            // diplomat to leave" is an expulsion).
            let any_object = matched
                .as_ref()
                .is_some_and(|(t, _, context)| context.is_none() && !t.after.is_empty());
            // A verb whose rows all want a context that does not follow at
            // once: look for it among the verb's complements in the parse.
            if (matched.is_none() || any_object)
                && self.syntax
                && actors_here >= 2
                && self.context_nearby(i, sentence.end, &lower, sentence.start)
            {
                let (parse, kids) = parsed.get_or_insert_with(|| {
                    arguments::parse_sentence(
                        SyntaxModel::builtin(),
                        &self.doc.words[sentence.clone()],
                        &self.names[sentence.clone()],
                    )
                });
                let through_parse = self.trigger_at(
                    i,
                    sentence.end,
                    &lower,
                    sentence.start,
                    Some((parse, kids.as_slice())),
                );
                if !any_object || through_parse.as_ref().is_some_and(|(_, _, c)| c.is_some()) {
                    matched = through_parse;
                }
            }
            let Some((mut trigger, n, context)) = matched else {
                i += 1;
                continue;
            };
            // "seized on a comment": taking up an argument, no seizure.
            let next = lower.get(i + n - sentence.start).map(|w| w.as_ref());
            if lower[i - sentence.start].starts_with("seiz") && matches!(next, Some("on" | "upon"))
            {
                i += n;
                continue;
            }
            // A word inside a name is no act: the "Criminal Investigation
            // Department" investigates nothing by being named.
            let in_name = self.actors.at[i].is_some_and(|m| {
                matches!(
                    self.actors.mentions[m].kind,
                    actors::MentionKind::Named(EntityKind::Organization | EntityKind::Person)
                )
            });
            if in_name && trigger.kind == TriggerKind::Noun {
                i += n;
                continue;
            }
            // The words a trigger's context consumed are no trigger of their
            // own: "halted the fighting" is a truce, not a fight.
            if i < consumed {
                i += 1;
                continue;
            }
            // "met for talks", "held talks": a noun of the act a verb just
            // told is that act again, not another.
            let retold = trigger.kind == TriggerKind::Noun
                && found.last().is_some_and(|prev: &Coded| {
                    prev.sentence == sentence
                        && prev.trigger.end + 3 >= i
                        && prev.code.get(..2) == trigger.code.get(..2)
                });
            if retold {
                i += n;
                continue;
            }
            if let Some(context) = &context {
                consumed = consumed.max(context.end);
            }
            let trigger_range = i..i + n;
            // "X said Y attacked Z": the source of the attack is after the
            // reporting verb, so the walk back stops there.
            let reporting_verb = (sentence.start..i)
                .rev()
                .find(|&k| is_reporting_word(self.doc.words[k]));
            let clause_start = reporting_verb.map_or(sentence.start, |k| k + 1);
            let reported_by = match reporting_verb {
                Some(k) => (sentence.start..k).rev().find_map(|j| self.actors.at[j]),
                None => self.trailing_speaker(i + n, &sentence),
            };
            let acts = |m: &usize| !self.actors.mentions[*m].thing;
            let source = (clause_start..i)
                .rev()
                .find_map(|k| self.actors.at[k].filter(acts))
                .filter(|&m| self.actors.mentions[m].tokens.end <= i);
            // The first actor after the trigger, but not the speaker of a
            // reporting clause that follows ("…, Interior Minister Jan Nowak said").
            let speaks = |end: usize| {
                self.doc
                    .words
                    .get(end)
                    .is_some_and(|w| is_reporting_word(w))
            };
            // Within the trigger's own clause: an adjunct clause after it
            // ("complained of pain since her trip to Taiwan") tells of
            // something else.
            let clause_end = (i + n..sentence.end)
                .find(|&k| {
                    matches!(
                        lower[k - sentence.start].as_ref(),
                        ";" | "since"
                            | "when"
                            | "while"
                            | "because"
                            | "although"
                            | "though"
                            | "until"
                            | "whereas"
                            | "unless"
                    )
                })
                .unwrap_or(sentence.end);
            let mut after = (i + n..clause_end).filter_map(|k| {
                let m = self.actors.at[k]?;
                (self.actors.mentions[m].tokens.start == k).then_some(m)
            });
            let target = after
                .find(|&m| !speaks(self.actors.mentions[m].tokens.end))
                .filter(|&t| source.is_none_or(|s| !self.same_actor(s, t)));
            // A reporting verb frames what it reports and is no event of
            // its own: it needs no parse (most sentences have one).
            let syntax = self.syntax && trigger.code != "010" && worth_parsing(&trigger.code);
            let mut relative = false;
            let mut adverbial = false;
            let mut passive = false;
            let mut from_parse = (false, false);
            let mut extra_pairs: Vec<(usize, usize)> = Vec::new();
            let mut destination: Option<(usize, String)> = None;
            // "left Bahrain for Baghdad": the object of leaving is where the
            // trip starts; the destination, when found, is the target.
            let leaving = trigger.code == "042"
                && matches!(
                    lower[i - sentence.start].as_ref(),
                    "leave" | "leaves" | "left" | "leaving"
                );
            let mut requested = false;
            let mut aimed_at_act = None;
            let (source, target, reported_by) = if syntax {
                let (parse, kids) = parsed.get_or_insert_with(|| {
                    arguments::parse_sentence(
                        SyntaxModel::builtin(),
                        &self.doc.words[sentence.clone()],
                        &self.names[sentence.clone()],
                    )
                });
                let local = i - sentence.start;
                // "asked Germany to extradite him", "urged Iraq to withdraw":
                // the act asked for is not (yet) done.
                requested = parse.deprels[local] == DepRel::Xcomp
                    && parse.heads[local].is_some_and(|h| REQUESTING.contains(&lower[h].as_ref()));
                let mut noun = trigger.kind == TriggerKind::Noun;
                // A verb of the lexicon that the sentence uses as a noun or
                // adjective ("peacekeeping force", "the ceasefire") is no act.
                // A participle before its noun describes it ("a convicted
                // child rapist", "by invading troops"): no act of the
                // sentence. After a noun it is more likely the verb the
                // parse missed ("troops shelled positions").
                let describes = parse.deprels[local] == DepRel::Amod
                    && parse.heads[local].is_some_and(|h| h > local)
                    && (local == 0
                        || !matches!(parse.upos[local - 1], Upos::Noun | Upos::Propn | Upos::Pron));
                // ("began new talks with Maskhadov": the word is the
                // lexicon's noun of the act, taken as such when the parse
                // gives it a partner, below.)
                let mut noun_reading = false;
                if !noun && (!matches!(parse.upos[local], Upos::Verb | Upos::Aux) || describes) {
                    let as_noun = matches!(parse.upos[local], Upos::Noun) && !describes;
                    let noun_row = self.lexicon.triggers(&lower[local]).iter().find(|t| {
                        t.kind == TriggerKind::Noun && t.words.len() == n && t.after.is_empty()
                    });
                    match noun_row.filter(|_| as_noun) {
                        Some(row) => {
                            trigger = row;
                            noun = true;
                            noun_reading = true;
                        }
                        None => {
                            i += n;
                            continue;
                        }
                    }
                }
                let args = arguments::arguments(
                    parse,
                    kids,
                    &self.doc.words[sentence.clone()],
                    local,
                    n,
                    noun,
                );
                // A reduced relative clause is background about the noun it
                // modifies, but for a verbal act: "a source accusing the
                // rebels" is the source's accusation, told as a participle.
                let verbal = matches!(
                    trigger.code.get(..2),
                    Some("01" | "02" | "03" | "10" | "11" | "12" | "13")
                );
                // "a farmer accused of homicide" is said of the farmer by
                // someone the sentence does not name: the participle
                // describes its noun.
                let participle = ALLEGING.contains(&lower[local].as_ref())
                    && lower
                        .get(local + n)
                        .is_some_and(|w| matches!(w.as_ref(), "of" | "with" | "in" | "over"));
                relative = args.relative
                    || args.reduced_relative && (!verbal || participle && args.sources.is_empty());
                adverbial = arguments::in_time_clause(parse, kids, &lower, local);
                passive = args.passive;
                let mention_of = |heads: &[usize]| -> Vec<usize> {
                    let mut out: Vec<usize> = Vec::new();
                    for &h in heads {
                        if let Some(m) = self.mention_under(h, parse, kids, sentence.start) {
                            if !out.contains(&m) {
                                out.push(m);
                            }
                        }
                    }
                    out
                };
                aimed_at_act = args
                    .targets
                    .first()
                    .filter(|&&h| {
                        !args.passive
                            && parse.upos[h] == Upos::Noun
                            && self.mention_under(h, parse, kids, sentence.start).is_none()
                    })
                    .map(|&h| h + sentence.start);
                let mut sources = mention_of(&args.sources);
                sources.retain(acts);
                // "a visit to Slovenia by Kwasniewski": a noun's agent; "were
                // held in a prison in the south by the SPLA": a passive's
                // agent the parse did not attach, within the clause.
                if (noun || args.passive) && sources.is_empty() {
                    let reach = if noun { 6 } else { 12 };
                    let by = (i + n..sentence.end.min(i + n + reach))
                        .take_while(|&k| !matches!(lower[k - sentence.start].as_ref(), "," | ";"))
                        .find(|&k| lower[k - sentence.start] == "by")
                        .and_then(|k| {
                            // ("by six or seven men": over a number's words.)
                            (k + 1..sentence.end.min(k + 5))
                                .take_while(|&j| !matches!(self.doc.words[j], "," | ";"))
                                .find_map(|j| self.actors.at[j])
                        });
                    sources.extend(by);
                }
                // (Never the speaker of a trailing "…, the ministry said",
                // which a parse may attach to the last noun phrase.)
                let targets: Vec<usize> = mention_of(&args.targets)
                    .into_iter()
                    .filter(|t| !sources.contains(t))
                    .filter(|&t| !speaks(self.actors.mentions[t].tokens.end))
                    .collect();
                if noun_reading
                    && (targets.is_empty() || sources.is_empty())
                    && self.between_pair(i + n, &sentence).is_none()
                {
                    i += n;
                    continue;
                }
                let reporter = args
                    .reporter
                    .and_then(|r| self.mention_under(r, parse, kids, sentence.start));
                // Where the parse finds no argument (a nominal trigger, a
                // parse error), the nearest actor on each side stands in.
                from_parse = (!sources.is_empty(), !targets.is_empty());
                let (sources, targets) = self.pair_up(sources, targets, &trigger.code);
                // A passive with no "by" phrase has no named agent: the name
                // before it is its patient ("Bello was sentenced").
                let s = sources
                    .first()
                    .copied()
                    .or(source.filter(|_| !args.passive));
                let t = targets
                    .first()
                    .copied()
                    .or(target)
                    .filter(|&t| s.is_none_or(|s| s != t && !self.same_actor(s, t)));
                // "A, ..., and B signed": when the parse lost the coordination
                // of a symmetric act's subjects, the words still show it.
                let mut mutual = None;
                let (s, t) = match self.coordinated_before(i, &sentence) {
                    Some((a, b))
                        if symmetric(&trigger.code)
                            && (targets.is_empty() || s == Some(a) || s == Some(b)) =>
                    {
                        (Some(a), Some(b))
                    }
                    Some((a, b))
                        if mutual_intent(&trigger.code)
                            && targets.is_empty()
                            && !self.in_prepositional_phrase(a) =>
                    {
                        mutual = Some((b, a));
                        (Some(a), Some(b))
                    }
                    _ => (s, t),
                };
                extra_pairs = self.other_pairs(s, t, &sources, &targets);
                // Each pledges it to the other: an event per direction.
                extra_pairs.extend(mutual);
                if trigger.code.starts_with("042") && (targets.is_empty() || leaving) {
                    destination = self.destination(local + n - 1, parse, kids, sentence.start);
                }
                // "went to court", "spent $2 billion": these verbs make a
                // visit only of a stay in a named place ("spent three days
                // in Brazil", "due to go to Costa Rica").
                let place_named = destination.is_some()
                    || t.is_some_and(|t| {
                        self.actors.mentions[t].kind
                            == actors::MentionKind::Named(EntityKind::Country)
                    });
                let stay = match lower[local].as_ref() {
                    "go" | "goes" | "went" | "going" | "gone" => Some(true),
                    "spend" | "spends" | "spent" | "spending" => Some(
                        (local + 1..(local + 4).min(lower.len()))
                            .any(|k| is_span_of_time(&lower[k])),
                    ),
                    _ => None,
                };
                if trigger.code == "042" && stay.is_some_and(|timed| !timed || !place_named) {
                    i += n;
                    continue;
                }
                (s, t, reporter.or(reported_by))
            } else {
                (source, target, reported_by)
            };
            // "talks between A and B", "fighting between A and B": the
            // two parties of the act, whatever stands before it. ("The
            // ongoing cooperation between A and B" is a state of affairs,
            // no act: only meetings and fights are taken this way.)
            let meets_or_fights = matches!(trigger.code.get(..2), Some("04" | "19"));
            let between = meets_or_fights
                .then(|| self.between_pair(i + n, &sentence))
                .flatten();
            let (source, target) = match between {
                Some((a, b)) => {
                    from_parse = (true, true);
                    (Some(a), Some(b))
                }
                _ => (source, target),
            };
            let mut modality = if requested {
                Modality::Hypothetical
            } else {
                self.modality(&sentence, i, &lower)
            };
            let mut code = trigger.code.clone();
            // "The party would assault the embassy unless …": violence
            // promised on a condition is a threat (13x), made now.
            let on_condition = (i + n..sentence.end).any(|k| lower[k - sentence.start] == "unless")
                && (sentence.start.max(i.saturating_sub(3))..i)
                    .any(|k| matches!(lower[k - sentence.start].as_ref(), "would" | "will"));
            if on_condition && matches!(code.get(..2), Some("18" | "19" | "20")) {
                code = "138".to_string();
                modality = Modality::Asserted;
            }
            // "would strike and stage protests if their concerns were not
            // addressed", "would boycott the poll if …": dissent promised on
            // a condition is a threat of it (133).
            let if_clause = (i + n..sentence.end)
                .any(|k| matches!(lower[k - sentence.start].as_ref(), "unless" | "if"))
                && (sentence.start.max(i.saturating_sub(3))..i)
                    .any(|k| matches!(lower[k - sentence.start].as_ref(), "would" | "will"));
            if if_clause && code.starts_with("14") {
                code = "133".to_string();
                modality = Modality::Asserted;
            }
            // A willingness ("agreed to meet", "pledged to release") is an
            // intent (03x); a scheduled or announced act ("will meet", "is
            // due to visit") keeps its own code with the planned modality.
            let willing = modality == Modality::Planned && self.intent_words_before(i, &sentence);
            if willing && code.starts_with("04") && !matches!(code.as_str(), "042" | "043") {
                code = "036".to_string();
            }
            if willing && !code.starts_with("04") {
                if let Some(intent) = compose("03", &code) {
                    code = intent;
                }
            }
            // "after the bombing", "since the attack": an act named in a
            // temporal adjunct is the setting of the sentence's own act.
            let setting = trigger.kind == TriggerKind::Noun
                && (i.saturating_sub(4).max(sentence.start)..i).any(|k| {
                    matches!(
                        lower[k - sentence.start].as_ref(),
                        "after" | "since" | "before" | "following" | "despite" | "amid"
                    ) && (k + 1..i).all(|j| {
                        let w = lower[j - sentence.start].as_ref();
                        matches!(
                            w,
                            "the"
                                | "a"
                                | "an"
                                | "its"
                                | "their"
                                | "his"
                                | "her"
                                | "this"
                                | "last"
                                | "'s"
                        ) || self.actors.at[j].is_some()
                            || w.chars().all(|c| c.is_alphabetic())
                                && self.doc.words[j].starts_with(char::is_uppercase)
                    })
                });
            // "a denial that prompted the United States to charge …": a
            // noun act whose target the parse did not find takes the nearest
            // actor after it, and when that actor is of another country the
            // pairing is most often wrong (a dyad between two countries is
            // what dyad counts are made of): the act is left out.
            // ("a meeting on Monday with visiting Gabon President Omar
            // Bongo", "the bombing of Iranian border posts": a preposition
            // of the noun's party leads to it.)
            let led_to = target.is_some_and(|t| {
                let start = self.actors.mentions[t].tokens.start;
                start > i + n
                    && start <= i + n + 6
                    && (i + n..start).all(|k| !matches!(self.doc.words[k], "," | ";" | "\""))
                    && (i + n..start).any(|k| {
                        matches!(
                            lower[k - sentence.start].as_ref(),
                            "with" | "against" | "to" | "between" | "from" | "of" | "on"
                        )
                    })
            });
            if trigger.kind == TriggerKind::Noun
                && !from_parse.1
                && !led_to
                && self
                    .actor_country(source)
                    .is_some_and(|s| self.actor_country(target).is_some_and(|t| s != t))
            {
                i += n;
                continue;
            }
            found.push(Coded {
                code,
                background: relative
                    || adverbial
                    || setting
                    || self.judged_for(i, &sentence, &lower)
                    || self.in_relative_clause(i, &sentence)
                    || self.long_past(&sentence, &lower)
                    || habitual(&lower[(i - sentence.start).saturating_sub(3)..i - sentence.start]),
                trigger: trigger_range,
                sentence: sentence.clone(),
                source,
                target,
                modality,
                reporting: trigger.code == "010",
                reported_by: reported_by.filter(|&r| Some(r) != source),
                one_sided: false,
                target_code: self.local_target_code(source, target),
                source_code: None,
                dictionary: None,
                parsed: from_parse,
                target_place: None,
                // Without a parse, the noun just after the trigger ("denied
                // the charges").
                aimed_at_act: aimed_at_act
                    .or_else(|| {
                        (i + n..sentence.end.min(i + n + 3)).find(|&k| {
                            !matches!(
                                lower[k - sentence.start].as_ref(),
                                "the"
                                    | "these"
                                    | "those"
                                    | "such"
                                    | "its"
                                    | "his"
                                    | "her"
                                    | "their"
                            )
                        })
                    })
                    .filter(|_| target.is_none()),
            });
            let last = found.len() - 1;
            let coded = &mut found[last];
            // "Moada was sentenced to 11 years", "two men were arrested": an
            // act only an institution performs, told in the passive without
            // its agent, is that institution's, of the country where it
            // happens: the place the sentence names, else the story's, else
            // the target's (foreigners are arrested where the story is).
            if passive && !from_parse.0 {
                if let Some(sector) = implicit_agent(&coded.code) {
                    // A target the parse did not find is only the nearest name.
                    let target = coded.target.filter(|_| from_parse.1);
                    // Police and kidnappers are the dateline's (as for "Police
                    // arrested").
                    let local = matches!(sector, "COP" | "CRM")
                        .then(|| self.actors.filed_in.clone())
                        .flatten();
                    let country = self
                        .place_country_in(&coded.sentence)
                        .or(local)
                        .or_else(|| self.actors.home.clone())
                        .or_else(|| {
                            self.actor_code(target)
                                .and_then(|c| c.get(..3))
                                .map(str::to_string)
                        })
                        .filter(|c| KnowledgeBase::builtin().country(c).is_some());
                    // A state expels foreigners: an expelled Iraqi diplomat was
                    // expelled by the country the story is filed from, not Iraq.
                    let target_country = self.actor_code(target).and_then(|c| c.get(..3));
                    let country = match (&country, &self.actors.filed_in) {
                        (Some(c), Some(filed))
                            if coded.code.starts_with("174")
                                && Some(c.as_str()) == target_country
                                && filed != c =>
                        {
                            Some(filed.clone())
                        }
                        _ => country,
                    };
                    // People are arrested and sentenced: a subject that names
                    // no actor ("a 13-year-old boy") is one of the country's.
                    let person_act = matches!(coded.code.get(..3), Some("116" | "173"));
                    if let Some(country) = country {
                        if target.is_some() || person_act {
                            coded.source = None;
                            coded.source_code = Some(format!("{country}{sector}"));
                        }
                        if target.is_none() && person_act {
                            coded.target = None;
                            coded.target_code = Some(format!("{country}CVL"));
                        }
                    }
                }
            }
            // Declining to comment is addressed to no one: the reporters
            // asking are no side of it.
            if coded.code.starts_with("011") {
                coded.target = None;
                coded.target_code = None;
                coded.one_sided = true;
            }
            // A destination the parse found outweighs the nearest name after
            // the verb ("flew to Kigali after meeting Museveni").
            if coded.target.is_none() || (!from_parse.1 || leaving) && destination.is_some() {
                if let Some((place, country)) = destination {
                    coded.target = None;
                    coded.target_place = Some(place);
                    coded.target_code = Some(country);
                }
            }
            let source_code = coded
                .source_code
                .clone()
                .or_else(|| self.actor_code(coded.source).map(str::to_string));
            // A state protests in words, not in the street: "China raised
            // protests" is an official complaint (114).
            let named_country = coded.source.is_some_and(|m| {
                let mention = &self.actors.mentions[m];
                mention.kind == actors::MentionKind::Named(EntityKind::Country)
                    && !is_demonym(
                        KnowledgeBase::builtin(),
                        self.doc.slice(mention.tokens.clone()),
                    )
            });
            let state = named_country
                || source_code
                    .as_deref()
                    .is_some_and(|c| actor_sector(c) == "GOV");
            let protest_word = lower[i - sentence.start].starts_with("protest");
            if matches!(coded.code.as_str(), "140" | "141") && protest_word && state {
                coded.code = "114".to_string();
            }
            // Police and courts cooperate on cases (063, judicial
            // cooperation), armed forces militarily (062): "Slovak police are
            // cooperating with Belgium in the search".
            let cooperating = ["cooperat", "co-operat", "collaborat"]
                .iter()
                .any(|stem| lower[i - sentence.start].starts_with(stem));
            if coded.code == "050" && cooperating {
                match source_code.as_deref().map(actor_sector) {
                    Some("COP" | "JUD") => coded.code = "063".to_string(),
                    Some("MIL") => coded.code = "062".to_string(),
                    _ => {}
                }
            }
            // Killing between armed forces is fighting (19x), not an assault
            // on people (18x): "troops killed 25 rebels".
            let target_code = coded
                .target_code
                .clone()
                .or_else(|| self.actor_code(coded.target).map(str::to_string));
            let armed = |c: Option<&str>| {
                c.is_some_and(|c| matches!(actor_sector(c), "MIL" | "REB" | "UAF" | "INS"))
            };
            if coded.code.starts_with("18")
                && armed(source_code.as_deref())
                && armed(target_code.as_deref())
            {
                coded.code = "190".to_string();
            }
            // Seizing people is abducting them (181), not seizing property:
            // "kidnappers have seized a Dutch couple".
            let person = coded.target.is_some_and(|t| {
                let m = &self.actors.mentions[t];
                let people_noun = (m.tokens.end < self.doc.words.len())
                    .then(|| self.doc.lower(m.tokens.end))
                    .is_some_and(|w| {
                        matches!(
                            w.as_ref(),
                            "couple"
                                | "man"
                                | "men"
                                | "woman"
                                | "women"
                                | "family"
                                | "tourist"
                                | "tourists"
                                | "people"
                                | "nationals"
                                | "citizens"
                                | "children"
                        )
                    });
                m.kind == actors::MentionKind::Named(EntityKind::Person)
                    || m.kind == actors::MentionKind::Nominal
                        && m.code.as_deref().is_some_and(|c| actor_sector(c) == "CVL")
                    || is_demonym(KnowledgeBase::builtin(), self.doc.slice(m.tokens.clone()))
                        && people_noun
            });
            if coded.code == "171" && person && lower[i - sentence.start].starts_with("seiz") {
                coded.code = "181".to_string();
            }
            // Protesters protest to their own government unless the text
            // names another target.
            if coded.target.is_none() && (coded.code.starts_with("14") || coded.code == "133") {
                let country = self.actor_country(coded.source);
                if let Some(country) =
                    country.filter(|c| KnowledgeBase::builtin().country(c).is_some())
                {
                    coded.target_code = Some(format!("{country}GOV"));
                }
            }
            // Coordinated actors of other countries each make an event
            // ("the Pope and Israel's foreign minister sent messages").
            for (s, t) in extra_pairs {
                let mut other = found[last].clone();
                other.source = Some(s);
                other.target = Some(t);
                other.target_place = None;
                other.target_code = self.local_target_code(Some(s), Some(t));
                found.push(other);
            }
            i += n;
        }
        // "The KDP said the PUK had broken the ceasefire": telling of
        // another actor's hostile act is accusing it (112), an act of its own
        // (news agencies only report).
        {
            let mut accusations = Vec::new();
            for c in &found {
                let (Some(speaker), Some(actor)) = (c.reported_by, c.source) else {
                    continue;
                };
                let hostile = matches!(c.code.get(..2), Some("13" | "18" | "19" | "20"));
                let pronoun = self.actors.mentions[actor].kind == actors::MentionKind::Pronoun;
                if pronoun {
                    continue;
                }
                let speaker_code = self.actor_code(Some(speaker)).unwrap_or("");
                if !hostile
                    || c.background
                    || !matches!(c.modality, Modality::Asserted | Modality::Reported)
                    || actor_sector(speaker_code) == "MED"
                    || self.same_actor(speaker, actor)
                {
                    continue;
                }
                let mut accusation = c.clone();
                accusation.code = "112".to_string();
                accusation.source = Some(speaker);
                accusation.source_code = None;
                accusation.target = Some(actor);
                accusation.target_code = None;
                accusation.target_place = None;
                accusation.reported_by = None;
                accusation.modality = Modality::Asserted;
                accusations.push(accusation);
            }
            found.extend(accusations);
        }
        if let Some(stance) = self.spoken_stance(&sentence, &lower, &found) {
            found.push(stance);
        }
        if let Some(approval) = self.legislative_approval(&sentence, &lower) {
            found.push(approval);
        }
        if let Some(visit) = self.visitor_named(&sentence, &lower, &found) {
            // The modifier is no verb with a subject before it.
            found.retain(|c| c.trigger != visit.trigger);
            found.push(visit);
        }
        // An appeal, intent or demand takes its sub-code from the event it
        // asks for or offers, which is not itself an event.
        let mut k = 0;
        while k < found.len() {
            let frame_root = match found[k].code.as_str() {
                "020" => Some("02"),
                "030" => Some("03"),
                "100" => Some("10"),
                "120" => Some("12"),
                "130" => Some("13"),
                _ => None,
            };
            if let Some(frame_root) = frame_root {
                let content = (k + 1..found.len()).find(|&j| {
                    !matches!(
                        found[j].code.get(..2),
                        Some("01" | "02" | "03" | "10" | "12" | "13")
                    )
                });
                if let Some(j) = content {
                    if let Some(code) = compose(frame_root, &found[j].code) {
                        found[k].code = code;
                        if found[k].target.is_none() {
                            found[k].target = found[j].target;
                        }
                        found.remove(j);
                    }
                }
            }
            k += 1;
        }
        found
    }

    /// Whether a verb row at `i` that wants a context could find it in the
    /// parse: the context, or for a row taking personal objects an actor,
    /// stands a few words on. Parsing costs far more than this look, and
    /// most verbs of the lexicon have no context nearby.
    fn context_nearby(&self, i: usize, end: usize, lower: &[Cow<'a, str>], start: usize) -> bool {
        const REACH: usize = 12;
        let at = |k: usize| lower.get(k - start).map(|w| w.as_ref()).unwrap_or("");
        let window = i + 2..end.min(i + 2 + REACH);
        self.lexicon
            .triggers(at(i))
            .iter()
            .filter(|t| t.kind == TriggerKind::Verb && !t.after.is_empty())
            .any(|t| {
                let personal = t
                    .after
                    .iter()
                    .any(|after| matches!(after.as_slice(), [w] if w == "him" || w == "them"));
                window.clone().any(|k| {
                    (personal && self.actors.at[k].is_some())
                        || t.after.iter().any(|after| {
                            k + after.len() <= end
                                && after.iter().enumerate().all(|(j, w)| at(k + j) == w)
                        })
                })
            })
    }

    /// Sources and targets for a symmetric act told with its parties
    /// coordinated: "A and B signed an agreement", "talks between A and B"
    /// are A with B.
    fn pair_up(
        &self,
        mut sources: Vec<usize>,
        mut targets: Vec<usize>,
        code: &str,
    ) -> (Vec<usize>, Vec<usize>) {
        if !symmetric(code) {
            return (sources, targets);
        }
        let distinct = |list: &[usize]| {
            list.iter()
                .skip(1)
                .position(|&m| !self.same_actor(list[0], m))
                .map(|k| k + 1)
        };
        // "A and B signed an agreement": the parties are A and B, whatever
        // the object names.
        if let Some(k) = distinct(&sources) {
            targets.insert(0, sources.remove(k));
        } else if sources.is_empty() && distinct(&targets).is_some() {
            // "Talks between A and B": the first party acts.
            sources.push(targets.remove(0));
        }
        (sources, targets)
    }

    /// The two parties of "<trigger> between A and B": the first actor
    /// after "between" and the first after the "and" that follows it, when
    /// they are of different actors.
    fn between_pair(&self, after: usize, sentence: &Range<usize>) -> Option<(usize, usize)> {
        let words = &self.doc.words;
        let between = (after..(after + 2).min(sentence.end)).find(|&k| words[k] == "between")?;
        let first_from = |from: usize, limit: usize| {
            (from..limit.min(sentence.end)).find_map(|k| {
                let m = self.actors.at[k]?;
                (self.actors.mentions[m].tokens.start == k && !self.actors.mentions[m].thing)
                    .then_some(m)
            })
        };
        let a = first_from(between + 1, between + 4)?;
        let a_end = self.actors.mentions[a].tokens.end;
        let and = (a_end..(a_end + 8).min(sentence.end))
            .take_while(|&k| !matches!(words[k], "," | ";" | "between"))
            .find(|&k| words[k] == "and")?;
        let b = first_from(and + 1, and + 4)?;
        (a != b && !self.same_actor(a, b)).then_some((a, b))
    }

    /// The two actors of "A and B <trigger>" (a few words of title or
    /// apposition allowed between them), when they are distinct.
    fn coordinated_before(
        &self,
        trigger: usize,
        sentence: &Range<usize>,
    ) -> Option<(usize, usize)> {
        let mentions = &self.actors.mentions;
        // The last actor ends at most three words before the trigger.
        let b = (trigger.saturating_sub(3).max(sentence.start)..trigger)
            .rev()
            .find_map(|k| self.actors.at[k])?;
        let b_start = mentions[b].tokens.start;
        // "and" shortly before it, with only its own title between ("and
        // rebel commander Aslan Maskhadov").
        let and = (b_start.saturating_sub(6).max(sentence.start)..b_start)
            .rev()
            .find(|&k| self.doc.words[k] == "and")?;
        // ("his Slovenian counterpart, Milan Kucan": a nationality before a
        // common noun is part of the title.)
        let adjectival = |m: usize| {
            mentions[m].kind == actors::MentionKind::Named(EntityKind::Country)
                && self
                    .doc
                    .words
                    .get(mentions[m].tokens.end)
                    .is_some_and(|w| w.starts_with(|c: char| c.is_lowercase()))
        };
        let named_between = (and + 1..b_start).any(|k| {
            self.actors.at[k].is_some_and(|m| {
                m != b && mentions[m].kind != actors::MentionKind::Nominal && !adjectival(m)
            })
        });
        if named_between {
            return None;
        }
        // The first actor ends shortly before "and" (an apposition and a
        // comma may stand between: "The commander, Tikhomirov, and ...").
        let a = (and.saturating_sub(4).max(sentence.start)..and)
            .rev()
            .find_map(|k| self.actors.at[k])?;
        (a != b && !self.same_actor(a, b)).then_some((a, b))
    }

    /// Whether mention `m` follows a preposition, over at most two words of
    /// its own phrase ("of a strong Islamic government and the U.S.
    /// intends"): the object of a phrase, no subject of a verb.
    fn in_prepositional_phrase(&self, m: usize) -> bool {
        let start = self.actors.mentions[m].tokens.start;
        (start.saturating_sub(3)..start)
            .rev()
            .take_while(|&k| self.doc.words[k].starts_with(|c: char| c.is_lowercase()))
            .any(|k| {
                matches!(
                    self.lower(k).as_ref(),
                    "in" | "of" | "to" | "from" | "with" | "for" | "on" | "at" | "by" | "against"
                )
            })
    }

    /// Events for coordinated actors beyond the first pair, one per
    /// actor of another country than the first on its side.
    fn other_pairs(
        &self,
        source: Option<usize>,
        target: Option<usize>,
        sources: &[usize],
        targets: &[usize],
    ) -> Vec<(usize, usize)> {
        let (Some(s0), Some(t0)) = (source, target) else {
            return Vec::new();
        };
        let country = |m: usize| self.actor_country(Some(m));
        let mut pairs = Vec::new();
        for &s in sources.iter().skip(1) {
            if country(s).is_some() && country(s) != country(s0) && country(s) != country(t0) {
                pairs.push((s, t0));
            }
        }
        for &t in targets.iter().skip(1) {
            if country(t).is_some() && country(t) != country(t0) && !self.same_actor(s0, t) {
                pairs.push((s0, t));
            }
        }
        pairs
    }

    /// Where a visit goes: the place or country a complement of the verb
    /// names ("arrived in Dhaka", "left Bahrain for Baghdad", "a visit to
    /// Nepal"), with its country.
    fn destination(
        &self,
        head: usize,
        parse: &Parse,
        kids: &[Vec<usize>],
        offset: usize,
    ) -> Option<(usize, String)> {
        let words = &self.doc.words;
        let case = |c: usize| {
            kids[c]
                .iter()
                .find(|&&k| parse.deprels[k] == DepRel::Case)
                .map(|&k| words[k + offset].to_ascii_lowercase())
        };
        let place = |c: usize| {
            let e = self.places[c + offset]?;
            let country = self.entities[e].country.clone()?;
            Some((e, country))
        };
        // A phrase of direction first: "left Bahrain for Baghdad" goes to
        // Baghdad; a bare object only for a verb like "visited Dhaka".
        let children = kids.get(head)?;
        let directed = |c: usize| {
            matches!(parse.deprels[c], DepRel::Obl | DepRel::Nmod)
                && matches!(
                    case(c).as_deref(),
                    Some("in" | "to" | "for" | "at" | "into")
                )
        };
        // The phrase may hang from the object in the parse ("left [Bahrain
        // for Baghdad]").
        let objects = children
            .iter()
            .filter(|&&c| parse.deprels[c] == DepRel::Obj)
            .flat_map(|&c| kids[c].iter());
        children
            .iter()
            .chain(objects)
            .copied()
            .filter(|&c| directed(c))
            .find_map(place)
            .or_else(|| {
                children
                    .iter()
                    .filter(|&&c| parse.deprels[c] == DepRel::Obj)
                    .find_map(|&c| place(c))
            })
    }

    /// "Masood briefed visiting U.S. Congressman Dana Rohrabacher", "an
    /// earthquake shook Costa Rica during a visit by Hashimoto": the visitor
    /// is told by a modifier or a noun's "by" phrase, not as a subject, and
    /// the place visited is where the sentence or the dateline puts the
    /// story (042).
    fn visitor_named(
        &self,
        sentence: &Range<usize>,
        lower: &[Cow<'a, str>],
        found: &[Coded],
    ) -> Option<Coded> {
        let at = |k: usize| lower[k - sentence.start].as_ref();
        let (trigger, visitor) =
            (sentence.start..sentence.end.saturating_sub(1)).find_map(|k| {
                let starts = |j: usize| {
                    self.actors.at[j].filter(|&m| self.actors.mentions[m].tokens.start == j)
                };
                // The name may follow a nationality and a title ("visiting U.S.
                // Congressman Dana Rohrabacher"), within the noun phrase.
                let who = |m: &usize| {
                    matches!(
                        self.actors.mentions[*m].kind,
                        actors::MentionKind::Named(EntityKind::Person | EntityKind::Organization)
                            | actors::MentionKind::Nominal
                    )
                };
                let named_from = |j: usize| {
                    (j..sentence.end.min(j + 4))
                        .take_while(|&i| at(i).chars().any(char::is_alphanumeric))
                        .find_map(|i| starts(i).filter(who))
                };
                let visitor = match at(k) {
                    // "the visiting delegation": a modifier, not a verb after
                    // "is" ("is visiting Chile" is a verb the lexicon codes).
                    "visiting" if k == sentence.start || !is_be(at(k - 1)) => named_from(k + 1),
                    "visit" | "visits" if at(k + 1) == "by" => named_from(k + 2),
                    _ => None,
                }?;
                // "visiting Germany" names the place, not the visitor: a country
                // right after "visiting" is its object.
                let object = self.actors.at[k + 1].is_some_and(|m| {
                    let country = &self.actors.mentions[m];
                    let modifies = self
                        .doc
                        .words
                        .get(country.tokens.end)
                        .is_some_and(|w| w.starts_with(char::is_uppercase));
                    country.kind == actors::MentionKind::Named(EntityKind::Country)
                        && !is_demonym(KnowledgeBase::builtin(), self.doc.words[k + 1])
                        && !modifies
                });
                (!object).then_some((k..k + 1, visitor))
            })?;
        // Told already as an act of the sentence.
        if found
            .iter()
            .any(|c| c.code.starts_with("04") && c.source == Some(visitor))
        {
            return None;
        }
        let visitor_country = self.actor_country(Some(visitor))?.to_string();
        let place = self
            .place_country_in(sentence)
            .or_else(|| self.actors.filed_in.clone())?;
        if place == visitor_country || KnowledgeBase::builtin().country(&place).is_none() {
            return None;
        }
        Some(Coded {
            code: "042".to_string(),
            modality: self.modality(sentence, trigger.start, lower),
            trigger,
            sentence: sentence.clone(),
            source: Some(visitor),
            target: None,
            reporting: false,
            reported_by: None,
            background: false,
            one_sided: false,
            target_code: Some(place),
            source_code: None,
            dictionary: None,
            parsed: (false, false),
            target_place: None,
            aimed_at_act: None,
        })
    }

    /// "The agreement has passed through the Russian Duma", "the treaty was
    /// approved by parliament": a legislature ratifying an agreement (057),
    /// the legislature as source. A passive with the actor after the verb,
    /// which the positional rule would read backwards.
    fn legislative_approval(
        &self,
        sentence: &Range<usize>,
        lower: &[Cow<'a, str>],
    ) -> Option<Coded> {
        const AGREEMENTS: &[&str] = &[
            "agreement",
            "treaty",
            "accord",
            "pact",
            "deal",
            "convention",
        ];
        const APPROVALS: &[&str] = &["passed", "approved", "ratified", "adopted", "endorsed"];
        let at = |k: usize| lower[k - sentence.start].as_ref();
        let agreement = (sentence.start..sentence.end).find(|&k| AGREEMENTS.contains(&at(k)))?;
        let verb = (agreement + 1..sentence.end.saturating_sub(1)).find(|&k| {
            APPROVALS.contains(&at(k)) && matches!(at(k + 1), "through" | "by" | "in")
        })?;
        // "the Russian Duma": "Russian" may belong to Russia, "Duma" to the Duma.
        let legislature = (verb + 2..sentence.end.min(verb + 6))
            .filter_map(|k| self.actors.at[k])
            .find(|&m| {
                self.actors.mentions[m]
                    .code
                    .as_deref()
                    .is_some_and(|code| code.ends_with("LEG"))
            })?;
        Some(Coded {
            code: "057".to_string(),
            trigger: verb..verb + 2,
            sentence: sentence.clone(),
            source: Some(legislature),
            target: None,
            modality: self.modality(sentence, verb, lower),
            reporting: false,
            reported_by: None,
            background: false,
            one_sided: true,
            target_code: None,
            source_code: None,
            dictionary: None,
            parsed: (true, false),
            target_place: None,
            aimed_at_act: None,
        })
    }

    /// The actor mention a syntactic argument names: the mention holding
    /// its head word, else one in the words that modify it ("the leader of
    /// the Kurdish faction", "Iraq's army"), nearest first.
    fn mention_under(
        &self,
        head: usize,
        parse: &Parse,
        kids: &[Vec<usize>],
        offset: usize,
    ) -> Option<usize> {
        if let Some(m) = self.actors.at[head + offset] {
            return Some(m);
        }
        let mut frontier = vec![head];
        for _ in 0..2 {
            let mut next = Vec::new();
            for &k in &frontier {
                for &c in &kids[k] {
                    if !matches!(
                        parse.deprels[c],
                        DepRel::Compound
                            | DepRel::Amod
                            | DepRel::Nmod
                            | DepRel::NmodPoss
                            | DepRel::Flat
                            | DepRel::Appos
                    ) {
                        continue;
                    }
                    if let Some(m) = self.actors.at[c + offset] {
                        return Some(m);
                    }
                    next.push(c);
                }
            }
            frontier = next;
        }
        None
    }

    /// Whether a word of willingness ("agreed", "ready", "pledged to")
    /// stands in the few words before the trigger.
    fn intent_words_before(&self, i: usize, sentence: &Range<usize>) -> bool {
        (i.saturating_sub(5).max(sentence.start)..i).any(|k| {
            matches!(
                self.doc.lower(k).as_ref(),
                "agreed"
                    | "agree"
                    | "agrees"
                    | "ready"
                    | "willing"
                    | "prepared"
                    | "vowed"
                    | "vows"
                    | "pledged"
                    | "pledges"
                    | "promised"
                    | "promises"
                    | "offered"
                    | "offers"
                    | "proposed"
                    | "hopes"
                    | "hope"
                    | "wants"
                    | "want"
                    | "seeks"
                    | "sought"
            )
        })
    }

    /// A speaker's words judging another actor are the speaker's criticism
    /// of it (111): "It is a desperate move by the PUNR," said Nastase. Only
    /// a sentence that tells no act of its own is read this way: its
    /// reported act, if any, is the event.
    fn spoken_stance(
        &self,
        sentence: &Range<usize>,
        lower: &[Cow<'a, str>],
        found: &[Coded],
    ) -> Option<Coded> {
        if found
            .iter()
            .any(|c| !c.reporting && c.sentence == *sentence)
        {
            return None;
        }
        let at = |k: usize| lower[k - sentence.start].as_ref();
        // Most sentences judge no one: the cheap test first.
        if !sentence.clone().any(|k| is_judgement(at(k))) {
            return None;
        }
        let verb = sentence
            .clone()
            .find(|&k| is_reporting_word(self.doc.words[k]))?;
        let starts_at =
            |k: usize| self.actors.at[k].filter(|&m| self.actors.mentions[m].tokens.start == k);
        let pause = |k: usize| matches!(at(k), "," | "\"" | "''" | "``" | "'" | ":" | "--");
        // The speaker right before the verb ("Arafat told", "the PUK
        // said"), else right after it ("said the spokesman, …").
        let before = (verb.saturating_sub(4).max(sentence.start)..verb)
            .rev()
            .take_while(|&k| !pause(k))
            .find_map(|k| self.actors.at[k]);
        // After the verb, the name a title leads up to ("said Social
        // Democrat leader Ion Popescu") rather than the title's noun.
        let after = {
            let near: Vec<usize> = (verb + 1..(verb + 6).min(sentence.end))
                .take_while(|&k| !pause(k))
                .filter_map(starts_at)
                .collect();
            near.iter()
                .copied()
                .find(|&m| matches!(self.actors.mentions[m].kind, actors::MentionKind::Named(_)))
                .or(near.first().copied())
        };
        let speaker = before.or(after)?;
        let speaker_start = self.actors.mentions[speaker].tokens.start.min(verb);
        // What was said: before the comma that opens a trailing "…, X said",
        // else everything after the verb.
        let trailing = (speaker_start.saturating_sub(2).max(sentence.start)..speaker_start)
            .rev()
            .find(|&k| pause(k));
        let content = match trailing {
            Some(k) => sentence.start..k,
            None if before.is_some() => verb + 1..sentence.end,
            None => return None,
        };
        // "told the council": whom the speaker addressed is no target.
        let addressed = matches!(at(verb), "told" | "tell" | "tells" | "telling");
        let addressee_end = if trailing.is_none() && addressed {
            (verb + 1..(verb + 3).min(sentence.end))
                .find_map(starts_at)
                .map_or(verb + 1, |m| self.actors.mentions[m].tokens.end)
        } else {
            content.start
        };
        if !content.clone().any(|k| is_judgement(at(k))) {
            return None;
        }
        let speaker_code = self.actor_code(Some(speaker))?;
        if actor_sector(speaker_code) == "MED" {
            return None;
        }
        let target = content
            .clone()
            .filter(|&k| k >= addressee_end)
            .filter_map(starts_at)
            .find(|&m| {
                !self.same_actor(speaker, m)
                    && self.actors.mentions[m].kind != actors::MentionKind::Pronoun
                    && self.actor_code(Some(m)).is_some()
            })?;
        Some(Coded {
            code: "111".to_string(),
            trigger: verb..verb + 1,
            sentence: sentence.clone(),
            source: Some(speaker),
            target: Some(target),
            modality: Modality::Asserted,
            reporting: false,
            reported_by: None,
            background: false,
            target_code: self.local_target_code(Some(speaker), Some(target)),
            source_code: None,
            one_sided: false,
            dictionary: None,
            parsed: (false, false),
            target_place: None,
            aimed_at_act: None,
        })
    }

    /// The speaker of a reporting clause after the trigger ("Iraq shelled
    /// the camp, the PUK said"): the actor right before a reporting verb
    /// that follows a comma.
    fn trailing_speaker(&self, from: usize, sentence: &Range<usize>) -> Option<usize> {
        let cue = (from..sentence.end).find(|&k| {
            is_reporting_word(self.doc.words[k]) && k > 0 && self.actors.at[k - 1].is_some()
        })?;
        let speaker = self.actors.at[cue - 1]?;
        let start = self.actors.mentions[speaker].tokens.start;
        (start > from && self.doc.words[start - 1] == ",").then_some(speaker)
    }

    /// Whether token `i` sits inside a non-restrictive relative clause
    /// ("Jordan, which has blamed Iraq for the riots, ..."): background
    /// about an actor, not the news.
    fn in_relative_clause(&self, i: usize, sentence: &Range<usize>) -> bool {
        let words = &self.doc.words;
        for k in (sentence.start + 1..i).rev() {
            match words[k] {
                "," | ";" | ":" | "--" | "\u{2014}" | "(" | ")" => return false,
                "which" | "who" | "whom" | "whose" => return words[k - 1] == ",",
                _ => {}
            }
        }
        false
    }

    /// Whether the trigger at `i` is the deed someone is judged for
    /// ("praised Clinton for vetoing the bill", "under fire for staging
    /// talks"): the reason of the judgement, told as background.
    fn judged_for(&self, i: usize, sentence: &Range<usize>, lower: &[Cow<'a, str>]) -> bool {
        let at = |k: usize| lower[k - sentence.start].as_ref();
        // "for" and a gerund, the trigger or the verb whose object it is.
        let Some(for_at) = (i.saturating_sub(4).max(sentence.start)..i)
            .rev()
            .find(|&k| at(k) == "for" && at(k + 1).ends_with("ing"))
        else {
            return false;
        };
        (for_at.saturating_sub(10).max(sentence.start)..for_at).any(|k| {
            let w = at(k);
            JUDGING.iter().any(|stem| w.starts_with(stem))
        })
    }

    /// Whether the sentence dates what it tells to long ago ("in 1990"),
    /// five years or more before publication.
    fn long_past(&self, sentence: &Range<usize>, lower: &[Cow<'a, str>]) -> bool {
        use chrono::Datelike;
        let Some(published) = self.published else {
            return false;
        };
        let at = |k: usize| lower[k - sentence.start].as_ref();
        // "in 1967", "the 1967 war", "from 1931 to 1945", "since the 1960s".
        (sentence.start + 1..sentence.end).any(|k| {
            let word = at(k);
            let year = word.strip_suffix('s').unwrap_or(word);
            matches!(at(k - 1), "in" | "since" | "the" | "from" | "until")
                && year.len() == 4
                && year
                    .parse::<i32>()
                    .is_ok_and(|year| (1900..=published.year() - 5).contains(&year))
        })
    }

    fn modality(
        &self,
        sentence: &Range<usize>,
        trigger: usize,
        lower: &[Cow<'a, str>],
    ) -> Modality {
        let at = |k: usize| lower[k - sentence.start].as_ref();
        let window = trigger.saturating_sub(5).max(sentence.start)..trigger;
        let words: Vec<&str> = window.clone().map(at).collect();
        if words
            .iter()
            .any(|w| matches!(*w, "not" | "n't" | "never" | "no"))
        {
            return Modality::Negated;
        }
        // "accused Iraq of violating the ceasefire", "suspected of murdering":
        // what someone is accused of is the accusation's content, alleged,
        // not an act the story asserts.
        let alleged = (trigger.saturating_sub(12).max(sentence.start)..trigger).any(|k| {
            ALLEGING.contains(&at(k))
                && (k + 1..trigger).any(|j| matches!(at(j), "of" | "for" | "with"))
                && !(k + 1..trigger).any(|j| matches!(at(j), ";" | "and" | "but"))
        });
        if alleged {
            return Modality::Hypothetical;
        }
        let conditional = (sentence.start..trigger).any(|k| matches!(at(k), "if" | "unless"));
        // "Officials said Ekeus would hold talks": a reported "will".
        let reported_would = words.contains(&"would")
            && (sentence.start..trigger).any(|k| is_reporting_word(self.doc.words[k]));
        if conditional
            || words
                .iter()
                .any(|w| matches!(*w, "could" | "might" | "may"))
            || (words.contains(&"would") && !reported_would)
        {
            return Modality::Hypothetical;
        }
        if reported_would {
            return Modality::Planned;
        }
        let planned = words.iter().any(|w| matches!(*w, "will" | "'ll" | "shall"))
            || words
                .windows(2)
                .any(|p| p[1] == "to" && PLANNING.contains(&p[0]))
            || (trigger > sentence.start
                && at(trigger - 1) == "to"
                && words.iter().any(|w| PLANNING.contains(w)));
        if planned {
            return Modality::Planned;
        }
        if self.quoted[trigger] {
            return Modality::Reported;
        }
        Modality::Asserted
    }

    /// The event actor of a mention.
    fn actor(&self, mention: usize) -> EventActor {
        let m = &self.actors.mentions[mention];
        EventActor {
            code: m.code.clone(),
            entity: m.entity.map(|e| self.entities[e].id.clone()),
            name: Some(self.doc.slice(m.name_tokens.clone()).to_string()),
        }
    }

    /// Whether two mentions name the same actor (one entity, or one code
    /// for unnamed actors).
    fn same_actor(&self, a: usize, b: usize) -> bool {
        let (a, b) = (&self.actors.mentions[a], &self.actors.mentions[b]);
        match (a.entity, b.entity) {
            (Some(x), Some(y)) => x == y,
            // "his Slovenian counterpart, Milan Kucan": an apposition names
            // one actor twice.
            _ => {
                let (first, second) = if a.tokens.start <= b.tokens.start {
                    (a, b)
                } else {
                    (b, a)
                };
                let nominal = |m: &actors::ActorMention| m.kind == actors::MentionKind::Nominal;
                let person = |m: &actors::ActorMention| {
                    m.kind == actors::MentionKind::Named(EntityKind::Person)
                };
                (nominal(first) || nominal(second))
                    && second.tokens.start == first.tokens.end + 1
                    && self.doc.words.get(first.tokens.end) == Some(&",")
                    // "Russian commander Tikhomirov": a title and the name
                    // it stands before.
                    || nominal(first) && person(second) && second.tokens.start == first.tokens.end
            }
        }
    }

    /// The code of an unnamed target of unstated country, given the
    /// source's country: acts on "two men" or "the crowd" are mostly by
    /// actors of the same country.
    fn local_target_code(&self, source: Option<usize>, target: Option<usize>) -> Option<String> {
        let target = &self.actors.mentions[target?];
        let sector = target.guessed_sector.as_ref()?;
        let source = self.actors.mentions[source?].code.as_deref()?;
        let country = source.get(..3)?;
        KnowledgeBase::builtin()
            .country(country)
            .is_some()
            .then(|| format!("{country}{sector}"))
    }

    /// The actor code of a mention, if it has one.
    fn actor_code(&self, mention: Option<usize>) -> Option<&str> {
        self.actors.mentions[mention?].code.as_deref()
    }

    /// The first three letters of a mention's actor code: its country
    /// (or body, for an IGO or NGO code).
    fn actor_country(&self, mention: Option<usize>) -> Option<&str> {
        self.actor_code(mention).and_then(|c| c.get(..3))
    }

    /// What identifies an actor when events are merged: its entity, else its code.
    fn actor_key(&self, mention: Option<usize>) -> Option<String> {
        let m = &self.actors.mentions[mention?];
        match m.entity {
            // A country is the same actor as a place of it a visit goes to.
            Some(e) if self.entities[e].kind == EntityKind::Country && m.code.is_some() => {
                m.code.clone()
            }
            Some(e) => Some(format!("e{e}")),
            None => m.code.clone(),
        }
    }

    /// The country of the first place or country the sentence names after a
    /// locative word ("arrested in Zambia"), if any.
    fn place_country_in(&self, sentence: &Range<usize>) -> Option<String> {
        (sentence.start + 1..sentence.end).find_map(|k| {
            let e = self.places[k]?;
            let after_locative = matches!(self.lower(k - 1).as_ref(), "in" | "at" | "near");
            after_locative
                .then(|| self.entities[e].country.clone())
                .flatten()
        })
    }

    fn location(&self, coded: &Coded) -> Option<String> {
        (coded.trigger.end..coded.sentence.end.saturating_sub(1)).find_map(|k| {
            if self.doc.words[k] != "in" {
                return None;
            }
            let start = self.doc.tokens[k + 1].start;
            let field = self.doc.field(k + 1);
            self.entities
                .iter()
                .filter(|e| matches!(e.kind, EntityKind::Place | EntityKind::Country))
                .find(|e| {
                    e.mentions
                        .iter()
                        .any(|m| m.span.start == start && m.span.field == field)
                })
                .map(|e| e.name.clone())
        })
    }

    /// One event per (code, source, target); later tellings become mentions,
    /// and so does a telling that leaves a side out when a fuller telling
    /// of the same act names it. Returns the news events and the
    /// background ones.
    fn merge(&self, coded: Vec<Coded>) -> (Vec<Event>, Vec<Event>) {
        type Key = (
            String,
            Option<String>,
            Option<String>,
            Modality,
            Option<(String, String)>,
            bool,
        );
        let mut kept: Vec<(Key, Coded, Vec<Span>, bool)> = Vec::new();
        let mut index: HashMap<Key, usize> = HashMap::new();
        for mut c in coded {
            self.official_protest(&mut c);
            self.drop_victim_target(&mut c);
            // An event is who did what to whom: a telling that names no
            // actor on one side is kept only as a mention of a fuller one.
            let one_sided = c.dictionary.is_none()
                && !c.one_sided
                && (c.source_code.is_none() && self.actor_code(c.source).is_none()
                    || (self.actor_code(c.target).is_none() && c.target_code.is_none()));
            if c.source.is_none()
                && c.source_code.is_none()
                && c.target.is_none()
                && c.target_code.is_none()
                && c.dictionary.is_none()
            {
                continue;
            }
            // One actor on both sides is no one doing anything to anyone.
            if let (Some(s), Some(t)) = (c.source, c.target) {
                if s == t || self.same_actor(s, t) {
                    continue;
                }
            }
            // "said" frames what it reports; the statement itself is a quote,
            // with its speaker, in `quotes` (the actor after "said" is most
            // often the speaker, not a target).
            if c.reporting {
                continue;
            }
            // "Russia ... Russia", "the U.N. ... the U.N.": an actor known
            // only by its country or body on both sides says nothing of who
            // did what to whom (two sectors of one country do).
            let source_code = c.source_code.as_deref().or(self.actor_code(c.source));
            let target_code = c.target_code.as_deref().or(self.actor_code(c.target));
            // (Two people named on the two sides say who: "Lebed and
            // Maskhadov signed an agreement".)
            let person = |m: usize| {
                self.actors.mentions[m].kind == actors::MentionKind::Named(EntityKind::Person)
            };
            let two_people = matches!(
                (c.source, c.target),
                (Some(s), Some(t)) if person(s) && person(t) && !self.same_actor(s, t)
            );
            if c.dictionary.is_none()
                && !two_people
                && source_code.is_some_and(|s| s.len() <= 3 && Some(s) == target_code)
            {
                continue;
            }
            // "Meetings with Russian officials" planned by a Russian official:
            // a body's unnamed members on the other side of its own named
            // member say nothing of who meets whom.
            let nominal = |m: Option<usize>| {
                m.is_some_and(|m| self.actors.mentions[m].kind == actors::MentionKind::Nominal)
            };
            if c.dictionary.is_none()
                && c.code.starts_with("04")
                && source_code.is_some()
                && source_code == target_code
                && nominal(c.source) != nominal(c.target)
            {
                continue;
            }
            // Match reports: a "clash" or "attack" between teams is no fight.
            if self.sport && matches!(c.code.get(..2), Some("18" | "19" | "20")) {
                continue;
            }
            let key = (
                c.code.clone(),
                c.source_code.clone().or_else(|| self.actor_key(c.source)),
                c.target_code.clone().or_else(|| self.actor_key(c.target)),
                c.modality,
                c.dictionary.clone(),
                c.background,
            );
            let evidence = self.doc.span(c.sentence.clone());
            if let Some(&existing) = index.get(&key) {
                let mentions = &mut kept[existing].2;
                // Sentences come in order: a repeat is the last one.
                if mentions.last() != Some(&evidence) {
                    mentions.push(evidence);
                }
                continue;
            }
            index.insert(key.clone(), kept.len());
            kept.push((key, c, vec![evidence], one_sided));
        }
        // Fold a telling with a side missing into a fuller one of the same
        // act: same root, modality and known side.
        // The first full telling per (root, modality, background, one side),
        // so folding stays linear in the number of events.
        type Side = (String, Modality, bool, String);
        let mut by_source: HashMap<Side, usize> = HashMap::new();
        let mut by_target: HashMap<Side, usize> = HashMap::new();
        for (j, (key, _, _, _)) in kept.iter().enumerate() {
            if let (Some(s), Some(t)) = (&key.1, &key.2) {
                let root = key.0.get(..2).unwrap_or(&key.0).to_string();
                by_source
                    .entry((root.clone(), key.3, key.5, s.clone()))
                    .or_insert(j);
                by_target
                    .entry((root, key.3, key.5, t.clone()))
                    .or_insert(j);
            }
        }
        let mut folded_into: Vec<Option<usize>> = vec![None; kept.len()];
        for i in 0..kept.len() {
            let key = &kept[i].0;
            let root = key.0.get(..2).unwrap_or(&key.0).to_string();
            let fuller = match (&key.1, &key.2) {
                (Some(s), None) => by_source.get(&(root, key.3, key.5, s.clone())),
                (None, Some(t)) => by_target.get(&(root, key.3, key.5, t.clone())),
                _ => None,
            };
            if let Some(&j) = fuller {
                folded_into[i] = Some(j);
                let mentions = std::mem::take(&mut kept[i].2);
                kept[j].2.extend(mentions);
            }
        }
        let mut events = Vec::new();
        let mut background = Vec::new();
        for (i, (_, c, mentions, one_sided)) in kept.into_iter().enumerate() {
            if folded_into[i].is_some() || one_sided {
                continue;
            }
            let event = self.event(c, mentions);
            if event.background {
                background.push(event);
            } else {
                events.push(event);
            }
        }
        (events, background)
    }

    /// A protest by a state, an official body or an organization ("China
    /// protested to Japan", "rights groups protested in letters to
    /// Arafat") is a complaint (114), not a demonstration: CAMEO's 14x are
    /// the collective acts of crowds.
    fn official_protest(&self, c: &mut Coded) {
        if c.code != "140"
            || c.dictionary.is_some()
            || !self.lower(c.trigger.start).starts_with("protest")
        {
            return;
        }
        let Some(code) = c.source_code.as_deref().or(self.actor_code(c.source)) else {
            return;
        };
        // A country's name alone is its state ("China protested"); a people
        // ("Palestinians protested") is a crowd.
        let country_named = c.source.is_some_and(|m| {
            self.actors.mentions[m].kind == actors::MentionKind::Named(EntityKind::Country)
        });
        // International bodies' and NGOs' codes start with IGO or NGO
        // ("IGOUNO"); a country's organization has it as its sector.
        let official = code.starts_with("IGO")
            || code.starts_with("NGO")
            || matches!(
                actor_sector(code),
                "GOV" | "NGO" | "IGO" | "JUD" | "LEG" | "MED" | "BUS"
            )
            || code.len() == 3 && country_named;
        if official {
            c.code = "114".to_string();
        }
    }

    /// "an inquiry into the death of a Gaza man", "condemned the killing
    /// of two villagers": the dead are no side of an act about their
    /// death; whoever killed them is, and the text does not say who.
    fn drop_victim_target(&self, c: &mut Coded) {
        let Some(target) = c.target else {
            return;
        };
        // Back over a determiner, numbers and names before the head ("the
        // death of a Gaza man", "the killing of two Palestinian youths").
        let mut k = self.actors.mentions[target].tokens.start;
        let floor = k.saturating_sub(4).max(c.sentence.start);
        while k > floor {
            let word = self.doc.words[k - 1];
            let modifier = matches!(self.lower(k - 1).as_ref(), "a" | "an" | "the")
                || word.starts_with(|ch: char| ch.is_ascii_digit() || ch.is_uppercase());
            if !modifier {
                break;
            }
            k -= 1;
        }
        if k < c.sentence.start + 2 || self.lower(k - 1) != "of" {
            return;
        }
        let death = k - 2;
        let death_noun = matches!(
            self.lower(death).as_ref(),
            "death" | "deaths" | "killing" | "killings" | "murder" | "murders"
        );
        if death_noun && !c.trigger.contains(&death) {
            c.target = None;
            c.target_code = None;
        }
    }

    fn event(&self, c: Coded, mut mentions: Vec<Span>) -> Event {
        mentions.sort_by_key(|m| (m.field != TextField::Title, m.start));
        mentions.dedup();
        let evidence = self.doc.span(c.sentence.clone());
        let info = self.lexicon.code(&c.code);
        // Dictionary codes may be short or carry letters ("174K").
        let root_text = c.code.get(..2).unwrap_or(&c.code).to_string();
        let root: u8 = root_text.parse().unwrap_or(1);
        let date = self.published.and_then(|published| {
            let words: Vec<String> = c
                .sentence
                .clone()
                .map(|k| self.lower(k).into_owned())
                .collect();
            find_date_near(
                &words,
                c.trigger.start - c.sentence.start,
                published,
                c.modality == Modality::Planned,
            )
        });
        // An act dated wholly after the story was published has not happened
        // yet: "agreed on Tuesday to hold an exercise next year".
        let future = date
            .as_ref()
            .and_then(|d| crate::dates::first_day(&d.value))
            .zip(self.published)
            .is_some_and(|(first, published)| first > published);
        let modality = match c.modality {
            Modality::Asserted | Modality::Reported if future => Modality::Planned,
            modality => modality,
        };
        let confidence = if c.dictionary.is_some() {
            0.9
        } else {
            0.5 + if c.parsed.0 { 0.2 } else { 0.0 } + if c.parsed.1 { 0.2 } else { 0.0 }
        };
        let (source, target) = match &c.dictionary {
            Some((source, target)) => {
                let actor = |code: &str, mention: Option<usize>| EventActor {
                    code: Some(code.to_string()),
                    entity: mention
                        .and_then(|m| self.actors.mentions[m].entity)
                        .map(|e| self.entities[e].id.clone()),
                    name: mention.map(|m| {
                        let tokens = self.actors.mentions[m].name_tokens.clone();
                        self.doc.slice(tokens).to_string()
                    }),
                };
                (Some(actor(source, c.source)), Some(actor(target, c.target)))
            }
            None => (
                c.source.map(|m| self.actor(m)),
                c.target.map(|m| self.actor(m)),
            ),
        };
        let source = match (source, &c.source_code) {
            (None, Some(code)) => Some(EventActor {
                code: Some(code.clone()),
                entity: None,
                name: None,
            }),
            (source, _) => source,
        };
        let target = match (target, &c.target_code) {
            (Some(actor), Some(code)) => Some(EventActor {
                code: Some(code.clone()),
                ..actor
            }),
            (None, Some(code)) => Some(EventActor {
                code: Some(code.clone()),
                entity: c.target_place.map(|e| self.entities[e].id.clone()),
                name: c.target_place.map(|e| self.entities[e].name.clone()),
            }),
            (target, _) => target,
        };
        Event {
            root: root_text,
            quad_class: quad_class(root),
            goldstein: info.map_or(0.0, |i| i.goldstein),
            plover: plover(&c.code),
            source,
            target,
            modality,
            date,
            location: self.location(&c),
            trigger: self.doc.span(c.trigger.clone()),
            evidence,
            mentions,
            confidence,
            background: c.background,
            reported_by: c.reported_by.map(|m| self.actor(m)),
            code: c.code,
        }
    }
}

/// A reporting verb in lower case ("said", "told"): it frames what it
/// reports and bounds the clause of an act it governs.
/// The sector that performs an act no one else can ("sentenced" is a
/// court's, "arrested" the police's), for passives that leave it unsaid.
fn implicit_agent(code: &str) -> Option<&'static str> {
    match code.get(..3)? {
        "116" => Some("JUD"),
        "173" | "171" => Some("COP"),
        "181" => Some("CRM"),
        "174" => Some("GOV"),
        _ => None,
    }
}

/// Whether `text` is a nationality ("Russian"), not a country's name.
fn is_demonym(kb: &KnowledgeBase, text: &str) -> bool {
    kb.lookup(text)
        .iter()
        .any(|r| matches!(r, KbRef::Demonym(_)))
}

/// The sector part of an actor code ("GOV" of "IRNGOV"), empty if none.
fn actor_sector(code: &str) -> &str {
    code.get(3..6).unwrap_or("")
}

/// The stem an act's verb and noun share ("charged", "charges" and
/// "charge": "charg"), enough to tell an act named again.
fn act_stem(word: &str) -> String {
    let word = word.trim_end_matches('s');
    let word = word
        .strip_suffix("ation")
        .or_else(|| word.strip_suffix("ing"))
        .or_else(|| word.strip_suffix("ed"))
        .or_else(|| word.strip_suffix("ment"))
        .or_else(|| word.strip_suffix('e'))
        .unwrap_or(word);
    word.chars().take(6).collect()
}

/// Acts two parties do together ("met", "signed", "clashed"): coordinated
/// subjects are their two sides.
fn symmetric(code: &str) -> bool {
    (code.starts_with("04") && !matches!(code, "042" | "043"))
        || code.starts_with("057")
        || code.starts_with("06")
        || code.starts_with("19")
}

/// Intents two parties can only share with each other: coordinated
/// subjects that "pledged to intensify cooperation" or "agreed to resume
/// talks" with no one else named pledge it to each other.
fn mutual_intent(code: &str) -> bool {
    matches!(code, "030" | "036") || code.starts_with("031")
}

/// Words after which "of", "for" or "with" introduce what is alleged.
/// Stems of words that judge someone for a deed ("criticised for",
/// "under fire for", "praised for").
const JUDGING: &[&str] = &[
    "critici", "condemn", "prais", "blam", "fire", "thank", "commend", "denounc", "attack", "slam",
    "apologi", "punish", "reward", "hail",
];

const ALLEGING: &[&str] = &[
    "accused",
    "accuse",
    "accuses",
    "accusing",
    "accusation",
    "accusations",
    "suspected",
    "suspect",
    "suspicion",
    "charged",
    "charges",
    "alleged",
    "allegations",
    "blamed",
    "blaming",
    "convicted",
    "guilty",
];

/// Verbs that ask someone else to act: the act they control is asked for,
/// not done.
const REQUESTING: &[&str] = &[
    "ask",
    "asks",
    "asked",
    "asking",
    "urge",
    "urges",
    "urged",
    "urging",
    "press",
    "pressed",
    "pressing",
    "request",
    "requests",
    "requested",
    "requesting",
    "want",
    "wants",
    "wanted",
    "wanting",
    "persuade",
    "persuaded",
    "invite",
    "invites",
    "invited",
    "inviting",
    "appeal",
    "appealed",
    "appealing",
    "called",
    "calls",
    "call",
    "calling",
];

/// "has often accused", "has repeatedly flown": a habit, not an event of
/// the news.
fn habitual(before: &[Cow<'_, str>]) -> bool {
    before.iter().any(|w| {
        matches!(
            w.as_ref(),
            "often" | "frequently" | "repeatedly" | "regularly" | "routinely" | "usually"
        )
    })
}

/// Words that judge conduct rather than tell it: said of an actor, they make
/// the saying criticism. Lower case.
const JUDGEMENT_WORDS: &[&str] = &[
    "absurd",
    "aggression",
    "arrogance",
    "arrogant",
    "betrayal",
    "bizarre",
    "blackmail",
    "crimes",
    "criminal",
    "deplorable",
    "desperate",
    "disdain",
    "disgraceful",
    "farce",
    "groundless",
    "baseless",
    "hypocrisy",
    "hypocritical",
    "illegal",
    "illegitimate",
    "incompetent",
    "interference",
    "irresponsible",
    "lies",
    "meddling",
    "nonsense",
    "outrageous",
    "propaganda",
    "provocation",
    "provocative",
    "racist",
    "ridiculous",
    "sabotage",
    "scandalous",
    "shameful",
    "slander",
    "stubbornly",
    "stupidity",
    "treason",
    "unacceptable",
    "undemocratic",
    "unjust",
    "unjustified",
    "violation",
    "violations",
];

fn is_judgement(word: &str) -> bool {
    JUDGEMENT_WORDS.contains(&word)
}

fn is_reporting_word(word: &str) -> bool {
    word.starts_with(|c: char| c.is_ascii_lowercase()) && crate::quotes::cues::is_strong(word)
}

/// Words of sport reporting. An article that uses several of them, or
/// gives match scores, is a match report or a sports story.
const SPORT_WORDS: &[&str] = &[
    "match",
    "matches",
    "goal",
    "goals",
    "scored",
    "striker",
    "midfielder",
    "goalkeeper",
    "coach",
    "league",
    "championship",
    "championships",
    "tournament",
    "cup",
    "semifinal",
    "semi-final",
    "quarter-final",
    "final",
    "innings",
    "wicket",
    "wickets",
    "rugby",
    "soccer",
    "football",
    "tennis",
    "cricket",
    "olympic",
    "olympics",
    "medal",
    "referee",
    "season",
    "squad",
    "player",
    "players",
    "team",
    "teams",
    "captain",
    "seeded",
    "unseeded",
    "halftime",
    "half-time",
    "stadium",
    "fixture",
    "fixtures",
    "champions",
    "champion",
    "athlete",
    "athletes",
];

/// Whether the document reads as sport: sport words make up a noticeable
/// share of its words, or it gives several match scores ("3-1").
fn is_sport(doc: &Doc<'_>) -> bool {
    let mut sport = 0usize;
    let mut scores = 0usize;
    for (i, word) in doc.words.iter().enumerate() {
        if SPORT_WORDS.contains(&doc.lower(i).as_ref()) {
            sport += 1;
        }
        if let Some((a, b)) = word.split_once('-') {
            let small =
                |s: &str| !s.is_empty() && s.len() <= 2 && s.bytes().all(|c| c.is_ascii_digit());
            if small(a) && small(b) {
                scores += 1;
            }
        }
    }
    let words = doc.words.len().max(1);
    sport >= 4 && sport * 100 >= words * 2 || scores >= 3
}

/// The tokens a span covers.
fn token_range(doc: &Doc<'_>, span: &Span) -> Range<usize> {
    let (first, last) = match span.field {
        TextField::Title => (0, doc.body_start),
        TextField::Text => (doc.body_start, doc.tokens.len()),
    };
    let tokens = &doc.tokens[first..last];
    let start = first + tokens.partition_point(|t| t.end <= span.start);
    let end = first + tokens.partition_point(|t| t.start < span.end);
    start..end.max(start)
}

/// The best event code for a lone sentence and the codes considered, for the
/// codebook evaluation: the first trigger that is not a reporting verb, else
/// the first one.
pub fn best_code(analysis_doc: &str, lexicon: &Lexicon) -> Option<String> {
    let doc = Doc::new("", analysis_doc);
    let coder = EventCoder {
        doc: &doc,
        entities: &[],
        lexicon,
        published: None,
        actors: Actors {
            mentions: Vec::new(),
            at: vec![None; doc.words.len()],
            home: None,
            filed_in: None,
        },
        quoted: vec![false; doc.words.len()],
        dictionaries: None,
        sport: false,
        syntax: false,
        places: vec![None; doc.words.len()],
        names: vec![false; doc.words.len()],
    };
    let mut coded = Vec::new();
    for sentence in &doc.sentences {
        coded.extend(coder.code_sentence(sentence.clone()));
    }
    coded
        .iter()
        .find(|c| !c.reporting)
        .or(coded.first())
        .map(|c| c.code.clone())
}

/// A form of "be".
fn is_be(word: &str) -> bool {
    matches!(
        word,
        "is" | "are" | "was" | "were" | "be" | "been" | "being" | "'s"
    )
}

/// A word naming a short span of time: a stay ("three days in Brazil"),
/// not a life spent somewhere ("ten years in prison").
fn is_span_of_time(word: &str) -> bool {
    matches!(
        word,
        "day" | "days" | "week" | "weeks" | "hours" | "night" | "nights" | "weekend"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quad_classes_follow_the_table() {
        assert_eq!(quad_class(4), 1);
        assert_eq!(quad_class(6), 2);
        assert_eq!(quad_class(11), 3);
        assert_eq!(quad_class(19), 4);
    }

    #[test]
    fn frames_take_their_content_codes() {
        assert_eq!(compose("02", "0841").as_deref(), Some("0253"));
        assert_eq!(compose("03", "073").as_deref(), Some("0333"));
        assert_eq!(compose("10", "040").as_deref(), Some("106"));
        assert_eq!(compose("02", "045").as_deref(), Some("028"));
        assert_eq!(compose("03", "190"), None);
    }

    #[test]
    fn plover_types() {
        assert_eq!(plover("042").unwrap().event_type, "CONSULT");
        assert_eq!(plover("042").unwrap().mode.as_deref(), Some("visit"));
        assert_eq!(plover("190").unwrap().event_type, "ASSAULT");
    }
}
