-- bench/backoffice.sh, SQLite: after `motcua generate`, (1) brings the number of OPEN
-- dossiers in the scope of agency @AGENCY@ to @OPEN@ by copying its open generated
-- dossiers (`motcua generate` spreads dossiers over every demo agency and state and has no
-- option to concentrate them), and (2) rates one in three returned dossiers (the generator
-- writes no ratings; the dashboard's satisfaction column joins them).
-- Run by bench/backoffice/run_sql.py (it registers sha256()). Twin: extend.postgres.sql.
--
-- A copy keeps every column of its source (same procedure, agencies, state, step, times
-- and due date, so the due dates keep the generator's spread: overdue, due soon, later,
-- and none for dossiers not yet received) except id (after the largest), reference
-- ('HS-BQ' + 9 digits), code (same agency and reception day, sequence 100000 + n, with
-- code_sequences raised past it) and last_hash. Its events are copied with a hash chain
-- recomputed over the new reference (the same computation is checked against untouched
-- generated events first), with its dossier_agencies rows (every column: agency, and the
-- state and due key the scope table carries) and the daily counters the normal path
-- would have bumped. Copies behave like any other dossier.
-- "Open" is the queue's set: submitted, received, processing, supplement_requested
-- (crates/store/src/read/dossier_list.rs, open_only).

-- step: open dossiers already in the scope of @AGENCY@
DROP TABLE IF EXISTS temp.bq_src;
CREATE TEMP TABLE bq_src AS
  SELECT ROW_NUMBER() OVER (ORDER BY d.id) - 1 AS i, d.id AS id
  FROM dossier_agencies da JOIN dossiers d ON d.id = da.dossier_id
  WHERE da.agency_id = (SELECT id FROM agencies WHERE code = '@AGENCY@')
    AND d.state IN ('submitted', 'received', 'processing', 'supplement_requested');
CREATE INDEX temp.bq_src_i ON bq_src (i);

-- report: open dossiers in scope before, copies to make
SELECT (SELECT COUNT(*) FROM bq_src), MAX(@OPEN@ - (SELECT COUNT(*) FROM bq_src), 0);

-- step: which source each copy k = 1..(@OPEN@ - open) repeats (round robin), its id and code
DROP TABLE IF EXISTS temp.bq_map;
CREATE TEMP TABLE bq_map AS
  WITH RECURSIVE n(k) AS (
    SELECT 1 WHERE @OPEN@ > (SELECT COUNT(*) FROM bq_src) AND (SELECT COUNT(*) FROM bq_src) > 0
    UNION ALL SELECT k + 1 FROM n WHERE k < @OPEN@ - (SELECT COUNT(*) FROM bq_src))
  SELECT n.k AS k, (SELECT MAX(id) FROM dossiers) + n.k AS new_id, s.id AS old_id,
    printf('HS-BQ%09d', n.k) AS reference, d.receiving_agency_id AS agency_id, length(a.code) AS len,
    CASE WHEN d.code IS NULL THEN NULL ELSE substr(d.code, 1, length(a.code) + 8) || (100000 + n.k) END AS code
  FROM n JOIN bq_src s ON s.i = (n.k - 1) % (SELECT COUNT(*) FROM bq_src)
  JOIN dossiers d ON d.id = s.id JOIN agencies a ON a.id = d.receiving_agency_id;
CREATE UNIQUE INDEX temp.bq_map_k ON bq_map (k);

-- step: copy the dossier rows, every column the schema holds now (row k of bq_d is copy k)
DROP TABLE IF EXISTS temp.bq_d;
CREATE TEMP TABLE bq_d AS SELECT d.* FROM bq_map m JOIN dossiers d ON d.id = m.old_id ORDER BY m.k;

-- require: row k of the copy table is copy k
SELECT COUNT(*) = (SELECT COUNT(*) FROM bq_map), COUNT(*) FROM bq_d JOIN bq_map m ON m.k = bq_d.rowid AND m.old_id = bq_d.id;

-- step: give the copies their id, reference and code
UPDATE bq_d SET id = m.new_id, reference = m.reference, code = m.code FROM bq_map m WHERE m.k = bq_d.rowid;
CREATE UNIQUE INDEX temp.bq_d_id ON bq_d (id);

-- step: copy their events (row n of bq_e is event n of bq_en)
DROP TABLE IF EXISTS temp.bq_en;
CREATE TEMP TABLE bq_en AS
  SELECT ROW_NUMBER() OVER (ORDER BY m.k, e.seq) AS n, m.new_id AS dossier_id
  FROM bq_map m JOIN dossier_events e ON e.dossier_id = m.old_id;
CREATE UNIQUE INDEX temp.bq_en_n ON bq_en (n);
DROP TABLE IF EXISTS temp.bq_e;
CREATE TEMP TABLE bq_e AS
  SELECT e.* FROM bq_map m JOIN dossier_events e ON e.dossier_id = m.old_id ORDER BY m.k, e.seq;
UPDATE bq_e SET id = (SELECT MAX(id) FROM dossier_events) + bq_e.rowid, dossier_id = x.dossier_id FROM bq_en x WHERE x.n = bq_e.rowid;

-- step: hash chains: the copies' events, and the events of 50 untouched sources to check the computation
DROP TABLE IF EXISTS temp.bq_hin;
CREATE TEMP TABLE bq_hin AS
  SELECT e.dossier_id, e.seq, d.reference AS ref, e.at, e.actor, e.action, e.from_state, e.to_state, e.step, e.note, e.data,
    NULL AS stored_hash
  FROM bq_e e JOIN bq_d d ON d.id = e.dossier_id
  UNION ALL
  SELECT e.dossier_id, e.seq, d.reference, e.at, e.actor, e.action, e.from_state, e.to_state, e.step, e.note, e.data, e.hash
  FROM dossier_events e JOIN dossiers d ON d.id = e.dossier_id
  WHERE e.dossier_id IN (SELECT old_id FROM bq_map ORDER BY k LIMIT 50);
CREATE UNIQUE INDEX temp.bq_hin_key ON bq_hin (dossier_id, seq);
-- SHA-256 over the previous hash, a newline and the event's JSON in the field order of
-- core::dossier::EventRecord (serde_json: compact, strings escaped, numbers bare).
DROP TABLE IF EXISTS temp.bq_h;
CREATE TEMP TABLE bq_h AS
  WITH RECURSIVE c(dossier_id, seq, prev, hash) AS (
    SELECT e.dossier_id, e.seq, '0000000000000000000000000000000000000000000000000000000000000000',
      sha256('0000000000000000000000000000000000000000000000000000000000000000' || char(10)
        || '{"dossier_ref":' || json_quote(e.ref) || ',"seq":' || e.seq || ',"at_ms":' || e.at
        || ',"actor":' || json_quote(e.actor) || ',"action":' || json_quote(e.action)
        || ',"from_state":' || json_quote(e.from_state) || ',"to_state":' || json_quote(e.to_state)
        || ',"step":' || COALESCE(e.step, 'null') || ',"note":' || json_quote(e.note)
        || ',"data":' || json_quote(e.data) || '}')
    FROM bq_hin e WHERE e.seq = 1
    UNION ALL
    SELECT e.dossier_id, e.seq, c.hash,
      sha256(c.hash || char(10)
        || '{"dossier_ref":' || json_quote(e.ref) || ',"seq":' || e.seq || ',"at_ms":' || e.at
        || ',"actor":' || json_quote(e.actor) || ',"action":' || json_quote(e.action)
        || ',"from_state":' || json_quote(e.from_state) || ',"to_state":' || json_quote(e.to_state)
        || ',"step":' || COALESCE(e.step, 'null') || ',"note":' || json_quote(e.note)
        || ',"data":' || json_quote(e.data) || '}')
    FROM c JOIN bq_hin e ON e.dossier_id = c.dossier_id AND e.seq = c.seq + 1)
  SELECT * FROM c;
CREATE UNIQUE INDEX temp.bq_h_key ON bq_h (dossier_id, seq);

-- require: the computation gives the stored hashes of untouched generated events
SELECT COUNT(*) > 0 AND SUM(h.hash = i.stored_hash) = COUNT(*), COUNT(*) || ' events checked'
FROM bq_hin i JOIN bq_h h ON h.dossier_id = i.dossier_id AND h.seq = i.seq WHERE i.stored_hash IS NOT NULL;

-- require: every copied event has its hash
SELECT (SELECT COUNT(*) FROM bq_e) = (SELECT COUNT(*) FROM bq_h h JOIN bq_d d ON d.id = h.dossier_id), (SELECT COUNT(*) FROM bq_e) || ' events';

-- step: write the hashes and each copy's head
UPDATE bq_e SET prev_hash = h.prev, hash = h.hash FROM bq_h h WHERE h.dossier_id = bq_e.dossier_id AND h.seq = bq_e.seq;
UPDATE bq_d SET last_hash = h.hash FROM bq_h h WHERE h.dossier_id = bq_d.id AND h.seq = bq_d.version;

-- step: insert dossiers, events and dossier_agencies
INSERT INTO dossiers SELECT * FROM bq_d;
INSERT INTO dossier_events SELECT * FROM bq_e;
-- every column of the scope rows (agency, and whatever the schema keeps there), row n of
-- bq_da being row n of bq_dan
DROP TABLE IF EXISTS temp.bq_dan;
CREATE TEMP TABLE bq_dan AS
  SELECT ROW_NUMBER() OVER (ORDER BY m.k, da.agency_id) AS n, m.new_id AS dossier_id
  FROM bq_map m JOIN dossier_agencies da ON da.dossier_id = m.old_id;
CREATE UNIQUE INDEX temp.bq_dan_n ON bq_dan (n);
DROP TABLE IF EXISTS temp.bq_da;
CREATE TEMP TABLE bq_da AS
  SELECT da.* FROM bq_map m JOIN dossier_agencies da ON da.dossier_id = m.old_id ORDER BY m.k, da.agency_id;
UPDATE bq_da SET dossier_id = x.dossier_id FROM bq_dan x WHERE x.n = bq_da.rowid;
INSERT INTO dossier_agencies SELECT * FROM bq_da;

-- step: daily counters of the copies' events, code sequences past their codes
INSERT INTO daily_counts (agency_id, day, metric, n)
  SELECT agency_id, day, metric, COUNT(*) FROM (
    SELECT d.receiving_agency_id AS agency_id, date((e.at + 25200000) / 1000, 'unixepoch') AS day,
      CASE e.action WHEN 'submit' THEN 'submitted' WHEN 'receive' THEN 'received'
        WHEN 'request_supplement' THEN 'supplement_requested' WHEN 'extend' THEN 'extended' END AS metric
    FROM bq_e e JOIN bq_d d ON d.id = e.dossier_id
    UNION ALL
    SELECT d.receiving_agency_id, date((e.at + 25200000) / 1000, 'unixepoch'),
      CASE e.action WHEN 'submit' THEN 'submitted_online' WHEN 'receive' THEN 'received_online' END
    FROM bq_e e JOIN bq_d d ON d.id = e.dossier_id WHERE d.channel = 'online')
  WHERE metric IS NOT NULL GROUP BY agency_id, day, metric
  ON CONFLICT (agency_id, day, metric) DO UPDATE SET n = daily_counts.n + excluded.n;
INSERT INTO code_sequences (agency_id, day, last)
  SELECT agency_id, '20' || substr(code, len + 2, 2) || '-' || substr(code, len + 4, 2) || '-' || substr(code, len + 6, 2),
    MAX(CAST(substr(code, len + 9) AS INTEGER))
  FROM bq_map WHERE code IS NOT NULL GROUP BY 1, 2
  ON CONFLICT (agency_id, day) DO UPDATE SET last = max(code_sequences.last, excluded.last);

-- step: rate one in three returned dossiers not rated yet (10 % not satisfied, 20 % satisfied, 70 % very satisfied), with their counters
DROP TABLE IF EXISTS temp.bq_r;
CREATE TEMP TABLE bq_r AS
  SELECT d.id AS dossier_id, d.receiving_agency_id AS agency_id,
    CASE WHEN d.id % 10 = 0 THEN '[1,0,1,1,0,1,1,1,0]' WHEN d.id % 10 IN (1, 2) THEN '[2,1,2,2,1,2,2,2,1]' ELSE '[2,2,2,2,2,2,2,2,2]' END AS scores,
    CASE WHEN d.id % 10 = 0 THEN 6 WHEN d.id % 10 IN (1, 2) THEN 15 ELSE 18 END AS total,
    CASE WHEN d.id % 10 = 0 THEN 'not_satisfied' WHEN d.id % 10 IN (1, 2) THEN 'satisfied' ELSE 'very_satisfied' END AS satisfaction,
    COALESCE(d.returned_at, d.updated_at) AS created_at
  FROM dossiers d
  WHERE d.state = 'returned' AND d.id % 3 = 0 AND NOT EXISTS (SELECT 1 FROM ratings r WHERE r.dossier_id = d.id);
INSERT INTO ratings (dossier_id, agency_id, scores, total, satisfaction, comment, created_at)
  SELECT dossier_id, agency_id, scores, total, satisfaction, NULL, created_at FROM bq_r;
INSERT INTO daily_counts (agency_id, day, metric, n)
  SELECT agency_id, day, metric, SUM(n) FROM (
    SELECT agency_id, date((created_at + 25200000) / 1000, 'unixepoch') AS day, 'rated' AS metric, 1 AS n FROM bq_r
    UNION ALL SELECT agency_id, date((created_at + 25200000) / 1000, 'unixepoch'), 'rated_' || satisfaction, 1 FROM bq_r
    UNION ALL SELECT agency_id, date((created_at + 25200000) / 1000, 'unixepoch'), 'rating_points', total FROM bq_r)
  WHERE true GROUP BY agency_id, day, metric
  ON CONFLICT (agency_id, day, metric) DO UPDATE SET n = daily_counts.n + excluded.n;

-- report: open dossiers in the scope of @AGENCY@ now
SELECT COUNT(*) FROM dossier_agencies da JOIN dossiers d ON d.id = da.dossier_id
WHERE da.agency_id = (SELECT id FROM agencies WHERE code = '@AGENCY@')
  AND d.state IN ('submitted', 'received', 'processing', 'supplement_requested');

-- step: drop the work tables
DROP TABLE temp.bq_src; DROP TABLE temp.bq_map; DROP TABLE temp.bq_d; DROP TABLE temp.bq_en;
DROP TABLE temp.bq_e; DROP TABLE temp.bq_hin; DROP TABLE temp.bq_h; DROP TABLE temp.bq_r;
DROP TABLE temp.bq_dan; DROP TABLE temp.bq_da;
