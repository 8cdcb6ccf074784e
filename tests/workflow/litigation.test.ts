// The litigation case workflow on the time-skipping server: the court's deadlines as timers, steps
// refused out of order, alerts and tasks written by activities.
import { LitigationClient, StepRefused } from '../../api/litigation-client';
import type { CaseStep, StepName } from '../../domain/litigation';
import { useWorkflowHarness } from '../support/temporal';
import { rowsEventually, waitFor } from '../support/wait';

const ctx = useWorkflowHarness();
const DAY = 86_400_000;
let seq = 0;

const client = () => new LitigationClient(ctx.h.client, ctx.h.taskQueue);

async function openCase() {
  const caseId = `LW-${++seq}-${Date.now()}`;
  await client().open({ caseId, accountId: `ACC-${caseId}`, episodeId: `EP-${caseId}`, currency: 'CNY', principal: 50_000, openedBy: 'test' });
  const view = await waitFor(() => client().state(caseId), { what: 'the case to answer' });
  return { caseId, openedAt: Date.parse(view.openedAt) };
}

/** The fields of each step, with instants at `at` (simulated time). */
function step(name: StepName, at: number, extra: Record<string, unknown> = {}): CaseStep {
  const when = new Date(at).toISOString();
  const fields: Record<string, Record<string, unknown>> = {
    accept: { note: 'ok' },
    demand_letter_sent: { sentAt: when, deadlineDays: 10 },
    payment_order_applied: { court: '朝阳区人民法院', appliedAt: when },
    payment_order_served: { servedAt: when },
    objection_filed: { filedAt: when },
    suit_filed: { court: '朝阳区人民法院', claimAmount: 50_000, courtFee: 1_000, procedure: 'simplified', filedAt: when },
    case_accepted: { courtCaseNumber: '(2026)京0105民初1号' },
    hearing_scheduled: { at: when, courtRoom: '3' },
    judgment: { amount: 50_000, costs: 1_000, servedAt: when },
    appeal_filed: { filedAt: when },
  };
  return { stepId: `${name}-${++seq}`, step: name, ...fields[name], ...extra } as CaseStep;
}

async function steps(caseId: string, names: (StepName | CaseStep)[], at: number) {
  for (const n of names) await client().step(caseId, typeof n === 'string' ? step(n, at) : n);
}

const row = async (caseId: string) =>
  (await ctx.db.pool.query('SELECT state, procedure, next_deadline_kind, terminal FROM litigation_cases WHERE case_id = $1', [caseId])).rows;

test('no objection within 15 days of service: the payment order takes effect by itself; a late objection is refused', async () => {
  const { caseId, openedAt } = await openCase();
  await steps(caseId, ['accept', 'demand_letter_sent', 'payment_order_applied', 'payment_order_served'], openedAt);
  await rowsEventually(() => row(caseId), [{ state: 'payment_order_served', procedure: null, next_deadline_kind: 'objection_window', terminal: false }]);
  await ctx.h.env.sleep('10 days');
  expect((await row(caseId))[0].state).toBe('payment_order_served');
  await ctx.h.env.sleep('7 days');
  // written by the workflow's timer, not computed by the query
  await rowsEventually(
    () => row(caseId),
    [{ state: 'payment_order_effective', procedure: null, next_deadline_kind: 'enforcement_application', terminal: false }],
  );
  const view = (await client().state(caseId))!;
  expect(view.history.at(-1)).toMatchObject({ kind: 'deadline', deadline: 'objection_window', to: 'payment_order_effective' });
  await expect(client().step(caseId, step('objection_filed', openedAt + 17 * DAY))).rejects.toMatchObject({
    details: { code: 'step_not_allowed', state: 'payment_order_effective', allowed: expect.arrayContaining(['enforcement_applied']) },
  });
});

test('a judgment not appealed within 15 days of service becomes effective; a small-claims judgment is effective at once, with no appeal', async () => {
  const ordinary = await openCase();
  await steps(ordinary.caseId, ['accept', 'demand_letter_sent', 'suit_filed', 'case_accepted', 'judgment'], ordinary.openedAt);
  const small = await openCase();
  await steps(
    small.caseId,
    ['accept', 'demand_letter_sent', step('suit_filed', small.openedAt, { procedure: 'small_claims' }), 'case_accepted', 'judgment'],
    small.openedAt,
  );
  await rowsEventually(
    () => row(ordinary.caseId),
    [{ state: 'judgment_pending', procedure: 'simplified', next_deadline_kind: 'appeal_window', terminal: false }],
  );
  await rowsEventually(
    () => row(small.caseId),
    [{ state: 'judgment_effective', procedure: 'small_claims', next_deadline_kind: 'enforcement_application', terminal: false }],
  );
  await expect(client().step(small.caseId, step('appeal_filed', small.openedAt))).rejects.toBeInstanceOf(StepRefused);

  await ctx.h.env.sleep('17 days');
  await rowsEventually(
    () => row(ordinary.caseId),
    [{ state: 'judgment_effective', procedure: 'simplified', next_deadline_kind: 'enforcement_application', terminal: false }],
  );
  const view = (await client().state(ordinary.caseId))!;
  expect(view.judgment?.effectiveAt).toBe(view.deadlines.find((d) => d.kind === 'appeal_window')!.due);
});

test('steps out of order are refused with the steps that would fit, and change nothing; a re-sent step is answered as before', async () => {
  const { caseId, openedAt } = await openCase();
  const refused = await client()
    .step(caseId, step('judgment', openedAt))
    .catch((e: unknown) => e);
  expect(refused).toBeInstanceOf(StepRefused);
  expect((refused as StepRefused).details).toEqual({ code: 'step_not_allowed', state: 'referred', allowed: ['accept', 'decline'] });
  const accept = step('accept', openedAt) as Extract<CaseStep, { step: 'accept' }>;
  expect(await client().step(caseId, accept)).toMatchObject({ state: 'accepted', duplicate: false });
  expect(await client().step(caseId, accept)).toMatchObject({ state: 'accepted', duplicate: true });
  await expect(client().step(caseId, { ...accept, note: 'other' })).rejects.toMatchObject({ details: { code: 'step_conflict' } });
  const view = (await client().state(caseId))!;
  expect(view.history.map((h) => (h.kind === 'step' ? h.step : h.deadline))).toEqual(['accept']);
  expect(view.allowedSteps).toContain('demand_letter_sent');
});

test('enforcement: an alert 90 and 30 days before the two-year deadline', async () => {
  const { caseId, openedAt } = await openCase();
  await steps(caseId, ['accept', 'demand_letter_sent', step('suit_filed', openedAt, { procedure: 'small_claims' }), 'case_accepted', 'judgment'], openedAt);
  const view = (await client().state(caseId))!;
  const due = Date.parse(view.nextDeadline!.due);
  expect(view.nextDeadline!.kind).toBe('enforcement_application');
  const alerts = async () =>
    (await ctx.db.pool.query("SELECT kind, detail->>'daysBefore' AS days FROM alerts WHERE alert_key LIKE $1 ORDER BY raised_at", [`litigation:${caseId}:%`]))
      .rows;
  await ctx.h.env.sleep(due - 91 * DAY - openedAt);
  expect(await alerts()).toEqual([]);
  await ctx.h.env.sleep(2 * DAY);
  await rowsEventually(alerts, [{ kind: 'litigation_enforcement_deadline', days: '90' }]);
  await ctx.h.env.sleep(61 * DAY);
  await rowsEventually(alerts, [
    { kind: 'litigation_enforcement_deadline', days: '90' },
    { kind: 'litigation_enforcement_deadline', days: '30' },
  ]);
});

test('a hearing: a task for legal 3 days before, an alert 2 days after with no result', async () => {
  const { caseId, openedAt } = await openCase();
  const hearingAt = openedAt + 10 * DAY;
  await steps(caseId, ['accept', 'demand_letter_sent', 'suit_filed', 'case_accepted', step('hearing_scheduled', hearingAt)], openedAt);
  const tasks = async () => (await ctx.db.pool.query('SELECT kind FROM work_tasks WHERE task_id LIKE $1', [`litigation:${caseId}:%`])).rows;
  const alerts = async () => (await ctx.db.pool.query('SELECT kind FROM alerts WHERE alert_key LIKE $1', [`litigation:${caseId}:%`])).rows;
  await ctx.h.env.sleep(6 * DAY);
  expect(await tasks()).toEqual([]);
  await ctx.h.env.sleep(2 * DAY);
  await rowsEventually(tasks, [{ kind: 'hearing_preparation' }]);
  await ctx.h.env.sleep(5 * DAY);
  await rowsEventually(alerts, [{ kind: 'litigation_hearing_no_result' }]);
});

test('an ended case takes no step and still answers its state', async () => {
  const { caseId, openedAt } = await openCase();
  await steps(caseId, ['accept'], openedAt);
  expect(await client().step(caseId, { stepId: `w-${caseId}`, step: 'withdrawn' })).toMatchObject({ state: 'withdrawn', allowedSteps: [] });
  await rowsEventually(() => row(caseId), [{ state: 'withdrawn', procedure: null, next_deadline_kind: null, terminal: true }]);
  await waitFor(async () => ((await ctx.h.client.workflow.getHandle(`litigation-${caseId}`).describe()).status.name === 'COMPLETED' ? true : undefined));
  await expect(client().step(caseId, step('demand_letter_sent', openedAt))).rejects.toMatchObject({
    details: { code: 'step_not_allowed', state: 'withdrawn', allowed: [] },
  });
  expect(await client().state(caseId)).toMatchObject({ state: 'withdrawn', outcome: 'withdrawn' });
});
