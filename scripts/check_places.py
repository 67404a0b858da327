#!/usr/bin/env python3
"""Check a store's located events and places table against its analyses.

Recomputes, from the analysis JSON each article row keeps, where every
event happened and what the places table should hold (canonical articles;
a place counts for an article when a mention names it without metonymy or
one of its events happened there), independently of the Rust code that
wrote them, and fails on any difference. Run it on a fresh store, or on one
an older chancery wrote and this one upgraded (schema 3 to 4), to check the
backfill:

    chancery ingest --data /tmp/c crates/chancery/demo/articles.jsonl
    python3 scripts/check_places.py /tmp/c/chancery.db

Standard library only; the project never needs it to run.
"""
import json
import sqlite3
import sys

if len(sys.argv) != 2:
    sys.exit("usage: check_places.py DATA/chancery.db")
db = sys.argv[1]
c = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
print("user_version", c.execute("pragma user_version").fetchone()[0])
exp_events = {}
exp_places = {}
for aid, canonical, analysis in c.execute("select id, duplicate_of is null, analysis from articles order by id"):
    a = json.loads(analysis)
    places = {p["id"]: p for p in a.get("places", [])}
    n = len(a.get("events", []))
    ids = [r[0] for r in c.execute("select id from events where article=? order by id", (aid,))]
    assert len(ids) == n
    loc = [None] * n
    for ep in a.get("event_places", []):
        act = ep.get("action")
        if not act or ep["event"] >= n or loc[ep["event"]] is not None:
            continue
        p = places.get(act["place"])
        if p is None: continue
        g = p["geo"]
        if abs(g["lat"]) <= 90 and abs(g["lon"]) <= 180:
            loc[ep["event"]] = (g["feature_id"] or str(g["geonames_id"]), g["lat"], g["lon"], g["country"], act["basis"], p["id"])
    for eid, l in zip(ids, loc):
        exp_events[eid] = l[:5] if l else None
    if canonical:
        seen = {}
        for p in a.get("places", []):
            g = p["geo"]
            key = g["feature_id"] or (str(g["geonames_id"]) if g["geonames_id"] else None)
            if not key or not (abs(g["lat"]) <= 90 and abs(g["lon"]) <= 180): continue
            ev = sum(1 for l in loc if l and l[5] == p["id"])
            named = any(not m.get("metonymy", False) for m in p["mentions"])
            if not named and ev == 0: continue
            seen[key] = seen.get(key, 0) + ev
        for key, ev in seen.items():
            art, e = exp_places.get(key, (0, 0))
            exp_places[key] = (art + 1, e + ev)
got_events = {eid: ((pl, lat, lon, co, b) if lat is not None else None) for eid, pl, lat, lon, co, b in
              c.execute("select id, location_place, location_lat, location_lon, location_country, location_basis from events")}
got_places = {k: (a, e) for k, a, e in c.execute("select id, articles, events from places")}
print("events", len(got_events), "located", sum(1 for v in got_events.values() if v), "expected located", sum(1 for v in exp_events.values() if v))
print("places", len(got_places), "expected", len(exp_places))
assert got_events == exp_events, [(k, got_events[k], exp_events[k]) for k in got_events if got_events[k] != exp_events[k]][:5]
assert got_places == exp_places, [(k, got_places.get(k), exp_places.get(k)) for k in set(got_places) | set(exp_places) if got_places.get(k) != exp_places.get(k)][:5]
bases = {}
for v in got_events.values():
    if v: bases[v[4]] = bases.get(v[4], 0) + 1
print("bases", bases)
print("OK: backfill equals the independent recomputation")
