-- A system administrator: an account flag, set only outside the web (the CLI or a seed), that
-- unlocks the powers above any one province (the national catalogue, making an agency top-level).
ALTER TABLE users ADD COLUMN system_admin BIGINT NOT NULL DEFAULT 0;
