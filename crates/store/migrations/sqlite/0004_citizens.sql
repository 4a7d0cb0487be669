-- Citizen accounts (sign-in by phone or e-mail), their sessions and one-time codes, the
-- drafts of online submissions, and the link from a dossier to the account that filed it.

CREATE TABLE citizens (
    id            INTEGER PRIMARY KEY,
    login         TEXT NOT NULL UNIQUE,     -- normalised phone (0xxxxxxxxx) or lower-case e-mail
    login_kind    TEXT NOT NULL,            -- phone | email
    full_name     TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    verified_at   BIGINT,                   -- set when the first one-time code is confirmed
    created_at    BIGINT NOT NULL
);

CREATE TABLE citizen_sessions (
    token_hash TEXT PRIMARY KEY,            -- SHA-256 of the cookie value
    citizen_id BIGINT NOT NULL REFERENCES citizens (id),
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX citizen_sessions_citizen ON citizen_sessions (citizen_id);

-- One live code per account and purpose; a new code replaces the old one.
CREATE TABLE one_time_codes (
    citizen_id BIGINT NOT NULL REFERENCES citizens (id),
    purpose    TEXT NOT NULL,               -- verify | reset
    code_hash  TEXT NOT NULL,
    sent_at    BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    attempts   BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (citizen_id, purpose)
);

-- A submission being prepared: what was typed and the files already checked and stored.
-- The token is the capability to see it (and, once submitted, its receipt).
CREATE TABLE submission_drafts (
    token          TEXT PRIMARY KEY,
    citizen_id     BIGINT REFERENCES citizens (id),
    procedure_code TEXT NOT NULL,
    form           TEXT NOT NULL,           -- typed values as JSON
    files          TEXT NOT NULL,           -- stored uploads by form slot, as JSON
    status         TEXT NOT NULL,           -- open | submitting | submitted
    dossier_id     BIGINT REFERENCES dossiers (id),
    created_at     BIGINT NOT NULL,
    updated_at     BIGINT NOT NULL
);
CREATE INDEX submission_drafts_citizen ON submission_drafts (citizen_id, updated_at);

ALTER TABLE dossiers ADD COLUMN citizen_id BIGINT REFERENCES citizens (id);
-- "Hồ sơ của tôi": the account's own filings and those made with its verified phone or e-mail
CREATE INDEX dossiers_citizen ON dossiers (citizen_id, id);
CREATE INDEX dossiers_phone ON dossiers (applicant_phone, id);
CREATE INDEX dossiers_email ON dossiers (applicant_email, id);

-- submitted (with the dossier) | supplement (answering a request) | result (issued by the agency)
ALTER TABLE dossier_documents ADD COLUMN role TEXT NOT NULL DEFAULT 'submitted';
