'use client';
// A staff action as a plain form: the server action does the work and answers in words, which
// appear under the button (aria-live, so screen readers hear the outcome too).
import { startTransition, useActionState } from 'react';
import type { ActionState } from '@/lib/staff/action-state';
import { useActionResult } from './action-results';

type ServerAction = (prev: ActionState, form: FormData) => Promise<ActionState>;

export function ActionForm({
  action,
  submitLabel,
  pendingLabel,
  tone = 'primary',
  children,
  testId,
}: {
  action: ServerAction;
  submitLabel: string;
  pendingLabel: string;
  tone?: 'primary' | 'secondary' | 'danger';
  children?: React.ReactNode;
  testId?: string;
}) {
  // Inside <ActionResults> the answer is shown there, where it survives this form unmounting
  // (published in the same transition as the page update the action causes).
  const publish = useActionResult();
  const [state, formAction, pending] = useActionState(async (prev: ActionState, data: FormData) => {
    const next = await action(prev, data);
    publish?.(next);
    return next;
  }, null);
  const button =
    tone === 'primary' ? 'btn-primary' : tone === 'danger' ? 'btn bg-red-700 text-white hover:bg-red-800' : 'btn-secondary';
  return (
    <form
      action={formAction}
      // Dispatched by hand so React does not clear the form: a note typed before a refusal
      // ("note too short", "already decided") stays for the next try.
      onSubmit={(e) => {
        e.preventDefault();
        const data = new FormData(e.currentTarget);
        startTransition(() => formAction(data));
      }}
      className="space-y-3"
      data-testid={testId}
    >
      {children}
      <button type="submit" className={`${button} w-full sm:w-auto`} disabled={pending}>
        {pending ? pendingLabel : submitLabel}
      </button>
      {!publish && (
        <p role="status" aria-live="polite" className={`text-sm empty:hidden ${state?.ok ? 'text-brand-800' : 'text-red-700'}`}>
          {state?.message ?? ''}
        </p>
      )}
    </form>
  );
}
