#!/usr/bin/env bash
# Crash-only run over every real page of the shared benchmark data (issue 21):
# both extraction dev sets, the BBC folder, PolNeAR texts, the ECB+ and
# Reuters JSON Lines. Counts documents analysed, documents refused (bad
# input) and panics caught at a document's boundary ("internal error");
# fails when any panic was caught or the process died.
#
# Usage: bench/real-pages.sh [BENCH_DIR]   (default: ../shared/bench)
set -euo pipefail
cd "$(dirname "$0")/.."
bench="${1:-../shared/bench}"
cargo build --release --locked -p chancery >&2
bin="${CARGO_TARGET_DIR:-$PWD/target}/release/chancery"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
total_ok=0; total_failed=0; total_panics=0; status=0
run() { # label, then analyze arguments
    local label=$1; shift
    local code=0
    "$bin" analyze "$@" > "$tmp/out.jsonl" 2> "$tmp/err.txt" || code=$?
    local ok failed panics
    ok=$(wc -l < "$tmp/out.jsonl")
    failed=$(grep -v -e '^chancery: note:' -e '^chancery: internal error at' -e 'documents failed:$' "$tmp/err.txt" | grep -c '^chancery: ' || true)
    panics=$(grep -c 'internal error while processing' "$tmp/err.txt" || true)
    printf '%-22s exit %3d  analysed %6d  refused %5d  panics caught %3d\n' \
        "$label" "$code" "$ok" "$failed" "$panics"
    if [ "$code" -gt 1 ] || [ "$panics" -gt 0 ]; then
        status=1
        grep 'internal error while processing' "$tmp/err.txt" | head -5 >&2 || true
    fi
    total_ok=$((total_ok + ok)); total_failed=$((total_failed + failed))
    total_panics=$((total_panics + panics))
}
run scrapinghub-dev "$bench/extraction/scrapinghub-dev/html"
run wcxb-dev "$bench/extraction/wcxb-dev/html"
run bbc "$bench/news/bbc"
run polnear "$bench/quotes/polnear/data"
run ecbplus-dev --jsonl "$bench/clustering/ecbplus-dev.jsonl"
run reuters-dev --jsonl "$bench/events/reuters-dev/docs.jsonl"
echo "total: analysed $total_ok, refused $total_failed, panics caught $total_panics"
exit $status
