#!/usr/bin/env python3
"""Check gold/*.json against the texts build_docs.py writes.

Every gold file must name an id in ids.txt (and every id must have a file); every event
must have the fields of the reuters-dev gold format (evidence given as offsets, not
text), a 2- or 3-digit CAMEO code (checked against the CAMEO code list when it is found),
a known modality, and evidence offsets that cover exactly one sentence of the text
(sentences are separated by blank lines). Standard library only.

    python3 build_docs.py /tmp/reuters-train-docs.jsonl
    python3 check_gold.py [--docs /tmp/reuters-train-docs.jsonl] [--codes PATH]
"""
import argparse
import glob
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_CODES = os.path.join(HERE, "..", "..", "..", "shared", "bench", "events", "cameo", "codes.tsv")
FIELDS = {"source", "source_name", "target", "target_name", "code", "modality", "evidence_start", "evidence_end"}
MODALITIES = {"asserted", "planned", "negated", "hypothetical"}
ACTOR = re.compile(r"^(---|IGO|NGO|[A-Z]{3}|[A-Z]{6})$")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--docs", default="/tmp/reuters-train-docs.jsonl")
    ap.add_argument("--codes", default=DEFAULT_CODES)
    a = ap.parse_args()
    if not os.path.exists(a.docs):
        sys.exit("%s not found: run build_docs.py first" % a.docs)
    docs = {}
    with open(a.docs, encoding="utf-8") as f:
        for line in f:
            d = json.loads(line)
            docs[d["id"]] = d["text"]
    codes = None
    if os.path.exists(a.codes):
        with open(a.codes, encoding="utf-8") as f:
            codes = {line.split("\t")[0] for line in f}
    errors = []
    seen = set()
    n_events = 0
    for path in sorted(glob.glob(os.path.join(HERE, "gold", "*.json"))):
        name = os.path.basename(path)
        try:
            g = json.load(open(path, encoding="utf-8"))
        except ValueError as e:
            errors.append("%s: not JSON: %s" % (name, e))
            continue
        doc_id = g.get("id")
        if name != "%s.json" % doc_id:
            errors.append("%s: id %r does not match the file name" % (name, doc_id))
        if doc_id not in docs:
            errors.append("%s: %s is not in the built documents (missing from ids.txt?)" % (name, doc_id))
            continue
        seen.add(doc_id)
        text = docs[doc_id]
        for i, e in enumerate(g.get("events", [])):
            n_events += 1
            where = "%s event %d" % (name, i)
            if set(e) != FIELDS:
                errors.append("%s: fields %s, expected %s" % (where, sorted(e), sorted(FIELDS)))
                continue
            if not re.fullmatch(r"\d{2,3}", e["code"]) or (codes is not None and e["code"] not in codes):
                errors.append("%s: %r is not a CAMEO code" % (where, e["code"]))
            if e["modality"] not in MODALITIES:
                errors.append("%s: modality %r" % (where, e["modality"]))
            for side in ("source", "target"):
                if not ACTOR.match(e[side]):
                    errors.append("%s: %s %r is not an actor code" % (where, side, e[side]))
            s, t = e["evidence_start"], e["evidence_end"]
            ok = isinstance(s, int) and isinstance(t, int) and 0 <= s < t <= len(text)
            if ok:
                ok = (s == 0 or text[s - 2:s] == "\n\n") and (t == len(text) or text[t:t + 2] == "\n\n")
                ok = ok and "\n" not in text[s:t]
            if not ok:
                errors.append("%s: evidence %r..%r is not one sentence of the text" % (where, s, t))
    for doc_id in sorted(set(docs) - seen):
        errors.append("%s: in ids.txt but has no gold file" % doc_id)
    for err in errors:
        print(err, file=sys.stderr)
    print("%d documents, %d events, %d problems" % (len(seen), n_events, len(errors)))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
