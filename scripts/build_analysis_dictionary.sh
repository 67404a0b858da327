#!/usr/bin/env bash
# Builds the zstd dictionary the store compresses analyses with: trained
# (zstd --train, 16 KiB) on the analyses of the bundled demo corpus
# (crates/chancery/demo/articles.jsonl, invented articles), their text
# blanked as the store keeps them. The store reads blobs by the version of
# the dictionary they were written with, so a committed dictionary is never
# rebuilt in place: write a new version beside it (OUT) and teach
# crates/chancery-store/src/blob.rs its format byte.
#
#   scripts/build_analysis_dictionary.sh CHANCERY_BINARY OUT
#
# Needs python3 and the zstd command (Debian package zstd).
set -euo pipefail
cd "$(dirname "$0")/.."
chancery=$1
out=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$chancery" analyze --jsonl crates/chancery/demo/articles.jsonl > "$work/analyses.jsonl"
python3 - "$work" <<'PY'
import json, sys
work = sys.argv[1]
for number, line in enumerate(open(f"{work}/analyses.jsonl", encoding="utf-8")):
    analysis = json.loads(line)
    analysis["text"] = ""
    with open(f"{work}/{number:03}.json", "w", encoding="utf-8") as sample:
        sample.write(json.dumps(analysis, separators=(",", ":"), ensure_ascii=False))
PY
zstd -q --train "$work"/[0-9]*.json --maxdict=16384 -o "$out"
