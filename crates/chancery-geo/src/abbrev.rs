//! Abbreviations of US states and Canadian provinces as news writes them
//! ("Lexington, Ky.", "Victoria, B.C."): the AP stylebook's forms and
//! Canada Post's traditional ones, with their GeoNames ADM1 codes (US
//! postal codes; Canada's numbered codes). Facts, written for this project.

/// (abbreviation as written, ISO alpha-2 country, GeoNames ADM1 code).
const ABBREVIATIONS: &[(&str, &str, &str)] = &[
    ("Ala.", "US", "AL"),
    ("Ariz.", "US", "AZ"),
    ("Ark.", "US", "AR"),
    ("Calif.", "US", "CA"),
    ("Colo.", "US", "CO"),
    ("Conn.", "US", "CT"),
    ("Del.", "US", "DE"),
    ("Fla.", "US", "FL"),
    ("Ga.", "US", "GA"),
    ("Ill.", "US", "IL"),
    ("Ind.", "US", "IN"),
    ("Kan.", "US", "KS"),
    ("Kans.", "US", "KS"),
    ("Ky.", "US", "KY"),
    ("La.", "US", "LA"),
    ("Md.", "US", "MD"),
    ("Mass.", "US", "MA"),
    ("Mich.", "US", "MI"),
    ("Minn.", "US", "MN"),
    ("Miss.", "US", "MS"),
    ("Mo.", "US", "MO"),
    ("Mont.", "US", "MT"),
    ("Neb.", "US", "NE"),
    ("Nev.", "US", "NV"),
    ("N.H.", "US", "NH"),
    ("N.J.", "US", "NJ"),
    ("N.M.", "US", "NM"),
    ("N.Y.", "US", "NY"),
    ("N.C.", "US", "NC"),
    ("N.D.", "US", "ND"),
    ("Okla.", "US", "OK"),
    ("Ore.", "US", "OR"),
    ("Pa.", "US", "PA"),
    ("R.I.", "US", "RI"),
    ("S.C.", "US", "SC"),
    ("S.D.", "US", "SD"),
    ("Tenn.", "US", "TN"),
    ("Vt.", "US", "VT"),
    ("Va.", "US", "VA"),
    ("Wash.", "US", "WA"),
    ("W.Va.", "US", "WV"),
    ("W. Va.", "US", "WV"),
    ("Wis.", "US", "WI"),
    ("Wyo.", "US", "WY"),
    ("D.C.", "US", "DC"),
    ("Alta.", "CA", "01"),
    ("B.C.", "CA", "02"),
    ("Man.", "CA", "03"),
    ("N.B.", "CA", "04"),
    ("Nfld.", "CA", "05"),
    ("N.L.", "CA", "05"),
    ("N.S.", "CA", "07"),
    ("Ont.", "CA", "08"),
    ("P.E.I.", "CA", "09"),
    ("Que.", "CA", "10"),
    ("Sask.", "CA", "11"),
    ("N.W.T.", "CA", "13"),
    ("NSW", "AU", "02"),
    ("Qld", "AU", "04"),
];

/// The division an abbreviation names, when `text` starts with one
/// (followed by the end or a character that is no letter): its country,
/// ADM1 code and length in bytes.
pub fn abbreviation(text: &str) -> Option<(&'static str, &'static str, usize)> {
    ABBREVIATIONS.iter().find_map(|&(abbr, country, code)| {
        let rest = text.strip_prefix(abbr)?;
        (!rest.starts_with(char::is_alphabetic)).then_some((country, code, abbr.len()))
    })
}

/// The division a whole mention names, when it is an abbreviation; the
/// period may have been left out of the mention ("Ky" of "Ky.").
pub fn abbreviation_exact(surface: &str) -> Option<(&'static str, &'static str)> {
    ABBREVIATIONS.iter().find_map(|&(abbr, country, code)| {
        (surface == abbr || abbr.strip_suffix('.') == Some(surface)).then_some((country, code))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn abbreviations_stop_at_words() {
        assert_eq!(abbreviation("Ky., police said"), Some(("US", "KY", 3)));
        assert_eq!(abbreviation("Kyiv"), None);
        assert_eq!(abbreviation_exact("B.C."), Some(("CA", "02")));
        assert_eq!(abbreviation_exact("Ont"), Some(("CA", "08")));
    }
}
