-- Up Migration

-- Fee disputes (art. 39) and abnormal-bill reviews (art. 33), with their outcome.
CREATE TABLE disputes (
  dispute_id    text NOT NULL,
  account_id    text NOT NULL,
  episode_id    text NOT NULL,
  kind          text NOT NULL CHECK (kind IN ('dispute', 'abnormal_bill')),
  bill_id       text,
  amount_minor  bigint NOT NULL CHECK (amount_minor >= 0),
  currency      char(3) NOT NULL,
  reason        text NOT NULL,
  status        text NOT NULL CHECK (status IN ('open', 'upheld', 'rejected')),
  opened_at     timestamptz NOT NULL DEFAULT now(),
  resolved_at   timestamptz,
  PRIMARY KEY (account_id, dispute_id)
);

-- Billing's previous three-month average, for the abnormal-bill check.
ALTER TABLE bills ADD COLUMN previous_average_minor bigint;

-- Down Migration
ALTER TABLE bills DROP COLUMN previous_average_minor;
DROP TABLE disputes;
