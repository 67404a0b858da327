#!/usr/bin/env bash
# The export round trip with Parquet: ingests the fixture corpus, exports it
# in every format and reads everything back with export_roundtrip.py, Parquet
# with pyarrow, and the GDELT tables with the `gdelt` client (gdeltPyR) and
# pandas with the codebooks' dtypes (export_gdelt_client.py), all from PyPI in
# a virtual environment outside the repository.
# Usage: export_roundtrip.sh CHANCERY_BINARY
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
chancery="$(realpath "$1")"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

if ! python3 -m venv "$work/venv" >/dev/null 2>&1; then
    apt-get update
    DEBIAN_FRONTEND=noninteractive apt-get install -y python3-venv
    python3 -m venv "$work/venv"
fi
"$work/venv/bin/pip" install --quiet --disable-pip-version-check pyarrow "gdelt==0.1.14" pandas

"$chancery" ingest --quiet --data "$work/data" "$here/fixtures/export/corpus.jsonl"
mkdir -p "$work/out"
for pair in gdelt-events:events.tsv gdelt-mentions:mentions.tsv gdelt-gkg:gkg.tsv \
    plover:plover.jsonl jsonl:analyses.jsonl csv:csv parquet:parquet; do
    "$chancery" export --quiet --data "$work/data" --format "${pair%%:*}" -o "$work/out/${pair#*:}"
done
"$work/venv/bin/python" "$here/export_roundtrip.py" "$work/out" --parquet
"$work/venv/bin/python" "$here/export_gdelt_client.py" "$work/out"
