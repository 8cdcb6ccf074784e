// Accounts with several lines (issue 13, ADR 17) on the time-skipping server with the real workflow
// and activities: a sanction is one provider call per line with its own key, linked suspension (关联停机)
// takes the customer's other lines, `sanctionServices` limits it, and a payment restores exactly the
// suspended lines, each with its own restoration record. An episode without lines is as before.
import { accountLinesStore, type AccountLineRow } from '../../db/stores/account-lines';
import { collectionRecords } from '../../db/stores/collection-records';
import { contactPreferencesStore } from '../../db/stores/contact-preferences';
import { ledger } from '../../db/stores/ledger';
import { arrearsService } from '../../api/services/arrears';
import { addDays } from '../../domain/policy/calendar';
import { DEFAULT_POLICY } from '../../domain/policy/default-policy';
import type { CollectionPolicy } from '../../domain/policy/types';
import type { CollectionSnapshot } from '../../domain/episode/snapshot';
import { simulatedToday, untilState, ZONE } from '../support/episodes';
import { useWorkflowHarness } from '../support/temporal';

const ctx = useWorkflowHarness();
const DAY = { step: '1 day', maxSteps: 200 };
let seq = 0;

const TWO_LINES: AccountLineRow[] = [
  { lineId: 'L1', number: '13911110001', service: 'mobile' },
  { lineId: 'L2', number: '02088880002', service: 'broadband' },
];

async function enrolWithLines(policy: CollectionPolicy, lines: AccountLineRow[] | undefined): Promise<string> {
  const accountId = `LINES-${++seq}-${Date.now()}`;
  if (lines) await accountLinesStore(ctx.db.pool).upsert(accountId, lines);
  await ctx.h.collection.enrol(
    {
      accountId,
      customer: { name: '王五', phone: '13500000000', segment: 'consumer', lists: [], timezone: ZONE },
      bill: { billId: `${accountId}-B1`, amount: 12_050, currency: 'CNY', dueDate: addDays(await simulatedToday(ctx.h), -1) },
      policy,
    },
    lines ? { lines: lines.map((l) => ({ lineId: l.lineId, service: l.service })) } : {},
  );
  return accountId;
}

async function networkRequests(accountId: string): Promise<{ key: string; operation: string; phone: string; lineId?: string }[]> {
  const { rows } = await ctx.db.pool.query<{ key: string; operation: string; payload: { phone: string; lineId?: string } }>(
    `SELECT idempotency_key AS key, operation, payload FROM provider_requests WHERE account_id = $1 AND provider = 'network' ORDER BY operation, idempotency_key`,
    [accountId],
  );
  return rows.map((r) => ({ key: r.key, operation: r.operation, phone: r.payload.phone, ...(r.payload.lineId ? { lineId: r.payload.lineId } : {}) }));
}

const payInFull = (accountId: string) =>
  ctx.h.collection.postPayment(accountId, { paymentId: `${accountId}-P1`, amount: 12_050, currency: 'CNY', paidAt: new Date().toISOString(), channel: 'bank' });
const lineStates = (s: CollectionSnapshot) => Object.fromEntries(s.lines.map((l) => [l.lineId, l.state]));
const barred = (s: CollectionSnapshot) => s.steps.some((st) => st.action === 'suspend_outgoing');

test('linked suspension suspends both lines, one provider call each with its own key; payment restores both, each recorded', async () => {
  const accountId = await enrolWithLines({ ...DEFAULT_POLICY, linkedSuspension: true }, TWO_LINES);
  const suspended = await untilState(ctx.h, accountId, barred, DAY);
  expect(suspended.steps.find((s) => s.action === 'suspend_outgoing')!.outcome).toBe('done');
  expect(lineStates(suspended)).toEqual({ L1: 'outgoing_barred', L2: 'outgoing_barred' });
  expect(suspended.service).toBe('outgoing_barred');
  expect(suspended.lines.every((l) => l.suspendedAt !== null)).toBe(true);
  const calls = await networkRequests(accountId);
  expect(calls).toHaveLength(2);
  expect(new Set(calls.map((c) => c.key)).size).toBe(2);
  expect(calls.map((c) => c.key.split('/').pop())).toEqual(['L1', 'L2']);
  // the numbers come from account_lines, not from the workflow
  expect(calls.map((c) => [c.lineId, c.phone])).toEqual([
    ['L1', '13911110001'],
    ['L2', '02088880002'],
  ]);

  expect(await payInFull(accountId)).toMatchObject({ status: 'paid' });
  const restored = await untilState(ctx.h, accountId, (s) => s.lineRestorations.length === 2, { step: '10 minutes', maxSteps: 100 });
  expect(lineStates(restored)).toEqual({ L1: 'active', L2: 'active' });
  expect(restored.service).toBe('active');
  expect(restored.lineRestorations.map((r) => r.lineId).sort()).toEqual(['L1', 'L2']);
  for (const r of restored.lineRestorations) expect(r.latencyMs).toBeLessThan(24 * 3_600_000);
  const { rows } = await ctx.db.pool.query('SELECT line_id, latency_ms FROM restorations WHERE account_id = $1 ORDER BY line_id', [accountId]);
  expect(rows.map((r) => r.line_id)).toEqual(['L1', 'L2']);
  const active = (await networkRequests(accountId)).filter((c) => c.operation === 'setServiceState:active');
  expect(active.map((c) => c.lineId)).toEqual(['L1', 'L2']);
  expect(new Set(active.map((c) => c.key)).size).toBe(2);
});

test('a sanction limited to mobile leaves the broadband line alone; payment restores only the suspended line', async () => {
  const accountId = await enrolWithLines({ ...DEFAULT_POLICY, linkedSuspension: true, sanctionServices: ['mobile'] }, TWO_LINES);
  const suspended = await untilState(ctx.h, accountId, barred, DAY);
  expect(lineStates(suspended)).toEqual({ L1: 'outgoing_barred', L2: 'active' });
  expect((await networkRequests(accountId)).map((c) => c.lineId)).toEqual(['L1']);

  await payInFull(accountId);
  const restored = await untilState(ctx.h, accountId, (s) => s.lineRestorations.length > 0, { step: '10 minutes', maxSteps: 100 });
  expect(lineStates(restored)).toEqual({ L1: 'active', L2: 'active' });
  expect(restored.lineRestorations.map((r) => r.lineId)).toEqual(['L1']);
  const active = (await networkRequests(accountId)).filter((c) => c.operation === 'setServiceState:active');
  expect(active.map((c) => c.lineId)).toEqual(['L1']);
});

test('without linked suspension only the overdue (first) line is suspended', async () => {
  const accountId = await enrolWithLines(DEFAULT_POLICY, TWO_LINES);
  const suspended = await untilState(ctx.h, accountId, barred, DAY);
  expect(lineStates(suspended)).toEqual({ L1: 'outgoing_barred', L2: 'active' });
  expect((await networkRequests(accountId)).map((c) => c.lineId)).toEqual(['L1']);
});

test('an old-style single-phone enrolment behaves as before: one line L1, one call per sanction, restored after payment', async () => {
  // Through the arrears service: no `lines` in the body → the default first line L1 with `phone`.
  const accountId = `LINES-OLD-${++seq}-${Date.now()}`;
  const post = arrearsService({
    ledger: ledger(ctx.db.pool),
    records: collectionRecords(ctx.db.pool),
    collection: ctx.h.collection,
    policy: () => DEFAULT_POLICY,
    preferences: contactPreferencesStore(ctx.db.pool),
    lines: accountLinesStore(ctx.db.pool),
  });
  await post(accountId, {
    billId: `${accountId}-B1`,
    customerName: '赵六',
    phone: '13700000000',
    segment: 'consumer',
    lists: [],
    timezone: ZONE,
    amount: 12_050,
    currency: 'CNY',
    dueDate: addDays(await simulatedToday(ctx.h), -1),
  });
  expect(await accountLinesStore(ctx.db.pool).list(accountId)).toEqual([{ lineId: 'L1', number: '13700000000', service: 'mobile' }]);
  const suspended = await untilState(ctx.h, accountId, barred, DAY);
  expect(suspended.lines).toEqual([{ lineId: 'L1', service: 'mobile', state: 'outgoing_barred', suspendedAt: expect.any(String) }]);
  expect((await networkRequests(accountId)).map((c) => [c.lineId, c.phone])).toEqual([['L1', '13700000000']]);
  await payInFull(accountId);
  const restored = await untilState(ctx.h, accountId, (s) => s.restorations.length > 0, { step: '10 minutes', maxSteps: 100 });
  expect(restored.service).toBe('active');
  expect(restored.lineRestorations.map((r) => r.lineId)).toEqual(['L1']);
});

test('an episode started without lines (before this change) keeps its single line and today’s keys', async () => {
  const accountId = await enrolWithLines(DEFAULT_POLICY, undefined);
  const suspended = await untilState(ctx.h, accountId, barred, DAY);
  expect(suspended.lines).toEqual([{ lineId: 'L1', service: 'mobile', state: 'outgoing_barred', suspendedAt: expect.any(String) }]);
  const calls = await networkRequests(accountId);
  expect(calls).toHaveLength(1);
  expect(calls[0]!.key).toMatch(/\/suspend_outgoing$/);
  expect(calls[0]!.phone).toBe('13500000000');
  expect(calls[0]!.lineId).toBeUndefined();
  await payInFull(accountId);
  const restored = await untilState(ctx.h, accountId, (s) => s.restorations.length > 0, { step: '10 minutes', maxSteps: 100 });
  expect(restored.service).toBe('active');
  expect(restored.lineRestorations).toEqual([]);
  const { rows } = await ctx.db.pool.query('SELECT line_id FROM restorations WHERE account_id = $1', [accountId]);
  expect(rows).toEqual([{ line_id: null }]);
});
