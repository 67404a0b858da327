#!/usr/bin/env bash
# bench/fuzz.sh [SECONDS] [TARGET...]: runs each cargo-fuzz target of fuzz/
# (all of them by default) for SECONDS of fuzzing (default 120) and prints one
# line per target: runs, runs per second, corpus size, and whether it crashed.
# Needs a nightly toolchain, a C++ compiler and cargo-fuzz
# (`cargo install cargo-fuzz`). The extraction targets start from the
# extraction fixtures; the others from what libFuzzer generates. A crash is
# kept under fuzz/artifacts/<target>/ (see fuzz/README.md to replay it);
# the script exits 1 if any target crashed.
set -uo pipefail
seconds="${1:-120}"
[ $# -gt 0 ] && shift
cd "$(dirname "$0")/../fuzz" || exit 2
root="$(cd .. && pwd)"
if [ $# -gt 0 ]; then targets=("$@"); else mapfile -t targets < <(cargo +nightly fuzz list); fi
crashed=0
for target in "${targets[@]}"; do
    mkdir -p "corpus/$target"
    case "$target" in
        extract_*) cp -n "$root"/crates/chancery-extract/tests/fixtures/html/* \
                         "$root"/crates/chancery-extract/tests/fixtures/text/* "corpus/$target/" 2>/dev/null ;;
    esac
    log="$(mktemp)"
    cargo +nightly fuzz run "$target" "corpus/$target" -- \
        -max_total_time="$seconds" -max_len=65536 -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
        >"$log" 2>&1
    status=$?
    runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)
    speed=$(grep -o 'stat::average_exec_per_sec: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)
    files=$(find "corpus/$target" -type f | wc -l)
    if [ "$status" -ne 0 ]; then
        crashed=1
        echo "$target: CRASHED (exit $status) after ${runs:-?} runs; log $log"
        grep -m 5 -E 'panicked|ERROR|SUMMARY|Test unit written' "$log"
    else
        echo "$target: ${runs:-?} runs in ${seconds} s (${speed:-?}/s), corpus $files inputs, no crash"
        rm -f "$log"
    fi
done
exit "$crashed"
