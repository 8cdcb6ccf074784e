-- Up Migration

-- 诉讼时效 (ADR 13): when the account's earliest unpaid bill becomes time-barred, as the episode last
-- wrote it; NULL when nothing is owed or the episode predates the `limitation` patch.
ALTER TABLE episode_read_model ADD COLUMN limitation_expires_at timestamptz;
CREATE INDEX erm_limitation_idx ON episode_read_model (limitation_expires_at) WHERE limitation_expires_at IS NOT NULL;

-- Down Migration
DROP INDEX erm_limitation_idx;
ALTER TABLE episode_read_model DROP COLUMN limitation_expires_at;
