-- Up Migration

-- Batch payments (issue 13): a batch of payments is kept like a batch of bills; its rows' payments
-- go to the payments outbox in the upload's transaction and the deliverer applies them.
ALTER TABLE batches DROP CONSTRAINT batches_kind_check;
ALTER TABLE batches ADD CONSTRAINT batches_kind_check CHECK (kind IN ('arrears', 'payments'));
-- The payment a row of a payments batch carries (null for arrears rows and rejected rows).
ALTER TABLE batch_rows ADD COLUMN payment_id text;
CREATE INDEX batch_rows_payment_idx ON batch_rows (payment_id) WHERE payment_id IS NOT NULL;

-- Down Migration
DROP INDEX batch_rows_payment_idx;
ALTER TABLE batch_rows DROP COLUMN payment_id;
DELETE FROM batches WHERE kind = 'payments';
ALTER TABLE batches DROP CONSTRAINT batches_kind_check;
ALTER TABLE batches ADD CONSTRAINT batches_kind_check CHECK (kind IN ('arrears'));
