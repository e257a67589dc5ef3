// A fresh database for one test file: PGlite in memory, or (DATABASE_URL set) a new database
// created on that PostgreSQL server and dropped afterwards.
import crypto from 'node:crypto';
import { openDatabase, type DatabaseHandle } from '@/db/client';

export async function freshDatabase(): Promise<DatabaseHandle & { url?: string }> {
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) return openDatabase({ memory: true });
  const { default: postgres } = await import('postgres');
  const name = `malipo_test_${crypto.randomBytes(6).toString('hex')}`;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const handle = await openDatabase({ url: url.toString(), max: 20 });
  return {
    ...handle,
    url: url.toString(),
    async close() {
      await handle.close();
      const a = postgres(serverUrl, { max: 1, onnotice: () => {} });
      await a.unsafe(`drop database if exists ${name} with (force)`);
      await a.end();
    },
  };
}
