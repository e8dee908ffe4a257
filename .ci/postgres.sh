#!/usr/bin/env bash
# Starts a throwaway PostgreSQL (Debian's packages) on 127.0.0.1 for the tests.
# Usage: .ci/postgres.sh start DIR PORT   (prints the connection URL)
#        .ci/postgres.sh stop DIR
set -euo pipefail
cmd=$1
dir=$2
bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
case "$cmd" in
  start)
    port=$3
    mkdir -p "$dir"
    [ "$(id -u)" = 0 ] && chown postgres "$dir"
    as_postgres "$bin/initdb" -D "$dir/data" -U optuna --auth=trust >"$dir/initdb.log" 2>&1
    as_postgres "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
      -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$dir -c fsync=off" start >/dev/null
    as_postgres "$bin/createdb" -h 127.0.0.1 -p "$port" -U optuna optuna
    echo "postgresql://optuna@127.0.0.1:$port/optuna"
    ;;
  stop)
    as_postgres "$bin/pg_ctl" -D "$dir/data" -m fast stop >/dev/null || true
    ;;
esac
