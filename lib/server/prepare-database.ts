// What every process does once its database is open (db/client.ts getDatabase). In production
// (real gateway credentials) weak settings and demo accounts refuse the start and nothing is seeded;
// in the sandbox an empty database gets the demo accounts.
import type { Db } from '@/db/client';
import { seedIfEmpty } from '@/db/seed';
import { liveMode } from '@/lib/env';
import { backfillReceiptNumbers } from '@/lib/receipts/backfill';
import { demoAccountProblems, settingsProblems, UnsafeProductionSettings } from './production-checks';

export function refuseUnsafeSettings(env: NodeJS.ProcessEnv) {
  if (!liveMode(env)) return;
  const problems = settingsProblems(env);
  if (problems.length) throw new UnsafeProductionSettings(problems);
}

export async function prepareDatabase(db: Db, env: NodeJS.ProcessEnv) {
  refuseUnsafeSettings(env);
  // Before any request can show a receipt: numbers issued before they were stored keep their value.
  await backfillReceiptNumbers(db, env);
  if (liveMode(env)) {
    const problems = await demoAccountProblems(db);
    if (problems.length) throw new UnsafeProductionSettings(problems);
    return;
  }
  await seedIfEmpty(db);
}
