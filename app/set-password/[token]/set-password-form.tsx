'use client';
import Link from 'next/link';
import { useActionState } from 'react';
import { setPasswordAction, type SetPasswordState } from './actions';

export function SetPasswordForm({ token }: { token: string }) {
  const [state, action, pending] = useActionState<SetPasswordState, FormData>(setPasswordAction, {});
  if (state.ok)
    return (
      <p role="status" className="text-sm">
        Your password is set. <Link href="/login" className="font-semibold text-brand-700">Sign in with {state.email}</Link>.
      </p>
    );
  return (
    <form action={action} className="space-y-4">
      <input type="hidden" name="token" value={token} />
      <div>
        <label htmlFor="password" className="label">New password (at least 10 characters)</label>
        <input id="password" name="password" type="password" autoComplete="new-password" required minLength={10} className="field" />
      </div>
      <div>
        <label htmlFor="confirm" className="label">The same password again</label>
        <input id="confirm" name="confirm" type="password" autoComplete="new-password" required className="field" />
      </div>
      {state.error && <p data-testid="form-error" className="rounded-xl bg-red-50 px-4 py-3 text-sm text-red-800">{state.error}</p>}
      <button type="submit" className="btn-primary w-full" disabled={pending}>{pending ? 'Saving…' : 'Set password'}</button>
    </form>
  );
}
