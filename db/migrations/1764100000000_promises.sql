-- Up Migration

-- Promises to pay (预约缴费) and whether they were kept; repeat breakers start their next
-- episode black-listed.
CREATE TABLE promises (
  promise_id    text PRIMARY KEY,
  account_id    text NOT NULL,
  episode_id    text NOT NULL,
  promised_date date NOT NULL,
  amount_minor  bigint NOT NULL,
  currency      char(3) NOT NULL,
  source        text NOT NULL,
  status        text NOT NULL CHECK (status IN ('open', 'kept', 'broken')),
  made_at       timestamptz NOT NULL DEFAULT now(),
  resolved_at   timestamptz
);
CREATE INDEX promises_account_idx ON promises (account_id, status);

-- Down Migration
DROP TABLE promises;
