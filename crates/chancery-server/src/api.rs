//! The JSON API. Handlers turn requests into store queries and results into
//! JSON; every failure is a [`ServerError`] with a stable code.

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use chancery_ingest::{IngestReport, Record};
use chancery_model::Analysis;
use chancery_store::{
    ActorActivity, ArticleFilter, ArticleSummary, Count, CountryPair, Edge, EntityFilter,
    EntityProfile, EntitySummary, EventFilter, EventRow, Overview, Page, PlaceFilter, QuoteFilter,
    QuoteRow, RoleOverTime, RootCount, SearchQuery, SearchResults, SimilarArticle, StoredArticle,
    StoryRow, MAX_LIMIT,
};
use serde::Serialize;

use crate::ingest;
use crate::params::{
    echo, DyadFilter, Format, Formatted, Limit, NetworkParams, NoParams, Paging, Params, PathParams,
};
use crate::svg::{bucket_events, bucket_tallies, Outlier, SeriesBucket};
use crate::{compute, geojson, read, ServerError, Shared};

/// The OpenAPI 3 document of this API, written by hand beside the routes.
pub(crate) const OPENAPI: &str = include_str!("openapi.json");

pub(crate) async fn openapi(Params(NoParams {}): Params<NoParams>) -> Response {
    ([(header::CONTENT_TYPE, "application/json")], OPENAPI).into_response()
}

pub(crate) async fn stats(
    State(state): State<Shared>,
    Params(NoParams {}): Params<NoParams>,
) -> Result<Json<Overview>, ServerError> {
    Ok(Json(read(&state, |q| q.overview()).await?))
}

pub(crate) async fn articles(
    State(state): State<Shared>,
    Params(filter): Params<ArticleFilter>,
) -> Result<Json<Page<ArticleSummary>>, ServerError> {
    Ok(Json(read(&state, move |q| q.articles(&filter)).await?))
}

pub(crate) async fn article(
    State(state): State<Shared>,
    PathParams(id): PathParams<i64>,
    Params(NoParams {}): Params<NoParams>,
) -> Result<Json<StoredArticle>, ServerError> {
    read(&state, move |q| q.article(id))
        .await?
        .map(Json)
        .ok_or_else(|| ServerError::NotFound(format!("article {id}")))
}

pub(crate) async fn similar(
    State(state): State<Shared>,
    PathParams(id): PathParams<i64>,
    Params(limit): Params<Limit>,
) -> Result<Json<Vec<SimilarArticle>>, ServerError> {
    let found = read(&state, move |q| {
        Ok(match q.article_ref(id)? {
            Some(_) => Some(q.similar(id, limit.limit.unwrap_or(10))?),
            None => None,
        })
    })
    .await?;
    found
        .map(Json)
        .ok_or_else(|| ServerError::NotFound(format!("article {id}")))
}

pub(crate) async fn stories(
    State(state): State<Shared>,
    Params(paging): Params<Paging>,
) -> Result<Json<Page<StoryRow>>, ServerError> {
    Ok(Json(
        read(&state, move |q| q.stories(paging.limit, paging.offset)).await?,
    ))
}

/// A story with its articles and events. In JSON the story's own fields
/// come first, without its `articles` and `events` counts: those names are
/// the pages here (a JSON object may not repeat a key), whose `total`s
/// count them.
#[derive(Debug)]
pub(crate) struct StoryDetail {
    pub story: StoryRow,
    /// Its canonical articles, latest first.
    pub articles: Page<ArticleSummary>,
    /// Events told in them, latest first.
    pub events: Page<EventRow>,
    /// Counts by QuadClass and mean Goldstein per period, over the span
    /// where the events are dense.
    pub series: Vec<SeriesBucket>,
    /// Events dated far outside that span, left out of `series`.
    pub outliers: Vec<Outlier>,
    /// The same event told by several articles, once, with its mentions,
    /// articles and sources (most told first).
    pub story_events: Vec<chancery_store::StoryEvent>,
    /// The people, organizations and groups its articles name, most
    /// articles first.
    pub actors: Vec<EntitySummary>,
    /// The countries and places its articles name.
    pub places: Vec<EntitySummary>,
    /// Its first and latest reports and what changed between them.
    pub changes: chancery_store::StoryChanges,
}

impl Serialize for StoryDetail {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct View<'a> {
            id: i64,
            copies: u64,
            first: &'a Option<String>,
            last: &'a Option<String>,
            title: &'a Option<String>,
            articles: &'a Page<ArticleSummary>,
            events: &'a Page<EventRow>,
            series: &'a [SeriesBucket],
            outliers: &'a [Outlier],
            story_events: &'a [chancery_store::StoryEvent],
            actors: &'a [EntitySummary],
            places: &'a [EntitySummary],
            changes: &'a chancery_store::StoryChanges,
        }
        let StoryRow {
            id,
            articles: _,
            copies,
            first,
            last,
            title,
            events: _,
        } = &self.story;
        View {
            id: *id,
            copies: *copies,
            first,
            last,
            title,
            articles: &self.articles,
            events: &self.events,
            series: &self.series,
            outliers: &self.outliers,
            story_events: &self.story_events,
            actors: &self.actors,
            places: &self.places,
            changes: &self.changes,
        }
        .serialize(serializer)
    }
}

pub(crate) async fn story_detail(
    state: &Shared,
    id: i64,
    limit: u32,
) -> Result<StoryDetail, ServerError> {
    let found = read(state, move |q| {
        let Some(story) = q.story(id)? else {
            return Ok(None);
        };
        let filter = EventFilter {
            story: Some(id),
            limit: Some(limit),
            ..EventFilter::default()
        };
        let (series, outliers) = bucket_events(&q.event_points(&filter)?);
        let (actors, places) = q.story_entities(id, 20)?;
        Ok(Some(StoryDetail {
            story,
            articles: q.articles(&ArticleFilter {
                story: Some(id),
                limit: Some(limit),
                ..ArticleFilter::default()
            })?,
            events: q.events(&filter)?,
            series,
            outliers,
            story_events: q.story_events(id)?,
            actors,
            places,
            changes: q.story_changes(id)?.unwrap_or_default(),
        }))
    })
    .await?;
    found.ok_or_else(|| ServerError::NotFound(format!("story {id}")))
}

pub(crate) async fn story(
    State(state): State<Shared>,
    PathParams(id): PathParams<i64>,
    Params(limit): Params<Limit>,
) -> Result<Json<StoryDetail>, ServerError> {
    Ok(Json(
        story_detail(&state, id, limit.limit.unwrap_or(50)).await?,
    ))
}

pub(crate) async fn entities(
    State(state): State<Shared>,
    Params(filter): Params<EntityFilter>,
) -> Result<Json<Page<EntitySummary>>, ServerError> {
    Ok(Json(read(&state, move |q| q.entities(&filter)).await?))
}

/// An entity with its latest quotes and events. In JSON the profile's
/// fields come first, without its `quotes` and `events` counts: those names
/// are the pages here (a JSON object may not repeat a key), whose `total`s
/// count them.
#[derive(Debug)]
pub(crate) struct EntityDetail {
    pub profile: EntityProfile,
    /// The latest quotes it is the speaker of.
    pub quotes: Page<QuoteRow>,
    /// The latest events it is the source or target of.
    pub events: Page<EventRow>,
}

impl Serialize for EntityDetail {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct View<'a> {
            #[serde(flatten)]
            summary: &'a EntitySummary,
            aliases: &'a [Count],
            actor_codes: &'a [Count],
            roles: &'a [RoleOverTime],
            quotes: &'a Page<QuoteRow>,
            events: &'a Page<EventRow>,
        }
        let EntityProfile {
            summary,
            aliases,
            actor_codes,
            roles,
            events: _,
            quotes: _,
        } = &self.profile;
        View {
            summary,
            aliases,
            actor_codes,
            roles,
            quotes: &self.quotes,
            events: &self.events,
        }
        .serialize(serializer)
    }
}

pub(crate) async fn entity_detail(
    state: &Shared,
    name: String,
    limit: u32,
) -> Result<EntityDetail, ServerError> {
    let found = read(state, move |q| {
        let Some(profile) = q.entity(&name)? else {
            return Ok(Err(name));
        };
        let quotes = q.quotes(&QuoteFilter {
            speaker: Some(name.clone()),
            limit: Some(limit),
            ..QuoteFilter::default()
        })?;
        let events = q.events(&EventFilter {
            entity: Some(name.clone()),
            limit: Some(limit),
            ..EventFilter::default()
        })?;
        Ok(Ok(EntityDetail {
            profile,
            quotes,
            events,
        }))
    })
    .await?;
    found.map_err(|name| ServerError::NotFound(format!("entity {}", echo(&name))))
}

pub(crate) async fn entity(
    State(state): State<Shared>,
    PathParams(name): PathParams<String>,
    Params(limit): Params<Limit>,
) -> Result<Json<EntityDetail>, ServerError> {
    Ok(Json(
        entity_detail(&state, name, limit.limit.unwrap_or(20)).await?,
    ))
}

pub(crate) async fn cooccurring(
    State(state): State<Shared>,
    PathParams(name): PathParams<String>,
    Params(limit): Params<Limit>,
) -> Result<Json<Vec<EntitySummary>>, ServerError> {
    Ok(Json(
        read(&state, move |q| {
            q.cooccurring(&name, limit.limit.unwrap_or(20))
        })
        .await?,
    ))
}

pub(crate) async fn events(
    State(state): State<Shared>,
    Params(Formatted { filter, format }): Params<Formatted<EventFilter>>,
) -> Result<Response, ServerError> {
    if format == Format::Json {
        return Ok(Json(read(&state, move |q| q.events(&filter)).await?).into_response());
    }
    // A map draws located events only: the page is of those, and the
    // others that match are counted, not drawn.
    if filter.located == Some(false) {
        return Err(ServerError::BadRequest(
            "parameter `located`: format=geojson writes located events only; leave out \
             located=false, or ask for format=json"
                .into(),
        ));
    }
    let asked = paging(filter.limit, filter.offset);
    let (page, unlocated) = read(&state, move |q| {
        let unlocated = q.event_count(&EventFilter {
            located: Some(false),
            ..filter.clone()
        })?;
        let page = q.events(&EventFilter {
            located: Some(true),
            ..filter
        })?;
        Ok((page, unlocated))
    })
    .await?;
    let paging = geojson::Paging {
        total: page.total,
        ..asked
    };
    Ok(geojson::response(geojson::events(&page, paging, unlocated)))
}

/// Places, most named first; `format=geojson` for a map.
pub(crate) async fn places(
    State(state): State<Shared>,
    Params(Formatted { filter, format }): Params<Formatted<PlaceFilter>>,
) -> Result<Response, ServerError> {
    let asked = paging(filter.limit, filter.offset);
    let page = read(&state, move |q| q.places(&filter)).await?;
    Ok(match format {
        Format::Json => Json(page).into_response(),
        Format::GeoJson => {
            let paging = geojson::Paging {
                total: page.total,
                ..asked
            };
            geojson::response(geojson::places(&page, paging))
        }
    })
}

/// The page a list query returns, as the store bounds it.
fn paging(limit: Option<u32>, offset: Option<u32>) -> geojson::Paging {
    geojson::Paging {
        total: 0,
        limit: limit
            .unwrap_or(chancery_store::DEFAULT_LIMIT)
            .clamp(1, MAX_LIMIT),
        offset: offset.unwrap_or(0),
    }
}

pub(crate) async fn event_mix(
    State(state): State<Shared>,
    Params(filter): Params<EventFilter>,
) -> Result<Json<Vec<RootCount>>, ServerError> {
    Ok(Json(read(&state, move |q| q.event_mix(&filter)).await?))
}

/// Events between two countries.
#[derive(Debug, Serialize)]
pub(crate) struct Dyad {
    /// The first country.
    pub a: String,
    /// The second.
    pub b: String,
    /// Events from `a` to `b`.
    pub a_to_b: u64,
    /// Events from `b` to `a`.
    pub b_to_a: u64,
    /// Counts by QuadClass and mean Goldstein per period, over the span
    /// where the events are dense.
    pub series: Vec<SeriesBucket>,
    /// Events dated far outside that span, left out of `series`.
    pub outliers: Vec<Outlier>,
    /// Events by CAMEO root.
    pub mix: Vec<RootCount>,
    /// The latest events.
    pub events: Page<EventRow>,
}

pub(crate) async fn dyad_detail(
    state: &Shared,
    a: String,
    b: String,
    mut filter: EventFilter,
) -> Result<Dyad, ServerError> {
    // The path's codes were checked by `PathParams` (`Kind::Lead`).
    filter.countries = Some(CountryPair(a.clone(), b.clone()));
    read(state, move |q| {
        if let Some(rollup) = q.event_rollup(&filter)? {
            // The pair alone: the keyed rollups hold the counts, the chart
            // and the mix.
            let (series, outliers) = bucket_tallies(&rollup.tallies);
            return Ok(Dyad {
                a_to_b: rollup.forward,
                b_to_a: rollup.backward,
                series,
                outliers,
                mix: rollup.mix,
                events: q.events(&filter)?,
                a,
                b,
            });
        }
        // One pass for the counts, the chart and the mix; one for the list.
        let points = q.event_points(&filter)?;
        let from_to =
            |from: &str, to: &str| points.iter().filter(|p| p.goes(from, to)).count() as u64;
        let mut mix: Vec<RootCount> = Vec::new();
        for point in &points {
            match mix.iter_mut().find(|m| m.root == point.root) {
                Some(root) => {
                    root.events += 1;
                    root.quad_class = root.quad_class.max(point.quad_class);
                }
                None => mix.push(RootCount {
                    root: point.root.clone(),
                    quad_class: point.quad_class,
                    events: 1,
                }),
            }
        }
        mix.sort_by(|x, y| x.root.cmp(&y.root));
        let (series, outliers) = bucket_events(&points);
        Ok(Dyad {
            a_to_b: from_to(&a, &b),
            b_to_a: from_to(&b, &a),
            series,
            outliers,
            mix,
            events: q.events(&filter)?,
            a,
            b,
        })
    })
    .await
}

pub(crate) async fn dyad(
    State(state): State<Shared>,
    PathParams((a, b)): PathParams<(String, String)>,
    Params(DyadFilter(filter)): Params<DyadFilter>,
) -> Result<Json<Dyad>, ServerError> {
    Ok(Json(dyad_detail(&state, a, b, filter).await?))
}

pub(crate) async fn actors(
    State(state): State<Shared>,
    Params(limit): Params<Limit>,
) -> Result<Json<Vec<ActorActivity>>, ServerError> {
    Ok(Json(
        read(&state, move |q| q.active_actors(limit.limit.unwrap_or(20))).await?,
    ))
}

/// An actor in the network.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Node {
    /// Actor or country code.
    pub code: String,
    /// Events it is in.
    pub events: u64,
}

/// Actors and the events between them.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Network {
    /// The most active actors.
    pub nodes: Vec<Node>,
    /// Events between them, one edge per direction.
    pub edges: Vec<Edge>,
}

/// Aggregates code-level edges to the requested level and keeps the
/// `limit` busiest nodes.
pub(crate) fn network_graph(edges: Vec<Edge>, country_level: bool, limit: usize) -> Network {
    let level = |code: &str| -> String {
        if country_level {
            code.chars().take(3).collect()
        } else {
            code.to_string()
        }
    };
    let mut merged: HashMap<(String, String), (u64, f64)> = HashMap::new();
    for edge in edges {
        let (source, target) = (level(&edge.source), level(&edge.target));
        if source == target {
            continue;
        }
        let entry = merged.entry((source, target)).or_default();
        entry.0 += edge.events;
        entry.1 += edge.goldstein * edge.events as f64;
    }
    let mut degree: HashMap<&str, u64> = HashMap::new();
    for ((source, target), (events, _)) in &merged {
        *degree.entry(source).or_default() += events;
        *degree.entry(target).or_default() += events;
    }
    let mut nodes: Vec<Node> = degree
        .into_iter()
        .map(|(code, events)| Node {
            code: code.to_string(),
            events,
        })
        .collect();
    nodes.sort_by(|a, b| b.events.cmp(&a.events).then(a.code.cmp(&b.code)));
    nodes.truncate(limit);
    let kept = |code: &str| nodes.iter().any(|n| n.code == code);
    let mut edges: Vec<Edge> = merged
        .iter()
        .filter(|((s, t), _)| kept(s) && kept(t))
        .map(|((source, target), (events, sum))| Edge {
            source: source.clone(),
            target: target.clone(),
            events: *events,
            goldstein: (sum / *events as f64 * 100.0).round() / 100.0,
        })
        .collect();
    edges.sort_by(|a, b| {
        b.events
            .cmp(&a.events)
            .then_with(|| a.source.cmp(&b.source))
            .then_with(|| a.target.cmp(&b.target))
    });
    Network { nodes, edges }
}

pub(crate) async fn network_for(
    state: &Shared,
    params: NetworkParams,
) -> Result<Network, ServerError> {
    let country_level = match params.level.as_deref() {
        None | Some("country") => true,
        Some("actor") => false,
        Some(other) => {
            return Err(ServerError::BadRequest(format!(
                "level must be \"country\" or \"actor\", not {}",
                echo(other)
            )))
        }
    };
    let filter = EventFilter {
        from: params.from,
        to: params.to,
        ..EventFilter::default()
    };
    let edges = read(state, move |q| q.edges(&filter)).await?;
    Ok(network_graph(
        edges,
        country_level,
        params.limit.unwrap_or(24) as usize,
    ))
}

pub(crate) async fn network(
    State(state): State<Shared>,
    Params(params): Params<NetworkParams>,
) -> Result<Json<Network>, ServerError> {
    Ok(Json(network_for(&state, params).await?))
}

pub(crate) async fn quotes(
    State(state): State<Shared>,
    Params(filter): Params<QuoteFilter>,
) -> Result<Json<Page<QuoteRow>>, ServerError> {
    Ok(Json(read(&state, move |q| q.quotes(&filter)).await?))
}

pub(crate) async fn search(
    State(state): State<Shared>,
    Params(query): Params<SearchQuery>,
) -> Result<Json<SearchResults>, ServerError> {
    Ok(Json(crate::search(&state, query).await?))
}

fn body(body: Result<Bytes, BytesRejection>, limit: usize) -> Result<Bytes, ServerError> {
    match body {
        Ok(bytes) if bytes.len() > limit => Err(ServerError::TooLarge { limit }),
        Ok(bytes) => Ok(bytes),
        Err(rejection) if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            Err(ServerError::TooLarge { limit })
        }
        Err(rejection) => Err(ServerError::BadRequest(rejection.body_text())),
    }
}

pub(crate) async fn analyze(
    State(state): State<Shared>,
    Params(NoParams {}): Params<NoParams>,
    bytes: Result<Bytes, BytesRejection>,
) -> Result<Json<Analysis>, ServerError> {
    let limit = state.config().max_analyze_bytes;
    let bytes = body(bytes, limit)?;
    let record: Record = serde_json::from_slice(&bytes).map_err(|e| {
        ServerError::BadRequest(format!(
            "expected a JSON object {{\"text\" or \"html\", \"title\", \"url\", \"published\"}}: {e}"
        ))
    })?;
    let analysis = compute(&state, move |state| {
        ingest::analyze(state.analyzer(), &record, limit)
    })
    .await?;
    Ok(Json(analysis))
}

pub(crate) async fn ingest(
    State(state): State<Shared>,
    Params(NoParams {}): Params<NoParams>,
    headers: HeaderMap,
    bytes: Result<Bytes, BytesRejection>,
) -> Result<Json<IngestReport>, ServerError> {
    let Some(token) = state.config().token.as_deref() else {
        return Err(ServerError::IngestDisabled);
    };
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("");
    if !same_secret(given.as_bytes(), token.as_bytes()) {
        return Err(ServerError::Unauthorized);
    }
    let limit = state.config().max_ingest_bytes;
    let bytes = body(bytes, limit)?;
    let text = String::from_utf8(bytes.to_vec())
        .map_err(|_| ServerError::BadRequest("the body is not UTF-8 JSON Lines".into()))?;
    let report = compute(&state, move |state| {
        ingest::ingest_jsonl(
            state.data(),
            state.analyzer(),
            &text,
            state.config().max_analyze_bytes,
        )
    })
    .await?;
    if report.stored > 0 {
        // This server's search finds them at its next search; other
        // servers over the same PostgreSQL database at their refresh.
        state.search.mark_stale();
    }
    Ok(Json(report))
}

/// Compares in time that depends on the length only, so the token cannot
/// be guessed byte by byte from response times.
fn same_secret(given: &[u8], expected: &[u8]) -> bool {
    if given.len() != expected.len() {
        return false;
    }
    given
        .iter()
        .zip(expected)
        .fold(0u8, |acc, (a, b)| acc | (a ^ b))
        == 0
}

pub(crate) async fn not_found(uri: axum::http::Uri) -> ServerError {
    ServerError::NotFound(format!("API route {} (see /api/openapi.json)", uri.path()))
}

pub(crate) async fn method_not_allowed(
    method: axum::http::Method,
    uri: axum::http::Uri,
) -> Response {
    let body = serde_json::json!({"error": {
        "code": "method_not_allowed",
        "message": format!("{method} is not allowed on {}; see /api/openapi.json", uri.path()),
    }});
    (StatusCode::METHOD_NOT_ALLOWED, Json(body)).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edge(source: &str, target: &str, events: u64, goldstein: f64) -> Edge {
        Edge {
            source: source.into(),
            target: target.into(),
            events,
            goldstein,
        }
    }

    #[test]
    fn the_network_merges_codes_by_country() {
        let network = network_graph(
            vec![
                edge("IRNGOV", "RUSGOV", 3, 4.0),
                edge("IRN", "RUS", 1, -2.0),
                edge("IRNGOV", "IRNMIL", 5, 1.0),
                edge("USA", "IRN", 1, -4.0),
            ],
            true,
            2,
        );
        let codes: Vec<_> = network.nodes.iter().map(|n| n.code.as_str()).collect();
        assert_eq!(codes, ["IRN", "RUS"]);
        assert_eq!(network.edges.len(), 1);
        assert_eq!(
            (network.edges[0].events, network.edges[0].goldstein),
            (4, 2.5)
        );
    }

    #[test]
    fn secrets_compare_whole() {
        assert!(same_secret(b"abc", b"abc"));
        assert!(!same_secret(b"abd", b"abc"));
        assert!(!same_secret(b"ab", b"abc"));
    }
}
