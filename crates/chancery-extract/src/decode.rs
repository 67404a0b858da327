//! Raw bytes to text: gunzip, binary sniffing, encoding detection, and the
//! HTML-or-text decision.

use std::io::Read;

use encoding_rs::{Encoding, UTF_8};

use crate::ExtractError;

/// Whether a document is markup or plain text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// An HTML (or XHTML) page.
    Html,
    /// Plain text, such as a scraped page or a body from a pipeline.
    Text,
}

/// A document decoded to UTF-8.
#[derive(Debug, Clone)]
pub struct Decoded {
    /// The text.
    pub text: String,
    /// HTML or text, judged from the content.
    pub format: Format,
    /// The encoding the bytes were decoded from.
    pub encoding: &'static str,
    /// True when the encoding came from a statistical guess.
    pub encoding_guessed: bool,
    /// True when some bytes were invalid and replaced by U+FFFD.
    pub replaced_invalid_bytes: bool,
}

const GZIP_MAGIC: &[u8] = &[0x1f, 0x8b];

/// Decodes raw document bytes: gunzips them when they carry gzip's magic bytes,
/// refuses binary formats, finds the encoding (BOM, then `<meta charset>`, then
/// UTF-8 validity, then a statistical guess) and judges HTML or text.
pub fn decode(bytes: &[u8], max_bytes: usize) -> Result<Decoded, ExtractError> {
    if bytes.len() > max_bytes {
        return Err(ExtractError::TooLarge {
            size: bytes.len(),
            limit: max_bytes,
        });
    }
    let gunzipped;
    let bytes = if bytes.starts_with(GZIP_MAGIC) {
        gunzipped = gunzip(bytes, max_bytes)?;
        &gunzipped[..]
    } else {
        bytes
    };
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(ExtractError::Empty);
    }
    if let Some(kind) = binary_kind(bytes) {
        return Err(ExtractError::Binary { kind });
    }
    let looks_html = looks_like_html(bytes);
    let (encoding, bom_len, guessed) = detect_encoding(bytes, looks_html);
    let (text, replaced) = encoding.decode_without_bom_handling(&bytes[bom_len..]);
    let text = repair_mojibake(text.into_owned());
    if text.trim().is_empty() {
        return Err(ExtractError::Empty);
    }
    Ok(Decoded {
        format: if looks_html {
            Format::Html
        } else {
            Format::Text
        },
        text,
        encoding: encoding.name(),
        encoding_guessed: guessed,
        replaced_invalid_bytes: replaced,
    })
}

fn gunzip(bytes: &[u8], max_bytes: usize) -> Result<Vec<u8>, ExtractError> {
    let mut out = Vec::with_capacity(bytes.len().saturating_mul(4).min(max_bytes));
    // Read one byte past the cap so that "exactly at the cap" and "over it" differ.
    let mut decoder = flate2::read::MultiGzDecoder::new(bytes).take(max_bytes as u64 + 1);
    decoder
        .read_to_end(&mut out)
        .map_err(|err| ExtractError::Gzip {
            reason: err.to_string(),
        })?;
    if out.len() > max_bytes {
        return Err(ExtractError::TooLarge {
            size: out.len(),
            limit: max_bytes,
        });
    }
    Ok(out)
}

/// Names the binary format of `bytes`, if they are one. Magic numbers first;
/// then NUL bytes, which no text or HTML in an ASCII-compatible encoding has
/// (UTF-16 is recognised by its BOM and let through).
fn binary_kind(bytes: &[u8]) -> Option<&'static str> {
    const MAGICS: &[(&[u8], &str)] = &[
        (b"%PDF", "PDF"),
        (b"\x89PNG", "PNG image"),
        (b"\xff\xd8\xff", "JPEG image"),
        (b"GIF8", "GIF image"),
        (b"PK\x03\x04", "ZIP archive"),
        (b"PK\x05\x06", "ZIP archive"),
        (b"\x1f\x8b", "nested gzip"),
        (b"BZh", "bzip2"),
        (b"\xfd7zXZ", "xz"),
        (b"7z\xbc\xaf", "7-Zip archive"),
        (b"\x28\xb5\x2f\xfd", "zstd"),
        (b"RIFF", "RIFF media"),
        (b"\x7fELF", "ELF executable"),
        (b"MZ", "Windows executable"),
        (b"\xd0\xcf\x11\xe0", "legacy Office document"),
        (b"SQLite format 3", "SQLite database"),
        (b"OggS", "Ogg media"),
        (b"ID3", "MP3 audio"),
        (b"\x00\x00\x00\x18ftyp", "MP4 media"),
        (b"\x00\x00\x00\x20ftyp", "MP4 media"),
        (b"wOFF", "web font"),
        (b"wOF2", "web font"),
    ];
    if bytes.starts_with(b"\xff\xfe") || bytes.starts_with(b"\xfe\xff") {
        return None;
    }
    if let Some((_, kind)) = MAGICS.iter().find(|(magic, _)| bytes.starts_with(magic)) {
        return Some(kind);
    }
    let head = &bytes[..bytes.len().min(8192)];
    let nuls = head.iter().filter(|&&b| b == 0).count();
    let controls = head
        .iter()
        .filter(|&&b| b < 0x20 && !matches!(b, b'\n' | b'\r' | b'\t' | 0x0c | 0x1b))
        .count();
    if nuls > 0 || controls * 10 > head.len() {
        return Some("binary");
    }
    None
}

/// True when the content is markup: it opens with a doctype, comment or one of
/// the document-level tags, or its head is dense with HTML tags.
fn looks_like_html(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(4096)];
    let start = head
        .iter()
        .position(|b| !b.is_ascii_whitespace() && !matches!(b, 0xef | 0xbb | 0xbf))
        .unwrap_or(head.len());
    let opening = lowercase_prefix(&head[start..], 16);
    const OPENERS: &[&[u8]] = &[
        b"<!doctype",
        b"<html",
        b"<head",
        b"<body",
        b"<?xml",
        b"<!--",
        b"<meta",
        b"<title",
        b"<script",
        b"<style",
        b"<link",
        b"<noscript",
        b"<base",
        b"<div",
        b"<main",
        b"<article",
        b"<section",
        b"<header",
        b"<nav",
        b"<table",
    ];
    if OPENERS.iter().any(|o| opening.starts_with(o)) {
        return true;
    }
    const TAGS: &[&[u8]] = &[
        b"<p>",
        b"<p ",
        b"<div",
        b"<br",
        b"<a href",
        b"<span",
        b"<article",
    ];
    let lower = lowercase_prefix(head, head.len());
    let tags: usize = TAGS
        .iter()
        .map(|tag| memchr::memmem::find_iter(&lower, tag).count())
        .sum();
    tags >= 2
}

fn lowercase_prefix(bytes: &[u8], len: usize) -> Vec<u8> {
    bytes[..bytes.len().min(len)].to_ascii_lowercase()
}

/// Picks the encoding: BOM, then a `<meta charset>` declaration in an HTML head,
/// then UTF-8 when the bytes are valid UTF-8, then chardetng's guess. Returns the
/// encoding, the BOM length to skip and whether it was a guess.
fn detect_encoding(bytes: &[u8], looks_html: bool) -> (&'static Encoding, usize, bool) {
    if let Some((encoding, bom_len)) = Encoding::for_bom(bytes) {
        return (encoding, bom_len, false);
    }
    if looks_html {
        if let Some(encoding) = meta_charset(bytes) {
            // A page that declares a legacy charset but is valid UTF-8 was
            // re-encoded on its way here (common in crawls): trust the bytes.
            if encoding != UTF_8 && std::str::from_utf8(bytes).is_ok() && !bytes.is_ascii() {
                return (UTF_8, 0, false);
            }
            return (encoding, 0, false);
        }
    }
    if std::str::from_utf8(bytes).is_ok() {
        return (UTF_8, 0, false);
    }
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    detector.feed(
        &bytes[..bytes.len().min(64 * 1024)],
        bytes.len() <= 64 * 1024,
    );
    let guess = detector.guess(None, chardetng::Utf8Detection::Allow);
    // Mostly-UTF-8 text with a few broken bytes is still UTF-8.
    if guess != UTF_8 && mostly_utf8(bytes) {
        return (UTF_8, 0, true);
    }
    (guess, 0, true)
}

/// True when nearly all non-ASCII sequences are valid UTF-8.
fn mostly_utf8(bytes: &[u8]) -> bool {
    let mut rest = bytes;
    // Valid multi-byte sequences (counted by their lead bytes) against
    // invalid ones.
    let (mut valid, mut invalid) = (0usize, 0usize);
    let leads = |s: &[u8]| s.iter().filter(|&&b| b >= 0xc0).count();
    loop {
        match std::str::from_utf8(rest) {
            Ok(s) => {
                valid += leads(s.as_bytes());
                break;
            }
            Err(err) => {
                valid += leads(&rest[..err.valid_up_to()]);
                invalid += 1;
                let skip =
                    err.valid_up_to() + err.error_len().unwrap_or(rest.len() - err.valid_up_to());
                rest = &rest[skip..];
            }
        }
    }
    valid > 0 && invalid * 4 <= valid
}

/// Finds `<meta charset=…>` or `<meta http-equiv=content-type content="…charset=…">`
/// in the first 4 KiB, as browsers prescan.
fn meta_charset(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = bytes[..bytes.len().min(4096)].to_ascii_lowercase();
    let mut from = 0;
    while let Some(at) = memchr::memmem::find(&head[from..], b"<meta") {
        let tag_start = from + at;
        let tag_end = head[tag_start..]
            .iter()
            .position(|&b| b == b'>')
            .map_or(head.len(), |p| tag_start + p);
        let tag = &head[tag_start..tag_end];
        if let Some(pos) = memchr::memmem::find(tag, b"charset") {
            let value = tag[pos + 7..]
                .iter()
                .skip_while(|b| {
                    b.is_ascii_whitespace() || **b == b'=' || **b == b'"' || **b == b'\''
                })
                .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b':' | b'.'))
                .copied()
                .collect::<Vec<u8>>();
            if let Some(encoding) = Encoding::for_label(&value) {
                // UTF-16 cannot be declared from inside ASCII-compatible bytes.
                if encoding.is_single_byte()
                    || encoding == UTF_8
                    || encoding.output_encoding() == UTF_8
                {
                    return Some(encoding.output_encoding());
                }
                return Some(encoding);
            }
        }
        from = tag_end;
    }
    None
}

/// Undoes UTF-8 that was decoded as Latin-1 or Windows-1252 and encoded again
/// before it reached us ("letâ\u{80}\u{99}s", "cafÃ©"): a run of such
/// characters that spells a valid UTF-8 sequence becomes the character it
/// spells. Genuine text almost never has a lead byte's character followed by
/// continuation-byte characters, so correct text passes through unchanged.
fn repair_mojibake(text: String) -> String {
    // Fast exit: mojibake needs a lead character (Â–ô, U+00C2–U+00F4, which
    // UTF-8 writes as C3 82–C3 B4) right before a continuation character.
    let bytes = text.as_bytes();
    let suspicious = memchr::memchr_iter(0xc3, bytes).any(|i| {
        bytes.get(i + 1).is_some_and(|b| (0x82..=0xb4).contains(b))
            && text
                .get(i + 2..)
                .and_then(|rest| rest.chars().next())
                .and_then(byte_of)
                .is_some_and(|b| b & 0xc0 == 0x80)
    });
    if !suspicious {
        return text;
    }
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    let mut repaired = false;
    while i < chars.len() {
        if let Some((c, used)) = mojibake_sequence(&chars[i..]) {
            out.push(c);
            i += used;
            repaired = true;
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    if repaired {
        out
    } else {
        text
    }
}

/// The character a mis-decoded UTF-8 sequence at the start of `chars` spells,
/// and how many characters it took.
fn mojibake_sequence(chars: &[char]) -> Option<(char, usize)> {
    let lead = byte_of(*chars.first()?)?;
    let len = match lead {
        0xc2..=0xdf => 2,
        0xe0..=0xef => 3,
        0xf0..=0xf4 => 4,
        _ => return None,
    };
    let mut bytes = [lead, 0, 0, 0];
    for (slot, &c) in bytes[1..len].iter_mut().zip(chars.get(1..len)?) {
        let b = byte_of(c)?;
        if b & 0xc0 != 0x80 {
            return None;
        }
        *slot = b;
    }
    let decoded = std::str::from_utf8(&bytes[..len]).ok()?.chars().next()?;
    // Only non-ASCII results: an ASCII result would be an overlong form.
    (!decoded.is_ascii()).then_some((decoded, len))
}

/// The byte a character stands for in Latin-1 or Windows-1252, when it is in
/// the upper half.
fn byte_of(c: char) -> Option<u8> {
    const CP1252: [(char, u8); 27] = [
        ('€', 0x80),
        ('‚', 0x82),
        ('ƒ', 0x83),
        ('„', 0x84),
        ('…', 0x85),
        ('†', 0x86),
        ('‡', 0x87),
        ('ˆ', 0x88),
        ('‰', 0x89),
        ('Š', 0x8a),
        ('‹', 0x8b),
        ('Œ', 0x8c),
        ('Ž', 0x8e),
        ('‘', 0x91),
        ('’', 0x92),
        ('“', 0x93),
        ('”', 0x94),
        ('•', 0x95),
        ('–', 0x96),
        ('—', 0x97),
        ('˜', 0x98),
        ('™', 0x99),
        ('š', 0x9a),
        ('›', 0x9b),
        ('œ', 0x9c),
        ('ž', 0x9e),
        ('Ÿ', 0x9f),
    ];
    match c as u32 {
        0x80..=0xff => Some(c as u32 as u8),
        _ => CP1252.iter().find(|(k, _)| *k == c).map(|(_, b)| *b),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn gz(data: &[u8]) -> Vec<u8> {
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        enc.write_all(data).unwrap();
        enc.finish().unwrap()
    }

    #[test]
    fn gzip_is_recognised_by_magic_and_unpacked() {
        let doc = decode(&gz(b"<html><body><p>Hello</p></body></html>"), 1 << 20).unwrap();
        assert_eq!(doc.format, Format::Html);
        assert!(doc.text.contains("Hello"));
    }

    #[test]
    fn truncated_gzip_is_an_error_not_a_panic() {
        let data = gz(&b"Some words about a summit in Geneva. ".repeat(200));
        let err = decode(&data[..data.len() / 2], 1 << 20).unwrap_err();
        assert!(matches!(err, ExtractError::Gzip { .. }), "{err}");
    }

    #[test]
    fn gzip_bomb_stops_at_the_cap() {
        let data = gz(&vec![b'a'; 10_000]);
        let err = decode(&data, 1_000).unwrap_err();
        assert!(matches!(err, ExtractError::TooLarge { .. }), "{err}");
    }

    #[test]
    fn binary_formats_are_named() {
        for (bytes, kind) in [
            (&b"%PDF-1.7\n..."[..], "PDF"),
            (b"\x89PNG\r\n\x1a\n\0\0", "PNG image"),
            (b"PK\x03\x04\x14\0", "ZIP archive"),
            (b"abc\0\0\0def", "binary"),
        ] {
            match decode(bytes, 1 << 20) {
                Err(ExtractError::Binary { kind: seen }) => assert_eq!(seen, kind),
                other => panic!("{kind}: {other:?}"),
            }
        }
    }

    #[test]
    fn empty_and_blank_inputs_are_errors() {
        assert!(matches!(decode(b"", 10), Err(ExtractError::Empty)));
        assert!(matches!(decode(b" \n\t ", 10), Err(ExtractError::Empty)));
    }

    #[test]
    fn meta_charset_decides_for_legacy_pages() {
        let page =
            b"<html><head><meta charset=\"windows-1252\"></head><body><p>caf\xe9</p></body></html>";
        let doc = decode(page, 1 << 20).unwrap();
        assert_eq!(doc.encoding, "windows-1252");
        assert!(doc.text.contains("café"));
        assert!(!doc.encoding_guessed);
    }

    #[test]
    fn http_equiv_charset_is_read() {
        let page = b"<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=ISO-8859-1\"></head><p>na\xefve</p>";
        let doc = decode(page, 1 << 20).unwrap();
        assert!(doc.text.contains("naïve"), "{}", doc.text);
    }

    #[test]
    fn bom_wins_and_is_stripped() {
        let doc = decode(b"\xef\xbb\xbfHello there", 100).unwrap();
        assert_eq!(doc.text, "Hello there");
        let utf16: Vec<u8> = [0xff, 0xfe]
            .into_iter()
            .chain("Hi there".encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        let doc = decode(&utf16, 100).unwrap();
        assert_eq!(doc.text, "Hi there");
        assert_eq!(doc.encoding, "UTF-16LE");
    }

    #[test]
    fn undeclared_legacy_text_is_guessed_and_flagged() {
        let text = "Le ministre a déclaré que la réunion était très importante pour l'été.";
        let (bytes, _, _) = encoding_rs::WINDOWS_1252.encode(text);
        let doc = decode(&bytes, 1 << 20).unwrap();
        assert!(doc.encoding_guessed);
        assert_eq!(doc.text, text);
        assert_eq!(doc.format, Format::Text);
    }

    #[test]
    fn stray_invalid_bytes_in_utf8_are_replaced_and_flagged() {
        let mut bytes = "Déclaration commune: « nous sommes prêts », a-t-il dit. "
            .repeat(5)
            .into_bytes();
        bytes.push(0xff);
        bytes.extend_from_slice(b" fin");
        let doc = decode(&bytes, 1 << 20).unwrap();
        assert_eq!(doc.encoding, "UTF-8");
        assert!(doc.replaced_invalid_bytes);
        assert!(doc.text.contains('\u{fffd}'));
    }

    #[test]
    fn double_encoded_utf8_is_repaired() {
        assert_eq!(repair_mojibake("letâ\u{80}\u{99}s go".into()), "let’s go");
        assert_eq!(repair_mojibake("letâ€™s go".into()), "let’s go");
        assert_eq!(repair_mojibake("cafÃ© au lait".into()), "café au lait");
    }

    #[test]
    fn genuine_latin_text_is_left_alone() {
        for text in [
            "Ãgua é vida",
            "São Paulo, à bientôt",
            "Île-de-France",
            "naïve café",
        ] {
            assert_eq!(repair_mojibake(text.to_string()), text);
        }
    }

    #[test]
    fn short_utf8_text_with_a_stray_byte_stays_utf8() {
        let mut bytes = "Déclaration commune à Zürich\n\nLes ministres ont signé à Zürich une déclaration commune sur l’énergie, ".as_bytes().to_vec();
        bytes.extend_from_slice(b"\xff\xfe");
        bytes.extend_from_slice(
            " qui entrera en vigueur l’année prochaine après sa ratification.\n".as_bytes(),
        );
        let doc = decode(&bytes, 1 << 20).unwrap();
        assert_eq!(doc.encoding, "UTF-8");
        assert!(doc.replaced_invalid_bytes);
        assert!(doc.text.starts_with("Déclaration"), "{}", doc.text);
    }

    #[test]
    fn html_is_told_from_text_by_content() {
        assert_eq!(
            decode(b"  <!DOCTYPE html><p>x</p>", 100).unwrap().format,
            Format::Html
        );
        assert_eq!(
            decode(b"Intro <div>a</div> <p>b</p>", 100).unwrap().format,
            Format::Html
        );
        assert_eq!(
            decode(b"Use x < y and a <b> tag", 100).unwrap().format,
            Format::Text
        );
    }
}
