-- Up Migration

-- Alerts are acknowledged by a person: who (the API key's actor), when, and an optional note. An
-- alert without acknowledged_at is open. `seq` orders the list and is its paging cursor.
ALTER TABLE alerts
  ADD COLUMN seq bigserial,
  ADD COLUMN acknowledged_at timestamptz,
  ADD COLUMN acknowledged_by text,
  ADD COLUMN acknowledgement_note text;
CREATE UNIQUE INDEX alerts_seq_idx ON alerts (seq);
CREATE INDEX alerts_open_idx ON alerts (kind, seq DESC) WHERE acknowledged_at IS NULL;

-- The customer's contact preferences, one row per change (the latest is in force): opt-out of
-- reminders, a second number, preferred hours inside the lawful window, where the customer said so
-- (source), who recorded it and when. Carried into every later episode of the account.
CREATE TABLE contact_preferences (
  id              bigserial PRIMARY KEY,
  account_id      text NOT NULL REFERENCES accounts (account_id),
  opt_out         boolean NOT NULL,
  second_number   text,
  preferred_start text CHECK (preferred_start ~ '^\d{2}:\d{2}$'),
  preferred_end   text CHECK (preferred_end ~ '^\d{2}:\d{2}$'),
  source          text NOT NULL,
  set_by          text NOT NULL,
  set_at          timestamptz NOT NULL DEFAULT now(),
  CHECK ((preferred_start IS NULL) = (preferred_end IS NULL))
);
CREATE INDEX contact_preferences_account_idx ON contact_preferences (account_id, id DESC);

-- An episode closed by hand (admin): which one, why, by whom, when. The close itself is the
-- workflow's `closeEpisode` signal; the request is also in the audit trail.
CREATE TABLE episode_closures (
  id          bigserial PRIMARY KEY,
  account_id  text NOT NULL,
  episode_id  text NOT NULL,
  reason      text NOT NULL,
  closed_by   text NOT NULL,
  requested_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX episode_closures_account_idx ON episode_closures (account_id);

-- Down Migration
DROP TABLE episode_closures;
DROP TABLE contact_preferences;
DROP INDEX alerts_open_idx;
DROP INDEX alerts_seq_idx;
ALTER TABLE alerts DROP COLUMN acknowledgement_note, DROP COLUMN acknowledged_by, DROP COLUMN acknowledged_at, DROP COLUMN seq;
