// Why: SIGTERM must stop the API within a bounded time without cutting requests in flight (issue 14).
import { Agent, createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { closeGracefully } from '../../api/graceful-close';

function get(port: number, path: string, agent?: Agent): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, agent }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('closeGracefully', () => {
  let server: Server;
  let port: number;
  let releaseSlow: () => void;
  let slowArrived: Promise<void>;

  beforeEach(async () => {
    let arrived!: () => void;
    slowArrived = new Promise((r) => (arrived = r));
    server = createServer((req, res) => {
      if (req.url === '/slow') {
        arrived();
        releaseSlow = () => res.end('done');
      } else if (req.url === '/hang') {
        arrived();
      } else {
        res.end('ok');
      }
    });
    server.keepAliveTimeout = 120_000; // idle keep-alive sockets would otherwise time out by themselves in 5 s
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    port = (server.address() as AddressInfo).port;
  });

  afterEach(() => {
    // A failed test must not leave its server holding jest open.
    if (server.listening) server.close();
    server.closeAllConnections();
  });

  it('finishes the request in flight, refuses new ones, and does not wait for idle keep-alive sockets', async () => {
    const keepAlive = new Agent({ keepAlive: true });
    expect(await get(port, '/', keepAlive)).toEqual({ status: 200, body: 'ok' }); // leaves an idle socket
    const slow = get(port, '/slow');
    await slowArrived;
    const closing = closeGracefully(server, 60_000);
    await expect(get(port, '/')).rejects.toThrow(/ECONNREFUSED/);
    releaseSlow();
    expect(await slow).toEqual({ status: 200, body: 'done' });
    await closing; // resolves although the keep-alive socket was never closed by its client
    keepAlive.destroy();
  });

  it('cuts a request that never ends once the grace time is over', async () => {
    const hung = get(port, '/hang');
    await slowArrived;
    await closeGracefully(server, 200);
    await expect(hung).rejects.toThrow(/socket hang up|ECONNRESET/);
  });
});
