// Litigation cases over HTTP on the real Temporal dev server: open a case for an enrolled account,
// read it, record steps (409 problem+json listing the steps that fit), list and filter cases.
import { CollectionClient } from '../../api/collection-client';
import { ROUTES } from '../../api/routes/table';
import { apiKeys } from '../../db/stores/api-keys';
import { addDays, localDateOf } from '../../domain/policy/calendar';
import { zoneAtLocalHour } from '../support/clock';
import { contractFetch } from '../support/contract';
import { type FreshDatabase } from '../support/db';
import { useE2eStack } from '../support/e2e-stack';
import { waitFor } from '../support/wait';

/** Every answer is checked against its route's response schema. */
const fetch = contractFetch(ROUTES);
const DAY = 86_400_000;

const stack = useE2eStack({ name: 'legal' });
let db: FreshDatabase;
let collection: CollectionClient;
let base: string;
const keys = {} as Record<'billing' | 'ops' | 'legal', string>;

beforeAll(async () => {
  ({ db, collection, base } = stack);
  for (const role of ['billing', 'ops', 'legal'] as const) keys[role] = (await apiKeys(db.pool).create(`legal-e2e-${role}`, [role])).key;
});

async function call(method: 'GET' | 'POST', url: string, role: keyof typeof keys, body?: unknown) {
  const res = await fetch(base + url, {
    method,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${keys[role]}` },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, type: res.headers.get('content-type'), body: (await res.json()) as Record<string, any> };
}

async function enrol(accountId: string) {
  const zone = zoneAtLocalHour(12, Date.now());
  const bill = {
    billId: `${accountId}-B1`,
    customerName: '郑十',
    phone: '13700000042',
    timezone: zone,
    amount: 88_000,
    currency: 'CNY',
    dueDate: addDays(localDateOf(Date.now(), zone), -3),
  };
  expect((await call('POST', `/v1/accounts/${accountId}/arrears`, 'billing', bill)).status).toBe(201);
  await waitFor(() => collection.state(accountId), { what: 'the episode to answer' });
}

const now = () => new Date().toISOString();

test('open a case by hand, read it, record steps: out of order is 409 listing the steps that fit; roles', async () => {
  await enrol('LEGAL-1');
  // only legal opens; ops reads
  expect((await call('POST', '/v1/legal/cases', 'ops', { caseId: 'C-1', accountId: 'LEGAL-1' })).status).toBe(403);
  expect((await call('POST', '/v1/legal/cases', 'legal', { caseId: 'C-0', accountId: 'LEGAL-NONE' })).status).toBe(404);
  const opened = await call('POST', '/v1/legal/cases', 'legal', { caseId: 'C-1', accountId: 'LEGAL-1' });
  expect(opened).toMatchObject({
    status: 201,
    body: { caseId: 'C-1', caseNumber: 'LC-C-1', accountId: 'LEGAL-1', state: 'referred', principal: 88_000, currency: 'CNY' },
  });
  expect((await call('POST', '/v1/legal/cases', 'legal', { caseId: 'C-1', accountId: 'LEGAL-1' })).status).toBe(200);
  // one open case per account; a case id names one account's case
  expect((await call('POST', '/v1/legal/cases', 'legal', { caseId: 'C-2', accountId: 'LEGAL-1' })).status).toBe(409);
  expect((await call('POST', '/v1/legal/cases', 'legal', { caseId: 'C-1', accountId: 'LEGAL-2' })).status).toBe(409);

  const view = await call('GET', '/v1/legal/cases/C-1', 'ops');
  expect(view).toMatchObject({ status: 200, body: { state: 'referred', allowedSteps: ['accept', 'decline'], workflowId: 'litigation-C-1', history: [] } });
  expect((await call('GET', '/v1/legal/cases/C-404', 'legal')).status).toBe(404);

  const judgment = { stepId: 'J1', step: 'judgment', amount: 88_000, costs: 500, servedAt: now() };
  const refused = await call('POST', '/v1/legal/cases/C-1/steps', 'legal', judgment);
  expect(refused).toMatchObject({ status: 409, body: { state: 'referred', allowedSteps: ['accept', 'decline'] } });
  expect(refused.type).toMatch(/^application\/problem\+json/);
  expect((await call('POST', '/v1/legal/cases/C-1/steps', 'ops', { stepId: 'A1', step: 'accept' })).status).toBe(403);

  expect(await call('POST', '/v1/legal/cases/C-1/steps', 'legal', { stepId: 'A1', step: 'accept', note: 'strong case' })).toMatchObject({
    status: 201,
    body: { state: 'accepted', duplicate: false, allowedSteps: expect.arrayContaining(['demand_letter_sent']) },
  });
  expect(await call('POST', '/v1/legal/cases/C-1/steps', 'legal', { stepId: 'A1', step: 'accept', note: 'strong case' })).toMatchObject({
    status: 200,
    body: { state: 'accepted', duplicate: true },
  });
  expect((await call('POST', '/v1/legal/cases/C-1/steps', 'legal', { stepId: 'A1', step: 'decline', note: 'weak' })).status).toBe(409);
  // bad input names the field; an unknown step is 400 too
  const bad = await call('POST', '/v1/legal/cases/C-1/steps', 'legal', {
    stepId: 'S1',
    step: 'suit_filed',
    court: 'X',
    claimAmount: 1,
    courtFee: 0,
    procedure: 'fast',
    filedAt: now(),
  });
  expect(bad.status).toBe(400);
  expect(bad.body['errors'].map((e: { field: string }) => e.field)).toContain('body.procedure');
  expect((await call('POST', '/v1/legal/cases/C-1/steps', 'legal', { stepId: 'S2', step: 'sue' })).status).toBe(400);

  for (const step of [
    { stepId: 'D1', step: 'demand_letter_sent', sentAt: now(), deadlineDays: 10 },
    { stepId: 'P1', step: 'payment_order_applied', court: '朝阳区人民法院', appliedAt: now() },
    { stepId: 'P2', step: 'payment_order_served', servedAt: now() },
  ]) {
    expect((await call('POST', '/v1/legal/cases/C-1/steps', 'legal', step)).status).toBe(201);
  }
  const served = await call('GET', '/v1/legal/cases/C-1', 'legal');
  expect(served.body).toMatchObject({ state: 'payment_order_served', court: '朝阳区人民法院', nextDeadline: { kind: 'objection_window', status: 'open' } });
  expect(served.body['history'].map((h: { step: string }) => h.step)).toEqual([
    'accept',
    'demand_letter_sent',
    'payment_order_applied',
    'payment_order_served',
  ]);

  // mutating requests leave audit rows, refused ones included
  const { rows } = await db.pool.query("SELECT status FROM audit_events WHERE route = '/v1/legal/cases/:caseId/steps' ORDER BY id");
  expect(rows.map((r) => r.status)).toEqual([409, 403, 201, 200, 409, 400, 400, 201, 201, 201]);
});

test('the case list: filtered by state, court, procedure and next deadline, paged', async () => {
  await enrol('LEGAL-3');
  await enrol('LEGAL-4');
  expect((await call('POST', '/v1/legal/cases', 'legal', { caseId: 'C-3', accountId: 'LEGAL-3', caseNumber: '法诉-2026-003' })).status).toBe(201);
  expect((await call('POST', '/v1/legal/cases', 'legal', { caseId: 'C-4', accountId: 'LEGAL-4' })).status).toBe(201);
  for (const step of [
    { stepId: 'C3-A', step: 'accept' },
    { stepId: 'C3-D', step: 'demand_letter_sent', sentAt: now(), deadlineDays: 7 },
    { stepId: 'C3-S', step: 'suit_filed', court: '海淀区人民法院', claimAmount: 88_000, courtFee: 1_100, procedure: 'small_claims', filedAt: now() },
  ]) {
    expect((await call('POST', '/v1/legal/cases/C-3/steps', 'legal', step)).status).toBe(201);
  }
  expect((await call('POST', '/v1/legal/cases/C-4/steps', 'legal', { stepId: 'C4-A', step: 'accept' })).status).toBe(201);
  expect(
    (await call('POST', '/v1/legal/cases/C-4/steps', 'legal', { stepId: 'C4-D', step: 'demand_letter_sent', sentAt: now(), deadlineDays: 7 })).status,
  ).toBe(201);
  // the row follows the workflow (written by its activity)
  const list = async (q: string) => (await call('GET', `/v1/legal/cases${q}`, 'ops')).body as { cases: { caseId: string }[]; next?: string };
  await waitFor(async () => ((await list('?state=suit_filed')).cases.some((c) => c.caseId === 'C-3') ? true : undefined), { what: 'the case row' });
  expect((await list('?state=suit_filed')).cases.map((c) => c.caseId)).toEqual(['C-3']);
  expect((await list('?court=海淀区人民法院&procedure=small_claims')).cases.map((c) => c.caseId)).toEqual(['C-3']);
  expect((await list('?procedure=ordinary')).cases).toEqual([]);
  // C-4's next deadline is the demand letter's reply, 7 court days out; C-3's was met by the suit,
  // C-1's (the first test) is the objection window, 15 days out
  const soon = encodeURIComponent(new Date(Date.now() + 10 * DAY).toISOString());
  await waitFor(async () => ((await list(`?deadlineBefore=${soon}`)).cases.length ? true : undefined), { what: 'C-4 row' });
  expect((await list(`?deadlineBefore=${encodeURIComponent(new Date(Date.now() + 20 * DAY).toISOString())}`)).cases.map((c) => c.caseId)).toEqual([
    'C-1',
    'C-4',
  ]);
  expect((await list(`?deadlineBefore=${soon}`)).cases.map((c) => c.caseId)).toEqual(['C-4']);
  expect((await list(`?deadlineBefore=${encodeURIComponent(now())}`)).cases).toEqual([]);
  const first = await list('?limit=1');
  expect(first.cases).toHaveLength(1);
  expect(first.next).toBe(first.cases[0]!.caseId);
  const second = await list(`?limit=1&after=${first.next}`);
  expect(second.cases[0]!.caseId > first.next!).toBe(true);
  expect((await call('GET', '/v1/legal/cases?state=nonsense', 'legal')).status).toBe(400);
  expect((await call('GET', '/v1/legal/cases', 'billing')).status).toBe(403);
});
