# Sourced by tests/browser/run.sh and tests/schemathesis/run.sh: a throwaway demo server.
#
#   start_demo NAME [serve flags…]
#
# Unless BASE is already set (a server given by the caller), it takes the binary named by
# MOTCUA_BIN or builds target/debug/motcua, makes a demo data set in a temporary directory
# (`motcua demo --no-serve --dossiers 30`), serves it on a port the system picks and sets
# BASE to its address and DEMO_DIR to its directory (server.log is there). The server is
# stopped and the directory removed on exit.

DEMO_DIR=
DEMO_PID=

stop_demo() {
  if [ -n "$DEMO_PID" ]; then kill "$DEMO_PID" 2> /dev/null || true; wait "$DEMO_PID" 2> /dev/null || true; fi
  if [ -n "$DEMO_DIR" ]; then rm -rf "$DEMO_DIR"; fi
}

start_demo() {
  local name=$1
  shift
  trap stop_demo EXIT
  [ -n "${BASE:-}" ] && return 0
  local repo bin
  repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
  bin=${MOTCUA_BIN:-}
  if [ -n "$bin" ] && [ ! -x "$bin" ]; then
    echo "$name: MOTCUA_BIN=$bin is not an executable" >&2
    exit 1
  fi
  if [ -z "$bin" ]; then
    (cd "$repo" && cargo build --quiet -p motcua --locked)
    bin=$repo/target/debug/motcua
  fi
  DEMO_DIR=$(mktemp -d -t "motcua-$name-XXXXXX")
  "$bin" demo --no-serve --data-dir "$DEMO_DIR" --dossiers 30 > "$DEMO_DIR/demo.log" 2>&1 \
    || { cat "$DEMO_DIR/demo.log" >&2; echo "$name: motcua demo failed" >&2; exit 1; }
  # Port 0: the system picks a free port, and the server prints the address it got.
  RUST_LOG=${RUST_LOG:-warn} "$bin" serve --data-dir "$DEMO_DIR" --listen 127.0.0.1:0 "$@" > "$DEMO_DIR/server.log" 2>&1 &
  DEMO_PID=$!
  for _ in $(seq 1 150); do
    BASE=$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$DEMO_DIR/server.log" | head -n 1 || true)
    [ -n "$BASE" ] && curl -sf "$BASE/healthz" > /dev/null && return 0
    kill -0 "$DEMO_PID" 2> /dev/null || { cat "$DEMO_DIR/server.log" >&2; echo "$name: motcua serve exited" >&2; exit 1; }
    sleep 0.2
  done
  cat "$DEMO_DIR/server.log" >&2
  echo "$name: the demo server never answered /healthz" >&2
  exit 1
}
