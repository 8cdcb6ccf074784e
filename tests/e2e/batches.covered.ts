// The JSON routes whose answers tests/e2e/batches.test.ts checks against their schemas (it asserts
// it covers exactly these); tests/e2e/api.test.ts covers every other JSON route.
export const BATCH_ROUTES_COVERED = ['getArrearsBatch', 'getPaymentBatch', 'postArrearsBatch', 'postPaymentBatch'];
