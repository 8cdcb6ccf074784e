// Operations routes end to end on the real Temporal dev server: alerts (list, acknowledge), a
// late-fee waiver, closing an episode by hand, contact preferences carried into a later episode.
import { CollectionClient } from '../../api/collection-client';
import { ROUTES } from '../../api/routes/table';
import { apiKeys } from '../../db/stores/api-keys';
import { collectionRecords } from '../../db/stores/collection-records';
import { addDays, localDateOf } from '../../domain/policy/calendar';
import { zoneAtLocalHour } from '../support/clock';
import { contractFetch } from '../support/contract';
import { type FreshDatabase } from '../support/db';
import { useE2eStack } from '../support/e2e-stack';
import { waitFor } from '../support/wait';
import { OPS_ROUTES_COVERED } from './ops-routes.covered';

const fetch = contractFetch(ROUTES);
type Role = 'billing' | 'ops' | 'finance' | 'admin';

const stack = useE2eStack({ name: 'ops' });
let db: FreshDatabase;
let collection: CollectionClient;
let base: string;
const keys = {} as Record<Role, { keyId: string; key: string }>;

beforeAll(async () => {
  ({ db, collection, base } = stack);
  for (const role of ['billing', 'ops', 'finance', 'admin'] as const) keys[role] = await apiKeys(db.pool).create(`ops-e2e-${role}`, [role]);
});

async function call(method: string, url: string, role: Role, body?: unknown) {
  const res = await fetch(base + url, {
    method,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${keys[role].key}` },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}
const post = (url: string, body: unknown, role: Role) => call('POST', url, role, body);

const zone = () => zoneAtLocalHour(12, Date.now());

/** Posts an overdue bill (due `daysAgo` days ago, customer-local) and waits for the episode to answer. */
async function enrol(accountId: string, billId: string, daysAgo = 3, amount = 12_050) {
  const z = zone();
  const bill = {
    billId,
    customerName: '吴九',
    phone: '13700000099',
    timezone: z,
    amount,
    currency: 'CNY',
    dueDate: addDays(localDateOf(Date.now(), z), -daysAgo),
  };
  expect((await post(`/v1/accounts/${accountId}/arrears`, bill, 'billing')).status).toBe(201);
  return waitFor(async () => {
    const s = await collection.state(accountId);
    return s?.episodeId === billId ? s : undefined;
  });
}

const auditRows = async (route: string) =>
  (
    await db.pool.query<{ status: number; outcome: string; key_id: string }>('SELECT status, outcome, key_id FROM audit_events WHERE route = $1 ORDER BY id', [
      route,
    ])
  ).rows;

describe('alerts', () => {
  const a = { key: 'OPS-A/E1/1/step/sms/failed', kind: 'e2e_failed', accountId: 'OPS-A', episodeId: 'E1', message: 'sms failed after retries' };
  const b = { key: 'OPS-A/E1/restore/1/at-risk', kind: 'e2e_at_risk', accountId: 'OPS-A', episodeId: 'E1', message: 'service not restored' };
  const c = { key: 'OPS-A/E1/restore/2/at-risk', kind: 'e2e_at_risk', accountId: 'OPS-A', episodeId: 'E1', message: 'service not restored again' };

  beforeAll(async () => {
    const records = collectionRecords(db.pool);
    for (const alert of [a, b, c]) await records.raiseAlert(alert);
  });

  test('list by kind and openness, newest first, paged', async () => {
    const all = await call('GET', '/v1/alerts?kind=e2e_at_risk', 'ops');
    expect(all.status).toBe(200);
    expect(all.body['alerts'].map((x: { key: string }) => x.key)).toEqual([c.key, b.key]);
    expect(all.body['alerts'][0]).toMatchObject({ kind: 'e2e_at_risk', accountId: 'OPS-A', acknowledged: null });

    const first = await call('GET', '/v1/alerts?kind=e2e_at_risk&limit=1', 'ops');
    expect(first.body['alerts'].map((x: { key: string }) => x.key)).toEqual([c.key]);
    const second = await call('GET', `/v1/alerts?kind=e2e_at_risk&limit=1&before=${first.body['next']}`, 'ops');
    expect(second.body['alerts'].map((x: { key: string }) => x.key)).toEqual([b.key]);
    expect(second.body['next']).toBeUndefined();

    const bad = await call('GET', '/v1/alerts?open=yes', 'ops');
    expect(bad.status).toBe(400);
    expect(bad.body['errors'][0].field).toBe('query.open');
    expect((await call('GET', '/v1/alerts', 'billing')).status).toBe(403);
  });

  test('acknowledge: who, when, note; the first one stands; open=true no longer lists it', async () => {
    const url = `/v1/alerts/${encodeURIComponent(a.key)}/acknowledge`;
    expect((await post(url, { note: 'x' }, 'finance')).status).toBe(403);
    expect((await post(url, { note: '' }, 'ops')).body['errors'][0].field).toBe('body.note');

    const first = await post(url, { note: 'provider outage, resent by hand' }, 'ops');
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ key: a.key, acknowledged: { by: expect.stringContaining(keys.ops.keyId), note: 'provider outage, resent by hand' } });
    const again = await post(url, { note: 'second thoughts' }, 'admin');
    expect(again.status).toBe(200);
    expect(again.body['acknowledged']).toEqual(first.body['acknowledged']);

    const { rows } = await db.pool.query('SELECT acknowledged_by, acknowledgement_note FROM alerts WHERE alert_key = $1', [a.key]);
    expect(rows).toEqual([{ acknowledged_by: `key:${keys.ops.keyId}:ops-e2e-ops`, acknowledgement_note: 'provider outage, resent by hand' }]);

    const open = await call('GET', '/v1/alerts?open=true&kind=e2e_failed', 'ops');
    expect(open.body['alerts']).toEqual([]);
    const done = await call('GET', '/v1/alerts?open=false&kind=e2e_failed', 'ops');
    expect(done.body['alerts'].map((x: { key: string }) => x.key)).toEqual([a.key]);
    expect((await call('GET', '/v1/alerts?open=true&kind=e2e_at_risk', 'ops')).body['alerts']).toHaveLength(2);

    expect((await post(`/v1/alerts/${encodeURIComponent('OPS-A/none')}/acknowledge`, {}, 'ops')).status).toBe(404);
    expect((await auditRows('/v1/alerts/:key/acknowledge')).map((r) => r.status)).toEqual([403, 400, 201, 200, 404]);
  });
});

describe('late-fee waiver', () => {
  test('reaches the episode; more than is due refused; roles ops and finance', async () => {
    const state = await enrol('OPS-W', 'OPS-W-B1');
    const due = state.lateFee!.due;
    expect(due).toBeGreaterThan(1); // 3‰ a day on 120.50 for two whole days past due
    const url = '/v1/accounts/OPS-W/late-fee-waivers';
    const waiver = { adjustmentId: 'W1', amount: 1, reason: 'first late payment in ten years' };

    expect((await post(url, waiver, 'billing')).status).toBe(403);
    const missing = await post(url, { adjustmentId: 'W1', amount: 1 }, 'finance');
    expect(missing.status).toBe(400);
    expect(missing.body['errors'].map((e: { field: string }) => e.field)).toEqual(['body.reason']);

    const first = await post(url, waiver, 'finance');
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ adjustmentId: 'W1', lateFee: { waived: 1, due: due - 1 } });
    // the same adjustment again is the same waiver
    expect((await post(url, waiver, 'ops')).body).toMatchObject({ lateFee: { waived: 1 } });

    const tooMuch = await post(url, { adjustmentId: 'W2', amount: due + 100, reason: 'all of it' }, 'ops');
    expect(tooMuch.status).toBe(422);
    expect(tooMuch.body['detail']).toMatch(/cannot exceed the late fee due/);

    const after = await collection.state('OPS-W');
    expect(after!.lateFee).toMatchObject({ waived: 1 });
    expect((await post('/v1/accounts/OPS-NONE/late-fee-waivers', waiver, 'ops')).status).toBe(404);
  });
});

describe('closing an episode', () => {
  test('admin only, reason required; the episode closes; who and why recorded', async () => {
    const state = await enrol('OPS-C', 'OPS-C-B1');
    const url = '/v1/accounts/OPS-C/close';
    expect((await post(url, { reason: 'customer deceased' }, 'ops')).status).toBe(403);
    expect((await post(url, { reason: 'customer deceased' }, 'finance')).status).toBe(403);
    const noReason = await post(url, {}, 'admin');
    expect(noReason.status).toBe(400);
    expect(noReason.body['errors'][0].field).toBe('body.reason');

    const closed = await post(url, { reason: 'account transferred to a new holder', note: 'ticket 4411' }, 'admin');
    expect(closed.status).toBe(202);
    expect(closed.body).toEqual({ accountId: 'OPS-C', episodeId: state.episodeId, statusBefore: 'open', closing: true });
    await waitFor(async () => ((await collection.state('OPS-C'))?.status === 'closed' ? true : undefined), { what: 'the episode closed' });

    const { rows } = await db.pool.query('SELECT episode_id, reason, closed_by FROM episode_closures WHERE account_id = $1', ['OPS-C']);
    expect(rows).toEqual([
      { episode_id: 'OPS-C-B1', reason: 'account transferred to a new holder (note: ticket 4411)', closed_by: `key:${keys.admin.keyId}:ops-e2e-admin` },
    ]);
    // nothing left to close, and no update reaches a closed episode
    expect((await post(url, { reason: 'again' }, 'admin')).status).toBe(404);
    expect((await post('/v1/accounts/OPS-C/late-fee-waivers', { adjustmentId: 'W9', amount: 1, reason: 'late' }, 'ops')).status).toBe(404);
    expect((await post('/v1/accounts/OPS-NEVER/close', { reason: 'x' }, 'admin')).status).toBe(404);
    expect((await auditRows('/v1/accounts/:accountId/close')).map((r) => r.status)).toEqual([403, 403, 400, 202, 404, 404]);
  });
});

describe('contact preferences', () => {
  test('stored with source and time, sent to the open episode; hours inside the lawful window', async () => {
    await enrol('OPS-P', 'OPS-P-B1');
    const url = '/v1/accounts/OPS-P/contact-preferences';
    const prefs = { optOut: true, secondNumber: '13900000001', preferredHours: { start: '18:00', end: '20:30' }, source: 'counter' };
    expect((await call('PUT', url, 'billing', prefs)).status).toBe(403);
    const early = await call('PUT', url, 'ops', { ...prefs, preferredHours: { start: '07:00', end: '09:00' } });
    expect(early.status).toBe(422);
    expect(early.body['detail']).toMatch(/outside the lawful contact window 08:00–21:00/);
    const backwards = await call('PUT', url, 'ops', { ...prefs, preferredHours: { start: '20:00', end: '19:00' } });
    expect(backwards.status).toBe(400);
    expect(backwards.body['errors'].map((e: { field: string }) => e.field)).toEqual(['body.preferredHours.end']);
    expect((await call('PUT', url, 'ops', { optOut: true })).body['errors'].map((e: { field: string }) => e.field)).toEqual(['body.source']);
    expect((await call('PUT', '/v1/accounts/OPS-UNKNOWN/contact-preferences', 'ops', prefs)).status).toBe(404);

    const stored = await call('PUT', url, 'ops', prefs);
    expect(stored.status).toBe(200);
    expect(stored.body).toMatchObject({ accountId: 'OPS-P', ...prefs, setBy: `key:${keys.ops.keyId}:ops-e2e-ops`, episode: 'signalled' });
    await waitFor(async () => ((await collection.state('OPS-P'))?.optedOut ? true : undefined), { what: 'the episode opted out' });
    const { rows } = await db.pool.query(
      'SELECT opt_out, second_number, preferred_start, preferred_end, source FROM contact_preferences WHERE account_id = $1',
      ['OPS-P'],
    );
    expect(rows).toEqual([{ opt_out: true, second_number: '13900000001', preferred_start: '18:00', preferred_end: '20:30', source: 'counter' }]);

    // opting back in is a new row; the episode follows
    const back = await call('PUT', url, 'ops', { optOut: false, source: 'app' });
    expect(back.body).toMatchObject({ optOut: false, episode: 'signalled' });
    await waitFor(async () => ((await collection.state('OPS-P'))?.optedOut === false ? true : undefined), { what: 'the episode opted in' });
    expect((await auditRows('/v1/accounts/:accountId/contact-preferences')).map((r) => r.status)).toEqual([403, 422, 400, 400, 404, 200, 200]);
  });
});

test('the answers checked against their schemas cover exactly the routes this file owns', () => {
  expect([...fetch.checked.keys()].filter((op) => OPS_ROUTES_COVERED.includes(op) || op === '(no route)').sort()).toEqual([...OPS_ROUTES_COVERED].sort());
});
