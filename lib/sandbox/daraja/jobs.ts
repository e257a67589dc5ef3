// Sandbox Daraja background work, for the job worker to register. A real phone's prompt closes
// after about a minute and Daraja then calls back with 1037 (docs/daraja.md §6.5, §8).
import type { Queryable } from '@/db/client';
import { expireUnansweredPrompts } from './phone';

export const sandboxDarajaJobs: Record<string, (db: Queryable) => Promise<void>> = {
  'sandbox.daraja.expire-prompts': async (db) => {
    await expireUnansweredPrompts(db);
  },
};
