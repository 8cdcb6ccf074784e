// An account's whole story and a case's evidence pack on the real Temporal dev server: a past
// episode (paid in full, ended), a current one that continues as new (a small
// `continueAsNewAfterEvents`), a payment and a task; the timeline merges the database and every
// run's history in order, pages return every entry once, links point at the right run. The
// evidence pack: every section, the demand letter, HTML that escapes a `<script>` customer name.
import type { CollectionClient } from '../../api/collection-client';
import { ROUTES } from '../../api/routes/table';
import type { TimelineEntry, TimelinePage } from '../../api/services/timeline';
import { KNOWN_POLICIES } from '../../config/policy-schema';
import { apiKeys } from '../../db/stores/api-keys';
import { collectionRecords } from '../../db/stores/collection-records';
import { ledgerEntries } from '../../db/stores/ledger-entries';
import { addDays, localDateOf } from '../../domain/policy/calendar';
import { zoneAtLocalHour } from '../support/clock';
import { contractFetch } from '../support/contract';
import { useE2eStack } from '../support/e2e-stack';
import { waitFor } from '../support/wait';
import { STORY_ROUTES_COVERED } from './timeline.covered';
import { serveApp } from '../support/app-server';

/** Every JSON answer is checked against its route's response schema. */
const cfetch = contractFetch(ROUTES);
const stack = useE2eStack({ name: 'timeline' });
type Role = 'billing' | 'ops' | 'legal' | 'finance';
const keys = {} as Record<Role, string>;

/** Midday where the customer lives: the SMS rung runs at once. */
const zone = zoneAtLocalHour(12, Date.now());
const today = localDateOf(Date.now(), zone);
const ACCOUNT = 'STORY-1';
const WID = `collection-${ACCOUNT}`;

beforeAll(async () => {
  for (const role of ['billing', 'ops', 'legal', 'finance'] as const) keys[role] = (await apiKeys(stack.db.pool).create(`story-${role}`, [role])).key;
});

async function call(method: 'GET' | 'POST', url: string, role: Role, body?: unknown) {
  const res = await cfetch(stack.base + url, {
    method,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${keys[role]}` },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

const payment = (paymentId: string, amount: number) => ({
  paymentId,
  accountId: ACCOUNT,
  amount,
  currency: 'CNY',
  paidAt: new Date().toISOString(),
  channel: 'online',
});

async function allPages(limit: number, url = stack.base): Promise<{ pages: TimelinePage[]; entries: TimelineEntry[] }> {
  const pages: TimelinePage[] = [];
  let after: string | undefined;
  do {
    const res = await cfetch(`${url}/v1/accounts/${ACCOUNT}/timeline?limit=${limit}${after ? `&after=${after}` : ''}`, {
      headers: { authorization: `Bearer ${keys.ops}` },
    });
    expect(res.status).toBe(200);
    const page = (await res.json()) as TimelinePage;
    pages.push(page);
    after = page.next;
  } while (after && pages.length < 200);
  return { pages, entries: pages.flatMap((p) => p.entries) };
}

let pastRunId: string;
let currentRuns: string[];

test('the timeline merges database and Temporal, across continue-as-new and past episodes, in order, paged once each', async () => {
  // The past episode: through the API, paid in full, ended.
  const bill = { customerName: '冯一', phone: '13700000101', timezone: zone, currency: 'CNY', dueDate: addDays(today, -3) };
  expect((await call('POST', `/v1/accounts/${ACCOUNT}/arrears`, 'billing', { ...bill, billId: 'STORY-1-B1', amount: 4_000 })).status).toBe(201);
  await waitFor(() => stack.collection.state(ACCOUNT), { what: 'the first episode' });
  expect((await call('POST', '/v1/payments', 'billing', payment('STORY-1-P1', 4_000))).body).toMatchObject({ status: 'paid' });
  await stack.client.workflow.getHandle(WID).result();
  pastRunId = (await stack.client.workflow.getHandle(WID).describe()).runId;

  // The current episode, continuing as new after a few events; partial payments grow its history.
  const customer = { name: '冯一', phone: '13700000101', segment: 'consumer' as const, lists: [], timezone: zone };
  const started = await stack.collection.enrol(
    {
      accountId: ACCOUNT,
      customer,
      bill: { billId: 'STORY-1-B2', amount: 90_000, currency: 'CNY', dueDate: addDays(today, -3) },
      policy: KNOWN_POLICIES['default']!,
    },
    { continueAsNewAfterEvents: 12 },
  );
  await waitFor(async () => ((await stack.collection.state(ACCOUNT))?.episodeId === 'STORY-1-B2' ? true : undefined), { what: 'the second episode' });
  // The episode is driven around the API (continue-as-new, payments sent to the workflow): its
  // money is booked here as the API books it, so the teardown's reconcile agrees.
  const books = ledgerEntries(stack.db.pool);
  const base = { accountId: ACCOUNT, episodeId: 'STORY-1-B2', currency: 'CNY' };
  await books.append({ ...base, key: 'charge:STORY-1-B2', kind: 'charge', amount: 90_000, billId: 'STORY-1-B2' });
  let n = 0;
  currentRuns = await waitFor(
    async () => {
      const runs = (await stack.collection.runsOf(WID)).filter((r) => r.runId !== pastRunId);
      if (runs.length >= 2) return runs.map((r) => r.runId);
      n++;
      await stack.collection.postPayment(ACCOUNT, {
        paymentId: `STORY-1-Q${n}`,
        amount: 100,
        currency: 'CNY',
        paidAt: new Date().toISOString(),
        channel: 'bank',
      });
      await books.append({ ...base, key: `payment:STORY-1-Q${n}`, kind: 'payment', amount: -100, paymentId: `STORY-1-Q${n}` });
      return undefined;
    },
    { ms: 60_000, what: 'the current episode to continue as new' },
  );
  expect(currentRuns).toContain(started.runId);
  // a payment through the API (a database row) and a task
  expect((await call('POST', '/v1/payments', 'billing', payment('STORY-1-P2', 500))).status).toBe(201);
  await collectionRecords(stack.db.pool).createTask({
    taskId: 'STORY-1-T1',
    kind: 'manual_call',
    accountId: ACCOUNT,
    episodeId: 'STORY-1-B2',
    stepId: 'manual-call',
    detail: { balance: 1, currency: 'CNY' },
  });
  // the SMS rung of the current episode has been sent (a notice with its text)
  await waitFor(async () =>
    (await stack.db.pool.query(`SELECT 1 FROM provider_requests WHERE account_id = $1 AND provider = 'sms'`, [ACCOUNT])).rowCount ? true : undefined,
  );

  // the episode may still be continuing as new after the last payment: wait until two reads agree
  let previous = '';
  const whole = await waitFor(
    async () => {
      const read = await allPages(500);
      const ids = read.entries.map((e) => e.id).join(',');
      // settled: the newest run waits on its next rung's timer, and nothing changed since the last read
      const newest = (await stack.collection.runsOf(WID))[0]!.runId;
      const last = read.entries.filter((e) => e.runId === newest).at(-1);
      const same = ids === previous && last?.kind === 'timerStarted';
      previous = ids;
      return same ? read : undefined;
    },
    { what: 'the episode to settle' },
  );
  expect(whole.pages).toHaveLength(1);
  const entries = whole.entries;
  expect(whole.pages[0]!.temporal).toMatchObject({ complete: true });
  expect(whole.pages[0]!.temporal.runs).toBeGreaterThanOrEqual(3);

  // in order: by time, then a stable tiebreak (a run's events at the same instant in event-id order;
  // Temporal stamps an activity's start when it began, so event ids and times need not agree)
  for (let i = 1; i < entries.length; i++) expect(entries[i - 1]!.at <= entries[i]!.at).toBe(true);
  const byRun = new Map<string, TimelineEntry[]>();
  for (const e of entries.filter((x) => x.source === 'temporal')) byRun.set(e.runId!, [...(byRun.get(e.runId!) ?? []), e]);
  for (const run of byRun.values()) {
    for (let i = 1; i < run.length; i++) if (run[i - 1]!.at === run[i]!.at) expect(run[i - 1]!.eventId!).toBeLessThan(run[i]!.eventId!);
  }

  // both sources; the temporal entries of every run: the past episode and both runs of the current one
  const kinds = new Set(entries.filter((e) => e.source === 'database').map((e) => e.kind));
  for (const k of ['bill', 'attempt', 'notice', 'payment', 'task', 'audit']) expect(kinds).toContain(k);
  for (const runId of [pastRunId, ...currentRuns]) expect(byRun.has(runId)).toBe(true);
  const temporal = entries.filter((e) => e.source === 'temporal');
  for (const e of temporal) {
    expect(e.workflowId).toBe(WID);
    expect(e.link).toBe(`http://127.0.0.1:8233/namespaces/default/workflows/${WID}/${e.runId}/history`);
  }
  const continued = temporal.find((e) => e.kind === 'workflowExecutionContinuedAsNew')!;
  expect(currentRuns).toContain(continued.refs['newRunId']);
  const newRunStart = temporal.find((e) => e.runId === continued.refs['newRunId'] && e.kind === 'workflowExecutionStarted')!;
  expect(newRunStart.refs['continuedFromRunId']).toBe(continued.runId);
  expect(entries.indexOf(continued)).toBeLessThan(entries.indexOf(newRunStart));
  expect(temporal.some((e) => e.kind === 'workflowExecutionUpdateAccepted' && e.refs['update'] === 'postPayment')).toBe(true);
  expect(temporal.some((e) => e.kind === 'activityTaskScheduled' && e.refs['activity'] === 'sendSms')).toBe(true);
  // the payment of the past episode: its database row comes before the past run completed
  const p1 = entries.findIndex((e) => e.id === 'db:payment:STORY-1-P1');
  const pastEnd = entries.findIndex((e) => e.runId === pastRunId && e.kind === 'workflowExecutionCompleted');
  expect(p1).toBeGreaterThanOrEqual(0);
  expect(p1).toBeLessThan(pastEnd);
  // a notice carries its text; Temporal entries carry no payload (no personal data)
  expect(entries.find((e) => e.kind === 'notice')!.detail!['text']).toEqual(expect.stringContaining('冯一'));
  expect(JSON.stringify(temporal)).not.toContain('冯一');
  expect(JSON.stringify(temporal)).not.toContain('13700000101');

  // paging: every entry exactly once, in the same order, however the pages are cut
  const paged = await allPages(7);
  expect(paged.pages.length).toBeGreaterThan(2);
  expect(paged.entries.map((e) => e.id)).toEqual(entries.map((e) => e.id));
  expect(new Set(entries.map((e) => e.id)).size).toBe(entries.length);
  expect(paged.pages.at(-1)!.next).toBeUndefined();
});

test('timeline: roles, unknown account, bad query, Temporal unreachable (database entries and a flag, not 5xx)', async () => {
  expect((await call('GET', `/v1/accounts/${ACCOUNT}/timeline`, 'legal')).status).toBe(200);
  expect((await call('GET', `/v1/accounts/${ACCOUNT}/timeline`, 'finance')).status).toBe(200);
  expect((await call('GET', `/v1/accounts/${ACCOUNT}/timeline`, 'billing')).status).toBe(403);
  expect((await call('GET', '/v1/accounts/STORY-NONE/timeline', 'ops')).status).toBe(404);
  const bad = await call('GET', `/v1/accounts/${ACCOUNT}/timeline?limit=0`, 'ops');
  expect(bad.status).toBe(400);
  expect(JSON.stringify(bad.body)).toContain('query.limit');

  const broken = Object.create(stack.collection) as CollectionClient;
  broken.runsOf = () => Promise.reject(new Error('14 UNAVAILABLE: connection refused'));
  const served = await serveApp({ pool: stack.db.pool, collection: broken });
  try {
    const { pages, entries } = await allPages(500, served.base);
    expect(pages[0]!.temporal).toMatchObject({ complete: false, runs: 0, missing: expect.stringContaining('Temporal') });
    expect(entries.length).toBeGreaterThan(0);
    expect(entries.every((e) => e.source === 'database')).toBe(true);
  } finally {
    await served.close();
  }
});

test('the evidence pack: every section, the demand letter, HTML escaping every value; 404; roles', async () => {
  const name = '<script>alert("x")</script>蒋二';
  const accountId = 'STORY-2';
  const arrears = {
    billId: 'STORY-2-B1',
    customerName: name,
    phone: '13700000102',
    timezone: zone,
    amount: 77_000,
    currency: 'CNY',
    dueDate: addDays(today, -3),
  };
  expect((await call('POST', `/v1/accounts/${accountId}/arrears`, 'billing', arrears)).status).toBe(201);
  await waitFor(() => stack.collection.state(accountId), { what: 'the episode' });
  await waitFor(async () =>
    (await stack.db.pool.query(`SELECT 1 FROM provider_requests WHERE account_id = $1 AND provider = 'sms'`, [accountId])).rowCount ? true : undefined,
  );
  expect((await call('POST', '/v1/legal/cases', 'legal', { caseId: 'STORY-C1', accountId })).status).toBe(201);
  expect((await call('POST', '/v1/legal/cases/STORY-C1/steps', 'legal', { stepId: 'A1', step: 'accept' })).status).toBe(201);
  const sentAt = new Date().toISOString();
  expect((await call('POST', '/v1/legal/cases/STORY-C1/steps', 'legal', { stepId: 'D1', step: 'demand_letter_sent', sentAt, deadlineDays: 10 })).status).toBe(
    201,
  );
  expect(
    (await call('POST', `/v1/accounts/${accountId}/promises`, 'ops', { promiseId: 'PR1', date: addDays(today, 5), amount: 10_000, source: 'phone' })).status,
  ).toBe(201);

  const json = await call('GET', '/v1/legal/cases/STORY-C1/evidence', 'legal');
  expect(json.status).toBe(200);
  const pack = json.body;
  for (const k of ['case', 'party', 'bills', 'notices', 'attempts', 'payments', 'promises', 'disputes', 'policy', 'demandLetter'])
    expect(pack).toHaveProperty(k);
  expect(pack['case']).toMatchObject({ caseId: 'STORY-C1', accountId, principal: 77_000, currency: 'CNY' });
  expect(pack['party']).toEqual({ accountId, customerName: name, phone: '13700000102', lines: ['13700000102'], segment: 'consumer', timezone: zone });
  expect(pack['bills']).toEqual([expect.objectContaining({ billId: 'STORY-2-B1', amount: 77_000, dueDate: addDays(today, -3) })]);
  const sms = (pack['notices'] as Record<string, any>[]).find((x) => x['channel'] === 'sms')!;
  expect(sms['text']).toContain(name);
  expect(sms['delivery']).toMatchObject({ outcome: 'done', actor: 'system:sms' });
  expect(pack['attempts']).toEqual(expect.arrayContaining([expect.objectContaining({ key: sms['key'], outcome: 'done' })]));
  await waitFor(async () => ((await call('GET', '/v1/legal/cases/STORY-C1/evidence', 'ops')).body['promises'] as unknown[]).length || undefined);
  expect((await call('GET', '/v1/legal/cases/STORY-C1/evidence', 'ops')).body['promises']).toEqual([
    expect.objectContaining({ promiseId: 'PR1', amount: 10_000, status: 'open', kept: null }),
  ]);
  expect(pack['policy']).toEqual({ id: KNOWN_POLICIES['default']!.id, version: KNOWN_POLICIES['default']!.version });
  expect(pack['demandLetter']).toMatchObject({ stepId: 'D1', deadlineDays: 10, debt: 77_000, currency: 'CNY', overdueSince: addDays(today, -3) });
  expect(pack['demandLetter'].daysOverdue).toBeGreaterThanOrEqual(2);
  expect(Date.parse(pack['demandLetter'].deadline)).toBeGreaterThan(Date.parse(sentAt) + 9 * 86_400_000);
  expect(pack['demandLetter'].text).toContain('770.00元');
  expect(pack['temporal']).toEqual({ complete: true });

  // HTML: by Accept or ?format=html; every value escaped
  for (const [url, headers] of [
    ['/v1/legal/cases/STORY-C1/evidence', { accept: 'text/html' }],
    ['/v1/legal/cases/STORY-C1/evidence?format=html', {}],
  ] as const) {
    const res = await fetch(stack.base + url, { headers: { ...headers, authorization: `Bearer ${keys.legal}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await res.text();
    expect(html).not.toContain('<script');
    expect(html).toContain('&#60;script&#62;alert(&#34;x&#34;)&#60;/script&#62;蒋二');
    expect(html).toContain('@media print');
    expect(html).toContain('Demand letter');
  }

  expect((await call('GET', '/v1/legal/cases/STORY-NONE/evidence', 'legal')).status).toBe(404);
  expect((await call('GET', '/v1/legal/cases/STORY-C1/evidence', 'finance')).status).toBe(403);
  expect((await call('GET', '/v1/legal/cases/STORY-C1/evidence', 'billing')).status).toBe(403);
  expect((await call('GET', '/v1/legal/cases/STORY-C1/evidence?format=pdf', 'legal')).status).toBe(400);
});

test('the answers checked against their schemas cover the routes this file owns', () => {
  expect([...cfetch.checked.keys()].filter((op) => STORY_ROUTES_COVERED.includes(op)).sort()).toEqual([...STORY_ROUTES_COVERED].sort());
});
