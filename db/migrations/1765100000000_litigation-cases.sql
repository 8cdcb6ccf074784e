-- Up Migration
-- Litigation cases (诉讼案件), one row per case, kept current by the case workflow's activity
-- (the workflow holds the case; this row is what legal's case list filters and pages).
CREATE TABLE litigation_cases (
  case_id            text PRIMARY KEY,
  case_number        text NOT NULL,
  account_id         text NOT NULL,
  episode_id         text NOT NULL,
  workflow_id        text NOT NULL,
  state              text NOT NULL,
  court              text,
  procedure          text,
  court_case_number  text,
  currency           text NOT NULL,
  principal_minor    bigint NOT NULL,
  next_deadline      timestamptz,
  next_deadline_kind text,
  outcome            text,
  terminal           boolean NOT NULL DEFAULT false,
  opened_at          timestamptz NOT NULL,
  opened_by          text NOT NULL,
  updated_at         timestamptz NOT NULL DEFAULT now(),
  -- the workflow's count of changes: an older write never replaces a newer one
  version            integer NOT NULL
);
CREATE INDEX litigation_cases_account_idx ON litigation_cases (account_id);
CREATE INDEX litigation_cases_state_idx ON litigation_cases (state);
CREATE INDEX litigation_cases_deadline_idx ON litigation_cases (next_deadline) WHERE NOT terminal;
-- at most one open case per account
CREATE UNIQUE INDEX litigation_cases_one_open_idx ON litigation_cases (account_id) WHERE NOT terminal;

-- Down Migration
DROP TABLE litigation_cases;
