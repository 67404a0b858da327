//! The rows the actor registry is built from: every person entity of every
//! canonical article, with the article's date, in date order.

use chancery_model::Role;

use crate::{Reader, StoreError};

/// One person as one article names them.
#[derive(Debug, Clone, PartialEq)]
pub struct PersonSighting {
    /// The article's internal id.
    pub article: i64,
    /// The article's stable id.
    pub doc_id: String,
    /// The caller's id for the article, when ingest was given one.
    pub external_id: Option<String>,
    /// The article's publication date (`YYYY-MM-DD…`), when known.
    pub published: Option<String>,
    /// The person's name as the article resolved it.
    pub name: String,
    /// Their country (ISO alpha-3), when known.
    pub country: Option<String>,
    /// Their CAMEO actor code in that article.
    pub actor_code: Option<String>,
    /// Other names the article used.
    pub aliases: Vec<String>,
    /// Roles the article gives them, with evidence spans into the article.
    pub roles: Vec<Role>,
}

impl Reader {
    /// Calls `each` with every person of every canonical article (near-duplicates
    /// left out, so a syndicated story counts once), oldest article first
    /// (undated articles last), one row at a time.
    pub fn for_each_person(&self, each: impl FnMut(PersonSighting)) -> Result<(), StoreError> {
        self.for_each_person_upto(i64::MAX, each)
    }

    /// [`Reader::for_each_person`] over the articles with an internal id of
    /// at most `upto`: the registry as it stood when an ingest run began
    /// ([`crate::Store::begin_run`]).
    pub fn for_each_person_upto(
        &self,
        upto: i64,
        mut each: impl FnMut(PersonSighting),
    ) -> Result<(), StoreError> {
        let (conn, path) = self.connection();
        let failed =
            |e: rusqlite::Error| StoreError::sqlite(path, "reading the people of the corpus")(e);
        let mut statement = conn
            .prepare(
                "SELECT a.id, a.doc_id, a.external_id, a.published, e.name, e.country, \
                        e.actor_code, e.aliases, e.roles \
                 FROM entities e JOIN articles a ON a.id = e.article \
                 WHERE e.kind = 'person' AND a.duplicate_of IS NULL AND a.id <= ?1 \
                 ORDER BY a.published IS NULL, a.published, a.id, e.id",
            )
            .map_err(failed)?;
        let mut rows = statement.query([upto]).map_err(failed)?;
        while let Some(row) = rows.next().map_err(failed)? {
            let aliases: String = row.get(7).map_err(failed)?;
            let roles: String = row.get(8).map_err(failed)?;
            each(PersonSighting {
                article: row.get(0).map_err(failed)?,
                doc_id: row.get(1).map_err(failed)?,
                external_id: row.get(2).map_err(failed)?,
                published: row.get(3).map_err(failed)?,
                name: row.get(4).map_err(failed)?,
                country: row.get(5).map_err(failed)?,
                actor_code: row.get(6).map_err(failed)?,
                // Written by this crate from the model's own types; a row that
                // does not parse is read as having none rather than failing
                // the whole registry.
                aliases: serde_json::from_str(&aliases).unwrap_or_default(),
                roles: serde_json::from_str(&roles).unwrap_or_default(),
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use chancery_model::{Analysis, Article, Entity, EntityKind, Mention, Span, TextField};

    use crate::{Document, Reader, Store};

    fn article(id: &str, published: &str, people: &[(&str, Option<&str>, &[&str])]) -> Document {
        let mut analysis = Analysis::from_article(Article {
            id: id.into(),
            // Texts far apart, so neither is a near-duplicate of the other.
            text: if id == "a" {
                "The council met on Monday to debate the harbour budget and the ferry timetable."
                    .into()
            } else {
                "Ministers signed a fisheries accord after talks that lasted well into the night."
                    .into()
            },
            published: Some(chancery_model::Published {
                value: published.into(),
                precision: chancery_model::DatePrecision::Day,
                from: "input".into(),
            }),
            ..Article::default()
        });
        analysis.entities = people
            .iter()
            .enumerate()
            .map(|(i, (name, title, aliases))| Entity {
                id: format!("e{i}"),
                name: (*name).into(),
                kind: EntityKind::Person,
                country: Some("FRD".into()),
                actor_code: Some("FRDGOV".into()),
                aliases: aliases.iter().map(|a| (*a).into()).collect(),
                roles: title
                    .map(|t| chancery_model::Role {
                        title: t.into(),
                        of: Some("FRD".into()),
                        span: Span {
                            start: 0,
                            end: 4,
                            field: TextField::Text,
                        },
                    })
                    .into_iter()
                    .collect(),
                mentions: vec![Mention {
                    span: Span {
                        start: 0,
                        end: 4,
                        field: TextField::Text,
                    },
                }],
            })
            .collect();
        Document::new(analysis).unwrap()
    }

    #[test]
    fn people_come_in_date_order_with_roles() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(dir.path()).unwrap();
        store
            .write(&[
                article(
                    "b",
                    "2026-02-01",
                    &[("Ada Korva", Some("Foreign Minister"), &["Korva"])],
                ),
                article(
                    "a",
                    "2026-01-01",
                    &[("Ada Korva", None, &[]), ("Ivo Brand", None, &[])],
                ),
            ])
            .unwrap();
        let reader = Reader::open(dir.path()).unwrap();
        let mut seen = Vec::new();
        reader
            .for_each_person(|p| {
                seen.push((p.published.unwrap(), p.name, p.roles.len(), p.aliases))
            })
            .unwrap();
        assert_eq!(
            seen,
            [
                ("2026-01-01".to_string(), "Ada Korva".to_string(), 0, vec![]),
                ("2026-01-01".to_string(), "Ivo Brand".to_string(), 0, vec![]),
                (
                    "2026-02-01".to_string(),
                    "Ada Korva".to_string(),
                    1,
                    vec!["Korva".to_string()]
                ),
            ]
        );
    }
}
