//! The connection under [`crate::Queries`]: a data directory's SQLite
//! database or a PostgreSQL database, answering the same statements.
//!
//! The queries of the API and the pages are written once, in the SQL both
//! engines read (SQLite's `?`/`?N` placeholders, `FILTER` clauses, `CAST`
//! rather than `::`), and read back through one row type, [`Cells`], so
//! the code that builds results from rows is the same for both backends.
//! [`to_postgres`] turns a statement into PostgreSQL's dialect: `$N`
//! placeholders, `ILIKE` for SQLite's ASCII case-insensitive `LIKE`, and
//! the few fragments that differ (a JSON list of ids, a JSON array column
//! read as rows). Where more than a fragment differs, the caller asks
//! [`ReadConn::is_postgres`] and gives each backend its statement.

use std::cell::RefCell;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

use postgres::types::{ToSql, Type};
use postgres::{Client, Statement};
use rusqlite::types::{Value as SqlValue, ValueRef};
use rusqlite::{params_from_iter, Connection};

use crate::pg::{redacted, Failed};
use crate::StoreError;

/// One value of a result row, whichever engine read it. Booleans are
/// integers (0 or 1), as SQLite keeps them.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Cell {
    Null,
    Int(i64),
    Real(f64),
    Text(String),
    Blob(Vec<u8>),
}

/// A result row.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Cells(Vec<Cell>);

/// A value of a column that is not of the type asked for.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct CellError {
    column: usize,
    detail: String,
}

/// A Rust value read from a [`Cell`].
pub(crate) trait FromCell: Sized {
    /// The value, or what was found instead.
    fn from_cell(cell: &Cell) -> Result<Self, String>;
}

impl Cells {
    /// Column `index` as a `T`.
    pub(crate) fn get<T: FromCell>(&self, index: usize) -> Result<T, CellError> {
        let cell = self.0.get(index).ok_or_else(|| CellError {
            column: index,
            detail: format!("the row has {} columns", self.0.len()),
        })?;
        T::from_cell(cell).map_err(|detail| CellError {
            column: index,
            detail,
        })
    }
}

fn found(cell: &Cell) -> String {
    match cell {
        Cell::Null => "found NULL".into(),
        Cell::Int(_) => "found an integer".into(),
        Cell::Real(_) => "found a real number".into(),
        Cell::Text(_) => "found text".into(),
        Cell::Blob(_) => "found a blob".into(),
    }
}

impl FromCell for i64 {
    fn from_cell(cell: &Cell) -> Result<Self, String> {
        match cell {
            Cell::Int(value) => Ok(*value),
            other => Err(format!("expected an integer, {}", found(other))),
        }
    }
}

impl FromCell for f64 {
    fn from_cell(cell: &Cell) -> Result<Self, String> {
        match cell {
            Cell::Real(value) => Ok(*value),
            // SQLite keeps a whole REAL as an integer when it can.
            Cell::Int(value) => Ok(*value as f64),
            other => Err(format!("expected a number, {}", found(other))),
        }
    }
}

impl FromCell for bool {
    fn from_cell(cell: &Cell) -> Result<Self, String> {
        match cell {
            Cell::Int(value) => Ok(*value != 0),
            other => Err(format!("expected a boolean, {}", found(other))),
        }
    }
}

impl FromCell for String {
    fn from_cell(cell: &Cell) -> Result<Self, String> {
        match cell {
            Cell::Text(value) => Ok(value.clone()),
            other => Err(format!("expected text, {}", found(other))),
        }
    }
}

impl FromCell for Vec<u8> {
    fn from_cell(cell: &Cell) -> Result<Self, String> {
        match cell {
            Cell::Blob(value) => Ok(value.clone()),
            other => Err(format!("expected a blob, {}", found(other))),
        }
    }
}

impl<T: FromCell> FromCell for Option<T> {
    fn from_cell(cell: &Cell) -> Result<Self, String> {
        match cell {
            Cell::Null => Ok(None),
            other => T::from_cell(other).map(Some),
        }
    }
}

/// A read-only connection to either backend.
pub(crate) enum ReadConn {
    /// A data directory's database file.
    Sqlite { conn: Connection, path: PathBuf },
    /// A PostgreSQL database.
    Postgres(Box<PgRead>),
}

/// A PostgreSQL connection with its prepared statements (keyed by the
/// statement as written for SQLite), so a server pays the planning round
/// trip once per statement and connection.
pub(crate) struct PgRead {
    client: RefCell<Client>,
    url: String,
    statements: RefCell<HashMap<String, Statement>>,
}

impl std::fmt::Debug for ReadConn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReadConn::Sqlite { path, .. } => f.debug_struct("Sqlite").field("path", path).finish(),
            ReadConn::Postgres(pg) => f
                .debug_struct("Postgres")
                .field("url", &redacted(&pg.url))
                .finish_non_exhaustive(),
        }
    }
}

impl ReadConn {
    /// Connects to the PostgreSQL database at `url` (creating the store's
    /// tables when it has none yet, as every PostgreSQL connection does).
    pub(crate) fn postgres(url: &str) -> Result<ReadConn, StoreError> {
        Ok(ReadConn::Postgres(Box::new(PgRead {
            client: RefCell::new(crate::pg::connect(url)?),
            url: url.to_string(),
            statements: RefCell::new(HashMap::new()),
        })))
    }

    /// Whether this is a PostgreSQL database.
    pub(crate) fn is_postgres(&self) -> bool {
        matches!(self, ReadConn::Postgres(_))
    }

    /// Where the store is: the database file, or the URL without its
    /// password.
    pub(crate) fn location(&self) -> PathBuf {
        match self {
            ReadConn::Sqlite { path, .. } => path.clone(),
            ReadConn::Postgres(pg) => PathBuf::from(redacted(&pg.url)),
        }
    }

    /// The PostgreSQL client and the database's URL, when this is a
    /// PostgreSQL store (for reads outside the store's own tables).
    pub(crate) fn postgres_client(&self) -> Option<(std::cell::RefMut<'_, Client>, &str)> {
        match self {
            ReadConn::Sqlite { .. } => None,
            ReadConn::Postgres(pg) => Some((pg.client.borrow_mut(), &pg.url)),
        }
    }

    /// The SQLite connection and its file, when this is a data directory.
    pub(crate) fn sqlite(&self) -> Option<(&Connection, &Path)> {
        match self {
            ReadConn::Sqlite { conn, path } => Some((conn, path)),
            ReadConn::Postgres(_) => None,
        }
    }

    /// Runs `sql` (SQLite's dialect, see [`to_postgres`]) with `values`
    /// and maps every row; `context` says what was being read, in errors.
    pub(crate) fn rows<T>(
        &self,
        sql: &str,
        values: &[SqlValue],
        context: &'static str,
        mut map: impl FnMut(&Cells) -> Result<T, CellError>,
    ) -> Result<Vec<T>, StoreError> {
        let column_error = |error: CellError| StoreError::Column {
            location: self.location().display().to_string(),
            context,
            column: error.column,
            detail: error.detail,
        };
        match self {
            ReadConn::Sqlite { conn, path } => {
                let mut statement = conn
                    .prepare_cached(sql)
                    .map_err(StoreError::sqlite(path, context))?;
                let columns = statement.column_count();
                let mut rows = statement
                    .query(params_from_iter(values.iter()))
                    .map_err(StoreError::sqlite(path, context))?;
                let mut out = Vec::new();
                while let Some(row) = rows.next().map_err(StoreError::sqlite(path, context))? {
                    let mut cells = Vec::with_capacity(columns);
                    for index in 0..columns {
                        let value = row
                            .get_ref(index)
                            .map_err(StoreError::sqlite(path, context))?;
                        cells.push(match value {
                            ValueRef::Null => Cell::Null,
                            ValueRef::Integer(n) => Cell::Int(n),
                            ValueRef::Real(x) => Cell::Real(x),
                            ValueRef::Text(t) => Cell::Text(String::from_utf8_lossy(t).into()),
                            ValueRef::Blob(b) => Cell::Blob(b.to_vec()),
                        });
                    }
                    out.push(map(&Cells(cells)).map_err(column_error)?);
                }
                Ok(out)
            }
            ReadConn::Postgres(pg) => {
                let fail = |e| Failed::at(context)(e).into_error(&pg.url);
                let mut client = pg.client.borrow_mut();
                let statement = {
                    let mut statements = pg.statements.borrow_mut();
                    match statements.get(sql) {
                        Some(statement) => statement.clone(),
                        None => {
                            let prepared = client.prepare(&to_postgres(sql)).map_err(fail)?;
                            statements.insert(sql.to_string(), prepared.clone());
                            prepared
                        }
                    }
                };
                let owned: Vec<Box<dyn ToSql + Sync>> = values.iter().map(pg_value).collect();
                let params: Vec<&(dyn ToSql + Sync)> = owned.iter().map(|v| v.as_ref()).collect();
                let rows = client.query(&statement, &params).map_err(fail)?;
                let mut out = Vec::with_capacity(rows.len());
                for row in &rows {
                    let cells = pg_cells(row).map_err(|e| match e {
                        PgCellError::Db(e) => fail(e),
                        PgCellError::Type(error) => column_error(error),
                    })?;
                    out.push(map(&cells).map_err(column_error)?);
                }
                Ok(out)
            }
        }
    }
}

/// A bound value as PostgreSQL takes it.
fn pg_value(value: &SqlValue) -> Box<dyn ToSql + Sync> {
    match value {
        SqlValue::Null => Box::new(None::<String>),
        SqlValue::Integer(n) => Box::new(*n),
        SqlValue::Real(x) => Box::new(*x),
        SqlValue::Text(t) => Box::new(t.clone()),
        SqlValue::Blob(b) => Box::new(b.clone()),
    }
}

enum PgCellError {
    Db(postgres::Error),
    Type(CellError),
}

/// A PostgreSQL row as [`Cells`], by the type of each column.
fn pg_cells(row: &postgres::Row) -> Result<Cells, PgCellError> {
    let mut cells = Vec::with_capacity(row.len());
    for (index, column) in row.columns().iter().enumerate() {
        let ty = column.type_();
        let cell = if *ty == Type::INT8 {
            row.try_get::<_, Option<i64>>(index)
                .map(|v| v.map(Cell::Int))
        } else if *ty == Type::INT4 {
            row.try_get::<_, Option<i32>>(index)
                .map(|v| v.map(|n| Cell::Int(n.into())))
        } else if *ty == Type::INT2 {
            row.try_get::<_, Option<i16>>(index)
                .map(|v| v.map(|n| Cell::Int(n.into())))
        } else if *ty == Type::BOOL {
            row.try_get::<_, Option<bool>>(index)
                .map(|v| v.map(|b| Cell::Int(b.into())))
        } else if *ty == Type::FLOAT8 {
            row.try_get::<_, Option<f64>>(index)
                .map(|v| v.map(Cell::Real))
        } else if *ty == Type::FLOAT4 {
            row.try_get::<_, Option<f32>>(index)
                .map(|v| v.map(|x| Cell::Real(x.into())))
        } else if [Type::TEXT, Type::VARCHAR, Type::BPCHAR, Type::NAME].contains(ty) {
            row.try_get::<_, Option<String>>(index)
                .map(|v| v.map(Cell::Text))
        } else if *ty == Type::BYTEA {
            row.try_get::<_, Option<Vec<u8>>>(index)
                .map(|v| v.map(Cell::Blob))
        } else {
            return Err(PgCellError::Type(CellError {
                column: index,
                detail: format!("PostgreSQL type {ty} is not read by the store (a bug)"),
            }));
        };
        cells.push(cell.map_err(PgCellError::Db)?.unwrap_or(Cell::Null));
    }
    Ok(Cells(cells))
}

/// Fragments written for SQLite and what PostgreSQL reads instead: a JSON
/// list of article ids bound as text, and a JSON array column read as
/// rows of its strings.
const FRAGMENTS: &[(&str, &str)] = &[
    (
        "SELECT value FROM json_each(?1)",
        "SELECT value::bigint FROM json_array_elements_text(CAST(?1 AS text)::json)",
    ),
    (
        "SELECT value FROM json_each(?2)",
        "SELECT value::bigint FROM json_array_elements_text(CAST(?2 AS text)::json)",
    ),
    (
        "SELECT value FROM json_each(?)",
        "SELECT value::bigint FROM json_array_elements_text(CAST(? AS text)::json)",
    ),
    (
        "json_each(e.aliases) alias",
        "json_array_elements_text(e.aliases::json) AS alias(value)",
    ),
];

/// A statement written for SQLite in PostgreSQL's dialect: the fragments
/// of [`FRAGMENTS`] replaced, `LIKE` as `ILIKE` (SQLite's `LIKE` ignores
/// the case of ASCII letters), and placeholders numbered as SQLite numbers
/// them (`?N` is parameter N; a bare `?` is one more than the largest
/// number before it) written `$N`. Text in quotes is left as it is.
pub(crate) fn to_postgres(sql: &str) -> String {
    let mut sql = sql.to_string();
    for (sqlite, postgres) in FRAGMENTS {
        sql = sql.replace(sqlite, postgres);
    }
    let sql = sql.replace(" LIKE ", " ILIKE ");
    let mut out = String::with_capacity(sql.len() + 16);
    let mut largest = 0u32;
    let mut quoted = false;
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                quoted = !quoted;
                out.push(c);
            }
            '?' if !quoted => {
                let mut digits = String::new();
                while let Some(d) = chars.peek().filter(|d| d.is_ascii_digit()) {
                    digits.push(*d);
                    chars.next();
                }
                let number = digits.parse().unwrap_or(largest + 1);
                largest = largest.max(number);
                out.push('$');
                out.push_str(&number.to_string());
            }
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_numbered_as_sqlite_numbers_them() {
        assert_eq!(
            to_postgres("SELECT 1 WHERE a = ? AND b = ?1 AND c = ? AND d LIKE '?%' ESCAPE '\\'"),
            "SELECT 1 WHERE a = $1 AND b = $1 AND c = $2 AND d ILIKE '?%' ESCAPE '\\'"
        );
        assert_eq!(
            to_postgres("x = ?2 AND y = ? AND z = ?1"),
            "x = $2 AND y = $3 AND z = $1"
        );
    }

    #[test]
    fn id_lists_are_read_from_json_in_both_dialects() {
        assert_eq!(
            to_postgres("a.id IN (SELECT value FROM json_each(?))"),
            "a.id IN (SELECT value::bigint FROM json_array_elements_text(CAST($1 AS text)::json))"
        );
    }

    #[test]
    fn cells_read_as_the_types_asked_for() {
        let row = Cells(vec![
            Cell::Int(3),
            Cell::Null,
            Cell::Text("x".into()),
            Cell::Real(1.5),
        ]);
        assert_eq!(row.get::<i64>(0), Ok(3));
        assert_eq!(row.get::<bool>(0), Ok(true));
        assert_eq!(row.get::<f64>(0), Ok(3.0));
        assert_eq!(row.get::<Option<String>>(1), Ok(None));
        assert_eq!(row.get::<String>(2), Ok("x".to_string()));
        assert_eq!(row.get::<f64>(3), Ok(1.5));
        assert!(row.get::<i64>(2).is_err());
        assert!(row.get::<String>(1).is_err());
        assert!(row.get::<i64>(9).is_err());
    }
}
