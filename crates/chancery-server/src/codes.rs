//! The country and actor codes parameters accept: the ones chancery
//! knows, from the knowledge base compiled into chancery-nlp (its
//! countries, its CAMEO actor table and CAMEO's role codes). A well-formed
//! code nothing can match (`XXX`) is refused, not answered with nothing.
//!
//! Codes are read in any case and answered in upper case; a country in
//! CAMEO's spelling (`ROM`) is read as its ISO code (`ROU`), the code the
//! store keeps.

use std::collections::BTreeSet;
use std::sync::OnceLock;

use chancery_model::{iso_country, CAMEO_COUNTRIES};
use chancery_nlp::kb::{cameo_actor_codes, KnowledgeBase, CAMEO_ROLES};

/// Where a client finds the codes, for an error message to point to.
pub(crate) const POINTER: &str = "/api/openapi.json, components.schemas";

/// CAMEO's codes for actors that are not one country, which lead actor
/// codes as a country does (`IGOUNO`, `NGOHRI`): international
/// governmental, militarized, business and non-governmental actors and
/// unidentified state actors.
const INTERNATIONAL: &[&str] = &["IGO", "IMG", "MNC", "NGM", "NGO", "UIS"];

/// The codes, gathered once.
struct Known {
    /// Country codes accepted: the knowledge base's ISO codes and CAMEO's
    /// spellings of them.
    countries: BTreeSet<&'static str>,
    /// What an actor code may start with: a country, an international
    /// code, a role (an actor of no known country), or the first part of a
    /// code of the CAMEO actor table.
    leads: BTreeSet<&'static str>,
    /// What may follow the lead: roles and the later parts of the actor
    /// table's codes (`UNO`, `HCR`, `WST`, `NAT`, `MOS`, `ALQ`).
    parts: BTreeSet<&'static str>,
}

fn known() -> &'static Known {
    static KNOWN: OnceLock<Known> = OnceLock::new();
    KNOWN.get_or_init(|| {
        let kb = KnowledgeBase::builtin();
        let mut countries: BTreeSet<&'static str> =
            kb.countries.iter().map(|c| c.code.as_str()).collect();
        for (iso, cameo) in CAMEO_COUNTRIES {
            if countries.contains(iso) {
                countries.insert(cameo);
            }
        }
        let mut leads = countries.clone();
        leads.extend(INTERNATIONAL);
        leads.extend(CAMEO_ROLES);
        let mut parts: BTreeSet<&'static str> = CAMEO_ROLES.iter().copied().collect();
        for code in cameo_actor_codes() {
            for (i, part) in three_letter_parts(code).into_iter().flatten().enumerate() {
                if i == 0 {
                    leads.insert(part);
                } else {
                    parts.insert(part);
                }
            }
        }
        Known {
            countries,
            leads,
            parts,
        }
    })
}

/// A code cut into three-letter parts; `None` unless it is ASCII letters
/// in threes.
fn three_letter_parts(code: &str) -> Option<Vec<&str>> {
    let letters = !code.is_empty() && code.bytes().all(|b| b.is_ascii_alphabetic());
    (letters && code.len().is_multiple_of(3)).then(|| {
        (0..code.len())
            .step_by(3)
            .map(|i| &code[i..i + 3])
            .collect()
    })
}

/// A country code chancery knows, as the store keeps it (`irn` → `IRN`,
/// `ROM` → `ROU`).
pub(crate) fn country(value: &str) -> Option<String> {
    let upper = value.to_ascii_uppercase();
    known()
        .countries
        .contains(upper.as_str())
        .then(|| iso_country(&upper).to_string())
}

/// A code an actor code may start with: a country (as [`country`] reads
/// it), an international code or a role.
pub(crate) fn lead(value: &str) -> Option<String> {
    country(value).or_else(|| {
        let upper = value.to_ascii_uppercase();
        known().leads.contains(upper.as_str()).then_some(upper)
    })
}

/// A CAMEO actor code (or its prefix) made of codes chancery knows: a
/// [`lead`] and up to four roles or groups.
pub(crate) fn actor(value: &str) -> Option<String> {
    let parts = three_letter_parts(value)?;
    let (first, rest) = parts.split_first()?;
    if rest.len() > 4 {
        return None;
    }
    let mut code = lead(first)?;
    for part in rest {
        let upper = part.to_ascii_uppercase();
        if !known().parts.contains(upper.as_str()) {
            return None;
        }
        code.push_str(&upper);
    }
    Some(code)
}

/// A reference to one of the schemas [`schemas`] writes.
#[cfg(test)]
pub(crate) fn reference(name: &str) -> serde_json::Value {
    serde_json::json!({ "$ref": format!("#/components/schemas/{name}") })
}

/// The schemas the OpenAPI document states for the codes: each a pattern
/// listing every code accepted (letters in any case), with the rule in
/// words.
#[cfg(test)]
pub(crate) fn schemas() -> serde_json::Value {
    use serde_json::json;
    fn any_case(codes: &BTreeSet<&str>) -> String {
        let alternatives: Vec<String> = codes
            .iter()
            .map(|code| {
                code.chars()
                    .map(|c| format!("[{}{}]", c, c.to_ascii_lowercase()))
                    .collect()
            })
            .collect();
        format!("(?:{})", alternatives.join("|"))
    }
    let known = known();
    let countries = any_case(&known.countries);
    let leads = any_case(&known.leads);
    let parts = any_case(&known.parts);
    const LEAD: &str = "a country (as Country), one of CAMEO's international codes \
        (IGO, IMG, MNC, NGM, NGO, UIS), a role code for an actor of no known country (REB), \
        or the first part of a code of chancery's CAMEO actor table";
    json!({
        "Country": {
            "type": "string",
            "description": "The ISO 3166-1 alpha-3 code of a country chancery knows (IRN), \
                in any case; CAMEO's spellings ROM, TMP and KSV are read as ROU, TLS and XKX. \
                Any other code is refused with a 400.",
            "pattern": format!("^{countries}$"),
        },
        "Lead": {
            "type": "string",
            "description": format!("What an actor code starts with: {LEAD}. Any other code \
                is refused with a 400."),
            "pattern": format!("^{leads}$"),
        },
        "CountryPair": {
            "type": "string",
            "description": "Two codes an actor code starts with (as Lead), separated by a \
                comma (IRN,RUS). Any other code is refused with a 400.",
            "pattern": format!("^{leads},{leads}$"),
        },
        "ActorCode": {
            "type": "string",
            "description": format!("A CAMEO actor code or its prefix, in three-letter parts \
                chancery knows: first {LEAD}; then up to four CAMEO role codes (GOV, MIL, REB, \
                COP, JUD, LEG, OPP, PTY, BUS, MED, LAB, CVL, REF, CRM, UAF, IGO, NGO…) or later \
                parts of the actor table's codes (UNO, HCR, WST, NAT…): IRNGOV, IGOUNOHCR. Any \
                other code is refused with a 400."),
            "pattern": format!("^{leads}{parts}{{0,4}}$"),
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_codes_are_read_in_upper_case_and_iso_spelling() {
        assert_eq!(country("irn").as_deref(), Some("IRN"));
        assert_eq!(country("ROM").as_deref(), Some("ROU"));
        assert_eq!(country("KSV").as_deref(), Some("XKX"));
        assert_eq!(country("XXX"), None);
        assert_eq!(country("IGO"), None);
        assert_eq!(country("IRNGOV"), None);
        assert_eq!(lead("igo").as_deref(), Some("IGO"));
        assert_eq!(lead("REB").as_deref(), Some("REB"));
        assert_eq!(lead("ZZZ"), None);
        for (code, read) in [
            ("IRN", "IRN"),
            ("irngov", "IRNGOV"),
            ("ROMGOV", "ROUGOV"),
            ("IGOUNOHCR", "IGOUNOHCR"),
            ("IGOWSTNAT", "IGOWSTNAT"),
            ("IMGMOSALQ", "IMGMOSALQ"),
            ("USAMILREB", "USAMILREB"),
            ("REB", "REB"),
            ("IRNGOVMILREBOPP", "IRNGOVMILREBOPP"),
        ] {
            assert_eq!(actor(code).as_deref(), Some(read), "{code}");
        }
        for code in [
            "ZZZ",
            "XXXGOV",
            "IRNXXX",
            "IRNIRN",
            "IR",
            "IRNG",
            "IRNGOVMILREBOPPCVL",
            "",
            "ÉÉÉ",
        ] {
            assert_eq!(actor(code), None, "{code}");
        }
    }

    #[test]
    fn every_code_of_the_actor_table_is_accepted() {
        for code in cameo_actor_codes() {
            assert_eq!(actor(code).as_deref(), Some(*code));
        }
        for country in &KnowledgeBase::builtin().countries {
            assert_eq!(lead(&country.code).as_deref(), Some(country.code.as_str()));
        }
    }

    #[test]
    fn the_patterns_say_what_the_rules_do() {
        let schemas = schemas();
        let pattern =
            |name: &str| regex::Regex::new(schemas[name]["pattern"].as_str().unwrap()).unwrap();
        let (countries, pair, actors) = (
            pattern("Country"),
            pattern("CountryPair"),
            pattern("ActorCode"),
        );
        for value in ["IRN", "irn", "Rom", "XXX", "IGO", "IRNGOV", ""] {
            assert_eq!(
                countries.is_match(value),
                country(value).is_some(),
                "{value}"
            );
        }
        for value in ["IRN,RUS", "igo,irn", "IRN,XXX", "IRN", "IRN,RUS,POL"] {
            let rule = value
                .split_once(',')
                .is_some_and(|(a, b)| lead(a).is_some() && lead(b).is_some());
            assert_eq!(pair.is_match(value), rule, "{value}");
        }
        for value in [
            "IRNGOV",
            "igounohcr",
            "ZZZ",
            "IRNXXX",
            "IRNGOVMILREBOPP",
            "IRNGOVMILREBOPPCVL",
        ] {
            assert_eq!(actors.is_match(value), actor(value).is_some(), "{value}");
        }
    }
}
