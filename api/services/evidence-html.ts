// The evidence pack as a printable HTML page: one small template, every value escaped (a customer
// name or a notice text is data, never markup), print CSS for A4. No template engine needed.
import type { EvidencePack } from './evidence-pack';

export function escapeHtml(value: unknown): string {
  const text =
    value === null || value === undefined
      ? '—'
      : typeof value === 'string'
        ? value
        : typeof value === 'number' || typeof value === 'boolean'
          ? String(value)
          : JSON.stringify(value);
  return text.replace(/[&<>"'`]/g, (c) => `&#${c.charCodeAt(0)};`);
}

const money = (minor: number | null, currency: string) => (minor === null ? '—' : `${(minor / 100).toFixed(2)} ${currency}`);

function table(title: string, headers: string[], rows: unknown[][]): string {
  const head = headers.map((h) => `<th>${escapeHtml(h)}</th>`).join('');
  const body = rows.length
    ? rows.map((r) => `<tr>${r.map((v) => `<td>${escapeHtml(v)}</td>`).join('')}</tr>`).join('\n')
    : `<tr><td colspan="${headers.length}">none</td></tr>`;
  return `<section><h2>${escapeHtml(title)}</h2><table><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table></section>`;
}

function fields(title: string, pairs: [string, unknown][]): string {
  return `<section><h2>${escapeHtml(title)}</h2><dl>${pairs.map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v)}</dd>`).join('')}</dl></section>`;
}

const CSS = `
body { font-family: "Noto Serif CJK SC", "Songti SC", serif; font-size: 11pt; margin: 2em; color: #000; }
h1 { font-size: 16pt; } h2 { font-size: 13pt; border-bottom: 1px solid #000; margin-top: 1.5em; }
table { border-collapse: collapse; width: 100%; } th, td { border: 1px solid #666; padding: 2px 4px; text-align: left; vertical-align: top; }
dl { display: grid; grid-template-columns: max-content auto; gap: 2px 1em; } dt { font-weight: bold; }
.letter { white-space: pre-wrap; border: 1px solid #000; padding: 1em; }
.warning { border: 2px solid #000; padding: 0.5em; }
@media print { @page { size: A4; margin: 15mm; } body { margin: 0; } section { break-inside: avoid-page; } thead { display: table-header-group; } }
`;

export function renderEvidenceHtml(p: EvidencePack): string {
  const c = p.case;
  const parts = [
    `<h1>Evidence pack · case ${escapeHtml(c.caseNumber)}</h1>`,
    `<p>Generated ${escapeHtml(p.generatedAt)} (UTC). Amounts in ${escapeHtml(c.currency)}.</p>`,
    p.temporal.complete ? '' : `<p class="warning">Incomplete: ${escapeHtml(p.temporal.missing)}</p>`,
    fields('Case', [
      ['Case id', c.caseId],
      ['Case number', c.caseNumber],
      ['State', c.state],
      ['Court', c.court],
      ['Procedure', c.procedure],
      ['Court case number', c.courtCaseNumber],
      ['Principal', money(c.principal, c.currency)],
      ['Opened', `${c.openedAt} by ${c.openedBy}`],
      ['Outcome', c.outcome],
      ['Episode', c.episodeId],
    ]),
    fields('Contract party', [
      ['Account', p.party.accountId],
      ['Customer', p.party.customerName],
      ['Lines', p.party.lines.join(', ')],
      ['Segment', p.party.segment],
      ['Time zone', p.party.timezone],
    ]),
    fields('Policy applied', [['Policy', p.policy ? `${p.policy.id} version ${p.policy.version}` : null]]),
    table(
      'Bills',
      ['Bill', 'Amount', 'Due', 'Received'],
      p.bills.map((b) => [b.billId, money(b.amount, b.currency), b.dueDate, b.receivedAt]),
    ),
    table(
      'Notices',
      ['Sent', 'Channel', 'Step', 'Text', 'Delivery'],
      p.notices.map((n) => [
        n.requestedAt,
        `${n.channel} ${n.operation}`,
        n.stepId,
        n.text ?? n.content,
        n.delivery ? `${n.delivery.outcome}${n.delivery.reason ? ` (${n.delivery.reason})` : ''} at ${n.delivery.performedAt}` : null,
      ]),
    ),
    table(
      'Collection attempts',
      ['Performed', 'Step', 'Action', 'Actor', 'Outcome'],
      p.attempts.map((a) => [a.performedAt, a.stepId, a.action, a.actor, `${a.outcome}${a.reason ? ` (${a.reason})` : ''}`]),
    ),
    table(
      'Payments',
      ['Paid', 'Payment', 'Amount', 'Channel', 'Applied'],
      p.payments.map((x) => [x.paidAt, x.paymentId, money(x.amount, x.currency), x.channel, x.appliedAt]),
    ),
    table(
      'Promises to pay',
      ['Made', 'Promise', 'Amount', 'By', 'Kept'],
      p.promises.map((x) => [x.madeAt, x.promiseId, money(x.amount, x.currency), x.promisedDate, x.kept === null ? 'open' : x.kept ? 'kept' : 'broken']),
    ),
    table(
      'Disputes',
      ['Opened', 'Dispute', 'Kind', 'Amount', 'Reason', 'Resolution'],
      p.disputes.map((d) => [
        d.openedAt,
        d.disputeId,
        d.kind,
        money(d.amount, d.currency),
        d.reason,
        d.resolution ? `${d.resolution} at ${d.resolvedAt}` : 'open',
      ]),
    ),
    p.demandLetter
      ? `<section><h2>Demand letter</h2>${fields('', [
          ['Sent', p.demandLetter.sentAt],
          ['Deadline', `${p.demandLetter.deadline} (${p.demandLetter.deadlineDays} days)`],
          ['Debt', money(p.demandLetter.debt, p.demandLetter.currency)],
          ['Days overdue', p.demandLetter.daysOverdue],
          ['Late fee', money(p.demandLetter.lateFee, p.demandLetter.currency)],
        ])}<div class="letter">${escapeHtml(p.demandLetter.text)}</div></section>`
      : fields('Demand letter', [['Demand letter', 'no demand_letter_sent step recorded']]),
  ];
  return `<!doctype html>\n<html lang="zh-CN"><head><meta charset="utf-8"><title>Evidence pack ${escapeHtml(c.caseNumber)}</title><style>${CSS}</style></head><body>\n${parts.join('\n')}\n</body></html>\n`;
}
