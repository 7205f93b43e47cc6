#!/usr/bin/env bash
# make fuzz: builds every libFuzzer target of fuzz/ (clang 14, ASan + UBSan) in build-fuzz/ and runs each for
# FUZZ_SECONDS seconds (default 60) on its seeds (fuzz/corpus/<target>/) plus what earlier runs found
# (build-fuzz/run/<target>/corpus). Fails when any target crashes, leaks, hangs past 10 s on one input or
# grows past 2 GB; the input is kept in build-fuzz/artifacts/. See fuzz/README.md.
#   FUZZ_SECONDS=300 make fuzz            FUZZ_TARGETS="app api" make fuzz
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
SECS=${FUZZ_SECONDS:-60}
BUILD=${FUZZ_BUILD:-build-fuzz}
TARGETS=${FUZZ_TARGETS:-"markup yaml bib http feedback form image cookie diff auth import api app"}

# clang 14 and its sanitizer and libFuzzer runtimes (only fuzzing needs them).
need=()
command -v clang++-14 >/dev/null 2>&1 || need+=(clang-14)
dpkg-query -W -f='${Status}' libclang-rt-14-dev 2>/dev/null | grep -q "install ok installed" || need+=(libclang-rt-14-dev)
if [ ${#need[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  echo "fuzz: installing ${need[*]}"
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" || exit 1
fi

if [ ! -f "$BUILD/build.ninja" ]; then
  cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DVETTED_FUZZ=ON \
        -DCMAKE_CXX_COMPILER=clang++-14 -DCMAKE_C_COMPILER=clang-14 || exit 1
fi
nice -n 10 cmake --build "$BUILD" --target fuzz -j2 || exit 1

root=$(pwd)
mkdir -p "$BUILD/artifacts"
failed=()
summary=""
for t in $TARGETS; do
  bin="$root/$BUILD/fuzz/${t}_fuzz"
  run="$root/$BUILD/run/$t"
  mkdir -p "$run/corpus"
  extra=()
  case $t in
    http) extra=(-max_len=20000 -dict="$root/fuzz/http.dict") ;;
    feedback) extra=(-max_len=20000) ;;
    app) extra=(-max_len=16384 -dict="$root/fuzz/http.dict") ;;
    image) extra=(-max_len=16384) ;;
  esac
  log="$run/last.log"
  echo "fuzz: $t for ${SECS}s"
  (cd "$run" && nice -n 10 "$bin" -max_total_time="$SECS" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
     -artifact_prefix="$root/$BUILD/artifacts/$t-" "${extra[@]}" corpus "$root/fuzz/corpus/$t") >"$log" 2>&1
  rc=$?
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*')
  if [ $rc -ne 0 ]; then
    failed+=("$t")
    echo "fuzz: $t FAILED (exit $rc); the last lines of $log:"
    grep -E 'ERROR|SUMMARY|invariant|Test unit written|timeout|out-of-memory' "$log" | tail -8
    summary+=$(printf '%-10s %12s execs  cov %6s  FAILED\n' "$t" "${execs:-?}" "${cov:-?}")$'\n'
  else
    summary+=$(printf '%-10s %12s execs  cov %6s  ok\n' "$t" "${execs:-?}" "${cov:-?}")$'\n'
  fi
done
echo
echo "fuzz: ${SECS}s per target"
printf '%s' "$summary"
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz: failed: ${failed[*]} (inputs in $BUILD/artifacts/; replay: $BUILD/fuzz/<target>_fuzz FILE)"
  exit 1
fi
