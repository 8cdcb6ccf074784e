// Property test of the whole episode (issue 14): fast-check generates long random sequences of
// commands (bills, payments with exact duplicates and partials, refused payments, promises,
// disputes opened and resolved, installment plans, late-fee waivers, time passing) and runs them
// against a REAL collection workflow on the time-skipping server (the project's worker with the
// provider simulator), next to a small model of the rules written here. After every command the
// state query equals the model on what the model knows (balance, billed, paid, status, payment
// ids, disputes, promises, the plan, waivers); over the whole run no contact falls outside its
// window / the preferred hours / on a holiday / over the weekly caps, no suspension comes before
// the legal floor (art. 34) or while a dispute is open, a red-listed account is never suspended,
// and every provider request the simulator recorded belongs to a rung the episode took.
//
// Bounded: a fixed seed by default (printed; `FC_SEED=<n>` runs another, `FC_SEED` with the failure's
// `FC_PATH` replays a counterexample, `FC_SHRINK=0` stops at the first failure, `FC_RUNS` and
// `FC_COMMANDS` change the size). One environment and one worker for the whole file, a new
// workflow (account) per run.
import fc from 'fast-check';
import { DateTime } from 'luxon';
import { UpdateRefused } from '../../api/collection-client';
import { DEFAULT_POLICY } from '../../domain/policy/default-policy';
import type { ActionName, CollectionPolicy, LadderStep, ListFlag, TimeWindow } from '../../domain/policy/types';
import type { CollectionSnapshot } from '../../domain/episode/snapshot';
import { addChargeSignal, collectionWorkflowId, postPaymentUpdate } from '../../workflows/messages';
import { freshDatabase, type FreshDatabase } from '../support/db';
import { ZONE } from '../support/episodes';
import { bundleWorkflows, startWorkflowHarness, type WorkflowHarness } from '../support/temporal';
import { waitFor } from '../support/wait';

const SEED = Number(process.env.FC_SEED ?? 20_261_201);
const RUNS = Number(process.env.FC_RUNS ?? 50);
const MAX_COMMANDS = Number(process.env.FC_COMMANDS ?? 60);
/** Simulated days one run may cover: short of the legal referral (status `legal`), which the model does not know. */
const MAX_RUN_DAYS = 80;

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** The rules the whole-run checks read (windows, floors, caps, holidays): the same in both policies. */
const POLICY = DEFAULT_POLICY;

let h: WorkflowHarness;
let db: FreshDatabase;

beforeAll(async () => {
  const [database, bundle] = await Promise.all([freshDatabase(), bundleWorkflows()]);
  db = database;
  h = await startWorkflowHarness(db.pool, bundle);
});

afterAll(async () => {
  await h?.teardown();
  await db?.drop();
});

// ---------------------------------------------------------------- commands

type Command =
  | { k: 'sleep'; hours: number }
  | { k: 'bill'; amount: number; dueIn: number }
  | { k: 'rebill'; i: number }
  | { k: 'pay'; how: 'part' | 'rest' | 'over'; pct: number }
  | { k: 'dup'; i: number; freshUpdateId: boolean }
  | { k: 'badpay'; why: 'zero' | 'currency' }
  | { k: 'promise'; inDays: number; pct?: number }
  | { k: 'dispute'; pct: number }
  | { k: 'resolve'; i: number; upheld: boolean }
  | { k: 'plan'; n: number; firstIn: number; gap: number; extraPct: number }
  | { k: 'waive'; pct: number };

const command: fc.Arbitrary<Command> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({ k: fc.constant('sleep' as const), hours: fc.oneof(fc.integer({ min: 1, max: 30 }), fc.integer({ min: 24, max: 240 })) }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ k: fc.constant('bill' as const), amount: fc.integer({ min: 100, max: 30_000 }), dueIn: fc.integer({ min: -10, max: 20 }) }),
  },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('rebill' as const), i: fc.nat(9) }) },
  {
    weight: 3,
    arbitrary: fc.record({
      k: fc.constant('pay' as const),
      // mostly partial: an episode paid in full ends the run
      how: fc.oneof({ weight: 18, arbitrary: fc.constant('part' as const) }, fc.constant('rest' as const), fc.constant('over' as const)),
      pct: fc.integer({ min: 1, max: 40 }),
    }),
  },
  { weight: 2, arbitrary: fc.record({ k: fc.constant('dup' as const), i: fc.nat(9), freshUpdateId: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('badpay' as const), why: fc.constantFrom('zero' as const, 'currency' as const) }) },
  {
    weight: 2,
    arbitrary: fc.record(
      { k: fc.constant('promise' as const), inDays: fc.integer({ min: -2, max: 33 }), pct: fc.integer({ min: 1, max: 100 }) },
      { requiredKeys: ['k', 'inDays'] },
    ),
  },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('dispute' as const), pct: fc.integer({ min: 1, max: 120 }) }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant('resolve' as const), i: fc.nat(4), upheld: fc.boolean() }) },
  {
    weight: 1,
    arbitrary: fc.record({
      k: fc.constant('plan' as const),
      n: fc.integer({ min: 2, max: 4 }),
      firstIn: fc.integer({ min: 0, max: 10 }),
      gap: fc.integer({ min: 1, max: 20 }),
      extraPct: fc.integer({ min: -10, max: 20 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('waive' as const), pct: fc.integer({ min: 10, max: 150 }) }) },
);

interface Account {
  /** A hasty policy: suspension rungs timed before the legal floor and preferred times outside the windows (the engine must hold both). */
  hasty: boolean;
  amount: number;
  overdueDays: number;
  lists: ListFlag[];
  segment: 'consumer' | 'enterprise';
  preferredHours?: TimeWindow;
}

const account: fc.Arbitrary<Account> = fc.record(
  {
    hasty: fc.boolean(),
    amount: fc.integer({ min: 1_000, max: 60_000 }),
    overdueDays: fc.oneof(fc.integer({ min: 0, max: 5 }), fc.integer({ min: 20, max: 45 })),
    lists: fc.constantFrom<ListFlag[]>([], [], ['red'], ['black'], ['red', 'black']),
    segment: fc.constantFrom('consumer' as const, 'enterprise' as const),
    preferredHours: fc
      .tuple(fc.integer({ min: 5, max: 20 }), fc.integer({ min: 1, max: 6 }))
      .map(([start, len]) => ({ start: hhmm(start * 60), end: hhmm(Math.min(23 * 60 + 59, (start + len) * 60)) })),
  },
  { requiredKeys: ['hasty', 'amount', 'overdueDays', 'lists', 'segment'] },
);

/** The default policy with its suspensions due 3 days after the due date and every preferred time outside its window. */
const HASTY: CollectionPolicy = {
  ...DEFAULT_POLICY,
  description: 'property test: timings the legal floor and the windows must correct',
  preferredTime: { default: '07:00', sms: '06:30', promise_reminder: '22:30', suspend_outgoing: '18:00' },
  ladders: Object.fromEntries(
    Object.entries(DEFAULT_POLICY.ladders).map(([name, steps]) => [
      name,
      steps.map((step): LadderStep => {
        if (step.action === 'suspend_outgoing') return { ...step, at: { kind: 'days_after_due', days: 3 } };
        if (step.action === 'suspend_full' && step.at.kind === 'days_after_step') return { ...step, at: { ...step.at, days: 1 } };
        return step;
      }),
    ]),
  ),
};

// ---------------------------------------------------------------- the model

interface MPromise {
  promiseId: string;
  date: string;
  due: number;
  paidBefore: number;
  madeAt: number;
  status: 'open' | 'kept' | 'broken';
}
interface MPlan {
  planId: string;
  installments: { dueDate: string; amount: number }[];
  paidBefore: number;
  status: 'active' | 'completed' | 'broken';
  /** When it stopped holding the episode (completed or broken). */
  endedAt?: number;
}
interface MDispute {
  disputeId: string;
  amount: number;
  status: 'open' | 'upheld' | 'rejected';
  /** Measured after the opening answered (no earlier than the workflow's own time). */
  openedAt: number;
  /** Measured before the resolution was sent (no later than the workflow's own time). */
  resolvedAt?: number;
}

/** How long after a promise's expiry (or a plan's checkpoint) the workflow may still show it open. */
const PROMISE_SLACK = 8 * DAY; // the reminder comes first, and may wait for the window and the weekly caps
const PLAN_SLACK = HOUR;

class Model {
  bills: { billId: string; amount: number; dueDate: string; addedAt: number }[] = [];
  payments: { paymentId: string; amount: number; paidAt: string; at: number }[] = [];
  credits: { amount: number; at: number }[] = [];
  status: 'open' | 'paid' | 'closed' = 'open';
  disputes: MDispute[] = [];
  promises: MPromise[] = [];
  plan?: MPlan;
  waivers: { adjustmentId: string; amount: number }[] = [];

  get billed() {
    return sum(this.bills);
  }
  get paid() {
    return sum(this.payments);
  }
  get balance() {
    return this.billed - this.paid - sum(this.credits);
  }
  get disputed() {
    return sum(this.disputes.filter((d) => d.status === 'open'));
  }
  get activePromise() {
    const last = this.promises[this.promises.length - 1];
    return last?.status === 'open' ? last : undefined;
  }
  get ended() {
    return this.status !== 'open';
  }

  /** Money came in (a payment or a credit): paid in full ends the episode. */
  private settle(endAs: 'paid' | 'closed') {
    if (this.balance <= POLICY.paidTolerance && this.status === 'open') this.status = endAs;
  }

  pay(paymentId: string, amount: number, paidAt: string, at: number) {
    this.payments.push({ paymentId, amount, paidAt, at });
    this.settle('paid');
    const p = this.activePromise;
    if (p && this.paid - p.paidBefore >= p.due) p.status = 'kept';
    if (this.plan?.status === 'active' && this.firstUnmet(this.plan) === undefined) {
      this.plan.status = 'completed';
      this.plan.endedAt = at;
    }
  }

  firstUnmet(plan: MPlan) {
    const since = this.paid - plan.paidBefore;
    let cumulative = 0;
    return plan.installments.find((it) => (cumulative += it.amount) > since);
  }

  /** `sent`: before the resolution was sent; `answered`: after it answered. */
  resolve(d: MDispute, upheld: boolean, sent: number, answered: number) {
    d.status = upheld ? 'upheld' : 'rejected';
    d.resolvedAt = sent;
    if (upheld) {
      this.credits.push({ amount: d.amount, at: answered });
      this.settle('closed');
    }
  }

  /**
   * Time-driven changes (a plan's missed installment, a promise running out) happen when the
   * workflow's timers fire: the model knows the instant, and within a short slack after it accepts
   * either state and adopts what the episode shows. Outside the slack the state is certain.
   */
  reconcile(now: number, s: CollectionSnapshot) {
    const plan = this.plan;
    if (plan?.status === 'active') {
      const unmet = this.firstUnmet(plan)!;
      const checkpoint = localMidnight(addDays(unmet.dueDate, installmentGrace() + 1));
      const shown = s.installmentPlan?.planId === plan.planId ? s.installmentPlan.status : undefined;
      if (now >= checkpoint + PLAN_SLACK || (now >= checkpoint && shown === 'broken')) {
        plan.status = 'broken';
        plan.endedAt = checkpoint;
      }
    }
    const p = this.activePromise;
    if (p && this.plan?.status !== 'active') {
      const expiry = localMidnight(addDays(p.date, promiseGrace() + 1));
      const from = Math.max(expiry, this.plan?.endedAt ?? 0);
      const shown = s.promises.find((x) => x.promiseId === p.promiseId)?.status;
      if (now >= from + PROMISE_SLACK || (now >= from && shown === 'broken')) p.status = 'broken';
    }
  }
}

const sum = (xs: { amount: number }[]) => xs.reduce((t, x) => t + x.amount, 0);
const installmentGrace = () => POLICY.installments!.graceDays;
const promiseGrace = () => POLICY.promise!.graceDays;

function hhmm(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}
const minutesOf = (t: string) => Number(t.slice(0, 2)) * 60 + Number(t.slice(3, 5));
const local = (ms: number) => DateTime.fromMillis(ms, { zone: ZONE });
const localDate = (ms: number) => local(ms).toISODate()!;
const addDays = (date: string, days: number) => DateTime.fromISO(date, { zone: 'UTC' }).plus({ days }).toISODate()!;
const localMidnight = (date: string) => DateTime.fromISO(date, { zone: ZONE }).toMillis();

// ---------------------------------------------------------------- comparing

function compare(m: Model, s: CollectionSnapshot, problems: string[]) {
  const eq = (what: string, actual: unknown, expected: unknown) => {
    if (JSON.stringify(actual) !== JSON.stringify(expected)) problems.push(`${what}: episode ${JSON.stringify(actual)}, model ${JSON.stringify(expected)}`);
  };
  eq('balance', s.balance, m.balance);
  eq('billed', s.billed, m.billed);
  eq('paid', s.paid, m.paid);
  eq('status', s.status, m.status);
  eq(
    'payment ids',
    s.payments.map((p) => p.paymentId),
    m.payments.map((p) => p.paymentId),
  );
  eq(
    'bills',
    s.bills.map((b) => b.billId),
    m.bills.map((b) => b.billId),
  );
  eq(
    'disputes',
    s.disputes.filter((d) => d.kind === 'dispute').map((d) => [d.disputeId, d.status, d.amount]),
    m.disputes.map((d) => [d.disputeId, d.status, d.amount]),
  );
  eq('disputed', s.disputed, m.disputed);
  eq(
    'promises',
    s.promises.map((p) => [p.promiseId, p.status, p.due]),
    m.promises.map((p) => [p.promiseId, p.status, p.due]),
  );
  eq('installment plan', s.installmentPlan ? [s.installmentPlan.planId, s.installmentPlan.status] : null, m.plan ? [m.plan.planId, m.plan.status] : null);
  eq('late fee waived', s.lateFee?.waived, sum(m.waivers));
  if (s.lateFee) {
    eq('late fee due', s.lateFee.due, Math.max(0, s.lateFee.accrued - s.lateFee.waived));
    if (s.lateFee.accrued > s.billed) problems.push(`late fee ${s.lateFee.accrued} over the principal ${s.billed}`);
  }
}

// ---------------------------------------------------------------- the rules over the whole run

const SUSPENSIONS: ActionName[] = ['suspend_outgoing', 'suspend_full'];
const NETWORK_SANCTIONS: ActionName[] = ['suspend_outgoing', 'suspend_full', 'deregister'];
const HELD_BY_DISPUTE: ActionName[] = ['suspend_outgoing', 'suspend_full', 'deregister', 'agency_referral', 'demand_letter', 'legal_referral'];
const CONTACTS: ActionName[] = ['sms', 'voice', 'manual_call', 'field_visit', 'promise_reminder'];
const TO_THE_NUMBER: ActionName[] = ['sms', 'voice', 'manual_call', 'promise_reminder'];

/** The window an action must fall in: its own or the contact window, narrowed to the preferred hours where they meet it. */
function windowOf(action: ActionName, preferred?: TimeWindow): TimeWindow | undefined {
  if (POLICY.unwindowedActions.includes(action)) return undefined;
  const lawful = POLICY.windows[action] ?? POLICY.contactWindow;
  if (!preferred || !TO_THE_NUMBER.includes(action)) return lawful;
  const start = Math.max(minutesOf(lawful.start), minutesOf(preferred.start));
  const end = Math.min(minutesOf(lawful.end), minutesOf(preferred.end));
  return start < end ? { start: hhmm(start), end: hhmm(end) } : lawful;
}

/** The oldest bill still owed at `t` by what the model knows had been paid or credited by then (FIFO by due date). */
function oldestUnpaidAt(m: Model, t: number) {
  let credit = sum(m.payments.filter((p) => p.at <= t)) + sum(m.credits.filter((c) => c.at <= t));
  const bills = m.bills.filter((b) => b.addedAt <= t).sort((a, b) => a.dueDate.localeCompare(b.dueDate) || a.billId.localeCompare(b.billId));
  for (const b of bills) {
    if (credit < b.amount) return b;
    credit -= b.amount;
  }
  return undefined;
}

function wholeRunRules(m: Model, acct: Account, s: CollectionSnapshot, rows: { provider: string; operation: string; key: string }[]): string[] {
  const problems: string[] = [];
  const done = s.steps.filter((x) => x.outcome === 'done');
  const holidays = POLICY.contact!.holidays;
  const contacts = done.filter((x) => CONTACTS.includes(x.action));
  for (const step of done) {
    const t = Date.parse(step.at);
    const w = windowOf(step.action, acct.preferredHours);
    const minute = local(t).hour * 60 + local(t).minute;
    if (w && (minute < minutesOf(w.start) || minute >= minutesOf(w.end))) problems.push(`${step.action} at ${step.atLocal}: outside ${w.start}–${w.end}`);
    if (CONTACTS.includes(step.action)) {
      if (holidays.includes(localDate(t))) problems.push(`${step.action} at ${step.atLocal}: on a holiday`);
      const week = contacts.filter((c) => Date.parse(c.at) > t - 7 * DAY && Date.parse(c.at) <= t);
      const cap = POLICY.contact!.weeklyCapPerChannel[step.action];
      if (week.length > POLICY.contact!.weeklyCapTotal) problems.push(`${step.action} at ${step.atLocal}: ${week.length} contacts in 7 days`);
      if (cap !== undefined && week.filter((c) => c.action === step.action).length > cap)
        problems.push(`${step.action} at ${step.atLocal}: over the channel's weekly cap`);
    }
    if (SUSPENSIONS.includes(step.action)) {
      // art. 34: only once the payment term of the debt is passed by 30 days
      const oldest = oldestUnpaidAt(m, t);
      if (!oldest) problems.push(`${step.action} at ${step.atLocal} with nothing owed`);
      else if (localDate(t) < addDays(oldest.dueDate, POLICY.legal.minDaysAfterDueBeforeSuspension + 1))
        problems.push(`${step.action} at ${step.atLocal}: bill ${oldest.billId} due ${oldest.dueDate} is not 30 days past due`);
    }
    if (HELD_BY_DISPUTE.includes(step.action)) {
      const open = m.disputes.find((d) => d.openedAt <= t && t < (d.resolvedAt ?? Infinity));
      if (open) problems.push(`${step.action} at ${step.atLocal} while dispute ${open.disputeId} was open`);
    }
    if (acct.lists.includes('red') && NETWORK_SANCTIONS.includes(step.action)) problems.push(`${step.action} at ${step.atLocal} on a red-listed account`);
  }
  // Every request the simulator recorded belongs to a rung the episode took (and the other way round).
  const count = (pred: (r: (typeof rows)[number]) => boolean) => rows.filter(pred).length;
  const steps = (actions: ActionName[]) => done.filter((x) => actions.includes(x.action)).length;
  const sms = count((r) => r.provider === 'sms' && !r.key.endsWith('/notice')); // a restoration's notice is not a reminder
  const voice = count((r) => r.provider === 'voice');
  const network = count((r) => r.provider === 'network' && r.operation !== 'setServiceState:active');
  if (sms !== steps(['sms', 'promise_reminder'])) problems.push(`${sms} SMS sent, ${steps(['sms', 'promise_reminder'])} SMS rungs`);
  if (voice !== steps(['voice'])) problems.push(`${voice} voice calls placed, ${steps(['voice'])} voice rungs`);
  if (network !== steps(NETWORK_SANCTIONS)) problems.push(`${network} network sanctions, ${steps(NETWORK_SANCTIONS)} sanction rungs`);
  if (acct.lists.includes('red') && network > 0) problems.push(`${network} network sanctions on a red-listed account`);
  return problems;
}

// ---------------------------------------------------------------- one run

let runNo = 0;

async function now(): Promise<number> {
  return h.env.currentTimeMs();
}

/** Commands that read dates ("today") keep off local midnight, where the workflow and the model could see different days. */
async function awayFromMidnight(): Promise<number> {
  const t = await now();
  const minute = local(t).hour * 60 + local(t).minute;
  if (minute >= 24 * 60 - 5 || minute < 5) await h.env.sleep(((24 * 60 + 10 - minute) % (24 * 60)) * 60_000);
  return now();
}

async function refused(p: Promise<unknown>): Promise<boolean> {
  try {
    await p;
    return false;
  } catch (err) {
    if (err instanceof UpdateRefused) return true;
    throw err;
  }
}

/** Per run: commands taken, simulated days, wall seconds (printed at the end). */
const timings: string[] = [];

async function runEpisode(acct: Account, commands: Command[]): Promise<void> {
  const n = ++runNo;
  const wallStart = Date.now();
  const accountId = `PROP-${SEED}-${n}-${Date.now()}`;
  const m = new Model();
  const log: string[] = [];
  const start = await awayFromMidnight();
  const firstBill = { billId: `${accountId}-B0`, amount: acct.amount, currency: 'CNY', dueDate: addDays(localDate(start), -acct.overdueDays) };
  await h.collection.enrol(
    {
      accountId,
      customer: { name: '测试', phone: '13500000000', segment: acct.segment, lists: acct.lists, timezone: ZONE, priorArrears: 0 },
      bill: firstBill,
      policy: acct.hasty ? HASTY : POLICY,
    },
    acct.preferredHours ? { preferredHours: acct.preferredHours } : {},
  );
  m.bills.push({ ...firstBill, addedAt: start });
  const handle = h.client.workflow.getHandle(collectionWorkflowId(accountId));
  const state = async () => (await h.collection.state(accountId, await now()))!;
  let ids = 0;
  const id = (kind: string) => `${accountId}-${kind}${++ids}`;

  const check = async (what: string) => {
    const s = await state();
    const problems: string[] = [];
    m.reconcile(await now(), s);
    compare(m, s, problems);
    if (problems.length > 0) throw new Error(`after ${what} (run ${n}, ${accountId}):\n  ${problems.join('\n  ')}\ncommands so far:\n  ${log.join('\n  ')}`);
  };
  await waitFor(async () => ((await state().catch(() => undefined))?.bills.length === 1 ? true : undefined), { what: 'the first bill' });
  await check('enrolment');

  let failure: Error | undefined;
  try {
    for (const c of commands) {
      if (m.ended) break;
      const t = await awayFromMidnight();
      if (t - start > MAX_RUN_DAYS * DAY) break;
      const today = localDate(t);
      let what: string = c.k;
      switch (c.k) {
        case 'sleep':
          await h.env.sleep(c.hours * HOUR);
          what = `sleep ${c.hours} h`;
          break;
        case 'bill': {
          const bill = { billId: id('B'), amount: c.amount, currency: 'CNY', dueDate: addDays(today, c.dueIn) };
          await handle.signal(addChargeSignal, { bill });
          m.bills.push({ ...bill, addedAt: t });
          what = `bill ${bill.amount} due ${bill.dueDate}`;
          await waitFor(async () => ((await state()).billed === m.billed ? true : undefined), { what: 'the bill' });
          break;
        }
        case 'rebill': {
          const bill = m.bills[c.i % m.bills.length]!;
          await handle.signal(addChargeSignal, { bill: { billId: bill.billId, amount: bill.amount, currency: 'CNY', dueDate: bill.dueDate } });
          what = `bill ${bill.billId} again`;
          break;
        }
        case 'pay': {
          const owed = m.balance;
          const amount = c.how === 'rest' ? owed : c.how === 'over' ? owed + 1 + c.pct * 10 : Math.max(1, Math.floor((owed * c.pct) / 100));
          const payment = { paymentId: id('P'), amount, currency: 'CNY', paidAt: new Date(t).toISOString(), channel: 'bank' };
          const answer = await h.collection.postPayment(accountId, payment);
          m.pay(payment.paymentId, amount, payment.paidAt, await now());
          what = `pay ${amount} of ${owed}`;
          if (answer?.outcome !== 'applied' || answer.balance !== m.balance)
            throw new Error(`${what}: answered ${JSON.stringify(answer)}, model balance ${m.balance}`);
          break;
        }
        case 'dup': {
          if (m.payments.length === 0) continue;
          const p = m.payments[c.i % m.payments.length]!;
          const payment = { paymentId: p.paymentId, amount: p.amount, currency: 'CNY', paidAt: p.paidAt, channel: 'bank' };
          what = `payment ${p.paymentId} again (${c.freshUpdateId ? 'new delivery' : 'same update id'})`;
          if (c.freshUpdateId) {
            // a new delivery of the same payment (another update id): the episode itself must know it
            const answer = await handle.executeUpdate(postPaymentUpdate, { args: [payment], updateId: `redelivery-${id('U')}` });
            if (answer.outcome !== 'duplicate' || answer.balance !== m.balance) throw new Error(`${what}: answered ${JSON.stringify(answer)}`);
          } else {
            await h.collection.postPayment(accountId, payment);
          }
          break;
        }
        case 'badpay': {
          const payment = {
            paymentId: id('P'),
            amount: c.why === 'zero' ? 0 : 100,
            currency: c.why === 'zero' ? 'CNY' : 'USD',
            paidAt: new Date(t).toISOString(),
            channel: 'bank',
          };
          what = `payment refused (${c.why})`;
          if (!(await refused(h.collection.postPayment(accountId, payment)))) throw new Error(`${what}: accepted`);
          break;
        }
        case 'promise': {
          const amount = c.pct === undefined ? undefined : Math.max(1, Math.floor((m.balance * c.pct) / 100));
          const req = { promiseId: id('PR'), date: addDays(today, c.inDays), source: 'call:prop', ...(amount !== undefined ? { amount } : {}) };
          const valid = c.inDays >= 0 && c.inDays <= POLICY.promise!.maxDays;
          what = `promise ${amount ?? 'all'} by ${req.date}${valid ? '' : ' (refused)'}`;
          const wasRefused = await refused(h.collection.promiseToPay(accountId, req));
          if (wasRefused !== !valid) throw new Error(`${what}: ${wasRefused ? 'refused' : 'accepted'}`);
          if (valid) {
            const open = m.activePromise;
            if (open) open.status = 'kept'; // superseded, not broken
            const due = Math.min(amount ?? m.balance, m.balance);
            m.promises.push({ promiseId: req.promiseId, date: req.date, due, paidBefore: m.paid, madeAt: t, status: 'open' });
          }
          break;
        }
        case 'dispute': {
          const undisputed = m.balance - m.disputed;
          const amount = Math.max(1, Math.floor((undisputed * c.pct) / 100));
          const valid = amount <= undisputed;
          const disputeId = id('D');
          what = `dispute ${amount} of ${undisputed}${valid ? '' : ' (refused)'}`;
          const wasRefused = await refused(h.collection.openDispute(accountId, { disputeId, amount, reason: 'calls not ours' }));
          if (wasRefused !== !valid) throw new Error(`${what}: ${wasRefused ? 'refused' : 'accepted'}`);
          if (valid) m.disputes.push({ disputeId, amount, status: 'open', openedAt: await now() });
          break;
        }
        case 'resolve': {
          const known = m.disputes.length > 0 && c.i < 4;
          const d = known ? m.disputes[c.i % m.disputes.length]! : undefined;
          const disputeId = d?.disputeId ?? id('D-unknown');
          what = `resolve ${disputeId} ${c.upheld ? 'upheld' : 'rejected'}${d ? '' : ' (refused)'}`;
          const wasRefused = await refused(h.collection.resolveDispute(accountId, { disputeId, upheld: c.upheld, note: 'prop' }));
          if (wasRefused !== !d) throw new Error(`${what}: ${wasRefused ? 'refused' : 'accepted'}`);
          if (d?.status === 'open') m.resolve(d, c.upheld, t, await now());
          break;
        }
        case 'plan': {
          const total = Math.max(c.n, Math.floor((m.balance * (100 + c.extraPct)) / 100));
          const each = Math.floor(total / c.n);
          const installments = Array.from({ length: c.n }, (_, i) => ({
            dueDate: addDays(today, c.firstIn + i * c.gap),
            amount: i === c.n - 1 ? total - each * (c.n - 1) : each,
          }));
          const valid = m.plan?.status !== 'active' && total >= m.balance;
          const req = { planId: id('PL'), installments, source: 'call:prop' };
          what = `plan ${installments.map((x) => `${x.amount}@${x.dueDate}`).join(',')} for ${m.balance}${valid ? '' : ' (refused)'}`;
          const wasRefused = await refused(h.collection.agreeInstallments(accountId, req));
          if (wasRefused !== !valid) throw new Error(`${what}: ${wasRefused ? 'refused' : 'accepted'}`);
          if (valid) m.plan = { planId: req.planId, installments, paidBefore: m.paid, status: 'active' };
          break;
        }
        case 'waive': {
          const due = (await state()).lateFee?.due ?? 0;
          const amount = c.pct <= 100 ? Math.floor((due * c.pct) / 100) : due + 1_000;
          const valid = amount >= 1 && amount <= due;
          const adj = { adjustmentId: id('W'), amount: Math.max(1, amount), reason: 'hardship' };
          what = `waive ${adj.amount} of ${due}${valid ? '' : ' (refused)'}`;
          const wasRefused = await refused(h.collection.waiveLateFee(accountId, adj));
          if (wasRefused !== !valid) throw new Error(`${what}: ${wasRefused ? 'refused' : 'accepted'}`);
          if (valid) m.waivers.push(adj);
          break;
        }
      }
      log.push(what);
      await check(what);
    }
  } catch (err) {
    failure = err instanceof Error ? err : new Error(String(err));
  }
  // End the episode and let the workflow finish, so nothing is in flight when the simulator's rows are read.
  await h.collection.closeEpisode(accountId, 'property run over').catch(() => undefined);
  const finished = waitFor(async () => ((await handle.describe()).status.name === 'RUNNING' ? undefined : true), {
    ms: 60_000,
    what: `${accountId} to finish`,
  });
  if (failure) {
    await finished.catch(() => undefined);
    throw failure;
  }
  await finished;
  const final = await state();
  const { rows } = await db.pool.query('SELECT provider, operation, idempotency_key AS key FROM provider_requests WHERE account_id = $1', [accountId]);
  timings.push(
    `run ${n}: ${log.length} commands, ${((await now()) - start) / DAY > 0 ? Math.round(((await now()) - start) / DAY) : 0} days, ${final.steps.filter((x) => x.outcome === 'done').length} rungs (${final.steps.filter((x) => NETWORK_SANCTIONS.includes(x.action) && x.outcome === 'done').length} sanctions), ${m.status}, ${((Date.now() - wallStart) / 1000).toFixed(1)} s`,
  );
  const problems = wholeRunRules(m, acct, final, rows);
  if (problems.length > 0) throw new Error(`whole-run rules (run ${n}, ${accountId}):\n  ${problems.join('\n  ')}\ncommands:\n  ${log.join('\n  ')}`);
}

test('random command sequences keep the episode equal to the model and inside the rules', async () => {
  console.log(`episode property: seed ${SEED} (FC_SEED to replay), ${RUNS} runs of up to ${MAX_COMMANDS} commands`);
  await fc.assert(
    fc.asyncProperty(account, fc.array(command, { minLength: 1, maxLength: MAX_COMMANDS, size: 'large' }), async (acct, commands) => {
      await runEpisode(acct, commands);
    }),
    { seed: SEED, numRuns: RUNS, endOnFailure: process.env.FC_SHRINK === '0', ...(process.env.FC_PATH ? { path: process.env.FC_PATH } : {}) },
  );
  console.log(`episode property: ${timings.join('; ')}`);
}, 900_000);
