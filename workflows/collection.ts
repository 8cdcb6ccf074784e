// The collection episode: one workflow per overdue account. It reads like the seeds' procedure:
// decide the next rung → sleep until it (or until a payment/charge changes things) → take it →
// record. Policy decisions live in ./policy/engine, money rules in ./episode, I/O in activities.
import {
  ActivityFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  proxyActivities,
  setHandler,
  sleep,
  workflowInfo,
} from '@temporalio/workflow';
import type { UpdateDefinition } from '@temporalio/common';
import type { CollectionActivities } from '../activities';
import {
  actionKey,
  addCharge,
  applyPayment,
  balanceOf,
  newEpisode,
  paymentProblem,
  recordCallOutcome,
  recordRestored,
  recordStep,
  upgradeCarried,
  type EpisodeState,
} from './episode';
import { disputeProblem, flagIfAbnormal, openDispute, resolutionProblem, resolveDispute, type Dispute } from './dispute';
import { writeOff, writeOffProblem } from './write-off';
import { migratePolicy, migrationProblem } from './policy-migration';
import { agreePlan, checkPlan, planProblem, settlePlanOnPayment, type InstallmentPlan } from './installments';
import { adjustmentProblem, lateFee, waiveLateFee } from './late-fee';
import { activePromise, breakPromise, makePromise, promiseProblem, settlePromiseOnPayment } from './promise';
import {
  addChargeSignal,
  agencyOutcomeSignal,
  agreeInstallmentsUpdate,
  callOutcomeSignal,
  migratePolicyUpdate,
  closeEpisodeSignal,
  collectionStateQuery,
  contactPreferenceSignal,
  openDisputeUpdate,
  postPaymentUpdate,
  promiseToPayUpdate,
  resolveDisputeUpdate,
  waiveLateFeeUpdate,
  writeOffUpdate,
  type CollectionInput,
  type DisputeAnswer,
  type EpisodeOutcome,
  type StepOutcome,
  type StepRequest,
} from './messages';
import { stoppedByOptOut } from './policy/contact-rules';
import type { PlannedStep } from './policy/engine';
import { nextMove } from './next-move';
import type { LadderAction } from './policy/types';
import { snapshotOf } from './snapshot';

// Ladder rungs: retried for about two hours, then recorded as failed (with an alert) so one broken
// gateway does not freeze the ladder forever.
const ladder = proxyActivities<CollectionActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '10 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes', maximumAttempts: 16 },
});

// Restoration retries until it is done: the customer has paid (art. 34, and our 24 h promise).
const restoration = proxyActivities<CollectionActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' }, // no maximumAttempts: unlimited
});

const records = proxyActivities<CollectionActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

/** The activities that take a rung: StepRequest in, StepOutcome out. */
type StepActivity = {
  [K in keyof CollectionActivities]: CollectionActivities[K] extends (req: StepRequest) => Promise<StepOutcome> ? K : never;
}[keyof CollectionActivities];

const ACTIVITY_FOR: Record<LadderAction, StepActivity> = {
  sms: 'sendSms',
  voice: 'placeVoiceReminder',
  manual_call: 'createCallTask',
  field_visit: 'dispatchFieldVisit',
  suspend_outgoing: 'changeServiceState',
  suspend_full: 'changeServiceState',
  deregister: 'changeServiceState',
  demand_letter: 'sendDemandLetter',
  legal_referral: 'referToLegal',
  agency_referral: 'referToAgency',
  manual_review: 'createReviewTask',
};

const DEFAULT_CONTINUE_AS_NEW_AFTER = 2_000;

export async function collectionWorkflow(input: CollectionInput): Promise<EpisodeOutcome> {
  const state: EpisodeState = input.carried ? upgradeCarried(input.carried) : newEpisode(input);

  if (!input.carried) flagIfAbnormal(state, input.firstBill, Date.now());
  installHandlers(state);

  for (;;) {
    if (state.restoration) {
      await restoreService(state);
      continue;
    }
    // Registers first, so a promise kept or a dispute upheld by the final payment is recorded too.
    if (await recordChangedRegister(state)) continue;
    if (state.status === 'paid' || state.status === 'closed') break;
    if (historyIsLong(input)) {
      await condition(allHandlersFinished);
      await continueAsNew<typeof collectionWorkflow>({ ...input, carried: state });
    }

    const revision = state.revision;
    const changed = () => state.revision !== revision;
    const move = nextMove(state, Date.now());
    if (!move) {
      // Nothing to plan (ladder done, handed to legal, written off, held by a dispute): wait for a change.
      await condition(changed);
    } else if (move.at > Date.now()) {
      await condition(changed, move.at - Date.now());
    } else if (move.kind === 'installment_check') {
      checkPlan(state, Date.now());
    } else if (move.kind === 'promise_reminder') {
      await remindOfPromise(state);
    } else if (move.kind === 'promise_expiry') {
      breakPromise(state);
    } else {
      await takeStep(state, move.plan);
    }
  }

  await condition(allHandlersFinished);
  const fee = lateFee(state, Date.now());
  return {
    status: state.status,
    service: state.service,
    balance: balanceOf(state),
    currency: state.currency,
    ...(fee ? { lateFeeDue: fee.due } : {}),
  };
}

async function remindOfPromise(state: EpisodeState): Promise<void> {
  const promise = activePromise(state)!;
  const at = Date.now();
  if (state.optedOut && stoppedByOptOut(state.policy, 'promise_reminder')) {
    recordStep(state, { stepId: 'promise-reminder', action: 'promise_reminder', at, outcome: 'skipped', reason: 'customer opted out of reminders' });
    promise.reminded = true;
    return;
  }
  const key = `${state.accountId}/${state.episodeId}/promise/${promise.promiseId}/reminder`;
  const request = { ...stepRequest(state, 'promise-reminder', 'promise_reminder', key), promisedDate: promise.date, promisedAmount: promise.due };
  try {
    const result = await ladder.sendPromiseReminder(request);
    recordStep(state, { stepId: 'promise-reminder', action: 'promise_reminder', at, outcome: result.outcome, ...(result.reason ? { reason: result.reason } : {}) });
  } catch (err) {
    if (!(err instanceof ActivityFailure)) throw err;
    recordStep(state, { stepId: 'promise-reminder', action: 'promise_reminder', at, outcome: 'failed', reason: err.cause?.message ?? err.message });
  }
  promise.reminded = true;
}

async function recordPlan(state: EpisodeState, plan: InstallmentPlan): Promise<void> {
  const status = plan.status;
  await records.recordInstallmentPlan({
    accountId: state.accountId,
    episodeId: state.episodeId,
    planId: plan.planId,
    installments: plan.installments,
    currency: state.currency,
    source: plan.source,
    status,
  });
  plan.recorded = status;
}

function refuseIf(problem: string | undefined): void {
  if (problem) throw new Error(problem);
}

function disputeAnswer(state: EpisodeState, d: Dispute): DisputeAnswer {
  return { disputeId: d.disputeId, kind: d.kind, amount: d.amount, status: d.status, balance: balanceOf(state), episodeStatus: state.status };
}

/** Writes disputes whose status changed to PostgreSQL; a new one also opens a review task for staff. */
async function recordDisputes(state: EpisodeState): Promise<void> {
  for (const d of (state.disputes ?? []).filter((x) => x.recorded !== x.status)) {
    const status = d.status;
    await records.recordDispute({
      key: `${state.accountId}/${state.episodeId}/dispute/${d.disputeId}`,
      accountId: state.accountId,
      episodeId: state.episodeId,
      disputeId: d.disputeId,
      kind: d.kind,
      ...(d.billId ? { billId: d.billId } : {}),
      amount: d.amount,
      currency: state.currency,
      reason: d.reason,
      status,
    });
    d.recorded = status;
  }
}

/** Writes promises whose status changed to PostgreSQL (the promise register operations reads). */
async function recordPromises(state: EpisodeState): Promise<void> {
  for (const p of state.promises.filter((x) => x.recorded !== x.status)) {
    const status = p.status;
    await records.recordPromise({
      key: `${state.accountId}/${state.episodeId}/promise/${p.promiseId}`,
      accountId: state.accountId,
      episodeId: state.episodeId,
      promiseId: p.promiseId,
      date: p.date,
      amount: p.due,
      currency: state.currency,
      source: p.source,
      status,
    });
    p.recorded = status;
  }
}

/** An update's argument type. setHandler types `options.validator` with an `Args` it cannot infer (any[]), so validators name it. */
type ArgOf<D> = D extends UpdateDefinition<unknown, [infer A]> ? A : never;

/** Signals, updates and the query: each validates with the pure rule, then applies it to the state. */
function installHandlers(state: EpisodeState): void {
  setHandler(addChargeSignal, ({ bill, customer }) => {
    if (customer) state.customer = customer;
    if (addCharge(state, bill).outcome === 'added') flagIfAbnormal(state, bill, Date.now());
  });
  setHandler(
    openDisputeUpdate,
    (req) => disputeAnswer(state, openDispute(state, req, Date.now())),
    { validator: (req: ArgOf<typeof openDisputeUpdate>) => refuseIf(disputeProblem(state, req)) },
  );
  setHandler(
    resolveDisputeUpdate,
    (r) => disputeAnswer(state, resolveDispute(state, r, Date.now())),
    { validator: (r: ArgOf<typeof resolveDisputeUpdate>) => refuseIf(resolutionProblem(state, r)) },
  );
  setHandler(
    postPaymentUpdate,
    (payment) => {
      const result = applyPayment(state, payment, Date.now());
      settlePromiseOnPayment(state);
      settlePlanOnPayment(state);
      return result;
    },
    { validator: (payment: ArgOf<typeof postPaymentUpdate>) => refuseIf(paymentProblem(state, payment)) },
  );
  setHandler(
    promiseToPayUpdate,
    (req) => {
      const p = makePromise(state, req, Date.now());
      return { promiseId: p.promiseId, date: p.date, due: p.due, status: p.status };
    },
    { validator: (req: ArgOf<typeof promiseToPayUpdate>) => refuseIf(promiseProblem(state, req, Date.now())) },
  );
  setHandler(
    waiveLateFeeUpdate,
    (adj) => {
      waiveLateFee(state, adj);
      return lateFee(state, Date.now()) ?? null;
    },
    { validator: (adj: ArgOf<typeof waiveLateFeeUpdate>) => refuseIf(adjustmentProblem(state, adj, Date.now())) },
  );
  setHandler(
    writeOffUpdate,
    (req) => {
      const wo = writeOff(state, req, Date.now());
      return { writeOffId: wo.writeOffId, amount: wo.amount, status: state.status };
    },
    { validator: (req: ArgOf<typeof writeOffUpdate>) => refuseIf(writeOffProblem(state, req)) },
  );
  setHandler(
    agreeInstallmentsUpdate,
    (req) => {
      const plan = agreePlan(state, req, Date.now());
      return { planId: plan.planId, status: plan.status, restoring: state.restoration !== undefined };
    },
    { validator: (req: ArgOf<typeof agreeInstallmentsUpdate>) => refuseIf(planProblem(state, req, Date.now())) },
  );
  setHandler(
    migratePolicyUpdate,
    (req) => {
      const m = migratePolicy(state, req, Date.now());
      return { migrationId: m.migrationId, from: m.from, to: m.to };
    },
    { validator: (req: ArgOf<typeof migratePolicyUpdate>) => refuseIf(migrationProblem(state, req)) },
  );
  setHandler(agencyOutcomeSignal, ({ outcome, note }) => {
    state.agencyOutcome = { outcome, ...(note ? { note } : {}), at: Date.now() };
    state.revision++;
  });
  setHandler(contactPreferenceSignal, ({ optOut }) => {
    state.optedOut = optOut;
    state.revision++;
  });
  setHandler(callOutcomeSignal, ({ stepId, answered }) => recordCallOutcome(state, stepId, answered));
  setHandler(closeEpisodeSignal, () => {
    if (state.status === 'legal' || state.status === 'open' || state.status === 'written_off') state.status = 'closed';
    state.revision++;
  });
  setHandler(collectionStateQuery, (asOf) => snapshotOf(state, Date.now(), asOf));
}

/**
 * Writes one kind of register entry whose status changed (promises, disputes, policy migrations,
 * the installment plan, the write-off) to PostgreSQL; false when all are recorded. One kind per
 * call, in a fixed order, so the loop's commands stay the same across versions.
 */
async function recordChangedRegister(state: EpisodeState): Promise<boolean> {
  if (state.promises.some((p) => p.recorded !== p.status)) {
    await recordPromises(state);
    return true;
  }
  if ((state.disputes ?? []).some((d) => d.recorded !== d.status)) {
    await recordDisputes(state);
    return true;
  }
  const migration = (state.migrations ?? []).find((m) => !m.recorded);
  if (migration) {
    await records.recordPolicyMigration({
      accountId: state.accountId,
      episodeId: state.episodeId,
      migrationId: migration.migrationId,
      from: migration.from,
      to: migration.to,
      reason: migration.reason,
      actor: migration.actor,
      at: new Date(migration.at).toISOString(),
    });
    migration.recorded = true;
    return true;
  }
  if (state.plan && state.plan.recorded !== state.plan.status) {
    await recordPlan(state, state.plan);
    return true;
  }
  if (state.writeOff && !state.writeOff.recorded) {
    await records.recordWriteOff({
      accountId: state.accountId,
      episodeId: state.episodeId,
      writeOffId: state.writeOff.writeOffId,
      amount: state.writeOff.amount,
      currency: state.currency,
      reason: state.writeOff.reason,
      approvedBy: state.writeOff.approvedBy,
      at: new Date(state.writeOff.at).toISOString(),
    });
    recordStep(state, { stepId: 'write-off', action: 'write_off', at: state.writeOff.at, outcome: 'done' });
    state.writeOff.recorded = true;
    return true;
  }
  return false;
}

function historyIsLong(input: CollectionInput): boolean {
  const info = workflowInfo();
  return info.continueAsNewSuggested || info.historyLength > (input.continueAsNewAfterEvents ?? DEFAULT_CONTINUE_AS_NEW_AFTER);
}

function stepRequest(state: EpisodeState, stepId: string, action: StepRequest['action'], key: string): StepRequest {
  return {
    key,
    accountId: state.accountId,
    episodeId: state.episodeId,
    stepId,
    action,
    customer: state.customer,
    balance: balanceOf(state),
    currency: state.currency,
    ...(state.policy.lateFee ? { lateFee: lateFee(state, Date.now())?.due ?? 0 } : {}),
    anchorDueDate: state.anchorDueDate,
    scheduledFor: new Date(Date.now()).toISOString(),
    policy: { id: state.policy.id, version: state.policy.version },
  };
}

async function takeStep(state: EpisodeState, plan: PlannedStep): Promise<void> {
  const at = Date.now();
  // The cycle the rung belongs to: a payment may restart the ladder while the activity runs.
  const base = { stepId: plan.step.id, action: plan.action, at, cycle: state.cycle };
  if (plan.skipReason) {
    recordStep(state, { ...base, outcome: 'skipped', reason: plan.skipReason });
    return;
  }
  const request = stepRequest(state, plan.step.id, plan.action, actionKey(state, plan.step.id, plan.action));
  try {
    const result = await ladder[ACTIVITY_FOR[plan.action]](request);
    recordStep(state, { ...base, outcome: result.outcome, ...(result.reason ? { reason: result.reason } : {}) });
  } catch (err) {
    if (!(err instanceof ActivityFailure)) throw err;
    const reason = err.cause?.message ?? err.message;
    recordStep(state, { ...base, outcome: 'failed', reason });
    await records.raiseAlert({
      key: `${request.key}/failed`,
      kind: 'step_failed',
      accountId: state.accountId,
      episodeId: state.episodeId,
      message: `${plan.action} failed after retries: ${reason}`,
    });
  }
}

/**
 * Lifts a suspension after payment. Transient failures retry inside the activity; operations get
 * an alert if it is still not done after the policy's limit. A provider's refusal is alerted and
 * tried again (new key) after the same interval: the line is never marked active until it is.
 */
async function restoreService(state: EpisodeState): Promise<void> {
  const pending = state.restoration!;
  const key = `${state.accountId}/${state.episodeId}/restore/${pending.seq}`;
  const alertAfterMs = state.policy.restoration.alertAfterMinutes * 60_000;
  for (let attempt = 1; ; attempt++) {
    const attemptKey = attempt === 1 ? key : `${key}/retry-${attempt}`;
    let outcome: StepOutcome | undefined;
    const done = restoration.restoreService(stepRequest(state, 'restore', 'restore', attemptKey)).then((o) => {
      outcome = o;
    });
    if (!(await condition(() => outcome !== undefined, alertAfterMs))) {
      await records.raiseAlert({
        key: `${attemptKey}/at-risk`,
        kind: 'restoration_at_risk',
        accountId: state.accountId,
        episodeId: state.episodeId,
        message: `service not restored ${state.policy.restoration.alertAfterMinutes} min after payment ${pending.paymentId}`,
      });
    }
    await done;
    if (outcome?.outcome === 'done') break;
    await records.raiseAlert({
      key: `${attemptKey}/refused`,
      kind: 'restoration_refused',
      accountId: state.accountId,
      episodeId: state.episodeId,
      message: `network refused to restore after payment ${pending.paymentId}: ${outcome?.reason ?? 'no reason given'}`,
    });
    await sleep(alertAfterMs);
  }
  const restoredAt = Date.now();
  recordRestored(state, restoredAt);
  recordStep(state, { stepId: 'restore', action: 'restore', at: restoredAt, outcome: 'done' });
  await records.recordRestoration({
    key,
    accountId: state.accountId,
    episodeId: state.episodeId,
    paymentSeenAt: new Date(pending.seenAt).toISOString(),
    restoredAt: new Date(restoredAt).toISOString(),
    latencyMs: restoredAt - pending.seenAt,
  });
}
