// The work queues end to end on the real Temporal dev server: list, claim (and its conflict),
// release, and complete with each outcome, checked in the episode's state; a re-sent completion
// answers the same. Call and visit tasks are written with the activities' own store call
// (createTask, as createCallTask and dispatchFieldVisit write them), since on the real clock the
// ladder reaches its call rungs only weeks after the due date.
import { CollectionClient } from '../../api/collection-client';
import { apiKeys } from '../../db/stores/api-keys';
import { collectionRecords, type WorkTask } from '../../db/stores/collection-records';
import { addDays, localDateOf } from '../../domain/policy/calendar';
import type { CollectionSnapshot } from '../../domain/episode/snapshot';
import { zoneAtLocalHour } from '../support/clock';
import { waitFor } from '../support/wait';
import { ROUTES } from '../../api/routes/table';
import { contractFetch } from '../support/contract';
import { type FreshDatabase } from '../support/db';
import { useE2eStack } from '../support/e2e-stack';

const fetch = contractFetch(ROUTES);

const stack = useE2eStack({ name: 'tasks' });
let db: FreshDatabase;
let collection: CollectionClient;
let base: string;
type Who = 'billing' | 'ann' | 'bob';
const keys: Record<Who, { keyId: string; key: string; name: string }> = {} as never;

beforeAll(async () => {
  ({ db, collection, base } = stack);
  keys.billing = { ...(await apiKeys(db.pool).create('tasks-billing', ['billing'])), name: 'tasks-billing' };
  keys.ann = { ...(await apiKeys(db.pool).create('ann', ['ops'])), name: 'ann' };
  keys.bob = { ...(await apiKeys(db.pool).create('bob', ['ops'])), name: 'bob' };
});

const actor = (who: Who) => `key:${keys[who].keyId}:${keys[who].name}`;
const auth = (who: Who) => ({ authorization: `Bearer ${keys[who].key}` });

async function post(url: string, body: unknown, who: Who) {
  const res = await fetch(base + url, { method: 'POST', headers: { 'content-type': 'application/json', ...auth(who) }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}
async function get(url: string, who: Who = 'ann') {
  const res = await fetch(base + url, { headers: auth(who) });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}
const task = (taskId: string, verb: 'claim' | 'release' | 'complete') => `/v1/tasks/${encodeURIComponent(taskId)}/${verb}`;
const episode = async (accountId: string) => (await get(`/v1/accounts/${accountId}/collection`)).body as CollectionSnapshot;

/** Midday where the customer lives: nothing here depends on the hour, but the SMS rung runs at once. */
const zone = zoneAtLocalHour(12, Date.now());
const today = localDateOf(Date.now(), zone);

async function enrol(accountId: string): Promise<string> {
  const billId = `${accountId}-B1`;
  const arrears = { billId, customerName: '吴九', phone: '13700000009', timezone: zone, amount: 50_000, currency: 'CNY', dueDate: addDays(today, -3) };
  expect((await post(`/v1/accounts/${accountId}/arrears`, arrears, 'billing')).status).toBe(201);
  await waitFor(async () => (await collection.state(accountId))?.episodeId);
  return billId;
}

/** A task as the ladder's activity writes it for a rung of the account's episode. */
async function ladderTask(accountId: string, episodeId: string, stepId: string, kind: WorkTask['kind']): Promise<string> {
  const taskId = `${accountId}/${episodeId}/c1/${stepId}/${kind}`;
  await collectionRecords(db.pool).createTask({ taskId, kind, accountId, episodeId, stepId, detail: { balance: 50_000, currency: 'CNY', action: kind } });
  return taskId;
}

test('claim, a conflicting claim (409), release, assignee=me, and the queue listed oldest due first, paged', async () => {
  const accountId = 'TQ-1';
  const episodeId = await enrol(accountId);
  const first = await ladderTask(accountId, episodeId, 'call-1', 'manual_call');
  const second = await ladderTask(accountId, episodeId, 'call-2', 'manual_call');

  const open = await get('/v1/tasks?queue=manual_call&status=open');
  expect(open.status).toBe(200);
  expect(open.body['tasks'].map((t: { taskId: string }) => t.taskId)).toEqual([first, second]);
  const page1 = await get('/v1/tasks?queue=manual_call&limit=1');
  expect(page1.body['tasks'].map((t: { taskId: string }) => t.taskId)).toEqual([first]);
  const page2 = await get(`/v1/tasks?queue=manual_call&limit=1&after=${page1.body['next']}`);
  expect(page2.body['tasks'].map((t: { taskId: string }) => t.taskId)).toEqual([second]);
  expect(page2.body['next']).toBeUndefined();
  expect((await get('/v1/tasks?queue=field_visit')).body['tasks']).toEqual([]);
  expect((await get('/v1/tasks?queue=nonsense')).status).toBe(400);

  const claimed = await post(task(first, 'claim'), {}, 'ann');
  expect(claimed).toMatchObject({ status: 200, body: { taskId: first, status: 'claimed', claimedBy: actor('ann') } });
  expect(await post(task(first, 'claim'), {}, 'ann')).toMatchObject({ status: 200, body: { claimedBy: actor('ann') } });
  expect((await post(task(first, 'claim'), {}, 'bob')).status).toBe(409);
  expect((await post(task(first, 'release'), {}, 'bob')).status).toBe(409);
  expect((await post(task(first, 'complete'), { outcome: 'reached' }, 'bob')).status).toBe(409);

  const mine = (who: Who) => get('/v1/tasks?status=claimed&assignee=me', who).then((r) => r.body['tasks'].map((t: { taskId: string }) => t.taskId));
  expect(await mine('ann')).toEqual([first]);
  expect(await mine('bob')).toEqual([]);

  expect(await post(task(first, 'release'), {}, 'ann')).toMatchObject({ status: 200, body: { status: 'open', claimedBy: null } });
  expect(await post(task(first, 'claim'), {}, 'bob')).toMatchObject({ status: 200, body: { claimedBy: actor('bob') } });
  expect(await mine('bob')).toEqual([first]);

  expect((await post(task(`${accountId}/nope`, 'claim'), {}, 'ann')).status).toBe(404);
  const audit = await db.pool.query("SELECT route, status, outcome FROM audit_events WHERE account_id = $1 AND route LIKE '/v1/tasks/%' ORDER BY id", [
    accountId,
  ]);
  expect(audit.rows.filter((r) => r.status === 200).map((r) => r.outcome)).toEqual([
    'task claimed',
    'task already claimed by the caller',
    'task released',
    'task claimed',
  ]);
});

test('a call completed reached, no_answer, promised, dispute_raised reaches the episode; the same completion answers the same', async () => {
  const accountId = 'TQ-2';
  const episodeId = await enrol(accountId);
  const [call1, call2, call3, call4] = await Promise.all(
    ['call-1', 'call-2', 'call-3', 'call-4'].map((s) => ladderTask(accountId, episodeId, s, 'manual_call')),
  );

  // reached: an answered call in the episode; a re-send answers the same, another outcome is a conflict
  const reached = await post(task(call1!, 'complete'), { outcome: 'reached', note: 'will pay at the counter' }, 'ann');
  expect(reached).toMatchObject({
    status: 201,
    body: { delivered: true, task: { status: 'done', completedBy: actor('ann'), outcome: { outcome: 'reached' } } },
  });
  const again = await post(task(call1!, 'complete'), { note: 'will pay at the counter', outcome: 'reached' }, 'bob');
  expect(again.status).toBe(200);
  expect(again.body).toEqual(reached.body);
  expect((await post(task(call1!, 'complete'), { outcome: 'no_answer' }, 'ann')).status).toBe(409);
  expect((await post(task(call1!, 'claim'), {}, 'ann')).status).toBe(409);
  await waitFor(async () => (await episode(accountId)).answeredCalls.includes('call-1') || undefined);

  // no_answer: delivered, and the call stays unanswered (three of them bring the visit forward)
  expect(await post(task(call2!, 'complete'), { outcome: 'no_answer' }, 'ann')).toMatchObject({ status: 201, body: { delivered: true } });

  // promised: a promise in the episode, taken on that call
  const date = addDays(today, 5);
  const promised = await post(task(call3!, 'complete'), { outcome: 'promised', date, amount: 20_000 }, 'ann');
  expect(promised).toMatchObject({ status: 201, body: { delivered: true, promise: { date, status: 'open' } } });
  expect((await post(task(call3!, 'complete'), { outcome: 'promised', date, amount: 20_000 }, 'ann')).body).toEqual(promised.body);

  // dispute_raised: a dispute opened in the episode, which makes its review task
  const raised = await post(task(call4!, 'complete'), { outcome: 'dispute_raised', amount: 3_000, reason: 'roaming never used' }, 'ann');
  expect(raised).toMatchObject({ status: 201, body: { delivered: true, dispute: { status: 'open', amount: 3_000 } } });

  // a call does not end "paid on site": refused, the task still open
  const call5 = await ladderTask(accountId, episodeId, 'call-5', 'manual_call');
  expect((await post(task(call5, 'complete'), { outcome: 'paid_on_site', reference: 'R1' }, 'ann')).status).toBe(422);
  expect((await post(task(call5, 'complete'), { outcome: 'promised' }, 'ann')).body['errors']).toEqual(
    expect.arrayContaining([expect.objectContaining({ field: 'body.date' })]),
  );
  expect((await post(task(call5, 'complete'), { outcome: 'maybe' }, 'ann')).status).toBe(400);

  const state = await waitFor(async () => {
    const s = await episode(accountId);
    return s.answeredCalls.includes('call-4') ? s : undefined;
  });
  expect([...state.answeredCalls].sort()).toEqual(['call-1', 'call-3', 'call-4']);
  expect(state.promises).toEqual([expect.objectContaining({ promiseId: promised.body['promise'].promiseId, date, source: `call:${call3}`, status: 'open' })]);
  expect(state.disputes).toEqual([expect.objectContaining({ disputeId: raised.body['dispute'].disputeId, amount: 3_000, status: 'open' })]);

  // the dispute's review task: completed with the resolution, upheld, which credits the amount
  const review = await waitFor(async () => {
    const { body } = await get('/v1/tasks?queue=dispute_review&status=open');
    return (body['tasks'] as { taskId: string; accountId: string }[]).find((t) => t.accountId === accountId);
  });
  // its time limit is the policy's for dispute reviews (the default policy: 240 h)
  const listed = (await get('/v1/tasks?queue=dispute_review')).body['tasks'].find((t: { taskId: string }) => t.taskId === review.taskId);
  expect(Date.parse(listed.dueAt) - Date.parse(listed.createdAt)).toBeGreaterThan(239 * 3_600_000);
  expect((await post(task(review.taskId, 'complete'), { outcome: 'reached' }, 'bob')).status).toBe(422);
  const resolved = await post(task(review.taskId, 'complete'), { outcome: 'resolved', upheld: true, note: 'no roaming on record' }, 'bob');
  expect(resolved).toMatchObject({ status: 201, body: { delivered: true, dispute: { status: 'upheld' } } });
  const after = await episode(accountId);
  expect(after.disputes).toEqual([expect.objectContaining({ status: 'upheld' })]);
  expect(after.credited).toBe(3_000);
});

test('a field visit completed visited_not_home, refused, paid_on_site (the reference kept on the task)', async () => {
  const accountId = 'TQ-3';
  const episodeId = await enrol(accountId);
  const visit = await ladderTask(accountId, episodeId, 'field-visit', 'field_visit');
  expect((await post(task(visit, 'complete'), { outcome: 'no_answer' }, 'ann')).status).toBe(422);
  expect(await post(task(visit, 'complete'), { outcome: 'visited_not_home' }, 'ann')).toMatchObject({ status: 201, body: { delivered: true } });
  const visit2 = await ladderTask(accountId, episodeId, 'field-visit-2', 'field_visit');
  expect(await post(task(visit2, 'complete'), { outcome: 'refused', reason: 'says the bill is too high' }, 'ann')).toMatchObject({ status: 201 });
  const visit3 = await ladderTask(accountId, episodeId, 'field-visit-3', 'field_visit');
  const paid = await post(task(visit3, 'complete'), { outcome: 'paid_on_site', reference: 'RCPT-778' }, 'ann');
  expect(paid).toMatchObject({ status: 201, body: { delivered: true, task: { outcome: { outcome: 'paid_on_site', reference: 'RCPT-778' } } } });
  const { rows } = await db.pool.query('SELECT status, outcome FROM work_tasks WHERE task_id = $1', [visit3]);
  expect(rows[0]).toEqual({ status: 'done', outcome: { outcome: 'paid_on_site', reference: 'RCPT-778' } });
  // a visit the customer opened the door for counts as answered; one not home does not
  await waitFor(async () => ((await episode(accountId)).answeredCalls.includes('field-visit-3') ? true : undefined));
  expect((await episode(accountId)).answeredCalls.sort()).toEqual(['field-visit-2', 'field-visit-3']);
});

test('a wrong number stops reminders to it (the episode says so) and opens a task to find a new contact', async () => {
  const accountId = 'TQ-6';
  const episodeId = await enrol(accountId);
  const call = await ladderTask(accountId, episodeId, 'call-1', 'manual_call');
  const wrong = await post(task(call, 'complete'), { outcome: 'wrong_number', note: 'a restaurant answered' }, 'ann');
  expect(wrong).toMatchObject({ status: 201, body: { delivered: true, followUp: `${call}/find-contact` } });
  expect((await post(task(call, 'complete'), { outcome: 'wrong_number', note: 'a restaurant answered' }, 'ann')).body).toEqual(wrong.body);
  await waitFor(async () => ((await episode(accountId)).wrongNumber ? true : undefined));
  expect((await episode(accountId)).answeredCalls).toEqual([]);

  const found = await get('/v1/tasks?queue=find_contact&status=open');
  expect(found.body['tasks']).toEqual([
    expect.objectContaining({ taskId: `${call}/find-contact`, accountId, stepId: 'call-1', detail: { reason: 'wrong_number', from: call } }),
  ]);
  expect((await post(task(`${call}/find-contact`, 'complete'), { outcome: 'reached' }, 'bob')).status).toBe(422);
  expect(await post(task(`${call}/find-contact`, 'complete'), { outcome: 'contact_found', note: 'new number from the branch' }, 'bob')).toMatchObject({
    status: 201,
    body: { delivered: false, task: { status: 'done', queue: 'find_contact' } },
  });
});

test('a red-list review completes approve or reject only: the episode refuses a decision on a rung it never reviewed (422)', async () => {
  // the whole approve / reject path runs on the time-skipping server (tests/workflow/reviews.test.ts):
  // on the real clock the red-list suspension rung is 31 days after the due date
  const accountId = 'TQ-5';
  const episodeId = await enrol(accountId);
  const review = await ladderTask(accountId, episodeId, 'suspend-outgoing', 'manual_review');
  expect((await post(task(review, 'complete'), { outcome: 'reached' }, 'ann')).status).toBe(422);
  expect((await post(task(review, 'complete'), { outcome: 'reject' }, 'ann')).body['errors']).toEqual([expect.objectContaining({ field: 'body.reason' })]);
  const refused = await post(task(review, 'complete'), { outcome: 'approve' }, 'ann');
  expect(refused).toMatchObject({ status: 422, body: { detail: expect.stringContaining('no red-list review of suspend-outgoing') } });
  expect((await get(`/v1/tasks?queue=manual_review&status=open`)).body['tasks'].map((t: { taskId: string }) => t.taskId)).toEqual([review]);
});

test('a task of an episode no longer open is completed on the task only (delivered: false)', async () => {
  const accountId = 'TQ-4';
  const episodeId = await enrol(accountId);
  const payment = { paymentId: 'TQ-4-P1', accountId, amount: 50_000, currency: 'CNY', paidAt: new Date().toISOString(), channel: 'counter' };
  expect((await post('/v1/payments', payment, 'billing')).body).toMatchObject({ status: 'paid' });
  const call = await ladderTask(accountId, episodeId, 'call-1', 'manual_call');
  expect(await post(task(call, 'complete'), { outcome: 'promised', date: addDays(today, 2) }, 'ann')).toMatchObject({
    status: 201,
    body: { delivered: false, task: { status: 'done' } },
  });
});

test("a litigation case's hearing task shares the table but is no operations task: not listed, not claimable", async () => {
  const taskId = 'TQ-9/litigation/hearing-1';
  await db.pool.query(
    `INSERT INTO work_tasks (task_id, kind, account_id, episode_id, step_id, detail) VALUES ($1, 'hearing_preparation', 'TQ-9', 'TQ-9-B1', 'hearing-1', '{}')`,
    [taskId],
  );
  const all = await get('/v1/tasks?limit=200');
  expect(all.status).toBe(200);
  expect(all.body['tasks'].map((t: { taskId: string }) => t.taskId)).not.toContain(taskId);
  expect((await post(task(taskId, 'claim'), {}, 'ann')).status).toBe(404);
  expect((await post(task(taskId, 'complete'), { outcome: 'reached' }, 'ann')).status).toBe(404);
});

test('the restoration queue: listed by GET /v1/tasks?queue=restoration, completed only `restored`', async () => {
  const accountId = 'TQ-R';
  const episodeId = await enrol(accountId);
  // As the workflow's openRestorationTask writes it when the network refuses a restoration.
  const taskId = `${accountId}/${episodeId}/restore/1/task`;
  await collectionRecords(db.pool).createTask({
    taskId,
    kind: 'restoration',
    accountId,
    episodeId,
    stepId: 'restore',
    detail: { reason: 'network_refused', paymentId: `${accountId}-P1` },
  });
  const listed = await get('/v1/tasks?queue=restoration&status=open');
  expect(listed.status).toBe(200);
  expect(listed.body['tasks']).toEqual([
    expect.objectContaining({ taskId, queue: 'restoration', detail: expect.objectContaining({ reason: 'network_refused' }) }),
  ]);
  expect((await post(task(taskId, 'complete'), { outcome: 'reached' }, 'ann')).status).toBe(422);
  const done = await post(task(taskId, 'complete'), { outcome: 'restored', note: 'restored at the switch' }, 'ann');
  expect(done.status).toBe(201);
  expect(done.body).toMatchObject({ task: { status: 'done', outcome: { outcome: 'restored' } } });
  expect((await post(task(taskId, 'complete'), { outcome: 'restored', note: 'restored at the switch' }, 'ann')).status).toBe(200);
});
