#!/usr/bin/env bash
# A soak: readers, reader feedback and editors at once for SOAK_SECONDS (600), sampling the server's
# resident memory and open file descriptors every SAMPLE seconds (10). After a warm-up (WARMUP seconds, a
# fifth of the run, at least 60), the last minute's average may not exceed the first minute's by more than
# 10%, for either; no request may fail. Everything on 127.0.0.1, SQLite in a temporary folder.
#
#   bash bench/soak.sh                          # ten minutes (make soak runs it)
#   SOAK_SECONDS=45 WARMUP=15 bash bench/soak.sh  # the quick variant in make test (checks the run, not growth)
#
# The load: READERS (8) wrk connections over every page of the sitemap; FEEDBACK (2) connections posting
# reader feedback about 50 times a second each; EDITORS (4) editors saving revisions through the JSON API back
# to back, one article published every 3 s (bench/newsroom-editors.mjs). VERSIONS (20): each editor's text comes
# in that many versions in turn, so an article's history stays at 20 revisions (a newsroom's articles have tens,
# not the tens of thousands an unlimited run of saves gives in minutes); VERSIONS=0 lets it grow with every save.
# VETTED: the binary (build/vetted). STORE=postgresql: the same on PostgreSQL, a throwaway cluster started
# in the temporary folder (scripts/pg-test-cluster.sh, durable: PG_FSYNC=on) and removed afterwards.
# SITE: the site imported (demo). CACHE_MB: --cache-mb for the server when set. Needs wrk, curl, node.
set -euo pipefail
cd "$(dirname "$0")/.."

VETTED=${VETTED:-build/vetted}
SITE=${SITE:-demo}
SOAK_SECONDS=${SOAK_SECONDS:-600}
SAMPLE=${SAMPLE:-10}
WARMUP=${WARMUP:-$(( SOAK_SECONDS / 5 > 60 ? SOAK_SECONDS / 5 : 60 ))}
READERS=${READERS:-8}
FEEDBACK=${FEEDBACK:-2}
EDITORS=${EDITORS:-4}
PASSWORD=soak-test-pass-5521
REVIEWER_PASSWORD=soak-review-pass-7730
for tool in wrk curl node; do
  command -v "$tool" >/dev/null || { echo "soak.sh: $tool is missing (bash scripts/install-deps.sh)" >&2; exit 2; }
done
[ -x "$VETTED" ] || { echo "soak.sh: $VETTED is not built (make)" >&2; exit 2; }

tmp=$(mktemp -d -p "${TMPDIR:-/tmp}" vetted-soak.XXXXXX)
db="$tmp/site.db"
pid=""
jobs_=()
cleanup() {
  for j in "${jobs_[@]}"; do kill "$j" 2>/dev/null || true; done
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  [ "${STORE:-sqlite}" = postgresql ] && bash scripts/pg-test-cluster.sh stop "$tmp/pg" >/dev/null 2>&1
  rm -rf "$tmp"
}
trap cleanup EXIT
if [ "${STORE:-sqlite}" = postgresql ]; then
  chmod 755 "$tmp"
  PG_FSYNC=on bash scripts/pg-test-cluster.sh start "$tmp/pg"
  db="postgresql:///postgres?host=$tmp/pg&user=postgres"
fi

"$VETTED" import "$SITE" --db "$db" -q
printf '%s\n' "$REVIEWER_PASSWORD" |
  "$VETTED" user add reviewer@example.org --role reviewer --person priya-nair --password-stdin --db "$db" >/dev/null
for i in $(seq -f %02g 1 "$EDITORS"); do
  printf '%s\n' "$PASSWORD" |
    "$VETTED" user add "ed$i@example.org" --role writer,editor --password-stdin --db "$db" >/dev/null
done
cache=()
[ -n "${CACHE_MB:-}" ] && cache=(--cache-mb "$CACHE_MB")
"$VETTED" serve --db "$db" --listen 127.0.0.1:0 --feedback-rate 100000000 --feedback-burst 100000000 \
  --access-log false "${cache[@]}" 2>"$tmp/serve.log" &
pid=$!
base=""
for _ in $(seq 1 100); do
  base=$(sed -n 's|.*listening on \(http://127\.0\.0\.1:[0-9]*\)/.*|\1|p' "$tmp/serve.log" | head -n 1)
  [ -n "$base" ] && curl -sf -o /dev/null "$base/healthz" && break
  base=""
  sleep 0.1
done
[ -n "$base" ] || { cat "$tmp/serve.log" >&2; exit 1; }
curl -s "$base/sitemap.xml" | grep -o '<loc>[^<]*</loc>' |
  sed -e 's|<loc>[a-z]*://[^/]*||' -e 's|</loc>||' >"$tmp/urls.txt"
article=""  # the first page of the sitemap that takes feedback (an article)
while read -r url; do
  code=$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' \
    --data "{\"article\":\"$url\",\"helpful\":true,\"category\":\"helpful\",\"comment\":\"\"}" "$base/api/feedback")
  if [ "$code" = 201 ]; then article=$url; break; fi
done <"$tmp/urls.txt"
[ -n "$article" ] || { echo "soak.sh: no page of the sitemap takes feedback" >&2; exit 1; }
cat >"$tmp/feedback.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"article":"$article","helpful":false,"category":"other","comment":"soak"}'
function delay() return 20 end
function done(summary, latency, requests)
  io.write(string.format("feedback=%d non_2xx=%d errors=%d\n", summary.requests, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
LUA

echo "store: ${STORE:-sqlite}"
echo "machine: $(nproc) cores; load average before: $(cut -d' ' -f1-3 /proc/loadavg); $(date -u +%Y-%m-%dT%H:%MZ)"
echo "soak: ${SOAK_SECONDS}s, warm-up ${WARMUP}s; $READERS reader connections over $(wc -l <"$tmp/urls.txt") pages," \
  "$FEEDBACK feedback connections, $EDITORS editors; a sample every ${SAMPLE}s"
URLS="$tmp/urls.txt" wrk -t1 -c"$READERS" -d"${SOAK_SECONDS}s" --timeout 10s -s bench/wrk/percentiles.lua "$base" \
  >"$tmp/readers.txt" &
jobs_+=($!)
wrk -t1 -c"$FEEDBACK" -d"${SOAK_SECONDS}s" --timeout 10s -s "$tmp/feedback.lua" "$base/api/feedback" \
  >"$tmp/feedback.txt" &
jobs_+=($!)
VERSIONS=${VERSIONS:-20} node bench/newsroom-editors.mjs "$base/" "$EDITORS" "$SOAK_SECONDS" "$PASSWORD" reviewer@example.org \
  "$REVIEWER_PASSWORD" >"$tmp/editors.json" &
jobs_+=($!)

start=$(date +%s)
# rss_kb: resident memory; anon_kb: the heap (and stacks); file_kb: mapped files, of which db_kb are the
# SQLite database's own pages (the store maps the file, PRAGMA mmap_size, and it grows with every saved
# revision: those pages are the kernel's page cache, shared and dropped under pressure, not the process's
# memory); db_file_kb: the database file's size. The check compares rss_kb - db_kb (the process's own memory).
printf '%8s %10s %6s %10s %10s %10s %10s\n' seconds rss_kb fds anon_kb file_kb db_kb db_file_kb >"$tmp/samples.txt"
while :; do
  now=$(( $(date +%s) - start ))
  [ "$now" -ge "$SOAK_SECONDS" ] && break
  rss=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")
  anon=$(awk '/RssAnon/ {print $2}' "/proc/$pid/status")
  file=$(awk '/RssFile/ {print $2}' "/proc/$pid/status")
  dbmap=$(awk -v db="$db" '/^[0-9a-f]+-[0-9a-f]+ / { on = ($6 == db || $6 == db "-shm") } on && /^Rss:/ { s += $2 }
    END { print s + 0 }' "/proc/$pid/smaps")
  dbfile=0
  [ -f "$db" ] && dbfile=$(( $(stat -c %s "$db") / 1024 ))
  fds=$(ls "/proc/$pid/fd" | wc -l)
  printf '%8d %10d %6d %10d %10d %10d %10d\n' "$now" "$rss" "$fds" "$anon" "$file" "$dbmap" "$dbfile" \
    >>"$tmp/samples.txt"
  sleep "$SAMPLE"
done
for j in "${jobs_[@]}"; do wait "$j"; done
jobs_=()

cat "$tmp/samples.txt"
echo "readers: $(cat "$tmp/readers.txt" | grep '^requests=')"
echo "feedback: $(grep '^feedback=' "$tmp/feedback.txt")"
echo "editors: $(cat "$tmp/editors.json")"
failed=0
line=$(grep '^requests=' "$tmp/readers.txt")
for field in connect_errors read_errors write_errors timeouts non_2xx; do
  n=$(grep -oP "$field=\K[0-9]+" <<<"$line")
  [ "$n" = 0 ] || { echo "soak.sh: readers $field=$n" >&2; failed=1; }
done
fb=$(grep '^feedback=' "$tmp/feedback.txt")
[ "$(grep -oP 'non_2xx=\K[0-9]+' <<<"$fb")" = 0 ] && [ "$(grep -oP ' errors=\K[0-9]+' <<<"$fb")" = 0 ] ||
  { echo "soak.sh: feedback failed: $fb" >&2; failed=1; }
node -e 'const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  process.exit(r.errors === 0 && r.saves > 0 ? 0 : 1)' "$tmp/editors.json" ||
  { echo "soak.sh: editors failed" >&2; failed=1; }
# Growth: the first minute after the warm-up against the last minute.
awk -v warm="$WARMUP" -v end="$SOAK_SECONDS" '
  NR == 1 { next }
  $1 >= warm && $1 < warm + 60 { br += $2 - $6; bf += $3; ba += $4; bt += $2; bd += $7; nb++ }
  $1 >= end - 60 && $1 >= warm + 60 { lr += $2 - $6; lf += $3; la += $4; lt += $2; ld += $7; nl++ }
  END {
    if (nb == 0 || nl == 0) { print "growth: the run is too short to compare (warm-up + 2 minutes needed)"; exit 0 }
    gr = (lr / nl) / (br / nb) - 1; gf = (lf / nl) / (bf / nb) - 1
    printf "growth after warm-up: resident memory less the database'"'"'s mapped pages %+.1f%% (%.1f -> %.1f MB), open files %+.1f%% (%.0f -> %.0f)\n",
      gr * 100, br / nb / 1024, lr / nl / 1024, gf * 100, bf / nb, lf / nl
    printf "  for reference: resident memory in all %+.1f%% (%.1f -> %.1f MB), heap %+.1f%% (%.1f -> %.1f MB), database file %.1f -> %.1f MB\n",
      ((lt / nl) / (bt / nb) - 1) * 100, bt / nb / 1024, lt / nl / 1024, ((la / nl) / (ba / nb) - 1) * 100,
      ba / nb / 1024, la / nl / 1024, bd / nb / 1024, ld / nl / 1024
    exit (gr > 0.10 || gf > 0.10) ? 1 : 0
  }' "$tmp/samples.txt" || { echo "soak.sh: memory or open files grew by more than 10%" >&2; failed=1; }
if grep -qiE 'abort|assert|sanitizer' "$tmp/serve.log"; then
  echo "soak.sh: the server logged:" >&2; grep -iE 'abort|assert|sanitizer' "$tmp/serve.log" | head -5 >&2; failed=1
fi
[ "$failed" = 0 ] && echo "soak.sh: ok"
exit "$failed"
