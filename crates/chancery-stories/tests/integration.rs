//! Made-up articles about two look-alike events (two earthquakes, two rehab
//! check-ins), fed to the online and the batch clusterer.

use chancery_stories::{cluster_batch, Clusterer, Config, Day, Document, StoryId};
use proptest::prelude::*;

/// (title, text, event): four short reports of each of four events, two pairs
/// of look-alikes.
const ARTICLES: &[(&str, &str, u8)] = &[
    ("Magnitude 8.8 earthquake strikes Chile",
     "A magnitude 8.8 earthquake struck off the coast of Chile early on Saturday, shaking Santiago and Concepcion. President Michelle Bachelet declared a state of catastrophe.", 0),
    ("Powerful quake hits Indonesia's Sumatra",
     "A magnitude 7.6 earthquake hit the Indonesian island of Sumatra on Wednesday, collapsing buildings in Padang. Officials in Jakarta said rescuers were searching the rubble.", 1),
    ("Chile quake death toll rises",
     "The death toll from the magnitude 8.8 earthquake in Chile rose to 700 as rescuers reached Concepcion. Bachelet sent troops to the Maule region after looting.", 0),
    ("Padang buildings flattened by Sumatra earthquake",
     "Rescuers dug through collapsed hotels and schools in Padang after the 7.6 magnitude earthquake off Sumatra. Indonesia's disaster agency said hundreds were dead.", 1),
    ("Lohan checks into Betty Ford",
     "Lindsay Lohan checked into the Betty Ford Center to begin a 90-day court-ordered rehab stay, her lawyer said. The actress had been sentenced for a reckless driving case.", 2),
    ("Chile tsunami warning lifted after 8.8 quake",
     "Pacific nations lifted tsunami warnings after the Chile earthquake of magnitude 8.8. In Concepcion, Bachelet toured damaged buildings and promised aid.", 0),
    ("Tara Reid enters Promises rehab",
     "Tara Reid checked herself into Promises Treatment Center in Malibu, her rep Jack Ketsoyan told People. The American Pie actress asked for privacy.", 3),
    ("Sumatra quake: aid reaches Padang",
     "Aid began to reach Padang on Sumatra two days after the magnitude 7.6 earthquake. Indonesia's president visited the city and thousands slept outside.", 1),
    ("Lindsay Lohan begins court-ordered rehab",
     "Lohan arrived at the Betty Ford Center in the desert early Friday. Her 90-day stay was ordered by a judge after the reckless driving conviction.", 2),
    ("Reid's rep confirms Promises stay",
     "Ketsoyan confirmed that Tara Reid is at Promises Treatment Center in Malibu. Reid launched a fashion line in December.", 3),
    ("Bachelet: Chile will rebuild after quake",
     "Michelle Bachelet said Chile would rebuild Concepcion and the Maule region after the 8.8 earthquake, the strongest in decades.", 0),
    ("Lohan's Betty Ford stay",
     "Lindsay Lohan is at Betty Ford for 90 days under the court order, the judge's office said, after the reckless driving case.", 2),
    ("Indonesia counts Sumatra quake dead",
     "Indonesia said the death toll from the 7.6 earthquake on Sumatra passed 1,000, most of them in Padang.", 1),
    ("Tara Reid at Promises",
     "The American Pie star Tara Reid is being treated at Promises in Malibu, Ketsoyan said.", 3),
];

fn documents() -> Vec<Document<'static>> {
    ARTICLES
        .iter()
        .map(|&(title, text, _)| Document {
            id: title,
            title,
            text,
            published: None,
            entities: &[],
        })
        .collect()
}

/// True when `stories` groups the articles exactly as their events do.
fn matches_events(stories: &[usize]) -> bool {
    (0..ARTICLES.len()).all(|i| {
        (0..ARTICLES.len()).all(|j| (stories[i] == stories[j]) == (ARTICLES[i].2 == ARTICLES[j].2))
    })
}

fn online(config: Config) -> Vec<usize> {
    let mut clusterer = Clusterer::new(config);
    let mut stories = Vec::new();
    for document in documents() {
        let assignment = clusterer.add(&document);
        stories.push(assignment.story.0 as usize);
        for moved in assignment.moved {
            stories[moved.article as usize] = moved.to.0 as usize;
        }
    }
    stories
}

#[test]
fn online_tells_look_alike_events_apart() {
    let stories = online(Config::default());
    assert!(matches_events(&stories), "{stories:?}");
}

#[test]
fn batch_tells_look_alike_events_apart() {
    let stories = cluster_batch(&documents(), &Config::default());
    assert!(matches_events(&stories), "{stories:?}");
}

#[test]
fn same_order_same_stories() {
    assert_eq!(online(Config::default()), online(Config::default()));
}

#[test]
fn the_time_window_keeps_far_apart_articles_apart() {
    let (title, text, _) = ARTICLES[0];
    let mut clusterer = Clusterer::new(Config::default());
    let day = |d| Day::from_ymd(2010, 2, 27).map(|start| Day(start.0 + d));
    let at = |d| Document {
        id: "x",
        title,
        text,
        published: day(d),
        entities: &[],
    };
    let first = clusterer.add(&at(0));
    let soon = clusterer.add(&at(3));
    let late = clusterer.add(&at(400));
    assert_eq!(first.story, soon.story);
    assert_ne!(first.story, late.story);
    // The first story was retired when the clock moved past its window.
    assert_eq!(clusterer.stories().count(), 1);
}

#[test]
fn live_stories_are_capped() {
    let config = Config {
        max_live_stories: 3,
        ..Config::default()
    };
    let mut clusterer = Clusterer::new(config);
    for (i, document) in documents().iter().enumerate() {
        clusterer.add(document);
        assert!(clusterer.stories().count() <= 3, "after article {i}");
    }
}

#[test]
fn entity_keys_link_articles_that_share_few_words() {
    let keys = ["Abbas Araghchi".to_string(), "IRNGOV".to_string()];
    let config = Config::default();
    let mut clusterer = Clusterer::new(config);
    let a = clusterer.add(&Document {
        id: "a",
        title: "",
        text: "The minister carried a letter to Moscow.",
        published: None,
        entities: &keys,
    });
    let b = clusterer.add(&Document {
        id: "b",
        title: "",
        text: "Tehran's envoy handed over the message at the Kremlin.",
        published: None,
        entities: &keys,
    });
    assert_eq!(a.story, b.story);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Any text gives assignments, each to a story that exists, and the same
    /// input twice gives the same stories.
    #[test]
    fn any_text_is_clustered(texts in prop::collection::vec(".{0,200}", 1..12)) {
        let run = || {
            let mut clusterer = Clusterer::new(Config::default());
            texts
                .iter()
                .map(|t| {
                    let a = clusterer.add(&Document { id: "p", title: "", text: t, published: None, entities: &[] });
                    (a.story, a.opened, a.moved)
                })
                .collect::<Vec<_>>()
        };
        let first = run();
        prop_assert!(first[0].1, "the first article opens a story");
        prop_assert_eq!(first, run());
        let docs: Vec<Document> = texts
            .iter()
            .map(|t| Document { id: "p", title: "", text: t, published: None, entities: &[] })
            .collect();
        let batch = cluster_batch(&docs, &Config::default());
        prop_assert_eq!(batch.len(), texts.len());
        prop_assert_eq!(batch[0], 0);
    }
}

/// A saved store of the parts `take_changes` hands over, as a store keeps
/// them: the latest header, the last whole frequency table and the changes
/// to it since, one record per live story.
#[derive(Default)]
struct Saved {
    header: Vec<u8>,
    frequencies: Vec<u8>,
    frequency_changes: Vec<Vec<u8>>,
    norms: std::collections::BTreeMap<u32, Vec<u8>>,
    stories: std::collections::BTreeMap<u32, Vec<u8>>,
}

impl Saved {
    fn apply(&mut self, changes: chancery_stories::StateChanges) {
        self.header = changes.header;
        if let Some(f) = changes.frequencies {
            self.frequencies = f;
            self.frequency_changes.clear();
        }
        self.frequency_changes.extend(changes.frequency_changes);
        for (id, bytes) in changes.stories {
            self.stories.insert(id, bytes);
            self.norms.remove(&id);
        }
        self.norms.extend(changes.norms);
        for id in changes.retired {
            self.stories.remove(&id);
            self.norms.remove(&id);
        }
    }

    fn restore(&self, config: Config) -> Clusterer {
        Clusterer::restore(
            config,
            &self.header,
            &self.frequencies,
            self.frequency_changes.iter().map(Vec::as_slice),
            self.stories.values().map(Vec::as_slice),
            self.norms.values().map(Vec::as_slice),
        )
        .expect("the saved state restores")
    }
}

/// Dated articles of the fixture, repeated with shifted days so that
/// stories retire, split and merge along the way.
fn long_stream() -> Vec<(String, String, Option<Day>)> {
    (0..6)
        .flat_map(|round| {
            ARTICLES
                .iter()
                .enumerate()
                .map(move |(i, &(title, text, _))| {
                    (
                        format!("{round}-{i}"),
                        format!("{title} {round}"),
                        Day::from_ymd(2010, 1, 1).map(|d| Day(d.0 + round * 40 + i as i32)),
                    )
                        .into_with(text)
                })
        })
        .collect()
}

trait IntoWith {
    fn into_with(self, text: &str) -> (String, String, Option<Day>);
}

impl IntoWith for (String, String, Option<Day>) {
    fn into_with(self, text: &str) -> (String, String, Option<Day>) {
        (self.0, format!("{}\n{text}", self.1), self.2)
    }
}

fn feed(clusterer: &mut Clusterer, item: &(String, String, Option<Day>)) -> (u32, Vec<(u64, u32)>) {
    let (title, text) = item.1.split_once('\n').unwrap();
    let a = clusterer.add(&Document {
        id: &item.0,
        title,
        text,
        published: item.2,
        entities: &[],
    });
    (
        a.story.0,
        a.moved.iter().map(|m| (m.article, m.to.0)).collect(),
    )
}

#[test]
fn a_restored_clusterer_continues_as_the_uninterrupted_one() {
    // A window smaller than the stream, so that recalled arrivals matter and
    // old ones leave the window; recency lists shorter than the live
    // stories, so that stories drop off them and come back when a listed
    // one retires or merges away.
    for (settle_window, postings_per_term) in [(0, 32), (20, 32), (0, 2), (20, 2)] {
        let stream = long_stream();
        // With a settle window, a strict threshold whose online stories the
        // settle pass changes, and no split or merge: the moves are its own.
        let config = Config {
            max_live_stories: 6,
            postings_per_term,
            settle_window,
            threshold: if settle_window > 0 { 0.7 } else { 0.3 },
            split: settle_window == 0,
            merge: settle_window == 0,
            ..Config::default()
        };
        let mut whole = Clusterer::new(config.clone());
        let expected: Vec<_> = stream.iter().map(|item| feed(&mut whole, item)).collect();
        if settle_window > 0 {
            assert!(
                expected.iter().any(|(_, moved)| !moved.is_empty()),
                "the stream makes the settle pass move articles"
            );
        }
        // Saved after every few articles, restored from the saved parts each
        // time, as ingest runs that stop and start again would; the caller
        // gives back the latest arrivals with their stories.
        for every in [1, 5, 13] {
            let mut saved = Saved::default();
            let mut clusterer = Clusterer::new(config.clone());
            let mut got = Vec::new();
            let mut story_of: Vec<u32> = Vec::new();
            for (n, item) in stream.iter().enumerate() {
                let (story, moved) = feed(&mut clusterer, item);
                story_of.push(story);
                for &(article, to) in &moved {
                    story_of[article as usize] = to;
                }
                got.push((story, moved));
                if (n + 1) % every == 0 {
                    saved.apply(clusterer.take_changes());
                    clusterer = saved.restore(config.clone());
                    let from = (n + 1).saturating_sub(settle_window);
                    let recalled: Vec<(Document<'_>, StoryId)> = stream[from..=n]
                        .iter()
                        .zip(&story_of[from..])
                        .map(|(item, &story)| {
                            let (title, text) = item.1.split_once('\n').unwrap();
                            (
                                Document {
                                    id: &item.0,
                                    title,
                                    text,
                                    published: item.2,
                                    entities: &[],
                                },
                                StoryId(story),
                            )
                        })
                        .collect();
                    clusterer.recall(&recalled);
                }
            }
            assert_eq!(
                got, expected,
                "saved every {every} articles, window {settle_window}, lists of {postings_per_term}"
            );
            assert!(saved.stories.len() <= 6, "retired stories are deleted");
        }
    }
}

/// After a settle pass over a window that holds every article, the stories
/// are the batch result (the same groups, whatever the ids).
#[test]
fn settled_stories_are_the_batch_result() {
    let documents = documents();
    let config = Config {
        settle_window: 64,
        ..Config::default()
    };
    for threshold in [0.1, 0.3, 0.6, 0.9] {
        let config = Config {
            threshold,
            ..config.clone()
        };
        let mut clusterer = Clusterer::new(config.clone());
        let mut stories = Vec::new();
        let apply = |stories: &mut Vec<usize>, moved: &[chancery_stories::Move]| {
            for m in moved {
                stories[m.article as usize] = m.to.0 as usize;
            }
        };
        for document in &documents {
            let a = clusterer.add(document);
            stories.push(a.story.0 as usize);
            apply(&mut stories, &a.moved);
        }
        let moved = clusterer.settle();
        apply(&mut stories, &moved);
        let batch = cluster_batch(&documents, &config);
        let same = |a: &[usize], i: usize, j: usize| a[i] == a[j];
        for i in 0..documents.len() {
            for j in 0..documents.len() {
                assert_eq!(
                    same(&stories, i, j),
                    same(&batch, i, j),
                    "threshold {threshold}: articles {i} and {j}"
                );
            }
        }
        // A second pass finds nothing to move.
        assert!(clusterer.settle().is_empty());
        // The live stories are what the store would show: sizes add up.
        let total: u32 = clusterer.stories().map(|s| s.size).sum();
        assert_eq!(total as usize, documents.len());
    }
}

/// With a window smaller than the stream, the moves the clusterer reports
/// keep the caller's labels equal to its own stories: every live story's
/// size is the number of articles labelled with it.
#[test]
fn settle_moves_keep_the_callers_stories_in_step() {
    let stream = long_stream();
    let mut moves = 0;
    for threshold in [0.1, 0.3, 0.7] {
        for settle_window in [4, 10] {
            let config = Config {
                threshold,
                settle_window,
                split: false,
                merge: false,
                ..Config::default()
            };
            let mut clusterer = Clusterer::new(config);
            let mut stories = Vec::new();
            for item in &stream {
                let (story, moved) = feed(&mut clusterer, item);
                stories.push(story as usize);
                for &(article, to) in &moved {
                    stories[article as usize] = to as usize;
                }
                moves += moved.len();
            }
            for m in clusterer.settle() {
                stories[m.article as usize] = m.to.0 as usize;
            }
            for story in clusterer.stories() {
                let labelled = stories
                    .iter()
                    .filter(|&&s| s == story.id.0 as usize)
                    .count();
                assert_eq!(
                    labelled, story.size as usize,
                    "threshold {threshold}, window {settle_window}: story {:?}",
                    story.id
                );
            }
        }
    }
    assert!(moves > 0, "settle passes moved articles");
}
