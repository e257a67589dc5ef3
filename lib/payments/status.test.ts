import { describe, expect, test } from 'vitest';
import { ALLOWED_TRANSITIONS, canTransition, isTerminal, PAYMENT_STATUSES, sourcesOf } from './status';

const LEGAL = new Set([
  'pending>completed',
  'pending>failed',
  'pending>cancelled',
  'pending>expired',
  'pending>review',
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

  test('terminal states accept nothing', () => {
    expect(PAYMENT_STATUSES.filter(isTerminal)).toEqual(['completed', 'failed', 'cancelled']);
  });

  test('sourcesOf inverts the table', () => {
    expect(sourcesOf('completed').sort()).toEqual(['expired', 'pending', 'review']);
    expect(sourcesOf('pending')).toEqual([]);
    for (const [from, tos] of Object.entries(ALLOWED_TRANSITIONS)) {
      for (const to of tos) expect(sourcesOf(to)).toContain(from);
    }
  });
});
