-- Administrators' scope over routing and the catalogue (issue 12, items 4 and 7).

-- A system administrator owns the national catalogue and may route steps anywhere. Set
-- only from the command line (`motcua user add --system-admin`), never from the web.
ALTER TABLE users ADD COLUMN system_admin BIGINT NOT NULL DEFAULT 0;

-- Who owns a procedure: 'national' (the system administrator) or a province's unit code
-- (e.g. '56'), whose administrators alone may change it.
ALTER TABLE procedures ADD COLUMN owner TEXT NOT NULL DEFAULT 'national';

-- Which agency handles the steps of a kind (e.g. province_police) for dossiers received in
-- an area: an administrative unit code (province '56' or commune '22453') or the code of
-- the receiving agency; for one procedure, or every procedure ('*'). Set only by the
-- province (or system) administrators: steps are never routed by guessing over agencies.
CREATE TABLE step_routes (
    procedure_code TEXT NOT NULL,
    kind           TEXT NOT NULL,
    area           TEXT NOT NULL,
    agency_id      BIGINT NOT NULL REFERENCES agencies (id),
    updated_at     BIGINT NOT NULL,
    PRIMARY KEY (procedure_code, kind, area)
);

-- Existing deployments keep routing as before for every agency they loaded themselves (per
-- kind and unit, the lowest code, as the old guess did). Agencies an administrator created
-- on the administration page are left out: the province administrator routes to them
-- explicitly if they are genuine.
INSERT INTO step_routes (procedure_code, kind, area, agency_id, updated_at)
SELECT '*', a.kind, a.unit_code, a.id, 0 FROM agencies a
WHERE a.valid_to IS NULL AND a.unit_code IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM audit_log l WHERE l.action = 'agency.create' AND l.subject = 'agency:' || a.code)
  AND a.code = (SELECT MIN(b.code) FROM agencies b
                WHERE b.kind = a.kind AND b.unit_code = a.unit_code AND b.valid_to IS NULL
                  AND NOT EXISTS (SELECT 1 FROM audit_log m WHERE m.action = 'agency.create' AND m.subject = 'agency:' || b.code));
