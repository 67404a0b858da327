//! Arbitrary text as each kind of PETRARCH dictionary: it is read or refused
//! with the file's name and a line, and whatever is read codes a sentence
//! without panicking.

#![no_main]

use chancery_nlp::petrarch::Dictionaries;
use libfuzzer_sys::fuzz_target;

const NAMES: [&str; 4] = ["f.verbs.txt", "f.actors.txt", "f.agents.txt", "f.discards.txt"];
const SENTENCE: [&str; 9] = ["The", "minister", "of", "A", "met", "B", "_", "in", "C"];

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let text = String::from_utf8_lossy(rest).into_owned();
    let name = NAMES[usize::from(selector) % NAMES.len()];
    match Dictionaries::parse(&[(name.to_string(), text)]) {
        Ok(dictionaries) => {
            for event in dictionaries.code_sentence(&SENTENCE, Some(20_240_101)) {
                assert!(event.verb.end <= SENTENCE.len());
            }
        }
        Err(error) => assert!(error.to_string().contains(name), "{error}"),
    }
});
