'use client';
// A staff form whose success carries a secret shown once (a new API key, a webhook signing
// secret). The secret stays on screen, selectable, until the page is left; it is never stored
// anywhere the page could show it again.
import { startTransition, useActionState } from 'react';
import type { ActionState } from '@/lib/staff/action-state';

export type SecretState = (NonNullable<ActionState> & { secret?: string }) | null;
type ServerAction = (prev: SecretState, form: FormData) => Promise<SecretState>;

export function SecretOnceForm({
  action,
  submitLabel,
  pendingLabel,
  secretLabel,
  tone = 'primary',
  testId,
  children,
}: {
  action: ServerAction;
  submitLabel: string;
  pendingLabel: string;
  secretLabel: string;
  tone?: 'primary' | 'secondary';
  testId?: string;
  children?: React.ReactNode;
}) {
  const [state, formAction, pending] = useActionState(action, null);
  return (
    <form
      action={formAction}
      onSubmit={(e) => {
        e.preventDefault();
        const data = new FormData(e.currentTarget);
        startTransition(() => formAction(data));
      }}
      className="space-y-3"
      data-testid={testId}
    >
      {children}
      <button type="submit" className={`${tone === 'primary' ? 'btn-primary' : 'btn-secondary'} w-full sm:w-auto`} disabled={pending}>
        {pending ? pendingLabel : submitLabel}
      </button>
      <div role="status" aria-live="polite" className="empty:hidden">
        {state && (
          <div className={`space-y-2 rounded-xl px-4 py-3 text-sm ${state.ok ? 'bg-brand-50 text-brand-800' : 'bg-red-50 text-red-800'}`}>
            <p>{state.message}</p>
            {state.secret && (
              <p>
                <span className="block font-semibold">{secretLabel}</span>
                <code className="block select-all break-all rounded bg-white px-2 py-1 font-mono text-xs text-slate-900" data-testid="shown-once-secret">
                  {state.secret}
                </code>
              </p>
            )}
          </div>
        )}
      </div>
    </form>
  );
}
