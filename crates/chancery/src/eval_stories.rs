//! `chancery eval stories`: which articles tell the same story, scored on
//! ECB+ against its subtopics (a story) and topics.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use chancery_eval::stories::{self, Mode, Options, StoriesReport};
use clap::Args;

use crate::output::write_json;

#[derive(Debug, Args)]
pub struct StoriesArgs {
    /// The benchmark set: ecbplus (ECB+ dev, the odd-numbered topics).
    #[arg(long, default_value = "ecbplus")]
    set: String,
    /// The shared bench folder.
    #[arg(long, default_value_os_t = chancery_eval::extraction::default_bench_dir())]
    bench: PathBuf,
    /// Print the report as one JSON object instead of a table.
    #[arg(long)]
    json: bool,
    /// Cluster the whole set at once (average linkage) instead of one article
    /// at a time in file order.
    #[arg(long)]
    batch: bool,
    /// Also pass the names of the entities chancery finds as entity keys.
    #[arg(long)]
    entities: bool,
    /// The similarity an article needs to join a story (default: the
    /// library's).
    #[arg(long)]
    threshold: Option<f32>,
    /// Fail (exit 1) below a floor: `f1=…` (B-cubed F1 against subtopics, the
    /// main metric), `precision=…`, `recall=…`, `ari=…`, `topic_f1=…`,
    /// `topic_ari=…`.
    #[arg(long = "floor", value_parser = crate::eval::parse_floor)]
    floors: Vec<(String, f64)>,
}

pub fn run(args: StoriesArgs) -> anyhow::Result<ExitCode> {
    let path = stories::set_path(&args.bench, &args.set)?;
    let documents = stories::load_ecbplus(&path)?;
    anyhow::ensure!(!documents.is_empty(), "no documents in {}", path.display());
    let mut options = Options {
        mode: if args.batch {
            Mode::Batch
        } else {
            Mode::Online
        },
        entities: args.entities,
        ..Options::default()
    };
    if let Some(threshold) = args.threshold {
        options.config.threshold = threshold;
        options.config.batch_threshold = threshold;
    }
    let report = stories::evaluate(&args.set, &documents, &options);
    let mut out = std::io::stdout().lock();
    if args.json {
        write_json(&mut out, &report, false)?;
    } else {
        print_table(&mut out, &report)?;
    }
    Ok(check_floors(&args, &report))
}

fn print_table(out: &mut impl Write, report: &StoriesReport) -> std::io::Result<()> {
    writeln!(
        out,
        "chancery stories on {} ({} documents, {:?}): {} stories for {} subtopics in {} topics",
        report.set,
        report.documents,
        report.settings.mode,
        report.stories,
        report.gold_subtopics,
        report.gold_topics
    )?;
    for (name, s) in [
        ("subtopics", &report.subtopic),
        ("topics", &report.topic),
        ("(each document alone)", &report.singletons),
        ("(gold topics as stories)", &report.topics_as_stories),
    ] {
        writeln!(
            out,
            "  {name:<25} B-cubed P {:.4}  R {:.4}  F1 {:.4}  ARI {:.4}",
            s.precision, s.recall, s.f1, s.ari
        )?;
    }
    write!(
        out,
        "  {:.0} documents/s clustering (one thread)",
        report.documents_per_second
    )?;
    if let Some(analysis) = report.analysis_documents_per_second {
        write!(out, "; entity analysis {analysis:.0} documents/s")?;
    }
    writeln!(out)
}

/// Compares the named scores with their floors; says what fell short.
fn check_floors(args: &StoriesArgs, report: &StoriesReport) -> ExitCode {
    let mut failed = false;
    for (name, floor) in &args.floors {
        let score = match name.as_str() {
            "f1" => Some(report.subtopic.f1),
            "precision" => Some(report.subtopic.precision),
            "recall" => Some(report.subtopic.recall),
            "ari" => Some(report.subtopic.ari),
            "topic_f1" => Some(report.topic.f1),
            "topic_ari" => Some(report.topic.ari),
            _ => None,
        };
        let problem = match score {
            Some(score) if score + 1e-9 >= *floor => continue,
            Some(score) => format!("{name} {score:.4} is below the floor {floor}"),
            None => format!("{name}: no such score in the report"),
        };
        eprintln!("chancery: eval stories --set {}: {problem}", args.set);
        failed = true;
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
