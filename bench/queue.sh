#!/usr/bin/env bash
# The work queue's cost (issue 16): on a throw-away PostgreSQL cluster,
#  1. `chancery queue bench`: claim + mark done per job, one job per claim
#     and a batch per claim, beside the bare round trip (floor: < 2 ms/job);
#  2. end to end: N synthetic articles (bench/synthetic_news.py) stored by
#     `chancery ingest`, then enqueued and stored by 1 worker and by 3
#     workers on one machine, each into a fresh data directory.
#
#   bench/queue.sh [N] [CLAIM_JOBS]      (defaults 2000 and 2000)
#
# Needs the PostgreSQL server (apt-get install postgresql) and python3.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-2000}
claims=${2:-2000}
port=${PGBENCH_PORT:-54339}

cargo build --release --locked -p chancery >&2
chancery=${CARGO_TARGET_DIR:-./target}/release/chancery
work=$(mktemp -d)
cluster=$(mktemp -d)
# PostgreSQL's own durability settings (fsync on), as a real queue runs.
url=$(PG_DURABLE=1 scripts/pg_throwaway.sh start "$cluster" "$port")
cleanup() {
    scripts/pg_throwaway.sh stop "$cluster" >/dev/null 2>&1 || true
    rm -rf "$work" "$cluster" "$cluster.initdb.log"
}
trap cleanup EXIT
# A database per measurement, so no run sees another's jobs.
database() {
    psql -q "$url" -c "CREATE DATABASE $1 TEMPLATE template0" >/dev/null
    echo "${url%/*}/$1"
}
seconds() { python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.1f}')" "$@"; }

echo "== machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== queue bench: $claims jobs"
"$chancery" queue bench --queue "$(database claims)" --jobs "$claims" --batch 200

echo "== end to end: $n synthetic articles"
python3 bench/synthetic_news.py "$n" > "$work/news.jsonl"
start=$(date +%s.%N)
"$chancery" ingest --quiet --data "$work/ingest" "$work/news.jsonl" 2>"$work/ingest.log"
end=$(date +%s.%N)
echo "chancery ingest:            $(seconds "$start" "$end") s"
for workers in 1 3; do
    queue=$(database "fleet$workers")
    start=$(date +%s.%N)
    "$chancery" enqueue --queue "$queue" "$work/news.jsonl" 2>"$work/enqueue.log"
    queued=$(date +%s.%N)
    pids=()
    for _ in $(seq "$workers"); do
        "$chancery" worker --queue "$queue" --data "$work/fleet$workers" --exit-when-idle \
            --poll 0.2 2>>"$work/worker$workers.log" &
        pids+=($!)
    done
    for pid in "${pids[@]}"; do wait "$pid"; done
    end=$(date +%s.%N)
    stored=$(sqlite3 "$work/fleet$workers/chancery.db" "SELECT count(*) FROM articles" 2>/dev/null \
        || python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('SELECT count(*) FROM articles').fetchone()[0])" "$work/fleet$workers/chancery.db")
    echo "enqueue + $workers worker(s):     $(seconds "$start" "$end") s (enqueue $(seconds "$start" "$queued") s), $stored articles stored"
done
