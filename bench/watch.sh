#!/usr/bin/env bash
# Watch benchmark (issue 15): `chancery watch --once` against a fixture news
# web on loopback (crates/chancery-watch/examples/news_fixture.rs).
#
#   bench/watch.sh [HOSTS] [PAGES_PER_HOST] [QUEUED_URLS]
#
# With CHECK=1 it fails unless every page is stored exactly once, nothing
# reached the trap and a second run stores nothing (QUEUED_URLS 0 skips the
# memory run); .ci/run runs it so, small. Speed is not checked (shared
# machines), only printed.
#
# 1. Throughput: HOSTS hosts (127.0.0.1…), each an RSS feed of PAGES pages,
#    five of its neighbour's items again with tracking parameters, a link to
#    a trap host and a redirect into it (a non-public address the guard must
#    refuse: the watcher runs with --allow-address for the HOSTS hosts only,
#    not --allow-private), and a page robots.txt disallows. Politeness stays
#    on: one request at a time per host, 50 ms between two. Prints pages/s
#    (fetched, analysed and stored, over the whole run), the articles stored
#    against the pages that exist, URL duplicates in the store, and the
#    requests that reached the trap.
# 2. Memory: a sitemap index of QUEUED_URLS URLs queued, 2,000 of them
#    fetched (--fetch-limit), peak RSS of the watcher.
#
# Needs /usr/bin/time (Debian package `time`) and sqlite3.
set -euo pipefail
cd "$(dirname "$0")/.."
hosts=${1:-20}
pages=${2:-100}
big=${3:-100000}
[ -x /usr/bin/time ] || { echo "needs /usr/bin/time (apt-get install time)" >&2; exit 1; }
command -v sqlite3 >/dev/null || { echo "needs sqlite3 (apt-get install sqlite3)" >&2; exit 1; }

cargo build --release --locked -p chancery >&2
cargo build --release --locked -p chancery-watch --features fixture --example news_fixture >&2
target=${CARGO_TARGET_DIR:-./target}
chancery=$target/release/chancery
fixture=$target/release/examples/news_fixture
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

. bench/news-fixture.sh
cpu() {
    local user sys
    user=$(sed -n 's/.*User time (seconds): //p' "$1")
    sys=$(sed -n 's/.*System time (seconds): //p' "$1")
    echo "watcher CPU: user $user s, system $sys s; load average $(cut -d' ' -f1-3 /proc/loadavg)"
}

echo "== throughput: $hosts hosts x $pages pages, politeness on (50 ms per host)"
start_fixture --hosts "$hosts" --pages "$pages" --sources "$work/sources.txt"
/usr/bin/time -v "$chancery" watch --once --quiet --sources "$work/sources.txt" \
    --data "$work/data" "${allow[@]}" --host-delay-ms 50 --rate 1000 --workers "$hosts" \
    2> "$work/log" || { cat "$work/log" >&2; exit 1; }
grep '^chancery: watch:' "$work/log"
kb=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$work/log")
echo "peak RSS $((kb / 1024)) MB"
cpu "$work/log"
stored=$(sqlite3 "$work/data/chancery.db" 'SELECT count(*) FROM articles')
duplicates=$(sqlite3 "$work/data/chancery.db" 'SELECT count(*) - count(DISTINCT url) FROM articles')
echo "articles stored: $stored of $((hosts * pages)) pages"
echo "URL duplicates in the store: $duplicates"
echo "second run:"
"$chancery" watch --once --quiet --sources "$work/sources.txt" --data "$work/data" "${allow[@]}" \
    --host-delay-ms 50 --rate 1000 --workers "$hosts" 2> "$work/log2" || { cat "$work/log2" >&2; exit 1; }
grep '^chancery: watch:' "$work/log2"
again=$(sed -n 's/^chancery: watch: \([0-9]*\) new articles.*/\1/p' "$work/log2")
stop_fixture > "$work/fixture"
cat "$work/fixture"
forbidden=$(sed -n 's/^forbidden requests: //p' "$work/fixture")
if [ "${CHECK:-0}" = 1 ]; then
    [ "$stored" = $((hosts * pages)) ] || { echo "FAIL: $stored articles stored, $((hosts * pages)) pages exist" >&2; exit 1; }
    [ "$duplicates" = 0 ] || { echo "FAIL: $duplicates duplicate articles" >&2; exit 1; }
    [ "$forbidden" = 0 ] || { echo "FAIL: $forbidden requests reached the forbidden address" >&2; exit 1; }
    [ "$again" = 0 ] || { echo "FAIL: the second run stored $again articles" >&2; exit 1; }
    echo "checks passed: every page stored once, no forbidden request, nothing new on the second run"
fi
[ "$big" -gt 0 ] || exit 0

echo "== memory: $big URLs queued from a sitemap index, 2,000 fetched"
rm -rf "$work/data"
start_fixture --hosts "$hosts" --pages 10 --big "$big" --sources "$work/sources.txt"
/usr/bin/time -v "$chancery" watch --once --quiet --sources "$work/sources.txt" \
    --data "$work/data" "${allow[@]}" --host-delay-ms 0 --rate 1000 --workers "$hosts" \
    --fetch-limit 2000 2> "$work/log" || { cat "$work/log" >&2; exit 1; }
grep '^chancery: watch:' "$work/log"
kb=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$work/log")
"$chancery" watch --status --data "$work/data" | tail -1
echo "peak RSS $((kb / 1024)) MB"
stop_fixture
