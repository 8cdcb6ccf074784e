// The limitation period (诉讼时效) in the episode: the alert `alertDaysBefore` days before the claim
// becomes time-barred, and the guard at the top of the legal-referral rung. The rules are pure, in
// domain/episode/practice/limitation; both run under `patched('limitation')` (the loop decides).
import { recordStep } from '../../domain/episode/ladder';
import { isTimeBarred, limitationOf, markLimitationAlerted } from '../../domain/episode/practice/limitation';
import type { EpisodeState } from '../../domain/episode/state';
import type { PlannedStep } from '../../domain/policy/engine';
import { records } from './activity-proxies';

/** Raises the limitation alert for `expiresAt` once (idempotent by account, episode and expiry). */
export async function raiseLimitationAlert(state: EpisodeState, alert: { expiresAt: number; billId: string }): Promise<void> {
  const expires = new Date(alert.expiresAt).toISOString();
  const barred = Date.now() >= alert.expiresAt;
  await records.raiseAlert({
    key: `${state.accountId}/${state.episodeId}/limitation/${expires}`,
    kind: barred ? 'limitation_expired' : 'limitation_expiring',
    accountId: state.accountId,
    episodeId: state.episodeId,
    message: barred ? `claim time-barred since ${expires} (bill ${alert.billId})` : `claim becomes time-barred at ${expires} (bill ${alert.billId})`,
    detail: { billId: alert.billId, expiresAt: expires },
  });
  markLimitationAlerted(state, alert.expiresAt);
}

/**
 * The legal-referral rung never refers a time-barred debt: it is recorded skipped (`time_barred`)
 * and a person is alerted to decide. True when the rung was refused.
 */
export async function refuseTimeBarredReferral(
  state: EpisodeState,
  plan: PlannedStep,
  base: { stepId: string; action: PlannedStep['action']; at: number; cycle: number },
  key: string,
  advance: boolean,
): Promise<boolean> {
  if (plan.action !== 'legal_referral' || !isTimeBarred(state, base.at)) return false;
  const l = limitationOf(state)!;
  recordStep(state, { ...base, outcome: 'skipped', reason: 'time_barred' }, advance);
  await records.raiseAlert({
    key: `${key}/time-barred`,
    kind: 'legal_referral_time_barred',
    accountId: state.accountId,
    episodeId: state.episodeId,
    message: `legal referral not made: the claim is time-barred since ${new Date(l.expiresAt).toISOString()} (bill ${l.billId}); a person decides`,
    detail: { billId: l.billId, expiresAt: new Date(l.expiresAt).toISOString() },
  });
  return true;
}
