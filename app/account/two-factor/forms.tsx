'use client';

import { useActionState } from 'react';
import { confirmEnrolmentAction, replaceRecoveryCodesAction, type TwoFactorState } from './actions';

function RecoveryCodes({ codes }: { codes: string[] }) {
  return (
    <div className="space-y-3" data-testid="recovery-codes">
      <p className="font-semibold text-slate-900">Your recovery codes</p>
      <p className="text-sm text-slate-700">
        Write these down or print them and keep them somewhere safe. Each works once, instead of a code from your phone.
        You will not see them again.
      </p>
      <ol className="grid grid-cols-1 gap-2 font-mono text-sm sm:grid-cols-2">
        {codes.map((c) => (
          <li key={c} className="whitespace-nowrap rounded-lg bg-slate-100 px-2 py-1 text-center">{c}</li>
        ))}
      </ol>
      <a href="/staff" className="btn-primary w-full">Continue</a>
    </div>
  );
}

function ErrorText({ text }: { text?: string }) {
  return text ? (
    <p role="alert" data-testid="form-error" className="rounded-xl bg-red-50 px-4 py-3 text-sm text-red-800">{text}</p>
  ) : null;
}

/** `children`: the QR code and key, hidden once two-factor is on and the recovery codes show. */
export function ConfirmCodeForm({ children }: { children: React.ReactNode }) {
  const [state, action, pending] = useActionState<TwoFactorState, FormData>(confirmEnrolmentAction, {});
  if (state.recoveryCodes) return <RecoveryCodes codes={state.recoveryCodes} />;
  return (
    <>
    {children}
    <form action={action} className="space-y-3" noValidate>
      <div>
        <label htmlFor="code" className="label">Code from the app</label>
        <input id="code" name="code" inputMode="numeric" autoComplete="one-time-code" required className="field tracking-widest" />
      </div>
      <ErrorText text={state.error} />
      <button type="submit" className="btn-primary w-full" disabled={pending}>
        {pending ? 'Checking…' : 'Turn on two-factor sign-in'}
      </button>
    </form>
    </>
  );
}

export function ReplaceCodesForm() {
  const [state, action, pending] = useActionState<TwoFactorState>(replaceRecoveryCodesAction, {});
  if (state.recoveryCodes) return <RecoveryCodes codes={state.recoveryCodes} />;
  return (
    <form action={action} className="space-y-3">
      <ErrorText text={state.error} />
      <button type="submit" className="btn-secondary w-full" disabled={pending}>
        {pending ? 'Making new codes…' : 'Make new recovery codes'}
      </button>
    </form>
  );
}
