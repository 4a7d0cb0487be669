#!/usr/bin/env bash
# The tracking-book export of issue 5: an agency's XLSX book of ~100,000 dossiers must
# stream in under 5 s with the server's memory growing by under 100 MB. Usage:
#   bench/book.sh [sqlite|postgres]     (default sqlite)
# Environment: DOSSIERS (generated, default 450000: the busiest demo agency then holds
# over 100,000), PG_ADMIN (default postgres://postgres@127.0.0.1:5432/postgres), BUILD=0
# to skip the release build. Needs: curl, sqlite3 or psql.
set -euo pipefail
cd "$(dirname "$0")/.."
WHICH=${1:-sqlite}
DOSSIERS=${DOSSIERS:-450000}
PG_ADMIN=${PG_ADMIN:-postgres://postgres@127.0.0.1:5432/postgres}
OUT=bench/out/book
PORT=18082
mkdir -p "$OUT"
if [ "${BUILD:-1}" != 0 ]; then cargo build --release -q -p motcua --locked; fi
BIN=target/release/motcua
dir=$(mktemp -d /tmp/motcua-book.XXXXXX)
db_name=""
cleanup() {
  [ -n "${pid:-}" ] && kill "$pid" 2> /dev/null || true
  [ -n "$db_name" ] && psql -q "$PG_ADMIN" -c "DROP DATABASE IF EXISTS $db_name WITH (FORCE)" > /dev/null 2>&1 || true
  rm -rf "$dir"
}
trap cleanup EXIT
if [ "$WHICH" = postgres ]; then
  db_name="motcua_book_$$"
  psql -q "$PG_ADMIN" -c "CREATE DATABASE $db_name"
  url="${PG_ADMIN%/*}/$db_name"
else
  url="sqlite://$dir/motcua.db"
fi
"$BIN" demo --no-serve --data-dir "$dir" --database-url "$url" --dossiers 300 > /dev/null
echo "generating $DOSSIERS dossiers…" >&2
"$BIN" generate --dossiers "$DOSSIERS" --data-dir "$dir" --database-url "$url" > /dev/null
RUST_LOG=warn "$BIN" serve --listen 127.0.0.1:$PORT --data-dir "$dir" --database-url "$url" > "$OUT/server.log" 2>&1 &
pid=$!
for _ in $(seq 1 100); do curl -sf http://127.0.0.1:$PORT/healthz > /dev/null && break; sleep 0.1; done
cookie=$(curl -s -i -X POST -d 'username=giamsat&password=motcua-demo-2026' http://127.0.0.1:$PORT/dang-nhap | awk -F'[ ;]' 'tolower($1) == "set-cookie:" {print $2}')
# The busiest agency and the whole span of its receptions.
if [ "$WHICH" = postgres ]; then q() { psql -Atq "$url" -c "$1"; }; else q() { sqlite3 "$dir/motcua.db" "$1"; }; fi
read -r agency n < <(q "SELECT a.code || ' ' || COUNT(*) FROM dossiers d JOIN agencies a ON a.id = d.receiving_agency_id WHERE d.received_at IS NOT NULL GROUP BY a.code ORDER BY COUNT(*) DESC LIMIT 1")
rss() { awk '/VmRSS/ {print $2}' /proc/$pid/status; }
before=$(rss)
start=$(date +%s.%N)
curl -s -o "$OUT/book.xlsx" -w '%{http_code} %{size_download} %{time_total}\n' -H "Cookie: $cookie" \
  "http://127.0.0.1:$PORT/can-bo/so-theo-doi?co-quan=$agency&tu=2000-01-01&den=2100-12-31&dinh-dang=xlsx" > "$OUT/curl.txt"
peak=$(awk '/VmHWM/ {print $2}' /proc/$pid/status)
read -r status bytes secs < "$OUT/curl.txt"
rows=$(python3 -c "import zipfile,sys; x=zipfile.ZipFile(sys.argv[1]).read('xl/worksheets/sheet1.xml'); print(x.count(b'<row ') - 3)" "$OUT/book.xlsx")
{
  echo "== tracking book XLSX, $WHICH, $(date -u +%FT%TZ), $(nproc) cores"
  echo "agency $agency: $n dossiers received; answer $status, $rows rows, $bytes bytes in $secs s"
  echo "server RSS before $((before / 1024)) MB, peak (VmHWM) $((peak / 1024)) MB, growth at most $(((peak - before) / 1024)) MB"
} | tee "$OUT/summary-$WHICH.txt"
