-- Up Migration

-- Money nobody can place (issue 11). A payment kept without being applied (no open episode, or
-- refused on delivery) is `unapplied`: answered (`result`) but `applied_at` NULL. It is applied
-- when the account's next episode starts (passed in the workflow's start input), or moved by ops
-- to the right account. `episode_id` is the episode that applied it; `opening_episode_id` marks a
-- payment handed to an episode's start that has not been confirmed yet (so it is never handed to
-- two episodes); `original_account_id` the account billing posted it for, once reassigned.
ALTER TABLE payments
  ADD COLUMN episode_id          text,
  ADD COLUMN opening_episode_id  text,
  ADD COLUMN original_account_id text;
CREATE INDEX payments_unapplied_idx ON payments (received_at, payment_id) WHERE applied_at IS NULL AND result IS NOT NULL;
CREATE INDEX payments_unapplied_account_idx ON payments (account_id) WHERE applied_at IS NULL AND result IS NOT NULL;

-- Each move of an unapplied payment to another account, with who and why.
CREATE TABLE payment_reassignments (
  payment_id   text NOT NULL REFERENCES payments (payment_id),
  seq          bigserial PRIMARY KEY,
  from_account text NOT NULL,
  to_account   text NOT NULL,
  reason       text NOT NULL,
  actor        text NOT NULL,
  at           timestamptz NOT NULL DEFAULT now()
);

-- An account's credit (money it overpaid), append-only: `overpayment` entries (positive) when an
-- episode ended paid with more money than it owed, `opening_credit` entries (negative) when the
-- credit was carried into the next episode. The credit is the sum, per currency.
CREATE TABLE account_credits (
  entry_id     text PRIMARY KEY,
  account_id   text NOT NULL,
  kind         text NOT NULL CHECK (kind IN ('overpayment', 'opening_credit')),
  amount_minor bigint NOT NULL CHECK (amount_minor <> 0),
  currency     char(3) NOT NULL,
  episode_id   text NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX account_credits_account_idx ON account_credits (account_id, currency);
CREATE FUNCTION account_credits_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'account_credits is append-only';
END $$;
CREATE TRIGGER account_credits_append_only BEFORE UPDATE OR DELETE ON account_credits
  FOR EACH ROW EXECUTE FUNCTION account_credits_append_only();

-- The list's `assignee` filter: accounts with a task claimed by a key.
CREATE INDEX work_tasks_claimed_idx ON work_tasks (claimed_by, account_id) WHERE status = 'claimed';

-- Down Migration

DROP INDEX work_tasks_claimed_idx;
DROP TABLE account_credits;
DROP FUNCTION account_credits_append_only();
DROP TABLE payment_reassignments;
DROP INDEX payments_unapplied_account_idx;
DROP INDEX payments_unapplied_idx;
ALTER TABLE payments DROP COLUMN episode_id, DROP COLUMN opening_episode_id, DROP COLUMN original_account_id;
