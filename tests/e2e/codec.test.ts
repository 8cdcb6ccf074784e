// Personal data out of Temporal (issue 14, ADR 20), end to end on the real dev server: an episode's
// exported histories (`temporal workflow show -o json`, `describe`) hold no customer name or phone
// number, in clear or base64; the codec endpoint gives them back to ops (audited, CORS for the UI).
import { ROUTES } from '../../api/routes/table';
import { apiKeys } from '../../db/stores/api-keys';
import { addDays, localDateOf } from '../../domain/policy/calendar';
import { collectionWorkflowId } from '../../workflows/messages';
import { zoneAtLocalHour } from '../support/clock';
import { contractFetch } from '../support/contract';
import { useE2eStack } from '../support/e2e-stack';
import { leakFinder, readableTexts, temporalCliJson } from '../support/history-leaks';
import { waitFor } from '../support/wait';
import { CODEC_ROUTES_COVERED } from './codec.covered';

const fetch = contractFetch(ROUTES);
const UI = 'http://127.0.0.1:8233';
const stack = useE2eStack({ name: 'codec', extend: () => ({ deps: { temporalUiUrl: UI }, stop: () => Promise.resolve() }) });
const keys = {} as Record<'billing' | 'ops' | 'admin', string>;
const NAME = '欧阳明月';
const PHONE = '13912345678';

beforeAll(async () => {
  const store = apiKeys(stack.db.pool);
  for (const role of ['billing', 'ops', 'admin'] as const) keys[role] = (await store.create(`codec-e2e-${role}`, [role])).key;
});

async function post(url: string, body: unknown, key: string, headers: Record<string, string> = {}) {
  // the codec routes through the contract check; the bill (api.test.ts's) as it is
  const res = await (url.startsWith('/codec/') ? fetch : globalThis.fetch)(stack.base + url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}`, ...headers },
    body: JSON.stringify(body),
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, any> };
}

const leaks = leakFinder([NAME, PHONE]);
const cli = (args: string[]) => temporalCliJson(stack.dev.address, args);

test('an episode’s exported history holds no name or number; ops decode it through /codec/decode (audited)', async () => {
  const accountId = 'CODEC-1';
  const zone = zoneAtLocalHour(12, Date.now());
  const bill = {
    billId: 'CODEC-1-B1',
    customerName: NAME,
    phone: PHONE,
    timezone: zone,
    amount: 9_900,
    currency: 'CNY',
    dueDate: addDays(localDateOf(Date.now(), zone), -3),
  };
  expect((await post(`/v1/accounts/${accountId}/arrears`, bill, keys.billing)).status).toBe(201);
  // the first contact rung has run: the history holds the signal, the activities and their results
  await waitFor(async () => ((await stack.collection.state(accountId))?.steps.some((s) => s.stepId === 'sms') ? true : undefined), { what: 'the SMS' });

  const workflowId = collectionWorkflowId(accountId);
  const history = cli(['workflow', 'show', '-w', workflowId]);
  const described = cli(['workflow', 'describe', '-w', workflowId]);
  const texts = readableTexts([history, described]);
  expect(texts.length).toBeGreaterThan(50);
  expect(leaks(texts)).toEqual([]);

  // Every payload of the history is encrypted; ops get them back through the codec endpoint.
  const payloads: { metadata: Record<string, string>; data: string }[] = [];
  const collect = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(collect);
    else if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if (o['metadata'] && typeof o['data'] === 'string') payloads.push(o as never);
      else Object.values(o).forEach(collect);
    }
  };
  collect(history);
  expect(payloads.length).toBeGreaterThan(3);
  const encoding = (p: { metadata: Record<string, string> }) => Buffer.from(p.metadata['encoding'] ?? '', 'base64').toString();
  const plain = payloads.filter((p) => encoding(p) !== 'binary/encrypted').map((p) => Buffer.from(p.data, 'base64').toString());
  // only what the SDK core writes itself, outside any codec: patch markers and the
  // TemporalChangeVersion search attribute (patch ids, no personal data)
  expect(payloads.length - plain.length).toBeGreaterThan(3);
  for (const text of plain) expect(text).toMatch(/^(\{"id":"[a-z0-9-]+","deprecated":(true|false)\}|\[("[a-z0-9-]+",?)*\])$/);

  const refused = await post('/codec/decode', { payloads }, keys.billing);
  expect(refused.status).toBe(403);
  const decoded = await post('/codec/decode', { payloads: payloads.slice(0, 20) }, keys.ops, { origin: UI, 'x-namespace': 'default' });
  expect(decoded.status).toBe(200);
  expect(decoded.headers.get('access-control-allow-origin')).toBe(UI);
  // decoded, the payloads are readable (the account id, the customer reference) and still hold no
  // name or number: the workflow never had them (ADR 26; tests/e2e/customer-ref.test.ts, codec off)
  const decodedTexts = readableTexts(decoded.body);
  expect(decodedTexts.some((t) => t.includes(`"accountId":"${accountId}"`))).toBe(true);
  expect(leaks(decodedTexts)).toEqual([]);
  const audit = await stack.db.pool.query<{ route: string; status: number; outcome: string }>(
    "SELECT route, status, outcome FROM audit_events WHERE route = '/codec/decode' ORDER BY id",
  );
  expect(audit.rows).toEqual([
    { route: '/codec/decode', status: 403, outcome: 'forbidden' },
    { route: '/codec/decode', status: 200, outcome: `decoded ${Math.min(20, payloads.length)} payloads` },
  ]);
});

test('the Temporal UI’s contract: CORS preflight for its origin only, the key in the UI path, encode ↔ decode, altered payloads 422', async () => {
  const preflight = await globalThis.fetch(`${stack.base}/codec/decode?preserveStorageRefs=true`, {
    method: 'OPTIONS',
    headers: { origin: UI, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,x-namespace' },
  });
  expect(preflight.status).toBe(204);
  expect(preflight.headers.get('access-control-allow-origin')).toBe(UI);
  expect(preflight.headers.get('access-control-allow-headers')).toMatch(/content-type.*x-namespace/);
  const stranger = await globalThis.fetch(`${stack.base}/codec/decode`, { method: 'OPTIONS', headers: { origin: 'http://evil.example' } });
  expect(stranger.headers.get('access-control-allow-origin')).toBeNull();

  const plain = {
    metadata: { encoding: Buffer.from('json/plain').toString('base64') },
    data: Buffer.from(JSON.stringify({ phone: PHONE })).toString('base64'),
  };
  const encoded = await post('/codec/encode', { payloads: [plain] }, keys.ops);
  expect(encoded.status).toBe(200);
  expect(leaks(readableTexts(encoded.body))).toEqual([]);
  // the UI sends no Authorization header: the key is in the endpoint's path
  const viaUi = await globalThis.fetch(`${stack.base}/codec/ui/${keys.ops}/decode?preserveStorageRefs=true`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: UI, 'x-namespace': 'default' },
    body: JSON.stringify(encoded.body),
  });
  expect(viaUi.status).toBe(200);
  expect(await viaUi.json()).toEqual({ payloads: [plain] });
  expect(
    (
      await globalThis.fetch(`${stack.base}/codec/ui/not-a-key/decode`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"payloads":[]}',
      })
    ).status,
  ).toBe(401);

  const p = encoded.body['payloads'][0] as { metadata: Record<string, string>; data: string };
  const bytes = Buffer.from(p.data, 'base64');
  bytes[bytes.length - 1] = bytes[bytes.length - 1]! ^ 1;
  expect((await post('/codec/decode', { payloads: [{ ...p, data: bytes.toString('base64') }] }, keys.admin)).status).toBe(422);
  expect((await post('/codec/decode', { payloads: [{ data: '***' }] }, keys.ops)).body['errors'][0].field).toMatch(/^body\.payloads/);
});

afterAll(() => {
  expect([...fetch.checked.keys()].filter((op) => op !== '(no route)').sort()).toEqual([...CODEC_ROUTES_COVERED].sort());
});
