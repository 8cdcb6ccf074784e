// A synthetic portfolio for simulation and the simulation-speed benchmark: N overdue accounts over
// six months with the behaviours collectors see (pay after the SMS, pay after suspension, promise
// and keep or break it, partial payments, a second bill, disputes, never pay), drawn from a seeded
// generator so the same arguments give the same scenario byte for byte.
import { DateTime } from 'luxon';

export interface GenerateOptions {
  accounts: number;
  seed?: number;
  /** Local start of the portfolio (Asia/Shanghai); six months are simulated. */
  start?: string;
  months?: number;
}

/** mulberry32: a tiny, well-known seeded PRNG; enough for a reproducible synthetic portfolio. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Behaviour = 'pays_early' | 'pays_after_suspension' | 'promise_kept' | 'promise_broken' | 'partial' | 'second_bill' | 'dispute' | 'never_pays';
// Shares loosely after the seeds' field notes: most pay after the first reminders, a hard core never does.
const BEHAVIOURS: [Behaviour, number][] = [
  ['pays_early', 0.4],
  ['pays_after_suspension', 0.15],
  ['promise_kept', 0.08],
  ['promise_broken', 0.05],
  ['partial', 0.07],
  ['second_bill', 0.1],
  ['dispute', 0.03],
  ['never_pays', 0.12],
];

export function generateScenario(opts: GenerateOptions): Record<string, unknown> {
  const rand = prng(opts.seed ?? 1);
  const zone = 'Asia/Shanghai';
  const start = DateTime.fromISO(opts.start ?? '2026-01-01', { zone }).startOf('day');
  const until = start.plus({ months: opts.months ?? 6 });
  const pick = <T>(xs: [T, number][]): T => {
    let r = rand();
    for (const [x, w] of xs) if ((r -= w) < 0) return x;
    return xs[xs.length - 1]![0];
  };
  const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
  const at = (day: DateTime, hour = 10) => day.set({ hour, minute: int(0, 59) }).toISO({ suppressMilliseconds: true })!;
  const date = (day: DateTime) => day.toISODate()!;

  const accounts: Record<string, unknown>[] = [];
  const events: Record<string, unknown>[] = [];
  for (let i = 0; i < opts.accounts; i++) {
    const id = `S${i}`;
    const segment = pick<string>([
      ['consumer', 0.86],
      ['enterprise', 0.1],
      ['ecommerce', 0.03],
      ['key_account', 0.01],
    ]);
    const lists = pick<string[]>([
      [[], 0.94],
      [['red'], 0.02],
      [['black'], 0.04],
    ]);
    const amount = Math.round(Math.exp(8 + rand() * 3)); // ~30 to ~600 CNY, in fen
    const due = start.plus({ days: int(0, 27) });
    accounts.push({
      id,
      segment,
      lists,
      timezone: zone,
      name: `客户${i}`,
      phone: `138${String(i).padStart(8, '0')}`,
      currency: 'CNY',
      billId: `${id}-B1`,
      amount,
      dueDate: date(due),
    });
    const pay = (day: DateTime, amt: number, n = 1) => events.push({ at: at(day), type: 'payment', account: id, paymentId: `${id}-P${n}`, amount: amt });
    switch (pick(BEHAVIOURS)) {
      case 'pays_early':
        pay(due.plus({ days: int(2, 20) }), amount);
        break;
      case 'pays_after_suspension':
        pay(due.plus({ days: int(33, 60) }), amount);
        break;
      case 'promise_kept': {
        const told = due.plus({ days: int(5, 12) });
        const promised = told.plus({ days: int(3, 10) });
        events.push({ at: at(told), type: 'promise', account: id, date: date(promised) });
        pay(promised, amount);
        break;
      }
      case 'promise_broken': {
        const told = due.plus({ days: int(5, 12) });
        events.push({ at: at(told), type: 'promise', account: id, date: date(told.plus({ days: int(3, 10) })) });
        break;
      }
      case 'partial': {
        const part = Math.max(1, Math.floor(amount / 2));
        pay(due.plus({ days: int(3, 15) }), part, 1);
        if (rand() < 0.6) pay(due.plus({ days: int(20, 50) }), amount - part, 2);
        break;
      }
      case 'second_bill': {
        const due2 = due.plus({ months: 1 });
        const amount2 = Math.round(amount * (0.8 + rand() * 0.4));
        events.push({ at: at(due2.minus({ days: 10 })), type: 'charge', account: id, billId: `${id}-B2`, amount: amount2, dueDate: date(due2) });
        if (rand() < 0.5) pay(due2.plus({ days: int(2, 25) }), amount + amount2);
        break;
      }
      case 'dispute': {
        const opened = due.plus({ days: int(2, 8) });
        events.push({ at: at(opened), type: 'dispute', account: id, amount: Math.max(1, Math.floor(amount / 3)) });
        const upheld = rand() < 0.4;
        events.push({ at: at(opened.plus({ days: int(5, 20) })), type: 'dispute_resolved', account: id, upheld });
        if (rand() < 0.5) pay(opened.plus({ days: int(21, 40) }), upheld ? amount - Math.max(1, Math.floor(amount / 3)) : amount);
        break;
      }
      case 'never_pays':
        break;
    }
  }
  // Events after the horizon are dropped: the scenario only covers start … until.
  const kept = events.filter((e) => Date.parse(e['at'] as string) < until.toMillis());
  return { start: start.toISO(), until: until.toISO(), policy: 'default', accounts, events: kept };
}
