//! Arbitrary bytes as a WARC stream: every item is a page, a failed record
//! or the last (broken) one; a panic, or reading on after a broken item, is
//! a bug. Record numbers only grow, and no page body is over the cap.

#![no_main]

use std::io::Cursor;

use chancery_extract::warc::{Item, Records};
use libfuzzer_sys::fuzz_target;

const MAX_BYTES: usize = 4096;

fuzz_target!(|data: &[u8]| {
    let mut last = 0;
    let mut broken = false;
    for item in Records::new(Box::new(Cursor::new(data.to_vec())), MAX_BYTES) {
        assert!(!broken, "an item after the stream was broken");
        let number = match item {
            Item::Document(record) => {
                assert!(record.body.len() <= MAX_BYTES, "a page over the cap");
                record.number
            }
            Item::Failed { number, problem } => {
                assert!(!problem.is_empty());
                number
            }
            Item::Broken { number, problem } => {
                assert!(!problem.is_empty());
                broken = true;
                number
            }
        };
        assert!(
            number >= last,
            "record numbers went back: {number} < {last}"
        );
        last = number;
    }
});
