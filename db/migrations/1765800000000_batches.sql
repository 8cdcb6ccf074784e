-- Up Migration

-- Bulk intake (issue 13, ADR 15): a batch is one uploaded file (CSV or NDJSON). Its rows are kept
-- here as they stream in, inside the upload's transaction, so a batch is either all there or not
-- there at all. content_sha256 makes a re-sent file answer the first batch.
CREATE TABLE batches (
  batch_id        text PRIMARY KEY,
  kind            text NOT NULL CHECK (kind IN ('arrears')),
  content_sha256  text NOT NULL,
  format          text NOT NULL CHECK (format IN ('csv', 'ndjson')),
  row_count       integer NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX batches_content_idx ON batches (kind, content_sha256);

-- One row per data row of the file. state: pending (valid, waiting for enrolment), enrolled
-- (result accepted | updated | unchanged), rejected (errors: [{field, message}], at intake or by
-- the enrolment). payload is the validated request (it holds the customer's name and phone: it is
-- never logged). claimed_until is the lease of the enrolment job that took the row: a row whose
-- lease ran out (the job crashed) is taken again.
CREATE TABLE batch_rows (
  -- deferred: the rows stream in before the batch row, written once the file is read whole
  batch_id       text NOT NULL REFERENCES batches (batch_id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
  row_no         integer NOT NULL,
  state          text NOT NULL CHECK (state IN ('pending', 'enrolled', 'rejected')),
  result         text CHECK (result IN ('accepted', 'updated', 'unchanged')),
  payload        jsonb,
  errors         jsonb,
  claimed_until  timestamptz,
  attempts       integer NOT NULL DEFAULT 0,
  done_at        timestamptz,
  PRIMARY KEY (batch_id, row_no)
);
CREATE INDEX batch_rows_pending_idx ON batch_rows (batch_id, row_no) WHERE state = 'pending';
CREATE INDEX batch_rows_rejected_idx ON batch_rows (batch_id, row_no) WHERE state = 'rejected';

-- Down Migration
DROP TABLE batch_rows;
DROP TABLE batches;
