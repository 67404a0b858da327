//! HTML character references: `&amp;`, `&#8217;`, `&#x2019;`, `&eacute;`…
//!
//! A simplified version of the HTML5 tokenizer's character reference state:
//!
//! * numeric references (`&#NNN;`, `&#xHHH;`, the `;` optional) decode to their
//!   code point, with NUL, surrogates and values past U+10FFFF becoming U+FFFD
//!   and 0x80–0x9F read as Windows-1252, as browsers do;
//! * named references decode when the name is known and ends in `;`; without the
//!   `;` only the legacy names (`amp lt gt quot nbsp copy reg` and the other
//!   Latin-1 names) decode, taking the longest such prefix (`&copy2` → `©2`);
//! * in attribute values a reference without `;` followed by `=` or an ASCII
//!   alphanumeric is kept verbatim, so URLs like `?a=1&copy=2` survive;
//! * anything else (`AT&T`, `&foo;`, a bare `&#`) is kept as written.
//!
//! The name table holds the 252 entities of HTML 4.01 plus the HTML5 names that
//! turn up on news pages; it is not the full HTML5 list of 2,231.

use std::borrow::Cow;

/// Longest legacy name (`Agrave`, `frac12`, …), in bytes.
const LONGEST_LEGACY: usize = 6;

/// Decodes character references (`&amp;`, `&#8217;`, `&#x2019;`, `&eacute;`…) in `text`.
/// Returns the input unchanged (borrowed) when it holds no `&`.
///
/// With `in_attribute`, a reference lacking its `;` and followed by `=` or an
/// ASCII alphanumeric is left as is, as in attribute values per HTML5. The result
/// is also borrowed when `text` holds `&`s but no reference that decodes.
pub(crate) fn decode(text: &str, in_attribute: bool) -> Cow<'_, str> {
    let Some(first) = text.find('&') else {
        return Cow::Borrowed(text);
    };
    let mut out: Option<String> = None;
    // `text[..copied]` is accounted for in `out`.
    let mut copied = 0;
    let mut at = first;
    loop {
        // `at` indexes an `&`, so `at + 1` is a char boundary.
        if let Some((replacement, end)) = reference(text, at + 1, in_attribute) {
            let out = out.get_or_insert_with(|| String::with_capacity(text.len()));
            out.push_str(&text[copied..at]);
            match replacement {
                Replacement::Str(s) => out.push_str(s),
                Replacement::Char(c) => out.push(c),
            }
            copied = end;
            at = end;
        } else {
            at += 1;
        }
        match text[at..].find('&') {
            Some(offset) => at += offset,
            None => break,
        }
    }
    match out {
        None => Cow::Borrowed(text),
        Some(mut out) => {
            out.push_str(&text[copied..]);
            Cow::Owned(out)
        }
    }
}

/// What a reference decodes to.
enum Replacement {
    Str(&'static str),
    Char(char),
}

/// Reads the reference whose `&` sits just before `start`: what it decodes to
/// and the index just past it, or `None` when it is to be kept as written.
fn reference(text: &str, start: usize, in_attribute: bool) -> Option<(Replacement, usize)> {
    let bytes = text.as_bytes();
    match bytes.get(start) {
        Some(b'#') => numeric(bytes, start + 1).map(|(c, end)| (Replacement::Char(c), end)),
        Some(b) if b.is_ascii_alphanumeric() => {
            named_reference(text, start, in_attribute).map(|(s, end)| (Replacement::Str(s), end))
        }
        _ => None,
    }
}

/// A numeric reference, from just after its `#`.
fn numeric(bytes: &[u8], start: usize) -> Option<(char, usize)> {
    let (radix, digits_start) = match bytes.get(start) {
        Some(b'x' | b'X') => (16, start + 1),
        _ => (10, start),
    };
    // Saturates just past the Unicode range, so long digit runs cannot overflow.
    let mut value: u32 = 0;
    let mut end = digits_start;
    while let Some(digit) = bytes.get(end).and_then(|&b| char::from(b).to_digit(radix)) {
        value = value
            .saturating_mul(radix)
            .saturating_add(digit)
            .min(0x11_0000);
        end += 1;
    }
    if end == digits_start {
        return None;
    }
    if bytes.get(end) == Some(&b';') {
        end += 1;
    }
    Some((numeric_char(value), end))
}

/// The character a numeric reference stands for, as browsers read it.
fn numeric_char(value: u32) -> char {
    match value {
        0 => char::REPLACEMENT_CHARACTER,
        0x80..=0x9F => WINDOWS_1252[(value - 0x80) as usize],
        // `from_u32` refuses surrogates and values past U+10FFFF.
        _ => char::from_u32(value).unwrap_or(char::REPLACEMENT_CHARACTER),
    }
}

/// What `&#128;`…`&#159;` stand for: the Windows-1252 characters at those bytes,
/// the five bytes it leaves undefined mapping to the C1 control itself.
const WINDOWS_1252: [char; 32] = [
    '\u{20AC}', // 0x80
    '\u{0081}', // 0x81
    '\u{201A}', // 0x82
    '\u{0192}', // 0x83
    '\u{201E}', // 0x84
    '\u{2026}', // 0x85
    '\u{2020}', // 0x86
    '\u{2021}', // 0x87
    '\u{02C6}', // 0x88
    '\u{2030}', // 0x89
    '\u{0160}', // 0x8A
    '\u{2039}', // 0x8B
    '\u{0152}', // 0x8C
    '\u{008D}', // 0x8D
    '\u{017D}', // 0x8E
    '\u{008F}', // 0x8F
    '\u{0090}', // 0x90
    '\u{2018}', // 0x91
    '\u{2019}', // 0x92
    '\u{201C}', // 0x93
    '\u{201D}', // 0x94
    '\u{2022}', // 0x95
    '\u{2013}', // 0x96
    '\u{2014}', // 0x97
    '\u{02DC}', // 0x98
    '\u{2122}', // 0x99
    '\u{0161}', // 0x9A
    '\u{203A}', // 0x9B
    '\u{0153}', // 0x9C
    '\u{009D}', // 0x9D
    '\u{017E}', // 0x9E
    '\u{0178}', // 0x9F
];

/// A named reference, from its first alphanumeric (just after the `&`).
fn named_reference(text: &str, start: usize, in_attribute: bool) -> Option<(&'static str, usize)> {
    let bytes = text.as_bytes();
    let run_end = bytes[start..]
        .iter()
        .position(|b| !b.is_ascii_alphanumeric())
        .map_or(bytes.len(), |len| start + len);
    // ASCII alphanumerics only, so both ends are char boundaries.
    let name = &text[start..run_end];
    if bytes.get(run_end) == Some(&b';') {
        if let Some(value) = named(name) {
            return Some((value, run_end + 1));
        }
    }
    // No `;`, or an unknown name before it: fall back to the longest legacy
    // prefix (`&notit;` → `¬it;`). A known name with its `;` matched above, and
    // the `;` cannot sit inside the run, so no longer match is cut short.
    let longest = name.len().min(LONGEST_LEGACY);
    let (len, value) = (1..=longest).rev().find_map(|len| {
        let prefix = &name[..len];
        if legacy(prefix) {
            named(prefix).map(|value| (len, value))
        } else {
            None
        }
    })?;
    let end = start + len;
    if in_attribute
        && bytes
            .get(end)
            .is_some_and(|&b| b == b'=' || b.is_ascii_alphanumeric())
    {
        return None;
    }
    Some((value, end))
}

/// Whether `name` is one of the legacy names HTML5 decodes without a `;`.
fn legacy(name: &str) -> bool {
    LEGACY.binary_search(&name).is_ok()
}

/// The names HTML5 decodes without a `;`: the Latin-1 set of HTML 4 plus the
/// upper-case `AMP COPY GT LT QUOT REG`; sorted by byte for binary search.
const LEGACY: [&str; 106] = [
    "AElig", "AMP", "Aacute", "Acirc", "Agrave", "Aring", "Atilde", "Auml", "COPY", "Ccedil",
    "ETH", "Eacute", "Ecirc", "Egrave", "Euml", "GT", "Iacute", "Icirc", "Igrave", "Iuml", "LT",
    "Ntilde", "Oacute", "Ocirc", "Ograve", "Oslash", "Otilde", "Ouml", "QUOT", "REG", "THORN",
    "Uacute", "Ucirc", "Ugrave", "Uuml", "Yacute", "aacute", "acirc", "acute", "aelig", "agrave",
    "amp", "aring", "atilde", "auml", "brvbar", "ccedil", "cedil", "cent", "copy", "curren", "deg",
    "divide", "eacute", "ecirc", "egrave", "eth", "euml", "frac12", "frac14", "frac34", "gt",
    "iacute", "icirc", "iexcl", "igrave", "iquest", "iuml", "laquo", "lt", "macr", "micro",
    "middot", "nbsp", "not", "ntilde", "oacute", "ocirc", "ograve", "ordf", "ordm", "oslash",
    "otilde", "ouml", "para", "plusmn", "pound", "quot", "raquo", "reg", "sect", "shy", "sup1",
    "sup2", "sup3", "szlig", "thorn", "times", "uacute", "ucirc", "ugrave", "uml", "uuml",
    "yacute", "yen", "yuml",
];

/// The character(s) a named reference stands for, by name without `&` and `;`.
///
/// Names are case-sensitive (`&Eacute;` is not `&eacute;`). `lang` and `rang`
/// follow HTML5 (U+27E8, U+27E9) rather than HTML 4 (U+2329, U+232A).
pub(crate) fn named(name: &str) -> Option<&'static str> {
    Some(match name {
        // HTML 4.01 Latin-1 (HTMLlat1), U+00A0..=U+00FF.
        "nbsp" => "\u{A0}",
        "iexcl" => "\u{A1}",  // ¡
        "cent" => "\u{A2}",   // ¢
        "pound" => "\u{A3}",  // £
        "curren" => "\u{A4}", // ¤
        "yen" => "\u{A5}",    // ¥
        "brvbar" => "\u{A6}", // ¦
        "sect" => "\u{A7}",   // §
        "uml" => "\u{A8}",    // ¨
        "copy" => "\u{A9}",   // ©
        "ordf" => "\u{AA}",   // ª
        "laquo" => "\u{AB}",  // «
        "not" => "\u{AC}",    // ¬
        "shy" => "\u{AD}",
        "reg" => "\u{AE}",    // ®
        "macr" => "\u{AF}",   // ¯
        "deg" => "\u{B0}",    // °
        "plusmn" => "\u{B1}", // ±
        "sup2" => "\u{B2}",   // ²
        "sup3" => "\u{B3}",   // ³
        "acute" => "\u{B4}",  // ´
        "micro" => "\u{B5}",  // µ
        "para" => "\u{B6}",   // ¶
        "middot" => "\u{B7}", // ·
        "cedil" => "\u{B8}",  // ¸
        "sup1" => "\u{B9}",   // ¹
        "ordm" => "\u{BA}",   // º
        "raquo" => "\u{BB}",  // »
        "frac14" => "\u{BC}", // ¼
        "frac12" => "\u{BD}", // ½
        "frac34" => "\u{BE}", // ¾
        "iquest" => "\u{BF}", // ¿
        "Agrave" => "\u{C0}", // À
        "Aacute" => "\u{C1}", // Á
        "Acirc" => "\u{C2}",  // Â
        "Atilde" => "\u{C3}", // Ã
        "Auml" => "\u{C4}",   // Ä
        "Aring" => "\u{C5}",  // Å
        "AElig" => "\u{C6}",  // Æ
        "Ccedil" => "\u{C7}", // Ç
        "Egrave" => "\u{C8}", // È
        "Eacute" => "\u{C9}", // É
        "Ecirc" => "\u{CA}",  // Ê
        "Euml" => "\u{CB}",   // Ë
        "Igrave" => "\u{CC}", // Ì
        "Iacute" => "\u{CD}", // Í
        "Icirc" => "\u{CE}",  // Î
        "Iuml" => "\u{CF}",   // Ï
        "ETH" => "\u{D0}",    // Ð
        "Ntilde" => "\u{D1}", // Ñ
        "Ograve" => "\u{D2}", // Ò
        "Oacute" => "\u{D3}", // Ó
        "Ocirc" => "\u{D4}",  // Ô
        "Otilde" => "\u{D5}", // Õ
        "Ouml" => "\u{D6}",   // Ö
        "times" => "\u{D7}",  // ×
        "Oslash" => "\u{D8}", // Ø
        "Ugrave" => "\u{D9}", // Ù
        "Uacute" => "\u{DA}", // Ú
        "Ucirc" => "\u{DB}",  // Û
        "Uuml" => "\u{DC}",   // Ü
        "Yacute" => "\u{DD}", // Ý
        "THORN" => "\u{DE}",  // Þ
        "szlig" => "\u{DF}",  // ß
        "agrave" => "\u{E0}", // à
        "aacute" => "\u{E1}", // á
        "acirc" => "\u{E2}",  // â
        "atilde" => "\u{E3}", // ã
        "auml" => "\u{E4}",   // ä
        "aring" => "\u{E5}",  // å
        "aelig" => "\u{E6}",  // æ
        "ccedil" => "\u{E7}", // ç
        "egrave" => "\u{E8}", // è
        "eacute" => "\u{E9}", // é
        "ecirc" => "\u{EA}",  // ê
        "euml" => "\u{EB}",   // ë
        "igrave" => "\u{EC}", // ì
        "iacute" => "\u{ED}", // í
        "icirc" => "\u{EE}",  // î
        "iuml" => "\u{EF}",   // ï
        "eth" => "\u{F0}",    // ð
        "ntilde" => "\u{F1}", // ñ
        "ograve" => "\u{F2}", // ò
        "oacute" => "\u{F3}", // ó
        "ocirc" => "\u{F4}",  // ô
        "otilde" => "\u{F5}", // õ
        "ouml" => "\u{F6}",   // ö
        "divide" => "\u{F7}", // ÷
        "oslash" => "\u{F8}", // ø
        "ugrave" => "\u{F9}", // ù
        "uacute" => "\u{FA}", // ú
        "ucirc" => "\u{FB}",  // û
        "uuml" => "\u{FC}",   // ü
        "yacute" => "\u{FD}", // ý
        "thorn" => "\u{FE}",  // þ
        "yuml" => "\u{FF}",   // ÿ
        // HTML 4.01 symbols and Greek (HTMLsymbol).
        "fnof" => "\u{192}",     // ƒ
        "Alpha" => "\u{391}",    // Α
        "Beta" => "\u{392}",     // Β
        "Gamma" => "\u{393}",    // Γ
        "Delta" => "\u{394}",    // Δ
        "Epsilon" => "\u{395}",  // Ε
        "Zeta" => "\u{396}",     // Ζ
        "Eta" => "\u{397}",      // Η
        "Theta" => "\u{398}",    // Θ
        "Iota" => "\u{399}",     // Ι
        "Kappa" => "\u{39A}",    // Κ
        "Lambda" => "\u{39B}",   // Λ
        "Mu" => "\u{39C}",       // Μ
        "Nu" => "\u{39D}",       // Ν
        "Xi" => "\u{39E}",       // Ξ
        "Omicron" => "\u{39F}",  // Ο
        "Pi" => "\u{3A0}",       // Π
        "Rho" => "\u{3A1}",      // Ρ
        "Sigma" => "\u{3A3}",    // Σ
        "Tau" => "\u{3A4}",      // Τ
        "Upsilon" => "\u{3A5}",  // Υ
        "Phi" => "\u{3A6}",      // Φ
        "Chi" => "\u{3A7}",      // Χ
        "Psi" => "\u{3A8}",      // Ψ
        "Omega" => "\u{3A9}",    // Ω
        "alpha" => "\u{3B1}",    // α
        "beta" => "\u{3B2}",     // β
        "gamma" => "\u{3B3}",    // γ
        "delta" => "\u{3B4}",    // δ
        "epsilon" => "\u{3B5}",  // ε
        "zeta" => "\u{3B6}",     // ζ
        "eta" => "\u{3B7}",      // η
        "theta" => "\u{3B8}",    // θ
        "iota" => "\u{3B9}",     // ι
        "kappa" => "\u{3BA}",    // κ
        "lambda" => "\u{3BB}",   // λ
        "mu" => "\u{3BC}",       // μ
        "nu" => "\u{3BD}",       // ν
        "xi" => "\u{3BE}",       // ξ
        "omicron" => "\u{3BF}",  // ο
        "pi" => "\u{3C0}",       // π
        "rho" => "\u{3C1}",      // ρ
        "sigmaf" => "\u{3C2}",   // ς
        "sigma" => "\u{3C3}",    // σ
        "tau" => "\u{3C4}",      // τ
        "upsilon" => "\u{3C5}",  // υ
        "phi" => "\u{3C6}",      // φ
        "chi" => "\u{3C7}",      // χ
        "psi" => "\u{3C8}",      // ψ
        "omega" => "\u{3C9}",    // ω
        "thetasym" => "\u{3D1}", // ϑ
        "upsih" => "\u{3D2}",    // ϒ
        "piv" => "\u{3D6}",      // ϖ
        "bull" => "\u{2022}",    // •
        "hellip" => "\u{2026}",  // …
        "prime" => "\u{2032}",   // ′
        "Prime" => "\u{2033}",   // ″
        "oline" => "\u{203E}",   // ‾
        "frasl" => "\u{2044}",   // ⁄
        "image" => "\u{2111}",   // ℑ
        "weierp" => "\u{2118}",  // ℘
        "real" => "\u{211C}",    // ℜ
        "trade" => "\u{2122}",   // ™
        "alefsym" => "\u{2135}", // ℵ
        "larr" => "\u{2190}",    // ←
        "uarr" => "\u{2191}",    // ↑
        "rarr" => "\u{2192}",    // →
        "darr" => "\u{2193}",    // ↓
        "harr" => "\u{2194}",    // ↔
        "crarr" => "\u{21B5}",   // ↵
        "lArr" => "\u{21D0}",    // ⇐
        "uArr" => "\u{21D1}",    // ⇑
        "rArr" => "\u{21D2}",    // ⇒
        "dArr" => "\u{21D3}",    // ⇓
        "hArr" => "\u{21D4}",    // ⇔
        "forall" => "\u{2200}",  // ∀
        "part" => "\u{2202}",    // ∂
        "exist" => "\u{2203}",   // ∃
        "empty" => "\u{2205}",   // ∅
        "nabla" => "\u{2207}",   // ∇
        "isin" => "\u{2208}",    // ∈
        "notin" => "\u{2209}",   // ∉
        "ni" => "\u{220B}",      // ∋
        "prod" => "\u{220F}",    // ∏
        "sum" => "\u{2211}",     // ∑
        "minus" => "\u{2212}",   // −
        "lowast" => "\u{2217}",  // ∗
        "radic" => "\u{221A}",   // √
        "prop" => "\u{221D}",    // ∝
        "infin" => "\u{221E}",   // ∞
        "ang" => "\u{2220}",     // ∠
        "and" => "\u{2227}",     // ∧
        "or" => "\u{2228}",      // ∨
        "cap" => "\u{2229}",     // ∩
        "cup" => "\u{222A}",     // ∪
        "int" => "\u{222B}",     // ∫
        "there4" => "\u{2234}",  // ∴
        "sim" => "\u{223C}",     // ∼
        "cong" => "\u{2245}",    // ≅
        "asymp" => "\u{2248}",   // ≈
        "ne" => "\u{2260}",      // ≠
        "equiv" => "\u{2261}",   // ≡
        "le" => "\u{2264}",      // ≤
        "ge" => "\u{2265}",      // ≥
        "sub" => "\u{2282}",     // ⊂
        "sup" => "\u{2283}",     // ⊃
        "nsub" => "\u{2284}",    // ⊄
        "sube" => "\u{2286}",    // ⊆
        "supe" => "\u{2287}",    // ⊇
        "oplus" => "\u{2295}",   // ⊕
        "otimes" => "\u{2297}",  // ⊗
        "perp" => "\u{22A5}",    // ⊥
        "sdot" => "\u{22C5}",    // ⋅
        "lceil" => "\u{2308}",   // ⌈
        "rceil" => "\u{2309}",   // ⌉
        "lfloor" => "\u{230A}",  // ⌊
        "rfloor" => "\u{230B}",  // ⌋
        "lang" => "\u{27E8}",    // ⟨
        "rang" => "\u{27E9}",    // ⟩
        "loz" => "\u{25CA}",     // ◊
        "spades" => "\u{2660}",  // ♠
        "clubs" => "\u{2663}",   // ♣
        "hearts" => "\u{2665}",  // ♥
        "diams" => "\u{2666}",   // ♦
        // HTML 4.01 special characters (HTMLspecial).
        "quot" => "\"",
        "amp" => "&",
        "lt" => "<",
        "gt" => ">",
        "OElig" => "\u{152}",  // Œ
        "oelig" => "\u{153}",  // œ
        "Scaron" => "\u{160}", // Š
        "scaron" => "\u{161}", // š
        "Yuml" => "\u{178}",   // Ÿ
        "circ" => "\u{2C6}",   // ˆ
        "tilde" => "\u{2DC}",  // ˜
        "ensp" => "\u{2002}",
        "emsp" => "\u{2003}",
        "thinsp" => "\u{2009}",
        "zwnj" => "\u{200C}",
        "zwj" => "\u{200D}",
        "lrm" => "\u{200E}",
        "rlm" => "\u{200F}",
        "ndash" => "\u{2013}",  // –
        "mdash" => "\u{2014}",  // —
        "lsquo" => "\u{2018}",  // ‘
        "rsquo" => "\u{2019}",  // ’
        "sbquo" => "\u{201A}",  // ‚
        "ldquo" => "\u{201C}",  // “
        "rdquo" => "\u{201D}",  // ”
        "bdquo" => "\u{201E}",  // „
        "dagger" => "\u{2020}", // †
        "Dagger" => "\u{2021}", // ‡
        "permil" => "\u{2030}", // ‰
        "lsaquo" => "\u{2039}", // ‹
        "rsaquo" => "\u{203A}", // ›
        "euro" => "\u{20AC}",   // €
        // HTML5 additions common on news pages.
        "apos" => "'",
        "hyphen" => "\u{2010}", // ‐
        "dash" => "\u{2010}",   // ‐
        "horbar" => "\u{2015}", // ―
        "NewLine" => "\n",
        "Tab" => "\t",
        "colon" => ":",
        "comma" => ",",
        "period" => ".",
        "excl" => "!",
        "quest" => "?",
        "num" => "#",
        "dollar" => "$",
        "percnt" => "%",
        "lpar" => "(",
        "rpar" => ")",
        "ast" => "*",
        "plus" => "+",
        "sol" => "/",
        "bsol" => "\\",
        "lsqb" => "[",
        "rsqb" => "]",
        "lcub" => "{",
        "rcub" => "}",
        "verbar" => "|",
        "vert" => "|",
        "grave" => "`",
        "lowbar" => "_",
        "equals" => "=",
        "commat" => "@",
        "semi" => ";",
        "Hat" => "^",
        "half" => "\u{BD}",     // ½
        "frac13" => "\u{2153}", // ⅓
        "frac23" => "\u{2154}", // ⅔
        "frac18" => "\u{215B}", // ⅛
        "mldr" => "\u{2026}",   // …
        "nldr" => "\u{2025}",   // ‥
        "bullet" => "\u{2022}", // •
        "check" => "\u{2713}",  // ✓
        "cross" => "\u{2717}",  // ✗
        "star" => "\u{2606}",   // ☆
        "starf" => "\u{2605}",  // ★
        "AMP" => "&",
        "LT" => "<",
        "GT" => ">",
        "QUOT" => "\"",
        "COPY" => "\u{A9}", // ©
        "REG" => "\u{AE}",  // ®
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn text(s: &str) -> String {
        decode(s, false).into_owned()
    }

    fn attr(s: &str) -> String {
        decode(s, true).into_owned()
    }

    #[test]
    fn borrows_text_without_references() {
        assert!(matches!(
            decode("plain text", false),
            Cow::Borrowed("plain text")
        ));
        assert!(matches!(decode("", true), Cow::Borrowed("")));
        // `&`s that decode to nothing leave the text borrowed too.
        assert!(matches!(
            decode("AT&T & co &foo; &#", false),
            Cow::Borrowed(_)
        ));
    }

    #[test]
    fn decodes_named_references() {
        assert_eq!(text("Tom &amp; Jerry"), "Tom & Jerry");
        assert_eq!(text("&lt;p&gt; &quot;hi&quot; &apos;"), "<p> \"hi\" '");
        assert_eq!(text("a&nbsp;b"), "a\u{A0}b");
        assert_eq!(text("it&rsquo;s"), "it\u{2019}s");
        assert_eq!(
            text("&ldquo;Quote&rdquo; &mdash; &ndash; &hellip;"),
            "“Quote” — – …"
        );
        assert_eq!(text("caf&eacute; &Eacute;t&eacute;"), "café Été");
        assert_eq!(text("&euro;5 &trade; &copy; &reg;"), "€5 ™ © ®");
        assert_eq!(text("&Alpha;&omega;&forall;&sdot;&diams;&fnof;"), "Αω∀⋅♦ƒ");
        assert_eq!(text("&bull; &bullet; &mldr; &check; &starf;"), "• • … ✓ ★");
        assert_eq!(text("&frac12;&half;&frac13;&frac18;"), "½½⅓⅛");
        assert_eq!(
            text("&NewLine;&Tab;&colon;&commat;&Hat;&bsol;"),
            "\n\t:@^\\"
        );
        assert_eq!(text("&AMP;&LT;&GT;&QUOT;&COPY;&REG;"), "&<>\"©®");
    }

    #[test]
    fn decodes_only_once() {
        assert_eq!(text("&amp;amp;"), "&amp;");
        assert_eq!(text("&amp;lt;b&amp;gt;"), "&lt;b&gt;");
    }

    #[test]
    fn decodes_numeric_references() {
        assert_eq!(text("&#8217;"), "\u{2019}");
        assert_eq!(text("&#x2019;&#X2019;&#x00e9;"), "\u{2019}\u{2019}é");
        assert_eq!(text("&#x1F600;"), "😀");
        assert_eq!(text("&#65;&#066;&#x43"), "ABC");
        assert_eq!(text("&#65x &#x41g"), "Ax Ag");
        assert_eq!(text("&#0000000000000000000065;"), "A");
    }

    #[test]
    fn numeric_references_to_bad_code_points_become_replacement() {
        assert_eq!(text("&#0;"), "\u{FFFD}");
        assert_eq!(text("&#xD800;&#xDFFF;"), "\u{FFFD}\u{FFFD}");
        assert_eq!(text("&#x110000;&#1114112;"), "\u{FFFD}\u{FFFD}");
        assert_eq!(text("&#99999999999999999999999;"), "\u{FFFD}");
        assert_eq!(text("&#xFFFFFFFFFFFFFFFFFFFFFFFF;x"), "\u{FFFD}x");
        assert_eq!(text("&#x10FFFF;"), "\u{10FFFF}");
    }

    #[test]
    fn c1_numeric_references_read_as_windows_1252() {
        assert_eq!(text("&#146;"), "’");
        assert_eq!(text("&#150;&#151;&#133;"), "–—…");
        assert_eq!(text("&#147;hi&#148;"), "“hi”");
        assert_eq!(text("&#128;&#x80;&#153;&#159;"), "€€™Ÿ");
        // Bytes Windows-1252 leaves undefined stay the C1 control.
        assert_eq!(text("&#129;&#x9D;"), "\u{81}\u{9D}");
        assert_eq!(text("&#151;"), "\u{2014}");
    }

    #[test]
    fn keeps_what_is_not_a_reference() {
        for s in [
            "AT&T", "a & b", "&", "&&", "&;", "&#", "&#;", "&#x", "&#x;", "&#xg;", "&# 65;",
            "&foo;", "&foo", "&Amp;", "&zzz", "x&", "&\u{e9}", "&#\u{e9}",
        ] {
            assert_eq!(text(s), s, "{s:?}");
            assert_eq!(attr(s), s, "{s:?}");
        }
    }

    #[test]
    fn legacy_names_decode_without_semicolon() {
        assert_eq!(
            text("&amp &lt &gt &quot &nbsp &copy &reg"),
            "& < > \" \u{A0} © ®"
        );
        assert_eq!(text("caf&eacute au lait"), "café au lait");
        assert_eq!(text("&copy2024"), "©2024");
        assert_eq!(text("&ampx"), "&x");
        assert_eq!(text("&notit;"), "¬it;");
        assert_eq!(text("&notin; &not"), "∉ ¬");
        assert_eq!(text("&frac12x"), "½x");
        assert_eq!(text("&AMP &COPY"), "& ©");
        // Newer names need their `;`.
        assert_eq!(
            text("&rsquo &hellip &mdash &euro &apos"),
            "&rsquo &hellip &mdash &euro &apos"
        );
    }

    #[test]
    fn attributes_keep_semicolonless_references_before_equals_or_alphanumerics() {
        assert_eq!(attr("/s?a=1&copy=2&reg=3"), "/s?a=1&copy=2&reg=3");
        assert_eq!(attr("?x=1&amplifier=2&notify"), "?x=1&amplifier=2&notify");
        assert_eq!(text("?a=1&copy=2"), "?a=1©=2");
        // With a `;`, or followed by anything else, they decode.
        assert_eq!(attr("?a=1&amp;b=2"), "?a=1&b=2");
        assert_eq!(attr("?a=1&copy;=2"), "?a=1©=2");
        assert_eq!(attr("Tom &amp Jerry &copy"), "Tom & Jerry ©");
        assert_eq!(attr("&copy-2024"), "©-2024");
        // Numeric references decode in attributes regardless.
        assert_eq!(attr("&#65x=&#x42"), "Ax=B");
    }

    #[test]
    fn mixes_references_with_multibyte_text() {
        assert_eq!(text("é&amp;ü&#233;ß&szlig;😀"), "é&üéßß😀");
        assert_eq!(attr("日本&lt;語&gt"), "日本<語>");
    }

    #[test]
    fn named_table_lookups() {
        assert_eq!(named("amp"), Some("&"));
        assert_eq!(named("nbsp"), Some("\u{A0}"));
        assert_eq!(named("hellip"), Some("\u{2026}"));
        assert_eq!(named("euro"), Some("\u{20AC}"));
        assert_eq!(named("yuml"), Some("\u{FF}"));
        assert_eq!(named("Yuml"), Some("\u{178}"));
        assert_eq!(named("lang"), Some("\u{27E8}"));
        assert_eq!(named(""), None);
        assert_eq!(named("amp;"), None);
        assert_eq!(named("foo"), None);
        assert_eq!(named("Rsquo"), None);
    }

    #[test]
    fn every_legacy_name_is_in_the_table() {
        let legacy_names = [
            "AElig", "AMP", "Aacute", "Acirc", "Agrave", "Aring", "Atilde", "Auml", "COPY",
            "Ccedil", "ETH", "Eacute", "Ecirc", "Egrave", "Euml", "GT", "Iacute", "Icirc",
            "Igrave", "Iuml", "LT", "Ntilde", "Oacute", "Ocirc", "Ograve", "Oslash", "Otilde",
            "Ouml", "QUOT", "REG", "THORN", "Uacute", "Ucirc", "Ugrave", "Uuml", "Yacute",
            "aacute", "acirc", "acute", "aelig", "agrave", "amp", "aring", "atilde", "auml",
            "brvbar", "ccedil", "cedil", "cent", "copy", "curren", "deg", "divide", "eacute",
            "ecirc", "egrave", "eth", "euml", "frac12", "frac14", "frac34", "gt", "iacute",
            "icirc", "iexcl", "igrave", "iquest", "iuml", "laquo", "lt", "macr", "micro", "middot",
            "nbsp", "not", "ntilde", "oacute", "ocirc", "ograve", "ordf", "ordm", "oslash",
            "otilde", "ouml", "para", "plusmn", "pound", "quot", "raquo", "reg", "sect", "shy",
            "sup1", "sup2", "sup3", "szlig", "thorn", "times", "uacute", "ucirc", "ugrave", "uml",
            "uuml", "yacute", "yen", "yuml",
        ];
        assert_eq!(legacy_names.len(), 106);
        assert!(
            LEGACY.windows(2).all(|pair| pair[0] < pair[1]),
            "LEGACY must be sorted"
        );
        for name in legacy_names {
            assert!(legacy(name), "{name}");
            assert!(named(name).is_some(), "{name}");
            assert!(name.len() <= LONGEST_LEGACY, "{name}");
        }
        assert!(!legacy("rsquo"));
        assert!(!legacy("Amp"));
    }

    #[test]
    fn html4_table_is_complete() {
        // Spot checks across the three HTML 4.01 sets.
        let samples = [
            ("iexcl", "\u{A1}"),
            ("thorn", "\u{FE}"),
            ("thetasym", "\u{3D1}"),
            ("alefsym", "\u{2135}"),
            ("crarr", "\u{21B5}"),
            ("hArr", "\u{21D4}"),
            ("there4", "\u{2234}"),
            ("lceil", "\u{2308}"),
            ("loz", "\u{25CA}"),
            ("zwnj", "\u{200C}"),
            ("rlm", "\u{200F}"),
            ("permil", "\u{2030}"),
            ("rsaquo", "\u{203A}"),
        ];
        for (name, value) in samples {
            assert_eq!(named(name), Some(value), "{name}");
        }
    }

    proptest! {
        #[test]
        fn never_panics(s in any::<String>(), in_attribute in any::<bool>()) {
            let _ = decode(&s, in_attribute);
        }

        #[test]
        fn never_panics_on_reference_soup(
            s in "[&#;=xX0-9a-fA-Zamp\u{e9}\u{1F600} ]{0,48}",
            in_attribute in any::<bool>(),
        ) {
            let _ = decode(&s, in_attribute);
        }

        #[test]
        fn text_without_ampersand_comes_back_borrowed(
            s in "[^&]*",
            in_attribute in any::<bool>(),
        ) {
            let decoded = decode(&s, in_attribute);
            prop_assert!(matches!(decoded, Cow::Borrowed(_)));
            prop_assert_eq!(decoded.as_ref(), s.as_str());
        }

        #[test]
        fn escaped_text_round_trips(s in any::<String>(), in_attribute in any::<bool>()) {
            let escaped = s
                .replace('&', "&amp;")
                .replace('<', "&lt;")
                .replace('>', "&gt;")
                .replace('"', "&quot;");
            let decoded = decode(&escaped, in_attribute);
            prop_assert_eq!(decoded.as_ref(), s.as_str());
        }

        #[test]
        fn numeric_references_round_trip(c in any::<char>(), hex in any::<bool>()) {
            prop_assume!(c != '\0' && !('\u{80}'..='\u{9F}').contains(&c));
            let reference = if hex { format!("&#x{:X};", c as u32) } else { format!("&#{};", c as u32) };
            let decoded = decode(&reference, false);
            prop_assert_eq!(decoded.as_ref(), c.to_string());
        }
    }
}
