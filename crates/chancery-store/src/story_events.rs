//! Story events: the same event told by several articles of one story is one
//! story event. Events of a story's canonical articles (near-duplicates are
//! never read, so a copy never counts twice) are one story event when they
//! share the CAMEO code and both actor codes and fall within
//! [`STORY_EVENT_WINDOW_DAYS`] of the first telling; each story event counts
//! its mentions, articles and sources. Negated and hypothetical events are
//! no events here, as in the GDELT export.

use serde::Serialize;

use crate::query::Queries;
use crate::StoreError;

/// Tellings of one event within this many days of its first are the same
/// event (reports of a meeting on Monday, dated Monday or Tuesday).
pub const STORY_EVENT_WINDOW_DAYS: i32 = 3;

/// One event of a story, merged over the articles that tell it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StoryEvent {
    /// The CAMEO code.
    pub code: String,
    /// Its root code.
    pub root: String,
    /// The source actor's code.
    pub source: Option<String>,
    /// The target actor's code.
    pub target: Option<String>,
    /// The first and last day it was dated to (the event's day when the
    /// text gives one, else the article's publication day).
    pub first_day: Option<String>,
    /// The last day.
    pub last_day: Option<String>,
    /// Mentions over all its tellings.
    pub mentions: i64,
    /// Articles that tell it.
    pub articles: i64,
    /// Distinct sources (source, else site) of those articles.
    pub sources: i64,
    /// The stored events merged into it.
    pub events: Vec<i64>,
}

/// One stored telling, as the grouping reads it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Telling {
    pub(crate) id: i64,
    pub(crate) code: String,
    pub(crate) root: String,
    pub(crate) source: Option<String>,
    pub(crate) target: Option<String>,
    pub(crate) day: Option<String>,
    pub(crate) article: i64,
    pub(crate) outlet: Option<String>,
    pub(crate) mentions: i64,
}

/// The day number of `YYYY-MM-DD` (days since 0000-03-01; only differences
/// matter), or `None` when it is not one.
fn day_number(day: &str) -> Option<i32> {
    let mut parts = day.get(..10)?.split('-');
    let y: i32 = parts.next()?.parse().ok()?;
    let m: i32 = parts.next()?.parse().ok()?;
    let d: i32 = parts.next()?.parse().ok()?;
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    let (y, m) = if m <= 2 { (y - 1, m + 9) } else { (y, m - 3) };
    Some(365 * y + y / 4 - y / 100 + y / 400 + (153 * m + 2) / 5 + d - 1)
}

/// Groups tellings sorted by (code, source, target, day) into story events:
/// a telling joins the current event when its key is the same and its day is
/// within the window of the event's first day; an undated telling joins an
/// undated event of its key.
pub(crate) fn group(tellings: &[Telling]) -> Vec<StoryEvent> {
    let mut events: Vec<StoryEvent> = Vec::new();
    let mut first: Option<i32> = None;
    let mut articles: Vec<i64> = Vec::new();
    let mut outlets: Vec<String> = Vec::new();
    let finish = |event: &mut StoryEvent, articles: &mut Vec<i64>, outlets: &mut Vec<String>| {
        articles.sort_unstable();
        articles.dedup();
        outlets.sort_unstable();
        outlets.dedup();
        event.articles = articles.len() as i64;
        event.sources = outlets.len() as i64;
        articles.clear();
        outlets.clear();
    };
    for t in tellings {
        let day = t.day.as_deref().and_then(day_number);
        let same = events.last().is_some_and(|e| {
            e.code == t.code
                && e.source == t.source
                && e.target == t.target
                && match (first, day) {
                    (Some(f), Some(d)) => d - f <= STORY_EVENT_WINDOW_DAYS,
                    (None, None) => true,
                    _ => false,
                }
        });
        if !same {
            if let Some(last) = events.last_mut() {
                finish(last, &mut articles, &mut outlets);
            }
            first = day;
            events.push(StoryEvent {
                code: t.code.clone(),
                root: t.root.clone(),
                source: t.source.clone(),
                target: t.target.clone(),
                first_day: t.day.clone(),
                last_day: t.day.clone(),
                mentions: 0,
                articles: 0,
                sources: 0,
                events: Vec::new(),
            });
        }
        let event = events.last_mut().expect("an event was just opened");
        event.mentions += t.mentions.max(1);
        event.events.push(t.id);
        if t.day.is_some() {
            event.last_day = t.day.clone();
        }
        articles.push(t.article);
        outlets.push(
            t.outlet
                .clone()
                .unwrap_or_else(|| format!("article {}", t.article)),
        );
    }
    if let Some(last) = events.last_mut() {
        finish(last, &mut articles, &mut outlets);
    }
    // Most told first.
    events.sort_by(|a, b| {
        (b.articles, b.mentions)
            .cmp(&(a.articles, a.mentions))
            .then_with(|| a.first_day.cmp(&b.first_day))
    });
    events
}

impl Queries {
    /// The story events of a story, most told first.
    pub fn story_events(&self, story: i64) -> Result<Vec<StoryEvent>, StoreError> {
        let tellings = self.story_tellings(story)?;
        Ok(group(&tellings))
    }
}

/// The SQL of a story's tellings, in grouping order: the event's own day
/// when it has day precision, else the article's publication day. Missing
/// values sort first, as SQLite sorts them, in PostgreSQL too.
pub(crate) const TELLINGS_SQL: &str = "SELECT id, code, root, source_code, target_code, day, \
     article, outlet, mentions FROM ( \
     SELECT e.id, e.code, e.root, e.source_code, e.target_code, \
     CASE WHEN e.date_precision IN ('day', 'time') THEN substr(e.date, 1, 10) \
          ELSE substr(a.published, 1, 10) END AS day, \
     e.article, coalesce(a.source, a.site) AS outlet, e.mentions \
     FROM events e JOIN articles a ON a.id = e.article \
     WHERE a.story = ?1 AND a.duplicate_of IS NULL \
       AND e.modality NOT IN ('negated', 'hypothetical')) tellings \
     ORDER BY code, source_code IS NOT NULL, source_code, target_code IS NOT NULL, target_code, \
     day IS NOT NULL, day, id";

#[cfg(test)]
mod tests {
    use super::*;

    fn telling(id: i64, code: &str, day: Option<&str>, article: i64, outlet: &str) -> Telling {
        Telling {
            id,
            code: code.into(),
            root: code[..2].into(),
            source: Some("IRNGOV".into()),
            target: Some("RUSGOV".into()),
            day: day.map(str::to_string),
            article,
            outlet: Some(outlet.into()),
            mentions: 1,
        }
    }

    #[test]
    fn tellings_within_the_window_are_one_event() {
        let events = group(&[
            telling(1, "042", Some("2025-03-03"), 10, "wire"),
            telling(2, "042", Some("2025-03-04"), 11, "paper"),
            telling(3, "042", Some("2025-03-04"), 11, "paper"),
            telling(4, "042", Some("2025-03-20"), 12, "wire"),
            telling(5, "057", Some("2025-03-03"), 10, "wire"),
            telling(6, "057", None, 13, "radio"),
        ]);
        assert_eq!(events.len(), 4, "{events:?}");
        let visit = &events[0];
        assert_eq!(
            (visit.code.as_str(), visit.articles, visit.sources),
            ("042", 2, 2)
        );
        assert_eq!(visit.mentions, 3);
        assert_eq!(visit.events, vec![1, 2, 3]);
        assert_eq!(visit.first_day.as_deref(), Some("2025-03-03"));
        assert_eq!(visit.last_day.as_deref(), Some("2025-03-04"));
        // Two weeks later is another visit; an undated telling stands apart.
        assert!(events.iter().any(|e| e.events == vec![4]));
        assert!(events.iter().any(|e| e.events == vec![6]));
    }

    #[test]
    fn day_numbers_count_across_months_and_years() {
        let d = |s| day_number(s).unwrap();
        assert_eq!(d("2024-03-01") - d("2024-02-28"), 2);
        assert_eq!(d("2025-01-01") - d("2024-12-31"), 1);
        assert_eq!(day_number("2024-13-01"), None);
        assert_eq!(day_number("soon"), None);
    }
}
