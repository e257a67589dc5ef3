import { describe, expect, test } from 'vitest';
import type { LedgerEntry } from '@/db/schema';
import { installmentState, withRunningBalance } from './schedule';
import { isCalendarDate, nairobiDayEnd, nairobiDayStart, nairobiMinute } from '@/lib/nairobi-time';

describe('installmentState', () => {
  const today = '2026-11-25';
  test.each([
    [{ amountMinor: 100, paidMinor: 100, dueDate: '2026-10-01' }, 'paid'],
    [{ amountMinor: 100, paidMinor: 120, dueDate: '2026-12-01' }, 'paid'],
    [{ amountMinor: 100, paidMinor: 0, dueDate: '2026-11-24' }, 'overdue'],
    [{ amountMinor: 100, paidMinor: 40, dueDate: '2026-11-24' }, 'overdue'],
    [{ amountMinor: 100, paidMinor: 40, dueDate: '2026-11-25' }, 'partly_paid'],
    [{ amountMinor: 100, paidMinor: 0, dueDate: '2026-11-25' }, 'due'],
  ])('%j → %s', (i, state) => {
    expect(installmentState(i, today)).toBe(state);
  });
});

test('withRunningBalance adds lines up in order', () => {
  const lines = [1_200_000, 1_200_000, -1_500_000, 300].map((amountMinor, i) => ({ id: i, amountMinor }) as LedgerEntry);
  expect(withRunningBalance(lines).map((l) => l.balanceAfterMinor)).toEqual([1_200_000, 2_400_000, 900_000, 900_300]);
});

describe('Nairobi time', () => {
  test('a day runs from 21:00 UTC the evening before', () => {
    expect(nairobiDayStart('2026-11-25').toISOString()).toBe('2026-11-24T21:00:00.000Z');
    expect(nairobiDayEnd('2026-11-25').toISOString()).toBe('2026-11-25T21:00:00.000Z');
    expect(nairobiMinute(new Date('2026-11-24T21:00:00Z'))).toBe('2026-11-25 00:00');
  });
  test('calendar dates', () => {
    expect(isCalendarDate('2028-02-29')).toBe(true);
    expect(isCalendarDate('2026-02-29')).toBe(false);
    expect(isCalendarDate('2026-1-5')).toBe(false);
  });
});
