#!/usr/bin/env bash
# What an ingest costs as the corpus grows: MORE synthetic articles
# (bench/synthetic_news.py) ingested into an empty data directory, then the
# same MORE into a directory already holding BASE others (one corpus of
# BASE + MORE articles, split). The second should cost no more than the
# first. Prints docs/s, user and system CPU seconds of each ingest and the
# store size, by a release build.
#
#   bench/incremental.sh [--binary PATH] [BASE] [MORE]     # default 100000 10000
#
# Needs /usr/bin/time and python3.
set -euo pipefail
cd "$(dirname "$0")/.."
binary=
if [ "${1:-}" = --binary ]; then
    binary=$2
    shift 2
fi
base=${1:-100000}
more=${2:-10000}
. bench/release-binary.sh

python3 bench/synthetic_news.py $((base + more)) > "$work/all.jsonl"
head -n "$base" "$work/all.jsonl" > "$work/base.jsonl"
tail -n "$more" "$work/all.jsonl" > "$work/more.jsonl"

measure() { # label, data directory, input
    /usr/bin/time -f 'cpu %U %S' "$binary" ingest --quiet --data "$2" "$3" \
        2> "$work/log" || { cat "$work/log" >&2; exit 1; }
    local rate cpu store
    rate=$(sed -n 's/^chancery: [0-9]* documents in [0-9.]* s (\([0-9]*\) docs\/s).*/\1/p' "$work/log")
    cpu=$(sed -n 's/^cpu //p' "$work/log")
    store=$(find "$2" -type f -printf '%s\n' | awk '{s += $1} END {print s}')
    awk -v name="$1" -v rate="$rate" -v cpu="$cpu" -v store="$store" \
        'BEGIN { split(cpu, t, " ");
                 printf "%-34s %5d docs/s  user %6.1f s  sys %5.1f s  sys/user %4.0f%%  store %6.1f MB\n",
                        name, rate, t[1], t[2], 100 * t[2] / t[1], store / 1e6 }'
}

measure "$more into an empty store" "$work/fresh" "$work/more.jsonl"
measure "$base into an empty store" "$work/grown" "$work/base.jsonl"
measure "$more more into the $base store" "$work/grown" "$work/more.jsonl"
