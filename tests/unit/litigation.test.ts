// The litigation case's transition table and deadlines, pure (domain/litigation): no Temporal.
import fc from 'fast-check';
import {
  advance,
  allowedMoves,
  allowedSteps,
  applyStep,
  CASE_STATES,
  courtDeadline,
  courtDeadlineYears,
  nextDeadline,
  nextWakeup,
  openCase,
  STEP_NAMES,
  TRANSITIONS,
  type CaseStep,
  type LitigationCase,
  type StepName,
} from '../../domain/litigation';

const DAY = 86_400_000;
const T0 = Date.parse('2026-03-02T02:00:00Z'); // 10:00 in Beijing
const iso = (ms: number) => new Date(ms).toISOString();

const fresh = () => openCase({ caseId: 'C1', accountId: 'A1', episodeId: 'E1', currency: 'CNY', principal: 50_000, openedBy: 'test' }, T0);

/** A valid step of each kind at instant `at` (fields chosen to pass the field checks). */
function sample(step: StepName, stepId: string, at: number): CaseStep {
  const when = iso(at);
  const by: { [K in StepName]: Omit<Extract<CaseStep, { step: K }>, 'stepId' | 'step'> } = {
    accept: { note: 'ok' },
    decline: { note: 'disputed debt' },
    demand_letter_sent: { sentAt: when, deadlineDays: 10 },
    payment_order_applied: { court: '朝阳区人民法院', appliedAt: when },
    payment_order_served: { servedAt: when },
    objection_filed: { filedAt: when },
    mediation_started: { startedAt: when },
    mediation_agreed: { agreedAmount: 40_000, installments: [{ dueDate: '2026-05-01', amount: 40_000 }] },
    mediation_failed: {},
    suit_filed: { court: '朝阳区人民法院', claimAmount: 50_000, courtFee: 1_000, procedure: 'simplified', filedAt: when },
    case_accepted: { courtCaseNumber: '(2026)京0105民初123号' },
    hearing_scheduled: { at: iso(at + 20 * DAY), courtRoom: '3' },
    judgment: { amount: 50_000, costs: 1_000, servedAt: when },
    appeal_filed: { filedAt: when },
    appeal_decided: { decidedAt: when, amount: 45_000 },
    enforcement_applied: { at: when },
    enforcement_collected: { amount: 10_000 },
    enforcement_terminated: { reason: 'no assets found' },
    settled: { amount: 30_000, installments: [] },
    withdrawn: {},
    closed: { outcome: 'collected' },
  };
  return { stepId, step, ...by[step] } as CaseStep;
}

function run(c: LitigationCase, steps: StepName[], at = T0): LitigationCase {
  for (const s of steps) {
    const r = applyStep(c, sample(s, `s${c.history.length}`, at), at);
    if (!r.ok) throw new Error(r.message);
    c = r.case;
  }
  return c;
}

describe('court deadlines (UTC+08:00, next day to the end of the Nth)', () => {
  test('15 days from a service at 10:00 Beijing end at 24:00 Beijing of the 15th day', () => {
    expect(iso(courtDeadline(Date.parse('2026-03-02T02:00:00Z'), 15))).toBe('2026-03-17T16:00:00.000Z');
    // 23:30 Beijing on 1 March is still 1 March there, though UTC says so too; 00:30 on 2 March is 2 March
    expect(iso(courtDeadline(Date.parse('2026-03-01T15:30:00Z'), 15))).toBe('2026-03-16T16:00:00.000Z');
    expect(iso(courtDeadline(Date.parse('2026-03-01T16:30:00Z'), 15))).toBe('2026-03-17T16:00:00.000Z');
  });
  test('two years for enforcement', () => {
    expect(iso(courtDeadlineYears(Date.parse('2026-03-02T02:00:00Z'), 2))).toBe('2028-03-02T16:00:00.000Z');
  });
});

describe('the transition table', () => {
  test('a case opens referred: only accept or decline', () => {
    expect(fresh().state).toBe('referred');
    expect(allowedSteps('referred')).toEqual(['accept', 'decline']);
  });

  test('out-of-order steps are refused, listing the steps that would fit', () => {
    const r = applyStep(fresh(), sample('judgment', 'j1', T0), T0);
    expect(r).toMatchObject({ ok: false, code: 'step_not_allowed', state: 'referred', allowed: ['accept', 'decline'] });
    const accepted = run(fresh(), ['accept']);
    // a written demand comes before a suit
    const suit = applyStep(accepted, sample('suit_filed', 'x', T0), T0);
    expect(suit).toMatchObject({ ok: false, state: 'accepted' });
    if (!suit.ok && suit.code === 'step_not_allowed') expect(suit.allowed).toContain('demand_letter_sent');
  });

  test('terminal states allow nothing', () => {
    for (const s of ['declined', 'withdrawn', 'closed'] as const) expect(allowedSteps(s)).toEqual([]);
    const declined = run(fresh(), ['decline']);
    expect(declined).toMatchObject({ state: 'declined', declineReason: 'disputed debt' });
  });

  test('the suit path to enforcement and closing', () => {
    const c = run(fresh(), [
      'accept',
      'demand_letter_sent',
      'suit_filed',
      'case_accepted',
      'hearing_scheduled',
      'judgment',
      'appeal_filed',
      'appeal_decided',
      'enforcement_applied',
      'enforcement_collected',
      'enforcement_terminated',
      'enforcement_applied',
      'closed',
    ]);
    expect(c).toMatchObject({ state: 'closed', outcome: 'collected', procedure: 'simplified', collected: 10_000, courtCaseNumber: '(2026)京0105民初123号' });
    expect(c.judgment).toMatchObject({ amount: 45_000 });
    expect(c.deadlines.every((d) => d.status !== 'open')).toBe(true);
  });

  test('a small-claims judgment is effective at once: no appeal, enforcement deadline from service', () => {
    let c = run(fresh(), ['accept', 'demand_letter_sent']);
    const r = applyStep(c, { ...(sample('suit_filed', 'suit', T0) as Extract<CaseStep, { step: 'suit_filed' }>), procedure: 'small_claims' }, T0);
    if (!r.ok) throw new Error(r.message);
    c = run(r.case, ['case_accepted', 'judgment']);
    expect(c.state).toBe('judgment_effective');
    expect(c.judgment?.effectiveAt).toBe(iso(T0));
    expect(allowedSteps(c.state)).not.toContain('appeal_filed');
    expect(nextDeadline(c)).toMatchObject({ kind: 'enforcement_application', due: iso(courtDeadlineYears(T0, 2)) });
  });
});

describe('deadlines passing', () => {
  test('no objection within 15 days of service: the payment order takes effect; an objection then is refused', () => {
    const served = run(fresh(), ['accept', 'demand_letter_sent', 'payment_order_applied', 'payment_order_served']);
    const due = courtDeadline(T0, 15);
    expect(nextDeadline(served)).toMatchObject({ kind: 'objection_window', due: iso(due) });
    expect(advance(served, due - 1).case.state).toBe('payment_order_served');
    const { case: effective } = advance(served, due);
    expect(effective.state).toBe('payment_order_effective');
    expect(nextDeadline(effective)).toMatchObject({ kind: 'enforcement_application', due: iso(courtDeadlineYears(due, 2)) });
    const late = applyStep(served, sample('objection_filed', 'obj', due + 1000), due + 1000);
    expect(late).toMatchObject({ ok: false, code: 'step_not_allowed', state: 'payment_order_effective' });
    const inTime = applyStep(served, sample('objection_filed', 'obj', due - 1000), due - 1000);
    expect(inTime).toMatchObject({ ok: true, case: { state: 'objected' } });
  });

  test('a judgment not appealed within 15 days of service becomes effective (not small claims)', () => {
    const judged = run(fresh(), ['accept', 'demand_letter_sent', 'suit_filed', 'case_accepted', 'judgment']);
    expect(judged.state).toBe('judgment_pending');
    const due = courtDeadline(T0, 15);
    const { case: c } = advance(judged, due);
    expect(c).toMatchObject({ state: 'judgment_effective', judgment: { effectiveAt: iso(due) } });
    expect(c.history.at(-1)).toMatchObject({ kind: 'deadline', deadline: 'appeal_window', from: 'judgment_pending', to: 'judgment_effective' });
  });

  test('enforcement: alerts 90 and 30 days before the two-year deadline, each once, then a missed-deadline alert', () => {
    const effective = advance(run(fresh(), ['accept', 'demand_letter_sent', 'suit_filed', 'case_accepted', 'judgment']), courtDeadline(T0, 15)).case;
    const due = courtDeadlineYears(courtDeadline(T0, 15), 2);
    expect(nextWakeup(effective)).toBe(due - 90 * DAY);
    const a90 = advance(effective, due - 90 * DAY);
    expect(a90.effects).toEqual([
      expect.objectContaining({ type: 'alert', kind: 'litigation_enforcement_deadline', detail: expect.objectContaining({ daysBefore: 90 }) }),
    ]);
    expect(advance(a90.case, due - 90 * DAY).effects).toEqual([]);
    const a30 = advance(a90.case, due - 30 * DAY);
    expect(a30.effects.map((e) => e.key)).toEqual([expect.stringMatching(/alert-30d$/)]);
    expect(advance(a30.case, due).effects.map((e) => e.kind)).toEqual(['litigation_enforcement_deadline_missed']);
    // applied in time: no alert at all
    const applied = run(effective, ['enforcement_applied'], due - 100 * DAY);
    expect(advance(applied, due + DAY).effects).toEqual([]);
  });

  test('a hearing: a task 3 days before, an alert 2 days after with no result; a judgment in time means no alert', () => {
    const scheduled = run(fresh(), ['accept', 'demand_letter_sent', 'suit_filed', 'case_accepted', 'hearing_scheduled']);
    const at = T0 + 20 * DAY;
    expect(advance(scheduled, at - 3 * DAY - 1).effects).toEqual([]);
    const task = advance(scheduled, at - 3 * DAY);
    expect(task.effects).toEqual([expect.objectContaining({ type: 'task', kind: 'hearing_preparation' })]);
    expect(advance(task.case, at + 2 * DAY).effects).toEqual([expect.objectContaining({ type: 'alert', kind: 'litigation_hearing_no_result' })]);
    const judged = run(task.case, ['judgment'], at + DAY);
    expect(advance(judged, at + 3 * DAY).effects.filter((e) => e.kind === 'litigation_hearing_no_result')).toEqual([]);
  });
});

describe('idempotency by step id', () => {
  test('the same step again changes nothing; another step under the same id is refused', () => {
    const c = run(fresh(), ['accept']);
    const again = applyStep(c, sample('accept', 's0', T0 + DAY), T0 + DAY);
    expect(again).toMatchObject({ ok: true, duplicate: true });
    if (again.ok) expect(again.case).toBe(c);
    expect(applyStep(c, sample('decline', 's0', T0), T0)).toMatchObject({ ok: false, code: 'step_conflict' });
    expect(applyStep(c, { stepId: 's0', step: 'accept', note: 'other' }, T0)).toMatchObject({ ok: false, code: 'step_conflict' });
  });

  test('bad fields are refused', () => {
    expect(applyStep(fresh(), { stepId: 'd', step: 'decline', note: ' ' }, T0)).toMatchObject({ ok: false, code: 'invalid_step' });
  });
});

describe('property: no sequence of steps leaves the table', () => {
  const moves = allowedMoves();
  const arbStep = fc.constantFrom(...STEP_NAMES);
  const arbProcedure = fc.constantFrom<'small_claims' | 'simplified' | 'ordinary'>('small_claims', 'simplified', 'ordinary');

  test('every move made is in the table; a refused step lists exactly the table’s steps; step ids stay idempotent', () => {
    fc.assert(
      // mostly a step the table allows now (so deep states are reached), sometimes any step
      fc.property(
        fc.array(
          fc.tuple(arbStep, fc.nat(), fc.integer({ min: 0, max: 9 }), fc.integer({ min: 0, max: 40 * DAY }), fc.integer({ min: 0, max: 9 }), arbProcedure),
          {
            maxLength: 40,
          },
        ),
        (script) => {
          let c = fresh();
          let now = T0;
          let n = 0;
          for (const [anyStep, pick, dice, gap, repeat, procedure] of script) {
            now += gap;
            const fitting = allowedSteps(advance(c, now).case.state);
            // endings are picked less often, so that long paths are walked
            const onward = fitting.filter((f) => !['decline', 'settled', 'withdrawn', 'closed'].includes(f));
            const choices = dice < 7 && onward.length ? onward : fitting;
            const name = dice < 9 && choices.length ? choices[pick % choices.length]! : anyStep;
            const base = sample(name, repeat === 0 && n > 0 ? `s${n - 1}` : `s${n}`, now);
            const step = base.step === 'suit_filed' ? { ...base, procedure } : base;
            const r = applyStep(c, step, now);
            if (r.ok) {
              if (!r.duplicate) n++;
              // every state change recorded in history is a move of the table
              for (const h of r.case.history.slice(c.history.length)) expect(moves.has(`${h.from}>${h.to}`)).toBe(true);
              if (r.duplicate) expect(r.case).toBe(c);
              c = r.case;
            } else if (r.code === 'step_not_allowed') {
              expect(r.allowed).toEqual(allowedSteps(r.state));
              expect(TRANSITIONS[r.state][name]).toBeUndefined();
            } else {
              expect(r.code).toBe('step_conflict');
            }
            expect(CASE_STATES).toContain(c.state);
            // history chains: each entry starts where the last ended
            for (let i = 1; i < c.history.length; i++) expect(c.history[i]!.from).toBe(c.history[i - 1]!.to);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
