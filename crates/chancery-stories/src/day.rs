//! Calendar days as plain integers, so the time window needs no date crate.

/// A calendar day: the number of days since 1970-01-01 (negative before).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Day(pub i32);

impl Day {
    /// The day of a proleptic Gregorian date, or `None` when the month or day
    /// is out of range.
    pub fn from_ymd(year: i32, month: u32, day: u32) -> Option<Day> {
        if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
            return None;
        }
        // Howard Hinnant's days_from_civil: exact for every Gregorian date.
        let y = if month <= 2 { year - 1 } else { year };
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = month as i32;
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + day as i32 - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        Some(Day(era * 146_097 + doe - 719_468))
    }

    /// The day of an ISO 8601 date or date-time (`2013-05-03`,
    /// `2013-05-03T07:31:00Z`); a date with only a year or month (`2013`,
    /// `2013-05`) is taken at its first day. `None` when it does not parse.
    pub fn parse_iso(text: &str) -> Option<Day> {
        let date = text.trim().get(..10.min(text.trim().len()))?;
        let mut parts = date.split('-');
        let year: i32 = parts.next()?.parse().ok()?;
        let month: u32 = parts.next().map_or(Ok(1), str::parse).ok()?;
        let day: u32 = parts.next().map_or(Ok(1), str::parse).ok()?;
        Day::from_ymd(year, month, day)
    }
}

fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn epoch_and_known_days() {
        assert_eq!(Day::from_ymd(1970, 1, 1), Some(Day(0)));
        assert_eq!(Day::from_ymd(2000, 3, 1), Some(Day(11_017)));
        assert_eq!(Day::from_ymd(1969, 12, 31), Some(Day(-1)));
        assert_eq!(
            Day::from_ymd(2024, 2, 29).map(|d| d.0 + 1),
            Day::from_ymd(2024, 3, 1).map(|d| d.0)
        );
    }

    #[test]
    fn invalid_dates_are_none() {
        assert_eq!(Day::from_ymd(2023, 2, 29), None);
        assert_eq!(Day::from_ymd(2023, 13, 1), None);
        assert_eq!(Day::from_ymd(2023, 4, 31), None);
    }

    #[test]
    fn iso_strings() {
        assert_eq!(Day::parse_iso("2013-05-03"), Day::from_ymd(2013, 5, 3));
        assert_eq!(
            Day::parse_iso("2013-05-03T07:31:00Z"),
            Day::from_ymd(2013, 5, 3)
        );
        assert_eq!(Day::parse_iso("2013-05"), Day::from_ymd(2013, 5, 1));
        assert_eq!(Day::parse_iso("2013"), Day::from_ymd(2013, 1, 1));
        assert_eq!(Day::parse_iso("May 3"), None);
        assert_eq!(Day::parse_iso(""), None);
    }
}
