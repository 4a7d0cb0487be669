"""The SQLite ceiling for dossier creation on this machine: a bare loop of transactions that
write what one counter reception writes (dossier row, two event rows, a code sequence
upsert, an outbox row, three counter upserts), with motcua's pragmas, and no HTTP, JSON,
hashing or validation. Usage: python3 sqlite_insert_loop.py DB_FILE SECONDS"""
import sqlite3, sys, time

db, seconds = sys.argv[1], float(sys.argv[2])
c = sqlite3.connect(db, isolation_level=None)
for p in ["journal_mode = WAL", "synchronous = NORMAL", "foreign_keys = OFF", "cache_size = -4000"]:
    c.execute("PRAGMA " + p)
c.executescript("""
CREATE TABLE IF NOT EXISTS d (id INTEGER PRIMARY KEY, reference TEXT UNIQUE, code TEXT UNIQUE, state TEXT, name TEXT,
  id_number TEXT, phone TEXT, steps TEXT, due_at BIGINT, version BIGINT, last_hash TEXT, updated_at BIGINT);
CREATE TABLE IF NOT EXISTS e (id INTEGER PRIMARY KEY, dossier_id BIGINT, seq BIGINT, at BIGINT, action TEXT, data TEXT, prev_hash TEXT, hash TEXT, UNIQUE (dossier_id, seq));
CREATE TABLE IF NOT EXISTS seqs (agency_id BIGINT, day TEXT, last BIGINT, PRIMARY KEY (agency_id, day));
CREATE TABLE IF NOT EXISTS outbox (id INTEGER PRIMARY KEY, payload TEXT, created_at BIGINT);
CREATE TABLE IF NOT EXISTS counts (agency_id BIGINT, day TEXT, metric TEXT, n BIGINT, PRIMARY KEY (agency_id, day, metric));
""")
h = "0" * 64
n = 0
start = time.perf_counter()
lat = []
while time.perf_counter() - start < seconds:
    t0 = time.perf_counter()
    c.execute("BEGIN IMMEDIATE")
    cur = c.execute("INSERT INTO d (reference, state, name, id_number, phone, steps, version, last_hash, updated_at) VALUES (?, 'draft', 'Nguyễn Văn Bench', '056090012345', '0912345678', '[]', 0, ?, 1)", (f"R{time.time_ns()}-{n}", h))
    i = cur.lastrowid
    last = c.execute("INSERT INTO seqs VALUES (1, '2026-11-23', 1) ON CONFLICT (agency_id, day) DO UPDATE SET last = seqs.last + 1 RETURNING last").fetchone()[0]
    for s in (1, 2):
        c.execute("INSERT INTO e (dossier_id, seq, at, action, data, prev_hash, hash) VALUES (?, ?, 1, 'receive', '{}', ?, ?)", (i, s, h, h))
    c.execute("UPDATE d SET code = ?, state = 'received', due_at = 1, version = 2, last_hash = ?, updated_at = 2 WHERE id = ? AND version = 0", (f"B-{last}-{n}", h, i))
    c.execute("INSERT INTO outbox (payload, created_at) VALUES ('{}', 1)")
    for m in ("submitted", "received", "x"):
        c.execute("INSERT INTO counts VALUES (1, '2026-11-23', ?, 1) ON CONFLICT (agency_id, day, metric) DO UPDATE SET n = counts.n + 1", (m,))
    c.execute("COMMIT")
    lat.append(time.perf_counter() - t0)
    n += 1
elapsed = time.perf_counter() - start
lat.sort()
print(f"sqlite bare insert loop: {n / elapsed:.0f} tx/s, p50 {lat[len(lat)//2]*1000:.2f} ms, p99 {lat[int(len(lat)*0.99)]*1000:.2f} ms (1 writer)")
