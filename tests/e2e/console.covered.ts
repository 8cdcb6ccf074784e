// The JSON routes whose answers tests/browser/console-accounts.test.ts checks against their schemas
// (it asserts it covers them); tests/e2e/api.test.ts leaves them out of its own coverage check.
export const CONSOLE_ROUTES_COVERED = ['getSession'];
