'use client';

import { useActionState } from 'react';
import { signInAction, type SignInState } from './actions';

// Two steps in one form: email and password, then (accounts with two-factor on) the code. Works
// without JavaScript too: the server renders the returned state.
export function SignInForm({ callbackUrl }: { callbackUrl?: string }) {
  const [state, action, pending] = useActionState<SignInState, FormData>(signInAction, {});
  const askCode = !!state.ticket;
  return (
    <form action={action} className="space-y-4" noValidate>
      <input type="hidden" name="callbackUrl" value={callbackUrl ?? ''} />
      {askCode ? (
        <>
          <input type="hidden" name="email" value={state.email ?? ''} />
          <input type="hidden" name="ticket" value={state.ticket} />
          <p className="text-sm text-slate-700">
            Signing in as <strong>{state.email}</strong>. Open your authenticator app and enter the 6-digit code for Malipo.
          </p>
          <div>
            <label htmlFor="code" className="label">Code</label>
            <input
              id="code"
              name="code"
              inputMode="numeric"
              autoComplete="one-time-code"
              autoFocus
              required
              className="field tracking-widest"
            />
            <p className="mt-1 text-xs text-slate-500">Lost your phone? Enter one of your recovery codes instead.</p>
          </div>
        </>
      ) : (
        <>
          <div>
            <label htmlFor="email" className="label">Email</label>
            <input id="email" name="email" type="email" autoComplete="email" required defaultValue={state.email} className="field" />
          </div>
          <div>
            <label htmlFor="password" className="label">Password</label>
            <input id="password" name="password" type="password" autoComplete="current-password" required className="field" />
          </div>
        </>
      )}
      {state.error && (
        <p role="alert" data-testid="form-error" className="rounded-xl bg-red-50 px-4 py-3 text-sm text-red-800">
          {state.error}
        </p>
      )}
      <button type="submit" className="btn-primary w-full" disabled={pending}>
        {pending ? 'Signing in…' : askCode ? 'Verify and sign in' : 'Sign in'}
      </button>
    </form>
  );
}
