// The JSON routes whose answers tests/e2e/steering.test.ts checks against their schemas (it asserts
// it covers exactly these); tests/e2e/api.test.ts covers every other JSON route.
export const STEERING_ROUTES_COVERED = [
  'postPauseEpisode',
  'postResumeEpisode',
  'postEscalateEpisode',
  'postSkipRung',
  'postEmergencyRestore',
  'postAgencyOutcome',
];
