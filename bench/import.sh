#!/usr/bin/env bash
# `vetted import` again after one article changed, on a large site: the wall
# and CPU time of each re-import and their medians. CORPUS=DIR (default: a
# 10,000-article corpus made in /dev/shm), ROUNDS=N re-imports (default 5),
# VETTED=path to the binary. The first import (everything new, the article
# cache made) is timed too but not counted. Prints the load average, since
# the machine may be shared.
set -euo pipefail
cd "$(dirname "$0")/.."
VETTED=${VETTED:-build/vetted}
ROUNDS=${ROUNDS:-5}
CORPUS=${CORPUS:-/dev/shm/vetted-import-c10k}
if [ ! -f "$CORPUS/site.toml" ]; then
  python3 ../shared/bench/make-corpus.py "$CORPUS" 10000 >/dev/null
fi
WORK=$(mktemp -d /dev/shm/vetted-import-bench.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
SITE="$WORK/site"
DB="$WORK/site.db"
cp -r "$CORPUS"/. "$SITE"/
ARTICLE=$(find "$SITE/content" -name '*.md' ! -name '_section.md' | sort | awk 'NR == 1')

# One import: prints "WALL CPU" in seconds.
import_once() {
  /usr/bin/time -f "%e %U %S" -o "$WORK/time" "$VETTED" import "$SITE" --db "$DB" --quiet >/dev/null 2>"$WORK/err" ||
    { cat "$WORK/err"; exit 1; }
  awk '{printf "%.2f %.2f\n", $1, $2 + $3}' "$WORK/time"
}

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
read -r wall cpu < <(import_once)
echo "first import (all new): ${wall} s wall, ${cpu} s cpu"
walls=()
cpus=()
for i in $(seq 1 "$ROUNDS"); do
  printf '\nA paragraph added by the benchmark, round %s.\n' "$i" >>"$ARTICLE"
  read -r wall cpu < <(import_once)
  walls+=("$wall")
  cpus+=("$cpu")
  echo "round $i: one article changed: ${wall} s wall, ${cpu} s cpu"
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
echo "median re-import with one article changed: $(median "${walls[@]}") s wall, $(median "${cpus[@]}") s cpu" \
  "(${ROUNDS} rounds; load average after: $(cut -d' ' -f1-3 /proc/loadavg))"
