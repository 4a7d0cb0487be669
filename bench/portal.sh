#!/usr/bin/env bash
# Load test of the citizen portal pages (issue 4): catalogue search over a 5,000-procedure
# catalogue, the procedure page, the public lookup, and the weight of every public page.
# Usage:
#   bench/portal.sh [sqlite|postgres|all]        (or BACKEND=postgres bench/portal.sh)
# Environment:
#   DURATION        seconds per wrk run (default 10)
#   CONNECTIONS     connections of the throughput runs (default 100)
#   LOW_CONNECTIONS connections of the search latency run, ~server time (default 1)
#   PROCEDURES      catalogue size, real ones included (default 5000)
#   DOSSIERS        dossiers generated on top of the demo's 300 (default 20000)
#   DB_CONNECTIONS  server pool size (default 8)
#   PORT            server port on 127.0.0.1 (default 18081)
#   PG_ADMIN        default postgres://postgres@127.0.0.1:5432/postgres (a throwaway
#                   database is created next to it and dropped at the end)
#   BUILD=0         skip `cargo build --release -p motcua --locked`
# Needs: wrk, curl, python3, gzip; sqlite3 (SQLite) or psql (PostgreSQL).
# Outputs: bench/out/portal/ (raw wrk outputs, server log, summary-<backend>.txt).
set -euo pipefail
cd "$(dirname "$0")/.."
WHICH=${1:-${BACKEND:-sqlite}}
DURATION=${DURATION:-10}
CONNECTIONS=${CONNECTIONS:-100}
LOW_CONNECTIONS=${LOW_CONNECTIONS:-1}
PROCEDURES=${PROCEDURES:-5000}
DOSSIERS=${DOSSIERS:-20000}
DB_CONNECTIONS=${DB_CONNECTIONS:-8}
PORT=${PORT:-18081}
PG_ADMIN=${PG_ADMIN:-postgres://postgres@127.0.0.1:5432/postgres}
PG_BASE=${PG_ADMIN%/*}
BIN=target/release/motcua
OUT=bench/out/portal
BASE=http://127.0.0.1:$PORT
mkdir -p "$OUT"

for tool in wrk curl python3 gzip; do
  command -v $tool > /dev/null || { echo "missing: $tool (Debian: apt-get install -y wrk curl python3 gzip)" >&2; exit 2; }
done
if [ "${BUILD:-1}" != 0 ]; then cargo build --release -q -p motcua --locked; fi
[ -x "$BIN" ] || { echo "no $BIN: build it (cargo build --release -p motcua --locked)" >&2; exit 2; }

SERVER_PID="" DATA_DIR="" PG_DB=""
cleanup() {
  if [ -n "$SERVER_PID" ]; then kill -TERM "$SERVER_PID" 2> /dev/null || true; wait "$SERVER_PID" 2> /dev/null || true; SERVER_PID=""; fi
  if [ -n "$PG_DB" ]; then psql -q "$PG_ADMIN" -c "DROP DATABASE IF EXISTS $PG_DB" > /dev/null 2>&1 || true; PG_DB=""; fi
  if [ -n "$DATA_DIR" ]; then rm -rf "$DATA_DIR"; DATA_DIR=""; fi
}
trap cleanup EXIT INT TERM

say() { echo "$*" | tee -a "$SUMMARY"; }
# Runs a command after printing it, so the summary holds the exact commands.
run() { echo "\$ $*" >> "$SUMMARY"; "$@"; }
load() { cut -d' ' -f1-3 /proc/loadavg; }

# Waits until the server has used less than 50 ms of CPU in a second: requests queued by
# a finished wrk run (a slow page under 100 connections) would otherwise be served during
# the next run and slow it down.
settle() {
  local a b
  for _ in $(seq 1 180); do
    a=$(awk '{print $14 + $15}' /proc/$SERVER_PID/stat); sleep 1; b=$(awk '{print $14 + $15}' /proc/$SERVER_PID/stat)
    [ $((b - a)) -lt 5 ] && return 0
  done
  say "warning: the server is still busy 180 s after the previous run"
}

# wrk with a 30 s timeout, so slow answers count in the percentiles instead of being
# dropped as timeouts (wrk's default is 2 s).
WRK=(wrk --timeout 30s --latency)

# "rps p50 p90 p99 non2xx statuses" of a wrk output.
wrk_fields() {
  awk '/Requests\/sec/ {rps=$2} $1=="50%" {p50=$2} $1=="90%" {p90=$2} $1=="99%" {p99=$2}
       /Non-2xx/ {bad=$NF} /Socket errors/ {err=$0}
       /^Statuses:/ {sub(/^Statuses: /, ""); st=$0}
       END {printf "%s req/s | p50 %s | p90 %s | p99 %s | %s%s\n", rps, p50, p90, p99, (st ? st : "non-2xx/3xx: " (bad ? bad : 0)), (err ? " |" err : "")}' "$1"
}

# Server-side latency quantiles of one route from /metrics (a rolling 60 s window): the
# time from the request entering the router to the response, without the network or
# wrk's own queueing.
server_time() { # method route status
  curl -sf "$BASE/metrics" | python3 -c '
import re, sys
method, route, status = sys.argv[1:4]
q = {}
for line in sys.stdin:
    if not line.startswith("http_request_duration_seconds{"):
        continue
    labels = dict(re.findall(r"(\w+)=\"([^\"]*)\"", line[: line.rindex("}")]))
    if labels.get("method") == method and labels.get("route") == route and labels.get("status") == status and "quantile" in labels:
        q[labels["quantile"]] = float(line.split()[-1]) * 1000
print("server time p50 %.2f ms | p90 %.2f ms | p99 %.2f ms | max %.2f ms" % tuple(q.get(k, float("nan")) for k in ("0.5", "0.9", "0.99", "1")) if q else "server time: no samples in /metrics")
' "$1" "$2" "$3"
}

sql() { # query → tab-separated rows
  if [ "$BACKEND_NOW" = sqlite ]; then sqlite3 -separator $'\t' "$DATA_DIR/motcua.db" "$1"; else psql -qAt -F $'\t' "$URL" -c "$1"; fi
}

page_weight() { # label method path [form data]
  local label=$1 method=$2 path=$3 data=${4:-} status plain gz enc tmp gzsize ms
  tmp=$(mktemp)
  local args=(-s -o "$tmp" -w '%{http_code} %{size_download}\n' -X "$method")
  [ -n "$data" ] && args+=(-H 'content-type: application/x-www-form-urlencoded' --data "$data")
  read -r status plain < <(curl "${args[@]}" "$BASE$path")
  gzsize=$(gzip -6 -c "$tmp" | wc -c)
  read -r _ gz < <(curl "${args[@]}" -H 'Accept-Encoding: gzip' -D "$tmp.h" "$BASE$path")
  enc=$(tr -d '\r' < "$tmp.h" | awk -F': ' 'tolower($1)=="content-encoding" {print $2}')
  ms=$(for _ in 1 2 3 4 5; do curl "${args[@]}" -o /dev/null -w '%{time_total}\n' "$BASE$path"; done | sort -n | awk 'NR == 3 {printf "%.2f", $1 * 1000}')
  printf '| %-34s | %3s | %9s | %9s | %-8s | %9s | %8s |\n' "$label" "$status" "$plain" "$gz" "${enc:-none}" "$gzsize" "$ms" | tee -a "$SUMMARY"
  rm -f "$tmp" "$tmp.h"
}

run_backend() {
  BACKEND_NOW=$1
  SUMMARY=$OUT/summary-$BACKEND_NOW.txt
  : > "$SUMMARY"
  DATA_DIR=$(mktemp -d /tmp/motcua-portal.XXXXXX)
  if [ "$BACKEND_NOW" = sqlite ]; then
    URL="sqlite://$DATA_DIR/motcua.db"
  else
    PG_DB="motcua_portal_$$"
    psql -q "$PG_ADMIN" -c "CREATE DATABASE $PG_DB"
    URL="$PG_BASE/$PG_DB"
  fi
  say "== portal benchmark, $BACKEND_NOW, $(date -u +%FT%TZ), tree $(git rev-parse --short HEAD 2> /dev/null)$(git diff --quiet 2> /dev/null || echo '+changes'), $BIN built $(date -u -r "$BIN" +%FT%TZ)"
  say "machine: $(nproc) cores, $(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo), $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo), $(uname -sr); $(wrk -v 2>&1 | head -1 | cut -d' ' -f1-2); load average before: $(load)"
  say "settings: DURATION=$DURATION CONNECTIONS=$CONNECTIONS LOW_CONNECTIONS=$LOW_CONNECTIONS PROCEDURES=$PROCEDURES DOSSIERS=$DOSSIERS DB_CONNECTIONS=$DB_CONNECTIONS"

  # --- data: demo, a PROCEDURES-procedure catalogue, more dossiers ---
  run "$BIN" demo --no-serve --data-dir "$DATA_DIR" --database-url "$URL" --dossiers 300 > "$OUT/$BACKEND_NOW-demo.log"
  run python3 bench/portal/gen_procedures.py --count "$PROCEDURES" > "$DATA_DIR/procedures.json"
  run "$BIN" import procedures "$DATA_DIR/procedures.json" --data-dir "$DATA_DIR" --database-url "$URL" | tee -a "$SUMMARY"
  if [ "$DOSSIERS" -gt 0 ]; then
    run "$BIN" generate --dossiers "$DOSSIERS" --data-dir "$DATA_DIR" --database-url "$URL" > "$OUT/$BACKEND_NOW-generate.log"
  fi
  say "catalogue: $(sql 'SELECT COUNT(*) FROM procedures') procedures; dossiers: $(sql 'SELECT COUNT(*) FROM dossiers')"

  # --- server ---
  echo "\$ $BIN serve --listen 127.0.0.1:$PORT --data-dir $DATA_DIR --database-url $URL --db-connections $DB_CONNECTIONS" >> "$SUMMARY"
  RUST_LOG=warn "$BIN" serve --listen 127.0.0.1:$PORT --data-dir "$DATA_DIR" --database-url "$URL" --db-connections "$DB_CONNECTIONS" > "$OUT/$BACKEND_NOW-server.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 200); do curl -sf "$BASE/healthz" > /dev/null && break; sleep 0.1; done
  curl -sf "$BASE/healthz" > /dev/null || { echo "server did not start: see $OUT/$BACKEND_NOW-server.log" >&2; exit 1; }

  # Inputs of the Lua scripts, from the database.
  export PORTAL_CODES=$OUT/$BACKEND_NOW-codes.txt PORTAL_LOOKUPS=$OUT/$BACKEND_NOW-lookups.txt
  sql "SELECT code FROM procedures ORDER BY code" > "$PORTAL_CODES"
  sql "SELECT COALESCE(code, reference), applicant_phone, applicant_id_number FROM dossiers ORDER BY id DESC LIMIT 20000" > "$PORTAL_LOOKUPS"
  say "inputs: $(wc -l < "$PORTAL_CODES") procedure codes, $(wc -l < "$PORTAL_LOOKUPS") lookups (code, phone, id number) of real dossiers"
  echo "\$ export PORTAL_CODES=$PORTAL_CODES PORTAL_LOOKUPS=$PORTAL_LOOKUPS   # read by bench/portal/procedure.lua and lookup.lua" >> "$SUMMARY"

  # Sample inputs for the page weights and sanity checks: a real procedure, the dossier
  # with the longest public timeline.
  local code lk_code lk_phone
  code=$(sql "SELECT code FROM procedures WHERE code = '1.001612'")
  code=${code:-$(head -1 "$PORTAL_CODES")}
  IFS=$'\t' read -r lk_code lk_phone < <(sql "SELECT COALESCE(d.code, d.reference), d.applicant_phone FROM dossiers d JOIN dossier_events e ON e.dossier_id = d.id GROUP BY d.id, d.code, d.reference, d.applicant_phone ORDER BY COUNT(*) DESC, d.id LIMIT 1")
  local lk_form="code=$lk_code&secret=$lk_phone"
  [ "$(curl -s -o /dev/null -w '%{http_code}' -X POST --data "$lk_form" "$BASE/tra-cuu")" = 200 ] || { echo "lookup of $lk_code with its phone is not 200" >&2; exit 1; }
  [ "$(curl -s -o /dev/null -w '%{http_code}' -X POST --data "code=$lk_code&secret=0999999999" "$BASE/tra-cuu")" = 404 ] || { echo "lookup with a wrong phone is not 404" >&2; exit 1; }
  case "$(curl -sf "$BASE/thu-tuc?q=khai+sinh")" in *'href="/thu-tuc/1.001193"'*) ;; *) echo "search for 'khai sinh' does not list 1.001193" >&2; exit 1 ;; esac

  # --- 3. page weight ---
  say ""
  say "Page weight (bytes; 'gzip' = downloaded with Accept-Encoding: gzip, 'encoding' = what the server answered,"
  say "'gzip -6' = what the page would weigh compressed; 'ms' = median time of 5 requests one at a time):"
  say "| page                               | st. |     bytes |      gzip | encoding |   gzip -6 |       ms |"
  say "| ---------------------------------- | --- | --------- | --------- | -------- | --------- | -------- |"
  page_weight "/" GET /
  page_weight "/thu-tuc" GET /thu-tuc
  page_weight "/thu-tuc?q=khai+sinh" GET "/thu-tuc?q=khai+sinh"
  page_weight "/thu-tuc/$code" GET "/thu-tuc/$code"
  page_weight "/thu-tuc/$code/in" GET "/thu-tuc/$code/in"
  page_weight "/nop-ho-so/$code" GET "/nop-ho-so/$code"
  page_weight "/tra-cuu" GET /tra-cuu
  page_weight "POST /tra-cuu (result, $(sql "SELECT COUNT(*) FROM dossier_events e JOIN dossiers d ON d.id = e.dossier_id WHERE COALESCE(d.code, d.reference) = '$lk_code'") events)" POST /tra-cuu "$lk_form"
  page_weight "/danh-gia" GET /danh-gia
  page_weight "/phan-anh" GET /phan-anh
  page_weight "/thong-ke" GET /thong-ke
  page_weight "/static/app.css" GET /static/app.css

  # --- 1. catalogue search ---
  say ""
  say "Catalogue search, $(grep -vc '^#' bench/portal/queries.txt) queries rotated (bench/portal/queries.txt):"
  wrk -t1 -c"$LOW_CONNECTIONS" -d2s -s bench/portal/search.lua "$BASE" > /dev/null 2>&1 # warm-up
  local f=$OUT/$BACKEND_NOW-search-low.txt
  settle; echo "load average before: $(load)" >> "$SUMMARY"
  run "${WRK[@]}" -t1 -c"$LOW_CONNECTIONS" -d"${DURATION}s" -s bench/portal/search.lua "$BASE" > "$f"
  say "search, $LOW_CONNECTIONS connection(s):   $(wrk_fields "$f")"
  say "                            $(server_time GET /thu-tuc 200)"
  f=$OUT/$BACKEND_NOW-search-high.txt
  settle
  run "${WRK[@]}" -t2 -c"$CONNECTIONS" -d"${DURATION}s" -s bench/portal/search.lua "$BASE" > "$f"
  say "search, $CONNECTIONS connections: $(wrk_fields "$f")"
  say "server memory after the search runs: $(awk '/VmHWM/ {print $2, $3}' /proc/$SERVER_PID/status) peak RSS"
  local q n ms_list
  # Per-query time to first byte, best of 3 (curl, one at a time), slowest five shown.
  settle
  : > "$OUT/$BACKEND_NOW-search-per-query.txt"
  while IFS= read -r q; do
    case "$q" in '#'* | '') continue ;; esac
    ms_list=$(for _ in 1 2 3; do curl -s -o /dev/null -G --data-urlencode "q=$q" -w '%{time_starttransfer}\n' "$BASE/thu-tuc"; done | sort -n | awk 'NR == 1')
    n=$(curl -s -G --data-urlencode "q=$q" "$BASE/thu-tuc" | grep -o '[0-9][0-9.,]* thủ tục' | head -1 | cut -d' ' -f1 || true)
    awk -v t="$ms_list" -v q="$q" -v n="$n" 'BEGIN {printf "%8.2f ms  %-40s %s matches\n", t * 1000, q, n}' >> "$OUT/$BACKEND_NOW-search-per-query.txt"
  done < bench/portal/queries.txt
  say "slowest queries (time to first byte, best of 3, one at a time; all in $OUT/$BACKEND_NOW-search-per-query.txt):"
  sort -rn "$OUT/$BACKEND_NOW-search-per-query.txt" | awk 'NR <= 5' | sed 's/^/  /' | tee -a "$SUMMARY"

  # --- 2. procedure page and lookup ---
  say ""
  # The first pass meets every page cold (procedure read, QR code computed once per
  # address, then cached); reported apart from the steady state that follows.
  f=$OUT/$BACKEND_NOW-procedure-cold.txt
  settle; echo "load average before: $(load)" >> "$SUMMARY"
  run "${WRK[@]}" -t2 -c"$CONNECTIONS" -d5s -s bench/portal/procedure.lua "$BASE" > "$f"
  say "procedure page, first 5 s (cold caches): $(wrk_fields "$f")"
  f=$OUT/$BACKEND_NOW-procedure.txt
  settle; echo "load average before: $(load)" >> "$SUMMARY"
  run "${WRK[@]}" -t2 -c"$CONNECTIONS" -d"${DURATION}s" -s bench/portal/procedure.lua "$BASE" > "$f"
  say "procedure page /thu-tuc/{code}, $CONNECTIONS connections, $(wc -l < "$PORTAL_CODES") codes, warm: $(wrk_fields "$f")"
  say "                            $(server_time GET '/thu-tuc/{code}' 200)"
  f=$OUT/$BACKEND_NOW-lookup.txt
  settle; echo "load average before: $(load)" >> "$SUMMARY"
  run "${WRK[@]}" -t2 -c"$CONNECTIONS" -d"${DURATION}s" -s bench/portal/lookup.lua "$BASE" > "$f"
  say "lookup POST /tra-cuu, $CONNECTIONS connections, 1 in 10 wrong phone (404): $(wrk_fields "$f")"
  say "                            found: $(server_time POST /tra-cuu 200)"
  say "                            wrong phone: $(server_time POST /tra-cuu 404)"

  # The home page lists the most used procedures and the fields of the whole catalogue.
  f=$OUT/$BACKEND_NOW-home.txt
  settle; echo "load average before: $(load)" >> "$SUMMARY"
  run "${WRK[@]}" -t2 -c"$CONNECTIONS" -d"${DURATION}s" "$BASE/" > "$f"
  say "home page /, $CONNECTIONS connections: $(wrk_fields "$f")"
  say "                            $(server_time GET / 200)"

  say ""
  say "server memory: $(awk '/VmHWM/ {print $2, $3}' /proc/$SERVER_PID/status) peak RSS; load average after: $(load)"
  cleanup
}

case "$WHICH" in
  sqlite | postgres) run_backend "$WHICH" ;;
  all) run_backend sqlite; run_backend postgres ;;
  *) echo "usage: $0 [sqlite|postgres|all]" >&2; exit 2 ;;
esac
echo "summaries in $OUT/summary-*.txt"
