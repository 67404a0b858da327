#!/usr/bin/env bash
# A throw-away PostgreSQL cluster for the queue's tests and benchmarks:
#
#   scripts/pg_throwaway.sh start DIR [PORT]   initdb into DIR, start it on
#                                              127.0.0.1:PORT (default 54329),
#                                              print the connection URL
#                                              (PG_DURABLE=1: fsync on)
#   scripts/pg_throwaway.sh stop DIR           stop it (then rm -rf DIR)
#
# It needs the server binaries (Debian: apt-get install postgresql). The
# cluster trusts local connections and listens on loopback only: for tests,
# never for data. PostgreSQL refuses to run as root, so as root the cluster
# is owned and run by the `postgres` user the Debian package creates.
set -euo pipefail

usage() {
    echo "usage: $0 start DIR [PORT] | stop DIR" >&2
    exit 2
}
[ $# -ge 2 ] || usage
action=$1
dir=$2
port=${3:-54329}

bin=""
for candidate in /usr/lib/postgresql/*/bin; do
    [ -x "$candidate/initdb" ] && bin=$candidate
done
if [ -z "$bin" ] && command -v initdb >/dev/null; then
    bin=$(dirname "$(command -v initdb)")
fi
if [ -z "$bin" ]; then
    echo "$0: no PostgreSQL server found (initdb); install it: apt-get install -y postgresql" >&2
    exit 1
fi

# Runs a server binary as a user PostgreSQL accepts.
as_owner() {
    if [ "$(id -u)" = 0 ]; then
        su postgres -s /bin/sh -c "$(printf '%q ' "$@")"
    else
        "$@"
    fi
}

case $action in
start)
    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd)
    if [ "$(id -u)" = 0 ]; then
        chown postgres "$dir"
    fi
    if [ ! -f "$dir/PG_VERSION" ]; then
        as_owner "$bin/initdb" -D "$dir" -U postgres --auth=trust --encoding=UTF8 --no-locale >"$dir.initdb.log" 2>&1 || {
            cat "$dir.initdb.log" >&2
            exit 1
        }
    fi
    # The socket in the cluster's own folder. A test cluster needs no
    # durability across power loss, so fsync is off (faster CI, same
    # semantics); PG_DURABLE=1 keeps PostgreSQL's defaults (benchmarks).
    durability="-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    if [ "${PG_DURABLE:-0}" = 1 ]; then
        durability=""
    fi
    as_owner "$bin/pg_ctl" -D "$dir" -l "$dir/server.log" -w -t 60 \
        -o "-h 127.0.0.1 -p $port -k $dir $durability" \
        start >/dev/null || {
        cat "$dir/server.log" >&2
        exit 1
    }
    echo "postgres://postgres@127.0.0.1:$port/postgres"
    ;;
stop)
    dir=$(cd "$dir" && pwd)
    as_owner "$bin/pg_ctl" -D "$dir" -m fast -w stop >/dev/null
    ;;
*)
    usage
    ;;
esac
