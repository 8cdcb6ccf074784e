// The built-in provider simulator: the default adapters for SMS, voice, network, letters and legal.
// It does nothing in the world; it records every request in `provider_requests` (one row per
// idempotency key, so a retried call is recorded once) and announces it on `events`, which the
// benchmarks use to time payment → restore. `failNext` injects transient failures for fault tests.
import { EventEmitter } from 'node:events';
import type { Pool } from 'pg';
import { ProviderRejection, type Providers } from './types';

export interface SimulatedRequest {
  key: string;
  provider: keyof Providers;
  operation: string;
  accountId: string;
  payload: Record<string, unknown>;
}

export class ProviderSimulator {
  readonly events = new EventEmitter();
  private readonly failures = new Map<string, number>();
  private readonly refusals = new Map<string, number>();

  constructor(private readonly pool: Pool) {
    this.events.setMaxListeners(0);
  }

  /** The next `times` calls of `operation` (e.g. `setServiceState:active`) throw a transient error. */
  failNext(operation: string, times: number): void {
    this.failures.set(operation, times);
  }

  /** The next `times` calls of `operation` are refused for good (a `ProviderRejection`, not retried). */
  refuseNext(operation: string, times: number): void {
    this.refusals.set(operation, times);
  }

  providers(): Providers {
    return {
      sms: { send: ({ key, accountId, ...payload }) => this.record({ key, accountId, provider: 'sms', operation: 'send', payload }) },
      voice: { call: ({ key, accountId, ...payload }) => this.record({ key, accountId, provider: 'voice', operation: 'call', payload }) },
      network: {
        setServiceState: ({ key, accountId, ...payload }) =>
          this.record({ key, accountId, provider: 'network', operation: `setServiceState:${payload.state}`, payload }),
      },
      letters: {
        sendDemandLetter: ({ key, accountId, ...payload }) => this.record({ key, accountId, provider: 'letters', operation: 'sendDemandLetter', payload }),
      },
      agency: { refer: ({ key, accountId, ...payload }) => this.record({ key, accountId, provider: 'agency', operation: 'refer', payload }) },
      legal: { openCase: ({ key, accountId, ...payload }) => this.record({ key, accountId, provider: 'legal', operation: 'openCase', payload }) },
    };
  }

  private async record(req: SimulatedRequest): Promise<{ reference: string }> {
    const left = this.failures.get(req.operation) ?? 0;
    if (left > 0) {
      this.failures.set(req.operation, left - 1);
      throw new Error(`simulated ${req.provider} outage (${req.operation})`);
    }
    const refusals = this.refusals.get(req.operation) ?? 0;
    if (refusals > 0) {
      this.refusals.set(req.operation, refusals - 1);
      throw new ProviderRejection(`simulated ${req.provider} refusal (${req.operation})`);
    }
    const inserted = await this.pool.query(
      `INSERT INTO provider_requests (idempotency_key, provider, operation, account_id, payload)
       VALUES ($1, $2, $3, $4, $5) ON CONFLICT (idempotency_key) DO NOTHING`,
      [req.key, req.provider, req.operation, req.accountId, JSON.stringify(req.payload)],
    );
    if (inserted.rowCount === 1) this.events.emit('request', req);
    return { reference: `sim:${req.provider}:${req.key}` };
  }
}
