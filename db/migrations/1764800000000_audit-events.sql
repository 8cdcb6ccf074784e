-- Up Migration

-- The audit trail: one row per mutating API request, refused ones included (who: key and roles;
-- what: method, route pattern, account; how it ended: status and a short outcome code). Append-only:
-- the triggers below refuse UPDATE, DELETE and TRUNCATE, and every row carries the hash of the one
-- before it, so a change made behind the triggers' back (a superuser disabling them) breaks the
-- chain, which `npm run audit -- verify` recomputes. No personal data goes in here (PIPL).
CREATE TABLE audit_events (
  -- Assigned by the append trigger, not by a sequence: see audit_events_append().
  id          bigint PRIMARY KEY,
  key_id      text,
  roles       text[] NOT NULL DEFAULT '{}' CHECK (array_position(roles, NULL) IS NULL AND coalesce(array_ndims(roles), 1) = 1),
  method      text NOT NULL,
  route       text NOT NULL,
  account_id  text,
  request_id  text NOT NULL,
  status      integer NOT NULL CHECK (status BETWEEN 100 AND 599),
  outcome     text NOT NULL CHECK (char_length(outcome) <= 200),
  at          timestamptz NOT NULL DEFAULT now(),
  prev_hash   bytea NOT NULL,
  hash        bytea NOT NULL
);
CREATE INDEX audit_events_account_idx ON audit_events (account_id, id DESC) WHERE account_id IS NOT NULL;

-- The end of the chain: the last id and hash. One row, locked by every append.
CREATE TABLE audit_chain_head (
  singleton  boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  last_id    bigint NOT NULL,
  last_hash  bytea NOT NULL
);
-- The chain starts from 32 zero bytes.
INSERT INTO audit_chain_head (last_id, last_hash) VALUES (0, '\x0000000000000000000000000000000000000000000000000000000000000000');

-- One field of the canonical encoding: its UTF-8 length as a 4-byte big-endian integer, then the
-- bytes; NULL is length -1 and no bytes. db/stores/audit.ts encodes the same way to verify.
CREATE FUNCTION audit_field(v text) RETURNS bytea LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE WHEN v IS NULL THEN int4send(-1) ELSE int4send(octet_length(convert_to(v, 'UTF8'))) || convert_to(v, 'UTF8') END
$$;

-- The canonical encoding of a row's fields (every one but the hashes), in column order. Numbers as
-- decimal text; roles as their count then each role; `at` as whole microseconds since the epoch,
-- because the text form of a timestamptz depends on the session's TimeZone and a verifier must get
-- the same bytes from any session.
CREATE FUNCTION audit_event_payload(e audit_events) RETURNS bytea LANGUAGE sql IMMUTABLE AS $$
  SELECT audit_field(e.id::text)
      || audit_field(e.key_id)
      || int4send(coalesce(cardinality(e.roles), 0))
      || coalesce((SELECT string_agg(audit_field(r), ''::bytea ORDER BY n) FROM unnest(e.roles) WITH ORDINALITY AS u(r, n)), ''::bytea)
      || audit_field(e.method)
      || audit_field(e.route)
      || audit_field(e.account_id)
      || audit_field(e.request_id)
      || audit_field(e.status::text)
      || audit_field(e.outcome)
      || audit_field((extract(epoch FROM e.at) * 1000000)::bigint::text)
$$;

-- Why it is done this way:
-- * Appends are serialised by the row lock on audit_chain_head (an equivalent of an advisory
--   lock), taken here and held until the surrounding transaction ends. Rows are written inside
--   business transactions, so a second appender waits for the first to COMMIT (it then reads the
--   committed head) or ROLLBACK (the head and the row vanish together, nothing to repair). Callers
--   should append as the last statement before COMMIT, so the lock is held as briefly as possible
--   and is always the last lock a transaction takes (no lock-order deadlocks). The cost: appends
--   are serialised through each COMMIT (about 900 a second with 8 clients on the 2-core dev
--   machine, against 4,500 plain inserts), and one transaction appending thousands of rows slows
--   down, because it updates the head row again for each (append one row per request).
-- * The id is taken from the head under that lock, not from a sequence: a sequence value is drawn
--   before BEFORE triggers run, so two concurrent transactions could get ids in one order and take
--   the lock in the other, and id order would no longer be chain order. Under the lock ids are
--   gapless and increasing, and a rolled-back append leaves no gap.
-- * SELECT … FOR UPDATE on the head, unlike a read of the table's last row after an advisory lock,
--   stays correct in a REPEATABLE READ or SERIALIZABLE transaction: a head moved since the
--   transaction's snapshot is a serialisation failure (40001, retry), never a silent fork.
-- * The hash is computed from NEW after the column defaults were applied (BEFORE triggers see them)
--   and after `at`'s default, so the `at` hashed is exactly the one stored. This is the only BEFORE
--   INSERT trigger on the table; one added later must not change NEW after it.
CREATE FUNCTION audit_events_append() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  head audit_chain_head%ROWTYPE;
BEGIN
  SELECT * INTO STRICT head FROM audit_chain_head WHERE singleton FOR UPDATE;
  NEW.id := head.last_id + 1;
  NEW.prev_hash := head.last_hash;
  NEW.hash := sha256(head.last_hash || audit_event_payload(NEW));
  UPDATE audit_chain_head SET last_id = NEW.id, last_hash = NEW.hash WHERE singleton;
  RETURN NEW;
END
$$;
CREATE TRIGGER audit_events_append BEFORE INSERT ON audit_events FOR EACH ROW EXECUTE FUNCTION audit_events_append();

CREATE FUNCTION audit_events_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_events is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER audit_events_no_update_delete BEFORE UPDATE OR DELETE ON audit_events FOR EACH ROW EXECUTE FUNCTION audit_events_refuse_change();
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events FOR EACH STATEMENT EXECUTE FUNCTION audit_events_refuse_change();

-- The head moves only from inside the append trigger (trigger depth 2); anything else is refused.
CREATE FUNCTION audit_chain_head_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND pg_trigger_depth() > 1 THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'audit_chain_head moves only by appending to audit_events: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER audit_chain_head_guard BEFORE INSERT OR UPDATE OR DELETE ON audit_chain_head FOR EACH ROW EXECUTE FUNCTION audit_chain_head_guard();
CREATE TRIGGER audit_chain_head_no_truncate BEFORE TRUNCATE ON audit_chain_head FOR EACH STATEMENT EXECUTE FUNCTION audit_chain_head_guard();

-- Down Migration
DROP FUNCTION audit_event_payload(audit_events);
DROP TABLE audit_events;
DROP TABLE audit_chain_head;
DROP FUNCTION audit_events_append();
DROP FUNCTION audit_events_refuse_change();
DROP FUNCTION audit_chain_head_guard();
DROP FUNCTION audit_field(text);
