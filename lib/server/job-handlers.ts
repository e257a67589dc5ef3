// Every kind of background job this app runs, and what runs it.
import type { JobHandler } from '@/lib/jobs/worker';
import { reconcileCardPayment } from '@/lib/payments/card-reconcile';
import { CARD_RECONCILE_JOB } from '@/lib/payments/initiate-card';
import { RECONCILE_JOB } from '@/lib/payments/initiate-mpesa';
import { paystackGateway } from '@/lib/payments/paystack-gateway';
import { mpesaGateway } from '@/lib/payments/mpesa-gateway';
import { reconcileMpesaPayment, reconcilePaymentIdOf } from '@/lib/payments/reconcile';
import { expireUnansweredPrompts } from '@/lib/sandbox/daraja/phone';
import { notificationJobHandlers } from '@/lib/notifications/jobs';

export const SANDBOX_PROMPT_SWEEP = 'sandbox.daraja.expire-prompts';

export function jobHandlers(): Record<string, JobHandler> {
  return {
    ...notificationJobHandlers,
    [RECONCILE_JOB]: (db, job) => reconcileMpesaPayment(db, mpesaGateway(db).daraja, reconcilePaymentIdOf(job)),
    [CARD_RECONCILE_JOB]: (db, job) => reconcileCardPayment(db, paystackGateway().paystack, reconcilePaymentIdOf(job)),
    [SANDBOX_PROMPT_SWEEP]: async (db) => {
      await expireUnansweredPrompts(db, 60);
      return { done: false, retryAt: new Date(Date.now() + 10_000) };
    },
  };
}
