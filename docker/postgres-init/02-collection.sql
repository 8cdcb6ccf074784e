-- The app's database (DATABASE_URL), owned by its own role. The tables come from the `migrate`
-- service (db/migrations via node-pg-migrate), never from here: this file runs only once, when
-- the postgres-data volume is first initialised, while migrations run on every deploy.
\getenv collection_password COLLECTION_DB_PASSWORD

CREATE ROLE collection LOGIN PASSWORD :'collection_password';
CREATE DATABASE collection OWNER collection;
REVOKE ALL ON DATABASE collection FROM PUBLIC;
