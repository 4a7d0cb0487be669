-- bench/backoffice.sh, PostgreSQL twin of extend.sqlite.sql (read its header): brings the
-- OPEN dossiers in the scope of agency @AGENCY@ to @OPEN@ by copying its open generated
-- dossiers (new id, reference, code, recomputed event hash chains, dossier_agencies with
-- every column, daily counters, code sequences), then rates one in three returned dossiers.
-- Run with: psql -q -v ON_ERROR_STOP=1 -f (after replacing @AGENCY@ and @OPEN@).
\set ON_ERROR_STOP on
CREATE FUNCTION pg_temp.sha256hex(t text) RETURNS text LANGUAGE sql IMMUTABLE
  AS $$ SELECT encode(sha256(convert_to(t, 'UTF8')), 'hex') $$;

\echo '  open dossiers already in the scope of @AGENCY@'
CREATE TEMP TABLE bq_src AS
  SELECT ROW_NUMBER() OVER (ORDER BY d.id) - 1 AS i, d.id AS id
  FROM dossier_agencies da JOIN dossiers d ON d.id = da.dossier_id
  WHERE da.agency_id = (SELECT id FROM agencies WHERE code = '@AGENCY@')
    AND d.state IN ('submitted', 'received', 'processing', 'supplement_requested');
CREATE INDEX ON bq_src (i);
ANALYZE bq_src;
SELECT COUNT(*) AS before, GREATEST(@OPEN@ - COUNT(*), 0) AS copies FROM bq_src \gset
\echo '  open dossiers in scope before, copies to make:' :before :copies

\echo '  which source each copy k repeats (round robin), its id and code'
CREATE TEMP TABLE bq_map AS
  SELECT g.k, b.m + g.k AS new_id, s.id AS old_id, 'HS-BQ' || lpad(g.k::text, 9, '0') AS reference,
    d.receiving_agency_id AS agency_id, length(a.code) AS len,
    CASE WHEN d.code IS NULL THEN NULL ELSE substr(d.code, 1, length(a.code) + 8) || (100000 + g.k)::text END AS code
  FROM generate_series(1, :copies) g(k)
  CROSS JOIN (SELECT MAX(id) AS m FROM dossiers) b
  JOIN bq_src s ON s.i = (g.k - 1) % NULLIF(:before, 0)
  JOIN dossiers d ON d.id = s.id JOIN agencies a ON a.id = d.receiving_agency_id;
CREATE UNIQUE INDEX ON bq_map (k);
ANALYZE bq_map;

\echo '  copy the dossier rows, every column the schema holds now, with their id, reference and code'
CREATE TEMP TABLE bq_d AS
  SELECT r.* FROM bq_map m JOIN dossiers d ON d.id = m.old_id
  CROSS JOIN LATERAL json_populate_record(d, json_build_object('id', m.new_id, 'reference', m.reference, 'code', m.code)) r;
CREATE UNIQUE INDEX ON bq_d (id);
ANALYZE bq_d;

\echo '  copy their events'
CREATE TEMP TABLE bq_e AS
  SELECT r.* FROM (
      SELECT e AS ev, m.new_id, ROW_NUMBER() OVER (ORDER BY m.k, e.seq) AS n
      FROM bq_map m JOIN dossier_events e ON e.dossier_id = m.old_id) x
    CROSS JOIN (SELECT MAX(id) AS m FROM dossier_events) b
    CROSS JOIN LATERAL json_populate_record(x.ev, json_build_object('id', b.m + x.n, 'dossier_id', x.new_id)) r;
CREATE UNIQUE INDEX ON bq_e (dossier_id, seq);
ANALYZE bq_e;

\echo '  hash chains: the copies'' events, and the events of 50 untouched sources to check the computation'
CREATE TEMP TABLE bq_hin AS
  SELECT e.dossier_id, e.seq, d.reference AS ref, e.at, e.actor, e.action, e.from_state, e.to_state, e.step, e.note, e.data,
    NULL::text AS stored_hash
  FROM bq_e e JOIN bq_d d ON d.id = e.dossier_id
  UNION ALL
  SELECT e.dossier_id, e.seq, d.reference, e.at, e.actor, e.action, e.from_state, e.to_state, e.step, e.note, e.data, e.hash
  FROM dossier_events e JOIN dossiers d ON d.id = e.dossier_id
  WHERE e.dossier_id IN (SELECT old_id FROM bq_map ORDER BY k LIMIT 50);
CREATE UNIQUE INDEX ON bq_hin (dossier_id, seq);
ANALYZE bq_hin;
-- SHA-256 over the previous hash, a newline and the event's JSON in the field order of
-- core::dossier::EventRecord (serde_json: compact, strings escaped, numbers bare).
CREATE TEMP TABLE bq_h AS
  WITH RECURSIVE c(dossier_id, seq, prev, hash) AS (
    SELECT e.dossier_id, e.seq, '0000000000000000000000000000000000000000000000000000000000000000',
      pg_temp.sha256hex('0000000000000000000000000000000000000000000000000000000000000000' || E'\n'
        || '{"dossier_ref":' || to_json(e.ref)::text || ',"seq":' || e.seq::text || ',"at_ms":' || e.at::text
        || ',"actor":' || to_json(e.actor)::text || ',"action":' || to_json(e.action)::text
        || ',"from_state":' || to_json(e.from_state)::text || ',"to_state":' || to_json(e.to_state)::text
        || ',"step":' || COALESCE(e.step::text, 'null') || ',"note":' || COALESCE(to_json(e.note)::text, 'null')
        || ',"data":' || to_json(e.data)::text || '}')
    FROM bq_hin e WHERE e.seq = 1
    UNION ALL
    SELECT e.dossier_id, e.seq, c.hash,
      pg_temp.sha256hex(c.hash || E'\n'
        || '{"dossier_ref":' || to_json(e.ref)::text || ',"seq":' || e.seq::text || ',"at_ms":' || e.at::text
        || ',"actor":' || to_json(e.actor)::text || ',"action":' || to_json(e.action)::text
        || ',"from_state":' || to_json(e.from_state)::text || ',"to_state":' || to_json(e.to_state)::text
        || ',"step":' || COALESCE(e.step::text, 'null') || ',"note":' || COALESCE(to_json(e.note)::text, 'null')
        || ',"data":' || to_json(e.data)::text || '}')
    FROM c JOIN bq_hin e ON e.dossier_id = c.dossier_id AND e.seq = c.seq + 1)
  SELECT * FROM c;
CREATE UNIQUE INDEX ON bq_h (dossier_id, seq);
ANALYZE bq_h;

SELECT COUNT(*) > 0 AND COUNT(*) FILTER (WHERE h.hash = i.stored_hash) = COUNT(*) AS ok, COUNT(*) AS checked
FROM bq_hin i JOIN bq_h h ON h.dossier_id = i.dossier_id AND h.seq = i.seq WHERE i.stored_hash IS NOT NULL \gset
\if :ok
\echo '  the computation gives the stored hashes of untouched generated events:' :checked 'events checked'
\else
\echo 'check failed: recomputed hashes differ from the stored ones'
SELECT 1 / 0;
\endif
SELECT (SELECT COUNT(*) FROM bq_e) = (SELECT COUNT(*) FROM bq_h h JOIN bq_d d ON d.id = h.dossier_id) AS ok, (SELECT COUNT(*) FROM bq_e) AS events \gset
\if :ok
\echo '  every copied event has its hash:' :events 'events'
\else
\echo 'check failed: some copied events have no hash'
SELECT 1 / 0;
\endif

\echo '  write the hashes and each copy''s head; insert dossiers, dossier_agencies and events'
BEGIN;
UPDATE bq_e SET prev_hash = h.prev, hash = h.hash FROM bq_h h WHERE h.dossier_id = bq_e.dossier_id AND h.seq = bq_e.seq;
UPDATE bq_d SET last_hash = h.hash FROM bq_h h WHERE h.dossier_id = bq_d.id AND h.seq = bq_d.version;
INSERT INTO dossiers SELECT * FROM bq_d;
INSERT INTO dossier_agencies
  SELECT r.* FROM bq_map m JOIN dossier_agencies da ON da.dossier_id = m.old_id
  CROSS JOIN LATERAL json_populate_record(da, json_build_object('dossier_id', m.new_id)) r;
INSERT INTO dossier_events SELECT * FROM bq_e;
SELECT setval(pg_get_serial_sequence('dossiers', 'id'), (SELECT MAX(id) FROM dossiers)) \g /dev/null
SELECT setval(pg_get_serial_sequence('dossier_events', 'id'), (SELECT MAX(id) FROM dossier_events)) \g /dev/null

\echo '  daily counters of the copies'' events, code sequences past their codes'
INSERT INTO daily_counts (agency_id, day, metric, n)
  SELECT agency_id, day, metric, COUNT(*) FROM (
    SELECT d.receiving_agency_id AS agency_id, to_char(to_timestamp((e.at + 25200000) / 1000.0) AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day,
      CASE e.action WHEN 'submit' THEN 'submitted' WHEN 'receive' THEN 'received'
        WHEN 'request_supplement' THEN 'supplement_requested' WHEN 'extend' THEN 'extended' END AS metric
    FROM bq_e e JOIN bq_d d ON d.id = e.dossier_id
    UNION ALL
    SELECT d.receiving_agency_id, to_char(to_timestamp((e.at + 25200000) / 1000.0) AT TIME ZONE 'UTC', 'YYYY-MM-DD'),
      CASE e.action WHEN 'submit' THEN 'submitted_online' WHEN 'receive' THEN 'received_online' END
    FROM bq_e e JOIN bq_d d ON d.id = e.dossier_id WHERE d.channel = 'online') x
  WHERE metric IS NOT NULL GROUP BY agency_id, day, metric
  ON CONFLICT (agency_id, day, metric) DO UPDATE SET n = daily_counts.n + excluded.n;
INSERT INTO code_sequences (agency_id, day, last)
  SELECT agency_id, '20' || substr(code, len + 2, 2) || '-' || substr(code, len + 4, 2) || '-' || substr(code, len + 6, 2),
    MAX(substr(code, len + 9)::bigint)
  FROM bq_map WHERE code IS NOT NULL GROUP BY 1, 2
  ON CONFLICT (agency_id, day) DO UPDATE SET last = GREATEST(code_sequences.last, excluded.last);

\echo '  rate one in three returned dossiers not rated yet (10 % not satisfied, 20 % satisfied, 70 % very satisfied), with their counters'
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
    SELECT agency_id, to_char(to_timestamp((created_at + 25200000) / 1000.0) AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day, 'rated' AS metric, 1 AS n FROM bq_r
    UNION ALL SELECT agency_id, to_char(to_timestamp((created_at + 25200000) / 1000.0) AT TIME ZONE 'UTC', 'YYYY-MM-DD'), 'rated_' || satisfaction, 1 FROM bq_r
    UNION ALL SELECT agency_id, to_char(to_timestamp((created_at + 25200000) / 1000.0) AT TIME ZONE 'UTC', 'YYYY-MM-DD'), 'rating_points', total FROM bq_r) x
  GROUP BY agency_id, day, metric
  ON CONFLICT (agency_id, day, metric) DO UPDATE SET n = daily_counts.n + excluded.n;
COMMIT;

SELECT COUNT(*) AS open_now FROM dossier_agencies da JOIN dossiers d ON d.id = da.dossier_id
WHERE da.agency_id = (SELECT id FROM agencies WHERE code = '@AGENCY@')
  AND d.state IN ('submitted', 'received', 'processing', 'supplement_requested') \gset
\echo '  open dossiers in the scope of @AGENCY@ now:' :open_now
