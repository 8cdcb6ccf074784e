-- Up Migration

-- Accounts with several lines (issue 13, ADR 17): each line's number and service, as billing last
-- posted them. The workflow carries only line ids and services; activities look numbers up here.
CREATE TABLE account_lines (
  account_id text NOT NULL,
  line_id    text NOT NULL,
  number     text NOT NULL,
  service    text NOT NULL CHECK (service IN ('mobile', 'fixed', 'broadband', 'tv')),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (account_id, line_id)
);

-- A restoration per line (the 24-hour rule is measured per line); NULL: an account-level restoration (before lines).
ALTER TABLE restorations ADD COLUMN line_id text;

-- The read model's per-line service states; NULL: an episode before lines (its single line is `service`).
ALTER TABLE episode_read_model ADD COLUMN lines jsonb;

-- Down Migration
ALTER TABLE episode_read_model DROP COLUMN lines;
ALTER TABLE restorations DROP COLUMN line_id;
DROP TABLE account_lines;
