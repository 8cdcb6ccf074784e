-- Up Migration

-- The ledger (issue 13): every money movement of an account as one append-only entry, signed from
-- the customer's side (what they owe goes up: +, down: -). Written idempotently by `entry_key`
-- where the event is recorded (db/stores/ledger-entries.ts). `seq` orders the entries and is the
-- late-fee feed's cursor. Overpayment credit and its carrying into the next episode reference
-- their `account_credits` entry (`credit_entry_id`): that table stays the account's credit, the
-- ledger records the same movement from the episode's side.
CREATE TABLE ledger_entries (
  seq             bigserial PRIMARY KEY,
  entry_key       text NOT NULL UNIQUE,
  account_id      text NOT NULL,
  episode_id      text NOT NULL,
  kind            text NOT NULL CHECK (kind IN ('charge', 'payment', 'allocation', 'adjustment_credit', 'late_fee_accrued', 'late_fee_waived',
                                                'write_off', 'recovery', 'overpayment_credit', 'credit_applied')),
  amount_minor    bigint NOT NULL,
  currency        char(3) NOT NULL,
  at              timestamptz NOT NULL DEFAULT now(),
  bill_id         text,
  payment_id      text,
  ref             text,
  credit_entry_id text REFERENCES account_credits (entry_id)
);
CREATE INDEX ledger_entries_account_idx ON ledger_entries (account_id, episode_id, currency);
CREATE INDEX ledger_entries_late_fee_idx ON ledger_entries (seq) WHERE kind IN ('late_fee_accrued', 'late_fee_waived');
CREATE FUNCTION ledger_entries_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'ledger_entries is append-only';
END $$;
CREATE TRIGGER ledger_entries_append_only BEFORE UPDATE OR DELETE ON ledger_entries
  FOR EACH ROW EXECUTE FUNCTION ledger_entries_append_only();

-- Billing's acknowledgements of the late-fee feed: every late-fee entry up to `up_to` (a ledger
-- seq) has been taken into a bill and is never listed again. Append-only as well.
CREATE TABLE late_fee_acknowledgements (
  up_to bigint PRIMARY KEY,
  actor text NOT NULL,
  at    timestamptz NOT NULL DEFAULT now()
);
CREATE TRIGGER late_fee_acknowledgements_append_only BEFORE UPDATE OR DELETE ON late_fee_acknowledgements
  FOR EACH ROW EXECUTE FUNCTION ledger_entries_append_only();

-- Down Migration

DROP TABLE late_fee_acknowledgements;
DROP TABLE ledger_entries;
DROP FUNCTION ledger_entries_append_only();
