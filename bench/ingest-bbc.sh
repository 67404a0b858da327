#!/usr/bin/env bash
# BBC ingest, two or more binaries run alternately (a shared machine's load
# drifts, so runs side by side compare fairly): per run user, system and
# wall seconds, the docs/s and story step the ingest summary reports, and
# the load average; then the story step alone, timed by replaying every
# stored article through the clusterer (`chancery stories --settle` on a
# copy of a BBC store whose saved clusterer was deleted).
#
#   bench/ingest-bbc.sh [RUNS] BINARY...     (RUNS default 3)
#
# Needs ../shared/bench beside the repository and sqlite3.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=3
if [[ "${1:-}" =~ ^[0-9]+$ ]]; then runs=$1; shift; fi
[ $# -gt 0 ] || set -- target/release/chancery
bbc=../shared/bench/news/bbc
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "ingest of $bbc: binary, user s, sys s, wall s, docs/s, story step s, load"
for _ in $(seq "$runs"); do
    for binary in "$@"; do
        rm -rf "$work/data"
        /usr/bin/time -o "$work/time" -f "%U %S %e" "$binary" ingest --quiet --data "$work/data" "$bbc" \
            > /dev/null 2> "$work/log"
        rate=$(sed -n 's/.*(\([0-9]*\) docs\/s).*/\1/p' "$work/log")
        step=$(sed -n 's/^  story step: *\([0-9.]*\) s.*/\1/p' "$work/log")
        echo "$binary $(cat "$work/time") $rate $step $(cut -d' ' -f1 /proc/loadavg)"
    done
done

# One store for the replays, written by the first binary.
rm -rf "$work/base"
"$1" ingest --quiet --data "$work/base" "$bbc" > /dev/null 2>&1
echo "story step alone (every stored article replayed): binary, user s, sys s, wall s, load"
for _ in $(seq "$runs"); do
    for binary in "$@"; do
        rm -rf "$work/replay"
        mkdir "$work/replay"
        cp "$work/base"/chancery.db* "$work/replay/"
        sqlite3 "$work/replay/chancery.db" "DELETE FROM story_state; DELETE FROM story_clusters;"
        /usr/bin/time -o "$work/time" -f "%U %S %e" "$binary" stories --settle --limit 1 --data "$work/replay" \
            > /dev/null 2>&1
        echo "$binary $(cat "$work/time") $(cut -d' ' -f1 /proc/loadavg)"
    done
done
