// The work queues' time limits: every `intervalMs` a task past its queue's time (the episode's
// policy, `taskDueHours`, fixed on the task when the ladder made it) and not done raises one
// `task_overdue` alert. The ladder does not wait for it: the episode goes on as planned. Safe in
// several API processes at once (rows are taken with SKIP LOCKED, the alert is keyed by the task).
import type { Logger } from 'pino';
import type { WorkTasks } from '../db/stores/work-tasks';
import { startBackgroundLoop } from './background-loop';

export interface TaskDeadlines {
  /** One pass now (tests; the loop runs them on its own); `asOf` a clock other than the database's. */
  sweep: (asOf?: Date) => Promise<number>;
  stop: () => Promise<void>;
}

export function startTaskDeadlines(deps: { tasks: WorkTasks; log: Logger; intervalMs?: number }): TaskDeadlines {
  let stopped = false; // ends a long sweep early once stop() is called

  const sweep = async (asOf?: Date) => {
    let n = 0;
    for (let batch = await deps.tasks.alertOverdue(100, asOf); batch.length > 0; batch = stopped ? [] : await deps.tasks.alertOverdue(100, asOf)) {
      n += batch.length;
      for (const t of batch) deps.log.warn({ taskId: t.taskId, queue: t.queue, accountId: t.accountId }, 'work task overdue: alert raised');
    }
    return n;
  };

  const loop = startBackgroundLoop(async () => {
    try {
      await sweep();
    } catch (err) {
      deps.log.error({ err: (err as Error).message }, 'task deadline pass failed; retrying');
    }
  }, deps.intervalMs ?? 60_000);

  return {
    sweep,
    stop() {
      stopped = true;
      return loop.stop();
    },
  };
}
