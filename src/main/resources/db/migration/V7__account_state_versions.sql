-- A version on each account row, bumped by every change of account state (password, verification, roles,
-- disable): Hibernate's optimistic check (@Version) for entity writes, and a value that targeted
-- UPDATE … WHERE statements bump themselves. Existing rows start at 0.
ALTER TABLE users ADD COLUMN version bigint NOT NULL DEFAULT 0;
