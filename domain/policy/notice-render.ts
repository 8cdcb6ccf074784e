// Rendering a notice: the facts of the episode (amounts in integer minor units, dates as the
// customer's local calendar dates) put into a `{placeholder}` template. Pure: no I/O, no clock.
// Every placeholder is required: a missing one is an error (policy validation reports it first,
// through `templateProblems`).
import { NOTICE_FIELDS, REQUIRED_FIELDS, type NoticeField } from './notice-templates';
import { addDays, dayNumber } from './calendar';
import type { NoticeKind, NoticeLanguage, NoticePolicy } from './types';

const PLACEHOLDER = /\{([A-Za-z][A-Za-z0-9]*)\}/g;

/** A template asked for a field the data does not have. */
export class NoticeRenderError extends Error {
  override readonly name = 'NoticeRenderError';
}

/** Puts `data` into `text` in one pass (a value holding `{x}` is not expanded again). */
export function renderTemplate(text: string, data: Partial<Record<string, string>>): string {
  return text.replace(PLACEHOLDER, (_, name: string) => {
    const value = data[name];
    if (value === undefined) throw new NoticeRenderError(`notice field {${name}} has no value`);
    return value;
  });
}

/** What is wrong with a template text for its kind: missing or unknown placeholders, stray braces. */
export function templateProblems(kind: NoticeKind, text: string): string[] {
  const problems: string[] = [];
  const used = new Set([...text.matchAll(PLACEHOLDER)].map((m) => m[1]!));
  for (const field of REQUIRED_FIELDS[kind]) if (!used.has(field)) problems.push(`missing the placeholder {${field}}`);
  for (const name of used) if (!(NOTICE_FIELDS as readonly string[]).includes(name)) problems.push(`unknown placeholder {${name}}`);
  if (/[{}]/.test(text.replace(PLACEHOLDER, ''))) problems.push('a brace that is not part of a {placeholder}');
  return problems;
}

/** Integer minor units as the customer reads them: '123.45元' (zh-CN) or 'CNY 123.45' (en). */
export function formatAmount(minor: number, currency: string, language: NoticeLanguage): string {
  if (!Number.isSafeInteger(minor)) throw new NoticeRenderError(`amount ${minor} is not an integer in minor units`);
  const abs = Math.abs(minor);
  const major = `${minor < 0 ? '-' : ''}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
  if (language === 'en') return `${currency} ${major}`;
  return currency === 'CNY' ? `${major}元` : `${major} ${currency}`;
}

/** A customer-local date (YYYY-MM-DD) as written in a notice: '2026年12月1日' or '2026-12-01'. */
export function formatDate(date: string, language: NoticeLanguage): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) throw new NoticeRenderError(`date ${date} is not YYYY-MM-DD`);
  return language === 'en' ? date : `${Number(m[1])}年${Number(m[2])}月${Number(m[3])}日`;
}

/** The facts a notice states, before formatting. */
export interface NoticeFacts {
  customer: string;
  /** The number or line the notice is about. */
  number: string;
  /** Minor units. */
  amount: number;
  currency: string;
  /** Customer-local date of the balance (YYYY-MM-DD): the day the notice is made. */
  balanceDate: string;
  /** Customer-local due date of the oldest unpaid bill (YYYY-MM-DD). */
  overdueSince: string;
  /** Late fee so far, minor units. */
  lateFee: number;
}

export interface RenderedNotice {
  kind: NoticeKind;
  templateId: string;
  language: NoticeLanguage;
  text: string;
}

/** Renders one notice; `language` absent: the policy's default. */
export function renderNotice(notices: NoticePolicy, kind: NoticeKind, facts: NoticeFacts, language: NoticeLanguage = notices.language): RenderedNotice {
  const template = notices.templates[kind]?.[language];
  if (!template) throw new NoticeRenderError(`no ${kind} template in ${language}`);
  const data: Record<NoticeField, string> = {
    customer: facts.customer,
    number: facts.number,
    amount: formatAmount(facts.amount, facts.currency, language),
    balanceDate: formatDate(facts.balanceDate, language),
    daysOverdue: String(Math.max(0, dayNumber(facts.balanceDate) - dayNumber(facts.overdueSince))),
    lateFee: formatAmount(facts.lateFee, facts.currency, language),
    deadline: formatDate(addDays(facts.balanceDate, template.deadlineDays), language),
    consequence: template.consequence,
    howToPay: notices.howToPay[language],
  };
  return { kind, templateId: template.id, language, text: renderTemplate(template.text, data) };
}
