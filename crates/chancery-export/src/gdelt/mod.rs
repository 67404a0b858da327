//! GDELT 2.0: the Event and Mentions tables (`events.rs`) and the Global
//! Knowledge Graph 2.1 (`gkg.rs`), tab-separated as GDELT publishes them.

mod columns;
mod events;
mod geo;
mod gkg;
pub(crate) mod goldstein;

use std::io::Write;

pub use columns::{EVENT_COLUMNS, GKG_COLUMNS, MENTION_COLUMNS};
pub(crate) use events::{event_day, event_day_of, gdelt_actor};
pub use events::{event_id, EventTable, GdeltEvents, MergeKey};
pub use gkg::Gkg;
pub(crate) use goldstein::goldstein;

use crate::ExportError;

/// Writes tab-separated rows: one record a line, no quoting, as GDELT does.
/// A field can never break its row: tabs and line breaks in it become spaces.
#[derive(Debug)]
pub(crate) struct Tsv<W: Write> {
    out: W,
    width: usize,
    line: String,
}

impl<W: Write> Tsv<W> {
    /// A writer of rows `columns.len()` wide, with the column names as a
    /// first line when `header` is set.
    pub(crate) fn new(out: W, columns: &[&str], header: bool) -> Result<Tsv<W>, ExportError> {
        let mut tsv = Tsv {
            out,
            width: columns.len(),
            line: String::new(),
        };
        if header {
            tsv.row(columns.iter().copied())?;
        }
        Ok(tsv)
    }

    /// Writes one row; a row of the wrong width is a bug, caught here.
    pub(crate) fn row<'a>(
        &mut self,
        fields: impl IntoIterator<Item = &'a str>,
    ) -> Result<(), ExportError> {
        self.line.clear();
        let mut width = 0;
        for field in fields {
            if width > 0 {
                self.line.push('\t');
            }
            width += 1;
            if field.contains(['\t', '\n', '\r']) {
                self.line
                    .extend(field.chars().map(|c| if c.is_control() { ' ' } else { c }));
            } else {
                self.line.push_str(field);
            }
        }
        if width != self.width {
            return Err(ExportError::Inconsistent {
                problem: format!("a row of {width} fields in a table of {}", self.width),
            });
        }
        self.line.push('\n');
        self.out.write_all(self.line.as_bytes())?;
        Ok(())
    }

    /// The writer, flushed.
    pub(crate) fn finish(mut self) -> Result<W, ExportError> {
        self.out.flush()?;
        Ok(self.out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // The codebooks' names, written out here rather than derived, so that a
    // change to the lists above fails this test.
    const EVENTS: &str = "GLOBALEVENTID SQLDATE MonthYear Year FractionDate \
        Actor1Code Actor1Name Actor1CountryCode Actor1KnownGroupCode Actor1EthnicCode \
        Actor1Religion1Code Actor1Religion2Code Actor1Type1Code Actor1Type2Code Actor1Type3Code \
        Actor2Code Actor2Name Actor2CountryCode Actor2KnownGroupCode Actor2EthnicCode \
        Actor2Religion1Code Actor2Religion2Code Actor2Type1Code Actor2Type2Code Actor2Type3Code \
        IsRootEvent EventCode EventBaseCode EventRootCode QuadClass GoldsteinScale \
        NumMentions NumSources NumArticles AvgTone \
        Actor1Geo_Type Actor1Geo_FullName Actor1Geo_CountryCode Actor1Geo_ADM1Code \
        Actor1Geo_ADM2Code Actor1Geo_Lat Actor1Geo_Long Actor1Geo_FeatureID \
        Actor2Geo_Type Actor2Geo_FullName Actor2Geo_CountryCode Actor2Geo_ADM1Code \
        Actor2Geo_ADM2Code Actor2Geo_Lat Actor2Geo_Long Actor2Geo_FeatureID \
        ActionGeo_Type ActionGeo_FullName ActionGeo_CountryCode ActionGeo_ADM1Code \
        ActionGeo_ADM2Code ActionGeo_Lat ActionGeo_Long ActionGeo_FeatureID \
        DATEADDED SOURCEURL";
    const MENTIONS: &str = "GLOBALEVENTID EventTimeDate MentionTimeDate MentionType \
        MentionSourceName MentionIdentifier SentenceID Actor1CharOffset Actor2CharOffset \
        ActionCharOffset InRawText Confidence MentionDocLen MentionDocTone \
        MentionDocTranslationInfo Extras";
    const GKG: &str = "GKGRECORDID V2.1DATE V2SOURCECOLLECTIONIDENTIFIER V2SOURCECOMMONNAME \
        V2DOCUMENTIDENTIFIER V1COUNTS V2.1COUNTS V1THEMES V2ENHANCEDTHEMES V1LOCATIONS \
        V2ENHANCEDLOCATIONS V1PERSONS V2ENHANCEDPERSONS V1ORGANIZATIONS \
        V2ENHANCEDORGANIZATIONS V1.5TONE V2.1ENHANCEDDATES V2GCAM V2.1SHARINGIMAGE \
        V2.1RELATEDIMAGES V2.1SOCIALIMAGEEMBEDS V2.1SOCIALVIDEOEMBEDS V2.1QUOTATIONS \
        V2.1ALLNAMES V2.1AMOUNTS V2.1TRANSLATIONINFO V2EXTRASXML";

    #[test]
    fn column_lists_are_the_codebooks() {
        let words = |s: &str| s.split_whitespace().map(String::from).collect::<Vec<_>>();
        assert_eq!(EVENT_COLUMNS.to_vec(), words(EVENTS));
        assert_eq!(EVENT_COLUMNS.len(), 61);
        assert_eq!(MENTION_COLUMNS.to_vec(), words(MENTIONS));
        assert_eq!(MENTION_COLUMNS.len(), 16);
        assert_eq!(GKG_COLUMNS.to_vec(), words(GKG));
        assert_eq!(GKG_COLUMNS.len(), 27);
    }

    #[test]
    fn fields_cannot_break_a_row() {
        let mut tsv = Tsv::new(Vec::new(), &["a", "b"], true).unwrap();
        tsv.row(["x\ty", "line\nbreak"]).unwrap();
        assert!(tsv.row(["only one"]).is_err());
        let out = String::from_utf8(tsv.finish().unwrap()).unwrap();
        assert_eq!(out, "a\tb\nx y\tline break\n");
    }
}
