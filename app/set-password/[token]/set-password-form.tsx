'use client';
import { useActionState } from 'react';
import { setPasswordAction, type SetPasswordState } from './actions';

export function SetPasswordForm({ token }: { token: string }) {
  const [state, action, pending] = useActionState<SetPasswordState, FormData>(setPasswordAction, null);
  return (
    <form action={action} className="card space-y-3" noValidate>
      <input type="hidden" name="token" value={token} />
      <div>
        <label htmlFor="password" className="label">New password (at least 12 characters)</label>
        <input id="password" name="password" type="password" required minLength={12} maxLength={200} autoComplete="new-password" className="field" />
      </div>
      <div>
        <label htmlFor="confirm" className="label">The same password again</label>
        <input id="confirm" name="confirm" type="password" required minLength={12} maxLength={200} autoComplete="new-password" className="field" />
      </div>
      {state?.error && (
        <p className="text-sm text-red-700" data-testid="set-password-error">{state.error}</p>
      )}
      <button type="submit" className="btn-primary w-full" disabled={pending}>
        {pending ? 'Saving…' : 'Save password'}
      </button>
    </form>
  );
}
