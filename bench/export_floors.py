"""The floors of issue 14 on an exported corpus: prints, for the GDELT and PLOVER
files in DIR (events.tsv, mentions.tsv, gkg.tsv, plover.jsonl, as
`chancery export` writes them without a header), the rows without an actor
code, empty date columns, DATEADDED off the 15-minute grid, ids at or above
2^53, Goldstein values that differ from GDELT's table, articles with words but
no tone, the known groups and CAMEO country codes written, and the PLOVER
records outside the manual's fields and vocabulary.

With --floor, exits 1 naming each floor of issue 14 the files break (every
count above must be zero: rows without an actor code, empty dates, DATEADDED
off the grid, ids at or above 2^53, Goldstein values unequal to GDELT's,
empty tones, SentenceID 0, source names with a path, GKG dates 0, V1 names not
lower-cased, PLOVER records outside the manual's fields and vocabulary, with
no actor, or with no recipient where the manual requires one).

Usage: python3 bench/export_floors.py DIR [CAMEO.goldsteinscale.txt] [--floor]
"""

import collections
import json
import re
import sys
from pathlib import Path

EVENTS = ("GLOBALEVENTID SQLDATE MonthYear Year FractionDate " + " ".join(
    f"Actor{i}{c}" for i in (1, 2) for c in ("Code", "Name", "CountryCode", "KnownGroupCode",
                                              "EthnicCode", "Religion1Code", "Religion2Code",
                                              "Type1Code", "Type2Code", "Type3Code")) +
          " IsRootEvent EventCode EventBaseCode EventRootCode QuadClass GoldsteinScale "
          "NumMentions NumSources NumArticles AvgTone " + " ".join(
              f"{p}Geo_{c}" for p in ("Actor1", "Actor2", "Action")
              for c in ("Type", "FullName", "CountryCode", "ADM1Code", "ADM2Code", "Lat", "Long",
                        "FeatureID")) + " DATEADDED SOURCEURL").split()
PLOVER_FIELDS = set("""id has_event date time enddate endtime actor recipient event event_loc
    event_text quad_code event_scale mode context link text text_info cite_info coder coded_date
    coded_time comment chancery""".split())
PLOVER_EVENTS = set("""AGREE CONSULT SUPPORT CONCEDE COOPERATE AID RETREAT REQUEST ACCUSE REJECT
    THREATEN PROTEST SANCTION MOBILIZE COERCE ASSAULT""".split())
# The categories whose section of the manual says "Requires recipient: Yes".
NEEDS_RECIPIENT = {"COOPERATE", "AID", "SANCTION"}
# Each floor's count, filled as main() prints them; all must be zero.
BROKEN = {}


def floor(name, count):
    """Records a count that the issue's floors want at zero; returns it."""
    BROKEN[name] = count
    return count


def rows(path):
    return [line.rstrip("\n").split("\t") for line in open(path, encoding="utf-8")]


def main(args):
    folder = Path(args[0])
    events = [dict(zip(EVENTS, r)) for r in rows(folder / "events.tsv")]
    print(f"event rows: {len(events)}")
    print(f"  without an actor code: {floor('event rows without an actor code', sum(1 for e in events if not e['Actor1Code'] and not e['Actor2Code']))}")
    dates = ("SQLDATE", "MonthYear", "Year", "FractionDate", "DATEADDED")
    print(f"  with an empty date column: {floor('event rows with an empty date column', sum(1 for e in events if any(not e[d] for d in dates)))}")
    print(f"  DATEADDED off the 15-minute grid: {floor('DATEADDED off the 15-minute grid', sum(1 for e in events if int(e['DATEADDED']) % 10000 % 1500))}")
    print(f"  GLOBALEVENTID >= 2^53: {floor('GLOBALEVENTID >= 2^53', sum(1 for e in events if int(e['GLOBALEVENTID']) >= 2**53))}")
    print(f"  AvgTone empty: {floor('AvgTone empty', sum(1 for e in events if not e['AvgTone']))}")
    if len(args) > 1:
        table = {}
        for line in open(args[1], encoding="utf-8").read().splitlines()[1:]:
            code, value = line.split("\t")
            table[code] = float(value)
        off = [e["EventCode"] for e in events if float(e["GoldsteinScale"]) != table.get(e["EventCode"], float(e["GoldsteinScale"]))]
        unknown = sum(1 for e in events if e["EventCode"] not in table)
        print(f"  GoldsteinScale unequal to GDELT's table: {floor('GoldsteinScale unequal to GDELT', len(off))} (codes GDELT lacks: {floor('EventCode GDELT lacks', unknown)})")
    actors = [(e[f"Actor{i}Code"], e[f"Actor{i}CountryCode"], e[f"Actor{i}KnownGroupCode"],
               e[f"Actor{i}Type1Code"], e[f"Actor{i}Religion1Code"]) for e in events for i in (1, 2)
              if e[f"Actor{i}Code"]]
    print(f"  actors: {len(actors)}; bare IGO codes: {sum(1 for a in actors if a[0] == 'IGO')}")
    groups = collections.Counter(a[2] for a in actors if a[2])
    print(f"  known groups: {dict(groups.most_common(12))}")
    print(f"  with a religion code: {sum(1 for a in actors if a[4])}; "
          f"CAMEO-only country codes: {dict(collections.Counter(a[1] for a in actors if a[1] in ('ROM', 'TMP', 'KSV')))}; "
          f"ISO-only codes left: {dict(collections.Counter(a[1] for a in actors if a[1] in ('ROU', 'TLS', 'XKX')))}")
    mentions = rows(folder / "mentions.tsv")
    print(f"mention rows: {len(mentions)}; "
          f"SentenceID 0: {floor('Mentions SentenceID 0', sum(1 for m in mentions if m[6] == '0'))}; "
          f"source names with a '/': {floor('MentionSourceName with a path', sum(1 for m in mentions if '/' in m[4]))}; "
          f"MentionDocTone empty: {floor('MentionDocTone empty', sum(1 for m in mentions if not m[13]))}")
    gkg = rows(folder / "gkg.tsv")
    worded = [g for g in gkg if g[17] != "wc:0"]
    print(f"GKG rows: {len(gkg)}; "
          f"with words but no tone: {floor('GKG rows with words but no V1.5TONE', sum(1 for g in worded if not g[15]))}; "
          f"DATE 0 or empty: {floor('GKG DATE 0 or empty', sum(1 for g in gkg if g[1] in ('', '0')))}; "
          f"V1PERSONS not lower-case: {floor('V1PERSONS not lower-cased', sum(1 for g in gkg if g[11] != g[11].lower()))}; "
          f"V1ORGANIZATIONS not lower-case: {floor('V1ORGANIZATIONS not lower-cased', sum(1 for g in gkg if g[13] != g[13].lower()))}")
    # Exact decimals: no binary-float residue such as 8199999999.999999.
    amounts = [a.split(",")[0] for g in gkg for a in g[24].split(";") if a]
    residue = sum(1 for a in amounts if re.search(r"\.\d*(9{5}|0{5})\d?$|e[+-]", a))
    print(f"  amounts: {len(amounts)}; with float residue: {floor('V2.1AMOUNTS with float residue', residue)}")
    tones = [float(g[15].split(",")[0]) for g in worded if g[15]]
    if tones:
        tones.sort()
        print(f"  document tone: median {tones[len(tones) // 2]:.2f}, "
              f"negative {100 * sum(t < 0 for t in tones) / len(tones):.1f}%, "
              f"positive {100 * sum(t > 0 for t in tones) / len(tones):.1f}%")
    plover = [json.loads(line) for line in open(folder / "plover.jsonl", encoding="utf-8")]
    bad = [p for p in plover if set(p) - PLOVER_FIELDS or not set(p["event"]) <= PLOVER_EVENTS
           or not isinstance(p["actor"], list) or not p.get("date")]
    no_actor = sum(1 for p in plover if not p["actor"])
    no_recipient = sum(1 for p in plover if set(p["event"]) & NEEDS_RECIPIENT and not p.get("recipient"))
    print(f"PLOVER records: {len(plover)}; "
          f"outside the manual's fields or events: {floor('PLOVER records outside the manual', len(bad))}; "
          f"no actor: {floor('PLOVER records with no actor', no_actor)}; "
          f"no recipient where required: {floor('PLOVER records with no required recipient', no_recipient)}; "
          f"events: {dict(collections.Counter(e for p in plover for e in p['event']).most_common(6))}")
    print(f"  date from: {dict(collections.Counter(p['chancery']['date_basis'] for p in plover))}")


if __name__ == "__main__":
    arguments = [a for a in sys.argv[1:] if a != "--floor"]
    main(arguments)
    if "--floor" in sys.argv[1:]:
        broken = {name: count for name, count in BROKEN.items() if count}
        for name, count in broken.items():
            print(f"floor broken: {name}: {count} (must be 0)", file=sys.stderr)
        if broken:
            sys.exit(1)
        print(f"export floors: all {len(BROKEN)} counts are 0")
