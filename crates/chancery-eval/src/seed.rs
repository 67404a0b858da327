//! `chancery eval seed`: the acceptance checks DESIGN.md sets for the
//! motivating article (`../shared/examples/seed-article.txt`), run on the real
//! file. Later stages (entities, quotes, events) add their checks here.

use std::path::{Path, PathBuf};

use chancery_extract::{extract, Input, Options};
use chancery_model::{Analysis, Article, BlockKind, Entity, EntityKind};
use serde::Serialize;

use crate::EvalError;

/// One named expectation and whether the article meets it.
#[derive(Debug, Clone, Serialize)]
pub struct Check {
    /// What is expected.
    pub name: String,
    /// Whether it holds.
    pub passed: bool,
    /// What was seen.
    pub seen: String,
}

/// The seed file beside the bench folder: `<bench>/../examples/seed-article.txt`.
pub fn default_seed_path(bench: &Path) -> PathBuf {
    bench.join("../examples/seed-article.txt")
}

/// Extracts the seed and checks it.
pub fn check_seed(path: &Path) -> Result<Vec<Check>, EvalError> {
    let bytes = std::fs::read(path).map_err(|source| EvalError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    let input = Input {
        bytes: &bytes,
        source: Some(path.display().to_string()),
        ..Input::default()
    };
    let article = extract(&input, &Options::default()).map_err(|e| EvalError::Format {
        path: path.to_path_buf(),
        problem: e.to_string(),
    })?;
    let mut all = checks(&article);
    let analysis = chancery_nlp::Analyzer::new().analyze(article);
    all.extend(entity_checks(&analysis));
    all.extend(quote_checks(&analysis));
    all.extend(event_checks(&analysis));
    Ok(all)
}

/// The events DESIGN.md lists for the seed.
pub fn event_checks(analysis: &Analysis) -> Vec<Check> {
    use chancery_model::Modality;
    let code_of = |actor: &Option<chancery_model::EventActor>| {
        actor
            .as_ref()
            .and_then(|a| a.code.clone())
            .unwrap_or_default()
    };
    let describe = |e: &chancery_model::Event| {
        format!(
            "{} {:?} {}→{}",
            e.code,
            e.modality,
            code_of(&e.source),
            code_of(&e.target)
        )
    };
    let between = |e: &chancery_model::Event, a: &str, b: &str| {
        let (s, t) = (code_of(&e.source), code_of(&e.target));
        (s.starts_with(a) && t.starts_with(b)) || (s.starts_with(b) && t.starts_with(a))
    };
    let visit = analysis.events.iter().find(|e| {
        e.code == "042"
            && code_of(&e.source).starts_with("IRN")
            && code_of(&e.target).starts_with("RUS")
            && e.modality == Modality::Planned
    });
    let meeting = analysis.events.iter().find(|e| {
        (e.code == "036" || e.code.starts_with("04") && !matches!(e.code.as_str(), "042" | "043"))
            && between(e, "IRN", "RUS")
            && e.modality == Modality::Planned
    });
    let approval = analysis
        .events
        .iter()
        .find(|e| e.code == "057" && code_of(&e.source) == "RUSLEG");
    let all: Vec<String> = analysis.events.iter().map(describe).collect();
    // A side is missing where the coder found no actor code for it; the
    // Duma's ratification has one side by nature.
    let one_sided: Vec<String> = analysis
        .events
        .iter()
        .filter(|e| {
            e.code != "057" && (code_of(&e.source).is_empty() || code_of(&e.target).is_empty())
        })
        .map(describe)
        .collect();
    vec![
        Check {
            name: "at most 6 events (one planned visit told five times is one event)".into(),
            passed: analysis.events.len() <= 6,
            seen: format!("{}: {}", analysis.events.len(), all.join("; ")),
        },
        Check {
            name: "no event with a missing side".into(),
            passed: one_sided.is_empty(),
            seen: if one_sided.is_empty() {
                "none".into()
            } else {
                one_sided.join("; ")
            },
        },
        Check {
            name: "event IRN→RUS make a visit (042), planned".into(),
            passed: visit.is_some(),
            seen: visit.map_or_else(|| all.join("; "), describe),
        },
        Check {
            name: "event RUS–IRN meeting (036/04x), planned".into(),
            passed: meeting.is_some(),
            seen: meeting.map_or_else(|| all.join("; "), describe),
        },
        Check {
            name: "event RUSLEG ratifies the agreement (057): the Duma's approval".into(),
            passed: approval.is_some(),
            seen: approval.map_or_else(|| all.join("; "), describe),
        },
    ]
}

/// The four direct quotes DESIGN.md lists for the seed, each with its speaker.
pub fn quote_checks(analysis: &Analysis) -> Vec<Check> {
    let expected = [
        ("The purpose of my trip", "Abbas Araghchi"),
        ("Mr. Araghchi will head to Russia", "Esmaeil Baghaei Kani"),
        ("We are expecting Iranian colleagues", "Maria Zakharova"),
        (
            "This has been a Foreign Ministry priority",
            "Esmaeil Baghaei Kani",
        ),
    ];
    let text = &analysis.article.text;
    let speaker_name = |id: &Option<String>| {
        id.as_ref()
            .and_then(|id| analysis.entities.iter().find(|e| &e.id == id))
            .map_or("-".to_string(), |e| e.name.clone())
    };
    let mut checks = Vec::new();
    for (opening, speaker) in expected {
        let quote = analysis.quotes.iter().find(|q| {
            q.kind == chancery_model::QuoteKind::Direct
                && text
                    .get(q.span.start..q.span.end)
                    .is_some_and(|t| t.starts_with(opening))
        });
        checks.push(Check {
            name: format!("quote \"{opening}…\" by {speaker}"),
            passed: quote.is_some_and(|q| speaker_name(&q.speaker) == speaker),
            seen: quote.map_or("missing".to_string(), |q| {
                format!(
                    "{} via {:?} ({})",
                    speaker_name(&q.speaker),
                    q.speaker_text.as_deref().unwrap_or("-"),
                    q.cue.as_ref().map_or("-", |c| c.text.as_str())
                )
            }),
        });
    }
    let direct = analysis
        .quotes
        .iter()
        .filter(|q| q.kind == chancery_model::QuoteKind::Direct)
        .count();
    checks.push(Check {
        name: "exactly four direct quotes".into(),
        passed: direct == 4,
        seen: direct.to_string(),
    });
    checks
}

/// The people, roles, countries and organizations DESIGN.md lists for the seed.
pub fn entity_checks(analysis: &Analysis) -> Vec<Check> {
    let mut checks = Vec::new();
    let entities = &analysis.entities;
    let person = |name: &str| {
        entities
            .iter()
            .find(|e| e.kind == EntityKind::Person && e.name == name)
    };
    let describe = |e: Option<&Entity>| match e {
        None => "missing".to_string(),
        Some(e) => format!(
            "{} {:?} {} roles [{}] aliases [{}]",
            e.name,
            e.country,
            e.actor_code.as_deref().unwrap_or("-"),
            e.roles
                .iter()
                .map(|r| format!("{} of {}", r.title, r.of.as_deref().unwrap_or("?")))
                .collect::<Vec<_>>()
                .join("; "),
            e.aliases.join(", ")
        ),
    };
    let expected: [(&str, &str, &[&str]); 5] = [
        (
            "Abbas Araghchi",
            "IRN",
            &["Foreign Minister", "Deputy Foreign Minister"],
        ),
        ("Vladimir Putin", "RUS", &["President"]),
        ("Esmaeil Baghaei Kani", "IRN", &["Spokesperson"]),
        ("Sergey Lavrov", "RUS", &["Foreign Minister"]),
        ("Maria Zakharova", "RUS", &["Spokesperson"]),
    ];
    for (name, country, titles) in expected {
        let found = person(name);
        let ok = found.is_some_and(|e| {
            e.country.as_deref() == Some(country)
                && e.actor_code.as_deref() == Some(&format!("{country}GOV"))
                && titles.iter().all(|t| e.roles.iter().any(|r| r.title == *t))
        });
        checks.push(Check {
            name: format!("person {name} ({country}GOV; {})", titles.join(", ")),
            passed: ok,
            seen: describe(found),
        });
    }
    let baghaei_alias =
        person("Esmaeil Baghaei Kani").is_some_and(|e| e.aliases.iter().any(|a| a == "Baghaei"));
    checks.push(Check {
        name: "\"Baghaei\" is Esmaeil Baghaei Kani".into(),
        passed: baghaei_alias,
        seen: describe(person("Esmaeil Baghaei Kani")),
    });
    let people: Vec<&str> = entities
        .iter()
        .filter(|e| e.kind == EntityKind::Person)
        .map(|e| e.name.as_str())
        .collect();
    checks.push(Check {
        name: "exactly the five people".into(),
        passed: people.len() == 5,
        seen: people.join(", "),
    });
    for (country, surface) in [
        ("IRN", ["Iranian", "Tehran"]),
        ("RUS", ["Russian", "Moscow"]),
    ] {
        let entity = entities
            .iter()
            .find(|e| e.kind == EntityKind::Country && e.country.as_deref() == Some(country));
        let text = &analysis.article.text;
        let forms: Vec<&str> = entity
            .map(|e| {
                e.mentions
                    .iter()
                    .filter(|m| m.span.field == chancery_model::TextField::Text)
                    .filter_map(|m| text.get(m.span.start..m.span.end))
                    .collect()
            })
            .unwrap_or_default();
        checks.push(Check {
            name: format!(
                "country {country} also via {} and {}",
                surface[0], surface[1]
            ),
            passed: surface.iter().all(|s| forms.contains(s)),
            seen: format!("{} mentions", forms.len()),
        });
    }
    let organizations: Vec<String> = entities
        .iter()
        .filter(|e| e.kind == EntityKind::Organization)
        .map(|e| format!("{} ({})", e.name, e.actor_code.as_deref().unwrap_or("-")))
        .collect();
    let has_org = |code: &str, word: &str| {
        entities.iter().any(|e| {
            e.kind == EntityKind::Organization
                && e.actor_code.as_deref() == Some(code)
                && e.name.contains(word)
        })
    };
    checks.push(Check {
        name: "organizations: the Duma (RUSLEG) and both foreign ministries".into(),
        passed: has_org("RUSLEG", "Duma")
            && has_org("IRNGOV", "Ministry")
            && has_org("RUSGOV", "Ministry"),
        seen: organizations.join(", "),
    });
    let invented: Vec<&str> = entities
        .iter()
        .filter(|e| {
            matches!(
                e.kind,
                EntityKind::Person | EntityKind::Organization | EntityKind::Place
            )
        })
        .map(|e| e.name.as_str())
        .filter(|name| {
            ![
                "Abbas Araghchi",
                "Vladimir Putin",
                "Esmaeil Baghaei Kani",
                "Sergey Lavrov",
                "Maria Zakharova",
            ]
            .contains(name)
                && !name.contains("Ministry")
                && !name.contains("Duma")
                && *name != "Middle East"
        })
        .collect();
    checks.push(Check {
        name: "nothing invented from title-case words".into(),
        passed: invented.is_empty(),
        seen: if invented.is_empty() {
            "none".into()
        } else {
            invented.join(", ")
        },
    });
    checks
}

/// The extraction expectations of DESIGN.md for the seed.
pub fn checks(article: &Article) -> Vec<Check> {
    let mut checks = Vec::new();
    let mut check = |name: &str, passed: bool, seen: String| {
        checks.push(Check {
            name: name.to_string(),
            passed,
            seen,
        });
    };
    let title = article.title.clone().unwrap_or_default();
    check("a title", !title.is_empty(), title.clone());
    let title_in_body = !title.is_empty() && article.text.contains(&title);
    check(
        "title once (not repeated in the body)",
        !title_in_body,
        format!("title in body: {title_in_body}"),
    );
    check(
        "duplicated_title flagged",
        article.flags.duplicated_title,
        article.flags.duplicated_title.to_string(),
    );
    let list_items = article
        .paragraphs
        .iter()
        .filter(|b| b.kind == BlockKind::ListItem)
        .count();
    check(
        "3 list items (the key points)",
        list_items == 3,
        list_items.to_string(),
    );
    check(
        "6 related items",
        article.related.len() == 6,
        article.related.len().to_string(),
    );
    let stubs = article.related.iter().filter(|r| r.stub).count();
    check("2 related stubs", stubs == 2, stubs.to_string());
    let leak = ["Similar Posts", "will be expanded", "Namibia"]
        .into_iter()
        .find(|s| article.text.contains(s));
    check(
        "no related or stub text in the body",
        leak.is_none(),
        leak.unwrap_or("none").to_string(),
    );
    check(
        "article not flagged as a stub",
        !article.flags.stub,
        article.flags.stub.to_string(),
    );
    let paragraphs = article
        .paragraphs
        .iter()
        .filter(|b| b.kind == BlockKind::Paragraph)
        .count();
    check(
        "body paragraphs kept",
        paragraphs >= 8,
        paragraphs.to_string(),
    );
    checks
}
