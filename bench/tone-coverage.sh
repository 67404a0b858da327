#!/usr/bin/env bash
# How many articles of a corpus get a tone, by language: runs
# `chancery analyze` over each folder given (recursively: HTML, .html.gz,
# text) and counts the articles with words, those with a tone object, those
# with tone values (a sentiment lexicon for their language), and the lexicons
# and languages used.
#
# "Before" (schema 3, English only) is what the same run gives when the
# documents the language gate skips get no tone: before this change tone
# was computed exactly for the documents the gate analyses (as English, over
# the same masked text), so it is the count of analysed documents with a
# tone, read off the same output.
# With --floor, exits 1 when any document with words has no tone or no tone
# values (issue 14's floor: "tone present on every article with words").
# Usage: bench/tone-coverage.sh [--floor] CHANCERY_BINARY DIR...
set -euo pipefail
floor=0
if [ "${1:-}" = "--floor" ]; then
    floor=1
    shift
fi
chancery="$(realpath "$1")"
shift
failed=0
for dir in "$@"; do
    out="$(mktemp)"
    "$chancery" analyze "$dir" > "$out"
    python3 - "$dir" "$out" "$floor" <<'PY' || failed=1
import collections, json, re, sys
name, path, floor = sys.argv[1:]
n = worded = with_object = with_value = before = 0
languages = collections.Counter()
lexicons = collections.Counter()
for line in open(path, encoding="utf-8"):
    a = json.loads(line)
    n += 1
    if not re.search(r"\w", a.get("text", "")):
        continue
    worded += 1
    t = a.get("tone")
    if t:
        with_object += 1
        languages[t.get("language") or "unknown"] += 1
        if t.get("tone") is not None:
            with_value += 1
            lexicons[t.get("lexicon")] += 1
        if not a.get("analysis_skipped"):
            before += 1
    else:
        languages["(no tone)"] += 1
pct = lambda k: f"{100 * k / worded:.1f}%" if worded else "-"
print(f"{name}: {n} documents, {worded} with words")
print(f"  tone values before (English only): {before} ({pct(before)})")
print(f"  tone values after: {with_value} ({pct(with_value)}); tone object (words, densities): {with_object} ({pct(with_object)})")
print(f"  languages: {', '.join(f'{k} {v}' for k, v in languages.most_common())}")
print(f"  lexicons: {', '.join(f'{k} {v}' for k, v in lexicons.most_common())}")
if floor == "1" and with_value < worded:
    print(f"FLOOR: {worded - with_value} documents with words have no tone values "
          f"({worded - with_object} no tone at all)", file=sys.stderr)
    sys.exit(1)
PY
    rm -f "$out"
done
exit "$failed"
