-- Foundation schema (SQLite). Instants are BIGINT milliseconds since the Unix epoch, UTC;
-- local dates are TEXT 'YYYY-MM-DD' in Vietnamese time. Kept column-for-column identical
-- to the PostgreSQL schema so one SQL text serves both.

CREATE TABLE admin_units (
    code        TEXT PRIMARY KEY,          -- '56' province, '22366' commune-level unit
    name        TEXT NOT NULL,
    kind        TEXT NOT NULL,             -- tỉnh, thành phố trung ương, xã, phường, đặc khu
    parent_code TEXT,
    valid_from  TEXT NOT NULL,
    valid_to    TEXT
);
CREATE INDEX admin_units_parent ON admin_units (parent_code, name);

CREATE TABLE agencies (
    id          INTEGER PRIMARY KEY,
    code        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    kind        TEXT NOT NULL,
    unit_code   TEXT REFERENCES admin_units (code),
    parent_id   BIGINT REFERENCES agencies (id),
    valid_from  TEXT NOT NULL,
    valid_to    TEXT
);
CREATE INDEX agencies_parent ON agencies (parent_id);
CREATE INDEX agencies_kind_unit ON agencies (kind, unit_code);

CREATE TABLE procedures (
    id          INTEGER PRIMARY KEY,
    code        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    field       TEXT NOT NULL,
    level       TEXT NOT NULL,
    online      TEXT NOT NULL,
    search_text TEXT NOT NULL,             -- folded name, field and code
    data        TEXT NOT NULL,             -- the whole core::catalogue::Procedure as JSON
    updated_at  BIGINT NOT NULL
);

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE,
    full_name     TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    active        BIGINT NOT NULL DEFAULT 1,
    created_at    BIGINT NOT NULL
);

CREATE TABLE user_grants (
    user_id   BIGINT NOT NULL REFERENCES users (id),
    role      TEXT NOT NULL,
    agency_id BIGINT NOT NULL REFERENCES agencies (id),
    PRIMARY KEY (user_id, role, agency_id)
);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,           -- SHA-256 of the token; the token itself is never stored
    user_id    BIGINT NOT NULL REFERENCES users (id),
    kind       TEXT NOT NULL,              -- web | api
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE dossiers (
    id                  INTEGER PRIMARY KEY,
    reference           TEXT NOT NULL UNIQUE,   -- provisional reference given at submission
    code                TEXT UNIQUE,            -- regulated code, issued at reception
    procedure_id        BIGINT NOT NULL REFERENCES procedures (id),
    receiving_agency_id BIGINT NOT NULL REFERENCES agencies (id),
    channel             TEXT NOT NULL,
    state               TEXT NOT NULL,
    applicant_kind      TEXT NOT NULL,          -- person | organisation
    applicant_name      TEXT NOT NULL,
    applicant_id_number TEXT NOT NULL,          -- CCCD or tax code
    applicant_phone     TEXT NOT NULL,
    applicant_email     TEXT,
    applicant_address   TEXT,
    delivery            TEXT NOT NULL,          -- counter | post | online
    processing          TEXT NOT NULL,          -- core ProcessingTime as JSON
    steps               TEXT NOT NULL,          -- core StepFacts list as JSON
    current_step        BIGINT,
    step_started_at     BIGINT,
    submitted_at        BIGINT NOT NULL,
    received_at         BIGINT,
    due_at              BIGINT,
    original_due_at     BIGINT,
    paused_at           BIGINT,
    supplement_requests BIGINT NOT NULL DEFAULT 0,
    extended            BIGINT NOT NULL DEFAULT 0,
    finished_at         BIGINT,
    outcome             TEXT,
    returned_at         BIGINT,
    document_count      BIGINT NOT NULL DEFAULT 0, -- attached files (skips a query when 0)
    version             BIGINT NOT NULL,        -- number of events; optimistic concurrency
    last_hash           TEXT NOT NULL,          -- hash of the latest event
    updated_at          BIGINT NOT NULL
);
-- staff list: newest first within filters (keyset on id)
CREATE INDEX dossiers_agency_id ON dossiers (receiving_agency_id, id);
CREATE INDEX dossiers_state_id ON dossiers (state, id);
CREATE INDEX dossiers_procedure_id ON dossiers (procedure_id, id);
CREATE INDEX dossiers_due ON dossiers (due_at);

-- Every agency a dossier involves (receiving and step agencies): staff scope queries.
CREATE TABLE dossier_agencies (
    agency_id  BIGINT NOT NULL REFERENCES agencies (id),
    dossier_id BIGINT NOT NULL REFERENCES dossiers (id),
    PRIMARY KEY (agency_id, dossier_id)
);
CREATE INDEX dossier_agencies_dossier ON dossier_agencies (dossier_id);

CREATE TABLE blobs (
    sha256       TEXT PRIMARY KEY,
    size         BIGINT NOT NULL,
    content_type TEXT NOT NULL,
    created_at   BIGINT NOT NULL
);

CREATE TABLE dossier_documents (
    id            INTEGER PRIMARY KEY,
    dossier_id    BIGINT NOT NULL REFERENCES dossiers (id),
    name          TEXT NOT NULL,
    sha256        TEXT NOT NULL REFERENCES blobs (sha256),
    original_name TEXT NOT NULL,
    created_at    BIGINT NOT NULL
);
CREATE INDEX dossier_documents_dossier ON dossier_documents (dossier_id);

CREATE TABLE dossier_events (
    id         INTEGER PRIMARY KEY,
    dossier_id BIGINT NOT NULL REFERENCES dossiers (id),
    seq        BIGINT NOT NULL,
    at         BIGINT NOT NULL,
    actor      TEXT NOT NULL,
    action     TEXT NOT NULL,
    from_state TEXT NOT NULL,
    to_state   TEXT NOT NULL,
    step       BIGINT,
    note       TEXT,
    data       TEXT NOT NULL,
    prev_hash  TEXT NOT NULL,
    hash       TEXT NOT NULL,
    UNIQUE (dossier_id, seq)
);

CREATE TABLE outbox (
    id           INTEGER PRIMARY KEY,
    topic        TEXT NOT NULL,
    dossier_id   BIGINT,
    payload      TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    available_at BIGINT NOT NULL,
    attempts     BIGINT NOT NULL DEFAULT 0,
    delivered_at BIGINT
);
CREATE INDEX outbox_pending ON outbox (delivered_at, available_at);

CREATE TABLE daily_counts (
    agency_id BIGINT NOT NULL,
    day       TEXT NOT NULL,
    metric    TEXT NOT NULL,
    n         BIGINT NOT NULL,
    PRIMARY KEY (agency_id, day, metric)
);

CREATE TABLE code_sequences (
    agency_id BIGINT NOT NULL,
    day       TEXT NOT NULL,
    last      BIGINT NOT NULL,
    PRIMARY KEY (agency_id, day)
);

CREATE TABLE idempotency_keys (
    scope        TEXT NOT NULL,            -- who asked: the same key from two clients is two keys
    key          TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    status       BIGINT NOT NULL,
    body         TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    PRIMARY KEY (scope, key)
);
