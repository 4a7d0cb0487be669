-- Who created a staff account on the administration page: an account with no role yet (or
-- stripped of every role) belongs to its creator and to the province, not to any administrator.
-- Accounts made before this, or by the CLI, have none and are the province's.
ALTER TABLE users ADD COLUMN created_by BIGINT;
