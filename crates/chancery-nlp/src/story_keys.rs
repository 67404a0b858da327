//! What an analysis tells a story clusterer about who and what an article is
//! about, as plain strings (`chancery_stories::Document::entities`): the
//! linked entities and the events' dyads with their root codes. One
//! function, so that ingest and the story benchmark give the clusterer the
//! same keys. Bare actor codes, root codes and event months were tried and
//! left out: on ECB+ they link stories of different topics (BENCHMARKS.md).

use chancery_model::Analysis;

/// The story keys of an analysis, sorted and without repeats. Each kind has
/// its own prefix so a name never matches a code: `e:` entity names
/// (lower-cased), `d:` dyads with the root code (`IRNGOV>RUSGOV:04`).
pub fn story_keys(analysis: &Analysis) -> Vec<String> {
    let mut keys = Vec::new();
    for entity in &analysis.entities {
        keys.push(format!("e:{}", entity.name.to_lowercase()));
    }
    for event in &analysis.events {
        let code =
            |side: &Option<chancery_model::EventActor>| side.as_ref().and_then(|a| a.code.clone());
        if let (Some(source), Some(target)) = (code(&event.source), code(&event.target)) {
            keys.push(format!("d:{source}>{target}:{}", event.root));
        }
    }
    keys.sort_unstable();
    keys.dedup();
    keys
}

#[cfg(test)]
mod tests {
    use super::*;
    use chancery_model::Article;

    #[test]
    fn keys_of_a_short_report() {
        let analysis = crate::Analyzer::new().analyze(Article {
            title: Some("Iran's foreign minister visits Moscow".into()),
            text: "Iranian Foreign Minister Abbas Araghchi met Russian President Vladimir Putin \
                   in Moscow on Tuesday."
                .into(),
            ..Article::default()
        });
        let keys = story_keys(&analysis);
        assert!(keys.windows(2).all(|w| w[0] < w[1]), "{keys:?}");
        assert!(keys.iter().any(|k| k == "e:vladimir putin"), "{keys:?}");
        assert!(keys.iter().any(|k| k.starts_with("d:IRN")), "{keys:?}");
    }

    #[test]
    fn nothing_found_gives_no_keys() {
        let analysis = crate::Analyzer::new().analyze(Article::default());
        assert!(story_keys(&analysis).is_empty());
    }
}
