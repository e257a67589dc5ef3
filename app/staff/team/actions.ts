'use server';
// Staff management (administrators). The role is checked here and again in lib/staff/team.ts.
import { revalidatePath } from 'next/cache';
import { getDb } from '@/db/client';
import { NOT_STAFF, toState, type ActionState } from '@/lib/staff/action-state';
import { staffViewerOrNull } from '@/lib/staff/session';
import { changeStaffRole, deactivateStaff, inviteStaff } from '@/lib/staff/team';

const field = (form: FormData, name: string) => String(form.get(name) ?? '').slice(0, 500);

function done(state: ActionState): ActionState {
  revalidatePath('/staff/team');
  return state;
}

export async function inviteStaffAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  const viewer = await staffViewerOrNull();
  if (!viewer) return NOT_STAFF;
  return done(toState(await inviteStaff(await getDb(), viewer, { email: field(form, 'email'), name: field(form, 'name'), role: field(form, 'role') as 'support' })));
}

export async function changeRoleAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  const viewer = await staffViewerOrNull();
  if (!viewer) return NOT_STAFF;
  return done(toState(await changeStaffRole(await getDb(), viewer, { userId: field(form, 'userId'), role: field(form, 'role') })));
}

export async function deactivateAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  const viewer = await staffViewerOrNull();
  if (!viewer) return NOT_STAFF;
  return done(toState(await deactivateStaff(await getDb(), viewer, { userId: field(form, 'userId') })));
}
