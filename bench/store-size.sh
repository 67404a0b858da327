#!/usr/bin/env bash
# Store size against input size, and ingest speed, on two corpora: the BBC
# news folder (2,225 plain-text articles) and N synthetic JSON Lines
# articles (bench/synthetic_news.py). Each is ingested once into a fresh
# data directory by a release build; prints input bytes, store bytes (the
# whole data directory: database, WAL and lock), their ratio, docs/s, and
# user and system CPU seconds. With --tables, also the bytes of each table
# and index of the synthetic store (SQLite's dbstat).
#
#   bench/store-size.sh [--binary PATH] [--tables] [BBC_DIR] [N]
#
# Needs /usr/bin/time and python3. The BBC data is read from ../shared/bench,
# never copied into the repository.
set -euo pipefail
cd "$(dirname "$0")/.."
binary=
tables=
while [ $# -gt 0 ]; do
    case "$1" in
        --binary) binary=$2; shift 2 ;;
        --tables) tables=1; shift ;;
        *) break ;;
    esac
done
bbc=${1:-../shared/bench/news/bbc}
n=${2:-20000}
[ -d "$bbc" ] || { echo "no BBC folder at $bbc" >&2; exit 1; }
. bench/release-binary.sh

python3 bench/synthetic_news.py "$n" > "$work/synthetic.jsonl"

measure() { # name, input bytes, inputs...
    local name=$1 input=$2
    shift 2
    rm -rf "$work/data"
    /usr/bin/time -f 'cpu %U %S' "$binary" ingest --quiet --data "$work/data" "$@" \
        2> "$work/log" || { cat "$work/log" >&2; exit 1; }
    local rate store cpu
    rate=$(sed -n 's/^chancery: [0-9]* documents in [0-9.]* s (\([0-9]*\) docs\/s).*/\1/p' "$work/log")
    store=$(find "$work/data" -type f -printf '%s\n' | awk '{s += $1} END {print s}')
    cpu=$(sed -n 's/^cpu //p' "$work/log")
    awk -v name="$name" -v input="$input" -v store="$store" -v rate="$rate" -v cpu="$cpu" \
        'BEGIN { split(cpu, t, " ");
                 printf "%-22s input %6.1f MB  store %6.1f MB  %5.2fx  %5d docs/s  user %6.1f s  sys %5.1f s\n",
                        name, input / 1e6, store / 1e6, store / input, rate, t[1], t[2] }'
}

bbc_dirs=("$bbc"/business "$bbc"/entertainment "$bbc"/politics "$bbc"/sport "$bbc"/tech)
bbc_bytes=$(find "${bbc_dirs[@]}" -type f -printf '%s\n' | awk '{s += $1} END {print s}')
measure "BBC (2,225)" "$bbc_bytes" "${bbc_dirs[@]}"
measure "synthetic ($n)" "$(stat -c %s "$work/synthetic.jsonl")" "$work/synthetic.jsonl"
if [ -n "$tables" ]; then
    sqlite3 "$work/data/chancery.db" "PRAGMA wal_checkpoint(TRUNCATE);" > /dev/null
    sqlite3 "$work/data/chancery.db" \
        "SELECT name, printf('%8.1f MB', sum(pgsize) / 1e6) FROM dbstat GROUP BY name ORDER BY sum(pgsize) DESC LIMIT 15;"
fi
