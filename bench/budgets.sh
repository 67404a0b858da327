#!/usr/bin/env bash
# Work budgets (issue 21): analysis CPU time (user + system, so other work on
# a shared machine does not count) and store growth against input size,
# on varied text of 1, 2, 4 and 8 MB (bench/varied_text.py) and on the
# output-explosion shape ("the market said rates rose and the bank said
# sales fell." on 14,000 lines). Fails when a floor is missed:
#   analysis time 1 MB -> 8 MB grows at most 10x;
#   1 MB of input grows the store by at most 50 MB.
#
# Usage: bench/budgets.sh [SIZES...]   (default: 1 2 4 8)
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("${@:-1 2 4 8}")
read -r -a sizes <<< "${sizes[*]}"
cargo build --release --locked -p chancery >&2
bin="${CARGO_TARGET_DIR:-$PWD/target}/release/chancery"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

cpu_seconds() { # runs "$@" (stdout to $OUT), prints user+system CPU seconds
    /usr/bin/time -f '%U %S' -o "$tmp/time.txt" "$@" > "$OUT"
    awk '{ print $1 + $2 }' "$tmp/time.txt"
}

printf '%-12s %10s %10s %12s %12s %8s\n' input bytes analyze_cpu_s json_bytes store_bytes store/in
declare -A time
for mb in "${sizes[@]}"; do
    python3 bench/varied_text.py "$mb" > "$tmp/varied-$mb.txt"
done
python3 bench/varied_text.py --said 14000 > "$tmp/said.txt"
fail=0
for name in $(for mb in "${sizes[@]}"; do echo "varied-$mb"; done) said; do
    file="$tmp/$name.txt"
    bytes=$(stat -c %s "$file")
    t=$(OUT="$tmp/$name.json" cpu_seconds "$bin" analyze --max-bytes 100000000 "$file")
    time[$name]=$t
    json=$(stat -c %s "$tmp/$name.json")
    data="$tmp/data-$name"
    "$bin" ingest --quiet --max-bytes 100000000 --data "$data" "$file" >/dev/null 2>&1 || true
    store=$(du -sb "$data" | cut -f1)
    ratio=$(echo "scale=1; $store / $bytes" | bc)
    printf '%-12s %10d %10.2f %12d %12d %8s\n' "$name" "$bytes" "$t" "$json" "$store" "$ratio"
    if [ "$(echo "$store > 50 * $bytes" | bc)" = 1 ]; then
        echo "FLOOR MISSED: $name grew the store by $ratio x its size (floor 50x)" >&2
        fail=1
    fi
done
first="varied-${sizes[0]}"
last="varied-${sizes[-1]}"
growth=$(echo "scale=2; ${time[$last]} / ${time[$first]}" | bc)
input=$(echo "${sizes[-1]} / ${sizes[0]}" | bc)
echo "time $first -> $last: ${growth}x for ${input}x the input"
if [ "$(echo "$growth > 10 * $input / 8" | bc)" = 1 ]; then
    echo "FLOOR MISSED: time grew ${growth}x (floor 10x for 8x the input)" >&2
    fail=1
fi
exit $fail
