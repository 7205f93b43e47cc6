#!/usr/bin/env bash
# Cached article page: vetted against nginx, side by side, on loopback.
#
#   bash bench/serve-vs-nginx.sh              # the demo: imported, exported, both served
#   bench/serve-vs-nginx.sh OUT [URL_PATH]    # an exported folder and your own SERVE_CMD
#
# Without arguments, SITE (default demo/) is imported into a fresh database,
# `vetted export` writes the folder nginx serves, and vetted serves the same
# database. OUT is otherwise a built or exported site folder; URL_PATH defaults
# to the demo's flagship article. nginx (Debian
# package) serves OUT from its own temporary config: worker_processes auto,
# sendfile on, open_file_cache, access_log off, keep-alive without a request
# cap, gzip off. vetted is started as $SERVE_CMD, where PORT is replaced by its
# port (default: build/vetted serve --db vetted.db --listen 127.0.0.1:PORT).
# Each server gets a warm-up run, then `wrk -t2 -c64 -d10s --latency`, one
# server at a time.
#
# The main comparison is identity responses: wrk sends no Accept-Encoding, so
# both send the page uncompressed. GZIP=1 adds a second pair of runs with
# "Accept-Encoding: gzip": vetted answers from its cached gzip copy, nginx
# compresses each response (gzip on, gzip_comp_level 1), as nginx is usually
# configured without gzip_static.
#
# Environment: VETTED_THREADS (vetted's --threads; default one per core), SERVE_CMD, NGINX_PORT (28471), VETTED_PORT (28472),
# DURATION (10s), WARMUP (3s), CONNECTIONS (64), WRK_THREADS (2), GZIP (0).
set -euo pipefail

OUT=${1:-}
URL_PATH=${2:-/relationships/sex-and-relationships/why-you-might-cry-during-sex/}
VETTED=${VETTED:-build/vetted}
ROUNDS=${ROUNDS:-1}
NGINX_PORT=${NGINX_PORT:-28471}
VETTED_PORT=${VETTED_PORT:-28472}
DURATION=${DURATION:-10s}
WARMUP=${WARMUP:-3s}
CONNECTIONS=${CONNECTIONS:-64}
WRK_THREADS=${WRK_THREADS:-2}
GZIP=${GZIP:-0}
work=$(mktemp -d /tmp/serve-vs-nginx.XXXXXX)
chmod 755 "$work"  # nginx workers run as nobody
if [[ -z "$OUT" ]]; then
  "$VETTED" import "${SITE:-demo}" --db "$work/site.db" -q
  "$VETTED" export --db "$work/site.db" -o "$work/out" -q
  OUT="$work/out"
  # nginx runs with access_log off; so does vetted (ACCESS_LOG=true to compare with it on).
  SERVE_CMD=${SERVE_CMD:-$VETTED serve --db $work/site.db --listen 127.0.0.1:PORT --access-log ${ACCESS_LOG:-false} ${VETTED_THREADS:+--threads $VETTED_THREADS}}
fi
SERVE_CMD=${SERVE_CMD:-$VETTED serve --db vetted.db --listen 127.0.0.1:PORT}

for tool in nginx wrk curl; do
  command -v "$tool" >/dev/null || { echo "missing $tool (scripts/install-deps.sh installs it)" >&2; exit 1; }
done
OUT=$(cd "$OUT" && pwd)
[[ -f "$OUT${URL_PATH%/}/index.html" || -f "$OUT$URL_PATH" ]] || { echo "no page for $URL_PATH in $OUT" >&2; exit 1; }

for port in "$NGINX_PORT" "$VETTED_PORT"; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "port $port is already in use: set NGINX_PORT/VETTED_PORT" >&2
    exit 1
  fi
done

nginx_pid="" vetted_pid=""
cleanup() {
  [[ -n "$vetted_pid" ]] && kill "$vetted_pid" 2>/dev/null && wait "$vetted_pid" 2>/dev/null || true
  [[ -n "$nginx_pid" ]] && kill "$nginx_pid" 2>/dev/null && wait "$nginx_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# nginx's workers run as nobody: the site must be world-readable.
chmod -R a+rX "$OUT" 2>/dev/null || true
cat >"$work/nginx.conf" <<EOF
worker_processes auto;
pid $work/nginx.pid;
error_log $work/error.log warn;
events { worker_connections 4096; }
http {
  include /etc/nginx/mime.types;
  default_type application/octet-stream;
  sendfile on;
  tcp_nopush on;
  tcp_nodelay on;
  access_log off;
  keepalive_timeout 65;
  keepalive_requests 100000000;
  open_file_cache max=10000 inactive=60s;
  gzip $( [[ "$GZIP" == 1 ]] && echo on || echo off );
  gzip_comp_level 1;
  gzip_types text/css text/javascript application/json image/svg+xml application/xml;
  client_body_temp_path $work/body;
  proxy_temp_path $work/proxy;
  fastcgi_temp_path $work/fastcgi;
  uwsgi_temp_path $work/uwsgi;
  scgi_temp_path $work/scgi;
  server {
    listen 127.0.0.1:$NGINX_PORT;
    root $OUT;
    index index.html;
  }
}
EOF
nginx -c "$work/nginx.conf" -p "$work" -g 'daemon off;' &
nginx_pid=$!

cmd=${SERVE_CMD//PORT/$VETTED_PORT}
echo "vetted: $cmd" >&2
bash -c "exec $cmd" >"$work/vetted.log" 2>&1 &
vetted_pid=$!

wait_for() {  # port server-header
  for _ in $(seq 1 100); do
    if curl -s -o /dev/null "http://127.0.0.1:$1$URL_PATH"; then
      curl -sI "http://127.0.0.1:$1$URL_PATH" | grep -qi "^server: $2" && return 0
      echo "port $1 answers, but not as $2" >&2
      exit 1
    fi
    sleep 0.1
  done
  echo "nothing answers on port $1" >&2
  cat "$work/vetted.log" "$work/error.log" >&2 2>/dev/null || true
  exit 1
}
wait_for "$NGINX_PORT" nginx
wait_for "$VETTED_PORT" vetted

# One wrk run; prints "requests/s p50 p99".
measure() {  # port [header]
  local args=(-t"$WRK_THREADS" -c"$CONNECTIONS" --latency)
  [[ $# -gt 1 ]] && args+=(-H "$2")
  wrk "${args[@]}" -d"$WARMUP" "http://127.0.0.1:$1$URL_PATH" >/dev/null
  wrk "${args[@]}" -d"$DURATION" "http://127.0.0.1:$1$URL_PATH" >"$work/wrk.txt"
  local errors
  errors=$(grep -E "Non-2xx|Socket errors" "$work/wrk.txt" || true)
  [[ -n "$errors" ]] && echo "warning (port $1): $errors" >&2
  awk '/Requests\/sec/ {rps=$2} $1=="50%" {p50=$2} $1=="99%" {p99=$2} END {print rps, p50, p99}' "$work/wrk.txt"
}

row() {  # label port [header]
  local size
  size=$(curl -s -o /dev/null -w '%{size_download}' ${3:+-H "$3"} "http://127.0.0.1:$2$URL_PATH")
  read -r rps p50 p99 < <(measure "${@:2}")
  printf '%-22s %10s %9s %9s %9s\n' "$1" "$rps" "$p50" "$p99" "$size"
}

echo "page: $URL_PATH  wrk -t$WRK_THREADS -c$CONNECTIONS -d$DURATION --latency  ($(nproc) cores)"
printf '%-22s %10s %9s %9s %9s\n' server "req/s" p50 p99 bytes
for _ in $(seq 1 "$ROUNDS"); do
  row "nginx (identity)" "$NGINX_PORT"
  row "vetted (identity)" "$VETTED_PORT"
  if [[ "$GZIP" == 1 ]]; then
    row "nginx (gzip)" "$NGINX_PORT" "Accept-Encoding: gzip"
    row "vetted (gzip)" "$VETTED_PORT" "Accept-Encoding: gzip"
  fi
done
