// The litigation case workflow (诉讼案件): one per case, id `litigation-<caseId>`, a workflow of its
// own beside the account's episode (docs/adr/0008). It holds the case (domain/litigation), takes
// legal's steps as an update validated by the transition table, and keeps the court's deadlines
// with timers: the objection window passing makes a payment order effective, the appeal window
// passing makes a judgment effective, the enforcement deadline and hearings raise alerts and tasks.
import { allHandlersFinished, ApplicationFailure, condition, patched, proxyActivities, setHandler } from '@temporalio/workflow';
import type { LitigationActivities, LitigationCaseRow } from '../activities/litigation-contract';
import {
  advance,
  allowedSteps,
  applyMoney,
  caseMoneyView,
  closeByMoney,
  applyStep,
  isTerminal,
  nextDeadline,
  nextWakeup,
  openCase,
  type CaseEffect,
  type CaseStep,
  type LitigationCase,
} from '../domain/litigation';
import { afterStep, tellEnded, tellOpened } from './litigation-link';
import {
  applyStepUpdate,
  caseMoneySignal,
  litigationStateQuery,
  litigationWorkflowId,
  STEP_REFUSED,
  type LitigationInput,
  type LitigationOutcome,
  type LitigationView,
  type RefusalDetails,
  type StepAnswer,
} from './litigation-messages';

const acts = proxyActivities<LitigationActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

function rowOf(c: LitigationCase): LitigationCaseRow {
  const next = nextDeadline(c);
  return {
    caseId: c.caseId,
    caseNumber: c.caseNumber,
    accountId: c.accountId,
    episodeId: c.episodeId,
    workflowId: litigationWorkflowId(c.caseId),
    state: c.state,
    court: c.court ?? null,
    procedure: c.procedure ?? null,
    courtCaseNumber: c.courtCaseNumber ?? null,
    currency: c.currency,
    principal: c.principal,
    nextDeadline: next?.due ?? null,
    nextDeadlineKind: next?.kind ?? null,
    outcome: c.outcome ?? null,
    terminal: isTerminal(c.state),
    openedAt: c.openedAt,
    openedBy: c.openedBy,
    // every change adds a history entry or fires a deadline event; 1 + so the opening row (0) is replaced
    version: 1 + c.history.length + c.fired.length,
  };
}

export function litigationView(c: LitigationCase, asOf: number): LitigationView {
  const { fired: _fired, money: _money, ...rest } = advance(c, asOf).case;
  return {
    ...rest,
    workflowId: litigationWorkflowId(c.caseId),
    allowedSteps: allowedSteps(rest.state),
    nextDeadline: nextDeadline(rest),
    money: caseMoneyView(advance(c, asOf).case),
  };
}

export async function litigationWorkflow(input: LitigationInput): Promise<LitigationOutcome> {
  let c: LitigationCase = input.carried ?? openCase(input.open, Date.now());
  let changed = false;
  // The link with the episode (ADR 12); a case started before it keeps running as it did.
  const linked = patched('litigation-link');
  /** The money ended the case (paid in full, or the agreement paid): the key of its closing, until carried out. */
  let closedByMoney: string | undefined;

  async function carryOut(effects: CaseEffect[]): Promise<void> {
    for (const e of effects) {
      if (e.type === 'alert') {
        await acts.raiseLitigationAlert({ key: e.key, kind: e.kind, accountId: c.accountId, episodeId: c.episodeId, message: e.message, detail: e.detail });
      } else {
        await acts.createLegalTask({ taskId: e.key, kind: e.kind, accountId: c.accountId, episodeId: c.episodeId, stepId: e.key, detail: e.detail });
      }
    }
  }

  const answer = (step: CaseStep, duplicate: boolean): StepAnswer => ({
    caseId: c.caseId,
    stepId: step.stepId,
    step: step.step,
    state: c.state,
    allowedSteps: allowedSteps(c.state),
    nextDeadline: nextDeadline(c),
    duplicate,
  });

  setHandler(litigationStateQuery, (asOf?: number) => litigationView(c, asOf ?? Date.now()));

  setHandler(
    applyStepUpdate,
    async (step: CaseStep) => {
      const r = applyStep(c, step, Date.now());
      if (!r.ok) throw ApplicationFailure.create({ type: STEP_REFUSED, message: r.message, nonRetryable: true }); // the validator said yes a moment ago
      if (r.duplicate) return answer(step, true);
      c = r.case; // synchronously, before any await: concurrent steps see each other in order
      changed = true;
      await carryOut(r.effects);
      await acts.recordLitigationCase(rowOf(c));
      if (linked) await afterStep(c, step);
      return answer(step, false);
    },
    {
      // a refusal writes nothing to history; the client reads the allowed steps from the details
      validator: (step: CaseStep) => {
        const r = applyStep(c, step, Date.now());
        if (r.ok) return;
        const details: RefusalDetails = r.code === 'step_not_allowed' ? { code: r.code, state: r.state, allowed: r.allowed } : { code: r.code };
        throw ApplicationFailure.create({ type: STEP_REFUSED, message: r.message, details: [details], nonRetryable: true });
      },
    },
  );

  setHandler(caseMoneySignal, (money) => {
    const r = applyMoney(c, money);
    if (!r.changed) return;
    c = r.close ? closeByMoney(r.case, r.close, `money:${money.seq}`, Date.now()) : r.case;
    if (r.close && isTerminal(c.state)) closedByMoney = `money:${money.seq}`;
    changed = true;
  });

  await acts.recordLitigationCase(rowOf(c));
  if (linked) await tellOpened(c);

  while (!isTerminal(c.state)) {
    const wake = nextWakeup(c);
    changed = false;
    if (wake === null) await condition(() => changed);
    else await condition(() => changed, Math.max(1, wake - Date.now()));
    const r = advance(c, Date.now());
    if (r.case.fired.length === c.fired.length) continue;
    c = r.case;
    await carryOut(r.effects);
    await acts.recordLitigationCase(rowOf(c));
  }

  if (closedByMoney) {
    await acts.recordLitigationCase(rowOf(c));
    if (linked) await tellEnded(c, closedByMoney);
  }
  await condition(allHandlersFinished);
  return { caseId: c.caseId, state: c.state, ...(c.outcome ? { outcome: c.outcome } : {}) };
}
