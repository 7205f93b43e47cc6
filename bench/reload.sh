#!/usr/bin/env bash
# A changed, an added and a removed article, end to end: `vetted import` of
# the corpus folder after each edit (its wall time), then the time from the
# import's exit (its commit) until `vetted serve` answers the article's page
# with the new bytes (or 404 once removed) and until /api/search finds the
# new word (or no longer finds it); the server's own reload line (incremental
# or full, each phase's wall and CPU time), the server's CPU time per reload,
# and its resident memory before, at the peak (VmHWM, which only grows) and
# after.
#
#   CORPUS=/dev/shm/c10k RUNS=5 bash bench/reload.sh
#
# CORPUS: a site folder (python3 ../shared/bench/make-corpus.py DIR 10000); it
# is copied, never edited. VETTED: the binary (build/vetted). POLL: the
# server's --reload-poll in ms (10). RUNS: counted runs (5) after one warm-up;
# each run changes, adds and removes an article.
# INCREMENTAL=false: the server reloads everything on each import (to compare).
set -euo pipefail
cd "$(dirname "$0")/.."

VETTED=${VETTED:-build/vetted}
CORPUS=${CORPUS:-demo}
RUNS=${RUNS:-5}
POLL=${POLL:-10}
PORT=${PORT:-18191}
WORK=${WORK:-$(mktemp -d -p "${TMPDIR:-/var/tmp}" vetted-reload.XXXXXX)}
export VETTED_OPS_TOKEN=${VETTED_OPS_TOKEN:-bench-ops-token}
[ -x "$VETTED" ] || { echo "reload.sh: $VETTED is not built (make)" >&2; exit 2; }

mkdir -p "$WORK"
site="$WORK/site"
db="$WORK/bench.db"
log="$WORK/serve.log"
pid=""
cleanup() {
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

now_ms() { date +%s%3N; }
kb() { awk -v k="$1" '$1 == k":" {print $2}' "/proc/$pid/status"; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

cp -r "$CORPUS" "$site"
article=$(find "$site/content" -name '*.md' ! -name '_section.md' | sort | tail -1)
rel=${article#"$site/content/"}
url="/${rel%.md}/"
echo "corpus: $CORPUS ($(find "$site/content" -name '*.md' ! -name '_section.md' | wc -l) articles); changed: $url"
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg); $(date -u +%Y-%m-%dT%H:%MZ)"

"$VETTED" import "$site" --db "$db" -q 2>/dev/null
"$VETTED" serve --db "$db" --listen "127.0.0.1:$PORT" --access-log false --reload-poll "$POLL" \
  --incremental-reload "${INCREMENTAL:-true}" 2>"$log" &
pid=$!
until curl -sf -o /dev/null "http://127.0.0.1:$PORT/healthz"; do
  sleep 0.05
  kill -0 "$pid" 2>/dev/null || { cat "$log" >&2; exit 1; }
done

ticks() {
  kill -0 "$pid" 2>/dev/null || { echo "reload.sh: the server exited" >&2; tail -5 "$log" >&2; exit 1; }
  awk '{print $14 + $15}' "/proc/$pid/stat"
}  # the server's user+system CPU, in clock ticks
hz=$(getconf CLK_TCK)
search_has() { curl -sf "http://127.0.0.1:$PORT/api/search?q=$1" | grep -q "\"$2\""; }

declare -A served found cpu
# One edit: import, then wait until the page and the search say what `want` says.
# $1 kind, $2 url, $3 token, $4 want (present|absent)
measure() {
  local kind=$1 page=$2 token=$3 want=$4 t0 t1 t2 t3 c0 before
  before=$(kb VmRSS)
  c0=$(ticks)
  t0=$(now_ms)
  "$VETTED" import "$site" --db "$db" -q 2>"$WORK/import.err" || { cat "$WORK/import.err" >&2; exit 1; }
  t1=$(now_ms)  # the import has committed and exited
  if [ "$want" = present ]; then
    until curl -sf "http://127.0.0.1:$PORT$page" | grep -q "$token"; do sleep 0.001; done
  else
    until [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT$page")" = 404 ]; do sleep 0.001; done
  fi
  t2=$(now_ms)
  if [ "$want" = present ]; then
    until search_has "$token" "$page"; do sleep 0.001; done
  else
    while search_has "$token" "$page"; do sleep 0.001; done
  fi
  t3=$(now_ms)
  sleep 1  # let the reload finish (search warm-up) and free the old content
  local used=$(( ($(ticks) - c0) * 1000 / hz ))
  line=$(grep "reloaded generation" "$log" | tail -1)
  warmed=$(grep "search warmed" "$log" | tail -1 || true)
  echo "run $run $kind: import $((t1 - t0)) ms; commit to served $((t2 - t1)) ms, to found by search $((t3 - t1)) ms;" \
    "server CPU $used ms; ${line#*reloaded }"
  echo "        ${warmed:-search not warmed}; RSS before $((before / 1024)) MB, peak so far $(($(kb VmHWM) / 1024)) MB, after $(($(kb VmRSS) / 1024)) MB"
  [ "$run" = 0 ] && return  # warm-up
  served[$kind]+="$((t2 - t1)) " found[$kind]+="$((t3 - t1)) " cpu[$kind]+="$used "
}

echo "server RSS after start: $(($(kb VmRSS) / 1024)) MB"
for run in $(seq 0 "$RUNS"); do
  token="reloadbench${run}x$RANDOM"
  printf '\nParagraph %s.\n' "$token" >>"$article"
  measure changed "$url" "$token" present
  added="$(dirname "$article")/reload-added-$run.md"
  added_url="/$(dirname "$rel")/reload-added-$run/"
  sed "s/^title: .*/title: \"Added $token\"/" "$article" >"$added"
  measure added "$added_url" "$token" present
  rm "$added"
  measure removed "$added_url" "$token" absent
done
for kind in changed added removed; do
  echo "median of $RUNS, $kind: commit to served $(printf '%s\n' ${served[$kind]} | median) ms," \
    "to found by search $(printf '%s\n' ${found[$kind]} | median) ms, server CPU $(printf '%s\n' ${cpu[$kind]} | median) ms" \
    "(poll interval $POLL ms)"
done
echo "server RSS at the end: $(($(kb VmRSS) / 1024)) MB (peak $(($(kb VmHWM) / 1024)) MB)"
echo "machine after: load average $(cut -d' ' -f1-3 /proc/loadavg)"
