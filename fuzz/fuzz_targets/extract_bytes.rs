//! Arbitrary bytes through `extract`, as detected and as body-only text: any
//! result is fine, a panic is a bug.

#![no_main]

use chancery_extract::{extract, Input, Options};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let input = Input::bytes(data);
    let body_only = Options {
        body_only: true,
        ..Options::default()
    };
    for options in [Options::default(), body_only] {
        if let Ok(article) = extract(&input, &options) {
            // Block spans lie inside the text, on character boundaries, in order.
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
    }
});
