// Sign-in security at the domain level, on a real database: failure limits per account and client
// address with sliding windows (a stranger cannot lock a holder out from elsewhere; a crowd behind
// one NAT signing in correctly is never limited), the client address through trusted proxy hops,
// two-factor enrolment and sign-in with TOTP and one-time recovery codes, and the admin's switch.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { and, eq, sql } from 'drizzle-orm';
import { auditLog, recoveryCodes, signinFailures, users } from '@/db/schema';
import { DEMO_USERS } from '@/db/seed';
import { checkSignIn } from '@/lib/auth/check-sign-in';
import { hashPassword } from '@/lib/auth/password';
import { admitSignIn, signInLimits, type SignInLimits } from '@/lib/auth/signin-guard';
import { confirmEnrolment, mustEnrolTwoFactor, startEnrolment, twoFactorStatus } from '@/lib/auth/two-factor/enrolment';
import { resetTwoFactor, setStaffTwoFactorRequired, staffTwoFactorOverview, staffTwoFactorRequired } from '@/lib/auth/two-factor/settings';
import { currentTotp } from '@/lib/auth/two-factor/totp';
import { clientAddress } from '@/lib/net/client-address';
import { installPeerStamp } from '@/lib/net/peer-stamp';
import type { Viewer } from '@/lib/viewer';
import { startHarness, type Harness } from './harness';

let h: Harness;
let staff: Viewer;
let admin: Viewer;
beforeAll(async () => {
  h = await startHarness();
  const viewer = async (email: string): Promise<Viewer> => {
    const [u] = await h.db.select().from(users).where(eq(users.email, email));
    return { userId: u.id, role: u.role };
  };
  staff = await viewer(DEMO_USERS.staff.email);
  admin = await viewer(DEMO_USERS.admin.email);
});
afterAll(async () => {
  await h?.close();
});

// The delays are checked on their own below; elsewhere they would only make the suite slow.
const NO_DELAY: SignInLimits = { ...signInLimits({} as NodeJS.ProcessEnv), delaysSeconds: [0] };
const HOLDER = DEMO_USERS.holder;
const minutes = (n: number, from: Date) => new Date(from.getTime() + n * 60_000);
const failuresFor = async (account: string) =>
  (await h.db.select({ n: sql<number>`count(*)::int` }).from(signinFailures).where(eq(signinFailures.account, account)))[0].n;

describe('failed sign-ins', () => {
  test("a stranger's failures from one address do not lock the holder out from another", async () => {
    const t0 = new Date();
    const stranger = '198.51.100.23';
    const outcomes: string[] = [];
    for (let i = 0; i < 6; i++) {
      const r = await checkSignIn(h.db, { email: HOLDER.email, password: `guess-${i}` }, stranger, { limits: NO_DELAY, now: t0 });
      outcomes.push(r.ok ? 'ok' : r.reason);
    }
    expect(outcomes).toEqual(['invalid', 'invalid', 'invalid', 'invalid', 'invalid', 'blocked']);
    // Even the right password is refused from the stranger's address now: guessing has stopped there.
    const fromStranger = await checkSignIn(h.db, { email: HOLDER.email, password: HOLDER.password }, stranger, { limits: NO_DELAY, now: t0 });
    expect(fromStranger).toMatchObject({ ok: false, reason: 'blocked', message: expect.stringMatching(/Too many failed sign-ins\. Please wait 15 minutes/) });
    // The holder, on their phone's own address, signs in at once.
    const holder = await checkSignIn(h.db, { email: HOLDER.email, password: HOLDER.password }, '41.90.64.10', { limits: NO_DELAY, now: t0 });
    expect(holder).toMatchObject({ ok: true, user: { email: HOLDER.email } });
    // Refused attempts are not stored; only the five checked guesses are.
    expect(await failuresFor(HOLDER.email)).toBe(5);
  });

  test('the window slides: no burst of guesses across a window edge, and the lock ends when failures age out', async () => {
    const address = '198.51.100.77';
    const email = DEMO_USERS.other.email;
    const t0 = new Date(Date.now() + 3600_000); // clear of the other tests' failures
    for (let i = 0; i < 5; i++) {
      const r = await checkSignIn(h.db, { email, password: 'nope' }, address, { limits: NO_DELAY, now: minutes(i * 2, t0) });
      expect(r).toMatchObject({ reason: 'invalid' });
    }
    // A fixed 15-minute window would have reset by now (t0 + 14); a sliding one still counts all five.
    const early = await checkSignIn(h.db, { email, password: DEMO_USERS.other.password }, address, { limits: NO_DELAY, now: minutes(14, t0) });
    expect(early).toMatchObject({ ok: false, reason: 'blocked', message: expect.stringMatching(/wait 1 minute/) });
    // Just after the first failure is 15 minutes old, one more try is allowed (and the right password works).
    const later = await checkSignIn(h.db, { email, password: DEMO_USERS.other.password }, address, { limits: NO_DELAY, now: minutes(15.1, t0) });
    expect(later).toMatchObject({ ok: true });
  });

  test('repeated failures make each next attempt from that address slower, then lock it', async () => {
    const limits = signInLimits({} as NodeJS.ProcessEnv);
    const a = { account: 'delay@example.com', address: '198.51.100.90' };
    const now = new Date(Date.now() + 7200_000);
    const delays: (number | 'locked')[] = [];
    for (let i = 0; i < 6; i++) {
      const r = await admitSignIn(h.db, a, limits, now);
      delays.push(r.allowed ? r.delayMs : 'locked');
      if (r.allowed) await h.db.update(signinFailures).set({ pending: false }).where(eq(signinFailures.id, r.attemptId));
    }
    expect(delays).toEqual([0, 0, 1000, 2000, 4000, 'locked']);
    // Another address trying the same account starts with no delay.
    const elsewhere = await admitSignIn(h.db, { ...a, address: '198.51.100.91' }, limits, now);
    expect(elsewhere).toMatchObject({ allowed: true, delayMs: 0 });
  });

  test('parallel guesses cannot slip past the limit: attempts count while they are being checked', async () => {
    const address = '198.51.100.99';
    const now = new Date(Date.now() + 3 * 3600_000);
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) => checkSignIn(h.db, { email: 'parallel@example.com', password: `p${i}` }, address, { limits: NO_DELAY, now })),
    );
    const reasons = results.map((r) => (r.ok ? 'ok' : r.reason));
    expect(reasons.filter((r) => r === 'invalid')).toHaveLength(5);
    expect(reasons.filter((r) => r === 'blocked')).toHaveLength(7);
  });

  test('200 different holders signing in correctly from one address (carrier NAT) are never limited', async () => {
    const password = 'crowd-password-1';
    const hash = await hashPassword(password);
    const crowd = Array.from({ length: 200 }, (_, i) => `crowd${i}@example.com`);
    await h.db.insert(users).values(crowd.map((email, i) => ({ email, name: `Holder ${i}`, passwordHash: hash })));
    const nat = '105.160.0.1';
    // A few typos along the way, as real people make.
    for (let i = 0; i < 20; i++) {
      expect(await checkSignIn(h.db, { email: crowd[i], password: 'typo' }, nat, { limits: NO_DELAY })).toMatchObject({ reason: 'invalid' });
    }
    const outcomes: boolean[] = [];
    for (let i = 0; i < crowd.length; i += 10) {
      const batch = await Promise.all(crowd.slice(i, i + 10).map((email) => checkSignIn(h.db, { email, password }, nat, { limits: NO_DELAY })));
      outcomes.push(...batch.map((r) => r.ok));
    }
    expect(outcomes.filter(Boolean)).toHaveLength(200);
  }, 120_000);

  test('one address spraying guesses over many accounts is stopped by the per-address limit', async () => {
    const limits: SignInLimits = { ...NO_DELAY, perAddress: 8 };
    const sprayer = '203.0.113.200';
    const reasons: string[] = [];
    for (let i = 0; i < 10; i++) {
      const r = await checkSignIn(h.db, { email: `crowd${i}@example.com`, password: 'Password1' }, sprayer, { limits });
      reasons.push(r.ok ? 'ok' : r.reason);
    }
    expect(reasons).toEqual([...Array(8).fill('invalid'), 'blocked', 'blocked']);
    const blocked = await checkSignIn(h.db, { email: HOLDER.email, password: HOLDER.password }, sprayer, { limits });
    expect(blocked).toMatchObject({ reason: 'blocked', message: expect.stringMatching(/from your network/) });
  });
});

describe('client address', () => {
  const headers = (xff?: string, peer = '10.0.0.5') =>
    new Headers({ ...(xff ? { 'x-forwarded-for': xff } : {}), 'x-malipo-peer-address': peer });

  test('with 0 trusted hops the TCP peer is the client and X-Forwarded-For is ignored', () => {
    expect(clientAddress(headers('1.2.3.4'), 0)).toBe('10.0.0.5');
    expect(clientAddress(headers(undefined, '::ffff:41.90.1.2'), 0)).toBe('41.90.1.2');
  });

  test('with n trusted hops the n-th address from the right of "X-Forwarded-For, peer" is the client', () => {
    // Client 41.90.1.2 → load balancer (appends it) → app; the client forged "6.6.6.6" in front.
    expect(clientAddress(headers('6.6.6.6, 41.90.1.2'), 1)).toBe('41.90.1.2');
    expect(clientAddress(headers('6.6.6.6, 41.90.1.2, 172.16.0.9'), 2)).toBe('41.90.1.2');
    expect(clientAddress(headers('41.90.1.2'), 3)).toBe('41.90.1.2'); // fewer hops than configured: leftmost
    expect(clientAddress(new Headers({ 'x-forwarded-for': '1.2.3.4' }), 1)).toBe('unknown'); // never stamped
  });

  test('over real HTTP, a spoofed X-Forwarded-For (or peer header) does not change who is counted', async () => {
    installPeerStamp();
    const seen: string[] = [];
    const server = http.createServer((req, res) => {
      seen.push(clientAddress(new Headers(req.headers as Record<string, string>), 0));
      res.end('ok');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    for (const forged of ['1.1.1.1', '2.2.2.2', '3.3.3.3']) {
      await fetch(url, { headers: { 'x-forwarded-for': forged, 'x-malipo-peer-address': forged } });
    }
    await new Promise((r) => server.close(r));
    expect(seen).toEqual(['127.0.0.1', '127.0.0.1', '127.0.0.1']);
    // And so five guesses under five forged addresses still lock that account from this address.
    const now = new Date(Date.now() + 4 * 3600_000);
    for (let i = 0; i < 5; i++) await checkSignIn(h.db, { email: 'spoof@example.com', password: 'x' }, seen[0], { limits: NO_DELAY, now });
    expect(await checkSignIn(h.db, { email: 'spoof@example.com', password: 'x' }, seen[0], { limits: NO_DELAY, now })).toMatchObject({ reason: 'blocked' });
  });
});

describe('two-factor sign-in for staff', () => {
  const address = '192.0.2.10';
  let secret = '';
  let codes: string[] = [];

  test('enrolment: scan a QR code, confirm a code, get ten recovery codes (stored hashed)', async () => {
    expect(await startEnrolment(h.db, h.holder)).toBeNull(); // holders do not get it
    const e = await startEnrolment(h.db, staff);
    expect(e?.uri).toMatch(/^otpauth:\/\/totp\/Malipo:staff%40malipo\.test\?.*secret=/);
    expect(e?.qrSvg).toMatch(/^<svg/);
    secret = e!.secret;
    const wrong = await confirmEnrolment(h.db, staff, '000000');
    expect(wrong).toMatchObject({ ok: false, error: expect.stringMatching(/did not match/) });
    expect((await twoFactorStatus(h.db, staff)).enabled).toBe(false);
    const ok = await confirmEnrolment(h.db, staff, currentTotp(secret), new Date());
    if (!ok.ok) throw new Error(ok.error);
    codes = ok.recoveryCodes;
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    const stored = await h.db.select().from(recoveryCodes).where(eq(recoveryCodes.userId, staff.userId));
    expect(stored).toHaveLength(10);
    expect(stored.map((r) => r.codeHash)).not.toContain(codes[0]);
    const [u] = await h.db.select().from(users).where(eq(users.id, staff.userId));
    expect(u.totpSecret).not.toContain(secret); // sealed, not plain
    expect(await twoFactorStatus(h.db, staff)).toMatchObject({ enabled: true, recoveryCodesLeft: 10 });
  });

  test('sign-in: the password alone asks for a code; a wrong code counts as a failure; the right one signs in once', async () => {
    const first = await checkSignIn(h.db, { email: DEMO_USERS.staff.email, password: DEMO_USERS.staff.password }, address, { limits: NO_DELAY });
    if (first.ok || first.reason !== 'code_required') throw new Error(`expected code_required, got ${JSON.stringify(first)}`);
    const wrongPasswordWithCode = await checkSignIn(h.db, { email: DEMO_USERS.staff.email, password: 'wrong', code: currentTotp(secret) }, address, { limits: NO_DELAY });
    expect(wrongPasswordWithCode).toMatchObject({ ok: false, reason: 'invalid' });
    const before = await failuresFor(DEMO_USERS.staff.email);
    const wrongCode = await checkSignIn(h.db, { email: DEMO_USERS.staff.email, ticket: first.ticket, code: '123456' }, address, { limits: NO_DELAY });
    expect(wrongCode).toMatchObject({ ok: false, reason: 'code_invalid' });
    expect(await failuresFor(DEMO_USERS.staff.email)).toBe(before + 1);
    // A forged ticket is worth nothing.
    const forged = await checkSignIn(h.db, { email: DEMO_USERS.staff.email, ticket: `${staff.userId}.9999999999.AAAA`, code: currentTotp(secret, Date.now() + 30_000) }, address, { limits: NO_DELAY });
    expect(forged).toMatchObject({ ok: false, reason: 'invalid' });
    // The code for the next 30-second step (the enrolment used this step's code).
    const code = currentTotp(secret, Date.now() + 30_000);
    const ok = await checkSignIn(h.db, { email: DEMO_USERS.staff.email, ticket: first.ticket, code }, address, { limits: NO_DELAY });
    expect(ok).toMatchObject({ ok: true, secondFactor: 'totp', user: { id: staff.userId } });
    const replay = await checkSignIn(h.db, { email: DEMO_USERS.staff.email, password: DEMO_USERS.staff.password, code }, address, { limits: NO_DELAY });
    expect(replay).toMatchObject({ ok: false, reason: 'code_invalid' });
  });

  test('a recovery code signs in exactly once', async () => {
    const attempt = (code: string) =>
      checkSignIn(h.db, { email: DEMO_USERS.staff.email, password: DEMO_USERS.staff.password, code }, '192.0.2.11', { limits: NO_DELAY });
    expect(await attempt(codes[3].toUpperCase().replace(/-/g, ' '))).toMatchObject({ ok: true, secondFactor: 'recovery_code' });
    expect(await attempt(codes[3])).toMatchObject({ ok: false, reason: 'code_invalid' });
    const [row] = await h.db.select({ n: sql<number>`count(*)::int` }).from(recoveryCodes).where(and(eq(recoveryCodes.userId, staff.userId), sql`${recoveryCodes.usedAt} is not null`));
    expect(row.n).toBe(1);
    expect((await twoFactorStatus(h.db, staff)).recoveryCodesLeft).toBe(9);
  });

  test('holders without two-factor sign in with their password alone', async () => {
    expect(await checkSignIn(h.db, { email: DEMO_USERS.other.email, password: DEMO_USERS.other.password }, '192.0.2.12', { limits: NO_DELAY })).toMatchObject({
      ok: true,
      secondFactor: 'none',
    });
  });

  test('only an admin can require two-factor for every staff member; staff without it must set it up first', async () => {
    expect(await setStaffTwoFactorRequired(h.db, staff, true)).toMatchObject({ ok: false, error: expect.stringMatching(/administrator/) });
    expect(await staffTwoFactorRequired(h.db)).toBe(false);
    expect(await staffTwoFactorOverview(h.db, staff)).toEqual([]);
    expect(await mustEnrolTwoFactor(h.db, admin)).toBe(false); // not required yet

    expect(await setStaffTwoFactorRequired(h.db, admin, true)).toEqual({ ok: true });
    expect(await staffTwoFactorRequired(h.db)).toBe(true);
    const [audit] = await h.db.select().from(auditLog).where(eq(auditLog.action, 'security.staff_two_factor'));
    expect(audit).toMatchObject({ actorId: admin.userId, detail: { required: true } });
    expect(await mustEnrolTwoFactor(h.db, admin)).toBe(true); // the admin has not enrolled
    expect(await mustEnrolTwoFactor(h.db, staff)).toBe(false); // enrolled above
    expect(await mustEnrolTwoFactor(h.db, h.holder)).toBe(false); // holders are not affected
    const overview = await staffTwoFactorOverview(h.db, admin);
    expect(overview.map((s) => [s.email, !!s.enabledAt])).toEqual(
      expect.arrayContaining([
        [DEMO_USERS.staff.email, true],
        [DEMO_USERS.admin.email, false],
      ]),
    );
    const e = await startEnrolment(h.db, admin);
    expect(await confirmEnrolment(h.db, admin, currentTotp(e!.secret))).toMatchObject({ ok: true });
    expect(await mustEnrolTwoFactor(h.db, admin)).toBe(false);
  });

  test('an admin can reset the two-factor of a staff member who lost phone and codes; nobody else can', async () => {
    expect(await resetTwoFactor(h.db, staff, admin.userId)).toMatchObject({ ok: false });
    expect(await resetTwoFactor(h.db, admin, h.holder.userId)).toMatchObject({ ok: false, error: expect.stringMatching(/staff member/) });
    expect(await resetTwoFactor(h.db, admin, staff.userId)).toEqual({ ok: true });
    expect(await twoFactorStatus(h.db, staff)).toMatchObject({ enabled: false, recoveryCodesLeft: 0 });
    expect(await h.db.select().from(recoveryCodes).where(eq(recoveryCodes.userId, staff.userId))).toEqual([]);
    expect(await mustEnrolTwoFactor(h.db, staff)).toBe(true); // still required: set it up again
    const r = await checkSignIn(h.db, { email: DEMO_USERS.staff.email, password: DEMO_USERS.staff.password }, '192.0.2.13', { limits: NO_DELAY });
    expect(r).toMatchObject({ ok: true, secondFactor: 'none' });
  });
});
