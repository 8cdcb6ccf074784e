// Actions on an account's open episode, each one workflow update: 201 with the episode's answer,
// 422 if the episode refused it, 404 if no episode is open. Closing (a signal) answers 202.
import { Router } from 'express';
import type { AppDeps } from '../app';
import { UpdateRefused } from '../collection-client';
import { notFound, unprocessable } from '../errors';
import { resolvePolicy } from '../services/policies';
import { withTransaction } from '../../db/pool';
import { recordEpisodeClosure } from '../../db/stores/episode-closures';
import { ledgerEntries } from '../../db/stores/ledger-entries';
import type { Reply, RouteMounter } from './mount';

async function episodeAnswer(accountId: string, what: string, send: () => Promise<unknown>): Promise<Reply> {
  const answer = await send().catch((err: Error) => {
    if (err instanceof UpdateRefused) throw unprocessable(`${what} refused by the episode: ${err.message}`);
    throw err;
  });
  if (answer === undefined) throw notFound(`no open collection episode for account ${accountId}`);
  return { status: 201, body: answer, outcome: `${what} accepted` };
}

/** The free-text note (or the old free-text actor field) goes with the reason; the actor is the key. */
function withNote(reason: string, note: string | undefined): string {
  return note ? `${reason} (note: ${note})` : reason;
}

export function episodeActionsRouter(routes: RouteMounter, deps: AppDeps): Router {
  const router = Router();
  const c = deps.collection;
  const entries = ledgerEntries(deps.pool);

  routes.mount(router, 'postPromise', ({ params, body }) => episodeAnswer(params.accountId, 'promise', () => c.promiseToPay(params.accountId, body)));

  routes.mount(router, 'postDispute', ({ params, body }) => episodeAnswer(params.accountId, 'dispute', () => c.openDispute(params.accountId, body)));

  routes.mount(router, 'postDisputeResolution', ({ params, body }) =>
    episodeAnswer(params.accountId, 'resolution', () => c.resolveDispute(params.accountId, { disputeId: params.disputeId, ...body })),
  );

  routes.mount(router, 'postInstallmentPlan', ({ params, body }) =>
    episodeAnswer(params.accountId, 'installment plan', () => c.agreeInstallments(params.accountId, body)),
  );

  // The episode records who moved it (the key), why, and from which version to which.
  routes.mount(router, 'postPolicyMigration', ({ params, body: { migrationId, policy, reason, note, actor }, caller }) =>
    episodeAnswer(params.accountId, 'policy migration', () =>
      c.migratePolicy(params.accountId, { migrationId, policy: resolvePolicy(policy), reason: withNote(reason, note ?? actor), actor: caller.actor }),
    ),
  );

  routes.mount(router, 'postWriteOff', ({ params, body: { writeOffId, reason, note, approvedBy }, caller }) =>
    episodeAnswer(params.accountId, 'write-off', () =>
      c.writeOff(params.accountId, { writeOffId, reason: withNote(reason, note ?? approvedBy), approvedBy: caller.actor }),
    ),
  );

  // Who waived is the caller's key (the audit trail); the reason and note go to the episode.
  // The accepted waiver is also a ledger entry (once per adjustment id; a re-send writes it if the first did not).
  routes.mount(router, 'postLateFeeWaiver', ({ params, body: { adjustmentId, amount, reason, note } }) =>
    episodeAnswer(params.accountId, 'late-fee waiver', () =>
      c.waiveLateFee(params.accountId, { adjustmentId, amount, reason: withNote(reason, note) }).then(async (fee) => {
        if (fee === undefined) return undefined;
        if (fee) await entries.recordLateFeeWaiver(params.accountId, adjustmentId, amount);
        return { adjustmentId, lateFee: fee };
      }),
    ),
  );

  // Admin only (the table). The episode is told by the `closeEpisode` signal; which episode, why and
  // by whom is recorded with the request's audit row.
  routes.mount(router, 'postCloseEpisode', async ({ params: { accountId }, body: { reason, note }, caller, auditIn }) => {
    const state = await c.state(accountId);
    const none = () => notFound(`no open collection episode for account ${accountId}`);
    if (!state || state.status === 'paid' || state.status === 'closed') throw none();
    const why = withNote(reason, note);
    if (!(await c.closeEpisode(accountId, why))) throw none();
    await withTransaction(deps.pool, async (tx) => {
      await recordEpisodeClosure(tx, { accountId, episodeId: state.episodeId, reason: why, closedBy: caller.actor });
      await auditIn(tx, 202, 'close requested');
    });
    return { status: 202, body: { accountId, episodeId: state.episodeId, statusBefore: state.status, closing: true }, outcome: 'close requested' };
  });

  return router;
}
