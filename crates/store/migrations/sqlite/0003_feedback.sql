-- Citizens' feedback and complaints (phản ánh, kiến nghị), with a tracking code; staff
-- answer them and choose which answers to publish.
CREATE TABLE feedback (
    code           TEXT PRIMARY KEY,        -- tracking code given to the citizen
    topic          TEXT NOT NULL,           -- procedure | agency | officer | other
    procedure_code TEXT,
    agency_id      BIGINT REFERENCES agencies (id),
    subject        TEXT NOT NULL,
    content        TEXT NOT NULL,
    name           TEXT NOT NULL,
    phone          TEXT NOT NULL,
    email          TEXT,
    answer         TEXT,
    answered_at    BIGINT,
    answered_by    BIGINT REFERENCES users (id),
    published      BIGINT NOT NULL DEFAULT 0,
    created_at     BIGINT NOT NULL
);
-- public list of published answers, newest first
CREATE INDEX feedback_published ON feedback (published, answered_at);
CREATE INDEX feedback_agency ON feedback (agency_id, created_at);
