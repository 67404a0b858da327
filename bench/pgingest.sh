#!/usr/bin/env bash
# POST /api/ingest and `chancery watch` over PostgreSQL against a data
# directory (issue 16, items 1 and 2), on a throw-away PostgreSQL cluster
# on this machine (fsync on):
#  1. Ingest over HTTP: N synthetic articles (bench/synthetic_news.py) in
#     bodies of B lines, posted one after another to `chancery serve
#     --token` over a fresh data directory, then over a fresh PostgreSQL
#     database. Prints docs/s over all the bodies and the median and p95
#     time per request, and checks that both stored N articles (and, in
#     PostgreSQL, that every one has its story: the server clustered them);
#     then PostgreSQL again with the story election held by another session,
#     which is what the story step costs each request.
#  2. Watch: the fixture news web (HOSTS hosts x PAGES pages, politeness
#     on: 50 ms between two requests to a host), `chancery watch --once`
#     into a fresh database by one watcher, then by two at once into
#     another. Prints wall seconds, pages/s, the articles stored, URL
#     duplicates in the store and the pages the fixture served (each page
#     once if no watcher fetched what another claimed).
#
#   bench/pgingest.sh [N] [B] [HOSTS] [PAGES]   (defaults 2000 100 10 50)
#
# Needs the PostgreSQL server (apt-get install postgresql), curl, psql,
# sqlite3 and python3.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-2000}
lines=${2:-100}
hosts=${3:-10}
pages=${4:-50}
port=${PGBENCH_PORT:-54351}
http=${HTTP_PORT:-18931}
token=bench-token-long-enough-to-be-secret

cargo build --release --locked -p chancery >&2
cargo build --release --locked -p chancery-watch --features fixture --example news_fixture >&2
target=${CARGO_TARGET_DIR:-./target}
chancery=$target/release/chancery
fixture=$target/release/examples/news_fixture
work=$(mktemp -d)
cluster=$(mktemp -d)
url=$(PG_DURABLE=1 scripts/pg_throwaway.sh start "$cluster" "$port")
server_pid=""
cleanup() {
    [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
    scripts/pg_throwaway.sh stop "$cluster" >/dev/null 2>&1 || true
    rm -rf "$work" "$cluster" "$cluster.initdb.log"
}
trap cleanup EXIT
database() {
    psql -q "$url" -c "CREATE DATABASE $1 TEMPLATE template0" >/dev/null
    echo "${url%/*}/$1"
}
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"

echo "== POST /api/ingest: $n synthetic articles in bodies of $lines lines"
python3 bench/synthetic_news.py "$n" > "$work/corpus.jsonl"
split -l "$lines" -d -a 4 "$work/corpus.jsonl" "$work/body."
# Serves $1 (with its search index in $2), posts every body, prints the
# figures; the server is stopped after.
post_all() {
    "$chancery" serve --data "$1" --index "$2" --addr "127.0.0.1:$http" --token "$token" \
        --rate-limit 0 2> "$work/serve.log" &
    server_pid=$!
    for _ in $(seq 300); do
        curl -s -o /dev/null "http://127.0.0.1:$http/api/stats" && break
        sleep 0.2
    done
    : > "$work/times"
    local started ended
    started=$(date +%s.%N)
    for body in "$work"/body.*; do
        curl -s -o "$work/report.json" -w '%{http_code} %{time_total}\n' \
            -H "Authorization: Bearer $token" -H 'Content-Type: application/x-ndjson' \
            --data-binary "@$body" "http://127.0.0.1:$http/api/ingest" >> "$work/times"
    done
    ended=$(date +%s.%N)
    kill "$server_pid"
    wait "$server_pid" 2>/dev/null || true
    server_pid=""
    python3 - "$work/times" "$started" "$ended" "$n" <<'PY'
import statistics, sys
rows = [line.split() for line in open(sys.argv[1])]
bad = [r for r in rows if r[0] != "200"]
if bad:
    sys.exit(f"FAIL: {len(bad)} requests answered {bad[0][0]}")
ms = sorted(float(r[1]) * 1000 for r in rows)
wall = float(sys.argv[3]) - float(sys.argv[2])
p95 = ms[min(len(ms) - 1, int(0.95 * len(ms)))]
print(f"{len(ms)} requests in {wall:.1f} s: {int(sys.argv[4]) / wall:.0f} docs/s; "
      f"per request median {statistics.median(ms):.0f} ms, p95 {p95:.0f} ms, "
      f"first {float(rows[0][1]) * 1000:.0f} ms")
PY
}
echo "-- a data directory"
post_all "$work/data" "$work/index-sqlite"
echo "articles stored: $(sqlite3 "$work/data/chancery.db" 'SELECT count(*) FROM articles')"
echo "-- PostgreSQL"
posted=$(database posted)
post_all "$posted" "$work/index-pg"
echo "articles stored: $(psql -tA "$posted" -c 'SELECT count(*) FROM chancery.articles'), without a story: $(psql -tA "$posted" -c 'SELECT count(*) FROM chancery.articles WHERE story IS NULL')"
echo "-- PostgreSQL, another process holding the story clusterer's election (the server only stores)"
held=$(database held)
# The advisory lock the elected clusterer holds (CLUSTERER_LOCK in
# crates/chancery-store/src/pg/stories.rs), held by a psql session.
psql -q "$held" -c 'SELECT pg_advisory_lock(27980867778343545)' -c 'SELECT pg_sleep(3600)' \
    > /dev/null 2>&1 &
holder=$!
sleep 1
post_all "$held" "$work/index-held"
kill "$holder" 2>/dev/null; wait "$holder" 2>/dev/null || true
echo "articles stored: $(psql -tA "$held" -c 'SELECT count(*) FROM chancery.articles'), without a story: $(psql -tA "$held" -c 'SELECT count(*) FROM chancery.articles WHERE story IS NULL')"

echo "== watch: $hosts hosts x $pages pages, politeness on (50 ms per host)"
. bench/news-fixture.sh
# $1 watchers at once into a fresh database.
watchers() {
    local db started ended pids=()
    db=$(database "watch$1")
    start_fixture --hosts "$hosts" --pages "$pages" --sources "$work/sources.txt"
    started=$(date +%s.%N)
    for i in $(seq "$1"); do
        "$chancery" watch --once --quiet --sources "$work/sources.txt" --data "$db" "${allow[@]}" \
            --host-delay-ms 50 --rate 1000 --workers "$hosts" 2> "$work/watch$i.log" &
        pids+=($!)
    done
    for pid in "${pids[@]}"; do wait "$pid"; done
    ended=$(date +%s.%N)
    grep -h '^chancery: watch:' "$work"/watch[0-9]*.log
    rm -f "$work"/watch[0-9]*.log
    local stored duplicates
    stored=$(psql -tA "$db" -c 'SELECT count(*) FROM chancery.articles')
    duplicates=$(psql -tA "$db" -c 'SELECT count(*) - count(DISTINCT url) FROM chancery.articles')
    python3 -c "import sys; w = float(sys.argv[2]) - float(sys.argv[1]); print(f'{sys.argv[3]} watcher(s): {w:.1f} s, {int(sys.argv[4]) / w:.0f} pages/s')" \
        "$started" "$ended" "$1" "$stored"
    echo "articles stored: $stored of $((hosts * pages)) pages; URL duplicates in the store: $duplicates"
    # (Not in a pipe: the fixture stops when this shell closes its input.)
    stop_fixture > "$work/fixture.counts"
    grep '^pages served' "$work/fixture.counts"
}
watchers 1
watchers 2
