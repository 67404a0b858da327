//! `chancery train`: rebuilds the models that are compiled into chancery.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use chancery_nlp::ner::train::{train, TrainOptions, TrainingDocument};
use chancery_nlp::syntax::train::TrainOptions as SyntaxOptions;
use clap::{Args, Subcommand};

#[derive(Debug, Subcommand)]
pub enum TrainCommand {
    /// The named-entity tagger, from CoNLL-2003-format data.
    Ner(NerArgs),
    /// The part-of-speech tagger and dependency parser, from UD English EWT.
    Syntax(SyntaxArgs),
}

#[derive(Debug, Args)]
pub struct SyntaxArgs {
    /// The folder with `en_ewt-ud-{train,dev}.conllu` (train to learn, dev to
    /// choose the number of passes).
    #[arg(long, default_value = "../shared/bench/syntax/ud-english-ewt")]
    treebank: PathBuf,
    /// Where to write the model.
    #[arg(long, default_value = "crates/chancery-nlp/models/syntax.bin")]
    out: PathBuf,
    /// Most passes of the tagger (the best on dev is kept).
    #[arg(long, default_value_t = SyntaxOptions::default().tagger_epochs)]
    tagger_epochs: usize,
    /// Most passes of the parser (the best on dev is kept).
    #[arg(long, default_value_t = SyntaxOptions::default().parser_epochs)]
    parser_epochs: usize,
    /// Folds for the parser's jackknifed training tags.
    #[arg(long, default_value_t = SyntaxOptions::default().folds)]
    folds: usize,
    /// Seed of shuffling, case changes and exploration.
    #[arg(long, default_value_t = SyntaxOptions::default().seed)]
    seed: u64,
}

#[derive(Debug, Args)]
pub struct NerArgs {
    /// Training data in CoNLL-2003 format (`token POS chunk tag`, IOB1).
    #[arg(long, default_value = "../shared/bench/ner/conll2003/eng.train")]
    data: PathBuf,
    /// Where to write the model.
    #[arg(long, default_value = "crates/chancery-nlp/models/ner.bin")]
    out: PathBuf,
    /// Passes over the data.
    #[arg(long, default_value_t = TrainOptions::default().epochs)]
    epochs: usize,
    /// Shuffling seed.
    #[arg(long, default_value_t = TrainOptions::default().seed)]
    seed: u64,
}

pub fn run(command: TrainCommand) -> anyhow::Result<ExitCode> {
    match command {
        TrainCommand::Ner(args) => train_ner(args),
        TrainCommand::Syntax(args) => train_syntax(args),
    }
}

fn train_syntax(args: SyntaxArgs) -> anyhow::Result<ExitCode> {
    use chancery_eval::syntax::{load, treebank_file};
    let train = load(&treebank_file(&args.treebank, "train"))?;
    let dev = load(&treebank_file(&args.treebank, "dev"))?;
    let words: usize = train.iter().map(|s| s.words.len()).sum();
    eprintln!(
        "training on {} sentences, {words} words from {}",
        train.len(),
        args.treebank.display()
    );
    let options = SyntaxOptions {
        tagger_epochs: args.tagger_epochs,
        parser_epochs: args.parser_epochs,
        folds: args.folds,
        seed: args.seed,
        ..SyntaxOptions::default()
    };
    let started = std::time::Instant::now();
    let model = chancery_nlp::syntax::train::train(&train, &dev, options, |report| {
        let dev = report
            .dev_score
            .map_or(String::new(), |s| format!(", dev {s:.4}"));
        eprintln!(
            "{} epoch {:>2}: train {:.4}{dev}, {} features ({:.0} s)",
            report.stage,
            report.epoch,
            report.train_accuracy,
            report.features,
            started.elapsed().as_secs_f64()
        );
    });
    let (tagger, parser) = model.feature_counts();
    write_model(
        &args.out,
        &model.to_bytes(),
        &format!(
            "{tagger} tagger and {parser} parser features, trained in {:.0} s",
            started.elapsed().as_secs_f64()
        ),
    )
}

fn train_ner(args: NerArgs) -> anyhow::Result<ExitCode> {
    let documents = chancery_eval::ner::load_conll(&args.data)?;
    let training: Vec<TrainingDocument> = documents
        .into_iter()
        .map(|doc| {
            let words: Vec<&str> = doc.words.iter().map(String::as_str).collect();
            let gazetteer = chancery_nlp::gazetteer_bits(&words);
            TrainingDocument {
                gazetteer,
                words: doc.words,
                sentences: doc.sentences,
                tags: doc.tags,
            }
        })
        .collect();
    let tokens: usize = training.iter().map(|d| d.words.len()).sum();
    eprintln!(
        "training on {} documents, {tokens} tokens from {}",
        training.len(),
        args.data.display()
    );
    let options = TrainOptions {
        epochs: args.epochs,
        seed: args.seed,
        ..TrainOptions::default()
    };
    let model = train(&training, options, |report| {
        eprintln!(
            "epoch {:>2}: token accuracy {:.4}, {} features",
            report.epoch, report.token_accuracy, report.features
        );
    });
    let features = format!("{} features", model.feature_count());
    write_model(&args.out, &model.to_bytes(), &features)
}

/// Writes a trained model and says where, how large and what it holds.
fn write_model(out: &std::path::Path, bytes: &[u8], what: &str) -> anyhow::Result<ExitCode> {
    std::fs::write(out, bytes)
        .with_context(|| format!("cannot write the model to {}", out.display()))?;
    eprintln!(
        "wrote {} ({what}, {:.1} MB)",
        out.display(),
        bytes.len() as f64 / 1e6
    );
    Ok(ExitCode::SUCCESS)
}
