// Money nobody can place (issue 11): a payment kept while its account had no open episode is
// handed to the next episode's start (the workflow input carries it, so it is applied before any
// rung is planned and the customer is never chased for it); ops can move one to the right account;
// an ended episode's overpayment becomes the account's credit, carried into its next episode.
import type { Pool } from 'pg';
import { withTransaction } from '../../db/pool';
import type { Ledger } from '../../db/stores/ledger';
import type { OpeningPayment, UnappliedMoney } from '../../db/stores/unapplied-money';
import type { CollectionSnapshot } from '../../domain/episode/snapshot';
import type { OpeningCredit } from '../../domain/episode/state';
import type { CollectionClient } from '../collection-client';
import { conflict, notFound } from '../errors';
import type { PaymentOutcome } from '../openapi/responses';
import type { PaymentReassignBody } from '../schemas/requests';
import { deliverPayment, rejectedAnswer } from './payments';

export interface ReassignAnswer {
  paymentId: string;
  fromAccountId: string;
  accountId: string;
  status: 'applied' | 'unapplied' | 'pending';
  result: PaymentOutcome | null;
}

/** What a new episode starts with: the account's early payments and its credit (at most the first bill). */
export interface Opening {
  openingPayments?: OpeningPayment[];
  openingCredit?: OpeningCredit;
  /** The credit as taken off the account once the episode holds it. */
  credit?: { creditId: string; amount: number; currency: string };
}

export function moneyService(deps: { pool: Pool; money: UnappliedMoney; ledger: Ledger; collection: CollectionClient; onPending?: () => void }) {
  /** An ended episode of the account that was paid with more than it owed leaves that much credit. */
  async function keepOverpayment(accountId: string): Promise<void> {
    const ended = await deps.collection.endedState(accountId);
    if (ended) await recordCreditOf(ended);
  }

  async function recordCreditOf(s: CollectionSnapshot): Promise<void> {
    if (s.status === 'paid' && s.balance < 0) await deps.money.recordOverpayment(s.accountId, s.episodeId, -s.balance, s.currency);
  }

  return {
    keepOverpayment,

    /** Before a bill starts an episode: what it carries in (claimed for `episodeId`). */
    async openingFor(accountId: string, episodeId: string, bill: { amount: number; currency: string }): Promise<Opening> {
      await keepOverpayment(accountId);
      const { payments, credit } = await deps.money.claimOpening(accountId, episodeId, bill.currency);
      // The credit goes to the first bill, no further: what is left stays on the account.
      const use = Math.min(credit, bill.amount);
      const creditId = `opening-credit:${episodeId}`;
      return {
        ...(payments.length ? { openingPayments: payments } : {}),
        ...(use > 0 ? { openingCredit: { creditId, amount: use }, credit: { creditId, amount: use, currency: bill.currency } } : {}),
      };
    },

    /**
     * After the start: the episode's own state says what it took. Payments it holds are applied
     * (with its id), the others (and any kept since the claim) go to the outbox, whose deliverer
     * applies them to a running episode; the credit it holds is taken off the account.
     */
    async confirmOpening(accountId: string, episodeId: string, currency: string, opening: Opening): Promise<void> {
      // nothing carried in, and no payment kept since the claim: nothing to confirm
      if (!opening.openingPayments && !opening.credit && !(await deps.money.hasUnclaimed(accountId, currency))) return;
      const state = await deps.collection.state(accountId);
      if (!state) throw new Error(`episode of ${accountId} not found right after its start`);
      const ours = state.episodeId === episodeId;
      const { released } = await deps.money.confirmOpening({
        accountId,
        claimedFor: episodeId,
        currency,
        episode: {
          episodeId: state.episodeId,
          balance: state.balance,
          status: state.status,
          service: state.service,
          paymentIds: state.payments.map((p) => p.paymentId),
          // the start input (and so its credit) was used only if this start made the episode
          creditIds: ours && opening.credit ? [opening.credit.creditId] : [],
        },
        ...(opening.credit ? { credit: opening.credit } : {}),
      });
      if (released.length) deps.onPending?.();
    },

    async list(q: { limit: number; cursor?: string; accountId?: string }) {
      return deps.money.list(q);
    },

    /** Moves an unapplied payment (audited in the same transaction), applying it if the account has an open episode. */
    async reassign(
      paymentId: string,
      body: PaymentReassignBody,
      actor: string,
      audit: (tx: import('pg').PoolClient, status: number, outcome: string) => Promise<void>,
    ): Promise<ReassignAnswer> {
      const answer = await withTransaction(deps.pool, async (tx) => {
        const moved = await deps.money.moveUnapplied(tx, { paymentId, toAccount: body.accountId, reason: body.reason, actor });
        if (moved.kind === 'not_found') throw notFound(`no payment ${paymentId}`);
        if (moved.kind === 'not_unapplied') throw conflict(`payment ${paymentId} is not unapplied: ${moved.state}`);
        const p = moved.payment;
        // attempts 0: the new account's episodes never saw this payment
        const delivery = await deliverPayment(deps, tx, { ...p, attempts: 0 });
        let a: ReassignAnswer;
        if (delivery.kind === 'answered') {
          const applied = delivery.result.applied === true;
          if (applied) {
            const state = await deps.collection.state(p.accountId);
            if (state) await deps.money.noteAppliedBy(tx, paymentId, state.episodeId);
          }
          a = { paymentId, fromAccountId: moved.from, accountId: p.accountId, status: applied ? 'applied' : 'unapplied', result: delivery.result };
        } else if (delivery.kind === 'refused') {
          const result = rejectedAnswer(p, delivery.reason);
          await deps.ledger.storePaymentResult(tx, paymentId, result, false);
          a = { paymentId, fromAccountId: moved.from, accountId: p.accountId, status: 'unapplied', result };
        } else {
          a = { paymentId, fromAccountId: moved.from, accountId: p.accountId, status: 'pending', result: null };
        }
        await audit(tx, 200, `moved from ${moved.from}: ${a.status}`);
        return a;
      });
      if (answer.status === 'pending') deps.onPending?.();
      return answer;
    },
  };
}

export type MoneyService = ReturnType<typeof moneyService>;
