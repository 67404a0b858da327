//! Entity quality of a corpus, without gold labels: what a reader of the
//! actor registry and the entity lists would notice at once. Suspected
//! duplicates (one actor, several entries), type conflicts (one name, several
//! kinds), code conflicts (one person, several countries), and how many of
//! the people with a role carry an actor code.
//!
//! Every figure is a count of concrete pairs or names, listed, so a change
//! can be checked by reading what moved.

use std::collections::{BTreeMap, HashMap};

use chancery_model::{Analysis, EntityKind};
use chancery_nlp::kb::{initials, is_acronym};
use chancery_nlp::registry::{Person, Registry};
use serde::Serialize;

/// How many examples of each kind a report lists.
const EXAMPLES: usize = 25;

/// The report of `chancery eval entities`.
#[derive(Debug, Clone, Serialize)]
pub struct EntityReport {
    /// What was measured (a data directory).
    pub corpus: String,
    /// Articles read.
    pub articles: usize,
    /// Articles the language gate kept out of analysis.
    pub skipped_for_language: usize,
    /// People in the registry.
    pub people: usize,
    /// How many of the most named people the person figures look at.
    pub top: usize,
    /// Among them: "Mr X" beside a person named "… X".
    pub honorific_duplicates: usize,
    /// Among them: two entries equal but for case or diacritics.
    pub case_duplicates: usize,
    /// Among them: people with at least one role.
    pub people_with_role: usize,
    /// Of those, people with an actor code.
    pub people_with_role_coded: usize,
    /// `people_with_role_coded / people_with_role`.
    pub role_coded_share: f64,
    /// Among them: people whose sightings carry actor codes of more than
    /// one country.
    pub code_conflicts: usize,
    /// Among them: roles that are no office ("Dr.", "King").
    pub non_office_roles: usize,
    /// Names (keys) found as more than one kind of entity across the corpus
    /// (countries and their demonyms apart).
    pub type_conflicts: usize,
    /// Organizations found under two names: names the knowledge base takes
    /// for one organization, or an acronym beside the name it abbreviates
    /// in one article.
    pub acronym_duplicates: usize,
    /// Examples of each count, by the same names.
    pub examples: BTreeMap<String, Vec<String>>,
}

/// Roles that are no office: forms of address and titles of nobility that
/// news uses for people who hold none ("King" of a film director).
const NOT_OFFICES: &[&str] = &[
    "dr", "dr.", "doctor", "king", "queen", "mr", "mrs", "sir", "lord",
];

fn fold(name: &str) -> String {
    chancery_nlp::registry::identity_key(name)
}

/// The name after a form of address ("Mr Blair" → "Blair"), when it has one.
fn honorific_rest(name: &str) -> Option<&str> {
    let (rest, _) = chancery_nlp::registry::strip_honorific(name);
    (rest.len() < name.trim().len()).then_some(rest)
}

/// Scores the registry (built as `chancery entities` builds it) and the
/// analyses of the same corpus.
pub fn evaluate<'a>(
    corpus: &str,
    registry: &Registry,
    analyses: impl IntoIterator<Item = &'a Analysis>,
    top: usize,
) -> EntityReport {
    let mut examples: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut example = |kind: &str, text: String| {
        let list = examples.entry(kind.to_string()).or_default();
        if list.len() < EXAMPLES {
            list.push(text);
        }
    };
    let mut people: Vec<&Person> = registry.people().iter().collect();
    people.sort_by(|a, b| {
        b.articles
            .cmp(&a.articles)
            .then_with(|| a.name.cmp(&b.name))
    });
    people.truncate(top);

    let mut honorific_duplicates = 0;
    let mut case_duplicates = 0;
    let mut by_fold: HashMap<String, &str> = HashMap::new();
    for person in &people {
        match by_fold.get(&fold(&person.name)) {
            Some(other) => {
                case_duplicates += 1;
                example("case_duplicates", format!("{} = {}", person.name, other));
            }
            None => {
                by_fold.insert(fold(&person.name), &person.name);
            }
        }
    }
    for person in &people {
        let Some(rest) = honorific_rest(&person.name) else {
            continue;
        };
        let rest_key = fold(rest);
        let twin = people.iter().find(|other| {
            honorific_rest(&other.name).is_none()
                && other.name.contains(char::is_whitespace)
                && (fold(&other.name) == rest_key
                    || other
                        .name
                        .split_whitespace()
                        .last()
                        .is_some_and(|last| fold(last) == rest_key))
        });
        if let Some(twin) = twin {
            honorific_duplicates += 1;
            example(
                "honorific_duplicates",
                format!("{} = {}", person.name, twin.name),
            );
        }
    }

    let mut people_with_role = 0;
    let mut people_with_role_coded = 0;
    let mut code_conflicts = 0;
    let mut non_office_roles = 0;
    for person in &people {
        if !person.roles.is_empty() {
            people_with_role += 1;
            if person.actor_code.is_some() {
                people_with_role_coded += 1;
            } else {
                example(
                    "role_without_code",
                    format!("{} ({})", person.name, person.roles[0].title),
                );
            }
        }
        let mut countries: Vec<&str> = person
            .actor_codes()
            .iter()
            .filter_map(|(code, _)| code.get(..3))
            .filter(|c| c.chars().all(|c| c.is_ascii_uppercase()))
            .collect();
        countries.sort_unstable();
        countries.dedup();
        if countries.len() > 1 {
            code_conflicts += 1;
            example(
                "code_conflicts",
                format!("{}: {}", person.name, countries.join(" ")),
            );
        }
        for role in &person.roles {
            if NOT_OFFICES.contains(&role.title.to_lowercase().as_str()) {
                non_office_roles += 1;
                example(
                    "non_office_roles",
                    format!("{}: {}", person.name, role.title),
                );
            }
        }
    }

    // Kinds per name over the corpus, and the organizations' names.
    let mut articles = 0;
    let mut skipped_for_language = 0;
    let mut kinds: HashMap<String, (String, BTreeMap<&'static str, usize>)> = HashMap::new();
    let mut organizations: HashMap<String, String> = HashMap::new();
    let mut article_pairs: Vec<String> = Vec::new();
    for analysis in analyses {
        articles += 1;
        if analysis.analysis_skipped.is_some() {
            skipped_for_language += 1;
        }
        for entity in &analysis.entities {
            let kind = match entity.kind {
                EntityKind::Person => "person",
                EntityKind::Organization => "organization",
                // A country and its people share names by nature.
                EntityKind::Country | EntityKind::Group => "country",
                EntityKind::Place => "place",
            };
            let entry = kinds
                .entry(fold(&entity.name))
                .or_insert_with(|| (entity.name.clone(), BTreeMap::new()));
            *entry.1.entry(kind).or_default() += 1;
            if entity.kind == EntityKind::Organization {
                organizations
                    .entry(entity.name.clone())
                    .or_insert_with(|| entity.name.clone());
            }
        }
        let names: Vec<&str> = analysis
            .entities
            .iter()
            .filter(|e| e.kind == EntityKind::Organization)
            .map(|e| e.name.as_str())
            .collect();
        for acronym in names.iter().filter(|n| is_acronym(n)) {
            if let Some(full) = names
                .iter()
                .find(|n| n.contains(' ') && initials(n) == *acronym)
            {
                article_pairs.push(format!("{acronym} = {full}"));
            }
        }
    }
    let mut conflicts: Vec<(usize, String)> = kinds
        .values()
        .filter(|(_, by_kind)| by_kind.len() > 1)
        .map(|(name, by_kind)| {
            let total = by_kind.values().sum();
            let parts: Vec<String> = by_kind.iter().map(|(k, n)| format!("{k} {n}")).collect();
            (total, format!("{name}: {}", parts.join(", ")))
        })
        .collect();
    conflicts.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let type_conflicts = conflicts.len();
    for (_, text) in conflicts.into_iter().take(EXAMPLES) {
        example("type_conflicts", text);
    }
    // Suspected duplicates among organizations: the names the knowledge
    // base takes for one organization, and an acronym found beside the name
    // it abbreviates in one article (the article's own "(OSCE)").
    let kb = chancery_nlp::kb::KnowledgeBase::builtin();
    let mut by_kb: BTreeMap<usize, Vec<String>> = BTreeMap::new();
    for name in organizations.keys() {
        let org = kb.lookup(name).iter().find_map(|r| match r {
            chancery_nlp::kb::KbRef::Organization(o) => Some(*o),
            _ => None,
        });
        if let Some(o) = org {
            by_kb.entry(o).or_default().push(name.clone());
        }
    }
    let mut acronym_pairs: Vec<String> = Vec::new();
    for names in by_kb.values_mut() {
        names.sort();
        names.dedup_by_key(|n| fold(n));
        for other in &names[1..] {
            acronym_pairs.push(format!("{other} = {} (knowledge base)", names[0]));
        }
    }
    acronym_pairs.extend(article_pairs);
    acronym_pairs.sort();
    acronym_pairs.dedup();
    let acronym_duplicates = acronym_pairs.len();
    for pair in acronym_pairs {
        example("acronym_duplicates", pair);
    }

    EntityReport {
        corpus: corpus.to_string(),
        articles,
        skipped_for_language,
        people: registry.people().len(),
        top: people.len(),
        honorific_duplicates,
        case_duplicates,
        people_with_role,
        people_with_role_coded,
        role_coded_share: if people_with_role == 0 {
            0.0
        } else {
            people_with_role_coded as f64 / people_with_role as f64
        },
        code_conflicts,
        non_office_roles,
        type_conflicts,
        acronym_duplicates,
        examples,
    }
}

#[cfg(test)]
mod tests {
    use chancery_model::{Article, Entity, Role, Span};
    use chancery_nlp::registry::Sighting;

    use super::*;

    fn role(title: &str) -> Vec<Role> {
        vec![Role {
            title: title.into(),
            of: None,
            span: Span::new(0, 1),
        }]
    }

    #[test]
    fn initials_skip_function_words() {
        assert_eq!(
            initials("Organization for Security and Co-operation in Europe"),
            "OSCE"
        );
        assert_eq!(initials("United Nations"), "UN");
    }

    #[test]
    fn duplicates_conflicts_and_codes_are_counted() {
        let mut registry = Registry::new();
        let pm = role("Prime Minister");
        let dr = role("Dr.");
        let add = |registry: &mut Registry, article, name, country, code, roles| {
            registry.add(Sighting {
                article,
                published: Some("2005-01-01"),
                name,
                country,
                actor_code: code,
                aliases: &[],
                roles,
            })
        };
        // Kept apart by the registry, and so counted: "Mr Brown" between
        // two Browns named as often, and one full name told as a man's and
        // a woman's. Gordon Brown's office has no country: no code.
        add(&mut registry, "a1", "Gordon Brown", None, None, &pm[..]);
        add(
            &mut registry,
            "a2",
            "Nick Brown",
            Some("GBR"),
            None,
            &[][..],
        );
        add(&mut registry, "a3", "Mr Brown", Some("GBR"), None, &[][..]);
        add(
            &mut registry,
            "a4",
            "Mr Sam Smith",
            Some("GBR"),
            Some("GBRGOV"),
            &dr[..],
        );
        add(
            &mut registry,
            "a5",
            "Mrs SAM SMITH",
            Some("USA"),
            Some("USAGOV"),
            &[][..],
        );
        let entity = |name: &str, kind| Entity {
            id: "e1".into(),
            name: name.into(),
            kind,
            country: None,
            actor_code: None,
            aliases: vec![],
            roles: vec![],
            mentions: vec![],
        };
        let mut one = Analysis::from_article(Article::default());
        one.entities = vec![
            entity("Chelsea", EntityKind::Person),
            entity("United Nations", EntityKind::Organization),
        ];
        let mut two = Analysis::from_article(Article::default());
        two.entities = vec![
            entity("Chelsea", EntityKind::Organization),
            entity("UN", EntityKind::Organization),
        ];
        let report = evaluate("test", &registry, [&one, &two], 500);
        assert_eq!(report.honorific_duplicates, 1, "{:?}", report.examples);
        assert_eq!(report.case_duplicates, 1, "{:?}", report.examples);
        assert_eq!(report.people_with_role, 2);
        assert_eq!(report.people_with_role_coded, 1);
        assert_eq!(report.non_office_roles, 1);
        assert_eq!(report.type_conflicts, 1);
        assert_eq!(report.acronym_duplicates, 1);
    }
}
