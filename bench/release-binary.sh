# Sourced by bench scripts: sets $binary to the chancery given (may be
# empty) or to a release build of this checkout, and $work to a temporary
# directory removed on exit. Needs /usr/bin/time.
[ -x /usr/bin/time ] || { echo "needs /usr/bin/time (apt-get install time)" >&2; exit 1; }
if [ -z "$binary" ]; then
    cargo build --release --locked -p chancery >&2
    binary=${CARGO_TARGET_DIR:-./target}/release/chancery
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
