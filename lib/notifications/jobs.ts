// Background jobs of the notifications module (filled in by the notifications work).
import type { JobHandler } from '@/lib/jobs/worker';

export const NOTIFY_PAYMENT_JOB = 'notify.payment';

export const notificationJobHandlers: Record<string, JobHandler> = {
  [NOTIFY_PAYMENT_JOB]: async () => ({ done: true, note: 'notifications not built yet' }),
};
