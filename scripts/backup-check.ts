// Backups proven: takes a logical backup of a PostgreSQL database (pg_dump, custom format),
// restores it into a new database (pg_restore), and checks the restored books equal the source:
// every policy's balance (the app's own policyBalance), the sum and count of every ledger account,
// payments by method and status, gateway events by source/kind/outcome, row counts of every table,
// the applied migrations, and that the restored ledger still refuses UPDATE (its trigger came back).
//   usage: DATABASE_URL=postgres://… tsx scripts/backup-check.ts [--populate] [--keep]
// --populate: if the source has no payments yet, first books a few (M-Pesa paid/cancelled, card paid)
// through the app's own callback and webhook handlers, so the check has something to compare.
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { openDatabase, rowsOf, type Db } from '@/db/client';
import { policies } from '@/db/schema';
import { policyBalance } from '@/lib/payments/core/ledger';

const args = new Set(process.argv.slice(2));
const sourceUrl = process.env.DATABASE_URL;

async function main() {
  if (!sourceUrl?.startsWith('postgres')) throw new Error('DATABASE_URL must name the PostgreSQL database to back up');
  const started = Date.now();
  const source = await openDatabase({ url: sourceUrl, max: 2 });
  if (args.has('--populate')) await populateIfEmpty(source.db);

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'malipo-backup-'));
  const dump = path.join(dir, 'malipo.dump');
  const target = new URL(sourceUrl);
  const targetName = `${target.pathname.slice(1)}_restore_${crypto.randomBytes(3).toString('hex')}`.slice(0, 63);
  target.pathname = `/${targetName}`;
  const admin = new URL(sourceUrl);
  admin.pathname = '/postgres';
  try {
    // 1. Back up: custom format (compressed, restorable table by table, parallel restore possible).
    execFileSync('pg_dump', ['--format=custom', '--no-owner', '--file', dump, '--dbname', sourceUrl], { stdio: 'inherit' });
    const size = fs.statSync(dump).size;
    // 2. Restore into a new database.
    execFileSync('psql', ['-v', 'ON_ERROR_STOP=1', '-q', '-d', admin.toString(), '-c', `create database ${targetName}`], { stdio: 'inherit' });
    execFileSync('pg_restore', ['--no-owner', '--exit-on-error', '--dbname', target.toString(), dump], { stdio: 'inherit' });
    // 3. Compare.
    const restored = await openDatabase({ url: target.toString(), max: 2 });
    try {
      const [a, b] = [await books(source.db), await books(restored.db)];
      let failures = 0;
      for (const key of Object.keys(a) as (keyof typeof a)[]) {
        const same = JSON.stringify(a[key]) === JSON.stringify(b[key]);
        if (!same) failures++;
        console.log(`${same ? 'same' : 'DIFFERENT'}  ${key}: ${summary(a[key])}${same ? '' : ` vs restored ${summary(b[key])}`}`);
      }
      const appendOnly = await restored.db.execute(sql`update ledger_entries set memo = memo where id = (select min(id) from ledger_entries)`).then(
        () => false,
        () => true,
      );
      console.log(`${appendOnly ? 'same' : 'DIFFERENT'}  ledger append-only trigger: ${appendOnly ? 'refuses UPDATE' : 'UPDATE was allowed'}`);
      if (!appendOnly) failures++;
      if (a.payments.length === 0 || a.ledgerAccounts.length === 0) throw new Error('the source holds no payments or ledger lines: nothing was proven (use --populate)');
      if (failures) throw new Error(`${failures} difference(s) between the source and its restored backup`);
      console.log(`backup check passed: ${(size / 1024).toFixed(0)} KiB dump restored into ${targetName} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    } finally {
      await restored.close();
    }
  } finally {
    await source.close();
    if (!args.has('--keep')) {
      execFileSync('psql', ['-q', '-d', admin.toString(), '-c', `drop database if exists ${targetName} with (force)`], { stdio: 'inherit' });
    }
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Everything that must survive a backup, in a stable order. */
async function books(db: Db) {
  const q = async <T extends Record<string, unknown>>(query: ReturnType<typeof sql>) => rowsOf<T>(await db.execute(query)).map((r) => normalise(r));
  const policyIds = await db.select({ id: policies.id }).from(policies).orderBy(policies.id);
  const balances: [string, number][] = [];
  for (const { id } of policyIds) balances.push([id, await policyBalance(db, id)]);
  const tables = await q<{ table_name: string }>(sql`select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' order by 1`);
  const rowCounts: [string, number][] = [];
  for (const t of tables) {
    const [row] = await q<{ n: number }>(sql`select count(*) as n from ${sql.identifier(String(t.table_name))}`);
    rowCounts.push([String(t.table_name), Number(row.n)]);
  }
  return {
    policyBalances: balances,
    ledgerAccounts: await q(sql`select account, kind, count(*) as n, sum(amount_minor) as total from ledger_entries group by 1, 2 order by 1, 2`),
    ledgerChecksum: await q(sql`select md5(string_agg(id::text || ':' || amount_minor || ':' || coalesce(payment_id::text, ''), ',' order by id)) as md5 from ledger_entries`),
    payments: await q(sql`select method, status, count(*) as n, sum(amount_minor) as total from payments group by 1, 2 order by 1, 2`),
    gatewayEvents: await q(sql`select source, kind, coalesce(outcome, '') as outcome, count(*) as n, md5(string_agg(dedupe_key, ',' order by id)) as keys from gateway_events group by 1, 2, 3 order by 1, 2, 3`),
    migrations: await q(sql`select count(*) as n, max(created_at) as newest from drizzle.__drizzle_migrations`),
    rowCounts,
  };
}

const normalise = (r: Record<string, unknown>) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'bigint' || /^-?\d+$/.test(String(v)) ? Number(v) : v]));
const summary = (v: unknown) => (Array.isArray(v) ? `${v.length} row(s)` : JSON.stringify(v));

/** Books a handful of payments through the real handlers if the database has none. */
async function populateIfEmpty(db: Db) {
  const [{ n }] = rowsOf<{ n: unknown }>(await db.execute(sql`select count(*) as n from payments`));
  if (Number(n) > 0) return;
  process.env.AUTH_SECRET ||= crypto.randomBytes(24).toString('base64url');
  const { seedIfEmpty } = await import('@/db/seed');
  const { pendingPayments, paystackSuccessBody, stkSuccessBody } = await import('@/faults/fixtures');
  const { callbackToken } = await import('@/lib/payments/mpesa/callback-token');
  const { handleStkCallback } = await import('@/lib/payments/pay-by-mpesa');
  const { applyQueuedGatewayMessages, handlePaystackWebhook } = await import('@/lib/webhooks/paystack');
  const { paystackConfigFromEnv } = await import('@/lib/gateways/paystack/config');
  const { signPaystackBody } = await import('@/lib/gateways/paystack/signature');
  await seedIfEmpty(db);
  const mpesa = await pendingPayments(db, 6, 'mpesa');
  for (const [i, p] of mpesa.entries()) {
    const body = i < 4 ? stkSuccessBody(p, `BKP${p.id.replace(/-/g, '').slice(0, 7).toUpperCase()}`) : cancelledBody(p);
    await handleStkCallback(db, { paymentId: p.id, token: callbackToken(p.id), rawBody: body });
  }
  const secretKey = paystackConfigFromEnv(process.env, 'http://localhost').secretKey;
  for (const p of await pendingPayments(db, 3, 'card')) {
    const body = paystackSuccessBody(p);
    await handlePaystackWebhook(db, { secretKey, rawBody: body, signature: signPaystackBody(body, secretKey) });
  }
  await applyQueuedGatewayMessages(db);
  console.log('populated: 6 M-Pesa payments (4 paid, 2 cancelled), 3 card payments (paid)');
}

function cancelledBody(p: { merchantRequestId: string; checkoutRequestId: string }) {
  return JSON.stringify({ Body: { stkCallback: { MerchantRequestID: p.merchantRequestId, CheckoutRequestID: p.checkoutRequestId, ResultCode: 1032, ResultDesc: 'Request cancelled by user' } } });
}

main().catch((err) => {
  console.error(`backup check FAILED: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
