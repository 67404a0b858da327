//! Date strings to ISO 8601 with a precision (placeholder: replaced by the full version).

use chancery_model::{DatePrecision, Published};

/// Reads a date in the formats pages use.
pub(crate) fn parse_date(value: &str, from: &str) -> Option<Published> {
    let value = value.trim();
    let bytes = value.as_bytes();
    let ok = bytes.len() >= 10 && bytes[4] == b'-' && bytes[7] == b'-';
    ok.then(|| Published { value: value[..10].to_string(), precision: DatePrecision::Day, from: from.to_string() })
}
