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
import { DateTime } from 'luxon';
import type { Pool } from 'pg';
import { randomUUID } from 'node:crypto';
import { ProviderSimulator } from '../activities/providers/simulator';
import { CollectionClient } from '../api/collection-client';
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
      maxRestoreMinutes: latencies.length ? Math.round((Math.max(...latencies) / 60_000) * 100) / 100 : null,
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
      let simNow = serverNow;
      const advanceTo = async (ms: number) => {
        if (ms > simNow) await env.sleep(ms - simNow);
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
        await advanceTo(shiftMs(Date.parse(e.at), years));
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
              // whole minutes: an action answering an event (a restore after a payment) comes seconds
              // after it, as long as the run takes in real time; that jitter is not data
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
