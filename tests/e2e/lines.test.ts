// Accounts with several lines (issue 13, ADR 17) through the API on the real Temporal dev server:
// arrears with `lines` → GET collection shows each line with its service, state and number (the
// number from PostgreSQL, never the workflow); without `lines` the single phone is line L1; a bad
// line is a 400 naming the field.
import { ROUTES } from '../../api/routes/table';
import { apiKeys } from '../../db/stores/api-keys';
import { addDays, localDateOf } from '../../domain/policy/calendar';
import { zoneAtLocalHour } from '../support/clock';
import { contractFetch } from '../support/contract';
import { useE2eStack } from '../support/e2e-stack';
import { waitFor } from '../support/wait';
import { testDataConverter } from '../support/temporal';

const cfetch = contractFetch(ROUTES);
const stack = useE2eStack({ name: 'lines' });
const keys = {} as Record<'billing' | 'ops', string>;
const zone = zoneAtLocalHour(12, Date.now());
const today = localDateOf(Date.now(), zone);

beforeAll(async () => {
  for (const role of ['billing', 'ops'] as const) keys[role] = (await apiKeys(stack.db.pool).create(`lines-${role}`, [role])).key;
});

async function call(method: 'GET' | 'POST', url: string, role: 'billing' | 'ops', body?: unknown) {
  const res = await cfetch(stack.base + url, {
    method,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${keys[role]}` },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

const bill = (billId: string) => ({
  billId,
  customerName: '孙七',
  phone: '13700000201',
  timezone: zone,
  amount: 5_000,
  currency: 'CNY',
  dueDate: addDays(today, -3),
});

test('arrears with lines: GET collection shows every line with its service, state and number', async () => {
  const lines = [
    { lineId: 'M1', number: '13700000201', service: 'mobile' },
    { lineId: 'BB', number: '02012345678', service: 'broadband' },
    { lineId: 'TV', number: '88001234', service: 'tv' },
  ];
  expect((await call('POST', '/v1/accounts/LINES-1/arrears', 'billing', { ...bill('LINES-1-B1'), lines })).status).toBe(201);
  const view = await waitFor(async () => {
    const r = await call('GET', '/v1/accounts/LINES-1/collection', 'ops');
    return r.status === 200 ? r.body : undefined;
  });
  expect(view['lines']).toEqual([
    { lineId: 'M1', service: 'mobile', state: 'active', suspendedAt: null, number: '13700000201' },
    { lineId: 'BB', service: 'broadband', state: 'active', suspendedAt: null, number: '02012345678' },
    { lineId: 'TV', service: 'tv', state: 'active', suspendedAt: null, number: '88001234' },
  ]);
  expect(view['service']).toBe('active');
  // the read model: the list shows each line's state
  const listed = await waitFor(async () => {
    const r = await call('GET', '/v1/accounts?limit=100', 'ops');
    const row = (r.body['accounts'] as Record<string, any>[]).find((a) => a['accountId'] === 'LINES-1');
    return row?.['lines'] ? row : undefined;
  });
  expect(listed['lines']).toEqual([
    { lineId: 'M1', service: 'mobile', state: 'active' },
    { lineId: 'BB', service: 'broadband', state: 'active' },
    { lineId: 'TV', service: 'tv', state: 'active' },
  ]);
  expect(listed['service']).toBe('active');
  // the workflow holds ids and services only: no number in its start input
  const history = await stack.client.workflow.getHandle('collection-LINES-1').fetchHistory();
  // the history's payloads are encrypted (ADR 20): decrypt with the stack's codec first
  const [payload] = await testDataConverter().payloadCodecs![0]!.decode([history.events![0]!.workflowExecutionStartedEventAttributes!.input!.payloads![0]!]);
  const input = JSON.parse(Buffer.from(payload!.data!).toString('utf8')) as { lines: unknown[] };
  expect(input.lines).toEqual([
    { lineId: 'M1', service: 'mobile' },
    { lineId: 'BB', service: 'broadband' },
    { lineId: 'TV', service: 'tv' },
  ]);
});

test('arrears without lines: the phone is the single mobile line L1', async () => {
  expect((await call('POST', '/v1/accounts/LINES-2/arrears', 'billing', bill('LINES-2-B1'))).status).toBe(201);
  const view = await waitFor(async () => {
    const r = await call('GET', '/v1/accounts/LINES-2/collection', 'ops');
    return r.status === 200 ? r.body : undefined;
  });
  expect(view['lines']).toEqual([{ lineId: 'L1', service: 'mobile', state: 'active', suspendedAt: null, number: '13700000201' }]);
});

test('a bad line is a 400 naming the field', async () => {
  const dup = await call('POST', '/v1/accounts/LINES-3/arrears', 'billing', {
    ...bill('LINES-3-B1'),
    lines: [
      { lineId: 'A', number: '13700000201', service: 'mobile' },
      { lineId: 'A', number: '13700000202', service: 'mobile' },
    ],
  });
  expect(dup.status).toBe(400);
  expect(JSON.stringify(dup.body)).toContain('body.lines');
  const service = await call('POST', '/v1/accounts/LINES-3/arrears', 'billing', {
    ...bill('LINES-3-B1'),
    lines: [{ lineId: 'A', number: '13700000201', service: 'satellite' }],
  });
  expect(service.status).toBe(400);
  expect(JSON.stringify(service.body)).toContain('body.lines.0.service');
});
