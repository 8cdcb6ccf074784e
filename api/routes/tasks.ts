// The work queues: list the tasks the ladder created, claim, release and complete them. The
// decisions are in api/services/tasks.ts, the SQL in db/stores/work-tasks.ts.
import { Router } from 'express';
import type { AppDeps } from '../app';
import { taskService } from '../services/tasks';
import { taskView } from '../../db/stores/work-tasks';
import type { RouteMounter } from './mount';

export function tasksRouter(routes: RouteMounter, deps: AppDeps): Router {
  const router = Router();
  const tasks = taskService({ pool: deps.pool, collection: deps.collection });

  routes.mount(router, 'listTasks', async ({ query, caller }) => {
    const page = await tasks.list({
      limit: query.limit,
      ...(query.queue ? { queue: query.queue } : {}),
      ...(query.status ? { status: query.status } : {}),
      ...(query.assignee === 'me' ? { assignee: caller.actor } : {}),
      ...(query.after ? { after: query.after } : {}),
    });
    return { status: 200, body: { tasks: page.tasks.map(taskView), ...(page.next ? { next: page.next } : {}) } };
  });

  routes.mount(router, 'claimTask', async ({ params, caller, auditIn }) => ({
    status: 200,
    body: await tasks.claim(params.taskId, caller, auditIn),
    outcome: 'task claimed',
  }));

  routes.mount(router, 'releaseTask', async ({ params, caller, auditIn }) => ({
    status: 200,
    body: await tasks.release(params.taskId, caller, auditIn),
    outcome: 'task released',
  }));

  routes.mount(router, 'completeTask', async ({ params, body, caller, auditIn }) => {
    const { status, body: answer } = await tasks.complete(params.taskId, body, caller, auditIn);
    return { status, body: answer, outcome: `task ${body.outcome}` };
  });

  return router;
}
