// What the worker reports about each job it ran: a metric, and a log line carrying the request id
// of the HTTP request that queued it (when it did), so a callback and its apply share one id.
import type { Job } from '@/db/schema';
import { log } from '@/lib/log';
import { metrics } from '@/lib/metrics';

export function jobRan(job: Job, result: 'done' | 'retry' | 'error' | 'dead', started: number, err?: unknown) {
  metrics.jobsRun.inc({ kind: job.kind, result });
  const p = job.payload as { requestId?: unknown; paymentId?: unknown } | null;
  const fields = {
    event: 'job.ran',
    jobId: job.id,
    kind: job.kind,
    result,
    attempt: job.attempts,
    requestId: typeof p?.requestId === 'string' ? p.requestId : undefined,
    paymentId: typeof p?.paymentId === 'string' ? p.paymentId : undefined,
    durationMs: Math.round(performance.now() - started),
  };
  if (result === 'error' || result === 'dead') log.error({ ...fields, err }, `job ${job.kind} failed${result === 'dead' ? ', now dead' : ''}`);
  else log.debug(fields, `job ${job.kind} ${result}`);
}
