-- Up Migration

-- API keys: only a hash of the secret is kept (the key is shown once, when it is created). A key is
-- found by its id (the visible part of the key) and compared in constant time; a revoked key stays
-- for the audit trail, which names it. See db/stores/api-keys.ts.
CREATE TABLE api_keys (
  key_id     text PRIMARY KEY,
  name       text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  roles      text[] NOT NULL CHECK (cardinality(roles) > 0 AND roles <@ ARRAY['billing', 'ops', 'legal', 'finance', 'agency', 'admin']),
  key_hash   bytea NOT NULL CHECK (length(key_hash) = 32),
  created_at timestamptz NOT NULL DEFAULT now(),
  revoked_at timestamptz
);

-- Down Migration
DROP TABLE api_keys;
