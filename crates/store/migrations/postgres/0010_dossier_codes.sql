-- One-time codes that prove a dossier's applicant holds its phone or e-mail before an act
-- that cannot be undone (withdrawal): the dossier code and the phone number alone may be
-- known to others. Same rules as citizens' codes (hashed, ten minutes, five tries).
-- Ephemeral: not backed up, and no foreign key so a restore never has to order it.
CREATE TABLE dossier_codes (
    dossier_id BIGINT NOT NULL,
    purpose    TEXT NOT NULL,               -- withdraw
    code_hash  TEXT NOT NULL,
    sent_at    BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    attempts   BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (dossier_id, purpose)
);
