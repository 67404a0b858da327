//! The types every chancery stage shares: the clean [`Article`] that extraction
//! produces, and the [`Analysis`] that is chancery's JSON contract.
//!
//! Every annotation is a [`Span`]: UTF-8 byte offsets into [`Article::text`] (end
//! exclusive), or into [`Article::title`] when its `field` says so. This is what lets
//! every claim be shown with its evidence.
//!
//! This crate does no I/O. The JSON shape is documented in `docs/SCHEMA.md` and
//! versioned by [`SCHEMA_VERSION`]; a change that renames or re-means a key bumps it.
//!
//! ```
//! use chancery_model::{Analysis, Article, Block, BlockKind};
//!
//! let mut article = Article::default();
//! article.push_block("Ministers met in Vienna.", BlockKind::Paragraph);
//! article.push_block("Talks resume on Monday.", BlockKind::ListItem);
//! assert_eq!(article.text, "Ministers met in Vienna.\n\nTalks resume on Monday.");
//! assert_eq!(article.block_text(&article.paragraphs[1]), "Talks resume on Monday.");
//! let analysis = Analysis::from_article(article);
//! assert_eq!(analysis.schema_version, chancery_model::SCHEMA_VERSION);
//! ```

pub mod amounts;
mod analysis;
mod article;
pub mod calendar;
mod language;
mod span;

pub use analysis::{
    cameo_country, iso_country, Analysis, Cue, Entity, EntityKind, Event, EventActor, EventDate,
    EventPlace, EventPlaces, Geo, Mention, Modality, Place, PlaceBasis, PlaceMention, Plover,
    Quote, QuoteKind, Role, SkipReason, SkippedBlock, Tone, ToneMeasure, CAMEO_COUNTRIES,
    SCHEMA_VERSION,
};
pub use article::{Article, Block, BlockKind, DatePrecision, Flags, Published, RelatedItem};
pub use language::{iso_639_1, plainly_english};
pub use span::{Span, TextField};
