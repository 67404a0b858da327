//! The gazetteer: GeoNames countries, first-level divisions, populated
//! places of at least 1,000 people and continents, compiled in as a
//! gzipped table (`data/gazetteer.tsv.gz`, rebuilt by
//! `scripts/build_gazetteer.py`) and indexed by normalized name on first use.

use std::collections::HashMap;

use rustc_hash::FxHashMap;
use std::io::Read;
use std::sync::OnceLock;

use chancery_model::Geo;

use crate::GeoError;

/// What kind of feature a row is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// A continent.
    Continent,
    /// A country or territory with an ISO code.
    Country,
    /// A first-level administrative division (a US state, a province).
    Adm1,
    /// A populated place.
    Place,
}

/// One gazetteer feature.
#[derive(Debug, Clone, PartialEq)]
pub struct Feature {
    /// What it is.
    pub kind: Kind,
    /// GeoNames id; 0 when the table has none (a few divisions).
    pub geonames_id: u64,
    /// GeoNames feature code.
    pub code: String,
    /// Its name.
    pub name: String,
    /// Latitude in degrees.
    pub lat: f64,
    /// Longitude in degrees.
    pub lon: f64,
    /// Population (0 when unknown).
    pub population: u64,
    /// ISO alpha-2 country code (empty for continents).
    pub country: String,
    /// GeoNames ADM1 code within the country (empty when none).
    pub adm1: String,
}

/// Codes of a country row.
#[derive(Debug, Clone, PartialEq)]
pub struct CountryCodes {
    /// ISO alpha-3.
    pub iso3: String,
    /// FIPS 10-4.
    pub fips: String,
    /// Index of the country's feature.
    pub feature: usize,
}

/// The gazetteer with its name index.
#[derive(Debug)]
pub struct Gazetteer {
    features: Vec<Feature>,
    /// Normalized name to feature indexes; `true` marks the feature's own
    /// name, `false` an alternate name.
    names: FxHashMap<String, Vec<(u32, bool)>>,
    /// ISO alpha-2 to country codes.
    countries: HashMap<String, CountryCodes>,
    /// ISO alpha-3 to ISO alpha-2.
    iso3: HashMap<String, String>,
    /// (ISO alpha-2, ADM1 code) to the division's feature.
    adm1: HashMap<(String, String), usize>,
    /// The longest name in words, which bounds phrase look-ups.
    longest_name_words: usize,
}

const BUILTIN: &[u8] = include_bytes!("../data/gazetteer.tsv.gz");

/// The compiled-in gazetteer once read.
static SHARED: OnceLock<Gazetteer> = OnceLock::new();

impl Gazetteer {
    /// Whether [`Gazetteer::builtin`] has been read: a caller can then use
    /// it without waiting.
    pub fn builtin_is_loaded() -> bool {
        SHARED.get().is_some()
    }

    /// The compiled-in gazetteer, read once per process.
    pub fn builtin() -> &'static Gazetteer {
        SHARED.get_or_init(|| {
            // Sized once from the gzip trailer rather than grown by doubling,
            // which copied the table again at each step and touched twice
            // the memory.
            let mut text = String::with_capacity(gzip_size(BUILTIN));
            flate2::read::GzDecoder::new(BUILTIN)
                .read_to_string(&mut text)
                .expect("the compiled-in gazetteer is valid gzip (checked by a unit test)");
            Gazetteer::parse(&text)
                .expect("the compiled-in gazetteer parses (checked by a unit test)")
        })
    }

    /// Reads a table in the format `scripts/build_gazetteer.py` writes.
    pub fn parse(text: &str) -> Result<Gazetteer, GeoError> {
        // About two names a row: sized once rather than grown by doubling.
        // The keys are the table's own names, so a fast hash (not one
        // hardened against chosen keys) is safe and loads the table faster.
        let rows = text.bytes().filter(|&b| b == b'\n').count();
        let mut g = Gazetteer {
            features: Vec::with_capacity(rows),
            names: FxHashMap::with_capacity_and_hasher(rows * 2, Default::default()),
            countries: HashMap::new(),
            iso3: HashMap::new(),
            adm1: HashMap::new(),
            longest_name_words: 1,
        };
        for (i, line) in text.lines().enumerate() {
            if line.starts_with('#') || line.is_empty() {
                continue;
            }
            let bad = |problem: &str| GeoError::Table {
                line: i + 1,
                problem: problem.to_string(),
            };
            // The columns read (no row has more), without a vector per row.
            let mut cols = [""; 12];
            let mut count = 0;
            for (slot, col) in cols.iter_mut().zip(line.split('\t')) {
                *slot = col;
                count += 1;
            }
            if count < 10 {
                return Err(bad("expected at least 10 tab-separated columns"));
            }
            let kind = match cols[0] {
                "L" => Kind::Continent,
                "C" => Kind::Country,
                "A" => Kind::Adm1,
                "P" => Kind::Place,
                _ => return Err(bad("kind must be L, C, A or P")),
            };
            let number = |s: &str, what: &str| {
                s.parse::<f64>()
                    .map_err(|_| bad(&format!("{what} is not a number")))
            };
            let feature = Feature {
                kind,
                geonames_id: cols[1].parse().map_err(|_| bad("bad geonameid"))?,
                code: cols[2].to_string(),
                name: cols[3].to_string(),
                lat: number(cols[5], "latitude")?,
                lon: number(cols[6], "longitude")?,
                population: cols[7].parse().map_err(|_| bad("bad population"))?,
                country: cols[8].to_string(),
                adm1: cols[9].to_string(),
            };
            let index = g.features.len();
            match kind {
                Kind::Country => {
                    if count < 12 {
                        return Err(bad("a country row needs ISO alpha-3 and FIPS columns"));
                    }
                    g.iso3.insert(cols[10].to_string(), feature.country.clone());
                    g.countries.insert(
                        feature.country.clone(),
                        CountryCodes {
                            iso3: cols[10].to_string(),
                            fips: cols[11].to_string(),
                            feature: index,
                        },
                    );
                }
                Kind::Adm1 => {
                    g.adm1
                        .insert((feature.country.clone(), feature.adm1.clone()), index);
                }
                _ => {}
            }
            g.add_name(&feature.name, index, true);
            for alt in cols[4].split('|').filter(|a| !a.is_empty()) {
                g.add_name(alt, index, false);
            }
            g.features.push(feature);
        }
        Ok(g)
    }

    fn add_name(&mut self, name: &str, index: usize, primary: bool) {
        let key = normalize(name);
        if key.is_empty() {
            return;
        }
        self.longest_name_words = self.longest_name_words.max(key.split(' ').count());
        let entry = self.names.entry(key).or_default();
        match entry.iter_mut().find(|(i, _)| *i as usize == index) {
            Some(e) => e.1 |= primary,
            None => entry.push((index as u32, primary)),
        }
    }

    /// Features named `name` (any case, accents and periods ignored), with
    /// whether it is the feature's own name.
    pub fn lookup(&self, name: &str) -> impl Iterator<Item = (usize, &Feature, bool)> + '_ {
        self.lookup_key(&normalize(name))
    }

    /// Features under a key already [`normalize`]d.
    pub fn lookup_key(&self, key: &str) -> impl Iterator<Item = (usize, &Feature, bool)> + '_ {
        self.names
            .get(key)
            .map_or(&[][..], Vec::as_slice)
            .iter()
            .map(|&(i, primary)| (i as usize, &self.features[i as usize], primary))
    }

    /// The feature at `index`.
    pub fn feature(&self, index: usize) -> &Feature {
        &self.features[index]
    }

    /// The country feature of an ISO alpha-3 code.
    pub fn country_by_iso3(&self, iso3: &str) -> Option<usize> {
        let iso2 = self.iso3.get(iso3)?;
        self.countries.get(iso2).map(|c| c.feature)
    }

    /// The codes of an ISO alpha-2 country.
    pub fn country_codes(&self, iso2: &str) -> Option<&CountryCodes> {
        self.countries.get(iso2)
    }

    /// The division feature of a country's ADM1 code.
    pub fn adm1(&self, iso2: &str, code: &str) -> Option<usize> {
        self.adm1
            .get(&(iso2.to_string(), code.to_string()))
            .copied()
    }

    /// The most words any name has.
    pub fn longest_name_words(&self) -> usize {
        self.longest_name_words
    }

    /// The feature as the JSON contract writes it.
    pub fn geo(&self, index: usize) -> Geo {
        let f = &self.features[index];
        let codes = self.countries.get(&f.country);
        let country_feature = codes.map(|c| &self.features[c.feature]);
        let fips = codes.map(|c| c.fips.clone()).filter(|f| !f.is_empty());
        let adm1_feature = (f.kind == Kind::Place || f.kind == Kind::Adm1)
            .then(|| self.adm1(&f.country, &f.adm1))
            .flatten()
            .map(|i| &self.features[i]);
        let adm1 = match (&fips, adm1_feature) {
            (Some(fips), Some(a)) => Some(format!("{fips}{}", a.adm1)),
            _ => None,
        };
        let adm1_name = adm1_feature.map(|a| a.name.clone());
        let us = f.country == "US";
        let geo_type = match f.kind {
            Kind::Continent => 0,
            Kind::Country => 1,
            Kind::Adm1 if us => 2,
            Kind::Adm1 => 5,
            Kind::Place if us => 3,
            Kind::Place => 4,
        };
        let mut parts = vec![f.name.as_str()];
        if f.kind == Kind::Place {
            if let Some(a) = adm1_feature {
                parts.push(&a.name);
            }
        }
        if matches!(f.kind, Kind::Place | Kind::Adm1) {
            if let Some(c) = country_feature {
                parts.push(&c.name);
            }
        }
        let feature_id = match f.kind {
            Kind::Country => fips.clone().unwrap_or_else(|| f.country.clone()),
            Kind::Adm1 => adm1.clone().unwrap_or_default(),
            _ => f.geonames_id.to_string(),
        };
        Geo {
            geonames_id: (f.geonames_id != 0).then_some(f.geonames_id),
            name: f.name.clone(),
            full_name: parts.join(", "),
            feature_class: match f.kind {
                Kind::Continent => "L",
                Kind::Country | Kind::Adm1 => "A",
                Kind::Place => "P",
            }
            .to_string(),
            feature_code: f.code.clone(),
            lat: f.lat,
            lon: f.lon,
            country: codes.map(|c| c.iso3.clone()),
            country_fips: fips,
            adm1,
            adm1_name,
            geo_type,
            feature_id,
        }
    }
}

/// A name's look-up key: lower-case, Latin accents folded, periods dropped,
/// hyphens and runs of spaces as one space, "st" read as "saint".
pub fn normalize(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars() {
        match c {
            '.' | '\u{2019}' | '\'' => {}
            '-' | ' ' | '\u{2010}' | '\u{2013}' => {
                if !out.is_empty() && !out.ends_with(' ') {
                    out.push(' ');
                }
            }
            // Most names are ASCII, which needs neither case tables nor folding.
            c if c.is_ascii() => out.push(c.to_ascii_lowercase()),
            c => {
                for l in c.to_lowercase() {
                    out.push(fold(l));
                }
            }
        }
    }
    let trimmed = out.trim_end();
    // Most names have no "St." to spell out: the key is made then.
    if !trimmed.split(' ').any(|word| word == "st" || word == "ste") {
        out.truncate(trimmed.len());
        return out;
    }
    let mut key = String::with_capacity(trimmed.len() + 4);
    for (i, word) in trimmed.split(' ').enumerate() {
        if i > 0 {
            key.push(' ');
        }
        key.push_str(if word == "st" || word == "ste" {
            "saint"
        } else {
            word
        });
    }
    key
}

/// The size a gzip member says its content has (ISIZE, the last four bytes:
/// the size modulo 2^32), which is only a hint: 0 for a stream too short to
/// have one, and at most 256 MiB, so a wrong trailer cannot reserve more.
fn gzip_size(gz: &[u8]) -> usize {
    let trailer = gz.len().checked_sub(4).map(|start| &gz[start..]);
    trailer
        .and_then(|bytes| bytes.try_into().ok())
        .map_or(0, |bytes: [u8; 4]| u32::from_le_bytes(bytes) as usize)
        .min(256 << 20)
}

/// A Latin letter without its accent (the common Western European and
/// Turkish ones; others stay as they are).
fn fold(c: char) -> char {
    match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' => 'a',
        'ç' | 'ć' | 'č' => 'c',
        'ď' | 'đ' => 'd',
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ė' | 'ę' | 'ě' => 'e',
        'ğ' => 'g',
        'ì' | 'í' | 'î' | 'ï' | 'ī' | 'ı' | 'İ' => 'i',
        'ł' => 'l',
        'ñ' | 'ń' | 'ň' => 'n',
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ő' => 'o',
        'ř' => 'r',
        'ś' | 'š' | 'ş' | 'ș' => 's',
        'ť' | 'ţ' | 'ț' => 't',
        'ù' | 'ú' | 'û' | 'ü' | 'ū' | 'ů' | 'ű' => 'u',
        'ý' | 'ÿ' => 'y',
        'ź' | 'ż' | 'ž' => 'z',
        c => c,
    }
}

/// Great-circle distance in kilometres (haversine, mean Earth radius).
pub fn distance_km(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> f64 {
    let (p1, p2) = (lat1.to_radians(), lat2.to_radians());
    let dp = p2 - p1;
    let dl = (lon2 - lon1).to_radians();
    let a = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    2.0 * 6371.0088 * a.sqrt().min(1.0).asin()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_table_loads_with_codes() {
        let g = Gazetteer::builtin();
        let turkey = g.country_by_iso3("TUR").expect("Turkey");
        let geo = g.geo(turkey);
        assert_eq!(geo.country_fips.as_deref(), Some("TU"));
        assert_eq!(geo.geo_type, 1);
        assert_eq!(geo.feature_id, "TU");
        let springfield = g
            .lookup("Springfield")
            .filter(|(_, f, _)| f.country == "US" && f.adm1 == "IL")
            .map(|(i, _, _)| i)
            .next()
            .expect("Springfield, Illinois");
        let geo = g.geo(springfield);
        assert_eq!(geo.full_name, "Springfield, Illinois, United States");
        assert_eq!(geo.adm1.as_deref(), Some("USIL"));
        assert_eq!(geo.geo_type, 3);
    }

    #[test]
    fn gzip_trailer_gives_the_content_size() {
        let mut text = String::new();
        flate2::read::GzDecoder::new(BUILTIN)
            .read_to_string(&mut text)
            .unwrap();
        assert_eq!(gzip_size(BUILTIN), text.len());
        assert_eq!(gzip_size(&[1, 2, 3]), 0);
        assert_eq!(gzip_size(&[0xff; 8]), 256 << 20);
    }

    #[test]
    fn names_normalize() {
        assert_eq!(normalize("St. Louis"), "saint louis");
        assert_eq!(normalize("Şanlıurfa"), "sanliurfa");
        assert_eq!(normalize("Winston-Salem"), "winston salem");
    }

    #[test]
    fn malformed_rows_name_their_line() {
        let err = Gazetteer::parse("# head\nP\t1\tPPL\tX\n").unwrap_err();
        assert!(err.to_string().contains("line 2"), "{err}");
        let err = Gazetteer::parse("P\t1\tPPL\tX\t\tnorth\t0\t0\tUS\t\n").unwrap_err();
        assert!(err.to_string().contains("latitude"), "{err}");
    }

    #[test]
    fn distances() {
        // Paris to London, about 344 km.
        let d = distance_km(48.8534, 2.3488, 51.5085, -0.1257);
        assert!((d - 343.5).abs() < 2.0, "{d}");
    }
}
