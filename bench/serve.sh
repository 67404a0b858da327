#!/usr/bin/env bash
# Page latency of `chancery serve` on loopback: the BBC corpus plus the demo
# corpus in one store, the rate limit off, the load generator of
# crates/chancery-server/examples/load.rs requesting article, entity, dyad
# and search pages (p50/p95/p99, median of passes). The store is a data
# directory (sqlite), a throw-away PostgreSQL cluster started by
# scripts/pg_throwaway.sh (postgres; the server keeps its search index in
# a folder of its own), or one after the other (both, the default).
#
#   bench/serve.sh [BENCH_DIR] [REQUESTS] [CONCURRENCY] [sqlite|postgres|both]
#
# PAGES=home,entities,network measures only those page kinds (article,
# entity, dyad, search, home, entities, network; default all).
#
# SERVE_BIN=path serves with another build of chancery (an earlier
# commit's, for a before/after), which must read the same store versions;
# this checkout's binary ingests. SERVE_DATA=dir serves that data directory
# as it is instead (a large synthetic corpus built beforehand; nothing is
# ingested, the backend is sqlite).
set -euo pipefail
cd "$(dirname "$0")/.."
bench=${1:-../shared/bench}
requests=${2:-1000}
concurrency=${3:-4}
backends=${4:-both}
bbc="$bench/news/bbc"
[ -n "${SERVE_DATA:-}" ] || [ -d "$bbc" ] || { echo "serve.sh: $bbc not found (give the bench directory as the first argument)" >&2; exit 2; }
case "$backends" in
    both) backends="sqlite postgres" ;;
    sqlite | postgres) ;;
    *) echo "serve.sh: the fourth argument is sqlite, postgres or both, not $backends" >&2; exit 2 ;;
esac

# Two builds: with `--example`, cargo builds only the example, not the
# chancery binary.
cargo build --release --locked -p chancery
cargo build --release --locked -p chancery-server --example load
chancery=./target/release/chancery
work=$(mktemp -d)
server_pid=
pg_dir=
cleanup() {
    [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
    [ -n "$pg_dir" ] && { scripts/pg_throwaway.sh stop "$pg_dir" >/dev/null 2>&1 || true; rm -rf "$pg_dir" "$pg_dir.initdb.log"; }
    rm -rf "$work"
}
trap cleanup EXIT
free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(date -u +%Y-%m-%d)"

for backend in $backends; do
    if [ "$backend" = postgres ]; then
        # A directory of its own, as .ci/run makes it (the script hands it
        # to the postgres user when run as root).
        pg_dir=$(mktemp -d)
        data=$(scripts/pg_throwaway.sh start "$pg_dir" "$(free_port)" | tail -1)
        echo "== PostgreSQL $(ls /usr/lib/postgresql 2>/dev/null | sort -n | tail -1) (scripts/pg_throwaway.sh)"
    else
        data="$work/data"
        echo "== data directory (SQLite)"
    fi
    if [ -n "${SERVE_DATA:-}" ]; then
        data=$SERVE_DATA
    else
        "$chancery" ingest --quiet --data "$data" "$bbc" crates/chancery/demo/articles.jsonl
    fi
    port=$(free_port)
    index=()
    [ "$backend" = postgres ] && index=(--index "$work/index")
    "${SERVE_BIN:-$chancery}" serve --data "$data" "${index[@]}" --addr "127.0.0.1:$port" \
        --rate-limit 0 &
    server_pid=$!
    for _ in $(seq 100); do
        curl -sf "http://127.0.0.1:$port/api/stats" >/dev/null && break
        sleep 0.1
    done
    echo "corpus: $(curl -sf "http://127.0.0.1:$port/api/stats")"
    ./target/release/examples/load "http://127.0.0.1:$port" --requests "$requests" \
        --concurrency "$concurrency" --passes 3 ${PAGES:+--pages "$PAGES"}
    kill "$server_pid"
    wait "$server_pid" 2>/dev/null || true
    server_pid=
done
