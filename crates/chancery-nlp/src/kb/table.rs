//! Reading the knowledge base's tab-separated tables.
//!
//! Lines starting with `#` are comments; the first other line is a header
//! naming the columns; each row has exactly as many tab-separated fields;
//! multi-valued fields separate values with `|`.

use crate::NlpError;

/// One parsed table: the header and its rows.
pub(crate) struct Table<'a> {
    name: &'a str,
    header: Vec<&'a str>,
    rows: Vec<(usize, Vec<&'a str>)>,
}

/// One row, with access by column name.
pub(crate) struct Row<'t, 'a> {
    table: &'t Table<'a>,
    fields: &'t [&'a str],
}

impl<'a> Table<'a> {
    /// Parses `text`, checking that the header has every column in `required`.
    pub fn parse(name: &'a str, text: &'a str, required: &[&str]) -> Result<Table<'a>, NlpError> {
        let mut header = None;
        let mut rows = Vec::new();
        for (index, line) in text.lines().enumerate() {
            let line = line.trim_end_matches('\r');
            if line.starts_with('#') || line.trim().is_empty() {
                continue;
            }
            let fields: Vec<&str> = line.split('\t').map(str::trim).collect();
            match &header {
                None => header = Some(fields),
                Some(columns) => {
                    if fields.len() != columns.len() {
                        return Err(NlpError::Table {
                            table: name.to_string(),
                            line: index + 1,
                            problem: format!(
                                "{} fields where the header has {} (fields are separated by tabs)",
                                fields.len(),
                                columns.len()
                            ),
                        });
                    }
                    rows.push((index + 1, fields));
                }
            }
        }
        let header = header.ok_or_else(|| NlpError::Table {
            table: name.to_string(),
            line: 0,
            problem: "no header line".into(),
        })?;
        for column in required {
            if !header.contains(column) {
                return Err(NlpError::Table {
                    table: name.to_string(),
                    line: 0,
                    problem: format!("the header has no `{column}` column"),
                });
            }
        }
        Ok(Table { name, header, rows })
    }

    /// The rows with their 1-based line numbers.
    pub fn rows(&self) -> impl Iterator<Item = (usize, Row<'_, 'a>)> {
        self.rows.iter().map(move |(line, fields)| {
            (
                *line,
                Row {
                    table: self,
                    fields,
                },
            )
        })
    }

    /// An error about `line` of this table.
    pub fn error(&self, line: usize, problem: impl Into<String>) -> NlpError {
        NlpError::Table {
            table: self.name.to_string(),
            line,
            problem: problem.into(),
        }
    }
}

impl<'a> Row<'_, 'a> {
    /// The field of `column` ("" when the table has no such column).
    pub fn get(&self, column: &str) -> &'a str {
        self.table
            .header
            .iter()
            .position(|c| *c == column)
            .map_or("", |i| self.fields[i])
    }

    /// The field of `column`, or `None` when empty.
    pub fn optional(&self, column: &str) -> Option<String> {
        Some(self.get(column))
            .filter(|v| !v.is_empty())
            .map(str::to_string)
    }

    /// The values of a `|`-separated column.
    pub fn list(&self, column: &str) -> Vec<String> {
        self.get(column)
            .split('|')
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_string)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_rows_by_column() {
        let table = Table::parse("t", "# c\na\tb\n1\tx|y\n", &["a"]).unwrap();
        let (line, row) = table.rows().next().unwrap();
        assert_eq!(line, 3);
        assert_eq!(row.get("a"), "1");
        assert_eq!(row.list("b"), ["x", "y"]);
        assert_eq!(row.optional("zzz"), None);
    }

    #[test]
    fn reports_bad_rows_with_line_numbers() {
        let err = Table::parse("t.tsv", "a\tb\n1\n", &[])
            .err()
            .unwrap()
            .to_string();
        assert!(err.contains("t.tsv") && err.contains("line 2"), "{err}");
        assert!(Table::parse("t", "a\n", &["b"]).is_err());
    }
}
