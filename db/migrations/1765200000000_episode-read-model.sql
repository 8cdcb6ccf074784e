-- Up Migration

-- The region (a branch office's area) an account belongs to, as billing sends it; optional.
ALTER TABLE accounts ADD COLUMN region text;

-- The list read model (ADR 8): one row per account, the current (latest) episode as the workflow
-- last wrote it. Written only by the recordEpisodeView activity, guarded by (episode_started_at,
-- version) so a late write from a retried activity or an older episode never overwrites a newer one.
-- region is copied from accounts at each write. No personal data (no name, no phone).
CREATE TABLE episode_read_model (
  account_id         text PRIMARY KEY,
  episode_id         text NOT NULL,
  episode_started_at timestamptz NOT NULL,
  version            bigint NOT NULL,
  status             text NOT NULL,
  stage              text NOT NULL,
  service            text NOT NULL,
  balance_minor      bigint NOT NULL,
  currency           char(3) NOT NULL,
  segment            text NOT NULL,
  lists              text[] NOT NULL DEFAULT '{}',
  anchor_due_date    date NOT NULL,
  next_action        text,
  -- 'infinity' when there is nothing planned, so it sorts last and keyset paging needs no NULL case
  next_action_at     timestamptz NOT NULL DEFAULT 'infinity',
  region             text,
  updated_at         timestamptz NOT NULL
);
-- Sort keys (each with account_id as the keyset tie-break); the filters of the typical lists.
CREATE INDEX erm_balance_idx ON episode_read_model (balance_minor, account_id);
CREATE INDEX erm_next_action_idx ON episode_read_model (next_action_at, account_id);
CREATE INDEX erm_anchor_due_idx ON episode_read_model (anchor_due_date, account_id);
CREATE INDEX erm_updated_idx ON episode_read_model (updated_at, account_id);
CREATE INDEX erm_status_next_idx ON episode_read_model (status, next_action_at, account_id);
CREATE INDEX erm_stage_idx ON episode_read_model (stage);
CREATE INDEX erm_service_idx ON episode_read_model (service);
CREATE INDEX erm_segment_idx ON episode_read_model (segment);
CREATE INDEX erm_region_idx ON episode_read_model (region);
CREATE INDEX erm_lists_idx ON episode_read_model USING gin (lists);

-- Down Migration

DROP TABLE episode_read_model;
ALTER TABLE accounts DROP COLUMN region;
