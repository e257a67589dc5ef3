'use client';

import { useActionState, useState } from 'react';
import { startPaymentAction, type PayState } from '@/app/pay/actions';

type Props = { policyId: string; suggestedAmount: string; maxAmountLabel: string; phone: string };

export function PayForm({ policyId, suggestedAmount, maxAmountLabel, phone }: Props) {
  const [state, action, pending] = useActionState<PayState, FormData>(startPaymentAction, {});
  const [method, setMethod] = useState<'mpesa' | 'card'>('mpesa');
  const err = state.fieldErrors ?? {};
  return (
    <form action={action} className="space-y-5" noValidate>
      <input type="hidden" name="policyId" value={policyId} />
      <fieldset>
        <legend className="label">Pay with</legend>
        <div className="grid grid-cols-2 gap-2">
          <label className={`flex min-h-12 cursor-pointer items-center gap-2 rounded-xl border px-3 ${method === 'mpesa' ? 'border-brand-600 bg-brand-50' : 'border-slate-300'}`}>
            <input type="radio" name="method" value="mpesa" checked={method === 'mpesa'} onChange={() => setMethod('mpesa')} />
            <span className="font-semibold">M-Pesa</span>
          </label>
          <label className="flex min-h-12 cursor-not-allowed items-center gap-2 rounded-xl border border-slate-200 px-3 text-slate-400">
            <input type="radio" name="method" value="card" disabled aria-describedby="card-soon" />
            <span className="font-semibold">Card</span>
            <span id="card-soon" className="text-xs">(soon)</span>
          </label>
        </div>
      </fieldset>

      <div>
        <label htmlFor="amount" className="label">Amount (KES)</label>
        <input
          id="amount"
          name="amount"
          inputMode="numeric"
          autoComplete="off"
          defaultValue={suggestedAmount}
          className="field text-lg font-semibold"
          aria-invalid={!!err.amount}
          aria-describedby="amount-help amount-error"
        />
        <p id="amount-help" className="mt-1 text-xs text-slate-500">Whole shillings, up to {maxAmountLabel}.</p>
        {err.amount && <p id="amount-error" className="mt-1 text-sm text-red-700">{err.amount}</p>}
      </div>

      <div>
        <label htmlFor="phone" className="label">M-Pesa phone number</label>
        <input
          id="phone"
          name="phone"
          type="tel"
          inputMode="tel"
          autoComplete="tel"
          defaultValue={phone}
          placeholder="0712 345 678"
          className="field"
          aria-invalid={!!err.phone}
          aria-describedby="phone-error"
        />
        {err.phone && <p id="phone-error" className="mt-1 text-sm text-red-700">{err.phone}</p>}
      </div>

      <div>
        <label className="flex items-start gap-3 text-sm text-slate-700">
          <input type="checkbox" name="terms" className="mt-1 size-5" aria-describedby="terms-error" />
          <span>I agree that this payment is applied to my policy&apos;s premium under its terms.</span>
        </label>
        {err.terms && <p id="terms-error" className="mt-1 text-sm text-red-700">{err.terms}</p>}
      </div>

      {state.error && (
        <p role="alert" data-testid="form-error" className="rounded-xl bg-red-50 px-4 py-3 text-sm text-red-800">
          {state.error}
        </p>
      )}
      <button type="submit" className="btn-primary w-full" disabled={pending}>
        {pending ? 'Sending M-Pesa prompt…' : 'Pay with M-Pesa'}
      </button>
    </form>
  );
}
