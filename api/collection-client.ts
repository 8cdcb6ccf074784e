// The one place that talks to the collection workflows from outside: enrol (signal-with-start),
// post a payment (update, for a synchronous answer), read the state (query), report a call outcome.
import { Client, WorkflowNotFoundError, WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import type { PaymentResult } from '../domain/episode/ledger';
import type { PromiseRequest, WriteOffRequest, PlanRequest, DisputeRequest, FeeAdjustment, ReviewDecisionRequest } from '../domain/episode/state';
import type { LateFeeView } from '../domain/episode/practice/late-fee';
import type { ReviewAnswer } from '../domain/episode/practice/review';
import type { PolicyMigrationRequest } from '../domain/episode/practice/policy-migration';
import type { PauseRequest, SkipRequest, SteeringAnswer, SteeringRequest } from '../domain/episode/practice/steering';
import type { AgencyReport } from '../domain/episode/state';
import type { DisputeResolution } from '../domain/episode/practice/dispute';
import type { SignalDefinition, UpdateDefinition } from '@temporalio/common';
import {
  addChargeSignal,
  agencyOutcomeSignal,
  emergencyRestoreUpdate,
  escalateEpisodeUpdate,
  pauseEpisodeUpdate,
  resumeEpisodeUpdate,
  skipRungUpdate,
  agreeInstallmentsUpdate,
  callOutcomeSignal,
  closeEpisodeSignal,
  contactPreferenceSignal,
  decideReviewUpdate,
  migratePolicyUpdate,
  waiveLateFeeUpdate,
  type ContactPreference,
  type PolicyMigrationAnswer,
  collectionStateQuery,
  collectionWorkflowId,
  openDisputeUpdate,
  postPaymentUpdate,
  promiseToPayUpdate,
  resolveDisputeUpdate,
  writeOffUpdate,
  wrongNumberSignal,
  restoredByHandSignal,
  type RestoredByHandSignal,
  type CallOutcomeSignal,
  type DisputeAnswer,
  type PromiseAnswer,
  type CollectionInput,
  EPISODE_ENDED,
} from '../workflows/messages';
import type { CollectionSnapshot } from '../domain/episode/snapshot';
import type { Bill, CollectionPolicy, EpisodeCustomer, Payment } from '../domain/policy/types';

export interface EnrolRequest {
  accountId: string;
  customer: EpisodeCustomer;
  /** The billing number on file changed with this bill (ADR 26; told to a running episode). */
  numberChanged?: boolean;
  bill: Bill;
  policy: CollectionPolicy;
}

export interface WorkflowRun {
  workflowId: string;
  runId: string;
  status: string;
  startTime: string;
}
export type RunHistory = Awaited<ReturnType<WorkflowHandle['fetchHistory']>>;

/** Raised when the episode's validator refused an update (payment, promise, dispute) — the API maps it to 422. */
export class UpdateRefused extends Error {}

export class CollectionClient {
  constructor(
    private readonly client: Client,
    private readonly taskQueue: string,
    /**
     * How long an update may wait for the episode's answer. An update waits for a worker, so with
     * no worker running it would wait for ever while the caller holds a connection and a row lock;
     * after this it fails as "not delivered" (a payment is then kept for the deliverer).
     */
    private readonly updateTimeoutMs = 10_000,
  ) {}

  /** Starts the account's episode, or adds the bill to the running one. Idempotent per bill id. */
  async enrol(req: EnrolRequest, extra: Partial<CollectionInput> = {}): Promise<{ workflowId: string; runId: string }> {
    const workflowId = collectionWorkflowId(req.accountId);
    const input: CollectionInput = {
      accountId: req.accountId,
      // bill ids are unique, so the first bill names the episode
      episodeId: req.bill.billId,
      policy: req.policy,
      customer: req.customer,
      firstBill: req.bill,
      ...extra,
    };
    const handle = await this.client.workflow.signalWithStart('collectionWorkflow', {
      workflowId,
      taskQueue: this.taskQueue,
      args: [input],
      signal: addChargeSignal,
      signalArgs: [{ bill: req.bill, customer: req.customer, ...(req.numberChanged ? { numberChanged: true } : {}) }],
    });
    return { workflowId, runId: handle.signaledRunId };
  }

  /** Applies a payment to the open episode; undefined when the account has no open episode. */
  postPayment(accountId: string, payment: Payment): Promise<PaymentResult | undefined> {
    // the payment id doubles as the update id, so a retried delivery is the same update
    return this.update(accountId, postPaymentUpdate, payment, `payment-${payment.paymentId}`);
  }

  /** Records a promise to pay; undefined when the account has no open episode. */
  promiseToPay(accountId: string, req: PromiseRequest): Promise<PromiseAnswer | undefined> {
    return this.update(accountId, promiseToPayUpdate, req, `promise-${req.promiseId}`);
  }

  openDispute(accountId: string, req: DisputeRequest): Promise<DisputeAnswer | undefined> {
    return this.update(accountId, openDisputeUpdate, req, `dispute-${req.disputeId}`);
  }

  resolveDispute(accountId: string, r: DisputeResolution): Promise<DisputeAnswer | undefined> {
    return this.update(accountId, resolveDisputeUpdate, r, `dispute-${r.disputeId}-resolution`);
  }

  writeOff(accountId: string, req: WriteOffRequest): Promise<{ writeOffId: string; amount: number; status: string } | undefined> {
    return this.update(accountId, writeOffUpdate, req, `write-off-${req.writeOffId}`);
  }

  agreeInstallments(accountId: string, req: PlanRequest): Promise<{ planId: string; status: string; restoring: boolean } | undefined> {
    return this.update(accountId, agreeInstallmentsUpdate, req, `plan-${req.planId}`);
  }

  migratePolicy(accountId: string, req: PolicyMigrationRequest): Promise<PolicyMigrationAnswer | undefined> {
    return this.update(accountId, migratePolicyUpdate, req, `policy-migration-${req.migrationId}`);
  }

  /** Waives part or all of the late fee; null when the episode's policy has no late fee. */
  waiveLateFee(accountId: string, adj: FeeAdjustment): Promise<LateFeeView | null | undefined> {
    return this.update(accountId, waiveLateFeeUpdate, adj, `late-fee-waiver-${adj.adjustmentId}`);
  }

  /** Tells the open episode to close; false when none is open. */
  closeEpisode(accountId: string, reason: string): Promise<boolean> {
    return this.signal(accountId, closeEpisodeSignal, { reason });
  }

  /** Sends the customer's contact preference to the open episode; false when none is open. */
  setContactPreference(accountId: string, pref: ContactPreference): Promise<boolean> {
    return this.signal(accountId, contactPreferenceSignal, pref);
  }

  /** Signals the account's running episode: false when none is running (a closed one is not started again). */
  private async signal<A>(accountId: string, def: SignalDefinition<[A]>, arg: A): Promise<boolean> {
    try {
      const handle = this.client.workflow.getHandle(collectionWorkflowId(accountId));
      await this.client.withDeadline(Date.now() + this.updateTimeoutMs, () => handle.signal(def, arg));
      return true;
    } catch (err) {
      if (err instanceof WorkflowNotFoundError || isClosedWorkflowError(err)) return false;
      throw err;
    }
  }

  /** A decision on a red-list review (a `manual_review` task). */
  decideReview(accountId: string, req: ReviewDecisionRequest, requestId: string): Promise<ReviewAnswer | undefined> {
    return this.update(accountId, decideReviewUpdate, req, `review-${requestId}`);
  }

  /** Steering by hand (issue 11): each request's id is its update id, so a retried request is the same update. */
  pause(accountId: string, req: PauseRequest): Promise<SteeringAnswer | undefined> {
    return this.update(accountId, pauseEpisodeUpdate, req, `steer-${req.requestId}`);
  }

  resume(accountId: string, req: SteeringRequest): Promise<SteeringAnswer | undefined> {
    return this.update(accountId, resumeEpisodeUpdate, req, `steer-${req.requestId}`);
  }

  escalate(accountId: string, req: SteeringRequest): Promise<SteeringAnswer | undefined> {
    return this.update(accountId, escalateEpisodeUpdate, req, `steer-${req.requestId}`);
  }

  skip(accountId: string, req: SkipRequest): Promise<SteeringAnswer | undefined> {
    return this.update(accountId, skipRungUpdate, req, `steer-${req.requestId}`);
  }

  emergencyRestore(accountId: string, req: SteeringRequest): Promise<SteeringAnswer | undefined> {
    return this.update(accountId, emergencyRestoreUpdate, req, `steer-${req.requestId}`);
  }

  /** The agency's outcome to the open episode; false when none is open. */
  recordAgencyOutcome(accountId: string, report: AgencyReport): Promise<boolean> {
    return this.signal(accountId, agencyOutcomeSignal, report);
  }

  /** Sends an update to the account's episode: undefined when none is open, `Refused` when its validator says no. */
  private async update<R, A>(accountId: string, def: UpdateDefinition<R, [A]>, arg: A, updateId: string): Promise<R | undefined> {
    try {
      const handle = this.client.workflow.getHandle(collectionWorkflowId(accountId));
      return await this.client.withDeadline(Date.now() + this.updateTimeoutMs, () => handle.executeUpdate(def, { args: [arg], updateId }));
    } catch (err) {
      if (err instanceof WorkflowNotFoundError || isClosedWorkflowError(err)) return undefined;
      if (err instanceof WorkflowUpdateFailedError) {
        // refused because the episode has just ended (its last activities still running): as if closed
        if (err.cause?.message === EPISODE_ENDED) return undefined;
        throw new UpdateRefused(err.cause?.message ?? err.message);
      }
      throw err;
    }
  }

  /** The episode's state, or undefined when the account was never enrolled. */
  async state(accountId: string, asOf: number = Date.now()): Promise<CollectionSnapshot | undefined> {
    try {
      return await this.client.workflow.getHandle(collectionWorkflowId(accountId)).query(collectionStateQuery, asOf);
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return undefined;
      throw err;
    }
  }

  /**
   * The state of an episode of this account that ended after `since` and applied `paymentId`, if
   * any: for a payment whose earlier delivery may have reached the episode although its answer
   * was lost. Re-sending it would be recognised by the same episode, but not by a later one.
   */
  async endedEpisodeWithPayment(accountId: string, paymentId: string, since: Date): Promise<CollectionSnapshot | undefined> {
    const workflowId = collectionWorkflowId(accountId);
    const runs = this.client.workflow.list({
      query: `WorkflowId = '${workflowId}' AND ExecutionStatus != 'Running' AND CloseTime >= '${since.toISOString()}'`,
    });
    for await (const run of runs) {
      const state = await this.client.workflow.getHandle(workflowId, run.runId).query(collectionStateQuery);
      if (state.payments.some((p) => p.paymentId === paymentId)) return state;
    }
    return undefined;
  }

  /**
   * The state of the account's latest episode if its workflow has ended (undefined while it runs or
   * when the account was never enrolled): what an ended episode left, e.g. an overpayment's credit.
   */
  async endedState(accountId: string): Promise<CollectionSnapshot | undefined> {
    try {
      const handle = this.client.workflow.getHandle(collectionWorkflowId(accountId));
      const description = await handle.describe();
      if (description.status.name === 'RUNNING') return undefined;
      return await handle.query(collectionStateQuery);
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return undefined;
      throw err;
    }
  }

  /**
   * Every run of a workflow id, newest first as visibility lists them: each episode of an account
   * and each continue-as-new run of an episode (the timeline reads their histories).
   */
  async runsOf(workflowId: string, max = 200): Promise<WorkflowRun[]> {
    const runs: WorkflowRun[] = [];
    for await (const run of this.client.workflow.list({ query: `WorkflowId = '${workflowId.replace(/'/g, '')}'` })) {
      runs.push({ workflowId: run.workflowId, runId: run.runId, status: run.status.name, startTime: run.startTime.toISOString() });
      if (runs.length >= max) break;
    }
    return runs;
  }

  /** The event history of one run (any workflow id: an episode's or a litigation case's). */
  runHistory(workflowId: string, runId: string): Promise<RunHistory> {
    return this.client.workflow.getHandle(workflowId, runId).fetchHistory();
  }

  /** Operations restored the line by hand (a `restoration` task): false when the episode no longer runs. */
  recordRestoredByHand(accountId: string, sig: RestoredByHandSignal): Promise<boolean> {
    return this.signal(accountId, restoredByHandSignal, sig);
  }

  async reportWrongNumber(accountId: string, stepId: string): Promise<void> {
    await this.client.workflow.getHandle(collectionWorkflowId(accountId)).signal(wrongNumberSignal, { stepId });
  }

  async recordCallOutcome(accountId: string, outcome: CallOutcomeSignal): Promise<void> {
    await this.client.workflow.getHandle(collectionWorkflowId(accountId)).signal(callOutcomeSignal, outcome);
  }
}

function isClosedWorkflowError(err: unknown): boolean {
  const cause = err instanceof Error ? err.cause : undefined;
  const message = err instanceof Error ? `${err.message} ${cause instanceof Error ? cause.message : typeof cause === 'string' ? cause : ''}` : '';
  return /workflow execution already completed|already completed|not found/i.test(message);
}
