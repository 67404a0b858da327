//! `chancery eval seed`: the acceptance checks DESIGN.md sets for the
//! motivating article (`../shared/examples/seed-article.txt`), run on the real
//! file. Later stages (entities, quotes, events) add their checks here.

use std::path::{Path, PathBuf};

use chancery_extract::{extract, Input, Options};
use chancery_model::{Article, BlockKind};
use serde::Serialize;

use crate::EvalError;

/// One named expectation and whether the article meets it.
#[derive(Debug, Clone, Serialize)]
pub struct Check {
    /// What is expected.
    pub name: String,
    /// Whether it holds.
    pub passed: bool,
    /// What was seen.
    pub seen: String,
}

/// The seed file beside the bench folder: `<bench>/../examples/seed-article.txt`.
pub fn default_seed_path(bench: &Path) -> PathBuf {
    bench.join("../examples/seed-article.txt")
}

/// Extracts the seed and checks it.
pub fn check_seed(path: &Path) -> Result<Vec<Check>, EvalError> {
    let bytes = std::fs::read(path).map_err(|source| EvalError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    let input = Input {
        bytes: &bytes,
        source: Some(path.display().to_string()),
        ..Input::default()
    };
    let article = extract(&input, &Options::default()).map_err(|e| EvalError::Format {
        path: path.to_path_buf(),
        problem: e.to_string(),
    })?;
    Ok(checks(&article))
}

/// The extraction expectations of DESIGN.md for the seed.
pub fn checks(article: &Article) -> Vec<Check> {
    let mut checks = Vec::new();
    let mut check = |name: &str, passed: bool, seen: String| {
        checks.push(Check {
            name: name.to_string(),
            passed,
            seen,
        });
    };
    let title = article.title.clone().unwrap_or_default();
    check("a title", !title.is_empty(), title.clone());
    let title_in_body = !title.is_empty() && article.text.contains(&title);
    check(
        "title once (not repeated in the body)",
        !title_in_body,
        format!("title in body: {title_in_body}"),
    );
    check(
        "duplicated_title flagged",
        article.flags.duplicated_title,
        article.flags.duplicated_title.to_string(),
    );
    let list_items = article
        .paragraphs
        .iter()
        .filter(|b| b.kind == BlockKind::ListItem)
        .count();
    check(
        "3 list items (the key points)",
        list_items == 3,
        list_items.to_string(),
    );
    check(
        "6 related items",
        article.related.len() == 6,
        article.related.len().to_string(),
    );
    let stubs = article.related.iter().filter(|r| r.stub).count();
    check("2 related stubs", stubs == 2, stubs.to_string());
    let leak = ["Similar Posts", "will be expanded", "Namibia"]
        .into_iter()
        .find(|s| article.text.contains(s));
    check(
        "no related or stub text in the body",
        leak.is_none(),
        leak.unwrap_or("none").to_string(),
    );
    check(
        "article not flagged as a stub",
        !article.flags.stub,
        article.flags.stub.to_string(),
    );
    let paragraphs = article
        .paragraphs
        .iter()
        .filter(|b| b.kind == BlockKind::Paragraph)
        .count();
    check(
        "body paragraphs kept",
        paragraphs >= 8,
        paragraphs.to_string(),
    );
    checks
}
