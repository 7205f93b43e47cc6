#!/usr/bin/env bash
# Imports a site folder into a fresh database, serves it with `vetted serve --db` on a free loopback port,
# runs a browser script against it (serve.mjs: search and feedback; a11y.mjs: accessibility of every kind of
# page), then stops the server with SIGTERM and requires it to exit 0.
#   bash e2e/run-serve.sh VETTED_BINARY SITE_DIR [SCRIPT.mjs] [script options, e.g. --shots DIR]
# SCRIPT defaults to serve.mjs, which also gets --db and --vetted (it reads the stored feedback).
# Exit status: the script's (0 pass, 1 a check failed, 2 could not run); 1 when the import fails, the server
# never comes up, dies during the run or does not exit 0 on SIGTERM.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
if [ $# -lt 2 ]; then
  echo "usage: $0 VETTED_BINARY SITE_DIR [SCRIPT.mjs] [script options]" >&2
  exit 2
fi
vetted="$1"
site="$2"
shift 2
script=serve.mjs
if [ $# -gt 0 ] && [[ "$1" == *.mjs ]]; then
  script="$1"
  shift
fi

if [ ! -d "$here/node_modules/playwright-core" ] || [ ! -d "$here/node_modules/axe-core" ]; then
  echo "run-serve: $here/node_modules is missing:" \
    "run 'npm ci' in e2e/ (or 'bash scripts/install-deps.sh')." >&2
  exit 1
fi
if [ ! -x "$vetted" ]; then
  echo "run-serve: not an executable: $vetted" >&2
  exit 1
fi
if [ ! -d "$site" ]; then
  echo "run-serve: not a folder: $site" >&2
  exit 1
fi

tmp="$(mktemp -d)"
db="$tmp/vetted.db"
log="$tmp/serve.log"
pid=""
# shellcheck disable=SC2317  # called through the EXIT trap
cleanup() {
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

server_log() {
  echo "run-serve: server output:" >&2
  sed 's/^/  | /' "$log" >&2
}

if ! "$vetted" import "$site" --db "$db" --quiet; then
  echo "run-serve: '$vetted import $site --db $db' failed" >&2
  exit 1
fi

# Port 0: the server picks a free port and says which on stderr ("listening on http://127.0.0.1:PORT/").
# The log exists before the server starts: the loop below may read it before the child has opened it (and
# under `set -e -o pipefail` a failed read would end this script).
: >"$log"
"$vetted" serve --db "$db" --listen 127.0.0.1:0 >"$log" 2>&1 &
pid=$!
base=""
for _ in $(seq 1 100); do  # at most ~10 s
  if ! kill -0 "$pid" 2>/dev/null; then break; fi
  base="$(sed -n 's|.*listening on \(http://127\.0\.0\.1:[0-9][0-9]*/\).*|\1|p' "$log" | head -n 1)"
  if [ -n "$base" ] && curl -fs -o /dev/null --max-time 2 "$base" 2>/dev/null; then break; fi
  base=""
  sleep 0.1
done
if [ -z "$base" ]; then
  echo "run-serve: '$vetted serve --db $db' never answered" >&2
  server_log
  exit 1
fi

echo "run-serve: serving $site from $db at $base (pid $pid) for $script"
status=0
if [ "$script" = serve.mjs ]; then
  node "$here/serve.mjs" "$base" --db "$db" --vetted "$vetted" "$@" || status=$?
else
  node "$here/$script" "$base" "$@" || status=$?
fi

if ! kill -0 "$pid" 2>/dev/null; then
  echo "run-serve: the server died during the run" >&2
  server_log
  exit 1
fi
kill -TERM "$pid"
for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$pid" 2>/dev/null; then
  echo "FAIL server exits after SIGTERM: still running after 10 s" >&2
  server_log
  exit 1
fi
rc=0
wait "$pid" || rc=$?
pid=""
if [ "$rc" -ne 0 ]; then
  echo "FAIL server exits 0 after SIGTERM: exit status $rc" >&2
  server_log
  exit 1
fi
echo "PASS server exits 0 after SIGTERM"
exit "$status"
