'use server';
// Uses a one-time set-password link (lib/auth/password-links.ts).
import { redirect } from 'next/navigation';
import { getDb } from '@/db/client';
import { usePasswordLink } from '@/lib/auth/password-links';

export type SetPasswordState = { error?: string } | null;

export async function setPasswordAction(_prev: SetPasswordState, form: FormData): Promise<SetPasswordState> {
  const token = String(form.get('token') ?? '').slice(0, 100);
  const result = await usePasswordLink(await getDb(), token, {
    password: String(form.get('password') ?? '').slice(0, 500),
    confirm: String(form.get('confirm') ?? '').slice(0, 500),
  });
  if (!result.ok) return { error: result.error };
  // Holders (invited after a book import) go to their policies; staff to the console.
  redirect(`/login?callbackUrl=${result.role === 'policyholder' ? '/dashboard' : '/staff'}&passwordSet=1`);
}
