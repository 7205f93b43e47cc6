#!/usr/bin/env bash
# Many concurrent keep-alive connections: CONNECTIONS (1000) readers hold a connection each for DURATION
# seconds (60) and load the site's pages (every URL of the sitemap in turn) as fast as the server answers.
# Fails (exit 1) on any error: a connection refused or reset, a timeout (10 s), an answer other than 2xx/3xx;
# and when the server is not healthy afterwards. Prints p50, p99, p99.9 and the maximum latency.
# Everything on 127.0.0.1.
#
#   bash bench/connections.sh                  # the full run (make soak runs it)
#   CONNECTIONS=1000 DURATION=5 bash bench/connections.sh   # the quick variant in make test
#
# VETTED: the binary (build/vetted). SITE: the site imported (demo). THREADS: the server's threads (0: one per
# core). Needs wrk and curl.
set -euo pipefail
cd "$(dirname "$0")/.."

VETTED=${VETTED:-build/vetted}
SITE=${SITE:-demo}
CONNECTIONS=${CONNECTIONS:-1000}
DURATION=${DURATION:-60}
THREADS=${THREADS:-0}
for tool in wrk curl; do
  command -v "$tool" >/dev/null || { echo "connections.sh: $tool is missing (bash scripts/install-deps.sh)" >&2; exit 2; }
done
[ -x "$VETTED" ] || { echo "connections.sh: $VETTED is not built (make)" >&2; exit 2; }
# Each connection is a file descriptor on both sides.
ulimit -n "$(( $(ulimit -Hn) < 65536 ? $(ulimit -Hn) : 65536 ))"

tmp=$(mktemp -d -p "${TMPDIR:-/tmp}" vetted-connections.XXXXXX)
pid=""
cleanup() {
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT

"$VETTED" import "$SITE" --db "$tmp/site.db" -q
"$VETTED" serve --db "$tmp/site.db" --listen 127.0.0.1:0 --threads "$THREADS" --access-log false \
  2>"$tmp/serve.log" &
pid=$!
base=""
for _ in $(seq 1 100); do
  base=$(sed -n 's|.*listening on \(http://127\.0\.0\.1:[0-9]*\)/.*|\1|p' "$tmp/serve.log" | head -n 1)
  [ -n "$base" ] && curl -sf -o /dev/null "$base/healthz" && break
  base=""
  sleep 0.1
done
[ -n "$base" ] || { cat "$tmp/serve.log" >&2; exit 1; }
curl -s "$base/sitemap.xml" | grep -o '<loc>[^<]*</loc>' |
  sed -e 's|<loc>[a-z]*://[^/]*||' -e 's|</loc>||' >"$tmp/urls.txt"

echo "machine: $(nproc) cores; load average before: $(cut -d' ' -f1-3 /proc/loadavg); $(date -u +%Y-%m-%dT%H:%MZ)"
echo "$CONNECTIONS keep-alive connections for ${DURATION}s over $(wc -l <"$tmp/urls.txt") pages (cached after the first visit):"
out=$(URLS="$tmp/urls.txt" wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --timeout 10s -s bench/wrk/percentiles.lua "$base")
line=$(grep '^requests=' <<<"$out")
echo "  $line"
echo "  server: $(awk '/VmRSS|VmHWM/ {printf "%s %d MB  ", $1, $2/1024}' "/proc/$pid/status")open files $(ls "/proc/$pid/fd" | wc -l)"
failed=0
for field in connect_errors read_errors write_errors timeouts non_2xx; do
  n=$(grep -oP "$field=\K[0-9]+" <<<"$line")
  if [ "$n" != 0 ]; then echo "connections.sh: $field=$n" >&2; failed=1; fi
done
if ! curl -sf -o /dev/null "$base/healthz"; then echo "connections.sh: /healthz failed afterwards" >&2; failed=1; fi
if grep -qiE 'error|abort|assert' "$tmp/serve.log"; then
  echo "connections.sh: the server logged errors:" >&2
  grep -iE 'error|abort|assert' "$tmp/serve.log" | head -5 >&2
  failed=1
fi
kill "$pid"
wait "$pid" || { echo "connections.sh: the server did not stop cleanly" >&2; failed=1; }
pid=""
[ "$failed" = 0 ] && echo "connections.sh: ok, no errors"
exit "$failed"
