//! From tagged names to document entities: knowledge-base linking, mention
//! merging (surnames, acronyms, metonymy, role nouns), roles with evidence and
//! CAMEO-style actor codes.

use std::collections::HashMap;
use std::ops::Range;

use chancery_model::{Entity, EntityKind, Mention, Role};

use crate::doc::Doc;
use crate::kb::{cameo_actor_code, class, initials, is_acronym, name_key, KbRef, KnowledgeBase};
use crate::ner::NameClass;
use crate::token::is_title_abbreviation;

/// A mention before merging.
#[derive(Debug, Clone)]
struct Draft {
    tokens: Range<usize>,
    kind: EntityKind,
    /// Index into the knowledge base's countries.
    country: Option<usize>,
    kb: Option<KbRef>,
    /// CAMEO sector, for organizations.
    sector: Option<&'static str>,
}

/// Prepositions after which a capital is a place, not its government.
const LOCATIVE: &[&str] = &[
    "in", "at", "to", "from", "near", "outside", "into", "across", "around", "via", "toward",
    "towards", "through", "inside", "visit", "visited", "visiting", "reached", "left", "arrived",
];

/// Organization words that, alone ("the Ministry"), mean the latest
/// organization of that kind the article named.
const GENERIC_ORGANIZATIONS: &[&str] = &[
    "ministry",
    "government",
    "parliament",
    "army",
    "party",
    "agency",
    "embassy",
    "court",
    "council",
    "committee",
    "commission",
    "company",
    "bank",
    "military",
    "police",
    "cabinet",
];

/// Groups that are neither countries nor organizations.
const GROUPS: &[&str] = &[
    "kurds",
    "kurdish",
    "shiites",
    "shia",
    "shiite",
    "sunnis",
    "sunni",
    "alawites",
    "alawite",
    "druze",
    "christians",
    "christian",
    "muslims",
    "muslim",
    "jews",
    "jewish",
    "rohingya",
    "uyghurs",
    "uighurs",
    "tamils",
    "yazidis",
    "pashtuns",
    "hazaras",
    "arabs",
    "arab",
    "berbers",
    "copts",
    "catholics",
    "catholic",
    "protestants",
    "hindus",
    "hindu",
    "sikhs",
    "buddhists",
    "baloch",
    "tuareg",
    "houthi",
    "palestinians",
    "westerners",
    "europeans",
    "africans",
    "asians",
    "latinos",
];

/// Month and weekday abbreviations: "Sept. 1", "Mon" name no one.
const DATE_ABBREVIATIONS: &[&str] = &[
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "mon",
    "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat", "sun",
];

/// Weekday names, never an entity on their own.
const WEEKDAYS: &[&str] = &[
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

/// Single words the tagger takes for people that name a holiday, an award
/// or a contraction: never an entity on their own.
const NEVER_NAMES: &[&str] = &[
    "christmas",
    "easter",
    "ramadan",
    "eid",
    "hanukkah",
    "diwali",
    "thanksgiving",
    "passover",
    "oscar",
    "oscars",
    "bafta",
    "baftas",
    "grammy",
    "grammys",
    "emmy",
    "emmys",
    "i've",
    "i'm",
    "i'd",
    "i'll",
];

/// Words that open a photo or picture credit ("Photo: …").
const CREDIT_WORDS: &[&str] = &[
    "photo",
    "photos",
    "photograph",
    "photographs",
    "picture",
    "pictures",
    "image",
    "images",
    "credit",
    "credits",
    "illustration",
    "video",
];

/// Last words of the names of news outlets and agencies ("Caravan Wire",
/// "Zambezi Times"): such a name is an organization, never a person.
const OUTLET_WORDS: &[&str] = &[
    "wire",
    "press",
    "news",
    "newswire",
    "agency",
    "times",
    "post",
    "herald",
    "tribune",
    "telegraph",
    "journal",
    "gazette",
    "daily",
    "radio",
    "tv",
    "television",
    "broadcasting",
    "chronicle",
    "observer",
    "monitor",
];

/// First words of named weather systems ("Cyclone Ilona", "Hurricane
/// Katrina"): a storm is not a person, and not an actor.
const WEATHER_WORDS: &[&str] = &[
    "cyclone",
    "hurricane",
    "typhoon",
    "storm",
    "tropical",
    "tornado",
    "superstorm",
];

/// Nouns after a name that make it a place ("Batken region").
const PLACE_NOUNS: &[&str] = &[
    "region",
    "province",
    "district",
    "village",
    "city",
    "town",
    "oblast",
    "county",
    "valley",
    "municipality",
    "governorate",
    "prefecture",
    "state",
    "area",
    "residents",
    "villagers",
];

/// Prepositions after which a lone capitalized word is a place, not a
/// person ("near Batken", "in Isfara").
const PLACE_PREPOSITIONS: &[&str] = &["in", "near", "outside", "into", "across", "around"];

/// Offices of the Holy See: their holders are coded as the Vatican's (`VAT`).
const HOLY_SEE_OFFICES: &[&str] = &["Pope", "Apostolic Nuncio"];

/// Titles that are forms of address, not offices: they are cut from names
/// but never reported as roles.
const FORMS_OF_ADDRESS: &[&str] = &["Dr.", "Mr.", "Mrs.", "Ms.", "Sir", "Dame"];

/// "Mr", "Mrs", "Ms", "Dr" without their stop (British style): a word after
/// them is a surname.
fn is_form_of_address(word: &str) -> bool {
    matches!(
        word,
        "Mr" | "Mrs" | "Ms" | "Dr" | "Mr." | "Mrs." | "Ms." | "Dr."
    )
}

/// Organization sectors told by a word of the name.
const SECTOR_WORDS: &[(&str, &str)] = &[
    ("ministry", "GOV"),
    ("department", "GOV"),
    ("government", "GOV"),
    ("cabinet", "GOV"),
    ("presidency", "GOV"),
    ("embassy", "GOV"),
    ("consulate", "GOV"),
    ("commission", "GOV"),
    ("agency", "GOV"),
    ("parliament", "LEG"),
    ("duma", "LEG"),
    ("senate", "LEG"),
    ("congress", "LEG"),
    ("assembly", "LEG"),
    ("knesset", "LEG"),
    ("majlis", "LEG"),
    ("army", "MIL"),
    ("navy", "MIL"),
    ("military", "MIL"),
    ("forces", "MIL"),
    ("guard", "MIL"),
    ("guards", "MIL"),
    ("court", "JUD"),
    ("tribunal", "JUD"),
    ("police", "COP"),
    ("party", "PTY"),
    ("bank", "BUS"),
    ("company", "BUS"),
    ("corp", "BUS"),
    ("inc", "BUS"),
    ("ltd", "BUS"),
    ("university", "EDU"),
    ("news", "MED"),
    ("television", "MED"),
    ("radio", "MED"),
    ("crescent", "NGO"),
    ("cross", "NGO"),
    ("foundation", "NGO"),
];

fn sector_of_name(key: &str) -> Option<&'static str> {
    key.split(' ').rev().find_map(|word| {
        SECTOR_WORDS
            .iter()
            .find(|(w, _)| *w == word)
            .map(|(_, s)| *s)
    })
}

/// Leaks a sector string from the knowledge base into a `&'static str` by
/// matching it against the known codes (unknown codes become `None`).
fn known_sector(code: &str) -> Option<&'static str> {
    const CODES: &[&str] = &[
        "GOV", "LEG", "JUD", "MIL", "SPY", "COP", "BUS", "MED", "NGO", "IGO", "REB", "PTY", "EDU",
        "REL", "CVL", "HLH", "OPP", "LAB", "AGR", "ELI", "REF", "CRM", "UAF", "IMG", "ENV", "HRI",
        "INS", "SEP", "MOD", "RAD", "SPY",
    ];
    CODES.iter().find(|c| **c == code).copied()
}

/// A lower-case word that may stand inside an office's name between the
/// body it is held for and its title ("foreign affairs", "deputy",
/// "committee"): a word of letters, not a function word or a verb of saying.
fn is_office_modifier(word: &str) -> bool {
    const NOT: &[&str] = &[
        "a", "an", "the", "and", "or", "but", "of", "to", "for", "with", "by", "in", "on", "at",
        "from", "as", "that", "who", "which", "said", "says", "told", "has", "have", "had", "is",
        "was", "are", "were", "be", "its", "his", "her", "their", "our", "new", "former",
    ];
    word.len() > 1 && word.chars().all(|c| c.is_lowercase()) && !NOT.contains(&word)
}

/// A word that names a party or its members ("Social Democrat", "Scottish
/// Conservative", "Republican"): a body before a title that has one is a
/// party.
fn is_party_word(word: &str) -> bool {
    const STEMS: &[&str] = &[
        "Party",
        "Democrat",
        "Democrats",
        "Democratic",
        "Socialist",
        "Socialists",
        "Liberal",
        "Liberals",
        "Conservative",
        "Conservatives",
        "Republican",
        "Republicans",
        "Labour",
        "Labor",
        "Communist",
        "Communists",
        "Green",
        "Greens",
        "Nationalist",
        "Nationalists",
        "Tory",
        "Tories",
    ];
    STEMS.contains(&word)
}

/// Sectors of the state's own bodies.
fn is_state_sector(sector: &str) -> bool {
    matches!(sector, "GOV" | "LEG" | "JUD" | "MIL" | "COP" | "SPY")
}

/// Civil offices of the state: a title of one held for a body of no known
/// country ("Trade and Industry Secretary") is held in the story's country.
fn is_civil_state_sector(sector: &str) -> bool {
    matches!(sector, "GOV" | "LEG" | "JUD")
}

/// A date of `YYYY`, `YYYY-MM` or `YYYY-MM-DD` as the number YYYYMMDD; a
/// partial date counts from its first day, or to its last when `to_end`.
fn date_key(date: &str, to_end: bool) -> Option<u32> {
    let digits: String = date.chars().filter(char::is_ascii_digit).take(8).collect();
    let number = digits.parse::<u32>().ok();
    match digits.len() {
        8 => number,
        6 => number.map(|d| d * 100 + if to_end { 31 } else { 1 }),
        4 => number.map(|d| d * 10_000 + if to_end { 1231 } else { 101 }),
        _ => None,
    }
}

/// The working state of entity finding for one document.
pub(crate) struct EntityFinder<'d, 'a> {
    doc: &'d Doc<'a>,
    kb: &'d KnowledgeBase,
    gazetteer: &'d [u16],
    /// Publication date as `YYYY-MM-DD` (or a prefix), for who held which office.
    date: Option<&'d str>,
    /// The place the extractor read from the article's dateline, if any.
    dateline: Option<&'d str>,
}

/// A merged entity under construction.
#[derive(Debug, Default)]
struct Cluster {
    kind: Option<EntityKind>,
    drafts: Vec<usize>,
    /// Lower-case name tokens of persons, for surname matching.
    name_tokens: Vec<String>,
    country: Option<usize>,
    sector: Option<&'static str>,
    roles: Vec<RoleDraft>,
    kb_person: Option<usize>,
    /// Extra mentions (role nouns such as "the foreign minister").
    extra: Vec<Range<usize>>,
}

#[derive(Debug, Clone)]
struct RoleDraft {
    title: String,
    of: Option<String>,
    country: Option<usize>,
    sector: Option<&'static str>,
    /// The sector of the organization the role is held for: a rebel group's
    /// commander is `REB`, whatever "Commander" alone would say.
    organization_sector: Option<&'static str>,
    rank: u8,
    /// Written in lower case ("England captain", "the chairman"), not as a
    /// name's title ("Captain Smith").
    lower_case: bool,
    /// Written after a capitalized word that is no country ("Balco
    /// president Victor Conte", "PCS leader"): held for a body, found or not.
    body_before: bool,
    /// A junior military rank of a team or a ship ("England captain").
    sporting: bool,
    /// Held for a body whose name says it is international.
    international_body: bool,
    /// Held for a body whose name says it is a party ("Social Democrat
    /// leader").
    party_body: bool,
    evidence: Range<usize>,
}

impl<'d, 'a> EntityFinder<'d, 'a> {
    pub fn new(
        doc: &'d Doc<'a>,
        kb: &'d KnowledgeBase,
        gazetteer: &'d [u16],
        date: Option<&'d str>,
    ) -> Self {
        EntityFinder {
            doc,
            kb,
            gazetteer,
            date,
            dateline: None,
        }
    }

    /// The place the extractor read from the article's dateline ("ATHENS
    /// 1996-08-28", "WARSAW (Reuters) -"): where the story was filed, whose
    /// officials a national title without a country names.
    pub fn with_dateline(mut self, dateline: Option<&'d str>) -> Self {
        self.dateline = dateline;
        self
    }

    /// Entities from the tagger's names.
    pub fn find(&self, names: &[(Range<usize>, NameClass)]) -> Vec<Entity> {
        let mut drafts = Vec::new();
        for (range, class) in names {
            self.classify(range.clone(), *class, &mut drafts);
        }
        self.add_gazetteer_matches(&mut drafts);
        self.places_read_as_people(&mut drafts);
        self.drop_unconfirmed_headline_names(&mut drafts);
        self.propagate_person_names(&mut drafts);
        drafts.sort_by_key(|d| (d.tokens.start, d.tokens.end));
        let clusters = self.merge(&drafts);
        self.render(&drafts, clusters)
    }

    fn word(&self, i: usize) -> &'a str {
        self.doc.words[i]
    }

    fn is_title_case_context(&self, range: &Range<usize>) -> bool {
        range.start < self.doc.body_start
    }

    fn classify(&self, mut range: Range<usize>, class: NameClass, out: &mut Vec<Draft>) {
        // "Minister Vieira": the title is evidence of a role, not part of the name.
        if class == NameClass::Person {
            while range.len() > 1
                && (self.kb.title(self.word(range.start)).is_some()
                    || is_title_abbreviation(self.word(range.start)))
            {
                range.start += 1;
            }
        }
        if self.is_not_a_name(&range) {
            return;
        }
        let text = self.doc.slice(range.clone());
        // "Iran-Russia": one token naming two countries.
        if range.len() == 1 && text.contains('-') {
            let mut offset = self.doc.tokens[range.start].start;
            let mut parts = Vec::new();
            for part in text.split('-') {
                match self.kb.lookup(part).iter().find_map(|r| match r {
                    KbRef::Country(c) => Some(*c),
                    _ => None,
                }) {
                    Some(country) => parts.push((offset, offset + part.len(), country)),
                    None => {
                        parts.clear();
                        break;
                    }
                }
                offset += part.len() + 1;
            }
            if parts.len() >= 2 {
                for (_, _, country) in parts {
                    out.push(Draft {
                        tokens: range.clone(),
                        kind: EntityKind::Country,
                        country: Some(country),
                        kb: Some(KbRef::Country(country)),
                        sector: None,
                    });
                }
                return;
            }
        }
        let refs = self.kb.lookup(text);
        if let Some(mut draft) = self.draft_from_kb(range.clone(), refs, class) {
            if draft.kind == EntityKind::Organization {
                self.take_leading_demonym(&mut draft);
            }
            out.push(draft);
            return;
        }
        // "THE MINISTRY": only generic words name no one in particular.
        if class == NameClass::Organization
            && name_key(text)
                .split(' ')
                .all(|w| w == "the" || GENERIC_ORGANIZATIONS.contains(&w))
            && range.len() > 1
        {
            return;
        }
        // "Leader", "President": a title alone names no one here.
        let generic = range.len() == 1 && GENERIC_ORGANIZATIONS.contains(&name_key(text).as_str());
        if self.kb.title(text).is_some() && !generic {
            return;
        }
        // Names the knowledge base does not know must look like names: not
        // only words the article also writes in lower case, and, in a
        // headline, confirmed by the body.
        if (range.clone()).all(|i| self.doc.seen_lower(self.word(i))) {
            return;
        }
        let last = name_key(self.word(range.end - 1));
        let kind = match class {
            // "Caravan Wire", "Zambezi Times": an outlet, whatever the tagger said.
            NameClass::Person if range.len() > 1 && OUTLET_WORDS.contains(&last.as_str()) => {
                EntityKind::Organization
            }
            NameClass::Person if range.len() == 1 && self.in_place_context(range.start) => {
                EntityKind::Place
            }
            NameClass::Person => EntityKind::Person,
            NameClass::Organization => EntityKind::Organization,
            NameClass::Location => EntityKind::Place,
            NameClass::Misc => {
                if GROUPS.contains(&name_key(text).as_str()) {
                    EntityKind::Group
                } else {
                    return;
                }
            }
        };
        let mut draft = Draft {
            tokens: range.clone(),
            kind,
            country: None,
            kb: None,
            sector: None,
        };
        if kind == EntityKind::Person {
            draft.country = self.nationality_before(range.start);
        }
        if kind == EntityKind::Organization {
            self.take_leading_head(&mut draft);
            self.take_leading_demonym(&mut draft);
            draft.country = self
                .leading_country(draft.tokens.clone())
                .or_else(|| self.leading_capital(draft.tokens.clone()));
            draft.sector = sector_of_name(&name_key(text))
                .or_else(|| OUTLET_WORDS.contains(&last.as_str()).then_some("MED"));
        }
        out.push(draft);
    }

    /// Words the tagger may take for a name that name no one: a month or
    /// weekday ("Sept.", "Mon"), a holiday or award alone ("Christmas",
    /// "Oscar"), "I've", a named storm, and names in the furniture
    /// of a story — the agency of a dateline ("BISHKEK, Sept 1 (Caravan
    /// Wire) —"), a byline ("By Jane Doe"; "Reporting by …") and a
    /// picture credit ("Photo: …").
    fn is_not_a_name(&self, range: &Range<usize>) -> bool {
        let first = name_key(self.word(range.start));
        let whole = self
            .doc
            .slice(range.clone())
            .to_lowercase()
            .replace('\u{2019}', "'");
        if NEVER_NAMES.contains(&whole.as_str()) {
            return true;
        }
        if range.len() == 1 {
            let word = first.trim_end_matches('.');
            let dated = self
                .doc
                .words
                .get(range.end)
                .is_some_and(|w| w.starts_with(|c: char| c.is_ascii_digit()));
            if WEEKDAYS.contains(&word)
                || DATE_ABBREVIATIONS.contains(&word)
                    && (self.word(range.start).ends_with('.') || dated)
            {
                return true;
            }
        }
        if range.len() > 1 && WEATHER_WORDS.contains(&first.as_str()) {
            return true;
        }
        let sentence = self.doc.sentence_of(range.start);
        let before = |k: usize| {
            range
                .start
                .checked_sub(k)
                .filter(|&i| i >= sentence.start)
                .map(|i| name_key(self.word(i)))
        };
        // "(Caravan Wire) —" in the first words of the body.
        let dash = |w: &str| matches!(w, "\u{2014}" | "\u{2013}" | "-" | "--");
        if before(1).as_deref() == Some("(")
            && self.doc.words.get(range.end) == Some(&")")
            && self.doc.words.get(range.end + 1).is_some_and(|w| dash(w))
            && range.start < self.doc.body_start + 16
        {
            return true;
        }
        // A byline: "By Jane Doe" opening its sentence; "Reporting by",
        // "Editing by", "Writing by".
        if before(1).as_deref() == Some("by")
            && (range.start - 1 == sentence.start
                || before(2).is_some_and(|w| {
                    matches!(w.as_str(), "reporting" | "editing" | "writing" | "compiled")
                }))
        {
            return true;
        }
        // "Photo: Jane Doe/Reuters", "Picture: AFP".
        (sentence.start..range.start).any(|i| {
            CREDIT_WORDS.contains(&name_key(self.word(i)).as_str())
                && self.doc.words.get(i + 1) == Some(&":")
        })
    }

    /// Whether a lone name at `i` stands where a place does: after "in",
    /// "near"…, or before "region", "province"… ("Kyrgyzstan's Batken region").
    fn in_place_context(&self, i: usize) -> bool {
        let sentence = self.doc.sentence_of(i);
        let after_preposition = i > sentence.start
            && PLACE_PREPOSITIONS.contains(&self.word(i - 1).to_lowercase().as_str());
        let before_noun = self
            .doc
            .words
            .get(i + 1)
            .filter(|_| i + 1 < sentence.end)
            .is_some_and(|w| PLACE_NOUNS.contains(&w.to_lowercase().as_str()));
        after_preposition || before_noun
    }

    /// Document-level consistency for places: a lone word the article uses
    /// as a place ("near Batken", "the Batken region") is that place where
    /// the tagger took it for a person ("between Batken and Isfara"),
    /// unless it is a word of someone's full name.
    fn places_read_as_people(&self, drafts: &mut [Draft]) {
        let places: std::collections::HashSet<String> = drafts
            .iter()
            .filter(|d| d.kind == EntityKind::Place && d.tokens.len() == 1)
            .map(|d| name_key(self.doc.slice(d.tokens.clone())))
            .collect();
        if places.is_empty() {
            return;
        }
        let name_words: std::collections::HashSet<String> = drafts
            .iter()
            .filter(|d| d.kind == EntityKind::Person && d.tokens.len() > 1)
            .flat_map(|d| self.person_words(d))
            .collect();
        for d in drafts.iter_mut() {
            if d.kind == EntityKind::Person && d.tokens.len() == 1 && d.kb.is_none() {
                let key = name_key(self.doc.slice(d.tokens.clone()));
                if places.contains(&key) && !name_words.contains(&key) {
                    d.kind = EntityKind::Place;
                }
            }
        }
    }

    /// Document-level consistency: a word of a full personal name is that
    /// person wherever it appears capitalized, whatever the tagger said.
    fn propagate_person_names(&self, drafts: &mut Vec<Draft>) {
        // Lower-case words (a set: a list made this quadratic in the number
        // of people on long documents).
        let mut name_words: std::collections::HashSet<String> = Default::default();
        for d in drafts.iter().filter(|d| d.kind == EntityKind::Person) {
            let words = self.person_words(d);
            if words.len() >= 2 {
                for w in words {
                    if w.chars().count() >= 3
                        && !name_words.contains(&w)
                        && self.kb.title(&w).is_none()
                    {
                        name_words.insert(w);
                    }
                }
            }
        }
        if name_words.is_empty() {
            return;
        }
        // The words are lower case, so an ASCII-case-blind match is a match
        // of the word's ASCII lower case.
        let is_name_word = |i: usize| -> bool {
            let w = self.word(i);
            w.starts_with(char::is_uppercase)
                && !self.doc.seen_lower(w)
                && name_words.contains(&w.to_ascii_lowercase())
        };
        // Places and organizations made only of a person's name words are that person.
        for d in drafts.iter_mut() {
            let linked_elsewhere = d.kb.is_some_and(|r| !matches!(r, KbRef::Actor(_)));
            if !linked_elsewhere
                && d.kind != EntityKind::Person
                && d.tokens.clone().all(is_name_word)
            {
                d.kind = EntityKind::Person;
                d.sector = None;
                d.country = None;
            }
        }
        let mut covered = vec![false; self.doc.words.len()];
        for d in drafts.iter() {
            for c in &mut covered[d.tokens.clone()] {
                *c = true;
            }
        }
        let mut i = 0;
        while i < covered.len() {
            if covered[i] || !is_name_word(i) {
                i += 1;
                continue;
            }
            let mut end = i + 1;
            while end < covered.len() && !covered[end] && is_name_word(end) {
                end += 1;
            }
            drafts.push(Draft {
                tokens: i..end,
                kind: EntityKind::Person,
                country: None,
                kb: None,
                sector: None,
            });
            i = end;
        }
    }

    /// "Ministry of" + "Foreign Affairs": a capitalized institution word and
    /// "of"/"for" right before an organization's name belong to it.
    fn take_leading_head(&self, draft: &mut Draft) {
        const HEADS: &[&str] = &[
            "Ministry",
            "Department",
            "Council",
            "Bank",
            "University",
            "Court",
            "Commission",
            "Committee",
            "Office",
            "Institute",
            "Agency",
            "Secretariat",
            "Directorate",
            "Bureau",
            "Board",
            "Academy",
            "Federation",
            "Union",
            "League",
            "Party",
        ];
        let start = draft.tokens.start;
        let sentence = self.doc.sentence_of(start);
        if start >= sentence.start + 2
            && matches!(self.word(start - 1), "of" | "for")
            && HEADS.contains(&self.word(start - 2))
        {
            draft.tokens = start - 2..draft.tokens.end;
        }
    }

    /// "Australian Sister Moira Lynch", "Italian Brother Raniero Iacomella":
    /// the country of a demonym before a person the knowledge base does not
    /// know, with at most two capitalized words (a form of address) between.
    /// A title between ("Israeli President …") is a role's business.
    fn nationality_before(&self, start: usize) -> Option<usize> {
        let floor = self.doc.sentence_of(start).start;
        for at in (floor..start).rev().take(3) {
            let word = self.word(at);
            if let Some(country) = self.demonym_country(word) {
                return Some(country);
            }
            if !word.starts_with(char::is_uppercase) || self.kb.title(word).is_some() {
                return None;
            }
        }
        None
    }

    /// The country a demonym names ("Iranian" is IRN).
    fn demonym_country(&self, word: &str) -> Option<usize> {
        self.kb.lookup(word).iter().find_map(|r| match r {
            KbRef::Demonym(c) => Some(*c),
            _ => None,
        })
    }

    /// "Iranian" + "Foreign Ministry", "Russian" + "Duma": a demonym right
    /// before an organization's name belongs to it.
    fn take_leading_demonym(&self, draft: &mut Draft) {
        let start = draft.tokens.start;
        let Some(before) = start.checked_sub(1) else {
            return;
        };
        if before < self.doc.sentence_of(start).start {
            return;
        }
        if let Some(country) = self.demonym_country(self.word(before)) {
            if draft.country.is_none_or(|c| c == country) {
                draft.tokens = before..draft.tokens.end;
                draft.country = Some(country);
            }
        }
    }

    /// Headlines capitalize every word, so a headline name the knowledge
    /// base does not know stays only if the body names it the same way (a
    /// person also by one word of the full name).
    fn drop_unconfirmed_headline_names(&self, drafts: &mut Vec<Draft>) {
        let body: Vec<(EntityKind, String)> = drafts
            .iter()
            .filter(|d| !self.is_title_case_context(&d.tokens))
            .map(|d| (d.kind, name_key(self.doc.slice(d.tokens.clone()))))
            .collect();
        drafts.retain(|d| {
            if !self.is_title_case_context(&d.tokens) || d.kb.is_some() {
                return true;
            }
            let key = name_key(self.doc.slice(d.tokens.clone()));
            body.iter().any(|(kind, body_key)| {
                *body_key == key
                    || (*kind == EntityKind::Person
                        && d.kind == EntityKind::Person
                        && key.split(' ').all(|w| body_key.split(' ').any(|b| b == w)))
            })
        });
    }

    /// The country of a demonym or country name opening `range`.
    fn leading_country(&self, range: Range<usize>) -> Option<usize> {
        let first = self.word(range.start);
        self.kb.lookup(first).iter().find_map(|r| match r {
            KbRef::Demonym(c) | KbRef::Country(c) => Some(*c),
            _ => None,
        })
    }

    /// The country of a capital opening an organization's longer name
    /// ("London Stock Exchange", "Tokyo Electric Power"): a body named
    /// after its capital is of that country.
    fn leading_capital(&self, range: Range<usize>) -> Option<usize> {
        if range.len() < 2 {
            return None;
        }
        self.kb
            .lookup(self.word(range.start))
            .iter()
            .find_map(|r| match r {
                KbRef::Capital(c) => Some(*c),
                _ => None,
            })
    }

    fn draft_from_kb(
        &self,
        range: Range<usize>,
        refs: &[KbRef],
        class: NameClass,
    ) -> Option<Draft> {
        let draft = |kind, country, kb, sector| Draft {
            tokens: range.clone(),
            kind,
            country,
            kb,
            sector,
        };
        let pick = |want: fn(&KbRef) -> bool| refs.iter().copied().find(want);
        if let Some(r @ KbRef::Country(c)) = pick(|r| matches!(r, KbRef::Country(_))) {
            return Some(draft(EntityKind::Country, Some(c), Some(r), None));
        }
        if let Some(r @ KbRef::Demonym(c)) = pick(|r| matches!(r, KbRef::Demonym(_))) {
            let text = self.doc.slice(range.clone());
            let people = text.ends_with('s')
                && self.kb.countries[c]
                    .demonyms
                    .iter()
                    .any(|d| d.len() + 1 == text.len() && text.starts_with(d.as_str()));
            let kind = if people {
                EntityKind::Group
            } else {
                EntityKind::Country
            };
            return Some(draft(kind, Some(c), Some(r), None));
        }
        if let Some(r @ KbRef::Seat(c)) = pick(|r| matches!(r, KbRef::Seat(_))) {
            return Some(draft(EntityKind::Country, Some(c), Some(r), Some("GOV")));
        }
        if let Some(r @ KbRef::Capital(c)) = pick(|r| matches!(r, KbRef::Capital(_))) {
            let locative = range.start > 0
                && LOCATIVE.contains(&self.word(range.start - 1).to_lowercase().as_str());
            // "VIENNA — …": a dateline names where the story was filed.
            let dateline = self
                .doc
                .words
                .get(range.end)
                .is_some_and(|w| matches!(*w, "\u{2014}" | "\u{2013}" | "-" | "--"))
                && range.start == self.doc.sentence_of(range.start).start;
            let locative = locative || dateline;
            if locative || class == NameClass::Person {
                return Some(draft(EntityKind::Place, Some(c), Some(r), None));
            }
            // Metonymy: "Tehran said", "ties between Tehran and Moscow".
            return Some(draft(EntityKind::Country, Some(c), Some(r), Some("GOV")));
        }
        if let Some(r @ KbRef::Organization(o)) = pick(|r| matches!(r, KbRef::Organization(_))) {
            let org = &self.kb.organizations[o];
            let country = org.country.as_deref().and_then(|c| self.country_index(c));
            let sector = org.sector.as_deref().and_then(known_sector);
            return Some(draft(EntityKind::Organization, country, Some(r), sector));
        }
        if let Some(r @ KbRef::Person(p)) = pick(|r| matches!(r, KbRef::Person(_))) {
            let p = self.term_on_date(p);
            let country = self.kb.officeholders[p]
                .country
                .as_deref()
                .and_then(|c| self.country_index(c));
            return Some(draft(EntityKind::Person, country, Some(r), Some("GOV")));
        }
        if let Some(r @ KbRef::Actor(a)) = pick(|r| matches!(r, KbRef::Actor(_))) {
            let kind = match class {
                NameClass::Person => EntityKind::Person,
                NameClass::Location => EntityKind::Place,
                _ => EntityKind::Organization,
            };
            let code = self.kb.actors[a].code_on(self.date_number());
            let country = code
                .and_then(|c| c.get(..3))
                .and_then(|c| self.country_index(c));
            let sector = code.and_then(|c| c.get(3..6)).and_then(known_sector);
            return Some(draft(kind, country, Some(r), sector));
        }
        None
    }

    fn country_index(&self, code: &str) -> Option<usize> {
        let country = self.kb.country(code)?;
        self.kb
            .countries
            .iter()
            .position(|c| std::ptr::eq(c, country))
    }

    fn date_number(&self) -> Option<u32> {
        date_key(self.date?, false)
    }

    /// Countries, seats and known organizations the tagger missed.
    fn add_gazetteer_matches(&self, drafts: &mut Vec<Draft>) {
        let mut covered = vec![false; self.doc.words.len()];
        for d in drafts.iter() {
            for c in &mut covered[d.tokens.clone()] {
                *c = true;
            }
        }
        let bits = self.gazetteer;
        let mut i = 0;
        while i < bits.len() {
            if bits[i] & class::FIRST == 0 || covered[i] {
                i += 1;
                continue;
            }
            let mut end = i + 1;
            // A name never runs from the title into the body.
            while end < bits.len()
                && end != self.doc.body_start
                && bits[end] != 0
                && bits[end] & class::FIRST == 0
            {
                end += 1;
            }
            let range = i..end;
            i = end;
            if range.clone().any(|t| covered[t]) {
                continue;
            }
            let text = self.doc.slice(range.clone());
            let refs = self.kb.lookup(text);
            let strong = refs.iter().any(|r| {
                matches!(
                    r,
                    KbRef::Country(_) | KbRef::Demonym(_) | KbRef::Seat(_) | KbRef::Capital(_)
                )
            }) || (range.len() > 1
                || text.chars().filter(|c| c.is_uppercase()).count() >= 2)
                && refs
                    .iter()
                    .any(|r| matches!(r, KbRef::Organization(_) | KbRef::Person(_)))
                // A capitalized name the knowledge base lists as a person's
                // alias: a surname the corpus registry learned ("Korvalainen
                // met…"), which the tagger may miss at the start of a sentence.
                || text.starts_with(char::is_uppercase)
                    && text.chars().count() > 3
                    && refs.iter().any(|r| matches!(r, KbRef::Person(_)));
            if !strong {
                continue;
            }
            let class = if refs.iter().any(|r| matches!(r, KbRef::Person(_))) {
                NameClass::Person
            } else {
                NameClass::Location
            };
            if let Some(draft) = self.draft_from_kb(range, refs, class) {
                drafts.push(draft);
            }
        }
    }

    /// Mentions into entities. Every lookup goes through an index (names by
    /// key, people by name word, organizations by core word, mention starts
    /// per cluster), so the time grows with the number of mentions, not
    /// with its square.
    fn merge(&self, drafts: &[Draft]) -> Vec<Cluster> {
        let mut clusters: Vec<Cluster> = Vec::new();
        let mut by_key: HashMap<String, usize> = HashMap::new();
        // The key each cluster was made under (one each).
        let mut key_of: Vec<String> = Vec::new();
        let mut acronyms: HashMap<String, usize> = HashMap::new();
        let mut assigned = vec![None; drafts.len()];
        // Person clusters by each word their names ever had.
        let mut people_by_word: HashMap<String, Vec<usize>> = HashMap::new();
        // Organization mentions placed so far, by each word of their core
        // name, in mention order: (mention, cluster).
        let mut organizations_by_word: HashMap<String, Vec<(usize, usize)>> = HashMap::new();
        // The latest cluster whose `org:` key ends in ":{suffix}", by suffix.
        let mut latest_org_by_suffix: HashMap<String, usize> = HashMap::new();
        let core_key = |d: &Draft| -> String {
            let text = self.doc.slice(d.tokens.clone());
            let mut key = name_key(text);
            if d.country.is_some() && self.leading_country(d.tokens.clone()).is_some() {
                key = key
                    .split_once(' ')
                    .map_or(key.clone(), |(_, rest)| rest.to_string());
            }
            normalize_ministry(&key)
        };
        fn index_person(index: &mut HashMap<String, Vec<usize>>, words: &[String], c: usize) {
            for w in words {
                let list = index.entry(w.clone()).or_default();
                if list.last() != Some(&c) {
                    list.push(c);
                }
            }
        }
        // Records that mention `$index` went to cluster `$c`.
        macro_rules! place {
            ($index:expr, $c:expr) => {{
                let (index, c): (usize, usize) = ($index, $c);
                assigned[index] = Some(c);
                clusters[c].drafts.push(index);
                if drafts[index].kind == EntityKind::Organization {
                    for w in core_key(&drafts[index]).split(' ') {
                        organizations_by_word
                            .entry(w.to_string())
                            .or_default()
                            .push((index, c));
                    }
                }
                let key = &key_of[c];
                if key.starts_with("org:") {
                    for (at, _) in key.match_indices(':') {
                        latest_org_by_suffix.insert(key[at + 1..].to_string(), c);
                    }
                }
            }};
        }
        // Pass 1: everything except single-word people.
        for (index, d) in drafts.iter().enumerate() {
            if d.kind == EntityKind::Person && self.person_words(d).len() < 2 {
                continue;
            }
            let key = match (d.kind, d.kb) {
                (EntityKind::Country, _) => format!("country:{}", d.country.unwrap_or(usize::MAX)),
                (_, Some(KbRef::Organization(o))) => format!("org:{o}"),
                (EntityKind::Organization, _) => {
                    let core = core_key(d);
                    if let Some(&c) = acronyms.get(&core) {
                        place!(index, c);
                        continue;
                    }
                    if GENERIC_ORGANIZATIONS.contains(&core.as_str()) {
                        // "the Ministry" is the latest ministry named before it.
                        let latest = organizations_by_word.get(&core).and_then(|placed| {
                            placed.iter().rev().find_map(|&(_, c)| {
                                let same_country = d.country.is_none_or(|country| {
                                    clusters[c].country.is_none_or(|other| other == country)
                                });
                                same_country.then_some(c)
                            })
                        });
                        if let Some(c) = latest {
                            place!(index, c);
                            continue;
                        }
                    }
                    match d.country {
                        Some(country) => format!("org:{country}:{core}"),
                        None => {
                            // "the Foreign Ministry" after "the Russian Foreign Ministry".
                            let earlier =
                                latest_org_by_suffix.get(&core).map(|&c| key_of[c].clone());
                            earlier.unwrap_or(format!("org::{core}"))
                        }
                    }
                }
                (EntityKind::Person, _) => {
                    let words = self.person_words(d);
                    let mut candidates: Vec<usize> = words
                        .iter()
                        .filter_map(|w| people_by_word.get(w))
                        .flatten()
                        .copied()
                        .collect();
                    candidates.sort_unstable();
                    candidates.dedup();
                    let found = candidates.into_iter().find(|&c| {
                        let c = &clusters[c];
                        c.kind == Some(EntityKind::Person)
                            && (contains_all(&c.name_tokens, &words)
                                || contains_all(&words, &c.name_tokens))
                    });
                    if let Some(c) = found {
                        if words.len() > clusters[c].name_tokens.len() {
                            index_person(&mut people_by_word, &words, c);
                            clusters[c].name_tokens = words;
                        }
                        place!(index, c);
                        continue;
                    }
                    format!("person:{}", words.join(" "))
                }
                (kind, _) => format!("{kind:?}:{}", name_key(self.doc.slice(d.tokens.clone()))),
            };
            let c = match by_key.get(&key) {
                Some(&c) => c,
                None => {
                    clusters.push(Cluster {
                        kind: Some(d.kind),
                        country: d.country,
                        sector: d.sector,
                        ..Cluster::default()
                    });
                    key_of.push(key.clone());
                    by_key.insert(key, clusters.len() - 1);
                    clusters.len() - 1
                }
            };
            if d.kind == EntityKind::Person && clusters[c].name_tokens.is_empty() {
                clusters[c].name_tokens = self.person_words(d);
            }
            if clusters[c].kind == Some(EntityKind::Person) {
                index_person(&mut people_by_word, &clusters[c].name_tokens, c);
            }
            if clusters[c].country.is_none() {
                clusters[c].country = d.country;
            }
            if clusters[c].sector.is_none() {
                clusters[c].sector = d.sector;
            }
            if let Some(KbRef::Person(p)) = d.kb {
                clusters[c].kb_person = Some(p);
            }
            place!(index, c);
            // "Iranian Red Crescent Society (IRCS)": the acronym joins the name.
            if d.kind == EntityKind::Organization {
                if let Some(acronym) = self.parenthesized_acronym(d.tokens.end) {
                    acronyms.insert(name_key(acronym), c);
                }
                // "Agence France Presse" … "AFP": a later acronym of three
                // or more letters that spells the name's initials is it.
                let text = self.doc.slice(d.tokens.clone());
                let spelled = initials(text);
                if d.tokens.len() >= 3 && spelled.len() >= 3 && is_acronym(&spelled) {
                    acronyms.entry(name_key(&spelled)).or_insert(c);
                }
            }
        }
        // Pass 2: single-word people join the nearest person whose name has
        // the word: the nearest mention before, else the nearest after.
        let mut starts: Vec<std::collections::BTreeSet<usize>> = clusters
            .iter()
            .map(|c| c.drafts.iter().map(|&j| drafts[j].tokens.start).collect())
            .collect();
        for (index, d) in drafts.iter().enumerate() {
            if assigned[index].is_some() {
                continue;
            }
            let words = self.person_words(d);
            let Some(word) = words.first() else { continue };
            let position = d.tokens.start;
            let mut candidates: Vec<usize> = people_by_word.get(word).cloned().unwrap_or_default();
            candidates.sort_unstable();
            candidates.dedup();
            let mut best: Option<(usize, usize)> = None;
            for c in candidates {
                let cluster = &clusters[c];
                if cluster.kind != Some(EntityKind::Person) || !cluster.name_tokens.contains(word) {
                    continue;
                }
                // Prefer an earlier full mention over a later one.
                let before = starts[c]
                    .range(..=position)
                    .next_back()
                    .map(|s| position - s);
                let after = || {
                    starts[c]
                        .range(position + 1..)
                        .next()
                        .map(|s| (s - position) + 1_000_000)
                };
                let distance = before.or_else(after).unwrap_or(usize::MAX);
                if best.is_none_or(|(_, b)| distance < b) {
                    best = Some((c, distance));
                }
            }
            let c = match best {
                Some((c, _)) => c,
                None => {
                    let key = format!("person:{word}");
                    match by_key.get(&key) {
                        Some(&c) => c,
                        None => {
                            clusters.push(Cluster {
                                kind: Some(EntityKind::Person),
                                name_tokens: words.clone(),
                                country: d.country,
                                ..Cluster::default()
                            });
                            starts.push(Default::default());
                            key_of.push(key.clone());
                            by_key.insert(key, clusters.len() - 1);
                            index_person(&mut people_by_word, &words, clusters.len() - 1);
                            clusters.len() - 1
                        }
                    }
                }
            };
            assigned[index] = Some(c);
            clusters[c].drafts.push(index);
            starts[c].insert(position);
        }
        for cluster in &mut clusters {
            cluster
                .drafts
                .sort_by_key(|&j| (drafts[j].tokens.start, drafts[j].tokens.end));
        }
        self.link_officeholders(&mut clusters, drafts);
        self.assign_roles(&mut clusters, drafts, &assigned);
        self.add_role_noun_mentions(&mut clusters, drafts);
        clusters
    }

    /// Lower-case words of a person's name, without titles such as "Mr.".
    fn person_words(&self, d: &Draft) -> Vec<String> {
        d.tokens
            .clone()
            .map(|i| self.word(i))
            .filter(|w| !is_title_abbreviation(w))
            .map(|w| w.to_lowercase().replace('\u{2019}', "'"))
            .collect()
    }

    /// The acronym in "(IRCS)" right after token `end`.
    fn parenthesized_acronym(&self, end: usize) -> Option<&'a str> {
        let words = &self.doc.words;
        if words.get(end) == Some(&"(") && words.get(end + 2) == Some(&")") {
            let acronym = words[end + 1];
            let upper = acronym.chars().filter(|c| c.is_uppercase()).count();
            if upper >= 2
                && acronym
                    .chars()
                    .all(|c| c.is_alphanumeric() || c == '.' || c == '-')
            {
                return Some(acronym);
            }
        }
        None
    }

    /// Office holders of the knowledge base matching a person's name: their
    /// country when the text gives none.
    fn link_officeholders(&self, clusters: &mut [Cluster], drafts: &[Draft]) {
        for cluster in clusters.iter_mut() {
            if cluster.kind != Some(EntityKind::Person) || cluster.kb_person.is_some() {
                continue;
            }
            let full = cluster.name_tokens.join(" ");
            let linked = cluster.drafts.iter().find_map(|&j| {
                let text = self.doc.slice(drafts[j].tokens.clone());
                self.kb.lookup(text).iter().find_map(|r| match r {
                    KbRef::Person(p) => Some(*p),
                    _ => None,
                })
            });
            cluster.kb_person = linked.or_else(|| {
                (cluster.name_tokens.len() >= 2)
                    .then(|| {
                        self.kb.lookup_key(&full).iter().find_map(|r| match r {
                            KbRef::Person(p) => Some(*p),
                            _ => None,
                        })
                    })
                    .flatten()
            });
            if let Some(p) = cluster.kb_person {
                let p = self.term_on_date(p);
                if cluster.country.is_none() {
                    cluster.country = self.kb.officeholders[p]
                        .country
                        .as_deref()
                        .and_then(|c| self.country_index(c));
                }
            }
        }
    }

    /// The office holders' rows for a person (all their terms).
    /// Of the rows for the person of row `person`, the one whose term holds
    /// the publication date, else the one nearest it (a former or future
    /// office-holder is known by the office of that time), else `person`:
    /// Prodi in 1996 is Italy's prime minister, not yet the Commission's head.
    fn term_on_date(&self, person: usize) -> usize {
        let Some(date) = self.date_number() else {
            return person;
        };
        let name = &self.kb.officeholders[person].name;
        let bound = |value: Option<&String>, open_end: bool| date_key(value?, open_end);
        self.kb
            .officeholders
            .iter()
            .enumerate()
            .filter(|(_, h)| &h.name == name)
            .min_by_key(|(i, h)| {
                let start = bound(h.start.as_ref(), false).unwrap_or(0);
                let end = bound(h.end.as_ref(), true).unwrap_or(u32::MAX);
                let distance = start.saturating_sub(date).max(date.saturating_sub(end));
                (distance, *i)
            })
            .map_or(person, |(i, _)| i)
    }

    fn terms_of(&self, person: usize) -> impl Iterator<Item = &crate::kb::OfficeHolder> {
        let name = &self.kb.officeholders[person].name;
        self.kb
            .officeholders
            .iter()
            .filter(move |h| &h.name == name)
    }

    /// The country a story is about, for officials the text gives a national
    /// title but no country ("Interior Minister Jan Nowak said"): the
    /// dateline's ("WARSAW, Sept 4 —"), else a country named at least twice
    /// and twice as often as any other.
    fn home_country(&self, clusters: &[Cluster]) -> Option<usize> {
        let filed_in = self
            .dateline
            .and_then(|place| self.kb.dateline_country(place));
        if filed_in.is_some() {
            return filed_in;
        }
        let start = self.doc.body_start;
        let words = &self.doc.words;
        // A dateline is one to three capitalized words opening the body,
        // then a comma, dash or parenthesis.
        let dateline = (1..=3).find_map(|n| {
            let end = start + n;
            let after = *words.get(end)?;
            if !matches!(after, "," | "\u{2014}" | "\u{2013}" | "-" | "--" | "(") {
                return None;
            }
            if !(start..end).all(|k| words[k].starts_with(char::is_uppercase)) {
                return None;
            }
            self.kb
                .lookup(self.doc.slice(start..end))
                .iter()
                .find_map(|r| match r {
                    KbRef::Capital(c) | KbRef::Country(c) | KbRef::Seat(c) => Some(*c),
                    _ => None,
                })
        });
        if dateline.is_some() {
            return dateline;
        }
        // Every mention of something of a known country votes for it: the
        // country itself, its parties, bodies and known office holders
        // ("Labour", "the Home Office", "Tony Blair" for the United Kingdom),
        // so a story that names its country's institutions but not the
        // country still has one.
        let mut votes: HashMap<usize, usize> = HashMap::new();
        for cluster in clusters {
            if let Some(country) = cluster.country {
                *votes.entry(country).or_default() += cluster.drafts.len();
            }
        }
        let mut counts: Vec<(usize, usize)> = votes.into_iter().map(|(c, n)| (n, c)).collect();
        counts.sort_unstable_by(|a, b| b.cmp(a));
        match counts.as_slice() {
            [(n, country)] if *n >= 2 => Some(*country),
            [(n, country), (m, _), ..] if *n >= 2 && *n >= 2 * m => Some(*country),
            _ => None,
        }
    }

    fn assign_roles(&self, clusters: &mut [Cluster], drafts: &[Draft], assigned: &[Option<usize>]) {
        let home = self.home_country(clusters);
        // The first draft ending at each token.
        let mut first_ending_at: HashMap<usize, usize> = HashMap::new();
        for (j, d) in drafts.iter().enumerate() {
            first_ending_at.entry(d.tokens.end).or_insert(j);
        }
        let owner_of = |token_end: usize| -> Option<usize> {
            first_ending_at.get(&token_end).copied().filter(|&j| {
                matches!(
                    drafts[j].kind,
                    EntityKind::Country | EntityKind::Organization
                )
            })
        };
        for c in 0..clusters.len() {
            if clusters[c].kind != Some(EntityKind::Person) {
                continue;
            }
            let mut roles = Vec::new();
            for &j in &clusters[c].drafts {
                let mention = drafts[j].tokens.clone();
                if let Some(role) =
                    self.title_before(mention.clone(), &owner_of, drafts, assigned, clusters)
                {
                    roles.push(role);
                }
                if let Some(role) =
                    self.appositive_title(mention, &owner_of, drafts, assigned, clusters)
                {
                    roles.push(role);
                }
            }
            // A form of address ("Dr.") is no office.
            roles.retain(|r: &RoleDraft| !FORMS_OF_ADDRESS.contains(&r.title.as_str()));
            // A role's country from the knowledge base when the text names none.
            // The term of the article's date first: the fallback when no
            // title matches.
            let known: Vec<(String, Option<String>)> = clusters[c]
                .kb_person
                .map(|p| {
                    let current = &self.kb.officeholders[self.term_on_date(p)];
                    std::iter::once(current)
                        .chain(self.terms_of(p))
                        .map(|h| (h.title.clone(), h.country.clone()))
                        .collect()
                })
                .unwrap_or_default();
            // "dignitaries including Bill Clinton, the King of Belgium": a
            // known office holder heads no other country's state than those
            // the knowledge base gives them; such a title is a list's next
            // item.
            if !known.is_empty() {
                roles.retain(|r| {
                    r.rank > 1
                        || r.country.is_none_or(|c| {
                            known.iter().any(|(_, k)| {
                                k.as_deref() == Some(self.kb.countries[c].code.as_str())
                            })
                        })
                });
            }
            for role in &mut roles {
                // A junior military rank in lower case, held for no armed
                // body, is a team's or a ship's ("Ireland captain", "stand-in
                // captain"): it tells no sector, and no state.
                if role.sector == Some("MIL")
                    && role.lower_case
                    && role.rank >= 3
                    && role.organization_sector.is_none()
                {
                    role.sector = None;
                    role.sporting = true;
                }
            }
            // A country the text gives one of this person's roles ("Nigerian
            // Deputy Foreign Minister Chidi Okafor") is theirs before the
            // story's: the headline's bare "Minister Okafor" is the same man.
            let stated = roles.iter().find_map(|r| r.country);
            for role in &mut roles {
                if role.country.is_none() {
                    let from_kb = known
                        .iter()
                        .find(|(title, _)| *title == role.title)
                        .or(known.first())
                        .and_then(|(_, country)| country.as_deref())
                        .and_then(|code| self.country_index(code));
                    // A national title held for no named country is the
                    // story's country's ("Interior Minister Jan Nowak"); so
                    // is a government title held for a body of no known
                    // country ("Trade and Industry Secretary", "chairman of
                    // the public accounts committee"): a national body the
                    // story names without its country. A body of no known
                    // sector is a state's only by a capitalized office, not
                    // "the leader of the BNP"; an international body's
                    // ("United Nations Special Commission") never.
                    let national = !role.sporting
                        && !role.international_body
                        && role.sector.is_some()
                        && !role
                            .of
                            .as_deref()
                            .is_some_and(|of| self.names_international_body(of))
                        && (role.of.is_none() && role.organization_sector.is_none()
                            || role.sector.is_some_and(is_civil_state_sector)
                                && match role.organization_sector {
                                    Some(sector) => is_state_sector(sector),
                                    None => !role.lower_case,
                                });
                    role.country = from_kb.or(clusters[c].country).or(stated);
                    if role.country.is_none() && national && clusters[c].kb_person.is_none() {
                        // A body named without its country ("Foreign Ministry
                        // spokesman") is that of the country the text has just
                        // named ("Belarus condemned the sanctions."), else the
                        // story's.
                        let just_named = role.of.as_ref().and_then(|_| {
                            self.country_named_just_before(role.evidence.start, drafts)
                        });
                        role.country = just_named.or(home);
                        // A lower-case title after a body the text names but
                        // the knowledge base does not know ("Balco president
                        // Victor Conte", "PCS leader") is held in the story's
                        // country, for that body: its sector is not the
                        // title's ("president" of a company is no GOV).
                        if role.body_before {
                            role.sector = role.party_body.then_some("PTY");
                        }
                    }
                    if role.of.is_none() {
                        role.of = role.country.map(|i| self.kb.countries[i].code.clone());
                    }
                }
            }
            // The Pope and his nuncios serve the Holy See, wherever they are
            // posted and whatever country the story is about.
            let holy_see = self.country_index("VAT");
            let mut serves_holy_see = false;
            for role in &mut roles {
                if HOLY_SEE_OFFICES.contains(&role.title.as_str()) && holy_see.is_some() {
                    role.country = holy_see;
                    role.of = Some("VAT".to_string());
                    serves_holy_see = true;
                }
            }
            let cluster = &mut clusters[c];
            if serves_holy_see {
                cluster.country = holy_see;
            }
            if cluster.country.is_none() {
                cluster.country = roles.iter().find_map(|r| r.country);
            }
            let for_organization = roles
                .iter()
                .filter(|r| r.organization_sector.is_some())
                .min_by_key(|r| r.rank);
            let senior = roles
                .iter()
                .filter(|r| r.sector.is_some())
                .min_by_key(|r| r.rank);
            if let Some(role) = for_organization {
                cluster.sector = role.organization_sector;
            } else if let Some(role) = senior {
                cluster.sector = role.sector;
            } else if cluster.kb_person.is_some() {
                cluster.sector = Some("GOV");
            }
            cluster.roles = roles;
        }
    }

    /// "Iranian Deputy Foreign Minister Abbas Araghchi", "FM Araghchi".
    fn title_before(
        &self,
        mention: Range<usize>,
        owner_of: &impl Fn(usize) -> Option<usize>,
        drafts: &[Draft],
        assigned: &[Option<usize>],
        clusters: &[Cluster],
    ) -> Option<RoleDraft> {
        let sentence = self.doc.sentence_of(mention.start);
        let mut start = mention.start;
        while start > sentence.start && is_title_abbreviation(self.word(start - 1)) {
            start -= 1;
        }
        // "Washington's special envoy, Helen Marsh": a comma may stand between.
        let mut after_comma = false;
        if start > sentence.start + 1 && self.word(start - 1) == "," {
            let before = start - 1;
            let titled = (1..=5).any(|k| {
                before
                    .checked_sub(k)
                    .filter(|&f| f >= sentence.start)
                    .is_some_and(|f| self.kb.title(self.doc.slice(f..before)).is_some())
            });
            if titled {
                start = before;
                after_comma = true;
            }
        }
        let (title_range, title) = (1..=5).rev().find_map(|k| {
            let from = start.checked_sub(k).filter(|&f| f >= sentence.start)?;
            if self.doc.tokens[from..start]
                .iter()
                .any(|t| t.start < self.doc.tokens[from].start)
            {
                return None;
            }
            let phrase = self.doc.slice(from..start);
            let title = self.kb.title(phrase)?;
            // A lower-case title before a name is part of a sentence, not a
            // title ("said spokesman X" is fine, "the president X" too).
            Some((from..start, title))
        })?;
        // "…, Hodgson, King, Wilkinson": a capitalized word in a list of
        // names is a name; so is one the tagger read as part of a name.
        let listed = start < mention.start
            && (title_range.start == sentence.start || self.word(title_range.start - 1) == ",");
        if listed || self.inside_name(drafts, title_range.clone()) {
            return None;
        }
        if self.title_is_no_apposition(title_range.clone(), mention.end, after_comma) {
            return None;
        }
        let mut role = self.role_from_title(title, title_range.clone());
        role.evidence = title_range.start..mention.end;
        if role.lower_case {
            let mut at = title_range.start;
            while at > sentence.start
                && matches!(
                    self.word(at - 1).to_lowercase().as_str(),
                    "former" | "acting" | "then" | "ex"
                )
            {
                at -= 1;
            }
            role.body_before = at > sentence.start + 1
                && (self.word(at - 1).starts_with(char::is_uppercase) || self.word(at - 1) == ")");
            if role.body_before {
                // The body's name: the capitalized words before the title,
                // or before a parenthesized acronym ("World Anti-Doping
                // Agency (WADA) chief").
                let mut end = at;
                if self.word(at - 1) == ")" {
                    end = (sentence.start..at - 1)
                        .rev()
                        .take(4)
                        .find(|&i| self.word(i) == "(")
                        .unwrap_or(at);
                }
                let mut from = end;
                while from > sentence.start && self.word(from - 1).starts_with(char::is_uppercase) {
                    from -= 1;
                }
                role.international_body =
                    from < end && self.names_international_body(self.doc.slice(from..end));
                role.party_body = (from..end).any(|i| is_party_word(self.word(i)));
            }
        }
        self.attach_owner(
            &mut role,
            title_range.start,
            sentence.start,
            owner_of,
            drafts,
            assigned,
            clusters,
        );
        // "King Birendra of Nepal", "President Mubarak of Egypt": the country
        // may follow the name.
        if role.country.is_none()
            && mention.end + 1 < sentence.end
            && self.word(mention.end) == "of"
        {
            let at = drafts.partition_point(|d| d.tokens.start < mention.end + 1);
            if let Some(owner) = drafts
                .get(at)
                .filter(|d| d.tokens.start == mention.end + 1 && d.kind == EntityKind::Country)
                .map(|_| at)
            {
                self.set_owner(&mut role, owner, drafts, assigned, clusters);
                role.evidence.end = role.evidence.end.max(drafts[owner].tokens.end);
            }
        }
        Some(role)
    }

    /// The last country named before token `at` in its sentence or the one
    /// before.
    fn country_named_just_before(&self, at: usize, drafts: &[Draft]) -> Option<usize> {
        let sentence = self.doc.sentence_of(at);
        let floor = if sentence.start > 0 {
            self.doc.sentence_of(sentence.start - 1).start
        } else {
            sentence.start
        };
        let high = drafts.partition_point(|d| d.tokens.start < at);
        drafts[..high]
            .iter()
            .rev()
            .take_while(|d| d.tokens.start >= floor)
            .find(|d| d.kind == EntityKind::Country && d.tokens.end <= at)
            .and_then(|d| d.country)
    }

    /// Whether an organization's name says it is international: it opens
    /// with the name of an international body of the knowledge base ("United
    /// Nations Special Commission", "EU Trade") or names the world or a
    /// continent ("World Anti-Doping Agency", "International Rugby Board").
    fn names_international_body(&self, name: &str) -> bool {
        let words: Vec<&str> = name.split_whitespace().collect();
        if words.iter().any(|w| {
            matches!(
                *w,
                "International"
                    | "World"
                    | "Global"
                    | "European"
                    | "Europe"
                    | "African"
                    | "Asian"
                    | "Arab"
                    | "Islamic"
                    | "Commonwealth"
            )
        }) {
            return true;
        }
        (1..=words.len().min(3)).any(|k| {
            self.kb
                .lookup(&words[..k].join(" "))
                .iter()
                .any(|r| match r {
                    KbRef::Organization(o) => self.kb.organizations[*o].country.is_none(),
                    _ => false,
                })
        })
    }

    /// Whether the title words before a name are something else: a verb
    /// ("to powerfully head Lampard's corner", "will chair Smith's
    /// inquiry"), or, across a comma, the end of a phrase the name does not
    /// stand beside ("questioning from a federal prosecutor, Mr Sullivan
    /// has said").
    fn title_is_no_apposition(
        &self,
        title: Range<usize>,
        name_end: usize,
        after_comma: bool,
    ) -> bool {
        let floor = self.doc.sentence_of(title.start).start;
        let lower = title
            .clone()
            .all(|i| !self.word(i).starts_with(char::is_uppercase));
        if lower && title.start > floor {
            let before = self.word(title.start - 1);
            let verb_context = matches!(
                before,
                "to" | "will"
                    | "would"
                    | "could"
                    | "can"
                    | "may"
                    | "might"
                    | "should"
                    | "must"
                    | "did"
                    | "does"
                    | "do"
                    // "If he became king, Charles would …": the office is
                    // the complement of the verb, not a title of the name.
                    | "became"
                    | "become"
                    | "becomes"
                    | "becoming"
                    | "crowned"
            ) || (before.len() > 4
                && before.ends_with("ly")
                && before.chars().all(|c| c.is_lowercase()));
            if verb_context {
                return true;
            }
        }
        // A name that goes on into its own clause ("…, Mr Sullivan has said")
        // is no apposition of a title inside a phrase before it; one set off
        // by commas ("a letter to the foreign minister, Abbas Araghchi, on
        // Monday") is.
        let clause = name_end < self.doc.words.len()
            && !matches!(self.word(name_end), "," | "." | ";" | ":" | ")");
        if after_comma && clause {
            // The words before the title, back to a clause boundary.
            let mut i = title.start;
            let mut steps = 0;
            while i > floor && steps < 4 {
                i -= 1;
                steps += 1;
                let word = self.word(i);
                if matches!(word, "," | ";" | ":" | "\"" | "\u{201c}") {
                    break;
                }
                if matches!(
                    word.to_lowercase().as_str(),
                    "from"
                        | "by"
                        | "with"
                        | "to"
                        | "of"
                        | "for"
                        | "against"
                        | "under"
                        | "at"
                        | "in"
                        | "on"
                        | "about"
                        | "than"
                ) {
                    return true;
                }
            }
        }
        false
    }

    /// "Maria Zakharova, the ministry's spokeswoman", "Babak Mahmoud, head of IRCS".
    fn appositive_title(
        &self,
        mention: Range<usize>,
        owner_of: &impl Fn(usize) -> Option<usize>,
        drafts: &[Draft],
        assigned: &[Option<usize>],
        clusters: &[Cluster],
    ) -> Option<RoleDraft> {
        let sentence = self.doc.sentence_of(mention.start);
        if mention.end >= sentence.end || self.word(mention.end) != "," {
            return None;
        }
        let from = mention.end + 1;
        let mut stop = from;
        while stop < sentence.end
            && stop - from < 12
            && !matches!(self.word(stop), "," | "." | ";" | ":" | "(" | ")")
        {
            stop += 1;
        }
        if stop == from {
            return None;
        }
        // "Will Young, Queen, Kate Bush": a word or two between commas, with
        // another name after them, is one more item of a list of names.
        if stop - from <= 2
            && stop + 1 < sentence.end
            && self.word(stop) == ","
            && draft_starting_at(drafts, stop + 1).is_some()
            && self.word(from).starts_with(char::is_uppercase)
        {
            return None;
        }
        let first = self.word(from).to_lowercase();
        let opens_well = matches!(
            first.as_str(),
            "the" | "a" | "an" | "its" | "his" | "her" | "former" | "acting"
        ) || self.kb.title(self.word(from)).is_some()
            || draft_starting_at(drafts, from).is_some();
        if !opens_well {
            return None;
        }
        for at in from..stop {
            for k in (1..=5).rev() {
                if at + k > stop {
                    continue;
                }
                let Some(title) = self.kb.title(self.doc.slice(at..at + k)) else {
                    continue;
                };
                // "Martin Scorsese, Mr Mann and Mr King": a name, not a title.
                if self.inside_name(drafts, at..at + k)
                    || at > from && is_title_abbreviation(self.word(at - 1))
                    || at > from && is_form_of_address(self.word(at - 1))
                {
                    continue;
                }
                // "with DiCaprio, director Martin Scorsese": a title right
                // before another person's name is that person's.
                if draft_starting_at(drafts, at + k)
                    .is_some_and(|j| drafts[j].kind == EntityKind::Person)
                {
                    return None;
                }
                let mut role = self.role_from_title(title, at..at + k);
                role.evidence = mention.start..at + k;
                self.attach_owner(&mut role, at, from, owner_of, drafts, assigned, clusters);
                // "Nairobi spokesman for the SPLA": the body the title is
                // held for outranks the city before it.
                let held_for = at + k < stop && matches!(self.word(at + k), "of" | "for");
                if role.of.is_none() || held_for {
                    // "head of IRCS", "spokesman for the Foreign Ministry".
                    let mut next = at + k;
                    if next < stop && matches!(self.word(next), "of" | "for" | "at" | "to") {
                        next += 1;
                        if next < stop && self.word(next).eq_ignore_ascii_case("the") {
                            next += 1;
                        }
                        if let Some(j) = draft_starting_at(drafts, next) {
                            let end = drafts[j].tokens.end;
                            if let Some(owner) = owner_of(end) {
                                self.set_owner(&mut role, owner, drafts, assigned, clusters);
                                role.evidence = mention.start..end;
                            }
                        }
                    }
                }
                return Some(role);
            }
        }
        None
    }

    /// Whether a name found in the text covers any of `range`.
    fn inside_name(&self, drafts: &[Draft], range: Range<usize>) -> bool {
        // Drafts are sorted by start and rarely nest: those starting before
        // the range's end, looked at from the nearest, suffice.
        let at = drafts.partition_point(|d| d.tokens.start < range.end);
        drafts[at.saturating_sub(4)..at]
            .iter()
            .any(|d| d.tokens.end > range.start)
    }

    fn role_from_title(&self, title: &crate::kb::Title, evidence: Range<usize>) -> RoleDraft {
        let mut name = title.title.clone();
        let before = evidence.start;
        if before > 0
            && matches!(
                self.word(before - 1).to_lowercase().as_str(),
                "former" | "ex"
            )
        {
            name = format!("Former {name}");
        }
        // "shadow home secretary David Davis": the opposition's spokesman
        // for an office, not its holder.
        let shadow = before > 0 && self.word(before - 1).eq_ignore_ascii_case("shadow");
        let mut sector = title.sector.as_deref().and_then(known_sector);
        if shadow && sector == Some("GOV") {
            name = format!("Shadow {name}");
            sector = Some("OPP");
        }
        RoleDraft {
            title: name,
            of: None,
            country: None,
            sector,
            organization_sector: None,
            rank: title.rank,
            lower_case: evidence
                .clone()
                .all(|i| !self.word(i).starts_with(char::is_uppercase)),
            body_before: false,
            sporting: false,
            international_body: false,
            party_body: false,
            evidence,
        }
    }

    /// Who the title is held for, from the words just before it: a demonym,
    /// a country or organization (possessive or not), or "the ministry's".
    #[allow(clippy::too_many_arguments)]
    fn attach_owner(
        &self,
        role: &mut RoleDraft,
        title_start: usize,
        floor: usize,
        owner_of: &impl Fn(usize) -> Option<usize>,
        drafts: &[Draft],
        assigned: &[Option<usize>],
        clusters: &[Cluster],
    ) {
        let mut end = title_start;
        while end > floor
            && matches!(
                self.word(end - 1).to_lowercase().as_str(),
                "former" | "acting" | "then"
            )
        {
            end -= 1;
        }
        if end > floor && matches!(self.word(end - 1), "'s" | "\u{2019}s" | "'") {
            end -= 1;
        }
        if end <= floor {
            return;
        }
        if let Some(owner) = owner_of(end) {
            self.set_owner(role, owner, drafts, assigned, clusters);
            role.evidence.start = role.evidence.start.min(drafts[owner].tokens.start);
            return;
        }
        // "the Liberal Democrats' foreign affairs spokesman", "Labour deputy
        // leader": up to three lower-case words of the office's own between
        // the body and the title.
        let mut inner = end;
        while inner > floor && end - inner < 3 && is_office_modifier(self.word(inner - 1)) {
            inner -= 1;
            let mut at = inner;
            if at > floor && matches!(self.word(at - 1), "'s" | "\u{2019}s" | "'") {
                at -= 1;
            }
            if at > floor {
                if let Some(owner) = owner_of(at) {
                    self.set_owner(role, owner, drafts, assigned, clusters);
                    role.evidence.start = role.evidence.start.min(drafts[owner].tokens.start);
                    return;
                }
            }
        }
        // "the Russian foreign ministry's chief negotiator": the country named
        // among the words before the title.
        // Drafts are sorted by start: only those starting in floor..end qualify.
        let low = drafts.partition_point(|d| d.tokens.start < floor);
        let high = drafts.partition_point(|d| d.tokens.start < end).max(low);
        let named_country = drafts[low..high]
            .iter()
            .enumerate()
            .rfind(|(_, d)| d.kind == EntityKind::Country && d.tokens.end <= end)
            .map(|(k, d)| (low + k, d));
        if let Some((owner, d)) = named_country {
            if d.tokens.end + 3 >= end {
                self.set_owner(role, owner, drafts, assigned, clusters);
                role.evidence.start = role.evidence.start.min(d.tokens.start);
                return;
            }
        }
        // "the ministry's spokeswoman": the latest organization named so.
        let noun = self.word(end - 1).to_lowercase();
        if end - 1 > floor && self.word(end - 2).eq_ignore_ascii_case("the") {
            let latest = drafts
                .iter()
                .enumerate()
                .filter(|(_, d)| d.kind == EntityKind::Organization && d.tokens.end <= end)
                .rev()
                .find(|(_, d)| {
                    name_key(self.doc.slice(d.tokens.clone()))
                        .split(' ')
                        .any(|w| w == noun)
                });
            if let Some((owner, _)) = latest {
                self.set_owner(role, owner, drafts, assigned, clusters);
                role.evidence.start = role.evidence.start.min(end - 2);
            }
        }
    }

    fn set_owner(
        &self,
        role: &mut RoleDraft,
        owner: usize,
        drafts: &[Draft],
        assigned: &[Option<usize>],
        clusters: &[Cluster],
    ) {
        let d = &drafts[owner];
        let cluster = assigned[owner].map(|c| &clusters[c]);
        let country = cluster.and_then(|c| c.country).or(d.country);
        match d.kind {
            EntityKind::Country => {
                role.country = country;
                role.of = country.map(|c| self.kb.countries[c].code.clone());
            }
            _ => {
                role.country = country;
                let best = cluster
                    .and_then(|c| {
                        c.drafts
                            .iter()
                            .max_by_key(|&&j| drafts[j].tokens.len())
                            .copied()
                    })
                    .unwrap_or(owner);
                role.of = Some(self.doc.slice(drafts[best].tokens.clone()).to_string());
                role.organization_sector = cluster.and_then(|c| c.sector).or(d.sector);
                if role.sector.is_none() {
                    role.sector = role.organization_sector;
                }
            }
        }
    }

    /// "the foreign minister", "the spokeswoman" → the person holding that role.
    fn add_role_noun_mentions(&self, clusters: &mut [Cluster], drafts: &[Draft]) {
        let words = &self.doc.words;
        // Clusters with a role, and those whose roles end in each title asked.
        let titled: Vec<usize> = (0..clusters.len())
            .filter(|&c| !clusters[c].roles.is_empty())
            .collect();
        let mut holders_of: HashMap<&str, Vec<usize>> = HashMap::new();
        for (i, word) in words
            .iter()
            .enumerate()
            .take(words.len().saturating_sub(1))
            .skip(self.doc.body_start)
        {
            if !word.eq_ignore_ascii_case("the") {
                continue;
            }
            let sentence = self.doc.sentence_of(i);
            for k in (1..=4).rev() {
                let end = i + 1 + k;
                if end > sentence.end {
                    continue;
                }
                let phrase = self.doc.slice(i + 1..end);
                // Only lower-case role nouns: "the President" in a headline
                // style often means someone not named in the article.
                if phrase.starts_with(char::is_uppercase) {
                    continue;
                }
                let Some(title) = self.kb.title(phrase) else {
                    continue;
                };
                if title.rank > 4 {
                    break;
                }
                // "the spokeswoman Maria Zakharova" is a title, not a reference.
                if draft_starting_at(drafts, end).is_some() {
                    break;
                }
                let holders = holders_of.entry(title.title.as_str()).or_insert_with(|| {
                    titled
                        .iter()
                        .copied()
                        .filter(|&c| {
                            clusters[c]
                                .roles
                                .iter()
                                .any(|r| r.title.ends_with(&title.title))
                        })
                        .collect()
                });
                // A cluster's mentions are sorted by start: the last before
                // `i` is found by bisection.
                let holder = holders
                    .iter()
                    .filter_map(|&index| {
                        let mentions = &clusters[index].drafts;
                        let before = mentions.partition_point(|&j| drafts[j].tokens.start < i);
                        let last = drafts[mentions[before.checked_sub(1)?]].tokens.start;
                        Some((index, last))
                    })
                    .max_by_key(|&(_, last)| last);
                if let Some((c, _)) = holder {
                    clusters[c].extra.push(i..end);
                }
                break;
            }
        }
    }

    fn render(&self, drafts: &[Draft], clusters: Vec<Cluster>) -> Vec<Entity> {
        let mut order: Vec<(usize, Cluster)> = clusters
            .into_iter()
            .filter(|c| !c.drafts.is_empty())
            .map(|c| (drafts[c.drafts[0]].tokens.start, c))
            .collect();
        order.sort_by_key(|(first, _)| *first);
        let mut entities = Vec::with_capacity(order.len());
        for (n, (_, cluster)) in order.into_iter().enumerate() {
            let kind = cluster.kind.unwrap_or(EntityKind::Organization);
            let country = cluster.country.map(|c| &self.kb.countries[c]);
            let mention_texts: Vec<&str> = cluster
                .drafts
                .iter()
                .map(|&j| self.doc.slice(drafts[j].tokens.clone()))
                .collect();
            // A known organization goes by the knowledge base's name, so "EU"
            // in one article and "European Union" in another are one actor
            // (the words written stay as aliases).
            let known_organization = cluster.drafts.iter().find_map(|&j| match drafts[j].kb {
                Some(KbRef::Organization(o)) if kind == EntityKind::Organization => {
                    Some(self.kb.organizations[o].name.clone())
                }
                _ => None,
            });
            let name = match (kind, country) {
                (EntityKind::Country, Some(country)) => country.name.clone(),
                _ if known_organization.is_some() => known_organization.clone().unwrap_or_default(),
                _ => {
                    let fullest = cluster
                        .drafts
                        .iter()
                        .enumerate()
                        .max_by_key(|(k, &j)| (self.person_words(&drafts[j]).len(), usize::MAX - k))
                        .map(|(k, _)| k)
                        .unwrap_or(0);
                    mention_texts[fullest].to_string()
                }
            };
            let mut aliases: Vec<String> = Vec::new();
            for text in &mention_texts {
                if *text != name && !aliases.iter().any(|a| a == text) {
                    aliases.push(text.to_string());
                }
            }
            let mut mentions: Vec<Mention> = Vec::new();
            for &j in &cluster.drafts {
                let span = self.mention_span(&drafts[j]);
                if !mentions.iter().any(|m| m.span == span) {
                    mentions.push(Mention { span });
                }
            }
            for range in &cluster.extra {
                mentions.push(Mention {
                    span: self.doc.span(range.clone()),
                });
            }
            mentions.sort_by_key(|m| {
                (
                    m.span.field != chancery_model::TextField::Title,
                    m.span.start,
                )
            });
            let mut roles: Vec<Role> = Vec::new();
            for role in &cluster.roles {
                if roles
                    .iter()
                    .any(|r| r.title == role.title && r.of == role.of)
                {
                    continue;
                }
                roles.push(Role {
                    title: role.title.clone(),
                    of: role.of.clone(),
                    span: self.doc.span(role.evidence.clone()),
                });
            }
            // A user's PETRARCH dictionary names the code outright.
            let dictionary_code = cluster.drafts.iter().find_map(|&j| match drafts[j].kb {
                Some(KbRef::Actor(a)) => self.kb.actors[a].code_on(self.date_number()),
                _ => None,
            });
            // An international or transnational actor with its own CAMEO
            // code (UN IGOUNO, OSCE IGOSCE, Amnesty NGOAMN), by the
            // knowledge base's name for it or any of its mentions.
            let international_code = (kind == EntityKind::Organization)
                .then(|| {
                    cluster
                        .drafts
                        .iter()
                        .find_map(|&j| match drafts[j].kb {
                            Some(KbRef::Organization(o)) => {
                                let org = &self.kb.organizations[o];
                                std::iter::once(&org.name)
                                    .chain(&org.aliases)
                                    .find_map(|n| cameo_actor_code(n))
                            }
                            _ => None,
                        })
                        .or_else(|| mention_texts.iter().find_map(|t| cameo_actor_code(t)))
                })
                .flatten();
            let actor_code = match (kind, country) {
                _ if dictionary_code.is_some() => dictionary_code.map(str::to_string),
                _ if international_code.is_some() => international_code.map(str::to_string),
                // Someone serving an international body is coded as that
                // body ("UN envoy" IGOUNO), else as an IGO.
                (_, None) if cluster.sector == Some("IGO") => Some(
                    cluster
                        .roles
                        .iter()
                        .find_map(|r| r.of.as_deref().and_then(cameo_actor_code))
                        .unwrap_or("IGO")
                        .to_string(),
                ),
                (_, None) => None,
                (EntityKind::Country | EntityKind::Place | EntityKind::Group, Some(c)) => {
                    Some(c.code.clone())
                }
                (_, Some(c)) => Some(format!("{}{}", c.code, cluster.sector.unwrap_or(""))),
            };
            entities.push(Entity {
                id: format!("e{}", n + 1),
                name,
                kind,
                country: country.map(|c| c.code.clone()),
                actor_code,
                aliases,
                roles,
                mentions,
            });
        }
        entities
    }

    /// A draft's span; a country inside "Iran-Russia" gets its own part.
    fn mention_span(&self, d: &Draft) -> chancery_model::Span {
        let mut span = self.doc.span(d.tokens.clone());
        if d.kind == EntityKind::Country && d.tokens.len() == 1 {
            let text = self.doc.slice(d.tokens.clone());
            if text.contains('-') {
                if let Some(country) = d.country.map(|c| &self.kb.countries[c]) {
                    let mut offset = 0;
                    for part in text.split('-') {
                        if self.kb.lookup(part).contains(&KbRef::Country(
                            self.country_index(&country.code).unwrap_or(usize::MAX),
                        )) {
                            span.start += offset;
                            span.end = span.start + part.len();
                            break;
                        }
                        offset += part.len() + 1;
                    }
                }
            }
        }
        span
    }
}

/// "ministry of foreign affairs" and "foreign affairs ministry" are the
/// "foreign ministry".
fn normalize_ministry(key: &str) -> String {
    if let Some(rest) = key.strip_prefix("ministry of ") {
        let subject = rest.strip_suffix(" affairs").unwrap_or(rest);
        return format!("{subject} ministry");
    }
    if let Some(subject) = key.strip_suffix(" affairs ministry") {
        return format!("{subject} ministry");
    }
    key.to_string()
}

/// The first of `drafts` (sorted by start) starting at token `start`.
fn draft_starting_at(drafts: &[Draft], start: usize) -> Option<usize> {
    let at = drafts.partition_point(|d| d.tokens.start < start);
    drafts
        .get(at)
        .is_some_and(|d| d.tokens.start == start)
        .then_some(at)
}

fn contains_all(haystack: &[String], needles: &[String]) -> bool {
    !needles.is_empty() && needles.iter().all(|n| haystack.contains(n))
}
