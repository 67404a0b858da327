#!/usr/bin/env bash
# Search benchmark on the BBC news folder (2,225 plain-text articles):
# ingests it into a fresh data directory (or uses DATA), then
#   - builds the search index from the store three times (--rebuild) and
#     prints the median build time;
#   - runs every request of bench/search-queries.jsonl (words, phrases,
#     OR/NOT, fields, person/country/event filters) RUNS times in one
#     process and prints p50/p95 per request and over all;
#   - times `chancery similar -k 10` for 200 articles spread over the store;
#   - times 20 whole `chancery search` processes (start, open, catch-up
#     check, search, print) and prints the median.
#
#   bench/search.sh [BBC_DIR] [RUNS] [DATA]
#
# The data is read from ../shared/bench, never copied into the repository.
set -euo pipefail
cd "$(dirname "$0")/.."
bbc=${1:-../shared/bench/news/bbc}
runs=${2:-50}
data=${3:-}
[ -d "$bbc" ] || { echo "no BBC folder at $bbc" >&2; exit 1; }

cargo build --release --locked -p chancery >&2
chancery=${CARGO_TARGET_DIR:-./target}/release/chancery
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if [ -z "$data" ]; then
    data=$work/data
    # The five category folders: 2,225 articles (the README beside them is not one).
    "$chancery" ingest --quiet --data "$data" \
        "$bbc"/business "$bbc"/entertainment "$bbc"/politics "$bbc"/sport "$bbc"/tech
fi

median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

builds=()
for run in 1 2 3; do
    "$chancery" search --data "$data" --rebuild economy > /dev/null 2> "$work/log"
    line=$(grep -m1 'built the search index' "$work/log")
    echo "build $run: ${line#chancery: }"
    builds+=("$(sed -n 's/.* in \([0-9.]*\) s$/\1/p' <<< "$line")")
done
echo "index build: median $(median "${builds[@]}") s"

"$chancery" search --data "$data" --bench bench/search-queries.jsonl --runs "$runs"
"$chancery" similar --data "$data" --bench 200

times=()
for run in $(seq 20); do
    start=$(date +%s%N)
    "$chancery" search --data "$data" '"prime minister"' > /dev/null
    end=$(date +%s%N)
    times+=("$(( (end - start) / 1000 ))")
done
echo "whole process (chancery search '\"prime minister\"'): median $(( $(median "${times[@]}") / 1000 )) ms of 20"
