// Structured logs (pino). Names and phone numbers never appear in clear (PIPL): they are redacted
// wherever they occur in a logged object.
import { DefaultLogger, Runtime } from '@temporalio/worker';
import pino, { type Logger } from 'pino';
import type { AppConfig } from './index';

export function createLogger(config: Pick<AppConfig, 'logLevel'>, name: string): Logger {
  return pino({
    name,
    level: config.logLevel,
    redact: {
      // top-level `name` is the logger's own name, so only nested `name` fields are redacted
      paths: ['phone', 'customerName', '*.phone', '*.name', '*.customerName', '*.*.phone', '*.*.name'],
      censor: '[redacted]',
    },
  });
}

/**
 * The Temporal SDK logs at WARN and above (its INFO lines are per-worker chatter); call before
 * creating workers. Tools on the time-skipping test server pass 'ERROR': that server predates the
 * SDK's heartbeat-capability check, which warns once per worker (every simulation batch).
 */
export function quietTemporalRuntime(level: 'WARN' | 'ERROR' = 'WARN', opts: { prometheusBindAddress?: string } = {}): void {
  Runtime.install({
    logger: new DefaultLogger(level),
    telemetryOptions: {
      logging: { filter: { core: level, other: level }, forward: {} },
      // The worker's own metrics (task latencies), scraped by the benchmarks.
      ...(opts.prometheusBindAddress ? { metrics: { prometheus: { bindAddress: opts.prometheusBindAddress } } } : {}),
    },
  });
}
