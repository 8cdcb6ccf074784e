// A Temporal dev server for an e2e file, on a port that was free a moment ago. Between choosing
// the port and the server binding it, another process (a parallel suite's server, an ephemeral
// client port) can take it; the server then exits at once, and we try again on another port.
import { startDevServer, type DevServer } from '../../scripts/dev-server';
import { temporalCliPath } from '../../scripts/temporal-bins';
import { freePort } from './ports';

export async function startTestDevServer(dataDir: string, attempts = 3): Promise<DevServer> {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    try {
      return await startDevServer({ cli: temporalCliPath(), dataDir, port, uiPort: port + 1, headless: true });
    } catch (err) {
      if (attempt >= attempts || !/exited with code/.test((err as Error).message)) throw err;
    }
  }
}
