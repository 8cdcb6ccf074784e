-- Up Migration

-- The episode's litigation case in the list read model (ADR 12): its id, and its number (the
-- court's case number once the court accepted the case). NULL while the episode has no case.
ALTER TABLE episode_read_model ADD COLUMN litigation_case_id text;
ALTER TABLE episode_read_model ADD COLUMN litigation_case_number text;
CREATE INDEX erm_litigation_case_idx ON episode_read_model (litigation_case_id) WHERE litigation_case_id IS NOT NULL;

-- Down Migration

DROP INDEX IF EXISTS erm_litigation_case_idx;
ALTER TABLE episode_read_model DROP COLUMN IF EXISTS litigation_case_number;
ALTER TABLE episode_read_model DROP COLUMN IF EXISTS litigation_case_id;
