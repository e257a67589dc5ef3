// When payments nobody answered are asked about, in one place for both methods (sweep.ts runs it).
import type { Queryable } from '@/db/client';
import type { Payment } from '@/db/schema';
import { reconcileSettings } from '@/lib/env';
import { enqueueJob } from '@/lib/jobs/queue';

/** The job kinds of the stuck-payment sweep (one job per pending payment). */
export const SWEEP_JOB: Record<Payment['method'], string> = { mpesa: 'mpesa.reconcile', card: 'card.reconcile' };
/** The job that asks again about a payment we closed without the gateway's final word. */
export const RECHECK_CLOSED_JOB = 'payments.recheck-closed';
/** After the payment was closed: 15 minutes, 1 hour, 6 hours, 24 hours. */
export const RECHECK_AFTER_MS = [15 * 60_000, 3600_000, 6 * 3600_000, 24 * 3600_000] as const;
export const RECHECK_WINDOW_WORDS = '24 hours';

/**
 * M-Pesa: the prompt lives about a minute, so ask after 60 s, every 30 s, give up after 15 minutes
 * (MPESA_RECONCILE_* settings). Card: a checkout can stay open a long time and sends no webhook
 * when abandoned (docs/paystack.md §5, §10), so ask every 5 minutes and give up after 30.
 */
export function sweepSettings(method: Payment['method'], env: NodeJS.ProcessEnv = process.env) {
  if (method === 'card') return { firstCheckAfterMs: 5 * 60_000, everyMs: 5 * 60_000, expireAfterMs: 30 * 60_000 };
  const s = reconcileSettings(env);
  return { firstCheckAfterMs: s.firstCheckAfter * 1000, everyMs: s.recheckEvery * 1000, expireAfterMs: s.expireAfter * 1000 };
}

/** What the holder reads on an M-Pesa payment we stopped waiting for. True: we do keep asking. */
export const MPESA_EXPIRED_MESSAGE =
  `We did not hear back from M-Pesa in time. We will keep checking with M-Pesa for the next ${RECHECK_WINDOW_WORDS}: ` +
  'if money left your account, it will be credited to your policy and we will send you a receipt. ' +
  'If no money left your account, you can try again.';
export const CARD_EXPIRED_MESSAGE = 'The card checkout was not completed.';

/** Queued in the transaction that closes the payment, so a closed payment always has its re-check. */
export async function scheduleRecheck(db: Queryable, payment: Pick<Payment, 'id'>, closedAt: Date) {
  await enqueueJob(db, {
    kind: RECHECK_CLOSED_JOB,
    key: `${RECHECK_CLOSED_JOB}:${payment.id}`,
    payload: { paymentId: payment.id, closedAt: closedAt.toISOString(), notFound: 0 },
    runAt: new Date(closedAt.getTime() + RECHECK_AFTER_MS[0]),
  });
}
