'use client';

// The few parts of the pay form that need the browser: the action's answer (errors, and what was
// sent so the form comes back as it was left) and the pending button. Everything else is drawn on
// the server (pay-form.tsx), so the form works before, and without, this JavaScript.
import { createContext, use, useActionState, type ComponentProps, type ReactNode } from 'react';
import { useFormStatus } from 'react-dom';
import type { PayField, PayState } from '@/app/pay/actions';
import { HydrationMarker } from '@/components/payments/hydration-marker';

const Answer = createContext<PayState>({});

type Action = (prev: PayState, formData: FormData) => Promise<PayState>;

export function PayFormShell({ action, children, ...form }: { action: Action; children: ReactNode } & Omit<ComponentProps<'form'>, 'action'>) {
  const [state, formAction] = useActionState(action, {});
  return (
    <Answer value={state}>
      <form {...form} action={formAction} noValidate>
        <HydrationMarker />
        {children}
      </form>
    </Answer>
  );
}

/** An uncontrolled input that comes back as it was sent when the server answers with errors. */
export function Input({ name, error, ...input }: ComponentProps<'input'> & { name: string; error?: PayField }) {
  const { values, fieldErrors } = use(Answer);
  const sent = values?.[name];
  const kept = !values
    ? {}
    : input.type === 'radio' || input.type === 'checkbox'
      ? { defaultChecked: sent === (input.value ?? 'on') }
      : { defaultValue: sent ?? input.defaultValue };
  return <input name={name} {...input} {...kept} aria-invalid={error && fieldErrors?.[error] ? true : undefined} />;
}

export function FieldError({ name }: { name: PayField }) {
  const message = use(Answer).fieldErrors?.[name];
  return message ? <p id={`${name}-error`} className="mt-1 text-sm text-red-700">{message}</p> : null;
}

/** Shown only after M-Pesa refused the prompt (e.g. the Paybill details, drawn on the server). */
export function WhenPushFailed({ children }: { children?: React.ReactNode }) {
  return use(Answer).pushFailed ? <>{children}</> : null;
}

export function FormError() {
  const { error: message, inProgress } = use(Answer);
  // InProgressChoice says it, with the choices.
  return message && !inProgress ? (
    <p role="alert" data-testid="form-error" className="rounded-xl bg-red-50 px-4 py-3 text-sm text-red-800">
      {message}
    </p>
  ) : null;
}

/**
 * Another M-Pesa payment is still waiting on this policy: say which, and let the holder keep
 * waiting for it or close it and send this one. "Start again" submits this same form (the fields
 * are kept) with `replace`, so it works without JavaScript too.
 */
export function InProgressChoice() {
  const answer = use(Answer).inProgress;
  if (!answer) return null;
  return (
    <div role="alert" data-testid="payment-in-progress" className="space-y-3 rounded-xl border border-amber-300 bg-amber-50 px-4 py-3 text-sm text-amber-950">
      <p className="font-semibold">A payment is already waiting</p>
      <p>
        {answer.amount} to {answer.phone} is still waiting for M-Pesa.{' '}
        {answer.promptLapsed
          ? `The prompt on the phone has lapsed; we keep checking for ${answer.timeLeft}.`
          : `The prompt stays on the phone for ${answer.timeLeft}.`}
      </p>
      <div className="grid gap-2 sm:grid-cols-2">
        <a href={`/pay/mpesa/${answer.paymentId}`} className="btn-secondary">
          Keep waiting for it
        </a>
        <button type="submit" name="replace" value={answer.paymentId} className="btn-primary">
          Start again with this payment
        </button>
      </div>
      <p className="text-xs">
        Starting again stops the waiting payment. If it is paid on the phone anyway, we still credit it to your policy.
      </p>
    </div>
  );
}

/** Children: the idle label (server-drawn, follows the chosen method with CSS). */
export function SubmitButton({ children }: { children: ReactNode }) {
  const { pending, data } = useFormStatus();
  const busy =
    data?.get('method') !== 'card' ? 'Sending M-Pesa prompt…' : data.get('card') === 'new' ? 'Opening secure checkout…' : 'Charging your card…';
  return (
    <button type="submit" className="btn-primary w-full" disabled={pending}>
      {pending ? busy : children}
    </button>
  );
}
