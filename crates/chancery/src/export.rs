//! `chancery export`: a data directory in the formats other tools read.
//!
//! The store walks canonical articles in id order (or, for GDELT's event
//! tables, events in merge order) and hands them over one at a time;
//! `chancery-export` formats each into the writer. Files are written under
//! a `.part` name and renamed when complete, so a failed or interrupted
//! export never leaves a file that looks finished.

use std::fs::{self, File};
use std::io::{self, BufWriter, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use chancery_export::{
    write_rows, CsvTables, EventTable, ExportError, Format, GdeltEvents, Gkg, JsonLines, PerTable,
    PloverLines, Record, Table,
};
use chancery_store::{AnyExport, ExportArticle, ExportFilter};
use clap::Args;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Buffer size of each output file.
const OUTPUT_BUFFER: usize = 1 << 20;

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// The format: gdelt-events, gdelt-mentions, gdelt-gkg (GDELT 2.0 tab-separated
    /// tables), plover (PLOVER JSON Lines as the PLOVER manual defines them), jsonl
    /// (the analysis contract), csv or parquet (a folder of tables: articles,
    /// entities, mentions, quotes, events).
    #[arg(long, short = 'f', value_name = "FORMAT")]
    format: String,
    /// The corpus: a data directory (created on first use), or a PostgreSQL
    /// database as a postgres:// URL (postgres://user@host:5432/dbname; its tables
    /// are created in the schema chancery on first use). Default:
    /// CHANCERY_DATABASE_URL when set, else chancery-data.
    #[arg(long, env = "CHANCERY_DATA")]
    data: Option<PathBuf>,
    /// Where to write: a file (default: stdout) or, for csv and parquet, a folder.
    #[arg(long, short = 'o', value_name = "PATH")]
    output: Option<PathBuf>,
    /// Articles published on or after this date (YYYY, YYYY-MM or YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    from: Option<String>,
    /// Articles published on or before this date (YYYY, YYYY-MM or YYYY-MM-DD, inclusive).
    #[arg(long, value_name = "DATE")]
    to: Option<String>,
    /// Articles that name an entity of this country (ISO 3166 alpha-3, e.g. IRN).
    #[arg(long, value_name = "CODE")]
    country: Option<String>,
    /// Articles from this source: a site name, a host (bbc.co.uk), or the file path or
    /// folder given at ingest.
    #[arg(long, value_name = "SOURCE")]
    source: Option<String>,
    /// GDELT tables with a first line of column names (GDELT's own files, and so
    /// the tools that read them, have none).
    #[arg(long)]
    header: bool,
    /// No progress bar; the summary is still printed.
    #[arg(long)]
    quiet: bool,
}

pub fn run(args: ExportArgs) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    let format: Format = args.format.parse()?;
    let filter = ExportFilter {
        from: check_date("--from", args.from.as_deref())?,
        to: check_date("--to", args.to.as_deref())?,
        country: args.country.clone(),
        source: args.source.clone(),
    };
    let output = Output::plan(format, args.output.as_deref())?;
    let data = crate::data::resolve(args.data.as_deref());
    let reader = AnyExport::open(&data)
        .with_context(|| format!("cannot export from {}", crate::data::shown(&data)))?;
    let header = args.header;

    let total = if format.is_merged_events() {
        reader.count_events(&filter)?
    } else {
        reader.count_articles(&filter)?
    };
    let unit = if format.is_merged_events() {
        "events"
    } else {
        "articles"
    };
    let progress = progress_bar(total, unit, args.quiet);

    let written = match format {
        Format::GdeltEvents | Format::GdeltMentions => {
            let table = if format == Format::GdeltEvents {
                EventTable::Events
            } else {
                EventTable::Mentions
            };
            let out = output.single()?;
            let mut writer = GdeltEvents::new(table, out, header)?;
            let mut current: Option<Record> = None;
            reader.for_each_event(&filter, |event| -> anyhow::Result<()> {
                if current.as_ref().map(|r| r.id) != Some(event.article) {
                    let stored = reader.article(event.article)?.with_context(|| {
                        format!("article {} vanished during the export", event.article)
                    })?;
                    current = Some(parse(stored)?);
                }
                let record = current.as_ref().expect("just read");
                writer.push(record, event.index)?;
                progress.inc(1);
                Ok(())
            })?;
            let (out, rows) = writer.finish()?;
            out.complete()?;
            rows
        }
        Format::GdeltGkg => {
            let mut writer = Gkg::new(output.single()?, header)?;
            per_article(&reader, &filter, &progress, |stored| {
                writer.push(&parse(stored)?)?;
                Ok(())
            })?;
            let (out, rows) = writer.finish()?;
            out.complete()?;
            rows
        }
        Format::Plover => {
            let mut writer = PloverLines::new(output.single()?);
            per_article(&reader, &filter, &progress, |stored| {
                writer.push(&parse(stored)?)?;
                Ok(())
            })?;
            let (out, rows) = writer.finish()?;
            out.complete()?;
            rows
        }
        Format::Jsonl => {
            let mut writer = JsonLines::new(output.single()?);
            per_article(&reader, &filter, &progress, |stored| {
                writer.push(&stored.analysis)?;
                Ok(())
            })?;
            let (out, rows) = writer.finish()?;
            out.complete()?;
            rows
        }
        Format::Csv => {
            let mut tables = CsvTables::new(output.tables("csv")?)?;
            per_article(&reader, &filter, &progress, |stored| {
                write_rows(&parse(stored)?, &mut tables)?;
                Ok(())
            })?;
            finish_tables(tables.finish()?)?
        }
        Format::Parquet => write_parquet(&reader, &filter, &progress, &output)?,
    };
    progress.finish_and_clear();

    let target = output.describe();
    let seconds = started.elapsed().as_secs_f64();
    if total == 0 {
        eprintln!(
            "chancery: no {unit} match the filters; wrote an empty {format} export{} to {target}",
            if header && !matches!(format, Format::Plover | Format::Jsonl) {
                " (column names only)"
            } else {
                ""
            }
        );
    } else {
        eprintln!(
            "chancery: exported {total} {unit} as {format} ({written} rows) to {target} in \
             {seconds:.1} s"
        );
    }
    Ok(ExitCode::SUCCESS)
}

#[cfg(feature = "parquet")]
fn write_parquet(
    reader: &AnyExport,
    filter: &ExportFilter,
    progress: &ProgressBar,
    output: &Output,
) -> anyhow::Result<u64> {
    let mut tables = chancery_export::ParquetTables::new(output.tables("parquet")?)?;
    per_article(reader, filter, progress, |stored| {
        write_rows(&parse(stored)?, &mut tables)?;
        Ok(())
    })?;
    finish_tables(tables.finish()?)
}

#[cfg(not(feature = "parquet"))]
fn write_parquet(
    _: &AnyExport,
    _: &ExportFilter,
    _: &ProgressBar,
    _: &Output,
) -> anyhow::Result<u64> {
    Err(ExportError::NotBuilt { name: "parquet" }.into())
}

/// Walks the articles of `filter`, ticking the progress bar.
fn per_article(
    reader: &AnyExport,
    filter: &ExportFilter,
    progress: &ProgressBar,
    mut each: impl FnMut(ExportArticle) -> anyhow::Result<()>,
) -> anyhow::Result<u64> {
    reader.for_each_article(filter, |stored| {
        each(stored)?;
        progress.inc(1);
        Ok(())
    })
}

fn parse(stored: ExportArticle) -> Result<Record, ExportError> {
    Record::parse(stored.id, stored.ingested_at, &stored.analysis)
}

/// Renames every table file into place; returns the rows written in all.
fn finish_tables(tables: Vec<(Table, PartFile, u64)>) -> anyhow::Result<u64> {
    let mut rows = 0;
    for (_, file, count) in tables {
        file.complete()?;
        rows += count;
    }
    Ok(rows)
}

/// A date filter must be an ISO 8601 prefix: comparing anything else with
/// stored dates would silently match nothing or everything.
fn check_date(flag: &str, value: Option<&str>) -> anyhow::Result<Option<String>> {
    let Some(value) = value.map(str::trim).filter(|v| !v.is_empty()) else {
        return Ok(None);
    };
    let shaped = [4, 7, 10].contains(&value.len())
        && value.bytes().enumerate().all(|(i, b)| match i {
            4 | 7 => b == b'-',
            _ => b.is_ascii_digit(),
        });
    if !shaped {
        bail!("{flag} {value:?} is not a date: give YYYY, YYYY-MM or YYYY-MM-DD");
    }
    Ok(Some(value.to_string()))
}

/// Where an export goes, checked before the corpus is read.
#[derive(Debug)]
enum Output {
    Stdout,
    File(PathBuf),
    Folder(PathBuf),
}

impl Output {
    fn plan(format: Format, path: Option<&Path>) -> anyhow::Result<Output> {
        let path = path.filter(|p| p.as_os_str() != "-");
        if format.is_folder() {
            let Some(folder) = path else {
                bail!(
                    "{format} writes a folder of tables (articles, entities, mentions, quotes, \
                     events): give it with -o FOLDER"
                );
            };
            if folder.exists() && !folder.is_dir() {
                bail!(
                    "{} is a file, but {format} writes a folder of tables: give a folder with -o",
                    folder.display()
                );
            }
            fs::create_dir_all(folder).with_context(|| {
                format!(
                    "cannot create the folder {}; choose an output folder you can write to",
                    folder.display()
                )
            })?;
            return Ok(Output::Folder(folder.to_path_buf()));
        }
        match path {
            None => Ok(Output::Stdout),
            Some(file) if file.is_dir() => bail!(
                "{} is a folder, but {format} writes one file: give a file name with -o",
                file.display()
            ),
            Some(file) => Ok(Output::File(file.to_path_buf())),
        }
    }

    /// The one writer of a single-file format.
    fn single(&self) -> anyhow::Result<PartFile> {
        match self {
            Output::Stdout => Ok(PartFile::stdout()),
            Output::File(path) => PartFile::create(path),
            Output::Folder(_) => unreachable!("folder formats ask for tables"),
        }
    }

    /// One writer per table, `NAME.EXTENSION` in the folder.
    fn tables(&self, extension: &str) -> anyhow::Result<PerTable<PartFile>> {
        let Output::Folder(folder) = self else {
            unreachable!("single-file formats ask for one writer")
        };
        PerTable::try_new(|table| {
            PartFile::create(&folder.join(format!("{}.{extension}", table.name())))
        })
    }

    fn describe(&self) -> String {
        match self {
            Output::Stdout => "stdout".into(),
            Output::File(path) | Output::Folder(path) => path.display().to_string(),
        }
    }
}

/// An output being written: stdout, or a file under `NAME.part` that
/// becomes `NAME` when [`PartFile::complete`] is called. Dropped before
/// that, the partial file is removed.
struct PartFile {
    out: BufWriter<Box<dyn Write + Send>>,
    /// `(partial, final)` paths; `None` for stdout.
    paths: Option<(PathBuf, PathBuf)>,
}

impl PartFile {
    fn stdout() -> PartFile {
        PartFile {
            out: BufWriter::with_capacity(OUTPUT_BUFFER, Box::new(io::stdout())),
            paths: None,
        }
    }

    fn create(path: &Path) -> anyhow::Result<PartFile> {
        let mut partial = path.as_os_str().to_owned();
        partial.push(".part");
        let partial = PathBuf::from(partial);
        let file = File::create(&partial).with_context(|| {
            format!(
                "cannot write {}; choose an output path you can write to",
                path.display()
            )
        })?;
        Ok(PartFile {
            out: BufWriter::with_capacity(OUTPUT_BUFFER, Box::new(file)),
            paths: Some((partial, path.to_path_buf())),
        })
    }

    /// Flushes the output and moves a file into place.
    fn complete(mut self) -> anyhow::Result<()> {
        self.out.flush()?;
        if let Some((partial, path)) = self.paths.take() {
            fs::rename(&partial, &path)
                .with_context(|| format!("cannot move {} into place", partial.display()))?;
        }
        Ok(())
    }
}

impl Write for PartFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.out.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

impl Drop for PartFile {
    fn drop(&mut self) {
        if let Some((partial, _)) = &self.paths {
            let _ = fs::remove_file(partial);
        }
    }
}

impl std::fmt::Debug for PartFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PartFile")
            .field("paths", &self.paths)
            .finish_non_exhaustive()
    }
}

fn progress_bar(total: u64, unit: &str, quiet: bool) -> ProgressBar {
    if quiet || !io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(total);
    let template = format!("{{elapsed_precise}} [{{bar:30}}] {{pos}}/{{len}} {unit} · ETA {{eta}}");
    if let Ok(style) = ProgressStyle::with_template(&template) {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.set_draw_target(ProgressDrawTarget::stderr());
    bar.enable_steady_tick(Duration::from_millis(200));
    bar
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_must_be_iso_prefixes() {
        assert_eq!(
            check_date("--from", Some("2025-03")).unwrap().as_deref(),
            Some("2025-03")
        );
        assert_eq!(check_date("--from", None).unwrap(), None);
        let err = check_date("--to", Some("March")).unwrap_err().to_string();
        assert!(err.contains("YYYY-MM-DD"), "{err}");
    }

    #[test]
    fn the_store_and_the_export_file_events_under_the_same_day() {
        for (value, precision) in [
            ("2025-03-12", "day"),
            ("2025-03-12T10:00:00Z", "time"),
            ("2025-03-10", "week"),
            ("2025-03", "month"),
            ("2025", "year"),
            ("12 March 2025", "day"),
            ("2025-3-12", "day"),
        ] {
            assert_eq!(
                chancery_store::event_day(value, precision),
                chancery_export::event_day(value, precision),
                "{value} {precision}"
            );
        }
    }
}
