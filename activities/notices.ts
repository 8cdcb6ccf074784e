// Notice texts, after the templates in seeds 000 (缴费催缴通知): name, number, date of the balance,
// amount and how to pay. Amounts are formatted from integer minor units.
import type { StepRequest } from './contract';

export function formatAmount(minor: number, currency: string): string {
  const major = (minor / 100).toFixed(2);
  return currency === 'CNY' ? `${major}元` : `${major} ${currency}`;
}

export function reminderText(req: StepRequest, today: string): string {
  const { name, phone } = req.customer;
  return (
    `尊敬的${name}客户您好。截至${today}，您名下的号码${phone}欠费为${formatAmount(req.balance, req.currency)}，` +
    '为不影响您的正常使用，请到营业网点或通过电子渠道缴纳所欠费用。谢谢您的合作！'
  );
}

export function voiceScript(req: StepRequest, today: string): string {
  return `您好，这里是客户服务中心。截至${today}，您的号码欠费${formatAmount(req.balance, req.currency)}，请尽快缴纳。`;
}

export function promiseReminderText(req: StepRequest, promisedDate: string, amount: number): string {
  return `尊敬的${req.customer.name}客户您好。您预约于${promisedDate}缴纳欠费${formatAmount(amount, req.currency)}，请按时缴费，谢谢您的合作！`;
}
