// The list read model follows an episode (ADR 8): the workflow writes its view at each change of
// status, stage, service, balance or next action, one activity per change, with versions 1, 2, 3, …
// carried across continue-as-new; a late (older) write is ignored by the store's guard.
import { recordEpisodeView, type EpisodeViewRecord } from '../../db/stores/read-model';
import { collectionWorkflowId } from '../../workflows/messages';
import { DEFAULT_POLICY } from '../../domain/policy/default-policy';
import { addDays } from '../../domain/policy/calendar';
import { enrolDueYesterday, simulatedToday, untilState, ZONE } from '../support/episodes';
import { testDataConverter, useWorkflowHarness } from '../support/temporal';
import { waitFor } from '../support/wait';

const ctx = useWorkflowHarness();

interface Row {
  episode_id: string;
  version: number;
  status: string;
  stage: string;
  service: string;
  balance_minor: number;
  next_action: string | null;
}
async function row(accountId: string): Promise<Row | undefined> {
  const { rows } = await ctx.db.pool.query<Row>(
    'SELECT episode_id, version, status, stage, service, balance_minor, next_action FROM episode_read_model WHERE account_id = $1',
    [accountId],
  );
  return rows[0];
}

/** The views the workflow asked to write, in history order (every run of the chain). */
async function writtenViews(accountId: string): Promise<EpisodeViewRecord[]> {
  const views: EpisodeViewRecord[] = [];
  const handle = ctx.h.client.workflow.getHandle(collectionWorkflowId(accountId));
  let runId: string | undefined = (await handle.describe()).runId;
  const runs: string[] = [];
  // Walk back the continue-as-new chain from the latest run.
  for (let i = 0; runId && i < 50; i++) {
    runs.unshift(runId);
    const history = await ctx.h.client.workflow.getHandle(collectionWorkflowId(accountId), runId).fetchHistory();
    runId = history.events?.[0]?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId ?? undefined;
  }
  for (const r of runs) {
    const history = await ctx.h.client.workflow.getHandle(collectionWorkflowId(accountId), r).fetchHistory();
    for (const e of history.events ?? []) {
      const a = e.activityTaskScheduledEventAttributes;
      if (a?.activityType?.name !== 'recordEpisodeView') continue;
      // the history's payloads are encrypted (ADR 20): decrypt with the harness's codec first
      const [payload] = await testDataConverter().payloadCodecs![0]!.decode([a.input!.payloads![0]!]);
      views.push(JSON.parse(Buffer.from(payload!.data!).toString('utf8')) as EpisodeViewRecord);
    }
  }
  return views;
}

test('the read model follows enrolment → sms → payment → paid, versions only increasing', async () => {
  const { h } = ctx;
  const accountId = await enrolDueYesterday(h, 'RM', { amount: 12_050 });

  const enrolled = await waitFor(async () => row(accountId), { what: 'the first read-model write' });
  // Enrolled with the sms planned for later; or, when the sms was due at once (the hour the suite
  // runs), taken first and written after it: a move due now is written with its outcome.
  expect(enrolled).toMatchObject({ version: 1, status: 'open', service: 'active', balance_minor: 12_050 });
  expect([
    ['enrolled', 'sms'],
    ['sms', 'voice'],
  ]).toContainEqual([enrolled.stage, enrolled.next_action]);

  await untilState(h, accountId, (s) => s.stage === 'sms');
  const afterSms = await waitFor(async () => {
    const r = await row(accountId);
    return r && r.stage === 'sms' ? r : undefined;
  });
  expect(afterSms.version).toBeGreaterThanOrEqual(enrolled.version);
  expect(afterSms).toMatchObject({ status: 'open', next_action: 'voice' });

  await h.collection.postPayment(accountId, {
    paymentId: `${accountId}-P1`,
    amount: 12_050,
    currency: 'CNY',
    paidAt: new Date().toISOString(),
    channel: 'bank',
  });
  await h.client.workflow.getHandle(collectionWorkflowId(accountId)).result();
  const paid = (await row(accountId))!;
  expect(paid).toMatchObject({ status: 'paid', balance_minor: 0, next_action: null });
  expect(paid.version).toBeGreaterThan(afterSms.version);

  // One write per change: versions 1, 2, 3, … with no gap and no repeat, each view different from the last.
  const views = await writtenViews(accountId);
  expect(views.map((v) => v.version)).toEqual(views.map((_, i) => i + 1));
  expect(views[views.length - 1]!.version).toBe(paid.version);
  const fields = (v: EpisodeViewRecord) => JSON.stringify([v.status, v.stage, v.service, v.balance, v.anchorDueDate, v.nextAction, v.nextActionAt]);
  for (let i = 1; i < views.length; i++) expect(fields(views[i]!)).not.toBe(fields(views[i - 1]!));
  // Few writes: enrolment, the sms, and the payment (a few more for other rungs taken meanwhile).
  expect(views.length).toBeLessThanOrEqual(2 + (await h.collection.state(accountId))!.steps.length);

  // A late write of an older version changes nothing.
  const stale = { ...views[0]!, updatedAt: new Date().toISOString() };
  expect(await recordEpisodeView(ctx.db.pool, stale)).toBe(false);
  expect(await row(accountId)).toEqual(paid);
});

test('the version carries across continue-as-new: no rewrite, no restart at 1', async () => {
  const { h } = ctx;
  const accountId = `RM-CAN-${Date.now()}`;
  await h.collection.enrol(
    {
      accountId,
      customer: { name: '测试', phone: '13500000000', segment: 'consumer', lists: [], timezone: ZONE },
      bill: { billId: `${accountId}-B1`, amount: 9_000, currency: 'CNY', dueDate: addDays(await simulatedToday(h), -1) },
      policy: DEFAULT_POLICY,
    },
    { continueAsNewAfterEvents: 40 },
  );
  await untilState(h, accountId, (s) => s.status !== 'open' || s.stage === 'field_visit', { step: '1 day', maxSteps: 400 });
  const views = await writtenViews(accountId);
  const runs = await (async () => {
    let n = 0;
    let runId: string | undefined = (await h.client.workflow.getHandle(collectionWorkflowId(accountId)).describe()).runId;
    while (runId && n < 50) {
      n++;
      const history = await h.client.workflow.getHandle(collectionWorkflowId(accountId), runId).fetchHistory();
      runId = history.events?.[0]?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId ?? undefined;
    }
    return n;
  })();
  expect(runs).toBeGreaterThan(1);
  expect(views.map((v) => v.version)).toEqual(views.map((_, i) => i + 1));
  expect(new Set(views.map((v) => v.episodeStartedAt)).size).toBe(1);
  expect((await row(accountId))!.version).toBe(views.length);
});
