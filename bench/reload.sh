#!/usr/bin/env bash
# A changed article, end to end: `vetted import` of the corpus folder where one
# article changed (its wall time), then the time from the import's exit (its
# commit) until `vetted serve` answers the article's page with the new bytes,
# the server's own reload line (incremental or full, with its phases), and
# resident memory before, at the peak (VmHWM, which only grows) and after.
#
#   CORPUS=/dev/shm/c10k RUNS=5 bash bench/reload.sh
#
# CORPUS: a site folder (python3 ../shared/bench/make-corpus.py DIR 10000); it
# is copied, never edited. VETTED: the binary (build/vetted). POLL: the
# server's --reload-poll in ms (10). RUNS: counted runs (5) after one warm-up.
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

imports=() served=() rss_before=() rss_peak=() rss_after=()
for run in $(seq 0 "$RUNS"); do
  token="reload-bench-$run-$RANDOM"
  printf '\nParagraph %s.\n' "$token" >>"$article"
  before=$(kb VmRSS)
  t0=$(now_ms)
  "$VETTED" import "$site" --db "$db" -q 2>/dev/null
  t1=$(now_ms)  # the import has committed and exited
  until curl -sf "http://127.0.0.1:$PORT$url" | grep -q "$token"; do sleep 0.001; done
  t2=$(now_ms)
  sleep 1  # let the reload free the old content
  line=$(grep 'reloaded generation' "$log" | tail -1)
  echo "run $run: import $((t1 - t0)) ms; commit to served $((t2 - t1)) ms; ${line#*reloaded }"
  echo "        RSS before $((before / 1024)) MB, peak so far $(($(kb VmHWM) / 1024)) MB, after $(($(kb VmRSS) / 1024)) MB"
  [ "$run" = 0 ] && continue  # warm-up
  imports+=($((t1 - t0))) served+=($((t2 - t1)))
done
echo "median of $RUNS: import $(printf '%s\n' "${imports[@]}" | median) ms;" \
  "commit to served $(printf '%s\n' "${served[@]}" | median) ms (poll interval $POLL ms)"
