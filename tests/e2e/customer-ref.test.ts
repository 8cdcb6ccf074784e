// The customer reference (issue 14, ADR 26), end to end on the real dev server with the payload codec
// switched OFF, so the histories show what the workflows themselves hold: a new episode's exported
// history (`temporal workflow show -o json`, `describe`) and its state query hold neither the
// customer's name nor any of the account's numbers, in clear or base64, while the SMS the activity
// sent names the customer and went to the billing number (looked up in PostgreSQL by account id), and
// the API shows the numbers from PostgreSQL.
import { ROUTES } from '../../api/routes/table';
import { apiKeys } from '../../db/stores/api-keys';
import { addDays, localDateOf } from '../../domain/policy/calendar';
import { collectionWorkflowId } from '../../workflows/messages';
import { zoneAtLocalHour } from '../support/clock';
import { contractFetch } from '../support/contract';
import { useE2eStack } from '../support/e2e-stack';
import { leakFinder, readableTexts, temporalCliJson } from '../support/history-leaks';
import { waitFor } from '../support/wait';

const fetch = contractFetch(ROUTES);
const stack = useE2eStack({ name: 'custref', codec: false });
const keys = {} as Record<'billing' | 'ops', string>;
const NAME = '司马长风';
const PHONE = '13966612345';
const BROADBAND = '02166612345';
const NEW_PHONE = '13966654321';

beforeAll(async () => {
  for (const role of ['billing', 'ops'] as const) keys[role] = (await apiKeys(stack.db.pool).create(`custref-${role}`, [role])).key;
});

async function call(method: 'GET' | 'POST', url: string, role: 'billing' | 'ops', body?: unknown) {
  const res = await fetch(stack.base + url, {
    method,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${keys[role]}` },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

const leaks = leakFinder([NAME, PHONE, BROADBAND, NEW_PHONE]);
const cli = (args: string[]) => temporalCliJson(stack.dev.address, args);

test('codec off: a new episode’s history and state hold only the account id; the SMS names the customer and goes to the billing number', async () => {
  const accountId = 'CUSTREF-1';
  const zone = zoneAtLocalHour(12, Date.now());
  const bill = (billId: string, phone: string, dueDate: string) => ({
    billId,
    customerName: NAME,
    phone,
    timezone: zone,
    amount: 9_900,
    currency: 'CNY',
    dueDate,
    lines: [
      { lineId: 'M1', number: phone, service: 'mobile' },
      { lineId: 'BB', number: BROADBAND, service: 'broadband' },
    ],
  });
  const today = localDateOf(Date.now(), zone);
  expect((await call('POST', `/v1/accounts/${accountId}/arrears`, 'billing', bill('CUSTREF-1-B1', PHONE, addDays(today, -3)))).status).toBe(201);
  // the first contact rung has run: the history holds the start input, the signal, the activity's input and result
  await waitFor(async () => ((await stack.collection.state(accountId))?.steps.some((s) => s.stepId === 'sms' && s.outcome === 'done') ? true : undefined), {
    what: 'the SMS',
  });
  // the activity looked the name and the number up by account id
  const sms = await stack.db.pool.query<{ payload: { to: string; text: string } }>(
    "SELECT payload FROM provider_requests WHERE account_id = $1 AND provider = 'sms'",
    [accountId],
  );
  expect(sms.rows).toHaveLength(1);
  expect(sms.rows[0]!.payload.to).toBe(PHONE);
  expect(sms.rows[0]!.payload.text).toContain(NAME);
  expect(sms.rows[0]!.payload.text).toContain(PHONE);
  // a second bill with a new billing number reaches the running episode as a signal: no number in it either
  expect((await call('POST', `/v1/accounts/${accountId}/arrears`, 'billing', bill('CUSTREF-1-B2', NEW_PHONE, addDays(today, 20)))).status).toBe(201);
  await waitFor(async () => ((await stack.collection.state(accountId))?.bills.length === 2 ? true : undefined), { what: 'the second bill' });

  const workflowId = collectionWorkflowId(accountId);
  const history = cli(['workflow', 'show', '-w', workflowId]);
  const described = cli(['workflow', 'describe', '-w', workflowId]);
  const state = await stack.collection.state(accountId);
  const texts = readableTexts([history, described, state]);
  expect(texts.length).toBeGreaterThan(50);
  // the codec is off: the payloads are plain JSON, and the account id (the customer reference) is readable in them
  expect(texts.some((t) => t.includes(`"accountId":"${accountId}"`))).toBe(true);
  expect(texts.some((t) => t.includes('"numberRef":"n2"'))).toBe(true);
  expect(leaks(texts)).toEqual([]);

  // the API answers with the numbers from PostgreSQL (the same check finds them there)
  const view = await call('GET', `/v1/accounts/${accountId}/collection`, 'ops');
  expect(view.status).toBe(200);
  expect(view.body['lines'].map((l: { number?: string }) => l.number)).toEqual([NEW_PHONE, BROADBAND]);
  expect(leaks(readableTexts(view.body))).toEqual(expect.arrayContaining([NEW_PHONE, BROADBAND]));
});
