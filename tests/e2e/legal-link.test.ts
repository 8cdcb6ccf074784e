// The episode <-> case link over HTTP on the real Temporal dev server (ADR 12): a case opened by
// hand reaches the episode, the court case number too; enforcement money and an ordinary payment
// (POST /v1/payments) pay the debt: case closed collected, episode paid; a declined case leaves
// the episode collecting, with the reason.
import { CollectionClient } from '../../api/collection-client';
import { ROUTES } from '../../api/routes/table';
import { apiKeys } from '../../db/stores/api-keys';
import { addDays, localDateOf } from '../../domain/policy/calendar';
import { zoneAtLocalHour } from '../support/clock';
import { contractFetch } from '../support/contract';
import { type FreshDatabase } from '../support/db';
import { useE2eStack } from '../support/e2e-stack';
import { rowsEventually, waitFor } from '../support/wait';

/** Every answer is checked against its route's response schema. */
const fetch = contractFetch(ROUTES);

const stack = useE2eStack({ name: 'legal-link' });
let db: FreshDatabase;
let collection: CollectionClient;
let base: string;
const keys = {} as Record<'billing' | 'ops' | 'legal', string>;

beforeAll(async () => {
  ({ db, collection, base } = stack);
  for (const role of ['billing', 'ops', 'legal'] as const) keys[role] = (await apiKeys(db.pool).create(`legal-link-e2e-${role}`, [role])).key;
});

async function call(method: 'GET' | 'POST', url: string, role: keyof typeof keys, body?: unknown) {
  const res = await fetch(base + url, {
    method,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${keys[role]}` },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

async function enrol(accountId: string, amount: number) {
  const zone = zoneAtLocalHour(12, Date.now());
  const bill = {
    billId: `${accountId}-B1`,
    customerName: '郑十',
    phone: '13700000042',
    timezone: zone,
    amount,
    currency: 'CNY',
    dueDate: addDays(localDateOf(Date.now(), zone), -3),
  };
  expect((await call('POST', `/v1/accounts/${accountId}/arrears`, 'billing', bill)).status).toBe(201);
  await waitFor(() => collection.state(accountId), { what: 'the episode to answer' });
}

const now = () => new Date().toISOString();
const episode = (accountId: string) => call('GET', `/v1/accounts/${accountId}/collection`, 'ops');

async function step(caseId: string, body: Record<string, unknown>) {
  const r = await call('POST', `/v1/legal/cases/${caseId}/steps`, 'legal', body);
  expect(r.status).toBe(201);
  return r.body;
}

test('a case opened by hand reaches the episode; enforcement money and an ordinary payment close case (collected) and episode (paid)', async () => {
  await enrol('LINK-1', 60_000);
  expect((await call('POST', '/v1/legal/cases', 'legal', { caseId: 'CL-1', accountId: 'LINK-1' })).status).toBe(201);
  const linked = await waitFor(async () => {
    const e = await episode('LINK-1');
    return e.body['litigation'] ? e.body : undefined;
  });
  expect(linked['litigation']).toMatchObject({ caseId: 'CL-1', caseNumber: 'LC-CL-1', courtCaseNumber: null, status: 'open' });

  await step('CL-1', { stepId: 'S1', step: 'accept' });
  await step('CL-1', { stepId: 'S2', step: 'demand_letter_sent', sentAt: now(), deadlineDays: 10 });
  await step('CL-1', {
    stepId: 'S3',
    step: 'suit_filed',
    court: '朝阳区人民法院',
    claimAmount: 60_000,
    courtFee: 900,
    procedure: 'small_claims',
    filedAt: now(),
  });
  await step('CL-1', { stepId: 'S4', step: 'case_accepted', courtCaseNumber: '(2026)京0105民初42号' });
  await step('CL-1', { stepId: 'S5', step: 'judgment', amount: 60_000, costs: 400, servedAt: now() });
  await step('CL-1', { stepId: 'S6', step: 'enforcement_applied', at: now() });
  await step('CL-1', { stepId: 'S7', step: 'enforcement_collected', amount: 25_000 });

  const mid = await waitFor(async () => {
    const e = await episode('LINK-1');
    return e.body['paid'] === 25_000 && e.body['litigation']?.courtCaseNumber ? e.body : undefined;
  });
  expect(mid['litigation']).toMatchObject({ courtCaseNumber: '(2026)京0105民初42号', paidSinceReferral: 25_000 });
  // the enforcement money went through the payment path: it has a payment record
  const pay = await call('GET', `/v1/payments/${encodeURIComponent('enforcement:CL-1:S7')}`, 'billing');
  expect(pay).toMatchObject({ status: 200 });
  const money = await waitFor(async () => {
    const v = await call('GET', '/v1/legal/cases/CL-1', 'legal');
    return v.body['money']?.paidSinceReferral === 25_000 ? v.body['money'] : undefined;
  });
  expect(money).toMatchObject({ principal: 60_000, balance: 35_000, courtFee: 900, judgmentCosts: 400, collectedByEnforcement: 25_000 });
  await rowsEventually(
    async () => (await db.pool.query('SELECT litigation_case_id, litigation_case_number FROM episode_read_model WHERE account_id = $1', ['LINK-1'])).rows,
    [{ litigation_case_id: 'CL-1', litigation_case_number: '(2026)京0105民初42号' }],
  );

  const paid = await call('POST', '/v1/payments', 'billing', {
    paymentId: 'LINK-1-P1',
    accountId: 'LINK-1',
    amount: 35_000,
    currency: 'CNY',
    paidAt: now(),
    channel: 'bank',
  });
  expect(paid.status).toBe(201);
  await waitFor(async () => ((await call('GET', '/v1/legal/cases/CL-1', 'legal')).body['state'] === 'closed' ? true : undefined), {
    what: 'the case to close',
  });
  const closed = await call('GET', '/v1/legal/cases/CL-1', 'legal');
  expect(closed.body).toMatchObject({ state: 'closed', outcome: 'collected', allowedSteps: [] });
  await waitFor(async () => ((await episode('LINK-1')).body['status'] === 'paid' ? true : undefined), { what: 'the episode to end paid' });
});

test('a declined case: the episode shows the reason and keeps collecting', async () => {
  await enrol('LINK-2', 30_000);
  expect((await call('POST', '/v1/legal/cases', 'legal', { caseId: 'CL-2', accountId: 'LINK-2' })).status).toBe(201);
  await waitFor(async () => ((await episode('LINK-2')).body['litigation'] ? true : undefined), { what: 'the episode to learn its case' });
  await step('CL-2', { stepId: 'D1', step: 'decline', note: 'amount below the suing threshold' });
  const e = await waitFor(async () => {
    const x = await episode('LINK-2');
    return x.body['litigation']?.status === 'declined' ? x.body : undefined;
  });
  expect(e['status']).toBe('open');
  expect(e['litigation']).toMatchObject({ caseId: 'CL-2', status: 'declined', reason: 'amount below the suing threshold' });
});
