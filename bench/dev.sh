#!/usr/bin/env bash
# `vetted dev` on a large site: how long from saving one article to the new
# text being served. CORPUS=DIR (default: a 10,000-article corpus made in
# /dev/shm), ROUNDS=N edits (default 5), VETTED=path to the binary.
# Prints each round's save-to-served time and the median.
set -euo pipefail
cd "$(dirname "$0")/.."
VETTED=${VETTED:-build/vetted}
ROUNDS=${ROUNDS:-5}
CORPUS=${CORPUS:-/dev/shm/vetted-dev-c10k}
PORT=${PORT:-18181}
if [ ! -f "$CORPUS/site.toml" ]; then
  python3 ../shared/bench/make-corpus.py "$CORPUS" 10000 >/dev/null
fi
SITE=$(mktemp -d /dev/shm/vetted-dev-site.XXXXXX)
cp -r "$CORPUS"/. "$SITE"/
LOG=$(mktemp)
trap 'kill $PID 2>/dev/null || true; wait $PID 2>/dev/null || true; rm -rf "$SITE" "$LOG"' EXIT
"$VETTED" dev "$SITE" --listen "127.0.0.1:$PORT" >"$LOG" 2>&1 &
PID=$!
for _ in $(seq 1 600); do grep -q "listening on" "$LOG" && break; sleep 0.1; done
grep -q "listening on" "$LOG" || { cat "$LOG"; exit 1; }
ARTICLE=$(find "$SITE/content" -name '*.md' ! -name '_section.md' | sort | awk 'NR == 1')
URL="http://127.0.0.1:$PORT/${ARTICLE#$SITE/content/}"
URL="${URL%.md}/"
curl -sf "$URL" >/dev/null || { echo "not served: $URL"; exit 1; }
times=()
for i in $(seq 1 "$ROUNDS"); do
  marker="dev-edit-$i-$RANDOM"
  printf '\nA paragraph added by the benchmark: %s.\n' "$marker" >>"$ARTICLE"
  start=$(date +%s%N)
  until curl -sf "$URL" | grep -q "$marker"; do sleep 0.005; done
  end=$(date +%s%N)
  ms=$(( (end - start) / 1000000 ))
  times+=("$ms")
  echo "round $i: saved -> served in $ms ms"
  sleep 1
done
printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print "median save -> served: " a[int((NR+1)/2)] " ms (" NR " rounds, min " a[1] ", max " a[NR] ")"}'
grep -E "published|reloaded" "$LOG" | tail -4
