//! Writing a batch into PostgreSQL, with the SQLite store's semantics and
//! safe beside other writers.
//!
//! **Near-duplicates across writers.** Two writers storing copies of one
//! story at the same moment would each look in the LSH buckets, find no
//! committed original, and both store theirs as first-seen. So a batch
//! first upserts a row in `dedup_locks` for every LSH band key of its
//! documents (and the content hash of those too short for a signature),
//! in key order, in one statement: `INSERT … ON CONFLICT (key) DO UPDATE`
//! locks each row until the batch commits. Near-duplicates share a band
//! key (that is how LSH finds them at all), so a second writer holding a
//! copy waits on the first's key, then reads its committed original from
//! the buckets and stores the copy pointing at it. Keys taken in one
//! order cannot deadlock; writers whose documents share no key do not
//! wait for each other.
//!
//! **Idempotent by id.** `INSERT … ON CONFLICT DO NOTHING` on the unique
//! `doc_id` and `external_id`: an article another writer stored (or is
//! storing) meanwhile comes back as a duplicate, never as a second row.
//! The aggregate `places` rows are upserted once per batch in key order.

use std::collections::{BTreeMap, HashMap, HashSet};

use chancery_model::{Analysis, Geo};
use postgres::{Client, Statement, Transaction};

use crate::fingerprint::{signature_to_bytes, Fingerprint};
use crate::pg::{Failed, PgResult};
use crate::places::ArticlePlaces;
use crate::rollup::Engine;
use crate::store::{flags_set, name_of, span_text, Best, Seen, SignatureCache};
use crate::{Document, Outcome};

/// The statements of a write, prepared once per connection.
pub(crate) struct Statements {
    writing: Statement,
    lock: Statement,
    by_doc_id: Statement,
    by_external_id: Statement,
    buckets: Statement,
    signatures: Statement,
    same_content: Statement,
    insert_article: Statement,
    entities: Statement,
    quotes: Statement,
    events: Statement,
    places: Statement,
    /// The rollups' upserts (`crate::rollup`), for the batch's ids in `$1`.
    rollups: Vec<Statement>,
}

impl Statements {
    pub(crate) fn prepare(client: &mut Client) -> PgResult<Statements> {
        let at = Failed::at("preparing the store's statements");
        let mut prepare = |sql: &str| client.prepare(sql).map_err(at);
        Ok(Statements {
            writing: prepare("SELECT pg_advisory_xact_lock_shared($1)")?,
            lock: prepare(
                // `DO UPDATE … WHERE false` locks the existing row without
                // writing a new version of it (PostgreSQL locks every
                // conflicting row before it weighs the condition).
                "INSERT INTO dedup_locks (key) SELECT k FROM unnest($1::bigint[]) AS k ORDER BY k \
                 ON CONFLICT (key) DO UPDATE SET key = excluded.key WHERE false",
            )?,
            by_doc_id: prepare("SELECT id FROM articles WHERE doc_id = $1")?,
            by_external_id: prepare("SELECT id FROM articles WHERE external_id = $1")?,
            buckets: prepare(
                "SELECT DISTINCT article FROM lsh_buckets WHERE key = ANY($1::integer[])",
            )?,
            signatures: prepare("SELECT id, minhash FROM articles WHERE id = ANY($1::bigint[])")?,
            same_content: prepare(
                "SELECT coalesce(duplicate_of, id) FROM articles WHERE content_hash = $1 \
                 ORDER BY id LIMIT 1",
            )?,
            // The article, its checksum and (for a first-seen copy) its
            // LSH buckets in one round trip.
            insert_article: prepare(
                "WITH stored AS ( \
                     INSERT INTO articles (doc_id, external_id, url, canonical_url, \
                     content_hash, simhash, minhash, title, published, published_precision, \
                     source, site, language, text, analysis, duplicate_of, similarity, is_stub, \
                     flags, ingested_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, \
                     $16, $17, $18, $19, to_char(clock_timestamp() AT TIME ZONE 'UTC', \
                     'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')) \
                     ON CONFLICT DO NOTHING RETURNING id), \
                 checksum AS ( \
                     INSERT INTO content_checksums (article, checksum) \
                     SELECT id, $20 FROM stored), \
                 buckets AS ( \
                     INSERT INTO lsh_buckets (key, article) \
                     SELECT k, id FROM stored, unnest($21::integer[]) AS k \
                     ON CONFLICT DO NOTHING) \
                 SELECT id FROM stored",
            )?,
            entities: prepare(
                "INSERT INTO entities (article, local_id, name, kind, country, actor_code, \
                 aliases, roles, mentions) \
                 SELECT $1, u.local_id, u.name, u.kind, u.country, u.actor_code, u.aliases, \
                        u.roles, u.mentions \
                 FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], \
                             $7::text[], $8::text[], $9::bigint[]) WITH ORDINALITY \
                      AS u(local_id, name, kind, country, actor_code, aliases, roles, mentions, n) \
                 ORDER BY u.n RETURNING id, local_id",
            )?,
            quotes: prepare(
                "INSERT INTO quotes (article, kind, start, \"end\", text, speaker, speaker_text, \
                 cue, confidence) \
                 SELECT $1, u.kind, u.s, u.e, u.text, u.speaker, u.speaker_text, u.cue, \
                        u.confidence \
                 FROM unnest($2::text[], $3::bigint[], $4::bigint[], $5::text[], $6::bigint[], \
                             $7::text[], $8::text[], $9::float8[]) WITH ORDINALITY \
                      AS u(kind, s, e, text, speaker, speaker_text, cue, confidence, n) \
                 ORDER BY u.n",
            )?,
            events: prepare(&events_sql())?,
            places: prepare(
                "INSERT INTO places (id, geonames_id, name, name_key, full_name, feature_class, \
                 feature_code, lat, lon, country, country_fips, adm1, articles, events) \
                 SELECT * FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[], \
                     $5::text[], $6::text[], $7::text[], $8::float8[], $9::float8[], $10::text[], \
                     $11::text[], $12::text[], $13::bigint[], $14::bigint[]) \
                 ON CONFLICT (id) DO UPDATE SET articles = places.articles + excluded.articles, \
                     events = places.events + excluded.events",
            )?,
            rollups: crate::rollup::upserts("= ANY($1::bigint[])", Engine::Postgres)
                .iter()
                .map(|sql| prepare(sql))
                .collect::<PgResult<_>>()?,
        })
    }
}

/// The insert of an article's events from one array per column, in the
/// analysis' order (an event's position is the rank of its row id).
fn events_sql() -> String {
    const COLUMNS: [(&str, &str); 29] = [
        ("code", "text"),
        ("root", "text"),
        ("quad_class", "bigint"),
        ("goldstein", "float8"),
        ("plover_type", "text"),
        ("plover_mode", "text"),
        ("source_code", "text"),
        ("source_entity", "bigint"),
        ("target_code", "text"),
        ("target_entity", "bigint"),
        ("modality", "text"),
        ("date", "text"),
        ("date_precision", "text"),
        ("location", "text"),
        ("field", "text"),
        ("trigger_start", "bigint"),
        ("trigger_end", "bigint"),
        ("evidence_start", "bigint"),
        ("evidence_end", "bigint"),
        ("evidence", "text"),
        ("mentions", "bigint"),
        ("confidence", "float8"),
        ("location_place", "text"),
        ("location_geonames_id", "bigint"),
        ("location_name", "text"),
        ("location_lat", "float8"),
        ("location_lon", "float8"),
        ("location_country", "text"),
        ("location_basis", "text"),
    ];
    let names: Vec<&str> = COLUMNS.iter().map(|(name, _)| *name).collect();
    let arrays: Vec<String> = COLUMNS
        .iter()
        .enumerate()
        .map(|(i, (_, kind))| format!("${}::{kind}[]", i + 2))
        .collect();
    let picked: Vec<String> = names.iter().map(|name| format!("u.{name}")).collect();
    format!(
        "INSERT INTO events (article, {columns}) SELECT $1, {picked} \
         FROM unnest({arrays}) WITH ORDINALITY AS u({columns}, n) ORDER BY u.n",
        columns = names.join(", "),
        picked = picked.join(", "),
        arrays = arrays.join(", "),
    )
}

/// A place's counts over a batch, for one upsert of the aggregate.
struct PlaceSum {
    geo: Geo,
    articles: i64,
    events: i64,
}

/// Writes `documents` in one transaction (see the module docs).
pub(crate) fn batch(
    client: &mut Client,
    statements: &Statements,
    documents: &[Document],
    opened_at: i64,
    (cached, seen): (&SignatureCache, &mut Seen),
) -> PgResult<Vec<Outcome>> {
    let at = Failed::at("writing a batch");
    let mut tx = client.transaction().map_err(at)?;
    // Held until commit: the story clusterer's horizon waits for no batch
    // in flight (see `pg::stories`).
    tx.execute(&statements.writing, &[&super::stories::WRITE_LOCK])
        .map_err(at)?;
    let mut keys: Vec<i64> = documents.iter().flat_map(lock_keys).collect();
    keys.sort_unstable();
    keys.dedup();
    tx.execute(&statements.lock, &[&keys])
        .map_err(Failed::at("taking the batch's near-duplicate keys"))?;
    let mut places = BTreeMap::new();
    let mut outcomes = Vec::with_capacity(documents.len());
    for document in documents {
        outcomes.push(write_one(
            &mut tx,
            statements,
            document,
            opened_at,
            (cached, &mut *seen),
            &mut places,
        )?);
    }
    tally_places(&mut tx, statements, places)?;
    // Last, so the rows every writer updates are locked only briefly.
    let stored = crate::store::stored_ids(&outcomes);
    if !stored.is_empty() {
        for rollup in &statements.rollups {
            tx.execute(rollup, &[&stored])
                .map_err(Failed::at("adding the batch to the rollups"))?;
        }
    }
    tx.commit().map_err(Failed::at("committing a batch"))?;
    Ok(outcomes)
}

/// The `dedup_locks` keys of a document: its LSH band keys, or the content
/// hash of a text too short for a signature (equal short texts are
/// near-duplicates by it).
fn lock_keys(document: &Document) -> Vec<i64> {
    let fingerprint = document.fingerprint();
    if fingerprint.minhash.is_some() {
        fingerprint.band_keys()
    } else {
        vec![fingerprint.content_hash as i64]
    }
}

/// What is stored under an id or external id already, if anything.
fn existing(
    tx: &mut Transaction<'_>,
    statements: &Statements,
    document: &Document,
    opened_at: i64,
) -> PgResult<Option<Outcome>> {
    let at = Failed::at("looking up an article");
    let article = &document.analysis().article;
    if let Some(row) = tx
        .query_opt(&statements.by_doc_id, &[&article.id])
        .map_err(at)?
    {
        let existing: i64 = row.get(0);
        return Ok(Some(Outcome::Duplicate {
            article: existing,
            stored_before: existing <= opened_at,
        }));
    }
    if let Some(external_id) = &article.external_id {
        if let Some(row) = tx
            .query_opt(&statements.by_external_id, &[external_id])
            .map_err(at)?
        {
            return Ok(Some(Outcome::ExternalIdTaken {
                external_id: external_id.clone(),
                article: row.get(0),
            }));
        }
    }
    Ok(None)
}

fn write_one(
    tx: &mut Transaction<'_>,
    statements: &Statements,
    document: &Document,
    opened_at: i64,
    (cached, seen): (&SignatureCache, &mut Seen),
    places: &mut BTreeMap<String, PlaceSum>,
) -> PgResult<Outcome> {
    if let Some(outcome) = existing(tx, statements, document, opened_at)? {
        return Ok(outcome);
    }
    let article = &document.analysis().article;
    let fingerprint = document.fingerprint();
    let keys: Vec<i32> = fingerprint.band_keys().iter().map(|&k| k as i32).collect();
    let original = find_original(tx, statements, fingerprint, &keys, (cached, &mut *seen))?;
    let published = article.published.as_ref();
    let checksum =
        crate::verify::content_checksum(article.title.as_deref(), &article.text, document.blob());
    // Only first-seen copies go into the buckets, as in SQLite.
    let bucket_keys: &[i32] = if original.is_none() { &keys } else { &[] };
    let inserted = tx
        .query_opt(
            &statements.insert_article,
            &[
                &article.id,
                &article.external_id,
                &article.url,
                &article.canonical_url,
                &(fingerprint.content_hash as i64),
                &(fingerprint.simhash as i64),
                &fingerprint.minhash.as_ref().map(signature_to_bytes),
                &article.title,
                &published.map(|p| p.value.as_str()),
                &published.map(|p| name_of(&p.precision)),
                &article.source,
                &article.site,
                &article.language,
                &article.text,
                &document.blob(),
                &original.map(|(id, _)| id),
                &original.map(|(_, similarity)| similarity),
                &article.flags.stub,
                &flags_set(&article.flags),
                &checksum,
                &bucket_keys,
            ],
        )
        .map_err(Failed::at("storing an article"))?;
    let Some(row) = inserted else {
        // Another writer stored it (or its external id) after the look-up
        // above: we waited for its commit, so it is there now.
        return existing(tx, statements, document, opened_at)?.ok_or_else(|| {
            Failed::Store(crate::StoreError::Conflict {
                id: article.id.clone(),
            })
        });
    };
    let id: i64 = row.get(0);
    if original.is_none() {
        if let Some(signature) = &fingerprint.minhash {
            seen.push((id, Box::from(&signature[..])));
        }
    }
    let analysis = document.analysis();
    let located = crate::places::locate(
        &analysis.places,
        &analysis.event_places,
        analysis.events.len(),
    );
    write_annotations(tx, statements, id, analysis, &located)
        .map_err(Failed::at("storing annotations"))?;
    if original.is_none() {
        add_places(located, places);
    }
    Ok(Outcome::Stored {
        article: id,
        duplicate_of: original.map(|(id, _)| id),
    })
}

/// The first-seen article this one is a near-duplicate of, as
/// `store::find_original` decides it: the most similar bucket candidate
/// at or above the threshold, else an equal normalized text.
fn find_original(
    tx: &mut Transaction<'_>,
    statements: &Statements,
    fingerprint: &Fingerprint,
    keys: &[i32],
    (cached, seen): (&SignatureCache, &mut Seen),
) -> PgResult<Option<(i64, f64)>> {
    let at = Failed::at("finding near-duplicates");
    if let Some(signature) = &fingerprint.minhash {
        let candidates: HashSet<i64> = tx
            .query(&statements.buckets, &[&keys])
            .map_err(at)?
            .iter()
            .map(|row| row.get(0))
            .collect();
        let mut best = Best::default();
        let mut unread = Vec::new();
        for &candidate in &candidates {
            match cached.get(candidate) {
                Some(other) => best.consider(signature, candidate, other),
                None => unread.push(candidate),
            }
        }
        if !unread.is_empty() {
            for row in tx.query(&statements.signatures, &[&unread]).map_err(at)? {
                let bytes: Option<&[u8]> = row.get(1);
                best.consider_stored(signature, row.get(0), bytes, seen);
            }
        }
        if best.0.is_some() {
            return Ok(best.0);
        }
    }
    if fingerprint.content_hash != Fingerprint::of("").content_hash {
        let equal = tx
            .query_opt(
                &statements.same_content,
                &[&(fingerprint.content_hash as i64)],
            )
            .map_err(at)?;
        return Ok(equal.map(|row| (row.get(0), 1.0)));
    }
    Ok(None)
}

/// The entity, quote and event rows of an article, each kind in one
/// statement over arrays.
fn write_annotations(
    tx: &mut Transaction<'_>,
    statements: &Statements,
    article_id: i64,
    analysis: &Analysis,
    located: &ArticlePlaces<'_>,
) -> Result<(), postgres::Error> {
    let entities = &analysis.entities;
    let mut entity_ids: HashMap<String, i64> = HashMap::new();
    if !entities.is_empty() {
        let rows = tx.query(
            &statements.entities,
            &[
                &article_id,
                &entities.iter().map(|e| e.id.as_str()).collect::<Vec<_>>(),
                &entities.iter().map(|e| e.name.as_str()).collect::<Vec<_>>(),
                &entities
                    .iter()
                    .map(|e| name_of(&e.kind))
                    .collect::<Vec<_>>(),
                &entities
                    .iter()
                    .map(|e| e.country.as_deref())
                    .collect::<Vec<_>>(),
                &entities
                    .iter()
                    .map(|e| e.actor_code.as_deref())
                    .collect::<Vec<_>>(),
                &entities
                    .iter()
                    .map(|e| json(&e.aliases))
                    .collect::<Vec<_>>(),
                &entities.iter().map(|e| json(&e.roles)).collect::<Vec<_>>(),
                &entities
                    .iter()
                    .map(|e| e.mentions.len() as i64)
                    .collect::<Vec<_>>(),
            ],
        )?;
        for row in rows {
            entity_ids.insert(row.get(1), row.get(0));
        }
    }
    let entity = |local: Option<&String>| local.and_then(|l| entity_ids.get(l.as_str()).copied());

    let quotes = &analysis.quotes;
    if !quotes.is_empty() {
        tx.execute(
            &statements.quotes,
            &[
                &article_id,
                &quotes.iter().map(|q| name_of(&q.kind)).collect::<Vec<_>>(),
                &quotes
                    .iter()
                    .map(|q| q.span.start as i64)
                    .collect::<Vec<_>>(),
                &quotes.iter().map(|q| q.span.end as i64).collect::<Vec<_>>(),
                &quotes
                    .iter()
                    .map(|q| span_text(analysis, &q.span))
                    .collect::<Vec<_>>(),
                &quotes
                    .iter()
                    .map(|q| entity(q.speaker.as_ref()))
                    .collect::<Vec<_>>(),
                &quotes
                    .iter()
                    .map(|q| q.speaker_text.as_deref())
                    .collect::<Vec<_>>(),
                &quotes
                    .iter()
                    .map(|q| q.cue.as_ref().map(|c| c.text.as_str()))
                    .collect::<Vec<_>>(),
                &quotes
                    .iter()
                    .map(|q| f64::from(q.confidence))
                    .collect::<Vec<_>>(),
            ],
        )?;
    }

    if !analysis.events.is_empty() {
        let rows: Vec<EventRow<'_>> = analysis
            .events
            .iter()
            .zip(&located.events)
            .map(|(event, location)| EventRow {
                event,
                at: crate::places::LocationValues::of(location.as_ref()),
                source_entity: entity(event.source.as_ref().and_then(|a| a.entity.as_ref())),
                target_entity: entity(event.target.as_ref().and_then(|a| a.entity.as_ref())),
                evidence: span_text(analysis, &event.evidence),
            })
            .collect();
        let text = |f: fn(&EventRow<'_>) -> Option<String>| rows.iter().map(f).collect::<Vec<_>>();
        let int = |f: fn(&EventRow<'_>) -> Option<i64>| rows.iter().map(f).collect::<Vec<_>>();
        let real = |f: fn(&EventRow<'_>) -> Option<f64>| rows.iter().map(f).collect::<Vec<_>>();
        tx.execute(
            &statements.events,
            &[
                &article_id,
                &text(|r| Some(r.event.code.clone())),
                &text(|r| Some(r.event.root.clone())),
                &int(|r| Some(i64::from(r.event.quad_class))),
                &real(|r| Some(f64::from(r.event.goldstein))),
                &text(|r| r.event.plover.as_ref().map(|p| p.event_type.clone())),
                &text(|r| r.event.plover.as_ref().and_then(|p| p.mode.clone())),
                &text(|r| r.event.source.as_ref().and_then(|a| a.code.clone())),
                &int(|r| r.source_entity),
                &text(|r| r.event.target.as_ref().and_then(|a| a.code.clone())),
                &int(|r| r.target_entity),
                &text(|r| Some(name_of(&r.event.modality))),
                &text(|r| r.event.date.as_ref().map(|d| d.value.clone())),
                &text(|r| r.event.date.as_ref().map(|d| name_of(&d.precision))),
                &text(|r| r.event.location.clone()),
                &text(|r| Some(name_of(&r.event.evidence.field))),
                &int(|r| Some(r.event.trigger.start as i64)),
                &int(|r| Some(r.event.trigger.end as i64)),
                &int(|r| Some(r.event.evidence.start as i64)),
                &int(|r| Some(r.event.evidence.end as i64)),
                &text(|r| r.evidence.map(str::to_string)),
                &int(|r| Some(r.event.mentions.len().max(1) as i64)),
                &real(|r| Some(f64::from(r.event.confidence))),
                &text(|r| r.at.place.map(str::to_string)),
                &int(|r| r.at.geonames_id),
                &text(|r| r.at.name.map(str::to_string)),
                &real(|r| r.at.lat),
                &real(|r| r.at.lon),
                &text(|r| r.at.country.map(str::to_string)),
                &text(|r| r.at.basis.map(str::to_string)),
            ],
        )?;
    }
    Ok(())
}

/// One event with the values its row takes from elsewhere.
struct EventRow<'a> {
    event: &'a chancery_model::Event,
    at: crate::places::LocationValues<'a>,
    source_entity: Option<i64>,
    target_entity: Option<i64>,
    evidence: Option<&'a str>,
}

/// JSON text of the model's lists, as the SQLite store writes them.
fn json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_default()
}

/// Adds a canonical article's places to the batch's sums.
fn add_places(located: ArticlePlaces<'_>, places: &mut BTreeMap<String, PlaceSum>) {
    for place in located.places {
        let sum = places.entry(place.key).or_insert_with(|| PlaceSum {
            geo: place.geo.clone(),
            articles: 0,
            events: 0,
        });
        sum.articles += 1;
        sum.events += place.events as i64;
    }
}

/// The batch's places into the aggregate in one upsert, in key order
/// (so writers updating the same places cannot deadlock).
fn tally_places(
    tx: &mut Transaction<'_>,
    statements: &Statements,
    places: BTreeMap<String, PlaceSum>,
) -> PgResult<()> {
    if places.is_empty() {
        return Ok(());
    }
    let sums: Vec<(&String, &PlaceSum)> = places.iter().collect();
    let geo = |f: fn(&Geo) -> Option<String>| {
        sums.iter()
            .map(|(_, s)| f(&s.geo))
            .collect::<Vec<Option<String>>>()
    };
    tx.execute(
        &statements.places,
        &[
            &sums.iter().map(|(key, _)| key.as_str()).collect::<Vec<_>>(),
            &sums
                .iter()
                .map(|(_, s)| s.geo.geonames_id.and_then(|id| i64::try_from(id).ok()))
                .collect::<Vec<_>>(),
            &geo(|g| Some(g.name.clone())),
            &geo(|g| Some(crate::places::name_key(&g.name))),
            &geo(|g| Some(g.full_name.clone())),
            &geo(|g| Some(g.feature_class.clone())),
            &geo(|g| Some(g.feature_code.clone())),
            &sums.iter().map(|(_, s)| s.geo.lat).collect::<Vec<_>>(),
            &sums.iter().map(|(_, s)| s.geo.lon).collect::<Vec<_>>(),
            &geo(|g| g.country.clone()),
            &geo(|g| g.country_fips.clone()),
            &geo(|g| g.adm1.clone()),
            &sums.iter().map(|(_, s)| s.articles).collect::<Vec<_>>(),
            &sums.iter().map(|(_, s)| s.events).collect::<Vec<_>>(),
        ],
    )
    .map_err(Failed::at("counting places"))?;
    Ok(())
}
