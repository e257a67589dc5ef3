'use client';
// The two steps of every code sign-in: what identifies you, then the 6-digit code we sent.
import { useActionState } from 'react';
import { codeFormAction, type CodeFormState } from '@/app/access/actions';

export type AskField = { name: 'identifier' | 'policyNumber' | 'phone' | 'nationalId'; label: string; hint?: string; type?: string; inputMode?: 'tel' | 'text' | 'email' | 'numeric'; autoComplete?: string };

export function CodeForm({ purpose, fields, submitLabel, callbackUrl }: { purpose: 'signin' | 'claim' | 'guest'; fields: AskField[]; submitLabel: string; callbackUrl?: string }) {
  const [state, action, pending] = useActionState<CodeFormState, FormData>(codeFormAction, { step: 'ask' });
  const error = state.error && (
    <p role="alert" data-testid="form-error" className="rounded-xl bg-red-50 px-4 py-3 text-sm text-red-800">
      {state.error}
    </p>
  );
  if (state.step === 'code') {
    return (
      <form action={action} className="space-y-4" noValidate>
        <input type="hidden" name="purpose" value={purpose} />
        <input type="hidden" name="step" value="code" />
        <input type="hidden" name="challengeId" value={state.challengeId ?? ''} />
        <input type="hidden" name="callbackUrl" value={callbackUrl ?? ''} />
        {Object.entries(state.values ?? {}).map(([k, v]) => (
          <input key={k} type="hidden" name={k} value={v} />
        ))}
        {state.notice && (
          <p data-testid="code-sent" className="rounded-xl bg-brand-50 px-4 py-3 text-sm text-slate-800">
            {state.notice}
          </p>
        )}
        <div>
          <label htmlFor="code" className="label">6-digit code</label>
          <input id="code" name="code" inputMode="numeric" autoComplete="one-time-code" pattern="[0-9]*" maxLength={6} required className="field text-center text-2xl tracking-[0.4em]" />
        </div>
        {error}
        <button type="submit" className="btn-primary w-full" disabled={pending}>
          {pending ? 'Checking…' : 'Continue'}
        </button>
      </form>
    );
  }
  return (
    <form action={action} className="space-y-4" noValidate>
      <input type="hidden" name="purpose" value={purpose} />
      <input type="hidden" name="step" value="ask" />
      {fields.map((f) => (
        <div key={f.name}>
          <label htmlFor={f.name} className="label">
            {f.label}
          </label>
          <input
            id={f.name}
            name={f.name}
            type={f.type ?? 'text'}
            inputMode={f.inputMode}
            autoComplete={f.autoComplete ?? 'off'}
            defaultValue={state.values?.[f.name]}
            aria-invalid={state.field === f.name || undefined}
            className="field"
          />
          {f.hint && <p className="mt-1 text-xs text-slate-500">{f.hint}</p>}
        </div>
      ))}
      {error}
      <button type="submit" className="btn-primary w-full" disabled={pending}>
        {pending ? 'Sending…' : submitLabel}
      </button>
    </form>
  );
}
