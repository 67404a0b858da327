//! The index's fields, its analyzers and the mapping from a stored article to
//! an index document.

use std::collections::BTreeSet;

use chancery_store::FeedArticle;
use tantivy::schema::{
    DateOptions, DateTimePrecision, Field, IndexRecordOption, NumericOptions, Schema,
    TextFieldIndexing, TextOptions, STORED,
};
use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RawTokenizer, RemoveLongFilter, SimpleTokenizer,
    Stemmer, TextAnalyzer, TokenizerManager,
};
use tantivy::{DateTime, TantivyDocument};

use crate::dates;

/// English words: lower-cased, accents folded, stemmed ("talks" finds "talk").
pub(crate) const TEXT_ANALYZER: &str = "chancery_en";
/// Names: lower-cased and folded, not stemmed ("Jones" stays "jones").
pub(crate) const NAME_ANALYZER: &str = "chancery_name";
/// Codes and sites: the whole value, lower-cased (`IRNGOV` = `irngov`).
pub(crate) const CODE_ANALYZER: &str = "chancery_code";

/// The fields of the index, by handle.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Fields {
    /// `articles.id`: stored, indexed (for exclusions) and fast.
    pub id: Field,
    pub doc_id: Field,
    pub external_id: Field,
    pub title: Field,
    pub body: Field,
    /// Every entity name and alias, analysed as text.
    pub entity: Field,
    /// Names and aliases of people, not stemmed.
    pub person: Field,
    /// ISO 3166 alpha-3 codes of the entities' countries.
    pub country: Field,
    /// Actor codes of entities and of event sources and targets.
    pub actor: Field,
    /// CAMEO roots and codes, with every prefix ("04", "042", "0421").
    pub event: Field,
    /// Site, URL host and source.
    pub source: Field,
    /// The publication day, for ranges and sorting.
    pub published: Field,
    /// The publication date as stored, for display.
    pub published_text: Field,
    pub site: Field,
    pub url: Field,
}

/// The fields users may name in a query (`person:putin`), besides the
/// default ones.
pub(crate) const QUERY_FIELDS: &[&str] = &[
    "title", "body", "entity", "person", "country", "actor", "event", "source",
];

impl Fields {
    /// The schema of a new index.
    pub fn schema() -> Schema {
        let mut builder = Schema::builder();
        let text = |analyzer: &str, positions: bool| {
            let record = if positions {
                IndexRecordOption::WithFreqsAndPositions
            } else {
                IndexRecordOption::Basic
            };
            TextOptions::default().set_indexing_options(
                TextFieldIndexing::default()
                    .set_tokenizer(analyzer)
                    .set_index_option(record),
            )
        };
        builder.add_u64_field(
            "id",
            NumericOptions::default()
                .set_indexed()
                .set_stored()
                .set_fast(),
        );
        builder.add_text_field("doc_id", text(CODE_ANALYZER, false).set_stored());
        builder.add_text_field("external_id", text(CODE_ANALYZER, false).set_stored());
        builder.add_text_field("title", text(TEXT_ANALYZER, true).set_stored());
        builder.add_text_field("body", text(TEXT_ANALYZER, true).set_stored());
        builder.add_text_field("entity", text(TEXT_ANALYZER, true).set_stored());
        builder.add_text_field("person", text(NAME_ANALYZER, true));
        builder.add_text_field("country", text(CODE_ANALYZER, false));
        builder.add_text_field("actor", text(CODE_ANALYZER, false));
        builder.add_text_field("event", text(CODE_ANALYZER, false));
        builder.add_text_field("source", text(CODE_ANALYZER, false));
        builder.add_date_field(
            "published",
            DateOptions::default()
                .set_indexed()
                .set_fast()
                .set_precision(DateTimePrecision::Seconds),
        );
        builder.add_text_field("published_text", STORED);
        builder.add_text_field("site", STORED);
        builder.add_text_field("url", STORED);
        builder.build()
    }

    /// The handles of `schema`'s fields, or the name of the first one missing
    /// (an index written by another version).
    pub fn of(schema: &Schema) -> Result<Fields, String> {
        let field = |name: &str| schema.get_field(name).map_err(|_| name.to_string());
        Ok(Fields {
            id: field("id")?,
            doc_id: field("doc_id")?,
            external_id: field("external_id")?,
            title: field("title")?,
            body: field("body")?,
            entity: field("entity")?,
            person: field("person")?,
            country: field("country")?,
            actor: field("actor")?,
            event: field("event")?,
            source: field("source")?,
            published: field("published")?,
            published_text: field("published_text")?,
            site: field("site")?,
            url: field("url")?,
        })
    }

    /// The index document of a stored article.
    pub fn document(&self, article: &FeedArticle) -> TantivyDocument {
        let mut doc = TantivyDocument::default();
        doc.add_u64(self.id, article.id.max(0) as u64);
        doc.add_text(self.doc_id, &article.doc_id);
        if let Some(external_id) = &article.external_id {
            doc.add_text(self.external_id, external_id);
        }
        if let Some(title) = &article.title {
            doc.add_text(self.title, title);
        }
        doc.add_text(self.body, &article.text);

        // Sets, so an entity named twenty times weighs as one name, and the
        // filters hold each code once.
        let mut names = BTreeSet::new();
        let mut people = BTreeSet::new();
        let mut countries = BTreeSet::new();
        let mut actors = BTreeSet::new();
        let mut events = BTreeSet::new();
        for entity in &article.entities {
            let all = std::iter::once(&entity.name).chain(&entity.aliases);
            for name in all {
                names.insert(name.as_str());
                if entity.kind == "person" {
                    people.insert(name.as_str());
                }
            }
            countries.extend(entity.country.as_deref());
            actors.extend(entity.actor_code.as_deref());
        }
        for event in &article.events {
            events.insert(event.root.as_str());
            // Every prefix from the root on, so `--event 04` finds 042 and
            // `--event 042` finds 0421.
            for end in 2..=event.code.len() {
                if let Some(prefix) = event.code.get(..end) {
                    events.insert(prefix);
                }
            }
            actors.extend(event.source_code.as_deref());
            actors.extend(event.target_code.as_deref());
        }
        for (field, values) in [
            (self.entity, &names),
            (self.person, &people),
            (self.country, &countries),
            (self.actor, &actors),
            (self.event, &events),
        ] {
            for value in values.iter().filter(|v| !v.is_empty()) {
                doc.add_text(field, value);
            }
        }
        for source in sources(article) {
            doc.add_text(self.source, &source);
        }

        if let Some(published) = &article.published {
            if let Some(day) = dates::day_of(published) {
                doc.add_date(
                    self.published,
                    DateTime::from_timestamp_secs(day * dates::SECONDS_PER_DAY),
                );
            }
            doc.add_text(self.published_text, published);
        }
        if let Some(site) = &article.site {
            doc.add_text(self.site, site);
        }
        if let Some(url) = &article.url {
            doc.add_text(self.url, url);
        }
        doc
    }
}

/// The names `--source` matches for an article: its site, the host of its
/// URL, and its source, each lower-cased and without a leading `www.`.
pub(crate) fn sources(article: &FeedArticle) -> BTreeSet<String> {
    let host = article.url.as_deref().and_then(host_of);
    [article.site.as_deref(), host, article.source.as_deref()]
        .into_iter()
        .flatten()
        .map(normalize_source)
        .filter(|s| !s.is_empty())
        .collect()
}

/// Lower-cased, trimmed, without `www.`: the form sources are indexed and
/// looked up in.
pub(crate) fn normalize_source(source: &str) -> String {
    let lower = source.trim().to_lowercase();
    match lower.strip_prefix("www.") {
        Some(rest) => rest.to_string(),
        None => lower,
    }
}

fn host_of(url: &str) -> Option<&str> {
    let rest = url.split_once("://")?.1;
    let authority = rest.split(['/', '?', '#']).next()?;
    let host = authority.rsplit('@').next()?;
    let host = host.split(':').next()?;
    (!host.is_empty()).then_some(host)
}

/// Registers the index's analyzers; needed each time an index is opened.
pub(crate) fn register_analyzers(manager: &TokenizerManager) {
    manager.register(
        TEXT_ANALYZER,
        TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(RemoveLongFilter::limit(40))
            .filter(LowerCaser)
            .filter(AsciiFoldingFilter)
            .filter(Stemmer::new(Language::English))
            .build(),
    );
    manager.register(
        NAME_ANALYZER,
        TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(RemoveLongFilter::limit(40))
            .filter(LowerCaser)
            .filter(AsciiFoldingFilter)
            .build(),
    );
    manager.register(
        CODE_ANALYZER,
        TextAnalyzer::builder(RawTokenizer::default())
            .filter(LowerCaser)
            .build(),
    );
}

#[cfg(test)]
mod tests {
    use chancery_store::{FeedEntity, FeedEvent};
    use tantivy::schema::Value;

    use super::*;

    #[test]
    fn hosts_come_out_of_urls() {
        assert_eq!(
            host_of("https://www.bbc.co.uk/news/x?y=1"),
            Some("www.bbc.co.uk")
        );
        assert_eq!(
            host_of("http://user@example.org:8080/a"),
            Some("example.org")
        );
        assert_eq!(host_of("not a url"), None);
        assert_eq!(normalize_source(" WWW.Reuters.com "), "reuters.com");
    }

    #[test]
    fn documents_hold_prefixes_people_and_sources() {
        let schema = Fields::schema();
        let fields = Fields::of(&schema).unwrap();
        let article = FeedArticle {
            id: 7,
            doc_id: "d7".into(),
            title: Some("Ministers meet".into()),
            text: "Body.".into(),
            published: Some("2025-02-10T08:30:00+03:30".into()),
            url: Some("https://www.example.com/a".into()),
            site: Some("Example News".into()),
            entities: vec![
                FeedEntity {
                    name: "Abbas Araghchi".into(),
                    kind: "person".into(),
                    aliases: vec!["Araghchi".into()],
                    country: Some("IRN".into()),
                    actor_code: Some("IRNGOV".into()),
                },
                FeedEntity {
                    name: "Russia".into(),
                    kind: "country".into(),
                    country: Some("RUS".into()),
                    ..FeedEntity::default()
                },
            ],
            events: vec![FeedEvent {
                code: "0421".into(),
                root: "04".into(),
                source_code: Some("IRNGOV".into()),
                target_code: Some("RUSGOV".into()),
            }],
            ..FeedArticle::default()
        };
        let doc = fields.document(&article);
        let texts = |field| -> Vec<String> {
            doc.get_all(field)
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect()
        };
        assert_eq!(texts(fields.event), ["04", "042", "0421"]);
        assert_eq!(texts(fields.person), ["Abbas Araghchi", "Araghchi"]);
        assert_eq!(texts(fields.country), ["IRN", "RUS"]);
        assert_eq!(texts(fields.actor), ["IRNGOV", "RUSGOV"]);
        assert_eq!(texts(fields.source), ["example news", "example.com"]);
        let day = doc
            .get_first(fields.published)
            .and_then(|v| v.as_datetime());
        assert_eq!(
            day.map(|d| d.into_timestamp_secs()),
            Some(dates::day_of("2025-02-10").unwrap() * dates::SECONDS_PER_DAY)
        );
    }
}
