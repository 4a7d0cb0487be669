-- What the counter recorded at reception besides the dossier: the papers checked against
-- the procedure's list (original / copy, number of copies), the number of sets, and the
-- fee collected with its receipt number. Mẫu 01 prints them.
CREATE TABLE dossier_receptions (
    dossier_id  BIGINT PRIMARY KEY REFERENCES dossiers (id),
    papers      TEXT NOT NULL,            -- core::reception::ReceivedPaper list as JSON
    sets        BIGINT NOT NULL,
    fee_amount  BIGINT NOT NULL,          -- đồng
    fee_receipt TEXT,
    created_at  BIGINT NOT NULL
);

-- The counter finds an applicant's earlier dossiers by CCCD or tax code (prefill), and the
-- queue searches by them.
CREATE INDEX dossiers_applicant_id ON dossiers (applicant_id_number, id);

-- Every administrative change (agencies, staff and their grants, procedures, calendars),
-- written in the transaction of the change itself.
CREATE TABLE audit_log (
    id      INTEGER PRIMARY KEY,
    at      BIGINT NOT NULL,
    actor   TEXT NOT NULL,                -- user:<id>
    action  TEXT NOT NULL,                -- e.g. user.create, grant.add, agency.update
    subject TEXT NOT NULL,                -- what was changed, e.g. user:12, agency:H56.22366
    detail  TEXT NOT NULL                 -- JSON: the values before and after
);
CREATE INDEX audit_log_at ON audit_log (at, id);

-- The dashboard per officer reads the events of a period.
CREATE INDEX dossier_events_at ON dossier_events (at);

-- The officer a step was handed to by name ("giao cho tôi" in the queue).
ALTER TABLE dossiers ADD COLUMN assignee_id BIGINT REFERENCES users (id);
CREATE INDEX dossiers_assignee ON dossiers (assignee_id, id);

-- Working-calendar schedules saved by administrators: a year's official days off and
-- make-up days ('2027'), or an agency's local days off ('local:H56.22366'), in the format
-- of data/calendar/*.txt. They win over the files for the same year or agency.
CREATE TABLE calendar_schedules (
    scope      TEXT PRIMARY KEY,
    content    TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);

-- The scope table carries each dossier's state and due key (its due instant, or the end
-- of time before reception: read::NO_DUE), written with every action, so that a queue page is a walk
-- along one index in the page's order however many dossiers an agency has.
ALTER TABLE dossier_agencies ADD COLUMN state TEXT NOT NULL DEFAULT 'draft';
ALTER TABLE dossier_agencies ADD COLUMN due_key BIGINT NOT NULL DEFAULT 9000000000000000;
UPDATE dossier_agencies SET
    state = (SELECT d.state FROM dossiers d WHERE d.id = dossier_agencies.dossier_id),
    due_key = (SELECT COALESCE(d.due_at, 9000000000000000) FROM dossiers d WHERE d.id = dossier_agencies.dossier_id);
CREATE INDEX dossier_agencies_open ON dossier_agencies (agency_id, due_key, dossier_id)
    WHERE state IN ('submitted', 'received', 'processing', 'supplement_requested');
CREATE INDEX dossier_agencies_state ON dossier_agencies (agency_id, state);

-- The dashboard counts a period's dossiers of its agencies from this index alone; it also
-- serves the tracking book (agency, reception time), whose index it replaces.
DROP INDEX dossiers_agency_received;
CREATE INDEX dossiers_dashboard ON dossiers (receiving_agency_id, received_at, state, outcome, channel, due_at, procedure_id);
