// Promise to pay (预约缴费), holidays and the enterprise clean-history deferral on the time-skipping server.
import { collectionRecords } from '../../db/stores/collection-records';
import { contactPreferencesStore } from '../../db/stores/contact-preferences';
import { ledger } from '../../db/stores/ledger';
import { arrearsService } from '../../api/services/arrears';
import type { CollectionClient, EnrolRequest } from '../../api/collection-client';
import { DateTime } from 'luxon';
import { addDays, localDateOf } from '../../domain/policy/calendar';
import { DEFAULT_POLICY } from '../../domain/policy/default-policy';
import { simulatedToday, untilState, ZONE } from '../support/episodes';
import { useWorkflowHarness } from '../support/temporal';
import { rowsEventually } from '../support/wait';

const ctx = useWorkflowHarness();
let seq = 0;

async function enrol(amount = 12_050) {
  const accountId = `PR-${++seq}-${Date.now()}`;
  const dueDate = addDays(localDateOf(await ctx.h.env.currentTimeMs(), ZONE), -1);
  await ctx.h.collection.enrol({
    accountId,
    customer: { name: '吴九', phone: '13500000000', segment: 'consumer', lists: [], timezone: ZONE },
    bill: { billId: `${accountId}-B1`, amount, currency: 'CNY', dueDate },
    policy: DEFAULT_POLICY,
  });
  return accountId;
}

const state = async (accountId: string) => (await ctx.h.collection.state(accountId))!;
async function until(accountId: string, predicate: (s: Awaited<ReturnType<typeof state>>) => boolean, maxDays = 200) {
  for (let day = 0; day < maxDays; day++) {
    const s = await state(accountId);
    if (predicate(s)) return s;
    await ctx.h.env.sleep('6 hours');
  }
  throw new Error(`condition not reached: ${JSON.stringify(await state(accountId))}`);
}
const today = async () => localDateOf(await ctx.h.env.currentTimeMs(), ZONE);
const promiseRows = async (accountId: string) => (await ctx.db.pool.query('SELECT status, amount_minor FROM promises WHERE account_id = $1', [accountId])).rows;

test('a promise holds the ladder, reminds on the day, and a payment of the promised amount keeps it', async () => {
  const accountId = await enrol();
  await until(accountId, (s) => s.stage === 'sms');
  const date = addDays(await today(), 20); // past the 15th: without the promise, voice would come first
  const answer = await ctx.h.collection.promiseToPay(accountId, { promiseId: `${accountId}-PR1`, date, amount: 5_000, source: 'call:test' });
  expect(answer).toMatchObject({ status: 'open', due: 5_000 });
  const held = await state(accountId);
  expect(held.next).toMatchObject({ action: 'promise_reminder' });
  expect(held.next!.atLocal.startsWith(`${date}T09:30`)).toBe(true);

  const reminded = await until(accountId, (s) => s.steps.some((x) => x.action === 'promise_reminder'));
  expect(reminded.steps.map((x) => x.action)).toEqual(['sms', 'promise_reminder']); // nothing else while held
  await ctx.h.collection.postPayment(accountId, {
    paymentId: `${accountId}-P1`,
    amount: 5_000,
    currency: 'CNY',
    paidAt: new Date().toISOString(),
    channel: 'bank',
  });
  const kept = await until(accountId, (s) => s.promises[0]?.status === 'kept' && s.steps.length > 2);
  expect(kept.brokenPromises).toBe(0);
  expect(kept.balance).toBe(7_050);
  expect(kept.steps[2]?.action).toBe('voice'); // the ladder resumes where it was
  await rowsEventually(() => promiseRows(accountId), [{ status: 'kept', amount_minor: 5_000 }]);
});

test('a broken promise is counted and the ladder resumes at a stricter point, at once', async () => {
  const accountId = await enrol();
  await until(accountId, (s) => s.stage === 'sms');
  const date = addDays(await today(), 3);
  await ctx.h.collection.promiseToPay(accountId, { promiseId: `${accountId}-PR1`, date, source: 'visit:test' });
  const broken = await until(accountId, (s) => s.brokenPromises === 1 && s.steps.length > 2);
  expect(broken.steps.map((x) => x.action)).toEqual(['sms', 'promise_reminder', 'manual_call']); // voice passed over
  const expiry = DateTime.fromISO(addDays(date, 2), { zone: ZONE }).toMillis();
  expect(Date.parse(broken.steps[2]!.at) - expiry).toBeLessThan(24 * 3_600_000);
  await rowsEventually(() => promiseRows(accountId), [{ status: 'broken', amount_minor: 12_050 }]);
});

test('a promise too far ahead or in the past is refused and changes nothing', async () => {
  const accountId = await enrol();
  await expect(ctx.h.collection.promiseToPay(accountId, { promiseId: 'X1', date: addDays(await today(), 45), source: 'counter' })).rejects.toThrow(
    /within 30 days/,
  );
  await expect(ctx.h.collection.promiseToPay(accountId, { promiseId: 'X2', date: addDays(await today(), -1), source: 'counter' })).rejects.toThrow(/today/);
  expect((await state(accountId)).promises).toHaveLength(0);
});

test('a repeat promise breaker starts the next episode on the black list', async () => {
  const records = collectionRecords(ctx.db.pool);
  for (const n of [1, 2]) {
    await records.recordPromise({
      key: `k${n}`,
      accountId: 'RB-1',
      episodeId: 'E0',
      promiseId: `RB-1-PR${n}`,
      date: '2026-01-10',
      amount: 100,
      currency: 'CNY',
      source: 'call',
      status: 'broken',
    });
  }
  const enrolled: EnrolRequest[] = [];
  const fakeClient = { enrol: async (req: EnrolRequest) => (enrolled.push(req), { workflowId: 'w', runId: 'r' }) } as unknown as CollectionClient;
  const post = arrearsService({
    ledger: ledger(ctx.db.pool),
    records,
    collection: fakeClient,
    policy: () => DEFAULT_POLICY,
    preferences: contactPreferencesStore(ctx.db.pool),
  });
  const body = {
    billId: 'RB-1-B1',
    customerName: '郑十',
    phone: '13500000001',
    segment: 'consumer' as const,
    lists: [],
    timezone: ZONE,
    amount: 100,
    currency: 'CNY',
    dueDate: '2026-02-01',
  };
  await post('RB-1', body);
  expect(enrolled[0]?.customer.lists).toEqual(['black']);
  await post('RB-2', { ...body, billId: 'RB-2-B1' });
  expect(enrolled[1]?.customer.lists).toEqual([]);
});

test('no reminder on a configured holiday: the SMS waits for the next day in the window', async () => {
  const accountId = `HO-${Date.now()}`;
  const today = await simulatedToday(ctx.h);
  const policy = { ...DEFAULT_POLICY, contact: { ...DEFAULT_POLICY.contact!, holidays: [addDays(today, 1)] } };
  await ctx.h.collection.enrol({
    accountId,
    customer: { name: '冯二', phone: '13500000008', segment: 'consumer', lists: [], timezone: ZONE },
    bill: { billId: `${accountId}-B1`, amount: 5_000, currency: 'CNY', dueDate: today },
    policy,
  });
  const s = await untilState(ctx.h, accountId, (x) => x.stage === 'sms', { step: '6 hours', maxSteps: 20 });
  expect(s.steps[0]!.atLocal.startsWith(`${addDays(today, 2)}T`)).toBe(true);
});

test('an enterprise with a clean history is suspended later than one with earlier arrears', async () => {
  const suspendedOn = async (priorArrears: number) => {
    const accountId = `EN-${priorArrears}-${Date.now()}`;
    const dueDate = addDays(await simulatedToday(ctx.h), -1);
    await ctx.h.collection.enrol({
      accountId,
      customer: { name: '某公司', phone: '02100000001', segment: 'enterprise', lists: [], timezone: ZONE, priorArrears },
      bill: { billId: `${accountId}-B1`, amount: 500_000, currency: 'CNY', dueDate },
      policy: DEFAULT_POLICY,
    });
    const s = await untilState(ctx.h, accountId, (x) => x.service === 'outgoing_barred', { step: '1 day', maxSteps: 120 });
    const suspension = s.steps.find((x) => x.action === 'suspend_outgoing')!;
    return Math.round((Date.parse(suspension.at) - DateTime.fromISO(dueDate, { zone: ZONE }).toMillis()) / 86_400_000);
  };
  const withArrears = await suspendedOn(2);
  const clean = await suspendedOn(0);
  expect(withArrears).toBeLessThan(61);
  expect(clean).toBeGreaterThanOrEqual(61); // 30 days past due + 30 days' deferral
});
