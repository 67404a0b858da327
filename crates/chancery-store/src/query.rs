//! Read-side queries: what the HTTP API and the web pages ask of a corpus.
//!
//! [`Queries`] is a read-only connection with one method per question
//! (articles, an article with its copies, similar articles, entities and an
//! entity's profile, events with filters, quotes, the actor network, plain
//! text search with facets). Every value reaches SQLite as a bound parameter;
//! the SQL text is built only from fixed fragments. Near-duplicates are left
//! out of counts and lists unless a filter asks for them, as in the
//! `canonical_*` views.
//!
//! Results are plain serializable structs: the server prints them as JSON.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use chancery_model::Analysis;
use rusqlite::types::Value as SqlValue;
use serde::{Deserialize, Serialize};

use crate::places::BoundingBox;
use crate::read::{CellError, Cells, ReadConn};
use crate::stories::STORY_TITLE;
use crate::StoreError;

/// Co-occurrence is counted over at most this many of an entity's latest
/// articles.
pub const COOCCURRENCE_ARTICLES: u32 = 200;

/// The entity rows [`Queries::similar`] reads at most for one article.
pub const SIMILAR_ROWS: u64 = 2_000;

/// The role sightings an entity's profile reads at most (its earliest).
const ROLE_SIGHTINGS: u64 = 2_000;

/// The most rows one list query returns, whatever its `limit` says.
pub const MAX_LIMIT: u32 = 500;
/// The rows one list query returns when its `limit` is not given.
pub const DEFAULT_LIMIT: u32 = 50;

/// A page of results and how many there are in all.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Page<T> {
    /// All matching rows, not only this page's.
    pub total: u64,
    /// This page.
    pub items: Vec<T>,
}

/// Counts for the front page.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Overview {
    /// Articles, near-duplicates included.
    pub articles: u64,
    /// Articles that are near-duplicates of an earlier one.
    pub near_duplicates: u64,
    /// Placeholder stubs.
    pub stubs: u64,
    /// Distinct entity names.
    pub entities: u64,
    /// Quotes in canonical articles.
    pub quotes: u64,
    /// Events in canonical articles.
    pub events: u64,
    /// Earliest publication date.
    pub first_published: Option<String>,
    /// Latest publication date.
    pub last_published: Option<String>,
}

/// What `/metrics` reports of a corpus.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CorpusMetrics {
    /// Articles, near-duplicates included.
    pub articles: u64,
    /// Articles that are near-duplicates of an earlier one.
    pub near_duplicates: u64,
    /// Events of all articles.
    pub events: u64,
    /// Quotes of all articles.
    pub quotes: u64,
    /// When the newest article was stored (RFC 3339), if any.
    pub last_ingested: Option<String>,
    /// The watcher's feeds and queue (zeros when it never ran).
    pub watch: crate::WatchMetrics,
}

/// Which articles to list. Empty fields do not filter.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ArticleFilter {
    /// Articles that mention an entity of this name.
    pub entity: Option<String>,
    /// Articles that mention an entity of this country (ISO alpha-3).
    pub country: Option<String>,
    /// Articles from this source or site.
    pub source: Option<String>,
    /// Articles with this external id (the caller's JSON Lines `id`).
    pub external_id: Option<String>,
    /// Articles of one story.
    pub story: Option<i64>,
    /// Published on or after this date (ISO 8601 prefix).
    pub from: Option<String>,
    /// Published on or before this date (ISO 8601 prefix).
    pub to: Option<String>,
    /// Also list near-duplicates.
    pub include_duplicates: bool,
    /// Also list placeholder stubs.
    pub include_stubs: bool,
    /// Page size (at most [`MAX_LIMIT`]).
    pub limit: Option<u32>,
    /// Rows to skip.
    pub offset: Option<u32>,
}

/// An article in a list.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ArticleSummary {
    /// Internal id (`articles.id`), used in URLs.
    pub id: i64,
    /// The stable article id (from canonical URL or text).
    pub doc_id: String,
    /// The caller's id.
    pub external_id: Option<String>,
    /// Title.
    pub title: Option<String>,
    /// URL.
    pub url: Option<String>,
    /// Site name.
    pub site: Option<String>,
    /// Where it came from (a file, a feed).
    pub source: Option<String>,
    /// Publication date (ISO 8601).
    pub published: Option<String>,
    /// Language code.
    pub language: Option<String>,
    /// A placeholder stub.
    pub stub: bool,
    /// The first-seen article this one is a near-duplicate of.
    pub duplicate_of: Option<i64>,
    /// The first characters of the text.
    pub snippet: String,
    /// Entities found in it.
    pub entities: u64,
    /// Quotes found in it.
    pub quotes: u64,
    /// Events found in it.
    pub events: u64,
    /// The story it belongs to, when stories were assigned.
    pub story: Option<i64>,
}

/// A stored article with its whole analysis and its copies.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StoredArticle {
    /// The list fields.
    #[serde(flatten)]
    pub summary: ArticleSummary,
    /// Estimated Jaccard similarity with the article it duplicates.
    pub similarity: Option<f64>,
    /// When it was stored (UTC).
    pub ingested_at: String,
    /// The JSON contract of `chancery analyze` for it.
    pub analysis: Analysis,
    /// Near-duplicates of this article stored after it.
    pub copies: Vec<ArticleRef>,
}

/// A short reference to an article.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ArticleRef {
    /// Internal id.
    pub id: i64,
    /// Title.
    pub title: Option<String>,
    /// Publication date.
    pub published: Option<String>,
    /// Site or source.
    pub site: Option<String>,
}

/// An article that shares rare entities with another.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SimilarArticle {
    /// The article.
    pub article: ArticleRef,
    /// Sum of the shared entities' inverse document frequencies.
    pub score: f64,
    /// The shared entity names, rarest first.
    pub shared: Vec<String>,
}

/// Which entities to list.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct EntityFilter {
    /// Names containing this text (case-insensitive for ASCII).
    pub q: Option<String>,
    /// `person`, `organization`, `country`, `place` or `group`.
    pub kind: Option<String>,
    /// ISO alpha-3 country.
    pub country: Option<String>,
    /// Page size.
    pub limit: Option<u32>,
    /// Rows to skip.
    pub offset: Option<u32>,
}

/// An entity name across the corpus.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EntitySummary {
    /// The name (the key of an entity across articles).
    pub name: String,
    /// Its kind in the article that mentions it most.
    pub kind: String,
    /// Its country there.
    pub country: Option<String>,
    /// Its actor code there.
    pub actor_code: Option<String>,
    /// Canonical articles that mention it.
    pub articles: u64,
    /// Mentions in those articles.
    pub mentions: u64,
}

/// An entity with its roles over time.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EntityProfile {
    /// The list fields.
    #[serde(flatten)]
    pub summary: EntitySummary,
    /// Other names articles give it, most frequent first.
    pub aliases: Vec<Count>,
    /// Actor codes given to it, most frequent first.
    pub actor_codes: Vec<Count>,
    /// Its titles, earliest first, each with when it was seen and evidence.
    pub roles: Vec<RoleOverTime>,
    /// Events it is the source or target of.
    pub events: u64,
    /// Quotes it is the speaker of.
    pub quotes: u64,
}

/// A value and how often it occurs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Count {
    /// The value.
    pub value: String,
    /// How often.
    pub count: u64,
}

/// One title of an entity across articles.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RoleOverTime {
    /// The title ("Foreign Minister").
    pub title: String,
    /// The country or organization it is held for.
    pub of: Option<String>,
    /// Publication date of the earliest article that gives it.
    pub first_seen: Option<String>,
    /// Publication date of the latest.
    pub last_seen: Option<String>,
    /// Articles that give it.
    pub articles: u64,
    /// The words that say so, from the latest articles.
    pub evidence: Vec<Evidence>,
}

/// A piece of text that backs a claim.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Evidence {
    /// The article.
    pub article: i64,
    /// Its publication date.
    pub published: Option<String>,
    /// The text.
    pub text: String,
}

/// Which events to list. Actor codes match by prefix (`IRN` matches
/// `IRNGOV`).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct EventFilter {
    /// Source or target actor code prefix.
    pub actor: Option<String>,
    /// Source actor code prefix.
    pub source: Option<String>,
    /// Target actor code prefix.
    pub target: Option<String>,
    /// Source or target entity name.
    pub entity: Option<String>,
    /// Two countries (alpha-3, written `IRN,RUS`): events between them,
    /// either way.
    pub countries: Option<CountryPair>,
    /// CAMEO code prefix (`04`, `042`).
    pub code: Option<String>,
    /// CAMEO root code (`04`).
    pub root: Option<String>,
    /// QuadClass 1 to 4.
    pub quad_class: Option<u8>,
    /// `asserted`, `planned`, `reported`, `negated` or `hypothetical`.
    pub modality: Option<String>,
    /// Event date (else publication date) on or after this.
    pub from: Option<String>,
    /// Event date (else publication date) on or before this.
    pub to: Option<String>,
    /// Events of one article.
    pub article: Option<i64>,
    /// Events of the articles of one story.
    pub story: Option<i64>,
    /// Events that happened inside this box (their location's
    /// coordinates).
    pub bbox: Option<BoundingBox>,
    /// Events that happened in this country (ISO 3166-1 alpha-3 code of
    /// their location).
    pub country: Option<String>,
    /// Only events with a location (`true`) or only those without
    /// (`false`).
    pub located: Option<bool>,
    /// Page size.
    pub limit: Option<u32>,
    /// Rows to skip.
    pub offset: Option<u32>,
}

/// Where a stored event happened.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EventLocation {
    /// The place's id in `places` (GDELT's FeatureID), when it has one.
    pub place: Option<String>,
    /// GeoNames id.
    pub geonames_id: Option<i64>,
    /// "City, ADM1, Country".
    pub name: String,
    /// Latitude, WGS84 degrees.
    pub lat: f64,
    /// Longitude, WGS84 degrees.
    pub lon: f64,
    /// ISO 3166-1 alpha-3 code of its country.
    pub country: Option<String>,
    /// How it was found: `clause`, `actor`, `dateline` or `actor_country`
    /// (see `PlaceBasis`).
    pub basis: String,
}

/// A stored event.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EventRow {
    /// Event id.
    pub id: i64,
    /// The article it was found in.
    pub article: i64,
    /// The article's title.
    pub article_title: Option<String>,
    /// The article's canonical URL, else its URL.
    pub article_url: Option<String>,
    /// The event date, else the article's publication date.
    pub date: Option<String>,
    /// Whether `date` is the event's own (true) or the article's.
    pub date_resolved: bool,
    /// CAMEO code.
    pub code: String,
    /// CAMEO root.
    pub root: String,
    /// QuadClass.
    pub quad_class: u8,
    /// Goldstein value.
    pub goldstein: f64,
    /// Source actor code.
    pub source_code: Option<String>,
    /// Source entity name.
    pub source_name: Option<String>,
    /// Target actor code.
    pub target_code: Option<String>,
    /// Target entity name.
    pub target_name: Option<String>,
    /// Modality.
    pub modality: String,
    /// The evidence sentence.
    pub evidence: Option<String>,
    /// Trigger span within the evidence sentence (byte offsets).
    pub trigger: Option<(usize, usize)>,
    /// 0 to 1.
    pub confidence: f64,
    /// Where it happened, when the article says or implies it.
    pub location: Option<EventLocation>,
}

/// Which places to list.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PlaceFilter {
    /// Places inside this box.
    pub bbox: Option<BoundingBox>,
    /// Places in this country (ISO 3166-1 alpha-3), the country itself
    /// included.
    pub country: Option<String>,
    /// Places whose name starts with this, in any case.
    pub q: Option<String>,
    /// Page size.
    pub limit: Option<u32>,
    /// Rows to skip.
    pub offset: Option<u32>,
}

/// A place the corpus names, with how often.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlaceRow {
    /// GDELT's FeatureID: a GeoNames id, an ADM1 code (`USIL`), a
    /// country's FIPS code (`TU`).
    pub id: String,
    /// GeoNames id.
    pub geonames_id: Option<i64>,
    /// The gazetteer's name.
    pub name: String,
    /// "City, ADM1, Country".
    pub full_name: String,
    /// GeoNames feature class (`A`, `P`, `L`).
    pub feature_class: String,
    /// GeoNames feature code (`PCLI`, `ADM1`, `PPLC`, `PPL`, `CONT`).
    pub feature_code: String,
    /// Latitude, WGS84 degrees.
    pub lat: f64,
    /// Longitude, WGS84 degrees.
    pub lon: f64,
    /// ISO 3166-1 alpha-3 code of its country.
    pub country: Option<String>,
    /// FIPS 10-4 code of its country.
    pub country_fips: Option<String>,
    /// GDELT's ADM1 code.
    pub adm1: Option<String>,
    /// Canonical articles that name it or locate an event there.
    pub articles: u64,
    /// Events of canonical articles that happened there.
    pub events: u64,
}

/// Two country codes, written `IRN,RUS` in a query string.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CountryPair(pub String, pub String);

impl std::str::FromStr for CountryPair {
    type Err = String;

    fn from_str(pair: &str) -> Result<CountryPair, String> {
        let mut parts = pair.split(',').map(str::trim);
        match (parts.next(), parts.next(), parts.next()) {
            (Some(a), Some(b), None) if !a.is_empty() && !b.is_empty() => {
                Ok(CountryPair(a.to_string(), b.to_string()))
            }
            _ => Err(format!(
                "expected two country codes such as IRN,RUS, got {pair:?}"
            )),
        }
    }
}

impl<'de> Deserialize<'de> for CountryPair {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<CountryPair, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// An event reduced to what a chart needs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EventPoint {
    /// Event date, else publication date; `None` when neither is known.
    pub date: Option<String>,
    /// CAMEO root code.
    pub root: String,
    /// QuadClass.
    pub quad_class: u8,
    /// Goldstein value.
    pub goldstein: f64,
    /// Source actor code.
    pub source_code: Option<String>,
    /// Target actor code.
    pub target_code: Option<String>,
}

/// Events of one day, QuadClass and Goldstein value: what a chart of
/// events over time needs, without the events.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EventTally {
    /// The day (event date, else publication date, as written, at most
    /// ten characters from the rollups); `None` when neither is known.
    pub date: Option<String>,
    /// QuadClass.
    pub quad_class: u8,
    /// The Goldstein value of each of these events.
    pub goldstein: f64,
    /// How many events.
    pub events: u64,
}

impl From<&EventPoint> for EventTally {
    fn from(point: &EventPoint) -> EventTally {
        EventTally {
            date: point.date.clone(),
            quad_class: point.quad_class,
            goldstein: point.goldstein,
            events: 1,
        }
    }
}

/// What the keyed rollups hold about the events of one entity or one
/// country pair ([`Queries::event_rollup`]).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EventRollup {
    /// Events by day, QuadClass and Goldstein value, earliest first,
    /// undated first.
    pub tallies: Vec<EventTally>,
    /// Events by CAMEO root.
    pub mix: Vec<RootCount>,
    /// All the events.
    pub total: u64,
    /// For a country pair, the events from the first country to the
    /// second (the total for an entity).
    pub forward: u64,
    /// For a country pair, the events from the second to the first (the
    /// same as `forward` when the two are one country; 0 for an entity).
    pub backward: u64,
}

impl EventPoint {
    /// Whether its source code begins with `from` and its target code with
    /// `to` (a direction of a country pair).
    pub fn goes(&self, from: &str, to: &str) -> bool {
        self.source_code
            .as_deref()
            .is_some_and(|c| c.starts_with(from))
            && self
                .target_code
                .as_deref()
                .is_some_and(|c| c.starts_with(to))
    }
}

/// One role of one entity in one article: title, of, article, published,
/// evidence text.
type RoleSighting = (String, Option<String>, i64, Option<String>, Option<String>);

/// A story: articles that tell the same event.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StoryRow {
    /// The story id.
    pub id: i64,
    /// Its canonical articles.
    pub articles: u64,
    /// Near-duplicates of them.
    pub copies: u64,
    /// The earliest publication date.
    pub first: Option<String>,
    /// The latest publication date.
    pub last: Option<String>,
    /// Its title: the headline of its earliest canonical article (one rule
    /// with the `stories` command).
    pub title: Option<String>,
    /// Events in its canonical articles.
    pub events: u64,
}

/// Which quotes to list.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct QuoteFilter {
    /// Quotes whose speaker resolved to an entity of this name.
    pub speaker: Option<String>,
    /// Quotes of one article.
    pub article: Option<i64>,
    /// Quotes containing this text.
    pub q: Option<String>,
    /// `direct`, `partial` or `indirect`.
    pub kind: Option<String>,
    /// Page size.
    pub limit: Option<u32>,
    /// Rows to skip.
    pub offset: Option<u32>,
}

/// A stored quote.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QuoteRow {
    /// Quote id.
    pub id: i64,
    /// The article.
    pub article: i64,
    /// Its title.
    pub article_title: Option<String>,
    /// Its publication date.
    pub published: Option<String>,
    /// Direct, partial or indirect.
    pub kind: String,
    /// The quoted text.
    pub text: Option<String>,
    /// The speaker's entity name, when resolved.
    pub speaker: Option<String>,
    /// The words naming the speaker next to the cue.
    pub speaker_text: Option<String>,
    /// The reporting verb.
    pub cue: Option<String>,
    /// 0 to 1.
    pub confidence: f64,
}

/// Events from one actor code to another.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Edge {
    /// Source actor code.
    pub source: String,
    /// Target actor code.
    pub target: String,
    /// Events.
    pub events: u64,
    /// Mean Goldstein value.
    pub goldstein: f64,
}

/// Counts of events by CAMEO root.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RootCount {
    /// CAMEO root code.
    pub root: String,
    /// Its QuadClass.
    pub quad_class: u8,
    /// Events.
    pub events: u64,
}

/// An actor code and how many events it is in.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ActorActivity {
    /// Actor code.
    pub code: String,
    /// Events as source.
    pub as_source: u64,
    /// Events as target.
    pub as_target: u64,
}

/// A plain text search.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SearchQuery {
    /// Words that must all occur in the title or text.
    pub q: String,
    /// Only articles mentioning an entity of this country.
    pub country: Option<String>,
    /// Only articles mentioning an entity of this name.
    pub entity: Option<String>,
    /// Only articles with an event of this CAMEO root.
    pub root: Option<String>,
    /// Only articles from this source or site.
    pub source: Option<String>,
    /// Published on or after.
    pub from: Option<String>,
    /// Published on or before.
    pub to: Option<String>,
    /// Page size.
    pub limit: Option<u32>,
    /// Rows to skip.
    pub offset: Option<u32>,
}

/// Counts over a set of articles, for narrowing a search.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Facets {
    /// Countries of the entities mentioned.
    pub countries: Vec<Count>,
    /// People mentioned.
    pub people: Vec<Count>,
    /// Organizations mentioned.
    pub organizations: Vec<Count>,
    /// CAMEO roots of the events.
    pub roots: Vec<Count>,
    /// Sources or sites.
    pub sources: Vec<Count>,
    /// Publication months.
    pub months: Vec<Count>,
}

/// Search results.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SearchResults {
    /// Matching articles in all.
    pub total: u64,
    /// This page, best first.
    pub hits: Vec<ArticleSummary>,
    /// Counts over all matching articles.
    pub facets: Facets,
}

/// A read-only connection to a store with the queries of the API and pages:
/// a data directory, or a PostgreSQL database (the same statements, see
/// `read.rs`, and the same results).
///
/// Not `Sync`: a server keeps one per worker thread or a small pool.
#[derive(Debug)]
pub struct Queries {
    conn: ReadConn,
}

/// A row mapped to a result.
type RowResult<T> = Result<T, CellError>;

const ARTICLE_COLUMNS: &str = "a.id, a.doc_id, a.external_id, a.title, a.url, a.site, a.source, \
     a.published, a.language, a.is_stub, a.duplicate_of, substr(a.text, 1, 320), \
     (SELECT count(*) FROM entities WHERE article = a.id), \
     (SELECT count(*) FROM quotes WHERE article = a.id), \
     (SELECT count(*) FROM events WHERE article = a.id), a.story";

const EVENT_COLUMNS: &str = "ev.id, ev.article, a.title, ev.date, a.published, ev.code, ev.root, \
     ev.quad_class, ev.goldstein, ev.source_code, se.name, ev.target_code, te.name, ev.modality, \
     ev.evidence, ev.trigger_start, ev.trigger_end, ev.evidence_start, ev.confidence, \
     coalesce(a.canonical_url, a.url), ev.location_place, ev.location_geonames_id, \
     ev.location_name, ev.location_lat, ev.location_lon, ev.location_country, ev.location_basis";

const PLACE_COLUMNS: &str = "id, geonames_id, name, full_name, feature_class, feature_code, lat, \
     lon, country, country_fips, adm1, articles, events";

const EVENT_FROM: &str = "events ev JOIN articles a ON a.id = ev.article \
     LEFT JOIN entities se ON se.id = ev.source_entity \
     LEFT JOIN entities te ON te.id = ev.target_entity";

/// The columns of a [`StoryRow`], for the stories of the rows `a`.
fn story_select() -> String {
    format!(
        "SELECT a.story, count(*) FILTER (WHERE a.duplicate_of IS NULL), \
         count(*) FILTER (WHERE a.duplicate_of IS NOT NULL), min(a.published), max(a.published), {STORY_TITLE}, \
         (SELECT count(*) FROM events ev JOIN articles b ON b.id = ev.article \
          WHERE b.story = a.story AND b.duplicate_of IS NULL) \
         FROM articles a WHERE a.story IS NOT NULL"
    )
}

/// The columns of an entity grouped by name (its rows `e`), for
/// [`ENTITY_BEST`] and [`entity_summary`].
const ENTITY_COLUMNS: &str = "e.name, max(e.mentions * 1099511627776 - e.id) AS best, \
     count(DISTINCT e.article) AS articles, CAST(sum(e.mentions) AS BIGINT) AS mentions";

/// The row an entity's kind, country and actor code are read from: the
/// one that mentions it most, of those the earliest stored. `best` packs
/// mentions and id into one number (`mentions * 2^40 - id`) so that one
/// `max()` finds it in either engine (SQLite would take bare columns from
/// whichever row reached the maximum first; PostgreSQL takes none); this
/// unpacks the id.
const ENTITY_BEST: &str = "(1099511627776 - g.best % 1099511627776) % 1099511627776";

/// The date of an event for filters and charts: its own, else the article's.
const EVENT_DATE: &str = "coalesce(ev.date, a.published)";

impl Queries {
    /// Opens the store in `dir` for reading.
    ///
    /// Fails with [`StoreError::Missing`] when there is no store there yet.
    pub fn open(dir: impl AsRef<Path>) -> Result<Queries, StoreError> {
        let (conn, path) = crate::store::open_read_only(dir.as_ref(), 5, "opening for reading")?;
        // A bigger page cache and memory-mapped reads: pages are read many
        // times by a server, and the OS cache is shared by the pool.
        conn.execute_batch("PRAGMA cache_size = -32768; PRAGMA mmap_size = 268435456;")
            .map_err(StoreError::sqlite(&path, "configuring a reader"))?;
        Ok(Queries {
            conn: ReadConn::Sqlite { conn, path },
        })
    }

    /// Opens the store `data` names (a `--data` value) for reading: a
    /// PostgreSQL database when it is a `postgres://` URL (see
    /// [`crate::postgres_url`]), else a data directory ([`Queries::open`]).
    pub fn open_data(data: &Path) -> Result<Queries, StoreError> {
        match crate::postgres_url(data) {
            Some(url) => Ok(Queries {
                conn: ReadConn::postgres(url)?,
            }),
            None => Queries::open(data),
        }
    }

    /// Whether the store is a PostgreSQL database.
    pub fn is_postgres(&self) -> bool {
        self.conn.is_postgres()
    }

    /// The database file, or for PostgreSQL the URL without its password.
    pub fn path(&self) -> PathBuf {
        self.conn.location()
    }

    /// The one number a `SELECT count(*) …` returns.
    fn count_rows(&self, sql: &str) -> Result<u64, StoreError> {
        self.count(sql, &Where::default())
    }

    /// The first row of a query, if any.
    fn first<T>(
        &self,
        sql: &str,
        values: &[SqlValue],
        context: &'static str,
        map: impl FnMut(&Cells) -> RowResult<T>,
    ) -> Result<Option<T>, StoreError> {
        Ok(self
            .conn
            .rows(sql, values, context, map)?
            .into_iter()
            .next())
    }

    /// Counts for the front page.
    pub fn overview(&self) -> Result<Overview, StoreError> {
        let count = |sql: &str| self.count_rows(sql);
        // Two walks of the publication index from either end, where
        // `min()` and `max()` over the canonical view scanned it.
        let (first, last) = self
            .first(
                "SELECT (SELECT published FROM articles WHERE duplicate_of IS NULL \
                 AND published IS NOT NULL ORDER BY published LIMIT 1), \
                 (SELECT published FROM articles WHERE duplicate_of IS NULL \
                 AND published IS NOT NULL ORDER BY published DESC LIMIT 1)",
                &[],
                "reading publication dates",
                |row| Ok((row.get(0)?, row.get(1)?)),
            )?
            .unwrap_or_default();
        let total = |name: &str| crate::rollup::total(&self.conn, name);
        Ok(Overview {
            articles: total("articles")?,
            near_duplicates: total("near_duplicates")?,
            stubs: total("stubs")?,
            // Every name has its row from its first mention on.
            entities: count("SELECT count(*) FROM rollup_entities")?,
            quotes: total("quotes")?,
            events: total("events")?,
            first_published: first,
            last_published: last,
        })
    }

    /// When the newest article was stored (RFC 3339, UTC): when the corpus
    /// last changed. None for an empty corpus.
    pub fn last_ingested(&self) -> Result<Option<String>, StoreError> {
        self.first(
            "SELECT ingested_at FROM articles ORDER BY id DESC LIMIT 1",
            &[],
            "reading when the corpus last changed",
            |row| row.get(0),
        )
    }

    /// The rollup tables that differ from a recount of the rows they sum
    /// (empty when all are exact): `chancery verify`'s check, on either
    /// backend.
    pub fn rollup_mismatches(&self) -> Result<Vec<String>, StoreError> {
        crate::rollup::mismatches(|sql| {
            self.conn
                .rows(sql, &[], "recounting the rollups", |row| row.get(0))
        })
    }

    /// Counts for `/metrics`, each cheap at any corpus size (no scan of
    /// the entities): articles, near-duplicates, events, when the corpus
    /// last changed, and the watcher's feeds and queue.
    pub fn metrics(&self) -> Result<CorpusMetrics, StoreError> {
        let count = |sql: &str| self.count_rows(sql);
        let last_ingested = self.last_ingested()?;
        Ok(CorpusMetrics {
            articles: count("SELECT count(*) FROM articles")?,
            near_duplicates: count("SELECT count(*) FROM articles WHERE duplicate_of IS NOT NULL")?,
            events: count("SELECT count(*) FROM events")?,
            quotes: count("SELECT count(*) FROM quotes")?,
            last_ingested,
            watch: match (self.conn.sqlite(), self.conn.postgres_client()) {
                (Some((conn, path)), _) => crate::watch::watch_metrics(conn, path)?,
                (None, Some((mut client, url))) => crate::pg::watch::watch_metrics(&mut client)
                    .map_err(|failed| failed.into_error(url))?,
                (None, None) => crate::WatchMetrics::default(),
            },
        })
    }

    /// Articles, newest first.
    pub fn articles(&self, filter: &ArticleFilter) -> Result<Page<ArticleSummary>, StoreError> {
        let mut sql = Where::default();
        if !filter.include_duplicates {
            sql.push("a.duplicate_of IS NULL", []);
        }
        if !filter.include_stubs {
            sql.push("NOT a.is_stub", []);
        }
        if let Some(name) = nonempty(&filter.entity) {
            sql.push(
                "a.id IN (SELECT article FROM entities WHERE name = ?)",
                [text(name)],
            );
        }
        if let Some(country) = nonempty(&filter.country) {
            sql.push(
                "a.id IN (SELECT article FROM entities WHERE country = ?)",
                [text(country)],
            );
        }
        if let Some(source) = nonempty(&filter.source) {
            sql.push("(a.source = ? OR a.site = ?)", [text(source), text(source)]);
        }
        if let Some(id) = nonempty(&filter.external_id) {
            sql.push("a.external_id = ?", [text(id)]);
        }
        if let Some(story) = filter.story {
            sql.push("a.story = ?", [SqlValue::Integer(story)]);
        }
        date_range(&mut sql, "a.published", &filter.from, &filter.to);
        let listing_all = ArticleFilter {
            limit: filter.limit,
            offset: filter.offset,
            ..ArticleFilter::default()
        } == *filter;
        let entity_only = nonempty(&filter.entity).filter(|name| {
            *filter
                == ArticleFilter {
                    entity: Some(name.to_string()),
                    limit: filter.limit,
                    offset: filter.offset,
                    ..ArticleFilter::default()
                }
        });
        if let Some(name) = entity_only {
            // An entity's listed articles, newest first, through its key.
            let key = format!("l:{name}");
            let (limit, offset) = page(filter.limit, filter.offset);
            let items = self.rows(
                &format!(
                    "SELECT {ARTICLE_COLUMNS} FROM articles a WHERE a.id IN \
                     (SELECT article FROM name_postings WHERE key = ?1 \
                     ORDER BY date DESC, article DESC LIMIT {limit} OFFSET {offset}) \
                     ORDER BY a.published IS NULL, a.published DESC, a.id DESC"
                ),
                &[text(&key)],
                article_summary,
            )?;
            let total = self.name_total(&key)?;
            return Ok(Page { total, items });
        }
        let total = if listing_all {
            crate::rollup::total(&self.conn, "listed")?
        } else {
            self.count(
                &format!("SELECT count(*) FROM articles a {}", sql.clause()),
                &sql,
            )?
        };
        let (limit, offset) = page(filter.limit, filter.offset);
        if listing_all {
            let items = self.newest_first(
                &sql,
                (ARTICLE_COLUMNS, "articles a"),
                ("a.published", "a.id"),
                (limit, offset),
                article_summary,
            )?;
            return Ok(Page { total, items });
        }
        // A filter narrows the rows first (an entity's articles, a
        // source's); they are sorted after.
        let query = format!(
            "SELECT {ARTICLE_COLUMNS} FROM articles a {} \
             ORDER BY a.published IS NULL, a.published DESC, a.id DESC LIMIT {limit} OFFSET {offset}",
            sql.clause()
        );
        let items = self.rows(&query, &sql.values, article_summary)?;
        Ok(Page { total, items })
    }

    /// A page of the rows `columns` of `from` that `sql` takes,
    /// ordered as `ORDER BY date IS NULL, date DESC, id DESC`, but read in
    /// two parts so that an index on the date (which holds the id after
    /// it) gives them in order without sorting every row: the dated rows
    /// newest first, then the undated ones.
    fn newest_first<T>(
        &self,
        sql: &Where,
        (columns, from): (&str, &str),
        (date, id): (&str, &str),
        (limit, offset): (u32, u32),
        map: impl Fn(&Cells) -> RowResult<T>,
    ) -> Result<Vec<T>, StoreError> {
        let mut dated = sql.clone();
        dated.push(&format!("{date} IS NOT NULL"), []);
        let mut items = self.rows(
            &format!(
                "SELECT {columns} FROM {from} {} \
                 ORDER BY {date} DESC, {id} DESC LIMIT {limit} OFFSET {offset}",
                dated.clause()
            ),
            &dated.values,
            &map,
        )?;
        let missing = limit - items.len() as u32;
        if missing == 0 {
            return Ok(items);
        }
        // Past the dated rows: how far past them the page begins.
        let skip = if items.is_empty() {
            let dated_rows = self.count(
                &format!("SELECT count(*) FROM {from} {}", dated.clause()),
                &dated,
            )?;
            u64::from(offset).saturating_sub(dated_rows)
        } else {
            0
        };
        let mut undated = sql.clone();
        undated.push(&format!("{date} IS NULL"), []);
        items.extend(self.rows(
            &format!(
                "SELECT {columns} FROM {from} {} ORDER BY {id} DESC LIMIT {missing} OFFSET {skip}",
                undated.clause()
            ),
            &undated.values,
            &map,
        )?);
        Ok(items)
    }

    /// Summaries of the given articles, in the given order; unknown ids are
    /// left out.
    pub fn article_summaries(&self, ids: &[i64]) -> Result<Vec<ArticleSummary>, StoreError> {
        let query = format!(
            "SELECT {ARTICLE_COLUMNS} FROM articles a WHERE a.id IN (SELECT value FROM json_each(?))"
        );
        let found = self.rows(&query, &[ids_json(ids)], article_summary)?;
        let mut by_id: HashMap<i64, ArticleSummary> =
            found.into_iter().map(|a| (a.id, a)).collect();
        Ok(ids.iter().filter_map(|id| by_id.remove(id)).collect())
    }

    /// One article with its analysis and copies.
    pub fn article(&self, id: i64) -> Result<Option<StoredArticle>, StoreError> {
        let query = format!(
            "SELECT {ARTICLE_COLUMNS}, a.similarity, a.ingested_at, a.analysis, a.text \
             FROM articles a WHERE a.id = ?1"
        );
        let row = self.first(
            &query,
            &[SqlValue::Integer(id)],
            "reading an article",
            |row| {
                Ok((
                    article_summary(row)?,
                    row.get::<Option<f64>>(16)?,
                    row.get::<String>(17)?,
                    row.get::<Vec<u8>>(18)?,
                    row.get::<String>(19)?,
                ))
            },
        )?;
        let Some((summary, similarity, ingested_at, blob, text)) = row else {
            return Ok(None);
        };
        let analysis: Analysis = crate::blob::decode_analysis(&summary.doc_id, &blob, &text)?;
        let copies = self.rows(
            "SELECT id, title, published, coalesce(site, source) FROM articles \
             WHERE duplicate_of = ?1 ORDER BY id",
            &[SqlValue::Integer(id)],
            article_ref,
        )?;
        Ok(Some(StoredArticle {
            summary,
            similarity,
            ingested_at,
            analysis,
            copies,
        }))
    }

    /// A short reference to an article.
    pub fn article_ref(&self, id: i64) -> Result<Option<ArticleRef>, StoreError> {
        Ok(self
            .rows(
                "SELECT id, title, published, coalesce(site, source) FROM articles WHERE id = ?1",
                &[SqlValue::Integer(id)],
                article_ref,
            )?
            .pop())
    }

    /// Articles that share the rarest entities with article `id`, best first;
    /// near-duplicates, stubs and the article's own copies are left out.
    ///
    /// Each shared name scores its inverse document frequency, so sharing
    /// "Abbas Araghchi" counts for more than sharing "United States".
    ///
    /// The work is bounded: the article's names are taken rarest first (by
    /// the articles `rollup_entities` counts), each read wholly while those
    /// counts stay within [`SIMILAR_ROWS`], and a name with more articles
    /// than are left of that budget by its newest rows alone; one
    /// statement reads them all. A name
    /// read wholly has its document frequency counted from what was read
    /// (the other listed canonical articles that name it, as before the
    /// budget); one read in part takes it from the rollup, less the article
    /// itself.
    pub fn similar(&self, id: i64, limit: u32) -> Result<Vec<SimilarArticle>, StoreError> {
        let total = crate::rollup::total(&self.conn, "canonical")? as f64;
        let names: Vec<(String, i64)> = self.rows(
            "SELECT g.name, g.articles FROM rollup_entities g \
             WHERE g.name IN (SELECT name FROM entities WHERE article = ?1) \
             ORDER BY g.articles, g.name",
            &[SqlValue::Integer(id)],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )?;
        // How many rows each name may read: wholly while the articles the
        // rollup counts fit in what is left of the budget, else what is
        // left; planned from the counts so that one statement reads all.
        // A name read wholly has no limit: it may have more rows than
        // articles (a name twice in one article).
        let mut plan: Vec<(String, i64, Option<u64>)> = Vec::new();
        let mut budget = SIMILAR_ROWS;
        for (name, articles) in names {
            if budget == 0 {
                break;
            }
            let articles_n = articles.max(0) as u64;
            let take = if articles_n <= budget {
                budget -= articles_n;
                None
            } else {
                Some(std::mem::take(&mut budget))
            };
            plan.push((name, articles, take));
        }
        // Newest rows first through the index on the name (which holds
        // the row id); rows of one article are next to each other, so a
        // cut splits no article's rows.
        let parts: Vec<String> = plan
            .iter()
            .enumerate()
            .map(|(i, (_, _, take))| {
                let limit = take.map(|n| format!(" LIMIT {n}")).unwrap_or_default();
                format!(
                    "SELECT * FROM (SELECT {i} AS part, e.article FROM entities e \
                     JOIN articles a ON a.id = e.article WHERE e.name = ?{} \
                     AND e.article != ?1 AND a.duplicate_of IS NULL AND NOT a.is_stub \
                     AND e.article NOT IN (SELECT id FROM articles WHERE duplicate_of = ?1) \
                     ORDER BY e.id DESC{limit}) p{i}",
                    i + 2
                )
            })
            .collect();
        let mut read: Vec<Vec<i64>> = vec![Vec::new(); plan.len()];
        if !parts.is_empty() {
            let mut values = vec![SqlValue::Integer(id)];
            values.extend(plan.iter().map(|(name, _, _)| text(name)));
            let rows: Vec<(i64, i64)> = self.rows(&parts.join(" UNION ALL "), &values, |row| {
                Ok((row.get(0)?, row.get(1)?))
            })?;
            for (part, article) in rows {
                if let Some(articles) = read.get_mut(part.max(0) as usize) {
                    articles.push(article);
                }
            }
        }
        let mut pairs: Vec<(i64, String)> = Vec::new();
        let mut df: HashMap<String, f64> = HashMap::new();
        for ((name, articles, take), mut read) in plan.into_iter().zip(read) {
            read.sort_unstable();
            read.dedup();
            let frequency = if take.is_none() {
                read.len() as f64
            } else {
                (articles - 1).max(0) as f64
            };
            df.insert(name.clone(), frequency);
            pairs.extend(read.into_iter().map(|article| (article, name.clone())));
        }
        let idf = |name: &str| (total.max(1.0) / (df.get(name).copied().unwrap_or(0.0) + 1.0)).ln();
        let mut scores: HashMap<i64, (f64, Vec<&str>)> = HashMap::new();
        for (article, name) in &pairs {
            let weight = idf(name);
            if weight <= 0.0 {
                continue; // a name in nearly every article says nothing
            }
            let entry = scores.entry(*article).or_default();
            entry.0 += weight;
            entry.1.push(name);
        }
        let mut ranked: Vec<(i64, f64, Vec<&str>)> = scores
            .into_iter()
            .map(|(article, (score, names))| (article, score, names))
            .collect();
        ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        ranked.truncate(limit.min(MAX_LIMIT) as usize);
        let mut similar = Vec::with_capacity(ranked.len());
        for (article, score, mut names) in ranked {
            names.sort_by(|a, b| idf(b).total_cmp(&idf(a)).then(a.cmp(b)));
            if let Some(article) = self.article_ref(article)? {
                similar.push(SimilarArticle {
                    article,
                    score: (score * 1000.0).round() / 1000.0,
                    shared: names.into_iter().map(String::from).collect(),
                });
            }
        }
        Ok(similar)
    }

    /// Stories, the latest news first (by their latest article); an empty
    /// page when no stories were assigned.
    pub fn stories(
        &self,
        limit: Option<u32>,
        offset: Option<u32>,
    ) -> Result<Page<StoryRow>, StoreError> {
        let (limit, offset) = page(limit, offset);
        // From `rollup_stories`, the same columns as `story_select`.
        let total = self.count_rows("SELECT count(*) FROM rollup_stories")?;
        let items = self.newest_first(
            &Where::default(),
            (
                &format!(
                    "a.story, a.canonical, a.copies, a.first_published, a.last_published, \
                     {STORY_TITLE}, a.events"
                ),
                "rollup_stories a",
            ),
            ("a.last_published", "a.story"),
            (limit, offset),
            story_row,
        )?;
        Ok(Page { total, items })
    }

    /// One story.
    pub fn story(&self, id: i64) -> Result<Option<StoryRow>, StoreError> {
        Ok(self
            .rows(
                &format!("{} AND a.story = ?1 GROUP BY a.story", story_select()),
                &[SqlValue::Integer(id)],
                story_row,
            )?
            .pop())
    }

    /// Entity names across the corpus, most mentioned first.
    pub fn entities(&self, filter: &EntityFilter) -> Result<Page<EntitySummary>, StoreError> {
        if nonempty(&filter.kind).is_none() && nonempty(&filter.country).is_none() {
            return self.entities_rolled_up(filter);
        }
        let mut sql = Where::default();
        sql.push("a.duplicate_of IS NULL", []);
        if let Some(q) = nonempty(&filter.q) {
            sql.push("e.name LIKE ? ESCAPE '\\'", [text(&contains_pattern(q))]);
        }
        if let Some(kind) = nonempty(&filter.kind) {
            sql.push("e.kind = ?", [text(kind)]);
        }
        if let Some(country) = nonempty(&filter.country) {
            sql.push("e.country = ?", [text(country)]);
        }
        let from = format!(
            "entities e JOIN articles a ON a.id = e.article {}",
            sql.clause()
        );
        let total = self.count(&format!("SELECT count(DISTINCT e.name) FROM {from}"), &sql)?;
        let (limit, offset) = page(filter.limit, filter.offset);
        let items = self.rows(
            &format!(
                "SELECT g.name, b.kind, b.country, b.actor_code, g.articles, g.mentions FROM ( \
                 SELECT {ENTITY_COLUMNS} \
                 FROM {from} GROUP BY e.name) g JOIN entities b ON b.id = {ENTITY_BEST} \
                 ORDER BY g.mentions DESC, g.name LIMIT {limit} OFFSET {offset}"
            ),
            &sql.values,
            entity_summary,
        )?;
        Ok(Page { total, items })
    }

    /// [`Queries::entities`] filtered by name alone, from `rollup_entities`:
    /// a name's group is all its canonical rows either way.
    fn entities_rolled_up(&self, filter: &EntityFilter) -> Result<Page<EntitySummary>, StoreError> {
        let mut sql = Where::default();
        sql.push("g.articles > 0", []);
        if let Some(q) = nonempty(&filter.q) {
            sql.push("g.name LIKE ? ESCAPE '\\'", [text(&contains_pattern(q))]);
        }
        let total = self.count(
            &format!("SELECT count(*) FROM rollup_entities g {}", sql.clause()),
            &sql,
        )?;
        let (limit, offset) = page(filter.limit, filter.offset);
        let items = self.rows(
            &format!(
                "SELECT g.name, b.kind, b.country, b.actor_code, g.articles, g.mentions \
                 FROM rollup_entities g JOIN entities b ON b.id = {ENTITY_BEST} {} \
                 ORDER BY g.mentions DESC, g.name LIMIT {limit} OFFSET {offset}",
                sql.clause()
            ),
            &sql.values,
            entity_summary,
        )?;
        Ok(Page { total, items })
    }

    /// An entity by name: kind, codes, aliases and roles over time; `None`
    /// when no canonical article mentions it.
    pub fn entity(&self, name: &str) -> Result<Option<EntityProfile>, StoreError> {
        let name_value = [text(name)];
        let summary = self
            .rows(
                &format!(
                    "SELECT g.name, b.kind, b.country, b.actor_code, g.articles, g.mentions \
                 FROM rollup_entities g JOIN entities b ON b.id = {ENTITY_BEST} \
                 WHERE g.name = ?1 AND g.articles > 0"
                ),
                &name_value,
                entity_summary,
            )?
            .pop();
        let Some(summary) = summary else {
            return Ok(None);
        };
        // From `rollup_entity_values`: a name's aliases and codes are few.
        let values = |kind: &str| {
            self.rows(
                "SELECT value, n FROM rollup_entity_values WHERE name = ?1 AND kind = ?2 \
                 ORDER BY n DESC, value LIMIT 20",
                &[text(name), text(kind)],
                count_row,
            )
        };
        let aliases = values("alias")?;
        let actor_codes = values("code")?;
        let roles = self.roles(name)?;
        // The events whose source or target is the name, from the keyed
        // rollups.
        let events = self.event_count(&EventFilter {
            entity: Some(name.to_string()),
            ..EventFilter::default()
        })?;
        // The quotes of speakers of that name, kept.
        let quotes = self.name_total(&format!("q:{name}"))?;
        Ok(Some(EntityProfile {
            summary,
            aliases,
            actor_codes,
            roles,
            events,
            quotes,
        }))
    }

    /// An entity's titles across articles with first and last sighting and
    /// the latest three pieces of evidence each.
    fn roles(&self, name: &str) -> Result<Vec<RoleOverTime>, StoreError> {
        // Role spans are byte offsets: the evidence is cut from the text as
        // bytes (SQLite: substr over a BLOB; PostgreSQL: over its UTF-8
        // encoding), in the order the roles are listed.
        let sql = if self.conn.is_postgres() {
            format!(
            "SELECT r.value->>'title', r.value->>'of', a.id, a.published, \
                 substring(convert_to(CASE r.value->>'field' WHEN 'title' THEN a.title \
                 ELSE a.text END, 'UTF8') FROM CAST(r.value->>'start' AS BIGINT)::int + 1 \
                 FOR CAST(r.value->>'end' AS BIGINT)::int - CAST(r.value->>'start' AS BIGINT)::int) \
                 FROM entities e JOIN articles a ON a.id = e.article, \
                 json_array_elements(e.roles::json) WITH ORDINALITY AS r(value, key) \
                 WHERE e.name = ?1 AND a.duplicate_of IS NULL \
                 AND a.id IN (SELECT value FROM json_each(?2)) \
                 ORDER BY a.published IS NULL, a.published, a.id, e.id, r.key LIMIT {ROLE_SIGHTINGS}"
            )
        } else {
            format!(
            "SELECT json_extract(r.value, '$.title'), json_extract(r.value, '$.of'), \
                 a.id, a.published, substr(CAST(CASE json_extract(r.value, '$.field') \
                 WHEN 'title' THEN a.title ELSE a.text END AS BLOB), \
                 json_extract(r.value, '$.start') + 1, \
                 json_extract(r.value, '$.end') - json_extract(r.value, '$.start')) \
                 FROM entities e JOIN articles a ON a.id = e.article, json_each(e.roles) r \
                 WHERE e.name = ?1 AND a.duplicate_of IS NULL \
                 AND a.id IN (SELECT value FROM json_each(?2)) \
                 ORDER BY a.published IS NULL, a.published, a.id, e.id, r.key LIMIT {ROLE_SIGHTINGS}"
            )
        };
        // The earliest articles where the name has titles, each with one
        // at least: as many as there are sightings read.
        let articles = self.posted_articles(&format!("r:{name}"), true, ROLE_SIGHTINGS)?;
        let sightings: Vec<RoleSighting> =
            self.rows(&sql, &[text(name), ids_json(&articles)], |row| {
                Ok((
                    row.get(0)?,
                    row.get(1)?,
                    row.get(2)?,
                    row.get(3)?,
                    row.get::<Option<Vec<u8>>>(4)?
                        .map(|bytes| String::from_utf8_lossy(&bytes).into_owned()),
                ))
            })?;
        let mut roles: Vec<RoleOverTime> = Vec::new();
        let mut seen_articles: HashMap<usize, Vec<i64>> = HashMap::new();
        for (title, of, article, published, evidence) in sightings {
            let index = match roles.iter().position(|r| r.title == title && r.of == of) {
                Some(index) => index,
                None => {
                    roles.push(RoleOverTime {
                        title,
                        of,
                        first_seen: published.clone(),
                        last_seen: None,
                        articles: 0,
                        evidence: Vec::new(),
                    });
                    roles.len() - 1
                }
            };
            let role = &mut roles[index];
            let articles = seen_articles.entry(index).or_default();
            if !articles.contains(&article) {
                articles.push(article);
                role.articles += 1;
            }
            if published.is_some() {
                role.last_seen.clone_from(&published);
                if role.first_seen.is_none() {
                    role.first_seen.clone_from(&published);
                }
            }
            if let Some(text) = evidence.filter(|t| !t.is_empty()) {
                if !role.evidence.iter().any(|e| e.article == article) {
                    role.evidence.push(Evidence {
                        article,
                        published,
                        text,
                    });
                    if role.evidence.len() > 3 {
                        role.evidence.remove(0);
                    }
                }
            }
        }
        Ok(roles)
    }

    /// Entities that appear in the same canonical articles as `name`, most
    /// shared articles first.
    pub fn cooccurring(&self, name: &str, limit: u32) -> Result<Vec<EntitySummary>, StoreError> {
        let limit = limit.min(MAX_LIMIT);
        // Counted over the entity's latest listed articles (its key in
        // `name_postings`), so a name in a thousand articles costs what
        // one in a few hundred does.
        self.rows(
            &format!(
                "WITH recent AS (SELECT article AS id FROM name_postings WHERE key = ?2 \
                 ORDER BY date DESC, article DESC LIMIT {COOCCURRENCE_ARTICLES}) \
                 SELECT g.name, b.kind, b.country, b.actor_code, g.articles, g.mentions FROM ( \
                 SELECT {ENTITY_COLUMNS} \
                 FROM recent JOIN entities e ON e.article = recent.id \
                 WHERE e.name != ?1 GROUP BY e.name) g JOIN entities b ON b.id = {ENTITY_BEST} \
                 ORDER BY g.articles DESC, g.mentions DESC, g.name LIMIT {limit}"
            ),
            &[text(name), text(&format!("l:{name}"))],
            entity_summary,
        )
    }

    /// Places, those most articles name first.
    pub fn places(&self, filter: &PlaceFilter) -> Result<Page<PlaceRow>, StoreError> {
        let mut sql = Where::default();
        if let Some(bbox) = &filter.bbox {
            bbox_condition(&mut sql, bbox, "lat", "lon");
        }
        if let Some(country) = nonempty(&filter.country) {
            sql.push("country = ?", [text(country)]);
        }
        if let Some(q) = nonempty(&filter.q) {
            // A prefix as a range of the lower-cased name: every string
            // that starts with it sorts from it to it followed by the last
            // code point, and the range reads the index.
            let key = crate::places::name_key(q);
            sql.push(
                "name_key >= ? AND name_key < ?",
                [text(&key), text(&format!("{key}\u{10FFFF}"))],
            );
        }
        let total = self.count(
            &format!("SELECT count(*) FROM places {}", sql.clause()),
            &sql,
        )?;
        let (limit, offset) = page(filter.limit, filter.offset);
        let items = self.rows(
            &format!(
                "SELECT {PLACE_COLUMNS} FROM places {} \
                 ORDER BY articles DESC, events DESC, name, id LIMIT {limit} OFFSET {offset}",
                sql.clause()
            ),
            &sql.values,
            place_row,
        )?;
        Ok(Page { total, items })
    }

    /// Events, latest first.
    pub fn events(&self, filter: &EventFilter) -> Result<Page<EventRow>, StoreError> {
        if let Some(keys) = event_keys(filter) {
            return self.events_keyed(&keys, filter);
        }
        match self.events_by_day(filter)? {
            Some(page) => Ok(page),
            None => self.events_scanned(filter),
        }
    }

    /// [`Queries::events`] of an entity or a country pair alone, from the
    /// keyed rollups: the total is summed, and the page is the newest
    /// postings of each key (an index range each, as long as the page and
    /// its offset), merged.
    fn events_keyed(
        &self,
        keys: &[String],
        filter: &EventFilter,
    ) -> Result<Page<EventRow>, StoreError> {
        let total = self.keyed_totals(keys)?.iter().sum();
        let (limit, offset) = page(filter.limit, filter.offset);
        let wanted = limit + offset;
        let mut postings: Vec<(String, i64)> = Vec::new();
        for key in keys {
            postings.extend(self.rows(
                &format!(
                    "SELECT date, event FROM event_postings WHERE key = ?1 \
                     ORDER BY date DESC, event DESC LIMIT {wanted}"
                ),
                &[text(key)],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )?);
        }
        // Newest first as `latest_events` orders them: `''` (no date) is
        // below every date.
        postings.sort_by(|a, b| b.cmp(a));
        postings.dedup();
        let ids: Vec<i64> = postings
            .into_iter()
            .skip(offset as usize)
            .take(limit as usize)
            .map(|(_, event)| event)
            .collect();
        if ids.is_empty() {
            return Ok(Page {
                total,
                items: Vec::new(),
            });
        }
        let mut sql = Where::default();
        sql.push(
            "ev.id IN (SELECT value FROM json_each(?))",
            [ids_json(&ids)],
        );
        let items = self.latest_events(&sql, limit, 0)?;
        Ok(Page { total, items })
    }

    /// The events of each key in `keys`, in that order.
    fn keyed_totals(&self, keys: &[String]) -> Result<Vec<u64>, StoreError> {
        let mut totals = Vec::with_capacity(keys.len());
        for key in keys {
            let total = self.count(
                "SELECT CAST(coalesce(sum(events), 0) AS BIGINT) FROM rollup_event_roots \
                 WHERE key = ?",
                &Where {
                    values: vec![text(key)],
                    ..Where::default()
                },
            )?;
            totals.push(total);
        }
        Ok(totals)
    }

    /// The articles under `key` in `name_postings`, newest first (or, when
    /// `earliest`, earliest first with the undated last), as many as hold
    /// `want` of what its `n` counts, or all there are: a page of postings
    /// at a time through the key.
    fn posted_articles(
        &self,
        key: &str,
        earliest: bool,
        want: u64,
    ) -> Result<Vec<i64>, StoreError> {
        const PAGE: u64 = 256;
        let parts: &[(&str, &str)] = if earliest {
            &[("date != ''", "date, article"), ("date = ''", "article")]
        } else {
            &[("date = date", "date DESC, article DESC")]
        };
        let mut articles = Vec::new();
        let mut held = 0;
        for (part, order) in parts {
            let mut skip = 0;
            while held < want {
                let rows: Vec<(i64, i64)> = self.rows(
                    &format!(
                        "SELECT article, n FROM name_postings WHERE key = ?1 AND {part} \
                         ORDER BY {order} LIMIT {PAGE} OFFSET {skip}"
                    ),
                    &[text(key)],
                    |row| Ok((row.get(0)?, row.get(1)?)),
                )?;
                for &(article, n) in &rows {
                    if held >= want {
                        break;
                    }
                    articles.push(article);
                    held += n.max(0) as u64;
                }
                if (rows.len() as u64) < PAGE {
                    break;
                }
                skip += PAGE;
            }
        }
        Ok(articles)
    }

    /// The sum kept for `key` in `rollup_name_totals` (0 when absent).
    fn name_total(&self, key: &str) -> Result<u64, StoreError> {
        self.count(
            "SELECT n FROM rollup_name_totals WHERE key = ?",
            &Where {
                values: vec![text(key)],
                ..Where::default()
            },
        )
    }

    /// The chart, mix and totals of the events of one entity or one
    /// country pair from the keyed rollups, without reading the events;
    /// `None` when the filter has more than the entity or the pair (a
    /// page size aside).
    pub fn event_rollup(&self, filter: &EventFilter) -> Result<Option<EventRollup>, StoreError> {
        let Some(keys) = event_keys(filter) else {
            return Ok(None);
        };
        let totals = self.keyed_totals(&keys)?;
        let list = vec!["?"; keys.len()].join(", ");
        let values: Vec<SqlValue> = keys.iter().map(|k| text(k)).collect();
        let tallies = self.rows(
            &format!(
                "SELECT day, quad_class, goldstein, CAST(sum(events) AS BIGINT) \
                 FROM rollup_event_days WHERE key IN ({list}) \
                 GROUP BY day, quad_class, goldstein ORDER BY day, quad_class, goldstein"
            ),
            &values,
            |row| {
                let day: String = row.get(0)?;
                Ok(EventTally {
                    date: (!day.is_empty()).then_some(day),
                    quad_class: row.get::<i64>(1)?.clamp(0, 4) as u8,
                    goldstein: row.get::<i64>(2)? as f64 / crate::rollup::GOLDSTEIN_UNIT,
                    events: row.get::<i64>(3)?.max(0) as u64,
                })
            },
        )?;
        let mix = self.rows(
            &format!(
                "SELECT root, max(quad_class), CAST(sum(events) AS BIGINT) \
                 FROM rollup_event_roots WHERE key IN ({list}) GROUP BY root ORDER BY root"
            ),
            &values,
            |row| {
                Ok(RootCount {
                    root: row.get(0)?,
                    quad_class: row.get::<i64>(1)?.clamp(0, 4) as u8,
                    events: row.get::<i64>(2)?.max(0) as u64,
                })
            },
        )?;
        let forward = totals.first().copied().unwrap_or(0);
        let backward = match (&filter.countries, totals.get(1)) {
            (Some(_), Some(&back)) => back,
            (Some(_), None) => forward,
            (None, _) => 0,
        };
        Ok(Some(EventRollup {
            tallies,
            mix,
            total: totals.iter().sum(),
            forward,
            backward,
        }))
    }

    /// [`Queries::events`] by reading every event the filter takes.
    fn events_scanned(&self, filter: &EventFilter) -> Result<Page<EventRow>, StoreError> {
        let sql = event_where(filter);
        let total = self.count(
            &format!("SELECT count(*) FROM {EVENT_FROM} {}", sql.clause()),
            &sql,
        )?;
        let (limit, offset) = page(filter.limit, filter.offset);
        let items = self.latest_events(&sql, limit, offset)?;
        Ok(Page { total, items })
    }

    /// A page of the events `sql` takes, latest first.
    fn latest_events(
        &self,
        sql: &Where,
        limit: u32,
        offset: u32,
    ) -> Result<Vec<EventRow>, StoreError> {
        self.rows(
            &format!(
                "SELECT {EVENT_COLUMNS} FROM {EVENT_FROM} {} \
                 ORDER BY {EVENT_DATE} IS NULL, {EVENT_DATE} DESC, ev.id DESC \
                 LIMIT {limit} OFFSET {offset}",
                sql.clause()
            ),
            &sql.values,
            event_row,
        )
    }

    /// [`Queries::events`] filtered by date alone (the home page's latest
    /// and upcoming events), from `rollup_days`: the total is a sum of
    /// days, and the page is read from the latest days that hold it (the
    /// day where the events it needs are reached, and every later one),
    /// through the date and publication indexes. `None` when the filter
    /// has more than dates or the dated events do not fill the page (the
    /// events without a date come last): then the events are read whole.
    fn events_by_day(&self, filter: &EventFilter) -> Result<Option<Page<EventRow>>, StoreError> {
        let dates_only = EventFilter {
            from: filter.from.clone(),
            to: filter.to.clone(),
            limit: filter.limit,
            offset: filter.offset,
            ..EventFilter::default()
        } == *filter;
        if !dates_only {
            return Ok(None);
        }
        let from = nonempty(&filter.from);
        // As `date_range` bounds it: every date `to` is a prefix of.
        let to = nonempty(&filter.to).map(|to| format!("{to}\u{10FFFF}"));
        let days: Vec<(String, i64)> = self.rows(
            "SELECT day, events FROM rollup_days ORDER BY day DESC",
            &[],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )?;
        // Text compares bytewise in both engines (PostgreSQL with the C
        // collation), as `str` does. A day of `''` has neither date, which
        // no date bound takes.
        let within = |day: &str| {
            if day.is_empty() {
                from.is_none() && to.is_none()
            } else {
                from.is_none_or(|from| day >= from) && to.as_deref().is_none_or(|to| day < to)
            }
        };
        let total: u64 = days
            .iter()
            .filter(|(day, _)| within(day))
            .map(|(_, n)| (*n).max(0) as u64)
            .sum();
        let (limit, offset) = page(filter.limit, filter.offset);
        let wanted = u64::from(limit) + u64::from(offset);
        let mut reached = 0;
        let mut cutoff = None;
        for (day, n) in days
            .iter()
            .filter(|(day, _)| !day.is_empty() && within(day))
        {
            reached += (*n).max(0) as u64;
            if reached >= wanted {
                cutoff = Some(day.as_str());
                break;
            }
        }
        let cutoff = match cutoff {
            Some(cutoff) => cutoff,
            // A date bound leaves out the undated events: the page is
            // within the dated days the bounds take, if any.
            None if from.is_some() || to.is_some() => {
                let earliest = days
                    .iter()
                    .rev()
                    .find(|(day, _)| !day.is_empty() && within(day));
                match earliest {
                    Some((day, _)) => day.as_str(),
                    None => {
                        return Ok(Some(Page {
                            total,
                            items: Vec::new(),
                        }))
                    }
                }
            }
            None => return Ok(None),
        };
        let mut sql = event_where(filter);
        sql.push(
            "ev.id IN (SELECT id FROM events WHERE date >= ? UNION ALL \
             SELECT undated.id FROM articles dated JOIN events undated \
             ON undated.article = dated.id WHERE undated.date IS NULL AND dated.published >= ?)",
            [text(cutoff), text(cutoff)],
        );
        let items = self.latest_events(&sql, limit, offset)?;
        Ok(Some(Page { total, items }))
    }

    /// How many events match, without reading them.
    pub fn event_count(&self, filter: &EventFilter) -> Result<u64, StoreError> {
        if let Some(keys) = event_keys(filter) {
            return Ok(self.keyed_totals(&keys)?.iter().sum());
        }
        let sql = event_where(filter);
        self.count(
            &format!("SELECT count(*) FROM {EVENT_FROM} {}", sql.clause()),
            &sql,
        )
    }

    /// Events reduced to what charts and counts need (at most 50,000;
    /// dated ones first, earliest first).
    pub fn event_points(&self, filter: &EventFilter) -> Result<Vec<EventPoint>, StoreError> {
        let sql = event_where(filter);
        self.rows(
            &format!(
                "SELECT {EVENT_DATE}, ev.root, ev.quad_class, ev.goldstein, ev.source_code, \
                 ev.target_code FROM {EVENT_FROM} {} \
                 ORDER BY {EVENT_DATE} IS NULL, {EVENT_DATE} LIMIT 50000",
                sql.clause()
            ),
            &sql.values,
            |row| {
                Ok(EventPoint {
                    date: row.get(0)?,
                    root: row.get(1)?,
                    quad_class: row.get::<i64>(2)?.clamp(0, 4) as u8,
                    goldstein: row.get(3)?,
                    source_code: row.get(4)?,
                    target_code: row.get(5)?,
                })
            },
        )
    }

    /// Events by CAMEO root.
    pub fn event_mix(&self, filter: &EventFilter) -> Result<Vec<RootCount>, StoreError> {
        let sql = event_where(filter);
        let query = if unfiltered(filter) {
            "SELECT root, max(quad_class), CAST(sum(events) AS BIGINT) FROM rollup_roots \
             GROUP BY root ORDER BY root"
                .to_string()
        } else {
            format!(
                "SELECT ev.root, max(ev.quad_class), count(*) FROM {EVENT_FROM} {} \
                 GROUP BY ev.root ORDER BY ev.root",
                sql.clause()
            )
        };
        self.rows(&query, &sql.values, |row| {
            Ok(RootCount {
                root: row.get(0)?,
                quad_class: row.get::<i64>(1)?.clamp(0, 4) as u8,
                events: row.get::<i64>(2)?.max(0) as u64,
            })
        })
    }

    /// Actor codes by the events they are in, most first.
    pub fn active_actors(&self, limit: u32) -> Result<Vec<ActorActivity>, StoreError> {
        let limit = limit.min(MAX_LIMIT);
        self.rows(
            &format!(
                "SELECT code, as_source, as_target FROM rollup_actors \
                 ORDER BY as_source + as_target DESC, code LIMIT {limit}"
            ),
            &[],
            |row| {
                Ok(ActorActivity {
                    code: row.get(0)?,
                    as_source: row.get::<i64>(1)?.max(0) as u64,
                    as_target: row.get::<i64>(2)?.max(0) as u64,
                })
            },
        )
    }

    /// Events between actor codes (both known and different), grouped by
    /// the pair.
    pub fn edges(&self, filter: &EventFilter) -> Result<Vec<Edge>, StoreError> {
        if !unfiltered(filter) {
            return self.edges_scanned(filter);
        }
        self.rows(
            "SELECT source_code, target_code, events, goldstein FROM rollup_edges \
                 ORDER BY events DESC, source_code, target_code LIMIT 5000",
            &[],
            |row| {
                let events = row.get::<i64>(2)?.max(0) as u64;
                let units = row.get::<i64>(3)? as f64;
                Ok(Edge {
                    source: row.get(0)?,
                    target: row.get(1)?,
                    events,
                    // The mean as SQL's `avg` gives it: the exact sum
                    // over the count.
                    goldstein: (units / crate::rollup::GOLDSTEIN_UNIT) / events.max(1) as f64,
                })
            },
        )
    }

    /// [`Queries::edges`] by reading every event the filter takes.
    fn edges_scanned(&self, filter: &EventFilter) -> Result<Vec<Edge>, StoreError> {
        let mut sql = event_where(filter);
        sql.push(
            "ev.source_code IS NOT NULL AND ev.target_code IS NOT NULL \
             AND ev.source_code != ev.target_code",
            [],
        );
        self.rows(
            &format!(
                "SELECT ev.source_code, ev.target_code, count(*), avg(ev.goldstein) \
                 FROM {EVENT_FROM} {} GROUP BY 1, 2 ORDER BY 3 DESC, 1, 2 LIMIT 5000",
                sql.clause()
            ),
            &sql.values,
            |row| {
                Ok(Edge {
                    source: row.get(0)?,
                    target: row.get(1)?,
                    events: row.get::<i64>(2)?.max(0) as u64,
                    goldstein: row.get(3)?,
                })
            },
        )
    }

    /// Quotes, latest first.
    pub fn quotes(&self, filter: &QuoteFilter) -> Result<Page<QuoteRow>, StoreError> {
        let mut sql = Where::default();
        sql.push("a.duplicate_of IS NULL", []);
        if let Some(speaker) = nonempty(&filter.speaker) {
            sql.push(
                "q.speaker IN (SELECT id FROM entities WHERE name = ?)",
                [text(speaker)],
            );
        }
        if let Some(article) = filter.article {
            sql.push("q.article = ?", [SqlValue::Integer(article)]);
        }
        if let Some(q) = nonempty(&filter.q) {
            sql.push("q.text LIKE ? ESCAPE '\\'", [text(&contains_pattern(q))]);
        }
        if let Some(kind) = nonempty(&filter.kind) {
            sql.push("q.kind = ?", [text(kind)]);
        }
        let (limit, offset) = page(filter.limit, filter.offset);
        // A speaker alone: the quotes are those of the speaker's newest
        // articles that hold the page (`name_postings`), and the total is
        // kept.
        let keyed = nonempty(&filter.speaker)
            .filter(|speaker| {
                *filter
                    == QuoteFilter {
                        speaker: Some(speaker.to_string()),
                        limit: filter.limit,
                        offset: filter.offset,
                        ..QuoteFilter::default()
                    }
            })
            .map(|speaker| format!("q:{speaker}"));
        let total = match &keyed {
            Some(key) => {
                let articles =
                    self.posted_articles(key, false, u64::from(limit) + u64::from(offset))?;
                sql.push(
                    "q.article IN (SELECT value FROM json_each(?))",
                    [ids_json(&articles)],
                );
                Some(self.name_total(key)?)
            }
            None => None,
        };
        let from = format!(
            "quotes q JOIN articles a ON a.id = q.article \
             LEFT JOIN entities sp ON sp.id = q.speaker {}",
            sql.clause()
        );
        let total = match total {
            Some(total) => total,
            None => self.count(&format!("SELECT count(*) FROM {from}"), &sql)?,
        };
        let items = self.rows(
            &format!(
                "SELECT q.id, q.article, a.title, a.published, q.kind, q.text, sp.name, \
                 q.speaker_text, q.cue, q.confidence FROM {from} \
                 ORDER BY a.published IS NULL, a.published DESC, q.article DESC, q.start \
                 LIMIT {limit} OFFSET {offset}"
            ),
            &sql.values,
            |row| {
                Ok(QuoteRow {
                    id: row.get(0)?,
                    article: row.get(1)?,
                    article_title: row.get(2)?,
                    published: row.get(3)?,
                    kind: row.get(4)?,
                    text: row.get(5)?,
                    speaker: row.get(6)?,
                    speaker_text: row.get(7)?,
                    cue: row.get(8)?,
                    confidence: row.get(9)?,
                })
            },
        )?;
        Ok(Page { total, items })
    }

    /// Plain text search: canonical articles whose title or text holds
    /// every word of the query (ASCII case-insensitive), title matches
    /// first, then newest; with facets over all matches.
    ///
    /// A stand-in for a full-text index: it scans the texts, which is fast
    /// enough for corpora of some thousands of articles.
    pub fn search(&self, query: &SearchQuery) -> Result<SearchResults, StoreError> {
        let words: Vec<&str> = query.q.split_whitespace().take(16).collect();
        let mut sql = Where::default();
        sql.push("a.duplicate_of IS NULL AND NOT a.is_stub", []);
        let mut title_score = Vec::new();
        let mut title_values = Vec::new();
        for word in &words {
            let pattern = contains_pattern(word);
            sql.push(
                "(a.title LIKE ? ESCAPE '\\' OR a.text LIKE ? ESCAPE '\\')",
                [text(&pattern), text(&pattern)],
            );
            title_score
                .push("(CASE WHEN coalesce(a.title, '') LIKE ? ESCAPE '\\' THEN 1 ELSE 0 END)");
            title_values.push(text(&pattern));
        }
        self.narrow(
            &mut sql,
            &query.country,
            &query.entity,
            &query.root,
            &query.source,
        );
        date_range(&mut sql, "a.published", &query.from, &query.to);
        // Title matches first; without words, newest first.
        let score = if title_score.is_empty() {
            String::new()
        } else {
            format!("{} DESC, ", title_score.join(" + "))
        };
        let mut values = title_values;
        values.extend(sql.values.iter().cloned());
        let ids: Vec<i64> = self.rows(
            &format!(
                "SELECT a.id FROM articles a {} \
                 ORDER BY {score}a.published IS NULL, a.published DESC, a.id DESC",
                sql.clause()
            ),
            &values,
            |row| row.get(0),
        )?;
        let (limit, offset) = page(query.limit, query.offset);
        let page_ids: Vec<i64> = ids
            .iter()
            .skip(offset as usize)
            .take(limit as usize)
            .copied()
            .collect();
        Ok(SearchResults {
            total: ids.len() as u64,
            hits: self.article_summaries(&page_ids)?,
            facets: self.facets(&ids)?,
        })
    }

    fn narrow(
        &self,
        sql: &mut Where,
        country: &Option<String>,
        entity: &Option<String>,
        root: &Option<String>,
        source: &Option<String>,
    ) {
        if let Some(country) = nonempty(country) {
            sql.push(
                "a.id IN (SELECT article FROM entities WHERE country = ?)",
                [text(country)],
            );
        }
        if let Some(entity) = nonempty(entity) {
            sql.push(
                "a.id IN (SELECT article FROM entities WHERE name = ?)",
                [text(entity)],
            );
        }
        if let Some(root) = nonempty(root) {
            sql.push(
                "a.id IN (SELECT article FROM events WHERE root = ?)",
                [text(root)],
            );
        }
        if let Some(source) = nonempty(source) {
            sql.push("(a.source = ? OR a.site = ?)", [text(source), text(source)]);
        }
    }

    /// Facet counts over a set of articles (for any search engine's hits).
    pub fn facets(&self, ids: &[i64]) -> Result<Facets, StoreError> {
        if ids.is_empty() {
            return Ok(Facets::default());
        }
        let set = [ids_json(ids)];
        let top = |sql: &str| self.rows(sql, &set, count_row);
        // One pass over the entities of the matches for three facets.
        let rows: Vec<(i64, String, String, Option<String>)> = self.rows(
            "SELECT DISTINCT article, name, kind, country FROM entities \
             WHERE article IN (SELECT value FROM json_each(?1)) \
             AND (kind IN ('person', 'organization') OR country IS NOT NULL)",
            &set,
            |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?)),
        )?;
        // A name the corpus also gives as a place or country ("Batken"
        // tagged a person in one article, a place in others), or that is
        // the name of an outlet ("Caravan Wire" in a dateline), is not
        // listed among the people or organizations.
        // Asked of the rollups of kinds and sources for the names of the
        // matches alone: a few keys, where reading the entity rows of
        // each name and every article's source grew with the corpus.
        let not_named: HashSet<String> = self
            .rows(
                "WITH named AS (SELECT DISTINCT name FROM entities \
                 WHERE article IN (SELECT value FROM json_each(?1)) \
                 AND kind IN ('person', 'organization')) \
                 SELECT k.name FROM rollup_entity_kinds k \
                 WHERE k.kind IN ('place', 'country') AND k.name IN (SELECT name FROM named) \
                 UNION SELECT s.name FROM rollup_sources s WHERE s.name IN (SELECT name FROM named)",
                &set,
                |row| row.get::<String>(0),
            )?
            .into_iter()
            .collect();
        let mut countries: HashSet<(&str, i64)> = HashSet::new();
        let mut people: HashSet<(&str, i64)> = HashSet::new();
        let mut organizations: HashSet<(&str, i64)> = HashSet::new();
        for (article, name, kind, country) in &rows {
            if let Some(country) = country {
                countries.insert((country, *article));
            }
            if not_named.contains(name) {
                continue;
            }
            match kind.as_str() {
                "person" => {
                    people.insert((name, *article));
                }
                "organization" => {
                    organizations.insert((name, *article));
                }
                _ => {}
            }
        }
        Ok(Facets {
            countries: top_counts(countries.into_iter(), 12),
            people: top_counts(people.into_iter(), 12),
            organizations: top_counts(organizations.into_iter(), 12),
            roots: top(
                "SELECT root, count(DISTINCT article) AS n FROM events \
                 WHERE article IN (SELECT value FROM json_each(?1)) \
                 GROUP BY root ORDER BY n DESC, root LIMIT 20",
            )?,
            sources: top(
                "SELECT coalesce(site, source), count(*) AS n FROM articles \
                 WHERE id IN (SELECT value FROM json_each(?1)) AND coalesce(site, source) IS NOT NULL \
                 GROUP BY 1 ORDER BY n DESC, 1 LIMIT 12",
            )?,
            months: top(
                "SELECT substr(published, 1, 7) AS month, count(*) AS n FROM articles \
                 WHERE id IN (SELECT value FROM json_each(?1)) AND length(published) >= 7 \
                 GROUP BY month ORDER BY month DESC LIMIT 24",
            )?,
        })
    }

    /// A story's event tellings in grouping order (`story_events.rs`).
    pub(crate) fn story_tellings(
        &self,
        story: i64,
    ) -> Result<Vec<crate::story_events::Telling>, StoreError> {
        self.conn.rows(
            crate::story_events::TELLINGS_SQL,
            &[SqlValue::Integer(story)],
            "reading a story's events",
            |row| {
                Ok(crate::story_events::Telling {
                    id: row.get(0)?,
                    code: row.get(1)?,
                    root: row.get(2)?,
                    source: row.get(3)?,
                    target: row.get(4)?,
                    day: row.get(5)?,
                    article: row.get(6)?,
                    outlet: row.get(7)?,
                    mentions: row.get(8)?,
                })
            },
        )
    }

    /// A story's canonical articles with their publication times, in
    /// publication order (undated last), then stored order
    /// (`story_changes.rs`).
    pub(crate) fn story_report_order(
        &self,
        story: i64,
    ) -> Result<Vec<(i64, Option<String>)>, StoreError> {
        self.rows(
            "SELECT id, published FROM articles WHERE story = ?1 AND duplicate_of IS NULL \
             ORDER BY published IS NULL, published, id",
            &[SqlValue::Integer(story)],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
    }

    /// One article's analysis as a report of its story.
    pub(crate) fn story_report(
        &self,
        id: i64,
    ) -> Result<Option<crate::story_changes::Report>, StoreError> {
        let row = self.first(
            "SELECT doc_id, published, analysis, text FROM articles WHERE id = ?1",
            &[SqlValue::Integer(id)],
            "reading an article of a story",
            |row| {
                Ok((
                    row.get::<String>(0)?,
                    row.get::<Option<String>>(1)?,
                    row.get::<Vec<u8>>(2)?,
                    row.get::<String>(3)?,
                ))
            },
        )?;
        let Some((doc_id, published, blob, text)) = row else {
            return Ok(None);
        };
        let analysis: Analysis = crate::blob::decode_analysis(&doc_id, &blob, &text)?;
        Ok(Some(crate::story_changes::Report {
            article: id,
            published,
            analysis,
        }))
    }

    /// The entities a story's canonical articles name, most mentioned
    /// first: its actors (people, organizations, groups) and its places
    /// (countries, places), at most `limit` of each.
    pub fn story_entities(
        &self,
        story: i64,
        limit: u32,
    ) -> Result<(Vec<EntitySummary>, Vec<EntitySummary>), StoreError> {
        let read = |kinds: &str| {
            self.rows(
                &format!(
                    "SELECT g.name, b.kind, b.country, b.actor_code, g.articles, g.mentions FROM ( \
                     SELECT {ENTITY_COLUMNS} \
                     FROM entities e JOIN articles a ON a.id = e.article \
                     WHERE a.story = ?1 AND a.duplicate_of IS NULL AND e.kind IN ({kinds}) \
                     GROUP BY e.name) g JOIN entities b ON b.id = {ENTITY_BEST} \
                     ORDER BY g.articles DESC, g.mentions DESC, g.name LIMIT ?2"
                ),
                &[
                    SqlValue::Integer(story),
                    SqlValue::Integer(i64::from(limit)),
                ],
                entity_summary,
            )
        };
        Ok((
            read("'person', 'organization', 'group'")?,
            read("'country', 'place'")?,
        ))
    }

    fn count(&self, sql: &str, filter: &Where) -> Result<u64, StoreError> {
        Ok(self
            .first(sql, &filter.values, "counting", |row| row.get::<i64>(0))?
            .map_or(0, |n| n.max(0) as u64))
    }

    fn rows<T>(
        &self,
        sql: &str,
        values: &[SqlValue],
        map: impl FnMut(&Cells) -> RowResult<T>,
    ) -> Result<Vec<T>, StoreError> {
        self.conn.rows(sql, values, "querying", map)
    }
}

/// A `WHERE` clause from fixed fragments with `?` placeholders, and the
/// values bound to them in order.
#[derive(Debug, Clone, Default)]
struct Where {
    conditions: Vec<String>,
    values: Vec<SqlValue>,
}

impl Where {
    fn push<const N: usize>(&mut self, condition: &str, values: [SqlValue; N]) {
        self.conditions.push(condition.to_string());
        self.values.extend(values);
    }

    fn clause(&self) -> String {
        if self.conditions.is_empty() {
            String::new()
        } else {
            format!("WHERE {}", self.conditions.join(" AND "))
        }
    }
}

/// Whether an event filter takes every canonical event (a page size or
/// offset aside): what the rollups count.
fn unfiltered(filter: &EventFilter) -> bool {
    *filter
        == EventFilter {
            limit: filter.limit,
            offset: filter.offset,
            ..EventFilter::default()
        }
}

/// The keys of the keyed event rollups that hold the events `filter`
/// takes: an entity's, or both directions of a country pair (one when the
/// two are one country); `None` when the filter has anything else but a
/// page size.
fn event_keys(filter: &EventFilter) -> Option<Vec<String>> {
    let paged = |kept: EventFilter| {
        EventFilter {
            limit: filter.limit,
            offset: filter.offset,
            ..kept
        } == *filter
    };
    if let Some(name) = nonempty(&filter.entity) {
        let only = EventFilter {
            entity: filter.entity.clone(),
            ..EventFilter::default()
        };
        // The rollups key the name as stored; a padded name is another
        // filter (`event_where` trims it).
        return (paged(only) && name == filter.entity.as_deref().unwrap_or_default())
            .then(|| vec![format!("e:{name}")]);
    }
    let CountryPair(first, second) = filter.countries.as_ref()?;
    let only = EventFilter {
        countries: filter.countries.clone(),
        ..EventFilter::default()
    };
    if !paged(only) {
        return None;
    }
    let mut keys = vec![format!("d:{first}>{second}")];
    if first != second {
        keys.push(format!("d:{second}>{first}"));
    }
    Some(keys)
}

fn event_where(filter: &EventFilter) -> Where {
    let mut sql = Where::default();
    sql.push("a.duplicate_of IS NULL", []);
    if let Some(actor) = nonempty(&filter.actor) {
        let pattern = prefix_pattern(actor);
        sql.push(
            "(ev.source_code LIKE ? ESCAPE '\\' OR ev.target_code LIKE ? ESCAPE '\\')",
            [text(&pattern), text(&pattern)],
        );
    }
    if let Some(source) = nonempty(&filter.source) {
        sql.push(
            "ev.source_code LIKE ? ESCAPE '\\'",
            [text(&prefix_pattern(source))],
        );
    }
    if let Some(target) = nonempty(&filter.target) {
        sql.push(
            "ev.target_code LIKE ? ESCAPE '\\'",
            [text(&prefix_pattern(target))],
        );
    }
    if let Some(name) = nonempty(&filter.entity) {
        // Events has no index on its entity columns: the articles that
        // mention the name narrow the rows first (events_article).
        sql.push(
            "ev.article IN (SELECT article FROM entities WHERE name = ?) \
             AND (se.name = ? OR te.name = ?)",
            [text(name), text(name), text(name)],
        );
    }
    if let Some(CountryPair(first, second)) = &filter.countries {
        sql.push(
            "((substr(ev.source_code, 1, 3) = ? AND substr(ev.target_code, 1, 3) = ?) OR \
             (substr(ev.source_code, 1, 3) = ? AND substr(ev.target_code, 1, 3) = ?))",
            [text(first), text(second), text(second), text(first)],
        );
    }
    if let Some(code) = nonempty(&filter.code) {
        sql.push("ev.code LIKE ? ESCAPE '\\'", [text(&prefix_pattern(code))]);
    }
    if let Some(root) = nonempty(&filter.root) {
        sql.push("ev.root = ?", [text(root)]);
    }
    if let Some(quad) = filter.quad_class {
        sql.push("ev.quad_class = ?", [SqlValue::Integer(i64::from(quad))]);
    }
    if let Some(modality) = nonempty(&filter.modality) {
        sql.push("ev.modality = ?", [text(modality)]);
    }
    if let Some(article) = filter.article {
        sql.push("ev.article = ?", [SqlValue::Integer(article)]);
    }
    if let Some(story) = filter.story {
        sql.push("a.story = ?", [SqlValue::Integer(story)]);
    }
    if let Some(bbox) = &filter.bbox {
        bbox_condition(&mut sql, bbox, "ev.location_lat", "ev.location_lon");
    }
    if let Some(country) = nonempty(&filter.country) {
        sql.push("ev.location_country = ?", [text(country)]);
    }
    match filter.located {
        Some(true) => sql.push("ev.location_lat IS NOT NULL", []),
        Some(false) => sql.push("ev.location_lat IS NULL", []),
        None => {}
    }
    date_range(&mut sql, EVENT_DATE, &filter.from, &filter.to);
    sql
}

/// Points of columns `lat` and `lon` inside a box; one that crosses the
/// antimeridian takes the longitudes east of `west` and those west of
/// `east`.
fn bbox_condition(sql: &mut Where, bbox: &BoundingBox, lat: &str, lon: &str) {
    sql.push(
        &format!("{lat} BETWEEN ? AND ?"),
        [SqlValue::Real(bbox.south), SqlValue::Real(bbox.north)],
    );
    if bbox.crosses_antimeridian() {
        sql.push(
            &format!("({lon} >= ? OR {lon} <= ?)"),
            [SqlValue::Real(bbox.west), SqlValue::Real(bbox.east)],
        );
    } else {
        sql.push(
            &format!("{lon} BETWEEN ? AND ?"),
            [SqlValue::Real(bbox.west), SqlValue::Real(bbox.east)],
        );
    }
}

/// Dates are ISO 8601 strings, so a range is a string comparison; `to` is
/// inclusive of every date it is a prefix of (`2025-02` takes all February).
fn date_range(sql: &mut Where, column: &str, from: &Option<String>, to: &Option<String>) {
    if let Some(from) = nonempty(from) {
        sql.push(&format!("{column} >= ?"), [text(from)]);
    }
    if let Some(to) = nonempty(to) {
        sql.push(&format!("{column} < ?"), [text(&format!("{to}\u{10FFFF}"))]);
    }
}

/// Distinct (value, article) pairs counted per value, most first.
fn top_counts<'a>(pairs: impl Iterator<Item = (&'a str, i64)>, limit: usize) -> Vec<Count> {
    let mut counts: HashMap<&str, u64> = HashMap::new();
    for (value, _) in pairs {
        *counts.entry(value).or_default() += 1;
    }
    let mut counts: Vec<Count> = counts
        .into_iter()
        .map(|(value, count)| Count {
            value: value.to_string(),
            count,
        })
        .collect();
    counts.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
    counts.truncate(limit);
    counts
}

fn nonempty(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

fn text(value: &str) -> SqlValue {
    SqlValue::Text(value.to_string())
}

fn ids_json(ids: &[i64]) -> SqlValue {
    SqlValue::Text(serde_json::to_string(ids).unwrap_or_else(|_| "[]".into()))
}

/// A LIKE pattern matching values that contain `value` literally.
fn contains_pattern(value: &str) -> String {
    format!("%{}%", escape_like(value))
}

/// A LIKE pattern matching values that start with `value` literally.
fn prefix_pattern(value: &str) -> String {
    format!("{}%", escape_like(value))
}

fn escape_like(value: &str) -> String {
    let mut escaped = String::with_capacity(value.len());
    for c in value.chars() {
        if matches!(c, '%' | '_' | '\\') {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    escaped
}

fn page(limit: Option<u32>, offset: Option<u32>) -> (u32, u32) {
    (
        limit.unwrap_or(DEFAULT_LIMIT).clamp(1, MAX_LIMIT),
        offset.unwrap_or(0).min(1_000_000),
    )
}

fn article_summary(row: &Cells) -> RowResult<ArticleSummary> {
    let mut snippet: String = row.get::<Option<String>>(11)?.unwrap_or_default();
    if let Some(end) = snippet.char_indices().nth(280).map(|(i, _)| i) {
        snippet.truncate(end);
        snippet.push('…');
    }
    Ok(ArticleSummary {
        id: row.get(0)?,
        doc_id: row.get(1)?,
        external_id: row.get(2)?,
        title: row.get(3)?,
        url: row.get(4)?,
        site: row.get(5)?,
        source: row.get(6)?,
        published: row.get(7)?,
        language: row.get(8)?,
        stub: row.get(9)?,
        duplicate_of: row.get(10)?,
        snippet,
        entities: row.get::<i64>(12)?.max(0) as u64,
        quotes: row.get::<i64>(13)?.max(0) as u64,
        events: row.get::<i64>(14)?.max(0) as u64,
        story: row.get(15)?,
    })
}

fn article_ref(row: &Cells) -> RowResult<ArticleRef> {
    Ok(ArticleRef {
        id: row.get(0)?,
        title: row.get(1)?,
        published: row.get(2)?,
        site: row.get(3)?,
    })
}

fn entity_summary(row: &Cells) -> RowResult<EntitySummary> {
    Ok(EntitySummary {
        name: row.get(0)?,
        kind: row.get(1)?,
        country: row.get(2)?,
        actor_code: row.get(3)?,
        articles: row.get::<i64>(4)?.max(0) as u64,
        mentions: row.get::<i64>(5)?.max(0) as u64,
    })
}

fn story_row(row: &Cells) -> RowResult<StoryRow> {
    Ok(StoryRow {
        id: row.get(0)?,
        articles: row.get::<i64>(1)?.max(0) as u64,
        copies: row.get::<i64>(2)?.max(0) as u64,
        first: row.get(3)?,
        last: row.get(4)?,
        title: row.get(5)?,
        events: row.get::<i64>(6)?.max(0) as u64,
    })
}

fn count_row(row: &Cells) -> RowResult<Count> {
    Ok(Count {
        value: row.get(0)?,
        count: row.get::<i64>(1)?.max(0) as u64,
    })
}

fn event_row(row: &Cells) -> RowResult<EventRow> {
    let own_date: Option<String> = row.get(3)?;
    let published: Option<String> = row.get(4)?;
    let evidence: Option<String> = row.get(14)?;
    let (trigger_start, trigger_end, evidence_start) = (
        row.get::<i64>(15)?,
        row.get::<i64>(16)?,
        row.get::<i64>(17)?,
    );
    // The trigger relative to the evidence sentence, when it lies inside it
    // on character boundaries (trigger and evidence share one field).
    let trigger = evidence.as_deref().and_then(|sentence| {
        let start = usize::try_from(trigger_start - evidence_start).ok()?;
        let end = usize::try_from(trigger_end - evidence_start).ok()?;
        sentence.get(start..end).map(|_| (start, end))
    });
    Ok(EventRow {
        id: row.get(0)?,
        article: row.get(1)?,
        article_title: row.get(2)?,
        date_resolved: own_date.is_some(),
        date: own_date.or(published),
        code: row.get(5)?,
        root: row.get(6)?,
        quad_class: row.get::<i64>(7)?.clamp(0, 4) as u8,
        goldstein: row.get(8)?,
        source_code: row.get(9)?,
        source_name: row.get(10)?,
        target_code: row.get(11)?,
        target_name: row.get(12)?,
        modality: row.get(13)?,
        evidence,
        trigger,
        confidence: row.get(18)?,
        article_url: row.get(19)?,
        location: match (row.get(23)?, row.get(24)?) {
            (Some(lat), Some(lon)) => Some(EventLocation {
                place: row.get(20)?,
                geonames_id: row.get(21)?,
                name: row.get::<Option<String>>(22)?.unwrap_or_default(),
                lat,
                lon,
                country: row.get(25)?,
                basis: row.get::<Option<String>>(26)?.unwrap_or_default(),
            }),
            _ => None,
        },
    })
}

fn place_row(row: &Cells) -> RowResult<PlaceRow> {
    Ok(PlaceRow {
        id: row.get(0)?,
        geonames_id: row.get(1)?,
        name: row.get(2)?,
        full_name: row.get(3)?,
        feature_class: row.get(4)?,
        feature_code: row.get(5)?,
        lat: row.get(6)?,
        lon: row.get(7)?,
        country: row.get(8)?,
        country_fips: row.get(9)?,
        adm1: row.get(10)?,
        articles: row.get::<i64>(11)?.max(0) as u64,
        events: row.get::<i64>(12)?.max(0) as u64,
    })
}

#[cfg(test)]
mod tests {
    use chancery_model::{
        Article, Entity, EntityKind, Event, EventActor, Mention, Modality, Published, Quote,
        QuoteKind, Role, Span,
    };

    use super::*;
    use crate::{Document, Store};

    fn entity(id: &str, name: &str, kind: EntityKind, code: &str, text: &str) -> Entity {
        let start = text.find(name).unwrap_or(0);
        Entity {
            id: id.into(),
            name: name.into(),
            kind,
            country: Some(code[..3].into()),
            actor_code: Some(code.into()),
            aliases: Vec::new(),
            roles: Vec::new(),
            mentions: vec![Mention {
                span: Span::new(start, start + name.len()),
            }],
        }
    }

    fn meeting(id: &str, date: &str, text: &str) -> Document {
        Document::new(meeting_analysis(id, date, text)).unwrap()
    }

    fn meeting_analysis(id: &str, date: &str, text: &str) -> Analysis {
        let mut analysis = Analysis::from_article(Article {
            id: id.into(),
            title: Some(format!("Report {id}")),
            text: text.into(),
            published: Some(Published {
                value: date.into(),
                precision: chancery_model::DatePrecision::Day,
                from: "test".into(),
            }),
            ..Article::default()
        });
        let mut minister = entity("e1", "Abbas Araghchi", EntityKind::Person, "IRNGOV", text);
        let role_start = text.find("Foreign Minister").unwrap();
        minister.roles.push(Role {
            title: "Foreign Minister".into(),
            of: Some("IRN".into()),
            span: Span::new(
                role_start,
                role_start + "Foreign Minister Abbas Araghchi".len(),
            ),
        });
        minister.aliases.push("Araghchi".into());
        analysis.entities = vec![
            minister,
            entity("e2", "Russia", EntityKind::Country, "RUS", text),
        ];
        let quote_start = text.find('“').unwrap() + '“'.len_utf8();
        let quote_end = text.find('”').unwrap();
        analysis.quotes = vec![Quote {
            span: Span::new(quote_start, quote_end),
            kind: QuoteKind::Direct,
            speaker: Some("e1".into()),
            speaker_text: Some("Araghchi".into()),
            speaker_start: None,
            speaker_end: None,
            cue: None,
            confidence: 0.9,
        }];
        let trigger = text.find("visit").unwrap();
        analysis.events = vec![Event {
            code: "042".into(),
            root: "04".into(),
            quad_class: 1,
            goldstein: 1.9,
            plover: None,
            source: Some(EventActor {
                code: Some("IRNGOV".into()),
                entity: Some("e1".into()),
                name: None,
            }),
            target: Some(EventActor {
                code: Some("RUS".into()),
                entity: Some("e2".into()),
                name: None,
            }),
            modality: Modality::Planned,
            date: None,
            location: None,
            trigger: Span::new(trigger, trigger + 5),
            evidence: Span::new(0, text.find('.').unwrap() + 1),
            mentions: Vec::new(),
            confidence: 0.8,
            background: false,
            reported_by: None,
        }];
        analysis
    }

    fn corpus() -> (tempfile::TempDir, Queries) {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(dir.path()).unwrap();
        store
            .write(&[
                meeting(
                    "a",
                    "2025-02-10",
                    "Foreign Minister Abbas Araghchi will visit Russia this week. \
                     “We are ready,” Araghchi said in Tehran on Monday morning.",
                ),
                meeting(
                    "b",
                    "2025-03-02",
                    "Foreign Minister Abbas Araghchi will visit Russia again in spring. \
                     “The talks go on,” he said, standing beside officials in Moscow.",
                ),
            ])
            .unwrap();
        let queries = Queries::open(dir.path()).unwrap();
        (dir, queries)
    }

    /// A mixed ingest in several batches: originals, a near-duplicate, an
    /// exact duplicate, a stub, dated and undated events.
    fn mixed_corpus() -> (tempfile::TempDir, Queries) {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(dir.path()).unwrap();
        let first = "Foreign Minister Abbas Araghchi will visit Russia this week. \
                     “We are ready,” Araghchi said in Tehran on Monday morning.";
        let mut dated = meeting_analysis(
            "c",
            "2025-01-05",
            "Foreign Minister Abbas Araghchi will visit Russia in May. \
             “Soon,” he said.",
        );
        dated.events[0].date = Some(chancery_model::EventDate {
            value: "2025-05-01".into(),
            precision: chancery_model::DatePrecision::Day,
            text: None,
        });
        let mut stub = meeting_analysis(
            "d",
            "2025-02-11",
            "Foreign Minister Abbas Araghchi will visit Russia. “No,” he said.",
        );
        stub.article.flags.stub = true;
        let mut other = meeting_analysis(
            "e",
            "2025-02-10",
            "Foreign Minister Abbas Araghchi will visit Russia on Friday. “Yes,” he said.",
        );
        other.events[0].source.as_mut().unwrap().code = Some("RUS".into());
        other.events[0].target.as_mut().unwrap().code = Some("IRN".into());
        other.events[0].goldstein = -4.4;
        store.write(&[meeting("a", "2025-02-10", first)]).unwrap();
        store
            .write(&[
                // The same text under another id: a near-duplicate.
                meeting("a-copy", "2025-02-10", first),
                // The same id again: not stored.
                meeting("a", "2025-02-10", first),
                Document::new(dated).unwrap(),
            ])
            .unwrap();
        let mut undated = meeting_analysis(
            "f",
            "2025-01-01",
            "Foreign Minister Abbas Araghchi will visit Russia one day. “Maybe,” he said.",
        );
        undated.article.published = None;
        store
            .write(&[
                Document::new(stub).unwrap(),
                Document::new(other).unwrap(),
                Document::new(undated).unwrap(),
            ])
            .unwrap();
        // Stories, then an article and its copy moved to another.
        store.set_stories(&[(1, 10), (3, 10), (5, 11)]).unwrap();
        store.set_stories(&[(1, 11), (6, 12)]).unwrap();
        drop(store);
        let queries = Queries::open(dir.path()).unwrap();
        (dir, queries)
    }

    #[test]
    fn rollups_equal_a_recount_after_a_mixed_ingest() {
        let (dir, q) = mixed_corpus();
        assert_eq!(q.rollup_mismatches().unwrap(), Vec::<String>::new());
        let overview = q.overview().unwrap();
        assert_eq!(
            (overview.articles, overview.near_duplicates, overview.stubs),
            (6, 1, 1)
        );
        assert_eq!(
            (overview.events, overview.quotes, overview.entities),
            (5, 5, 2)
        );
        assert_eq!(q.articles(&ArticleFilter::default()).unwrap().total, 4);
        let entities = q.entities(&EntityFilter::default()).unwrap();
        assert_eq!(entities.total, 2);
        assert_eq!(entities.items[0].articles, 5, "{entities:?}");
        // Pages of the newest articles, the undated one last, as one sort
        // of every row gives them.
        let sorted: Vec<i64> = q
            .rows(
                "SELECT id FROM articles a WHERE duplicate_of IS NULL AND NOT is_stub \
                 ORDER BY published IS NULL, published DESC, id DESC",
                &[],
                |row| row.get(0),
            )
            .unwrap();
        assert_eq!(sorted.last(), Some(&6));
        for limit in 1..=4 {
            for offset in 0..=5 {
                let page = q
                    .articles(&ArticleFilter {
                        limit: Some(limit),
                        offset: Some(offset),
                        ..ArticleFilter::default()
                    })
                    .unwrap();
                let ids: Vec<i64> = page.items.iter().map(|a| a.id).collect();
                let expected: Vec<i64> = sorted
                    .iter()
                    .skip(offset as usize)
                    .take(limit as usize)
                    .copied()
                    .collect();
                assert_eq!(ids, expected, "limit {limit} offset {offset}");
            }
        }
        let stories = q.stories(None, None).unwrap();
        let listed: Vec<(i64, u64, u64)> = stories
            .items
            .iter()
            .map(|s| (s.id, s.articles, s.copies))
            .collect();
        // Story 11 holds "a" and its copy and "e"; 12 the undated "f".
        assert_eq!(listed, [(11, 2, 1), (10, 1, 0), (12, 1, 0)]);
        // The rolled-up answers are those of the scans they replace.
        let filters = [
            EventFilter::default(),
            EventFilter {
                to: Some("2025-02-10".into()),
                limit: Some(1),
                ..EventFilter::default()
            },
            EventFilter {
                from: Some("2025-02-11".into()),
                limit: Some(2),
                ..EventFilter::default()
            },
            EventFilter {
                to: Some("2025-02".into()),
                limit: Some(1),
                offset: Some(1),
                ..EventFilter::default()
            },
            // Fewer dated events than the page, and none at all.
            EventFilter {
                from: Some("2025-02".into()),
                limit: Some(50),
                ..EventFilter::default()
            },
            EventFilter {
                from: Some("2026".into()),
                ..EventFilter::default()
            },
            EventFilter {
                limit: Some(50),
                ..EventFilter::default()
            },
        ];
        for filter in &filters {
            let scanned = q.events_scanned(filter).unwrap();
            let rolled = q.events(filter).unwrap();
            assert_eq!(rolled.total, scanned.total, "{filter:?}");
            let ids = |page: &Page<EventRow>| page.items.iter().map(|e| e.id).collect::<Vec<_>>();
            assert_eq!(ids(&rolled), ids(&scanned), "{filter:?}");
        }
        let edges = q.edges(&EventFilter::default()).unwrap();
        let scanned = q
            .edges_scanned(&EventFilter {
                limit: Some(1),
                ..EventFilter::default()
            })
            .unwrap();
        assert_eq!(edges.len(), 2);
        for (rolled, scanned) in edges.iter().zip(&scanned) {
            assert_eq!(
                (&rolled.source, &rolled.target, rolled.events),
                (&scanned.source, &scanned.target, scanned.events)
            );
            assert_eq!(rolled.goldstein.to_bits(), scanned.goldstein.to_bits());
        }
        // The keyed rollups answer what the scans of an entity's or a
        // country pair's events answer.
        let mut keyed: Vec<EventFilter> = entities
            .items
            .iter()
            .map(|e| EventFilter {
                entity: Some(e.name.clone()),
                ..EventFilter::default()
            })
            .collect();
        for edge in &edges {
            let country = |code: &str| code.chars().take(3).collect::<String>();
            keyed.push(EventFilter {
                countries: Some(CountryPair(country(&edge.source), country(&edge.target))),
                ..EventFilter::default()
            });
        }
        keyed.push(EventFilter {
            countries: Some(CountryPair("IRN".into(), "IRN".into())),
            ..EventFilter::default()
        });
        assert!(keyed.len() >= 4, "{keyed:?}");
        let mut counted = 0;
        for filter in &keyed {
            assert!(event_keys(filter).is_some(), "{filter:?}");
            let points = q.event_points(filter).unwrap();
            let rollup = q.event_rollup(filter).unwrap().unwrap();
            assert_eq!(rollup.total, points.len() as u64, "{filter:?}");
            assert_eq!(q.event_count(filter).unwrap(), rollup.total);
            counted += rollup.total;
            let mut tallies: Vec<(Option<String>, u8, u64)> = points
                .iter()
                .map(|p| (p.date.clone(), p.quad_class, p.goldstein.to_bits()))
                .collect();
            tallies.sort();
            let mut expanded: Vec<(Option<String>, u8, u64)> = Vec::new();
            for t in &rollup.tallies {
                for _ in 0..t.events {
                    expanded.push((t.date.clone(), t.quad_class, t.goldstein.to_bits()));
                }
            }
            expanded.sort();
            assert_eq!(expanded, tallies, "{filter:?}");
            let mut scanned_mix = filter.clone();
            scanned_mix.limit = Some(1); // not the unfiltered rollup
            assert_eq!(rollup.mix, q.event_mix(&scanned_mix).unwrap(), "{filter:?}");
            if let Some(CountryPair(a, b)) = &filter.countries {
                let direction = |from: &str, to: &str| {
                    points.iter().filter(|p| p.goes(from, to)).count() as u64
                };
                assert_eq!(
                    (rollup.forward, rollup.backward),
                    (direction(a, b), direction(b, a))
                );
            }
            for (limit, offset) in [(1, 0), (1, 1), (2, 0), (2, 1), (50, 0), (3, 7)] {
                let paged = EventFilter {
                    limit: Some(limit),
                    offset: Some(offset),
                    ..filter.clone()
                };
                let scanned = q.events_scanned(&paged).unwrap();
                let rolled = q.events(&paged).unwrap();
                assert_eq!(rolled.total, scanned.total, "{paged:?}");
                let ids =
                    |page: &Page<EventRow>| page.items.iter().map(|e| e.id).collect::<Vec<_>>();
                assert_eq!(ids(&rolled), ids(&scanned), "{paged:?}");
            }
        }
        assert!(counted > 0, "the corpus has keyed events");
        // An entity's articles and a speaker's quotes through their keys
        // are those of the scans (an empty filter beside forces a scan).
        let mut quoted = 0;
        for entity in &entities.items {
            for (limit, offset) in [(1, 0), (1, 1), (2, 1), (50, 0), (3, 9)] {
                let keyed = ArticleFilter {
                    entity: Some(entity.name.clone()),
                    limit: Some(limit),
                    offset: Some(offset),
                    ..ArticleFilter::default()
                };
                let scanned = ArticleFilter {
                    source: Some(String::new()),
                    ..keyed.clone()
                };
                assert_eq!(q.articles(&keyed).unwrap(), q.articles(&scanned).unwrap());
                let keyed = QuoteFilter {
                    speaker: Some(entity.name.clone()),
                    limit: Some(limit),
                    offset: Some(offset),
                    ..QuoteFilter::default()
                };
                let scanned = QuoteFilter {
                    q: Some(String::new()),
                    ..keyed.clone()
                };
                let page = q.quotes(&keyed).unwrap();
                assert_eq!(page, q.quotes(&scanned).unwrap(), "{keyed:?}");
                quoted += page.items.len();
            }
        }
        assert!(quoted > 0, "the corpus has quotes by its entities");
        // Another filter beside the key is read event by event.
        assert!(event_keys(&EventFilter {
            entity: Some("Russia".into()),
            root: Some("04".into()),
            ..EventFilter::default()
        })
        .is_none());
        // A rollup changed behind the writer's back is found.
        drop(q);
        let conn = rusqlite::Connection::open(dir.path().join(crate::DATABASE_FILE)).unwrap();
        conn.execute("UPDATE rollup_edges SET events = events + 1", [])
            .unwrap();
        let verification = crate::Reader::open(dir.path()).unwrap().verify().unwrap();
        assert_eq!(verification.rollups, ["rollup_edges"]);
        assert!(!verification.is_sound());
    }

    #[test]
    fn a_version_7_store_gains_keyed_rollups_equal_to_a_recount() {
        let (dir, q) = mixed_corpus();
        let filter = EventFilter {
            entity: Some("Russia".into()),
            ..EventFilter::default()
        };
        let read = |q: &Queries| {
            (
                q.events(&filter).unwrap(),
                q.event_rollup(&filter).unwrap(),
                q.entity("Abbas Araghchi").unwrap(),
                q.facets(&[1, 2, 3, 4, 5, 6]).unwrap(),
            )
        };
        let before = read(&q);
        assert!(before.0.total > 0);
        drop(q);
        let conn = rusqlite::Connection::open(dir.path().join(crate::DATABASE_FILE)).unwrap();
        // Version 7 had no keyed rollups.
        conn.execute_batch(
            "DROP TABLE event_postings; DROP TABLE rollup_event_days; \
             DROP TABLE rollup_event_roots; DROP TABLE name_postings; \
             DROP TABLE rollup_name_totals; DROP TABLE rollup_entity_kinds; \
             DROP TABLE rollup_entity_values; DROP TABLE rollup_sources; \
             PRAGMA user_version = 7;",
        )
        .unwrap();
        drop(conn);
        let err = crate::Reader::open(dir.path()).unwrap_err().to_string();
        assert!(err.contains("run `chancery ingest` on it once"), "{err}");
        drop(Store::open(dir.path()).unwrap());
        let verification = crate::Reader::open(dir.path()).unwrap().verify().unwrap();
        assert!(verification.is_sound(), "{verification:?}");
        let q = Queries::open(dir.path()).unwrap();
        assert_eq!(q.rollup_mismatches().unwrap(), Vec::<String>::new());
        assert_eq!(read(&q), before);
    }

    #[test]
    fn a_version_8_store_gains_rollups_without_row_ids_reading_the_same() {
        use crate::rollup::{restory, upserts, Engine};
        let (dir, q) = mixed_corpus();
        let filter = EventFilter {
            entity: Some("Russia".into()),
            ..EventFilter::default()
        };
        let read = |q: &Queries| {
            (
                q.events(&filter).unwrap(),
                q.event_rollup(&filter).unwrap(),
                q.entity("Abbas Araghchi").unwrap(),
                q.facets(&[1, 2, 3, 4, 5, 6]).unwrap(),
                q.overview().unwrap(),
            )
        };
        let before = read(&q);
        assert!(before.0.total > 0);
        drop(q);
        let path = dir.path().join(crate::DATABASE_FILE);
        // The rollup tables kept without row ids.
        let without_row_ids = |conn: &rusqlite::Connection| -> Vec<String> {
            conn.prepare(
                "SELECT name FROM sqlite_schema WHERE type = 'table' \
                 AND sql LIKE '%WITHOUT ROWID' ORDER BY name",
            )
            .unwrap()
            .query_map([], |row| row.get::<_, String>(0))
            .unwrap()
            .map(Result::unwrap)
            .filter(|name| crate::rollup::TABLES.contains(&name.as_str()))
            .collect()
        };
        let conn = rusqlite::Connection::open(&path).unwrap();
        let mut rollups: Vec<String> = crate::rollup::TABLES.map(String::from).to_vec();
        rollups.sort();
        assert_eq!(without_row_ids(&conn), rollups);
        // Version 8 kept the rollups in tables with row ids (but for its
        // postings), counted the same way, in pages of 4 KiB.
        for table in crate::rollup::TABLES {
            conn.execute_batch(&format!("DROP TABLE {table}")).unwrap();
        }
        conn.execute_batch(crate::rollup::ROLLUP_TABLES).unwrap();
        conn.execute_batch(crate::rollup::KEYED_TABLES).unwrap();
        for sql in upserts("IS NOT NULL", Engine::Sqlite)
            .into_iter()
            .chain(restory("IS NOT NULL"))
        {
            conn.execute_batch(&sql).unwrap();
        }
        conn.execute_batch(
            "PRAGMA journal_mode = DELETE; PRAGMA page_size = 4096; VACUUM; \
             PRAGMA journal_mode = WAL; PRAGMA user_version = 8;",
        )
        .unwrap();
        assert_eq!(without_row_ids(&conn), Vec::<String>::new());
        drop(conn);
        let err = crate::Reader::open(dir.path()).unwrap_err().to_string();
        assert!(err.contains("run `chancery ingest` on it once"), "{err}");
        drop(Store::open(dir.path()).unwrap());
        let conn = rusqlite::Connection::open(&path).unwrap();
        assert_eq!(without_row_ids(&conn), rollups);
        let page_size: i64 = conn
            .query_row("PRAGMA page_size", [], |row| row.get(0))
            .unwrap();
        assert_eq!(page_size, crate::store::PAGE_SIZE);
        let mode: String = conn
            .query_row("PRAGMA journal_mode", [], |row| row.get(0))
            .unwrap();
        assert_eq!(mode, "wal");
        drop(conn);
        let verification = crate::Reader::open(dir.path()).unwrap().verify().unwrap();
        assert!(verification.is_sound(), "{verification:?}");
        let q = Queries::open(dir.path()).unwrap();
        assert_eq!(q.rollup_mismatches().unwrap(), Vec::<String>::new());
        assert_eq!(read(&q), before);
    }

    #[test]
    fn articles_are_listed_newest_first_with_counts() {
        let (_dir, q) = corpus();
        let page = q.articles(&ArticleFilter::default()).unwrap();
        assert_eq!(page.total, 2);
        assert_eq!(page.items[0].published.as_deref(), Some("2025-03-02"));
        assert_eq!((page.items[0].entities, page.items[0].events), (2, 1));
        let february = q
            .articles(&ArticleFilter {
                to: Some("2025-02".into()),
                ..ArticleFilter::default()
            })
            .unwrap();
        assert_eq!(february.total, 1);
    }

    #[test]
    fn an_entity_takes_its_kind_from_the_row_that_mentions_it_most_earliest_on_ties() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(dir.path()).unwrap();
        let mut documents = Vec::new();
        for (id, kind, code, mentions, text) in [
            (
                "a",
                EntityKind::Place,
                "RUS",
                1,
                "Foreign Minister Abbas Araghchi will visit Russia in May. “Yes,” he said.",
            ),
            (
                "b",
                EntityKind::Country,
                "RUS",
                2,
                "Foreign Minister Abbas Araghchi met officials who visit Russia often. \
                 “We talked,” Araghchi told reporters after a long day of meetings.",
            ),
            (
                "c",
                EntityKind::Organization,
                "RUSGOV",
                2,
                "Critics say Foreign Minister Abbas Araghchi should not visit Russia now. \
                 “It is too early,” one of them wrote in a newspaper on Sunday.",
            ),
        ] {
            let mut analysis = meeting_analysis(id, "2025-02-10", text);
            let russia = &mut analysis.entities[1];
            russia.kind = kind;
            russia.actor_code = Some(code.into());
            russia.mentions = vec![russia.mentions[0]; mentions];
            documents.push(Document::new(analysis).unwrap());
        }
        store.write(&documents).unwrap();
        let q = Queries::open(dir.path()).unwrap();
        let russia = q.entity("Russia").unwrap().unwrap().summary;
        // b and c both mention it twice; b was stored first.
        assert_eq!(
            (russia.kind.as_str(), russia.actor_code.as_deref()),
            ("country", Some("RUS"))
        );
        assert_eq!((russia.articles, russia.mentions), (3, 5));
    }

    #[test]
    fn an_entity_has_its_role_over_time_with_evidence() {
        let (_dir, q) = corpus();
        let profile = q.entity("Abbas Araghchi").unwrap().unwrap();
        assert_eq!(profile.summary.articles, 2);
        assert_eq!(profile.roles.len(), 1);
        let role = &profile.roles[0];
        assert_eq!(role.first_seen.as_deref(), Some("2025-02-10"));
        assert_eq!(role.last_seen.as_deref(), Some("2025-03-02"));
        assert_eq!(role.evidence[0].text, "Foreign Minister Abbas Araghchi");
        assert_eq!(profile.aliases[0].value, "Araghchi");
        assert_eq!((profile.events, profile.quotes), (2, 2));
        assert!(q.entity("Nobody").unwrap().is_none());
    }

    #[test]
    fn events_filter_by_country_pair_either_way_and_reject_a_bad_pair() {
        let (_dir, q) = corpus();
        for pair in ["IRN,RUS", "RUS,IRN"] {
            let filter = EventFilter {
                countries: Some(pair.parse().unwrap()),
                ..EventFilter::default()
            };
            let events = q.events(&filter).unwrap();
            assert_eq!(events.total, 2, "{pair}");
            assert_eq!(
                events.items[0].source_name.as_deref(),
                Some("Abbas Araghchi")
            );
            assert_eq!(events.items[0].trigger, Some((37, 42)));
        }
        let none = q
            .events(&EventFilter {
                countries: Some("IRN,USA".parse().unwrap()),
                ..EventFilter::default()
            })
            .unwrap();
        assert_eq!(none.total, 0);
        let err = "IRN".parse::<CountryPair>().unwrap_err();
        assert!(err.contains("IRN,RUS"), "{err}");
    }

    #[test]
    fn like_wildcards_in_input_are_literal() {
        let (_dir, q) = corpus();
        let all = q
            .events(&EventFilter {
                actor: Some("%".into()),
                ..EventFilter::default()
            })
            .unwrap();
        assert_eq!(all.total, 0);
        let search = q
            .search(&SearchQuery {
                q: "_".into(),
                ..SearchQuery::default()
            })
            .unwrap();
        assert_eq!(search.total, 0);
    }

    #[test]
    fn search_needs_every_word_and_counts_facets() {
        let (_dir, q) = corpus();
        let results = q
            .search(&SearchQuery {
                q: "araghchi SPRING".into(),
                ..SearchQuery::default()
            })
            .unwrap();
        assert_eq!(results.total, 1);
        assert_eq!(results.hits[0].doc_id, "b");
        assert_eq!(results.facets.countries[0].value, "IRN");
        assert_eq!(results.facets.months[0].value, "2025-03");
    }

    #[test]
    fn quotes_by_speaker_and_similar_articles() {
        let (_dir, q) = corpus();
        let quotes = q
            .quotes(&QuoteFilter {
                speaker: Some("Abbas Araghchi".into()),
                ..QuoteFilter::default()
            })
            .unwrap();
        assert_eq!(quotes.total, 2);
        assert_eq!(quotes.items[0].text.as_deref(), Some("The talks go on,"));
        let first = q.articles(&ArticleFilter::default()).unwrap().items[1].id;
        let similar = q.similar(first, 5).unwrap();
        // Two articles share every name, so no name is rare: nothing to say.
        assert!(similar.is_empty(), "{similar:?}");
        let article = q.article(first).unwrap().unwrap();
        assert_eq!(article.analysis.entities.len(), 2);
        assert!(q.article(999).unwrap().is_none());
    }

    #[test]
    fn the_network_and_the_event_mix_count_events() {
        let (_dir, q) = corpus();
        let edges = q.edges(&EventFilter::default()).unwrap();
        assert_eq!(edges.len(), 1);
        assert_eq!((edges[0].source.as_str(), edges[0].events), ("IRNGOV", 2));
        let mix = q.event_mix(&EventFilter::default()).unwrap();
        assert_eq!((mix[0].root.as_str(), mix[0].events), ("04", 2));
        let actors = q.active_actors(10).unwrap();
        assert_eq!(actors[0].as_source + actors[0].as_target, 2);
        let points = q.event_points(&EventFilter::default()).unwrap();
        assert_eq!(points.len(), 2);
        assert_eq!(points[0].date.as_deref(), Some("2025-02-10"));
        assert_eq!(points[0].target_code.as_deref(), Some("RUS"));
        let overview = q.overview().unwrap();
        assert_eq!((overview.articles, overview.events), (2, 2));
    }

    #[test]
    fn stories_list_their_articles_and_events() {
        let (dir, q) = corpus();
        assert_eq!(q.stories(None, None).unwrap().total, 0);
        let ids: Vec<i64> = q
            .articles(&ArticleFilter::default())
            .unwrap()
            .items
            .iter()
            .map(|a| a.id)
            .collect();
        let mut store = Store::open(dir.path()).unwrap();
        store.set_stories(&[(ids[0], 7), (ids[1], 7)]).unwrap();
        let stories = q.stories(None, None).unwrap();
        assert_eq!(stories.total, 1);
        let story = &stories.items[0];
        assert_eq!((story.id, story.articles, story.events), (7, 2, 2));
        assert_eq!(story.first.as_deref(), Some("2025-02-10"));
        assert_eq!(q.story(7).unwrap().unwrap(), story.clone());
        assert!(q.story(8).unwrap().is_none());
        let articles = q
            .articles(&ArticleFilter {
                story: Some(7),
                ..ArticleFilter::default()
            })
            .unwrap();
        assert_eq!(articles.total, 2);
        assert_eq!(articles.items[0].story, Some(7));
        // The story's two stored events, each told once, as story events.
        let events = q.story_events(7).unwrap();
        assert_eq!(
            events.iter().map(|e| e.events.len()).sum::<usize>(),
            2,
            "{events:?}"
        );
        assert!(events.iter().all(|e| e.articles == 1 && e.mentions >= 1));
        assert!(q.story_events(8).unwrap().is_empty());
        // Its actors and places, and what changed from its first report
        // (February) to its latest (March): the quote, not the visit.
        let (actors, places) = q.story_entities(7, 10).unwrap();
        assert_eq!(actors[0].name, "Abbas Araghchi");
        assert_eq!((places[0].name.as_str(), places[0].articles), ("Russia", 2));
        let changes = q.story_changes(7).unwrap().unwrap();
        assert_eq!(changes.first[0].published.as_deref(), Some("2025-02-10"));
        assert_eq!(changes.latest[0].published.as_deref(), Some("2025-03-02"));
        let quote = &changes.appeared.quotes[0];
        assert_eq!(quote.key, "the talks go on");
        assert_eq!(quote.evidence.article, changes.latest[0].article);
        assert_eq!(changes.disappeared.quotes[0].key, "we are ready");
        assert!(changes.appeared.events.is_empty() && changes.appeared.actors.is_empty());
        assert!(q.story_changes(8).unwrap().is_none());
    }

    #[test]
    fn opening_a_missing_store_says_how_to_make_one() {
        let dir = tempfile::tempdir().unwrap();
        let err = Queries::open(dir.path()).unwrap_err();
        assert!(matches!(err, StoreError::Missing { .. }), "{err}");
    }
}
