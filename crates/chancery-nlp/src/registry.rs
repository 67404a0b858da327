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
    #[serde(skip)]
    last_article: String,
}

/// How many pieces of evidence a role keeps.
const EVIDENCE_KEPT: usize = 5;

/// People merged across articles.
#[derive(Debug, Clone, Default)]
pub struct Registry {
    people: Vec<Person>,
    /// `country|name key` (full names and aliases) → person.
    by_key: HashMap<String, usize>,
    /// `country|surname key` → people with that surname.
    by_surname: HashMap<String, Vec<usize>>,
}

fn date_of(published: Option<&str>) -> Option<String> {
    published
        .and_then(|p| p.get(..10).or(Some(p)))
        .map(str::to_string)
}

fn keyed(country: Option<&str>, name: &str) -> String {
    format!("{}|{}", country.unwrap_or(""), name_key(name))
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

    /// Adds one sighting; sightings should come oldest first.
    pub fn add(&mut self, sighting: Sighting<'_>) {
        let key = keyed(sighting.country, sighting.name);
        if key.ends_with('|') {
            return;
        }
        let single_word = !sighting.name.trim().contains(char::is_whitespace);
        let found = self.by_key.get(&key).copied().or_else(|| {
            // A bare surname joins the one person of that country with it.
            match self.by_surname.get(&key).map(Vec::as_slice) {
                Some([only]) if single_word => Some(*only),
                _ => None,
            }
        });
        let index = match found {
            Some(index) => index,
            None => {
                if single_word {
                    // A lone surname nobody has yet is not a person to register.
                    return;
                }
                self.people.push(Person {
                    name: sighting.name.to_string(),
                    aliases: Vec::new(),
                    country: sighting.country.map(str::to_string),
                    actor_code: None,
                    articles: 0,
                    first_seen: None,
                    last_seen: None,
                    roles: Vec::new(),
                    actor_codes: HashMap::new(),
                    last_article: String::new(),
                });
                let index = self.people.len() - 1;
                self.by_key.insert(key, index);
                if let Some(surname) = sighting.name.split_whitespace().last() {
                    self.by_surname
                        .entry(keyed(sighting.country, surname))
                        .or_default()
                        .push(index);
                }
                index
            }
        };
        for alias in sighting.aliases {
            let alias_key = keyed(sighting.country, alias);
            if alias.contains(char::is_whitespace) {
                self.by_key.entry(alias_key).or_insert(index);
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
