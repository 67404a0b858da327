//! The analysis JSON contract, one article a line, exactly as stored.

use std::io::Write;

use crate::ExportError;

/// Writes stored analyses as JSON Lines without re-serializing them.
#[derive(Debug)]
pub struct JsonLines<W: Write> {
    out: W,
    rows: u64,
}

impl<W: Write> JsonLines<W> {
    /// A writer to `out`.
    pub fn new(out: W) -> JsonLines<W> {
        JsonLines { out, rows: 0 }
    }

    /// Writes one stored analysis. Compact JSON holds no raw line breaks, so
    /// each analysis stays one line; one that does is refused.
    pub fn push(&mut self, json: &str) -> Result<(), ExportError> {
        let json = json.trim();
        if json.contains('\n') {
            return Err(ExportError::Inconsistent {
                problem: "a stored analysis spans several lines".into(),
            });
        }
        self.out.write_all(json.as_bytes())?;
        self.out.write_all(b"\n")?;
        self.rows += 1;
        Ok(())
    }

    /// The writer, flushed, with the number of lines written.
    pub fn finish(mut self) -> Result<(W, u64), ExportError> {
        self.out.flush()?;
        Ok((self.out, self.rows))
    }
}
