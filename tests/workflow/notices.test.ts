// Notices in a real episode (issue 13): the reminder, the pre-suspension warning, the restoration
// notice and the demand letter are rendered by the activities from the policy's templates, sent, and
// stored with the attempt (collection_attempts.detail.notice) with their template id and language.
import { parsePolicy } from '../../config/policy-schema';
import { addDays, dayNumber, localDateOf } from '../../domain/policy/calendar';
import { DEFAULT_POLICY } from '../../domain/policy/default-policy';
import { formatDate } from '../../domain/policy/notice-render';
import { DEFAULT_NOTICES } from '../../domain/policy/notice-templates';
import type { CollectionPolicy, ListFlag } from '../../domain/policy/types';
import { collectionWorkflowId } from '../../workflows/messages';
import { ZONE, simulatedToday, untilState } from '../support/episodes';
import { useWorkflowHarness } from '../support/temporal';

const ctx = useWorkflowHarness();
let seq = 0;

// The default policy (v7) has the pre-suspension warning: an sms rung three days before the first
// suspension, named in the default notices' warningSteps.
const WARNING_POLICY: CollectionPolicy = parsePolicy(DEFAULT_POLICY);

async function enrol(policy: CollectionPolicy, dueDaysAgo: number, lists: ListFlag[] = []) {
  const accountId = `NT-${++seq}-${Date.now()}`;
  const dueDate = addDays(await simulatedToday(ctx.h), -dueDaysAgo);
  await ctx.h.collection.enrol({
    accountId,
    customer: { name: '孙七', phone: '13700000077', segment: 'consumer', lists, timezone: ZONE },
    bill: { billId: `${accountId}-B1`, amount: 12_050, currency: 'CNY', dueDate },
    policy,
  });
  return { accountId, dueDate };
}

interface StoredNotice {
  kind: string;
  templateId: string;
  language: string;
  text: string;
  reference?: string;
}

async function attemptNotice(accountId: string, stepId: string): Promise<{ notice: StoredNotice; scheduledFor: Date; key: string }> {
  const { rows } = await ctx.db.pool.query(
    "SELECT idempotency_key, scheduled_for, detail FROM collection_attempts WHERE account_id = $1 AND step_id = $2 AND outcome = 'done'",
    [accountId, stepId],
  );
  expect(rows).toHaveLength(1);
  return { notice: rows[0].detail.notice, scheduledFor: rows[0].scheduled_for, key: rows[0].idempotency_key };
}

async function sentText(key: string): Promise<string> {
  const { rows } = await ctx.db.pool.query('SELECT payload FROM provider_requests WHERE idempotency_key = $1', [key]);
  expect(rows).toHaveLength(1);
  return rows[0].payload.text ?? rows[0].payload.script;
}

/** Late fee at the default 3‰ a day (grace 0) once `days` local days have passed the due date: the whole past days count. */
const fee = (days: number) => `${(Math.floor((12_050 * (days - 1) * 3) / 1000) / 100).toFixed(2)}元`;

test('the reminder, the pre-suspension warning and the restoration notice are stored with their attempts, with every field', async () => {
  const { accountId, dueDate } = await enrol(WARNING_POLICY, 10);
  await untilState(ctx.h, accountId, (s) => s.steps.some((x) => x.stepId === 'sms'));

  // The reminder: amount, date of the balance, days overdue, late fee so far, deadline, consequence.
  const reminder = await attemptNotice(accountId, 'sms');
  const day = localDateOf(reminder.scheduledFor.getTime(), ZONE);
  const overdue = dayNumber(day) - dayNumber(dueDate);
  expect(overdue).toBeGreaterThanOrEqual(10);
  const template = DEFAULT_NOTICES.templates.reminder_sms['zh-CN'];
  expect(reminder.notice).toMatchObject({ kind: 'reminder_sms', templateId: template.id, language: 'zh-CN' });
  for (const part of [
    '孙七',
    '13700000077',
    '欠费为120.50元',
    `截至${formatDate(day, 'zh-CN')}`,
    `已逾期${overdue}天`,
    `违约金已达${fee(overdue)}`,
    `请于${formatDate(addDays(day, template.deadlineDays), 'zh-CN')}前缴清`,
    template.consequence,
    DEFAULT_NOTICES.howToPay['zh-CN'],
  ]) {
    expect(reminder.notice.text).toContain(part);
  }
  expect(await sentText(reminder.key)).toBe(reminder.notice.text);

  // The voice script is rendered from its own template.
  await untilState(ctx.h, accountId, (s) => s.steps.some((x) => x.stepId === 'voice'));
  const voice = await attemptNotice(accountId, 'voice');
  expect(voice.notice).toMatchObject({ kind: 'reminder_voice', templateId: DEFAULT_NOTICES.templates.reminder_voice['zh-CN'].id });
  expect(await sentText(voice.key)).toBe(voice.notice.text);

  // The policy's warning rung sends the pre-suspension warning, before the suspension.
  await untilState(ctx.h, accountId, (s) => s.service === 'outgoing_barred', { step: '1 day', maxSteps: 120 });
  const warning = await attemptNotice(accountId, 'suspension-warning');
  expect(warning.notice).toMatchObject({ kind: 'suspension_warning', templateId: 'suspension-warning.zh-CN.v1' });
  expect(warning.notice.text).toContain('【停机预告】');
  expect(warning.notice.text).toContain(DEFAULT_NOTICES.templates.suspension_warning['zh-CN'].consequence);
  const warningDay = localDateOf(warning.scheduledFor.getTime(), ZONE);
  expect(warning.notice.text).toContain(`已逾期${dayNumber(warningDay) - dayNumber(dueDate)}天`);
  expect(await sentText(warning.key)).toBe(warning.notice.text);

  // Paid in full: the line comes back, and the restoration notice states the payment and the fee for the next bill.
  await ctx.h.collection.postPayment(accountId, {
    paymentId: `${accountId}-P1`,
    amount: 12_050,
    currency: 'CNY',
    paidAt: new Date().toISOString(),
    channel: 'bank',
  });
  await expect(ctx.h.client.workflow.getHandle(collectionWorkflowId(accountId)).result()).resolves.toMatchObject({ status: 'paid', service: 'active' });
  const restored = await attemptNotice(accountId, 'restore');
  expect(restored.notice).toMatchObject({ kind: 'restoration', templateId: 'restoration.zh-CN.v1', reference: `sim:sms:${restored.key}/notice` });
  expect(restored.notice.text).toContain('欠费120.50元已缴清');
  expect(restored.notice.text).toMatch(/违约金[1-9]\d*\.\d\d元将计入下期账单/);
  expect(await sentText(`${restored.key}/notice`)).toBe(restored.notice.text);
});

test('the demand letter carries the days overdue, the late fee, the deadline and the consequence, in the language of the policy', async () => {
  const policy = parsePolicy({ ...DEFAULT_POLICY, notices: { ...DEFAULT_NOTICES, language: 'en' } });
  const { accountId, dueDate } = await enrol(policy, 1, ['black']);
  await untilState(ctx.h, accountId, (s) => s.steps.some((x) => x.stepId === 'demand-letter'), { step: '1 day', maxSteps: 200 });
  const letter = await attemptNotice(accountId, 'demand-letter');
  const day = localDateOf(letter.scheduledFor.getTime(), ZONE);
  const template = DEFAULT_NOTICES.templates.demand_letter.en;
  expect(letter.notice).toMatchObject({ kind: 'demand_letter', templateId: template.id, language: 'en' });
  for (const part of [
    'CNY 120.50',
    `as of ${day}`,
    `${dayNumber(day) - dayNumber(dueDate)} days overdue`,
    `by ${addDays(day, template.deadlineDays)}`,
    template.consequence,
  ]) {
    expect(letter.notice.text).toContain(part);
  }
  expect(letter.notice.text).toMatch(/late fee of CNY [1-9]\d*\.\d\d so far/);
  expect(await sentText(letter.key)).toBe(letter.notice.text);
});
