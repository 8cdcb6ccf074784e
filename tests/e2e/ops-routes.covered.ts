// The JSON routes whose answers tests/e2e/ops-routes.test.ts checks against their schemas (it
// asserts it covers exactly these); tests/e2e/api.test.ts covers every other JSON route.
export const OPS_ROUTES_COVERED = ['getAlerts', 'postAlertAcknowledgement', 'postCloseEpisode', 'postLateFeeWaiver', 'putContactPreferences'];
