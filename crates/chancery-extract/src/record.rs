//! JSON Lines records (`{id, url, title, text | html, published, source}`,
//! one a line) to articles: the record's fields become the [`Input`]'s.

use serde_json::Value;

use chancery_model::Article;

use crate::{extract, ExtractError, Format, Input, Options};

/// One JSON Lines record, `{id, url, title, text | html, published,
/// source}`, to an article. Every known field must be a string (an id may
/// be a number); a field of another type is [`ExtractError::Record`] naming
/// it, never dropped.
pub fn extract_record(line: &str, options: &Options) -> Result<Article, ExtractError> {
    let bad = |reason: String| ExtractError::Record { reason };
    let record: Value =
        serde_json::from_str(line).map_err(|e| bad(format!("invalid JSON: {e}")))?;
    let Some(fields) = record.as_object() else {
        return Err(bad("expected a JSON object with text or html".into()));
    };
    // Every known field is a string (ids may be numbers); a field of
    // another type is the caller's mistake, said rather than dropped.
    for key in ["id", "url", "title", "text", "html", "published", "source"] {
        let kind = match fields.get(key) {
            None | Some(Value::Null | Value::String(_)) => continue,
            Some(Value::Number(_)) if key == "id" => continue,
            Some(Value::Number(_)) => "a number",
            Some(Value::Bool(_)) => "true or false",
            Some(Value::Array(_)) => "an array",
            Some(Value::Object(_)) => "an object",
        };
        let expected = if key == "published" {
            "a string (an ISO 8601 date such as \"2024-05-01\")"
        } else {
            "a string"
        };
        return Err(bad(format!(
            "field \"{key}\" is {kind}; it must be {expected}"
        )));
    }
    let string = |key: &str| -> Option<String> {
        match fields.get(key)? {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        }
    };
    let (body, format) = match (string("html"), string("text")) {
        (Some(html), _) => (html, Format::Html),
        (None, Some(text)) => (text, Format::Text),
        (None, None) => return Err(bad("record has neither \"text\" nor \"html\"".into())),
    };
    let input = Input {
        bytes: body.as_bytes(),
        external_id: string("id"),
        source: string("source"),
        url: string("url"),
        title: string("title"),
        published: string("published"),
    };
    let options = Options {
        format: Some(options.format.unwrap_or(format)),
        ..options.clone()
    };
    extract(&input, &options)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reason(line: &str) -> String {
        extract_record(line, &Options::default())
            .unwrap_err()
            .to_string()
    }

    #[test]
    fn a_record_gives_its_fields_to_the_article() {
        let article = extract_record(
            r#"{"id": 7, "url": "https://news.example/a", "title": "Talks in Vienna",
                "published": "2024-05-01", "text": "Ministers met in Vienna on Monday."}"#,
            &Options::default(),
        )
        .unwrap();
        assert_eq!(article.external_id.as_deref(), Some("7"));
        assert_eq!(article.title.as_deref(), Some("Talks in Vienna"));
        assert_eq!(article.url.as_deref(), Some("https://news.example/a"));
        assert!(article.published.is_some());
        assert_eq!(article.text, "Ministers met in Vienna on Monday.");
    }

    #[test]
    fn wrong_fields_are_named_not_dropped() {
        assert!(reason(r#"{"text": "x", "published": 12345}"#)
            .starts_with("field \"published\" is a number; it must be a string (an ISO 8601"));
        assert!(reason(r#"{"text": ["x"]}"#).starts_with("field \"text\" is an array"));
        assert!(reason(r#"{"html": "<p>x</p>", "title": true}"#)
            .starts_with("field \"title\" is true or false"));
        assert_eq!(
            reason(r#"{"url": "u"}"#),
            "record has neither \"text\" nor \"html\""
        );
        assert_eq!(reason("[1, 2]"), "expected a JSON object with text or html");
        assert!(reason("{\"text\": ").starts_with("invalid JSON: "));
    }
}
