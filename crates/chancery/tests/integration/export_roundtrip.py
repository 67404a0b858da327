#!/usr/bin/env python3
"""Reads back what `chancery export` wrote for the fixture corpus
(fixtures/export/corpus.jsonl) with readers that share no code with chancery:
Python's standard library for TSV, JSON Lines and CSV, and pyarrow for
Parquet when --parquet is given. Checks column names and counts, types and
values; exits non-zero with a message on the first mismatch.

Usage: export_roundtrip.py DIR [--parquet]
DIR holds events.tsv, mentions.tsv, gkg.tsv, plover.jsonl, analyses.jsonl,
csv/ and (with --parquet) parquet/, as the integration test and .ci/run
write them.
"""

import csv
import json
import re
import sys
from pathlib import Path

# GDELT's column names, written out from the codebooks (not from chancery).
ACTOR = ("Code Name CountryCode KnownGroupCode EthnicCode Religion1Code "
         "Religion2Code Type1Code Type2Code Type3Code").split()
GEO = "Type FullName CountryCode ADM1Code ADM2Code Lat Long FeatureID".split()
EVENT_COLUMNS = (
    "GLOBALEVENTID SQLDATE MonthYear Year FractionDate".split()
    + ["Actor1" + a for a in ACTOR]
    + ["Actor2" + a for a in ACTOR]
    + ("IsRootEvent EventCode EventBaseCode EventRootCode QuadClass GoldsteinScale "
       "NumMentions NumSources NumArticles AvgTone").split()
    + [p + "Geo_" + g for p in ("Actor1", "Actor2", "Action") for g in GEO]
    + ["DATEADDED", "SOURCEURL"]
)
MENTION_COLUMNS = (
    "GLOBALEVENTID EventTimeDate MentionTimeDate MentionType MentionSourceName "
    "MentionIdentifier SentenceID Actor1CharOffset Actor2CharOffset ActionCharOffset "
    "InRawText Confidence MentionDocLen MentionDocTone MentionDocTranslationInfo Extras"
).split()
GKG_COLUMNS = (
    "GKGRECORDID V2.1DATE V2SOURCECOLLECTIONIDENTIFIER V2SOURCECOMMONNAME "
    "V2DOCUMENTIDENTIFIER V1COUNTS V2.1COUNTS V1THEMES V2ENHANCEDTHEMES V1LOCATIONS "
    "V2ENHANCEDLOCATIONS V1PERSONS V2ENHANCEDPERSONS V1ORGANIZATIONS "
    "V2ENHANCEDORGANIZATIONS V1.5TONE V2.1ENHANCEDDATES V2GCAM V2.1SHARINGIMAGE "
    "V2.1RELATEDIMAGES V2.1SOCIALIMAGEEMBEDS V2.1SOCIALVIDEOEMBEDS V2.1QUOTATIONS "
    "V2.1ALLNAMES V2.1AMOUNTS V2.1TRANSLATIONINFO V2EXTRASXML"
).split()
CONTRACT_KEYS = ("schema_version id title text paragraphs related flags sentences "
                 "entities quotes events summary key_points").split()
TABLES = ("articles", "entities", "mentions", "quotes", "events")
# The corpus has four articles, one a syndicated copy of the first: three
# are canonical, and the copy must never be counted.
CANONICAL = 3
COPY_URL = "https://syndicate.example.net/copy/energy-pact"
FIRST_URL = "https://www.example-news.org/world/2025/03/12/energy-pact"


# The PLOVER manual's record fields ("PLOVER JSON" table) and chancery's
# extension key, and its sixteen event categories.
PLOVER_FIELDS = set("""id has_event date time enddate endtime actor recipient event event_loc
    event_text quad_code event_scale mode context link text text_info cite_info coder coded_date
    coded_time comment chancery""".split())
PLOVER_EVENTS = set("""AGREE CONSULT SUPPORT CONCEDE COOPERATE AID RETREAT REQUEST ACCUSE REJECT
    THREATEN PROTEST SANCTION MOBILIZE COERCE ASSAULT""".split())
# The pact twice; Russia's criticism of "the deal" names no target actor and is
# no event, and the negated attack is not a record.
PLOVER_RECORDS = 2


def fail(message):
    print(f"export round trip: {message}", file=sys.stderr)
    sys.exit(1)


def check(condition, message):
    if not condition:
        fail(message)


def read_tsv(path, columns):
    with open(path, encoding="utf-8", newline="") as f:
        lines = f.read().split("\n")
    check(lines[-1] == "", f"{path}: the last row does not end with a newline")
    rows = [line.split("\t") for line in lines[:-1]]
    # GDELT's files have no header line, and neither have chancery's by default.
    check(rows and rows[0] != columns, f"{path}: a header line (GDELT's files have none)")
    for n, row in enumerate(rows, 1):
        check(len(row) == len(columns), f"{path} line {n}: {len(row)} fields, not {len(columns)}")
    return [dict(zip(columns, row)) for row in rows]


def is_float(value):
    return re.fullmatch(r"-?\d+(\.\d+)?", value) is not None


def is_int(value, low=None):
    if not re.fullmatch(r"-?\d+", value):
        return False
    return low is None or int(value) >= low


def check_events(folder):
    events = read_tsv(folder / "events.tsv", EVENT_COLUMNS)
    # The pact; "Russia criticised the deal" names no target actor, so it is
    # no event (an event needs an actor on both sides).
    check(len(events) == 1, f"events.tsv: {len(events)} events, expected 1 (the pact)")
    ids = [e["GLOBALEVENTID"] for e in events]
    check(all(is_int(i, 1) and int(i) < 2**53 for i in ids),
          "GLOBALEVENTID is not a positive integer below 2^53")
    check(len(set(ids)) == len(ids), "GLOBALEVENTID repeats")
    for e in events:
        code = e["EventCode"]
        check(re.fullmatch(r"\d{2,4}", code), f"EventCode {code!r} is not a CAMEO code string")
        check(e["EventBaseCode"] == code[:3] and e["EventRootCode"] == code[:2],
              f"base/root codes of {code} are {e['EventBaseCode']}/{e['EventRootCode']}")
        check(e["QuadClass"] in {"1", "2", "3", "4"}, f"QuadClass {e['QuadClass']!r}")
        check(-10 <= float(e["GoldsteinScale"]) <= 10, "GoldsteinScale out of range")
        check(re.fullmatch(r"\d{8}", e["SQLDATE"]), f"SQLDATE {e['SQLDATE']!r}")
        check(e["SQLDATE"].startswith(e["MonthYear"]) and e["MonthYear"].startswith(e["Year"]),
              "MonthYear and Year disagree with SQLDATE")
        float(e["FractionDate"])
        mentions, sources, articles = (int(e[k]) for k in ("NumMentions", "NumSources", "NumArticles"))
        check(mentions >= articles >= sources >= 1,
              "NumMentions/NumSources/NumArticles are not counts")
        check(re.fullmatch(r"\d{10}(00|15|30|45)00", e["DATEADDED"]),
              f"DATEADDED {e['DATEADDED']!r} is not on GDELT's 15-minute grid")
        check(e["Actor1Code"] or e["Actor2Code"], "an event without an actor code")
        check(is_float(e["AvgTone"]), f"AvgTone {e['AvgTone']!r}")
        check(e["SOURCEURL"] != COPY_URL, "the syndicated copy is a SOURCEURL")
        for prefix in ("Actor1", "Actor2", "Action"):
            check(e[prefix + "Geo_Type"] in {"0", "1", "2", "3", "4", "5"}, "a Geo_Type is not a type")
    pact = next(e for e in events if e["EventCode"] == "057")
    check((pact["Actor1Code"], pact["Actor2Code"]) == ("FRA", "DEU"), "the pact's actors")
    check((pact["Actor1Name"], pact["Actor2Name"]) == ("FRANCE", "GERMANY"), "the pact's actor names")
    # Told by two canonical articles; the copy is not counted.
    check((pact["NumArticles"], pact["NumSources"], pact["NumMentions"]) == ("2", "2", "2"),
          f"the pact counts {pact['NumArticles']}/{pact['NumSources']}/{pact['NumMentions']}, expected 2/2/2")
    check(pact["SQLDATE"] == "20250312" and pact["FractionDate"] == "2025.2795", "the pact's dates")
    check(pact["SOURCEURL"] == FIRST_URL, "the pact's SOURCEURL is not the first article's")
    check(pact["ActionGeo_FullName"] == "Berlin, Berlin, Germany", "the pact's ActionGeo_FullName")
    check((pact["ActionGeo_Type"], pact["ActionGeo_CountryCode"], pact["ActionGeo_ADM1Code"])
          == ("4", "GM", "GM16"), "the pact's ActionGeo codes")
    check(is_float(pact["ActionGeo_Lat"]) and is_float(pact["ActionGeo_Long"]), "the pact's coordinates")
    check(pact["GoldsteinScale"] == "8.0", f"the pact's Goldstein {pact['GoldsteinScale']}")
    return {e["GLOBALEVENTID"]: e for e in events}


def check_mentions(folder, events):
    mentions = read_tsv(folder / "mentions.tsv", MENTION_COLUMNS)
    # The pact told by two articles (the third is a near-duplicate copy).
    check(len(mentions) == 2, f"mentions.tsv: {len(mentions)} rows, expected 2")
    per_event = {}
    for m in mentions:
        check(m["GLOBALEVENTID"] in events, "a mention of an event that is not in events.tsv")
        per_event.setdefault(m["GLOBALEVENTID"], []).append(m)
        check(m["EventTimeDate"] == events[m["GLOBALEVENTID"]]["DATEADDED"],
              "EventTimeDate is not the event's DATEADDED")
        for key in ("SentenceID", "ActionCharOffset", "MentionDocLen"):
            check(is_int(m[key], 0), f"{key} {m[key]!r}")
        for key in ("Actor1CharOffset", "Actor2CharOffset"):
            check(is_int(m[key], -1), f"{key} {m[key]!r}")
        check(is_int(m["Confidence"], 0) and int(m["Confidence"]) <= 100, "Confidence")
        check(m["MentionType"] == "1", "MentionType of a web page")
        check(is_float(m["MentionDocTone"]), f"MentionDocTone {m['MentionDocTone']!r}")
        check("/" not in m["MentionSourceName"], f"MentionSourceName {m['MentionSourceName']!r}")
        check(m["MentionIdentifier"] != COPY_URL, "the syndicated copy is mentioned")
        check("<MODALITY>" in m["Extras"], "Extras lack the modality")
    for event_id, rows in per_event.items():
        check(len({r["MentionIdentifier"] for r in rows}) == int(events[event_id]["NumArticles"]),
              "mentions per event disagree with NumArticles")
    pact = next(i for i, e in events.items() if e["EventCode"] == "057")
    for m in per_event[pact]:
        # "France signed…": Actor1 at 0, the action at 7, in sentence 1.
        check((m["SentenceID"], m["Actor1CharOffset"], m["ActionCharOffset"]) == ("1", "0", "7"),
              f"pact mention offsets {m['SentenceID']}/{m['Actor1CharOffset']}/{m['ActionCharOffset']}")


def check_gkg(folder):
    rows = read_tsv(folder / "gkg.tsv", GKG_COLUMNS)
    check(len(rows) == CANONICAL, f"gkg.tsv: {len(rows)} rows, expected {CANONICAL}")
    for r in rows:
        check(re.fullmatch(r"\d{14}-\d+", r["GKGRECORDID"]), f"GKGRECORDID {r['GKGRECORDID']!r}")
        check(re.fullmatch(r"\d{14}", r["V2.1DATE"]), f"V2.1DATE {r['V2.1DATE']!r}")
        tone = r["V1.5TONE"].split(",")
        check(len(tone) == 7 and all(is_float(t) for t in tone) and is_int(tone[6], 1),
              f"V1.5TONE {r['V1.5TONE']!r}")
        [float(t) for t in tone]  # the usual split-then-float idiom
        check(abs(float(tone[0]) - (float(tone[1]) - float(tone[2]))) < 1e-5,
              "tone is not positive minus negative")
        check(r["V1PERSONS"] == r["V1PERSONS"].lower(), "V1PERSONS is not lower-cased")
        check(r["V1ORGANIZATIONS"] == r["V1ORGANIZATIONS"].lower(),
              "V1ORGANIZATIONS is not lower-cased")
        check(r["V2GCAM"] == f"wc:{tone[6]}", "V2GCAM's wc is not the word count")
        for block in filter(None, r["V2.1QUOTATIONS"].split("#")):
            parts = block.split("|")
            check(len(parts) == 4 and is_int(parts[0], 0) and int(parts[1]) == len(parts[3]),
                  f"quotation block {block!r}")
        for block in filter(None, r["V2ENHANCEDPERSONS"].split(";")):
            name, offset = block.rsplit(",", 1)
            check(name and is_int(offset, 0), f"person block {block!r}")
        for block in filter(None, r["V2ENHANCEDLOCATIONS"].split(";")):
            check(len(block.split("#")) == 9, f"location block {block!r}")
        for block in filter(None, r["V2.1AMOUNTS"].split(";")):
            amount, _, offset = block.split(",")
            float(amount)
            check(is_int(offset, 0), f"amount block {block!r}")
        check(r["V2DOCUMENTIDENTIFIER"] != COPY_URL, "the syndicated copy has a GKG row")
    first = next(r for r in rows if r["V2DOCUMENTIDENTIFIER"] == FIRST_URL)
    check(first["V1PERSONS"] == "emmanuel macron", f"V1PERSONS {first['V1PERSONS']!r}")
    check(first["V2.1AMOUNTS"] == "4000,megawatts,186;2000000000,dollars,224",
          f"V2.1AMOUNTS {first['V2.1AMOUNTS']!r}")
    check("<SPEAKER>Emmanuel Macron</SPEAKER>" in first["V2EXTRASXML"], "the quotation's speaker")
    chile = next(r for r in rows if "harbour-times" in r["V2DOCUMENTIDENTIFIER"])
    check("gabriel boric" in chile["V1PERSONS"], "Chile's president is not a person")
    check("1200,workers" in chile["V2.1AMOUNTS"], f"Chile's amounts {chile['V2.1AMOUNTS']!r}")


def check_json_lines(folder, events):
    analyses = [json.loads(line) for line in open(folder / "analyses.jsonl", encoding="utf-8")]
    check(len(analyses) == CANONICAL, f"analyses.jsonl: {len(analyses)} articles")
    for a in analyses:
        missing = [k for k in CONTRACT_KEYS if k not in a]
        check(not missing, f"an analysis lacks {missing}")
        check(a.get("url") != COPY_URL, "the syndicated copy is exported")
    plover = [json.loads(line) for line in open(folder / "plover.jsonl", encoding="utf-8")]
    check(len(plover) == PLOVER_RECORDS,
          f"plover.jsonl: {len(plover)} records, expected {PLOVER_RECORDS}")
    for p in plover:
        # The PLOVER manual's field names, and nothing else but the extension key.
        check(set(p) <= PLOVER_FIELDS, f"fields outside the manual: {set(p) - PLOVER_FIELDS}")
        for key in ("id", "date", "actor", "event"):
            check(key in p, f"a PLOVER record lacks the required {key}")
        check(re.fullmatch(r"\d{4}-\d{2}-\d{2}", p["date"]), f"date {p['date']!r}")
        check(isinstance(p["actor"], list) and isinstance(p["recipient"], list),
              "actor and recipient are not lists of entities")
        check(isinstance(p["event"], list) and all(e in PLOVER_EVENTS for e in p["event"]),
              f"event {p['event']!r}")
        check(p["quad_code"] in (1, 2, 3, 4), f"quad_code {p['quad_code']!r}")
        check(isinstance(p["context"], list) and isinstance(p["mode"], list),
              "context and mode are not lists")
    pact = [p for p in plover if p["chancery"]["cameo"]["code"] == "057"]
    check(len(pact) == 2 and all(p["link"] in events for p in pact),
          "the pact's PLOVER records do not link the merged event")
    check(pact[0]["event"] == ["SUPPORT"] and pact[0]["actor"][0]["code"] == "FRA"
          and pact[0]["recipient"][0]["code"] == "DEU" and pact[0]["event_text"] == ["signed"],
          f"the pact's PLOVER record {pact[0]!r}")


def read_csv(folder):
    tables = {}
    for name in TABLES:
        with open(folder / "csv" / f"{name}.csv", encoding="utf-8", newline="") as f:
            rows = list(csv.reader(f))
        header, body = rows[0], rows[1:]
        for row in body:
            check(len(row) == len(header), f"{name}.csv: a row of {len(row)} fields")
        tables[name] = (header, [dict(zip(header, row)) for row in body])
    return tables


def check_csv(tables, events):
    header, articles = tables["articles"]
    check(len(articles) == CANONICAL, f"articles.csv: {len(articles)} rows")
    for a in articles:
        check(is_int(a["store_id"], 1) and is_int(a["words"], 1), "articles.csv integers")
        check(a["stub"] in ("true", "false"), "articles.csv booleans")
        json.loads(a["authors"])
    _, rows = tables["events"]
    # The pact in the two canonical articles that tell it; the criticism of
    # "the deal" and the denied attack on "the pipeline" name no target actor.
    check(len(rows) == 2, f"events.csv: {len(rows)} rows")
    for e in rows:
        check(re.fullmatch(r"\d{3,4}", e["code"]), f"events.csv code {e['code']!r}")
        float(e["goldstein"])
        float(e["confidence"])
        check(is_int(e["trigger_start"], 0) and is_int(e["evidence_end"], 0), "events.csv offsets")
    pact = [e for e in rows if e["code"] == "057"]
    check(all(e["gdelt_event_id"] in events for e in pact), "events.csv ids do not join events.tsv")
    _, mentions = tables["mentions"]
    article_text = {a["article"]: a["text"] for a in articles}
    for m in mentions:
        if m["field"] == "text":
            text = article_text[m["article"]].encode("utf-8")
            span = text[int(m["start"]):int(m["end"])].decode("utf-8")
            check(span == m["text"], f"a mention's offsets do not point at {m['text']!r}")
    _, quotes = tables["quotes"]
    check(any(q["speaker_name"] == "Gabriel Boric" for q in quotes), "quotes.csv speakers")


def check_parquet(folder, tables):
    import pyarrow as pa
    import pyarrow.parquet as pq

    kinds = {"string": pa.string(), "int64": pa.int64(), "double": pa.float64(), "bool": pa.bool_()}
    for name in TABLES:
        table = pq.read_table(folder / "parquet" / f"{name}.parquet")
        header, rows = tables[name]
        check(table.column_names == header, f"{name}.parquet columns differ from {name}.csv")
        check(table.num_rows == len(rows), f"{name}.parquet has {table.num_rows} rows, csv {len(rows)}")
        check(all(f.type in kinds.values() for f in table.schema),
              f"{name}.parquet has a column of an unexpected type")
        records = table.to_pylist()
        for got, want in zip(records, rows):
            for column, value in got.items():
                text = want[column]
                if value is None:
                    check(text == "", f"{name}.{column}: null in Parquet, {text!r} in CSV")
                elif isinstance(value, bool):
                    check(text == ("true" if value else "false"), f"{name}.{column} boolean")
                elif isinstance(value, int):
                    check(int(text) == value, f"{name}.{column}: {value} vs {text!r}")
                elif isinstance(value, float):
                    # The double is the decimal the CSV writes, exactly:
                    # `== -9.2` matches in Parquet as it does in the CSV.
                    check(float(text) == value, f"{name}.{column}: {value!r} vs {text!r}")
                else:
                    check(value == text, f"{name}.{column}: {value!r} vs {text!r}")
    events = pq.read_table(folder / "parquet" / "events.parquet")
    check(events.schema.field("code").type == pa.string(), "CAMEO codes are not strings")
    check(events.schema.field("gdelt_event_id").type == pa.int64(), "event ids are not int64")


def main():
    if len(sys.argv) < 2:
        fail("usage: export_roundtrip.py DIR [--parquet]")
    folder = Path(sys.argv[1])
    events = check_events(folder)
    check_mentions(folder, events)
    check_gkg(folder)
    check_json_lines(folder, events)
    tables = read_csv(folder)
    check_csv(tables, events)
    if "--parquet" in sys.argv[2:]:
        check_parquet(folder, tables)
    print("export round trip: all formats read back" + (" (Parquet too)" if "--parquet" in sys.argv else ""))


if __name__ == "__main__":
    main()
