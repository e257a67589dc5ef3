import { defineConfig } from 'drizzle-kit';

// One config for both drivers: postgres.js when DATABASE_URL is set, else the embedded PGlite
// directory. Never point drizzle-kit at a PGlite directory a running app has open.
const url = process.env.DATABASE_URL;

export default defineConfig({
  dialect: 'postgresql',
  schema: ['./db/schema.ts', './db/sandbox-schema.ts', './db/reconciliation-schema.ts', './db/integration-schema.ts', './db/paybill-schema.ts'],
  out: './db/migrations',
  ...(url ? { dbCredentials: { url } } : { driver: 'pglite', dbCredentials: { url: './.data/pglite' } }),
});
