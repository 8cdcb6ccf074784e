// The collection workflow's signals, updates and state query. Each update is validated by its pure
// rule first (a refusal writes nothing to history), then applied. A handler that changed the
// episode wakes the loop (`wake`), here and nowhere else, so the loop can re-plan; a repeat of a
// known id changes nothing and does not wake it, which keeps the loop's commands as they were.
import type { SignalDefinition, UpdateDefinition } from '@temporalio/common';
import { patched, setHandler } from '@temporalio/workflow';
import {
  recordAgencyOutcome,
  recordCallOutcome,
  recordRestoredByHand,
  recordWrongNumber,
  applyCustomerView,
  setContactChannels,
  setContactPreference,
} from '../../domain/episode/ladder';
import { addCharge, applyPayment, balanceOf, paymentProblem } from '../../domain/episode/ledger';
import { disputeById, disputeProblem, flagIfAbnormal, openDispute, resolutionProblem, resolveDispute } from '../../domain/episode/practice/dispute';
import { agreePlan, planProblem, settlePlanOnPayment } from '../../domain/episode/practice/installments';
import { adjustmentProblem, lateFee, waiveLateFee } from '../../domain/episode/practice/late-fee';
import { applyCaseSignal } from '../../domain/episode/practice/litigation-link';
import { migratePolicy, migrationProblem } from '../../domain/episode/practice/policy-migration';
import { makePromise, promiseProblem, settlePromiseOnPayment } from '../../domain/episode/practice/promise';
import { decideReview, reviewProblem } from '../../domain/episode/practice/review';
import { writeOff, writeOffProblem } from '../../domain/episode/practice/write-off';
import {
  emergencyRestore,
  emergencyRestoreProblem,
  escalate,
  escalateProblem,
  pause,
  pauseProblem,
  resume,
  resumeProblem,
  skip,
  skipProblem,
} from '../../domain/episode/practice/steering';
import { snapshotOf } from '../../domain/episode/snapshot';
import { closeEpisode, type Dispute, type EpisodeState } from '../../domain/episode/state';
import {
  addChargeSignal,
  agencyOutcomeSignal,
  agreeInstallmentsUpdate,
  callOutcomeSignal,
  closeEpisodeSignal,
  collectionStateQuery,
  contactPreferenceSignal,
  decideReviewUpdate,
  emergencyRestoreUpdate,
  escalateEpisodeUpdate,
  migratePolicyUpdate,
  pauseEpisodeUpdate,
  resumeEpisodeUpdate,
  skipRungUpdate,
  openDisputeUpdate,
  postPaymentUpdate,
  promiseToPayUpdate,
  resolveDisputeUpdate,
  waiveLateFeeUpdate,
  writeOffUpdate,
  wrongNumberSignal,
  restoredByHandSignal,
  litigationCaseSignal,
  type DisputeAnswer,
  EPISODE_ENDED,
} from '../messages';

/** What an update's rule answered, and whether it changed the episode. */
interface Applied<R> {
  answer: R;
  changed: boolean;
}

function refuseIf(problem: string | undefined): void {
  if (problem) throw new Error(problem);
}

/** Installs every handler on `state`; `wake` is called once for each one that changed it. */
export function installHandlers(state: EpisodeState, wake: () => void): void {
  /** A signal: it wakes the loop unless its rule returns `false` (nothing changed). */
  function signal<A>(def: SignalDefinition<[A]>, apply: (arg: A) => boolean | void): void {
    setHandler(def, (arg: A) => {
      if (apply(arg) !== false) wake();
    });
  }

  /**
   * An update: refused by its rule, and (except a payment, `afterEnd: 'accept'`) once the episode is
   * paid or closed. The loop has then left, but the workflow still runs its last activities (the read
   * model), and anything accepted in that moment would be lost with it. Validators do not run on
   * replay and a refused update leaves no event, so this changes no history.
   */
  function update<R, A>(
    def: UpdateDefinition<R, [A]>,
    problem: (arg: A) => string | undefined,
    apply: (arg: A) => Applied<R>,
    afterEnd: 'refuse' | 'accept' = 'refuse',
  ): void {
    const ended = () => afterEnd === 'refuse' && (state.status === 'paid' || state.status === 'closed');
    setHandler(
      def,
      (arg: A) => {
        const { answer, changed } = apply(arg);
        if (changed) wake();
        return answer;
      },
      { validator: (arg: A) => refuseIf(ended() ? EPISODE_ENDED : problem(arg)) },
    );
  }

  const disputeAnswer = (d: Dispute): DisputeAnswer => ({
    disputeId: d.disputeId,
    kind: d.kind,
    amount: d.amount,
    status: d.status,
    balance: balanceOf(state),
    episodeStatus: state.status,
  });

  signal(addChargeSignal, ({ bill, customer, numberChanged }) => {
    if (customer) applyCustomerView(state, customer, numberChanged);
    const added = addCharge(state, bill).outcome === 'added';
    if (added) flagIfAbnormal(state, bill, Date.now());
    return added;
  });
  update(
    openDisputeUpdate,
    (req) => disputeProblem(state, req),
    (req) => {
      const known = disputeById(state, req.disputeId) !== undefined;
      return { answer: disputeAnswer(openDispute(state, req, Date.now())), changed: !known };
    },
  );
  update(
    resolveDisputeUpdate,
    (r) => resolutionProblem(state, r),
    (r) => {
      const wasOpen = disputeById(state, r.disputeId)?.status === 'open';
      return { answer: disputeAnswer(resolveDispute(state, r, Date.now())), changed: wasOpen };
    },
  );
  update(
    postPaymentUpdate,
    (payment) => paymentProblem(state, payment),
    (payment) => {
      const result = applyPayment(state, payment, Date.now());
      settlePromiseOnPayment(state);
      settlePlanOnPayment(state);
      // A duplicate changes nothing: promise and plan only react to new money.
      return { answer: result, changed: result.outcome === 'applied' };
    },
    // a payment re-sent to the episode it ended must still be recognised (ADR 2)
    'accept',
  );
  update(
    promiseToPayUpdate,
    (req) => promiseProblem(state, req, Date.now()),
    (req) => {
      const before = state.promises.length;
      const p = makePromise(state, req, Date.now());
      return { answer: { promiseId: p.promiseId, date: p.date, due: p.due, status: p.status }, changed: state.promises.length !== before };
    },
  );
  update(
    waiveLateFeeUpdate,
    (adj) => adjustmentProblem(state, adj, Date.now()),
    (adj) => {
      const before = state.feeAdjustments?.length ?? 0;
      waiveLateFee(state, adj);
      return { answer: lateFee(state, Date.now()) ?? null, changed: (state.feeAdjustments?.length ?? 0) !== before };
    },
  );
  update(
    writeOffUpdate,
    (req) => writeOffProblem(state, req),
    (req) => {
      const before = state.writeOff;
      const wo = writeOff(state, req, Date.now());
      return { answer: { writeOffId: wo.writeOffId, amount: wo.amount, status: state.status }, changed: state.writeOff !== before };
    },
  );
  update(
    agreeInstallmentsUpdate,
    (req) => planProblem(state, req, Date.now()),
    (req) => {
      const before = state.plan;
      const plan = agreePlan(state, req, Date.now());
      return { answer: { planId: plan.planId, status: plan.status, restoring: state.restoration !== undefined }, changed: state.plan !== before };
    },
  );
  update(
    migratePolicyUpdate,
    (req) => migrationProblem(state, req),
    (req) => {
      const before = state.migrations?.length ?? 0;
      const m = migratePolicy(state, req, Date.now());
      return { answer: { migrationId: m.migrationId, from: m.from, to: m.to }, changed: (state.migrations?.length ?? 0) !== before };
    },
  );
  update(
    decideReviewUpdate,
    (req) => reviewProblem(state, req),
    (req) => decideReview(state, req, Date.now()),
  );
  // Steering by hand (./practice/steering): each validated by its rule, a repeated request id answers the same.
  update(
    pauseEpisodeUpdate,
    (req) => pauseProblem(state, req, Date.now()),
    (req) => pause(state, req, Date.now()),
  );
  update(
    resumeEpisodeUpdate,
    (req) => resumeProblem(state, req, Date.now()),
    (req) => resume(state, req, Date.now()),
  );
  update(
    escalateEpisodeUpdate,
    (req) => escalateProblem(state, req, Date.now()),
    (req) => escalate(state, req, Date.now()),
  );
  update(
    skipRungUpdate,
    (req) => skipProblem(state, req, Date.now()),
    (req) => skip(state, req, Date.now()),
  );
  update(
    emergencyRestoreUpdate,
    (req) => emergencyRestoreProblem(state, req),
    (req) => emergencyRestore(state, req, Date.now()),
  );
  signal(agencyOutcomeSignal, (report) => recordAgencyOutcome(state, report, Date.now()));
  signal(contactPreferenceSignal, (pref) => {
    setContactPreference(state, pref.optOut);
    // The preferred hours and second number change the planned rungs: only under the patch (older histories ignore them).
    if (patched('preferred-contact')) setContactChannels(state, pref);
  });
  signal(callOutcomeSignal, ({ stepId, answered }) => recordCallOutcome(state, stepId, answered));
  signal(closeEpisodeSignal, () => closeEpisode(state));
  signal(wrongNumberSignal, () => recordWrongNumber(state));
  // A signal no older history holds (only restoration tasks, under the patch, lead to it): no guard needed.
  signal(restoredByHandSignal, (sig) => recordRestoredByHand(state, sig, Date.now()));
  signal(litigationCaseSignal, (sig) => applyCaseSignal(state, sig, Date.now()));
  setHandler(collectionStateQuery, (asOf) => snapshotOf(state, Date.now(), asOf));
}
