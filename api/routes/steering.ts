// Steering an account's open episode by hand (issue 11; domain/episode/practice/steering): pause,
// resume, escalate, skip, emergency restore (ops, a reason always, each one workflow update and one
// audit row), and the collection agency's outcome (role `agency`, only for accounts referred to the
// key's agency). 201 with the episode's answer, 422 if the episode refused it, 404 if none is open.
import { Router } from 'express';
import type { AppDeps } from '../app';
import { UpdateRefused } from '../collection-client';
import { HttpError, notFound, unprocessable } from '../errors';
import type { SteeringAnswer } from '../../domain/episode/practice/steering';
import type { Caller, Reply, RouteMounter } from './mount';

const iso = (ms: number) => new Date(ms).toISOString();

async function steer(accountId: string, what: string, send: () => Promise<SteeringAnswer | undefined>): Promise<Reply> {
  const answer = await send().catch((err: Error) => {
    if (err instanceof UpdateRefused) throw unprocessable(`${what} refused by the episode: ${err.message}`);
    throw err;
  });
  if (answer === undefined) throw notFound(`no open collection episode for account ${accountId}`);
  const { paused, ...rest } = answer;
  return {
    status: 201,
    body: {
      accountId,
      ...rest,
      paused: paused ? { since: iso(paused.since), until: paused.until === undefined ? null : iso(paused.until), reason: paused.reason } : null,
    },
    outcome: `${what} accepted`,
  };
}

/** Only an agency key is bound to its agency; admin may record any account's outcome. */
function notReferred(caller: Caller, accountId: string): HttpError {
  return new HttpError(403, 'Forbidden', `account ${accountId} is not referred to agency ${caller.agency ?? '(none: the key names no agency)'}`);
}

export function steeringRouter(routes: RouteMounter, deps: AppDeps): Router {
  const router = Router();
  const c = deps.collection;
  // The request's own id, or the HTTP request id (then a retry is a new request).
  const idOf = (requestId: string | undefined, req: { id?: unknown }) => requestId ?? `http-${String(req.id)}`;

  routes.mount(router, 'postPauseEpisode', ({ params, body: { reason, requestId, until }, caller, req }) =>
    steer(params.accountId, 'pause', () =>
      c.pause(params.accountId, { requestId: idOf(requestId, req), reason, by: caller.actor, ...(until ? { until: Date.parse(until) } : {}) }),
    ),
  );
  routes.mount(router, 'postResumeEpisode', ({ params, body: { reason, requestId }, caller, req }) =>
    steer(params.accountId, 'resume', () => c.resume(params.accountId, { requestId: idOf(requestId, req), reason, by: caller.actor })),
  );
  routes.mount(router, 'postEscalateEpisode', ({ params, body: { reason, requestId }, caller, req }) =>
    steer(params.accountId, 'escalation', () => c.escalate(params.accountId, { requestId: idOf(requestId, req), reason, by: caller.actor })),
  );
  routes.mount(router, 'postSkipRung', ({ params, body: { reason, requestId, stepId }, caller, req }) =>
    steer(params.accountId, 'skip', () =>
      c.skip(params.accountId, { requestId: idOf(requestId, req), reason, by: caller.actor, ...(stepId ? { stepId } : {}) }),
    ),
  );
  routes.mount(router, 'postEmergencyRestore', ({ params, body: { reason, requestId }, caller, req }) =>
    steer(params.accountId, 'emergency restore', () => c.emergencyRestore(params.accountId, { requestId: idOf(requestId, req), reason, by: caller.actor })),
  );

  // An agency key reaches only the accounts referred to its agency (the episode's `agency`); any
  // other account, enrolled or not, is 403 to it (it learns nothing of accounts that are not its own).
  routes.mount(router, 'postAgencyOutcome', async ({ params: { accountId }, body: { outcome, note }, caller }) => {
    const admin = caller.roles.includes('admin');
    const state = await c.state(accountId);
    const open = state && state.status !== 'paid' && state.status !== 'closed' ? state : undefined;
    if (!admin && (!open || !open.agency || open.agency !== caller.agency)) throw notReferred(caller, accountId);
    if (!open) throw notFound(`no open collection episode for account ${accountId}`);
    if (!(await c.recordAgencyOutcome(accountId, { outcome, ...(note ? { note } : {}) })))
      throw notFound(`no open collection episode for account ${accountId}`);
    return {
      status: 202,
      body: { accountId, episodeId: open.episodeId, agency: open.agency ?? 'none', outcome, recorded: true },
      outcome: `agency outcome ${outcome} sent`,
    };
  });

  return router;
}
