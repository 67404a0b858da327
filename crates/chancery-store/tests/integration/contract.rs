use std::path::PathBuf;
use std::sync::{Arc, Barrier};

use chancery_model::{
    Analysis, Article, DatePrecision, Entity, EntityKind, Event, EventActor, Modality, Published,
    Quote, QuoteKind, Span,
};
use chancery_store::testing::TestDb;
use chancery_store::{
    AnyExport, AnyReader, AnyStore, Document, ExportFilter, Outcome, PgStories, Reader,
    SqliteStories, Stats, Store, StoreError, StoryBook, StoryState, StoryStateUpdate,
};

/// A store to run a case against, named by its `--data` value.
enum Backend {
    Sqlite(tempfile::TempDir),
    Postgres(TestDb),
}

impl Backend {
    /// A fresh data directory, and a fresh PostgreSQL database when a test
    /// cluster is given.
    fn all(test: &str) -> Vec<Backend> {
        let mut backends = vec![Backend::Sqlite(tempfile::tempdir().unwrap())];
        backends.extend(TestDb::new(test).map(Backend::Postgres));
        backends
    }

    fn name(&self) -> &'static str {
        match self {
            Backend::Sqlite(_) => "sqlite",
            Backend::Postgres(_) => "postgres",
        }
    }

    fn data(&self) -> PathBuf {
        match self {
            Backend::Sqlite(dir) => dir.path().to_path_buf(),
            Backend::Postgres(db) => PathBuf::from(&db.url),
        }
    }

    fn store(&self) -> AnyStore {
        AnyStore::open(&self.data()).unwrap()
    }

    fn stats(&self) -> Stats {
        AnyReader::open(&self.data()).unwrap().stats().unwrap()
    }
}

/// A text of `words` words drawn from a small vocabulary by a seeded
/// generator: distinct seeds give unrelated texts.
fn text(seed: u64, words: usize) -> String {
    const VOCABULARY: &[&str] = &[
        "council",
        "harbour",
        "minister",
        "river",
        "budget",
        "talks",
        "storm",
        "court",
        "election",
        "factory",
        "strike",
        "treaty",
        "border",
        "museum",
        "bridge",
        "railway",
        "hospital",
        "school",
        "market",
        "festival",
        "farmers",
        "drought",
        "vaccine",
        "police",
        "protest",
        "summit",
        "airport",
        "tariff",
        "mayor",
        "senate",
        "orchestra",
        "league",
        "forest",
        "mine",
        "bank",
        "ferry",
        "census",
        "library",
        "stadium",
        "reactor",
    ];
    let mut state = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
    let mut out = Vec::with_capacity(words);
    for _ in 0..words {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        out.push(VOCABULARY[(state % VOCABULARY.len() as u64) as usize]);
    }
    format!("{}.", out.join(" "))
}

fn plain(id: &str, external_id: Option<&str>, body: &str) -> Document {
    Document::new(Analysis::from_article(Article {
        id: id.into(),
        external_id: external_id.map(String::from),
        title: Some(format!("Story {id}")),
        text: body.into(),
        ..Article::default()
    }))
    .unwrap()
}

fn outcomes_of(store: &mut AnyStore, documents: &[Document]) -> Vec<Outcome> {
    store.write(documents).unwrap()
}

#[test]
fn writing_an_article_twice_stores_one_row() {
    for backend in Backend::all("writing_an_article_twice_stores_one_row") {
        let name = backend.name();
        let body = text(1, 80);
        let mut store = backend.store();
        let first = outcomes_of(
            &mut store,
            &[plain("a", None, &body), plain("a", None, &body)],
        );
        assert!(
            matches!(
                first[0],
                Outcome::Stored {
                    duplicate_of: None,
                    ..
                }
            ),
            "{name}: {first:?}"
        );
        assert!(
            matches!(
                first[1],
                Outcome::Duplicate {
                    stored_before: false,
                    ..
                }
            ),
            "{name}: {first:?}"
        );
        let again = outcomes_of(&mut store, &[plain("a", None, &body)]);
        assert!(
            matches!(
                again[0],
                Outcome::Duplicate {
                    stored_before: false,
                    ..
                }
            ),
            "{name}: {again:?}"
        );
        drop(store);
        // A rerun: the article was stored before this store was opened.
        let mut reopened = backend.store();
        let rerun = outcomes_of(&mut reopened, &[plain("a", None, &body)]);
        assert!(
            matches!(
                rerun[0],
                Outcome::Duplicate {
                    stored_before: true,
                    ..
                }
            ),
            "{name}: {rerun:?}"
        );
        // An external id is one article's.
        let taken = outcomes_of(
            &mut reopened,
            &[
                plain("b", Some("wire-1"), &text(2, 80)),
                plain("c", Some("wire-1"), &text(3, 80)),
            ],
        );
        assert!(
            matches!(&taken[1], Outcome::ExternalIdTaken { external_id, .. } if external_id == "wire-1"),
            "{name}: {taken:?}"
        );
        let stats = backend.stats();
        assert_eq!((stats.articles, stats.near_duplicates), (2, 0), "{name}");
        let found = AnyReader::open(&backend.data())
            .unwrap()
            .stored(&["a", "b", "c"])
            .unwrap();
        let mut ids: Vec<&String> = found.keys().collect();
        ids.sort();
        assert_eq!(ids, ["a", "b"], "{name}");
    }
}

#[test]
fn near_duplicates_point_at_the_first_seen_copy_and_short_texts_match_by_content() {
    for backend in Backend::all("near_duplicates_point_at_the_first_seen_copy") {
        let name = backend.name();
        let story = text(10, 120);
        let mut store = backend.store();
        let outcomes = outcomes_of(
            &mut store,
            &[
                plain("original", None, &story),
                plain("copy", None, &format!("{story} Copyright 2025 The Wire.")),
                plain("other", None, &text(11, 120)),
                plain("short", None, "Markets closed higher."),
                plain("short-again", None, "Markets  closed HIGHER"),
            ],
        );
        let Outcome::Stored {
            article: original, ..
        } = outcomes[0]
        else {
            panic!("{name}: {outcomes:?}")
        };
        assert!(
            matches!(outcomes[1], Outcome::Stored { duplicate_of: Some(o), .. } if o == original),
            "{name}: {outcomes:?}"
        );
        assert!(
            matches!(
                outcomes[2],
                Outcome::Stored {
                    duplicate_of: None,
                    ..
                }
            ),
            "{name}: {outcomes:?}"
        );
        assert!(
            matches!(
                outcomes[4],
                Outcome::Stored {
                    duplicate_of: Some(_),
                    ..
                }
            ),
            "{name}: {outcomes:?}"
        );
        // A copy in a later batch, by another writer, finds it too.
        drop(store);
        let later = outcomes_of(
            &mut backend.store(),
            &[plain(
                "late-copy",
                None,
                &format!("{story} Share this story."),
            )],
        );
        assert!(
            matches!(later[0], Outcome::Stored { duplicate_of: Some(o), .. } if o == original),
            "{name}: {later:?}"
        );
    }
}

/// Stories written by one writer while another writes their copies, at
/// the same moment where the backend allows it (PostgreSQL: two threads,
/// each with its own connection; a data directory has one writer at a
/// time, so there the two take turns). Each story must be kept once: one
/// first-seen copy, the other pointing at it.
#[test]
fn two_writers_storing_copies_at_once_keep_one_of_each() {
    const STORIES: u64 = 60;
    for backend in Backend::all("two_writers_storing_copies_at_once_keep_one_of_each") {
        let name = backend.name();
        let stories: Vec<String> = (0..STORIES).map(|i| text(100 + i, 150)).collect();
        let originals: Vec<Document> = stories
            .iter()
            .enumerate()
            .map(|(i, s)| plain(&format!("wire-{i}"), None, s))
            .collect();
        let copies: Vec<Document> = stories
            .iter()
            .enumerate()
            .map(|(i, s)| {
                plain(
                    &format!("paper-{i}"),
                    None,
                    &format!("{s} Reported by desk {i}."),
                )
            })
            .collect();
        match &backend {
            Backend::Sqlite(_) => {
                // One small batch at a time, alternating writers.
                for (a, b) in originals.chunks(10).zip(copies.chunks(10)) {
                    backend.store().write(a).unwrap();
                    backend.store().write(b).unwrap();
                }
            }
            Backend::Postgres(_) => {
                let barrier = Arc::new(Barrier::new(2));
                let writers: Vec<_> = [originals, copies]
                    .into_iter()
                    .map(|documents| {
                        let data = backend.data();
                        let barrier = Arc::clone(&barrier);
                        std::thread::spawn(move || {
                            let mut store = AnyStore::open(&data).unwrap();
                            barrier.wait();
                            for batch in documents.chunks(10) {
                                store.write(batch).unwrap();
                            }
                        })
                    })
                    .collect();
                for writer in writers {
                    writer.join().unwrap();
                }
            }
        }
        let stats = backend.stats();
        assert_eq!(
            (stats.articles, stats.near_duplicates),
            (2 * STORIES, STORIES),
            "{name}: every story once, every copy pointing at it"
        );
        assert_eq!(
            rollup_mismatches(&backend),
            Vec::<String>::new(),
            "{name}: the rollups two writers kept equal a recount"
        );
    }
}

/// The rollups that differ from a recount of the rows they sum.
fn rollup_mismatches(backend: &Backend) -> Vec<String> {
    chancery_store::Queries::open_data(&backend.data())
        .unwrap()
        .rollup_mismatches()
        .unwrap()
}

fn entity(id: &str, name: &str, kind: EntityKind, code: &str, start: usize) -> Entity {
    Entity {
        id: id.into(),
        name: name.into(),
        kind,
        country: Some(code.into()),
        actor_code: Some(code.into()),
        aliases: Vec::new(),
        roles: Vec::new(),
        mentions: vec![chancery_model::Mention {
            span: Span::new(start, start + name.len()),
        }],
    }
}

fn event(code: &str, source: (&str, &str), date: Option<&str>, evidence: Span) -> Event {
    Event {
        code: code.into(),
        root: code[..2].into(),
        quad_class: 1,
        goldstein: 3.5,
        plover: None,
        source: Some(EventActor {
            code: Some(source.1.into()),
            entity: Some(source.0.into()),
            name: None,
        }),
        target: None,
        modality: Modality::Asserted,
        date: date.map(|d| chancery_model::EventDate {
            value: d.into(),
            precision: DatePrecision::Day,
            text: None,
        }),
        location: None,
        trigger: Span::new(evidence.start, evidence.start + 4),
        evidence,
        mentions: vec![evidence],
        confidence: 0.8,
        background: false,
        reported_by: None,
    }
}

/// Articles with entities, quotes and events, a near-duplicate among
/// them, dated and undated, from two sites.
fn annotated_corpus() -> Vec<Document> {
    let mut documents = Vec::new();
    for i in 0..12_u64 {
        let lead = if i % 2 == 0 { "France" } else { "Chile" };
        let code = if i % 2 == 0 { "FRA" } else { "CHL" };
        let body = format!(
            "{lead} said Anna Berg will visit. {}",
            text(200 + i / 2 * 2, 90)
        );
        let mut analysis = Analysis::from_article(Article {
            id: format!("doc-{i}"),
            url: Some(format!(
                "https://{}/news/{i}",
                if i % 3 == 0 {
                    "www.example.org"
                } else {
                    "news.example.com"
                }
            )),
            title: Some(format!("{lead} story {i}")),
            published: (i % 4 != 3).then(|| Published {
                value: format!("2025-0{}-1{}", 1 + i % 5, i % 10),
                precision: DatePrecision::Day,
                from: "input".into(),
            }),
            text: body.clone(),
            ..Article::default()
        });
        let person_at = lead.len() + " said ".len();
        analysis.entities = vec![
            entity("e1", lead, EntityKind::Country, code, 0),
            entity("e2", "Anna Berg", EntityKind::Person, code, person_at),
        ];
        analysis.quotes = vec![Quote {
            span: Span::new(person_at, person_at + 20),
            kind: QuoteKind::Indirect,
            speaker: Some("e1".into()),
            speaker_text: Some(lead.into()),
            speaker_start: Some(0),
            speaker_end: Some(lead.len()),
            cue: None,
            confidence: 0.7,
        }];
        let sentence = Span::new(0, body.find('.').unwrap() + 1);
        analysis.events = vec![event("036", ("e2", code), None, sentence)];
        if i % 3 == 1 {
            // Aimed at the other country: a country pair.
            let mut aimed = event("057", ("e1", code), Some("2025-02-03"), sentence);
            aimed.target = Some(EventActor {
                code: Some(if code == "FRA" { "CHLGOV" } else { "FRAGOV" }.into()),
                entity: None,
                name: None,
            });
            analysis.events.push(aimed);
        }
        documents.push(Document::new(analysis).unwrap());
    }
    documents
}

/// What the pages read from the keyed event rollups (an entity's and a
/// country pair's events, counts and charts) and the similar articles.
type KeyedReads = (
    Vec<Option<chancery_store::EventRollup>>,
    Vec<(u64, Vec<i64>)>,
    Vec<Vec<(i64, String)>>,
);

fn keyed_reads(backend: &Backend) -> KeyedReads {
    use chancery_store::{CountryPair, EventFilter};
    let q = chancery_store::Queries::open_data(&backend.data()).unwrap();
    let filters = [
        EventFilter {
            entity: Some("Anna Berg".into()),
            ..EventFilter::default()
        },
        EventFilter {
            entity: Some("France".into()),
            ..EventFilter::default()
        },
        EventFilter {
            countries: Some(CountryPair("CHL".into(), "FRA".into())),
            ..EventFilter::default()
        },
    ];
    let rollups = filters
        .iter()
        .map(|f| q.event_rollup(f).unwrap())
        .collect::<Vec<_>>();
    assert!(
        rollups
            .iter()
            .all(|r| r.as_ref().is_some_and(|r| r.total > 0)),
        "{rollups:?}"
    );
    let mut pages = Vec::new();
    for filter in &filters {
        for (limit, offset) in [(2, 0), (3, 1), (50, 0)] {
            let page = q
                .events(&EventFilter {
                    limit: Some(limit),
                    offset: Some(offset),
                    ..filter.clone()
                })
                .unwrap();
            pages.push((page.total, page.items.iter().map(|e| e.id).collect()));
        }
    }
    let similar = (1..=4)
        .map(|id| {
            q.similar(id, 8)
                .unwrap()
                .into_iter()
                .map(|s| (s.article.id, s.shared.join("|")))
                .collect()
        })
        .collect();
    (rollups, pages, similar)
}

/// A PostgreSQL store of version 3 (no keyed event rollups) gains them on
/// its next connection, counted from its rows: equal to a recount and to
/// what a store written at version 4 reads.
#[test]
fn a_version_3_postgres_store_gains_keyed_rollups_equal_to_a_recount() {
    let Some(db) = TestDb::new("pg_keyed_rollups_upgrade") else {
        return;
    };
    let backend = Backend::Postgres(db);
    let mut store = backend.store();
    for batch in annotated_corpus().chunks(5) {
        store.write(batch).unwrap();
    }
    drop(store);
    let written = keyed_reads(&backend);
    let Backend::Postgres(db) = &backend else {
        unreachable!()
    };
    db.client()
        .batch_execute(&chancery_store::testing::pg_back_to(3))
        .unwrap();
    drop(backend.store());
    let version: i32 = db
        .client()
        .query_one("SELECT max(version) FROM chancery.schema_version", &[])
        .unwrap()
        .get(0);
    assert_eq!(version, chancery_store::PG_SCHEMA_VERSION);
    assert_eq!(rollup_mismatches(&backend), Vec::<String>::new());
    assert_eq!(keyed_reads(&backend), written);
}

/// What an export reads, without the storing time (which differs).
#[derive(Debug, PartialEq)]
struct Exported {
    articles: Vec<(i64, String)>,
    events: Vec<chancery_store::ExportEvent>,
    counts: Vec<(u64, u64)>,
}

fn export(data: &std::path::Path) -> Exported {
    let reader = AnyExport::open(data).unwrap();
    let filters = [
        ExportFilter::default(),
        ExportFilter {
            from: Some("2025-02".into()),
            to: Some("2025-04-15".into()),
            ..ExportFilter::default()
        },
        ExportFilter {
            country: Some("chl".into()),
            ..ExportFilter::default()
        },
        ExportFilter {
            source: Some("example.org".into()),
            ..ExportFilter::default()
        },
    ];
    let mut exported = Exported {
        articles: Vec::new(),
        events: Vec::new(),
        counts: Vec::new(),
    };
    for filter in &filters {
        reader
            .for_each_article(filter, |a| -> Result<(), StoreError> {
                assert_eq!(reader.article(a.id).unwrap().unwrap().analysis, a.analysis);
                exported.articles.push((a.id, a.analysis));
                Ok(())
            })
            .unwrap();
        reader
            .for_each_event(filter, |e| -> Result<(), StoreError> {
                exported.events.push(e);
                Ok(())
            })
            .unwrap();
        exported.counts.push((
            reader.count_articles(filter).unwrap(),
            reader.count_events(filter).unwrap(),
        ));
    }
    exported
}

#[test]
fn the_same_input_exports_the_same_from_either_backend() {
    let backends = Backend::all("the_same_input_exports_the_same_from_either_backend");
    let documents = annotated_corpus();
    let mut results = Vec::new();
    for backend in &backends {
        let mut store = backend.store();
        for batch in documents.chunks(5) {
            store.write(batch).unwrap();
        }
        drop(store);
        let exported = export(&backend.data());
        let stats = backend.stats();
        // Some near-duplicates (pairs share their text), some events.
        assert!(stats.near_duplicates > 0 && stats.events > 0, "{stats:?}");
        assert_eq!(exported.counts[0].0, stats.articles - stats.near_duplicates);
        assert_eq!(rollup_mismatches(backend), Vec::<String>::new());
        results.push((backend.name(), stats, exported, keyed_reads(backend)));
    }
    if results.len() < 2 {
        return;
    }
    let (sqlite, postgres) = (&results[0], &results[1]);
    assert_eq!(sqlite.3, postgres.3, "keyed rollups and similar articles");
    assert_eq!(sqlite.1, postgres.1, "stats");
    assert_eq!(sqlite.2.counts, postgres.2.counts, "counts");
    assert_eq!(sqlite.2.articles, postgres.2.articles, "articles");
    assert_eq!(sqlite.2.events, postgres.2.events, "events");
}

#[test]
fn the_registry_reads_the_same_people_from_either_backend() {
    let backends = Backend::all("the_registry_reads_the_same_people_from_either_backend");
    let mut people = Vec::new();
    for backend in &backends {
        backend.store().write(&annotated_corpus()).unwrap();
        let mut seen = Vec::new();
        AnyReader::open(&backend.data())
            .unwrap()
            .for_each_person_upto(i64::MAX, |p| seen.push((p.article, p.name, p.published)))
            .unwrap();
        assert!(!seen.is_empty(), "{}", backend.name());
        people.push(seen);
    }
    if let [sqlite, postgres] = people.as_slice() {
        assert_eq!(sqlite, postgres);
    }
}

#[test]
fn what_only_a_data_directory_keeps_is_refused_on_postgres_with_advice() {
    let Some(db) = TestDb::new("what_only_a_data_directory_keeps_is_refused_on_postgres") else {
        return;
    };
    let store = AnyStore::open(std::path::Path::new(&db.url)).unwrap();
    let error = store.sqlite("the watch state").unwrap_err();
    assert!(error.to_string().contains("--data DIR"), "{error}");
}

#[test]
fn an_unreachable_database_is_reported_with_what_to_check() {
    // Port 1 on loopback: nothing listens there.
    let error = AnyStore::open(std::path::Path::new(
        "postgres://chancery:secret@127.0.0.1:1/news",
    ))
    .unwrap_err();
    let message = error.to_string();
    assert!(message.contains("is the server running"), "{message}");
    assert!(!message.contains("secret"), "{message}");
}

/// Runs `each` with the backend's story book: a data directory's writer
/// and reader, or the elected clusterer's PostgreSQL connection.
fn with_story_book(backend: &Backend, each: impl FnOnce(&mut dyn StoryBook)) {
    match backend {
        Backend::Sqlite(dir) => {
            let mut store = Store::open(dir.path()).unwrap();
            let reader = Reader::open(dir.path()).unwrap();
            each(&mut SqliteStories {
                store: &mut store,
                reader: &reader,
            });
        }
        Backend::Postgres(db) => {
            let mut book = PgStories::open(&db.url).unwrap();
            assert!(book.try_elect().unwrap(), "no other clusterer");
            each(&mut book);
        }
    }
}

fn update<'a>(
    stories: &'a [(u32, Vec<u8>)],
    norms: &'a [(u32, Vec<u8>)],
    retired: &'a [u32],
    (frequencies, change): (Option<&'a [u8]>, Option<&'a [u8]>),
    last_article: i64,
) -> StoryStateUpdate<'a> {
    StoryStateUpdate {
        header: b"header",
        frequencies,
        frequency_changes: change,
        stories,
        norms,
        retired,
        last_article,
    }
}

/// What a backend's stories read back as, for comparing the two.
type StoriesSeen = (
    StoryState,
    Vec<Option<i64>>,
    Vec<i64>,
    Vec<i64>,
    Vec<(i64, i64, i64, Option<String>)>,
    Vec<(String, Option<i64>)>,
);

/// Story ids and the saved clusterer are written and read back the same in
/// either backend: the state's rows (whole table, changes in order, norms
/// over records until the next record or retirement), a near-duplicate
/// following its original, catch-up pages in id order, the settle window,
/// and the summaries and listings the `stories` command prints.
#[test]
fn stories_and_the_saved_clusterer_read_back_the_same_from_either_backend() {
    let mut seen: Vec<StoriesSeen> = Vec::new();
    for backend in Backend::all("stories_and_the_saved_clusterer_read_back_the_same") {
        let name = backend.name();
        let body = text(41, 90);
        let ids: Vec<i64> = outcomes_of(
            &mut backend.store(),
            &[
                plain("a", None, &body),
                plain("b", None, &text(42, 90)),
                plain("c", None, &format!("{body} Reporting by the night desk.")),
            ],
        )
        .iter()
        .map(|o| match o {
            Outcome::Stored { article, .. } => *article,
            other => panic!("{name}: {other:?}"),
        })
        .collect();
        let (a, b, c) = (ids[0], ids[1], ids[2]);
        let mut result = None;
        with_story_book(&backend, |book| {
            assert_eq!(book.story_state().unwrap(), None, "{name}: nothing saved");
            let records = [(7, b"seven".to_vec()), (8, b"eight".to_vec())];
            book.save_stories(
                &[(a, 7), (b, 8), (c, 7)],
                Some(&update(&records, &[], &[], (Some(b"table"), None), c)),
            )
            .unwrap();
            let norms = [(8, b"n8".to_vec()), (7, b"n7".to_vec())];
            book.save_stories(
                &[],
                Some(&update(&[], &norms, &[], (None, Some(b"change 1")), c)),
            )
            .unwrap();
            // A settle pass moves a to a new story: its copy c follows.
            let nine = [(9, b"nine".to_vec())];
            book.save_stories(
                &[(a, 9)],
                Some(&update(&nine, &[], &[7], (None, Some(b"change 2")), c)),
            )
            .unwrap();
            let state = book.story_state().unwrap().expect("saved");
            let stories = [a, b, c].map(|id| book.story_of(id).unwrap()).to_vec();
            assert_eq!(stories, [Some(9), Some(8), Some(9)], "{name}");
            let page: Vec<i64> = book
                .story_inputs(0, i64::MAX, 2)
                .unwrap()
                .iter()
                .map(|i| i.article)
                .collect();
            let window: Vec<i64> = book
                .recent_story_inputs(c, 5)
                .unwrap()
                .iter()
                .map(|i| i.article)
                .collect();
            assert_eq!(page, [a, b], "{name}: a page in id order");
            assert_eq!(window, [a, b], "{name}: canonical articles only");
            let after = book.story_inputs(a, b, 10).unwrap();
            assert_eq!(after.len(), 1, "{name}: (a, b] holds b");
            assert!(after[0].analysis.is_some(), "{name}: the analysis decoded");
            result = Some((state, stories, page, window));
        });
        let (state, stories, page, window) = result.unwrap();
        assert_eq!(state.frequencies, b"table", "{name}");
        assert_eq!(
            state.frequency_changes,
            [b"change 1".to_vec(), b"change 2".to_vec()],
            "{name}: in the order saved"
        );
        assert_eq!(
            state.stories,
            [b"eight".to_vec(), b"nine".to_vec()],
            "{name}"
        );
        assert_eq!(
            state.norms,
            [b"n8".to_vec()],
            "{name}: a retired story's norms go with it"
        );
        assert_eq!(state.last_article, c, "{name}");
        let reader = AnyReader::open(&backend.data()).unwrap();
        let summaries = reader
            .stories(10)
            .unwrap()
            .into_iter()
            .map(|s| (s.story, s.articles, s.copies, s.title))
            .collect();
        let mut listed = Vec::new();
        reader
            .article_stories(|s| listed.push((s.doc_id, s.story)))
            .unwrap();
        seen.push((state, stories, page, window, summaries, listed));
    }
    if let [sqlite, postgres] = seen.as_slice() {
        // Internal ids may differ; what they point at may not.
        assert_eq!(sqlite.0.stories, postgres.0.stories);
        assert_eq!(sqlite.0.norms, postgres.0.norms);
        assert_eq!(sqlite.0.frequency_changes, postgres.0.frequency_changes);
        assert_eq!(sqlite.1, postgres.1, "story ids");
        assert_eq!(sqlite.4, postgres.4, "summaries");
        assert_eq!(sqlite.5, postgres.5, "listings");
    }
}

/// The story rollup kept as story ids are saved equals a recount after
/// every save: articles (dated and undated, with events, a near-duplicate
/// among them) opening stories and joining stories that have a row, then
/// moving between stories, in either backend.
#[test]
fn the_story_rollup_follows_joins_and_moves() {
    for backend in Backend::all("the_story_rollup_follows_joins_and_moves") {
        let name = backend.name();
        let ids: Vec<i64> = outcomes_of(&mut backend.store(), &annotated_corpus())
            .iter()
            .filter_map(|o| match o {
                Outcome::Stored { article, .. } => Some(*article),
                _ => None,
            })
            .collect();
        assert!(ids.len() >= 11, "{name}: {ids:?}");
        let saves: Vec<Vec<(i64, i64)>> = vec![
            ids[..4].iter().map(|&a| (a, 1)).collect(),
            (4..8).map(|i| (ids[i], 1 + i as i64 % 2)).collect(),
            ids[8..].iter().map(|&a| (a, 2)).collect(),
            vec![(ids[0], 3), (ids[5], 3), (ids[9], 1)],
            vec![(ids[1], 2), (ids[0], 1)],
        ];
        for (i, pairs) in saves.iter().enumerate() {
            with_story_book(&backend, |book| book.save_stories(pairs, None).unwrap());
            assert_eq!(
                rollup_mismatches(&backend),
                Vec::<String>::new(),
                "{name}: after save {i}"
            );
        }
    }
}

/// One clusterer at a time: a second connection is not elected while the
/// first lives, and is once the first is gone (a killed clusterer's session
/// ends the same way). The horizon waits for no batch in flight.
#[test]
fn one_clusterer_is_elected_and_its_end_frees_the_election() {
    let Some(db) = TestDb::new("one_clusterer_is_elected") else {
        return;
    };
    let mut first = PgStories::open(&db.url).unwrap();
    let mut second = PgStories::open(&db.url).unwrap();
    assert!(first.try_elect().unwrap());
    assert!(first.try_elect().unwrap(), "stays elected");
    assert!(!second.try_elect().unwrap(), "one clusterer at a time");
    drop(first);
    assert!(second.try_elect().unwrap(), "the election is free again");

    let mut store = AnyStore::open(std::path::Path::new(&db.url)).unwrap();
    store.write(&[plain("x", None, &text(51, 60))]).unwrap();
    assert_eq!(second.horizon(false).unwrap(), Some(1));
    // A batch in flight (the writers' lock held shared, uncommitted):
    // the horizon does not pass it without waiting.
    let mut writer = db.client();
    let mut tx = writer.transaction().unwrap();
    tx.execute(
        "SELECT pg_advisory_xact_lock_shared($1)",
        &[&chancery_store::testing::WRITE_LOCK],
    )
    .unwrap();
    assert_eq!(second.horizon(false).unwrap(), None);
    tx.commit().unwrap();
    assert_eq!(second.horizon(false).unwrap(), Some(1));
    assert_eq!(second.horizon(true).unwrap(), Some(1));
}
