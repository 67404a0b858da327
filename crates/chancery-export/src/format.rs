//! The formats an export writes.

use std::fmt;
use std::str::FromStr;

use crate::ExportError;

/// An export format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// GDELT 2.0 Event table: one TSV row per merged event.
    GdeltEvents,
    /// GDELT 2.0 Mentions table: one TSV row per event per article.
    GdeltMentions,
    /// GDELT Global Knowledge Graph 2.1: one TSV row per article.
    GdeltGkg,
    /// PLOVER-style event records, JSON Lines.
    Plover,
    /// The analysis JSON contract, one article a line.
    Jsonl,
    /// A folder of CSV tables.
    Csv,
    /// A folder of Parquet tables.
    Parquet,
}

impl Format {
    /// Every format, in the order help lists them.
    pub const ALL: [Format; 7] = [
        Format::GdeltEvents,
        Format::GdeltMentions,
        Format::GdeltGkg,
        Format::Plover,
        Format::Jsonl,
        Format::Csv,
        Format::Parquet,
    ];

    /// The name users type.
    pub fn name(self) -> &'static str {
        match self {
            Format::GdeltEvents => "gdelt-events",
            Format::GdeltMentions => "gdelt-mentions",
            Format::GdeltGkg => "gdelt-gkg",
            Format::Plover => "plover",
            Format::Jsonl => "jsonl",
            Format::Csv => "csv",
            Format::Parquet => "parquet",
        }
    }

    /// True for the formats that write a folder of files (one per table)
    /// rather than one file or stream.
    pub fn is_folder(self) -> bool {
        matches!(self, Format::Csv | Format::Parquet)
    }

    /// True for the formats built from events in merge order rather than
    /// from articles in id order.
    pub fn is_merged_events(self) -> bool {
        matches!(self, Format::GdeltEvents | Format::GdeltMentions)
    }

    /// Whether this build can write the format (Parquet needs the `parquet`
    /// cargo feature).
    pub fn is_built(self) -> bool {
        self != Format::Parquet || cfg!(feature = "parquet")
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Format {
    type Err = ExportError;

    fn from_str(name: &str) -> Result<Format, ExportError> {
        let wanted = name.trim().to_ascii_lowercase();
        let format = Format::ALL
            .into_iter()
            .find(|f| f.name() == wanted)
            .ok_or_else(|| ExportError::UnknownFormat {
                name: name.to_string(),
                known: Format::ALL.map(Format::name).join(", "),
            })?;
        if !format.is_built() {
            return Err(ExportError::NotBuilt {
                name: format.name(),
            });
        }
        Ok(format)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_unknown_names_list_the_known() {
        for format in Format::ALL.into_iter().filter(|f| f.is_built()) {
            assert_eq!(format.name().parse::<Format>().unwrap(), format);
        }
        let err = "gdelt".parse::<Format>().unwrap_err().to_string();
        assert!(err.contains("gdelt-events, gdelt-mentions"), "{err}");
    }
}
