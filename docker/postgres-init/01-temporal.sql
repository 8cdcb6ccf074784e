-- Temporal's two databases, owned by their own role so the app's credentials cannot reach them.
-- Runs once, as the superuser, when the postgres-data volume is first initialised. The schema
-- itself is applied (and upgraded on every `up`) by the temporal-schema service, not here.
-- \getenv needs psql >= 15; the password comes from the container's environment (see compose).
\getenv temporal_password TEMPORAL_DB_PASSWORD

CREATE ROLE temporal LOGIN PASSWORD :'temporal_password';
CREATE DATABASE temporal OWNER temporal;
CREATE DATABASE temporal_visibility OWNER temporal;
-- New databases let every role connect by default; keep only the owner (and superusers).
REVOKE ALL ON DATABASE temporal, temporal_visibility FROM PUBLIC;

-- Temporal's visibility schema wants btree_gin; create it as superuser so schema setup never
-- depends on whether the extension is trusted for a database owner.
\connect temporal_visibility
CREATE EXTENSION IF NOT EXISTS btree_gin;
