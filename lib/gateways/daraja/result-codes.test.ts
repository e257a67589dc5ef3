import { describe, expect, it } from 'vitest';

import { type StkOutcome, describeResultCode, normalizeResultCode } from './result-codes';

// Every code in docs/daraja.md §7, with the outcome from its "Suggested mapping" and the
// customer-retry column of the table.
const TABLE: ReadonlyArray<[code: string | number, outcome: StkOutcome, canRetry: boolean, staffAlert: boolean]> = [
  [0, 'completed', false, false],
  [1, 'failed', true, false],
  [2, 'failed', false, false],
  [3, 'failed', false, false],
  [4, 'failed', false, false],
  [8, 'failed', false, true],
  [17, 'failed', true, false],
  [26, 'failed', true, false],
  [1001, 'failed', true, false],
  [1019, 'expired', true, false],
  [1025, 'failed', true, false],
  [9999, 'failed', true, false],
  [1031, 'cancelled', true, false],
  [1032, 'cancelled', true, false],
  [1036, 'expired', true, false],
  [1037, 'expired', true, false],
  [2001, 'failed', true, false],
  [2026, 'failed', true, false],
  [2028, 'failed', false, true],
  [8006, 'failed', false, false],
  ['SFC_IC0003', 'failed', false, true],
  ['E3008', 'failed', false, true],
  ['4999', 'pending', false, false],
];

describe('describeResultCode', () => {
  it.each(TABLE)('%s -> %s (canRetry %s, staffAlert %s)', (code, outcome, canRetry, staffAlert) => {
    const described = describeResultCode(code);
    expect(described).toMatchObject({ outcome, canRetry, staffAlert });
    expect(described.message.length).toBeGreaterThan(10);
    // Plain language: no result codes or jargon shown to the payer (Safaricom help lines 100/200 are fine).
    expect(described.message).not.toMatch(/\d{4,}|ResultCode|DS timeout|initiator|SFC_/);
  });

  it.each(TABLE)('treats %s the same as a number or a string', (code) => {
    expect(describeResultCode(String(code))).toEqual(describeResultCode(code));
  });

  it('uses the agreed wording for the common customer outcomes', () => {
    expect(describeResultCode(1).message).toBe(
      'Your M-Pesa balance was not enough for this payment. Top up and try again.',
    );
    expect(describeResultCode(2001).message).toBe('The M-Pesa PIN was wrong. Try again and enter your PIN carefully.');
    expect(describeResultCode(1032).message).toBe('You cancelled the M-Pesa prompt.');
    expect(describeResultCode(1037).message).toBe(
      'We could not reach your phone. Keep it on and unlocked, then try again.',
    );
  });

  it('accepts the string forms used by STK Query (§5)', () => {
    expect(describeResultCode('0').outcome).toBe('completed');
    expect(describeResultCode('1032').outcome).toBe('cancelled');
    expect(describeResultCode(' 1037 ').outcome).toBe('expired');
    expect(describeResultCode('sfc_ic0003').outcome).toBe('failed');
  });

  it.each([5, 1002, '9998', 'R000002', 'E9999', '', 'constructor', '__proto__', 'toString'])(
    'maps never-seen code %j to unknown with a staff alert (§7 "Unknown codes")',
    (code) => {
      const described = describeResultCode(code);
      expect(described).toMatchObject({ outcome: 'unknown', canRetry: false, staffAlert: true });
      expect(described.message).toMatch(/do not pay again/);
    },
  );

  it('returns a fresh object each time so callers cannot corrupt the table', () => {
    const first = describeResultCode(1);
    first.message = 'mutated';
    expect(describeResultCode(1).message).not.toBe('mutated');
  });
});

describe('normalizeResultCode', () => {
  it('stringifies numbers and trims and upper-cases strings', () => {
    expect(normalizeResultCode(0)).toBe('0');
    expect(normalizeResultCode(1032)).toBe('1032');
    expect(normalizeResultCode(' e3008 ')).toBe('E3008');
  });
});
