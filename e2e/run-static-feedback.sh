#!/usr/bin/env bash
# Feedback from a static build, in headless Chromium (static-feedback.mjs). Builds the demo twice into one folder
# served by a plain static server (`python3 -m http.server`) on a free loopback port:
#   /health/  base_url http://127.0.0.1:SPORT/health/, feedback_endpoint http://127.0.0.1:VPORT/health/
#   /report/  base_url http://127.0.0.1:SPORT/report/, feedback_report mailto:editors@clearwell.example
# and serves the /health/ site from a database with `vetted serve --cors-origin http://127.0.0.1:SPORT` on
# another free loopback port (VPORT): the endpoint, and a site served under a path.
#   bash e2e/run-static-feedback.sh VETTED_BINARY DEMO_DIR
# Exit status: the script's (0 pass, 1 a check failed, 2 could not run); 1 when a build, the import or a server
# fails.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
if [ $# -ne 2 ]; then
  echo "usage: $0 VETTED_BINARY DEMO_DIR" >&2
  exit 2
fi
vetted="$1"
demo="$2"
if [ ! -d "$here/node_modules/playwright-core" ]; then
  echo "run-static-feedback: $here/node_modules is missing: run 'npm ci' in e2e/." >&2
  exit 1
fi

tmp="$(mktemp -d)"
pids=()
# shellcheck disable=SC2317  # called through the EXIT trap
cleanup() {
  for p in "${pids[@]}"; do
    if kill -0 "$p" 2>/dev/null; then
      kill "$p" 2>/dev/null || true
      for _ in $(seq 1 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
      kill -9 "$p" 2>/dev/null || true
    fi
  done
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}
sport="$(free_port)"
vport="$(free_port)"
while [ "$vport" = "$sport" ]; do vport="$(free_port)"; done

# A copy of the demo with site.toml's base_url and feedback keys replaced.
site_with() {
  local dir="$1" base="$2" extra="$3"
  cp -r "$demo" "$dir"
  grep -v -E '^(base_url|feedback_endpoint|feedback_report) *=' "$demo/site.toml" >"$dir/site.toml"
  printf 'base_url = "%s"\n%s\n' "$base" "$extra" >>"$dir/site.toml"
}
site_with "$tmp/health" "http://127.0.0.1:$sport/health/" "feedback_endpoint = \"http://127.0.0.1:$vport/health/\""
site_with "$tmp/report" "http://127.0.0.1:$sport/report/" 'feedback_report = "mailto:editors@clearwell.example"'
mkdir -p "$tmp/www"
for name in health report; do
  if ! "$vetted" build "$tmp/$name" -o "$tmp/www/$name" --quiet; then
    echo "run-static-feedback: '$vetted build' of the $name site failed" >&2
    exit 1
  fi
done
if ! "$vetted" import "$tmp/health" --db "$tmp/vetted.db" --quiet; then
  echo "run-static-feedback: '$vetted import' failed" >&2
  exit 1
fi

python3 -m http.server "$sport" --bind 127.0.0.1 --directory "$tmp/www" >"$tmp/static.log" 2>&1 &
pids+=($!)
"$vetted" serve --db "$tmp/vetted.db" --listen "127.0.0.1:$vport" --cors-origin "http://127.0.0.1:$sport" \
  >"$tmp/serve.log" 2>&1 &
pids+=($!)
up=""
for _ in $(seq 1 100); do  # at most ~10 s
  if curl -fs -o /dev/null --max-time 2 "http://127.0.0.1:$sport/health/" &&
    curl -fs -o /dev/null --max-time 2 "http://127.0.0.1:$vport/healthz"; then
    up=1
    break
  fi
  sleep 0.1
done
if [ -z "$up" ]; then
  echo "run-static-feedback: the servers never answered" >&2
  sed 's/^/  | /' "$tmp/static.log" "$tmp/serve.log" >&2
  exit 1
fi

echo "run-static-feedback: static files at http://127.0.0.1:$sport/, vetted serve at http://127.0.0.1:$vport/"
status=0
node "$here/static-feedback.mjs" "http://127.0.0.1:$sport/" "http://127.0.0.1:$vport/" \
  --db "$tmp/vetted.db" --vetted "$vetted" || status=$?
if [ "$status" -ne 0 ]; then sed 's/^/  serve | /' "$tmp/serve.log" | tail -n 40 >&2; fi
exit "$status"
