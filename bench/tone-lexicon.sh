#!/usr/bin/env bash
# Regenerates crates/chancery-nlp/kb/tone_lexicon.tsv, the sentiment lexicon
# chancery's tone is computed from, out of the VADER lexicon that the PyPI
# package vaderSentiment ships (MIT licence, C.J. Hutto). Keeps the entries that
# are words (letters with inner apostrophes or hyphens; emoticons dropped),
# lower-cased, with their mean valence.
# Usage: bench/tone-lexicon.sh  (needs python3 with pip)
set -euo pipefail
version=3.3.2
here="$(cd "$(dirname "$0")/.." && pwd)"
out="$here/crates/chancery-nlp/kb/tone_lexicon.tsv"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
python3 -m pip download --quiet --disable-pip-version-check --no-deps --no-binary :all: \
    "vadersentiment==$version" -d "$work"
tar xzf "$work/vaderSentiment-$version.tar.gz" -C "$work"
src="$work/vaderSentiment-$version"
python3 - "$src" "$version" "$out" <<'PY'
import re, sys
src, version, out = sys.argv[1:]
licence = open(f"{src}/LICENSE.txt", encoding="utf-8").read().strip().splitlines()
word = re.compile(r"^[a-z]+(?:['-][a-z]+)*$")
rows = {}
for line in open(f"{src}/vaderSentiment/vader_lexicon.txt", encoding="utf-8"):
    parts = line.rstrip("\n").split("\t")
    if len(parts) < 2:
        continue
    token = parts[0].strip().lower()
    if word.match(token):
        rows[token] = float(parts[1])
with open(out, "w", encoding="utf-8") as f:
    f.write("# tone_lexicon.tsv: English words with their sentiment valence, from -4 (most negative) to +4 (most positive).\n")
    f.write(f"# source: the VADER sentiment lexicon (Hutto & Gilbert, ICWSM 2014) as shipped in the PyPI package vaderSentiment {version};\n")
    f.write("#   word entries only (emoticons and symbols dropped), lower-cased; regenerate with bench/tone-lexicon.sh.\n")
    f.write("# licence of the source lexicon, reproduced as it requires:\n")
    for line in licence:
        f.write(f"#   {line}\n" if line else "#\n")
    f.write("word\tvalence\n")
    for token in sorted(rows):
        f.write(f"{token}\t{rows[token]:g}\n")
print(f"{out}: {len(rows)} words", file=sys.stderr)
PY
