#!/usr/bin/env bash
# Checks the direction of chancery's tone (GDELT's definition over the VADER
# lexicon: percent positive minus percent negative words) against human
# sentiment ratings: the four labelled sets of Hutto & Gilbert (ICWSM 2014)
# that ship inside the PyPI package vaderSentiment 3.3.2 (MIT): NYT editorial
# snippets, movie and Amazon review snippets, tweets, each rated -4..+4 by
# twenty people. Prints, per set, how many snippets have a tone at all, the
# share of rated-positive/negative snippets (|mean rating| >= 0.5) whose tone
# has the same sign, and the correlation with the mean rating; and the same
# for VADER's own compound score, computed by the package in the same venv.
# Usage: bench/tone-agreement.sh [CHANCERY_BINARY]   (default: a release build)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
chancery="${1:-}"
if [ -z "$chancery" ]; then
    cargo build --release --locked -p chancery --manifest-path "$root/Cargo.toml" >&2
    chancery="${CARGO_TARGET_DIR:-$root/target}/release/chancery"
fi
chancery="$(realpath "$chancery")"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
python3 -m venv "$work/venv"
"$work/venv/bin/pip" install --quiet --disable-pip-version-check "vadersentiment==3.3.2"
"$work/venv/bin/pip" download --quiet --disable-pip-version-check --no-deps --no-binary :all: \
    "vadersentiment==3.3.2" -d "$work"
tar xzf "$work/vaderSentiment-3.3.2.tar.gz" -C "$work"
tar xzf "$work/vaderSentiment-3.3.2/additional_resources/hutto_ICWSM_2014.tar.gz" -C "$work"
sets="$work/hutto_ICWSM_2014"
for name in nytEditorialSnippets movieReviewSnippets amazonReviewSnippets tweets; do
    "$work/venv/bin/python" - "$sets/${name}_GroundTruth.txt" > "$work/$name.jsonl" <<'PY'
import json, sys
for line in open(sys.argv[1], encoding="utf-8", errors="replace"):
    parts = line.rstrip("\n").split("\t")
    if len(parts) >= 3:
        print(json.dumps({"id": parts[0], "text": parts[2]}))
PY
    "$chancery" analyze --jsonl --body-only "$work/$name.jsonl" > "$work/$name.out.jsonl"
done
"$work/venv/bin/python" - "$sets" "$work" <<'PY'
import json, math, sys
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer
sets, work = sys.argv[1:]
vader = SentimentIntensityAnalyzer()

def pearson(xs, ys):
    n = len(xs)
    mx, my = sum(xs) / n, sum(ys) / n
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys))
    sxx = sum((x - mx) ** 2 for x in xs)
    syy = sum((y - my) ** 2 for y in ys)
    return sxy / math.sqrt(sxx * syy) if sxx and syy else float("nan")

def agreement(pairs):
    # Snippets the raters call positive or negative (|mean| >= 0.5) and the
    # scorer does not call neutral: the share with the same sign.
    decided = [(g, s) for g, s in pairs if abs(g) >= 0.5 and s != 0]
    same = sum(1 for g, s in decided if (g > 0) == (s > 0))
    return same, len(decided)

print("| set | snippets | with a tone ≠ 0 | chancery sign agreement | chancery r | VADER compound sign agreement | VADER r |")
print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
for name in ["nytEditorialSnippets", "movieReviewSnippets", "amazonReviewSnippets", "tweets"]:
    gold, text = {}, {}
    for line in open(f"{sets}/{name}_GroundTruth.txt", encoding="utf-8", errors="replace"):
        parts = line.rstrip("\n").split("\t")
        if len(parts) >= 3:
            gold[parts[0]] = float(parts[1])
            text[parts[0]] = parts[2]
    tone = {}
    for line in open(f"{work}/{name}.out.jsonl", encoding="utf-8"):
        a = json.loads(line)
        t = a.get("tone")
        # No tone value: no words, or a language without a lexicon.
        tone[a["external_id"]] = (t or {}).get("tone") or 0.0
    ids = [i for i in gold if i in tone]
    ours = [(gold[i], tone[i]) for i in ids]
    theirs = [(gold[i], vader.polarity_scores(text[i])["compound"]) for i in ids]
    s1, n1 = agreement(ours)
    s2, n2 = agreement(theirs)
    nonzero = sum(1 for _, t in ours if t != 0)
    print(f"| {name} | {len(ids)} | {nonzero} ({100*nonzero/len(ids):.1f}%) | "
          f"{100*s1/n1:.1f}% of {n1} | {pearson(*zip(*ours)):.3f} | "
          f"{100*s2/n2:.1f}% of {n2} | {pearson(*zip(*theirs)):.3f} |")
PY
