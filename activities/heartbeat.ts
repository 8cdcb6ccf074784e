// Heartbeating while a side-effecting activity runs (ADR 25): one beat at start, then every
// HEARTBEAT_EVERY_MS until the work settles, so a crashed worker's rung is retried within the
// heartbeat timeout. Outside an activity (unit tests calling the functions directly) it only runs `work`.
import { Context } from '@temporalio/activity';
import { HEARTBEAT_EVERY_MS } from '../domain/episode/heartbeat';

function activityContext(): Context | undefined {
  try {
    return Context.current();
  } catch {
    return undefined; // not inside an activity
  }
}

export async function heartbeating<T>(work: () => Promise<T>): Promise<T> {
  const ctx = activityContext();
  if (!ctx) return work();
  ctx.heartbeat();
  const timer = setInterval(() => ctx.heartbeat(), HEARTBEAT_EVERY_MS);
  try {
    return await work();
  } finally {
    clearInterval(timer);
  }
}
