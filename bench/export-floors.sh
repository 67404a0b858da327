#!/usr/bin/env bash
# The floors of issue 14 on a real corpus: ingests BENCH/news/bbc afresh,
# exports the GDELT events, mentions and GKG tables and PLOVER, reads the GDELT
# tables with the `gdelt` client's loading call and pandas with the codebooks'
# dtypes (crates/chancery/tests/integration/export_gdelt_client.py: no warning
# allowed), then counts what the floors want at zero (bench/export_floors.py
# --floor, Goldstein values against GDELT's own CAMEO.goldsteinscale.txt).
# `chancery export --format plover` checks every record against the PLOVER
# manual's tables as it writes it and stops on the first that fails.
# Exits non-zero when a floor is broken. The Python packages come from PyPI
# into a virtual environment outside the repository.
# Usage: bench/export-floors.sh CHANCERY_BINARY BENCH_DIR
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
chancery="$(realpath "$1")"
bench="$(cd "$2" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

python3 -m venv "$work/venv"
"$work/venv/bin/pip" install --quiet --disable-pip-version-check "gdelt==0.1.14" pandas

"$chancery" ingest --quiet --data "$work/data" "$bench/news/bbc" >/dev/null
mkdir -p "$work/out"
for pair in gdelt-events:events.tsv gdelt-mentions:mentions.tsv gdelt-gkg:gkg.tsv \
    plover:plover.jsonl; do
    "$chancery" export --quiet --data "$work/data" --format "${pair%%:*}" -o "$work/out/${pair#*:}"
done
"$work/venv/bin/python" "$root/crates/chancery/tests/integration/export_gdelt_client.py" "$work/out"
python3 "$root/bench/export_floors.py" "$work/out" \
    "$bench/events/gdelt/CAMEO.goldsteinscale.txt" --floor
