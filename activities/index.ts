// The collection activities: all I/O of the ladder. Each one is idempotent by its request key: it
// returns the recorded outcome if the attempt was already made, passes the key to the provider,
// and writes the attempt record (催缴记录) to PostgreSQL.
import { ApplicationFailure } from '@temporalio/activity';
import type { Pool } from 'pg';
import {
  collectionRecords,
  type DisputeRecord,
  type InstallmentPlanRecord,
  type PolicyMigrationRecord,
  type PromiseRecord,
  type WriteOffRecord,
} from '../db/stores/collection-records';
import { accountLinesStore } from '../db/stores/account-lines';
import { contactPreferencesStore } from '../db/stores/contact-preferences';
import { customerContactStore } from '../db/stores/customer-contact';
import { recordEpisodeView, type EpisodeViewRecord } from '../db/stores/read-model';
import { serviceAfter } from '../domain/policy/engine';
import type {
  AlertRequest,
  CollectionActivities,
  PromiseReminderRequest,
  RestorationReport,
  RestorationTaskRequest,
  StepOutcome,
  StepRequest,
} from './contract';
import { noticeFor, promiseReminderText, smsKindOf } from './notices';
import { NoticeRenderError, type RenderedNotice } from '../domain/policy/notice-render';
import type { Customer, NoticeKind } from '../domain/policy/types';
import { ProviderRejection, type Providers } from './providers/types';
import { heartbeating } from './heartbeat';

/** Why a reminder was not sent although the workflow had planned it. */
export const OPTED_OUT_AT_SEND = 'customer opted out of reminders (found at send time)';
/** Why a reminder planned for the second number was not sent: the preferences no longer hold one. */
export const NO_SECOND_NUMBER_AT_SEND = 'no second number on file (found at send time)';

/** A notice as stored with its attempt: the rendered text, its template and language; a restoration notice also its SMS reference or failure. */
export type StoredNotice = (RenderedNotice & { reference?: string; failed?: string }) | { kind: NoticeKind; failed: string };

/** A step request with the customer's name and billing number filled in (ADR 26): only inside the activity, never back to the workflow. */
export type AddressedRequest<R extends StepRequest = StepRequest> = R & { customer: Customer };

export interface ActivityDeps {
  pool: Pool;
  providers: Providers;
}

export function createActivities({ pool, providers }: ActivityDeps): CollectionActivities {
  const records = collectionRecords(pool);
  const preferences = contactPreferencesStore(pool);
  const lines = accountLinesStore(pool);
  const contacts = customerContactStore(pool);

  /**
   * The customer reference (ADR 26): new episodes carry no name and no number, so they are read from
   * `accounts` by account id at run time; an older episode's request that still holds them uses them
   * as given. No row is a retryable error (billing may still post it), never a guess.
   */
  async function addressed<R extends StepRequest>(req: R): Promise<AddressedRequest<R>> {
    const c = req.customer;
    if (c.name !== undefined && c.phone !== undefined) return req as AddressedRequest<R>;
    const stored = await contacts.of(req.accountId);
    if (!stored) throw new Error('no name and number on file for the account');
    return { ...req, customer: { ...c, name: c.name ?? stored.name, phone: c.phone ?? stored.phone } };
  }

  /**
   * Runs one rung once per key and records it; a provider's permanent refusal is a `failed` outcome.
   * A reminder (`consent`) first reads the account's stored opt-out again: one that landed after the
   * workflow planned the rung (its signal still on the way) is recorded `skipped`, and nothing is sent.
   * A step that sends a notice returns it from `act`: its text, template id and language are stored
   * with the attempt (`detail.notice`). `act` gets the number to use: the billing number, or the
   * stored second number when the request says `contact: 'secondary'` (the number itself never
   * travels through the workflow), and the request with the customer's name and number looked up
   * (`addressed`; `personal = false`: a task for staff, which needs neither, skips the look-up).
   */
  function attempt<R extends StepRequest>(
    req: R,
    actor: string,
    act: (to: string, full: AddressedRequest<R>) => Promise<{ reference: string; notice?: StoredNotice }>,
    consent = false,
    personal = true,
  ): Promise<StepOutcome> {
    // Every rung has a side effect: it heartbeats throughout (ADR 25).
    return heartbeating(() => attemptOnce(req, actor, act, consent, personal));
  }

  async function attemptOnce<R extends StepRequest>(
    req: R,
    actor: string,
    act: (to: string, full: AddressedRequest<R>) => Promise<{ reference: string; notice?: StoredNotice }>,
    consent: boolean,
    personal: boolean,
  ): Promise<StepOutcome> {
    const previous = await records.findAttempt(req.key);
    if (previous) {
      const reference = typeof previous.detail['reference'] === 'string' ? previous.detail['reference'] : undefined;
      return { outcome: previous.outcome, ...(reference ? { reference } : {}), ...(previous.reason ? { reason: previous.reason } : {}) };
    }
    const base = {
      key: req.key,
      accountId: req.accountId,
      episodeId: req.episodeId,
      stepId: req.stepId,
      action: req.action,
      actor,
      scheduledFor: req.scheduledFor,
    };
    const full = personal ? await addressed(req) : (req as AddressedRequest<R>);
    let to = full.customer.phone;
    if (consent || req.contact === 'secondary') {
      const stored = await preferences.current(req.accountId);
      const reason =
        consent && stored?.optOut ? OPTED_OUT_AT_SEND : req.contact === 'secondary' && !stored?.secondNumber ? NO_SECOND_NUMBER_AT_SEND : undefined;
      if (reason) {
        await records.recordAttempt({ ...base, outcome: 'skipped', reason });
        return { outcome: 'skipped', reason };
      }
      if (req.contact === 'secondary') to = stored!.secondNumber!;
    }
    try {
      const { reference, notice } = await act(to, full);
      await records.recordAttempt({
        ...base,
        outcome: 'done',
        detail: { reference, balance: req.balance, currency: req.currency, ...(notice ? { notice } : {}) },
      });
      return { outcome: 'done', reference };
    } catch (err) {
      if (!(err instanceof ProviderRejection)) throw err; // transient: Temporal retries
      await records.recordAttempt({ ...base, outcome: 'failed', reason: err.message });
      return { outcome: 'failed', reason: err.message };
    }
  }

  /**
   * The line a sanction or restoration acts on: its number from `account_lines` (the workflow carries
   * the line id only); no line id: the customer's phone, as before lines. A line with no number on file
   * is a retryable error (billing may still post it), never a guess.
   */
  const lineOf = async (req: AddressedRequest): Promise<{ phone: string; lineId?: string }> => {
    if (req.lineId === undefined) return { phone: req.customer.phone };
    const phone = await lines.numberOf(req.accountId, req.lineId);
    if (phone === undefined) throw new Error(`no number on file for line ${req.lineId} of the account`);
    return { phone, lineId: req.lineId };
  };
  /** A template that cannot be filled is the policy's fault: not retried, the workflow records the rung failed. */
  const render = (req: AddressedRequest, kind: Parameters<typeof noticeFor>[1], amount?: number): RenderedNotice => {
    try {
      return noticeFor(req, kind, amount);
    } catch (err) {
      if (err instanceof NoticeRenderError) throw ApplicationFailure.nonRetryable(err.message, 'NoticeTemplate');
      throw err;
    }
  };
  /** Sends a notice through `send` and hands it back to be stored with the attempt. */
  const sending =
    (make: () => RenderedNotice, send: (text: string) => Promise<{ reference: string }>) => async (): Promise<{ reference: string; notice: StoredNotice }> => {
      const notice = make();
      const { reference } = await send(notice.text);
      return { reference, notice };
    };
  const task = (req: StepRequest, kind: 'manual_call' | 'field_visit' | 'manual_review') => async () => {
    await records.createTask({
      taskId: req.key,
      kind,
      accountId: req.accountId,
      episodeId: req.episodeId,
      stepId: req.stepId,
      // `contact`: which number staff call (the task view looks the second one up); no number in the row.
      detail: {
        balance: req.balance,
        currency: req.currency,
        overdueSince: req.anchorDueDate,
        action: req.action,
        ...(req.contact ? { contact: req.contact } : {}),
      },
      // from the rung's own time, so a retried activity writes the same limit (and no limit: due when the rung was taken)
      ...(req.taskDueInHours !== undefined ? { dueAt: new Date(Date.parse(req.scheduledFor) + req.taskDueInHours * 3_600_000).toISOString() } : {}),
      madeAt: req.scheduledFor,
    });
    return { reference: req.key };
  };
  const caseDetails = (req: AddressedRequest) => ({
    key: req.key,
    accountId: req.accountId,
    name: req.customer.name,
    amount: req.balance,
    currency: req.currency,
    overdueSince: req.anchorDueDate,
    ...(req.lateFee !== undefined ? { lateFee: req.lateFee } : {}),
  });

  return {
    sendSms: (req: StepRequest) =>
      attempt(
        req,
        'system:sms',
        (to, full) =>
          sending(
            () => render(full, smsKindOf(req)),
            (text) => providers.sms.send({ key: req.key, accountId: req.accountId, to, text }),
          )(),
        true,
      ),

    placeVoiceReminder: (req: StepRequest) =>
      attempt(
        req,
        'system:voice',
        (to, full) =>
          sending(
            () => render(full, 'reminder_voice'),
            (script) => providers.voice.call({ key: req.key, accountId: req.accountId, to, script }),
          )(),
        true,
      ),

    /** A call task for staff; the outcome comes back as the workflow's `recordCallOutcome` signal. */
    createCallTask: (req: StepRequest) => attempt(req, 'system:work-queue', task(req, 'manual_call'), false, false),

    /** A home-visit work order (上门派单). */
    dispatchFieldVisit: (req: StepRequest) => attempt(req, 'system:work-queue', task(req, 'field_visit'), false, false),

    /** Red list: a person decides instead of an automatic sanction. */
    createReviewTask: (req: StepRequest) => attempt(req, 'system:work-queue', task(req, 'manual_review'), false, false),

    changeServiceState: (req: StepRequest) => {
      // The engine's map of sanction to line state; restoration has its own activity (it never gives up).
      const target = serviceAfter(req.action);
      if (!target || target === 'active') throw ApplicationFailure.nonRetryable(`changeServiceState cannot do ${req.action}`, 'BadRequest');
      return attempt(req, 'system:network', async (_to, full) =>
        providers.network.setServiceState({ key: req.key, accountId: req.accountId, ...(await lineOf(full)), state: target }),
      );
    },

    sendDemandLetter: (req: StepRequest) =>
      attempt(req, 'system:letters', (_to, full) =>
        sending(
          () => render(full, 'demand_letter'),
          (text) => providers.letters.sendDemandLetter({ ...caseDetails(full), text }),
        )(),
      ),

    /** 委外催收: the agency's result comes back as the workflow's `recordAgencyOutcome` signal. */
    referToAgency: (req: StepRequest) =>
      attempt(req, 'system:agency', (_to, full) => providers.agency.refer({ ...caseDetails(full), phone: full.customer.phone })),

    referToLegal: (req: StepRequest) => attempt(req, 'system:legal', (_to, full) => providers.legal.openCase(caseDetails(full))),

    /** Lifts a suspension. Never gives up (the workflow alerts operations if it takes too long). */
    restoreService: (req: StepRequest) =>
      attempt(req, 'system:network', async (_to, full) => {
        const line = await lineOf(full);
        const { reference } = await providers.network.setServiceState({ key: req.key, accountId: req.accountId, ...line, state: 'active' });
        // Then the restoration notice (not a commercial reminder: sent after an opt-out too), to the
        // line restored. The line is back whatever happens to it: a notice that cannot be rendered or
        // sent is stored as failed with the attempt, never retried at the price of holding the restoration.
        let notice: RenderedNotice | undefined;
        try {
          notice = noticeFor(full, 'restoration', req.paidAmount ?? req.balance);
          const sms = await providers.sms.send({ key: `${req.key}/notice`, accountId: req.accountId, to: line.phone, text: notice.text });
          return { reference, notice: { ...notice, reference: sms.reference } };
        } catch (err) {
          const failed = err instanceof Error ? err.message : String(err);
          return { reference, notice: notice ? { ...notice, failed } : { kind: 'restoration' as const, failed } };
        }
      }),

    /** The reminder on a promised date (预约缴费提醒). */
    sendPromiseReminder: (req: PromiseReminderRequest) =>
      attempt(
        req,
        'system:sms',
        (to, full) =>
          providers.sms.send({
            key: req.key,
            accountId: req.accountId,
            to,
            text: promiseReminderText(full, req.promisedDate, req.promisedAmount),
          }),
        true,
      ),

    recordPromise: (p: PromiseRecord) => records.recordPromise(p),

    recordWriteOff: (w: WriteOffRecord) => records.recordWriteOff(w),

    recordPolicyMigration: (m: PolicyMigrationRecord) => records.recordPolicyMigration(m),

    recordInstallmentPlan: (p: InstallmentPlanRecord) => records.recordInstallmentPlan(p),

    /** Records a dispute or abnormal-bill review; a new one becomes a review task for staff. */
    recordDispute: async (d: DisputeRecord) => {
      await records.recordDispute(d);
      if (d.status === 'open') {
        await records.createTask({
          taskId: d.key,
          kind: d.kind === 'abnormal_bill' ? 'bill_review' : 'dispute_review',
          accountId: d.accountId,
          episodeId: d.episodeId,
          stepId: `dispute-${d.disputeId}`,
          detail: { disputeId: d.disputeId, amount: d.amount, currency: d.currency, reason: d.reason, ...(d.billId ? { billId: d.billId } : {}) },
          // from the workflow's time of opening (ADR 25), not the clock while this runs; older inputs have none
          ...(d.openedAt ? { madeAt: d.openedAt } : {}),
          ...(d.taskDueInHours !== undefined
            ? { dueAt: new Date((d.openedAt ? Date.parse(d.openedAt) : Date.now()) + d.taskDueInHours * 3_600_000).toISOString() }
            : {}),
        });
      }
    },

    recordRestoration: (r: RestorationReport) => records.recordRestoration(r),

    openRestorationTask: (t: RestorationTaskRequest) =>
      records.createTask({
        taskId: t.taskId,
        kind: 'restoration',
        accountId: t.accountId,
        episodeId: t.episodeId,
        stepId: 'restore',
        detail: { reason: t.reason, paymentId: t.paymentId, paymentSeenAt: t.paymentSeenAt },
        ...(t.dueInHours !== undefined ? { dueAt: new Date(Date.parse(t.paymentSeenAt) + t.dueInHours * 3_600_000).toISOString() } : {}),
      }),

    raiseAlert: (a: AlertRequest) => records.raiseAlert(a),

    recordEpisodeView: async (v: EpisodeViewRecord) => {
      await recordEpisodeView(pool, v);
    },
  };
}
