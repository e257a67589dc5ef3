// The sandbox's background work, registered by the job worker only in sandbox mode. A real phone's
// prompt closes after about a minute and Daraja then calls back with 1037 (docs/daraja.md §6.2):
// a recurring job does the same for prompts nobody answered on the simulated phone.
import type { Queryable } from '@/db/client';
import { enqueueJob } from '@/lib/jobs/queue';
import type { JobHandler } from '@/lib/jobs/worker';
import { expireUnansweredPrompts } from './daraja/phone';

export const SANDBOX_PROMPT_SWEEP = 'sandbox.daraja.expire-prompts';

export const sandboxJobHandlers: Record<string, JobHandler> = {
  [SANDBOX_PROMPT_SWEEP]: async (db) => {
    await expireUnansweredPrompts(db, 60);
    return { done: false, retryAt: new Date(Date.now() + 10_000) };
  },
};

/** Keyed, so however many instances start, the recurring job exists once. */
export async function scheduleSandboxJobs(db: Queryable) {
  await enqueueJob(db, { kind: SANDBOX_PROMPT_SWEEP, key: SANDBOX_PROMPT_SWEEP });
}
