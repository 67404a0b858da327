//! Where events happened and which places a corpus names (schema version
//! 4): the `location_*` columns of `events` and the `places` table, kept
//! on every write and backfilled from the stored analyses when an older
//! store is upgraded.
//!
//! Both come from the analysis's `places` and `event_places` (resolved by
//! `chancery-geo`); [`locate`] reads them the same way for a new article
//! and for one stored before version 4, so an upgraded store holds what a
//! fresh ingest of the same analyses would.

use std::path::Path;
use std::str::FromStr;

use chancery_model::{EventPlaces, Geo, Place};
use rusqlite::{params, Transaction};
use serde::{Deserialize, Serialize};

use crate::StoreError;

/// The places table and the indexes of its queries and of located events.
/// `id` is GDELT's FeatureID of the feature (a GeoNames id, an ADM1 code
/// such as `USIL`, a country's FIPS code), so the same feature named by
/// many articles is one row; `name_key` is the lower-cased name, for name
/// prefixes by index range.
pub(crate) const PLACES_TABLE: &str = "
CREATE TABLE IF NOT EXISTS places (
    id            TEXT PRIMARY KEY,
    geonames_id   INTEGER,
    name          TEXT NOT NULL,
    name_key      TEXT NOT NULL,
    full_name     TEXT NOT NULL,
    feature_class TEXT NOT NULL,
    feature_code  TEXT NOT NULL,
    lat           REAL NOT NULL,
    lon           REAL NOT NULL,
    country       TEXT,
    country_fips  TEXT,
    adm1          TEXT,
    articles      INTEGER NOT NULL,
    events        INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS places_lat_lon ON places(lat, lon);
CREATE INDEX IF NOT EXISTS places_country ON places(country);
CREATE INDEX IF NOT EXISTS places_name_key ON places(name_key);
CREATE INDEX IF NOT EXISTS events_location_lat
    ON events(location_lat, location_lon) WHERE location_lat IS NOT NULL;
CREATE INDEX IF NOT EXISTS events_location_country
    ON events(location_country) WHERE location_country IS NOT NULL;
";

/// The located columns of `events`, in the order of [`LocationValues`],
/// with their SQL types.
pub(crate) const LOCATION_COLUMNS: [(&str, &str); 7] = [
    ("location_place", "TEXT"),
    ("location_geonames_id", "INTEGER"),
    ("location_name", "TEXT"),
    ("location_lat", "REAL"),
    ("location_lon", "REAL"),
    ("location_country", "TEXT"),
    ("location_basis", "TEXT"),
];

/// A bounding box in WGS84 degrees, written `west,south,east,north` as
/// RFC 7946 orders a `bbox`. A box whose `west` is east of its `east`
/// crosses the antimeridian (`170,-50,-170,-30` spans 20 degrees of the
/// Pacific around longitude 180), as RFC 7946 section 5.2 reads it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct BoundingBox {
    /// Westernmost longitude, −180 to 180.
    pub west: f64,
    /// Southernmost latitude, −90 to 90.
    pub south: f64,
    /// Easternmost longitude, −180 to 180.
    pub east: f64,
    /// Northernmost latitude, −90 to 90, not south of `south`.
    pub north: f64,
}

impl BoundingBox {
    /// Whether the box crosses the antimeridian (`west` > `east`).
    pub fn crosses_antimeridian(&self) -> bool {
        self.west > self.east
    }

    /// Whether a point is inside the box or on its edge.
    pub fn contains(&self, lon: f64, lat: f64) -> bool {
        let lon_inside = if self.crosses_antimeridian() {
            lon >= self.west || lon <= self.east
        } else {
            (self.west..=self.east).contains(&lon)
        };
        lon_inside && (self.south..=self.north).contains(&lat)
    }
}

/// Written back as it is read: `west,south,east,north`.
impl std::fmt::Display for BoundingBox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{},{},{},{}",
            self.west, self.south, self.east, self.north
        )
    }
}

impl FromStr for BoundingBox {
    type Err = String;

    fn from_str(text: &str) -> Result<BoundingBox, String> {
        const SHAPE: &str = "west,south,east,north in degrees, such as 26,36,45,42";
        let parts: Vec<&str> = text.split(',').map(|part| part.trim_matches(' ')).collect();
        let [west, south, east, north] = parts.as_slice() else {
            return Err(format!(
                "expected four numbers {SHAPE}, got {} part{}",
                parts.len(),
                if parts.len() == 1 { "" } else { "s" }
            ));
        };
        let number = |name: &str, value: &str, limit: u32, what: &str| {
            let Some((whole, fraction)) = decimal(value) else {
                return Err(format!(
                    "{name} {value:?} is not a number; expected {SHAPE} (digits with an \
                     optional minus and decimal point)"
                ));
            };
            // In range exactly when its digits say so, however many there
            // are (the OpenAPI pattern states the same rule).
            let whole = whole.trim_start_matches('0');
            let whole_value = if whole.is_empty() {
                0
            } else {
                whole.parse::<u32>().unwrap_or(u32::MAX)
            };
            let beyond = whole_value > limit
                || (whole_value == limit && fraction.bytes().any(|b| b != b'0'));
            if beyond {
                return Err(format!(
                    "{name} {value} is not a {what} from -{limit} to {limit}"
                ));
            }
            value
                .parse::<f64>()
                .map_err(|_| format!("{name} {value:?} is not a number"))
        };
        let bbox = BoundingBox {
            west: number("west", west, 180, "longitude")?,
            south: number("south", south, 90, "latitude")?,
            east: number("east", east, 180, "longitude")?,
            north: number("north", north, 90, "latitude")?,
        };
        if bbox.south > bbox.north {
            return Err(format!(
                "south {south} is north of north {north}; give the southern edge first"
            ));
        }
        Ok(bbox)
    }
}

/// A decimal number as a bounding box takes it: an optional minus, digits,
/// and optionally a point and more digits (no exponent, no plus). Returns
/// the whole digits and the fraction's.
fn decimal(text: &str) -> Option<(&str, &str)> {
    let unsigned = text.strip_prefix('-').unwrap_or(text);
    let (whole, fraction) = match unsigned.split_once('.') {
        Some((whole, fraction)) if !fraction.is_empty() => (whole, fraction),
        Some(_) => return None,
        None => (unsigned, ""),
    };
    let digits = |part: &str| part.bytes().all(|b| b.is_ascii_digit());
    (!whole.is_empty() && digits(whole) && digits(fraction)).then_some((whole, fraction))
}

impl<'de> Deserialize<'de> for BoundingBox {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<BoundingBox, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// Where an event happened, as its `location_*` columns keep it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Located<'a> {
    /// The place's key in `places` (its FeatureID), when it has one.
    pub place: Option<String>,
    pub geo: &'a Geo,
    /// How it was found (`clause`, `actor`, `dateline`, `actor_country`).
    pub basis: String,
}

/// The values of [`LOCATION_COLUMNS`] for one event, all null when it is
/// unlocated.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct LocationValues<'a> {
    pub place: Option<&'a str>,
    pub geonames_id: Option<i64>,
    pub name: Option<&'a str>,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub country: Option<&'a str>,
    pub basis: Option<&'a str>,
}

impl<'a> LocationValues<'a> {
    /// The columns of an event located there, or of an unlocated one.
    pub(crate) fn of(location: Option<&'a Located<'a>>) -> LocationValues<'a> {
        let Some(l) = location else {
            return LocationValues::default();
        };
        LocationValues {
            place: l.place.as_deref(),
            geonames_id: l.geo.geonames_id.and_then(|id| i64::try_from(id).ok()),
            name: Some(l.geo.full_name.as_str()),
            lat: Some(l.geo.lat),
            lon: Some(l.geo.lon),
            country: l.geo.country.as_deref(),
            basis: Some(l.basis.as_str()),
        }
    }
}

/// One place of one article, for the `places` aggregate.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct PlaceTally<'a> {
    pub key: String,
    pub geo: &'a Geo,
    /// The article's events located there.
    pub events: u64,
}

/// What one article adds: where each of its events happened (by index in
/// `events`) and the places it counts for.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct ArticlePlaces<'a> {
    pub events: Vec<Option<Located<'a>>>,
    pub places: Vec<PlaceTally<'a>>,
}

/// The key of a feature in `places`: its FeatureID, else its GeoNames id.
fn place_key(geo: &Geo) -> Option<String> {
    let id = geo.feature_id.trim();
    if !id.is_empty() {
        return Some(id.to_string());
    }
    geo.geonames_id.map(|id| id.to_string())
}

/// Coordinates a map can draw: finite and in range. A feature without
/// them locates nothing (the analysis is read as it was stored, so this
/// guards against damaged JSON rather than trusting it).
fn drawable(geo: &Geo) -> bool {
    geo.lat.is_finite() && geo.lon.is_finite() && geo.lat.abs() <= 90.0 && geo.lon.abs() <= 180.0
}

/// Where the `events` (their number) of an analysis happened, from its
/// `places` and `event_places`, and the places it counts for: every place
/// with a mention that is no metonymy ("Moscow denied" names an actor, not
/// a location), and every place where one of its events happened.
pub(crate) fn locate<'a>(
    places: &'a [Place],
    event_places: &[EventPlaces],
    events: usize,
) -> ArticlePlaces<'a> {
    let mut located: Vec<Option<Located<'a>>> = vec![None; events];
    for event_place in event_places {
        let Some(action) = &event_place.action else {
            continue;
        };
        let Some(slot) = located.get_mut(event_place.event) else {
            continue;
        };
        if slot.is_some() {
            continue;
        }
        let Some(place) = places.iter().find(|p| p.id == action.place) else {
            continue;
        };
        if drawable(&place.geo) {
            *slot = Some(Located {
                place: place_key(&place.geo),
                geo: &place.geo,
                basis: basis_name(action.basis),
            });
        }
    }
    let mut tallies: Vec<PlaceTally<'a>> = Vec::new();
    for place in places {
        let Some(key) = place_key(&place.geo).filter(|_| drawable(&place.geo)) else {
            continue;
        };
        let events_here = located
            .iter()
            .flatten()
            .filter(|l| std::ptr::eq(l.geo, &place.geo))
            .count() as u64;
        let named = place.mentions.iter().any(|m| !m.metonymy);
        if !named && events_here == 0 {
            continue;
        }
        // Two places of one analysis may resolve to the same feature: the
        // article still counts once.
        match tallies.iter_mut().find(|t| t.key == key) {
            Some(tally) => tally.events += events_here,
            None => tallies.push(PlaceTally {
                key,
                geo: &place.geo,
                events: events_here,
            }),
        }
    }
    ArticlePlaces {
        events: located,
        places: tallies,
    }
}

fn basis_name(basis: chancery_model::PlaceBasis) -> String {
    match serde_json::to_value(basis) {
        Ok(serde_json::Value::String(name)) => name,
        _ => String::new(),
    }
}

/// Adds an article's places to the aggregate (canonical articles only, so
/// a syndicated copy does not count twice).
pub(crate) fn tally(tx: &Transaction<'_>, places: &[PlaceTally<'_>]) -> rusqlite::Result<()> {
    let mut upsert = tx.prepare_cached(
        "INSERT INTO places (id, geonames_id, name, name_key, full_name, feature_class, \
         feature_code, lat, lon, country, country_fips, adm1, articles, events) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, 1, ?13) \
         ON CONFLICT(id) DO UPDATE SET articles = articles + 1, events = events + excluded.events",
    )?;
    for place in places {
        let geo = place.geo;
        upsert.execute(params![
            place.key,
            geo.geonames_id.and_then(|id| i64::try_from(id).ok()),
            geo.name,
            name_key(&geo.name),
            geo.full_name,
            geo.feature_class,
            geo.feature_code,
            geo.lat,
            geo.lon,
            geo.country,
            geo.country_fips,
            geo.adm1,
            place.events as i64,
        ])?;
    }
    Ok(())
}

/// A name as `places.name_key` keeps it and a name prefix is matched
/// against it: lower case.
pub(crate) fn name_key(name: &str) -> String {
    name.trim().to_lowercase()
}

/// The parts of a stored analysis that locate its events.
#[derive(Deserialize)]
struct StoredGeo {
    #[serde(default)]
    events: Vec<serde::de::IgnoredAny>,
    #[serde(default)]
    places: Vec<Place>,
    #[serde(default)]
    event_places: Vec<EventPlaces>,
}

/// Fills the located columns of every stored event and the places table
/// from the stored analyses: the upgrade to version 4. Articles analysed
/// before places were resolved have none and stay unlocated. Returns the
/// number of events located.
pub(crate) fn backfill(tx: &Transaction<'_>, path: &Path) -> Result<u64, StoreError> {
    let context = "locating stored events (upgrading the store to version 4)";
    let err = |e| StoreError::sqlite(path, context)(e);
    let mut articles = tx
        .prepare("SELECT id, doc_id, duplicate_of IS NULL, analysis FROM articles ORDER BY id")
        .map_err(err)?;
    let mut rows = articles.query([]).map_err(err)?;
    let mut event_ids = tx
        .prepare_cached("SELECT id FROM events WHERE article = ?1 ORDER BY id")
        .map_err(err)?;
    let mut update = tx
        .prepare_cached(&format!(
            "UPDATE events SET {} WHERE id = ?8",
            LOCATION_COLUMNS
                .iter()
                .enumerate()
                .map(|(i, (name, _))| format!("{name} = ?{}", i + 1))
                .collect::<Vec<_>>()
                .join(", ")
        ))
        .map_err(err)?;
    // Everything is counted again from the analyses, so a store that
    // already had some places (a copy downgraded by hand) is not counted
    // twice.
    tx.execute_batch("DELETE FROM places").map_err(err)?;
    let mut located_events = 0;
    while let Some(row) = rows.next().map_err(err)? {
        let id: i64 = row.get(0).map_err(err)?;
        let doc_id: String = row.get(1).map_err(err)?;
        let canonical: bool = row.get(2).map_err(err)?;
        // JSON text as versions before 5 stored it, or a compressed blob.
        let json: Vec<u8> = match row.get_ref(3).map_err(err)? {
            rusqlite::types::ValueRef::Text(text) => text.to_vec(),
            rusqlite::types::ValueRef::Blob(blob) => {
                crate::blob::decompress(blob).map_err(|reason| StoreError::Unreadable {
                    id: doc_id.clone(),
                    reason,
                })?
            }
            _ => Vec::new(),
        };
        let stored: StoredGeo =
            serde_json::from_slice(&json).map_err(|source| StoreError::StoredAnalysis {
                path: path.to_path_buf(),
                article: doc_id,
                source,
            })?;
        if stored.places.is_empty() {
            continue;
        }
        let found = locate(&stored.places, &stored.event_places, stored.events.len());
        if found.events.iter().any(Option::is_some) {
            let ids = event_ids
                .query_map([id], |r| r.get::<_, i64>(0))
                .and_then(|ids| ids.collect::<rusqlite::Result<Vec<i64>>>())
                .map_err(err)?;
            // The rows were written in the order of `events`, one each; a
            // store that disagrees is left unlocated rather than mislocated.
            if ids.len() == found.events.len() {
                for (event, location) in ids.iter().zip(&found.events) {
                    let Some(location) = location else { continue };
                    let v = LocationValues::of(Some(location));
                    update
                        .execute(params![
                            v.place,
                            v.geonames_id,
                            v.name,
                            v.lat,
                            v.lon,
                            v.country,
                            v.basis,
                            event
                        ])
                        .map_err(err)?;
                    located_events += 1;
                }
            }
        }
        if canonical {
            tally(tx, &found.places).map_err(err)?;
        }
    }
    Ok(located_events)
}

#[cfg(test)]
mod tests {
    use chancery_model::{
        Analysis, Article, Event, EventActor, EventPlace, Modality, PlaceBasis, PlaceMention, Span,
    };
    use rusqlite::Connection;

    use super::*;
    use crate::{Document, EventFilter, PlaceFilter, Queries, Reader, Store, DATABASE_FILE};

    fn event(code: &str, source: &str) -> Event {
        Event {
            code: code.into(),
            root: code[..2].into(),
            quad_class: 4,
            goldstein: -10.0,
            plover: None,
            source: Some(EventActor {
                code: Some(source.into()),
                entity: None,
                name: None,
            }),
            target: None,
            modality: Modality::Asserted,
            date: None,
            location: None,
            trigger: Span::new(0, 4),
            evidence: Span::new(0, 10),
            mentions: vec![Span::new(0, 10)],
            confidence: 0.9,
            background: false,
            reported_by: None,
        }
    }

    /// An article whose events happened at `located` (event index, place)
    /// among `places`; `events` events in all.
    fn document(
        id: &str,
        text: &str,
        places: Vec<Place>,
        located: &[(usize, &str)],
        events: usize,
    ) -> Document {
        let mut analysis = Analysis::from_article(Article {
            id: id.into(),
            text: text.into(),
            ..Article::default()
        });
        analysis.events = (0..events).map(|_| event("190", "TUR")).collect();
        analysis.places = places;
        analysis.event_places = located
            .iter()
            .map(|&(event, place)| at(event, place, PlaceBasis::Clause))
            .collect();
        Document::new(analysis).unwrap()
    }

    const ANKARA: &str = "Turkish forces and rebels fought near Ankara on Monday, and the \
        fighting spread to the outskirts of the capital by the evening, officials said.";
    const WELLINGTON: &str = "Protesters marched through Wellington for a second day as \
        parliament debated the new fisheries bill late into the night on Tuesday.";
    const NOWHERE: &str = "The committee postponed its vote again, citing the need for more \
        consultations with member states before any decision is taken next year.";

    /// Three articles (Ankara, Wellington, none) and a syndicated copy of
    /// the first.
    fn corpus() -> Vec<Document> {
        let ankara = || {
            vec![
                place("g1", geo(323786, "Ankara", 39.92, 32.85, "TUR"), &[false]),
                place("g2", geo(2017370, "Russia", 60.0, 100.0, "RUS"), &[true]),
            ]
        };
        let wellington = vec![place(
            "g1",
            geo(2179537, "Wellington", -41.29, 174.78, "NZL"),
            &[false],
        )];
        vec![
            document("ankara", ANKARA, ankara(), &[(0, "g1"), (1, "g1")], 3),
            document("wellington", WELLINGTON, wellington, &[(0, "g1")], 1),
            document("nowhere", NOWHERE, Vec::new(), &[], 2),
            document(
                "ankara-copy",
                &format!("{ANKARA} Copyright The Wire."),
                ankara(),
                &[(0, "g1")],
                1,
            ),
        ]
    }

    /// Every place row and every event's location, for comparing stores.
    fn snapshot(dir: &Path) -> Vec<String> {
        let conn = Connection::open(dir.join(DATABASE_FILE)).unwrap();
        let mut out = Vec::new();
        let mut places = conn
            .prepare("SELECT id, name, name_key, lat, lon, country, articles, events FROM places ORDER BY id")
            .unwrap();
        let rows = places
            .query_map([], |r| {
                Ok(format!(
                    "place {} {} {} {} {} {:?} {} {}",
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, f64>(3)?,
                    r.get::<_, f64>(4)?,
                    r.get::<_, Option<String>>(5)?,
                    r.get::<_, i64>(6)?,
                    r.get::<_, i64>(7)?,
                ))
            })
            .unwrap();
        out.extend(rows.map(Result::unwrap));
        let mut events = conn
            .prepare(
                "SELECT id, location_place, location_geonames_id, location_name, location_lat, \
                 location_lon, location_country, location_basis FROM events ORDER BY id",
            )
            .unwrap();
        let rows = events
            .query_map([], |r| {
                Ok(format!(
                    "event {} {:?} {:?} {:?} {:?} {:?} {:?} {:?}",
                    r.get::<_, i64>(0)?,
                    r.get::<_, Option<String>>(1)?,
                    r.get::<_, Option<i64>>(2)?,
                    r.get::<_, Option<String>>(3)?,
                    r.get::<_, Option<f64>>(4)?,
                    r.get::<_, Option<f64>>(5)?,
                    r.get::<_, Option<String>>(6)?,
                    r.get::<_, Option<String>>(7)?,
                ))
            })
            .unwrap();
        out.extend(rows.map(Result::unwrap));
        out
    }

    #[test]
    fn stored_events_keep_where_they_happened_and_places_count_canonical_articles() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(dir.path()).unwrap();
        let outcomes = store.write(&corpus()).unwrap();
        assert!(matches!(
            outcomes[3],
            crate::Outcome::Stored {
                duplicate_of: Some(_),
                ..
            }
        ));
        drop(store);
        let snapshot = snapshot(dir.path());
        // Russia is named only by metonymy; the copy counts nowhere; its
        // event rows are located all the same.
        assert_eq!(
            snapshot[..2],
            [
                "place 2179537 Wellington wellington -41.29 174.78 Some(\"NZL\") 1 1",
                "place 323786 Ankara ankara 39.92 32.85 Some(\"TUR\") 1 2",
            ]
        );
        let located: Vec<&String> = snapshot.iter().filter(|l| l.contains("clause")).collect();
        assert_eq!(located.len(), 4, "{snapshot:#?}");
        assert!(snapshot[2].contains(
            "Some(\"323786\") Some(323786) Some(\"Ankara\") Some(39.92) Some(32.85) \
             Some(\"TUR\") Some(\"clause\")"
        ));
    }

    #[test]
    fn a_version_3_store_is_upgraded_in_place_and_backfilled() {
        let fresh = tempfile::tempdir().unwrap();
        Store::open(fresh.path()).unwrap().write(&corpus()).unwrap();
        let expected = snapshot(fresh.path());

        // The same corpus in a store as version 3 left it: no places, no
        // located columns.
        let old = tempfile::tempdir().unwrap();
        Store::open(old.path()).unwrap().write(&corpus()).unwrap();
        let conn = Connection::open(old.path().join(DATABASE_FILE)).unwrap();
        conn.execute_batch(
            "DROP TABLE places; DROP INDEX events_location_lat; \
             DROP INDEX events_location_country; PRAGMA user_version = 3;",
        )
        .unwrap();
        for (name, _) in LOCATION_COLUMNS {
            conn.execute_batch(&format!("ALTER TABLE events DROP COLUMN {name}"))
                .unwrap();
        }
        drop(conn);

        let err = Reader::open(old.path()).unwrap_err().to_string();
        assert!(err.contains("run `chancery ingest` on it once"), "{err}");
        drop(Store::open(old.path()).unwrap());
        assert_eq!(snapshot(old.path()), expected);
        let columns = |dir: &Path| -> Vec<String> {
            let conn = Connection::open(dir.join(DATABASE_FILE)).unwrap();
            let mut statement = conn
                .prepare("SELECT name FROM pragma_table_info('events')")
                .unwrap();
            let names = statement.query_map([], |r| r.get(0)).unwrap();
            names.map(Result::unwrap).collect()
        };
        assert_eq!(
            columns(old.path()),
            columns(fresh.path()),
            "the same columns in the same order"
        );
        let reader = Reader::open(old.path()).unwrap();
        assert!(reader.integrity_check().unwrap().is_empty());
        // Writing on goes on counting.
        drop(reader);
        let mut store = Store::open(old.path()).unwrap();
        let more = document(
            "ankara-2",
            "Ankara hosted the talks, the second round this year, with both delegations \
             present and observers from three neighbouring states in the hall.",
            vec![place(
                "g1",
                geo(323786, "Ankara", 39.92, 32.85, "TUR"),
                &[false],
            )],
            &[],
            0,
        );
        store.write(&[more]).unwrap();
        let articles: i64 = Connection::open(old.path().join(DATABASE_FILE))
            .unwrap()
            .query_row("SELECT articles FROM places WHERE id = '323786'", [], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(articles, 2);
    }

    #[test]
    fn a_damaged_stored_analysis_stops_the_upgrade_naming_the_article() {
        let dir = tempfile::tempdir().unwrap();
        Store::open(dir.path())
            .unwrap()
            .write(&corpus()[..1])
            .unwrap();
        let conn = Connection::open(dir.path().join(DATABASE_FILE)).unwrap();
        conn.execute_batch(
            "UPDATE articles SET analysis = '{\"places\": 7}'; PRAGMA user_version = 3;",
        )
        .unwrap();
        drop(conn);
        let err = Store::open(dir.path()).unwrap_err().to_string();
        assert!(
            err.contains("article ankara") && err.contains("chancery verify"),
            "{err}"
        );
        // Nothing was half-upgraded.
        let version: i64 = Connection::open(dir.path().join(DATABASE_FILE))
            .unwrap()
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(version, 3);
    }

    #[test]
    fn events_and_places_filter_by_box_country_and_name() {
        let dir = tempfile::tempdir().unwrap();
        Store::open(dir.path()).unwrap().write(&corpus()).unwrap();
        let queries = Queries::open(dir.path()).unwrap();
        let events = |filter: EventFilter| queries.events(&filter).unwrap().total;
        let bbox = |text: &str| Some(text.parse::<BoundingBox>().unwrap());
        // Canonical events: 3 (Ankara, 2 located) + 1 (Wellington) + 2.
        assert_eq!(events(EventFilter::default()), 6);
        assert_eq!(
            events(EventFilter {
                located: Some(true),
                ..Default::default()
            }),
            3
        );
        assert_eq!(
            events(EventFilter {
                located: Some(false),
                ..Default::default()
            }),
            3
        );
        assert_eq!(
            events(EventFilter {
                bbox: bbox("26,36,45,42"),
                ..Default::default()
            }),
            2
        );
        assert_eq!(
            events(EventFilter {
                bbox: bbox("-10,35,20,60"),
                ..Default::default()
            }),
            0
        );
        // Across the antimeridian, and the same box the wrong way round.
        assert_eq!(
            events(EventFilter {
                bbox: bbox("170,-50,-170,-30"),
                ..Default::default()
            }),
            1
        );
        assert_eq!(
            events(EventFilter {
                bbox: bbox("-170,-50,170,-30"),
                ..Default::default()
            }),
            0
        );
        let country = |c: &str| EventFilter {
            country: Some(c.into()),
            ..Default::default()
        };
        assert_eq!(events(country("TUR")), 2);
        assert_eq!(events(country("RUS")), 0);

        let row = &queries.events(&country("NZL")).unwrap().items[0];
        let location = row.location.as_ref().unwrap();
        assert_eq!(
            (
                location.name.as_str(),
                location.lat,
                location.lon,
                location.basis.as_str()
            ),
            ("Wellington", -41.29, 174.78, "clause")
        );
        assert_eq!(location.place.as_deref(), Some("2179537"));

        let places = |filter: PlaceFilter| -> Vec<String> {
            queries
                .places(&filter)
                .unwrap()
                .items
                .into_iter()
                .map(|p| p.name)
                .collect()
        };
        assert_eq!(places(PlaceFilter::default()), ["Ankara", "Wellington"]);
        assert_eq!(
            places(PlaceFilter {
                q: Some("ANK".into()),
                ..Default::default()
            }),
            ["Ankara"]
        );
        assert_eq!(
            places(PlaceFilter {
                q: Some("nk".into()),
                ..Default::default()
            }),
            [""; 0]
        );
        assert_eq!(
            places(PlaceFilter {
                q: Some("a%".into()),
                ..Default::default()
            }),
            [""; 0]
        );
        assert_eq!(
            places(PlaceFilter {
                country: Some("NZL".into()),
                ..Default::default()
            }),
            ["Wellington"]
        );
        assert_eq!(
            places(PlaceFilter {
                bbox: bbox("175,-90,174,90"),
                ..Default::default()
            }),
            ["Ankara"],
            "a box around the world but for New Zealand"
        );
        let page = queries
            .places(&PlaceFilter {
                limit: Some(1),
                offset: Some(1),
                ..Default::default()
            })
            .unwrap();
        assert_eq!((page.total, page.items[0].name.as_str()), (2, "Wellington"));
    }

    fn geo(id: u64, name: &str, lat: f64, lon: f64, country: &str) -> Geo {
        Geo {
            geonames_id: Some(id),
            name: name.into(),
            full_name: name.into(),
            feature_class: "P".into(),
            feature_code: "PPL".into(),
            lat,
            lon,
            country: Some(country.into()),
            country_fips: None,
            adm1: None,
            adm1_name: None,
            geo_type: 4,
            feature_id: id.to_string(),
        }
    }

    fn place(id: &str, geo: Geo, metonymy: &[bool]) -> Place {
        Place {
            id: id.into(),
            entity: None,
            geo,
            mentions: metonymy
                .iter()
                .map(|&metonymy| PlaceMention {
                    span: Span::new(0, 1),
                    metonymy,
                })
                .collect(),
        }
    }

    fn at(event: usize, place: &str, basis: PlaceBasis) -> EventPlaces {
        EventPlaces {
            event,
            action: Some(EventPlace {
                place: place.into(),
                basis,
            }),
            source: None,
            target: None,
        }
    }

    #[test]
    fn bounding_boxes_read_west_south_east_north() {
        let bbox: BoundingBox = " 26, 36 ,45,42".parse().unwrap();
        assert_eq!(
            (bbox.west, bbox.south, bbox.east, bbox.north),
            (26.0, 36.0, 45.0, 42.0)
        );
        assert!(bbox.contains(32.85, 39.93) && !bbox.contains(2.35, 48.85));
        assert!(bbox.contains(26.0, 42.0), "edges are inside");
        assert_eq!(bbox.to_string().parse::<BoundingBox>(), Ok(bbox));
        for edge in [
            "-180,-90,180,90",
            "-180.000,-090,0180,90.0",
            " 1 , 2 ,3,4 ",
            "-0,0,0,0",
        ] {
            assert!(edge.parse::<BoundingBox>().is_ok(), "{edge}");
        }
        let pacific: BoundingBox = "170,-50,-170,-30".parse().unwrap();
        assert!(pacific.crosses_antimeridian());
        assert!(pacific.contains(174.78, -41.29) && pacific.contains(-175.2, -40.0));
        assert!(!pacific.contains(0.0, -40.0) && !pacific.contains(174.78, -20.0));
    }

    #[test]
    fn bad_bounding_boxes_say_what_is_wrong() {
        for (text, says) in [
            ("1,2,3", "got 3 parts"),
            ("1,2,3,4,5", "got 5 parts"),
            ("", "got 1 part"),
            ("a,2,3,4", "west \"a\" is not a number"),
            ("1,NaN,3,4", "south \"NaN\" is not a number"),
            ("1,2,inf,4", "east \"inf\" is not a number"),
            ("1e1,2,3,4", "west \"1e1\" is not a number"),
            ("+1,2,3,4", "west \"+1\" is not a number"),
            ("1.,2,3,4", "west \"1.\" is not a number"),
            (".5,2,3,4", "west \".5\" is not a number"),
            ("1,2,3,\t4", "north \"\\t4\" is not a number"),
            ("180.0001,2,3,4", "west 180.0001 is not a longitude"),
            ("1,-0090.5,3,4", "south -0090.5 is not a latitude"),
            (
                "1,2,99999999999999999999,4",
                "east 99999999999999999999 is not a longitude",
            ),
            ("181,2,3,4", "west 181 is not a longitude from -180 to 180"),
            ("1,-91,3,4", "south -91 is not a latitude from -90 to 90"),
            ("1,2,3,90.5", "north 90.5 is not a latitude"),
            ("1,40,3,30", "south 40 is north of north 30"),
        ] {
            let err = text.parse::<BoundingBox>().unwrap_err();
            assert!(err.contains(says), "{text}: {err}");
        }
    }

    #[test]
    fn events_are_located_where_the_analysis_puts_them() {
        let places = [
            place("g1", geo(323786, "Ankara", 39.92, 32.85, "TUR"), &[false]),
            place("g2", geo(524901, "Moscow", 55.75, 37.62, "RUS"), &[true]),
            place("g3", geo(2988507, "Paris", 48.85, 2.35, "FRA"), &[]),
        ];
        let event_places = [
            at(0, "g1", PlaceBasis::Clause),
            at(2, "g1", PlaceBasis::Dateline),
            at(2, "g3", PlaceBasis::Clause),
            at(9, "g1", PlaceBasis::Clause),
            at(1, "g9", PlaceBasis::Clause),
        ];
        let found = locate(&places, &event_places, 3);
        let names: Vec<Option<(&str, &str)>> = found
            .events
            .iter()
            .map(|l| l.as_ref().map(|l| (l.geo.name.as_str(), l.basis.as_str())))
            .collect();
        // The first action place of an event wins; out-of-range events and
        // unknown places locate nothing.
        assert_eq!(
            names,
            [
                Some(("Ankara", "clause")),
                None,
                Some(("Ankara", "dateline"))
            ]
        );
        // Moscow is named only as an actor, Paris never located anything.
        let tallies: Vec<(&str, u64)> = found
            .places
            .iter()
            .map(|t| (t.key.as_str(), t.events))
            .collect();
        assert_eq!(tallies, [("323786", 2)]);
    }

    #[test]
    fn coordinates_out_of_range_locate_nothing() {
        let places = [place("g1", geo(1, "Nowhere", 95.0, 10.0, "XXX"), &[false])];
        let found = locate(&places, &[at(0, "g1", PlaceBasis::Clause)], 1);
        assert_eq!(found.events, [None]);
        assert!(found.places.is_empty());
    }

    #[test]
    fn two_places_of_one_feature_count_the_article_once() {
        let places = [
            place("g1", geo(7, "Aleppo", 36.2, 37.16, "SYR"), &[false]),
            place("g2", geo(7, "Aleppo", 36.2, 37.16, "SYR"), &[false]),
        ];
        let found = locate(&places, &[at(0, "g2", PlaceBasis::Clause)], 1);
        let tallies: Vec<(&str, u64)> = found
            .places
            .iter()
            .map(|t| (t.key.as_str(), t.events))
            .collect();
        assert_eq!(tallies, [("7", 1)]);
    }
}
