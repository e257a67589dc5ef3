import { describe, expect, test } from 'vitest';
import { canTransition, isClosedUnpaid, PAYMENT_STATUSES } from './status';

const LEGAL = new Set([
  'pending>completed',
  'pending>failed',
  'pending>cancelled',
  'pending>expired',
  'pending>review',
  // Money taken after we closed the payment on our side is still the holder's money.
  'failed>completed',
  'failed>review',
  'cancelled>completed',
  'cancelled>review',
  'expired>completed',
  'expired>review',
  'review>completed',
  'review>failed',
]);

describe('payment state machine', () => {
  test.each(PAYMENT_STATUSES.flatMap((from) => PAYMENT_STATUSES.map((to) => [from, to] as const)))(
    '%s -> %s',
    (from, to) => {
      expect(canTransition(from, to)).toBe(LEGAL.has(`${from}>${to}`));
    },
  );

  test('only completed accepts nothing; nothing returns to pending', () => {
    expect(PAYMENT_STATUSES.filter((s) => PAYMENT_STATUSES.every((t) => !canTransition(s, t)))).toEqual(['completed']);
    expect(PAYMENT_STATUSES.some((s) => canTransition(s, 'pending'))).toBe(false);
  });

  test('closed-unpaid states', () => {
    expect(PAYMENT_STATUSES.filter(isClosedUnpaid)).toEqual(['failed', 'cancelled', 'expired']);
  });
});
