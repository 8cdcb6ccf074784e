// The ledger's allocation of money to bills (domain/episode/ledger.ts allocateFifo): oldest due date
// first, each bill at most what it still owes, the rest unallocated; the same order as the
// episode's own settlement (oldestUnpaidBill).
import fc from 'fast-check';
import { allocateFifo, type AllocatableBill } from '../../domain/episode/ledger';

const bill = (billId: string, dueDate: string, amount: number, allocated = 0): AllocatableBill => ({ billId, dueDate, amount, allocated });

describe('allocateFifo', () => {
  it('settles the oldest bill first, whatever order the bills come in', () => {
    const bills = [bill('B2', '2026-02-15', 5_000), bill('B1', '2026-01-15', 10_000)];
    expect(allocateFifo(bills, 12_000)).toEqual({
      allocations: [
        { billId: 'B1', amount: 10_000 },
        { billId: 'B2', amount: 2_000 },
      ],
      unallocated: 0,
    });
  });

  it('takes what is already allocated into account, and ties go by bill id', () => {
    const bills = [bill('B2', '2026-01-15', 3_000), bill('B1', '2026-01-15', 4_000, 3_000), bill('B0', '2025-12-15', 1_000, 1_000)];
    expect(allocateFifo(bills, 2_500).allocations).toEqual([
      { billId: 'B1', amount: 1_000 },
      { billId: 'B2', amount: 1_500 },
    ]);
  });

  it('leaves an overpayment unallocated, and nothing to allocate gives nothing', () => {
    expect(allocateFifo([bill('B1', '2026-01-15', 1_000)], 1_500)).toEqual({ allocations: [{ billId: 'B1', amount: 1_000 }], unallocated: 500 });
    expect(allocateFifo([bill('B1', '2026-01-15', 1_000)], 0)).toEqual({ allocations: [], unallocated: 0 });
    expect(allocateFifo([], 700)).toEqual({ allocations: [], unallocated: 700 });
  });

  it('for every input: allocated plus unallocated is the amount, no bill takes more than it owes, and older bills fill first', () => {
    const bills = fc.uniqueArray(
      fc.record({
        billId: fc.string({ minLength: 1, maxLength: 4 }),
        dueDate: fc.integer({ min: 1, max: 28 }).map((d) => `2026-01-${String(d).padStart(2, '0')}`),
        amount: fc.integer({ min: 1, max: 100_000 }),
        allocatedShare: fc.double({ min: 0, max: 1, noNaN: true }),
      }),
      { selector: (b) => b.billId, maxLength: 8 },
    );
    fc.assert(
      fc.property(bills, fc.integer({ min: 0, max: 500_000 }), (raw, amount) => {
        const input = raw.map((b) => bill(b.billId, b.dueDate, b.amount, Math.floor(b.amount * b.allocatedShare)));
        const { allocations, unallocated } = allocateFifo(input, amount);
        expect(allocations.reduce((t, a) => t + a.amount, 0) + unallocated).toBe(amount);
        const byId = new Map(input.map((b) => [b.billId, b]));
        for (const a of allocations) expect(a.amount).toBeLessThanOrEqual(byId.get(a.billId)!.amount - byId.get(a.billId)!.allocated);
        // a bill left owing means no younger bill got anything
        const sorted = [...input].sort((a, b) => a.dueDate.localeCompare(b.dueDate) || a.billId.localeCompare(b.billId));
        const got = new Map(allocations.map((a) => [a.billId, a.amount]));
        const firstOwing = sorted.findIndex((b) => b.allocated + (got.get(b.billId) ?? 0) < b.amount);
        if (firstOwing >= 0) for (const b of sorted.slice(firstOwing + 1)) expect(got.get(b.billId) ?? 0).toBe(0);
        if (unallocated > 0) expect(firstOwing).toBe(-1);
      }),
    );
  });
});
