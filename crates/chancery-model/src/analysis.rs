use serde::{Deserialize, Serialize};

use crate::{Article, DatePrecision, Span};

/// The version of the JSON contract documented in `docs/SCHEMA.md`.
pub const SCHEMA_VERSION: u32 = 4;

/// chancery's output for one article: the article itself (flattened into the
/// same JSON object) and everything analysis found in it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Analysis {
    /// Always [`SCHEMA_VERSION`] for output of this build.
    pub schema_version: u32,
    /// The version of chancery that produced this, for reproducible re-analysis.
    pub pipeline_version: String,
    /// The clean article.
    #[serde(flatten)]
    pub article: Article,
    /// Sentence spans over the body.
    pub sentences: Vec<Span>,
    /// People, organizations, countries, places and groups, merged per document.
    pub entities: Vec<Entity>,
    /// Quotes attributed to their speakers.
    pub quotes: Vec<Quote>,
    /// Coded events: what the article reports as news, each real-world
    /// occurrence once with all its mentions.
    pub events: Vec<Event>,
    /// Events the article tells only as background (in a relative clause
    /// about an actor, or long-past history): kept with their evidence but
    /// left out of counts, stores and exports.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub background_events: Vec<Event>,
    /// Extractive summary: spans of the most representative sentences.
    pub summary: Vec<Span>,
    /// Key points the article lists (its bulleted items), as spans.
    pub key_points: Vec<Span>,
    /// The tone of the body as GDELT measures it, with the word lists of the
    /// body's language; absent when the body has no words, and for analyses
    /// made before tone was computed.
    #[serde(default)]
    pub tone: Option<Tone>,
    /// The places the article names (its place and country entities, and
    /// places the gazetteer found), each resolved to a gazetteer feature
    /// with every mention. Absent before schema version 3.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub places: Vec<Place>,
    /// Where each event of `events` happened and where its actors are, by
    /// the event's index. Absent before schema version 3.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub event_places: Vec<EventPlaces>,
    /// Why the English-only analyses (entities, quotes, events) did not
    /// run on this article; absent when they ran.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub analysis_skipped: Option<SkipReason>,
    /// The language detected in the body (ISO 639-1) when analysis was
    /// skipped for it; it may differ from the page's declared `language`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detected_language: Option<String>,
    /// Blocks of an analysed article written in another language, left out
    /// of the English-only analyses (a German quotation box in an English
    /// report): nothing is found inside them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub skipped_blocks: Vec<SkippedBlock>,
}

/// Why analysis was skipped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SkipReason {
    /// The body is in a language the analyses were not built for (they read
    /// English only); extraction and metadata are kept.
    Language,
}

/// A block of text left out of analysis because of its language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SkippedBlock {
    /// Start byte in `text`.
    pub start: usize,
    /// End byte in `text` (exclusive).
    pub end: usize,
    /// ISO 639-1 code of the language detected in it, when known.
    pub language: Option<String>,
}

impl Analysis {
    /// An analysis that holds only the article: the starting point that the
    /// analysis stages fill.
    pub fn from_article(article: Article) -> Analysis {
        Analysis {
            schema_version: SCHEMA_VERSION,
            pipeline_version: env!("CARGO_PKG_VERSION").to_string(),
            article,
            sentences: Vec::new(),
            entities: Vec::new(),
            quotes: Vec::new(),
            events: Vec::new(),
            background_events: Vec::new(),
            summary: Vec::new(),
            key_points: Vec::new(),
            tone: None,
            places: Vec::new(),
            event_places: Vec::new(),
            analysis_skipped: None,
            detected_language: None,
            skipped_blocks: Vec::new(),
        }
    }
}

/// A place the article names, resolved to a gazetteer feature.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Place {
    /// Document-local id (`g1`, `g2`…), referenced by event places.
    pub id: String,
    /// The entity this place is (a city, a country), or the entity it
    /// stands for by metonymy ("Moscow denied": the Russian government).
    pub entity: Option<String>,
    /// Where it is.
    pub geo: Geo,
    /// Every mention that names it.
    pub mentions: Vec<PlaceMention>,
}

/// One mention of a place.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlaceMention {
    /// Where it is.
    #[serde(flatten)]
    pub span: Span,
    /// The name stands for a government or people ("Washington said",
    /// "Turkish troops"), not for the place as a location.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub metonymy: bool,
}

/// A gazetteer feature: a country, a first-level division, a populated
/// place or a continent, with the codes GDELT's geography fields use.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Geo {
    /// GeoNames id; absent for the first-level divisions outside the US,
    /// whose GeoNames ids the shipped gazetteer does not hold.
    pub geonames_id: Option<u64>,
    /// The gazetteer's name.
    pub name: String,
    /// "City, ADM1, Country", as GDELT writes full names.
    pub full_name: String,
    /// GeoNames feature class: `A` country or division, `P` populated
    /// place, `L` continent.
    pub feature_class: String,
    /// GeoNames feature code (`PCLI`, `ADM1`, `PPLC`, `PPL`, `CONT`).
    pub feature_code: String,
    /// Latitude, WGS84 degrees.
    pub lat: f64,
    /// Longitude, WGS84 degrees.
    pub lon: f64,
    /// ISO 3166-1 alpha-3 code of the country it is in.
    pub country: Option<String>,
    /// FIPS 10-4 code of that country, as GDELT writes countries.
    pub country_fips: Option<String>,
    /// The first-level division as GDELT codes it: FIPS country code
    /// followed by the GeoNames ADM1 code (`USIL`, `TU68`).
    pub adm1: Option<String>,
    /// The name of that division.
    pub adm1_name: Option<String>,
    /// GDELT geo type: 1 country, 2 US state, 3 US city, 4 world city,
    /// 5 world state (first-level division outside the US); 0 continent.
    pub geo_type: u8,
    /// GDELT's FeatureID: the GeoNames id of a place, the ADM1 code of a
    /// division, the FIPS code of a country.
    pub feature_id: String,
}

/// Where an event happened and where its actors are.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventPlaces {
    /// The index of the event in [`Analysis::events`].
    pub event: usize,
    /// Where it happened (GDELT's ActionGeo).
    pub action: Option<EventPlace>,
    /// Where its source actor is (Actor1Geo).
    pub source: Option<EventPlace>,
    /// Where its target actor is (Actor2Geo).
    pub target: Option<EventPlace>,
}

/// A place given to an event, with how it was found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventPlace {
    /// The id of the place in [`Analysis::places`].
    pub place: String,
    /// How it was found.
    pub basis: PlaceBasis,
}

/// How an event's place was found, from the most to the least direct.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PlaceBasis {
    /// A place in the trigger's clause ("clashes in Aleppo").
    Clause,
    /// The actor is the place, or a place the text ties to it.
    Actor,
    /// The article's dateline.
    Dateline,
    /// The actors' country: a fallback, the text placing it nowhere.
    ActorCountry,
}

/// A person, organization, country, place or group, as it appears in one article.
///
/// Serialized, it also carries `cameo_country`: the CAMEO spelling of
/// `country` (see [`cameo_country`]), derived, so both codes are in the
/// JSON and no stage has to keep them in step.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Entity {
    /// Document-local id (`e1`, `e2`…), referenced by quotes and events.
    pub id: String,
    /// The fullest name the article gives.
    pub name: String,
    /// What the entity is.
    pub kind: EntityKind,
    /// ISO 3166 alpha-3 code of the country it belongs to or is.
    pub country: Option<String>,
    /// CAMEO-style actor code: country plus sector (`IRNGOV`).
    pub actor_code: Option<String>,
    /// Other names used for it in the article.
    pub aliases: Vec<String>,
    /// Offices and titles, each with its evidence; conflicting roles are kept.
    pub roles: Vec<Role>,
    /// Every mention.
    pub mentions: Vec<Mention>,
}

/// Where CAMEO-coded event data (GDELT's included) spells a country
/// differently from ISO 3166-1 alpha-3: CAMEO kept the UN's three-letter
/// codes as they stood when it was fixed (Romania ROM, ISO ROU since 2002;
/// East Timor TMP, ISO TLS since 2002), and codes Kosovo, which has no ISO
/// code (user-assigned XKX), as KSV. Every other country's CAMEO code is its
/// ISO code. Facts, from the CAMEO codebook's country list.
pub const CAMEO_COUNTRIES: &[(&str, &str)] = &[("ROU", "ROM"), ("TLS", "TMP"), ("XKX", "KSV")];

/// The CAMEO country code of an ISO alpha-3 code (`ROU` → `ROM`; the same
/// code for every country where the two agree).
pub fn cameo_country(iso: &str) -> &str {
    CAMEO_COUNTRIES
        .iter()
        .find(|(i, _)| *i == iso)
        .map_or(iso, |(_, cameo)| cameo)
}

/// The ISO alpha-3 code of a CAMEO country code (`ROM` → `ROU`).
pub fn iso_country(cameo: &str) -> &str {
    CAMEO_COUNTRIES
        .iter()
        .find(|(_, c)| *c == cameo)
        .map_or(cameo, |(iso, _)| iso)
}

/// An [`Entity`] as the JSON contract writes it: its fields and the CAMEO
/// spelling of its country.
#[derive(Serialize)]
struct EntityJson<'a> {
    id: &'a str,
    name: &'a str,
    kind: EntityKind,
    country: Option<&'a str>,
    cameo_country: Option<&'a str>,
    actor_code: Option<&'a str>,
    aliases: &'a [String],
    roles: &'a [Role],
    mentions: &'a [Mention],
}

impl Serialize for Entity {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        // Destructured without `..`: a field added to `Entity` fails to
        // compile here until it is serialized too.
        let Entity {
            id,
            name,
            kind,
            country,
            actor_code,
            aliases,
            roles,
            mentions,
        } = self;
        EntityJson {
            id,
            name,
            kind: *kind,
            country: country.as_deref(),
            cameo_country: country.as_deref().map(cameo_country),
            actor_code: actor_code.as_deref(),
            aliases,
            roles,
            mentions,
        }
        .serialize(serializer)
    }
}

/// The kind of an entity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntityKind {
    /// A person.
    Person,
    /// A company, ministry, party, agency or other organization.
    Organization,
    /// A sovereign state or territory.
    Country,
    /// A city, region or other place.
    Place,
    /// A nationality or other group ("Iranian").
    Group,
}

/// A title held by a person, with the span that says so.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Role {
    /// The title as normalized ("Deputy Foreign Minister").
    pub title: String,
    /// ISO alpha-3 country or organization name the role is held for.
    pub of: Option<String>,
    /// The evidence.
    #[serde(flatten)]
    pub span: Span,
}

/// One mention of an entity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mention {
    /// Where it is.
    #[serde(flatten)]
    pub span: Span,
}

/// A quote attributed to a speaker.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Quote {
    /// The quoted content.
    #[serde(flatten)]
    pub span: Span,
    /// Direct, partial or indirect.
    pub kind: QuoteKind,
    /// The entity id of the speaker, when resolved.
    pub speaker: Option<String>,
    /// The text of the speaker mention the cue attaches to.
    pub speaker_text: Option<String>,
    /// Start of the speaker mention.
    pub speaker_start: Option<usize>,
    /// End of the speaker mention.
    pub speaker_end: Option<usize>,
    /// The reporting verb or phrase.
    pub cue: Option<Cue>,
    /// 0 to 1.
    pub confidence: f32,
}

/// The kind of a quote.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QuoteKind {
    /// Inside quotation marks.
    Direct,
    /// A quoted phrase inside reported speech.
    Partial,
    /// Reported speech without quotation marks.
    Indirect,
}

/// The cue of a quote ("said", "according to").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cue {
    /// Start byte.
    pub start: usize,
    /// End byte.
    pub end: usize,
    /// The cue's text.
    pub text: String,
}

/// A coded event: who did what to whom.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// CAMEO code, zero-padded (`042`).
    pub code: String,
    /// CAMEO root code (`04`).
    pub root: String,
    /// 1 verbal cooperation, 2 material cooperation, 3 verbal conflict, 4 material conflict.
    pub quad_class: u8,
    /// Goldstein scale value of the code.
    pub goldstein: f32,
    /// PLOVER event type and mode.
    pub plover: Option<Plover>,
    /// Who acted.
    pub source: Option<EventActor>,
    /// Who was acted upon.
    pub target: Option<EventActor>,
    /// Whether the event happened, is planned, reported, negated or hypothetical.
    pub modality: Modality,
    /// When, resolved against the publication date.
    pub date: Option<EventDate>,
    /// Where, when the sentence says.
    pub location: Option<String>,
    /// The predicate.
    pub trigger: Span,
    /// The sentence that is the evidence (the first telling).
    pub evidence: Span,
    /// Every sentence that tells this event, the first included.
    pub mentions: Vec<Span>,
    /// 0 to 1.
    pub confidence: f32,
    /// Told as background (see [`Analysis::background_events`]).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub background: bool,
    /// Who reports the event when the text attributes it ("X said Y will
    /// visit Z": X), as distinct from its source and target.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reported_by: Option<EventActor>,
}

/// PLOVER type and mode of an event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Plover {
    /// `CONSULT`, `AID`…
    #[serde(rename = "type")]
    pub event_type: String,
    /// `visit`, `phone`…
    pub mode: Option<String>,
}

/// A source or target actor of an event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventActor {
    /// CAMEO actor code.
    pub code: Option<String>,
    /// Entity id in this analysis.
    pub entity: Option<String>,
    /// The words that name the actor where the event is told ("the
    /// rebels", "Bonn"), for actors that are no entity and as evidence.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// The modality of an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Modality {
    /// Said to have happened.
    Asserted,
    /// Planned or intended.
    Planned,
    /// Reported by someone else.
    Reported,
    /// Said not to have happened.
    Negated,
    /// Conditional or hypothetical.
    Hypothetical,
}

/// A resolved event date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventDate {
    /// ISO 8601 value.
    pub value: String,
    /// How precise it is.
    pub precision: DatePrecision,
    /// The expression it was resolved from ("later this week").
    pub text: Option<String>,
}

/// The tone of a text as the GDELT Global Knowledge Graph defines it
/// (`V1.5TONE`): shares of the words, in percent, that a sentiment lexicon
/// scores positive or negative, that name activity, and that are personal
/// pronouns, each measured with the word lists of the text's language.
/// Each percentage is rounded to six decimals.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Tone {
    /// ISO 639-1 code of the language whose word lists measured the text;
    /// `None` when the language is not known (then only words are counted).
    /// Absent before schema version 4, when it was always English.
    #[serde(default)]
    pub language: Option<String>,
    /// The sentiment lexicon that scored the words (`vader`, `pattern-fr`…);
    /// `None` when there is none for the language, and then `tone`,
    /// `positive`, `negative` and `polarity` are `None` too.
    #[serde(default)]
    pub lexicon: Option<String>,
    /// `positive` minus `negative`: from -100 (every word negative) to
    /// +100 (every word positive).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tone: Option<f64>,
    /// The percentage of words with a positive connotation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub positive: Option<f64>,
    /// The percentage of words with a negative connotation (a positive number).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub negative: Option<f64>,
    /// The percentage of words with either connotation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub polarity: Option<f64>,
    /// Activity reference density: the percentage of words that name an
    /// action; 0 for a language with no list of action words (then
    /// `unmeasured` names `activity`).
    pub activity: f64,
    /// Self/group reference density: the percentage of words that are
    /// personal pronouns; 0 for a language with no pronoun list (then
    /// `unmeasured` names `self_group`).
    pub self_group: f64,
    /// The number of words.
    pub words: u32,
    /// The measures the language has no word list for: missing (sentiment)
    /// or written as 0 (activity, self/group references).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unmeasured: Vec<ToneMeasure>,
}

/// One of the measures of [`Tone`] that rests on a word list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ToneMeasure {
    /// Positive and negative words (`tone`, `positive`, `negative`, `polarity`).
    Sentiment,
    /// Action words (`activity`).
    Activity,
    /// Personal pronouns (`self_group`).
    SelfGroup,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entities_carry_both_country_codes() {
        let entity = Entity {
            id: "e1".into(),
            name: "Romania".into(),
            kind: EntityKind::Country,
            country: Some("ROU".into()),
            actor_code: Some("ROU".into()),
            aliases: vec![],
            roles: vec![],
            mentions: vec![],
        };
        let json = serde_json::to_value(&entity).unwrap();
        assert_eq!(
            (&json["country"], &json["cameo_country"]),
            (&"ROU".into(), &"ROM".into())
        );
        let back: Entity = serde_json::from_value(json).unwrap();
        assert_eq!(back, entity);
        assert_eq!(cameo_country("FRA"), "FRA");
        assert_eq!(iso_country("ROM"), "ROU");
    }
}
