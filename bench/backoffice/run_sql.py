#!/usr/bin/env python3
"""Runs a SQL file of bench/backoffice/ on a SQLite database, step by step, printing each
step and its time (bench/backoffice.sh; PostgreSQL runs the .postgres.sql twin with psql).

    python3 bench/backoffice/run_sql.py DB FILE NAME=VALUE...

A line `-- step: text` starts a step (run with executescript); a line `-- report: text`
starts a single query whose rows are printed after the text; a line `-- require: text`
starts a single query whose first column must be 1 (else the run stops with the row). `@NAME@` in the file is
replaced by VALUE (values are checked by the caller: codes and numbers only).

SQLite has no SHA-256 function; sha256(text) is registered here (lowercase hex of the
UTF-8 bytes), so the hash chains of copied events are computed exactly as
core::dossier::chain_hash does. The journal mode and synchronous setting are the
server's (WAL, NORMAL).
"""
import hashlib
import sqlite3
import sys
import time


def main() -> None:
    db, path, *params = sys.argv[1:]
    sql = open(path, encoding="utf-8").read()
    for p in params:
        name, value = p.split("=", 1)
        sql = sql.replace(f"@{name}@", value)
    con = sqlite3.connect(db, isolation_level=None)
    con.create_function("sha256", 1, lambda s: None if s is None else hashlib.sha256(s.encode("utf-8")).hexdigest(), deterministic=True)
    con.execute("PRAGMA journal_mode = WAL")
    con.execute("PRAGMA synchronous = NORMAL")
    con.execute("PRAGMA foreign_keys = ON")
    con.execute("PRAGMA temp_store = MEMORY")
    con.execute("PRAGMA cache_size = -262144")
    chunks: list[tuple[str, str, list[str]]] = []
    for line in sql.splitlines():
        for kind in ("step", "report", "require"):
            if line.startswith(f"-- {kind}:"):
                chunks.append((kind, line.split(":", 1)[1].strip(), []))
                break
        else:
            if chunks:
                chunks[-1][2].append(line)
    for kind, text, lines in chunks:
        body = "\n".join(lines).strip()
        start = time.monotonic()
        if kind == "step":
            print(f"  {text} …", end="", flush=True)
            con.executescript(body)
            print(f" {time.monotonic() - start:.1f} s", flush=True)
        else:
            rows = con.execute(body).fetchall()
            shown = "; ".join(" ".join("" if v is None else str(v) for v in r) for r in rows)
            if kind == "require" and (not rows or rows[0][0] != 1):
                sys.exit(f"  check failed: {text}: {shown}")
            print(f"  {text}: {shown}", flush=True)
    con.close()


if __name__ == "__main__":
    main()
