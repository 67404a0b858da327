//! `chancery train`: rebuilds the models that are compiled into chancery.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use chancery_nlp::ner::train::{train, TrainOptions, TrainingDocument};
use clap::{Args, Subcommand};

#[derive(Debug, Subcommand)]
pub enum TrainCommand {
    /// The named-entity tagger, from CoNLL-2003-format data.
    Ner(NerArgs),
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
    }
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
    let bytes = model.to_bytes();
    std::fs::write(&args.out, &bytes)
        .with_context(|| format!("cannot write the model to {}", args.out.display()))?;
    eprintln!(
        "wrote {} ({} features, {:.1} MB)",
        args.out.display(),
        model.feature_count(),
        bytes.len() as f64 / 1e6
    );
    Ok(ExitCode::SUCCESS)
}
