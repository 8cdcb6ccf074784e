// Opening a litigation case by hand: the account must have a collection episode that has not
// ended (checked with the episode's state query); at most one open case per account (the table's
// partial unique index, in the same transaction as the workflow's start and the audit row).
import type { Pool, PoolClient } from 'pg';
import { withTransaction } from '../../db/pool';
import { OpenCaseExists, type LitigationCaseRow, type LitigationCaseStore } from '../../db/stores/litigation-cases';
import { litigationWorkflowId } from '../../workflows/litigation-messages';
import type { CollectionClient } from '../collection-client';
import { conflict, notFound, unavailable, unprocessable } from '../errors';
import type { LitigationClient } from '../litigation-client';

export interface OpenCaseInput {
  caseId: string;
  accountId: string;
  caseNumber?: string;
}

export interface LegalCasesDeps {
  pool: Pool;
  cases: LitigationCaseStore;
  collection: CollectionClient;
  litigation: LitigationClient | undefined;
}

/** Episodes a case may be opened for: open, in legal, or written off (账销案存: the case is kept). */
const LITIGABLE = ['open', 'legal', 'written_off'];

export function legalCasesService(deps: LegalCasesDeps) {
  const litigation = (): LitigationClient => {
    if (!deps.litigation) throw unavailable('the litigation workflows are not configured in this process');
    return deps.litigation;
  };

  /** The workflow of a case id that exists must be this account's (a re-send, or a start whose commit was lost). */
  async function ensureStarted(row: LitigationCaseRow): Promise<void> {
    const started = await litigation().open({
      caseId: row.caseId,
      caseNumber: row.caseNumber,
      accountId: row.accountId,
      episodeId: row.episodeId,
      currency: row.currency,
      principal: row.principal,
      openedBy: row.openedBy,
    });
    if (started) return;
    const view = await litigation().state(row.caseId);
    if (view && view.accountId !== row.accountId) throw conflict(`case id ${row.caseId} names another account's case`);
  }

  return {
    async open(
      input: OpenCaseInput,
      actor: string,
      audit: (tx: PoolClient, status: number, outcome: string) => Promise<void>,
    ): Promise<{ status: 200 | 201; row: LitigationCaseRow }> {
      const known = await deps.cases.get(input.caseId);
      if (known) {
        if (known.accountId !== input.accountId) throw conflict(`case id ${input.caseId} names another account's case`);
        await ensureStarted(known);
        return { status: 200, row: (await deps.cases.get(input.caseId)) ?? known };
      }
      const episode = await deps.collection.state(input.accountId);
      if (!episode) throw notFound(`account ${input.accountId} has no collection episode`);
      if (!LITIGABLE.includes(episode.status)) throw unprocessable(`the episode of account ${input.accountId} is ${episode.status}: no case can be opened`);
      const row: LitigationCaseRow = {
        caseId: input.caseId,
        caseNumber: input.caseNumber ?? `LC-${input.caseId}`,
        accountId: input.accountId,
        episodeId: episode.episodeId,
        workflowId: litigationWorkflowId(input.caseId),
        state: 'referred',
        court: null,
        procedure: null,
        courtCaseNumber: null,
        currency: episode.currency,
        principal: episode.balance,
        nextDeadline: null,
        nextDeadlineKind: null,
        outcome: null,
        terminal: false,
        openedAt: new Date().toISOString(),
        openedBy: actor,
        version: 0,
      };
      try {
        const inserted = await withTransaction(deps.pool, async (tx) => {
          if (!(await deps.cases.insertOpening(tx, row))) return false;
          await ensureStarted(row);
          await audit(tx, 201, `case ${row.caseId} opened`);
          return true;
        });
        if (!inserted) return this.open(input, actor, audit); // the same case id, opened a moment ago
      } catch (err) {
        if (!(err instanceof OpenCaseExists)) throw err;
        const open = await deps.cases.openCaseOf(input.accountId);
        throw conflict(`account ${input.accountId} has an open case already${open ? `: ${open.caseId}` : ''}`);
      }
      return { status: 201, row };
    },

    litigation,
  };
}
