//! `chancery eval geo`: geoparsing on TR-News and GeoVirus, with a
//! population-only baseline in the same run.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use chancery_eval::geo::{self, GeoReport, GeoScores};
use clap::Args;
use rayon::prelude::*;

use crate::output::write_json;

#[derive(Debug, Args)]
pub struct GeoArgs {
    /// The benchmark set: trnews (TR-News) or geovirus (GeoVirus).
    #[arg(long, default_value = "trnews")]
    set: String,
    /// The shared bench folder.
    #[arg(long, default_value_os_t = chancery_eval::extraction::default_bench_dir())]
    bench: PathBuf,
    /// Print the report as one JSON object instead of a table.
    #[arg(long)]
    json: bool,
    /// List, per document, gold toponyms missed, extra mentions and
    /// toponyms resolved more than 161 km away.
    #[arg(long)]
    explain: bool,
    /// Fail (exit 1) below a floor: `acc161=…` (accuracy within 161 km of
    /// the gold toponyms found), `f1=…` (geotagging), `precision=…`,
    /// `recall=…`.
    #[arg(long = "floor", value_parser = crate::eval::parse_floor)]
    floors: Vec<(String, f64)>,
}

pub fn run(args: GeoArgs) -> anyhow::Result<ExitCode> {
    let docs = geo::load(&args.bench, &args.set)?;
    let analyzer = chancery_nlp::Analyzer::new();
    let analyses: Vec<_> = docs
        .par_iter()
        .map(|d| analyzer.analyze(geo::article(d)))
        .collect();
    let report = geo::score(&docs, &analyses, &args.set);
    let mut out = std::io::stdout().lock();
    if args.explain {
        for line in geo::explain(&docs, &analyses) {
            writeln!(out, "{line}")?;
        }
    }
    if args.json {
        write_json(&mut out, &report, false)?;
    } else {
        print_table(&mut out, &report)?;
    }
    let mut below = Vec::new();
    for (name, floor) in &args.floors {
        let s = &report.chancery;
        let score = match name.as_str() {
            "acc161" => Some(s.accuracy_161),
            "f1" => Some(s.geotagging.f1),
            "precision" => Some(s.geotagging.precision),
            "recall" => Some(s.geotagging.recall),
            _ => None,
        };
        match score {
            Some(v) if v + 1e-9 >= *floor => {}
            Some(v) => below.push(format!("{name} {v:.4} is below the floor {floor}")),
            None => below.push(format!(
                "{name}: no such score (acc161, f1, precision, recall)"
            )),
        }
    }
    if below.is_empty() {
        return Ok(ExitCode::SUCCESS);
    }
    for line in below {
        eprintln!("eval geo --set {}: {line}", args.set);
    }
    Ok(ExitCode::FAILURE)
}

fn print_table(out: &mut impl Write, r: &GeoReport) -> std::io::Result<()> {
    writeln!(
        out,
        "chancery geo on {} ({} documents, {} gold toponyms)",
        r.set, r.documents, r.chancery.gold
    )?;
    writeln!(
        out,
        "  {:<22} {:>6} {:>6} {:>6} {:>7} {:>8} {:>6} {:>10}",
        "system", "P", "R", "F1", "found", "acc@161", "AUC", "median km"
    )?;
    let row = |out: &mut dyn Write, name: &str, s: &GeoScores| {
        writeln!(
            out,
            "  {:<22} {:>6.3} {:>6.3} {:>6.3} {:>7} {:>8.3} {:>6.3} {:>10.1}",
            name,
            s.geotagging.precision,
            s.geotagging.recall,
            s.geotagging.f1,
            s.found,
            s.accuracy_161,
            s.auc,
            s.median_km
        )
    };
    row(out, "chancery", &r.chancery)?;
    row(out, "population (gold spans)", &r.population_baseline)?;
    let folds: Vec<String> = r
        .fold_accuracy_161
        .iter()
        .map(|a| format!("{a:.3}"))
        .collect();
    let f1s: Vec<String> = r.fold_f1.iter().map(|a| format!("{a:.3}")).collect();
    writeln!(
        out,
        "  acc@161 by fold (hash of the text mod {}): {}  mean {:.3} ± {:.3}",
        geo::FOLDS,
        folds.join(" "),
        r.fold_mean_spread.0,
        r.fold_mean_spread.1,
    )?;
    writeln!(
        out,
        "  F1 by fold: {}  mean {:.3} ± {:.3}",
        f1s.join(" "),
        r.fold_f1_mean_spread.0,
        r.fold_f1_mean_spread.1,
    )
}
