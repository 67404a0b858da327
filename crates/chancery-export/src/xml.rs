//! Escaping text for the XML blocks of GDELT's Extras fields.

/// `text` with `&`, `<`, `>` and quotes escaped, and control characters
/// (tabs and line breaks included, which would break a TSV row) as spaces.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn markup_and_breaks_are_escaped() {
        assert_eq!(
            super::escape("AT&T <b>\"x\"\n"),
            "AT&amp;T &lt;b&gt;&quot;x&quot; "
        );
    }
}
