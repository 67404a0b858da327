//! The tables as CSV files (RFC 4180: comma-separated, a header line, fields
//! quoted when they hold a comma, a quote or a line break).

use std::io::Write;

use crate::tables::{Cell, PerTable, RowSink, Table};
use crate::ExportError;

/// Writes each table to its own CSV writer.
#[derive(Debug)]
pub struct CsvTables<W: Write> {
    writers: PerTable<W>,
    rows: [u64; 5],
    line: String,
}

impl<W: Write> CsvTables<W> {
    /// Writes the header line of every table and returns the writer.
    pub fn new(mut writers: PerTable<W>) -> Result<CsvTables<W>, ExportError> {
        let mut line = String::new();
        for table in Table::ALL {
            line.clear();
            for (i, column) in table.columns().iter().enumerate() {
                if i > 0 {
                    line.push(',');
                }
                line.push_str(column.name);
            }
            line.push('\n');
            writers.get_mut(table).write_all(line.as_bytes())?;
        }
        Ok(CsvTables {
            writers,
            rows: [0; 5],
            line,
        })
    }

    /// The writers, flushed, with the number of rows written to each.
    pub fn finish(self) -> Result<Vec<(Table, W, u64)>, ExportError> {
        let rows = self.rows;
        self.writers
            .into_tables()
            .map(|(table, mut writer)| {
                writer.flush()?;
                Ok((table, writer, rows[table as usize]))
            })
            .collect()
    }
}

impl<W: Write> RowSink for CsvTables<W> {
    fn row(&mut self, table: Table, cells: &[Cell<'_>]) -> Result<(), ExportError> {
        if cells.len() != table.columns().len() {
            return Err(ExportError::Inconsistent {
                problem: format!(
                    "a row of {} cells in the {} table of {} columns",
                    cells.len(),
                    table.name(),
                    table.columns().len()
                ),
            });
        }
        self.line.clear();
        for (i, cell) in cells.iter().enumerate() {
            if i > 0 {
                self.line.push(',');
            }
            match cell {
                Cell::Null => {}
                Cell::Text(text) => push_quoted(&mut self.line, text),
                Cell::Int(n) => self.line.push_str(&n.to_string()),
                Cell::Float(x) => self.line.push_str(&format_float(*x)),
                Cell::Bool(b) => self.line.push_str(if *b { "true" } else { "false" }),
            }
        }
        self.line.push('\n');
        self.writers
            .get_mut(table)
            .write_all(self.line.as_bytes())?;
        self.rows[table as usize] += 1;
        Ok(())
    }
}

/// A text field, quoted when it must be. An empty text is written as `""`
/// so that readers can tell it from a missing value.
fn push_quoted(line: &mut String, text: &str) {
    if text.is_empty() || text.contains([',', '"', '\n', '\r']) {
        line.push('"');
        line.push_str(&text.replace('"', "\"\""));
        line.push('"');
    } else {
        line.push_str(text);
    }
}

/// The shortest text that reads back as the same float (`0.9`, not
/// `0.8999999761581421` for an `f32` 0.9 widened).
pub(crate) fn format_float(x: f64) -> String {
    if !x.is_finite() {
        return String::new();
    }
    let short = format!("{}", x as f32);
    if f64::from(short.parse::<f32>().unwrap_or(f32::NAN)) == x {
        short
    } else {
        format!("{x}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_quoted_when_they_must_be() {
        let mut line = String::new();
        push_quoted(&mut line, "plain");
        line.push('|');
        push_quoted(&mut line, "a, \"b\"\nc");
        line.push('|');
        push_quoted(&mut line, "");
        assert_eq!(line, "plain|\"a, \"\"b\"\"\nc\"|\"\"");
    }

    #[test]
    fn floats_are_short() {
        assert_eq!(format_float(f64::from(0.9_f32)), "0.9");
        assert_eq!(format_float(-2.0), "-2");
        assert_eq!(format_float(0.1), "0.1");
    }
}
