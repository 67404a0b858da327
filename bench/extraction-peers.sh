#!/usr/bin/env bash
# Scores chancery's extractor beside the Rust extraction crates (dom_smoothie,
# rs-trafilatura, trafilatura) on the same pages in the same run: one thread,
# release build. Optionally runs Python trafilatura on the same sets too.
# See bench/README.md.
#
# Usage: bench/extraction-peers.sh [BENCH_DIR]      (run from anywhere)
# Environment:
#   CARGO_TARGET_DIR  build dir (default target/peers, apart from the normal build)
#   PEERS_VENV        a Python venv with trafilatura (default /tmp/peers-venv);
#                     skipped when it has none
#   SCRAPINGHUB_PASSES, WCXB_PASSES  timed passes (default 3 and 1; the median counts)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
bench="${1:-../shared/bench}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-target/peers}"
venv="${PEERS_VENV:-/tmp/peers-venv}"
sh_passes="${SCRAPINGHUB_PASSES:-3}"
wcxb_passes="${WCXB_PASSES:-1}"

echo "== chancery $(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet HEAD 2>/dev/null || echo ' (uncommitted changes)'), $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "== $(nproc) cores, load:$(uptime | sed 's/.*load average://')"
echo "== building (release, --features peers) into $CARGO_TARGET_DIR"
cargo build --release --features peers -p chancery
bin="$CARGO_TARGET_DIR/release/chancery"

echo
echo "== scrapinghub-dev, $sh_passes passes"
"$bin" eval extraction --bench "$bench" --set scrapinghub --peers --passes "$sh_passes" --worst 3
echo
echo "== wcxb-dev, $wcxb_passes passes"
"$bin" eval extraction --bench "$bench" --set wcxb --peers --passes "$wcxb_passes" --worst 3

if [ -x "$venv/bin/python" ] && "$venv/bin/python" -c 'import trafilatura' 2>/dev/null; then
    echo
    echo "== Python trafilatura ($venv), same sets, same passes"
    "$venv/bin/python" bench/trafilatura_peer.py "$bench" --set scrapinghub --passes "$sh_passes"
    "$venv/bin/python" bench/trafilatura_peer.py "$bench" --set wcxb --passes "$wcxb_passes"
else
    echo
    echo "== no Python trafilatura in $venv: skipped (see bench/README.md to set it up)"
fi
echo
echo "== load after the run:$(uptime | sed 's/.*load average://')"
