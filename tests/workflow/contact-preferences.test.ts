// Consent that lasts, on the time-skipping server: an opt-out recorded on the account reaches the
// open episode (signal) and is the initial state of the account's next episode, whose reminders
// are then passed over.
import { OPTED_OUT_AT_SEND } from '../../activities';
import { arrearsService } from '../../api/services/arrears';
import { contactPreferencesService } from '../../api/services/contact-preferences';
import { collectionRecords } from '../../db/stores/collection-records';
import { contactPreferencesStore } from '../../db/stores/contact-preferences';
import { ledger } from '../../db/stores/ledger';
import { addDays } from '../../domain/policy/calendar';
import { DEFAULT_POLICY } from '../../domain/policy/default-policy';
import { collectionWorkflowId } from '../../workflows/messages';
import { simulatedToday, untilState, ZONE } from '../support/episodes';
import { useWorkflowHarness } from '../support/temporal';
import { waitFor } from '../support/wait';

const ctx = useWorkflowHarness();

test('an opt-out stored on the account reaches the open episode and starts the next one', async () => {
  const store = contactPreferencesStore(ctx.db.pool);
  const deps = { collection: ctx.h.collection, policy: () => DEFAULT_POLICY };
  const postArrears = arrearsService({ ledger: ledger(ctx.db.pool), records: collectionRecords(ctx.db.pool), preferences: store, ...deps });
  const setPreferences = contactPreferencesService({ store, ...deps });
  const accountId = `CP-${Date.now()}`;
  const bill = async (billId: string) => ({
    billId,
    customerName: '陈七',
    phone: '13500000077',
    segment: 'consumer' as const,
    lists: [],
    timezone: ZONE,
    amount: 8_000,
    currency: 'CNY',
    dueDate: addDays(await simulatedToday(ctx.h), -1),
  });

  // First episode: the SMS goes out (no preference yet), then the customer opts out.
  await postArrears(accountId, await bill(`${accountId}-B1`));
  const first = await untilState(ctx.h, accountId, (s) => s.steps.some((x) => x.action === 'sms'));
  expect(first.steps.find((x) => x.action === 'sms')).toMatchObject({ outcome: 'done' });
  expect(first.optedOut).toBe(false);
  const answer = await setPreferences(accountId, { optOut: true, source: 'call:hotline' }, 'key:test:ops');
  expect(answer).toMatchObject({ optOut: true, episode: 'signalled', setBy: 'key:test:ops' });
  expect((await ctx.h.collection.state(accountId))!.optedOut).toBe(true);

  // Paid in full: the episode ends.
  await ctx.h.collection.postPayment(accountId, {
    paymentId: `${accountId}-P1`,
    amount: 8_000,
    currency: 'CNY',
    paidAt: new Date().toISOString(),
    channel: 'bank',
  });
  const handle = ctx.h.client.workflow.getHandle(collectionWorkflowId(accountId));
  await waitFor(async () => ((await handle.describe()).status.name === 'COMPLETED' ? true : undefined), { what: 'the first episode ended' });

  // Next month's arrears: a new episode, opted out from its start; its SMS is passed over, never sent.
  await postArrears(accountId, await bill(`${accountId}-B2`));
  const second = await untilState(ctx.h, accountId, (s) => s.episodeId === `${accountId}-B2` && s.steps.some((x) => x.action === 'sms'));
  expect(second.optedOut).toBe(true);
  expect(second.steps.find((x) => x.action === 'sms')).toMatchObject({ outcome: 'skipped', reason: 'customer opted out of reminders' });
  const { rows } = await ctx.db.pool.query("SELECT count(*) AS n FROM provider_requests WHERE account_id = $1 AND provider = 'sms'", [accountId]);
  expect(rows[0].n).toBe(1); // the first episode's SMS only
});

test('a reminder re-checks consent at send time: an opt-out stored but not yet signalled is skipped, never sent', async () => {
  const store = contactPreferencesStore(ctx.db.pool);
  const accountId = `CS-${Date.now()}`;
  await ctx.db.pool.query("INSERT INTO accounts (account_id, customer_name, phone, segment, timezone) VALUES ($1, '卫八', '13500000078', 'consumer', $2)", [
    accountId,
    ZONE,
  ]);
  // The opt-out is stored while its signal is still on the way: the episode itself does not know.
  await store.record({ accountId, optOut: true, source: 'app', setBy: 'key:test:ops' });
  await ctx.h.collection.enrol({
    accountId,
    customer: { name: '卫八', phone: '13500000078', segment: 'consumer', lists: [], timezone: ZONE },
    bill: { billId: `${accountId}-B1`, amount: 6_000, currency: 'CNY', dueDate: addDays(await simulatedToday(ctx.h), -1) },
    policy: DEFAULT_POLICY,
  });
  const s = await untilState(ctx.h, accountId, (x) => x.steps.some((st) => st.action === 'sms'));
  expect(s.optedOut).toBe(false);
  expect(s.steps.find((x) => x.action === 'sms')).toMatchObject({ outcome: 'skipped', reason: OPTED_OUT_AT_SEND });
  const attempts = await ctx.db.pool.query('SELECT action, outcome, reason FROM collection_attempts WHERE account_id = $1', [accountId]);
  expect(attempts.rows).toEqual([{ action: 'sms', outcome: 'skipped', reason: OPTED_OUT_AT_SEND }]);
  const sent = await ctx.db.pool.query('SELECT count(*) AS n FROM provider_requests WHERE account_id = $1', [accountId]);
  expect(sent.rows[0].n).toBe(0);
});
