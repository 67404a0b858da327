#!/usr/bin/env bash
# A server one client cannot tie up (issue 21): six clients, each from its
# own loopback address, send 1 MB analyses back to back to `chancery serve`
# (default limits: one analysis per address at once, two on the server,
# 20 tokens a second with work charged by its length) while another client
# fetches a small page every 100 ms. Prints the small page's latency
# (p50/p95/max, curl's time_total) alone and under the load, and what the
# heavy clients got (200, 429, 503...). Fails when the p95 under load is
# 1 s or more (the issue's floor).
#
#   bench/contention.sh [SECONDS] [HEAVY_CLIENTS]   (default: 60 6)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
heavy=${2:-6}
cargo build --release --locked -p chancery >&2
chancery="${CARGO_TARGET_DIR:-$PWD/target}/release/chancery"
tmp=$(mktemp -d)
server_pid=
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
    rm -rf "$tmp"
}
trap cleanup EXIT

# 1 MB of varied text (names, quotes, organizations), as one JSON body
# under the 1 MiB cap of /api/analyze.
python3 bench/varied_text.py 1 | python3 -c '
import json, sys
text = sys.stdin.read()
while len(json.dumps({"text": text})) > 1_040_000:
    text = text[: len(text) - 4096]
sys.stdout.write(json.dumps({"title": "Load", "text": text}))' > "$tmp/body.json"

"$chancery" ingest --quiet --data "$tmp/data" crates/chancery/demo/articles.jsonl >/dev/null 2>&1
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
base="http://127.0.0.1:$port"
"$chancery" serve --data "$tmp/data" --addr "127.0.0.1:$port" 2>"$tmp/server.log" &
server_pid=$!
for _ in $(seq 100); do
    curl -sf "$base/api/stats" >/dev/null && break
    sleep 0.1
done
id=$(curl -sf "$base/api/articles?limit=1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["items"][0]["id"])')
small="$base/api/articles/$id"

# The small client: one request every 100 ms for $1 seconds.
probe() {
    local until=$(( $(date +%s) + $1 ))
    while [ "$(date +%s)" -lt "$until" ]; do
        curl -s -o /dev/null -w '%{http_code} %{time_total}\n' "$small"
        sleep 0.1
    done
}
summary() {
    python3 - "$1" <<'PY'
import sys
rows = [line.split() for line in open(sys.argv[1]) if line.strip()]
ok = sorted(float(t) for code, t in rows if code == "200")
bad = sum(1 for code, _ in rows if code != "200")
def pct(p):
    return ok[min(len(ok) - 1, int(round(p * (len(ok) - 1))))]
print(f"{len(rows)} requests, {bad} not 200; p50 {pct(0.5)*1000:.0f} ms, "
      f"p95 {pct(0.95)*1000:.0f} ms, max {ok[-1]*1000:.0f} ms")
print(f"P95={pct(0.95):.4f} BAD={bad}")
PY
}

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%Y-%m-%d)"
echo "analysis body: $(stat -c %s "$tmp/body.json") bytes"
probe 10 > "$tmp/alone.log"
echo "small request alone: $(summary "$tmp/alone.log" | head -1)"

for n in $(seq 2 $((heavy + 1))); do
    (
        until=$(( $(date +%s) + seconds ))
        while [ "$(date +%s)" -lt "$until" ]; do
            code=$(curl -s -o /dev/null -w '%{http_code} %{time_total}' --interface "127.0.0.$n" \
                -H 'Content-Type: application/json' --data-binary @"$tmp/body.json" "$base/api/analyze")
            echo "$code"
            # A refused client comes straight back, but not in a busy loop
            # of process starts that would load the machine by itself.
            case "$code" in 200*) ;; *) sleep 0.05 ;; esac
        done > "$tmp/heavy-$n.log"
    ) &
    pids+=($!)
done
sleep 2
probe $((seconds - 4)) > "$tmp/loaded.log"
wait "${pids[@]}" 2>/dev/null || true
pids=()
loaded=$(summary "$tmp/loaded.log")
echo "small request under $heavy heavy clients: $(echo "$loaded" | head -1)"
cat "$tmp"/heavy-*.log | python3 -c '
import collections, sys
rows = [l.split() for l in sys.stdin if l.strip()]
codes = collections.Counter(code for code, _ in rows)
done = sorted(float(t) for code, t in rows if code == "200")
line = ", ".join(f"{n} x {c}" for c, n in sorted(codes.items()))
print(f"heavy requests: {line}" + (f"; a finished analysis took {done[len(done)//2]:.1f} s (median)" if done else ""))'
p95=$(echo "$loaded" | sed -n 's/.*P95=\([0-9.]*\).*/\1/p')
if [ "$(echo "$p95 >= 1.0" | bc)" = 1 ]; then
    echo "FLOOR MISSED: the small request's p95 under load is ${p95} s (floor < 1 s)" >&2
    exit 1
fi
