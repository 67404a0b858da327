//! Writing results to stdout: JSON objects or lines, where a closed pipe
//! (`chancery analyze … | head`) ends the run quietly.

use std::io::{self, Write};

use serde::Serialize;

/// Writes one value as a JSON object (pretty or compact) followed by a newline.
pub fn write_json<W: Write, T: Serialize>(
    out: &mut W,
    value: &T,
    pretty: bool,
) -> anyhow::Result<()> {
    if pretty {
        serde_json::to_writer_pretty(&mut *out, value)?;
    } else {
        serde_json::to_writer(&mut *out, value)?;
    }
    out.write_all(b"\n")?;
    Ok(())
}

/// True when the error chain is a write to a closed pipe.
pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<io::Error>()
            .is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe)
            || cause
                .downcast_ref::<serde_json::Error>()
                .is_some_and(|e| e.io_error_kind() == Some(io::ErrorKind::BrokenPipe))
    })
}
