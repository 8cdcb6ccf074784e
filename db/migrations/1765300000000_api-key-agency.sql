-- Up Migration
-- An agency's key names its agency (issue 11): it may report outcomes only for accounts referred to it.
ALTER TABLE api_keys ADD COLUMN agency text;

-- Down Migration
ALTER TABLE api_keys DROP COLUMN agency;
