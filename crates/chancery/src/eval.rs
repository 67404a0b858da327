//! `chancery eval`: scores on the shared benchmark sets, with floors for CI.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use chancery_eval::extraction::{self, BodyExtractor, Report};
use clap::{Args, Subcommand, ValueEnum};

use crate::output::write_json;

#[derive(Debug, Subcommand)]
pub enum EvalCommand {
    /// Main-text extraction: precision, recall, F1, speed and the worst pages.
    Extraction(ExtractionArgs),
    /// The acceptance checks for the motivating seed article.
    Seed(SeedArgs),
    /// Named entities: conlleval precision, recall and F1 on CoNLL-2003.
    Ner(NerArgs),
    /// Analysis speed (sentences, entities) in MB/s per thread on a news folder.
    Throughput(ThroughputArgs),
    /// Quote attribution on PolNeAR: content P/R/F1 and speaker accuracy.
    Quotes(QuotesArgs),
    /// Event coding on the CAMEO codebook's examples: root and code accuracy.
    Events(EventsArgs),
    /// Tagging and dependency parsing on UD English EWT: UPOS, UAS, LAS, speed.
    Syntax(SyntaxArgs),
    /// Story clustering on ECB+: B-cubed P/R/F1 and ARI against subtopics and topics.
    Stories(crate::eval_stories::StoriesArgs),
    /// Geoparsing on TR-News or GeoVirus: geotagging P/R/F1, accuracy@161 km,
    /// AUC and median error, beside a population-only baseline.
    Geo(crate::eval_geo::GeoArgs),
    /// Entity quality of an ingested corpus: duplicates, type and code
    /// conflicts, people with a role but no actor code.
    Entities(EntitiesArgs),
}

#[derive(Debug, Args)]
pub struct EntitiesArgs {
    /// The data directory of an ingested corpus (`chancery ingest --data DIR …`).
    #[arg(long, env = "CHANCERY_DATA", default_value = "chancery-data")]
    data: PathBuf,
    /// How many of the most named people the person figures look at.
    #[arg(long, default_value_t = 500)]
    top: usize,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ReportFormat::Table)]
    format: ReportFormat,
    /// Fail (exit 1) below a floor: `role_coded_share=0.70`.
    #[arg(long = "floor", value_parser = parse_floor)]
    floors: Vec<(String, f64)>,
    /// Fail (exit 1) above a ceiling: `honorific_duplicates=2`,
    /// `case_duplicates=2`, `non_office_roles=0`, `code_conflicts=…`,
    /// `type_conflicts=…`, `acronym_duplicates=…`.
    #[arg(long = "ceiling", value_parser = parse_floor)]
    ceilings: Vec<(String, f64)>,
}

#[derive(Debug, Args)]
pub struct EventsArgs {
    /// The benchmark set: cameo (the codebook's example sentences),
    /// petrarch (PETRARCH-2's unit tests, coded with its validation
    /// dictionaries), reuters (document-level events on Reuters newswire,
    /// scored as its `score.py` scores them) or reuters-train (the project's
    /// own annotations of more Reuters documents, bench/reuters-train: give
    /// `--docs` and `--gold`).
    #[arg(long, default_value = "cameo")]
    set: String,
    /// With reuters-train: the articles, as `bench/reuters-train/build_docs.py
    /// FILE` writes them from CoNLL-2003 eng.train.
    #[arg(long, value_name = "FILE")]
    docs: Option<PathBuf>,
    /// With reuters-train: the folder of gold files.
    #[arg(long, value_name = "DIR", default_value = "bench/reuters-train/gold")]
    gold: PathBuf,
    #[command(flatten)]
    common: CommonArgs,
    /// How many wrongly coded examples to list.
    #[arg(long, default_value_t = 10)]
    worst: usize,
    /// With cameo: code with the PETRARCH dictionaries in this folder instead
    /// of the built-in lexicon (to compare them on the same sentences).
    #[arg(long, value_name = "DIR")]
    dictionaries: Option<PathBuf>,
    /// Fail (exit 1) below a floor: `root=…` or `code=…` (cameo); `triples=…`
    /// (petrarch: the share of expected triples produced); `VIEW_MEASURE=…`
    /// (reuters: `dyad_root_f1`, `dyadic_p`, `actor_code_r`…).
    #[arg(long = "floor", value_parser = parse_floor)]
    floors: Vec<(String, f64)>,
    /// Fail (exit 1) above a ceiling (reuters: `missing_side=0.30`, the share
    /// of events with no actor on a side).
    #[arg(long = "ceiling", value_parser = parse_floor)]
    ceilings: Vec<(String, f64)>,
    /// With reuters: per document, the gold tuples, the predicted ones, and
    /// the evidence of each miss and false alarm.
    #[arg(long)]
    explain: bool,
    /// With reuters: write the predictions as JSON Lines (`{id, events}` per
    /// document), the input `score.py --pred` reads.
    #[arg(long, value_name = "FILE")]
    write_pred: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct QuotesArgs {
    /// The benchmark set: polnear (the dev split) or polnear-train.
    #[arg(long, default_value = "polnear")]
    set: String,
    #[command(flatten)]
    common: CommonArgs,
    /// Timed passes over the set; the median is reported.
    #[arg(long, default_value_t = 1)]
    passes: usize,
    /// Fail (exit 1) below a floor: `f1=…`, `speaker=…`, `direct_f1=…`,
    /// `direct_speaker=…`, `indirect_f1=…`.
    #[arg(long = "floor", value_parser = parse_floor)]
    floors: Vec<(String, f64)>,
}

#[derive(Debug, Args)]
pub struct ThroughputArgs {
    /// A folder of `.txt` articles (default: the BBC corpus in the bench folder).
    #[arg(long)]
    corpus: Option<PathBuf>,
    #[command(flatten)]
    common: CommonArgs,
    /// At most this many articles.
    #[arg(long, default_value_t = 100_000)]
    limit: usize,
    /// Timed passes; the median is reported.
    #[arg(long, default_value_t = 3)]
    passes: usize,
    /// Code events with the PETRARCH dictionaries in this folder (as
    /// `analyze --dictionaries`) to time that coder instead of the built-in one.
    #[arg(long, value_name = "DIR")]
    dictionaries: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct NerArgs {
    /// The benchmark set: conll-testa (or conll-train).
    #[arg(long, default_value = "conll-testa")]
    set: String,
    #[command(flatten)]
    common: CommonArgs,
    /// Timed passes over the set; the median is reported.
    #[arg(long, default_value_t = 1)]
    passes: usize,
    /// Fail (exit 1) when a score is below a floor: `f1=0.80`, `f1_without_misc=…`,
    /// or a class `PER=…`, `ORG=…`, `LOC=…`, `MISC=…`.
    #[arg(long = "floor", value_parser = parse_floor)]
    floors: Vec<(String, f64)>,
    /// Cross-validate instead: retrain the tagger on K-1 folds of CoNLL-2003
    /// train + test-A pooled (document i in fold i mod K) and score the
    /// held-out fold, K times; floors then apply to the fold means.
    #[arg(long, value_name = "K")]
    cv: Option<usize>,
}

#[derive(Debug, Args)]
pub struct SyntaxArgs {
    /// The splits to score: ewt-test, ewt-dev (or ewt-train); repeatable.
    /// Floors apply to the first.
    #[arg(long = "set", default_values = ["ewt-test", "ewt-dev"])]
    sets: Vec<String>,
    #[command(flatten)]
    common: CommonArgs,
    /// Timed passes over each split; the median is reported.
    #[arg(long, default_value_t = 3)]
    passes: usize,
    /// Fail (exit 1) when a score of the first split is below a floor:
    /// `uas=…`, `las=…`, `upos=…`.
    #[arg(long = "floor", value_parser = parse_floor)]
    floors: Vec<(String, f64)>,
}

#[derive(Debug, Args)]
pub struct SeedArgs {
    /// The seed article (default: `<bench>/../examples/seed-article.txt`).
    #[arg(long)]
    file: Option<PathBuf>,
    #[command(flatten)]
    common: CommonArgs,
}

#[derive(Debug, Args)]
pub struct ExtractionArgs {
    /// The benchmark set: scrapinghub or wcxb (with `--cv`, both when omitted).
    #[arg(long, required_unless_present = "cv")]
    set: Option<String>,
    #[command(flatten)]
    common: CommonArgs,
    /// Timed passes over the set; the median is reported.
    #[arg(long, default_value_t = 1)]
    passes: usize,
    /// How many of the worst pages to list.
    #[arg(long, default_value_t = 10)]
    worst: usize,
    /// Also run the peer extraction crates (needs a build with `--features peers`).
    #[arg(long)]
    peers: bool,
    /// Fail (exit 1) when a score is below a floor: `f1=0.95` (the main metric) or
    /// `article=0.90` (the main F1 of one page type). With `--cv`, the fold mean
    /// of a group: `scrapinghub=…`, `wcxb=…`, `wcxb:article=…`, `page_type=…`.
    #[arg(long = "floor", value_parser = parse_floor)]
    floors: Vec<(String, f64)>,
    /// Cross-validate: deal the sites of the dev pages into K folds and report
    /// each fold, the mean and the spread (a fifth of the sites is held out).
    #[arg(long, value_name = "K", value_parser = clap::value_parser!(u16).range(2..=50))]
    cv: Option<u16>,
    /// With `--cv`: also score the held-out slice of sites (keep it for the end).
    #[arg(long, requires = "cv")]
    holdout: bool,
    /// With `--cv`: write the score of every page of the folds (and of the
    /// held-out slice, with `--holdout`) as JSON Lines to FILE.
    #[arg(long, value_name = "FILE", requires = "cv")]
    save: Option<PathBuf>,
    /// With `--cv`: show each fold's change against pages saved by `--save`.
    #[arg(long, value_name = "FILE", requires = "cv")]
    compare: Option<PathBuf>,
    /// Switch a main-content heuristic off (repeatable; names as `--ablate` lists them).
    #[arg(long, value_name = "HEURISTIC")]
    without: Vec<String>,
    /// With `--cv`: switch each heuristic off in turn and report what it is
    /// worth, fold by fold.
    #[arg(long, requires = "cv")]
    ablate: bool,
}

/// What every evaluation takes: where the data is and how to print.
#[derive(Debug, Args)]
pub struct CommonArgs {
    /// The shared bench folder.
    #[arg(long, default_value_os_t = extraction::default_bench_dir())]
    bench: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ReportFormat::Table)]
    format: ReportFormat,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum ReportFormat {
    Table,
    Json,
}

pub(crate) fn parse_floor(text: &str) -> Result<(String, f64), String> {
    let (name, value) = text
        .split_once('=')
        .ok_or("expected NAME=VALUE, e.g. f1=0.95")?;
    let value: f64 = value
        .parse()
        .map_err(|_| format!("{value:?} is not a number"))?;
    Ok((name.to_string(), value))
}

pub fn run(command: EvalCommand) -> anyhow::Result<ExitCode> {
    match command {
        EvalCommand::Extraction(args) => run_extraction(args),
        EvalCommand::Seed(args) => run_seed(args),
        EvalCommand::Ner(args) => run_ner(args),
        EvalCommand::Throughput(args) => run_throughput(args),
        EvalCommand::Quotes(args) => run_quotes(args),
        EvalCommand::Events(args) => run_events(args),
        EvalCommand::Stories(args) => crate::eval_stories::run(args),
        EvalCommand::Geo(args) => crate::eval_geo::run(args),
        EvalCommand::Syntax(args) => run_syntax(args),
        EvalCommand::Entities(args) => run_entities(args),
    }
}

fn run_entities(args: EntitiesArgs) -> anyhow::Result<ExitCode> {
    let reader = chancery_store::AnyReader::open(&args.data)?;
    // The registry exactly as `chancery entities` builds it.
    let registry = crate::entities::registry(&reader)?;
    let export = chancery_store::ExportReader::open(&args.data)?;
    let mut analyses = Vec::new();
    export.for_each_article(
        &chancery_store::ExportFilter::default(),
        |article| -> anyhow::Result<()> {
            let analysis: chancery_model::Analysis = serde_json::from_str(&article.analysis)
                .with_context(|| format!("article {} holds no readable analysis", article.id))?;
            analyses.push(analysis);
            Ok(())
        },
    )?;
    let report = chancery_eval::entities::evaluate(
        &args.data.display().to_string(),
        &registry,
        &analyses,
        args.top,
    );
    let mut out = std::io::stdout().lock();
    match args.format {
        ReportFormat::Json => write_json(&mut out, &report, false)?,
        ReportFormat::Table => {
            writeln!(
                out,
                "entities of {} ({} articles, {} skipped for language; {} people, the {} most named scored):\n  \
                 honorific duplicates {}\n  case duplicates {}\n  \
                 people with a role {}, with an actor code {} ({:.1}%)\n  \
                 code conflicts {}\n  roles that are no office {}\n  \
                 type conflicts {} (names found as more than one kind)\n  \
                 acronym duplicates {}",
                report.corpus,
                report.articles,
                report.skipped_for_language,
                report.people,
                report.top,
                report.honorific_duplicates,
                report.case_duplicates,
                report.people_with_role,
                report.people_with_role_coded,
                report.role_coded_share * 100.0,
                report.code_conflicts,
                report.non_office_roles,
                report.type_conflicts,
                report.acronym_duplicates,
            )?;
            for (kind, examples) in &report.examples {
                writeln!(out, "{kind}:")?;
                for example in examples {
                    writeln!(out, "    {example}")?;
                }
            }
        }
    }
    let count = |n: usize| Some(n as f64);
    Ok(check_limits(
        "eval entities",
        &args.floors,
        &args.ceilings,
        |name| match name {
            "role_coded_share" => Some(report.role_coded_share),
            "honorific_duplicates" => count(report.honorific_duplicates),
            "case_duplicates" => count(report.case_duplicates),
            "code_conflicts" => count(report.code_conflicts),
            "non_office_roles" => count(report.non_office_roles),
            "type_conflicts" => count(report.type_conflicts),
            "acronym_duplicates" => count(report.acronym_duplicates),
            _ => None,
        },
    ))
}

/// `eval ner --cv K`: the tagger retrained per fold on CoNLL-2003 train
/// and test-A pooled, scored on the fold it did not see.
fn run_ner_cv(args: NerArgs, folds: usize) -> anyhow::Result<ExitCode> {
    use chancery_eval::ner;
    let mut documents = ner::load_conll(&ner::set_path(&args.common.bench, "conll-train")?)?;
    documents.extend(ner::load_conll(&ner::set_path(
        &args.common.bench,
        "conll-testa",
    )?)?);
    let report = ner::cross_validate(
        &documents,
        folds,
        chancery_nlp::ner::train::TrainOptions::default(),
    );
    let mut out = std::io::stdout().lock();
    match args.common.format {
        ReportFormat::Json => write_json(&mut out, &report, false)?,
        ReportFormat::Table => {
            writeln!(
                out,
                "chancery NER, {}-fold cross-validation over CoNLL-2003 train + test-A ({} documents; \
                 the committed training options, retrained per fold):",
                report.folds, report.documents
            )?;
            for fold in &report.by_fold {
                writeln!(
                    out,
                    "  {:<8} F1 {:.4}  PER {:.4}  ORG {:.4}  LOC {:.4}  MISC {:.4}",
                    fold.set,
                    fold.overall.f1,
                    fold.by_class["PER"].f1,
                    fold.by_class["ORG"].f1,
                    fold.by_class["LOC"].f1,
                    fold.by_class["MISC"].f1,
                )?;
            }
            writeln!(out, "  mean F1 {:.4} ± {:.4}", report.f1.0, report.f1.1)?;
            for (class, (mean, spread)) in &report.by_class {
                writeln!(out, "  {class:<5} {mean:.4} ± {spread:.4}")?;
            }
        }
    }
    Ok(check_floors(
        &format!("eval ner --cv {folds}"),
        &args.floors,
        |name| match name {
            "f1" => Some(report.f1.0),
            class => report.by_class.get(class).map(|s| s.0),
        },
    ))
}

fn run_syntax(args: SyntaxArgs) -> anyhow::Result<ExitCode> {
    use chancery_eval::syntax;
    let model = chancery_nlp::syntax::SyntaxModel::builtin();
    let parser = |words: &[&str]| model.parse(words);
    let mut reports = Vec::new();
    for set in &args.sets {
        let sentences = syntax::load(&syntax::set_path(&args.common.bench, set)?)?;
        reports.push(syntax::evaluate(set, &sentences, &parser, args.passes));
    }
    let mut out = std::io::stdout().lock();
    match args.common.format {
        ReportFormat::Json => write_json(&mut out, &reports, false)?,
        ReportFormat::Table => {
            for r in &reports {
                writeln!(
                    out,
                    "chancery syntax on {} ({} sentences, {} words): UPOS {:.4}  UAS {:.4}  LAS {:.4}  (LAS with subtypes {:.4})",
                    r.set, r.sentences, r.words, r.upos, r.uas, r.las, r.las_subtyped
                )?;
                writeln!(
                    out,
                    "  {:.0} sentences/s, {:.0} tokens/s (one thread, {:.2} s)",
                    r.sentences_per_second, r.tokens_per_second, r.seconds
                )?;
            }
        }
    }
    let Some(first) = reports.first() else {
        return Ok(ExitCode::SUCCESS);
    };
    let command = format!("eval syntax --set {}", first.set);
    Ok(check_floors(&command, &args.floors, |name| match name {
        "upos" => Some(first.upos),
        "uas" => Some(first.uas),
        "las" => Some(first.las),
        _ => None,
    }))
}

fn run_events_petrarch(args: EventsArgs) -> anyhow::Result<ExitCode> {
    use chancery_eval::petrarch;
    let tests = petrarch::load_tests(&args.common.bench)?;
    let dicts = petrarch::load_validation_dictionaries(&args.common.bench)?;
    let report = petrarch::evaluate(&tests, &dicts);
    let mut out = std::io::stdout().lock();
    match args.common.format {
        ReportFormat::Json => write_json(&mut out, &report, false)?,
        ReportFormat::Table => {
            writeln!(
                out,
                "chancery on PETRARCH-2's unit tests ({} sentences, validation dictionaries): {} of {} expected triples ({:.4}), {} extra events, {:.0} sentences/s",
                report.all.tests,
                report.all.produced,
                report.all.expected,
                report.all.share,
                report.all.extra,
                report.sentences_per_second
            )?;
            writeln!(
                out,
                "  {:<10} {:>5} {:>8} {:>8} {:>6} {:>6}",
                "category", "tests", "expected", "produced", "share", "extra"
            )?;
            for (name, t) in &report.categories {
                writeln!(
                    out,
                    "  {:<10} {:>5} {:>8} {:>8} {:>6.3} {:>6}",
                    name, t.tests, t.expected, t.produced, t.share, t.extra
                )?;
            }
            for miss in report.misses.iter().take(args.worst) {
                writeln!(
                    out,
                    "  {:<16} expected [{}] coded [{}] {}",
                    miss.id,
                    miss.expected.join(" "),
                    miss.produced.join(" "),
                    miss.text
                )?;
            }
        }
    }
    Ok(check_floors(
        "eval events --set petrarch",
        &args.floors,
        |name| match name {
            "triples" => Some(report.all.share),
            _ => None,
        },
    ))
}

/// Compares named scores with their floors; prints what fell short and
/// returns the exit code.
fn check_floors(
    command: &str,
    floors: &[(String, f64)],
    score_of: impl Fn(&str) -> Option<f64>,
) -> ExitCode {
    check_limits(command, floors, &[], score_of)
}

/// Compares named scores with their floors (minimums) and ceilings
/// (maximums); prints what fell outside and returns the exit code.
fn check_limits(
    command: &str,
    floors: &[(String, f64)],
    ceilings: &[(String, f64)],
    score_of: impl Fn(&str) -> Option<f64>,
) -> ExitCode {
    let mut below = Vec::new();
    for (name, floor) in floors {
        match score_of(name) {
            Some(score) if score + 1e-9 >= *floor => {}
            Some(score) => below.push(format!("{name} {score:.4} is below the floor {floor}")),
            None => below.push(format!("{name}: no such score in the report")),
        }
    }
    for (name, ceiling) in ceilings {
        match score_of(name) {
            Some(score) if score <= *ceiling + 1e-9 => {}
            Some(score) => below.push(format!("{name} {score:.4} is above the ceiling {ceiling}")),
            None => below.push(format!("{name}: no such score in the report")),
        }
    }
    if below.is_empty() {
        return ExitCode::SUCCESS;
    }
    for line in below {
        eprintln!("chancery: {command}: {line}");
    }
    ExitCode::FAILURE
}

fn run_events_reuters(args: EventsArgs) -> anyhow::Result<ExitCode> {
    use chancery_eval::reuters;
    let (set, name) = if args.set == "reuters-train" {
        let docs = args.docs.as_deref().ok_or_else(|| {
            anyhow::anyhow!(
                "eval events --set reuters-train needs --docs FILE: build it with \
                 `python3 bench/reuters-train/build_docs.py FILE` (from CoNLL-2003 eng.train)"
            )
        })?;
        (reuters::load_from(docs, &args.gold)?, "reuters-train")
    } else {
        (reuters::load(&args.common.bench)?, "reuters-dev")
    };
    let analyzer = chancery_nlp::Analyzer::new();
    let (report, analyses) = reuters::evaluate(&set, |article| analyzer.analyze(article))?;
    if let Some(path) = &args.write_pred {
        let file = std::fs::File::create(path)
            .with_context(|| format!("cannot create {}", path.display()))?;
        let mut file = std::io::BufWriter::new(file);
        for (id, analysis) in &analyses {
            let line = serde_json::json!({"id": id, "events": analysis.events});
            writeln!(file, "{line}").with_context(|| format!("cannot write {}", path.display()))?;
        }
        file.flush()
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
    let mut out = std::io::stdout().lock();
    match args.common.format {
        ReportFormat::Json => write_json(&mut out, &report, false)?,
        ReportFormat::Table => {
            if args.explain {
                for doc in &report.documents {
                    writeln!(out, "== {}", doc.id)?;
                    for t in &doc.matched {
                        writeln!(out, "  ok    {} {} {}", t.0, t.1, t.2)?;
                    }
                    for (t, evidence) in &doc.missed {
                        writeln!(out, "  miss  {} {} {}  | {}", t.0, t.1, t.2, evidence)?;
                    }
                    for (t, evidence) in &doc.false_alarms {
                        writeln!(out, "  false {} {} {}  | {}", t.0, t.1, t.2, evidence)?;
                    }
                }
            }
            writeln!(
                out,
                "chancery events on {name} ({} documents, {} events counted, {:.0} documents/s on one thread)",
                report.docs, report.predicted_events, report.documents_per_second
            )?;
            for (name, s) in &report.views {
                writeln!(
                    out,
                    "  {name:<10} P {:.4}  R {:.4}  F1 {:.4}  (gold {}, predicted {}, matched {})",
                    s.p, s.r, s.f1, s.gold, s.pred, s.tp
                )?;
            }
            writeln!(
                out,
                "  events missing an actor side: {:.1}% (gold {:.1}%)",
                report.missing_side * 100.0,
                report.gold_missing_side * 100.0
            )?;
            let (mean, spread) = chancery_eval::metrics::mean_and_spread(&report.fold_f1);
            let folds: Vec<String> = report.fold_f1.iter().map(|f| format!("{f:.3}")).collect();
            writeln!(
                out,
                "  dyad-root F1 over {} folds of documents: mean {mean:.4} ± {spread:.4} ({})",
                report.fold_f1.len(),
                folds.join(" ")
            )?;
        }
    }
    let measure = |name: &str| {
        if name == "missing_side" {
            return Some(report.missing_side);
        }
        let (view, measure) = name.rsplit_once('_')?;
        report.score(&view.replace('_', "-"), measure)
    };
    Ok(check_limits(
        if name == "reuters-dev" {
            "eval events --set reuters"
        } else {
            "eval events --set reuters-train"
        },
        &args.floors,
        &args.ceilings,
        measure,
    ))
}

fn run_events(args: EventsArgs) -> anyhow::Result<ExitCode> {
    if args.set == "petrarch" {
        return run_events_petrarch(args);
    }
    if args.set == "reuters" || args.set == "reuters-train" {
        return run_events_reuters(args);
    }
    anyhow::ensure!(
        args.set == "cameo",
        "unknown evaluation set {:?}: choose cameo, petrarch, reuters or reuters-train",
        args.set
    );
    let examples = chancery_eval::events::load_examples(&args.common.bench)?;
    let report = match &args.dictionaries {
        Some(dir) => {
            let dictionaries = crate::analyze::load_dictionaries(dir)?;
            chancery_eval::events::evaluate_dictionaries(&examples, &dictionaries)
        }
        None => chancery_eval::events::evaluate(&examples),
    };
    let mut out = std::io::stdout().lock();
    match args.common.format {
        ReportFormat::Json => write_json(&mut out, &report, false)?,
        ReportFormat::Table => {
            writeln!(
                out,
                "chancery events on the CAMEO codebook examples ({} sentences): root accuracy {:.4}, code accuracy {:.4}, {} uncoded, {:.0} sentences/s",
                report.examples,
                report.root_accuracy,
                report.code_accuracy,
                report.uncoded,
                report.sentences_per_second
            )?;
            for miss in report.misses.iter().take(args.worst) {
                writeln!(
                    out,
                    "  gold {:<5} coded {:<5} {}",
                    miss.gold,
                    miss.coded.as_deref().unwrap_or("-"),
                    miss.text
                )?;
            }
        }
    }
    Ok(check_floors(
        "eval events --set cameo",
        &args.floors,
        |name| match name {
            "root" => Some(report.root_accuracy),
            "code" => Some(report.code_accuracy),
            _ => None,
        },
    ))
}

fn run_quotes(args: QuotesArgs) -> anyhow::Result<ExitCode> {
    let dir = chancery_eval::quotes::split_dir(&args.common.bench, &args.set)?;
    let documents = chancery_eval::quotes::load_polnear(&dir)?;
    anyhow::ensure!(
        !documents.is_empty(),
        "no annotated articles under {}",
        dir.display()
    );
    let analyzer = chancery_nlp::Analyzer::new();
    let report = chancery_eval::quotes::evaluate(&args.set, &documents, &analyzer, args.passes);
    let mut out = std::io::stdout().lock();
    match args.common.format {
        ReportFormat::Json => write_json(&mut out, &report, false)?,
        ReportFormat::Table => {
            writeln!(
                out,
                "chancery quotes on {} ({} articles)",
                report.set, report.documents
            )?;
            for (name, s) in [
                ("all", &report.all),
                ("direct", &report.direct),
                ("indirect", &report.indirect),
            ] {
                writeln!(
                    out,
                    "  {name:<9} content P {:.4}  R {:.4}  F1 {:.4}  speaker accuracy {:.4}  (gold {}, predicted {}, speaker pairs {})",
                    s.precision, s.recall, s.f1, s.speaker_accuracy, s.gold, s.predicted, s.speaker_pairs
                )?;
            }
            writeln!(
                out,
                "  {:.0} articles/s (full analysis, one thread, {:.2} s)",
                report.articles_per_second, report.seconds
            )?;
        }
    }
    let command = format!("eval quotes --set {}", args.set);
    Ok(check_floors(&command, &args.floors, |name| match name {
        "f1" => Some(report.all.f1),
        "speaker" => Some(report.all.speaker_accuracy),
        "direct_f1" => Some(report.direct.f1),
        "direct_speaker" => Some(report.direct.speaker_accuracy),
        "indirect_f1" => Some(report.indirect.f1),
        _ => None,
    }))
}

fn run_throughput(args: ThroughputArgs) -> anyhow::Result<ExitCode> {
    let corpus = args
        .corpus
        .unwrap_or_else(|| args.common.bench.join("news").join("bbc"));
    let articles = chancery_eval::throughput::load_articles(&corpus, args.limit)?;
    anyhow::ensure!(
        !articles.is_empty(),
        "no .txt articles under {}: pass a folder with --corpus",
        corpus.display()
    );
    let mut analyzer = chancery_nlp::Analyzer::new();
    if let Some(dir) = &args.dictionaries {
        let dictionaries = crate::analyze::load_dictionaries(dir)?;
        analyzer = analyzer.with_dictionaries(std::sync::Arc::new(dictionaries), false);
    }
    let report = chancery_eval::throughput::measure(
        &corpus.display().to_string(),
        &articles,
        &analyzer,
        args.passes,
    );
    let mut out = std::io::stdout().lock();
    match args.common.format {
        ReportFormat::Json => write_json(&mut out, &report, false)?,
        ReportFormat::Table => writeln!(
            out,
            "analysis of {} articles ({:.1} MB, {} sentences) from {}, one thread, median of {}:\n  \
             sentences + entities {:.2} MB/s ({} entities)\n  \
             + quotes {:+.1}% ({} quotes)\n  \
             + events: the coder {:.0} sentences/s ({} events)\n  \
             + places: {:+.1}% ({} places)\n  \
             all stages {:.2} MB/s, {:.0} articles/s\n  \
             language gate {:.1}% of all stages; {} articles and {} blocks kept out as not English",
            report.articles,
            report.bytes as f64 / 1e6,
            report.sentences,
            report.corpus,
            args.passes,
            report.entities_megabytes_per_second,
            report.entities,
            report.quotes_overhead * 100.0,
            report.quotes,
            report.coder_sentences_per_second,
            report.events,
            report.geo_overhead * 100.0,
            report.places,
            report.megabytes_per_second,
            report.articles_per_second,
            report.language_gate_share * 100.0,
            report.skipped_articles,
            report.skipped_blocks,
        )?,
    }
    Ok(ExitCode::SUCCESS)
}

fn run_ner(args: NerArgs) -> anyhow::Result<ExitCode> {
    if let Some(folds) = args.cv {
        return run_ner_cv(args, folds);
    }
    let path = chancery_eval::ner::set_path(&args.common.bench, &args.set)?;
    let documents = chancery_eval::ner::load_conll(&path)?;
    let report = chancery_eval::ner::evaluate(
        &args.set,
        &documents,
        &chancery_nlp::find_names,
        args.passes,
    );
    let mut out = std::io::stdout().lock();
    match args.common.format {
        ReportFormat::Json => write_json(&mut out, &report, false)?,
        ReportFormat::Table => {
            writeln!(
                out,
                "chancery NER on {} ({} documents, {} tokens)",
                report.set, report.documents, report.tokens
            )?;
            let line =
                |out: &mut std::io::StdoutLock, name: &str, s: &chancery_eval::ner::EntityScore| {
                    writeln!(
                    out,
                    "  {name:<14} P {:.4}  R {:.4}  F1 {:.4}  (gold {}, predicted {}, correct {})",
                    s.precision, s.recall, s.f1, s.gold, s.predicted, s.correct
                )
                };
            line(&mut out, "overall", &report.overall)?;
            line(&mut out, "without MISC", &report.without_misc)?;
            for (class, score) in &report.by_class {
                line(&mut out, class, score)?;
            }
            writeln!(
                out,
                "  {:.0} tokens/s (one thread, {:.2} s)",
                report.tokens_per_second, report.seconds
            )?;
        }
    }
    let command = format!("eval ner --set {}", args.set);
    Ok(check_floors(&command, &args.floors, |name| match name {
        "f1" => Some(report.overall.f1),
        "f1_without_misc" => Some(report.without_misc.f1),
        class => report.by_class.get(class).map(|s| s.f1),
    }))
}

fn run_extraction(args: ExtractionArgs) -> anyhow::Result<ExitCode> {
    if let Some(folds) = args.cv {
        return run_extraction_cv(&args, usize::from(folds));
    }
    let Some(set_name) = args.set.as_deref() else {
        anyhow::bail!("eval extraction needs --set scrapinghub or --set wcxb");
    };
    let set = extraction::load_set(&args.common.bench, set_name)?;
    let rules = heuristics(&args.without)?;
    let mut extractors: Vec<Box<dyn BodyExtractor>> =
        vec![Box::new(extraction::ChanceryWith(rules))];
    if args.peers {
        extractors.extend(peer_extractors()?);
    }
    let mut reports = Vec::new();
    for extractor in &extractors {
        reports.push(extraction::evaluate(
            &set,
            extractor.as_ref(),
            args.passes,
            args.worst,
        ));
    }
    let mut out = std::io::stdout().lock();
    match args.common.format {
        ReportFormat::Json => {
            for report in &reports {
                write_json(&mut out, report, false)?;
            }
        }
        ReportFormat::Table => print_table(&mut out, &reports)?,
    }
    let ours = &reports[0];
    let command = format!("eval extraction --set {set_name}");
    Ok(check_floors(&command, &args.floors, |name| match name {
        "f1" => Some(ours.overall.f1),
        "precision" => Some(ours.overall.precision),
        "recall" => Some(ours.overall.recall),
        page_type => ours.by_page_type.get(page_type).map(|t| t.score.f1),
    }))
}

/// The heuristics left on when `names` are switched off.
fn heuristics(names: &[String]) -> anyhow::Result<chancery_extract::Heuristics> {
    let mut rules = chancery_extract::Heuristics::all();
    for name in names {
        let heuristic = chancery_extract::Heuristic::from_name(name).map_err(anyhow::Error::msg)?;
        rules = rules.without(heuristic);
    }
    Ok(rules)
}

fn run_extraction_cv(args: &ExtractionArgs, folds: usize) -> anyhow::Result<ExitCode> {
    use chancery_eval::crossval::{self, PageRecord};
    let names: Vec<&str> = match args.set.as_deref() {
        Some(name) => vec![name],
        None => vec!["scrapinghub", "wcxb"],
    };
    let mut sets = Vec::new();
    for name in names {
        sets.push(extraction::load_set(&args.common.bench, name)?);
    }
    let score = |rules: chancery_extract::Heuristics| {
        let mut records = Vec::new();
        for set in &sets {
            let extractor = extraction::ChanceryWith(rules);
            let (_, pages) = extraction::evaluate_pages(set, &extractor, 1);
            records.extend(pages.iter().map(|p| PageRecord::new(&set.name, p)));
        }
        records.sort_by(|a, b| (&a.set, &a.id).cmp(&(&b.set, &b.id)));
        records
    };
    let rules = heuristics(&args.without)?;
    let records = score(rules);
    let report = crossval::cross_validate(&records, folds, args.holdout);
    if args.ablate {
        let mut rows = Vec::new();
        for heuristic in chancery_extract::Heuristic::ALL {
            let without = crossval::cross_validate(&score(rules.without(heuristic)), folds, false);
            rows.push((
                heuristic.name().to_string(),
                crossval::compare(&without, &report),
            ));
        }
        let mut out = std::io::stdout().lock();
        out.write_all(crossval::render_ablation(&rows).as_bytes())?;
        return Ok(ExitCode::SUCCESS);
    }
    let changes = match &args.compare {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("cannot read {}", path.display()))?;
            let mut baseline = Vec::new();
            for (n, line) in text
                .lines()
                .enumerate()
                .filter(|(_, l)| !l.trim().is_empty())
            {
                let record: PageRecord = serde_json::from_str(line).with_context(|| {
                    format!("{}:{}: not a page record of --save", path.display(), n + 1)
                })?;
                baseline.push(record);
            }
            let before = crossval::cross_validate(&baseline, folds, false);
            Some(crossval::compare(&report, &before))
        }
        None => None,
    };
    if let Some(path) = &args.save {
        // The untouched slice stays unseen unless it is being scored.
        let mut text = String::new();
        let shown = records.iter().filter(|r| {
            args.holdout || crossval::slice_of(&r.site, folds) != crossval::Slice::Holdout
        });
        for record in shown {
            text.push_str(&serde_json::to_string(record)?);
            text.push('\n');
        }
        std::fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))?;
    }
    let mut out = std::io::stdout().lock();
    match args.common.format {
        ReportFormat::Json => write_json(&mut out, &report, false)?,
        ReportFormat::Table => {
            out.write_all(crossval::render(&report, changes.as_deref()).as_bytes())?;
        }
    }
    Ok(check_floors(
        &format!("eval extraction --cv {folds}"),
        &args.floors,
        |name| report.mean_of(name),
    ))
}

fn run_seed(args: SeedArgs) -> anyhow::Result<ExitCode> {
    let path = args
        .file
        .unwrap_or_else(|| chancery_eval::seed::default_seed_path(&args.common.bench));
    let checks = chancery_eval::seed::check_seed(&path)?;
    let mut out = std::io::stdout().lock();
    match args.common.format {
        ReportFormat::Json => write_json(&mut out, &checks, false)?,
        ReportFormat::Table => {
            for check in &checks {
                let mark = if check.passed { "ok  " } else { "FAIL" };
                writeln!(out, "{mark} {:<42} {}", check.name, check.seen)?;
            }
        }
    }
    let failed = checks.iter().filter(|c| !c.passed).count();
    if failed == 0 {
        return Ok(ExitCode::SUCCESS);
    }
    eprintln!(
        "chancery: eval seed: {failed} of {} checks failed on {}",
        checks.len(),
        path.display()
    );
    Ok(ExitCode::FAILURE)
}

#[cfg(feature = "peers")]
fn peer_extractors() -> anyhow::Result<Vec<Box<dyn BodyExtractor>>> {
    Ok(chancery_eval::peers::all())
}

#[cfg(not(feature = "peers"))]
fn peer_extractors() -> anyhow::Result<Vec<Box<dyn BodyExtractor>>> {
    anyhow::bail!(
        "this build has no peer extractors: build with `cargo build --release --features peers`"
    )
}

fn print_table(out: &mut impl std::io::Write, reports: &[Report]) -> std::io::Result<()> {
    let pct = |v: Option<f64>| v.map_or("-".to_string(), |v| format!("{:.1}%", v * 100.0));
    for report in reports {
        writeln!(
            out,
            "{} on {} ({} pages, {} refused)",
            report.extractor, report.set, report.pages, report.failures
        )?;
        writeln!(
            out,
            "  precision {:.4}  recall {:.4}  F1 {:.4}  |  {:.0} pages/s (one thread, {:.2} s)",
            report.overall.precision,
            report.overall.recall,
            report.overall.f1,
            report.pages_per_second,
            report.seconds
        )?;
        if report.by_page_type.len() > 1 {
            for (kind, score) in &report.by_page_type {
                writeln!(
                    out,
                    "  {kind:<14} {:>4} pages  P {:.4}  R {:.4}  F1 {:.4}",
                    score.pages, score.score.precision, score.score.recall, score.score.f1
                )?;
            }
        }
        if report.with_found.is_some() {
            writeln!(
                out,
                "  snippets: with found {}  without absent {}  |  title {}  author {}  date {}",
                pct(report.with_found),
                pct(report.without_absent),
                pct(report.title_match),
                pct(report.author_match),
                pct(report.date_match)
            )?;
        }
        writeln!(out, "  worst pages:")?;
        for page in &report.worst {
            writeln!(
                out,
                "    {:<70} {:<13} F1 {:.3}  P {:.3}  R {:.3}  words {}/{}{}",
                page.id,
                page.page_type,
                page.score.f1,
                page.score.precision,
                page.score.recall,
                page.words.0,
                page.words.1,
                page.error
                    .as_deref()
                    .map(|e| format!("  error: {e}"))
                    .unwrap_or_default()
            )?;
        }
    }
    Ok(())
}
