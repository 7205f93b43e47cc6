#!/usr/bin/env bash
# Cached pages, two builds of vetted against each other, taking turns (for a
# change to the page cache's hot path). Besides requests/s, which swings with
# whatever else the machine runs, each run reports the server's own CPU time
# per request (user + system, from /proc/PID/stat), which swings much less.
#
#   bash bench/cache-ab.sh OLD_BINARY NEW_BINARY
#
# Each round, for each binary: a fresh server on the demo's database, a
# warm-up, then `wrk -t2 -c64 -d10s` on the flagship article (one page, every
# request a hit) and on every URL of the sitemap in turn (bench/wrk/urls.lua:
# many keys). ROUNDS (5), DURATION (10s), SITE (demo), PORT (18193), EXTRA
# (flags for both servers, e.g. "--threads 2").
set -euo pipefail
cd "$(dirname "$0")/.."

A=${1:?old binary}
B=${2:?new binary}
ROUNDS=${ROUNDS:-5}
DURATION=${DURATION:-10s}
PORT=${PORT:-18193}
URL_PATH=${URL_PATH:-/relationships/sex-and-relationships/why-you-might-cry-during-sex/}
work=$(mktemp -d)
pid=""
cleanup() {
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

"$A" import "${SITE:-demo}" --db "$work/site.db" -q
ticks=$(getconf CLK_TCK)
cpu_ticks() { awk '{print $14 + $15}' "/proc/$pid/stat"; }

run() {  # binary label wrk-args...
  local bin=$1 label=$2
  shift 2
  # shellcheck disable=SC2086
  "$bin" serve --db "$work/site.db" --listen "127.0.0.1:$PORT" --access-log false ${EXTRA:-} 2>"$work/log" &
  pid=$!
  until curl -sf -o /dev/null "http://127.0.0.1:$PORT/healthz"; do sleep 0.05; done
  wrk -t2 -c64 -d3s "$@" >/dev/null  # warm-up: every page cached
  local t0 t1
  t0=$(cpu_ticks)
  wrk -t2 -c64 -d"$DURATION" "$@" >"$work/wrk.txt"
  t1=$(cpu_ticks)
  kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""
  awk -v label="$label" -v bin="$bin" -v cpu="$(( t1 - t0 ))" -v hz="$ticks" '
    /requests in/ {n = $1} /Requests\/sec/ {rps = $2}
    END {printf "%-10s %-40s %10.0f req/s %8.1f us CPU/request\n", label, bin, rps, cpu / hz * 1e6 / n}' \
    "$work/wrk.txt"
}

"$A" serve --db "$work/site.db" --listen "127.0.0.1:$PORT" --access-log false 2>/dev/null &
pid=$!
until curl -sf -o /dev/null "http://127.0.0.1:$PORT/healthz"; do sleep 0.05; done
curl -s "http://127.0.0.1:$PORT/sitemap.xml" | grep -o '<loc>[^<]*</loc>' |
  sed -e 's|<loc>[a-z]*://[^/]*||' -e 's|</loc>||' >"$work/urls"
kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""

echo "$(nproc) cores, $(date -u +%Y-%m-%dT%H:%MZ); wrk -t2 -c64 -d$DURATION; $(wc -l <"$work/urls") URLs in the sitemap"
for round in $(seq "$ROUNDS"); do
  for bin in "$A" "$B"; do
    run "$bin" "one-page" "http://127.0.0.1:$PORT$URL_PATH"
    URLS="$work/urls" run "$bin" "all-urls" -s bench/wrk/urls.lua "http://127.0.0.1:$PORT"
  done
done
