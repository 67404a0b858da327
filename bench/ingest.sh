#!/usr/bin/env bash
# Ingest benchmark: the BBC news folder (2,225 plain-text articles) into a
# fresh data directory, end to end (read, extract, analyze, store), three
# runs; prints each run and the median docs/s and peak RSS.
#
#   bench/ingest.sh [BBC_DIR] [RUNS]
#
# Needs /usr/bin/time (Debian package `time`). The data is read from
# ../shared/bench, never copied into the repository.
set -euo pipefail
cd "$(dirname "$0")/.."
bbc=${1:-../shared/bench/news/bbc}
runs=${2:-3}
[ -d "$bbc" ] || { echo "no BBC folder at $bbc" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "needs /usr/bin/time (apt-get install time)" >&2; exit 1; }

cargo build --release --locked -p chancery >&2
chancery=${CARGO_TARGET_DIR:-./target}/release/chancery
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

rates=()
rss=()
for run in $(seq "$runs"); do
    rm -rf "$work/data"
    # The five category folders: 2,225 articles (the README beside them is not one).
    /usr/bin/time -v "$chancery" ingest --quiet --data "$work/data" \
        "$bbc"/business "$bbc"/entertainment "$bbc"/politics "$bbc"/sport "$bbc"/tech \
        2> "$work/log" || { cat "$work/log" >&2; exit 1; }
    rate=$(sed -n 's/^chancery: [0-9]* documents in [0-9.]* s (\([0-9]*\) docs\/s).*/\1/p' "$work/log")
    kb=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$work/log")
    line=$(grep -m1 '^chancery: [0-9]* documents' "$work/log")
    echo "run $run: $line; peak RSS $((kb / 1024)) MB"
    rates+=("$rate")
    rss+=("$kb")
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
echo "median: $(median "${rates[@]}") docs/s; peak RSS $(( $(median "${rss[@]}") / 1024 )) MB (median of $runs runs)"
