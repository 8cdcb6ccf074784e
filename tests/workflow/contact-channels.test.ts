// Preferred hours and the second number on the time-skipping server (issue 11): stored on the
// account, they reach the next episode at its start; the SMS goes inside the customer's hours, and
// after a wrong number the next reminder goes to the second number (looked up at send time).
import { arrearsService } from '../../api/services/arrears';
import { contactPreferencesService } from '../../api/services/contact-preferences';
import { collectionRecords } from '../../db/stores/collection-records';
import { contactPreferencesStore } from '../../db/stores/contact-preferences';
import { ledger } from '../../db/stores/ledger';
import { addDays, isWithinWindow, toLocalIso } from '../../domain/policy/calendar';
import { DEFAULT_POLICY } from '../../domain/policy/default-policy';
import { simulatedToday, untilState, ZONE } from '../support/episodes';
import type { Payload } from '@temporalio/common';
import { testDataConverter, useWorkflowHarness } from '../support/temporal';

const ctx = useWorkflowHarness();

function services() {
  const store = contactPreferencesStore(ctx.db.pool);
  const deps = { collection: ctx.h.collection, policy: () => DEFAULT_POLICY };
  return {
    postArrears: arrearsService({ ledger: ledger(ctx.db.pool), records: collectionRecords(ctx.db.pool), preferences: store, ...deps }),
    setPreferences: contactPreferencesService({ store, ...deps }),
  };
}

async function account(accountId: string, phone: string): Promise<void> {
  await ctx.db.pool.query("INSERT INTO accounts (account_id, customer_name, phone, segment, timezone) VALUES ($1, '周九', $2, 'consumer', $3)", [
    accountId,
    phone,
    ZONE,
  ]);
}

async function bill(accountId: string, phone: string) {
  return {
    billId: `${accountId}-B1`,
    customerName: '周九',
    phone,
    segment: 'consumer' as const,
    lists: [],
    timezone: ZONE,
    amount: 9_000,
    currency: 'CNY',
    dueDate: addDays(await simulatedToday(ctx.h), -1),
  };
}

test('a customer who prefers other hours gets the SMS inside them', async () => {
  const { postArrears, setPreferences } = services();
  const accountId = `PH-${Date.now()}`;
  await account(accountId, '13500000091');
  // An hour that is not now (customer-local) and not the SMS's usual 09:30: without the preference the SMS would go outside it.
  const localHour = Number(toLocalIso(await ctx.h.env.currentTimeMs(), ZONE).slice(11, 13));
  const preferredHours = localHour >= 12 && localHour < 14 ? { start: '19:00', end: '20:00' } : { start: '12:00', end: '13:00' };
  await setPreferences(accountId, { optOut: false, preferredHours, source: 'app' }, 'key:test:ops');

  await postArrears(accountId, await bill(accountId, '13500000091'));
  const s = await untilState(ctx.h, accountId, (x) => x.steps.some((st) => st.action === 'sms'));
  const sms = s.steps.find((st) => st.action === 'sms')!;
  expect(sms.outcome).toBe('done');
  expect(isWithinWindow(Date.parse(sms.at), preferredHours, ZONE)).toBe(true);
});

test('after a wrong number the next reminder goes to the second number', async () => {
  const { postArrears, setPreferences } = services();
  const accountId = `SN-${Date.now()}`;
  await account(accountId, '13500000092');
  await setPreferences(accountId, { optOut: false, secondNumber: '13900000093', source: 'counter' }, 'key:test:ops');

  await postArrears(accountId, await bill(accountId, '13500000092'));
  await untilState(ctx.h, accountId, (x) => x.steps.some((st) => st.action === 'sms' && st.outcome === 'done'));
  // Staff found the billing number wrong (a call task's outcome): the voice reminder goes to the second number.
  await ctx.h.collection.reportWrongNumber(accountId, 'sms');
  const s = await untilState(ctx.h, accountId, (x) => x.steps.some((st) => st.action === 'voice'));
  expect(s.steps.find((st) => st.action === 'voice')).toMatchObject({ outcome: 'done' });
  const { rows } = await ctx.db.pool.query<{ provider: string; to: string }>(
    "SELECT provider, payload->>'to' AS to FROM provider_requests WHERE account_id = $1 ORDER BY requested_at",
    [accountId],
  );
  expect(rows).toEqual([
    { provider: 'sms', to: '13500000092' },
    { provider: 'voice', to: '13900000093' },
  ]);
  // The number itself never entered the workflow history, nor (ADR 26) the billing number: the account id and its reference only.
  const history = await ctx.h.client.workflow.getHandle(`collection-${accountId}`).fetchHistory();
  const text = await payloadText(history);
  expect(text).toContain(`"accountId":"${accountId}"`);
  expect(text).toContain('"numberRef":"n1"');
  expect(text).not.toContain('13500000092');
  expect(text).not.toContain('13900000093');
});

/** Every payload of a history, decrypted (the payload codec, ADR 20) and decoded as text. */
async function payloadText(history: unknown): Promise<string> {
  const found: Payload[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      for (const [k, v] of Object.entries(node)) {
        if (k === 'payloads' && Array.isArray(v)) found.push(...(v as Payload[]));
        else walk(v);
      }
    }
  };
  walk(history);
  const decoded = await testDataConverter().payloadCodecs![0]!.decode(found);
  return decoded.map((p) => (p.data ? Buffer.from(p.data).toString('utf8') : '')).join('\n');
}
