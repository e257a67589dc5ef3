'use server';
// Sets a password with a one-time invite link (the token is checked and spent in lib/book/invite).
import { getDb } from '@/db/client';
import { setPasswordWithInvite } from '@/lib/book/invite';

export type SetPasswordState = { ok?: boolean; error?: string; email?: string };

export async function setPasswordAction(_prev: SetPasswordState, form: FormData): Promise<SetPasswordState> {
  const r = await setPasswordWithInvite(await getDb(), String(form.get('token') ?? ''), {
    password: String(form.get('password') ?? ''),
    confirm: String(form.get('confirm') ?? ''),
  });
  return r.ok ? { ok: true, email: r.email } : { error: r.error };
}
