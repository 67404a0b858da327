#!/usr/bin/env bash
# The story step of ingest against the size of the corpus: a corpus of N
# synthetic articles (bench/synthetic_news.py) is ingested, then the same
# 1,000 further articles are ingested into it; the second run's "story step"
# (open the saved clusterer, cluster the new articles, save stories and
# state) should not grow with N. For contrast the same 1,000 are ingested
# once more into a copy whose saved clusterer was deleted, which makes the
# ingest rebuild it by replaying the corpus (the pre-issue-18 behaviour).
# "settle" is the settle pass at the end of the run (the latest articles
# re-clustered at once, bounded by the settle window), part of the story step.
#
#   bench/stories-ingest.sh [--binary PATH] [N ...]   (default: 2000 20000;
#                                        PATH: a chancery to measure instead
#                                        of a release build of this checkout)
#   UNDATED=1 bench/stories-ingest.sh …  (the articles without dates)
#   REPLAY=0 bench/stories-ingest.sh …   (skip the replay contrast: at 200k it
#                                          costs as much as the base ingest)
set -euo pipefail
cd "$(dirname "$0")/.."
binary=
if [ "${1:-}" = --binary ]; then
    binary=$2
    shift 2
fi
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(2000 20000)
. bench/release-binary.sh
chancery=$binary

largest=0
for n in "${sizes[@]}"; do [ "$n" -gt "$largest" ] && largest=$n; done
python3 bench/synthetic_news.py $((largest + 1000)) > "$work/all.jsonl"
if [ "${UNDATED:-0}" = 1 ]; then
    # Without dates no story retires and the whole settle window is
    # re-clustered every time: the worst case for the settle pass.
    python3 -c '
import json, sys
for line in sys.stdin:
    d = json.loads(line)
    d.pop("published", None)
    print(json.dumps(d))' < "$work/all.jsonl" > "$work/undated.jsonl"
    mv "$work/undated.jsonl" "$work/all.jsonl"
fi
# The extra articles: the last 1,000 (ids above every base corpus).
tail -n 1000 "$work/all.jsonl" > "$work/extra.jsonl"

step() { sed -n 's/^  story step: *\([0-9.]*\) s.*/\1/p' "$1"; }
settle() { sed -n 's/^  settle pass: *\([0-9.]*\) s.*/\1/p' "$1"; }
rate() { sed -n 's/^chancery: [0-9]* documents in [0-9.]* s (\([0-9]*\) docs\/s).*/\1/p' "$1"; }

printf '%8s  %14s %10s  %22s %18s %14s  %24s\n' corpus "base docs/s" "base step" "+1,000: story step (s)" "of it, settle (s)" "+1,000 docs/s" "+1,000, replayed (s)"
for n in "${sizes[@]}"; do
    rm -rf "$work/data" "$work/copy" "$work/replay.log"
    head -n "$n" "$work/all.jsonl" > "$work/base.jsonl"
    "$chancery" ingest --quiet --data "$work/data" "$work/base.jsonl" 2> "$work/base.log"
    if [ "${REPLAY:-1}" != 0 ]; then cp -r "$work/data" "$work/copy"; fi
    "$chancery" ingest --quiet --data "$work/data" "$work/extra.jsonl" 2> "$work/extra.log"
    if [ "${REPLAY:-1}" != 0 ]; then
        # Without the saved clusterer: the ingest replays the corpus first.
        python3 - "$work/copy/chancery.db" <<'PY'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
c.executescript("DELETE FROM story_state; DELETE FROM story_clusters;")
c.commit()
PY
        "$chancery" ingest --quiet --data "$work/copy" "$work/extra.jsonl" 2> "$work/replay.log"
    fi
    printf '%8s  %14s %10s  %22s %18s %14s  %24s\n' "$n" "$(rate "$work/base.log")" "$(step "$work/base.log")" \
        "$(step "$work/extra.log")" "$(settle "$work/extra.log")" "$(rate "$work/extra.log")" "$( [ -f "$work/replay.log" ] && step "$work/replay.log" || echo -)"
done
