-- Up Migration

-- The audit of running episodes moved to another policy version (who, why, from, to).
CREATE TABLE policy_migrations (
  migration_id text NOT NULL,
  account_id   text NOT NULL,
  episode_id   text NOT NULL,
  from_policy  text NOT NULL,
  from_version integer NOT NULL,
  to_policy    text NOT NULL,
  to_version   integer NOT NULL,
  reason       text NOT NULL,
  actor        text NOT NULL,
  migrated_at  timestamptz NOT NULL,
  PRIMARY KEY (account_id, migration_id)
);

-- Down Migration
DROP TABLE policy_migrations;
