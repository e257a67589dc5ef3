import { describe, expect, test } from 'vitest';
import { allocatePayment, installmentStatusFor } from './allocate';

const schedule = [
  { id: 'b', seq: 2, amountMinor: 1_000_00, paidMinor: 0 },
  { id: 'a', seq: 1, amountMinor: 1_000_00, paidMinor: 400_00 },
  { id: 'c', seq: 3, amountMinor: 1_000_00, paidMinor: 0 },
];

describe('allocatePayment', () => {
  test('pays the oldest open installment first, finishing partly paid ones', () => {
    const { allocations, unallocatedMinor } = allocatePayment(600_00, schedule);
    expect(allocations).toEqual([{ installmentId: 'a', amountMinor: 600_00, settles: true }]);
    expect(unallocatedMinor).toBe(0);
  });

  test('a partial payment leaves the installment partly paid', () => {
    const { allocations } = allocatePayment(250_00, schedule);
    expect(allocations).toEqual([{ installmentId: 'a', amountMinor: 250_00, settles: false }]);
  });

  test('spreads across several installments in order', () => {
    const { allocations } = allocatePayment(2_100_00, schedule);
    expect(allocations).toEqual([
      { installmentId: 'a', amountMinor: 600_00, settles: true },
      { installmentId: 'b', amountMinor: 1_000_00, settles: true },
      { installmentId: 'c', amountMinor: 500_00, settles: false },
    ]);
  });

  test('skips paid installments and reports money left over', () => {
    const paid = [{ id: 'x', seq: 1, amountMinor: 100, paidMinor: 100 }, { id: 'y', seq: 2, amountMinor: 100, paidMinor: 0 }];
    expect(allocatePayment(150, paid)).toEqual({
      allocations: [{ installmentId: 'y', amountMinor: 100, settles: true }],
      unallocatedMinor: 50,
    });
  });

  test('allocations always add up to the payment', () => {
    for (const amount of [1, 99, 600_00, 2_600_00, 5_000_00]) {
      const { allocations, unallocatedMinor } = allocatePayment(amount, schedule);
      expect(allocations.reduce((s, a) => s + a.amountMinor, 0) + unallocatedMinor).toBe(amount);
    }
  });

  test('refuses non-positive or fractional amounts', () => {
    expect(() => allocatePayment(0, schedule)).toThrow();
    expect(() => allocatePayment(10.5, schedule)).toThrow();
  });

  test('installment status follows what it received', () => {
    expect(installmentStatusFor(100, 0)).toBe('due');
    expect(installmentStatusFor(100, 1)).toBe('partly_paid');
    expect(installmentStatusFor(100, 100)).toBe('paid');
  });
});
