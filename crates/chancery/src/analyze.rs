//! `chancery analyze`: files, directories, stdin and JSON Lines in; the JSON
//! contract out, one object for one document, JSON Lines for several.

use std::io::{self, BufRead, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use chancery_extract::{extract, Format, Input, Options, DEFAULT_MAX_BYTES};
use chancery_ingest::{
    extract_record, guard, is_jsonl_path, looks_like_jsonl, open_lines, read_capped,
};
use chancery_model::Analysis;
use clap::{Args, ValueEnum};
use rayon::prelude::*;

use crate::output::write_json;

/// Documents analysed together; results of a batch are printed in input order
/// before the next batch is read, which keeps memory flat on any input size.
const BATCH: usize = 256;

#[derive(Debug, Args)]
pub struct AnalyzeArgs {
    /// Files, directories (read recursively) or `-` for stdin. Default: stdin.
    paths: Vec<PathBuf>,
    /// Pretty-print the JSON.
    #[arg(long)]
    pretty: bool,
    /// Read every input as JSON Lines: one {id, url, title, text | html, published,
    /// source} object per line (automatic for .jsonl and .jsonl.gz files).
    #[arg(long)]
    jsonl: bool,
    /// Take plain text as the body only (no title line, no cleanup), so offsets
    /// point into exactly the text given.
    #[arg(long)]
    body_only: bool,
    /// Treat inputs as this format instead of detecting it from the content.
    #[arg(long, value_enum)]
    input_format: Option<InputFormat>,
    /// Refuse documents larger than this many bytes (also after gunzip).
    #[arg(long, default_value_t = DEFAULT_MAX_BYTES)]
    max_bytes: usize,
    /// Extra knowledge-base tables: a folder (or file) of `.tsv` tables in the
    /// formats of docs/KNOWLEDGE_BASE.md and PETRARCH actor dictionaries.
    #[arg(long, value_name = "PATH")]
    kb: Vec<PathBuf>,
    /// Code events with PETRARCH/TABARI dictionaries from this folder
    /// (`*verbs*`/`CAMEO*`, `*actors*`, `*agents*`, `*discards*` files)
    /// instead of the built-in lexicon.
    #[arg(long, value_name = "DIR")]
    dictionaries: Option<PathBuf>,
    /// With --dictionaries: code with the built-in lexicon as well.
    #[arg(long, requires = "dictionaries")]
    with_lexicon: bool,
}

/// Reads the PETRARCH dictionaries in `dir` (files named by kind; others are
/// ignored).
pub fn load_dictionaries(dir: &Path) -> anyhow::Result<chancery_nlp::petrarch::Dictionaries> {
    use chancery_nlp::petrarch::{Dictionaries, DictionaryKind};
    let entries = std::fs::read_dir(dir)
        .with_context(|| format!("cannot read the dictionary folder {}", dir.display()))?;
    let mut paths: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| DictionaryKind::of(n).is_some())
        })
        .collect();
    // File order decides which entry wins when two define one phrase.
    paths.sort();
    anyhow::ensure!(
        !paths.is_empty(),
        "{} holds no PETRARCH dictionary: name verb files *verbs* or CAMEO*, actors *actors*, agents *agents*, discards *discards*",
        dir.display()
    );
    let mut files = Vec::new();
    for path in paths {
        let text = std::fs::read_to_string(&path).with_context(|| {
            format!(
                "cannot read dictionary {} (is it UTF-8 text?)",
                path.display()
            )
        })?;
        files.push((path.display().to_string(), text));
    }
    let dictionaries = Dictionaries::parse(&files).context(
        "a PETRARCH dictionary could not be loaded (formats: PETRARCH-2's dictionaries.rst)",
    )?;
    print_warnings(dictionaries.warnings(), "skipped dictionary lines");
    Ok(dictionaries)
}

/// Prints the first few warnings and how many more there were.
pub(crate) fn print_warnings<'a>(warnings: impl Iterator<Item = &'a str>, what: &str) {
    let warnings: Vec<&str> = warnings.collect();
    for warning in warnings.iter().take(5) {
        eprintln!("chancery: warning: {warning}");
    }
    if warnings.len() > 5 {
        eprintln!(
            "chancery: warning: … and {} more {what}",
            warnings.len() - 5
        );
    }
}

/// The analyzer with the built-in knowledge base plus the user's tables.
pub fn analyzer_with_tables(paths: &[PathBuf]) -> anyhow::Result<chancery_nlp::Analyzer> {
    let (analyzer, warnings) = chancery_ingest::analyzer_with(&read_tables(paths)?)?;
    print_warnings(
        warnings.iter().map(String::as_str),
        "skipped dictionary lines",
    );
    Ok(analyzer)
}

/// The user's knowledge-base tables, `(name, text)`: each file given, and in
/// each folder the `.tsv` tables and PETRARCH actor dictionaries.
pub fn read_tables(paths: &[PathBuf]) -> anyhow::Result<Vec<(String, String)>> {
    let mut tables = Vec::new();
    for path in paths {
        let files = if path.is_dir() {
            let mut failures = Vec::new();
            let files = walk(path, &mut failures);
            if let Some((file, problem)) = failures.first() {
                anyhow::bail!("{file}: {problem}");
            }
            // In a folder, tables are `.tsv` files and PETRARCH actor
            // dictionaries are named `*actors*` (verb and agent files sit
            // beside them in the same folders).
            files
                .into_iter()
                .filter(|f| {
                    let name = f.file_name().and_then(|n| n.to_str()).unwrap_or("");
                    name.ends_with(".tsv") || name.to_ascii_lowercase().contains("actors")
                })
                .collect()
        } else {
            vec![path.clone()]
        };
        for file in files {
            let text = std::fs::read_to_string(&file).with_context(|| {
                format!(
                    "cannot read knowledge-base table {} (is it UTF-8 text?)",
                    file.display()
                )
            })?;
            tables.push((file.display().to_string(), text));
        }
    }
    Ok(tables)
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum InputFormat {
    Html,
    Text,
}

/// One document to analyze.
enum Job {
    /// A file on disk.
    File(PathBuf),
    /// Standard input, read whole (gunzipped when it was gzip).
    Stdin(Vec<u8>),
    /// One line of a JSON Lines file.
    Record { label: String, line: String },
}

impl Job {
    fn label(&self) -> String {
        match self {
            Job::File(path) => path.display().to_string(),
            Job::Stdin(_) => "<stdin>".into(),
            Job::Record { label, .. } => label.clone(),
        }
    }
}

pub fn run(args: AnalyzeArgs) -> anyhow::Result<ExitCode> {
    let options = Options {
        max_bytes: args.max_bytes,
        body_only: args.body_only,
        format: args.input_format.map(|f| match f {
            InputFormat::Html => Format::Html,
            InputFormat::Text => Format::Text,
        }),
    };
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from("-")]
    } else {
        args.paths.clone()
    };
    let mut analyzer = analyzer_with_tables(&args.kb)?;
    if let Some(dir) = &args.dictionaries {
        let dictionaries = std::sync::Arc::new(load_dictionaries(dir)?);
        analyzer = analyzer.with_dictionaries(dictionaries, args.with_lexicon);
    }
    let mut runner = Runner {
        options,
        analyzer,
        pretty: args.pretty,
        out: io::BufWriter::new(io::stdout().lock()),
        batch: Vec::with_capacity(BATCH),
        failures: Vec::new(),
        succeeded: 0,
    };
    for path in &paths {
        let stdin = path.as_os_str() == "-";
        let declared = args.jsonl || is_jsonl_path(path);
        if declared || stdin {
            let name = if stdin {
                "<stdin>".to_string()
            } else {
                path.display().to_string()
            };
            let mut reader = match open_lines(path) {
                Ok(reader) => reader,
                Err(err) => {
                    runner.fail(name, err);
                    continue;
                }
            };
            // Standard input is JSON Lines when it reads as such.
            if declared || reader.fill_buf().is_ok_and(looks_like_jsonl) {
                runner.push_lines(reader, &name)?;
                continue;
            }
            let mut bytes = Vec::new();
            match reader
                .take(args.max_bytes as u64 + 1)
                .read_to_end(&mut bytes)
            {
                Ok(_) => runner.push(Job::Stdin(bytes))?,
                Err(err) => runner.fail(name, format!("cannot read standard input: {err}")),
            }
        } else if path.is_dir() {
            for file in walk(path, &mut runner.failures) {
                runner.push(Job::File(file))?;
            }
        } else {
            runner.push(Job::File(path.clone()))?;
        }
    }
    runner.flush()?;
    runner.report()
}

/// Batches jobs, analyses each batch in parallel and prints results in order.
struct Runner<'a> {
    options: Options,
    analyzer: chancery_nlp::Analyzer,
    pretty: bool,
    out: io::BufWriter<io::StdoutLock<'a>>,
    batch: Vec<Job>,
    failures: Vec<(String, String)>,
    /// Documents analysed and printed.
    succeeded: usize,
}

impl Runner<'_> {
    fn push(&mut self, job: Job) -> anyhow::Result<()> {
        self.batch.push(job);
        if self.batch.len() >= BATCH {
            self.flush()?;
        }
        Ok(())
    }

    /// Every non-blank line of `reader` as a record labelled `name:LINE`.
    fn push_lines(&mut self, reader: Box<dyn BufRead>, name: &str) -> anyhow::Result<()> {
        for (number, line) in reader.lines().enumerate() {
            let label = format!("{name}:{}", number + 1);
            match line {
                Ok(line) if line.trim().is_empty() => {}
                Ok(line) => self.push(Job::Record { label, line })?,
                Err(err) => {
                    self.fail(label, format!("cannot read line: {err}"));
                    break;
                }
            }
        }
        Ok(())
    }

    fn fail(&mut self, label: String, problem: String) {
        self.failures.push((label, problem));
    }

    fn flush(&mut self) -> anyhow::Result<()> {
        let options = &self.options;
        let analyzer = &self.analyzer;
        let results: Vec<(String, Result<Analysis, String>)> = self
            .batch
            .par_iter()
            .map(|job| {
                let result = guard::contained(|| analyze_job(job, options, analyzer));
                (job.label(), result)
            })
            .collect();
        self.batch.clear();
        for (label, result) in results {
            match result {
                Ok(analysis) => {
                    self.succeeded += 1;
                    write_json(&mut self.out, &analysis, self.pretty)?;
                }
                Err(problem) => self.fail(label, problem),
            }
        }
        self.out.flush()?;
        Ok(())
    }

    /// Lists the failures on stderr; the exit code is non-zero only if something failed.
    fn report(self) -> anyhow::Result<ExitCode> {
        if self.failures.is_empty() {
            return Ok(ExitCode::SUCCESS);
        }
        let mut err = io::stderr().lock();
        // Every input counted once: printed, or failed (whether it failed
        // while reading, walking or analysing).
        let total = self.succeeded + self.failures.len();
        if total > 1 {
            writeln!(
                err,
                "chancery: {} of {total} documents failed:",
                self.failures.len(),
            )?;
        }
        for (label, problem) in &self.failures {
            writeln!(err, "chancery: {label}: {problem}")?;
        }
        Ok(ExitCode::FAILURE)
    }
}

/// Files under `dir` ([`chancery_ingest::walk`]), with a note printed for
/// each entry skipped.
pub(crate) fn walk(dir: &Path, failures: &mut Vec<(String, String)>) -> Vec<PathBuf> {
    chancery_ingest::walk(dir, failures, &mut print_note)
}

/// Prints a note on an entry skipped while walking a folder.
pub(crate) fn print_note(path: &Path, note: &str) {
    eprintln!("chancery: note: {}: {note}", path.display());
}

fn analyze_job(
    job: &Job,
    options: &Options,
    analyzer: &chancery_nlp::Analyzer,
) -> Result<Analysis, String> {
    let article = match job {
        Job::File(path) => {
            let bytes = read_capped(path, options.max_bytes)?;
            let input = Input {
                bytes: &bytes,
                source: Some(path.display().to_string()),
                ..Input::default()
            };
            extract(&input, options).map_err(|e| e.to_string())?
        }
        Job::Stdin(bytes) => {
            let input = Input {
                bytes,
                source: Some("-".into()),
                ..Input::default()
            };
            extract(&input, options).map_err(|e| e.to_string())?
        }
        Job::Record { line, .. } => extract_record(line, options)?,
    };
    guard::analyze(analyzer, article)
}
