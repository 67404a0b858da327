//! `chancery eval stories`: which articles tell the same story, scored on
//! ECB+ against its subtopics (a story) and topics.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use chancery_eval::stories::{self, Mode, Options, Prepared, StoriesReport};
use chancery_eval::stories_cv::{self, CvReport};
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
    /// Leave out the story keys (entities, actor codes, event codes and
    /// dyads) that chancery's analysis gives the clusterer at ingest.
    #[arg(long)]
    no_entities: bool,
    /// The probability an article needs to join a story (default: the
    /// library's).
    #[arg(long)]
    threshold: Option<f32>,
    /// The latest arrivals the settle pass re-clusters, every half window
    /// and at the end as ingest does (default: the library's); 0 scores the
    /// plain online stories.
    #[arg(long)]
    settle_window: Option<usize>,
    /// Cross-validate over K folds of topics instead: per fold, fit the model
    /// and choose its settings (inner cross-validation) on the other folds,
    /// then score the fold beside the TF-IDF baseline tuned on the same
    /// topics; also the fit on all dev topics.
    #[arg(long, value_name = "K")]
    cv: Option<usize>,
    /// With --cv: write the model fit on all dev topics, with the settings
    /// cross-validation chose, as Rust source to this file (the library's
    /// `src/builtin.rs`).
    #[arg(long, value_name = "FILE", requires = "cv")]
    write_model: Option<PathBuf>,
    /// Write each document's predicted story as JSON Lines (doc, topic,
    /// subtopic, story) to this file, for looking at what went wrong.
    #[arg(long, value_name = "FILE", conflicts_with = "cv")]
    write_pred: Option<PathBuf>,
    /// Fail (exit 1) below a floor: `f1=…` (B-cubed F1 against subtopics, the
    /// main metric), `precision=…`, `recall=…`, `ari=…`, `topic_f1=…`,
    /// `topic_ari=…`; with --cv: `cv_mean=…` (fold mean), `full_f1=…` (the
    /// fit on all dev), `margin=…` (the smallest lead over the baseline on a
    /// fold; `margin=0` fails when the baseline ties or wins any fold).
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
        entities: !args.no_entities,
        ..Options::default()
    };
    if let Some(threshold) = args.threshold {
        options.config.threshold = threshold;
    }
    if let Some(window) = args.settle_window {
        options.config.settle_window = window;
    }
    if let Some(k) = args.cv {
        anyhow::ensure!(
            k >= 3,
            "--cv needs at least 3 folds (the inner cross-validation uses K - 1)"
        );
        let prepared = Prepared::new(&documents, options.entities);
        let report = stories_cv::cross_validate(&documents, &prepared, k, options.mode);
        if let Some(path) = &args.write_model {
            let c = report.full_choice;
            let source = report
                .full_model
                .to_rust(c.threshold, c.split, c.merge, c.settle_window);
            std::fs::write(path, source)
                .with_context(|| format!("cannot write the model to {}", path.display()))?;
        }
        let mut out = std::io::stdout().lock();
        if args.json {
            write_json(&mut out, &report, false)?;
        } else {
            print_cv(&mut out, &report)?;
        }
        return Ok(check_cv_floors(&args, &report));
    }
    let report = stories::evaluate(&args.set, &documents, &options);
    if let Some(path) = &args.write_pred {
        write_pred(path, &documents, &report.predicted)?;
    }
    let mut out = std::io::stdout().lock();
    if args.json {
        write_json(&mut out, &report, false)?;
    } else {
        print_table(&mut out, &report)?;
    }
    Ok(check_floors(&args, &report))
}

/// One JSON line per document: its gold labels and predicted story.
fn write_pred(
    path: &std::path::Path,
    documents: &[stories::EcbDocument],
    predicted: &[usize],
) -> anyhow::Result<()> {
    let mut out = String::new();
    for (d, story) in documents.iter().zip(predicted) {
        let line = serde_json::json!({
            "doc": d.doc,
            "topic": d.topic,
            "subtopic": d.subtopic,
            "story": story,
        });
        out.push_str(&line.to_string());
        out.push('\n');
    }
    std::fs::write(path, out)
        .with_context(|| format!("cannot write the predictions to {}", path.display()))
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

fn print_cv(out: &mut impl Write, report: &CvReport) -> std::io::Result<()> {
    writeln!(
        out,
        "chancery stories, cross-validated over folds of ECB+ dev topics (B-cubed against subtopics)"
    )?;
    writeln!(
        out,
        "  {:<5} {:<18} {:>5}  {:>9} {:>6} {:>6} {:>6}  {:>7} {:>7} {:>7}  {:>9} {:>8}",
        "fold",
        "topics",
        "docs",
        "threshold",
        "split",
        "merge",
        "settle",
        "P",
        "R",
        "F1",
        "baseline",
        "(cosine)"
    )?;
    for f in &report.folds {
        writeln!(
            out,
            "  {:<5} {:<18} {:>5}  {:>9.2} {:>6} {:>6} {:>6}  {:>7.4} {:>7.4} {:>7.4}  {:>9.4} {:>8.2}",
            f.fold,
            f.topics.join(","),
            f.documents,
            f.choice.threshold,
            f.choice.split,
            f.choice.merge,
            f.choice.settle_window,
            f.subtopic.precision,
            f.subtopic.recall,
            f.subtopic.f1,
            f.baseline.f1,
            f.baseline_threshold
        )?;
    }
    writeln!(
        out,
        "  fold mean F1 {:.4} ± {:.4} (baseline {:.4} ± {:.4}); smallest lead over the baseline {:+.4}",
        report.mean, report.spread, report.baseline_mean, report.baseline_spread, report.min_margin
    )?;
    writeln!(
        out,
        "  full dev, fit on it (threshold {:.2}, split {}, merge {}, settle window {}): P {:.4} \
         R {:.4} F1 {:.4} ARI {:.4}; baseline at its best cosine {:.2}: F1 {:.4} ARI {:.4}",
        report.full_choice.threshold,
        report.full_choice.split,
        report.full_choice.merge,
        report.full_choice.settle_window,
        report.full.precision,
        report.full.recall,
        report.full.f1,
        report.full.ari,
        report.baseline_full_threshold,
        report.baseline_full.f1,
        report.baseline_full.ari
    )?;
    let weights = stories::model_weights(&report.full_model);
    let weights: Vec<String> = weights.iter().map(|(n, w)| format!("{n} {w:.3}")).collect();
    writeln!(out, "  model fit on all dev: {}", weights.join(", "))
}

fn check_cv_floors(args: &StoriesArgs, report: &CvReport) -> ExitCode {
    let mut failed = false;
    for (name, floor) in &args.floors {
        let score = match name.as_str() {
            "cv_mean" => Some(report.mean),
            "full_f1" => Some(report.full.f1),
            "margin" => Some(report.min_margin),
            _ => None,
        };
        let problem = match score {
            // The margin must be strictly above its floor: a tie with the
            // baseline is not beating it.
            Some(score) if name == "margin" && score > *floor => continue,
            Some(score) if name != "margin" && score + 1e-9 >= *floor => continue,
            Some(score) => format!("{name} {score:.4} is below the floor {floor}"),
            None => format!("{name}: no such score in a --cv report (cv_mean, full_f1, margin)"),
        };
        eprintln!("chancery: eval stories --cv: {problem}");
        failed = true;
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
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
