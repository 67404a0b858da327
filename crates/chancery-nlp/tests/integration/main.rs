//! Integration tests of chancery-nlp: golden entity lists for team-written
//! articles, and robustness on hostile input.

mod entities;
mod events;
mod languages;
mod noise;
mod quotes;
mod robustness;
mod tone;

use chancery_extract::{extract, Input, Options};
use chancery_model::{Analysis, Span, TextField};

/// Extracts and analyzes a fixture file.
pub fn analyze_fixture(path: &str) -> Analysis {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    analyze_bytes(&bytes).expect("fixture extracts")
}

/// Extracts and analyzes raw bytes as scraped text (`None` when extraction
/// refuses them, e.g. empty input).
pub fn analyze_bytes(bytes: &[u8]) -> Option<Analysis> {
    let input = Input {
        bytes,
        ..Input::default()
    };
    let article = extract(&input, &Options::default()).ok()?;
    Some(chancery_nlp::Analyzer::new().analyze(article))
}

/// The text a span points at.
pub fn span_text<'a>(analysis: &'a Analysis, span: &Span) -> &'a str {
    let source = match span.field {
        TextField::Title => analysis.article.title.as_deref().unwrap_or(""),
        TextField::Text => &analysis.article.text,
    };
    &source[span.start..span.end]
}

/// One line per entity: kind, name, country, actor code, roles with their
/// evidence, and every mention's text — readable in a snapshot diff.
pub fn render_entities(analysis: &Analysis) -> String {
    let mut out = String::new();
    for e in &analysis.entities {
        out.push_str(&format!(
            "{} {:?} {:?} country={} code={}\n",
            e.id,
            e.kind,
            e.name,
            e.country.as_deref().unwrap_or("-"),
            e.actor_code.as_deref().unwrap_or("-")
        ));
        for role in &e.roles {
            out.push_str(&format!(
                "    role {:?} of {} <- {:?}\n",
                role.title,
                role.of.as_deref().unwrap_or("?"),
                span_text(analysis, &role.span)
            ));
        }
        let mentions: Vec<&str> = e
            .mentions
            .iter()
            .map(|m| span_text(analysis, &m.span))
            .collect();
        out.push_str(&format!("    mentions {mentions:?}\n"));
    }
    out
}

/// One line per quote: kind, speaker entity (or text), cue and content.
pub fn render_quotes(analysis: &Analysis) -> String {
    let mut out = String::new();
    for q in &analysis.quotes {
        let speaker = q
            .speaker
            .as_ref()
            .and_then(|id| analysis.entities.iter().find(|e| &e.id == id))
            .map(|e| e.name.clone());
        out.push_str(&format!(
            "{:?} speaker={:?} ({:?}) cue={:?} conf={:.2}\n    {:?}\n",
            q.kind,
            speaker,
            q.speaker_text,
            q.cue.as_ref().map(|c| c.text.as_str()),
            q.confidence,
            span_text(analysis, &q.span)
        ));
    }
    out
}

/// One line per event: code, modality, actors, trigger, date and evidence count.
pub fn render_events(analysis: &Analysis) -> String {
    let mut out = String::new();
    let actor = |a: &Option<chancery_model::EventActor>| {
        a.as_ref()
            .map(|a| {
                let name = a
                    .entity
                    .as_ref()
                    .and_then(|id| analysis.entities.iter().find(|e| &e.id == id))
                    .map(|e| e.name.as_str())
                    .or(a.name.as_deref())
                    .unwrap_or("-");
                format!("{}:{name}", a.code.as_deref().unwrap_or("-"))
            })
            .unwrap_or_else(|| "-".into())
    };
    let background = analysis
        .background_events
        .iter()
        .map(|e| ("background ", e));
    for (label, e) in analysis.events.iter().map(|e| ("", e)).chain(background) {
        out.push_str(&format!(
            "{label}{} q{} g{} {:?} {} -> {} trigger={:?} date={:?} location={:?} mentions={}",
            e.code,
            e.quad_class,
            e.goldstein,
            e.modality,
            actor(&e.source),
            actor(&e.target),
            span_text(analysis, &e.trigger),
            e.date
                .as_ref()
                .map(|d| (d.value.as_str(), d.text.as_deref())),
            e.location,
            e.mentions.len()
        ));
        if e.reported_by.is_some() {
            out.push_str(&format!(" reported_by={}", actor(&e.reported_by)));
        }
        out.push('\n');
    }
    out
}
