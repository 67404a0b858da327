//! How an article's analysis is kept (schema version 4): the JSON contract
//! without the article's text, which is `articles.text` already, as a blob:
//! one format byte, then a zstd frame compressed with a built-in dictionary.
//! The analysis JSON is most of an article's bytes and repeats its keys on
//! every entity, mention and event; keeping the text once and compressing
//! the rest shrinks the column several times over (BENCHMARKS.md).

use std::cell::RefCell;

use chancery_model::Analysis;
use zstd::bulk::{Compressor, Decompressor};

use crate::StoreError;

/// zstd's level for analysis blobs, its default. With the dictionary,
/// level 9 makes blobs about 12% smaller (961 against 1,092 bytes on BBC
/// analyses) but costs more CPU on the analysis threads, where ingest
/// spends its time.
const LEVEL: i32 = 3;

/// The first byte of a blob: how the rest is compressed. Version 1 is zstd
/// with [`DICTIONARY_V1`].
const FORMAT_V1: u8 = 1;

/// A zstd dictionary trained on the analyses of the demo corpus (invented
/// articles; `scripts/build_analysis_dictionary.sh`). An analysis repeats
/// its keys and many values (flags, kinds, precisions) that a blob of one
/// article cannot share with another; the dictionary holds them once, which
/// halves the blobs again. Blobs need the exact bytes they were written
/// with: a new dictionary is a new format byte, never a replacement.
const DICTIONARY_V1: &[u8] = include_bytes!("analysis-v1.dict");

/// A blob larger than this when decompressed is refused as damaged (an
/// analysis is kilobytes; the header of a damaged blob may claim anything).
const MAX_JSON: u64 = 1 << 30;

thread_local! {
    // A compression context holds the digested dictionary: one per thread,
    // made once, not one per article.
    static COMPRESSOR: RefCell<Option<Compressor<'static>>> = const { RefCell::new(None) };
    static DECOMPRESSOR: RefCell<Option<Decompressor<'static>>> = const { RefCell::new(None) };
    // The writer packs every changed story's record with every batch: a
    // context made per record was a measurable share of its time.
    static STATE_COMPRESSOR: RefCell<Option<Compressor<'static>>> = const { RefCell::new(None) };
}

/// The JSON of `analysis` with an empty article text (its text is stored
/// in `articles.text`).
pub(crate) fn json_without_text(analysis: &mut Analysis) -> serde_json::Result<String> {
    let text = std::mem::take(&mut analysis.article.text);
    let json = serde_json::to_string(&*analysis);
    analysis.article.text = text;
    json
}

/// Compresses the JSON of an analysis without its text into a blob.
pub(crate) fn compress(json: &str) -> std::io::Result<Vec<u8>> {
    COMPRESSOR.with(|cell| {
        let mut cell = cell.borrow_mut();
        if cell.is_none() {
            *cell = Some(Compressor::with_dictionary(LEVEL, DICTIONARY_V1)?);
        }
        let compressor = cell.as_mut().expect("made above");
        let frame = compressor.compress(json.as_bytes())?;
        let mut blob = Vec::with_capacity(frame.len() + 1);
        blob.push(FORMAT_V1);
        blob.extend_from_slice(&frame);
        Ok(blob)
    })
}

/// The JSON back from a blob.
pub(crate) fn decompress(blob: &[u8]) -> Result<Vec<u8>, String> {
    let Some((&FORMAT_V1, frame)) = blob.split_first() else {
        return Err(match blob.first() {
            None => "the blob is empty".into(),
            Some(byte) => {
                format!("format {byte} is unknown (a newer chancery wrote it, or it is damaged)")
            }
        });
    };
    let size = zstd::zstd_safe::get_frame_content_size(frame)
        .map_err(|_| "the blob is not a zstd frame".to_string())?
        .ok_or("the blob does not say its size")?;
    if size > MAX_JSON {
        return Err(format!("the blob claims {size} bytes"));
    }
    DECOMPRESSOR.with(|cell| {
        let mut cell = cell.borrow_mut();
        if cell.is_none() {
            *cell = Some(Decompressor::with_dictionary(DICTIONARY_V1).map_err(|e| e.to_string())?);
        }
        let decompressor = cell.as_mut().expect("made above");
        decompressor
            .decompress(frame, size as usize)
            .map_err(|e| e.to_string())
    })
}

/// zstd's level for the saved story clusterer: its frequency table is
/// rewritten with every batch, on the writer thread, so the fastest level.
const STATE_LEVEL: i32 = 1;

/// The saved story clusterer's bytes (its frequency table, a story's
/// record) as kept since version 4: a zstd frame. The frequency table is a
/// fixed 4 MiB of counters, mostly zero in any corpus; records compress
/// about twice.
pub(crate) fn pack_state(bytes: &[u8]) -> std::io::Result<Vec<u8>> {
    STATE_COMPRESSOR.with(|cell| {
        let mut cell = cell.borrow_mut();
        if cell.is_none() {
            *cell = Some(Compressor::new(STATE_LEVEL)?);
        }
        cell.as_mut().expect("made above").compress(bytes)
    })
}

/// The bytes back from [`pack_state`]; `None` when they cannot be read (the
/// stories are then rebuilt from the articles, as for any unusable state).
pub(crate) fn unpack_state(packed: &[u8]) -> Option<Vec<u8>> {
    let size = zstd::zstd_safe::get_frame_content_size(packed).ok()??;
    if size > MAX_JSON {
        return None;
    }
    zstd::bulk::decompress(packed, size as usize).ok()
}

/// The analysis of article `id` back from its blob and its text
/// (`articles.analysis`, `articles.text`).
pub fn decode_analysis(id: &str, blob: &[u8], text: &str) -> Result<Analysis, StoreError> {
    let unreadable = |reason: String| StoreError::Unreadable {
        id: id.to_string(),
        reason,
    };
    let json = decompress(blob).map_err(unreadable)?;
    let mut analysis: Analysis =
        serde_json::from_slice(&json).map_err(|e| unreadable(e.to_string()))?;
    analysis.article.text = text.to_string();
    Ok(analysis)
}

/// [`decode_analysis`] as the JSON contract, exactly as `chancery analyze`
/// prints it.
pub fn decode_analysis_json(id: &str, blob: &[u8], text: &str) -> Result<String, StoreError> {
    let analysis = decode_analysis(id, blob, text)?;
    serde_json::to_string(&analysis).map_err(|source| StoreError::Serialize {
        id: id.to_string(),
        source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chancery_model::Article;

    #[test]
    fn an_analysis_comes_back_whole_from_a_blob_without_its_text() {
        let text = "The council approved the plan on Thursday. ".repeat(20);
        let mut analysis = Analysis::from_article(Article {
            id: "a1".into(),
            title: Some("Plan approved".into()),
            text: text.clone(),
            ..Article::default()
        });
        let whole = serde_json::to_string(&analysis).unwrap();
        let json = json_without_text(&mut analysis).unwrap();
        assert!(!json.contains("council"), "the text is stored once");
        assert_eq!(analysis.article.text, text, "the caller's analysis is kept");
        let blob = compress(&json).unwrap();
        assert!(blob.len() < json.len());
        assert_eq!(decode_analysis_json("a1", &blob, &text).unwrap(), whole);
    }

    #[test]
    fn story_state_comes_back_as_it_was_saved() {
        let mut table = vec![0u8; 1 << 20];
        table[77] = 3;
        let packed = pack_state(&table).unwrap();
        assert!(packed.len() < table.len() / 100);
        assert_eq!(unpack_state(&packed).unwrap(), table);
        assert_eq!(unpack_state(b"damaged"), None);
    }

    #[test]
    fn a_damaged_blob_is_an_error_naming_the_article() {
        let error = decode_analysis("a9", b"not zstd", "text").unwrap_err();
        assert!(error.to_string().contains("a9"), "{error}");
        for damaged in [
            &b""[..],
            &[1, 0x28, 0xb5, 0x2f, 0xfd, 0, 0][..],
            &[2, 1, 2][..],
        ] {
            assert!(decode_analysis("a9", damaged, "text").is_err());
        }
    }
}
