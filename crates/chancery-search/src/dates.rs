//! Publication dates as day numbers.
//!
//! An article is filed under the calendar day its publisher wrote, whatever
//! the time zone: "2025-02-10T23:30-05:00" is on the 10th, as the reader of
//! that page saw it. Dates of month or year precision fall on the first day.

/// Seconds in a day.
pub(crate) const SECONDS_PER_DAY: i64 = 86_400;

/// The days the index can hold: tantivy keeps dates as nanoseconds in an
/// `i64`, about 292 years either side of 1970, and overflows past that. A
/// date beyond (`0000`, `9999`) is filed on, or filters from, the nearest
/// day it can hold.
const DAY_LIMIT: i64 = 106_000;

/// The day (days since 1970-01-01) of an ISO 8601 date or date-time, as the
/// store keeps them (`2025-02-10`, `2025-02`, `2025`, `2025-02-10T08:30:00Z`).
pub(crate) fn day_of(value: &str) -> Option<i64> {
    let (year, month, day) = parse_date(value)?;
    Some(days_from_civil(year, month.unwrap_or(1), day.unwrap_or(1)).clamp(-DAY_LIMIT, DAY_LIMIT))
}

/// The half-open range of days `[start, end)` that a filter date covers:
/// `2025` is the whole year, `2025-02` the month, `2025-02-10` one day.
pub(crate) fn range_of(value: &str) -> Option<(i64, i64)> {
    let (year, month, day) = parse_date(value)?;
    // A filter is the whole value, not a prefix: "2025-02-10x" is a mistake.
    if value.trim().len() != date_len(month, day) {
        return None;
    }
    let start = days_from_civil(year, month.unwrap_or(1), day.unwrap_or(1));
    let end = match (month, day) {
        (Some(_), Some(_)) => start + 1,
        (Some(12), None) => days_from_civil(year + 1, 1, 1),
        (Some(m), None) => days_from_civil(year, m + 1, 1),
        _ => days_from_civil(year + 1, 1, 1),
    };
    Some((
        start.clamp(-DAY_LIMIT, DAY_LIMIT),
        end.clamp(-DAY_LIMIT, DAY_LIMIT + 1),
    ))
}

fn date_len(month: Option<u32>, day: Option<u32>) -> usize {
    match (month, day) {
        (Some(_), Some(_)) => 10,
        (Some(_), None) => 7,
        _ => 4,
    }
}

/// Year, month and day from the front of an ISO 8601 value; month and day are
/// `None` when the value stops before them. Impossible dates are `None`.
fn parse_date(value: &str) -> Option<(i64, Option<u32>, Option<u32>)> {
    let value = value.trim();
    let bytes = value.as_bytes();
    let digits = |range: std::ops::Range<usize>| -> Option<u32> {
        let part = value.get(range)?;
        part.bytes()
            .all(|b| b.is_ascii_digit())
            .then(|| part.parse().ok())?
    };
    let year = i64::from(digits(0..4)?);
    if bytes.len() == 4 || bytes.get(4) != Some(&b'-') {
        return (bytes.len() == 4).then_some((year, None, None));
    }
    let month = digits(5..7)?;
    if !(1..=12).contains(&month) {
        return None;
    }
    if bytes.len() == 7 {
        return Some((year, Some(month), None));
    }
    if bytes.get(7) != Some(&b'-') {
        return None;
    }
    let day = digits(8..10)?;
    if day == 0 || day > days_in_month(year, month) {
        return None;
    }
    Some((year, Some(month), Some(day)))
}

fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
/// `days_from_civil`).
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month = i64::from(month);
    let shifted_month = if month > 2 { month - 3 } else { month + 9 };
    let day_of_year = (153 * shifted_month + 2) / 5 + i64::from(day) - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_count_from_the_epoch() {
        assert_eq!(day_of("1970-01-01"), Some(0));
        assert_eq!(day_of("2000-03-01"), Some(11_017));
        assert_eq!(day_of("2025-02-10"), Some(20_129));
        assert_eq!(day_of("1969-12-31"), Some(-1));
    }

    #[test]
    fn store_values_of_every_precision() {
        assert_eq!(day_of("2025-02"), day_of("2025-02-01"));
        assert_eq!(day_of("2025"), day_of("2025-01-01"));
        // The day as written, not converted to UTC.
        assert_eq!(day_of("2025-02-10T23:30:00-05:00"), day_of("2025-02-10"));
        assert_eq!(day_of("2025-02-30"), None);
        assert_eq!(day_of("2024-02-29"), Some(19_782));
        assert_eq!(day_of("Feb 10"), None);
    }

    #[test]
    fn filter_ranges_cover_their_whole_period() {
        let day = day_of("2025-02-10").unwrap();
        assert_eq!(range_of("2025-02-10"), Some((day, day + 1)));
        let feb = day_of("2025-02-01").unwrap();
        assert_eq!(range_of("2025-02"), Some((feb, feb + 28)));
        assert_eq!(
            range_of("2024-12").unwrap().1,
            day_of("2025-01-01").unwrap()
        );
        let year = range_of("2024").unwrap();
        assert_eq!(year.1 - year.0, 366);
        // Years the index cannot hold are brought to the nearest it can
        // (tantivy would overflow on them).
        assert_eq!(range_of("0000").unwrap().0, -DAY_LIMIT);
        assert_eq!(day_of("9999-12-31"), Some(DAY_LIMIT));
        let day = DAY_LIMIT * SECONDS_PER_DAY;
        let _ = tantivy::DateTime::from_timestamp_secs(day);
        let _ = tantivy::DateTime::from_timestamp_secs(-day);
        assert_eq!(range_of("2025-02-10T08:00"), None);
        assert_eq!(range_of("2025-13"), None);
        assert_eq!(range_of("yesterday"), None);
    }
}
