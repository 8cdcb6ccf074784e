// Personal data out of Temporal (issue 14, PIPL; ADR 20): every payload a client or worker sends to
// Temporal (workflow inputs, signals, updates, results, queries, memos, carried state) is encrypted
// with AES-256-GCM before it leaves the process. The encrypted payload names its key in metadata
// (`encryption-key-id`), so several keys can be readable while one writes: rotate by adding a new
// key, making it the writing key, and dropping the old one once no open history needs it.
//
// Keys come from configuration: PAYLOAD_KEYS=`id1:base64key,id2:base64key` (32-byte keys) and
// PAYLOAD_KEY_ID (the writing key; default the first). Without PAYLOAD_KEYS (`npm start`, tests) a
// dev key is generated once into the git-ignored data folder (`<dataDir>/payload-keys`).
import type { DataConverter, Payload, PayloadCodec } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export const ENCODING = 'binary/encrypted';
export const KEY_ID_METADATA = 'encryption-key-id';
const IV_BYTES = 12;
const TAG_BYTES = 16;

export interface PayloadKeys {
  /** Every readable key by id. */
  keys: ReadonlyMap<string, Buffer>;
  /** The key new payloads are written with. */
  writeKeyId: string;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export class AesGcmPayloadCodec implements PayloadCodec {
  constructor(private readonly config: PayloadKeys) {
    if (!config.keys.has(config.writeKeyId)) throw new Error(`payload key ${config.writeKeyId} (PAYLOAD_KEY_ID) is not among the configured keys`);
  }

  get writeKeyId(): string {
    return this.config.writeKeyId;
  }

  encode(payloads: Payload[]): Promise<Payload[]> {
    return new Promise((resolve) => resolve(this.encodeNow(payloads)));
  }

  decode(payloads: Payload[]): Promise<Payload[]> {
    // a failure rejects the promise (never a synchronous throw)
    return new Promise((resolve) => resolve(this.decodeNow(payloads)));
  }

  private encodeNow(payloads: Payload[]): Payload[] {
    const keyId = this.config.writeKeyId;
    const key = this.config.keys.get(keyId)!;
    return payloads.map((payload) => {
      const plain = temporal.api.common.v1.Payload.encode(payload).finish();
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      cipher.setAAD(Buffer.from(keyId, 'utf8')); // the key id cannot be swapped without failing the tag
      const body = Buffer.concat([cipher.update(plain), cipher.final()]);
      return {
        metadata: { encoding: encoder.encode(ENCODING), [KEY_ID_METADATA]: encoder.encode(keyId) },
        data: Buffer.concat([iv, body, cipher.getAuthTag()]),
      };
    });
  }

  private decodeNow(payloads: Payload[]): Payload[] {
    return payloads.map((payload) => {
      // Payloads written before the codec (old histories) pass through unchanged.
      if (!payload.metadata || decoder.decode(payload.metadata['encoding'] ?? new Uint8Array()) !== ENCODING) return payload;
      const keyIdBytes = payload.metadata[KEY_ID_METADATA];
      if (!keyIdBytes) throw new Error('encrypted payload without an encryption-key-id');
      const keyId = decoder.decode(keyIdBytes);
      const key = this.config.keys.get(keyId);
      if (!key) throw new Error(`encrypted payload with unknown key id ${keyId} (add it to PAYLOAD_KEYS to read it)`);
      const data = Buffer.from(payload.data ?? new Uint8Array());
      if (data.length < IV_BYTES + TAG_BYTES) throw new Error('encrypted payload too short');
      const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, IV_BYTES));
      decipher.setAAD(Buffer.from(keyId, 'utf8'));
      decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
      const plain = Buffer.concat([decipher.update(data.subarray(IV_BYTES, data.length - TAG_BYTES)), decipher.final()]);
      return temporal.api.common.v1.Payload.decode(plain);
    });
  }
}

const KEY_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** Parses `id1:base64key,id2:base64key`; throws naming the variable and the bad entry (never the key). */
export function parsePayloadKeys(keysText: string, writeKeyId?: string): PayloadKeys {
  const keys = new Map<string, Buffer>();
  for (const [i, entry] of keysText.split(',').entries()) {
    const at = entry.indexOf(':');
    const id = entry.slice(0, at).trim();
    const key = Buffer.from(entry.slice(at + 1).trim(), 'base64');
    if (at < 1 || !KEY_ID.test(id))
      throw new Error(`Invalid environment variable PAYLOAD_KEYS: entry ${i + 1} needs an id (letters, digits, . _ -) before ':'`);
    if (key.length !== 32) throw new Error(`Invalid environment variable PAYLOAD_KEYS: key ${id} must be 32 bytes in base64 (AES-256), got ${key.length}`);
    if (keys.has(id)) throw new Error(`Invalid environment variable PAYLOAD_KEYS: key id ${id} given twice`);
    keys.set(id, key);
  }
  const write = writeKeyId?.trim() || [...keys.keys()][0]!;
  if (!keys.has(write)) throw new Error(`Invalid environment variable PAYLOAD_KEY_ID=${JSON.stringify(write)}: not a key id of PAYLOAD_KEYS`);
  return { keys, writeKeyId: write };
}

/**
 * The keys from PAYLOAD_KEYS / PAYLOAD_KEY_ID, or the dev key of the data folder (generated on
 * first use; concurrent first uses agree on one key).
 */
export function loadPayloadKeys(opts: { env?: NodeJS.ProcessEnv; dataDir: string }): PayloadKeys {
  const env = opts.env ?? process.env;
  const configured = env['PAYLOAD_KEYS']?.trim();
  if (configured) return parsePayloadKeys(configured, env['PAYLOAD_KEY_ID']);
  const file = path.join(opts.dataDir, 'payload-keys');
  if (!fs.existsSync(file)) {
    fs.mkdirSync(opts.dataDir, { recursive: true });
    const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
    fs.writeFileSync(tmp, `dev-${Date.now().toString(36)}:${randomBytes(32).toString('base64')}\n`, { mode: 0o600 });
    try {
      fs.linkSync(tmp, file); // atomic: fails if another process made it first, and then that key is used
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    } finally {
      fs.rmSync(tmp, { force: true });
    }
  }
  return parsePayloadKeys(fs.readFileSync(file, 'utf8').trim());
}

/** The data converter every client and worker of the system uses. */
export function encryptingDataConverter(codec: PayloadCodec): DataConverter {
  return { payloadCodecs: [codec] };
}

/** The configured codec (or the data folder's dev key). */
export function configuredPayloadCodec(dataDir: string, env: NodeJS.ProcessEnv = process.env): AesGcmPayloadCodec {
  return new AesGcmPayloadCodec(loadPayloadKeys({ env, dataDir }));
}
