// Notice texts. The ladder's notices (reminder, voice script, pre-suspension warning, restoration
// notice, demand letter) are the policy's templates (domain/policy/notice-templates, seeds 000)
// rendered here from the step request; the promise reminder keeps its fixed text.
import { localDateOf } from '../domain/policy/calendar';
import { formatAmount, renderNotice, type RenderedNotice } from '../domain/policy/notice-render';
import { DEFAULT_NOTICES } from '../domain/policy/notice-templates';
import type { Customer, NoticeKind } from '../domain/policy/types';
import type { StepRequest } from './contract';

/** A request whose customer has name and number (looked up by the activity, ADR 26). */
export type Addressed = StepRequest & { customer: Customer };

/** The notice a step sends, in the customer's language (else the policy's), dated in the customer's zone. */
export function noticeFor(req: Addressed, kind: NoticeKind, amount = req.balance): RenderedNotice {
  const notices = req.notices ?? DEFAULT_NOTICES;
  return renderNotice(
    notices,
    kind,
    {
      customer: req.customer.name,
      number: req.customer.phone,
      amount,
      currency: req.currency,
      balanceDate: localDateOf(Date.parse(req.scheduledFor), req.customer.timezone),
      overdueSince: req.anchorDueDate,
      lateFee: req.lateFee ?? 0,
    },
    req.customer.language ?? notices.language,
  );
}

/** An `sms` rung: the pre-suspension warning when the policy names the rung so, else the reminder. */
export function smsKindOf(req: StepRequest): NoticeKind {
  return (req.notices ?? DEFAULT_NOTICES).warningSteps.includes(req.stepId) ? 'suspension_warning' : 'reminder_sms';
}

export function promiseReminderText(req: Addressed, promisedDate: string, amount: number): string {
  return `尊敬的${req.customer.name}客户您好。您预约于${promisedDate}缴纳欠费${formatAmount(amount, req.currency, 'zh-CN')}，请按时缴费，谢谢您的合作！`;
}
