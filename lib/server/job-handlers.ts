// Every kind of background job this app runs, and what runs it.
import type { JobHandler } from '@/lib/jobs/worker';
import { reconcileCardPayment } from '@/lib/payments/card-reconcile';
import { CARD_RECONCILE_JOB } from '@/lib/payments/initiate-card';
import { RECONCILE_JOB } from '@/lib/payments/initiate-mpesa';
import { paystackGateway } from '@/lib/payments/paystack-gateway';
import { mpesaGateway } from '@/lib/payments/mpesa-gateway';
import { reconcileMpesaPayment, reconcilePaymentIdOf } from '@/lib/payments/reconcile';
import { recheckClosedPayment } from '@/lib/payments/recheck-closed';
import { RECHECK_CLOSED_JOB } from '@/lib/payments/recheck-schedule';
import { stkCallbackJobHandlers } from '@/lib/payments/stk-callback';
import { expireUnansweredPrompts } from '@/lib/sandbox/daraja/phone';
import { notificationJobHandlers } from '@/lib/notifications/jobs';
import { smsJobHandlers } from '@/lib/sms/jobs';
import { mailerFromEnv } from '@/lib/notifications/mailer';
import { CALLBACK_SILENCE_JOB, callbackSilenceJobHandler } from '@/lib/alarms/callback-silence';
import { appOrigin } from '@/lib/env';
import { pruneLimits } from '@/lib/rate-limit';
import { OVERVIEW_REFRESH_MS, REFRESH_OVERVIEW_JOB, refreshStaffOverview } from '@/lib/staff/overview';

export const SANDBOX_PROMPT_SWEEP = 'sandbox.daraja.expire-prompts';
export const PRUNE_LIMITS_JOB = 'maintenance.prune-rate-limits';

export function jobHandlers(): Record<string, JobHandler> {
  return {
    ...notificationJobHandlers,
    ...smsJobHandlers, // issue 16: codes, SMS, SMS reminders
    ...stkCallbackJobHandlers,
    [RECONCILE_JOB]: (db, job) => reconcileMpesaPayment(db, mpesaGateway(db).daraja, reconcilePaymentIdOf(job)),
    [CARD_RECONCILE_JOB]: (db, job) => reconcileCardPayment(db, paystackGateway().paystack, reconcilePaymentIdOf(job)),
    [RECHECK_CLOSED_JOB]: (db, job) =>
      recheckClosedPayment(db, { daraja: mpesaGateway(db).daraja, paystack: paystackGateway().paystack }, job.payload),
    [CALLBACK_SILENCE_JOB]: callbackSilenceJobHandler({ mailer: () => mailerFromEnv(), origin: () => appOrigin() }),
    [PRUNE_LIMITS_JOB]: async (db) => {
      await pruneLimits(db, new Date(Date.now() - 24 * 3600_000));
      return { done: false, retryAt: new Date(Date.now() + 3600_000) };
    },
    [REFRESH_OVERVIEW_JOB]: async (db) => {
      await refreshStaffOverview(db);
      return { done: false, retryAt: new Date(Date.now() + OVERVIEW_REFRESH_MS) };
    },
    [SANDBOX_PROMPT_SWEEP]: async (db) => {
      await expireUnansweredPrompts(db, 60);
      return { done: false, retryAt: new Date(Date.now() + 10_000) };
    },
  };
}
