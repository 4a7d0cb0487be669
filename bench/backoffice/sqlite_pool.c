/* Reproduces, outside the server, what the SQLite pages of bench/backoffice.sh run into:
 * NCONN connections of one process on one database, each with the server's pragmas
 * (crates/store/src/lib.rs: WAL, cache_size -4000), run two queries in turn on
 * successive connections, as the pool does; each run is timed.
 *
 * Build it against the SQLite the server links (libsqlite3-sys 0.30.1, bundled 3.46.0)
 * with the flags of libsqlite3-sys's build.rs, or with MM= (nothing) to leave out
 * SQLITE_ENABLE_MEMORY_MANAGEMENT:
 *
 *   S=$(find ~/.cargo/registry/src -maxdepth 2 -type d -name libsqlite3-sys-0.30.1)/sqlite3
 *   MM=-DSQLITE_ENABLE_MEMORY_MANAGEMENT
 *   gcc -O3 -DSQLITE_CORE -DSQLITE_DEFAULT_FOREIGN_KEYS=1 -DSQLITE_ENABLE_API_ARMOR \
 *     -DSQLITE_ENABLE_COLUMN_METADATA -DSQLITE_ENABLE_DBSTAT_VTAB -DSQLITE_ENABLE_FTS3 \
 *     -DSQLITE_ENABLE_FTS3_PARENTHESIS -DSQLITE_ENABLE_FTS5 -DSQLITE_ENABLE_JSON1 \
 *     -DSQLITE_ENABLE_LOAD_EXTENSION=1 $MM -DSQLITE_ENABLE_RTREE -DSQLITE_ENABLE_STAT4 \
 *     -DSQLITE_SOUNDEX -DSQLITE_THREADSAFE=1 -DSQLITE_USE_URI -DHAVE_USLEEP=1 -DHAVE_ISNAN \
 *     -D_POSIX_THREAD_SAFE_FUNCTIONS -DSQLITE_ENABLE_UNLOCK_NOTIFY -I$S \
 *     -o /tmp/sqlite_pool bench/backoffice/sqlite_pool.c $S/sqlite3.c -lpthread -ldl -lm
 *
 * Usage: /tmp/sqlite_pool DB NCONN Q1.sql Q2.sql ROUNDS   (EXTRA="PRAGMA …" adds a pragma)
 * Round r runs Q1 on connection 2r mod NCONN, then Q2 on connection 2r+1 mod NCONN. The
 * queries are plain SQL with literal values (bench/out/backoffice/<backend>-plans.txt has
 * the pages' queries written out).
 *
 * Found with it (BENCHMARKS.md, issue 5): with SQLITE_ENABLE_MEMORY_MANAGEMENT, which the
 * bundled build always sets, every connection of the process shares one page-cache LRU
 * (pcache1 "separateCache = 0"); once all nine connections have filled their 4 MB, a
 * query that reads more pages than its cache holds becomes 5-10 times slower (the queue's
 * state counts: 0.35-0.5 s on a fresh connection, 2.5-3.9 s after that). Built without it
 * (LIBSQLITE3_FLAGS="-USQLITE_ENABLE_MEMORY_MANAGEMENT" when building libsqlite3-sys) the
 * times stay flat.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "sqlite3.h"

static double now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static char *slurp(const char *path) {
  FILE *f = fopen(path, "r");
  if (!f) { perror(path); exit(2); }
  char *buf = malloc(1 << 20);
  size_t n = fread(buf, 1, (1 << 20) - 1, f);
  buf[n] = 0;
  fclose(f);
  return buf;
}

static double run(sqlite3 *db, const char *sql, long *rows) {
  sqlite3_stmt *s;
  double t = now_ms();
  if (sqlite3_prepare_v2(db, sql, -1, &s, 0)) { fprintf(stderr, "%s\n", sqlite3_errmsg(db)); exit(1); }
  *rows = 0;
  while (sqlite3_step(s) == SQLITE_ROW) (*rows)++;
  sqlite3_finalize(s);
  return now_ms() - t;
}

int main(int argc, char **argv) {
  if (argc != 6) { fprintf(stderr, "usage: %s DB NCONN Q1.sql Q2.sql ROUNDS\n", argv[0]); return 2; }
  int n = atoi(argv[2]), rounds = atoi(argv[5]);
  if (n < 1 || n > 64) { fprintf(stderr, "NCONN: 1-64\n"); return 2; }
  char *q1 = slurp(argv[3]), *q2 = slurp(argv[4]);
  const char *pragmas[] = {"PRAGMA journal_mode = WAL", "PRAGMA synchronous = NORMAL", "PRAGMA busy_timeout = 5000",
                           "PRAGMA foreign_keys = ON", "PRAGMA cache_size = -4000", getenv("EXTRA"), 0};
  sqlite3 *c[64];
  for (int i = 0; i < n; i++) {
    if (sqlite3_open_v2(argv[1], &c[i], SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_PRIVATECACHE | SQLITE_OPEN_URI, 0)) {
      fprintf(stderr, "open %s: %s\n", argv[1], sqlite3_errmsg(c[i]));
      return 1;
    }
    for (int j = 0; pragmas[j]; j++) sqlite3_exec(c[i], pragmas[j], 0, 0, 0);
  }
  printf("SQLite %s, %d connections\n", sqlite3_libversion(), n);
  for (int r = 0; r < rounds; r++) {
    long r1, r2;
    int a = (2 * r) % n, b = (2 * r + 1) % n;
    double t1 = run(c[a], q1, &r1), t2 = run(c[b], q2, &r2);
    printf("round %d: Q1 %.0f ms (%ld rows) on connection %d, Q2 %.0f ms (%ld rows) on connection %d\n", r, t1, r1, a, t2, r2, b);
  }
  return 0;
}
