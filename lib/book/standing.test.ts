import { describe, expect, test } from 'vitest';
import { premiumStanding } from './standing';

const base = { status: 'active' as const, productClass: 'life' as const, graceDays: 30, today: '2026-03-10' };

describe('premium standing', () => {
  test('up to date, in grace, past grace, general, not active', () => {
    expect(premiumStanding({ ...base, oldestUnpaidDue: null }).tone).toBe('ok');
    expect(premiumStanding({ ...base, oldestUnpaidDue: '2026-03-10' }).tone).toBe('ok');
    expect(premiumStanding({ ...base, oldestUnpaidDue: '2026-02-15' })).toEqual({ tone: 'warn', text: expect.stringMatching(/30-day grace period runs until 17 Mar 2026/) });
    expect(premiumStanding({ ...base, oldestUnpaidDue: '2026-01-15' })).toEqual({ tone: 'bad', text: expect.stringMatching(/past the 30-day grace period/) });
    expect(premiumStanding({ ...base, productClass: 'general', graceDays: null, oldestUnpaidDue: '2026-03-09' })).toEqual({ tone: 'bad', text: expect.stringMatching(/cash and carry/) });
    expect(premiumStanding({ ...base, status: 'matured', oldestUnpaidDue: '2026-01-15' }).text).toBe('This policy is matured; it takes no payments.');
    // Never a word about cover.
    for (const due of [null, '2026-02-15', '2026-01-15']) expect(premiumStanding({ ...base, oldestUnpaidDue: due }).text).not.toMatch(/covered|you have cover/i);
  });
});
