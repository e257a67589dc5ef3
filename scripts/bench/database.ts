// The benchmark's own database: created fresh on the PostgreSQL server, migrated by the app's own
// migrator, dropped at the end. The benchmark talks to it through postgres.js (bulk SQL, the
// database floor) and through Drizzle (the app's query functions).
import crypto from 'node:crypto';
import postgres from 'postgres';
import { drizzle } from 'drizzle-orm/postgres-js';
import { openDatabase, type Db } from '@/db/client';
import * as schema from '@/db/schema';

export type Sql = postgres.Sql;

export type BenchDatabase = {
  name: string;
  url: string;
  sql: Sql;
  db: Db;
  drop(): Promise<void>;
};

export async function createBenchDatabase(serverUrl: string): Promise<BenchDatabase> {
  const name = `malipo_bench_${crypto.randomBytes(5).toString('hex')}`;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`create database ${name}`);
  } finally {
    await admin.end({ timeout: 5 });
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  try {
    // The app's own start-up path applies the committed migrations.
    const migrated = await openDatabase({ url: url.toString(), max: 1 });
    await migrated.close();
  } catch (err) {
    const a = postgres(serverUrl, { max: 1, onnotice: () => {} });
    await a.unsafe(`drop database if exists ${name} with (force)`).catch(() => {});
    await a.end({ timeout: 5 });
    throw err;
  }
  // Seeding, checks and the query part run one statement at a time; the database floor opens its own pool.
  const sql = postgres(url.toString(), { max: 4, onnotice: () => {}, idle_timeout: 30, connect_timeout: 10 });
  let dropped = false;
  return {
    name,
    url: url.toString(),
    sql,
    db: drizzle(sql, { schema }),
    async drop() {
      if (dropped) return;
      dropped = true;
      await sql.end({ timeout: 5 }).catch(() => {});
      const a = postgres(serverUrl, { max: 1, onnotice: () => {} });
      await a.unsafe(`drop database if exists ${name} with (force)`).catch(() => {});
      await a.end({ timeout: 5 });
    },
  };
}

export async function serverVersion(sql: Sql): Promise<string> {
  const [row] = await sql<{ v: string }[]>`select current_setting('server_version') as v`;
  return row.v;
}
