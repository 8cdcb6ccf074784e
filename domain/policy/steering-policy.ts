// The policy's steering data (issue 11), with defaults for policies that have none: how long a line
// restored by hand is spared a new suspension, and the agency an account is referred to.
import type { CollectionPolicy } from './types';

export const DEFAULT_RESTORE_HOLD_DAYS = 7;
export const DEFAULT_AGENCY_ID = 'agency-default';

export function steeringPolicy(policy: CollectionPolicy): { restoreHoldDays: number; defaultAgencyId: string } {
  return {
    restoreHoldDays: policy.steering?.restoreHoldDays ?? DEFAULT_RESTORE_HOLD_DAYS,
    defaultAgencyId: policy.steering?.defaultAgencyId ?? DEFAULT_AGENCY_ID,
  };
}
