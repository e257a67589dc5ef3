// When a payment we closed is asked about again (recheck-closed.ts runs the job). Kept apart so
// the state machine's outcomes can queue it without importing the gateway code.
import type { Queryable } from '@/db/client';
import type { Payment } from '@/db/schema';
import { enqueueJob } from '@/lib/jobs/queue';

export const RECHECK_CLOSED_JOB = 'payments.recheck-closed';
/** After the payment was closed: 15 minutes, 1 hour, 6 hours, 24 hours. */
export const RECHECK_AFTER_MS = [15 * 60_000, 3600_000, 6 * 3600_000, 24 * 3600_000] as const;
export const RECHECK_WINDOW_WORDS = '24 hours';

/** Queued in the transaction that closes the payment, so a closed payment always has its re-check. */
export async function scheduleRecheck(db: Queryable, payment: Payment, closedAt: Date) {
  await enqueueJob(db, {
    kind: RECHECK_CLOSED_JOB,
    key: `${RECHECK_CLOSED_JOB}:${payment.id}`,
    payload: { paymentId: payment.id, closedAt: closedAt.toISOString(), notFound: 0 },
    runAt: new Date(closedAt.getTime() + RECHECK_AFTER_MS[0]),
  });
}
