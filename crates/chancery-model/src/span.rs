use serde::{Deserialize, Serialize};

/// Which text of the article a span points into.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TextField {
    /// [`crate::Article::text`], the clean body (the default, omitted in JSON).
    #[default]
    Text,
    /// [`crate::Article::title`], for headline entities and events.
    Title,
}

impl TextField {
    fn is_text(&self) -> bool {
        *self == TextField::Text
    }
}

/// A half-open range of UTF-8 byte offsets, `start..end`, into the article text
/// (or the title, when `field` is [`TextField::Title`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct Span {
    /// First byte of the span.
    pub start: usize,
    /// One past the last byte of the span.
    pub end: usize,
    /// The text the offsets point into; omitted in JSON when it is the body.
    #[serde(default, skip_serializing_if = "TextField::is_text")]
    pub field: TextField,
}

impl Span {
    /// A span into the body text.
    pub fn new(start: usize, end: usize) -> Span {
        debug_assert!(start <= end, "span {start}..{end} is reversed");
        Span {
            start,
            end,
            field: TextField::Text,
        }
    }

    /// A span into the title.
    pub fn in_title(start: usize, end: usize) -> Span {
        Span {
            start,
            end,
            field: TextField::Title,
        }
    }

    /// Length in bytes.
    pub fn len(&self) -> usize {
        self.end - self.start
    }

    /// True when the span covers no bytes.
    pub fn is_empty(&self) -> bool {
        self.start == self.end
    }

    /// The spanned text, or `None` when the span does not lie on character
    /// boundaries of `text` (a span from another document, say).
    pub fn slice<'t>(&self, text: &'t str) -> Option<&'t str> {
        text.get(self.start..self.end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slice_refuses_offsets_inside_a_character() {
        let text = "Tehran’s envoy";
        assert_eq!(Span::new(0, 6).slice(text), Some("Tehran"));
        assert_eq!(Span::new(0, 7).slice(text), None);
        assert_eq!(Span::new(0, 99).slice(text), None);
    }

    #[test]
    fn body_field_is_omitted_in_json_and_title_is_named() {
        let body = serde_json::to_string(&Span::new(1, 2)).unwrap();
        assert_eq!(body, r#"{"start":1,"end":2}"#);
        let title = serde_json::to_string(&Span::in_title(1, 2)).unwrap();
        assert_eq!(title, r#"{"start":1,"end":2,"field":"title"}"#);
    }
}
