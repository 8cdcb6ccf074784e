// Notices (issue 13): every kind in both languages carries the seeds' fields (seed 000), amounts from
// integer minor units, dates in the customer's zone; every placeholder is required, checked when the
// policy is validated; the activity renders and stores the text with the attempt.
import fc from 'fast-check';
import { checkPolicy } from '../../config/policy-schema';
import { arrearsBody } from '../../api/schemas/requests';
import { noticeFor, smsKindOf, type Addressed } from '../../activities/notices';
import { DEFAULT_POLICY } from '../../domain/policy/default-policy';
import { formatAmount, formatDate, NoticeRenderError, renderNotice, renderTemplate, templateProblems } from '../../domain/policy/notice-render';
import { DEFAULT_NOTICES, NOTICE_FIELDS } from '../../domain/policy/notice-templates';
import { NOTICE_KINDS, NOTICE_LANGUAGES, type NoticePolicy } from '../../domain/policy/types';

const facts = {
  customer: '王五',
  number: '13912345678',
  amount: 12_345,
  currency: 'CNY',
  balanceDate: '2026-03-20',
  overdueSince: '2026-02-25',
  lateFee: 963,
};

// What each language must show for `facts`: amount, date of the balance, days overdue, late fee, deadline.
const expected = {
  'zh-CN': { amount: '123.45元', balanceDate: '2026年3月20日', lateFee: '9.63元' },
  en: { amount: 'CNY 123.45', balanceDate: '2026-03-20', lateFee: 'CNY 9.63' },
} as const;

describe.each(NOTICE_KINDS.flatMap((kind) => NOTICE_LANGUAGES.map((language) => [kind, language] as const)))('%s in %s', (kind, language) => {
  test('carries every field of the seed templates', () => {
    const notice = renderNotice(DEFAULT_NOTICES, kind, facts, language);
    const template = DEFAULT_NOTICES.templates[kind][language];
    expect(notice).toMatchObject({ kind, language, templateId: template.id });
    const deadline = formatDate(new Date(Date.parse('2026-03-20T00:00:00Z') + template.deadlineDays * 86_400_000).toISOString().slice(0, 10), language);
    for (const part of [
      facts.customer,
      facts.number,
      expected[language].amount,
      expected[language].balanceDate,
      '23', // 2026-02-25 → 2026-03-20
      expected[language].lateFee,
      deadline,
      template.consequence,
      DEFAULT_NOTICES.howToPay[language],
    ]) {
      expect(notice.text).toContain(part);
    }
    expect(notice.text).not.toMatch(/[{}]/);
    expect(templateProblems(kind, template.text)).toEqual([]);
  });
});

test('amounts are formatted from integer minor units, without floating point', () => {
  expect(formatAmount(12_345, 'CNY', 'zh-CN')).toBe('123.45元');
  expect(formatAmount(12_345, 'CNY', 'en')).toBe('CNY 123.45');
  expect(formatAmount(5, 'CNY', 'zh-CN')).toBe('0.05元');
  expect(formatAmount(0, 'CNY', 'en')).toBe('CNY 0.00');
  expect(formatAmount(-250, 'CNY', 'zh-CN')).toBe('-2.50元');
  expect(formatAmount(100_000_000_000_01, 'CNY', 'zh-CN')).toBe('100000000000.01元');
  expect(formatAmount(1_999, 'USD', 'zh-CN')).toBe('19.99 USD');
  expect(() => formatAmount(1.5, 'CNY', 'en')).toThrow(NoticeRenderError);
});

test('a missing field is an error, and a value is not expanded again', () => {
  expect(() => renderTemplate('欠费{amount}，{deadline}前', { amount: '1.00元' })).toThrow(/\{deadline\}/);
  expect(renderTemplate('{customer}: {amount}', { customer: '{amount}', amount: 'CNY 1.00' })).toBe('{amount}: CNY 1.00');
});

describe('policy validation', () => {
  const withNotices = (notices: NoticePolicy) => checkPolicy({ ...DEFAULT_POLICY, notices });
  const withTemplate = (text: string, consequence = '否则停机') => {
    const reminder = { ...DEFAULT_NOTICES.templates.reminder_sms, 'zh-CN': { ...DEFAULT_NOTICES.templates.reminder_sms['zh-CN'], text, consequence } };
    return withNotices({ ...DEFAULT_NOTICES, templates: { ...DEFAULT_NOTICES.templates, reminder_sms: reminder } });
  };

  test('the defaults are a valid notices field, and a policy without one is valid too', () => {
    expect(withNotices(DEFAULT_NOTICES)).toHaveProperty('policy');
    expect(checkPolicy(DEFAULT_POLICY)).toHaveProperty('policy');
  });

  test.each(NOTICE_FIELDS)('a template without {%s} is refused, naming the field', (field) => {
    const text = DEFAULT_NOTICES.templates.reminder_sms['zh-CN'].text.replace(`{${field}}`, '');
    expect(withTemplate(text)).toEqual({
      issues: [{ path: ['notices', 'templates', 'reminder_sms', 'zh-CN', 'text'], message: `missing the placeholder {${field}}` }],
    });
  });

  test('unknown placeholders, stray braces and braces in a consequence are refused', () => {
    const base = DEFAULT_NOTICES.templates.reminder_sms['zh-CN'].text;
    expect(withTemplate(`${base}{contract}`)).toEqual({
      issues: [{ path: ['notices', 'templates', 'reminder_sms', 'zh-CN', 'text'], message: 'unknown placeholder {contract}' }],
    });
    expect(withTemplate(`${base} {`)).toEqual({
      issues: [{ path: ['notices', 'templates', 'reminder_sms', 'zh-CN', 'text'], message: 'a brace that is not part of a {placeholder}' }],
    });
    const bad = withTemplate(base, '否则{停机}');
    expect('issues' in bad && bad.issues.map((i) => i.path.join('.'))).toEqual(['notices.templates.reminder_sms.zh-CN.consequence']);
  });

  test('every kind and language must have a template', () => {
    const { en: _en, ...onlyZh } = DEFAULT_NOTICES.templates.demand_letter;
    const bad = withNotices({ ...DEFAULT_NOTICES, templates: { ...DEFAULT_NOTICES.templates, demand_letter: onlyZh as never } });
    expect('issues' in bad && bad.issues.map((i) => i.path.join('.'))).toEqual(['notices.templates.demand_letter.en']);
  });
});

describe('the activity side', () => {
  const request = (over: Partial<Addressed> = {}): Addressed => ({
    key: 'A/E/1/sms/sms',
    accountId: 'A',
    episodeId: 'E',
    stepId: 'sms',
    action: 'sms',
    customer: { name: '赵六', phone: '13800000000', segment: 'consumer', lists: [], timezone: 'Asia/Shanghai' },
    balance: 8_800,
    currency: 'CNY',
    lateFee: 120,
    anchorDueDate: '2026-11-30',
    // 17:30 UTC on 1 December is already 2 December in Shanghai: the date is the customer's
    scheduledFor: '2026-12-01T17:30:00.000Z',
    policy: { id: 'default', version: 6 },
    ...over,
  });

  test('dates are the customer-local ones', () => {
    const zh = noticeFor(request(), 'reminder_sms');
    expect(zh.text).toContain('截至2026年12月2日');
    expect(zh.text).toContain('已逾期2天');
    expect(zh.text).toContain('请于2026年12月9日前缴清');
    const ny = noticeFor(request({ customer: { ...request().customer, timezone: 'America/New_York', language: 'en' } }), 'reminder_sms');
    expect(ny).toMatchObject({ language: 'en', templateId: 'reminder-sms.en.v1' });
    expect(ny.text).toContain('as of 2026-12-01');
    expect(ny.text).toContain('1 days overdue');
  });

  test("the policy's language and warning rungs are used", () => {
    const notices: NoticePolicy = { ...DEFAULT_NOTICES, language: 'en', warningSteps: ['warn'] };
    expect(noticeFor(request({ notices }), 'reminder_sms').language).toBe('en');
    expect(smsKindOf(request({ notices, stepId: 'warn' }))).toBe('suspension_warning');
    expect(smsKindOf(request({ notices }))).toBe('reminder_sms');
    expect(smsKindOf(request())).toBe('reminder_sms');
  });

  test('the default policy (v7) warns before suspension: a suspension-warning sms rung three days before suspend-outgoing, rendered as the warning', () => {
    expect(DEFAULT_POLICY.version).toBe(7);
    for (const ladder of ['standard', 'black']) {
      const steps = DEFAULT_POLICY.ladders[ladder]!;
      const warning = steps.findIndex((s) => s.id === 'suspension-warning');
      const suspend = steps.findIndex((s) => s.id === 'suspend-outgoing');
      expect([ladder, warning >= 0 && warning === suspend - 1]).toEqual([ladder, true]);
      expect(steps[warning]).toEqual({ id: 'suspension-warning', action: 'sms', at: { kind: 'days_after_due', days: 28 } });
      expect(steps[suspend]!.at).toEqual({ kind: 'days_after_due', days: 31 });
    }
    expect(smsKindOf(request({ stepId: 'suspension-warning' }))).toBe('suspension_warning');
    expect(noticeFor(request({ stepId: 'suspension-warning' }), 'suspension_warning').text).toContain('【停机预告】');
  });
});

test('property: no placeholder is left in any notice, for any data', () => {
  const safeText = fc.string({ minLength: 1, maxLength: 30 }).filter((s) => !/[{}]/.test(s));
  const date = fc.date({ min: new Date('2020-01-01'), max: new Date('2035-12-31'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));
  fc.assert(
    fc.property(
      fc.constantFrom(...NOTICE_KINDS),
      fc.constantFrom(...NOTICE_LANGUAGES),
      safeText,
      fc.stringMatching(/^\+?\d{5,20}$/),
      fc.integer({ min: 0, max: 1e13 }),
      fc.integer({ min: 0, max: 1e9 }),
      date,
      fc.integer({ min: 0, max: 2000 }),
      fc.constantFrom('CNY', 'USD', 'HKD'),
      (kind, language, customer, number, amount, lateFee, overdueSince, days, currency) => {
        const balanceDate = new Date(Date.parse(`${overdueSince}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
        const { text } = renderNotice(DEFAULT_NOTICES, kind, { customer, number, amount, currency, balanceDate, overdueSince, lateFee }, language);
        expect(text).not.toMatch(/\{[A-Za-z]/);
        expect(text).not.toContain('{');
        expect(text).toContain(String(days));
        expect(text).toContain(formatAmount(amount, currency, language));
      },
    ),
  );
});

test("the arrears body takes the customer's notice language, optional, naming the field when wrong", () => {
  const body = { billId: 'B-1', customerName: '王五', phone: '13912345678', amount: 100, currency: 'CNY', dueDate: '2026-11-01' };
  expect(arrearsBody.parse({ ...body, language: 'en' }).language).toBe('en');
  expect(arrearsBody.parse(body)).not.toHaveProperty('language');
  const bad = arrearsBody.safeParse({ ...body, language: 'fr' });
  expect(bad.success).toBe(false);
  expect(bad.error!.issues.map((i) => i.path.join('.'))).toEqual(['language']);
});
