'use client';

import { useActionState, useState } from 'react';
import { startPaymentAction, type PayState } from '@/app/pay/actions';
import { HydrationMarker } from '@/components/payments/hydration-marker';

export type SavedCardOption = { id: string; label: string };
type Props = {
  policyId: string;
  suggestedAmount: string;
  maxAmountLabel: string;
  phone: string;
  savedCards: SavedCardOption[];
};

export function PayForm({ policyId, suggestedAmount, maxAmountLabel, phone, savedCards }: Props) {
  const [state, action, pending] = useActionState<PayState, FormData>(startPaymentAction, {});
  const [method, setMethod] = useState<'mpesa' | 'card'>('mpesa');
  const [card, setCard] = useState<string>(savedCards[0]?.id ?? 'new');
  const err = state.fieldErrors ?? {};
  const chosenCard = savedCards.find((c) => c.id === card);
  const submitLabel = pending
    ? method === 'mpesa'
      ? 'Sending M-Pesa prompt…'
      : chosenCard
        ? 'Charging your card…'
        : 'Opening secure checkout…'
    : method === 'mpesa'
      ? 'Pay with M-Pesa'
      : chosenCard
        ? `Pay with ${chosenCard.label}`
        : 'Pay with card';
  return (
    <form action={action} className="space-y-5" noValidate>
      <HydrationMarker />
      <input type="hidden" name="policyId" value={policyId} />
      <fieldset>
        <legend className="label">Pay with</legend>
        <div className="grid grid-cols-2 gap-2">
          {(['mpesa', 'card'] as const).map((m) => (
            <label
              key={m}
              className={`flex min-h-12 cursor-pointer items-center gap-2 rounded-xl border px-3 ${method === m ? 'border-brand-600 bg-brand-50' : 'border-slate-300'}`}
            >
              <input type="radio" name="method" value={m} checked={method === m} onChange={() => setMethod(m)} />
              <span className="font-semibold">{m === 'mpesa' ? 'M-Pesa' : 'Card'}</span>
            </label>
          ))}
        </div>
      </fieldset>

      <div>
        <label htmlFor="amount" className="label">Amount (KES)</label>
        <input
          id="amount"
          name="amount"
          inputMode="decimal"
          autoComplete="off"
          defaultValue={suggestedAmount}
          className="field text-lg font-semibold"
          aria-invalid={!!err.amount}
          aria-describedby="amount-help amount-error"
        />
        <p id="amount-help" className="mt-1 text-xs text-slate-500">
          {method === 'mpesa' ? 'Whole shillings' : 'Any amount'}, up to {maxAmountLabel}.
        </p>
        {err.amount && <p id="amount-error" className="mt-1 text-sm text-red-700">{err.amount}</p>}
      </div>

      {method === 'mpesa' ? (
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
      ) : (
        <fieldset className="space-y-2">
          <legend className="label">Card</legend>
          {savedCards.map((c) => (
            <label key={c.id} className={`flex min-h-12 cursor-pointer items-center gap-3 rounded-xl border px-3 ${card === c.id ? 'border-brand-600 bg-brand-50' : 'border-slate-300'}`}>
              <input type="radio" name="card" value={c.id} checked={card === c.id} onChange={() => setCard(c.id)} />
              <span className="font-medium">{c.label}</span>
            </label>
          ))}
          <label className={`flex min-h-12 cursor-pointer items-center gap-3 rounded-xl border px-3 ${card === 'new' ? 'border-brand-600 bg-brand-50' : 'border-slate-300'}`}>
            <input type="radio" name="card" value="new" checked={card === 'new'} onChange={() => setCard('new')} />
            <span className="font-medium">{savedCards.length ? 'A new card' : 'Debit or credit card'}</span>
          </label>
          {card === 'new' && (
            <label className="flex items-start gap-3 pt-1 text-sm text-slate-700">
              <input type="checkbox" name="saveCard" className="mt-1 size-5" />
              <span>Save this card for faster payments next time (we keep only the brand and last four digits).</span>
            </label>
          )}
          <p className="text-xs text-slate-500">Card details are entered on Paystack&apos;s secure page, never on ours.</p>
        </fieldset>
      )}

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
        {submitLabel}
      </button>
    </form>
  );
}
