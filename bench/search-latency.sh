#!/usr/bin/env bash
# Search latency over the generated corpus through our own Store (SQLite + FTS5): imports N articles into a
# fresh database, then times Store::Search on QUERIES queries of 1-3 words drawn from the corpus vocabulary
# (fixed seed), once cold (each word's scores are read from FTS5 on first use) and in 5 warm passes with new
# queries, and Store::Related(url, 5) on 500 random articles. Prints p50/p90/p99/max in ms per pass.
# Goal (issue 3): p50 under 1 ms and p99 under 5 ms for search; Related under 2 ms.
#
#   bash bench/search-latency.sh
#
# Settings (environment):
#   N=10000        articles in the corpus
#   QUERIES=2000   queries per pass
#   SEED=42        query seed
#   BIN=build/search_latency   the driver (CMake target search_latency, bench/search_latency.cc)
#   CORPUS=DIR     reuse a corpus made earlier by make-corpus.py (default: generate a fresh one)
#   MAKE_CORPUS=../shared/bench/make-corpus.py
#   KEEP=1         keep the work folder (corpus, database)
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
N="${N:-10000}"
QUERIES="${QUERIES:-2000}"
SEED="${SEED:-42}"
BIN="${BIN:-$root/${BUILD:-build}/search_latency}"
MAKE_CORPUS="${MAKE_CORPUS:-$root/../shared/bench/make-corpus.py}"

die() { echo "search-latency: $*" >&2; exit 1; }
[ -x "$BIN" ] || die "no driver at $BIN: build the search_latency target or set BIN="
[[ "$N" =~ ^[0-9]+$ ]] && [[ "$QUERIES" =~ ^[0-9]+$ ]] || die "N and QUERIES must be numbers"

work="$(mktemp -d "${TMPDIR:-/tmp}/vetted-search-bench.XXXXXX")"
cleanup() { if [ -z "${KEEP:-}" ]; then rm -rf "$work"; else echo "kept $work"; fi; }
trap cleanup EXIT

corpus="${CORPUS:-}"
if [ -z "$corpus" ]; then
  [ -f "$MAKE_CORPUS" ] || die "no corpus generator at $MAKE_CORPUS"
  corpus="$work/corpus"
  echo "generating $N articles in $corpus"
  python3 "$MAKE_CORPUS" "$corpus" "$N" >/dev/null
fi
[ -d "$corpus/content" ] || die "$corpus has no content/ folder"

echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
"$BIN" "$corpus" "$work/search.db" "$QUERIES" "$SEED"
