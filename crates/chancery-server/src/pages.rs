//! The web UI: pages rendered on the server with maud, which escapes every
//! value it interpolates. Article text reaches HTML only through
//! [`crate::render`], which escapes it too.

use axum::extract::{RawQuery, State};
use axum::http::{header, StatusCode};
use axum::response::Html;
use axum::response::{IntoResponse, Response};
use chancery_store::{
    ArticleFilter, ArticleSummary, EntityFilter, EventFilter, EventRow, EventTally, QuoteRow,
    SearchQuery, StoreError,
};
use maud::{html, Markup, DOCTYPE};

use crate::api;
use crate::params::{DyadFilter, NetworkParams, NoParams, Params, PathParams};
use crate::render::{
    article_body, article_title, cameo_name, country_label, encode, entity_href, evidence,
    mark_words, plural, safe_url,
};
use crate::svg::{self, QUAD_NAMES};
use crate::{read, ServerError, Shared};

const STYLE: &str = include_str!("static/style.css");
const SCRIPT: &str = include_str!("static/app.js");

pub(crate) async fn stylesheet() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        STYLE,
    )
        .into_response()
}

pub(crate) async fn script() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        SCRIPT,
    )
        .into_response()
}

/// An error shown as a page rather than as JSON.
pub(crate) struct PageError(ServerError);

impl From<ServerError> for PageError {
    fn from(error: ServerError) -> PageError {
        PageError(error)
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let (status, code) = self.0.status_and_code();
        if status.is_server_error() {
            eprintln!("chancery: {code}: {}", self.0);
        }
        let message = self.0.public_message();
        let body = if code == "no_corpus" {
            empty_corpus(&message)
        } else {
            layout(
                "Error",
                "",
                html! {
                    section.card.error {
                        h1 { (status.as_u16()) " — " (status.canonical_reason().unwrap_or("error")) }
                        p { (message) }
                        p { a href="/" { "Back to the front page" } }
                    }
                },
            )
        };
        (status, body).into_response()
    }
}

type PageResult = Result<Html<String>, PageError>;

fn layout(title: &str, active: &str, body: Markup) -> Html<String> {
    let nav = [
        ("/", "Overview", "home"),
        ("/articles", "Articles", "articles"),
        ("/entities", "Entities", "entities"),
        ("/events", "Events", "events"),
        ("/network", "Network", "network"),
    ];
    let page = html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · chancery" }
                link rel="stylesheet" href="/static/style.css";
                script src="/static/app.js" defer {}
            }
            body {
                header.top {
                    a.brand href="/" { "chancery" }
                    nav {
                        @for (href, label, key) in nav {
                            a class=(if key == active { "active" } else { "" }) href=(href) { (label) }
                        }
                    }
                    form.search action="/search" method="get" role="search" {
                        input type="search" name="q" placeholder="Search articles" aria-label="Search articles";
                    }
                }
                main { (body) }
                footer { "chancery — every claim links to its evidence. " a href="/api/openapi.json" { "JSON API" } }
            }
        }
    };
    Html(page.into_string())
}

fn empty_corpus(message: &str) -> Html<String> {
    layout(
        "No articles yet",
        "home",
        html! {
            section.card.welcome {
                h1 { "No articles yet" }
                p { (message) }
                p { "Add news to this data directory, then reload this page:" }
                pre { code {
                    "chancery ingest --data DIR articles/ dump.jsonl CC-NEWS.warc.gz\n"
                    "# one {\"id\", \"url\", \"title\", \"text\" or \"html\", \"published\"} per line in .jsonl"
                } }
                p { "Or see everything at once with the bundled sample corpus:" }
                pre { code { "chancery demo" } }
            }
        },
    )
}

/// Reads for a page: a missing corpus is shown as the welcome page.
async fn page_read<T, F>(state: &Shared, f: F) -> Result<T, PageError>
where
    T: Send + 'static,
    F: FnOnce(&chancery_store::Queries) -> Result<T, StoreError> + Send + 'static,
{
    Ok(read(state, f).await?)
}

fn query_string(pairs: &[(&str, Option<String>)]) -> String {
    let parts: Vec<String> = pairs
        .iter()
        .filter_map(|(key, value)| {
            let value = value.as_deref()?.trim();
            (!value.is_empty()).then(|| format!("{key}={}", encode(value)))
        })
        .collect();
    if parts.is_empty() {
        String::new()
    } else {
        format!("?{}", parts.join("&"))
    }
}

fn pager(
    path: &str,
    pairs: &[(&str, Option<String>)],
    total: u64,
    limit: u32,
    offset: u32,
) -> Markup {
    let link = |offset: u32| {
        let mut all = pairs.to_vec();
        all.push(("offset", (offset > 0).then(|| offset.to_string())));
        format!("{path}{}", query_string(&all))
    };
    let shown_to = (u64::from(offset) + u64::from(limit)).min(total);
    html! {
        nav.pager {
            @if offset > 0 {
                a href=(link(offset.saturating_sub(limit))) { "← newer" }
            }
            span { (offset.min(total as u32) + u32::from(total > 0)) "–" (shown_to) " of " (total) }
            @if shown_to < total {
                a href=(link(offset + limit)) { "older →" }
            }
        }
    }
}

fn date(value: &Option<String>) -> Markup {
    html! { time { (value.as_deref().map(|d| d.get(..10).unwrap_or(d)).unwrap_or("undated")) } }
}

fn article_list(items: &[ArticleSummary], words: &[String]) -> Markup {
    html! {
        @if items.is_empty() { p.muted { "none" } }
        ol.articles {
            @for a in items {
                li {
                    a.title href=(format!("/article/{}", a.id)) {
                        (mark_words(a.title.as_deref().unwrap_or("(untitled)"), words))
                    }
                    div.meta {
                        (date(&a.published))
                        @if let Some(site) = a.site.as_deref().or(a.source.as_deref()) { " · " (site) }
                        " · " (plural(a.entities, "entity")) " · " (plural(a.quotes, "quote")) " · " (plural(a.events, "event"))
                        @if a.stub { " · " span.flag { "stub" } }
                        @if a.duplicate_of.is_some() { " · " span.flag { "near-duplicate" } }
                    }
                    p.snippet { (mark_words(&a.snippet, words)) }
                }
            }
        }
    }
}

/// "1 article", "2 articles", "3 copies".
fn story_list(stories: &[chancery_store::StoryRow]) -> Markup {
    html! {
        ol.articles.stories {
            @for s in stories {
                li {
                    a.title href=(format!("/story/{}", s.id)) { (s.title.as_deref().unwrap_or("(untitled)")) }
                    div.meta {
                        (date(&s.first)) " – " (date(&s.last)) " · " (plural(s.articles, "article"))
                        @if s.copies > 0 { " (+" (plural(s.copies, "copy")) ")" }
                        " · " (plural(s.events, "event"))
                    }
                }
            }
        }
    }
}

fn actor(code: &Option<String>, name: &Option<String>) -> Markup {
    html! {
        @match (name, code) {
            (Some(name), Some(code)) => { a href=(entity_href(name)) { (name) } " " span.code { (code) } },
            (Some(name), None) => { a href=(entity_href(name)) { (name) } },
            (None, Some(code)) => { a.code href=(format!("/events?actor={}", encode(code))) { (code) } },
            (None, None) => { span.muted { "—" } },
        }
    }
}

fn quad_badge(quad: u8) -> Markup {
    let index = usize::from(quad.clamp(1, 4)) - 1;
    html! { span class=(format!("quad q{}", index + 1)) title=(QUAD_NAMES[index]) { "Q" (index + 1) } }
}

fn event_table(events: &[EventRow]) -> Markup {
    let starred = events.iter().any(|e| !e.date_resolved && e.date.is_some());
    html! {
        table.events {
            thead { tr { th { "date" } th { "code" } th { "source" } th { "target" } th { "modality" } th { "evidence" } } }
            tbody {
                @for e in events {
                    tr {
                        td { (date(&e.date)) @if !e.date_resolved && e.date.is_some() { span.muted title="the article's publication date" { "*" } } }
                        td { (quad_badge(e.quad_class)) " " span.code { (e.code) } br; span.small { (cameo_name(&e.code)) } }
                        td { (actor(&e.source_code, &e.source_name)) }
                        td { (actor(&e.target_code, &e.target_name)) }
                        td { span class=(format!("modality {}", e.modality)) { (e.modality) } }
                        td.evidence {
                            (evidence(e.evidence.as_deref().unwrap_or(""), e.trigger))
                            " " a.small href=(format!("/article/{}", e.article)) { "article →" }
                        }
                    }
                }
            }
        }
        @if events.is_empty() { p.muted { "none" } }
        @if starred {
            p.small.muted.datenote { "* The text gives no date of its own for this event: the date shown is the article's publication date." }
        }
    }
}

fn quote_list(quotes: &[QuoteRow]) -> Markup {
    html! {
        ul.quotes {
            @for q in quotes {
                li {
                    blockquote class=(format!("said {}", q.kind)) { (q.text.as_deref().unwrap_or("")) }
                    div.meta {
                        @if let Some(name) = &q.speaker { a href=(entity_href(name)) { (name) } }
                        @else if let Some(text) = &q.speaker_text { (text) }
                        @if let Some(cue) = &q.cue { " · " (cue) }
                        " · " (q.kind) " · " (date(&q.published)) " · "
                        a href=(format!("/article/{}", q.article)) { (q.article_title.as_deref().unwrap_or("article")) }
                    }
                }
            }
        }
    }
}

pub(crate) async fn home(
    State(state): State<Shared>,
    params: Result<Params<NoParams>, ServerError>,
) -> PageResult {
    let Params(NoParams {}) = params?;
    let result = page_read(&state, |q| {
        let overview = (q.overview()?, q.last_ingested()?);
        let recent = q.articles(&ArticleFilter {
            limit: Some(8),
            ..ArticleFilter::default()
        })?;
        let stories = q.stories(Some(8), None)?;
        let actors = q.active_actors(12)?;
        let mix = q.event_mix(&EventFilter::default())?;
        let edges = q.edges(&EventFilter::default())?;
        // Events dated after the latest article have not happened as of
        // the corpus (planned, announced): they are listed apart, not as
        // the latest events.
        let last_day = overview
            .0
            .last_published
            .as_deref()
            .and_then(svg::day_number);
        let day = |n: i64| {
            let (y, m, d) = svg::civil(n);
            format!("{y:04}-{m:02}-{d:02}")
        };
        let events = q.events(&EventFilter {
            to: last_day.map(day),
            limit: Some(8),
            ..EventFilter::default()
        })?;
        let upcoming = match last_day {
            Some(last) => {
                q.events(&EventFilter {
                    from: Some(day(last + 1)),
                    limit: Some(8),
                    ..EventFilter::default()
                })?
                .items
            }
            None => Vec::new(),
        };
        Ok((
            overview,
            recent,
            stories,
            actors,
            mix,
            edges,
            (events, upcoming),
        ))
    })
    .await;
    let (overview, recent, stories, actors, mix, edges, (events, upcoming)) = match result {
        Err(PageError(ServerError::Store(StoreError::Missing { .. }))) => {
            return Ok(empty_corpus(
                "There is no corpus in the served data directory yet.",
            ))
        }
        other => other?,
    };
    let (overview, last_ingested) = overview;
    if overview.articles == 0 {
        return Ok(empty_corpus("The corpus is empty."));
    }
    let by_country = crate::map::events_by_country(&edges);
    // Country pairs, both directions together, busiest first.
    let mut pairs: Vec<((String, String), u64)> = Vec::new();
    for edge in api::network_graph(edges, true, 200).edges {
        let key = if edge.source < edge.target {
            (edge.source, edge.target)
        } else {
            (edge.target, edge.source)
        };
        match pairs.iter_mut().find(|(k, _)| *k == key) {
            Some((_, n)) => *n += edge.events,
            None => pairs.push((key, edge.events)),
        }
    }
    pairs.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    pairs.retain(|((a, b), _)| a.len() == 3 && b.len() == 3);
    pairs.truncate(8);
    let max_actor = actors
        .iter()
        .map(|a| a.as_source + a.as_target)
        .max()
        .unwrap_or(1)
        .max(1);
    Ok(layout(
        "Overview",
        "home",
        html! {
            section.stats {
                div { strong { (overview.articles) } span { "articles" } }
                div { strong { (overview.near_duplicates) } span { "near-duplicates" } }
                div { strong { (overview.entities) } span { "entities" } }
                div { strong { (overview.quotes) } span { "quotes" } }
                div { strong { (overview.events) } span { "events" } }
                div.dates { strong { (date(&overview.first_published)) " – " (date(&overview.last_published)) } span { "published" } }
                @if let Some(stamp) = &last_ingested {
                    // Read at every request: a watcher or an ingest beside the
                    // server shows here without a restart.
                    div.dates { strong { time datetime=(stamp) { (stored_at(stamp)) } } span { "last stored" } }
                }
            }
            @if !by_country.is_empty() {
                section.card {
                    h2 { "Events by country" }
                    p.muted.small { "Events with an actor of each country; darker is more. A country links to its events." }
                    (crate::map::choropleth(&by_country, "event", crate::map::country_events_href))
                }
            }
            div.grid {
                section.card {
                    @if stories.items.is_empty() {
                        h2 { "Latest articles" }
                        p.muted.small { "No stories yet: `chancery ingest` groups articles into stories as it stores them." }
                        (article_list(&recent.items, &[]))
                    } @else {
                        h2 { "Recent stories" }
                        (story_list(&stories.items))
                    }
                    a href="/articles" { "All articles →" }
                }
                section.card {
                    h2 { "Most active actors" }
                    table.actors {
                        @for a in &actors {
                            tr {
                                td { a.code href=(format!("/events?actor={}", encode(&a.code))) title=(country_label(&a.code)) { (a.code) } }
                                td.barcell {
                                    svg.inline-bar viewBox="0 0 100 10" preserveAspectRatio="none" {
                                        rect x="0" y="0" height="10" fill="#2f7f9e"
                                            width=(format!("{:.1}", 100.0 * a.as_source as f64 / max_actor as f64)) {}
                                        rect y="0" height="10" fill="#9cc7d8"
                                            x=(format!("{:.1}", 100.0 * a.as_source as f64 / max_actor as f64))
                                            width=(format!("{:.1}", 100.0 * a.as_target as f64 / max_actor as f64)) {}
                                    }
                                }
                                td.num.small { (a.as_source) " out · " (a.as_target) " in" }
                            }
                        }
                    }
                    p.small.muted { "Events as source (dark) and as target (light)." }
                    h2 { "Busiest pairs" }
                    ul.pairs {
                        @for ((a, b), n) in &pairs {
                            li { a href=(format!("/dyad/{}/{}", encode(a), encode(b))) { (country_label(a)) " – " (country_label(b)) } " " span.muted { (plural(*n, "event")) } }
                        }
                    }
                }
            }
            section.card {
                h2 { "Event mix" }
                (svg::mix(&mix))
            }
            section.card {
                h2 { "Latest events" }
                (event_table(&events.items))
                a href="/events" { "All events →" }
            }
            @if !upcoming.is_empty() {
                section.card.upcoming {
                    h2 { "Planned: dated after the latest article" }
                    p.small.muted { "Events the articles announce or expect, on dates still to come when they were published." }
                    (event_table(&upcoming))
                }
            }
        },
    ))
}

pub(crate) async fn articles(
    State(state): State<Shared>,
    params: Result<Params<ArticleFilter>, ServerError>,
) -> PageResult {
    let Params(filter) = params?;
    let limit = filter.limit.unwrap_or(50).clamp(1, 500);
    let offset = filter.offset.unwrap_or(0);
    let pairs = vec![
        ("entity", filter.entity.clone()),
        ("country", filter.country.clone()),
        ("source", filter.source.clone()),
        ("from", filter.from.clone()),
        ("to", filter.to.clone()),
        (
            "include_duplicates",
            filter.include_duplicates.then(|| "true".into()),
        ),
        ("include_stubs", filter.include_stubs.then(|| "true".into())),
    ];
    let query = filter.clone();
    let page = page_read(&state, move |q| q.articles(&query)).await?;
    Ok(layout(
        "Articles",
        "articles",
        html! {
            h1 { "Articles" }
            form.filters method="get" action="/articles" {
                input name="entity" placeholder="entity name" value=(filter.entity.clone().unwrap_or_default());
                input name="country" placeholder="country (IRN)" size="14" value=(filter.country.clone().unwrap_or_default());
                input name="from" placeholder="from 2025-01-01" size="16" value=(filter.from.clone().unwrap_or_default());
                input name="to" placeholder="to" size="12" value=(filter.to.clone().unwrap_or_default());
                label { input type="checkbox" name="include_duplicates" value="true" checked[filter.include_duplicates]; " near-duplicates" }
                label { input type="checkbox" name="include_stubs" value="true" checked[filter.include_stubs]; " stubs" }
                button { "Filter" }
            }
            (article_list(&page.items, &[]))
            (pager("/articles", &pairs, page.total, limit, offset))
        },
    ))
}

/// The tone values behind an article's tone, as the tooltip says them.
fn tone_title(tone: &chancery_model::Tone) -> String {
    let language = tone.language.as_deref().unwrap_or("unknown language");
    let sentiment = match (&tone.lexicon, tone.positive, tone.negative) {
        (Some(lexicon), Some(positive), Some(negative)) => format!(
            "{positive:.1}% of {} words positive, {negative:.1}% negative ({lexicon}, {language})",
            tone.words
        ),
        _ => format!("{} words; no sentiment lexicon for {language}", tone.words),
    };
    format!(
        "GDELT tone: {sentiment}; activity {:.1}%, pronouns {:.1}%",
        tone.activity, tone.self_group
    )
}

pub(crate) async fn article(
    State(state): State<Shared>,
    id: Result<PathParams<i64>, ServerError>,
    params: Result<Params<NoParams>, ServerError>,
) -> PageResult {
    let PathParams(id) = id?;
    let Params(NoParams {}) = params?;
    let found = page_read(&state, move |q| {
        let Some(article) = q.article(id)? else {
            return Ok(None);
        };
        let original = match article.summary.duplicate_of {
            Some(original) => q.article_ref(original)?,
            None => None,
        };
        let similar = q.similar(id, 8)?;
        let events = q.events(&EventFilter {
            article: Some(id),
            limit: Some(200),
            ..EventFilter::default()
        })?;
        Ok(Some((article, original, similar, events)))
    })
    .await?;
    let Some((stored, original, similar, events)) = found else {
        return Err(ServerError::NotFound(format!("article {id}")).into());
    };
    let analysis = &stored.analysis;
    let article = &analysis.article;
    let flags = &article.flags;
    let flag_list = [
        (flags.stub, "stub", "a placeholder, not an article"),
        (
            flags.duplicated_title,
            "duplicated title",
            "the title was repeated in the text and removed",
        ),
        (flags.truncated, "truncated", "the text looks cut off"),
        (
            flags.boilerplate_heavy,
            "boilerplate-heavy",
            "much of the page was navigation or ads",
        ),
        (
            flags.non_article,
            "not an article",
            "the page looks like an index or a form",
        ),
        (
            flags.replaced_invalid_bytes,
            "invalid bytes replaced",
            "some bytes were not valid text",
        ),
        (
            flags.encoding_guessed,
            "encoding guessed",
            "the page did not declare its encoding",
        ),
    ];
    let mut entities: Vec<&chancery_model::Entity> = analysis.entities.iter().collect();
    entities.sort_by(|a, b| {
        b.mentions
            .len()
            .cmp(&a.mentions.len())
            .then(a.name.cmp(&b.name))
    });
    let title = article.title.clone().unwrap_or_else(|| "(untitled)".into());
    Ok(layout(
        &title,
        "articles",
        html! {
            article.reader {
                h1.headline { (article_title(analysis)) }
                div.meta {
                    (date(&stored.summary.published))
                    @if !article.authors.is_empty() { " · " (article.authors.join(", ")) }
                    @if let Some(site) = &article.site { " · " (site) }
                    @if let Some(url) = article.url.as_deref().and_then(safe_url) {
                        " · " a href=(url) rel="noopener noreferrer nofollow" { "source" }
                    }
                    @if let Some(story) = stored.summary.story {
                        " · " a href=(format!("/story/{story}")) { "the story" }
                    }
                    @if let Some(tone) = &analysis.tone {
                        " · " span.tone title=(tone_title(tone)) {
                            @match tone.tone {
                                Some(value) => { "tone " (format!("{value:+.1}")) }
                                None => { "tone n/a" }
                            }
                        }
                    }
                    " · " a href=(format!("/api/articles/{id}")) { "JSON" }
                }
                @if let Some(original) = &original {
                    p.notice { "A near-duplicate (estimated similarity "
                        (format!("{:.2}", stored.similarity.unwrap_or(0.0))) ") of "
                        a href=(format!("/article/{}", original.id)) { (original.title.as_deref().unwrap_or("an earlier article")) }
                        "; its events are counted there." }
                }
                @if analysis.analysis_skipped.is_some() {
                    p.notice { "Not analysed: the text is "
                        (analysis.detected_language.as_deref().map_or("not in English".to_string(), |l| format!("in another language ({l})")))
                        ", and entities, quotes and events are read in English only." }
                }
                @if !analysis.skipped_blocks.is_empty() {
                    p.notice { (analysis.skipped_blocks.len())
                        @if analysis.skipped_blocks.len() == 1 { " block" } @else { " blocks" }
                        " in another language left out of analysis." }
                }
                @if flag_list.iter().any(|f| f.0) {
                    ul.flags { @for (set, name, why) in flag_list { @if set { li title=(why) { (name) } } } }
                }
                div.legend {
                    span.ent.person { "person" } span.ent.organization { "organization" }
                    span.ent.country { "country" } span.ent.place { "place" } span.ent.group { "group" }
                    span.quote.direct { "quote" } span.trigger.q1 { "event trigger" }
                }
                div.body { (article_body(analysis)) }
            }
            div.grid {
                section.card {
                    h2 { "Entities" }
                    @if entities.is_empty() { p.muted { "none" } }
                    ul.entities {
                        @for e in &entities {
                            li {
                                a class=(format!("ent {}", format!("{:?}", e.kind).to_lowercase())) data-e=(e.id) href=(entity_href(&e.name)) { (e.name) }
                                @if let Some(code) = &e.actor_code { " " span.code { (code) } }
                                @for role in &e.roles { " · " span.role { (role.title) @if let Some(of) = &role.of { " (" (of) ")" } } }
                                " " span.muted { "×" (e.mentions.len()) }
                            }
                        }
                    }
                }
                section.card {
                    h2 { "Quotes" }
                    @if analysis.quotes.is_empty() { p.muted { "none" } }
                    ul.quotes {
                        @for (i, quote) in analysis.quotes.iter().enumerate() {
                            @let text = quote.span.slice(if quote.span.field == chancery_model::TextField::Title { article.title.as_deref().unwrap_or("") } else { &article.text }).unwrap_or("");
                            @let speaker = quote.speaker.as_ref().and_then(|s| analysis.entities.iter().find(|e| &e.id == s));
                            li data-q=(format!("q{i}")) {
                                blockquote class=(format!("said {:?}", quote.kind).to_lowercase()) { (text) }
                                div.meta {
                                    @if let Some(e) = speaker { a href=(entity_href(&e.name)) { (e.name) } }
                                    @else { (quote.speaker_text.as_deref().unwrap_or("unattributed")) }
                                    @if let Some(cue) = &quote.cue { " · " (cue.text) }
                                    " · " (format!("{:?}", quote.kind).to_lowercase())
                                }
                            }
                        }
                    }
                }
            }
            section.card {
                h2 { "Events" }
                (event_table(&events.items))
            }
            div.grid {
                section.card {
                    h2 { "Similar articles" }
                    p.small.muted { "Sharing the rarest names with this one." }
                    @if similar.is_empty() { p.muted { "none" } }
                    ul.similar {
                        @for s in &similar {
                            li {
                                a href=(format!("/article/{}", s.article.id)) { (s.article.title.as_deref().unwrap_or("(untitled)")) }
                                " " span.muted { (date(&s.article.published)) " · " (s.shared.iter().take(4).cloned().collect::<Vec<_>>().join(", ")) }
                            }
                        }
                    }
                    @if !stored.copies.is_empty() {
                        h3 { "Near-duplicates of this article" }
                        ul { @for c in &stored.copies { li { a href=(format!("/article/{}", c.id)) { (c.title.as_deref().unwrap_or("(untitled)")) } " " span.muted { (c.site.as_deref().unwrap_or("")) } } } }
                    }
                }
                section.card {
                    h2 { "Related (from the page)" }
                    @if article.related.is_empty() { p.muted { "none" } }
                    ul.related {
                        @for item in &article.related {
                            li class=(if item.stub { "stub" } else { "" }) {
                                @match item.url.as_deref().and_then(safe_url) {
                                    Some(url) => a href=(url) rel="noopener noreferrer nofollow" { (item.title.as_deref().unwrap_or("(untitled)")) },
                                    None => strong { (item.title.as_deref().unwrap_or("(untitled)")) },
                                }
                                @if item.stub { " " span.flag { "stub" } }
                                @if let Some(summary) = &item.summary { p.small { (summary) } }
                            }
                        }
                    }
                }
            }
        },
    ))
}

pub(crate) async fn story(
    State(state): State<Shared>,
    id: Result<PathParams<i64>, ServerError>,
    params: Result<Params<NoParams>, ServerError>,
) -> PageResult {
    let PathParams(id) = id?;
    let Params(NoParams {}) = params?;
    let detail = api::story_detail(&state, id, 100).await?;
    let s = &detail.story;
    Ok(layout(
        s.title.as_deref().unwrap_or("Story"),
        "articles",
        html! {
            h1 { (s.title.as_deref().unwrap_or("(untitled story)")) }
            div.meta {
                "Story " (s.id) " · " (date(&s.first)) " – " (date(&s.last)) " · " (plural(s.articles, "article"))
                @if s.copies > 0 { " (+" (plural(s.copies, "near-duplicate")) ")" }
                " · " (plural(s.events, "event")) " · " a href=(format!("/api/stories/{id}")) { "JSON" }
            }
            (first_and_latest(&detail.changes))
            (what_changed(&detail.changes))
            @if !detail.series.is_empty() {
                section.card { h2 { "Its events over time" } (svg::timeline(&detail.series, &detail.outliers)) }
            }
            @if !detail.story_events.is_empty() {
                section.card #timeline { h2 { "Timeline of its events" } (story_event_table(&detail.story_events)) }
            }
            div.grid {
                section.card #actors { h2 { "Its actors" } (story_entity_list(&detail.actors)) }
                section.card #places { h2 { "Its places" } (story_entity_list(&detail.places)) }
            }
            div.grid {
                section.card { h2 { "Articles" } (article_list(&detail.articles.items, &[])) }
            }
            section.card { h2 { "Events told in its articles" } (event_table(&detail.events.items)) }
        },
    ))
}

/// "2026-12-06 18:48 UTC" of a store stamp ("2026-12-06T18:48:35.123Z").
fn stored_at(stamp: &str) -> String {
    match (stamp.get(..10), stamp.get(11..16)) {
        (Some(day), Some(time)) => format!("{day} {time} UTC"),
        _ => stamp.to_string(),
    }
}

/// A story's first and latest reports (the first of its first day, the
/// last of its latest), with how many more were read on each side.
fn first_and_latest(changes: &chancery_store::StoryChanges) -> Markup {
    let report = |r: &chancery_store::ReportRef| {
        html! {
            a href=(format!("/article/{}", r.article)) { (r.title.as_deref().unwrap_or("(untitled)")) }
            " · " (date(&r.published))
        }
    };
    let more = |n: usize| html! { @if n > 1 { span.muted { " (and " (n - 1) " more that day)" } } };
    html! {
        @if let (Some(first), Some(latest)) = (changes.first.first(), changes.latest.last()) {
            section.card #reports {
                h2 { "First and latest report" }
                p { "First: " (report(first)) (more(changes.first.len())) }
                @if latest.article != first.article {
                    p { "Latest: " (report(latest)) (more(changes.latest.len())) }
                }
            }
        }
    }
}

/// What the latest reports tell that the first did not, and what they no
/// longer tell, each item linked to the article that says it.
fn what_changed(changes: &chancery_store::StoryChanges) -> Markup {
    html! {
        section.card #changes {
            h2 { "What changed" }
            @if changes.appeared.is_empty() && changes.disappeared.is_empty() {
                p.muted { @if changes.first == changes.latest { "One report so far: nothing to compare." } @else { "The latest reports tell what the first did." } }
            } @else {
                div.grid {
                    div { h3 { "New in the latest reports" } (change_list(&changes.appeared)) }
                    div { h3 { "No longer in the latest reports" } (change_list(&changes.disappeared)) }
                }
            }
        }
    }
}

fn change_list(changes: &chancery_store::Changes) -> Markup {
    let kinds: [(&str, &[chancery_store::Change]); 5] = [
        ("Actors", &changes.actors),
        ("Places", &changes.places),
        ("Events", &changes.events),
        ("Figures", &changes.numbers),
        ("Quotes", &changes.quotes),
    ];
    html! {
        @if changes.is_empty() { p.muted { "nothing" } }
        @for (name, list) in kinds {
            @if !list.is_empty() {
                h4 { (name) }
                ul.changes {
                    @for c in list {
                        @let e = &c.evidence;
                        @let code = (name == "Events").then(|| c.key.split(' ').next().map(cameo_name)).flatten().filter(|n| !n.is_empty());
                        li {
                            strong { (c.label) }
                            @if let Some(code) = code { " " span.muted { (code) } }
                            " — "
                            a.evidence href=(format!("/article/{}", e.article)) title=(format!("article {}, bytes {}–{} of its {}", e.article, e.start, e.end, e.field)) {
                                "“" (e.context.as_deref().unwrap_or(&e.text)) "”"
                            }
                        }
                    }
                }
            }
        }
    }
}

/// A story's actors or places, most articles first.
fn story_entity_list(entities: &[chancery_store::EntitySummary]) -> Markup {
    html! {
        @if entities.is_empty() { p.muted { "none" } }
        ul.entities {
            @for e in entities {
                li {
                    a class=(format!("ent {}", e.kind)) href=(entity_href(&e.name)) { (e.name) }
                    @if let Some(code) = &e.actor_code { " " span.code { (code) } }
                    " · " (plural(e.articles, "article"))
                }
            }
        }
    }
}

/// A story's events in the order they happened, each told once with how
/// many articles, sources and mentions tell it.
fn story_event_table(events: &[chancery_store::StoryEvent]) -> Markup {
    let mut events: Vec<&chancery_store::StoryEvent> = events.iter().collect();
    // Undated last; the most told first within a day.
    events.sort_by(|a, b| {
        (a.first_day.is_none(), &a.first_day)
            .cmp(&(b.first_day.is_none(), &b.first_day))
            .then((b.articles, b.mentions).cmp(&(a.articles, a.mentions)))
    });
    html! {
        table.list {
            thead { tr { th { "days" } th { "event" } th { "code" } th { "source" } th { "target" } th.num { "articles" } th.num { "sources" } th.num { "mentions" } } }
            tbody {
                @for e in events {
                    tr {
                        td { (date(&e.first_day)) @if e.last_day != e.first_day { " – " (date(&e.last_day)) } }
                        td { (cameo_name(&e.code)) }
                        td.code { (e.code) }
                        td.code { (e.source.as_deref().unwrap_or("")) }
                        td.code { (e.target.as_deref().unwrap_or("")) }
                        td.num { (e.articles) }
                        td.num { (e.sources) }
                        td.num { (e.mentions) }
                    }
                }
            }
        }
    }
}

pub(crate) async fn entities(
    State(state): State<Shared>,
    params: Result<Params<EntityFilter>, ServerError>,
) -> PageResult {
    let Params(filter) = params?;
    let limit = filter.limit.unwrap_or(50).clamp(1, 500);
    let offset = filter.offset.unwrap_or(0);
    let pairs = vec![
        ("q", filter.q.clone()),
        ("kind", filter.kind.clone()),
        ("country", filter.country.clone()),
    ];
    let query = filter.clone();
    let page = page_read(&state, move |q| q.entities(&query)).await?;
    let kinds = ["", "person", "organization", "country", "place", "group"];
    Ok(layout(
        "Entities",
        "entities",
        html! {
            h1 { "Entities" }
            form.filters method="get" action="/entities" {
                input name="q" placeholder="name contains" value=(filter.q.clone().unwrap_or_default());
                select name="kind" {
                    @for kind in kinds {
                        option value=(kind) selected[filter.kind.as_deref().unwrap_or("") == kind] { (if kind.is_empty() { "any kind" } else { kind }) }
                    }
                }
                input name="country" placeholder="country (IRN)" size="14" value=(filter.country.clone().unwrap_or_default());
                button { "Filter" }
            }
            table.list {
                thead { tr { th { "name" } th { "kind" } th { "country" } th { "actor code" } th.num { "articles" } th.num { "mentions" } } }
                tbody {
                    @for e in &page.items {
                        tr {
                            td { a class=(format!("ent {}", e.kind)) href=(entity_href(&e.name)) { (e.name) } }
                            td { (e.kind) }
                            td { (e.country.as_deref().unwrap_or("")) }
                            td.code { (e.actor_code.as_deref().unwrap_or("")) }
                            td.num { (e.articles) }
                            td.num { (e.mentions) }
                        }
                    }
                }
            }
            (pager("/entities", &pairs, page.total, limit, offset))
        },
    ))
}

pub(crate) async fn entity(
    State(state): State<Shared>,
    name: Result<PathParams<String>, ServerError>,
    params: Result<Params<NoParams>, ServerError>,
) -> PageResult {
    let PathParams(name) = name?;
    let Params(NoParams {}) = params?;
    let detail = api::entity_detail(&state, name.clone(), 25).await?;
    let lookup = name.clone();
    let (cooccurring, articles, tallies) = page_read(&state, move |q| {
        let events = EventFilter {
            entity: Some(lookup.clone()),
            ..EventFilter::default()
        };
        // From the keyed rollups; a name they do not key (padded with
        // spaces) is read event by event.
        let tallies: Vec<EventTally> = match q.event_rollup(&events)? {
            Some(rollup) => rollup.tallies,
            None => q
                .event_points(&events)?
                .iter()
                .map(EventTally::from)
                .collect(),
        };
        Ok((
            q.cooccurring(&lookup, 16)?,
            q.articles(&ArticleFilter {
                entity: Some(lookup.clone()),
                limit: Some(10),
                ..ArticleFilter::default()
            })?,
            tallies,
        ))
    })
    .await?;
    // Over the span where its events are dense, as a story's chart.
    let (buckets, outliers) = svg::bucket_tallies(&tallies);
    let p = &detail.profile;
    let s = &p.summary;
    Ok(layout(
        &s.name,
        "entities",
        html! {
            h1 { span class=(format!("ent {}", s.kind)) { (s.name) } }
            div.meta {
                (s.kind)
                @if let Some(c) = &s.country { " · " (country_label(c)) }
                @for code in &p.actor_codes { " · " a.code href=(format!("/events?actor={}", encode(&code.value))) { (code.value) } }
                " · " (plural(s.articles, "article")) " · " (plural(s.mentions, "mention")) " · " (plural(p.events, "event")) " · " (plural(p.quotes, "quote"))
                " · " a href=(format!("/api/entities/{}", encode(&s.name))) { "JSON" }
            }
            @if !p.aliases.is_empty() {
                p.small { "Also called: " (p.aliases.iter().map(|a| a.value.as_str()).collect::<Vec<_>>().join(", ")) }
            }
            div.grid {
                section.card {
                    h2 { "Roles over time" }
                    @if p.roles.is_empty() { p.muted { "No titles found in the text." } }
                    ol.roles {
                        @for role in &p.roles {
                            li {
                                strong { (role.title) } @if let Some(of) = &role.of { " · " (country_label(of)) }
                                div.meta { (date(&role.first_seen)) " → " (date(&role.last_seen)) " · " (plural(role.articles, "article")) }
                                @for ev in &role.evidence {
                                    div.small { "“" (ev.text) "” " a href=(format!("/article/{}", ev.article)) { (date(&ev.published)) } }
                                }
                            }
                        }
                    }
                }
                section.card {
                    h2 { "Appears with" }
                    @if cooccurring.is_empty() { p.muted { "none" } }
                    @else { p.small.muted { "In its latest " (chancery_store::COOCCURRENCE_ARTICLES) " articles." } }
                    ul.cooccurring {
                        @for e in &cooccurring {
                            li { a class=(format!("ent {}", e.kind)) href=(entity_href(&e.name)) { (e.name) } " " span.muted { (plural(e.articles, "article")) } }
                        }
                    }
                }
            }
            section.card {
                h2 { "Quotes" }
                @if detail.quotes.items.is_empty() { p.muted { "none" } }
                (quote_list(&detail.quotes.items))
            }
            @if !buckets.is_empty() {
                section.card { h2 { "Its events over time" } (svg::timeline(&buckets, &outliers)) }
            }
            section.card {
                h2 { "Events" }
                (event_table(&detail.events.items))
                @if detail.events.total > detail.events.items.len() as u64 {
                    a href=(format!("/events?entity={}", encode(&s.name))) { "All " (detail.events.total) " events →" }
                }
            }
            section.card {
                h2 { "Articles" }
                (article_list(&articles.items, &[]))
                @if articles.total > articles.items.len() as u64 {
                    a href=(format!("/articles?entity={}", encode(&s.name))) { "All " (articles.total) " articles →" }
                }
            }
        },
    ))
}

fn event_pairs(filter: &EventFilter) -> Vec<(&'static str, Option<String>)> {
    vec![
        ("actor", filter.actor.clone()),
        ("source", filter.source.clone()),
        ("target", filter.target.clone()),
        ("entity", filter.entity.clone()),
        ("code", filter.code.clone()),
        ("root", filter.root.clone()),
        ("quad_class", filter.quad_class.map(|q| q.to_string())),
        ("modality", filter.modality.clone()),
        ("from", filter.from.clone()),
        ("to", filter.to.clone()),
        ("bbox", filter.bbox.map(|b| b.to_string())),
        ("country", filter.country.clone()),
        ("located", filter.located.map(|l| l.to_string())),
        // The page size chosen, so "older" shows the next rows of the same
        // size (the form has no field for it).
        ("limit", filter.limit.map(|l| l.to_string())),
    ]
}

/// The value a filter form shows for `name`: what the pairs give, or
/// empty.
fn form_value(pairs: &[(&str, Option<String>)], name: &str) -> String {
    pairs
        .iter()
        .find(|(key, _)| *key == name)
        .and_then(|(_, value)| value.clone())
        .unwrap_or_default()
}

/// The filter form of an events list. `pairs` are the values it shows:
/// the filter's own, or, when the query was refused, what was sent, so a
/// mistake can be corrected in place.
/// Event filters the form shows no field for, carried as hidden inputs.
const HIDDEN_EVENT_FILTERS: [&str; 3] = ["entity", "root", "limit"];

fn event_form(action: &str, pairs: &[(&str, Option<String>)], with_actors: bool) -> Markup {
    let modalities = [
        "",
        "asserted",
        "planned",
        "reported",
        "negated",
        "hypothetical",
    ];
    let value = |name: &str| form_value(pairs, name);
    let quad_class = value("quad_class");
    let modality = value("modality");
    let located = value("located");
    html! {
        form.filters method="get" action=(action) {
            @if with_actors {
                input name="actor" placeholder="actor (IRN, RUSGOV)" size="20" value=(value("actor"));
                input name="source" placeholder="source" size="8" value=(value("source"));
                input name="target" placeholder="target" size="8" value=(value("target"));
            }
            input name="code" placeholder="CAMEO code (04)" size="16" value=(value("code"));
            select name="quad_class" {
                option value="" { "any QuadClass" }
                @for q in 1..=4u8 {
                    option value=(q) selected[quad_class == q.to_string()] { (q) " " (QUAD_NAMES[usize::from(q) - 1]) }
                }
            }
            select name="modality" {
                @for m in modalities {
                    option value=(m) selected[modality == m] { (if m.is_empty() { "any modality" } else { m }) }
                }
            }
            input name="from" placeholder="from" size="10" value=(value("from"));
            input name="to" placeholder="to" size="10" value=(value("to"));
            // Where it happened, as /api/events reads it (docs/API.md).
            input name="country" placeholder="in country (SYR)" size="16" title="where the event happened: an ISO 3166-1 alpha-3 code" value=(value("country"));
            input name="bbox" placeholder="west,south,east,north" size="22" title="a box in degrees, west,south,east,north (35,32,43,37.5); west greater than east crosses the antimeridian" value=(value("bbox"));
            label.check title="only events the text places somewhere" {
                input type="checkbox" name="located" value="true" checked[located == "true"];
                " located only"
            }
            // Filters the form has no field for (an entity page's link, a
            // root from a chart, the page size) stay on when it is sent again.
            @for name in HIDDEN_EVENT_FILTERS {
                @let kept = value(name);
                @if !kept.is_empty() { input type="hidden" name=(name) value=(kept); }
            }
            button { "Filter" }
        }
    }
}

/// The events page. A refused filter is shown on the page itself, beside
/// the form holding what was sent, with a 400 status.
pub(crate) async fn events(
    State(state): State<Shared>,
    RawQuery(raw): RawQuery,
    params: Result<Params<EventFilter>, ServerError>,
) -> Result<Response, PageError> {
    let filter = match params {
        Ok(Params(filter)) => filter,
        Err(ServerError::BadRequest(message)) => {
            let sent = crate::params::split_query(raw.as_deref().unwrap_or("")).unwrap_or_default();
            let pairs: Vec<(&str, Option<String>)> = sent
                .iter()
                .map(|(name, value)| (name.as_str(), Some(value.clone())))
                .collect();
            let page = layout(
                "Events",
                "events",
                html! {
                    h1 { "Events" }
                    (event_form("/events", &pairs, true))
                    section.card.error {
                        h2 { "These filters cannot be used" }
                        p { (message) }
                        p { "Correct the filter above and send it again, or " a href="/events" { "show all events" } "." }
                    }
                },
            );
            return Ok((StatusCode::BAD_REQUEST, page).into_response());
        }
        Err(other) => return Err(other.into()),
    };
    let limit = filter.limit.unwrap_or(50).clamp(1, 500);
    let offset = filter.offset.unwrap_or(0);
    let query = filter.clone();
    let (page, points) = page_read(&state, move |q| {
        Ok((q.events(&query)?, q.event_points(&query)?))
    })
    .await?;
    let (buckets, outliers) = svg::bucket_events(&points);
    let pairs = event_pairs(&filter);
    Ok(layout(
        "Events",
        "events",
        html! {
            h1 { "Events" }
            (event_form("/events", &pairs, true))
            @if !buckets.is_empty() { section.card { (svg::timeline(&buckets, &outliers)) } }
            (event_table(&page.items))
            (pager("/events", &pairs, page.total, limit, offset))
        },
    )
    .into_response())
}

pub(crate) async fn dyad(
    State(state): State<Shared>,
    path: Result<PathParams<(String, String)>, ServerError>,
    params: Result<Params<DyadFilter>, ServerError>,
) -> PageResult {
    let PathParams((a, b)) = path?;
    let Params(DyadFilter(filter)) = params?;
    let limit = filter.limit.unwrap_or(50).clamp(1, 500);
    let offset = filter.offset.unwrap_or(0);
    let dyad = api::dyad_detail(&state, a.clone(), b.clone(), filter.clone()).await?;
    let total: u64 = dyad.events.total;
    let mut counts = dyad.series.iter().fold([0u64; 4], |mut acc, bucket| {
        for (sum, n) in acc.iter_mut().zip(bucket.counts) {
            *sum += n;
        }
        acc
    });
    for outlier in &dyad.outliers {
        if (1..=4).contains(&outlier.quad_class) {
            counts[usize::from(outlier.quad_class) - 1] += 1;
        }
    }
    let path = format!("/dyad/{}/{}", encode(&a), encode(&b));
    Ok(layout(
        &format!("{a} – {b}"),
        "events",
        html! {
            h1 { (country_label(&a)) " – " (country_label(&b)) }
            div.meta {
                (total) " events · " (dyad.a_to_b) " " (a) " → " (b) " · " (dyad.b_to_a) " " (b) " → " (a)
                " · " a href=(format!("/dyad/{}/{}", encode(&b), encode(&a))) { "swap" }
                " · " a href=(format!("/api/dyads/{}/{}", encode(&a), encode(&b))) { "JSON" }
            }
            (event_form(&path, &event_pairs(&filter), false))
            section.card {
                h2 { "Events over time by QuadClass, with the Goldstein trend" }
                @if dyad.series.is_empty() {
                    p.muted { "No dated events between these two." }
                } @else {
                    (svg::timeline(&dyad.series, &dyad.outliers))
                    p.small {
                        @for (i, n) in counts.iter().enumerate() {
                            span class=(format!("swatch q{}", i + 1)) {} " " (QUAD_NAMES[i]) ": " (n) "   "
                        }
                    }
                }
            }
            @if !dyad.mix.is_empty() { section.card { h2 { "Event mix" } (svg::mix(&dyad.mix)) } }
            section.card {
                h2 { "Events" }
                (event_table(&dyad.events.items))
                (pager(&path, &event_pairs(&filter), total, limit, offset))
            }
        },
    ))
}

pub(crate) async fn network(
    State(state): State<Shared>,
    params: Result<Params<NetworkParams>, ServerError>,
) -> PageResult {
    let Params(params) = params?;
    let level = params.level.clone().unwrap_or_else(|| "country".into());
    let graph = api::network_for(&state, params).await?;
    Ok(layout(
        "Actor network",
        "network",
        html! {
            h1 { "Actor network" }
            p.meta {
                "Who acts on whom: an arc per direction, wider for more events, green for cooperation and red for conflict (mean Goldstein). "
                @if level == "actor" { a href="/network" { "By country" } } @else { a href="/network?level=actor" { "By actor code" } }
            }
            @if graph.nodes.is_empty() { p.muted { "No events with both a source and a target yet." } }
            @else {
                section.card.center { (svg::network(&graph)) }
                section.card {
                    h2 { "Busiest directions" }
                    table.list {
                        thead { tr { th { "source" } th { "target" } th.num { "events" } th.num { "mean Goldstein" } } }
                        tbody {
                            @for e in graph.edges.iter().take(30) {
                                tr {
                                    td.code { (e.source) } td.code { (e.target) } td.num { (e.events) }
                                    td.num { (format!("{:+.1}", e.goldstein)) }
                                    @if e.source.len() == 3 && e.target.len() == 3 {
                                        td { a href=(format!("/dyad/{}/{}", encode(&e.source), encode(&e.target))) { "dyad →" } }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        },
    ))
}

pub(crate) async fn search(
    State(state): State<Shared>,
    params: Result<Params<SearchQuery>, ServerError>,
) -> PageResult {
    let Params(query) = params?;
    let limit = query
        .limit
        .unwrap_or(crate::search::PAGE_HITS)
        .clamp(1, 500);
    let offset = query.offset.unwrap_or(0);
    let words: Vec<String> = query.q.split_whitespace().map(String::from).collect();
    let pairs = vec![
        ("q", Some(query.q.clone())),
        ("country", query.country.clone()),
        ("entity", query.entity.clone()),
        ("root", query.root.clone()),
        ("source", query.source.clone()),
        ("from", query.from.clone()),
        ("to", query.to.clone()),
    ];
    let mut q = query.clone();
    q.limit = Some(limit);
    let results = crate::search(&state, q).await?;
    let with = |key: &str, value: &str| {
        let mut all: Vec<(&str, Option<String>)> =
            pairs.iter().filter(|(k, _)| *k != key).cloned().collect();
        all.push((key, Some(value.to_string())));
        format!("/search{}", query_string(&all))
    };
    let without = |key: &str| {
        let all: Vec<(&str, Option<String>)> =
            pairs.iter().filter(|(k, _)| *k != key).cloned().collect();
        format!("/search{}", query_string(&all))
    };
    let facets = &results.facets;
    let groups: [(&str, &str, &Vec<chancery_store::Count>); 5] = [
        ("Countries", "country", &facets.countries),
        ("People", "entity", &facets.people),
        ("Organizations", "entity", &facets.organizations),
        ("Event types", "root", &facets.roots),
        ("Sources", "source", &facets.sources),
    ];
    let active: Vec<(&str, String)> = pairs
        .iter()
        .filter(|(k, v)| *k != "q" && v.as_deref().is_some_and(|v| !v.is_empty()))
        .map(|(k, v)| (*k, v.clone().unwrap_or_default()))
        .collect();
    Ok(layout(
        &format!("Search: {}", query.q),
        "",
        html! {
            h1 { "Search" }
            form.filters method="get" action="/search" {
                input type="search" name="q" value=(query.q) placeholder="words that must all appear" autofocus;
                @for (key, value) in &active { input type="hidden" name=(key) value=(value); }
                button { "Search" }
            }
            @if !active.is_empty() {
                p.chips { @for (key, value) in &active { a.chip href=(without(key)) title="remove" { (key) ": " (value) " ×" } } }
            }
            div.searchgrid {
                aside.facets {
                    @for (title, key, counts) in groups {
                        @if !counts.is_empty() {
                            h3 { (title) }
                            ul {
                                @for c in counts.iter() {
                                    li { a href=(with(key, &c.value)) {
                                        @if key == "root" { (c.value) " " (cameo_name(&c.value)) } @else { (c.value) }
                                    } " " span.muted { (c.count) } }
                                }
                            }
                        }
                    }
                    @if !facets.months.is_empty() {
                        h3 { "Months" }
                        ul { @for c in &facets.months { li { a href=(with("from", &c.value)) { (c.value) } " " span.muted { (c.count) } } } }
                    }
                }
                section {
                    p.meta {
                        (plural(results.total, "article"))
                        @if results.total > crate::search::FACET_HITS as u64 {
                            " · the counts beside are over the best " (crate::search::FACET_HITS)
                        }
                    }
                    (article_list(&results.hits, &words))
                    (pager("/search", &pairs, results.total, limit, offset))
                }
            }
        },
    ))
}

pub(crate) async fn not_found(uri: axum::http::Uri) -> PageError {
    PageError(ServerError::NotFound(format!("page {}", uri.path())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_strings_encode_values_and_skip_empty_ones() {
        assert_eq!(
            query_string(&[
                ("q", Some("a&b c".into())),
                ("x", None),
                ("y", Some(" ".into()))
            ]),
            "?q=a%26b%20c"
        );
    }

    #[test]
    fn the_event_form_keeps_filters_it_has_no_field_for() {
        let pairs = [
            ("entity", Some("e-12".to_string())),
            ("root", Some("19".to_string())),
            ("modality", Some("asserted".to_string())),
            ("limit", None),
        ];
        let form = event_form("/events", &pairs, true).into_string();
        assert!(
            form.contains(r#"type="hidden" name="entity" value="e-12""#),
            "{form}"
        );
        assert!(
            form.contains(r#"type="hidden" name="root" value="19""#),
            "{form}"
        );
        assert!(!form.contains(r#"name="limit""#), "{form}");
        assert!(!form.contains(r#"type="hidden" name="modality""#), "{form}");
    }

    #[test]
    fn a_missing_corpus_page_says_how_to_add_articles() {
        let page = empty_corpus("There is no corpus in /tmp/x yet.").0;
        assert!(page.contains("chancery ingest --data DIR"), "{page}");
        assert!(page.contains("chancery demo"), "{page}");
    }

    #[test]
    fn counts_read_as_english() {
        assert_eq!(plural(1, "article"), "1 article");
        assert_eq!(plural(3, "article"), "3 articles");
        assert_eq!(plural(2, "copy"), "2 copies");
        assert_eq!(plural(1, "near-duplicate"), "1 near-duplicate");
        assert_eq!(plural(2, "entity"), "2 entities");
    }

    #[test]
    fn a_page_error_has_its_status() {
        let response = PageError(ServerError::NotFound("article 9".into())).into_response();
        assert_eq!(response.status(), axum::http::StatusCode::NOT_FOUND);
    }
}
