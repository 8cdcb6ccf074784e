// The customer reference (issue 14, ADR 26) on the time-skipping server with the real workflow and
// activities: billing's bill goes through the arrears service, so the episode gets the account id and
// no name or number; every rung that addresses the customer (SMS and voice texts, the switch per line,
// agency and legal referral, the demand letter) looks them up in PostgreSQL at run time, and the
// history (decrypted) holds neither. A request that still carries them (an older episode) uses them.
import type { Payload } from '@temporalio/common';
import { accountLinesStore } from '../../db/stores/account-lines';
import { collectionRecords } from '../../db/stores/collection-records';
import { contactPreferencesStore } from '../../db/stores/contact-preferences';
import { ledger } from '../../db/stores/ledger';
import { arrearsService } from '../../api/services/arrears';
import { addDays } from '../../domain/policy/calendar';
import { DEFAULT_POLICY } from '../../domain/policy/default-policy';
import { collectionWorkflowId } from '../../workflows/messages';
import { simulatedToday, untilState, ZONE } from '../support/episodes';
import { testDataConverter, useWorkflowHarness } from '../support/temporal';

const ctx = useWorkflowHarness();
const NAME = '上官飞燕';
const PHONE = '13977712345';
const BROADBAND = '02177712345';

async function providerCalls(accountId: string): Promise<{ provider: string; operation: string; payload: Record<string, unknown> }[]> {
  const { rows } = await ctx.db.pool.query<{ provider: string; operation: string; payload: Record<string, unknown> }>(
    'SELECT provider, operation, payload FROM provider_requests WHERE account_id = $1 ORDER BY requested_at, idempotency_key',
    [accountId],
  );
  return rows;
}

/** Every payload of the run's history, decrypted, as text. */
async function historyTexts(accountId: string): Promise<string[]> {
  const history = await ctx.h.client.workflow.getHandle(collectionWorkflowId(accountId)).fetchHistory();
  const payloads: Payload[] = [];
  const collect = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(collect);
    else if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if (o['metadata'] && o['data'] instanceof Uint8Array) payloads.push(o);
      else Object.values(o).forEach(collect);
    }
  };
  collect(history.events);
  const decoded = await testDataConverter().payloadCodecs![0]!.decode(payloads);
  return decoded.map((p) => Buffer.from(p.data ?? new Uint8Array()).toString('utf8'));
}

test('a new episode carries the account id only; SMS, voice, switch per line, agency, letter and legal look name and number up', async () => {
  const accountId = `CUSTREF-W-${Date.now()}`;
  const post = arrearsService({
    ledger: ledger(ctx.db.pool),
    records: collectionRecords(ctx.db.pool),
    collection: ctx.h.collection,
    policy: () => ({ ...DEFAULT_POLICY, linkedSuspension: true }),
    preferences: contactPreferencesStore(ctx.db.pool),
    lines: accountLinesStore(ctx.db.pool),
  });
  await post(accountId, {
    billId: `${accountId}-B1`,
    customerName: NAME,
    phone: PHONE,
    segment: 'consumer',
    lists: [],
    timezone: ZONE,
    amount: 12_050,
    currency: 'CNY',
    dueDate: addDays(await simulatedToday(ctx.h), -1),
    lines: [
      { lineId: 'M1', number: PHONE, service: 'mobile' },
      { lineId: 'BB', number: BROADBAND, service: 'broadband' },
    ],
  });
  const done = (s: { steps: { action: string; outcome: string }[] }, action: string) => s.steps.some((st) => st.action === action && st.outcome === 'done');
  const end = await untilState(ctx.h, accountId, (s) => done(s, 'legal_referral'), { step: '1 day', maxSteps: 260 });
  for (const action of ['sms', 'voice', 'suspend_outgoing', 'agency_referral', 'demand_letter', 'legal_referral'])
    expect([action, done(end, action)]).toEqual([action, true]);

  const calls = await providerCalls(accountId);
  const of = (provider: string) => calls.filter((c) => c.provider === provider);
  expect(of('sms')[0]!.payload).toMatchObject({ to: PHONE });
  expect(of('sms')[0]!.payload['text']).toContain(NAME);
  expect(of('voice')[0]!.payload).toMatchObject({ to: PHONE });
  expect(of('voice')[0]!.payload['script']).toContain(NAME);
  // the switch: one call per line, each to the number account_lines holds
  const barring = of('network').filter((c) => c.operation === 'setServiceState:outgoing_barred');
  expect(barring.map((c) => [c.payload['lineId'], c.payload['phone']]).sort()).toEqual([
    ['BB', BROADBAND],
    ['M1', PHONE],
  ]);
  expect(of('agency')[0]!.payload).toMatchObject({ name: NAME, phone: PHONE });
  expect(of('letters')[0]!.payload).toMatchObject({ name: NAME });
  expect(of('letters')[0]!.payload['text']).toContain(NAME);
  expect(of('legal')[0]!.payload).toMatchObject({ name: NAME });

  // and the history, decrypted, has the account id but neither the name nor a number
  const texts = await historyTexts(accountId);
  expect(texts.length).toBeGreaterThan(20);
  expect(texts.some((t) => t.includes(`"accountId":"${accountId}"`))).toBe(true);
  expect([NAME, PHONE, BROADBAND].filter((n) => texts.some((t) => t.includes(n)))).toEqual([]);
});

test('an older episode whose state still holds name and number: the activity uses them as given', async () => {
  const accountId = `CUSTREF-OLD-${Date.now()}`;
  // no accounts row at all: a look-up would fail, so the SMS can only come from the request itself
  await ctx.h.collection.enrol({
    accountId,
    customer: { name: '老客户', phone: '13500009999', segment: 'consumer', lists: [], timezone: ZONE },
    bill: { billId: `${accountId}-B1`, amount: 12_050, currency: 'CNY', dueDate: addDays(await simulatedToday(ctx.h), -1) },
    policy: DEFAULT_POLICY,
  });
  await untilState(ctx.h, accountId, (s) => s.steps.some((st) => st.action === 'sms' && st.outcome === 'done'));
  const sms = (await providerCalls(accountId)).filter((c) => c.provider === 'sms');
  expect(sms[0]!.payload).toMatchObject({ to: '13500009999' });
  expect(sms[0]!.payload['text']).toContain('老客户');
});

test('a wrong number is kept by reference: billing’s next bill with the same number keeps it, a new number lifts it; an older episode’s report carries over', async () => {
  const post = arrearsService({
    ledger: ledger(ctx.db.pool),
    records: collectionRecords(ctx.db.pool),
    collection: ctx.h.collection,
    policy: () => DEFAULT_POLICY,
    preferences: contactPreferencesStore(ctx.db.pool),
  });
  const today = await simulatedToday(ctx.h);
  const bill = (accountId: string, n: number, phone: string) =>
    post(accountId, {
      billId: `${accountId}-B${n}`,
      customerName: NAME,
      phone,
      segment: 'consumer',
      lists: [],
      timezone: ZONE,
      amount: 1_000,
      currency: 'CNY',
      dueDate: addDays(today, n === 1 ? -1 : 20 + n),
    });
  const bills = (n: number) => (s: { bills: unknown[] }) => s.bills.length === n;

  const accountId = `CUSTREF-WN-${Date.now()}`;
  await bill(accountId, 1, PHONE);
  await untilState(ctx.h, accountId, bills(1));
  await ctx.h.collection.reportWrongNumber(accountId, 'sms');
  expect((await untilState(ctx.h, accountId, (s) => s.wrongNumber)).wrongNumber).toBe(true);
  await bill(accountId, 2, PHONE);
  expect((await untilState(ctx.h, accountId, bills(2))).wrongNumber).toBe(true);
  await bill(accountId, 3, '13977700000');
  expect((await untilState(ctx.h, accountId, bills(3))).wrongNumber).toBe(false);

  // an episode started before ADR 26 (name and number in its state) reports a wrong number by number;
  // its first bill by reference keeps the report while the number is the same, and its state loses the number
  const old = `CUSTREF-WO-${Date.now()}`;
  await ctx.h.collection.enrol({
    accountId: old,
    customer: { name: NAME, phone: PHONE, segment: 'consumer', lists: [], timezone: ZONE },
    bill: { billId: `${old}-B1`, amount: 1_000, currency: 'CNY', dueDate: addDays(today, -1) },
    policy: DEFAULT_POLICY,
  });
  await ctx.h.collection.reportWrongNumber(old, 'sms');
  await untilState(ctx.h, old, (s) => s.wrongNumber);
  await bill(old, 2, PHONE);
  expect((await untilState(ctx.h, old, bills(2))).wrongNumber).toBe(true);
  await bill(old, 3, '13977700001');
  expect((await untilState(ctx.h, old, bills(3))).wrongNumber).toBe(false);
});
