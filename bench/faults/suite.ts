// The fault suite's scenarios (issue 14), against the four processes of bench/faults/processes.ts:
//  1. SIGKILL the worker repeatedly while side-effecting rungs are in flight;
//  2. SIGKILL and restart the dev server with episodes open and timers due during the outage;
//  3. stop and restart PostgreSQL during payment and bulk posting;
//  4. the same payment many times at once.
// Every episode enrolled here has exactly one side effect due (the reminder SMS: a bill due
// yesterday, in a zone where it is 10:00 now, as tests/support/episodes.ts chooses them), so a
// second provider request or attempt record for an account is a duplicated effect.
import { Client, Connection, WorkflowNotFoundError } from '@temporalio/client';
import { DateTime } from 'luxon';
import type { Pool } from 'pg';
import { CollectionClient } from '../../api/collection-client';
import { configuredPayloadCodec, encryptingDataConverter } from '../../config/payload-codec';
import { migrate } from '../../db/migrate';
import { createPool } from '../../db/pool';
import { apiKeys } from '../../db/stores/api-keys';
import { addDays, localDateOf } from '../../domain/policy/calendar';
import { DEFAULT_POLICY } from '../../domain/policy/default-policy';
import type { CollectionPolicy } from '../../domain/policy/types';
import { collectionWorkflowId } from '../../workflows/messages';
import { zoneAtLocalHour } from '../../tests/support/clock';
import { percentile, pooled } from '../harness';
import { sleep, type System } from './processes';

export interface SuiteSizes {
  /** Scenario 1: worker kills, and accounts enrolled (in waves, one wave before each kill). */
  workerKills: number;
  killAccounts: number;
  /** Scenario 2: dev server kills, episodes whose timer is due during each outage, outage length. */
  serverKills: number;
  timerAccounts: number;
  serverOutageSeconds: number;
  /** Scenario 3: PostgreSQL stops, their length, accounts paid, single posters at once, rows per batch. */
  pgStops: number;
  pgOutageSeconds: number;
  payAccounts: number;
  payConcurrency: number;
  batchRows: number;
  /** Scenario 4: the same payment this many times at once. */
  identicalPayments: number;
}

export const FULL: SuiteSizes = {
  workerKills: 8,
  killAccounts: 200,
  serverKills: 2,
  timerAccounts: 100,
  serverOutageSeconds: 20,
  pgStops: 2,
  pgOutageSeconds: 10,
  payAccounts: 20,
  payConcurrency: 6,
  batchRows: 10,
  identicalPayments: 1000,
};

export const SHORT: SuiteSizes = {
  workerKills: 2,
  killAccounts: 20,
  serverKills: 1,
  timerAccounts: 20,
  serverOutageSeconds: 8,
  pgStops: 1,
  pgOutageSeconds: 5,
  payAccounts: 5,
  payConcurrency: 3,
  batchRows: 5,
  identicalPayments: 100,
};

/** A figure of the final table: `expect` given means it must equal that value. */
export interface Figure {
  scenario: string;
  name: string;
  value: number | string;
  expect?: number;
}

const LOCAL_HOUR = 10;
const BIG_BALANCE = 100_000_000; // small payments never close the episode

const ms = (t: { seconds?: { toString(): string } | number | null; nanos?: number | null } | null | undefined): number =>
  t ? Number((t.seconds ?? 0).toString()) * 1000 + Math.round((t.nanos ?? 0) / 1e6) : NaN;
const secs = (x: number) => Math.round(x / 100) / 10;
const stats = (xs: number[]) => (xs.length === 0 ? 'none' : `p50 ${secs(percentile(xs, 50))} s, max ${secs(Math.max(...xs))} s (n=${xs.length})`);

interface Answer {
  status: number;
  retryAfter: boolean;
  at: number;
}

export class FaultSuite {
  readonly figures: Figure[] = [];
  private pool!: Pool;
  private key = '';
  private collection!: CollectionClient;
  private connection!: Connection;
  private client!: Client;
  /** Every account enrolled, by scenario. */
  private readonly accounts = new Map<string, string[]>();
  private seq = 0;
  private readonly tag = Date.now().toString(36);

  constructor(
    private readonly sys: System,
    private readonly sizes: SuiteSizes,
    private readonly say: (line: string) => void,
  ) {}

  private fig(scenario: string, name: string, value: number | string, expect?: number): void {
    this.figures.push({ scenario, name, value, ...(expect !== undefined ? { expect } : {}) });
    this.say(`  ${scenario} · ${name}: ${value}${expect !== undefined ? ` (must be ${expect})` : ''}`);
  }

  async start(): Promise<void> {
    const t0 = Date.now();
    await this.sys.startPg();
    await migrate(this.sys.pgUrl);
    this.pool = createPool(this.sys.pgUrl, { max: 4 });
    this.key = (await apiKeys(this.pool).create('faults', ['admin'])).key;
    // The suite's client reads and writes with the processes' payload key (their DATA_DIR).
    const codec = configuredPayloadCodec(`${this.sys.dir}/data`, { PAYLOAD_KEYS: '' });
    await this.sys.startTemporal();
    this.connection = await Connection.connect({ address: this.sys.temporalAddress });
    this.client = new Client({ connection: this.connection, dataConverter: encryptingDataConverter(codec) });
    this.collection = new CollectionClient(this.client, 'collection');
    await Promise.all([this.sys.startWorker(), this.sys.startApi()]);
    this.say(`processes up in ${secs(Date.now() - t0)} s (${this.sys.dir})`);
  }

  async close(): Promise<void> {
    await this.connection?.close().catch(() => undefined);
    await this.pool?.end().catch(() => undefined);
  }

  // ---- helpers

  private http(method: string, url: string, body?: string, contentType = 'application/json'): Promise<Response> {
    return fetch(`${this.sys.apiUrl}${url}`, {
      method,
      headers: { authorization: `Bearer ${this.key}`, ...(body !== undefined ? { 'content-type': contentType } : {}) },
      ...(body !== undefined ? { body } : {}),
      signal: AbortSignal.timeout(60_000),
    });
  }

  /** The suite's zone: it is 10:00 there now (tests/support/clock.ts). */
  private zone(): string {
    return zoneAtLocalHour(LOCAL_HOUR, Date.now());
  }

  private newId(scenario: string): string {
    const id = `F${scenario}-${this.tag}-${++this.seq}`;
    const list = this.accounts.get(scenario) ?? [];
    list.push(id);
    this.accounts.set(scenario, list);
    return id;
  }

  /** Enrols through the API a bill due `daysAgo` days back: its reminder SMS is due at once. */
  private async enrolApi(scenario: string, daysAgo = 1): Promise<string> {
    const id = this.newId(scenario);
    const zone = this.zone();
    const body = {
      billId: `${id}-B1`,
      customerName: '故障',
      phone: '13900000000',
      timezone: zone,
      amount: BIG_BALANCE,
      currency: 'CNY',
      dueDate: addDays(localDateOf(Date.now(), zone), -daysAgo),
    };
    for (let attempt = 1; ; attempt++) {
      const res = await this.http('POST', `/v1/accounts/${id}/arrears`, JSON.stringify(body));
      if (res.status === 201 || res.status === 200) return id;
      if (attempt >= 10) throw new Error(`enrol ${id}: ${res.status} ${await res.text()}`);
      await sleep(1000);
    }
  }

  private async sinceSql<T extends object>(sql: string, params: unknown[]): Promise<T[]> {
    for (let attempt = 1; ; attempt++) {
      try {
        return (await this.pool.query<T>(sql, params)).rows;
      } catch (err) {
        if (attempt >= 60) throw err;
        await sleep(500);
      }
    }
  }

  /** Accounts (of `ids`) whose reminder rung is recorded. */
  private async remindedAccounts(ids: string[]): Promise<Set<string>> {
    const rows = await this.sinceSql<{ account_id: string }>(`SELECT DISTINCT account_id FROM collection_attempts WHERE account_id = ANY($1)`, [ids]);
    return new Set(rows.map((r) => r.account_id));
  }

  private async untilReminded(ids: string[], timeoutMs: number): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const done = await this.remindedAccounts(ids);
      if (done.size === ids.length || Date.now() > deadline) return ids.length - done.size;
      await sleep(250);
    }
  }

  /** Duplicated effects among `ids`: provider requests and attempt records beyond one per account. */
  private async duplicates(ids: string[]): Promise<{ requests: number; attempts: number }> {
    const [requests] = await this.sinceSql<{ n: number }>(
      `SELECT coalesce(sum(n - 1), 0)::int AS n FROM (SELECT count(*) AS n FROM provider_requests WHERE account_id = ANY($1) GROUP BY account_id, operation) x`,
      [ids],
    );
    const [attempts] = await this.sinceSql<{ n: number }>(
      `SELECT coalesce(sum(n - 1), 0)::int AS n FROM (SELECT count(*) AS n FROM collection_attempts WHERE account_id = ANY($1) GROUP BY account_id, step_id, action) x`,
      [ids],
    );
    return { requests: requests!.n, attempts: attempts!.n };
  }

  /** Workflows of `ids` not found (lost) or ended badly (failed, terminated, timed out, cancelled). */
  private async workflowStatus(ids: string[]): Promise<{ lost: number; failed: number; running: number }> {
    let lost = 0;
    let failed = 0;
    let running = 0;
    await pooled(ids, 8, async (id) => {
      try {
        const d = await this.client.workflow.getHandle(collectionWorkflowId(id)).describe();
        if (d.status.name === 'RUNNING') running++;
        else if (d.status.name !== 'COMPLETED' && d.status.name !== 'CONTINUED_AS_NEW') failed++;
      } catch (err) {
        if (err instanceof WorkflowNotFoundError) lost++;
        else throw err;
      }
    });
    return { lost, failed, running };
  }

  /** Workflow task failures and activity retries in the histories of `ids` (start time of each retry). */
  private async histories(ids: string[]): Promise<{ taskFailures: number; retriedStarts: number[] }> {
    let taskFailures = 0;
    const retriedStarts: number[] = [];
    await pooled(ids, 8, async (id) => {
      const history = await this.client.workflow.getHandle(collectionWorkflowId(id)).fetchHistory();
      for (const e of history.events ?? []) {
        if (e.workflowTaskFailedEventAttributes) taskFailures++;
        const started = e.activityTaskStartedEventAttributes;
        if (started && (started.attempt ?? 1) > 1) retriedStarts.push(ms(e.eventTime));
      }
    });
    return { taskFailures, retriedStarts };
  }

  // ---- scenario 1: the worker killed while rungs are in flight

  async workerKills(): Promise<string[]> {
    const S = '1 worker SIGKILL';
    const { workerKills, killAccounts } = this.sizes;
    const wave = Math.max(1, Math.ceil(killAccounts / workerKills));
    const ids: string[] = [];
    const kills: number[] = [];
    const restarts: number[] = [];
    const notRecordedAtKill: number[] = [];
    for (let k = 0; k < workerKills; k++) {
      // the wave is enrolled all at once while a watcher waits for its first provider request: the
      // worker is killed then, with the wave's other rungs in flight (started) or still queued. An
      // enrolment waits for the episode's first task, so those still waiting finish once the
      // worker is back (or get a 503 and are sent again).
      const waveIds: string[] = [];
      let enrolling = true;
      const enrolment = pooled(
        Array.from({ length: wave }, () => 0),
        wave,
        async () => {
          waveIds.push(await this.enrolApi('1'));
        },
      ).finally(() => (enrolling = false));
      const deadline = Date.now() + 60_000;
      const reached = async () =>
        (await this.sinceSql<{ n: number }>(`SELECT count(*)::int AS n FROM provider_requests WHERE account_id LIKE $1`, [`F1-${this.tag}-%`]))[0]!.n;
      const before = await reached();
      while ((await reached()) === before && (enrolling || Date.now() < deadline)) await sleep(5);
      const killAt = Date.now();
      await this.sys.worker!.stop('SIGKILL');
      kills.push(killAt);
      const recorded = (
        await this.sinceSql<{ n: number }>(`SELECT count(DISTINCT account_id)::int AS n FROM collection_attempts WHERE account_id LIKE $1`, [
          `F1-${this.tag}-%`,
        ])
      )[0]!.n;
      notRecordedAtKill.push((k + 1) * wave - recorded);
      const t = Date.now();
      await this.sys.startWorker();
      restarts.push(Date.now() - t);
      await enrolment;
      ids.push(...waveIds);
    }
    this.fig(S, 'worker kills', kills.length);
    this.fig(S, 'accounts enrolled (one reminder each due at once)', ids.length);
    this.fig(S, 'rungs not yet recorded at each kill (in flight or queued)', notRecordedAtKill.join(', '));
    this.fig(S, 'worker restart (process start to "worker running")', stats(restarts));
    this.kills = kills;
    return ids;
  }

  private kills: number[] = [];

  async settleWorkerKills(ids: string[], timeoutMs: number): Promise<void> {
    const S = '1 worker SIGKILL';
    const notRun = await this.untilReminded(ids, timeoutMs);
    const dup = await this.duplicates(ids);
    const wf = await this.workflowStatus(ids);
    const h = await this.histories(ids);
    const lastKill = this.kills[this.kills.length - 1] ?? 0;
    // a retried activity's delay: from the kill before its retry to the retry's start
    const delays = h.retriedStarts.map((t) => t - Math.max(...this.kills.filter((k) => k <= t), 0)).filter((d) => d >= 0 && d < 600_000);
    const sentBeforeKill = await this.sinceSql<{ n: number }>(
      `SELECT count(*)::int AS n FROM provider_requests p JOIN collection_attempts a ON a.idempotency_key = p.idempotency_key
        WHERE p.account_id = ANY($1) AND a.performed_at - p.requested_at > interval '2 seconds'`,
      [ids],
    );
    this.fig(S, 'duplicate provider effects', dup.requests, 0);
    this.fig(S, 'duplicate attempt records', dup.attempts, 0);
    this.fig(S, 'rungs never run', notRun, 0);
    this.fig(S, 'lost workflows', wf.lost, 0);
    this.fig(S, 'failed workflows', wf.failed, 0);
    this.fig(S, 'workflow task failures', h.taskFailures);
    this.fig(S, 'activities retried after a kill', delays.length);
    this.fig(S, 'in-flight rung retried after (kill → retry start)', stats(delays));
    this.fig(S, 'provider reached before the kill, recorded on the retry (same key, applied once)', sentBeforeKill[0]!.n);
    this.fig(S, 'last kill → all rungs recorded', secs(Date.now() - lastKill) + ' s');
  }

  // ---- scenario 2: the dev server killed with timers due during the outage

  async serverKills(): Promise<void> {
    const S = '2 dev server SIGKILL';
    const { serverKills, timerAccounts, serverOutageSeconds } = this.sizes;
    const ids: string[] = [];
    const late: number[] = [];
    const afterRestart: number[] = [];
    let notFired = 0;
    let dueInOutage = 0;
    for (let k = 0; k < serverKills; k++) {
      // a policy whose reminder is due at the next minute at least `lead` ahead, local time
      const lead = 15_000 + timerAccounts * 150;
      const dueAt = Math.ceil((Date.now() + lead) / 60_000) * 60_000;
      const zone = this.zone();
      const policy: CollectionPolicy = {
        ...DEFAULT_POLICY,
        id: 'faults-timer',
        preferredTime: { ...DEFAULT_POLICY.preferredTime, sms: DateTime.fromMillis(dueAt, { zone }).toFormat('HH:mm') },
      };
      const round: string[] = [];
      await pooled(
        Array.from({ length: timerAccounts }, () => 0),
        8,
        async () => {
          const id = this.newId('2');
          round.push(id);
          await this.collection.enrol({
            accountId: id,
            customer: { name: '故障', phone: '13900000000', segment: 'consumer', lists: [], timezone: zone },
            bill: { billId: `${id}-B1`, amount: BIG_BALANCE, currency: 'CNY', dueDate: addDays(localDateOf(Date.now(), zone), -1) },
            policy,
          });
        },
      );
      // every episode has run its first task (its timer is set) before the server goes
      await pooled(round, 8, async (id) => {
        await this.collection.state(id);
      });
      ids.push(...round);
      const early = (await this.remindedAccounts(round)).size;
      if (early > 0) throw new Error(`${early} reminders ran before their time: the timer policy is wrong`);
      if (Date.now() > dueAt - 3000) throw new Error('enrolment took longer than the lead; raise it');
      await sleep(dueAt - 3000 - Date.now());
      const killAt = Date.now();
      await this.sys.temporal!.stop('SIGKILL');
      await sleep(Math.max(0, killAt + serverOutageSeconds * 1000 - Date.now()));
      await this.sys.startTemporal();
      const upAt = Date.now();
      if (dueAt > killAt && dueAt < upAt) dueInOutage += round.length;
      notFired += await this.untilReminded(round, 120_000);
      // lateness against the instant the timer was due (the attempt's scheduled_for is the
      // workflow's time when the rung ran, i.e. already late)
      const rows = await this.sinceSql<{ late_ms: number; after_ms: number }>(
        `SELECT (extract(epoch FROM performed_at) * 1000 - $2)::int AS late_ms,
                (extract(epoch FROM performed_at) * 1000 - $3)::int AS after_ms
           FROM collection_attempts WHERE account_id = ANY($1)`,
        [round, dueAt, upAt],
      );
      late.push(...rows.map((r) => r.late_ms));
      afterRestart.push(...rows.map((r) => r.after_ms));
      this.say(`  (dev server kill ${k + 1}: down ${secs(upAt - killAt)} s, ${round.length} timers due ${secs(dueAt - killAt)} s after the kill)`);
    }
    const dup = await this.duplicates(ids);
    const everyone = [...this.accounts.values()].flat();
    const wf = await this.workflowStatus(everyone);
    const h = await this.histories(ids);
    this.fig(S, 'dev server kills', serverKills);
    this.fig(S, 'open episodes during the outages (all scenarios so far)', everyone.length);
    this.fig(S, 'timers due during an outage', dueInOutage);
    this.fig(S, 'timers never fired', notFired, 0);
    this.fig(S, 'timers fired late (> 1 s after due)', late.filter((l) => l > 1000).length);
    this.fig(S, 'lateness (due → rung recorded)', stats(late));
    this.fig(S, 'server back → rung recorded', stats(afterRestart));
    this.fig(S, 'duplicate provider effects', dup.requests + dup.attempts, 0);
    this.fig(S, 'lost workflows (every episode of the run)', wf.lost, 0);
    this.fig(S, 'failed workflows (every episode of the run)', wf.failed, 0);
    this.fig(S, 'workflow task failures', h.taskFailures);
  }

  // ---- scenario 3: PostgreSQL stopped during payment and bulk posting

  async pgOutages(): Promise<void> {
    const S = '3 PostgreSQL stop';
    const { pgStops, pgOutageSeconds, payAccounts, payConcurrency, batchRows } = this.sizes;
    const ids: string[] = [];
    await pooled(
      Array.from({ length: payAccounts }, () => 0),
      8,
      async () => {
        ids.push(await this.enrolApi('3', 3));
      },
    );
    await this.untilReminded(ids, 60_000);
    const apiExitsBefore = this.sys.unexpectedExits('api').length;
    const workerExitsBefore = this.sys.unexpectedExits('worker').length;
    const singles: Answer[] = [];
    const batches: Answer[] = [];
    const ok = new Set<string>(); // payment ids answered 2xx (alone or in a 2xx batch)
    let networkErrors = 0;
    let n = 0;
    let running = true;
    const paidAt = new Date().toISOString();
    const note = (list: Answer[], res: Response) => list.push({ status: res.status, retryAfter: res.headers.has('retry-after'), at: Date.now() });

    // a client that keeps posting: each payment until it gets an answer that is not a 503
    const poster = async () => {
      while (running) {
        const paymentId = `${this.tag}-P${++n}`;
        const body = JSON.stringify({ paymentId, accountId: ids[n % ids.length], amount: 100, currency: 'CNY', paidAt, channel: 'bank' });
        for (;;) {
          try {
            const res = await this.http('POST', '/v1/payments', body);
            note(singles, res);
            await res.arrayBuffer();
            if (res.status < 300) ok.add(paymentId);
            if (res.status !== 503 || !running) break;
          } catch {
            networkErrors++;
            if (!running) break;
          }
          await sleep(500);
        }
      }
    };
    const batchPoster = async () => {
      while (running) {
        const rows = Array.from({ length: batchRows }, () => {
          const paymentId = `${this.tag}-B${++n}`;
          return { paymentId, accountId: ids[n % ids.length], amount: 100, currency: 'CNY', paidAt, channel: 'bank' };
        });
        const body = rows.map((r) => JSON.stringify(r)).join('\n') + '\n';
        for (;;) {
          try {
            const res = await this.http('POST', '/v1/payments/batches', body, 'application/x-ndjson');
            note(batches, res);
            await res.arrayBuffer();
            if (res.status < 300) for (const r of rows) ok.add(r.paymentId);
            if (res.status !== 503 || !running) break;
          } catch {
            networkErrors++;
            if (!running) break;
          }
          await sleep(500);
        }
        await sleep(200);
      }
    };
    const traffic = [...Array.from({ length: payConcurrency }, poster), batchPoster()];
    const recoveries: number[] = [];
    const outages: number[] = [];
    const workerRecoveries: number[] = [];
    for (let k = 0; k < pgStops; k++) {
      await sleep(2000);
      const stopAt = Date.now();
      await this.sys.stopPg();
      await sleep(Math.max(0, stopAt + pgOutageSeconds * 1000 - Date.now()));
      await this.sys.startPg();
      const upAt = Date.now();
      // recovered: a single payment answered 2xx after PostgreSQL is back
      const deadline = upAt + 120_000;
      while (!singles.some((a) => a.at > upAt && a.status < 300) && Date.now() < deadline) await sleep(50);
      const first = singles.find((a) => a.at > upAt && a.status < 300);
      recoveries.push(first ? first.at - upAt : NaN);
      outages.push(upAt - stopAt);
      // the worker too: a new episode's reminder runs
      const probe = await this.enrolApi('3', 3);
      ids.push(probe);
      const left = await this.untilReminded([probe], 120_000);
      workerRecoveries.push(left === 0 ? Date.now() - upAt : NaN);
    }
    await sleep(2000);
    running = false;
    await Promise.all(traffic);

    // every payment kept is delivered; then each 2xx payment must be in its episode exactly once
    const deadline = Date.now() + 120_000;
    let pending = 0;
    for (;;) {
      pending = (await this.sinceSql<{ n: number }>(`SELECT count(*)::int AS n FROM payments WHERE result IS NULL`, []))[0]!.n;
      if (pending === 0 || Date.now() > deadline) break;
      await sleep(250);
    }
    const applied = new Map<string, number>();
    for (const id of ids) {
      const snapshot = await this.collection.state(id);
      for (const p of snapshot?.payments ?? []) applied.set(p.paymentId, (applied.get(p.paymentId) ?? 0) + 1);
    }
    const rows = await this.sinceSql<{ payment_id: string; n: number }>(`SELECT payment_id, count(*)::int AS n FROM payments GROUP BY payment_id`, []);
    const stored = new Map(rows.map((r) => [r.payment_id, r.n]));
    const lost = [...ok].filter((p) => !applied.has(p) || !stored.has(p)).length;
    const doubled = [...ok].filter((p) => (applied.get(p) ?? 0) > 1 || (stored.get(p) ?? 0) > 1).length;
    const all = [...singles, ...batches];
    const byStatus = (list: Answer[]) => {
      const counts = new Map<number, number>();
      for (const a of list) counts.set(a.status, (counts.get(a.status) ?? 0) + 1);
      return [...counts.entries()]
        .sort((a, b) => a[0] - b[0])
        .map(([s, c]) => `${s}×${c}`)
        .join(', ');
    };
    this.fig(S, 'PostgreSQL stops (fast shutdown) × outage', `${pgStops} × ${stats(outages)}`);
    this.fig(S, 'single payments: answers by status', byStatus(singles));
    this.fig(S, 'batches: answers by status', byStatus(batches));
    this.fig(S, 'payments answered 2xx (alone or in a batch)', ok.size);
    this.fig(S, '2xx payments lost', lost, 0);
    this.fig(S, '2xx payments doubled', doubled, 0);
    this.fig(S, 'payments still undelivered at the end', pending, 0);
    this.fig(S, '5xx answers other than 503', all.filter((a) => a.status >= 500 && a.status !== 503).length, 0);
    this.fig(S, '503 answers without Retry-After', all.filter((a) => a.status === 503 && !a.retryAfter).length, 0);
    this.fig(S, 'requests with no answer (API not reachable)', networkErrors, 0);
    this.fig(S, 'API process exits', this.sys.unexpectedExits('api').length - apiExitsBefore, 0);
    this.fig(S, 'worker process exits', this.sys.unexpectedExits('worker').length - workerExitsBefore, 0);
    this.fig(S, 'API recovered (PostgreSQL back → first 2xx payment)', stats(recoveries));
    this.fig(S, 'API not recovered', recoveries.filter((r) => Number.isNaN(r)).length, 0);
    this.fig(S, 'worker recovered (PostgreSQL back → a new reminder recorded)', stats(workerRecoveries.filter((r) => !Number.isNaN(r))));
    this.fig(S, 'worker not recovered', workerRecoveries.filter((r) => Number.isNaN(r)).length, 0);
    const dup = await this.duplicates(ids);
    this.fig(S, 'duplicate provider effects', dup.requests + dup.attempts, 0);
  }

  // ---- scenario 4: the same payment many times at once

  async identicalPayments(): Promise<void> {
    const S = '4 identical payments';
    const n = this.sizes.identicalPayments;
    const account = await this.enrolApi('4');
    await this.collection.state(account);
    const paymentId = `${this.tag}-SAME`;
    const body = JSON.stringify({ paymentId, accountId: account, amount: 5_000, currency: 'CNY', paidAt: new Date().toISOString(), channel: 'bank' });
    const t0 = Date.now();
    const answers = await Promise.all(
      Array.from({ length: n }, async () => {
        try {
          const res = await this.http('POST', '/v1/payments', body);
          await res.arrayBuffer();
          return { status: res.status, retryAfter: res.headers.has('retry-after') };
        } catch {
          return { status: 0, retryAfter: false };
        }
      }),
    );
    const elapsed = Date.now() - t0;
    // answers kept for delivery (202) are applied by the deliverer: wait for it
    const deadline = Date.now() + 60_000;
    let rows = 0;
    for (;;) {
      const r = await this.sinceSql<{ n: number; pending: number }>(
        `SELECT count(*)::int AS n, count(*) FILTER (WHERE result IS NULL)::int AS pending FROM payments WHERE payment_id = $1`,
        [paymentId],
      );
      rows = r[0]!.n;
      if (r[0]!.pending === 0 || Date.now() > deadline) break;
      await sleep(250);
    }
    const snapshot = await this.collection.state(account);
    const applications = (snapshot?.payments ?? []).filter((p) => p.paymentId === paymentId).length;
    const counts = new Map<number, number>();
    for (const a of answers) counts.set(a.status, (counts.get(a.status) ?? 0) + 1);
    this.fig(S, 'identical requests at once', n);
    this.fig(S, 'answers by status', [...counts.entries()].map(([s, c]) => `${s === 0 ? 'no answer' : s}×${c}`).join(', '));
    this.fig(S, 'payment rows', rows, 1);
    this.fig(S, 'applications to the episode', applications, 1);
    this.fig(S, '5xx answers other than 503 with Retry-After', answers.filter((a) => a.status >= 500 && !(a.status === 503 && a.retryAfter)).length, 0);
    this.fig(S, 'requests with no answer', answers.filter((a) => a.status === 0).length, 0);
    this.fig(S, 'all answered in', secs(elapsed) + ' s');
  }

  /** The run's end: every process still alive that should be, no episode lost or failed. */
  async finalChecks(): Promise<void> {
    const S = 'all';
    const everyone = [...this.accounts.values()].flat();
    const wf = await this.workflowStatus(everyone);
    const dup = await this.duplicates(everyone);
    this.fig(S, 'episodes enrolled', everyone.length);
    this.fig(S, 'lost workflows', wf.lost, 0);
    this.fig(S, 'failed workflows', wf.failed, 0);
    this.fig(S, 'duplicate provider effects', dup.requests + dup.attempts, 0);
    this.fig(S, 'unexpected process exits', this.sys.unexpectedExits().length, 0);
  }
}
