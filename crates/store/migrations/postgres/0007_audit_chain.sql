-- Administrative changes form one hash chain, like each dossier's events, so that
-- `motcua audit verify` can name a row that was altered, deleted or reordered. Rows
-- written before this migration are chained, in id order, when the server next starts
-- (hashing is done by the application, not SQL).
ALTER TABLE audit_log ADD COLUMN seq BIGINT;
ALTER TABLE audit_log ADD COLUMN prev_hash TEXT NOT NULL DEFAULT '';
ALTER TABLE audit_log ADD COLUMN hash TEXT NOT NULL DEFAULT '';
CREATE UNIQUE INDEX audit_log_seq ON audit_log (seq);

-- The chain's head: the row every change locks, so concurrent changes on several servers
-- append one after the other instead of forking the chain.
CREATE TABLE audit_head (
    id   BIGINT PRIMARY KEY CHECK (id = 1),
    seq  BIGINT NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
