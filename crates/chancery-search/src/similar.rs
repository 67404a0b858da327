//! Similar articles: a more-like-this query built from one article's title,
//! body and entity names, run against the index.
//!
//! Computed on demand rather than stored: the query takes a few milliseconds
//! on a corpus of thousands (BENCHMARKS.md), and a stored table would go
//! stale with every ingest.

use serde::Serialize;
use std::collections::BTreeMap;
use tantivy::collector::TopDocs;

use tantivy::query::{BooleanQuery, BoostQuery, Occur, Query, TermQuery};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{Searcher, TantivyDocument, Term};

use crate::index::open_feed;
use crate::query::{hit_of, snippet_of, Hit};
use crate::{SearchError, SearchIndex};

/// The most distinctive terms of an article that make up its query.
const QUERY_TERMS: usize = 30;

/// The article asked about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ArticleRef {
    /// The store's internal id.
    pub id: i64,
    /// The stable article id.
    pub doc_id: String,
    /// The id it was ingested with, if any.
    pub external_id: Option<String>,
    /// The headline.
    pub title: Option<String>,
    /// The article it is a near-duplicate of, if it is one.
    pub duplicate_of: Option<i64>,
}

/// The answer to [`SearchIndex::similar`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SimilarResults {
    /// The article the others are similar to.
    pub article: ArticleRef,
    /// The most similar articles, best first, with the opening of each body.
    pub hits: Vec<Hit>,
}

impl SearchIndex {
    /// The `k` articles most similar to the one `key` names (its internal
    /// id, its `doc_id` or its external id), by BM25 over the distinctive
    /// terms of its title, body and entity names.
    ///
    /// Never among them: the article itself, the article it is a
    /// near-duplicate of, its own near-duplicates and stubs (which are not
    /// indexed).
    pub fn similar(&self, key: &str, k: usize) -> Result<SimilarResults, SearchError> {
        crate::index::contain(&self.dir, || self.similar_unguarded(key, k))
    }

    fn similar_unguarded(&self, key: &str, k: usize) -> Result<SimilarResults, SearchError> {
        let feed = open_feed(&self.data_dir)?;
        let unknown = || SearchError::UnknownArticle {
            key: key.to_string(),
            dir: self.data_dir.clone(),
        };
        let id = feed.resolve(key.trim())?.ok_or_else(unknown)?;
        let article = feed.article(id)?.ok_or_else(unknown)?;

        let fields = &self.fields;
        let searcher = self.reader.searcher();
        let failed = |source| SearchError::Search {
            dir: self.dir.clone(),
            source,
        };
        let indexed = crate::query::address_of(&searcher, fields, id)
            .map_err(failed)?
            .is_some();
        let names: Vec<&str> = article.entities.iter().map(|e| e.name.as_str()).collect();
        let mut document_fields: Vec<(Field, Vec<&str>)> = vec![
            (fields.body, vec![article.text.as_str()]),
            (fields.entity, names),
        ];
        if let Some(title) = &article.title {
            document_fields.push((fields.title, vec![title.as_str()]));
        }
        // A word only this article has finds nothing else: when the article
        // or its original is indexed, that is every word of document
        // frequency 1.
        let min_doc_frequency = if indexed || article.duplicate_of.is_some() {
            2
        } else {
            1
        };
        let terms =
            distinctive_terms(&searcher, &document_fields, min_doc_frequency).map_err(failed)?;
        let best = terms.first().map_or(1.0, |(_, score)| *score);
        let more_like_this = BooleanQuery::new(
            terms
                .into_iter()
                .map(|(term, score)| {
                    let query: Box<dyn Query> = Box::new(BoostQuery::new(
                        Box::new(TermQuery::new(term, IndexRecordOption::Basic)),
                        score / best,
                    ));
                    (Occur::Should, query)
                })
                .collect(),
        );

        let mut excluded = vec![id];
        excluded.extend(article.duplicate_of);
        let mut clauses: Vec<(Occur, Box<dyn Query>)> =
            vec![(Occur::Must, Box::new(more_like_this))];
        for other in excluded {
            clauses.push((
                Occur::MustNot,
                Box::new(TermQuery::new(
                    Term::from_field_u64(fields.id, other.max(0) as u64),
                    IndexRecordOption::Basic,
                )),
            ));
        }
        let query = BooleanQuery::new(clauses);
        let top = searcher
            .search(&query, &TopDocs::with_limit(k.max(1)).order_by_score())
            .map_err(failed)?;
        let mut hits = Vec::with_capacity(top.len());
        for (score, address) in top {
            let doc: TantivyDocument = searcher.doc(address).map_err(failed)?;
            let snippet = snippet_of(&doc, fields.body, None);
            hits.push(hit_of(fields, &doc, score, snippet));
        }
        Ok(SimilarResults {
            article: ArticleRef {
                id,
                doc_id: article.doc_id,
                external_id: article.external_id,
                title: article.title,
                duplicate_of: article.duplicate_of,
            },
            hits,
        })
    }
}

/// The query terms of an article, as Lucene's more-like-this picks them:
/// each word of each field (as the index tokenizes that field) scored by
/// its count times its BM25 idf, words of fewer than two characters or in
/// fewer than `min_doc_frequency` documents left out, the best
/// [`QUERY_TERMS`] kept, best first. Ties are broken by the term itself, so
/// the same article asks the same question every time (tantivy's
/// `MoreLikeThisQuery` breaks them in hash order, which made `similar`
/// answer differently from one run to the next on the same corpus).
fn distinctive_terms(
    searcher: &Searcher,
    document_fields: &[(Field, Vec<&str>)],
    min_doc_frequency: u64,
) -> tantivy::Result<Vec<(Term, f32)>> {
    let mut counts: BTreeMap<Term, u32> = BTreeMap::new();
    for (field, texts) in document_fields {
        let mut analyzer = searcher.index().tokenizer_for_field(*field)?;
        for text in texts {
            let mut stream = analyzer.token_stream(text);
            while let Some(token) = stream.next() {
                if token.text.chars().count() >= 2 {
                    *counts
                        .entry(Term::from_field_text(*field, &token.text))
                        .or_default() += 1;
                }
            }
        }
    }
    let documents = searcher.num_docs() as f32;
    let mut scored = Vec::with_capacity(counts.len());
    for (term, count) in counts {
        let frequency = searcher.doc_freq(&term)?;
        if frequency == 0 || frequency < min_doc_frequency {
            continue;
        }
        let frequency = frequency as f32;
        let idf = (1.0 + (documents - frequency + 0.5) / (frequency + 0.5)).ln();
        scored.push((term, count as f32 * idf));
    }
    scored.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    scored.truncate(QUERY_TERMS);
    Ok(scored)
}
