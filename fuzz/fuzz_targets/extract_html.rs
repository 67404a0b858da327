//! Arbitrary bytes forced through the HTML path of `extract` (metadata, the
//! DOM, main-content scoring), whatever they look like.

#![no_main]

use chancery_extract::{extract, Format, Input, Options};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let options = Options {
        format: Some(Format::Html),
        ..Options::default()
    };
    if let Ok(article) = extract(&Input::bytes(data), &options) {
        let mut last_end = 0;
        for block in &article.paragraphs {
            assert!(
                block.start >= last_end && block.start < block.end,
                "{block:?}"
            );
            assert!(
                article.text.get(block.start..block.end).is_some(),
                "{block:?}"
            );
            last_end = block.end;
        }
    }
});
