// The one way to reach the database. DATABASE_URL set: postgres.js against that server.
// Unset: embedded PGlite under .data/ so a newcomer needs nothing installed.
import path from 'node:path';
import fs from 'node:fs';
import { sql } from 'drizzle-orm';
import type { PostgresJsDatabase } from 'drizzle-orm/postgres-js';
import type { ExtractTablesWithRelations } from 'drizzle-orm';
import type { PgTransaction } from 'drizzle-orm/pg-core';
import type { PostgresJsQueryResultHKT } from 'drizzle-orm/postgres-js';
import * as schema from './schema';

export type Db = PostgresJsDatabase<typeof schema>;
export type Tx = PgTransaction<PostgresJsQueryResultHKT, typeof schema, ExtractTablesWithRelations<typeof schema>>;
/** Anything that can run a query: the database or an open transaction. */
export type Queryable = Db | Tx;

export type Listener = (payload: string) => void;

export interface DatabaseHandle {
  kind: 'pglite' | 'postgres';
  db: Db;
  /** LISTEN on a channel; NOTIFY from any instance reaches every listener. */
  listen(channel: string, fn: Listener): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

export const MIGRATIONS_FOLDER = path.join(process.cwd(), 'db', 'migrations');

export type OpenOptions = { url?: string; dataDir?: string; memory?: boolean; max?: number };

export async function openDatabase(opts: OpenOptions): Promise<DatabaseHandle> {
  if (opts.url) return openPostgres(opts.url, opts.max);
  return openPglite(opts.memory ? undefined : (opts.dataDir ?? defaultDataDir()));
}

export function defaultDataDir() {
  return process.env.PGLITE_DIR || path.join(process.cwd(), '.data', 'pglite');
}

async function openPostgres(url: string, max = 10): Promise<DatabaseHandle> {
  const { default: postgres } = await import('postgres');
  const { drizzle } = await import('drizzle-orm/postgres-js');
  const { migrate } = await import('drizzle-orm/postgres-js/migrator');
  const client = postgres(url, { max, onnotice: () => {}, idle_timeout: 60, connect_timeout: 10 });
  const db = drizzle(client, { schema });
  // Several instances may start together: one migrates while the others wait on the lock.
  // max: 1 keeps the lock, the migration and the unlock on one connection.
  const migrator = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await migrator`select pg_advisory_lock(72007001)`;
    await migrate(drizzle(migrator, { schema }), { migrationsFolder: MIGRATIONS_FOLDER });
  } finally {
    await migrator.end({ timeout: 5 });
  }
  return {
    kind: 'postgres',
    db,
    async listen(channel, fn) {
      const sub = await client.listen(channel, fn);
      return () => sub.unlisten();
    },
    close: () => client.end({ timeout: 5 }),
  };
}

async function openPglite(dataDir: string | undefined): Promise<DatabaseHandle> {
  const { PGlite } = await import('@electric-sql/pglite');
  const { drizzle } = await import('drizzle-orm/pglite');
  const { migrate } = await import('drizzle-orm/pglite/migrator');
  if (dataDir) fs.mkdirSync(dataDir, { recursive: true });
  const pg = await PGlite.create(dataDir ? { dataDir } : {});
  const pgliteDb = drizzle(pg, { schema });
  await migrate(pgliteDb, { migrationsFolder: MIGRATIONS_FOLDER });
  // Same query builder and semantics; only the driver type differs.
  const db = pgliteDb as unknown as Db;
  return {
    kind: 'pglite',
    db,
    async listen(channel, fn) {
      const unsub = await pg.listen(channel, fn);
      return () => unsub();
    },
    close: () => pg.close(),
  };
}

// One handle per process, shared across Next's separately bundled server chunks (route handlers,
// server actions, instrumentation): two PGlite instances on one directory would corrupt it.
const KEY = Symbol.for('malipo.database');
type GlobalWithDb = typeof globalThis & { [KEY]?: Promise<DatabaseHandle> };

export function getDatabase(): Promise<DatabaseHandle> {
  const g = globalThis as GlobalWithDb;
  if (!g[KEY]) {
    g[KEY] = (async () => {
      const { refuseUnsafeSettings, prepareDatabase } = await import('@/lib/server/prepare-database');
      refuseUnsafeSettings(process.env); // before anything touches the database
      const handle = await openDatabase({ url: process.env.DATABASE_URL || undefined });
      try {
        await prepareDatabase(handle.db, process.env);
      } catch (err) {
        await handle.close().catch(() => {});
        throw err;
      }
      return handle;
    })();
    g[KEY].catch(() => {
      delete g[KEY];
    });
  }
  return g[KEY];
}

export async function getDb(): Promise<Db> {
  return (await getDatabase()).db;
}

export async function ping(db: Queryable) {
  await db.execute(sql`select 1`);
}

/** Rows of a db.execute() result, whichever driver answered (postgres.js: array; PGlite: {rows}). */
export function rowsOf<T>(result: unknown): T[] {
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}
