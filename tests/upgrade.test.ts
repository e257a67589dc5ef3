// Upgrading a database made before issue 11: its 'staff' user becomes finance, and receipts
// already issued keep the numbers printed on them (derived then from AUTH_SECRET, stored now).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { MIGRATIONS_FOLDER, rowsOf, type Db } from '@/db/client';
import * as schema from '@/db/schema';
import { DEMO_USERS } from '@/db/seed';
import { prepareDatabase } from '@/lib/server/prepare-database';
import { legacyReceiptNumber } from '@/lib/receipts/receipt-number';
import { verifyReceipt } from '@/lib/receipts/data';

const BEFORE_ISSUE_11 = 10; // migrations 0000-0009
let dir: string;
let close: () => Promise<void>;
let db: Db;
let migrate: (folder: string) => Promise<void>;

/** Just the migrations that existed before this issue, as drizzle reads them. */
function oldMigrations(): string {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'malipo-old-migrations-'));
  fs.mkdirSync(path.join(folder, 'meta'));
  const journal = JSON.parse(fs.readFileSync(path.join(MIGRATIONS_FOLDER, 'meta', '_journal.json'), 'utf8'));
  journal.entries = journal.entries.filter((e: { idx: number }) => e.idx < BEFORE_ISSUE_11);
  fs.writeFileSync(path.join(folder, 'meta', '_journal.json'), JSON.stringify(journal));
  for (const e of journal.entries as { tag: string }[]) fs.copyFileSync(path.join(MIGRATIONS_FOLDER, `${e.tag}.sql`), path.join(folder, `${e.tag}.sql`));
  return folder;
}

beforeAll(async () => {
  dir = oldMigrations();
  const url = process.env.DATABASE_URL;
  if (url) {
    const { default: postgres } = await import('postgres');
    const { drizzle } = await import('drizzle-orm/postgres-js');
    const { migrate: pgMigrate } = await import('drizzle-orm/postgres-js/migrator');
    const name = `malipo_upgrade_${Date.now().toString(36)}`;
    const admin = postgres(url, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database ${name}`);
    await admin.end();
    const u = new URL(url);
    u.pathname = `/${name}`;
    const client = postgres(u.toString(), { max: 5, onnotice: () => {} });
    db = drizzle(client, { schema });
    migrate = (folder) => pgMigrate(db, { migrationsFolder: folder });
    close = async () => {
      await client.end();
      const a = postgres(url, { max: 1, onnotice: () => {} });
      await a.unsafe(`drop database if exists ${name} with (force)`);
      await a.end();
    };
  } else {
    const { PGlite } = await import('@electric-sql/pglite');
    const { drizzle } = await import('drizzle-orm/pglite');
    const { migrate: pgliteMigrate } = await import('drizzle-orm/pglite/migrator');
    const pg = await PGlite.create();
    const pdb = drizzle(pg, { schema });
    db = pdb as unknown as Db;
    migrate = (folder) => pgliteMigrate(pdb, { migrationsFolder: folder });
    close = () => pg.close();
  }
});
afterAll(async () => {
  await close?.();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

test('the old staff account becomes finance and old receipts keep their numbers', async () => {
  await migrate(dir);
  const secret = process.env.AUTH_SECRET || 'integration-test-secret';
  // What an old deployment held: a staff user, a holder, a policy, a completed payment.
  await db.execute(sql`insert into users (email, name, role, password_hash) values ('old.staff@insurer.test', 'Old Staff', 'staff', 'x'), ('holder@insurer.test', 'Holder', 'policyholder', 'x')`);
  const [holder] = rowsOf<{ id: string }>(await db.execute(sql`select id from users where email = 'holder@insurer.test'`));
  const [policy] = rowsOf<{ id: string }>(await db.execute(sql`insert into policies (number, product, holder_id, premium_minor) values ('MLP-OLD-000001', 'Motor', ${holder.id}, 100000) returning id`));
  await db.execute(sql`insert into payments (reference, user_id, policy_id, method, amount_minor, status, completed_at) values ('MLP-OLDPAID1', ${holder.id}, ${policy.id}, 'mpesa', 50000, 'completed', now())`);

  // Upgrade, then start as the app does.
  await migrate(MIGRATIONS_FOLDER);
  await prepareDatabase(db, { NODE_ENV: 'test', AUTH_SECRET: secret } as NodeJS.ProcessEnv);

  const [staff] = await db.select().from(schema.users).where(eq(schema.users.email, 'old.staff@insurer.test'));
  expect(staff.role).toBe('finance');
  await expect(db.execute(sql`update users set role = 'staff' where id = ${staff.id}`)).rejects.toThrow();
  const [paid] = await db.select().from(schema.payments).where(eq(schema.payments.reference, 'MLP-OLDPAID1'));
  expect(paid.receiptNo).toBe(legacyReceiptNumber('MLP-OLDPAID1', secret));
  expect(await verifyReceipt(db, paid.receiptNo!)).toMatchObject({ receiptNo: paid.receiptNo, amountMinor: 50000 });
  // The sandbox start seeded nothing: the database already had users.
  expect(await db.select().from(schema.users).where(eq(schema.users.email, DEMO_USERS.admin.email))).toEqual([]);
});
