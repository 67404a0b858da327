//! Checking the index against its store, read-only: every canonical article
//! up to the last one indexed is there once, with the title and text the
//! store holds now; nothing else is.

use std::collections::HashMap;
use std::path::Path;

use tantivy::schema::Value;
use tantivy::{DocAddress, Index, TantivyDocument};
use xxhash_rust::xxh3::xxh3_64;

use crate::fields::Fields;
use crate::index::{contain, index_error, open_feed, Marker, FEED_PAGE, INDEX_DIR};
use crate::SearchError;

/// What [`check_index`] found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IndexCheck {
    /// False when the data directory has no index yet (it is built on the
    /// first search).
    pub present: bool,
    /// Articles in the index.
    pub indexed: u64,
    /// The last article the index has caught up to; later ones are indexed
    /// on the next search.
    pub caught_up_to: i64,
    /// Canonical articles of the store (up to `caught_up_to`) missing from
    /// the index.
    pub missing: Vec<i64>,
    /// Articles in the index the store does not hold as canonical.
    pub extra: Vec<i64>,
    /// Articles whose indexed title or text differs from the store's.
    pub stale: Vec<i64>,
    /// Articles indexed more than once.
    pub repeated: Vec<i64>,
}

impl IndexCheck {
    /// True when the index agrees with the store.
    pub fn is_sound(&self) -> bool {
        self.missing.is_empty()
            && self.extra.is_empty()
            && self.stale.is_empty()
            && self.repeated.is_empty()
    }
}

fn content_hash(title: Option<&str>, text: &str) -> u64 {
    xxh3_64(format!("{}\u{0}{text}", title.unwrap_or("")).as_bytes())
}

/// Compares the index of `data_dir` with its store without changing
/// either. An index that cannot be read is [`SearchError::Damaged`] or
/// [`SearchError::Index`] (open it, or search, to have it rebuilt).
pub fn check_index(data_dir: impl AsRef<Path>) -> Result<IndexCheck, SearchError> {
    let data_dir = data_dir.as_ref();
    let dir = data_dir.join(INDEX_DIR);
    let feed = open_feed(data_dir)?;
    if !dir.join("meta.json").is_file() {
        return Ok(IndexCheck::default());
    }
    let (indexed, caught_up_to) = contain(&dir, || read_index(&dir))?;
    let mut check = IndexCheck {
        present: true,
        indexed: indexed.values().map(|(_, n)| *n as u64).sum(),
        caught_up_to,
        ..IndexCheck::default()
    };
    let mut seen = std::collections::HashSet::new();
    for article in feed.canonical_after(0, caught_up_to, FEED_PAGE) {
        let article = article?;
        seen.insert(article.id);
        match indexed.get(&article.id) {
            None => check.missing.push(article.id),
            Some((hash, count)) => {
                if *hash != content_hash(article.title.as_deref(), &article.text) {
                    check.stale.push(article.id);
                }
                if *count > 1 {
                    check.repeated.push(article.id);
                }
            }
        }
    }
    check.extra = indexed
        .keys()
        .copied()
        .filter(|id| !seen.contains(id))
        .collect();
    check.extra.sort_unstable();
    Ok(check)
}

/// Indexed articles: id → (hash of title and text, times indexed).
type Indexed = HashMap<i64, (u64, usize)>;

/// Every indexed article, and the marker's last article.
fn read_index(dir: &Path) -> Result<(Indexed, i64), SearchError> {
    let index = Index::open_in_dir(dir).map_err(index_error(dir, "open"))?;
    let fields = Fields::of(&index.schema()).map_err(|field| SearchError::Damaged {
        dir: dir.to_path_buf(),
        detail: format!("no field {field}"),
    })?;
    let metas = index.load_metas().map_err(index_error(dir, "read"))?;
    let caught_up_to = metas
        .payload
        .as_deref()
        .and_then(|p| serde_json::from_str::<Marker>(p).ok())
        .map_or(0, |m| m.last_article);
    let reader = index.reader().map_err(index_error(dir, "open"))?;
    let searcher = reader.searcher();
    let mut found: Indexed = HashMap::new();
    for (ordinal, segment) in searcher.segment_readers().iter().enumerate() {
        for doc in segment.doc_ids_alive() {
            let doc: TantivyDocument = searcher
                .doc(DocAddress::new(ordinal as u32, doc))
                .map_err(index_error(dir, "read"))?;
            let id = doc
                .get_first(fields.id)
                .and_then(|v| v.as_u64())
                .unwrap_or(0) as i64;
            let title = doc.get_first(fields.title).and_then(|v| v.as_str());
            let text = doc
                .get_first(fields.body)
                .and_then(|v| v.as_str())
                .unwrap_or("");
            let entry = found.entry(id).or_insert((content_hash(title, text), 0));
            entry.1 += 1;
        }
    }
    Ok((found, caught_up_to))
}
