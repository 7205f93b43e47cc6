#!/usr/bin/env bash
# Bounded memory (docs/reliability.md#bounded-memory): the page cache's budget
# on a large site. For each budget, a fresh server on the database: resident
# memory once it is ready, then every page of the sitemap requested once (as
# a browser asks: Accept-Encoding: gzip, br), then resident memory again, its
# peak, and what /metrics says of the cache. Resident memory is split into
# the heap (RssAnon: pages, the loaded site) and the database file's pages
# SQLite maps (RssFile + RssShmem; PRAGMA mmap_size, shared with the page
# cache of the kernel and given back under memory pressure).
#
#   python3 ../shared/bench/make-corpus.py /dev/shm/corpus 10000
#   vetted import /dev/shm/corpus --db /dev/shm/c10k.db -q
#   DB=/dev/shm/c10k.db bash bench/cache-memory.sh 64 256
#
# Arguments: budgets in MiB (default: 64 256); "none" starts the server
# without --cache-mb (a build from before the flag), "off" with --no-cache. DB: the database
# (required). VETTED: the binary (build/vetted). PORT (18191). PASSES: how
# many times every page is requested (1). ENCODING: the Accept-Encoding sent
# ("gzip, br"; "" for none).
set -euo pipefail
cd "$(dirname "$0")/.."

VETTED=${VETTED:-build/vetted}
DB=${DB:?DB=path of a database with a site imported}
PORT=${PORT:-18191}
PASSES=${PASSES:-1}
ENCODING=${ENCODING-gzip, br}
export VETTED_OPS_TOKEN=${VETTED_OPS_TOKEN:-bench-ops-token}
budgets=("$@")
[ ${#budgets[@]} -gt 0 ] || budgets=(64 256)
work=$(mktemp -d)
pid=""
cleanup() {
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

status_kb() { awk -v f="$1:" '$1 == f {print $2}' "/proc/$pid/status"; }
mb() { awk -v k="$1" 'BEGIN {printf "%.0f", k / 1024}'; }
metric() { awk -v m="$1" '$1 == m {v = $2} END {printf "%.0f", v + 0}' "$work/metrics"; }

echo "database: $DB; machine: $(nproc) cores; $(date -u +%Y-%m-%dT%H:%MZ); binary: $VETTED"
for budget in "${budgets[@]}"; do
  flag=()
  case "$budget" in
    none) ;;
    off) flag=(--no-cache) ;;
    *) flag=(--cache-mb "$budget") ;;
  esac
  "$VETTED" serve --db "$DB" --listen "127.0.0.1:$PORT" --access-log false "${flag[@]}" 2>"$work/log" &
  pid=$!
  until curl -sf -o /dev/null "http://127.0.0.1:$PORT/healthz"; do  # 503 while warming
    sleep 0.05
    if ! kill -0 "$pid" 2>/dev/null; then cat "$work/log" >&2; exit 1; fi
  done
  before=$(status_kb VmRSS)
  before_anon=$(status_kb RssAnon)
  curl -s "http://127.0.0.1:$PORT/sitemap.xml" | grep -o '<loc>[^<]*</loc>' |
    sed -e "s|<loc>[a-z]*://[^/]*|http://127.0.0.1:$PORT|" -e 's|</loc>||' >"$work/urls"
  # One curl for all of them (a kept-alive connection), each answer to /dev/null.
  {
    [ -z "$ENCODING" ] || echo "header = \"Accept-Encoding: $ENCODING\""
    echo 'write-out = "%{http_code}\n"'
    for _ in $(seq "$PASSES"); do sed -e 's/^/url = "/' -e 's/$/"\noutput = "\/dev\/null"/' "$work/urls"; done
  } >"$work/curl.conf"
  start=$(date +%s%3N)
  curl -s -K "$work/curl.conf" >"$work/codes"
  ms=$(( $(date +%s%3N) - start ))
  ok=$(grep -c '^200$' "$work/codes" || true)
  total=$(wc -l <"$work/codes")
  after=$(status_kb VmRSS)
  after_anon=$(status_kb RssAnon)
  after_mapped=$(( $(status_kb RssFile) + $(status_kb RssShmem) ))
  peak=$(status_kb VmHWM)
  curl -s -H "Authorization: Bearer $VETTED_OPS_TOKEN" "http://127.0.0.1:$PORT/metrics" >"$work/metrics"
  echo "budget ${budget} MiB: ${total} requests (${ok} answered 200) in ${ms} ms;" \
    "resident memory (VmRSS) $(mb "$before") MB when ready, $(mb "$after") MB after, peak $(mb "$peak") MB;" \
    "of which the heap (RssAnon) $(mb "$before_anon") MB when ready, $(mb "$after_anon") MB after, and the" \
    "database's memory-mapped pages (RssFile + RssShmem) $(mb "$after_mapped") MB after;" \
    "cache $(( $(metric vetted_cache_bytes) / 1048576 )) MiB in $(metric vetted_cache_entries) pages" \
    "(budget $(( $(metric vetted_cache_budget_bytes) / 1048576 )) MiB), $(metric vetted_cache_evictions_total) evictions," \
    "$(metric vetted_cache_hits_total) hits, $(metric vetted_cache_misses_total) misses"
  kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""
done
