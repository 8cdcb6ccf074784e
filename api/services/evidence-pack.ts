// The evidence pack of a litigation case (issue 12): what a filing needs in one document, from
// the same gathering as the timeline (db/stores/account-story.ts): the contract party, every bill,
// every notice with its text and delivery record, every attempt and its outcome, payments,
// promises and whether they were kept, disputes and their resolution, the policy version the
// episode applied, and the demand letter when the case recorded a `demand_letter_sent` step.
// What only the workflows hold (the policy version, the case's steps) is read from Temporal; when
// it cannot be read the pack says so (`temporal.complete: false`) instead of failing.
import type { AccountStoryStore, StoryAttempt, StoryBill, StoryCase, StoryDispute, StoryPayment, StoryPromise } from '../../db/stores/account-story';
import { courtDeadline } from '../../domain/litigation';
import { formatAmount } from '../../domain/policy/notice-render';
import type { CollectionClient } from '../collection-client';
import type { LitigationClient } from '../litigation-client';

const DAY = 86_400_000;

export interface EvidenceNotice {
  key: string;
  channel: string;
  operation: string;
  requestedAt: string;
  episodeId: string | null;
  stepId: string | null;
  /** The text sent (SMS), the script read (voice) or the letter's particulars. */
  text: string | null;
  content: Record<string, unknown>;
  /** The attempt record of the same key: outcome and when; null when none was recorded. */
  delivery: { outcome: string; reason: string | null; performedAt: string; actor: string } | null;
}

export interface DemandLetter {
  stepId: string;
  sentAt: string;
  deadlineDays: number;
  /** The end of the reply period (court days, China Standard Time). */
  deadline: string;
  debt: number;
  currency: string;
  overdueSince: string | null;
  daysOverdue: number | null;
  lateFee: number | null;
  text: string;
}

export interface EvidencePack {
  generatedAt: string;
  case: Omit<StoryCase, 'updatedAt'> & { accountId: string };
  party: { accountId: string; customerName: string | null; phone: string | null; lines: string[]; segment: string | null; timezone: string | null };
  bills: Omit<StoryBill, 'deliveredAt'>[];
  notices: EvidenceNotice[];
  attempts: StoryAttempt[];
  payments: Omit<StoryPayment, 'receivedAt' | 'result'>[];
  /** `kept`: null while the promise is open. */
  promises: (StoryPromise & { kept: boolean | null })[];
  disputes: (StoryDispute & { resolution: string | null })[];
  policy: { id: string; version: number } | null;
  demandLetter: DemandLetter | null;
  temporal: { complete: boolean; missing?: string };
}

export interface EvidenceDeps {
  store: AccountStoryStore;
  collection: CollectionClient;
  litigation?: LitigationClient;
}

export function evidencePackService(deps: EvidenceDeps) {
  return {
    /** The pack of a case; undefined when PostgreSQL knows no such case. */
    async build(caseId: string, now = Date.now()): Promise<EvidencePack | undefined> {
      const row = await deps.store.caseById(caseId);
      if (!row) return undefined;
      const story = await deps.store.gather(row.accountId);
      const attemptOf = new Map(story.attempts.map((a) => [a.key, a]));
      const missing: string[] = [];

      let policy: EvidencePack['policy'] = null;
      let lateFee: number | null = null;
      try {
        const state = await deps.collection.state(row.accountId);
        if (state && state.episodeId === row.episodeId) {
          policy = { ...state.policy };
          lateFee = state.lateFee?.due ?? null;
        } else if (state) missing.push('the case’s episode is no longer the account’s latest: its policy version is not shown');
      } catch {
        missing.push('the episode could not be read: the policy version is missing');
      }

      let demand: { stepId: string; sentAt: string; deadlineDays: number } | undefined;
      if (!deps.litigation) missing.push('the case workflow is not reachable: the demand letter is missing');
      else {
        try {
          const view = await deps.litigation.state(caseId);
          const step = view?.history.find((h) => h.kind === 'step' && h.step === 'demand_letter_sent');
          if (step && step.kind === 'step') {
            const f = step.fields as { sentAt?: unknown; deadlineDays?: unknown };
            if (typeof f.sentAt === 'string' && typeof f.deadlineDays === 'number')
              demand = { stepId: step.stepId, sentAt: f.sentAt, deadlineDays: f.deadlineDays };
          }
        } catch {
          missing.push('the case workflow could not be read: the demand letter is missing');
        }
      }

      const party = story.account;
      const overdueSince = story.bills.map((b) => b.dueDate).sort()[0] ?? null;
      const notices: EvidenceNotice[] = story.providerRequests
        .filter((r) => r.provider === 'sms' || r.provider === 'voice' || r.provider === 'letters')
        .map((r) => {
          const a = attemptOf.get(r.key);
          const text = typeof r.payload['text'] === 'string' ? r.payload['text'] : typeof r.payload['script'] === 'string' ? r.payload['script'] : null;
          return {
            key: r.key,
            channel: r.provider,
            operation: r.operation,
            requestedAt: r.requestedAt,
            episodeId: a?.episodeId ?? null,
            stepId: a?.stepId ?? null,
            text,
            content: r.payload,
            delivery: a ? { outcome: a.outcome, reason: a.reason, performedAt: a.performedAt, actor: a.actor } : null,
          };
        });

      const { updatedAt: _updated, ...caseRow } = row;
      return {
        generatedAt: new Date(now).toISOString(),
        case: caseRow,
        party: {
          accountId: row.accountId,
          customerName: party?.customerName ?? null,
          phone: party?.phone ?? null,
          lines: party ? [party.phone] : [],
          segment: party?.segment ?? null,
          timezone: party?.timezone ?? null,
        },
        bills: story.bills.map(({ deliveredAt: _d, ...b }) => b),
        notices,
        attempts: story.attempts,
        payments: story.payments.map(({ receivedAt: _r, result: _x, ...p }) => p),
        promises: story.promises.map((p) => ({ ...p, kept: p.status === 'kept' ? true : p.status === 'broken' ? false : null })),
        disputes: story.disputes.map((d) => ({ ...d, resolution: d.status === 'open' ? null : d.status })),
        policy,
        demandLetter: demand ? demandLetter(demand, row, party?.customerName ?? null, overdueSince, lateFee) : null,
        temporal: missing.length ? { complete: false, missing: missing.join('; ') } : { complete: true },
      };
    },
  };
}

/** The demand letter's particulars and text: the debt, days overdue, late fee, deadline and consequence. */
export function demandLetter(
  step: { stepId: string; sentAt: string; deadlineDays: number },
  c: { principal: number; currency: string; caseNumber: string },
  name: string | null,
  overdueSince: string | null,
  lateFee: number | null,
): DemandLetter {
  const sent = Date.parse(step.sentAt);
  const deadline = new Date(courtDeadline(sent, step.deadlineDays)).toISOString();
  const daysOverdue = overdueSince ? Math.max(0, Math.floor((sent - Date.parse(`${overdueSince}T00:00:00Z`)) / DAY)) : null;
  const deadlineLocal = new Date(Date.parse(deadline) + 8 * 3_600_000 - 1).toISOString().slice(0, 10);
  const text =
    `${name ?? '客户'}：截至${step.sentAt.slice(0, 10)}，您尚欠通信费${formatAmount(c.principal, c.currency, 'zh-CN')}` +
    (daysOverdue !== null ? `，已逾期${daysOverdue}天` : '') +
    (lateFee ? `，另欠违约金${formatAmount(lateFee, c.currency, 'zh-CN')}` : '') +
    `。请于${deadlineLocal}前（${step.deadlineDays}日内）缴清。逾期未缴，我司将依法向人民法院申请支付令或提起诉讼，由此产生的诉讼费用由您承担。（案件编号${c.caseNumber}）`;
  return {
    stepId: step.stepId,
    sentAt: new Date(sent).toISOString(),
    deadlineDays: step.deadlineDays,
    deadline,
    debt: c.principal,
    currency: c.currency,
    overdueSince,
    daysOverdue,
    lateFee,
    text,
  };
}
