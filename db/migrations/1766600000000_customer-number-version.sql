-- Up Migration

-- Customer reference (issue 14, ADR 26): workflows carry the account id, never the name or the
-- number. `number_version` goes up by one each time billing posts a different billing number for the
-- account; the episode knows the number on file by it (`numberRef`), so a wrong-number report names
-- the number without holding it, and a new number lifts the report.
ALTER TABLE accounts ADD COLUMN number_version integer NOT NULL DEFAULT 1;

-- Down Migration

ALTER TABLE accounts DROP COLUMN number_version;
