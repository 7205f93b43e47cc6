#!/usr/bin/env bash
# What the static search index adds to `vetted build`: the same binary builds
# the corpus with the index and without it (VETTED_BENCH_NO_STATIC_SEARCH=1),
# alternating, and the medians of wall time, CPU time and peak memory are
# compared. Outputs go to /dev/shm: this VM's disk slows a build by seconds
# after a large delete, which would measure the disk, not the index.
#
#   CORPUS=/dev/shm/c10k RUNS=5 bash bench/static-search-cost.sh
#
# The corpus: python3 ../shared/bench/make-corpus.py /dev/shm/c10k 10000
set -euo pipefail
cd "$(dirname "$0")/.."
VETTED=${VETTED:-build/vetted}
CORPUS=${CORPUS:-/dev/shm/c10k}
RUNS=${RUNS:-5}
[ -x "$VETTED" ] || { echo "no $VETTED: run make first" >&2; exit 1; }
[ -d "$CORPUS" ] || { echo "no corpus at $CORPUS (see the comment at the top)" >&2; exit 1; }
out=$(mktemp -d /dev/shm/search-cost.XXXXXX)
trap 'rm -rf "$out"' EXIT
echo "static-search-cost: $CORPUS, $RUNS runs each after a warm-up; load average $(cut -d' ' -f1-3 /proc/loadavg)"

# One build; prints "wall cpu rss_mb".
one() {
  local t="$out/time" dest="$out/site"
  rm -rf "$dest"
  env "$@" /usr/bin/time -f '%e %U %S %M' -o "$t" "$VETTED" build "$CORPUS" -o "$dest" -q >/dev/null 2>&1 || {
    echo "build failed" >&2; exit 1; }
  awk '{ printf "%.3f %.3f %.1f\n", $1, $2 + $3, $4 / 1024 }' "$t"
}

one VETTED_X=1 >/dev/null
one VETTED_BENCH_NO_STATIC_SEARCH=1 >/dev/null
: >"$out/with"; : >"$out/without"
for i in $(seq "$RUNS"); do
  r=$(one VETTED_BENCH_NO_STATIC_SEARCH=1); echo "without index run $i: $r (wall s, cpu s, peak MB)"; echo "$r" >>"$out/without"
  r=$(one VETTED_X=1); echo "with index    run $i: $r"; echo "$r" >>"$out/with"
done
median() { sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
for col in 1 2 3; do
  w=$(cut -d' ' -f$col "$out/with" | median); wo=$(cut -d' ' -f$col "$out/without" | median)
  name=$(echo "wall_s cpu_s peak_MB" | cut -d' ' -f$col)
  echo "median $name: with $w, without $wo, added $(awk -v a="$w" -v b="$wo" 'BEGIN { printf "%.3f", a - b }')"
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
