// The work queues: staff claim a task the ladder created, release it, or complete it with an
// outcome that goes into the task's episode (a call answered or not, a promise, a dispute, a review's
// resolution). Each change holds the task's row lock from the check to the write, so two people
// never both complete it; a completion re-sent with the same body answers the stored answer, a
// different one is a conflict.
import { WorkflowNotFoundError } from '@temporalio/client';
import type { Pool, PoolClient } from 'pg';
import { createHash } from 'node:crypto';
import { withTransaction } from '../../db/pool';
import { taskView, workTasks, type StoredTask, type TaskFilter, type TaskQueue, type TaskRow } from '../../db/stores/work-tasks';
import type { ReviewAnswer } from '../../domain/episode/practice/review';
import type { DisputeAnswer, PromiseAnswer } from '../../workflows/messages';
import { UpdateRefused, type CollectionClient } from '../collection-client';
import { conflict, notFound, unprocessable } from '../errors';
import type { Caller } from '../routes/mount';
import type { TaskCompletion } from '../schemas/requests';
import { requestHash } from './request-hash';

export interface TaskCompletionAnswer {
  task: TaskRow;
  /** False when the outcome is kept on the task only: its episode is no longer open, or nothing goes to it (`find_contact`). */
  delivered: boolean;
  /** The task a wrong number opened: find a new contact. */
  followUp?: string;
  promise?: PromiseAnswer;
  dispute?: DisputeAnswer;
  review?: ReviewAnswer;
}

type Outcome = TaskCompletion['outcome'];

/** Which outcomes close a task of each queue (the others are refused with 422). */
export const OUTCOMES_BY_QUEUE: Record<TaskQueue, readonly Outcome[]> = {
  manual_call: ['reached', 'no_answer', 'promised', 'refused', 'dispute_raised', 'wrong_number'],
  field_visit: ['reached', 'visited_not_home', 'promised', 'refused', 'dispute_raised', 'paid_on_site'],
  dispute_review: ['resolved'],
  bill_review: ['resolved'],
  manual_review: ['approve', 'reject'],
  // Made by a restoration the network refused or did not confirm in time (issue 11): done by hand.
  restoration: ['restored'],
  // Made by a wrong number; the new number itself reaches the episode from billing (the customer's phone on a bill).
  find_contact: ['contact_found', 'contact_not_found'],
};

/** Did the customer pick up (or open the door)? What the ladder counts as an answered call. */
const ANSWERED: Record<Outcome, boolean> = {
  reached: true,
  no_answer: false,
  promised: true,
  refused: true,
  dispute_raised: true,
  visited_not_home: false,
  paid_on_site: true,
  resolved: true,
  wrong_number: false,
  contact_found: false,
  contact_not_found: false,
  approve: true,
  reject: true,
  restored: false,
};

/** An id the episode accepts (idSchema: 1–64 of [A-Za-z0-9._:-]) derived from the task, so a retry is the same promise or dispute. */
export function derivedId(prefix: string, taskId: string): string {
  return `${prefix}-${createHash('sha256').update(taskId).digest('hex').slice(0, 24)}`;
}

export interface TaskServiceDeps {
  pool: Pool;
  collection: CollectionClient;
}

type AuditIn = (tx: PoolClient, status: number, outcome: string, accountId?: string) => Promise<void>;

export function taskService({ pool, collection }: TaskServiceDeps) {
  const tasks = workTasks(pool);

  async function locked(tx: PoolClient, taskId: string): Promise<StoredTask> {
    const t = await tasks.get(tx, taskId, true);
    if (!t) throw notFound(`no task ${taskId}`);
    return t;
  }

  /** Delivers the outcome to the task's episode, if that episode is still the account's open one. */
  async function deliver(t: StoredTask, c: TaskCompletion, actor: string): Promise<Omit<TaskCompletionAnswer, 'task'>> {
    if (t.queue === 'find_contact') return { delivered: false }; // kept on the task: the new number comes from billing
    if (t.queue === 'restoration') {
      // The episode is paid by now (or steered): only that it still runs and is the task's episode matters.
      const running = await collection.state(t.accountId);
      if (!running || running.episodeId !== t.episodeId) return { delivered: false };
      return { delivered: await collection.recordRestoredByHand(t.accountId, { taskId: t.taskId, by: actor }) };
    }
    const state = await collection.state(t.accountId);
    if (!state || state.episodeId !== t.episodeId || state.status !== 'open') return { delivered: false };
    const source = `${t.queue === 'field_visit' ? 'visit' : 'call'}:${t.taskId}`;
    const refused = (what: string) => (err: unknown) => {
      throw err instanceof UpdateRefused ? unprocessable(`${what} refused by the episode: ${err.message}`) : err;
    };
    const answer: Omit<TaskCompletionAnswer, 'task'> = { delivered: true };
    if (c.outcome === 'resolved') {
      const disputeId = typeof t.detail['disputeId'] === 'string' ? t.detail['disputeId'] : undefined;
      if (!disputeId) throw unprocessable(`task ${t.taskId} names no dispute`);
      const dispute = await collection
        .resolveDispute(t.accountId, { disputeId, upheld: c.upheld, ...(c.note ? { note: c.note } : {}) })
        .catch(refused('resolution'));
      return dispute ? { delivered: true, dispute } : { delivered: false };
    }
    if (c.outcome === 'approve' || c.outcome === 'reject') {
      const decision = { stepId: t.stepId, approve: c.outcome === 'approve', ...(c.outcome === 'reject' ? { reason: c.reason } : {}), decidedBy: actor };
      const review = await collection.decideReview(t.accountId, decision, derivedId(c.outcome, t.taskId)).catch(refused('review decision'));
      return review ? { delivered: true, review } : { delivered: false };
    }
    // The update first: if the episode refuses it, nothing is recorded and the caller may correct it.
    if (c.outcome === 'promised') {
      const promise = await collection
        .promiseToPay(t.accountId, { promiseId: derivedId('task', t.taskId), date: c.date, ...(c.amount !== undefined ? { amount: c.amount } : {}), source })
        .catch(refused('promise'));
      if (!promise) return { delivered: false };
      answer.promise = promise;
    }
    if (c.outcome === 'dispute_raised') {
      const dispute = await collection
        .openDispute(t.accountId, { disputeId: derivedId('task', t.taskId), amount: c.amount, reason: c.reason, ...(c.billId ? { billId: c.billId } : {}) })
        .catch(refused('dispute'));
      if (!dispute) return { delivered: false };
      answer.dispute = dispute;
    }
    if (c.outcome === 'wrong_number') {
      // Reminders and calls to the number stop (the episode keeps which number it was); the call counts as not answered.
      try {
        await collection.reportWrongNumber(t.accountId, t.stepId);
      } catch (err) {
        if (err instanceof WorkflowNotFoundError || /already completed/i.test(err instanceof Error ? err.message : '')) return { delivered: false };
        throw err;
      }
      return answer;
    }
    if (t.queue === 'manual_call' || t.queue === 'field_visit') {
      // Answered calls are kept per rung (recording one twice is harmless); a call not answered
      // stays unanswered, and three of them bring the field visit forward. No free text goes to the
      // workflow history: the note stays on the task.
      try {
        await collection.recordCallOutcome(t.accountId, { stepId: t.stepId, answered: ANSWERED[c.outcome], note: c.outcome });
      } catch (err) {
        if (err instanceof WorkflowNotFoundError || /already completed/i.test(err instanceof Error ? err.message : '')) return { delivered: false };
        throw err;
      }
    }
    return answer;
  }

  return {
    list: (f: TaskFilter) => tasks.list(f),

    async claim(taskId: string, caller: Caller, auditIn: AuditIn): Promise<TaskRow> {
      return withTransaction(pool, async (tx) => {
        const t = await locked(tx, taskId);
        if (t.status === 'done') throw conflict(`task ${taskId} is done`);
        if (t.status === 'claimed' && t.claimedBy !== caller.actor) throw conflict(`task ${taskId} is claimed by someone else`);
        const claimed = t.status === 'claimed' ? t : await tasks.claim(tx, taskId, caller.actor);
        await auditIn(tx, 200, t.status === 'claimed' ? 'task already claimed by the caller' : 'task claimed', t.accountId);
        return taskView(claimed);
      });
    },

    /** The holder gives the task back to the queue (admin may release anyone's claim). */
    async release(taskId: string, caller: Caller, auditIn: AuditIn): Promise<TaskRow> {
      return withTransaction(pool, async (tx) => {
        const t = await locked(tx, taskId);
        if (t.status === 'done') throw conflict(`task ${taskId} is done`);
        if (t.status === 'claimed' && t.claimedBy !== caller.actor && !caller.roles.includes('admin'))
          throw conflict(`task ${taskId} is claimed by someone else`);
        const released = t.status === 'open' ? t : await tasks.release(tx, taskId);
        await auditIn(tx, 200, t.status === 'open' ? 'task already open' : 'task released', t.accountId);
        return taskView(released);
      });
    },

    /** 201 with the answer; 200 with the same answer for a re-send of the same completion. */
    async complete(taskId: string, c: TaskCompletion, caller: Caller, auditIn: AuditIn): Promise<{ status: 200 | 201; body: TaskCompletionAnswer }> {
      const hash = requestHash(c);
      return withTransaction(pool, async (tx) => {
        const t = await locked(tx, taskId);
        if (t.status === 'done') {
          if (t.outcomeHash !== hash) throw conflict(`task ${taskId} was completed with another outcome`);
          await auditIn(tx, 200, 'task completion re-sent', t.accountId);
          return { status: 200, body: t.answer as TaskCompletionAnswer };
        }
        if (t.status === 'claimed' && t.claimedBy !== caller.actor) throw conflict(`task ${taskId} is claimed by someone else`);
        if (!OUTCOMES_BY_QUEUE[t.queue].includes(c.outcome)) {
          const allowed = OUTCOMES_BY_QUEUE[t.queue];
          throw unprocessable(
            `a ${t.queue} task cannot end ${c.outcome}; ${allowed.length ? `it ends ${allowed.join(', ')}` : 'it cannot be completed through the queue yet'}`,
          );
        }
        const delivered = await deliver(t, c, caller.actor);
        const done = await tasks.complete(tx, taskId, { actor: caller.actor, outcome: c, outcomeHash: hash });
        let followUp: string | undefined;
        if (c.outcome === 'wrong_number') {
          followUp = `${taskId}/find-contact`;
          await tasks.openFollowUp(tx, {
            taskId: followUp,
            queue: 'find_contact',
            accountId: t.accountId,
            episodeId: t.episodeId,
            stepId: t.stepId,
            detail: { reason: 'wrong_number', from: taskId },
          });
        }
        const body: TaskCompletionAnswer = { task: taskView(done), ...delivered, ...(followUp ? { followUp } : {}) };
        await tasks.saveAnswer(tx, taskId, body);
        await auditIn(tx, 201, `task ${c.outcome}${delivered.delivered ? '' : ' (episode closed: not delivered)'}`, t.accountId);
        return { status: 201, body };
      });
    },
  };
}
