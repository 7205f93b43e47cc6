#!/usr/bin/env bash
# The newsroom under load: EDITORS (20) editors save revisions through the JSON API (session cookie and
# X-CSRF-Token, PUT /admin/api/articles/{id}) while readers load the public pages (wrk over the sitemap's
# URLs) and a signed-in editor loads an admin page (wrk with the session cookie), all at once for DURATION
# seconds; every 3 s one article is submitted, approved and published and the time until its page shows
# the new revision is measured. Everything on 127.0.0.1. About a minute in all.
#
#   bash bench/newsroom-load.sh
#
# VETTED: the binary (build/vetted). SITE: the site imported (demo). EDITORS (20). DURATION: seconds (30).
# DB: the store address to use (a new SQLite file); it must hold no site yet.
# READERS: wrk connections for the public pages (16). ADMIN_PAGE: the admin page measured (/admin/articles;
# /admin/ when that is not served). Needs wrk, curl, node.
set -euo pipefail
cd "$(dirname "$0")/.."

VETTED=${VETTED:-build/vetted}
SITE=${SITE:-demo}
EDITORS=${EDITORS:-20}
DURATION=${DURATION:-30}
READERS=${READERS:-16}
ADMIN_PAGE=${ADMIN_PAGE:-/admin/articles}
PASSWORD=load-test-pass-8412
REVIEWER_PASSWORD=load-review-pass-3307
for tool in wrk curl node; do
  command -v "$tool" >/dev/null || { echo "newsroom-load.sh: $tool is missing (bash scripts/install-deps.sh)" >&2; exit 2; }
done
[ -x "$VETTED" ] || { echo "newsroom-load.sh: $VETTED is not built (make)" >&2; exit 2; }

tmp=$(mktemp -d -p "${TMPDIR:-/var/tmp}" vetted-newsroom-load.XXXXXX)
db="${DB:-$tmp/bench.db}"  # DB: another store address (e.g. postgresql://...), empty
log="$tmp/serve.log"
pid=""
cleanup() {
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT

echo "machine: $(nproc) cores; load average before: $(cut -d' ' -f1-3 /proc/loadavg); $(date -u +%Y-%m-%dT%H:%MZ)"
"$VETTED" import "$SITE" --db "$db" -q
printf '%s\n' "$REVIEWER_PASSWORD" |
  "$VETTED" user add reviewer@example.org --role reviewer --person priya-nair --password-stdin --db "$db" >/dev/null
for i in $(seq -w 1 "$EDITORS"); do
  printf '%s\n' "$PASSWORD" |
    "$VETTED" user add "ed$i@example.org" --role writer,editor --password-stdin --db "$db" >/dev/null
done

"$VETTED" serve --db "$db" --listen 127.0.0.1:0 --feedback-rate 100000000 --feedback-burst 100000000 \
  --access-log false 2>"$log" &
pid=$!
base=""
for _ in $(seq 1 100); do
  base=$(sed -n 's|.*listening on \(http://127\.0\.0\.1:[0-9]*/\).*|\1|p' "$log" | head -n 1)
  [ -n "$base" ] && curl -sf -o /dev/null "$base" && break
  base=""
  sleep 0.1
done
[ -n "$base" ] || { cat "$log" >&2; exit 1; }
base=${base%/}

# One signed-in editor's cookie for the admin page (the sign-in form needs its login cookie and csrf field).
jar="$tmp/cookies"
csrf=$(curl -s -c "$jar" "$base/admin/login" | sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' | head -n 1)
curl -s -o /dev/null -b "$jar" -c "$jar" --data-urlencode "csrf=$csrf" --data-urlencode "email=ed01@example.org" \
  --data-urlencode "password=$PASSWORD" "$base/admin/login"
cookie=$(awk '$6 ~ /session$/ {print $6 "=" $7}' "$jar")
[ -n "$cookie" ] || { echo "newsroom-load.sh: could not sign in" >&2; exit 1; }
if [ "$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: $cookie" "$base$ADMIN_PAGE")" != 200 ]; then
  echo "($ADMIN_PAGE is not served here: measuring /admin/ instead)"
  ADMIN_PAGE=/admin/
fi

urls="$tmp/urls.txt"
curl -s "$base/sitemap.xml" | grep -o '<loc>[^<]*</loc>' | sed -e 's|<loc>[a-z]*://[^/]*||' -e 's|</loc>||' >"$urls"
echo "$EDITORS editors saving, $READERS reader connections over $(wc -l <"$urls") pages, 2 admin connections" \
  "on $ADMIN_PAGE, for ${DURATION}s"

URLS="$urls" wrk -t1 -c"$READERS" -d"$DURATION"s --latency -s bench/wrk/urls.lua "$base" >"$tmp/readers.txt" &
readers=$!
wrk -t1 -c2 -d"$DURATION"s --latency -H "Cookie: $cookie" "$base$ADMIN_PAGE" >"$tmp/admin.txt" &
admin=$!
node bench/newsroom-editors.mjs "$base/" "$EDITORS" "$DURATION" "$PASSWORD" reviewer@example.org \
  "$REVIEWER_PASSWORD" >"$tmp/editors.json"
wait "$readers" "$admin"
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

summary() {  # wrk output file -> "N req/s, p50 X, p99 Y, non-2xx Z"
  awk '/Requests\/sec/ {rps=$2} /^ +50%/ {p50=$2} /^ +99%/ {p99=$2} /Non-2xx/ {bad=$NF}
       END {printf "%s req/s, p50 %s, p99 %s, non-2xx %s", rps, p50, p99, (bad == "" ? 0 : bad)}' "$1"
}
echo "readers (public pages): $(summary "$tmp/readers.txt")"
echo "admin page $ADMIN_PAGE: $(summary "$tmp/admin.txt")"
node -e '
const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
console.log(`API saves (PUT /admin/api/articles/{id}): ${r.saves} in ${r.seconds}s (${r.saves_per_s}/s), ` +
  `p50 ${r.save_p50_ms} ms, p99 ${r.save_p99_ms} ms, conflicts ${r.conflicts}, errors ${r.errors}`);
console.log(`published change live (publish answered -> page shows the revision): ${r.publications} ` +
  `publications, p50 ${r.live_p50_ms} ms, max ${r.live_max_ms} ms`);' "$tmp/editors.json"
echo "load average after: $load_after"
