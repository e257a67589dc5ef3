'use server';
// Staff actions on the overview. The role is checked here and again in lib/staff.
import { revalidatePath } from 'next/cache';
import { getDb } from '@/db/client';
import { NOT_STAFF, toState, type ActionState } from '@/lib/staff/action-state';
import { retryDeadJob } from '@/lib/staff/dead-jobs';
import { staffViewerOrNull } from '@/lib/staff/session';

export async function retryDeadJobAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  const viewer = await staffViewerOrNull();
  if (!viewer) return NOT_STAFF;
  const r = await retryDeadJob(await getDb(), viewer, { jobId: form.get('jobId') });
  revalidatePath('/staff');
  return toState(r);
}
