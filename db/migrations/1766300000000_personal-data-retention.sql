-- Up Migration

-- Retention (issue 14, ADR 20): when `npm run retention -- apply` blanked an account's name and
-- phone number (its last episode ended more than RETENTION_DAYS_AFTER_END days before). A later bill
-- writes them again (accounts.updated_at moves past this), and the rule applies afresh after that
-- episode ends.
ALTER TABLE accounts ADD COLUMN personal_data_erased_at timestamptz;

-- Down Migration

ALTER TABLE accounts DROP COLUMN personal_data_erased_at;
