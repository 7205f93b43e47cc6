#!/usr/bin/env bash
# The throwaway PostgreSQL cluster the tests use (never a system cluster):
#   pg-test-cluster.sh start DIR   initdb in DIR/data (once) and start it, listening only on a
#                                  Unix socket in DIR; does nothing when it is running already
#   pg-test-cluster.sh stop DIR    stop it and delete DIR
#   pg-test-cluster.sh halt DIR    stop it, keeping its data (`start` brings it back): an outage
#   pg-test-cluster.sh replica DIR PRIMARY_DIR
#                                  a streaming replica (hot standby) of the running cluster in
#                                  PRIMARY_DIR: pg_basebackup into DIR/data (once), then started
#                                  on a Unix socket in DIR; does nothing when it is running already
# As root, PostgreSQL runs as the `postgres` user (it refuses to run as root). The cluster
# trades durability for speed (fsync off) unless PG_FSYNC=on (benchmarks of durable writes).
# PG_WALDIR: `start` puts the WAL there (initdb -X) rather than in DIR/data; PG_OPTIONS: more
# server options (-c name=value ...). The full-disk test uses both.
set -euo pipefail
cmd=${1:?usage: pg-test-cluster.sh start|stop|halt DIR, or replica DIR PRIMARY_DIR}
dir=${2:?usage: pg-test-cluster.sh start|stop|halt DIR, or replica DIR PRIMARY_DIR}
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
  echo "pg-test-cluster: PostgreSQL is not installed (scripts/install-deps.sh installs the postgresql package)" >&2
  exit 1
fi
as_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

server_options="-k $dir -c listen_addresses='' -c fsync=${PG_FSYNC:-off} -c full_page_writes=${PG_FSYNC:-off} -c max_connections=300 ${PG_OPTIONS:-}"

case $cmd in
  replica)
    primary=${3:?usage: pg-test-cluster.sh replica DIR PRIMARY_DIR}
    mkdir -p "$dir"
    if [ "$(id -u)" -eq 0 ]; then chown postgres: "$dir"; fi
    exec 9>>"$dir/.lock"
    flock 9
    if [ -f "$dir/data/postmaster.pid" ] && as_pg "$bin/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
      exit 0
    fi
    if [ ! -f "$dir/data/PG_VERSION" ]; then
      # -R: standby.signal and primary_conninfo (the primary's socket), so it starts as a hot standby.
      if ! as_pg "$bin/pg_basebackup" -h "$primary" -U postgres -D "$dir/data" -R -X stream -c fast \
        >"$dir/basebackup.log" 2>&1 9>&-; then
        cat "$dir/basebackup.log" >&2
        exit 1
      fi
    fi
    if ! as_pg "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 -o "$server_options" \
      start >/dev/null 9>&-; then
      cat "$dir/server.log" >&2
      exit 1
    fi
    ;;
  start)
    mkdir -p "$dir"
    if [ "$(id -u)" -eq 0 ]; then chown postgres: "$dir"; fi
    exec 9>>"$dir/.lock"
    flock 9  # parallel test processes: one starts it, the others wait
    if [ -f "$dir/data/postmaster.pid" ] && as_pg "$bin/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
      exit 0
    fi
    if [ ! -f "$dir/data/PG_VERSION" ]; then
      if ! as_pg "$bin/initdb" -D "$dir/data" ${PG_WALDIR:+-X "$PG_WALDIR"} -A trust -U postgres -E UTF8 \
        --locale=C --no-sync >"$dir/initdb.log" 2>&1 9>&-; then
        cat "$dir/initdb.log" >&2
        exit 1
      fi
    fi
    if ! as_pg "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 -o "$server_options" \
      start >/dev/null 9>&-; then  # 9>&-: the server must not inherit (and hold) the lock
      cat "$dir/server.log" >&2
      exit 1
    fi
    ;;
  halt)
    as_pg "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null
    ;;
  stop)
    if [ -f "$dir/data/postmaster.pid" ]; then
      as_pg "$bin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
    fi
    rm -rf "$dir"
    ;;
  *)
    echo "usage: pg-test-cluster.sh start|stop|halt DIR, or replica DIR PRIMARY_DIR" >&2
    exit 2
    ;;
esac
