-- Up Migration

-- Work queues: the tasks the ladder leaves (work_tasks) become claimable and completable by staff.
-- status: open → claimed (by one key) → done; a claim can be released back to open. `outcome` is the
-- completion as sent (its fingerprint `outcome_hash` tells a re-send from a different completion),
-- `answer` what the completion answered, so a re-send gets the same answer. `seq` orders ties and is
-- the paging cursor; `due_at` is when the task should be done (oldest first in the queue): the
-- policy's time for its queue (`overdue_alert_at`), or the time it was made when there is none.
ALTER TABLE work_tasks
  ADD COLUMN seq          bigserial,
  ADD COLUMN due_at       timestamptz,
  ADD COLUMN claimed_by   text,
  ADD COLUMN claimed_at   timestamptz,
  ADD COLUMN outcome      jsonb,
  ADD COLUMN outcome_hash text,
  ADD COLUMN answer       jsonb,
  ADD COLUMN completed_by text,
  ADD COLUMN completed_at timestamptz,
  -- The policy's time for the task's queue: past it, not done, a `task_overdue` alert (once).
  ADD COLUMN overdue_alert_at   timestamptz,
  ADD COLUMN overdue_alerted_at timestamptz;
UPDATE work_tasks SET due_at = created_at, status = CASE WHEN status IN ('open', 'claimed', 'done') THEN status ELSE 'open' END;
ALTER TABLE work_tasks ALTER COLUMN due_at SET DEFAULT now(), ALTER COLUMN due_at SET NOT NULL;
ALTER TABLE work_tasks ADD CONSTRAINT work_tasks_status_check CHECK (status IN ('open', 'claimed', 'done'));
ALTER TABLE work_tasks ADD CONSTRAINT work_tasks_claim_check CHECK ((status = 'claimed') = (claimed_by IS NOT NULL));
CREATE UNIQUE INDEX work_tasks_seq_idx ON work_tasks (seq);
CREATE INDEX work_tasks_queue_idx ON work_tasks (kind, status, due_at, seq);
CREATE INDEX work_tasks_overdue_idx ON work_tasks (overdue_alert_at) WHERE status <> 'done' AND overdue_alerted_at IS NULL;

-- Down Migration

DROP INDEX work_tasks_overdue_idx;
DROP INDEX work_tasks_queue_idx;
DROP INDEX work_tasks_seq_idx;
ALTER TABLE work_tasks DROP CONSTRAINT work_tasks_claim_check;
ALTER TABLE work_tasks DROP CONSTRAINT work_tasks_status_check;
ALTER TABLE work_tasks
  DROP COLUMN seq,
  DROP COLUMN due_at,
  DROP COLUMN claimed_by,
  DROP COLUMN claimed_at,
  DROP COLUMN outcome,
  DROP COLUMN outcome_hash,
  DROP COLUMN answer,
  DROP COLUMN completed_by,
  DROP COLUMN completed_at,
  DROP COLUMN overdue_alert_at,
  DROP COLUMN overdue_alerted_at;
