// The episode's side of its litigation case (ADR 12): the legal_referral rung opens the case (an
// idempotent activity: one case per account and episode, however often it is retried), and the
// episode tells the case the money whenever a payment, a plan or its status changed it.
import { proxyActivities } from '@temporalio/workflow';
import type { LinkActivities } from '../../activities/litigation-link-contract';
import { balanceOf } from '../../domain/episode/ledger';
import { linkCase, moneyToTell, referralCaseId } from '../../domain/episode/practice/litigation-link';
import type { EpisodeState } from '../../domain/episode/state';

const link = proxyActivities<LinkActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

/** After a legal_referral rung was done: opens the episode's case (or finds the one legal opened by hand) and links it. */
export async function openReferralCase(state: EpisodeState): Promise<void> {
  if (state.litigation?.status === 'open') return;
  const caseId = referralCaseId(state.accountId, state.episodeId);
  const opened = await link.openLitigationCase({
    caseId,
    accountId: state.accountId,
    episodeId: state.episodeId,
    currency: state.currency,
    principal: balanceOf(state),
    openedBy: 'system:legal_referral',
  });
  linkCase(state, opened.caseId, opened.caseNumber, Date.now());
}

/** Tells the case the money if it changed since the last telling; true when it did. */
export async function tellCaseIfChanged(state: EpisodeState): Promise<boolean> {
  const money = moneyToTell(state, Date.now());
  if (!money) return false;
  await link.tellCase({ caseId: state.litigation!.caseId, money });
  return true;
}
