//! `chancery analyze`: files, directories, stdin and JSON Lines in; the JSON
//! contract out, one object for one document, JSON Lines for several.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use chancery_extract::{extract, Format, Input, Options, DEFAULT_MAX_BYTES};
use chancery_model::Analysis;
use clap::{Args, ValueEnum};
use rayon::prelude::*;
use serde_json::Value;

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
fn print_warnings<'a>(warnings: impl Iterator<Item = &'a str>, what: &str) {
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
    analyzer_with_tables_and(paths, Vec::new())
}

/// The analyzer with the built-in knowledge base, the user's tables and
/// tables made by chancery itself (`(name, text)`: the corpus's registry).
pub fn analyzer_with_tables_and(
    paths: &[PathBuf],
    mut tables: Vec<(String, String)>,
) -> anyhow::Result<chancery_nlp::Analyzer> {
    if paths.is_empty() && tables.is_empty() {
        return Ok(chancery_nlp::Analyzer::new());
    }
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
    let kb = chancery_nlp::kb::KnowledgeBase::with_user_tables(&tables)
        .context("a knowledge-base table could not be loaded; see docs/KNOWLEDGE_BASE.md")?;
    print_warnings(
        kb.warnings.iter().map(String::as_str),
        "skipped dictionary lines",
    );
    Ok(chancery_nlp::Analyzer::with_knowledge_base(kb))
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
                    runner.fail(name, format!("{err:#}"));
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
                let result = crate::guard::contained(|| analyze_job(job, options, analyzer));
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

/// True when the start of a stream reads as JSON Lines: its first line is
/// a JSON object (a news page or scraped text does not open with `{`).
pub(crate) fn looks_like_jsonl(head: &[u8]) -> bool {
    let head = head.trim_ascii_start();
    if !head.starts_with(b"{") {
        return false;
    }
    let first = head.split(|&b| b == b'\n').next().unwrap_or(head);
    let complete = first.len() < head.len();
    match serde_json::from_slice::<Value>(first) {
        Ok(value) => value.is_object(),
        // A first line longer than what was peeked: an object still
        // opening looks like JSON Lines too.
        Err(err) => !complete && err.is_eof(),
    }
}

pub(crate) fn is_jsonl_path(path: &Path) -> bool {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    name.ends_with(".jsonl") || name.ends_with(".jsonl.gz") || name.ends_with(".ndjson")
}

/// Files under `dir`, recursively, in a stable order; hidden entries
/// skipped. Only regular files are listed: FIFOs, sockets and devices are
/// skipped with a note (reading a FIFO would wait forever). Symbolic links
/// are followed, but each directory is entered once, known by its (device,
/// inode), so a link to `.` or `..` cannot loop.
pub(crate) fn walk(dir: &Path, failures: &mut Vec<(String, String)>) -> Vec<PathBuf> {
    walk_with_notes(dir, failures, &mut |path, note| {
        eprintln!("chancery: note: {}: {note}", path.display());
    })
}

/// [`walk`], with the notes on skipped entries sent to `note`.
pub(crate) fn walk_with_notes(
    dir: &Path,
    failures: &mut Vec<(String, String)>,
    note: &mut dyn FnMut(&Path, &str),
) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut entered = std::collections::HashSet::new();
    if let Ok(meta) = std::fs::metadata(dir) {
        entered.insert(file_identity(dir, &meta));
    }
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let entries = match std::fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(err) => {
                failures.push((
                    dir.display().to_string(),
                    format!("cannot list directory: {err}"),
                ));
                continue;
            }
        };
        let mut children: Vec<PathBuf> = entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| {
                !p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with('.'))
            })
            .collect();
        children.sort();
        for child in children.into_iter().rev() {
            // Follows a link to what it names.
            let meta = match std::fs::metadata(&child) {
                Ok(meta) => meta,
                Err(err) => {
                    note(&child, &format!("skipped, cannot read it ({err})"));
                    continue;
                }
            };
            if meta.is_dir() {
                if entered.insert(file_identity(&child, &meta)) {
                    stack.push(child);
                } else {
                    note(&child, "skipped, a folder already walked (a link loop?)");
                }
            } else if meta.is_file() {
                files.push(child);
            } else {
                note(
                    &child,
                    &format!("skipped, not a regular file ({})", special_kind(&meta)),
                );
            }
        }
    }
    files.sort();
    files
}

/// What identifies a file whatever the path to it: (device, inode).
#[cfg(unix)]
fn file_identity(_path: &Path, meta: &std::fs::Metadata) -> (u64, u64, PathBuf) {
    use std::os::unix::fs::MetadataExt;
    (meta.dev(), meta.ino(), PathBuf::new())
}

#[cfg(not(unix))]
fn file_identity(path: &Path, _meta: &std::fs::Metadata) -> (u64, u64, PathBuf) {
    (
        0,
        0,
        std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf()),
    )
}

#[cfg(unix)]
fn special_kind(meta: &std::fs::Metadata) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    let kind = meta.file_type();
    if kind.is_fifo() {
        "a FIFO"
    } else if kind.is_socket() {
        "a socket"
    } else if kind.is_block_device() || kind.is_char_device() {
        "a device"
    } else {
        "a special file"
    }
}

#[cfg(not(unix))]
fn special_kind(_meta: &std::fs::Metadata) -> &'static str {
    "a special file"
}

/// A line reader over a (possibly gzipped) JSON Lines file or stdin.
pub(crate) fn open_lines(path: &Path) -> anyhow::Result<Box<dyn BufRead>> {
    let raw: Box<dyn Read> = if path.as_os_str() == "-" {
        Box::new(io::stdin())
    } else {
        Box::new(File::open(path).with_context(|| "cannot open file")?)
    };
    let mut reader = BufReader::new(raw);
    let gzipped = reader.fill_buf()?.starts_with(&[0x1f, 0x8b]);
    Ok(if gzipped {
        Box::new(BufReader::new(flate2::read::MultiGzDecoder::new(reader)))
    } else {
        Box::new(reader)
    })
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
        Job::Record { line, .. } => analyze_record(line, options)?,
    };
    crate::guard::analyze(analyzer, article)
}

pub(crate) fn read_capped(path: &Path, max_bytes: usize) -> Result<Vec<u8>, String> {
    let file = File::open(path).map_err(|e| format!("cannot open file: {e}"))?;
    let size = file.metadata().map(|m| m.len()).unwrap_or(0);
    if size > max_bytes as u64 {
        return Err(format!(
            "document is {size} bytes, over the {max_bytes}-byte cap: raise it with --max-bytes"
        ));
    }
    let mut bytes = Vec::with_capacity(size as usize);
    file.take(max_bytes as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read file: {e}"))?;
    Ok(bytes)
}

/// One JSON Lines record: `{id, url, title, text | html, published, source}`.
pub(crate) fn analyze_record(
    line: &str,
    options: &Options,
) -> Result<chancery_model::Article, String> {
    chancery_extract::extract_record(line, options).map_err(|e| e.to_string())
}
