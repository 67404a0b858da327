//! Arbitrary bytes as one JSON Lines record: an article or an error saying
//! what is wrong; a panic is a bug. The bytes are also wrapped as the
//! `text` and `html` of an otherwise well-formed record, so the fuzzer
//! reaches extraction without having to find valid JSON first.

#![no_main]

use chancery_extract::{extract_record, Options};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let options = Options::default();
    if let Ok(line) = std::str::from_utf8(data) {
        if let Err(error) = extract_record(line, &options) {
            assert!(!error.to_string().is_empty());
        }
    }
    let text = String::from_utf8_lossy(data);
    for key in ["text", "html"] {
        let record = serde_json::json!({"id": "fuzz", key: text, "published": text});
        if let Ok(article) = extract_record(&record.to_string(), &options) {
            assert_eq!(article.external_id.as_deref(), Some("fuzz"));
        }
    }
});
