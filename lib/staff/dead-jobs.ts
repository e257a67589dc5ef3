// Dead letters for staff: background jobs that failed too often in a row (lib/jobs/queue.ts). Staff
// see them on the overview with their last error, and can run one again once the cause is fixed.
import { z } from 'zod';
import type { Db, Queryable } from '@/db/client';
import { recordAudit } from '@/lib/audit';
import { listDeadJobs, reviveJob } from '@/lib/jobs/queue';
import type { Viewer } from '@/lib/viewer';
import { assertStaff, staffOnly, type Forbidden } from './access';

export type DeadJobView = { id: number; kind: string; failures: number; lastError: string; deadAt: Date; createdAt: Date };

export async function deadJobsForStaff(db: Queryable, viewer: Viewer, limit = 20): Promise<{ total: number; jobs: DeadJobView[] }> {
  assertStaff(viewer);
  const { total, jobs } = await listDeadJobs(db, limit);
  return {
    total,
    jobs: jobs.map((j) => ({
      id: j.id,
      kind: j.kind,
      failures: j.failures,
      // The first line is the message; the stack stays in the database and the logs.
      lastError: (j.lastError ?? '').split('\n')[0].slice(0, 300),
      deadAt: j.deadAt!,
      createdAt: j.createdAt,
    })),
  };
}

const retrySchema = z.object({ jobId: z.coerce.number().int().positive({ message: 'Unknown job.' }) });

export async function retryDeadJob(
  db: Db,
  viewer: Viewer,
  raw: { jobId: unknown },
): Promise<{ ok: true; message: string } | { ok: false; code: 'invalid' | 'not_found'; error: string } | Forbidden> {
  const denied = staffOnly(viewer, 'jobs.retry');
  if (denied) return denied;
  const parsed = retrySchema.safeParse(raw);
  if (!parsed.success) return { ok: false, code: 'invalid', error: 'Unknown job.' };
  return db.transaction(async (tx) => {
    if (!(await reviveJob(tx, parsed.data.jobId))) {
      return { ok: false as const, code: 'not_found' as const, error: 'That job is no longer waiting for a retry; nothing changed.' };
    }
    await recordAudit(tx, { actorId: viewer.userId, action: 'job.retry', targetType: 'job', targetId: String(parsed.data.jobId) });
    return { ok: true as const, message: 'The job will run again in a moment.' };
  });
}
