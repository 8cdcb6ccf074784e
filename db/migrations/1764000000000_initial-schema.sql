-- Up Migration

-- The customer as billing last described them. Only what collection needs (PIPL: minimum data).
CREATE TABLE accounts (
  account_id    text PRIMARY KEY,
  customer_name text NOT NULL,
  phone         text NOT NULL,
  segment       text NOT NULL,
  lists         text[] NOT NULL DEFAULT '{}',
  timezone      text NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now()
);

-- Overdue bills as billing posted them; idempotent per bill id.
CREATE TABLE bills (
  bill_id       text PRIMARY KEY,
  account_id    text NOT NULL REFERENCES accounts (account_id),
  amount_minor  bigint NOT NULL CHECK (amount_minor > 0),
  currency      char(3) NOT NULL,
  due_date      date NOT NULL,
  request_hash  text NOT NULL,
  received_at   timestamptz NOT NULL DEFAULT now(),
  -- set once the bill reached the account's workflow; a re-sent bill is re-delivered only if unset
  delivered_at  timestamptz
);
CREATE INDEX bills_account_idx ON bills (account_id);

-- Payments; the same payment id posted twice is one row. `result` is the first answer given.
CREATE TABLE payments (
  payment_id    text PRIMARY KEY,
  account_id    text NOT NULL,
  amount_minor  bigint NOT NULL CHECK (amount_minor > 0),
  currency      char(3) NOT NULL,
  paid_at       timestamptz NOT NULL,
  channel       text NOT NULL,
  request_hash  text NOT NULL,
  received_at   timestamptz NOT NULL DEFAULT now(),
  applied_at    timestamptz,
  result        jsonb
);
CREATE INDEX payments_account_idx ON payments (account_id);

-- 催缴记录: every collection attempt, who/what/when/outcome. One row per idempotency key
-- (account, episode, cycle, step), so a retried activity never records twice.
CREATE TABLE collection_attempts (
  idempotency_key text PRIMARY KEY,
  account_id      text NOT NULL,
  episode_id      text NOT NULL,
  step_id         text NOT NULL,
  action          text NOT NULL,
  actor           text NOT NULL,
  scheduled_for   timestamptz NOT NULL,
  performed_at    timestamptz NOT NULL DEFAULT now(),
  outcome         text NOT NULL,
  reason          text,
  detail          jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX collection_attempts_account_idx ON collection_attempts (account_id, performed_at);

-- Human work created by the ladder (manual calls, field visits, red-list reviews).
CREATE TABLE work_tasks (
  task_id       text PRIMARY KEY,
  kind          text NOT NULL,
  account_id    text NOT NULL,
  episode_id    text NOT NULL,
  step_id       text NOT NULL,
  status        text NOT NULL DEFAULT 'open',
  created_at    timestamptz NOT NULL DEFAULT now(),
  detail        jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX work_tasks_open_idx ON work_tasks (kind, status);

-- Payment → restoration latency, per restoration (the 24 h rule).
CREATE TABLE restorations (
  idempotency_key text PRIMARY KEY,
  account_id      text NOT NULL,
  episode_id      text NOT NULL,
  payment_seen_at timestamptz NOT NULL,
  restored_at     timestamptz NOT NULL,
  latency_ms      bigint NOT NULL
);

-- Alerts for operations (e.g. a restoration still failing after an hour).
CREATE TABLE alerts (
  alert_key   text PRIMARY KEY,
  kind        text NOT NULL,
  account_id  text NOT NULL,
  episode_id  text NOT NULL,
  message     text NOT NULL,
  raised_at   timestamptz NOT NULL DEFAULT now(),
  detail      jsonb NOT NULL DEFAULT '{}'
);

-- What the built-in provider simulators were asked to do (SMS, voice, network, letters, legal).
CREATE TABLE provider_requests (
  idempotency_key text PRIMARY KEY,
  provider        text NOT NULL,
  operation       text NOT NULL,
  account_id      text NOT NULL,
  payload         jsonb NOT NULL,
  requested_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX provider_requests_account_idx ON provider_requests (account_id, requested_at);

-- Down Migration
DROP TABLE provider_requests;
DROP TABLE alerts;
DROP TABLE restorations;
DROP TABLE work_tasks;
DROP TABLE collection_attempts;
DROP TABLE payments;
DROP TABLE bills;
DROP TABLE accounts;
