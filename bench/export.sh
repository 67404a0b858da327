#!/usr/bin/env bash
# Export benchmark: a corpus ingested once into a fresh data directory, then
# exported in every format, three runs each; prints each format's median
# wall time, rows, peak RSS and output size.
#
#   bench/export.sh [SOURCE] [RUNS]
#
# SOURCE is the BBC news folder (2,225 plain-text articles; the default),
# `synthetic:N` for N invented articles from bench/synthetic_news.py (to see
# that memory does not grow with the corpus), or a data directory that
# `chancery ingest` already filled.
#
# Needs /usr/bin/time (Debian package `time`). The data is read from
# ../shared/bench, never copied into the repository.
set -euo pipefail
cd "$(dirname "$0")/.."
source=${1:-../shared/bench/news/bbc}
runs=${2:-3}
[ -x /usr/bin/time ] || { echo "needs /usr/bin/time (apt-get install time)" >&2; exit 1; }

cargo build --release --locked -p chancery >&2
chancery=${CARGO_TARGET_DIR:-./target}/release/chancery
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

data=$work/data
case "$source" in
    synthetic:*)
        python3 bench/synthetic_news.py "${source#synthetic:}" > "$work/corpus.jsonl"
        "$chancery" ingest --quiet --data "$data" "$work/corpus.jsonl" 2> "$work/log"
        ;;
    *)
        if [ -f "$source/chancery.db" ]; then
            data=$source
            echo "chancery: exporting from $data" > "$work/log"
        else
            [ -d "$source" ] || { echo "no BBC folder or data directory at $source" >&2; exit 1; }
            # The five category folders: 2,225 articles (not the README beside them).
            "$chancery" ingest --quiet --data "$data" "$source"/business "$source"/entertainment \
                "$source"/politics "$source"/sport "$source"/tech 2> "$work/log"
        fi
        ;;
esac
grep -m1 -E '^chancery: ([0-9]+ documents|exporting)' "$work/log"

median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
printf '%-15s %10s %12s %10s %12s\n' format "wall (s)" rows "RSS (MB)" "output (MB)"
for format in gdelt-events gdelt-mentions gdelt-gkg plover jsonl csv parquet; do
    seconds=()
    rss=()
    for run in $(seq "$runs"); do
        rm -rf "$work/out"
        /usr/bin/time -v "$chancery" export --quiet --data "$data" --format "$format" \
            -o "$work/out" 2> "$work/log" || { cat "$work/log" >&2; exit 1; }
        wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$work/log" \
            | awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; print s }')
        seconds+=("$wall")
        rss+=("$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$work/log")")
    done
    rows=$(sed -n 's/.*(\([0-9]*\) rows).*/\1/p' "$work/log")
    size=$(du -sk "$work/out" | cut -f1)
    printf '%-15s %10s %12s %10s %12s\n' "$format" "$(median "${seconds[@]}")" "$rows" \
        "$(( $(median "${rss[@]}") / 1024 ))" "$(awk -v k="$size" 'BEGIN { printf "%.1f", k / 1024 }')"
done
echo "(median of $runs runs each)"
