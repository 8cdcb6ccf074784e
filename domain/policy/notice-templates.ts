// The default notice texts, after the templates in seeds 000 (欠费催缴函, 欠费催缴通知函): each names
// the customer, the number, the date of the balance and the amount, the days overdue and the late fee
// so far, a deadline and what follows if it passes, and how to pay. Plain data: a policy's `notices`
// field replaces it as a whole (validated by config/policy-schema.ts).
import type { NoticeKind, NoticePolicy } from './types';

/** The fields every notice text must carry, as `{placeholder}` names. */
export const NOTICE_FIELDS = ['customer', 'number', 'amount', 'balanceDate', 'daysOverdue', 'lateFee', 'deadline', 'consequence', 'howToPay'] as const;
export type NoticeField = (typeof NOTICE_FIELDS)[number];

/** Placeholders each kind must hold: all of them, for every kind (seed 000's formal notice). */
export const REQUIRED_FIELDS: Record<NoticeKind, readonly NoticeField[]> = {
  reminder_sms: NOTICE_FIELDS,
  reminder_voice: NOTICE_FIELDS,
  suspension_warning: NOTICE_FIELDS,
  restoration: NOTICE_FIELDS,
  demand_letter: NOTICE_FIELDS,
};

export const DEFAULT_NOTICES: NoticePolicy = {
  language: 'zh-CN',
  howToPay: {
    'zh-CN': '到各营业网点、拨打客服热线或通过网上营业厅、手机营业厅缴纳',
    en: 'at any of our service counters, through the customer hotline, or online in the web or mobile service hall',
  },
  // the default ladders' pre-suspension warning rung (policy v7); a policy's own `notices` names its own
  warningSteps: ['suspension-warning'],
  templates: {
    reminder_sms: {
      'zh-CN': {
        id: 'reminder-sms.zh-CN.v1',
        text: '尊敬的{customer}客户您好。截至{balanceDate}，您名下的号码{number}欠费为{amount}，已逾期{daysOverdue}天，违约金已达{lateFee}。请于{deadline}前缴清，{consequence}。缴费方式：{howToPay}。谢谢您的合作！',
        consequence: '逾期未缴将按规定暂停该号码的通信服务',
        deadlineDays: 7,
      },
      en: {
        id: 'reminder-sms.en.v1',
        text: 'Dear {customer}, as of {balanceDate} the line {number} has an unpaid balance of {amount}, {daysOverdue} days overdue, with a late fee of {lateFee} so far. Please pay by {deadline}; {consequence}. How to pay: {howToPay}. Thank you.',
        consequence: 'otherwise service on the line may be suspended as the regulations allow',
        deadlineDays: 7,
      },
    },
    reminder_voice: {
      'zh-CN': {
        id: 'reminder-voice.zh-CN.v1',
        text: '您好，这里是客户服务中心。{customer}客户，截至{balanceDate}，您的号码{number}欠费{amount}，已逾期{daysOverdue}天，违约金{lateFee}。请于{deadline}前缴纳，{consequence}。您可以{howToPay}。谢谢！',
        consequence: '逾期未缴将按规定暂停该号码的通信服务',
        deadlineDays: 7,
      },
      en: {
        id: 'reminder-voice.en.v1',
        text: 'Hello, this is customer service calling for {customer}. As of {balanceDate}, your line {number} owes {amount}, {daysOverdue} days overdue, with a late fee of {lateFee}. Please pay by {deadline}; {consequence}. You can pay {howToPay}. Thank you.',
        consequence: 'otherwise service on the line may be suspended',
        deadlineDays: 7,
      },
    },
    suspension_warning: {
      'zh-CN': {
        id: 'suspension-warning.zh-CN.v1',
        text: '【停机预告】尊敬的{customer}客户：截至{balanceDate}，您名下的号码{number}欠费{amount}，已逾期{daysOverdue}天，违约金已达{lateFee}。请于{deadline}前缴清欠费，{consequence}。缴费方式：{howToPay}。',
        consequence: '否则该号码将被暂停通信服务（先停出呼，再全停），缴清后24小时内恢复',
        deadlineDays: 3,
      },
      en: {
        id: 'suspension-warning.en.v1',
        text: 'Suspension notice. Dear {customer}, as of {balanceDate} the line {number} owes {amount}, {daysOverdue} days overdue, with a late fee of {lateFee} so far. Please pay by {deadline}; {consequence}. How to pay: {howToPay}.',
        consequence: 'otherwise outgoing calls and then all service on the line will be suspended, and restored within 24 hours of payment',
        deadlineDays: 3,
      },
    },
    restoration: {
      'zh-CN': {
        id: 'restoration.zh-CN.v1',
        text: '尊敬的{customer}客户：您名下的号码{number}截至{balanceDate}的欠费{amount}已缴清（逾期{daysOverdue}天），服务已恢复。违约金{lateFee}将计入下期账单，请于{deadline}前缴纳，{consequence}。缴费方式：{howToPay}。谢谢您的合作！',
        consequence: '逾期未缴将重新计入欠费',
        deadlineDays: 30,
      },
      en: {
        id: 'restoration.en.v1',
        text: 'Dear {customer}, the balance of {amount} on the line {number} as of {balanceDate} is paid ({daysOverdue} days overdue) and service is restored. The late fee of {lateFee} will be on your next bill, due by {deadline}; {consequence}. How to pay: {howToPay}. Thank you.',
        consequence: 'if it is not paid it becomes arrears again',
        deadlineDays: 30,
      },
    },
    demand_letter: {
      'zh-CN': {
        id: 'demand-letter.zh-CN.v1',
        text: '律师催款函\n{customer}：\n根据您与我公司签订的电信服务协议，截至{balanceDate}，您名下的号码{number}欠费{amount}，已累计逾期{daysOverdue}日，逾期违约金已达{lateFee}。请您于{deadline}前缴清全部欠费及违约金，{consequence}。缴费方式：{howToPay}。\n特此函告！',
        consequence: '否则我公司将依法提起诉讼，追究您的违约责任，由此产生的一切责任及后果由您承担',
        deadlineDays: 7,
      },
      en: {
        id: 'demand-letter.en.v1',
        text: "Lawyer's demand letter\nTo {customer}:\nUnder your telecommunications service agreement, as of {balanceDate} the line {number} owes {amount}, {daysOverdue} days overdue, with a late fee of {lateFee} so far. Please pay the arrears and the late fee in full by {deadline}; {consequence}. How to pay: {howToPay}.",
        consequence: 'otherwise we will take legal action to recover the debt, and you will bear the costs and consequences',
        deadlineDays: 7,
      },
    },
  },
};
