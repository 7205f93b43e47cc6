#!/usr/bin/env bash
# vetted's static search (written by `vetted build`) against Pagefind, on the generated corpus.
#
#   bash bench/static-search-vs-pagefind.sh
#
# Settings (environment):
#   VETTED=build/vetted      the binary to measure (writes search/ with the build)
#   BASE=PATH                a vetted binary without static search (a build of the commit before it), for the
#                            build time and memory the index adds; without it only VETTED is timed
#   RUNS=5                   counted builds of each binary, alternating, after one warm-up build of each
#   CORPUS=/dev/shm/c10k     the corpus (made with make-corpus.py N=10000 when the folder does not exist)
#   MAKE_CORPUS=../shared/bench/make-corpus.py
#   PAGEFIND=PATH            the pagefind binary (default: `npm i pagefind@1.6.0` in a temporary folder)
#   QUERIES="sleep anxiety|blood pressure|menopause"   '|'-separated queries for the first-query figures
# Output: each build's wall time and peak RSS (/usr/bin/time), the medians, the index sizes on disk, Pagefind's
# indexing time and peak RSS, then per query the bytes each fetches for a first query and the query times
# (bench/static-search-query.mjs, headless Chromium; needs e2e/node_modules).
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
VETTED="${VETTED:-$root/build/vetted}"
RUNS="${RUNS:-5}"
CORPUS="${CORPUS:-/dev/shm/c10k}"
MAKE_CORPUS="${MAKE_CORPUS:-$root/../shared/bench/make-corpus.py}"
QUERIES="${QUERIES:-sleep anxiety|blood pressure|menopause}"

die() { echo "static-search-vs-pagefind: $*" >&2; exit 1; }
[ -x "$VETTED" ] || die "no vetted binary at $VETTED"
[ -z "${BASE:-}" ] || [ -x "$BASE" ] || die "no binary at BASE=$BASE"
[ -x /usr/bin/time ] || die "/usr/bin/time is missing: apt-get install time"
if [ ! -d "$CORPUS" ]; then
  python3 "$MAKE_CORPUS" "$CORPUS" 10000 >/dev/null
fi

work="$(mktemp -d /dev/shm/vetted-search-bench.XXXXXX)"
trap 'rm -rf "$work"' EXIT
out="$work/out"

PAGEFIND="${PAGEFIND:-}"
if [ -z "$PAGEFIND" ]; then
  (cd "$work" && npm i --silent --no-audit --no-fund pagefind@1.6.0 >/dev/null) ||
    die "could not install pagefind from npm (set PAGEFIND=)"
  PAGEFIND="$work/node_modules/.bin/pagefind"
fi

# build LABEL BINARY: one timed build into $out; prints "LABEL wall_s rss_kb".
build() {
  rm -rf "$out"
  /usr/bin/time -f "%e %M" -o "$work/time" "$2" build "$CORPUS" -o "$out" -q
  echo "$1 $(cat "$work/time")" | tee -a "$work/runs"
}
median() { python3 -c 'import sys,statistics as s; v=[float(x) for x in sys.argv[1:]]; print(f"{s.median(v):g} (min {min(v):g}, max {max(v):g})")' "$@"; }

echo "== builds of $CORPUS ($RUNS counted, alternating, after a warm-up)"
[ -z "${BASE:-}" ] || build warmup-base "$BASE" >/dev/null
build warmup "$VETTED" >/dev/null
: >"$work/runs"
for _ in $(seq "$RUNS"); do
  [ -z "${BASE:-}" ] || build base "$BASE"
  build vetted "$VETTED"
done
for label in base vetted; do
  grep -q "^$label " "$work/runs" || continue
  echo "$label: wall s $(median $(awk -v l="$label" '$1==l {print $2}' "$work/runs")); peak RSS kB" \
    "$(median $(awk -v l="$label" '$1==l {print $3}' "$work/runs"))"
done

echo "== index on disk"
echo "vetted search/: $(du -sb "$out/search" | cut -f1) bytes in $(find "$out/search" -type f | wc -l) files" \
  "(+ $(stat -c %s "$out"/assets/search.*.js) bytes of search.js)"

echo "== Pagefind $("$PAGEFIND" --version) on the built folder"
/usr/bin/time -f "%e %M" -o "$work/time" "$PAGEFIND" --site "$out" >"$work/pagefind.log" 2>&1 ||
  { cat "$work/pagefind.log"; die "pagefind failed"; }
echo "pagefind: wall s $(cut -d' ' -f1 "$work/time"); peak RSS kB $(cut -d' ' -f2 "$work/time")"
echo "pagefind/: $(du -sb "$out/pagefind" | cut -f1) bytes in $(find "$out/pagefind" -type f | wc -l) files"

echo "== first query (headless Chromium, python3 -m http.server)"
IFS='|' read -r -a queries <<<"$QUERIES"
node "$root/bench/static-search-query.mjs" "$out" "${queries[@]}"
