//! CAMEO actor codes as GDELT writes them: the knowledge base's CAMEO actor
//! table (`crates/chancery-nlp/kb/cameo_actors.tsv`: the IGOs, NGOs and
//! militant groups of the CAMEO actor codebook with their codes), CAMEO
//! country codes (`chancery_model::cameo_country`: Romania's ROM, not ROU),
//! and an actor code read into GDELT's columns: country, known group,
//! ethnic, two religions and three types.

use std::collections::HashMap;
use std::sync::OnceLock;

const ACTORS: &str = include_str!("../../chancery-nlp/kb/cameo_actors.tsv");

/// CAMEO's role and sector codes (GDELT's `Type` columns): a three-letter
/// part of an actor code that is one of these is a type. `REL` (religious)
/// and `PTY` (party) are roles chancery's knowledge base uses.
const TYPES: &[&str] = &[
    "AGR", "BUS", "COP", "CRM", "CVL", "DEV", "EDU", "ELI", "ENV", "GOV", "HLH", "HRI", "IGO",
    "IMG", "INS", "INT", "JUD", "LAB", "LEG", "MED", "MIL", "MNC", "MOD", "NGM", "NGO", "OPP",
    "PKO", "PTY", "RAD", "REB", "REF", "REL", "SEP", "SET", "SPY", "UAF", "UIS",
];

/// CAMEO's religion codes (GDELT's `Religion1Code`/`Religion2Code`).
const RELIGIONS: &[&str] = &[
    "ADR", "ALE", "ATH", "BAH", "BUD", "CHR", "CON", "CPT", "CTH", "DOX", "DRZ", "HIN", "HSD",
    "ITR", "JAN", "JEW", "JHW", "LDS", "MOS", "MAZ", "MRN", "NRM", "ORT", "PAG", "PRO", "SFI",
    "SHI", "SHN", "SIK", "SUN", "TAO", "UDX", "ZRO",
];

/// CAMEO's ethnic codes for groups news names without a country (the
/// codebook's examples; ethnic codes are rare in codes chancery builds).
const ETHNIC: &[&str] = &["ABN", "KUR", "PAS", "ROH", "UIG", "BLQ", "TAM", "TUA"];

/// CAMEO's international region codes, which stand where a country would.
const REGIONS: &[&str] = &[
    "AFR", "ASA", "BLK", "CRB", "CAU", "CFR", "CAS", "CEU", "EIN", "EAF", "EEU", "EUR", "LAM",
    "MEA", "MDT", "NAF", "NMR", "PGS", "SCN", "SAM", "SAS", "SEA", "SAF", "WAF", "WST",
];

/// The tables, parsed once.
#[derive(Debug)]
struct Tables {
    /// Lower-cased name or alias → full actor code.
    actors: HashMap<String, &'static str>,
    /// The known-group codes: the last part of each table code.
    groups: Vec<&'static str>,
}

fn rows(table: &'static str) -> impl Iterator<Item = Vec<&'static str>> {
    table
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .skip(1)
        .map(|l| l.split('\t').map(str::trim).collect())
}

fn tables() -> &'static Tables {
    static TABLES: OnceLock<Tables> = OnceLock::new();
    TABLES.get_or_init(|| {
        let mut actors = HashMap::new();
        let mut groups = Vec::new();
        for row in rows(ACTORS) {
            let [name, aliases, code] = row[..] else {
                continue;
            };
            for alias in std::iter::once(name).chain(aliases.split('|')) {
                if !alias.is_empty() {
                    actors.entry(alias.to_lowercase()).or_insert(code);
                }
            }
            if let Some(last) = code.get(code.len().saturating_sub(3)..) {
                if !TYPES.contains(&last) && !groups.contains(&last) {
                    groups.push(last);
                }
            }
        }
        Tables { actors, groups }
    })
}

/// The CAMEO actor code of a named international actor ("United Nations",
/// "NATO"), from the knowledge base's CAMEO actor table.
pub(crate) fn named_actor(name: &str) -> Option<&'static str> {
    tables().actors.get(&name.trim().to_lowercase()).copied()
}

pub(crate) use chancery_model::{cameo_country as country, iso_country as iso};

/// An actor code with its country part in CAMEO's spelling (`ROUGOV` →
/// `ROMGOV`).
pub(crate) fn cameo_code(code: &str) -> String {
    match code.get(..3) {
        Some(head) if code.is_char_boundary(3) => format!("{}{}", country(head), &code[3..]),
        _ => code.to_string(),
    }
}

/// An actor code read in three-letter parts, as GDELT's columns hold it.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct CodeParts {
    /// CAMEO country or region code.
    pub country: Option<String>,
    /// Known group (the most specific: `IGOUNOHCR` → `HCR`).
    pub group: Option<String>,
    /// Ethnic code.
    pub ethnic: Option<String>,
    /// Up to two religion codes.
    pub religions: Vec<String>,
    /// Up to three type codes, in order.
    pub types: Vec<String>,
}

/// Reads an actor code into its parts. A leading part that is no type,
/// religion, ethnic or known-group code is the country; a region code is
/// the country wherever it stands (`IGOWSTNAT` → `WST`).
pub(crate) fn parts(code: &str) -> CodeParts {
    let mut parts = CodeParts::default();
    if code.is_empty() || !code.is_ascii() || !code.len().is_multiple_of(3) {
        return parts;
    }
    let groups = &tables().groups;
    for (i, part) in code.as_bytes().chunks(3).enumerate() {
        let part = std::str::from_utf8(part).unwrap_or_default();
        if TYPES.contains(&part) {
            if parts.types.len() < 3 {
                parts.types.push(part.to_string());
            }
        } else if RELIGIONS.contains(&part) {
            if parts.religions.len() < 2 {
                parts.religions.push(part.to_string());
            }
        } else if REGIONS.contains(&part) && parts.country.is_none() {
            parts.country = Some(part.to_string());
        } else if i == 0 && !groups.contains(&part) && !ETHNIC.contains(&part) {
            parts.country = Some(country(part).to_string());
        } else if ETHNIC.contains(&part) {
            parts.ethnic.get_or_insert_with(|| part.to_string());
        } else if i > 0 || groups.contains(&part) {
            // The last known group is the most specific.
            parts.group = Some(part.to_string());
        }
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn international_actors_have_their_codebook_codes() {
        assert_eq!(named_actor("United Nations"), Some("IGOUNO"));
        assert_eq!(named_actor("UN"), Some("IGOUNO"));
        assert_eq!(named_actor("european union"), Some("IGOEEC"));
        assert_eq!(named_actor("NATO"), Some("IGOWSTNAT"));
        assert_eq!(named_actor("OSCE"), Some("IGOSCE"));
        assert_eq!(named_actor("IMF"), Some("IGOIMF"));
        assert_eq!(named_actor("WTO"), Some("IGOWTO"));
        assert_eq!(named_actor("OPEC"), Some("IGOOPC"));
        assert_eq!(named_actor("Amnesty International"), Some("NGOAMN"));
        assert_eq!(named_actor("Six Nations"), None);
    }

    #[test]
    fn every_table_code_reads_into_parts() {
        for row in rows(ACTORS) {
            let code = row[2];
            let p = parts(code);
            assert!(p.group.is_some(), "{code}: {p:?} has no known group");
            assert!(p.ethnic.is_none(), "{code}: {p:?}");
        }
    }

    #[test]
    fn codes_break_into_gdelts_columns() {
        assert_eq!(
            parts("IRNGOV"),
            CodeParts {
                country: Some("IRN".into()),
                types: vec!["GOV".into()],
                ..CodeParts::default()
            }
        );
        let un = parts("IGOUNOHCR");
        assert_eq!((un.country, un.group.as_deref()), (None, Some("HCR")));
        assert_eq!(un.types, ["IGO"]);
        let nato = parts("IGOWSTNAT");
        assert_eq!(nato.country.as_deref(), Some("WST"));
        assert_eq!(nato.group.as_deref(), Some("NAT"));
        let qaeda = parts("IMGMOSALQ");
        assert_eq!(qaeda.religions, ["MOS"]);
        assert_eq!(qaeda.group.as_deref(), Some("ALQ"));
        assert_eq!(parts("ROUGOV").country.as_deref(), Some("ROM"));
        assert_eq!(parts("USAMILREB").types, ["MIL", "REB"]);
        // REL is a role, never a known group.
        assert_eq!(parts("ZAFREL").group, None);
        assert_eq!(parts("ODD1"), CodeParts::default());
    }

    #[test]
    fn countries_use_cameos_spelling() {
        assert_eq!(country("ROU"), "ROM");
        assert_eq!(country("TLS"), "TMP");
        assert_eq!(country("IRN"), "IRN");
        assert_eq!(cameo_code("ROUGOV"), "ROMGOV");
        assert_eq!(iso("ROM"), "ROU");
        assert_eq!(iso("FRA"), "FRA");
        assert_eq!(cameo_code("IGOUNO"), "IGOUNO");
    }
}
