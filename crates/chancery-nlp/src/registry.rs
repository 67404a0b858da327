//! The actor registry: people merged across the articles of a corpus by name
//! and country, with the roles articles give them over time, each backed by
//! evidence. It feeds back into analysis as an office-holder table, so a
//! later article's bare "Korva" resolves to the Foreign Minister of the
//! registry rather than to nobody.

use std::collections::HashMap;

use chancery_model::{Role, TextField};
use serde::Serialize;

use crate::kb::name_key;

/// One person as one article names them (the registry's input).
#[derive(Debug, Clone, Copy)]
pub struct Sighting<'a> {
    /// The article (its stable or external id), for evidence.
    pub article: &'a str,
    /// The article's date (`YYYY-MM-DD…`), when known.
    pub published: Option<&'a str>,
    /// The person's name as the article resolved it.
    pub name: &'a str,
    /// Their country (ISO alpha-3), when known.
    pub country: Option<&'a str>,
    /// Their actor code in that article.
    pub actor_code: Option<&'a str>,
    /// Other names the article used.
    pub aliases: &'a [String],
    /// The roles the article gives them.
    pub roles: &'a [Role],
}

/// Where a role was read: an article and the span of its evidence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Evidence {
    /// The article.
    pub article: String,
    /// The article's date.
    pub date: Option<String>,
    /// Byte offsets of the evidence in the article's text (or title).
    pub start: usize,
    /// End of the evidence.
    pub end: usize,
    /// `title` or `text`.
    pub field: TextField,
}

/// A role over time.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RoleHistory {
    /// The normalized title ("Foreign Minister").
    pub title: String,
    /// The country or organization it is held for.
    pub of: Option<String>,
    /// The earliest article date that gives it.
    pub first_seen: Option<String>,
    /// The latest.
    pub last_seen: Option<String>,
    /// Articles that give it.
    pub articles: usize,
    /// The first few pieces of evidence, oldest first.
    pub evidence: Vec<Evidence>,
}

/// A person of the corpus.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Person {
    /// The fullest name seen.
    pub name: String,
    /// Other names seen.
    pub aliases: Vec<String>,
    /// Country.
    pub country: Option<String>,
    /// The actor code most articles give them.
    pub actor_code: Option<String>,
    /// Articles naming them.
    pub articles: usize,
    /// Earliest and latest article dates.
    pub first_seen: Option<String>,
    /// Latest article date.
    pub last_seen: Option<String>,
    /// Roles, in the order first seen.
    pub roles: Vec<RoleHistory>,
    #[serde(skip)]
    actor_codes: HashMap<String, usize>,
    /// Sightings per country: the person's country is the most frequent.
    #[serde(skip)]
    countries: HashMap<String, usize>,
    /// The sex a form of address told ("Mr", "Mrs"), so "Mrs Brown" never
    /// joins Gordon Brown.
    #[serde(skip)]
    sex: Option<char>,
    /// Known so far only as "Mr Howard": renamed when a full name of a
    /// compatible person arrives.
    #[serde(skip)]
    surname_only: bool,
    #[serde(skip)]
    last_article: String,
}

impl Person {
    /// Every actor code articles gave this person, with how many sightings
    /// gave it, most frequent first (ties by code).
    pub fn actor_codes(&self) -> Vec<(&str, usize)> {
        let mut codes: Vec<(&str, usize)> = self
            .actor_codes
            .iter()
            .map(|(code, n)| (code.as_str(), *n))
            .collect();
        codes.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        codes
    }
}

/// How many pieces of evidence a role keeps.
const EVIDENCE_KEPT: usize = 5;

/// People merged across articles.
#[derive(Debug, Clone, Default)]
pub struct Registry {
    people: Vec<Person>,
    /// Identity key (full names and aliases) → people with it.
    by_key: HashMap<String, Vec<usize>>,
    /// Identity key of the surname → people with that surname.
    by_surname: HashMap<String, Vec<usize>>,
}

fn date_of(published: Option<&str>) -> Option<String> {
    published
        .and_then(|p| p.get(..10).or(Some(p)))
        .map(str::to_string)
}

/// Forms of address that stand before a name without being part of it,
/// with the sex they tell (`m`, `f`) where they tell one.
const HONORIFICS: &[(&str, Option<char>)] = &[
    ("mr", Some('m')),
    ("mister", Some('m')),
    ("mrs", Some('f')),
    ("ms", Some('f')),
    ("miss", Some('f')),
    ("madam", Some('f')),
    ("dr", None),
    ("sir", Some('m')),
    ("dame", Some('f')),
    ("lord", Some('m')),
    ("lady", Some('f')),
    ("prof", None),
    ("professor", None),
    ("rev", None),
];

/// Titles of monarchs and their families and of the Pope: one name after
/// them is a given or regnal name ("Prince Charles", "Pope Benedict").
const ROYAL_TITLES: &[&str] = &[
    "King",
    "Queen",
    "Prince",
    "Crown Prince",
    "Emperor",
    "Pope",
    "Sultan",
    "Emir",
    "Monarch",
];

/// Whether a name opens with a knighthood's form of address ("Sir John",
/// "Dame Judi"), which stands before a given name.
fn knighted(name: &str) -> bool {
    name.split_whitespace()
        .next()
        .is_some_and(|w| w == "Sir" || w == "Dame")
}

/// The name without a leading form of address ("Mr Blair" → "Blair"), and
/// the sex the form tells.
pub fn strip_honorific(name: &str) -> (&str, Option<char>) {
    let name = name.trim();
    if let Some((first, rest)) = name.split_once(char::is_whitespace) {
        let first = first.trim_end_matches('.').to_lowercase();
        if let Some((_, sex)) = HONORIFICS.iter().find(|(h, _)| *h == first) {
            if !rest.trim().is_empty() {
                return (rest.trim(), *sex);
            }
        }
    }
    (name, None)
}

/// A Latin letter without its diacritics (`é` → `e`, `ł` → `l`), for the
/// letters of European names; other characters unchanged.
fn fold_letter(c: char) -> char {
    const FROM: &str =
        "àáâãäåāăąçćĉċčďđèéêëēĕėęěĝğġģĥħìíîïĩīĭįıĵķĺļľŀłñńņňòóôõöøōŏőŕŗřśŝşšţťŧùúûüũūŭůűųŵýÿŷźżžșț";
    const TO: &str = "aaaaaaaaacccccddeeeeeeeeegggghhiiiiiiiiijklllllnnnnoooooooooorrrssssttttuuuuuuuuuuwyyyzzzst";
    match FROM.chars().position(|f| f == c) {
        Some(at) => TO.chars().nth(at).unwrap_or(c),
        None => c,
    }
}

/// One word of a name as identities compare it: lower case, diacritics
/// folded, and the common transliterations of Slavic names made one
/// ("Sergei", "Sergey" → "sergi"; "Dmitry", "Dmitriy", "Dmitri" →
/// "dmitri"; "Alexei", "Aleksey" → "aleksi").
fn identity_word(word: &str) -> String {
    let mut w: String = word.chars().map(fold_letter).collect();
    w = w.replace('x', "ks");
    for ending in ["iy", "ey", "ei", "yy", "ii"] {
        if w.len() > ending.len() + 2 && w.ends_with(ending) {
            w.truncate(w.len() - ending.len());
            w.push('i');
            return w;
        }
    }
    if w.len() > 3 && w.ends_with('y') {
        w.pop();
        w.push('i');
    }
    w
}

/// The key under which the registry takes two names for one person: the
/// name key ([`name_key`]: tokens, lower case) without a form of address,
/// each word with diacritics folded and Slavic transliterations made one.
/// "Mr Sergey Lavrov", "SERGEI LAVROV" and "Sergei Lavrov" share one.
pub fn identity_key(name: &str) -> String {
    let (name, _) = strip_honorific(name);
    name_key(name)
        .split(' ')
        .map(identity_word)
        .collect::<Vec<_>>()
        .join(" ")
}

/// The actor code of a person no article coded, from what the corpus says
/// of them: their country (the one most articles give) and the sector of
/// their most senior office; a leader of a party is the party's (`PTY`)
/// and of its country; an office without a sector gives the country alone.
fn derived_code(person: &Person) -> Option<String> {
    let kb = crate::kb::KnowledgeBase::builtin();
    let mut best: Option<(u8, String, &str)> = None;
    for role in &person.roles {
        let Some(title) = kb.title(&role.title) else {
            continue;
        };
        // The body the role is held for: a party, a country.
        let organization = role.of.as_deref().and_then(|of| {
            kb.lookup(of).iter().find_map(|r| match r {
                crate::kb::KbRef::Organization(o) => Some(&kb.organizations[*o]),
                _ => None,
            })
        });
        let (country, sector) = match organization {
            Some(org) => (org.country.clone(), org.sector.as_deref()),
            None => (
                role.of
                    .as_deref()
                    .filter(|of| kb.country(of).is_some())
                    .map(str::to_string)
                    .or_else(|| person.country.clone()),
                title.sector.as_deref(),
            ),
        };
        let (Some(country), Some(sector)) = (country, sector) else {
            continue;
        };
        if best.as_ref().is_none_or(|(rank, _, _)| title.rank < *rank) {
            best = Some((title.rank, country, sector));
        }
    }
    // Offices that tell no sector ("Director", "Spokesperson") still tell
    // whose: the country alone, as analysis codes such a person.
    best.map(|(_, country, sector)| format!("{country}{sector}"))
        .or_else(|| {
            (!person.roles.is_empty())
                .then(|| person.country.clone())
                .flatten()
        })
}

/// Two countries that do not contradict each other (either unknown, or equal).
fn compatible(a: Option<&str>, b: Option<&str>) -> bool {
    a.is_none() || b.is_none() || a == b
}

impl Registry {
    /// An empty registry.
    pub fn new() -> Registry {
        Registry::default()
    }

    /// The people, in the order first seen.
    pub fn people(&self) -> &[Person] {
        &self.people
    }

    /// Of `candidates`, the person a sighting of `country` and `sex` is:
    /// one of the same country before one of unknown country, then the most
    /// often named.
    fn pick(
        &self,
        candidates: &[usize],
        country: Option<&str>,
        sex: Option<char>,
    ) -> Option<usize> {
        candidates
            .iter()
            .copied()
            .filter(|&i| {
                let p = &self.people[i];
                compatible(p.country.as_deref(), country)
                    && (sex.is_none() || p.sex.is_none() || p.sex == sex)
            })
            .max_by_key(|&i| {
                let p = &self.people[i];
                (
                    country.is_some() && p.country.as_deref() == country,
                    p.articles,
                    usize::MAX - i,
                )
            })
    }

    fn index(&mut self, name: &str, index: usize) {
        let list = self.by_key.entry(identity_key(name)).or_default();
        if !list.contains(&index) {
            list.push(index);
        }
    }

    /// Adds one sighting; sightings should come oldest first.
    ///
    /// Names are compared by [`identity_key`], so case, diacritics,
    /// transliteration and a form of address do not split a person, nor
    /// does a country: a full name is one person, whose country is the one
    /// most articles give. "Mr Howard" alone joins the Howard of the
    /// registry of a compatible country and sex (the only one, or one named
    /// three times as often as any other); with none yet, it is registered
    /// as written and renamed when the full name arrives.
    pub fn add(&mut self, sighting: Sighting<'_>) {
        let (bare, sex) = strip_honorific(sighting.name);
        let key = identity_key(bare);
        if key.is_empty() {
            return;
        }
        let single_word = !bare.contains(char::is_whitespace);
        let honorific = bare.len() < sighting.name.trim().len();
        // "Sir John", "Dame Judi", "Prince Charles", "King Abdullah": one
        // name after a knighthood or a royal title is a given or regnal
        // name, not a surname, so it never joins the Elton John or Ray
        // Charles of the registry; the royal keeps the title in the name.
        let royal = sighting
            .roles
            .iter()
            .find(|r| ROYAL_TITLES.contains(&r.title.as_str()));
        let given_name_only = single_word && (royal.is_some() || knighted(sighting.name));
        let royal_name = royal
            .filter(|_| single_word && !honorific)
            .map(|r| format!("{} {}", r.title, bare));
        let sighting = Sighting {
            name: royal_name.as_deref().unwrap_or(sighting.name),
            ..sighting
        };
        let key = match &royal_name {
            Some(name) => identity_key(name),
            None => key,
        };
        let found = if given_name_only {
            let candidates = self.by_key.get(&key).cloned().unwrap_or_default();
            self.pick(&candidates, sighting.country, sex)
        } else if single_word {
            // A surname joins the one person with it, or the one named
            // three times as often as any other who has it.
            let candidates: Vec<usize> = self
                .by_surname
                .get(&key)
                .into_iter()
                .flatten()
                .copied()
                .filter(|&i| self.pick(&[i], sighting.country, sex).is_some())
                .collect();
            let best = self.pick(&candidates, sighting.country, sex);
            best.filter(|&b| {
                candidates
                    .iter()
                    .all(|&i| i == b || self.people[i].articles * 3 <= self.people[b].articles)
            })
        } else {
            // A full name is one person whatever country an article gave
            // them: two people of one full name are rarer in news than a
            // country read wrong, which the majority then outvotes.
            let candidates = self.by_key.get(&key).cloned().unwrap_or_default();
            self.pick(&candidates, sighting.country, sex)
                .or_else(|| self.pick(&candidates, None, sex))
                .or_else(|| {
                    // "Mr Howard" registered before "Michael Howard" arrived:
                    // the same person, now with a full name.
                    let surname = key.rsplit(' ').next().unwrap_or(&key);
                    let waiting: Vec<usize> = self
                        .by_surname
                        .get(surname)
                        .into_iter()
                        .flatten()
                        .copied()
                        .filter(|&i| self.people[i].surname_only)
                        .collect();
                    let at = self.pick(&waiting, sighting.country, sex)?;
                    let person = &mut self.people[at];
                    let old = std::mem::replace(&mut person.name, sighting.name.trim().to_string());
                    person.surname_only = false;
                    if !person.aliases.contains(&old) {
                        person.aliases.push(old);
                    }
                    Some(at)
                })
        };
        let index = match found {
            Some(index) => index,
            None => {
                if single_word && !honorific && !given_name_only {
                    // A lone surname nobody has yet is not a person to register.
                    return;
                }
                self.people.push(Person {
                    name: sighting.name.trim().to_string(),
                    aliases: Vec::new(),
                    country: sighting.country.map(str::to_string),
                    actor_code: None,
                    articles: 0,
                    first_seen: None,
                    last_seen: None,
                    roles: Vec::new(),
                    actor_codes: HashMap::new(),
                    countries: HashMap::new(),
                    sex: None,
                    surname_only: single_word && !given_name_only,
                    last_article: String::new(),
                });
                let index = self.people.len() - 1;
                if given_name_only {
                    // Not a surname: no later "… John" is this person.
                } else if let Some(surname) = key.rsplit(' ').next() {
                    self.by_surname
                        .entry(surname.to_string())
                        .or_default()
                        .push(index);
                }
                index
            }
        };
        if royal_name.is_none() {
            self.index(bare, index);
        }
        self.index(sighting.name, index);
        for alias in sighting.aliases {
            if strip_honorific(alias).0.contains(char::is_whitespace) {
                self.index(alias, index);
            }
        }
        let date = date_of(sighting.published);
        let person = &mut self.people[index];
        if person.last_article != sighting.article {
            person.articles += 1;
            person.last_article = sighting.article.to_string();
        }
        if person.first_seen.is_none() {
            person.first_seen.clone_from(&date);
        }
        if date.is_some() {
            person.last_seen.clone_from(&date);
        }
        for name in std::iter::once(&sighting.name.to_string()).chain(sighting.aliases) {
            if *name != person.name && !person.aliases.contains(name) {
                person.aliases.push(name.clone());
            }
        }
        if person.sex.is_none() {
            person.sex = sex;
        }
        if let Some(country) = sighting.country {
            *person.countries.entry(country.to_string()).or_default() += 1;
            person.country = person
                .countries
                .iter()
                .max_by(|a, b| a.1.cmp(b.1).then_with(|| b.0.cmp(a.0)))
                .map(|(country, _)| country.clone());
        }
        if let Some(code) = sighting.actor_code {
            *person.actor_codes.entry(code.to_string()).or_default() += 1;
            person.actor_code = person
                .actor_codes
                .iter()
                .max_by(|a, b| a.1.cmp(b.1).then_with(|| b.0.cmp(a.0)))
                .map(|(code, _)| code.clone());
        }
        for role in sighting.roles {
            let history = match person
                .roles
                .iter_mut()
                .position(|r| r.title == role.title && r.of == role.of)
            {
                Some(at) => &mut person.roles[at],
                None => {
                    person.roles.push(RoleHistory {
                        title: role.title.clone(),
                        of: role.of.clone(),
                        first_seen: date.clone(),
                        last_seen: None,
                        articles: 0,
                        evidence: Vec::new(),
                    });
                    person.roles.last_mut().expect("pushed above")
                }
            };
            let new_article = history
                .evidence
                .last()
                .is_none_or(|e| e.article != sighting.article);
            if new_article {
                history.articles += 1;
                if history.evidence.len() < EVIDENCE_KEPT {
                    history.evidence.push(Evidence {
                        article: sighting.article.to_string(),
                        date: date.clone(),
                        start: role.span.start,
                        end: role.span.end,
                        field: role.span.field,
                    });
                }
            }
            if history.first_seen.is_none() {
                history.first_seen.clone_from(&date);
            }
            if date.is_some() {
                history.last_seen.clone_from(&date);
            }
        }
        if person.actor_codes.is_empty() {
            person.actor_code = derived_code(person);
        }
    }

    /// The registry as an office-holder table (docs/KNOWLEDGE_BASE.md) for
    /// analysis: people with a country and a role, each role from its first
    /// sighting on. People seen once with no role teach analysis nothing new.
    /// A surname no other registered person shares is listed as an alias, so
    /// a later article's bare "Korva" finds her.
    pub fn officeholder_table(&self) -> String {
        let mut surnames: HashMap<String, usize> = HashMap::new();
        for person in &self.people {
            if let Some(surname) = person.name.split_whitespace().last() {
                *surnames.entry(name_key(surname)).or_default() += 1;
            }
        }
        let mut table = String::from(
            "# the corpus's actor registry: office holders seen in earlier articles\n\
             name\taliases\tcountry\ttitle\tstart\tend\n",
        );
        let clean = |s: &str| s.replace(['\t', '\n', '\r', '|'], " ");
        for person in &self.people {
            let Some(country) = &person.country else {
                continue;
            };
            for role in &person.roles {
                // A role held for another country or body is not this table's kind of fact.
                if role.of.as_deref().is_some_and(|of| of != country) {
                    continue;
                }
                let mut aliases: Vec<String> = person
                    .aliases
                    .iter()
                    .filter(|a| a.contains(char::is_whitespace))
                    .map(|a| clean(a))
                    .collect();
                let surname = person.name.split_whitespace().last().unwrap_or("");
                // Short surnames ("Li", "Ng") are too often other people.
                if surname.chars().count() > 3 && surnames.get(&name_key(surname)) == Some(&1) {
                    aliases.push(clean(surname));
                }
                table.push_str(&format!(
                    "{}\t{}\t{}\t{}\t{}\t\n",
                    clean(&person.name),
                    aliases.join("|"),
                    clean(country),
                    clean(&role.title),
                    role.first_seen.as_deref().unwrap_or(""),
                ));
            }
        }
        table
    }
}

#[cfg(test)]
mod tests {
    use chancery_model::Span;

    use super::*;

    fn role(title: &str) -> Role {
        Role {
            title: title.into(),
            of: Some("FRD".into()),
            span: Span {
                start: 3,
                end: 20,
                field: TextField::Text,
            },
        }
    }

    fn sighting<'a>(
        article: &'a str,
        date: &'a str,
        name: &'a str,
        aliases: &'a [String],
        roles: &'a [Role],
    ) -> Sighting<'a> {
        Sighting {
            article,
            published: Some(date),
            name,
            country: Some("FRD"),
            actor_code: Some("FRDGOV"),
            aliases,
            roles,
        }
    }

    #[test]
    fn people_merge_across_articles_with_roles_over_time() {
        let mut registry = Registry::new();
        let fm = [role("Foreign Minister")];
        let pm = [role("Prime Minister")];
        registry.add(sighting(
            "a1",
            "2026-01-05T10:00:00Z",
            "Ada Korva",
            &[],
            &fm,
        ));
        registry.add(sighting("a2", "2026-02-01", "Korva", &[], &[]));
        registry.add(sighting("a3", "2026-03-09", "Ada Korva", &[], &pm));
        registry.add(sighting("a4", "2026-03-10", "Brand", &[], &[]));
        let people = registry.people();
        assert_eq!(people.len(), 1, "a lone unknown surname is not registered");
        let ada = &people[0];
        assert_eq!(ada.articles, 3);
        assert_eq!(ada.first_seen.as_deref(), Some("2026-01-05"));
        assert_eq!(ada.last_seen.as_deref(), Some("2026-03-09"));
        assert_eq!(ada.actor_code.as_deref(), Some("FRDGOV"));
        assert_eq!(ada.roles.len(), 2);
        assert_eq!(ada.roles[0].evidence[0].article, "a1");
        assert_eq!(ada.roles[1].first_seen.as_deref(), Some("2026-03-09"));
        let table = registry.officeholder_table();
        assert!(
            table.contains("Ada Korva\tKorva\tFRD\tForeign Minister\t2026-01-05\t\n"),
            "{table}"
        );
        assert!(
            table.contains("Ada Korva\tKorva\tFRD\tPrime Minister\t2026-03-09\t\n"),
            "{table}"
        );
    }

    fn bare<'a>(article: &'a str, name: &'a str, country: Option<&'a str>) -> Sighting<'a> {
        Sighting {
            article,
            published: Some("2005-01-01"),
            name,
            country,
            actor_code: None,
            aliases: &[],
            roles: &[],
        }
    }

    #[test]
    fn forms_of_address_case_and_countries_do_not_split_a_person() {
        let mut registry = Registry::new();
        // "Mr Howard" before his full name: registered as written, then
        // renamed when "Michael Howard" arrives.
        registry.add(bare("a1", "Mr Howard", None));
        registry.add(bare("a2", "Michael Howard", Some("GBR")));
        registry.add(bare("a3", "Tony Blair", Some("GBR")));
        registry.add(bare("a4", "Mr Blair", None));
        registry.add(bare("a5", "TONY BLAIR", None));
        registry.add(bare("a6", "Tony Blair", Some("USA")));
        registry.add(bare("a7", "Tony Blair", Some("GBR")));
        let people = registry.people();
        assert_eq!(people.len(), 2, "{people:#?}");
        let howard = &people[0];
        assert_eq!(howard.name, "Michael Howard");
        assert_eq!(howard.articles, 2);
        assert!(howard.aliases.contains(&"Mr Howard".to_string()));
        let blair = &people[1];
        assert_eq!(blair.articles, 5);
        assert_eq!(
            blair.country.as_deref(),
            Some("GBR"),
            "the most frequent country"
        );
    }

    #[test]
    fn a_knights_or_royals_one_name_is_no_surname() {
        let mut registry = Registry::new();
        registry.add(bare("a1", "Elton John", Some("GBR")));
        registry.add(bare("a2", "Ray Charles", Some("USA")));
        // "National Audit Office chief Sir John said", "Prince Charles".
        let head = [role("Head")];
        registry.add(Sighting {
            roles: &head,
            ..bare("a3", "Sir John", None)
        });
        let prince = [role("Prince")];
        registry.add(Sighting {
            roles: &prince,
            ..bare("a4", "Charles", None)
        });
        registry.add(Sighting {
            roles: &prince,
            ..bare("a5", "Charles", None)
        });
        let people = registry.people();
        let names: Vec<&str> = people.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(
            names,
            ["Elton John", "Ray Charles", "Sir John", "Prince Charles"]
        );
        assert!(people[0].roles.is_empty() && people[1].roles.is_empty());
        assert_eq!(people[3].articles, 2, "the prince is one person");
        // A surname alone still joins its one holder.
        registry.add(bare("a6", "Mr John", None));
        assert_eq!(registry.people()[0].articles, 2);
    }

    #[test]
    fn mrs_never_joins_a_man_and_ambiguous_surnames_join_no_one() {
        let mut registry = Registry::new();
        registry.add(bare("a1", "Mr Gordon Brown", Some("GBR")));
        registry.add(bare("a2", "Mrs Brown", Some("GBR")));
        let names: Vec<&str> = registry.people().iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["Mr Gordon Brown", "Mrs Brown"]);

        let mut registry = Registry::new();
        registry.add(bare("a1", "Gordon Brown", Some("GBR")));
        registry.add(bare("a2", "Nick Brown", Some("GBR")));
        registry.add(bare("a3", "Brown", Some("GBR")));
        let people = registry.people();
        assert_eq!(people.len(), 2);
        assert!(people.iter().all(|p| p.articles == 1), "{people:#?}");
    }

    #[test]
    fn uncoded_people_take_their_country_and_office() {
        let mut registry = Registry::new();
        let leader = [Role {
            of: Some("Tory".into()),
            ..role("Leader")
        }];
        let pm = [Role {
            of: None,
            ..role("Prime Minister")
        }];
        registry.add(Sighting {
            roles: &leader,
            ..bare("a1", "Michael Howard", None)
        });
        registry.add(Sighting {
            roles: &pm,
            ..bare("a2", "Tony Blair", None)
        });
        registry.add(bare("a3", "Tony Blair", Some("GBR")));
        let codes: Vec<Option<&str>> = registry
            .people()
            .iter()
            .map(|p| p.actor_code.as_deref())
            .collect();
        assert_eq!(codes, [Some("GBRPTY"), Some("GBRGOV")]);
    }

    #[test]
    fn transliterations_and_diacritics_are_one_name() {
        assert_eq!(identity_key("Sergei Lavrov"), identity_key("Sergey Lavrov"));
        assert_eq!(
            identity_key("Dmitry Medvedev"),
            identity_key("Dmitriy Medvedev")
        );
        assert_eq!(
            identity_key("Alexei Navalny"),
            identity_key("Aleksey Navalny")
        );
        assert_eq!(identity_key("Lech Wałęsa"), identity_key("Lech Walesa"));
        assert_eq!(identity_key("Mr. Blair"), identity_key("blair"));
        assert_ne!(identity_key("Tony Blair"), identity_key("Tony Blake"));
    }

    #[test]
    fn the_registry_table_teaches_analysis_a_new_official() {
        let fm = [role("Foreign Minister")];
        let mut roles = fm.clone();
        roles[0].of = Some("FRA".into());
        let mut registry = Registry::new();
        registry.add(Sighting {
            country: Some("FRA"),
            roles: &roles,
            ..sighting("a1", "2026-01-05", "Ada Korvalainen", &[], &fm)
        });
        let table = registry.officeholder_table();
        let kb = crate::kb::KnowledgeBase::with_user_tables(&[("registry".into(), table)]).unwrap();
        let analyzer = crate::Analyzer::with_knowledge_base(kb);
        let article = chancery_model::Article {
            id: "x".into(),
            title: Some("Talks".into()),
            text: "Korvalainen arrived in Berlin on Monday for talks with German officials.".into(),
            ..chancery_model::Article::default()
        };
        let analysis = analyzer.analyze(article);
        let person = analysis
            .entities
            .iter()
            .find(|e| e.name.contains("Korvalainen"))
            .expect("the bare surname is found");
        assert_eq!(person.country.as_deref(), Some("FRA"), "{person:?}");
        assert_eq!(person.actor_code.as_deref(), Some("FRAGOV"), "{person:?}");
    }
}
