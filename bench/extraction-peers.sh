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
# WCXB's metric is the mean of per-page F1 ("averaged over pages"), while
# chancery's table gives F1 of the mean precision and recall: take the JSON with
# every page's score and show both.
wcxb_json="$CARGO_TARGET_DIR/wcxb-peers.jsonl"
"$bin" eval extraction --bench "$bench" --set wcxb --peers --passes "$wcxb_passes" \
    --format json --worst 1000000 >"$wcxb_json"
python3 - "$wcxb_json" <<'PY'
import json, sys
from collections import defaultdict

def f1(p, r):
    return 2 * p * r / (p + r) if p + r else 0.0

def line(scores):
    p = sum(s["precision"] for s in scores) / len(scores)
    r = sum(s["recall"] for s in scores) / len(scores)
    mean_f1 = sum(s["f1"] for s in scores) / len(scores)
    return f"P {p:.4f}  R {r:.4f}  F1(of means) {f1(p, r):.4f}  mean page F1 {mean_f1:.4f}"

pct = lambda v: "-" if v is None else f"{100 * v:.1f}%"
for raw in open(sys.argv[1], encoding="utf-8"):
    rep = json.loads(raw)
    pages = rep["worst"]  # every page, worst first
    print(f"{rep['extractor']} on {rep['set']} ({rep['pages']} pages, {rep['failures']} refused)")
    print(f"  {line([p['score'] for p in pages])}  |  {rep['pages_per_second']:.0f} pages/s"
          f" (one thread, {rep['seconds']:.2f} s)")
    by_type = defaultdict(list)
    for p in pages:
        by_type[p["page_type"]].append(p["score"])
    for kind in sorted(by_type):
        print(f"  {kind:<14} {len(by_type[kind]):>4} pages  {line(by_type[kind])}")
    print(f"  snippets: with found {pct(rep['with_found'])}  without absent {pct(rep['without_absent'])}"
          f"  |  title {pct(rep['title_match'])}  author {pct(rep['author_match'])}"
          f"  date {pct(rep['date_match'])}")
PY

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
