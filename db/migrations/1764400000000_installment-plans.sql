-- Up Migration

-- Installment plans (分期缴费): the agreed schedule and how it ended.
CREATE TABLE installment_plans (
  plan_id      text PRIMARY KEY,
  account_id   text NOT NULL,
  episode_id   text NOT NULL,
  installments jsonb NOT NULL,
  currency     char(3) NOT NULL,
  source       text NOT NULL,
  status       text NOT NULL CHECK (status IN ('active', 'completed', 'broken')),
  agreed_at    timestamptz NOT NULL DEFAULT now(),
  ended_at     timestamptz
);
CREATE INDEX installment_plans_account_idx ON installment_plans (account_id);

-- Down Migration
DROP TABLE installment_plans;
