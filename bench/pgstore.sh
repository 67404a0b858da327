#!/usr/bin/env bash
# The store in PostgreSQL against the store in a data directory (issue 16,
# item 2), BBC news (2,225 articles), in the same run, on a throw-away
# PostgreSQL cluster with PostgreSQL's own durability settings (fsync on):
#  1. `chancery ingest` into a fresh data directory (SQLite, with stories);
#  2. `chancery ingest` into a fresh PostgreSQL database (with stories,
#     kept there since PG_SCHEMA_VERSION 2), its stories compared with the
#     data directory's (`chancery stories --format jsonl`);
#  3. `chancery enqueue` into that kind of database, then W workers
#     (`chancery worker --data postgres://…`, queue and store in one
#     database, one of them elected to cluster the stories) on one machine;
#  4. `chancery export --format jsonl` from the data directory and from
#     the workers' database.
# Each row: wall seconds, and CPU seconds (user + system) of the chancery
# processes and of the PostgreSQL server (all its processes, read from
# /proc before and after), so the database's work is counted too.
#
#   bench/pgstore.sh [BBC_DIR] [RUNS] [WORKERS]   (defaults ../shared/bench/news/bbc, 1, 2)
#   SYNTHETIC=N bench/pgstore.sh …                 the same over N synthetic articles too
#
# Needs the PostgreSQL server (apt-get install postgresql), /usr/bin/time
# and python3.
set -euo pipefail
cd "$(dirname "$0")/.."
bbc=${1:-../shared/bench/news/bbc}
runs=${2:-1}
workers=${3:-2}
port=${PGBENCH_PORT:-54349}
[ -d "$bbc" ] || { echo "no BBC folder at $bbc" >&2; exit 1; }
bbc_dirs=("$bbc"/business "$bbc"/entertainment "$bbc"/politics "$bbc"/sport "$bbc"/tech)

cargo build --release --locked -p chancery >&2
chancery=${CARGO_TARGET_DIR:-./target}/release/chancery
work=$(mktemp -d)
cluster=$(mktemp -d)
url=$(PG_DURABLE=1 scripts/pg_throwaway.sh start "$cluster" "$port")
cleanup() {
    scripts/pg_throwaway.sh stop "$cluster" >/dev/null 2>&1 || true
    rm -rf "$work" "$cluster" "$cluster.initdb.log"
}
trap cleanup EXIT
database() {
    psql -q "$url" -c "CREATE DATABASE $1 TEMPLATE template0" >/dev/null
    echo "${url%/*}/$1"
}
# CPU seconds the server has used: the postmaster's own and its reaped
# children's, plus its live children's (backends, WAL writer, checkpointer).
server_cpu() {
    python3 - "$(head -1 "$cluster/postmaster.pid")" <<'PY'
import os, sys
tick = os.sysconf("SC_CLK_TCK")
pm = sys.argv[1]
def fields(pid):
    with open(f"/proc/{pid}/stat") as f:
        return f.read().rsplit(")", 1)[1].split()
total = sum(int(x) for x in fields(pm)[11:15])
for pid in os.listdir("/proc"):
    if pid.isdigit() and pid != pm:
        try:
            f = fields(pid)
        except OSError:
            continue
        if f[1] == pm:
            total += int(f[11]) + int(f[12])
print(total / tick)
PY
}
add_up() { python3 -c "import sys; print(f'{sum(float(x) for x in sys.argv[1:]):.1f}')" "$@"; }
minus() { python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.1f}')" "$@"; }

# Runs "$@" under /usr/bin/time; prints "wall cpu server_cpu".
measure() {
    local before after
    before=$(server_cpu)
    /usr/bin/time -f "%e %U %S" -o "$work/time" "$@" 2>>"$work/log"
    after=$(server_cpu)
    read -r wall user sys < "$work/time"
    echo "$wall $(add_up "$user" "$sys") $(minus "$before" "$after")"
}
row() { printf '%-58s %8s s wall %8s s CPU %8s s server CPU\n' "$@"; }

echo "== machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo), load $(cut -d' ' -f1-3 /proc/loadavg)"
# Runs the three rows over one corpus: $1 its name, then its inputs.
compare() {
    local name=$1 run=$2
    shift 2
    read -r wall cpu server < <(measure "$chancery" ingest --quiet --data "$work/sqlite-$name$run" "$@")
    row "$name, run $run: ingest into a data directory" "$wall" "$cpu" "-"
    db=$(database "ingest_$name$run")
    read -r wall cpu server < <(measure "$chancery" ingest --quiet --data "$db" "$@")
    row "$name, run $run: ingest into PostgreSQL" "$wall" "$cpu" "$server"
    "$chancery" stories --data "$work/sqlite-$name$run" --format jsonl > "$work/stories-sqlite.jsonl"
    "$chancery" stories --data "$db" --format jsonl > "$work/stories-postgres.jsonl" 2>>"$work/log"
    if cmp -s "$work/stories-sqlite.jsonl" "$work/stories-postgres.jsonl"; then
        echo "   stories: the same in PostgreSQL as in the data directory ($(wc -l < "$work/stories-sqlite.jsonl") articles)"
    else
        echo "   stories: DIFFER between PostgreSQL and the data directory"
    fi
    db=$(database "fleet_$name$run")
    before=$(server_cpu)
    start=$(date +%s.%N)
    "$chancery" enqueue --queue "$db" "$@" 2>>"$work/log"
    pids=()
    for w in $(seq "$workers"); do
        /usr/bin/time -f "%U %S" -o "$work/worker$w" \
            "$chancery" worker --queue "$db" --data "$db" --exit-when-idle --poll 0.2 \
            2>>"$work/log" &
        pids+=($!)
    done
    for pid in "${pids[@]}"; do wait "$pid"; done
    end=$(date +%s.%N)
    after=$(server_cpu)
    cpu=$(add_up $(cat "$work"/worker*))
    row "$name, run $run: enqueue + $workers workers into PostgreSQL" "$(minus "$start" "$end")" "$cpu" "$(minus "$before" "$after")"
    read -r wall cpu server < <(measure "$chancery" export --quiet --format jsonl \
        --data "$work/sqlite-$name$run" --output "$work/sqlite.jsonl")
    row "$name, run $run: export jsonl from the data directory" "$wall" "$cpu" "-"
    read -r wall cpu server < <(measure "$chancery" export --quiet --format jsonl \
        --data "$db" --output "$work/postgres.jsonl")
    row "$name, run $run: export jsonl from PostgreSQL (the workers')" "$wall" "$cpu" "$server"
    echo "   exports: $(wc -l < "$work/sqlite.jsonl") and $(wc -l < "$work/postgres.jsonl") lines"
    stored=$(psql -tA "$db" -c "SELECT count(*) FROM chancery.articles")
    canonical=$(psql -tA "$db" -c "SELECT count(*) FROM chancery.canonical_articles")
    echo "   stored by the workers: $stored articles, $canonical first-seen"
    without=$(psql -tA "$db" -c "SELECT count(*) FROM chancery.articles WHERE story IS NULL")
    stories=$(psql -tA "$db" -c "SELECT count(DISTINCT story) FROM chancery.articles")
    echo "   the workers' stories: $stories stories, $without articles without one"
    rm -f "$work"/worker*
}

echo "== BBC: $(find "${bbc_dirs[@]}" -type f | wc -l) files; $runs run(s); PostgreSQL $(psql -tA "$url" -c 'SHOW server_version')"
for run in $(seq "$runs"); do
    compare bbc "$run" "${bbc_dirs[@]}"
done
if [ "${SYNTHETIC:-0}" -gt 0 ]; then
    python3 bench/synthetic_news.py "$SYNTHETIC" > "$work/news.jsonl"
    echo "== synthetic: $SYNTHETIC articles (bench/synthetic_news.py)"
    for run in $(seq "$runs"); do
        compare synthetic "$run" "$work/news.jsonl"
    done
fi
echo "== the ingests' own summaries"
grep -E "documents in|ingested:|story step" "$work/log"
