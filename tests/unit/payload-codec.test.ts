// The payload codec (ADR 20): AES-256-GCM, the key id in metadata, several keys readable, one writing.
import { defaultPayloadConverter } from '@temporalio/common';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AesGcmPayloadCodec, ENCODING, KEY_ID_METADATA, loadPayloadKeys, parsePayloadKeys } from '../../config/payload-codec';

const key = () => randomBytes(32);
const text = (b: Uint8Array | null | undefined) => Buffer.from(b ?? new Uint8Array()).toString('utf8');
const customer = { name: '张三丰', phone: '13812345678' };

test('encrypts with the writing key, names it in metadata, and decrypts back to the same payload', async () => {
  const codec = new AesGcmPayloadCodec({ keys: new Map([['k1', key()]]), writeKeyId: 'k1' });
  const plain = defaultPayloadConverter.toPayload(customer);
  const [enc] = await codec.encode([plain]);
  expect(text(enc!.metadata!['encoding'])).toBe(ENCODING);
  expect(text(enc!.metadata![KEY_ID_METADATA])).toBe('k1');
  const raw = Buffer.from(enc!.data!);
  for (const needle of [customer.name, customer.phone]) {
    expect(raw.includes(Buffer.from(needle))).toBe(false);
    expect(raw.toString('base64')).not.toContain(Buffer.from(needle).toString('base64'));
  }
  const [dec] = await codec.decode([enc!]);
  expect(defaultPayloadConverter.fromPayload(dec!)).toEqual(customer);
  // a fresh IV each time: the same payload never encrypts the same way twice
  const [again] = await codec.encode([plain]);
  expect(Buffer.from(again!.data!).equals(raw)).toBe(false);
});

test('rotation: payloads of an old key stay readable while the new one writes; a dropped key is refused', async () => {
  const k1 = key();
  const k2 = key();
  const old = new AesGcmPayloadCodec({ keys: new Map([['k1', k1]]), writeKeyId: 'k1' });
  const rotated = new AesGcmPayloadCodec({
    keys: new Map([
      ['k1', k1],
      ['k2', k2],
    ]),
    writeKeyId: 'k2',
  });
  const [byOld] = await old.encode([defaultPayloadConverter.toPayload(customer)]);
  const [byNew] = await rotated.encode([defaultPayloadConverter.toPayload(customer)]);
  expect(text(byNew!.metadata![KEY_ID_METADATA])).toBe('k2');
  expect(defaultPayloadConverter.fromPayload((await rotated.decode([byOld!]))[0]!)).toEqual(customer);
  await expect(old.decode([byNew!])).rejects.toThrow(/unknown key id k2/);
});

test('an altered payload or a swapped key id fails authentication; plain payloads pass through', async () => {
  const k = key();
  const codec = new AesGcmPayloadCodec({
    keys: new Map([
      ['a', k],
      ['b', k],
    ]),
    writeKeyId: 'a',
  });
  const [enc] = await codec.encode([defaultPayloadConverter.toPayload(customer)]);
  const flipped = Buffer.from(enc!.data!);
  flipped[20] = flipped[20]! ^ 1;
  await expect(codec.decode([{ ...enc!, data: flipped }])).rejects.toThrow();
  // same key bytes under another id: the id is authenticated data, so this fails too
  await expect(codec.decode([{ ...enc!, metadata: { ...enc!.metadata, [KEY_ID_METADATA]: Buffer.from('b') } }])).rejects.toThrow();
  const plain = defaultPayloadConverter.toPayload({ old: 'history' });
  expect((await codec.decode([plain]))[0]).toBe(plain);
});

test('PAYLOAD_KEYS parsing names the bad entry, never the key', () => {
  const b64 = key().toString('base64');
  expect(parsePayloadKeys(`one:${b64},two:${b64}`, 'two').writeKeyId).toBe('two');
  expect(parsePayloadKeys(`one:${b64}`).writeKeyId).toBe('one');
  expect(() => parsePayloadKeys(`one:${randomBytes(16).toString('base64')}`)).toThrow(/key one must be 32 bytes/);
  expect(() => parsePayloadKeys(b64)).toThrow(/PAYLOAD_KEYS: entry 1/);
  expect(() => parsePayloadKeys(`one:${b64}`, 'nope')).toThrow(/PAYLOAD_KEY_ID/);
  expect(() => parsePayloadKeys(`one:${b64},one:${b64}`)).toThrow(/given twice/);
  try {
    parsePayloadKeys(`one:${b64}x`);
  } catch (err) {
    expect((err as Error).message).not.toContain(b64);
  }
});

test('without PAYLOAD_KEYS a dev key is generated once in the data folder and reused', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'codec-'));
  try {
    const first = loadPayloadKeys({ env: {}, dataDir: dir });
    const second = loadPayloadKeys({ env: {}, dataDir: dir });
    expect(second.writeKeyId).toBe(first.writeKeyId);
    expect(second.keys.get(second.writeKeyId)!.equals(first.keys.get(first.writeKeyId)!)).toBe(true);
    expect(fs.statSync(path.join(dir, 'payload-keys')).mode & 0o077).toBe(0);
    const configured = loadPayloadKeys({ env: { PAYLOAD_KEYS: `prod:${key().toString('base64')}` }, dataDir: dir });
    expect(configured.writeKeyId).toBe('prod');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
