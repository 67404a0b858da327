//! Who can act in a sentence: every actor mention the event coder may pick as
//! a source or target, each with the CAMEO actor code it resolves to.
//!
//! Three kinds of mention resolve to actors:
//! - named entities (people, organizations, countries, groups) with the code
//!   entity linking gave them; a capital or seat standing for its country is
//!   its government ("Bonn said" → DEUGOV);
//! - common nouns that name an actor by its sector ("police", "the rebels",
//!   "Israeli security forces", "gunmen in Natal"), whose country is the
//!   country or nationality that modifies them, a place they are said to be
//!   in, or else the country the story is about;
//! - pronouns and definite descriptions ("he", "they", "the ministry"),
//!   resolved to the latest compatible actor before them.
//!
//! A country or place after "in", "at", "near"… is where something happened,
//! not who did it, and is no actor.

use std::collections::HashMap;
use std::ops::Range;

use chancery_model::{Entity, EntityKind, TextField};

use crate::doc::Doc;
use crate::kb::{KbRef, KnowledgeBase};

/// One mention that can fill an event's source or target.
#[derive(Debug, Clone)]
pub(crate) struct ActorMention {
    /// Token range of the mention (the whole noun phrase for common nouns).
    pub tokens: Range<usize>,
    /// The entity it refers to, if any.
    pub entity: Option<usize>,
    /// CAMEO actor code, when one can be given.
    pub code: Option<String>,
    /// How the actor is named.
    pub kind: MentionKind,
    /// Plural ("the rebels", "they").
    pub plural: bool,
    /// The words that name the actor: the mention itself, or for a pronoun
    /// the mention it stands for.
    pub name_tokens: Range<usize>,
    /// For an unnamed actor whose country the text does not give ("two
    /// men", "the police"), its sector: its country is then a guess.
    pub guessed_sector: Option<String>,
    /// A nationality describing a thing ("a Czech coach", "Austrian border
    /// posts"): the country an act may be aimed at, never who acts.
    pub thing: bool,
}

/// How an actor mention names its actor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum MentionKind {
    /// A person, organization, country or group by name.
    Named(EntityKind),
    /// A common noun naming an actor by its sector.
    Nominal,
    /// A pronoun, resolved to an earlier mention.
    Pronoun,
}

/// Common nouns that name actors, with the CAMEO sector of what they name
/// and whether they are plural. Lower case.
const ACTOR_NOUNS: &[(&str, &str, bool)] = &[
    ("government", "GOV", false),
    ("governments", "GOV", true),
    ("authorities", "GOV", true),
    ("authority", "GOV", false),
    ("officials", "GOV", true),
    ("official", "GOV", false),
    ("ministry", "GOV", false),
    ("ministries", "GOV", true),
    ("minister", "GOV", false),
    ("ministers", "GOV", true),
    ("cabinet", "GOV", false),
    ("administration", "GOV", false),
    ("regime", "GOV", false),
    ("diplomat", "GOV", false),
    ("diplomats", "GOV", true),
    ("embassy", "GOV", false),
    ("envoy", "GOV", false),
    ("envoys", "GOV", true),
    ("ambassador", "GOV", false),
    ("spokesman", "GOV", false),
    ("spokeswoman", "GOV", false),
    ("president", "GOV", false),
    ("premier", "GOV", false),
    ("delegation", "GOV", false),
    ("negotiators", "GOV", true),
    ("leaders", "GOV", true),
    ("leader", "GOV", false),
    ("state", "GOV", false),
    ("army", "MIL", false),
    ("armies", "MIL", true),
    ("troops", "MIL", true),
    ("soldiers", "MIL", true),
    ("soldier", "MIL", false),
    ("forces", "MIL", true),
    ("military", "MIL", false),
    ("servicemen", "MIL", true),
    ("navy", "MIL", false),
    ("warplanes", "MIL", true),
    ("jets", "MIL", true),
    ("artillery", "MIL", false),
    ("tanks", "MIL", true),
    ("commander", "MIL", false),
    ("commanders", "MIL", true),
    ("officer", "MIL", false),
    ("officers", "MIL", true),
    ("police", "COP", true),
    ("policemen", "COP", true),
    ("policeman", "COP", false),
    ("rebels", "REB", true),
    ("rebel", "REB", false),
    ("guerrillas", "REB", true),
    ("guerrilla", "REB", false),
    ("separatists", "REB", true),
    ("insurgents", "REB", true),
    ("militants", "REB", true),
    ("militant", "REB", false),
    ("fighters", "REB", true),
    ("factions", "REB", true),
    ("faction", "REB", false),
    ("militia", "REB", false),
    ("militias", "REB", true),
    ("militiamen", "REB", true),
    ("gunmen", "UAF", true),
    ("gunman", "UAF", false),
    ("attackers", "UAF", true),
    ("assailants", "UAF", true),
    ("parliament", "LEG", false),
    ("lawmakers", "LEG", true),
    ("legislators", "LEG", true),
    ("senate", "LEG", false),
    ("congress", "LEG", false),
    ("court", "JUD", false),
    ("courts", "JUD", true),
    ("judge", "JUD", false),
    ("judges", "JUD", true),
    ("prosecutor", "JUD", false),
    ("prosecutors", "JUD", true),
    ("tribunal", "JUD", false),
    ("opposition", "OPP", false),
    ("party", "PTY", false),
    ("parties", "PTY", true),
    ("protesters", "CVL", true),
    ("protestors", "CVL", true),
    ("demonstrators", "CVL", true),
    ("students", "CVL", true),
    ("villagers", "CVL", true),
    ("residents", "CVL", true),
    ("civilians", "CVL", true),
    ("crowd", "CVL", false),
    ("mob", "CVL", false),
    ("activists", "CVL", true),
    ("activist", "CVL", false),
    ("citizens", "CVL", true),
    ("farmers", "CVL", true),
    ("workers", "LAB", true),
    ("union", "LAB", false),
    ("unions", "LAB", true),
    ("refugees", "REF", true),
    ("company", "BUS", false),
    ("companies", "BUS", true),
    ("firm", "BUS", false),
    ("airline", "BUS", false),
    ("newspaper", "MED", false),
    ("daily", "MED", false),
    ("radio", "MED", false),
    ("television", "MED", false),
    ("man", "CVL", false),
    ("men", "CVL", true),
    ("woman", "CVL", false),
    ("women", "CVL", true),
    ("people", "CVL", true),
    ("person", "CVL", false),
    ("persons", "CVL", true),
    ("child", "CVL", false),
    ("children", "CVL", true),
    ("boy", "CVL", false),
    ("girl", "CVL", false),
    ("passengers", "CVL", true),
    ("hostages", "CVL", true),
    ("pilgrims", "CVL", true),
    ("worshippers", "CVL", true),
    ("prisoners", "CVL", true),
    ("detainees", "CVL", true),
    ("journalists", "MED", true),
    ("journalist", "MED", false),
    ("reporters", "MED", true),
    ("bookseller", "BUS", false),
    ("businessmen", "BUS", true),
    ("observers", "IGO", true),
    ("monitors", "IGO", true),
    ("peacekeepers", "IGO", true),
    ("suspects", "CRM", true),
    ("suspect", "CRM", false),
    ("smugglers", "CRM", true),
    ("kidnappers", "CRM", true),
    ("kidnapper", "CRM", false),
    ("abductors", "CRM", true),
    ("hijackers", "UAF", true),
    ("hijacker", "UAF", false),
    ("killer", "CRM", false),
    ("killers", "CRM", true),
    ("robbers", "CRM", true),
    ("bandits", "CRM", true),
    ("criminals", "CRM", true),
];

/// Lower-case words of titles before a name ("rebel chief-of-staff",
/// "Moscow peacemaker", "opposition leader") beyond the actor nouns.
const TITLE_WORDS: &[&str] = &[
    "chief",
    "peacemaker",
    "negotiator",
    "mediator",
    "aide",
    "adviser",
    "advisor",
    "secretary",
    "chancellor",
    "general",
    "colonel",
    "deputy",
    "vice",
    "foreign",
    "prime",
    "interior",
    "defence",
    "defense",
    "finance",
    "chairman",
    "head",
    "coordinator",
    "representative",
    "counterpart",
    "strongman",
    "warlord",
];

/// Words before a head noun that change its sector ("rebel leaders",
/// "opposition party", "interior ministry troops").
const SECTOR_MODIFIERS: &[(&str, &str)] = &[
    ("rebel", "REB"),
    ("guerrilla", "REB"),
    ("separatist", "REB"),
    ("militant", "REB"),
    ("faction", "REB"),
    ("opposition", "OPP"),
    ("police", "COP"),
    ("security", "MIL"),
    ("army", "MIL"),
    ("military", "MIL"),
    ("government", "GOV"),
    ("party", "PTY"),
    ("union", "LAB"),
    ("student", "CVL"),
];

/// Prepositions after which a country or place is where something
/// happened, not who acted.
/// Words of direction that may stand between a locative word and its place.
const COMPASS_WORDS: &[&str] = &[
    "northern",
    "southern",
    "eastern",
    "western",
    "central",
    "northeastern",
    "northwestern",
    "southeastern",
    "southwestern",
    "north",
    "south",
    "east",
    "west",
];

const LOCATIVE: &[&str] = &[
    "in",
    "at",
    "near",
    "inside",
    "across",
    "throughout",
    "outside",
    "around",
    "into",
    "onto",
];

/// Words that, with "of", place something relative to a place ("west of
/// Algiers", "the outskirts of Grozny"): the place after them is a location.
const RELATIVE_PLACES: &[&str] = &[
    "north",
    "south",
    "east",
    "west",
    "northeast",
    "northwest",
    "southeast",
    "southwest",
    "outskirts",
    "suburbs",
    "centre",
    "center",
    "heart",
    "outside",
];

/// Words before a group's head noun that make it a non-governmental
/// organization ("human rights groups", "aid workers", "press
/// organisations"): the guidelines code NGOs as NGO, whatever country they
/// work in.
const NGO_MODIFIERS: &[&str] = &[
    "human",
    "rights",
    "aid",
    "relief",
    "humanitarian",
    "charity",
    "press",
    "non-governmental",
    "nongovernmental",
];

/// Words in an organization's name that make it a state's or an
/// international body's ("European Court of Human Rights", "Human Rights
/// Commission"), whatever else the name says.
const STATE_BODY_WORDS: &[&str] = &[
    "Court",
    "Commission",
    "Council",
    "Tribunal",
    "Ministry",
    "Office",
    "Department",
    "Agency",
    "Authority",
    "Parliament",
    "Assembly",
];

/// Head nouns an [`NGO_MODIFIERS`] word makes an NGO ("groups" alone is no
/// one in particular; "workers" alone is labour).
const NGO_HEADS: &[&str] = &[
    "group",
    "groups",
    "organisation",
    "organisations",
    "organization",
    "organizations",
    "agency",
    "agencies",
    "workers",
    "activists",
    "activist",
    "campaigners",
    "campaigner",
    "monitors",
    "watchdog",
    "watchdogs",
];

/// Words in the name of an organization the knowledge base does not know
/// that make it a non-governmental one ("Constitutional Rights Project",
/// "Addameer Prisoners Support Association").
const NGO_NAME_WORDS: &[&str] = &[
    "Rights",
    "Liberties",
    "Relief",
    "Humanitarian",
    "Charity",
    "Association",
    "Foundation",
];

/// Whether an organization's name, word by word, is a non-governmental
/// one's: an [`NGO_NAME_WORDS`] word and no [`STATE_BODY_WORDS`] word.
fn ngo_name<'w>(words: impl Iterator<Item = &'w str> + Clone) -> bool {
    words.clone().any(|w| NGO_NAME_WORDS.contains(&w))
        && !words.into_iter().any(|w| STATE_BODY_WORDS.contains(&w))
}

/// The sector a word before a head noun gives it, if it is one of
/// [`SECTOR_MODIFIERS`].
fn modifier_sector(word: &str) -> Option<&'static str> {
    SECTOR_MODIFIERS
        .iter()
        .find(|(m, _)| *m == word)
        .map(|(_, sector)| *sector)
}

/// Words a noun phrase may hold before its head: determiners, numbers,
/// sector words ("rebel", "interior") and common adjectives of actors.
fn is_modifier(word: &str) -> bool {
    word.starts_with(|c: char| c.is_ascii_digit())
        || REGIONAL.contains(&word)
        || matches!(word, "west" | "east" | "north" | "south" | "central")
        || modifier_sector(word).is_some()
        || NGO_MODIFIERS.contains(&word)
        || actor_noun(word).is_some()
        || matches!(
            word,
            "the"
                | "a"
                | "an"
                | "some"
                | "several"
                | "many"
                | "all"
                | "its"
                | "their"
                | "his"
                | "her"
                | "two"
                | "three"
                | "four"
                | "five"
                | "six"
                | "dozens"
                | "hundreds"
                | "thousands"
                | "armed"
                | "local"
                | "senior"
                | "prime"
                | "deputy"
                | "vice"
                | "interior"
                | "foreign"
                | "defence"
                | "defense"
                | "riot"
                | "special"
                | "top"
                | "rival"
                | "main"
                | "leading"
                | "unidentified"
                | "masked"
                | "angry"
                | "federal"
                | "state"
                | "provincial"
                | "regional"
                | "central"
                | "national"
                | "municipal"
                | "communist"
                | "ruling"
                | "islamic"
                | "islamist"
                | "muslim"
                | "moslem"
                | "peacekeeping"
                | "u.n."
                | "nato"
                | "young"
                | "customs"
                | "immigration"
                | "intelligence"
                | "ethnic"
                | "other"
                | "new"
                | "former"
                | "government-backed"
                | "pro-government"
        )
}

/// The actor mentions of a document, in text order, and the mention each
/// token belongs to.
#[derive(Debug, Default)]
pub(crate) struct Actors {
    /// Mentions in text order.
    pub mentions: Vec<ActorMention>,
    /// For each token, the index of the mention holding it.
    pub at: Vec<Option<usize>>,
    /// The country the story is about (ISO alpha-3), if it can be told.
    pub home: Option<String>,
    /// The country of the dateline's place, if the story has one.
    pub filed_in: Option<String>,
}

/// Finds the actor mentions of `doc`.
pub(crate) struct ActorFinder<'d, 'a> {
    doc: &'d Doc<'a>,
    entities: &'d [Entity],
    kb: &'d KnowledgeBase,
    /// The country the story is about (ISO alpha-3).
    home: Option<String>,
    /// How often the story names each country (its entities' mentions).
    named_countries: HashMap<String, usize>,
    /// The country of the dateline's place, if the story has one.
    filed_in: Option<String>,
}

impl<'d, 'a> ActorFinder<'d, 'a> {
    pub fn new(
        doc: &'d Doc<'a>,
        entities: &'d [Entity],
        kb: &'d KnowledgeBase,
        dateline: Option<&str>,
    ) -> Self {
        let filed_in = dateline
            .and_then(|place| kb.dateline_country(place))
            .map(|c| kb.countries[c].code.clone());
        let home = home_country(entities, filed_in.as_deref());

        let mut named_countries: HashMap<String, usize> = HashMap::new();
        // Places only: a people's own name must not vote for its country.
        for entity in entities {
            if !matches!(entity.kind, EntityKind::Country | EntityKind::Place) {
                continue;
            }
            let Some(country) = &entity.country else {
                continue;
            };
            // "Serb" may be tagged as Serbia; it names a people, not a place.
            let places = entity
                .mentions
                .iter()
                .filter(|m| {
                    let name = doc.slice(super::token_range(doc, &m.span)).to_lowercase();
                    !ETHNIC_GROUPS.iter().any(|(w, _)| *w == name)
                })
                .count();
            *named_countries.entry(country.clone()).or_default() += places;
        }
        ActorFinder {
            doc,
            entities,
            kb,
            home,
            named_countries,
            filed_in,
        }
    }

    pub fn find(&self) -> Actors {
        let n = self.doc.words.len();
        let mut named: Vec<Option<(usize, Range<usize>)>> = vec![None; n];
        for (e, entity) in self.entities.iter().enumerate() {
            for mention in &entity.mentions {
                // "U.S.-mediated talks", "an Iranian-backed attack": a name
                // joined by a hyphen to the word after it modifies that word
                // and names a third party, not a side of the act.
                let field = match mention.span.field {
                    TextField::Title => self.doc.title,
                    TextField::Text => self.doc.text,
                };
                let hyphenated = field
                    .get(mention.span.end..)
                    .and_then(|rest| rest.strip_prefix('-'))
                    .is_some_and(|rest| rest.starts_with(|c: char| c.is_ascii_lowercase()));
                if hyphenated {
                    continue;
                }
                let range = super::token_range(self.doc, &mention.span);
                for slot in &mut named[range.clone()] {
                    slot.get_or_insert((e, range.clone()));
                }
            }
        }
        let titled = self.titled_people(&named);
        let mut mentions: Vec<ActorMention> = Vec::new();
        for sentence in &self.doc.sentences {
            let mut i = sentence.start;
            while i < sentence.end {
                if let Some(mention) = self.nominal(i, sentence, &named) {
                    i = mention.tokens.end.max(i + 1);
                    mentions.push(mention);
                    continue;
                }
                if let Some((e, range)) = named[i].clone() {
                    let end = range.end.min(sentence.end).max(i + 1);
                    if let Some(mention) = self.named(e, i..end, sentence.start, &named, &titled) {
                        mentions.push(mention);
                    }
                    i = end;
                    continue;
                }
                if let Some(mention) = self.pronoun(i, &mentions) {
                    mentions.push(mention);
                }
                i += 1;
            }
        }
        self.nationalities_said_after(&mut mentions, &named);
        self.resolve_definites(&mut mentions);
        self.absorb_nationalities(&mut mentions);
        titles_take_their_holders_codes(&mut mentions, |k| {
            self.doc.words[k].starts_with(char::is_uppercase) && self.title_word(k)
        });
        self.officials_take_their_speakers_country(&mut mentions);
        let mut at = vec![None; n];
        for (m, mention) in mentions.iter().enumerate() {
            for slot in &mut at[mention.tokens.clone()] {
                *slot = Some(m);
            }
        }
        Actors {
            mentions,
            at,
            home: self.home.clone(),
            filed_in: self.filed_in.clone(),
        }
    }

    /// "Belgian police said an officer had visited Bratislava": an official
    /// the text introduces without a country ("an officer", "a
    /// spokesman"), in what a speaker of known country reports, is one of
    /// the speaker's officials, not the story's.
    fn officials_take_their_speakers_country(&self, mentions: &mut [ActorMention]) {
        let country_of = |m: &ActorMention| -> Option<String> {
            if m.guessed_sector.is_some() || m.kind == MentionKind::Pronoun || m.thing {
                return None;
            }
            let code = m.code.as_deref()?.get(..3)?;
            self.kb.country(code).is_some().then(|| code.to_string())
        };
        // Mentions are in text order: each sentence's are found by bisection,
        // so the pass stays linear in the document (a few speakers per
        // sentence at most are looked at).
        const SPEAKERS_PER_SENTENCE: usize = 4;
        for sentence in &self.doc.sentences {
            let first = mentions.partition_point(|m| m.tokens.start < sentence.start);
            let last = mentions.partition_point(|m| m.tokens.start < sentence.end);
            // (A mention running past the sentence's end is not in it.)
            let inside: Vec<usize> = (first..last)
                .filter(|&m| mentions[m].tokens.end <= sentence.end)
                .collect();
            if inside.is_empty() {
                continue;
            }
            let reporting = sentence
                .clone()
                .filter(|&k| super::is_reporting_word(self.doc.words[k]))
                .take(SPEAKERS_PER_SENTENCE);
            for k in reporting {
                // The speaker stands right before the verb ("Belgian police
                // said") or right after it ("…, said Belgian police").
                let before = inside
                    .iter()
                    .copied()
                    .rev()
                    .find(|&m| mentions[m].tokens.end <= k && mentions[m].tokens.end + 3 > k);
                let after = inside
                    .iter()
                    .copied()
                    .find(|&m| mentions[m].tokens.start == k + 1);
                let (speaker, reported) = match (before, after) {
                    (Some(m), _) => {
                        let start = mentions[m].tokens.start;
                        // "…, Belgian police said": what is reported comes first.
                        let trailing = start > sentence.start
                            && matches!(self.doc.words[start - 1], "," | "\"" | "''");
                        if trailing {
                            (m, sentence.start..start)
                        } else {
                            (m, k + 1..sentence.end)
                        }
                    }
                    (None, Some(m)) => (m, sentence.start..k),
                    (None, None) => continue,
                };
                let Some(country) = country_of(&mentions[speaker]) else {
                    continue;
                };
                for &m in &inside {
                    let mention = &mut mentions[m];
                    let official = mention
                        .guessed_sector
                        .as_deref()
                        .is_some_and(|s| matches!(s, "GOV" | "MIL" | "COP" | "JUD"));
                    // "an officer", "an official": one of the speaker's; "the
                    // coup leaders" the United States speaks of are not.
                    let indefinite = !mention.plural
                        && matches!(self.lower(mention.tokens.start).as_ref(), "a" | "an");
                    if mention.kind == MentionKind::Nominal
                        && official
                        && indefinite
                        && mention.tokens.start >= reported.start
                        && mention.tokens.end <= reported.end
                    {
                        let sector = mention.guessed_sector.clone().unwrap_or_default();
                        mention.code = Some(format!("{country}{sector}"));
                    }
                }
            }
        }
    }

    /// Whether a demonym at `tokens` describes a thing ("the Czech coach",
    /// "Sudanese peace process"): the next word or the one after is a noun
    /// of a thing.
    fn describes_a_thing(&self, tokens: Range<usize>) -> bool {
        super::is_demonym(self.kb, self.doc.slice(tokens.clone()))
            && (tokens.end..(tokens.end + 2).min(self.doc.words.len()))
                .take_while(|&k| self.doc.words[k].starts_with(|c: char| c.is_lowercase()))
                .any(|k| THING_NOUNS.contains(&self.lower(k).as_ref()))
    }

    fn lower(&self, i: usize) -> std::borrow::Cow<'a, str> {
        self.doc.lower(i)
    }

    /// "six or seven men, who police say may be Iraqis", "hijackers
    /// believed to be Iraqis": a nationality the sentence gives an unnamed
    /// group after it is the group's country (and "the hijackers" later in
    /// the story are theirs).
    fn nationalities_said_after(
        &self,
        mentions: &mut [ActorMention],
        named: &[Option<(usize, Range<usize>)>],
    ) {
        for mention in mentions.iter_mut() {
            if mention.kind != MentionKind::Nominal {
                continue;
            }
            let Some(sector) = mention.guessed_sector.clone() else {
                continue;
            };
            let sentence = self.doc.sentence_of(mention.tokens.start);
            let end = sentence.end.min(mention.tokens.end + 10);
            let mut relative = false;
            let mut k = mention.tokens.end;
            while k < end {
                let word = self.lower(k);
                if matches!(word.as_ref(), "." | ";" | ":" | "(" | ")") {
                    break;
                }
                if k == mention.tokens.end || k == mention.tokens.end + 1 && word != "," {
                    relative |= matches!(word.as_ref(), "who" | "whom");
                }
                // "believed to be", "said to be", "identified as"; in a
                // relative clause about them, any "be" ("may be", "were").
                let predicate = matches!(word.as_ref(), "be" | "as")
                    && k >= 2
                    && (matches!(
                        self.lower(k - 2).as_ref(),
                        "believed" | "thought" | "said" | "suspected" | "reported" | "understood"
                    ) || matches!(self.lower(k - 1).as_ref(), "identified" | "described"))
                    || relative && matches!(word.as_ref(), "be" | "are" | "were");
                if predicate {
                    let country = (k + 1..end.min(k + 3)).find_map(|j| {
                        let (e, _) = named[j].as_ref()?;
                        let entity = &self.entities[*e];
                        matches!(entity.kind, EntityKind::Country | EntityKind::Group)
                            .then(|| entity.country.clone())
                            .flatten()
                    });
                    if let Some(country) = country {
                        mention.code = Some(format!("{country}{sector}"));
                        mention.guessed_sector = None;
                    }
                    break;
                }
                k += 1;
            }
        }
    }

    /// A definite description of unstated country ("the rebels", "the two
    /// leaders", "their forces") refers back: it takes the country of the
    /// latest earlier actor of its sector, and a generic plural ("the two
    /// sides", "the leaders") the whole code of the latest plural actor,
    /// before the story's country is guessed for it.
    fn resolve_definites(&self, mentions: &mut [ActorMention]) {
        /// How far back, in tokens, a description looks for its referent.
        const REACH: usize = 120;
        for m in 0..mentions.len() {
            let Some(sector) = mentions[m].guessed_sector.clone() else {
                continue;
            };
            if mentions[m].kind != MentionKind::Nominal {
                continue;
            }
            let start = mentions[m].tokens.start;
            let first = self.lower(start);
            if !matches!(first.as_ref(), "the" | "their" | "its" | "both") {
                continue;
            }
            let head = self.lower(mentions[m].tokens.end - 1);
            let generic = mentions[m].plural && GENERIC_PLURALS.contains(&head.as_ref());
            // Mentions come in text order and none outspans a sentence (at
            // most 200 tokens): the scan stops once they lie out of reach, so
            // the pass stays linear in the document.
            let referent = (0..m)
                .rev()
                .take_while(|&j| mentions[j].tokens.start + REACH + 256 >= start)
                .find_map(|j| {
                    let earlier = &mentions[j];
                    if earlier.tokens.end + REACH < start || earlier.guessed_sector.is_some() {
                        return None;
                    }
                    let code = earlier.code.as_deref()?;
                    let country = code.get(..3)?;
                    self.kb.country(country)?;
                    if generic {
                        return earlier.plural.then(|| code.to_string());
                    }
                    (code.get(3..) == Some(sector.as_str())).then(|| code.to_string())
                });
            if let Some(code) = referent {
                mentions[m].code = Some(code);
                mentions[m].guessed_sector = None;
            }
        }
    }

    fn after_locative(&self, start: usize, sentence_start: usize) -> bool {
        // "in Iraq", "in the Chechen capital Grozny": the preposition before
        // the phrase, over a determiner and modifiers.
        let mut k = start;
        while k > sentence_start {
            let word = self.lower(k - 1);
            if LOCATIVE.contains(&word.as_ref()) {
                return true;
            }
            // "a market west of Algiers", "the outskirts of Grozny".
            if word == "of"
                && k >= sentence_start + 2
                && RELATIVE_PLACES.contains(&self.lower(k - 2).as_ref())
            {
                return true;
            }
            if matches!(word.as_ref(), "the" | "a" | "an") {
                k -= 1;
                continue;
            }
            // "a meeting in northern Kabul": a compass word is part of
            // the place.
            if COMPASS_WORDS.contains(&word.as_ref()) {
                k -= 1;
                continue;
            }
            return false;
        }
        false
    }

    fn named(
        &self,
        e: usize,
        tokens: Range<usize>,
        sentence_start: usize,
        named: &[Option<(usize, Range<usize>)>],
        titled: &[Option<String>],
    ) -> Option<ActorMention> {
        let entity = &self.entities[e];
        let kind = entity.kind;
        if kind == EntityKind::Place {
            return None;
        }
        if kind == EntityKind::Country && self.after_locative(tokens.start, sentence_start) {
            return None;
        }
        // "a Czech coach", "the Sudanese plane", "Bosnian elections": a
        // nationality describing a thing names no one who acts.
        let thing = kind == EntityKind::Country && self.describes_a_thing(tokens.clone());
        let mut code = entity.actor_code.clone();
        if matches!(kind, EntityKind::Group | EntityKind::Country) {
            let name = self.doc.slice(tokens.clone()).to_lowercase();
            if let Some(country) = self.ethnic_country(&name) {
                code = Some(country);
            }
        }
        if kind == EntityKind::Country {
            let text = self.doc.slice(tokens.clone());
            let metonymy = self
                .kb
                .lookup(text)
                .iter()
                .any(|r| matches!(r, KbRef::Capital(_) | KbRef::Seat(_)));
            if metonymy {
                code = entity.country.as_ref().map(|c| format!("{c}GOV"));
            }
        }
        if code.is_none() && kind == EntityKind::Person {
            code = self
                .title_given_code(tokens.start, sentence_start, named)
                .or_else(|| titled[e].clone());
        }
        // An organization the knowledge base does not know whose name
        // says it is a rights group, a charity or an association is an NGO.
        // So is someone who holds an office in one ("Kate Michelman,
        // president of the National Abortion Rights Action League").
        let ngo = || match kind {
            EntityKind::Organization => ngo_name(self.doc.words[tokens.clone()].iter().copied()),
            EntityKind::Person => entity
                .roles
                .iter()
                .filter_map(|role| role.of.as_deref())
                .any(|of| ngo_name(of.split_whitespace())),
            _ => false,
        };
        if code.is_none() && ngo() {
            code = Some("NGO".to_string());
        }
        // Someone the knowledge base does not know belongs to their
        // country, or to the country the story is about.
        if code.is_none() && matches!(kind, EntityKind::Person | EntityKind::Organization) {
            code = entity.country.clone().or_else(|| self.home.clone());
        }
        if code.is_none() {
            code = entity.country.clone();
        }
        let plural = kind == EntityKind::Group;
        Some(ActorMention {
            thing,
            name_tokens: tokens.clone(),
            guessed_sector: None,
            tokens,
            entity: Some(e),
            code,
            kind: MentionKind::Named(kind),
            plural,
        })
    }

    /// The code the title before a person's name gives them: an
    /// international body's ("Senior United Nations arms official Rolf
    /// Ekeus"), else a country's and sector's ("Chechen rebel
    /// chief-of-staff Aslan Mashadov").
    fn title_given_code(
        &self,
        name_start: usize,
        sentence_start: usize,
        named: &[Option<(usize, Range<usize>)>],
    ) -> Option<String> {
        let window = name_start.saturating_sub(5).max(sentence_start)..name_start;
        window
            .rev()
            .map_while(|k| {
                let word = self.doc.words[k];
                (word.chars().any(char::is_alphanumeric) && !word.eq_ignore_ascii_case("the"))
                    .then_some(k)
            })
            .find_map(|k| {
                self.international(named[k].as_ref())
                    .then(|| {
                        named[k]
                            .as_ref()
                            .and_then(|(o, _)| self.entities[*o].actor_code.clone())
                    })
                    .flatten()
            })
            .or_else(|| self.title_code(name_start, sentence_start, named))
    }

    /// For each person the knowledge base does not know, the code the
    /// first title the story gives them says: "Chechen rebel chief-of-staff
    /// Aslan Maskhadov" is still the rebels' when later called "Maskhadov".
    fn titled_people(&self, named: &[Option<(usize, Range<usize>)>]) -> Vec<Option<String>> {
        self.entities
            .iter()
            .map(|entity| {
                if entity.kind != EntityKind::Person || entity.actor_code.is_some() {
                    return None;
                }
                entity.mentions.iter().find_map(|mention| {
                    let start = super::token_range(self.doc, &mention.span).start;
                    let sentence_start = self.doc.sentence_of(start).start;
                    self.title_given_code(start, sentence_start, named)
                })
            })
            .collect()
    }

    /// "German Chancellor Helmut Kohl", "Israeli Foreign Minister David
    /// Levy": a nationality that opens a person's title is part of that
    /// person's mention, not a second actor beside them.
    fn absorb_nationalities(&self, mentions: &mut Vec<ActorMention>) {
        let mut absorbed = vec![false; mentions.len()];
        for m in 0..mentions.len().saturating_sub(1) {
            let (nationality, person) = (&mentions[m], &mentions[m + 1]);
            let opens_title = matches!(
                nationality.kind,
                MentionKind::Named(EntityKind::Country | EntityKind::Group)
            ) && person.kind == MentionKind::Named(EntityKind::Person)
                && nationality.tokens.end < person.tokens.start
                && person.tokens.start - nationality.tokens.end <= 4
                && (nationality.tokens.end..person.tokens.start).all(|k| self.title_word(k));
            if opens_title {
                absorbed[m] = true;
                let start = nationality.tokens.start;
                mentions[m + 1].tokens.start = start;
            }
        }
        let mut k = 0;
        mentions.retain(|_| {
            k += 1;
            !absorbed[k - 1]
        });
    }

    /// Whether the word at `k` can stand in a title before a name: a
    /// capitalised word ("Foreign Minister"), a sector word ("rebel"), an
    /// actor noun ("commander") or another title word ("chief").
    fn title_word(&self, k: usize) -> bool {
        let lower = self.lower(k);
        self.doc.words[k].starts_with(char::is_uppercase)
            || modifier_sector(&lower).is_some()
            || actor_noun(&lower).is_some()
            || TITLE_WORDS.contains(&lower.as_ref())
    }

    /// The code a title right before a name gives its holder: the country
    /// of a nationality, country, or coded person or body in the title,
    /// with the sector of the title word nearest the name ("rebel",
    /// "minister", "army").
    fn title_code(
        &self,
        name_start: usize,
        sentence_start: usize,
        named: &[Option<(usize, Range<usize>)>],
    ) -> Option<String> {
        let mut country: Option<String> = None;
        let mut sector: Option<&str> = None;
        let mut k = name_start;
        while k > sentence_start && name_start - k < 6 {
            let word = self.doc.words[k - 1];
            let lower = self.lower(k - 1);
            // ("chief-of-staff": a hyphenated title word too.)
            let title_like = self.title_word(k - 1)
                || word.contains('-') && word.chars().any(char::is_alphabetic);
            if !title_like || lower == "the" {
                break;
            }
            k -= 1;
            if sector.is_none() {
                sector = modifier_sector(&lower).or_else(|| actor_noun(&lower).map(|(s, _)| s));
            }
            if country.is_some() {
                continue;
            }
            country = self.ethnic_country(&lower);
            if country.is_some() {
                continue;
            }
            if let Some((e, _)) = &named[k] {
                let entity = &self.entities[*e];
                country = match entity.kind {
                    EntityKind::Country | EntityKind::Group => self
                        .ethnic_country(&lower)
                        .or_else(|| entity.country.clone()),
                    EntityKind::Person | EntityKind::Organization => entity
                        .actor_code
                        .as_deref()
                        .and_then(|c| c.get(..3))
                        .filter(|c| KnowledgeBase::builtin().country(c).is_some())
                        .map(str::to_string),
                    _ => None,
                };
            }
        }
        let country = country?;
        Some(match sector {
            Some(sector) if sector != "CVL" => format!("{country}{sector}"),
            _ => country,
        })
    }

    /// A lowercase word of no known kind that may stand inside an actor's
    /// description ("splinter", "renegade"): not a verb ("bombed"), a
    /// plural noun heading a phrase of its own ("planes"), or a function
    /// word.
    fn plain_word(&self, k: usize) -> bool {
        let word = self.doc.words[k];
        let lower = self.lower(k);
        word.len() > 2
            && word.chars().all(|c| c.is_ascii_lowercase() || c == '-')
            && !lower.ends_with("ed")
            && !lower.ends_with("ing")
            && !lower.ends_with('s')
            && !super::is_reporting_word(&lower)
            && !FUNCTION_WORDS.contains(&lower.as_ref())
    }

    /// A common-noun actor phrase whose head is at or after `i`.
    fn nominal(
        &self,
        i: usize,
        sentence: &Range<usize>,
        named: &[Option<(usize, Range<usize>)>],
    ) -> Option<ActorMention> {
        // A phrase of modifiers then the head: a determiner, a number, a
        // demonym or country ("Israeli", "Iraq's"), a sector word or a
        // known adjective, each optional.
        let (head, sector, plural) = {
            let mut k = i;
            let limit = sentence.end.min(i + 5);
            // One word of no known kind after a nationality ("a Burmese
            // rebel splinter faction") still belongs to the phrase.
            let mut country_seen = false;
            let mut unknown_taken = false;
            loop {
                if k >= limit {
                    return None;
                }
                let w = self.lower(k);
                // A name inside the phrase must be a country or nationality.
                let name = named[k].as_ref().map(|(e, _)| self.entities[*e].kind);
                // "a pro-Baghdad party" is not Iraq's: a stance, no country.
                if stance(&w) {
                    k += 1;
                    continue;
                }
                // "human rights groups": a group head after an NGO word.
                if name.is_none()
                    && k > i
                    && NGO_HEADS.contains(&w.as_ref())
                    && NGO_MODIFIERS.contains(&self.lower(k - 1).as_ref())
                    && !continues_noun(self.doc, k + 1)
                {
                    break (k, "NGO", w.ends_with('s'));
                }
                if name.is_none() {
                    if let Some((sector, plural)) = actor_noun(&w) {
                        // "its opposition to the treaty" is a stance, not
                        // the opposition.
                        let stance_noun = w == "opposition"
                            && k > sentence.start
                            && matches!(
                                self.lower(k - 1).as_ref(),
                                "its" | "their" | "his" | "her"
                            );
                        // "in person" is a manner, nobody in particular.
                        let idiom = w == "person"
                            && k == i
                            && k > sentence.start
                            && self.lower(k - 1) == "in";
                        // "a Burmese rebel splinter faction": the phrase
                        // goes on to the actor noun after one plain word.
                        let goes_on = country_seen
                            && k + 2 < limit
                            && self.plain_word(k + 1)
                            && actor_noun(&self.lower(k + 2)).is_some();
                        if !continues_noun(self.doc, k + 1) && !stance_noun && !idiom && !goes_on {
                            break (k, sector, plural);
                        }
                    }
                }
                let modifier = match name {
                    Some(EntityKind::Country | EntityKind::Group) => {
                        country_seen = true;
                        true
                    }
                    // "NATO troops", "U.N. monitors": an international body's own.
                    Some(EntityKind::Organization) => self.international(named[k].as_ref()),
                    Some(_) => false,
                    None => is_modifier(&w) || w == "'s" && k > i,
                };
                if !modifier {
                    // Not a verb ("Iraqi planes bombed"), a plural noun
                    // heading a phrase of its own, or a function word.
                    if !(country_seen && !unknown_taken && self.plain_word(k)) {
                        return None;
                    }
                    unknown_taken = true;
                }
                k += 1;
            }
        };
        // A body's unnamed members and NGOs: the body's code, no country.
        let coded_body = |code: String| ActorMention {
            thing: false,
            guessed_sector: None,
            name_tokens: i..head + 1,
            tokens: i..head + 1,
            entity: None,
            code: Some(code),
            kind: MentionKind::Nominal,
            plural,
        };
        // "U.N. human rights monitors" are the U.N.'s.
        if sector == "NGO" && !(i..head).any(|k| self.international(named[k].as_ref())) {
            return Some(coded_body(sector.to_string()));
        }
        let mut sector = sector.to_string();
        let mut country: Option<String> = None;
        let mut ethnic_given = false;
        let mut regional = false;
        for (k, name) in named.iter().enumerate().take(head).skip(i) {
            let w = self.lower(k);
            if stance(&w) {
                continue;
            }
            if let Some(s) = modifier_sector(&w) {
                sector = s.to_string();
            }
            regional |= REGIONAL.contains(&w.as_ref());
            // "Serb policemen" in a Bosnian story are Bosnia's: a people
            // living in several countries belongs to the one the story
            // names; "Bosnian Serb" keeps the country its first word gave.
            if let Some(ethnic) = self.ethnic_country(&w) {
                if country.is_none() || ethnic_given {
                    country = Some(ethnic);
                    ethnic_given = true;
                }
                continue;
            }
            if let Some((e, _)) = name {
                let entity = &self.entities[*e];
                if matches!(entity.kind, EntityKind::Country | EntityKind::Group) {
                    country = country.or_else(|| entity.country.clone());
                }
            }
        }
        // "police in Natal", "the authorities of Kassala": a place after it;
        // "officials from NATO countries": members of an international body.
        let mut body_after = None;
        if country.is_none() && head + 2 < sentence.end {
            let preposition = self.lower(head + 1);
            if matches!(preposition.as_ref(), "in" | "of" | "from") {
                // Over "the" and a direction: "rebels in southern Sudan".
                let mut k = head + 2;
                while k + 1 < sentence.end
                    && k < head + 4
                    && matches!(
                        self.lower(k).as_ref(),
                        "the"
                            | "northern"
                            | "southern"
                            | "eastern"
                            | "western"
                            | "central"
                            | "north"
                            | "south"
                            | "east"
                            | "west"
                    )
                {
                    k += 1;
                }
                if let Some(Some((e, _))) = named.get(k) {
                    country = self.entities[*e].country.clone();
                    if preposition != "in" && self.international(named[k].as_ref()) {
                        body_after = self.entities[*e].actor_code.clone();
                    }
                }
            }
        }
        // "Iraq's army", "Russia's Alexander Lebed": a possessive before.
        if country.is_none() && i >= 2 && self.doc.words[i - 1] == "'s" {
            if let Some((e, _)) = &named[i - 2] {
                country = self.entities[*e].country.clone();
            }
        }
        // Members and forces of an international body are that body; those
        // of a region or several countries an international body's.
        let regional = (regional && country.is_none()).then(|| "IGO".to_string());
        let body = (i..head)
            .find_map(|k| {
                let (e, _) = named[k].as_ref()?;
                let code = self.entities[*e].actor_code.as_deref()?;
                (self.international(named[k].as_ref())).then(|| code.to_string())
            })
            .or(body_after)
            .or(regional);
        if let Some(code) = body {
            return Some(coded_body(code));
        }
        let explicit = country.is_some();
        // Unnamed police are the force where the reporter files from,
        // whatever country the story is about ("Police arrested the man",
        // filed from Wellington about a flight to Tonga).
        let local = sector == "COP";
        let country = country
            .or_else(|| self.filed_in.clone().filter(|_| local))
            .or_else(|| self.home.clone());
        let code = match (country, sector.as_str()) {
            (Some(c), _) => Some(format!("{c}{sector}")),
            (None, _) if !explicit => Some(sector.clone()),
            _ => None,
        };
        Some(ActorMention {
            thing: false,
            guessed_sector: (!explicit).then(|| sector.clone()),
            name_tokens: i..head + 1,
            tokens: i..head + 1,
            entity: None,
            code,
            kind: MentionKind::Nominal,
            plural,
        })
    }

    /// The country of a people without a state of its own ("Kurdish
    /// factions"): of the countries it lives in, the one the story names
    /// most.
    fn ethnic_country(&self, word: &str) -> Option<String> {
        let (_, countries) = ETHNIC_GROUPS.iter().find(|(w, _)| *w == word)?;
        // The first listed wins ties: the country most of the people live in.
        let best = countries
            .iter()
            .rev()
            .max_by_key(|c| self.named_countries.get(**c).copied().unwrap_or(0))
            .copied()?;
        Some(best.to_string())
    }

    /// Whether a name is an international organization (an IGO code).
    fn international(&self, name: Option<&(usize, Range<usize>)>) -> bool {
        // Britain's "Foreign and Commonwealth Office" (and its ministers
        // "for Foreign and Commonwealth Affairs") is a ministry, not the
        // Commonwealth.
        let british_ministry = name.is_some_and(|(_, tokens)| {
            tokens.start >= 2
                && self.lower(tokens.start - 1) == "and"
                && self.lower(tokens.start - 2) == "foreign"
        });
        !british_ministry
            && name
                .and_then(|(e, _)| self.entities[*e].actor_code.as_deref())
                .is_some_and(|code| code.starts_with("IGO"))
    }

    /// A personal pronoun resolved to the latest compatible mention before it.
    /// "told reporters they would strike": the press a speaker talks to
    /// is the audience, not who the pronouns after it stand for.
    fn audience(&self, m: &ActorMention) -> bool {
        m.kind == MentionKind::Nominal
            && matches!(
                self.lower(m.tokens.end - 1).as_ref(),
                "reporters" | "journalists" | "newsmen" | "correspondents"
            )
    }

    fn pronoun(&self, i: usize, before: &[ActorMention]) -> Option<ActorMention> {
        let word = self.lower(i);
        // "accused each other": the reciprocal stands for the plural actor
        // before it, so the act runs between members of one side.
        let reciprocal = matches!(word.as_ref(), "each" | "one")
            && self
                .doc
                .words
                .get(i + 1)
                .is_some_and(|w| matches!(*w, "other" | "another"));
        let (person, plural) = match word.as_ref() {
            // Objects too: "assured him", "sent her messages".
            "he" | "she" | "him" | "her" => (true, false),
            "they" => (false, true),
            "it" => (false, false),
            _ if reciprocal => (false, true),
            _ => return None,
        };
        // "it" is mostly expletive or a thing; only when the sentence
        // before names an organization or country as its first actor.
        let window_start = {
            let sentence = self.doc.sentence_of(i);
            let previous = self.doc.sentence_of(sentence.start.saturating_sub(1));
            previous.start.min(sentence.start)
        };
        // An object pronoun is not its own clause's subject ("Levy sent her
        // messages" is not Levy); a reporting verb or conjunction between
        // them opens another clause ("He said they had assured him" is he),
        // and a subject pronoun there passes its referent on. A preposition
        // between them marks a name that is no subject ("hand the letter to
        // Lula during a meeting with him" is Lula).
        let object = matches!(word.as_ref(), "him" | "her");
        let sentence_start = self.doc.sentence_of(i).start;
        let bound_locally = |m: &ActorMention| {
            object
                && m.tokens.start >= sentence_start
                && !(m.tokens.end..i).any(|k| {
                    let w = self.lower(k);
                    super::is_reporting_word(&w)
                        || matches!(
                            w.as_ref(),
                            "that"
                                | ";"
                                | "but"
                                | "to"
                                | "with"
                                | "for"
                                | "of"
                                | "in"
                                | "on"
                                | "at"
                                | "by"
                        )
                })
        };
        let candidates = || {
            before
                .iter()
                .rev()
                .take_while(|m| m.tokens.start >= window_start)
                .filter(|m| {
                    m.tokens.end <= i
                        && (m.kind != MentionKind::Pronoun || object && m.code.is_some())
                        && !bound_locally(m)
                        && !self.audience(m)
                })
        };
        // "he" and "she" are the people the story names before a role noun
        // that happens to stand nearer ("Specter met the official ... He had
        // visited Japan" is Specter).
        // Within the nearest sentence that names people, the first of them:
        // the subject a story keeps talking about, not the latest object
        // ("Specter met Prince Sultan. He had visited Japan" is Specter).
        let named_person = if person {
            let latest = candidates().find(|m| m.kind == MentionKind::Named(EntityKind::Person));
            latest.map(|latest| {
                let in_sentence = self.doc.sentence_of(latest.tokens.start).start;
                // Inside its own sentence, and as an object, a pronoun
                // takes the nearest name ("hand the letter to Lula during
                // a meeting with him").
                if object || in_sentence == sentence_start {
                    return latest;
                }
                candidates()
                    .take_while(|m| m.tokens.start >= in_sentence)
                    .filter(|m| m.kind == MentionKind::Named(EntityKind::Person))
                    .last()
                    .unwrap_or(latest)
            })
        } else {
            None
        };
        let antecedent = named_person
            .or_else(|| {
                candidates().find(|m| match (person, plural, m.kind) {
                    (true, false, MentionKind::Pronoun) => !m.plural,
                    (true, _, MentionKind::Named(EntityKind::Person)) => true,
                    (true, _, MentionKind::Nominal) => !m.plural,
                    (false, true, MentionKind::Named(kind)) => {
                        matches!(kind, EntityKind::Group) || m.plural
                    }
                    (false, true, MentionKind::Nominal) => m.plural,
                    (false, false, MentionKind::Named(kind)) => {
                        matches!(kind, EntityKind::Organization | EntityKind::Country)
                    }
                    _ => false,
                })
            })
            .or_else(|| {
                // "they" for a government or organization ("Baghdad says they…").
                if plural {
                    before
                        .iter()
                        .rev()
                        .take_while(|m| m.tokens.start >= window_start)
                        .filter(|m| m.tokens.end <= i && m.kind != MentionKind::Pronoun)
                        .find(|m| {
                            matches!(
                                m.kind,
                                MentionKind::Named(EntityKind::Organization | EntityKind::Country)
                            )
                        })
                } else {
                    None
                }
            })?;
        Some(ActorMention {
            thing: false,
            guessed_sector: antecedent.guessed_sector.clone(),
            name_tokens: antecedent.name_tokens.clone(),
            tokens: i..i + 1 + usize::from(reciprocal),
            entity: antecedent.entity,
            code: antecedent.code.clone(),
            kind: MentionKind::Pronoun,
            plural,
        })
    }
}

/// Words that make unnamed actors several countries' ("West African
/// leaders", "Arab foreign ministers", "a multinational force"): an
/// international body's, whatever country the story is about.
const REGIONAL: &[&str] = &[
    "african",
    "arab",
    "asian",
    "european",
    "western",
    "nordic",
    "balkan",
    "multinational",
    "international",
];

/// Words that end a noun phrase or join two: never part of an actor's
/// description.
const FUNCTION_WORDS: &[&str] = &[
    "and", "or", "but", "nor", "of", "in", "on", "at", "by", "for", "with", "to", "from", "into",
    "than", "that", "which", "who", "whom", "whose", "will", "would", "can", "could", "may",
    "might", "must", "shall", "should", "not", "now", "then", "also", "still", "have", "had",
    "was", "were", "been", "be", "are", "did", "does", "do", "after", "before", "over", "under",
    "about", "against", "between", "during", "without", "when", "while", "where", "if", "they",
    "them", "their", "there", "here", "this", "these", "those", "its", "his", "her", "our", "your",
    "my", "say", "told", "tell", "ask", "urge", "back", "near", "off", "out", "up", "down", "only",
    "even", "just", "very", "more", "most", "less", "least",
];

/// The sector and number of an actor noun.
fn actor_noun(word: &str) -> Option<(&'static str, bool)> {
    // Looked up for every word of every sentence: a map, not a scan.
    static NOUNS: std::sync::OnceLock<HashMap<&str, (&str, bool)>> = std::sync::OnceLock::new();
    NOUNS
        .get_or_init(|| {
            ACTOR_NOUNS
                .iter()
                .map(|&(noun, sector, plural)| (noun, (sector, plural)))
                .collect()
        })
        .get(word)
        .copied()
}

/// True when the word at `k` continues a compound noun ("police station",
/// "government offices"): the actor word is then a modifier, not the head.
fn continues_noun(doc: &Doc<'_>, k: usize) -> bool {
    if k >= doc.words.len() {
        return false;
    }
    let lower = doc.lower(k);
    if actor_noun(&lower).is_some() {
        return true;
    }
    matches!(
        lower.as_ref(),
        "station"
            | "stations"
            | "offices"
            | "office"
            | "building"
            | "buildings"
            | "headquarters"
            | "spokesman"
            | "spokeswoman"
            | "source"
            | "sources"
            | "chief"
            | "statement"
            | "report"
            | "policy"
            | "policies"
            | "positions"
            | "control"
            | "minister"
            | "ministers"
            | "officials"
            | "official"
            | "leader"
            | "leaders"
            | "troops"
            | "forces"
            | "commander"
            | "commanders"
            | "deputy"
            | "member"
            | "members"
            | "house"
            | "decision"
            | "order"
            | "car"
            | "cars"
            | "vehicle"
            | "vehicles"
    )
}

/// The country a story is about: the country its entities name most
/// (countries, demonyms, people's countries), the dateline's country
/// breaking ties and counting once. A wire story is often filed from a
/// neighbouring capital (Iraq from Nicosia, Britain from Brussels), so the
/// dateline alone does not decide.
/// Peoples without a state of their own, or living in several states, with
/// the countries they live in, the largest population first.
const ETHNIC_GROUPS: &[(&str, &[&str])] = &[
    ("serb", &["SRB", "BIH", "HRV"]),
    ("serbs", &["SRB", "BIH", "HRV"]),
    ("croat", &["HRV", "BIH"]),
    ("croats", &["HRV", "BIH"]),
    ("kurdish", &["TUR", "IRQ", "IRN", "SYR"]),
    ("kurds", &["TUR", "IRQ", "IRN", "SYR"]),
    ("kurd", &["TUR", "IRQ", "IRN", "SYR"]),
    ("tamil", &["IND", "LKA"]),
    ("tamils", &["IND", "LKA"]),
    ("pashtun", &["PAK", "AFG"]),
    ("pashtuns", &["PAK", "AFG"]),
    ("baluch", &["PAK", "IRN", "AFG"]),
    ("basque", &["ESP", "FRA"]),
    ("basques", &["ESP", "FRA"]),
    ("tibetan", &["CHN"]),
    ("tibetans", &["CHN"]),
    ("uighur", &["CHN"]),
    ("uighurs", &["CHN"]),
    ("uyghur", &["CHN"]),
    ("uyghurs", &["CHN"]),
    ("chechen", &["RUS"]),
    ("chechens", &["RUS"]),
    ("abkhaz", &["GEO"]),
    ("hutu", &["RWA", "BDI", "COD"]),
    ("hutus", &["RWA", "BDI", "COD"]),
    ("tutsi", &["RWA", "BDI", "COD"]),
    ("tutsis", &["RWA", "BDI", "COD"]),
    ("zulu", &["ZAF"]),
    ("berber", &["MAR", "DZA"]),
    ("berbers", &["MAR", "DZA"]),
    ("sikh", &["IND"]),
    ("sikhs", &["IND"]),
    ("rohingya", &["MMR", "BGD"]),
];

/// Plural nouns that name the parties of a story without a sector of their
/// own: "the two sides", "the leaders" are whoever the story last named.
const GENERIC_PLURALS: &[&str] = &["leaders", "sides", "factions", "delegations"];

/// Nouns of things a nationality can describe: vehicles, places and
/// processes, none of which acts. Lower case.
const THING_NOUNS: &[&str] = &[
    "plane",
    "airliner",
    "aircraft",
    "airbus",
    "jetliner",
    "helicopter",
    "ship",
    "vessel",
    "boat",
    "ferry",
    "tanker",
    "coach",
    "bus",
    "car",
    "truck",
    "lorry",
    "train",
    "flight",
    "border",
    "frontier",
    "territory",
    "waters",
    "airspace",
    "soil",
    "coast",
    "capital",
    "city",
    "town",
    "village",
    "province",
    "region",
    "island",
    "port",
    "airport",
    "motorway",
    "highway",
    "road",
    "election",
    "elections",
    "polls",
    "vote",
    "referendum",
    "peace",
    "economy",
    "market",
    "markets",
    "currency",
    "exports",
    "imports",
    "history",
    "constitution",
    "law",
    "laws",
    "presidency",
    "independence",
    "stance",
    "position",
];

/// A word of stance toward a name ("pro-Baghdad", "anti-Western").
fn stance(word: &str) -> bool {
    word.len() > 4 && (word.starts_with("pro-") || word.starts_with("anti-"))
}

/// Mentions (the dateline's included) after which the dateline's country
/// is the story's home.
const DATELINE_SETTLES: usize = 2;

fn home_country(entities: &[Entity], filed_in: Option<&str>) -> Option<String> {
    let mut counts: Vec<(usize, bool, &str)> = Vec::new();
    for entity in entities {
        let Some(country) = entity.country.as_deref() else {
            continue;
        };
        let weight = entity.mentions.len();
        match counts.iter_mut().find(|(_, _, c)| *c == country) {
            Some((n, _, _)) => *n += weight,
            None => counts.push((weight, false, country)),
        }
    }
    if let Some(filed) = filed_in {
        match counts.iter_mut().find(|(_, _, c)| *c == filed) {
            Some((n, dateline, _)) => {
                *n += 1;
                *dateline = true;
            }
            None => counts.push((1, true, filed)),
        }
    }
    // A dateline country the story itself names is where it happens, even
    // when another country is named more ("Jordan expels Iraqi diplomat",
    // filed from Amman).
    if let Some(&(n, _, country)) = counts.iter().find(|(_, dateline, _)| *dateline) {
        if n > DATELINE_SETTLES {
            return Some(country.to_string());
        }
    }
    counts.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.cmp(&a.1)).then(a.2.cmp(b.2)));
    counts.first().map(|(_, _, c)| c.to_string())
}

/// "Islamist Prime Minister Necmettin Erbakan": a title whose country the
/// text does not give, right before the name of the one who holds it, is
/// that person's (the story's country was only a guess for it). Capitalized
/// title words may stand between them ("opposition militia leader General
/// Abdul Rashid Dostum"): `title_between` tells which tokens are such.
fn titles_take_their_holders_codes(
    mentions: &mut [ActorMention],
    title_between: impl Fn(usize) -> bool,
) {
    for m in 1..mentions.len() {
        let (before, after) = mentions.split_at_mut(m);
        let (title, holder) = (&mut before[m - 1], &after[0]);
        if title.kind == MentionKind::Nominal
            && title.guessed_sector.is_some()
            && !title.plural
            && title.tokens.end <= holder.tokens.start
            && holder.tokens.start - title.tokens.end <= 2
            && (title.tokens.end..holder.tokens.start).all(&title_between)
            && holder.kind == MentionKind::Named(EntityKind::Person)
            && holder.code.is_some()
        {
            title.code = holder.code.clone();
            title.guessed_sector = None;
        }
    }
}
