// Steering an episode by hand on the time-skipping server (issue 11): a pause holds the due rung
// until resumed, or until its end by itself; an escalation takes the next rung now (not held by the
// spacing between rungs) but still inside its window; a skip records the rung skipped and moves on;
// an emergency restore lifts a suspension like a payment would, and the ladder does not suspend again
// before the policy's hold.
import { UpdateRefused } from '../../api/collection-client';
import { addDays, atLocalTime, localDateOf } from '../../domain/policy/calendar';
import type { CollectionSnapshot } from '../../domain/episode/snapshot';
import { enrolDueYesterday, untilState, ZONE } from '../support/episodes';
import { useWorkflowHarness } from '../support/temporal';

const ctx = useWorkflowHarness();
const HOUR = 3_600_000;
const by = 'key:k1:ops';
let seq = 0;
const req = (reason = 'ops decided') => ({ requestId: `steer-${++seq}`, reason, by });
const smsDone = (s: CollectionSnapshot) => s.steps.some((x) => x.stepId === 'sms');
const now = () => ctx.h.env.currentTimeMs();
const localHour = (atLocal: string) => Number(atLocal.slice(11, 13));

test('a pause holds the due rung until resumed; then the ladder goes on', async () => {
  const accountId = await enrolDueYesterday(ctx.h, 'SP');
  await untilState(ctx.h, accountId, smsDone);
  const answer = await ctx.h.collection.pause(accountId, req('hardship: customer in hospital'));
  expect(answer).toMatchObject({ kind: 'pause', paused: { reason: 'hardship: customer in hospital' } });
  expect(answer!.paused!.until).toBeUndefined();
  await ctx.h.env.sleep('40 days'); // the voice, the calls and the visit were all due meanwhile
  const held = (await ctx.h.collection.state(accountId, await now()))!;
  expect(held.steps.map((x) => x.stepId)).toEqual(['sms']);
  expect(held.next).toBeNull();
  expect(held.paused).toMatchObject({ until: null, reason: 'hardship: customer in hospital', by });

  await expect(ctx.h.collection.escalate(accountId, req())).rejects.toBeInstanceOf(UpdateRefused);
  const resumedAt = await now();
  await ctx.h.collection.resume(accountId, req('customer back home'));
  const after = await untilState(ctx.h, accountId, (s) => s.steps.length >= 2, { step: '2 hours', maxSteps: 48 });
  expect(after.paused).toBeNull();
  expect(after.steps[1]).toMatchObject({ stepId: 'voice', outcome: 'done' });
  expect(Date.parse(after.steps[1]!.at)).toBeGreaterThanOrEqual(resumedAt);
  expect(after.steering.map((e) => e.kind)).toEqual(['pause', 'resume']);
  await expect(ctx.h.collection.resume(accountId, req())).rejects.toThrow('episode is not paused');
});

test('a pause with `until` ends by itself: the held rung is taken after it, not before', async () => {
  const accountId = await enrolDueYesterday(ctx.h, 'SU');
  const first = await untilState(ctx.h, accountId, smsDone);
  const voiceAt = Date.parse(first.next!.at);
  expect(first.next!.stepId).toBe('voice');
  const until = voiceAt + 2 * 24 * HOUR;
  await ctx.h.collection.pause(accountId, { ...req('until the customer is paid'), until });
  // just before the end: still held
  await ctx.h.env.sleep(until - (await now()) - HOUR);
  expect((await ctx.h.collection.state(accountId, await now()))!.steps).toHaveLength(1);
  const after = await untilState(ctx.h, accountId, (s) => s.steps.length >= 2, { step: '2 hours', maxSteps: 48 });
  expect(after.steps[1]).toMatchObject({ stepId: 'voice', outcome: 'done' });
  expect(Date.parse(after.steps[1]!.at)).toBeGreaterThanOrEqual(until);
  expect(after.paused).toBeNull();
});

test('escalate: the next rung now, not held back by the spacing between rungs, inside its window', async () => {
  const accountId = await enrolDueYesterday(ctx.h, 'SE');
  const first = await untilState(ctx.h, accountId, smsDone);
  const smsAt = Date.parse(first.steps[0]!.at);
  expect(Date.parse(first.next!.at)).toBeGreaterThanOrEqual(smsAt + 20 * HOUR); // the voice waits (15th, and the spacing)
  const answer = await ctx.h.collection.escalate(accountId, req('manager: call the customer now'));
  expect(answer).toMatchObject({ kind: 'escalate', stepId: 'voice' });
  const after = await untilState(ctx.h, accountId, (s) => s.steps.length >= 2, { step: '1 hour', maxSteps: 24 });
  const voice = after.steps[1]!;
  expect(voice).toMatchObject({ stepId: 'voice', outcome: 'done' });
  // the window is 08:00–21:00: the escalated rung is never more than 11 h away, always before the 20 h spacing
  expect(Date.parse(voice.at)).toBeLessThan(smsAt + 20 * HOUR);
  expect(localHour(voice.atLocal)).toBeGreaterThanOrEqual(8);
  expect(localHour(voice.atLocal)).toBeLessThan(21);
  // the rung after it is planned by its own timing again
  expect(after.next!.stepId).toBe('call-1');
});

test('escalated outside the contact window, the rung waits for the window to open', async () => {
  const accountId = await enrolDueYesterday(ctx.h, 'SW');
  await untilState(ctx.h, accountId, smsDone);
  // to 22:00 customer-local (the window closes at 21:00): today's, or tomorrow's if already past
  const t = await now();
  let night = atLocalTime(localDateOf(t, ZONE), '22:00', ZONE);
  if (night <= t) night = atLocalTime(addDays(localDateOf(t, ZONE), 1), '22:00', ZONE);
  await ctx.h.env.sleep(night - t);
  await ctx.h.collection.escalate(accountId, req());
  const opens = atLocalTime(addDays(localDateOf(night, ZONE), 1), '08:00', ZONE);
  const planned = (await ctx.h.collection.state(accountId, await now()))!;
  expect(planned.next).toMatchObject({ stepId: 'voice', at: new Date(opens).toISOString() });
  const after = await untilState(ctx.h, accountId, (s) => s.steps.length >= 2, { step: '1 hour', maxSteps: 24 });
  expect(Date.parse(after.steps[1]!.at)).toBeGreaterThanOrEqual(opens);
  expect(localHour(after.steps[1]!.atLocal)).toBe(8);
});

test('skip: the pending rung is recorded skipped with the reason, and the ladder moves on', async () => {
  const accountId = await enrolDueYesterday(ctx.h, 'SS');
  await untilState(ctx.h, accountId, smsDone);
  await expect(ctx.h.collection.skip(accountId, { ...req(), stepId: 'call-1' })).rejects.toThrow('the pending rung is voice, not call-1');
  const r = req('customer asked for no robot calls');
  expect(await ctx.h.collection.skip(accountId, { ...r, stepId: 'voice' })).toMatchObject({ kind: 'skip', stepId: 'voice' });
  // the same request again: the same answer, no second skip
  expect(await ctx.h.collection.skip(accountId, { ...r, stepId: 'voice' })).toMatchObject({ kind: 'skip', stepId: 'voice' });
  const s = (await ctx.h.collection.state(accountId, await now()))!;
  expect(s.steps.map((x) => [x.stepId, x.outcome, x.reason])).toEqual([
    ['sms', 'done', undefined],
    ['voice', 'skipped', `skipped by ${by}: customer asked for no robot calls`],
  ]);
  expect(s.next!.stepId).toBe('call-1');
  const { rows } = await ctx.db.pool.query("SELECT count(*) AS n FROM provider_requests WHERE account_id = $1 AND provider = 'voice'", [accountId]);
  expect(rows[0].n).toBe(0);
});

test('emergency restore: the line comes back as after a payment, and is not suspended again before the hold', async () => {
  const accountId = await enrolDueYesterday(ctx.h, 'SR');
  await expect(ctx.h.collection.emergencyRestore(accountId, req())).rejects.toThrow('line is active, not suspended');
  await untilState(ctx.h, accountId, (s) => s.service === 'outgoing_barred', { step: '1 day', maxSteps: 60 });
  const at = await now();
  await ctx.h.collection.emergencyRestore(accountId, req('customer on dialysis: needs the line'));
  const restored = await untilState(ctx.h, accountId, (s) => s.service === 'active', { step: '10 minutes', maxSteps: 12 });
  expect(restored.restorations).toHaveLength(1);
  expect(restored.restorations[0]!.paymentId).toMatch(/^manual:steer-/);
  expect(restored.steps[restored.steps.length - 1]).toMatchObject({ stepId: 'restore', outcome: 'done' });
  expect(restored.next!.stepId).toBe('suspend-outgoing');
  expect(Date.parse(restored.next!.at)).toBeGreaterThanOrEqual(at + 7 * 24 * HOUR);
  const ops = (await ctx.db.pool.query("SELECT operation FROM provider_requests WHERE account_id = $1 AND provider = 'network'", [accountId])).rows.map(
    (r) => r.operation,
  );
  expect(ops[ops.length - 1]).toBe('setServiceState:active');
  // six days on, still active
  await ctx.h.env.sleep('6 days');
  expect((await ctx.h.collection.state(accountId, await now()))!.service).toBe('active');
});
