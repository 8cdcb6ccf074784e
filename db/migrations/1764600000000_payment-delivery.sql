-- Up Migration

-- The payment outbox: a payment row is kept from the moment it is accepted; until the episode has
-- answered (`result`), the API's deliverer retries it with backoff. See README "Payments".
ALTER TABLE payments
  ADD COLUMN delivery_attempts integer NOT NULL DEFAULT 0,
  ADD COLUMN next_delivery_at  timestamptz NOT NULL DEFAULT now(),
  ADD COLUMN delivery_error    text;
CREATE INDEX payments_undelivered_idx ON payments (next_delivery_at) WHERE result IS NULL;

-- Down Migration
DROP INDEX payments_undelivered_idx;
ALTER TABLE payments DROP COLUMN delivery_attempts, DROP COLUMN next_delivery_at, DROP COLUMN delivery_error;
