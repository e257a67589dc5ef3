// Sessions end after a period without visits: 8 hours for staff, 30 days for holders.
import { afterEach, describe, expect, test, vi } from 'vitest';
import type { JWT } from 'next-auth/jwt';
import { authConfig } from './config';

const jwt = authConfig.callbacks.jwt as unknown as (a: { token: JWT; user?: unknown }) => JWT | null;
const at = (iso: string) => vi.setSystemTime(new Date(iso));

afterEach(() => vi.useRealTimers());

describe('session idle limits', () => {
  test('a staff session ends after 8 hours without a visit; a visit keeps it going', () => {
    vi.useFakeTimers();
    at('2026-12-01T08:00:00Z');
    let token = jwt({ token: {}, user: { id: 'u1', role: 'finance' } })!;
    at('2026-12-01T15:59:00Z'); // 7 h 59 min later: still signed in, and the clock restarts
    token = jwt({ token })!;
    expect(token).toMatchObject({ uid: 'u1', role: 'finance' });
    at('2026-12-01T23:58:00Z'); // 7 h 59 min after that visit
    token = jwt({ token })!;
    expect(token).not.toBeNull();
    at('2026-12-02T07:58:01Z'); // 8 h 0 min 1 s idle
    expect(jwt({ token })).toBeNull();
  });

  test('a holder session survives 8 idle hours and ends after 30 idle days', () => {
    vi.useFakeTimers();
    at('2026-12-01T08:00:00Z');
    const token = jwt({ token: {}, user: { id: 'h1', role: 'policyholder' } })!;
    at('2026-12-01T20:00:00Z');
    expect(jwt({ token: { ...token } })).not.toBeNull();
    at('2026-12-31T08:00:01Z');
    expect(jwt({ token: { ...token } })).toBeNull();
  });
});
