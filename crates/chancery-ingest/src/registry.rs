//! The corpus's actor registry, fed back into analysis at ingest.

use chancery_nlp::registry::{Registry, Sighting};
use chancery_store::{AnyReader, PersonSighting, Reader, StoreError};

use crate::IngestError;

/// The registry of the articles of `reader` with an internal id of at most
/// `upto` (an ingest run's fixed point, `Store::begin_run`; `i64::MAX` for
/// all of them).
pub fn registry_upto(reader: &Reader, upto: i64) -> Result<Registry, IngestError> {
    build(|each| reader.for_each_person_upto(upto, each))
}

/// [`registry_upto`] over a store in either backend.
pub fn registry_of(reader: &AnyReader, upto: i64) -> Result<Registry, IngestError> {
    build(|each| reader.for_each_person_upto(upto, each))
}

fn build(
    walk: impl FnOnce(&mut dyn FnMut(PersonSighting)) -> Result<(), StoreError>,
) -> Result<Registry, IngestError> {
    let mut registry = Registry::new();
    walk(&mut |p| {
        let article = p.external_id.as_deref().unwrap_or(&p.doc_id);
        registry.add(Sighting {
            article,
            published: p.published.as_deref(),
            name: &p.name,
            country: p.country.as_deref(),
            actor_code: p.actor_code.as_deref(),
            aliases: &p.aliases,
            roles: &p.roles,
        });
    })
    .map_err(IngestError::at("cannot read the people of the corpus"))?;
    Ok(registry)
}
