// Runs a scenario through the real workflow and activity code (simulated providers) on the
// time-skipping test server and reports what the policy did to the portfolio.
//
// The test server's clock starts at the present and cannot go back, so a scenario in the past is
// run shifted forward by a multiple of 4 years (the calendar repeats: same month days, same leap
// years); dates in the policy (holidays) and the scenario are shifted alike and every time in the
// result is shifted back. Accounts run in batches, each on a fresh test server (one clock per
// server: TOOLCHAIN.md measured ~200 accounts per environment as the sweet spot).
import { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { setTimeout as delay } from 'node:timers/promises';
import { DateTime } from 'luxon';
import type { Pool } from 'pg';
import { randomUUID } from 'node:crypto';
import { ProviderSimulator } from '../activities/providers/simulator';
import { CollectionClient } from '../api/collection-client';
import { collectionWorkflowId } from '../workflows/messages';
import { testServerPath } from '../scripts/temporal-bins';
import { createCollectionWorker } from '../worker/create-worker';
import type { CollectionSnapshot } from '../domain/episode/snapshot';
import { toLocalIso } from '../domain/policy/calendar';
import type { CollectionPolicy } from '../domain/policy/types';
import type { Scenario, ScenarioAccount, ScenarioEvent } from './scenario';

export interface SimulatedAccount {
  id: string;
  actions: { at: string; action: string; detail: Record<string, unknown> }[];
  final: { status: string; balance: number; service: string };
}

export interface SimulationResult {
  accounts: SimulatedAccount[];
  summary: {
    accounts: number;
    billed: number;
    recovered: number;
    recoveryRate: number;
    suspensions: number;
    restorations: number;
    maxRestoreMinutes: number | null;
    legalReferrals: number;
    wallSeconds: number;
  };
  /** Events the episodes refused (e.g. a promise out of range), with the reason. */
  refusedEvents: { index: number; account: string; reason: string }[];
}

export interface RunOptions {
  pool: Pool;
  bundle: WorkflowBundleWithSourceMap;
  batchSize?: number;
  /** Batches run at once, each on its own test server and worker (default 2: one per core here). */
  parallel?: number;
  onProgress?: (accountsDone: number, total: number) => void;
}

const shiftMs = (ms: number, years: number) => DateTime.fromMillis(ms, { zone: 'UTC' }).plus({ years }).toMillis();
const shiftDate = (d: string, years: number) => DateTime.fromISO(d, { zone: 'UTC' }).plus({ years }).toISODate()!;

function shiftPolicy(policy: CollectionPolicy, years: number): CollectionPolicy {
  if (!policy.contact) return policy;
  return { ...policy, contact: { ...policy.contact, holidays: policy.contact.holidays.map((d) => shiftDate(d, years)) } };
}

export async function runScenario(scenario: Scenario, policy: CollectionPolicy, opts: RunOptions): Promise<SimulationResult> {
  const wall = Date.now();
  const batchSize = opts.batchSize ?? 200;
  const accounts: SimulatedAccount[] = [];
  const refusedEvents: SimulationResult['refusedEvents'] = [];
  const snapshots: CollectionSnapshot[] = [];
  const billed = scenario.accounts.reduce((t, a) => t + a.amount, 0) + scenario.events.reduce((t, e) => t + (e.type === 'charge' ? e.amount : 0), 0);

  const batches: ScenarioAccount[][] = [];
  for (let i = 0; i < scenario.accounts.length; i += batchSize) batches.push(scenario.accounts.slice(i, i + batchSize));
  const outs: Awaited<ReturnType<typeof runBatch>>[] = [];
  let next = 0;
  let accountsDone = 0;
  // Batches are independent (own server, own clock, own accounts); results are put back in order.
  await Promise.all(
    Array.from({ length: Math.min(opts.parallel ?? 2, batches.length) }, async () => {
      while (next < batches.length) {
        const n = next++;
        const batch = batches[n]!;
        const ids = new Set(batch.map((a) => a.id));
        const events = scenario.events.map((e, index) => ({ e, index })).filter(({ e }) => ids.has(e.account));
        outs[n] = await runBatch(scenario, policy, batch, events, opts);
        accountsDone += batch.length;
        opts.onProgress?.(accountsDone, scenario.accounts.length);
      }
    }),
  );
  for (const out of outs) {
    accounts.push(...out.accounts);
    snapshots.push(...out.snapshots);
    refusedEvents.push(...out.refused);
  }

  const recovered = snapshots.reduce((t, s) => t + s.paid, 0);
  const done = (s: CollectionSnapshot, actions: string[]) => s.steps.filter((x) => x.outcome === 'done' && actions.includes(x.action));
  const latencies = snapshots.flatMap((s) => s.restorations.map((r) => r.latencyMs));
  return {
    accounts,
    summary: {
      accounts: accounts.length,
      billed,
      recovered,
      recoveryRate: billed > 0 ? Math.round((recovered / billed) * 10_000) / 10_000 : 0,
      suspensions: snapshots.reduce((t, s) => t + done(s, ['suspend_outgoing']).length, 0),
      restorations: snapshots.reduce((t, s) => t + done(s, ['restore']).length, 0),
      // whole minutes, like the action times: below that it is the real time of the payment's delivery
      maxRestoreMinutes: latencies.length ? Math.round(Math.max(...latencies) / 60_000) : null,
      legalReferrals: snapshots.reduce((t, s) => t + done(s, ['legal_referral']).length, 0),
      wallSeconds: Math.round((Date.now() - wall) / 100) / 10,
    },
    refusedEvents,
  };
}

async function runBatch(
  scenario: Scenario,
  policy: CollectionPolicy,
  batch: ScenarioAccount[],
  events: { e: ScenarioEvent; index: number }[],
  opts: RunOptions,
) {
  const env = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path: testServerPath() } } });
  try {
    const taskQueue = `simulate-${randomUUID()}`;
    const worker = await createCollectionWorker({
      connection: env.nativeConnection,
      taskQueue,
      pool: opts.pool,
      providers: new ProviderSimulator(opts.pool).providers(),
      tuning: { workflowBundle: opts.bundle },
    });
    const collection = new CollectionClient(env.client, taskQueue);
    return await worker.runUntil(async () => {
      const serverNow = await env.currentTimeMs();
      const start = Date.parse(scenario.start);
      let years = 0;
      while (shiftMs(start, years) < serverNow + 60_000) years += 4;
      const shifted = shiftPolicy(policy, years);
      // Each advance is measured from the server's own clock, not from a count kept here: the clock
      // runs in real time whenever it is not skipping (enrolling a batch takes seconds, more on a
      // loaded machine), and sleeping from a count added that real time to every later event, which
      // differed from run to run (ADR 25).
      let simNow = serverNow;
      const advanceTo = async (ms: number) => {
        const now = await env.currentTimeMs();
        if (ms > now) await env.sleep(ms - now);
        simNow = Math.max(simNow, ms);
      };

      await advanceTo(shiftMs(start, years));
      for (const a of batch) {
        await collection.enrol({
          accountId: a.id,
          customer: { name: a.name, phone: a.phone, segment: a.segment, lists: a.lists, timezone: a.timezone, priorArrears: 0 },
          bill: {
            billId: a.billId,
            amount: a.amount,
            currency: a.currency,
            dueDate: shiftDate(a.dueDate, years),
            ...(a.previousAverage !== undefined ? { previousAverage: a.previousAverage } : {}),
          },
          policy: shifted,
        });
      }

      const byId = new Map(batch.map((a) => [a.id, a]));
      const disputes = new Map<string, string[]>();
      const refused: { index: number; account: string; reason: string }[] = [];
      const ordered = [...events].sort((x, y) => Date.parse(x.e.at) - Date.parse(y.e.at) || x.index - y.index);
      for (const { e, index } of ordered) {
        const at = shiftMs(Date.parse(e.at), years);
        await advanceTo(at);
        // A rung due at the event's own instant fires first, and its step finishes, before the event
        // is delivered: the same order every run. (Delivered while the episode's timer fired, a
        // signal's workflow task never completed on the test server and the run hung: ADR 25.)
        await settle(env.client, collectionWorkflowId(e.account), at);
        const account = byId.get(e.account)!;
        try {
          await applyEvent(collection, account, e, index, years, shifted, disputes);
        } catch (err) {
          refused.push({ index, account: e.account, reason: (err as Error).message });
        }
      }
      await advanceTo(shiftMs(Date.parse(scenario.until), years));

      const snapshots: CollectionSnapshot[] = [];
      const accounts: SimulatedAccount[] = [];
      for (const a of batch) {
        const s = (await collection.state(a.id, simNow))!;
        snapshots.push(s);
        accounts.push({
          id: a.id,
          actions: s.steps
            .filter((x) => x.outcome === 'done')
            .map((x) => ({
              // whole minutes: an action answering an event (a restore after a payment) is timed by the
              // workflow when the event reaches it, which is the event's instant plus the real
              // milliseconds of its delivery (the server's clock runs in real time while work is in
              // flight); that jitter is not data. Timer-driven actions are exact.
              at: toLocalIso(Math.floor(shiftMs(Date.parse(x.at), -years) / 60_000) * 60_000, a.timezone),
              action: x.action,
              detail: { step: x.stepId, ...(x.reason ? { reason: x.reason } : {}) },
            })),
          final: { status: s.status, balance: s.balance, service: s.service },
        });
      }
      return { accounts, snapshots, refused };
    });
  } finally {
    await env.teardown();
  }
}

const E = temporal.api.enums.v1.EventType;
const tsMs = (t: { seconds?: { toString(): string } | number | null; nanos?: number | null } | null | undefined) =>
  Number(t?.seconds ?? 0) * 1000 + Math.floor((t?.nanos ?? 0) / 1e6);

/**
 * A rung's timer fires a little after the rung's instant: the workflow sleeps from its task's start
 * to the instant, and the server counts from the task's completion (tens of ms, more under load).
 * A timer due within this of an event is the event's instant's: it fires first. Scenario instants
 * are whole seconds and rungs whole minutes, so this reorders nothing.
 */
const TIMER_LAG_MS = 1_000;

/**
 * Whether the episode has nothing in flight at `at` (simulated ms): no workflow task or activity
 * open, no timer due by then (see TIMER_LAG_MS) that has not fired. Read from its history, which the test server keeps
 * exactly (describe does not report a started workflow task there).
 */
async function isSettled(client: Client, workflowId: string, at: number): Promise<boolean> {
  let events: temporal.api.history.v1.IHistoryEvent[];
  try {
    events = (await client.workflow.getHandle(workflowId).fetchHistory()).events ?? [];
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return true;
    throw err;
  }
  let task = false;
  const activities = new Set<string>();
  const timers = new Map<string, number>();
  for (const ev of events) {
    switch (ev.eventType) {
      case E.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED:
        task = true;
        break;
      case E.EVENT_TYPE_WORKFLOW_TASK_COMPLETED:
      case E.EVENT_TYPE_WORKFLOW_TASK_FAILED:
      case E.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT:
        task = false;
        break;
      case E.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
        activities.add(String(ev.eventId));
        break;
      case E.EVENT_TYPE_ACTIVITY_TASK_COMPLETED:
        activities.delete(String(ev.activityTaskCompletedEventAttributes?.scheduledEventId));
        break;
      case E.EVENT_TYPE_ACTIVITY_TASK_FAILED:
        activities.delete(String(ev.activityTaskFailedEventAttributes?.scheduledEventId));
        break;
      case E.EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT:
        activities.delete(String(ev.activityTaskTimedOutEventAttributes?.scheduledEventId));
        break;
      case E.EVENT_TYPE_ACTIVITY_TASK_CANCELED:
        activities.delete(String(ev.activityTaskCanceledEventAttributes?.scheduledEventId));
        break;
      case E.EVENT_TYPE_TIMER_STARTED:
        timers.set(String(ev.eventId), tsMs(ev.eventTime) + tsMs(ev.timerStartedEventAttributes?.startToFireTimeout));
        break;
      case E.EVENT_TYPE_TIMER_FIRED:
        timers.delete(String(ev.timerFiredEventAttributes?.startedEventId));
        break;
      case E.EVENT_TYPE_TIMER_CANCELED:
        timers.delete(String(ev.timerCanceledEventAttributes?.startedEventId));
        break;
      case E.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED:
      case E.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED:
      case E.EVENT_TYPE_WORKFLOW_EXECUTION_TIMED_OUT:
      case E.EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED:
      case E.EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED:
      case E.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW:
        return true;
    }
  }
  return !task && activities.size === 0 && [...timers.values()].every((due) => due > at + TIMER_LAG_MS);
}

/** Waits (in real time; the server's clock is at `at` or just past it) until the episode is settled. */
async function settle(client: Client, workflowId: string, at: number): Promise<void> {
  const deadline = Date.now() + 120_000;
  while (!(await isSettled(client, workflowId, at))) {
    if (Date.now() > deadline) throw new Error(`${workflowId} did not settle at ${new Date(at).toISOString()}`);
    await delay(5);
  }
}

async function applyEvent(
  collection: CollectionClient,
  account: ScenarioAccount,
  e: ScenarioEvent,
  index: number,
  years: number,
  policy: CollectionPolicy,
  disputes: Map<string, string[]>,
): Promise<void> {
  switch (e.type) {
    case 'payment':
      await collection.postPayment(account.id, { paymentId: e.paymentId, amount: e.amount, currency: account.currency, paidAt: e.at, channel: e.channel });
      return;
    case 'charge':
      await collection.enrol({
        accountId: account.id,
        customer: { name: account.name, phone: account.phone, segment: account.segment, lists: account.lists, timezone: account.timezone },
        bill: { billId: e.billId, amount: e.amount, currency: account.currency, dueDate: shiftDate(e.dueDate, years) },
        policy, // used only if the episode had ended and this bill opens a new one
      });
      return;
    case 'promise':
      await collection.promiseToPay(account.id, {
        promiseId: `${account.id}-promise-${index}`,
        date: shiftDate(e.date, years),
        ...(e.amount !== undefined ? { amount: e.amount } : {}),
        source: 'scenario',
      });
      return;
    case 'dispute': {
      const disputeId = `${account.id}-dispute-${index}`;
      await collection.openDispute(account.id, { disputeId, amount: e.amount, reason: 'scenario' });
      disputes.set(account.id, [...(disputes.get(account.id) ?? []), disputeId]);
      return;
    }
    case 'dispute_resolved': {
      const open = disputes.get(account.id) ?? [];
      const disputeId = open.shift();
      if (!disputeId) throw new Error('no open dispute to resolve');
      await collection.resolveDispute(account.id, { disputeId, upheld: e.upheld });
      return;
    }
  }
}
