//! GeoJSON (RFC 7946) for `?format=geojson`: events and places as a
//! FeatureCollection of Points that QGIS (through GDAL's GeoJSON driver)
//! and Kepler.gl load as they are.
//!
//! What keeps them loadable: positions are `[longitude, latitude]` in
//! WGS84 with no `crs` member (RFC 7946 section 4 dropped it); every
//! property is a scalar or null, so each becomes one attribute column in
//! either tool; every feature of a collection has the same properties;
//! the paging and the events left out for want of coordinates are
//! foreign members of the collection (section 6.1), which readers that do
//! not know them ignore.

use axum::http::header;
use axum::response::{IntoResponse, Response};
use chancery_store::{EventRow, Page, PlaceRow};
use serde_json::{json, Map, Value};

/// The media type of GeoJSON (RFC 7946 section 12).
pub(crate) const MEDIA_TYPE: &str = "application/geo+json";

/// The paging of a collection, written as its foreign members.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Paging {
    /// Features matching the filters, all pages.
    pub total: u64,
    /// The page size asked for.
    pub limit: u32,
    /// Features skipped before this page.
    pub offset: u32,
}

/// A FeatureCollection of located events. Events of the page without a
/// location (none, as the caller asks for located ones) are left out;
/// `unlocated` counts the events that match the filters but have no
/// coordinates, so a client knows what the map does not show.
pub(crate) fn events(page: &Page<EventRow>, paging: Paging, unlocated: u64) -> Value {
    let features: Vec<Value> = page
        .items
        .iter()
        .filter_map(|event| {
            let at = event.location.as_ref()?;
            let properties = json!({
                "event_id": event.id,
                "code": event.code,
                "root": event.root,
                "quad_class": event.quad_class,
                "goldstein": event.goldstein,
                "source_code": event.source_code,
                "source_name": event.source_name,
                "target_code": event.target_code,
                "target_name": event.target_name,
                "modality": event.modality,
                "date": event.date,
                "date_resolved": event.date_resolved,
                "article_id": event.article,
                "article_title": event.article_title,
                "article_url": event.article_url,
                "place_id": at.place,
                "geonames_id": at.geonames_id,
                "place_name": at.name,
                "country": at.country,
                "location_basis": at.basis,
                "confidence": event.confidence,
            });
            Some(feature(json!(event.id), at.lon, at.lat, properties))
        })
        .collect();
    let mut collection = collection(features, paging);
    collection.insert("unlocated".into(), json!(unlocated));
    Value::Object(collection)
}

/// A FeatureCollection of places.
pub(crate) fn places(page: &Page<PlaceRow>, paging: Paging) -> Value {
    let features: Vec<Value> = page
        .items
        .iter()
        .map(|place| {
            let properties = json!({
                "place_id": place.id,
                "geonames_id": place.geonames_id,
                "name": place.name,
                "full_name": place.full_name,
                "feature_class": place.feature_class,
                "feature_code": place.feature_code,
                "country": place.country,
                "country_fips": place.country_fips,
                "adm1": place.adm1,
                "articles": place.articles,
                "events": place.events,
            });
            feature(json!(place.id), place.lon, place.lat, properties)
        })
        .collect();
    Value::Object(collection(features, paging))
}

/// The response: the collection with GeoJSON's media type.
pub(crate) fn response(collection: Value) -> Response {
    ([(header::CONTENT_TYPE, MEDIA_TYPE)], axum::Json(collection)).into_response()
}

fn feature(id: Value, lon: f64, lat: f64, properties: Value) -> Value {
    json!({
        "type": "Feature",
        "id": id,
        "geometry": {"type": "Point", "coordinates": [lon, lat]},
        "properties": properties,
    })
}

fn collection(features: Vec<Value>, paging: Paging) -> Map<String, Value> {
    let mut collection = Map::new();
    collection.insert("type".into(), json!("FeatureCollection"));
    collection.insert("features".into(), Value::Array(features));
    collection.insert("total".into(), json!(paging.total));
    collection.insert("limit".into(), json!(paging.limit));
    collection.insert("offset".into(), json!(paging.offset));
    collection
}

#[cfg(test)]
mod tests {
    use chancery_store::EventLocation;

    use super::*;

    fn event(id: i64, location: Option<EventLocation>) -> EventRow {
        EventRow {
            id,
            article: 3,
            article_title: Some("Clashes near Ankara".into()),
            article_url: Some("https://news.example/ankara".into()),
            date: Some("2026-09-01".into()),
            date_resolved: true,
            code: "190".into(),
            root: "19".into(),
            quad_class: 4,
            goldstein: -10.0,
            source_code: Some("TURMIL".into()),
            source_name: Some("Turkish forces".into()),
            target_code: None,
            target_name: None,
            modality: "asserted".into(),
            evidence: Some("Turkish forces fought near Ankara.".into()),
            trigger: None,
            confidence: 0.9,
            location,
        }
    }

    #[test]
    fn events_are_points_in_longitude_latitude_order_with_flat_properties() {
        let ankara = EventLocation {
            place: Some("323786".into()),
            geonames_id: Some(323786),
            name: "Ankara, Ankara, Turkey".into(),
            lat: 39.92,
            lon: 32.85,
            country: Some("TUR".into()),
            basis: "clause".into(),
        };
        let page = Page {
            total: 2,
            items: vec![event(7, Some(ankara)), event(8, None)],
        };
        let paging = Paging {
            total: 1,
            limit: 50,
            offset: 0,
        };
        let collection = events(&page, paging, 4);
        assert_eq!(collection["type"], "FeatureCollection");
        assert_eq!(
            (collection["total"].clone(), collection["unlocated"].clone()),
            (json!(1), json!(4))
        );
        let features = collection["features"].as_array().unwrap();
        assert_eq!(features.len(), 1, "the unlocated event is left out");
        let point = &features[0]["geometry"];
        assert_eq!(
            point,
            &json!({"type": "Point", "coordinates": [32.85, 39.92]})
        );
        let properties = features[0]["properties"].as_object().unwrap();
        assert!(properties.values().all(|v| !v.is_object() && !v.is_array()));
        assert_eq!(properties["location_basis"], "clause");
        assert_eq!(properties["article_url"], "https://news.example/ankara");
        assert!(collection.get("crs").is_none());
    }
}
