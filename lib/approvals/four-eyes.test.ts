import { describe, expect, test } from 'vitest';
import { approvalStep } from './four-eyes';

const T = 5_000_000; // KES 50,000

describe('four eyes', () => {
  test.each([
    ['the raiser approving', { raisedBy: 'a', firstApprovedBy: null, amountMinor: 100 }, 'a', 'refused'],
    ['someone else, at or below the threshold', { raisedBy: 'a', firstApprovedBy: null, amountMinor: T }, 'b', 'final'],
    ['someone else, above the threshold, first', { raisedBy: 'a', firstApprovedBy: null, amountMinor: T + 1 }, 'b', 'first'],
    ['the first approver again', { raisedBy: 'a', firstApprovedBy: 'b', amountMinor: T + 1 }, 'b', 'refused'],
    ['the raiser as second approver', { raisedBy: 'a', firstApprovedBy: 'b', amountMinor: T + 1 }, 'a', 'refused'],
    ['a second, different approver', { raisedBy: 'a', firstApprovedBy: 'b', amountMinor: T + 1 }, 'c', 'final'],
  ] as const)('%s', (_name, state, approver, expected) => {
    const step = approvalStep({ ...state }, approver, T);
    expect(step.ok ? (step.final ? 'final' : 'first') : 'refused').toBe(expected);
  });
});
