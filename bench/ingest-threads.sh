#!/usr/bin/env bash
# BBC ingest of two or more binaries, run alternately under `perf record`
# (no call graph): the CPU samples (999 a second) each thread took, by
# thread name — the writer thread (`chancery-writer`: store writes and the
# story step) apart from the analysis threads (named after the binary). On
# a shared machine a thread's samples move less with the load than wall
# time does.
#
#   bench/ingest-threads.sh [RUNS] BINARY...     (RUNS default 3)
#
# Needs ../shared/bench beside the repository and perf.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=3
if [[ "${1:-}" =~ ^[0-9]+$ ]]; then runs=$1; shift; fi
[ $# -gt 0 ] || set -- target/release/chancery
bbc=../shared/bench/news/bbc
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "ingest of $bbc under perf: binary, load, samples per thread"
for _ in $(seq "$runs"); do
    for binary in "$@"; do
        rm -rf "$work/data"
        perf record -q -F 999 -o "$work/perf.data" "$binary" ingest --quiet --data "$work/data" "$bbc" \
            > /dev/null 2>&1
        threads=$(perf script -i "$work/perf.data" -F comm 2> /dev/null | sort | uniq -c \
            | awk '{printf "%s=%s ", $2, $1}')
        echo "$binary $(cut -d' ' -f1 /proc/loadavg) $threads"
    done
done
