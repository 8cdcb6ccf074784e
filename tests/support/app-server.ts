// The API app alone on a loopback port, for e2e files that need no worker: their database and a
// collection client of their choosing (often a stub), silent logs, the default policy.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { createApp, type AppDeps } from '../../api/app';
import { KNOWN_POLICIES } from '../../config/policy-schema';

export interface ServedApp {
  server: Server;
  base: string;
  close(): Promise<void>;
}

export async function serveApp(deps: Pick<AppDeps, 'pool' | 'collection'> & Partial<AppDeps>): Promise<ServedApp> {
  const app = createApp({ policy: () => KNOWN_POLICIES['default']!, log: pino({ level: 'silent' }), ...deps });
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  return {
    server,
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
