-- The applicant's evaluation of a dossier: once per dossier (primary key), after the result.
CREATE TABLE ratings (
    dossier_id   BIGINT PRIMARY KEY REFERENCES dossiers (id),
    agency_id    BIGINT NOT NULL REFERENCES agencies (id),
    scores       TEXT NOT NULL,       -- JSON array of the nine criteria, 0-2 each
    total        BIGINT NOT NULL,
    satisfaction TEXT NOT NULL,       -- very_satisfied | satisfied | not_satisfied
    comment      TEXT,
    created_at   BIGINT NOT NULL
);
CREATE INDEX ratings_agency ON ratings (agency_id, created_at);
