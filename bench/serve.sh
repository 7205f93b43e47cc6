#!/usr/bin/env bash
# The served site, measured: import of a corpus, start-up to the first byte,
# resident memory, uncached rendering (pages/s), and durable feedback with
# group commit against one transaction per post. The cached-page comparison
# with nginx is bench/serve-vs-nginx.sh; search latency is bench/search-latency.sh.
#
#   CORPUS=/tmp/c10k bash bench/serve.sh
#
# CORPUS: a site folder (python3 ../shared/bench/make-corpus.py DIR 10000);
# default: demo/. VETTED: the binary (build/vetted). DURATION: seconds per wrk
# run (10). DB_DIR: where the databases go (a temp folder on the disk, not
# /dev/shm: feedback durability needs the real disk's fsync). ACCESS_LOG:
# false (default, as nginx's access_log off in serve-vs-nginx.sh) or true.
set -euo pipefail
cd "$(dirname "$0")/.."

VETTED=${VETTED:-build/vetted}
CORPUS=${CORPUS:-demo}
DURATION=${DURATION:-10}
DB_DIR=${DB_DIR:-$(mktemp -d -p "${TMPDIR:-/var/tmp}" vetted-bench.XXXXXX)}
PORT=${PORT:-18181}
# /metrics is the operator's: the server started here takes this token (see docs/serving.md).
export VETTED_OPS_TOKEN=${VETTED_OPS_TOKEN:-bench-ops-token}
command -v wrk >/dev/null || { echo "serve.sh: wrk is missing (bash scripts/install-deps.sh)" >&2; exit 2; }
[ -x "$VETTED" ] || { echo "serve.sh: $VETTED is not built (make)" >&2; exit 2; }

db="$DB_DIR/bench.db"
log="$DB_DIR/serve.log"
pid=""
cleanup() {
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$DB_DIR"
}
trap cleanup EXIT

now_ms() { date +%s%3N; }

start_server() {  # extra flags...
  "$VETTED" serve --db "$db" --listen "127.0.0.1:$PORT" --feedback-rate 100000000 --feedback-burst 100000000 \
    --access-log "${ACCESS_LOG:-false}" \
    "$@" 2>"$log" &
  pid=$!
  local t0; t0=$(now_ms)
  until curl -sf -o /dev/null "http://127.0.0.1:$PORT/"; do
    sleep 0.01
    if ! kill -0 "$pid" 2>/dev/null; then cat "$log" >&2; exit 1; fi
  done
  startup_ms=$(( $(now_ms) - t0 ))
  until curl -sf -o /dev/null "http://127.0.0.1:$PORT/healthz"; do sleep 0.01; done  # 503 while warming
  ready_ms=$(( $(now_ms) - t0 ))
}

stop_server() {
  kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""
}

rss_mb() { awk '/VmRSS/ {printf "%.1f", $2/1024}' "/proc/$pid/status"; }

echo "corpus: $CORPUS ($(find "$CORPUS/content" -name '*.md' ! -name '_section.md' | wc -l) article files)"
echo "machine: $(nproc) cores; $(date -u +%Y-%m-%dT%H:%MZ)"

# 1. Import into a fresh database.
t0=$(now_ms)
"$VETTED" import "$CORPUS" --db "$db" -q
echo "import: $(( $(now_ms) - t0 )) ms (fresh database, $(du -m "$db" | cut -f1) MB)"
t0=$(now_ms)
"$VETTED" import "$CORPUS" --db "$db" -q
echo "re-import, nothing changed: $(( $(now_ms) - t0 )) ms"

# 2. Start-up to the first byte of the home page, and memory.
start_server
echo "start-up to first byte: ${startup_ms} ms; to /healthz ready (search warmed): ${ready_ms} ms;" \
  "resident memory: $(rss_mb) MB"
urls="$DB_DIR/urls.txt"
curl -s "http://127.0.0.1:$PORT/sitemap.xml" | grep -o '<loc>[^<]*</loc>' |
  sed -e 's|<loc>[a-z]*://[^/]*||' -e 's|</loc>||' >"$urls"
echo "pages in the sitemap: $(wc -l <"$urls")"
# Every URL in turn: the first visit renders and caches a page, later ones hit.
URLS="$urls" wrk -t2 -c16 -d"$DURATION"s -s bench/wrk/urls.lua "http://127.0.0.1:$PORT" | grep pages= |
  sed 's/^/first visits, all URLs in turn (render + cache): /'
URLS="$urls" wrk -t2 -c16 -d"$DURATION"s -s bench/wrk/urls.lua "http://127.0.0.1:$PORT" | grep pages= |
  sed 's/^/all URLs in turn again (cache hits): /'
echo "resident memory while serving: $(rss_mb) MB ($(curl -s -H "Authorization: Bearer $VETTED_OPS_TOKEN" "http://127.0.0.1:$PORT/metrics" |
  awk '/^vetted_cache_entries/ {print $2}') pages cached)"
stop_server

# 3. Uncached rendering: every request renders its page from the loaded content.
# A first run fills the search index's word cache (used by "Related articles").
start_server --no-cache
URLS="$urls" wrk -t2 -c8 -d3s -s bench/wrk/urls.lua "http://127.0.0.1:$PORT" | grep pages= |
  sed 's/^/uncached rendering, first 3 s after start-up: /'
URLS="$urls" wrk -t2 -c8 -d"$DURATION"s -s bench/wrk/urls.lua "http://127.0.0.1:$PORT" | grep pages= |
  sed 's/^/uncached rendering: /'
# The newest article, from the Atom feed.
article=$(curl -s "http://127.0.0.1:$PORT/feed.xml" | sed -n '/<entry>/,$p' | grep -m1 -o 'href="[^"]*"' |
  sed -e 's|.*href="[a-z]*://[^/]*||' -e 's|"$||')
echo "feedback article: $article"
stop_server

# 4. Durable feedback: group commit against one transaction per post.
for mode in 1 512; do
  start_server --feedback-batch "$mode"
  label=$([ "$mode" = 1 ] && echo "one transaction per post (baseline)" || echo "group commit")
  ARTICLE="$article" wrk -t2 -c64 -d"$DURATION"s -s bench/wrk/feedback.lua "http://127.0.0.1:$PORT/api/feedback" |
    grep created= | sed "s/^/feedback, $label: /"
  stop_server
done
