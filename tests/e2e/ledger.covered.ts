// The JSON routes whose answers tests/e2e/ledger.test.ts checks against their schemas (it asserts
// it covers these); tests/e2e/api.test.ts covers every other JSON route.
export const LEDGER_ROUTES_COVERED = ['listLateFees', 'acknowledgeLateFees'];
