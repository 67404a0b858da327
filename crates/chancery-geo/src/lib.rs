//! Where: the places an analysis names, resolved to gazetteer features
//! (GeoNames: countries, first-level divisions, places of 1,000 people or
//! more, continents), and where each event happened and its actors are.
//!
//! This is a pure stage after the analysis stages of `chancery-nlp`: it
//! reads the entities, events and dateline of an [`Analysis`] and fills
//! [`Analysis::places`] and [`Analysis::event_places`].
//!
//! Invariant: no I/O; the gazetteer is compiled in. The same analysis gives
//! the same places on any thread (hash maps serve look-ups only; ties go to
//! the lower feature index).
//!
//! ```
//! use chancery_geo::Gazetteer;
//!
//! let g = Gazetteer::builtin();
//! let (_, paris, _) = g.lookup("Paris").max_by_key(|(_, f, _)| f.population).unwrap();
//! assert_eq!(paris.country, "FR");
//! ```

mod abbrev;
mod events;
mod gazetteer;
mod resolve;

pub use events::locate_events;
pub use gazetteer::{distance_km, normalize, CountryCodes, Feature, Gazetteer, Kind};
pub use resolve::{resolve_places, Weights};

use chancery_model::Analysis;

/// What can go wrong reading a gazetteer table.
#[derive(Debug, thiserror::Error)]
pub enum GeoError {
    /// A row of the table is malformed.
    #[error("gazetteer table, line {line}: {problem}; rebuild it with scripts/build_gazetteer.py")]
    Table {
        /// 1-based line.
        line: usize,
        /// What is wrong.
        problem: String,
    },
}

/// Resolves the places of `analysis` and locates its events, with the
/// default weights.
pub fn locate(analysis: &mut Analysis) {
    locate_with(analysis, &Weights::default());
}

/// [`locate`] with chosen resolution weights (for evaluation and tuning).
pub fn locate_with(analysis: &mut Analysis, weights: &Weights) {
    let mut features = resolve_places(analysis, weights);
    locate_events(analysis, &mut features);
}
