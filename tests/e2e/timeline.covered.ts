// The JSON routes whose answers tests/e2e/timeline.test.ts checks against their schemas (it
// asserts it covers them); tests/e2e/api.test.ts leaves them out of its own coverage check.
export const STORY_ROUTES_COVERED = ['getAccountTimeline', 'getLegalCaseEvidence'];
