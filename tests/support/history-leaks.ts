// Finding personal data in what Temporal holds (the codec and customer-reference tests): a
// workflow's history and description exported by the real CLI, every string in them and what it
// decodes to as base64 (payloads' `data`), and which of the secrets appear.
import { execFileSync } from 'node:child_process';
import { temporalCliPath } from '../../scripts/temporal-bins';

/** `temporal <args> -o json` against the dev server at `address`, parsed. */
export function temporalCliJson(address: string, args: string[]): unknown {
  const out = execFileSync(temporalCliPath(), [...args, '--address', address, '-o', 'json'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return JSON.parse(out);
}

/** Every string in a JSON document, and what it decodes to when it is base64. */
export function readableTexts(doc: unknown): string[] {
  const out: string[] = [];
  const walk = (v: unknown): void => {
    if (typeof v === 'string') {
      out.push(v);
      if (/^[A-Za-z0-9+/]+={0,2}$/.test(v) && v.length % 4 === 0) out.push(Buffer.from(v, 'base64').toString('utf8'));
    } else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  walk(doc);
  return out;
}

/** Which forms of the secrets (as written, base64, JSON-escaped) some text contains. */
export function leakFinder(secrets: string[]): (texts: string[]) => string[] {
  const needles = [...new Set([...secrets, ...secrets.map((s) => Buffer.from(s).toString('base64')), ...secrets.map((s) => JSON.stringify(s).slice(1, -1))])];
  return (texts) => needles.filter((n) => texts.some((t) => t.includes(n)));
}
