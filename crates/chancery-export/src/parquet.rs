//! The tables as Parquet files: one file per table, every column optional,
//! text as UTF-8 strings, integers as INT64, floats as DOUBLE, flags as
//! BOOLEAN, Snappy-compressed.
//!
//! Written with the `parquet` crate's column writers rather than through
//! Arrow: the tables are flat, and Arrow's crates cost several times the
//! build time (BENCHMARKS.md). Rows are buffered per column and written as
//! a row group every [`ROW_GROUP_ROWS`] rows or [`ROW_GROUP_BYTES`] bytes of
//! text, so memory stays bounded on any corpus.

use std::io::Write;
use std::sync::Arc;

use parquet::basic::{Compression, LogicalType, Repetition, Type as PhysicalType};
use parquet::data_type::{BoolType, ByteArray, ByteArrayType, DoubleType, Int64Type};
use parquet::file::properties::WriterProperties;
use parquet::file::writer::SerializedFileWriter;
use parquet::schema::types::Type;

use crate::tables::{Cell, Kind, PerTable, RowSink, Table};
use crate::ExportError;

/// Rows per row group.
pub const ROW_GROUP_ROWS: usize = 50_000;
/// Buffered bytes (values and their bookkeeping) that close a row group
/// early, so that long article bodies or many small values cannot pile up.
pub const ROW_GROUP_BYTES: usize = 8 << 20;

/// The buffered values of one column, with their definition levels
/// (1 = a value, 0 = null).
#[derive(Debug)]
enum Buffer {
    Text(Vec<ByteArray>, Vec<i16>),
    Int(Vec<i64>, Vec<i16>),
    Float(Vec<f64>, Vec<i16>),
    Bool(Vec<bool>, Vec<i16>),
}

/// One table's file and its buffered rows.
struct TableFile<W: Write + Send> {
    writer: SerializedFileWriter<W>,
    columns: Vec<Buffer>,
    rows: usize,
    bytes: usize,
    written: u64,
}

impl<W: Write + Send> std::fmt::Debug for TableFile<W> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TableFile")
            .field("rows", &self.rows)
            .field("written", &self.written)
            .finish_non_exhaustive()
    }
}

/// Writes each table to its own Parquet file.
#[derive(Debug)]
pub struct ParquetTables<W: Write + Send> {
    files: PerTable<TableFile<W>>,
}

impl<W: Write + Send> ParquetTables<W> {
    /// Starts a Parquet file on each writer.
    pub fn new(writers: PerTable<W>) -> Result<ParquetTables<W>, ExportError> {
        let mut writers = writers.into_tables();
        let files = PerTable::try_new(|table| {
            let (_, out) = writers.next().expect("one writer per table");
            let properties = WriterProperties::builder()
                .set_compression(Compression::SNAPPY)
                .set_created_by(format!("chancery {}", env!("CARGO_PKG_VERSION")))
                .build();
            let writer =
                SerializedFileWriter::new(out, Arc::new(schema(table)?), Arc::new(properties))?;
            Ok::<_, ExportError>(TableFile {
                writer,
                columns: table.columns().iter().map(|c| buffer(c.kind)).collect(),
                rows: 0,
                bytes: 0,
                written: 0,
            })
        })?;
        Ok(ParquetTables { files })
    }

    /// Writes the last row groups and the files' footers; returns the
    /// writers with the number of rows in each table.
    pub fn finish(self) -> Result<Vec<(Table, W, u64)>, ExportError> {
        self.files
            .into_tables()
            .map(|(table, mut file)| {
                file.flush()?;
                let rows = file.written;
                let out = file.writer.into_inner()?;
                Ok((table, out, rows))
            })
            .collect()
    }
}

impl<W: Write + Send> RowSink for ParquetTables<W> {
    fn row(&mut self, table: Table, cells: &[Cell<'_>]) -> Result<(), ExportError> {
        let file = self.files.get_mut(table);
        if cells.len() != file.columns.len() {
            return Err(ExportError::Inconsistent {
                problem: format!(
                    "a row of {} cells in the {} table of {} columns",
                    cells.len(),
                    table.name(),
                    file.columns.len()
                ),
            });
        }
        // Checked whole before any cell is buffered, so a bad row leaves the
        // columns the same length.
        let fits = table.columns().iter().zip(cells).all(|(column, cell)| {
            matches!(
                (column.kind, cell),
                (_, Cell::Null)
                    | (Kind::Text, Cell::Text(_))
                    | (Kind::Int, Cell::Int(_))
                    | (Kind::Float, Cell::Float(_))
                    | (Kind::Bool, Cell::Bool(_))
            )
        });
        if !fits {
            return Err(ExportError::Inconsistent {
                problem: format!("a cell of the wrong type in the {} table", table.name()),
            });
        }
        for (buffer, cell) in file.columns.iter_mut().zip(cells) {
            file.bytes += push(buffer, cell, table)?;
        }
        file.rows += 1;
        if file.rows >= ROW_GROUP_ROWS || file.bytes >= ROW_GROUP_BYTES {
            file.flush()?;
        }
        Ok(())
    }
}

impl<W: Write + Send> TableFile<W> {
    /// Writes the buffered rows as one row group.
    fn flush(&mut self) -> Result<(), ExportError> {
        if self.rows == 0 {
            return Ok(());
        }
        let mut group = self.writer.next_row_group()?;
        let mut buffers = self.columns.iter_mut();
        while let Some(mut column) = group.next_column()? {
            let buffer = buffers.next().ok_or_else(|| ExportError::Inconsistent {
                problem: "a Parquet schema with more columns than the table".into(),
            })?;
            match buffer {
                Buffer::Text(values, levels) => {
                    column
                        .typed::<ByteArrayType>()
                        .write_batch(values, Some(levels), None)?;
                    values.clear();
                    levels.clear();
                }
                Buffer::Int(values, levels) => {
                    column
                        .typed::<Int64Type>()
                        .write_batch(values, Some(levels), None)?;
                    values.clear();
                    levels.clear();
                }
                Buffer::Float(values, levels) => {
                    column
                        .typed::<DoubleType>()
                        .write_batch(values, Some(levels), None)?;
                    values.clear();
                    levels.clear();
                }
                Buffer::Bool(values, levels) => {
                    column
                        .typed::<BoolType>()
                        .write_batch(values, Some(levels), None)?;
                    values.clear();
                    levels.clear();
                }
            }
            column.close()?;
        }
        group.close()?;
        self.written += self.rows as u64;
        self.rows = 0;
        self.bytes = 0;
        Ok(())
    }
}

fn buffer(kind: Kind) -> Buffer {
    match kind {
        Kind::Text => Buffer::Text(Vec::new(), Vec::new()),
        Kind::Int => Buffer::Int(Vec::new(), Vec::new()),
        Kind::Float => Buffer::Float(Vec::new(), Vec::new()),
        Kind::Bool => Buffer::Bool(Vec::new(), Vec::new()),
    }
}

/// Appends a cell to its column's buffer; returns the bytes it holds (a
/// text's bytes and its allocation, a number's eight, a level's two).
fn push(buffer: &mut Buffer, cell: &Cell<'_>, table: Table) -> Result<usize, ExportError> {
    let mismatch = || ExportError::Inconsistent {
        problem: format!("a cell of the wrong type in the {} table", table.name()),
    };
    match (buffer, cell) {
        (Buffer::Text(_, levels), Cell::Null)
        | (Buffer::Int(_, levels), Cell::Null)
        | (Buffer::Float(_, levels), Cell::Null)
        | (Buffer::Bool(_, levels), Cell::Null) => {
            levels.push(0);
            return Ok(2);
        }
        (Buffer::Text(values, levels), Cell::Text(text)) => {
            values.push(ByteArray::from(text.as_bytes().to_vec()));
            levels.push(1);
            return Ok(text.len() + 40);
        }
        (Buffer::Int(values, levels), Cell::Int(n)) => {
            values.push(*n);
            levels.push(1);
        }
        (Buffer::Float(values, levels), Cell::Float(x)) => {
            values.push(*x);
            levels.push(1);
        }
        (Buffer::Bool(values, levels), Cell::Bool(b)) => {
            values.push(*b);
            levels.push(1);
        }
        _ => return Err(mismatch()),
    }
    Ok(10)
}

/// The Parquet schema of a table.
fn schema(table: Table) -> Result<Type, ExportError> {
    let fields = table
        .columns()
        .iter()
        .map(|column| {
            let (physical, logical) = match column.kind {
                Kind::Text => (PhysicalType::BYTE_ARRAY, Some(LogicalType::String)),
                Kind::Int => (PhysicalType::INT64, None),
                Kind::Float => (PhysicalType::DOUBLE, None),
                Kind::Bool => (PhysicalType::BOOLEAN, None),
            };
            Type::primitive_type_builder(column.name, physical)
                .with_repetition(Repetition::OPTIONAL)
                .with_logical_type(logical)
                .build()
                .map(Arc::new)
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Type::group_type_builder(table.name())
        .with_fields(fields)
        .build()?)
}

#[cfg(test)]
mod tests {
    use parquet::file::reader::{FileReader, SerializedFileReader};

    use super::*;

    #[test]
    fn a_table_reads_back_with_its_schema_rows_and_nulls() {
        let mut tables =
            ParquetTables::new(PerTable::try_new(|_| Ok::<_, ()>(Vec::new())).unwrap()).unwrap();
        let mut cells: Vec<Cell<'_>> = vec![Cell::Null; Table::Mentions.columns().len()];
        cells[0] = "a1".into();
        cells[1] = "e1".into();
        cells[2] = Cell::Int(4);
        tables.row(Table::Mentions, &cells).unwrap();
        cells[2] = Cell::Float(1.5);
        assert!(tables.row(Table::Mentions, &cells).is_err());
        let written = tables.finish().unwrap();
        let (_, bytes, rows) = written
            .into_iter()
            .find(|(t, _, _)| *t == Table::Mentions)
            .unwrap();
        assert_eq!(rows, 1);
        let reader = SerializedFileReader::new(bytes::Bytes::from(bytes)).unwrap();
        let metadata = reader.metadata();
        assert_eq!(metadata.file_metadata().num_rows(), 1);
        let names: Vec<&str> = metadata
            .file_metadata()
            .schema_descr()
            .columns()
            .iter()
            .map(|c| c.name())
            .collect();
        let expected: Vec<&str> = Table::Mentions.columns().iter().map(|c| c.name).collect();
        assert_eq!(names, expected);
        let row = reader.get_row_iter(None).unwrap().next().unwrap().unwrap();
        let shown = row.to_string();
        assert!(shown.contains("article: \"a1\""), "{shown}");
        assert!(shown.contains("start: 4"), "{shown}");
        assert!(shown.contains("end: null"), "{shown}");
    }
}
