#!/usr/bin/env bash
# Page latency of `chancery serve` on loopback: the BBC corpus plus the demo
# corpus in one data directory, the rate limit off, the load generator of
# crates/chancery-server/examples/load.rs requesting article, entity, dyad
# and search pages (p50/p95/p99, median of passes).
#
#   bench/serve.sh [BENCH_DIR] [REQUESTS] [CONCURRENCY]
set -euo pipefail
cd "$(dirname "$0")/.."
bench=${1:-../shared/bench}
requests=${2:-1000}
concurrency=${3:-4}
bbc="$bench/news/bbc"
[ -d "$bbc" ] || { echo "serve.sh: $bbc not found (give the bench directory as the first argument)" >&2; exit 2; }

cargo build --release --locked -p chancery -p chancery-server --example load
chancery=./target/release/chancery
data=$(mktemp -d)
server_pid=
cleanup() {
    [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
    rm -rf "$data"
}
trap cleanup EXIT

"$chancery" ingest --quiet --data "$data" "$bbc" crates/chancery/demo/articles.jsonl
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$chancery" serve --data "$data" --addr "127.0.0.1:$port" --rate-limit 0 &
server_pid=$!
for _ in $(seq 100); do
    curl -sf "http://127.0.0.1:$port/api/stats" >/dev/null && break
    sleep 0.1
done
echo "corpus: $(curl -sf "http://127.0.0.1:$port/api/stats")"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(date -u +%Y-%m-%d)"
./target/release/examples/load "http://127.0.0.1:$port" --requests "$requests" --concurrency "$concurrency" --passes 3
