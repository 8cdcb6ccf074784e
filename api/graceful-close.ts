// Graceful shutdown of the HTTP server, bounded in time (issue 14): stop accepting connections,
// let the requests in flight finish, drop idle keep-alive sockets at once (server.close alone
// waits for them), and after `graceMs` cut whatever is still open so SIGTERM always ends.
import type { Server } from 'node:http';

export const SHUTDOWN_GRACE_MS = 10_000;

export async function closeGracefully(server: Server, graceMs = SHUTDOWN_GRACE_MS): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  // Sockets that finish their request while we wait are idle keep-alives: close them as they come.
  const sweep = setInterval(() => server.closeIdleConnections(), 100);
  const cut = setTimeout(() => server.closeAllConnections(), graceMs);
  try {
    await closed;
  } finally {
    clearInterval(sweep);
    clearTimeout(cut);
  }
}
