// Steering routes end to end on the real Temporal dev server (issue 11): pause, resume, escalate,
// skip and emergency restore (ops, reason required, audited), and the agency outcome (an agency
// key reaches only the accounts referred to its agency: another answers 403 problem+json).
import { ROUTES } from '../../api/routes/table';
import { apiKeys } from '../../db/stores/api-keys';
import { ledgerEntries } from '../../db/stores/ledger-entries';
import { addDays, localDateOf } from '../../domain/policy/calendar';
import { DEFAULT_POLICY } from '../../domain/policy/default-policy';
import type { CollectionPolicy } from '../../domain/policy/types';
import { zoneAtLocalHour } from '../support/clock';
import { contractFetch } from '../support/contract';
import { useE2eStack } from '../support/e2e-stack';
import { waitFor } from '../support/wait';
import { STEERING_ROUTES_COVERED } from './steering.covered';

const fetch = contractFetch(ROUTES);
type Who = 'billing' | 'ops' | 'admin' | 'east' | 'west';
const stack = useE2eStack({ name: 'steering' });
const keys = {} as Record<Who, string>;

beforeAll(async () => {
  const store = apiKeys(stack.db.pool);
  for (const role of ['billing', 'ops', 'admin'] as const) keys[role] = (await store.create(`steer-e2e-${role}`, [role])).key;
  keys.east = (await store.create('agency-east', ['agency'], { agency: 'agency-east' })).key;
  keys.west = (await store.create('agency-west', ['agency'], { agency: 'agency-west' })).key;
});

async function post(url: string, body: unknown, who: Who) {
  const res = await fetch(stack.base + url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${keys[who]}` },
    body: JSON.stringify(body),
  });
  return { status: res.status, type: res.headers.get('content-type') ?? '', body: (await res.json()) as Record<string, any> };
}

const zone = () => zoneAtLocalHour(12, Date.now());
const auditRows = async (accountId: string) =>
  (
    await stack.db.pool.query<{ route: string; status: number; outcome: string }>(
      'SELECT route, status, outcome FROM audit_events WHERE account_id = $1 ORDER BY id',
      [accountId],
    )
  ).rows;

test('pause, resume, escalate, skip, emergency restore: ops with a reason, each audited', async () => {
  const accountId = 'STEER-1';
  const z = zone();
  const bill = {
    billId: 'STEER-1-B1',
    customerName: '吴九',
    phone: '13700000091',
    timezone: z,
    amount: 12_050,
    currency: 'CNY',
    dueDate: addDays(localDateOf(Date.now(), z), -3),
  };
  expect((await post(`/v1/accounts/${accountId}/arrears`, bill, 'billing')).status).toBe(201);
  await waitFor(async () => ((await stack.collection.state(accountId))?.steps.some((s) => s.stepId === 'sms') ? true : undefined), { what: 'the SMS' });

  const url = (what: string) => `/v1/accounts/${accountId}/${what}`;
  const noReason = await post(url('pause'), {}, 'ops');
  expect(noReason.status).toBe(400);
  expect(noReason.body['errors']).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'body.reason' })]));
  expect((await post(url('pause'), { reason: 'x' }, 'billing')).status).toBe(403);
  expect((await post(url('pause'), { reason: 'x', until: 'tomorrow' }, 'ops')).body['errors'][0].field).toBe('body.until');

  const until = new Date(Date.now() + 5 * 86_400_000).toISOString();
  const paused = await post(url('pause'), { reason: 'hardship', requestId: 'STEER-1-P1', until }, 'ops');
  expect(paused).toMatchObject({ status: 201, body: { accountId, episodeId: 'STEER-1-B1', kind: 'pause', paused: { until, reason: 'hardship' } } });
  // the same request id again: the same answer
  expect((await post(url('pause'), { reason: 'hardship', requestId: 'STEER-1-P1', until }, 'ops')).body).toEqual(paused.body);
  const view = await stack.collection.state(accountId);
  expect(view).toMatchObject({ paused: { until, reason: 'hardship' }, next: null });
  expect((await post(url('escalate'), { reason: 'now' }, 'ops')).status).toBe(422);

  expect(await post(url('resume'), { reason: 'customer called' }, 'ops')).toMatchObject({ status: 201, body: { kind: 'resume', paused: null } });
  expect(await post(url('skip'), { reason: 'no robots', stepId: 'call-3' }, 'ops')).toMatchObject({ status: 422 });
  expect(await post(url('skip'), { reason: 'no robots', stepId: 'voice' }, 'ops')).toMatchObject({ status: 201, body: { kind: 'skip', stepId: 'voice' } });
  expect(await post(url('escalate'), { reason: 'manager decided' }, 'ops')).toMatchObject({ status: 201, body: { kind: 'escalate', stepId: 'call-1' } });
  // the line is active: nothing to restore
  expect(await post(url('emergency-restore'), { reason: 'hospital' }, 'ops')).toMatchObject({ status: 422 });
  expect((await post(url('emergency-restore'), {}, 'ops')).status).toBe(400);
  expect((await post('/v1/accounts/STEER-NONE/resume', { reason: 'x' }, 'ops')).status).toBe(404);

  const s = await waitFor(
    async () => {
      const x = await stack.collection.state(accountId);
      return x?.steps.some((st) => st.stepId === 'call-1') ? x : undefined;
    },
    { what: 'the escalated call' },
  );
  expect(s.steps.map((x) => [x.stepId, x.outcome])).toEqual([
    ['sms', 'done'],
    ['voice', 'skipped'],
    ['call-1', 'done'],
  ]);
  expect(s.steering.map((e) => e.kind)).toEqual(['pause', 'resume', 'skip', 'escalate']);
  expect(s.steering[0]!.by).toMatch(/^key:[0-9a-f]{16}:steer-e2e-ops$/);

  const rows = (await auditRows(accountId)).filter((r) => r.route !== '/v1/accounts/:accountId/arrears');
  expect(rows.map((r) => [r.route.split('/').pop(), r.status])).toEqual([
    ['pause', 400],
    ['pause', 403],
    ['pause', 400],
    ['pause', 201],
    ['pause', 201],
    ['escalate', 422],
    ['resume', 201],
    ['skip', 422],
    ['skip', 201],
    ['escalate', 201],
    ['emergency-restore', 422],
    ['emergency-restore', 400],
  ]);
  expect(rows[3]!.outcome).toBe('pause accepted');
});

test('agency outcome: only an agency key of the account’s agency (or admin); another agency is 403 problem+json', async () => {
  // A policy whose first rung refers the account to agency-east, so the real clock reaches it.
  const policy: CollectionPolicy = {
    ...DEFAULT_POLICY,
    id: 'e2e-agency',
    ladders: { ...DEFAULT_POLICY.ladders, standard: [{ id: 'agency-referral', action: 'agency_referral', at: { kind: 'days_after_due', days: 1 } }] },
    steering: { restoreHoldDays: 7, defaultAgencyId: 'agency-east' },
  };
  const z = zone();
  const accountId = 'STEER-AG-1';
  await stack.collection.enrol({
    accountId,
    customer: { name: '郑十', phone: '13700000092', segment: 'consumer', lists: [], timezone: z },
    bill: { billId: 'STEER-AG-1-B1', amount: 50_000, currency: 'CNY', dueDate: addDays(localDateOf(Date.now(), z), -3) },
    policy,
  });
  // enrolled around the API (for its own policy): its charge booked as the API books one, so the teardown's reconcile agrees
  await ledgerEntries(stack.db.pool).append({
    key: 'charge:STEER-AG-1-B1',
    accountId,
    episodeId: 'STEER-AG-1-B1',
    kind: 'charge',
    amount: 50_000,
    currency: 'CNY',
    billId: 'STEER-AG-1-B1',
  });
  await waitFor(async () => ((await stack.collection.state(accountId))?.agency === 'agency-east' ? true : undefined), { what: 'the referral' });
  const url = `/v1/accounts/${accountId}/agency-outcomes`;

  const wrong = await post(url, { outcome: 'collected' }, 'west');
  expect(wrong.status).toBe(403);
  expect(wrong.type).toMatch(/^application\/problem\+json/);
  expect(wrong.body['detail']).toBe(`account ${accountId} is not referred to agency agency-west`);
  expect((await post('/v1/accounts/STEER-NONE/agency-outcomes', { outcome: 'collected' }, 'east')).status).toBe(403);
  expect((await post(url, { outcome: 'collected' }, 'ops')).status).toBe(403);
  expect((await post(url, { outcome: 'paid' }, 'east')).body['errors'][0].field).toBe('body.outcome');

  const ok = await post(url, { outcome: 'returned', note: 'customer moved abroad' }, 'east');
  expect(ok).toMatchObject({ status: 202, body: { accountId, episodeId: 'STEER-AG-1-B1', agency: 'agency-east', outcome: 'returned', recorded: true } });
  await waitFor(async () => ((await stack.collection.state(accountId))?.agencyOutcome?.outcome === 'returned' ? true : undefined), { what: 'the outcome' });
  expect((await post(url, { outcome: 'uncollectable' }, 'admin')).status).toBe(202);

  const rows = await auditRows(accountId);
  expect(rows.map((r) => [r.status, r.outcome])).toEqual([
    [403, 'forbidden'],
    [403, 'forbidden'],
    [400, 'invalid:body.outcome'],
    [202, 'agency outcome returned sent'],
    [202, 'agency outcome uncollectable sent'],
  ]);
});

test('the answers checked against their schemas cover exactly the steering routes', () => {
  expect([...fetch.checked.keys()].filter((op) => STEERING_ROUTES_COVERED.includes(op)).sort()).toEqual([...STEERING_ROUTES_COVERED].sort());
});
