// The registers operations read in PostgreSQL (promises, disputes, policy migrations, installment
// plans, write-offs): an entry whose status changed in the episode is written by an activity, and
// marked recorded with the status it was written with.
import { recordStep } from '../../domain/episode/ladder';
import type { EpisodeState, InstallmentPlan, PolicyMigration, WriteOff } from '../../domain/episode/state';
import { records } from './activity-proxies';

/**
 * Writes one kind of register entry whose status changed to PostgreSQL; false when all are
 * recorded. One kind per call, in a fixed order, so the loop's commands stay the same across versions.
 */
export async function recordChangedRegister(state: EpisodeState): Promise<boolean> {
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
    await recordMigration(state, migration);
    return true;
  }
  if (state.plan && state.plan.recorded !== state.plan.status) {
    await recordPlan(state, state.plan);
    return true;
  }
  if (state.writeOff && !state.writeOff.recorded) {
    await recordWriteOff(state, state.writeOff);
    return true;
  }
  return false;
}

/** Promises whose status changed (the promise register). */
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

/** Disputes whose status changed; a new one also opens a review task for staff (in the activity). */
async function recordDisputes(state: EpisodeState): Promise<void> {
  for (const d of (state.disputes ?? []).filter((x) => x.recorded !== x.status)) {
    const status = d.status;
    const dueHours = state.policy.taskDueHours?.[d.kind === 'abnormal_bill' ? 'bill_review' : 'dispute_review'];
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
      ...(dueHours !== undefined ? { taskDueInHours: dueHours } : {}),
      openedAt: new Date(d.openedAt).toISOString(),
    });
    d.recorded = status;
  }
}

async function recordMigration(state: EpisodeState, migration: PolicyMigration): Promise<void> {
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

/** The write-off is also an entry in the episode's log. */
async function recordWriteOff(state: EpisodeState, writeOff: WriteOff): Promise<void> {
  await records.recordWriteOff({
    accountId: state.accountId,
    episodeId: state.episodeId,
    writeOffId: writeOff.writeOffId,
    amount: writeOff.amount,
    currency: state.currency,
    reason: writeOff.reason,
    approvedBy: writeOff.approvedBy,
    at: new Date(writeOff.at).toISOString(),
  });
  recordStep(state, { stepId: 'write-off', action: 'write_off', at: writeOff.at, outcome: 'done' });
  writeOff.recorded = true;
}
