-- Up Migration

-- The ledger's back-fill (issue 13): bills, applied payments and upheld disputes recorded before
-- the ledger (migration 1766100000000) have no entries, so `npm run reconcile` reported their
-- episodes. This writes the missing `charge`, `payment` / `recovery` and `adjustment_credit`
-- entries, and the `allocation` entries of the money it books, with the keys the live code uses:
-- append-only and idempotent (`ON CONFLICT (entry_key) DO NOTHING`), an existing entry is never
-- touched, and running it again writes nothing.
--
-- A bill's episode: an episode is named by the bill that started it (api/collection-client.ts), so
-- the episodes of an account are its delivered bills whose id appears as an episode id anywhere in
-- the database (read model, attempts, tasks, payments, credits, disputes, ...). A bill joined the
-- latest such episode start of its account, in its currency, delivered at or before it; a bill no
-- episode can be found for (never delivered, or no start known) is left out. A payment goes to the
-- episode it names (`payments.episode_id`), else to the latest episode start delivered at or before
-- it was applied. Money is allocated to the episode's bills oldest due date first (as allocateFifo),
-- each bill taking at most what no allocation has taken yet, in the order the money came.

CREATE TEMPORARY TABLE backfill_known_episodes AS
  SELECT account_id, episode_id FROM episode_read_model
  UNION SELECT account_id, episode_id FROM collection_attempts
  UNION SELECT account_id, episode_id FROM work_tasks
  UNION SELECT account_id, episode_id FROM restorations
  UNION SELECT account_id, episode_id FROM alerts
  UNION SELECT account_id, episode_id FROM promises
  UNION SELECT account_id, episode_id FROM disputes
  UNION SELECT account_id, episode_id FROM write_offs
  UNION SELECT account_id, episode_id FROM installment_plans
  UNION SELECT account_id, episode_id FROM policy_migrations
  UNION SELECT account_id, episode_id FROM litigation_cases
  UNION SELECT account_id, episode_id FROM account_credits
  UNION SELECT account_id, episode_id FROM episode_policies
  UNION SELECT account_id, episode_id FROM ledger_entries
  UNION SELECT account_id, episode_id FROM payments WHERE episode_id IS NOT NULL;

CREATE TEMPORARY TABLE backfill_episode_starts AS
  SELECT b.account_id, b.bill_id AS episode_id, b.currency, b.delivered_at
  FROM bills b JOIN backfill_known_episodes k ON k.account_id = b.account_id AND k.episode_id = b.bill_id
  WHERE b.delivered_at IS NOT NULL;

-- the entries written here, for their allocations
CREATE TEMPORARY TABLE backfill_written (entry_key text PRIMARY KEY);

-- charges: delivered bills without one
WITH charges AS (
  INSERT INTO ledger_entries (entry_key, account_id, episode_id, kind, amount_minor, currency, at, bill_id)
  SELECT 'charge:' || b.bill_id, b.account_id, s.episode_id, 'charge', b.amount_minor, b.currency, b.delivered_at, b.bill_id
  FROM bills b
  CROSS JOIN LATERAL (
    SELECT st.episode_id FROM backfill_episode_starts st
    WHERE st.account_id = b.account_id AND st.currency = b.currency AND st.delivered_at <= b.delivered_at
    ORDER BY st.delivered_at DESC, st.episode_id DESC LIMIT 1
  ) s
  WHERE b.delivered_at IS NOT NULL
    AND NOT EXISTS (SELECT 1 FROM ledger_entries e WHERE e.entry_key = 'charge:' || b.bill_id)
  ORDER BY b.delivered_at, b.bill_id
  ON CONFLICT (entry_key) DO NOTHING
  RETURNING entry_key
)
INSERT INTO backfill_written SELECT entry_key FROM charges;

-- payments (recoveries when the episode answered so): applied, without an entry
WITH paid AS (
  INSERT INTO ledger_entries (entry_key, account_id, episode_id, kind, amount_minor, currency, at, payment_id)
  SELECT 'payment:' || p.payment_id, p.account_id, coalesce(p.episode_id, s.episode_id),
         CASE WHEN p.result ->> 'recovery' = 'true' THEN 'recovery' ELSE 'payment' END,
         -p.amount_minor, p.currency, p.applied_at, p.payment_id
  FROM payments p
  LEFT JOIN LATERAL (
    SELECT st.episode_id FROM backfill_episode_starts st
    WHERE st.account_id = p.account_id AND st.currency = p.currency AND st.delivered_at <= p.applied_at
    ORDER BY st.delivered_at DESC, st.episode_id DESC LIMIT 1
  ) s ON true
  WHERE p.applied_at IS NOT NULL AND coalesce(p.episode_id, s.episode_id) IS NOT NULL
    AND NOT EXISTS (SELECT 1 FROM ledger_entries e WHERE e.entry_key = 'payment:' || p.payment_id)
  ORDER BY p.applied_at, p.payment_id
  ON CONFLICT (entry_key) DO NOTHING
  RETURNING entry_key
)
INSERT INTO backfill_written SELECT entry_key FROM paid;

-- adjustment credits: upheld disputes without one (the key recordDispute writes)
WITH credits AS (
  INSERT INTO ledger_entries (entry_key, account_id, episode_id, kind, amount_minor, currency, at, bill_id, ref)
  SELECT 'adjustment:' || d.account_id || ':' || d.episode_id || ':dispute:' || d.dispute_id, d.account_id, d.episode_id,
         'adjustment_credit', -d.amount_minor, d.currency, coalesce(d.resolved_at, d.opened_at), d.bill_id, 'dispute:' || d.dispute_id
  FROM disputes d
  WHERE d.status = 'upheld' AND d.amount_minor > 0
    AND NOT EXISTS (SELECT 1 FROM ledger_entries e WHERE e.entry_key = 'adjustment:' || d.account_id || ':' || d.episode_id || ':dispute:' || d.dispute_id)
  ORDER BY coalesce(d.resolved_at, d.opened_at), d.dispute_id
  ON CONFLICT (entry_key) DO NOTHING
  RETURNING entry_key
)
INSERT INTO backfill_written SELECT entry_key FROM credits;

-- allocations of the money written above: [start, end) of each bill's unallocated amount (oldest
-- due first) against [start, end) of each settling entry's amount (in order), per episode
WITH bill_room AS (
  SELECT c.account_id, c.episode_id, c.currency, c.bill_id, b.due_date,
         c.amount_minor - coalesce((SELECT sum(a.amount_minor) FROM ledger_entries a
                                    WHERE a.kind = 'allocation' AND a.account_id = c.account_id AND a.episode_id = c.episode_id
                                      AND a.bill_id = c.bill_id), 0) AS room
  FROM ledger_entries c JOIN bills b ON b.bill_id = c.bill_id
  WHERE c.kind = 'charge'
    AND EXISTS (SELECT 1 FROM ledger_entries s JOIN backfill_written w ON w.entry_key = s.entry_key
                WHERE s.account_id = c.account_id AND s.episode_id = c.episode_id
                  AND s.kind IN ('payment', 'recovery', 'adjustment_credit'))
),
bill_spans AS (
  SELECT *, sum(room) OVER (PARTITION BY account_id, episode_id, currency ORDER BY due_date, bill_id COLLATE "C") AS span_end
  FROM bill_room WHERE room > 0
),
money AS (
  SELECT s.entry_key, s.account_id, s.episode_id, s.currency, s.at, s.payment_id, coalesce(s.ref, s.entry_key) AS ref,
         sum(-s.amount_minor) OVER (PARTITION BY s.account_id, s.episode_id, s.currency ORDER BY s.at, s.seq) AS span_end,
         -s.amount_minor AS amount
  FROM ledger_entries s JOIN backfill_written w ON w.entry_key = s.entry_key
  WHERE s.kind IN ('payment', 'recovery', 'adjustment_credit') AND s.amount_minor < 0
)
INSERT INTO ledger_entries (entry_key, account_id, episode_id, kind, amount_minor, currency, at, bill_id, payment_id, ref)
SELECT 'allocation:' || m.entry_key || ':' || b.bill_id, m.account_id, m.episode_id, 'allocation',
       least(b.span_end, m.span_end) - greatest(b.span_end - b.room, m.span_end - m.amount), m.currency, m.at, b.bill_id, m.payment_id, m.ref
FROM money m
JOIN bill_spans b ON b.account_id = m.account_id AND b.episode_id = m.episode_id AND b.currency = m.currency
WHERE least(b.span_end, m.span_end) > greatest(b.span_end - b.room, m.span_end - m.amount)
ORDER BY m.at, m.entry_key, b.due_date, b.bill_id
ON CONFLICT (entry_key) DO NOTHING;

DROP TABLE backfill_written;
DROP TABLE backfill_episode_starts;
DROP TABLE backfill_known_episodes;

-- Down Migration

-- Nothing: the ledger is append-only; the entries written stay (a later run writes nothing).
SELECT 1;
