'use server';
// Staff send an imported holder a one-time "set your password" link.
import { getDb } from '@/db/client';
import { sendInvite } from '@/lib/book/invite';
import { appOrigin } from '@/lib/env';
import { NOT_STAFF, toState, type ActionState } from '@/lib/staff/action-state';
import { staffViewerOrNull } from '@/lib/staff/session';

export async function sendInviteAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  const viewer = await staffViewerOrNull();
  if (!viewer) return NOT_STAFF;
  return toState(await sendInvite(await getDb(), viewer, String(form.get('holderId') ?? ''), appOrigin()));
}
