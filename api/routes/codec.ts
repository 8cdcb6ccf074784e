// The payload codec endpoint (issue 14, ADR 20): the Temporal UI posts the encrypted payloads of a
// history here and shows what comes back. Every call is audited (decoding is reading personal
// data). CORS answers the Temporal UI's origin only (TEMPORAL_UI_URL). The UI cannot send an
// Authorization header, so `/codec/ui/<key>/decode` carries the key in its path (the dev server's
// UI is given the demo ops key that way by `npm start`); anything else sends `Authorization: Bearer`.
import type { Payload, PayloadCodec } from '@temporalio/common';
import { Router, type NextFunction, type Request, type Response } from 'express';
import { unavailable, unprocessable } from '../errors';
import type { CodecBody } from '../schemas/requests';
import type { RouteMounter } from './mount';

export interface CodecDeps {
  payloadCodec?: PayloadCodec;
  temporalUiUrl?: string;
}

type WirePayload = { metadata: Record<string, string>; data: string };

function fromWire(body: CodecBody): Payload[] {
  return body.payloads.map((p) => ({
    metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
    data: Buffer.from(p.data ?? '', 'base64'),
  }));
}

function toWire(payloads: Payload[]): { payloads: WirePayload[] } {
  return {
    payloads: payloads.map((p) => ({
      metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
      data: Buffer.from(p.data ?? new Uint8Array()).toString('base64'),
    })),
  };
}

const UI_PATH = /^\/codec\/ui\/([A-Za-z0-9_.~-]{1,200})\/(decode|encode)(\?.*)?$/;

/**
 * Runs before the routes: CORS for the Temporal UI's origin on /codec/*, the preflight answered
 * here (no key needed for OPTIONS), and the UI path's key moved into the Authorization header.
 */
export function codecCors(deps: CodecDeps) {
  const uiOrigin = deps.temporalUiUrl ? new URL(deps.temporalUiUrl).origin : undefined;
  return (req: Request, res: Response, next: NextFunction) => {
    if (!req.path.startsWith('/codec/')) return next();
    const ui = UI_PATH.exec(req.url);
    if (ui) {
      req.headers.authorization = `Bearer ${ui[1]}`;
      req.url = `/codec/${ui[2]}${ui[3] ?? ''}`;
    }
    const origin = req.header('origin');
    if (origin && uiOrigin && origin === uiOrigin) {
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader('Vary', 'Origin');
      res.setHeader('Access-Control-Allow-Methods', 'POST, OPTIONS');
      res.setHeader('Access-Control-Allow-Headers', 'content-type, x-namespace, authorization');
      res.setHeader('Access-Control-Max-Age', '600');
    }
    if (req.method === 'OPTIONS') return void res.status(204).end();
    next();
  };
}

export function codecRouter(routes: RouteMounter, deps: CodecDeps): Router {
  const router = Router();
  const codec = () => {
    if (!deps.payloadCodec) throw unavailable('the API was started without a payload codec');
    return deps.payloadCodec;
  };
  routes.mount(router, 'decodePayloads', async ({ body }) => {
    let decoded: Payload[];
    try {
      decoded = await codec().decode(fromWire(body));
    } catch (err) {
      throw unprocessable(`a payload could not be decrypted: ${(err as Error).message}`);
    }
    return { status: 200, body: toWire(decoded), outcome: `decoded ${decoded.length} payloads` };
  });
  routes.mount(router, 'encodePayloads', async ({ body }) => {
    const encoded = await codec().encode(fromWire(body));
    return { status: 200, body: toWire(encoded), outcome: `encoded ${encoded.length} payloads` };
  });
  return router;
}
