// The activity stubs the collection workflow calls, each with the timeouts and retries its kind of
// work needs, and which activity takes which rung. Types only from the activity contract: the
// workflow bundle never loads activity code.
import { proxyActivities } from '@temporalio/workflow';
import type { CollectionActivities, StepOutcome, StepRequest } from '../../activities/contract';
import type { LadderAction } from '../../domain/policy/types';
import { HEARTBEAT_TIMEOUT_MS } from '../../domain/episode/heartbeat';

// Ladder rungs: retried for about two hours, then recorded as failed (with an alert) so one broken
// gateway does not freeze the ladder forever. They heartbeat (ADR 25): a rung whose worker died is
// retried after the heartbeat timeout, not the minute of start-to-close. (Activity options are not
// compared on replay: older histories replay unchanged.)
export const ladder = proxyActivities<CollectionActivities>({
  startToCloseTimeout: '1 minute',
  heartbeatTimeout: HEARTBEAT_TIMEOUT_MS,
  retry: { initialInterval: '10 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes', maximumAttempts: 16 },
});

// Restoration retries until it is done: the customer has paid (art. 34, and our 24 h promise).
export const restoration = proxyActivities<CollectionActivities>({
  startToCloseTimeout: '30 seconds',
  heartbeatTimeout: HEARTBEAT_TIMEOUT_MS,
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' }, // no maximumAttempts: unlimited
});

/** Registers and alerts in PostgreSQL. */
export const records = proxyActivities<CollectionActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

/** The activities that take a rung: StepRequest in, StepOutcome out. */
type StepActivity = {
  [K in keyof CollectionActivities]: CollectionActivities[K] extends (req: StepRequest) => Promise<StepOutcome> ? K : never;
}[keyof CollectionActivities];

export const ACTIVITY_FOR: Record<LadderAction, StepActivity> = {
  sms: 'sendSms',
  voice: 'placeVoiceReminder',
  manual_call: 'createCallTask',
  field_visit: 'dispatchFieldVisit',
  suspend_outgoing: 'changeServiceState',
  suspend_full: 'changeServiceState',
  deregister: 'changeServiceState',
  demand_letter: 'sendDemandLetter',
  legal_referral: 'referToLegal',
  agency_referral: 'referToAgency',
  manual_review: 'createReviewTask',
};
