// The JSON routes whose answers tests/e2e/reports.test.ts checks against their schemas (it asserts
// it covers these); tests/e2e/api.test.ts covers every other JSON route.
export const REPORT_ROUTES_COVERED = ['getAgingReport', 'getRecoveryReport', 'getRestorationsReport', 'getWorkloadReport', 'listPolicies'];
