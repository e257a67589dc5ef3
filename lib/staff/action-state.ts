// What a staff server action answers: always words for the person who clicked.
export type ActionState = { ok: boolean; message: string } | null;

export const NOT_STAFF: ActionState = { ok: false, message: 'Only staff can do this. Nothing was changed.' };

export function toState(r: { ok: true; message: string } | { ok: false; error: string }): ActionState {
  return r.ok ? { ok: true, message: r.message } : { ok: false, message: r.error };
}
