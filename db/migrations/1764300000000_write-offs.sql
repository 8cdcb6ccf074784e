-- Up Migration

-- 核销: debt taken off the books. The case stays (账销案存); payments after `written_off_at` for
-- the episode are recoveries (see the payments table).
CREATE TABLE write_offs (
  write_off_id   text PRIMARY KEY,
  account_id     text NOT NULL,
  episode_id     text NOT NULL,
  amount_minor   bigint NOT NULL,
  currency       char(3) NOT NULL,
  reason         text NOT NULL,
  approved_by    text NOT NULL,
  written_off_at timestamptz NOT NULL
);
CREATE INDEX write_offs_account_idx ON write_offs (account_id);

-- Down Migration
DROP TABLE write_offs;
