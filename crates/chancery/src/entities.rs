//! `chancery entities`: the actor registry of a corpus — people merged across
//! articles with their roles over time and the evidence for each — and the
//! office-holder table it hands back to analysis at the next ingest.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use chancery_nlp::registry::{Person, Registry};
use chancery_store::AnyReader;
use clap::{Args, ValueEnum};

use crate::output::write_json;

#[derive(Debug, Args)]
pub struct EntitiesArgs {
    /// The corpus: a data directory, or a PostgreSQL database as a
    /// postgres:// URL (as for `chancery ingest`); default:
    /// CHANCERY_DATABASE_URL when set, else chancery-data.
    #[arg(long, env = "CHANCERY_DATA")]
    data: Option<PathBuf>,
    /// Only people whose name or alias contains this (case-insensitive).
    #[arg(long)]
    name: Option<String>,
    /// Only people of this country (ISO alpha-3).
    #[arg(long)]
    country: Option<String>,
    /// Only people who held a role whose title contains this (case-insensitive).
    #[arg(long)]
    role: Option<String>,
    /// At most this many people, most often named first.
    #[arg(long, default_value_t = 50)]
    limit: usize,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Format {
    Table,
    Json,
}

/// The registry of the store in `reader`.
pub fn registry(reader: &AnyReader) -> anyhow::Result<Registry> {
    Ok(chancery_ingest::registry_of(reader, i64::MAX)?)
}

fn matches(person: &Person, args: &EntitiesArgs) -> bool {
    let contains = |hay: &str, needle: &str| hay.to_lowercase().contains(&needle.to_lowercase());
    args.name
        .as_deref()
        .is_none_or(|n| contains(&person.name, n) || person.aliases.iter().any(|a| contains(a, n)))
        && args.country.as_deref().is_none_or(|c| {
            person
                .country
                .as_deref()
                .is_some_and(|p| p.eq_ignore_ascii_case(c))
        })
        && args
            .role
            .as_deref()
            .is_none_or(|r| person.roles.iter().any(|role| contains(&role.title, r)))
}

pub fn run(args: EntitiesArgs) -> anyhow::Result<ExitCode> {
    let data = crate::data::resolve(args.data.as_deref());
    let reader = AnyReader::open(&data)?;
    let registry = registry(&reader)?;
    let mut people: Vec<&Person> = registry
        .people()
        .iter()
        .filter(|p| matches(p, &args))
        .collect();
    // Most often named first; ties by name so the order is stable.
    people.sort_by(|a, b| {
        b.articles
            .cmp(&a.articles)
            .then_with(|| a.name.cmp(&b.name))
    });
    people.truncate(args.limit);
    let mut out = std::io::stdout().lock();
    match args.format {
        Format::Json => {
            for person in &people {
                write_json(&mut out, person, false)?;
            }
        }
        Format::Table => {
            if people.is_empty() {
                eprintln!(
                    "chancery: no person in {} matches",
                    crate::data::shown(&data)
                );
            }
            for person in &people {
                writeln!(
                    out,
                    "{}  [{}{}]  {} article{} {}–{}",
                    person.name,
                    person.country.as_deref().unwrap_or("---"),
                    person
                        .actor_code
                        .as_deref()
                        .map(|c| format!(" {c}"))
                        .unwrap_or_default(),
                    person.articles,
                    if person.articles == 1 { "" } else { "s" },
                    person.first_seen.as_deref().unwrap_or("?"),
                    person.last_seen.as_deref().unwrap_or("?"),
                )?;
                for role in &person.roles {
                    writeln!(
                        out,
                        "    {}{}  {}–{}  ({} article{}, first in {})",
                        role.title,
                        role.of
                            .as_deref()
                            .map(|o| format!(" of {o}"))
                            .unwrap_or_default(),
                        role.first_seen.as_deref().unwrap_or("?"),
                        role.last_seen.as_deref().unwrap_or("?"),
                        role.articles,
                        if role.articles == 1 { "" } else { "s" },
                        role.evidence.first().map_or("?", |e| e.article.as_str()),
                    )?;
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
