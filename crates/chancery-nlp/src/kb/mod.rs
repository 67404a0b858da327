//! The knowledge base: countries, organizations, titles and office holders,
//! written in the project as tab-separated tables (`kb/*.tsv`, each with a
//! source note), plus whatever users add in the same format or as
//! PETRARCH-style actor dictionaries. `docs/KNOWLEDGE_BASE.md` documents the formats.

pub mod petrarch;
pub(crate) mod table;

use std::collections::HashMap;
use std::sync::OnceLock;

use std::hash::{BuildHasherDefault, Hasher};

use crate::ner::KeyHasher;

use crate::token::tokenize;
use crate::NlpError;
pub use petrarch::ActorRecord;
use table::Table;

/// A country or territory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Country {
    /// ISO 3166-1 alpha-3.
    pub code: String,
    /// ISO 3166-1 alpha-2.
    pub alpha2: String,
    /// The name news uses.
    pub name: String,
    /// Formal and other names.
    pub alt_names: Vec<String>,
    /// Adjectives and people ("Iranian", "Iranians").
    pub demonyms: Vec<String>,
    /// Capital city.
    pub capital: Option<String>,
    /// Other spellings of the capital and seats of government.
    pub capital_alt: Vec<String>,
    /// Names standing for the government ("Kremlin").
    pub seats: Vec<String>,
}

/// An organization with its country and CAMEO sector.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Organization {
    /// Canonical name.
    pub name: String,
    /// Acronyms and other names.
    pub aliases: Vec<String>,
    /// ISO alpha-3, or `None` for international bodies.
    pub country: Option<String>,
    /// CAMEO-style sector (`GOV`, `LEG`, `IGO`…).
    pub sector: Option<String>,
}

/// An office or title and the sector its holder belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Title {
    /// Canonical form ("Foreign Minister").
    pub title: String,
    /// Other forms and abbreviations ("FM", "Minister of Foreign Affairs").
    pub variants: Vec<String>,
    /// CAMEO sector of a holder, when the title alone tells it.
    pub sector: Option<String>,
    /// Seniority: 1 heads of state and government … 5 generic.
    pub rank: u8,
}

/// Someone who held an office from a date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfficeHolder {
    /// Full name.
    pub name: String,
    /// Other spellings.
    pub aliases: Vec<String>,
    /// ISO alpha-3 (empty for heads of international bodies).
    pub country: Option<String>,
    /// Canonical title.
    pub title: String,
    /// Start of the term: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
    pub start: Option<String>,
    /// End of the term, `None` while in office.
    pub end: Option<String>,
}

/// What a name in the knowledge base refers to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KbRef {
    /// A country by its name.
    Country(usize),
    /// A country's demonym.
    Demonym(usize),
    /// A country's capital (or other seat city).
    Capital(usize),
    /// A seat-of-government metonym ("the Kremlin").
    Seat(usize),
    /// An organization.
    Organization(usize),
    /// An office holder.
    Person(usize),
    /// A record of a user's PETRARCH actor dictionary.
    Actor(usize),
}

/// Gazetteer class bits, used as tagger features.
pub mod class {
    /// Country name.
    pub const COUNTRY: u16 = 1;
    /// Demonym.
    pub const DEMONYM: u16 = 1 << 1;
    /// Capital city.
    pub const CAPITAL: u16 = 1 << 2;
    /// Organization.
    pub const ORGANIZATION: u16 = 1 << 3;
    /// Person.
    pub const PERSON: u16 = 1 << 4;
    /// Seat of government.
    pub const SEAT: u16 = 1 << 5;
    /// First token of a match (the others are inside).
    pub const FIRST: u16 = 1 << 8;
}

impl KbRef {
    fn class(self) -> u16 {
        match self {
            KbRef::Country(_) => class::COUNTRY,
            KbRef::Demonym(_) => class::DEMONYM,
            KbRef::Capital(_) => class::CAPITAL,
            KbRef::Seat(_) => class::SEAT,
            KbRef::Organization(_) => class::ORGANIZATION,
            KbRef::Person(_) | KbRef::Actor(_) => class::PERSON,
        }
    }
}

/// The knowledge base with its lookup indexes.
#[derive(Debug, Clone, Default)]
pub struct KnowledgeBase {
    /// Countries and territories.
    pub countries: Vec<Country>,
    /// Organizations.
    pub organizations: Vec<Organization>,
    /// Titles.
    pub titles: Vec<Title>,
    /// Office holders.
    pub officeholders: Vec<OfficeHolder>,
    /// Records of loaded PETRARCH actor dictionaries.
    pub actors: Vec<ActorRecord>,
    /// Lines of user dictionaries that were skipped, with why.
    pub warnings: Vec<String>,
    names: HashMap<String, Vec<KbRef>, BuildHasherDefault<KeyHasher>>,
    country_by_code: HashMap<String, usize>,
    title_by_key: HashMap<String, usize>,
    /// First words of the keys of `title_by_key`.
    title_first_words: std::collections::HashSet<String>,
    /// Case-sensitive title abbreviations ("FM", "PM").
    title_abbreviations: HashMap<String, usize>,
    gazetteer: Option<Gazetteer>,
}

/// Every known name as a chain of word hashes: a phrase's hash maps to its
/// class bits, and each proper prefix is present with 0, so matching stops as
/// soon as no name continues.
#[derive(Debug, Clone, Default)]
struct Gazetteer {
    phrases: HashMap<u64, u16, BuildHasherDefault<KeyHasher>>,
    longest: usize,
}

/// Hash of a word as name keys spell it (lower case, straight apostrophe).
fn word_hash(word: &str) -> u64 {
    let mut hasher = KeyHasher::default();
    if word.is_ascii() {
        for b in word.bytes() {
            hasher.write_u8(b.to_ascii_lowercase());
        }
    } else {
        for c in word.chars().flat_map(char::to_lowercase) {
            let c = if c == '\u{2019}' { '\'' } else { c };
            hasher.write_u32(c as u32);
        }
    }
    hasher.finish()
}

fn extend_phrase(phrase: u64, word: u64) -> u64 {
    crate::ner::mix_hashes(phrase, word)
}

/// The initials an organization's name is abbreviated by ("Organization
/// for Security and Co-operation in Europe" → "OSCE"; "Agence France
/// Presse" → "AFP"): the first letter of each word but function words, a
/// hyphenated word counting once.
pub fn initials(name: &str) -> String {
    name.split_whitespace()
        .filter(|w| {
            !matches!(
                w.to_lowercase().as_str(),
                "of" | "for" | "and" | "the" | "in" | "on" | "&"
            )
        })
        .filter_map(|w| w.chars().next())
        .flat_map(char::to_uppercase)
        .collect()
}

/// Whether a name is written as an acronym: 2 to 6 capital letters.
pub fn is_acronym(name: &str) -> bool {
    (2..=6).contains(&name.len()) && name.chars().all(|c| c.is_ascii_uppercase())
}

/// The CAMEO actor table (`kb/cameo_actors.tsv`): international and
/// transnational actors with their own codes, from the CAMEO codebook.
const CAMEO_ACTORS: &str = include_str!("../../kb/cameo_actors.tsv");

/// The full CAMEO actor code of an international or transnational actor
/// named `name` or one of its aliases ("United Nations", "UN" → `IGOUNO`;
/// "OSCE" → `IGOSCE`; "WFP" → `IGOUNOWFP`), matched by name key.
pub fn cameo_actor_code(name: &str) -> Option<&'static str> {
    static TABLE: OnceLock<HashMap<String, &'static str>> = OnceLock::new();
    let table = TABLE.get_or_init(|| {
        let mut table = HashMap::new();
        let rows = CAMEO_ACTORS
            .lines()
            .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
            .skip(1);
        for row in rows {
            let cells: Vec<&'static str> = row.split('\t').map(str::trim).collect();
            let [name, aliases, code] = cells[..] else {
                continue;
            };
            for alias in std::iter::once(name).chain(aliases.split('|')) {
                if !alias.is_empty() {
                    table.entry(name_key(alias)).or_insert(code);
                }
            }
        }
        table
    });
    table.get(&name_key(name)).copied()
}

/// CAMEO's role and sector codes (the actor codebook's type codes): the
/// three-letter parts that follow a country in an actor code (`IRNGOV`,
/// `USAMILREB`), and what a code starts with when its actor's country is
/// unknown (`REB`). `PTY` (party) and `REL` (religious) are roles the
/// knowledge base's sectors use.
pub const CAMEO_ROLES: &[&str] = &[
    "AGR", "BUS", "COP", "CRM", "CVL", "DEV", "EDU", "ELI", "ENV", "GOV", "HLH", "HRI", "IGO",
    "IMG", "INS", "INT", "JUD", "LAB", "LEG", "MED", "MIL", "MNC", "MOD", "NGM", "NGO", "OPP",
    "PKO", "PTY", "RAD", "REB", "REF", "REL", "SEP", "SET", "SPY", "UAF", "UIS",
];

/// Every code of the CAMEO actor table (`kb/cameo_actors.tsv`), once each,
/// in the table's order (`IGOUNO`, `IGOUNOHCR`, `IGOWSTNAT`, `NGOAMN`…).
pub fn cameo_actor_codes() -> &'static [&'static str] {
    static CODES: OnceLock<Vec<&'static str>> = OnceLock::new();
    CODES.get_or_init(|| {
        let mut codes: Vec<&'static str> = Vec::new();
        let rows = CAMEO_ACTORS
            .lines()
            .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
            .skip(1);
        for row in rows {
            if let Some(code) = row.split('\t').nth(2).map(str::trim) {
                if !code.is_empty() && !codes.contains(&code) {
                    codes.push(code);
                }
            }
        }
        codes
    })
}

/// The key names are looked up by: tokens as the tokenizer cuts them,
/// lower-cased, joined by single spaces, curly apostrophes straightened,
/// a leading "the" dropped, "Organisation" spelled "Organization".
pub fn name_key(name: &str) -> String {
    let mut key = String::with_capacity(name.len());
    for token in tokenize(name) {
        let word = token.text(name);
        if key.is_empty() && word.eq_ignore_ascii_case("the") {
            continue;
        }
        if !key.is_empty() {
            key.push(' ');
        }
        // British and American spellings of one body are one name.
        if word.eq_ignore_ascii_case("organisation") || word.eq_ignore_ascii_case("organisations") {
            key.push_str(&word.to_lowercase().replace("organis", "organiz"));
            continue;
        }
        for c in word.chars() {
            if c == '\u{2019}' {
                key.push('\'');
            } else {
                key.extend(c.to_lowercase());
            }
        }
    }
    key
}

const BUILTIN: [(&str, &str); 4] = [
    ("kb/countries.tsv", include_str!("../../kb/countries.tsv")),
    (
        "kb/organizations.tsv",
        include_str!("../../kb/organizations.tsv"),
    ),
    ("kb/titles.tsv", include_str!("../../kb/titles.tsv")),
    (
        "kb/officeholders.tsv",
        include_str!("../../kb/officeholders.tsv"),
    ),
];

/// Which table a file holds, told by its header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TableKind {
    /// `alpha3 alpha2 name …`
    Countries,
    /// `name aliases country sector …`
    Organizations,
    /// `title variants sector rank`
    Titles,
    /// `name aliases country title start end`
    OfficeHolders,
    /// A PETRARCH/TABARI actor dictionary.
    PetrarchActors,
}

impl KnowledgeBase {
    /// The tables compiled into chancery.
    pub fn builtin() -> &'static KnowledgeBase {
        static KB: OnceLock<KnowledgeBase> = OnceLock::new();
        KB.get_or_init(|| {
            let mut kb = KnowledgeBase::default();
            for (name, text) in BUILTIN {
                kb.add_table(name, text)
                    .expect("built-in tables are checked by a unit test");
            }
            kb.build_index();
            kb
        })
    }

    /// The built-in tables plus user tables `(name, text)`; each table's kind
    /// is told by its header (or, for PETRARCH dictionaries, by their content).
    pub fn with_user_tables(tables: &[(String, String)]) -> Result<KnowledgeBase, NlpError> {
        let mut kb = KnowledgeBase::builtin().clone();
        for (name, text) in tables {
            kb.add_table(name, text)?;
        }
        kb.build_index();
        Ok(kb)
    }

    /// Tells a table's kind from its first non-comment line.
    pub fn table_kind(text: &str) -> TableKind {
        let header = text
            .lines()
            .find(|l| !l.starts_with('#') && !l.trim().is_empty())
            .unwrap_or("");
        let columns: Vec<&str> = header.split('\t').map(str::trim).collect();
        if columns.contains(&"alpha3") {
            TableKind::Countries
        } else if columns.contains(&"variants") {
            TableKind::Titles
        } else if columns.contains(&"title") && columns.contains(&"name") {
            TableKind::OfficeHolders
        } else if columns.contains(&"name") && columns.contains(&"sector") {
            TableKind::Organizations
        } else {
            TableKind::PetrarchActors
        }
    }

    fn add_table(&mut self, name: &str, text: &str) -> Result<(), NlpError> {
        match KnowledgeBase::table_kind(text) {
            TableKind::Countries => {
                let table = Table::parse(name, text, &["alpha3", "alpha2", "name"])?;
                for (line, row) in table.rows() {
                    let code = row.get("alpha3").to_ascii_uppercase();
                    if code.len() != 3 || !code.bytes().all(|b| b.is_ascii_alphabetic()) {
                        return Err(
                            table.error(line, format!("alpha3 {code:?} is not three letters"))
                        );
                    }
                    self.countries.push(Country {
                        code,
                        alpha2: row.get("alpha2").to_string(),
                        name: row.get("name").to_string(),
                        alt_names: row.list("alt_names"),
                        demonyms: row.list("demonyms"),
                        capital: row.optional("capital"),
                        capital_alt: row.list("capital_alt"),
                        seats: row.list("seats"),
                    });
                }
            }
            TableKind::Organizations => {
                let table = Table::parse(name, text, &["name", "aliases", "country", "sector"])?;
                for (_, row) in table.rows() {
                    self.organizations.push(Organization {
                        name: row.get("name").to_string(),
                        aliases: row.list("aliases"),
                        country: row.optional("country"),
                        sector: row.optional("sector"),
                    });
                }
            }
            TableKind::Titles => {
                let table = Table::parse(name, text, &["title", "variants", "sector", "rank"])?;
                for (line, row) in table.rows() {
                    let rank = row.get("rank").parse().map_err(|_| {
                        table.error(
                            line,
                            format!("rank {:?} is not a number 1–5", row.get("rank")),
                        )
                    })?;
                    self.titles.push(Title {
                        title: row.get("title").to_string(),
                        variants: row.list("variants"),
                        sector: row.optional("sector"),
                        rank,
                    });
                }
            }
            TableKind::OfficeHolders => {
                let table =
                    Table::parse(name, text, &["name", "country", "title", "start", "end"])?;
                for (line, row) in table.rows() {
                    for column in ["start", "end"] {
                        if let Some(date) = row.optional(column) {
                            if !valid_partial_date(&date) {
                                return Err(table.error(
                                    line,
                                    format!("{column} {date:?} is not YYYY, YYYY-MM or YYYY-MM-DD"),
                                ));
                            }
                        }
                    }
                    self.officeholders.push(OfficeHolder {
                        name: row.get("name").to_string(),
                        aliases: row.list("aliases"),
                        country: row.optional("country"),
                        title: row.get("title").to_string(),
                        start: row.optional("start"),
                        end: row.optional("end"),
                    });
                }
            }
            TableKind::PetrarchActors => {
                let dictionary = petrarch::parse_actors(name, text)?;
                self.actors.extend(dictionary.records);
                self.warnings.extend(dictionary.warnings);
            }
        }
        Ok(())
    }

    fn build_index(&mut self) {
        let mut names: HashMap<String, Vec<KbRef>, BuildHasherDefault<KeyHasher>> =
            HashMap::default();
        let mut add = |name: &str, reference: KbRef| {
            let key = name_key(name);
            if !key.is_empty() {
                let refs = names.entry(key).or_default();
                if !refs.contains(&reference) {
                    refs.push(reference);
                }
            }
        };
        for (i, country) in self.countries.iter().enumerate() {
            add(&country.name, KbRef::Country(i));
            for alt in &country.alt_names {
                add(alt, KbRef::Country(i));
            }
            for demonym in &country.demonyms {
                add(demonym, KbRef::Demonym(i));
            }
            for capital in country.capital.iter().chain(&country.capital_alt) {
                add(capital, KbRef::Capital(i));
            }
            for seat in &country.seats {
                add(seat, KbRef::Seat(i));
            }
        }
        for (i, org) in self.organizations.iter().enumerate() {
            add(&org.name, KbRef::Organization(i));
            for alias in &org.aliases {
                add(alias, KbRef::Organization(i));
            }
        }
        for (i, holder) in self.officeholders.iter().enumerate() {
            add(&holder.name, KbRef::Person(i));
            for alias in &holder.aliases {
                add(alias, KbRef::Person(i));
            }
        }
        for (i, actor) in self.actors.iter().enumerate() {
            for phrase in &actor.phrases {
                add(phrase, KbRef::Actor(i));
            }
        }
        self.country_by_code = self
            .countries
            .iter()
            .enumerate()
            .map(|(i, c)| (c.code.clone(), i))
            .collect();
        self.title_by_key.clear();
        self.title_first_words.clear();
        self.title_abbreviations.clear();
        for (i, title) in self.titles.iter().enumerate() {
            for form in std::iter::once(&title.title).chain(&title.variants) {
                let is_abbreviation = form.len() <= 4
                    && form.chars().filter(|c| c.is_uppercase()).count() >= 2
                    || form.ends_with('.');
                if is_abbreviation {
                    self.title_abbreviations.entry(form.clone()).or_insert(i);
                } else {
                    let key = name_key(form);
                    if let Some(first) = key.split(' ').next() {
                        self.title_first_words.insert(first.to_string());
                    }
                    self.title_by_key.entry(key).or_insert(i);
                }
            }
        }
        let mut gazetteer = Gazetteer::default();
        for (key, refs) in &names {
            let classes = refs.iter().fold(0, |bits, r| bits | r.class());
            let mut phrase = 0;
            let words: Vec<&str> = key.split(' ').collect();
            gazetteer.longest = gazetteer.longest.max(words.len());
            for (n, word) in words.iter().enumerate() {
                phrase = extend_phrase(phrase, word_hash(word));
                let entry = gazetteer.phrases.entry(phrase).or_insert(0);
                if n + 1 == words.len() {
                    *entry |= classes;
                }
            }
        }
        self.gazetteer = Some(gazetteer);
        self.names = names;
    }

    /// What a name (as written in text) refers to.
    pub fn lookup(&self, name: &str) -> &[KbRef] {
        self.names.get(&name_key(name)).map_or(&[], Vec::as_slice)
    }

    /// The country (an index into `countries`) a dateline files from: its
    /// place when that is a country, capital or seat of government
    /// ("WARSAW"), else the country after its comma ("SAN JOSE, Costa
    /// Rica").
    pub fn dateline_country(&self, dateline: &str) -> Option<usize> {
        let country_of = |name: &str, capitals: bool| {
            self.lookup(name.trim()).iter().find_map(|r| match r {
                KbRef::Country(c) => Some(*c),
                KbRef::Capital(c) | KbRef::Seat(c) if capitals => Some(*c),
                _ => None,
            })
        };
        let mut parts = dateline.split(',');
        let place = parts.next()?;
        country_of(place, true).or_else(|| parts.next().and_then(|p| country_of(p, false)))
    }

    /// What a name key (see [`name_key`]) refers to.
    pub fn lookup_key(&self, key: &str) -> &[KbRef] {
        self.names.get(key).map_or(&[], Vec::as_slice)
    }

    /// A country by its alpha-3 code.
    pub fn country(&self, code: &str) -> Option<&Country> {
        self.country_by_code.get(code).map(|&i| &self.countries[i])
    }

    /// A title by any of its forms: abbreviations case-sensitively ("FM"),
    /// other forms in any case ("foreign minister").
    pub fn title(&self, form: &str) -> Option<&Title> {
        if let Some(&i) = self.title_abbreviations.get(form) {
            return Some(&self.titles[i]);
        }
        // Most phrases asked about are not titles: a look at the first word
        // avoids building the key.
        let first = form.split([' ', '\'', '\u{2019}']).next().unwrap_or(form);
        if first.len() > 40 || !self.title_first_words.contains(&first.to_lowercase()) {
            return None;
        }
        self.title_by_key
            .get(&name_key(form))
            .map(|&i| &self.titles[i])
    }

    /// Per-token gazetteer class bits for a tokenized document: a phrase
    /// counts when it starts with a capital (or digit) and covers whole tokens.
    pub fn gazetteer_bits(&self, words: &[&str]) -> Vec<u16> {
        let mut bits = vec![0u16; words.len()];
        let Some(gazetteer) = &self.gazetteer else {
            return bits;
        };
        let mut hashes: Vec<Option<u64>> = vec![None; words.len()];
        let mut i = 0;
        while i < words.len() {
            if !words[i].starts_with(|c: char| c.is_uppercase() || c.is_ascii_digit()) {
                i += 1;
                continue;
            }
            let mut phrase = 0;
            let mut best: Option<(usize, u16)> = None;
            for j in i..words.len().min(i + gazetteer.longest) {
                let word = *hashes[j].get_or_insert_with(|| word_hash(words[j]));
                phrase = extend_phrase(phrase, word);
                match gazetteer.phrases.get(&phrase) {
                    None => break,
                    Some(0) => {}
                    Some(&classes) => best = Some((j + 1, classes)),
                }
            }
            match best {
                Some((end, classes)) => {
                    bits[i] |= class::FIRST;
                    for b in &mut bits[i..end] {
                        *b |= classes;
                    }
                    i = end;
                }
                None => i += 1,
            }
        }
        bits
    }
}

fn valid_partial_date(date: &str) -> bool {
    let parts: Vec<&str> = date.split('-').collect();
    let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
    match parts[..] {
        [y] => digits(y, 4),
        [y, m] => digits(y, 4) && digits(m, 2),
        [y, m, d] => digits(y, 4) && digits(m, 2) && digits(d, 2),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn british_spellings_of_a_body_find_it() {
        assert_eq!(
            cameo_actor_code("North Atlantic Treaty Organisation"),
            Some("IGOWSTNAT")
        );
        assert_eq!(
            name_key("the Organisation of African Unity"),
            "organization of african unity"
        );
    }

    #[test]
    fn builtin_tables_load_and_link() {
        let kb = KnowledgeBase::builtin();
        assert!(kb.countries.len() >= 195);
        assert_eq!(
            kb.lookup("Iran"),
            [KbRef::Country(kb.country_by_code["IRN"])]
        );
        assert!(kb
            .lookup("Iranian")
            .contains(&KbRef::Demonym(kb.country_by_code["IRN"])));
        assert!(kb
            .lookup("the Kremlin")
            .contains(&KbRef::Seat(kb.country_by_code["RUS"])));
        assert!(kb
            .lookup("Moscow")
            .contains(&KbRef::Capital(kb.country_by_code["RUS"])));
        assert_eq!(
            kb.title("FM").map(|t| t.title.as_str()),
            Some("Foreign Minister")
        );
        assert_eq!(
            kb.title("foreign minister").map(|t| t.title.as_str()),
            Some("Foreign Minister")
        );
        assert!(kb.title("fm").is_none());
    }

    #[test]
    fn cameo_codes_cover_every_code_the_tables_give() {
        let codes = cameo_actor_codes();
        assert!(codes.contains(&"IGOUNOHCR") && codes.contains(&"NGOAMN"));
        for code in codes {
            assert!(
                code.len() % 3 == 0 && code.bytes().all(|b| b.is_ascii_uppercase()),
                "{code} is not three-letter parts"
            );
        }
        // A sector of the knowledge base ends actor codes (`FRAGOV`), so
        // each must be a role the API accepts in a code.
        let kb = KnowledgeBase::builtin();
        let sectors = kb.organizations.iter().filter_map(|o| o.sector.as_deref());
        for sector in sectors.chain(kb.titles.iter().filter_map(|t| t.sector.as_deref())) {
            assert!(CAMEO_ROLES.contains(&sector), "sector {sector} is no role");
        }
        assert!(!CAMEO_ROLES.contains(&"IRN"));
    }

    #[test]
    fn gazetteer_marks_capitalized_phrases() {
        let kb = KnowledgeBase::builtin();
        let words = [
            "us", "and", "the", "United", "States", "met", "Iranian", "envoys",
        ];
        let bits = kb.gazetteer_bits(&words);
        assert_eq!(bits[0], 0);
        assert_ne!(bits[3] & class::COUNTRY, 0);
        assert_ne!(bits[3] & class::FIRST, 0);
        assert_eq!(bits[4] & class::FIRST, 0);
        assert_ne!(bits[6] & class::DEMONYM, 0);
    }

    #[test]
    fn user_tables_extend_the_builtin_ones() {
        let user = "name\taliases\tcountry\tsector\tkind\nFreedonia Liberation Front\tFLF\tFRD\tREB\tarmed_group\n";
        let kb = KnowledgeBase::with_user_tables(&[("mine.tsv".into(), user.into())]).unwrap();
        assert!(matches!(kb.lookup("FLF"), [KbRef::Organization(_)]));
        let bad = "alpha3\talpha2\tname\nIRAN\tIR\tIran\n";
        let err = KnowledgeBase::with_user_tables(&[("bad.tsv".into(), bad.into())]).unwrap_err();
        assert!(err.to_string().contains("bad.tsv"));
    }

    /// Day number of a civil date (days since 1970-01-01).
    fn day_number(year: i64, month: i64, day: i64) -> i64 {
        let year = if month <= 2 { year - 1 } else { year };
        let era = year.div_euclid(400);
        let year_of_era = year - era * 400;
        let day_of_year = (153 * ((month + 9) % 12) + 2) / 5 + day - 1;
        let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
        era * 146_097 + day_of_era - 719_468
    }

    /// A term's bound as a day number. A partial date is taken at the end of
    /// its year or month when it starts a term and at the beginning when it
    /// ends one, so that only certain overlaps count.
    fn term_bound(date: Option<&str>, is_start: bool) -> i64 {
        let Some(date) = date else {
            return if is_start { i64::MIN } else { i64::MAX };
        };
        let parts: Vec<i64> = date.split('-').map(|p| p.parse().unwrap()).collect();
        match (parts.as_slice(), is_start) {
            (&[y, m, d], _) => day_number(y, m, d),
            (&[y, m], false) => day_number(y, m, 1),
            (&[y, 12], true) => day_number(y + 1, 1, 1) - 1,
            (&[y, m], true) => day_number(y, m + 1, 1) - 1,
            (&[y], false) => day_number(y, 1, 1),
            (&[y], true) => day_number(y + 1, 1, 1) - 1,
            _ => unreachable!("dates are validated when the table loads"),
        }
    }

    #[test]
    fn officeholder_terms_do_not_overlap() {
        // Offices one person holds at a time in a country (or organisation).
        const SINGLE: [&str; 16] = [
            "President",
            "Prime Minister",
            "Foreign Minister",
            "Chancellor",
            "King",
            "Queen",
            "Emir",
            "Sultan",
            "Supreme Leader",
            "Head of State",
            "Defense Minister",
            "Interior Minister",
            "Finance Minister",
            "Central Bank Governor",
            "Pope",
            "General Secretary",
        ];
        // Cambodia's first and second prime ministers of 1993-1998.
        const SHARED: [(&str, &str); 2] =
            [("Hun Sen", "Norodom Ranariddh"), ("Hun Sen", "Ung Huot")];
        // Handovers are often dated a day or two apart in the sources.
        const TOLERANCE_DAYS: i64 = 5;
        let kb = KnowledgeBase::builtin();
        let mut offices: HashMap<(Option<&str>, &str), Vec<&OfficeHolder>> = HashMap::new();
        for holder in &kb.officeholders {
            offices
                .entry((holder.country.as_deref(), holder.title.as_str()))
                .or_default()
                .push(holder);
        }
        let mut problems = Vec::new();
        for ((country, title), holders) in &offices {
            let single = SINGLE.contains(title) || country.is_none();
            for (i, a) in holders.iter().enumerate() {
                let a_start = term_bound(a.start.as_deref(), true);
                let a_end = term_bound(a.end.as_deref(), false);
                if let (Some(s), Some(e)) = (&a.start, &a.end) {
                    let n = s.len().min(e.len());
                    if e[..n] < s[..n] {
                        problems.push(format!("{} ({title}) ends before it starts", a.name));
                    }
                }
                for b in &holders[i + 1..] {
                    let start = a_start.max(term_bound(b.start.as_deref(), true));
                    let end = a_end.min(term_bound(b.end.as_deref(), false));
                    let overlap = end.saturating_sub(start);
                    let shared = SHARED.contains(&(a.name.as_str(), b.name.as_str()))
                        || SHARED.contains(&(b.name.as_str(), a.name.as_str()));
                    if (a.name == b.name && overlap > 0)
                        || (single && !shared && overlap > TOLERANCE_DAYS)
                    {
                        problems.push(format!(
                            "{country:?} {title}: {} {:?}..{:?} and {} {:?}..{:?}",
                            a.name, a.start, a.end, b.name, b.start, b.end
                        ));
                    }
                }
            }
        }
        problems.sort();
        assert!(problems.is_empty(), "overlapping terms: {problems:#?}");
    }

    #[test]
    fn term_bounds_read_partial_dates_conservatively() {
        assert_eq!(day_number(1970, 1, 1), 0);
        assert_eq!(day_number(2000, 3, 1) - day_number(2000, 2, 28), 2);
        assert_eq!(term_bound(Some("1996"), true), day_number(1996, 12, 31));
        assert_eq!(term_bound(Some("1996-02"), true), day_number(1996, 2, 29));
        assert_eq!(term_bound(Some("1996-12"), true), day_number(1996, 12, 31));
        assert_eq!(term_bound(Some("1996-02"), false), day_number(1996, 2, 1));
        assert_eq!(term_bound(None, false), i64::MAX);
    }
}
