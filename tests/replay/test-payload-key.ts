// TEST KEY — FOR RECORDED REPLAY HISTORIES ONLY. NEVER USE IT FOR ANYTHING ELSE.
// The histories recorded since `v7-encrypted` are encrypted with the payload codec (ADR 20); the
// replay test decrypts them with this fixed key, committed on purpose so the histories replay on
// every machine. The names and numbers in those histories are made up. Production keys come from
// PAYLOAD_KEYS (config/payload-codec.ts) and are never committed.
import { AesGcmPayloadCodec, encryptingDataConverter } from '../../config/payload-codec';

export const TEST_PAYLOAD_KEY_ID = 'replay-test-key';
const TEST_PAYLOAD_KEY = Buffer.from('VEVTVC1PTkxZLXJlcGxheS1oaXN0b3JpZXMtMDAwMDA=', 'base64'); // "TEST-ONLY-replay-histories-00000"

export const testPayloadCodec = () => new AesGcmPayloadCodec({ keys: new Map([[TEST_PAYLOAD_KEY_ID, TEST_PAYLOAD_KEY]]), writeKeyId: TEST_PAYLOAD_KEY_ID });
export const testReplayDataConverter = () => encryptingDataConverter(testPayloadCodec());
