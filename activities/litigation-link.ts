// The link between an episode and its litigation case (ADR 12): opening the case from the
// legal_referral rung, and the signals and updates between the two workflows. Each activity is
// idempotent: case ids, signal ids, plan ids and payment ids are derived from the steps.
import { Context } from '@temporalio/activity';
import { WorkflowNotFoundError } from '@temporalio/client';
import type { Pool } from 'pg';
import { CollectionClient, UpdateRefused } from '../api/collection-client';
import { LitigationClient } from '../api/litigation-client';
import { HttpError } from '../api/errors';
import { paymentService } from '../api/services/payments';
import { withTransaction } from '../db/pool';
import { ledger } from '../db/stores/ledger';
import { litigationCases, OpenCaseExists, type LitigationCaseRow } from '../db/stores/litigation-cases';
import { caseMoneySignal, litigationWorkflowId } from '../workflows/litigation-messages';
import { collectionWorkflowId, litigationCaseSignal } from '../workflows/messages';
import type { LinkActivities } from './litigation-link-contract';

const ended = (err: unknown): boolean => {
  if (err instanceof WorkflowNotFoundError) return true;
  const cause = err instanceof Error ? err.cause : undefined;
  const text = err instanceof Error ? `${err.message} ${cause instanceof Error ? cause.message : ''}` : '';
  return /already completed/i.test(text);
};

export function createLinkActivities(pool: Pool): LinkActivities {
  const cases = litigationCases(pool);
  const ctx = () => Context.current();
  const litigation = () => new LitigationClient(ctx().client, ctx().info.taskQueue);
  const collection = () => new CollectionClient(ctx().client, ctx().info.taskQueue);

  return {
    async openLitigationCase(req) {
      const known = await cases.get(req.caseId);
      const open = known ?? (await cases.openCaseOf(req.accountId));
      if (open && open.caseId !== req.caseId) return { caseId: open.caseId, caseNumber: open.caseNumber };
      const row: LitigationCaseRow = {
        caseId: req.caseId,
        caseNumber: req.caseNumber ?? `LC-${req.caseId}`,
        accountId: req.accountId,
        episodeId: req.episodeId,
        workflowId: litigationWorkflowId(req.caseId),
        state: 'referred',
        court: null,
        procedure: null,
        courtCaseNumber: null,
        currency: req.currency,
        principal: req.principal,
        nextDeadline: null,
        nextDeadlineKind: null,
        outcome: null,
        terminal: false,
        openedAt: new Date().toISOString(), // the workflow's own opening (workflow time) replaces the row at once
        openedBy: req.openedBy,
        version: 0,
      };
      try {
        // the row and the start together: a retry after a lost commit finds the row, and a started workflow is success
        await withTransaction(pool, async (tx) => {
          await cases.insertOpening(tx, row);
          await litigation().open({ ...req, caseNumber: row.caseNumber });
        });
      } catch (err) {
        if (!(err instanceof OpenCaseExists)) throw err;
        const other = await cases.openCaseOf(req.accountId);
        if (other) return { caseId: other.caseId, caseNumber: other.caseNumber };
        throw err; // it ended a moment ago: try again
      }
      return { caseId: row.caseId, caseNumber: row.caseNumber };
    },

    async tellCase({ caseId, money }) {
      try {
        await ctx().client.workflow.getHandle(litigationWorkflowId(caseId)).signal(caseMoneySignal, money);
      } catch (err) {
        if (!ended(err)) throw err;
      }
    },

    async tellEpisode({ accountId, signal }) {
      try {
        await ctx().client.workflow.getHandle(collectionWorkflowId(accountId)).signal(litigationCaseSignal, signal);
      } catch (err) {
        if (!ended(err)) throw err;
      }
    },

    async agreeCasePlan({ accountId, plan }) {
      try {
        const answer = await collection().agreeInstallments(accountId, plan);
        return answer ? { agreed: true } : { agreed: false, reason: 'the account has no open collection episode' };
      } catch (err) {
        if (err instanceof UpdateRefused) return { agreed: false, reason: err.message };
        throw err;
      }
    },

    async postCasePayment({ accountId, payment }) {
      const post = paymentService({ ledger: ledger(pool), collection: collection() });
      try {
        const answer = await post({ ...payment, accountId, channel: 'other' });
        return answer.result.applied === false ? { applied: false, reason: answer.result.reason ?? 'not applied' } : { applied: true };
      } catch (err) {
        // the episode refused it (another currency) or the same id came with other content: not retried
        if (err instanceof HttpError) return { applied: false, reason: err.message };
        throw err;
      }
    },
  };
}
