-- The PostgreSQL ceiling for dossier creation: one transaction writing what a counter
-- reception writes (dossier row, two events, code sequence, outbox row, three counters),
-- without HTTP, JSON, hashing or validation. Tables created by bench/run.sh.
\set agency random(1, 2)
BEGIN;
INSERT INTO d (reference, state, name, id_number, phone, steps, version, last_hash, updated_at)
  VALUES (md5(random()::text || clock_timestamp()::text), 'draft', 'Nguyễn Văn Bench', '056090012345', '0912345678', '[]', 0, repeat('0', 64), 1)
  RETURNING id \gset
INSERT INTO e (dossier_id, seq, at, action, data, prev_hash, hash) VALUES (:id, 1, 1, 'submit', '{}', repeat('0', 64), repeat('0', 64));
INSERT INTO e (dossier_id, seq, at, action, data, prev_hash, hash) VALUES (:id, 2, 1, 'receive', '{}', repeat('0', 64), repeat('0', 64));
INSERT INTO seqs VALUES (:agency, '2026-11-23', 1) ON CONFLICT (agency_id, day) DO UPDATE SET last = seqs.last + 1 RETURNING last \gset
UPDATE d SET code = 'B-' || :id, state = 'received', due_at = 1, version = 2, updated_at = 2 WHERE id = :id AND version = 0;
INSERT INTO outbox (payload, created_at) VALUES ('{}', 1);
INSERT INTO counts VALUES (:agency, '2026-11-23', 'submitted', 1) ON CONFLICT (agency_id, day, metric) DO UPDATE SET n = counts.n + 1;
INSERT INTO counts VALUES (:agency, '2026-11-23', 'received', 1) ON CONFLICT (agency_id, day, metric) DO UPDATE SET n = counts.n + 1;
INSERT INTO counts VALUES (:agency, '2026-11-23', 'received_online', 1) ON CONFLICT (agency_id, day, metric) DO UPDATE SET n = counts.n + 1;
COMMIT;
