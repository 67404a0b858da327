#!/usr/bin/env bash
# Documents analysed per CPU-second (user time), full analysis (entities,
# quotes, events with parsing), for Reuters-size and BBC articles. CPU time
# rather than wall time, so the figure holds on a loaded machine.
#
#   bench/analysis-cpu.sh [BINARY...]     (default: target/release/chancery)
#
# Needs ../shared/bench beside the repository and python3 (to write the
# JSON Lines inputs only).
set -euo pipefail
cd "$(dirname "$0")/.."
bench=../shared/bench
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 - "$bench" "$work" <<'PY'
import json, os, sys
bench, work = sys.argv[1], sys.argv[2]
# Reuters-size: the 40 reuters-dev articles, ten times over (400 documents).
with open(os.path.join(work, "reuters.jsonl"), "w") as out:
    for line in open(os.path.join(bench, "events/reuters-dev/docs.jsonl")):
        d = json.loads(line)
        for k in range(10):
            out.write(json.dumps({"id": f"{d['id']}-{k}", "title": d.get("title", ""), "text": d["text"]}) + "\n")
# BBC: the first 600 articles in file order.
n = 0
with open(os.path.join(work, "bbc.jsonl"), "w") as out:
    for folder, _, files in sorted(os.walk(os.path.join(bench, "news/bbc"))):
        for name in sorted(files):
            if n == 600 or not name.endswith(".txt"):
                continue
            title, _, text = open(os.path.join(folder, name), encoding="utf-8", errors="replace").read().partition("\n")
            out.write(json.dumps({"id": name, "title": title, "text": text}) + "\n")
            n += 1
PY
[ $# -eq 0 ] && set -- target/release/chancery
for binary in "$@"; do
    for set in reuters bbc; do
        docs=$(wc -l < "$work/$set.jsonl")
        /usr/bin/time -f "%U" -o "$work/time" "$binary" analyze --jsonl "$work/$set.jsonl" > /dev/null
        user=$(cat "$work/time")
        echo "$binary $set: $docs documents, ${user} s user, $(python3 -c "print(round($docs / max($user, 0.01)))") documents per CPU-second"
    done
done
