# The fixture news web of crates/chancery-watch/examples/news_fixture.rs, for
# the benchmarks that watch it (sourced; the caller sets `fixture`, the
# example's binary, and `work`, a scratch directory).

# Starts the fixture with "$@" (its standard input a FIFO we hold open);
# sets allow (the --allow-address flags).
start_fixture() {
    rm -f "$work/in" "$work/fixture.out"
    mkfifo "$work/in"
    "$fixture" "$@" < "$work/in" > "$work/fixture.out" &
    fixture_pid=$!
    exec {fixture_in}>"$work/in"
    for _ in $(seq 600); do
        grep -q '^ready' "$work/fixture.out" 2>/dev/null && break
        sleep 0.1
    done
    grep -q '^ready' "$work/fixture.out" || { echo "the fixture did not start" >&2; exit 1; }
    allow=()
    for ip in $(sed -n 's/^ready //p' "$work/fixture.out"); do allow+=(--allow-address "$ip"); done
}

# Stops it (closing its standard input) and prints what it counted.
stop_fixture() {
    exec {fixture_in}>&-
    wait "$fixture_pid" || true
    grep -v '^ready' "$work/fixture.out"
}
