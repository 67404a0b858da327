//! Relative and absolute date expressions in a sentence, resolved against the
//! publication date: "on Saturday", "earlier this week", "later this week",
//! "last month", "next year", "March 3", "3 March 2025", "yesterday".

use chancery_model::calendar::month_of_word as month_of;
use chancery_model::{DatePrecision, EventDate};
use chrono::{Datelike, Duration, NaiveDate, Weekday};

const WEEKDAYS: [(&str, Weekday); 7] = [
    ("monday", Weekday::Mon),
    ("tuesday", Weekday::Tue),
    ("wednesday", Weekday::Wed),
    ("thursday", Weekday::Thu),
    ("friday", Weekday::Fri),
    ("saturday", Weekday::Sat),
    ("sunday", Weekday::Sun),
];

/// The publication date of an article, from its ISO value.
pub(crate) fn publication_date(value: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(value.get(..10)?, "%Y-%m-%d").ok()
}

/// The first day an ISO date of year, month or day precision ("2027",
/// "2027-03", "2027-03-05") covers.
pub(crate) fn first_day(value: &str) -> Option<NaiveDate> {
    let mut parts = value.split('-');
    let year = parts.next()?.parse().ok()?;
    let month = parts.next().map_or(Some(1), |m| m.parse().ok())?;
    let day = parts.next().map_or(Some(1), |d| d.parse().ok())?;
    if parts.next().is_some() {
        return None;
    }
    NaiveDate::from_ymd_opt(year, month, day)
}

fn day(date: NaiveDate, text: String) -> EventDate {
    EventDate {
        value: date.format("%Y-%m-%d").to_string(),
        precision: DatePrecision::Day,
        text: Some(text),
    }
}

fn week(date: NaiveDate, text: String) -> EventDate {
    let monday = date - Duration::days(date.weekday().num_days_from_monday() as i64);
    EventDate {
        value: monday.format("%Y-%m-%d").to_string(),
        precision: DatePrecision::Week,
        text: Some(text),
    }
}

fn month(year: i32, month: u32, text: String) -> EventDate {
    EventDate {
        value: format!("{year:04}-{month:02}"),
        precision: DatePrecision::Month,
        text: Some(text),
    }
}

/// The first date expression among `words` (lower-cased tokens of one
/// sentence), resolved against `published`; `future` says the event is
/// planned, which turns a bare weekday or month forward.
#[cfg(test)]
pub(crate) fn find_date(words: &[String], published: NaiveDate, future: bool) -> Option<EventDate> {
    (0..words.len()).find_map(|i| date_at(words, i, published, future))
}

/// The date expression nearest to word `anchor` (an event's trigger), so a
/// dateline's filing date ("WARSAW, Sept 4 —") does not stand for "on Monday"
/// next to the event; the earlier one wins a tie.
pub(crate) fn find_date_near(
    words: &[String],
    anchor: usize,
    published: NaiveDate,
    future: bool,
) -> Option<EventDate> {
    (0..words.len())
        .filter_map(|i| date_at(words, i, published, future).map(|d| (i.abs_diff(anchor), i, d)))
        .min_by_key(|(distance, i, _)| (*distance, *i))
        .map(|(_, _, date)| date)
}

/// The date expression that starts at word `i`, if any.
/// Nouns of events that a date can name ("the 11 September attacks").
const NAMED_BY_DATE: &[&str] = &[
    "attack",
    "attacks",
    "bombing",
    "bombings",
    "blasts",
    "massacre",
    "killings",
    "riots",
    "uprising",
    "revolution",
    "coup",
    "accords",
    "agreement",
];

fn date_at(words: &[String], i: usize, published: NaiveDate, future: bool) -> Option<EventDate> {
    let at = |i: usize| words.get(i).map(String::as_str).unwrap_or("");
    {
        let w = at(i);
        match w {
            "today" | "tonight" => return Some(day(published, w.to_string())),
            "yesterday" => return Some(day(published - Duration::days(1), w.to_string())),
            "tomorrow" => return Some(day(published + Duration::days(1), w.to_string())),
            "week" | "month" | "year" if i > 0 => {
                let before = at(i - 1);
                let lead = if i > 1 { at(i - 2) } else { "" };
                let shift: i64 = match before {
                    "last" | "past" | "previous" => -1,
                    "next" | "coming" => 1,
                    "this" => 0,
                    _ => return None,
                };
                let mut text = format!("{before} {w}");
                if matches!(lead, "earlier" | "later") && before == "this" {
                    text = format!("{lead} {text}");
                }
                return Some(match w {
                    "week" => week(published + Duration::days(7 * shift), text),
                    "month" => {
                        let index =
                            published.year() * 12 + published.month0() as i32 + shift as i32;
                        month(index.div_euclid(12), index.rem_euclid(12) as u32 + 1, text)
                    }
                    _ => EventDate {
                        value: format!("{:04}", published.year() + shift as i32),
                        precision: DatePrecision::Year,
                        text: Some(text),
                    },
                });
            }
            _ => {}
        }
        if let Some(&(name, weekday)) = WEEKDAYS.iter().find(|(n, _)| *n == w) {
            let from = published.weekday().num_days_from_monday() as i64;
            let to = weekday.num_days_from_monday() as i64;
            let offset = if future {
                (to - from).rem_euclid(7)
            } else {
                -((from - to).rem_euclid(7))
            };
            return Some(day(published + Duration::days(offset), name.to_string()));
        }
        if let Some((m, abbreviated)) = month_of(w) {
            // "March 3", "3 March", "March 3, 2025", "March 2025", "in March".
            let number = |s: &str| s.trim_end_matches(',').parse::<u32>().ok();
            let (day_number, year_at) = match (
                i.checked_sub(1).and_then(|p| number(at(p))),
                number(at(i + 1)),
            ) {
                (Some(d), _) if d <= 31 => (Some(d), i + 1),
                (_, Some(d)) if d <= 31 => (Some(d), i + 2),
                _ => (None, i + 1),
            };
            let explicit_year = number(at(year_at))
                .filter(|y| (1900..=2100).contains(y))
                .map(|y| y as i32)
                .or_else(|| {
                    if at(year_at) == "," {
                        number(at(year_at + 1))
                            .filter(|y| (1900..=2100).contains(y))
                            .map(|y| y as i32)
                    } else {
                        None
                    }
                });
            let year = explicit_year.unwrap_or_else(|| {
                let y = published.year();
                if future && m < published.month() {
                    y + 1
                } else if !future && m > published.month() {
                    y - 1
                } else {
                    y
                }
            });
            let text =
                words[i.saturating_sub(usize::from(day_number.is_some() && year_at == i + 1))
                    ..(year_at + usize::from(explicit_year.is_some())).min(words.len())]
                    .join(" ");
            // "may" is a verb and "Jan" a name unless a day or year says otherwise.
            if (w == "may" || abbreviated) && day_number.is_none() && explicit_year.is_none() {
                return None;
            }
            // "the 7 July bombings", "the September 11 attacks": a date that
            // names a past event is a name, not when this act happened.
            let after = at(year_at + usize::from(explicit_year.is_some()));
            if day_number.is_some() && NAMED_BY_DATE.contains(&after) {
                return None;
            }
            return Some(
                match day_number.and_then(|d| NaiveDate::from_ymd_opt(year, m, d)) {
                    Some(date) => day(date, text),
                    None => month(year, m, text),
                },
            );
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_day_of_a_year_month_or_day() {
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d);
        assert_eq!(first_day("2027"), day(2027, 1, 1));
        assert_eq!(first_day("2027-03"), day(2027, 3, 1));
        assert_eq!(first_day("2027-03-05"), day(2027, 3, 5));
        assert_eq!(first_day("2027-13"), None);
        assert_eq!(first_day("2027-03-05-01"), None);
        assert_eq!(first_day("next year"), None);
    }

    #[test]
    fn a_date_naming_an_event_is_no_date() {
        assert_eq!(
            find("Britain blamed al-Qaeda for the 7 July bombings", false),
            None
        );
        assert_eq!(
            find("since the September 11 attacks on New York", false),
            None
        );
        assert!(find("police arrested him on 7 July", false).is_some());
    }

    #[test]
    fn first_names_are_no_months() {
        assert_eq!(find("marc dutroux visited slovakia", false), None);
        assert_eq!(find("envoy jan kubis said", false), None);
        assert_eq!(
            find("he left on sept. 3", false),
            Some(("2024-09-03".to_string(), DatePrecision::Day))
        );
        assert_eq!(
            find("in jan 2024", false),
            Some(("2024-01".to_string(), DatePrecision::Month))
        );
    }

    fn find(sentence: &str, future: bool) -> Option<(String, DatePrecision)> {
        let words: Vec<String> = sentence.split_whitespace().map(str::to_lowercase).collect();
        let published = NaiveDate::from_ymd_opt(2025, 2, 12).unwrap(); // a Wednesday
        find_date(&words, published, future).map(|d| (d.value, d.precision))
    }

    #[test]
    fn expressions_resolve_against_a_wednesday() {
        use DatePrecision::{Day, Month, Week};
        type Case = (&'static str, bool, Option<(&'static str, DatePrecision)>);
        let cases: [Case; 10] = [
            ("he arrived on saturday", false, Some(("2025-02-08", Day))),
            (
                "he will arrive on saturday",
                true,
                Some(("2025-02-15", Day)),
            ),
            ("later this week", true, Some(("2025-02-10", Week))),
            ("last week", false, Some(("2025-02-03", Week))),
            ("yesterday", false, Some(("2025-02-11", Day))),
            ("last month", false, Some(("2025-01", Month))),
            ("on march 3", true, Some(("2025-03-03", Day))),
            ("on 3 march 2024", false, Some(("2024-03-03", Day))),
            ("in november", false, Some(("2024-11", Month))),
            ("they may meet", true, None),
        ];
        for (sentence, future, expected) in cases {
            let expected = expected.map(|(value, precision)| (value.to_string(), precision));
            assert_eq!(find(sentence, future), expected, "{sentence}");
        }
    }
}
