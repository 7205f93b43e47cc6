#!/usr/bin/env bash
# Several vetted nodes on one PostgreSQL database, behind nginx (deploy/nginx.conf) and HAProxy
# (deploy/haproxy.cfg) as they are, against one node; and PostgreSQL against SQLite on the same work. Everything on 127.0.0.1, PostgreSQL in a throwaway
# cluster under /tmp (scripts/pg-test-cluster.sh, fsync on: durable commits are part of what is measured).
#
#   bash bench/nodes.sh
#
# VETTED: the binary (build/vetted). SITE: the site imported (demo). DURATION: seconds per wrk run (10).
# CONNECTIONS: wrk connections (64). Needs nginx, haproxy, wrk, curl, PostgreSQL.
#
# What it prints:
#   1. a cached article page through nginx: one node, then two nodes (requests/s, latency p50/p99), then
#      through HAProxy with two nodes;
#   2. a search results page (one query, repeated) on one node: PostgreSQL and SQLite;
#   3. durable reader feedback (POST /api/feedback, each acknowledged once committed): PostgreSQL and SQLite;
#   4. uncached rendering (--no-cache: every article page of the site in turn, each rendered for its
#      request, related articles asked of the store): PostgreSQL and SQLite;
#   5. the search page of 2. on a node that reads a streaming replica (--db-read; pg_basebackup of the
#      cluster, scripts/pg-test-cluster.sh replica).
set -euo pipefail
cd "$(dirname "$0")/.."

VETTED=${VETTED:-build/vetted}
SITE=${SITE:-demo}
DURATION=${DURATION:-10}
CONNECTIONS=${CONNECTIONS:-64}
PAGE=${PAGE:-/relationships/sex-and-relationships/why-you-might-cry-during-sex/}
for tool in nginx haproxy wrk curl; do
  command -v "$tool" >/dev/null || { echo "nodes.sh: $tool is missing (bash scripts/install-deps.sh)" >&2; exit 2; }
done
[ -x "$VETTED" ] || { echo "nodes.sh: $VETTED is not built (make)" >&2; exit 2; }
VETTED=$(cd "$(dirname "$VETTED")" && pwd)/$(basename "$VETTED")

work=$(mktemp -d /tmp/vetted-nodes.XXXXXX)
chmod 755 "$work"
pgdir="$work/pg"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  bash scripts/pg-test-cluster.sh stop "$pgdir-replica" || true
  bash scripts/pg-test-cluster.sh stop "$pgdir" || true
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_up() {  # port
  for _ in $(seq 1 200); do curl -sf -o /dev/null "http://127.0.0.1:$1/healthz" && return 0; sleep 0.05; done
  echo "nodes.sh: nothing answers on port $1" >&2; exit 1
}
serve() {  # db port [more serve options] -> starts a node
  local db=$1 port=$2
  shift 2
  "$VETTED" serve --db "$db" --listen "127.0.0.1:$port" --access-log false --feedback-rate 100000000 \
    --feedback-burst 100000000 "$@" >"$work/node-$port.log" 2>&1 &
  pids+=($!)
  wait_up "$port"
}
stop_all() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  pids=()
}
report() {  # label wrk-output
  local rps p50 p99
  rps=$(grep -oP 'Requests/sec:\s+\K[0-9.]+' <<<"$2")
  p50=$(grep -oP '^\s+50%\s+\K\S+' <<<"$2")
  p99=$(grep -oP '^\s+99%\s+\K\S+' <<<"$2")
  errors=$(grep -oP 'Non-2xx or 3xx responses: \K[0-9]+' <<<"$2" || echo 0)
  printf '  %-44s %9s req/s  p50 %8s  p99 %8s  non-2xx %s\n' "$1" "$rps" "$p50" "$p99" "$errors"
}
run_wrk() {  # url [script]
  if [ -n "${2:-}" ]; then
    wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --latency -s "$2" "$1"
  else
    wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --latency "$1"
  fi
}

echo "machine: $(nproc) cores; load average before: $(cut -d' ' -f1-3 /proc/loadavg); $(date -u +%Y-%m-%dT%H:%MZ)"
PG_FSYNC=on bash scripts/pg-test-cluster.sh start "$pgdir"
pg="postgresql:///postgres?host=$pgdir&user=postgres"
sqlite="$work/site.db"
"$VETTED" import "$SITE" --db "$pg" -q
"$VETTED" import "$SITE" --db "$sqlite" -q

# 1. Through nginx (deploy/nginx.conf): one node, then two.
lb=$(free_port) n1=$(free_port) n2=$(free_port)
serve "$pg" "$n1"
serve "$pg" "$n2"
mkdir -p "$work/nginx"
sed -e "s/@LISTEN@/127.0.0.1:$lb/" -e "s/@NODE1@/127.0.0.1:$n1/" -e "s/@NODE2@/127.0.0.1:$n2/" deploy/nginx.conf \
  >"$work/nginx/site.conf"
one="$work/nginx/one.conf"
sed -e "/@NODE2@/d" -e "s/@LISTEN@/127.0.0.1:$lb/" -e "s/@NODE1@/127.0.0.1:$n1/" deploy/nginx.conf >"$one"
main_conf() {  # site-conf
  cat <<CONF
worker_processes 1;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $work/nginx/body;
  proxy_temp_path $work/nginx/proxy;
  fastcgi_temp_path $work/nginx/fastcgi;
  uwsgi_temp_path $work/nginx/uwsgi;
  scgi_temp_path $work/nginx/scgi;
  include $1;
}
CONF
}
echo "1. a cached article page through nginx (deploy/nginx.conf), PostgreSQL, $CONNECTIONS connections, ${DURATION}s:"
for conf in "$one" "$work/nginx/site.conf"; do
  main_conf "$conf" >"$work/nginx/nginx.conf"
  nginx -c "$work/nginx/nginx.conf" -p "$work/nginx" -g 'daemon off;' &
  ngx=$!
  for _ in $(seq 1 100); do curl -sf -o /dev/null "http://127.0.0.1:$lb$PAGE" && break; sleep 0.05; done
  label=$([ "$conf" = "$one" ] && echo "one node" || echo "two nodes")
  report "$label" "$(run_wrk "http://127.0.0.1:$lb$PAGE")"
  kill "$ngx"; wait "$ngx" 2>/dev/null || true
done
sed -e "s/@LISTEN@/127.0.0.1:$lb/" -e "s/@NODE1@/127.0.0.1:$n1/" -e "s/@NODE2@/127.0.0.1:$n2/" deploy/haproxy.cfg \
  >"$work/haproxy.cfg"
haproxy -c -q -f "$work/haproxy.cfg"
haproxy -db -f "$work/haproxy.cfg" >"$work/haproxy.log" 2>&1 &
hap=$!
for _ in $(seq 1 100); do curl -sf -o /dev/null "http://127.0.0.1:$lb$PAGE" && break; sleep 0.05; done
report "two nodes (HAProxy)" "$(run_wrk "http://127.0.0.1:$lb$PAGE")"
kill "$hap"; wait "$hap" 2>/dev/null || true
stop_all

# 2 and 3: one node straight, PostgreSQL then SQLite.
cat >"$work/feedback.lua" <<'LUA'
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"article": "/relationships/sex-and-relationships/why-you-might-cry-during-sex/", "helpful": true, "category": "helpful", "comment": ""}'
LUA
echo "2. a search results page (/search?q=sex, the same query again and again), one node, and"
echo "3. durable feedback (POST /api/feedback, answered once committed), one node:"
for db in "$pg" "$sqlite"; do
  label=$([ "$db" = "$pg" ] && echo PostgreSQL || echo SQLite)
  port=$(free_port)
  serve "$db" "$port"
  report "$label: search" "$(run_wrk "http://127.0.0.1:$port/search?q=sex")"
  report "$label: feedback" "$(run_wrk "http://127.0.0.1:$port/api/feedback" "$work/feedback.lua")"
  stop_all
done

# 4. Uncached rendering: every article page in turn, rendered for each request.
echo "4. uncached rendering (--no-cache, every page of the sitemap in turn), one node:"
for db in "$pg" "$sqlite"; do
  label=$([ "$db" = "$pg" ] && echo PostgreSQL || echo SQLite)
  port=$(free_port)
  serve "$db" "$port" --no-cache
  curl -s "http://127.0.0.1:$port/sitemap.xml" | grep -o '<loc>[^<]*</loc>' |
    sed -e 's|<loc>[a-z]*://[^/]*||' -e 's|</loc>||' >"$work/urls.txt"
  URLS="$work/urls.txt" wrk -t2 -c8 -d2s -s bench/wrk/urls.lua "http://127.0.0.1:$port" >/dev/null  # warm-up
  report "$label: uncached pages ($(wc -l <"$work/urls.txt") URLs)" \
    "$(URLS="$work/urls.txt" run_wrk "http://127.0.0.1:$port" bench/wrk/urls.lua)"
  stop_all
done

# 5. Search on a node whose reads go to a streaming replica.
bash scripts/pg-test-cluster.sh replica "$pgdir-replica" "$pgdir"
port=$(free_port)
serve "$pg" "$port" --db-read "postgresql:///postgres?host=$pgdir-replica&user=postgres"
echo "5. the search page of 2. on a node reading a streaming replica (--db-read):"
report "PostgreSQL + replica: search" "$(run_wrk "http://127.0.0.1:$port/search?q=sex")"
echo "   reads: $(curl -s "http://127.0.0.1:$port/healthz" | grep -o '"read_replica":{[^}]*}')"
stop_all
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
