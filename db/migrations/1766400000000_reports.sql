-- Up Migration
-- Reports (issue 15, ADR 21). The policy each episode started with, as the API saw it when the
-- episode took a bill (the episode's snapshot names its pinned policy): the episode's policy is the
-- latest of this row and its `policy_migrations` (the later `at` wins). Episodes that took their
-- bills before this table existed have no row until their next bill (the policy report counts them
-- as `unpinned`).
CREATE TABLE episode_policies (
  account_id     text NOT NULL,
  episode_id     text NOT NULL,
  policy_id      text NOT NULL,
  policy_version integer NOT NULL,
  pinned_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (account_id, episode_id)
);
CREATE INDEX policy_migrations_episode_idx ON policy_migrations (account_id, episode_id, migrated_at DESC);
-- The recovery curve: an episode's charges and payments (ledger entries by kind).
CREATE INDEX ledger_entries_kind_idx ON ledger_entries (kind, account_id, episode_id);
-- The restorations report: by payment time.
CREATE INDEX restorations_paid_idx ON restorations (payment_seen_at);

-- Down Migration
DROP INDEX restorations_paid_idx;
DROP INDEX ledger_entries_kind_idx;
DROP INDEX policy_migrations_episode_idx;
DROP TABLE episode_policies;
