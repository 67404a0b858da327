//! Full-text search and similar articles over a chancery corpus.
//!
//! The index is a [tantivy](https://docs.rs/tantivy) index in `DATA/search`,
//! beside the store it is built from. It is **derived data**: it holds
//! nothing the store does not, it can be deleted at any time, and
//! [`SearchIndex::open`] brings it up to date by indexing the articles stored
//! after the last one it has seen (kept in the index's commit payload), so
//! the ingest pipeline knows nothing of it. Near-duplicates and stubs are not
//! indexed: a syndicated story turns up once.
//!
//! Fields: `title`, `body` and `entity` (names and aliases) analysed as
//! English (lower-cased, accents folded, stemmed), the default fields of a
//! query; `person` (names of people, not stemmed); `country`, `actor` and
//! `event` (codes, with every prefix of a CAMEO code from the root on);
//! `source` (site, URL host, source); `published` (a day, for ranges).
//!
//! ```
//! use chancery_model::{Analysis, Article};
//! use chancery_search::{SearchIndex, SearchRequest};
//! use chancery_store::{Document, Store};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let data = tempfile::tempdir()?;
//! let article = Article {
//!     id: "a1".into(),
//!     title: Some("Council approves harbour plan".into()),
//!     text: "The council approved the plans for the harbour on Thursday.".into(),
//!     ..Article::default()
//! };
//! Store::open(data.path())?.write(&[Document::new(Analysis::from_article(article))?])?;
//!
//! let index = SearchIndex::open(data.path())?;
//! let request = SearchRequest { query: "approving plan".into(), ..SearchRequest::default() };
//! let results = index.search(&request)?;
//! assert_eq!(results.total, 1);
//! assert_eq!(results.hits[0].doc_id, "a1");
//! # Ok(())
//! # }
//! ```

#![deny(missing_docs)]

mod dates;
mod error;
mod exclusion;
mod fields;
mod index;
mod query;
mod similar;
mod verify;

pub use error::SearchError;
pub use index::{default_index_dir, CatchUp, OpenOptions, SearchIndex, INDEX_DIR};
pub use query::{Hit, SearchRequest, SearchResults, Snippet};
pub use similar::{ArticleRef, SimilarResults};
pub use verify::{check_index, IndexCheck};
