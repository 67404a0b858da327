//! Where a command's corpus is: `--data` (or `CHANCERY_DATA`) names a data
//! directory or a `postgres://` URL; without either, `CHANCERY_DATABASE_URL`
//! names a PostgreSQL database; else the data directory `chancery-data`.

use std::path::{Path, PathBuf};

/// The variable naming a PostgreSQL store when `--data` is not given.
pub const DATABASE_URL_VAR: &str = "CHANCERY_DATABASE_URL";

/// The data directory used when nothing else is given.
const DEFAULT_DATA: &str = "chancery-data";

/// The corpus `--data` names, else `CHANCERY_DATABASE_URL`, else the
/// default data directory.
pub fn resolve(data: Option<&Path>) -> PathBuf {
    resolve_with(data, std::env::var(DATABASE_URL_VAR).ok())
}

fn resolve_with(data: Option<&Path>, database_url: Option<String>) -> PathBuf {
    match (data, database_url.filter(|url| !url.trim().is_empty())) {
        (Some(data), _) => data.to_path_buf(),
        (None, Some(url)) => PathBuf::from(url),
        (None, None) => PathBuf::from(DEFAULT_DATA),
    }
}

/// How messages name the corpus: the directory, or the URL without its
/// password.
pub fn shown(data: &Path) -> String {
    match chancery_store::postgres_url(data) {
        Some(url) => chancery_store::redacted(url),
        None => data.display().to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_wins_then_the_database_url_then_the_default() {
        let url = Some("postgres://db/news".to_string());
        assert_eq!(
            resolve_with(Some(Path::new("corpus")), url.clone()),
            PathBuf::from("corpus")
        );
        assert_eq!(resolve_with(None, url), PathBuf::from("postgres://db/news"));
        assert_eq!(
            resolve_with(None, Some(" ".into())),
            PathBuf::from(DEFAULT_DATA)
        );
        assert_eq!(resolve_with(None, None), PathBuf::from(DEFAULT_DATA));
    }

    #[test]
    fn passwords_are_not_shown() {
        assert_eq!(
            shown(Path::new("postgres://u:pw@h/db")),
            "postgres://u:***@h/db"
        );
        assert_eq!(shown(Path::new("chancery-data")), "chancery-data");
    }
}
