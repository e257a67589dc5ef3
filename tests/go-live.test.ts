// A production start (real gateway credentials): no demo data, weak settings refused one line each,
// the first administrator from `npm run staff:create` and a set-password link that works once.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { count, eq } from 'drizzle-orm';
import { openDatabase, type DatabaseHandle } from '@/db/client';
import { auditLog, passwordTokens, users } from '@/db/schema';
import { DEMO_USERS, seed } from '@/db/seed';
import { peekPasswordLink, usePasswordLink } from '@/lib/auth/password-links';
import { verifyPassword } from '@/lib/auth/password';
import { prepareDatabase, refuseUnsafeSettings } from '@/lib/server/prepare-database';
import { UnsafeProductionSettings } from '@/lib/server/production-checks';
import { createStaffFromCommandLine } from '@/lib/staff/team';
import { freshDatabase } from './db';

const run = promisify(execFile);

const LIVE: NodeJS.ProcessEnv = {
  NODE_ENV: 'test',
  MPESA_CONSUMER_KEY: 'live-key',
  MPESA_CONSUMER_SECRET: 'live-secret',
  PAYSTACK_SECRET_KEY: 'sk_live_xxx',
  AUTH_SECRET: 'a'.repeat(48),
  RECEIPT_SECRET: 'r'.repeat(48),
  APP_URL: 'https://pay.example.co.ke',
};

let database: DatabaseHandle & { url?: string };
beforeAll(async () => {
  database = await freshDatabase();
});
afterAll(async () => {
  await database?.close();
});

const userCount = async (db = database.db) => (await db.select({ n: count() }).from(users))[0].n;

function refusal(env: NodeJS.ProcessEnv): string[] {
  try {
    refuseUnsafeSettings(env);
    return [];
  } catch (err) {
    expect(err).toBeInstanceOf(UnsafeProductionSettings);
    return (err as UnsafeProductionSettings).problems;
  }
}

describe('production start', () => {
  test('on an empty database creates no users (and the sandbox start seeds the demo)', async () => {
    await prepareDatabase(database.db, LIVE);
    expect(await userCount()).toBe(0);
    // Starting again is just as quiet.
    await prepareDatabase(database.db, LIVE);
    expect(await userCount()).toBe(0);

    const sandbox = await openDatabase({ memory: true });
    try {
      await prepareDatabase(sandbox.db, { NODE_ENV: 'test', AUTH_SECRET: 'x' } as NodeJS.ProcessEnv);
      // The demo accounts, plus the imported holder who has not claimed an account yet.
      expect(await userCount(sandbox.db)).toBe(Object.keys(DEMO_USERS).length + 1);
    } finally {
      await sandbox.close();
    }
  });

  test.each([
    ['no AUTH_SECRET', { AUTH_SECRET: undefined }, /^AUTH_SECRET is not set: set it to a random value of at least 32 bytes/],
    ['a short AUTH_SECRET', { AUTH_SECRET: 'x'.repeat(31) }, /^AUTH_SECRET is shorter than 32 bytes/],
    ['no RECEIPT_SECRET', { RECEIPT_SECRET: undefined }, /^RECEIPT_SECRET is not set/],
    ['an http APP_URL', { APP_URL: 'http://pay.example.co.ke' }, /^APP_URL must be the public https:\/\/ address of the app/],
    ['no APP_URL', { APP_URL: undefined }, /^APP_URL must be/],
    ['a malformed APP_URL', { APP_URL: 'pay.example.co.ke' }, /^APP_URL must be/],
  ])('refuses %s with one line saying what to set', (_name, change, message) => {
    const problems = refusal({ ...LIVE, ...change });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(message);
    expect(problems[0]).not.toContain('\n');
  });

  test('each weak setting is its own line; a sound environment passes; the sandbox is never refused', () => {
    expect(refusal({ ...LIVE, AUTH_SECRET: 'short', APP_URL: 'http://x' })).toHaveLength(2);
    expect(refusal(LIVE)).toEqual([]);
    expect(refusal({ NODE_ENV: 'test', APP_URL: 'http://localhost:3000' } as NodeJS.ProcessEnv)).toEqual([]);
    // Only one real gateway configured is production too.
    expect(refusal({ NODE_ENV: 'test', PAYSTACK_SECRET_KEY: 'sk_live_x' } as NodeJS.ProcessEnv).length).toBeGreaterThan(0);
  });

  test('refuses a database that holds a demo account, naming it', async () => {
    const withDemo = await openDatabase({ memory: true });
    try {
      await seed(withDemo.db);
      const err = await prepareDatabase(withDemo.db, LIVE).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(UnsafeProductionSettings);
      const problems = (err as UnsafeProductionSettings).problems;
      expect(problems).toHaveLength(Object.keys(DEMO_USERS).length);
      expect(problems[0]).toMatch(/^Demo account \S+@\S+ exists in this database: its password is public\. Delete it/);
    } finally {
      await withDemo.close();
    }
  });
});

describe('first administrator', () => {
  test('npm run staff:create prints a link that sets the password once, and only once', async () => {
    // The real command, against a database of its own (a PostgreSQL database, or a PGlite directory).
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'malipo-staff-create-'));
    const target = database.url ? { DATABASE_URL: database.url } : { PGLITE_DIR: dir, DATABASE_URL: '' };
    const env = { ...process.env, ...LIVE, ...target };
    const args = ['tsx', 'scripts/staff-create.ts', '--email', 'Amina@Insurer.co.ke', '--name', 'Amina Wanjiru', '--role', 'admin'];
    const { stdout } = await run('npx', args, { env, cwd: process.cwd() });
    expect(stdout).toContain('Created amina@insurer.co.ke (admin)');
    const link = /Set-password link \(send it to them; it works once\): (\S+)/.exec(stdout)![1];
    expect(link).toMatch(/^https:\/\/pay\.example\.co\.ke\/set-password\/[A-Za-z0-9_-]{43}$/);
    const token = link.split('/').pop()!;
    // The same email twice is refused, and changes nothing.
    await expect(run('npx', args, { env, cwd: process.cwd() })).rejects.toMatchObject({ stderr: expect.stringContaining('An account with this email already exists.') });

    const handle = database.url ? database : await openDatabase({ dataDir: dir });
    try {
      const [admin] = await handle.db.select().from(users).where(eq(users.email, 'amina@insurer.co.ke'));
      expect(admin).toMatchObject({ role: 'admin', name: 'Amina Wanjiru', passwordHash: '!' });
      expect(await userCount(handle.db)).toBe(1);
      // Only a hash of the token is stored.
      const [stored] = await handle.db.select().from(passwordTokens).where(eq(passwordTokens.userId, admin.id));
      expect(stored.tokenHash).not.toContain(token);
      expect(stored.expiresAt.getTime() - stored.createdAt.getTime()).toBe(48 * 3600_000);

      expect(await peekPasswordLink(handle.db, token)).toMatchObject({ email: 'amina@insurer.co.ke' });
      expect(await usePasswordLink(handle.db, token, { password: 'short', confirm: 'short' })).toMatchObject({ ok: false, code: 'invalid' });
      expect(await usePasswordLink(handle.db, token, { password: 'a long enough pass', confirm: 'another one entirely' })).toMatchObject({ ok: false, error: 'The two passwords do not match.' });
      // Two submissions at once: exactly one sets the password.
      const both = await Promise.all([
        usePasswordLink(handle.db, token, { password: 'correct horse battery', confirm: 'correct horse battery' }),
        usePasswordLink(handle.db, token, { password: 'someone else entirely', confirm: 'someone else entirely' }),
      ]);
      expect(both.filter((r) => r.ok)).toHaveLength(1);
      const [after] = await handle.db.select().from(users).where(eq(users.id, admin.id));
      const winner = both[0].ok ? 'correct horse battery' : 'someone else entirely';
      expect(await verifyPassword(winner, after.passwordHash!)).toBe(true);
      // Used: the link is dead.
      expect(await peekPasswordLink(handle.db, token)).toBeNull();
      expect(await usePasswordLink(handle.db, token, { password: 'a third password!', confirm: 'a third password!' })).toMatchObject({ ok: false, code: 'expired' });
      expect(await verifyPassword(winner, (await handle.db.select().from(users).where(eq(users.id, admin.id)))[0].passwordHash!)).toBe(true);
    } finally {
      if (!database.url) await handle.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);

  test('a link expires after 48 hours', async () => {
    const made = await createStaffFromCommandLine(database.db, { email: 'late@insurer.co.ke', name: 'Late Comer', role: 'finance' }, 'https://pay.example.co.ke');
    if (!made.ok) throw new Error('not created');
    const token = made.link!.split('/').pop()!;
    const later = new Date(Date.now() + 48 * 3600_000 + 1000);
    expect(await peekPasswordLink(database.db, token, later)).toBeNull();
    expect(await usePasswordLink(database.db, token, { password: 'too late for this', confirm: 'too late for this' }, later)).toMatchObject({ ok: false, code: 'expired' });
    // Bad input changes nothing.
    expect(await createStaffFromCommandLine(database.db, { email: 'not-an-email', name: 'X Y', role: 'admin' })).toMatchObject({ ok: false, code: 'invalid' });
    expect(await createStaffFromCommandLine(database.db, { email: 'a@b.co', name: 'X Y', role: 'superuser' as 'admin' })).toMatchObject({ ok: false, code: 'invalid' });
    expect(await database.db.select().from(users).where(eq(users.email, 'a@b.co'))).toEqual([]);
    expect(await database.db.select().from(auditLog)).toEqual([]);
  });
});
