// Heartbeats of the side-effecting activities (issue 14), in one place: the workflow's proxies set
// the heartbeat timeout, the activities beat well inside it. A worker that dies mid-rung stops
// beating, and Temporal retries the rung after HEARTBEAT_TIMEOUT_MS instead of the start-to-close
// timeout (a minute). Plain numbers: the workflow bundle and the activities both import them.

/** The server gives up on an attempt that has not heartbeaten for this long (ms). */
export const HEARTBEAT_TIMEOUT_MS = 10_000;

/** How often a running side-effecting activity heartbeats (ms): at start, then while waiting on its provider. */
export const HEARTBEAT_EVERY_MS = 2_000;
