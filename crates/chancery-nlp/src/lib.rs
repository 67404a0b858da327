//! Article → analysis: sentences, tokens, named entities, roles and actor
//! codes over a built-in knowledge base.
//!
//! Invariant: this crate does no I/O. Models and knowledge-base tables are
//! compiled in; user tables and dictionaries arrive as strings.

mod budget;
mod dates;
mod doc;
mod entities;
pub mod events;
pub mod kb;
pub mod language;
pub mod ner;
mod pages;
pub mod petrarch;
mod quotes;
pub mod registry;
pub mod sentence;
mod story_keys;
pub mod syntax;
pub mod token;
pub mod tone;

pub use story_keys::story_keys;

/// Everything that can go wrong in analysis set-up (analysis itself cannot fail).
#[derive(Debug, thiserror::Error)]
pub enum NlpError {
    /// A model file is damaged or from another version.
    #[error("NER model: {0}; rebuild it with `chancery train ner`")]
    Model(String),
    /// The syntax model is damaged or from another version.
    #[error("syntax model: {0}")]
    SyntaxModel(String),
    /// A knowledge-base table or dictionary is malformed.
    #[error("{table}, line {line}: {problem}")]
    Table {
        /// The file or table name.
        table: String,
        /// 1-based line (0 for the whole table).
        line: usize,
        /// What is wrong.
        problem: String,
    },
}

use std::ops::Range;
use std::sync::Arc;

use chancery_model::{Analysis, Article, BlockKind, SkipReason, Span, TextField};
use kb::KnowledgeBase;
use ner::{NameClass, NerModel, TaggerInput};

/// Runs the analysis stages over articles. Cheap to clone and share between
/// threads; everything it holds is read-only.
#[derive(Debug, Clone)]
pub struct Analyzer {
    kb: Arc<KnowledgeBase>,
    /// The knowledge base has tables beyond the built-in ones.
    user_tables: bool,
    /// Whether quotes are attributed (on by default).
    quotes: bool,
    /// Whether events are coded (on by default).
    events: bool,
    /// Whether places are resolved and events located (on by default).
    geo: bool,
    /// PETRARCH dictionaries for event coding, and whether the built-in
    /// lexicon codes as well.
    dictionaries: Option<(Arc<petrarch::Dictionaries>, bool)>,
}

impl Default for Analyzer {
    fn default() -> Self {
        Analyzer::new()
    }
}

impl Analyzer {
    /// An analyzer with the built-in knowledge base.
    pub fn new() -> Analyzer {
        Analyzer {
            kb: builtin_knowledge_base(),
            user_tables: false,
            quotes: true,
            events: true,
            geo: true,
            dictionaries: None,
        }
    }

    /// Loads the built-in models and tables now, three at a time, instead of
    /// one after another inside the first article's analysis: a short run
    /// (one file) waits for the slowest of them rather than their sum.
    pub fn warm_up(&self) {
        std::thread::scope(|scope| {
            scope.spawn(|| {
                chancery_geo::Gazetteer::builtin();
            });
            scope.spawn(|| {
                NerModel::builtin();
                events::lexicon::Lexicon::builtin();
            });
            syntax::SyntaxModel::builtin();
        });
    }

    /// Starts loading the built-in models and tables, each on a thread of
    /// its own, and returns at once: a pipeline can read and extract its
    /// first documents meanwhile, and analysis waits only for the model it
    /// needs when it needs it. The gazetteer, the slowest to load, is needed
    /// last (by [`Analyzer::place`]), so a batch analysed up to its places
    /// first keeps the cores busy while it loads. A thread that cannot be
    /// started leaves its model to load on first use.
    pub fn warm_up_in_background() {
        let loads: [(&str, fn()); 3] = [
            ("chancery-gazetteer", || {
                chancery_geo::Gazetteer::builtin();
            }),
            ("chancery-syntax", || {
                syntax::SyntaxModel::builtin();
            }),
            ("chancery-ner", || {
                NerModel::builtin();
                events::lexicon::Lexicon::builtin();
            }),
        ];
        for (name, load) in loads {
            // Detached: a loader outlives nothing but its own work.
            let _ = std::thread::Builder::new().name(name.into()).spawn(load);
        }
    }

    /// An analyzer with a knowledge base extended by user tables.
    pub fn with_knowledge_base(kb: KnowledgeBase) -> Analyzer {
        Analyzer {
            kb: Arc::new(kb),
            user_tables: true,
            quotes: true,
            events: true,
            geo: true,
            dictionaries: None,
        }
    }

    /// The same analyzer with quote attribution switched on or off (off
    /// measures what quotes cost).
    pub fn with_quotes(mut self, quotes: bool) -> Analyzer {
        self.quotes = quotes;
        self
    }

    /// The same analyzer with event coding switched on or off.
    pub fn with_events(mut self, events: bool) -> Analyzer {
        self.events = events;
        self
    }

    /// The same analyzer with places resolved and events located
    /// (`chancery-geo`) or not (off measures what it costs).
    pub fn with_geo(mut self, geo: bool) -> Analyzer {
        self.geo = geo;
        self
    }

    /// The same analyzer coding events with PETRARCH dictionaries: instead
    /// of the built-in lexicon, or as well as it when `with_lexicon`.
    pub fn with_dictionaries(
        mut self,
        dictionaries: Arc<petrarch::Dictionaries>,
        with_lexicon: bool,
    ) -> Analyzer {
        self.dictionaries = Some((dictionaries, with_lexicon));
        self
    }

    /// The knowledge base in use.
    pub fn knowledge_base(&self) -> &KnowledgeBase {
        &self.kb
    }

    /// Sentences, entities and key points of `article`.
    ///
    /// Entities, quotes and events read English only: a document in another
    /// language keeps its sentences and key points and its tone (measured
    /// with that language's word lists, see [`tone`]) and is marked
    /// `analysis_skipped`; blocks in another language inside an English
    /// document are left out of them and listed in `skipped_blocks`.
    pub fn analyze(&self, article: Article) -> Analysis {
        self.place(self.analyze_unplaced(article))
    }

    /// [`Analyzer::analyze`] but for its last step, places, which needs the
    /// gazetteer: a batch can be analysed this far while the gazetteer is
    /// still loading, then finished by [`Analyzer::place`].
    pub fn analyze_unplaced(&self, article: Article) -> Unplaced {
        let mut analysis = Analysis::from_article(article);
        let skipped = match language::gate(&analysis.article) {
            language::Verdict::Analyse(skipped) => skipped,
            language::Verdict::Skip(detected) => {
                let article = &analysis.article;
                let doc = doc::Doc::new(article.title.as_deref().unwrap_or(""), &article.text);
                analysis.sentences = body_sentences(&doc);
                analysis.key_points = key_points(article);
                // The detected language, else the page's own when it is not
                // English (the gate found the body is not).
                let language = detected
                    .clone()
                    .or_else(|| article.language.clone().filter(|declared| declared != "en"));
                analysis.tone = tone::tone(&article.text, language.as_deref());
                analysis.analysis_skipped = Some(SkipReason::Language);
                analysis.detected_language = detected;
                return Unplaced {
                    analysis,
                    locate: false,
                };
            }
        };
        let article = &analysis.article;
        let title = article.title.as_deref().unwrap_or("");
        let masked;
        let text = if skipped.is_empty() {
            article.text.as_str()
        } else {
            masked = language::mask(&article.text, &skipped);
            masked.as_str()
        };
        let doc = doc::Doc::new(title, text);
        // The tagger sees the built-in gazetteer it was trained with; user
        // tables take part in linking only, so a large dictionary cannot shift
        // the tagger's features.
        let gazetteer = KnowledgeBase::builtin().gazetteer_bits(&doc.words);
        let linking_gazetteer = if self.user_tables {
            self.kb.gazetteer_bits(&doc.words)
        } else {
            gazetteer.clone()
        };
        let headline = headline_for_tagger(&doc.words[..doc.body_start]);
        let tagger_words: Vec<&str> = match &headline {
            Some(upper) => upper
                .iter()
                .map(String::as_str)
                .chain(doc.words[doc.body_start..].iter().copied())
                .collect(),
            None => doc.words.clone(),
        };
        let tags = NerModel::builtin().tag(&TaggerInput {
            words: &tagger_words,
            sentences: &doc.sentences,
            gazetteer: &gazetteer,
        });
        let names = ner::names(&tags);
        let date = article.published.as_ref().map(|p| p.value.as_str());
        let entities = entities::EntityFinder::new(&doc, &self.kb, &linking_gazetteer, date)
            .with_dateline(article.dateline.as_deref())
            .find(&names);
        let sentences = body_sentences(&doc);
        let key_points = key_points(article);
        let quotes = if self.quotes {
            quotes::QuoteFinder::new(&doc, &entities, &self.kb).find()
        } else {
            Vec::new()
        };
        let (events, background_events) = if self.events {
            let coder = events::EventCoder::new(
                &doc,
                &entities,
                &quotes,
                &self.kb,
                events::Lexicon::builtin(),
                date,
                article.dateline.as_deref(),
            );
            match &self.dictionaries {
                Some((dictionaries, with_lexicon)) => {
                    coder.with_dictionaries(dictionaries, *with_lexicon).code()
                }
                None => coder.code(),
            }
        } else {
            (Vec::new(), Vec::new())
        };
        analysis.sentences = sentences;
        analysis.entities = entities;
        analysis.quotes = quotes;
        analysis.events = events;
        analysis.background_events = background_events;
        analysis.key_points = key_points;
        analysis.tone = tone::tone(text, Some("en"));
        analysis.skipped_blocks = skipped;
        budget::cap_output(&mut analysis);
        Unplaced {
            analysis,
            locate: self.geo,
        }
    }

    /// Whether [`Analyzer::place`] can run without waiting for a model to
    /// load: the gazetteer is loaded, or this analyzer does not locate.
    pub fn places_ready(&self) -> bool {
        !self.geo || chancery_geo::Gazetteer::builtin_is_loaded()
    }

    /// The analysis finished: places resolved and events located (when
    /// this analyzer locates and the article was analysed). Loads the
    /// gazetteer if it is not loaded yet.
    pub fn place(&self, unplaced: Unplaced) -> Analysis {
        let Unplaced {
            mut analysis,
            locate,
        } = unplaced;
        // After the output cap, so that event places index the events kept.
        if locate {
            chancery_geo::locate(&mut analysis);
        }
        analysis
    }
}

/// An analysis without its places yet ([`Analyzer::analyze_unplaced`]);
/// [`Analyzer::place`] finishes it.
#[derive(Debug)]
pub struct Unplaced {
    analysis: Analysis,
    /// Whether places are to be resolved: the analyzer locates and the
    /// article was analysed (not skipped for its language).
    locate: bool,
}

/// Sentence spans of the body.
fn body_sentences(doc: &doc::Doc) -> Vec<Span> {
    doc.sentences[doc.body_sentence_start..]
        .iter()
        .map(|range| Span {
            start: doc.tokens[range.start].start,
            end: doc.tokens[range.end - 1].end,
            field: TextField::Text,
        })
        .collect()
}

/// The article's bulleted items, as spans.
fn key_points(article: &Article) -> Vec<Span> {
    article
        .paragraphs
        .iter()
        .filter(|block| block.kind == BlockKind::ListItem)
        .map(|block| Span {
            start: block.start,
            end: block.end,
            field: TextField::Text,
        })
        .collect()
}

/// The built-in knowledge base, shared by every default analyzer.
fn builtin_knowledge_base() -> Arc<KnowledgeBase> {
    static SHARED: std::sync::OnceLock<Arc<KnowledgeBase>> = std::sync::OnceLock::new();
    SHARED
        .get_or_init(|| Arc::new(KnowledgeBase::builtin().clone()))
        .clone()
}

/// A headline in Title Case Like This, upper-cased: the tagger learned
/// headlines from news wires that write them in capitals, and title case
/// would otherwise read as a string of names.
fn headline_for_tagger(words: &[&str]) -> Option<Vec<String>> {
    let alphabetic: Vec<&&str> = words
        .iter()
        .filter(|w| w.starts_with(char::is_alphabetic) && w.chars().count() > 3)
        .collect();
    let capitalized = alphabetic
        .iter()
        .filter(|w| w.starts_with(char::is_uppercase))
        .count();
    (alphabetic.len() >= 3 && capitalized * 10 >= alphabetic.len() * 7)
        .then(|| words.iter().map(|w| w.to_uppercase()).collect())
}

/// Per-token knowledge-base class bits the tagger uses as features. Training
/// and tagging must compute them the same way, so both call this.
pub fn gazetteer_bits(words: &[&str]) -> Vec<u16> {
    kb::KnowledgeBase::builtin().gazetteer_bits(words)
}

/// Names in pre-tokenized sentences, with the built-in model and knowledge base.
pub fn find_names(words: &[&str], sentences: &[Range<usize>]) -> Vec<(Range<usize>, NameClass)> {
    let gazetteer = gazetteer_bits(words);
    let tags = NerModel::builtin().tag(&TaggerInput {
        words,
        sentences,
        gazetteer: &gazetteer,
    });
    ner::names(&tags)
}
