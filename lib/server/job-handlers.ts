// Every kind of background job this app runs, and what runs it.
import type { JobHandler } from '@/lib/jobs/worker';
import { CALLBACK_SILENCE_JOB, callbackSilenceJobHandler } from '@/lib/alarms/callback-silence';
import { appOrigin, darajaSandboxEnabled } from '@/lib/env';
import { BOOK_IMPORT_JOB, runImportJob } from '@/lib/book/imports';
import { notificationJobHandlers } from '@/lib/notifications/jobs';
import { smsJobHandlers } from '@/lib/sms/jobs';
import { mailerFromEnv } from '@/lib/notifications/mailer';
import { RECHECK_CLOSED_JOB, SWEEP_JOB } from '@/lib/payments/core/schedule';
import { recheckClosedPayment, sweepPayment } from '@/lib/payments/core/sweep';
import { gatewayChecks, paystackGateway } from '@/lib/payments/gateways';
import { reconJobHandlers } from '@/lib/reconciliation/jobs';
import { stkCallbackJobHandlers } from '@/lib/payments/pay-by-mpesa';
import { paybillJobHandlers } from '@/lib/paybill/confirmation';
import { pruneLimits } from '@/lib/rate-limit';
import { pruneSignInFailures } from '@/lib/auth/signin-guard';
import { OVERVIEW_REFRESH_MS, REFRESH_OVERVIEW_JOB, refreshStaffOverview } from '@/lib/staff/overview';
import { paystackWebhookJobHandlers } from '@/lib/webhooks/paystack';
import { CHANGES_STAMP_EVERY_MS, CHANGES_STAMP_JOB, stampChanges } from '@/lib/integration/changes';
import { webhookJobHandlers } from '@/lib/integration/delivery';
import { pruneIdempotencyKeys } from '@/lib/integration/idempotency';

export const PRUNE_LIMITS_JOB = 'maintenance.prune-rate-limits';

const paymentIdOf = (payload: unknown) => String((payload as { paymentId?: unknown }).paymentId ?? '');

export async function jobHandlers(env: NodeJS.ProcessEnv = process.env): Promise<Record<string, JobHandler>> {
  const sweep: JobHandler = (db, job) => sweepPayment(db, gatewayChecks(db), paymentIdOf(job.payload));
  return {
    ...notificationJobHandlers,
    ...smsJobHandlers, // issue 16: codes, SMS, SMS reminders
    ...stkCallbackJobHandlers,
    ...paystackWebhookJobHandlers,
    ...paybillJobHandlers, // issue 17: Paybill (C2B) confirmations
    [SWEEP_JOB.mpesa]: sweep,
    [SWEEP_JOB.card]: sweep,
    [RECHECK_CLOSED_JOB]: (db, job) => recheckClosedPayment(db, gatewayChecks(db), job.payload),
    [CALLBACK_SILENCE_JOB]: callbackSilenceJobHandler({ mailer: () => mailerFromEnv(), origin: () => appOrigin() }),
    [BOOK_IMPORT_JOB]: (db, job) => runImportJob(db, job),
    // issue 19: daily cash reconciliation (Paystack settlements, the morning report to finance)
    ...reconJobHandlers({ paystack: () => paystackGateway(env).paystack, origin: () => appOrigin(env) }),
    [PRUNE_LIMITS_JOB]: async (db) => {
      await pruneLimits(db, new Date(Date.now() - 24 * 3600_000));
      await pruneSignInFailures(db, new Date(Date.now() - 24 * 3600_000));
      await pruneIdempotencyKeys(db);
      return { done: false, retryAt: new Date(Date.now() + 3600_000) };
    },
    ...webhookJobHandlers(), // issue 18: outbound webhooks
    [CHANGES_STAMP_JOB]: async (db) => {
      await stampChanges(db);
      return { done: false, retryAt: new Date(Date.now() + CHANGES_STAMP_EVERY_MS) };
    },
    [REFRESH_OVERVIEW_JOB]: async (db) => {
      await refreshStaffOverview(db);
      return { done: false, retryAt: new Date(Date.now() + OVERVIEW_REFRESH_MS) };
    },
    // The emulators' own jobs exist only in sandbox mode: loaded here, never in production.
    ...(darajaSandboxEnabled(env) ? (await import('@/lib/sandbox/jobs')).sandboxJobHandlers : {}),
  };
}
