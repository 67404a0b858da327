//! Date strings found on news pages to ISO 8601 with a precision.
//!
//! Pages write dates every way imaginable: RFC 3339 in `<meta>` and JSON-LD,
//! RFC 2822 in feeds, "February 10, 2025" or "10.02.2025" in bylines. The
//! parser looks for the first date anywhere in a short string (so labels such
//! as "Published:" or "Updated" need no special casing), keeps the time and
//! offset when the string gives them, and rejects impossible dates and years
//! outside 1990..=2100, which on a news page are nearly always noise.

use std::sync::LazyLock;

use chancery_model::{DatePrecision, Published};
use chrono::{DateTime, NaiveDate, NaiveTime};
use regex::{Captures, Regex};

/// Strings longer than this are prose, not a date field: only their start is read.
const MAX_LEN: usize = 300;
const MIN_YEAR: i32 = 1990;
const MAX_YEAR: i32 = 2100;

/// Reads a date in the formats pages use; `from` names where it was found.
///
/// A bare unix timestamp (10 or 13 digits) is only believed when `from` says it
/// came from a `meta` or `json-ld` field: elsewhere a long number is more
/// likely an id.
pub(crate) fn parse_date(value: &str, from: &str) -> Option<Published> {
    let value = {
        let value = value.trim();
        &value[..value.floor_char_boundary(MAX_LEN)]
    };
    if value.is_empty() {
        return None;
    }
    if value.bytes().all(|b| b.is_ascii_digit()) {
        return parse_all_digits(value, from);
    }
    let lower = value.to_lowercase();
    let found = [find_numeric(&lower), find_textual(&lower), find_cjk(&lower)]
        .into_iter()
        .flatten()
        .min_by_key(|(start, _)| *start)
        .map(|(_, found)| found)
        .or_else(|| find_month_year(&lower))
        .or_else(|| find_year_month(&lower))?;
    Some(found.into_published(from))
}

/// Reads the date a URL's path carries: `/2025/02/10/`, `/2025-02-10/` or
/// `/20250210/` give a day, `/2025/02/` a month.
pub(crate) fn date_from_url(url: &str) -> Option<Published> {
    static DAY: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"/((?:19|20|21)\d{2})([/_-]?)(\d{1,2})([/_-]?)(\d{1,2})(?:[/_.-]|$)")
            .expect("valid regex")
    });
    static MONTH: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"/((?:19|20|21)\d{2})/(\d{1,2})(?:/|$)").expect("valid regex")
    });
    let path = url_path(url);
    for caps in DAY.captures_iter(path) {
        let (sep1, sep2) = (&caps[2], &caps[4]);
        // "/2025/0210/" and such mixtures are ids, not dates; undelimited
        // digits must be exactly YYYYMMDD.
        if sep1 != sep2 || (sep1.is_empty() && (caps[3].len() != 2 || caps[5].len() != 2)) {
            continue;
        }
        if let Some(date) = make_date(num(&caps[1]), num(&caps[3]), num(&caps[5])) {
            return Some(Found::day(date).into_published("url"));
        }
    }
    for caps in MONTH.captures_iter(path) {
        let (year, month) = (num(&caps[1]), num(&caps[2]));
        if (MIN_YEAR..=MAX_YEAR).contains(&year) && (1..=12).contains(&month) {
            let found = Found {
                year,
                month: month as u32,
                day: 0,
                time: None,
                offset: None,
                precision: DatePrecision::Month,
            };
            return Some(found.into_published("url"));
        }
    }
    None
}

/// The path of a URL (or of a bare path): no scheme, host, query or fragment,
/// since query strings carry ids and tracking dates that say nothing about
/// publication.
fn url_path(url: &str) -> &str {
    let url = url.split(['?', '#']).next().unwrap_or(url);
    match url.split_once("://") {
        Some((_, rest)) => rest.find('/').map_or("", |i| &rest[i..]),
        None => url,
    }
}

/// A date found in a string, before rendering.
#[derive(Debug, Clone, Copy)]
struct Found {
    year: i32,
    month: u32,
    /// 0 when only the month is known.
    day: u32,
    time: Option<NaiveTime>,
    /// Seconds east of UTC, when the string gives an offset or a known zone.
    offset: Option<i32>,
    precision: DatePrecision,
}

impl Found {
    fn day(date: NaiveDate) -> Found {
        use chrono::Datelike;
        Found {
            year: date.year(),
            month: date.month(),
            day: date.day(),
            time: None,
            offset: None,
            precision: DatePrecision::Day,
        }
    }

    fn with_time(mut self, time: Option<(NaiveTime, Option<i32>)>) -> Found {
        if let Some((time, offset)) = time {
            self.time = Some(time);
            self.offset = offset;
            self.precision = DatePrecision::Time;
        }
        self
    }

    fn into_published(self, from: &str) -> Published {
        let value = match self.precision {
            DatePrecision::Year => format!("{:04}", self.year),
            DatePrecision::Month | DatePrecision::Week => {
                format!("{:04}-{:02}", self.year, self.month)
            }
            DatePrecision::Day => format!("{:04}-{:02}-{:02}", self.year, self.month, self.day),
            DatePrecision::Time => {
                let time = self
                    .time
                    .map(|t| t.format("%H:%M:%S").to_string())
                    .unwrap_or_default();
                let offset = self.offset.map(format_offset).unwrap_or_default();
                format!(
                    "{:04}-{:02}-{:02}T{time}{offset}",
                    self.year, self.month, self.day
                )
            }
        };
        Published {
            value,
            precision: self.precision,
            from: from.to_string(),
        }
    }
}

fn format_offset(seconds: i32) -> String {
    let sign = if seconds < 0 { '-' } else { '+' };
    let minutes = seconds.abs() / 60;
    format!("{sign}{:02}:{:02}", minutes / 60, minutes % 60)
}

/// A string of digits only: a unix timestamp (from metadata only), `YYYYMMDD`
/// or a bare year.
fn parse_all_digits(value: &str, from: &str) -> Option<Published> {
    match value.len() {
        4 => {
            let year = num(value);
            (MIN_YEAR..=MAX_YEAR).contains(&year).then(|| Published {
                value: value.to_string(),
                precision: DatePrecision::Year,
                from: from.to_string(),
            })
        }
        8 => {
            let date = make_date(num(&value[..4]), num(&value[4..6]), num(&value[6..]))?;
            Some(Found::day(date).into_published(from))
        }
        10 | 13 if from.starts_with("meta") || from.starts_with("json-ld") => {
            let number: i64 = value.parse().ok()?;
            let seconds = if value.len() == 13 {
                number / 1000
            } else {
                number
            };
            let utc = DateTime::from_timestamp(seconds, 0)?.naive_utc();
            let found = Found::day(utc.date()).with_time(Some((utc.time(), Some(0))));
            (MIN_YEAR..=MAX_YEAR)
                .contains(&found.year)
                .then(|| found.into_published(from))
        }
        _ => None,
    }
}

/// All-numeric dates: ISO 8601 / RFC 3339 (`2025-02-10T08:30:00.123+03:30`),
/// `2025/02/10`, day-first `10.02.2025`, and `02/10/2025` (month first unless
/// that is impossible, as US pages write it). Returns the match start.
fn find_numeric(lower: &str) -> Option<(usize, Found)> {
    static YMD: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?:^|[^\d])(\d{4})([-/.])(\d{1,2})([-/.])(\d{1,2})").expect("valid regex")
    });
    static DMY: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?:^|[^\d.,])(\d{1,2})([-/.])(\d{1,2})([-/.])(\d{4})").expect("valid regex")
    });
    let ymd = YMD.captures_iter(lower).find_map(|caps| {
        let end = caps.get(5)?.end();
        if caps[2] != caps[4] || followed_by_digit(lower, end) {
            return None;
        }
        let date = make_date(num(&caps[1]), num(&caps[3]), num(&caps[5]))?;
        let time = read_time(&lower[end..], true);
        Some((caps.get(1)?.start(), Found::day(date).with_time(time)))
    });
    let dmy = DMY.captures_iter(lower).find_map(|caps| {
        let end = caps.get(5)?.end();
        if caps[2] != caps[4] || followed_by_digit(lower, end) {
            return None;
        }
        let (first, second, year) = (num(&caps[1]), num(&caps[3]), num(&caps[5]));
        let date = if &caps[2] == "/" {
            make_date(year, first, second).or_else(|| make_date(year, second, first))
        } else {
            make_date(year, second, first)
        }?;
        let time = read_time(&lower[end..], false);
        Some((caps.get(1)?.start(), Found::day(date).with_time(time)))
    });
    [ymd, dmy]
        .into_iter()
        .flatten()
        .min_by_key(|(start, _)| *start)
}

/// Dates with a month name: "February 10, 2025", "Feb. 10th 2025",
/// "10 February 2025", "Mon, 10 Feb 2025 08:30:00 GMT", "10. Februar 2025",
/// "10 de febrero de 2025".
fn find_textual(lower: &str) -> Option<(usize, Found)> {
    static MDY: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"([^\W\d_]{3,})\.?\s+(\d{1,2})(?:st|nd|rd|th)?\s*,?\s+(\d{4})")
            .expect("valid regex")
    });
    static DMY: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(\d{1,2})(?:st|nd|rd|th|\.)?\s*(?:of\s+|de\s+)?([^\W\d_]{3,})\.?,?\s+(?:de\s+)?(\d{4})")
            .expect("valid regex")
    });
    let read =
        |caps: &Captures<'_>, day: usize, month: usize, year: usize| -> Option<(usize, Found)> {
            let whole = caps.get(0)?;
            let end = caps.get(year)?.end();
            if followed_by_digit(lower, end) || preceded_by_digit(lower, whole.start()) {
                return None;
            }
            let month = month_number(&caps[month])?;
            let date = make_date(num(&caps[year]), month as i32, num(&caps[day]))?;
            Some((
                whole.start(),
                Found::day(date).with_time(read_time(&lower[end..], false)),
            ))
        };
    let mdy = MDY
        .captures_iter(lower)
        .find_map(|caps| read(&caps, 2, 1, 3));
    let dmy = DMY
        .captures_iter(lower)
        .find_map(|caps| read(&caps, 1, 2, 3));
    [mdy, dmy]
        .into_iter()
        .flatten()
        .min_by_key(|(start, _)| *start)
}

/// `2025年2月10日` as Chinese and Japanese pages write it.
fn find_cjk(lower: &str) -> Option<(usize, Found)> {
    static CJK: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日").expect("valid regex")
    });
    CJK.captures_iter(lower).find_map(|caps| {
        let date = make_date(num(&caps[1]), num(&caps[2]), num(&caps[3]))?;
        Some((caps.get(0)?.start(), Found::day(date)))
    })
}

/// "February 2025": month precision, only when no full date was found.
fn find_month_year(lower: &str) -> Option<Found> {
    static MY: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"([^\W\d_]{3,})\.?,?\s+(\d{4})").expect("valid regex"));
    MY.captures_iter(lower).find_map(|caps| {
        let end = caps.get(2)?.end();
        if followed_by_digit(lower, end) {
            return None;
        }
        let month = month_number(&caps[1])?;
        let year = num(&caps[2]);
        (MIN_YEAR..=MAX_YEAR).contains(&year).then_some(Found {
            year,
            month,
            day: 0,
            time: None,
            offset: None,
            precision: DatePrecision::Month,
        })
    })
}

/// ISO 8601 reduced precision, `2025-02`: only as the whole string, since
/// inside prose "2025-26" is a season or a range.
fn find_year_month(lower: &str) -> Option<Found> {
    let (year, month) = lower.split_once('-')?;
    if year.len() != 4
        || month.len() != 2
        || !(year.bytes().chain(month.bytes())).all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let (year, month) = (num(year), num(month) as u32);
    ((MIN_YEAR..=MAX_YEAR).contains(&year) && (1..=12).contains(&month)).then_some(Found {
        year,
        month,
        day: 0,
        time: None,
        offset: None,
        precision: DatePrecision::Month,
    })
}

/// A time of day right after a date: `T08:30:00.123Z`, ` 08:30`, `, 8:30 pm EST`,
/// ` at 08:30 (+0330)`. `iso` allows the `T` separator.
fn read_time(rest: &str, iso: bool) -> Option<(NaiveTime, Option<i32>)> {
    static TIME: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r"(?x)^(?:t|\s*[,|@\-–—]?\s*(?:at\s+|um\s+|à\s+|a\s+las\s+)?)
              (\d{1,2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?
              (?:\s*(a\.?m\.?|p\.?m\.?)(?:[^a-z]|$))?
              \s*\(?\s*(z\b|[+-]\d{2}(?::?\d{2})?\b|(?:utc|gmt)(?:[+-]\d{1,2}(?::?\d{2})?)?|[a-z]{3,4}\b)?",
        )
        .expect("valid regex")
    });
    let caps = TIME.captures(rest)?;
    if !iso && rest.starts_with('t') {
        return None;
    }
    let mut hour = num(&caps[1]) as u32;
    let minute = num(&caps[2]) as u32;
    let second = caps.get(3).map_or(0, |m| num(m.as_str()) as u32);
    if let Some(meridiem) = caps.get(4) {
        let pm = meridiem.as_str().starts_with('p');
        if !(1..=12).contains(&hour) {
            return None;
        }
        hour = match (pm, hour) {
            (false, 12) => 0,
            (true, 12) => 12,
            (true, h) => h + 12,
            (false, h) => h,
        };
    }
    let time = NaiveTime::from_hms_opt(hour, minute, second)?;
    let offset = caps.get(5).and_then(|m| parse_offset(m.as_str()));
    Some((time, offset))
}

/// `z`, `+03:30`, `+0330`, `+03`, `utc`, `gmt+2`, or a common zone abbreviation,
/// in seconds east of UTC. Ambiguous abbreviations (IST) give no offset.
fn parse_offset(zone: &str) -> Option<i32> {
    let signed = |text: &str| -> Option<i32> {
        let sign = if text.starts_with('-') { -1 } else { 1 };
        let digits: String = text[1..].chars().filter(char::is_ascii_digit).collect();
        let (hours, minutes) = match digits.len() {
            1 | 2 => (digits.parse::<i32>().ok()?, 0),
            4 => (
                digits[..2].parse::<i32>().ok()?,
                digits[2..].parse::<i32>().ok()?,
            ),
            3 => (
                digits[..1].parse::<i32>().ok()?,
                digits[1..].parse::<i32>().ok()?,
            ),
            _ => return None,
        };
        (hours <= 14 && minutes < 60).then_some(sign * (hours * 3600 + minutes * 60))
    };
    if zone.starts_with(['+', '-']) {
        return signed(zone);
    }
    if let Some(rest) = zone
        .strip_prefix("utc")
        .or_else(|| zone.strip_prefix("gmt"))
    {
        return if rest.is_empty() {
            Some(0)
        } else {
            signed(rest)
        };
    }
    let hours = match zone {
        "z" => 0.0,
        "est" => -5.0,
        "edt" => -4.0,
        "cst" => -6.0,
        "cdt" => -5.0,
        "mst" => -7.0,
        "mdt" => -6.0,
        "pst" => -8.0,
        "pdt" => -7.0,
        "akst" => -9.0,
        "akdt" => -8.0,
        "hst" => -10.0,
        "bst" | "cet" | "wat" => 1.0,
        "cest" | "eet" | "cat" | "sast" => 2.0,
        "eest" | "msk" | "eat" | "ast" => 3.0,
        "irst" => 3.5,
        "pkt" => 5.0,
        "wib" | "ict" => 7.0,
        "hkt" | "sgt" | "awst" | "pht" => 8.0,
        "jst" | "kst" => 9.0,
        "acst" => 9.5,
        "aest" => 10.0,
        "aedt" => 11.0,
        "nzst" => 12.0,
        "nzdt" => 13.0,
        _ => return None,
    };
    Some((hours * 3600.0) as i32)
}

/// A month name or abbreviation in English, German, French, Spanish, Italian,
/// Portuguese or Dutch, lower-cased.
pub(crate) fn month_number(word: &str) -> Option<u32> {
    const MONTHS: [&[&str]; 12] = [
        &[
            "january", "jan", "januar", "janvier", "janv", "enero", "ene", "gennaio", "gen",
            "janeiro", "januari", "jänner",
        ],
        &[
            "february",
            "feb",
            "februar",
            "février",
            "fevrier",
            "févr",
            "fevr",
            "febrero",
            "febbraio",
            "fevereiro",
            "fev",
            "februari",
        ],
        &[
            "march", "mar", "märz", "maerz", "mär", "mars", "marzo", "março", "marco", "maart",
            "mrt",
        ],
        &["april", "apr", "avril", "avr", "abril", "abr", "aprile"],
        &["may", "mai", "mayo", "maggio", "mag", "maio", "mei"],
        &[
            "june", "jun", "juni", "juin", "junio", "giugno", "giu", "junho",
        ],
        &[
            "july", "jul", "juli", "juillet", "juil", "julio", "luglio", "lug", "julho",
        ],
        &["august", "aug", "août", "aout", "agosto", "ago", "augustus"],
        &[
            "september",
            "sep",
            "sept",
            "septembre",
            "septiembre",
            "setiembre",
            "settembre",
            "set",
            "setembro",
        ],
        &[
            "october", "oct", "oktober", "okt", "octobre", "octubre", "ottobre", "ott", "outubro",
            "out",
        ],
        &["november", "nov", "novembre", "noviembre", "novembro"],
        &[
            "december",
            "dec",
            "dezember",
            "dez",
            "décembre",
            "decembre",
            "déc",
            "diciembre",
            "dic",
            "dicembre",
            "dezembro",
            "desember",
        ],
    ];
    MONTHS
        .iter()
        .position(|names| names.contains(&word))
        .map(|i| i as u32 + 1)
}

fn make_date(year: i32, month: i32, day: i32) -> Option<NaiveDate> {
    if !(MIN_YEAR..=MAX_YEAR).contains(&year) || month < 1 || day < 1 {
        return None;
    }
    NaiveDate::from_ymd_opt(year, month as u32, day as u32)
}

/// Digits to a number; callers pass regex captures of at most a few digits.
fn num(digits: &str) -> i32 {
    digits.parse().unwrap_or(-1)
}

/// True when a number continues at `at` ("1.2.2025.4", "2025-02-100"), so
/// what looked like a date is part of a version, id or phone number.
fn followed_by_digit(text: &str, at: usize) -> bool {
    let bytes = text.as_bytes();
    match bytes.get(at) {
        Some(b) if b.is_ascii_digit() => true,
        Some(b'.' | b'-' | b'/') => bytes.get(at + 1).is_some_and(u8::is_ascii_digit),
        _ => false,
    }
}

fn preceded_by_digit(text: &str, at: usize) -> bool {
    at > 0 && text.as_bytes().get(at - 1).is_some_and(u8::is_ascii_digit)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(value: &str) -> Option<(String, DatePrecision)> {
        parse_date(value, "test").map(|p| (p.value, p.precision))
    }

    fn day(value: &str) -> Option<String> {
        parse_date(value, "test")
            .filter(|p| p.precision == DatePrecision::Day)
            .map(|p| p.value)
    }

    fn time(value: &str) -> Option<String> {
        parse_date(value, "test")
            .filter(|p| p.precision == DatePrecision::Time)
            .map(|p| p.value)
    }

    #[test]
    fn iso_dates_and_times() {
        assert_eq!(day("2025-02-10").as_deref(), Some("2025-02-10"));
        assert_eq!(
            time("2025-02-10T08:30:00+03:30").as_deref(),
            Some("2025-02-10T08:30:00+03:30")
        );
        assert_eq!(
            time("2025-02-10T08:30:00Z").as_deref(),
            Some("2025-02-10T08:30:00+00:00")
        );
        assert_eq!(
            time("2025-02-10T08:30:00.123456-0500").as_deref(),
            Some("2025-02-10T08:30:00-05:00")
        );
        assert_eq!(
            time("2025-02-10T08:30").as_deref(),
            Some("2025-02-10T08:30:00")
        );
        assert_eq!(
            time("2025-02-10 08:30:00").as_deref(),
            Some("2025-02-10T08:30:00")
        );
        assert_eq!(
            time("2025-02-10 08:30:00 +0000 UTC").as_deref(),
            Some("2025-02-10T08:30:00+00:00")
        );
        assert_eq!(
            time("  2025-2-3T8:05:09+01 ").as_deref(),
            Some("2025-02-03T08:05:09+01:00")
        );
    }

    #[test]
    fn reduced_precision() {
        assert_eq!(
            parsed("2025-02"),
            Some(("2025-02".into(), DatePrecision::Month))
        );
        assert_eq!(parsed("2025"), Some(("2025".into(), DatePrecision::Year)));
        assert_eq!(
            parsed("February 2025"),
            Some(("2025-02".into(), DatePrecision::Month))
        );
        assert_eq!(day("20250210").as_deref(), Some("2025-02-10"));
    }

    #[test]
    fn rfc_2822() {
        assert_eq!(
            time("Mon, 10 Feb 2025 08:30:00 GMT").as_deref(),
            Some("2025-02-10T08:30:00+00:00")
        );
        assert_eq!(
            time("Mon, 10 Feb 2025 08:30:00 +0330").as_deref(),
            Some("2025-02-10T08:30:00+03:30")
        );
        assert_eq!(
            time("Mon, 10 Feb 2025 08:30:00 EST").as_deref(),
            Some("2025-02-10T08:30:00-05:00")
        );
    }

    #[test]
    fn month_names() {
        assert_eq!(day("February 10, 2025").as_deref(), Some("2025-02-10"));
        assert_eq!(day("Feb. 10, 2025").as_deref(), Some("2025-02-10"));
        assert_eq!(day("Feb 10th 2025").as_deref(), Some("2025-02-10"));
        assert_eq!(day("10 February 2025").as_deref(), Some("2025-02-10"));
        assert_eq!(day("10th of February, 2025").as_deref(), Some("2025-02-10"));
        assert_eq!(
            day("Monday, February 10, 2025").as_deref(),
            Some("2025-02-10")
        );
        assert_eq!(day("10. Februar 2025").as_deref(), Some("2025-02-10"));
        assert_eq!(day("10 de febrero de 2025").as_deref(), Some("2025-02-10"));
        assert_eq!(day("10 février 2025").as_deref(), Some("2025-02-10"));
        assert_eq!(day("2025年2月10日").as_deref(), Some("2025-02-10"));
        assert_eq!(day("SEPT. 3, 2024").as_deref(), Some("2024-09-03"));
    }

    #[test]
    fn month_names_with_time() {
        assert_eq!(
            time("10 Feb 2025 08:30").as_deref(),
            Some("2025-02-10T08:30:00")
        );
        assert_eq!(
            time("February 10, 2025 at 8:30 pm EST").as_deref(),
            Some("2025-02-10T20:30:00-05:00")
        );
        assert_eq!(
            time("February 10, 2025, 12:05 a.m.").as_deref(),
            Some("2025-02-10T00:05:00")
        );
    }

    #[test]
    fn numeric_orders() {
        assert_eq!(day("2025/02/10").as_deref(), Some("2025-02-10"));
        assert_eq!(day("2025.02.10").as_deref(), Some("2025-02-10"));
        assert_eq!(day("10.02.2025").as_deref(), Some("2025-02-10"));
        assert_eq!(day("02/10/2025").as_deref(), Some("2025-02-10"));
        assert_eq!(day("25/02/2025").as_deref(), Some("2025-02-25"));
        assert_eq!(
            time("10.02.2025 08:30").as_deref(),
            Some("2025-02-10T08:30:00")
        );
    }

    #[test]
    fn labels_around_the_date() {
        assert_eq!(
            day("Published: February 10, 2025").as_deref(),
            Some("2025-02-10")
        );
        assert_eq!(day("Updated 10.02.2025").as_deref(), Some("2025-02-10"));
        assert_eq!(
            day("Posted on 2025-02-10 by admin").as_deref(),
            Some("2025-02-10")
        );
        // The first date wins: pages put the publication date before the update.
        assert_eq!(
            day("Published Feb 10, 2025 · Updated Feb 11, 2025").as_deref(),
            Some("2025-02-10")
        );
    }

    #[test]
    fn unix_timestamps_only_from_metadata() {
        let meta = parse_date("1739176200", "meta:article:published_time").map(|p| p.value);
        assert_eq!(meta.as_deref(), Some("2025-02-10T08:30:00+00:00"));
        let json = parse_date("1739176200000", "json-ld").map(|p| p.value);
        assert_eq!(json.as_deref(), Some("2025-02-10T08:30:00+00:00"));
        assert_eq!(parse_date("1739176200", "time"), None);
        assert_eq!(parse_date("173917620", "meta:date"), None);
    }

    #[test]
    fn impossible_dates_rejected() {
        assert_eq!(parsed("2025-02-30"), None);
        assert_eq!(parsed("2025-13-01"), None);
        assert_eq!(parsed("February 30, 2025"), None);
        assert_eq!(parsed("1899-05-01"), None);
        assert_eq!(parsed("2150-05-01"), None);
        assert_eq!(parsed("31.02.2025"), None);
        assert_eq!(parsed("1985"), None);
        assert_eq!(
            parsed("2025-02-10T25:00:00").map(|p| p.1),
            Some(DatePrecision::Day)
        );
    }

    #[test]
    fn not_dates() {
        assert_eq!(parsed(""), None);
        assert_eq!(parsed("yesterday"), None);
        assert_eq!(parsed("Chapter 12, 2025 words"), None);
        assert_eq!(parsed("call 555-12-2025"), None);
        assert_eq!(parsed("12345678901"), None);
        assert_eq!(parsed("version 1.2.2025.4"), None);
    }

    #[test]
    fn dates_in_urls() {
        let url = |u: &str| date_from_url(u).map(|p| (p.value, p.precision));
        let day = |v: &str| Some((v.to_string(), DatePrecision::Day));
        assert_eq!(
            url("https://example.com/2025/02/10/talks-in-vienna/"),
            day("2025-02-10")
        );
        assert_eq!(
            url("https://example.com/news/2025-02-10/talks"),
            day("2025-02-10")
        );
        assert_eq!(
            url("https://example.com/news/2025-02-10-talks-in-vienna"),
            day("2025-02-10")
        );
        assert_eq!(url("https://example.com/20250210/talks"), day("2025-02-10"));
        assert_eq!(
            url("https://example.com/2025/02/talks"),
            Some(("2025-02".into(), DatePrecision::Month))
        );
        assert_eq!(
            date_from_url("https://example.com/2025/02/10/x")
                .map(|p| p.from)
                .as_deref(),
            Some("url")
        );
    }

    proptest::proptest! {
        #[test]
        fn never_panics(value in "\\PC{0,60}", digits in "[0-9]{8,13}") {
            let _ = parse_date(&value, "meta:date");
            let _ = parse_date(&digits, "json-ld");
            let _ = date_from_url(&value);
            let _ = date_from_url(&format!("https://x.example/{digits}/{value}"));
        }

        #[test]
        fn valid_days_round_trip(y in 1990i32..=2100, m in 1u32..=12, d in 1u32..=28) {
            let iso = format!("{y:04}-{m:02}-{d:02}");
            let got = parse_date(&iso, "test").map(|p| p.value);
            proptest::prop_assert_eq!(got.as_deref(), Some(iso.as_str()));
        }
    }

    #[test]
    fn url_non_dates() {
        assert_eq!(
            date_from_url("https://example.com/talks?date=2025-02-10"),
            None
        );
        assert_eq!(date_from_url("https://2025.example.com/02/10/"), None);
        assert_eq!(
            date_from_url("https://example.com/img/1200/800/photo.jpg"),
            None
        );
        assert_eq!(date_from_url("https://example.com/2025/13/40/"), None);
        assert_eq!(
            date_from_url("https://example.com/article/202502101234"),
            None
        );
        assert_eq!(date_from_url("https://example.com/2025/0210/x"), None);
    }
}
