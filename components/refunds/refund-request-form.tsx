'use client';
// The holder's refund request: how much (full by default, never more than can still be
// refunded; the server checks again) and why.
import { startTransition, useActionState } from 'react';
import { requestRefundAction, type RefundFormState } from '@/app/dashboard/refunds/actions';

type Props = { paymentId: string; maxAmount: string; maxLabel: string; wholeShillings: boolean };

export function RefundRequestForm({ paymentId, maxAmount, maxLabel, wholeShillings }: Props) {
  const [state, action, pending] = useActionState<RefundFormState, FormData>(requestRefundAction, {});
  const err = state.fieldErrors ?? {};
  return (
    <form
      action={action}
      // Dispatched by hand so React keeps what was typed when the server refuses it (e.g. too much).
      onSubmit={(e) => {
        e.preventDefault();
        const data = new FormData(e.currentTarget);
        startTransition(() => action(data));
      }}
      className="space-y-5"
      noValidate
    >
      <input type="hidden" name="paymentId" value={paymentId} />
      <div>
        <label htmlFor="amount" className="label">Amount to refund (KES)</label>
        <input
          id="amount"
          name="amount"
          inputMode="decimal"
          autoComplete="off"
          defaultValue={maxAmount}
          className="field text-lg font-semibold"
          aria-invalid={!!err.amount}
          aria-describedby="amount-help amount-error"
        />
        <p id="amount-help" className="mt-1 text-xs text-slate-600">
          Up to {maxLabel}{wholeShillings ? ', in whole shillings' : ''}. A partial refund is fine.
        </p>
        {err.amount && <p id="amount-error" className="mt-1 text-sm text-red-700">{err.amount}</p>}
      </div>
      <div>
        <label htmlFor="reason" className="label">Why do you want a refund?</label>
        <textarea
          id="reason"
          name="reason"
          rows={4}
          maxLength={500}
          className="field"
          placeholder="For example: I paid the same installment twice."
          aria-invalid={!!err.reason}
          aria-describedby="reason-error"
        />
        {err.reason && <p id="reason-error" className="mt-1 text-sm text-red-700">{err.reason}</p>}
      </div>
      {state.error && <p role="alert" className="rounded-xl bg-red-50 px-4 py-3 text-sm text-red-800">{state.error}</p>}
      <button type="submit" className="btn-primary w-full" disabled={pending}>
        {pending ? 'Sending your request…' : 'Request refund'}
      </button>
      <p className="text-xs text-slate-600">
        Our team reviews every request. Refunded money goes back to the card or M-Pesa number you paid with, and the refunded amount
        becomes due again on your policy.
      </p>
    </form>
  );
}
