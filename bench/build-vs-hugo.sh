#!/usr/bin/env bash
# Builds the same generated corpus with vetted and with Hugo, alternating; reports medians and peak memory.
#
#   bash bench/build-vs-hugo.sh            (or `make bench`)
#
# Settings (environment):
#   RUNS=5          counted runs of each engine, after one warm-up run of each (at least 3)
#   N=10000         articles in the corpus
#   VETTED=build/vetted   the binary to measure
#   CORPUS=DIR      reuse a corpus made earlier by make-corpus.py --hugo (default: generate a fresh one)
#   MAKE_CORPUS=../shared/bench/make-corpus.py
#   ENGINES="vetted hugo"   measure only some engines (e.g. ENGINES=hugo while vetted does not build)
#   KEEP=1          keep the work folder (corpus, outputs, per-run logs) instead of deleting it
#   OUT_BASE=DIR    where the engines write their output (default: /dev/shm, a RAM file system, when it is
#                   writable; OUT_BASE=disk writes into the work folder). On this project's VMs the ext4 disk is
#                   mounted with `discard`, and deleting and rewriting ~400 MB per run makes every engine's system
#                   time grow from run to run; a RAM file system measures the engines rather than the disk.
# Each build runs under /usr/bin/time (wall seconds, user+system CPU seconds, maximum resident set size) with
# its output folder removed beforehand. Output: one line per run, then per engine the median and min-max wall
# time, median CPU time and median peak RSS, and the ratios Hugo/vetted for time and memory. On a busy machine
# wall times stretch (Hugo took 120-145 s instead of ~9 s with 8 builds sharing 2 cores): measure when idle.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
RUNS="${RUNS:-5}"
N="${N:-10000}"
VETTED="${VETTED:-$root/${BUILD:-build}/vetted}"
MAKE_CORPUS="${MAKE_CORPUS:-$root/../shared/bench/make-corpus.py}"
ENGINES="${ENGINES:-vetted hugo}"

die() { echo "build-vs-hugo: $*" >&2; exit 1; }
if ! [[ "$RUNS" =~ ^[0-9]+$ ]] || [ "$RUNS" -lt 3 ]; then die "RUNS must be a number >= 3 (got '$RUNS')"; fi
[ -x /usr/bin/time ] || die "/usr/bin/time is missing: apt-get install time"
for e in $ENGINES; do
  case "$e" in
    vetted) [ -x "$VETTED" ] || die "no vetted binary at $VETTED: run 'make' first or set VETTED=" ;;
    hugo) command -v hugo >/dev/null || die "hugo is missing: apt-get install hugo" ;;
    *) die "unknown engine '$e' in ENGINES" ;;
  esac
done

work="$(mktemp -d "${TMPDIR:-/tmp}/vetted-bench.XXXXXX")"
cleanup() {
  if [ "${KEEP:-0}" = 1 ]; then echo "build-vs-hugo: work folder kept: $work"; else rm -rf "$work"; fi
}
outbase="$work"
if [ "${OUT_BASE:-/dev/shm}" != disk ] && [ -d "${OUT_BASE:-/dev/shm}" ] && [ -w "${OUT_BASE:-/dev/shm}" ]; then
  outbase="$(mktemp -d "${OUT_BASE:-/dev/shm}/vetted-bench-out.XXXXXX")"
fi
cleanup() {
  if [ "$outbase" != "$work" ]; then rm -rf "$outbase"; fi
  if [ "${KEEP:-0}" = 1 ]; then echo "build-vs-hugo: work folder kept: $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

if [ -n "${CORPUS:-}" ]; then
  [ -f "$CORPUS/hugo.toml" ] || die "$CORPUS is not a corpus made with --hugo"
  corpus="$(cd "$CORPUS" && pwd)"
else
  [ -f "$MAKE_CORPUS" ] || die "corpus generator not found: $MAKE_CORPUS (set MAKE_CORPUS=)"
  corpus="$work/corpus"
  echo "build-vs-hugo: generating $N articles in $corpus"
  python3 "$MAKE_CORPUS" "$corpus" "$N" --hugo
fi
articles="$(find "$corpus/content" -name '*.md' ! -name '_*' | wc -l)"

# One measured build: run ENGINE INDEX -> appends "engine seconds kb" to $work/results.
run() {
  local engine="$1" label="$2" out="$outbase/out-$1" log="$work/$1-$2.log" tf="$work/time"
  rm -rf "$out"
  local -a cmd
  case "$engine" in
    vetted) cmd=("$VETTED" build "$corpus" -o "$out") ;;
    hugo) cmd=(hugo --quiet --noBuildLock --cacheDir "$work/hugo-cache" -s "$corpus" -d "$out") ;;
  esac
  if ! /usr/bin/time -f '%e %M %U %S' -o "$tf" "${cmd[@]}" >"$log" 2>&1 </dev/null; then
    echo "build-vs-hugo: $engine failed ($label): ${cmd[*]}" >&2
    tail -n 20 "$log" >&2
    exit 1
  fi
  local secs kb usr sys pages
  read -r secs kb usr sys <"$tf"
  pages="$(find "$out" -name '*.html' | wc -l)"
  awk -v e="$engine" -v l="$label" -v s="$secs" -v k="$kb" -v u="$usr" -v y="$sys" -v p="$pages" \
    'BEGIN { printf "  %-6s %-7s %7.2f s wall %7.2f s cpu %8.1f MB  %d html files\n", e, l, s, u + y, k / 1024, p }'
  if [ "$label" != warm-up ]; then echo "$engine $secs $kb $usr $sys" >>"$work/results"; fi
}

cpu="$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "build-vs-hugo: $articles articles; $(nproc) cores; $cpu"
echo "  output written to: $outbase"
for e in $ENGINES; do
  case "$e" in
    vetted) echo "  vetted: $VETTED ($("$VETTED" --version 2>/dev/null | head -n1 || echo 'no --version'))" ;;
    hugo) echo "  hugo:   $(hugo version | head -n1)" ;;
  esac
done
: >"$work/results"
for e in $ENGINES; do run "$e" warm-up; done
for i in $(seq 1 "$RUNS"); do
  for e in $ENGINES; do run "$e" "run $i"; done
done

python3 - "$work/results" <<'EOF'
import statistics, sys
runs = {}
for line in open(sys.argv[1]):
    engine, secs, kb, usr, sys_ = line.split()
    runs.setdefault(engine, []).append((float(secs), int(kb), float(usr) + float(sys_)))
summary = {}
print("\nengine   median s   min-max s        median cpu s   median peak RSS   runs")
for engine, rs in runs.items():
    t = [r[0] for r in rs]
    m = [r[1] / 1024 for r in rs]
    c = [r[2] for r in rs]
    summary[engine] = (statistics.median(t), statistics.median(m))
    print(f"{engine:<8} {statistics.median(t):8.2f}   {min(t):6.2f}-{max(t):<6.2f}   "
          f"{statistics.median(c):10.2f}   {statistics.median(m):10.1f} MB      {len(rs)}")
if "vetted" in summary and "hugo" in summary:
    (vt, vm), (ht, hm) = summary["vetted"], summary["hugo"]
    speed, memory = ht / vt if vt > 0 else float("inf"), hm / vm
    print(f"\nhugo/vetted: {speed:.1f}x the time, {memory:.1f}x the peak memory "
          f"(goal: at least 10x each: {'met' if speed >= 10 and memory >= 10 else 'NOT met'})")
EOF
