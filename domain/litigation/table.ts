// The transition table of a litigation case, pure data: for each state, the steps legal may record
// and the state each leads to. Two moves are not steps but deadlines passing (LAPSES): a served
// payment order with no objection within 15 days takes effect by itself, and a judgment not
// appealed within 15 days of service becomes effective. Nothing else moves a case.
import type { Procedure, StepName } from './steps';

export const CASE_STATES = [
  'referred',
  'accepted',
  'demand_sent',
  'payment_order_applied',
  'payment_order_served',
  'payment_order_effective',
  'objected',
  'mediation',
  'mediation_agreed',
  'mediation_failed',
  'suit_filed',
  'in_court',
  'hearing_scheduled',
  'judgment_pending',
  'appeal',
  'judgment_effective',
  'enforcement',
  'enforcement_terminated',
  'settled',
  'declined',
  'withdrawn',
  'closed',
] as const;
export type CaseState = (typeof CASE_STATES)[number];

/** Where a case ends: declined goes back to collection; withdrawn and closed carry an outcome. */
export const TERMINAL_STATES: readonly CaseState[] = ['declined', 'withdrawn', 'closed'];

/** The target of a step: a state, or `judgment`'s choice by procedure. */
type Target = CaseState | 'by_procedure';

/** Settling, withdrawing and closing are open to every case legal has accepted. */
const ANY_OPEN = { settled: 'settled', withdrawn: 'withdrawn', closed: 'closed' } as const;

export const TRANSITIONS: Readonly<Record<CaseState, Readonly<Partial<Record<StepName, Target>>>>> = {
  referred: { accept: 'accepted', decline: 'declined' },
  accepted: { demand_letter_sent: 'demand_sent', mediation_started: 'mediation', ...ANY_OPEN },
  // a written demand is required before suing (seed 003): a payment order or suit comes after it
  demand_sent: {
    demand_letter_sent: 'demand_sent',
    payment_order_applied: 'payment_order_applied',
    mediation_started: 'mediation',
    suit_filed: 'suit_filed',
    ...ANY_OPEN,
  },
  payment_order_applied: { payment_order_served: 'payment_order_served', ...ANY_OPEN },
  payment_order_served: { objection_filed: 'objected', ...ANY_OPEN },
  payment_order_effective: { enforcement_applied: 'enforcement', ...ANY_OPEN },
  // an objection ends the payment order: the claim goes to suit
  objected: { suit_filed: 'suit_filed', mediation_started: 'mediation', ...ANY_OPEN },
  mediation: { mediation_agreed: 'mediation_agreed', mediation_failed: 'mediation_failed', ...ANY_OPEN },
  mediation_agreed: { enforcement_applied: 'enforcement', ...ANY_OPEN },
  mediation_failed: { suit_filed: 'suit_filed', payment_order_applied: 'payment_order_applied', ...ANY_OPEN },
  suit_filed: { case_accepted: 'in_court', ...ANY_OPEN },
  in_court: { hearing_scheduled: 'hearing_scheduled', judgment: 'by_procedure', ...ANY_OPEN },
  // a second hearing_scheduled reschedules
  hearing_scheduled: { hearing_scheduled: 'hearing_scheduled', judgment: 'by_procedure', ...ANY_OPEN },
  judgment_pending: { appeal_filed: 'appeal', ...ANY_OPEN },
  appeal: { appeal_decided: 'judgment_effective', ...ANY_OPEN },
  judgment_effective: { enforcement_applied: 'enforcement', ...ANY_OPEN },
  enforcement: { enforcement_collected: 'enforcement', enforcement_terminated: 'enforcement_terminated', ...ANY_OPEN },
  // 终本 can be revived when assets are found
  enforcement_terminated: { enforcement_applied: 'enforcement', ...ANY_OPEN },
  settled: { withdrawn: 'withdrawn', closed: 'closed' },
  declined: {},
  withdrawn: {},
  closed: {},
};

/** The moves made by a deadline passing, not by a step. */
export const LAPSES: Readonly<Partial<Record<CaseState, CaseState>>> = {
  payment_order_served: 'payment_order_effective',
  judgment_pending: 'judgment_effective',
};

/** The steps legal may record in a state, in the table's order. */
export function allowedSteps(state: CaseState): StepName[] {
  return Object.keys(TRANSITIONS[state]) as StepName[];
}

/** The state a step leads to from `state`, or undefined when the table does not allow it. */
export function stepTarget(state: CaseState, step: StepName, procedure: Procedure | undefined): CaseState | undefined {
  const target = TRANSITIONS[state][step];
  if (target === 'by_procedure') return procedure === 'small_claims' ? 'judgment_effective' : 'judgment_pending';
  return target;
}

/** Every (from, to) pair the table allows, steps and lapses: what the property test checks against. */
export function allowedMoves(): Set<string> {
  const moves = new Set<string>();
  for (const from of CASE_STATES) {
    for (const step of allowedSteps(from)) {
      const target = TRANSITIONS[from][step]!;
      if (target === 'by_procedure') {
        moves.add(`${from}>judgment_effective`);
        moves.add(`${from}>judgment_pending`);
      } else moves.add(`${from}>${target}`);
    }
    const lapse = LAPSES[from];
    if (lapse) moves.add(`${from}>${lapse}`);
  }
  return moves;
}
