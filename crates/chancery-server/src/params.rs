//! Request parameters, validated in one place.
//!
//! Every query-string and path parameter of every route is read by the
//! [`Params`] and [`PathParams`] extractors, which accept a type only if it
//! says which parameters it takes and what each accepts ([`Validated`]).
//! A handler therefore cannot take a parameter without validating it: an
//! unknown name, a parameter given twice, or a value its [`Kind`] refuses
//! is a `bad_request` naming the parameter and what it accepts, before any
//! query runs. Country and actor codes must be ones chancery knows
//! ([`crate::codes`]), not merely three letters. Values that pass are
//! normalized (country and actor codes upper-cased and in ISO spelling, a
//! CAMEO root written with two digits) and then
//! deserialized into the handler's type. An empty value (`from=`, as a web
//! form sends for an empty field) is the same as leaving the parameter out.
//!
//! The OpenAPI document states the same rules; a unit test checks that it
//! lists, for every route, exactly these parameters with these schemas.

use std::fmt::Write as _;

use axum::extract::{FromRequestParts, RawPathParams};
use axum::http::request::Parts;
use chancery_store::{
    ArticleFilter, BoundingBox, EntityFilter, EventFilter, PlaceFilter, QuoteFilter, SearchQuery,
    MAX_LIMIT,
};
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::{codes, svg, ServerError};

/// The longest part of a client's value an error message repeats.
pub(crate) const ECHO_CHARS: usize = 100;

/// The longest request target (path and query string) the server reads.
pub(crate) const MAX_URI_BYTES: usize = 8 * 1024;

/// The longest free-text value (a name, a source) in characters.
pub(crate) const MAX_TEXT: usize = 200;

/// The longest search query in characters.
pub(crate) const MAX_QUERY: usize = 500;

/// The largest `offset`.
pub(crate) const MAX_OFFSET: i64 = 1_000_000;

/// A client's value as an error message repeats it: quoted, and cut to
/// [`ECHO_CHARS`] characters so a long value does not come back whole.
pub(crate) fn echo(value: &str) -> String {
    match value.char_indices().nth(ECHO_CHARS) {
        Some((end, _)) => format!("{:?}… ({} bytes)", &value[..end], value.len()),
        None => format!("{value:?}"),
    }
}

/// What a parameter accepts.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Kind {
    /// A calendar date or its prefix: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
    Date,
    /// One of these words.
    OneOf(&'static [&'static str]),
    /// A whole number in this range.
    Int { min: i64, max: i64 },
    /// `true` or `false`.
    Bool,
    /// A CAMEO actor code or its prefix built from codes chancery knows:
    /// a [`Kind::Lead`] and up to four role or group parts (`IRN`,
    /// `IRNGOV`, `IGOUNOHCR`).
    ActorCode,
    /// The ISO 3166-1 alpha-3 code of a country of the knowledge base
    /// (`IRN`), or CAMEO's spelling of one (`ROM`).
    Country,
    /// What an actor code starts with: a [`Kind::Country`], one of CAMEO's
    /// international codes (`IGO`) or, for an actor of no known country,
    /// a role (`REB`).
    Lead,
    /// Two [`Kind::Lead`] codes separated by a comma (`IRN,RUS`).
    Countries,
    /// A CAMEO event code or its prefix: a root `01` to `20` and up to two
    /// more digits (`04`, `042`, `0421`).
    EventCode,
    /// A CAMEO root, 1 to 20 (`4` or `04`).
    Root,
    /// Any text up to this many characters.
    Text { max: usize },
    /// A bounding box `west,south,east,north` in degrees ([`BoundingBox`]):
    /// longitudes −180 to 180, latitudes −90 to 90, south not north of
    /// north; west east of east is a box across the antimeridian.
    BBox,
}

/// Event modalities, as the store writes them.
pub(crate) const MODALITIES: &[&str] =
    &["asserted", "planned", "reported", "negated", "hypothetical"];
/// Entity kinds.
pub(crate) const ENTITY_KINDS: &[&str] = &["person", "organization", "country", "place", "group"];
/// Quote kinds.
pub(crate) const QUOTE_KINDS: &[&str] = &["direct", "partial", "indirect"];
/// Levels of the actor network.
pub(crate) const NETWORK_LEVELS: &[&str] = &["country", "actor"];
/// Output formats of the lists that have coordinates.
pub(crate) const FORMATS: &[&str] = &["json", "geojson"];

/// An article id (the store numbers articles from 1).
pub(crate) const ID: Kind = Kind::Int {
    min: 1,
    max: i64::MAX,
};
/// A story id: stories are numbered from 0, as `chancery stories` shows
/// them, so story 0 is as real as any other.
pub(crate) const STORY_ID: Kind = Kind::Int {
    min: 0,
    max: i64::MAX,
};
/// A page size: at most the store's cap.
pub(crate) const LIMIT: Kind = Kind::Int {
    min: 1,
    max: MAX_LIMIT as i64,
};
/// Rows to skip.
pub(crate) const OFFSET: Kind = Kind::Int {
    min: 0,
    max: MAX_OFFSET,
};

impl Kind {
    /// Checks a non-empty value: the normalized value, or what is accepted.
    pub(crate) fn check(self, value: &str) -> Result<Value, String> {
        let refuse = |accepts: String| Err(format!("{} is not {accepts}", echo(value)));
        match self {
            Kind::Date => {
                if is_date(value) {
                    Ok(Value::String(value.into()))
                } else {
                    refuse("a date; use YYYY, YYYY-MM or YYYY-MM-DD (2026-09-01)".into())
                }
            }
            Kind::OneOf(words) => {
                if words.contains(&value) {
                    Ok(Value::String(value.into()))
                } else {
                    refuse(format!("one of {}", words.join(", ")))
                }
            }
            Kind::Int { min, max } => {
                let digits = value.strip_prefix('-').unwrap_or(value);
                let number = (!digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()))
                    .then(|| value.parse::<i64>().ok())
                    .flatten()
                    .filter(|n| (min..=max).contains(n));
                match number {
                    Some(n) => Ok(Value::from(n)),
                    None if max == i64::MAX => refuse(format!("a whole number from {min}")),
                    None => refuse(format!("a whole number from {min} to {max}")),
                }
            }
            Kind::Bool => match value {
                "true" => Ok(Value::Bool(true)),
                "false" => Ok(Value::Bool(false)),
                _ => refuse("true or false".into()),
            },
            Kind::ActorCode => match codes::actor(value) {
                Some(code) => Ok(Value::String(code)),
                None => refuse(format!(
                    "a CAMEO actor code chancery knows: a country (IRN), an international code \
                     (IGO, NGO) or a role (REB), then up to four roles or groups such as GOV, \
                     MIL or UNO (IRNGOV, IGOUNOHCR; the rule: {})",
                    codes::POINTER
                )),
            },
            Kind::Country => match codes::country(value) {
                Some(code) => Ok(Value::String(code)),
                None => refuse(format!(
                    "a country chancery knows; use an ISO 3166-1 alpha-3 code such as IRN \
                     (the list: {})",
                    codes::POINTER
                )),
            },
            Kind::Lead => match codes::lead(value) {
                Some(code) => Ok(Value::String(code)),
                None => refuse(format!(
                    "a country (ISO alpha-3 such as IRN), one of CAMEO's international codes \
                     (IGO, NGO) or a role code (REB) (the list: {})",
                    codes::POINTER
                )),
            },
            Kind::Countries => match value
                .split_once(',')
                .and_then(|(a, b)| Some(format!("{},{}", codes::lead(a)?, codes::lead(b)?)))
            {
                Some(pair) => Ok(Value::String(pair)),
                None => refuse(format!(
                    "two country codes such as IRN,RUS (or CAMEO's international codes such \
                     as IGO; the list: {})",
                    codes::POINTER
                )),
            },
            Kind::EventCode => {
                let all_digits = value.bytes().all(|b| b.is_ascii_digit());
                if all_digits && (2..=4).contains(&value.len()) && root(&value[..2]).is_some() {
                    Ok(Value::String(value.into()))
                } else {
                    refuse(
                        "a CAMEO event code: a root 01 to 20 and up to two more digits (04, 042)"
                            .into(),
                    )
                }
            }
            Kind::Root => match root(value) {
                Some(root) => Ok(Value::String(format!("{root:02}"))),
                None => refuse("a CAMEO root from 1 to 20 (04 or 4)".into()),
            },
            Kind::BBox => match value.parse::<BoundingBox>() {
                Ok(_) => Ok(Value::String(value.into())),
                Err(why) => Err(format!("{} is not a bounding box: {why}", echo(value))),
            },
            Kind::Text { max } => {
                if value.chars().count() <= max {
                    Ok(Value::String(value.into()))
                } else {
                    Err(format!(
                        "{} is over {max} characters; send a shorter value",
                        echo(value)
                    ))
                }
            }
        }
    }

    /// The JSON schema of this kind, as the OpenAPI document states it.
    #[cfg(test)]
    pub(crate) fn schema(self) -> Value {
        use serde_json::json;
        match self {
            Kind::Date => json!({"type": "string", "format": "date",
                "pattern": "^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$"}),
            Kind::OneOf(words) => json!({"type": "string", "enum": words}),
            Kind::Int { min, max } if max == i64::MAX => {
                json!({"type": "integer", "format": "int64", "minimum": min})
            }
            Kind::Int { min, max } => json!({"type": "integer", "minimum": min, "maximum": max}),
            Kind::Bool => json!({"type": "boolean"}),
            Kind::ActorCode => codes::reference("ActorCode"),
            Kind::Country => codes::reference("Country"),
            Kind::Lead => codes::reference("Lead"),
            Kind::Countries => codes::reference("CountryPair"),
            Kind::EventCode => {
                json!({"type": "string", "pattern": "^(0[1-9]|1[0-9]|20)[0-9]{0,2}$"})
            }
            Kind::Root => json!({"type": "string", "pattern": "^(0?[1-9]|1[0-9]|20)$"}),
            Kind::Text { max } => json!({"type": "string", "maxLength": max}),
            Kind::BBox => json!({"type": "string", "format": "bbox", "pattern": BBOX_PATTERN}),
        }
    }
}

/// What a bounding box looks like: four decimals (an optional minus, no
/// exponent), longitudes to 180 and latitudes to 90 in absolute value,
/// spaces allowed around each. South not north of north is the one rule
/// a pattern cannot state (the document's `format: bbox` says it).
#[cfg(test)]
const BBOX_PATTERN: &str = concat!(
    "^ *-?0*(180(\\.0+)?|(1[0-7][0-9]|[1-9]?[0-9])(\\.[0-9]+)?) *,",
    " *-?0*(90(\\.0+)?|[1-8]?[0-9](\\.[0-9]+)?) *,",
    " *-?0*(180(\\.0+)?|(1[0-7][0-9]|[1-9]?[0-9])(\\.[0-9]+)?) *,",
    " *-?0*(90(\\.0+)?|[1-8]?[0-9](\\.[0-9]+)?) *$"
);

/// A CAMEO root 1 to 20 written with one or two digits.
fn root(value: &str) -> Option<u8> {
    if value.is_empty() || value.len() > 2 || !value.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    value.parse().ok().filter(|n| (1..=20).contains(n))
}

/// `YYYY`, `YYYY-MM` or `YYYY-MM-DD` naming a real month and day: the
/// written date is the one its day number reads back as.
fn is_date(value: &str) -> bool {
    let digits =
        |part: &str, len: usize| part.len() == len && part.bytes().all(|b| b.is_ascii_digit());
    let parts: Vec<&str> = value.split('-').collect();
    let shaped = match parts.as_slice() {
        [y] => digits(y, 4),
        [y, m] => digits(y, 4) && digits(m, 2),
        [y, m, d] => digits(y, 4) && digits(m, 2) && digits(d, 2),
        _ => false,
    };
    let Some(day) = shaped.then(|| svg::day_number(value)).flatten() else {
        return false;
    };
    let (y, m, d) = svg::civil(day);
    let written = format!("{y:04}-{m:02}-{d:02}");
    written.starts_with(value)
}

/// A parameter: its name and what it accepts.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Param {
    /// The name in the query string or the route.
    pub name: &'static str,
    /// What it accepts.
    pub kind: Kind,
}

const fn p(name: &'static str, kind: Kind) -> Param {
    Param { name, kind }
}

/// A type read from parameters: the parameters it takes.
pub(crate) trait Validated: DeserializeOwned {
    /// Every parameter it accepts, with what each accepts.
    const PARAMS: &'static [Param];
}

impl Validated for ArticleFilter {
    const PARAMS: &'static [Param] = &[
        p("entity", Kind::Text { max: MAX_TEXT }),
        p("country", Kind::Country),
        p("source", Kind::Text { max: MAX_TEXT }),
        p("external_id", Kind::Text { max: MAX_TEXT }),
        p("story", STORY_ID),
        p("from", Kind::Date),
        p("to", Kind::Date),
        p("include_duplicates", Kind::Bool),
        p("include_stubs", Kind::Bool),
        p("limit", LIMIT),
        p("offset", OFFSET),
    ];
}

impl Validated for EntityFilter {
    const PARAMS: &'static [Param] = &[
        p("q", Kind::Text { max: MAX_TEXT }),
        p("kind", Kind::OneOf(ENTITY_KINDS)),
        p("country", Kind::Country),
        p("limit", LIMIT),
        p("offset", OFFSET),
    ];
}

/// The event filters other than the country pair, which a dyad takes from
/// its path.
const EVENT_PARAMS: [Param; 17] = [
    p("actor", Kind::ActorCode),
    p("source", Kind::ActorCode),
    p("target", Kind::ActorCode),
    p("entity", Kind::Text { max: MAX_TEXT }),
    p("code", Kind::EventCode),
    p("root", Kind::Root),
    p("quad_class", Kind::Int { min: 1, max: 4 }),
    p("modality", Kind::OneOf(MODALITIES)),
    p("from", Kind::Date),
    p("to", Kind::Date),
    p("article", ID),
    p("story", STORY_ID),
    p("bbox", Kind::BBox),
    p("country", Kind::Country),
    p("located", Kind::Bool),
    p("limit", LIMIT),
    p("offset", OFFSET),
];

/// `first` followed by `rest`, in an array of the length the caller names
/// (one more than `rest`'s).
const fn prepend<const N: usize, const M: usize>(first: Param, rest: [Param; N]) -> [Param; M] {
    assert!(M == N + 1);
    let mut all = [first; M];
    let mut i = 0;
    while i < N {
        all[i + 1] = rest[i];
        i += 1;
    }
    all
}

const ALL_EVENT_PARAMS: [Param; 18] = prepend(p("countries", Kind::Countries), EVENT_PARAMS);

impl Validated for EventFilter {
    const PARAMS: &'static [Param] = &ALL_EVENT_PARAMS;
}

const PLACE_PARAMS: [Param; 5] = [
    p("bbox", Kind::BBox),
    p("country", Kind::Country),
    p("q", Kind::Text { max: MAX_TEXT }),
    p("limit", LIMIT),
    p("offset", OFFSET),
];

impl Validated for PlaceFilter {
    const PARAMS: &'static [Param] = &PLACE_PARAMS;
}

/// How a list is written: JSON, or a GeoJSON FeatureCollection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum Format {
    /// The list as JSON (the default).
    #[default]
    Json,
    /// RFC 7946 GeoJSON.
    GeoJson,
}

/// A list's filter and the `format` to write it in.
#[derive(Debug)]
pub(crate) struct Formatted<T> {
    pub filter: T,
    pub format: Format,
}

impl<'de, T: DeserializeOwned> serde::Deserialize<'de> for Formatted<T> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        let mut map = Map::<String, Value>::deserialize(deserializer)?;
        let format = match map.remove("format") {
            None => Format::Json,
            Some(Value::String(f)) if f == "json" => Format::Json,
            Some(Value::String(f)) if f == "geojson" => Format::GeoJson,
            Some(other) => return Err(D::Error::custom(format!("unknown format {other}"))),
        };
        let filter = T::deserialize(Value::Object(map)).map_err(D::Error::custom)?;
        Ok(Formatted { filter, format })
    }
}

const FORMAT: Param = p("format", Kind::OneOf(FORMATS));
const FORMATTED_EVENT_PARAMS: [Param; 19] = prepend(FORMAT, ALL_EVENT_PARAMS);
const FORMATTED_PLACE_PARAMS: [Param; 6] = prepend(FORMAT, PLACE_PARAMS);

impl Validated for Formatted<EventFilter> {
    const PARAMS: &'static [Param] = &FORMATTED_EVENT_PARAMS;
}

impl Validated for Formatted<PlaceFilter> {
    const PARAMS: &'static [Param] = &FORMATTED_PLACE_PARAMS;
}

/// The filters of a dyad's events: an [`EventFilter`] without `countries`.
#[derive(Debug, serde::Deserialize)]
#[serde(transparent)]
pub(crate) struct DyadFilter(pub EventFilter);

impl Validated for DyadFilter {
    const PARAMS: &'static [Param] = &EVENT_PARAMS;
}

impl Validated for QuoteFilter {
    const PARAMS: &'static [Param] = &[
        p("speaker", Kind::Text { max: MAX_TEXT }),
        p("article", ID),
        p("q", Kind::Text { max: MAX_TEXT }),
        p("kind", Kind::OneOf(QUOTE_KINDS)),
        p("limit", LIMIT),
        p("offset", OFFSET),
    ];
}

impl Validated for SearchQuery {
    const PARAMS: &'static [Param] = &[
        p("q", Kind::Text { max: MAX_QUERY }),
        p("country", Kind::Country),
        p("entity", Kind::Text { max: MAX_TEXT }),
        p("root", Kind::Root),
        p("source", Kind::Text { max: MAX_TEXT }),
        p("from", Kind::Date),
        p("to", Kind::Date),
        p("limit", LIMIT),
        p("offset", OFFSET),
    ];
}

/// No parameters.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct NoParams {}

impl Validated for NoParams {
    const PARAMS: &'static [Param] = &[];
}

/// A page size alone, 1 to [`MAX_LIMIT`].
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct Limit {
    pub limit: Option<u32>,
}

impl Validated for Limit {
    const PARAMS: &'static [Param] = &[p("limit", LIMIT)];
}

/// Page parameters alone.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct Paging {
    pub limit: Option<u32>,
    pub offset: Option<u32>,
}

impl Validated for Paging {
    const PARAMS: &'static [Param] = &[p("limit", LIMIT), p("offset", OFFSET)];
}

/// Parameters of the actor network.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct NetworkParams {
    /// `country` (default: actor codes cut to their first three letters) or
    /// `actor` (whole codes).
    pub level: Option<String>,
    /// Most nodes shown.
    pub limit: Option<u32>,
    /// Event date on or after.
    pub from: Option<String>,
    /// Event date on or before.
    pub to: Option<String>,
}

impl Validated for NetworkParams {
    const PARAMS: &'static [Param] = &[
        p("level", Kind::OneOf(NETWORK_LEVELS)),
        p("limit", Kind::Int { min: 2, max: 200 }),
        p("from", Kind::Date),
        p("to", Kind::Date),
    ];
}

/// Path parameters by name: the same name means the same thing in every
/// route.
pub(crate) const PATH_PARAMS: &[Param] = &[
    p("id", ID),
    p("story", STORY_ID),
    p("name", Kind::Text { max: MAX_TEXT }),
    p("a", Kind::Lead),
    p("b", Kind::Lead),
];

/// Validated query-string parameters.
pub(crate) struct Params<T>(pub T);

impl<S: Send + Sync, T: Validated> FromRequestParts<S> for Params<T> {
    type Rejection = ServerError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ServerError> {
        let query = parts.uri.query().unwrap_or("");
        let pairs = split_query(query)?;
        read_params(
            T::PARAMS,
            pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())),
        )
        .map(Params)
    }
}

/// Validated path parameters: `i64` for one id, `String` for one name, a
/// tuple for several, checked by name against [`PATH_PARAMS`].
pub(crate) struct PathParams<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for PathParams<T> {
    type Rejection = ServerError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ServerError> {
        let raw = RawPathParams::from_request_parts(parts, state)
            .await
            .map_err(|rejection| ServerError::BadRequest(rejection.body_text()))?;
        let mut values = Vec::new();
        for (name, value) in &raw {
            let Some(param) = PATH_PARAMS.iter().find(|p| p.name == name) else {
                return Err(ServerError::Internal(format!(
                    "the path parameter {name} has no rule"
                )));
            };
            if value.is_empty() {
                return Err(ServerError::BadRequest(format!(
                    "the path is missing its {name}"
                )));
            }
            let value = param.kind.check(value).map_err(|why| {
                ServerError::BadRequest(format!("path parameter `{name}`: {why}"))
            })?;
            values.push(value);
        }
        let value = if values.len() == 1 {
            values.remove(0)
        } else {
            Value::Array(values)
        };
        serde_json::from_value(value).map(PathParams).map_err(|e| {
            ServerError::Internal(format!("a validated path did not deserialize: {e}"))
        })
    }
}

/// Checks name–value pairs against `params` and builds `T` from them.
/// Unknown and repeated names are refused; empty values are left out.
pub(crate) fn read_params<'a, T: DeserializeOwned>(
    params: &[Param],
    pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> Result<T, ServerError> {
    let mut map = Map::new();
    let mut seen: Vec<&str> = Vec::new();
    for (name, value) in pairs {
        let Some(param) = params.iter().find(|p| p.name == name) else {
            return Err(ServerError::BadRequest(unknown(name, params)));
        };
        if seen.contains(&name) {
            return Err(ServerError::BadRequest(format!(
                "parameter `{name}` is given twice; give it once"
            )));
        }
        seen.push(name);
        if value.is_empty() {
            continue;
        }
        let value = param
            .kind
            .check(value)
            .map_err(|why| ServerError::BadRequest(format!("parameter `{name}`: {why}")))?;
        map.insert(name.to_string(), value);
    }
    if let (Some(Value::String(from)), Some(Value::String(to))) = (map.get("from"), map.get("to")) {
        if !is_range(from, to) {
            return Err(ServerError::BadRequest(format!(
                "parameter `from`: {} is after `to` {}; give a from on or before to",
                echo(from),
                echo(to)
            )));
        }
    }
    serde_json::from_value(Value::Object(map)).map_err(|e| {
        ServerError::Internal(format!("validated parameters did not deserialize: {e}"))
    })
}

/// Whether dates (or their prefixes) `from` and `to` leave any day
/// between them: `from`'s first day is on or before `to`'s last. Fixed
/// width fields compare as text, so the prefixes of the shorter length
/// tell (`2026-09` to `2026` is September to December; `2027` to
/// `2026-12` is nothing).
fn is_range(from: &str, to: &str) -> bool {
    let n = from.len().min(to.len());
    from[..n] <= to[..n]
}

fn unknown(name: &str, params: &[Param]) -> String {
    let mut message = format!("unknown parameter {}; ", echo(name));
    if params.is_empty() {
        message.push_str("this route takes none");
    } else {
        message.push_str("this route takes ");
        for (i, param) in params.iter().enumerate() {
            let _ = write!(message, "{}{}", if i == 0 { "" } else { ", " }, param.name);
        }
    }
    message.push_str(" (see /api/openapi.json)");
    message
}

/// Splits a query string into decoded name–value pairs (`+` is a space,
/// `%XX` a byte; a `%` not followed by two hex digits stays as it is).
pub(crate) fn split_query(query: &str) -> Result<Vec<(String, String)>, ServerError> {
    query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            let name = decode(name).ok_or_else(|| {
                ServerError::BadRequest("a parameter name is not UTF-8 once decoded".into())
            })?;
            let value = decode(value).ok_or_else(|| {
                ServerError::BadRequest(format!(
                    "parameter {}: the value is not UTF-8 once decoded",
                    echo(&name)
                ))
            })?;
            Ok((name, value))
        })
        .collect()
}

fn decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                (Some(high), Some(low)) => {
                    out.push(high * 16 + low);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            byte => out.push(byte),
        }
        i += 1;
    }
    String::from_utf8(out).ok()
}

fn hex(byte: u8) -> Option<u8> {
    (byte as char).to_digit(16).map(|d| d as u8)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read<T: Validated>(query: &str) -> Result<T, String> {
        let pairs = split_query(query).map_err(|e| e.to_string())?;
        read_params(
            T::PARAMS,
            pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())),
        )
        .map_err(|e| e.to_string())
    }

    #[test]
    fn dates_are_real_calendar_dates_or_their_prefixes() {
        for good in ["2026", "2026-09", "2026-09-30", "2024-02-29", "2000-02-29"] {
            assert!(is_date(good), "{good}");
        }
        for bad in [
            "notadate",
            "2026-13-45",
            "2026-13",
            "2026-00",
            "2026-02-29",
            "1900-02-29",
            "2026-09-31",
            "2026-9-1",
            "26",
            "2026-09-01T00:00",
            "-2026",
            "2026--01",
        ] {
            assert!(!is_date(bad), "{bad}");
        }
    }

    #[test]
    fn bad_values_name_the_parameter_and_what_it_accepts() {
        let cases = [
            ("from=notadate", "`from`", "YYYY-MM-DD"),
            ("from=2026-13-45", "`from`", "YYYY-MM-DD"),
            ("modality=maybe", "`modality`", "asserted, planned"),
            ("quad_class=9", "`quad_class`", "from 1 to 4"),
            ("root=99", "`root`", "1 to 20"),
            ("limit=100000", "`limit`", "from 1 to 500"),
            ("limit=0", "`limit`", "from 1 to 500"),
            ("offset=-1", "`offset`", "from 0"),
            ("actor=IR", "`actor`", "CAMEO actor code"),
            ("actor=ZZZ", "`actor`", "CAMEO actor code chancery knows"),
            (
                "source=IRNXXX",
                "`source`",
                "CAMEO actor code chancery knows",
            ),
            ("target=XXXGOV", "`target`", "components.schemas"),
            ("countries=IRN", "`countries`", "IRN,RUS"),
            ("countries=XXX,YYY", "`countries`", "IRN,RUS"),
            ("countries=IRN,XXX", "`countries`", "components.schemas"),
            ("code=99", "`code`", "CAMEO event code"),
            ("story=abc", "`story`", "whole number from 0"),
            ("story=-1", "`story`", "whole number from 0"),
            ("article=0", "`article`", "whole number from 1"),
            ("bogus=1", "\"bogus\"", "countries, actor"),
            ("limit=5&limit=6", "`limit`", "twice"),
            ("from=2000&to=0000", "`from`", "on or before to"),
            ("from=2026-09-15&to=2026-09-01", "`from`", "after `to`"),
            ("to=2026-12&from=2027", "`from`", "after `to`"),
            ("bbox=1,2,3", "`bbox`", "got 3 parts"),
            ("bbox=1,2,3,4,5", "`bbox`", "west,south,east,north"),
            ("bbox=a,2,3,4", "`bbox`", "west \"a\" is not a number"),
            (
                "bbox=1,-95,3,4",
                "`bbox`",
                "south -95 is not a latitude from -90 to 90",
            ),
            ("bbox=1,2,3,91", "`bbox`", "north 91 is not a latitude"),
            ("bbox=-181,2,3,4", "`bbox`", "west -181 is not a longitude"),
            ("bbox=1,50,3,40", "`bbox`", "south 50 is north of north 40"),
            ("country=XXX", "`country`", "alpha-3"),
            ("located=maybe", "`located`", "true or false"),
        ];
        for (query, names, accepts) in cases {
            let err = read::<EventFilter>(query).unwrap_err();
            assert!(
                err.contains(names) && err.contains(accepts),
                "{query}: {err}"
            );
        }
        let err = read::<ArticleFilter>("include_stubs=yes").unwrap_err();
        assert!(err.contains("true or false"), "{err}");
        for err in [
            read::<ArticleFilter>("country=XXX").unwrap_err(),
            read::<EntityFilter>("country=XXX").unwrap_err(),
            read::<SearchQuery>("country=XXX").unwrap_err(),
        ] {
            assert!(
                err.contains("`country`") && err.contains("alpha-3") && err.len() < 300,
                "{err}"
            );
        }
    }

    #[test]
    fn a_date_range_leaves_a_day() {
        for (from, to) in [
            ("2026", "2026"),
            ("2026-09", "2026"),
            ("2026", "2026-01-01"),
            ("2026-12", "2026-12-05"),
            ("2026-09-01", "2026-09-01"),
        ] {
            assert!(is_range(from, to), "{from}..{to}");
        }
        for (from, to) in [
            ("2027", "2026-12"),
            ("2026-09-02", "2026-09-01"),
            ("2000", "0000"),
        ] {
            assert!(!is_range(from, to), "{from}..{to}");
        }
        assert!(read::<NetworkParams>("from=2026&to=2025").is_err());
        assert!(read::<SearchQuery>("from=2026-10&to=2026-09-30").is_err());
    }

    #[test]
    fn good_values_are_normalized() {
        let filter: EventFilter =
            read("actor=irngov&root=4&countries=irn,rus&quad_class=4&from=2026-09&modality=planned&limit=500&source=ROMGOV")
                .unwrap();
        assert_eq!(filter.source.as_deref(), Some("ROUGOV"));
        assert_eq!(filter.actor.as_deref(), Some("IRNGOV"));
        assert_eq!(filter.root.as_deref(), Some("04"));
        assert_eq!(
            filter.countries,
            Some(chancery_store::CountryPair("IRN".into(), "RUS".into()))
        );
        assert_eq!((filter.quad_class, filter.limit), (Some(4), Some(500)));
        let empty: EventFilter = read("actor=&from=&limit=").unwrap();
        assert_eq!(empty, EventFilter::default());
        let located: EventFilter = read("bbox=170,-50,-170,-30&country=rom").unwrap();
        assert_eq!(located.country.as_deref(), Some("ROU"));
        assert!(located.bbox.unwrap().crosses_antimeridian());
        let places: Formatted<PlaceFilter> = read("format=geojson&q=Ank&country=TUR").unwrap();
        assert_eq!(places.format, Format::GeoJson);
        assert_eq!(places.filter.q.as_deref(), Some("Ank"));
        let events: Formatted<EventFilter> = read("root=19").unwrap();
        assert_eq!(events.format, Format::Json);
        let err = read::<Formatted<EventFilter>>("format=kml").unwrap_err();
        assert!(
            err.contains("`format`") && err.contains("json, geojson"),
            "{err}"
        );
        let err = read::<EventFilter>("format=geojson").unwrap_err();
        assert!(err.contains("unknown parameter"), "{err}");
        let search: SearchQuery = read("q=%22prime+minister%22+budget&root=14").unwrap();
        assert_eq!(search.q, "\"prime minister\" budget");
    }

    #[test]
    fn echoed_values_are_cut() {
        let long = "x".repeat(5000);
        let err = read::<EntityFilter>(&format!("q={long}")).unwrap_err();
        assert!(err.len() < 400, "{err}");
        let err = read::<EntityFilter>(&format!("{long}=1")).unwrap_err();
        assert!(err.len() < 400, "{err}");
        assert_eq!(echo("abc"), "\"abc\"");
    }

    #[test]
    fn every_rule_deserializes_into_its_type() {
        // A valid value for every parameter, so that a rule that disagrees
        // with the type it feeds is found here, not by a client.
        fn sample(kind: Kind) -> &'static str {
            match kind {
                Kind::Date => "2026-09-01",
                Kind::OneOf(words) => words[0],
                Kind::Int { .. } => "2",
                Kind::Bool => "true",
                Kind::ActorCode => "IRNGOV",
                Kind::Country => "IRN",
                Kind::Lead => "IGO",
                Kind::Countries => "IRN,RUS",
                Kind::EventCode => "042",
                Kind::Root => "04",
                Kind::Text { .. } => "text",
                Kind::BBox => "26,36,45,42",
            }
        }
        fn all<T: Validated>() {
            let query: Vec<String> = T::PARAMS
                .iter()
                .map(|p| format!("{}={}", p.name, sample(p.kind)))
                .collect();
            if let Err(err) = read::<T>(&query.join("&")) {
                panic!("{}: {err}", std::any::type_name::<T>());
            }
        }
        all::<ArticleFilter>();
        all::<EntityFilter>();
        all::<EventFilter>();
        all::<DyadFilter>();
        all::<QuoteFilter>();
        all::<SearchQuery>();
        all::<NoParams>();
        all::<Limit>();
        all::<Paging>();
        all::<NetworkParams>();
        all::<PlaceFilter>();
        all::<Formatted<EventFilter>>();
        all::<Formatted<PlaceFilter>>();
    }

    #[test]
    fn percent_decoding_keeps_stray_percent_signs() {
        assert_eq!(decode("a%20b+c").as_deref(), Some("a b c"));
        assert_eq!(decode("100%").as_deref(), Some("100%"));
        assert_eq!(decode("%zz").as_deref(), Some("%zz"));
        assert_eq!(decode("%ff"), None);
    }

    /// The parameters of every API route, as its handler reads them.
    const ROUTES: &[(&str, &[Param])] = &[
        ("/api/openapi.json", NoParams::PARAMS),
        ("/api/stats", NoParams::PARAMS),
        ("/api/articles", ArticleFilter::PARAMS),
        ("/api/articles/{id}", NoParams::PARAMS),
        ("/api/articles/{id}/similar", Limit::PARAMS),
        ("/api/stories", Paging::PARAMS),
        ("/api/stories/{story}", Limit::PARAMS),
        ("/api/entities", EntityFilter::PARAMS),
        ("/api/entities/{name}", Limit::PARAMS),
        ("/api/entities/{name}/cooccurring", Limit::PARAMS),
        ("/api/events", Formatted::<EventFilter>::PARAMS),
        ("/api/places", Formatted::<PlaceFilter>::PARAMS),
        ("/api/events/mix", EventFilter::PARAMS),
        ("/api/dyads/{a}/{b}", DyadFilter::PARAMS),
        ("/api/actors", Limit::PARAMS),
        ("/api/network", NetworkParams::PARAMS),
        ("/api/quotes", QuoteFilter::PARAMS),
        ("/api/search", SearchQuery::PARAMS),
        ("/api/analyze", NoParams::PARAMS),
        ("/api/ingest", NoParams::PARAMS),
    ];

    #[test]
    fn the_openapi_document_states_every_rule() {
        let spec: Value = serde_json::from_str(crate::api::OPENAPI).unwrap();
        let mut checked = 0;
        for (path, item) in spec["paths"].as_object().unwrap() {
            let (_, rules) = ROUTES
                .iter()
                .find(|(route, _)| route == path)
                .unwrap_or_else(|| panic!("{path} has no rules here"));
            for (method, operation) in item.as_object().unwrap() {
                let mut documented: Vec<&str> = Vec::new();
                for parameter in operation["parameters"].as_array().into_iter().flatten() {
                    let name = parameter["name"].as_str().unwrap();
                    let rule = if parameter["in"] == "path" {
                        PATH_PARAMS.iter().find(|p| p.name == name)
                    } else {
                        documented.push(name);
                        rules.iter().find(|p| p.name == name)
                    };
                    let rule =
                        rule.unwrap_or_else(|| panic!("{method} {path}: {name} has no rule"));
                    assert_eq!(
                        parameter["schema"],
                        rule.kind.schema(),
                        "{method} {path}: {name}"
                    );
                    checked += 1;
                }
                let mut names: Vec<&str> = rules.iter().map(|p| p.name).collect();
                names.sort_unstable();
                documented.sort_unstable();
                assert_eq!(documented, names, "{method} {path}");
                assert!(
                    operation["responses"]["400"].is_object(),
                    "{method} {path} does not document its 400"
                );
            }
        }
        assert!(checked > 90, "{checked}");
        for (name, schema) in codes::schemas().as_object().unwrap() {
            assert_eq!(&spec["components"]["schemas"][name], schema, "{name}");
        }
    }
}
