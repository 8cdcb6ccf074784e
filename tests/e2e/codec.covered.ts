// The JSON routes whose answers tests/e2e/codec.test.ts checks against their schemas (it asserts
// it covers exactly these); tests/e2e/api.test.ts covers every other JSON route.
export const CODEC_ROUTES_COVERED = ['decodePayloads', 'encodePayloads'];
